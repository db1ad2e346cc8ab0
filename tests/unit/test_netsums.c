// SPDX-License-Identifier: GPL-2.0
/* Count mode's memory of the kernel's sums (netsums, state.h): what each read added per key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scry/event.h"
#include "scry/state.h"

static struct scry_net_key key(uint32_t tgid, uint8_t dir)
{
	struct scry_net_key k = { .cgid = 77, .tgid = tgid, .family = 2, .protocol = 17,
				  .sktype = 2, .dir = dir };

	return k;
}

static void forget(struct netsums *ns, struct scry_net_key k)
{
	netsums__forget(ns, &k);
}

static void delta(struct netsums *ns, struct scry_net_key k, uint64_t bytes, uint64_t calls,
		  uint64_t want_bytes, uint64_t want_calls)
{
	uint64_t db = ~0ULL, dc = ~0ULL;

	assert_int_equal(netsums__delta(ns, &k, bytes, calls, &db, &dc), 0);
	assert_int_equal(db, want_bytes);
	assert_int_equal(dc, want_calls);
}

/* Each read gives what the key gained since the last; keys differing in one field are apart. */
static void reads_give_what_was_added(void **state)
{
	struct netsums *ns = netsums__new();

	assert_non_null(ns);
	delta(ns, key(5, 0), 1000, 2, 1000, 2);
	delta(ns, key(5, 1), 70, 1, 70, 1);
	delta(ns, key(5, 0), 1000, 2, 0, 0);
	delta(ns, key(5, 0), 6000000000ULL, 9, 6000000000ULL - 1000, 7);
	delta(ns, key(5, 1), 71, 2, 1, 1);
	assert_int_equal(netsums__size(ns), 2);
	netsums__free(ns);
}

/* A key forgotten (its process gone, removed from the kernel's map) counts from 0 if made again. */
static void forgotten_keys_start_again(void **state)
{
	struct netsums *ns = netsums__new();

	assert_non_null(ns);
	delta(ns, key(6, 0), 500, 5, 500, 5);
	delta(ns, key(7, 0), 10, 1, 10, 1);
	forget(ns, (struct scry_net_key){ 0 });	/* unknown: nothing happens */
	forget(ns, key(6, 0));
	assert_int_equal(netsums__size(ns), 1);
	delta(ns, key(6, 0), 40, 1, 40, 1);
	delta(ns, key(7, 0), 15, 2, 5, 1);
	netsums__free(ns);
}

/* Many keys: none is confused with another, whatever their hashes do. */
static void many_keys_stay_apart(void **state)
{
	struct netsums *ns = netsums__new();
	uint32_t i;

	assert_non_null(ns);
	for (i = 0; i < 20000; i++)
		delta(ns, key(i, i & 1), i, 1, i, 1);
	for (i = 0; i < 20000; i++)
		delta(ns, key(i, i & 1), 2 * i, 3, i, 2);
	for (i = 0; i < 20000; i += 2)
		forget(ns, key(i, 0));
	assert_int_equal(netsums__size(ns), 10000);
	for (i = 1; i < 20000; i += 2)
		delta(ns, key(i, 1), 2 * i + 1, 4, 1, 1);
	netsums__free(ns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_give_what_was_added),
		cmocka_unit_test(forgotten_keys_start_again),
		cmocka_unit_test(many_keys_stay_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
