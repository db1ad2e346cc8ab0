// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (diff18): a container's changes to its files, as docker diff lists them (see
 * scry/fsdiff.h). Entries are kept by a hash of their path (collisions chained); removing or
 * renaming a directory walks the table for what was below it, which only directories pay for.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scry/fsdiff.h"
#include "scry/util.h"

struct fsd_ent {
	struct fsd_ent *next;		/* the next entry of the same hash */
	char *path;
	size_t len;
	bool base;			/* there before the run */
	bool now;			/* there now */
	bool changed;
	bool dir;
	uint64_t bytes;
	struct fsdiff_who who;
};

struct fsdiff {
	struct hashmap *map;		/* hash -> chain of entries */
	size_t n;
	uint64_t lost;
	size_t ndirs;			/* directory entries: a removal or rename looks below */
	struct hashmap *seen;		/* hashes of paths known to be there (fsdiff__seen) */
};

static uint64_t path_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--) {
		h ^= (uint8_t)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct fsdiff *fsdiff__new(void)
{
	struct fsdiff *d = calloc(1, sizeof(*d));

	if (d && (!(d->map = hashmap__new(64)) || !(d->seen = hashmap__new(64)))) {
		hashmap__free(d->map);
		free(d);
		return NULL;
	}
	return d;
}

static void ent_free(struct fsd_ent *e)
{
	free(e->path);
	free(e);
}

/*
 * Entries of every container together (the consumer's thread alone touches them): each
 * container's own bound times many containers is no bound.
 */
static size_t fsd_total;

void fsdiff__free(struct fsdiff *d)
{
	size_t pos = 0;
	uint64_t key;
	void *val;

	if (!d)
		return;
	fsd_total -= d->n;
	while (hashmap__next(d->map, &pos, &key, &val)) {
		struct fsd_ent *e = val, *next;

		for (; e; e = next) {
			next = e->next;
			ent_free(e);
		}
	}
	hashmap__free(d->map);
	hashmap__free(d->seen);
	free(d);
}

void fsdiff__seen(struct fsdiff *d, const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	if (hashmap__size(d->seen) < FSDIFF_SEEN_MAX)
		hashmap__set(d->seen, path_hash(path, n), d);	/* no memory: not remembered */
}

uint64_t fsdiff__lost(const struct fsdiff *d)
{
	return d ? d->lost : 0;
}

static struct fsd_ent *find(const struct fsdiff *d, const char *path, size_t len)
{
	struct fsd_ent *e = hashmap__find(d->map, path_hash(path, len));

	while (e && (e->len != len || memcmp(e->path, path, len)))
		e = e->next;
	return e;
}

/* Link an entry (its path set) into the table. */
static int link_ent(struct fsdiff *d, struct fsd_ent *e)
{
	uint64_t h = path_hash(e->path, e->len);
	struct fsd_ent *head = hashmap__find(d->map, h);

	e->next = head;
	if (hashmap__set(d->map, h, e)) {
		e->next = NULL;
		return -ENOMEM;
	}
	d->n++;
	fsd_total++;
	d->ndirs += e->dir;
	return 0;
}

static void unlink_ent(struct fsdiff *d, struct fsd_ent *e)
{
	uint64_t h = path_hash(e->path, e->len);
	struct fsd_ent *head = hashmap__find(d->map, h), **pp = &head;

	while (*pp && *pp != e)
		pp = &(*pp)->next;
	if (!*pp)
		return;
	*pp = e->next;
	if (head)
		hashmap__set(d->map, h, head);	/* replaces a value: no allocation */
	else
		hashmap__del(d->map, h);
	e->next = NULL;
	d->n--;
	fsd_total--;
	d->ndirs -= e->dir;
}

/* The entry of a path, made if it has none (as there before the run and now, unchanged). */
static struct fsd_ent *get(struct fsdiff *d, const char *path, size_t len, int *err)
{
	struct fsd_ent *e = find(d, path, len);

	if (e)
		return e;
	if (d->n >= FSDIFF_MAX || fsd_total >= FSDIFF_TOTAL_MAX) {
		d->lost++;
		*err = -ENOSPC;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->path = strndup(path, len))) {
		free(e);
		*err = -ENOMEM;
		return NULL;
	}
	e->len = len;
	e->base = e->now = true;
	if ((*err = link_ent(d, e))) {
		ent_free(e);
		return NULL;
	}
	return e;
}

static void set_dir(struct fsdiff *d, struct fsd_ent *e, bool dir)
{
	d->ndirs += (size_t)dir - (size_t)e->dir;
	e->dir = dir;
}

static void set_who(struct fsd_ent *e, const struct fsdiff_who *who)
{
	if (who)
		e->who = *who;
}

/* An entry that says nothing any more: made in the run and gone again. */
static void drop_if_void(struct fsdiff *d, struct fsd_ent *e)
{
	if (!e->base && !e->now) {
		unlink_ent(d, e);
		ent_free(e);
	}
}

/* Whether `p` lies below the directory `dir` (len bytes). */
static bool below(const struct fsd_ent *p, const char *dir, size_t len)
{
	return p->len > len && p->path[len] == '/' && !memcmp(p->path, dir, len);
}

/*
 * The entries below `dir`, collected (they are unlinked by the caller): a walk of the table, so
 * only when directories are known (a file has nothing below it).
 */
static struct fsd_ent **collect_below(struct fsdiff *d, const char *dir, size_t len, size_t *n,
				      int *err)
{
	struct fsd_ent **v = NULL, **grown;
	size_t cap = 0, pos = 0;
	uint64_t key;
	void *val;

	*n = 0;
	if (!d->ndirs)
		return NULL;
	while (hashmap__next(d->map, &pos, &key, &val)) {
		for (struct fsd_ent *e = val; e; e = e->next) {
			if (!below(e, dir, len))
				continue;
			if (*n == cap) {
				cap = cap ? 2 * cap : 16;
				if (!(grown = realloc(v, cap * sizeof(*v)))) {
					free(v);
					*n = 0;
					*err = -ENOMEM;
					return NULL;
				}
				v = grown;
			}
			v[(*n)++] = e;
		}
	}
	return v;
}

/* The directory holding `path` changed (an entry made, removed or renamed in it). */
static int touch_parent(struct fsdiff *d, const char *path, size_t len,
			const struct fsdiff_who *who)
{
	struct fsd_ent *e;
	int err = 0;

	while (len && path[len - 1] != '/')
		len--;
	if (len <= 1)		/* the root: docker diff never lists it */
		return 0;
	if (!(e = get(d, path, len - 1, &err)))
		return err;
	if (e->base && !e->changed) {
		e->changed = true;
		set_who(e, who);
	}
	set_dir(d, e, true);
	return 0;
}

static int op_create(struct fsdiff *d, const char *path, size_t len, bool dir,
		     const struct fsdiff_who *who)
{
	struct fsd_ent *e = find(d, path, len);
	int err = 0;

	if (!e) {
		if (!(e = get(d, path, len, &err)))
			return err;
		e->base = false;	/* the call made it: it was not there */
	}
	/* made again after a removal: docker diff sees a changed file where one was before */
	if (e->base)
		e->changed = true;
	e->now = true;
	set_dir(d, e, dir);
	set_who(e, who);
	return touch_parent(d, path, len, who);
}

static int op_remove(struct fsdiff *d, const char *path, size_t len, bool dir,
		     const struct fsdiff_who *who)
{
	struct fsd_ent *e, **kids;
	size_t n, i;
	int err = 0;

	/* unlink never removes a directory: only rmdir looks below */
	kids = dir ? collect_below(d, path, len, &n, &err) : NULL;
	for (i = 0; kids && i < n; i++) {
		unlink_ent(d, kids[i]);
		ent_free(kids[i]);
	}
	free(kids);
	if (err)
		return err;
	if (!(e = get(d, path, len, &err)))
		return err;
	e->now = false;
	e->changed = false;
	e->bytes = 0;
	set_who(e, who);
	drop_if_void(d, e);
	return touch_parent(d, path, len, who);
}

/*
 * The entries below `from` move below `to` (a directory renamed). In two passes: all of them
 * leave the table before any comes back, so that making room at a new place (an old entry of
 * that name gives way) can never free one still to move, even when `to` lies below `from` (a
 * rename the kernel refuses, but which the paths seen here can show when a symlink was renamed).
 */
static int move_below(struct fsdiff *d, const char *from, size_t flen, const char *to,
		      size_t tlen)
{
	struct fsd_ent **kids;
	size_t n, i;
	int err = 0;

	kids = collect_below(d, from, flen, &n, &err);
	for (i = 0; i < n; i++)
		unlink_ent(d, kids[i]);
	for (i = 0; i < n; i++) {
		struct fsd_ent *e = kids[i];
		size_t nlen = tlen + e->len - flen;
		char *p;

		/* removed before: nothing of it moves; after an error, nothing more does */
		if (!e->now || err || !(p = malloc(nlen + 1))) {
			if (e->now && !err)
				err = -ENOMEM;
			ent_free(e);
			continue;
		}
		memcpy(p, to, tlen);
		memcpy(p + tlen, e->path + flen, e->len - flen + 1);
		free(e->path);
		e->path = p;
		e->len = nlen;
		/* what the new place had (an old entry of that name) gives way */
		for (struct fsd_ent *old; (old = find(d, p, nlen));) {
			unlink_ent(d, old);
			ent_free(old);
		}
		/* in the upper layer it is a new entry: what it was before does not come along */
		e->base = false;
		e->now = true;
		if ((err = link_ent(d, e)))
			ent_free(e);
	}
	free(kids);
	return err;
}

static int op_rename(struct fsdiff *d, const char *from, size_t flen, const char *to,
		     size_t tlen, const struct fsdiff_who *who)
{
	struct fsd_ent *src = find(d, from, flen), *dst;
	bool dir = src ? src->dir : false;
	uint64_t bytes = src ? src->bytes : 0;
	int err;

	if (flen == tlen && !memcmp(from, to, flen))
		return 0;	/* rename(x, x) changes nothing */
	/* a directory, or a name never seen (made before the run): what was below it moves */
	if ((!src || src->dir) && (err = move_below(d, from, flen, to, tlen)))
		return err;
	dst = find(d, to, tlen);
	if (!dst) {
		if (!(dst = get(d, to, tlen, &err)))
			return err;
		/* not known to have been there: taken as made */
		dst->base = hashmap__find(d->seen, path_hash(to, tlen)) != NULL;
		dst->changed = dst->base;
	} else {
		dst->changed = dst->base;	/* replaced */
	}
	dst->now = true;
	dst->bytes = bytes;
	set_dir(d, dst, dir);
	set_who(dst, who);
	if ((err = touch_parent(d, to, tlen, who)))
		return err;
	/* the old name is gone: a removal (what was below it has moved already) */
	return op_remove(d, from, flen, false, who);
}

static int op_change(struct fsdiff *d, const char *path, size_t len, uint64_t bytes,
		     const struct fsdiff_who *who)
{
	int err = 0;
	struct fsd_ent *e = get(d, path, len, &err);

	if (!e)
		return err;
	if (!e->now) {		/* written through an fd of a removed file: nothing on disk */
		return 0;
	}
	e->changed = true;
	e->bytes += bytes;
	set_who(e, who);
	return 0;
}

/* Absolute, not "/", no trailing '/' (a path the kernel took: "/tmp/d/" is "/tmp/d"). */
static bool path_ok(const char *p, size_t *len)
{
	size_t n;

	if (!p || p[0] != '/')
		return false;
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	*len = n;
	return n > 1;
}

/*
 * The directories above a path get entries (there before, unchanged, until told otherwise): the
 * list names them when something below them changed.
 */
static int ancestors(struct fsdiff *d, const char *path, size_t len)
{
	int err = 0;

	for (;;) {
		struct fsd_ent *e;

		while (len && path[len - 1] != '/')
			len--;
		if (len <= 1)
			return 0;
		len--;
		if ((e = find(d, path, len))) {
			set_dir(d, e, true);
			return 0;	/* and so are the ones above it */
		}
		if (!(e = get(d, path, len, &err)))
			return err;
		set_dir(d, e, true);
	}
}

int fsdiff__op(struct fsdiff *d, enum fsdiff_op op, const char *path, const char *path2,
	       uint64_t bytes, const struct fsdiff_who *who)
{
	size_t len, len2 = 0;
	int err;

	if (!path_ok(path, &len) || (op == FSD_RENAME && !path_ok(path2, &len2)))
		return -EINVAL;
	if ((err = ancestors(d, path, len)) || (len2 && (err = ancestors(d, path2, len2))))
		return err;
	switch (op) {
	case FSD_CREATE:
	case FSD_MKDIR:
		return op_create(d, path, len, op == FSD_MKDIR, who);
	case FSD_CHANGE:
		return op_change(d, path, len, bytes, who);
	case FSD_REMOVE:
	case FSD_RMDIR:
		return op_remove(d, path, len, op == FSD_RMDIR, who);
	case FSD_RENAME:
		return op_rename(d, path, len, path2, len2, who);
	}
	return -EINVAL;
}

/* --- the list --------------------------------------------------------------------------------- */

static int change_cmp(const void *a, const void *b)
{
	const struct fsdiff_change *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static char kind_of(const struct fsd_ent *e)
{
	if (!e->base)
		return e->now ? 'A' : 0;
	if (!e->now)
		return 'D';
	return e->changed ? 'C' : 0;
}

struct fsdiff_change *fsdiff__changes(struct fsdiff *d, bool (*keep)(void *ctx, const char *path),
				      void *ctx, size_t *n, int *err)
{
	struct fsdiff_change *v = NULL, *grown;
	struct hashmap *listed = NULL;
	size_t cap = 0, pos = 0, i, j;
	uint64_t key;
	void *val;
	int e = 0;

	*n = 0;
	if (!d || !d->n)
		goto out;
	if (!(listed = hashmap__new(d->n))) {
		e = -ENOMEM;
		goto out;
	}
	while (hashmap__next(d->map, &pos, &key, &val)) {
		for (struct fsd_ent *en = val; en; en = en->next) {
			char k = kind_of(en);

			if (!k || (keep && !keep(ctx, en->path)))
				continue;
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				if (!(grown = realloc(v, cap * sizeof(*v)))) {
					e = -ENOMEM;
					goto out;
				}
				v = grown;
			}
			v[(*n)++] = (struct fsdiff_change){ k, en->dir, false, en->path, en->bytes,
							    en->who };
			if (hashmap__set(listed, (uintptr_t)en, en)) {
				e = -ENOMEM;
				goto out;
			}
		}
	}
	/*
	 * Every directory above a change is listed, C unless listed already (docker diff's naive
	 * differ: "there were changes inside this directory"). The entries of the table that say
	 * nothing (unchanged) are where the implied ones point their paths.
	 */
	for (i = 0, j = *n; i < j; i++) {
		const char *p = v[i].path;
		size_t len = strlen(p);

		for (;;) {
			struct fsd_ent *en;

			while (len && p[len - 1] != '/')
				len--;
			if (len <= 1)
				break;
			len--;
			/* listed (its own change, or implied already): so are the ones above it */
			en = find(d, p, len);
			if (!en || hashmap__find(listed, (uintptr_t)en))
				break;
			if (*n == cap) {
				cap = 2 * cap;
				if (!(grown = realloc(v, cap * sizeof(*v)))) {
					e = -ENOMEM;
					goto out;
				}
				v = grown;
			}
			v[(*n)++] = (struct fsdiff_change){ 'C', true, true, en->path, 0, { 0 } };
			if (hashmap__set(listed, (uintptr_t)en, en)) {
				e = -ENOMEM;
				goto out;
			}
		}
	}
	qsort(v, *n, sizeof(*v), change_cmp);
out:
	hashmap__free(listed);
	if (e) {
		free(v);
		v = NULL;
		*n = 0;
	}
	if (err)
		*err = e;
	return v;
}
