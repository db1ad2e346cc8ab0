/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --- obuf.c: buffered writes to an fd, quiet end on a closed pipe ------------------------------
 * The buffer and its out-of-line part only: buf.h adds the inline fast paths in front of it, so
 * obuf.c, which needs nothing but this, is never above what calls it.
 */
#ifndef SCRY_OBUF_H
#define SCRY_OBUF_H

#include <stdbool.h>
#include <stddef.h>

struct obuf {
	int fd;
	bool broken;		/* the reader went away (EPIPE): stop producing output */
	int err;		/* first write error other than EPIPE (-errno) */
	size_t len;
	char buf[1 << 16];
};
void obuf__init(struct obuf *o, int fd);
void obuf__flush(struct obuf *o);
/* Any length; buf.h's obuf__write is the inline fast path in front of it. */
void obuf__write_slow(struct obuf *o, const void *p, size_t n);

#endif /* SCRY_OBUF_H */
