/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Socket bytes on kernels without sock:sock_send_length/sock_recv_length (before Linux 6.3): the
 * `sockcalls` map says, per syscall, how its exit tells what it moved on a socket. Userspace
 * fills it from a table keyed by name (src/probe/sockcalls.c), so one table serves every
 * architecture and the 32-bit x86 ABI; the program is scry_net_compat in bpf/net.bpf.c.
 */
#ifndef SCRY_SOCKCALL_H
#define SCRY_SOCKCALL_H

#include "scry/event.h"

enum scry_sockcall_kind {
	SCRY_SOCKCALL_NONE = 0,
	SCRY_SOCKCALL_IO,	/* one socket call: the result is the bytes (read, sendto...) */
	SCRY_SOCKCALL_XFER,	/* sendfile/splice into a socket: the result is the bytes sent */
	SCRY_SOCKCALL_MMSG,	/* sendmmsg/recvmmsg: one call per message, msg_len in user memory */
	SCRY_SOCKCALL_MUX,	/* i386 socketcall(call, args): the slot of `call` says the rest */
};

struct scry_sockcall {
	__u8 kind;		/* enum scry_sockcall_kind */
	__u8 dir;		/* SCRY_SOCK_IN or SCRY_SOCK_OUT */
	__u8 fd;		/* 1 + index of the socket's fd argument */
	__u8 flags;		/* 1 + index of the MSG_* flags argument, 0: none */
	/*
	 * 1 + index of the length (or vector length) argument, for calls that the VFS answers
	 * without the socket when it is 0 (read(fd, buf, 0), readv of no iovec): their 0 is no
	 * socket call, where recv(fd, buf, 0, 0) is one. 0: every result is a call.
	 */
	__u8 len;
	__u8 __pad[3];
};

/*
 * Slots: a syscall's record number (rec_nr: native, or SCRY_NR_COMPAT_BASE + its i386 number),
 * then socketcall's calls (SYS_SEND...: linux/net.h, the same on every architecture).
 */
#define SCRY_SOCKCALL_MUX_BASE	(SCRY_NR_COMPAT_BASE + SCRY_NR_SYSCALLS)
#define SCRY_SOCKCALL_MUX_MAX	21	/* SYS_SENDMMSG is 20 */
#define SCRY_SOCKCALL_SLOTS	(SCRY_SOCKCALL_MUX_BASE + SCRY_SOCKCALL_MUX_MAX)

/*
 * The messages of one sendmmsg/recvmmsg counted at most: the program reads each one's length
 * from user memory in a loop the verifier walks to its end (no bpf_loop before Linux 5.17).
 */
#define SCRY_SOCKCALL_MMSG_MAX	64

_Static_assert(sizeof(struct scry_sockcall) == 8, "sockcall layout");

#endif /* SCRY_SOCKCALL_H */
