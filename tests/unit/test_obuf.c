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

/* JSON strings are the escaped text: strict UTF-8, and a JSON parser gets that text back. */
static void json_is_the_escaped_text(void **state)
{
	char out[512], want[256];
	size_t i;

	for (i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		struct str in = { esc_cases[i].in, esc_cases[i].n };
		struct json_object *j;
		size_t n = capture(put_json, &in, out, sizeof(out));

		assert_true(valid_utf8((unsigned char *)out, n));
		j = json_tokener_parse(out);
		assert_non_null(j);
		esc_text(want, sizeof(want), in.s, in.n);
		assert_string_equal(json_object_get_string(j), want);
		json_object_put(j);
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
		cmocka_unit_test(json_is_the_escaped_text),
		cmocka_unit_test(cells),
		cmocka_unit_test(numbers),
		cmocka_unit_test(sbuf_numbers),
		cmocka_unit_test(larger_than_buffer),
	};

	return cmocka_run_group_tests_name("obuf", tests, NULL, NULL);
}
