// SPDX-License-Identifier: GPL-2.0
/* Forks; the child execs argv[1] with the remaining arguments; the parent waits and exits with
 * the child's status. Prints the child's pid and its parent's (its own) on stdout, the truth a
 * tracer's "parent" is checked against. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status = 0;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: fork_exec PATH [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	printf("%d %d\n", pid, getpid());
	fflush(stdout);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
