// SPDX-License-Identifier: GPL-2.0
/*
 * The containers scry has seen: cgroup id -> container, and the container's metadata from its
 * runtime. The consumer thread learns a new cgroup's path with one local syscall and never waits
 * for a runtime: names, images and labels are asked for by a resolver thread and applied by the
 * consumer when it polls. Until then a container is shown by its short id.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "scry/container.h"
#include "scry/state.h"
#include "scry/util.h"

struct cg_entry {
	struct scry_container *ctr;	/* NULL: the host */
	uint64_t last_ts;
};

struct containers {
	struct cgroup_fs *cg;		/* NULL on replay */
	struct cgstat_fs *cgs;		/* NULL on replay, or with no cgroup mounted */
	struct hashmap *by_cgid;	/* cgid -> struct cg_entry */
	struct hashmap *by_id;		/* ctr_hash(id) -> container, more through id_next */
	struct scry_container **list;
	size_t n, cap;
	struct resolver *res;		/* NULL unless resolving */
	size_t nunasked;		/* containers whose request found the queue full */
	struct hashmap *born;		/* cgid -> struct born: container cgroups made, not yet seen */
	size_t nborn_dead;		/* of those, removed already (freed BORN_LINGER_NS later) */
	uint64_t unresolvable;		/* cgroups gone before their path was read */
};

struct born;
static void born_free(struct containers *c, struct born *b);

/* --- ids: a keyed hash, so that ids chosen by a file or a runtime cannot collide at will ---- */

static uint64_t sip_k0, sip_k1;
static pthread_once_t sip_once = PTHREAD_ONCE_INIT;

static void sip_init(void)
{
	uint64_t k[2];

	if (getrandom(k, sizeof(k), GRND_NONBLOCK) != sizeof(k)) {
		k[0] = now_mono_ns() ^ (uintptr_t)&k;
		k[1] = now_boot_ns() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	}
	sip_k0 = k[0];
	sip_k1 = k[1];
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND								\
	do {									\
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
	} while (0)

uint64_t ctr_hash(const void *data, size_t len)
{
	const uint8_t *in = data, *end = in + (len & ~(size_t)7);
	uint64_t v0, v1, v2, v3, m, b = (uint64_t)len << 56;
	size_t i;

	pthread_once(&sip_once, sip_init);
	v0 = sip_k0 ^ 0x736f6d6570736575ULL;
	v1 = sip_k1 ^ 0x646f72616e646f6dULL;
	v2 = sip_k0 ^ 0x6c7967656e657261ULL;
	v3 = sip_k1 ^ 0x7465646279746573ULL;
	for (; in != end; in += 8) {
		for (m = 0, i = 0; i < 8; i++)
			m |= (uint64_t)in[i] << (8 * i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (i = 0; i < (len & 7); i++)
		b |= (uint64_t)in[i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* --- the registry ---------------------------------------------------------------------------- */

struct containers *containers__new(const struct containers_opts *o, bool live)
{
	struct containers *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->by_cgid = hashmap__new(256);
	c->by_id = hashmap__new(64);
	if (!c->by_cgid || !c->by_id)
		goto fail;
	if (live) {
		c->cg = cgroup_fs__open(o->mountinfo, o->v1_controller);
		if (!c->cg) {
			if (o->v1_controller)
				log_err("no cgroup v1 hierarchy with the controller '%s' is mounted",
					o->v1_controller);
			else
				log_warn("no cgroup filesystem is mounted: every event is shown as host");
		} else if (cgroup_fs__controller(c->cg)) {
			log_debug("cgroups: the v1 hierarchy of '%s' at %s", cgroup_fs__controller(c->cg),
				  cgroup_fs__mount(c->cg));
		} else {
			log_debug("cgroups: cgroup2 at %s", cgroup_fs__mount(c->cg));
		}
	}
	if (live)
		c->cgs = cgstat_fs__open(o->mountinfo);
	if (live && o->resolve && c->cg) {
		c->res = resolver_start(o);
		if (!c->res)
			log_warn("cannot start the container name resolver: containers are shown by id");
	}
	if (live && o->v1_controller && !c->cg)
		goto fail;
	return c;
fail:
	containers__free(c);
	return NULL;
}

static void container_free(struct scry_container *ctr)
{
	ctr_meta__free(&ctr->meta);
	free(ctr->cg_path);
	free(ctr);
}

void containers__free(struct containers *c)
{
	size_t pos = 0, i;
	void *v;

	if (!c)
		return;
	resolver_stop(c->res);
	if (c->by_cgid) {
		while (hashmap__next(c->by_cgid, &pos, NULL, &v))
			free(v);
		hashmap__free(c->by_cgid);
	}
	pos = 0;
	while (c->born && hashmap__next(c->born, &pos, NULL, &v))
		born_free(c, v);
	hashmap__free(c->born);
	for (i = 0; i < c->n; i++)
		container_free(c->list[i]);
	free(c->list);
	hashmap__free(c->by_id);
	cgroup_fs__free(c->cg);
	cgstat_fs__free(c->cgs);
	free(c);
}

const struct cgroup_fs *containers__cgroup_fs(const struct containers *c)
{
	return c->cg;
}

static uint64_t id_hash(const char *id)
{
	return ctr_hash(id, strnlen(id, CTR_ID_MAX - 1));
}

static struct scry_container *find_id(struct containers *c, const char *id)
{
	struct scry_container *ctr = hashmap__find(c->by_id, id_hash(id));

	while (ctr && strncmp(ctr->id, id, CTR_ID_MAX - 1))
		ctr = ctr->id_next;
	return ctr;
}

/* Out of the id index, before it is freed. */
static void unindex(struct containers *c, struct scry_container *ctr)
{
	uint64_t h = id_hash(ctr->id);
	struct scry_container *head = hashmap__find(c->by_id, h), **pp = &head;

	while (*pp && *pp != ctr)
		pp = &(*pp)->id_next;
	if (!*pp)
		return;
	*pp = ctr->id_next;
	if (head)
		hashmap__set(c->by_id, h, head);
	else
		hashmap__del(c->by_id, h);
}

static struct scry_container *new_container(struct containers *c, const char *id,
					    enum ctr_runtime rt, uint64_t ts)
{
	struct scry_container *ctr;
	uint64_t h;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct scry_container **l = realloc(c->list, cap * sizeof(*l));

		if (!l)
			return NULL;
		c->list = l;
		c->cap = cap;
	}
	ctr = calloc(1, sizeof(*ctr));
	if (!ctr)
		return NULL;
	snprintf(ctr->id, sizeof(ctr->id), "%s", id);
	snprintf(ctr->short_id, sizeof(ctr->short_id), "%.*s", CTR_SHORT_ID, id);
	ctr->runtime = rt;
	ctr->first_ts = ctr->last_ts = ts;
	h = id_hash(ctr->id);
	ctr->id_next = hashmap__find(c->by_id, h);
	if (hashmap__set(c->by_id, h, ctr)) {
		free(ctr);
		return NULL;
	}
	c->list[c->n++] = ctr;
	return ctr;
}

static struct cg_entry *map_cgroup(struct containers *c, uint64_t cgid, struct scry_container *ctr,
				   uint64_t ts)
{
	struct cg_entry *e = malloc(sizeof(*e));

	if (!e)
		return NULL;
	e->ctr = ctr;
	e->last_ts = ts;
	if (hashmap__set(c->by_cgid, cgid, e)) {
		free(e);
		return NULL;
	}
	if (ctr)
		ctr->ncgroups++;
	return e;
}

/* A queue that is full now is asked again at the next poll: no name is given up on. */
static void ask(struct containers *c, struct scry_container *ctr)
{
	bool was_unasked = ctr->unasked;

	ctr->pending = resolver_ask(c->res, ctr);
	ctr->unasked = !ctr->pending;
	if (ctr->pending)
		ctr->asked_mono = now_mono_ns();
	if (ctr->unasked != was_unasked)
		c->nunasked += ctr->unasked ? 1 : -1;
}

/*
 * Bounds the paths kept for container cgroups that no event has come from yet (every container
 * runs something, so they are taken soon); past it, new ones are looked up by id as before.
 */
#define BORN_MAX 4096
/*
 * A removed cgroup's path is kept this long after its cgroup_rmdir record: records of it that
 * another CPU staged before the removal may still be on their way.
 */
#define BORN_LINGER_NS 2000000000ULL

struct born {
	uint64_t dead_mono;	/* monotonic ns of its removal, 0 while it exists */
	char path[];
};

static void born_free(struct containers *c, struct born *b)
{
	if (b && b->dead_mono)
		c->nborn_dead--;
	free(b);
}

void containers__cgroup_made(struct containers *c, uint64_t cgid, const char *path, size_t len)
{
	char id[CTR_ID_MAX];
	enum ctr_runtime rt;
	struct born *b;

	if (!c->cg || !cgid || hashmap__find(c->by_cgid, cgid))
		return;
	b = calloc(1, sizeof(*b) + len + 1);
	if (!b)
		return;
	memcpy(b->path, path, len);
	/* Only containers' cgroups are worth keeping: any other one is the host's anyway. */
	if (!cgroup_path_container(b->path, &rt, id) ||
	    (!c->born && !(c->born = hashmap__new(64)))) {
		free(b);
		return;
	}
	if (hashmap__size(c->born) >= BORN_MAX) {
		log_debug("%u container cgroups made and not yet seen: %s is looked up by id",
			  BORN_MAX, b->path);
		free(b);
		return;
	}
	born_free(c, hashmap__find(c->born, cgid));	/* an id reused: the newest path wins */
	if (hashmap__set(c->born, cgid, b))
		free(b);
}

void containers__cgroup_removed(struct containers *c, uint64_t cgid)
{
	struct born *b = c->born ? hashmap__find(c->born, cgid) : NULL;

	if (b && !b->dead_mono) {
		b->dead_mono = now_mono_ns();
		c->nborn_dead++;
	}
}

/* Removed cgroups whose path no record asked for within BORN_LINGER_NS. */
static void born_prune(struct containers *c)
{
	uint64_t now = now_mono_ns(), key;
	size_t pos = 0;
	void *v;

	while (c->nborn_dead && hashmap__next(c->born, &pos, &key, &v)) {
		struct born *b = v;

		if (b->dead_mono && now - b->dead_mono > BORN_LINGER_NS) {
			hashmap__del(c->born, key);
			pos = pos ? pos - 1 : 0;
			born_free(c, b);
		}
	}
}

/* The path a cgroup_mkdir record gave for `cgid`, taken out of the table. */
static int born_path(struct containers *c, uint64_t cgid, char *path, size_t len)
{
	struct born *b = c->born ? hashmap__del(c->born, cgid) : NULL;
	int err = 0;

	if (!b)
		return -ENOENT;
	if (strlen(b->path) >= len)
		err = -ENAMETOOLONG;
	else
		strcpy(path, b->path);
	born_free(c, b);
	return err;
}

/*
 * The container's own cgroup is the shortest of its paths: the runtime makes it, and anything a
 * container makes (systemd inside) is below it. Its figures are the whole container's.
 */
static void keep_cg_path(struct scry_container *ctr, const char *path)
{
	size_t len = strlen(path), idlen = strlen(ctr->id);
	const char *at, *end;
	char *p;

	/*
	 * A container whose processes all run below its own cgroup (systemd inside, nested
	 * runtimes) still has that cgroup: the path up to the component that holds its id. Only
	 * for the runtimes' long hex ids, which no other component can contain by chance.
	 */
	if (idlen >= 32 && (at = strstr(path, ctr->id)) && (end = strchr(at + idlen, '/')))
		len = end - path;
	if (ctr->cg_path && strlen(ctr->cg_path) <= len)
		return;
	p = strndup(path, len);
	if (!p)
		return;
	free(ctr->cg_path);
	ctr->cg_path = p;
}

void containers__read_cgstat(struct containers *c, struct scry_container *ctr, uint64_t start,
			     uint64_t end)
{
	struct ctr_cgstat *s = &ctr->cgs;

	if (!c->cgs || !ctr->cg_path || s->gen == end)
		return;
	s->prev = s->cur;
	if (s->gen != start)
		memset(&s->prev, 0, sizeof(s->prev));
	cgstat_read(c->cgs, ctr->cg_path, &s->cur);
	s->gen = end;
}

struct scry_container *containers__of_cgroup(struct containers *c, uint64_t cgid, uint64_t ts)
{
	struct cg_entry *e = hashmap__find(c->by_cgid, cgid);
	struct scry_container *ctr = NULL;
	char path[4096], id[CTR_ID_MAX];
	enum ctr_runtime rt;
	int err;

	if (e) {
		/*
		 * Never back in time: a record that arrives late must not make a container look
		 * idle (and reapable) while newer records of it still wait in the reorder stage.
		 */
		if (ts > e->last_ts)
			e->last_ts = ts;
		if (e->ctr && ts > e->ctr->last_ts)
			e->ctr->last_ts = ts;
		return e->ctr;
	}
	if (!c->cg || !cgid)
		return NULL;	/* replay knows only what the capture says; 0 is no cgroup */
	err = born_path(c, cgid, path, sizeof(path));
	if (err)
		err = cgroup_fs__path(c->cg, cgid, path, sizeof(path));
	if (err) {
		/* Gone before we looked (a short-lived cgroup): remember as host, and count it. */
		c->unresolvable++;
		log_debug("cgroup %llu: no path (%s)", (unsigned long long)cgid, strerror(-err));
	} else if (cgroup_path_container(path, &rt, id)) {
		ctr = find_id(c, id);
		if (!ctr) {
			ctr = new_container(c, id, rt, ts);
			if (ctr && c->res)
				ask(c, ctr);
		}
		if (ctr)
			keep_cg_path(ctr, path);
	}
	if (ctr && ts > ctr->last_ts)
		ctr->last_ts = ts;
	map_cgroup(c, cgid, ctr, ts);
	return ctr;
}

/* Requests a container gets at most when its runtime fails to answer. */
#define RESOLVE_TRIES 3

int containers__poll(struct containers *c)
{
	struct answer *a;
	size_t n, i;

	if (!c->res)
		return 0;
	/*
	 * Taken in place, under the lock (a few pointer moves): the array keeps the room that
	 * resolver_ask reserved for the answers still to come.
	 */
	pthread_mutex_lock(&c->res->lock);
	a = c->res->answers;
	n = c->res->nanswers;
	c->res->nanswers = 0;
	for (i = 0; i < n; i++) {
		struct scry_container *ctr = find_id(c, a[i].id);

		if (ctr)
			ctr->pending = false;
		/*
		 * A runtime that failed to answer (a timeout under load, a restart) is asked again,
		 * a few times: a name lost to one slow moment is lost for the whole run otherwise.
		 */
		if (ctr && !a[i].ok && a[i].retry && ++ctr->tries < RESOLVE_TRIES && !ctr->unasked) {
			ctr->unasked = true;
			c->nunasked++;
		}
		if (!ctr || !a[i].ok) {
			ctr_meta__free(&a[i].meta);
			continue;
		}
		ctr_meta__free(&ctr->meta);
		ctr->meta = a[i].meta;
		ctr->resolved = true;
	}
	pthread_mutex_unlock(&c->res->lock);
	for (i = 0; c->nunasked && i < c->n; i++)
		if (c->list[i]->unasked)
			ask(c, c->list[i]);
	if (c->nborn_dead)
		born_prune(c);
	return n;
}

void containers__settle(struct containers *c, long timeout_ms)
{
	struct timespec dl;

	if (!c->res)
		return;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->res->lock);
	while (c->res->busy)
		if (pthread_cond_timedwait(&c->res->idle, &c->res->lock, &dl))
			break;
	pthread_mutex_unlock(&c->res->lock);
	containers__poll(c);
}

void containers__bind(struct scry_proc *p, struct scry_container *ctr, uint64_t cgid)
{
	if (p->ctr_known && p->container == ctr) {
		p->ctr_cgid = cgid;
		return;
	}
	containers__unbind(p);
	p->container = ctr;
	p->ctr_cgid = cgid;
	p->ctr_known = true;
	if (ctr)
		ctr->procs++;
}

void containers__unbind(struct scry_proc *p)
{
	if (p->container && p->container->procs)
		p->container->procs--;
	p->container = NULL;
	p->ctr_known = false;
}

void containers__attach_procs(struct containers *c, struct proctab *pt, const char *procfs)
{
	char path[64], text[4096], cgpath[4096];
	uint64_t now = now_boot_ns();
	struct scry_proc *p;
	size_t pos = 0;

	if (!c->cg)
		return;
	while ((p = proctab__next_proc(pt, &pos))) {
		FILE *f;
		size_t n;
		uint64_t cgid;

		if (p->ctr_known)
			continue;
		snprintf(path, sizeof(path), "%s/%u/cgroup", procfs, p->pid);
		f = fopen(path, "re");
		if (!f)
			continue;
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
		if (cgroup_fs__proc_path(c->cg, text, cgpath, sizeof(cgpath)))
			continue;
		cgid = cgroup_fs__id(c->cg, cgpath);
		if (!cgid)
			continue;
		if (!p->cgid)
			p->cgid = cgid;
		containers__bind(p, containers__of_cgroup(c, cgid, now), cgid);
	}
}

void containers__reap(struct containers *c, uint64_t now_ts, uint64_t idle_ns)
{
	size_t pos = 0, i, j;
	uint64_t key;
	void *v;

	if (!c->cg)
		return;	/* replay: the capture's table stays whole */
	/* Forget cgroups not seen for a while (they are learnt again if they come back). */
	while (hashmap__next(c->by_cgid, &pos, &key, &v)) {
		struct cg_entry *e = v;

		if (e->last_ts + idle_ns < now_ts && (!e->ctr || (!e->ctr->procs && !e->ctr->pins))) {
			hashmap__del(c->by_cgid, key);
			if (e->ctr)
				e->ctr->ncgroups--;
			free(e);
			pos = pos ? pos - 1 : 0;
		}
	}
	/* A container goes with its last cgroup: counted, not searched for. */
	for (i = j = 0; i < c->n; i++) {
		struct scry_container *ctr = c->list[i];

		if (!ctr->procs && !ctr->pins && ctr->last_ts + idle_ns < now_ts && !ctr->ncgroups) {
			if (ctr->unasked)
				c->nunasked--;
			unindex(c, ctr);
			container_free(ctr);
			continue;
		}
		c->list[j++] = ctr;
	}
	c->n = j;
}

struct scry_container *containers__add(struct containers *c, uint64_t cgid, const char *id,
				       enum ctr_runtime rt, struct ctr_meta *meta)
{
	struct scry_container *ctr = find_id(c, id);

	if (!ctr) {
		ctr = new_container(c, id, rt, 0);
		if (!ctr)
			return NULL;
	}
	if (meta) {
		ctr_meta__free(&ctr->meta);
		ctr->meta = *meta;
		memset(meta, 0, sizeof(*meta));
		ctr->resolved = ctr->meta.name != NULL;
	}
	if (cgid && !hashmap__find(c->by_cgid, cgid))
		map_cgroup(c, cgid, ctr, 0);
	return ctr;
}

struct scry_container *containers__next(struct containers *c, size_t *pos)
{
	return *pos < c->n ? c->list[(*pos)++] : NULL;
}

size_t containers__count(const struct containers *c)
{
	return c->n;
}
