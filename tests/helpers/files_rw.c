// SPDX-License-Identifier: GPL-2.0
/*
 * files_rw CHUNK READBACK MISSES MISSING PATH=BYTES...
 * Writes BYTES bytes to each PATH (its directory made first) with write(2) in CHUNK-byte calls,
 * reads READBACK ("-": none) to its end with read(2) in CHUNK-byte calls, then tries MISSES times
 * to open MISSING, which must not exist. Prints its pid and the bytes it read back. Every call
 * is one the file views count: a test knows each file's bytes and calls from the arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[1 << 16];

static int write_file(char *arg, long chunk)
{
	char *eq = strrchr(arg, '='), *slash;
	long bytes, done = 0;
	ssize_t n;
	int fd;

	if (!eq)
		return -1;
	*eq = '\0';
	bytes = atol(eq + 1);
	slash = strrchr(arg, '/');
	if (slash && slash != arg) {
		*slash = '\0';
		if (mkdir(arg, 0700) && errno != EEXIST)
			return -1;
		*slash = '/';
	}
	fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	while (done < bytes) {
		n = write(fd, buf, bytes - done < chunk ? bytes - done : chunk);
		if (n <= 0)
			return -1;
		done += n;
	}
	return close(fd);
}

int main(int argc, char **argv)
{
	long chunk, misses, got = 0, i;
	ssize_t n;
	int fd;

	if (argc < 5) {
		fprintf(stderr, "usage: files_rw CHUNK READBACK MISSES MISSING PATH=BYTES...\n");
		return 2;
	}
	chunk = atol(argv[1]);
	misses = atol(argv[3]);
	if (chunk <= 0 || chunk > (long)sizeof(buf))
		return 2;
	memset(buf, 'x', sizeof(buf));
	for (i = 5; i < argc; i++)
		if (write_file(argv[i], chunk))
			return 1;
	if (strcmp(argv[2], "-")) {
		fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			return 1;
		while ((n = read(fd, buf, chunk)) > 0)
			got += n;
		close(fd);
	}
	for (i = 0; i < misses; i++)
		if (open(argv[4], O_RDONLY) >= 0 || errno != ENOENT)
			return 1;
	printf("%d %ld\n", getpid(), got);
	return 0;
}
