/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pipeline after the ring buffer: raw record -> decode -> state -> filter -> sinks.
 * The same pipeline runs live and on replay, so every consumer sees the same events either way.
 * A consumer (printer, JSON, view, capture writer) plugs in as a sink without touching the
 * code that produces records.
 */
#ifndef SCRY_SINK_H
#define SCRY_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "scry/decode.h"
#include "scry/util.h"

struct proctab;
struct filter;
struct containers;

enum sink_flags {
	SINK_HIDDEN = 1 << 0,		/* also bookkeeping events (cputick) */
	SINK_UNFILTERED = 1 << 1,	/* every event, whatever the filter says */
};

/* Return codes of the callbacks: 0 go on, SINK_DONE end the run normally, < 0 error. */
#define SINK_DONE 1

struct sink_ops {
	const char *name;
	uint32_t flags;		/* enum sink_flags */
	/* `matched` tells an unfiltered sink whether the filter accepted the event. */
	int (*event)(void *ctx, const struct scry_event *ev, bool matched);
	/* Periodically (every interval), with the time of the newest event. */
	int (*tick)(void *ctx, uint64_t ts);
	/* End of the run: flush, print totals. */
	int (*finish)(void *ctx);
	void (*free)(void *ctx);
};

/* A sink's ops when its callbacks are named after it: PREFIX_event, _tick, _finish, _free. */
#define SINK_OPS(prefix, sink_name, sink_flags)						\
	{ .name = (sink_name), .flags = (sink_flags), .event = prefix##_event,			\
	  .tick = prefix##_tick, .finish = prefix##_finish, .free = prefix##_free }

/* A recording's tick rate is not known on replay: slices are taken to span at most this. */
#define PIPELINE_SLICE_NS 250000000ULL

/*
 * What a sink may know of the run it is part of: given to its constructor, read-only, kept up
 * to date by the pipeline. Sinks never see the pipeline itself (its filter, counters, reorder
 * stage and sink list are dispatch.c's).
 */
struct run_ctx {
	struct proctab *procs;		/* the process table (may be NULL) */
	struct containers *containers;	/* the container registry (may be NULL) */
	struct socktab *socks;		/* the socket table (NULL if it could not be made) */
	/* issue 18 (ns18): zombies, and processes that entered containers (NULL: none kept) */
	struct zombietab *zombies;
	struct nstab *ns;
	uint64_t start_ts;	/* boot ns when the recording began (live: attach; replay: header) */
	uint64_t last_ts;	/* time of the newest event decoded */
	/*
	 * The longest a CPU slice can reach back before its report (a few ticks live; 0: unknown,
	 * a replay: views assume PIPELINE_SLICE_NS). Views keep an interval open this long.
	 */
	uint64_t slice_ns;
	bool live;		/* events come from the kernel now, not from a capture */
	/*
	 * Live: boot ns from which the kernel has sent every event the newest run_request_kfilter
	 * needs (0: from the start). Events before it may lack what the previous one left out.
	 */
	uint64_t kfilter_since;
	/* The pipeline this context belongs to (dispatch.c's; NULL for a context of one's own). */
	struct pipeline *owner;
};

/*
 * Live, a sink whose needs change while it runs (scry top's screens) asks for syscall enters to
 * be traced (or not); the live source applies the newest request at its next round. A replay
 * ignores it.
 */
void run_request_enters(const struct run_ctx *ctx, bool on);

/*
 * Live, a sink whose events narrow at run time (scry top's screens) says which it needs from now
 * on: those FILTER `text` (one that compiled; "": all) matches, in one container if `drilled`
 * (the host's processes if `host`, else the container of full id `id`). The live source puts the
 * part the kernel can judge in place at its next round, and sets kfilter_since. A replay
 * ignores it.
 */
struct kfilter_req {
	char text[256];
	bool drilled;
	bool host;
	char id[128];		/* CTR_ID_MAX */
};
void run_request_kfilter(const struct run_ctx *ctx, const struct kfilter_req *req);

/* The pipeline: opaque to its sinks; set up and driven by the run (src/cli/run.c). */
struct pipeline;
/* issue 18: container events also when a container's number of processes changes. */
void pipeline__ctr_procs(struct pipeline *pl, bool on);

/* procs and containers (either may be NULL) outlive the pipeline; NULL when out of memory. */
struct pipeline *pipeline__new(struct proctab *procs, struct containers *containers);
/* Frees the sinks, the filter and what a live pipeline still holds (waiting records dropped). */
void pipeline__free(struct pipeline *pl);
const struct run_ctx *pipeline__ctx(const struct pipeline *pl);
/* The filter (owned from now on, NULL: accept all) and -n (0: no limit). */
/* Keep the fd tables (the default), or not: no output reads them. */
void pipeline__set_fds(struct pipeline *pl, bool on);
bool pipeline__fds(const struct pipeline *pl);
void pipeline__set_filter(struct pipeline *pl, struct filter *f, uint64_t limit);
const struct filter *pipeline__filter(const struct pipeline *pl);
/*
 * Each delivered record's cgroup and container (NULL: the host), in time order, until `fn`
 * returns true for that cgroup: the live push-down judges cgroups as containers get names.
 */
struct scry_container;
typedef bool (*pipeline_cgroup_fn)(void *ctx, uint64_t cgid, const struct scry_container *c);
void pipeline__on_cgroup(struct pipeline *pl, pipeline_cgroup_fn fn, void *ctx);
/* The newest run_request_kfilter and its number (0: none was made), and when it took hold. */
uint32_t pipeline__kfilter_wanted(const struct pipeline *pl, const struct kfilter_req **req);
void pipeline__kfilter_applied(struct pipeline *pl, uint64_t since);
/* When the recording began, how far a CPU slice reaches back (0: unknown), and live or not. */
void pipeline__begin(struct pipeline *pl, uint64_t start_ts, uint64_t slice_ns, bool live);
/*
 * Live: records from `ncpus` CPUs go through the reorder stage, waiting `lag_ns` (at least the
 * longest a record can stay in a CPU's stage) for older ones before they are delivered.
 */
int pipeline__order(struct pipeline *pl, unsigned int ncpus, uint64_t lag_ns);
/* The sink is the pipeline's from now on, added or not (-ENOSPC: it was freed). */
int pipeline__add_sink(struct pipeline *pl, const struct sink_ops *ops, void *ctx);
#define PIPELINE_MAX_SINKS 8
/* Feed one raw event record; returns the status (non-zero ends the run). */
int pipeline__record(struct pipeline *pl, const void *raw, uint32_t size);
int pipeline__tick(struct pipeline *pl);
/*
 * Live: apply container names that arrived, and deliver in time order the records that can no
 * longer have older company: `arrived` is the clock (boot ns) read before the ring was last
 * read empty; PIPELINE_ALL at the end delivers everything.
 */
#define PIPELINE_ALL UINT64_MAX
void pipeline__release(struct pipeline *pl, uint64_t arrived);
/*
 * Live count mode: one key's calls and bytes since its last read, read from the kernel at `ts`
 * (boot ns, not before the last call's `ts`). It reaches the sinks as one sockio event in time
 * order: after every record older than `ts`, before any newer. 0 or -ENOMEM.
 */
struct scry_net_key;
int pipeline__sum(struct pipeline *pl, const struct scry_net_key *k, uint64_t bytes,
		  uint64_t calls, uint64_t ts);
struct reorder_stats {
	uint64_t late;		/* records that arrived after newer ones had left (out of order) */
	uint64_t late_max_ns;	/* the most one of them was late by */
	uint64_t split;		/* folded syscalls whose enter left on its own */
	size_t bytes;		/* record bytes waiting now */
	size_t records;		/* records waiting now */
	uint64_t oldest;	/* key of the oldest record waiting (UINT64_MAX: none) */
};
void pipeline__order_stats(const struct pipeline *pl, struct reorder_stats *st);
/* 0 running, SINK_DONE (a sink or -n ended the run), or < 0 (a sink failed). */
int pipeline__status(const struct pipeline *pl);
/* Records that failed to decode, skipped. */
uint64_t pipeline__malformed(const struct pipeline *pl);
/* The newest run_request_enters: 1 enters, 0 exits only, -1 none was made. */
int pipeline__enters_wanted(const struct pipeline *pl);
/* Finish every sink; returns the first error. */
int pipeline__finish(struct pipeline *pl);

/* --- printer.c / json.c ------------------------------------------------------------------------ */
/*
 * Stream views: the event printer in a shape of its own, run as -c NAME (sysdig's chisels that
 * print events rather than tables). A row of stream_views (printer.c) each.
 */
enum stream_style {
	STREAM_ECHO_FDS = 1,	/* per read or write with data: a header line, then the bytes */
};
struct stream_view {
	const char *name;
	const char *desc;
	enum stream_style style;
	bool needs_data;	/* live: trace with -s SNAPLEN (views run with 0) */
};
extern const struct stream_view stream_views[];
extern const size_t stream_view_count;
const struct stream_view *stream_view_lookup(const char *name);

struct printer_opts {
	bool json;		/* -j */
	bool containers;	/* -pc */
	const char *format;	/* -p: "%field ..." template, NULL for the default line */
	int data_fmt;		/* -A, -X: enum data_fmt of the default line's data */
	const struct stream_view *view;	/* -c of a stream view, or NULL */
	int fd;			/* output */
};
/* sysdig's format_bytes: 12B, 1.02KB, 3.50MB (chisels' byte columns too). */
void fmt_bytes(struct sbuf *b, uint64_t v);
/* Returns the sink's context or NULL (with an error printed). */
void *printer__new(const struct printer_opts *o);
extern const struct sink_ops printer_ops;
/*
 * A printer (made with fd -1) as a formatter: the line (or -j object, -p template) it would
 * print for `ev`, into buf; its length, cut at `len` (a line past the printer's 64 KiB buffer
 * is cut there). For the chisels that hold lines before showing them (around).
 */
size_t printer__line(void *pr, const struct scry_event *ev, char *buf, size_t len);

#endif /* SCRY_SINK_H */
