// SPDX-License-Identifier: GPL-2.0
/*
 * The pipeline as sinks see it (scry/sink.h): a read-only run context, the enters request, -n,
 * and each event's container, found once per record as it enters the reorder stage and carried
 * through it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "scry/container.h"
#include "scry/event.h"
#include "scry/sink.h"
#include "scry/state.h"

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

struct seen {
	int n;
	uint64_t ts[16];
	const struct scry_container *ctr[16];
	uint64_t last_ts[16];	/* the run context's, as the event arrived */
	uint64_t calls[16];	/* a sum's calls (0: a record's event) */
	uint64_t bytes[16];	/* a sum's bytes */
	uint32_t pid[16];	/* its process's, as the process table knows it */
	const struct run_ctx *run;
};

static int seen_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		s->ts[s->n] = ev->ts;
		s->ctr[s->n] = ev->container;
		s->last_ts[s->n] = s->run->last_ts;
		s->calls[s->n] = ev->sum_calls;
		s->bytes[s->n] = ev->sum_bytes;
		s->pid[s->n] = ev->proc ? ev->proc->pid : 0;
		s->n++;
	}
	return 0;
}

/* Hidden events too: a sum is a sockio. */
static const struct sink_ops seen_ops = {
	.name = "seen", .flags = SINK_HIDDEN, .event = seen_event,
};

/* A switch-out of task 10+cpu from cgroup `cgid`. */
static union scry_rec mk_switch(uint16_t cpu, uint64_t ts, uint64_t cgid)
{
	union scry_rec r = { .sw = {
		.h = { .type = SCRY_REC_SWITCH, .size = sizeof(struct scry_rec_switch), .cpu = cpu,
		       .ts = ts, .pid = 10 + cpu, .tid = 10 + cpu, .cgid = cgid, .comm = "t" },
	} };

	return r;
}

struct fixture {
	struct proctab *procs;
	struct containers *ct;
	struct scry_container *a, *b;
	struct pipeline *pl;
	struct seen seen;
};

static void setup(struct fixture *f)
{
	struct containers_opts co = {};

	memset(f, 0, sizeof(*f));
	f->procs = proctab__new(NULL);
	f->ct = containers__new(&co, false);
	assert_non_null(f->procs);
	assert_non_null(f->ct);
	f->a = containers__add(f->ct, 7, ID_A, CTR_DOCKER, NULL);
	f->b = containers__add(f->ct, 8, ID_B, CTR_DOCKER, NULL);
	f->pl = pipeline__new(f->procs, f->ct);
	assert_non_null(f->pl);
	f->seen.run = pipeline__ctx(f->pl);
	assert_int_equal(pipeline__add_sink(f->pl, &seen_ops, &f->seen), 0);
}

static void teardown(struct fixture *f)
{
	pipeline__free(f->pl);
	proctab__free(f->procs);
	containers__free(f->ct);
}

static void context_is_kept_up_to_date(void **state)
{
	struct fixture f;
	const struct run_ctx *run;
	union scry_rec r = mk_switch(0, 5000, 0);

	setup(&f);
	run = pipeline__ctx(f.pl);
	assert_ptr_equal(run->procs, f.procs);
	assert_ptr_equal(run->containers, f.ct);
	pipeline__begin(f.pl, 1000, 250, false);
	assert_int_equal(run->start_ts, 1000);
	assert_int_equal(run->slice_ns, 250);
	assert_false(run->live);
	assert_int_equal(pipeline__record(f.pl, &r, r.h.size), 0);
	assert_int_equal(f.seen.n, 1);
	assert_int_equal(f.seen.last_ts[0], 5000);
	assert_int_equal(run->last_ts, 5000);
	teardown(&f);
}

static void enters_are_requested(void **state)
{
	struct fixture f;

	setup(&f);
	assert_int_equal(pipeline__enters_wanted(f.pl), -1);
	run_request_enters(pipeline__ctx(f.pl), true);
	assert_int_equal(pipeline__enters_wanted(f.pl), 1);
	run_request_enters(pipeline__ctx(f.pl), false);
	assert_int_equal(pipeline__enters_wanted(f.pl), 0);
	teardown(&f);
	{
		/* A sink built over a context of a test's own: its request goes nowhere, safely. */
		struct { struct run_ctx ctx; uint64_t guard; } own = { .guard = 0x5a5a5a5a5a5a5a5aULL };

		run_request_enters(&own.ctx, true);
		assert_int_equal(own.guard, 0x5a5a5a5a5a5a5a5aULL);
	}
}

static void limit_ends_the_run(void **state)
{
	struct fixture f;
	union scry_rec r;
	int i, rc = 0;

	setup(&f);
	pipeline__set_filter(f.pl, NULL, 3);
	for (i = 0; i < 5 && !rc; i++) {
		r = mk_switch(0, 100 + i, 0);
		rc = pipeline__record(f.pl, &r, r.h.size);
	}
	assert_int_equal(rc, SINK_DONE);
	assert_int_equal(pipeline__status(f.pl), SINK_DONE);
	assert_int_equal(f.seen.n, 3);
	teardown(&f);
}

/* Through the reorder stage, out of order and from two containers: each event keeps its own. */
static void containers_travel_with_their_records(void **state)
{
	static const struct { uint16_t cpu; uint64_t ts, cgid; } in[] = {
		{ 0, 300, 7 }, { 1, 100, 8 }, { 0, 310, 8 }, { 1, 200, 0 }, { 1, 320, 7 },
	};
	static const uint64_t order[] = { 100, 200, 300, 310, 320 };
	struct fixture f;
	union scry_rec r;
	size_t i;

	setup(&f);
	assert_int_equal(pipeline__order(f.pl, 2, 0), 0);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		r = mk_switch(in[i].cpu, in[i].ts, in[i].cgid);
		assert_int_equal(pipeline__record(f.pl, &r, r.h.size), 0);
	}
	assert_int_equal(f.seen.n, 0);	/* all waiting in the stage */
	pipeline__release(f.pl, PIPELINE_ALL);
	assert_int_equal(f.seen.n, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(f.seen.ts[i], order[i]);
	assert_ptr_equal(f.seen.ctr[0], f.b);
	assert_null(f.seen.ctr[1]);
	assert_ptr_equal(f.seen.ctr[2], f.a);
	assert_ptr_equal(f.seen.ctr[3], f.b);
	assert_ptr_equal(f.seen.ctr[4], f.a);
	teardown(&f);
}

/*
 * A block completion counts in the request's cgroup (on v2 the bio's: the container that dirtied
 * the pages), while its submitter, a flusher of another cgroup, stays in its own container and
 * keeps its name.
 */
static void block_io_is_the_requests(void **state)
{
	struct fixture f;
	union scry_rec r = mk_switch(0, 100, 7), b = { .blk = {
		.h = { .type = SCRY_REC_BLOCK_IO, .size = sizeof(struct scry_rec_block_io),
		       .ts = 200, .pid = 10, .tid = 10, .cgid = 8, .comm = "old" },
		.op = SCRY_BLK_WRITE, .bytes = 4096, .blk_flags = SCRY_BLK_DONE,
	} };
	const struct scry_proc *p;

	setup(&f);
	assert_int_equal(pipeline__record(f.pl, &r, r.h.size), 0);
	assert_int_equal(pipeline__record(f.pl, &b, b.h.size), 0);
	assert_int_equal(f.seen.n, 2);
	assert_ptr_equal(f.seen.ctr[0], f.a);
	assert_ptr_equal(f.seen.ctr[1], f.b);		/* the request's */
	assert_int_equal(f.seen.pid[1], 10);		/* by its submitter */
	p = proctab__proc(f.procs, 10);
	assert_non_null(p);
	assert_ptr_equal(p->container, f.a);
	assert_int_equal(p->cgid, 7);
	assert_string_equal(p->comm, "t");
	teardown(&f);
}

/*
 * Count mode: a sum read at 250 reaches the sinks after every record older than 250 and before
 * any newer, with its calls, bytes, process and container; it waits while older records may
 * still come.
 */
static void sums_take_their_place_in_time(void **state)
{
	static const uint64_t in[] = { 100, 300, 200, 240 }, order[] = { 100, 200, 240, 250, 300 };
	struct scry_net_key k = { .cgid = 8, .tgid = 10, .family = 2, .protocol = 6, .sktype = 1,
				  .dir = SCRY_SOCK_OUT };
	struct fixture f;
	union scry_rec r;
	size_t i;

	setup(&f);
	assert_int_equal(pipeline__order(f.pl, 2, 0), 0);
	for (i = 0; i < 4; i++) {
		r = mk_switch(i & 1, in[i], 8);
		assert_int_equal(pipeline__record(f.pl, &r, r.h.size), 0);
	}
	assert_int_equal(pipeline__sum(f.pl, &k, 5000000000ULL, 3, 250), 0);
	pipeline__release(f.pl, 220);
	assert_int_equal(f.seen.n, 2);	/* the sum waits for 250, and 240 with it */
	pipeline__release(f.pl, PIPELINE_ALL);
	assert_int_equal(f.seen.n, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(f.seen.ts[i], order[i]);
	assert_int_equal(f.seen.calls[3], 3);
	assert_int_equal(f.seen.bytes[3], 5000000000ULL);	/* more than a record's u32 */
	assert_int_equal(f.seen.pid[3], 10);
	assert_ptr_equal(f.seen.ctr[3], f.b);
	assert_int_equal(f.seen.last_ts[3], 250);
	assert_int_equal(f.seen.calls[4], 0);
	teardown(&f);
}

/* Control records are the probe's to route (probe_consumer): the pipeline takes events only. */
static void control_records_are_not_events(void **state)
{
	struct scry_ctl_cgroup cg = { .h = { .type = SCRY_CTL_CGROUP, .ts = 50 }, .id = 9,
				      .path_len = 4 };
	struct fixture f;

	setup(&f);
	memcpy(cg.path, "/x/y", 4);
	cg.h.size = SCRY_CTL_CGROUP_FIXED + 4;
	assert_int_equal(pipeline__record(f.pl, &cg, cg.h.size), 0);
	assert_int_equal(f.seen.n, 0);
	assert_int_equal(pipeline__malformed(f.pl), 1);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(context_is_kept_up_to_date),
		cmocka_unit_test(enters_are_requested),
		cmocka_unit_test(limit_ends_the_run),
		cmocka_unit_test(containers_travel_with_their_records),
		cmocka_unit_test(control_records_are_not_events),
		cmocka_unit_test(sums_take_their_place_in_time),
		cmocka_unit_test(block_io_is_the_requests),
	};

	return cmocka_run_group_tests_name("pipeline", tests, NULL, NULL);
}
