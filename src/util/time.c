// SPDX-License-Identifier: GPL-2.0
#include <time.h>

#include "scry/util.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

uint64_t now_boot_ns(void)
{
	return clock_ns(CLOCK_BOOTTIME);
}

uint64_t now_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t boot_to_wall_offset(void)
{
	/* Read boot, real, boot and keep the tighter bracket's midpoint. */
	uint64_t b0 = clock_ns(CLOCK_BOOTTIME);
	uint64_t r = clock_ns(CLOCK_REALTIME);
	uint64_t b1 = clock_ns(CLOCK_BOOTTIME);

	return r - (b0 + (b1 - b0) / 2);
}

/*
 * The run's one wall clock. Its owner is the command that runs: live sets it from the clocks
 * before the first event, a replay from the capture's header once the reader is loaded. Every
 * output reads it through clock__wall(); nothing else writes it.
 */
static uint64_t wall_offset;

void clock__set_wall_offset(uint64_t off)
{
	wall_offset = off;
}

uint64_t clock__wall_offset(void)
{
	return wall_offset;
}

uint64_t clock__wall(uint64_t boot_ns)
{
	return boot_ns + wall_offset;
}

static const struct {
	bool date;	/* the date first */
	char sep;	/* between date and time */
	int digits;	/* of the fraction of a second */
} time_fmts[TIME__MAX] = {
	[TIME_HMS] = { false, 0, 0 },
	[TIME_HMS_MS] = { false, 0, 3 },
	[TIME_HMS_NS] = { false, 0, 9 },
	[TIME_DATE] = { true, ' ', 0 },
	[TIME_DATE_NS] = { true, ' ', 9 },
	[TIME_ISO_MS] = { true, 'T', 3 },
};

/*
 * "YYYY-MM-DD HH:MM:SS" of a second in local time, kept per thread for the next call: events
 * come many to a second, and localtime_r is what costs (evt.time is on the printer's hot path).
 */
static const char *local_second(time_t sec)
{
	static __thread time_t last = -1;
	static __thread char day[20];
	struct tm tm;

	if (sec == last)
		return day;
	if (!localtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	fmt_fixed(day, tm.tm_year + 1900 > 9999 ? 9999 : tm.tm_year + 1900, 4);
	day[4] = '-';
	fmt_fixed(day + 5, tm.tm_mon + 1, 2);
	day[7] = '-';
	fmt_fixed(day + 8, tm.tm_mday, 2);
	day[10] = ' ';
	fmt_fixed(day + 11, tm.tm_hour, 2);
	day[13] = ':';
	fmt_fixed(day + 14, tm.tm_min, 2);
	day[16] = ':';
	fmt_fixed(day + 17, tm.tm_sec, 2);
	day[19] = '\0';
	last = sec;
	return day;
}

size_t fmt_wall(char buf[TIME_STR_MAX], uint64_t wall_ns, enum time_fmt f)
{
	static const uint32_t div[10] = {
		1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1,
	};
	const char *day = local_second(wall_ns / NSEC_PER_SEC);
	int digits = time_fmts[f].digits;
	size_t n;

	if (time_fmts[f].date) {
		memcpy(buf, day, 19);
		buf[10] = time_fmts[f].sep;
		n = 19;
	} else {
		memcpy(buf, day + 11, 8);
		n = 8;
	}
	if (digits) {
		buf[n++] = '.';
		fmt_fixed(buf + n, wall_ns % NSEC_PER_SEC / div[digits], digits);
		n += digits;
	}
	buf[n] = '\0';
	return n;
}
