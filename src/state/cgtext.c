// SPDX-License-Identifier: GPL-2.0
/*
 * thread.cgroups: a process's /proc/PID/task/TID/cgroup text. Live, read when first asked and
 * kept while its records' cgroup id holds (the process's cg_text). A recording writes what the
 * recorder read as a CGROUPS item (src/capture/tables.c); a replay loads those items before its
 * first record into the table here, keyed by (pid, cgroup id), and answers from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scry/state.h"
#include "scry/util.h"

/* The replay's texts: (pid, cgid) -> struct cg_ent, within the capture reader's limits. */
struct cg_ent {
	uint32_t pid;
	uint64_t cgid;
	struct cg_ent *next;	/* same hash */
	size_t len;
	char text[];
};

static struct {
	struct hashmap *map;
	uint64_t entries, bytes;
} cgt;

#define CHAIN_MAX 4	/* entries sharing one key */

static uint64_t ent_key(uint32_t pid, uint64_t cgid)
{
	return ((uint64_t)pid << 32 ^ cgid * 0x9e3779b97f4a7c15ull) | 1;
}

int cgtext__add(uint32_t pid, uint64_t cgid, const char *text, size_t len, uint64_t max_entries,
		uint64_t max_bytes)
{
	uint64_t key = ent_key(pid, cgid);
	struct cg_ent *e, *head;
	unsigned int n;

	if (len > SCRY_CGTEXT_MAX)
		return -EINVAL;
	if (!cgt.map && !(cgt.map = hashmap__new(64)))
		return -ENOMEM;
	head = hashmap__find(cgt.map, key);
	n = 0;
	for (e = head; e; e = e->next, n++)
		if (e->pid == pid && e->cgid == cgid)
			return 0;	/* the first item says it (every file of a rotation has one) */
	/*
	 * Two pairs share a 64-bit key only when a file chose them to (the key can be inverted):
	 * a bounded chain keeps such a file's load and lookups linear.
	 */
	if (n >= CHAIN_MAX || cgt.entries >= max_entries)
		return -ENOSPC;
	if (cgt.bytes + len > max_bytes)
		return -EDQUOT;
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return -ENOMEM;
	e->pid = pid;
	e->cgid = cgid;
	e->len = len;
	memcpy(e->text, text, len);
	e->text[len] = '\0';
	e->next = head;
	if (hashmap__set(cgt.map, key, e)) {
		free(e);
		return -ENOMEM;
	}
	cgt.entries++;
	cgt.bytes += len;
	return 0;
}

static const char *cgtext__find(uint32_t pid, uint64_t cgid)
{
	struct cg_ent *e = cgt.map ? hashmap__find(cgt.map, ent_key(pid, cgid)) : NULL;

	for (; e; e = e->next)
		if (e->pid == pid && e->cgid == cgid)
			return e->text;
	return NULL;
}

void cgtext__reset(void)
{
	size_t pos = 0;
	uint64_t key;
	void *v;

	while (cgt.map && hashmap__next(cgt.map, &pos, &key, &v)) {
		struct cg_ent *e = v, *n;

		for (; e; e = n) {
			n = e->next;
			free(e);
		}
	}
	hashmap__free(cgt.map);
	memset(&cgt, 0, sizeof(cgt));
}

/*
 * The controllers of the cgroup2 hierarchy, from its root's cgroup.controllers: what its "0::"
 * line of /proc/PID/cgroup stands for (none on a hybrid host whose v2 tree has no controllers).
 */
size_t cgtext__v2_controllers(char *buf, size_t len)
{
	static const char *const roots[] = { "/sys/fs/cgroup/cgroup.controllers",
					     "/sys/fs/cgroup/unified/cgroup.controllers" };
	size_t i;

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		char path[PATH_MAX];
		int fd = -1;
		ssize_t n;

		if (!hostpath(roots[i], path, sizeof(path)))
			fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, len - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		return n;
	}
	buf[0] = '\0';
	return 0;
}

const char *cgtext__of(struct scry_proc *p, uint32_t pid, uint32_t tid, uint64_t cgid)
{
	const char *procfs = proctab__procfs(p);
	char path[96], buf[SCRY_CGTEXT_MAX + 1];
	ssize_t n;
	int fd;

	if (!procfs)
		return cgtext__find(pid, cgid);
	if (p->cg_text && p->cg_cgid == cgid)
		return p->cg_text;
	snprintf(path, sizeof(path), "%s/%u/task/%u/cgroup", procfs, pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	free(p->cg_text);
	p->cg_text = strdup(buf);
	p->cg_cgid = cgid;
	return p->cg_text;
}
