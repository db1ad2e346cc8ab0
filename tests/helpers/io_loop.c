// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: N rounds of a write then a read of SIZE bytes (default 128) through a pipe, the
 * calls -s copies data for; prints the mean ns per syscall.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 500000;
	size_t size = argc > 2 ? (size_t)atol(argv[2]) : 128;
	struct timespec a, b;
	char buf[4096];
	int p[2];

	if (size > sizeof(buf) || pipe(p))
		return 1;
	memset(buf, 'x', sizeof(buf));
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		if (write(p[1], buf, size) != (ssize_t)size || read(p[0], buf, size) != (ssize_t)size)
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n / 2);
	return 0;
}
