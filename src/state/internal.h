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
	uint64_t first_ts;		/* the first record's time (thread.cpu's first whole second) */
	struct proctab_limits lim;
	uint64_t nprocs, nthreads;	/* entries allocated, zombies included */
	uint64_t cmd_bytes;		/* exe, args and env bytes held */
	bool want_env;			/* proctab__want_env */
	void (*on_free)(void *ctx, struct scry_proc *p);
	void *on_free_ctx;
};

/* proctab.c: an entry's death, its time of death queued for reaping. */
void proc_died(struct proctab *pt, struct scry_proc *p, uint64_t ts);
void thread_died(struct proctab *pt, struct scry_thread *t, uint64_t ts);

/* procfs.c: a process or thread read from procfs into the table; NULL if it is gone. */
struct scry_proc *procfs_seed_proc(struct proctab *pt, uint32_t pid);
struct scry_thread *procfs_seed_thread(struct proctab *pt, struct scry_proc *p, uint32_t tid);

/* --- fdtab.c: the fd tables' entries, for their upkeep in fdops.c ---------------------------- */
struct fdtab {
	uint32_t refs;		/* processes holding it */
	struct hashmap *map;	/* fd -> struct scry_fd */
};
/* The entry for `fd`, emptied if it was there (an fd reused); NULL at a bound (counted). */
struct scry_fd *fdt_fd_new(struct fdtab *t, int64_t fd);
void fdt_fd_del(struct fdtab *t, int64_t fd);
void fdt_fd_free(struct scry_fd *f);
/* A copy of `src` as `fd` of `t` (dup, fork); close-on-exec is the fd's, not the file's. */
struct scry_fd *fdt_fd_copy(struct fdtab *t, int64_t fd, const struct scry_fd *src);
void fdt_set_name(struct scry_fd *f, const char *s, size_t n);
/* The process's table, made if it has none (NULL: out of memory). */
struct fdtab *fdt_tab_of(struct scry_proc *p);
/* The process's own table, copied first if shared (exec, unshare). */
struct fdtab *fdt_tab_own(struct scry_proc *p);
struct fdtab *fdt_tab_clone(const struct fdtab *src);
/* Close the fds `pred` picks, or mark them close-on-exec. */
void fdt_tab_sweep(struct fdtab *t, bool (*pred)(const struct scry_fd *f, const void *arg),
		   const void *arg, bool cloexec);
uint8_t fdt_type_of_kind(uint8_t kind);		/* enum scry_fd_kind -> enum scry_fd_type */
uint8_t fdt_type_of_family(uint64_t family);	/* AF_* -> enum scry_fd_type */
const char *fdt_anon_name(uint8_t type);	/* "anon_inode:[eventfd]", or NULL */

#endif /* SCRY_STATE_INTERNAL_H */
