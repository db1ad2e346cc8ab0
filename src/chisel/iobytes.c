// SPDX-License-Identifier: GPL-2.0
/*
 * iobytes, iobytes_file, iobytes_net (sysdig's): the bytes the read/write family moved (the
 * calls with a user buffer, sendfile, splice, copy_file_range; on fds the chisel's filter keeps),
 * a line per second of event time:
 *   12:34:56 in:4096 out:120 tot:4216
 * in: calls that read (read, recv..., splice and copy_file_range's in), out: the others. The
 * seconds are whole seconds of wall-clock time, each line stamped with the second it ends at,
 * as sysdig's (the time of the first event after it); seconds without I/O print zeros, and the
 * last, partial second is printed at the end (sysdig drops it).
 */
#include <errno.h>
#include <stdlib.h>

#include "scry/chisel.h"
#include "scry/filter.h"
#include "scry/sink.h"

#define SEC 1000000000ULL
/* A run that jumps far ahead (a capture's gap) prints at most this many seconds of it. */
#define MAX_EMPTY 3600

struct iobytes {
	struct obuf out;
	uint64_t end;		/* boot ns where the current second ends (0: none yet) */
	uint64_t in, out_b;
};

static void put_line(struct iobytes *s)
{
	char t[TIME_STR_MAX];
	size_t n = fmt_wall(t, clock__wall(s->end), TIME_HMS);

	obuf__write(&s->out, t, n);
	obuf__puts(&s->out, " in:");
	obuf__u64(&s->out, s->in);
	obuf__puts(&s->out, " out:");
	obuf__u64(&s->out, s->out_b);
	obuf__puts(&s->out, " tot:");
	obuf__u64(&s->out, s->in + s->out_b);
	obuf__putc(&s->out, '\n');
	s->in = s->out_b = 0;
}

/* The seconds that ended by `ts`, each a line. */
static void advance(struct iobytes *s, uint64_t ts)
{
	unsigned int empty = 0;
	uint64_t wall;

	if (!s->end) {
		wall = clock__wall(ts);
		s->end = ts + (SEC - wall % SEC);
		return;
	}
	while (ts >= s->end) {
		put_line(s);
		s->end += SEC;
		/* a gap longer than that (a crafted capture's): on to ts's second at once */
		if (++empty == MAX_EMPTY && ts >= s->end)
			s->end += (ts - s->end) / SEC * SEC + SEC;
	}
}

static int iobytes_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct iobytes *s = ctx;
	const struct syscall_desc *d;
	char dir;

	advance(s, ev->ts);
	if (ev->type != SCRY_REC_SYS_EXIT || ev->res <= 0)
		return 0;
	/* the calls with a user buffer (sockets' too, which the syscall table's io class leaves to
	 * the socket records), then sendfile's and splice's */
	dir = iodata_dir(ev->nr);
	d = syscall_desc(ev->nr);
	if (!dir && d && (d->io == IO_XFER || d->io == IO_XFER_AB))
		dir = d->io == IO_XFER_AB ? IODATA_READ : IODATA_WRITE;
	if (dir == IODATA_READ)
		s->in += ev->res;
	else if (dir == IODATA_WRITE)
		s->out_b += ev->res;
	return s->out.broken ? (s->out.err ? s->out.err : SINK_DONE) : 0;
}

static int iobytes_tick(void *ctx, uint64_t ts)
{
	struct iobytes *s = ctx;

	if (s->end)
		advance(s, ts);
	obuf__flush(&s->out);
	return s->out.broken ? (s->out.err ? s->out.err : SINK_DONE) : 0;
}

static int iobytes_finish(void *ctx)
{
	struct iobytes *s = ctx;

	if (s->end)
		put_line(s);
	obuf__flush(&s->out);
	return s->out.err;
}

static void iobytes_free(void *ctx)
{
	free(ctx);
}

const struct sink_ops iobytes_ops = SINK_OPS(iobytes, "iobytes", 0);

void *iobytes__new(const struct chisel_ctx *c, const struct run_ctx *rc)
{
	struct iobytes *s = calloc(1, sizeof(*s));

	if (!s) {
		log_err("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	obuf__init(&s->out, c->fd);
	return s;
}
