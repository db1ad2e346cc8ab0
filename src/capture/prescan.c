// SPDX-License-Identifier: GPL-2.0
/*
 * What a replay learns before its first record: the containers of every file, gathered from the
 * CONTAINER items of their STATE and META blocks (a container's name may have arrived after its
 * first events), so that every event shows its container's name. When several items describe
 * one id, a resolved one wins over an unresolved one and a later one over an earlier one; their
 * cgroups add up, and a cgroup belongs to the first container that names it.
 *
 * Whatever the files say, what is kept stays within the limits of a replay, whose one table is
 * here (docs/capture-format.md, "Limits of a replay"). Ids are found through a keyed hash.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scry/util.h"

const struct cap_limit_desc cap_limits[CAP_LIM__MAX] = {
	[CAP_LIM_CONTAINERS] = { 65536, "containers", "are shown as the host" },
	[CAP_LIM_LABELS] = { 1024, "labels on a container", "are not kept" },
	[CAP_LIM_CTR_BYTES] = { 256 << 10, "bytes of names, images and labels of a container",
				"are not kept" },
	[CAP_LIM_META_BYTES] = { 64 << 20, "bytes of names, images and labels of containers",
				 "are not kept (those containers are shown by id)" },
	[CAP_LIM_CTR_CGIDS] = { 131072, "cgroups of a container", "are shown as the host" },
	[CAP_LIM_CGIDS] = { 262144, "container cgroups", "are shown as the host" },
	[CAP_LIM_PROCS] = { 131072, "processes at once",
			    "are not tracked (their events show no process details)" },
	[CAP_LIM_THREADS] = { 524288, "threads at once",
			      "are not tracked (their events show no process details)" },
	[CAP_LIM_CMD_BYTES] = { 64 << 20, "bytes of executable paths and command lines at once",
				"are not kept (those processes show none)" },
	[CAP_LIM_MOUNTS] = { CTR_MOUNTS_MAX, "mounts of a container", "are not kept" },
	[CAP_LIM_USERS] = { 65536, "users and groups of user databases",
			    "are not kept (their ids show no names)" },
	[CAP_LIM_USER_BYTES] = { 16 << 20, "bytes of user and group names, homes and shells",
				 "are not kept (their ids show no names)" },
	[CAP_LIM_CGTEXTS] = { 262144, "cgroup files of processes",
			      "are not kept (their thread.cgroups shows none)" },
	[CAP_LIM_CGTEXT_BYTES] = { 64 << 20, "bytes of cgroup files of processes",
				   "are not kept (their thread.cgroups shows none)" },
};

bool cap_limit_hit(bool said[CAP_LIM__MAX], enum cap_limit l)
{
	return log_warn_once(&said[l], "the replay keeps at most %llu %s: the rest %s (see \"Limits "
			     "of a replay\" in scry's capture format documentation)",
			     (unsigned long long)cap_limits[l].max, cap_limits[l].what,
			     cap_limits[l].rest);
}

struct ctr_acc {
	struct cap_ctr c;		/* the best metadata seen */
	bool has_meta;
	uint64_t *cgids;
	uint32_t n, cap;
	uint32_t next;			/* 1 + the next container whose id has the same hash */
};

struct cap_ctrs {
	struct ctr_acc *list;
	uint32_t n, cap;
	struct hashmap *by_id;		/* ctr_hash(id) -> 1 + index of the first with that hash */
	struct hashmap *cgids;		/* cgid -> 1 + index of the container it belongs to */
	uint64_t meta_bytes, ncgids;
};

struct cap_ctrs *cap_ctrs__new(void)
{
	struct cap_ctrs *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->by_id = hashmap__new(64);
	s->cgids = hashmap__new(64);
	if (!s->by_id || !s->cgids) {
		cap_ctrs__free(s);
		return NULL;
	}
	return s;
}

void cap_ctrs__free(struct cap_ctrs *s)
{
	uint32_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		ctr_meta__free(&s->list[i].c.meta);
		free(s->list[i].cgids);
	}
	free(s->list);
	hashmap__free(s->by_id);
	hashmap__free(s->cgids);
	free(s);
}

/* The container with this id, new if need be: 0, -ENOSPC past the limit, or -ENOMEM. */
static int acc_find(struct cap_ctrs *s, const char *id, uint32_t *out, uint32_t *hit)
{
	uint64_t h = ctr_hash(id, strlen(id));
	uintptr_t i = (uintptr_t)hashmap__find(s->by_id, h);
	struct ctr_acc *a;

	for (; i; i = s->list[i - 1].next) {
		if (!strcmp(s->list[i - 1].c.id, id)) {
			*out = i - 1;
			return 0;
		}
	}
	if (s->n == cap_limits[CAP_LIM_CONTAINERS].max) {
		*hit |= 1u << CAP_LIM_CONTAINERS;
		return -ENOSPC;
	}
	if (s->n == s->cap) {
		uint32_t ncap = s->cap ? s->cap * 2 : 16;
		struct ctr_acc *l = realloc(s->list, ncap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		s->list = l;
		s->cap = ncap;
	}
	a = &s->list[s->n];
	memset(a, 0, sizeof(*a));
	snprintf(a->c.id, sizeof(a->c.id), "%s", id);
	a->next = (uintptr_t)hashmap__find(s->by_id, h);
	if (hashmap__set(s->by_id, h, (void *)(uintptr_t)(s->n + 1)))
		return -ENOMEM;
	*out = s->n++;
	return 0;
}

/* Its cgroups that no container has yet, within the limits. */
static int acc_cgids(struct cap_ctrs *s, uint32_t idx, const struct cap_ctr *c, uint32_t *hit)
{
	struct ctr_acc *a = &s->list[idx];
	size_t pos = 0;
	uint64_t cgid;

	while (cap_ctr_next_cgid(c, &pos, &cgid)) {
		if (!cgid || hashmap__find(s->cgids, cgid))
			continue;
		if (a->n == cap_limits[CAP_LIM_CTR_CGIDS].max) {
			*hit |= 1u << CAP_LIM_CTR_CGIDS;
			break;
		}
		if (s->ncgids == cap_limits[CAP_LIM_CGIDS].max) {
			*hit |= 1u << CAP_LIM_CGIDS;
			break;
		}
		if (a->n == a->cap) {
			uint32_t ncap = a->cap ? a->cap * 2 : 4;
			uint64_t *p = realloc(a->cgids, ncap * sizeof(*p));

			if (!p)
				return -ENOMEM;
			a->cgids = p;
			a->cap = ncap;
		}
		if (hashmap__set(s->cgids, cgid, (void *)(uintptr_t)(idx + 1)))
			return -ENOMEM;
		a->cgids[a->n++] = cgid;
		s->ncgids++;
	}
	return 0;
}

/* One CONTAINER item: its cgroups add up, its metadata may win (within the limits). */
static int acc_add(struct cap_ctrs *s, uint32_t idx, struct cap_ctr *c, uint32_t *hit)
{
	struct ctr_acc *a = &s->list[idx];
	int err = acc_cgids(s, idx, c, hit);

	*hit |= c->cut;
	if (err || (a->has_meta && !c->resolved && a->c.resolved))
		return err;
	if (s->meta_bytes - a->c.meta_bytes + c->meta_bytes > cap_limits[CAP_LIM_META_BYTES].max) {
		*hit |= 1u << CAP_LIM_META_BYTES;
		if (a->has_meta)
			return 0;	/* it keeps what it had */
		ctr_meta__free(&c->meta);
		c->meta_bytes = 0;
	}
	s->meta_bytes = s->meta_bytes - a->c.meta_bytes + c->meta_bytes;
	ctr_meta__free(&a->c.meta);
	a->c = *c;
	a->has_meta = true;
	memset(&c->meta, 0, sizeof(c->meta));
	return 0;
}

/* A USERDB item into the replay's user databases (users.c), within the limits. */
static int users_scan_item(const uint8_t *body, size_t blen, uint32_t *hit)
{
	struct cap_userdb u;
	int err;

	if (cap_get_userdb(body, blen, &u))
		return 0;	/* said by the replay pass */
	err = users__add(u.ctr, &u.e, cap_limits[CAP_LIM_USERS].max,
			 cap_limits[CAP_LIM_USER_BYTES].max);
	if (err == -ENOSPC)
		*hit |= 1u << CAP_LIM_USERS;
	if (err == -EDQUOT)
		*hit |= 1u << CAP_LIM_USER_BYTES;
	/* out of replay mode (a reader without a run: tests, merges) the entries are not wanted */
	return err == -ENOMEM ? err : 0;
}

/* A CGROUPS item into the replay's cgroup texts (cgtext.c), within the limits. */
static int cgtext_scan_item(const uint8_t *body, size_t blen, uint32_t *hit)
{
	struct cap_cgtext c;
	int err;

	if (cap_get_cgtext(body, blen, &c))
		return 0;	/* said by the replay pass */
	err = cgtext__add(c.pid, c.cgid, c.text, c.len, cap_limits[CAP_LIM_CGTEXTS].max,
			  cap_limits[CAP_LIM_CGTEXT_BYTES].max);
	if (err == -ENOSPC)
		*hit |= 1u << CAP_LIM_CGTEXTS;
	if (err == -EDQUOT)
		*hit |= 1u << CAP_LIM_CGTEXT_BYTES;
	return err == -ENOMEM ? err : 0;
}

int cap_ctrs__scan(struct cap_ctrs *s, const struct cap_block *b, uint32_t *hit)
{
	size_t off = 0, blen;
	const uint8_t *body;
	uint8_t tag;
	int span, err = 0;

	while (off < b->len && !err) {
		struct cap_ctr c;
		uint32_t idx;

		span = cap_item_span(b->raw + off, b->len - off, &tag, &body, &blen);
		if (span < 0)
			break;	/* reported when the replay pass meets it */
		off += span;
		if (tag == CAP_TAG_USERDB) {
			err = users_scan_item(body, blen, hit);
			continue;
		}
		if (tag == CAP_TAG_CGROUPS) {
			err = cgtext_scan_item(body, blen, hit);
			continue;
		}
		if (tag != CAP_TAG_CONTAINER)
			continue;
		err = cap_get_ctr(body, blen, &c);
		if (!err && !(err = acc_find(s, c.id, &idx, hit)))
			err = acc_add(s, idx, &c, hit);
		ctr_meta__free(&c.meta);
		/* A bad item is said by the replay pass; a limit, once, by the caller. */
		if (err == -EBADMSG || err == -ENOSPC)
			err = 0;
	}
	return err;
}

void cap_ctrs__apply(struct cap_ctrs *s, struct containers *ct)
{
	uint32_t i, j;

	for (i = 0; i < s->n; i++) {
		struct ctr_acc *a = &s->list[i];

		containers__add(ct, a->n ? a->cgids[0] : 0, a->c.id, a->c.runtime, &a->c.meta);
		for (j = 1; j < a->n; j++)
			containers__add(ct, a->cgids[j], a->c.id, a->c.runtime, NULL);
	}
}
