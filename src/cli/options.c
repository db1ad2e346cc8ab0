// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/chisel.h"
#include "scry/cli.h"
#include "scry/decode.h"
#include "scry/filter.h"
#include "scry/util.h"
#include "scry/view.h"

static const char usage[] =
"\n"
"See inside containers from the host: every syscall, process and CPU slice, attributed to\n"
"its process, with sysdig's flags and field names.\n"
"\n"
"Options:\n"
"  -n, --numevents N     stop after N events\n"
"  -M SECS               stop after SECS seconds\n"
"  -j, --json            one JSON object per event; keys are field names (evt.num, proc.name...);\n"
"                        with -p, the template's fields\n"
"  -p, --print FORMAT    print each event with a template of %%field names (see -l)\n"
"      -pc               container-friendly line: container name and id, tid:vtid\n"
"  -s, --snaplen N       bytes of data shown per read, write, send and receive (default 80,\n"
"                        at most 4096; 0: none), and of poll's fd array (fdlist.*: 8 bytes\n"
"                        an fd). Views trace none unless they show data\n"
"  -A, --print-ascii     show the data as text, newlines kept (other bytes as '.')\n"
"  -X, --print-hex-ascii show the data in hex and ASCII\n"
"  -l, --list            list the fields that filters, -p and -j know\n"
"  -v, --verbose         say more; show libbpf's log and the verifier's reasons\n"
"  -c CHISEL [ARGS]      run a chisel (a view, or a stream of its own) instead of the stream,\n"
"                        with its arguments as sysdig takes them: -c fileslower 100,\n"
"                        -c 'spy_port 8080', -c fdbytes_by fd.directory (scry -L lists them)\n"
"  -L [CHISEL]           list the chisels and their arguments; with a name, its help\n"
"      --interval SECS   a view's table every SECS seconds (default 1; 0: one table at the end;\n"
"                        a list, as netstat, comes once, at the end)\n"
"      --top N           rows per view table (default 10)\n"
"  -w FILE               record the events to a capture file instead of printing them\n"
"                        (with -r: write the replayed events that match FILTER to FILE)\n"
"  -r FILE               replay a capture file (repeat -r for several; no root needed)\n"
"  -C MB                 with -w: start a new file every MB megabytes (FILE0, FILE1, ...)\n"
"  -G SECS               with -w: start a new file every SECS seconds\n"
"  -W N                  with -C/-G: keep only the last N files\n"
"      --btf FILE        kernel BTF to use when /sys/kernel/btf/vmlinux is missing\n"
"      --cgroup-v1 CTRL  attribute by the cgroup v1 hierarchy of CTRL (e.g. memory); automatic\n"
"                        when no cgroup2 filesystem is mounted\n"
"      --ring-mb N       ring buffer size in MiB, a power of two up to 2048, the kernel's\n"
"                        largest BPF ring buffer (default 16)\n"
"      --tick-hz N       charge running tasks' CPU time N times a second (default 100, 0 off)\n"
"      --no-kernel-filter  judge FILTER in scry only: the kernel sends every syscall event\n"
"                        (by default it leaves out those FILTER cannot match; -v says which)\n"
"  scry serve (Prometheus metrics per container; docs/prometheus.md):\n"
"      --listen ADDR:PORT  where to serve /metrics, /healthz and / (default 127.0.0.1:9780;\n"
"                        0.0.0.0:9780 or [::]:9780 serve every address)\n"
"      --node-name NAME  the node label (default $NODE_NAME, else the host name)\n"
"      --metrics LIST    groups to trace and export (default cpu,wait,cgroup,syscalls,files,\n"
"                        net,block; opt-in by-syscall, by-process): only their probes attach\n"
"      --expire SECS     a container's series go SECS after it was last seen (default 300)\n"
"      --host-root DIR   the host's / is mounted at DIR (scry in a container): its /proc,\n"
"                        cgroups, BTF, runtime sockets and state are read there (default\n"
"                        $SCRY_HOST_ROOT, else /); paths shown stay the host's\n"
"      --ctr-procs       also a container event (action procs) each time a container's number\n"
"                        of processes changes\n"
"  -h, --help            show this help\n"
"      --version         show the version\n"
"\n"
"FILTER is an expression over fields (scry -l lists them), e.g.\n"
"  proc.name=nginx and evt.type in (read, write)\n"
"  evt.failed=1 and not proc.pid=1\n"
"Options may come before, between or after its words; after --, every word is the filter's.\n"
"\n"
"Examples:\n"
"  scry -n 20                      the next 20 events\n"
"  scry -j -M 5 proc.name=curl     five seconds of curl's events as JSON\n"
"  scry -p '%%evt.time %%proc.name %%evt.type %%evt.res' evt.failed=1\n"
"  scry -pc container.name=web     the events of container web, with container columns\n"
"  scry container.name=web -M 5    options after the filter, as with sysdig\n"
"  scry -c lscontainers            the containers running now, with their images\n"
"  scry -c topprocs_cpu container.name=web   CPU per process of container web\n"
"  scry -c netstat container.name=web        its open connections and listeners, now\n"
"  scry -c topfiles_bytes container.name=web bytes read and written per file of container web\n"
"  scry -c fdbytes_by fd.directory proc.pid=42  process 42's read/write bytes per directory\n"
"  scry -c fileslower 100 container.name=web  its file reads and writes slower than 100 ms\n"
"  scry -c spy_port 8080           the payloads sent and received on port 8080 (-L spy_port)\n"
"  scry -c topcontainers_throttle  CPU against each container's quota: throttling, pressure\n"
"  scry -c topcontainers_mem       memory usage, working set and limit per container, OOM kills\n"
"  scry evt.type=oomkill           OOM kills as they happen: the victim and its container\n"
"  scry -c spy_signals             signals sent and taken: sender -> target, result; names the\n"
"                                  PID 1 that drops docker stop's SIGTERM (no handler)\n"
"  scry -c topcontainers_io        block I/O per container: bytes, requests, latency p50/p99\n"
"  scry -c topdevices_io           the same per disk; evt.type=blockio: each request completed\n"
"  scry -c topcontainers_wait      run-queue wait per container (%% of a CPU, p50, p99), off-CPU\n"
"                                  time by reason; topprocs_faults: page faults per process\n"
"  scry top                        containers: CPU, run-queue wait, throttling, memory, block I/O\n"
"                                  and network bytes per second; Enter: a container's processes,\n"
"                                  c: its connections, f: its files, h: wait and block latency\n"
"                                  histograms, Bksp: back\n"
"  scry serve --listen 0.0.0.0:9780  Prometheus metrics per container at :9780/metrics\n"
"  scry -w cap.scry -M 60          record a minute; replay anywhere with scry -r cap.scry\n"
"  scry -r cap.scry -w web.scry container.name=web   cut a capture down to one container\n"
"\n"
"Exit status:\n"
"  0  done\n"
"  1  something failed while running: tracing, reading or writing a file\n"
"  2  usage error: a bad option, number, view, -p template or filter; nothing was run\n"
"  3  a replay went through, but its input was damaged or incomplete\n"
"\n"
"scry needs root (or CAP_BPF and CAP_PERFMON) and a kernel with BTF.\n";

void cli__usage(void)
{
	printf("Usage: scry [OPTIONS] [FILTER]\n");
	cli__usage_commands(stdout);	/* the commands typed as a word */
	printf(usage);
}

/* --ring-mb: 2048 MiB is 2^31 bytes, the largest power of two a u32 max_entries holds. */
#define RING_MB_MAX 2048

enum { OPT_VERSION = 256, OPT_BTF, OPT_RING_MB, OPT_TICK_HZ, OPT_CGROUP_V1, OPT_INTERVAL, OPT_TOP,
       OPT_NO_KFILTER,
       /* issue 16 (serve) */
       OPT_LISTEN, OPT_NODE_NAME, OPT_METRICS, OPT_EXPIRE,
       /* issue 16: scry in a container */
       OPT_HOST_ROOT,
       OPT_CTR_PROCS /* issue 18 */ };

static const struct option longopts[] = {
	{ "numevents", required_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ "print", required_argument, NULL, 'p' },
	{ "list", no_argument, NULL, 'l' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ "ring-mb", required_argument, NULL, OPT_RING_MB },
	{ "tick-hz", required_argument, NULL, OPT_TICK_HZ },
	{ "cgroup-v1", required_argument, NULL, OPT_CGROUP_V1 },
	{ "no-kernel-filter", no_argument, NULL, OPT_NO_KFILTER },
	{ "chisel", required_argument, NULL, 'c' },
	{ "list-chisels", no_argument, NULL, 'L' },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "snaplen", required_argument, NULL, 's' },
	{ "print-ascii", no_argument, NULL, 'A' },
	{ "print-hex-ascii", no_argument, NULL, 'X' },
	{ "write", required_argument, NULL, 'w' },
	{ "read", required_argument, NULL, 'r' },
	/* issue 16 (serve) */
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "node-name", required_argument, NULL, OPT_NODE_NAME },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "expire", required_argument, NULL, OPT_EXPIRE },
	/* issue 16: scry in a container */
	{ "host-root", required_argument, NULL, OPT_HOST_ROOT },
	{ "ctr-procs", no_argument, NULL, OPT_CTR_PROCS },	/* issue 18 */
	{ 0 }
};

static int bad_number(const char *opt, const char *arg, const char *what)
{
	log_err("%s '%s': expected %s; see scry --help", opt, arg, what);
	return -EINVAL;
}

/* The options that only set a field: a flag, a string, or a whole number within its range. */
enum field_kind { FIELD_FLAG, FIELD_STR, FIELD_U64, FIELD_UINT };

#define F(c, kind, field) c, kind, offsetof(struct scry_opts, field)
static const struct opt_field {
	int c;
	enum field_kind kind;
	size_t off;
	uint64_t min, max;	/* numbers */
	const char *name, *expected;	/* numbers: what a bad one is told */
} opt_fields[] = {
	{ F('n', FIELD_U64, max_events), 1, UINT64_MAX, "-n", "a number of events >= 1" },
	{ F('j', FIELD_FLAG, json) },
	{ F('l', FIELD_FLAG, list_fields) },
	{ F('L', FIELD_FLAG, list_views) },
	{ F('c', FIELD_STR, view) },
	{ F('w', FIELD_STR, write_path) },
	{ F(OPT_BTF, FIELD_STR, btf_path) },
	{ F(OPT_CGROUP_V1, FIELD_STR, cgroup_v1) },
	{ F(OPT_NO_KFILTER, FIELD_FLAG, no_kernel_filter) },
	{ F(OPT_TOP, FIELD_UINT, top), 1, 100000, "--top", "a number of rows from 1" },
	{ F('C', FIELD_U64, rotate_mb), 1, 1 << 20, "-C", "megabytes from 1" },
	{ F('G', FIELD_U64, rotate_secs), 1, 86400 * 366, "-G", "seconds from 1" },
	{ F('W', FIELD_UINT, rotate_keep), 1, 100000, "-W", "a number of files from 1" },
	{ F(OPT_TICK_HZ, FIELD_UINT, tick_hz), 0, 10000, "--tick-hz", "0 to 10000" },
	{ F('s', FIELD_UINT, snaplen), 0, SCRY_SNAPLEN_MAX, "-s",
	  "0 to 4096 bytes" },
	/* issue 16 (serve) */
	{ F(OPT_LISTEN, FIELD_STR, listen) },
	{ F(OPT_NODE_NAME, FIELD_STR, node_name) },
	{ F(OPT_METRICS, FIELD_STR, serve_metrics) },
	/* issue 16: scry in a container */
	{ F(OPT_HOST_ROOT, FIELD_STR, host_root) },
	{ F(OPT_CTR_PROCS, FIELD_FLAG, ctr_procs) },	/* issue 18 */
};
#undef F

/* 1 if `c` is one of opt_fields (set, or -EINVAL with the message printed), else 0. */
static int set_field(struct scry_opts *o, int c)
{
	const struct opt_field *f;
	uint64_t v;
	void *at;

	for (f = opt_fields; f < opt_fields + ARRAY_SIZE(opt_fields) && f->c != c; f++)
		;
	if (f == opt_fields + ARRAY_SIZE(opt_fields))
		return 0;
	at = (char *)o + f->off;
	if (f->kind == FIELD_FLAG) {
		*(bool *)at = true;
	} else if (f->kind == FIELD_STR) {
		*(const char **)at = optarg;
	} else if (parse_u64(optarg, f->min, f->max, &v)) {
		return bad_number(f->name, optarg, f->expected);
	} else if (f->kind == FIELD_U64) {
		*(uint64_t *)at = v;
	} else {
		*(unsigned int *)at = v;
	}
	return 1;
}

/*
 * One option (getopt's c, with optarg); `word` is the argument it came from. 0, or -errno
 * with the message printed; 1 when the option was the whole job (--help, --version).
 */
static int option(struct scry_opts *o, int c, char **argv, int word)
{
	uint64_t v;
	int rc = set_field(o, c);

	if (rc)
		return rc < 0 ? rc : 0;
	switch (c) {
	case 'M':
		if (parse_seconds(optarg, 0.001, 1e9, &o->max_secs))
			return bad_number("-M", optarg, "a number of seconds > 0");
		break;
	case 'p':
		if (!strcmp(optarg, "c") || !strcmp(optarg, "container"))
			o->containers = true;
		else
			o->format = optarg;
		break;
	case 'v':
		log_set_verbose(true);
		break;
	case 'A':
		o->data_fmt = DATA_ASCII;
		break;
	case 'X':
		o->data_fmt = DATA_HEX;
		break;
	case 'h':
		cli__usage();
		return 1;
	case OPT_VERSION:
		printf("scry %s\n", SCRY_VERSION);
		return 1;
	case OPT_EXPIRE:	/* issue 16 (serve) */
		if (parse_seconds(optarg, 1, 86400 * 366, &o->expire_secs))
			return bad_number("--expire", optarg, "seconds from 1");
		break;
	case OPT_INTERVAL:
		if (parse_seconds(optarg, 0, 86400, &o->interval) ||
		    (o->interval > 0 && o->interval < 0.01))
			return bad_number("--interval", optarg, "0, or seconds from 0.01 to 86400");
		break;
	case 'r': {
		const char **r = realloc(o->read_paths, (o->nread + 1) * sizeof(*r));

		if (!r) {
			log_err("out of memory");
			return -ENOMEM;
		}
		o->read_paths = r;
		o->read_paths[o->nread++] = optarg;
		break;
	}
	case OPT_RING_MB:
		/* The kernel's limit: a ring's max_entries is a u32 power of two (2^31 bytes). */
		if (parse_u64(optarg, 1, RING_MB_MAX, &v) || (v & (v - 1)))
			return bad_number("--ring-mb", optarg, "a power of two from 1 to 2048 (MiB, the "
					  "largest BPF ring buffer the kernel makes)");
		o->ring_mb = v;
		break;
	case ':':
		if (!strncmp(argv[word], "--", 2))
			log_err("option %s needs a value; see scry --help", argv[word]);
		else
			log_err("option -%c needs a value; see scry --help", optopt);
		return -EINVAL;
	default:
		if (optopt && strlen(argv[word]) > 2)
			log_err("unknown option -%c in '%s'; see scry --help (a filter value that "
				"starts with '-' goes after --)", optopt, argv[word]);
		else if (optopt)
			log_err("unknown option -%c; see scry --help", optopt);
		else
			log_err("unknown option '%s'; see scry --help", argv[word]);
		return -EINVAL;
	}
	return 0;
}

/* Options that cannot go together: one line saying why, before anything runs. */
static int conflicts(const struct scry_opts *o)
{
	if ((o->rotate_mb || o->rotate_secs || o->rotate_keep) && !o->write_path) {
		log_err("-C, -G and -W go with -w FILE; see scry --help");
		return -EINVAL;
	}
	if (o->rotate_keep && !o->rotate_mb && !o->rotate_secs) {
		log_err("-W N needs -C MB or -G SECS to know when to start a new file");
		return -EINVAL;
	}
	if (o->write_path && o->nread && o->rotate_secs) {
		log_err("-G rotates by the clock while recording: with -r, rotate by size with -C");
		return -EINVAL;
	}
	if (o->write_path && (o->json || o->format || o->containers || o->view)) {
		log_err("-j, -p and -c format events for reading: record with -w, then use them when "
			"replaying with -r");
		return -EINVAL;
	}
	/* issue 16 (serve) */
	if ((o->listen || o->node_name || o->serve_metrics || o->expire_secs) &&
	    strcmp(o->command, "serve")) {
		log_err("--listen, --node-name, --metrics and --expire go with scry serve");
		return -EINVAL;
	}
	if (!strcmp(o->command, "serve") && (o->write_path || o->nread || o->view || o->json ||
					      o->format || o->containers)) {
		log_err("scry serve is live and serves metrics: -w, -r, -c, -j and -p go with scry "
			"[OPTIONS] [FILTER]");
		return -EINVAL;
	}
	if (!strcmp(o->command, "top") && (o->write_path || o->nread || o->view || o->json ||
					    o->format || o->containers)) {
		log_err("scry top is live and interactive: -w, -r, -c, -j and -p go with scry "
			"[OPTIONS] [FILTER]");
		return -EINVAL;
	}
	return 0;
}

/* --host-root DIR, else $SCRY_HOST_ROOT: checked and set before anything reads the host. */
static int host_root(struct scry_opts *o)
{
	const char *dir = o->host_root, *what = "--host-root";
	int err;

	if (!dir) {
		dir = getenv("SCRY_HOST_ROOT");
		what = "SCRY_HOST_ROOT";
	}
	err = hostpath__set_root(dir);
	if (err)
		log_err("%s '%s': %s (the directory where the host's / is mounted)", what, dir,
			strerror(-err));
	return err;
}

/* Not an option: a word without a leading '-', a lone "-", or a negative number (-2). */
static bool filter_word(const char *w)
{
	return w[0] != '-' || !w[1] || isdigit((unsigned char)w[1]);
}

/*
 * -c NAME [ARGS]: sysdig's chisel arguments, after the name (those the chisel takes: chisel.h)
 * or with it in one word (-c 'fileslower 100'). The words are checked when the command runs.
 */
_Static_assert(ARRAY_SIZE(((struct scry_opts *)0)->chisel_words) == CHISEL_MAX_ARGS &&
	       ARRAY_SIZE(((struct scry_opts *)0)->chisel_args) == CHISEL_MAX_ARGS,
	       "scry_opts holds a chisel's arguments");

static int chisel_words(struct scry_opts *o, int argc, char **argv)
{
	const char *sp = strchr(o->view, ' ');
	int n, end;

	o->nchisel_words = 0;
	if (sp) {
		free(o->chisel_name);
		o->chisel_name = strndup(o->view, sp - o->view);
		if (!o->chisel_name) {
			log_err("out of memory");
			return -ENOMEM;
		}
		while (*sp == ' ')
			sp++;
		o->view = o->chisel_name;
		if (*sp)
			o->chisel_words[o->nchisel_words++] = sp;
		return 0;
	}
	for (end = optind; end < argc && strcmp(argv[end], "--") && filter_word(argv[end]); end++)
		;
	n = chisel_take_args(chisel_lookup(o->view), argv + optind, end - optind);
	for (; n > 0; n--)
		o->chisel_words[o->nchisel_words++] = argv[optind++];
	return 0;
}

/*
 * Options go anywhere, before, between and after the words of the filter, as sysdig users
 * type them ("scry container.name=web -M 5"); "--" ends the options. getopt runs in order
 * ("+") on the options alone: the words of the filter are taken out here, so that a value such
 * as -2 in "evt.rawres = -2" is never read as an option.
 */
int cli__parse(int argc, char **argv, struct scry_opts *o)
{
	static const char optstring[] = "+:n:M:jp:lvhc:Lw:r:C:G:W:s:AX";
	char *reset[] = { argv[0], NULL };
	char **words;
	int c, i, nwords = 0, err;

	memset(o, 0, sizeof(*o));
	o->command = "stream";
	o->ring_mb = 16;
	o->tick_hz = 100;
	o->interval = 1;
	o->top = 10;
	o->snaplen = SCRY_SNAPLEN_DEFAULT;
	opterr = 0;
	/* "scry top [OPTIONS] [FILTER]": a command word first, as in "git log" */
	if (argc > 1 && cli__is_command(argv[1])) {
		o->command = argv[1];
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	words = calloc(argc, sizeof(*words));
	if (!words) {
		log_err("out of memory");
		return -ENOMEM;
	}
	/* A fresh getopt: optind 0 makes glibc forget any earlier scan (a cluster half read). */
	optind = 0;
	getopt_long(1, reset, optstring, longopts, NULL);
	optind = 1;
	while (optind < argc) {
		i = optind;
		if (!strcmp(argv[i], "--")) {
			optind++;
			break;
		}
		if (filter_word(argv[i])) {
			words[nwords++] = argv[i];
			optind++;
			continue;
		}
		c = getopt_long(argc, argv, optstring, longopts, NULL);
		if (c == -1)
			break;
		err = option(o, c, argv, i);
		if (err)
			goto out;
		if (c == 's')
			o->snaplen_set = true;
		if (c == 'c' && (err = chisel_words(o, argc, argv)))
			goto out;
	}
	while (optind < argc)	/* after "--" */
		words[nwords++] = argv[optind++];
	err = conflicts(o);
	if (!err)
		err = host_root(o);
	/* The options that are commands, in the order they win (-l over everything). */
	if (o->list_fields)
		o->command = "fields";
	else if (o->list_views)
		o->command = "views";
	else if (!strcmp(o->command, "stream") && o->nread)
		o->command = "read";
	else if (!strcmp(o->command, "stream") && o->write_path)
		o->command = "write";
	if (!err && nwords) {
		o->filter = filter__join(nwords, words);
		if (!o->filter) {
			log_err("out of memory");
			err = -ENOMEM;
		}
	}
out:
	free(words);
	return err;
}

void cli__free(struct scry_opts *o)
{
	free(o->filter);
	o->filter = NULL;
	free(o->read_paths);
	o->read_paths = NULL;
	free(o->chisel_name);
	o->chisel_name = NULL;
}
