// SPDX-License-Identifier: GPL-2.0
/*
 * Network tracepoints. They run in softirq as often as in a task (a SYN-ACK received completes a
 * connect), so they read whose socket it is from the socket, never from the current task, and
 * emit straight to the ring (the stage and the task slot belong to task context).
 */
#include "emit.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET		2
#define AF_INET6	10
#define MSG_PEEK	2
#define IPPROTO_TCP	6
#define TCP_TIME_WAIT	6
#define TCP_NEW_SYN_RECV 12
#define SOCK_DONE	1	/* enum sock_flags: the peer's FIN came (tcp_fin) */

static __always_inline bool full_sock(const struct sock *sk)
{
	__u8 st = sk->__sk_common.skc_state;

	return st != TCP_TIME_WAIT && st != TCP_NEW_SYN_RECV;
}

static __always_inline __u64 sock_cgid(const struct sock *sk)
{
	/* Sockets remember their cgroup2 cgroup only: a v1 id cannot be had here. */
	if (cgroup_v1)
		return 0;
	return BPF_CORE_READ(sk, sk_cgrp_data.cgroup, kn, id);
}

/* Before 4.19 (or so) the socket's flags were struct sock's own. */
struct sock___flags_own {
	unsigned long sk_flags;
} __attribute__((preserve_access_index));

static __always_inline unsigned long sock_flags(const struct sock *sk)
{
	const struct sock___flags_own *old = (const void *)sk;

	if (bpf_core_field_exists(sk->__sk_common.skc_flags))
		return BPF_CORE_READ(sk, __sk_common.skc_flags);
	if (bpf_core_field_exists(old->sk_flags))
		return BPF_CORE_READ(old, sk_flags);
	return 0;
}

/*
 * A full TCP socket's payload bytes each way, from the kernel's own counters (see event.h for
 * why these and the corrections). Read at the moment itself: a close is often in softirq.
 */
static __always_inline void tcp_bytes(struct scry_rec_sock_state *r, const struct sock *sk)
{
	const struct tcp_sock *tp = (const void *)sk;
	__u64 in;

	if (!bpf_core_field_exists(tp->bytes_received) || !bpf_core_field_exists(tp->bytes_acked))
		return;
	in = BPF_CORE_READ(tp, bytes_received);
	if (in && (sock_flags(sk) & (1UL << SOCK_DONE)))
		in--;
	r->bytes_in = in;
	if (bpf_core_field_exists(tp->bytes_sent) && bpf_core_field_exists(tp->bytes_retrans))
		r->bytes_out = BPF_CORE_READ(tp, bytes_sent) - BPF_CORE_READ(tp, bytes_retrans);
	else
		r->bytes_out = BPF_CORE_READ(tp, bytes_acked);
	r->xflags |= SCRY_SOCK_BYTES;
}

/* A TCP socket's moment as a record of `type` (see scry_rec_sock_state); false: not an IP socket. */
static __always_inline bool sock_moment(struct scry_rec_sock_state *r, __u16 type,
					const struct sock *sk, __u8 oldstate, __u8 newstate)
{
	__u16 family = sk->__sk_common.skc_family;

	if (family != AF_INET && family != AF_INET6)
		return false;
	__builtin_memset(r, 0, sizeof(*r));
	r->h.type = type;
	r->h.size = sizeof(*r);
	r->h.cpu = bpf_get_smp_processor_id();
	r->h.ts = bpf_ktime_get_boot_ns();
	r->cookie = bpf_get_socket_cookie((void *)sk);
	r->family = family;
	/* A time-wait or request socket is only a sock_common: no cgroup, TCP by definition. */
	if (full_sock(sk)) {
		r->h.cgid = sock_cgid(sk);
		r->protocol = sk->sk_protocol;
		if (r->protocol == IPPROTO_TCP)
			tcp_bytes(r, sk);
	} else {
		r->protocol = IPPROTO_TCP;
	}
	r->oldstate = oldstate;
	r->newstate = newstate;
	r->sport = sk->__sk_common.skc_num;
	r->dport = __builtin_bswap16(sk->__sk_common.skc_dport);
	if (family == AF_INET) {
		__builtin_memcpy(r->saddr, &sk->__sk_common.skc_rcv_saddr, 4);
		__builtin_memcpy(r->daddr, &sk->__sk_common.skc_daddr, 4);
	} else {
		BPF_CORE_READ_INTO(&r->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&r->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	return true;
}

/* TP_PROTO(const struct sock *sk, const int oldstate, const int newstate) */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(scry_sock_state, const struct sock *sk, const int oldstate, const int newstate)
{
	struct scry_rec_sock_state r;

	if (sock_moment(&r, SCRY_REC_SOCK_STATE, sk, oldstate, newstate))
		emit_direct(NULL, &r, sizeof(r), SCRY_STATS_NET);
	return 0;
}

/*
 * TP_PROTO(const struct sock *sk, const struct sk_buff *skb, int err): from the RTO timer and
 * loss recovery. An attempt that failed (err: the device queue was full...) sent nothing and is
 * tried again: only segments that left count, as the kernel's RetransSegs counts them.
 */
SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(scry_tcp_retrans, const struct sock *sk, const struct sk_buff *skb, int err)
{
	struct scry_rec_sock_state r;
	__u8 st = sk->__sk_common.skc_state;

	if (!err && sock_moment(&r, SCRY_REC_TCP_RETRANS, sk, st, st))
		emit_direct(NULL, &r, sizeof(r), SCRY_STATS_NET);
	return 0;
}

/* A reset for a segment of no socket (a SYN to a closed port) has no one to charge: not sent. */
static __always_inline int tcp_reset(const struct sock *sk, __u16 dir)
{
	struct scry_rec_sock_state r;
	__u8 st;

	if (!sk)
		return 0;
	st = sk->__sk_common.skc_state;
	if (sock_moment(&r, SCRY_REC_TCP_RESET, sk, st, st)) {
		r.dir = dir;
		emit_direct(NULL, &r, sizeof(r), SCRY_STATS_NET);
	}
	return 0;
}

/* TP_PROTO(const struct sock *sk, const struct sk_buff *skb, const enum sk_rst_reason reason) */
SEC("tp_btf/tcp_send_reset")
int BPF_PROG(scry_tcp_send_reset, const struct sock *sk)
{
	return tcp_reset(sk, SCRY_SOCK_OUT);
}

/* TP_PROTO(struct sock *sk) */
SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(scry_tcp_recv_reset, const struct sock *sk)
{
	return tcp_reset(sk, SCRY_SOCK_IN);
}

/*
 * Plain adds to this CPU's value: the kernel runs no program inside itself on one CPU (a softirq
 * that lands in sock_send and sends skips it: counted as the program's misses), and sock_recv,
 * which may, adds to keys of the other direction.
 */
static __always_inline bool count_add(struct scry_net_val *v, int ret)
{
	v->bytes += ret;
	v->calls++;
	return true;
}

/*
 * Count mode: add the call to its key's sums. False when the map is full: the caller sends a
 * record instead, so no call is ever lost, and the stats say how many went that way.
 */
static __always_inline bool sock_count(struct sock *sk, struct task_struct *t, int ret, __u8 dir)
{
	struct scry_net_val *v, first = { .bytes = ret, .calls = 1 };
	struct scry_net_key k;
	struct scry_cpu_stats *st;

	__builtin_memset(&k, 0, sizeof(k));
	k.cgid = task_cgid(t);
	k.tgid = t->tgid;
	k.family = sk->__sk_common.skc_family;
	k.protocol = sk->sk_protocol;
	k.sktype = sk->sk_type;
	k.dir = dir;
	v = bpf_map_lookup_elem(&net_counts, &k);
	if (v)
		return count_add(v, ret);
	if (!bpf_map_update_elem(&net_counts, &k, &first, BPF_NOEXIST))
		return true;
	v = bpf_map_lookup_elem(&net_counts, &k);	/* made by another CPU meanwhile */
	if (v)
		return count_add(v, ret);
	st = stats_slot(SCRY_STATS_NET);
	if (st)
		__sync_fetch_and_add(&st->count_full, 1);
	return false;
}

/*
 * Bytes on a socket, in the task that sends or receives (sock_sendmsg/sock_recvmsg), so the
 * record is staged like a syscall exit. Should one ever fire in an interrupt that landed inside
 * another program's use of the stage (a kernel socket written from softirq), it goes out on its
 * own instead. In count mode only the calls the count map has no room for make a record.
 */
static __always_inline int sock_io(struct sock *sk, int ret, int flags, __u8 dir)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct scry_rec_sock_io *r, local;
	struct scry_stage *s;
	bool staged;

	if (ret < 0 || (dir == SCRY_SOCK_IN && (flags & MSG_PEEK)) || t->tgid == self_tgid)
		return 0;
	if (net_count && sock_count(sk, t, ret, dir))
		return 0;
	s = stage_get();
	if (!s)
		return 0;
	/* Count mode may run without sched_switch to flush a stage: its records go out at once. */
	staged = !s->busy && !net_count;
	r = staged ? stage_reserve(s, sizeof(*r), SCRY_STATS_TP) : &local;
	hdr_fill(&r->h, SCRY_REC_SOCK_IO, sizeof(*r), t, bpf_ktime_get_boot_ns());
	r->cookie = bpf_get_socket_cookie(sk);
	r->bytes = ret;
	r->family = sk->__sk_common.skc_family;
	r->protocol = sk->sk_protocol;
	r->sktype = sk->sk_type;
	r->dir = dir;
	__builtin_memset(r->__pad, 0, sizeof(r->__pad));
	if (staged)
		stage_commit(s, sizeof(*r), SCRY_STATS_TP);
	else
		emit_direct(net_count && !s->busy ? s : NULL, r, sizeof(*r), SCRY_STATS_NET);
	return 0;
}

/* TP_PROTO(struct sock *sk, int ret, int flags) */
SEC("tp_btf/sock_send_length")
int BPF_PROG(scry_sock_send, struct sock *sk, int ret, int flags)
{
	return sock_io(sk, ret, flags, SCRY_SOCK_OUT);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(scry_sock_recv, struct sock *sk, int ret, int flags)
{
	return sock_io(sk, ret, flags, SCRY_SOCK_IN);
}
