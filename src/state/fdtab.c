// SPDX-License-Identifier: GPL-2.0
/*
 * Each process's fd table (see scry/state.h): fd -> type, name, flags, kept from the exits of
 * the calls that make, copy and close fds, as the syscall table's fd_op says. A process shares
 * its table with the processes it shares the kernel's with (CLONE_FILES): the entry counts its
 * holders, and a holder that execs or unshares gets its own copy first.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "scry/state.h"
#include "scry/util.h"

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE	(1U << 1)
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif
#define F_DUPFD_CLOEXEC_	1030
#define MFD_CLOEXEC_		1U
#define PERF_FLAG_FD_CLOEXEC_	(1UL << 3)
#define SETFL_MASK		(O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK)

struct fdtab {
	uint32_t refs;		/* processes holding it */
	struct hashmap *map;	/* fd -> struct scry_fd */
};

/* All tables together: the bounds are over everything scry holds. */
static struct fdtab_stats stats;

/* sysdig's letters and names (libsinsp's fdinfo), char and block devices added. */
static const struct {
	char c;
	const char *name;
	const char *anon;	/* the name /proc gives an fd of this type: "anon_inode:[eventfd]" */
} fd_types[SCRY_FDT__MAX] = {
	[SCRY_FDT_UNKNOWN] = { 'o', "unknown" },
	[SCRY_FDT_FILE] = { 'f', "file" },
	[SCRY_FDT_DIR] = { 'd', "directory" },
	[SCRY_FDT_IPV4] = { '4', "ipv4" },
	[SCRY_FDT_IPV6] = { '6', "ipv6" },
	[SCRY_FDT_UNIX] = { 'u', "unix" },
	[SCRY_FDT_PIPE] = { 'p', "pipe" },
	[SCRY_FDT_EVENT] = { 'e', "event", "anon_inode:[eventfd]" },
	[SCRY_FDT_SIGNALFD] = { 's', "signalfd", "anon_inode:[signalfd]" },
	[SCRY_FDT_EVENTPOLL] = { 'l', "eventpoll", "anon_inode:[eventpoll]" },
	[SCRY_FDT_INOTIFY] = { 'i', "inotify", "anon_inode:inotify" },
	[SCRY_FDT_TIMERFD] = { 't', "timerfd", "anon_inode:[timerfd]" },
	[SCRY_FDT_NETLINK] = { 'n', "netlink" },
	[SCRY_FDT_BPF] = { 'b', "bpf" },
	[SCRY_FDT_USERFAULTFD] = { 'u', "userfaultfd", "anon_inode:[userfaultfd]" },
	[SCRY_FDT_IOURING] = { 'r', "io_uring", "anon_inode:[io_uring]" },
	[SCRY_FDT_MEMFD] = { 'm', "memfd" },
	[SCRY_FDT_PIDFD] = { 'P', "pidfd", "anon_inode:[pidfd]" },
	[SCRY_FDT_CHR] = { 'f', "char" },
	[SCRY_FDT_BLK] = { 'f', "block" },
	[SCRY_FDT_SOCK] = { 'o', "socket" },
};

char fd_type_char(uint8_t type)
{
	return type < SCRY_FDT__MAX ? fd_types[type].c : '?';
}

const char *fd_type_name(uint8_t type)
{
	return type < SCRY_FDT__MAX ? fd_types[type].name : "unknown";
}

/* The inode kind (S_IFMT >> 12) an fd of each type has: what the kernel saw must agree. */
static bool kind_agrees(uint8_t type, uint8_t kind)
{
	switch (type) {
	case SCRY_FDT_FILE:
	case SCRY_FDT_MEMFD:
		return kind == SCRY_FD_REG || kind == SCRY_FD_LNK;
	case SCRY_FDT_DIR:
		return kind == SCRY_FD_DIR;
	case SCRY_FDT_PIPE:
		return kind == SCRY_FD_FIFO;
	case SCRY_FDT_CHR:
		return kind == SCRY_FD_CHR;
	case SCRY_FDT_BLK:
		return kind == SCRY_FD_BLK;
	case SCRY_FDT_IPV4:
	case SCRY_FDT_IPV6:
	case SCRY_FDT_UNIX:
	case SCRY_FDT_NETLINK:
	case SCRY_FDT_SOCK:
		return kind == SCRY_FD_SOCK;
	case SCRY_FDT_UNKNOWN:
		return true;
	default:	/* eventfd, epoll, bpf...: anonymous inodes (pidfd: a pidfs one, later) */
		return kind == SCRY_FD_ANON || kind == SCRY_FD_REG;
	}
}

static uint8_t type_of_kind(uint8_t kind)
{
	switch (kind) {
	case SCRY_FD_DIR:
		return SCRY_FDT_DIR;
	case SCRY_FD_FIFO:
		return SCRY_FDT_PIPE;
	case SCRY_FD_CHR:
		return SCRY_FDT_CHR;
	case SCRY_FD_BLK:
		return SCRY_FDT_BLK;
	case SCRY_FD_SOCK:
		return SCRY_FDT_UNIX;
	default:
		return SCRY_FDT_FILE;
	}
}

static uint8_t type_of_family(uint64_t family)
{
	switch (family) {
	case AF_INET:
		return SCRY_FDT_IPV4;
	case AF_INET6:
		return SCRY_FDT_IPV6;
	case AF_UNIX:
		return SCRY_FDT_UNIX;
	case AF_NETLINK:
		return SCRY_FDT_NETLINK;
	default:
		return SCRY_FDT_SOCK;
	}
}

/* --- the tables -------------------------------------------------------------------------------- */

static void fd_free(struct scry_fd *f)
{
	stats.fds--;
	stats.name_bytes -= f->name_len;
	if (f->name_len)
		free(f->name);
	free(f);
}

static void set_name(struct scry_fd *f, const char *s, size_t n)
{
	static char empty[1];
	char *d = empty;

	if (n > SCRY_FD_NAME_MAX) {
		n = SCRY_FD_NAME_MAX;
		f->flags |= FDE_TRUNC;
	}
	if (n && (d = malloc(n + 1))) {
		memcpy(d, s, n);
		d[n] = '\0';
	} else {
		n = 0;
		d = empty;
	}
	stats.name_bytes -= f->name_len;
	if (f->name_len)
		free(f->name);
	f->name = d;
	f->name_len = n;
	stats.name_bytes += n;
}

static struct fdtab *tab_new(void)
{
	struct fdtab *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (!(t->map = hashmap__new(16))) {
		free(t);
		return NULL;
	}
	t->refs = 1;
	stats.tables++;
	return t;
}

static void tab_put(struct fdtab *t)
{
	size_t pos = 0;
	uint64_t key;
	void *v;

	if (!t || --t->refs)
		return;
	while (hashmap__next(t->map, &pos, &key, &v))
		fd_free(v);
	hashmap__free(t->map);
	free(t);
	stats.tables--;
}

static struct fdtab *tab_of(struct scry_proc *p)
{
	if (!p->fds)
		p->fds = tab_new();
	return p->fds;
}

static void fd_del(struct fdtab *t, int64_t fd)
{
	struct scry_fd *f;

	if (t && fd >= 0 && fd <= INT32_MAX && (f = hashmap__del(t->map, fd)))
		fd_free(f);
}

/* The entry for `fd`, emptied if it was there (an fd reused), NULL at a bound. */
static struct scry_fd *fd_new(struct fdtab *t, int64_t fd)
{
	struct scry_fd *f;

	if (!t || fd < 0 || fd > INT32_MAX)
		return NULL;
	fd_del(t, fd);
	if (hashmap__size(t->map) >= FDTAB_PROC_MAX || stats.fds >= FDTAB_TOTAL_MAX ||
	    !(f = calloc(1, sizeof(*f)))) {
		stats.full++;
		return NULL;
	}
	if (hashmap__set(t->map, fd, f)) {
		free(f);
		stats.full++;
		return NULL;
	}
	f->fd = fd;
	f->name = "";
	stats.fds++;
	return f;
}

/* A copy of `src` as `fd` of `t` (dup, fork); close-on-exec is the fd's, not the file's. */
static struct scry_fd *fd_copy(struct fdtab *t, int64_t fd, const struct scry_fd *src)
{
	struct scry_fd *f;
	char *name;
	size_t n;

	if (!src)
		return NULL;
	if (hashmap__find(t->map, fd) == src)
		return (struct scry_fd *)src;
	name = src->name;
	n = src->name_len;
	f = fd_new(t, fd);	/* may free src (dup2 onto itself is caught before) */
	if (!f)
		return NULL;
	f->type = src->type;
	f->flags = src->flags & ~FDE_CLOEXEC;
	f->oflags = src->oflags;
	f->dev = src->dev;
	f->ino = src->ino;
	f->pid = src->pid;
	f->sock = src->sock;
	f->sa = src->sa;
	set_name(f, name, n);
	return f;
}

static struct fdtab *tab_clone(const struct fdtab *src)
{
	struct fdtab *t = tab_new();
	size_t pos = 0;
	uint64_t key;
	void *v;

	if (!t || !src)
		return t;
	while (hashmap__next(src->map, &pos, &key, &v)) {
		const struct scry_fd *f = v;
		struct scry_fd *c = fd_copy(t, key, f);

		if (c)
			c->flags |= f->flags & FDE_CLOEXEC;
	}
	return t;
}

/* A table of its own before it changes alone (exec, unshare, close_range's UNSHARE). */
static struct fdtab *tab_own(struct scry_proc *p)
{
	struct fdtab *t = p->fds;

	if (t && t->refs > 1) {
		p->fds = tab_clone(t);
		tab_put(t);
	}
	return tab_of(p);
}

/*
 * Close the fds of `t` that `pred` picks (exec's close-on-exec, close_range), or mark them
 * close-on-exec: keys are gathered first, as a deletion moves other entries in the map.
 */
static void tab_sweep(struct fdtab *t, bool (*pred)(const struct scry_fd *f, const void *arg),
		      const void *arg, bool cloexec)
{
	size_t pos = 0, n = 0, i;
	uint64_t key, *keys;
	void *v;

	if (!t || !(keys = malloc(hashmap__size(t->map) * sizeof(*keys) + 1)))
		return;
	while (hashmap__next(t->map, &pos, &key, &v))
		if (pred(v, arg))
			keys[n++] = key;
	for (i = 0; i < n; i++) {
		if (cloexec)
			((struct scry_fd *)hashmap__find(t->map, keys[i]))->flags |= FDE_CLOEXEC;
		else
			fd_free(hashmap__del(t->map, keys[i]));
	}
	free(keys);
}

const struct scry_fd *fdtab__get(const struct scry_proc *p, int32_t fd)
{
	return p && p->fds && fd >= 0 ? hashmap__find(p->fds->map, fd) : NULL;
}

const struct scry_fd *fdtab__next(const struct fdtab *t, size_t *pos)
{
	uint64_t key;
	void *v;

	return t && hashmap__next(t->map, pos, &key, &v) ? v : NULL;
}

void fdtab__release(struct scry_proc *p)
{
	tab_put(p->fds);
	p->fds = NULL;
	free(p->cwd);
	p->cwd = NULL;
}

void fdtab__stats(struct fdtab_stats *st)
{
	*st = stats;
}

/* --- names ------------------------------------------------------------------------------------- */

/*
 * `base` + "/" + `path`, "." and ".." folded as the kernel walks them (lexically: a symlink's
 * ".." is not followed back, as sysdig does). `base` is absolute or empty.
 */
static void join_path(struct sbuf *out, const char *base, const char *path)
{
	const char *s, *e;

	out->len = 0;
	out->buf[0] = '\0';
	for (int part = 0; part < 2; part++) {
		for (s = part ? path : base; *s; s = e) {
			size_t n;

			while (*s == '/')
				s++;
			for (e = s; *e && *e != '/'; e++)
				;
			n = e - s;
			if (!n || (n == 1 && s[0] == '.'))
				continue;
			if (n == 2 && s[0] == '.' && s[1] == '.') {
				while (out->len && out->buf[--out->len] != '/')
					;
				out->buf[out->len] = '\0';
				continue;
			}
			sbuf__putc(out, '/');
			sbuf__write(out, s, n);
		}
	}
	if (!out->len)
		sbuf__putc(out, '/');
}

bool fdtab__resolve(const struct scry_proc *p, int64_t dirfd, const char *path,
		    struct sbuf *out)
{
	const char *base = NULL;

	if (path[0] == '/') {
		base = "";
	} else if ((int32_t)dirfd == AT_FDCWD) {
		base = p ? p->cwd : NULL;
	} else {
		const struct scry_fd *d = fdtab__get(p, dirfd);

		if (d && d->name[0] == '/' && !(d->flags & FDE_RELATIVE) &&
		    (d->type == SCRY_FDT_DIR || d->type == SCRY_FDT_FILE))
			base = d->name;
	}
	if (!base) {
		out->len = 0;
		out->buf[0] = '\0';
		sbuf__puts(out, path);
		return false;
	}
	join_path(out, base, path);
	return true;
}

void fd_name_put(struct sbuf *b, const struct scry_fd *f)
{
	if (f->sock && f->sa.family != AF_UNIX)
		sock_addr_tuple(b, &f->sa, NULL, f->flags & FDE_SERVER ? SCR_SERVER : SCR_CLIENT,
				false);
	else
		sbuf__write(b, f->name, f->name_len);
}

const struct scry_fd *fdtab__of_event(const struct scry_event *ev, int64_t fd, uint8_t kind)
{
	const struct scry_fd *f;

	if (fd < 0 || fd > INT32_MAX || !(f = fdtab__get(ev->proc, fd)))
		return NULL;
	return !kind || kind_agrees(f->type, kind) ? f : NULL;
}

/* --- upkeep from events ------------------------------------------------------------------------ */

static uint64_t arg(const struct scry_rec_sys_exit *x, uint8_t pos)
{
	return pos && pos <= x->nargs ? x->args[pos - 1] : 0;
}

/* The argument named `name` (flags, type...), 0 if the call has none. */
static uint64_t arg_named(const struct syscall_desc *d, const struct scry_rec_sys_exit *x,
			  const char *name)
{
	for (int i = 0; i < d->nargs && i < x->nargs; i++)
		if (!strcmp(d->argname[i], name))
			return x->args[i];
	return 0;
}

static void set_cloexec(struct scry_fd *f, bool on)
{
	if (on)
		f->flags |= FDE_CLOEXEC;
	else
		f->flags &= ~FDE_CLOEXEC;
}

static void on_open(struct scry_proc *p, const struct scry_event *ev,
		    const struct syscall_desc *d)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	const struct scry_exit_file *xf = evt_exit_file(ev);
	char buf[SCRY_FD_NAME_MAX + 2];
	struct sbuf b;
	struct scry_fd *f;
	uint64_t oflags;
	bool whole;

	sbuf__init(&b, buf, sizeof(buf));
	if (!x->path_len) {
		f = fd_new(tab_of(p), ev->res);
		if (f)
			f->type = x->fd_kind[1] ? type_of_kind(x->fd_kind[1]) : SCRY_FDT_FILE;
		return;
	}
	whole = fdtab__resolve(p, d->dirfd ? (int64_t)arg(x, d->dirfd) : AT_FDCWD, x->path, &b);
	if (!(f = fd_new(tab_of(p), ev->res)))
		return;
	oflags = !strcmp(d->name, "creat") ? (O_CREAT | O_WRONLY | O_TRUNC) :
		 arg_named(d, x, "flags");
	f->type = x->fd_kind[1] ? type_of_kind(x->fd_kind[1]) :
		  (oflags & O_DIRECTORY) ? SCRY_FDT_DIR : SCRY_FDT_FILE;
	f->oflags = oflags & ~(uint64_t)O_CLOEXEC;
	set_cloexec(f, oflags & O_CLOEXEC);
	if (!whole)
		f->flags |= FDE_RELATIVE;
	if (ev->rec->h.flags & SCRY_HF_TRUNC)
		f->flags |= FDE_TRUNC;
	if (xf) {
		f->ino = xf->ino;
		f->dev = xf->dev;
	}
	set_name(f, b.buf, b.len);
}

/* The name of an fd made by a call that tells its type: /proc's for anonymous inodes. */
static void on_new(struct scry_proc *p, const struct scry_event *ev,
		   const struct syscall_desc *d, uint8_t type)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	struct scry_fd *f = fd_new(tab_of(p), ev->res);
	uint64_t flags = arg_named(d, x, "flags");

	if (!f)
		return;
	f->type = type;
	if (type == SCRY_FDT_MEMFD) {
		char buf[SCRY_PATH_MAX + 16];
		struct sbuf b;

		sbuf__init(&b, buf, sizeof(buf));
		sbuf__puts(&b, "/memfd:");
		if (x->path_len)
			sbuf__write(&b, x->path, x->path_len - 1);
		set_name(f, b.buf, b.len);
		set_cloexec(f, flags & MFD_CLOEXEC_);
		return;
	}
	if (fd_types[type].anon)
		set_name(f, fd_types[type].anon, strlen(fd_types[type].anon));
	if (type == SCRY_FDT_PIDFD)
		f->pid = (uint32_t)arg(x, 1);
	/* pidfds and rings are always close-on-exec; the others say so in their flags */
	if (type == SCRY_FDT_PIDFD || type == SCRY_FDT_IOURING)
		set_cloexec(f, true);
	else if (!strcmp(d->name, "perf_event_open"))
		set_cloexec(f, flags & PERF_FLAG_FD_CLOEXEC_);
	else
		set_cloexec(f, flags & O_CLOEXEC);
}

/* bpf(2)'s commands that return a new fd, and what /proc names it. */
static const struct {
	uint32_t cmd;
	const char *name;
} bpf_fds[] = {
	{ 0, "anon_inode:bpf-map" }, { 5, "anon_inode:bpf-prog" }, { 7, "" },
	{ 13, "anon_inode:bpf-prog" }, { 14, "anon_inode:bpf-map" },
	{ 17, "anon_inode:bpf_link" }, { 18, "anon_inode:btf" }, { 19, "anon_inode:btf" },
	{ 28, "anon_inode:bpf_link" }, { 30, "anon_inode:bpf_link" },
	{ 33, "anon_inode:bpf_iter" },
};

static void on_bpf(struct scry_proc *p, const struct scry_event *ev)
{
	uint64_t cmd = arg(&ev->rec->exit, 1);
	struct scry_fd *f;

	for (size_t i = 0; i < ARRAY_SIZE(bpf_fds); i++) {
		if (bpf_fds[i].cmd != cmd)
			continue;
		if ((f = fd_new(tab_of(p), ev->res))) {
			f->type = SCRY_FDT_BPF;
			set_name(f, bpf_fds[i].name, strlen(bpf_fds[i].name));
			set_cloexec(f, true);	/* the kernel makes every bpf fd so */
		}
		return;
	}
}

static void on_pair(struct scry_proc *p, const struct scry_event *ev,
		    const struct syscall_desc *d)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	const struct scry_exit_fdpair *fp = evt_exit_fdpair(ev);
	bool pipe = d->fdtype == SCRY_FDT_PIPE;
	uint64_t flags = pipe ? arg_named(d, x, "flags") : arg_named(d, x, "type");

	if (!fp)
		return;
	for (int i = 0; i < 2; i++) {
		struct scry_fd *f = fd_new(tab_of(p), fp->fd[i]);
		char buf[32];
		int n;

		if (!f)
			continue;
		f->type = pipe ? SCRY_FDT_PIPE : type_of_family(arg_named(d, x, "domain"));
		f->ino = fp->ino[i];
		f->oflags = pipe ? (i ? O_WRONLY : O_RDONLY) : O_RDWR;
		set_cloexec(f, flags & O_CLOEXEC);
		if (pipe) {
			n = snprintf(buf, sizeof(buf), "pipe:[%llu]", (unsigned long long)fp->ino[i]);
			set_name(f, buf, n);
		}
	}
}

/* A socket call's exit carries its socket's addresses: the entry learns them. */
static void on_sock_addr(struct scry_proc *p, const struct scry_event *ev,
			 const struct syscall_desc *d)
{
	const struct scry_sock_addr *a = evt_sock_addr(ev);
	const char *name = evt_sock_name(ev);
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	int64_t fd = d->sock == SCRY_SYSARG_RET ? ev->res : (int32_t)arg(x, d->sock);
	struct scry_fd *f = (struct scry_fd *)fdtab__get(p, fd);

	if (fd < 0)
		return;
	/* accept's new fd; or a socket that predates scry, first seen in a call */
	if (d->fdop == FDOP_ACCEPT || !f) {
		if (!(f = fd_new(tab_of(p), fd)))
			return;
		f->oflags = O_RDWR;
		if (d->fdop == FDOP_ACCEPT) {
			f->flags |= FDE_SERVER;
			set_cloexec(f, arg_named(d, x, "flags") & SOCK_CLOEXEC);
		}
	}
	f->type = type_of_family(a->family);
	/* an unconnected datagram socket's peer is the call's, not the socket's */
	f->sock = true;
	f->sa = *a;
	if (d->role == SCR_DGRAM_SEND || d->role == SCR_DGRAM_RECV) {
		if (a->sktype == SOCK_DGRAM)
			f->flags = (f->flags & ~FDE_SERVER) |
				   (d->role == SCR_DGRAM_RECV ? FDE_SERVER : 0);
	} else if (d->role == SCR_SERVER) {
		f->flags |= FDE_SERVER;
	} else if (d->role == SCR_CLIENT) {
		f->flags &= ~FDE_SERVER;
	}
	if (a->family == AF_UNIX && name && (f->name_len != strlen(name) ||
					     memcmp(f->name, name, f->name_len)))
		set_name(f, name, strlen(name));
}

static void on_fcntl(struct scry_proc *p, const struct scry_event *ev)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	int64_t fd = (int32_t)arg(x, 1);
	uint64_t cmd = arg(x, 2), a = arg(x, 3);
	struct scry_fd *f = (struct scry_fd *)fdtab__get(p, fd);

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC_:
		if (f && (f = fd_copy(tab_of(p), ev->res, f)))
			set_cloexec(f, cmd == F_DUPFD_CLOEXEC_);
		else
			fd_del(p->fds, ev->res);
		break;
	case F_SETFD:
		if (f)
			set_cloexec(f, a & FD_CLOEXEC);
		break;
	case F_SETFL:
		if (f)
			f->oflags = (f->oflags & ~SETFL_MASK) | (a & SETFL_MASK);
		break;
	}
}

static void on_dup(struct scry_proc *p, const struct scry_event *ev,
		   const struct syscall_desc *d)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	int64_t old = (int32_t)arg(x, 1), fd = ev->res;
	const struct scry_fd *src = fdtab__get(p, old);
	struct scry_fd *f;

	if (old == fd)		/* dup2(fd, fd): nothing changes */
		return;
	/* An fd scry does not know replaces a known one: what it was is gone. */
	if (!src || !(f = fd_copy(tab_of(p), fd, src))) {
		fd_del(p->fds, fd);
		return;
	}
	set_cloexec(f, !strcmp(d->name, "dup3") && (arg(x, 3) & O_CLOEXEC));
}

static bool in_range(const struct scry_fd *f, const void *arg)
{
	const uint64_t *r = arg;

	return (uint64_t)f->fd >= r[0] && (uint64_t)f->fd <= r[1];
}

static void on_close_range(struct scry_proc *p, const struct scry_event *ev)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	uint64_t range[2] = { (uint32_t)arg(x, 1), (uint32_t)arg(x, 2) }, flags = arg(x, 3);

	if (flags & CLOSE_RANGE_UNSHARE)
		tab_own(p);
	/* a walk of the table's few hundred fds, never of the range's billions */
	tab_sweep(p->fds, in_range, range, flags & CLOSE_RANGE_CLOEXEC);
}

static void on_pidfd_getfd(struct proctab *pt, struct scry_proc *p, const struct scry_event *ev)
{
	const struct scry_fd *pidfd = fdtab__get(p, (int32_t)arg(&ev->rec->exit, 1));
	struct scry_proc *other = pidfd && pidfd->pid ? proctab__proc(pt, pidfd->pid) : NULL;
	const struct scry_fd *src = fdtab__get(other, (int32_t)arg(&ev->rec->exit, 2));
	struct scry_fd *f = src ? fd_copy(tab_of(p), ev->res, src) : NULL;

	if (f)
		set_cloexec(f, true);
	else
		fd_del(p->fds, ev->res);
}

static void set_cwd(struct scry_proc *p, const char *dir, bool known)
{
	free(p->cwd);
	p->cwd = known ? strdup(dir) : NULL;
}

static void on_chdir(struct scry_proc *p, const struct scry_event *ev)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	char buf[SCRY_FD_NAME_MAX + 2];
	struct sbuf b;

	sbuf__init(&b, buf, sizeof(buf));
	if (!x->path_len || (ev->rec->h.flags & SCRY_HF_TRUNC)) {
		set_cwd(p, NULL, false);
		return;
	}
	set_cwd(p, b.buf, fdtab__resolve(p, AT_FDCWD, x->path, &b));
}

static void on_fchdir(struct scry_proc *p, const struct scry_event *ev)
{
	const struct scry_fd *f = fdtab__get(p, (int32_t)arg(&ev->rec->exit, 1));

	set_cwd(p, f ? f->name : NULL, f && f->type == SCRY_FDT_DIR && f->name[0] == '/' &&
					  !(f->flags & FDE_RELATIVE));
}

static void on_sys_exit(struct proctab *pt, struct scry_proc *p, struct scry_event *ev)
{
	const struct syscall_desc *d = syscall_desc(ev->nr);
	const struct scry_rec_sys_exit *x = &ev->rec->exit;

	if (!d)
		return;
	if (evt_sock_addr(ev) && ev->res >= 0)
		on_sock_addr(p, ev, d);
	if (ev->res < 0 || (!d->fdop))
		return;
	switch (d->fdop) {
	case FDOP_OPEN:
		on_open(p, ev, d);
		break;
	case FDOP_NEW:
		on_new(p, ev, d, d->fdtype);
		break;
	case FDOP_SIGNALFD:
		if ((int32_t)arg(x, 1) == -1)
			on_new(p, ev, d, SCRY_FDT_SIGNALFD);
		break;
	case FDOP_SOCKET: {
		struct scry_fd *f = fd_new(tab_of(p), ev->res);

		if (f) {
			f->type = type_of_family(arg(x, 1));
			f->oflags = O_RDWR;
			set_cloexec(f, arg(x, 2) & SOCK_CLOEXEC);
		}
		break;
	}
	case FDOP_PAIR:
		on_pair(p, ev, d);
		break;
	case FDOP_DUP:
		on_dup(p, ev, d);
		break;
	case FDOP_FCNTL:
		on_fcntl(p, ev);
		break;
	case FDOP_PIDFD_GETFD:
		on_pidfd_getfd(pt, p, ev);
		break;
	case FDOP_CHDIR:
		on_chdir(p, ev);
		break;
	case FDOP_FCHDIR:
		on_fchdir(p, ev);
		break;
	case FDOP_UNSHARE:
		if (arg(x, 1) & CLONE_FILES)
			tab_own(p);
		break;
	case FDOP_BPF:
		on_bpf(p, ev);
		break;
	default:	/* close, close_range: once the sinks have seen the event */
		break;
	}
}

static void on_fork(struct proctab *pt, struct scry_proc *child, const struct scry_rec_fork *r)
{
	struct scry_proc *parent = proctab__proc(pt, r->parent_pid);

	if ((r->fork_flags & SCRY_FORK_THREAD) || !parent || parent == child)
		return;
	/* A pid reused before its entry went: the new process starts clean. */
	fdtab__release(child);
	if (parent->cwd)
		child->cwd = strdup(parent->cwd);
	if (!parent->fds)
		return;
	if (r->fork_flags & SCRY_FORK_FILES) {
		child->fds = parent->fds;
		child->fds->refs++;
	} else {
		child->fds = tab_clone(parent->fds);
	}
}

static bool is_cloexec(const struct scry_fd *f, const void *arg)
{
	return f->flags & FDE_CLOEXEC;
}

/* exec closes the close-on-exec fds (of its own table: exec unshares a shared one). */
static void on_exec(struct scry_proc *p)
{
	if (p->fds)
		tab_sweep(tab_own(p), is_cloexec, NULL, false);
}

static void on_seed(struct proctab *pt, const struct scry_rec_fd_seed *r)
{
	struct scry_proc *p = proctab__proc(pt, r->h.pid);
	const struct scry_sock_addr *a = (const void *)r->name;
	struct scry_fd *f;
	size_t n;

	if (!p)
		return;
	if (r->fd == SCRY_FD_CWD) {
		set_cwd(p, r->name, r->name_len > 1 && r->name[0] == '/');
		return;
	}
	if (!(f = fd_new(tab_of(p), r->fd)))
		return;
	f->type = r->type;
	f->oflags = r->oflags;
	f->dev = r->dev;
	f->ino = r->ino;
	f->flags = FDE_SEEDED | (r->xflags & SCRY_FDS_CLOEXEC ? FDE_CLOEXEC : 0) |
		   (r->xflags & SCRY_FDS_TRUNC ? FDE_TRUNC : 0);
	if ((r->xflags & SCRY_FDS_SOCK) && r->name_len >= sizeof(*a)) {
		f->sock = true;
		f->sa = *a;
		n = r->name_len - sizeof(*a);
		if (n > 1)
			set_name(f, a->name, strnlen(a->name, n));
		return;
	}
	if (r->name_len > 1)
		set_name(f, r->name, r->name_len - 1);
}

void fdtab__apply(struct proctab *pt, struct scry_event *ev)
{
	switch (ev->type) {
	case SCRY_REC_SYS_EXIT:
		if (ev->proc && ev->size >= SCRY_SYS_EXIT_ARGS)
			on_sys_exit(pt, ev->proc, ev);
		break;
	case SCRY_REC_FORK:
		if (ev->proc)
			on_fork(pt, ev->proc, &ev->rec->fork);
		break;
	case SCRY_REC_EXEC:
		if (ev->proc)
			on_exec(ev->proc);
		break;
	case SCRY_REC_FD_SEED:
		on_seed(pt, &ev->rec->fdseed);
		break;
	}
}

void fdtab__after(struct proctab *pt, struct scry_event *ev)
{
	const struct syscall_desc *d;

	if (ev->type != SCRY_REC_SYS_EXIT || !ev->proc || ev->size < SCRY_SYS_EXIT_ARGS ||
	    !(d = syscall_desc(ev->nr)))
		return;
	/* close(2) frees the fd even when it fails with EINTR (Linux) */
	if (d->fdop == FDOP_CLOSE && (ev->res == 0 || ev->res == -EINTR))
		fd_del(ev->proc->fds, (int32_t)arg(&ev->rec->exit, 1));
	else if (d->fdop == FDOP_CLOSE_RANGE && ev->res == 0)
		on_close_range(ev->proc, ev);
}
