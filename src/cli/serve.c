// SPDX-License-Identifier: GPL-2.0
/*
 * scry serve (issue 16): a live run whose one sink keeps Prometheus counters per container,
 * served over HTTP. It traces what the enabled metric groups need and nothing else: the groups
 * become view needs, and those choose the programs exactly as they do for -c views.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scry/cli.h"
#include "scry/container.h"
#include "scry/probe.h"
#include "scry/serve.h"
#include "scry/util.h"
#include "scry/view.h"
#include "run.h"

#define SERVE_LISTEN_DEFAULT "127.0.0.1:9780"
#define SERVE_EXPIRE_DEFAULT 300.0

struct serve_cmd {
	void *sink;
	struct serve_http *http;
	uint64_t *cpu_dropped;
	unsigned int ncpus;
};

static void on_attached(void *ctx, struct probe *p)
{
	struct serve_cmd *c = ctx;

	serve_http__ready(c->http);
	log_debug("serving: probes attached, /healthz says ok");
}

/* Health figures from the probe, for the sink's next snapshot. */
static void on_tick(void *ctx, struct probe *p)
{
	struct serve_cmd *c = ctx;
	struct serve_health h = {};
	struct probe_stats st;

	if (!c->cpu_dropped) {
		c->ncpus = probe__ncpus(p);
		c->cpu_dropped = calloc(c->ncpus, sizeof(*c->cpu_dropped));
		if (!c->cpu_dropped)
			return;
	}
	if (probe__stats(p, &st) || probe__cpu_dropped(p, c->cpu_dropped, c->ncpus))
		return;
	h.events = st.seen + st.ctl_seen;
	h.dropped = st.dropped;
	h.ctl_dropped = st.ctl_dropped;
	h.cpu_dropped = c->cpu_dropped;
	h.ncpus = c->ncpus;
	h.resolver_failures = containers__resolve_failures();
	probe__ring_fill(p, &h.ring_used, &h.ring_size);
	serve_sink__health(c->sink, &h);
}

static int node_name(const struct scry_opts *o, char *buf, size_t len)
{
	const char *env = getenv("NODE_NAME");

	if (o->node_name || (env && *env)) {
		snprintf(buf, len, "%s", o->node_name ? o->node_name : env);
		return 0;
	}
	if (gethostname(buf, len))
		return -errno;
	buf[len - 1] = '\0';
	return 0;
}

int cmd_serve(struct scry_opts *o)
{
	struct serve_sink_opts so = { .groups = SG_DEFAULT };
	struct serve_cmd c = {};
	struct view_desc sums = { .flags = VF_NET_SUMS };
	char bad[64], node[256];
	uint32_t needs;
	struct run r;
	int err;

	if (o->serve_metrics && serve_groups_parse(o->serve_metrics, &so.groups, bad, sizeof(bad))) {
		log_err("--metrics: unknown group '%s'; the groups are %s", bad, serve_group_names);
		return SCRY_EXIT_USAGE;
	}
	if ((err = node_name(o, node, sizeof(node)))) {
		log_err("cannot tell the node's name (%s): give it with --node-name", strerror(-err));
		return SCRY_EXIT_USAGE;
	}
	so.node = node;
	so.expire_ns = (uint64_t)((o->expire_secs ? o->expire_secs : SERVE_EXPIRE_DEFAULT) * 1e9);
	needs = serve_groups_needs(so.groups);
	c.http = serve_http__start(o->listen ? o->listen : SERVE_LISTEN_DEFAULT);
	if (!c.http)
		return errno == EINVAL ? SCRY_EXIT_USAGE : -EADDRINUSE;
	so.http = c.http;
	err = run__init(&r, o, RUN_LIVE);
	if (err)
		goto out;
	c.sink = serve_sink__new(&so, run__ctx(&r));
	err = run__add_sink(&r, &serve_sink_ops, c.sink);
	if (err)
		goto out;
	/* Counters per container from the kernel's records: no fd tables, no data copies. */
	pipeline__set_fds(r.pl, false);
	r.snaplen = 0;
	r.net_io = needs & NEED_NET;
	r.block = needs & NEED_BLOCK;
	r.no_cpu = !(needs & NEED_SCHED);
	r.no_acct = !(needs & NEED_ACCT);
	/* Socket bytes summed in the kernel unless the filter reads what a sum cannot answer. */
	sums.needs = needs;
	r.net_count = r.net_io && view_net_sums(&sums, pipeline__filter(r.pl));
	r.on_attached = on_attached;
	r.on_tick = on_tick;
	r.hook_ctx = &c;
	log_info("serving Prometheus metrics on http://%s/metrics (node \"%s\")",
		 o->listen ? o->listen : SERVE_LISTEN_DEFAULT, node);
	err = run__go(&r, needs & NEED_SYSCALLS ? SYSCALLS_EXITS : SYSCALLS_OFF);
out:
	run__fini(&r);
	serve_http__stop(c.http);
	free(c.cpu_dropped);
	return err;
}
