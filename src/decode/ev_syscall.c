// SPDX-License-Identifier: GPL-2.0
/* Syscall records: raw_syscalls:sys_enter and sys_exit (with a folded enter, two events). */
#include <errno.h>

#include "internal.h"

int sys_enter_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	ev->nr = syscall_native(r->enter.nr);
	return 1;
}

int sys_exit_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	ev->dir = '<';
	ev->nr = syscall_native(r->exit.nr);
	ev->res = r->exit.ret;
	if (r->exit.enter_ts > r->h.ts)
		return -EINVAL;
	if (r->exit.nargs > SCRY_NARGS || r->exit.path_len > SCRY_PATH_MAX ||
	    (r->exit.xflags & ~(SCRY_SX_SOCK | SCRY_SX_DATA)))
		return -EINVAL;
	/* The data ends the record: the rest is checked as the record without it. */
	if ((r->exit.xflags & SCRY_SX_DATA) && (int)(size = iodata_check(&r->exit, size)) < 0)
		return -EINVAL;
	if (r->exit.nargs == 0 && r->exit.path_len == 0) {
		if (size != SCRY_SYS_EXIT_SHORT || r->exit.xflags)
			return -EINVAL;
	} else if (size != SCRY_SYS_EXIT_ARGS + r->exit.path_len) {
		return -EINVAL;
	} else if (r->exit.xflags & SCRY_SX_SOCK) {
		/* a socket's addresses, then maybe a unix socket's name with its NUL */
		if (r->exit.path_len < sizeof(struct scry_sock_addr) ||
		    (r->exit.path_len > sizeof(struct scry_sock_addr) &&
		     r->exit.path[r->exit.path_len - 1] != '\0'))
			return -EINVAL;
	} else if (r->exit.path_len && r->exit.path[r->exit.path_len - 1] != '\0') {
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

	sbuf__puts(b, "res=");
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

/* fd=3(<4t>127.0.0.1:40000->127.0.0.1:8080): the socket's addresses, as sysdig shows them. */
static void put_sock_fd(struct sbuf *b, const struct scry_event *ev, int64_t fd)
{
	sbuf__puts(b, "fd=");
	sbuf__s64(b, fd);
	sbuf__putc(b, '(');
	sock_addr_tuple(b, evt_sock_addr(ev), evt_sock_name(ev), evt_sock_role(ev), true);
	sbuf__putc(b, ')');
}

void sys_exit_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	const struct syscall_desc *d = syscall_desc(ev->nr);
	bool sock = evt_sock_addr(ev) != NULL;
	int i;

	put_res(ev, b);
	if (!d)
		return;
	/* accept: the fd it returned, with the connection it stands for, as sysdig's fd= */
	if (sock && d->sock == SCRY_SYSARG_RET) {
		sbuf__putc(b, ' ');
		put_sock_fd(b, ev, ev->res);
	}
	for (i = 0; i < x->nargs && i < d->nargs; i++) {
		uint64_t v = x->args[i];

		sbuf__putc(b, ' ');
		if (sock && i + 1 == d->sock) {
			put_sock_fd(b, ev, (int32_t)v);
			continue;
		}
		sbuf__puts(b, d->argname[i]);
		sbuf__putc(b, '=');
		switch (d->fmt[i]) {
		case ARG_N:
		case ARG_F:
			sbuf__s64(b, (int32_t)v);
			if (i + 1 == d->fd_a || i + 1 == d->fd_b) {
				uint8_t k = x->fd_kind[i + 1 == d->fd_a ? 0 : 1];

				if (k) {
					sbuf__write(b, "(<", 2);
					sbuf__putc(b, fd_kind_char(k));
					sbuf__write(b, ">)", 2);
				}
			}
			break;
		case ARG_S:
			if (i + 1 == d->path && x->path_len)
				sbuf__write(b, x->path, x->path_len - 1);
			else
				sbuf__hex(b, v);
			break;
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
}
