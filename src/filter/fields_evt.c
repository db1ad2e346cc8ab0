// SPDX-License-Identifier: GPL-2.0
/*
 * The event fields of sysdig's `evt` class that scry lacked (issue 15): arguments by name and
 * position, what kind of call an event is (I/O, wait, open for reading...), the error counters
 * the chisels sum, and the time forms. Names and meanings are sysdig's (libsinsp's
 * sinsp_filtercheck_event.cpp); where scry knows more or less, the row's description says so.
 *
 * Arguments come from the same place as evt.info (decode/ev_syscall.c, evt_arg): the field and
 * the line cannot disagree on a name or a value.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fields_evt.h"
#include "scry/state.h"
#include "scry/ctrlife.h"
#include "internal.h"

#define NS 1000000000ULL



static bool u64_val(struct field_val *v, uint64_t u)
{
	v->type = FT_U64;
	v->u = u;
	return true;
}

static bool bool_val(struct field_val *v, bool b)
{
	return cstr(v, b ? "true" : "false");
}

static bool buf_val(struct field_val *v, struct sbuf *b)
{
	return str_val(v, b->buf, b->len);
}

/* --- what kind of call: sysdig's event flags, by syscall name ------------------------------ */

enum call_kind {
	CK_READ = 1 << 0,	/* EF_READS_FROM_FD */
	CK_WRITE = 1 << 1,	/* EF_WRITES_TO_FD */
	CK_WAIT = 1 << 2,	/* EF_WAITS */
	CK_MEMORY = 1 << 3,	/* EC_MEMORY: evt.count.error.memory */
	CK_FILE = 1 << 4,	/* an open: a file error even without an fd */
	CK_NET = 1 << 5,	/* accept, connect: a network error even without an fd */
};

/*
 * sysdig's lists, plus the calls its driver only sees as generic events but that are the same
 * thing (clock_nanosleep is what sleep(3) calls today; preadv2, epoll_pwait, pselect6...).
 */
static const struct {
	const char *name;
	uint8_t kind;
} call_kinds[] = {
	{ "read", CK_READ }, { "pread64", CK_READ }, { "readv", CK_READ }, { "preadv", CK_READ },
	{ "preadv2", CK_READ }, { "recvfrom", CK_READ }, { "recvmsg", CK_READ },
	{ "recvmmsg", CK_READ },
	{ "write", CK_WRITE }, { "pwrite64", CK_WRITE }, { "writev", CK_WRITE },
	{ "pwritev", CK_WRITE }, { "pwritev2", CK_WRITE }, { "sendto", CK_WRITE },
	{ "sendmsg", CK_WRITE }, { "sendmmsg", CK_WRITE },
	{ "copy_file_range", CK_READ | CK_WRITE }, { "sendfile", CK_READ | CK_WRITE },
	{ "splice", CK_READ | CK_WRITE },
	{ "select", CK_WAIT }, { "pselect6", CK_WAIT }, { "poll", CK_WAIT }, { "ppoll", CK_WAIT },
	{ "epoll_wait", CK_WAIT }, { "epoll_pwait", CK_WAIT }, { "epoll_pwait2", CK_WAIT },
	{ "nanosleep", CK_WAIT }, { "clock_nanosleep", CK_WAIT },
	{ "brk", CK_MEMORY }, { "mmap", CK_MEMORY }, { "munmap", CK_MEMORY },
	{ "mremap", CK_MEMORY }, { "mprotect", CK_MEMORY }, { "mlock", CK_MEMORY },
	{ "mlock2", CK_MEMORY }, { "mlockall", CK_MEMORY }, { "munlock", CK_MEMORY },
	{ "munlockall", CK_MEMORY }, { "memfd_create", CK_MEMORY },
	{ "open", CK_FILE }, { "openat", CK_FILE }, { "openat2", CK_FILE }, { "creat", CK_FILE },
	{ "open_by_handle_at", CK_FILE },
	{ "accept", CK_NET }, { "accept4", CK_NET }, { "connect", CK_NET },
};

static uint8_t kind_by_nr[SCRY_NR_SYSCALLS];
static pthread_once_t kinds_once = PTHREAD_ONCE_INIT;

static void build_kinds(void)
{
	size_t i;
	int nr;

	for (i = 0; i < ARRAY_SIZE(call_kinds); i++) {
		nr = syscall_lookup(call_kinds[i].name);
		if (nr >= 0 && nr < SCRY_NR_SYSCALLS)
			kind_by_nr[nr] = call_kinds[i].kind;
	}
}

/* A syscall event's kind (enter or exit alike, as sysdig's flags are per call); else 0. */
static uint8_t call_kind(const struct scry_event *ev)
{
	if (!(evt_table[ev->type].flags & EVF_SYSCALL) || ev->nr >= SCRY_NR_SYSCALLS)
		return 0;
	pthread_once(&kinds_once, build_kinds);
	return kind_by_nr[ev->nr];
}

bool evt_get_is_io(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return bool_val(v, call_kind(ev) & (CK_READ | CK_WRITE));
}

bool evt_get_is_io_read(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return bool_val(v, call_kind(ev) & CK_READ);
}

bool evt_get_is_io_write(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return bool_val(v, call_kind(ev) & CK_WRITE);
}

/* sysdig's order: a call that does both (sendfile, splice) is a write. */
bool evt_io_dir_call(const struct scry_event *ev, struct field_val *v)
{
	uint8_t k = call_kind(ev);

	return (k & CK_WRITE) ? cstr(v, "w") : (k & CK_READ) ? cstr(v, "r") : false;
}

/* A write to syslog: its fd's name (a unix socket's path) holds /dev/log, as sysdig says. */
bool evt_get_is_syslog(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	static const struct field_desc *fd_name;
	struct field_val name;

	if (!(call_kind(ev) & CK_WRITE))
		return bool_val(v, false);
	if (ev->dir != '<')
		return false;	/* its fd is known at its exit */
	if (!fd_name)
		fd_name = field_lookup("fd.name");
	return bool_val(v, field_get(fd_name, ev, &name, b) &&
			   memmem(name.str, name.len, "/dev/log", 8));
}

bool evt_get_is_wait(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return bool_val(v, call_kind(ev) & CK_WAIT);
}

bool evt_get_wait_latency(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return (call_kind(ev) & CK_WAIT) && evt_has(ev, EVP_RESULT) && u64_val(v, ev->latency);
}

/* --- opens -------------------------------------------------------------------------------- */

enum open_how { OPEN_READ, OPEN_WRITE, OPEN_EXEC };

/* The exit's argument named `name` (its index), or -1. */
static int arg_named(const struct scry_event *ev, const struct syscall_desc *d, const char *name)
{
	int i;

	for (i = 0; i < d->nargs && i < ev->rec->exit.nargs; i++)
		if (!strcmp(d->argname[i], name))
			return i;
	return -1;
}

/*
 * An open's flags and mode, from its exit's arguments (creat: its implied flags). false where
 * they are not known: an enter (its arguments come with the exit), openat2 (they are in the
 * struct its argument points to).
 */
static bool open_flags(const struct scry_event *ev, uint32_t *flags, uint32_t *mode)
{
	const struct syscall_desc *d = syscall_desc(ev->nr);
	int f, m;

	if (ev->type != SCRY_REC_SYS_EXIT || !d || d->fdop != FDOP_OPEN)
		return false;
	f = arg_named(ev, d, "flags");
	m = arg_named(ev, d, "mode");
	if (m < 0)
		return false;
	*mode = ev->rec->exit.args[m];
	if (f >= 0)
		*flags = ev->rec->exit.args[f];
	else if (!strcmp(d->name, "creat"))
		*flags = O_CREAT | O_WRONLY | O_TRUNC;
	else
		return false;
	return true;
}

static bool is_open(const struct scry_event *ev, struct field_val *v, enum open_how how)
{
	uint32_t flags, mode, acc;

	if (!open_flags(ev, &flags, &mode)) {
		const struct syscall_desc *d = syscall_desc(ev->nr);

		/* not an open at all: false, as sysdig says for every other event */
		return !(evt_table[ev->type].flags & EVF_SYSCALL && d && d->fdop == FDOP_OPEN) &&
		       bool_val(v, false);
	}
	acc = flags & O_ACCMODE;
	switch (how) {
	case OPEN_READ:
		return bool_val(v, acc == O_RDONLY || acc == O_RDWR);
	case OPEN_WRITE:
		return bool_val(v, acc == O_WRONLY || acc == O_RDWR);
	default:
		/* a file created with an execute bit */
		return bool_val(v, ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) &&
				 (mode & 0111));
	}
}

bool evt_get_is_open_read(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return is_open(ev, v, OPEN_READ);
}

bool evt_get_is_open_write(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return is_open(ev, v, OPEN_WRITE);
}

bool evt_get_is_open_exec(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return is_open(ev, v, OPEN_EXEC);
}

/*
 * The path of a call relative to a dirfd (openat, mkdirat, unlinkat...), made absolute;
 * evt.abspath.src is the same path (sysdig's name for the first of two: renameat's old one).
 * The second (.dst) is not recorded: BPF copies one path per call.
 */
bool evt_get_abspath(const struct scry_event *ev, const struct field_arg *a, struct field_val *v,
		     struct sbuf *b)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	const struct syscall_desc *d;

	if (ev->type != SCRY_REC_SYS_EXIT || !x->path_len || (x->xflags & SCRY_SX_FDPAIR) ||
	    (x->xflags & SCRY_SX_SOCK) || !(d = syscall_desc(ev->nr)) || !d->dirfd || !d->path ||
	    x->nargs < d->dirfd)
		return false;
	return fdtab__resolve(ev->proc, (int32_t)x->args[d->dirfd - 1], x->path, b) &&
	       buf_val(v, b);
}

/* --- arguments ---------------------------------------------------------------------------- */

/*
 * The names evt.arg takes: every argument name of the syscall table (either ABI), and the
 * pairs evt.info adds: res, the fd a call made, the data; and sysdig's name for an open's path.
 * Built once; the table is static, so the names point into it.
 */
#define ARG_NAMES_MAX 512
static const char *arg_names[ARG_NAMES_MAX];
static size_t narg_names;
static pthread_once_t arg_names_once = PTHREAD_ONCE_INIT;

static void arg_name_add(const char *n)
{
	size_t i;

	for (i = 0; i < narg_names; i++)
		if (!strcmp(arg_names[i], n))
			return;
	if (narg_names < ARG_NAMES_MAX)
		arg_names[narg_names++] = n;
}

static void build_arg_names(void)
{
	static const char *const extra[] = { "res", "fd", "name", "data",
		/* issue 18: the pairs of the signal events' evt.info */
		"spid", "dpid", "dvpid", "sig", "code", "result", "action", "trap" };
	const struct syscall_desc *d;
	uint32_t nr;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(extra); i++)
		arg_name_add(extra[i]);
	for (i = 0; ctr_arg_names[i]; i++)	/* issue 18: container events */
		arg_name_add(ctr_arg_names[i]);
	for (nr = 0; nr < SCRY_NR_SYSCALLS; nr++) {
		if ((d = syscall_desc(nr)))
			for (i = 0; i < d->nargs; i++)
				arg_name_add(d->argname[i]);
		if ((d = syscall_desc(SCRY_NR_COMPAT_BASE + nr)))
			for (i = 0; i < d->nargs; i++)
				arg_name_add(d->argname[i]);
	}
}

static const char *arg_name_nth(size_t i)
{
	pthread_once(&arg_names_once, build_arg_names);
	return i < narg_names ? arg_names[i] : NULL;
}

const struct field_values evt_arg_names = { arg_name_nth, NULL, "argument name" };

/* evt.arg.data: the data of a read or write (-s), as evt.info shows it. */
static bool data_arg(const struct scry_event *ev, struct evt_arg *a, struct sbuf *b)
{
	const uint8_t *d;
	uint32_t n;

	d = evt_data(ev, &n);
	if (!d)
		return false;
	a->name = "data";
	a->raw = n;
	a->str = (const char *)d;
	a->len = n;
	if (b)
		iodata_put(b, d, n, DATA_DOTS);
	return true;
}

/*
 * The pair an argument names: a position, or a name as evt.info shows it. sysdig calls an
 * open's path `name` (evt.arg.name contains /etc): that name finds the path where the call
 * has no argument of its own by it.
 */
static bool find_arg(const struct scry_event *ev, const struct field_arg *fa, struct evt_arg *a,
		     struct sbuf *b)
{
	const struct syscall_desc *d;
	unsigned int i;
	int path = -1;

	if (!fa->key) {
		if (fa->idx < 0 || fa->idx >= 64)
			return false;
		for (i = 0; i < fa->idx && evt_arg(ev, i, a, NULL); i++)
			;
		/* the data is evt.info's last pair */
		return i == fa->idx && (evt_arg(ev, i, a, b) ||
					(i && data_arg(ev, a, b)));
	}
	if (!strcmp(fa->key, "data"))
		return data_arg(ev, a, b);
	for (i = 0; evt_arg(ev, i, a, NULL); i++) {
		if (!strcmp(a->name, fa->key))
			return evt_arg(ev, i, a, b);
		if (!strcmp(a->name, "path"))
			path = i;
	}
	d = syscall_desc(ev->nr);
	if (path >= 0 && d && d->fdop == FDOP_OPEN && !strcmp(fa->key, "name"))
		return evt_arg(ev, path, a, b);
	return false;
}

bool evt_get_arg(const struct scry_event *ev, const struct field_arg *fa, struct field_val *v,
		 struct sbuf *b)
{
	struct evt_arg a;

	return find_arg(ev, fa, &a, b) && buf_val(v, b);
}

/* A number as the call passed it; a path argument as its text. */
bool evt_get_rawarg(const struct scry_event *ev, const struct field_arg *fa, struct field_val *v,
		    struct sbuf *b)
{
	struct evt_arg a;

	if (!find_arg(ev, fa, &a, NULL))
		return false;
	if (a.str)
		return str_val(v, a.str, a.len);
	v->type = FT_S64;
	v->s = a.raw;
	return true;
}

/* --- counters: 1 per event of the kind, for the views and chisels to sum --------------------- */

bool evt_get_count(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return u64_val(v, 1);
}

static bool error_count(const struct scry_event *ev, struct field_val *v)
{
	return evt_has(ev, EVP_RESULT) && u64_val(v, ev->res < 0 && ev->res >= -4095);
}

bool evt_get_count_error(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return error_count(ev, v);
}

enum err_class { ERR_FILE, ERR_NET, ERR_MEMORY, ERR_OTHER };

/*
 * What a call's error is about, as sysdig sorts it: by its fd where the fd table (or the kernel,
 * at the call) says what it is, else by the call: opens are file errors, accept and connect
 * network ones, the memory calls memory ones.
 */
static enum err_class err_class(const struct scry_event *ev)
{
	const struct scry_fd *f = NULL;
	uint8_t kind = 0, ck = call_kind(ev);
	int64_t fd;

	if (evt_has(ev, EVP_FD) && evt_fd_num(ev, &fd, &kind))
		f = fdtab__of_event(ev, fd, kind);
	if (f) {
		switch (f->type) {
		case SCRY_FDT_FILE:
		case SCRY_FDT_DIR:
			return ERR_FILE;
		case SCRY_FDT_IPV4:
		case SCRY_FDT_IPV6:
		case SCRY_FDT_UNIX:
			return ERR_NET;
		default:
			return ck & CK_MEMORY ? ERR_MEMORY : ERR_OTHER;
		}
	}
	if (kind == SCRY_FD_REG || kind == SCRY_FD_DIR || (ck & CK_FILE))
		return ERR_FILE;
	if (kind == SCRY_FD_SOCK || (ck & CK_NET))
		return ERR_NET;
	return ck & CK_MEMORY ? ERR_MEMORY : ERR_OTHER;
}

static bool error_of(const struct scry_event *ev, struct field_val *v, enum err_class c)
{
	return evt_has(ev, EVP_RESULT) && err_class(ev) == c && error_count(ev, v);
}

bool evt_get_count_error_file(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return error_of(ev, v, ERR_FILE);
}

bool evt_get_count_error_net(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return error_of(ev, v, ERR_NET);
}

bool evt_get_count_error_memory(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return error_of(ev, v, ERR_MEMORY);
}

bool evt_get_count_error_other(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return error_of(ev, v, ERR_OTHER);
}

bool evt_get_count_exit(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->dir == '<' && u64_val(v, 1);
}

/* --- time forms --------------------------------------------------------------------------- */

bool evt_get_rawtime_s(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return u64_val(v, clock__wall(ev->ts) / NS);
}

bool evt_get_rawtime_ns(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return u64_val(v, clock__wall(ev->ts) % NS);
}

static bool wall_fmt(const struct scry_event *ev, struct field_val *v, struct sbuf *b,
		     enum time_fmt f)
{
	char out[TIME_STR_MAX];

	sbuf__write(b, out, fmt_wall(out, clock__wall(ev->ts), f));
	return buf_val(v, b);
}

bool evt_get_time_s(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return wall_fmt(ev, v, b, TIME_HMS);
}

bool evt_get_datetime_s(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return wall_fmt(ev, v, b, TIME_DATE);
}

/* 2023-11-14T22:13:20.123456789Z: UTC, whatever the zone, as sysdig's ts_to_iso_8601. */
bool evt_get_time_iso8601(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint64_t wall = clock__wall(ev->ts);
	time_t t = wall / NS;
	char out[64];
	struct tm tm;
	size_t n;

	if (!gmtime_r(&t, &tm))
		return false;
	n = strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%S", &tm);
	n += snprintf(out + n, sizeof(out) - n, ".%09lluZ", (unsigned long long)(wall % NS));
	sbuf__write(b, out, n);
	return buf_val(v, b);
}

/*
 * Since the recording began: live, when scry started recording; from a capture, the same
 * moment, from its header. So a replay says what the run said, whatever the filters.
 */
static bool reltime(const struct scry_event *ev, uint64_t *ns)
{
	if (!ev->start_ts)
		return false;
	*ns = ev->ts > ev->start_ts ? ev->ts - ev->start_ts : 0;
	return true;
}

bool evt_get_reltime(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint64_t ns;

	return reltime(ev, &ns) && u64_val(v, ns);
}

bool evt_get_reltime_s(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint64_t ns;

	return reltime(ev, &ns) && u64_val(v, ns / NS);
}

bool evt_get_reltime_ns(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint64_t ns;

	return reltime(ev, &ns) && u64_val(v, ns % NS);
}

/* Since the previous event the filter passed (the previous line): 0 for the first. */
static uint64_t deltatime(const struct scry_event *ev)
{
	return ev->prev_ts && ev->ts > ev->prev_ts ? ev->ts - ev->prev_ts : 0;
}

bool evt_get_deltatime(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return u64_val(v, deltatime(ev));
}

bool evt_get_deltatime_s(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return u64_val(v, deltatime(ev) / NS);
}

bool evt_get_deltatime_ns(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return u64_val(v, deltatime(ev) % NS);
}

bool evt_get_latency_s(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return evt_has(ev, EVP_RESULT) && u64_val(v, ev->latency / NS);
}

bool evt_get_latency_ns(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return evt_has(ev, EVP_RESULT) && u64_val(v, ev->latency % NS);
}

/* sysdig's format_time: 1.25s, 123ms, 1.50ms, 12us, 1.05us, 800ns. */
void evt_human_ns(struct sbuf *b, uint64_t ns)
{
	char out[48];
	int n;

	if (ns >= NS)
		n = snprintf(out, sizeof(out), "%llu.%02llus", (unsigned long long)(ns / NS),
			     (unsigned long long)(ns % NS / 10000000));
	else if (ns >= NS / 100)
		n = snprintf(out, sizeof(out), "%llums", (unsigned long long)(ns / 1000000));
	else if (ns >= NS / 1000)
		n = snprintf(out, sizeof(out), "%llu.%02llums", (unsigned long long)(ns / 1000000),
			     (unsigned long long)(ns % 1000000 / 10000));
	else if (ns >= NS / 100000)
		n = snprintf(out, sizeof(out), "%lluus", (unsigned long long)(ns / 1000));
	else if (ns >= NS / 1000000)
		n = snprintf(out, sizeof(out), "%llu.%02lluus", (unsigned long long)(ns / 1000),
			     (unsigned long long)(ns % 1000 / 10));
	else
		n = snprintf(out, sizeof(out), "%lluns", (unsigned long long)ns);
	sbuf__write(b, out, n);
}

bool evt_get_latency_human(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	if (!evt_has(ev, EVP_RESULT))
		return false;
	evt_human_ns(b, ev->latency);
	return buf_val(v, b);
}

/*
 * evt.around[T]=D: the distance from T (an evt.rawtime) in ms, rounded up, so that the
 * parser's `=` (read as "at most", FF_WITHIN) holds for |rawtime - T| <= D ms exactly.
 */
bool evt_get_around(const struct scry_event *ev, const struct field_arg *fa, struct field_val *v,
		    struct sbuf *b)
{
	uint64_t t = clock__wall(ev->ts), d;

	if (fa->idx < 0)
		return false;
	d = t > (uint64_t)fa->idx ? t - fa->idx : fa->idx - t;
	return u64_val(v, d / 1000000 + !!(d % 1000000));
}

/* --- closed sets ---------------------------------------------------------------------------- */

static const char *abspath_key_nth(size_t i)
{
	return i ? NULL : "src";
}

const struct field_values evt_abspath_keys = { abspath_key_nth, NULL, "recorded path" };

static const char *bool_nth(size_t i)
{
	static const char *const bools[] = { "true", "false" };

	return i < ARRAY_SIZE(bools) ? bools[i] : NULL;
}

const struct field_values evt_bool_values = { bool_nth };
