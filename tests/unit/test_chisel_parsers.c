// SPDX-License-Identifier: GPL-2.0
/*
 * The chisels' parsers (issue 15): memcachelog's, sysdig's reading of a memcached text command
 * (first word starting get or set, key, a set's <bytes>), on the first line only, where hostile
 * buffers (no line end, NULs, huge numbers, every byte value, every length) read nothing past
 * their end; shellshock_detect's pattern "() {".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scry/chisel.h"

struct mc_case {
	const char *in;
	int rc;
	const char *method, *key;
	uint64_t size;
};

static const struct mc_case cases[] = {
	{ "get foo\r\n", 0, "get", "foo", 0 },
	{ "set foo 0 0 5\r\nhello\r\n", 0, "set", "foo", 5 },
	{ "set foo 1 300 123456\r\n", 0, "set", "foo", 123456 },
	{ "gets a b c\r\n", 0, "gets", "a", 0 },
	{ "get k", 0, "get", "k", 0 },			/* no line end: the whole buffer */
	{ "get k\nset x 0 0 9\r\n", 0, "get", "k", 0 },	/* the first line only */
	{ "set k 0 0 5x\r\n", 0, "set", "k", 0 },	/* not a number: 0, as tonumber */
	{ "set k 0 0 99999999999999999999\r\n", 0, "set", "k", 0 },	/* too long: 0 */
	{ "set k 0 0\r\n", 0, "set", "k", 0 },
	{ "get  k\r\n", 0, "get", "", 0 },		/* sysdig's split: an empty key */
	{ "get\r\nfoo", -EINVAL },
	{ "get", -EINVAL },
	{ "ge foo", -EINVAL },
	{ "delete foo\r\n", -EINVAL },
	{ "VALUE foo 0 5\r\nhello\r\nEND\r\n", -EINVAL },	/* an answer */
	{ "STORED\r\n", -EINVAL },
	{ "", -EINVAL },
	{ "\r\nget k", -EINVAL },
	{ "Get k", -EINVAL },
};

static void table(void **state)
{
	struct memcache_cmd c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mc_case *t = &cases[i];
		int rc = memcache_parse((const uint8_t *)t->in, strlen(t->in), &c);

		if (rc != t->rc)
			fail_msg("'%s': %d, not %d", t->in, rc, t->rc);
		if (rc)
			continue;
		if (c.method_len != strlen(t->method) || memcmp(c.method, t->method, c.method_len) ||
		    c.key_len != strlen(t->key) || memcmp(c.key, t->key, c.key_len) ||
		    c.size != t->size)
			fail_msg("'%s': %.*s %.*s %llu", t->in, (int)c.method_len, c.method,
				 (int)c.key_len, c.key, (unsigned long long)c.size);
	}
}

/* Every prefix of a buffer, in a heap block of exactly that size (ASan or valgrind see a read
 * past it), and random bytes: the words stay inside the buffer. */
static void hostile(void **state)
{
	static const char *const seeds[] = {
		"set kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk 0 0 18446744073709551615",
		"set    ", "get k\r", "sett a b c 12345678901234567890123",
	};
	struct memcache_cmd c;
	unsigned int seed = 15;
	size_t s, n, k;

	(void)state;
	for (s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
		size_t len = strlen(seeds[s]);

		for (n = 0; n <= len; n++) {
			uint8_t *b = malloc(n ? n : 1);

			memcpy(b, seeds[s], n);
			if (!memcache_parse(b, n, &c)) {
				assert_true((const uint8_t *)c.key >= b &&
					    (const uint8_t *)c.key + c.key_len <= b + n);
				assert_true((const uint8_t *)c.method + c.method_len <= b + n);
			}
			free(b);
		}
	}
	/* a NUL is a byte like another: "get \0\0\0" has the key "\0\0\0" */
	assert_int_equal(memcache_parse((const uint8_t *)"get \0\0\0 x", 10, &c), 0);
	assert_int_equal(c.key_len, 3);
	for (k = 0; k < 20000; k++) {
		uint8_t b[64];

		n = rand_r(&seed) % sizeof(b);
		for (s = 0; s < n; s++)
			b[s] = s < 4 ? "set "[s] : rand_r(&seed) % 4 ? ' ' + rand_r(&seed) % 20 :
			       rand_r(&seed) & 0xff;
		if (!memcache_parse(b, n, &c))
			assert_true((const uint8_t *)c.key + c.key_len <= b + n);
	}
}

/* sysdig's "%(%) ?{.+" */
static void shellshock(void **state)
{
	static const struct { const char *s; long at; } t[] = {
		{ "() { :;}; echo x", 0 }, { "X=(){ :;}", 2 }, { "a() {b", 1 }, { "() {", -1 },
		{ "(){", -1 }, { "(){x", 0 }, { "()  { x", -1 }, { "( ) { x", -1 }, { "", -1 },
		{ "(", -1 }, { "()", -1 }, { "() ", -1 }, { "f() (x) () {y", 8 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (shellshock_find(t[i].s, strlen(t[i].s)) != t[i].at)
			fail_msg("'%s': %ld, not %ld", t[i].s, shellshock_find(t[i].s, strlen(t[i].s)),
				 t[i].at);
	/* every prefix in a block of its own size: nothing read past it */
	for (i = 0; i <= 6; i++) {
		char *b = malloc(i ? i : 1);

		memcpy(b, "() { x", i);
		assert_int_equal(shellshock_find(b, i), i >= 5 ? 0 : -1);	/* "() { " matches */
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(hostile),
		cmocka_unit_test(shellshock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
