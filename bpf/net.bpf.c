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

static __always_inline __u64 sock_cgid(const struct sock *sk)
{
	/* Sockets remember their cgroup2 cgroup only: a v1 id cannot be had here. */
	if (cgroup_v1)
		return 0;
	return BPF_CORE_READ(sk, sk_cgrp_data.cgroup, kn, id);
}

/* TP_PROTO(const struct sock *sk, const int oldstate, const int newstate) */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(scry_sock_state, const struct sock *sk, const int oldstate, const int newstate)
{
	struct scry_rec_sock_state r;
	__u16 family = sk->__sk_common.skc_family;

	if (family != AF_INET && family != AF_INET6)
		return 0;
	__builtin_memset(&r, 0, sizeof(r));
	r.h.type = SCRY_REC_SOCK_STATE;
	r.h.size = sizeof(r);
	r.h.cpu = bpf_get_smp_processor_id();
	r.h.ts = bpf_ktime_get_boot_ns();
	r.h.cgid = sock_cgid(sk);
	r.cookie = bpf_get_socket_cookie((void *)sk);
	r.family = family;
	r.protocol = sk->sk_protocol;
	r.oldstate = oldstate;
	r.newstate = newstate;
	r.sport = sk->__sk_common.skc_num;
	r.dport = __builtin_bswap16(sk->__sk_common.skc_dport);
	if (family == AF_INET) {
		__builtin_memcpy(r.saddr, &sk->__sk_common.skc_rcv_saddr, 4);
		__builtin_memcpy(r.daddr, &sk->__sk_common.skc_daddr, 4);
	} else {
		BPF_CORE_READ_INTO(&r.saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&r.daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	emit_direct(NULL, &r, sizeof(r), SCRY_STATS_NET);
	return 0;
}
