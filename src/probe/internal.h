/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCRY_PROBE_INTERNAL_H
#define SCRY_PROBE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The context a program runs in decides what it may share. Programs of one context never
 * interrupt each other on a CPU, so they share a stats slot and the per-CPU stage; a program that
 * can interrupt another (the tick in hard IRQ; a network tracepoint in softirq) needs a slot of
 * its own and, unless it checks the stage's busy flag as the tick does, must emit directly.
 */
enum prog_ctx {
	PCTX_TASK,	/* a tracepoint in task context (syscalls, sched, cgroup) */
	/* a tracepoint that may also fire in softirq (TCP timers, packet input) or hard IRQ
	 * (block completions) */
	PCTX_SOFTIRQ,
	PCTX_TICK,	/* the perf-event tick: hard IRQ, may land inside any PCTX_TASK program */
};

#define PROG_EMITS(type) (1u << (type))

struct prog_desc {
	const char *prog;	/* the program's name in the BPF object */
	const char *tp;		/* the kernel has it if BTF holds typedef btf_trace_<tp>; NULL:
				 * not a tracepoint (attached by the loader, e.g. perf events) */
	const char *loss;	/* what the user loses without it */
	uint32_t emits;		/* PROG_EMITS() of every event record type it can emit */
	bool control;		/* also emits control records (SCRY_CTL_*) */
	bool syscall;		/* only when syscalls are traced */
	uint8_t ctx;		/* enum prog_ctx */
	uint8_t stats_slot;	/* enum scry_stats_slot its events count in */
	bool net_io;		/* only when socket bytes are wanted (probe_opts.net_io) */
	/*
	 * A net_io program of the fallback for kernels without the sock length tracepoints: loaded
	 * instead of those that are not, never with them (the same bytes would count twice).
	 */
	bool net_compat;
	/*
	 * The tracepoint's first argument must be a task_struct pointer: older kernels' tracepoint
	 * of the same name passes something else (mark_victim: the pid alone, before 6.8).
	 */
	bool task_arg;
	bool block;		/* only when block requests are wanted (probe_opts.block) */
	/*
	 * Emits nothing itself: it keeps what the program of this name emits from (a block
	 * request's submitter and issue time, for its completion).
	 */
	const char *feeds;
};

extern const struct prog_desc prog_table[];
extern const size_t prog_count;
const struct prog_desc *prog_lookup(const char *name);

/* The fallback's `sockcalls` slots (sockcalls.c), and the map filled with them (-errno). */
struct scry_sockcall;
void sockcalls__slots(struct scry_sockcall *slots, size_t n);
int sockcalls__fill(int map_fd);

/* loader.c: --btf FILE, or the host's BTF under --host-root (in `buf`); NULL: libbpf's default. */
const char *probe_btf_path(const char *custom, char *buf, size_t len);

#endif /* SCRY_PROBE_INTERNAL_H */
