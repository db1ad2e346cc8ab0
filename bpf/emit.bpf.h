/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one emit path: reserve (or output) -> fill the common header -> submit, counting every
 * attempt and every drop per CPU, and holding the wakeup policy in one place.
 *
 * Wakeup policy: records are submitted with BPF_RB_NO_WAKEUP, so a busy workload never pays
 * for a consumer wakeup per record; the consumer polls on a short timer. Only when the backlog
 * passes wakeup_bytes do we force a wakeup, so that a burst cannot fill the ring before the
 * timer fires.
 */
#ifndef SCRY_EMIT_BPF_H
#define SCRY_EMIT_BPF_H

#include "scry.bpf.h"
#include "task.bpf.h"

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

static __always_inline void *emit_reserve(__u32 size, __u32 slot)
{
	struct scry_cpu_stats *st = stats_slot(slot);
	void *rec;

	if (st)
		st->seen++;
	rec = bpf_ringbuf_reserve(&rb, size, 0);
	if (!rec && st)
		st->dropped++;
	return rec;
}

static __always_inline void emit_submit(void *rec, __u32 slot)
{
	bpf_ringbuf_submit(rec, wakeup_flags(stats_slot(slot)));
}

/* For records built in the scratch buffer with a length known only at run time. */
static __always_inline void emit_output(void *buf, __u32 size)
{
	struct scry_cpu_stats *st = stats_slot(STATS_TP);

	if (st)
		st->seen++;
	if (size > SCRY_REC_MAX)
		size = SCRY_REC_MAX;
	if (bpf_ringbuf_output(&rb, buf, size, wakeup_flags(st)) && st)
		st->dropped++;
}

static __always_inline void *scratch_buf(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

/* Header for a record about the current task. */
static __always_inline void hdr_current(struct scry_hdr *h, __u16 type, __u16 size,
					__u64 pid_tgid, __u64 ts)
{
	h->type = type;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	h->flags = 0;
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->ts = ts;
	h->cgid = current_cgid();
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* Header for a record about another task (fork child, switched-out prev). */
static __always_inline void hdr_task(struct scry_hdr *h, __u16 type, __u16 size,
				     struct task_struct *t, __u64 ts)
{
	h->type = type;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	h->flags = 0;
	h->pid = BPF_CORE_READ(t, tgid);
	h->tid = BPF_CORE_READ(t, pid);
	h->ts = ts;
	h->cgid = task_cgid(t);
	BPF_CORE_READ_STR_INTO(&h->comm, t, comm);
}

#endif /* SCRY_EMIT_BPF_H */
