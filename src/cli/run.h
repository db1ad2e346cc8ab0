/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One run of scry: a source (the live kernel, or captures replayed) feeding one pipeline and its
 * sinks. Every command builds its run the same way, so the shared options (FILTER, -n, -M) mean
 * the same to all of them, and setup and teardown happen in one order:
 *
 *	run__init    the syscall table, FILTER and -n; the process table and container registry
 *	             (live: from /proc and the runtimes; replay: the captures, opened)
 *	run__add_sink  the command's sinks, built over run__ctx()
 *	run__go      the source's loop until the end, -n, -M, a signal or a sink ends it; then the
 *	             sinks' finish
 *	run__fini    sinks, then processes, then containers, then the captures
 */
#ifndef SCRY_CLI_RUN_H
#define SCRY_CLI_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "scry/cli.h"
#include "scry/sink.h"

/* Sinks' tick, live and on replay (event time): flush output, views' intervals, reaping. */
#define RUN_TICK_NS 100000000ULL

enum run_source {
	RUN_LIVE,
	RUN_REPLAY,
};

struct capture_reader;
struct probe;

struct run {
	const struct scry_opts *o;
	enum run_source source;
	struct proctab *procs;
	struct containers *containers;
	struct capture_reader *reader;	/* replay: the captures */
	bool snapshots;		/* replay: rewritten (-r -w), every recording's tables first */
	bool replayed;		/* replay: the captures were loaded and the replay ran */
	bool net_io;		/* live: trace bytes on sockets (a network view, a capture) */
	bool net_count;		/* live, net_io: the kernel sums them (view_net_sums) */
	bool no_cpu;		/* live: nothing shows CPU time (no sched_switch, no tick) */
	bool block;		/* live: trace block requests (a block I/O view, a capture) */
	bool no_acct;		/* live: nothing shows run-queue wait, off-CPU time or faults */
	bool exec_env;		/* live: the filter or -p names proc.env: environments are kept */
	unsigned int snaplen;	/* live: -s, for the outputs that show data (0: none) */
	uint64_t sum_records;	/* live, net_count: sockio records all the same (map full) */
	bool no_pushdown;	/* live: nothing in the kernel (top -n: FILTER and a screen's differ) */
	struct live_pd *pd;	/* live: the filter's in-kernel part, or NULL */
	struct pipeline *pl;
	/* issue 16 (scry serve), live: told once the probes are attached, and at every tick */
	void (*on_attached)(void *ctx, struct probe *p);
	void (*on_tick)(void *ctx, struct probe *p);
	void *hook_ctx;
};

struct filter;
/* FILTER compiled, or its error shown (message, expression, caret) and SCRY_EXIT_USAGE. */
int run__compile_filter(const char *expr, struct filter **out);
/* 0, SCRY_EXIT_USAGE (a bad filter, shown) or -errno (said); run__fini in any case. */
int run__init(struct run *r, const struct scry_opts *o, enum run_source src);
static inline const struct run_ctx *run__ctx(const struct run *r)
{
	return pipeline__ctx(r->pl);
}
/* Adds a sink, which the run owns from now on; `ctx` NULL (its constructor failed) is -ENOMEM. */
int run__add_sink(struct run *r, const struct sink_ops *ops, void *ctx);
/*
 * The source's loop, then the sinks' finish: 0 or the first error. Live, `mode` says what to
 * trace of syscalls (a sink may switch enters with run_request_enters).
 */
int run__go(struct run *r, enum syscall_mode mode);
void run__fini(struct run *r);

/* commands.c: the sink the options ask for (the event printer, -j, -p, or a -c view). */
int run__add_output(struct run *r);

/* live.c: the live source's loop. */
int live__loop(struct run *r, enum syscall_mode mode);

/* live_pushdown.c: the filter's in-kernel part (NULL: none: no filter, none of it can go). */
struct probe;
struct live_pd;
struct live_pd *live_pd__new(struct run *r, struct probe *p);
void live_pd__cgroup_gone(struct live_pd *l, uint64_t cgid);
void live_pd__free(struct live_pd *l);

/* live_sums.c: count mode's reads of the kernel's socket sums (net_count). */
struct probe;
struct live_sums;
struct live_sums *live_sums__new(struct run *r, struct probe *p);
void live_sums__free(struct live_sums *s);
/* What every key gained since its last read, to the pipeline now (baseline: to no one). */
void live_sums__read(struct live_sums *s, bool baseline);
/* -v: what was summed; always: calls that found the map full (probe_stats.count_full). */
void live_sums__summary(const struct live_sums *s, uint64_t count_full);

/* issue 18 (ns18), live_ns18.c: zombies and namespaces of processes at start, as records */
void live_ns18__seed(struct run *r, uint64_t at);

#endif /* SCRY_CLI_RUN_H */
