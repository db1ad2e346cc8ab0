/* SPDX-License-Identifier: GPL-2.0 */
/*
 * issue 18: container lifecycle events (src/container/lifecycle.c).
 *
 * Live, the tracker turns the kernel's events into container records (SCRY_REC_CONTAINER):
 * created and removed from the cgroup control records (live.c injects them), started at the
 * first exec in a container, stopped when its last process exits (with its init's exit status),
 * oom after an OOM kill in it, and (asked for) procs when its number of processes changes. The
 * records go through the pipeline as any other, so filters, -j, views and captures see them; a
 * replay reads them from the capture and does not make them again.
 */
#ifndef SCRY_CTRLIFE_H
#define SCRY_CTRLIFE_H

#include <stdbool.h>
#include <stdint.h>

#include "scry/event.h"

struct scry_event;
struct scry_container;
struct proctab;
struct sbuf;
struct evt_arg;

/* Deliver a record the tracker made, as the container `c`'s. */
typedef void (*ctrlife_emit_fn)(void *ctx, const struct scry_rec_container *r,
				struct scry_container *c);

struct ctrlife;
struct ctrlife *ctrlife__new(struct proctab *procs, ctrlife_emit_fn emit, void *ctx);
void ctrlife__free(struct ctrlife *l);
/* Live: make records from the kernel's events (else only keep each container's life). */
void ctrlife__set_live(struct ctrlife *l, bool live);
/* Also a record each time a container's number of live processes changes. */
void ctrlife__set_procs(struct ctrlife *l, bool on);
/* Before `ev` (container `c`) is dispatched: true to drop it (a created or removed of no
 * container, or of a container's inner cgroup). May emit records first. */
bool ctrlife__before(struct ctrlife *l, const struct scry_event *ev, struct scry_container *c);
/* After `ev` is dispatched: keep the container's life, make the records it calls for. */
void ctrlife__after(struct ctrlife *l, const struct scry_event *ev, struct scry_container *c);

/* A created or removed record for cgroup `cgid` at the control record's time and CPU. */
void ctrlife_cgroup_rec(struct scry_rec_container *r, enum scry_ctr_action a, uint64_t cgid,
			const struct scry_hdr *ctl);

/* "created", "started", ... ("" for none or unknown). */
const char *ctr_action_name(unsigned int action);
/* The runtime's own word for the moment (Docker's events: start, die, oom), or NULL. */
const char *ctr_runtime_action(unsigned int runtime, unsigned int action);
/* Docker's ExitCode for a task->exit_code: the status, or 128 + the signal. */
static inline int ctr_exit_code(int32_t code)
{
	return code & 0x7f ? 128 + (code & 0x7f) : (code >> 8) & 0xff;
}

/* evt.info and evt.arg of a container event. */
void ctr_evt_info(const struct scry_event *ev, struct sbuf *b);
bool ctr_evt_arg(const struct scry_event *ev, unsigned int i, struct evt_arg *a, struct sbuf *b);
/* The names ctr_evt_arg gives, NULL-terminated (evt.arg's list of names). */
extern const char *const ctr_arg_names[];

#endif /* SCRY_CTRLIFE_H */
