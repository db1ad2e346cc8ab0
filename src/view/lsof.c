// SPDX-License-Identifier: GPL-2.0
/*
 * lsof: the open fds of every process, from the fd tables, once at the end of the run (a short
 * look live, the end of a capture). FILTER picks the fds: each is judged as the exit of an
 * fstat(fd) by its process would be, so fd.* and proc.* fields mean what they mean for events.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/buf.h"
#include "scry/chisel.h"
#include "scry/chisel_calc.h"
#include "scry/container.h"
#include "scry/decode.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"

struct lsof {
	const struct run_ctx *run;
	const struct filter *filter;
	bool json;
	int nr_fstat;
	const struct field_desc *fname, *fuser, *fcname;
	struct sbuf_mem scratch;
	struct obuf out;
};

struct fd_ref {
	const struct scry_proc *p;
	const struct scry_fd *f;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct fd_ref *x = a, *y = b;

	if (x->p->pid != y->p->pid)
		return x->p->pid < y->p->pid ? -1 : 1;
	return (x->f->fd > y->f->fd) - (x->f->fd < y->f->fd);
}

/* An fd as the event the filter and the fields read: the exit of fstat(fd) by its process. */
static void fd_event(const struct lsof *l, const struct fd_ref *r, union scry_rec *rec,
		     struct scry_event *ev)
{
	const struct scry_proc *p = r->p;

	memset(rec, 0, SCRY_SYS_EXIT_ARGS);
	rec->h.type = SCRY_REC_SYS_EXIT;
	rec->h.pid = rec->h.tid = p->pid;
	rec->h.cgid = p->cgid;
	rec->h.ts = l->run->last_ts;
	memcpy(rec->h.comm, p->comm, SCRY_COMM_LEN);
	rec->exit.nr = l->nr_fstat;
	rec->exit.nargs = 1;
	rec->exit.args[0] = (uint32_t)r->f->fd;
	memset(ev, 0, sizeof(*ev));
	ev->rec = rec;
	ev->size = SCRY_SYS_EXIT_ARGS;
	ev->type = SCRY_REC_SYS_EXIT;
	ev->dir = '<';
	ev->nr = l->nr_fstat;
	ev->ts = rec->h.ts;
	ev->proc = (struct scry_proc *)p;
	ev->container = p->container;
}

static void put_str(struct lsof *l, const struct field_desc *f, const struct scry_event *ev,
		    int width, const char *json_key)
{
	struct field_val v;
	struct sbuf b;
	const char *s = "";
	size_t n = 0;

	sbuf__init_mem(&b, &l->scratch);
	if (f && field_get(f, ev, &v, &b)) {
		if (v.type == FT_STR) {
			s = v.str;
			n = v.len;
		} else {
			sbuf__u64(&b, v.u);
			s = b.buf;
			n = b.len;
		}
	}
	if (json_key) {
		obuf__printf(&l->out, ",\"%s\":", json_key);
		obuf__json_str(&l->out, s, n);
		return;
	}
	obuf__text(&l->out, s, n);
	for (; width > 0 && n < (size_t)width; n++)
		obuf__putc(&l->out, ' ');
}

static void put_user(struct lsof *l, const struct scry_event *ev, bool json)
{
	char num[16];
	struct passwd *pw;

	/* the field table's user.name where it has one; else the host's name for the uid */
	if (l->fuser) {
		put_str(l, l->fuser, ev, 8, json ? "user.name" : NULL);
		return;
	}
	pw = getpwuid(ev->proc->uid);
	snprintf(num, sizeof(num), "%u", ev->proc->uid);
	if (json) {
		obuf__puts(&l->out, ",\"user.name\":");
		obuf__json_str(&l->out, pw ? pw->pw_name : num, strlen(pw ? pw->pw_name : num));
	} else {
		obuf__printf(&l->out, "%-8s", pw ? pw->pw_name : num);
	}
}

static void put_row(struct lsof *l, const struct fd_ref *r, const struct scry_event *ev,
		    bool first)
{
	const char *type = fd_type_name(r->f->type);

	if (l->json) {
		obuf__printf(&l->out, "%s{\"proc.pid\":%u,\"thread.tid\":%u,\"fd.num\":%d,"
			     "\"fd.type\":\"%s\"", first ? "" : ",", r->p->pid, r->p->pid, r->f->fd,
			     type);
		put_str(l, l->fname, ev, 0, "fd.name");
		obuf__puts(&l->out, ",\"proc.name\":");
		obuf__json_str(&l->out, r->p->comm, strnlen(r->p->comm, SCRY_COMM_LEN));
		put_user(l, ev, true);
		put_str(l, l->fcname, ev, 0, "container.name");
		obuf__putc(&l->out, '}');
		return;
	}
	obuf__text(&l->out, r->p->comm, strnlen(r->p->comm, SCRY_COMM_LEN));
	obuf__printf(&l->out, "%*s%-8u%-8u", 20 - (int)strnlen(r->p->comm, SCRY_COMM_LEN), "",
		     r->p->pid, r->p->pid);
	put_user(l, ev, false);
	obuf__printf(&l->out, "%-8d%-12s", r->f->fd, type);
	put_str(l, l->fname, ev, 0, NULL);
	obuf__putc(&l->out, '\n');
}

static int lsof_event(void *ctx, const struct scry_event *ev, bool matched)
{
	(void)ctx;
	(void)ev;
	(void)matched;
	return 0;
}

static int lsof_tick(void *ctx, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	return 0;
}

static int lsof_finish(void *ctx)
{
	struct lsof *l = ctx;
	struct fd_ref *refs = NULL, *grown;
	size_t n = 0, cap = 0, pos = 0, fpos, i;
	const struct scry_proc *p;
	const struct scry_fd *f;
	bool first = true;

	while (l->run->procs && (p = proctab__next_proc(l->run->procs, &pos))) {
		if (p->dead || !p->fds)
			continue;
		for (fpos = 0; (f = fdtab__next(p->fds, &fpos));) {
			if (f->fd < 0)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				grown = realloc(refs, cap * sizeof(*refs));
				if (!grown) {
					free(refs);
					return -ENOMEM;
				}
				refs = grown;
			}
			refs[n++] = (struct fd_ref){ p, f };
		}
	}
	qsort(refs, n, sizeof(*refs), ref_cmp);
	if (l->json)
		obuf__putc(&l->out, '[');
	else
		obuf__printf(&l->out, "%-20s%-8s%-8s%-8s%-8s%-12s%s\n", "COMMAND", "PID", "TID",
			     "USER", "FD", "TYPE", "NAME");
	for (i = 0; i < n && !l->out.broken; i++) {
		union scry_rec rec;
		struct scry_event ev;

		fd_event(l, &refs[i], &rec, &ev);
		if (l->filter && !filter__match(l->filter, &ev))
			continue;
		put_row(l, &refs[i], &ev, first);
		first = false;
	}
	if (l->json)
		obuf__write(&l->out, "]\n", 2);
	free(refs);
	obuf__flush(&l->out);
	return l->out.err;
}

static void lsof_free(void *ctx)
{
	struct lsof *l = ctx;

	if (!l)
		return;
	sbuf_mem__free(&l->scratch);
	free(l);
}

const struct sink_ops lsof_ops = SINK_OPS(lsof, "lsof", 0);

void *lsof__new(const struct chisel_ctx *o, const struct run_ctx *run)
{
	struct lsof *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->run = run;
	l->filter = o->filter;
	l->json = o->json;
	l->nr_fstat = syscall_lookup("fstat");
	l->fname = field_lookup("fd.name");
	l->fuser = field_lookup("user.name");
	l->fcname = field_lookup("container.name");
	obuf__init(&l->out, o->fd);
	return l;
}
