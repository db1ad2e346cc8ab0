// SPDX-License-Identifier: GPL-2.0
/*
 * Count mode's memory of the kernel's sums (see state.h): the kernel keeps each key's calls and
 * bytes since the key was made; a view wants what each read added. Keys are 24 bytes: the table
 * hashes them to its u64 keys and chains the rare collision.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scry/event.h"
#include "scry/state.h"
#include "scry/util.h"

struct netsum {
	struct scry_net_key k;
	uint64_t bytes, calls;	/* at the last read */
	struct netsum *next;	/* another key of the same hash */
};

struct netsums {
	struct hashmap *m;	/* hash of the key -> chain of struct netsum */
	size_t n;
};

/* FNV-1a over the key's bytes (its padding is zero, in the kernel and here alike). */
static uint64_t key_hash(const struct scry_net_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

struct netsums *netsums__new(void)
{
	struct netsums *ns = calloc(1, sizeof(*ns));

	if (ns && !(ns->m = hashmap__new(256))) {
		free(ns);
		ns = NULL;
	}
	return ns;
}

void netsums__free(struct netsums *ns)
{
	struct netsum *e, *next;
	size_t pos = 0;
	void *v;

	if (!ns)
		return;
	while (hashmap__next(ns->m, &pos, NULL, &v))
		for (e = v; e; e = next) {
			next = e->next;
			free(e);
		}
	hashmap__free(ns->m);
	free(ns);
}

size_t netsums__size(const struct netsums *ns)
{
	return ns->n;
}

int netsums__delta(struct netsums *ns, const struct scry_net_key *k, uint64_t bytes,
		   uint64_t calls, uint64_t *dbytes, uint64_t *dcalls)
{
	uint64_t h = key_hash(k);
	struct netsum *head = hashmap__find(ns->m, h), *e;

	for (e = head; e && memcmp(&e->k, k, sizeof(*k)); e = e->next)
		;
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return -ENOMEM;
		e->k = *k;
		e->next = head;
		if (hashmap__set(ns->m, h, e)) {
			free(e);
			return -ENOMEM;
		}
		ns->n++;
	}
	/* Sums only grow while their key lives; one made again after a forget starts from 0. */
	*dbytes = bytes >= e->bytes ? bytes - e->bytes : bytes;
	*dcalls = calls >= e->calls ? calls - e->calls : calls;
	e->bytes = bytes;
	e->calls = calls;
	return 0;
}

void netsums__forget(struct netsums *ns, const struct scry_net_key *k)
{
	uint64_t h = key_hash(k);
	struct netsum *head = hashmap__find(ns->m, h), **pp, *e;

	for (pp = &head; (e = *pp); pp = &e->next) {
		if (memcmp(&e->k, k, sizeof(*k)))
			continue;
		*pp = e->next;
		free(e);
		ns->n--;
		if (head)
			hashmap__set(ns->m, h, head);	/* replaces: no allocation */
		else
			hashmap__del(ns->m, h);
		return;
	}
}
