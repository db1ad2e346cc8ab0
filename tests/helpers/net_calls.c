// SPDX-License-Identifier: GPL-2.0
/*
 * Every syscall that moves data on a socket, and the edge cases where a syscall's result is not
 * one socket call, for the fallback of kernels without the sock length tracepoints (t_net_calls):
 * both ends in this process, on a unix socketpair, a loopback TCP connection and two connected
 * UDP sockets. What each step moves (bytes, socket calls) is listed in t_net_calls.sh.
 *   net_calls        runs them all; prints "compat" when the i386 steps ran too (int $0x80 on
 *                    x86_64 with IA32 emulation), "native" otherwise
 * Exits non-zero, saying which step, when a call moves other than asked.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static char buf[65536];

#define WANT(step, call, n)							\
	do {									\
		long got_ = (call);						\
		if (got_ != (long)(n)) {					\
			fprintf(stderr, "net_calls: %s: %ld, want %ld (%s)\n", step, got_, \
				(long)(n), strerror(errno));			\
			exit(1);						\
		}								\
	} while (0)

static void tcp_pair(int *c, int *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int ls = socket(AF_INET, SOCK_STREAM, 0);

	*c = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || *c < 0 || bind(ls, (void *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (void *)&a, &len) || connect(*c, (void *)&a, len))
		exit((perror("net_calls: tcp"), 1));
	*s = accept(ls, NULL, NULL);
	if (*s < 0)
		exit((perror("net_calls: accept"), 1));
	close(ls);
}

static void udp_pair(int *c, int *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);

	*c = socket(AF_INET, SOCK_DGRAM, 0);
	*s = socket(AF_INET, SOCK_DGRAM, 0);
	if (*c < 0 || *s < 0 || bind(*s, (void *)&a, sizeof(a)) ||
	    getsockname(*s, (void *)&a, &len) || connect(*c, (void *)&a, len))
		exit((perror("net_calls: udp"), 1));
}

#if defined(__x86_64__)
static long int80(long nr, long a, long b, long c, long d, long e)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

/* struct mmsghdr of i386: a compat_msghdr (7 x u32) and msg_len. */
struct mmsghdr32 {
	uint32_t name, namelen, iov, iovlen, control, controllen, flags, len;
};

/*
 * The i386 calls, with every pointer in a page below 2 GiB: write (4) and read (3), socketcall
 * (102) send/recv (a MSG_PEEK recv first), sendto (369)/recvfrom (371), sendmmsg (345)/recvmmsg
 * (337) of two messages. False when this kernel runs no 32-bit code.
 */
static int compat_steps(int u0, int u1, int d0, int d1)
{
	char *p = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		       -1, 0);
	uint32_t *args = (uint32_t *)(p + 8192);
	uint32_t *iov = (uint32_t *)(p + 9216);
	struct mmsghdr32 *mm = (struct mmsghdr32 *)(p + 10240);
	long r;
	int i;

	if (p == MAP_FAILED)
		return 0;
	r = int80(20 /* getpid */, 0, 0, 0, 0, 0);
	if (r != getpid())
		return 0;	/* no IA32 emulation: ENOSYS */
	WANT("i386 write", int80(4, u0, (long)p, 500, 0, 0), 500);
	WANT("i386 read", int80(3, u1, (long)p, 500, 0, 0), 500);
	args[0] = u0, args[1] = (uintptr_t)p, args[2] = 60, args[3] = 0;
	WANT("socketcall send", int80(102, 9 /* SYS_SEND */, (long)args, 0, 0, 0), 60);
	args[0] = u1, args[3] = MSG_PEEK;
	WANT("socketcall recv MSG_PEEK", int80(102, 10 /* SYS_RECV */, (long)args, 0, 0, 0), 60);
	args[3] = MSG_WAITALL;
	WANT("socketcall recv", int80(102, 10, (long)args, 0, 0, 0), 60);
	WANT("i386 sendto", int80(369, u0, (long)p, 70, 0, 0), 70);
	WANT("i386 recvfrom", int80(371, u1, (long)p, 70, MSG_WAITALL, 0), 70);
	for (i = 0; i < 2; i++) {
		iov[2 * i] = (uintptr_t)p;
		iov[2 * i + 1] = i ? 55 : 44;
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].iov = (uintptr_t)&iov[2 * i];
		mm[i].iovlen = 1;
	}
	WANT("i386 sendmmsg", int80(345, d0, (long)mm, 2, 0, 0), 2);
	WANT("i386 sendmmsg lengths", mm[0].len + 1000 * mm[1].len, 44 + 1000 * 55);
	WANT("i386 recvmmsg", int80(337, d1, (long)mm, 2, 0, 0), 2);
	WANT("i386 recvmmsg lengths", mm[0].len + 1000 * mm[1].len, 44 + 1000 * 55);
	return 1;
}
#else
static int compat_steps(int u0, int u1, int d0, int d1)
{
	return 0;
}
#endif

int main(void)
{
	int u[2], e[2], p[2], t0, t1, d0, d1, f, i;
	struct iovec wv[3] = { { buf, 100 }, { buf, 200 }, { buf, 300 } };
	struct iovec rv[2] = { { buf, 250 }, { buf + 250, 350 } };
	struct iovec v = { buf, 700 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
	struct mmsghdr mm[3];
	struct iovec mv[3];
	char path[] = "/tmp/net_calls.XXXXXX";

	signal(SIGPIPE, SIG_IGN);
	memset(buf, 'x', sizeof(buf));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, u) || socketpair(AF_UNIX, SOCK_STREAM, 0, e) ||
	    pipe(p))
		return perror("net_calls: socketpair"), 1;
	tcp_pair(&t0, &t1);
	udp_pair(&d0, &d1);

	WANT("write", write(t0, buf, 1000), 1000);
	WANT("recv MSG_WAITALL", recv(t1, buf, 1000, MSG_WAITALL), 1000);
	WANT("writev", writev(t0, wv, 3), 600);
	WANT("recv MSG_PEEK", recv(t1, buf, 600, MSG_PEEK | MSG_WAITALL), 600);
	WANT("readv", readv(t1, rv, 2), 600);
	WANT("sendmsg", sendmsg(t0, &m, 0), 700);
	WANT("recvmsg MSG_PEEK", recvmsg(t1, &m, MSG_PEEK | MSG_WAITALL), 700);
	WANT("recvmsg", recvmsg(t1, &m, MSG_WAITALL), 700);
	WANT("send", send(t0, buf, 50, 0), 50);
	WANT("recv", recv(t1, buf, 50, MSG_WAITALL), 50);
	/* The VFS answers these itself: no socket call. */
	WANT("read of 0 bytes", read(t1, buf, 0), 0);
	WANT("readv of no iovec", readv(t1, rv, 0), 0);
	WANT("writev of no iovec", writev(t0, wv, 0), 0);
	/* These are socket calls that move nothing. */
	WANT("write of 0 bytes", write(t0, buf, 0), 0);
	WANT("send of an empty datagram", send(d0, buf, 0, 0), 0);
	WANT("recv of an empty datagram", recv(d1, buf, 0, 0), 0);

	/* sendfile and splice into a socket. */
	f = mkstemp(path);
	if (f < 0 || write(f, buf, 3000) != 3000)
		return perror("net_calls: file"), 1;
	unlink(path);
	WANT("sendfile", sendfile(t0, f, &(off_t){ 0 }, 3000), 3000);
	WANT("recv sendfile's", recv(t1, buf, 3000, MSG_WAITALL), 3000);
	WANT("pipe write", write(p[1], buf, 2000), 2000);
	WANT("splice", splice(p[0], NULL, t0, NULL, 2000, 0), 2000);
	WANT("recv splice's", recv(t1, buf, 2000, MSG_WAITALL), 2000);

	/* preadv2/pwritev2 at offset -1, on the unix pair. */
	v.iov_len = 400;
	WANT("pwritev2", pwritev2(u[0], &v, 1, -1, 0), 400);
	WANT("preadv2", preadv2(u[1], &v, 1, -1, 0), 400);

	/* sendmmsg/recvmmsg of three datagrams. */
	for (i = 0; i < 3; i++) {
		mv[i].iov_base = buf;
		mv[i].iov_len = 111 * (i + 1);
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_iov = &mv[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	WANT("sendmmsg", sendmmsg(d0, mm, 3, 0), 3);
	for (i = 0; i < 3; i++)
		mv[i].iov_len = 1000;
	WANT("recvmmsg", recvmmsg(d1, mm, 3, 0, NULL), 3);
	WANT("recvmmsg lengths", mm[0].msg_len + mm[1].msg_len + mm[2].msg_len, 666);

	/* Failures count nothing: a send after shutdown (EPIPE), a read with nothing there. */
	shutdown(e[0], SHUT_WR);
	WANT("send after shutdown", send(e[0], buf, 10, MSG_NOSIGNAL), -1);
	WANT("recv with nothing there", recv(u[1], buf, 10, MSG_DONTWAIT), -1);

	i = compat_steps(u[0], u[1], d0, d1);

	/* The end of the stream: a read of 0 that is a socket call. */
	shutdown(t0, SHUT_WR);
	WANT("read at the end", read(t1, buf, sizeof(buf)), 0);
	printf("%s\n", i ? "compat" : "native");
	return 0;
}
