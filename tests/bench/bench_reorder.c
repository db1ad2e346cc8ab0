// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: the reorder stage's own cost (src/sink/reorder.c). Records arrive as the ring
 * delivers them, a batch of 100 from one CPU at a time, each CPU's in time order, and leave in
 * time order 20 ms after they happened, as live. Two loads:
 *   - "2 CPUs busy": getppid-like folded syscalls (300 ns each, 600 ns apart) on both CPUs at
 *     once, so that most folded calls straddle an event of the other CPU and are split;
 *   - "1 CPU busy": the same on one CPU, the other quiet: nothing to split.
 * Prints ns per record (push + pop) and the share of records split; the consumer's whole cost
 * per event is in the flood figures of bench.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/sink/reorder.h"
#include "scry/decode.h"

#define BATCH 100
#define LAG_NS 20000000ULL

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run(const char *name, int busy_cpus, long n)
{
	struct reorder *ro = reorder__new(2);
	union scry_rec rec;
	struct reorder_stats st;
	uint64_t t[2] = { 1000000, 1000150 }, out = 0;
	const void *r;
	uint32_t size;
	double t0, el;
	long i;
	int cpu = 0, k;

	memset(&rec, 0, sizeof(rec));
	rec.h.type = SCRY_REC_SYS_EXIT;
	rec.h.size = SCRY_SYS_EXIT_SHORT;
	rec.exit.nr = 110;
	t0 = now();
	for (i = 0; i < n; i += BATCH) {
		for (k = 0; k < BATCH; k++) {
			rec.h.cpu = cpu;
			rec.exit.enter_ts = t[cpu];
			rec.h.ts = t[cpu] + 300;
			t[cpu] += busy_cpus == 2 || cpu == 0 ? 600 : 60000;
			reorder__push(ro, &rec, rec.h.size);
		}
		cpu = busy_cpus == 2 ? !cpu : 0;
		/* the consumer drains what is older than the lag, as the live loop does */
		while (reorder__pop(ro, t[0] > LAG_NS ? t[0] - LAG_NS : 0, &r, &size) > 0)
			out++;
	}
	while (reorder__pop(ro, UINT64_MAX, &r, &size) > 0)
		out++;
	el = now() - t0;
	reorder__stats(ro, &st);
	printf("reorder stage, %-10s %6.1f ns per record (push + pop), %5.1f%% of folded syscalls split, "
	       "%ld records\n", name, el * 1e9 / n, 100.0 * st.split / n, n);
	reorder__free(ro);
	(void)out;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000000;

	run("2 CPUs busy:", 2, n);
	run("1 CPU busy:", 1, n);
	return 0;
}
