// SPDX-License-Identifier: GPL-2.0
/* Network records: a socket's state changes, bytes sent and received. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "scry/state.h"
#include "internal.h"

/* The kernel's TCP states (include/net/tcp_states.h), as ss(8) names them. */
static const char *const tcp_states[] = {
	[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV", [4] = "FIN_WAIT1",
	[5] = "FIN_WAIT2", [6] = "TIME_WAIT", [7] = "CLOSE", [8] = "CLOSE_WAIT", [9] = "LAST_ACK",
	[10] = "LISTEN", [11] = "CLOSING", [12] = "NEW_SYN_RECV",
};

static void put_state(struct sbuf *b, uint8_t st)
{
	if (st < sizeof(tcp_states) / sizeof(tcp_states[0]) && tcp_states[st])
		sbuf__puts(b, tcp_states[st]);
	else
		sbuf__u64(b, st);
}

/* addr:port, IPv6 in brackets as in a URL. */
void sock_addr_put(struct sbuf *b, uint16_t family, const uint8_t addr[16], uint16_t port)
{
	char s[INET6_ADDRSTRLEN];

	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, s, sizeof(s)))
		snprintf(s, sizeof(s), "?");
	if (family == AF_INET6)
		sbuf__putc(b, '[');
	sbuf__puts(b, s);
	if (family == AF_INET6)
		sbuf__putc(b, ']');
	sbuf__putc(b, ':');
	sbuf__u64(b, port);
}

static void put_proto(struct sbuf *b, uint8_t protocol)
{
	sbuf__puts(b, protocol == IPPROTO_TCP ? " tcp " : " proto=");
	if (protocol != IPPROTO_TCP) {
		sbuf__u64(b, protocol);
		sbuf__putc(b, ' ');
	}
}

static void put_tuple(struct sbuf *b, const struct scry_rec_sock_state *r)
{
	sock_addr_put(b, r->family, r->saddr, r->sport);
	sbuf__puts(b, "->");
	sock_addr_put(b, r->family, r->daddr, r->dport);
	put_proto(b, r->protocol);
}

static void put_conn(struct sbuf *b, const struct sock_tuple *t)
{
	sock_addr_put(b, t->family, t->laddr, t->lport);
	sbuf__puts(b, "->");
	sock_addr_put(b, t->family, t->raddr, t->rport);
	put_proto(b, t->protocol);
}

/*
 * "127.0.0.1:36432->127.0.0.1:8080 tcp SYN_SENT->ESTABLISHED cookie=7"; a close says, as
 * tcplife does, how long the connection lived (when the socket table saw it open) and the payload
 * bytes it moved each way, by the kernel's own counters in the record: "... FIN_WAIT2->CLOSE
 * cookie=7 duration=12.345678ms in=54321 out=1000003".
 */
void sock_state_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct scry_rec_sock_state *r = &ev->rec->sock;
	const struct scry_sock *s = ev->sock;
	char ms[48];

	/* A closing socket's local port reads 0: the tuple the table kept says which it was. */
	if (!r->sport && s && s->tuple)
		put_conn(b, &s->t);
	else
		put_tuple(b, r);
	put_state(b, r->oldstate);
	sbuf__puts(b, "->");
	put_state(b, r->newstate);
	sbuf__puts(b, " cookie=");
	sbuf__u64(b, r->cookie);
	if (r->newstate != 7 /* TCP_CLOSE */)
		return;
	if (s && s->open_ts && ev->ts >= s->open_ts) {
		snprintf(ms, sizeof(ms), " duration=%llu.%06llums",
			 (unsigned long long)(ev->ts - s->open_ts) / 1000000,
			 (unsigned long long)(ev->ts - s->open_ts) % 1000000);
		sbuf__puts(b, ms);
	}
	if (r->xflags & SCRY_SOCK_BYTES) {
		sbuf__puts(b, " in=");
		sbuf__u64(b, r->bytes_in);
		sbuf__puts(b, " out=");
		sbuf__u64(b, r->bytes_out);
	}
}

/* tcpretrans, tcpreset: "127.0.0.1:36432->127.0.0.1:8080 tcp ESTABLISHED sent cookie=7" */
void sock_moment_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct scry_rec_sock_state *r = &ev->rec->sock;

	put_tuple(b, r);
	put_state(b, r->oldstate);
	if (ev->type == SCRY_REC_TCP_RESET)
		sbuf__puts(b, r->dir == SCRY_SOCK_IN ? " received" : " sent");
	sbuf__puts(b, " cookie=");
	sbuf__u64(b, r->cookie);
}

/* fd.l4proto as sysdig names it: the transport of an IP socket. */
const char *sock_l4proto(uint16_t family, uint8_t protocol, uint8_t sktype)
{
	if (family != AF_INET && family != AF_INET6)
		return "";
	switch (protocol) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return "icmp";
	default:
		return sktype == SOCK_RAW ? "raw" : "";
	}
}

/* fd.sockfamily as sysdig names it. */
const char *sock_family(uint16_t family)
{
	return family == AF_INET || family == AF_INET6 ? "ip" : family == AF_UNIX ? "unix" : "";
}

/* "out 1000 tcp cookie=7", "in 0 unix stream cookie=9" */
void sock_io_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct scry_rec_sock_io *r = &ev->rec->sio;
	const char *l4 = sock_l4proto(r->family, r->protocol, r->sktype);

	sbuf__puts(b, r->dir == SCRY_SOCK_IN ? "in " : "out ");
	sbuf__u64(b, r->bytes);
	sbuf__putc(b, ' ');
	if (*l4) {
		sbuf__puts(b, l4);
	} else if (r->family == AF_UNIX) {
		sbuf__puts(b, r->sktype == SOCK_DGRAM ? "unix dgram" :
			      r->sktype == SOCK_SEQPACKET ? "unix seqpacket" : "unix stream");
	} else {
		sbuf__puts(b, "family=");
		sbuf__u64(b, r->family);
	}
	sbuf__puts(b, " cookie=");
	sbuf__u64(b, r->cookie);
}

const char *tcp_state_name(uint8_t st)
{
	if (st < sizeof(tcp_states) / sizeof(tcp_states[0]) && tcp_states[st])
		return tcp_states[st];
	return "?";
}

/* "127.0.0.1:8080->127.0.0.1:40000 tcp ESTABLISHED role=server fd=4 cookie=7" */
void sock_seed_info(const struct scry_event *ev, struct sbuf *b)
{
	static const char *const roles[] = { "", "client", "server", "listener" };
	const struct scry_rec_sock_seed *r = &ev->rec->seed;

	sock_addr_put(b, r->family, r->saddr, r->sport);
	sbuf__puts(b, "->");
	sock_addr_put(b, r->family, r->daddr, r->dport);
	put_proto(b, r->protocol);
	if (r->protocol == IPPROTO_TCP)
		put_state(b, r->state);
	if (r->role && r->role < sizeof(roles) / sizeof(roles[0])) {
		sbuf__puts(b, " role=");
		sbuf__puts(b, roles[r->role]);
	}
	sbuf__puts(b, " fd=");
	sbuf__u64(b, r->fd);
	sbuf__puts(b, " cookie=");
	sbuf__u64(b, r->cookie);
}

/* --- the addresses of a socket syscall's exit (struct scry_sock_addr) ------------------------ */

const struct scry_sock_addr *evt_sock_addr(const struct scry_event *ev)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;

	/* A view's row reads as an event with no record behind its header: size 0. */
	if (ev->type != SCRY_REC_SYS_EXIT ||
	    ev->size < SCRY_SYS_EXIT_ARGS + sizeof(struct scry_sock_addr) ||
	    !(x->xflags & SCRY_SX_SOCK))
		return NULL;
	return (const void *)x->path;
}

/* A unix socket's name if the exit carries one (the decoder checked its NUL), else NULL. */
const char *evt_sock_name(const struct scry_event *ev)
{
	const struct scry_sock_addr *a = evt_sock_addr(ev);

	return a && ev->rec->exit.path_len > sizeof(*a) ? a->name : NULL;
}

enum sock_call_role evt_sock_role(const struct scry_event *ev)
{
	const struct scry_sock_addr *a = evt_sock_addr(ev);
	const struct syscall_desc *d = syscall_desc(ev->nr);

	enum sock_call_role role;

	if (!a || !d)
		return SCR_NONE;
	switch (d->role) {
	case SCR_DGRAM_SEND:
		role = a->sktype == SOCK_DGRAM ? SCR_CLIENT : SCR_NONE;
		break;
	case SCR_DGRAM_RECV:
		role = a->sktype == SOCK_DGRAM ? SCR_SERVER : SCR_NONE;
		break;
	default:
		role = d->role;
	}
	/* A stream socket's send or receive: the end the fd table saw it become (accept...). */
	if (role == SCR_NONE && d->sock && d->sock != SCRY_SYSARG_RET) {
		const struct scry_fd *f = fdtab__get(ev->proc,
						     (int32_t)ev->rec->exit.args[d->sock - 1]);

		if (f && f->sock)
			role = f->flags & FDE_SERVER ? SCR_SERVER : SCR_CLIENT;
	}
	return role;
}

static bool addr_zero(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, sizeof(zero));
}

bool sock_addr_has_peer(const struct scry_sock_addr *a)
{
	return a->rport || !addr_zero(a->raddr);
}

/*
 * sysdig's form: "<4t>127.0.0.1:40000->127.0.0.1:8080", the client first, whichever end the
 * call is (a server's accept shows its peer first); "<4t>0.0.0.0:8080" with no peer (bind,
 * listen); "<u>/run/app.sock" for a unix socket, with the name it or its peer has (`name`, NULL
 * for a nameless one: its record ends before a->name). IPv6
 * addresses in brackets, as scry's other tuples. An end of unknown role shows local first.
 */
void sock_addr_tuple(struct sbuf *b, const struct scry_sock_addr *a, const char *name,
		     enum sock_call_role role, bool kind)
{
	const char *l4 = sock_l4proto(a->family, a->protocol, a->sktype);

	if (kind) {
		sbuf__putc(b, '<');
		sbuf__putc(b, a->family == AF_INET ? '4' : a->family == AF_INET6 ? '6' :
			      a->family == AF_UNIX ? 'u' : '?');
		if (*l4)
			sbuf__putc(b, *l4);
		sbuf__putc(b, '>');
	}
	if (a->family == AF_UNIX) {
		if (name)
			sbuf__puts(b, name);
		return;
	}
	if (a->family != AF_INET && a->family != AF_INET6)
		return;
	if (!sock_addr_has_peer(a)) {
		sock_addr_put(b, a->family, a->laddr, a->lport);
		return;
	}
	if (role == SCR_SERVER) {
		sock_addr_put(b, a->family, a->raddr, a->rport);
		sbuf__puts(b, "->");
		sock_addr_put(b, a->family, a->laddr, a->lport);
	} else {
		sock_addr_put(b, a->family, a->laddr, a->lport);
		sbuf__puts(b, "->");
		sock_addr_put(b, a->family, a->raddr, a->rport);
	}
}
