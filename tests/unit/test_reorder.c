// SPDX-License-Identifier: GPL-2.0
/*
 * The reorder stage: records of several CPUs, each CPU's nearly in order and the CPUs' batches
 * interleaved as the ring delivers them, leave in event-time order; nothing leaves before the
 * watermark allows; a folded syscall straddling another CPU's event leaves as two records; late
 * records are counted, never dropped; memory comes back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sink/reorder.h"
#include "scry/decode.h"

static union scry_rec mk_switch(uint16_t cpu, uint64_t ts)
{
	union scry_rec r;

	memset(&r, 0, sizeof(r));
	r.h.type = SCRY_REC_SWITCH;
	r.h.size = sizeof(struct scry_rec_switch);
	r.h.cpu = cpu;
	r.h.ts = ts;
	return r;
}

static union scry_rec mk_exit(uint16_t cpu, uint64_t enter, uint64_t ts, uint16_t nr)
{
	union scry_rec r;

	memset(&r, 0, sizeof(r));
	r.h.type = SCRY_REC_SYS_EXIT;
	r.h.size = SCRY_SYS_EXIT_SHORT;
	r.h.cpu = cpu;
	r.h.ts = ts;
	r.exit.nr = nr;
	r.exit.enter_ts = enter;
	return r;
}

static int push(struct reorder *ro, union scry_rec r)
{
	return reorder__push(ro, &r, r.h.size);
}

/* Every event time of what leaves up to `upto`, in order of leaving. */
static size_t drain(struct reorder *ro, uint64_t upto, uint64_t *ev, size_t max)
{
	const union scry_rec *r;
	uint32_t size;
	size_t n = 0;

	while (reorder__pop(ro, upto, (const void **)&r, &size) > 0) {
		assert_int_equal(size, r->h.size);
		if (r->h.type == SCRY_REC_SYS_EXIT && r->exit.enter_ts && n < max)
			ev[n++] = r->exit.enter_ts;
		if (n < max)
			ev[n++] = r->h.ts;
	}
	return n;
}

static void merges_cpus_in_time_order(void **state)
{
	struct reorder *ro = reorder__new(4);
	uint64_t ev[64];
	size_t n, i;

	/* CPU 1's batch reaches the ring before CPU 0's older one. */
	push(ro, mk_switch(1, 150));
	push(ro, mk_switch(1, 250));
	push(ro, mk_switch(0, 100));
	push(ro, mk_switch(0, 200));
	push(ro, mk_switch(3, 120));
	/* Nothing newer than the watermark leaves. */
	n = drain(ro, 160, ev, 64);
	assert_int_equal(n, 3);
	assert_int_equal(ev[0], 100);
	assert_int_equal(ev[1], 120);
	assert_int_equal(ev[2], 150);
	n = drain(ro, UINT64_MAX, ev, 64);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0], 200);
	assert_int_equal(ev[1], 250);
	for (i = 0; i < n; i++)
		assert_true(ev[i] > 0);
	reorder__free(ro);
}

/* A CPU's own small inversion (a tick between a program's clock read and its record). */
static void sorts_within_a_cpu(void **state)
{
	struct reorder *ro = reorder__new(2);
	uint64_t ev[8];

	push(ro, mk_switch(0, 300));
	push(ro, mk_switch(0, 290));
	push(ro, mk_switch(0, 310));
	assert_int_equal(drain(ro, UINT64_MAX, ev, 8), 3);
	assert_int_equal(ev[0], 290);
	assert_int_equal(ev[1], 300);
	assert_int_equal(ev[2], 310);
	reorder__free(ro);
}

static void splits_a_straddling_syscall(void **state)
{
	struct reorder *ro = reorder__new(2);
	const union scry_rec *r;
	uint32_t size;
	struct reorder_stats st;

	/* getppid on CPU 0 from 100 to 110; CPU 1 switches at 105; CPU 0 goes on at 120. */
	push(ro, mk_exit(0, 100, 110, 110));
	push(ro, mk_exit(0, 120, 130, 110));
	push(ro, mk_switch(1, 105));
	/* The folded record cannot leave before its exit is below the watermark. */
	assert_int_equal(reorder__pop(ro, 108, (const void **)&r, &size), 0);
	assert_int_equal(reorder__pop(ro, 200, (const void **)&r, &size), 1);
	assert_int_equal(r->h.type, SCRY_REC_SYS_ENTER);
	assert_int_equal(r->h.ts, 100);
	assert_int_equal(r->enter.nr, 110);
	assert_int_equal(r->h.cpu, 0);
	assert_int_equal(reorder__pop(ro, 200, (const void **)&r, &size), 1);
	assert_int_equal(r->h.type, SCRY_REC_SWITCH);
	assert_int_equal(r->h.ts, 105);
	assert_int_equal(reorder__pop(ro, 200, (const void **)&r, &size), 1);
	assert_int_equal(r->h.type, SCRY_REC_SYS_EXIT);
	assert_int_equal(r->h.ts, 110);
	assert_int_equal(r->exit.enter_ts, 0);
	/* Nothing between 120 and 130: this one stays folded. */
	assert_int_equal(reorder__pop(ro, 200, (const void **)&r, &size), 1);
	assert_int_equal(r->exit.enter_ts, 120);
	assert_int_equal(reorder__pop(ro, 200, (const void **)&r, &size), 0);
	reorder__stats(ro, &st);
	assert_int_equal(st.split, 1);
	assert_int_equal(st.records, 0);
	assert_int_equal(st.bytes, 0);
	reorder__free(ro);
}

static void late_records_are_counted_not_lost(void **state)
{
	struct reorder *ro = reorder__new(2);
	struct reorder_stats st;
	uint64_t ev[8];

	push(ro, mk_switch(0, 1000));
	assert_int_equal(drain(ro, 1000, ev, 8), 1);
	push(ro, mk_switch(1, 400));	/* 600 ns older than what already left */
	push(ro, mk_switch(1, 1100));
	reorder__stats(ro, &st);
	assert_int_equal(st.late, 1);
	assert_int_equal(st.late_max_ns, 600);
	assert_int_equal(drain(ro, 1100, ev, 8), 2);
	assert_int_equal(ev[0], 400);
	assert_int_equal(ev[1], 1100);
	reorder__free(ro);
}

/* Many records through few chunks: a stream of 2 M leaves sorted and memory stays small. */
static void many_records(void **state)
{
	struct reorder *ro = reorder__new(8);
	struct reorder_stats st;
	const union scry_rec *r;
	uint64_t t = 1000, last = 0, left = 0;
	uint32_t size;
	int i, cpu;

	for (i = 0; i < 250000; i++) {
		for (cpu = 0; cpu < 8; cpu++)
			push(ro, mk_exit(cpu, t + cpu, t + cpu + 3 + (i % 7), 39));
		t += 20;
		if (i % 1000 == 999) {
			while (reorder__pop(ro, t - 500, (const void **)&r, &size) > 0) {
				uint64_t first = r->h.type == SCRY_REC_SYS_EXIT && r->exit.enter_ts ?
						 r->exit.enter_ts : r->h.ts;

				assert_true(first >= last);
				last = r->h.ts;
				left++;
			}
			reorder__stats(ro, &st);
			assert_true(st.bytes < (4u << 20));
		}
	}
	while (reorder__pop(ro, UINT64_MAX, (const void **)&r, &size) > 0)
		left++;
	reorder__stats(ro, &st);
	assert_int_equal(st.records, 0);
	assert_int_equal(st.late, 0);
	assert_true(left >= 2000000);
	reorder__free(ro);
}

/*
 * A record's tag (the pipeline's: its container, found as it went in) leaves with it, out of
 * order as it came, and both halves of a split syscall carry it.
 */
static void tags_leave_with_their_records(void **state)
{
	struct reorder *ro = reorder__new(2);
	union scry_rec a = mk_exit(0, 100, 110, 110), b = mk_switch(1, 105), c = mk_switch(1, 90);
	int ta, tb, tc;
	/* What leaves, in order: c, a's enter (split), b, a's exit, then an untagged record. */
	const struct { uint64_t ts; void *tag; } out[] = {
		{ 90, &tc }, { 100, &ta }, { 105, &tb }, { 110, &ta }, { 300, NULL },
	};
	const union scry_rec *r;
	uint32_t size;
	size_t i;

	assert_int_equal(reorder__push_tagged(ro, &a, a.h.size, &ta), 0);
	assert_int_equal(reorder__push_tagged(ro, &b, b.h.size, &tb), 0);
	assert_int_equal(reorder__push_tagged(ro, &c, c.h.size, &tc), 0);
	push(ro, mk_switch(0, 300));
	for (i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		assert_int_equal(reorder__pop(ro, 400, (const void **)&r, &size), 1);
		assert_int_equal(r->h.ts, out[i].ts);
		assert_ptr_equal(reorder__popped_tag(ro), out[i].tag);
	}
	reorder__free(ro);
}

/* Freed with records still inside: no leak (run under ASan). */
static void free_while_holding(void **state)
{
	struct reorder *ro = reorder__new(2);
	const void *r;
	uint32_t size;
	int i;

	for (i = 0; i < 20000; i++)
		push(ro, mk_switch(i & 1, 100 + i));
	assert_int_equal(reorder__pop(ro, UINT64_MAX, &r, &size), 1);
	reorder__free(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merges_cpus_in_time_order),
		cmocka_unit_test(sorts_within_a_cpu),
		cmocka_unit_test(splits_a_straddling_syscall),
		cmocka_unit_test(late_records_are_counted_not_lost),
		cmocka_unit_test(many_records),
		cmocka_unit_test(free_while_holding),
		cmocka_unit_test(tags_leave_with_their_records),
	};

	return cmocka_run_group_tests_name("reorder", tests, NULL, NULL);
}
