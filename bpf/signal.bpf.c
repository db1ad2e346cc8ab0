// SPDX-License-Identifier: GPL-2.0
/*
 * Signals (issue 18): who sent which signal to whom, what the kernel made of it, and what the
 * target did when it took it. Both records name the target in their header and the sender in
 * a struct scry_peer after it. Signals are rare: each record goes out on its own, from the
 * stack, with nothing allocated.
 *
 * signal_generate runs under the target's siglock with interrupts off, in the sender's context
 * or in an interrupt (a POSIX or itimer timer fires in hard IRQ): it never touches the stage or
 * the tracepoint stats slot, and names no sender when the current task may merely be the one
 * the interrupt landed on (sent_by_current). signal_deliver runs in the target, in task context.
 */
#include "scry.bpf.h"
#include "task.bpf.h"
#include "emit.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* include/trace/events/signal.h */
#define TRACE_SIGNAL_DELIVERED	0
#define SEND_SIG_NOINFO		0	/* info: SI_USER, from the current task */
#define SEND_SIG_PRIV		1	/* info: SI_KERNEL */
#define SI_USER			0
#define SI_KERNEL		0x80
#define SIGNAL_UNKILLABLE	0x00000040	/* include/linux/sched/signal.h */
#define SI_QUEUE		(-1)
#define SI_TIMER		(-2)
#define SI_MESGQ		(-3)
#define SI_TKILL		(-6)
#define SIGIO_			29
#define SIGALRM_		14
#define SIGURG_			23
#define SIGKILL_		9
#define PF_IDLE_		0x00000002

/*
 * The sender of a queued signal, by (target process, signal), until the target takes it: the
 * deliver record names it (siginfo's si_pid is in the target's pid namespace, 0 from outside).
 * LRU: a signal never taken (the process exited first) must not keep its slot.
 */
struct sig_key {
	__u32 tgid;
	__u32 sig;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct sig_key);
	__type(value, struct scry_peer);
} sig_senders SEC(".maps");

/*
 * Whether the current task sent the signal. The kernel's own test (preempt_count's interrupt
 * bits) is a per-CPU variable that kallsyms does not list here, so the verifier cannot place
 * it: the signal says it instead. kill, tkill, sigqueue and mq_notify (SI_USER, SI_TKILL,
 * SI_QUEUE, SI_MESGQ) are syscalls, made by the current task; a POSIX timer (SI_TIMER), an
 * itimer's SIGALRM and the SIGIO/SIGURG of an fd's owner come from interrupts and softirqs, where
 * the current task is whoever was interrupted; other kernel-made signals (a fault's SIGSEGV, a
 * child's SIGCHLD, SIGPIPE, the OOM killer's SIGKILL) are sent by the task that caused them.
 * An idle CPU's task is never a sender.
 */
static __always_inline bool sent_by_current(int sig, int code, struct task_struct *cur)
{
	if (cur->flags & PF_IDLE_)
		return false;
	if (code == SI_USER || code == SI_TKILL || code == SI_QUEUE || code == SI_MESGQ)
		return true;
	return code != SI_TIMER && sig != SIGALRM_ && sig != SIGIO_ && sig != SIGURG_;
}

/*
 * The siginfo argument as a plain number. The verifier takes a tp_btf pointer argument for a
 * valid pointer and drops `info == NULL` branches as dead code, but the kernel passes
 * SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) here: read the raw value through a helper, which
 * leaves the verifier a scalar it cannot second-guess.
 */
static __always_inline unsigned long raw_arg(unsigned long long *ctx, int i)
{
	unsigned long v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &ctx[i]);
	return v;
}

static __always_inline void siginfo_read(unsigned long v, struct scry_rec_signal *r)
{
	struct kernel_siginfo *info = (struct kernel_siginfo *)v;

	if (v == SEND_SIG_NOINFO) {
		r->code = SI_USER;
	} else if (v == SEND_SIG_PRIV) {
		r->code = SI_KERNEL;
	} else {
		r->code = BPF_CORE_READ(info, si_code);
		r->info_pid = BPF_CORE_READ(info, _sifields._kill._pid);
	}
}

/* The target's disposition for sig, whether it blocks it, and whether it is an init. */
static __always_inline void target_read(struct task_struct *t, int sig, struct scry_rec_signal *r)
{
	unsigned long handler = 0, blocked, real_blocked;
	struct sighand_struct *sh = BPF_CORE_READ(t, sighand);
	__u32 bit = (sig - 1) & 63;

	if (sh)
		bpf_probe_read_kernel(&handler, sizeof(handler), &sh->action[bit].sa.sa_handler);
	r->disp = handler == 0 ? SCRY_SIGD_DEFAULT : handler == 1 ? SCRY_SIGD_IGNORE :
		  SCRY_SIGD_HANDLER;
	blocked = BPF_CORE_READ(t, blocked.sig[0]);
	real_blocked = BPF_CORE_READ(t, real_blocked.sig[0]);
	if ((blocked | real_blocked) & (1UL << bit))
		r->sig_flags |= SCRY_SIG_BLOCKED;
	r->target_vpid = task_vpid(t);
	if (r->target_vpid == 1)
		r->sig_flags |= SCRY_SIG_INIT;
	if (BPF_CORE_READ(t, signal, flags) & SIGNAL_UNKILLABLE)
		r->sig_flags |= SCRY_SIG_UNKILLABLE;
}

static __always_inline void peer_fill(struct scry_peer *p, struct task_struct *t)
{
	p->pid = t->tgid;
	p->tid = t->pid;
	p->vpid = task_vpid(t);
	p->cgid = task_cgid(t);
	__builtin_memcpy(p->comm, t->comm, sizeof(p->comm));
}

/*
 * TP_PROTO(int sig, struct kernel_siginfo *info, struct task_struct *task, int group,
 *	    int result)
 */
SEC("tp_btf/signal_generate")
int BPF_PROG(scry_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct scry_rec_signal r;
	struct sig_key k;

	if (task->tgid == self_tgid)
		return 0;
	__builtin_memset(&r, 0, sizeof(r));
	hdr_fill(&r.h, SCRY_REC_SIGNAL, sizeof(r), task, bpf_ktime_get_boot_ns());
	r.sig = sig;
	r.result = result;
	siginfo_read(raw_arg(ctx, 1), &r);
	target_read(task, sig, &r);
	if (group)
		r.sig_flags |= SCRY_SIG_GROUP;
	if (sent_by_current(sig, r.code, cur))
		peer_fill(&r.from, cur);
	else
		r.sig_flags |= SCRY_SIG_NOTASK;
	if (result == TRACE_SIGNAL_DELIVERED) {
		k.tgid = task->tgid;
		k.sig = sig;
		bpf_map_update_elem(&sig_senders, &k, &r.from, BPF_ANY);
	}
	emit_direct(NULL, &r, sizeof(r), SCRY_STATS_SIGNAL);
	return 0;
}

/* TP_PROTO(int sig, struct kernel_siginfo *info, struct k_sigaction *ka) */
SEC("tp_btf/signal_deliver")
int BPF_PROG(scry_signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	unsigned long handler = (unsigned long)BPF_CORE_READ(ka, sa.sa_handler);
	struct scry_rec_signal r;
	struct scry_peer *from;
	unsigned long infov;
	struct sig_key k;

	if (cur->tgid == self_tgid)
		return 0;
	__builtin_memset(&r, 0, sizeof(r));
	hdr_fill(&r.h, SCRY_REC_SIGDELIVER, sizeof(r), cur, bpf_ktime_get_boot_ns());
	infov = raw_arg(ctx, 1);
	siginfo_read(infov, &r);
	/*
	 * A fatal signal (or exit_group) takes the whole process down: complete_signal() keeps the
	 * signal in group_exit_code and queues SIGKILL to every thread, which get_signal() then
	 * reports without a siginfo. Name the signal that did it.
	 */
	if (sig == SIGKILL_ && infov == SEND_SIG_NOINFO) {
		int gec = BPF_CORE_READ(cur, signal, group_exit_code);

		/* exit_group (an exit status, no signal): the threads' SIGKILL is no signal sent */
		if (!(gec & 0x7f) || (gec & 0xff00))
			return 0;
		r.sig_flags |= SCRY_SIG_GROUP_EXIT;
		sig = gec & 0x7f;
	}
	r.sig = sig;
	target_read(cur, sig, &r);
	/* the action taken is the one in hand now, not the one at generate */
	r.disp = handler == 0 ? SCRY_SIGD_DEFAULT : handler == 1 ? SCRY_SIGD_IGNORE :
		 SCRY_SIGD_HANDLER;
	k.tgid = cur->tgid;
	k.sig = sig;
	from = bpf_map_lookup_elem(&sig_senders, &k);
	if (from) {
		r.from = *from;
		r.sig_flags |= SCRY_SIG_PAIRED;
		bpf_map_delete_elem(&sig_senders, &k);
	}
	emit_direct(stage_get(), &r, sizeof(r), SCRY_STATS_TP);
	return 0;
}
