// SPDX-License-Identifier: GPL-2.0
/*
 * raw_syscalls:sys_enter / sys_exit. One generic pair of programs for every syscall: the enter
 * record carries only the number (latency is exit.ts - enter.ts, paired in userspace per
 * thread); the exit record carries the result and, for the syscalls the `sysargs` table names,
 * the arguments (read back from pt_regs, which the kernel leaves as the user set them), the kind
 * of file behind fd arguments and a path.
 */
#include "scry.bpf.h"
#include "task.bpf.h"
#include "emit.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* TP_PROTO(struct pt_regs *regs, long id) */
SEC("tp_btf/sys_enter")
int BPF_PROG(scry_sys_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct scry_rec_sys_enter *r;

	if ((__u32)(pid_tgid >> 32) == self_tgid)
		return 0;
	r = emit_reserve(sizeof(*r), STATS_TP);
	if (!r)
		return 0;
	hdr_current(&r->h, SCRY_REC_SYS_ENTER, sizeof(*r), pid_tgid, bpf_ktime_get_boot_ns());
	r->nr = id;
	r->__pad = 0;
	emit_submit(r, STATS_TP);
	return 0;
}

static __always_inline __u32 read_path(char *dst, __u64 uptr)
{
	long n = bpf_probe_read_user_str(dst, SCRY_PATH_MAX, (const void *)uptr);

	return n > 0 ? n : 0;
}

/* Argument at a table position (1 + index). */
static __always_inline __u64 arg_at(const struct scry_rec_sys_exit *r, __u8 pos)
{
	__u32 i = pos - 1;

	return i < SCRY_NARGS ? r->args[i] : 0;
}

/* The long form: built in scratch so that its size can follow the path's length. */
static __always_inline void emit_exit_args(struct pt_regs *regs, __u32 nr, long ret,
					   const struct scry_sysarg *sa, __u64 pid_tgid, __u64 ts)
{
	struct scry_rec_sys_exit *r = scratch_buf();
	struct task_struct *t;
	__u32 size = SCRY_SYS_EXIT_ARGS, plen = 0;
	int i;

	if (!r)
		return;
	r->nr = nr;
	r->__pad = 0;
	r->ret = ret;
	r->nargs = sa->nargs > SCRY_NARGS ? SCRY_NARGS : sa->nargs;
	for (i = 0; i < SCRY_NARGS; i++)
		r->args[i] = i < r->nargs ? sys_arg(regs, i) : 0;
	r->fd_kind[0] = r->fd_kind[1] = SCRY_FD_NONE;
	if (sa->fd_a || sa->fd_b) {
		t = bpf_get_current_task_btf();
		if (sa->fd_a)
			r->fd_kind[0] = task_fd_kind(t, arg_at(r, sa->fd_a));
		if (sa->fd_b)
			r->fd_kind[1] = task_fd_kind(t, arg_at(r, sa->fd_b));
	}
	if (sa->path)
		plen = read_path(r->path, arg_at(r, sa->path));
	if (plen > SCRY_PATH_MAX)
		plen = SCRY_PATH_MAX;
	r->path_len = plen;
	size += plen;
	hdr_current(&r->h, SCRY_REC_SYS_EXIT, size, pid_tgid, ts);
	if (plen == SCRY_PATH_MAX)
		r->h.flags |= SCRY_HF_TRUNC;
	emit_output(r, size);
}

/* TP_PROTO(struct pt_regs *regs, long ret) */
SEC("tp_btf/sys_exit")
int BPF_PROG(scry_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_boot_ns();
	struct scry_rec_sys_exit *r;
	struct scry_sysarg *sa;
	__u32 nr;

	if ((__u32)(pid_tgid >> 32) == self_tgid)
		return 0;
	nr = sys_nr(regs);
	sa = bpf_map_lookup_elem(&sysargs, &nr);
	if (sa && sa->nargs) {
		emit_exit_args(regs, nr, ret, sa, pid_tgid, ts);
		return 0;
	}
	r = emit_reserve(SCRY_SYS_EXIT_SHORT, STATS_TP);
	if (!r)
		return 0;
	hdr_current(&r->h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_SHORT, pid_tgid, ts);
	r->nr = nr;
	r->nargs = 0;
	r->__pad = 0;
	r->fd_kind[0] = r->fd_kind[1] = SCRY_FD_NONE;
	r->path_len = 0;
	r->ret = ret;
	emit_submit(r, STATS_TP);
	return 0;
}
