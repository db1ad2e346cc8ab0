/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process table: every thread and process scry knows, seeded from /proc at start and kept
 * by the fork/exec/exit/rename records, so that every event can name its process, parent,
 * executable and arguments, also for processes that started before scry.
 */
#ifndef SCRY_STATE_H
#define SCRY_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "scry/decode.h"

struct scry_proc {
	uint32_t pid, ppid, vpid;
	uint32_t uid, gid;
	uint64_t cgid;
	char comm[SCRY_COMM_LEN];
	char *exe;		/* as exec'd (or /proc/PID/exe when seeded); never NULL */
	char *args;		/* argv, NUL-separated, args_len bytes; never NULL */
	uint32_t args_len;
	uint64_t start_ts;	/* boot ns; 0 if it started before scry and /proc did not say */
	uint64_t cpu_ns;	/* on-CPU time charged while scry watched */
	uint32_t nthreads;
	int32_t exit_code;
	bool dead;
	uint64_t dead_ts;
	struct scry_container *container;	/* NULL: the host; owned by the registry */
	uint64_t ctr_cgid;	/* the cgroup `container` was found for */
	bool ctr_known;
	/* private to proctab: thread entries pointing here, and the list of replaced entries */
	uint32_t refs;
	struct scry_proc *zombie_next;
};

struct scry_thread {
	uint32_t tid, vtid;
	char comm[SCRY_COMM_LEN];
	struct scry_proc *proc;
	uint64_t enter_ts;	/* pending syscall enter, 0 if none */
	uint32_t enter_nr;
	uint64_t cpu_ns;
	bool dead;
	uint64_t dead_ts;
};

struct proctab;

/*
 * `procfs` is where to seed from and where to look up threads first seen in a record ("/proc"
 * live); NULL for replay, where the table comes from the capture alone.
 */
struct proctab *proctab__new(const char *procfs);
void proctab__free(struct proctab *pt);
/* Read every process and thread under procfs; returns the number of processes or -errno. */
int proctab__seed(struct proctab *pt);

/* Update the table from one decoded event and point ev->thread / ev->proc at its entries. */
void proctab__apply(struct proctab *pt, struct scry_event *ev);

struct scry_thread *proctab__thread(struct proctab *pt, uint32_t tid);
struct scry_proc *proctab__proc(struct proctab *pt, uint32_t pid);
/* Iterate processes: *pos = 0 to start; NULL at the end. */
struct scry_proc *proctab__next_proc(struct proctab *pt, size_t *pos);
size_t proctab__nprocs(struct proctab *pt);
/* Iterate threads (dead ones in their grace period included): *pos = 0 to start; NULL at the end. */
struct scry_thread *proctab__next_thread(struct proctab *pt, size_t *pos);

/*
 * Insert a process (from a capture's table, or a test). `args` holds args_len bytes.
 * Returns the entry or NULL on allocation failure.
 */
struct scry_proc *proctab__add_proc(struct proctab *pt, const struct scry_proc *tmpl,
				    const char *exe, const char *args, uint32_t args_len);
struct scry_thread *proctab__add_thread(struct proctab *pt, uint32_t tid, uint32_t vtid,
					const char *comm, struct scry_proc *p);

/* Free entries that died more than `grace_ns` before `now_ts` (event time). */
void proctab__reap(struct proctab *pt, uint64_t now_ts, uint64_t grace_ns);

/* Called when a process entry is about to be freed (container registry drops its reference). */
void proctab__on_free(struct proctab *pt, void (*fn)(void *ctx, struct scry_proc *p), void *ctx);

#endif /* SCRY_STATE_H */
