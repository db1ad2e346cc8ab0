// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"

int pipeline__add_sink(struct pipeline *pl, const struct sink_ops *ops, void *ctx)
{
	if (pl->nsinks == PIPELINE_MAX_SINKS)
		return -ENOSPC;
	pl->sinks[pl->nsinks].ops = ops;
	pl->sinks[pl->nsinks].ctx = ctx;
	pl->nsinks++;
	return 0;
}

static void set_status(struct pipeline *pl, int rc)
{
	if (rc && !pl->status)
		pl->status = rc;
}

/* The event's container, cached on its process for as long as the cgroup does not change. */
static void attribute(struct pipeline *pl, struct scry_event *ev)
{
	uint64_t cgid = ev->rec->h.cgid;
	struct scry_proc *p = ev->proc;
	struct scry_container *c;

	if (p && p->ctr_known && p->ctr_cgid == cgid) {
		c = p->container;
	} else {
		c = containers__of_cgroup(pl->containers, cgid, ev->ts);
		if (p)
			containers__bind(p, c, cgid);
	}
	if (c)
		c->last_ts = ev->ts;
	ev->container = c;
}

static void proc_freed(void *ctx, struct scry_proc *p)
{
	containers__unbind(p);
}

void pipeline__init(struct pipeline *pl)
{
	pl->want_enters = -1;
	if (pl->procs && pl->containers)
		proctab__on_free(pl->procs, proc_freed, NULL);
}

static void dispatch(struct pipeline *pl, struct scry_event *ev)
{
	bool hidden, matched;
	int i;

	if (pl->procs)
		proctab__apply(pl->procs, ev);
	if (pl->containers)
		attribute(pl, ev);
	hidden = evt_table[ev->type].hidden;
	if (!hidden)
		ev->num = ++pl->num;
	matched = filter__match(pl->filter, ev);
	for (i = 0; i < pl->nsinks && !pl->status; i++) {
		const struct sink_ops *ops = pl->sinks[i].ops;

		if (hidden && !(ops->flags & SINK_HIDDEN))
			continue;
		if (!matched && !(ops->flags & SINK_UNFILTERED))
			continue;
		set_status(pl, ops->event(pl->sinks[i].ctx, ev, matched));
	}
	if (matched && !hidden && ++pl->matched == pl->limit)
		set_status(pl, SINK_DONE);
}

/*
 * Names on every event: the records of a container first seen live wait here, in order, while
 * the resolver asks its runtime for the name (a few ms), and then go through the pipeline as if
 * they had just arrived. Other containers and the host are not delayed. A container whose runtime
 * does not answer within HOLD_MAX_NS, or more than HOLD_MAX_BYTES held in all, lets its records
 * through with the id as the name. Replays never hold: their names are known from the start.
 */
#define HOLD_MAX_NS 1000000000ULL
#define HOLD_MAX_BYTES (16u << 20)

struct held_rec {
	struct held_rec *next;
	uint32_t size;
	uint64_t data[];	/* 8-byte aligned, as records are in the ring */
};

struct hold {
	struct scry_container *ctr;
	struct held_rec *head, **tail;
	uint64_t since;		/* monotonic ns of the first held record */
};

/* A container's held records go through the pipeline, in order, and its hold ends. */
static void release_hold(struct pipeline *pl, struct hold *hl)
{
	struct held_rec *r, *next;

	hashmap__del(pl->held, (uintptr_t)hl->ctr);
	pl->releasing = true;
	for (r = hl->head; r; r = next) {
		next = r->next;
		pipeline__record(pl, r->data, r->size);
		pl->held_bytes -= r->size;
		free(r);
	}
	pl->releasing = false;
	if (hl->ctr->pins)
		hl->ctr->pins--;
	free(hl);
}

static bool hold(struct pipeline *pl, const void *raw, uint32_t size)
{
	const struct scry_hdr *h = raw;
	struct scry_container *c;
	struct held_rec *r;
	struct hold *hl;

	if (!pl->live || !pl->containers || pl->releasing || size < sizeof(*h))
		return false;
	/* Most records come in runs from one cgroup: skip the lookup for those. */
	if (pl->last_valid && pl->last_cgid == h->cgid) {
		c = pl->last_ctr;
	} else {
		c = containers__of_cgroup(pl->containers, h->cgid, h->ts);
		pl->last_cgid = h->cgid;
		pl->last_ctr = c;
		pl->last_valid = true;
	}
	if (!c || !c->pending)
		return false;
	hl = pl->held ? hashmap__find(pl->held, (uintptr_t)c) : NULL;
	/*
	 * Over the bound (or out of memory): this record goes on with the id for a name, and
	 * the container's earlier records go before it, so that nothing overtakes its past.
	 */
	if (pl->held_bytes + size > HOLD_MAX_BYTES || now_mono_ns() - c->asked_mono >= HOLD_MAX_NS)
		goto give_up;
	if (!pl->held && !(pl->held = hashmap__new(16)))
		return false;
	if (!hl) {
		hl = calloc(1, sizeof(*hl));
		if (!hl || hashmap__set(pl->held, (uintptr_t)c, hl)) {
			free(hl);
			return false;
		}
		hl->ctr = c;
		hl->tail = &hl->head;
		hl->since = now_mono_ns();
		c->pins++;	/* not reaped while its records wait */
	}
	r = malloc(sizeof(*r) + size);
	if (!r)
		goto give_up;
	r->next = NULL;
	r->size = size;
	memcpy(r->data, raw, size);
	*hl->tail = r;
	hl->tail = &r->next;
	pl->held_bytes += size;
	return true;
give_up:
	if (hl)
		release_hold(pl, hl);
	return false;
}

void pipeline__release(struct pipeline *pl, bool all)
{
	uint64_t now = now_mono_ns();
	size_t pos = 0;
	uint64_t key;
	void *v;

	if (pl->containers)
		containers__poll(pl->containers);
	if (!pl->held)
		return;
	while (hashmap__next(pl->held, &pos, &key, &v)) {
		struct hold *hl = v;

		if (!all && hl->ctr->pending && now - hl->since < HOLD_MAX_NS)
			continue;
		pos = pos ? pos - 1 : 0;	/* its slot is about to be freed */
		release_hold(pl, hl);
	}
	if (all) {
		hashmap__free(pl->held);
		pl->held = NULL;
	}
}

int pipeline__record(struct pipeline *pl, const void *raw, uint32_t size)
{
	struct scry_event ev[2];
	int n, i;

	if (pl->status)
		return pl->status;
	if (size >= SCRY_CTL_CGROUP_FIXED && (((const struct scry_hdr *)raw)->type == SCRY_CTL_CGROUP ||
					      ((const struct scry_hdr *)raw)->type == SCRY_CTL_CGROUP_RMDIR)) {
		const struct scry_ctl_cgroup *cg = raw;

		if (!pl->containers || cg->path_len > size - SCRY_CTL_CGROUP_FIXED)
			return 0;
		if (cg->h.type == SCRY_CTL_CGROUP)
			containers__cgroup_made(pl->containers, cg->id, cg->path, cg->path_len);
		else
			containers__cgroup_removed(pl->containers, cg->id);
		return 0;
	}
	if (hold(pl, raw, size))
		return 0;
	n = decode__record(raw, size, ev);
	if (n < 0) {
		pl->malformed++;
		return 0;
	}
	pl->records++;
	if (ev[n - 1].ts > pl->last_ts)
		pl->last_ts = ev[n - 1].ts;
	for (i = 0; i < n && !pl->status; i++)
		dispatch(pl, &ev[i]);
	return pl->status;
}

/*
 * How far behind the wall clock a live tick assumes the events may still be: records wait up to
 * a tick period in the per-CPU stages and up to a poll period in the ring.
 */
#define LIVE_LAG_NS 200000000ULL

int pipeline__tick(struct pipeline *pl)
{
	uint64_t ts = pl->last_ts;
	int i;

	if (pl->live) {
		uint64_t now = now_boot_ns();

		if (now > LIVE_LAG_NS && now - LIVE_LAG_NS > ts)
			ts = now - LIVE_LAG_NS;
	}
	for (i = 0; i < pl->nsinks && !pl->status; i++)
		if (pl->sinks[i].ops->tick)
			set_status(pl, pl->sinks[i].ops->tick(pl->sinks[i].ctx, ts));
	/* Exited tasks stay one second (event time) for their last switch-out to find them. */
	if (pl->procs)
		proctab__reap(pl->procs, pl->last_ts, 1000000000ULL);
	if (pl->containers) {
		containers__reap(pl->containers, pl->last_ts, 60000000000ULL);
		pl->last_valid = false;	/* the cached container may be gone */
	}
	return pl->status;
}

int pipeline__finish(struct pipeline *pl)
{
	int i, rc, first = 0;

	for (i = 0; i < pl->nsinks; i++) {
		if (!pl->sinks[i].ops->finish)
			continue;
		rc = pl->sinks[i].ops->finish(pl->sinks[i].ctx);
		if (rc < 0 && !first)
			first = rc;
	}
	return first;
}

void pipeline__free_sinks(struct pipeline *pl)
{
	int i;

	for (i = 0; i < pl->nsinks; i++)
		if (pl->sinks[i].ops->free)
			pl->sinks[i].ops->free(pl->sinks[i].ctx);
	pl->nsinks = 0;
}
