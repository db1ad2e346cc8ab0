/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output buffers and the escaping of untrusted text, in layers so that an inline fast path
 * only ever calls down: obuf.h (the buffer; obuf.c), then here obuf's inline writes and what
 * escape.c and sbuf.c define, which use nothing above this header; util.h adds the fast paths
 * in front of those two (obuf__text, sbuf__init_mem) and the number writers (fmt.c).
 */
#ifndef SCRY_BUF_H
#define SCRY_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scry/obuf.h"

/* --- obuf's inline writes: the common case in the caller ------------------------------------ */
static inline void obuf__write(struct obuf *o, const void *p, size_t n)
{
	if (o->len + n <= sizeof(o->buf)) {
		__builtin_memcpy(o->buf + o->len, p, n);
		o->len += n;
		return;
	}
	obuf__write_slow(o, p, n);
}
static inline void obuf__reserve(struct obuf *o, size_t n)
{
	if (o->len + n > sizeof(o->buf))
		obuf__flush(o);
}
static inline void obuf__putc(struct obuf *o, char c)
{
	obuf__reserve(o, 1);
	o->buf[o->len++] = c;
}

/*
 * --- escape.c: untrusted strings on their way out -------------------------------------------
 * Every comm, argv, path, container name, image, label or capture string reaches a terminal or
 * a JSON consumer through these, and nothing else: printable text as it is, a backslash as \\,
 * controls (C0, DEL, C1), bidirectional controls, line separators and bytes that are not strict
 * UTF-8 as \xNN. The escaping is lossless (it can be undone) and its output is valid UTF-8.
 */
/*
 * Bytes that are copied as they are (printable ASCII but '\\'); the others go through escaping.
 * A table, for the tail of a run: one load instead of three tests. Static here (256 bytes in each
 * unit that uses it) so that this header needs no definition from a file that includes it.
 */
static const bool esc_plain_tab[256] = {
	[0x20 ... 0x5b] = true,		/* '\\' (0x5c) is escaped, to keep the escaping lossless */
	[0x5d ... 0x7e] = true,
};
static inline bool esc_plain(unsigned char c)
{
	return esc_plain_tab[c];
}

/*
 * Length of the run of plain bytes at the start of s[0..n) (for JSON, '"' ends it too): eight
 * bytes at a time while they are all printable ASCII (the common case: names, paths,
 * evt.info), then byte by byte. A word with a byte that may need escaping goes byte by byte.
 */
static inline size_t esc_plain_run(const unsigned char *s, size_t n, bool json)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w, bs, del, q;

		memcpy(&w, s + i, 8);
		bs = w ^ (ones * '\\');
		del = w ^ (ones * 0x7f);
		q = json ? w ^ (ones * '"') : ~0ULL;
		/* a byte >= 0x80, < 0x20, equal to '\\', DEL or '"' */
		if ((w | ((w - ones * 0x20) & ~w) | ((bs - ones) & ~bs) | ((del - ones) & ~del) |
		     ((q - ones) & ~q)) & highs)
			break;
	}
	while (i < n && esc_plain(s[i]) && (!json || s[i] != '"'))
		i++;
	return i;
}

/* The escaped text of s[0..n) whose first `plain` bytes need none (util.h's obuf__text). */
void obuf__text_slow(struct obuf *o, const char *s, size_t n, size_t plain);
/* A JSON string literal, quotes included: the escaped text, JSON-encoded (RFC 8259). */
void obuf__json_str(struct obuf *o, const char *s, size_t n);
/* Into a buffer of `cap` bytes (NUL-terminated, an escape never cut); returns the length. */
size_t esc_text(char *out, size_t cap, const char *s, size_t n);
/* Terminal columns of escaped text (one per character). */
size_t esc_columns(const char *s, size_t n);
/* A table cell: escaped, cut to `max` columns (0: no limit), padded with spaces to `width`. */
void obuf__text_col(struct obuf *o, const char *s, size_t n, size_t width, size_t max);
size_t esc_col(char *out, size_t cap, const char *s, size_t n, size_t width, size_t max);

/*
 * --- sbuf.c: formatting into a buffer -------------------------------------------------------
 * A fixed buffer truncates at its end. A buffer from an sbuf_mem grows (kept for the next use,
 * so nothing is allocated per event once it is large enough) up to SBUF_GROW_MAX: field values
 * are built in these, so that a filter and every output see the same whole value.
 */
#define SBUF_MEM_INIT	8192
#define SBUF_GROW_MAX	(16u << 20)
struct sbuf_mem {
	char *buf;
	size_t cap;
};
struct sbuf {
	char *buf;
	size_t len, cap;	/* buf[len] is kept NUL; cap includes the NUL */
	struct sbuf_mem *mem;	/* NULL: a fixed buffer */
};
static inline void sbuf__init(struct sbuf *b, char *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->mem = NULL;
	buf[0] = '\0';
}
/* The buffer's first use (util.h's sbuf__init_mem): made, or an empty one if out of memory. */
void sbuf__init_mem_slow(struct sbuf *b, struct sbuf_mem *m);
void sbuf_mem__free(struct sbuf_mem *m);
void sbuf__write(struct sbuf *b, const char *s, size_t n);
void sbuf__puts(struct sbuf *b, const char *s);
void sbuf__putc(struct sbuf *b, char c);
/* NUL-separated strings (argv) joined with `sep`; other bytes as they are. */
void sbuf__join(struct sbuf *b, const char *s, size_t n, char sep);

#endif /* SCRY_BUF_H */
