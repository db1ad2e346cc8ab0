// SPDX-License-Identifier: GPL-2.0
/* Calls getppid exactly N times (default 100000), then prints "pid tid" on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 100000;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	printf("%d %ld\n", getpid(), syscall(SYS_gettid));
	return 0;
}
