// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scry/container.h"
#include "scry/ctrlife.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "reorder.h"

/* Sinks see `ctx` alone; the rest is the pipeline's own. */
struct pipeline {
	struct run_ctx ctx;
	struct filter *filter;		/* NULL: accept all */
	struct {
		const struct sink_ops *ops;
		void *ctx;
	} sinks[PIPELINE_MAX_SINKS];
	int nsinks;
	uint64_t limit;		/* -n: end after this many events matched the filter (0: none) */
	uint64_t num;		/* last evt.num given */
	uint64_t matched;	/* events that passed the filter */
	uint64_t prev_ts;	/* the last of them (evt.deltatime) */
	uint64_t records;	/* records decoded */
	uint64_t malformed;	/* records that failed to decode */
	int want_enters;	/* run_request_enters: 1, 0, or -1 (none made) */
	struct kfilter_req kreq;	/* the newest run_request_kfilter */
	uint32_t kreq_gen;		/* its number; 0: none made */
	/* Live: the reorder stage and the containers whose names it waits for. */
	struct reorder *order;
	struct hashmap *holds;
	uint64_t lag_ns;		/* how long records wait for older ones to arrive */
	uint64_t late_max_ns;
	uint64_t released_ts;		/* every event up to this time has been delivered */
	/* Live push-down: each record's cgroup and container, until the hook has judged it. */
	pipeline_cgroup_fn cg_hook;
	void *cg_ctx;
	uint64_t cg_last;		/* the last cgroup the hook judged */
	uint64_t last_cgid;		/* the container cache: the last record's cgroup */
	struct scry_container *last_ctr;
	bool last_valid;
	/* Count mode's sums waiting for their time (pipeline__sum), oldest first at `sum_head`. */
	struct pending_sum *sums;
	size_t nsums, sum_head, sums_cap;
	int status;		/* 0 running, SINK_DONE, or < 0 */
	bool no_fds;		/* the fd tables are not kept (no output reads them) */
	struct ctrlife *life;	/* issue 18: container lifecycle events (NULL: no registry) */
};

struct pending_sum {
	struct scry_net_key k;
	uint64_t bytes, calls, ts;
};

static void proc_freed(void *ctx, struct scry_proc *p)
{
	containers__unbind(p);
}

static int deliver(struct pipeline *pl, const void *raw, uint32_t size, struct scry_container *c,
		   bool known);

/* A container record the lifecycle tracker made: delivered right away, at its moment. */
static void life_emit(void *ctx, const struct scry_rec_container *r, struct scry_container *c)
{
	deliver(ctx, r, sizeof(*r), c, true);
}

struct pipeline *pipeline__new(struct proctab *procs, struct containers *containers)
{
	struct pipeline *pl = calloc(1, sizeof(*pl));

	if (!pl)
		return NULL;
	pl->ctx.procs = procs;
	pl->ctx.containers = containers;
	pl->ctx.owner = pl;
	pl->want_enters = -1;
	/* Without it, network events name no socket: a table full or out of memory says so. */
	pl->ctx.socks = socktab__new();
	/* issue 18 (ns18): out of memory, no zombies and no entered containers, nothing worse */
	pl->ctx.zombies = zombietab__new();
	pl->ctx.ns = containers ? nstab__new() : NULL;
	zombietab_current = pl->ctx.zombies;
	nstab_current = pl->ctx.ns;
	if (procs && containers)
		proctab__on_free(procs, proc_freed, NULL);
	if (containers && !(pl->life = ctrlife__new(procs, life_emit, pl))) {
		pipeline__free(pl);
		return NULL;
	}
	return pl;
}

void pipeline__ctr_procs(struct pipeline *pl, bool on)
{
	if (pl->life)
		ctrlife__set_procs(pl->life, on);
}

const struct run_ctx *pipeline__ctx(const struct pipeline *pl)
{
	return &pl->ctx;
}

void pipeline__set_filter(struct pipeline *pl, struct filter *f, uint64_t limit)
{
	filter__free(pl->filter);
	pl->filter = f;
	pl->limit = limit;
}

void pipeline__on_cgroup(struct pipeline *pl, pipeline_cgroup_fn fn, void *ctx)
{
	pl->cg_hook = fn;
	pl->cg_ctx = ctx;
	pl->cg_last = 0;
}

const struct filter *pipeline__filter(const struct pipeline *pl)
{
	return pl->filter;
}

void pipeline__begin(struct pipeline *pl, uint64_t start_ts, uint64_t slice_ns, bool live)
{
	pl->ctx.start_ts = start_ts;
	pl->ctx.slice_ns = slice_ns;
	pl->ctx.live = live;
	if (pl->life)
		ctrlife__set_live(pl->life, live);
}

/* The context is the first member of the pipeline: a sink's request reaches its owner. */
void run_request_enters(const struct run_ctx *ctx, bool on)
{
	/* A context not made by a pipeline (a test's) has nobody to ask. */
	if (ctx->owner)
		ctx->owner->want_enters = on;
}

_Static_assert(sizeof(((struct kfilter_req *)0)->id) >= CTR_ID_MAX, "a container id fits");

void run_request_kfilter(const struct run_ctx *ctx, const struct kfilter_req *req)
{
	struct pipeline *pl = ctx->owner;

	if (!pl || (pl->kreq_gen && !memcmp(&pl->kreq, req, sizeof(*req))))
		return;
	pl->kreq = *req;
	pl->kreq_gen++;
}

uint32_t pipeline__kfilter_wanted(const struct pipeline *pl, const struct kfilter_req **req)
{
	*req = &pl->kreq;
	return pl->kreq_gen;
}

void pipeline__kfilter_applied(struct pipeline *pl, uint64_t since)
{
	pl->ctx.kfilter_since = since;
}

int pipeline__enters_wanted(const struct pipeline *pl)
{
	return pl->want_enters;
}

int pipeline__status(const struct pipeline *pl)
{
	return pl->status;
}

uint64_t pipeline__malformed(const struct pipeline *pl)
{
	return pl->malformed;
}

int pipeline__add_sink(struct pipeline *pl, const struct sink_ops *ops, void *ctx)
{
	if (pl->nsinks == PIPELINE_MAX_SINKS) {
		if (ops->free)
			ops->free(ctx);
		return -ENOSPC;
	}
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

/*
 * The one place a record's cgroup becomes its container, behind the one cache: most records
 * come in runs from one cgroup. Live, it runs as the record enters the reorder stage (a new
 * container's name is asked for then, and its records held until it comes), and the container
 * travels through the stage with the record; a replay runs it at delivery. The cache is dropped
 * at every tick, when containers may be reaped; one waiting in the stage cannot be, as it was
 * seen less than a second before (containers__reap spares a minute).
 */
static struct scry_container *container_of(struct pipeline *pl, uint64_t cgid, uint64_t ts)
{
	if (!pl->last_valid || pl->last_cgid != cgid) {
		pl->last_ctr = containers__of_cgroup(pl->ctx.containers, cgid, ts);
		pl->last_cgid = cgid;
		pl->last_valid = true;
	} else if (pl->last_ctr && ts > pl->last_ctr->last_ts) {
		pl->last_ctr->last_ts = ts;	/* seen now: not reaped while this record waits */
	}
	return pl->last_ctr;
}

/*
 * The event's container, and its process's while the cgroup does not change. A block
 * completion's cgroup is the request's, which is not always its submitter's (writeback on v2):
 * the process keeps its own.
 */
static void attribute(struct scry_event *ev, struct scry_container *c)
{
	struct scry_proc *p = ev->proc;
	uint64_t cgid = ev->rec->h.cgid;

	if (evt_table[ev->type].flags & EVF_BLOCK)
		p = NULL;
	if (p && (!p->ctr_known || p->ctr_cgid != cgid || p->container != c))
		containers__bind(p, c, cgid);
	if (c && ev->ts > c->last_ts)
		c->last_ts = ev->ts;
	ev->container = c;
}

static void dispatch(struct pipeline *pl, struct scry_event *ev, struct scry_container *c)
{
	bool hidden, matched;
	int i;

	if (pl->ctx.procs) {
		proctab__apply(pl->ctx.procs, ev);
		if (!pl->no_fds)
			fdtab__apply(pl->ctx.procs, ev);
	}
	/* A sum names no socket. */
	if (pl->ctx.socks && (evt_table[ev->type].flags & EVF_NET) && !ev->sum_calls)
		socktab__apply(pl->ctx.socks, ev);
	if (pl->ctx.containers)
		attribute(ev, c);
	/* issue 18 (ns18): entered containers first, so that a zombie knows its cgroup's */
	if (pl->ctx.ns)
		nstab__apply(pl->ctx.ns, pl->ctx.procs, ev);
	if (pl->ctx.zombies)
		zombietab__apply(pl->ctx.zombies, pl->ctx.procs, ev);
	/* sysdig's process categories (health probes) follow forks and execs, live and replayed */
	if (pl->ctx.procs && ev->proc && (ev->type == SCRY_REC_EXEC ||
	    (ev->type == SCRY_REC_FORK && !(ev->rec->fork.fork_flags & SCRY_FORK_THREAD))))
		ctr_cat__judge(pl->ctx.procs, ev->proc);
	/*
	 * Live, the recording begins once every CPU's time is accounted (live.c): what came before
	 * keeps the state true, and goes to no sink, so that a capture replays as the run showed.
	 */
	if (pl->ctx.live && ev->ts < pl->ctx.start_ts)
		goto after;
	hidden = evt_table[ev->type].hidden || ev->quiet;
	if (!hidden)
		ev->num = ++pl->num;
	/*
	 * evt.deltatime is from the previous line, as sysdig's: the previous event the filter
	 * passed, so that a capture written with a filter replays with the same deltas.
	 */
	ev->start_ts = pl->ctx.start_ts;
	ev->prev_ts = pl->prev_ts;
	matched = filter__match(pl->filter, ev);
	if (matched && !hidden)
		pl->prev_ts = ev->ts;
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
after:
	/* A close's line still names the fd it closes: the entry goes once every sink saw it. */
	if (pl->ctx.procs && !pl->no_fds)
		fdtab__after(pl->ctx.procs, ev);
}

void pipeline__set_fds(struct pipeline *pl, bool on)
{
	pl->no_fds = !on;
}

bool pipeline__fds(const struct pipeline *pl)
{
	return !pl->no_fds;
}

/*
 * Decode one record and hand its events to the state layer, the filter and the sinks; `c` is
 * its container when already known (`known`).
 */
static int deliver(struct pipeline *pl, const void *raw, uint32_t size, struct scry_container *c,
		   bool known)
{
	struct scry_event ev[2];
	int n, i;

	n = decode__record(raw, size, ev);
	if (n < 0) {
		pl->malformed++;
		return 0;
	}
	pl->records++;
	if (ev[n - 1].ts > pl->ctx.last_ts)
		pl->ctx.last_ts = ev[n - 1].ts;
	if (pl->ctx.containers && !known)
		c = container_of(pl, ev[0].rec->h.cgid, ev[0].ts);
	/* a second task's container (a signal's sender): rare, so no cache of its own */
	if (pl->ctx.containers && evt_peer(&ev[0]))
		ev[0].peer_container = containers__of_cgroup(pl->ctx.containers,
							     evt_peer(&ev[0])->cgid, ev[0].ts);
	if (pl->cg_hook && ev[0].rec->h.cgid != pl->cg_last &&
	    pl->cg_hook(pl->cg_ctx, ev[0].rec->h.cgid, c))
		pl->cg_last = ev[0].rec->h.cgid;
	for (i = 0; i < n && !pl->status; i++) {
		if (pl->life && ctrlife__before(pl->life, &ev[i], c))
			continue;
		dispatch(pl, &ev[i], c);
		if (pl->life)
			ctrlife__after(pl->life, &ev[i], c);
	}
	return pl->status;
}

/* The next record out of the stage, delivered with the container found as it went in. */
static void deliver_popped(struct pipeline *pl, const void *rec, uint32_t size)
{
	deliver(pl, rec, size, reorder__popped_tag(pl->order), true);
}

/*
 * Live, records wait in the reorder stage (reorder.h) until every older record has arrived, and
 * leave in time order. The same stage gives every event its container's name: while the
 * resolver asks a new container's runtime for it (a few ms), nothing from that container's first
 * record on leaves, and so, time order oblige, nothing after it either. A runtime that does not
 * answer within HOLD_MAX_NS, or more than ORDER_MAX_BYTES waiting, ends the wait: the records go
 * on with the id as the name. Replays need neither: their records come in order and their names
 * are known from the start.
 */
#define HOLD_MAX_NS 1000000000ULL
#define ORDER_MAX_BYTES (64u << 20)
/* The most the release may trail the clock, whatever late records suggest. */
#define LAG_MAX_NS 1000000000ULL

struct hold {
	struct scry_container *ctr;	/* pinned while it holds */
	uint64_t first;			/* its oldest record waiting */
};

int pipeline__order(struct pipeline *pl, unsigned int ncpus, uint64_t lag_ns)
{
	pl->order = reorder__new(ncpus);
	pl->holds = hashmap__new(16);
	if (!pl->order || !pl->holds)
		return -ENOMEM;
	pl->lag_ns = lag_ns;
	return 0;
}

static void hold_end(struct pipeline *pl, struct hold *hl)
{
	hashmap__del(pl->holds, (uintptr_t)hl->ctr);
	if (hl->ctr->pins)
		hl->ctr->pins--;
	free(hl);
}

/* A record of a container whose name is on its way: it and all that follows wait for it. */
static void hold(struct pipeline *pl, struct scry_container *c, const void *raw, uint32_t size)
{
	uint64_t key = rec_first_ts(raw, size);
	struct hold *hl;

	if (!c || !c->pending || now_mono_ns() - c->asked_mono >= HOLD_MAX_NS)
		return;
	hl = hashmap__find(pl->holds, (uintptr_t)c);
	if (hl) {
		if (key < hl->first)
			hl->first = key;
		return;
	}
	hl = malloc(sizeof(*hl));
	if (!hl || hashmap__set(pl->holds, (uintptr_t)c, hl)) {
		free(hl);	/* out of memory: this one goes by its id */
		return;
	}
	hl->ctr = c;
	hl->first = key;
	c->pins++;	/* not reaped while its records wait */
}

/* The time before which records may leave: the holds' oldest records stay. */
static uint64_t holds_barrier(struct pipeline *pl, bool give_up)
{
	uint64_t now = now_mono_ns(), barrier = UINT64_MAX;
	size_t pos = 0;
	void *v;

	while (hashmap__next(pl->holds, &pos, NULL, &v)) {
		struct hold *hl = v;

		if (give_up || !hl->ctr->pending || now - hl->ctr->asked_mono >= HOLD_MAX_NS) {
			hold_end(pl, hl);
			pos = pos ? pos - 1 : 0;	/* backward shift may have moved an entry here */
			continue;
		}
		if (hl->first < barrier)
			barrier = hl->first;
	}
	return barrier;
}

/* Records that came late once say how long the release must wait: up to LAG_MAX_NS. */
static void adapt_lag(struct pipeline *pl)
{
	struct reorder_stats st;
	uint64_t want;

	reorder__stats(pl->order, &st);
	if (st.late_max_ns <= pl->late_max_ns)
		return;
	pl->late_max_ns = st.late_max_ns;
	want = st.late_max_ns * 2 + 1000000;
	if (want > pl->lag_ns) {
		pl->lag_ns = want < LAG_MAX_NS ? want : LAG_MAX_NS;
		log_debug("records came up to %.3f ms late: events now wait %.1f ms for their order",
			  st.late_max_ns / 1e6, pl->lag_ns / 1e6);
	}
}

int pipeline__sum(struct pipeline *pl, const struct scry_net_key *k, uint64_t bytes,
		  uint64_t calls, uint64_t ts)
{
	struct pending_sum *s;

	if (pl->nsums == pl->sums_cap) {
		size_t cap = pl->sums_cap ? 2 * pl->sums_cap : 64;

		s = realloc(pl->sums, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		pl->sums = s;
		pl->sums_cap = cap;
	}
	s = &pl->sums[pl->nsums++];
	s->k = *k;
	s->bytes = bytes;
	s->calls = calls;
	s->ts = ts;
	return 0;
}

/*
 * A sum as the sockio event of its key's process: the filter and the views read it as they
 * would each of its calls (the fields a sum cannot answer keep a run on records: commands.c).
 */
static void deliver_sum(struct pipeline *pl, const struct pending_sum *s)
{
	union scry_rec rec;
	struct scry_rec_sock_io *r = &rec.sio;
	struct scry_thread *t = pl->ctx.procs ? proctab__thread(pl->ctx.procs, s->k.tgid) : NULL;
	struct scry_proc *p = pl->ctx.procs ? proctab__proc(pl->ctx.procs, s->k.tgid) : NULL;
	struct scry_event ev[2];

	memset(r, 0, sizeof(*r));
	r->h.type = SCRY_REC_SOCK_IO;
	r->h.size = sizeof(*r);
	r->h.pid = r->h.tid = s->k.tgid;
	r->h.cgid = s->k.cgid;
	r->h.ts = s->ts;
	/* The leader's own name, so that the process table sees no rename in it. */
	if (t || p)
		memcpy(r->h.comm, t ? t->comm : p->comm, SCRY_COMM_LEN);
	r->bytes = s->bytes > UINT32_MAX ? UINT32_MAX : s->bytes;
	r->family = s->k.family;
	r->protocol = s->k.protocol;
	r->sktype = s->k.sktype;
	r->dir = s->k.dir;
	if (decode__record(r, sizeof(*r), ev) != 1) {
		pl->malformed++;
		return;
	}
	ev[0].sum_calls = s->calls;
	ev[0].sum_bytes = s->bytes;
	if (ev[0].ts > pl->ctx.last_ts)
		pl->ctx.last_ts = ev[0].ts;
	dispatch(pl, &ev[0], pl->ctx.containers ? container_of(pl, s->k.cgid, s->ts) : NULL);
}

/* Records up to `upto` and the sums among them, in time order. */
static void release_upto(struct pipeline *pl, uint64_t upto)
{
	const void *rec;
	uint32_t size;

	while (!pl->status && pl->sum_head < pl->nsums && pl->sums[pl->sum_head].ts <= upto) {
		uint64_t ts = pl->sums[pl->sum_head].ts;

		while (!pl->status && reorder__pop(pl->order, ts, &rec, &size))
			deliver_popped(pl, rec, size);
		if (!pl->status)
			deliver_sum(pl, &pl->sums[pl->sum_head++]);
	}
	if (pl->sum_head == pl->nsums)
		pl->sum_head = pl->nsums = 0;
	while (!pl->status && reorder__pop(pl->order, upto, &rec, &size))
		deliver_popped(pl, rec, size);
}

void pipeline__release(struct pipeline *pl, uint64_t arrived)
{
	struct reorder_stats st;
	uint64_t upto;
	const void *rec;
	uint32_t size;

	if (pl->ctx.containers)
		containers__poll(pl->ctx.containers);
	if (!pl->order)
		return;
	reorder__stats(pl->order, &st);
	if (st.bytes > ORDER_MAX_BYTES) {
		/* Too much waiting (a runtime slow to answer under a flood): let the oldest go. */
		static bool said;

		log_warn_once(&said, "more than %u MiB of events waited for container names: "
			      "some events show container ids instead of names", ORDER_MAX_BYTES >> 20);
		holds_barrier(pl, true);
		while (!pl->status && st.bytes > ORDER_MAX_BYTES / 2 &&
		       reorder__pop(pl->order, UINT64_MAX, &rec, &size)) {
			deliver_popped(pl, rec, size);
			reorder__stats(pl->order, &st);
		}
	}
	upto = arrived == PIPELINE_ALL ? PIPELINE_ALL : arrived > pl->lag_ns ? arrived - pl->lag_ns : 0;
	if (arrived != PIPELINE_ALL) {
		uint64_t barrier = holds_barrier(pl, false);

		if (barrier <= upto)
			upto = barrier ? barrier - 1 : 0;
	}
	release_upto(pl, upto);
	if (upto != PIPELINE_ALL && upto > pl->released_ts)
		pl->released_ts = upto;
	adapt_lag(pl);
}

void pipeline__order_stats(const struct pipeline *pl, struct reorder_stats *st)
{
	if (pl->order)
		reorder__stats(pl->order, st);
	else
		memset(st, 0, sizeof(*st));
}

void pipeline__free(struct pipeline *pl)
{
	size_t pos = 0;
	void *v;
	int i;

	if (!pl)
		return;
	for (i = 0; i < pl->nsinks; i++)
		if (pl->sinks[i].ops->free)
			pl->sinks[i].ops->free(pl->sinks[i].ctx);
	filter__free(pl->filter);
	while (pl->holds && hashmap__next(pl->holds, &pos, NULL, &v)) {
		hold_end(pl, v);
		pos = pos ? pos - 1 : 0;
	}
	hashmap__free(pl->holds);
	reorder__free(pl->order);
	ctrlife__free(pl->life);
	free(pl->sums);
	socktab__free(pl->ctx.socks);
	zombietab__free(pl->ctx.zombies);
	nstab__free(pl->ctx.ns);
	free(pl);
}

int pipeline__record(struct pipeline *pl, const void *raw, uint32_t size)
{
	const struct scry_hdr *h = raw;
	struct scry_container *c;

	if (pl->status)
		return pl->status;
	if (!pl->order || size < sizeof(*h) || h->size != size)
		return deliver(pl, raw, size, NULL, false);
	c = pl->ctx.containers ? container_of(pl, h->cgid, h->ts) : NULL;
	hold(pl, c, raw, size);
	if (!reorder__push_tagged(pl->order, raw, size, c))
		return 0;
	/* Out of memory: this record goes now, out of order rather than lost. */
	return deliver(pl, raw, size, c, true);
}

int pipeline__tick(struct pipeline *pl)
{
	/* Live, every event before the release point has been delivered: intervals may close. */
	uint64_t ts = pl->released_ts > pl->ctx.last_ts ? pl->released_ts : pl->ctx.last_ts;
	int i;

	for (i = 0; i < pl->nsinks && !pl->status; i++)
		if (pl->sinks[i].ops->tick)
			set_status(pl, pl->sinks[i].ops->tick(pl->sinks[i].ctx, ts));
	/* Exited tasks stay one second (event time) for their last switch-out to find them. */
	if (pl->ctx.procs)
		proctab__reap(pl->ctx.procs, pl->ctx.last_ts, 1000000000ULL);
	if (pl->ctx.socks)
		socktab__reap(pl->ctx.socks, pl->ctx.last_ts);
	if (pl->ctx.containers) {
		containers__reap(pl->ctx.containers, pl->ctx.last_ts, 60000000000ULL);
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
