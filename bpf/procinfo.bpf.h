/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process's session, group, terminal, login uid, fd limit, memory and whether its executable
 * is writable (struct scry_proc_info), read at fork and exec: rare events, so none of this is on
 * a hot path. Each value as procfs shows it (stat's session and tty_nr, loginuid, limits,
 * status's VmSize/VmRSS/VmSwap), so that a process seeded from /proc reads the same.
 */
#ifndef SCRY_PROCINFO_BPF_H
#define SCRY_PROCINFO_BPF_H

#include "scry.bpf.h"
#include "task.bpf.h"
#include "mm.bpf.h"

#define PI_RLIMIT_NOFILE 7
#define PI_SB_RDONLY 1
#define PI_S_IMMUTABLE 8	/* inode->i_flags */

/* Id of `p` as seen from the pid namespace at `level` (0 if `p` is not visible there). */
static __always_inline __u32 pid_nr_at(struct pid *p, unsigned int level)
{
	struct upid up = {};

	if (!p || BPF_CORE_READ(p, level) < level)
		return 0;
	bpf_core_read(&up, sizeof(up), &p->numbers[level & 31]);
	return up.nr;
}

/* /proc's tty_nr: new_encode_dev(MKDEV(major, minor_start) + index), 0 without a terminal. */
static __always_inline __u32 task_tty_nr(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	struct tty_driver *drv;
	__u32 major, minor;

	if (!tty || !(drv = BPF_CORE_READ(tty, driver)))
		return 0;
	major = BPF_CORE_READ(drv, major);
	minor = BPF_CORE_READ(drv, minor_start) + BPF_CORE_READ(tty, index);
	return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffu) << 12);
}

/*
 * Whether the task's fs user may write its executable, by the inode's mode alone (as Falco
 * judges it; ACLs are not read): never on a read-only mount or an immutable file; root, or the
 * owner (who may chmod it), may; else the group's or others' write bit.
 */
static __always_inline bool exe_writable(struct task_struct *t, struct mm_struct *mm)
{
	struct inode *ino = BPF_CORE_READ(mm, exe_file, f_inode);
	__u32 mode, fsuid, fsgid, iuid, igid;

	if (!ino)
		return false;
	if ((BPF_CORE_READ(ino, i_sb, s_flags) & PI_SB_RDONLY) ||
	    (BPF_CORE_READ(ino, i_flags) & PI_S_IMMUTABLE))
		return false;
	mode = BPF_CORE_READ(ino, i_mode);
	iuid = BPF_CORE_READ(ino, i_uid.val);
	igid = BPF_CORE_READ(ino, i_gid.val);
	fsuid = BPF_CORE_READ(t, cred, fsuid.val);
	fsgid = BPF_CORE_READ(t, cred, fsgid.val);
	if (!fsuid || fsuid == iuid)
		return true;
	if (fsgid == igid)
		return mode & 0020;
	return mode & 0002;
}

static __always_inline void proc_info_fill(struct scry_proc_info *pi, struct task_struct *t)
{
	unsigned int level = BPF_CORE_READ(t, thread_pid, level);
	struct signal_struct *sig = BPF_CORE_READ(t, signal);
	struct mm_struct *mm = BPF_CORE_READ(t, mm);

	__builtin_memset(pi, 0, sizeof(*pi));
	pi->pi_flags = SCRY_PI_VALID;
	pi->sid = pid_nr_at(BPF_CORE_READ(sig, pids[PIDTYPE_SID]), 0);
	pi->vpgid = pid_nr_at(BPF_CORE_READ(sig, pids[PIDTYPE_PGID]), level);
	pi->tty = task_tty_nr(t);
	pi->loginuid = (__u32)-1;
	if (bpf_core_field_exists(t->loginuid))
		pi->loginuid = BPF_CORE_READ(t, loginuid.val);
	pi->fdlimit = BPF_CORE_READ(sig, rlim[PI_RLIMIT_NOFILE].rlim_cur);
	if (mm) {
		pi->vm_size_kb = BPF_CORE_READ(mm, total_vm) * page_kb;
		pi->vm_rss_kb = (rss_pages(mm, MM_FILEPAGES_) + rss_pages(mm, MM_ANONPAGES_) +
				 rss_pages(mm, MM_SHMEMPAGES_)) * page_kb;
		pi->vm_swap_kb = rss_pages(mm, MM_SWAPENTS_) * page_kb;
		if (exe_writable(t, mm))
			pi->pi_flags |= SCRY_PI_EXE_WRITABLE;
	}
}

#endif /* SCRY_PROCINFO_BPF_H */
