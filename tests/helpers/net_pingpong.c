// SPDX-License-Identifier: GPL-2.0
/*
 * net_pingpong N SIZE: N round trips of SIZE-byte messages over a loopback TCP connection
 * between two processes (a forked echo server and the client), TCP_NODELAY on both sides; each
 * round trip is two sends and two receives. Prints the client's ns per round trip.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int full(int fd, char *buf, long size, int in)
{
	long done = 0;
	ssize_t n;

	while (done < size) {
		n = in ? recv(fd, buf + done, size - done, 0) : send(fd, buf + done, size - done, 0);
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	struct timespec t0, t1;
	int one = 1, ls, fd, c;
	long n, size, i;
	static char buf[65536];
	pid_t srv;

	if (argc != 3)
		return fprintf(stderr, "usage: net_pingpong N SIZE\n"), 2;
	n = atol(argv[1]);
	size = atol(argv[2]);
	if (size < 1 || size > (long)sizeof(buf))
		return fprintf(stderr, "net_pingpong: SIZE from 1 to %zu\n", sizeof(buf)), 2;
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (void *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (void *)&a, &alen))
		return perror("net_pingpong: listen"), 1;
	srv = fork();
	if (srv == 0) {
		c = accept(ls, NULL, NULL);
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while (full(c, buf, size, 1) == 0 && full(c, buf, size, 0) == 0)
			;
		_exit(0);
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (void *)&a, sizeof(a)))
		return perror("net_pingpong: connect"), 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	memset(buf, 'p', size);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		if (full(fd, buf, size, 0) || full(fd, buf, size, 1))
			return perror("net_pingpong: round trip"), 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	waitpid(srv, NULL, 0);
	printf("%.1f\n", ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n);
	return 0;
}
