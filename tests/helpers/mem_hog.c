// SPDX-License-Identifier: GPL-2.0
/*
 * Allocates MIB MiB and writes to every page of it (so that each is charged to the cgroup),
 * prints "touched MIB", then sleeps SECS seconds (default 600) holding it. Under a memory limit
 * smaller than MIB it is OOM-killed while touching.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64, i;
	unsigned int secs = argc > 2 ? strtoul(argv[2], NULL, 10) : 600;
	long page = sysconf(_SC_PAGESIZE);
	char *p = malloc(mib << 20);

	if (!p)
		return 1;
	for (i = 0; i < mib << 20; i += page)
		p[i] = 1;
	printf("touched %zu\n", mib);
	fflush(stdout);
	sleep(secs);
	return p[0] - 1;
}
