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

	/* "cpu" must not match "cpuacct" alone, nor "name=systemd" a controller */
	cg = cgroup_fs__open(fixture("hybrid.txt"), "blkio");
	assert_null(cg);
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
		cmocka_unit_test(v1_only_host),
		cmocka_unit_test(no_cgroups),
		cmocka_unit_test(proc_cgroup_lines),
	};

	return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
