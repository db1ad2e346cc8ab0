// SPDX-License-Identifier: GPL-2.0
/*
 * Process lifecycle (fork, exec, exit, rename) and exact on-CPU time (switch, tick).
 *
 * CPU time is the growth of se.sum_exec_runtime, the very delta update_curr() charges to the
 * task's cgroup (cpu.stat usage_usec / cpuacct.usage). At sched_switch, put_prev_task() has just
 * run update_curr() for prev, so its sum is current. `oncpu` remembers, per CPU, which task we
 * last charged and its sum then; the next switch-out or tick charges the difference.
 */
#include "scry.bpf.h"
#include "task.bpf.h"
#include "emit.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Kernels before 5.14 call task_struct.__state `state`. */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline __u32 task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

static __always_inline struct oncpu *oncpu_slot(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&oncpu, &zero);
}

/*
 * Runtime of `t` since we last charged it on this CPU, and re-arm the slot for `next_tid` at
 * `next_sum`. A task we never saw switch in (running when scry attached) is charged from its
 * current sum on, so time before attach is never counted.
 */
static __always_inline __u64 charge(struct oncpu *s, __u32 tid, __u64 sum, __u32 next_tid,
				    __u64 next_sum)
{
	__u64 delta = 0;

	if (s->valid && s->tid == tid && sum >= s->sum)
		delta = sum - s->sum;
	s->tid = next_tid;
	s->sum = next_sum;
	s->valid = 1;
	return delta;
}

/* TP_PROTO(bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state) */
SEC("tp_btf/sched_switch")
int BPF_PROG(scry_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct oncpu *s = oncpu_slot();
	struct scry_rec_switch *r;
	__u32 prev_tid, prev_pid;
	__u64 delta;

	if (!s)
		return 0;
	prev_tid = BPF_CORE_READ(prev, pid);
	prev_pid = BPF_CORE_READ(prev, tgid);
	delta = charge(s, prev_tid, BPF_CORE_READ(prev, se.sum_exec_runtime),
		       BPF_CORE_READ(next, pid), BPF_CORE_READ(next, se.sum_exec_runtime));
	/* The idle task and scry itself are not reported. */
	if (prev_tid == 0 || prev_pid == self_tgid)
		return 0;
	r = emit_reserve(sizeof(*r), STATS_TP);
	if (!r)
		return 0;
	hdr_task(&r->h, SCRY_REC_SWITCH, sizeof(*r), prev, bpf_ktime_get_boot_ns());
	r->runtime_ns = delta;
	r->next_pid = BPF_CORE_READ(next, tgid);
	r->next_tid = BPF_CORE_READ(next, pid);
	r->prev_state = task_state(prev);
	r->__pad = 0;
	emit_submit(r, STATS_TP);
	return 0;
}

/*
 * A task that never switches out (a busy loop alone on a CPU) would be charged only when it
 * does. The loader attaches this to a per-CPU cpu-clock perf event so that its time is charged
 * at least every tick period. It runs in IRQ context, hence its own stats slot.
 */
SEC("perf_event")
int scry_cpu_tick(void *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct oncpu *s = oncpu_slot();
	struct scry_rec_cputick *r;
	__u32 tid = BPF_CORE_READ(t, pid);
	__u64 sum = BPF_CORE_READ(t, se.sum_exec_runtime), delta;

	if (!s || tid == 0)
		return 0;
	delta = charge(s, tid, sum, tid, sum);
	if (!delta || BPF_CORE_READ(t, tgid) == self_tgid)
		return 0;
	r = emit_reserve(sizeof(*r), STATS_TICK);
	if (!r)
		return 0;
	hdr_task(&r->h, SCRY_REC_CPUTICK, sizeof(*r), t, bpf_ktime_get_boot_ns());
	r->runtime_ns = delta;
	emit_submit(r, STATS_TICK);
	return 0;
}

static __always_inline __u32 task_uid(struct task_struct *t)
{
	return BPF_CORE_READ(t, cred, euid.val);
}

static __always_inline __u32 task_gid(struct task_struct *t)
{
	return BPF_CORE_READ(t, cred, egid.val);
}

/* TP_PROTO(struct task_struct *parent, struct task_struct *child) */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(scry_sched_fork, struct task_struct *parent, struct task_struct *child)
{
	struct scry_rec_fork *r;
	__u32 ptgid = BPF_CORE_READ(parent, tgid);

	if (ptgid == self_tgid)
		return 0;
	r = emit_reserve(sizeof(*r), STATS_TP);
	if (!r)
		return 0;
	hdr_task(&r->h, SCRY_REC_FORK, sizeof(*r), child, bpf_ktime_get_boot_ns());
	r->parent_pid = ptgid;
	r->parent_tid = BPF_CORE_READ(parent, pid);
	r->ppid = BPF_CORE_READ(child, real_parent, tgid);
	r->vpid = task_vpid(child);
	r->vtid = task_vtid(child);
	r->uid = task_uid(child);
	r->gid = task_gid(child);
	r->fork_flags = r->h.pid == ptgid ? SCRY_FORK_THREAD : 0;
	emit_submit(r, STATS_TP);
	return 0;
}

/* TP_PROTO(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(scry_sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct scry_rec_exec *r = scratch_buf();
	unsigned long arg_start, arg_end;
	long n;
	__u32 exe_len, args_len, size;

	if (!r || BPF_CORE_READ(p, tgid) == self_tgid)
		return 0;
	r->old_tid = old_pid;
	r->ppid = BPF_CORE_READ(p, real_parent, tgid);
	r->vpid = task_vpid(p);
	r->vtid = task_vtid(p);
	r->uid = task_uid(p);
	r->gid = task_gid(p);
	r->__pad = 0;

	n = bpf_probe_read_kernel_str(r->data, SCRY_EXE_MAX, BPF_CORE_READ(bprm, filename));
	exe_len = n > 1 ? n - 1 : 0;	/* without the NUL */
	if (exe_len >= SCRY_EXE_MAX)
		exe_len = SCRY_EXE_MAX - 1;

	/* argv as the new image sees it: NUL-separated strings between arg_start and arg_end. */
	arg_start = BPF_CORE_READ(p, mm, arg_start);
	arg_end = BPF_CORE_READ(p, mm, arg_end);
	args_len = arg_end > arg_start ? arg_end - arg_start : 0;
	r->h.flags = 0;
	if (args_len > SCRY_ARGS_MAX) {
		args_len = SCRY_ARGS_MAX;
		r->h.flags = SCRY_HF_TRUNC;
	}
	if (args_len && bpf_probe_read_user(r->data + (exe_len & (SCRY_EXE_MAX - 1)), args_len,
					    (void *)arg_start))
		args_len = 0;
	r->exe_len = exe_len;
	r->args_len = args_len;
	size = SCRY_EXEC_FIXED + exe_len + args_len;
	{
		__u16 flags = r->h.flags;

		hdr_task(&r->h, SCRY_REC_EXEC, size, p, bpf_ktime_get_boot_ns());
		r->h.flags = flags;
	}
	emit_output(r, size);
	return 0;
}

/* TP_PROTO(struct task_struct *p[, bool group_dead]) */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(scry_sched_exit, struct task_struct *p)
{
	struct scry_rec_exit *r;

	if (BPF_CORE_READ(p, tgid) == self_tgid)
		return 0;
	r = emit_reserve(sizeof(*r), STATS_TP);
	if (!r)
		return 0;
	hdr_task(&r->h, SCRY_REC_EXIT, sizeof(*r), p, bpf_ktime_get_boot_ns());
	r->exit_code = BPF_CORE_READ(p, exit_code);
	/* signal->live has already been decremented for this thread by do_exit(). */
	r->exit_flags = BPF_CORE_READ(p, signal, live.counter) == 0 ? SCRY_EXIT_GROUP_DEAD : 0;
	emit_submit(r, STATS_TP);
	return 0;
}

/* TP_PROTO(struct task_struct *task, const char *comm) */
SEC("tp_btf/task_rename")
int BPF_PROG(scry_task_rename, struct task_struct *task, const char *comm)
{
	struct scry_rec_rename *r;

	if (BPF_CORE_READ(task, tgid) == self_tgid)
		return 0;
	/* exec renames the task too; its exec record already carries the new name. */
	if (bpf_core_field_exists(task->in_execve) && BPF_CORE_READ_BITFIELD_PROBED(task, in_execve))
		return 0;
	r = emit_reserve(sizeof(*r), STATS_TP);
	if (!r)
		return 0;
	hdr_task(&r->h, SCRY_REC_RENAME, sizeof(*r), task, bpf_ktime_get_boot_ns());
	BPF_CORE_READ_STR_INTO(&r->old_comm, task, comm);
	bpf_probe_read_kernel_str(r->h.comm, sizeof(r->h.comm), comm);
	emit_submit(r, STATS_TP);
	return 0;
}
