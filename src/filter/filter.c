// SPDX-License-Identifier: GPL-2.0
/*
 * The filter language, in the style of sysdig's (docs/filters.md has the rules and examples):
 *
 *   filter  = [ or ] ;
 *   or      = and { "or" and } ;
 *   and     = unary { "and" unary } ;
 *   unary   = "not" unary | "(" or ")" | check ;
 *   check   = FIELD ( CMP VALUE | "in" "(" VALUE { "," VALUE } ")" | "exists" ) ;
 *   CMP     = "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "icontains"
 *           | "startswith" | "endswith" ;
 *   FIELD   = fchar { fchar | "[" ARG "]" } ;   fchar = letter | digit | "." | "_"
 *   ARG     = { char - "]" } ;                  (proc.aname[2], container.mount.source[/d])
 *   VALUE   = WORD | "'" { char - "'" } "'" | '"' { char - '"' } '"' ;
 *   WORD    = wchar { wchar } ;                 wchar = char - space - "(" - ")" - ","
 *
 * Keywords are whole words. Everything is decided here, once: the field exists, the operator
 * fits its type (no substring test on a number), a number is decimal and in range, a value of a
 * field with a closed set of them (evt.type...) is one of them. Then evaluating allocates
 * nothing and cannot fail. An error names the token it is about (its bytes, for the caret).
 *
 * Nesting is limited to FILTER_MAX_DEPTH levels of parentheses and `not`, and `and`/`or` build
 * one node per chain (internal.h): the parser's recursion and the tree's depth stay bounded
 * whatever the expression's length.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct {
	const char *text;
	enum op op;
} ops[] = {
	{ "==", OP_EQ }, { "=", OP_EQ }, { "!=", OP_NE }, { "<=", OP_LE }, { "<", OP_LT },
	{ ">=", OP_GE }, { ">", OP_GT }, { "contains", OP_CONTAINS }, { "icontains", OP_ICONTAINS },
	{ "startswith", OP_STARTS }, { "endswith", OP_ENDS }, { "exists", OP_EXISTS },
	{ "in", OP_IN },
};

#define NUM_OPS "=, !=, <, <=, >, >=, in or exists"

struct parser {
	const char *src, *p;
	unsigned int depth;	/* parentheses and `not` around the current point */
	struct filter_error *err;
	bool failed;
	bool nomem;
};

/* A token in a message: at most this many bytes of it, then "...". */
#define QUOTE_MAX 48

static int quote_len(const char *s, size_t n)
{
	if (n <= QUOTE_MAX)
		return n;
	n = QUOTE_MAX;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;	/* not in the middle of a UTF-8 sequence */
	return n;
}

#define QUOTE(s, n) quote_len(s, n), (s), ((size_t)quote_len(s, n) < (n) ? "..." : "")

static void perr(struct parser *ps, const char *at, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void perr(struct parser *ps, const char *at, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = true;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	ps->err->pos = at - ps->src;
	ps->err->len = len;
}

static void nomem(struct parser *ps)
{
	perr(ps, ps->p, 0, "out of memory");
	ps->nomem = true;
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

static bool is_word_end(char c)
{
	return !c || isspace((unsigned char)c) || c == '(' || c == ')' || c == ',';
}

/* Length of the token at p, for pointing at it: a quoted string, a word, or one character. */
static size_t token_len(const char *p)
{
	const char *e;
	size_t n = 0;

	if (!*p)
		return 0;
	if (*p == '(' || *p == ')' || *p == ',')
		return 1;
	if (*p == '\'' || *p == '"') {
		e = strchr(p + 1, *p);
		return e ? (size_t)(e - p + 1) : strlen(p);
	}
	while (!is_word_end(p[n]))
		n++;
	return n;
}

/* "found 'x'" or "found the end", for messages about what came instead of what was expected. */
#define FOUND_FMT "%s%.*s%s%s"
#define FOUND(p) (*(p) ? "found '" : "found the end of the expression"), \
	quote_len(p, token_len(p)), (p), \
	((size_t)quote_len(p, token_len(p)) < token_len(p) ? "..." : ""), (*(p) ? "'" : "")

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

static struct node *node_new(struct parser *ps, enum node_kind k)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		nomem(ps);
	else
		n->kind = k;
	return n;
}

/* Append a term to an AND/OR/NOT node; *cap is its array's size. Frees t on failure. */
static bool add_kid(struct parser *ps, struct node *n, size_t *cap, struct node *t)
{
	if (n->nkids == *cap) {
		size_t ncap = *cap ? *cap * 2 : 2;
		struct node **k = realloc(n->kids, ncap * sizeof(*k));

		if (!k) {
			nomem(ps);
			node__free(t);
			return false;
		}
		n->kids = k;
		*cap = ncap;
	}
	n->kids[n->nkids++] = t;
	return true;
}

struct token {
	const char *at;		/* where it starts in the expression (a quote included) */
	size_t len;		/* its bytes in the expression */
};

/* A bare word ends at space, parenthesis or comma; quoted strings may hold anything. */
static char *value(struct parser *ps, const char *after, struct token *t, size_t *len)
{
	char *out;

	skip_ws(ps);
	t->at = ps->p;
	if (*ps->p == '\'' || *ps->p == '"') {
		const char *end = strchr(ps->p + 1, *ps->p);

		if (!end) {
			perr(ps, t->at, strlen(t->at), "unterminated string: no closing %c", *ps->p);
			return NULL;
		}
		*len = end - ps->p - 1;
		out = strndup(ps->p + 1, *len);
		ps->p = end + 1;
	} else {
		while (!is_word_end(*ps->p))
			ps->p++;
		if (ps->p == t->at) {
			perr(ps, t->at, token_len(t->at), "expected a value after %s, " FOUND_FMT,
			     after, FOUND(t->at));
			return NULL;
		}
		*len = ps->p - t->at;
		out = strndup(t->at, *len);
	}
	t->len = ps->p - t->at;
	if (!out)
		nomem(ps);
	return out;
}

/* Decimal only, as the outputs print numbers: no base prefix, no '+', a '-' for signed fields. */
static bool number(struct parser *ps, const struct token *t, const struct field_desc *f,
		   struct operand *o)
{
	bool neg = f->type == FT_S64 && o->str[0] == '-';
	const char *d = o->str + neg;
	uint64_t v = 0;

	if ((f->flags & FF_BOOL) && (!strcmp(o->str, "true") || !strcmp(o->str, "false"))) {
		o->u = o->str[0] == 't';
		return true;
	}
	if (!*d)
		goto bad;
	for (; *d; d++) {
		unsigned int k = *d - '0';

		if (k > 9)
			goto bad;
		if (v > (UINT64_MAX - k) / 10)
			goto range;
		v = v * 10 + k;
	}
	if (f->type == FT_U64) {
		o->u = v;
		return true;
	}
	if (v > (uint64_t)INT64_MAX + neg)
		goto range;
	o->s = neg ? -(int64_t)(v - 1) - 1 : (int64_t)v;
	return true;
bad:
	perr(ps, t->at, t->len, "%s takes a decimal number%s, not '%.*s%s'", f->name,
	     f->type == FT_U64 ? " (0 or more)" : "", QUOTE(o->str, o->len));
	return false;
range:
	perr(ps, t->at, t->len, "%.*s%s is out of range for %s (%s)", QUOTE(o->str, o->len), f->name,
	     f->type == FT_U64 ? "0 to 18446744073709551615" :
	     "-9223372036854775808 to 9223372036854775807");
	return false;
}

/* A value of a field with a closed set of them: one of them, or an error with a suggestion. */
static bool member(struct parser *ps, const struct token *t, const struct field_desc *f,
		   const struct operand *o)
{
	const struct field_values *fv = f->values;
	char list[160];
	struct suggest sg;
	const char *c;
	size_t i, n = 0;

	if (field_values__has(fv, o->str))
		return true;
	suggest__init(&sg, o->str);
	for (i = 0; (c = fv->nth(i)); i++)
		if (*c)
			suggest__try(&sg, c);
	if (sg.best) {
		perr(ps, t->at, t->len, "unknown %s '%.*s%s': did you mean %s?", f->name,
		     QUOTE(o->str, o->len), sg.best);
		return false;
	}
	list[0] = '\0';
	for (i = 0; !fv->what && (c = fv->nth(i)) && n < sizeof(list); i++)
		if (*c)
			n += snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "", c);
	perr(ps, t->at, t->len, "unknown %s '%.*s%s': expected %s%s", f->name,
	     QUOTE(o->str, o->len), fv->what ? "" : "one of ", fv->what ? fv->what : list);
	return false;
}

/* A network: 10.0.0.0/8, ::1/128, or an address alone (all its bits). */
static bool network(struct parser *ps, const struct token *t, const struct field_desc *f,
		    struct operand *o)
{
	char addr[INET6_ADDRSTRLEN + 1], *slash, *end;
	unsigned long bits;
	size_t n;

	slash = memchr(o->str, '/', o->len);
	n = slash ? (size_t)(slash - o->str) : o->len;
	if (n >= sizeof(addr))
		goto bad;
	memcpy(addr, o->str, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, o->net) == 1)
		o->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, o->net) == 1)
		o->family = AF_INET6;
	else
		goto bad;
	bits = o->family == AF_INET ? 32 : 128;
	if (slash) {
		errno = 0;
		bits = strtoul(slash + 1, &end, 10);
		if (!slash[1] || !isdigit((unsigned char)slash[1]) || *end || errno ||
		    bits > (o->family == AF_INET ? 32u : 128u))
			goto bad;
	}
	o->bits = bits;
	return true;
bad:
	perr(ps, t->at, t->len, "%s takes a network, ADDR/BITS (10.0.0.0/8, fd00::/8) or an "
	     "address, not '%.*s'", f->name, (int)(o->len > 64 ? 64 : o->len), o->str);
	return false;
}

/* One more operand; *cap is the size of n->vals, doubled as needed (lists may be long). */
static bool add_value(struct parser *ps, struct node *n, size_t *cap, const char *after)
{
	struct operand *o, *vals;
	struct token t;

	if (n->nvals == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1;

		vals = realloc(n->vals, ncap * sizeof(*vals));
		if (!vals) {
			nomem(ps);
			return false;
		}
		n->vals = vals;
		*cap = ncap;
	}
	o = &n->vals[n->nvals];
	memset(o, 0, sizeof(*o));
	o->str = value(ps, after, &t, &o->len);
	if (!o->str)
		return false;
	n->nvals++;
	if (n->field->type != FT_STR)
		return number(ps, &t, n->field, o);
	if (n->field->flags & FF_CIDR)
		return network(ps, &t, n->field, o);
	if (n->field->values && (n->op == OP_EQ || n->op == OP_NE || n->op == OP_IN))
		return member(ps, &t, n->field, o);
	return true;
}

/* FIELD: name characters, and an argument in brackets (any bytes but ']'): proc.aname[2]. */
static size_t field_len(const char *p)
{
	const char *s = p, *close;

	while (*p == '[' || (is_field_char(*p) && *p != ']')) {
		if (*p != '[') {
			p++;
			continue;
		}
		close = strchr(p, ']');
		p = close ? close + 1 : p + strlen(p);
	}
	return p - s;
}

static bool field(struct parser *ps, struct node *n)
{
	const char *start = ps->p, *open;
	struct suggest sg;
	char name[FIELD_NAME_MAX + 1], msg[sizeof(ps->err->msg)];
	size_t len = field_len(start), stem, i;

	ps->p += len;
	if (!len) {
		perr(ps, start, token_len(start), "expected a field name, " FOUND_FMT, FOUND(start));
		return false;
	}
	if (len > FIELD_NAME_MAX) {
		perr(ps, start, len, "unknown field '%.*s%s' (scry -l lists the fields)",
		     QUOTE(start, len));
		return false;
	}
	memcpy(name, start, len);
	name[len] = '\0';
	n->field = field_resolve_msg(name, msg, sizeof(msg));
	if (n->field)
		return true;
	if (errno == ENOMEM) {
		nomem(ps);
		return false;
	}
	if (errno != ENOENT) {
		perr(ps, start, len, "%s", msg);
		return false;
	}
	/* A misspelt stem keeps its argument: proc.anme[2] -> proc.aname[2]. */
	open = strchr(name, '[');
	stem = open ? (size_t)(open - name) : len;
	name[stem] = '\0';
	suggest__init(&sg, name);
	for (i = 0; i < field_count && name[0]; i++)
		if (!open || field_table[i].args)
			suggest__try(&sg, field_table[i].name);
	perr(ps, start, len, "unknown field '%.*s%s'%s%s%.*s%s (scry -l lists the fields)",
	     QUOTE(start, len), sg.best ? ": did you mean " : "", sg.best ? sg.best : "",
	     sg.best ? (int)(len - stem) : 0, start + stem, sg.best ? "?" : "");
	return false;
}

/* The operator after a field; *text is its spelling, for messages. */
static bool operator(struct parser *ps, struct node *n, const char **text)
{
	struct token t;
	size_t i, k;

	skip_ws(ps);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		k = strlen(ops[i].text);
		if (strncmp(ps->p, ops[i].text, k))
			continue;
		if (isalpha((unsigned char)ops[i].text[0]) && is_field_char(ps->p[k]))
			continue;
		t.at = ps->p;
		t.len = k;
		ps->p += k;
		n->op = ops[i].op;
		*text = ops[i].text;
		break;
	}
	if (i == ARRAY_SIZE(ops)) {
		perr(ps, ps->p, token_len(ps->p), "expected an operator after %s (=, !=, <, <=, >, "
		     ">=, contains, icontains, startswith, endswith, in, exists), " FOUND_FMT,
		     n->field->name, FOUND(ps->p));
		return false;
	}
	if ((n->field->flags & FF_CIDR) && n->op != OP_EQ && n->op != OP_NE && n->op != OP_IN &&
	    n->op != OP_EXISTS) {
		perr(ps, t.at, t.len, "%s compares with networks: =, != or in (ADDR/BITS, ...)",
		     n->field->name);
		return false;
	}
	/* sysdig's evt.around[T]=D: "=" reads as "within" (the getter gives the distance) */
	if (n->field->flags & FF_WITHIN) {
		if (n->op != OP_EQ) {
			perr(ps, t.at, t.len, "%s takes only = (%s=D: within D)", n->field->name,
			     n->field->name);
			return false;
		}
		n->op = OP_LE;
	}
	if (n->field->type != FT_STR && n->op >= OP_CONTAINS) {
		perr(ps, t.at, t.len, "%s is a number: %s does not apply (use " NUM_OPS ")",
		     n->field->name, ops[i].text);
		return false;
	}
	return true;
}

static bool in_list(struct parser *ps, struct node *n)
{
	size_t cap = 0;

	skip_ws(ps);
	if (*ps->p != '(') {
		perr(ps, ps->p, token_len(ps->p), "expected '(' after in, " FOUND_FMT, FOUND(ps->p));
		return false;
	}
	ps->p++;
	do {
		if (!add_value(ps, n, &cap, n->nvals ? "','" : "in ("))
			return false;
		skip_ws(ps);
	} while (*ps->p == ',' && ps->p++);
	if (*ps->p != ')') {
		perr(ps, ps->p, token_len(ps->p), "expected ')' to close the list (or ',' and "
		     "another value), " FOUND_FMT, FOUND(ps->p));
		return false;
	}
	ps->p++;
	return true;
}

static struct node *parse_check(struct parser *ps)
{
	struct node *n = node_new(ps, N_CHECK);
	size_t cap = 0;
	const char *op;

	if (!n)
		return NULL;
	skip_ws(ps);
	if (!field(ps, n) || !operator(ps, n, &op))
		goto fail;
	if (n->op == OP_EXISTS)
		return n;
	if (n->op == OP_IN ? !in_list(ps, n) : !add_value(ps, n, &cap, op))
		goto fail;
	return n;
fail:
	node__free(n);
	return NULL;
}

static struct node *parse_or(struct parser *ps);

static struct node *parse_unary(struct parser *ps)
{
	struct node *n, *inner;
	const char *at;
	size_t cap = 0;

	skip_ws(ps);
	at = ps->p;
	if (*at != '(' && !keyword(ps, "not"))
		return parse_check(ps);
	if (++ps->depth > FILTER_MAX_DEPTH) {
		perr(ps, at, *at == '(' ? 1 : 3, "nested too deeply: more than %d levels of "
		     "parentheses and not (a chain of and/or needs no parentheses)", FILTER_MAX_DEPTH);
		return NULL;
	}
	if (*at == '(') {
		ps->p++;
		n = parse_or(ps);
		skip_ws(ps);
		if (n && *ps->p != ')') {
			if (*ps->p)
				perr(ps, ps->p, token_len(ps->p), "expected and, or or ')', " FOUND_FMT,
				     FOUND(ps->p));
			else
				perr(ps, at, 1, "unbalanced '(': nothing closes it");
			node__free(n);
			n = NULL;
		}
		if (n)
			ps->p++;
	} else {
		inner = parse_unary(ps);
		n = inner ? node_new(ps, N_NOT) : NULL;
		if (inner && !n) {
			node__free(inner);
		} else if (n && !add_kid(ps, n, &cap, inner)) {
			node__free(n);
			n = NULL;
		}
	}
	ps->depth--;
	return n;
}

static struct node *parse_chain(struct parser *ps, enum node_kind kind);

static struct node *parse_term(struct parser *ps, enum node_kind kind)
{
	return kind == N_AND ? parse_unary(ps) : parse_chain(ps, N_AND);
}

/* and = unary { "and" unary }, or = and { "or" and }: one node for the whole chain. */
static struct node *parse_chain(struct parser *ps, enum node_kind kind)
{
	const char *kw = kind == N_AND ? "and" : "or";
	struct node *t = parse_term(ps, kind), *n;
	size_t cap = 0;

	if (!t || !keyword(ps, kw))
		return t;
	n = node_new(ps, kind);
	if (!n) {
		node__free(t);
		return NULL;
	}
	do {
		if (!add_kid(ps, n, &cap, t))
			goto fail;
		t = parse_term(ps, kind);
		if (!t)
			goto fail;
	} while (keyword(ps, kw));
	if (add_kid(ps, n, &cap, t))
		return n;
fail:
	node__free(n);
	return NULL;
}

static struct node *parse_or(struct parser *ps)
{
	return parse_chain(ps, N_OR);
}

void filter__free(struct filter *f)
{
	if (!f)
		return;
	node__free(f->root);
	if (f->scratch)
		sbuf_mem__free(f->scratch);
	free(f->scratch);
	free(f);
}

struct filter *filter__new(const char *expr, struct filter_error *err)
{
	struct parser ps = { .src = expr ? expr : "", .p = expr ? expr : "", .err = err };
	struct filter *f = calloc(1, sizeof(*f));

	memset(err, 0, sizeof(*err));
	if (f)
		f->scratch = calloc(1, sizeof(*f->scratch));
	if (!f || !f->scratch) {
		free(f);
		nomem(&ps);
		errno = ENOMEM;
		return NULL;
	}
	skip_ws(&ps);
	if (!*ps.p) {
		f->root = node_new(&ps, N_TRUE);	/* nothing: everything matches */
	} else {
		f->root = parse_or(&ps);
		skip_ws(&ps);
		if (f->root && *ps.p == ')')
			perr(&ps, ps.p, 1, "unexpected ')': no '(' is open");
		else if (f->root && *ps.p)
			perr(&ps, ps.p, token_len(ps.p), "unexpected '%.*s%s' after a complete "
			     "condition: join conditions with and, or", QUOTE(ps.p, token_len(ps.p)));
	}
	if (ps.failed) {
		filter__free(f);
		errno = ps.nomem ? ENOMEM : EINVAL;
		return NULL;
	}
	return f;
}

struct filter *filter__compile(const char *expr, char *errbuf, size_t errlen)
{
	struct filter_error e;
	struct filter *f = filter__new(expr, &e);

	if (!f && errlen)
		snprintf(errbuf, errlen, "filter: %s (at column %zu)", e.msg,
			 filter__columns(expr ? expr : "", e.pos) + 1);
	return f;
}

/* One pass: the words' lengths, then one copy each (argv may hold 100000 words). */
char *filter__join(int argc, char *const argv[])
{
	size_t len = 1, n, at = 0;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i)
			s[at++] = ' ';
		n = strlen(argv[i]);
		memcpy(s + at, argv[i], n);
		at += n;
	}
	s[at] = '\0';
	return s;
}
