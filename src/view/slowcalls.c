// SPDX-License-Identifier: GPL-2.0
/*
 * Two chisels about how long things took: bottlenecks, the slowest syscalls of the run (kept
 * as the ten longest so far: a call is formatted only when it enters them), and
 * proc_exec_time, a line per process that ends with how long it ran.
 */
#include <errno.h>
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

/* A field's value as text into `b` (empty when it has none). */
static void field_text(const struct field_desc *f, const struct scry_event *ev, struct sbuf *b,
		       const char *none)
{
	struct field_val v;

	b->len = 0;
	b->buf[0] = '\0';
	if (!f || !field_get(f, ev, &v, b)) {
		sbuf__puts(b, none);
		return;
	}
	if (v.type == FT_STR) {
		if (v.str != b->buf) {
			b->len = 0;
			sbuf__write(b, v.str, v.len);
		}
	} else {
		b->len = 0;
		if (v.type == FT_S64)
			sbuf__s64(b, v.s);
		else
			sbuf__u64(b, v.u);
	}
}

/* --- bottlenecks ----------------------------------------------------------------------------- */
#define SLOWEST 10
#define INFO_MAX 512

struct slow_call {
	uint64_t num, ts, latency;
	uint32_t pid, tid;
	char comm[SCRY_COMM_LEN];
	char type[32];
	char container[64];
	char info[INFO_MAX];
};

struct bottlenecks {
	struct slow_call calls[SLOWEST];	/* the slowest first */
	size_t n;
	bool json;
	const struct field_desc *cname;
	struct sbuf_mem scratch;
	struct obuf out;
};

static int bottlenecks_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct bottlenecks *b = ctx;
	struct slow_call *c;
	struct sbuf s;
	size_t i;

	(void)matched;
	if (ev->dir != '<' || !(evt_table[ev->type].flags & EVF_SYSCALL) || !ev->latency)
		return 0;
	if (b->n == SLOWEST && ev->latency <= b->calls[SLOWEST - 1].latency)
		return 0;
	/* its place: after the calls at least as slow (the first seen stays first) */
	for (i = 0; i < b->n && b->calls[i].latency >= ev->latency; i++)
		;
	if (b->n < SLOWEST)
		b->n++;
	memmove(&b->calls[i + 1], &b->calls[i], (b->n - 1 - i) * sizeof(b->calls[0]));
	c = &b->calls[i];
	memset(c, 0, offsetof(struct slow_call, info) + 1);
	c->num = ev->num;
	c->ts = ev->ts;
	c->latency = ev->latency;
	c->pid = ev->rec->h.pid;
	c->tid = ev->rec->h.tid;
	memcpy(c->comm, ev->proc ? ev->proc->comm : ev->rec->h.comm, SCRY_COMM_LEN);
	c->comm[SCRY_COMM_LEN - 1] = '\0';
	snprintf(c->type, sizeof(c->type), "%s", evt_type_name(ev));
	sbuf__init_mem(&s, &b->scratch);
	field_text(b->cname, ev, &s, "host");
	snprintf(c->container, sizeof(c->container), "%s", s.buf);
	sbuf__init_mem(&s, &b->scratch);
	evt_info(ev, &s);
	snprintf(c->info, sizeof(c->info), "%.*s", (int)s.len, s.buf);
	return 0;
}

static int bottlenecks_tick(void *ctx, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	return 0;
}

static int bottlenecks_finish(void *ctx)
{
	struct bottlenecks *b = ctx;
	char t[TIME_STR_MAX];
	size_t i;

	if (b->json)
		obuf__putc(&b->out, '[');
	for (i = 0; i < b->n; i++) {
		const struct slow_call *c = &b->calls[i];

		fmt_wall(t, clock__wall(c->ts), TIME_HMS_NS);
		if (b->json) {
			obuf__printf(&b->out, "%s{\"evt.num\":%llu,\"evt.time\":\"%s\","
				     "\"evt.latency\":%llu,\"proc.pid\":%u,\"thread.tid\":%u,"
				     "\"proc.name\":", i ? "," : "", (unsigned long long)c->num, t,
				     (unsigned long long)c->latency, c->pid, c->tid);
			obuf__json_str(&b->out, c->comm, strlen(c->comm));
			obuf__puts(&b->out, ",\"container.name\":");
			obuf__json_str(&b->out, c->container, strlen(c->container));
			obuf__printf(&b->out, ",\"evt.type\":\"%s\",\"evt.info\":", c->type);
			obuf__json_str(&b->out, c->info, strlen(c->info));
			obuf__putc(&b->out, '}');
			continue;
		}
		/* sysdig's: NUM) S.NNNNNNNNN PROC (TID) < TYPE ARGS, and the exit's time */
		obuf__printf(&b->out, "%llu) %llu.%09llu ", (unsigned long long)c->num,
			     (unsigned long long)(c->latency / 1000000000),
			     (unsigned long long)(c->latency % 1000000000));
		obuf__text(&b->out, c->comm, strlen(c->comm));
		obuf__printf(&b->out, " (%u) < %s ", c->tid, c->type);
		obuf__text(&b->out, c->info, strlen(c->info));
		obuf__printf(&b->out, " (at %s)\n", t);
	}
	if (b->json)
		obuf__write(&b->out, "]\n", 2);
	obuf__flush(&b->out);
	return b->out.err;
}

static void bottlenecks_free(void *ctx)
{
	struct bottlenecks *b = ctx;

	if (!b)
		return;
	sbuf_mem__free(&b->scratch);
	free(b);
}

const struct sink_ops bottlenecks_ops = SINK_OPS(bottlenecks, "bottlenecks", 0);

void *bottlenecks__new(const struct chisel_ctx *o, const struct run_ctx *run)
{
	struct bottlenecks *b = calloc(1, sizeof(*b));

	(void)run;
	if (!b)
		return NULL;
	b->json = o->json;
	b->cname = field_lookup("container.name");
	obuf__init(&b->out, o->fd);
	return b;
}

/* --- proc_exec_time ------------------------------------------------------------------------- */
#define RED_NS 10000000000ULL
#define YELLOW_NS 3000000000ULL

struct exec_time {
	bool json, containers, colour;
	const struct field_desc *fname, *fargs, *fcid, *fcname;
	struct sbuf_mem scratch;
	struct obuf out;
};

static void put_col(struct exec_time *x, const struct field_desc *f, const struct scry_event *ev,
		    int width, const char *none)
{
	struct sbuf b;
	size_t n;

	sbuf__init_mem(&b, &x->scratch);
	field_text(f, ev, &b, none);
	n = width > 0 && b.len > (size_t)width ? (size_t)width : b.len;
	obuf__text(&x->out, b.buf, n);
	for (; width > 0 && n < (size_t)width + 1; n++)
		obuf__putc(&x->out, ' ');
}

static void put_json_field(struct exec_time *x, const char *key, const struct field_desc *f,
			   const struct scry_event *ev)
{
	struct sbuf b;

	sbuf__init_mem(&b, &x->scratch);
	field_text(f, ev, &b, "");
	obuf__printf(&x->out, ",\"%s\":", key);
	obuf__json_str(&x->out, b.buf, b.len);
}

static int proc_exec_time_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct exec_time *x = ctx;
	const struct scry_proc *p = ev->proc;
	char d[32];
	uint64_t ns;

	(void)matched;
	if (ev->type != SCRY_REC_EXIT || !(ev->rec->pexit.exit_flags & SCRY_EXIT_GROUP_DEAD) ||
	    !p || !p->start_ts || p->start_ts > ev->ts)
		return 0;
	ns = ev->ts - p->start_ts;
	if (x->json) {
		obuf__printf(&x->out, "{\"duration_ns\":%llu,\"proc.pid\":%u",
			     (unsigned long long)ns, p->pid);
		put_json_field(x, "proc.name", x->fname, ev);
		put_json_field(x, "proc.args", x->fargs, ev);
		put_json_field(x, "container.id", x->fcid, ev);
		put_json_field(x, "container.name", x->fcname, ev);
		obuf__write(&x->out, "}\n", 2);
		return x->out.broken ? SINK_DONE : 0;
	}
	if (x->colour)
		obuf__puts(&x->out, ns > RED_NS ? "\033[31m" : ns > YELLOW_NS ? "\033[33m" :
				    ev->container ? "\033[34m" : "\033[32m");
	chisel_fmt_interval(d, sizeof(d), ns);
	obuf__printf(&x->out, "%-13.13s ", d);
	if (x->containers) {
		put_col(x, x->fcid, ev, 20, "host");
		put_col(x, x->fcname, ev, 20, "host");
	}
	put_col(x, x->fname, ev, 12, "");
	put_col(x, x->fargs, ev, 0, "");
	if (x->colour)
		obuf__puts(&x->out, "\033[0m");
	obuf__putc(&x->out, '\n');
	return x->out.broken ? SINK_DONE : 0;
}

static int proc_exec_time_tick(void *ctx, uint64_t ts)
{
	struct exec_time *x = ctx;

	(void)ts;
	obuf__flush(&x->out);
	return x->out.broken ? SINK_DONE : 0;
}

static int proc_exec_time_finish(void *ctx)
{
	struct exec_time *x = ctx;

	obuf__flush(&x->out);
	return x->out.err;
}

static void proc_exec_time_free(void *ctx)
{
	struct exec_time *x = ctx;

	if (!x)
		return;
	sbuf_mem__free(&x->scratch);
	free(x);
}

const struct sink_ops proc_exec_time_ops = SINK_OPS(proc_exec_time, "proc_exec_time", 0);

void *proc_exec_time__new(const struct chisel_ctx *o, const struct run_ctx *run)
{
	struct exec_time *x = calloc(1, sizeof(*x));
	const char *nc = chisel_arg(o, "disable_color");
	unsigned int width;

	(void)run;
	if (!x)
		return NULL;
	x->json = o->json;
	x->containers = o->containers;
	x->colour = chisel_tty_colours(o->fd, &width) && !o->json && !nc;
	x->fname = field_lookup("proc.name");
	x->fargs = field_lookup("proc.args");
	x->fcid = field_lookup("container.id");
	x->fcname = field_lookup("container.name");
	obuf__init(&x->out, o->fd);
	if (!x->json) {
		if (x->containers)
			obuf__printf(&x->out, "%-13.13s %-20.20s %-20.20s %-12.12s %s\n",
				     "proc.duration", "container.id", "container.name", "proc.name",
				     "proc.args");
		else
			obuf__printf(&x->out, "%-13.13s %-12.12s %s\n", "proc.duration",
				     "proc.name", "proc.args");
	}
	return x;
}
