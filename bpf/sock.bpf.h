/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An IP socket's own ends as every network record carries them (sock_state, sockio, the
 * iterator's seed): read from a BTF pointer, so no map or knob is needed and the iterator's
 * object (which shares nothing with the tracing programs) can use it too.
 */
#ifndef SCRY_SOCK_BPF_H
#define SCRY_SOCK_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>

#ifndef AF_INET
#define AF_INET		2
#define AF_INET6	10
#endif

/* Ports in host order; addresses 16 bytes each, IPv4 in the first 4 (the rest left as is). */
static __always_inline void sock_ends(const struct sock *sk, __u16 family, __u16 *sport,
				      __u16 *dport, __u8 *saddr, __u8 *daddr)
{
	*sport = sk->__sk_common.skc_num;
	*dport = __builtin_bswap16(sk->__sk_common.skc_dport);
	if (family == AF_INET) {
		__builtin_memcpy(saddr, &sk->__sk_common.skc_rcv_saddr, 4);
		__builtin_memcpy(daddr, &sk->__sk_common.skc_daddr, 4);
	} else {
		BPF_CORE_READ_INTO((__u8 (*)[16])saddr, sk,
				   __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO((__u8 (*)[16])daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
}

#endif /* SCRY_SOCK_BPF_H */
