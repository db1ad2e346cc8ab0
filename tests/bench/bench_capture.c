// SPDX-License-Identifier: GPL-2.0
/*
 * Capture throughput without the kernel: a synthetic stream of realistic records (two CPUs,
 * tasks switching, folded and split syscalls with arguments and paths, CPU ticks, processes
 * forking, exec'ing and exiting, four cgroups of which three are containers) goes through the
 * real consumer path (decode, process table, container attribution, capture sink) into the
 * writer, then is read back through the real replay path into a sink that only counts.
 *
 *   bench_capture write FILE SECS [RATE]   record for SECS s, as fast as possible or RATE ev/s
 *   bench_capture read FILE...             replay into a counting sink
 *
 * Prints one line of figures each ("key=value ..."), for tests/bench/bench_capture.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scry/capture.h"
#include "scry/container.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"

#define NREC (1u << 20)
#define NTASK 40

struct task {
	uint32_t pid, tid;
	uint64_t cgid;
	char comm[SCRY_COMM_LEN];
};

static struct task tasks[NTASK];
static uint64_t *arena;
static uint32_t *offs, *sizes, nrec;
static size_t used;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

static union scry_rec *add(uint16_t type, uint32_t size, const struct task *t, uint16_t cpu,
			   uint64_t ts)
{
	union scry_rec *r = (union scry_rec *)(arena + used);

	offs[nrec] = used;
	sizes[nrec++] = size;
	used += (size + 7) / 8;
	memset(r, 0, size);
	r->h.type = type;
	r->h.size = size;
	r->h.cpu = cpu;
	r->h.pid = t->pid;
	r->h.tid = t->tid;
	r->h.ts = ts;
	r->h.cgid = t->cgid;
	memcpy(r->h.comm, t->comm, SCRY_COMM_LEN);
	return r;
}

static const char *const paths[] = {
	"/usr/lib/x86_64-linux-gnu/libc.so.6", "/etc/ld.so.cache", "/proc/self/status",
	"/var/lib/postgresql/16/main/base/16384/2619", "/etc/hosts", "/tmp/.X11-unix/X0",
	"/usr/share/zoneinfo/UTC", "/sys/fs/cgroup/cpu.max",
};

static void add_exit(const struct task *t, uint16_t cpu, uint64_t ts, uint16_t nr, int64_t ret,
		     uint64_t enter_ts, int nargs, const char *path, uint8_t kind)
{
	uint16_t plen = path ? strlen(path) + 1 : 0;
	union scry_rec *r = add(SCRY_REC_SYS_EXIT, nargs || plen ? SCRY_SYS_EXIT_ARGS + plen :
				SCRY_SYS_EXIT_SHORT, t, cpu, ts);

	r->exit.nr = nr;
	r->exit.ret = ret;
	r->exit.enter_ts = enter_ts;
	r->exit.nargs = nargs;
	r->exit.fd_kind[0] = kind;
	r->exit.path_len = plen;
	if (nargs) {
		r->exit.args[0] = path ? (uint64_t)-100 : 3 + rnd(30);
		r->exit.args[1] = 0x7f3a5c000000ULL + rnd(1 << 20) * 16;
		r->exit.args[2] = path ? 0x80000 : 4096;
		r->exit.args[3] = 0;
	}
	if (plen)
		memcpy(r->exit.path, path, plen);
}

static void one_syscall(const struct task *t, uint16_t cpu, uint64_t *ts)
{
	static const uint16_t quick[] = { 39, 110, 202, 232, 7, 228, 14 };
	uint32_t k = rnd(100);
	uint64_t e = *ts;

	*ts += 150 + rnd(900);
	if (k < 50)
		add_exit(t, cpu, *ts, quick[rnd(7)], rnd(3), e, 0, NULL, 0);
	else if (k < 80)
		add_exit(t, cpu, *ts, rnd(2), rnd(4) ? 4096 : rnd(4096), e, 3, NULL,
			 rnd(3) ? SCRY_FD_REG : SCRY_FD_SOCK);
	else if (k < 90)
		add_exit(t, cpu, *ts, 257, rnd(5) ? 3 + (int64_t)rnd(20) : -2, e, 4, paths[rnd(8)], 0);
	else
		add_exit(t, cpu, *ts, 0, rnd(4096), e, 3, NULL, SCRY_FD_FIFO);
}

static void lifecycle(uint16_t cpu, uint64_t *ts, uint32_t child)
{
	struct task c = { .pid = child, .tid = child, .cgid = 1 };
	union scry_rec *r;

	memcpy(c.comm, "sh", 3);
	r = add(SCRY_REC_FORK, sizeof(struct scry_rec_fork), &c, cpu, *ts += 5000);
	r->fork.parent_pid = r->fork.parent_tid = r->fork.ppid = tasks[0].pid;
	r->fork.vpid = r->fork.vtid = child;
	memcpy(c.comm, "date", 5);
	r = add(SCRY_REC_EXEC, SCRY_EXEC_FIXED + 9 + 11, &c, cpu, *ts += 50000);
	r->exec.old_tid = child;
	r->exec.vpid = r->exec.vtid = child;
	r->exec.exe_len = 9;
	r->exec.args_len = 11;
	memcpy(r->exec.data, "/bin/date" "date\0+%s\0-u", 20);
	r = add(SCRY_REC_EXIT, sizeof(struct scry_rec_exit), &c, cpu, *ts += 300000);
	r->pexit.exit_flags = SCRY_EXIT_GROUP_DEAD;
}

/* Runs of records per CPU, as the per-CPU batches deliver them. */
static void generate(void)
{
	uint64_t ts[2] = { 1000000000000ULL, 1000000000000ULL };
	int cur[2] = { 0, 1 }, i;
	uint32_t child = 100000;

	arena = malloc((size_t)NREC * 64 * 8);
	offs = malloc(NREC * sizeof(*offs));
	sizes = malloc(NREC * sizeof(*sizes));
	for (i = 0; i < NTASK; i++) {
		tasks[i].pid = 1000 + i / 4 * 4;
		tasks[i].tid = 1000 + i;
		tasks[i].cgid = 1 + i % 4;	/* 1: host, 2..4: containers */
		snprintf(tasks[i].comm, SCRY_COMM_LEN, "%s", i % 4 == 0 ? "postgres" :
			 i % 4 == 1 ? "nginx" : i % 4 == 2 ? "java" : "node");
	}
	while (nrec < NREC - 64) {
		uint16_t cpu = rnd(2);
		int run = 10 + rnd(60);

		while (run-- && nrec < NREC - 64) {
			const struct task *t = &tasks[cur[cpu]];
			uint32_t k = rnd(1000);

			if (k < 80) {
				union scry_rec *r = add(SCRY_REC_SWITCH, sizeof(struct scry_rec_switch),
							t, cpu, ts[cpu] += 200);

				r->sw.runtime_ns = 1000 + rnd(100000);
				cur[cpu] = rnd(NTASK);
				r->sw.next_pid = tasks[cur[cpu]].pid;
				r->sw.next_tid = tasks[cur[cpu]].tid;
			} else if (k < 110) {
				union scry_rec *r = add(SCRY_REC_CPUTICK, sizeof(struct scry_rec_cputick),
							t, cpu, ts[cpu] += 100);

				r->tick.runtime_ns = 10000000;
			} else if (k < 160) {
				/* split: the enter on its own, the exit later */
				union scry_rec *r = add(SCRY_REC_SYS_ENTER,
							sizeof(struct scry_rec_sys_enter), t, cpu,
							ts[cpu] += 300);

				r->enter.nr = 202;
				add_exit(t, cpu, ts[cpu] += 20000 + rnd(200000), 202, 0, 0, 0, NULL, 0);
			} else if (k < 161) {
				lifecycle(cpu, &ts[cpu], child++);
			} else {
				one_syscall(t, cpu, &ts[cpu]);
			}
		}
	}
}

static struct pipeline *pipeline_new(void)
{
	static const char *const names[] = { "db", "web", "api" };
	struct containers_opts co = {};
	struct proctab *procs = proctab__new(NULL);
	struct containers *ctrs = containers__new(&co, false);
	int i;

	for (i = 0; i < 3; i++) {
		struct ctr_meta m = {};
		char id[65];

		snprintf(id, sizeof(id), "%064d", i + 1);
		m.name = strdup(names[i]);
		m.image = strdup("registry.example.com/team/app:1.2.3");
		containers__add(ctrs, 2 + i, id, CTR_DOCKER, &m);
	}
	for (i = 0; i < NTASK; i += 4) {
		struct scry_proc tmpl = { .pid = tasks[i].pid, .ppid = 1, .vpid = 1,
					  .cgid = tasks[i].cgid };
		struct scry_proc *p;

		memcpy(tmpl.comm, tasks[i].comm, SCRY_COMM_LEN);
		p = proctab__add_proc(procs, &tmpl, "/usr/bin/app", "app\0--serve", 11);
		for (int j = 0; j < 4; j++)
			proctab__add_thread(procs, tasks[i + j].tid, tasks[i + j].tid,
					    tasks[i + j].comm, p);
	}
	return pipeline__new(procs, ctrs);
}

static void pipeline_free(struct pipeline *pl)
{
	struct proctab *procs = pipeline__ctx(pl)->procs;
	struct containers *ctrs = pipeline__ctx(pl)->containers;

	pipeline__free(pl);
	proctab__free(procs);
	containers__free(ctrs);
}

static double now(void)
{
	return now_mono_ns() / 1e9;
}

static int cmd_write(const char *path, double secs, double rate)
{
	struct capture_writer_opts o = { .path = path, .level = getenv("LEVEL") ? atoi(getenv("LEVEL")) : -1 };
	struct pipeline *pl = pipeline_new();
	struct capture_writer *w;
	struct capture_stats st;
	uint64_t shift = 0, events = 0, span = 0;
	double t0, t, next_tick;
	uint32_t i;

	w = capture_writer__new(&o, pipeline__ctx(pl));
	if (!w)
		return 1;
	pipeline__add_sink(pl, &capture_sink_ops, w);
	span = ((union scry_rec *)(arena + offs[nrec - 1]))->h.ts - 1000000000000ULL + 1000000;
	t0 = now();
	next_tick = t0 + 0.1;
	for (t = t0; t - t0 < secs; shift += span) {
		for (i = 0; i < nrec; i++) {
			union scry_rec *r = (union scry_rec *)(arena + offs[i]);

			/* each lap later than the last, as time goes on */
			r->h.ts += shift ? span : 0;
			if (r->h.type == SCRY_REC_SYS_EXIT && r->exit.enter_ts)
				r->exit.enter_ts += shift ? span : 0;
			pipeline__record(pl, r, sizes[i]);
			events += 1 + (r->h.type == SCRY_REC_SYS_EXIT && r->exit.enter_ts);
			if ((i & 8191) == 0) {
				t = now();
				if (t >= next_tick) {
					pipeline__tick(pl);
					next_tick = t + 0.1;
				}
				while (rate && events > (t - t0) * rate) {
					usleep(200);
					t = now();
				}
				if (t - t0 >= secs)
					break;
			}
		}
	}
	pipeline__finish(pl);
	capture_writer__close(w);
	t = now() - t0;
	capture_writer__stats(w, &st);
	printf("write events=%llu secs=%.3f events_per_s=%.0f written=%llu dropped=%llu bytes=%llu "
	       "raw_bytes=%llu bytes_per_event=%.2f\n", (unsigned long long)events, t, events / t,
	       (unsigned long long)st.events, (unsigned long long)st.dropped_events,
	       (unsigned long long)st.bytes, (unsigned long long)st.raw_bytes,
	       st.events ? (double)st.bytes / st.events : 0);
	pipeline_free(pl);
	return st.err ? 1 : 0;
}

static int count_event(void *ctx, const struct scry_event *ev, bool matched)
{
	++*(uint64_t *)ctx;
	return 0;
}

static const struct sink_ops count_ops = {
	.name = "count", .flags = SINK_HIDDEN, .event = count_event,
};

static int cmd_read(const char **files, int n)
{
	struct containers_opts co = {};
	struct proctab *procs;
	struct containers *ctrs;
	struct pipeline *pl;
	struct capture_reader *r;
	uint64_t count = 0;
	const void *rec;
	uint32_t size;
	double t0 = now(), t;

	r = capture_reader__open(files, n);
	if (!r)
		return 1;
	procs = proctab__new(NULL);
	ctrs = containers__new(&co, false);
	pl = pipeline__new(procs, ctrs);
	pipeline__add_sink(pl, &count_ops, &count);
	if (capture_reader__load(r, procs, ctrs))
		return 1;
	pipeline__begin(pl, capture_reader__start_ts(r), 0, false);
	while (capture_reader__next(r, &rec, &size) > 0)
		pipeline__record(pl, rec, size);
	pipeline__finish(pl);
	t = now() - t0;
	printf("read events=%llu secs=%.3f events_per_s=%.0f\n", (unsigned long long)count, t,
	       count / t);
	capture_reader__free(r);
	pipeline__free(pl);
	proctab__free(procs);
	containers__free(ctrs);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "write")) {
		generate();
		return cmd_write(argv[2], atof(argv[3]), argc > 4 ? atof(argv[4]) : 0);
	}
	if (argc >= 3 && !strcmp(argv[1], "read"))
		return cmd_read((const char **)argv + 2, argc - 2);
	fprintf(stderr, "usage: bench_capture write FILE SECS [EVENTS_PER_S] | read FILE...\n");
	return 2;
}
