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
struct reorder;

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

#define PIPELINE_MAX_SINKS 8
/* A recording's tick rate is not known on replay: slices are taken to span at most this. */
#define PIPELINE_SLICE_NS 250000000ULL

struct pipeline {
	struct proctab *procs;
	struct containers *containers;	/* may be NULL */
	struct filter *filter;		/* NULL: accept all */
	struct {
		const struct sink_ops *ops;
		void *ctx;
	} sinks[PIPELINE_MAX_SINKS];
	int nsinks;
	uint64_t limit;		/* -n: end after this many events matched the filter (0: none) */
	uint64_t num;		/* last evt.num given */
	uint64_t matched;	/* events that passed the filter */
	uint64_t records;	/* records decoded */
	uint64_t malformed;	/* records that failed to decode */
	uint64_t last_ts;	/* time of the newest record */
	uint64_t start_ts;	/* boot ns when the recording began (live: attach; replay: header) */
	bool live;		/* ticks may run ahead of the events, by the wall clock */
	/*
	 * The longest a CPU slice can reach back before its report (a few ticks live; 0: unknown,
	 * a replay: views assume PIPELINE_SLICE_NS). Views keep an interval open this long.
	 */
	uint64_t slice_ns;
	/* Live, set by a sink that changes views (scry top): 1 trace syscall enters, 0 exits only,
	 * -1 (the default after pipeline__init) the mode stays as the run began. */
	int want_enters;
	/* Live: the reorder stage and the containers whose names it waits for (dispatch.c). */
	struct reorder *order;
	struct hashmap *holds;
	uint64_t lag_ns;		/* how long records wait for older ones to arrive */
	uint64_t late_max_ns;
	uint64_t released_ts;		/* every event up to this time has been delivered */
	uint64_t last_cgid;		/* one-entry cache of the last record's container */
	struct scry_container *last_ctr;
	bool last_valid;
	int status;		/* 0 running, SINK_DONE, or < 0 */
};

/* After setting procs and containers: wires their lifetimes together. */
void pipeline__init(struct pipeline *pl);
/*
 * Live: records from `ncpus` CPUs go through the reorder stage, waiting `lag_ns` (at least the
 * longest a record can stay in a CPU's stage) for older ones before they are delivered.
 */
int pipeline__order(struct pipeline *pl, unsigned int ncpus, uint64_t lag_ns);
/* Frees what a live pipeline still holds (records waiting in the stage are dropped). */
void pipeline__fini(struct pipeline *pl);
int pipeline__add_sink(struct pipeline *pl, const struct sink_ops *ops, void *ctx);
/* Feed one raw record; returns pl->status (non-zero ends the run). */
int pipeline__record(struct pipeline *pl, const void *raw, uint32_t size);
int pipeline__tick(struct pipeline *pl);
/*
 * Live: apply container names that arrived, and deliver in time order the records that can no
 * longer have older company: `arrived` is the clock (boot ns) read before the ring was last
 * read empty; PIPELINE_ALL at the end delivers everything.
 */
#define PIPELINE_ALL UINT64_MAX
void pipeline__release(struct pipeline *pl, uint64_t arrived);
struct reorder_stats {
	uint64_t late;		/* records that arrived after newer ones had left (out of order) */
	uint64_t late_max_ns;	/* the most one of them was late by */
	uint64_t split;		/* folded syscalls whose enter left on its own */
	size_t bytes;		/* record bytes waiting now */
	size_t records;		/* records waiting now */
	uint64_t oldest;	/* key of the oldest record waiting (UINT64_MAX: none) */
};
void pipeline__order_stats(const struct pipeline *pl, struct reorder_stats *st);
/* Finish every sink; returns the first error. */
int pipeline__finish(struct pipeline *pl);
void pipeline__free_sinks(struct pipeline *pl);

/* --- printer.c / json.c ------------------------------------------------------------------------ */
struct printer_opts {
	bool json;		/* -j */
	bool containers;	/* -pc */
	const char *format;	/* -p: "%field ..." template, NULL for the default line */
	int fd;			/* output */
};
/* Returns the sink's context or NULL (with an error printed). */
void *printer__new(const struct printer_opts *o);
extern const struct sink_ops printer_ops;

#endif /* SCRY_SINK_H */
