// SPDX-License-Identifier: GPL-2.0
/*
 * The live run's filter push-down: the filter's in-kernel part (src/filter/pushdown.c) installed
 * in the programs, and cgroups judged one by one as their records reach the consumer.
 *
 * Cgroups are left out, never let in: a cgroup the kernel has not been told about sends its
 * syscalls, so a container that starts after scry loses nothing while its runtime is asked for
 * its name; once its records are delivered with the name (the pipeline holds them until then),
 * the filter says whether any event in it can match, and if none can, its syscalls stop at the
 * kernel from then on. A cgroup removed is forgotten, so the sets stay as large as the host's
 * live cgroups.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/probe.h"
#include "scry/util.h"
#include "run.h"

/* What the judged-cgroups map holds per cgroup. */
#define JUDGED_IN ((void *)1)	/* may match: its syscalls come */
#define JUDGED_OUT ((void *)2)	/* cannot: left out in the kernel */
/*
 * Removed: its last records may still wait in the pipeline, and must not put it back in the
 * kernel's set. Tombstones go in a sweep once there are many (a record of a cgroup removed that
 * long ago would at worst leave one dead id in the set).
 */
#define JUDGED_GONE ((void *)3)
#define GONE_SWEEP 4096

struct live_pd {
	struct probe *probe;
	struct pipeline *pl;
	const struct filter *filter;
	struct filter *own;		/* a sink's request's, compiled here */
	const struct kfilter_req *req;	/* a sink's request (its container, if drilled): &kreq */
	struct kfilter_req kreq;	/* a copy: the sink may make a newer one meanwhile */
	struct pushdown pd;
	struct hashmap *judged;		/* cgroup id -> JUDGED_* */
	uint64_t out;			/* cgroups left out now */
	uint64_t gone;			/* tombstones */
	bool full_said;
};

/* The pipeline's hook: judge a cgroup once its container is known for good. */
static bool judge(void *ctx, uint64_t cgid, const struct scry_container *c)
{
	struct live_pd *l = ctx;
	void *v = hashmap__find(l->judged, cgid);
	bool in;
	int err;

	if (v || !cgid)
		return true;
	/*
	 * Only a name from the runtime is final: until its runtime answers (or if it never does,
	 * when the name stays the short id), the cgroup's events go to scry, which judges them.
	 */
	if (c && !c->resolved)
		return !c->pending && !c->unasked;	/* no answer will come: no need to ask again */
	in = filter__may_match_container(l->filter, c);
	if (l->req && l->req->drilled)
		in = in && (l->req->host ? !c : c && !strcmp(c->id, l->req->id));
	if (!in && l->out >= SCRY_PD_CGROUPS_MAX) {
		log_warn_once(&l->full_said, "more than %u cgroups cannot match the filter: the "
			      "others' syscalls are judged in scry", SCRY_PD_CGROUPS_MAX);
		in = true;
	} else if (!in && (err = probe__pd_cgroup(l->probe, cgid, true))) {
		log_debug("cannot leave cgroup %llu out in the kernel (%s)",
			  (unsigned long long)cgid, strerror(-err));
		in = true;
	}
	if (hashmap__set(l->judged, cgid, in ? JUDGED_IN : JUDGED_OUT)) {
		if (!in)
			probe__pd_cgroup(l->probe, cgid, false);	/* cannot remember it */
		return false;
	}
	if (!in) {
		l->out++;
		log_debug("cgroup %llu (%s) cannot match the filter: left out in the kernel",
			  (unsigned long long)cgid, c ? ctr_name(c) : "host");
	}
	return true;
}

/*
 * The run's FILTER, or a sink's newest request (run_request_kfilter: scry top's screen), which
 * the live loop applies by making a new one in place of the old.
 */
struct live_pd *live_pd__new(struct run *r, struct probe *p)
{
	const struct kfilter_req *req;
	struct live_pd *l;
	char desc[512];
	int err;

	if (r->o->no_kernel_filter || r->no_pushdown)
		return NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->probe = p;
	l->pl = r->pl;
	if (pipeline__kfilter_wanted(r->pl, &req)) {
		l->kreq = *req;
		l->req = req = &l->kreq;
		l->own = filter__compile(req->text, desc, sizeof(desc));
		l->filter = l->own;
		if (!l->own)
			goto none;
	} else if (!(l->filter = pipeline__filter(r->pl))) {
		goto none;
	}
	if (filter__pushdown(l->filter, &l->pd))
		goto none;
	if (l->req && l->req->drilled)
		l->pd.on |= SCRY_PD_CGROUP;
	if (!l->pd.on)
		goto none;
	l->judged = hashmap__new(64);
	if (!l->judged)
		goto none;
	err = probe__pushdown(p, &l->pd);
	if (err) {
		log_debug("the filter stays in scry: the kernel's part could not be set (%s)",
			  strerror(-err));
		goto none;
	}
	pushdown__describe(&l->pd, desc, sizeof(desc));
	log_debug("filter in the kernel: %s%s", desc, l->req && l->req->drilled ?
		  "; one container's" : "");
	if (l->pd.on & SCRY_PD_CGROUP)
		pipeline__on_cgroup(r->pl, judge, l);
	return l;
none:
	if (l->filter && !l->pd.on)
		log_debug("filter in the kernel: nothing (no part of it is judged by a call, "
			  "container or process alone)");
	live_pd__free(l);
	return NULL;
}

/* A cgroup was removed: forget it (its id is not reused while the host runs). */
void live_pd__cgroup_gone(struct live_pd *l, uint64_t cgid)
{
	void *v;

	if (!l || !l->judged)
		return;
	v = hashmap__find(l->judged, cgid);
	if (v == JUDGED_GONE)
		return;
	if (v == JUDGED_OUT) {
		probe__pd_cgroup(l->probe, cgid, false);
		l->out--;
	}
	if (hashmap__set(l->judged, cgid, JUDGED_GONE)) {
		hashmap__del(l->judged, cgid);
		return;
	}
	if (++l->gone >= GONE_SWEEP) {
		size_t pos = 0;
		uint64_t k;

		while (hashmap__next(l->judged, &pos, &k, &v)) {
			if (v != JUDGED_GONE)
				continue;
			hashmap__del(l->judged, k);
			pos = pos ? pos - 1 : 0;	/* backward shift may have moved an entry here */
		}
		l->gone = 0;
	}
}

void live_pd__free(struct live_pd *l)
{
	if (!l)
		return;
	probe__pushdown(l->probe, NULL);	/* nothing of it stays in the kernel */
	pipeline__on_cgroup(l->pl, NULL, NULL);
	filter__free(l->own);
	hashmap__free(l->judged);
	pushdown__release(&l->pd);
	free(l);
}
