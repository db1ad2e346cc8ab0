// SPDX-License-Identifier: GPL-2.0
/*
 * The socket table: a TCP connection's tuple and role from its state changes, its bytes from
 * its sockio events whichever came first, a UDP socket without a tuple, and the reaping of
 * closed and idle sockets, but never of a quiet open connection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/state.h"
#include "scry/util.h"
#include "scry/view.h"

#define S 1000000000ULL

static struct scry_event state_ev(union scry_rec *r, uint64_t cookie, uint8_t old, uint8_t new,
				  uint64_t ts)
{
	struct scry_event ev = { .rec = r, .type = SCRY_REC_SOCK_STATE, .ts = ts };

	memset(r, 0, sizeof(*r));
	r->h.type = SCRY_REC_SOCK_STATE;
	r->h.ts = ts;
	r->h.cgid = 77;
	r->sock.cookie = cookie;
	r->sock.family = 2;
	r->sock.protocol = 6;
	r->sock.oldstate = old;
	r->sock.newstate = new;
	r->sock.sport = 40000;
	r->sock.dport = 8080;
	r->sock.saddr[0] = r->sock.daddr[0] = 127;
	r->sock.saddr[3] = r->sock.daddr[3] = 1;
	return ev;
}

static struct scry_event io_ev(union scry_rec *r, uint64_t cookie, uint8_t proto, uint8_t dir,
			       uint32_t bytes, uint64_t ts)
{
	struct scry_event ev = { .rec = r, .type = SCRY_REC_SOCK_IO, .ts = ts };

	memset(r, 0, sizeof(*r));
	r->h.type = SCRY_REC_SOCK_IO;
	r->h.ts = ts;
	r->h.pid = 4242;
	r->h.cgid = 88;
	r->sio.cookie = cookie;
	r->sio.family = 2;
	r->sio.protocol = proto;
	r->sio.dir = dir;
	r->sio.bytes = bytes;
	return ev;
}

static void tcp_connection(void **state)
{
	struct socktab *st = socktab__new();
	union scry_rec r;
	struct scry_event ev;

	/* Bytes before the table knows the tuple (the state change still on another CPU). */
	ev = io_ev(&r, 7, 6, SCRY_SOCK_OUT, 100, 1 * S);
	socktab__apply(st, &ev);
	assert_non_null(ev.sock);
	assert_false(ev.sock->tuple);
	ev = state_ev(&r, 7, 2, 1, 1 * S + 5);	/* SYN_SENT -> ESTABLISHED: a client */
	socktab__apply(st, &ev);
	ev = io_ev(&r, 7, 6, SCRY_SOCK_IN, 30, 2 * S);
	socktab__apply(st, &ev);
	assert_true(ev.sock->tuple);
	assert_int_equal(ev.sock->role, SOCK_ROLE_CLIENT);
	assert_int_equal(ev.sock->t.lport, 40000);
	assert_int_equal(ev.sock->t.rport, 8080);
	assert_int_equal(ev.sock->bytes_out, 100);
	assert_int_equal(ev.sock->bytes_in, 30);
	assert_int_equal(ev.sock->pid, 4242);
	assert_int_equal(ev.sock->open_ts, 1 * S + 5);
	/* Quiet for ten minutes, still open: kept. */
	socktab__reap(st, 600 * S);
	assert_int_equal(socktab__count(st), 1);
	ev = state_ev(&r, 7, 1, 7, 601 * S);	/* -> CLOSE */
	socktab__apply(st, &ev);
	assert_int_equal(ev.sock->close_ts, 601 * S);
	socktab__reap(st, 601 * S + SOCKTAB_LINGER_NS);
	assert_int_equal(socktab__count(st), 1);	/* its last reports may still come */
	socktab__reap(st, 601 * S + SOCKTAB_LINGER_NS + 1);
	assert_int_equal(socktab__count(st), 0);
	socktab__free(st);
}

static void server_and_udp(void **state)
{
	struct socktab *st = socktab__new();
	union scry_rec r;
	struct scry_event ev;

	ev = state_ev(&r, 9, 3, 1, S);	/* SYN_RECV -> ESTABLISHED: accepted */
	socktab__apply(st, &ev);
	assert_int_equal(ev.sock->role, SOCK_ROLE_SERVER);
	assert_int_equal(ev.sock->cgid, 77);
	ev = io_ev(&r, 10, 17, SCRY_SOCK_OUT, 512, S);	/* UDP, no addresses said: no tuple */
	socktab__apply(st, &ev);
	assert_false(ev.sock->tuple);
	assert_int_equal(ev.sock->t.protocol, 17);
	/* A send with the socket's addresses: a UDP socket's only tuple; a new connect moves it. */
	ev = io_ev(&r, 10, 17, SCRY_SOCK_OUT, 512, S);
	r.sio.xflags = SCRY_SIO_ADDR;
	r.sio.sport = 5353;
	r.sio.dport = 53;
	r.sio.saddr[0] = r.sio.daddr[0] = 127;
	r.sio.daddr[3] = 1;
	socktab__apply(st, &ev);
	assert_true(ev.sock->tuple);
	assert_int_equal(ev.sock->t.lport, 5353);
	assert_int_equal(ev.sock->t.rport, 53);
	assert_int_equal(ev.sock->t.raddr[3], 1);
	r.sio.dport = 54;
	socktab__apply(st, &ev);
	assert_int_equal(ev.sock->t.rport, 54);
	/* A TCP socket's state changes are the authority once they said its tuple. */
	ev = io_ev(&r, 9, 6, SCRY_SOCK_OUT, 1, S);
	r.sio.xflags = SCRY_SIO_ADDR;
	r.sio.sport = 1;
	socktab__apply(st, &ev);
	assert_int_not_equal(ev.sock->t.lport, 1);
	assert_int_equal(socktab__count(st), 2);
	/* The UDP socket leaves once idle; the open TCP one stays. */
	socktab__reap(st, S + SOCKTAB_IDLE_NS);
	assert_int_equal(socktab__count(st), 2);
	socktab__reap(st, S + SOCKTAB_IDLE_NS + 1);
	assert_int_equal(socktab__count(st), 1);
	ev = io_ev(&r, 9, 6, SCRY_SOCK_IN, 1, 2 * S);
	socktab__apply(st, &ev);
	assert_int_equal(ev.sock->cookie, 9);
	socktab__free(st);
}

/* listen() names its caller in the record: a listener that never sends has a process. */
static void listener_named(void **state)
{
	struct socktab *st = socktab__new();
	union scry_rec r;
	struct scry_event ev;

	ev = state_ev(&r, 11, 7, 10, S);	/* CLOSE -> LISTEN, in listen() */
	r.h.pid = 321;
	socktab__apply(st, &ev);
	assert_int_equal(ev.sock->pid, 321);
	ev = state_ev(&r, 12, 3, 1, S);		/* accepted, in softirq: no task */
	socktab__apply(st, &ev);
	assert_int_equal(ev.sock->pid, 0);
	ev = io_ev(&r, 12, 6, SCRY_SOCK_IN, 1, 2 * S);
	socktab__apply(st, &ev);
	assert_int_equal(ev.sock->pid, 4242);
	socktab__free(st);
}

static void bounded(void **state)
{
	struct socktab *st = socktab__new();
	union scry_rec r;
	struct scry_event ev;
	uint64_t i;

	for (i = 1; i <= SOCKTAB_MAX; i++) {
		ev = io_ev(&r, i, 17, SCRY_SOCK_OUT, 1, S);
		socktab__apply(st, &ev);
		assert_non_null(ev.sock);
	}
	ev = io_ev(&r, SOCKTAB_MAX + 1, 17, SCRY_SOCK_OUT, 1, S);
	socktab__apply(st, &ev);
	assert_null(ev.sock);	/* full: the event names no socket */
	assert_int_equal(socktab__count(st), SOCKTAB_MAX);
	ev = io_ev(&r, 5, 17, SCRY_SOCK_OUT, 1, S);	/* a known one still is */
	socktab__apply(st, &ev);
	assert_non_null(ev.sock);
	socktab__free(st);
}

/* What the iterator finds of one socket in one process. */
static struct scry_rec_sock_seed found(uint64_t cookie, uint32_t pid, uint32_t netns, uint8_t state,
				       uint16_t lport, uint16_t rport)
{
	struct scry_rec_sock_seed r = {
		.h = { .type = SCRY_REC_SOCK_SEED, .size = sizeof(r), .pid = pid, .tid = pid },
		.cookie = cookie, .netns = netns, .family = 2, .protocol = 6, .sktype = 1,
		.state = state, .sport = lport, .dport = rport,
	};

	r.saddr[0] = r.daddr[0] = 127;
	r.saddr[3] = r.daddr[3] = 1;
	if (!rport)
		memset(r.daddr, 0, sizeof(r.daddr));
	return r;
}

/*
 * Roles from the listeners of the same namespace, whichever the iterator met first; a socket two
 * processes hold is its first holder's; UDP has no role.
 */
static void seed_roles(void **state)
{
	struct scry_rec_sock_seed r[] = {
		found(1, 100, 1, 1, 8080, 40000),	/* accepted: 8080 listened on in ns 1 */
		found(2, 200, 1, 1, 40000, 8080),	/* its client */
		found(3, 100, 1, 10, 8080, 0),		/* the listener, met after its connection */
		found(1, 101, 1, 1, 8080, 40000),	/* the accepted one again, in a child */
		found(4, 300, 2, 1, 8080, 50000),	/* ns 2 listens on nothing: a client */
		found(5, 300, 2, 7, 5353, 0),		/* UDP */
		found(6, 400, 1, 1, 9000, 45000),	/* IPv4 accepted by an IPv6 listener */
		found(7, 400, 1, 10, 9000, 0),
	};
	size_t n;

	r[5].protocol = 17;
	r[7].family = 10;
	memset(r[7].saddr, 0, sizeof(r[7].saddr));
	n = sock_seed_settle(r, ARRAY_SIZE(r));
	assert_int_equal(n, 7);
	assert_int_equal(r[0].cookie, 1);
	assert_int_equal(r[0].h.pid, 100);
	assert_int_equal(r[0].role, SOCK_ROLE_SERVER);
	assert_int_equal(r[1].role, SOCK_ROLE_CLIENT);
	assert_int_equal(r[2].role, SOCK_ROLE_LISTENER);
	assert_int_equal(r[3].cookie, 4);
	assert_int_equal(r[3].role, SOCK_ROLE_CLIENT);
	assert_int_equal(r[4].role, SOCK_ROLE_UNKNOWN);
	assert_int_equal(r[5].role, SOCK_ROLE_SERVER);
	assert_int_equal(r[6].role, SOCK_ROLE_LISTENER);
	assert_int_equal(sock_seed_settle(r, 0), 0);
}

static struct scry_event seed_ev(union scry_rec *r, const struct scry_rec_sock_seed *s, uint64_t ts)
{
	struct scry_event ev = { .rec = r, .type = SCRY_REC_SOCK_SEED, .ts = ts };

	memset(r, 0, sizeof(*r));
	r->seed = *s;
	r->h.ts = ts;
	r->h.cgid = 99;
	return ev;
}

/*
 * A seeded socket is named (tuple, state, role, process, cgroup) before any event of its own; its
 * events go on from there. A seed never undoes what events already said.
 */
static void seed_apply(void **state)
{
	struct socktab *st = socktab__new();
	struct scry_rec_sock_seed s = found(9, 100, 1, 1, 8080, 40000);
	union scry_rec r;
	struct scry_event ev;

	s.role = SOCK_ROLE_SERVER;
	ev = seed_ev(&r, &s, S);
	socktab__apply(st, &ev);
	assert_non_null(ev.sock);
	assert_true(ev.sock->seeded);
	assert_true(ev.sock->tuple);
	assert_int_equal(ev.sock->t.lport, 8080);
	assert_int_equal(ev.sock->t.rport, 40000);
	assert_int_equal(ev.sock->state, 1);
	assert_int_equal(ev.sock->role, SOCK_ROLE_SERVER);
	assert_int_equal(ev.sock->pid, 100);
	assert_int_equal(ev.sock->cgid, 99);
	ev = io_ev(&r, 9, 6, SCRY_SOCK_IN, 1000, 2 * S);
	socktab__apply(st, &ev);
	assert_int_equal(ev.sock->bytes_in, 1000);
	assert_int_equal(ev.sock->role, SOCK_ROLE_SERVER);
	/* Quiet and open: it stays (a TCP state is known). */
	socktab__reap(st, 2 * S + SOCKTAB_IDLE_NS + 1);
	assert_int_equal(socktab__count(st), 1);

	/* Events before the seed (attach to start): theirs stand. */
	ev = state_ev(&r, 10, 2, 1, S);		/* a client, tuple 40000->8080 */
	socktab__apply(st, &ev);
	ev = io_ev(&r, 10, 6, SCRY_SOCK_OUT, 5, S);	/* by pid 4242 */
	socktab__apply(st, &ev);
	s = found(10, 100, 1, 8, 1, 2);
	s.role = SOCK_ROLE_SERVER;
	ev = seed_ev(&r, &s, 2 * S);
	socktab__apply(st, &ev);
	assert_int_equal(ev.sock->role, SOCK_ROLE_CLIENT);
	assert_int_equal(ev.sock->state, 1);
	assert_int_equal(ev.sock->t.lport, 40000);
	assert_int_equal(ev.sock->pid, 4242);

	/* A listen(2) seen live makes a listener. */
	ev = state_ev(&r, 11, 7, 10, 3 * S);
	socktab__apply(st, &ev);
	assert_int_equal(ev.sock->role, SOCK_ROLE_LISTENER);

	/* A UDP socket seeded leaves once idle, as one met by its bytes. */
	s = found(12, 100, 1, 7, 5353, 0);
	s.protocol = 17;
	ev = seed_ev(&r, &s, 3 * S);
	socktab__apply(st, &ev);
	assert_int_equal(ev.sock->state, 0);
	socktab__reap(st, 3 * S + SOCKTAB_IDLE_NS + 1);
	assert_int_equal(socktab__count(st), 3);
	socktab__free(st);
}

/* The string a key column shows for a row (NULL: the field does not apply). */
static const char *col(const struct key_col *cols, const char *field, const struct view_row *row)
{
	static char buf[256], out[256];
	struct sbuf b;
	struct field_val v;

	for (; cols->field; cols++) {
		if (strcmp(cols->field, field))
			continue;
		sbuf__init(&b, buf, sizeof(buf));
		if (!key_col_get(cols, row, &v, &b))
			return NULL;
		if (v.type != FT_STR) {
			snprintf(out, sizeof(out), "%llu", (unsigned long long)v.u);
			return out;
		}
		snprintf(out, sizeof(out), "%.*s", (int)v.len, v.str);
		return out;
	}
	fail_msg("no column %s", field);
	return NULL;
}

static struct view_row *row_of(struct view_row **rows, size_t n, uint64_t key)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i]->key == key)
			return rows[i];
	return NULL;
}

/*
 * netstat: the open IP sockets of the table with their process; not a closed one, not one the
 * table has no tuple for. topports_server: the server ends' bytes and connections per port.
 */
static void netstat_and_ports(void **state)
{
	const struct view_desc *ns = view_lookup("netstat"), *tp = view_lookup("topports_server");
	struct proctab *pt = proctab__new(NULL);
	struct socktab *st = socktab__new();
	struct scry_proc tmpl = { .pid = 100, .ppid = 1, .comm = "server" };
	struct aggr *a = aggr__new(ns), *b = aggr__new(tp);
	struct view_src src = { .procs = pt, .socks = st };
	struct scry_rec_sock_seed s;
	struct view_row **rows, *row;
	union scry_rec r;
	struct scry_event ev;
	uint64_t key;
	size_t n;

	assert_non_null(ns);
	assert_non_null(tp);
	assert_non_null(proctab__add_proc(pt, &tmpl, "/srv", "server", 6));
	s = found(1, 100, 1, 10, 8080, 0);
	s.role = SOCK_ROLE_LISTENER;
	ev = seed_ev(&r, &s, S);
	socktab__apply(st, &ev);
	s = found(2, 100, 1, 1, 8080, 40000);
	s.role = SOCK_ROLE_SERVER;
	ev = seed_ev(&r, &s, S);
	socktab__apply(st, &ev);
	aggr__event(b, &ev);			/* a seed is not a connection made */
	ev = io_ev(&r, 2, 6, SCRY_SOCK_IN, 1000, 2 * S);
	socktab__apply(st, &ev);
	aggr__event(b, &ev);
	ev = io_ev(&r, 2, 6, SCRY_SOCK_OUT, 10, 2 * S);
	socktab__apply(st, &ev);
	aggr__event(b, &ev);
	ev = state_ev(&r, 3, 3, 1, 2 * S);	/* accepted while tracing: 8080 <- 40000 */
	r.sock.sport = 8080;
	r.sock.dport = 40001;
	socktab__apply(st, &ev);
	aggr__event(b, &ev);
	ev = state_ev(&r, 4, 2, 1, 2 * S);	/* a client: not a server end */
	socktab__apply(st, &ev);
	aggr__event(b, &ev);
	assert_false(key_table[KEY_PORT].row_key(&ev, &key));
	ev = io_ev(&r, 4, 6, SCRY_SOCK_OUT, 77, 2 * S);
	socktab__apply(st, &ev);
	aggr__event(b, &ev);
	ev = state_ev(&r, 3, 1, 7, 3 * S);	/* closed */
	socktab__apply(st, &ev);
	ev = io_ev(&r, 5, 17, SCRY_SOCK_OUT, 1, 3 * S);	/* no tuple */
	socktab__apply(st, &ev);

	aggr__fill(a, &src);
	rows = aggr__sorted(a, ns->sort, &n);
	assert_int_equal(n, 3);			/* listener, accepted, client; not the closed one */
	row = row_of(rows, n, 1);
	assert_non_null(row);
	assert_string_equal(col(key_table[KEY_NETSTAT].json, "fd.state", row), "LISTEN");
	assert_string_equal(col(key_table[KEY_NETSTAT].json, "fd.role", row), "listener");
	assert_string_equal(col(key_table[KEY_NETSTAT].json, "proc.name", row), "server");
	row = row_of(rows, n, 2);
	assert_string_equal(col(key_table[KEY_NETSTAT].text, "fd.local", row), "127.0.0.1:8080");
	assert_string_equal(col(key_table[KEY_NETSTAT].text, "fd.remote", row), "127.0.0.1:40000");
	assert_string_equal(col(key_table[KEY_NETSTAT].json, "fd.state", row), "ESTABLISHED");
	assert_string_equal(col(key_table[KEY_NETSTAT].json, "fd.role", row), "server");
	/* the last process to receive on it (io_ev's), not its holder at the start */
	assert_string_equal(col(key_table[KEY_NETSTAT].json, "proc.pid", row), "4242");
	row = row_of(rows, n, 4);
	assert_string_equal(col(key_table[KEY_NETSTAT].json, "fd.role", row), "client");
	assert_int_equal(row->pid, 4242);	/* not in the process table: its pid still */

	/* A next file's seeds: the open sockets with a tuple, as the table has them. */
	for (key = 1; key <= 5; key++) {
		struct scry_sock *so = NULL;
		size_t pos = 0;

		while ((so = socktab__next(st, &pos)) && so->cookie != key)
			;
		assert_non_null(so);
		assert_int_equal(sock_seed_of(so, 9 * S, &s), key != 3 && key != 5);
	}
	assert_int_equal(s.cookie, 4);		/* the last that was open: the client */
	assert_int_equal(s.h.ts, 9 * S);
	assert_int_equal(s.h.pid, 4242);
	assert_int_equal(s.role, SOCK_ROLE_CLIENT);
	assert_int_equal(s.state, 1);
	assert_int_equal(s.sport, 40000);
	assert_int_equal(s.dport, 8080);
	assert_int_equal(s.sktype, 1);

	rows = aggr__sorted(b, tp->sort, &n);
	assert_int_equal(n, 1);
	assert_string_equal(col(key_table[KEY_PORT].json, "fd.l4proto", rows[0]), "tcp");
	assert_string_equal(col(key_table[KEY_PORT].json, "fd.lport", rows[0]), "8080");
	assert_int_equal(rows[0]->net_in, 1000);
	assert_int_equal(rows[0]->net_out, 10);
	assert_int_equal(rows[0]->conns, 1);
	aggr__free(a);
	aggr__free(b);
	socktab__free(st);
	proctab__free(pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_connection),
		cmocka_unit_test(server_and_udp),
		cmocka_unit_test(listener_named),
		cmocka_unit_test(bounded),
		cmocka_unit_test(seed_roles),
		cmocka_unit_test(seed_apply),
		cmocka_unit_test(netstat_and_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
