// SPDX-License-Identifier: GPL-2.0
/* The output buffer: numbers, and JSON strings that a real JSON parser reads back exactly. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
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

static void put_json(struct obuf *b, const void *arg)
{
	const struct str *s = arg;

	obuf__json_str(b, s->s, s->n);
}

static void json_round_trip(void **state)
{
	static const struct str cases[] = {
		{ "plain", 5 },
		{ "quote\" backslash\\ slash/", 25 },
		{ "tab\tnl\ncr\r", 10 },
		{ "nul\0inside", 10 },
		{ "ctl\x01\x1f\x7f", 6 },
		{ "utf8 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 14 },
	};
	char out[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *j;

		capture(put_json, &cases[i], out, sizeof(out));
		j = json_tokener_parse(out);
		assert_non_null(j);
		assert_int_equal(json_object_get_string_len(j), cases[i].n);
		assert_memory_equal(json_object_get_string(j), cases[i].s, cases[i].n);
		json_object_put(j);
	}
}

static void invalid_utf8_is_escaped(void **state)
{
	static const struct str bad = { "a\xff\xc3(", 4 };
	char out[64];

	capture(put_json, &bad, out, sizeof(out));
	assert_string_equal(out, "\"a\\u00ff\\u00c3(\"");
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
		cmocka_unit_test(json_round_trip),
		cmocka_unit_test(invalid_utf8_is_escaped),
		cmocka_unit_test(numbers),
		cmocka_unit_test(larger_than_buffer),
	};

	return cmocka_run_group_tests_name("obuf", tests, NULL, NULL);
}
