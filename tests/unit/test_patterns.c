// SPDX-License-Identifier: GPL-2.0
/* cgroup path -> container, driven by tests/data/cgroup_paths.tsv (path, runtime, id). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scry/container.h"

#define MIN_ROWS 30

static const char *data_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("SCRY_TEST_DATA");

	snprintf(buf, len, "%s/%s", dir ? dir : "tests/data", name);
	return buf;
}

/* Returns the number of rows; with `check`, fails the test listing every row that is wrong. */
static int run_table(bool check)
{
	char path[4096], line[4096];
	int lineno = 0, rows = 0, failed = 0;
	FILE *f;

	f = fopen(data_path("cgroup_paths.tsv", path, sizeof(path)), "r");
	if (!f)
		fail_msg("cannot open %s: %s (run from the repo root or set SCRY_TEST_DATA)", path,
			 strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *cg, *want_rt, *want_id, *save = NULL;
		char id[CTR_ID_MAX] = "";
		enum ctr_runtime rt = CTR_HOST;
		const char *got_rt, *got_id;
		bool found;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		cg = strtok_r(line, "\t", &save);
		want_rt = strtok_r(NULL, "\t", &save);
		want_id = strtok_r(NULL, "\t", &save);
		if (!cg || !want_rt || !want_id || strtok_r(NULL, "\t", &save)) {
			fclose(f);
			fail_msg("%s:%d: want three tab-separated fields", path, lineno);
		}
		rows++;
		if (!check)
			continue;

		found = cgroup_path_container(cg, &rt, id);
		got_rt = found ? ctr_runtime_name(rt) : "host";
		got_id = found ? id : "-";
		if (strcmp(got_rt, want_rt) || strcmp(got_id, want_id)) {
			print_error("%s:%d: %s\n  want %s %s\n  got  %s %s\n", path, lineno, cg,
				    want_rt, want_id, got_rt, got_id);
			failed++;
		}
	}
	fclose(f);
	if (failed)
		fail_msg("%d of %d rows failed", failed, rows);
	return rows;
}

static void table(void **state)
{
	run_table(true);
}

static void table_is_large(void **state)
{
	int rows = run_table(false);

	if (rows < MIN_ROWS)
		fail_msg("only %d rows in cgroup_paths.tsv, want at least %d", rows, MIN_ROWS);
}

static void runtime_names(void **state)
{
	enum ctr_runtime rt;

	for (rt = CTR_HOST; rt < CTR_RUNTIME__MAX; rt++) {
		assert_non_null(ctr_runtime_name(rt));
		assert_string_not_equal(ctr_runtime_name(rt), "unknown");
	}
	assert_string_equal(ctr_runtime_name(CTR_HOST), "host");
	assert_string_equal(ctr_runtime_name(CTR_RUNTIME__MAX), "unknown");
}

/* Inputs that no table row can express. */
static void odd_inputs(void **state)
{
	char id[CTR_ID_MAX];
	char name[CTR_ID_MAX + 16];
	enum ctr_runtime rt = CTR_HOST;

	assert_false(cgroup_path_container(NULL, &rt, id));
	assert_false(cgroup_path_container("", &rt, id));
	assert_false(cgroup_path_container("////", &rt, id));

	/* The longest LXC name that fits is kept whole; a longer one is refused, not cut. */
	memset(name, 'x', sizeof(name));
	memcpy(name, "/lxc/", 5);
	name[5 + CTR_ID_MAX - 1] = '\0';
	assert_true(cgroup_path_container(name, &rt, id));
	assert_int_equal(rt, CTR_LXC);
	assert_int_equal(strlen(id), CTR_ID_MAX - 1);
	name[5 + CTR_ID_MAX - 1] = 'x';
	name[5 + CTR_ID_MAX] = '\0';
	assert_false(cgroup_path_container(name, &rt, id));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(table_is_large),
		cmocka_unit_test(runtime_names),
		cmocka_unit_test(odd_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
