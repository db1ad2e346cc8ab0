// SPDX-License-Identifier: GPL-2.0
/*
 * The output buffer and the escaping of untrusted strings: every hostile byte comes out as
 * printable text that can be undone, and JSON that a strict parser reads back.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "scry/util.h"

static struct obuf o;

/* Write into a temporary file and read back what came out. */
static size_t capture(void (*fn)(struct obuf *, const void *), const void *arg, char *out,
		      size_t len)
{
	char path[] = "/tmp/scry-obuf-XXXXXX";
	int fd = mkstemp(path);
	ssize_t n, got = 0;

	assert_true(fd >= 0);
	unlink(path);
	obuf__init(&o, fd);
	fn(&o, arg);
	obuf__flush(&o);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, out + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	out[got] = '\0';
	return got;
}

struct str {
	const char *s;
	size_t n;
};

/* Undo the text escaping: \\ and \xNN; anything else as it is. */
static size_t unescape(const char *s, size_t n, char *out)
{
	size_t i = 0, k = 0;

	while (i < n) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\\') {
			out[k++] = '\\';
			i += 2;
		} else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x') {
			char hex[3] = { s[i + 2], s[i + 3], 0 };

			out[k++] = (char)strtoul(hex, NULL, 16);
			i += 4;
		} else {
			out[k++] = s[i++];
		}
	}
	return k;
}

/* Strict UTF-8 (RFC 3629), written apart from escape.c's decoder on purpose. */
static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t len, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (!len || i + len > n)
			return false;
		cp = c & (0x7f >> len);
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* Inputs and their escaped text: what a terminal shows of them. */
#define B(lit) lit, sizeof(lit) - 1
static const struct {
	const char *in;
	size_t n;
	const char *want;
} esc_cases[] = {
	{ B("plain text"), "plain text" },
	{ B("quote\" slash/"), "quote\" slash/" },
	{ B("back\\slash"), "back\\\\slash" },
	{ B("\x1b[31mEVIL"), "\\x1b[31mEVIL" },
	{ B("two\nlines\r"), "two\\x0alines\\x0d" },
	{ B("nul\0inside"), "nul\\x00inside" },
	{ B("del\x7f"), "del\\x7f" },
	{ B("c1 raw \x9b" "31m"), "c1 raw \\x9b31m" },
	{ B("c1 utf8 \xc2\x9b" "31m \xc2\x85"), "c1 utf8 \\xc2\\x9b31m \\xc2\\x85" },
	{ B("utf8 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "utf8 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" },
	{ B("y\xc3\xbf vs \xff"), "y\xc3\xbf vs \\xff" },
	{ B("overlong \xc0\xaf \xe0\x80\xaf"), "overlong \\xc0\\xaf \\xe0\\x80\\xaf" },
	{ B("surrogate \xed\xa0\x80"), "surrogate \\xed\\xa0\\x80" },
	{ B("too big \xf4\x90\x80\x80"), "too big \\xf4\\x90\\x80\\x80" },
	{ B("cut \xe2\x82"), "cut \\xe2\\x82" },
	{ B("bidi \xe2\x80\xae" "txt"), "bidi \\xe2\\x80\\xaetxt" },
	{ B("ls \xe2\x80\xa8"), "ls \\xe2\\x80\\xa8" },
	{ B("lit \\x41"), "lit \\\\x41" },
};

static void text_escaping(void **state)
{
	char out[256], back[256];
	size_t i, n;

	for (i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		n = esc_text(out, sizeof(out), esc_cases[i].in, esc_cases[i].n);
		assert_string_equal(out, esc_cases[i].want);
		assert_true(valid_utf8((unsigned char *)out, n));
		/* Lossless: the escaping undoes to the very bytes. */
		assert_int_equal(unescape(out, n, back), esc_cases[i].n);
		assert_memory_equal(back, esc_cases[i].in, esc_cases[i].n);
	}
}

/* An escape is never cut in half at the end of a buffer. */
static void text_escaping_cut(void **state)
{
	char out[8];

	assert_int_equal(esc_text(out, sizeof(out), "ab\x1b\x1b", 4), 6);
	assert_string_equal(out, "ab\\x1b");
}

static void put_json(struct obuf *b, const void *arg)
{
	const struct str *s = arg;

	obuf__json_str(b, s->s, s->n);
}

/*
 * One JSON string (RFC 8259, section 7) spanning exactly s[0..n), decoded into out (NUL-
 * terminated; *len its length); false for anything else. Strict where parsers are lax: no raw
 * byte below 0x20, only the eight short escapes and \uXXXX (a surrogate only in a pair), strict
 * UTF-8, nothing after the closing quote. Written apart from escape.c and json-c on purpose.
 */
static int hex4(const char *s)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | cp >> 6;
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | cp >> 12;
		out[1] = 0x80 | (cp >> 6 & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | cp >> 18;
	out[1] = 0x80 | (cp >> 12 & 0x3f);
	out[2] = 0x80 | (cp >> 6 & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

static bool json_string_strict(const char *s, size_t n, char *out, size_t *len)
{
	static const char shorts[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	size_t i = 1, k = 0;

	if (n < 2 || s[0] != '"' || !valid_utf8((const unsigned char *)s, n))
		return false;
	while (i < n && s[i] != '"') {
		unsigned char c = s[i];
		const char *e;
		int cp, lo;

		if (c < 0x20)
			return false;
		if (c != '\\') {
			out[k++] = s[i++];
			continue;
		}
		if (i + 1 >= n)
			return false;
		for (e = shorts; *e && *e != s[i + 1]; e += 2)
			;
		if (*e) {
			out[k++] = e[1];
			i += 2;
			continue;
		}
		if (s[i + 1] != 'u' || i + 6 > n || (cp = hex4(s + i + 2)) < 0)
			return false;
		i += 6;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return false;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u' ||
			    (lo = hex4(s + i + 2)) < 0xdc00 || lo > 0xdfff)
				return false;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 6;
		}
		k += put_utf8(out + k, cp);
	}
	if (i != n - 1)
		return false;	/* no closing quote, or bytes after it */
	out[k] = '\0';
	*len = k;
	return true;
}

/* The checker itself: what it must refuse, and what it must read. */
static void strict_json_checker(void **state)
{
	static const char *const bad[] = {
		"\"tab\there\"", "\"nl\nx\"", "\"\x01\"", "\"\x1f\"", "\"\\x41\"", "\"\\'\"",
		"\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"open",
		"\"a\"b\"", "\"a\" ", "'a'", "\"\xff\"", "\"\xc0\xaf\"", "\"\\\"", "\"",
	};
	static const struct {
		const char *json, *want;
	} good[] = {
		{ "\"\"", "" },
		{ "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t" },
		{ "\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"",
		  "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" },
		{ "\"\x7f \xc3\xa9\"", "\x7f \xc3\xa9" },
	};
	char out[64];
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (json_string_strict(bad[i], strlen(bad[i]), out, &n))
			fail_msg("accepted %s", bad[i]);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_true(json_string_strict(good[i].json, strlen(good[i].json), out, &n));
		assert_int_equal(n, strlen(good[i].want));
		assert_memory_equal(out, good[i].want, n);
	}
}

/*
 * JSON strings, byte for byte: the escaped text, in which JSON's own escapes are needed for '"'
 * and '\\' only; every control character is the escaped text's \xNN (its backslash doubled),
 * never a raw byte.
 */
static const struct {
	const char *in;
	size_t n;
	const char *want;
} json_cases[] = {
	{ B(""), "\"\"" },
	{ B("plain / text"), "\"plain / text\"" },
	{ B("tab\there"), "\"tab\\\\x09here\"" },
	{ B("nl\nend"), "\"nl\\\\x0aend\"" },
	{ B("\x01"), "\"\\\\x01\"" },
	{ B("\r\n\t\b\f\x1f"), "\"\\\\x0d\\\\x0a\\\\x09\\\\x08\\\\x0c\\\\x1f\"" },
	{ B("nul\0x"), "\"nul\\\\x00x\"" },
	{ B("\x1b[31mred"), "\"\\\\x1b[31mred\"" },
	{ B("del\x7f"), "\"del\\\\x7f\"" },
	{ B("quote\" back\\"), "\"quote\\\" back\\\\\\\\\"" },
	{ B("\"\""), "\"\\\"\\\"\"" },
	{ B("lit \\x41"), "\"lit \\\\\\\\x41\"" },
	{ B("abcdefgh\tabcdefgh\n"), "\"abcdefgh\\\\x09abcdefgh\\\\x0a\"" },
	{ B("abcdefg\"abcdefgh"), "\"abcdefg\\\"abcdefgh\"" },
	{ B("\xc3\xa9t\xc3\xa9"), "\"\xc3\xa9t\xc3\xa9\"" },
	{ B("nel \xc2\x85 ls \xe2\x80\xa8"), "\"nel \\\\xc2\\\\x85 ls \\\\xe2\\\\x80\\\\xa8\"" },
	{ B("bad \xff\xc0\xaf"), "\"bad \\\\xff\\\\xc0\\\\xaf\"" },
};

/* Every case in every outcome: obuf's JSON, a strict decoder's reading, and json-c's. */
static void json_check(const char *in, size_t n, const char *want_json)
{
	char out[1024], got[1024], text[1024];
	struct str s = { in, n };
	struct json_object *j;
	size_t len = capture(put_json, &s, out, sizeof(out)), dlen;

	esc_text(text, sizeof(text), in, n);
	if (want_json && strcmp(out, want_json))
		fail_msg("JSON of '%s': want %s, got %s", text, want_json, out);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)out[i] < 0x20)
			fail_msg("JSON of '%s': raw byte 0x%02x at %zu", text,
				 (unsigned char)out[i], i);
	if (!json_string_strict(out, len, got, &dlen))
		fail_msg("JSON of '%s': not a strict JSON string: %s", text, out);
	assert_int_equal(dlen, strlen(text));
	assert_memory_equal(got, text, dlen);
	j = json_tokener_parse(out);
	assert_non_null(j);
	assert_string_equal(json_object_get_string(j), text);
	json_object_put(j);
}

static void json_is_the_escaped_text(void **state)
{
	char in[64];
	size_t i, pre;
	int c;

	for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++)
		json_check(json_cases[i].in, json_cases[i].n, json_cases[i].want);
	for (i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++)
		json_check(esc_cases[i].in, esc_cases[i].n, NULL);
	/* every byte, behind 0 to 17 plain bytes (the 8-byte scan) and before 9 more */
	for (c = 0; c < 256; c++) {
		for (pre = 0; pre < 18; pre++) {
			memset(in, 'p', sizeof(in));
			in[pre] = c;
			json_check(in, pre + 10, NULL);
		}
	}
}

static void put_text(struct obuf *b, const void *arg)
{
	const struct str *s = arg;

	obuf__text(b, s->s, s->n);
}

/*
 * The output buffer's escaping is esc_text's, whatever plain run precedes the first byte to
 * escape: runs are scanned 8 bytes at a time, so every case goes in behind 0 to 17 plain bytes.
 */
static void obuf_text_is_esc_text(void **state)
{
	char in[256], out[1024], want[1024];
	size_t i, pre;

	for (i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		for (pre = 0; pre < 18; pre++) {
			struct str s = { in, pre + esc_cases[i].n };

			memset(in, 'p', pre);
			memcpy(in + pre, esc_cases[i].in, esc_cases[i].n);
			esc_text(want, sizeof(want), s.s, s.n);
			capture(put_text, &s, out, sizeof(out));
			assert_string_equal(out, want);
		}
	}
}

/* What a writer leaves in the buffer, read in place (nothing reaches the fd below 64 KiB). */
static size_t in_buf(void (*fn)(struct obuf *, const void *), const void *arg, char *out)
{
	obuf__init(&o, -1);
	fn(&o, arg);
	assert_false(o.broken);
	memcpy(out, o.buf, o.len);
	out[o.len] = '\0';
	return o.len;
}

static void put_json_slow(struct obuf *b, const void *arg)
{
	const struct str *s = arg;

	obuf__json_slow(b, s->s, s->n, 0);
}

/*
 * The inline fast paths check and copy whole words (the last one overlapping, below 8 bytes two
 * overlapping halves): every byte at every place of every length up to three words comes out as
 * escape.c's byte-by-byte escaping has it.
 */
static void every_byte_at_every_place(void **state)
{
	char in[24], out[256], want[256];
	size_t n, at;
	int c;

	for (n = 0; n <= sizeof(in); n++) {
		for (at = 0; at < (n ? n : 1); at++) {
			for (c = 0; c < 256; c++) {
				struct str s = { in, n };

				memset(in, 'p', sizeof(in));
				if (n)
					in[at] = c;
				esc_text(want, sizeof(want), in, n);
				in_buf(put_text, &s, out);
				if (strcmp(out, want))
					fail_msg("text of 0x%02x at %zu of %zu: %s, want %s",
						 c, at, n, out, want);
				in_buf(put_json_slow, &s, want);
				in_buf(put_json, &s, out);
				if (strcmp(out, want))
					fail_msg("JSON of 0x%02x at %zu of %zu: %s, want %s",
						 c, at, n, out, want);
			}
		}
	}
}

static void put_at_end(struct obuf *b, const void *arg)
{
	const size_t *fill = arg;
	static char x[sizeof(b->buf)];

	memset(x, 'x', sizeof(x));
	obuf__write(b, x, *fill);
	obuf__json_str(b, "abcdefghij\"k", 12);
	obuf__text(b, "lmnopqrstu\\v", 12);
	obuf__json_str(b, "wxyz", 4);
	obuf__text(b, "0123", 4);
}

/* Strings that meet the end of the buffer: whole, across the write that makes room. */
static void strings_at_the_buffers_end(void **state)
{
	static char out[sizeof(o.buf) + 256];
	const char *want = "\"abcdefghij\\\"k\"lmnopqrstu\\\\v\"wxyz\"0123";
	size_t fill, n;

	for (fill = sizeof(o.buf) - 40; fill <= sizeof(o.buf); fill++) {
		n = capture(put_at_end, &fill, out, sizeof(out));
		assert_int_equal(n, fill + strlen(want));
		assert_string_equal(out + fill, want);
	}
}

/* A table cell: cut and padded by columns, escapes counted as what they show. */
static void cells(void **state)
{
	char out[64];

	esc_col(out, sizeof(out), "ab", 2, 4, 0);
	assert_string_equal(out, "ab  ");
	esc_col(out, sizeof(out), "a\nbcdef", 7, 4, 4);
	assert_string_equal(out, "a\\x0");
	esc_col(out, sizeof(out), "\xc3\xa9t\xc3\xa9", 5, 4, 0);
	assert_string_equal(out, "\xc3\xa9t\xc3\xa9 ");
}

static void put_nums(struct obuf *b, const void *arg)
{
	obuf__u64(b, 0);
	obuf__putc(b, ' ');
	obuf__u64(b, 18446744073709551615ULL);
	obuf__putc(b, ' ');
	obuf__s64(b, -9223372036854775807LL - 1);
	obuf__putc(b, ' ');
	obuf__u64(b, 1000000);
	obuf__putc(b, ' ');
	obuf__hex(b, 0xdeadbeef);
}

static void numbers(void **state)
{
	char out[128], fixed[10] = "";

	capture(put_nums, NULL, out, sizeof(out));
	assert_string_equal(out, "0 18446744073709551615 -9223372036854775808 1000000 0xdeadbeef");
	fmt_fixed(fixed, 42, 9);
	assert_memory_equal(fixed, "000000042", 9);
}

static void put_edges(struct obuf *b, const void *arg)
{
	uint64_t p = 1;
	int i;

	for (i = 0; i < 20; i++, p *= 10) {
		obuf__u64(b, p - 1);
		obuf__putc(b, ' ');
		obuf__u64(b, p);
		obuf__putc(b, ' ');
		obuf__u64(b, p + 1);
		obuf__putc(b, ' ');
		obuf__s64(b, -(int64_t)(p / 2) - 1);
		obuf__putc(b, ' ');
	}
}

/* Every length a number has, at its edges (the digit count comes first, then the digits). */
static void number_lengths(void **state)
{
	char out[2048], want[2048];
	uint64_t p = 1;
	size_t n = 0;
	int i;

	for (i = 0; i < 20; i++, p *= 10)
		n += snprintf(want + n, sizeof(want) - n, "%llu %llu %llu %lld ",
			      (unsigned long long)(p - 1), (unsigned long long)p,
			      (unsigned long long)(p + 1), -(long long)(p / 2) - 1);
	in_buf(put_edges, NULL, out);
	assert_string_equal(out, want);
}

/* A fixed sbuf cuts a number at its end, as any other text. */
static void sbuf_number_cut(void **state)
{
	char mem[5];
	struct sbuf b;

	sbuf__init(&b, mem, sizeof(mem));
	sbuf__putc(&b, 'x');
	sbuf__u64(&b, 123456);
	assert_string_equal(mem, "x123");
	sbuf__init(&b, mem, sizeof(mem));
	sbuf__s64(&b, -98765);
	assert_string_equal(mem, "-987");
	sbuf__init(&b, mem, sizeof(mem));
	sbuf__u64(&b, 1234);
	assert_string_equal(mem, "1234");
}

/* sbuf's numbers are obuf's (fmt.c), at the widest values each format has. */
static void sbuf_numbers(void **state)
{
	char mem[128];
	struct sbuf b;

	sbuf__init(&b, mem, sizeof(mem));
	sbuf__u64(&b, 18446744073709551615ULL);
	sbuf__putc(&b, ' ');
	sbuf__s64(&b, -9223372036854775807LL - 1);
	sbuf__putc(&b, ' ');
	sbuf__s64(&b, 7);
	sbuf__putc(&b, ' ');
	sbuf__hex(&b, 0);
	sbuf__putc(&b, ' ');
	sbuf__hex(&b, ~0ULL);
	sbuf__putc(&b, ' ');
	sbuf__oct(&b, 0);
	sbuf__putc(&b, ' ');
	sbuf__oct(&b, 0755);
	sbuf__putc(&b, ' ');
	sbuf__oct(&b, ~0ULL);
	assert_string_equal(mem, "18446744073709551615 -9223372036854775808 7 0x0 "
			    "0xffffffffffffffff 00 0755 01777777777777777777777");
}

static void put_big(struct obuf *b, const void *arg)
{
	static char chunk[1000];
	int i;

	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < 200; i++)
		obuf__write(b, chunk, sizeof(chunk));
}

/* More than the buffer holds leaves in several writes, nothing lost. */
static void larger_than_buffer(void **state)
{
	static char out[300000];

	assert_int_equal(capture(put_big, NULL, out, sizeof(out)), 200000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_escaping),
		cmocka_unit_test(text_escaping_cut),
		cmocka_unit_test(obuf_text_is_esc_text),
		cmocka_unit_test(strict_json_checker),
		cmocka_unit_test(json_is_the_escaped_text),
		cmocka_unit_test(every_byte_at_every_place),
		cmocka_unit_test(strings_at_the_buffers_end),
		cmocka_unit_test(cells),
		cmocka_unit_test(numbers),
		cmocka_unit_test(number_lengths),
		cmocka_unit_test(sbuf_numbers),
		cmocka_unit_test(sbuf_number_cut),
		cmocka_unit_test(larger_than_buffer),
	};

	return cmocka_run_group_tests_name("obuf", tests, NULL, NULL);
}
