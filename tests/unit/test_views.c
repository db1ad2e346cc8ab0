// SPDX-License-Identifier: GPL-2.0
/*
 * A view's intervals: a CPU slice is split at the interval bounds it spans, no interval gets
 * more of a CPU than has passed of it, time jumps near 2^64 end in a few tables, and an empty
 * view renders (under UBSan too).
 */
#include <errno.h>
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

/* The log2 histogram: buckets, exact count and sum, percentiles as bucket bounds capped at max. */
static void hist_math(void **state)
{
	struct log2_hist h = {}, g = {};
	uint64_t v;

	assert_int_equal(hist_pct(&h, 50), 0);
	for (v = 1; v <= 100; v++)
		hist_add(&h, v);
	assert_int_equal(h.n, 100);
	assert_int_equal(h.sum, 5050);
	assert_int_equal(h.max, 100);
	assert_int_equal(h.b[1], 1);		/* 1 */
	assert_int_equal(h.b[6], 32);		/* 32..63 */
	assert_int_equal(h.b[7], 37);		/* 64..100 */
	assert_int_equal(hist_pct(&h, 50), 63);	/* the 50th value, 50, lies in [32, 64) */
	assert_int_equal(hist_pct(&h, 31), 31);	/* the 31st, 31, in [16, 32) */
	assert_int_equal(hist_pct(&h, 99), 100);	/* [64, 128), capped at the largest */
	assert_int_equal(hist_pct(&h, 100), 100);
	hist_add(&g, 0);
	hist_add(&g, 1ULL << 40);
	assert_int_equal(g.b[0], 1);
	assert_int_equal(g.b[41], 1);
	assert_int_equal(hist_pct(&g, 50), 0);
	assert_int_equal(hist_pct(&g, 99), 1ULL << 40);
	hist_merge(&g, &h);
	assert_int_equal(g.n, 102);
	assert_int_equal(g.max, 1ULL << 40);
	assert_int_equal(g.b[7], 37);
}

static struct scry_event acct_slice(uint16_t cpu, uint64_t ts, uint64_t runtime,
				    struct scry_sched_acct acct)
{
	struct scry_event ev = slice(cpu, ts, runtime);

	rec.sw.acct = acct;
	ev.acct = &rec.sw.acct;
	return ev;
}

/*
 * A wait view: a record's wait, off-CPU stretch and faults count once, whole, in the interval of
 * the record (a slice is split, they are not); the waits make the row's histogram, and WAIT% is
 * the wait as a share of the interval. A CPU view keeps no histogram.
 */
static void wait_figures(void **state)
{
	struct intervals *iv = intervals__new(view_lookup("topcontainers_wait"), 1000);
	struct aggr *out = NULL, *cpu = aggr__new(view_lookup("topcontainers_cpu"));
	struct view_row **rows, t;
	struct scry_event ev;
	uint64_t s, e;
	size_t n;

	assert_int_equal(intervals__start(iv, 0, 100), 0);
	ev = acct_slice(0, 1500, 1000, (struct scry_sched_acct){ .wait_ns = 700, .off_ns = 900,
		.off_reason = SCRY_OFF_PREEMPT, .min_flt = 3, .maj_flt = 1 });
	intervals__event(iv, &ev);
	aggr__event(cpu, &ev);
	ev = acct_slice(1, 1600, 100, (struct scry_sched_acct){ .wait_ns = 40,
		.off_ns = 20000, .off_reason = SCRY_OFF_SLEEP });
	intervals__event(iv, &ev);
	ev = acct_slice(1, 1700, 100, (struct scry_sched_acct){ .off_ns = 5,
		.off_reason = SCRY_OFF_BLOCKED, .min_flt = 2 });
	intervals__event(iv, &ev);
	assert_true(intervals__take(iv, 1100, false, &out, &s, &e));
	rows = aggr__sorted(out, FIG_WAIT_NS, &n);
	assert_int_equal(n, 1);			/* a part of the slice, none of the wait */
	assert_int_equal(rows[0]->cpu_ns, 500);
	assert_int_equal(rows[0]->sched.wait_ns, 0);
	assert_null(rows[0]->wait_hist);
	assert_true(intervals__take(iv, 2100, false, &out, &s, &e));
	rows = aggr__sorted(out, FIG_WAIT_NS, &n);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0]->sched.wait_ns, 740);
	assert_int_equal(rows[0]->sched.off_ns[SCRY_OFF_PREEMPT], 900);
	assert_int_equal(rows[0]->sched.off_ns[SCRY_OFF_SLEEP], 20000);
	assert_int_equal(rows[0]->sched.off_ns[SCRY_OFF_BLOCKED], 5);
	assert_int_equal(rows[0]->sched.min_flt, 5);
	assert_int_equal(rows[0]->sched.maj_flt, 1);
	assert_non_null(rows[0]->wait_hist);
	assert_int_equal(rows[0]->wait_hist->n, 2);
	assert_true(figure_value(FIG_WAIT, rows[0], 1000) == 74.0);
	assert_true(figure_value(FIG_WAIT_P50, rows[0], 1000) == 63.0);	/* 40 in [32, 64) */
	assert_true(figure_value(FIG_WAIT_P99, rows[0], 1000) == 700.0);	/* 700, the max */
	assert_true(figure_value(FIG_OFF_SLEEP, rows[0], 1000) == 20000.0);
	assert_true(figure_value(FIG_MIN_FLT_PS, rows[0], 1000) == 5e6);
	aggr__totals(out, &t);
	assert_int_equal(t.sched.wait_ns, 740);
	assert_non_null(t.wait_hist);
	assert_int_equal(t.wait_hist->sum, 740);
	rows = aggr__sorted(cpu, FIG_CPU_NS, &n);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0]->sched.wait_ns, 700);
	assert_null(rows[0]->wait_hist);
	aggr__free(cpu);
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

/*
 * Cgroup figures: absent (never 0) without the readings they need, values from a row's readings
 * (the limit in CPUs, CPU as % of it, % of periods throttled, PSI hundredths, working set as %
 * of the limit); OOM kills count in NEED_CGROUP views only.
 */
static void cgroup_figures(void **state)
{
	struct aggr *mem = aggr__new(view_lookup("topcontainers_mem"));
	const struct view_desc *cpu = view_lookup("topcontainers_cpu");
	struct view_row r = {}, t;
	struct scry_event ev = {};
	enum figure f;

	for (f = FIG_THROTTLED; f <= FIG_MEM_PCT_LIMIT; f++)
		assert_true(figure_absent(&figure_table[f], &r));
	assert_false(figure_absent(&figure_table[FIG_OOM_KILLS], &r));
	assert_false(figure_absent(&figure_table[FIG_CPU], &r));
	r.cg_have = CGS_HAVE(CGS_CPU_QUOTA_US) | CGS_HAVE(CGS_CPU_PERIOD_US) |
		    CGS_HAVE(CGS_CPU_PERIODS) | CGS_HAVE(CGS_CPU_THROTTLED) |
		    CGS_HAVE(CGS_PSI_IO) | CGS_HAVE(CGS_MEM_USAGE) | CGS_HAVE(CGS_MEM_LIMIT);
	r.cg[CGS_CPU_QUOTA_US] = 20000;
	r.cg[CGS_CPU_PERIOD_US] = 100000;
	r.cg[CGS_PSI_IO] = 1234;
	r.cg[CGS_MEM_LIMIT] = 1000;
	r.cpu_ns = 100000000;	/* 0.1 s of 0.5 s: 20% of a CPU, all of the 0.2 CPU quota */
	r.thr_periods = 5;
	r.thr_nr = 4;
	r.mem_wset = 250;
	/* the throttled counts need two readings (CG_DELTA); the working set inactive_file */
	assert_true(figure_absent(&figure_table[FIG_THROTTLED], &r));
	assert_true(figure_absent(&figure_table[FIG_WSET], &r));
	assert_true(figure_absent(&figure_table[FIG_MEM_PCT_LIMIT], &r));
	r.cg_have |= CG_DELTA | CGS_HAVE(CGS_MEM_INACTIVE_FILE);
	assert_false(figure_absent(&figure_table[FIG_THROTTLED_PCT], &r));
	assert_true(figure_value(FIG_CPU_LIMIT, &r, 500000000) == 0.2);
	assert_true(figure_value(FIG_CPU_PCT_LIMIT, &r, 500000000) == 100.0);
	assert_true(figure_value(FIG_THROTTLED_PCT, &r, 500000000) == 80.0);
	assert_true(figure_value(FIG_THROTTLED, &r, 500000000) == 4);
	assert_true(figure_value(FIG_PSI_IO, &r, 500000000) == 12.34);
	assert_true(figure_value(FIG_MEM_PCT_LIMIT, &r, 500000000) == 25.0);
	/* no denominator: 0, not a division by zero */
	r.thr_periods = 0;
	r.cg[CGS_CPU_PERIOD_US] = 0;
	assert_true(figure_value(FIG_THROTTLED_PCT, &r, 500000000) == 0);
	assert_true(figure_value(FIG_CPU_LIMIT, &r, 500000000) == 0);
	assert_true(figure_value(FIG_CPU_PCT_LIMIT, &r, 500000000) == 0);

	memset(&rec, 0, sizeof(rec));
	rec.h.type = SCRY_REC_OOM;
	rec.h.size = sizeof(struct scry_rec_oom);
	rec.h.pid = rec.h.tid = 42;
	ev.rec = &rec;
	ev.type = SCRY_REC_OOM;
	ev.ts = 1000;
	assert_non_null(mem);
	assert_true(view_counts(view_lookup("topcontainers_mem"), &ev));
	assert_false(view_counts(cpu, &ev));
	aggr__event(mem, &ev);
	aggr__totals(mem, &t);
	assert_int_equal(t.oom_kills, 1);
	aggr__free(mem);
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

/*
 * The views by a field: each names a field of the field table (or takes one: VF_FIELD_ARG, and
 * then has no columns of its own), its filter compiles, its columns show that field from the row,
 * and only the views of latency trace enters.
 */
static void field_views_are_whole(void **state)
{
	size_t i, n = 0;

	for (i = 0; i < view_count; i++) {
		const struct view_desc *v = &view_table[i];
		struct filter_error e;
		struct filter *f;
		struct aggr *a;

		if (v->key != KEY_FIELD) {
			assert_null(v->field);
			assert_null(v->where);
			assert_null(v->cols);
			continue;
		}
		n++;
		/* fd.name, fd.type in their filters, any fd.* field for fdbytes_by */
		assert_true(v->flags & VF_FDS);
		assert_true(v->counts);
		assert_true(v->needs & NEED_SYSCALLS);
		assert_int_equal(view_needs_enters(v, NULL), !!(v->needs & NEED_LATENCY));
		if (v->flags & VF_FIELD_ARG) {
			assert_null(v->field);
			assert_null(v->cols);
			continue;
		}
		if (!field_lookup(v->field))
			fail_msg("%s: no field %s", v->name, v->field);
		f = v->where ? filter__new(v->where, &e) : NULL;
		if (v->where && !f)
			fail_msg("%s: %s: %s", v->name, v->where, e.msg);
		filter__free(f);
		assert_non_null(v->cols);
		assert_string_equal(v->cols[0].field, v->field);
		assert_true(v->cols[0].flags & COL_ROW_VALUE);
		assert_null(v->cols[1].field);
		a = aggr__new(v);
		assert_non_null(a);
		aggr__free(a);
	}
	assert_int_equal(n, 8);	/* issue 15: fdcount_by, table_generator */
	assert_true(view_needs_enters(view_lookup("topfiles_time"), NULL));
	assert_true(view_needs_enters(view_lookup("fdtime_by"), NULL));
	assert_false(view_needs_enters(view_lookup("topfiles_bytes"), NULL));
	assert_false(view_needs_enters(view_lookup("topfiles_errors"), NULL));
	assert_false(view_needs_enters(view_lookup("files"), NULL));
}

/* -c fdbytes_by FIELD: a copy keyed by that field, its column named after it; no unknown field. */
static void bind_names_the_column(void **state)
{
	struct view_desc *b;

	errno = 0;
	assert_null(view_bind(view_lookup("fdbytes_by"), "proc.nme"));
	assert_int_equal(errno, EINVAL);
	assert_null(view_bind(view_lookup("fdbytes_by"), NULL));
	b = view_bind(view_lookup("fdtime_by"), "proc.name");
	assert_non_null(b);
	assert_string_equal(b->name, "fdtime_by");
	assert_string_equal(b->field, "proc.name");
	assert_int_equal(b->figures[0], FIG_IO_TIME);
	assert_ptr_equal(view_key_cols(b, COLS_JSON), view_key_cols(b, COLS_TOP));
	assert_string_equal(view_key_cols(b, COLS_TEXT)[0].field, "proc.name");
	assert_string_equal(view_key_cols(b, COLS_TEXT)[0].header, "PROC.NAME");
	assert_null(view_key_cols(b, COLS_TEXT)[1].field);
	free(b);
}

/* An exit of the read/write family on fd `fd` of process `pid`, `res` bytes, `lat` ns. */
static struct scry_event io_exit(const char *call, uint32_t pid, int64_t res, uint64_t lat)
{
	struct scry_event ev;

	memset(&ev, 0, sizeof(ev));
	memset(&rec, 0, sizeof(rec));
	rec.exit.h.type = SCRY_REC_SYS_EXIT;
	rec.exit.h.size = sizeof(struct scry_rec_sys_exit);
	rec.exit.h.pid = rec.exit.h.tid = pid;
	rec.exit.nargs = 3;
	rec.exit.ret = res;
	ev.rec = &rec;
	ev.type = SCRY_REC_SYS_EXIT;
	ev.dir = '<';
	ev.nr = syscall_lookup(call);
	ev.res = res;
	ev.latency = lat;
	return ev;
}

/*
 * Rows by value, exactly: 5000 values (numbers, hashed) each its own row with its own bytes and
 * time, a failed call a call with no bytes, and only the read/write family counts.
 */
static void rows_per_value(void **state)
{
	struct view_desc *b = view_bind(view_lookup("fdbytes_by"), "thread.tid");
	struct view_desc *t = view_bind(view_lookup("fdtime_by"), "thread.tid");
	struct aggr *a = aggr__new(b), *at = aggr__new(t);
	struct view_row **rows;
	struct scry_event ev;
	uint32_t pid;
	size_t n, i;

	assert_non_null(a);
	assert_non_null(at);
	for (pid = 1; pid <= 5000; pid++) {
		ev = io_exit("write", pid, pid, 10);
		aggr__event(a, &ev);
		aggr__event(at, &ev);
		ev = io_exit("read", pid, 2 * pid, 20);
		aggr__event(a, &ev);
		aggr__event(at, &ev);
		ev = io_exit("read", pid, -11, 40);	/* EAGAIN: a call, no bytes */
		aggr__event(a, &ev);
		aggr__event(at, &ev);
		ev = io_exit("getpid", pid, pid, 80);	/* not I/O */
		aggr__event(a, &ev);
		aggr__event(at, &ev);
	}
	rows = aggr__sorted(a, FIG_IO_TOTAL, &n);
	assert_int_equal(n, 5000);
	for (i = 0; i < n; i++) {
		uint64_t tid = 5000 - i;	/* by bytes, most first */

		assert_int_equal(rows[i]->val->u, tid);
		assert_int_equal(rows[i]->io_out, tid);
		assert_int_equal(rows[i]->io_in, 2 * tid);
		assert_int_equal(rows[i]->io_calls, 3);
		assert_int_equal(rows[i]->io_ns, 70);
	}
	rows = aggr__sorted(at, FIG_IO_TIME, &n);
	assert_int_equal(n, 5000);
	assert_int_equal(rows[0]->io_ns, 70);
	assert_int_equal(rows[0]->val->u, 1);		/* ties: by value */
	aggr__free(a);
	aggr__free(at);
	free(b);
	free(t);
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
		{ "topconns", "fd.rport=80", true },	/* a read on a socket fd: the table */
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

static struct scry_event blk(uint32_t dev, uint8_t op, uint32_t bytes, uint64_t lat,
			      uint16_t flags)
{
	struct scry_event ev;

	memset(&ev, 0, sizeof(ev));
	memset(&rec, 0, sizeof(rec));
	rec.blk.h.type = SCRY_REC_BLOCK_IO;
	rec.blk.h.size = sizeof(struct scry_rec_block_io);
	rec.blk.dev = dev;
	rec.blk.op = op;
	rec.blk.bytes = bytes;
	rec.blk.latency_ns = lat;
	rec.blk.blk_flags = flags;
	ev.rec = &rec;
	ev.type = SCRY_REC_BLOCK_IO;
	return ev;
}

/*
 * Block completions per device: bytes of every part, a request at its last part, latency of
 * those timed; p50/p99 as the top of their log2 bucket, capped at the largest; flushes move no
 * bytes; the totals row has the merged histogram.
 */
static void block_figures(void **state)
{
	const uint16_t done = SCRY_BLK_DONE | SCRY_BLK_ISSUED;
	struct aggr *a = aggr__new(view_lookup("topdevices_io"));
	struct view_row **rows, t;
	struct scry_event ev;
	size_t n = 0;
	int i;

	assert_non_null(a);
	assert_true(view_counts(view_lookup("topdevices_io"), (ev = blk(1, 0, 0, 0, 0), &ev)));
	assert_false(view_counts(view_lookup("topcontainers_cpu"), &ev));
	/* device 1: 98 writes of 100 us, one of 1000 us, one of 1 s; a read in two parts */
	for (i = 0; i < 98; i++) {
		ev = blk(1, SCRY_BLK_WRITE, 4096, 100000, done);
		aggr__event(a, &ev);
	}
	ev = blk(1, SCRY_BLK_WRITE, 4096, 1000000, done);
	aggr__event(a, &ev);
	ev = blk(1, SCRY_BLK_WRITE, 4096, 1000000000, done);
	aggr__event(a, &ev);
	ev = blk(1, SCRY_BLK_READ, 512, 0, SCRY_BLK_ISSUED);	/* a first part: not a request */
	aggr__event(a, &ev);
	ev = blk(1, SCRY_BLK_READ, 512, 7000, done);
	aggr__event(a, &ev);
	ev = blk(1, SCRY_BLK_FLUSH, 0, 5000, done);
	aggr__event(a, &ev);
	/* device 2: one read whose issue was not seen */
	ev = blk(2, SCRY_BLK_READ, 1 << 20, 0, SCRY_BLK_DONE);
	aggr__event(a, &ev);
	rows = aggr__sorted(a, FIG_BLK_BYTES, &n);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0]->dev, 2);
	assert_null(rows[0]->blk_hist);
	assert_int_equal(figure_value(FIG_BLK_LAT_MEAN, rows[0], 1), 0);
	assert_int_equal(figure_value(FIG_BLK_READS, rows[0], 1), 1);
	assert_int_equal(rows[1]->dev, 1);
	assert_null(rows[1]->container);
	assert_int_equal(figure_value(FIG_BLK_WRITE, rows[1], 1), 100 * 4096);
	assert_int_equal(figure_value(FIG_BLK_READ, rows[1], 1), 1024);
	assert_int_equal(figure_value(FIG_BLK_WRITES, rows[1], 1), 100);
	assert_int_equal(figure_value(FIG_BLK_READS, rows[1], 1), 1);
	assert_int_equal(figure_value(FIG_BLK_LAT_TOTAL, rows[1], 1),
			 98 * 100000ULL + 1000000 + 1000000000 + 7000);
	assert_true(figure_value(FIG_BLK_LAT_MEAN, rows[1], 1) ==
		    (98 * 100000.0 + 1000000 + 1000000000 + 7000) / 101);
	/* 100 us is in [65536, 131072): 99 of 101 values are at most 131071 */
	assert_int_equal(figure_value(FIG_BLK_LAT_P50, rows[1], 1), 131071);
	assert_int_equal(figure_value(FIG_BLK_LAT_P99, rows[1], 1), 1048575);
	aggr__totals(a, &t);
	assert_int_equal(figure_value(FIG_BLK_BYTES, &t, 1), 100 * 4096 + 1024 + (1 << 20));
	assert_int_equal(figure_value(FIG_BLK_LAT_P99, &t, 1), 1048575);
	assert_int_equal(t.blk_hist->max, 1000000000);
	/* a lone value: the percentiles are that value, not its bucket's top */
	aggr__reset(a);
	ev = blk(3, SCRY_BLK_WRITE, 4096, 3000, done);
	aggr__event(a, &ev);
	rows = aggr__sorted(a, FIG_BLK_BYTES, &n);
	assert_int_equal(n, 1);
	assert_int_equal(figure_value(FIG_BLK_LAT_P50, rows[0], 1), 3000);
	aggr__free(a);
}

/* The block programs load for the block views, and for a stream that asks for blockio only. */
static void block_programs_where_needed(void **state)
{
	static const struct { const char *filter; bool block; } cases[] = {
		{ NULL, false }, { "proc.name=dd", false }, { "evt.type=open", false },
		{ "evt.type!=switch", false }, { "evt.type=blockio", true },
		{ "evt.type in (open, blockio)", true }, { "evt.category=io", true },
		{ "evt.blk.devname=vda", true }, { "not evt.blk.latency>1000", true },
	};
	struct filter_error err;
	size_t i;

	assert_true(view_needs_block(view_lookup("topcontainers_io"), NULL));
	assert_true(view_needs_block(view_lookup("topdevices_io"), NULL));
	assert_false(view_needs_block(view_lookup("topcontainers_cpu"), NULL));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filter *f = NULL;

		if (cases[i].filter)
			assert_non_null(f = filter__new(cases[i].filter, &err));
		if (view_needs_block(NULL, f) != cases[i].block)
			fail_msg("%s: block %d", cases[i].filter, !cases[i].block);
		filter__free(f);
	}
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
		cmocka_unit_test(field_views_are_whole),
		cmocka_unit_test(bind_names_the_column),
		cmocka_unit_test(rows_per_value),
		cmocka_unit_test(cgroup_figures),
		cmocka_unit_test(block_figures),
		cmocka_unit_test(block_programs_where_needed),
		cmocka_unit_test(hist_math),
		cmocka_unit_test(wait_figures),
	};

	return cmocka_run_group_tests_name("views", tests, NULL, NULL);
}
