// SPDX-License-Identifier: GPL-2.0
/*
 * The fallback's `sockcalls` slots (src/probe/sockcalls.c), as the BPF side indexes them: a
 * syscall's record number (native, or SCRY_NR_COMPAT_BASE + its i386 number), then socketcall's
 * calls. A name the syscall tables do not know would leave its slot empty without a word: the
 * numbers are checked here, for this architecture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "scry/sockcall.h"
#include "../../src/probe/internal.h"

static struct scry_sockcall s[SCRY_SOCKCALL_SLOTS];

static void is(uint32_t slot, uint8_t kind, uint8_t dir, uint8_t fd, uint8_t flags, uint8_t len)
{
	const struct scry_sockcall *c = &s[slot];

	if (c->kind != kind || (kind && (c->dir != dir || c->fd != fd || c->flags != flags ||
					 c->len != len)))
		fail_msg("slot %u: kind %u dir %u fd %u flags %u len %u", slot, c->kind, c->dir,
			 c->fd, c->flags, c->len);
}

static void native_calls(void **state)
{
	sockcalls__slots(s, SCRY_SOCKCALL_SLOTS);
	is(__NR_read, SCRY_SOCKCALL_IO, SCRY_SOCK_IN, 1, 0, 3);
	is(__NR_write, SCRY_SOCKCALL_IO, SCRY_SOCK_OUT, 1, 0, 0);
	is(__NR_writev, SCRY_SOCKCALL_IO, SCRY_SOCK_OUT, 1, 0, 3);
	is(__NR_recvfrom, SCRY_SOCKCALL_IO, SCRY_SOCK_IN, 1, 4, 0);
	is(__NR_recvmsg, SCRY_SOCKCALL_IO, SCRY_SOCK_IN, 1, 3, 0);
	is(__NR_sendmmsg, SCRY_SOCKCALL_MMSG, SCRY_SOCK_OUT, 1, 4, 0);
	is(__NR_recvmmsg, SCRY_SOCKCALL_MMSG, SCRY_SOCK_IN, 1, 4, 0);
	is(__NR_splice, SCRY_SOCKCALL_XFER, SCRY_SOCK_OUT, 3, 0, 0);
	is(__NR_sendfile, SCRY_SOCKCALL_XFER, SCRY_SOCK_OUT, 1, 0, 0);
	is(__NR_preadv2, SCRY_SOCKCALL_IO, SCRY_SOCK_IN, 1, 0, 3);
	/* A socket has no offset: pread64 fails on it (ESPIPE). */
	is(__NR_pread64, SCRY_SOCKCALL_NONE, 0, 0, 0, 0);
	is(__NR_getpid, SCRY_SOCKCALL_NONE, 0, 0, 0, 0);
}

static void i386_calls(void **state)
{
#if defined(__x86_64__)
	const uint32_t b = SCRY_NR_COMPAT_BASE, m = SCRY_SOCKCALL_MUX_BASE;

	sockcalls__slots(s, SCRY_SOCKCALL_SLOTS);
	is(b + 3, SCRY_SOCKCALL_IO, SCRY_SOCK_IN, 1, 0, 3);		/* read */
	is(b + 4, SCRY_SOCKCALL_IO, SCRY_SOCK_OUT, 1, 0, 0);		/* write */
	is(b + 20, SCRY_SOCKCALL_NONE, 0, 0, 0, 0);			/* getpid, writev natively */
	is(b + 102, SCRY_SOCKCALL_MUX, 0, 0, 0, 0);			/* socketcall */
	is(b + 239, SCRY_SOCKCALL_XFER, SCRY_SOCK_OUT, 1, 0, 0);	/* sendfile64 */
	is(b + 345, SCRY_SOCKCALL_MMSG, SCRY_SOCK_OUT, 1, 4, 0);	/* sendmmsg */
	is(b + 417, SCRY_SOCKCALL_MMSG, SCRY_SOCK_IN, 1, 4, 0);	/* recvmmsg_time64 */
	is(m + 9, SCRY_SOCKCALL_IO, SCRY_SOCK_OUT, 1, 4, 0);		/* SYS_SEND */
	is(m + 17, SCRY_SOCKCALL_IO, SCRY_SOCK_IN, 1, 3, 0);		/* SYS_RECVMSG */
	is(m + 19, SCRY_SOCKCALL_MMSG, SCRY_SOCK_IN, 1, 4, 0);		/* SYS_RECVMMSG */
	is(m + 3, SCRY_SOCKCALL_NONE, 0, 0, 0, 0);			/* SYS_CONNECT */
#else
	skip();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(native_calls),
		cmocka_unit_test(i386_calls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
