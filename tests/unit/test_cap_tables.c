// SPDX-License-Identifier: GPL-2.0
/*
 * What the capture writer remembers of cgroups and containers: bounded however many cgroups a
 * recording meets (the host's are not remembered at all), and still every file of a recording
 * describes the container of every cgroup its records reference, so that each replays alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/capture/internal.h"
#include "../../src/capture/tables.h"
#include "scry/capture.h"
#include "scry/container.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"
#include "testlib.h"

#define ID_A "aaaaaaaaaaaa0000000000000000000000000000000000000000000000000001"
#define BOUND (65536 + 16)	/* tables.c's CGIDS_MAX, and a few containers */


/* The cgroups listed by the container items in `b`, marked in `seen` (indexed by cgid). */
static uint32_t mark_items(const struct cap_buf *b, uint8_t *seen, uint64_t max)
{
	size_t off = 0;
	uint32_t items = 0;

	while (off < b->len) {
		const uint8_t *body;
		size_t body_len, pos = 0;
		struct cap_ctr c;
		uint64_t cgid;
		uint8_t tag;
		int span = cap_item_span(b->p + off, b->len - off, &tag, &body, &body_len);

		assert_true(span > 0);
		off += span;
		if (tag != CAP_TAG_CONTAINER)
			continue;
		assert_int_equal(cap_get_ctr(body, body_len, &c), 0);
		assert_string_equal(c.id, ID_A);
		while (cap_ctr_next_cgid(&c, &pos, &cgid))
			if (cgid < max)
				seen[cgid] = 1;
		ctr_meta__free(&c.meta);
		items++;
	}
	return items;
}

/*
 * 200000 host cgroups and 200000 of one container: the tables stay under their bound (the old
 * writer kept an entry for each, 400000), and yet, after a snapshot, every cgroup met again is
 * described by the new file: listed in the snapshot or in an item written when it is met.
 */
static void bounded_and_complete(void **state)
{
	const uint64_t n = 200000;
	struct containers_opts co = {};
	struct containers *ct = containers__new(&co, false);
	struct cap_tables *t = cap_tables__new(NULL, ct);
	struct scry_container *a = containers__add(ct, 1, ID_A, CTR_DOCKER, NULL);
	uint8_t *seen = calloc(n + 1, 1);
	struct cap_buf meta, snap = {};
	size_t most = 0;
	uint64_t cgid;

	assert_non_null(t);
	assert_non_null(a);
	for (cgid = 1; cgid <= n; cgid++) {
		cap_tables__see_slow(t, 1000000 + cgid, NULL);	/* the host */
		if (cgid % 1000 == 0 && cap_tables__entries(t) > most)
			most = cap_tables__entries(t);
	}
	assert_int_equal(cap_tables__entries(t), 0);
	for (cgid = 1; cgid <= n; cgid++) {
		cap_tables__see_slow(t, cgid, a);
		if (cap_tables__entries(t) > most)
			most = cap_tables__entries(t);
	}
	print_message("most entries: %zu for %llu cgroups met\n", most, (unsigned long long)(2 * n));
	assert_true(most <= BOUND);
	/* The first file: each cgroup described the first time it was met. */
	assert_int_equal(cap_tables__take_meta(t, &meta), n);
	mark_items(&meta, seen, n + 1);
	for (cgid = 1; cgid <= n; cgid++)
		assert_int_equal(seen[cgid], 1);
	cap_buf__free(&meta);

	/* A new file: its snapshot and the items written as cgroups are met again cover them all. */
	memset(seen, 0, n + 1);
	cap_tables__snapshot(t, &snap, NULL);
	mark_items(&snap, seen, n + 1);
	for (cgid = 1; cgid <= n; cgid++) {
		cap_tables__see_slow(t, cgid, a);
		assert_true(cap_tables__entries(t) <= BOUND);
	}
	cap_tables__take_meta(t, &meta);
	mark_items(&meta, seen, n + 1);
	for (cgid = 1; cgid <= n; cgid++)
		if (!seen[cgid])
			fail_msg("cgroup %llu is not described in the second file",
				 (unsigned long long)cgid);
	cap_buf__free(&meta);
	cap_buf__free(&snap);
	cap_tables__free(t);
	containers__free(ct);
	free(seen);
}

/* A cgroup that moves to the host is forgotten; back in the container, it is described again. */
static void host_again(void **state)
{
	struct containers_opts co = {};
	struct containers *ct = containers__new(&co, false);
	struct cap_tables *t = cap_tables__new(NULL, ct);
	struct scry_container *a = containers__add(ct, 1, ID_A, CTR_DOCKER, NULL);
	struct cap_buf meta;

	cap_tables__see_slow(t, 7, a);
	cap_tables__see_slow(t, 7, a);
	assert_int_equal(cap_tables__take_meta(t, &meta), 1);
	cap_buf__free(&meta);
	cap_tables__see_slow(t, 7, NULL);
	assert_int_equal(cap_tables__entries(t), 1);	/* the container's entry alone */
	cap_tables__see_slow(t, 7, a);
	assert_int_equal(cap_tables__take_meta(t, &meta), 1);
	cap_buf__free(&meta);
	cap_tables__free(t);
	containers__free(ct);
}

/*
 * Through the writer: a recording whose records come from 70000 cgroups of one container, twice
 * over, rotated into several files. Each file alone maps every cgroup its records carry to the
 * container.
 */
static void every_file_alone(void **state)
{
	const uint32_t ncg = 70000;
	char base[128], name[160];
	/*
	 * Room in flight for the whole recording (about 250 blocks): a loaded machine's writer
	 * thread may fall behind, and what this test checks is the files' tables, not pacing.
	 */
	struct capture_writer_opts o = { .level = 1, .block_bytes = 4096, .rotate_bytes = 100000,
					 .pool_blocks = 1024 };
	struct containers_opts co = {};
	struct pipeline *pl;
	struct proctab *procs;
	struct containers *ctrs;
	struct capture_writer *w;
	struct capture_stats st;
	struct scry_proc tmpl = { .pid = 100, .ppid = 1, .vpid = 100, .start_ts = 1 };
	uint64_t ts = 1000000000ULL;
	unsigned int f;
	uint32_t i;

	snprintf(base, sizeof(base), "%s/alone", test_dir);
	o.path = base;
	procs = proctab__new(NULL);
	ctrs = containers__new(&co, false);
	for (i = 1; i <= ncg; i++)
		assert_non_null(containers__add(ctrs, 5000 + i, ID_A, CTR_DOCKER, NULL));
	snprintf(tmpl.comm, sizeof(tmpl.comm), "app");
	proctab__add_thread(procs, 100, 100, tmpl.comm,
			    proctab__add_proc(procs, &tmpl, "/app", "app", 3));
	pl = pipeline__new(procs, ctrs);
	pipeline__begin(pl, ts, 0, false);
	w = capture_writer__new(&o, pipeline__ctx(pl));
	assert_non_null(w);
	assert_int_equal(pipeline__add_sink(pl, &capture_sink_ops, w), 0);
	for (i = 0; i < 2 * ncg; i++) {
		static union scry_rec rec;
		union scry_rec *x = &rec;

		memset(x, 0, SCRY_SYS_EXIT_SHORT);

		x->h.type = SCRY_REC_SYS_EXIT;
		x->h.size = SCRY_SYS_EXIT_SHORT;
		x->h.pid = x->h.tid = 100;
		x->h.ts = ts += 1000;
		x->h.cgid = 5000 + 1 + i % ncg;
		memcpy(x->h.comm, "app", 3);
		x->exit.nr = 110;
		assert_int_equal(pipeline__record(pl, x, SCRY_SYS_EXIT_SHORT), 0);
		if (i % 500 == 0) {
			pipeline__tick(pl);
			usleep(100);	/* time for the writer thread: no drops */
		}
	}
	assert_int_equal(pipeline__finish(pl), 0);
	assert_int_equal(capture_writer__close(w), 0);
	capture_writer__stats(w, &st);
	assert_int_equal(st.dropped_records, 0);
	assert_true(st.files >= 3);
	print_message("%u files\n", st.files);
	pipeline__free(pl);
	proctab__free(procs);
	containers__free(ctrs);

	for (f = 0; f < st.files; f++) {
		const char *paths[] = { name };
		struct containers *ct = containers__new(&co, false);
		struct proctab *pt = proctab__new(NULL);
		struct capture_reader *rd;
		const void *rec;
		uint32_t size;
		uint64_t n = 0;
		int rc;

		snprintf(name, sizeof(name), "%s%u", base, f);
		rd = capture_reader__open(paths, 1);
		assert_non_null(rd);
		assert_int_equal(capture_reader__load(rd, pt, ct), 0);
		while ((rc = capture_reader__next(rd, &rec, &size)) > 0) {
			const struct scry_hdr *h = rec;
			struct scry_container *c = containers__of_cgroup(ct, h->cgid, h->ts);

			if (!c || strcmp(c->id, ID_A))
				fail_msg("%s: cgroup %llu is not the container's", name,
					 (unsigned long long)h->cgid);
			n++;
		}
		assert_int_equal(rc, 0);
		assert_true(n > 0);
		capture_reader__free(rd);
		proctab__free(pt);
		containers__free(ct);
	}
}

static int setup(void **state)
{
	return test_dir_make("tables");
}

static int teardown(void **state)
{
	return test_dir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bounded_and_complete),
		cmocka_unit_test(host_again),
		cmocka_unit_test(every_file_alone),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
