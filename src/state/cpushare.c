// SPDX-License-Identifier: GPL-2.0
/*
 * thread.cpu, thread.cpu.user, thread.cpu.system: a thread's share of one CPU over the last
 * second, as sysdig shows it on its once-a-second procinfo events (the growth of utime + stime,
 * in 1/100 s ticks, capped at 100).
 *
 * The seconds here are whole seconds of the boot clock, and a second's figures are what the
 * switch and tick records dated in it charged: every tracer and every replay of a capture that
 * saw the whole second cuts it the same way, whenever it started. The share in all is the
 * on-CPU time (the growth of se.sum_exec_runtime, exact); it is split between user and system
 * in the ratio of the kernel's own utime and stime growth in the second, which is what
 * /proc/PID/stat does (cputime_adjust() scales utime and stime to sum to the runtime): with
 * tick-based accounting those two grow by a whole tick at a time, so the split of a second is
 * a sample of some HZ ticks, as /proc's is.
 */
#include "scry/state.h"

#define NS_PER_SEC 1000000000ull

void cpushare__add(struct scry_thread *t, uint64_t ts, uint64_t run_ns,
		   const struct scry_sched_acct *a)
{
	uint64_t sec = ts / NS_PER_SEC;

	if (sec != t->cpu_cur.sec) {
		if (sec < t->cpu_cur.sec)
			return;	/* out of order by a whole second: not ours to move back */
		t->cpu_prev = t->cpu_cur;
		t->cpu_cur = (struct cpu_second){ .sec = sec };
	}
	t->cpu_cur.run_ns += run_ns;
	t->cpu_cur.utime_ns += a->utime_ns;
	t->cpu_cur.stime_ns += a->stime_ns;
}

/* ns of a second, percent of it rounded, at most 100 */
static unsigned int pct_of(uint64_t ns)
{
	uint64_t p = (ns + NS_PER_SEC / 200) / (NS_PER_SEC / 100);

	return p > 100 ? 100 : p;
}

bool cpushare__get(const struct scry_thread *t, uint64_t ts, uint64_t first_ts,
		   unsigned int pct[3])
{
	uint64_t want = ts / NS_PER_SEC, user_ns;
	const struct cpu_second *s = NULL;

	if (!want || !first_ts || first_ts / NS_PER_SEC >= want - 1)
		return false;	/* the table began inside that second, or later */
	want--;
	if (t->cpu_cur.sec == want)
		s = &t->cpu_cur;
	else if (t->cpu_prev.sec == want)
		s = &t->cpu_prev;
	if (!s || !s->run_ns) {
		pct[0] = pct[1] = pct[2] = 0;	/* it did not run then */
		return true;
	}
	/* cputime_adjust(): no tick saw it in either mode, all of it is user time */
	if (!s->utime_ns && !s->stime_ns)
		user_ns = s->run_ns;
	else
		user_ns = (unsigned __int128)s->run_ns * s->utime_ns /
			  (s->utime_ns + s->stime_ns);
	pct[0] = pct_of(s->run_ns);
	pct[1] = pct_of(user_ns);
	if (pct[1] > pct[0])
		pct[1] = pct[0];
	pct[2] = pct[0] - pct[1];
	return true;
}
