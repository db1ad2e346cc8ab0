// SPDX-License-Identifier: GPL-2.0
/*
 * The chisels' parsers (issue 15): memcachelog's, sysdig's reading of a memcached text command
 * (first word starting get or set, key, a set's <bytes>), on the first line only, where hostile
 * buffers (no line end, NULs, huge numbers, every byte value, every length) read nothing past
 * their end; shellshock_detect's pattern "() {"; iobytes' seconds, a crafted gap crossed at once.
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

#include <unistd.h>

#include "scry/chisel.h"
#include "scry/decode.h"
#include "scry/sink.h"

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

/*
 * iobytes: a line per second with the bytes of each, in and out; a gap of 30 years (a crafted
 * capture's time) costs an hour of lines at most, not a line per second of it.
 */
static void iobytes_seconds(void **state)
{
	struct scry_event ev = { .type = SCRY_REC_SYS_EXIT };
	struct chisel_ctx c = { .fd = -1 };
	struct run_ctx rc = { };
	char path[] = "/tmp/test_iobytes.XXXXXX", line[128];
	unsigned int lines = 0, in, out, tot, sum_in = 0, sum_out = 0;
	FILE *f;
	void *s;

	(void)state;
	c.fd = mkstemp(path);
	assert_true(c.fd >= 0);
	unlink(path);
	s = iobytes__new(&c, &rc);
	assert_non_null(s);
	ev.nr = syscall_lookup("read");
	ev.ts = 5000000000ULL;		/* the wall clock's offset is 0: 5 s into a second */
	ev.res = 100;
	assert_int_equal(iobytes_ops.event(s, &ev, true), 0);
	ev.ts += 2500000000ULL;		/* 7.5 s: the next second but one */
	ev.nr = syscall_lookup("write");
	ev.res = 7;
	assert_int_equal(iobytes_ops.event(s, &ev, true), 0);
	ev.ts += 30ULL * 365 * 86400 * 1000000000ULL;
	ev.res = 1;
	assert_int_equal(iobytes_ops.event(s, &ev, true), 0);
	assert_int_equal(iobytes_ops.finish(s), 0);
	iobytes_ops.free(s);
	lseek(c.fd, 0, SEEK_SET);
	f = fdopen(c.fd, "r");
	while (fgets(line, sizeof(line), f)) {
		assert_int_equal(sscanf(line, "%*2d:%*2d:%*2d in:%u out:%u tot:%u", &in, &out, &tot),
				 3);
		assert_int_equal(in + out, tot);
		if (lines == 0)
			assert_int_equal(in, 100);	/* the first second's */
		if (lines == 1)
			assert_int_equal(tot, 0);	/* 6 s: nothing */
		if (lines == 2)
			assert_int_equal(out, 7);
		sum_in += in;
		sum_out += out;
		lines++;
	}
	fclose(f);
	assert_int_equal(sum_in, 100);
	assert_int_equal(sum_out, 8);
	assert_true(lines > 3 && lines <= 3600 + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(hostile),
		cmocka_unit_test(shellshock),
		cmocka_unit_test(iobytes_seconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
