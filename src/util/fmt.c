// SPDX-License-Identifier: GPL-2.0
/*
 * Numbers as text, written backwards, with util.h's inline decimals (fmt_u64_end, obuf__u64):
 * the digits of obuf (the event stream) and sbuf (field values). Decimals go straight into the
 * buffer where it has the room (their length is known first); the rest into the end of a
 * scratch buffer, then copied. And the buffers' writers built on util.h's inline fast paths.
 */
#include <stdarg.h>
#include <stdio.h>

#include "scry/util.h"

/* Each fmt_ writes the text (no NUL) into the end of buf and returns where it starts. */
static char *fmt_u64(char buf[FMT_NUM_MAX], uint64_t v)
{
	return fmt_u64_end(buf + FMT_NUM_MAX, v);
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
	/* four digits a step, as fmt_u64_end: evt.time's nanoseconds are nine of them */
	while (width >= 4) {
		unsigned int r = v % 10000;

		v /= 10000;
		width -= 4;
		memcpy(out + width, digit_pairs + r / 100 * 2, 2);
		memcpy(out + width + 2, digit_pairs + r % 100 * 2, 2);
	}
	if (width >= 2) {
		unsigned int r = v % 100;

		v /= 100;
		width -= 2;
		memcpy(out + width, digit_pairs + r * 2, 2);
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

FMT_NUM_PUT(obuf__hex, struct obuf, obuf__write, uint64_t, fmt_hex)

FMT_NUM_PUT(sbuf__hex, struct sbuf, sbuf__write, uint64_t, fmt_hex)
FMT_NUM_PUT(sbuf__oct, struct sbuf, sbuf__write, uint64_t, fmt_oct)

void obuf__s64(struct obuf *o, int64_t v)
{
	if (v < 0) {
		obuf__putc(o, '-');
		obuf__u64(o, -(uint64_t)v);
		return;
	}
	obuf__u64(o, v);
}

/* Field values' numbers (evt.info has several) likewise, where the buffer has the room. */
void sbuf__u64(struct sbuf *b, uint64_t v)
{
	unsigned int n = u64_digits(v);
	char tmp[FMT_NUM_MAX];

	if (b->cap - 1 - b->len < n) {
		sbuf__write(b, fmt_u64(tmp, v), n);	/* grows, or cuts a fixed buffer */
		return;
	}
	fmt_u64_end(b->buf + b->len + n, v);
	b->len += n;
	b->buf[b->len] = '\0';
}

void sbuf__s64(struct sbuf *b, int64_t v)
{
	if (v < 0) {
		sbuf__putc(b, '-');
		sbuf__u64(b, -(uint64_t)v);
		return;
	}
	sbuf__u64(b, v);
}

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
