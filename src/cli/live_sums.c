// SPDX-License-Identifier: GPL-2.0
/*
 * Count mode, live: the kernel's sums of socket calls per key (struct scry_net_key), read every
 * tick and once more at the end. What each key gained since its last read (netsums, state.h)
 * goes to the pipeline as one sum event at the time of the read (pipeline__sum), which the views
 * count as that many calls and bytes. Keys of processes gone leave the kernel's map once their
 * last sums are read, so that it holds the living, not the past.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scry/event.h"
#include "scry/probe.h"
#include "scry/state.h"
#include "scry/util.h"
#include "run.h"

struct live_sums {
	struct run *r;
	struct probe *p;
	struct netsums *ns;
	uint64_t ts;			/* this read's time */
	bool baseline;			/* this read only sets where the recording starts */
	struct scry_net_key *gone;	/* keys of processes gone: removed after the read */
	size_t ngone, cap;
	uint64_t calls;			/* calls summed */
	int err;
	bool said;
};

struct live_sums *live_sums__new(struct run *r, struct probe *p)
{
	struct live_sums *s = calloc(1, sizeof(*s));

	if (s && !(s->ns = netsums__new())) {
		free(s);
		return NULL;
	}
	if (s) {
		s->r = r;
		s->p = p;
	}
	return s;
}

void live_sums__free(struct live_sums *s)
{
	if (!s)
		return;
	netsums__free(s->ns);
	free(s->gone);
	free(s);
}

/*
 * Whether a process will make no more calls: dead in the table (its exit, and so its last
 * call, came before this read), or unknown there and in /proc.
 */
static bool proc_gone(struct proctab *pt, uint32_t tgid)
{
	struct scry_proc *p = proctab__proc(pt, tgid);
	char path[PATH_MAX];

	if (p)
		return p->dead;
	snprintf(path, sizeof(path), "%s/%u", hostpath__procfs(), tgid);
	return access(path, F_OK) && errno == ENOENT;
}

static void on_sum(void *ctx, const struct scry_net_key *k, uint64_t bytes, uint64_t calls)
{
	struct live_sums *s = ctx;
	uint64_t db, dc;
	int err;

	err = netsums__delta(s->ns, k, bytes, calls, &db, &dc);
	if (!err && dc && !s->baseline) {
		err = pipeline__sum(s->r->pl, k, db, dc, s->ts);
		s->calls += dc;
	}
	if (err) {
		s->err = err;
		return;
	}
	if (!proc_gone(s->r->procs, k->tgid))
		return;
	if (s->ngone == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct scry_net_key *g = realloc(s->gone, cap * sizeof(*g));

		if (!g)
			return;		/* removed at a later read */
		s->gone = g;
		s->cap = cap;
	}
	s->gone[s->ngone++] = *k;
}

void live_sums__read(struct live_sums *s, bool baseline)
{
	size_t i;
	int err;

	if (!s)
		return;
	s->ts = now_boot_ns();
	s->baseline = baseline;
	s->ngone = 0;
	s->err = 0;
	err = probe__net_counts(s->p, on_sum, s);
	for (i = 0; i < s->ngone; i++)
		if (!probe__net_forget(s->p, &s->gone[i]))
			netsums__forget(s->ns, &s->gone[i]);
	if ((err || s->err) && !s->said) {
		log_err("reading the kernel's socket counts failed (%s): socket figures are short",
			strerror(-(err ? err : s->err)));
		s->said = true;
	}
}

void live_sums__summary(const struct live_sums *s, uint64_t count_full)
{
	log_debug("socket bytes: %llu calls summed in the kernel (%zu keys at the end), %llu "
		  "sockio records", (unsigned long long)s->calls, netsums__size(s->ns),
		  (unsigned long long)s->r->sum_records);
	if (count_full)
		log_info("%llu socket calls found the kernel's count map full (%u keys) and came "
			 "as records instead", (unsigned long long)count_full, SCRY_NET_COUNT_MAX);
}
