// SPDX-License-Identifier: GPL-2.0
/*
 * A view as a pipeline sink: events feed the view's intervals (intervals.c), and a table goes
 * out for each interval of event time once no event can change it any more, or once at the end
 * of the run with --interval 0. Intervals are cut by the events' own timestamps, so a replay
 * prints the same tables as the live run did. lscontainers is such a sink too, whose one table
 * comes at the end of the run.
 */
#include <limits.h>
#include <stdlib.h>

#include "scry/container.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/view.h"

struct view_sink {
	const struct view_desc *v;
	struct view_desc *bound;	/* v, when bound to a field here (view_bind) */
	struct intervals *iv;
	struct aggr *done;	/* the interval being rendered */
	const struct run_ctx *run;
	const struct filter *filter;	/* the run's, for KEY_PS */
	struct table_opts topts;
	bool started;
	bool rendered;
	struct obuf out;
};

static void render(struct view_sink *s, uint64_t start, uint64_t end)
{
	struct view_src src = { s->run->procs, s->run->containers, s->filter, s->run->socks, start,
				end };

	if (key_table[s->v->key].flags & KF_REGISTRY) {
		if (!src.containers)
			return;
		/* A list of names is the whole output: worth a short wait for those being fetched. */
		containers__settle(src.containers, 3000);
	}
	aggr__fill(s->done, &src);
	table__render(&s->out, s->v, s->done, &s->topts, start, end);
	obuf__flush(&s->out);
	s->rendered = true;
}

/* Every interval complete at `now` (every one, at the end), in order. */
static int flush_until(struct view_sink *s, uint64_t now, bool all)
{
	uint64_t start, end;

	while (!s->out.broken && intervals__take(s->iv, now, all, &s->done, &start, &end))
		render(s, start, end);
	return s->out.broken ? SINK_DONE : 0;
}


static int view_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct view_sink *s = ctx;
	int rc;

	/* Most events of a syscall-heavy stream mean nothing to a CPU view: one branch for them. */
	if (!view_counts(s->v, ev))
		return 0;
	if (!s->started) {
		if ((rc = intervals__start_run(s->iv, s->run, ev->ts)))
			return rc;
		s->started = true;
	}
	if (intervals__due(s->iv, ev->ts) && (rc = flush_until(s, ev->ts, false)))
		return rc;
	intervals__event(s->iv, ev);
	return 0;
}

static int view_tick(void *ctx, uint64_t ts)
{
	struct view_sink *s = ctx;

	return flush_until(s, ts, false);
}

static int view_finish(void *ctx)
{
	struct view_sink *s = ctx;
	uint64_t end = s->run->last_ts;

	intervals__start_run(s->iv, s->run, end);
	flush_until(s, end, true);
	if (!s->rendered) {
		/* Nothing happened that the view counts: still one (empty) table. */
		s->done = s->done ? s->done : aggr__new(s->v);
		if (s->done)
			render(s, end, end);
	}
	obuf__flush(&s->out);
	return s->out.err;
}

static void view_free(void *ctx)
{
	struct view_sink *s = ctx;

	if (!s)
		return;
	intervals__free(s->iv);
	aggr__free(s->done);
	free(s->bound);
	free(s);
}

const struct sink_ops view_sink_ops = SINK_OPS(view, "view", SINK_HIDDEN);

void *view_sink__new(const struct view_sink_opts *o, const struct run_ctx *run)
{
	struct view_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->v = o->view;
	if ((o->view->flags & VF_FIELD_ARG) &&
	    !(s->v = s->bound = view_bind_value(o->view, o->field, o->value, o->key_header))) {
		free(s);
		return NULL;
	}
	s->run = run;
	s->filter = o->filter;
	s->iv = intervals__new(s->v, (uint64_t)(o->interval * 1e9));
	if (!s->iv) {
		free(s->bound);
		free(s);
		return NULL;
	}
	s->topts.json = o->json;
	s->topts.top = o->top;
	obuf__init(&s->out, o->fd);
	return s;
}

void *lscontainers__new(const struct run_ctx *run, bool json, int fd)
{
	struct view_sink_opts o = {
		.view = view_lookup("lscontainers"), .top = UINT_MAX, .json = json, .fd = fd,
	};

	return view_sink__new(&o, run);
}
