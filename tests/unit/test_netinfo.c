// SPDX-License-Identifier: GPL-2.0
/*
 * What network records say: a TCP close with the kernel's byte counters (evt.info, fd.bytes_in,
 * fd.bytes_out), a socket call's addresses (evt.info's fd=3(<4t>...), fd.sip, fd.cip...), and
 * their capture items of format 2.3, of which a 2.2 reader reads all it knows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "../../src/capture/internal.h"
#include "scry/decode.h"
#include "scry/filter.h"
#include "scry/util.h"

static void sock_hdr(struct scry_hdr *h, uint16_t type, uint16_t size)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->size = size;
	h->cpu = 1;
	h->ts = 5000000000ULL;
	h->cgid = 42;
}

/* The client's end of 127.0.0.1:40000 -> 127.0.0.1:8080 closing, with counters or without. */
static void close_rec(struct scry_rec_sock_state *r, bool counters)
{
	memset(r, 0, sizeof(*r));
	sock_hdr(&r->h, SCRY_REC_SOCK_STATE, sizeof(*r));
	r->cookie = 7;
	r->family = AF_INET;
	r->protocol = IPPROTO_TCP;
	r->oldstate = 5;	/* FIN_WAIT2 */
	r->newstate = 7;	/* CLOSE */
	r->sport = 40000;
	r->dport = 8080;
	inet_pton(AF_INET, "127.0.0.1", r->saddr);
	inet_pton(AF_INET, "127.0.0.1", r->daddr);
	if (counters) {
		r->xflags = SCRY_SOCK_BYTES;
		r->bytes_in = 54321;
		r->bytes_out = 1000003;
	}
}

static const char *info_of(const void *rec, uint32_t size, char *out, size_t n)
{
	struct scry_event ev[2];
	struct sbuf b;

	assert_int_equal(decode__record(rec, size, ev), 1);
	sbuf__init(&b, out, n);
	evt_info(ev, &b);
	return out;
}

/* fd.bytes_in / fd.bytes_out of a record: the value, or -1 when the field has none. */
static int64_t field_u(const void *rec, uint32_t size, const char *name)
{
	const struct field_desc *f = field_lookup(name);
	struct scry_event ev[2];
	struct field_val v;
	char scratch[64];
	struct sbuf b;

	assert_non_null(f);
	assert_int_equal(decode__record(rec, size, ev), 1);
	sbuf__init(&b, scratch, sizeof(scratch));
	if (!f->get(ev, &v, &b))
		return -1;
	assert_int_equal(v.type, FT_U64);
	return v.u;
}

static void close_says_bytes(void **state)
{
	struct scry_rec_sock_state r;
	char info[256];

	close_rec(&r, true);
	assert_string_equal(info_of(&r, sizeof(r), info, sizeof(info)),
			    "127.0.0.1:40000->127.0.0.1:8080 tcp FIN_WAIT2->CLOSE cookie=7 "
			    "in=54321 out=1000003");
	assert_int_equal(field_u(&r, sizeof(r), "fd.bytes_in"), 54321);
	assert_int_equal(field_u(&r, sizeof(r), "fd.bytes_out"), 1000003);
	/* Counters of zero are figures too: a connection refused moved nothing. */
	r.bytes_in = r.bytes_out = 0;
	assert_string_equal(info_of(&r, sizeof(r), info, sizeof(info)),
			    "127.0.0.1:40000->127.0.0.1:8080 tcp FIN_WAIT2->CLOSE cookie=7 "
			    "in=0 out=0");
	/* Only a close says them: a state change before it does not. */
	close_rec(&r, true);
	r.oldstate = 1;
	r.newstate = 4;
	assert_string_equal(info_of(&r, sizeof(r), info, sizeof(info)),
			    "127.0.0.1:40000->127.0.0.1:8080 tcp ESTABLISHED->FIN_WAIT1 cookie=7");
	assert_int_equal(field_u(&r, sizeof(r), "fd.bytes_out"), 1000003);
	/* Without the kernel's counters (a time-wait socket, an old capture): no figures. */
	close_rec(&r, false);
	assert_string_equal(info_of(&r, sizeof(r), info, sizeof(info)),
			    "127.0.0.1:40000->127.0.0.1:8080 tcp FIN_WAIT2->CLOSE cookie=7");
	assert_int_equal(field_u(&r, sizeof(r), "fd.bytes_in"), -1);
	assert_int_equal(field_u(&r, sizeof(r), "fd.bytes_out"), -1);
}

/* An item through the 2.x encoder and decoder (with its length). */
static void item_round_trip(const union scry_rec *in, union scry_rec *out)
{
	uint8_t buf[SCRY_REC_MAX * 2];
	struct cap_ctx ec = {}, dc = {};
	uint32_t size = 0;
	size_t len = cap_event_encode(&ec, buf, in);

	assert_true(len <= cap_rec_bound(in));
	assert_int_equal(cap_event_decode(&dc, buf, len, out, &size), (int)len);
	assert_int_equal(size, in->h.size);
	assert_memory_equal(out, in, size);
}

static void counters_in_captures(void **state)
{
	union { union scry_rec rec; uint8_t b[SCRY_REC_MAX]; } in, out;
	uint8_t buf[512], old[512];
	struct cap_ctx ec = {}, dc = {};
	uint32_t size;
	size_t len, olen;
	int type;

	/* Every record type that carries them, with the largest figures. */
	for (type = SCRY_REC_SOCK_STATE; type <= SCRY_REC_TCP_RESET; type++) {
		if (type == SCRY_REC_SOCK_IO)
			continue;
		close_rec(&in.rec.sock, true);
		in.rec.h.type = type;
		in.rec.sock.bytes_in = UINT64_MAX;
		in.rec.sock.bytes_out = UINT64_MAX - 1;
		item_round_trip(&in.rec, &out.rec);
		close_rec(&in.rec.sock, false);
		in.rec.h.type = type;
		item_round_trip(&in.rec, &out.rec);
	}
	/*
	 * A 2.2 item is a 2.3 item without the counters: what the encoder writes for a record
	 * without them. It decodes to no counters, and the 2.3 item is that one plus the counters.
	 */
	close_rec(&in.rec.sock, false);
	olen = cap_event_encode(&ec, old, &in.rec);
	memset(&ec, 0, sizeof(ec));
	close_rec(&in.rec.sock, true);
	len = cap_event_encode(&ec, buf, &in.rec);
	assert_true(len > olen);
	assert_memory_equal(buf + 2, old + 2, olen - 2);
	assert_int_equal(cap_event_decode(&dc, old, olen, &out.rec, &size), (int)olen);
	assert_int_equal(size, sizeof(struct scry_rec_sock_state));
	assert_int_equal(out.rec.sock.xflags, 0);
	assert_int_equal(out.rec.sock.bytes_in, 0);
	/* Cut inside the counters: damage, not a record without them. */
	for (size_t cut = olen + 1; cut < len; cut++) {
		memcpy(old, buf, len);
		old[1] = cut - 2;
		memset(&dc, 0, sizeof(dc));
		assert_int_equal(cap_event_decode(&dc, old, cut, &out.rec, &size), -EBADMSG);
	}
}

/* A socket call's exit with the addresses BPF read; returns its size. */
static uint32_t sock_exit(struct scry_rec_sys_exit *x, long nr, long ret, int family, int sktype,
			  const char *laddr, int lport, const char *raddr, int rport,
			  const char *name)
{
	struct scry_sock_addr *a = (void *)x->path;
	const struct syscall_desc *d = syscall_desc(nr);
	uint32_t size;

	memset(x, 0, sizeof(*x));
	x->nr = nr;
	x->ret = ret;
	x->nargs = d->nargs;
	x->args[0] = 3;
	x->args[2] = 100;
	x->fd_kind[0] = SCRY_FD_SOCK;
	x->xflags = SCRY_SX_SOCK;
	a->family = family;
	a->sktype = sktype;
	a->protocol = family == AF_UNIX ? 0 : sktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	if (laddr)
		inet_pton(family, laddr, a->laddr);
	if (raddr)
		inet_pton(family, raddr, a->raddr);
	a->lport = lport;
	a->rport = rport;
	x->path_len = sizeof(*a);
	if (name) {
		memcpy(x->path + sizeof(*a), name, strlen(name) + 1);
		x->path_len += strlen(name) + 1;
	}
	size = SCRY_SYS_EXIT_ARGS + x->path_len;
	sock_hdr(&x->h, SCRY_REC_SYS_EXIT, size);
	x->h.pid = x->h.tid = 100;
	return size;
}

/* A string field of a record: its value, or "-" when it has none. */
static const char *field_s(const void *rec, uint32_t size, const char *name, char *out)
{
	const struct field_desc *f = field_lookup(name);
	struct scry_event ev[2];
	struct field_val v;
	char scratch[256];
	struct sbuf b;

	assert_non_null(f);
	assert_int_equal(decode__record(rec, size, ev), 1);
	sbuf__init(&b, scratch, sizeof(scratch));
	if (!f->get(ev, &v, &b))
		return strcpy(out, "-");
	if (v.type == FT_STR) {
		memcpy(out, v.str, v.len);
		out[v.len] = '\0';
	} else {
		sprintf(out, "%lld", v.type == FT_S64 ? (long long)v.s : (long long)v.u);
	}
	return out;
}

/* "sip sport cip cport lip lport rip rport is_server fd.num fd.name l4proto" */
static const char *fields_of(const void *rec, uint32_t size, char *out)
{
	static const char *const names[] = {
		"fd.sip", "fd.sport", "fd.cip", "fd.cport", "fd.lip", "fd.lport", "fd.rip",
		"fd.rport", "fd.is_server", "fd.num", "fd.name", "fd.l4proto", "fd.sockfamily",
	};
	char v[256];
	size_t i;

	out[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		strcat(out, i ? " " : "");
		strcat(out, field_s(rec, size, names[i], v));
	}
	return out;
}

static void socket_calls_say_tuples(void **state)
{
	union { struct scry_rec_sys_exit x; uint8_t b[SCRY_REC_MAX]; } r;
	char info[512], f[1024];
	uint32_t size;

	/* connect: the client, local first */
	size = sock_exit(&r.x, SYS_connect, 0, AF_INET, SOCK_STREAM, "127.0.0.1", 40000,
			 "127.0.0.1", 8080, NULL);
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=0 fd=3(<4t>127.0.0.1:40000->127.0.0.1:8080) addr=0x0 addrlen=100");
	assert_string_equal(fields_of(&r, size, f),
			    "127.0.0.1 8080 127.0.0.1 40000 127.0.0.1 40000 127.0.0.1 8080 0 3 "
			    "127.0.0.1:40000->127.0.0.1:8080 tcp ip");
	/* accept: the fd it returned, the client (its peer) first; the listening fd stays lfd */
	size = sock_exit(&r.x, SYS_accept, 5, AF_INET6, SOCK_STREAM, "::1", 8080, "::1", 40000,
			 NULL);
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=5 fd=5(<6t>[::1]:40000->[::1]:8080) lfd=3(<s>) addr=0x0 "
			    "addrlen=0x64");
	assert_string_equal(fields_of(&r, size, f),
			    "::1 8080 ::1 40000 ::1 8080 ::1 40000 1 5 [::1]:40000->[::1]:8080 "
			    "tcp ip");
	/* listen, bind: the local end only; no client */
	size = sock_exit(&r.x, SYS_listen, 0, AF_INET, SOCK_STREAM, "0.0.0.0", 8080, NULL, 0, NULL);
	r.x.args[1] = 64;
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=0 fd=3(<4t>0.0.0.0:8080) backlog=64");
	assert_string_equal(fields_of(&r, size, f),
			    "0.0.0.0 8080 - - 0.0.0.0 8080 0.0.0.0 0 1 3 0.0.0.0:8080 tcp ip");
	/* an unconnected UDP socket's sendto: the sender is the client */
	size = sock_exit(&r.x, SYS_sendto, 1234, AF_INET, SOCK_DGRAM, "0.0.0.0", 50000,
			 "127.0.0.1", 53, NULL);
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=1234 fd=3(<4u>0.0.0.0:50000->127.0.0.1:53) buf=0x0 size=100 "
			    "flags=0x0 addr=0x0 addrlen=0");
	assert_string_equal(fields_of(&r, size, f),
			    "127.0.0.1 53 0.0.0.0 50000 0.0.0.0 50000 127.0.0.1 53 0 3 "
			    "0.0.0.0:50000->127.0.0.1:53 udp ip");
	/* recvfrom on it: the receiver is the server, the sender first */
	size = sock_exit(&r.x, SYS_recvfrom, 9, AF_INET, SOCK_DGRAM, "127.0.0.1", 53, "127.0.0.1",
			 50000, NULL);
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=9 fd=3(<4u>127.0.0.1:50000->127.0.0.1:53) buf=0x0 size=100 "
			    "flags=0x0 addr=0x0 addrlen=0x0");
	assert_string_equal(field_s(&r, size, "fd.is_server", f), "1");
	/* a TCP socket's send: which end it is, the call does not say */
	size = sock_exit(&r.x, SYS_sendto, 9, AF_INET, SOCK_STREAM, "127.0.0.1", 40000,
			 "127.0.0.1", 8080, NULL);
	assert_string_equal(fields_of(&r, size, f),
			    "- - - - 127.0.0.1 40000 127.0.0.1 8080 - 3 "
			    "127.0.0.1:40000->127.0.0.1:8080 tcp ip");
	/* unix: the name, no ports */
	size = sock_exit(&r.x, SYS_connect, 0, AF_UNIX, SOCK_STREAM, NULL, 0, NULL, 0,
			 "/run/app.sock");
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=0 fd=3(<u>/run/app.sock) addr=0x0 addrlen=100");
	assert_string_equal(fields_of(&r, size, f),
			    "- - - - - - - - - 3 /run/app.sock  unix");
	/* a socket call whose fd was no socket carries no addresses: as before */
	memset(&r, 0, sizeof(r));
	r.x.nr = SYS_connect;
	r.x.ret = -ENOTSOCK;
	r.x.nargs = 3;
	r.x.args[0] = 1;
	r.x.fd_kind[0] = SCRY_FD_CHR;
	sock_hdr(&r.x.h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_ARGS);
	assert_string_equal(info_of(&r, SCRY_SYS_EXIT_ARGS, info, sizeof(info)),
			    "res=-88(ENOTSOCK) fd=1(<c>) addr=0x0 addrlen=0");
	assert_string_equal(field_s(&r, SCRY_SYS_EXIT_ARGS, "fd.lport", f), "-");
}

/* The exit's addresses are damage unless whole: a name without its NUL, or too short. */
static void socket_call_damage(void **state)
{
	union { struct scry_rec_sys_exit x; uint8_t b[SCRY_REC_MAX]; } r;
	struct scry_event ev[2];
	uint32_t size;

	size = sock_exit(&r.x, SYS_connect, 0, AF_UNIX, SOCK_STREAM, NULL, 0, NULL, 0, "/a");
	assert_int_equal(decode__record(&r, size, ev), 1);
	r.x.path[r.x.path_len - 1] = 'x';
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	size = sock_exit(&r.x, SYS_connect, 0, AF_INET, SOCK_STREAM, NULL, 0, NULL, 0, NULL);
	r.x.path_len = sizeof(struct scry_sock_addr) - 1;
	r.x.h.size = --size;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	size = sock_exit(&r.x, SYS_connect, 0, AF_INET, SOCK_STREAM, NULL, 0, NULL, 0, NULL);
	r.x.xflags = 0x80;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
}

/* Addresses travel in captures (2.3) after everything an older reader knows. */
static void socket_calls_in_captures(void **state)
{
	union { union scry_rec rec; uint8_t b[SCRY_REC_MAX]; } in, out;
	uint8_t buf[1024], old[1024];
	struct cap_ctx ec = {}, dc = {};
	uint32_t size;
	size_t len, olen;

	sock_exit(&in.rec.exit, SYS_accept, 5, AF_INET6, SOCK_STREAM, "::1", 8080, "::1", 40000,
		  NULL);
	item_round_trip(&in.rec, &out.rec);
	sock_exit(&in.rec.exit, SYS_connect, 0, AF_UNIX, SOCK_STREAM, NULL, 0, NULL, 0,
		  "@abstract");
	item_round_trip(&in.rec, &out.rec);
	/* What a 2.2 reader reads of it is the call without its addresses, byte for byte. */
	len = cap_event_encode(&ec, buf, &in.rec);
	in.rec.exit.xflags = 0;
	in.rec.exit.path_len = 0;
	in.rec.h.size = SCRY_SYS_EXIT_ARGS;
	olen = cap_event_encode(&ec, old, &in.rec);
	memset(&ec, 0, sizeof(ec));
	olen = cap_event_encode(&ec, old, &in.rec);
	assert_true(len > olen);
	assert_memory_equal(buf + 2, old + 2, olen - 2);
	assert_int_equal(cap_event_decode(&dc, old, olen, &out.rec, &size), (int)olen);
	assert_int_equal(size, SCRY_SYS_EXIT_ARGS);
	assert_int_equal(out.rec.exit.xflags, 0);
	/* cut inside the addresses: damage */
	for (size_t cut = olen + 1; cut < len; cut++) {
		memcpy(old, buf, len);
		old[1] = cut - 2;
		memset(&dc, 0, sizeof(dc));
		assert_int_equal(cap_event_decode(&dc, old, cut, &out.rec, &size), -EBADMSG);
	}
}

/* A view's row reads as a syscall exit with only a header (size 0): it has no addresses. */
/* A send's or receive's IP addresses (2.3): through a capture, and absent from a 2.2 item. */
static void sockio_addresses_in_captures(void **state)
{
	union { union scry_rec rec; uint8_t b[SCRY_REC_MAX]; } in, out;
	uint8_t buf[512], old[512];
	struct cap_ctx ec = {}, dc = {};
	uint32_t size;
	size_t len, olen;

	memset(&in, 0, sizeof(in));
	sock_hdr(&in.rec.h, SCRY_REC_SOCK_IO, sizeof(struct scry_rec_sock_io));
	in.rec.sio.cookie = 5;
	in.rec.sio.bytes = 1234;
	in.rec.sio.family = 10;
	in.rec.sio.protocol = 17;
	in.rec.sio.sktype = 2;
	olen = cap_event_encode(&ec, old, &in.rec);	/* no addresses: a 2.2 item */
	in.rec.sio.xflags = SCRY_SIO_ADDR;
	in.rec.sio.sport = 65535;
	in.rec.sio.dport = 53;
	memset(in.rec.sio.saddr, 0xfe, 16);
	in.rec.sio.daddr[15] = 1;
	item_round_trip(&in.rec, &out.rec);
	memset(&ec, 0, sizeof(ec));
	len = cap_event_encode(&ec, buf, &in.rec);
	assert_true(len > olen);
	assert_int_equal(cap_event_decode(&dc, old, olen, &out.rec, &size), (int)olen);
	assert_int_equal(out.rec.sio.xflags, 0);
	assert_int_equal(out.rec.sio.sport, 0);
	/* Cut inside the addresses: damage. */
	for (size_t cut = olen + 1; cut < len; cut++) {
		memcpy(old, buf, len);
		old[1] = cut - 2;
		memset(&dc, 0, sizeof(dc));
		assert_int_equal(cap_event_decode(&dc, old, cut, &out.rec, &size), -EBADMSG);
	}
}

static void view_row_has_none(void **state)
{
	union { union scry_rec rec; uint8_t b[SCRY_REC_MAX]; } r;
	struct scry_event ev = { .rec = &r.rec, .type = SCRY_REC_SYS_EXIT, .nr = SYS_accept };

	memset(&r, 0xff, sizeof(r));
	memset(&r.rec.h, 0, sizeof(r.rec.h));
	assert_null(evt_sock_addr(&ev));
	assert_int_equal(evt_sock_role(&ev), SCR_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(close_says_bytes),
		cmocka_unit_test(counters_in_captures),
		cmocka_unit_test(socket_calls_say_tuples),
		cmocka_unit_test(socket_call_damage),
		cmocka_unit_test(socket_calls_in_captures),
		cmocka_unit_test(sockio_addresses_in_captures),
		cmocka_unit_test(view_row_has_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
