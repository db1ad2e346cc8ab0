// SPDX-License-Identifier: GPL-2.0
/*
 * The socket table (see state.h): what scry knows of each socket the network events name. A
 * socket's events arrive from the task that uses it (bytes) and from softirq (state changes,
 * retransmits, resets); the cookie ties them together.
 */
#include <stdlib.h>
#include <string.h>

#include "scry/state.h"
#include "scry/util.h"

#define TCP_ESTABLISHED	1
#define TCP_SYN_SENT	2
#define TCP_SYN_RECV	3
#define TCP_CLOSE	7
#define TCP_LISTEN	10
#define IPPROTO_TCP	6

struct socktab {
	struct hashmap *socks;	/* cookie -> struct scry_sock */
};

struct socktab *socktab__new(void)
{
	struct socktab *st = calloc(1, sizeof(*st));

	if (st && !(st->socks = hashmap__new(1024))) {
		free(st);
		st = NULL;
	}
	return st;
}

void socktab__free(struct socktab *st)
{
	size_t pos = 0;
	void *v;

	if (!st)
		return;
	while (hashmap__next(st->socks, &pos, NULL, &v))
		free(v);
	hashmap__free(st->socks);
	free(st);
}

size_t socktab__count(const struct socktab *st)
{
	return hashmap__size(st->socks);
}

struct scry_sock *socktab__next(const struct socktab *st, size_t *pos)
{
	void *v;

	return hashmap__next(st->socks, pos, NULL, &v) ? v : NULL;
}

static struct scry_sock *sock_get(struct socktab *st, uint64_t cookie)
{
	struct scry_sock *s = hashmap__find(st->socks, cookie);

	if (s || hashmap__size(st->socks) >= SOCKTAB_MAX)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cookie = cookie;
	if (hashmap__set(st->socks, cookie, s)) {
		free(s);
		return NULL;
	}
	return s;
}

/* sock_state, tcpretrans, tcpreset: the tuple, the state, and for a state change the role. */
static void moment(struct scry_sock *s, const struct scry_rec_sock_state *r, bool change,
		   uint64_t ts)
{
	/* A closing socket is unhashed: its local port reads 0. The tuple it had stays. */
	if (s->tuple && !r->sport)
		goto state;
	s->tuple = true;
	s->t.family = r->family;
	s->t.protocol = r->protocol;
	s->t.lport = r->sport;
	s->t.rport = r->dport;
	memcpy(s->t.laddr, r->saddr, sizeof(s->t.laddr));
	memcpy(s->t.raddr, r->daddr, sizeof(s->t.raddr));
state:
	if (r->h.cgid)
		s->cgid = r->h.cgid;
	/* listen() and connect() name their caller (the BPF side fills it for those two). */
	if (r->h.pid && !s->pid)
		s->pid = r->h.pid;
	if (!change)
		return;
	s->state = r->newstate;
	if (r->newstate == TCP_ESTABLISHED) {
		s->open_ts = ts;
		if (r->oldstate == TCP_SYN_SENT)
			s->role = SOCK_ROLE_CLIENT;
		else if (r->oldstate == TCP_SYN_RECV)
			s->role = SOCK_ROLE_SERVER;
	} else if (r->newstate == TCP_CLOSE) {
		s->close_ts = ts;
	} else if (r->newstate == TCP_LISTEN) {
		s->role = SOCK_ROLE_LISTENER;
	}
}

/*
 * A socket open before scry: what its events have not told yet. Events between the attach and
 * the seed (the seed comes at the recording's start) are newer than the iterator's look, or say
 * the same.
 */
static void seeded(struct scry_sock *s, const struct scry_rec_sock_seed *r)
{
	s->seeded = true;
	if (!s->t.family) {
		s->t.family = r->family;
		s->t.protocol = r->protocol;
	}
	if (!s->tuple) {
		s->tuple = true;
		s->t.lport = r->sport;
		s->t.rport = r->dport;
		memcpy(s->t.laddr, r->saddr, sizeof(s->t.laddr));
		memcpy(s->t.raddr, r->daddr, sizeof(s->t.raddr));
	}
	if (!s->role)
		s->role = r->role;
	/* Only TCP has states the table follows; the others leave when idle (expired()). */
	if (!s->state && r->protocol == IPPROTO_TCP)
		s->state = r->state;
	if (!s->pid)
		s->pid = r->h.pid;
	if (!s->cgid)
		s->cgid = r->h.cgid;
}

/*
 * A send or receive names an IP socket's addresses: the only tuple a UDP socket ever gets (a
 * connect or a first send binds it; sendto may reconnect it), and a TCP socket's until its state
 * changes say it (they stay the authority: a closing socket reads port 0 here too).
 */
static void sio_tuple(struct scry_sock *s, const struct scry_rec_sock_io *r)
{
	if (!(r->xflags & SCRY_SIO_ADDR) || !r->sport || (s->tuple && r->protocol == IPPROTO_TCP))
		return;
	s->tuple = true;
	s->t.lport = r->sport;
	s->t.rport = r->dport;
	memcpy(s->t.laddr, r->saddr, sizeof(s->t.laddr));
	memcpy(s->t.raddr, r->daddr, sizeof(s->t.raddr));
}

void socktab__apply(struct socktab *st, struct scry_event *ev)
{
	const union scry_rec *r = ev->rec;
	struct scry_sock *s;

	switch (ev->type) {
	case SCRY_REC_SOCK_IO:
		s = sock_get(st, r->sio.cookie);
		if (s) {
			s->t.family = r->sio.family;
			s->t.protocol = r->sio.protocol;
			sio_tuple(s, &r->sio);
			s->pid = r->h.pid;
			s->cgid = r->h.cgid;
			if (r->sio.dir == SCRY_SOCK_IN)
				s->bytes_in += r->sio.bytes;
			else
				s->bytes_out += r->sio.bytes;
		}
		break;
	case SCRY_REC_SOCK_SEED:
		s = sock_get(st, r->seed.cookie);
		if (s)
			seeded(s, &r->seed);
		break;
	case SCRY_REC_SOCK_STATE:
	case SCRY_REC_TCP_RETRANS:
	case SCRY_REC_TCP_RESET:
		s = sock_get(st, r->sock.cookie);
		if (s)
			moment(s, &r->sock, ev->type == SCRY_REC_SOCK_STATE, ev->ts);
		break;
	default:
		s = NULL;
	}
	if (s && ev->ts > s->last_ts)
		s->last_ts = ev->ts;
	ev->sock = s;
}

static bool expired(const struct scry_sock *s, uint64_t now)
{
	/* A TCP socket open and quiet is still open: only its close lets it go. */
	return (s->close_ts && s->close_ts + SOCKTAB_LINGER_NS < now) ||
	       (!s->state && s->last_ts + SOCKTAB_IDLE_NS < now);
}

/*
 * Called at every tick: nothing is allocated unless a socket is due. Deleting moves entries
 * under an iteration, so the victims are listed first, then deleted.
 */
void socktab__reap(struct socktab *st, uint64_t now)
{
	uint64_t key, *gone;
	size_t pos = 0, n = 0, i;
	void *v;

	while (hashmap__next(st->socks, &pos, NULL, &v))
		n += expired(v, now);
	if (!n || !(gone = malloc(n * sizeof(*gone))))
		return;
	pos = 0;
	i = 0;
	while (i < n && hashmap__next(st->socks, &pos, &key, &v))
		if (expired(v, now))
			gone[i++] = key;
	while (i--)
		free(hashmap__del(st->socks, gone[i]));
	free(gone);
}
