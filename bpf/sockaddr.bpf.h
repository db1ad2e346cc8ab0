/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A socket's addresses for a socket syscall's exit (struct scry_sock_addr): read from the socket
 * behind the fd when the call returns, and for an unconnected datagram socket the peer from the
 * call's own address argument.
 */
#ifndef SCRY_SOCKADDR_BPF_H
#define SCRY_SOCKADDR_BPF_H

#include "scry.bpf.h"

#define SA_UNIX		1
#define SA_INET		2
#define SA_INET6	10
#define SA_UNIX_PATH	108	/* sizeof(sun_path) */

_Static_assert(SA_UNIX_PATH + 1 <= SCRY_UNIX_NAME_MAX, "a unix name and its NUL fit");

/*
 * A unix socket's name: its own, else its peer's (a client's is the server's). The kernel keeps
 * a path name with its NUL and an abstract one without: an abstract name gets '@' for its
 * leading NUL, as ss(8) shows it. Returns the bytes used, NUL-padded to 8, 0 if nameless.
 */
static __always_inline __u32 unix_name(char *name, const struct sock *sk)
{
	const struct unix_sock *u = (const void *)sk;
	struct unix_address *ua = BPF_CORE_READ(u, addr);
	__u32 n;
	int len;

	if (!ua) {
		u = (const void *)BPF_CORE_READ(u, peer);
		ua = u ? BPF_CORE_READ(u, addr) : NULL;
		if (!ua)
			return 0;
	}
	len = BPF_CORE_READ(ua, len) - (int)sizeof(__u16);	/* less sun_family */
	if (len <= 0)
		return 0;
	n = len;
	if (n > SA_UNIX_PATH)
		n = SA_UNIX_PATH;
	/* The bound must reach the verifier as a compare on the very register passed. */
	asm volatile("" : "+r"(n));
	if (n > SA_UNIX_PATH)
		return 0;
	__builtin_memset(name, 0, SCRY_UNIX_NAME_MAX);
	if (bpf_probe_read_kernel(name, n, ua->name[0].sun_path))
		return 0;
	if (!name[0])
		name[0] = '@';
	return (n + 1 + 7) & ~7U;
}

/* The addresses of `sk` into `a`; returns the bytes of `a` used (with a unix name), 0: none. */
static __always_inline __u32 sock_addr_read(struct scry_sock_addr *a, const struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	__builtin_memset(a, 0, sizeof(*a));
	a->family = family;
	/* bitfields before 5.6: read them as the kernel lays them out */
	a->sktype = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type);
	a->protocol = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	if (family == SA_INET) {
		BPF_CORE_READ_INTO((__u32 *)a->laddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)a->raddr, sk, __sk_common.skc_daddr);
	} else if (family == SA_INET6) {
		BPF_CORE_READ_INTO(&a->laddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&a->raddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else if (family == SA_UNIX) {
		a->protocol = 0;
		return sizeof(*a) + unix_name(a->name, sk);
	} else {
		return sizeof(*a);
	}
	a->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	a->rport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	return sizeof(*a);
}

/*
 * The peer of an unconnected IP socket from a user sockaddr (sendto's destination, recvfrom's
 * sender), or through a msghdr's msg_name (sendmsg, recvmsg). A connected socket's own peer
 * stands; an address of another family is not taken.
 */
static __always_inline void peer_read(struct scry_sock_addr *a, __u64 uaddr, bool msghdr)
{
	struct sockaddr_in6 sa = {};

	if ((a->family != SA_INET && a->family != SA_INET6) || a->rport)
		return;
	if (msghdr && bpf_probe_read_user(&uaddr, sizeof(uaddr), (const void *)uaddr))
		return;
	if (!uaddr || (bpf_probe_read_user(&sa, sizeof(sa), (const void *)uaddr) &&
		       bpf_probe_read_user(&sa, sizeof(struct sockaddr_in), (const void *)uaddr)))
		return;
	if (sa.sin6_family == SA_INET && a->family == SA_INET) {
		__builtin_memcpy(a->raddr, &((struct sockaddr_in *)&sa)->sin_addr, 4);
	} else if (sa.sin6_family == SA_INET6 && a->family == SA_INET6) {
		__builtin_memcpy(a->raddr, &sa.sin6_addr, 16);
	} else {
		return;
	}
	a->rport = __builtin_bswap16(sa.sin6_port);
}

#endif /* SCRY_SOCKADDR_BPF_H */
