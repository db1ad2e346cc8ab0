// SPDX-License-Identifier: GPL-2.0
/*
 * sysdig's security chisels about shells, from execs and the process table:
 *  - list_login_shells [command] [arguments]: the login shell ids (proc.loginshellid: the pid of
 *    the oldest process named *sh among an exec's process and its ancestors) of the execs seen,
 *    or of those whose program (proc.exe) or arguments hold the given text; printed at the end,
 *    each once, in the order first seen (with -pc: the container's name and id);
 *  - shellshock_detect: execs of bash or sh whose environment (proc.env, its first 1024 bytes:
 *    the chisel's filter names it, which keeps it) or arguments define a function the way
 *    CVE-2014-6271 abuses ("() {" then anything): time, the parent's name and pid, the text from
 *    "()" to the end of that variable or argument.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/chisel.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"

/* Distinct login shells kept (a new one past this is left out, said once). */
#define SHELLS_MAX 4096

/* --- list_login_shells ------------------------------------------------------------------------ */
struct login_shell {
	int64_t id;
	char ctr_name[64], ctr_id[24];
};

struct list_shells {
	struct obuf out;
	const char *command, *arguments;	/* NULL: any */
	bool containers;
	struct hashmap *seen;		/* id + 1 -> its entry */
	struct login_shell *shells;
	size_t n;
	bool full_said;
	const struct field_desc *loginshellid, *exe, *args, *cname, *cid;
	struct sbuf_mem scratch;
};

/* Whether field f of ev holds `text` (NULL: anything; a field without a value: sysdig's nil,
 * which passes the arguments test but not the command's). */
static bool holds(const struct field_desc *f, const struct scry_event *ev, const char *text,
		  struct sbuf_mem *scratch, bool absent_ok)
{
	struct field_val v;
	struct sbuf b;

	if (!text)
		return true;
	sbuf__init_mem(&b, scratch);
	if (!field_get(f, ev, &v, &b))
		return absent_ok;
	return v.type == FT_STR && memmem(v.str, v.len, text, strlen(text));
}

/* A string field's value into dst (cut; "<NA>" when it has none), for the list at the end. */
static void copy_field(struct list_shells *s, const struct field_desc *f,
		      const struct scry_event *ev, char *dst, size_t cap)
{
	struct field_val v;
	struct sbuf b;

	sbuf__init_mem(&b, &s->scratch);
	if (field_get(f, ev, &v, &b) && v.type == FT_STR)
		snprintf(dst, cap, "%.*s", (int)v.len, v.str);
	else
		snprintf(dst, cap, "<NA>");
}

static int list_login_shells_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct list_shells *s = ctx;
	struct login_shell *l;
	struct field_val v;
	struct sbuf b;
	int64_t id;

	sbuf__init_mem(&b, &s->scratch);
	if (!field_get(s->loginshellid, ev, &v, &b) || v.type != FT_S64 || (id = v.s) < 0)
		return 0;
	if (!holds(s->exe, ev, s->command, &s->scratch, false) ||
	    !holds(s->args, ev, s->arguments, &s->scratch, true))
		return 0;
	if (hashmap__find(s->seen, (uint64_t)id + 1))
		return 0;
	if (s->n == SHELLS_MAX) {
		if (!s->full_said)
			log_err("list_login_shells: more than %d login shells; the others are "
				"left out", SHELLS_MAX);
		s->full_said = true;
		return 0;
	}
	l = &s->shells[s->n];
	l->id = id;
	copy_field(s, s->cname, ev, l->ctr_name, sizeof(l->ctr_name));
	copy_field(s, s->cid, ev, l->ctr_id, sizeof(l->ctr_id));
	if (hashmap__set(s->seen, (uint64_t)id + 1, l))
		return -ENOMEM;
	s->n++;
	return 0;
}

static int list_login_shells_tick(void *ctx, uint64_t ts)
{
	return 0;
}

static int list_login_shells_finish(void *ctx)
{
	struct list_shells *s = ctx;
	size_t i;

	if (s->command) {
		obuf__puts(&s->out, "Shells containing ");
		obuf__text(&s->out, s->command, strlen(s->command));
		obuf__puts(&s->out, ":\n");
	} else {
		obuf__puts(&s->out, "All shells:\n");
	}
	for (i = 0; i < s->n; i++) {
		obuf__u64(&s->out, s->shells[i].id);
		if (s->containers) {
			obuf__putc(&s->out, ' ');
			obuf__text(&s->out, s->shells[i].ctr_name, strlen(s->shells[i].ctr_name));
			obuf__putc(&s->out, ' ');
			obuf__text(&s->out, s->shells[i].ctr_id, strlen(s->shells[i].ctr_id));
		}
		obuf__putc(&s->out, '\n');
	}
	obuf__flush(&s->out);
	return s->out.err;
}

static void list_login_shells_free(void *ctx)
{
	struct list_shells *s = ctx;

	if (!s)
		return;
	hashmap__free(s->seen);
	free(s->shells);
	sbuf_mem__free(&s->scratch);
	free(s);
}

const struct sink_ops list_login_shells_ops = SINK_OPS(list_login_shells, "list_login_shells", 0);

void *list_login_shells__new(const struct chisel_ctx *c, const struct run_ctx *rc)
{
	struct list_shells *s = calloc(1, sizeof(*s));
	const char *cmd = chisel_arg(c, "command");

	if (!s)
		goto nomem;
	obuf__init(&s->out, c->fd);
	/* sysdig's "*": any command */
	s->command = cmd && strcmp(cmd, "*") ? cmd : NULL;
	s->arguments = chisel_arg(c, "arguments");
	s->containers = c->containers;
	s->loginshellid = field_resolve("proc.loginshellid");
	s->exe = field_resolve("proc.exe");
	s->args = field_resolve("proc.args");
	s->cname = field_resolve("container.name");
	s->cid = field_resolve("container.id");
	s->seen = hashmap__new(64);
	s->shells = calloc(SHELLS_MAX, sizeof(*s->shells));
	if (!s->seen || !s->shells)
		goto nomem;
	return s;
nomem:
	list_login_shells_free(s);
	log_err("out of memory");
	errno = ENOMEM;
	return NULL;
}

/* --- shellshock_detect ------------------------------------------------------------------------ */
/*
 * sysdig's pattern "%(%) ?{.+": "()", an optional space, "{", at least one more byte. The offset
 * of its "()" in s[n], or -1.
 */
long shellshock_find(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		size_t k = i + 2;

		if (s[i] != '(' || s[i + 1] != ')')
			continue;
		if (k < n && s[k] == ' ')
			k++;
		if (k + 1 < n && s[k] == '{')
			return i;
	}
	return -1;
}

struct shellshock {
	struct obuf out;
	const struct field_desc *time, *pname, *ppid;
	struct sbuf_mem scratch;
};

/* The first NUL-separated string of s[n] with the pattern (*at: where in it, *len: its length). */
static const char *find_in(const char *s, size_t n, long *at, size_t *len)
{
	const char *end = s + n;

	for (; s < end; s += *len + 1) {
		*len = strnlen(s, end - s);
		if ((*at = shellshock_find(s, *len)) >= 0)
			return s;
	}
	return NULL;
}

/* A field's value in a cell of `width` (sysdig's extend_string: padded, never cut). */
static void put_field(struct shellshock *s, const struct field_desc *f,
		      const struct scry_event *ev, size_t width)
{
	struct field_val v;
	char num[24];
	struct sbuf b;

	sbuf__init_mem(&b, &s->scratch);
	if (!field_get(f, ev, &v, &b))
		obuf__text_col(&s->out, "<NA>", 4, width, 0);
	else if (v.type == FT_STR)
		obuf__text_col(&s->out, v.str, v.len, width, 0);
	else
		obuf__text_col(&s->out, num, snprintf(num, sizeof(num), "%lld", v.type == FT_S64 ?
						       (long long)v.s : (long long)v.u), width, 0);
}

static int shellshock_detect_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct shellshock *s = ctx;
	const struct scry_proc *p = ev->proc;
	const char *a;
	size_t n = 0;
	long at = -1;

	if (!p)
		return 0;
	/* each variable on its own, as sysdig's; then each argument */
	a = find_in(p->env, p->env_len, &at, &n);
	if (!a)
		a = find_in(p->args, p->args_len, &at, &n);
	if (!a)
		return 0;
	put_field(s, s->time, ev, 22);
	put_field(s, s->pname, ev, 22);
	put_field(s, s->ppid, ev, 8);
	obuf__text(&s->out, a + at, n - at);
	obuf__putc(&s->out, '\n');
	return s->out.broken ? (s->out.err ? s->out.err : SINK_DONE) : 0;
}

static int shellshock_detect_tick(void *ctx, uint64_t ts)
{
	struct shellshock *s = ctx;

	obuf__flush(&s->out);
	return s->out.broken ? (s->out.err ? s->out.err : SINK_DONE) : 0;
}

static int shellshock_detect_finish(void *ctx)
{
	struct shellshock *s = ctx;

	obuf__flush(&s->out);
	return s->out.err;
}

static void shellshock_detect_free(void *ctx)
{
	struct shellshock *s = ctx;

	if (!s)
		return;
	sbuf_mem__free(&s->scratch);
	free(s);
}

const struct sink_ops shellshock_detect_ops = SINK_OPS(shellshock_detect, "shellshock_detect", 0);

void *shellshock_detect__new(const struct chisel_ctx *c, const struct run_ctx *rc)
{
	struct shellshock *s = calloc(1, sizeof(*s));

	if (!s) {
		log_err("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	obuf__init(&s->out, c->fd);
	s->time = field_resolve("evt.time");
	s->pname = field_resolve("proc.pname");
	s->ppid = field_resolve("proc.ppid");
	obuf__text_col(&s->out, "TIME", 4, 22, 0);
	obuf__text_col(&s->out, "PROCNAME", 8, 22, 0);
	obuf__text_col(&s->out, "PID", 3, 8, 0);
	obuf__puts(&s->out, "FUNCTION\n");
	return s;
}
