// SPDX-License-Identifier: GPL-2.0
/*
 * Memory and hang events: the OOM killer's victims (oom:mark_victim) and tasks khungtaskd
 * reports blocked (sched:sched_process_hang). Both are rare: each record goes out on its own.
 */
#include "scry.bpf.h"
#include "task.bpf.h"
#include "emit.bpf.h"
#include "mm.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Before 5.14 task_struct.__state was `state`. */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

/*
 * TP_PROTO(struct task_struct *task, uid_t uid) (Linux 6.8 on, and stable kernels that took
 * the change; older ones pass the pid only, and the loader leaves this program out there).
 * The header is the victim; the current task is the one whose allocation failed.
 */
SEC("tp_btf/mark_victim")
int BPF_PROG(scry_oom_victim, struct task_struct *task, uid_t uid)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct scry_rec_oom r;
	struct mm_struct *mm;
	__u64 pages = 0;

	__builtin_memset(&r, 0, sizeof(r));
	hdr_fill(&r.h, SCRY_REC_OOM, sizeof(r), task, bpf_ktime_get_boot_ns());
	r.trigger_pid = cur->tgid;
	r.trigger_tid = cur->pid;
	mm = BPF_CORE_READ(task, mm);
	if (mm) {
		r.total_vm_kb = BPF_CORE_READ(mm, total_vm) * page_kb;
		pages = rss_pages(mm, MM_ANONPAGES_) + rss_pages(mm, MM_FILEPAGES_) +
			rss_pages(mm, MM_SHMEMPAGES_);
	}
	r.rss_kb = pages * page_kb;
	r.oom_score_adj = BPF_CORE_READ(task, signal, oom_score_adj);
	r.uid = uid;
	emit_direct(stage_get(), &r, sizeof(r), SCRY_STATS_TP);
	return 0;
}

/* TP_PROTO(struct task_struct *tsk), from khungtaskd: the header is the hung task. */
SEC("tp_btf/sched_process_hang")
int BPF_PROG(scry_hung_task, struct task_struct *tsk)
{
	struct scry_rec_hang r;

	__builtin_memset(&r, 0, sizeof(r));
	hdr_fill(&r.h, SCRY_REC_HANG, sizeof(r), tsk, bpf_ktime_get_boot_ns());
	if (bpf_core_field_exists(tsk->__state))
		r.state = BPF_CORE_READ(tsk, __state);
	else
		r.state = BPF_CORE_READ((struct task_struct___pre514 *)tsk, state);
	emit_direct(stage_get(), &r, sizeof(r), SCRY_STATS_TP);
	return 0;
}
