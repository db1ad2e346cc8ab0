// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (ns18): the zombies view. One row per zombie of the pipeline's zombie table, with
 * its parent and the parent's pid in its own namespace (1: a container's init that does not
 * reap), its age and its container (by cgroup). FILTER picks the rows: each is judged as an
 * event of the zombie would be.
 */
#include <string.h>

#include "scry/filter.h"
#include "scry/state.h"
#include "scry/view.h"

const struct key_col zombie_json[] = {
	{ "container.id" }, { "container.name" }, { "proc.pid" }, { "zombie.vpid" },
	{ "proc.ppid" }, { "zombie.parent_vpid" }, { "proc.name" }, { "zombie.age_ns" },
	{ "zombie.exit_code" }, { NULL },
};
const struct key_col zombie_text[] = {
	{ "proc.pid", "PID", 7 }, { "zombie.vpid", "VPID", 6 }, { "proc.ppid", "PPID", 7 },
	{ "zombie.parent_vpid", "PVPID", 6 }, { "zombie.age", "AGE", 9 },
	{ "proc.name", "PROC.NAME", 16, 15 }, { "container.name", "CONTAINER.NAME", 0, 20 },
	{ NULL },
};

/* By container (the host first), then by parent, then by pid. */
int zombie_cmp(const struct view_row *a, const struct view_row *b)
{
	const char *ca = a->container ? a->container->id : "", *cb = b->container ? b->container->id : "";
	int c = strcmp(ca, cb);

	if (c)
		return c;
	if (a->ppid != b->ppid)
		return a->ppid < b->ppid ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

void aggr__from_zombies(struct aggr *a, const struct view_src *src)
{
	const struct zombie *z;
	size_t pos = 0;

	aggr__reset(a);
	while ((z = zombietab__next(zombietab_current, &pos))) {
		struct scry_proc p = {
			.pid = z->pid, .ppid = z->ppid, .vpid = z->vpid, .cgid = z->cgid,
			.exe = "", .args = "", .dead = true, .container = z->container,
			.ctr_known = true,
		};
		union scry_rec rec = {};
		struct scry_event ev = {};
		struct view_row *r;

		memcpy(p.comm, z->comm, SCRY_COMM_LEN);
		rec.h.pid = rec.h.tid = z->pid;
		rec.h.cgid = z->cgid;
		memcpy(rec.h.comm, z->comm, SCRY_COMM_LEN);
		ev.rec = &rec;
		ev.ts = src->end;
		ev.proc = &p;
		ev.container = z->container;
		if (src->filter && !filter__match(src->filter, &ev))
			continue;
		/* the row's time is now: the age columns count to it */
		p.start_ts = src->end;
		r = aggr__row_add(a, z->pid, z->container, &p);
		if (!r)
			return;
	}
}
