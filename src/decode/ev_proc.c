// SPDX-License-Identifier: GPL-2.0
/* Process lifecycle records: fork, exec, exit (one per thread) and rename. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "internal.h"

int exec_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	if (r->exec.exe_len > SCRY_EXE_MAX || r->exec.args_len > SCRY_ARGS_MAX ||
	    r->exec.env_len > SCRY_ENV_MAX ||
	    r->exec.exe_len + r->exec.args_len + r->exec.env_len > SCRY_EXE_MAX + SCRY_ARGS_MAX ||
	    size != SCRY_EXEC_FIXED + r->exec.exe_len + r->exec.args_len + r->exec.env_len)
		return -EINVAL;
	return 1;
}

void fork_info(const struct scry_event *ev, struct sbuf *b)
{
	const union scry_rec *r = ev->rec;

	sbuf__puts(b, r->fork.fork_flags & SCRY_FORK_THREAD ? "thread tid=" : "pid=");
	sbuf__u64(b, r->fork.fork_flags & SCRY_FORK_THREAD ? r->h.tid : r->h.pid);
	sbuf__puts(b, " parent=");
	sbuf__u64(b, r->fork.parent_tid);
	sbuf__puts(b, " vpid=");
	sbuf__u64(b, r->fork.vpid);
}

void exec_info(const struct scry_event *ev, struct sbuf *b)
{
	const union scry_rec *r = ev->rec;

	sbuf__puts(b, "exe=");
	sbuf__write(b, r->exec.data, r->exec.exe_len);
	sbuf__puts(b, " args=");
	sbuf__join(b, r->exec.data + r->exec.exe_len,
		   r->exec.args_len && !r->exec.data[r->exec.exe_len + r->exec.args_len - 1]
			   ? r->exec.args_len - 1 : r->exec.args_len, ' ');
}

void exit_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct scry_rec_exit *x = &ev->rec->pexit;
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

void rename_info(const struct scry_event *ev, struct sbuf *b)
{
	const union scry_rec *r = ev->rec;

	sbuf__puts(b, "old=");
	sbuf__write(b, r->rename.old_comm, strnlen(r->rename.old_comm, SCRY_COMM_LEN));
	sbuf__puts(b, " new=");
	sbuf__write(b, r->h.comm, strnlen(r->h.comm, SCRY_COMM_LEN));
}
