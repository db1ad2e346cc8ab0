// SPDX-License-Identifier: GPL-2.0
/*
 * Evaluating a compiled filter against an event: no allocation once the scratch buffer has
 * grown to the longest value met. Recursion follows the tree, whose depth the parser bounds
 * (internal.h), so a hostile or generated expression cannot exhaust the stack here.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static bool str_cmp(enum op op, const struct field_val *v, const struct operand *o)
{
	size_t i;
	int c;

	switch (op) {
	case OP_CONTAINS:
		return o->len <= v->len && memmem(v->str, v->len, o->str, o->len);
	case OP_ICONTAINS:
		for (i = 0; o->len <= v->len && i + o->len <= v->len; i++)
			if (!strncasecmp(v->str + i, o->str, o->len))
				return true;
		return false;
	case OP_STARTS:
		return o->len <= v->len && !memcmp(v->str, o->str, o->len);
	case OP_ENDS:
		return o->len <= v->len && !memcmp(v->str + v->len - o->len, o->str, o->len);
	default:
		break;
	}
	c = memcmp(v->str, o->str, v->len < o->len ? v->len : o->len);
	if (!c)
		c = v->len < o->len ? -1 : v->len > o->len;
	switch (op) {
	case OP_EQ: case OP_IN: return c == 0;
	case OP_NE: return c != 0;
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	case OP_GE: return c >= 0;
	default: return false;
	}
}

/* FF_CIDR: whether the address the value spells is in the operand's network. */
static bool in_net(const struct field_val *v, const struct operand *o)
{
	char s[INET6_ADDRSTRLEN + 1];
	uint8_t a[16];
	unsigned int full, rest;

	if (v->type != FT_STR || v->len >= sizeof(s))
		return false;
	memcpy(s, v->str, v->len);
	s[v->len] = '\0';
	if (inet_pton(o->family, s, a) != 1)
		return false;
	full = o->bits / 8;
	rest = o->bits % 8;
	if (memcmp(a, o->net, full))
		return false;
	return !rest || !((a[full] ^ o->net[full]) & (0xff00 >> rest));
}

#define NUM_CMP(op, a, b)                                                                          \
	((op) == OP_EQ || (op) == OP_IN ? (a) == (b) : (op) == OP_NE ? (a) != (b) :                \
	 (op) == OP_LT ? (a) < (b) : (op) == OP_LE ? (a) <= (b) : (op) == OP_GT ? (a) > (b) :      \
	 (op) == OP_GE ? (a) >= (b) : false)

static bool check_val(const struct node *n, const struct field_val *v)
{
	size_t i;

	if (n->op == OP_EXISTS)
		return true;
	for (i = 0; i < n->nvals; i++) {
		const struct operand *o = &n->vals[i];
		bool hit;

		/* The parser lets string operators reach string fields only. */
		if (n->field->flags & FF_CIDR)
			hit = in_net(v, o) == (n->op != OP_NE);
		else if (v->type == FT_STR)
			hit = str_cmp(n->op, v, o);
		else if (v->type == FT_U64)
			hit = NUM_CMP(n->op, v->u, o->u);
		else
			hit = NUM_CMP(n->op, v->s, o->s);
		if (hit)
			return true;
	}
	return false;
}

/*
 * A multi-valued field used bare (proc.aname=bash, FF_ANY): the check holds when it holds for
 * one of its values, idx 1, 2, ... up to the first the field does not have.
 */
static bool check_any(const struct node *n, const struct scry_event *ev,
		      struct sbuf_mem *scratch)
{
	struct field_arg a = { 1, NULL };
	struct field_val v;
	struct sbuf b;

	for (; a.idx <= FIELD_ANY_MAX; a.idx++) {
		sbuf__init_mem(&b, scratch);
		if (!n->field->get_arg(ev, &a, &v, &b))
			return false;
		if (check_val(n, &v))
			return true;
	}
	return false;
}

static bool check(const struct node *n, const struct scry_event *ev, struct sbuf_mem *scratch)
{
	const struct field_desc *f = n->field;
	struct field_val v;
	struct sbuf b;

	if ((f->flags & FF_ANY) && f->get_arg && f->arg.idx < 0 && !f->arg.key)
		return check_any(n, ev, scratch);
	sbuf__init_mem(&b, scratch);
	if (!field_get(f, ev, &v, &b))
		return false;
	return check_val(n, &v);
}

bool node__eval(const struct node *n, const struct scry_event *ev, struct sbuf_mem *scratch)
{
	size_t i;

	switch (n->kind) {
	case N_AND:
		for (i = 0; i < n->nkids; i++)
			if (!node__eval(n->kids[i], ev, scratch))
				return false;
		return true;
	case N_OR:
		for (i = 0; i < n->nkids; i++)
			if (node__eval(n->kids[i], ev, scratch))
				return true;
		return false;
	case N_NOT:
		return !node__eval(n->kids[0], ev, scratch);
	case N_CHECK:
		return check(n, ev, scratch);
	default:
		return true;
	}
}

/* A name, or for a field with an argument its stem: "evt.arg" is evt.arg.fd and evt.arg[1]. */
static bool named(const struct field_desc *f, const char *name)
{
	size_t n = strlen(name);

	if (!f->get_arg || strncmp(f->name, name, n))
		return !strcmp(f->name, name);
	return !f->name[n] || f->name[n] == '.' || f->name[n] == '[';
}

bool node__uses(const struct node *n, const char *const *fields)
{
	size_t i;

	if (n->field)
		for (i = 0; fields[i]; i++)
			if (named(n->field, fields[i]))
				return true;
	for (i = 0; i < n->nkids; i++)
		if (node__uses(n->kids[i], fields))
			return true;
	return false;
}

static bool node__names(const struct node *n, const char *field, const char *value)
{
	size_t i;

	if (n->field && !strcmp(n->field->name, field))
		for (i = 0; i < n->nvals; i++)
			if (n->vals[i].len == strlen(value) &&
			    !memcmp(n->vals[i].str, value, n->vals[i].len))
				return true;
	for (i = 0; i < n->nkids; i++)
		if (node__names(n->kids[i], field, value))
			return true;
	return false;
}

/* A name in `fields` is a field, or with a final '.' every field under it. */
static bool listed(const char *name, const char *const *fields)
{
	size_t i, n;

	for (i = 0; fields[i]; i++) {
		n = strlen(fields[i]);
		if (n && fields[i][n - 1] == '.' ? !strncmp(name, fields[i], n) :
		    !strcmp(name, fields[i]))
			return true;
	}
	return false;
}

static bool node__uses_only(const struct node *n, const char *const *fields)
{
	size_t i;

	if (n->field && !listed(n->field->name, fields))
		return false;
	for (i = 0; i < n->nkids; i++)
		if (!node__uses_only(n->kids[i], fields))
			return false;
	return true;
}

void node__free(struct node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		node__free(n->kids[i]);
	free(n->kids);
	for (i = 0; i < n->nvals; i++)
		free(n->vals[i].str);
	free(n->vals);
	free(n);
}

bool filter__uses(const struct filter *f, const char *const *fields)
{
	return f && node__uses(f->root, fields);
}

bool filter__names(const struct filter *f, const char *field, const char *value)
{
	return f && node__names(f->root, field, value);
}

bool filter__uses_only(const struct filter *f, const char *const *fields)
{
	return !f || node__uses_only(f->root, fields);
}

bool filter__match(const struct filter *f, const struct scry_event *ev)
{
	return !f || node__eval(f->root, ev, f->scratch);
}
