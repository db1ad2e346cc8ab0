/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Views: tables of figures per key (container, process, syscall), refreshed every interval.
 * A view is data: which key it groups by, which figures it shows, which one it sorts by.
 * One aggregator computes the figures from events (the same live and on replay); the text
 * tables, the JSON documents and the interactive top are renderings of its snapshots.
 */
#ifndef SCRY_VIEW_H
#define SCRY_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scry/decode.h"

struct run_ctx;
struct scry_container;
struct proctab;
struct obuf;

enum view_key {
	KEY_CONTAINER,		/* one row per container, the host as one row "host" */
	KEY_PROC,		/* one row per process, with its container */
	KEY_SYSCALL,		/* one row per syscall name */
	KEY_PS,			/* one row per live process: a snapshot of the process table */
};

/* The figures every row carries; a view shows some of them. */
enum figure {
	FIG_CPU,		/* on-CPU time, as % of one CPU over the interval */
	FIG_CPU_NS,		/* on-CPU time, ns */
	FIG_SYSCALLS,		/* syscalls entered */
	FIG_SYSCALLS_PS,	/* syscalls per second */
	FIG_ERRORS,		/* syscalls that returned an error */
	FIG_ERRORS_PS,
	FIG_TOP_ERRNOS,		/* the most frequent errno names, "ENOENT:95 EAGAIN:3" */
	FIG_LAT_TOTAL,		/* total syscall latency, ns */
	FIG_LAT_MEAN,		/* mean syscall latency, ns */
	FIG_READ,		/* bytes read from regular files */
	FIG_WRITE,		/* bytes written to regular files */
	FIG_FILE_TOTAL,		/* read + written */
	FIG_FILE_PS,		/* bytes per second, read + written */
	FIG_PROCS,		/* processes seen */
	FIG__MAX
};

/* What a view needs from the kernel: views without syscalls leave the syscall probes off. */
enum view_needs {
	NEED_SCHED = 1 << 0,
	NEED_SYSCALLS = 1 << 1,
	NEED_LATENCY = 1 << 2,	/* syscall enters too (else only exits are traced) */
};

struct view_desc {
	const char *name;
	const char *desc;
	enum view_key key;
	const uint8_t *figures;	/* enum figure list, FIG__MAX-terminated */
	enum figure sort;
	uint32_t needs;
};

extern const struct view_desc view_table[];
extern const size_t view_count;
const struct view_desc *view_lookup(const char *name);
struct filter;
/* Whether a view (or the event stream, v NULL) with this filter needs syscall enters traced:
 * latency, or a filter on evt.dir, evt.latency or evt.num. */
bool view_needs_enters(const struct view_desc *v, const struct filter *f);

struct figure_desc {
	const char *key;	/* JSON key */
	const char *header;	/* table column */
	const char *desc;
};
extern const struct figure_desc figure_table[FIG__MAX];

/* --- aggr.c: rows of figures ----------------------------------------------------------------- */
#define TOP_ERRNOS 3

struct view_row {
	/* the key */
	uint64_t key;
	struct scry_container *container;	/* pinned while the row lives; NULL: host */
	uint32_t pid, ppid, uid;
	uint32_t nr;				/* KEY_SYSCALL */
	char comm[SCRY_COMM_LEN];
	char *cmdline;				/* KEY_PROC / KEY_PS, malloc'd */
	uint64_t start_ts;
	/* the figures */
	uint64_t cpu_ns, syscalls, errors, lat_ns, lat_n, read, written, procs;
	uint32_t *errnos;			/* per-errno counts, allocated on the first error */
	uint64_t proc_seen;			/* KEY_CONTAINER: processes counted (by start key) */
};

struct aggr;
struct aggr *aggr__new(const struct view_desc *v);
void aggr__free(struct aggr *a);
/* Whether an event can change a view's rows (aggr__event ignores the others). */
static inline bool view_counts(const struct view_desc *v, const struct scry_event *ev)
{
	switch (ev->type) {
	case SCRY_REC_SWITCH:
	case SCRY_REC_CPUTICK:
		return v->needs & NEED_SCHED;
	case SCRY_REC_SYS_ENTER:
	case SCRY_REC_SYS_EXIT:
		return v->needs & NEED_SYSCALLS;
	case SCRY_REC_EXEC:
	case SCRY_REC_RENAME:
		return v->key == KEY_PROC;
	default:
		return false;
	}
}
/* Add one event (a cheap no-op for events this view does not count). */
void aggr__event(struct aggr *a, const struct scry_event *ev);
/* Charge `ns` of a CPU slice event (switch, cputick) to its row: a part of the slice. */
void aggr__charge(struct aggr *a, const struct scry_event *ev, uint64_t ns);
/* Forget the rows (the start of an interval). */
void aggr__reset(struct aggr *a);
/* ps: rebuild the rows from the process table (those matching `filter`, if any). */
struct filter;
void aggr__from_proctab(struct aggr *a, struct proctab *pt, const struct filter *filter);
/* The rows, sorted by `sort` (descending, ties broken by key); valid until the next call. */
struct view_row **aggr__sorted(struct aggr *a, enum figure sort, size_t *n);
/* KEY_CONTAINER: set each row's process count from the process table (live processes), adding
 * rows for containers whose processes did nothing in the interval. */
void aggr__count_procs(struct aggr *a, struct proctab *pt);
/* Totals over all rows. */
void aggr__totals(struct aggr *a, struct view_row *out);
/* The value of a numeric figure for a row over `dur_ns`. */
double figure_value(enum figure f, const struct view_row *r, uint64_t dur_ns);
/* The top errno names of a row, "ENOENT:95 EAGAIN:3". */
void row_top_errnos(const struct view_row *r, char *buf, size_t len);

/*
 * --- intervals.c: a view's intervals of event time ----------------------------------------------
 * Events go to the interval they happened in; a CPU slice is split across the intervals it spans.
 * An interval is complete `grace_ns` after its end (slices reported later may reach back into it).
 */
struct intervals;
struct intervals *intervals__new(const struct view_desc *v, uint64_t ival_ns);
void intervals__free(struct intervals *iv);
/* The first interval starts at `origin` (the first call counts); 0 or -ENOMEM. */
int intervals__start(struct intervals *iv, uint64_t origin, uint64_t grace_ns);
void intervals__event(struct intervals *iv, const struct scry_event *ev);
/* Whether the oldest interval is complete at event time `now`. */
bool intervals__due(const struct intervals *iv, uint64_t now);
/*
 * The oldest interval if it is complete at `now` (any open one with `all`, the last cut at
 * `now`): its rows go to *out (whose previous rows are dropped and its aggregator reused), with
 * the interval's [start, end). False when there is none.
 */
bool intervals__take(struct intervals *iv, uint64_t now, bool all, struct aggr **out,
		     uint64_t *start, uint64_t *end);

/* --- table_out.c: text and JSON ---------------------------------------------------------------- */
struct table_opts {
	bool json;
	unsigned int top;	/* rows to show */
};
/* One table (or JSON document) for the interval [start_ts, end_ts) of event time. */
void table__render(struct obuf *out, const struct view_desc *v, struct aggr *a,
		   const struct table_opts *o, uint64_t start_ts, uint64_t end_ts);

/* --- sink.c: a view as a pipeline sink --------------------------------------------------------- */
struct view_sink_opts {
	const struct view_desc *view;
	double interval;	/* seconds; 0: one table at the end */
	unsigned int top;
	bool json;
	int fd;
	const struct filter *filter;	/* the run's: which processes a ps view lists */
};
extern const struct sink_ops view_sink_ops;
void *view_sink__new(const struct view_sink_opts *o, const struct run_ctx *run);

/* --- lscontainers.c: the containers known at the end of a run ---------------------------------- */
extern const struct sink_ops lscontainers_ops;
void *lscontainers__new(const struct run_ctx *run, bool json, int fd);

/* --- top_ui.c: the interactive top, a sink that draws the views on the terminal ------------- */
extern const struct sink_ops top_ui_ops;
/*
 * Its first screen (containers) with `filter` (NULL: none); it asks the run for syscall enters
 * while a screen needs them. NULL with errno set: EINVAL, a bad filter (said), or ENOMEM.
 */
void *top_ui__new(const struct run_ctx *run, const char *filter);

#endif /* SCRY_VIEW_H */
