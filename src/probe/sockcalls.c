// SPDX-License-Identifier: GPL-2.0
/*
 * The syscalls that move data on a socket, for the fallback of kernels without the sock length
 * tracepoints (scry_net_compat in bpf/net.bpf.c): by name, so that one table gives the numbers
 * of every architecture and of the i386 ABI. What each one's result means is in scry/sockcall.h.
 *
 * Not here: pread64/pwrite64/preadv/pwritev (a socket has no offset: ESPIPE), io_uring (no
 * syscall exit), splice out of a socket (TCP and unix splice without recvmsg, so the tracepoints
 * do not see it either; UDP's they do), and sockets written from the kernel (NFS, iSCSI...),
 * which the tracepoints count. Where the figures can still differ from the tracepoints':
 * messages past the SCRY_SOCKCALL_MMSG_MAXth of one sendmmsg/recvmmsg; a recvfrom/recvmsg that
 * received but failed to copy the sender's address out (EFAULT); sendfile/splice of more than a
 * pipe's worth, which the tracepoints see as several calls (6.5 and later) or not at all (6.3,
 * 6.4); an fd closed and reused by another thread before the call returned; 32-bit tasks of
 * arm64 (task_compat() knows only x86's), whose numbers are read as arm64's.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "scry/decode.h"
#include "scry/sockcall.h"
#include "scry/util.h"
#include "internal.h"

#define IN	SCRY_SOCK_IN
#define OUT	SCRY_SOCK_OUT
/* kind, dir, fd, flags, len: argument positions are 1 + index, 0 for none. */
#define IO(d, fd, fl, len)	{ SCRY_SOCKCALL_IO, d, fd, fl, len }
#define XFER(fd)		{ SCRY_SOCKCALL_XFER, OUT, fd, 0, 0 }
#define MMSG(d)			{ SCRY_SOCKCALL_MMSG, d, 1, 4, 0 }

static const struct {
	const char *name;
	struct scry_sockcall c;
} by_name[] = {
	{ "read", IO(IN, 1, 0, 3) },
	{ "write", IO(OUT, 1, 0, 0) },		/* write(fd, buf, 0) does call the socket */
	{ "readv", IO(IN, 1, 0, 3) },
	{ "writev", IO(OUT, 1, 0, 3) },
	/* With offset -1 (the only one a socket takes) they are readv/writev with flags. */
	{ "preadv2", IO(IN, 1, 0, 3) },
	{ "pwritev2", IO(OUT, 1, 0, 3) },
	{ "sendto", IO(OUT, 1, 4, 0) },
	{ "recvfrom", IO(IN, 1, 4, 0) },
	{ "sendmsg", IO(OUT, 1, 3, 0) },
	{ "recvmsg", IO(IN, 1, 3, 0) },
	{ "sendmmsg", MMSG(OUT) },
	{ "recvmmsg", MMSG(IN) },
	{ "recvmmsg_time64", MMSG(IN) },
	{ "sendfile", XFER(1) },
	{ "sendfile64", XFER(1) },
	{ "splice", XFER(3) },
	{ "socketcall", { SCRY_SOCKCALL_MUX } },
};

/* socketcall(call, args)'s calls that move data (SYS_* of linux/net.h), args as for the calls. */
static const struct {
	uint32_t call;
	struct scry_sockcall c;
} by_call[] = {
	{ 9 /* SYS_SEND */, IO(OUT, 1, 4, 0) },
	{ 10 /* SYS_RECV */, IO(IN, 1, 4, 0) },
	{ 11 /* SYS_SENDTO */, IO(OUT, 1, 4, 0) },
	{ 12 /* SYS_RECVFROM */, IO(IN, 1, 4, 0) },
	{ 16 /* SYS_SENDMSG */, IO(OUT, 1, 3, 0) },
	{ 17 /* SYS_RECVMSG */, IO(IN, 1, 3, 0) },
	{ 19 /* SYS_RECVMMSG */, MMSG(IN) },
	{ 20 /* SYS_SENDMMSG */, MMSG(OUT) },
};

void sockcalls__slots(struct scry_sockcall *slots, size_t n)
{
	size_t i;
	int nr;

	memset(slots, 0, n * sizeof(*slots));
	for (i = 0; i < ARRAY_SIZE(by_name); i++) {
		nr = syscall_lookup(by_name[i].name);
		if (nr >= 0 && nr < SCRY_NR_SYSCALLS && (size_t)nr < n)	/* not an i386-only name */
			slots[nr] = by_name[i].c;
		nr = syscall_lookup32(by_name[i].name);
		if (nr >= 0 && SCRY_NR_COMPAT_BASE + (size_t)nr < n)
			slots[SCRY_NR_COMPAT_BASE + nr] = by_name[i].c;
	}
	for (i = 0; i < ARRAY_SIZE(by_call); i++)
		if (SCRY_SOCKCALL_MUX_BASE + by_call[i].call < n)
			slots[SCRY_SOCKCALL_MUX_BASE + by_call[i].call] = by_call[i].c;
}

int sockcalls__fill(int map_fd)
{
	struct scry_sockcall *slots = calloc(SCRY_SOCKCALL_SLOTS, sizeof(*slots));
	uint32_t i;
	int err = 0;

	if (!slots)
		return -ENOMEM;
	sockcalls__slots(slots, SCRY_SOCKCALL_SLOTS);
	for (i = 0; i < SCRY_SOCKCALL_SLOTS && !err; i++)
		if (slots[i].kind && bpf_map_update_elem(map_fd, &i, &slots[i], BPF_ANY))
			err = -errno;
	free(slots);
	return err;
}
