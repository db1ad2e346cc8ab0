// SPDX-License-Identifier: GPL-2.0
/*
 * Network tracepoints. They run in softirq as often as in a task (a SYN-ACK received completes a
 * connect), so they read whose socket it is from the socket, never from the current task, and
 * emit straight to the ring (the stage and the task slot belong to task context).
 */
#include "emit.bpf.h"
#include "sock.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define MSG_PEEK	2
#define IPPROTO_TCP	6
#define TCP_SYN_SENT	2
#define TCP_TIME_WAIT	6
#define TCP_LISTEN	10
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
	sock_ends(sk, family, &r->sport, &r->dport, r->saddr, r->daddr);
	return true;
}

/* TP_PROTO(const struct sock *sk, const int oldstate, const int newstate) */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(scry_sock_state, const struct sock *sk, const int oldstate, const int newstate)
{
	struct scry_rec_sock_state r;
	struct task_struct *t;

	if (!sock_moment(&r, SCRY_REC_SOCK_STATE, sk, oldstate, newstate))
		return 0;
	/*
	 * listen() and connect() make these two in the owner's own call, never in softirq: the
	 * current task is who listens or connects (a listener that never sends is named so).
	 */
	if (newstate == TCP_LISTEN || newstate == TCP_SYN_SENT) {
		t = bpf_get_current_task_btf();
		r.h.pid = t->tgid;
		r.h.tid = t->pid;
		__builtin_memcpy(r.h.comm, t->comm, sizeof(r.h.comm));
	}
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

/* What the sums' key and a sockio record say of a socket (the cookie only in a record). */
struct sock_id {
	__u64 cookie;
	__u16 family;
	__u8 protocol;
	__u8 sktype;
	__u16 sport, dport;	/* an IP socket's (host order), for a record only */
	__u8 saddr[16], daddr[16];
};

/*
 * Count mode: add the call to its key's sums. False when the map is full: the caller sends a
 * record instead, so no call is ever lost, and the stats say how many went that way.
 */
static __always_inline bool sock_count(struct task_struct *t, const struct sock_id *id, int ret,
				       __u8 dir)
{
	struct scry_net_val *v, first = { .bytes = ret, .calls = 1 };
	struct scry_net_key k;
	struct scry_cpu_stats *st;

	__builtin_memset(&k, 0, sizeof(k));
	k.cgid = task_cgid(t);
	k.tgid = t->tgid;
	k.family = id->family;
	k.protocol = id->protocol;
	k.sktype = id->sktype;
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
 * A sockio record, in the task that sends or receives, so it is staged like a syscall exit.
 * Should one ever fire in an interrupt that landed inside another program's use of the stage (a
 * kernel socket written from softirq), it goes out on its own instead.
 */
static __always_inline void sock_record(struct task_struct *t, const struct sock_id *id, int ret,
					__u8 dir)
{
	struct scry_rec_sock_io *r, local;
	struct scry_stage *s;
	bool staged;

	s = stage_get();
	if (!s)
		return;
	/* Count mode may run without sched_switch to flush a stage: its records go out at once. */
	staged = !s->busy && !net_count;
	r = staged ? stage_reserve(s, sizeof(*r), SCRY_STATS_TP) : &local;
	hdr_fill(&r->h, SCRY_REC_SOCK_IO, sizeof(*r), t, bpf_ktime_get_boot_ns());
	r->cookie = id->cookie;
	r->bytes = ret;
	r->family = id->family;
	r->protocol = id->protocol;
	r->sktype = id->sktype;
	r->dir = dir;
	r->__pad = 0;
	if (id->family == AF_INET || id->family == AF_INET6) {
		r->xflags = SCRY_SIO_ADDR;
		r->sport = id->sport;
		r->dport = id->dport;
		__builtin_memcpy(r->saddr, id->saddr, sizeof(r->saddr));
		__builtin_memcpy(r->daddr, id->daddr, sizeof(r->daddr));
	} else {
		r->xflags = 0;
		r->sport = r->dport = 0;
		__builtin_memset(r->saddr, 0, sizeof(r->saddr));
		__builtin_memset(r->daddr, 0, sizeof(r->daddr));
	}
	if (staged)
		stage_commit(s, sizeof(*r));
	else
		emit_direct(net_count && !s->busy ? s : NULL, r, sizeof(*r), SCRY_STATS_NET);
}

/* A call that moved nothing (failed) or only looked (MSG_PEEK) is no socket traffic. */
static __always_inline bool sock_io_counts(struct task_struct *t, long ret, __u64 flags, __u8 dir)
{
	return ret >= 0 && !(dir == SCRY_SOCK_IN && (flags & MSG_PEEK)) && t->tgid != self_tgid;
}

/*
 * Bytes on a socket (sock_sendmsg/sock_recvmsg's tracepoints): summed in count mode, else (and
 * when the sums have no room) a record.
 */
static __always_inline int sock_io(struct sock *sk, int ret, int flags, __u8 dir)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct sock_id id;

	if (!sock_io_counts(t, ret, flags, dir))
		return 0;
	id.family = sk->__sk_common.skc_family;
	id.protocol = sk->sk_protocol;
	id.sktype = sk->sk_type;
	if (net_count && sock_count(t, &id, ret, dir))
		return 0;
	id.cookie = bpf_get_socket_cookie(sk);
	id.sport = id.dport = 0;
	__builtin_memset(id.saddr, 0, sizeof(id.saddr));
	__builtin_memset(id.daddr, 0, sizeof(id.daddr));
	if (id.family == AF_INET || id.family == AF_INET6)
		sock_ends(sk, id.family, &id.sport, &id.dport, id.saddr, id.daddr);
	sock_record(t, &id, ret, dir);
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

/*
 * --- Kernels without the two sock length tracepoints (before Linux 6.3) --------------------------
 * The same figures from the exits of the syscalls that move data on a socket (the `sockcalls`
 * map, see scry/sockcall.h). The tracepoints fire from sock_sendmsg/sock_recvmsg, once per call
 * into the socket with its result; each syscall below makes one such call (sendmmsg/recvmmsg one
 * per message), so its result is the tracepoint's, with its failures (< 0) and MSG_PEEK reads
 * left out the same way.
 */
#include "scry/sockcall.h"

#define S_IFMT		0170000
#define S_IFSOCK	0140000

ARRAY_MAP(sockcalls, BPF_MAP_TYPE_ARRAY, struct scry_sockcall, SCRY_SOCKCALL_SLOTS);

/*
 * The socket behind `fd`. Read from the file table, it is no BTF pointer: the verifier lets
 * neither direct loads from it nor bpf_get_socket_cookie() (sock_io's), hence sock_io_read().
 */
static __always_inline struct sock *fd_sock(struct task_struct *t, __u64 fd)
{
	struct fdtable *fdt = t->files->fdt;
	struct socket *so;
	struct file *f;

	if (!fdt || fd >= fdt->max_fds)
		return NULL;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fdt->fd[fd]) || !f)
		return NULL;
	if ((BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	so = BPF_CORE_READ(f, private_data);
	return so ? BPF_CORE_READ(so, sk) : NULL;
}

/*
 * sock_io() for a socket read through probes. Its cookie is the one the kernel gave it if anyone
 * asked (scry's state-change program asks for every TCP socket it sees change state); nothing
 * here can make one, so a socket without one (UDP, unix) is known by its address, which no
 * cookie (a counter from 1) can equal. A global function: the verifier checks it once, not once
 * per message of a sendmmsg.
 */
__noinline int sock_io_read(__u64 skp, long ret, __u64 flags, __u32 dir)
{
	const struct sock *sk = (const void *)skp;
	struct task_struct *t = bpf_get_current_task_btf();
	struct sock_id id;

	if (!sock_io_counts(t, ret, flags, dir))
		return 0;
	id.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	id.protocol = BPF_CORE_READ(sk, sk_protocol);
	id.sktype = BPF_CORE_READ(sk, sk_type);
	if (net_count && sock_count(t, &id, ret, dir))
		return 0;
	id.cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	if (!id.cookie)
		id.cookie = (__u64)sk;
	id.sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	id.dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	__builtin_memset(id.saddr, 0, sizeof(id.saddr));
	__builtin_memset(id.daddr, 0, sizeof(id.daddr));
	if (id.family == AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)id.saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)id.daddr, sk, __sk_common.skc_daddr);
	} else if (id.family == AF_INET6) {
		BPF_CORE_READ_INTO(&id.saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&id.daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	sock_record(t, &id, ret, dir);
	return 0;
}

/* The i386 ABI's argument registers (ebx, ecx, edx, esi, edi, ebp). */
static __always_inline __u64 sys_arg32(struct pt_regs *regs, int i)
{
#if defined(__TARGET_ARCH_x86)
	switch (i) {
	case 0: return (__u32)regs->bx;
	case 1: return (__u32)regs->cx;
	case 2: return (__u32)regs->dx;
	case 3: return (__u32)regs->si;
	case 4: return (__u32)regs->di;
	default: return (__u32)regs->bp;
	}
#else
	return 0;
#endif
}

/* Argument at a table position (1 + index); 0 for none. */
static __always_inline __u64 call_arg(const __u64 *a, __u8 pos)
{
	__u32 i = pos - 1;

	return i < 6 ? a[i] : 0;
}

/*
 * sendmmsg/recvmmsg: `n` messages went through, each one socket call whose result the kernel
 * wrote to its mmsghdr's msg_len (struct mmsghdr: a msghdr then msg_len; 64 and 56 bytes in,
 * 32 and 28 for i386).
 */
static __always_inline void mmsg_io(const struct sock *sk, __u64 vec, long n, __u64 flags,
				    __u8 dir, bool compat)
{
	__u32 stride = compat ? 32 : 64, off = compat ? 28 : 56, len;
	int i;

	for (i = 0; i < SCRY_SOCKCALL_MMSG_MAX; i++) {
		if (i >= n)
			break;
		if (bpf_probe_read_user(&len, sizeof(len), (void *)(vec + i * stride + off)))
			break;
		sock_io_read((__u64)sk, len, flags, dir);
	}
}

/* TP_PROTO(struct pt_regs *regs, long ret): only when the sock length tracepoints are missing. */
SEC("tp_btf/sys_exit")
int BPF_PROG(scry_net_compat, struct pt_regs *regs, long ret)
{
	struct task_struct *t;
	struct scry_sockcall *c;
	struct sock *sk;
	__u32 slot, mux;
	__u64 a[6];
	bool compat;
	int i;

	if (ret < 0)
		return 0;
	t = bpf_get_current_task_btf();
	compat = task_compat(t);
	slot = rec_nr(sys_nr(regs), compat);
	c = bpf_map_lookup_elem(&sockcalls, &slot);
	if (!c || !c->kind)
		return 0;
	for (i = 0; i < 6; i++)
		a[i] = compat ? sys_arg32(regs, i) : sys_arg(regs, i);
	if (c->kind == SCRY_SOCKCALL_MUX) {
		/* socketcall(call, args): six u32 arguments in user memory. */
		__u32 a32[6];

		mux = SCRY_SOCKCALL_MUX_BASE + (a[0] < SCRY_SOCKCALL_MUX_MAX ? a[0] : 0);
		c = bpf_map_lookup_elem(&sockcalls, &mux);
		if (!c || !c->kind || bpf_probe_read_user(a32, sizeof(a32), (void *)a[1]))
			return 0;
		for (i = 0; i < 6; i++)
			a[i] = a32[i];
	}
	/* A zero-length read(2) or readv(2) is answered by the VFS: no socket call. */
	if (!ret && c->len && !call_arg(a, c->len))
		return 0;
	if (!ret && c->kind == SCRY_SOCKCALL_XFER)
		return 0;	/* nothing was there to send: the socket was never called */
	sk = fd_sock(t, call_arg(a, c->fd));
	if (!sk)
		return 0;
	if (c->kind == SCRY_SOCKCALL_MMSG)
		mmsg_io(sk, call_arg(a, 2), ret, call_arg(a, c->flags), c->dir, compat);
	else
		sock_io_read((__u64)sk, ret, call_arg(a, c->flags), c->dir);
	return 0;
}
