// SPDX-License-Identifier: GPL-2.0
/*
 * 32-bit syscalls from a 64-bit process: N getpid (i386 number 20, writev's number on x86_64)
 * and M socketcall (102, no x86_64 namesake) with an invalid call number (EINVAL), through
 * int $0x80. Prints "pid tid einval" on stdout; exits 77 where there is no such ABI.
 * "int80_loop exec PATH" execs PATH through the 32-bit execve instead, once a byte (or the end)
 * arrives on stdin: a tracer started in between sees that exec alone in the pid, not the one that
 * made the helper.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
/*
 * "exec PATH": execve through int $0x80 (i386 number 11, x86_64's munmap). Its pointers must
 * fit 32 bits: the path and argv live in a page mapped below 2 GiB.
 */
static int exec32(const char *path)
{
	char c;
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
			  -1, 0);
	uint32_t *av;
	long ret;

	if (page == MAP_FAILED || strlen(path) > 1000 || read(0, &c, 1) < 0)
		return 1;
	strcpy(page + 2048, path);
	av = (uint32_t *)page;
	av[0] = (uint32_t)(uintptr_t)(page + 2048);
	av[1] = 0;
	__asm__ volatile("int $0x80" : "=a"(ret)
			 : "a"(11L), "b"(page + 2048), "c"(av), "d"(0L) : "memory", "r11");
	return 3;	/* execve returned: it failed */
}
#endif

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000, m = argc > 2 ? atol(argv[2]) : 300;
	long i, ret = 0, einval = 0;

#if defined(__x86_64__)
	if (argc > 2 && !strcmp(argv[1], "exec"))
		return exec32(argv[2]);
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
