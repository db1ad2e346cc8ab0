// SPDX-License-Identifier: GPL-2.0
/*
 * spectrogram's and subsecoffset's bucketing: a latency's column on the log10 axis (1 ns to
 * 100 s over the width, sysdig's floor(log10(ns) * width / 11)), an offset's column within its
 * period, the shade of a count per period (sysdig's log1.6 scale of calls per second), and
 * sysdig's format of time intervals used by the axis and proc_exec_time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "scry/chisel_calc.h"

static void latency_columns(void **state)
{
	(void)state;
	/* 80 columns: a decade is 80/11 = 7.27 columns */
	assert_int_equal(spectro_lat_col(0, 80), 0);
	assert_int_equal(spectro_lat_col(1, 80), 0);
	assert_int_equal(spectro_lat_col(9, 80), 6);		/* 0.954 * 7.27 = 6.94 */
	assert_int_equal(spectro_lat_col(10, 80), 7);		/* 7.27 */
	assert_int_equal(spectro_lat_col(1000, 80), 21);	/* 21.8 */
	assert_int_equal(spectro_lat_col(3000000, 80), 47);	/* 3 ms: 6.477 * 7.27 = 47.1 */
	assert_int_equal(spectro_lat_col(100000000, 80), 58);	/* 100 ms: 58.2 */
	assert_int_equal(spectro_lat_col(1000000000, 80), 65);	/* 1 s: 65.5 */
	/* 100 s and beyond: the last column, never past it */
	assert_int_equal(spectro_lat_col(100000000000ULL, 80), 79);
	assert_int_equal(spectro_lat_col(UINT64_MAX, 80), 79);
	assert_int_equal(spectro_lat_col(UINT64_MAX, 1), 0);
	assert_int_equal(spectro_lat_col(5, 0), 0);
	/* wider: the same latency further right, in proportion */
	assert_int_equal(spectro_lat_col(1000, 200), 54);	/* 3 * 200 / 11 = 54.5 */
	/* monotonic over every power of two */
	for (unsigned int i = 1, prev = 0; i < 64; i++) {
		unsigned int c = spectro_lat_col(1ULL << i, 137);

		assert_true(c >= prev && c < 137);
		prev = c;
	}
}

static void offset_columns(void **state)
{
	const uint64_t s = 1000000000ULL;

	(void)state;
	assert_int_equal(spectro_off_col(0, s, 80), 0);
	assert_int_equal(spectro_off_col(12499999, s, 80), 0);	/* a column is 12.5 ms */
	assert_int_equal(spectro_off_col(12500000, s, 80), 1);
	assert_int_equal(spectro_off_col(5 * s + 500000000, s, 80), 40);
	assert_int_equal(spectro_off_col(7 * s - 1, s, 80), 79);
	/* a 100 ms period: the offset within it */
	assert_int_equal(spectro_off_col(1700000000000000000ULL + 50000000, 100000000, 10), 5);
	/* a long period and a wide terminal do not overflow */
	assert_int_equal(spectro_off_col(UINT64_MAX, 3600 * s, 1000), UINT64_MAX % (3600 * s) *
										1000 / (3600 * s));
	assert_int_equal(spectro_off_col(123, 0, 80), 0);
}

static void shades(void **state)
{
	const uint64_t half = 500000000ULL;

	(void)state;
	assert_int_equal(spectro_step(0, half), 0);
	assert_int_equal(spectro_shade(0, half), 0);
	/* 1 call in 0.5 s: 2/s, log1.6(3) = 2.34 */
	assert_int_equal(spectro_step(1, half), 2);
	/* 10 calls/s in a 1 s period: log1.6(11) = 5.1; 100/s: 9.8; 1000/s: 14.7 */
	assert_int_equal(spectro_step(10, 2 * half), 5);
	assert_int_equal(spectro_step(100, 2 * half), 9);
	assert_int_equal(spectro_step(1000, 2 * half), 14);
	/* from ~1.6^20 = 12089/s on: the top */
	assert_int_equal(spectro_step(20000, 2 * half), 20);
	assert_int_equal(spectro_step(UINT64_MAX, 1), 20);
	/* the shades: one character per step range, none for nothing, '@' at the top */
	assert_int_equal(spectro_shade(1, 2 * half), 1);
	assert_int_equal(spectro_shade(UINT64_MAX, 1), SPECTRO_SHADES - 1);
	assert_int_equal(spectro_chars[0], ' ');
	assert_int_equal(spectro_chars[SPECTRO_SHADES - 1], '@');
	for (uint64_t n = 1, prev = 0; n < 1000000; n *= 3) {
		unsigned int sh = spectro_shade(n, 2 * half);

		assert_true(sh >= prev && sh >= 1 && sh < SPECTRO_SHADES);
		prev = sh;
	}
}

static void intervals(void **state)
{
	static const struct {
		uint64_t ns;
		const char *s;
	} rows[] = {
		{ 0, "0ns" }, { 999, "999ns" }, { 1000, "1.00us" }, { 1234, "1.23us" },
		{ 10000, "10us" }, { 999999, "999us" }, { 1000000, "1.00ms" },
		{ 1500000, "1.50ms" },
		{ 10000000, "10ms" }, { 506000000, "506ms" }, { 1000000000, "1.00s" },
		{ 12340000000ULL, "12.34s" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		chisel_fmt_interval(buf, sizeof(buf), rows[i].ns);
		assert_string_equal(buf, rows[i].s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(latency_columns),
		cmocka_unit_test(offset_columns),
		cmocka_unit_test(shades),
		cmocka_unit_test(intervals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
