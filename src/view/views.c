// SPDX-License-Identifier: GPL-2.0
/*
 * The view table. Adding a view is a row here: its key, the figures it shows (the first is the
 * main one unless `sort` says otherwise) and what it needs from the kernel.
 */
#include <string.h>

#include "scry/filter.h"
#include "scry/util.h"
#include "scry/view.h"

const struct figure_desc figure_table[FIG__MAX] = {
	[FIG_CPU] = { "cpu.pct", "CPU%", "on-CPU time as % of one CPU over the interval (2 busy CPUs: 200)" },
	[FIG_CPU_NS] = { "cpu.ns", "CPU_NS", "on-CPU time in ns, from the scheduler (exact, not sampled)" },
	[FIG_SYSCALLS] = { "syscalls", "SYSCALLS", "syscalls made, counted once at their return (exit and exit_group at their enter)" },
	[FIG_SYSCALLS_PS] = { "syscalls.ps", "SYSC/S", "syscalls per second" },
	[FIG_ERRORS] = { "errors", "ERRORS", "syscalls that returned an error" },
	[FIG_ERRORS_PS] = { "errors.ps", "ERR/S", "errors per second" },
	[FIG_TOP_ERRNOS] = { "errnos", "TOP ERRNOS", "the most frequent errors, NAME:count" },
	[FIG_LAT_TOTAL] = { "latency.total_ns", "LAT_TOTAL", "total time spent in the syscall, ns" },
	[FIG_LAT_MEAN] = { "latency.mean_ns", "LAT_MEAN", "mean time per call, ns" },
	[FIG_READ] = { "file.read_bytes", "READ", "bytes read from regular files" },
	[FIG_WRITE] = { "file.write_bytes", "WRITE", "bytes written to regular files" },
	[FIG_FILE_TOTAL] = { "file.bytes", "FILE_BYTES", "bytes read and written on regular files" },
	[FIG_FILE_PS] = { "file.bytes_ps", "FILE_B/S", "file bytes per second" },
	[FIG_PROCS] = { "procs", "PROCS", "processes seen in the interval" },
};

#define FIGS(...) ((const uint8_t[]){ __VA_ARGS__, FIG__MAX })

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
	{ "ps", "processes with container, pid, ppid, user, CPU time and command line", KEY_PS,
	  FIGS(FIG_CPU_NS), FIG_CPU_NS, NEED_SCHED },
	/* The interactive top's first screen: everything about each container at once. */
	{ "containers", "CPU, syscalls, errors and file bytes per container", KEY_CONTAINER,
	  FIGS(FIG_CPU, FIG_SYSCALLS_PS, FIG_ERRORS_PS, FIG_FILE_PS, FIG_PROCS), FIG_CPU_NS,
	  NEED_SCHED | NEED_SYSCALLS },
	{ "procs", "CPU, syscalls, errors and file bytes per process", KEY_PROC,
	  FIGS(FIG_CPU, FIG_SYSCALLS_PS, FIG_ERRORS_PS, FIG_FILE_PS), FIG_CPU_NS,
	  NEED_SCHED | NEED_SYSCALLS },
};
const size_t view_count = ARRAY_SIZE(view_table);

const struct view_desc *view_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < view_count; i++)
		if (!strcmp(view_table[i].name, name))
			return &view_table[i];
	return NULL;
}

bool view_needs_enters(const struct view_desc *v, const struct filter *f)
{
	static const char *const enter_fields[] = { "evt.dir", "evt.latency", "evt.num", NULL };

	return !v || (v->needs & NEED_LATENCY) || filter__uses(f, enter_fields);
}
