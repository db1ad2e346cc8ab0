/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Chisels that compute something a view's table cannot hold: a sink each, described by a row of
 * chisel_sinks[] (chisel_sinks.c): its name and sysdig's arguments, what it needs traced, its
 * sink. Each sink lives in a file of its own under src/view/: lsof.c, slowcalls.c (bottlenecks,
 * proc_exec_time), spectro.c (spectrogram, subsecoffset), around.c, httpview.c (httptop,
 * httplog). The chisels that are tables per interval are views (views.c).
 */
#ifndef SCRY_CHISEL_SINK_H
#define SCRY_CHISEL_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct run_ctx;
struct sink_ops;
struct filter;
struct scry_event;

/* What a chisel sink needs from a live run. */
enum chisel_needs {
	CN_SYSCALLS = 1 << 0,	/* syscall exits */
	CN_ENTERS = 1 << 1,	/* and their enters (latency, enter times) */
	CN_FDS = 1 << 2,	/* the fd tables */
	CN_SNAPSHOT = 1 << 3,	/* a look at the tables: one second unless -M or -n say */
	CN_ALL_EVENTS = 1 << 4,	/* every event, the filter only marks the matches (no push-down) */
};

/* An argument, as sysdig's chisel takes it: -c NAME ARG. */
enum chisel_arg_kind {
	CA_INT,			/* a positive integer */
	CA_WORD,		/* one of `words` (space-separated) */
};
struct chisel_arg {
	const char *name;
	const char *desc;
	uint8_t kind;		/* enum chisel_arg_kind */
	const char *words;	/* CA_WORD */
};

struct chisel_sink_opts {
	const char *arg;	/* its argument, NULL: the default */
	bool json;		/* -j */
	bool containers;	/* -pc */
	bool tty;		/* the output is a terminal that has colours (isatty + TERM) */
	unsigned int width;	/* the terminal's columns (80 when not a terminal) */
	double interval;	/* --interval SECS (httptop) */
	unsigned int top;	/* --top N */
	int fd;			/* output */
	const char *format;	/* -p (around prints events as the stream does) */
	int data_fmt;		/* -A, -X */
	const struct filter *filter;	/* the run's FILTER (lsof: which fds; around: the matches) */
};

struct chisel_sink {
	const char *name;
	const char *desc;
	const struct chisel_arg *arg;	/* NULL: takes none */
	uint32_t needs;			/* enum chisel_needs */
	unsigned int snaplen;		/* live: bytes of data per call it needs at least (0: none) */
	const struct sink_ops *ops;
	/* NULL and errno (EINVAL: a bad argument, said) */
	void *(*create)(const struct chisel_sink_opts *o, const struct run_ctx *run);
	const char *usage;		/* what -L NAME adds: output, differences from sysdig */
};

extern const struct chisel_sink chisel_sinks[];
extern const size_t chisel_sink_count;
const struct chisel_sink *chisel_sink_lookup(const char *name);
/* Whether `word` is an argument the chisel takes (-c NAME WORD, before the filter's words). */
bool chisel_sink_arg_ok(const struct chisel_sink *c, const char *word);
/* A CA_INT argument's value, or `def` for none; -1 for a bad one. */
long chisel_arg_int(const char *arg, long def, long max);
/* Whether the fd is a terminal whose TERM has colours (not "dumb"). */
bool chisel_tty_colours(int fd, unsigned int *width);

/* sysdig's format_time_interval: "1.50s", "120ms", "1.20ms", "35us", "1.20us", "800ns". */
void chisel_fmt_interval(char *buf, size_t len, uint64_t ns);

/* The sinks (each file's constructor and ops). */
extern const struct sink_ops lsof_ops, bottlenecks_ops, proc_exec_time_ops, spectro_ops,
	around_ops, httpview_ops;
void *lsof__new(const struct chisel_sink_opts *o, const struct run_ctx *run);
void *bottlenecks__new(const struct chisel_sink_opts *o, const struct run_ctx *run);
void *proc_exec_time__new(const struct chisel_sink_opts *o, const struct run_ctx *run);
void *spectrogram__new(const struct chisel_sink_opts *o, const struct run_ctx *run);
void *subsecoffset__new(const struct chisel_sink_opts *o, const struct run_ctx *run);
void *around__new(const struct chisel_sink_opts *o, const struct run_ctx *run);
void *httptop__new(const struct chisel_sink_opts *o, const struct run_ctx *run);
void *httplog__new(const struct chisel_sink_opts *o, const struct run_ctx *run);

/*
 * --- spectro.c: the bucketing, apart for its tests ---------------------------------------------
 * spectrogram: column of a latency on a log10 axis from 1 ns to 100 s over `width` columns
 * (sysdig's: floor(log10(ns) * width / 11), 10^11 ns and above in the last). subsecoffset:
 * column of a time's offset within its period of `period_ns` (ts mod period, over width).
 */
unsigned int spectro_lat_col(uint64_t ns, unsigned int width);
unsigned int spectro_off_col(uint64_t ts, uint64_t period_ns, unsigned int width);
/*
 * The shade of a count over a period of `period_ns`, 0 (none) to SPECTRO_SHADES - 1: sysdig's
 * colour scale, log1.6 of calls per second + 1, in 20 steps folded onto the shades.
 */
#define SPECTRO_SHADES 10
unsigned int spectro_shade(uint64_t count, uint64_t period_ns);
/* Its 256-colour palette entry (sysdig's colpalette), 1 to 20 steps; 0 for none. */
unsigned int spectro_step(uint64_t count, uint64_t period_ns);
extern const char spectro_chars[SPECTRO_SHADES + 1];

#endif /* SCRY_CHISEL_SINK_H */
