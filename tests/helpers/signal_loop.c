// SPDX-License-Identifier: GPL-2.0
/*
 * Sends itself SIGUSR1 exactly N times (default 20000) with tgkill, so that its handler runs and
 * returns through rt_sigreturn N times; then prints "pid tid handled" on stdout.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 20000;
	long pid = getpid(), tid = syscall(SYS_gettid);
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		return 1;
	for (i = 0; i < n; i++)
		syscall(SYS_tgkill, pid, tid, SIGUSR1);
	printf("%ld %ld %ld\n", pid, tid, (long)handled);
	return 0;
}
