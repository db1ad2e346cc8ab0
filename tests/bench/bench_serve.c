// SPDX-License-Identifier: GPL-2.0
/*
 * scry serve's cost of serving, without a kernel or 1000 real containers (issue 16): the store
 * gets N simulated containers (64-hex ids, names, images, pod labels, every counter and cgroup
 * figure set; with BY_SYSCALL=K, K per-syscall series each), a snapshot is published to the real
 * HTTP server on 127.0.0.1:PORT, and the process waits for SIGINT. tests/bench/bench_serve.sh
 * scrapes it and measures latency, CPU per scrape and RSS.
 *   bench_serve N PORT|ADDR:PORT [K]
 * Container 0's pod label is hostile, so that promtool checks its escaping too.
 * Also measures, in-process, what the consumer thread spends per publication (the snapshot).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scry/serve.h"
#include "scry/util.h"

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 1 ? atoi(argv[1]) : 100, k = argc > 3 ? atoi(argv[3]) : 0, i, j, c;
	uint64_t cpu[2] = { 0, 0 };
	struct serve_health h = { .cpu_dropped = cpu, .ncpus = 2 };
	char listen[64], id[65], name[64], pod[64];
	struct serve_snapshot *sn;
	struct serve_store *st;
	struct serve_http *http;
	sigset_t set;
	double t0;
	int sig;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_serve N PORT [PER_SYSCALL_SERIES]\n");
		return 2;
	}
	/* a port, or ADDR:PORT as --listen takes it */
	snprintf(listen, sizeof(listen), strchr(argv[2], ':') ? "%s" : "127.0.0.1:%s", argv[2]);
	st = serve_store__new(SG_DEFAULT | (k ? SG_BY_SYSCALL : 0), 300000000000ULL, "bench-node");
	if (!st)
		return 1;
	for (i = 0; i < n; i++) {
		struct serve_labels l = { id, name, "registry.example/team/app:1.2.3", pod, "default" };
		struct serve_ctr_row *r;

		for (j = 0; j < 64; j++)
			id[j] = "0123456789abcdef"[(i * 2654435761u >> (j % 28)) & 15];
		id[64] = '\0';
		snprintf(name, sizeof(name), "k8s_app_web-%u_default_%08x_0", i, i * 2654435761u);
		snprintf(pod, sizeof(pod), "web-%u-7d4b9c8f6d-x2x9q", i);
		/* one hostile pod label, for promtool: a quote, a backslash, a newline, a non-UTF-8 byte */
		if (!i)
			snprintf(pod, sizeof(pod), "we\"ird\\pod\nname\xff");
		r = serve_store__row(st, id);
		if (!r)
			return 1;
		serve_store__set_labels(r, &l);
		serve_store__seen(r, now_mono_ns());
		for (c = 0; c < SC__MAX; c++)
			if (c < SC_THR_PERIODS)
				serve_store__add(r, c, 123456789ULL * (i + 1) + c);
			else
				serve_store__set(r, c, 98765ULL * (i + 1) + c);
		for (j = 0; j < k; j++)
			serve_store__syscall(st, r, j, 1000 + j, j);
	}
	http = serve_http__start(listen);
	if (!http)
		return 1;
	t0 = cpu_now();
	for (j = 0; j < 20; j++) {
		sn = serve_store__snapshot(st, &h);
		if (!sn)
			return 1;
		serve_http__publish(http, sn);
		serve_snapshot__put(sn);
	}
	serve_http__ready(http);
	printf("ready %u containers, %u series per syscall each; snapshot %.3f ms CPU\n", n, k,
	       (cpu_now() - t0) / 20 * 1e3);
	fflush(stdout);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigwait(&set, &sig);
	serve_http__stop(http);
	serve_store__free(st);
	return 0;
}
