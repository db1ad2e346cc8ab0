// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: N getppid calls (default 1000000); prints the mean ns per call of the thread's own
 * CPU time (the tracing programs run in its syscalls, so they count), not the wall clock: on a
 * shared VM the host takes the vCPU away at times (steal), which the wall clock would count and
 * this leaves out. With "wall" as the second argument, the wall clock (CLOCK_MONOTONIC).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 1000000;
	clockid_t clk = argc > 2 && !strcmp(argv[2], "wall") ? CLOCK_MONOTONIC :
			CLOCK_THREAD_CPUTIME_ID;
	struct timespec a, b;

	clock_gettime(clk, &a);
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(clk, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}
