/* SPDX-License-Identifier: GPL-2.0 */
/* The process table's insides, shared by its upkeep (proctab.c) and its /proc side (procfs.c). */
#ifndef SCRY_STATE_INTERNAL_H
#define SCRY_STATE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "scry/state.h"

/* A binary min-heap of dead entries by time of death; each entry knows its place (dead_idx). */
struct dheap {
	struct dslot {
		uint64_t ts;
		void *e;
	} *s;
	uint32_t n, cap;
	bool procs;		/* entries are struct scry_proc, else struct scry_thread */
};

struct proctab {
	struct hashmap *threads;	/* tid -> struct scry_thread */
	struct hashmap *procs;		/* pid -> struct scry_proc */
	char *procfs;			/* NULL: no lookups outside the event stream */
	uint64_t clk_tck;
	struct dheap dead_threads, dead_procs;
	/* Replaced (zombie) or expired (parked) processes whose last thread entry went. */
	struct scry_proc *reapable;
	uint64_t now;			/* the newest event time applied */
	struct proctab_limits lim;
	uint64_t nprocs, nthreads;	/* entries allocated, zombies included */
	uint64_t cmd_bytes;		/* exe and args bytes held */
	void (*on_free)(void *ctx, struct scry_proc *p);
	void *on_free_ctx;
};

/* proctab.c: an entry's death, its time of death queued for reaping. */
void proc_died(struct proctab *pt, struct scry_proc *p, uint64_t ts);
void thread_died(struct proctab *pt, struct scry_thread *t, uint64_t ts);

/* procfs.c: a process or thread read from procfs into the table; NULL if it is gone. */
struct scry_proc *procfs_seed_proc(struct proctab *pt, uint32_t pid);
struct scry_thread *procfs_seed_thread(struct proctab *pt, struct scry_proc *p, uint32_t tid);

#endif /* SCRY_STATE_INTERNAL_H */
