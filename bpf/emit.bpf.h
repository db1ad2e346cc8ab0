/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one emit path. Small fixed-size records (syscall exits, switches, ticks) are built in place
 * in a per-CPU stage and leave for the ring buffer in batches; large or lifecycle records flush
 * the stage and go out on their own, so a CPU's records always reach the ring in the order they
 * happened. Every record attempted and every record lost is counted per CPU.
 *
 * When a batch must leave:
 *   - the stage is full;
 *   - at every context switch, so that a task's records from this CPU are in the ring before it
 *     can run anywhere else (a task's events stay in order across migrations);
 *   - before fork/exec/exit/rename records, so that a child's fork is in the ring before the child
 *     runs (the fork tracepoint fires before the child is woken);
 *   - at the periodic tick, so that a quiet CPU's records are never held longer than a tick;
 *   - when scry stops, userspace reads what is left in the stages (probe__drain).
 *
 * Wakeup policy: batches are submitted with BPF_RB_NO_WAKEUP and the consumer polls on a short
 * timer; only when the backlog passes wakeup_bytes do we force a wakeup, so that a burst cannot
 * fill the ring before the timer fires.
 *
 * Why: every helper call costs tens of ns on kernels with return-thunk mitigations, and one ring
 * shared by all CPUs serialises reservations on a spinlock. The hot path therefore makes no ring
 * call per event and reads the task through its BTF pointer instead of a helper per field.
 */
#ifndef SCRY_EMIT_BPF_H
#define SCRY_EMIT_BPF_H

#include "scry.bpf.h"
#include "task.bpf.h"

PERCPU_SLOT(stage, struct scry_stage)

/*
 * The stage's `busy` flag tells the tick (an interrupt on this CPU) to keep off. The compiler
 * must not move the stage's loads and stores across the flag's stores, hence the barriers.
 */
#define stage_barrier() asm volatile("" ::: "memory")

static __always_inline void stage_busy(struct scry_stage *s, __u32 on)
{
	if (!on)
		stage_barrier();
	*(volatile __u32 *)&s->busy = on;
	if (on)
		stage_barrier();
}

static __always_inline struct scry_cpu_stats *stats_slot(__u32 slot)
{
	return bpf_map_lookup_elem(&stats, &slot);
}

static __always_inline __u64 wakeup_flags(struct scry_cpu_stats *st)
{
	if (bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) < wakeup_bytes)
		return BPF_RB_NO_WAKEUP;
	if (st)
		st->wakeups++;
	return BPF_RB_FORCE_WAKEUP;
}

/*
 * Move the staged records into the ring as one batch; a full ring loses (and counts) them all.
 * Staged records are counted here, a batch at a time, in the slot of the context that flushes:
 * one stats update per batch instead of one per record keeps the hot path to the stage's own
 * cache lines. Exact all the same: only the context holding the stage flushes it (the tick keeps
 * off a busy stage), and userspace counts what the stages still hold (probe__stats).
 */
static __always_inline void stage_flush(struct scry_stage *s, __u32 slot)
{
	struct scry_cpu_stats *st = stats_slot(slot);
	__u32 size = s->b.size;

	if (!s->b.count)
		return;
	if (size > SCRY_STAGE_BYTES + SCRY_STAGE_REC_MAX)
		size = SCRY_STAGE_BYTES + SCRY_STAGE_REC_MAX;
	s->b.tag = SCRY_BATCH_TAG;
	if (st)
		st->seen += s->b.count;
	if (bpf_ringbuf_output(&rb, &s->b, sizeof(s->b) + size, wakeup_flags(st)) && st)
		st->dropped += s->b.count;
	s->b.size = 0;
	s->b.count = 0;
}

/*
 * Room for a record of `size` bytes (a constant at every call site) in a stage the caller holds
 * busy, flushing first if it is full. The caller fills it and calls stage_put().
 */
static __always_inline void *stage_room(struct scry_stage *s, __u32 size, __u32 slot)
{
	__u32 off;

	if (s->b.size > SCRY_STAGE_BYTES - size)
		stage_flush(s, slot);
	off = s->b.size & (SCRY_STAGE_BYTES - 1);	/* already < STAGE_BYTES: proof for the verifier */
	return s->buf + off;
}

static __always_inline void stage_put(struct scry_stage *s, __u32 size)
{
	s->b.size += size;
	s->b.count++;
}

/* stage_room()/stage_put() for a caller that does not hold the stage: busy around the record. */
static __always_inline void *stage_reserve(struct scry_stage *s, __u32 size, __u32 slot)
{
	stage_busy(s, 1);
	return stage_room(s, size, slot);
}

static __always_inline void stage_commit(struct scry_stage *s, __u32 size)
{
	stage_put(s, size);
	stage_busy(s, 0);
}

/* A record that does not go through the stage: flush the stage first to keep the order. */
static __always_inline void emit_direct(struct scry_stage *s, void *rec, __u32 size, __u32 slot)
{
	struct scry_cpu_stats *st = stats_slot(slot);

	if (s) {
		stage_busy(s, 1);	/* the tick must not flush the same stage under us */
		stage_flush(s, slot == SCRY_STATS_CTL ? SCRY_STATS_TP : slot);	/* staged ones are events */
		stage_busy(s, 0);
	}
	if (st)
		st->seen++;
	if (size > SCRY_REC_MAX)
		size = SCRY_REC_MAX;
	if (bpf_ringbuf_output(&rb, rec, size, wakeup_flags(st)) && st)
		st->dropped++;
}

static __always_inline void *scratch_buf(void)
{
	return scratch_get();
}

/* Header for a record about task `t` (current, a fork child, a switched-out prev). */
static __always_inline void hdr_fill(struct scry_hdr *h, __u16 type, __u32 size,
				     struct task_struct *t, __u64 ts)
{
	h->type = type;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	h->flags = 0;
	h->pid = t->tgid;
	h->tid = t->pid;
	h->ts = ts;
	h->cgid = task_cgid(t);
	__builtin_memcpy(h->comm, t->comm, sizeof(h->comm));
}

/*
 * A syscall number as records carry it: a 32-bit call above SCRY_NR_COMPAT_BASE, and a number no
 * table of this ABI can hold (syscall(-1)) as SCRY_NR_INVALID.
 */
static __always_inline __u32 rec_nr(__u32 nr, bool compat)
{
	if (nr >= (compat ? SCRY_NR_SYSCALLS : SCRY_NR_COMPAT_BASE))
		return SCRY_NR_INVALID;
	return compat ? SCRY_NR_COMPAT_BASE + nr : nr;
}

/* Stage the enter parked in `p` as a record of its own, about task `t`, and clear the slot. */
/* The stage stays busy after it if the caller held it so (an exit goes on to stage its record). */
static __always_inline void stage_enter_as(struct scry_stage *s, struct pending_enter *p,
					   struct task_struct *t, bool compat)
{
	__u32 held = s->busy;
	struct scry_rec_sys_enter *r = stage_reserve(s, sizeof(*r), SCRY_STATS_TP);

	hdr_fill(&r->h, SCRY_REC_SYS_ENTER, sizeof(*r), t, p->ts);
	r->nr = rec_nr(p->nr, compat);
	r->__pad = 0;
	p->valid = 0;	/* while the stage is busy: the tick must not stage it a second time */
	stage_put(s, sizeof(*r));
	if (!held)
		stage_busy(s, 0);
}

/*
 * The numbers of calls that can change the task's ABI before their enter leaves the stage: an
 * i386 execve (11, natively munmap) or execveat (358) of a 64-bit program, switched out inside
 * exec after the new personality is set. Their enter keeps the ABI it was made with.
 */
static __always_inline bool exec_nr(__u32 nr)
{
#if defined(__TARGET_ARCH_x86)
	return nr == 11 || nr == 358;
#else
	return false;
#endif
}

static __always_inline void stage_enter(struct scry_stage *s, struct pending_enter *p,
					struct task_struct *t)
{
	stage_enter_as(s, p, t, exec_nr(p->nr) ? p->compat : task_compat(t));
}

/*
 * The ABI of an execve whose enter is staged at sched_process_exec: the new image's personality
 * is already in place (a 64-bit process exec'ing a 32-bit program reads as compat), so the
 * number says it: execve/execveat are 59/322 natively and 11/358 for i386, and neither pair's
 * other meaning (munmap, oldolduname...) can exec.
 */
static __always_inline bool exec_enter_compat(struct task_struct *t, __u32 nr)
{
#if defined(__TARGET_ARCH_x86)
	if (nr == 59 || nr == 322)
		return false;
	if (nr == 11 || nr == 358)
		return true;
#endif
	return task_compat(t);
}

/*
 * Before a record that the current task causes from inside a syscall (fork from clone, exec from
 * execve, exit from exit_group, rename from prctl): stage that syscall's parked enter, so the
 * stream reads "> execve", "procexec", "< execve".
 */
static __always_inline void stage_current_enter(struct scry_stage *s, bool exec)
{
	struct pending_enter *p = pending_get();
	struct task_struct *t;

	if (!p || !s)
		return;
	stage_busy(s, 1);	/* the tick stages parked enters too: not this one, meanwhile */
	if (p->valid) {
		t = bpf_get_current_task_btf();
		if (t->tgid != self_tgid)
			stage_enter_as(s, p, t, exec ? exec_enter_compat(t, p->nr) : task_compat(t));
		p->valid = 0;
	}
	stage_busy(s, 0);
}

/* A record the current task causes from inside a syscall: its enter first, then the record. */
static __always_inline void emit_caused(void *rec, __u32 size, bool exec)
{
	struct scry_stage *s = stage_get();

	stage_current_enter(s, exec);
	emit_direct(s, rec, size, SCRY_STATS_TP);
}

#endif /* SCRY_EMIT_BPF_H */
