// SPDX-License-Identifier: GPL-2.0
/*
 * 32-bit syscalls from a 64-bit process: N getpid (i386 number 20, writev's number on x86_64)
 * and M socketcall (102, no x86_64 namesake) with an invalid call number (EINVAL), through
 * int $0x80. Prints "pid tid einval" on stdout; exits 77 where there is no such ABI.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000, m = argc > 2 ? atol(argv[2]) : 300;
	long i, ret = 0, einval = 0;

#if defined(__x86_64__)
	for (i = 0; i < n; i++)
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory", "rcx", "r11");
	if (ret != getpid())
		return 2;
	for (i = 0; i < m; i++) {
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(102L), "b"(0L), "c"(0L)
				 : "memory", "r11");
		einval += ret == -EINVAL;
	}
#else
	(void)n; (void)m; (void)i; (void)ret;
	return 77;
#endif
	printf("%d %ld %ld\n", getpid(), syscall(SYS_gettid), einval);
	return 0;
}
