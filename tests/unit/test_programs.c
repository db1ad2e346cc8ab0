// SPDX-License-Identifier: GPL-2.0
/*
 * The program table (src/probe/programs.c) against the BPF object the build made: every program
 * described, every description a program, attach points and contexts that agree, and every
 * record type emitted by someone. Needs no privileges: the object is opened, not loaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "scry.skel.h"
#include "scry/decode.h"
#include "scry/event.h"
#include "../../src/probe/internal.h"

static void every_program_is_described(void **state)
{
	struct scry_bpf *skel = scry_bpf__open();
	struct bpf_program *prog;
	size_t n = 0;

	assert_non_null(skel);
	bpf_object__for_each_program(prog, skel->obj) {
		const char *name = bpf_program__name(prog), *sec = bpf_program__section_name(prog);
		const struct prog_desc *d = prog_lookup(name);
		char want[128];

		if (!d)
			fail_msg("BPF program %s is not in src/probe/programs.c", name);
		n++;
		if (d->ctx == PCTX_TICK) {
			assert_int_equal(bpf_program__type(prog), BPF_PROG_TYPE_PERF_EVENT);
			assert_null(d->tp);
		} else {
			assert_non_null(d->tp);
			snprintf(want, sizeof(want), "tp_btf/%s", d->tp);
			if (strcmp(sec, want))
				fail_msg("%s: attaches to %s, the table says %s", name, sec, want);
		}
	}
	assert_int_equal(n, prog_count);
	scry_bpf__destroy(skel);
}

static void contexts_own_their_slots(void **state)
{
	uint32_t emitted = 0;
	size_t i;
	int t;

	for (i = 0; i < prog_count; i++) {
		const struct prog_desc *d = &prog_table[i];

		assert_true(d->stats_slot < SCRY_STATS__MAX);
		assert_true(d->emits || d->control || d->feeds);
		/* A program that only keeps state feeds one that emits, loaded with it. */
		if (d->feeds) {
			const struct prog_desc *f = prog_lookup(d->feeds);

			assert_non_null(f);
			assert_true(f->emits && f->block == d->block && f->ctx == d->ctx);
		}
		assert_int_equal(d->emits & ~(PROG_EMITS(SCRY_REC__MAX) - 1), 0);
		assert_int_equal(d->emits & PROG_EMITS(SCRY_REC_NONE), 0);
		/* A context that can interrupt another never shares its slot. */
		if (d->ctx == PCTX_TICK)
			assert_int_equal(d->stats_slot, SCRY_STATS_TICK);
		else if (d->ctx == PCTX_SOFTIRQ)
			assert_true(d->stats_slot != SCRY_STATS_TP && d->stats_slot != SCRY_STATS_TICK);
		else
			assert_int_equal(d->stats_slot, d->emits ? SCRY_STATS_TP : SCRY_STATS_CTL);
		emitted |= d->emits;
	}
	/*
	 * A record type nothing emits is dead weight in every consumer. The seed is made by
	 * userspace once at start, from the iterator's own object (src/probe/sockiter.c).
	 */
	emitted |= PROG_EMITS(SCRY_REC_SOCK_SEED);
	emitted |= PROG_EMITS(SCRY_REC_FD_SEED);	/* userspace's, from /proc (fdseed.c) */
	/* issue 18: userspace's, from the kernel's events (container/lifecycle.c) */
	emitted |= PROG_EMITS(SCRY_REC_CONTAINER);
	for (t = 1; t < SCRY_REC__MAX; t++)
		if (evt_table[t].name && !(emitted & PROG_EMITS(t)))
			fail_msg("no program emits record type %d (%s)", t, evt_table[t].name);
}

/* The event table is complete: sizes, categories, and a formatter where an event says something. */
static void event_table_is_complete(void **state)
{
	int t;

	for (t = 1; t < SCRY_REC__MAX; t++) {
		const struct evt_desc *d = &evt_table[t];

		if (!d->min_size && !d->info)
			continue;	/* a gap: another part's number, not in this tree */
		assert_non_null(d->name);
		assert_true(d->min_size >= sizeof(struct scry_hdr));
		assert_true(d->category < EVC__MAX);
		assert_int_equal(d->hidden, !!(d->flags & EVF_HIDDEN));
		if (!(d->flags & EVF_SYSCALL))
			assert_non_null(d->info);
		if (d->fields & EVP_RUNTIME)
			assert_true(d->flags & EVF_CPU);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_program_is_described),
		cmocka_unit_test(contexts_own_their_slots),
		cmocka_unit_test(event_table_is_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
