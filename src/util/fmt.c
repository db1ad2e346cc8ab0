// SPDX-License-Identifier: GPL-2.0
/*
 * Numbers as text, written backwards into the end of a caller's buffer: the one place for the
 * digits of obuf (the event stream) and sbuf (field values), which differ only in where the
 * text goes next; and the buffers' writers built on util.h's inline fast paths.
 */
#include <stdarg.h>
#include <stdio.h>

#include "scry/util.h"

/* Each fmt_ writes the text (no NUL) into the end of buf and returns where it starts. */
#define FMT_NUM_MAX 24	/* "-9223372036854775808", "0x" and 16 digits, "0" and 22 digits */

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static char *fmt_u64(char buf[FMT_NUM_MAX], uint64_t v)
{
	char *p = buf + FMT_NUM_MAX;

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

static char *fmt_s64(char buf[FMT_NUM_MAX], int64_t v)
{
	char *p;

	if (v >= 0)
		return fmt_u64(buf, v);
	p = fmt_u64(buf, -(uint64_t)v);
	*--p = '-';
	return p;
}

/* Base 8 or 16, after `prefix` ("0" or "0x"). */
static char *fmt_base(char buf[FMT_NUM_MAX], uint64_t v, unsigned int shift, const char *prefix)
{
	static const char digits[] = "0123456789abcdef";
	char *p = buf + FMT_NUM_MAX;
	size_t n = strlen(prefix);

	do {
		*--p = digits[v & ((1u << shift) - 1)];
		v >>= shift;
	} while (v);
	p -= n;
	memcpy(p, prefix, n);
	return p;
}

static char *fmt_hex(char buf[FMT_NUM_MAX], uint64_t v)
{
	return fmt_base(buf, v, 4, "0x");
}

static char *fmt_oct(char buf[FMT_NUM_MAX], uint64_t v)
{
	return fmt_base(buf, v, 3, "0");
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

/* A buffer's number writer, `name(buf, v)`: the same for every buffer (obuf, sbuf). */
#define FMT_NUM_PUT(name, buf_type, write, type, fmt)		\
void name(buf_type *b, type v)					\
{								\
	char tmp[FMT_NUM_MAX], *p = fmt(tmp, v);		\
								\
	write(b, p, tmp + FMT_NUM_MAX - p);			\
}

FMT_NUM_PUT(obuf__u64, struct obuf, obuf__write, uint64_t, fmt_u64)
FMT_NUM_PUT(obuf__s64, struct obuf, obuf__write, int64_t, fmt_s64)
FMT_NUM_PUT(obuf__hex, struct obuf, obuf__write, uint64_t, fmt_hex)

FMT_NUM_PUT(sbuf__u64, struct sbuf, sbuf__write, uint64_t, fmt_u64)
FMT_NUM_PUT(sbuf__s64, struct sbuf, sbuf__write, int64_t, fmt_s64)
FMT_NUM_PUT(sbuf__hex, struct sbuf, sbuf__write, uint64_t, fmt_hex)
FMT_NUM_PUT(sbuf__oct, struct sbuf, sbuf__write, uint64_t, fmt_oct)

void obuf__puts(struct obuf *o, const char *s)
{
	obuf__write(o, s, strlen(s));
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
