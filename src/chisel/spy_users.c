// SPDX-License-Identifier: GPL-2.0
/*
 * spy_users (sysdig's): the commands users run in interactive shells, and the directories their
 * shells change to. A command is an exec whose ancestry (16 generations at most, through the
 * process table: live, or a capture's) holds an interactive shell: a process whose name ends in
 * "sh" (sysdig's test) and whose standard input is a terminal (its fd table's fd 0, a character
 * device: /dev/pts/N, /dev/ttyN, /dev/console; or an fd the table never saw made, as a pty's
 * end got by ioctl), live or from a capture alike, so that the shell scripts a machine runs
 * (their stdin a pipe, a file, /dev/null) stay out. A command is shown under the outermost such
 * shell, indented by its generations below it:
 *
 *   SHELLPID HH:MM:SS USER) EXE ARGS          with -pc: USER@CONTAINER)
 *   SHELLPID HH:MM:SS USER) cd DIR            a shell's own chdir
 *
 * USER is user.name where the field table has it, else the uid.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/chisel.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"

#define MAX_ANCESTORS 16

struct spy_users {
	struct obuf out;
	struct proctab *procs;
	bool containers;
	long max_depth;		/* -1: all */
	uint32_t chdir_nr;
	const struct field_desc *time, *user, *exe, *args, *ctr, *path;
	struct sbuf_mem scratch;
};

static bool is_shell(struct spy_users *s, const struct scry_proc *p)
{
	size_t n = strnlen(p->comm, SCRY_COMM_LEN);
	const struct scry_fd *in;
	struct sbuf b;

	if (n < 2 || strncmp(p->comm + n - 2, "sh", 2))
		return false;
	/*
	 * Not in the table: an fd the table never saw made, as a pty's end got by ioctl
	 * (TIOCGPTPEER: glibc's openpty and forkpty, so sshd, script, tmux) and dup'ed to 0.
	 */
	in = fdtab__get(p, 0);
	if (!in)
		return p->fds != NULL;
	if (in->type != SCRY_FDT_CHR)
		return false;
	sbuf__init_mem(&b, &s->scratch);
	fd_name_put(&b, in);
	return !b.len || !strncmp(b.buf, "/dev/pts/", 9) || !strncmp(b.buf, "/dev/tty", 8) ||
	       !strcmp(b.buf, "/dev/console");
}

/*
 * The outermost shell among p's ancestors (p itself too when `self`), and how many generations
 * below it p is. false: none.
 */
static bool shell_of(struct spy_users *s, const struct scry_proc *p, bool self, uint32_t *shell,
		     int *depth)
{
	const struct scry_proc *a = p;
	bool found = false;
	int gen;

	for (gen = 0; a && gen <= MAX_ANCESTORS; gen++) {
		if ((gen || self) && is_shell(s, a)) {
			*shell = a->pid;
			*depth = gen;
			found = true;
		}
		if (!a->ppid || a->ppid == a->pid)
			break;
		a = proctab__proc(s->procs, a->ppid);
	}
	return found;
}

static void put_field(struct spy_users *s, const struct field_desc *f,
		      const struct scry_event *ev, size_t max)
{
	struct field_val v;
	struct sbuf b;
	char num[24];

	sbuf__init_mem(&b, &s->scratch);
	if (!f || !field_get(f, ev, &v, &b)) {
		obuf__puts(&s->out, "<NA>");
		return;
	}
	if (v.type != FT_STR) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)v.u);
		v.str = num;
		v.len = strlen(num);
	}
	obuf__text_col(&s->out, v.str, v.len, 0, max);
}

static int spy_users_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct spy_users *s = ctx;
	bool cd = ev->nr == s->chdir_nr;
	uint32_t shell;
	int depth, i;

	if (!ev->proc || !shell_of(s, ev->proc, cd, &shell, &depth))
		return 0;
	if (s->max_depth >= 0 && depth - !cd > s->max_depth)
		return 0;
	for (i = 0; i < (depth - !cd) * 3; i++)
		obuf__putc(&s->out, ' ');
	obuf__u64(&s->out, shell);
	obuf__putc(&s->out, ' ');
	put_field(s, s->time, ev, 8);	/* HH:MM:SS: sysdig's evt.time.s */
	obuf__putc(&s->out, ' ');
	put_field(s, s->user, ev, 0);
	if (s->containers) {
		obuf__putc(&s->out, '@');
		put_field(s, s->ctr, ev, 0);
	}
	obuf__puts(&s->out, ") ");
	if (cd) {
		obuf__puts(&s->out, "cd ");
		put_field(s, s->path, ev, 0);
	} else {
		put_field(s, s->exe, ev, 0);
		obuf__putc(&s->out, ' ');
		put_field(s, s->args, ev, 0);
	}
	obuf__putc(&s->out, '\n');
	if (s->out.broken)
		return s->out.err ? s->out.err : SINK_DONE;
	return 0;
}

static int spy_users_tick(void *ctx, uint64_t ts)
{
	struct spy_users *s = ctx;

	obuf__flush(&s->out);
	if (s->out.broken)
		return s->out.err ? s->out.err : SINK_DONE;
	return 0;
}

static int spy_users_finish(void *ctx)
{
	struct spy_users *s = ctx;

	obuf__flush(&s->out);
	return s->out.err;
}

static void spy_users_free(void *ctx)
{
	struct spy_users *s = ctx;

	if (!s)
		return;
	sbuf_mem__free(&s->scratch);
	free(s);
}

const struct sink_ops spy_users_ops = SINK_OPS(spy_users, "spy_users", 0);

void *spy_users__new(const struct chisel_ctx *c, const struct run_ctx *rc)
{
	struct spy_users *s = calloc(1, sizeof(*s));
	const char *md = chisel_arg(c, "max_depth");

	if (!s || !rc->procs) {
		log_err("out of memory");
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	obuf__init(&s->out, c->fd);
	s->procs = rc->procs;
	s->containers = c->containers;
	s->max_depth = md ? strtol(md, NULL, 10) : -1;
	s->chdir_nr = syscall_lookup("chdir");
	s->time = field_lookup("evt.time");
	/* user.name once the users' fields are in the table; until then the uid */
	s->user = field_lookup("user.name") ?: field_lookup("user.uid");
	s->exe = field_lookup("proc.exe");
	s->args = field_lookup("proc.args");
	s->ctr = field_lookup("container.name");
	s->path = field_lookup("fd.name");
	return s;
}
