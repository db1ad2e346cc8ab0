// SPDX-License-Identifier: GPL-2.0
/*
 * cpu_split MODE SECS: spins for SECS seconds in user mode (MODE "user") or reading /dev/zero
 * 64 KiB at a time (MODE "sys": nearly all kernel time). At every whole second of the boot
 * clock it reads its own utime and stime (/proc/thread-self/stat, clock ticks), then marks the
 * second for the tracer with a failing open of "/nonexistent/cpu_split/SEC". At the end it
 * prints one line per second: "SEC UTIME STIME" (the values read just after SEC began) and the
 * clock tick rate first: "hz HZ".
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SECS 64

static long long boot_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec;
}

static int self_times(unsigned long long *ut, unsigned long long *st)
{
	char buf[1024], *p;
	ssize_t n;
	int fd = open("/proc/thread-self/stat", O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	return p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", ut,
			   st) == 2 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	static long long secs[MAX_SECS];
	static unsigned long long ut[MAX_SECS], st[MAX_SECS];
	int sys = argc > 1 && !strcmp(argv[1], "sys"), zero = open("/dev/zero", O_RDONLY), n = 0;
	long long dur = argc > 2 ? atoll(argv[2]) : 4, last = boot_sec(), end = last + dur + 1;
	volatile unsigned long spin = 0;
	char mark[64];
	int i;

	if (zero < 0)
		return 1;
	while (last < end && n < MAX_SECS) {
		long long now = boot_sec();

		if (now != last) {
			last = now;
			if (self_times(&ut[n], &st[n]))
				return 1;
			secs[n++] = now;
			snprintf(mark, sizeof(mark), "/nonexistent/cpu_split/%lld", now);
			open(mark, O_RDONLY);
		}
		if (sys) {
			if (read(zero, buf, sizeof(buf)) != sizeof(buf))
				return 1;
		} else {
			for (i = 0; i < 20000; i++)
				spin++;
		}
	}
	printf("hz %ld\n", sysconf(_SC_CLK_TCK));
	for (i = 0; i < n; i++)
		printf("%lld %llu %llu\n", secs[i], ut[i], st[i]);
	return 0;
}
