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
 * Bytes that are copied as they are: ESC_PLAIN_TEXT, printable ASCII but '\\'; ESC_PLAIN_JSON,
 * those but '"' too. The others go through escaping. A table, for the tail of a run: one load
 * instead of three tests. Static here (256 bytes in each unit that uses it) so that this header
 * needs no definition from a file that includes it.
 */
enum { ESC_PLAIN_TEXT = 1, ESC_PLAIN_JSON = 2 };
static const unsigned char esc_plain_tab[256] = {
	[0x20 ... 0x21] = ESC_PLAIN_TEXT | ESC_PLAIN_JSON,
	['"'] = ESC_PLAIN_TEXT,
	[0x23 ... 0x5b] = ESC_PLAIN_TEXT | ESC_PLAIN_JSON,
	/* '\\' (0x5c) is escaped, to keep the escaping lossless */
	[0x5d ... 0x7e] = ESC_PLAIN_TEXT | ESC_PLAIN_JSON,
};
static inline bool esc_plain(unsigned char c)
{
	return esc_plain_tab[c] & ESC_PLAIN_TEXT;
}

/*
 * Whether a word of 8 bytes is all plain (for JSON, '"' is not). Each test sets a byte's high
 * bit: the byte itself for >= 0x80, minus 0x20 for a control, plus 1 for DEL, and minus 1 after
 * an xor for '\\' and '"'. A borrow or carry only crosses a byte that is already caught, so the
 * answer is exact for the word as a whole.
 */
static inline __attribute__((always_inline)) bool esc_plain_word(uint64_t w, bool json)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t bad = w | (w - ones * 0x20) | (w + ones) | ((w ^ (ones * '\\')) - ones);

	if (json)
		bad |= (w ^ (ones * '"')) - ones;
	return !(bad & highs);
}

/*
 * Copies the run of plain bytes at the start of s[0..n) to d (which has room for n bytes) and
 * returns its length; a shorter one than the whole plain run when it meets a word that is not
 * all plain: the escaping goes on from there. The common case (names, paths, evt.info) is all
 * plain and goes a word at a time, loaded and stored whole, never a byte at a time: the last
 * word of a string of 8 or more overlaps the one before; below 8 bytes, two overlapping halves.
 */
static inline __attribute__((always_inline)) size_t
esc_copy_plain(char *d, const unsigned char *s, size_t n, bool json)
{
	size_t i = 0;
	uint64_t w;

	if (n < 8) {
		/* A byte's test does not depend on its place in the word: the first and the last
		 * half (overlapping), the rest of the word plain spaces. */
		uint32_t a, b;
		uint16_t a2, b2;

		if (n >= 4) {
			__builtin_memcpy(&a, s, 4);
			__builtin_memcpy(&b, s + n - 4, 4);
			if (!esc_plain_word(a | (uint64_t)b << 32, json))
				return 0;
			__builtin_memcpy(d, &a, 4);
			__builtin_memcpy(d + n - 4, &b, 4);
		} else if (n >= 2) {
			__builtin_memcpy(&a2, s, 2);
			__builtin_memcpy(&b2, s + n - 2, 2);
			if (!esc_plain_word(a2 | (uint64_t)b2 << 16 | 0x2020202000000000ULL, json))
				return 0;
			__builtin_memcpy(d, &a2, 2);
			__builtin_memcpy(d + n - 2, &b2, 2);
		} else if (n) {
			if (!(esc_plain_tab[s[0]] & (json ? ESC_PLAIN_JSON : ESC_PLAIN_TEXT)))
				return 0;
			d[0] = s[0];
		}
		return n;
	}
	for (; i + 8 <= n; i += 8) {
		__builtin_memcpy(&w, s + i, 8);
		if (!esc_plain_word(w, json))
			return i;
		__builtin_memcpy(d + i, &w, 8);
	}
	if (i < n) {
		__builtin_memcpy(&w, s + n - 8, 8);
		if (!esc_plain_word(w, json))
			return i;
		__builtin_memcpy(d + n - 8, &w, 8);
	}
	return n;
}

/*
 * Length of the run of plain bytes at the start of s[0..n) (for JSON, '"' ends it too): eight
 * bytes at a time while they are all printable ASCII, then byte by byte.
 */
static inline size_t esc_plain_run(const unsigned char *s, size_t n, bool json)
{
	unsigned char mask = json ? ESC_PLAIN_JSON : ESC_PLAIN_TEXT;
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		__builtin_memcpy(&w, s + i, 8);
		if (!esc_plain_word(w, json))
			break;
	}
	while (i < n && (esc_plain_tab[s[i]] & mask))
		i++;
	return i;
}

/* The escaped text of s[0..n) whose first `plain` bytes need none (util.h's obuf__text). */
void obuf__text_slow(struct obuf *o, const char *s, size_t n, size_t plain);
/*
 * A JSON string literal, quotes included, of s[0..n) whose first `plain` bytes need no escaping
 * (util.h's obuf__json_str): the escaped text, JSON-encoded (RFC 8259).
 */
void obuf__json_slow(struct obuf *o, const char *s, size_t n, size_t plain);
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
/* Past the room left: grows, or cuts at a fixed buffer's end (the inline writes below). */
void sbuf__write_slow(struct sbuf *b, const char *s, size_t n);
void sbuf__putc_slow(struct sbuf *b, char c);
/*
 * The inline writes: the common case (room left) in the caller, where a literal's length is a
 * constant and its copy a move or two (evt.info is made of these, for every event printed).
 */
static inline void sbuf__write(struct sbuf *b, const char *s, size_t n)
{
	if (n < b->cap - b->len) {
		__builtin_memcpy(b->buf + b->len, s, n);
		b->len += n;
		b->buf[b->len] = '\0';
		return;
	}
	sbuf__write_slow(b, s, n);
}
static inline void sbuf__puts(struct sbuf *b, const char *s)
{
	sbuf__write(b, s, strlen(s));
}
static inline void sbuf__putc(struct sbuf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->buf[b->len++] = c;
		b->buf[b->len] = '\0';
		return;
	}
	sbuf__putc_slow(b, c);
}
/* NUL-separated strings (argv) joined with `sep`; other bytes as they are. */
void sbuf__join(struct sbuf *b, const char *s, size_t n, char sep);

#endif /* SCRY_BUF_H */
