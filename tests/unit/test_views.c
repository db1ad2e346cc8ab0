// SPDX-License-Identifier: GPL-2.0
/*
 * A view's intervals: a CPU slice is split at the interval bounds it spans, no interval gets
 * more of a CPU than has passed of it, time jumps near 2^64 end in a few tables, and an empty
 * view renders (under UBSan too).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scry/decode.h"
#include "scry/filter.h"
#include "scry/view.h"

static union scry_rec rec;

static struct scry_event slice(uint16_t cpu, uint64_t ts, uint64_t runtime)
{
	struct scry_event ev;

	memset(&ev, 0, sizeof(ev));
	memset(&rec, 0, sizeof(rec));
	rec.h.type = SCRY_REC_SWITCH;
	rec.h.size = sizeof(struct scry_rec_switch);
	rec.h.cpu = cpu;
	rec.h.ts = ts;
	rec.sw.runtime_ns = runtime;
	ev.rec = &rec;
	ev.type = SCRY_REC_SWITCH;
	ev.ts = ts;
	ev.runtime_ns = runtime;
	return ev;
}

static uint64_t cpu_of(struct aggr *a)
{
	struct view_row t;

	aggr__totals(a, &t);
	return t.cpu_ns;
}

/* Takes every interval complete at `now` (all of them with `all`): their CPU totals. */
static size_t take(struct intervals *iv, uint64_t now, bool all, uint64_t *cpu, size_t max,
		   struct aggr **out)
{
	uint64_t start, end;
	size_t n = 0;

	while (n < max && intervals__take(iv, now, all, out, &start, &end))
		cpu[n++] = cpu_of(*out);
	return n;
}

static void slice_split_at_bounds(void **state)
{
	struct intervals *iv = intervals__new(view_lookup("topcontainers_cpu"), 1000);
	struct aggr *out = NULL;
	struct scry_event ev;
	uint64_t cpu[8];

	assert_int_equal(intervals__start(iv, 0, 100), 0);
	ev = slice(0, 1500, 1000);	/* [500, 1500]: half in each interval */
	intervals__event(iv, &ev);
	assert_false(intervals__due(iv, 1099));
	assert_int_equal(take(iv, 1100, false, cpu, 8, &out), 1);
	assert_int_equal(cpu[0], 500);
	ev = slice(0, 2600, 1000);	/* [1600, 2600] */
	intervals__event(iv, &ev);
	assert_int_equal(take(iv, 2600, true, cpu, 8, &out), 2);
	assert_int_equal(cpu[0], 500 + 400);
	assert_int_equal(cpu[1], 600);
	aggr__free(out);
	intervals__free(iv);
}

/*
 * Two CPUs busy all the time, every other slice reported 4 us late (a tick's charge is up to a
 * scheduler tick old), so that by their report times slices overlap: no interval gets more
 * than 2 CPUs' worth, and the total stays exact.
 */
static void never_more_than_the_cpus(void **state)
{
	struct intervals *iv = intervals__new(view_lookup("topcontainers_cpu"), 50000);
	struct aggr *out = NULL;
	uint64_t cpu[64], t, total = 0, want = 0, worst = 0;
	struct scry_event ev;
	size_t n, i;

	assert_int_equal(intervals__start(iv, 0, 20000), 0);
	for (t = 10000; t <= 1000000; t += 10000) {
		uint64_t ts = t + (t / 10000 % 2 ? 4000 : 0);
		int c;

		for (c = 0; c < 2; c++) {
			ev = slice(c, ts, 10000);
			want += ev.runtime_ns;
			intervals__event(iv, &ev);
		}
		n = take(iv, ts, false, cpu, 64, &out);
		for (i = 0; i < n; i++) {
			worst = cpu[i] > worst ? cpu[i] : worst;
			total += cpu[i];
		}
	}
	n = take(iv, t, true, cpu, 64, &out);
	for (i = 0; i < n; i++)
		total += cpu[i];
	assert_true(worst <= 2 * 50000);
	assert_int_equal(total, want);
	aggr__free(out);
	intervals__free(iv);
}

/*
 * The last, short interval of a run gets no more of a CPU than it lasts: two slices reported
 * late would overlap in [50000, 53500) by their report times; laid end to end, the second ends
 * at 56000, and so does the last interval.
 */
static void short_last_interval(void **state)
{
	struct intervals *iv = intervals__new(view_lookup("topcontainers_cpu"), 50000);
	struct aggr *out = NULL;
	uint64_t start, end;
	struct scry_event ev;

	assert_int_equal(intervals__start(iv, 0, 20000), 0);
	ev = slice(0, 40000, 40000);
	intervals__event(iv, &ev);
	ev = slice(0, 53000, 10000);
	intervals__event(iv, &ev);
	ev = slice(0, 53500, 3000);
	intervals__event(iv, &ev);
	assert_true(intervals__take(iv, 53500, true, &out, &start, &end));
	assert_int_equal(cpu_of(out), 47000);
	assert_true(intervals__take(iv, 53500, true, &out, &start, &end));
	assert_int_equal(start, 50000);
	assert_int_equal(end, 56000);
	assert_int_equal(cpu_of(out), 6000);
	assert_false(intervals__take(iv, 53500, true, &out, &start, &end));
	aggr__free(out);
	intervals__free(iv);
}

/*
 * Nothing before the recording's start counts (the CPUs' accounting was being armed then): of a
 * slice reaching back before it, only the part after; a slice that ended before, not at all.
 * With 50 us intervals and with one interval for the whole run.
 */
static void nothing_before_the_start(void **state)
{
	static const uint64_t ivals[] = { 50000, 0 };
	uint64_t start, end;
	struct scry_event ev;
	size_t i;

	for (i = 0; i < 2; i++) {
		struct intervals *iv = intervals__new(view_lookup("topcontainers_cpu"), ivals[i]);
		struct aggr *out = NULL;

		intervals__floor(iv, 100000);
		assert_int_equal(intervals__start(iv, 100000, 20000), 0);
		ev = slice(0, 99000, 5000);	/* [94000, 99000]: before */
		intervals__event(iv, &ev);
		ev = slice(1, 130000, 40000);	/* [90000, 130000]: 30000 of it after */
		intervals__event(iv, &ev);
		assert_true(intervals__take(iv, 130000, true, &out, &start, &end));
		assert_int_equal(start, 100000);
		assert_int_equal(cpu_of(out), 30000);
		aggr__free(out);
		intervals__free(iv);
	}
}

/* A time near 2^64 (a forged capture) ends in a handful of tables, not in an endless loop. */
static void time_jump_near_max(void **state)
{
	struct intervals *iv = intervals__new(view_lookup("topcontainers_cpu"), 1000000000);
	struct aggr *out = NULL;
	uint64_t cpu[2048];
	struct scry_event ev;

	assert_int_equal(intervals__start(iv, 1000, 250000000), 0);
	ev = slice(0, 2000, 100);
	intervals__event(iv, &ev);
	assert_true(take(iv, UINT64_MAX - 10, false, cpu, 2048, &out) <= 3);
	ev = slice(0, UINT64_MAX - 5, 100);
	intervals__event(iv, &ev);
	assert_true(take(iv, UINT64_MAX - 1, true, cpu, 2048, &out) <= 3);
	aggr__free(out);
	intervals__free(iv);
}

static void empty_view_renders(void **state)
{
	struct aggr *a = aggr__new(view_lookup("topcontainers_file"));
	size_t n = 1;

	assert_non_null(a);
	aggr__sorted(a, FIG_FILE_TOTAL, &n);
	assert_int_equal(n, 0);
	aggr__free(a);
}

/* A sum event counts as its calls and bytes (more than a record's u32); a record as one call. */
static void sums_count_as_their_calls(void **state)
{
	struct aggr *a = aggr__new(view_lookup("topcontainers_net"));
	struct scry_event ev;
	struct view_row **rows;
	size_t n = 0;

	assert_non_null(a);
	memset(&ev, 0, sizeof(ev));
	memset(&rec, 0, sizeof(rec));
	rec.sio.h.type = SCRY_REC_SOCK_IO;
	rec.sio.h.size = sizeof(struct scry_rec_sock_io);
	rec.sio.bytes = 100;
	rec.sio.dir = SCRY_SOCK_OUT;
	ev.rec = &rec;
	ev.type = SCRY_REC_SOCK_IO;
	aggr__event(a, &ev);			/* a record: 100 bytes, one call */
	ev.sum_calls = 3;
	ev.sum_bytes = 5000000000ULL;
	aggr__event(a, &ev);			/* a sum */
	rec.sio.dir = SCRY_SOCK_IN;
	ev.sum_calls = 2;
	ev.sum_bytes = 7;
	aggr__event(a, &ev);
	rows = aggr__sorted(a, FIG_NET_TOTAL, &n);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0]->net_out, 5000000100ULL);
	assert_int_equal(rows[0]->net_in, 7);
	assert_int_equal(rows[0]->net_calls, 6);
	aggr__free(a);
}

/*
 * Count mode only where a sum's event answers the filter as each of its calls would: the
 * totals views, filters on the process, container and the key's own fields.
 */
static void net_sums_only_where_a_sum_answers(void **state)
{
	static const struct { const char *view, *filter; bool sums; } cases[] = {
		{ "topcontainers_net", NULL, true },
		{ "topprocs_net", "fd.l4proto=udp and container.name=web", true },
		{ "topcontainers_net", "proc.pid=7 or (evt.io_dir=r and fd.sockfamily=ip)", true },
		{ "topprocs_net", "proc.vpid=1 and cgroup.id>1 and container.image=x", true },
		{ "topcontainers_net", "evt.type=sockio and k8s.ns.name=default", true },
		/* An exec changes these: a sum may span it. */
		{ "topcontainers_net", "proc.name=nginx", false },
		{ "topprocs_net", "container.name=web and proc.cmdline contains x", false },
		{ "topprocs_net", "user.uid=0", false },
		{ "topcontainers_net", "fd.rport=80", false },
		{ "topcontainers_net", "not fd.lport=22", false },
		{ "topprocs_net", "proc.name=a and thread.tid=3", false },
		{ "topcontainers_net", "evt.buflen>100", false },
		{ "topcontainers_net", "fd.name contains 127", false },
		{ "topconns", NULL, false },
		{ "topcontainers_cpu", NULL, false },
	};
	size_t i;

	assert_false(view_net_sums(NULL, NULL));	/* the event stream: records */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filter_error e;
		struct filter *f = cases[i].filter ? filter__new(cases[i].filter, &e) : NULL;

		assert_true(!cases[i].filter || f);
		if (view_net_sums(view_lookup(cases[i].view), f) != cases[i].sums)
			fail_msg("%s %s: want %s", cases[i].view,
				 cases[i].filter ? cases[i].filter : "", cases[i].sums ? "sums" : "records");
		filter__free(f);
	}
}

/* fd tables only where something reads them: the stream, VF_FDS views, fd filters. */
static void fd_tables_only_where_read(void **state)
{
	static const struct { const char *view, *filter; bool fds; } cases[] = {
		{ "topcontainers_cpu", NULL, false },
		{ "topprocs_syscalls", "proc.name=nginx and evt.type=openat", false },
		{ "topcontainers_file", "fd.name startswith /etc", true },
		{ "topprocs_syscalls", "not fd.directory=/tmp", true },
		{ "topcontainers_net", "fd.is_server=1", true },
		{ "topconns", "fd.rport=80", false },
	};
	size_t i;

	assert_true(view_needs_fds(NULL, NULL));	/* the event stream names every fd */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filter_error e;
		struct filter *f = cases[i].filter ? filter__new(cases[i].filter, &e) : NULL;

		assert_true(!cases[i].filter || f);
		if (view_needs_fds(view_lookup(cases[i].view), f) != cases[i].fds)
			fail_msg("%s %s: want fds %d", cases[i].view,
				 cases[i].filter ? cases[i].filter : "", cases[i].fds);
		filter__free(f);
	}
	for (i = 0; i < view_count; i++)
		if (view_table[i].flags & VF_FDS)
			assert_true(view_needs_fds(&view_table[i], NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slice_split_at_bounds),
		cmocka_unit_test(never_more_than_the_cpus),
		cmocka_unit_test(short_last_interval),
		cmocka_unit_test(nothing_before_the_start),
		cmocka_unit_test(time_jump_near_max),
		cmocka_unit_test(empty_view_renders),
		cmocka_unit_test(sums_count_as_their_calls),
		cmocka_unit_test(net_sums_only_where_a_sum_answers),
		cmocka_unit_test(fd_tables_only_where_read),
	};

	return cmocka_run_group_tests_name("views", tests, NULL, NULL);
}
