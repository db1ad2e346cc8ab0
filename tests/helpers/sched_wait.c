// SPDX-License-Identifier: GPL-2.0
/*
 * Workloads with a known scheduler truth (t_sched_wait):
 *   spin SECS [GO]   (once a writer opens the FIFO GO: blocked until then, it waits for no CPU)
 *                    spin for SECS seconds, then stop itself (SIGSTOP), so that its schedstat
 *                    (run_delay) can be read from outside while it cannot change
 *   sleep N MS       N nanosleeps of MS ms; prints its pid and the ns it spent in them off its
 *                    CPU (the calls' time less the thread's CPU time in them)
 *   pipe N MS        blocks N times in a pipe read that a child answers after MS ms; prints its
 *                    pid and the ns it spent in the reads off its CPU
 *   pingpong N       (make bench) N round trips of a byte between two processes over two pipes;
 *                    prints ns per round trip (two context switches when both share a CPU)
 * sleep and pipe run as SCHED_FIFO: nothing preempts them, so the time in their calls is all
 * voluntary off-CPU time (on a machine busy with other work too).
 *   touch MIB        touches MIB MiB of fresh anonymous memory, prints its pid, then stops
 *                    itself: its minflt (/proc/PID/stat) is read from outside while stopped
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static unsigned long long clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static unsigned long long now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* Wall time less this thread's CPU time: what passed with it off its CPU. */
static unsigned long long off_ns(void)
{
	return now_ns() - clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

static int spin(double secs, const char *go)
{
	unsigned long long end;
	volatile unsigned long n = 0;
	int fd;

	if (go) {
		fd = open(go, O_RDONLY);
		if (fd < 0)
			return 1;
		close(fd);
	}
	end = now_ns() + (unsigned long long)(secs * 1e9);
	while (now_ns() < end)
		for (int i = 0; i < 10000; i++)
			n++;
	raise(SIGSTOP);
	return 0;
}

static int sleeps(int n, int ms)
{
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000L };
	unsigned long long total = 0, t;

	for (int i = 0; i < n; i++) {
		t = off_ns();
		if (nanosleep(&d, NULL))
			return 1;
		total += off_ns() - t;
	}
	printf("%d %llu\n", getpid(), total);
	return 0;
}

static int pipes(int n, int ms)
{
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000L };
	unsigned long long total = 0, t;
	int fd[2];
	char c;

	if (pipe(fd))
		return 1;
	switch (fork()) {
	case -1:
		return 1;
	case 0:
		close(fd[0]);
		for (int i = 0; i < n; i++)
			if (nanosleep(&d, NULL) || write(fd[1], "x", 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(fd[1]);
	for (int i = 0; i < n; i++) {
		t = off_ns();
		if (read(fd[0], &c, 1) != 1)
			return 1;
		total += off_ns() - t;
	}
	printf("%d %llu\n", getpid(), total);
	return 0;
}

static int touch(size_t mib)
{
	size_t len = mib << 20, page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < len; i += page)
		p[i] = 1;
	printf("%d\n", getpid());
	fflush(stdout);
	raise(SIGSTOP);
	return 0;
}

static int pingpong(long n)
{
	unsigned long long t;
	int ab[2], ba[2];
	char c = 0;

	if (pipe(ab) || pipe(ba))
		return 1;
	switch (fork()) {
	case -1:
		return 1;
	case 0:
		for (long i = 0; i < n; i++)
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	t = now_ns();
	for (long i = 0; i < n; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			return 1;
	printf("%.1f\n", (double)(now_ns() - t) / n);
	return 0;
}

static int realtime(void)
{
	struct sched_param sp = { .sched_priority = 1 };

	if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
		perror("sched_setscheduler");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "spin"))
		return spin(atof(argv[2]), argc == 4 ? argv[3] : NULL);
	if (argc == 4 && !strcmp(argv[1], "sleep"))
		return realtime() ? 1 : sleeps(atoi(argv[2]), atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "pipe"))
		return realtime() ? 1 : pipes(atoi(argv[2]), atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "pingpong"))
		return pingpong(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "touch"))
		return touch(atoi(argv[2]));
	fprintf(stderr, "usage: sched_wait spin SECS [GO] | sleep N MS | pipe N MS | touch MIB | pingpong N\n");
	return 2;
}
