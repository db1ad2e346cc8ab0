/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A log2 histogram of durations (or sizes), runqlat's and biolatency's picture: bucket b holds
 * values v with 2^(b-1) <= v < 2^b (bucket 0: v == 0). Exact count and sum beside it, so a mean
 * is exact and only the percentiles are bucket-coarse. Adding is a bit scan and two increments:
 * fit for the hot path.
 */
#ifndef SCRY_HIST_H
#define SCRY_HIST_H

#include <stdint.h>

#define HIST_BUCKETS 64

struct log2_hist {
	uint64_t n;		/* values added */
	uint64_t sum;		/* their sum */
	uint64_t max;
	uint64_t b[HIST_BUCKETS];
};

static inline unsigned int hist_bucket(uint64_t v)
{
	unsigned int b = v ? 64 - __builtin_clzll(v) : 0;

	return b < HIST_BUCKETS ? b : HIST_BUCKETS - 1;
}

/*
 * The smallest value of bucket b, and the first beyond it (the last bucket holds every value from
 * 2^62 up: its bound is UINT64_MAX, which it may hold too).
 */
static inline uint64_t hist_lo(unsigned int b) { return b ? 1ull << (b - 1) : 0; }
static inline uint64_t hist_hi(unsigned int b)
{
	return b >= HIST_BUCKETS - 1 ? UINT64_MAX : 1ull << b;
}

static inline void hist_add(struct log2_hist *h, uint64_t v)
{
	h->n++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
	h->b[hist_bucket(v)]++;
}

static inline void hist_merge(struct log2_hist *dst, const struct log2_hist *src)
{
	unsigned int i;

	dst->n += src->n;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
	for (i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
}

/*
 * The p-th percentile (0 < p <= 100) as the upper bound of the bucket that holds it, capped at
 * the largest value seen: "p99 <= this". 0 for an empty histogram.
 */
static inline uint64_t hist_pct(const struct log2_hist *h, double p)
{
	uint64_t want, seen = 0;
	unsigned int i;

	if (!h->n)
		return 0;
	want = (uint64_t)((double)h->n * p / 100.0 + 0.999999);
	if (want < 1)
		want = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want)
			return hist_hi(i) - 1 < h->max ? hist_hi(i) - 1 : h->max;
	}
	return h->max;
}

#endif /* SCRY_HIST_H */
