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
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scry/util.h"

#define CTR_ITEM_SOFT_MAX (256u << 10)	/* labels beyond this are left out of a container item */

struct cg_seen {
	const struct scry_container *ctr;	/* NULL: the host */
	bool resolved;
};

struct ctr_seen {
	char id[CTR_ID_MAX];
	bool resolved;
};

struct cap_tables {
	struct proctab *pt;
	struct containers *ct;
	struct hashmap *cgids;		/* cgid -> struct cg_seen */
	struct hashmap *ctrs;		/* container address -> struct ctr_seen */
	struct cap_buf meta;		/* container items not handed to the writer yet */
	uint32_t meta_items;
};

struct cap_tables *cap_tables__new(struct proctab *pt, struct containers *ct)
{
	struct cap_tables *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->pt = pt;
	t->ct = ct;
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
	free_values(t->cgids);
	free_values(t->ctrs);
	cap_buf__free(&t->meta);
	free(t);
}

/* --- containers --------------------------------------------------------------------------- */

/* One container item; labels that would make it huge are left out (they are for display). */
static void put_ctr(struct cap_buf *b, const struct scry_container *c, const uint64_t *cgids,
		    uint32_t n)
{
	struct scry_container tmp = *c;
	size_t i, bytes = 0;

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
	struct cg_seen *e = hashmap__find(t->cgids, cgid);

	if (e && e->ctr == c && (!c || e->resolved == c->resolved))
		return;
	if (!e) {
		e = malloc(sizeof(*e));
		if (!e || hashmap__set(t->cgids, cgid, e)) {
			free(e);
			return;
		}
	}
	e->ctr = c;
	e->resolved = c && c->resolved;
	if (!c)
		return;
	put_ctr(&t->meta, c, &cgid, 1);
	t->meta_items++;
	remember_ctr(t, c);
}

static void push_cgid(uint64_t **l, uint32_t *n, size_t *cap, uint64_t cgid)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		uint64_t *nl = realloc(*l, ncap * sizeof(*nl));

		if (!nl)
			return;	/* the item lists fewer cgroups; the registry keeps working */
		*l = nl;
		*cap = ncap;
	}
	(*l)[(*n)++] = cgid;
}

/* Every cgid known to map to `c`, from the records seen and from the process table. */
static uint32_t cgids_of(struct cap_tables *t, const struct scry_container *c, uint64_t **out,
			 size_t *cap)
{
	struct scry_proc *p;
	size_t pos = 0;
	uint32_t n = 0;
	uint64_t key;
	void *v;

	while (hashmap__next(t->cgids, &pos, &key, &v))
		if (((struct cg_seen *)v)->ctr == c)
			push_cgid(out, &n, cap, key);
	/* Processes attributed from /proc at start have no record yet: learn their cgroups too. */
	pos = 0;
	while (t->pt && (p = proctab__next_proc(t->pt, &pos))) {
		struct cg_seen *e;

		if (!p->ctr_known || p->container != c || hashmap__find(t->cgids, p->ctr_cgid))
			continue;
		e = malloc(sizeof(*e));
		if (!e || hashmap__set(t->cgids, p->ctr_cgid, e)) {
			free(e);
			continue;
		}
		e->ctr = c;
		e->resolved = c->resolved;
		push_cgid(out, &n, cap, p->ctr_cgid);
	}
	return n;
}

void cap_tables__poll(struct cap_tables *t)
{
	struct scry_container *c;
	uint64_t *cgids = NULL;
	size_t pos = 0, cap = 0;

	if (!t->ct)
		return;
	while ((c = containers__next(t->ct, &pos))) {
		struct ctr_seen *s = hashmap__find(t->ctrs, (uintptr_t)c);
		size_t cpos = 0;
		void *v;

		/* Recorded without its name (or a stale entry for a reused address): write again. */
		if (!s || !c->resolved || (s->resolved && !strcmp(s->id, c->id)))
			continue;
		put_ctr(&t->meta, c, cgids, cgids_of(t, c, &cgids, &cap));
		t->meta_items++;
		remember_ctr(t, c);
		while (hashmap__next(t->cgids, &cpos, NULL, &v))
			if (((struct cg_seen *)v)->ctr == c)
				((struct cg_seen *)v)->resolved = true;
	}
	free(cgids);
}

uint32_t cap_tables__take_meta(struct cap_tables *t, struct cap_buf *out)
{
	uint32_t n = t->meta_items;

	*out = t->meta;
	memset(&t->meta, 0, sizeof(t->meta));
	t->meta_items = 0;
	return n;
}

/* Forget cgroups whose container the registry no longer has (their address may be reused). */
static void prune_cgids(struct cap_tables *t)
{
	struct hashmap *live = hashmap__new(64);
	struct scry_container *c;
	size_t pos = 0;
	uint64_t key;
	void *v;

	if (!live)
		return;
	while (t->ct && (c = containers__next(t->ct, &pos)))
		hashmap__set(live, (uintptr_t)c, c);
	pos = 0;
	while (hashmap__next(t->cgids, &pos, &key, &v)) {
		struct cg_seen *e = v;

		if (e->ctr && !hashmap__find(live, (uintptr_t)e->ctr)) {
			hashmap__del(t->cgids, key);
			free(e);
			pos = pos ? pos - 1 : 0;	/* backward shift may have moved an entry here */
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
	hashmap__free(live);
}

static uint32_t snapshot_ctrs(struct cap_tables *t, struct cap_buf *out)
{
	struct scry_container *c;
	uint64_t *cgids = NULL;
	size_t pos = 0, cap = 0;
	uint32_t n = 0;

	prune_cgids(t);
	while (t->ct && (c = containers__next(t->ct, &pos))) {
		put_ctr(out, c, cgids, cgids_of(t, c, &cgids, &cap));
		remember_ctr(t, c);
		n++;
	}
	free(cgids);
	return n;
}

/* --- processes and threads ------------------------------------------------------------------- */

static void put_thread(struct cap_buf *b, const struct scry_thread *t,
		       const struct scry_event *first)
{
	struct scry_thread tmp = *t;

	if (first && first->thread == t) {
		/* Take back what the first record did to it: the replay applies the record again. */
		if (first->type == SCRY_REC_SWITCH || first->type == SCRY_REC_CPUTICK)
			tmp.cpu_ns -= tmp.cpu_ns >= first->runtime_ns ? first->runtime_ns : tmp.cpu_ns;
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

	if (first && first->proc == p &&
	    (first->type == SCRY_REC_SWITCH || first->type == SCRY_REC_CPUTICK))
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
