// SPDX-License-Identifier: GPL-2.0
/*
 * fd_ops DIR: every way a process gets, copies, shares and loses an fd, each followed by a write
 * (or read) of a byte count of its own, so a test can find each call's line and check the name
 * the tracer gives its fd:
 *   11 B  rel.txt opened by a relative path in DIR (the cwd)
 *   12 B  d/in_dir.txt opened through a dirfd of DIR/d
 *   13 B  up.txt opened as "../up.txt" after chdir into DIR/d
 *   14 B  dup2 of rel.txt's fd onto in_dir.txt's (a used fd): rel.txt
 *   15 B  kept.txt, written by the program exec'd (the fd survives execve)
 *   16 B  cloexec.txt's fd number after execve: EBADF, no name
 *   17 B  rel.txt, written by a forked child (inherited)
 *   18 B  thread.txt, opened by a thread, written by the main thread
 *   19 B  shared.txt, opened by a clone(CLONE_FILES) child, written by the parent
 *   20 B  a pipe: written by a child, read by the parent
 *   21 B  a TCP connection on 127.0.0.1: written by the client end, read by the server's
 *   8 B   an eventfd
 * Prints "PID CLOEXEC-FD PIPE-INODE CLIENT-PORT SERVER-PORT" last. Exits non-zero, saying why, if
 * a call fails.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[64];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void put(int fd, size_t n)
{
	if (write(fd, buf, n) != (ssize_t)n)
		die("write");
}

static void reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, __WALL) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("child");
}

static int thread_fd = -1;

static void *thread_open(void *arg __attribute__((unused)))
{
	thread_fd = open("thread.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	return NULL;
}

static int shared_fd = -1;

static int clone_open(void *arg __attribute__((unused)))
{
	shared_fd = open("shared.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	return shared_fd < 0;
}

int main(int argc, char **argv)
{
	int a, b, c, dfd, e, k, p[2], ls, cl, sv, efd;
	static char stack[65536];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in cin;
	socklen_t slen = sizeof(sin), clen = sizeof(cin);
	struct stat st;
	uint64_t one = 1;
	pthread_t th;
	pid_t pid;

	memset(buf, 'x', sizeof(buf));
	/* the program exec'd by the cloexec step: argv = fd_ops exec KEPT CLOEXEC */
	if (argc == 4 && !strcmp(argv[1], "exec")) {
		put(atoi(argv[2]), 15);
		if (write(atoi(argv[3]), buf, 16) != -1)
			die("cloexec fd survived exec");
		return 0;
	}
	if (argc != 2 || chdir(argv[1]))
		die("usage: fd_ops DIR");
	if ((a = open("rel.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644)) < 0)
		die("rel.txt");
	put(a, 11);
	if (mkdir("d", 0755) && errno != EEXIST)
		die("mkdir");
	if ((dfd = open("d", O_RDONLY | O_DIRECTORY)) < 0)
		die("d");
	if ((b = openat(dfd, "in_dir.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644)) < 0)
		die("in_dir.txt");
	put(b, 12);
	if (chdir("d") || (c = open("../up.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644)) < 0)
		die("up.txt");
	put(c, 13);
	if (chdir("..") || dup2(a, b) != b)
		die("dup2");
	put(b, 14);

	e = open("cloexec.txt", O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	k = open("kept.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (e < 0 || k < 0)
		die("cloexec.txt");
	if (!(pid = fork())) {
		char ks[16], es[16];

		snprintf(ks, sizeof(ks), "%d", k);
		snprintf(es, sizeof(es), "%d", e);
		execl("/proc/self/exe", "fd_ops", "exec", ks, es, (char *)NULL);
		die("execl");
	}
	reap(pid);

	if (!(pid = fork())) {
		put(a, 17);
		_exit(0);
	}
	reap(pid);

	if (pthread_create(&th, NULL, thread_open, NULL) || pthread_join(th, NULL) || thread_fd < 0)
		die("thread");
	put(thread_fd, 18);

	pid = clone(clone_open, stack + sizeof(stack), CLONE_FILES | CLONE_VM | SIGCHLD, NULL);
	if (pid < 0)
		die("clone");
	reap(pid);
	if (shared_fd < 0)
		die("shared.txt");
	put(shared_fd, 19);

	if (pipe(p))
		die("pipe");
	if (!(pid = fork())) {
		put(p[1], 20);
		_exit(0);
	}
	reap(pid);
	if (read(p[0], buf, 20) != 20)
		die("pipe read");

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(ls, (struct sockaddr *)&sin, sizeof(sin)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&sin, &slen) ||
	    (cl = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(cl, (struct sockaddr *)&sin, sizeof(sin)) || (sv = accept(ls, NULL, NULL)) < 0)
		die("tcp");
	put(cl, 21);
	if (read(sv, buf, 21) != 21)
		die("tcp read");

	if ((efd = eventfd(0, 0)) < 0 || write(efd, &one, 8) != 8)
		die("eventfd");
	if (fstat(p[0], &st) || getsockname(cl, (struct sockaddr *)&cin, &clen))
		die("fstat");
	printf("%d %d %llu %u %u\n", getpid(), e, (unsigned long long)st.st_ino,
	       ntohs(cin.sin_port), ntohs(sin.sin_port));
	return 0;
}
