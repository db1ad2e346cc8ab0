// SPDX-License-Identifier: GPL-2.0
/*
 * The sockets open when scry started (see state.h): which end of its connection each one is.
 * No event said how a connection opened, so its role comes from the listeners open at the same
 * moment: an accepted socket shares its local port with a listener of its network namespace,
 * a connected one has an ephemeral port nothing listens on.
 */
#include <stdlib.h>
#include <string.h>

#include "scry/state.h"
#include "scry/util.h"

#define IPPROTO_TCP	6
#define TCP_CLOSE	7
#define TCP_LISTEN	10
#define SOCK_STREAM	1
#define SOCK_DGRAM	2

/* A listener's identity: its namespace, protocol and port (any address: a wildcard listens on
 * all of them, IPv4 through an IPv6 socket too). */
static uint64_t listen_key(const struct scry_rec_sock_seed *r)
{
	return (uint64_t)r->netns << 32 | (uint64_t)r->protocol << 16 | r->sport;
}

static bool listening(const struct scry_rec_sock_seed *r)
{
	return r->protocol == IPPROTO_TCP && r->state == TCP_LISTEN;
}

size_t sock_seed_settle(struct scry_rec_sock_seed *r, size_t n)
{
	struct hashmap *seen = hashmap__new(n), *listen = hashmap__new(64);
	size_t i, kept = 0;

	if (!seen || !listen) {
		kept = 0;	/* out of memory: no seed, as if the iterator found nothing */
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		/* A socket several processes hold (fork) is the first holder's. */
		if (hashmap__find(seen, r[i].cookie) || hashmap__set(seen, r[i].cookie, &r[i]))
			continue;
		/* Out of memory, a listener unknown: its connections are taken for clients. */
		if (listening(&r[i]))
			hashmap__set(listen, listen_key(&r[i]), &r[i]);
		r[kept++] = r[i];
	}
	for (i = 0; i < kept; i++) {
		if (listening(&r[i]))
			r[i].role = SOCK_ROLE_LISTENER;
		else if (r[i].protocol == IPPROTO_TCP && r[i].dport)
			r[i].role = hashmap__find(listen, listen_key(&r[i])) ? SOCK_ROLE_SERVER :
									       SOCK_ROLE_CLIENT;
		else
			r[i].role = SOCK_ROLE_UNKNOWN;
	}
cleanup:
	hashmap__free(seen);
	hashmap__free(listen);
	return kept;
}

bool sock_seed_of(const struct scry_sock *s, uint64_t ts, struct scry_rec_sock_seed *r)
{
	if (!s->tuple || s->close_ts || s->state == TCP_CLOSE)
		return false;
	memset(r, 0, sizeof(*r));
	r->h.type = SCRY_REC_SOCK_SEED;
	r->h.size = sizeof(*r);
	r->h.ts = ts;
	r->h.pid = r->h.tid = s->pid;
	r->h.cgid = s->cgid;
	r->cookie = s->cookie;
	r->family = s->t.family;
	r->protocol = s->t.protocol;
	r->sktype = s->t.protocol == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	r->state = s->state;
	r->role = s->role;
	r->sport = s->t.lport;
	r->dport = s->t.rport;
	memcpy(r->saddr, s->t.laddr, sizeof(r->saddr));
	memcpy(r->daddr, s->t.raddr, sizeof(r->daddr));
	return true;
}
