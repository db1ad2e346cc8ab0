// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

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

int pipeline__record(struct pipeline *pl, const void *raw, uint32_t size)
{
	struct scry_event ev[2];
	int n, i;

	if (pl->status)
		return pl->status;
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

int pipeline__tick(struct pipeline *pl)
{
	int i;

	for (i = 0; i < pl->nsinks && !pl->status; i++)
		if (pl->sinks[i].ops->tick)
			set_status(pl, pl->sinks[i].ops->tick(pl->sinks[i].ctx, pl->last_ts));
	/* Exited tasks stay one second (event time) for their last switch-out to find them. */
	if (pl->procs)
		proctab__reap(pl->procs, pl->last_ts, 1000000000ULL);
	if (pl->containers) {
		containers__poll(pl->containers);
		containers__reap(pl->containers, pl->last_ts, 60000000000ULL);
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
