// SPDX-License-Identifier: GPL-2.0
/* Which cgroup hierarchy scry attributes by, from mountinfo fixtures of real layouts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scry/container.h"

static const char *fixture(const char *name)
{
	static char path[256];
	const char *dir = getenv("SCRY_TEST_DATA");

	snprintf(path, sizeof(path), "%s/mountinfo/%s", dir ? dir : "tests/data", name);
	return path;
}

static void unified_host(void **state)
{
	struct cgroup_fs *cg = cgroup_fs__open(fixture("unified.txt"), NULL);

	assert_non_null(cg);
	assert_false(cgroup_fs__is_v1(cg));
	assert_string_equal(cgroup_fs__mount(cg), "/sys/fs/cgroup");
	assert_null(cgroup_fs__controller(cg));
	cgroup_fs__free(cg);
}

/* Hybrid (as on the test machines): cgroup2 at .../unified wins unless v1 is asked for. */
static void hybrid_host(void **state)
{
	struct cgroup_fs *cg = cgroup_fs__open(fixture("hybrid.txt"), NULL);

	assert_non_null(cg);
	assert_false(cgroup_fs__is_v1(cg));
	assert_string_equal(cgroup_fs__mount(cg), "/sys/fs/cgroup/unified");
	cgroup_fs__free(cg);

	cg = cgroup_fs__open(fixture("hybrid.txt"), "cpuacct");
	assert_non_null(cg);
	assert_true(cgroup_fs__is_v1(cg));
	assert_string_equal(cgroup_fs__mount(cg), "/sys/fs/cgroup/cpu,cpuacct");
	assert_string_equal(cgroup_fs__controller(cg), "cpuacct");
	cgroup_fs__free(cg);

	/* "cpu" is one of the hierarchy's list: that list matches it too */
	cg = cgroup_fs__open(fixture("hybrid.txt"), "cpu");
	assert_non_null(cg);
	assert_string_equal(cgroup_fs__mount(cg), "/sys/fs/cgroup/cpu,cpuacct");
	cgroup_fs__free(cg);
}

/*
 * Controllers whose names contain one another, each on a hierarchy of its own, the confusable
 * ones listed first: a controller matches a whole element of a hierarchy's option list only.
 * By substring, "cpu" would find cpuacct (or cpuset), "systemd" the name=systemd hierarchy.
 */
static const struct {
	const char *ask;
	const char *mount;	/* NULL: no hierarchy of that controller */
} split_cases[] = {
	{ "cpu", "/sys/fs/cgroup/cpu" },
	{ "cpuacct", "/sys/fs/cgroup/cpuacct" },
	{ "cpuset", "/sys/fs/cgroup/cpuset" },
	{ "net_cls", "/sys/fs/cgroup/net_cls,net_prio" },
	{ "net_prio", "/sys/fs/cgroup/net_cls,net_prio" },
	{ "pids", "/sys/fs/cgroup/pids" },
	{ "cpuac", NULL },	/* a prefix of cpuacct */
	{ "acct", NULL },	/* a suffix of cpuacct */
	{ "prio", NULL },
	{ "systemd", NULL },	/* name=systemd is a name, not a controller */
	{ "memory", NULL },
	{ "blkio", NULL },
};

static void confusable_controllers(void **state)
{
	struct cgroup_fs *cg;
	size_t i;

	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		cg = cgroup_fs__open(fixture("split.txt"), split_cases[i].ask);
		if (!split_cases[i].mount) {
			if (cg)
				fail_msg("'%s' found %s", split_cases[i].ask, cgroup_fs__mount(cg));
			continue;
		}
		if (!cg)
			fail_msg("'%s' found nothing", split_cases[i].ask);
		assert_true(cgroup_fs__is_v1(cg));
		assert_string_equal(cgroup_fs__mount(cg), split_cases[i].mount);
		assert_string_equal(cgroup_fs__controller(cg), split_cases[i].ask);
		cgroup_fs__free(cg);
	}

	/* No cgroup2, no memory: the fallback is cpu's own hierarchy, not cpuacct's. */
	cg = cgroup_fs__open(fixture("split.txt"), NULL);
	assert_non_null(cg);
	assert_string_equal(cgroup_fs__controller(cg), "cpu");
	assert_string_equal(cgroup_fs__mount(cg), "/sys/fs/cgroup/cpu");
	cgroup_fs__free(cg);
}

/* The same whole-element matching in /proc/PID/cgroup's controller lists. */
static void confusable_proc_lines(void **state)
{
	const char *text = "7:name=systemd:/n\n"
			   "6:cpuacct:/acct\n"
			   "5:cpuset:/set\n"
			   "4:net_cls,net_prio:/net\n"
			   "3:cpu:/cpu\n"
			   "0::/unified\n";
	static const struct {
		const char *ctrl, *path;
	} want[] = {
		{ "cpu", "/cpu" }, { "cpuacct", "/acct" }, { "cpuset", "/set" },
		{ "net_prio", "/net" }, { "net_cls", "/net" },
	};
	struct cgroup_fs *cg;
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cg = cgroup_fs__open(fixture("split.txt"), want[i].ctrl);
		assert_non_null(cg);
		assert_int_equal(cgroup_fs__proc_path(cg, text, path, sizeof(path)), 0);
		assert_string_equal(path, want[i].path);
		/* without its own line, a controller has no path (not a line it is part of) */
		assert_int_equal(cgroup_fs__proc_path(cg, strstr(text, "0::"), path, sizeof(path)),
				 -ENOENT);
		cgroup_fs__free(cg);
	}
	cg = cgroup_fs__open(fixture("split.txt"), "cpu");
	assert_int_equal(cgroup_fs__proc_path(cg, "6:cpuacct:/acct\n5:cpuset:/set\n", path,
					      sizeof(path)), -ENOENT);
	cgroup_fs__free(cg);
}

/* No cgroup2 at all: the memory hierarchy, whose mount point needs unescaping. */
static void v1_only_host(void **state)
{
	struct cgroup_fs *cg = cgroup_fs__open(fixture("v1only.txt"), NULL);

	assert_non_null(cg);
	assert_true(cgroup_fs__is_v1(cg));
	assert_string_equal(cgroup_fs__controller(cg), "memory");
	assert_string_equal(cgroup_fs__mount(cg), "/sys/fs/cgroup/memory space");
	cgroup_fs__free(cg);
}

static void no_cgroups(void **state)
{
	assert_null(cgroup_fs__open(fixture("none.txt"), NULL));
	assert_null(cgroup_fs__open("/nonexistent/mountinfo", NULL));
}

static void proc_cgroup_lines(void **state)
{
	const char *text = "12:pids:/docker/abc\n"
			   "11:cpu,cpuacct:/docker/abc\n"
			   "4:memory:/docker/abc\n"
			   "1:name=systemd:/docker/abc\n"
			   "0::/system.slice/docker-abc.scope\n";
	struct cgroup_fs *v2 = cgroup_fs__open(fixture("hybrid.txt"), NULL);
	struct cgroup_fs *v1 = cgroup_fs__open(fixture("hybrid.txt"), "cpuacct");
	char path[256];

	assert_int_equal(cgroup_fs__proc_path(v2, text, path, sizeof(path)), 0);
	assert_string_equal(path, "/system.slice/docker-abc.scope");
	assert_int_equal(cgroup_fs__proc_path(v1, text, path, sizeof(path)), 0);
	assert_string_equal(path, "/docker/abc");
	assert_int_equal(cgroup_fs__proc_path(v2, "4:memory:/x\n", path, sizeof(path)), -ENOENT);
	assert_int_equal(cgroup_fs__proc_path(v2, text, path, 8), -ENAMETOOLONG);
	cgroup_fs__free(v2);
	cgroup_fs__free(v1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unified_host),
		cmocka_unit_test(hybrid_host),
		cmocka_unit_test(confusable_controllers),
		cmocka_unit_test(confusable_proc_lines),
		cmocka_unit_test(v1_only_host),
		cmocka_unit_test(no_cgroups),
		cmocka_unit_test(proc_cgroup_lines),
	};

	return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
