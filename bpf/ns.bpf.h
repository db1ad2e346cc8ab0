/* SPDX-License-Identifier: GPL-2.0 */
/*
 * issue 18 (ns18): a process's namespaces (SCRY_REC_NS), sent by the fork and exec programs
 * (sched.bpf.c) right after their own record, when they may have changed: a fork into another
 * pid namespace or with new namespaces (`nsenter -t PID -p ...`: setns, then a fork into the
 * container's pid namespace), an exec in other namespaces than its parent's (`nsenter -t PID -m
 * -n ...`: setns, then exec; a container's init). Userspace tells an entered container from a
 * container's own process by the cgroup (src/state/nstab.c).
 */
#ifndef SCRY_NS_BPF_H
#define SCRY_NS_BPF_H

#include "scry.bpf.h"
#include "task.bpf.h"
#include "emit.bpf.h"

/* The pid namespace `t` lives in (task_active_pid_ns): the one of its pid's innermost level. */
static __always_inline struct pid_namespace *task_pidns(struct task_struct *t)
{
	struct pid *p = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(p, level);
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &p->numbers[level & 31]);
	return up.ns;
}

static __always_inline void ns_emit(struct task_struct *t, __u32 kind, __u32 parent)
{
	struct nsproxy *nsp = BPF_CORE_READ(t, nsproxy);
	struct scry_rec_ns r;

	hdr_fill(&r.h, SCRY_REC_NS, sizeof(r), t, bpf_ktime_get_boot_ns());
	r.kind = kind;
	r.parent = parent;
	r.vpid = task_vpid(t);
	r.ns[SCRY_NS_PID] = BPF_CORE_READ(task_pidns(t), ns.inum);
	r.ns[SCRY_NS_MNT] = nsp ? BPF_CORE_READ(nsp, mnt_ns, ns.inum) : 0;
	r.ns[SCRY_NS_NET] = nsp ? BPF_CORE_READ(nsp, net_ns, ns.inum) : 0;
	r.ns[SCRY_NS_UTS] = nsp ? BPF_CORE_READ(nsp, uts_ns, ns.inum) : 0;
	r.ns[SCRY_NS_IPC] = nsp ? BPF_CORE_READ(nsp, ipc_ns, ns.inum) : 0;
	r.ns[SCRY_NS_CGROUP] = nsp ? BPF_CORE_READ(nsp, cgroup_ns, ns.inum) : 0;
	r.ns[SCRY_NS_USER] = BPF_CORE_READ(t, cred, user_ns, ns.inum);
	emit_caused(&r, sizeof(r), false);
}

/*
 * A process's child (not a thread: it shares them all) in another pid namespace than its
 * parent (the parent did setns(CLONE_NEWPID), or cloned with CLONE_NEWPID), or with namespaces
 * of its own (CLONE_NEW*). A process that shares all its parent's namespaces shares its
 * nsproxy: two loads decide.
 */
static __always_inline void ns_fork_check(struct task_struct *parent, struct task_struct *child)
{
	if (child->tgid == parent->tgid ||
	    (child->nsproxy == parent->nsproxy && task_pidns(child) == task_pidns(parent)))
		return;
	ns_emit(child, SCRY_NSK_FORK, parent->tgid);
}

/* An exec in other namespaces than its parent's: it, or an ancestor since, called setns. */
static __always_inline void ns_exec_check(struct task_struct *p)
{
	struct task_struct *parent = p->real_parent;

	if (!parent || (p->nsproxy == parent->nsproxy && task_pidns(p) == task_pidns(parent)))
		return;
	ns_emit(p, SCRY_NSK_EXEC, parent->tgid);
}

#endif /* SCRY_NS_BPF_H */
