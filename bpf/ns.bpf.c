// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (ns18): zombies and processes that enter containers from outside.
 *
 * A process is a zombie from its last thread's exit (sched.bpf.c's exit record) until the kernel
 * frees it; sched_process_free of its leader says when. Its namespaces go out when they may have
 * changed: at a fork into another pid namespace or with new namespaces, and at an exec in other
 * namespaces than its parent's. That is where `nsenter -t PID -p ...` (setns, then a fork into
 * the container's pid namespace) and `nsenter -t PID -m -n ...` (setns, then exec) show, and a
 * container's init and `docker exec` too: userspace tells them apart by their cgroup.
 */
#include "scry.bpf.h"
#include "task.bpf.h"
#include "emit.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The pid namespace `t` lives in (task_active_pid_ns): the one of its pid's innermost level. */
static __always_inline struct pid_namespace *task_pidns(struct task_struct *t)
{
	struct pid *p = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(p, level);
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &p->numbers[level & 31]);
	return up.ns;
}

static __always_inline void ns_fill(struct scry_rec_ns *r, struct task_struct *t)
{
	struct nsproxy *nsp = BPF_CORE_READ(t, nsproxy);

	r->ns[SCRY_NS_PID] = BPF_CORE_READ(task_pidns(t), ns.inum);
	r->ns[SCRY_NS_MNT] = nsp ? BPF_CORE_READ(nsp, mnt_ns, ns.inum) : 0;
	r->ns[SCRY_NS_NET] = nsp ? BPF_CORE_READ(nsp, net_ns, ns.inum) : 0;
	r->ns[SCRY_NS_UTS] = nsp ? BPF_CORE_READ(nsp, uts_ns, ns.inum) : 0;
	r->ns[SCRY_NS_IPC] = nsp ? BPF_CORE_READ(nsp, ipc_ns, ns.inum) : 0;
	r->ns[SCRY_NS_CGROUP] = nsp ? BPF_CORE_READ(nsp, cgroup_ns, ns.inum) : 0;
	r->ns[SCRY_NS_USER] = BPF_CORE_READ(t, cred, user_ns, ns.inum);
}

static __always_inline void ns_emit(struct task_struct *t, __u32 kind, __u32 parent)
{
	struct scry_rec_ns r;

	hdr_fill(&r.h, SCRY_REC_NS, sizeof(r), t, bpf_ktime_get_boot_ns());
	r.kind = kind;
	r.parent = parent;
	r.vpid = task_vpid(t);
	ns_fill(&r, t);
	emit_caused(&r, sizeof(r), false);
}

/*
 * TP_PROTO(struct task_struct *parent, struct task_struct *child). A second program on the fork
 * tracepoint (sched.bpf.c has the first): a process's child in another pid namespace than its
 * parent (the parent did setns(CLONE_NEWPID), or cloned with CLONE_NEWPID), or with namespaces
 * of its own (CLONE_NEW*). A thread shares them all.
 */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(scry_ns_fork, struct task_struct *parent, struct task_struct *child)
{
	if (parent->tgid == self_tgid || child->tgid == parent->tgid)
		return 0;
	if (child->nsproxy == parent->nsproxy && task_pidns(child) == task_pidns(parent))
		return 0;
	ns_emit(child, SCRY_NSK_FORK, parent->tgid);
	return 0;
}

/*
 * TP_PROTO(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm). An exec in other
 * namespaces than its parent's: it (or an ancestor that did not fork since) called setns or
 * unshare. Comparing the nsproxy pointers costs two loads; a process that shares all its
 * parent's namespaces shares its nsproxy.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(scry_ns_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *parent = p->real_parent;

	if (p->tgid == self_tgid || !parent)
		return 0;
	if (p->nsproxy == parent->nsproxy && task_pidns(p) == task_pidns(parent))
		return 0;
	ns_emit(p, SCRY_NSK_EXEC, parent->tgid);
	return 0;
}

/*
 * TP_PROTO(struct task_struct *p). delayed_put_task_struct(): an RCU callback after
 * release_task(), which runs when the parent reaps the zombie (wait) or the kernel does. Only a
 * process's leader ends the process (another thread is freed when it exits); the header is the
 * freed task. Runs in softirq (or an rcuo kthread): its own stats slot, no stage.
 */
SEC("tp_btf/sched_process_free")
int BPF_PROG(scry_proc_free, struct task_struct *p)
{
	struct scry_rec_zombie r;

	if (p->pid != p->tgid || p->tgid == self_tgid)
		return 0;
	hdr_fill(&r.h, SCRY_REC_ZOMBIE, sizeof(r), p, bpf_ktime_get_boot_ns());
	__builtin_memset(&r.kind, 0, sizeof(r) - sizeof(r.h));
	r.kind = SCRY_ZB_REAPED;
	emit_direct(NULL, &r, sizeof(r), SCRY_STATS_RCU);
	return 0;
}
