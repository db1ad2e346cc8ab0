// SPDX-License-Identifier: GPL-2.0
/* Tries to open a path that does not exist N times (default 1000); prints its pid. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 1000;

	for (i = 0; i < n; i++)
		if (open("/nonexistent/scry-test", O_RDONLY) >= 0)
			return 1;
	printf("%d\n", getpid());
	return 0;
}
