// SPDX-License-Identifier: GPL-2.0
/*
 * Names of the files of a rotating recording (-C, -G, -W), as sysdig names them: the base name
 * with the file's index appended (FILE0, FILE1, ...). With -W N the index wraps at N, so the
 * oldest file is overwritten and at most N files exist; the index is then zero-padded to the
 * digits of N (FILE00..FILE09 for -W 10) so that the names sort. With -G and a '%' in the name,
 * the name is strftime'd at the file's start (sysdig's -G convention), and -W removes the file
 * written N files earlier.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct cap_names {
	char *base;
	bool rotating;		/* -C or -G: files are numbered */
	bool strftime_names;	/* -G with a '%' in the name */
	bool by_size;		/* -C: several files may start within one strftime name */
	unsigned int keep;	/* -W */
	int width;		/* digits of the index with -W */
	char **past;		/* -W with strftime names: the last `keep` names */
	char cur[4096];
	char evicted[4096];
};

struct cap_names *cap_names__new(const char *base, bool by_size, bool timed, unsigned int keep)
{
	struct cap_names *n = calloc(1, sizeof(*n));
	unsigned int k;

	if (!n)
		return NULL;
	n->base = strdup(base);
	n->rotating = by_size || timed;
	n->by_size = by_size;
	n->strftime_names = timed && strchr(base, '%');
	n->keep = n->rotating ? keep : 0;
	for (k = n->keep; k; k /= 10)
		n->width++;
	if (n->keep && n->strftime_names)
		n->past = calloc(n->keep, sizeof(*n->past));
	if (!n->base || (n->keep && n->strftime_names && !n->past)) {
		cap_names__free(n);
		errno = ENOMEM;
		return NULL;
	}
	return n;
}

void cap_names__free(struct cap_names *n)
{
	unsigned int i;

	if (!n)
		return;
	for (i = 0; n->past && i < n->keep; i++)
		free(n->past[i]);
	free(n->past);
	free(n->base);
	free(n);
}

const char *cap_names__get(struct cap_names *n, unsigned int idx, int64_t when)
{
	unsigned int index = n->keep ? idx % n->keep : idx;
	size_t len;

	if (!n->rotating)
		return n->base;
	if (n->strftime_names) {
		time_t t = when;
		struct tm tm;

		localtime_r(&t, &tm);
		/* The name is a strftime format on purpose (sysdig's -G convention). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		len = strftime(n->cur, sizeof(n->cur) - 24, n->base, &tm);
#pragma GCC diagnostic pop
		if (!len)
			snprintf(n->cur, sizeof(n->cur) - 24, "%s", n->base);
		if (!n->by_size)
			return n->cur;
	} else {
		snprintf(n->cur, sizeof(n->cur) - 24, "%s", n->base);
	}
	len = strlen(n->cur);
	snprintf(n->cur + len, sizeof(n->cur) - len, "%0*u", n->width, index);
	return n->cur;
}

const char *cap_names__evict(struct cap_names *n, unsigned int idx)
{
	char **slot, *name;
	bool differs;

	if (!n->past)
		return NULL;
	/* Called right after cap_names__get(idx): remember its name, return the one it replaces. */
	slot = &n->past[idx % n->keep];
	name = strdup(n->cur);
	if (!name)
		return NULL;	/* an old file stays behind: better than failing the recording */
	differs = *slot && strcmp(*slot, name);
	if (differs)
		snprintf(n->evicted, sizeof(n->evicted), "%s", *slot);
	free(*slot);
	*slot = name;
	return differs ? n->evicted : NULL;
}

int cap_open_output(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct stat st;

	if (fd < 0)
		return -errno;
	/* O_CREAT's mode does not apply to a file that existed: make it private anyway. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && (st.st_mode & 07777) != 0600 &&
	    fchmod(fd, 0600)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}
