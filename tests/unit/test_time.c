// SPDX-License-Identifier: GPL-2.0
/* fmt_wall: every time format the outputs use, from one function, against strftime. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "scry/util.h"

/* 2023-11-14 22:13:20.123456789 UTC */
#define T1 (1700000000ULL * NSEC_PER_SEC + 123456789ULL)

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void every_format(void **state)
{
	static const struct {
		enum time_fmt f;
		const char *want;
	} cases[] = {
		{ TIME_HMS, "22:13:20" },
		{ TIME_HMS_MS, "22:13:20.123" },
		{ TIME_HMS_NS, "22:13:20.123456789" },
		{ TIME_DATE, "2023-11-14 22:13:20" },
		{ TIME_DATE_NS, "2023-11-14 22:13:20.123456789" },
		{ TIME_ISO_MS, "2023-11-14T22:13:20.123" },
	};
	char buf[TIME_STR_MAX];
	size_t i;

	_Static_assert(ARRAY_SIZE(cases) == TIME__MAX, "a case for every format");
	set_tz("UTC0");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(fmt_wall(buf, T1, cases[i].f), strlen(cases[i].want));
		assert_string_equal(buf, cases[i].want);
	}
	/*
	 * Local time (a zone without tzdata: UTC+5:30), and the fraction's leading zeros. Another
	 * second: the zone is read when the second changes (scry never changes TZ while it runs).
	 */
	set_tz("IST-5:30");
	fmt_wall(buf, 1700000001ULL * NSEC_PER_SEC + 7000000ULL, TIME_DATE_NS);
	assert_string_equal(buf, "2023-11-15 03:43:21.007000000");
	fmt_wall(buf, 1700000001ULL * NSEC_PER_SEC + 7000000ULL, TIME_HMS_MS);
	assert_string_equal(buf, "03:43:21.007");
	/* The epoch, and the last nanosecond of a second: the cached second must not leak. */
	set_tz("UTC0");
	fmt_wall(buf, 0, TIME_DATE_NS);
	assert_string_equal(buf, "1970-01-01 00:00:00.000000000");
	fmt_wall(buf, 59 * NSEC_PER_SEC + 999999999ULL, TIME_HMS_NS);
	assert_string_equal(buf, "00:00:59.999999999");
	fmt_wall(buf, 60 * NSEC_PER_SEC, TIME_HMS_NS);
	assert_string_equal(buf, "00:01:00.000000000");
}

/* What strftime says for the same second, as the five copies it replaced did. */
static void agrees_with_strftime(void **state)
{
	char buf[TIME_STR_MAX], want[64];
	uint64_t ns = T1;
	struct tm tm;
	time_t sec;
	int i;

	set_tz("CET-1CEST,M3.5.0,M10.5.0/3");	/* crosses summer time */
	for (i = 0; i < 2000; i++) {
		ns += 7919ULL * NSEC_PER_SEC + 104729ULL * i;
		sec = ns / NSEC_PER_SEC;
		localtime_r(&sec, &tm);
		strftime(want, sizeof(want), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(want + strlen(want), 16, ".%09llu", (unsigned long long)(ns % NSEC_PER_SEC));
		fmt_wall(buf, ns, TIME_DATE_NS);
		assert_string_equal(buf, want);
	}
}

static void wall_clock(void **state)
{
	clock__set_wall_offset(1000);
	assert_int_equal(clock__wall_offset(), 1000);
	assert_int_equal(clock__wall(5), 1005);
	clock__set_wall_offset(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_format),
		cmocka_unit_test(agrees_with_strftime),
		cmocka_unit_test(wall_clock),
	};

	return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
