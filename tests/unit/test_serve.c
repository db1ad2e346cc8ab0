// SPDX-License-Identifier: GPL-2.0
/*
 * scry serve's pieces without the kernel: the exposition encoder's escaping (label values are
 * user input), the store's counters (monotonic across a cgroup's restart), expiry, the
 * breakdowns' cap, the rendered text, and --metrics.
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

#include "scry/serve.h"
#include "scry/util.h"
#include "scry/view.h"

static void esc(const char *in, size_t n, const char *want)
{
	struct expo e;

	expo__init(&e);
	expo__label_value(&e, in, n);
	assert_non_null(e.buf);
	assert_string_equal(e.buf, want);
	expo__free(&e);
}

static void label_escaping(void **state)
{
	(void)state;
	esc("web-1", 5, "web-1");
	esc("a\"b", 3, "a\\\"b");
	esc("a\\b", 3, "a\\\\b");
	esc("a\nb", 3, "a\\nb");
	/* a tab and other controls are legal in a label value: as they are */
	esc("a\tb", 3, "a\tb");
	/* strict UTF-8 passes; what is not becomes the text \xNN (its backslash escaped) */
	esc("caf\xc3\xa9", 5, "caf\xc3\xa9");
	esc("\xe2\x82\xac", 3, "\xe2\x82\xac");
	esc("\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80");
	esc("a\xff" "b", 3, "a\\\\xffb");
	esc("\xc3", 1, "\\\\xc3");			/* cut short */
	esc("\xc0\xaf", 2, "\\\\xc0\\\\xaf");		/* overlong '/' */
	esc("\xed\xa0\x80", 3, "\\\\xed\\\\xa0\\\\x80");	/* a surrogate */
	esc("\xf4\x90\x80\x80", 4, "\\\\xf4\\\\x90\\\\x80\\\\x80");	/* above U+10FFFF */
	/* a NUL inside the value (n says where it ends) is kept as a byte, as the format allows */
	esc("\"\\\n", 3, "\\\"\\\\\\n");
}

static void family_and_numbers(void **state)
{
	struct expo e;

	(void)state;
	expo__init(&e);
	expo__family(&e, "scry_x_total", "counter", "a\\b\nc");
	expo__u64(&e, UINT64_MAX);
	expo__puts(&e, " ");
	expo__double(&e, 1.5);
	expo__puts(&e, " ");
	expo__double(&e, 0.1);
	assert_string_equal(e.buf, "# HELP scry_x_total a\\\\b\\nc\n# TYPE scry_x_total counter\n"
			    "18446744073709551615 1.5 0.10000000000000001");
	expo__free(&e);
}

static struct serve_health health(uint64_t *cpu, unsigned int n)
{
	struct serve_health h = { .events = 7, .cpu_dropped = cpu, .ncpus = n };

	return h;
}

static char *render(struct serve_store *s, uint64_t *cpu, unsigned int n)
{
	struct serve_health h = health(cpu, n);
	struct serve_snapshot *sn = serve_store__snapshot(s, &h);
	struct expo e;
	char *text;

	assert_non_null(sn);
	expo__init(&e);
	serve_snapshot__render(sn, &e);
	serve_snapshot__put(sn);
	assert_false(e.oom);
	text = strdup(e.buf);
	expo__free(&e);
	return text;
}

static void counters_and_render(void **state)
{
	struct serve_store *s = serve_store__new(SG_DEFAULT, 10, "node\"1");
	struct serve_labels l = { "abc", "we\"b", "img:1", "", "" };
	uint64_t cpu[2] = { 0, 3 };
	struct serve_ctr_row *r;
	char *t;

	(void)state;
	assert_non_null(s);
	r = serve_store__row(s, "abc");
	assert_non_null(r);
	assert_ptr_equal(serve_store__row(s, "abc"), r);
	serve_store__set_labels(r, &l);
	serve_store__add(r, SC_CPU_NS, 1500000000);
	serve_store__add(r, SC_CPU_NS, 250000000);
	serve_store__add(r, SC_FILE_READ, 4096);
	/* a cgroup counter read 10, then 25, then 5 (a new cgroup of the id): 10, 25, 30 */
	serve_store__set(r, SC_THR_NS, 10);
	serve_store__set(r, SC_THR_NS, 25);
	serve_store__set(r, SC_THR_NS, 5);
	serve_store__set(r, SC_MEM_WSET, 100);
	serve_store__set(r, SC_MEM_WSET, 50);	/* a gauge: as read */
	serve_store__add(r, SC_CONN_OUT, 2);
	assert_int_equal(serve_store__rows(s), 1);
	t = render(s, cpu, 2);
	assert_non_null(strstr(t, "# TYPE scry_container_cpu_seconds_total counter\n"));
	assert_non_null(strstr(t, "scry_container_cpu_seconds_total{container_id=\"abc\","
				  "container_name=\"we\\\"b\",image=\"img:1\",pod=\"\",namespace=\"\","
				  "node=\"node\\\"1\"} 1.75\n"));
	assert_non_null(strstr(t, "scry_container_file_read_bytes_total{container_id=\"abc\","));
	assert_non_null(strstr(t, "} 4096\n"));
	assert_non_null(strstr(t, "scry_container_cpu_cfs_throttled_seconds_total{container_id=\"abc\""));
	assert_non_null(strstr(t, "} 3.0000000000000004e-08\n") ?: strstr(t, "} 2.9999999999999997e-08\n"));
	assert_non_null(strstr(t, "scry_container_memory_working_set_bytes{container_id=\"abc\","));
	assert_non_null(strstr(t, "} 50\n"));
	assert_non_null(strstr(t, ",direction=\"out\"} 2\n"));
	assert_non_null(strstr(t, "scry_events_dropped_total{node=\"node\\\"1\",cpu=\"1\"} 3\n"));
	assert_non_null(strstr(t, "scry_events_total{node=\"node\\\"1\"} 7\n"));
	assert_non_null(strstr(t, "scry_containers_tracked{node=\"node\\\"1\"} 1\n"));
	/* a cgroup figure never read is absent, not 0: the throttled periods */
	assert_null(strstr(t, "scry_container_cpu_cfs_throttled_periods_total{"));
	/* one HELP per family, even with two label sets (direction in and out) */
	assert_non_null(strstr(t, "# HELP scry_container_tcp_connections_total"));
	assert_null(strstr(strstr(t, "# HELP scry_container_tcp_connections_total") + 1,
			   "# HELP scry_container_tcp_connections_total"));
	free(t);
	serve_store__free(s);
}

static void groups_limit_families(void **state)
{
	struct serve_store *s = serve_store__new(SG_CPU, 10, "n");
	char *t;

	(void)state;
	serve_store__add(serve_store__row(s, "host"), SC_CPU_NS, 1);
	t = render(s, NULL, 0);
	assert_non_null(strstr(t, "scry_container_cpu_seconds_total{"));
	assert_null(strstr(t, "scry_container_syscalls_total"));
	assert_null(strstr(t, "scry_container_network_"));
	free(t);
	serve_store__free(s);
}

static void expiry(void **state)
{
	struct serve_store *s = serve_store__new(SG_DEFAULT | SG_BY_SYSCALL, 1000, "n");
	struct serve_ctr_row *a, *b;
	uint64_t now = now_mono_ns();

	(void)state;
	a = serve_store__row(s, "a");
	b = serve_store__row(s, "b");
	serve_store__seen(a, now);
	serve_store__seen(b, now + 900);
	assert_true(serve_store__syscall(s, a, 39, 5, 0));
	assert_true(serve_store__syscall(s, b, 39, 5, 1));
	assert_int_equal(serve_store__expire(s, now + 999), 0);
	assert_int_equal(serve_store__expire(s, now + 1000), 1);
	assert_int_equal(serve_store__rows(s), 1);
	/* the survivor is b, with its counters; a new "a" starts from 0 */
	assert_ptr_equal(serve_store__row(s, "b"), b);
	a = serve_store__row(s, "a");
	assert_int_equal(serve_store__rows(s), 2);
	serve_store__seen(a, now + 5000);
	serve_store__seen(b, now + 5000);
	assert_int_equal(serve_store__expire(s, now + 5000), 0);
	serve_store__free(s);
}

/* A process row that stopped counting goes on its own; its container's row stays. */
static void breakdown_rows_expire(void **state)
{
	struct serve_store *s = serve_store__new(SG_BY_PROCESS, 1000000, "n");
	struct serve_ctr_row *r = serve_store__row(s, "a");
	uint64_t now = now_mono_ns();
	char *t;

	(void)state;
	serve_store__tick(s, now);
	assert_true(serve_store__proc(s, r, 7, "old", 5, 1));
	serve_store__tick(s, now + 2000000);
	assert_true(serve_store__proc(s, r, 8, "new", 5, 1));
	serve_store__seen(r, now + 2000000);
	assert_int_equal(serve_store__expire(s, now + 2000000), 0);
	t = render(s, NULL, 0);
	assert_null(strstr(t, "pid=\"7\""));
	assert_non_null(strstr(t, "pid=\"8\",comm=\"new\"} 1\n"));
	free(t);
	serve_store__free(s);
}

static void breakdown_cap(void **state)
{
	struct serve_store *s = serve_store__new(SG_BY_SYSCALL | SG_BY_PROCESS, 1000, "n");
	struct serve_ctr_row *r = serve_store__row(s, "a");
	uint32_t i;
	char *t;

	(void)state;
	for (i = 0; i < SERVE_BREAKDOWN_MAX; i++)
		assert_true(serve_store__proc(s, r, i + 1, "p", 10, 1));
	/* past the cap: not kept, counted as dropped; an existing series still grows */
	assert_false(serve_store__syscall(s, r, 0, 4, 0));
	assert_true(serve_store__proc(s, r, 1, "p", 10, 1));
	t = render(s, NULL, 0);
	assert_non_null(strstr(t, "scry_breakdown_series_dropped_total{node=\"n\"} 4\n"));
	assert_non_null(strstr(t, ",pid=\"1\",comm=\"p\"} 2\n"));
	free(t);
	serve_store__free(s);
}

static void metrics_option(void **state)
{
	char bad[32];
	uint32_t g;

	(void)state;
	assert_int_equal(serve_groups_parse("cpu", &g, bad, sizeof(bad)), 0);
	assert_int_equal(g, SG_CPU);
	/* a CPU-only configuration needs the scheduler alone: no syscall, socket or block probe */
	assert_int_equal(serve_groups_needs(g), NEED_SCHED);
	assert_int_equal(serve_groups_parse("cpu,net,by-syscall", &g, bad, sizeof(bad)), 0);
	assert_int_equal(g, SG_CPU | SG_NET | SG_BY_SYSCALL);
	assert_int_equal(serve_groups_needs(g), NEED_SCHED | NEED_NET | NEED_SYSCALLS);
	assert_int_equal(serve_groups_needs(SG_FILES), NEED_SYSCALLS);
	assert_int_equal(serve_groups_parse("cpu,disk", &g, bad, sizeof(bad)), -EINVAL);
	assert_string_equal(bad, "disk");
	assert_int_equal(serve_groups_parse("", &g, bad, sizeof(bad)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(label_escaping),
		cmocka_unit_test(family_and_numbers),
		cmocka_unit_test(counters_and_render),
		cmocka_unit_test(groups_limit_families),
		cmocka_unit_test(expiry),
		cmocka_unit_test(breakdown_rows_expire),
		cmocka_unit_test(breakdown_cap),
		cmocka_unit_test(metrics_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
