// SPDX-License-Identifier: GPL-2.0
/*
 * The sockets open before scry started: a task_file iterator, run once at start by userspace
 * (src/probe/sockseed.c), writes one struct scry_iter_sock per socket file of every process.
 * Threads sharing their leader's files are skipped by the kernel's iterator itself; a socket
 * held by several processes (fork) comes once per process and userspace keeps the first.
 *
 * Its own object and skeleton: a kernel that refuses it costs the seed only, not the tracing,
 * and it needs none of the tracing programs' maps. The cookie comes from the same helper the
 * tracepoints use, so a seeded socket is the one their records name (the kernel makes a socket's
 * cookie on first request and keeps it).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "scry/event.h"
#include "sock.bpf.h"

char LICENSE[] SEC("license") = "GPL";


const volatile __u32 self_tgid;	/* scry itself: its own sockets are not the user's */

SEC("iter/task_file")
int scry_sock_seed(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct scry_iter_sock out = {};
	struct scry_rec_sock_seed *r = &out.r;
	struct socket *sock;
	struct sock *sk;
	__u16 family;

	if (!task || !file || task->tgid == self_tgid)
		return 0;
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	sk = sock->sk;
	if (!sk)
		return 0;
	family = sk->__sk_common.skc_family;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	r->h.type = SCRY_REC_SOCK_SEED;
	r->h.size = sizeof(*r);
	r->h.ts = bpf_ktime_get_boot_ns();
	r->h.pid = task->tgid;
	r->h.tid = task->tgid;
	r->cookie = bpf_get_socket_cookie(sk);
	r->ino = BPF_CORE_READ(file, f_inode, i_ino);
	r->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	r->fd = ctx->fd;
	r->family = family;
	r->protocol = sk->sk_protocol;
	r->sktype = sk->sk_type;
	r->state = sk->__sk_common.skc_state;
	sock_ends(sk, family, &r->sport, &r->dport, r->saddr, r->daddr);
	out.sk_cgid = BPF_CORE_READ(sk, sk_cgrp_data.cgroup, kn, id);
	bpf_seq_write(seq, &out, sizeof(out));
	return 0;
}
