// SPDX-License-Identifier: GPL-2.0
/*
 * Buffered output for the event stream: formatting goes into one 64 KiB buffer and leaves in
 * large writes. A reader that goes away (`scry | head`) sets `broken`, which ends scry quietly.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scry/util.h"

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

void obuf__puts(struct obuf *o, const char *s)
{
	obuf__write(o, s, strlen(s));
}

FMT_NUM_PUT(obuf__u64, struct obuf, obuf__write, uint64_t, fmt_u64)
FMT_NUM_PUT(obuf__s64, struct obuf, obuf__write, int64_t, fmt_s64)
FMT_NUM_PUT(obuf__hex, struct obuf, obuf__write, uint64_t, fmt_hex)

void obuf__printf(struct obuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	obuf__reserve(o, 512);
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, sizeof(o->buf) - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(o->buf) - o->len) {
		/* Longer than the room left: format again into a buffer of its own. */
		char big[8192];

		va_start(ap, fmt);
		n = vsnprintf(big, sizeof(big), fmt, ap);
		va_end(ap);
		obuf__write(o, big, (size_t)n < sizeof(big) ? (size_t)n : sizeof(big) - 1);
		return;
	}
	o->len += n;
}
