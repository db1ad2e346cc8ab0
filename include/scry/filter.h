/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fields and filters. One field table (name, type, description, getter) serves the filter
 * language, the JSON keys, -p formats and the views' key columns; `scry -l` prints it.
 */
#ifndef SCRY_FILTER_H
#define SCRY_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scry/decode.h"
#include "scry/util.h"

enum field_type {
	FT_U64 = 1,
	FT_S64,
	FT_STR,
};

struct field_val {
	enum field_type type;
	uint64_t u;
	int64_t s;
	const char *str;	/* FT_STR: not NUL-terminated necessarily; see len */
	size_t len;
};

enum field_flags {
	FF_JSON = 1 << 0,	/* in the default -j object */
	FF_CONTAINER = 1 << 1,	/* added to -j by -pc (container.*, k8s.*) */
	/*
	 * Multi-valued (proc.aname: every ancestor): used bare in a filter, a check holds when it
	 * holds for any of idx 1, 2, ... (get_arg until it returns false, FIELD_ANY_MAX at most);
	 * elsewhere (-p, -j, views) the bare form shows idx 1's value.
	 */
	FF_ANY = 1 << 2,
	/*
	 * An IP address compared with networks (sysdig's fd.net): the operand of =, != and `in` is
	 * ADDR/BITS (or an address alone: all its bits), and = holds when the value is in it.
	 */
	FF_CIDR = 1 << 7,
	/* A flag shown as 1 or 0 (evt.failed, fd.is_server): filters take sysdig's true/false too. */
	FF_BOOL = 1 << 8,
	/* Filters only (sysdig's EPF_FILTER_ONLY: evt.around): -p, -j and views refuse it. */
	FF_FILTER_ONLY = 1 << 3,
	/* `F=D` means F <= D, and takes no other operator (sysdig's evt.around[T]=D). */
	FF_WITHIN = 1 << 4,
};

#define FIELD_ANY_MAX 64

/* field_desc.args: the forms a field takes (a mask). */
enum field_arg_kind {
	FA_INDEX = 1 << 0,	/* name[N], N a decimal integer >= 0 */
	FA_KEY = 1 << 1,	/* name[TEXT] (TEXT: any bytes but ']') */
	FA_DOT = 1 << 2,	/* name.TEXT (TEXT: field characters) */
	FA_BARE = 1 << 3,	/* also the name alone (then arg.idx = -1, arg.key = NULL) */
};

struct field_arg {
	int64_t idx;		/* FA_INDEX: N; else -1 */
	const char *key;	/* FA_KEY / FA_DOT: the text, NUL-terminated; else NULL */
};

/*
 * The values of a field that has a closed set of them (evt.type, evt.dir, fd.type...): a filter's
 * operand for =, != and `in` must be one, so that a typo is refused with a suggestion instead of
 * matching nothing. Substring operators take any text.
 */
struct field_values {
	/* The i-th value, "" for a hole, NULL past the last: the members, and the candidates of
	 * a "did you mean". */
	const char *(*nth)(size_t i);
	/* Membership when it is not just the list (evt.res also takes a number); NULL: the list. */
	bool (*valid)(const char *s);
	/* What the values are, for the message; NULL: the list itself. */
	const char *what;
};

struct field_desc {
	const char *name;
	enum field_type type;
	uint32_t flags;
	const char *desc;
	/* false when the field does not apply to this event (evt.res on an enter...). */
	bool (*get)(const struct scry_event *ev, struct field_val *v, struct sbuf *scratch);
	const struct field_values *values;	/* NULL: any value of its type */
	/*
	 * A field with an argument (evt.arg.NAME, proc.aname[N]): the table row has args != 0,
	 * get == NULL and get_arg set, and its name is the stem ("proc.aname"); field_resolve
	 * makes the bound copy that users' text names, with `arg` filled in.
	 */
	uint8_t args;		/* enum field_arg_kind mask; 0: a plain field */
	bool (*get_arg)(const struct scry_event *ev, const struct field_arg *a,
			struct field_val *v, struct sbuf *scratch);
	struct field_arg arg;	/* in a bound field: its argument */
	/* FA_DOT / FA_KEY: the keys it knows (a typo is refused with a suggestion); NULL: any. */
	const struct field_values *keys;
};

extern const struct field_desc field_table[];
extern const size_t field_count;
/* A table row by its exact name (a parametrized row by its stem). */
const struct field_desc *field_lookup(const char *name);

/*
 * The field a user's text names: a plain row, or for "proc.aname[2]", "evt.arg.fd" or a bare
 * FA_BARE stem a bound copy whose name is the whole text. Copies are interned (one per distinct
 * text, kept until exit) and bounded (FIELD_BOUND_MAX). Everything that turns user text into a
 * field (filter parser, -p templates, view FIELD arguments) goes through here. NULL with errno:
 * ENOENT no such field, EINVAL an argument the field does not take (or lacks), ENOSPC too many
 * distinct bound names, ENOMEM.
 */
#define FIELD_BOUND_MAX 4096
#define FIELD_NAME_MAX 1024	/* longest text of a field: a mount's destination path fits */
const struct field_desc *field_resolve(const char *text);
/* field_resolve, with why it returned NULL in msg (one line; "" for ENOENT: the caller says
 * "unknown field" and suggests one). */
const struct field_desc *field_resolve_msg(const char *text, char *msg, size_t len);
/* The forms a field takes as `scry -l` shows them ("proc.aname[N]"; plain: the name). */
void field_forms(const struct field_desc *f, char *buf, size_t len);

/* field_get's path for a parametrized field (fields_arg.c). */
bool field__get_arg(const struct field_desc *f, const struct scry_event *ev,
		    struct field_val *v, struct sbuf *scratch);

/* Every caller reads a field's value through this (never f->get directly). */
static inline bool field_get(const struct field_desc *f, const struct scry_event *ev,
			     struct field_val *v, struct sbuf *scratch)
{
	return f->get ? f->get(ev, v, scratch) : field__get_arg(f, ev, v, scratch);
}
struct scry_proc;
/* proc.cmdline of a process: its name and the arguments after argv[0], as they are. */
void proc_cmdline(const struct scry_proc *p, struct sbuf *b);

/* Whether `s` is one of a closed set's values. */
bool field_values__has(const struct field_values *fv, const char *s);

/* --- filter.c: the language (grammar and rules in docs/filters.md) --------------------------- */
struct filter;

/* Parentheses and `not` nest this deep at most; `and`/`or` chains are flat, of any length. */
#define FILTER_MAX_DEPTH 100

struct filter_error {
	char msg[256];		/* what is wrong and what to do, one line, no position */
	size_t pos, len;	/* the offending token: bytes [pos, pos + len) of the expression */
};

/*
 * Compile an expression. An empty or NULL expression compiles to "accept all". On error: NULL,
 * errno EINVAL (a mistake in the expression, described in *err) or ENOMEM.
 */
struct filter *filter__new(const char *expr, struct filter_error *err);
/*
 * A compile error as the command line shows it, in three log lines: the message, the
 * expression (escaped; around the token when it is long), and `^~~~` under the token.
 */
void filter_error__log(const char *expr, const struct filter_error *err);
/* Columns of bytes [0, n) of s once escaped (util/escape.c): where a caret goes. */
size_t filter__columns(const char *s, size_t n);
/*
 * filter__new with a one-line message in errbuf (for a status line): the message and the
 * column of the offending token.
 */
struct filter *filter__compile(const char *expr, char *errbuf, size_t errlen);
bool filter__match(const struct filter *f, const struct scry_event *ev);
void filter__free(struct filter *f);
/* Whether the expression reads any of these fields (a NULL-terminated list). */
bool filter__uses(const struct filter *f, const char *const *fields);
/* Whether some check of `field` compares it with `value` as written (evt.type=blockio). */
bool filter__names(const struct filter *f, const char *field, const char *value);
/* Whether it reads no field but these (a name ending in '.': every field under it); NULL: yes. */
bool filter__uses_only(const struct filter *f, const char *const *fields);

/*
 * --- pushdown.c: the filter's necessary conditions that the kernel checks ----------------------
 * Syscall events that cannot match are left out before they reach the ring; every other record
 * (lifecycle, scheduler, network, the calls that change fd tables and cwds) still comes, and the
 * filter judges what arrives. So the answer is the same with or without it.
 */
struct pushdown {
	uint32_t on;				/* enum scry_pd_on (0: nothing pushed down) */
	uint64_t keep[SCRY_PD_WORDS];		/* calls that change state: always kept */
	uint64_t enter[SCRY_PD_WORDS];		/* calls whose enter or exit may match */
	uint64_t exit_ok[SCRY_PD_WORDS];	/* an exit that did not fail may (or its enter) */
	uint64_t exit_fail[SCRY_PD_WORDS];	/* an exit that failed (-4095..-1) may */
	/* By the number sys_enter sees, whatever the ABI: enter | keep of its native or i386 call */
	uint64_t enter_raw[SCRY_PD_WORDS];
	uint32_t *pids;				/* SCRY_PD_PID: the processes that may match */
	size_t npids;
};
/* Fill *pd for filter f (NULL: nothing pushed down); 0 or -ENOMEM. */
int filter__pushdown(const struct filter *f, struct pushdown *pd);
void pushdown__release(struct pushdown *pd);
bool pushdown_bit(const uint64_t *map, uint32_t nr);
/* SCRY_PD_CGROUP: whether an event in container c (NULL: the host) may match. */
struct scry_container;
bool filter__may_match_container(const struct filter *f, const struct scry_container *c);
/* What *pd leaves out, for -v: one line (cut to len). */
void pushdown__describe(const struct pushdown *pd, char *buf, size_t len);

/* Join argv words into one expression ("container.name=web and proc.name=nginx"). */
char *filter__join(int argc, char *const argv[]);

#endif /* SCRY_FILTER_H */
