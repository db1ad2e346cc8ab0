// SPDX-License-Identifier: GPL-2.0
/*
 * The series scry serve exports: a row per container (and the host), counters summed since scry
 * started from the view aggregator's intervals, so they never go back while the container lives;
 * the opt-in breakdowns per syscall and per process under one cap. A row not seen for the expiry
 * time goes, with its breakdowns: Prometheus marks its series stale at the next scrape.
 * Snapshots are flat copies with every label already escaped, so a scrape only concatenates.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/container.h"
#include "scry/decode.h"
#include "scry/serve.h"
#include "scry/util.h"
#include "internal.h"

struct serve_ctr_row {
	char *lab[5];			/* id, name, image, pod, namespace */
	uint64_t v[SC__MAX];
	uint64_t base[SC__MAX];		/* cgroup counters: what earlier cgroups of the id counted */
	uint64_t last[SC__MAX];		/* cgroup counters: the latest reading */
	uint32_t have;			/* 1 << SC_*: a cgroup reading was taken */
	uint64_t seen;
	uint64_t hash;
	struct serve_ctr_row *next;	/* same hash */
};

struct brk {
	struct serve_ctr_row *row;
	uint8_t kind;
	uint32_t id;			/* syscall nr or pid */
	char comm[SCRY_COMM_LEN];
	uint64_t a, b;			/* calls and errors; cpu ns and calls */
	uint64_t seen;			/* the store's clock when it last counted */
};

struct serve_store {
	uint32_t groups;
	uint64_t expire_ns;
	char *node;
	struct hashmap *rows;		/* hash(id) -> row */
	size_t nrows;
	struct hashmap *brk;		/* hash(row, kind, id) -> brk */
	uint64_t brk_dropped;
	uint64_t now;			/* expire's, for its sweeps */
	uint64_t clock;			/* serve_store__tick's: breakdown rows' last counts */
};

struct serve_store *serve_store__new(uint32_t groups, uint64_t expire_ns, const char *node)
{
	struct serve_store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->groups = groups;
	s->expire_ns = expire_ns;
	s->node = strdup(node ? node : "");
	s->clock = now_mono_ns();
	s->rows = hashmap__new(64);
	s->brk = hashmap__new(64);
	if (!s->node || !s->rows || !s->brk) {
		serve_store__free(s);
		return NULL;
	}
	return s;
}

static void row_free(struct serve_ctr_row *r)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(r->lab); i++)
		free(r->lab[i]);
	free(r);
}

void serve_store__free(struct serve_store *s)
{
	size_t pos = 0;
	void *v;

	if (!s)
		return;
	while (s->rows && hashmap__next(s->rows, &pos, NULL, &v)) {
		struct serve_ctr_row *r = v, *n;

		for (; r; r = n) {
			n = r->next;
			row_free(r);
		}
	}
	pos = 0;
	while (s->brk && hashmap__next(s->brk, &pos, NULL, &v))
		free(v);
	hashmap__free(s->rows);
	hashmap__free(s->brk);
	free(s->node);
	free(s);
}

struct serve_ctr_row *serve_store__row(struct serve_store *s, const char *id)
{
	uint64_t h = ctr_hash(id, strlen(id));
	struct serve_ctr_row *first = hashmap__find(s->rows, h), *r;

	for (r = first; r; r = r->next)
		if (!strcmp(r->lab[0], id))
			return r;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->lab[0] = strdup(id)))
		goto fail;
	r->hash = h;
	r->seen = now_mono_ns();	/* a row made for a rare event lives its expiry time too */
	r->next = first;
	if (hashmap__set(s->rows, h, r))
		goto fail;
	s->nrows++;
	return r;
fail:
	if (r)
		row_free(r);
	return NULL;
}

/* A label changes rarely (a name resolved late): copied only then. */
static void set_label(char **dst, const char *v)
{
	char *c;

	v = v ? v : "";
	if (*dst && !strcmp(*dst, v))
		return;
	c = strdup(v);
	if (!c)
		return;		/* out of memory: the old value stays */
	free(*dst);
	*dst = c;
}

void serve_store__set_labels(struct serve_ctr_row *r, const struct serve_labels *l)
{
	set_label(&r->lab[1], l->name);
	set_label(&r->lab[2], l->image);
	set_label(&r->lab[3], l->pod);
	set_label(&r->lab[4], l->ns);
}

void serve_store__add(struct serve_ctr_row *r, enum serve_ctr c, uint64_t v)
{
	r->v[c] += v;
}

void serve_store__set(struct serve_ctr_row *r, enum serve_ctr c, uint64_t v)
{
	if (c == SC_MEM_WSET) {
		r->v[c] = v;
	} else {
		/* A cgroup's counter that went back is a new cgroup of the same container id
		 * (a restart): what the old one counted stays in, so the series never goes back. */
		if ((r->have & (1u << c)) && v < r->last[c])
			r->base[c] += r->last[c];
		r->last[c] = v;
		r->v[c] = r->base[c] + v;
	}
	r->have |= 1u << c;
}

void serve_store__seen(struct serve_ctr_row *r, uint64_t now)
{
	r->seen = now;
}

void serve_store__tick(struct serve_store *s, uint64_t now)
{
	s->clock = now;
}

const char *serve_store__row_id(const struct serve_ctr_row *r)
{
	return r->lab[0];
}

static uint64_t brk_key(const struct brk *b)
{
	uint64_t k[3] = { (uintptr_t)b->row, b->kind, b->id };

	return ctr_hash(k, sizeof(k));
}

static struct brk *brk_get(struct serve_store *s, struct serve_ctr_row *r, uint8_t kind,
			   uint32_t id)
{
	struct brk key = { .row = r, .kind = kind, .id = id }, *b;
	uint64_t h = brk_key(&key);

	b = hashmap__find(s->brk, h);

	if (b)
		return b->row == r && b->kind == kind && b->id == id ? b : NULL;
	if (hashmap__size(s->brk) >= SERVE_BREAKDOWN_MAX)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->row = r;
	b->kind = kind;
	b->id = id;
	b->seen = s->clock;
	if (hashmap__set(s->brk, h, b)) {
		free(b);
		return NULL;
	}
	return b;
}

bool serve_store__syscall(struct serve_store *s, struct serve_ctr_row *r, uint32_t nr,
			  uint64_t calls, uint64_t errors)
{
	struct brk *b = brk_get(s, r, BRK_SYSCALL, nr);

	if (!b) {
		s->brk_dropped += calls;
		return false;
	}
	b->a += calls;
	b->b += errors;
	b->seen = s->clock;
	return true;
}

bool serve_store__proc(struct serve_store *s, struct serve_ctr_row *r, uint32_t pid,
		       const char *comm, uint64_t cpu_ns, uint64_t calls)
{
	struct brk *b = brk_get(s, r, BRK_PROC, pid);

	if (!b) {
		s->brk_dropped += calls + (cpu_ns ? 1 : 0);
		return false;
	}
	/* A pid reused by another process of the same container continues its series. */
	if (comm) {
		size_t n = strnlen(comm, SCRY_COMM_LEN - 1);

		memcpy(b->comm, comm, n);
		b->comm[n] = '\0';
	}
	b->a += cpu_ns;
	b->b += calls;
	b->seen = s->clock;
	return true;
}

/* Keys of `m` whose value `gone` judges gone at `now`, removed; each value to `drop`. */
static size_t sweep(struct hashmap *m, bool (*gone)(void *v, uint64_t now, uint64_t ttl),
		    void (*drop)(void *v, void *ctx, size_t *n), void *ctx, uint64_t now,
		    uint64_t ttl, bool *partial)
{
	size_t pos = 0, nk = 0, i, n = 0;
	uint64_t key, *keys = NULL;
	void *v;

	/* Keys first: removing while iterating may move entries past the cursor. */
	while (hashmap__next(m, &pos, &key, &v)) {
		uint64_t *k;

		if (!gone(v, now, ttl))
			continue;
		k = realloc(keys, (nk + 1) * sizeof(*keys));
		if (!k) {
			*partial = true;	/* out of memory: the rest goes at the next sweep */
			break;
		}
		keys = k;
		keys[nk++] = key;
	}
	for (i = 0; i < nk; i++)
		drop(hashmap__find(m, keys[i]), ctx, &n);
	free(keys);
	return n;
}

/* A breakdown row goes with its container's, or on its own once it has counted nothing for the
 * expiry time (the processes that exited in a long-lived container). */
static bool brk_gone(void *v, uint64_t now, uint64_t ttl)
{
	const struct brk *b = v;

	return now - b->row->seen >= ttl || now - b->seen >= ttl;
}

static void brk_drop(void *v, void *ctx, size_t *n)
{
	struct serve_store *s = ctx;

	hashmap__del(s->brk, brk_key(v));
	free(v);
	(*n)++;
}

/* A hash's chain: gone when any row of it is (the drop keeps the others). */
static bool chain_gone(void *v, uint64_t now, uint64_t ttl)
{
	const struct serve_ctr_row *r;

	for (r = v; r; r = r->next)
		if (now - r->seen >= ttl)
			return true;
	return false;
}

static void chain_drop(void *v, void *ctx, size_t *n)
{
	struct serve_store *s = ctx;
	struct serve_ctr_row *first = v, **pp = &first, *r;
	uint64_t key = first->hash;

	while ((r = *pp)) {
		if (s->now - r->seen < s->expire_ns) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		row_free(r);
		s->nrows--;
		(*n)++;
	}
	if (first)
		hashmap__set(s->rows, key, first);
	else
		hashmap__del(s->rows, key);
}

size_t serve_store__expire(struct serve_store *s, uint64_t now)
{
	bool partial = false;

	/*
	 * Breakdowns of the rows that go first: they point at them. When not all of them could
	 * go (no memory for the keys), no row goes either: a breakdown left would point at it.
	 */
	s->now = now;
	sweep(s->brk, brk_gone, brk_drop, s, now, s->expire_ns, &partial);
	if (partial)
		return 0;
	return sweep(s->rows, chain_gone, chain_drop, s, now, s->expire_ns, &partial);
}

size_t serve_store__rows(const struct serve_store *s)
{
	return s->nrows;
}

/* --- snapshots ------------------------------------------------------------------------------- */
static void label(struct expo *e, const char *name, const char *v, bool first)
{
	if (!first)
		expo__puts(e, ",");
	expo__puts(e, name);
	expo__puts(e, "=\"");
	expo__label_value(e, v ? v : "", v ? strlen(v) : 0);
	expo__puts(e, "\"");
}

static const char *const label_names[5] = {
	"container_id", "container_name", "image", "pod", "namespace"
};

static void row_labels(struct expo *e, const struct serve_ctr_row *r, const char *node)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(label_names); i++)
		label(e, label_names[i], r->lab[i], !i);
	label(e, "node", node, false);
}

struct serve_snapshot *serve_store__snapshot(const struct serve_store *s,
					     const struct serve_health *h)
{
	struct serve_snapshot *sn;
	struct expo text;
	size_t pos = 0, i = 0, nbrk = hashmap__size(s->brk);
	void *v;

	expo__init(&text);
	sn = calloc(1, sizeof(*sn) + h->ncpus * sizeof(uint64_t));
	if (!sn)
		goto fail;
	atomic_init(&sn->refs, 1);
	sn->groups = s->groups;
	sn->h = *h;
	sn->h.cpu_dropped = sn->cpu_dropped;
	if (h->ncpus)
		memcpy(sn->cpu_dropped, h->cpu_dropped, h->ncpus * sizeof(uint64_t));
	sn->brk_dropped = s->brk_dropped;
	sn->rows = calloc(s->nrows + 1, sizeof(*sn->rows));
	sn->brk = calloc(nbrk + 1, sizeof(*sn->brk));
	if (!sn->rows || !sn->brk)
		goto fail;
	expo__write(&text, "", 1);	/* offset 0: no labels */
	sn->node = text.len;
	label(&text, "node", s->node, true);
	expo__write(&text, "", 1);
	while (hashmap__next(s->rows, &pos, NULL, &v)) {
		const struct serve_ctr_row *r;

		for (r = v; r; r = r->next) {
			struct snap_row *d = &sn->rows[i++];

			d->labels = text.len;
			row_labels(&text, r, s->node);
			expo__write(&text, "", 1);
			memcpy(d->v, r->v, sizeof(d->v));
			d->have = r->have;
		}
	}
	sn->nrows = i;
	pos = 0;
	i = 0;
	while (hashmap__next(s->brk, &pos, NULL, &v)) {
		const struct brk *b = v;
		struct snap_brk *d = &sn->brk[i++];
		char num[16];

		d->labels = text.len;
		d->kind = b->kind;
		d->a = b->a;
		d->b = b->b;
		row_labels(&text, b->row, s->node);
		if (b->kind == BRK_SYSCALL) {
			const char *name = syscall_name(b->id);

			snprintf(num, sizeof(num), "%u", b->id);
			label(&text, "syscall", name ? name : num, false);
		} else {
			snprintf(num, sizeof(num), "%u", b->id);
			label(&text, "pid", num, false);
			label(&text, "comm", b->comm, false);
		}
		expo__write(&text, "", 1);
	}
	sn->nbrk = i;
	if (text.oom)
		goto fail;
	sn->text = text.buf;	/* the snapshot's from now on */
	return sn;
fail:
	expo__free(&text);
	if (sn) {
		free(sn->rows);
		free(sn->brk);
	}
	free(sn);
	return NULL;
}

void serve_snapshot__get(struct serve_snapshot *sn)
{
	atomic_fetch_add(&sn->refs, 1);
}

void serve_snapshot__put(struct serve_snapshot *sn)
{
	if (!sn || atomic_fetch_sub(&sn->refs, 1) != 1)
		return;
	free(sn->text);
	free(sn->rows);
	free(sn->brk);
	free(sn);
}

