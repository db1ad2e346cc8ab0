// SPDX-License-Identifier: GPL-2.0
/*
 * Known calls for the event fields' test (t_fields_evt): in DIR, an openat through a directory
 * fd that creates d/w.bin for writing with mode 0750, a write of 1234 bytes to it, an open of
 * it for reading relative to the cwd, a read of 777 bytes, a failed open of a missing file, a
 * 20 ms nanosleep. Prints its pid and the fds: "PID DIRFD WFD RFD".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	static char buf[4096];
	int dfd, wfd, rfd;

	if (argc < 2 || chdir(argv[1]) || (mkdir("d", 0755) && errno != EEXIST))
		return 2;
	memset(buf, 'e', sizeof(buf));
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return 1;
	wfd = openat(dfd, "w.bin", O_WRONLY | O_CREAT | O_TRUNC, 0750);
	if (wfd < 0 || write(wfd, buf, 1234) != 1234 || close(wfd))
		return 1;
	rfd = openat(AT_FDCWD, "d/w.bin", O_RDONLY);
	if (rfd < 0 || read(rfd, buf, 777) != 777)
		return 1;
	if (open("/nonexistent-scry-evt/x", O_RDONLY) >= 0)
		return 1;
	/* the call itself, not clock_nanosleep as glibc's nanosleep() makes it now */
	syscall(SYS_nanosleep, &ts, NULL);
	printf("%d %d %d %d\n", getpid(), dfd, wfd, rfd);
	return 0;
}
