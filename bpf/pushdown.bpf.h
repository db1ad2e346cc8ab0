/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The filter's in-kernel part (event.h, SCRY_PD_*; built by src/filter/pushdown.c): syscall
 * events that cannot match the filter never reach the ring. Everything here is a necessary
 * condition of the filter, and userspace judges what arrives, so leaving an event in is always
 * safe; leaving one out is only done on the word of these tables.
 *
 * Cost when an event is left out: the bitmaps are globals (a load each, no helper); the cgroup
 * and process verdict of the task is cached per CPU by (cgroup id, tgid, generation), so a
 * process that keeps calling pays two hash lookups once, then a few loads per call. Userspace
 * bumps pd_gen whenever it changes a set, which retires every cached verdict.
 */
#ifndef SCRY_PUSHDOWN_BPF_H
#define SCRY_PUSHDOWN_BPF_H

#include "scry.bpf.h"
#include "task.bpf.h"
#include "emit.bpf.h"

/*
 * Exits left out by their enter's mark (pd_exit_skip): with folding (sched_switch clears marks)
 * and cgroup_attach_task (a move voids them) only; else every exit is judged on its own.
 */
const volatile bool pd_marks __weak;

/* Mutable: userspace writes them through the mmapped .bss, pd_on last. */
/* (__weak: the syscall and scheduler objects share one copy, as scry.bpf.h's) */
volatile __u32 pd_on __weak;		/* enum scry_pd_on; 0: nothing pushed down */
volatile __u32 pd_gen __weak = 1;	/* cached verdicts of an older generation are stale */
volatile __u64 pd_keep[SCRY_PD_WORDS] __weak;	/* calls that change state: always kept */
volatile __u64 pd_enter[SCRY_PD_WORDS] __weak;	/* park the enter: an event may match */
volatile __u64 pd_exit_ok[SCRY_PD_WORDS] __weak;	/* keep an exit that did not fail */
volatile __u64 pd_exit_fail[SCRY_PD_WORDS] __weak;	/* keep one that failed (-4095..-1) */
volatile __u64 pd_enter_raw[SCRY_PD_WORDS] __weak;	/* by sys_enter's number, either ABI */

/* Cgroups no event of which can match (judged by userspace as their containers appear). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, SCRY_PD_CGROUPS_MAX);
	__type(key, __u64);
	__type(value, __u8);
} pd_cgroups SEC(".maps") __weak;

/* The only processes (tgids) whose events can match, with SCRY_PD_PID. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCRY_PD_PIDS_MAX);
	__type(key, __u32);
	__type(value, __u8);
} pd_pids SEC(".maps") __weak;

struct pd_cache {
	__u64 cgid;
	__u32 tgid;
	__u32 gen;
	__u32 pass;
	__u32 __pad;
};
/* The syscall programs' alone: the tick, an interrupt, could tear an entry half-written. */
PERCPU_SLOT(pd_cache, struct pd_cache)

static __always_inline bool pd_bit(volatile __u64 *map, __u32 nr)
{
	__u32 i = nr & (SCRY_PD_NR_BITS - 1);

	return map[i >> 6] & (1ULL << (i & 63));
}

/* Whether t's cgroup and process may give events that match. */
static __always_inline bool pd_task_pass(struct task_struct *t, __u32 on)
{
	struct pd_cache *c = pd_cache_get();
	__u64 cgid = (on & SCRY_PD_CGROUP) ? task_cgid(t) : 0;
	__u32 tgid = t->tgid, gen = pd_gen;
	bool pass = true;

	if (c && c->gen == gen && c->cgid == cgid && c->tgid == tgid)
		return c->pass;
	if ((on & SCRY_PD_CGROUP) && bpf_map_lookup_elem(&pd_cgroups, &cgid))
		pass = false;
	if (pass && (on & SCRY_PD_PID) && !bpf_map_lookup_elem(&pd_pids, &tgid))
		pass = false;
	if (c) {
		c->gen = gen;
		c->cgid = cgid;
		c->tgid = tgid;
		c->pass = pass;
	}
	return pass;
}

/*
 * At sys_enter, first: whether call `id` may be kept by its number alone, whatever the task's
 * ABI; no task read, no helper call, so a loop of calls left out by number costs two loads.
 */
static __always_inline bool pd_enter_raw_pass(__u32 on, long id)
{
	return !(on & SCRY_PD_SYS) ||
	       pd_bit(pd_enter_raw, (__u64)id < SCRY_NR_SYSCALLS ? (__u32)id : SCRY_NR_INVALID);
}

/* Then: whether to park (or stage) the enter of call `id`. */
static __always_inline bool pd_enter_pass(struct task_struct *t, __u32 on, long id)
{
	__u32 nr = rec_nr(id, task_compat(t));

	if (pd_bit(pd_keep, nr))
		return true;
	if ((on & SCRY_PD_SYS) && !pd_bit(pd_enter, nr))
		return false;
	return !(on & (SCRY_PD_CGROUP | SCRY_PD_PID)) || pd_task_pass(t, on);
}

/*
 * At sys_exit, before anything else: whether the exit (and its folded enter) may match. An exit
 * whose number is forgotten (rt_sigreturn, orig_ax -1) is judged by its task alone.
 */
static __always_inline bool pd_exit_pass(struct task_struct *t, __u32 on, __u32 raw, long ret)
{
	__u32 nr;

	if (raw != (__u32)-1) {
		nr = rec_nr(raw, task_compat(t));
		if (pd_bit(pd_keep, nr))
			return true;
		if ((on & SCRY_PD_SYS) &&
		    !pd_bit(ret < 0 && ret >= -4095 ? pd_exit_fail : pd_exit_ok, nr))
			return false;
	}
	return !(on & (SCRY_PD_CGROUP | SCRY_PD_PID)) || pd_task_pass(t, on);
}

static __always_inline void pd_count_drop(void)
{
	__u32 slot = SCRY_STATS_TP;
	struct scry_cpu_stats *st = bpf_map_lookup_elem(&stats, &slot);

	if (st)
		st->filtered++;
}

/*
 * The exit of a call whose enter on this CPU was left out, by the same task (its pt_regs) with
 * no switch since (sched_switch clears the mark): left out too, with no task read. A mark that
 * is not this exit's is stale (its task switched out, or its exit came elsewhere): it goes.
 * Counted with the rest; scry's own calls among them (telling them apart needs the task).
 */
static __always_inline bool pd_exit_skip(struct pt_regs *regs, __u32 raw)
{
	struct pending_enter *p = pending_get();
	bool mine;

	if (!pd_marks || !p || !p->skip)
		return false;
	/* The task's one call in flight; rt_sigreturn's exit has forgotten its number (-1). */
	mine = p->skip_regs == (__u64)regs && (p->skip == raw + 1 || raw == (__u32)-1) &&
	       p->skip_gen == pd_gen;
	p->skip = 0;
	if (mine)
		pd_count_drop();
	return mine;
}

/*
 * The exit of call `raw` was left out: so is its parked enter, if it is still here (the tick
 * may have staged it meanwhile: then userspace drops it). Counted once per call.
 */
static __always_inline void pd_exit_drop(__u32 raw)
{
	struct pending_enter *p = pending_get();

	if (p && p->valid && (p->nr == raw || raw == (__u32)-1))
		p->valid = 0;
	pd_count_drop();
}

#endif /* SCRY_PUSHDOWN_BPF_H */
