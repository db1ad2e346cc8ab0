// SPDX-License-Identifier: GPL-2.0
/* Syscall records: raw_syscalls:sys_enter and sys_exit (with a folded enter, two events). */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>

#include "scry/ctrlife.h"
#include "internal.h"
#include "scry/state.h"

int sys_enter_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	ev->nr = syscall_native(r->enter.nr);
	return 1;
}

/* Where an exit's file (SCRY_SX_FILE) sits: after its path, 8-aligned. */
static inline uint32_t exit_file_at(const struct scry_rec_sys_exit *x)
{
	return SCRY_SYS_EXIT_ARGS + ((x->path_len + 7U) & ~7U);
}

const struct scry_exit_file *evt_exit_file(const struct scry_event *ev)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;

	if (ev->type != SCRY_REC_SYS_EXIT || ev->size < SCRY_SYS_EXIT_ARGS ||
	    !(x->xflags & SCRY_SX_FILE))
		return NULL;
	return (const void *)((const char *)x + exit_file_at(x));
}

const struct scry_exit_fdpair *evt_exit_fdpair(const struct scry_event *ev)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;

	if (ev->type != SCRY_REC_SYS_EXIT || ev->size < SCRY_SYS_EXIT_ARGS ||
	    !(x->xflags & SCRY_SX_FDPAIR))
		return NULL;
	return (const void *)x->path;
}

const char *evt_exit_path2(const struct scry_event *ev, size_t *len)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	const struct syscall_desc *d;
	size_t n1;

	if (ev->type != SCRY_REC_SYS_EXIT || ev->size < SCRY_SYS_EXIT_ARGS || !x->path_len ||
	    (x->xflags & (SCRY_SX_SOCK | SCRY_SX_FDPAIR)) || !(d = syscall_desc(ev->nr)) ||
	    !d->path2)
		return NULL;
	n1 = strnlen(x->path, x->path_len);
	if (n1 + 1 >= x->path_len)
		return NULL;
	/* the decoder made sure path[] ends in a NUL */
	*len = x->path_len - n1 - 2;
	return x->path + n1 + 1;
}

int sys_exit_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	const struct scry_rec_sys_exit *x = &r->exit;
	uint32_t end = SCRY_SYS_EXIT_ARGS + x->path_len;

	ev->dir = '<';
	ev->nr = syscall_native(x->nr);
	ev->res = x->ret;
	if (x->enter_ts > r->h.ts)
		return -EINVAL;
	if (x->nargs > SCRY_NARGS || x->path_len > SCRY_PATH_MAX ||
	    (x->xflags & ~(SCRY_SX_SOCK | SCRY_SX_FILE | SCRY_SX_FDPAIR | SCRY_SX_DATA |
			   SCRY_SX_POLL | SCRY_SX_CREATED)))
		return -EINVAL;
	/* diff18: a mark on an open's file, nothing of its own */
	if ((x->xflags & SCRY_SX_CREATED) && !(x->xflags & SCRY_SX_FILE))
		return -EINVAL;
	/*
	 * Each part only where the syscall table puts it (the fd table and the printer read a
	 * path, a socket's addresses or a pair of fds by what the call is), and only with the
	 * arguments, as BPF writes them.
	 */
	if (x->xflags) {
		const struct syscall_desc *d = syscall_desc(ev->nr);

		if (!x->nargs || !d || ((x->xflags & SCRY_SX_SOCK) && !d->sock) ||
		    ((x->xflags & SCRY_SX_FDPAIR) && !d->pair) ||
		    ((x->xflags & SCRY_SX_FILE) && d->fdop != FDOP_OPEN) ||
		    ((x->xflags & SCRY_SX_DATA) && !iodata_dir(ev->nr)) ||
		    ((x->xflags & SCRY_SX_POLL) && iodata_kind(ev->nr) != IODATA_POLL))
			return -EINVAL;
	}
	/* The data ends the record: the rest is checked as the record without it. */
	if ((x->xflags & (SCRY_SX_DATA | SCRY_SX_POLL)) &&
	    (int)(size = iodata_check(x, size)) < 0)
		return -EINVAL;
	/* path[] holds one of: a path, a socket's addresses, a pair of fds */
	if ((x->xflags & SCRY_SX_SOCK) && (x->xflags & SCRY_SX_FDPAIR))
		return -EINVAL;
	if (x->xflags & SCRY_SX_FILE) {
		if (x->xflags & (SCRY_SX_SOCK | SCRY_SX_FDPAIR))
			return -EINVAL;
		end = exit_file_at(x) + sizeof(struct scry_exit_file);
		if (end > sizeof(struct scry_rec_sys_exit))
			return -EINVAL;
	}
	if (x->nargs == 0 && x->path_len == 0 && !x->xflags) {
		if (size != SCRY_SYS_EXIT_SHORT)
			return -EINVAL;
	} else if (size != end) {
		return -EINVAL;
	} else if (x->xflags & SCRY_SX_SOCK) {
		/* a socket's addresses, then maybe a unix socket's name with its NUL */
		if (x->path_len < sizeof(struct scry_sock_addr) ||
		    (x->path_len > sizeof(struct scry_sock_addr) &&
		     x->path[x->path_len - 1] != '\0'))
			return -EINVAL;
	} else if (x->xflags & SCRY_SX_FDPAIR) {
		if (x->path_len != sizeof(struct scry_exit_fdpair))
			return -EINVAL;
	} else if (x->path_len && x->path[x->path_len - 1] != '\0') {
		return -EINVAL;
	}
	if (!r->exit.enter_ts)
		return 1;
	/* The folded enter comes first, with its own time; the exit knows its latency. */
	ev[1] = ev[0];
	ev[1].latency = r->h.ts - r->exit.enter_ts;
	ev[0].type = SCRY_REC_SYS_ENTER;
	ev[0].dir = '>';
	ev[0].res = 0;
	ev[0].ts = r->exit.enter_ts;
	return 2;
}

static void put_res(const struct scry_event *ev, struct sbuf *b)
{
	const struct syscall_desc *d = syscall_desc(ev->nr);
	const char *en = evt_res_errno(ev);

	if (d && d->ret == ARG_X && !en)
		sbuf__hex(b, ev->res);
	else
		sbuf__s64(b, ev->res);
	if (en) {
		sbuf__putc(b, '(');
		sbuf__puts(b, en);
		sbuf__putc(b, ')');
	}
}

/* 3(<4t>127.0.0.1:40000->127.0.0.1:8080): the socket's addresses, as sysdig shows them. */
static void put_sock_fd(struct sbuf *b, const struct scry_event *ev, int64_t fd)
{
	sbuf__s64(b, fd);
	sbuf__putc(b, '(');
	sock_addr_tuple(b, evt_sock_addr(ev), evt_sock_name(ev), evt_sock_role(ev), true);
	sbuf__putc(b, ')');
}

/*
 * sysdig's fd=3(<f>/etc/hosts): the fd, and what the fd table says it is, if the kind the kernel
 * saw at the call (`kind`, 0: not read) agrees; else the kind alone ("(<f>)"), else nothing.
 */
static void put_fd(struct sbuf *b, const struct scry_event *ev, int64_t fd, uint8_t kind)
{
	const struct scry_fd *f = fdtab__of_event(ev, fd, kind);

	sbuf__s64(b, fd);
	if (!f && !kind)
		return;
	sbuf__write(b, "(<", 2);
	sbuf__putc(b, f ? fd_type_char(f->type) : fd_kind_char(kind));
	if (f && f->sock && f->sa.family != AF_UNIX) {
		const char *l4 = sock_l4proto(f->sa.family, f->sa.protocol, f->sa.sktype);

		if (*l4)
			sbuf__putc(b, *l4);
	}
	sbuf__putc(b, '>');
	if (f)
		fd_name_put(b, f);
	sbuf__putc(b, ')');
}

/* The fd a call made (open, socket, dup...): its entry, as the table has it now. */
static bool makes_fd(const struct syscall_desc *d, const struct scry_event *ev)
{
	switch (d->fdop) {
	case FDOP_OPEN:
	case FDOP_NEW:
	case FDOP_SOCKET:
	case FDOP_DUP:
	case FDOP_PIDFD_GETFD:
		return true;
	case FDOP_SIGNALFD:
		return (int32_t)ev->rec->exit.args[0] == -1;
	case FDOP_FCNTL:
		return ev->rec->exit.args[1] == F_DUPFD || ev->rec->exit.args[1] == 1030;
	case FDOP_BPF:
		return fdtab__of_event(ev, ev->res, 0) != NULL;
	default:
		return false;
	}
}

bool evt_fd_num(const struct scry_event *ev, int64_t *fd, uint8_t *kind)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	const struct syscall_desc *d;

	if (ev->type != SCRY_REC_SYS_EXIT || ev->size < SCRY_SYS_EXIT_ARGS || !x->nargs ||
	    !(d = syscall_desc(ev->nr)))
		return false;
	*kind = 0;
	/* accept, open, socket, dup...: the fd it made, as in sysdig */
	if ((d->sock == SCRY_SYSARG_RET && evt_sock_addr(ev)) ||
	    (ev->res >= 0 && makes_fd(d, ev))) {
		*fd = ev->res;
		if (d->fdop == FDOP_OPEN)
			*kind = x->fd_kind[1];
		return true;
	}
	if (!d->fd_a)
		return false;
	*fd = (int32_t)x->args[d->fd_a - 1];
	*kind = x->fd_kind[0];
	return true;
}

/*
 * What evt.info shows for an exit, pair by pair: res, the fd the call made (with what it is),
 * then the arguments. evt.arg (by position and by name) reads the same pairs, so the names and
 * values of the field and of the line agree by construction.
 */
enum pair_kind { PK_RES, PK_MADE_FD, PK_SOCK_FD, PK_ARG };

struct pair {
	uint8_t kind;		/* enum pair_kind */
	uint8_t arg;		/* PK_ARG, PK_SOCK_FD: the argument's index */
};

static unsigned int exit_pairs(const struct scry_event *ev, const struct syscall_desc *d,
			       struct pair p[2 + SCRY_NARGS])
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	bool sock = evt_sock_addr(ev) != NULL;
	unsigned int n = 0, i;

	p[n++] = (struct pair){ PK_RES, 0 };
	if (!d)
		return n;
	/* accept: the fd it returned, with the connection it stands for, as sysdig's fd= */
	if (sock && d->sock == SCRY_SYSARG_RET) {
		p[n++] = (struct pair){ PK_SOCK_FD, 0 };
	} else if (ev->res >= 0 && x->nargs && makes_fd(d, ev)) {
		uint8_t k = d->fdop == FDOP_OPEN ? x->fd_kind[1] : 0;

		/* nothing to add to res= when neither the table nor the kernel says more */
		if (k || fdtab__of_event(ev, ev->res, k))
			p[n++] = (struct pair){ PK_MADE_FD, 0 };
	}
	for (i = 0; i < x->nargs && i < d->nargs; i++)
		p[n++] = (struct pair){ sock && i + 1 == d->sock ? PK_SOCK_FD : PK_ARG, i };
	return n;
}

static void put_arg(struct sbuf *b, const struct scry_event *ev, const struct syscall_desc *d,
		    int i)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	uint64_t v = x->args[i];

	/* poll's fds (its first argument; nfds the second) as sysdig shows them: 5:p1 4:f1 */
	if (i == 0 && (x->xflags & SCRY_SX_POLL) && x->nargs > 1) {
		pollfds_info(b, ev, x->args[1]);
		return;
	}
	switch (d->fmt[i]) {
	case ARG_N:
	case ARG_F:
		if (i + 1 == d->fd_a || i + 1 == d->fd_b)
			put_fd(b, ev, (int32_t)v, x->fd_kind[i + 1 == d->fd_a ? 0 : 1]);
		else
			sbuf__s64(b, (int32_t)v);
		break;
	case ARG_R:
		if ((int32_t)v == AT_FDCWD)
			sbuf__puts(b, "-100(AT_FDCWD)");
		else
			put_fd(b, ev, (int32_t)v, 0);
		break;
	case ARG_P: {
		const struct scry_exit_fdpair *fp = evt_exit_fdpair(ev);

		if (!fp) {
			sbuf__hex(b, v);
			break;
		}
		/* fds=3(<p>pipe:[123]),4(<p>pipe:[123]) */
		put_fd(b, ev, fp->fd[0], 0);
		sbuf__putc(b, ',');
		put_fd(b, ev, fp->fd[1], 0);
		break;
	}
	case ARG_S: {
		const char *p2;
		size_t n2;

		if (i + 1 == d->path && x->path_len)
			sbuf__write(b, x->path, strnlen(x->path, x->path_len - 1));
		else if (i + 1 == d->path2 && (p2 = evt_exit_path2(ev, &n2)))
			sbuf__write(b, p2, n2);
		else
			sbuf__hex(b, v);
		break;
	}
	case ARG_D:
		sbuf__s64(b, (int32_t)v);
		break;
	case ARG_L:
		sbuf__s64(b, (int64_t)v);
		break;
	case ARG_X:
	case ARG_A:
	case ARG_A_OUT:
	case ARG_M:
	case ARG_M_OUT:
		sbuf__hex(b, v);
		break;
	case ARG_O:
		sbuf__oct(b, v);
		break;
	default:
		sbuf__u64(b, v);
	}
}

/* The value as the call passed it: an int argument sign-extended, a path as its text. */
static void raw_arg(struct evt_arg *a, const struct scry_event *ev, const struct syscall_desc *d,
		    int i)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	uint64_t v = x->args[i];

	switch (d->fmt[i]) {
	case ARG_N:
	case ARG_F:
	case ARG_R:
	case ARG_D:
		a->raw = (int32_t)v;
		break;
	case ARG_S:
		if (i + 1 == d->path && x->path_len) {
			a->str = x->path;
			a->len = strnlen(x->path, x->path_len - 1);
		} else if (i + 1 == d->path2) {
			size_t n2;
			const char *p2 = evt_exit_path2(ev, &n2);

			if (p2) {
				a->str = p2;
				a->len = n2;
			}
		}
		/* fall through */
	default:
		a->raw = (int64_t)v;
	}
}

bool evt_arg(const struct scry_event *ev, unsigned int i, struct evt_arg *a, struct sbuf *b)
{
	const struct syscall_desc *d;
	struct pair p[2 + SCRY_NARGS];

	if (ev->type == SCRY_REC_CONTAINER)	/* issue 18 */
		return ctr_evt_arg(ev, i, a, b);
	if (ev->type != SCRY_REC_SYS_EXIT)
		return evt_table[ev->type].arg && evt_table[ev->type].arg(ev, i, a, b);
	d = syscall_desc(ev->nr);
	if (i >= exit_pairs(ev, d, p))
		return false;
	a->str = NULL;
	a->len = 0;
	a->raw = ev->res;
	switch (p[i].kind) {
	case PK_RES:
		a->name = "res";
		if (b)
			put_res(ev, b);
		return true;
	case PK_MADE_FD:
		a->name = "fd";
		if (b)
			put_fd(b, ev, ev->res, d->fdop == FDOP_OPEN ? ev->rec->exit.fd_kind[1] : 0);
		return true;
	case PK_SOCK_FD:
		a->name = "fd";
		if (d->sock != SCRY_SYSARG_RET)
			a->raw = (int32_t)ev->rec->exit.args[p[i].arg];
		if (b)
			put_sock_fd(b, ev, a->raw);
		return true;
	default:
		a->name = d->argname[p[i].arg];
		raw_arg(a, ev, d, p[i].arg);
		if (b)
			put_arg(b, ev, d, p[i].arg);
		return true;
	}
}

void sys_exit_info(const struct scry_event *ev, struct sbuf *b)
{
	struct evt_arg a;
	unsigned int i;

	for (i = 0; evt_arg(ev, i, &a, NULL); i++) {
		if (i)
			sbuf__putc(b, ' ');
		sbuf__puts(b, a.name);
		sbuf__putc(b, '=');
		evt_arg(ev, i, &a, b);
	}
}
