// SPDX-License-Identifier: GPL-2.0
/*
 * Spins on the CPU for SECS seconds (default 2), then prints its pid, its utime+stime from
 * /proc/self/stat in clock ticks, the clock tick rate, and its exact on-CPU time in ns from
 * /proc/self/schedstat, read as the last thing before it exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0, end = now() + secs;
	unsigned long long utime = 0, stime = 0, sched_ns = 0;
	volatile unsigned long spin = 0;
	char buf[4096], *p;
	FILE *f;

	while (now() < end)
		for (int i = 0; i < 100000; i++)
			spin++;
	f = fopen("/proc/self/stat", "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		return 1;
	fclose(f);
	p = strrchr(buf, ')');
	/* utime and stime are fields 14 and 15 */
	if (!p || sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu", &utime, &stime) != 2)
		return 1;
	f = fopen("/proc/self/schedstat", "r");
	if (!f || fscanf(f, "%llu", &sched_ns) != 1)
		return 1;
	fclose(f);
	printf("%d %llu %ld %llu\n", getpid(), utime + stime, sysconf(_SC_CLK_TCK), sched_ns);
	return 0;
}
