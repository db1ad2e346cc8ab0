/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything the BPF programs share: includes, the loader's knobs and every map, defined once.
 * Each .bpf.c includes this header; the definitions are __weak so that `bpftool gen object`
 * merges them into one set when it links the objects.
 */
#ifndef SCRY_BPF_H
#define SCRY_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "scry/event.h"

/* --- inputs: rodata set by the loader before load ------------------------------------------ */
const volatile __u32 self_tgid __weak;		/* scry itself: never traced */
const volatile __u64 wakeup_bytes __weak = 1 << 20; /* wake the consumer past this backlog */
const volatile bool cgroup_v1 __weak;		/* no cgroup2 mount: take ids from a v1 hierarchy */
const volatile __u32 cgroup_v1_subsys __weak;	/* enum cgroup_subsys_id of that hierarchy */
/* Park enters per CPU and fold them into their exits; needs sched_switch to flush them. */
const volatile bool fold_enters __weak = true;
/*
 * Views that need no latency trace only syscall exits: no sys_enter program, no clock read at
 * enter. Exit records then carry no enter time, and exit/exit_group, which never return, are
 * reported by an enter record at the thread's exit (userspace counts every call at its return).
 */
/* Socket bytes go to the net_counts map instead of a record each (see scry_net_key). */
const volatile bool net_count __weak;
/*
 * -s: bytes of I/O data an exit of read, write, send, recv... carries (0: none). A constant at
 * load: with 0 the verifier drops the data path, and the hot path pays nothing for it.
 */
const volatile __u32 snaplen __weak;
/*
 * Run-queue wait, off-CPU stretches and page faults in switch and tick records (scry_sched_acct):
 * off where the kernel has no task storage for these programs (the loader probes it); the
 * verifier then drops that path and the records carry zeros.
 */
const volatile bool sched_acct __weak;
/*
 * sched_switch passes prev_state (5.18 on): the state __schedule() acted on. Re-reading
 * prev->__state in the program can see TASK_WAKING, set by a wakeup on another CPU after prev
 * was dequeued (the reason the kernel added the argument).
 */
const volatile bool switch_state_arg __weak;
/* Mutable: `scry top` turns enters on while a screen shows latency, and off again. */
volatile bool exit_only __weak;

/* --- maps ----------------------------------------------------------------------------------- */
/* An array of n T indexed by a u32 (BPF_MAP_TYPE_ARRAY or BPF_MAP_TYPE_PERCPU_ARRAY). */
#define ARRAY_MAP(name, kind, T, n)						\
	struct {								\
		__uint(type, kind);						\
		__uint(max_entries, n);						\
		__type(key, __u32);						\
		__type(value, T);						\
	} name SEC(".maps") __weak

/*
 * A CPU's private slot of T, and NAME_get() for this CPU's copy (NULL only in theory, but the
 * verifier insists on the check).
 */
#define PERCPU_SLOT(name, T)							\
	ARRAY_MAP(name, BPF_MAP_TYPE_PERCPU_ARRAY, T, 1);			\
	static __always_inline T *name##_get(void)				\
	{									\
		__u32 zero = 0;							\
										\
		return bpf_map_lookup_elem(&name, &zero);			\
	}

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);	/* resized by the loader */
} rb SEC(".maps") __weak;

/* One slot per kind of context (enum scry_stats_slot in event.h says why). */
ARRAY_MAP(stats, BPF_MAP_TYPE_PERCPU_ARRAY, struct scry_cpu_stats, SCRY_STATS__MAX);

ARRAY_MAP(sysargs, BPF_MAP_TYPE_ARRAY, struct scry_sysarg, SCRY_NR_SYSCALLS);

/* Count mode's sums; a full map sends the call as a record (and counts it in stats). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* memory for the keys in use, not for the most */
	__uint(max_entries, SCRY_NET_COUNT_MAX);	/* 1 when not counting (the loader) */
	__type(key, struct scry_net_key);
	__type(value, struct scry_net_val);
} net_counts SEC(".maps") __weak;

/* Builds variable-length records (exec, exits with a path); only tracepoint context uses it. */
struct scratch {
	/* slack past the largest record: see SCRY_STAGE_SLACK, here for SCRY_SNAPLEN_MAX */
	__u8 buf[SCRY_REC_MAX + SCRY_SNAPLEN_MAX];
};
PERCPU_SLOT(scratch, struct scratch)

/*
 * The task on each CPU and its se.sum_exec_runtime when we last charged it (switch-in or tick).
 * Written by sched_switch (IRQs off) and by the tick (in IRQ), never concurrently on one CPU.
 */
struct oncpu {
	__u32 tid;
	__u32 valid;
	__u64 sum;
	/*
	 * The scheduler accounting's view of the switch-in of `tid` (in_valid: seen, not armed by a
	 * tick): when, and its run_delay and fault counters then, before sched_info_arrive added the
	 * wait that just ended. Its first record takes them as its baseline, and the off-CPU
	 * stretch that ended here is in_ts less its switch-out time: no task storage lookup for
	 * the task switched in.
	 */
	__u64 in_ts, in_run_delay, in_min_flt, in_maj_flt;
	__u64 in_sum;		/* its sum_exec_runtime then (ticks re-arm `sum`, not this) */
	__u32 in_valid;
	__u32 __pad;
};
PERCPU_SLOT(oncpu, struct oncpu)

/*
 * The enter parked on each CPU until its exit or the thread's switch-out (see event.h). It needs
 * no owner: between a sys_enter and a sys_exit on one CPU, only a context switch can change the
 * current task, and the switch flushes the slot.
 */
struct pending_enter {
	__u32 valid;
	__u32 nr;
	__u64 ts;
	__u32 compat;		/* the enter's ABI, for the numbers an exec can reach (exec_nr) */
	/*
	 * 1 + the number of a call the filter's in-kernel part left out at its enter, and its
	 * task's pt_regs (a live task's own address): its exit on this CPU is left out without a
	 * second test (pushdown.bpf.h). sched_switch clears it, so it never outlives the task's
	 * stay on this CPU, nor can another task's exit (or one on a reused stack) match it; a
	 * new in-kernel part, a cgroup set changed or a task moved between cgroups (pd_gen) voids
	 * every mark made before.
	 */
	__u32 skip;
	__u32 skip_gen;		/* pd_gen then: a mark of another generation is judged again */
	__u32 __pad;
	__u64 skip_regs;
};
PERCPU_SLOT(pending, struct pending_enter)

/*
 * What the scheduler accounting (scry_sched_acct) last saw of a task: the values its previous
 * record was measured from, and when and why it last left a CPU. In task storage rather than
 * the per-CPU oncpu slot: run_delay also grows while a task is off any CPU we watch
 * (sched_info_arrive runs after the sched_switch tracepoint; a queued task dequeued for
 * migration adds its wait), so only the task's own copy makes every growth count once. Only the
 * CPU the task is on touches it, at its own records: sched_switch (IRQs off) for prev, or the
 * tick, which cannot interrupt it. A task gets it at its first record.
 */
struct sched_task {
	__u64 run_delay;	/* sched_info.run_delay at its last record (or its baseline) */
	__u64 min_flt, maj_flt;	/* likewise */
	__u64 out_ts;		/* when it last switched out; 0: its stretch since is reported */
	__u64 out_clk;		/* the same by its run queue's clock (rq_clock) */
	__u8 out_reason;	/* enum scry_off_reason of that switch-out */
	__u8 seen;		/* the values above are a baseline */
	__u8 __pad[6];
	__u64 utime, stime;	/* task->utime, stime at its last record */
	/* its process's memory as its last record sent it (kB; SCRY_ACCT_MEM) */
	__u32 vm_size_kb, vm_rss_kb, vm_swap_kb;
	__u32 __pad2;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sched_task);
} sched_tasks SEC(".maps") __weak;

#endif /* SCRY_BPF_H */
