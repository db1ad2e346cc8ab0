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

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

char *fmt_u64(char buf[20], uint64_t v)
{
	char *p = buf + 20;

	while (v >= 100) {
		unsigned int i = (v % 100) * 2;

		v /= 100;
		p -= 2;
		p[0] = digit_pairs[i];
		p[1] = digit_pairs[i + 1];
	}
	if (v >= 10) {
		p -= 2;
		p[0] = digit_pairs[v * 2];
		p[1] = digit_pairs[v * 2 + 1];
	} else {
		*--p = '0' + v;
	}
	return p;
}

void fmt_fixed(char *out, uint64_t v, int width)
{
	while (width >= 2) {
		unsigned int i = (v % 100) * 2;

		v /= 100;
		width -= 2;
		out[width] = digit_pairs[i];
		out[width + 1] = digit_pairs[i + 1];
	}
	if (width)
		out[0] = '0' + v % 10;
}

void obuf__u64(struct obuf *o, uint64_t v)
{
	char tmp[20], *p = fmt_u64(tmp, v);

	obuf__write(o, p, tmp + 20 - p);
}

void obuf__s64(struct obuf *o, int64_t v)
{
	if (v < 0) {
		obuf__putc(o, '-');
		obuf__u64(o, -(uint64_t)v);
	} else {
		obuf__u64(o, v);
	}
}

void obuf__hex(struct obuf *o, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[18];
	int i = sizeof(tmp);

	do {
		tmp[--i] = digits[v & 15];
		v >>= 4;
	} while (v);
	tmp[--i] = 'x';
	tmp[--i] = '0';
	obuf__write(o, tmp + i, sizeof(tmp) - i);
}

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
