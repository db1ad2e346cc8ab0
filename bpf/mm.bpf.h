/* SPDX-License-Identifier: GPL-2.0 */
/* A process's memory as the kernel counts it (mm_struct), for the OOM record and procinfo. */
#ifndef SCRY_MM_BPF_H
#define SCRY_MM_BPF_H

#include "scry.bpf.h"

/* KiB per page, set by the loader (4 on x86; arm64 may run 16 or 64 KiB pages). */
const volatile __u32 page_kb __weak = 4;

/* The RSS counters' indexes, the same since Linux 4.5 (enum of mm_types_task.h, unnamed). */
#define MM_FILEPAGES_ 0
#define MM_ANONPAGES_ 1
#define MM_SWAPENTS_ 2
#define MM_SHMEMPAGES_ 3

/* Before 6.2 the RSS counters were atomics in struct mm_rss_stat, not percpu_counters. */
struct mm_rss_stat___pre62 {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___pre62 {
	struct mm_rss_stat___pre62 rss_stat;
} __attribute__((preserve_access_index));

/*
 * One RSS counter, pages, as the kernel's own get_mm_counter() reads it (a percpu_counter's
 * folded count: what the OOM report prints too). Negative transients read as 0.
 */
static __always_inline __u64 rss_pages(struct mm_struct *mm, int i)
{
	long v;

	/*
	 * Literal indexes: CO-RE relocates a constant index's whole offset, but a variable one's
	 * stride would be this build's sizeof(struct percpu_counter), which debug kernels change.
	 */
	if (bpf_core_type_exists(struct mm_rss_stat___pre62)) {
		struct mm_struct___pre62 *m = (void *)mm;

		v = i == 0 ? BPF_CORE_READ(m, rss_stat.count[0].counter) :
		    i == 1 ? BPF_CORE_READ(m, rss_stat.count[1].counter) :
		    i == 2 ? BPF_CORE_READ(m, rss_stat.count[2].counter) :
			     BPF_CORE_READ(m, rss_stat.count[3].counter);
	} else {
		v = i == 0 ? BPF_CORE_READ(mm, rss_stat[0].count) :
		    i == 1 ? BPF_CORE_READ(mm, rss_stat[1].count) :
		    i == 2 ? BPF_CORE_READ(mm, rss_stat[2].count) :
			     BPF_CORE_READ(mm, rss_stat[3].count);
	}
	return v > 0 ? v : 0;
}

/*
 * rss_pages() for the scheduler's hot path, where `mm` is a BTF pointer: plain loads instead of
 * a probe-read helper call per counter (the pre-6.2 layout keeps the helper: rare kernels).
 */
static __always_inline __u64 rss_pages_btf(struct mm_struct *mm, int i)
{
	long v;

	if (bpf_core_type_exists(struct mm_rss_stat___pre62))
		return rss_pages(mm, i);
	v = i == 0 ? mm->rss_stat[0].count :
	    i == 1 ? mm->rss_stat[1].count :
	    i == 2 ? mm->rss_stat[2].count :
		     mm->rss_stat[3].count;
	return v > 0 ? v : 0;
}

#endif /* SCRY_MM_BPF_H */
