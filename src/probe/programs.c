// SPDX-License-Identifier: GPL-2.0
/*
 * Every BPF program scry loads: where it attaches, what it emits, which context it runs in and
 * what the user loses on a kernel without it. A unit test (test_programs) opens the BPF object
 * and fails on a program missing here, so the table stays the whole truth.
 */
#include "scry/event.h"
#include "scry/util.h"
#include "internal.h"

#define E(t) PROG_EMITS(SCRY_REC_##t)

const struct prog_desc prog_table[] = {
	{ "scry_sys_enter", "sys_enter", "syscall enter events", E(SYS_ENTER), false, true,
	  PCTX_TASK, SCRY_STATS_TP },
	/* An exit whose parked enter is another call's stages that enter on its own first. */
	{ "scry_sys_exit", "sys_exit", "syscall exit events", E(SYS_EXIT) | E(SYS_ENTER), false,
	  true, PCTX_TASK, SCRY_STATS_TP },
	/* prev's CPU time; the parked enter of a thread leaving the CPU goes out here. */
	{ "scry_sched_switch", "sched_switch", "CPU time and switch events",
	  E(SWITCH) | E(SYS_ENTER), false, false, PCTX_TASK, SCRY_STATS_TP },
	/* Also stages the enter of a syscall that has run since before the tick. */
	{ "scry_cpu_tick", NULL, "CPU time of tasks that never switch out, until they do",
	  E(CPUTICK) | E(SYS_ENTER), false, false, PCTX_TICK, SCRY_STATS_TICK },
	/* Both also send a process's namespaces when they changed (issue 18, bpf/ns.bpf.h). */
	{ "scry_sched_fork", "sched_process_fork", "fork events (new processes are learnt late)",
	  E(FORK) | E(SYS_ENTER) | E(NS), false, false, PCTX_TASK, SCRY_STATS_TP },
	{ "scry_sched_exec", "sched_process_exec", "exec events (new executables are learnt late)",
	  E(EXEC) | E(SYS_ENTER) | E(NS), false, false, PCTX_TASK, SCRY_STATS_TP },
	/* In exit-only mode, exit/exit_group never return: their enter is reported here. */
	{ "scry_sched_exit", "sched_process_exit", "exit events", E(EXIT) | E(SYS_ENTER), false,
	  false, PCTX_TASK, SCRY_STATS_TP },
	{ "scry_task_rename", "task_rename", "comm changes (prctl PR_SET_NAME)",
	  E(RENAME) | E(SYS_ENTER), false, false, PCTX_TASK, SCRY_STATS_TP },
	/* Softirq as often as not: the record names the socket's cgroup, not the current task. */
	{ "scry_sock_state", "inet_sock_set_state", "TCP connection state changes",
	  E(SOCK_STATE), false, false, PCTX_SOFTIRQ, SCRY_STATS_NET },
	{ "scry_tcp_retrans", "tcp_retransmit_skb", "TCP retransmits", E(TCP_RETRANS), false,
	  false, PCTX_SOFTIRQ, SCRY_STATS_NET },
	{ "scry_tcp_send_reset", "tcp_send_reset", "TCP resets sent", E(TCP_RESET), false, false,
	  PCTX_SOFTIRQ, SCRY_STATS_NET },
	{ "scry_tcp_recv_reset", "tcp_receive_reset", "TCP resets received", E(TCP_RESET), false,
	  false, PCTX_SOFTIRQ, SCRY_STATS_NET },
	/* In the task that sends or receives: staged like a syscall exit (net.bpf.c). */
	{ "scry_sock_send", "sock_send_length", "bytes sent on sockets (network views)",
	  E(SOCK_IO), false, false, PCTX_TASK, SCRY_STATS_TP, true },
	{ "scry_sock_recv", "sock_recv_length", "bytes received on sockets (network views)",
	  E(SOCK_IO), false, false, PCTX_TASK, SCRY_STATS_TP, true },
	/* Before Linux 6.3, the same bytes from the socket syscalls' exits (net.bpf.c). */
	{ "scry_net_compat", "sys_exit", "bytes on sockets (network views)", E(SOCK_IO), false,
	  false, PCTX_TASK, SCRY_STATS_TP, true, true },
	/* The victim's record (header), from the task that ran out; a rare event, sent alone. */
	{ "scry_oom_victim", "mark_victim", "OOM kill events (oomkill)", E(OOM), false, false,
	  PCTX_TASK, SCRY_STATS_TP, .task_arg = true },
	{ "scry_hung_task", "sched_process_hang", "hung task reports (hungtask)", E(HANG), false,
	  false, PCTX_TASK, SCRY_STATS_TP, .task_arg = true },
	/* Push-down: a task's move voids the marks of calls it entered (pushdown.bpf.h). */
	{ "scry_cgroup_attach", "cgroup_attach_task",
	  "the filter push-down's shortcut for the exits of calls left out at their enter (each is "
	  "judged again: slower, as exact)",
	  0, false, true, PCTX_TASK, SCRY_STATS_CTL, .feeds = "scry_sys_exit" },
	{ "scry_cgroup_mkdir", "cgroup_mkdir",
	  "early paths of new cgroups (a container gone within ms may show as the host)", 0, true,
	  false, PCTX_TASK, SCRY_STATS_CTL },
	{ "scry_cgroup_rmdir", "cgroup_rmdir", "forgetting the early paths of removed cgroups", 0,
	  true, false, PCTX_TASK, SCRY_STATS_CTL },
	/*
	 * Block requests: start and issue keep the submitter and the times by the request (any
	 * context: issue may run from a kworker); the completion, in hard IRQ or softirq, emits.
	 */
	{ "scry_block_start", "block_io_start", "block I/O submitters and queue time",
	  0, false, false, PCTX_SOFTIRQ, SCRY_STATS_BLOCK, .block = true,
	  .feeds = "scry_block_complete" },
	{ "scry_block_issue", "block_rq_issue", "block I/O latency", 0, false, false,
	  PCTX_SOFTIRQ, SCRY_STATS_BLOCK, .block = true, .feeds = "scry_block_complete" },
	{ "scry_block_requeue", "block_rq_requeue", "block I/O latency of requeued requests", 0,
	  false, false, PCTX_SOFTIRQ, SCRY_STATS_BLOCK, .block = true,
	  .feeds = "scry_block_complete" },
	{ "scry_block_complete", "block_rq_complete", "block I/O events (block I/O views)",
	  E(BLOCK_IO), false, false, PCTX_SOFTIRQ, SCRY_STATS_BLOCK, .block = true },
	/* issue 18 (ns18): zombies and processes entering containers (bpf/ns.bpf.c) */
	/* An RCU callback: softirq, or an rcuo kthread; the header is the freed process. */
	{ "scry_proc_free", "sched_process_free", "reaped processes (zombies: they never end)",
	  E(ZOMBIE), false, false, PCTX_SOFTIRQ, SCRY_STATS_RCU },
	/*
	 * issue 18, signals (sig18): generate in the sender, or in a timer's hard IRQ (a slot of
	 * its own, emitted directly); deliver in the target, as its header's task.
	 */
	{ "scry_signal_generate", "signal_generate", "signal events (signalgenerate)", E(SIGNAL),
	  false, false, PCTX_SOFTIRQ, SCRY_STATS_SIGNAL },
	{ "scry_signal_deliver", "signal_deliver", "signal delivery events (signaldeliver)",
	  E(SIGDELIVER), false, false, PCTX_TASK, SCRY_STATS_TP },
};
const size_t prog_count = sizeof(prog_table) / sizeof(prog_table[0]);

const struct prog_desc *prog_lookup(const char *name)
{
	return TABLE_FIND(prog_table, prog_count, prog, name);
}
