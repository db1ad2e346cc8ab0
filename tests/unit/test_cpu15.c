// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 15's thread.cpu seconds (src/state/cpushare.c) and the capture's CGROUPS item
 * (src/capture/items.c): figures the tests know by construction.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/capture/internal.h"
#include "scry/state.h"

#define S 1000000000ull
#define MS 1000000ull

static void add(struct scry_thread *t, uint64_t ts, uint64_t run, uint32_t ut, uint32_t st)
{
	struct scry_sched_acct a = { .utime_ns = ut, .stime_ns = st };

	cpushare__add(t, ts, run, &a);
}

/* A second's runtime and tick split: 600 ms of which 3 ticks user, 1 system: 45 + 15. */
static void share_of_the_second_before(void **state)
{
	struct scry_thread t = { 0 };
	unsigned int p[3];

	add(&t, 10 * S + 100 * MS, 300 * MS, 8 * MS, 0);
	add(&t, 10 * S + 900 * MS, 300 * MS, 4 * MS, 4 * MS);
	/* still inside second 10: the second before (9) shows 0, it did not run then */
	assert_true(cpushare__get(&t, 10 * S + 950 * MS, 5 * S, p));
	assert_int_equal(p[0], 0);
	add(&t, 11 * S + 10 * MS, 10 * MS, 0, 0);
	assert_true(cpushare__get(&t, 11 * S + 20 * MS, 5 * S, p));
	assert_int_equal(p[0], 60);
	assert_int_equal(p[1], 45);
	assert_int_equal(p[2], 15);
	/* two seconds on, with no record in second 11 but the one at its start: 1 % */
	assert_true(cpushare__get(&t, 12 * S, 5 * S, p));
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 1);	/* no tick saw it: user, as cputime_adjust() says */
	assert_int_equal(p[2], 0);
	/* later still: it did not run in the second before */
	assert_true(cpushare__get(&t, 20 * S, 5 * S, p));
	assert_int_equal(p[0], 0);
}

/* None until the table saw a whole second: its first record must come before that second. */
static void only_whole_seconds(void **state)
{
	struct scry_thread t = { 0 };
	unsigned int p[3];

	add(&t, 7 * S + 500 * MS, 400 * MS, 0, 4 * MS);
	assert_false(cpushare__get(&t, 8 * S + 1, 7 * S + 500 * MS, p));
	assert_false(cpushare__get(&t, 8 * S + 1, 0, p));
	assert_true(cpushare__get(&t, 8 * S + 1, 6 * S + 999 * MS, p));
	assert_int_equal(p[0], 40);
	assert_int_equal(p[2], 40);
}

/* Charges that spill past a second (a slice charged at its end) are capped at 100 %. */
static void capped_at_100(void **state)
{
	struct scry_thread t = { 0 };
	unsigned int p[3];

	add(&t, 3 * S + 10 * MS, 1010 * MS, 100 * MS, 0);
	assert_true(cpushare__get(&t, 4 * S, 1, p));
	assert_int_equal(p[0], 100);
	assert_int_equal(p[1], 100);
	assert_int_equal(p[2], 0);
}

/* An item back as it went; damage: a NUL in the text, pid 0, a length past the item. */
static void cgroups_item(void **state)
{
	static const char text[] = "4:memory:/docker/abc\n0:hugetlb:/\n";
	struct cap_buf b = { 0 };
	struct cap_cgtext c;
	const uint8_t *body;
	size_t blen;
	uint8_t tag;
	int span;

	cap_put_cgtext(&b, 4242, UINT64_MAX, text, sizeof(text) - 1);
	assert_int_equal(b.err, 0);
	span = cap_item_span(b.p, b.len, &tag, &body, &blen);
	assert_int_equal(span, (int)b.len);
	assert_int_equal(tag, CAP_TAG_CGROUPS);
	assert_int_equal(cap_get_cgtext(body, blen, &c), 0);
	assert_int_equal(c.pid, 4242);
	assert_true(c.cgid == UINT64_MAX);
	assert_int_equal(c.len, sizeof(text) - 1);
	assert_memory_equal(c.text, text, c.len);
	assert_int_equal(cap_get_cgtext(body, blen - 1, &c), -EBADMSG);
	((uint8_t *)body)[blen - 3] = '\0';
	assert_int_equal(cap_get_cgtext(body, blen, &c), -EBADMSG);
	b.len = 0;
	cap_put_cgtext(&b, 0, 1, "x", 1);
	cap_item_span(b.p, b.len, &tag, &body, &blen);
	assert_int_equal(cap_get_cgtext(body, blen, &c), -EBADMSG);
	free(b.p);
}

/* A replay's table: the first text of a (pid, cgid) wins; limits say which one was hit. */
static void replay_texts(void **state)
{
	struct scry_proc p = { 0 };

	cgtext__reset();
	assert_int_equal(cgtext__add(5, 9, "1:cpu:/a\n", 9, 2, 100), 0);
	assert_int_equal(cgtext__add(5, 9, "1:cpu:/b\n", 9, 2, 100), 0);
	assert_int_equal(cgtext__add(5, 10, "1:cpu:/c\n", 9, 2, 100), 0);
	assert_int_equal(cgtext__add(6, 9, "1:cpu:/d\n", 9, 2, 100), -ENOSPC);
	cgtext__reset();
	assert_int_equal(cgtext__add(6, 9, "1:cpu:/d\n", 9, 2, 8), -EDQUOT);
	assert_int_equal(cgtext__add(5, 9, "1:cpu:/a\n", 9, 2, 100), 0);
	assert_int_equal(cgtext__add(5, 10, "1:cpu:/c\n", 9, 2, 100), 0);
	/* a table with no procfs is a replay's: it answers from the items */
	assert_string_equal(cgtext__of(&p, 5, 5, 9), "1:cpu:/a\n");
	assert_string_equal(cgtext__of(&p, 5, 7, 10), "1:cpu:/c\n");
	assert_null(cgtext__of(&p, 6, 6, 9));
	cgtext__reset();
	/*
	 * A crafted file's pairs that share one key (cgid chosen per pid to cancel the pid's bits:
	 * the key is pid << 32 ^ cgid * K): a few are kept, the rest refused as over a limit, so
	 * the load stays linear instead of walking one chain per item.
	 */
	{
		const uint64_t K = 0x9e3779b97f4a7c15ull, Kinv = 0xf1de83e19937733dull;
		int kept = 0, refused = 0;

		assert_true(K * Kinv == 1);
		for (uint32_t pid = 1; pid <= 1000; pid++) {
			uint64_t cgid = ((uint64_t)pid << 32) * Kinv;	/* key: 0 | 1 for all */
			int err = cgtext__add(pid, cgid, "1:cpu:/x\n", 9, 1u << 20, 1u << 30);

			kept += err == 0;
			refused += err == -ENOSPC;
		}
		assert_int_equal(kept, 4);
		assert_int_equal(refused, 996);
		cgtext__reset();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(share_of_the_second_before),
		cmocka_unit_test(only_whole_seconds),
		cmocka_unit_test(capped_at_100),
		cmocka_unit_test(cgroups_item),
		cmocka_unit_test(replay_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
