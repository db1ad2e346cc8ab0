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

static uint64_t wall_offset;

void clock__set_wall_offset(uint64_t off)
{
	wall_offset = off;
}

uint64_t clock__wall_offset(void)
{
	return wall_offset;
}
