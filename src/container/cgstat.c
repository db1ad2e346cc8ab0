// SPDX-License-Identifier: GPL-2.0
/*
 * A container's cgroup figures: CPU throttling and quota, memory usage, working set and limit,
 * pressure (PSI). One table says where each item lives on cgroup2 and on v1; the reader walks it
 * once per interval and container, reading each file once (open, one read into a small buffer,
 * close). The kernel writes these files, but a fixture, a future kernel or a filesystem that is
 * not cgroupfs may write anything: the parser takes plain decimals in range only, and a line
 * cut by the buffer's end is not trusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "scry/container.h"
#include "scry/util.h"

/*
 * Where an item is read. `ctrl` NULL: the cgroup2 directory (on a hybrid host, the unified
 * mount: pressure is there even when the controllers are v1's); else the v1 controller's.
 * `mul` scales the value to the item's unit. Rows of one file are adjacent (read once).
 */
struct cgs_src {
	uint8_t item;		/* enum cgstat_item */
	uint8_t how;		/* enum cgstat_how */
	uint8_t word;		/* CGH_WORD */
	uint16_t mul;
	const char *ctrl, *file, *key, *sub;
};

#define V2(item, how, word, mul, file, key, sub) { item, how, word, mul, NULL, file, key, sub }
#define V1(ctrl, item, how, mul, file, key) { item, how, 0, mul, ctrl, file, key, NULL }

static const struct cgs_src cgs_table[] = {
	V2(CGS_CPU_PERIODS, CGH_KEY, 0, 1, "cpu.stat", "nr_periods", NULL),
	V2(CGS_CPU_THROTTLED, CGH_KEY, 0, 1, "cpu.stat", "nr_throttled", NULL),
	V2(CGS_CPU_THROTTLED_NS, CGH_KEY, 0, 1000, "cpu.stat", "throttled_usec", NULL),
	V2(CGS_CPU_QUOTA_US, CGH_WORD, 0, 1, "cpu.max", NULL, NULL),
	V2(CGS_CPU_PERIOD_US, CGH_WORD, 1, 1, "cpu.max", NULL, NULL),
	V2(CGS_MEM_USAGE, CGH_WORD, 0, 1, "memory.current", NULL, NULL),
	V2(CGS_MEM_LIMIT, CGH_WORD, 0, 1, "memory.max", NULL, NULL),
	V2(CGS_MEM_INACTIVE_FILE, CGH_KEY, 0, 1, "memory.stat", "inactive_file", NULL),
	V2(CGS_PSI_CPU, CGH_PSI, 0, 1, "cpu.pressure", "some", "avg10"),
	V2(CGS_PSI_CPU_TOTAL, CGH_PSI, 0, 1, "cpu.pressure", "some", "total"),
	V2(CGS_PSI_MEM, CGH_PSI, 0, 1, "memory.pressure", "some", "avg10"),
	V2(CGS_PSI_MEM_FULL, CGH_PSI, 0, 1, "memory.pressure", "full", "avg10"),
	V2(CGS_PSI_MEM_TOTAL, CGH_PSI, 0, 1, "memory.pressure", "some", "total"),
	V2(CGS_PSI_IO, CGH_PSI, 0, 1, "io.pressure", "some", "avg10"),
	V2(CGS_PSI_IO_FULL, CGH_PSI, 0, 1, "io.pressure", "full", "avg10"),
	V2(CGS_PSI_IO_TOTAL, CGH_PSI, 0, 1, "io.pressure", "some", "total"),
	/* v1: only where cgroup2 did not answer (hybrid hosts keep the controllers here). */
	V1("cpu", CGS_CPU_PERIODS, CGH_KEY, 1, "cpu.stat", "nr_periods"),
	V1("cpu", CGS_CPU_THROTTLED, CGH_KEY, 1, "cpu.stat", "nr_throttled"),
	V1("cpu", CGS_CPU_THROTTLED_NS, CGH_KEY, 1, "cpu.stat", "throttled_time"),
	V1("cpu", CGS_CPU_QUOTA_US, CGH_WORD, 1, "cpu.cfs_quota_us", NULL),	/* -1: none */
	V1("cpu", CGS_CPU_PERIOD_US, CGH_WORD, 1, "cpu.cfs_period_us", NULL),
	V1("memory", CGS_MEM_USAGE, CGH_WORD, 1, "memory.usage_in_bytes", NULL),
	V1("memory", CGS_MEM_LIMIT, CGH_WORD, 1, "memory.limit_in_bytes", NULL),
	V1("memory", CGS_MEM_INACTIVE_FILE, CGH_KEY, 1, "memory.stat", "total_inactive_file"),
};

/*
 * v1 says "no limit" with the page counter's maximum (PAGE_COUNTER_MAX pages, rounded to the
 * page size: 0x7ffffffffffff000 on 4 KiB pages); anything from 2^62 on is no real limit.
 */
#define NO_LIMIT (1ULL << 62)

/* The v1 controllers the table reads, for their mounts. */
static const char *const v1_ctrls[] = { "cpu", "memory" };

struct cgstat_fs {
	char v2[PATH_MAX];		/* "" if there is no cgroup2 mount */
	char v1[ARRAY_SIZE(v1_ctrls)][PATH_MAX];
};

struct cgstat_fs *cgstat_fs__open(const char *mountinfo)
{
	struct cgstat_fs *f = calloc(1, sizeof(*f));
	bool any;
	size_t i;

	if (!f)
		return NULL;
	any = !cgroup_find_mount(mountinfo, NULL, f->v2, sizeof(f->v2));
	for (i = 0; i < ARRAY_SIZE(v1_ctrls); i++)
		any |= !cgroup_find_mount(mountinfo, v1_ctrls[i], f->v1[i], sizeof(f->v1[i]));
	if (!any) {
		free(f);
		errno = ENOENT;
		return NULL;
	}
	return f;
}

void cgstat_fs__free(struct cgstat_fs *f)
{
	free(f);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* A plain unsigned decimal ending at a blank or `end`: true and *out; false on overflow. */
static bool dec_u64(const char *p, const char *end, const char **stop, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = p;

	while (p < end && *p >= '0' && *p <= '9') {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
	}
	if (p == s)
		return false;
	*stop = p;
	*out = v;
	return true;
}

/* "12.34" -> 1234: PSI's averages have exactly two decimals; up to 100.00. */
static bool parse_centi(const char *p, const char *end, uint64_t *out)
{
	const char *q;
	uint64_t whole, frac;

	if (!dec_u64(p, end, &q, &whole) || q + 3 > end || q[0] != '.' || q[1] < '0' ||
	    q[1] > '9' || q[2] < '0' || q[2] > '9' || (q + 3 < end && !is_space(q[3])))
		return false;
	frac = (uint64_t)(q[1] - '0') * 10 + (uint64_t)(q[2] - '0');
	if (whole > 100 || (whole == 100 && frac))
		return false;
	*out = whole * 100 + frac;
	return true;
}

/* A number that is the whole of [p, end), or followed by a blank. */
static bool number_at(const char *p, const char *end, uint64_t *out)
{
	const char *q;
	uint64_t v;

	if (!dec_u64(p, end, &q, &v) || (q != end && !is_space(*q)))
		return false;
	*out = v;
	return true;
}

bool cgstat_parse(const char *text, size_t len, enum cgstat_how how, const char *key,
		  const char *sub, unsigned int word, uint64_t *out)
{
	const char *p = text, *end = text + len;
	size_t klen = key ? strlen(key) : 0, slen = sub ? strlen(sub) : 0;

	if (how == CGH_WORD) {
		unsigned int w = 0;

		while (p < end) {
			while (p < end && is_space(*p))
				p++;
			if (p == end)
				return false;
			if (w++ == word)
				return number_at(p, end, out);
			while (p < end && !is_space(*p))
				p++;
		}
		return false;
	}
	if (!klen || (how == CGH_PSI && !slen))
		return false;
	/* Line by line: the key, one blank, then the value (or the PSI fields). */
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p), *q;

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > klen && !memcmp(p, key, klen) && (p[klen] == ' ')) {
			if (how == CGH_KEY)
				return number_at(p + klen + 1, eol, out);
			/* PSI: " avg10=0.00 avg60=0.00 avg300=0.00 total=0" */
			for (q = p + klen; q < eol; q++) {
				if (q[0] != ' ' || (size_t)(eol - q) <= slen + 1 ||
				    memcmp(q + 1, sub, slen) || q[1 + slen] != '=')
					continue;
				q += 2 + slen;
				return strcmp(sub, "total") ? parse_centi(q, eol, out) :
							      number_at(q, eol, out);
			}
			return false;
		}
		p = eol + 1;
	}
	return false;
}

/*
 * The file's text, whole lines only: 0 and its length, or -errno. 4 KiB holds every file of the
 * table up to the keys it reads (memory.stat is the longest; its keys come early).
 */
static int read_text(const char *mount, const char *path, const char *file, char *buf,
		     size_t size, size_t *len)
{
	char full[PATH_MAX];
	ssize_t n;
	int fd, err = 0;

	if ((size_t)snprintf(full, sizeof(full), "%s%s/%s", mount, strcmp(path, "/") ? path : "",
			     file) >= sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size);
	if (n < 0) {
		err = -errno;
		goto cleanup;
	}
	if ((size_t)n == size) {
		/* Cut: drop the partial last line. */
		while (n > 0 && buf[n - 1] != '\n')
			n--;
	}
	*len = n;
cleanup:
	close(fd);
	return err;
}

/* A value as the item means it: NO_LIMIT and a zero period are no value. */
static bool item_value(const struct cgs_src *s, uint64_t v, uint64_t *out)
{
	if (s->item == CGS_MEM_LIMIT && v >= NO_LIMIT)
		return false;
	if (s->item == CGS_CPU_PERIOD_US && !v)
		return false;
	if (v > UINT64_MAX / s->mul)
		return false;
	*out = v * s->mul;
	return true;
}

static bool same_ctrl(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static const char *mount_of(const struct cgstat_fs *f, const char *ctrl)
{
	size_t i;

	if (!ctrl)
		return f->v2;
	for (i = 0; i < ARRAY_SIZE(v1_ctrls); i++)
		if (!strcmp(ctrl, v1_ctrls[i]))
			return f->v1[i];
	return "";
}

void cgstat_read(const struct cgstat_fs *f, const char *path, struct cgstat *out)
{
	const struct cgs_src *open_src = NULL;
	char buf[4096];
	size_t i, len = 0;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (!f || !path || path[0] != '/' || strstr(path, "/../") || strstr(path, "/.."))
		return;
	for (i = 0; i < ARRAY_SIZE(cgs_table); i++) {
		const struct cgs_src *s = &cgs_table[i];
		const char *mount = mount_of(f, s->ctrl);
		uint64_t v;

		if ((out->have & CGS_HAVE(s->item)) || !*mount)
			continue;
		/* A row of the file read last reuses its text. */
		if (!open_src || !same_ctrl(open_src->ctrl, s->ctrl) ||
		    strcmp(open_src->file, s->file)) {
			open_src = s;
			ok = !read_text(mount, path, s->file, buf, sizeof(buf), &len);
		}
		if (ok && cgstat_parse(buf, len, s->how, s->key, s->sub, s->word, &v) &&
		    item_value(s, v, &out->v[s->item]))
			out->have |= CGS_HAVE(s->item);
	}
}
