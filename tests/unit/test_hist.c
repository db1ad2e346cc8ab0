// SPDX-License-Identifier: GPL-2.0
/*
 * The log2 histogram: buckets hold [2^(b-1), 2^b), percentiles are the holding bucket's upper
 * bound capped at the largest value, and its text lines fold, scale and fit their width.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "scry/hist.h"
#include "scry/view.h"

static void buckets_are_powers_of_two(void **state)
{
	(void)state;
	assert_int_equal(hist_bucket(0), 0);
	assert_int_equal(hist_bucket(1), 1);
	assert_int_equal(hist_bucket(2), 2);
	assert_int_equal(hist_bucket(3), 2);
	assert_int_equal(hist_bucket(4), 3);
	assert_int_equal(hist_bucket(1023), 10);
	assert_int_equal(hist_bucket(1024), 11);
	assert_int_equal(hist_bucket(UINT64_MAX), 63);
	assert_int_equal(hist_bucket(1ull << 62), 63);
	/* the last bucket's bound covers everything it holds */
	assert_true(hist_lo(63) == 1ull << 62 && hist_hi(63) == UINT64_MAX);
	assert_true(hist_lo(11) == 1024 && hist_hi(11) == 2048);
}

static void percentiles(void **state)
{
	struct log2_hist h;
	int i;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_true(hist_pct(&h, 50) == 0);
	for (i = 0; i < 99; i++)
		hist_add(&h, 1000);	/* bucket [512, 1024) */
	hist_add(&h, 100000);		/* bucket [65536, 131072) */
	assert_true(h.n == 100 && h.sum == 99 * 1000 + 100000 && h.max == 100000);
	assert_true(hist_pct(&h, 50) == 1023);
	assert_true(hist_pct(&h, 99) == 1023);
	/* the 100th value: its bucket's bound capped at the largest value seen */
	assert_true(hist_pct(&h, 99.5) == 100000);
	assert_true(hist_pct(&h, 100) == 100000);
}

static void merge_adds_up(void **state)
{
	struct log2_hist a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	hist_add(&a, 5);
	hist_add(&b, 7);
	hist_add(&b, 9000);
	hist_merge(&a, &b);
	assert_true(a.n == 3 && a.sum == 9012 && a.max == 9000 && a.b[3] == 2 && a.b[14] == 1);
}

struct lines {
	int n;
	char text[8][128];
};

static void take(void *ctx, const char *s)
{
	struct lines *l = ctx;

	if (l->n < 8)
		snprintf(l->text[l->n], sizeof(l->text[0]), "%s", s);
	l->n++;
}

static void text_lines(void **state)
{
	struct log2_hist h;
	struct lines l;
	char buf[16];
	int i, n;

	(void)state;
	hist_fmt_ns(1024, buf, sizeof(buf));
	assert_string_equal(buf, "1.02us");
	hist_fmt_ns(131072, buf, sizeof(buf));
	assert_string_equal(buf, "131us");
	hist_fmt_ns(16384, buf, sizeof(buf));
	assert_string_equal(buf, "16.4us");
	hist_fmt_ns(512, buf, sizeof(buf));
	assert_string_equal(buf, "512ns");

	memset(&h, 0, sizeof(h));
	memset(&l, 0, sizeof(l));
	assert_int_equal(hist_text(&h, 10, 60, take, &l), 0);
	for (i = 0; i < 4; i++)
		hist_add(&h, 1500);	/* [1024, 2048) */
	hist_add(&h, 5000);		/* [4096, 8192) */
	n = hist_text(&h, 10, 60, take, &l);
	/* from the lowest to the highest non-empty bucket, the empty one between included */
	assert_int_equal(n, 3);
	assert_string_equal(l.text[0], "1.02us-2.05us        4 |###################################|");
	assert_int_equal(strlen(l.text[1]), 60);
	assert_non_null(strstr(l.text[1], "       0 |  "));
	assert_non_null(strstr(l.text[2], "4.10us-8.19us        1 |#########  "));

	/* more buckets than lines: the lowest fold into the first line, which starts at 0 */
	memset(&l, 0, sizeof(l));
	hist_add(&h, 3);
	n = hist_text(&h, 2, 40, take, &l);
	assert_int_equal(n, 2);
	assert_non_null(strstr(l.text[0], "0ns-4.10us        5 |"));
	assert_true(strlen(l.text[0]) == 40 && strlen(l.text[1]) == 40);

	/* wider than the line buffer, with a 9-digit count: cut, never past it (ASan) */
	memset(&h, 0, sizeof(h));
	memset(&l, 0, sizeof(l));
	h.n = h.b[40] = 100000000;
	h.max = 1ull << 39;
	assert_int_equal(hist_text(&h, 4, 1000, take, &l), 1);
	assert_true(strlen(l.text[0]) < 128 && strstr(l.text[0], "100000000") != NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buckets_are_powers_of_two),
		cmocka_unit_test(percentiles),
		cmocka_unit_test(merge_adds_up),
		cmocka_unit_test(text_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
