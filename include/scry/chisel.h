/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Chisels, as data: sysdig's -c NAME [ARGS] [FILTER]. A chisel is one of three kinds:
 *  - a view of view_table (its arguments bind the view: -c fdbytes_by FIELD);
 *  - a stream: a filter built from its arguments, an output (columns of fields, printed as each
 *    event matches) and the snaplen it needs, which it turns on by itself unless -s says;
 *  - a sink of its own, made by a constructor hook (chisels that keep state: spy_users...).
 * The table is chisel_table (src/chisel/table.c). Views and stream views without a row there
 * are chisels without arguments. Arguments follow sysdig's: positional after the name
 * (-c fileslower 100), or all in one word (-c 'fileslower 100', -c fileslower '100 x').
 */
#ifndef SCRY_CHISEL_H
#define SCRY_CHISEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct run_ctx;
struct scry_event;
struct sink_ops;
struct filter;

#define CHISEL_MAX_ARGS 8	/* table_generator's 7 */

enum chisel_arg_type {
	CA_NUMBER,	/* a decimal number >= 0 (sysdig's "int"; a fraction is taken too) */
	CA_STRING,	/* any word (or one of `choices`) */
	CA_FIELD,	/* a field name of scry -l */
	CA_IP,		/* an IPv4 or IPv6 address (sysdig's "ipv4") */
	CA_FILTER,	/* a filter expression: $NAME is it, in parentheses, as typed */
};

struct chisel_arg {
	const char *name;	/* sysdig's name; NULL ends the list */
	const char *desc;
	enum chisel_arg_type type;
	bool optional;
	const char *def;	/* its value when not given (NULL: none) */
	const char *const *choices;	/* CA_STRING: the words it takes, any case (NULL: any) */
	double max;		/* CA_NUMBER: the largest value (0: no limit) */
	/* CA_NUMBER: $NAME in the filter is the value times this, a whole number (ms -> ns) */
	uint64_t scale;
	/* sysdig's, but not scry's: given, a usage error saying this (what to do instead) */
	const char *unsupported;
};

/*
 * A piece of a stream chisel's filter, joined to the others with "and". $NAME is the argument's
 * value (quoted; a number scaled); $IO, $IO_READ and $IO_WRITE are the exits of the calls that
 * move data in a user buffer (read, write, recvfrom, sendmsg...), both ways, in, out.
 */
struct chisel_filter {
	const char *text;	/* NULL ends the list */
	/* NULL: always; "NAME": when that argument has a value; "!NAME": when it has none */
	const char *arg;
	const char *value;	/* with arg: only when its value is this (any case) */
};

/* What a column shows of an event. */
enum chisel_conv {
	CC_FIELD,	/* the field's value */
	CC_MS,		/* a ns field in whole ms (sysdig's %12d of latency / 1e6) */
	CC_MS_FRAC,	/* a ns field in ms with 3 decimals */
	CC_BYTES,	/* a byte count as sysdig's format_bytes: 12B, 1.02KB */
	CC_IO_LETTER,	/* R or W: the direction of the call's data */
	CC_IO_WORD,	/* Read or Write */
	CC_DATA,	/* the call's data (-s bytes), newlines kept, other bytes as '.' */
	CC_DATA_LINES,	/* the same, one output line per non-empty line of it (the row repeated) */
};

struct chisel_col {
	const char *header;	/* NULL: none (a stream without a header line) */
	const char *field;	/* CC_FIELD, CC_MS, CC_MS_FRAC, CC_BYTES: the field read */
	enum chisel_conv conv;
	int8_t width;		/* printf's: negative left-justified, 0 none */
	uint8_t max;		/* cut to this many columns (printf's precision), 0 none */
	bool pc;		/* shown only with -pc (container columns) */
	const char *pre;	/* text before it (NULL: none) */
	const char *sep;	/* text after it (NULL: one space; the last column: none) */
};

struct chisel_ctx;
struct chisel_sink {
	const struct sink_ops *ops;
	/* The sink's context, or NULL with the error said (errno set). */
	void *(*new)(const struct chisel_ctx *c, const struct run_ctx *rc);
};

enum chisel_kind {
	CHISEL_VIEW,	/* a view of view_table */
	CHISEL_STREAM,	/* filter + columns + snaplen */
	CHISEL_SINK,	/* a sink of its own */
};

enum chisel_flags {
	CF_LIVE_ONLY = 1 << 0,	/* refused on replay (-r) */
	CF_ENTERS = 1 << 1,	/* live: trace syscall enters too (latency) */
	/* issue 15, computing chisels (CHA): */
	CF_OWN_OUTPUT = 1 << 2,	/* its sink does -j and -p itself (else they print the events) */
	CF_SNAPSHOT = 1 << 3,	/* live: a look (1 s unless -M or -n say), then its output */
	CF_ALL_EVENTS = 1 << 4,	/* live: every event reaches scry (no push-down: around) */
};

struct chisel {
	const char *name;
	const char *desc;	/* CHISEL_VIEW: NULL, the view's */
	enum chisel_kind kind;
	struct chisel_arg args[CHISEL_MAX_ARGS + 1];
	const struct chisel_filter *filter;	/* NULL: none of its own */
	unsigned int snaplen;	/* bytes of data per call it needs (0: none) */
	uint32_t flags;		/* enum chisel_flags */
	const char *view;	/* CHISEL_VIEW: the view_table row */
	const struct chisel_col *cols;	/* CHISEL_STREAM: columns, header NULL or all given */
	const struct chisel_sink *sink;	/* CHISEL_SINK */
	const char *more;	/* what -L NAME adds: its output, how it differs from sysdig's */
};

extern const struct chisel chisel_table[];
extern const size_t chisel_count;
/* A row of chisel_table (NULL: none; a view or stream view may still have the name). */
const struct chisel *chisel_lookup(const char *name);
/* Arguments of a chisel, a view or a stream view by name: 0 when none or unknown. */
size_t chisel_nargs(const struct chisel *ch);

/* A chisel bound to its arguments: what its sinks and outputs get. */
struct chisel_ctx {
	const struct chisel *ch;
	const char *args[CHISEL_MAX_ARGS];	/* given or default; NULL: absent */
	bool json, containers;	/* -j, -pc */
	double interval;	/* --interval */
	unsigned int top;	/* --top */
	int data_fmt;		/* -A, -X */
	const char *format;	/* -p (CF_OWN_OUTPUT sinks that print events: around) */
	int fd;			/* output */
	const struct filter *filter;	/* the whole filter: the chisel's and the user's */
	bool live;
};
/* The value of argument NAME (NULL: absent, or no such argument). */
const char *chisel_arg(const struct chisel_ctx *c, const char *name);

/*
 * --- args.c: the command line ---------------------------------------------------------------
 * Which of `words` (those after -c NAME, up to the next option) are the chisel's arguments: the
 * count taken. Required ones take the next word; an optional one takes a word that fits its
 * type (a number, one of its choices, a field, an address; a string: unless the words from it
 * on make a filter, sysdig's rule). A word with a space in it is all the arguments, as sysdig's
 * -c fileslower '100 disable_colors'.
 */
int chisel_take_args(const struct chisel *ch, char *const *words, int nwords);
/*
 * Check `words` (the arguments as typed) against the chisel's, fill c->args (defaults too, the
 * others pointing into buf[len], which the caller keeps) and make the filter text: "(chisel's)
 * and (user's)" in *filter (malloc'ed; the user's alone when the chisel has none). 0, or
 * SCRY_EXIT_USAGE with one line said, or -ENOMEM.
 */
int chisel_bind(const struct chisel *ch, const char *const *words, int nwords,
		const char *user_filter, char *buf, size_t len, struct chisel_ctx *c,
		char **filter);
/* "min_ms [disable_color]": the arguments as usage shows them (each with a space before it). */
void chisel_usage(const struct chisel *ch, char *buf, size_t len);
/* -L NAME's arguments section (nothing for a chisel without). */
void chisel_help_args(const struct chisel *ch);
/* -L NAME of a chisel_table row: sysdig's -i help (description, arguments, defaults). */
void chisel_help(const struct chisel *ch);

/* --- stream.c: a stream chisel's columns, as a sink ------------------------------------------- */
void *chisel_stream__new(const struct chisel_ctx *c, const struct run_ctx *rc);
extern const struct sink_ops chisel_stream_ops;

/* --- sinks of their own (chisel_table's CHISEL_SINK rows) ------------------------------------- */
void *spy_users__new(const struct chisel_ctx *c, const struct run_ctx *rc);
extern const struct sink_ops spy_users_ops;
void *udp_extract__new(const struct chisel_ctx *c, const struct run_ctx *rc);
extern const struct sink_ops udp_extract_ops;
/* and the computing chisels' (include/scry/chisel_calc.h) */

/* --- issue 15, CHX: memcachelog.c, iobytes.c, shells.c ------------------------------------------ */
/* A memcached text-protocol command line: its words point into the buffer parsed. */
#define MEMCACHE_WORDS 5
struct memcache_cmd {
	const char *method, *key;	/* words 1 and 2 of the first line */
	size_t method_len, key_len;
	uint64_t size;			/* word 5 (a set's <bytes>) when a number, else 0 */
};
/* The first line of d[n] (up to CR or LF) as sysdig's memcachelog reads it: a first word starting
 * get or set, and a second. 0, or -EINVAL. Reads d[0..n) only. */
int memcache_parse(const uint8_t *d, size_t n, struct memcache_cmd *c);
void *memcachelog__new(const struct chisel_ctx *c, const struct run_ctx *rc);
extern const struct sink_ops memcachelog_ops;
void *iobytes__new(const struct chisel_ctx *c, const struct run_ctx *rc);
extern const struct sink_ops iobytes_ops;
/* shells.c: list_login_shells, shellshock_detect */
/* sysdig's shellshock pattern "() {" (the space optional) and one more byte: the offset of its
 * "()" in s[n], or -1. */
long shellshock_find(const char *s, size_t n);
void *list_login_shells__new(const struct chisel_ctx *c, const struct run_ctx *rc);
extern const struct sink_ops list_login_shells_ops;
void *shellshock_detect__new(const struct chisel_ctx *c, const struct run_ctx *rc);
extern const struct sink_ops shellshock_detect_ops;

#endif /* SCRY_CHISEL_H */
