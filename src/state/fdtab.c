// SPDX-License-Identifier: GPL-2.0
/*
 * Each process's fd table (see scry/state.h): the entries, their names and their bounds. A
 * process shares its table with the processes it shares the kernel's with (CLONE_FILES): the
 * table counts its holders, and a holder that execs or unshares gets its own copy first. What
 * events do to the tables is fdops.c's.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "scry/util.h"

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

const char *fdt_anon_name(uint8_t type)
{
	return type < SCRY_FDT__MAX ? fd_types[type].anon : NULL;
}

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

uint8_t fdt_type_of_kind(uint8_t kind)
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

uint8_t fdt_type_of_family(uint64_t family)
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

void fdt_fd_free(struct scry_fd *f)
{
	stats.fds--;
	stats.name_bytes -= f->name_len;
	if (f->name_len)
		free(f->name);
	free(f);
}

void fdt_set_name(struct scry_fd *f, const char *s, size_t n)
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

struct fdtab *fdt_tab_new(void)
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

void fdt_tab_put(struct fdtab *t)
{
	size_t pos = 0;
	uint64_t key;
	void *v;

	if (!t || --t->refs)
		return;
	while (hashmap__next(t->map, &pos, &key, &v))
		fdt_fd_free(v);
	hashmap__free(t->map);
	free(t);
	stats.tables--;
}

struct fdtab *fdt_tab_of(struct scry_proc *p)
{
	if (!p->fds)
		p->fds = fdt_tab_new();
	return p->fds;
}

void fdt_fd_del(struct fdtab *t, int64_t fd)
{
	struct scry_fd *f;

	if (t && fd >= 0 && fd <= INT32_MAX && (f = hashmap__del(t->map, fd)))
		fdt_fd_free(f);
}

/* The entry for `fd`, emptied if it was there (an fd reused), NULL at a bound. */
struct scry_fd *fdt_fd_new(struct fdtab *t, int64_t fd)
{
	struct scry_fd *f;

	if (!t || fd < 0 || fd > INT32_MAX)
		return NULL;
	fdt_fd_del(t, fd);
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
struct scry_fd *fdt_fd_copy(struct fdtab *t, int64_t fd, const struct scry_fd *src)
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
	f = fdt_fd_new(t, fd);	/* may free src (dup2 onto itself is caught before) */
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
	fdt_set_name(f, name, n);
	return f;
}

struct fdtab *fdt_tab_clone(const struct fdtab *src)
{
	struct fdtab *t = fdt_tab_new();
	size_t pos = 0;
	uint64_t key;
	void *v;

	if (!t || !src)
		return t;
	while (hashmap__next(src->map, &pos, &key, &v)) {
		const struct scry_fd *f = v;
		struct scry_fd *c = fdt_fd_copy(t, key, f);

		if (c)
			c->flags |= f->flags & FDE_CLOEXEC;
	}
	return t;
}

/* A table of its own before it changes alone (exec, unshare, close_range's UNSHARE). */
struct fdtab *fdt_tab_own(struct scry_proc *p)
{
	struct fdtab *t = p->fds;

	if (t && t->refs > 1) {
		p->fds = fdt_tab_clone(t);
		fdt_tab_put(t);
	}
	return fdt_tab_of(p);
}

/*
 * Close the fds of `t` that `pred` picks (exec's close-on-exec, close_range), or mark them
 * close-on-exec: keys are gathered first, as a deletion moves other entries in the map.
 */
void fdt_tab_sweep(struct fdtab *t, bool (*pred)(const struct scry_fd *f, const void *arg),
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
			fdt_fd_free(hashmap__del(t->map, keys[i]));
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
	fdt_tab_put(p->fds);
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
 * ".." is not followed back, as sysdig does). `base` is absolute or empty. False if the result
 * does not fit `out`: a ".." after a cut would fold the wrong component.
 */
static bool join_path(struct sbuf *out, const char *base, const char *path)
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
			if (out->len + 1 + n >= out->cap)
				return false;
			sbuf__putc(out, '/');
			sbuf__write(out, s, n);
		}
	}
	if (!out->len)
		sbuf__putc(out, '/');
	return true;
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

		/* a directory whose own name is whole and absolute */
		if (d && d->name[0] == '/' && !(d->flags & (FDE_RELATIVE | FDE_TRUNC)) &&
		    (d->type == SCRY_FDT_DIR || d->type == SCRY_FDT_FILE))
			base = d->name;
	}
	if (base && join_path(out, base, path))
		return true;
	out->len = 0;
	out->buf[0] = '\0';
	sbuf__puts(out, path);
	return false;
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


size_t fdtab__count(const struct scry_proc *p)
{
	return p->fds ? hashmap__size(p->fds->map) : 0;
}
