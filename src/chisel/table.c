// SPDX-License-Identifier: GPL-2.0
/*
 * The chisel table: sysdig's chisels as rows of data (include/scry/chisel.h). The names,
 * arguments and meanings are sysdig's (userspace/sysdig/chisels/, one .lua each); the output
 * columns are theirs without the colours. A stream chisel is its filter and its columns:
 * nothing here prints.
 */
#include <string.h>

#include "scry/chisel.h"
#include "scry/chisel_calc.h"
#include "scry/util.h"

/* sysdig's colour switch: taken, for its command lines; scry's chisels print no colour. */
static const char *const no_colors[] = { "disable_colors", "disable_color", NULL };
#define ARG_NO_COLOR										\
	{ "disable_color", "'disable_colors' (sysdig's switch for its colours; scry prints none)", \
	  CA_STRING, true, NULL, no_colors }

#define MS 1000000ULL

/* --- views whose rows come from an argument --------------------------------------------------- */
#define ARG_KEY											\
	{ "key", "the field whose values are the rows (any field of scry -l, e.g. fd.directory)", \
	  CA_FIELD }

/* --- spy_file --------------------------------------------------------------------------------- */
static const char *const rw_choices[] = { "R", "W", "RW", NULL };
static const struct chisel_filter spy_file_filter[] = {
	{ "fd.type=file and evt.rawres >= 0" },
	{ "fd.name=$spy_on_file_name", "spy_on_file_name" },
	/* watching terminals would loop on scry's own output, live */
	{ "not fd.name contains /dev/pt and not fd.name contains /dev/tty", "!spy_on_file_name" },
	{ "$IO_READ", "read_or_write", "R" },
	{ "$IO_WRITE", "read_or_write", "W" },
	{ "$IO", "read_or_write", "RW" },
	{ NULL }
};
static const struct chisel_col spy_file_cols[] = {
	{ NULL, "evt.time" },
	{ NULL, "proc.name", .sep = "(" },
	{ NULL, "proc.pid", .sep = ") " },
	{ NULL, NULL, CC_IO_LETTER },
	{ NULL, "evt.rawres", CC_BYTES },
	{ NULL, "fd.name" },
	{ NULL, NULL, CC_DATA },
	{ NULL }
};

/* --- spy_ip, spy_port: the payloads, a header line per call ----------------------------------- */
static const struct chisel_filter spy_ip_filter[] = {
	{ "(fd.type=ipv4 or fd.type=ipv6) and (fd.lip=$host_ip or fd.rip=$host_ip)" },
	{ "$IO and evt.rawres > 0" },
	{ NULL }
};
static const struct chisel_filter spy_port_filter[] = {
	{ "(fd.type=ipv4 or fd.type=ipv6) and (fd.lport=$host_port or fd.rport=$host_port)" },
	{ "$IO and evt.rawres > 0" },
	{ NULL }
};
static const struct chisel_col spy_net_cols[] = {
	{ NULL, NULL, CC_IO_WORD, .pre = "------ " },
	{ NULL, "evt.rawres", CC_BYTES, .sep = "\n" },
	{ NULL, NULL, CC_DATA },
	{ NULL }
};

/* --- stdin, stdout, stderr -------------------------------------------------------------------- */
static const struct chisel_filter stdin_filter[] = {
	{ "fd.num=0 and $IO and evt.rawres > 0" },
	{ NULL }
};
static const struct chisel_filter stdout_filter[] = {
	{ "fd.num=1 and $IO and evt.rawres > 0" },
	{ NULL }
};
static const struct chisel_filter stderr_filter[] = {
	{ "fd.num=2 and $IO and evt.rawres > 0" },
	{ NULL }
};
static const struct chisel_col data_cols[] = { { NULL, NULL, CC_DATA }, { NULL } };
static const struct chisel_col stderr_cols[] = {
	{ NULL, "container.id", .width = -20, .max = 20, .pc = true },
	{ NULL, "container.name", .width = -20, .max = 20, .pc = true },
	{ NULL, NULL, CC_DATA },
	{ NULL }
};

/* --- spy_logs, spy_syslog --------------------------------------------------------------------- */
/* sysdig's export of the events around each message: here, a recording and -c around */
#define ARGS_DUMP										\
	{ "dump_file_name", "a file for the events around each message", CA_STRING, true,	\
	  .unsupported = "record with -w FILE, then replay the events around each message with " \
			 "scry -r FILE -c around" },						\
	{ "dump_range_ms", "the time around each message, ms (sysdig's default 1000)", CA_NUMBER, \
	  true, .unsupported = "see dump_file_name" }
static const struct chisel_filter spy_logs_filter[] = {
	{ "(fd.name contains .log or fd.name contains _log or fd.name contains /var/log)" },
	{ "not (fd.name contains .gz or fd.name contains .tgz)" },
	{ "$IO_WRITE and evt.rawres > 0" },
	{ NULL }
};
static const struct chisel_col spy_logs_cols[] = {
	{ NULL, "container.name", .pc = true },
	{ NULL, "proc.name" },
	{ NULL, "fd.name" },
	{ NULL, NULL, CC_DATA_LINES },
	{ NULL }
};
/* sysdig matches the socket by its name: a datagram socket connected to /dev/log */
static const struct chisel_filter spy_syslog_filter[] = {
	{ "fd.name contains /dev/log and $IO_WRITE and evt.rawres > 0" },
	{ NULL }
};
static const struct chisel_col spy_syslog_cols[] = {
	{ NULL, "container.id", .width = -20, .pc = true },
	{ NULL, "container.name", .width = -20, .pc = true },
	{ NULL, "syslog.facility.str", .sep = "." },
	{ NULL, "syslog.severity.str" },
	{ NULL, "proc.name", .sep = "[" },
	{ NULL, "thread.tid", .sep = "] " },
	{ NULL, "syslog.message" },
	{ NULL }
};

/* --- scallslower, fileslower, netlower: sysdig's columns and headers -------------------------- */
#define ARG_MIN_MS										\
	{ "min_ms", "the threshold in milliseconds: calls slower than this are shown", CA_NUMBER, \
	  .scale = MS }
static const struct chisel_filter scallslower_filter[] = {
	{ "evt.dir=< and evt.latency > $min_ms" },
	{ NULL }
};
/* a FIFO opened by its path is a file to sysdig (its type comes from the open) */
static const struct chisel_filter fileslower_filter[] = {
	{ "(fd.type=file or (fd.type=pipe and fd.name startswith /))" },
	{ "not fd.name startswith /dev/ and $IO and evt.latency > $min_ms" },
	{ NULL }
};
static const struct chisel_filter netlower_filter[] = {
	{ "(fd.type=ipv4 or fd.type=ipv6) and $IO and evt.latency > $min_ms" },
	{ NULL }
};
#define CTR_COLS										\
	{ "container.id", "container.id", .width = -20, .max = 20, .pc = true },		\
	{ "container.name", "container.name", .width = -20, .max = 20, .pc = true }
static const struct chisel_col scallslower_cols[] = {
	{ "evt.datetime", "evt.datetime", .width = -23, .max = 23 },
	CTR_COLS,
	{ "proc.name", "proc.name", .width = -23, .max = 23 },
	{ "LATENCY(ms)", "evt.latency", CC_MS_FRAC, .width = -20 },
	{ "evt.type", "evt.type" },
	{ NULL }
};
static const struct chisel_col ioslower_cols[] = {
	{ "evt.datetime", "evt.datetime", .width = -23, .max = 23 },
	CTR_COLS,
	{ "proc.name", "proc.name", .width = -12, .max = 12 },
	{ "evt.type", "evt.type", .width = -8 },
	{ "LATENCY(ms)", "evt.latency", CC_MS, .width = 12 },
	{ "fd.name", "fd.name" },
	{ NULL }
};

/* --- spy_users, udp_extract: sinks of their own ----------------------------------------------- */
static const struct chisel_filter spy_users_filter[] = {
	{ "evt.dir=< and evt.failed=0" },
	{ "(evt.type in (execve, execveat) or (evt.type=chdir and proc.name endswith sh))" },
	{ NULL }
};
static const struct chisel_sink spy_users_sink = { &spy_users_ops, spy_users__new };
static const struct chisel_filter udp_extract_filter[] = {
	{ "fd.l4proto=udp and $IO and evt.rawres >= 0" },
	{ "not (fd.lport=53 or fd.rport=53)" },
	{ NULL }
};
static const struct chisel_sink udp_extract_sink = { &udp_extract_ops, udp_extract__new };

/* --- issue 15, the chisels that compute (CHA): sinks of their own, include/scry/chisel_calc.h -- */
#define CALC_SINK(n) static const struct chisel_sink n##_sink = { &n##_ops, n##__new }
CALC_SINK(lsof);
CALC_SINK(proc_exec_time);
CALC_SINK(bottlenecks);
static const struct chisel_sink spectrogram_sink = { &spectro_ops, spectrogram__new };
static const struct chisel_sink subsecoffset_sink = { &spectro_ops, subsecoffset__new };
CALC_SINK(around);
static const struct chisel_sink container_diff_sink = { &ctrdiff_ops, ctrdiff__new };
static const struct chisel_sink httptop_sink = { &httpview_ops, httptop__new };
static const struct chisel_sink httplog_sink = { &httpview_ops, httplog__new };
#define ARG_REFRESH(def)									\
	{ "refresh_time", "chart refresh time in milliseconds", CA_NUMBER, true, def, \
	  .max = 3600000 }
static const char *const http_by[] = { "ncalls", "time", "bytes", NULL };
/* sysdig's: reads and writes with data (the closes too: a connection's state goes with it) */
static const struct chisel_filter http_filter[] = {
	{ "($IO and evt.rawres > 0) or evt.type=close" },
	{ NULL }
};
#define HTTP_MORE										\
	"HTTP/1 heads are parsed from the data of reads, writes, sends and receives on sockets " \
	"(a line of 512 bytes held per direction, bodies passed by Content-Length, a stream " \
	"that is not HTTP lost until a call starts with what can begin a head). A request " \
	"pairs with the next response going the other way in the same process on the same " \
	"connection: its fd, or an IP socket's addresses (a socket dup'd onto stdin and " \
	"stdout is one; sysdig's key is the fd), pipelined ones in order. 1024 connections " \
	"at most at once. A capture for it needs -w -s 2048."
/* --- issue 15, CHX: table_generator, iobytes*, memcachelog ------------------------------------ */
static const char *const value_units[] = { "bytes", "time", "timepct", "none", NULL };
static const struct chisel_filter table_generator_filter[] = { { "$filter" }, { NULL } };
static const struct chisel_sink iobytes_sink = { &iobytes_ops, iobytes__new };
static const struct chisel_filter iobytes_file_filter[] = { { "fd.type=file" }, { NULL } };
static const struct chisel_filter iobytes_net_filter[] = {
	{ "(fd.type=ipv4 or fd.type=ipv6)" },
	{ NULL }
};
#define IOBYTES_LINE "a line per second: 'HH:MM:SS in:N out:N tot:N' (bytes read, written, both)"
static const char *const mc_methods[] = { "get", "set", NULL };
static const struct chisel_filter memcachelog_filter[] = {
	{ "(fd.sport=11211 or proc.name=memcached) and $IO and evt.rawres > 0" },
	{ NULL }
};
static const struct chisel_sink memcachelog_sink = { &memcachelog_ops, memcachelog__new };
/* sysdig's filter: its execve exits, of bash or sh for shellshock */
static const struct chisel_filter exec_filter[] = {
	{ "evt.type in (execve, execveat) and evt.dir=< and evt.failed=0" },
	{ NULL }
};
/* naming proc.env keeps the environments (their first 1024 bytes) */
static const struct chisel_filter shellshock_filter[] = {
	{ "evt.type in (execve, execveat) and evt.dir=< and evt.failed=0" },
	{ "proc.name in (bash, sh) and (proc.env contains \"()\" or proc.args contains \"()\")" },
	{ NULL }
};
static const struct chisel_sink list_login_shells_sink = {
	&list_login_shells_ops, list_login_shells__new
};
static const struct chisel_sink shellshock_sink = {
	&shellshock_detect_ops, shellshock_detect__new
};

/* --- issue 18, signals (sig18): spy_signals ---------------------------------------------------- */
static const struct chisel_filter spy_signals_filter[] = {
	{ "evt.category=signal" },
	{ NULL }
};
static const struct chisel_col spy_signals_cols[] = {
	{ "TIME", "evt.time", .width = -18 },
	{ "EVENT", "evt.type", .width = -14 },
	{ "SENDER", "sig.sender", .width = -22, .max = 22 },
	{ "FROM", "sig.sender.container.name", .width = -16, .max = 16 },
	{ "TARGET", "sig.target", .width = -26, .max = 26 },
	{ "IN", "container.name", .width = -16, .max = 16 },
	{ "SIGNAL", "sig.name", .width = -9 },
	{ "RESULT", "sig.result", .width = -9 },
	{ "NOTE", "sig.trap" },
	{ NULL }
};

const struct chisel chisel_table[] = {
	/* views bound by their argument */
	{ "fdbytes_by", NULL, CHISEL_VIEW, { ARG_KEY }, .view = "fdbytes_by" },
	{ "fdtime_by", NULL, CHISEL_VIEW, { ARG_KEY }, .view = "fdtime_by" },
	/* streams */
	{ "spy_file", "the data processes read from and write to files (or one file): time, "
	  "process(pid), R or W, bytes, file, then the data", CHISEL_STREAM,
	  { { "read_or_write", "R: reads only, W: writes only, RW: both", CA_STRING, true, "RW",
	      rw_choices },
	    { "spy_on_file_name", "the file to watch (fd.name, an absolute path); none: every "
	      "file but terminals", CA_STRING, true } },
	  spy_file_filter, 2000, .cols = spy_file_cols },
	{ "spy_ip", "the payloads exchanged with an IP address: a line '------ Read 12B' or "
	  "'------ Write 12B' per call, then its data", CHISEL_STREAM,
	  { { "host_ip", "the other end's (or the local) IP address", CA_IP }, ARG_NO_COLOR },
	  spy_ip_filter, 1000, .cols = spy_net_cols },
	{ "spy_port", "the payloads exchanged on an IP port (either end's): a line '------ Read "
	  "12B' or '------ Write 12B' per call, then its data", CHISEL_STREAM,
	  { { "host_port", "the port, local or remote", CA_NUMBER, .max = 65535 }, ARG_NO_COLOR },
	  spy_port_filter, 1000, .cols = spy_net_cols },
	{ "stdin", "the data processes read from their standard input (fd 0), as it is",
	  CHISEL_STREAM, { }, stdin_filter, 2000, .cols = data_cols },
	{ "stdout", "the data processes write to their standard output (fd 1), as it is",
	  CHISEL_STREAM, { }, stdout_filter, 2000, .cols = data_cols },
	{ "stderr", "the data processes write to their standard error (fd 2), as it is; with -pc "
	  "after the container's id and name", CHISEL_STREAM, { ARG_NO_COLOR }, stderr_filter,
	  2000, .cols = stderr_cols },
	{ "spy_logs", "writes to log files (a name with .log, _log or /var/log, not .gz or .tgz), "
	  "one line per line written: process, file, the line; with -pc the container first",
	  CHISEL_STREAM, { ARGS_DUMP, ARG_NO_COLOR }, spy_logs_filter, 2000,
	  .cols = spy_logs_cols },
	{ "spy_syslog", "messages written to syslog (a socket whose name holds /dev/log): "
	  "facility.severity process[tid] message, from the message's <PRI>", CHISEL_STREAM,
	  { ARGS_DUMP, ARG_NO_COLOR }, spy_syslog_filter, 1000, .cols = spy_syslog_cols },
	{ "scallslower", "syscalls slower than min_ms milliseconds: time, process, latency, "
	  "call; with -pc the container too", CHISEL_STREAM, { ARG_MIN_MS, ARG_NO_COLOR },
	  scallslower_filter, 0, CF_ENTERS, .cols = scallslower_cols },
	{ "fileslower", "file I/O (reads and writes on files, not under /dev) slower than min_ms "
	  "milliseconds: time, process, call, latency, file", CHISEL_STREAM,
	  { ARG_MIN_MS, ARG_NO_COLOR }, fileslower_filter, 0, CF_ENTERS, .cols = ioslower_cols },
	{ "netlower", "network I/O (reads and writes on IP sockets) slower than min_ms "
	  "milliseconds: time, process, call, latency, connection", CHISEL_STREAM,
	  { ARG_MIN_MS, ARG_NO_COLOR }, netlower_filter, 0, CF_ENTERS, .cols = ioslower_cols },
	/* sinks */
	{ "spy_users", "commands run in interactive shells (execs below a shell: a process whose "
	  "name ends in sh, its stdin a terminal), indented by generation, and the shells' cd: "
	  "shell pid, time, user, command; with -pc user@container", CHISEL_SINK,
	  { { "max_depth", "the deepest generation below the shell shown", CA_NUMBER, true },
	    ARG_NO_COLOR },
	  spy_users_filter, .sink = &spy_users_sink },
	{ "udp_extract", "the data of each UDP socket (DNS left out) into a file of its own in "
	  "./udp_dump_files, named after its tuple; a line per file at the end (name, bytes)",
	  CHISEL_SINK, { }, udp_extract_filter, 4096, .sink = &udp_extract_sink },
	/* issue 15, the chisels that compute (CHA) */
	{ "lsof", "open file descriptors of every process, as lsof; FILTER (sysdig's argument) "
	  "picks them: 'proc.name=foo and fd.name contains /etc'", CHISEL_SINK, { }, NULL, 0,
	  CF_OWN_OUTPUT | CF_SNAPSHOT, .sink = &lsof_sink,
	  .more = "columns: COMMAND PID TID USER FD TYPE NAME (TID: the process's), from the fd "
		  "tables after a look (1 s unless -M or -n say), or at a capture's end. FILTER "
		  "judges each fd as its process's fstat(fd) exit: proc.*, user.*, container.*, "
		  "fd.num, fd.name, fd.type, fd.directory... (evt.type reads fstat).\n"
		  "-j: one array of objects keyed by field name." },
	{ "proc_exec_time", "processes that ended, with how long each ran (proc.duration) and its "
	  "command line; coloured by duration on a terminal", CHISEL_SINK,
	  { { "disable_color", "'disable_colors': no colours on a terminal", CA_STRING, true, NULL,
	      no_colors } }, NULL, 0, CF_OWN_OUTPUT, .sink = &proc_exec_time_sink,
	  .more = "columns: proc.duration (sysdig's 1.50s, 120ms...), with -pc container.id and "
		  "container.name, proc.name, proc.args. On a terminal whose TERM has colours: red "
		  "above 10 s, yellow above 3 s, blue in a container, green on the host.\n"
		  "-j: one object per process, with duration_ns." },
	{ "bottlenecks", "the 10 system calls that took the longest to return", CHISEL_SINK, { },
	  NULL, 0, CF_OWN_OUTPUT | CF_ENTERS, .sink = &bottlenecks_sink,
	  .more = "at the end, the slowest first, a line each as sysdig's exit line: NUM) "
		  "LATENCY(s.ns) PROC (TID) < TYPE ARGS, then (at TIME) of its exit; sysdig adds "
		  "its enter's line.\n-j: one array of objects, the slowest first." },
	{ "spectrogram", "syscall latencies as a spectrogram on the terminal: a line per refresh, "
	  "a column per latency on a log scale (1 ns to 100 s), its shade the calls", CHISEL_SINK,
	  { ARG_REFRESH("500") }, NULL, 0, CF_OWN_OUTPUT | CF_ENTERS, .sink = &spectrogram_sink,
	  .more = "Colours (256) where the output is a terminal whose TERM has them; else a "
		  "character per density, ' .:-=+*#%@', under an axis line. Lines are cut by the "
		  "events' times (the wall clock's periods), the same live and replayed.\n-j: one "
		  "object per refresh with its columns' latency range and count." },
	{ "subsecoffset", "when syscalls start within each second (or refresh period), as a "
	  "spectrogram: patterns that repeat within a second", CHISEL_SINK,
	  { ARG_REFRESH("1000") }, NULL, 0, CF_OWN_OUTPUT | CF_ENTERS,
	  .sink = &subsecoffset_sink,
	  .more = "a line per period, a column per offset of a syscall's enter within it (the "
		  "wall clock's). Shades, colours and -j as spectrogram's (offset ranges)." },
	{ "around", "the events of the same thread around each match of FILTER: dump_range_ms "
	  "before and after it", CHISEL_SINK,
	  { { "dump_range_ms", "the time before and after each match, ms", CA_NUMBER, true, "1000",
	      .max = 3600000 } }, NULL, 0, CF_OWN_OUTPUT | CF_ENTERS | CF_ALL_EVENTS,
	  .sink = &around_sink,
	  .more = "FILTER is required. Prints (as the stream does: -p, -j, -pc, -A, -X) each "
		  "match and the events of its thread from dump_range_ms before it (a ring of the "
		  "last 16384 events) to dump_range_ms after it, each once, a thread's in order; "
		  "live too. sysdig writes them into a file (its first argument, dump_file_name): "
		  "redirect the output, or make a capture of them with scry -r CAPTURE -w FILE "
		  "and evt.around." },
	{ "httptop", "top HTTP requests by: ncalls, time or bytes (HTTP/1, from the data of "
	  "socket reads and writes)", CHISEL_SINK,
	  { { "by", "ncalls: requests; time: mean time to the response; bytes: the responses' "
	      "Content-Length", CA_STRING, true, "ncalls", http_by } },
	  http_filter, 2048, CF_OWN_OUTPUT, .sink = &httptop_sink,
	  .more = "a table per --interval of event time (0: one at the end): the figure, with "
		  "-pc container.name, then method and url (Host + target); --top rows.\n"
		  HTTP_MORE "\n-j: one document per table, every figure in each row." },
	{ "httplog", "every HTTP request with its response: time, method, url, status, latency, "
	  "size", CHISEL_SINK, { }, http_filter, 2048, CF_OWN_OUTPUT, .sink = &httplog_sink,
	  .more = "sysdig's line: DATETIME [CONTAINER with -pc] DIR method=M url=U "
		  "response_code=C latency=Lms size=SB; DIR < a request read (a server), > "
		  "written (a client).\n" HTTP_MORE "\n-j: one object per request, with "
		  "latency_ns, proc.pid, proc.name, container.name." },
	/* issue 15, CHX: the rest of sysdig 0.29's */
	{ "topcontainers_error", NULL, CHISEL_VIEW, { }, .view = "topcontainers_errors" },
	{ "fdcount_by", NULL, CHISEL_VIEW, { ARG_KEY }, .view = "fdcount_by" },
	{ "table_generator", NULL, CHISEL_VIEW,
	  { { "keys", "the field whose values are the rows (sysdig's comma-separated list: one "
	      "field here)", CA_FIELD },
	    { "keydescs", "the key column's header", CA_STRING },
	    { "value", "the numeric field summed per key (values above 0)", CA_FIELD },
	    { "valuedesc", "the value's description (sysdig's header; the column here is VALUE)",
	      CA_STRING },
	    { "filter", "a filter expression: the events counted (with the command line's)",
	      CA_FILTER },
	    { "top_number", "the rows shown (0: all), as --top", CA_NUMBER },
	    { "value_units", "sysdig's rendering (bytes, time, timepct, none); scry shows the "
	      "number", CA_STRING, .choices = value_units } },
	  table_generator_filter, .view = "table_generator" },
	{ "iobytes", "bytes moved by the read/write family on any fd (file, socket, pipe...): "
	  IOBYTES_LINE, CHISEL_SINK, { }, .sink = &iobytes_sink },
	{ "iobytes_file", "bytes moved by the read/write family on files (fd.type=file): "
	  IOBYTES_LINE, CHISEL_SINK, { }, iobytes_file_filter, .sink = &iobytes_sink },
	{ "iobytes_net", "bytes moved by the read/write family on IP sockets: " IOBYTES_LINE,
	  CHISEL_SINK, { }, iobytes_net_filter, .sink = &iobytes_sink },
	{ "memcachelog", "memcached's get and set commands (text protocol) in the data of the calls "
	  "on port 11211 (fd.sport) or of a process named memcached, both ends: a line "
	  "'DATETIME method=set size=5B key=K' each; turns -s 4096 on",
	  CHISEL_SINK, { { "method", "get or set: only those commands (default: both)", CA_STRING,
			   true, NULL, mc_methods },
			 { "size", "with method set: only sets of at least this many bytes",
			   CA_NUMBER, true } },
	  memcachelog_filter, 4096, .sink = &memcachelog_sink },
	{ "list_login_shells", "the login shell ids (the pid of the oldest process named *sh among "
	  "an exec's process and its ancestors: sysdig's proc.loginshellid) of the execs seen, each "
	  "once, at the end ('All shells:' or 'Shells containing CMD:' first); with -pc the "
	  "container's name and id after each", CHISEL_SINK,
	  { { "command", "only shells that ran a program whose proc.exe holds this text (*: any)",
	      CA_STRING, true },
	    { "arguments", "only shells that ran a command whose arguments hold this text",
	      CA_STRING, true } },
	  exec_filter, .sink = &list_login_shells_sink },
	{ "shellshock_detect", "execs of bash or sh with a variable of their environment (its "
	  "first 1024 bytes) or an argument defining a function as CVE-2014-6271 (shellshock) "
	  "abuses ('() {'): time, the parent's name and pid, the text from '()' on",
	  CHISEL_SINK, { }, shellshock_filter, .sink = &shellshock_sink },
	/* issue 18, diff18: a live docker diff */
	{ "container_diff", "each container's changes to its files as docker diff lists them (A "
	  "added, C changed, D deleted; the directories above a change C), from its processes' "
	  "calls: path as the container sees it, bytes written, the process that last changed it, "
	  "the path on the host", CHISEL_SINK, { }, NULL, 0, CF_OWN_OUTPUT,
	  .sink = &container_diff_sink,
	  .more = "columns: CONTAINER K PATH BYTES PROCESS HOST PATH, at the end of the run (a "
		  "capture's end), by container name then path. A file made and removed in the run "
		  "is not listed. Not seen: what happened before the run, writes through mmap, "
		  "whether a rename's target was there before (taken as added). The runtime's "
		  "mounts (/proc, /sys, /dev, /etc/hosts, /etc/hostname, /etc/resolv.conf) and the "
		  "container's volumes are left out. HOST PATH: the root's upper directory (Docker: "
		  "GraphDriver.Data.UpperDir) and the path.\n"
		  "-j: one array of objects: container.id, container.name, kind, path, dir, bytes, "
		  "proc.name, proc.pid (the last to change it; absent for a directory listed for "
		  "what is below it), host_path." },
	/* issue 18, signals (sig18) */
	{ "spy_signals", "signals as they are sent and taken: time, event (signalgenerate: sent; "
	  "signaldeliver: taken), sender name(pid) and its container (or kernel, timer), target "
	  "name(pid) (PID1 for a pid namespace's init) and its container, signal, result, and a "
	  "note naming the trap of a PID 1 with no handler, whose SIGTERM the kernel drops",
	  CHISEL_STREAM, { }, spy_signals_filter, 0, .cols = spy_signals_cols,
	  .more = "results: signalgenerate delivered (queued), blocked (queued, the target blocks "
		  "it: it waits, e.g. for tini's sigtimedwait), ignored (dropped: a SIG_IGN, a "
		  "signal whose default is to ignore, or the trap), pending (one was already), "
		  "overflow; signaldeliver handled (its handler ran), default (the default "
		  "action: term, core, stop...), ignored.\nThe fields: scry -l sig." },
};
const size_t chisel_count = ARRAY_SIZE(chisel_table);

const struct chisel *chisel_lookup(const char *name)
{
	return name ? TABLE_FIND(chisel_table, chisel_count, name, name) : NULL;
}
