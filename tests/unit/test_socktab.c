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
#include <string.h>
#include <cmocka.h>

#include "scry/state.h"

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
	ev = io_ev(&r, 10, 17, SCRY_SOCK_OUT, 512, S);	/* UDP: no state, no tuple */
	socktab__apply(st, &ev);
	assert_false(ev.sock->tuple);
	assert_int_equal(ev.sock->t.protocol, 17);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_connection),
		cmocka_unit_test(server_and_udp),
		cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
