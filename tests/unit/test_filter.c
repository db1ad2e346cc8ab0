// SPDX-License-Identifier: GPL-2.0
/* The filter language, driven by tests/data/filters.test (expression, expected outcome). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "scry/filter.h"
#include "scry/state.h"

static struct scry_rec_sys_exit rec;
static struct scry_event ev, evs[2];
static struct scry_proc proc;
static struct scry_thread thread;

static int setup(void **state)
{
	if (syscalls__init())
		return -1;
	memset(&rec, 0, sizeof(rec));
	rec.h.type = SCRY_REC_SYS_EXIT;
	rec.h.cpu = 1;
	rec.h.pid = 100;
	rec.h.tid = 101;
	rec.h.cgid = 42;
	strcpy(rec.h.comm, "cat");
	rec.nr = SYS_openat;
	rec.ret = -EACCES;
	rec.nargs = 4;
	strcpy(rec.path, "/etc/shadow");
	rec.path_len = strlen(rec.path) + 1;
	rec.h.size = SCRY_SYS_EXIT_ARGS + rec.path_len;
	if (decode__record(&rec, rec.h.size, evs) != 1)
		return -1;
	ev = evs[0];
	strcpy(proc.comm, "cat");
	proc.pid = 100;
	proc.ppid = 1;
	proc.exe = "/bin/cat";
	proc.args = "cat";
	proc.args_len = 3;
	thread.tid = 101;
	thread.proc = &proc;
	ev.proc = &proc;
	ev.thread = &thread;
	ev.latency = 1000;
	return 0;
}

static const char *data_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("SCRY_TEST_DATA");

	snprintf(buf, len, "%s/%s", dir ? dir : "tests/data", name);
	return buf;
}

static void table(void **state)
{
	char path[256], line[512], err[256];
	int rows = 0, lineno = 0, bad = 0;
	FILE *f = fopen(data_path("filters.test", path, sizeof(path)), "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *tab = strrchr(line, '\t'), *want;
		struct filter *flt;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		want = tab + 1;
		rows++;
		err[0] = '\0';
		flt = filter__compile(line, err, sizeof(err));
		if (!strncmp(want, "error:", 6)) {
			if (flt || !strstr(err, want + 6)) {
				print_error("line %d: '%s': wanted an error with '%s', got '%s'\n",
					    lineno, line, want + 6, flt ? "(compiled)" : err);
				bad++;
			}
		} else if (!flt) {
			print_error("line %d: '%s' failed to compile: %s\n", lineno, line, err);
			bad++;
		} else if (filter__match(flt, &ev) != !strcmp(want, "match")) {
			print_error("line %d: '%s': wanted %s\n", lineno, line, want);
			bad++;
		}
		filter__free(flt);
	}
	fclose(f);
	assert_int_equal(bad, 0);
	assert_true(rows >= 50);
}

static void join_words(void **state)
{
	char *argv[] = { "proc.name=cat", "and", "evt.type=openat" };
	char *s = filter__join(3, argv);

	assert_string_equal(s, "proc.name=cat and evt.type=openat");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(join_words),
	};

	return cmocka_run_group_tests_name("filter", tests, setup, NULL);
}
