// SPDX-License-Identifier: GPL-2.0
/*
 * What a capture records of the live tables, so that a replay needs neither /proc nor a runtime:
 * a snapshot of the process table and of the containers at the start of every file, and the
 * metadata of each container the first time a written record references one of its cgroups,
 * and again once the resolver thread has found its name (which may be after its first events:
 * the reader loads all of it before replaying, so those events get the name too).
 *
 * Container pointers remembered here may outlive the registry's entries (it reaps idle ones):
 * they are only compared, and dereferenced only after being found in the registry's list.
 *
 * Memory is bounded: only cgroups of containers are remembered (the host's need no item), and
 * entries of containers the registry no longer has are pruned as the map grows (amortised: at
 * twice the size left by the last pruning, at most at CGIDS_MAX); when half of that bound is
 * still live after pruning, every cgroup is forgotten.
 * Forgetting is always safe: the map only saves writing a container's item again for a cgroup the
 * current file has already described, so a forgotten cgroup costs one more item when met again
 * (a reader adds up the cgroup lists of a container's items).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"
#include "scry/util.h"

#define CTR_ITEM_SOFT_MAX (256u << 10)	/* labels beyond this are left out of a container item */
#define PRUNE_MIN	4096		/* entries before the first look for containers gone */
#define CGIDS_MAX	65536		/* entries at most (beyond a huge registry): 2 MiB of map */

struct ctr_seen {
	char id[CTR_ID_MAX];
	bool resolved;
};

/*
 * The processes (and their ids) whose user entries the current file has: a direct-mapped
 * cache, so that records of processes taking turns cost a few compares, not three lookups.
 * An entry is only a shortcut: a process it forgot is looked up again (its entries marked).
 */
#define USERS_SEEN 256
struct users_seen {
	const struct scry_proc *proc;
	const struct scry_container *ctr;
	uint32_t uid, gid, loginuid;
};

struct cap_tables {
	struct proctab *pt;
	struct containers *ct;
	struct hashmap *cgids;		/* cgid -> its container, tagged (cg_val) */
	struct hashmap *ctrs;		/* container address -> struct ctr_seen */
	size_t prune_at;		/* entries in both maps that make the next pruning */
	struct cap_buf meta;		/* container items not handed to the writer yet */
	uint32_t meta_items;
	uint32_t epoch;			/* the current file's mark on user entries it recorded */
	struct users_seen seen[USERS_SEEN];	/* processes whose entries this file has */
	/* cgroup2's controllers as the current file's first CGROUPS item found them */
	char v2[256];
	uint32_t v2_epoch;
};

/* Marks of user entries (users.c) are shared by every table: each file gets its own. */
static uint32_t next_epoch(void)
{
	static uint32_t last;

	return ++last ? last : ++last;
}

/* A cgroup's entry: its container's address, with bit 0 set when its item had the name. */
static inline void *cg_val(const struct scry_container *c, bool resolved)
{
	return (void *)((uintptr_t)c | resolved);
}

static inline const struct scry_container *cg_ctr(const void *v)
{
	return (const void *)((uintptr_t)v & ~(uintptr_t)1);
}

static inline bool cg_resolved(const void *v)
{
	return (uintptr_t)v & 1;
}

struct cap_tables *cap_tables__new(struct proctab *pt, struct containers *ct)
{
	struct cap_tables *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->pt = pt;
	t->ct = ct;
	t->prune_at = PRUNE_MIN;
	t->epoch = next_epoch();
	t->cgids = hashmap__new(256);
	t->ctrs = hashmap__new(64);
	if (!t->cgids || !t->ctrs) {
		cap_tables__free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

static void free_values(struct hashmap *m)
{
	size_t pos = 0;
	void *v;

	if (!m)
		return;
	while (hashmap__next(m, &pos, NULL, &v))
		free(v);
	hashmap__free(m);
}

void cap_tables__free(struct cap_tables *t)
{
	if (!t)
		return;
	hashmap__free(t->cgids);	/* its values are tagged addresses, not allocations */
	free_values(t->ctrs);
	cap_buf__free(&t->meta);
	free(t);
}

size_t cap_tables__entries(const struct cap_tables *t)
{
	return hashmap__size(t->cgids) + hashmap__size(t->ctrs);
}

/* --- bounds ---------------------------------------------------------------------------------- */

/* The registry's containers: address -> 1 + their place in its order. NULL without memory. */
static struct hashmap *registry_index(struct cap_tables *t)
{
	struct hashmap *live = hashmap__new(t->ct ? containers__count(t->ct) : 0);
	struct scry_container *c;
	size_t pos = 0;
	uintptr_t i = 0;

	while (live && t->ct && (c = containers__next(t->ct, &pos)))
		if (hashmap__set(live, (uintptr_t)c, (void *)++i)) {
			hashmap__free(live);
			return NULL;
		}
	return live;
}

/* Every cgroup goes: each is described again in the current file when it is met again. */
static void forget_cgids(struct cap_tables *t)
{
	struct hashmap *fresh = hashmap__new(256);
	size_t pos = 0;
	uint64_t key;

	if (fresh) {
		hashmap__free(t->cgids);
		t->cgids = fresh;
		return;
	}
	while (hashmap__next(t->cgids, &pos, &key, NULL)) {
		hashmap__del(t->cgids, key);
		pos = pos ? pos - 1 : 0;	/* backward shift may have moved an entry here */
	}
}

/* Forget containers the registry no longer has (their address may be reused) and their cgroups. */
static void prune(struct cap_tables *t, struct hashmap *live)
{
	size_t pos = 0;
	uint64_t key;
	void *v;

	if (!live) {
		forget_cgids(t);	/* cannot tell the live from the gone: safe anyway */
		return;
	}
	while (hashmap__next(t->cgids, &pos, &key, &v)) {
		if (!hashmap__find(live, (uintptr_t)cg_ctr(v))) {
			hashmap__del(t->cgids, key);
			pos = pos ? pos - 1 : 0;
		}
	}
	pos = 0;
	while (hashmap__next(t->ctrs, &pos, &key, &v)) {
		if (!hashmap__find(live, key)) {
			hashmap__del(t->ctrs, key);
			free(v);
			pos = pos ? pos - 1 : 0;
		}
	}
}

/*
 * After pruning: with half the bound still live, forget them all (else pruning would come
 * again soon); the next pruning comes at twice what is left, at most at the bound, and never
 * before PRUNE_MIN more entries, so that its cost is amortised over the entries added.
 */
static void next_prune(struct cap_tables *t)
{
	size_t n;

	if (hashmap__size(t->cgids) >= CGIDS_MAX / 2)
		forget_cgids(t);
	n = cap_tables__entries(t);
	t->prune_at = 2 * n < CGIDS_MAX ? 2 * n : CGIDS_MAX;
	if (t->prune_at < n + PRUNE_MIN)
		t->prune_at = n + PRUNE_MIN;
}

/* Before an entry is added. */
static void bound(struct cap_tables *t)
{
	struct hashmap *live;

	if (cap_tables__entries(t) < t->prune_at)
		return;
	live = registry_index(t);
	prune(t, live);
	hashmap__free(live);
	next_prune(t);
}

/* --- containers --------------------------------------------------------------------------- */

static size_t slen(const char *s)
{
	return s ? strlen(s) : 0;
}

/*
 * One container item; labels that would make it huge are left out (they are for display), and
 * so are mounts past half the budget (a replay keeps CAP_LIM_CTR_BYTES of strings in all: what
 * is written is all kept, so a replay answers container.mount* as the run did).
 */
static void put_ctr(struct cap_buf *b, const struct scry_container *c, const uint64_t *cgids,
		    uint32_t n)
{
	const struct ctr_meta *m = &c->meta;
	struct scry_container tmp = *c;
	size_t i, bytes = 0;

	bytes += slen(m->name) + slen(m->image) + slen(m->pod_name) + slen(m->pod_ns) +
		 slen(m->k8s_container) + slen(m->image_id) + slen(m->image_repo) +
		 slen(m->image_tag) + slen(m->image_digest) + slen(m->upper_dir);
	for (i = 0; i < CTR_PROBE__MAX; i++)
		bytes += m->probe_len[i];
	for (i = 0; i < m->nmounts; i++) {
		bytes += slen(m->mounts[i].source) + slen(m->mounts[i].dest) +
			 slen(m->mounts[i].mode) + slen(m->mounts[i].propagation) + 8;
		if (bytes > CTR_ITEM_SOFT_MAX / 2)
			break;
	}
	tmp.meta.nmounts = i;
	for (i = 0; i < c->meta.nlabels; i++) {
		bytes += strlen(c->meta.labels[i].key) + strlen(c->meta.labels[i].val) + 8;
		if (bytes > CTR_ITEM_SOFT_MAX)
			break;
	}
	tmp.meta.nlabels = i;
	cap_put_ctr(b, &tmp, cgids, n);
}

static void remember_ctr(struct cap_tables *t, const struct scry_container *c)
{
	struct ctr_seen *s = hashmap__find(t->ctrs, (uintptr_t)c);

	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s || hashmap__set(t->ctrs, (uintptr_t)c, s)) {
			free(s);
			return;
		}
	}
	snprintf(s->id, sizeof(s->id), "%s", c->id);
	s->resolved = c->resolved;
}

void cap_tables__see_slow(struct cap_tables *t, uint64_t cgid, const struct scry_container *c)
{
	void *v = hashmap__find(t->cgids, cgid);

	if (!c) {
		/* The host: nothing to describe, so nothing to remember. */
		if (v)
			hashmap__del(t->cgids, cgid);
		return;
	}
	if (v && cg_ctr(v) == c && cg_resolved(v) == c->resolved)
		return;
	if (!v)
		bound(t);
	/* Without memory the item is written all the same, and again next time. */
	hashmap__set(t->cgids, cgid, cg_val(c, c->resolved));
	put_ctr(&t->meta, c, &cgid, 1);
	t->meta_items++;
	remember_ctr(t, c);
}

/* False without memory: the item lists fewer cgroups (the caller makes sure they are met again). */
static bool push_cgid(uint64_t **l, uint32_t *n, size_t *cap, uint64_t cgid)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		uint64_t *nl = realloc(*l, ncap * sizeof(*nl));

		if (!nl)
			return false;
		*l = nl;
		*cap = ncap;
	}
	(*l)[(*n)++] = cgid;
	return true;
}

/*
 * Processes attributed from /proc at start have no record yet: their cgroups are learnt here,
 * for `c` only, or for every container in `live` (c NULL). Calls fn for each one added.
 */
static void learn_procs(struct cap_tables *t, const struct scry_container *c,
			struct hashmap *live, void (*fn)(void *ctx, uint64_t cgid, uintptr_t idx),
			void *ctx)
{
	struct scry_proc *p;
	size_t pos = 0;
	void *idx = NULL;

	while (t->pt && (p = proctab__next_proc(t->pt, &pos))) {
		if (!p->ctr_known || !p->container || hashmap__find(t->cgids, p->ctr_cgid))
			continue;
		if (c ? p->container != c : !(idx = hashmap__find(live, (uintptr_t)p->container)))
			continue;
		if (hashmap__set(t->cgids, p->ctr_cgid, cg_val(p->container,
							       p->container->resolved)))
			continue;
		fn(ctx, p->ctr_cgid, (uintptr_t)idx);
	}
}

struct cgid_list {
	uint64_t *l;
	uint32_t n;
	size_t cap;
};

static void add_to_list(void *ctx, uint64_t cgid, uintptr_t idx)
{
	struct cgid_list *cl = ctx;

	push_cgid(&cl->l, &cl->n, &cl->cap, cgid);
}

/* Every cgid known to map to `c`, from the records seen and from the process table. */
static uint32_t cgids_of(struct cap_tables *t, const struct scry_container *c,
			 struct cgid_list *cl)
{
	size_t pos = 0;
	uint64_t key;
	void *v;

	cl->n = 0;
	while (hashmap__next(t->cgids, &pos, &key, &v))
		if (cg_ctr(v) == c)
			push_cgid(&cl->l, &cl->n, &cl->cap, key);
	learn_procs(t, c, NULL, add_to_list, cl);
	return cl->n;
}

void cap_tables__poll(struct cap_tables *t)
{
	struct cgid_list cl = {};
	struct scry_container *c;
	size_t pos = 0;

	if (!t->ct)
		return;
	bound(t);
	while ((c = containers__next(t->ct, &pos))) {
		struct ctr_seen *s = hashmap__find(t->ctrs, (uintptr_t)c);
		uint32_t i;

		/* Recorded without its name (or a stale entry for a reused address): write again. */
		if (!s || !c->resolved || (s->resolved && !strcmp(s->id, c->id)))
			continue;
		put_ctr(&t->meta, c, cl.l, cgids_of(t, c, &cl));
		t->meta_items++;
		remember_ctr(t, c);
		/* Not while iterating the map: setting a value may grow it. */
		for (i = 0; i < cl.n; i++)
			hashmap__set(t->cgids, cl.l[i], cg_val(c, true));
	}
	free(cl.l);
}

uint32_t cap_tables__take_meta(struct cap_tables *t, struct cap_buf *out)
{
	uint32_t n = t->meta_items;

	*out = t->meta;
	memset(&t->meta, 0, sizeof(t->meta));
	t->meta_items = 0;
	return n;
}

/* A cgroup and its container's place in the registry, sorted into each container's list. */
struct ctr_cgid {
	uintptr_t idx;
	uint64_t cgid;
};

struct pairs {
	struct ctr_cgid *p;
	size_t n, cap;
};

static void add_pair(void *ctx, uint64_t cgid, uintptr_t idx)
{
	struct pairs *ps = ctx;

	if (ps->n < ps->cap)
		ps->p[ps->n++] = (struct ctr_cgid){ idx, cgid };
}

static int by_ctr(const void *a, const void *b)
{
	const struct ctr_cgid *x = a, *y = b;

	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return x->cgid < y->cgid ? -1 : x->cgid > y->cgid;
}

/*
 * Every container with the cgroups the map knows for it, in linear time (plus a sort): the new
 * file must describe each cgroup that its records may reference without a container item.
 */
static uint32_t snapshot_ctrs(struct cap_tables *t, struct cap_buf *out)
{
	struct hashmap *live = registry_index(t);
	struct cgid_list cl = {};
	struct pairs ps = {};
	struct scry_container *c;
	size_t pos = 0, k = 0;
	uint64_t key;
	uintptr_t i = 0;
	uint32_t n = 0;
	void *v;

	prune(t, live);
	next_prune(t);
	ps.cap = hashmap__size(t->cgids) + (t->pt ? proctab__nprocs(t->pt) : 0);
	ps.p = live ? malloc((ps.cap + 1) * sizeof(*ps.p)) : NULL;
	if (!ps.p)
		forget_cgids(t);	/* the file's records describe their cgroups instead */
	while (ps.p && hashmap__next(t->cgids, &pos, &key, &v))
		add_pair(&ps, key, (uintptr_t)hashmap__find(live, (uintptr_t)cg_ctr(v)));
	if (ps.p)
		learn_procs(t, NULL, live, add_pair, &ps);
	if (ps.n)
		qsort(ps.p, ps.n, sizeof(*ps.p), by_ctr);
	pos = 0;
	while (t->ct && (c = containers__next(t->ct, &pos))) {
		i++;
		cl.n = 0;
		for (; k < ps.n && ps.p[k].idx == i; k++)
			if (!push_cgid(&cl.l, &cl.n, &cl.cap, ps.p[k].cgid))
				hashmap__del(t->cgids, ps.p[k].cgid);	/* described when met */
		put_ctr(out, c, cl.l, cl.n);
		remember_ctr(t, c);
		n++;
	}
	free(cl.l);
	free(ps.p);
	hashmap__free(live);
	return n;
}

/* --- user databases ------------------------------------------------------------------------ */

/* False when the database gave no answer (not readable now, or out of reads): ask again. */
static bool see_user(struct cap_tables *t, const struct scry_event *ev, enum users_kind kind,
		     uint32_t id)
{
	struct user_ent *e = users__lookup(ev, kind, id);

	/* an id without a name needs no item: a replay finds none either */
	if (!e || !e->found || e->mark == t->epoch)
		return e != NULL;
	e->mark = t->epoch;
	cap_put_userdb(&t->meta, ev->container ? ev->container->id : "", e);
	t->meta_items++;
	return true;
}

/* False when a database gave no answer: the caller asks again at the next record. */
bool cap_tables__see_users_slow(struct cap_tables *t, const struct scry_event *ev)
{
	const struct scry_proc *p = ev->proc;
	struct users_seen *s = &t->seen[((uintptr_t)p / sizeof(*p)) % USERS_SEEN];

	if (s->proc == p && s->ctr == ev->container && s->uid == p->uid && s->gid == p->gid &&
	    s->loginuid == p->loginuid)
		return true;
	/* all three asked, whatever each answers */
	if (see_user(t, ev, USERS_USER, p->uid) & see_user(t, ev, USERS_GROUP, p->gid) &
	    (p->loginuid == UINT32_MAX || see_user(t, ev, USERS_USER, p->loginuid))) {
		*s = (struct users_seen){ p, ev->container, p->uid, p->gid, p->loginuid };
		return true;
	}
	s->proc = NULL;
	return false;
}

/* --- cgroup files (thread.cgroups) -------------------------------------------------------- */

/*
 * `text` (a cgroup file) as a replay on any host reads it: cgroup2's "0::PATH" line names its
 * controllers ("0:cpu,io,memory:PATH", as a v1 line would) as this host's root lists them, or
 * goes when it lists none (thread.cgroups shows no controller for it then).
 */
static size_t cg_portable(const char *text, const char *v2, char *out, size_t cap)
{
	size_t n = 0, k;
	const char *line, *end;

	for (line = text; *line; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		if (!strncmp(line, "0::", 3)) {
			if (!*v2)
				continue;
			if (n + 2 + strlen(v2) + (end - line - 2) + 1 > cap)
				break;
			n += snprintf(out + n, cap - n, "0:%s", v2);
			for (k = n - strlen(v2); k < n; k++)
				if (out[k] == ' ')
					out[k] = ',';
			memcpy(out + n, line + 2, end - line - 2);
			n += end - line - 2;
		} else {
			if (n + (end - line) + 1 > cap)
				break;
			memcpy(out + n, line, end - line);
			n += end - line;
		}
		out[n++] = '\n';
	}
	return n;
}

void cap_tables__see_cgroups_slow(struct cap_tables *t, const struct scry_event *ev)
{
	struct scry_proc *p = ev->proc;
	char out[SCRY_CGTEXT_MAX + 1];
	const char *text;
	size_t n;

	if (p->cg_mark == t->epoch && p->cg_mark_cgid == ev->rec->h.cgid)
		return;
	/* asked once per file and cgroup, whatever the answer (a process gone answers none) */
	p->cg_mark = t->epoch;
	p->cg_mark_cgid = ev->rec->h.cgid;
	text = cgtext__of(p, ev->rec->h.pid, ev->rec->h.tid, ev->rec->h.cgid);
	if (!text)
		return;
	if (t->v2_epoch != t->epoch) {
		t->v2_epoch = t->epoch;
		if (proctab__procfs(p))
			cgtext__v2_controllers(t->v2, sizeof(t->v2));
		else
			t->v2[0] = '\0';	/* a replay's texts are portable already */
	}
	n = cg_portable(text, t->v2, out, sizeof(out) - 1);
	cap_put_cgtext(&t->meta, ev->rec->h.pid, ev->rec->h.cgid, out, n);
	t->meta_items++;
}

/* --- processes and threads ------------------------------------------------------------------- */

/* The event charged on-CPU time (ev->runtime_ns) to its task: a switch or a tick. */
static bool charges_cpu(const struct scry_event *ev)
{
	return ev->type < SCRY_REC__MAX && (evt_table[ev->type].flags & EVF_CPU);
}

static void put_thread(struct cap_buf *b, const struct scry_thread *t,
		       const struct scry_event *first)
{
	struct scry_thread tmp = *t;

	if (first && first->thread == t) {
		/* Take back what the first record did to it: the replay applies the record again. */
		if (charges_cpu(first))
			tmp.cpu_ns -= tmp.cpu_ns >= first->runtime_ns ? first->runtime_ns : tmp.cpu_ns;
		if (first->acct) {
			tmp.sched.min_flt -= tmp.sched.min_flt >= first->acct->min_flt ?
					     first->acct->min_flt : tmp.sched.min_flt;
			tmp.sched.maj_flt -= tmp.sched.maj_flt >= first->acct->maj_flt ?
					     first->acct->maj_flt : tmp.sched.maj_flt;
		}
		if (first->type == SCRY_REC_SYS_EXIT && !first->rec->exit.enter_ts &&
		    first->latency) {
			tmp.enter_ts = first->ts - first->latency;
			tmp.enter_nr = first->nr;
		}
	}
	cap_put_thread(b, &tmp, t->proc->pid);
}

static void put_proc(struct cap_buf *b, const struct scry_proc *p, const struct scry_event *first)
{
	struct scry_proc tmp = *p;

	if (first && first->proc == p && charges_cpu(first))
		tmp.cpu_ns -= tmp.cpu_ns >= first->runtime_ns ? first->runtime_ns : tmp.cpu_ns;
	cap_put_proc(b, &tmp);
}

uint32_t cap_tables__snapshot(struct cap_tables *t, struct cap_buf *out,
			      const struct scry_event *first)
{
	struct scry_thread *th;
	struct scry_proc *p;
	size_t pos = 0;
	uint32_t n = 0;

	t->epoch = next_epoch();	/* the new file records every user entry again */
	memset(t->seen, 0, sizeof(t->seen));
	/* Processes first: a thread item names its process, which must be known by then. */
	while (t->pt && (p = proctab__next_proc(t->pt, &pos))) {
		put_proc(out, p, first);
		n++;
	}
	pos = 0;
	while (t->pt && (th = proctab__next_thread(t->pt, &pos))) {
		put_thread(out, th, first);
		n++;
	}
	return n + snapshot_ctrs(t, out);
}
