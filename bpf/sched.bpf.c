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
#include "procinfo.bpf.h"
#include "ns.bpf.h"
#include "mm.bpf.h"

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

/* SCHED_NORMAL, SCHED_BATCH, SCHED_IDLE: the classes whose se.prev_sum_exec_runtime is kept. */
static __always_inline bool fair_policy(struct task_struct *t)
{
	unsigned int pol = t->policy;

	return pol == 0 || pol == 3 || pol == 5;
}

/*
 * Runtime of `t` since we last charged it on this CPU, and re-arm the slot for `next_tid` at
 * `next_sum`. A task running when scry attached (the slot not yet armed) is charged from its
 * current sum on, so time before attach is never counted (and the recording begins once every
 * CPU has been charged: src/cli/live.c).
 *
 * A slot armed for another task means this one was switched in by a switch no program saw:
 * some kernels hide their own agent's tasks from tracing (seen on Firecracker guests), so the
 * switch back from such a task never fires. The scheduler itself kept the sum at which a fair
 * task was last picked (set_next_entity), so its slice is still charged exactly.
 */
static __always_inline __u64 charge(struct oncpu *s, struct task_struct *t, __u64 sum,
				    __u32 next_tid, __u64 next_sum)
{
	__u64 delta = 0, picked;

	if (s->valid && s->tid == t->pid) {
		if (sum >= s->sum)
			delta = sum - s->sum;
	} else if (s->valid && fair_policy(t)) {
		picked = t->se.prev_sum_exec_runtime;
		if (sum >= picked)
			delta = sum - picked;
	}
	s->tid = next_tid;
	s->sum = next_sum;
	s->valid = 1;
	return delta;
}

/* task_struct.__state bits (include/linux/sched.h): stable across the kernels scry supports. */
#define ST_INTERRUPTIBLE	0x0001
#define ST_UNINTERRUPTIBLE	0x0002
#define ST_STOPPED		0x0004
#define ST_TRACED		0x0008
#define ST_NOLOAD		0x0400

/*
 * Why prev leaves its CPU. Preempted (or still runnable, as after sched_yield): it stays on a run
 * queue. TASK_IDLE (uninterruptible but not counted as load: a kernel thread waiting for work) is
 * a sleep, not an I/O wait.
 */
static __always_inline __u8 off_reason(bool preempt, __u32 state)
{
	if (preempt || !state)
		return SCRY_OFF_PREEMPT;
	if ((state & ST_UNINTERRUPTIBLE) && !(state & ST_NOLOAD))
		return SCRY_OFF_BLOCKED;
	if (state & (ST_STOPPED | ST_TRACED))
		return SCRY_OFF_STOPPED;
	return SCRY_OFF_SLEEP;
}

static __always_inline __u64 run_delay(struct task_struct *t)
{
	return bpf_core_field_exists(t->sched_info) ? t->sched_info.run_delay : 0;
}

/*
 * The off-CPU stretch of `t`, on this CPU, whose switch-in was not seen: some kernels hide their
 * own agent's tasks from tracing (Firecracker guests), and the switch back from one never fires.
 * The scheduler dated the switch-in (sched_info.last_arrival) by its run queue's clock, and
 * st->out_clk is the switch-out by the same clock (the slice's arrival plus its runtime: short by
 * the IRQ time in the slice). 0: not known.
 */
static __always_inline __u64 unseen_off(struct task_struct *t, const struct sched_task *st)
{
	__u64 arrived;

	if (!bpf_core_field_exists(t->sched_info) || !st->out_clk)
		return 0;
	arrived = t->sched_info.last_arrival;
	return arrived > st->out_clk ? arrived - st->out_clk : 0;
}

/* Growth of a monotonic kernel counter since *base, at most 2^32-1: the rest goes out later. */
static __always_inline __u32 grow32(__u64 *base, __u64 now)
{
	__u64 d = now > *base ? now - *base : 0;

	if (d > 0xffffffffULL)
		d = 0xffffffffULL;
	*base = now > *base ? *base + d : now;
	return d;
}

/*
 * The process's memory, as /proc's VmSize, VmRSS and VmSwap compute it (task_mem()), into the
 * record when it differs from what this task last sent: the counters are read at every record
 * (plain loads from the mm the task is running on), a record grows only when they moved.
 */
static __always_inline void acct_mem(struct task_struct *t, struct sched_task *st,
				     struct scry_sched_acct *a)
{
	struct mm_struct *mm = t->mm;
	__u64 vm;
	__u32 size, rss, swap;

	if (!mm)
		return;	/* a kernel thread, or one past exit_mm() */
	/* a sanitizer's shadow reserves some 20 TiB: kB past 2^32 - 1 read as that */
	vm = mm->total_vm * page_kb;
	size = vm > 0xffffffffULL ? 0xffffffffULL : vm;
	rss = (rss_pages_btf(mm, MM_FILEPAGES_) + rss_pages_btf(mm, MM_ANONPAGES_) +
	       rss_pages_btf(mm, MM_SHMEMPAGES_)) * page_kb;
	swap = rss_pages_btf(mm, MM_SWAPENTS_) * page_kb;
	if (size == st->vm_size_kb && rss == st->vm_rss_kb && swap == st->vm_swap_kb)
		return;
	st->vm_size_kb = a->vm_size_kb = size;
	st->vm_rss_kb = a->vm_rss_kb = rss;
	st->vm_swap_kb = a->vm_swap_kb = swap;
	a->acct_flags |= SCRY_ACCT_MEM;
}

/*
 * The accounting of `t`'s record, `t` running on this CPU (o: its slot, read before the charge
 * re-arms it): the growth of run_delay and of its fault counters since its previous record, and
 * the off-CPU stretch that ended when its current slice began, once. A task first seen counts
 * from its switch-in to this slice (nothing before attach), or from now if that was not seen.
 * NULL storage (no memory, or the kernel's recursion guard) gives zeros: the growth then goes
 * out with the next record.
 */
static __always_inline struct sched_task *acct_take(struct task_struct *t, const struct oncpu *o,
						    struct scry_sched_acct *a)
{
	struct sched_task *st = bpf_task_storage_get(&sched_tasks, t, 0,
						     BPF_LOCAL_STORAGE_GET_F_CREATE);
	__u64 rd = run_delay(t), min = t->min_flt, maj = t->maj_flt;
	bool in = o->valid && o->in_valid && o->tid == t->pid;
	__u64 ut = t->utime, stt = t->stime;

	if (!st)
		return NULL;
	/* The user/system split counts from a task's first record (no baseline at switch-in). */
	if (!st->seen) {
		st->utime = ut;
		st->stime = stt;
	}
	if (!st->seen && in) {
		st->run_delay = o->in_run_delay;
		st->min_flt = o->in_min_flt;
		st->maj_flt = o->in_maj_flt;
		st->seen = 1;
	}
	if (st->seen) {
		a->wait_ns = rd > st->run_delay ? rd - st->run_delay : 0;
		a->min_flt = min - st->min_flt;
		a->maj_flt = maj - st->maj_flt;
		if (st->out_ts)
			a->off_ns = !in ? unseen_off(t, st) :
				    o->in_ts > st->out_ts ? o->in_ts - st->out_ts : 0;
		if (a->off_ns)
			a->off_reason = st->out_reason;
		a->utime_ns = grow32(&st->utime, ut);
		a->stime_ns = grow32(&st->stime, stt);
	}
	acct_mem(t, st, a);
	st->run_delay = rd;
	st->min_flt = min;
	st->maj_flt = maj;
	st->out_ts = 0;
	st->seen = 1;
	return st;
}

/* `t` switches in on this CPU at `ts`: what its first record and its off-CPU stretch need. */
static __always_inline void acct_in(struct oncpu *o, struct task_struct *t, __u64 ts)
{
	o->in_ts = ts;
	o->in_run_delay = run_delay(t);
	o->in_min_flt = t->min_flt;
	o->in_maj_flt = t->maj_flt;
	o->in_sum = t->se.sum_exec_runtime;
	o->in_valid = 1;
}

/*
 * The on-CPU time of prev's slice that ends now, whole: from its switch-in's sum where that was
 * seen here (the charge counts only since the last tick), else from the sum the fair class kept
 * when it picked prev, else the charge.
 */
static __always_inline __u64 slice_ns(struct task_struct *prev, const struct oncpu *in,
				      __u64 delta)
{
	__u64 sum = prev->se.sum_exec_runtime, from;

	if (in->valid && in->in_valid && in->tid == prev->pid)
		from = in->in_sum;
	else if (fair_policy(prev))
		from = prev->se.prev_sum_exec_runtime;
	else
		return delta;
	return sum >= from ? sum - from : delta;
}

/* TP_PROTO(bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state) */
SEC("tp_btf/sched_switch")
int BPF_PROG(scry_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct pending_enter *p = pending_get();
	struct oncpu *o = oncpu_get();
	struct scry_rec_switch *r;
	struct scry_stage *s = stage_get();
	struct scry_sched_acct acct = {};
	struct oncpu in = {};
	struct sched_task *st;
	/* The verifier drops the branch a kernel without the argument cannot take. */
	__u32 state = switch_state_arg ? (__u32)ctx[3] : task_state(prev);
	__u64 delta, ts;

	if (!o || !p || !s)
		return 0;
	/*
	 * Before 6.13 a pending signal makes __schedule() set prev running again and keep it
	 * queued, but pass the state it had: __state reads 0 then (no remote wakeup can write it
	 * while the tracepoint runs under the run queue's lock, so a 0 is that path's).
	 */
	if (switch_state_arg && state && !task_state(prev))
		state = 0;
	ts = bpf_ktime_get_boot_ns();
	/* prev's switch-in is in the slot until the charge re-arms it for next. */
	if (sched_acct)
		in = *o;
	delta = charge(o, prev, prev->se.sum_exec_runtime, next->pid, next->se.sum_exec_runtime);
	if (sched_acct && prev->pid != 0 && prev->tgid != self_tgid &&
	    (st = acct_take(prev, &in, &acct))) {
		st->out_ts = ts;
		st->out_clk = bpf_core_field_exists(prev->sched_info) ?
			      prev->sched_info.last_arrival + slice_ns(prev, &in, delta) : 0;
		st->out_reason = off_reason(preempt, state);
	}
	if (sched_acct)
		acct_in(o, next, ts);
	p->skip = 0;	/* a call left out by the filter: its exit, wherever it comes, is judged */
	/* prev leaves the CPU inside a syscall: its enter goes out now, before anything else. */
	if (p->valid) {
		if (prev->tgid != self_tgid)
			stage_enter(s, p, prev);
		p->valid = 0;
	}
	/*
	 * The idle task and scry itself are not reported. A task the filter rules out is: its
	 * time goes to its process's figures in userspace (ps), which a filter does not narrow.
	 */
	if (prev->pid != 0 && prev->tgid != self_tgid) {
		r = stage_reserve(s, sizeof(*r), SCRY_STATS_TP);
		hdr_fill(&r->h, SCRY_REC_SWITCH, sizeof(*r), prev, ts);
		r->runtime_ns = delta;
		r->next_pid = next->tgid;
		r->next_tid = next->pid;
		r->prev_state = state;
		r->__pad = 0;
		r->acct = acct;
		stage_commit(s, sizeof(*r));
	}
	/* Whatever prev did here is in the ring before it can run on another CPU. */
	stage_flush(s, SCRY_STATS_TP);
	return 0;
}

/*
 * A task that never switches out (a busy loop alone on a CPU) would be charged only when it
 * does, a quiet CPU's stage would wait for its next switch, and a syscall that runs long in the
 * kernel without switching (bpf() verifying a program, a big read from the page cache) would
 * keep its enter parked until it returns, long after later events of other CPUs went out. The
 * loader attaches this to a per-CPU cpu-clock perf event so that all three happen at least every
 * tick: a record then never waits longer than a tick for its batch, which the reorder stage in
 * userspace relies on. It runs in IRQ context and may interrupt a tracepoint program on this
 * CPU: then it leaves the stage, the parked enter and the charge alone.
 */
SEC("perf_event")
int scry_cpu_tick(void *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pending_enter *p = pending_get();
	struct oncpu *o = oncpu_get();
	struct scry_stage *s = stage_get();
	struct scry_rec_cputick *r;
	__u32 tid = t->pid;
	__u64 sum = t->se.sum_exec_runtime, delta = 0;
	bool in;

	/*
	 * A tracepoint program on this CPU is writing the stage: leave it and the charge alone.
	 * The time stays with the task and goes out with the next switch or tick, after the
	 * records staged before it, so this CPU's records stay in time order.
	 */
	if (!o || !s || !p || s->busy)
		return 0;
	/* The current task is inside a syscall since before this tick: its enter goes out now. */
	if (p->valid) {
		if (t->tgid != self_tgid)
			stage_enter(s, p, t);
		p->valid = 0;
	}
	/* The slot still says whether it was armed by this task's switch-in: keep that. */
	in = o->valid && o->in_valid && o->tid == tid;
	if (tid != 0)
		delta = charge(o, t, sum, tid, sum);
	o->in_valid = in;
	if (delta && t->tgid != self_tgid) {
		r = stage_reserve(s, sizeof(*r), SCRY_STATS_TICK);
		hdr_fill(&r->h, SCRY_REC_CPUTICK, sizeof(*r), t, bpf_ktime_get_boot_ns());
		r->runtime_ns = delta;
		__builtin_memset(&r->acct, 0, sizeof(r->acct));
		if (sched_acct)
			acct_take(t, o, &r->acct);
		stage_commit(s, sizeof(*r));
	}
	stage_flush(s, SCRY_STATS_TICK);
	return 0;
}

/* TP_PROTO(struct task_struct *parent, struct task_struct *child) */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(scry_sched_fork, struct task_struct *parent, struct task_struct *child)
{
	struct scry_rec_fork r;

	if (parent->tgid == self_tgid)
		return 0;
	hdr_fill(&r.h, SCRY_REC_FORK, sizeof(r), child, bpf_ktime_get_boot_ns());
	r.parent_pid = parent->tgid;
	r.parent_tid = parent->pid;
	r.ppid = BPF_CORE_READ(child, real_parent, tgid);
	r.vpid = task_vpid(child);
	r.vtid = task_vtid(child);
	r.uid = BPF_CORE_READ(child, cred, euid.val);
	r.gid = BPF_CORE_READ(child, cred, egid.val);
	r.fork_flags = child->tgid == parent->tgid ? SCRY_FORK_THREAD : 0;
	/* CLONE_FILES: one fd table for both (a thread's always; a process's rarely) */
	if (child->files == parent->files)
		r.fork_flags |= SCRY_FORK_FILES;
	if (r.fork_flags & SCRY_FORK_THREAD)
		__builtin_memset(&r.pi, 0, sizeof(r.pi));
	else
		proc_info_fill(&r.pi, child);
	emit_caused(&r, sizeof(r), false);
	ns_fork_check(parent, child);	/* issue 18 (ns18): after the child's fork record */
	return 0;
}

/* proc.env is asked for: exec records carry the environment (SCRY_ENV_MAX bytes at most). */
const volatile bool exec_env __weak;

/* TP_PROTO(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(scry_sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct scry_rec_exec *r = scratch_buf();
	unsigned long arg_start, arg_end;
	__u32 exe_len, args_len, size;
	__u16 flags = 0;
	long n;

	if (!r || p->tgid == self_tgid)
		return 0;
	r->old_tid = old_pid;
	r->ppid = BPF_CORE_READ(p, real_parent, tgid);
	r->vpid = task_vpid(p);
	r->vtid = task_vtid(p);
	r->uid = BPF_CORE_READ(p, cred, euid.val);
	r->gid = BPF_CORE_READ(p, cred, egid.val);
	r->__pad = 0;
	proc_info_fill(&r->pi, p);

	n = bpf_probe_read_kernel_str(r->data, SCRY_EXE_MAX, BPF_CORE_READ(bprm, filename));
	exe_len = n > 1 ? n - 1 : 0;	/* without the NUL */
	if (exe_len >= SCRY_EXE_MAX - 1) {	/* filled the buffer: the path may go on */
		exe_len = SCRY_EXE_MAX - 1;
		flags = SCRY_HF_TRUNC;
	}

	/* argv as the new image sees it: NUL-separated strings between arg_start and arg_end. */
	arg_start = BPF_CORE_READ(p, mm, arg_start);
	arg_end = BPF_CORE_READ(p, mm, arg_end);
	args_len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (args_len > SCRY_ARGS_MAX) {
		args_len = SCRY_ARGS_MAX;
		flags = SCRY_HF_TRUNC;
	}
	if (args_len && bpf_probe_read_user(r->data + (exe_len & (SCRY_EXE_MAX - 1)), args_len,
					    (void *)arg_start)) {
		args_len = 0;
		flags = exe_len == SCRY_EXE_MAX - 1 ? SCRY_HF_TRUNC : 0;
	}
	r->exe_len = exe_len;
	r->args_len = args_len;
	r->env_len = 0;
	if (exec_env) {
		unsigned long env_start = BPF_CORE_READ(p, mm, env_start);
		unsigned long env_end = BPF_CORE_READ(p, mm, env_end);
		__u32 off = exe_len + args_len, env_len;

		env_len = env_end > env_start ? env_end - env_start : 0;
		if (env_len > SCRY_ENV_MAX)
			env_len = SCRY_ENV_MAX;
		/* what data[] has left after the path and argv */
		if (off < SCRY_EXE_MAX + SCRY_ARGS_MAX && env_len > SCRY_EXE_MAX + SCRY_ARGS_MAX - off)
			env_len = SCRY_EXE_MAX + SCRY_ARGS_MAX - off;
		if (off < SCRY_EXE_MAX + SCRY_ARGS_MAX && env_len &&
		    !bpf_probe_read_user(r->data + (off & (2 * SCRY_ARGS_MAX - 1)),
					 env_len & (SCRY_ENV_MAX * 2 - 1), (void *)env_start))
			r->env_len = env_len;
	}
	size = SCRY_EXEC_FIXED + exe_len + args_len + r->env_len;
	hdr_fill(&r->h, SCRY_REC_EXEC, size, p, bpf_ktime_get_boot_ns());
	r->h.flags = flags;
	emit_caused(r, size, true);
	ns_exec_check(p);	/* issue 18 (ns18): after the exec record */
	return 0;
}

/*
 * Exit-only mode: a thread leaving through exit or exit_group never reaches sys_exit, so its
 * call is reported here, as the enter it was (a thread killed by a signal made no such call).
 */
static __always_inline void stage_exit_call(struct scry_stage *s, struct task_struct *t, __u64 ts)
{
	struct pending_enter pe = { .valid = 1, .ts = ts };
	__u32 nr;

	/* bpf_task_pt_regs came in 5.15: on older kernels this branch is dead code at load. */
	if (!s || !bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs))
		return;
	nr = sys_nr((struct pt_regs *)bpf_task_pt_regs(t));
	if (task_compat(t) ? nr != SCRY_NR32_EXIT && nr != SCRY_NR32_EXIT_GROUP :
			     nr != SCRY_NR_EXIT && nr != SCRY_NR_EXIT_GROUP)
		return;
	pe.nr = nr;
	stage_enter(s, &pe, t);
}

/* TP_PROTO(struct task_struct *p[, bool group_dead]) */
/*
 * Where the kernel's find_new_reaper() will send the children of `father`, the last thread of
 * its process (exit_notify() runs after this tracepoint): the nearest ancestor in the same pid
 * namespace that is a child subreaper and still has a live thread, else the namespace's init.
 * 0 when the namespace's init itself dies (its children die with it) or the walk is too deep.
 */
#define REAPER_DEPTH 32
static __always_inline __u32 find_reaper(struct task_struct *father)
{
	struct pid *fpid = BPF_CORE_READ(father, thread_pid);
	unsigned int level = BPF_CORE_READ(fpid, level);
	struct pid_namespace *ns;
	struct task_struct *init, *t;
	struct upid up = {};
	int i;

	bpf_core_read(&up, sizeof(up), &fpid->numbers[level & 31]);
	ns = up.ns;
	init = BPF_CORE_READ(ns, child_reaper);
	if (!init || BPF_CORE_READ(init, tgid) == father->tgid)
		return 0;
	if (!BPF_CORE_READ_BITFIELD_PROBED(father->signal, has_child_subreaper))
		return BPF_CORE_READ(init, tgid);
	t = father;
	for (i = 0; i < REAPER_DEPTH; i++) {
		struct signal_struct *sig;

		t = BPF_CORE_READ(t, real_parent);
		if (!t || t == init || BPF_CORE_READ(t, thread_pid, level) != level)
			return BPF_CORE_READ(init, tgid);
		sig = BPF_CORE_READ(t, signal);
		if (BPF_CORE_READ_BITFIELD_PROBED(sig, is_child_subreaper) &&
		    BPF_CORE_READ(sig, live.counter) > 0)
			return BPF_CORE_READ(t, tgid);
	}
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(scry_sched_exit, struct task_struct *p)
{
	struct scry_rec_exit r;
	struct scry_stage *s;

	if (p->tgid == self_tgid)
		return 0;
	hdr_fill(&r.h, SCRY_REC_EXIT, sizeof(r), p, bpf_ktime_get_boot_ns());
	r.exit_code = p->exit_code;
	/* signal->live has already been decremented for this thread by do_exit(). */
	r.exit_flags = BPF_CORE_READ(p, signal, live.counter) == 0 ? SCRY_EXIT_GROUP_DEAD : 0;
	r.reaper = r.exit_flags ? find_reaper(p) : 0;
	r.__pad = 0;
	if (r.reaper)
		r.exit_flags |= SCRY_EXIT_REAPER;
	s = stage_get();
	if (exit_only)
		stage_exit_call(s, p, r.h.ts);
	else
		stage_current_enter(s, false);
	emit_direct(s, &r, sizeof(r), SCRY_STATS_TP);
	return 0;
}

/* TP_PROTO(struct task_struct *task, const char *comm) */
SEC("tp_btf/task_rename")
int BPF_PROG(scry_task_rename, struct task_struct *task, const char *comm)
{
	struct scry_rec_rename r;

	if (task->tgid == self_tgid)
		return 0;
	/* exec renames the task too; its exec record already carries the new name. */
	if (bpf_core_field_exists(task->in_execve) && BPF_CORE_READ_BITFIELD_PROBED(task, in_execve))
		return 0;
	hdr_fill(&r.h, SCRY_REC_RENAME, sizeof(r), task, bpf_ktime_get_boot_ns());
	__builtin_memcpy(r.old_comm, task->comm, sizeof(r.old_comm));
	bpf_probe_read_kernel_str(r.h.comm, sizeof(r.h.comm), comm);
	emit_caused(&r, sizeof(r), false);
	return 0;
}

/* A cgroup of the hierarchy events are attributed by (cgroup2's, or the chosen v1 one's). */
static __always_inline bool our_hierarchy(struct cgroup *cgrp)
{
	struct cgroup_root *root = cgrp->root;

	if (cgroup_v1)
		return (BPF_CORE_READ(root, subsys_mask) >> (cgroup_v1_subsys & 15)) & 1;
	return BPF_CORE_READ(root, hierarchy_id) == 0;	/* 0: the default hierarchy */
}

/*
 * TP_PROTO(struct cgroup *cgrp, const char *path). A new cgroup: its id and path, ahead of
 * anything that runs in it.
 */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(scry_cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	struct scry_ctl_cgroup *r = scratch_buf();
	long n;
	__u32 len;

	if (!r || !our_hierarchy(cgrp))
		return 0;
	n = bpf_probe_read_kernel_str(r->path, SCRY_CGPATH_MAX, path);
	if (n <= 1 || n >= SCRY_CGPATH_MAX)
		return 0;	/* a path too long to keep is looked up by id later, as before */
	len = n - 1;
	r->id = BPF_CORE_READ(cgrp, kn, id);
	r->path_len = len;
	r->__pad[0] = r->__pad[1] = r->__pad[2] = 0;
	hdr_fill(&r->h, SCRY_CTL_CGROUP, SCRY_CTL_CGROUP_FIXED + len,
		 bpf_get_current_task_btf(), bpf_ktime_get_boot_ns());
	emit_direct(stage_get(), r, SCRY_CTL_CGROUP_FIXED + (len & (SCRY_CGPATH_MAX - 1)), SCRY_STATS_CTL);
	return 0;
}

/* TP_PROTO(struct cgroup *cgrp, const char *path). The collector may forget its path. */
SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(scry_cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	struct scry_ctl_cgroup *r = scratch_buf();

	if (!r || !our_hierarchy(cgrp))
		return 0;
	r->id = BPF_CORE_READ(cgrp, kn, id);
	r->path_len = 0;
	r->__pad[0] = r->__pad[1] = r->__pad[2] = 0;
	hdr_fill(&r->h, SCRY_CTL_CGROUP_RMDIR, SCRY_CTL_CGROUP_FIXED, bpf_get_current_task_btf(),
		 bpf_ktime_get_boot_ns());
	emit_direct(stage_get(), r, SCRY_CTL_CGROUP_FIXED, SCRY_STATS_CTL);
	return 0;
}
