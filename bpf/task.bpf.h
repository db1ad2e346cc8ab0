/* SPDX-License-Identifier: GPL-2.0 */
/* CO-RE reads from task_struct and pt_regs that several programs need. */
#ifndef SCRY_TASK_BPF_H
#define SCRY_TASK_BPF_H

#include "scry.bpf.h"

/*
 * The task's cgroup id. On cgroup v2 it is the inode of the task's directory on the cgroup2
 * mount (what bpf_get_current_cgroup_id() returns for current); on v1-only machines it is the
 * inode of its directory in the hierarchy of the loader's chosen controller.
 */
static __always_inline __u64 task_cgid(struct task_struct *t)
{
	if (cgroup_v1) {
		struct cgroup_subsys_state *css;

		if (bpf_core_read(&css, sizeof(css), &t->cgroups->subsys[cgroup_v1_subsys & 15]))
			return 0;
		return BPF_CORE_READ(css, cgroup, kn, id);
	}
	/* Direct loads through the task's BTF pointer: no helper call on the hot path. */
	return t->cgroups->dfl_cgrp->kn->id;
}

/* Id of `p` in the innermost pid namespace it lives in (what the container sees). */
static __always_inline __u32 pid_nr_inner(struct pid *p)
{
	unsigned int level = BPF_CORE_READ(p, level);
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &p->numbers[level & 31]);
	return up.nr;
}

static __always_inline __u32 task_vtid(struct task_struct *t)
{
	return pid_nr_inner(BPF_CORE_READ(t, thread_pid));
}

static __always_inline __u32 task_vpid(struct task_struct *t)
{
	return pid_nr_inner(BPF_CORE_READ(t, group_leader, thread_pid));
}

/* The file behind `fd` in `t`, or NULL. */
static __always_inline struct file *task_fd_file(struct task_struct *t, __u64 fd)
{
	struct fdtable *fdt = t->files->fdt;
	struct file *f = NULL;

	if (!fdt || fd >= fdt->max_fds)
		return NULL;
	/* A variable index cannot go through a BTF pointer: read the slot. */
	if (bpf_probe_read_kernel(&f, sizeof(f), &fdt->fd[fd]))
		return NULL;
	return f;
}

/* Kind of the file behind `fd` in `t` (S_IFMT >> 12), SCRY_FD_NONE if there is none. */
static __always_inline __u8 task_fd_kind(struct task_struct *t, __u64 fd)
{
	struct file *f = task_fd_file(t, fd);
	__u16 mode;

	if (!f)
		return SCRY_FD_NONE;
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	return (mode >> 12) ? (mode >> 12) & 15 : SCRY_FD_ANON;
}

/* The file's inode number and device (st_dev as stat(2) encodes the kernel's dev_t). */
static __always_inline void file_ino_dev(struct file *f, __u64 *ino, __u32 *dev)
{
	struct inode *i = BPF_CORE_READ(f, f_inode);
	__u32 kdev = BPF_CORE_READ(i, i_sb, s_dev);
	__u32 major = kdev >> 20, minor = kdev & 0xfffff;

	*ino = BPF_CORE_READ(i, i_ino);
	*dev = (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

/* The socket behind `fd` in `t`, or NULL if the fd is no socket. */
static __always_inline struct sock *task_fd_sock(struct task_struct *t, __u64 fd)
{
	struct file *f = task_fd_file(t, fd);
	struct socket *so;

	if (!f || ((BPF_CORE_READ(f, f_inode, i_mode) >> 12) & 15) != SCRY_FD_SOCK)
		return NULL;
	so = BPF_CORE_READ(f, private_data);
	return so ? BPF_CORE_READ(so, sk) : NULL;
}

/* Syscall argument i (0-5) as the user passed it, from the pt_regs saved at kernel entry. */
static __always_inline __u64 sys_arg(struct pt_regs *regs, int i)
{
#if defined(__TARGET_ARCH_x86)
	switch (i) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	default: return regs->r9;
	}
#elif defined(__TARGET_ARCH_arm64)
	if (i == 0)
		return regs->orig_x0;
	return regs->regs[i & 7];
#else
#error "scry: syscall argument registers are not known for this architecture"
#endif
}

/* i386 numbers of the calls the BPF side needs by name, for 32-bit callers (asm/unistd_32.h). */
#define SCRY_NR32_EXIT		1
#define SCRY_NR32_RT_SIGRETURN	173
#define SCRY_NR32_EXIT_GROUP	252

/*
 * The current syscall of `t` is a 32-bit one (int $0x80, sysenter, a 32-bit process): x86's
 * in_ia32_syscall(), TS_COMPAT in thread_info.status, set at entry and cleared only on the way
 * back to user mode, after sys_exit has fired.
 */
static __always_inline bool task_compat(struct task_struct *t)
{
#if defined(__TARGET_ARCH_x86)
	if (bpf_core_field_exists(t->thread_info.status))
		return t->thread_info.status & 0x0002;	/* TS_COMPAT */
#endif
	return false;
}

/* Syscall numbers the BPF side needs by name (asm/unistd_64.h, asm-generic/unistd.h). */
#if defined(__TARGET_ARCH_x86)
#define SCRY_NR_RT_SIGRETURN	15
#define SCRY_NR_EXIT		60
#define SCRY_NR_EXIT_GROUP	231
#else
#define SCRY_NR_RT_SIGRETURN	139
#define SCRY_NR_EXIT		93
#define SCRY_NR_EXIT_GROUP	94
#endif


static __always_inline __u32 sys_nr(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return regs->orig_ax;
#else
	return regs->syscallno;
#endif
}

#endif /* SCRY_TASK_BPF_H */
