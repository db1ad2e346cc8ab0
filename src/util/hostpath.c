// SPDX-License-Identifier: GPL-2.0
/*
 * The host's files seen from a container (--host-root DIR, $SCRY_HOST_ROOT): every host path
 * scry reads goes through hostpath(), which puts it under DIR. Two rules make that right:
 *
 * - Symbolic links are resolved inside DIR, as chroot(DIR) would: the host's /var/run -> /run
 *   must lead to DIR/run, not to the container's /run, and no link (a container's files are
 *   under the host's root too) may lead out of DIR. Each component is looked at with lstat()
 *   and readlink() in turn; ".." stops at DIR.
 * - procfs is the exception: its links (/proc/PID/root, /proc/PID/fd/N, /proc/self) are the
 *   kernel's and are followed by the kernel, so a /proc path is DIR/proc plus the rest, as is.
 *
 * Without a root nothing changes: hostpath() copies the path. Paths shown to the user (a
 * container's mounts, an fd's name, a cgroup's path) are the host's own and never mapped.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scry/util.h"

/* Links followed in one path before giving up, as the kernel's MAXSYMLINKS. */
#define HOSTPATH_MAX_LINKS 40

static struct {
	char root[PATH_MAX];	/* "" for none, else canonical, no trailing '/' */
	size_t len;
	char procfs[PATH_MAX];	/* "/proc" or DIR/proc */
} H = { "", 0, "/proc" };

int hostpath__set_root(const char *dir)
{
	char real[PATH_MAX];
	struct stat st;

	if (!dir || !*dir) {
		H.root[0] = '\0';
		H.len = 0;
		strcpy(H.procfs, "/proc");
		return 0;
	}
	if (!realpath(dir, real))
		return -errno;
	if (stat(real, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (!strcmp(real, "/"))
		real[0] = '\0';	/* the host's own root: no mapping at all */
	if (strlen(real) + sizeof("/proc") > sizeof(H.procfs))
		return -ENAMETOOLONG;
	strcpy(H.root, real);
	H.len = strlen(real);
	snprintf(H.procfs, sizeof(H.procfs), "%s/proc", H.root);
	return 0;
}

const char *hostpath__root(void)
{
	return H.root;
}

const char *hostpath__procfs(void)
{
	return H.procfs;
}

static int copy(char *out, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(out, s, n + 1);
	return 0;
}

/* "/proc" or "/proc/..." */
static bool under_proc(const char *path)
{
	return !strncmp(path, "/proc", 5) && (path[5] == '/' || path[5] == '\0');
}

/*
 * `path` (absolute, under `root` of `rlen` bytes) resolved link by link inside root: `rest` is
 * what is left to walk, `out` what is walked (starts as the root).
 */
static int resolve(const char *root, size_t rlen, const char *path, char *out, size_t len)
{
	char rest[PATH_MAX], target[PATH_MAX], cand[PATH_MAX];
	int links = 0;
	size_t olen;

	if (rlen >= len || copy(rest, sizeof(rest), path))
		return -ENAMETOOLONG;
	memcpy(out, root, rlen);
	out[rlen] = '\0';
	olen = rlen;
	for (;;) {
		char *p = rest, *comp;
		size_t clen;
		struct stat st;
		ssize_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		clen = strcspn(comp, "/");
		p = comp + clen;
		if ((clen == 1 && comp[0] == '.')) {
			memmove(rest, p, strlen(p) + 1);
			continue;
		}
		if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
			while (olen > rlen && out[olen - 1] != '/')
				olen--;
			if (olen > rlen)
				olen--;	/* the '/' */
			out[olen] = '\0';
			memmove(rest, p, strlen(p) + 1);
			continue;
		}
		if (olen + 1 + clen >= sizeof(cand) || olen + 1 + clen >= len)
			return -ENAMETOOLONG;
		memcpy(cand, out, olen);
		cand[olen] = '/';
		memcpy(cand + olen + 1, comp, clen);
		cand[olen + 1 + clen] = '\0';
		if (lstat(cand, &st) || !S_ISLNK(st.st_mode)) {
			/* Absent or not a link: taken as is (an absent one fails when opened). */
			memcpy(out, cand, olen + 1 + clen + 1);
			olen += 1 + clen;
			memmove(rest, p, strlen(p) + 1);
			continue;
		}
		if (++links > HOSTPATH_MAX_LINKS)
			return -ELOOP;
		n = readlink(cand, target, sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		/* The link's text, then what followed it; an absolute one restarts at the root. */
		if ((size_t)n + strlen(p) + 2 > sizeof(rest))
			return -ENAMETOOLONG;
		memmove(rest + n + 1, p, strlen(p) + 1);
		memcpy(rest, target, n);
		rest[n] = '/';
		if (target[0] == '/') {
			olen = rlen;
			out[olen] = '\0';
		}
	}
	if (olen == rlen) {	/* the root itself */
		if (rlen + 2 > len)
			return -ENAMETOOLONG;
		out[olen++] = '/';
		out[olen] = '\0';
	}
	return 0;
}

int hostpath_in(const char *root, const char *path, char *out, size_t len)
{
	size_t rlen = root ? strlen(root) : 0;

	if (!path || path[0] != '/')
		return -EINVAL;
	while (rlen > 0 && root[rlen - 1] == '/')
		rlen--;
	if (!rlen)
		return copy(out, len, path);
	if (under_proc(path)) {
		if (rlen + strlen(path) >= len)
			return -ENAMETOOLONG;
		memcpy(out, root, rlen);
		strcpy(out + rlen, path);
		return 0;
	}
	return resolve(root, rlen, path, out, len);
}

int hostpath(const char *path, char *out, size_t len)
{
	return hostpath_in(H.root, path, out, len);
}
