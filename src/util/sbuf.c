// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "scry/buf.h"

/* Enlarge a growable buffer to hold `need` bytes; false when it may not grow (any further). */
static bool sbuf_grow(struct sbuf *b, size_t need)
{
	struct sbuf_mem *m = b->mem;
	size_t cap;
	char *p;

	if (!m || need > SBUF_GROW_MAX)
		return false;
	for (cap = m->cap ? m->cap : SBUF_MEM_INIT; cap < need; cap *= 2)
		;
	p = realloc(m->buf, cap);
	if (!p)
		return false;
	m->buf = b->buf = p;
	m->cap = b->cap = cap;
	return true;
}

void sbuf__init_mem_slow(struct sbuf *b, struct sbuf_mem *m)
{
	if (!m->buf) {
		m->buf = malloc(SBUF_MEM_INIT);
		m->cap = m->buf ? SBUF_MEM_INIT : 0;
	}
	if (!m->buf) {
		/* Out of memory: an empty value rather than a crash. */
		static char none[1];

		b->buf = none;
		b->cap = 1;
		b->len = 0;
		b->mem = NULL;
		return;
	}
	sbuf__init(b, m->buf, m->cap);
	b->mem = m;
}

void sbuf_mem__free(struct sbuf_mem *m)
{
	free(m->buf);
	m->buf = NULL;
	m->cap = 0;
}

void sbuf__write_slow(struct sbuf *b, const char *s, size_t n)
{
	size_t room = b->cap - 1 - b->len;

	if (n > room && sbuf_grow(b, b->len + n + 1))
		room = b->cap - 1 - b->len;
	if (n > room)
		n = room;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void sbuf__putc_slow(struct sbuf *b, char c)
{
	if (b->len + 1 < b->cap || sbuf_grow(b, b->len + 2)) {
		b->buf[b->len++] = c;
		b->buf[b->len] = '\0';
	}
}

void sbuf__join(struct sbuf *b, const char *s, size_t n, char sep)
{
	const char *nul;

	while (n && (nul = memchr(s, '\0', n))) {
		sbuf__write(b, s, nul - s);
		sbuf__putc(b, sep);
		n -= nul - s + 1;
		s = nul + 1;
	}
	sbuf__write(b, s, n);
}
