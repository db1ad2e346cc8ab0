// SPDX-License-Identifier: GPL-2.0
/*
 * Block I/O completions (blockio): the record's checks, evt.info, and the names of devices. A
 * device's name comes from the running machine's sysfs (/sys/dev/block/MAJ:MIN/uevent DEVNAME),
 * once per device: a replayed capture names devices as this machine does (MAJ:MIN is the record's).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Devices named at once, by a hash of dev_t (a power of two); a slot's neighbours take a
 * collision, and past them a name is replaced (read again when its device comes back). */
#define BLK_NAMES	1024
#define BLK_PROBE	8
#define BLK_NAME_MAX	32

static const char *const op_names[] = {
	[SCRY_BLK_READ] = "read", [SCRY_BLK_WRITE] = "write", [SCRY_BLK_FLUSH] = "flush",
	[SCRY_BLK_DISCARD] = "discard", [SCRY_BLK_OTHER] = "other",
};

const char *blk_op_name(uint8_t op)
{
	return op < ARRAY_SIZE(op_names) ? op_names[op] : "other";
}

static struct {
	pthread_mutex_t lock;
	char root[PATH_MAX];
	struct {
		uint32_t dev;
		bool used;
		char name[BLK_NAME_MAX];
	} e[BLK_NAMES];
} names = { PTHREAD_MUTEX_INITIALIZER, "/sys/dev/block" };

void blk_dev_root(const char *root)
{
	pthread_mutex_lock(&names.lock);
	snprintf(names.root, sizeof(names.root), "%s", root);
	memset(names.e, 0, sizeof(names.e));
	pthread_mutex_unlock(&names.lock);
}

/* DEVNAME= of the device's uevent; "" when sysfs has none (a device gone, another machine's). */
static void read_name(uint32_t dev, char *out, size_t len)
{
	char path[PATH_MAX + 32], buf[1024], *p, *end;
	ssize_t n;
	int fd;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%u:%u/uevent", names.root, blk_major(dev),
		 blk_minor(dev));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (p = buf; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, "DEVNAME=", 8))
			continue;
		p += 8;
		end = strchr(p, '\n');
		n = end ? end - p : (ssize_t)strlen(p);
		if ((size_t)n >= len)
			n = len - 1;
		memcpy(out, p, n);
		out[n] = '\0';
		return;
	}
}

size_t blk_dev_name(uint32_t dev, char *out, size_t len)
{
	size_t home = (dev * 2654435761u) >> 22 & (BLK_NAMES - 1), i = home, k;

	if (!len)
		return 0;
	pthread_mutex_lock(&names.lock);
	for (k = 0; k < BLK_PROBE; k++) {
		i = (home + k) & (BLK_NAMES - 1);
		if (!names.e[i].used || names.e[i].dev == dev)
			break;
	}
	if (k == BLK_PROBE)
		i = home;	/* a crowded neighbourhood: the home slot's name goes */
	if (!names.e[i].used || names.e[i].dev != dev) {
		names.e[i].used = true;
		names.e[i].dev = dev;
		read_name(dev, names.e[i].name, sizeof(names.e[i].name));
	}
	snprintf(out, len, "%s", names.e[i].name);
	pthread_mutex_unlock(&names.lock);
	return strlen(out);
}

int block_io_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	return r->blk.op <= SCRY_BLK_OTHER ? 1 : -EINVAL;
}

/* dev=254:0(vda) op=write bytes=4096 sector=2048 lat=123456 queue=789 [sync] [meta] [res=-5] */
void block_io_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct scry_rec_block_io *r = &ev->rec->blk;
	char name[BLK_NAME_MAX];

	sbuf__puts(b, "dev=");
	sbuf__u64(b, blk_major(r->dev));
	sbuf__putc(b, ':');
	sbuf__u64(b, blk_minor(r->dev));
	if (blk_dev_name(r->dev, name, sizeof(name))) {
		sbuf__putc(b, '(');
		sbuf__puts(b, name);
		sbuf__putc(b, ')');
	}
	sbuf__puts(b, " op=");
	sbuf__puts(b, blk_op_name(r->op));
	sbuf__puts(b, " bytes=");
	sbuf__u64(b, r->bytes);
	sbuf__puts(b, " sector=");
	sbuf__u64(b, r->sector);
	if (r->blk_flags & SCRY_BLK_ISSUED) {
		sbuf__puts(b, " lat=");
		sbuf__u64(b, r->latency_ns);
	}
	if (r->blk_flags & SCRY_BLK_QUEUED) {
		sbuf__puts(b, " queue=");
		sbuf__u64(b, r->queue_ns);
	}
	if (r->blk_flags & SCRY_BLK_SYNC)
		sbuf__puts(b, " sync");
	if (r->blk_flags & SCRY_BLK_META)
		sbuf__puts(b, " meta");
	if (!(r->blk_flags & SCRY_BLK_DONE))
		sbuf__puts(b, " partial");
	if (r->error) {
		/* INT32_MIN (a crafted capture) has no negation in an int */
		const char *e = r->error < 0 && r->error > INT32_MIN ? errno_name(-r->error) : NULL;

		sbuf__puts(b, " res=");
		if (e)
			sbuf__puts(b, e);
		else
			sbuf__s64(b, r->error);
	}
}
