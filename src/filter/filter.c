// SPDX-License-Identifier: GPL-2.0
/*
 * The filter language, in the style of sysdig's:
 *
 *   expr    = and { "or" and } ;
 *   and     = unary { "and" unary } ;
 *   unary   = "not" unary | "(" expr ")" | check ;
 *   check   = FIELD ( OP VALUE | "exists" | "in" "(" VALUE { "," VALUE } ")" ) ;
 *   OP      = "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "icontains"
 *           | "startswith" | "endswith" ;
 *   VALUE   = WORD | "'" chars "'" | '"' chars '"' ;
 *
 * An expression compiles once into a tree whose numeric operands are already parsed, so that
 * evaluating it per event allocates nothing. A field that does not apply to an event (evt.res
 * on an enter) makes its check false.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scry/filter.h"

enum node_kind { N_AND, N_OR, N_NOT, N_CHECK, N_TRUE };
enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_CONTAINS, OP_ICONTAINS, OP_STARTS,
	  OP_ENDS, OP_EXISTS, OP_IN };

static const struct {
	const char *text;
	enum op op;
} ops[] = {
	{ "==", OP_EQ }, { "=", OP_EQ }, { "!=", OP_NE }, { "<=", OP_LE }, { "<", OP_LT },
	{ ">=", OP_GE }, { ">", OP_GT }, { "contains", OP_CONTAINS }, { "icontains", OP_ICONTAINS },
	{ "startswith", OP_STARTS }, { "endswith", OP_ENDS }, { "exists", OP_EXISTS },
	{ "in", OP_IN },
};

struct operand {
	char *str;
	size_t len;
	uint64_t u;
	int64_t s;
};

struct node {
	enum node_kind kind;
	struct node *a, *b;		/* AND/OR: both; NOT: a */
	const struct field_desc *field;
	enum op op;
	struct operand *vals;		/* one, or several for "in" */
	size_t nvals;
};

struct filter {
	struct node *root;
	/* Field values, whole, in a buffer of the same kind as the outputs': a check sees what
	 * they show, whatever its length. */
	struct sbuf_mem *scratch;
};

struct parser {
	const char *src, *p;
	char *err;
	size_t errlen;
	bool failed;
};

static void perr(struct parser *ps, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void perr(struct parser *ps, const char *at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "filter: %s (at column %d)", msg, (int)(at - ps->src) + 1);
}

static void skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static bool is_field_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '[' || c == ']';
}

/* A keyword matches only as a whole word. */
static bool keyword(struct parser *ps, const char *kw)
{
	size_t n = strlen(kw);

	skip_ws(ps);
	if (strncmp(ps->p, kw, n) || is_field_char(ps->p[n]))
		return false;
	ps->p += n;
	return true;
}

static void node_free(struct node *n)
{
	size_t i;

	if (!n)
		return;
	node_free(n->a);
	node_free(n->b);
	for (i = 0; i < n->nvals; i++)
		free(n->vals[i].str);
	free(n->vals);
	free(n);
}

static struct node *node_new(struct parser *ps, enum node_kind k, struct node *a, struct node *b)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n) {
		perr(ps, ps->p, "out of memory");
		node_free(a);
		node_free(b);
		return NULL;
	}
	n->kind = k;
	n->a = a;
	n->b = b;
	return n;
}

/* A bare word ends at space, parenthesis or comma; quoted strings may hold anything. */
static char *value(struct parser *ps, size_t *len)
{
	const char *start;
	char *out;

	skip_ws(ps);
	start = ps->p;
	if (*ps->p == '\'' || *ps->p == '"') {
		char q = *ps->p++;
		const char *end = strchr(ps->p, q);

		if (!end) {
			perr(ps, start, "unterminated string");
			return NULL;
		}
		*len = end - ps->p;
		out = strndup(ps->p, *len);
		ps->p = end + 1;
	} else {
		while (*ps->p && !isspace((unsigned char)*ps->p) && !strchr("(),", *ps->p))
			ps->p++;
		if (ps->p == start) {
			perr(ps, start, "expected a value");
			return NULL;
		}
		*len = ps->p - start;
		out = strndup(start, *len);
	}
	if (!out)
		perr(ps, start, "out of memory");
	return out;
}

/* Parse the operand for the field's type once, so evaluation compares numbers directly. */
static bool typed(struct parser *ps, const char *at, const struct field_desc *f, struct operand *o)
{
	char *end;

	if (f->type == FT_STR)
		return true;
	errno = 0;
	if (f->type == FT_U64) {
		if (o->str[0] == '-')
			goto bad;
		o->u = strtoull(o->str, &end, 0);
	} else {
		o->s = strtoll(o->str, &end, 0);
	}
	if (!*end && end != o->str && !errno)
		return true;
bad:
	perr(ps, at, "%s takes a number, not '%s'", f->name, o->str);
	return false;
}

static bool add_value(struct parser *ps, struct node *n)
{
	const char *at;
	struct operand *o, *vals;

	skip_ws(ps);
	at = ps->p;
	vals = realloc(n->vals, (n->nvals + 1) * sizeof(*vals));
	if (!vals) {
		perr(ps, at, "out of memory");
		return false;
	}
	n->vals = vals;
	o = &vals[n->nvals];
	memset(o, 0, sizeof(*o));
	o->str = value(ps, &o->len);
	if (!o->str)
		return false;
	n->nvals++;
	return typed(ps, at, n->field, o);
}

static struct node *parse_expr(struct parser *ps);

static struct node *parse_check(struct parser *ps)
{
	const char *start;
	char name[128];
	struct node *n;
	size_t len, i;

	skip_ws(ps);
	start = ps->p;
	while (is_field_char(*ps->p))
		ps->p++;
	len = ps->p - start;
	if (!len) {
		if (*start)
			perr(ps, start, "expected a field name, found '%c'", *start);
		else
			perr(ps, start, "expected a field name at the end");
		return NULL;
	}
	if (len >= sizeof(name)) {
		perr(ps, start, "field name too long");
		return NULL;
	}
	memcpy(name, start, len);
	name[len] = '\0';
	n = node_new(ps, N_CHECK, NULL, NULL);
	if (!n)
		return NULL;
	n->field = field_lookup(name);
	if (!n->field) {
		perr(ps, start, "unknown field '%s' (scry -l lists the fields)", name);
		goto fail;
	}
	skip_ws(ps);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t k = strlen(ops[i].text);

		if (strncmp(ps->p, ops[i].text, k))
			continue;
		if (isalpha((unsigned char)ops[i].text[0]) && is_field_char(ps->p[k]))
			continue;
		ps->p += k;
		n->op = ops[i].op;
		break;
	}
	if (i == ARRAY_SIZE(ops)) {
		perr(ps, ps->p, "expected an operator after %s (=, !=, <, >, contains, in, exists...)",
		     name);
		goto fail;
	}
	if (n->op == OP_EXISTS)
		return n;
	if (n->op == OP_IN) {
		skip_ws(ps);
		if (*ps->p != '(') {
			perr(ps, ps->p, "expected '(' after in");
			goto fail;
		}
		ps->p++;
		do {
			if (!add_value(ps, n))
				goto fail;
			skip_ws(ps);
		} while (*ps->p == ',' && ps->p++);
		if (*ps->p != ')') {
			perr(ps, ps->p, "expected ')' to close the list");
			goto fail;
		}
		ps->p++;
		return n;
	}
	if (!add_value(ps, n))
		goto fail;
	return n;
fail:
	node_free(n);
	return NULL;
}

static struct node *parse_unary(struct parser *ps)
{
	struct node *n;

	if (keyword(ps, "not")) {
		n = parse_unary(ps);
		return n ? node_new(ps, N_NOT, n, NULL) : NULL;
	}
	skip_ws(ps);
	if (*ps->p == '(') {
		const char *open = ps->p++;

		n = parse_expr(ps);
		if (!n)
			return NULL;
		skip_ws(ps);
		if (*ps->p != ')') {
			perr(ps, open, "unbalanced '('");
			node_free(n);
			return NULL;
		}
		ps->p++;
		return n;
	}
	return parse_check(ps);
}

static struct node *parse_and(struct parser *ps)
{
	struct node *n = parse_unary(ps), *r;

	while (n && keyword(ps, "and")) {
		r = parse_unary(ps);
		if (!r) {
			node_free(n);
			return NULL;
		}
		n = node_new(ps, N_AND, n, r);
	}
	return n;
}

static struct node *parse_expr(struct parser *ps)
{
	struct node *n = parse_and(ps), *r;

	while (n && keyword(ps, "or")) {
		r = parse_and(ps);
		if (!r) {
			node_free(n);
			return NULL;
		}
		n = node_new(ps, N_OR, n, r);
	}
	return n;
}

struct filter *filter__compile(const char *expr, char *errbuf, size_t errlen)
{
	struct parser ps = { .src = expr, .p = expr, .err = errbuf, .errlen = errlen };
	struct filter *f = calloc(1, sizeof(*f));

	if (f)
		f->scratch = calloc(1, sizeof(*f->scratch));
	if (!f || !f->scratch) {
		free(f);
		snprintf(errbuf, errlen, "filter: out of memory");
		return NULL;
	}
	if (!expr || !*expr) {
		f->root = node_new(&ps, N_TRUE, NULL, NULL);
		if (!f->root) {
			filter__free(f);
			return NULL;
		}
		return f;
	}
	f->root = parse_expr(&ps);
	if (f->root) {
		skip_ws(&ps);
		if (*ps.p) {
			perr(&ps, ps.p, "unexpected '%s'", ps.p);
			node_free(f->root);
			f->root = NULL;
		}
	}
	if (!f->root) {
		filter__free(f);
		return NULL;
	}
	return f;
}

void filter__free(struct filter *f)
{
	if (!f)
		return;
	node_free(f->root);
	if (f->scratch)
		sbuf_mem__free(f->scratch);
	free(f->scratch);
	free(f);
}

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

#define NUM_CMP(op, a, b)                                                                          \
	((op) == OP_EQ || (op) == OP_IN ? (a) == (b) : (op) == OP_NE ? (a) != (b) :                \
	 (op) == OP_LT ? (a) < (b) : (op) == OP_LE ? (a) <= (b) : (op) == OP_GT ? (a) > (b) :      \
	 (op) == OP_GE ? (a) >= (b) : false)

static bool check(const struct node *n, const struct scry_event *ev, struct sbuf_mem *scratch)
{
	struct sbuf b;
	struct field_val v;
	size_t i;

	sbuf__init_mem(&b, scratch);
	if (!n->field->get(ev, &v, &b))
		return false;
	if (n->op == OP_EXISTS)
		return true;
	for (i = 0; i < n->nvals; i++) {
		const struct operand *o = &n->vals[i];
		bool hit;

		if (v.type == FT_STR)
			hit = str_cmp(n->op, &v, o);
		else if (n->op >= OP_CONTAINS)	/* substring tests on a number: on its text */
			hit = false;
		else if (v.type == FT_U64)
			hit = NUM_CMP(n->op, v.u, o->u);
		else
			hit = NUM_CMP(n->op, v.s, o->s);
		if (hit)
			return true;
	}
	return false;
}

static bool eval(const struct node *n, const struct scry_event *ev, struct sbuf_mem *scratch)
{
	switch (n->kind) {
	case N_AND: return eval(n->a, ev, scratch) && eval(n->b, ev, scratch);
	case N_OR: return eval(n->a, ev, scratch) || eval(n->b, ev, scratch);
	case N_NOT: return !eval(n->a, ev, scratch);
	case N_CHECK: return check(n, ev, scratch);
	default: return true;
	}
}

static bool node_uses(const struct node *n, const char *const *fields)
{
	size_t i;

	if (!n)
		return false;
	if (n->field)
		for (i = 0; fields[i]; i++)
			if (!strcmp(n->field->name, fields[i]))
				return true;
	return node_uses(n->a, fields) || node_uses(n->b, fields);
}

bool filter__uses(const struct filter *f, const char *const *fields)
{
	return f && node_uses(f->root, fields);
}

bool filter__match(const struct filter *f, const struct scry_event *ev)
{
	return !f || eval(f->root, ev, f->scratch);
}

char *filter__join(int argc, char *const argv[])
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}
