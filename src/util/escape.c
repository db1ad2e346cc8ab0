// SPDX-License-Identifier: GPL-2.0
/*
 * The one escaping of untrusted strings (comms, argv, paths, container names and labels, the
 * strings of a capture file) for every text output: the event line, -p, views, lscontainers,
 * scry top, messages; JSON strings are the JSON encoding of the same escaped text.
 *
 *   printable ASCII and printable UTF-8   as they are
 *   a backslash                           \\ (so that the escaping can be undone: it is lossless)
 *   C0 controls, DEL                      \xNN
 *   C1 controls (raw bytes 0x80-0x9f or UTF-8 U+0080-U+009F), the Unicode bidirectional
 *   controls (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), the line and paragraph separators
 *   (U+2028, U+2029) and the byte order mark (U+FEFF)   \xNN for each of their bytes
 *   bytes that are not strict UTF-8 (overlong forms, surrogates, above U+10FFFF, cut-short
 *   sequences, stray continuation bytes)   \xNN each
 *
 * So no string can move the cursor, colour or clear the terminal, start a new line, reorder the
 * text around it, or pass an invalid byte to a JSON consumer.
 */
#include <string.h>

#include "scry/buf.h"

static const char hexdig[] = "0123456789abcdef";

/*
 * Length of the strict UTF-8 sequence at s[0..n) (2 to 4), or 0 if it is not one. Rejects
 * overlong forms, surrogates and code points above U+10FFFF (RFC 3629).
 */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t v, min;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2, v = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, v = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, v = c & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Printable code points that still must not reach a terminal raw. */
static inline bool unsafe_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0xfeff;
}

/*
 * One step at s[0] (not a plain byte): the escaped text into out (at most ESC_STEP_MAX bytes);
 * returns its length and sets *used to the input bytes it stands for.
 */
#define ESC_STEP_MAX 16
static size_t esc_step(const unsigned char *s, size_t n, char *out, size_t *used)
{
	uint32_t cp;
	size_t len, i, k = 0;

	if (s[0] == '\\') {
		*used = 1;
		out[0] = out[1] = '\\';
		return 2;
	}
	len = s[0] >= 0x80 ? utf8_len(s, n, &cp) : 0;
	if (len && !unsafe_cp(cp)) {
		memcpy(out, s, len);
		*used = len;
		return len;
	}
	if (!len)
		len = 1;	/* a control, DEL or a byte that is not UTF-8: alone */
	for (i = 0; i < len; i++) {
		out[k++] = '\\';
		out[k++] = 'x';
		out[k++] = hexdig[s[i] >> 4];
		out[k++] = hexdig[s[i] & 15];
	}
	*used = len;
	return k;
}

size_t esc_text(char *out, size_t cap, const char *in, size_t n)
{
	const unsigned char *s = (const unsigned char *)in;
	char step[ESC_STEP_MAX];
	size_t i = 0, o = 0, k, used;

	if (!cap)
		return 0;
	while (i < n) {
		if (esc_plain(s[i])) {
			if (o + 1 >= cap)
				break;
			out[o++] = s[i++];
			continue;
		}
		k = esc_step(s + i, n - i, step, &used);
		if (o + k >= cap)
			break;	/* never cut an escape in half */
		memcpy(out + o, step, k);
		o += k;
		i += used;
	}
	out[o] = '\0';
	return o;
}

/*
 * The escaped text of s[i..n) into o. For JSON (RFC 8259) the escaped text is JSON-encoded, in
 * which only '"' and '\\' need JSON's own escapes. Inline: each caller gets its own copy, with
 * `json` a constant.
 */
static inline __attribute__((always_inline)) void
obuf__escape(struct obuf *o, const unsigned char *s, size_t n, size_t i, bool json)
{
	char step[ESC_STEP_MAX];
	size_t run, used, k, j;

	obuf__write(o, s, i);	/* the plain run the caller found */
	while (i < n) {
		run = esc_plain_run(s + i, n - i, json);
		if (run) {
			obuf__write(o, s + i, run);
			i += run;
			continue;
		}
		if (json && s[i] == '"') {
			obuf__write(o, "\\\"", 2);
			i++;
			continue;
		}
		k = esc_step(s + i, n - i, step, &used);
		if (!json)
			obuf__write(o, step, k);
		for (j = 0; json && j < k; j++) {
			if (step[j] == '\\')
				obuf__putc(o, '\\');
			obuf__putc(o, step[j]);
		}
		i += used;
	}
}

void obuf__text_slow(struct obuf *o, const char *in, size_t n, size_t i)
{
	obuf__escape(o, (const unsigned char *)in, n, i, false);
}

void obuf__json_slow(struct obuf *o, const char *in, size_t n, size_t i)
{
	obuf__putc(o, '"');
	obuf__escape(o, (const unsigned char *)in, n, i, true);
	obuf__putc(o, '"');
}

size_t esc_columns(const char *in, size_t n)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i, cols = 0;

	/* Every character of escaped text takes one column (wide CJK forms aside). */
	for (i = 0; i < n; i++)
		cols += (s[i] & 0xc0) != 0x80;
	return cols;
}

size_t esc_col(char *out, size_t cap, const char *s, size_t n, size_t width, size_t max)
{
	size_t len = esc_text(out, cap, s, n), i, cols = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)out[i] & 0xc0) == 0x80)
			continue;
		if (max && cols == max)
			break;
		cols++;
	}
	for (; cols < width && i + 1 < cap; cols++)
		out[i++] = ' ';
	out[i] = '\0';
	return i;
}

void obuf__text_col(struct obuf *o, const char *s, size_t n, size_t width, size_t max)
{
	char buf[4096];

	obuf__write(o, buf, esc_col(buf, sizeof(buf), s, n, width, max));
}
