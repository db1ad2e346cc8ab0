// SPDX-License-Identifier: GPL-2.0
/*
 * A view as a pipeline sink: events feed the aggregator, and a table goes out at the end of each
 * interval of event time, or once at the end of the run with --interval 0. Intervals are cut by
 * the events' own timestamps, so a replay prints the same tables as the live run did.
 */
#include <stdlib.h>

#include "scry/sink.h"
#include "scry/state.h"
#include "scry/view.h"

/* Printing more empty tables than this after a gap (a capture set with holes) helps no one. */
#define MAX_EMPTY_INTERVALS 1000

struct view_sink {
	const struct view_desc *v;
	struct aggr *a;
	struct pipeline *pl;
	struct table_opts topts;
	uint64_t ival;		/* ns; 0: one table for the run */
	uint64_t bucket;	/* start of the current interval, 0 until the first event */
	struct obuf out;
};

static void render(struct view_sink *s, uint64_t start, uint64_t end)
{
	if (s->v->key == KEY_PS && s->pl->procs)
		aggr__from_proctab(s->a, s->pl->procs, s->pl->filter);
	else if (s->v->key == KEY_CONTAINER && s->pl->procs)
		aggr__count_procs(s->a, s->pl->procs);
	table__render(&s->out, s->v, s->a, &s->topts, start, end);
	obuf__flush(&s->out);
	aggr__reset(s->a);
}

static void start_at(struct view_sink *s, uint64_t ts)
{
	if (!s->bucket)
		s->bucket = s->pl->start_ts && s->pl->start_ts <= ts ? s->pl->start_ts : ts;
}

/* Close every interval that ended before `ts`. */
static int flush_until(struct view_sink *s, uint64_t ts)
{
	if (!s->ival || !s->bucket)
		return 0;
	if (ts >= s->bucket + s->ival * MAX_EMPTY_INTERVALS) {
		render(s, s->bucket, s->bucket + s->ival);
		s->bucket += (ts - s->bucket) / s->ival * s->ival;
	}
	while (ts >= s->bucket + s->ival) {
		render(s, s->bucket, s->bucket + s->ival);
		s->bucket += s->ival;
	}
	return s->out.broken ? SINK_DONE : 0;
}

static int view_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct view_sink *s = ctx;
	int rc;

	start_at(s, ev->ts);
	if (ev->ts >= s->bucket + s->ival && s->ival && (rc = flush_until(s, ev->ts)))
		return rc;
	aggr__event(s->a, ev);
	return 0;
}

static int view_tick(void *ctx, uint64_t ts)
{
	struct view_sink *s = ctx;

	return flush_until(s, ts);
}

static int view_finish(void *ctx)
{
	struct view_sink *s = ctx;
	uint64_t end = s->pl->last_ts;

	start_at(s, end ? end : 1);
	if (!s->ival)
		render(s, s->bucket, end > s->bucket ? end : s->bucket);
	else if (end > s->bucket)
		render(s, s->bucket, end);	/* the last, partial interval */
	obuf__flush(&s->out);
	return s->out.err;
}

static void view_free(void *ctx)
{
	struct view_sink *s = ctx;

	if (!s)
		return;
	aggr__free(s->a);
	free(s);
}

const struct sink_ops view_sink_ops = {
	.name = "view",
	.flags = SINK_HIDDEN,
	.event = view_event,
	.tick = view_tick,
	.finish = view_finish,
	.free = view_free,
};

void *view_sink__new(const struct view_sink_opts *o, struct pipeline *pl)
{
	struct view_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->v = o->view;
	s->pl = pl;
	s->a = aggr__new(o->view);
	if (!s->a) {
		free(s);
		return NULL;
	}
	s->topts.json = o->json;
	s->topts.top = o->top;
	s->ival = (uint64_t)(o->interval * 1e9);
	obuf__init(&s->out, o->fd);
	return s;
}
