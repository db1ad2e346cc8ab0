// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics scry serve exports, as a table (docs/prometheus.md lists the same rows): each
 * family's name, type, help and source, and which --metrics group turns it on. A scrape renders
 * a snapshot by this table; the labels were escaped when the snapshot was made.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scry/util.h"
#include "internal.h"

struct metric_desc {
	const char *name;
	const char *type;
	const char *help;
	uint32_t group;		/* enum serve_group */
	uint8_t ctr;		/* enum serve_ctr */
	bool seconds;		/* kept in ns, exported in seconds */
	bool cgroup;		/* only rows whose cgroup was read (not the host) */
	const char *extra;	/* another label, as text: direction="in" */
};

static const struct metric_desc metrics[] = {
	{ "scry_container_cpu_seconds_total", "counter",
	  "On-CPU time of the container's tasks, from the scheduler (sched_switch and the tick).",
	  SG_CPU, SC_CPU_NS, true },
	{ "scry_container_cpu_wait_seconds_total", "counter",
	  "Run-queue wait: time the container's tasks were runnable but not running.",
	  SG_WAIT, SC_WAIT_NS, true },
	{ "scry_container_cpu_cfs_throttled_periods_total", "counter",
	  "CFS periods in which the container's cgroup was throttled (cpu.stat nr_throttled).",
	  SG_CGROUP, SC_THR_PERIODS, false, true },
	{ "scry_container_cpu_cfs_throttled_seconds_total", "counter",
	  "Time the container's cgroup was throttled (cpu.stat throttled_usec/throttled_time).",
	  SG_CGROUP, SC_THR_NS, true, true },
	{ "scry_container_memory_working_set_bytes", "gauge",
	  "Memory usage minus inactive file pages, from the cgroup (as cAdvisor's working set).",
	  SG_CGROUP, SC_MEM_WSET, false, true },
	{ "scry_container_oom_kills_total", "counter",
	  "Processes of the container killed by the OOM killer (oom:mark_victim).",
	  SG_CGROUP, SC_OOM_KILLS },
	{ "scry_container_syscalls_total", "counter",
	  "System calls made by the container's tasks, counted at their exit.",
	  SG_SYSCALLS, SC_SYSCALLS },
	{ "scry_container_syscall_errors_total", "counter",
	  "System calls of the container that returned an error.",
	  SG_SYSCALLS, SC_ERRORS },
	{ "scry_container_file_read_bytes_total", "counter",
	  "Bytes read from regular files by the container's read-family calls.",
	  SG_FILES, SC_FILE_READ },
	{ "scry_container_file_written_bytes_total", "counter",
	  "Bytes written to regular files by the container's write-family calls.",
	  SG_FILES, SC_FILE_WRITE },
	{ "scry_container_network_receive_bytes_total", "counter",
	  "Bytes received on the container's sockets (sock:sock_recv_length).",
	  SG_NET, SC_NET_IN },
	{ "scry_container_network_transmit_bytes_total", "counter",
	  "Bytes sent on the container's sockets (sock:sock_send_length).",
	  SG_NET, SC_NET_OUT },
	{ "scry_container_tcp_connections_total", "counter",
	  "TCP connections established by the container: accepted (in) or connected (out).",
	  SG_NET, SC_CONN_IN, false, false, "direction=\"in\"" },
	{ "scry_container_tcp_connections_total", "counter", NULL,
	  SG_NET, SC_CONN_OUT, false, false, "direction=\"out\"" },
	{ "scry_container_tcp_retransmits_total", "counter",
	  "TCP segments the container's sockets retransmitted (tcp:tcp_retransmit_skb).",
	  SG_NET, SC_RETRANS },
	{ "scry_container_block_read_bytes_total", "counter",
	  "Bytes read by completed block I/O requests the container submitted.",
	  SG_BLOCK, SC_BLK_READ },
	{ "scry_container_block_written_bytes_total", "counter",
	  "Bytes written by completed block I/O requests the container submitted.",
	  SG_BLOCK, SC_BLK_WRITE },
};

static void sample_start(struct expo *e, const char *name, const char *labels)
{
	expo__puts(e, name);
	expo__puts(e, "{");
	expo__puts(e, labels);
}

static void sample_value(struct expo *e, uint64_t v, bool seconds)
{
	expo__puts(e, "} ");
	if (seconds)
		expo__double(e, v / 1e9);
	else
		expo__u64(e, v);
	expo__puts(e, "\n");
}

static void containers(const struct serve_snapshot *sn, struct expo *e)
{
	const struct metric_desc *m;
	size_t i;

	for (m = metrics; m < metrics + ARRAY_SIZE(metrics); m++) {
		if (!(sn->groups & m->group))
			continue;
		if (m->help)
			expo__family(e, m->name, m->type, m->help);
		for (i = 0; i < sn->nrows; i++) {
			const struct snap_row *r = &sn->rows[i];

			if (m->cgroup && !(r->have & (1u << m->ctr)))
				continue;
			sample_start(e, m->name, sn->text + r->labels);
			if (m->extra) {
				expo__puts(e, ",");
				expo__puts(e, m->extra);
			}
			sample_value(e, r->v[m->ctr], m->seconds);
		}
	}
}

/* The opt-in breakdowns: (family, kind, which of a/b, seconds). */
static const struct brk_desc {
	const char *name, *help;
	uint32_t group;
	uint8_t kind;
	bool b, seconds;
} brk_metrics[] = {
	{ "scry_container_syscalls_by_name_total",
	  "System calls of the container per syscall (--metrics by-syscall).", SG_BY_SYSCALL,
	  BRK_SYSCALL, false, false },
	{ "scry_container_syscall_errors_by_name_total",
	  "Failed system calls of the container per syscall (--metrics by-syscall).",
	  SG_BY_SYSCALL, BRK_SYSCALL, true, false },
	{ "scry_process_cpu_seconds_total",
	  "On-CPU time per process of the container (--metrics by-process).", SG_BY_PROCESS,
	  BRK_PROC, false, true },
	{ "scry_process_syscalls_total",
	  "System calls per process of the container (--metrics by-process).", SG_BY_PROCESS,
	  BRK_PROC, true, false },
};

static void breakdowns(const struct serve_snapshot *sn, struct expo *e)
{
	const struct brk_desc *d;
	size_t i;

	for (d = brk_metrics; d < brk_metrics + ARRAY_SIZE(brk_metrics); d++) {
		if (!(sn->groups & d->group))
			continue;
		expo__family(e, d->name, "counter", d->help);
		for (i = 0; i < sn->nbrk; i++) {
			const struct snap_brk *b = &sn->brk[i];

			if (b->kind != d->kind)
				continue;
			sample_start(e, d->name, sn->text + b->labels);
			sample_value(e, d->b ? b->b : b->a, d->seconds);
		}
	}
}

static void health_one(struct expo *e, const struct serve_snapshot *sn, const char *name,
		       const char *type, const char *help, uint64_t v)
{
	expo__family(e, name, type, help);
	sample_start(e, name, sn->text + sn->node);
	sample_value(e, v, false);
}

static void health(const struct serve_snapshot *sn, struct expo *e)
{
	const struct serve_health *h = &sn->h;
	char cpu[48];
	unsigned int i;

	health_one(e, sn, "scry_events_total", "counter",
		   "Records scry's BPF programs emitted or tried to emit.", h->events);
	expo__family(e, "scry_events_dropped_total", "counter",
		     "Records lost because the ring buffer was full, per CPU.");
	for (i = 0; i < h->ncpus; i++) {
		snprintf(cpu, sizeof(cpu), ",cpu=\"%u\"", i);
		sample_start(e, "scry_events_dropped_total", sn->text + sn->node);
		expo__puts(e, cpu);
		sample_value(e, h->cpu_dropped[i], false);
	}
	health_one(e, sn, "scry_cgroup_notices_dropped_total", "counter",
		   "Notices of cgroups made or removed lost to a full ring buffer.", h->ctl_dropped);
	health_one(e, sn, "scry_ring_buffer_used_bytes", "gauge",
		   "Bytes waiting in the ring buffer when the snapshot was taken.", h->ring_used);
	health_one(e, sn, "scry_ring_buffer_size_bytes", "gauge",
		   "Size of the ring buffer (--ring-mb).", h->ring_size);
	health_one(e, sn, "scry_resolver_failures_total", "counter",
		   "Requests to a container runtime for names that failed.", h->resolver_failures);
	health_one(e, sn, "scry_containers_tracked", "gauge",
		   "Containers (and the host) whose series are exported now.", sn->nrows);
	health_one(e, sn, "scry_containers_expired_total", "counter",
		   "Containers whose series were removed after --expire seconds unseen.", h->expired);
	health_one(e, sn, "scry_breakdown_series_dropped_total", "counter",
		   "Counts the opt-in breakdowns could not keep: their series cap was reached.",
		   sn->brk_dropped);
}

void serve_snapshot__render(const struct serve_snapshot *sn, struct expo *e)
{
	containers(sn, e);
	breakdowns(sn, e);
	health(sn, e);
}
