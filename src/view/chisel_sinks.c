// SPDX-License-Identifier: GPL-2.0
/*
 * The chisels that are sinks of their own, as a table: name, sysdig's description and argument,
 * what each needs traced. -c NAME finds its row; -L lists and explains them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "scry/chisel_sink.h"
#include "scry/sink.h"
#include "scry/util.h"

static const struct chisel_arg refresh_ms = {
	"refresh_time", "chart refresh time in milliseconds", CA_INT, NULL,
};

const struct chisel_sink chisel_sinks[] = {
	{ "lsof", "open file descriptors of every process, as lsof (FILTER: which fds, e.g. "
		  "'proc.name=foo and fd.name contains /etc')",
	  NULL, CN_SYSCALLS | CN_FDS | CN_SNAPSHOT, 0, &lsof_ops, lsof__new,
	  "columns: COMMAND PID TID USER FD TYPE NAME, from the fd tables after a short look "
	  "(1 s unless -M or -n say), or at the end of a capture.\n"
	  "FILTER (sysdig's filter argument) picks the fds: proc.*, user.*, container.* and "
	  "fd.num, fd.name, fd.type, fd.typechar, fd.directory... as for an fd's event (evt.type "
	  "reads \"fstat\").\n-j: one array of objects keyed by field name." },
	{ "proc_exec_time", "processes that ended, with how long each ran (proc.duration) and its "
			    "command line; coloured by duration on a terminal",
	  &(const struct chisel_arg){ "disable_color", "'disable_colors': no colours",
				      CA_WORD, "disable_colors" },
	  0, 0, &proc_exec_time_ops, proc_exec_time__new,
	  "columns: proc.duration (sysdig's format: 1.50s, 120ms...), then with -pc container.id "
	  "and container.name, proc.name, proc.args. Colours on a terminal: red above 10 s, yellow "
	  "above 3 s, blue in a container, green on the host.\n-j: one object per process with "
	  "duration_ns." },
	{ "bottlenecks", "the 10 system calls that took the longest to return",
	  NULL, CN_SYSCALLS | CN_ENTERS, 0, &bottlenecks_ops, bottlenecks__new,
	  "at the end, the slowest first, a line each as sysdig's exit line: NUM) LATENCY(s.ns) "
	  "PROC (TID) < TYPE ARGS, then (at TIME of its exit); sysdig adds the enter's line.\n"
	  "-j: one array of objects, the slowest first." },
	{ "spectrogram", "syscall latencies as a spectrogram on the terminal: a line per refresh, a "
			 "column per latency on a log scale (1ns to 100s), its shade the calls",
	  &refresh_ms, CN_SYSCALLS | CN_ENTERS, 0, &spectro_ops, spectrogram__new,
	  "default refresh 500 ms. Colours (sysdig's palette) where the output is a terminal whose "
	  "TERM has them; else characters by density, ' ' none to '@' most, and an axis line "
	  "first.\n-j: one object per refresh with the non-empty columns' latency range and "
	  "count." },
	{ "subsecoffset", "when syscalls start within each second (or refresh period), as a "
			  "spectrogram: repetitive patterns that averages hide",
	  &refresh_ms, CN_SYSCALLS | CN_ENTERS, 0, &spectro_ops, subsecoffset__new,
	  "default refresh 1000 ms: a line per period, a column per offset within it. Shades and "
	  "-j as spectrogram's (columns' offset range)." },
	{ "around", "the events around each match of FILTER: those of the same thread within "
		    "dump_range_ms before and after it",
	  &(const struct chisel_arg){ "dump_range_ms", "the time before and after each match, ms "
				      "(default 1000)", CA_INT, NULL },
	  CN_SYSCALLS | CN_ENTERS | CN_ALL_EVENTS, 0, &around_ops, around__new,
	  "FILTER is required. Prints the events (as the stream does: -p, -j, -pc, -A, -X) of a "
	  "match's thread from dump_range_ms before it (a ring of the last 16384 events) to "
	  "dump_range_ms after it, each once, in order. sysdig writes them to a file (its first "
	  "argument): here, scry -c around ... > FILE, or a capture of them with "
	  "scry -r CAPTURE -w FILE.\nlive too (sysdig: captures only)." },
	{ "httptop", "top HTTP requests by: ncalls, time or bytes (HTTP/1 parsed from the data of "
		     "socket reads and writes)",
	  &(const struct chisel_arg){ "by", "ncalls (default), time (mean latency) or bytes "
				      "(responses' Content-Length)", CA_WORD, "ncalls time bytes" },
	  CN_SYSCALLS | CN_FDS, 2048, &httpview_ops, httptop__new,
	  "a table per --interval (default 1 s; 0: one at the end): the figure, then with -pc "
	  "container.name, method, url (Host + target); --top rows (default 10, sysdig 30). A request and its "
	  "response pair up per process and connection (its fd, or an IP socket's addresses: a "
	  "socket dup'd onto stdin and stdout is one), in order (pipelining). Live, data is traced at "
	  "-s 2048 at least.\n-j: one document per table." },
	{ "httplog", "a log of every HTTP request: time, method, url, status, latency, size",
	  NULL, CN_SYSCALLS | CN_FDS, 2048, &httpview_ops, httplog__new,
	  "sysdig's line: DATETIME [CONTAINER] DIR method=M url=U response_code=C latency=Lms "
	  "size=SB; DIR '<' a request read (a server), '>' written (a client).\n-j: one object "
	  "per request with latency_ns, proc.name, proc.pid, container.name." },
};
const size_t chisel_sink_count = ARRAY_SIZE(chisel_sinks);

const struct chisel_sink *chisel_sink_lookup(const char *name)
{
	return name ? TABLE_FIND(chisel_sinks, chisel_sink_count, name, name) : NULL;
}

long chisel_arg_int(const char *arg, long def, long max)
{
	uint64_t v;

	if (!arg)
		return def;
	if (parse_u64(arg, 1, max, &v))
		return -1;
	return v;
}

bool chisel_sink_arg_ok(const struct chisel_sink *c, const char *word)
{
	const char *w;
	size_t n = strlen(word);

	if (!c || !c->arg)
		return false;
	if (c->arg->kind == CA_INT)
		return chisel_arg_int(word, 0, 1000000000) > 0;
	for (w = c->arg->words; *w; w += strcspn(w, " "), w += *w == ' ')
		if (!strncmp(w, word, n) && (w[n] == ' ' || !w[n]))
			return true;
	return false;
}

bool chisel_tty_colours(int fd, unsigned int *width)
{
	const char *term = getenv("TERM");
	struct winsize ws;

	*width = 80;
	if (!isatty(fd))
		return false;
	if (!ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col >= 20)
		*width = ws.ws_col;
	return term && *term && strcmp(term, "dumb");
}

void chisel_fmt_interval(char *buf, size_t len, uint64_t ns)
{
	if (ns >= 1000000000)
		snprintf(buf, len, "%llu.%02llus", (unsigned long long)(ns / 1000000000),
			 (unsigned long long)(ns % 1000000000 / 10000000));
	else if (ns >= 10000000)
		snprintf(buf, len, "%llums", (unsigned long long)(ns / 1000000));
	else if (ns >= 1000000)
		snprintf(buf, len, "%llu.%02llums", (unsigned long long)(ns / 1000000),
			 (unsigned long long)(ns % 1000000 / 10000));
	else if (ns >= 10000)
		snprintf(buf, len, "%lluus", (unsigned long long)(ns / 1000));
	else if (ns >= 1000)
		snprintf(buf, len, "%llu.%02lluus", (unsigned long long)(ns / 1000),
			 (unsigned long long)(ns % 1000 / 10));
	else
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
}
