// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (ns18): zombies. A process is a zombie from its last thread's exit (sched.bpf.c's
 * exit record) until the kernel frees it; sched_process_free of its leader says when. (The
 * namespace records come from the fork and exec programs: ns.bpf.h.)
 */
#include "scry.bpf.h"
#include "task.bpf.h"
#include "emit.bpf.h"

char LICENSE[] SEC("license") = "GPL";

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
