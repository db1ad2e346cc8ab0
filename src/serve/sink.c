// SPDX-License-Identifier: GPL-2.0
/*
 * scry serve's pipeline sink: the view machinery counts (a KEY_CONTAINER view whose needs are
 * the enabled groups', cut in one-second intervals of event time so that CPU slices are split
 * exactly as topcontainers_cpu splits them), and each completed interval is added to the store's
 * counters. Once a second the store is copied into a snapshot for the HTTP thread: the consumer
 * never formats text and never waits for a scrape.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scry/container.h"
#include "scry/serve.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"
#include "scry/view.h"

#define SERVE_INTERVAL_NS 1000000000ULL
#define PUBLISH_NS 1000000000ULL

static const uint8_t serve_figures[] = { FIG_CPU_NS, FIG__MAX };

struct serve_sink {
	const struct run_ctx *run;
	uint32_t groups;
	struct view_desc v;
	struct intervals *iv;
	struct aggr *done;
	struct serve_store *st;
	struct serve_http *http;
	/* container (pointer) -> store row, for the per-event counts; emptied at each interval,
	 * before a container the registry freed could be another one at the same address */
	struct hashmap *cache;
	struct serve_health h;
	uint64_t *cpu_dropped;
	bool started;
	uint64_t last_publish;
};

/* A fresh cache (out of memory: none, and rows are looked up by id each time). */
static void cache_reset(struct serve_sink *s)
{
	hashmap__free(s->cache);
	s->cache = hashmap__new(64);
}

static struct serve_ctr_row *row_of(struct serve_sink *s, const struct scry_container *c)
{
	uint64_t key = (uintptr_t)c;
	struct serve_ctr_row *r = s->cache ? hashmap__find(s->cache, key) : NULL;
	struct serve_labels l = { .id = "host", .name = "host", .image = "", .pod = "", .ns = "" };

	/* The address of a container the registry freed may be another's within the second. */
	if (r && !strcmp(serve_store__row_id(r), c ? c->id : "host"))
		return r;
	r = serve_store__row(s->st, c ? c->id : "host");
	if (!r)
		return NULL;
	if (c) {
		l.id = c->id;
		l.name = ctr_name(c);
		l.image = c->meta.image;
		l.pod = c->meta.pod_name;
		l.ns = c->meta.pod_ns;
	}
	serve_store__set_labels(r, &l);
	if (s->cache)
		hashmap__set(s->cache, key, r);
	return r;
}

/* A completed interval's rows, added to the counters. */
static void take(struct serve_sink *s, uint64_t start, uint64_t end)
{
	struct view_src src = { s->run->procs, s->run->containers, NULL, s->run->socks, start, end };
	uint64_t now = now_mono_ns();
	struct view_row **rows;
	size_t n, i;

	aggr__fill(s->done, &src);
	rows = aggr__sorted(s->done, FIG__MAX, &n);
	cache_reset(s);
	serve_store__tick(s->st, now);
	for (i = 0; i < n; i++) {
		const struct view_row *vr = rows[i];
		struct serve_ctr_row *r = row_of(s, vr->container);

		if (!r)
			continue;
		serve_store__seen(r, now);
		serve_store__add(r, SC_CPU_NS, vr->cpu_ns);
		serve_store__add(r, SC_WAIT_NS, vr->sched.wait_ns);
		serve_store__add(r, SC_SYSCALLS, vr->syscalls);
		serve_store__add(r, SC_ERRORS, vr->errors);
		serve_store__add(r, SC_FILE_READ, vr->read);
		serve_store__add(r, SC_FILE_WRITE, vr->written);
		serve_store__add(r, SC_NET_IN, vr->net_in);
		serve_store__add(r, SC_NET_OUT, vr->net_out);
		serve_store__add(r, SC_RETRANS, vr->retrans);
		serve_store__add(r, SC_BLK_READ, vr->blk_rd);
		serve_store__add(r, SC_BLK_WRITE, vr->blk_wr);
		serve_store__add(r, SC_OOM_KILLS, vr->oom_kills);
		if (!vr->container)
			continue;
		if (vr->cg_have & CGS_HAVE(CGS_CPU_THROTTLED))
			serve_store__set(r, SC_THR_PERIODS, vr->cg[CGS_CPU_THROTTLED]);
		if (vr->cg_have & CGS_HAVE(CGS_CPU_THROTTLED_NS))
			serve_store__set(r, SC_THR_NS, vr->cg[CGS_CPU_THROTTLED_NS]);
		if ((vr->cg_have & CGS_HAVE(CGS_MEM_USAGE)) &&
		    (vr->cg_have & CGS_HAVE(CGS_MEM_INACTIVE_FILE)))
			serve_store__set(r, SC_MEM_WSET, vr->mem_wset);
	}
}

static int flush_until(struct serve_sink *s, uint64_t now, bool all)
{
	uint64_t start, end;

	while (intervals__take(s->iv, now, all, &s->done, &start, &end))
		take(s, start, end);
	return 0;
}

/* The per-event counts: TCP connections by direction, and the opt-in breakdowns. */
static void count_event(struct serve_sink *s, const struct scry_event *ev)
{
	struct serve_ctr_row *r;
	const struct scry_proc *p = ev->proc;

	if (ev->type == SCRY_REC_SOCK_STATE) {
		uint8_t from = ev->rec->sock.oldstate;

		/* ESTABLISHED from SYN_SENT: connected; from SYN_RECV: accepted */
		if (!(s->groups & SG_NET) || ev->rec->sock.newstate != 1 || (from != 2 && from != 3))
			return;
		if ((r = row_of(s, ev->container)))
			serve_store__add(r, from == 2 ? SC_CONN_OUT : SC_CONN_IN, 1);
		return;
	}
	if (!(s->groups & (SG_BY_SYSCALL | SG_BY_PROCESS)))
		return;
	if (ev->type == SCRY_REC_SYS_EXIT) {
		bool failed = ev->res < 0 && ev->res >= -4095;

		if (!(r = row_of(s, ev->container)))
			return;
		if (s->groups & SG_BY_SYSCALL)
			serve_store__syscall(s->st, r, ev->nr, 1, failed);
		if ((s->groups & SG_BY_PROCESS) && p)
			serve_store__proc(s->st, r, p->pid, p->comm, 0, 1);
	} else if ((evt_table[ev->type].flags & EVF_CPU) && (s->groups & SG_BY_PROCESS) && p &&
		   ev->runtime_ns) {
		if ((r = row_of(s, ev->container)))
			serve_store__proc(s->st, r, p->pid, p->comm, ev->runtime_ns, 0);
	}
}

static int serve_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct serve_sink *s = ctx;
	int rc;

	count_event(s, ev);
	if (!view_counts(&s->v, ev))
		return 0;
	if (!s->started) {
		if ((rc = intervals__start_run(s->iv, s->run, ev->ts)))
			return rc;
		s->started = true;
	}
	if (intervals__due(s->iv, ev->ts))
		flush_until(s, ev->ts, false);
	intervals__event(s->iv, ev);
	return 0;
}

static void publish(struct serve_sink *s)
{
	struct serve_snapshot *sn;
	uint64_t now = now_mono_ns();

	s->h.expired += serve_store__expire(s->st, now);
	cache_reset(s);	/* rows may have gone */
	sn = serve_store__snapshot(s->st, &s->h);
	if (!sn)
		return;		/* out of memory: the previous snapshot stays */
	serve_http__publish(s->http, sn);
	serve_snapshot__put(sn);
	s->last_publish = now;
}

static int serve_tick(void *ctx, uint64_t ts)
{
	struct serve_sink *s = ctx;

	/* A configuration that counts nothing per event (cgroup files only) starts here. */
	if (!s->started && ts && !intervals__start_run(s->iv, s->run, ts))
		s->started = true;
	if (s->started)
		flush_until(s, ts, false);
	if (now_mono_ns() - s->last_publish >= PUBLISH_NS)
		publish(s);
	return 0;
}

static int serve_finish(void *ctx)
{
	return 0;
}

static void serve_free(void *ctx)
{
	struct serve_sink *s = ctx;

	if (!s)
		return;
	intervals__free(s->iv);
	aggr__free(s->done);
	serve_store__free(s->st);
	hashmap__free(s->cache);
	free(s->cpu_dropped);
	free(s);
}

const struct sink_ops serve_sink_ops = SINK_OPS(serve, "serve", SINK_HIDDEN);

void serve_sink__health(void *sink, const struct serve_health *h)
{
	struct serve_sink *s = sink;
	uint64_t expired = s->h.expired, *cpu = s->cpu_dropped;

	if (h->ncpus > s->h.ncpus) {
		cpu = realloc(s->cpu_dropped, h->ncpus * sizeof(*cpu));
		if (!cpu)
			return;
		s->cpu_dropped = cpu;
	}
	s->h = *h;
	s->h.expired = expired;
	s->h.cpu_dropped = s->cpu_dropped;
	memcpy(s->cpu_dropped, h->cpu_dropped, h->ncpus * sizeof(*cpu));
}

void *serve_sink__new(const struct serve_sink_opts *o, const struct run_ctx *run)
{
	struct serve_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->run = run;
	s->groups = o->groups;
	s->http = o->http;
	s->v.name = "serve";
	s->v.desc = "scry serve's counters per container";
	s->v.key = KEY_CONTAINER;
	s->v.figures = serve_figures;
	s->v.sort = FIG__MAX;
	s->v.needs = serve_groups_needs(o->groups);
	s->iv = intervals__new(&s->v, SERVE_INTERVAL_NS);
	s->st = serve_store__new(o->groups, o->expire_ns, o->node);
	s->cache = hashmap__new(64);
	if (!s->iv || !s->st || !s->cache) {
		serve_free(s);
		return NULL;
	}
	/* An empty snapshot at once: /metrics answers (health only) from the start. */
	publish(s);
	return s;
}
