// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (ns18): the zombie table. A process's last thread exits (an exit record with
 * GROUP_DEAD): it is a zombie, holding its pid, until the kernel frees it (a ZOMBIE record of
 * kind REAPED, from sched_process_free). The table names each with its parent as the kernel
 * sees it: the parent at the exit, and the reaper the exit record names if that parent exits
 * first (the kernel gives it the zombie then, and the new parent must reap it).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/container.h"
#include "scry/state.h"
#include "scry/util.h"

/*
 * Zombies kept at most: a crafted capture's seeds, or free records lost (a zombie then stays
 * until its pid is reused), must not grow the table without bound. pid_max is 4M, but a host
 * with this many zombies has another problem; those past the bound are counted and said once.
 */
#define ZOMBIES_MAX 65536

/*
 * Frees met before their process's exit record: the exit is staged on its CPU and may reach the
 * consumer after the free, which the RCU callback sends straight to the ring (bpf/ns.bpf.c).
 * Kept until that exit comes (or the pid is reused), at most this many.
 */
#define EARLY_FREES_MAX 4096

struct zombietab {
	struct hashmap *by_pid;		/* pid -> struct zombie */
	struct hashmap *early;		/* pid -> ts + 1 of a free no zombie was there for */
	uint64_t dropped;		/* zombies not kept: the table was full */
};

const struct zombietab *zombietab_current;

struct zombietab *zombietab__new(void)
{
	struct zombietab *zt = calloc(1, sizeof(*zt));

	if (!zt)
		return NULL;
	zt->by_pid = hashmap__new(64);
	zt->early = hashmap__new(64);
	if (!zt->by_pid || !zt->early) {
		hashmap__free(zt->by_pid);
		hashmap__free(zt->early);
		free(zt);
		errno = ENOMEM;
		return NULL;
	}
	return zt;
}

static void zombie_free(struct zombie *z)
{
	if (z->container && z->container->pins)
		z->container->pins--;
	free(z);
}

void zombietab__free(struct zombietab *zt)
{
	size_t pos = 0;
	void *v;

	if (!zt)
		return;
	if (zombietab_current == zt)
		zombietab_current = NULL;
	while (hashmap__next(zt->by_pid, &pos, NULL, &v))
		zombie_free(v);
	hashmap__free(zt->by_pid);
	hashmap__free(zt->early);
	free(zt);
}

static void drop(struct zombietab *zt, uint32_t pid)
{
	struct zombie *z = hashmap__del(zt->by_pid, pid);

	if (z)
		zombie_free(z);
}

/* Its parent's pid as the parent's own namespace numbers it (0: not known). */
static uint32_t vpid_of(struct proctab *pt, uint32_t pid)
{
	struct scry_proc *p = pt ? proctab__proc(pt, pid) : NULL;

	return p && !p->dead ? p->vpid : 0;
}

static void add(struct zombietab *zt, const struct zombie *tmpl)
{
	struct zombie *z;

	drop(zt, tmpl->pid);
	if (hashmap__size(zt->by_pid) >= ZOMBIES_MAX) {
		if (!zt->dropped++)
			log_warn("more than %d zombies: those past it are not listed (zombies view, "
				 "ZOMB columns)", ZOMBIES_MAX);
		return;
	}
	if (!(z = malloc(sizeof(*z))))
		return;
	*z = *tmpl;
	if (hashmap__set(zt->by_pid, z->pid, z)) {
		free(z);
		return;
	}
	if (z->container)
		z->container->pins++;
}

/* The kernel gave the children of `pid` to `reaper`: so go its zombies. */
static void reparent(struct zombietab *zt, struct proctab *pt, uint32_t pid, uint32_t reaper)
{
	size_t pos = 0;
	void *v;

	while (hashmap__next(zt->by_pid, &pos, NULL, &v)) {
		struct zombie *z = v;

		if (z->ppid != pid)
			continue;
		z->ppid = reaper;
		z->parent_vpid = vpid_of(pt, reaper);
	}
}

static void on_exit_rec(struct zombietab *zt, struct proctab *pt, const struct scry_event *ev)
{
	const struct scry_rec_exit *r = &ev->rec->pexit;
	const struct scry_proc *p = ev->proc;
	struct zombie z = {};

	if (!(r->exit_flags & SCRY_EXIT_GROUP_DEAD))
		return;
	if (hashmap__size(zt->by_pid) && (r->exit_flags & SCRY_EXIT_REAPER))
		reparent(zt, pt, r->h.pid, r->reaper);
	/* freed already (its free came first): no zombie, not even for a moment */
	if (hashmap__size(zt->early)) {
		uintptr_t freed = (uintptr_t)hashmap__del(zt->early, r->h.pid);

		if (freed && freed - 1 >= r->h.ts) {
			drop(zt, r->h.pid);
			return;
		}
	}
	z.pid = r->h.pid;
	z.ppid = p ? p->ppid : 0;
	z.vpid = p ? p->vpid : 0;
	z.parent_vpid = vpid_of(pt, z.ppid);
	memcpy(z.comm, p ? p->comm : r->h.comm, SCRY_COMM_LEN);
	z.cgid = r->h.cgid;
	/* the cgroup's container: an entered process's zombie is the host's, as its cgroup */
	z.container = ev->entered ? NULL : ev->container;
	z.exit_ts = z.seen_ts = r->h.ts;
	z.exit_code = r->exit_code;
	add(zt, &z);
}

void zombietab__apply(struct zombietab *zt, struct proctab *pt, const struct scry_event *ev)
{
	const union scry_rec *r = ev->rec;
	struct zombie z = {};

	switch (ev->type) {
	case SCRY_REC_EXIT:
		on_exit_rec(zt, pt, ev);
		return;
	case SCRY_REC_FORK:
		/* a reused pid: its zombie was reaped (its free record was lost) */
		if (!(r->fork.fork_flags & SCRY_FORK_THREAD) && hashmap__size(zt->by_pid))
			drop(zt, r->h.pid);
		if (!(r->fork.fork_flags & SCRY_FORK_THREAD) && hashmap__size(zt->early))
			hashmap__del(zt->early, r->h.pid);
		return;
	case SCRY_REC_ZOMBIE:
		break;
	default:
		return;
	}
	if (r->zombie.kind != SCRY_ZB_SEED) {
		if (!hashmap__find(zt->by_pid, r->h.pid)) {
			/* its exit record is still on its way: said to it when it comes */
			if (hashmap__size(zt->early) < EARLY_FREES_MAX)
				hashmap__set(zt->early, r->h.pid, (void *)(uintptr_t)(r->h.ts + 1));
			return;
		}
		drop(zt, r->h.pid);
		return;
	}
	z.pid = r->h.pid;
	z.ppid = r->zombie.ppid;
	z.vpid = r->zombie.vpid;
	z.parent_vpid = r->zombie.parent_vpid;
	scry_comm_set(z.comm, r->h.comm, SCRY_COMM_LEN);
	z.cgid = r->h.cgid;
	z.container = ev->entered ? NULL : ev->container;
	z.exit_ts = r->zombie.exit_ts;
	z.seen_ts = r->h.ts;
	z.exit_code = r->zombie.exit_code;
	add(zt, &z);
}

const struct zombie *zombietab__next(const struct zombietab *zt, size_t *pos)
{
	void *v;

	return zt && hashmap__next(zt->by_pid, pos, NULL, &v) ? v : NULL;
}

const struct zombie *zombietab__find(const struct zombietab *zt, uint32_t pid)
{
	return zt ? hashmap__find(zt->by_pid, pid) : NULL;
}

size_t zombietab__count(const struct zombietab *zt)
{
	return zt ? hashmap__size(zt->by_pid) : 0;
}

uint32_t zombietab__children(const struct zombietab *zt, uint32_t ppid)
{
	const struct zombie *z;
	size_t pos = 0;
	uint32_t n = 0;

	while ((z = zombietab__next(zt, &pos)))
		n += z->ppid == ppid;
	return n;
}

uint32_t zombietab__of_container(const struct zombietab *zt, const struct scry_container *c)
{
	const struct zombie *z;
	size_t pos = 0;
	uint32_t n = 0;

	while ((z = zombietab__next(zt, &pos)))
		n += z->container == c;
	return n;
}

void zombie_seed_of(const struct zombie *z, uint64_t ts, struct scry_rec_zombie *r)
{
	memset(r, 0, sizeof(*r));
	r->h.type = SCRY_REC_ZOMBIE;
	r->h.size = sizeof(*r);
	r->h.pid = r->h.tid = z->pid;
	r->h.ts = ts;
	r->h.cgid = z->cgid;
	memcpy(r->h.comm, z->comm, SCRY_COMM_LEN);
	r->kind = SCRY_ZB_SEED;
	r->ppid = z->ppid;
	r->vpid = z->vpid;
	r->parent_vpid = z->parent_vpid;
	r->exit_ts = z->exit_ts <= ts ? z->exit_ts : 0;
	r->exit_code = z->exit_code;
}

/* The last NSpid of /proc/PID/status: its pid in its own namespace (0: not said). */
uint32_t procfs_vpid(const char *procfs, uint32_t pid)
{
	char path[64], line[256];
	uint32_t v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u/status", procfs, pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p, *end;

		if (strncmp(line, "NSpid:", 6))
			continue;
		for (p = line + 6;; p = end) {
			unsigned long n = strtoul(p, &end, 10);

			if (end == p)
				break;
			v = n;
		}
		break;
	}
	fclose(f);
	return v;
}

int zombie_seed_scan(const char *procfs, uint32_t self, uint64_t ts, struct proctab *pt,
		     int (*emit)(void *ctx, struct scry_rec_zombie *r), void *ctx)
{
	struct scry_rec_zombie r;
	struct dirent *de;
	int n = 0, rc = 0;
	DIR *d = opendir(procfs);

	if (!d)
		return -errno;
	while (!rc && (de = readdir(d))) {
		char path[64], buf[1024], state, *lp, *rp;
		struct scry_proc *p;
		unsigned int ppid;
		uint64_t pid;
		size_t len;
		FILE *f;

		if (parse_u64(de->d_name, 1, UINT32_MAX, &pid) || pid == self)
			continue;
		snprintf(path, sizeof(path), "%s/%u/stat", procfs, (uint32_t)pid);
		f = fopen(path, "re");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = 0;
		/* the comm may hold spaces and parentheses: it ends at the last ')' */
		lp = strchr(buf, '(');
		rp = strrchr(buf, ')');
		if (!lp || !rp || rp < lp || sscanf(rp + 1, " %c %u", &state, &ppid) != 2 ||
		    state != 'Z')
			continue;
		memset(&r, 0, sizeof(r));
		r.h.type = SCRY_REC_ZOMBIE;
		r.h.size = sizeof(r);
		r.h.pid = r.h.tid = pid;
		r.h.ts = ts;
		scry_comm_set(r.h.comm, lp + 1, rp - lp - 1);
		p = pt ? proctab__proc(pt, pid) : NULL;
		r.h.cgid = !p ? 0 : p->cgid ? p->cgid : p->ctr_cgid;
		r.kind = SCRY_ZB_SEED;
		r.ppid = ppid;
		r.vpid = procfs_vpid(procfs, pid);
		r.parent_vpid = procfs_vpid(procfs, ppid);
		n++;
		rc = emit(ctx, &r);
	}
	closedir(d);
	return rc < 0 ? rc : n;
}
