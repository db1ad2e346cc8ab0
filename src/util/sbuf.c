// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "scry/util.h"

void sbuf__write(struct sbuf *b, const char *s, size_t n)
{
	size_t room = b->cap - 1 - b->len;

	if (n > room)
		n = room;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void sbuf__puts(struct sbuf *b, const char *s)
{
	sbuf__write(b, s, strlen(s));
}

void sbuf__putc(struct sbuf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->buf[b->len++] = c;
		b->buf[b->len] = '\0';
	}
}

static void put_base(struct sbuf *b, uint64_t v, unsigned int base)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v);
	sbuf__write(b, tmp + i, sizeof(tmp) - i);
}

void sbuf__u64(struct sbuf *b, uint64_t v)
{
	char tmp[20], *p = fmt_u64(tmp, v);

	sbuf__write(b, p, tmp + 20 - p);
}

void sbuf__s64(struct sbuf *b, int64_t v)
{
	if (v < 0) {
		sbuf__putc(b, '-');
		sbuf__u64(b, -(uint64_t)v);
	} else {
		sbuf__u64(b, v);
	}
}

void sbuf__hex(struct sbuf *b, uint64_t v)
{
	sbuf__write(b, "0x", 2);
	put_base(b, v, 16);
}

void sbuf__oct(struct sbuf *b, uint64_t v)
{
	sbuf__putc(b, '0');
	put_base(b, v, 8);
}

void sbuf__printable(struct sbuf *b, const char *s, size_t n, char sep)
{
	size_t i;

	for (i = 0; i < n && b->len + 1 < b->cap; i++) {
		unsigned char c = s[i];

		b->buf[b->len++] = c == '\0' ? sep : (c < 0x20 || c == 0x7f) ? '.' : c;
	}
	b->buf[b->len] = '\0';
}
