// SPDX-License-Identifier: GPL-2.0
/*
 * Buffered output for the event stream: formatting goes into one 64 KiB buffer and leaves in
 * large writes. A reader that goes away (`scry | head`) sets `broken`, which ends scry quietly.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "scry/obuf.h"

void obuf__init(struct obuf *o, int fd)
{
	o->fd = fd;
	o->broken = false;
	o->err = 0;
	o->len = 0;
}

void obuf__flush(struct obuf *o)
{
	size_t off = 0;

	while (off < o->len && !o->broken) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EPIPE && !o->err)
				o->err = -errno;
			o->broken = true;
			break;
		}
		off += n;
	}
	o->len = 0;
}

void obuf__write_slow(struct obuf *o, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		size_t room = sizeof(o->buf) - o->len, k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
		if (o->len == sizeof(o->buf))
			obuf__flush(o);
	}
}
