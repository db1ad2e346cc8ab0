// SPDX-License-Identifier: GPL-2.0
/*
 * The fd tables' upkeep from events (see scry/state.h): what each syscall exit does to its
 * process's table, as the syscall table's fd_op says, and fork, exec and the fd seeds.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "scry/util.h"

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE	(1U << 1)
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif
#define F_DUPFD_CLOEXEC_	1030
#define MFD_CLOEXEC_		1U
#define PERF_FLAG_FD_CLOEXEC_	(1UL << 3)
#define FAN_CLOEXEC_		1U
#define SETFL_MASK		(O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK)

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
	/* no path (unreadable); the decoder lets no other part stand in path[] of an open */
	if (!x->path_len || (x->xflags & (SCRY_SX_SOCK | SCRY_SX_FDPAIR))) {
		f = fdt_fd_new(fdt_tab_of(p), ev->res);
		if (f)
			f->type = x->fd_kind[1] ? fdt_type_of_kind(x->fd_kind[1]) : SCRY_FDT_FILE;
		return;
	}
	whole = fdtab__resolve(p, d->dirfd ? (int64_t)arg(x, d->dirfd) : AT_FDCWD, x->path, &b);
	if (!(f = fdt_fd_new(fdt_tab_of(p), ev->res)))
		return;
	oflags = !strcmp(d->name, "creat") ? (O_CREAT | O_WRONLY | O_TRUNC) :
		 arg_named(d, x, "flags");
	f->type = x->fd_kind[1] ? fdt_type_of_kind(x->fd_kind[1]) :
		  (oflags & O_DIRECTORY) ? SCRY_FDT_DIR : SCRY_FDT_FILE;
	f->oflags = oflags & ~(uint64_t)O_CLOEXEC;
	set_cloexec(f, oflags & O_CLOEXEC);
	if (!whole)
		f->flags |= FDE_RELATIVE;
	/* the path argument cut by BPF, or the cwd and path together past PATH_MAX */
	if ((ev->rec->h.flags & SCRY_HF_TRUNC) || b.len >= sizeof(buf) - 1)
		f->flags |= FDE_TRUNC;
	if (xf) {
		f->ino = xf->ino;
		f->dev = xf->dev;
	}
	fdt_set_name(f, b.buf, b.len);
}

/* The name of an fd made by a call that tells its type: /proc's for anonymous inodes. */
static void on_new(struct scry_proc *p, const struct scry_event *ev,
		   const struct syscall_desc *d, uint8_t type)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	struct scry_fd *f = fdt_fd_new(fdt_tab_of(p), ev->res);
	uint64_t flags = arg_named(d, x, "flags");
	const char *anon;

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
		fdt_set_name(f, b.buf, b.len);
		set_cloexec(f, flags & MFD_CLOEXEC_);
		return;
	}
	if ((anon = fdt_anon_name(type)))
		fdt_set_name(f, anon, strlen(anon));
	/* the pid is the caller's namespace's: the table's (host) pid only if they are one */
	if (type == SCRY_FDT_PIDFD && p->vpid == p->pid)
		f->pid = (uint32_t)arg(x, 1);
	/* pidfds and rings are always close-on-exec; the others say so in their flags */
	if (type == SCRY_FDT_PIDFD || type == SCRY_FDT_IOURING)
		set_cloexec(f, true);
	else if (!strcmp(d->name, "perf_event_open"))
		set_cloexec(f, flags & PERF_FLAG_FD_CLOEXEC_);
	else if (!strcmp(d->name, "fanotify_init"))
		set_cloexec(f, flags & FAN_CLOEXEC_);
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
		if ((f = fdt_fd_new(fdt_tab_of(p), ev->res))) {
			f->type = SCRY_FDT_BPF;
			fdt_set_name(f, bpf_fds[i].name, strlen(bpf_fds[i].name));
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
		struct scry_fd *f = fdt_fd_new(fdt_tab_of(p), fp->fd[i]);
		char buf[32];
		int n;

		if (!f)
			continue;
		f->type = pipe ? SCRY_FDT_PIPE : fdt_type_of_family(arg_named(d, x, "domain"));
		f->ino = fp->ino[i];
		f->oflags = pipe ? (i ? O_WRONLY : O_RDONLY) : O_RDWR;
		set_cloexec(f, flags & O_CLOEXEC);
		if (pipe) {
			n = snprintf(buf, sizeof(buf), "pipe:[%llu]", (unsigned long long)fp->ino[i]);
			fdt_set_name(f, buf, n);
		}
	}
}

/* A socket call's exit carries its socket's addresses: the entry learns them. */
static void on_sock_addr(struct scry_proc *p, struct scry_event *ev,
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
		if (!(f = fdt_fd_new(fdt_tab_of(p), fd)))
			return;
		f->oflags = O_RDWR;
		if (d->fdop == FDOP_ACCEPT) {
			f->flags |= FDE_SERVER;
			set_cloexec(f, arg_named(d, x, "flags") & SOCK_CLOEXEC);
		}
	}
	f->type = fdt_type_of_family(a->family);
	/* sysdig's fd.name_changed: the fd's name (its tuple) is not what it was before the call */
	ev->fd_name_changed = !f->sock || memcmp(&f->sa, a, sizeof(*a));
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
					     memcmp(f->name, name, f->name_len))) {
		fdt_set_name(f, name, strlen(name));
		ev->fd_name_changed = true;
	}
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
		if (f && (f = fdt_fd_copy(fdt_tab_of(p), ev->res, f)))
			set_cloexec(f, cmd == F_DUPFD_CLOEXEC_);
		else
			fdt_fd_del(p->fds, ev->res);
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
	if (!src || !(f = fdt_fd_copy(fdt_tab_of(p), fd, src))) {
		fdt_fd_del(p->fds, fd);
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
		fdt_tab_own(p);
	/* a walk of the table's few hundred fds, never of the range's billions */
	fdt_tab_sweep(p->fds, in_range, range, flags & CLOSE_RANGE_CLOEXEC);
}

static void on_pidfd_getfd(struct proctab *pt, struct scry_proc *p, const struct scry_event *ev)
{
	const struct scry_fd *pidfd = fdtab__get(p, (int32_t)arg(&ev->rec->exit, 1));
	struct scry_proc *other = pidfd && pidfd->pid ? proctab__proc(pt, pidfd->pid) : NULL;
	const struct scry_fd *src = fdtab__get(other, (int32_t)arg(&ev->rec->exit, 2));
	struct scry_fd *f = src ? fdt_fd_copy(fdt_tab_of(p), ev->res, src) : NULL;

	if (f)
		set_cloexec(f, true);
	else
		fdt_fd_del(p->fds, ev->res);
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
	if (!x->path_len || (x->xflags & (SCRY_SX_SOCK | SCRY_SX_FDPAIR)) ||
	    (ev->rec->h.flags & SCRY_HF_TRUNC)) {
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
		struct scry_fd *f = fdt_fd_new(fdt_tab_of(p), ev->res);

		if (f) {
			f->type = fdt_type_of_family(arg(x, 1));
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
			fdt_tab_own(p);
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
		child->fds = fdt_tab_clone(parent->fds);
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
		fdt_tab_sweep(fdt_tab_own(p), is_cloexec, NULL, false);
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
		set_cwd(p, r->name, r->name_len > 1 && r->name[0] == '/' &&
				    !(r->xflags & SCRY_FDS_TRUNC));
		return;
	}
	if (!(f = fdt_fd_new(fdt_tab_of(p), r->fd)))
		return;
	f->type = r->type;
	f->oflags = r->oflags;
	f->dev = r->dev;
	f->ino = r->ino;
	f->flags = FDE_SEEDED | (r->xflags & SCRY_FDS_CLOEXEC ? FDE_CLOEXEC : 0) |
		   (r->xflags & SCRY_FDS_TRUNC ? FDE_TRUNC : 0) |
		   (r->xflags & SCRY_FDS_SERVER ? FDE_SERVER : 0);
	if ((r->xflags & SCRY_FDS_SOCK) && r->name_len >= sizeof(*a)) {
		f->sock = true;
		f->sa = *a;
		n = r->name_len - sizeof(*a);
		if (n > 1)
			fdt_set_name(f, a->name, strnlen(a->name, n));
		return;
	}
	if (r->name_len > 1)
		fdt_set_name(f, r->name, r->name_len - 1);
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
		fdt_fd_del(ev->proc->fds, (int32_t)arg(&ev->rec->exit, 1));
	else if (d->fdop == FDOP_CLOSE_RANGE && ev->res == 0)
		on_close_range(ev->proc, ev);
}
