// SPDX-License-Identifier: GPL-2.0
/*
 * raw_syscalls:sys_enter / sys_exit. One generic pair of programs for every syscall. The enter
 * is parked per CPU and folded into the exit record when the thread stays on the CPU (most
 * syscalls), which halves the records per syscall (see event.h); the exit record carries the
 * result and, for the syscalls the `sysargs` table names,
 * the arguments (read back from pt_regs, which the kernel leaves as the user set them), the kind
 * of file behind fd arguments and a path.
 */
#include "scry.bpf.h"
#include "task.bpf.h"
#include "emit.bpf.h"
#include "sockaddr.bpf.h"
#include "iodata.bpf.h"
#include "pushdown.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* include/linux/fs.h: an open that made its file (a macro, not in BTF; 1 << 20 since 4.19) */
#define SCRY_FMODE_CREATED	(1U << 20)

/* TP_PROTO(struct pt_regs *regs, long id) */
SEC("tp_btf/sys_enter")
int BPF_PROG(scry_sys_enter, struct pt_regs *regs, long id)
{
	struct pending_enter *p = pending_get();
	struct task_struct *t;
	struct scry_stage *s;
	__u32 on;

	if (!p)
		return 0;
	if (!fold_enters || p->valid) {
		/* Not folding, or the last enter here never returned: stage it on its own. */
		t = bpf_get_current_task_btf();
		s = stage_get();
		if (t->tgid == self_tgid || !s) {
			p->valid = 0;
			return 0;
		}
		stage_busy(s, 1);	/* the tick must not stage the parked enter meanwhile */
		if (p->valid)
			stage_enter(s, p, t);
		if (!fold_enters) {
			if (pd_on && !pd_enter_pass(t, pd_on, id)) {
				stage_busy(s, 0);
				return 0;
			}
			p->nr = id;
			p->compat = task_compat(t);
			p->ts = bpf_ktime_get_boot_ns();
			stage_enter(s, p, t);
			stage_busy(s, 0);
			return 0;
		}
		stage_busy(s, 0);
	}
	/*
	 * The hot path: no helper call but the clock. scry's own enters are dropped at exit. The
	 * tick may stage a parked enter: it must find it whole, so `valid` is set last. A call the
	 * filter's in-kernel part rules out is not parked (its exit is ruled out too).
	 */
	on = pd_on;
	if (on) {
		if (!pd_enter_raw_pass(on, id) ||
		    !pd_enter_pass(bpf_get_current_task_btf(), on, id)) {
			if (pd_marks) {
				p->skip_regs = (__u64)regs;
				p->skip_gen = pd_gen;
				p->skip = (__u32)id + 1;
			}
			return 0;
		}
		p->skip = 0;
	}
	p->nr = id;
	if (exec_nr(id))	/* rare: the one task read the hot path makes */
		p->compat = task_compat(bpf_get_current_task_btf());
	p->ts = bpf_ktime_get_boot_ns();
	stage_barrier();
	p->valid = 1;
	return 0;
}

/*
 * The enter folded into this exit, if it is still parked on this CPU; its time, or 0. A parked
 * enter of another syscall is staged on its own rather than lost. rt_sigreturn (and arm64's
 * sigreturn) exits with the syscall number forgotten (orig_ax = -1): the parked enter names it
 * (and a parked -1 says the call was syscall(-1)).
 */
static __always_inline __u64 take_enter(struct scry_stage *s, struct task_struct *t, __u32 *nr)
{
	struct pending_enter *p = pending_get();

	if (!p || !p->valid)
		return 0;
	if (p->nr == *nr || *nr == (__u32)-1) {
		*nr = p->nr;
		p->valid = 0;
		return p->ts;
	}
	stage_enter(s, p, t);
	return 0;
}

/* Argument at a table position (1 + index). */
static __always_inline __u64 arg_at(const struct scry_rec_sys_exit *r, __u8 pos)
{
	__u32 i = pos - 1;

	return i < SCRY_NARGS ? r->args[i] : 0;
}

static __always_inline void fill_exit(struct scry_rec_sys_exit *r, __u32 nr, long ret,
				      __u64 enter_ts)
{
	r->nr = nr;
	r->nargs = 0;
	r->fd_kind[0] = r->fd_kind[1] = SCRY_FD_NONE;
	r->xflags = 0;
	r->path_len = 0;
	r->ret = ret;
	r->enter_ts = enter_ts;
}

static __always_inline void fill_args(struct scry_rec_sys_exit *r, struct task_struct *t,
				      struct pt_regs *regs, const struct scry_sysarg *sa)
{
	int i;

	r->nargs = sa->nargs > SCRY_NARGS ? SCRY_NARGS : sa->nargs;
	for (i = 0; i < SCRY_NARGS; i++)
		r->args[i] = i < r->nargs ? sys_arg(regs, i) : 0;
	r->fd_kind[0] = sa->fd_a ? task_fd_kind(t, arg_at(r, sa->fd_a)) : SCRY_FD_NONE;
	r->fd_kind[1] = sa->fd_b ? task_fd_kind(t, arg_at(r, sa->fd_b)) : SCRY_FD_NONE;
}

/*
 * The addresses of the socket behind a socket call's fd (accept: the one it returned) into
 * r->path, as the call left it; the bytes used (8-aligned), 0 if the fd is no socket.
 */
static __always_inline __u32 exit_sock_fill(struct scry_rec_sys_exit *r, struct task_struct *t,
					    long ret, const struct scry_sysarg *sa)
{
	struct scry_sock_addr *a = (void *)r->path;
	struct sock *sk = NULL;
	__s64 fd;

	fd = sa->sock == SCRY_SYSARG_RET ? ret : (__s32)arg_at(r, sa->sock);
	if (fd >= 0)
		sk = task_fd_sock(t, fd);
	if (!sk)
		return 0;
	r->path_len = sock_addr_read(a, sk);
	if (sa->peer && (ret >= 0 || !(sa->peer & SCRY_PEER_OUT)))
		peer_read(a, arg_at(r, sa->peer & SCRY_PEER_POS), sa->peer & SCRY_PEER_MSG);
	r->xflags = SCRY_SX_SOCK;
	return r->path_len;
}

/*
 * A socket call's exit, with its socket's addresses in place of a path (see scry_sock_addr): the
 * socket behind its fd (accept: the one it returned) as the call left it. Staged like any exit
 * (send and receive calls are frequent): room for the largest is reserved, its size committed.
 */
static __always_inline void stage_exit_sock(struct scry_stage *s, struct task_struct *t,
					    struct pt_regs *regs, __u32 nr, long ret,
					    const struct scry_sysarg *sa, __u64 ts, __u64 enter_ts)
{
	struct scry_rec_sys_exit *r = stage_room(s, SCRY_SYS_EXIT_SOCK_MAX, SCRY_STATS_TP);
	__u32 size;

	fill_exit(r, nr, ret, enter_ts);
	fill_args(r, t, regs, sa);
	size = SCRY_SYS_EXIT_ARGS + exit_sock_fill(r, t, ret, sa);
	hdr_fill(&r->h, SCRY_REC_SYS_EXIT, size, t, ts);
	stage_put(s, size);
}

/*
 * pipe, pipe2, socketpair: the two fds the call wrote to user memory and their inodes (a pipe's
 * two ends share one), so the fd table knows both ends and which pipe they are.
 */
static __always_inline void stage_exit_pair(struct scry_stage *s, struct task_struct *t,
					    struct pt_regs *regs, __u32 nr, long ret,
					    const struct scry_sysarg *sa, __u64 ts, __u64 enter_ts)
{
	__u32 size = SCRY_SYS_EXIT_ARGS + sizeof(struct scry_exit_fdpair);
	struct scry_rec_sys_exit *r = stage_room(s, size, SCRY_STATS_TP);
	struct scry_exit_fdpair *p = (void *)r->path;
	struct file *f;
	__u32 dev;
	int i;

	fill_exit(r, nr, ret, enter_ts);
	fill_args(r, t, regs, sa);
	if (ret != 0 || bpf_probe_read_user(p->fd, sizeof(p->fd),
					    (const void *)arg_at(r, sa->fdx & SCRY_FDX_PAIR))) {
		size = SCRY_SYS_EXIT_ARGS;
	} else {
		for (i = 0; i < 2; i++) {
			p->ino[i] = 0;
			f = p->fd[i] >= 0 ? task_fd_file(t, p->fd[i]) : NULL;
			if (f)
				file_ino_dev(f, &p->ino[i], &dev);
		}
		r->path_len = sizeof(*p);
		r->xflags = SCRY_SX_FDPAIR;
	}
	hdr_fill(&r->h, SCRY_REC_SYS_EXIT, size, t, ts);
	stage_put(s, size);
}

/*
 * An exit that moved data, with -s: its arguments, its socket's addresses for a socket call, then
 * the data (iodata.bpf.h). Staged when snaplen is small enough (the default 80 is), else built
 * in scratch and sent alone; snaplen is a load-time constant, so only one of the two is loaded.
 */
static __always_inline void emit_exit_data(struct scry_stage *s, struct task_struct *t,
					   struct pt_regs *regs, __u32 nr, long ret,
					   const struct scry_sysarg *sa, __u64 ts, __u64 enter_ts)
{
	bool staged = snaplen <= SCRY_SNAP_STAGED;
	struct scry_rec_sys_exit *r;
	__u32 off = 0, size;

	r = staged ? stage_room(s, SCRY_STAGE_REC_MAX, SCRY_STATS_TP) : scratch_buf();
	if (!r)
		return;
	fill_exit(r, nr, ret, enter_ts);
	fill_args(r, t, regs, sa);
	if (sa->sock)
		off = exit_sock_fill(r, t, ret, sa);
	size = SCRY_SYS_EXIT_ARGS + off;
	if (staged) {
		size = exit_data_fill(r, off, size, sa, ret, SCRY_SNAP_STAGED);
		hdr_fill(&r->h, SCRY_REC_SYS_EXIT, size, t, ts);
		stage_put(s, size);
	} else {
		size = exit_data_fill(r, off, size, sa, ret, SCRY_SNAPLEN_MAX);
		hdr_fill(&r->h, SCRY_REC_SYS_EXIT, size, t, ts);
		emit_direct(s, r, size, SCRY_STATS_TP);
	}
}

/* An exit with a path: its size follows the path, so it is built in scratch and sent alone. */
static __always_inline void emit_exit_path(struct scry_stage *s, struct task_struct *t,
					   struct pt_regs *regs, __u32 nr, long ret,
					   const struct scry_sysarg *sa, __u64 ts, __u64 enter_ts)
{
	struct scry_rec_sys_exit *r = scratch_buf();
	long plen;
	__u32 size;

	if (!r)
		return;
	fill_exit(r, nr, ret, enter_ts);
	fill_args(r, t, regs, sa);
	plen = bpf_probe_read_user_str(r->path, SCRY_PATH_MAX,
				       (const void *)arg_at(r, sa->path & SCRY_SYSARG_PATH_POS));
	if (plen < 0)
		plen = 0;
	if (plen > SCRY_PATH_MAX)
		plen = SCRY_PATH_MAX;
	/*
	 * diff18: a second path (rename's new name) right after the first, in what path[] has
	 * left; the first filling it leaves none, and says so.
	 */
	if ((sa->path >> SCRY_SYSARG_PATH2_SHIFT) && plen > 0) {
		__u8 pos2 = sa->path >> SCRY_SYSARG_PATH2_SHIFT;
		__u32 off = plen & (SCRY_PATH_MAX - 1);
		long n2 = -1;

		if (plen < SCRY_PATH_MAX)
			n2 = bpf_probe_read_user_str(r->path + off, SCRY_PATH_MAX - off,
						     (const void *)arg_at(r, pos2));
		if (n2 > 0 && n2 <= SCRY_PATH_MAX - off)
			plen = off + n2;
		if (n2 == SCRY_PATH_MAX - off || plen == SCRY_PATH_MAX)
			plen = SCRY_PATH_MAX;	/* cut: flagged below */
	}
	r->path_len = plen;
	size = SCRY_SYS_EXIT_ARGS + plen;
	/* An open: the file it opened, for the fd table's type, inode and device. */
	if ((sa->fdx & SCRY_FDX_FILE) && ret >= 0) {
		struct file *f = task_fd_file(t, ret);
		struct scry_exit_file *xf;
		__u32 at = (plen + 7) & ~7U;

		if (f && at + sizeof(*xf) <= SCRY_PATH_MAX) {
			xf = (void *)r->path + at;
			r->fd_kind[1] = task_fd_kind(t, ret);
			file_ino_dev(f, &xf->ino, &xf->dev);
			xf->__pad = 0;
			r->xflags |= SCRY_SX_FILE;
			/* diff18: the open made it (docker diff's A rather than C) */
			if (BPF_CORE_READ(f, f_mode) & SCRY_FMODE_CREATED)
				r->xflags |= SCRY_SX_CREATED;
			/* NUL padding up to the file, as the decoder requires (little-endian) */
			if ((plen & 7) && at >= 8 && at - 8 <= SCRY_PATH_MAX - 8)
				*(__u64 *)((void *)r->path + at - 8) &= (1ULL << ((plen & 7) * 8)) - 1;
			size = SCRY_SYS_EXIT_ARGS + at + sizeof(*xf);
		}
	}
	hdr_fill(&r->h, SCRY_REC_SYS_EXIT, size, t, ts);
	if (plen == SCRY_PATH_MAX)
		r->h.flags |= SCRY_HF_TRUNC;
	emit_direct(s, r, size, SCRY_STATS_TP);
}

/* TP_PROTO(struct pt_regs *regs, long ret) */
SEC("tp_btf/sys_exit")
int BPF_PROG(scry_sys_exit, struct pt_regs *regs, long ret)
{
	struct scry_rec_sys_exit *r;
	struct scry_sysarg *sa;
	struct task_struct *t;
	struct scry_stage *s;
	__u64 ts, enter_ts;
	__u32 nr, on;
	bool compat;

	nr = sys_nr(regs);
	/*
	 * Ruled out by the filter's in-kernel part: before the task and the clock, the cheapest
	 * way out, when its enter here said so; else judged now.
	 */
	on = pd_on;
	if (on && pd_exit_skip(regs, nr))
		return 0;
	t = bpf_get_current_task_btf();
	if (on && t->tgid != self_tgid && !pd_exit_pass(t, on, nr, ret)) {
		pd_exit_drop(nr);
		return 0;
	}
	ts = bpf_ktime_get_boot_ns();
	s = stage_get();
	if (!s)
		return 0;
	/* From here on the tick keeps off the stage and the parked enter: this exit takes it. */
	stage_busy(s, 1);
	if (t->tgid == self_tgid) {
		struct pending_enter *p = pending_get();

		if (p)
			p->valid = 0;
		stage_busy(s, 0);
		return 0;
	}
	compat = task_compat(t);
	enter_ts = exit_only ? 0 : take_enter(s, t, &nr);
	/*
	 * No parked enter names a call whose number is forgotten (exit-only mode, or its enter went
	 * out on its own): rt_sigreturn restored the interrupted registers, orig_ax -1 included,
	 * and returns whatever they held; a call of number -1 always fails with ENOSYS.
	 */
	if (nr == (__u32)-1 && !enter_ts && ret != -38 /* -ENOSYS */)
		nr = compat ? SCRY_NR32_RT_SIGRETURN : SCRY_NR_RT_SIGRETURN;
	nr = rec_nr(nr, compat);	/* a 32-bit call has no sysargs entry: no arguments */
	sa = bpf_map_lookup_elem(&sysargs, &nr);
	if (snaplen && sa && sa->data && ret > 0) {
		emit_exit_data(s, t, regs, nr, ret, sa, ts, enter_ts);
	} else if (sa && sa->path) {
		emit_exit_path(s, t, regs, nr, ret, sa, ts, enter_ts);
	} else if (sa && sa->sock) {
		stage_exit_sock(s, t, regs, nr, ret, sa, ts, enter_ts);
	} else if (sa && (sa->fdx & SCRY_FDX_PAIR)) {
		stage_exit_pair(s, t, regs, nr, ret, sa, ts, enter_ts);
	} else if (sa && sa->nargs) {
		r = stage_room(s, SCRY_SYS_EXIT_ARGS, SCRY_STATS_TP);
		hdr_fill(&r->h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_ARGS, t, ts);
		fill_exit(r, nr, ret, enter_ts);
		fill_args(r, t, regs, sa);
		stage_put(s, SCRY_SYS_EXIT_ARGS);
	} else {
		/* The short form stops before args[]. */
		r = stage_room(s, SCRY_SYS_EXIT_SHORT, SCRY_STATS_TP);
		hdr_fill(&r->h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_SHORT, t, ts);
		fill_exit(r, nr, ret, enter_ts);
		stage_put(s, SCRY_SYS_EXIT_SHORT);
	}
	stage_busy(s, 0);	/* every path, the early returns of emit_exit_path too */
	return 0;
}

/*
 * A task moved to another cgroup (TP_PROTO(struct cgroup *dst_cgrp, const char *path,
 * struct task_struct *task, bool threadgroup)): a call it entered under its old cgroup's verdict
 * must be judged again at its exit, under the new one; the move need not switch it out, so the
 * switch may not clear its mark. A new generation voids every mark and cached verdict.
 */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(scry_cgroup_attach, struct cgroup *dst, const char *path, struct task_struct *task,
	     bool threadgroup)
{
	if (pd_on & (SCRY_PD_CGROUP | SCRY_PD_PID))
		__sync_fetch_and_add(&pd_gen, 1);
	return 0;
}
