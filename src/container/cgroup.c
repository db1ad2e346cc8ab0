// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup id -> cgroup path. The ids in the events are kernfs node ids, which are also the inode
 * numbers of the cgroups' directories and the handles that open_by_handle_at() takes on the
 * cgroup filesystem: one syscall turns an id into an open directory, and /proc/self/fd into its
 * path. When handles are refused (no CAP_DAC_READ_SEARCH), an index of the hierarchy built by
 * walking it is the fallback.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "scry/container.h"
#include "scry/util.h"

#define FILEID_KERNFS 0xfe

struct cgroup_fs {
	char mount[PATH_MAX];
	char controller[32];	/* v1 only */
	bool v1;
	int mount_fd;
	bool no_handles;	/* open_by_handle_at refused: use the index */
	struct hashmap *index;	/* inode -> malloc'd relative path */
	uint64_t index_built_ns;
};

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0');
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

static bool has_option(const char *opts, const char *name)
{
	size_t n = strlen(name);
	const char *p = opts;

	while ((p = strstr(p, name))) {
		if ((p == opts || p[-1] == ',') && (p[n] == ',' || p[n] == '\0' || p[n] == '\n'))
			return true;
		p += n;
	}
	return false;
}

/*
 * The cgroup2 mount (ctrl NULL) or the v1 mount of `ctrl`; 0 and the mount point, or -ENOENT.
 * mountinfo NULL: the host's mounts. Without --host-root they are scry's own; with it, those of
 * the host's init (DIR/proc/1/mountinfo: a container's own cgroup mounts show only its own
 * subtree), and each mount point is then taken under DIR.
 */
int cgroup_find_mount(const char *mountinfo, const char *ctrl, char *out, size_t len)
{
	char line[4096], host_mi[PATH_MAX];
	bool mapped = false;
	int rc = -ENOENT;
	FILE *f;

	if (!mountinfo && *hostpath__root()) {
		snprintf(host_mi, sizeof(host_mi), "%s/1/mountinfo", hostpath__procfs());
		mountinfo = host_mi;
		mapped = true;
	} else if (!mountinfo) {
		mountinfo = "/proc/self/mountinfo";
	}
	f = fopen(mountinfo, "re");
	if (!f)
		return -errno;
	while (rc && fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok, *mnt = NULL, *fstype = NULL, *super = NULL;
		int i = 0;
		bool sep = false;

		for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
			if (i == 4)
				mnt = tok;
			else if (!sep && !strcmp(tok, "-"))
				sep = true, i = 100;
			else if (i == 101)
				fstype = tok;
			else if (i == 103)
				super = tok;
		}
		if (!mnt || !fstype)
			continue;
		if ((!ctrl && !strcmp(fstype, "cgroup2")) ||
		    (ctrl && !strcmp(fstype, "cgroup") && super && has_option(super, ctrl))) {
			unescape(mnt);
			if (mapped)
				rc = hostpath(mnt, out, len) ? -ENOENT : 0;
			else if (strlen(mnt) < len)
				strcpy(out, mnt), rc = 0;
		}
	}
	fclose(f);
	return rc;
}

struct cgroup_fs *cgroup_fs__open(const char *mountinfo, const char *v1_controller)
{
	static const char *const fallbacks[] = { "memory", "cpu", "pids", "cpuacct" };
	struct cgroup_fs *cg = calloc(1, sizeof(*cg));
	int err = -ENOENT;
	size_t i;

	if (!cg)
		return NULL;
	cg->mount_fd = -1;
	if (!v1_controller) {
		err = cgroup_find_mount(mountinfo, NULL, cg->mount, sizeof(cg->mount));
		for (i = 0; err == -ENOENT && i < ARRAY_SIZE(fallbacks); i++) {
			err = cgroup_find_mount(mountinfo, fallbacks[i], cg->mount,
						sizeof(cg->mount));
			if (!err)
				v1_controller = fallbacks[i];
		}
	} else {
		err = cgroup_find_mount(mountinfo, v1_controller, cg->mount, sizeof(cg->mount));
	}
	if (err) {
		free(cg);
		errno = -err;
		return NULL;
	}
	if (v1_controller) {
		cg->v1 = true;
		snprintf(cg->controller, sizeof(cg->controller), "%s", v1_controller);
	}
	/* In tests the mount may be a plain directory tree; an absent one fails the lookups only. */
	cg->mount_fd = open(cg->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return cg;
}

static void index_clear(struct cgroup_fs *cg)
{
	size_t pos = 0;
	void *v;

	if (!cg->index)
		return;
	while (hashmap__next(cg->index, &pos, NULL, &v))
		free(v);
	hashmap__free(cg->index);
	cg->index = NULL;
}

void cgroup_fs__free(struct cgroup_fs *cg)
{
	if (!cg)
		return;
	if (cg->mount_fd >= 0)
		close(cg->mount_fd);
	index_clear(cg);
	free(cg);
}

bool cgroup_fs__is_v1(const struct cgroup_fs *cg)
{
	return cg->v1;
}

const char *cgroup_fs__mount(const struct cgroup_fs *cg)
{
	return cg->mount;
}

const char *cgroup_fs__controller(const struct cgroup_fs *cg)
{
	return cg->v1 ? cg->controller : NULL;
}

/* Walk the hierarchy: inode -> path, for every cgroup (bounded depth, directories only). */
static void index_walk(struct cgroup_fs *cg, char *rel, size_t len, int depth)
{
	char full[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(full, sizeof(full), "%s%s", cg->mount, rel);
	if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *copy = strdup(*rel ? rel : "/");

		if (copy && hashmap__set(cg->index, st.st_ino, copy))
			free(copy);
	}
	if (depth > 32 || !(d = opendir(full)))
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(rel);

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (n + 1 + strlen(de->d_name) >= len)
			continue;
		rel[n] = '/';
		strcpy(rel + n + 1, de->d_name);
		index_walk(cg, rel, len, depth + 1);
		rel[n] = '\0';
	}
	closedir(d);
}

static int path_from_index(struct cgroup_fs *cg, uint64_t id, char *path, size_t len)
{
	char rel[PATH_MAX] = "";
	const char *p;
	uint64_t now = now_mono_ns();

	p = cg->index ? hashmap__find(cg->index, id) : NULL;
	/* A miss rebuilds the index, at most once a second. */
	if (!p && (!cg->index || now - cg->index_built_ns > 1000000000ULL)) {
		index_clear(cg);
		cg->index = hashmap__new(1024);
		if (!cg->index)
			return -ENOMEM;
		index_walk(cg, rel, sizeof(rel), 0);
		cg->index_built_ns = now;
		p = hashmap__find(cg->index, id);
	}
	if (!p)
		return -ENOENT;
	if (strlen(p) >= len)
		return -ENAMETOOLONG;
	strcpy(path, p);
	return 0;
}

int cgroup_fs__path(struct cgroup_fs *cg, uint64_t id, char *path, size_t len)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh = { .handle_bytes = sizeof(uint64_t), .handle_type = FILEID_KERNFS } };
	char link[64], target[PATH_MAX];
	size_t mlen = strlen(cg->mount);
	ssize_t n;
	int fd;

	if (cg->mount_fd < 0)
		return -ENOENT;
	if (cg->no_handles)
		return path_from_index(cg, id, path, len);
	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(cg->mount_fd, &h.fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ESTALE || errno == ENOENT)
			return -ENOENT;	/* the cgroup is gone already */
		/* EPERM (no CAP_DAC_READ_SEARCH), EOPNOTSUPP: walk the hierarchy instead */
		cg->no_handles = true;
		return path_from_index(cg, id, path, len);
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	/* The link names the directory as seen through the mount: strip the mount point. */
	if (strncmp(target, cg->mount, mlen) || (target[mlen] && target[mlen] != '/'))
		return -ENOENT;
	if (strlen(target + mlen) + 2 > len)
		return -ENAMETOOLONG;
	snprintf(path, len, "%s", target[mlen] ? target + mlen : "/");
	return 0;
}

uint64_t cgroup_fs__id(struct cgroup_fs *cg, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(full, sizeof(full), "%s%s", cg->mount, path) >= sizeof(full))
		return 0;
	if (stat(full, &st) || !S_ISDIR(st.st_mode))
		return 0;
	return st.st_ino;
}

int cgroup_fs__proc_path(const struct cgroup_fs *cg, const char *text, char *path, size_t len)
{
	const char *l;

	/* "hierarchy-id:controller-list:path" per line; cgroup2's line is "0::path". */
	for (l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *c1 = strchr(l, ':'), *c2, *end;
		bool mine;

		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		end = strchr(c2, '\n');
		if (!end)
			end = c2 + strlen(c2);
		if (cg->v1) {
			char ctrls[256];
			size_t n = c2 - c1 - 1;

			if (n >= sizeof(ctrls))
				continue;
			memcpy(ctrls, c1 + 1, n);
			ctrls[n] = '\0';
			mine = has_option(ctrls, cg->controller);
		} else {
			mine = c2 == c1 + 1 && !strncmp(l, "0:", 2);
		}
		if (!mine)
			continue;
		if ((size_t)(end - c2 - 1) >= len)
			return -ENAMETOOLONG;
		memcpy(path, c2 + 1, end - c2 - 1);
		path[end - c2 - 1] = '\0';
		return 0;
	}
	return -ENOENT;
}
