// SPDX-License-Identifier: GPL-2.0
/*
 * A container's cgroup figures: the parser on what the kernel writes and on hostile text (every
 * doubt is an absent figure, never a guess or a crash), and whole readings of cgroup2, hybrid and
 * v1 trees built in a temporary directory.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "scry/container.h"

static bool parse(const char *text, enum cgstat_how how, const char *key, const char *sub,
		  unsigned int word, uint64_t *v)
{
	return cgstat_parse(text, strlen(text), how, key, sub, word, v);
}

static void kernel_text(void **state)
{
	static const char v2_cpu[] = "usage_usec 1000\nuser_usec 600\nsystem_usec 400\n"
				     "nr_periods 50\nnr_throttled 42\nthrottled_usec 123456\n"
				     "nr_bursts 0\nburst_usec 0\n";
	static const char v1_cpu[] = "nr_periods 7\nnr_throttled 3\nthrottled_time 99000000\n";
	static const char psi[] = "some avg10=12.34 avg60=0.50 avg300=0.00 total=987654\n"
				  "full avg10=100.00 avg60=0.00 avg300=0.00 total=5\n";
	uint64_t v;

	assert_true(parse(v2_cpu, CGH_KEY, "nr_periods", NULL, 0, &v));
	assert_int_equal(v, 50);
	assert_true(parse(v2_cpu, CGH_KEY, "nr_throttled", NULL, 0, &v));
	assert_int_equal(v, 42);
	assert_true(parse(v2_cpu, CGH_KEY, "throttled_usec", NULL, 0, &v));
	assert_int_equal(v, 123456);
	assert_true(parse(v1_cpu, CGH_KEY, "throttled_time", NULL, 0, &v));
	assert_int_equal(v, 99000000);
	assert_true(parse("max 100000\n", CGH_WORD, NULL, NULL, 1, &v));
	assert_int_equal(v, 100000);
	assert_false(parse("max 100000\n", CGH_WORD, NULL, NULL, 0, &v));
	assert_true(parse("20000 100000\n", CGH_WORD, NULL, NULL, 0, &v));
	assert_int_equal(v, 20000);
	assert_true(parse("33554432\n", CGH_WORD, NULL, NULL, 0, &v));
	assert_int_equal(v, 33554432);
	assert_false(parse("-1\n", CGH_WORD, NULL, NULL, 0, &v));	/* v1: no quota */
	assert_true(parse(psi, CGH_PSI, "some", "avg10", 0, &v));
	assert_int_equal(v, 1234);
	assert_true(parse(psi, CGH_PSI, "some", "total", 0, &v));
	assert_int_equal(v, 987654);
	assert_true(parse(psi, CGH_PSI, "full", "avg10", 0, &v));
	assert_int_equal(v, 10000);
	/* a key is a whole word: inactive_file is not total_inactive_file's suffix nor prefix */
	assert_true(parse("total_inactive_file 5\ninactive_file 7\n", CGH_KEY, "inactive_file",
			  NULL, 0, &v));
	assert_int_equal(v, 7);
	assert_false(parse("inactive_file_x 7\n", CGH_KEY, "inactive_file", NULL, 0, &v));
}

static void hostile_text(void **state)
{
	static const char *const bad_key[] = {
		"", "\n", "nr_throttled", "nr_throttled ", "nr_throttled \n", "nr_throttled x\n",
		"nr_throttled 12x\n", "nr_throttled -5\n", "nr_throttled +5\n",
		"nr_throttled 18446744073709551616\n",	/* 2^64 */
		"nr_throttled 99999999999999999999999\n", "nr_throttled\t5\n",
		"nr_throttled  5\n", " nr_throttled 5\n", "NR_THROTTLED 5\n", "nr_throttle 5\n",
		"nr_throttled\x00 5\n",
	};
	static const char *const bad_psi[] = {
		"some", "some avg10=\n", "some avg10=1\n", "some avg10=1.2\n", "some avg10=1.234\n",
		"some avg10=.12\n", "some avg10=-1.00\n", "some avg10=100.01\n",
		"some avg10=1e3.00\n",
		"some avg10=18446744073709551616.00\n", "some avg60=1.00\n", "some\n avg10=1.00\n",
		"full avg10=1.00\n", "someavg10=1.00\n", "some avg10 =1.00\n", "some avg10=1,00\n",
		"some avg10=1.00x\n",
	};
	uint64_t v = 77;
	size_t i;

	for (i = 0; i < sizeof(bad_key) / sizeof(bad_key[0]); i++)
		assert_false(parse(bad_key[i], CGH_KEY, "nr_throttled", NULL, 0, &v));
	for (i = 0; i < sizeof(bad_psi) / sizeof(bad_psi[0]); i++)
		assert_false(parse(bad_psi[i], CGH_PSI, "some", "avg10", 0, &v));
	assert_int_equal(v, 77);	/* untouched on failure */
	assert_false(parse("", CGH_WORD, NULL, NULL, 0, &v));
	assert_false(parse("   \n\n", CGH_WORD, NULL, NULL, 0, &v));
	assert_false(parse("max\n", CGH_WORD, NULL, NULL, 0, &v));
	assert_false(parse("12 34\n", CGH_WORD, NULL, NULL, 2, &v));
	assert_false(parse("1.5\n", CGH_WORD, NULL, NULL, 0, &v));
	assert_false(parse("0x10\n", CGH_WORD, NULL, NULL, 0, &v));
	/* NULL or empty keys are no key */
	assert_false(parse("nr_throttled 5\n", CGH_KEY, "", NULL, 0, &v));
	assert_false(parse("some avg10=1.00\n", CGH_PSI, "some", "", 0, &v));
	/* bounded: the length is the end, even without a NUL (the value may not run past it) */
	assert_true(cgstat_parse("nr_throttled 123456", 15, CGH_KEY, "nr_throttled", NULL, 0, &v));
	assert_int_equal(v, 12);
	assert_false(cgstat_parse("some avg10=12.34", 14, CGH_PSI, "some", "avg10", 0, &v));
	assert_int_equal(v, 12);
}

/* --- whole readings from trees in a temporary directory ------------------------------------ */

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[512], dir[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A mountinfo naming the tree's directories as the mounts. */
static char *mountinfo(bool v2, bool v1)
{
	static char path[128];
	char text[2048];
	int n = 0;

	if (v2)
		n += snprintf(text + n, sizeof(text) - n,
			      "41 31 0:38 / %s/unified rw,relatime - cgroup2 cgroup2 rw\n", root);
	if (v1)
		n += snprintf(text + n, sizeof(text) - n,
			      "32 31 0:29 / %s/cpu rw,relatime - cgroup cgroup rw,cpu\n"
			      "35 31 0:32 / %s/memory rw,relatime - cgroup cgroup rw,memory\n",
			      root, root);
	snprintf(path, sizeof(path), "%s/mountinfo", root);
	put("mountinfo", text);
	return path;
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/scry-cgstat-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) ? -1 : 0;
}

static void unified_reading(void **state)
{
	struct cgstat_fs *f = cgstat_fs__open(mountinfo(true, false));
	struct cgstat s;

	assert_non_null(f);
	put("unified/docker/c1/cpu.stat", "usage_usec 5\nnr_periods 10\nnr_throttled 4\n"
					  "throttled_usec 2500\n");
	put("unified/docker/c1/cpu.max", "20000 100000\n");
	put("unified/docker/c1/memory.current", "104857600\n");
	put("unified/docker/c1/memory.max", "max\n");
	put("unified/docker/c1/memory.stat", "anon 1\nfile 2\ninactive_file 4096\n");
	put("unified/docker/c1/cpu.pressure", "some avg10=1.50 avg60=0.00 avg300=0.00 total=42\n"
					      "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
	put("unified/docker/c1/io.pressure", "garbage\n");
	cgstat_read(f, "/docker/c1", &s);
	assert_int_equal(s.v[CGS_CPU_PERIODS], 10);
	assert_int_equal(s.v[CGS_CPU_THROTTLED], 4);
	assert_int_equal(s.v[CGS_CPU_THROTTLED_NS], 2500000);
	assert_int_equal(s.v[CGS_CPU_QUOTA_US], 20000);
	assert_int_equal(s.v[CGS_CPU_PERIOD_US], 100000);
	assert_int_equal(s.v[CGS_MEM_USAGE], 104857600);
	assert_int_equal(s.v[CGS_MEM_INACTIVE_FILE], 4096);
	assert_int_equal(s.v[CGS_PSI_CPU], 150);
	assert_int_equal(s.v[CGS_PSI_CPU_TOTAL], 42);
	assert_false(s.have & CGS_HAVE(CGS_MEM_LIMIT));		/* "max" */
	assert_false(s.have & CGS_HAVE(CGS_PSI_IO));		/* garbage */
	assert_false(s.have & CGS_HAVE(CGS_PSI_MEM));		/* missing */
	/* no quota: "max" is absent, the period is still known */
	put("unified/docker/c1/cpu.max", "max 100000\n");
	cgstat_read(f, "/docker/c1", &s);
	assert_false(s.have & CGS_HAVE(CGS_CPU_QUOTA_US));
	assert_true(s.have & CGS_HAVE(CGS_CPU_PERIOD_US));
	/* a path that climbs out, a missing cgroup: nothing */
	cgstat_read(f, "/docker/../docker/c1", &s);
	assert_int_equal(s.have, 0);
	cgstat_read(f, "/docker/gone", &s);
	assert_int_equal(s.have, 0);
	cgstat_read(f, "docker/c1", &s);
	assert_int_equal(s.have, 0);
	cgstat_fs__free(f);
}

/* Hybrid: the controllers on v1, pressure on cgroup2 at the same path; v2 files win where they
 * answer, v1 fills the rest (unified's cpu.stat has no throttling counters there). */
static void hybrid_reading(void **state)
{
	struct cgstat_fs *f = cgstat_fs__open(mountinfo(true, true));
	struct cgstat s;

	assert_non_null(f);
	put("unified/docker/c2/cpu.stat", "usage_usec 5\nuser_usec 3\nsystem_usec 2\n");
	put("unified/docker/c2/memory.pressure",
	    "some avg10=0.07 avg60=0.00 avg300=0.00 total=9\n"
	    "full avg10=0.03 avg60=0.00 avg300=0.00 total=4\n");
	put("cpu/docker/c2/cpu.stat", "nr_periods 30\nnr_throttled 29\nthrottled_time 1234567\n");
	put("cpu/docker/c2/cpu.cfs_quota_us", "20000\n");
	put("cpu/docker/c2/cpu.cfs_period_us", "100000\n");
	put("memory/docker/c2/memory.usage_in_bytes", "2000\n");
	put("memory/docker/c2/memory.limit_in_bytes", "9223372036854771712\n");
	put("memory/docker/c2/memory.stat", "cache 1\ninactive_file 1\ntotal_inactive_file 3000\n");
	cgstat_read(f, "/docker/c2", &s);
	assert_int_equal(s.v[CGS_CPU_PERIODS], 30);
	assert_int_equal(s.v[CGS_CPU_THROTTLED], 29);
	assert_int_equal(s.v[CGS_CPU_THROTTLED_NS], 1234567);	/* v1: ns already */
	assert_int_equal(s.v[CGS_CPU_QUOTA_US], 20000);
	assert_int_equal(s.v[CGS_MEM_USAGE], 2000);
	assert_int_equal(s.v[CGS_MEM_INACTIVE_FILE], 3000);
	assert_false(s.have & CGS_HAVE(CGS_MEM_LIMIT));		/* v1's "no limit" */
	assert_int_equal(s.v[CGS_PSI_MEM], 7);
	assert_int_equal(s.v[CGS_PSI_MEM_FULL], 3);
	put("memory/docker/c2/memory.limit_in_bytes", "33554432\n");
	put("cpu/docker/c2/cpu.cfs_quota_us", "-1\n");
	cgstat_read(f, "/docker/c2", &s);
	assert_int_equal(s.v[CGS_MEM_LIMIT], 33554432);
	assert_false(s.have & CGS_HAVE(CGS_CPU_QUOTA_US));
	cgstat_fs__free(f);
}

/* A file longer than the reader's buffer: the line it cuts is not read as a shorter number. */
static void cut_file(void **state)
{
	struct cgstat_fs *f = cgstat_fs__open(mountinfo(false, true));
	char big[8192];
	struct cgstat s;
	size_t n = 0;

	assert_non_null(f);
	while (n < 4096 - 40)
		n += snprintf(big + n, sizeof(big) - n, "filler_%zu 1\n", n);
	snprintf(big + n, sizeof(big) - n, "total_inactive_file 123456789012345\n");
	put("memory/c3/memory.stat", big);
	put("memory/c3/memory.usage_in_bytes", "5\n");
	cgstat_read(f, "/c3", &s);
	assert_true(s.have & CGS_HAVE(CGS_MEM_USAGE));
	if (s.have & CGS_HAVE(CGS_MEM_INACTIVE_FILE))
		assert_int_equal(s.v[CGS_MEM_INACTIVE_FILE], 123456789012345ULL);
	assert_null(cgstat_fs__open("/nonexistent/mountinfo"));
	cgstat_fs__free(f);
}

/*
 * The registry keeps the reading before only when it was taken for the interval just before:
 * growth over intervals in which no view showed the container is no interval's. One reading per
 * interval however many views ask.
 */
static void deltas_need_contiguous_readings(void **state)
{
	struct containers_opts o = { .mountinfo = mountinfo(true, false) };
	struct containers *c = containers__new(&o, true);
	struct scry_container *ctr;

	assert_non_null(c);
	ctr = containers__add(c, 0, "c4", CTR_DOCKER, NULL);
	assert_non_null(ctr);
	ctr->cg_path = strdup("/docker/c4");
	put("unified/docker/c4/cpu.stat", "nr_periods 10\nnr_throttled 1\nthrottled_usec 1\n");
	containers__read_cgstat(c, ctr, 0, 100);
	assert_int_equal(ctr->cgs.prev.have, 0);
	put("unified/docker/c4/cpu.stat", "nr_periods 20\nnr_throttled 2\nthrottled_usec 2\n");
	containers__read_cgstat(c, ctr, 100, 200);
	assert_int_equal(ctr->cgs.prev.v[CGS_CPU_PERIODS], 10);
	assert_int_equal(ctr->cgs.cur.v[CGS_CPU_PERIODS], 20);
	/* another view asking for the same interval: no second reading */
	put("unified/docker/c4/cpu.stat", "nr_periods 30\nnr_throttled 3\nthrottled_usec 3\n");
	containers__read_cgstat(c, ctr, 100, 200);
	assert_int_equal(ctr->cgs.prev.v[CGS_CPU_PERIODS], 10);
	assert_int_equal(ctr->cgs.cur.v[CGS_CPU_PERIODS], 20);
	/* [200, 300) was not shown: the reading for [300, 400) has none before it */
	containers__read_cgstat(c, ctr, 300, 400);
	assert_int_equal(ctr->cgs.prev.have, 0);
	assert_int_equal(ctr->cgs.cur.v[CGS_CPU_PERIODS], 30);
	containers__free(c);
}

/*
 * A container's cgroup figures are its own cgroup's, also when its processes all run below it
 * (systemd inside): the kept path ends at the component that holds its id.
 */
static void cg_path_is_the_containers_own(void **state)
{
	static const char id[] =
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct containers_opts o = { .mountinfo = mountinfo(true, false) };
	struct containers *c = containers__new(&o, true);
	struct scry_container *ctr;
	char path[256];

	assert_non_null(c);
	snprintf(path, sizeof(path), "/docker/%s/init.scope", id);
	containers__cgroup_made(c, 77, path, strlen(path));
	ctr = containers__of_cgroup(c, 77, 1);
	assert_non_null(ctr);
	assert_non_null(ctr->cg_path);
	snprintf(path, sizeof(path), "/docker/%s", id);
	assert_string_equal(ctr->cg_path, path);
	containers__free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_text),
		cmocka_unit_test(hostile_text),
		cmocka_unit_test(unified_reading),
		cmocka_unit_test(hybrid_reading),
		cmocka_unit_test(cut_file),
		cmocka_unit_test(deltas_need_contiguous_readings),
		cmocka_unit_test(cg_path_is_the_containers_own),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
