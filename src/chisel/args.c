// SPDX-License-Identifier: GPL-2.0
/*
 * A chisel's arguments on the command line, as sysdig takes them: which words are arguments,
 * their check against the chisel's table row, the filter they make, and -L's help.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scry/chisel.h"
#include "scry/cli.h"
#include "scry/decode.h"
#include "scry/filter.h"
#include "scry/util.h"

size_t chisel_nargs(const struct chisel *ch)
{
	size_t n = 0;

	while (ch && n < CHISEL_MAX_ARGS && ch->args[n].name)
		n++;
	return n;
}

static bool has_required(const struct chisel *ch)
{
	size_t i, n = chisel_nargs(ch);

	for (i = 0; i < n; i++)
		if (!ch->args[i].optional)
			return true;
	return false;
}

static bool is_number(const char *w, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(w, &end);
	return *w >= '0' && *w <= '9' && !*end && !errno && isfinite(*v) && *v >= 0;
}

static bool is_ip(const char *w)
{
	unsigned char a[16];

	return inet_pton(AF_INET, w, a) == 1 || inet_pton(AF_INET6, w, a) == 1;
}

static bool is_choice(const struct chisel_arg *a, const char *w)
{
	const char *const *c;

	for (c = a->choices; c && *c; c++)
		if (!strcasecmp(*c, w))
			return true;
	return !a->choices;
}

/* Whether these words make a filter (sysdig's test of an optional string argument). */
static bool makes_filter(char *const *words, int n)
{
	struct filter_error e;
	struct filter *f;
	char *text = filter__join(n, words);

	if (!text)
		return true;
	f = filter__new(text, &e);
	free(text);
	filter__free(f);
	return f != NULL;
}

/* Whether word `w` (with the words after it) is a value of optional argument `a`. */
static bool fits(const struct chisel_arg *a, char *const *words, int n)
{
	double v;

	switch (a->type) {
	case CA_NUMBER:
		return is_number(words[0], &v);
	case CA_IP:
		return is_ip(words[0]);
	case CA_FIELD:
		return field_resolve(words[0]) != NULL;
	case CA_FILTER:
		return makes_filter(words, 1);
	case CA_STRING:
		break;
	}
	if (a->choices)
		return is_choice(a, words[0]);
	return !makes_filter(words, n);
}

int chisel_take_args(const struct chisel *ch, char *const *words, int nwords)
{
	size_t i, n = chisel_nargs(ch);
	int taken = 0;

	if (!n || !nwords)
		return 0;
	/* sysdig's form: every argument in the one word after the name */
	if (strchr(words[0], ' '))
		return has_required(ch) || !makes_filter(words, nwords) ? 1 : 0;
	for (i = 0; i < n && taken < nwords; i++)
		if (!ch->args[i].optional || fits(&ch->args[i], words + taken, nwords - taken))
			taken++;
	return taken;
}

const char *chisel_arg(const struct chisel_ctx *c, const char *name)
{
	size_t i, n = chisel_nargs(c->ch);

	for (i = 0; i < n; i++)
		if (!strcmp(c->ch->args[i].name, name))
			return c->args[i];
	return NULL;
}

/* "min_ms [disable_color]": the arguments as usage shows them. */
static void usage_args(const struct chisel *ch, char *buf, size_t len)
{
	size_t i, n = chisel_nargs(ch), at = 0;

	buf[0] = '\0';
	for (i = 0; i < n && at < len; i++) {
		const struct chisel_arg *a = &ch->args[i];
		const char *name = a->type == CA_FIELD ? "FIELD" : a->name;

		at += snprintf(buf + at, len - at, a->optional ? " [%s]" : " %s", name);
	}
}

static int usage_error(const struct chisel *ch, const char *what, const char *arg)
{
	char u[160];

	usage_args(ch, u, sizeof(u));
	log_err("%s: %s '%s'; usage: scry -c %s%s [FILTER] (scry -L %s)", ch->name, what, arg,
		ch->name, u, ch->name);
	return SCRY_EXIT_USAGE;
}

/* Split `words` at spaces into at most `max` words (one more: too many); the count. */
static int split_words(const char *const *words, int nwords, char *buf, size_t len,
		       const char **out, int max)
{
	int i, n = 0;
	size_t at = 0;
	char *tok, *save;

	for (i = 0; i < nwords; i++) {
		size_t l = strlen(words[i]);

		if (at + l + 2 > len)
			return -E2BIG;
		memcpy(buf + at, words[i], l + 1);
		for (tok = strtok_r(buf + at, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			if (n <= max)
				out[n++] = tok;
		at += l + 1;
	}
	return n;
}

/* Check one value against its argument: 0, or the usage error said. */
static int check_value(const struct chisel *ch, const struct chisel_arg *a, const char *w)
{
	double v;

	if (a->unsupported) {
		log_err("%s: %s is not supported: %s", ch->name, a->name, a->unsupported);
		return SCRY_EXIT_USAGE;
	}
	switch (a->type) {
	case CA_NUMBER:
		if (!is_number(w, &v) || (a->max && v > a->max) ||
		    (a->scale && v * a->scale > (double)INT64_MAX))
			return usage_error(ch, a->max ? "expected a number from 0 to 65535 for"
					   : "expected a number >= 0 for", w) ;
		return 0;
	case CA_IP:
		return is_ip(w) ? 0 : usage_error(ch, "expected an IPv4 or IPv6 address, not", w);
	case CA_FIELD:
		/*
		 * The view it binds checks it (check_usage, as the field resolver judges any field
		 * text: a form with an argument, proc.aname[2], too), with the message it gave.
		 */
		return 0;
	case CA_FILTER:		/* the whole filter is compiled, and its errors said, later */
		return 0;
	case CA_STRING:
		break;
	}
	if (is_choice(a, w))
		return 0;
	return usage_error(ch, "unexpected value for its choices", w);
}

/* Whether a word is one of the choices of an argument after the i-th. */
static bool later_choice(const struct chisel *ch, size_t i, const char *w)
{
	size_t n = chisel_nargs(ch);

	for (i++; i < n; i++)
		if (ch->args[i].choices && is_choice(&ch->args[i], w))
			return true;
	return false;
}

/*
 * Assign the words to the arguments in order: an optional one is skipped when a word does not
 * fit it (any word fits a free string, unless it is a later argument's choice).
 */
static int assign(const struct chisel *ch, const char **w, int nw, struct chisel_ctx *c)
{
	size_t i, n = chisel_nargs(ch);
	int at = 0, err;

	for (i = 0; i < n; i++) {
		const struct chisel_arg *a = &ch->args[i];
		bool free_str = a->type == CA_STRING && !a->choices;

		if (at < nw && (!a->optional ||
				(free_str && !later_choice(ch, i, w[at])) ||
				(!free_str && fits(a, (char *const *)&w[at], 1)))) {
			if ((err = check_value(ch, a, w[at])))
				return err;
			c->args[i] = w[at++];
		} else if (!a->optional) {
			if (a->type == CA_FIELD) {	/* the message the views gave */
				log_err("%s groups by a field: scry -c %s FIELD [FILTER], e.g. "
					"-c %s fd.directory", ch->name, ch->name, ch->name);
				return SCRY_EXIT_USAGE;
			}
			return usage_error(ch, "missing", a->name);
		} else {
			c->args[i] = a->def;
		}
	}
	if (at < nw)
		return usage_error(ch, "unexpected argument", w[at]);
	return 0;
}

/* $IO's expansion: the exits of the calls that move data in a user buffer, one way or both. */
static void put_io(struct sbuf *b, char dir)
{
	bool first = true;
	uint32_t nr;

	sbuf__puts(b, "(evt.dir=< and evt.type in (");
	for (nr = 0; nr < SCRY_NR_SYSCALLS; nr++) {
		const char *name = syscall_name(nr);
		char d = iodata_dir(nr);

		if (!name || !d || (dir && d != dir))
			continue;
		if (!first)
			sbuf__puts(b, ", ");
		sbuf__puts(b, name);
		first = false;
	}
	sbuf__puts(b, "))");
}

/* An argument's value in a filter: a number scaled, a string quoted (no quote can end it). */
static int put_value(struct sbuf *b, const struct chisel *ch, const struct chisel_arg *a,
		     const char *v)
{
	char num[32];
	double d;

	if (a->type == CA_FILTER) {
		sbuf__putc(b, '(');
		sbuf__puts(b, v);
		sbuf__putc(b, ')');
		return 0;
	}
	if (a->type == CA_NUMBER && is_number(v, &d)) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)(d * (a->scale ?: 1) + 0.5));
		sbuf__puts(b, num);
		return 0;
	}
	if (strchr(v, '"') && strchr(v, '\''))
		return usage_error(ch, "a value cannot hold both kinds of quote", v);
	sbuf__putc(b, strchr(v, '"') ? '\'' : '"');
	sbuf__puts(b, v);
	sbuf__putc(b, strchr(v, '"') ? '\'' : '"');
	return 0;
}

/* A piece of filter with its $NAMEs replaced. */
static int put_piece(struct sbuf *b, const struct chisel_ctx *c, const char *t)
{
	static const struct { const char *name; char dir; } io[] = {
		{ "IO_READ", IODATA_READ }, { "IO_WRITE", IODATA_WRITE }, { "IO", 0 },
	};
	size_t i, n = chisel_nargs(c->ch), l;
	int err;

	while (*t) {
		if (*t != '$') {
			sbuf__putc(b, *t++);
			continue;
		}
		l = strspn(++t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_");
		for (i = 0; i < ARRAY_SIZE(io); i++)
			if (l == strlen(io[i].name) && !strncmp(t, io[i].name, l))
				break;
		if (i < ARRAY_SIZE(io)) {
			put_io(b, io[i].dir);
		} else {
			for (i = 0; i < n; i++) {
				const char *name = c->ch->args[i].name;

				if (strlen(name) == l && !strncmp(t, name, l))
					break;
			}
			if (i == n || !c->args[i])
				return -EINVAL;	/* a table row's mistake: test_chisel finds it */
			if ((err = put_value(b, c->ch, &c->ch->args[i], c->args[i])))
				return err;
		}
		t += l;
	}
	return 0;
}

/* Whether a piece applies, given the arguments' values. */
static bool piece_applies(const struct chisel_ctx *c, const struct chisel_filter *p)
{
	bool neg = p->arg && p->arg[0] == '!';
	const char *v;

	if (!p->arg)
		return true;
	v = chisel_arg(c, p->arg + neg);
	if (neg)
		return !v;
	return v && (!p->value || !strcasecmp(v, p->value));
}

int chisel_bind(const struct chisel *ch, const char *const *words, int nwords,
		const char *user_filter, char *buf, size_t len, struct chisel_ctx *c, char **filter)
{
	const char *w[CHISEL_MAX_ARGS + 1];
	const struct chisel_filter *p;
	struct sbuf_mem mem = { };
	struct sbuf b;
	int nw, err;

	c->ch = ch;
	*filter = NULL;
	nw = split_words(words, nwords, buf, len, w, CHISEL_MAX_ARGS);
	if (nw < 0)
		return usage_error(ch, "arguments too long", words[0]);
	if ((err = assign(ch, w, nw, c)))
		return err;
	sbuf__init_mem(&b, &mem);
	for (p = ch->filter; p && p->text; p++) {
		if (!piece_applies(c, p))
			continue;
		sbuf__puts(&b, b.len ? " and (" : "(");
		if ((err = put_piece(&b, c, p->text))) {
			sbuf_mem__free(&mem);
			return err == -EINVAL ? SCRY_EXIT_USAGE : err;
		}
		sbuf__putc(&b, ')');
	}
	if (user_filter && user_filter[0] && b.len) {
		sbuf__puts(&b, " and (");
		sbuf__puts(&b, user_filter);
		sbuf__putc(&b, ')');
	} else if (user_filter) {
		sbuf__puts(&b, user_filter);
	}
	*filter = strdup(b.buf);
	sbuf_mem__free(&mem);
	return *filter ? 0 : -ENOMEM;
}

static const char *const type_names[] = {
	[CA_NUMBER] = "number", [CA_STRING] = "string", [CA_FIELD] = "field", [CA_IP] = "address", [CA_FILTER] = "filter",
};

void chisel_usage(const struct chisel *ch, char *buf, size_t len)
{
	usage_args(ch, buf, len);
}

void chisel_help_args(const struct chisel *ch)
{
	size_t i, n = chisel_nargs(ch);
	const char *const *c;

	if (!n)
		return;
	printf("\narguments (after the name, or in one word: -c '%s ARG ...'):\n", ch->name);
	for (i = 0; i < n; i++) {
		const struct chisel_arg *a = &ch->args[i];

		printf("  %-18s [%s%s] %s", a->name, type_names[a->type],
		       a->optional ? ", optional" : "", a->desc);
		if (a->unsupported)
			printf(" (not supported: %s)", a->unsupported);
		if (a->choices) {
			printf(" (one of:");
			for (c = a->choices; *c; c++)
				printf(" %s", *c);
			printf(")");
		}
		if (a->def)
			printf(" (default: %s)", a->def);
		printf("\n");
	}
}

void chisel_help(const struct chisel *ch)
{
	const struct chisel_filter *p;
	struct sbuf_mem mem = { };
	struct sbuf b;
	char u[160];

	usage_args(ch, u, sizeof(u));
	printf("%s: %s\n\nusage: scry -c %s%s [FILTER]\n", ch->name, ch->desc, ch->name, u);
	chisel_help_args(ch);
	if (ch->filter) {
		printf("\nevents:");
		for (p = ch->filter; p->text; p++) {
			printf("%s%s", p == ch->filter ? " " : " and ", p->text);
			if (p->arg)
				printf(" [%s %s%s%s]", p->arg[0] == '!' ? "without" : "with",
				       p->arg + (p->arg[0] == '!'), p->value ? "=" : "",
				       p->value ?: "");
		}
		sbuf__init_mem(&b, &mem);
		put_io(&b, 0);
		printf("\n  ($IO, $IO_READ, $IO_WRITE: of %s, those that move data both ways, in, "
		       "out)\n", b.buf);
		sbuf_mem__free(&mem);
	}
	if (ch->snaplen)
		printf("data: -s %u by itself (a -s given wins)\n", ch->snaplen);
	if (ch->flags & CF_LIVE_ONLY)
		printf("live only (not with -r)\n");
	if (ch->more)
		printf("\n%s\n", ch->more);
}
