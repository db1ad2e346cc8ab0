// SPDX-License-Identifier: GPL-2.0
/*
 * Loads the counting floor program (with "enter-exit": on sys_exit too), says "ready", runs until
 * SIGINT/SIGTERM, prints the count.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "floor.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	struct floor_bpf *skel = floor_bpf__open();
	unsigned long long total = 0, *vals;
	int ncpu = libbpf_num_possible_cpus(), i;
	__u32 zero = 0;

	if (skel && (argc < 2 || strcmp(argv[1], "enter-exit")))
		bpf_program__set_autoload(skel->progs.floor_sys_exit, false);
	if (!skel || floor_bpf__load(skel) || floor_bpf__attach(skel)) {
		fprintf(stderr, "scry-floor: cannot load the floor program\n");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "ready\n");
	while (!stop)
		pause();
	vals = calloc(ncpu, sizeof(*vals));
	if (vals && !bpf_map_lookup_elem(bpf_map__fd(skel->maps.counts), &zero, vals))
		for (i = 0; i < ncpu; i++)
			total += vals[i];
	printf("%llu\n", total);
	free(vals);
	floor_bpf__destroy(skel);
	return 0;
}
