// SPDX-License-Identifier: GPL-2.0
/*
 * A log2 histogram as text lines, runqlat's picture: one line per bucket from the lowest to the
 * highest non-empty one, its range, its count and a bar scaled to the fullest bucket. Shared by
 * scry top's histogram screen and the text tables, so both draw the same thing.
 */
#include <stdio.h>
#include <string.h>

#include "scry/hist.h"
#include "scry/view.h"

/* A duration in 3 significant digits and the unit that keeps it below 1000: 1.02us, 131us, 1.05ms. */
void hist_fmt_ns(uint64_t ns, char *buf, size_t len)
{
	static const char *const units[] = { "ns", "us", "ms", "s" };
	double v = (double)ns;
	int u = 0;

	while (v >= 999.5 && u < 3) {
		v /= 1000;
		u++;
	}
	if (!u || v >= 99.95)
		snprintf(buf, len, "%.0f%s", v, units[u]);
	else if (v >= 9.995)
		snprintf(buf, len, "%.1f%s", v, units[u]);
	else
		snprintf(buf, len, "%.2f%s", v, units[u]);
}

/*
 * Lines for `h`, at most `max_lines` (the lowest buckets fold into the first line when there are
 * more), each at most `width` columns; `line` is called once per line. Returns the number of
 * lines (0 for an empty histogram).
 */
int hist_text(const struct log2_hist *h, int max_lines, int width,
	      void (*line)(void *ctx, const char *s), void *ctx)
{
	int lo = -1, hi = -1, first, i, bar, n = 0;
	uint64_t peak = 0, folded = 0;
	char buf[256], a[16], b[16];

	for (i = 0; i < HIST_BUCKETS; i++) {
		if (!h->b[i])
			continue;
		if (lo < 0)
			lo = i;
		hi = i;
	}
	if (lo < 0 || max_lines < 1)
		return 0;
	first = hi - lo + 1 > max_lines ? hi - max_lines + 1 : lo;
	for (i = lo; i < first; i++)
		folded += h->b[i];
	for (i = first; i <= hi; i++) {
		uint64_t c = h->b[i] + (i == first ? folded : 0);

		if (c > peak)
			peak = c;
	}
	if (width > (int)sizeof(buf) - 1)
		width = sizeof(buf) - 1;
	/* "1.02us-2.05us  123456 |####|": ranges 13, count 8, the bar what is left */
	bar = width - 25;
	for (i = first; i <= hi; i++) {
		uint64_t c = h->b[i] + (i == first ? folded : 0);
		int fill = bar > 0 && peak ? (int)((c * (uint64_t)bar + peak - 1) / peak) : 0;
		int at;

		hist_fmt_ns(i == first && folded ? 0 : hist_lo(i), a, sizeof(a));
		hist_fmt_ns(hist_hi(i), b, sizeof(b));
		at = snprintf(buf, sizeof(buf), "%6s-%-6s %8llu ", a, b, (unsigned long long)c);
		if (at < 0 || at >= width)
			at = width < 0 ? 0 : width;
		buf[at] = '\0';
		if (bar > 0 && at + bar + 2 < (int)sizeof(buf)) {
			buf[at++] = '|';
			memset(buf + at, '#', fill);
			memset(buf + at + fill, ' ', bar - fill);
			at += bar;
			buf[at++] = '|';
			buf[at] = '\0';
		}
		line(ctx, buf);
		n++;
	}
	return n;
}
