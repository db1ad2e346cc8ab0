// SPDX-License-Identifier: GPL-2.0
/*
 * A process that tries to reach the operator's terminal through what scry shows of it.
 *
 *   hostile comm HEX N         name itself (prctl PR_SET_NAME) with the bytes HEX, call getppid
 *                              N times, print "pid tid"
 *   hostile exec N HEX...      exec itself with argv words decoded from HEX (any bytes but NUL);
 *                              the new image calls getppid N times and prints "pid tid"
 *   hostile negsys N           call syscall(-1) N times (ENOSYS), print "pid tid"
 *   hostile sigret N           return from N signal handlers (rt_sigreturn), print "pid tid"
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static size_t unhex(const char *hex, char *out, size_t cap)
{
	size_t n = 0;

	while (hex[0] && hex[1] && n + 1 < cap) {
		char b[3] = { hex[0], hex[1], 0 };

		out[n++] = (char)strtoul(b, NULL, 16);
		hex += 2;
	}
	out[n] = '\0';
	return n;
}

static void done(void)
{
	printf("%d %ld\n", getpid(), syscall(SYS_gettid));
}

static void getppids(long n)
{
	while (n-- > 0)
		syscall(SYS_getppid);
}

static void on_usr1(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 0;

	if (argc > 3 && !strcmp(argv[1], "comm")) {
		char name[64];

		unhex(argv[2], name, sizeof(name));
		prctl(PR_SET_NAME, name);
		getppids(atol(argv[3]));
		done();
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "exec")) {
		char **nargv = calloc(argc + 1, sizeof(*nargv)), self[4096];
		ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		int i;

		nargv[0] = argv[0];
		nargv[1] = "run";
		nargv[2] = argv[2];
		for (i = 3; i < argc; i++) {
			nargv[i] = malloc(strlen(argv[i]) / 2 + 1);
			unhex(argv[i], nargv[i], strlen(argv[i]) / 2 + 1);
		}
		if (len <= 0)
			return 1;
		self[len] = '\0';
		execv(self, nargv);
		perror("execv");
		return 1;
	}
	if (argc > 2 && !strcmp(argv[1], "run")) {
		getppids(n);
		done();
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "negsys")) {
		while (n-- > 0)
			syscall(-1);
		done();
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "sigret")) {
		signal(SIGUSR1, on_usr1);
		while (n-- > 0)
			raise(SIGUSR1);
		done();
		return 0;
	}
	fprintf(stderr, "usage: hostile comm HEX N | exec N HEX... | negsys N | sigret N\n");
	return 2;
}
