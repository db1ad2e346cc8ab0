// SPDX-License-Identifier: GPL-2.0
/*
 * One open-addressing hash map with u64 keys for every table (threads, processes, cgroups,
 * containers). Linear probing with backward-shift deletion, so there are no tombstones and a
 * lookup never walks further than the longest run.
 */
#include <errno.h>
#include <stdlib.h>

#include "scry/util.h"

struct slot {
	uint64_t key;
	void *val;		/* NULL marks an empty slot */
};

struct hashmap {
	struct slot *slots;
	size_t cap;		/* power of two */
	size_t len;
};

static inline size_t hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

struct hashmap *hashmap__new(size_t hint)
{
	struct hashmap *m = calloc(1, sizeof(*m));
	size_t cap = 16;

	if (!m)
		return NULL;
	while (cap < hint * 2)
		cap <<= 1;
	m->slots = calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		free(m);
		return NULL;
	}
	m->cap = cap;
	return m;
}

void hashmap__free(struct hashmap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m);
}

static struct slot *lookup(const struct hashmap *m, uint64_t key)
{
	size_t mask = m->cap - 1, i = hash64(key) & mask;

	while (m->slots[i].val) {
		if (m->slots[i].key == key)
			return &m->slots[i];
		i = (i + 1) & mask;
	}
	return &m->slots[i];
}

void *hashmap__find(const struct hashmap *m, uint64_t key)
{
	return lookup(m, key)->val;
}

static int grow(struct hashmap *m)
{
	struct slot *old = m->slots;
	size_t oldcap = m->cap, i;

	m->slots = calloc(oldcap * 2, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -ENOMEM;
	}
	m->cap = oldcap * 2;
	for (i = 0; i < oldcap; i++)
		if (old[i].val)
			*lookup(m, old[i].key) = old[i];
	free(old);
	return 0;
}

int hashmap__set(struct hashmap *m, uint64_t key, void *val)
{
	struct slot *s;

	if (!val)
		return -EINVAL;
	if ((m->len + 1) * 4 > m->cap * 3 && grow(m))
		return -ENOMEM;
	s = lookup(m, key);
	if (!s->val)
		m->len++;
	s->key = key;
	s->val = val;
	return 0;
}

void *hashmap__del(struct hashmap *m, uint64_t key)
{
	size_t mask = m->cap - 1, i, j, home;
	struct slot *s = lookup(m, key);
	void *val = s->val;

	if (!val)
		return NULL;
	i = s - m->slots;
	/* Shift later members of the run back so that every key stays reachable from its home. */
	for (j = (i + 1) & mask; m->slots[j].val; j = (j + 1) & mask) {
		home = hash64(m->slots[j].key) & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].val = NULL;
	m->len--;
	return val;
}

size_t hashmap__size(const struct hashmap *m)
{
	return m->len;
}

bool hashmap__next(const struct hashmap *m, size_t *pos, uint64_t *key, void **val)
{
	while (*pos < m->cap) {
		struct slot *s = &m->slots[(*pos)++];

		if (s->val) {
			if (key)
				*key = s->key;
			if (val)
				*val = s->val;
			return true;
		}
	}
	return false;
}
