// SPDX-License-Identifier: GPL-2.0
/*
 * around: the events of a match's thread from dump_range_ms before it to dump_range_ms after it.
 * Every event is formatted as the stream would print it (the printer as a formatter: -p, -j,
 * -pc, -A, -X apply) into a ring of the last AROUND_RING; a match prints its thread's events
 * still in the ring and in range, then itself, and its thread's events are printed as they
 * come until the range after it ends. Each event is printed once, a thread's in order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scry/buf.h"
#include "scry/chisel.h"
#include "scry/chisel_calc.h"
#include "scry/decode.h"
#include "scry/sink.h"
#include "scry/util.h"

#define AROUND_RING 16384	/* events held */
#define AROUND_LINE 512		/* bytes of a held line (longer: cut, "...\n" ending it) */
#define AROUND_FOLLOW_MAX 4096	/* threads followed at once (past that, a match's after-range
				 * covers the events of the threads already followed only) */
#define LINE_MAX_BYTES 65536

struct held {
	uint64_t ts;
	uint32_t tid;
	uint16_t len;
	bool printed;
	char line[AROUND_LINE];
};

struct around {
	uint64_t range;		/* ns */
	void *fmt;		/* the printer, as a formatter */
	struct held *ring;
	size_t next;		/* the slot the next event takes */
	size_t count;		/* slots filled */
	struct hashmap *follow;	/* tid -> until (ns), as a pointer-sized value */
	uint64_t matches;
	char *line;		/* LINE_MAX_BYTES: the event being formatted */
	struct obuf out;
};

static void put_held(struct around *a, struct held *h)
{
	obuf__write(&a->out, h->line, h->len);
	h->printed = true;
}

/* The thread's held events within range before the match, oldest first. */
static void print_before(struct around *a, uint32_t tid, uint64_t ts)
{
	size_t i, back = 0, first;

	/* back from the newest: to the range's start, or a line of this thread printed already */
	for (i = 0; i < a->count; i++) {
		struct held *h = &a->ring[(a->next + AROUND_RING - 1 - i) % AROUND_RING];

		if (h->ts + a->range < ts)
			break;
		if (h->tid == tid && h->printed)
			break;
		back = i + 1;
	}
	first = (a->next + AROUND_RING - back) % AROUND_RING;
	for (i = 0; i < back; i++) {
		struct held *h = &a->ring[(first + i) % AROUND_RING];

		if (h->tid == tid && !h->printed)
			put_held(a, h);
	}
}

static int around_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct around *a = ctx;
	uint32_t tid = ev->rec->h.tid;
	struct held *h;
	uintptr_t until;
	size_t n;

	n = printer__line(a->fmt, ev, a->line, LINE_MAX_BYTES);
	if (matched) {
		a->matches++;
		print_before(a, tid, ev->ts);
		if (hashmap__size(a->follow) < AROUND_FOLLOW_MAX ||
		    hashmap__find(a->follow, tid))
			hashmap__set(a->follow, tid, (void *)(uintptr_t)(ev->ts + a->range));
	}
	until = (uintptr_t)hashmap__find(a->follow, tid);
	if (until && until < ev->ts) {
		hashmap__del(a->follow, tid);
		until = 0;
	}
	h = &a->ring[a->next];
	a->next = (a->next + 1) % AROUND_RING;
	if (a->count < AROUND_RING)
		a->count++;
	h->ts = ev->ts;
	h->tid = tid;
	h->printed = until != 0;
	if (n > AROUND_LINE) {
		memcpy(h->line, a->line, AROUND_LINE - 4);
		memcpy(h->line + AROUND_LINE - 4, "...\n", 4);
		h->len = AROUND_LINE;
	} else {
		memcpy(h->line, a->line, n);
		h->len = n;
	}
	if (until)
		obuf__write(&a->out, a->line, n);
	return a->out.broken ? SINK_DONE : 0;
}

static int around_tick(void *ctx, uint64_t ts)
{
	struct around *a = ctx;

	(void)ts;
	obuf__flush(&a->out);
	return a->out.broken ? SINK_DONE : 0;
}

static int around_finish(void *ctx)
{
	struct around *a = ctx;

	obuf__flush(&a->out);
	return a->out.err;
}

static void around_free(void *ctx)
{
	struct around *a = ctx;

	if (!a)
		return;
	if (a->fmt)
		printer_ops.free(a->fmt);
	hashmap__free(a->follow);
	free(a->ring);
	free(a->line);
	free(a);
}

const struct sink_ops around_ops = SINK_OPS(around, "around", SINK_UNFILTERED);

void *around__new(const struct chisel_ctx *o, const struct run_ctx *run)
{
	struct printer_opts po = {
		.json = o->json, .containers = o->containers, .format = o->format,
		.data_fmt = o->data_fmt, .fd = -1,
	};
	long ms = chisel_arg_ms(o, "dump_range_ms", 1000);
	struct around *a;

	(void)run;
	if (ms < 0) {
		log_err("around: dump_range_ms is milliseconds, 1 to 3600000");
		errno = EINVAL;
		return NULL;
	}
	if (!o->filter) {
		log_err("around: a FILTER says which events to show the surroundings of, e.g. "
			"scry -c around evt.type=openat and evt.failed=true");
		errno = EINVAL;
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->range = (uint64_t)ms * 1000000;
	a->fmt = printer__new(&po);
	a->ring = calloc(AROUND_RING, sizeof(*a->ring));
	a->follow = hashmap__new(64);
	a->line = malloc(LINE_MAX_BYTES);
	if (!a->fmt || !a->ring || !a->follow || !a->line) {
		around_free(a);
		errno = ENOMEM;
		return NULL;
	}
	obuf__init(&a->out, o->fd);
	return a;
}
