// SPDX-License-Identifier: GPL-2.0
/*
 * udp_extract (sysdig's): the data of every UDP socket (DNS left out), one file per socket in
 * ./udp_dump_files, named after its tuple (fd.name, ':' as '_' and '>' as '-'), the data of
 * each call appended in order. The data is what -s kept: a datagram longer than the snaplen
 * (4096 at most here, sysdig asks for 16384) is cut. At the end, a line per file: its name and
 * bytes. Names come from the traced processes: any '/' is replaced and the files are opened
 * without following links, under a directory the chisel made or found; their number is bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scry/chisel.h"
#include "scry/filter.h"
#include "scry/sink.h"

#define UDP_DIR "udp_dump_files"
#define MAX_FILES 256
#define NAME_MAX_LEN 200

struct udp_file {
	char name[NAME_MAX_LEN + 1];
	int fd;
	uint64_t bytes;
};

struct udp_extract {
	int dirfd;
	struct udp_file files[MAX_FILES];
	size_t nfiles;
	bool full_said;
	const struct field_desc *fdname;
	struct sbuf_mem scratch;
	int err;
	int out;
};

/* sysdig's file name for a tuple: ':' -> '_', '>' -> '-'; and no '/' nor a leading '.'. */
static void file_name(char *dst, const char *s, size_t n)
{
	size_t i;

	if (n > NAME_MAX_LEN)
		n = NAME_MAX_LEN;
	for (i = 0; i < n; i++) {
		char c = s[i];

		dst[i] = c == ':' ? '_' : c == '>' ? '-' : (c == '/' || c == '\0') ? '_' : c;
	}
	if (n && dst[0] == '.')
		dst[0] = '_';
	dst[n] = '\0';
}

static struct udp_file *file_of(struct udp_extract *u, const char *name)
{
	struct udp_file *f;
	size_t i;

	for (i = 0; i < u->nfiles; i++)
		if (!strcmp(u->files[i].name, name))
			return &u->files[i];
	if (u->nfiles == MAX_FILES) {
		if (!u->full_said)
			log_err("udp_extract: more than %d sockets; the others are left out",
				MAX_FILES);
		u->full_said = true;
		return NULL;
	}
	f = &u->files[u->nfiles];
	strcpy(f->name, name);
	f->fd = openat(u->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		       0644);
	if (f->fd < 0) {
		log_err("udp_extract: %s/%s: %s", UDP_DIR, name, strerror(errno));
		u->err = -errno;
		return NULL;
	}
	f->bytes = 0;
	u->nfiles++;
	return f;
}

static int udp_extract_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct udp_extract *u = ctx;
	char name[NAME_MAX_LEN + 1];
	struct udp_file *f;
	struct field_val v;
	const uint8_t *d;
	struct sbuf b;
	uint32_t n;

	d = evt_data(ev, &n);
	sbuf__init_mem(&b, &u->scratch);
	if (!d || !field_get(u->fdname, ev, &v, &b) || !v.len)
		return 0;
	file_name(name, v.str, v.len);
	f = file_of(u, name);
	if (!f)
		return u->err;
	if (n && write(f->fd, d, n) != (ssize_t)n) {
		log_err("udp_extract: %s/%s: %s", UDP_DIR, name, strerror(errno));
		return -EIO;
	}
	f->bytes += n;
	return 0;
}

static int udp_extract_tick(void *ctx, uint64_t ts)
{
	return 0;
}

static int udp_extract_finish(void *ctx)
{
	struct udp_extract *u = ctx;
	struct obuf o;
	size_t i;

	obuf__init(&o, u->out);
	for (i = 0; i < u->nfiles; i++) {
		obuf__puts(&o, UDP_DIR "/");
		obuf__text(&o, u->files[i].name, strlen(u->files[i].name));
		obuf__putc(&o, ' ');
		obuf__u64(&o, u->files[i].bytes);
		obuf__putc(&o, '\n');
	}
	obuf__flush(&o);
	return o.err;
}

static void udp_extract_free(void *ctx)
{
	struct udp_extract *u = ctx;
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->nfiles; i++)
		close(u->files[i].fd);
	if (u->dirfd >= 0)
		close(u->dirfd);
	sbuf_mem__free(&u->scratch);
	free(u);
}

const struct sink_ops udp_extract_ops = SINK_OPS(udp_extract, "udp_extract", 0);

void *udp_extract__new(const struct chisel_ctx *c, const struct run_ctx *rc)
{
	struct udp_extract *u = calloc(1, sizeof(*u));

	if (!u) {
		log_err("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	u->out = c->fd;
	u->fdname = field_lookup("fd.name");
	if (mkdir(UDP_DIR, 0755) && errno != EEXIST) {
		log_err("udp_extract: cannot make ./%s: %s", UDP_DIR, strerror(errno));
		goto fail;
	}
	u->dirfd = open(UDP_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (u->dirfd < 0) {
		log_err("udp_extract: ./%s: %s", UDP_DIR, strerror(errno));
		goto fail;
	}
	return u;
fail:
	u->dirfd = -1;
	udp_extract_free(u);
	errno = EIO;
	return NULL;
}
