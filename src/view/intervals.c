// SPDX-License-Identifier: GPL-2.0
/*
 * A view's intervals of event time. Events arrive in time order; an event goes to the interval
 * it happened in, but a CPU slice is reported when it ends (a switch, or the tick charging a task
 * that keeps running) and covers [ts - runtime, ts]: the part of it before an interval boundary
 * belongs to the interval before. So an interval stays open for GRACE_NS after its end, the
 * longest a slice can reach back (the tick charges running tasks every 10 ms by default), and
 * each slice is split at the boundaries it spans. No interval then shows more CPU than it lasted
 * times the CPUs, and each shows the time its tasks ran in it, as the cgroup counted it.
 *
 * A slice reaching back past every open interval (ticks turned off, a task that ran for seconds
 * without a switch) is charged to the oldest one still open, so that the totals stay exact. But
 * of what came before the recording's start, when the run knows it, a view counts nothing, not
 * even the part of a slice that reaches back before it.
 * Arithmetic never adds to a time that a capture may have set near 2^64: it compares differences.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scry/sink.h"
#include "scry/view.h"

/* Printing more empty tables than this after a gap (a capture set with holes) helps no one. */
#define MAX_EMPTY_INTERVALS 1000

struct intervals {
	const struct view_desc *v;
	uint64_t ival;		/* ns; 0: one interval for the whole run */
	uint64_t grace;
	bool started;
	uint64_t floor;		/* the recording's start: nothing before counts (0: none) */
	uint64_t first;		/* start of the oldest open interval */
	struct aggr **open;	/* consecutive intervals from `first`, oldest first */
	uint64_t **used;	/* per open interval, the CPU time charged per CPU */
	uint64_t *placed;	/* per CPU, where its last slice was placed to end */
	uint64_t horizon;	/* the latest time a slice was placed to (a little past events) */
	unsigned int nopen, cap;
	unsigned int ncpus;	/* entries of each used[] and of placed[] */
	struct aggr **spare;	/* emptied aggregators for reuse */
	unsigned int nspare;
};

struct intervals *intervals__new(const struct view_desc *v, uint64_t ival_ns)
{
	struct intervals *iv = calloc(1, sizeof(*iv));

	if (!iv)
		return NULL;
	iv->v = v;
	iv->ival = ival_ns;
	return iv;
}

/* `n` aggregators and the array that holds them. */
static void free_aggrs(struct aggr **a, unsigned int n)
{
	while (a && n)
		aggr__free(a[--n]);
	free(a);
}

void intervals__free(struct intervals *iv)
{
	unsigned int i;

	if (!iv)
		return;
	free_aggrs(iv->open, iv->nopen);
	free_aggrs(iv->spare, iv->nspare);
	for (i = 0; iv->used && i < iv->cap; i++)
		free(iv->used[i]);
	free(iv->used);
	free(iv->placed);
	free(iv);
}

int intervals__start(struct intervals *iv, uint64_t origin, uint64_t grace_ns)
{
	if (iv->started)
		return 0;
	/* The intervals a slice can reach back over, the one it ends in, and one to grow into. */
	iv->cap = iv->ival ? grace_ns / iv->ival + 3 : 1;
	iv->open = calloc(iv->cap, sizeof(*iv->open));
	iv->spare = calloc(iv->cap, sizeof(*iv->spare));
	iv->used = calloc(iv->cap, sizeof(*iv->used));
	if (!iv->open || !iv->spare || !iv->used)
		return -ENOMEM;
	iv->grace = grace_ns;
	iv->first = origin;
	iv->started = true;
	return 0;
}

void intervals__floor(struct intervals *iv, uint64_t floor)
{
	if (!iv->started)
		iv->floor = floor;
}

/* The open interval number k (from the oldest), opening it and those before it as needed. */
static struct aggr *interval(struct intervals *iv, unsigned int k)
{
	while (iv->nopen <= k) {
		struct aggr *a = iv->nspare ? iv->spare[--iv->nspare] : aggr__new(iv->v);

		if (!a)
			return iv->nopen ? iv->open[iv->nopen - 1] : NULL;	/* out of memory */
		iv->open[iv->nopen++] = a;
	}
	return iv->open[k];
}

/* Index of the open interval holding time ts (0 for anything before the oldest). */
static unsigned int index_of(const struct intervals *iv, uint64_t ts)
{
	uint64_t k;

	if (!iv->ival || ts <= iv->first)
		return 0;
	k = (ts - iv->first) / iv->ival;
	return k < iv->cap - 1 ? (unsigned int)k : iv->cap - 1;
}

/* Room for the CPU time of `cpu` in every open interval's account; false when out of memory. */
static bool cpu_room(struct intervals *iv, unsigned int cpu)
{
	unsigned int n = iv->ncpus ? iv->ncpus : 64, i;
	uint64_t *p;

	if (cpu < iv->ncpus)
		return true;
	while (n <= cpu)
		n *= 2;
	p = realloc(iv->placed, n * sizeof(*p));
	if (!p)
		return false;
	memset(p + iv->ncpus, 0, (n - iv->ncpus) * sizeof(*p));
	iv->placed = p;
	for (i = 0; i < iv->cap; i++) {
		uint64_t *u = realloc(iv->used[i], n * sizeof(*u));

		if (!u)
			return false;
		memset(u + iv->ncpus, 0, (n - iv->ncpus) * sizeof(*u));
		iv->used[i] = u;
	}
	iv->ncpus = n;
	return true;
}

/* What CPU `cpu` may still give open interval k at event time ts: the part of it that passed. */
static uint64_t room(struct intervals *iv, unsigned int k, unsigned int cpu, uint64_t ts,
		     uint64_t **used)
{
	uint64_t istart = iv->first + (uint64_t)k * iv->ival, passed;

	interval(iv, k);	/* open it, so that its account exists */
	*used = k < iv->nopen && cpu < iv->ncpus ? &iv->used[k][cpu] : NULL;
	if (ts <= istart)
		return 0;
	passed = ts - istart < iv->ival ? ts - istart : iv->ival;
	return !*used ? passed : passed > **used ? passed - **used : 0;
}

static void charge_part(struct intervals *iv, unsigned int k, const struct scry_event *ev,
			uint64_t part, uint64_t *used)
{
	struct aggr *a = interval(iv, k);

	if (!part || !a)
		return;
	aggr__charge(a, ev, part);
	if (used && k < iv->nopen)
		*used += part;
}

/*
 * A slice of one CPU, split over the open intervals it covers. It ended at its record's time,
 * ts, and lasted runtime: [ts - runtime, ts]. Not quite: a tick charges a running task with the
 * time the scheduler had counted at its last update, up to a scheduler tick earlier, so slices
 * placed that way may overlap, and an interval would get more of a CPU than it lasted. A CPU's
 * slices are therefore laid end to end: one that would overlap its CPU's previous one starts
 * where that one ends instead (the sum of a CPU's slices never runs ahead of the clock by more
 * than the scheduler's last update). Each interval then gets at most its length of every CPU.
 * What still finds no room (ticks turned off, a slice reaching back past the open intervals)
 * goes to the oldest open intervals with room, then to the oldest regardless, so that the totals
 * stay exact.
 */
static void charge_slice(struct intervals *iv, const struct scry_event *ev, uint64_t left)
{
	uint64_t end = ev->ts, part, *used, horizon;
	unsigned int cpu = ev->rec->h.cpu, k, last;

	if (!cpu_room(iv, cpu)) {
		cpu = UINT32_MAX;	/* out of memory: time placement alone */
	} else {
		uint64_t prev = iv->placed[cpu];

		if (prev > end - left && prev - (end - left) < iv->grace)
			end = prev + left;
		iv->placed[cpu] = end;
	}
	horizon = end > ev->ts ? end : ev->ts;
	if (horizon > iv->horizon)
		iv->horizon = horizon;
	k = last = index_of(iv, end);
	for (;; k--) {
		uint64_t istart = iv->first + (uint64_t)k * iv->ival;
		uint64_t r = room(iv, k, cpu, horizon, &used);

		part = end > istart ? end - istart : 0;
		part = part < r ? part : r;
		part = part < left ? part : left;
		charge_part(iv, k, ev, part, used);
		left -= part;
		if (!left || !k)
			break;
		end = istart;
	}
	for (k = 0; left && k <= last; k++) {
		uint64_t r = room(iv, k, cpu, horizon, &used);

		part = r < left ? r : left;
		charge_part(iv, k, ev, part, used);
		left -= part;
	}
	charge_part(iv, 0, ev, left, NULL);
}

void intervals__event(struct intervals *iv, const struct scry_event *ev)
{
	bool cpu = evt_table[ev->type].flags & EVF_CPU;
	uint64_t ns = 0;
	struct aggr *a;

	/* Before the recording: an event, the part of a slice [ts - runtime, ts]. */
	if (ev->ts < iv->floor || (cpu && ev->ts == iv->floor))
		return;
	if (cpu)
		ns = ev->ts - iv->floor < ev->runtime_ns ? ev->ts - iv->floor : ev->runtime_ns;
	if (!iv->ival) {	/* one interval: no bounds to split at */
		if ((a = iv->nopen ? iv->open[0] : interval(iv, 0))) {
			cpu ? aggr__charge(a, ev, ns) : aggr__event(a, ev);
			if (cpu)
				aggr__sched(a, ev);
		}
		return;
	}
	if (cpu) {
		charge_slice(iv, ev, ns);
		/*
		 * Its wait, off-CPU stretch and faults go to the interval of its record, whole: they
		 * are not spread over the CPU's time as a slice is (a wait is no CPU's time).
		 */
		if ((a = interval(iv, index_of(iv, ev->ts))))
			aggr__sched(a, ev);
		return;
	}
	a = interval(iv, index_of(iv, ev->ts));
	if (a)
		aggr__event(a, ev);
}

bool intervals__due(const struct intervals *iv, uint64_t now)
{
	/* The oldest interval ends at first + ival, and can change until grace after that. */
	return iv->started && iv->ival && now > iv->first &&
	       now - iv->first >= iv->ival && now - iv->first - iv->ival >= iv->grace;
}

bool intervals__take(struct intervals *iv, uint64_t now, bool all, struct aggr **out,
		     uint64_t *start, uint64_t *end)
{
	struct aggr *a;
	uint64_t *used;
	unsigned int i;

	if (!iv->started || (!all && !intervals__due(iv, now)))
		return false;
	if (all && !iv->nopen)
		return false;
	a = interval(iv, 0);
	if (!a)
		return false;
	*start = iv->first;
	if (!iv->ival)
		*end = now > iv->first ? now : iv->first;
	else if (all && now < iv->horizon && iv->horizon - iv->first < iv->ival)
		*end = iv->horizon;	/* the last one, to where its last slice was placed */
	else if (now > iv->first && now - iv->first < iv->ival)
		*end = now;	/* the last interval of the run, cut where the events end */
	else
		*end = iv->first + iv->ival;
	/* Hand the rows over; the receiver's empty aggregator takes the slot's place. */
	used = iv->used[0];
	for (i = 1; i < iv->cap; i++) {
		if (i < iv->nopen)
			iv->open[i - 1] = iv->open[i];
		iv->used[i - 1] = iv->used[i];
	}
	iv->used[iv->cap - 1] = used;
	if (used)
		memset(used, 0, iv->ncpus * sizeof(*used));
	iv->nopen--;
	if (*out) {
		aggr__reset(*out);
		iv->spare[iv->nspare++] = *out;
	}
	*out = a;
	if (iv->ival) {
		/* A long gap (a capture set with holes): skip ahead rather than print it all. */
		if (!iv->nopen && now > iv->first && (now - iv->first) / iv->ival > MAX_EMPTY_INTERVALS)
			iv->first += (now - iv->first) / iv->ival * iv->ival - iv->ival;
		else
			iv->first += iv->ival;
	}
	return true;
}

int intervals__start_run(struct intervals *iv, const struct run_ctx *run, uint64_t ts)
{
	bool rec = run->start_ts && run->start_ts <= ts;

	if (rec)
		intervals__floor(iv, run->start_ts);
	return intervals__start(iv, rec ? run->start_ts : ts,
				run->slice_ns ? run->slice_ns : PIPELINE_SLICE_NS);
}
