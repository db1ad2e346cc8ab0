// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_conns ADDR PORT N BYTES: N TCP connections, one after another, to ADDR:PORT (IPv4 or IPv6
 * loopback), each sending BYTES bytes, then waiting for the server to close. Prints each
 * connection's local port, one per line, so a test knows exactly which connections were its.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in *in4 = (void *)&ss;
	struct sockaddr_in6 *in6 = (void *)&ss;
	static char buf[65536];
	socklen_t len;
	long n, bytes, i;
	int port;

	if (argc != 5)
		return fprintf(stderr, "usage: tcp_conns ADDR PORT N BYTES\n"), 2;
	port = atoi(argv[2]);
	n = atol(argv[3]);
	bytes = atol(argv[4]);
	if (inet_pton(AF_INET, argv[1], &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		len = sizeof(*in4);
	} else if (inet_pton(AF_INET6, argv[1], &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		len = sizeof(*in6);
	} else {
		return fprintf(stderr, "tcp_conns: bad address %s\n", argv[1]), 2;
	}
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < n; i++) {
		struct sockaddr_storage local;
		socklen_t llen = sizeof(local);
		int fd = socket(ss.ss_family, SOCK_STREAM, 0);
		long left = bytes;

		if (fd < 0 || connect(fd, (void *)&ss, len))
			return perror("tcp_conns: connect"), 1;
		getsockname(fd, (void *)&local, &llen);
		printf("%u\n", ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&local)->sin_port :
				     ((struct sockaddr_in6 *)&local)->sin6_port));
		while (left > 0) {
			ssize_t w = write(fd, buf, left < (long)sizeof(buf) ? left : (long)sizeof(buf));

			if (w <= 0)
				return perror("tcp_conns: write"), 1;
			left -= w;
		}
		shutdown(fd, SHUT_WR);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	return 0;
}
