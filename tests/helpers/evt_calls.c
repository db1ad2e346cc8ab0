// SPDX-License-Identifier: GPL-2.0
/*
 * Known calls for the event fields' test (t_fields_evt): in DIR, an openat through a directory
 * fd that creates d/w.bin for writing with mode 0750, a write of 1234 bytes to it, an open of
 * it for reading relative to the cwd, a read of 777 bytes, a failed open of a missing file, a
 * 20 ms nanosleep, a datagram sent as syslog(3) sends it: to a unix socket connected to
 * DIR/dev/log (syslog's path, as far as evt.is_syslog can tell). Prints its pid and the fds:
 * "PID DIRFD WFD RFD".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct sockaddr_un log = { .sun_family = AF_UNIX };
	int lfd, sfd;
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
	snprintf(log.sun_path, sizeof(log.sun_path), "%s/dev/log", argv[1]);
	lfd = socket(AF_UNIX, SOCK_DGRAM, 0);
	sfd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (mkdir("dev", 0755) || lfd < 0 || sfd < 0 ||
	    bind(lfd, (struct sockaddr *)&log, sizeof(log)) ||
	    connect(sfd, (struct sockaddr *)&log, sizeof(log)) ||
	    send(sfd, "<13>evt_calls: hello", 20, 0) != 20)
		return 1;
	printf("%d %d %d %d\n", getpid(), dfd, wfd, rfd);
	return 0;
}
