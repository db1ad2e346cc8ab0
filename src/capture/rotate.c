// SPDX-License-Identifier: GPL-2.0
/*
 * Names of the files of a rotating recording (-C, -G, -W), as sysdig names them: the base name
 * with the file's index appended (FILE0, FILE1, ...). With -W N the index wraps at N, so the
 * oldest file is replaced and at most N files exist; the index is then zero-padded to the
 * digits of N (FILE00..FILE09 for -W 10) so that the names sort. With -G and a '%' in the name,
 * the name is strftime'd at the file's start (sysdig's -G convention), and -W removes the file
 * written N files earlier.
 *
 * The names are predictable, so what matters is how files are made (scry/outfile.h): -W replaces
 * or removes only a file this recording made, still the same inode, which it remembers here.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "scry/outfile.h"

struct cap_names {
	char *base;
	bool rotating;		/* -C or -G: files are numbered */
	bool strftime_names;	/* -G with a '%' in the name */
	bool by_size;		/* -C: several files may start within one strftime name */
	unsigned int keep;	/* -W */
	int width;		/* digits of the index with -W */
	struct cap_past *past;	/* -W: the file last made at each index modulo N */
	char cur[4096];
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
	if (n->keep)
		n->past = calloc(n->keep, sizeof(*n->past));
	if (!n->base || (n->keep && !n->past)) {
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
		free(n->past[i].name);
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

const struct cap_past *cap_names__past(const struct cap_names *n, unsigned int idx)
{
	const struct cap_past *p = n->past ? &n->past[idx % n->keep] : NULL;

	return p && p->name ? p : NULL;
}

void cap_names__created(struct cap_names *n, unsigned int idx, const char *name,
			const struct outfile_id *id)
{
	struct cap_past *p;

	if (!n->past)
		return;
	p = &n->past[idx % n->keep];
	free(p->name);
	/* Out of memory: that file stays behind, rather than failing the recording. */
	p->name = strdup(name);
	p->id = *id;
}

/* Whether `s` (what follows the base name) is an index this recording may give a file. */
static bool is_index(const struct cap_names *n, const char *s)
{
	size_t len = strspn(s, "0123456789");

	if (!len || s[len] || len > 10)
		return false;
	if (n->keep)
		return (int)len == n->width && strtoul(s, NULL, 10) < n->keep;
	return len == 1 || s[0] != '0';
}

int cap_names__check(const struct cap_names *n)
{
	const char *slash = strrchr(n->base, '/'), *prefix = slash ? slash + 1 : n->base;
	size_t plen = strlen(prefix);
	char dir[4096], path[4096 + 256];
	struct dirent *d;
	DIR *dp;
	int err = 0;

	if (!n->rotating || n->strftime_names)
		return 0;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == n->base ? 1 : (int)(slash - n->base),
			 n->base);
	dp = opendir(dir);
	if (!dp)
		return 0;	/* the first file's check says why */
	while (!err && (d = readdir(dp))) {
		if (strncmp(d->d_name, prefix, plen) || !is_index(n, d->d_name + plen))
			continue;
		snprintf(path, sizeof(path), "%s%s", n->base, d->d_name + plen);
		err = outfile__check(path);
	}
	closedir(dp);
	return err;
}
