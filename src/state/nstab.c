// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (ns18): processes that entered a container from outside. `nsenter -t PID -p -m ...`
 * joins a container's namespaces but not its cgroup: by cgroup the process is the host's,
 * although it sees the container's files, network and pids. Its namespaces tell: the table
 * keeps each process's (NS records: a fork into another pid namespace, an exec in other
 * namespaces than the parent's, the seeds at start; a fork's child has its parent's) and each
 * container's (those of its processes that live in a pid namespace other than the host's: a
 * runtime puts its init in the cgroup before it leaves the host's namespaces). A host process
 * with a container's pid, mount, network, IPC or UTS namespace (one that is not the host's own,
 * pid 1's or scry's: a container with --pid=host or --network=host shares those with every host
 * process, and pid 1 may be an agent in namespaces of its own) entered it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scry/container.h"
#include "scry/state.h"
#include "scry/util.h"

/* Sets of the host's namespaces kept: pid 1's and scry's own (a capture may add a few). */
#define NS_HOSTS 4

/* The namespaces that say which container, in the order they decide. */
static const uint8_t match_order[] = {
	SCRY_NS_PID, SCRY_NS_MNT, SCRY_NS_NET, SCRY_NS_IPC, SCRY_NS_UTS,
};

struct ns_proc {
	uint32_t ns[SCRY_NS__MAX];
	uint64_t ts;
	uint32_t parent;
	uint8_t kind;		/* enum scry_ns_kind of its last record; 0xff: inherited */
	bool host_cg;		/* its cgroup is no container's */
	struct scry_container *entered;	/* pinned; NULL: none */
};

struct nstab {
	struct hashmap *procs;		/* pid -> struct ns_proc */
	struct hashmap *ctrs;		/* idx << 32 | inode -> the container (pinned) */
	uint32_t host[NS_HOSTS][SCRY_NS__MAX];	/* the host's namespaces (SCRY_NSK_HOST) */
	size_t nhost;
	size_t nentered;		/* entries with `entered`: most runs have none */
};

const struct nstab *nstab_current;

#define INHERITED 0xff

struct nstab *nstab__new(void)
{
	struct nstab *nt = calloc(1, sizeof(*nt));

	if (!nt)
		return NULL;
	nt->procs = hashmap__new(256);
	nt->ctrs = hashmap__new(64);
	if (!nt->procs || !nt->ctrs) {
		nstab__free(nt);
		errno = ENOMEM;
		return NULL;
	}
	return nt;
}

static void unpin(struct scry_container *c)
{
	if (c && c->pins)
		c->pins--;
}

static void set_entered(struct nstab *nt, struct ns_proc *e, struct scry_container *c)
{
	if (e->entered == c)
		return;
	nt->nentered += (c != NULL) - (e->entered != NULL);
	unpin(e->entered);
	e->entered = c;
	if (c)
		c->pins++;
}

void nstab__free(struct nstab *nt)
{
	size_t pos = 0;
	void *v;

	if (!nt)
		return;
	if (nstab_current == nt)
		nstab_current = NULL;
	while (nt->procs && hashmap__next(nt->procs, &pos, NULL, &v)) {
		unpin(((struct ns_proc *)v)->entered);
		free(v);
	}
	pos = 0;
	while (nt->ctrs && hashmap__next(nt->ctrs, &pos, NULL, &v))
		unpin(v);
	hashmap__free(nt->procs);
	hashmap__free(nt->ctrs);
	free(nt);
}

static void drop(struct nstab *nt, uint32_t pid)
{
	struct ns_proc *e = hashmap__del(nt->procs, pid);

	if (e) {
		set_entered(nt, e, NULL);
		free(e);
	}
}

/* No pid is above the kernel's PID_MAX_LIMIT (4M): a capture's record of one is no process. */
#define PID_LIMIT (4u << 20)

static struct ns_proc *entry(struct nstab *nt, uint32_t pid)
{
	struct ns_proc *e = hashmap__find(nt->procs, pid);

	if (e || pid > PID_LIMIT)
		return e;
	e = calloc(1, sizeof(*e));
	if (!e || hashmap__set(nt->procs, pid, e)) {
		free(e);
		return NULL;
	}
	return e;
}

static uint64_t ns_key(unsigned int idx, uint32_t ino)
{
	return (uint64_t)idx << 32 | ino;
}

/* A namespace of the host's (or not known): no container's. */
static bool host_ns(const struct nstab *nt, unsigned int idx, uint32_t ino)
{
	size_t i;

	if (!ino)
		return true;
	for (i = 0; i < nt->nhost; i++)
		if (nt->host[i][idx] == ino)
			return true;
	return false;
}

/* The container a host process's namespaces belong to, or NULL. */
static struct scry_container *match(const struct nstab *nt, const struct ns_proc *e)
{
	size_t i;

	if (!nt->nhost)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(match_order); i++) {
		unsigned int idx = match_order[i];
		struct scry_container *c;

		if (host_ns(nt, idx, e->ns[idx]))
			continue;
		c = hashmap__find(nt->ctrs, ns_key(idx, e->ns[idx]));
		if (c)
			return c;
	}
	return NULL;
}

/* Host processes not yet matched, after a container's namespaces became known. */
static void rematch(struct nstab *nt)
{
	size_t pos = 0;
	void *v;

	while (hashmap__next(nt->procs, &pos, NULL, &v)) {
		struct ns_proc *e = v;

		if (e->host_cg && !e->entered)
			set_entered(nt, e, match(nt, e));
	}
}

/*
 * A container's process: its namespaces are the container's. Only once it lives in a pid
 * namespace that is not the host's: the runtime puts its init in the cgroup before it leaves
 * the host's namespaces, and those are no container's.
 */
static void learn(struct nstab *nt, const struct ns_proc *e, struct scry_container *c)
{
	bool added = false;
	size_t i;

	if (!nt->nhost || host_ns(nt, SCRY_NS_PID, e->ns[SCRY_NS_PID]))
		return;
	for (i = 0; i < ARRAY_SIZE(match_order); i++) {
		unsigned int idx = match_order[i];
		uint64_t k = ns_key(idx, e->ns[idx]);
		struct scry_container *old;

		if (host_ns(nt, idx, e->ns[idx]))
			continue;
		old = hashmap__find(nt->ctrs, k);
		if (old == c)
			continue;
		if (hashmap__set(nt->ctrs, k, c))
			continue;
		unpin(old);
		c->pins++;
		added = true;
	}
	if (added)
		rematch(nt);
}

/* Where the process stands now that its namespaces or its cgroup are known. */
static void judge(struct nstab *nt, struct ns_proc *e, struct scry_container *cg_ctr)
{
	e->host_cg = !cg_ctr;
	if (cg_ctr) {
		set_entered(nt, e, NULL);
		learn(nt, e, cg_ctr);
	} else {
		set_entered(nt, e, match(nt, e));
	}
}

/* The host's namespaces: what was learnt before may have counted them as a container's. */
static void on_host(struct nstab *nt, const struct scry_rec_ns *r)
{
	size_t i, pos = 0;
	void *v;

	for (i = 0; i < nt->nhost; i++)
		if (!memcmp(nt->host[i], r->ns, sizeof(r->ns)))
			return;
	if (nt->nhost == NS_HOSTS)
		return;
	memcpy(nt->host[nt->nhost++], r->ns, sizeof(r->ns));
	for (i = 0; i < ARRAY_SIZE(match_order); i++)
		unpin(hashmap__del(nt->ctrs, ns_key(match_order[i], r->ns[match_order[i]])));
	while (hashmap__next(nt->procs, &pos, NULL, &v)) {
		struct ns_proc *e = v;

		if (e->host_cg)
			set_entered(nt, e, match(nt, e));
	}
}

static void on_ns(struct nstab *nt, struct proctab *pt, struct scry_event *ev)
{
	const struct scry_rec_ns *r = &ev->rec->ns;
	struct ns_proc *e;

	if (r->kind == SCRY_NSK_HOST) {
		on_host(nt, r);
		return;
	}
	e = entry(nt, r->h.pid);
	if (pt) {
		ev->proc = proctab__proc(pt, r->h.pid);
		ev->thread = proctab__thread(pt, r->h.tid);
	}
	if (!e)
		return;
	memcpy(e->ns, r->ns, sizeof(e->ns));
	e->ts = r->h.ts;
	e->parent = r->parent;
	e->kind = r->kind;
	judge(nt, e, ev->container);
	if (e->entered && e->host_cg) {
		ev->container = e->entered;
		ev->entered = true;
		/* the moment it entered: a line (a seed is no moment, only what was so) */
		ev->quiet = r->kind == SCRY_NSK_SEED;
	}
}

/*
 * A child has its parent's namespaces; one in others has its own NS record right after its
 * fork record (the fork program sends both, in that order).
 */
static void on_fork(struct nstab *nt, struct scry_event *ev)
{
	const struct scry_rec_fork *r = &ev->rec->fork;
	struct ns_proc *e, *pe;

	if (r->fork_flags & SCRY_FORK_THREAD)
		return;
	pe = hashmap__find(nt->procs, r->parent_pid);
	if (!pe) {
		drop(nt, r->h.pid);
		return;
	}
	e = entry(nt, r->h.pid);
	if (!e)
		return;
	memcpy(e->ns, pe->ns, sizeof(e->ns));
	e->ts = r->h.ts;
	e->parent = r->parent_pid;
	e->kind = INHERITED;
	judge(nt, e, ev->container);
}

/*
 * A container gone (its cgroup removed): its namespaces are no longer its own. The kernel reuses
 * a freed namespace's inode number, and a later host namespace (unshare, a service's private
 * network) must not match the dead container; nor may its keys keep it pinned for the rest of a
 * long run. A walk of the containers' keys, at a container's end only; a deletion shifts later
 * slots back into the one freed (hashmap.c), which is looked at again.
 */
static void forget(struct nstab *nt, struct scry_container *c)
{
	size_t pos = 0;
	uint64_t key;
	void *v;

	while (hashmap__next(nt->ctrs, &pos, &key, &v))
		if (v == c) {
			unpin(hashmap__del(nt->ctrs, key));
			pos--;
		}
}

void nstab__apply(struct nstab *nt, struct proctab *pt, struct scry_event *ev)
{
	struct ns_proc *e;

	switch (ev->type) {
	case SCRY_REC_NS:
		on_ns(nt, pt, ev);
		return;
	case SCRY_REC_CONTAINER:
		if (ev->rec->ctr.action == SCRY_CTR_REMOVED && ev->container)
			forget(nt, ev->container);
		return;
	case SCRY_REC_FORK:
		on_fork(nt, ev);
		break;
	default:
		break;
	}
	if (ev->type == SCRY_REC_EXIT && (ev->rec->pexit.exit_flags & SCRY_EXIT_GROUP_DEAD)) {
		/* its exit is still its entered container's line; then it is forgotten */
		e = hashmap__find(nt->procs, ev->rec->h.pid);
		if (e && e->entered && e->host_cg && !ev->container) {
			ev->container = e->entered;
			ev->entered = true;
		}
		drop(nt, ev->rec->h.pid);
		return;
	}
	/*
	 * A host process's event: the container it entered, if it did. Not for the CPU it uses,
	 * which the kernel charges to its cgroup (the host's): views count it there.
	 */
	if (!nt->nentered || !ev->proc || (evt_table[ev->type].flags & (EVF_CPU | EVF_NOTASK)))
		return;
	e = hashmap__find(nt->procs, ev->proc->pid);
	/* it joined a container's cgroup since (runc's exec does, after setns): its own now */
	if (e && ev->container) {
		if (e->host_cg)
			judge(nt, e, ev->container);
		return;
	}
	if (e && e->entered && e->host_cg) {
		ev->container = e->entered;
		ev->entered = true;
	}
}

struct scry_container *nstab__entered(const struct nstab *nt, uint32_t pid)
{
	const struct ns_proc *e = nt ? hashmap__find(nt->procs, pid) : NULL;

	return e && e->host_cg ? e->entered : NULL;
}

bool nstab__seed_of(const struct nstab *nt, uint32_t pid, uint64_t ts, struct scry_rec_ns *r)
{
	const struct ns_proc *e = nt ? hashmap__find(nt->procs, pid) : NULL;

	if (!e)
		return false;
	memset(r, 0, sizeof(*r));
	r->h.type = SCRY_REC_NS;
	r->h.size = sizeof(*r);
	r->h.pid = r->h.tid = pid;
	r->h.ts = ts;
	r->kind = SCRY_NSK_SEED;
	r->parent = e->parent;
	memcpy(r->ns, e->ns, sizeof(r->ns));
	return true;
}

bool nstab__next(const struct nstab *nt, size_t *pos, uint32_t *pid)
{
	uint64_t key;

	if (!nt || !hashmap__next(nt->procs, pos, &key, NULL))
		return false;
	*pid = key;
	return true;
}

static const char *const ns_names[SCRY_NS__MAX] = {
	[SCRY_NS_PID] = "pid", [SCRY_NS_MNT] = "mnt", [SCRY_NS_NET] = "net", [SCRY_NS_UTS] = "uts",
	[SCRY_NS_IPC] = "ipc", [SCRY_NS_CGROUP] = "cgroup", [SCRY_NS_USER] = "user",
};

/* procfs/PID/ns/NAME -> "NAME:[INODE]": the inode, 0 if unreadable. */
static uint32_t ns_ino(const char *procfs, uint32_t pid, const char *name)
{
	char path[96], link[64], *lb;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/ns/%s", procfs, pid, name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = 0;
	lb = strchr(link, '[');
	return lb ? (uint32_t)strtoul(lb + 1, NULL, 10) : 0;
}

/* A record of `pid`'s namespaces at `ts`, its process as the table has it. */
static void seed_rec(struct scry_rec_ns *r, uint32_t pid, uint32_t kind, uint64_t ts,
		     struct proctab *pt)
{
	struct scry_proc *p = pt ? proctab__proc(pt, pid) : NULL;

	r->h.type = SCRY_REC_NS;
	r->h.size = sizeof(*r);
	r->h.pid = r->h.tid = pid;
	r->h.ts = ts;
	r->kind = kind;
	if (p) {
		memcpy(r->h.comm, p->comm, SCRY_COMM_LEN);
		r->h.cgid = p->cgid ? p->cgid : p->ctr_cgid;
		r->parent = p->ppid;
		r->vpid = p->vpid;
	}
}

int ns_seed_scan(const char *procfs, uint32_t self, uint64_t ts, struct proctab *pt,
		 int (*emit)(void *ctx, struct scry_rec_ns *r), void *ctx)
{
	uint32_t host[2][SCRY_NS__MAX] = {}, who[2] = { 1, self };
	struct scry_rec_ns r;
	struct dirent *de;
	int n = 0, rc = 0;
	unsigned int i, h;
	DIR *d;

	/* the host's: pid 1's and scry's own, first */
	for (h = 0; h < 2 && !rc; h++) {
		memset(&r, 0, sizeof(r));
		for (i = 0; i < SCRY_NS__MAX; i++)
			host[h][i] = r.ns[i] = ns_ino(procfs, who[h], ns_names[i]);
		seed_rec(&r, who[h], SCRY_NSK_HOST, ts, pt);
		rc = emit(ctx, &r);
	}
	d = opendir(procfs);
	if (!d)
		return -errno;
	while (!rc && (de = readdir(d))) {
		uint64_t pid;
		bool other = false;

		if (parse_u64(de->d_name, 1, UINT32_MAX, &pid) || pid == self)
			continue;
		memset(&r, 0, sizeof(r));
		for (i = 0; i < SCRY_NS__MAX; i++) {
			r.ns[i] = ns_ino(procfs, pid, ns_names[i]);
			other |= r.ns[i] && r.ns[i] != host[0][i] && r.ns[i] != host[1][i];
		}
		/* a process in the host's namespaces all is no news */
		if (!other)
			continue;
		seed_rec(&r, pid, SCRY_NSK_SEED, ts, pt);
		n++;
		rc = emit(ctx, &r);
	}
	closedir(d);
	return rc < 0 ? rc : n;
}

bool nstab__host_of(const struct nstab *nt, size_t i, uint64_t ts, struct scry_rec_ns *r)
{
	if (!nt || i >= nt->nhost)
		return false;
	memset(r, 0, sizeof(*r));
	memcpy(r->ns, nt->host[i], sizeof(r->ns));
	r->h.type = SCRY_REC_NS;
	r->h.size = sizeof(*r);
	r->h.ts = ts;
	r->kind = SCRY_NSK_HOST;
	return true;
}
