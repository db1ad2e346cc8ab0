// SPDX-License-Identifier: GPL-2.0
/*
 * Socket traffic of known sizes, for the network views' tests:
 *   net_io tcp ADDR PORT BYTES   one connection: BYTES sent, then read until the server closes;
 *                                prints the bytes read
 *   net_io udp ADDR PORT N SIZE  N datagrams of SIZE bytes
 *   net_io unix N SIZE           a stream socketpair: N messages of SIZE bytes each way
 *   net_io serve PORT N          accept N TCP connections (IPv4, any address) one after another,
 *                                read each to its end (or its reset), close; prints the bytes
 *                                read from each, one line per connection
 *   net_io refused ADDR PORT N   N connections refused (ECONNREFUSED each, or it fails)
 *   net_io abort ADDR PORT N     N connections, each closed with a reset (SO_LINGER 0)
 *   net_io hold ADDR PORT B1 B2 R
 *                                one connection in two phases: B1 bytes sent; then, once the
 *                                server's 1-byte go has come, B2 bytes sent and R read; prints
 *                                "1+R" read so far, then keeps the connection until the server
 *                                closes it
 * Exits non-zero, saying why, when any call moves less than asked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[65536];

static socklen_t addr(const char *a, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (void *)ss;
	struct sockaddr_in6 *in6 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, a, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return sizeof(*in4);
	}
	if (inet_pton(AF_INET6, a, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return sizeof(*in6);
	}
	fprintf(stderr, "net_io: bad address %s\n", a);
	exit(2);
}

static int tcp(const char *a, int port, long bytes)
{
	struct sockaddr_storage ss;
	socklen_t len = addr(a, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM, 0);
	long got = 0;
	ssize_t n;

	if (fd < 0 || connect(fd, (void *)&ss, len))
		return perror("net_io: connect"), 1;
	while (bytes > 0) {
		n = write(fd, buf, bytes < (long)sizeof(buf) ? bytes : (long)sizeof(buf));
		if (n <= 0)
			return perror("net_io: write"), 1;
		bytes -= n;
	}
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		got += n;
	close(fd);
	printf("%ld\n", got);
	return 0;
}

static int udp(const char *a, int port, long count, long size)
{
	struct sockaddr_storage ss;
	socklen_t len = addr(a, port, &ss);
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0);

	if (fd < 0 || size > (long)sizeof(buf))
		return perror("net_io: socket"), 1;
	while (count-- > 0)
		if (sendto(fd, buf, size, 0, (void *)&ss, len) != size)
			return perror("net_io: sendto"), 1;
	close(fd);
	return 0;
}

static int unix_pair(long count, long size)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || size > (long)sizeof(buf))
		return perror("net_io: socketpair"), 1;
	while (count-- > 0) {
		if (send(sv[0], buf, size, 0) != size || recv(sv[1], buf, size, MSG_WAITALL) != size ||
		    send(sv[1], buf, size, 0) != size || recv(sv[0], buf, size, MSG_WAITALL) != size)
			return perror("net_io: unix"), 1;
	}
	return 0;
}

static int serve(int port, long count)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, ls = socket(AF_INET, SOCK_STREAM, 0), c;

	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (void *)&a, sizeof(a)) || listen(ls, 64))
		return perror("net_io: listen"), 1;
	while (count-- > 0) {
		long got = 0;
		ssize_t n;

		c = accept(ls, NULL, NULL);
		if (c < 0)
			return perror("net_io: accept"), 1;
		while ((n = read(c, buf, sizeof(buf))) > 0)
			got += n;
		close(c);
		printf("%ld\n", got);
		fflush(stdout);
	}
	return 0;
}

static int refused(const char *a, int port, long count)
{
	struct sockaddr_storage ss;
	socklen_t len = addr(a, port, &ss);

	while (count-- > 0) {
		int fd = socket(ss.ss_family, SOCK_STREAM, 0);

		if (fd < 0 || !connect(fd, (void *)&ss, len) || errno != ECONNREFUSED)
			return fprintf(stderr, "net_io: connect was not refused\n"), 1;
		close(fd);
	}
	return 0;
}

static int abort_conns(const char *a, int port, long count)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_storage ss;
	socklen_t len = addr(a, port, &ss);

	while (count-- > 0) {
		int fd = socket(ss.ss_family, SOCK_STREAM, 0);

		if (fd < 0 || connect(fd, (void *)&ss, len) || write(fd, "x", 1) != 1)
			return perror("net_io: abort"), 1;
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		usleep(20000);	/* the server has accepted and read: the reset hits an open socket */
		close(fd);
	}
	return 0;
}

/* Exactly `len` bytes read, or an error. */
static int read_n(int fd, long len)
{
	ssize_t n;

	while (len > 0) {
		n = read(fd, buf, len < (long)sizeof(buf) ? len : (long)sizeof(buf));
		if (n <= 0)
			return -1;
		len -= n;
	}
	return 0;
}

static int write_n(int fd, long len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len < (long)sizeof(buf) ? len : (long)sizeof(buf));
		if (n <= 0)
			return -1;
		len -= n;
	}
	return 0;
}

static int hold(const char *a, int port, long b1, long b2, long r)
{
	struct sockaddr_storage ss;
	socklen_t len = addr(a, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (void *)&ss, len))
		return perror("net_io: connect"), 1;
	if (write_n(fd, b1) || read_n(fd, 1) || write_n(fd, b2) || read_n(fd, r))
		return perror("net_io: hold"), 1;
	printf("1+%ld\n", r);
	fflush(stdout);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	memset(buf, 'x', sizeof(buf));
	if (argc == 5 && !strcmp(argv[1], "tcp"))
		return tcp(argv[2], atoi(argv[3]), atol(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "udp"))
		return udp(argv[2], atoi(argv[3]), atol(argv[4]), atol(argv[5]));
	if (argc == 4 && !strcmp(argv[1], "unix"))
		return unix_pair(atol(argv[2]), atol(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(atoi(argv[2]), atol(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "refused"))
		return refused(argv[2], atoi(argv[3]), atol(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "abort"))
		return abort_conns(argv[2], atoi(argv[3]), atol(argv[4]));
	if (argc == 7 && !strcmp(argv[1], "hold"))
		return hold(argv[2], atoi(argv[3]), atol(argv[4]), atol(argv[5]), atol(argv[6]));
	fprintf(stderr, "usage: net_io tcp ADDR PORT BYTES | udp ADDR PORT N SIZE | unix N SIZE | "
		"serve PORT N | refused ADDR PORT N | abort ADDR PORT N | hold ADDR PORT B1 B2 R\n");
	return 2;
}
