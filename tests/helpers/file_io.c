// SPDX-License-Identifier: GPL-2.0
/*
 * Writes BYTES bytes to PATH in chunks of CHUNK (default 4096) with write(2), fsyncs, reads the
 * file back with read(2), removes it, and prints its pid, bytes written and bytes read.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long bytes, chunk, done = 0, got = 0;
	static char buf[1 << 16];
	ssize_t n;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: file_io PATH BYTES [CHUNK]\n");
		return 2;
	}
	bytes = atol(argv[2]);
	chunk = argc > 3 ? atol(argv[3]) : 4096;
	if (chunk <= 0 || chunk > (long)sizeof(buf))
		return 2;
	memset(buf, 'x', sizeof(buf));
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 1;
	while (done < bytes) {
		n = write(fd, buf, bytes - done < chunk ? bytes - done : chunk);
		if (n <= 0)
			return 1;
		done += n;
	}
	fsync(fd);
	close(fd);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return 1;
	while ((n = read(fd, buf, chunk)) > 0)
		got += n;
	close(fd);
	unlink(argv[1]);
	printf("%d %ld %ld\n", getpid(), done, got);
	return 0;
}
