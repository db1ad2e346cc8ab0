// SPDX-License-Identifier: GPL-2.0
/*
 * evt.info: what an event says, as name=value pairs in the style of sysdig's event lines. Strings
 * (paths, argv, comms) go in as they are: every output escapes the value (util/escape.c), and a
 * filter sees the same bytes.
 */
#include <signal.h>
#include <string.h>

#include "scry/decode.h"
#include "scry/util.h"

static const struct {
	char c;
	const char *name;
} fd_kinds[16] = {
	[SCRY_FD_NONE] = { '?', "" },
	[SCRY_FD_FIFO] = { 'p', "pipe" },
	[SCRY_FD_CHR] = { 'c', "char" },
	[SCRY_FD_DIR] = { 'd', "directory" },
	[SCRY_FD_BLK] = { 'b', "block" },
	[SCRY_FD_REG] = { 'f', "file" },
	[SCRY_FD_LNK] = { 'l', "link" },
	[SCRY_FD_SOCK] = { 's', "socket" },
	[SCRY_FD_ANON] = { 'a', "anon" },
};

char fd_kind_char(uint8_t kind)
{
	return kind < 16 && fd_kinds[kind].c ? fd_kinds[kind].c : '?';
}

const char *fd_kind_name(uint8_t kind)
{
	return kind < 16 && fd_kinds[kind].name ? fd_kinds[kind].name : "";
}

const char *evt_res_errno(const struct scry_event *ev)
{
	if (ev->type != SCRY_REC_SYS_EXIT || ev->res >= 0 || ev->res < -4095)
		return NULL;
	return errno_name(-ev->res);
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

static void sys_exit_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	const struct syscall_desc *d = syscall_desc(ev->nr);
	int i;

	put_res(ev, b);
	if (!d)
		return;
	for (i = 0; i < x->nargs && i < d->nargs; i++) {
		uint64_t v = x->args[i];

		sbuf__putc(b, ' ');
		sbuf__puts(b, d->argname[i]);
		sbuf__putc(b, '=');
		switch (d->fmt[i]) {
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

/* ps(1)'s letter for a task state as sched_switch reports prev's (R: preempted while runnable). */
static char state_letter(uint32_t st)
{
	static const char letters[] = "SDTtXZPX";
	int i;

	if ((st & 0x2) && (st & 0x400))		/* TASK_IDLE = UNINTERRUPTIBLE | NOLOAD */
		return 'I';
	for (i = 0; i < 8; i++)
		if (st & (1u << i))
			return letters[i];
	return 'R';
}

static void exit_info(const struct scry_rec_exit *x, struct sbuf *b)
{
	int sig = x->exit_code & 0x7f;

	if (sig) {
		const char *n = sigabbrev_np(sig);

		sbuf__puts(b, "signal=");
		if (n) {
			sbuf__puts(b, "SIG");
			sbuf__puts(b, n);
		} else {
			sbuf__u64(b, sig);
		}
		if (x->exit_code & 0x80)
			sbuf__puts(b, " core");
	} else {
		sbuf__puts(b, "status=");
		sbuf__u64(b, (x->exit_code >> 8) & 0xff);
	}
	if (x->exit_flags & SCRY_EXIT_GROUP_DEAD)
		sbuf__puts(b, " last");
}

void evt_info(const struct scry_event *ev, struct sbuf *b)
{
	const union scry_rec *r = ev->rec;

	switch (ev->type) {
	case SCRY_REC_SYS_EXIT:
		sys_exit_info(ev, b);
		break;
	case SCRY_REC_FORK:
		sbuf__puts(b, r->fork.fork_flags & SCRY_FORK_THREAD ? "thread tid=" : "pid=");
		sbuf__u64(b, r->fork.fork_flags & SCRY_FORK_THREAD ? r->h.tid : r->h.pid);
		sbuf__puts(b, " parent=");
		sbuf__u64(b, r->fork.parent_tid);
		sbuf__puts(b, " vpid=");
		sbuf__u64(b, r->fork.vpid);
		break;
	case SCRY_REC_EXEC:
		sbuf__puts(b, "exe=");
		sbuf__write(b, r->exec.data, r->exec.exe_len);
		sbuf__puts(b, " args=");
		sbuf__join(b, r->exec.data + r->exec.exe_len,
			   r->exec.args_len && !r->exec.data[r->exec.exe_len + r->exec.args_len - 1]
				   ? r->exec.args_len - 1 : r->exec.args_len, ' ');
		break;
	case SCRY_REC_EXIT:
		exit_info(&r->pexit, b);
		break;
	case SCRY_REC_SWITCH:
		sbuf__puts(b, "next=");
		sbuf__u64(b, r->sw.next_tid);
		sbuf__puts(b, " runtime=");
		sbuf__u64(b, r->sw.runtime_ns);
		sbuf__puts(b, " state=");
		sbuf__putc(b, state_letter(r->sw.prev_state));
		break;
	case SCRY_REC_CPUTICK:
		sbuf__puts(b, "runtime=");
		sbuf__u64(b, r->tick.runtime_ns);
		break;
	case SCRY_REC_RENAME:
		sbuf__puts(b, "old=");
		sbuf__write(b, r->rename.old_comm, strnlen(r->rename.old_comm, SCRY_COMM_LEN));
		sbuf__puts(b, " new=");
		sbuf__write(b, r->h.comm, strnlen(r->h.comm, SCRY_COMM_LEN));
		break;
	default:
		break;
	}
}
