// SPDX-License-Identifier: GPL-2.0
/*
 * The view table and the figure table. Adding a view is a row here: its key (keys.c), the figures
 * it shows (the first is the main one unless `sort` says otherwise) and what it needs from the
 * kernel. Adding a figure is a row of figure_table: how its value comes from a row's counters and
 * how the text tables, JSON and scry top show it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/container.h"
#include "scry/ctrlife.h"
#include "scry/filter.h"
#include "scry/util.h"
#include "scry/view.h"

/* "since": the runtime's start time, else when scry first saw the container. */
static void since(const struct view_row *r, char *buf, size_t len)
{
	const struct scry_container *c = r->container;
	char t[TIME_STR_MAX];

	fmt_wall(t, !c ? 0 : c->meta.started_ns ? c->meta.started_ns : clock__wall(c->first_ts),
		 TIME_DATE);
	snprintf(buf, len, "%s", t);
}

/* issue 18: a container's life as its container events told it (scry/ctrlife.h). */
static void ctr_state(const struct view_row *r, char *buf, size_t len)
{
	const struct scry_container *c = r->container;
	const char *st = "-";

	if (c && c->life.stopped_ts)
		st = "exited";
	else if (c && (r->procs || c->life.started_ts))
		st = "running";
	else if (c && c->life.created_ts)
		st = "created";
	snprintf(buf, len, "%s", st);
}

static void ctr_exit(const struct view_row *r, char *buf, size_t len)
{
	const struct scry_container *c = r->container;

	if (c && c->life.stopped_ts && c->life.exit_known)
		snprintf(buf, len, "%d", ctr_exit_code(c->life.exit_code));
	else
		snprintf(buf, len, "-");
}

static void ctr_lifetime(const struct view_row *r, char *buf, size_t len)
{
	const struct ctr_life *f = r->container ? &r->container->life : NULL;

	if (f && f->stopped_ts && f->started_ts && f->started_ts <= f->stopped_ts)
		snprintf(buf, len, "%.3f", (f->stopped_ts - f->started_ts) / 1e9);
	else
		snprintf(buf, len, "-");
}

/* The counters a figure adds up: offsets into struct view_row, + 1 so that 0 means none. */
#define C(field) (offsetof(struct view_row, field) + 1)
/* scry top writes numbers in 5 columns at most ("9999", "12.3K", "1235M"), so that the containers
 * and processes screens fit their figures, network included, in 80 columns. */
#define TOP_NUM 5
#define COUNT(w, ...) .kind = FK_COUNT, .width = w, .top_width = TOP_NUM, \
		      .top_prec = FIG_TOP_HUMAN, .sum = { __VA_ARGS__ }
#define RATE(per_, ...) .kind = FK_REAL, .width = 12, .prec = 1, .top_width = TOP_NUM, \
			.top_prec = FIG_TOP_HUMAN, .per = per_, .sum = { __VA_ARGS__ }
/* A percentage: `w` columns and `p` decimals in tables; 7 columns, `tp` decimals in scry top. */
#define PCT(w, p, tp, per_, ...) .kind = FK_REAL, .width = w, .prec = p, .top_width = 7, \
				 .top_prec = tp, .per = per_, .sum = { __VA_ARGS__ }

const struct figure_desc figure_table[FIG__MAX] = {
	[FIG_CPU] = { "cpu.pct", "CPU%", "on-CPU time as % of one CPU over the interval (2 busy CPUs: 200)",
		      .kind = FK_REAL, .width = 7, .prec = 2, .top_width = 7, .top_prec = 1,
		      .per = PER_PCT_TIME, .sum = { C(cpu_ns) } },
	[FIG_CPU_NS] = { "cpu.ns", "CPU_NS", "on-CPU time in ns, from the scheduler (exact, not sampled)",
			 COUNT(14, C(cpu_ns)) },
	[FIG_SYSCALLS] = { "syscalls", "SYSCALLS", "syscalls made, counted once at their return (exit and exit_group at their enter)",
			   COUNT(12, C(syscalls)) },
	[FIG_SYSCALLS_PS] = { "syscalls.ps", "SYSC/S", "syscalls per second",
			      RATE(PER_SECOND, C(syscalls)) },
	[FIG_ERRORS] = { "errors", "ERRORS", "syscalls that returned an error", COUNT(12, C(errors)) },
	[FIG_ERRORS_PS] = { "errors.ps", "ERR/S", "errors per second", RATE(PER_SECOND, C(errors)) },
	[FIG_TOP_ERRNOS] = { "errnos", "TOP ERRNOS", "the most frequent errors, NAME:count",
			     .kind = FK_TEXT, .width = 28, .top_width = 22, .text = row_top_errnos },
	[FIG_LAT_TOTAL] = { "latency.total_ns", "LAT_TOTAL", "total time spent in the syscall, ns",
			    COUNT(12, C(lat_ns)) },
	[FIG_LAT_MEAN] = { "latency.mean_ns", "LAT_MEAN", "mean time per call, ns",
			   RATE(PER_CALL, C(lat_ns)) },
	[FIG_READ] = { "file.read_bytes", "READ", "bytes read from regular files", COUNT(12, C(read)) },
	[FIG_WRITE] = { "file.write_bytes", "WRITE", "bytes written to regular files",
			COUNT(12, C(written)) },
	[FIG_FILE_TOTAL] = { "file.bytes", "FILE_BYTES", "bytes read and written on regular files",
			     COUNT(12, C(read), C(written)) },
	[FIG_FILE_PS] = { "file.bytes_ps", "FILE_B/S", "file bytes per second",
			  RATE(PER_SECOND, C(read), C(written)), .top_header = "FILE/S" },
	[FIG_PROCS] = { "procs", "PROCS", "processes seen in the interval", COUNT(12, C(procs)) },
	[FIG_LIVE_PROCS] = { "procs", "PROCS", "live processes", COUNT(5, C(procs)) },
	[FIG_SINCE] = { "since", "SINCE", "start time (from the runtime, else when scry first saw it)",
			.kind = FK_TEXT, .gap = 1, .top_width = 19, .text = since },
	[FIG_NET_IN] = { "net.bytes_in", "NET_IN", "bytes received on sockets (every family)",
			 COUNT(12, C(net_in)) },
	[FIG_NET_OUT] = { "net.bytes_out", "NET_OUT", "bytes sent on sockets (every family)",
			  COUNT(12, C(net_out)) },
	[FIG_NET_TOTAL] = { "net.bytes", "NET_BYTES", "bytes sent and received on sockets",
			    COUNT(12, C(net_in), C(net_out)) },
	[FIG_NET_PS] = { "net.bytes_ps", "NET_B/S", "socket bytes per second, in and out",
			 RATE(PER_SECOND, C(net_in), C(net_out)) },
	[FIG_NET_CALLS] = { "net.calls", "NET_CALLS", "sends and receives on sockets that did not fail",
			    COUNT(12, C(net_calls)) },
	[FIG_RETRANS] = { "tcp.retransmits", "RETRANS", "TCP segments retransmitted (by the socket's cgroup)",
			  COUNT(9, C(retrans)) },
	[FIG_RESETS] = { "tcp.resets", "RESETS", "TCP resets sent and received (by the socket's cgroup)",
			 COUNT(9, C(resets)) },
	[FIG_CONNS] = { "tcp.connections", "CONNS", "TCP connections established, by either side (by the socket's cgroup)",
			COUNT(9, C(conns)) },
	[FIG_NET_IN_PS] = { "net.bytes_in_ps", "NET_IN/S", "bytes received on sockets per second",
			    RATE(PER_SECOND, C(net_in)), .top_header = "RX/S" },
	[FIG_NET_OUT_PS] = { "net.bytes_out_ps", "NET_OUT/S", "bytes sent on sockets per second",
			     RATE(PER_SECOND, C(net_out)), .top_header = "TX/S" },
	[FIG_IO_TOTAL] = { "io.bytes", "BYTES", "bytes read and written by read/write-family calls (their results)",
			   COUNT(12, C(io_in), C(io_out)) },
	[FIG_IO_IN] = { "io.bytes_in", "IN", "bytes read", COUNT(12, C(io_in)) },
	[FIG_IO_OUT] = { "io.bytes_out", "OUT", "bytes written", COUNT(12, C(io_out)) },
	[FIG_IO_PS] = { "io.bytes_ps", "BYTES/S", "bytes read and written per second",
			RATE(PER_SECOND, C(io_in), C(io_out)), .top_header = "B/S" },
	[FIG_IO_IN_PS] = { "io.bytes_in_ps", "IN/S", "bytes read per second",
			   RATE(PER_SECOND, C(io_in)) },
	[FIG_IO_OUT_PS] = { "io.bytes_out_ps", "OUT/S", "bytes written per second",
			    RATE(PER_SECOND, C(io_out)) },
	[FIG_IO_TIME] = { "io.time_ns", "TIME_NS", "ns spent in read/write-family calls, from their latency (enter to exit)",
			  COUNT(14, C(io_ns)) },
	[FIG_IO_CALLS] = { "io.calls", "CALLS", "read/write-family calls, failed ones included",
			   COUNT(12, C(io_calls)) },
	/* The container's cgroup, read at the end of each interval; "-" where it says nothing. */
	[FIG_THROTTLED] = { "cpu.throttled_periods", "THROTTLED",
			    "CFS periods the container's quota throttled it in, this interval (cgroup cpu.stat nr_throttled)",
			    COUNT(9, C(thr_nr)), .top_header = "THROT",
			    .cg = CG_DELTA | CGS_HAVE(CGS_CPU_THROTTLED) },
	[FIG_THROTTLED_PCT] = { "cpu.throttled_pct", "THR%",
				"% of the interval's CFS periods in which it was throttled",
				.kind = FK_REAL, .width = 6, .prec = 1, .top_width = TOP_NUM,
				.top_prec = 0, .per = PER_PCT_OF, .sum = { C(thr_nr) },
				.of = C(thr_periods), .cg = CG_DELTA | CGS_HAVE(CGS_CPU_PERIODS) },
	[FIG_THROTTLED_NS] = { "cpu.throttled_ns", "THR_NS",
			       "time the quota held it off the CPUs in the interval, ns (cpu.stat throttled_usec / throttled_time)",
			       COUNT(14, C(thr_ns)),
			       .cg = CG_DELTA | CGS_HAVE(CGS_CPU_THROTTLED_NS) },
	[FIG_THROTTLED_TOTAL] = { "cpu.throttled_periods_total", "THR_TOTAL",
				  "periods throttled since its cgroup was made (the cgroup's own count)",
				  COUNT(10, C(cg[CGS_CPU_THROTTLED])),
				  .cg = CGS_HAVE(CGS_CPU_THROTTLED) },
	[FIG_THROTTLED_NS_TOTAL] = { "cpu.throttled_ns_total", "THR_NS_TOTAL",
				     "time throttled since its cgroup was made, ns",
				     COUNT(14, C(cg[CGS_CPU_THROTTLED_NS])),
				     .cg = CGS_HAVE(CGS_CPU_THROTTLED_NS) },
	[FIG_CPU_LIMIT] = { "cpu.limit", "LIMIT", "CPU quota in CPUs: quota / period (docker --cpus)",
			    .kind = FK_REAL, .width = 6, .prec = 2, .top_width = TOP_NUM,
			    .top_prec = 2, .per = PER_RATIO_OF, .sum = { C(cg[CGS_CPU_QUOTA_US]) },
			    .of = C(cg[CGS_CPU_PERIOD_US]),
			    .cg = CGS_HAVE(CGS_CPU_QUOTA_US) | CGS_HAVE(CGS_CPU_PERIOD_US) },
	[FIG_CPU_PCT_LIMIT] = { "cpu.pct_limit", "CPU%LIM",
				"on-CPU time as % of what its quota allows over the interval (100: at its limit)",
				PCT(8, 1, 0, PER_PCT_LIMIT, C(cpu_ns)),
				.cg = CGS_HAVE(CGS_CPU_QUOTA_US) | CGS_HAVE(CGS_CPU_PERIOD_US) },
	[FIG_PSI_CPU] = { "psi.cpu_some_avg10", "PSI_CPU",
			  "% of the last 10 s in which some of its tasks waited for a CPU (cpu.pressure)",
			  PCT(8, 2, 1, PER_CENTI, C(cg[CGS_PSI_CPU])),
			  .cg = CGS_HAVE(CGS_PSI_CPU) },
	[FIG_PSI_MEM] = { "psi.memory_some_avg10", "PSI_MEM",
			  "% of the last 10 s in which some of its tasks stalled on memory (memory.pressure)",
			  PCT(8, 2, 1, PER_CENTI, C(cg[CGS_PSI_MEM])),
			  .cg = CGS_HAVE(CGS_PSI_MEM) },
	[FIG_PSI_IO] = { "psi.io_some_avg10", "PSI_IO",
			 "% of the last 10 s in which some of its tasks waited for I/O (io.pressure)",
			 PCT(8, 2, 1, PER_CENTI, C(cg[CGS_PSI_IO])),
			 .cg = CGS_HAVE(CGS_PSI_IO) },
	[FIG_MEM] = { "mem.usage_bytes", "MEM", "memory charged to its cgroup, bytes (page cache included)",
		      COUNT(12, C(cg[CGS_MEM_USAGE])), .cg = CGS_HAVE(CGS_MEM_USAGE) },
	[FIG_WSET] = { "mem.working_set_bytes", "WSET",
		       "working set: usage minus inactive file pages, bytes (as the kubelet and docker stats)",
		       COUNT(12, C(mem_wset)),
		       .cg = CGS_HAVE(CGS_MEM_USAGE) | CGS_HAVE(CGS_MEM_INACTIVE_FILE) },
	[FIG_MEM_LIMIT] = { "mem.limit_bytes", "MEM_LIMIT", "its cgroup's memory limit, bytes",
			    COUNT(12, C(cg[CGS_MEM_LIMIT])), .top_header = "MLIM",
			    .cg = CGS_HAVE(CGS_MEM_LIMIT) },
	[FIG_MEM_PCT_LIMIT] = { "mem.pct_limit", "MEM%LIM", "working set as % of the memory limit",
				PCT(8, 1, 0, PER_PCT_OF, C(mem_wset)), .of = C(cg[CGS_MEM_LIMIT]),
				.cg = CGS_HAVE(CGS_MEM_USAGE) | CGS_HAVE(CGS_MEM_INACTIVE_FILE) |
				      CGS_HAVE(CGS_MEM_LIMIT) },
	[FIG_OOM_KILLS] = { "mem.oom_kills", "OOM", "processes the OOM killer chose in it (oomkill events)",
			    COUNT(5, C(oom_kills)) },
	[FIG_BLK_BYTES] = { "blk.bytes", "BLK_BYTES", "bytes read and written by block requests completed (the request's cgroup, its submitter)",
			    COUNT(12, C(blk_rd), C(blk_wr)) },
	[FIG_BLK_READ] = { "blk.read_bytes", "BLK_READ", "bytes read from block devices",
			   COUNT(12, C(blk_rd)) },
	[FIG_BLK_WRITE] = { "blk.write_bytes", "BLK_WRITE", "bytes written to block devices",
			    COUNT(12, C(blk_wr)) },
	[FIG_BLK_PS] = { "blk.bytes_ps", "BLK_B/S", "block bytes per second, read and written",
			 RATE(PER_SECOND, C(blk_rd), C(blk_wr)), .top_header = "IO/S" },
	[FIG_BLK_READS] = { "blk.reads", "READS", "read requests completed", COUNT(9, C(blk_rd_n)) },
	[FIG_BLK_WRITES] = { "blk.writes", "WRITES", "write requests completed",
			     COUNT(9, C(blk_wr_n)) },
	[FIG_BLK_LAT_TOTAL] = { "blk.latency.total_ns", "BLK_LAT_NS", "issue-to-completion time of the read and write requests, ns",
				COUNT(14, C(blk_lat_ns)) },
	[FIG_BLK_LAT_MEAN] = { "blk.latency.mean_ns", "LAT_MEAN", "mean issue-to-completion time per request, ns",
			       RATE(PER_BLK_REQ, C(blk_lat_ns)) },
	[FIG_BLK_LAT_P50] = { "blk.latency.p50_ns", "LAT_P50", "median request latency, ns: the upper bound of its log2 bucket (at most the largest seen)",
			      COUNT(12), .per = PER_BLK_P50 },
	[FIG_BLK_LAT_P99] = { "blk.latency.p99_ns", "LAT_P99", "99th percentile of request latency, ns, as LAT_P50",
			      COUNT(12), .per = PER_BLK_P99 },
	[FIG_WAIT_NS] = { "wait.ns", "WAIT_NS", "run-queue wait in ns: runnable but not running (the growth of the scheduler's run_delay, exact)",
			  COUNT(14, C(sched.wait_ns)) },
	[FIG_WAIT] = { "wait.pct", "WAIT%", "run-queue wait as % of one CPU over the interval (2 tasks always waiting: 200)",
		       .kind = FK_REAL, .width = 7, .prec = 2, .top_width = 6, .top_prec = 1,
		       .per = PER_PCT_TIME, .sum = { C(sched.wait_ns) } },
	[FIG_WAIT_P50] = { "wait.p50_ns", "WAIT_P50", "median wait, ns, as the upper bound of its log2 bucket (the waits ended by a switch-in)",
			   COUNT(10), .per = PER_WAIT_P50 },
	[FIG_WAIT_P99] = { "wait.p99_ns", "WAIT_P99", "99th percentile of the waits, ns, as the upper bound of its log2 bucket",
			   COUNT(10), .per = PER_WAIT_P99 },
	[FIG_OFF_SLEEP] = { "offcpu.sleep_ns", "SLEEP_NS", "off-CPU time after leaving to sleep (interruptible: waiting for an event, a timer, a pipe), ns, switch-out to switch-in",
			    COUNT(14, C(sched.off_ns[SCRY_OFF_SLEEP])) },
	[FIG_OFF_BLOCKED] = { "offcpu.blocked_ns", "BLOCKED_NS", "off-CPU time after leaving blocked (uninterruptible: disk I/O, page faults, some locks), ns",
			      COUNT(14, C(sched.off_ns[SCRY_OFF_BLOCKED])) },
	[FIG_OFF_PREEMPT] = { "offcpu.preempt_ns", "PREEMPT_NS", "off-CPU time after being preempted (runnable all along: its wait and more), ns",
			      COUNT(14, C(sched.off_ns[SCRY_OFF_PREEMPT])) },
	[FIG_MIN_FLT] = { "faults.minor", "MINFLT", "minor page faults (no I/O)", COUNT(12, C(sched.min_flt)) },
	[FIG_MAJ_FLT] = { "faults.major", "MAJFLT", "major page faults (read from disk)",
			  COUNT(12, C(sched.maj_flt)) },
	[FIG_MIN_FLT_PS] = { "faults.minor_ps", "MINFLT/S", "minor page faults per second",
			     RATE(PER_SECOND, C(sched.min_flt)) },
	[FIG_MAJ_FLT_PS] = { "faults.major_ps", "MAJFLT/S", "major page faults per second",
			     RATE(PER_SECOND, C(sched.maj_flt)) },
	[FIG_VALUE] = { "value", "VALUE", "the sum of the value field over the key's events "
			"(table_generator)", COUNT(14, C(value)) },
	[FIG_FDS] = { "fds", "FDS", "distinct fds seen (fd number and name, sysdig's fdcount_by), "
		      "at most 65536 per row", COUNT(10, C(fds)) },
	/* issue 18 */
	[FIG_CTR_STATE] = { "state", "STATE", "running, exited (its last process exited while scry watched) or created (its cgroup made, nothing run yet)",
			    .kind = FK_TEXT, .width = 8, .top_width = 8, .text = ctr_state },
	[FIG_CTR_EXIT] = { "exit_code", "EXIT", "an exited container's init's exit code, as Docker's State.ExitCode (its status, or 128 + the signal that killed it)",
			   .kind = FK_TEXT, .width = 4, .top_width = 4, .text = ctr_exit, .text_num = true },
	[FIG_CTR_LIFETIME] = { "lifetime", "LIFETIME", "an exited container's life in seconds, from its first exec to its last exit",
			       .kind = FK_TEXT, .width = 10, .top_width = 10, .text = ctr_lifetime,
			       .text_num = true },
};

#define FIGS(...) ((const uint8_t[]){ __VA_ARGS__, FIG__MAX })

/* The key column of a view by file: fd.name, the value each row stands for. */
static const struct key_col file_cols[] = {
	{ "fd.name", "FILE", 0, 0, COL_ROW_VALUE }, { NULL },
};
/*
 * Files as sysdig's topfiles_* see them: regular files (fd.type=file). A failed call has no fd
 * of its own: one that names a path (an open of a missing file) counts, a failed call on a socket
 * or a pipe does not.
 */
#define FILES "fd.type=file"
#define FILE_ERRORS "fd.type in (file, directory) or not fd.type exists"

const struct view_desc view_table[] = {
	{ "topcontainers_cpu", "CPU usage per container (the host as one row)", KEY_CONTAINER,
	  FIGS(FIG_CPU, FIG_CPU_NS, FIG_PROCS), FIG_CPU_NS, NEED_SCHED },
	{ "topprocs_cpu", "CPU usage per process, with its container", KEY_PROC,
	  FIGS(FIG_CPU, FIG_CPU_NS), FIG_CPU_NS, NEED_SCHED },
	{ "topcontainers_syscalls", "syscalls per container", KEY_CONTAINER,
	  FIGS(FIG_SYSCALLS, FIG_SYSCALLS_PS, FIG_ERRORS, FIG_PROCS), FIG_SYSCALLS, NEED_SYSCALLS },
	{ "topprocs_syscalls", "syscalls per process", KEY_PROC,
	  FIGS(FIG_SYSCALLS, FIG_SYSCALLS_PS, FIG_ERRORS), FIG_SYSCALLS, NEED_SYSCALLS },
	{ "topscalls", "calls, errors and latency per syscall", KEY_SYSCALL,
	  FIGS(FIG_SYSCALLS, FIG_ERRORS, FIG_LAT_TOTAL, FIG_LAT_MEAN), FIG_SYSCALLS,
	  NEED_SYSCALLS | NEED_LATENCY },
	{ "topcontainers_errors", "syscalls that failed, per container, with the top errors",
	  KEY_CONTAINER, FIGS(FIG_ERRORS, FIG_ERRORS_PS, FIG_TOP_ERRNOS), FIG_ERRORS,
	  NEED_SYSCALLS },
	{ "topprocs_errors", "syscalls that failed, per process, with the top errors", KEY_PROC,
	  FIGS(FIG_ERRORS, FIG_ERRORS_PS, FIG_TOP_ERRNOS), FIG_ERRORS, NEED_SYSCALLS },
	{ "topcontainers_file", "bytes read and written on regular files, per container",
	  KEY_CONTAINER, FIGS(FIG_FILE_TOTAL, FIG_READ, FIG_WRITE, FIG_FILE_PS), FIG_FILE_TOTAL,
	  NEED_SYSCALLS },
	{ "topprocs_file", "bytes read and written on regular files, per process", KEY_PROC,
	  FIGS(FIG_FILE_TOTAL, FIG_READ, FIG_WRITE, FIG_FILE_PS), FIG_FILE_TOTAL, NEED_SYSCALLS },
	{ "topcontainers_net", "bytes sent and received on sockets, per container", KEY_CONTAINER,
	  FIGS(FIG_NET_TOTAL, FIG_NET_IN, FIG_NET_OUT, FIG_NET_PS, FIG_NET_CALLS, FIG_CONNS,
	       FIG_RETRANS, FIG_RESETS), FIG_NET_TOTAL, NEED_NET, VF_NET_SUMS },
	{ "topprocs_net", "bytes sent and received on sockets, per process", KEY_PROC,
	  FIGS(FIG_NET_TOTAL, FIG_NET_IN, FIG_NET_OUT, FIG_NET_PS, FIG_NET_CALLS), FIG_NET_TOTAL,
	  NEED_NET, VF_NET_SUMS },
	{ "topconns", "bytes sent and received per socket, with its connection, process and container",
	  KEY_CONN, FIGS(FIG_NET_TOTAL, FIG_NET_IN, FIG_NET_OUT, FIG_NET_CALLS, FIG_RETRANS),
	  FIG_NET_TOTAL, NEED_NET },
	{ "ps", "processes with container, pid, ppid, user, CPU time and command line", KEY_PS,
	  FIGS(FIG_CPU_NS), FIG_CPU_NS, NEED_SCHED, VF_ALL_ROWS },
	/* The interactive top's first screen: everything about each container at once. */
	/*
	 * Why a container is slow, on one line: its CPU, its wait for one, its quota's throttling,
	 * its memory, its disk and its network. The histograms feed top's h screen.
	 */
	{ "containers",
	  "CPU, run-queue wait, throttling, memory, block I/O and network bytes per container",
	  KEY_CONTAINER, FIGS(FIG_CPU, FIG_WAIT, FIG_THROTTLED_PCT, FIG_MEM, FIG_BLK_PS,
			      FIG_NET_IN_PS, FIG_NET_OUT_PS, FIG_PROCS),
	  FIG_CPU_NS, NEED_SCHED | NEED_ACCT | NEED_CGROUP | NEED_BLOCK | NEED_NET,
	  VF_ALL_ROWS | VF_NET_SUMS | VF_WAIT_HIST },
	{ "procs", "CPU, syscalls, errors, file and network bytes per process", KEY_PROC,
	  FIGS(FIG_CPU, FIG_SYSCALLS_PS, FIG_ERRORS_PS, FIG_FILE_PS, FIG_NET_IN_PS, FIG_NET_OUT_PS),
	  FIG_CPU_NS, NEED_SCHED | NEED_ACCT | NEED_SYSCALLS | NEED_NET | NEED_BLOCK,
	  VF_ALL_ROWS | VF_NET_SUMS | VF_WAIT_HIST },
	/* The top's connections screen: topconns' rows, their rates in 80 columns. */
	{ "conns",
	  "bytes per second in and out per socket, retransmits; its connection, process and container",
	  KEY_CONN, FIGS(FIG_NET_PS, FIG_NET_IN_PS, FIG_NET_OUT_PS, FIG_RETRANS), FIG_NET_TOTAL,
	  NEED_NET },
	/* Last: scry top steps through the views before it (it shows intervals, not lists). */
	{ "lscontainers", "containers running and seen: id, name, image, processes, since; "
	  "exited ones with their exit code and lifetime",
	  KEY_CTR_LIST, FIGS(FIG_LIVE_PROCS, FIG_CTR_STATE, FIG_CTR_EXIT, FIG_CTR_LIFETIME,
			     FIG_SINCE), FIG__MAX, 0, VF_ALL_ROWS | VF_LIST },
	/* Appended: the digit keys of scry top pick the views above by their place. */
	{ "topports_server", "bytes and connections of the server ends, per local port and protocol",
	  KEY_PORT, FIGS(FIG_NET_TOTAL, FIG_NET_IN, FIG_NET_OUT, FIG_CONNS), FIG_NET_TOTAL, NEED_NET,
	  VF_ALL_ROWS },
	{ "netstat", "open connections and listeners (IP sockets): tuple, state, process, container",
	  KEY_NETSTAT, (const uint8_t[]){ FIG__MAX }, FIG__MAX, NEED_NET, VF_ALL_ROWS | VF_LIST },
	{ "topfiles_bytes", "bytes read and written per file (fd.name of a regular file)", KEY_FIELD,
	  FIGS(FIG_IO_TOTAL, FIG_IO_IN, FIG_IO_OUT, FIG_IO_PS), FIG_IO_TOTAL, NEED_SYSCALLS,
	  VF_FDS, .field = "fd.name", .where = FILES, .counts = VC_IO, .cols = file_cols },
	{ "topfiles_time", "time spent in reads and writes per file (their latency), calls", KEY_FIELD,
	  FIGS(FIG_IO_TIME, FIG_IO_CALLS), FIG_IO_TIME, NEED_SYSCALLS | NEED_LATENCY,
	  VF_FDS, .field = "fd.name", .where = FILES, .counts = VC_IO, .cols = file_cols },
	{ "topfiles_errors", "failed calls per file (a path, or an fd of a file), with the top errors",
	  KEY_FIELD, FIGS(FIG_ERRORS, FIG_ERRORS_PS, FIG_TOP_ERRNOS), FIG_ERRORS, NEED_SYSCALLS,
	  VF_FDS, .field = "fd.name", .where = FILE_ERRORS, .counts = VC_ERRORS, .cols = file_cols },
	{ "fdbytes_by", "bytes read and written by the read/write family on any fd, per value of FIELD",
	  KEY_FIELD, FIGS(FIG_IO_TOTAL, FIG_IO_IN, FIG_IO_OUT, FIG_IO_PS), FIG_IO_TOTAL,
	  NEED_SYSCALLS, VF_FDS | VF_FIELD_ARG, .counts = VC_IO },
	{ "fdtime_by", "time spent in the read/write family on any fd (latency), per value of FIELD",
	  KEY_FIELD, FIGS(FIG_IO_TIME, FIG_IO_CALLS), FIG_IO_TIME, NEED_SYSCALLS | NEED_LATENCY,
	  VF_FDS | VF_FIELD_ARG, .counts = VC_IO },
	/* The top's files screen: topfiles_bytes as rates, in 80 columns. */
	{ "files", "bytes per second read and written per file", KEY_FIELD,
	  FIGS(FIG_IO_PS, FIG_IO_IN_PS, FIG_IO_OUT_PS), FIG_IO_TOTAL, NEED_SYSCALLS, VF_FDS,
	  .field = "fd.name", .where = FILES, .counts = VC_IO, .cols = file_cols },
	/* From the containers' cgroups (read once per interval), beside the traced figures. */
	{ "topcontainers_mem",
	  "memory per container from its cgroup: usage, working set, limit, % of it; OOM kills",
	  KEY_CONTAINER, FIGS(FIG_MEM, FIG_WSET, FIG_MEM_LIMIT, FIG_MEM_PCT_LIMIT, FIG_OOM_KILLS,
			      FIG_PSI_MEM),
	  FIG_MEM, NEED_SCHED | NEED_CGROUP, VF_ALL_ROWS },
	{ "topcontainers_throttle",
	  "CPU against its quota per container: limit, % of it, periods and time throttled, pressure",
	  KEY_CONTAINER, FIGS(FIG_CPU, FIG_CPU_LIMIT, FIG_CPU_PCT_LIMIT, FIG_THROTTLED,
			      FIG_THROTTLED_PCT, FIG_THROTTLED_NS, FIG_PSI_CPU, FIG_PSI_MEM,
			      FIG_PSI_IO, FIG_THROTTLED_TOTAL, FIG_THROTTLED_NS_TOTAL),
	  FIG_THROTTLED_NS, NEED_SCHED | NEED_CGROUP, VF_ALL_ROWS },
#define BLK_FIGS FIGS(FIG_BLK_BYTES, FIG_BLK_READ, FIG_BLK_WRITE, FIG_BLK_READS, FIG_BLK_WRITES, \
		      FIG_BLK_LAT_TOTAL, FIG_BLK_LAT_MEAN, FIG_BLK_LAT_P50, FIG_BLK_LAT_P99)
	{ "topcontainers_io",
	  "block I/O per container (the request's cgroup): bytes, requests, latency",
	  KEY_CONTAINER, BLK_FIGS, FIG_BLK_BYTES, NEED_BLOCK },
	{ "topprocs_io", "block I/O per process (the one that submitted each request)", KEY_PROC,
	  BLK_FIGS, FIG_BLK_BYTES, NEED_BLOCK },
	{ "topdevices_io", "block I/O per device (partition, else disk): bytes, requests, latency",
	  KEY_DEVICE, BLK_FIGS, FIG_BLK_BYTES, NEED_BLOCK },
	/* Why a container is slow although its CPU looks fine: it waits for one, or sleeps. */
	{ "topcontainers_wait", "run-queue wait (% of a CPU, p50, p99) and off-CPU time by reason, per container",
	  KEY_CONTAINER, FIGS(FIG_WAIT, FIG_WAIT_NS, FIG_WAIT_P50, FIG_WAIT_P99, FIG_OFF_SLEEP,
			      FIG_OFF_BLOCKED, FIG_OFF_PREEMPT), FIG_WAIT_NS, NEED_SCHED | NEED_ACCT,
	  VF_WAIT_HIST | VF_ANY_FIGURE },
	{ "topprocs_wait", "run-queue wait (% of a CPU, p50, p99) and off-CPU time by reason, per process",
	  KEY_PROC, FIGS(FIG_WAIT, FIG_WAIT_NS, FIG_WAIT_P50, FIG_WAIT_P99, FIG_OFF_SLEEP,
			 FIG_OFF_BLOCKED, FIG_OFF_PREEMPT), FIG_WAIT_NS, NEED_SCHED | NEED_ACCT,
	  VF_WAIT_HIST | VF_ANY_FIGURE },
	{ "topcontainers_faults", "page faults, minor and major, per container", KEY_CONTAINER,
	  FIGS(FIG_MIN_FLT, FIG_MAJ_FLT, FIG_MIN_FLT_PS, FIG_MAJ_FLT_PS), FIG_MIN_FLT,
	  NEED_SCHED | NEED_ACCT, VF_ANY_FIGURE },
	{ "topprocs_faults", "page faults, minor and major, per process", KEY_PROC,
	  FIGS(FIG_MIN_FLT, FIG_MAJ_FLT, FIG_MIN_FLT_PS, FIG_MAJ_FLT_PS), FIG_MIN_FLT,
	  NEED_SCHED | NEED_ACCT, VF_ANY_FIGURE },
	/* issue 15, chisels that compute (CHA): the others are sinks (chisel_calc.h) */
	{ "topscalls_time", "time spent per syscall (the sum of its latencies), calls and mean",
	  KEY_SYSCALL, FIGS(FIG_LAT_TOTAL, FIG_SYSCALLS, FIG_LAT_MEAN), FIG_LAT_TOTAL,
	  NEED_SYSCALLS | NEED_LATENCY },
	/* issue 15, CHX */
	{ "fdcount_by", "distinct fds (number and name) used in calls, per value of FIELD",
	  KEY_FIELD, FIGS(FIG_FDS), FIG_FDS, NEED_SYSCALLS, VF_FDS | VF_FIELD_ARG,
	  .counts = VC_FDS },
	/* sysdig's table_generator: -c table_generator KEY KEYDESC VALUE VALUEDESC FILTER N UNITS */
	{ "table_generator", "the sum of a numeric field (VALUE) per value of FIELD, of the syscall "
	  "exits the filter lets through", KEY_FIELD, FIGS(FIG_VALUE), FIG_VALUE,
	  NEED_SYSCALLS | NEED_LATENCY, VF_FDS | VF_FIELD_ARG, .counts = VC_VALUE },
	/* issue 18 (ns18) */
	{ "zombies", "processes that exited and are not reaped: parent, the parent's pid in its "
	  "namespace (1: a container's init that does not wait), age, container", KEY_ZOMBIE,
	  (const uint8_t[]){ FIG__MAX }, FIG__MAX, 0, VF_ALL_ROWS | VF_LIST },
};
const size_t view_count = ARRAY_SIZE(view_table);

const struct view_desc *view_lookup(const char *name)
{
	return TABLE_FIND(view_table, view_count, name, name);
}

struct view_desc *view_bind(const struct view_desc *v, const char *field)
{
	return view_bind_value(v, field, NULL, NULL);
}

struct view_desc *view_bind_value(const struct view_desc *v, const char *field, const char *value,
				  const char *header)
{
	struct bound {
		struct view_desc v;
		struct key_col cols[2];
		char header[64];
	} *b;
	const struct field_desc *f = field ? field_resolve(field) : NULL;
	size_t i;

	if (!f || (f->flags & FF_FILTER_ONLY) || (value && !field_resolve(value))) {
		errno = EINVAL;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->v = *v;
	b->v.field = field;
	b->v.value = value;
	b->v.cols = b->cols;
	/* The column says which field it is, as the other views' headers do: FD.DIRECTORY. */
	if (header)
		snprintf(b->header, sizeof(b->header), "%s", header);
	for (i = 0; !header && field[i] && i + 1 < sizeof(b->header); i++)
		b->header[i] = toupper((unsigned char)field[i]);
	b->cols[0] = (struct key_col){ field, b->header, 0, 0, COL_ROW_VALUE };
	return &b->v;
}

bool view_needs_enters(const struct view_desc *v, const struct filter *f)
{
	static const char *const enter_fields[] = {
		"evt.dir", "evt.latency", "evt.num", "evt.latency.s", "evt.latency.ns",
		"evt.latency.human", "evt.wait_latency", "evt.deltatime", "evt.deltatime.s",
		"evt.deltatime.ns", NULL
	};

	return !v || (v->needs & NEED_LATENCY) || filter__uses(f, enter_fields);
}

bool view_net_sums(const struct view_desc *v, const struct filter *f)
{
	/*
	 * What a sum's event answers as each of its calls would: the key's fields and what never
	 * changes in a process. Not its name, command line or user: a key's sums span its execs
	 * (runc's init talks to runc, then execs the container's program).
	 */
	static const char *const sum_fields[] = {
		"proc.pid", "proc.vpid", "cgroup.id", "container.", "k8s.", "fd.sockfamily",
		"fd.l4proto", "evt.io_dir", "evt.type", "evt.category", NULL
	};

	return v && (v->flags & VF_NET_SUMS) && filter__uses_only(f, sum_fields);
}

bool view_needs_fds(const struct view_desc *v, const struct filter *f)
{
	static const char *const fd_fields[] = {
		"fd.name", "fd.type", "fd.typechar", "fd.directory", "fd.filename", "fd.ino",
		"fd.dev", "fd.cip", "fd.cport", "fd.sip", "fd.sport", "fd.is_server", "fd.lip",
		"fd.lport", "fd.rip", "fd.rport",
		/* arguments show their fds' names; the rest read the table */
		"evt.arg", "evt.rawarg", "evt.args", "evt.abspath", "evt.is_syslog",
		"evt.count.error.file", "evt.count.error.net", "evt.count.error.memory",
		"evt.count.error.other", NULL
	};

	return !v || (v->flags & VF_FDS) || filter__uses(f, fd_fields);
}

bool view_needs_block(const struct view_desc *v, const struct filter *f)
{
	static const char *const blk_fields[] = {
		"evt.blk.dev", "evt.blk.devname", "evt.blk.op", "evt.blk.bytes", "evt.blk.latency",
		NULL
	};

	if (v)
		return v->needs & NEED_BLOCK;
	return filter__uses(f, blk_fields) || filter__names(f, "evt.type", "blockio") ||
	       filter__names(f, "evt.category", "io");
}
