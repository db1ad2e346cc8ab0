// SPDX-License-Identifier: GPL-2.0
/*
 * The filter's in-kernel part (src/filter/pushdown.c) is a necessary condition: every call,
 * container or process it leaves out is one no event of which the filter can match, checked
 * here against the filter itself on made-up events; and it leaves out what it can (calls by
 * name and result, containers, pids) but nothing across `or` of different domains.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scry/container.h"
#include "scry/filter.h"

static struct filter *compile(const char *expr)
{
	struct filter_error e;
	struct filter *f = filter__new(expr, &e);

	if (!f)
		fail_msg("%s: %s", expr, e.msg);
	return f;
}

static struct pushdown pd_of(const char *expr)
{
	struct filter *f = compile(expr);
	struct pushdown pd;

	assert_int_equal(filter__pushdown(f, &pd), 0);
	filter__free(f);
	return pd;
}

static uint32_t nr(const char *name)
{
	int n = syscall_lookup(name);

	assert_true(n >= 0);
	return n;
}

static void calls_by_name(void **state)
{
	struct pushdown pd = pd_of("evt.type=getppid");

	(void)state;
	assert_true(pd.on == SCRY_PD_SYS);
	assert_true(pushdown_bit(pd.enter, nr("getppid")));
	assert_true(pushdown_bit(pd.exit_ok, nr("getppid")));
	assert_true(pushdown_bit(pd.exit_fail, nr("getppid")));
	assert_false(pushdown_bit(pd.enter, nr("getpid")));
	assert_false(pushdown_bit(pd.exit_ok, nr("read")));
	/* calls that change fd tables or cwds go whatever the filter says */
	assert_true(pushdown_bit(pd.keep, nr("openat")));
	assert_true(pushdown_bit(pd.keep, nr("close")));
	assert_true(pushdown_bit(pd.keep, nr("chdir")));
	assert_true(pushdown_bit(pd.keep, nr("connect")));
	assert_true(pushdown_bit(pd.keep, nr("sendto")));	/* a socket's addresses */
	assert_true(pushdown_bit(pd.keep, nr("recvmsg")));
	assert_false(pushdown_bit(pd.keep, nr("getppid")));
	assert_false(pushdown_bit(pd.keep, nr("read")));
	/* sys_enter's test by number, either ABI: getppid natively and as i386's number */
	assert_true(pushdown_bit(pd.enter_raw, nr("getppid")));
	assert_true(pushdown_bit(pd.enter_raw, syscall_lookup32("getppid")));
	assert_true(pushdown_bit(pd.enter, SCRY_NR_COMPAT_BASE + syscall_lookup32("getppid")));
	assert_false(pushdown_bit(pd.enter_raw, nr("getpid")));	/* 39: i386 mkdir */
	assert_true(pushdown_bit(pd.enter_raw, nr("openat")));	/* kept */
	pushdown__release(&pd);

	/* not, in, and a non-syscall type: the complement, the set, nothing */
	pd = pd_of("not evt.type in (read, write)");
	assert_false(pushdown_bit(pd.enter, nr("read")));
	assert_true(pushdown_bit(pd.enter, nr("getppid")));
	pushdown__release(&pd);
	pd = pd_of("evt.type=switch");
	assert_true(pd.on == SCRY_PD_SYS);
	assert_false(pushdown_bit(pd.enter, nr("getppid")));
	assert_false(pushdown_bit(pd.enter, SCRY_NR_INVALID));
	pushdown__release(&pd);
}

static void calls_by_result_and_direction(void **state)
{
	struct pushdown pd = pd_of("evt.failed=1");

	(void)state;
	assert_true(pd.on == SCRY_PD_SYS);
	/* the enter is parked (the exit's latency needs it); only a failed exit goes */
	assert_true(pushdown_bit(pd.enter, nr("read")));
	assert_false(pushdown_bit(pd.exit_ok, nr("read")));
	assert_true(pushdown_bit(pd.exit_fail, nr("read")));
	pushdown__release(&pd);

	/* an enter may match: a folded exit carries it, whatever the result */
	pd = pd_of("evt.dir='>' and evt.type=read");
	assert_true(pushdown_bit(pd.exit_ok, nr("read")) && pushdown_bit(pd.exit_fail, nr("read")));
	assert_false(pushdown_bit(pd.enter, nr("write")));
	pushdown__release(&pd);

	/* evt.failed=0 holds for a result in -4095..-1 with no errno name too: kept */
	pd = pd_of("evt.failed=0 and evt.dir='<'");
	assert_true(pushdown_bit(pd.exit_ok, nr("read")));
	assert_true(pushdown_bit(pd.exit_fail, nr("read")));
	pushdown__release(&pd);
}

/* Issue 15's fields: the kinds of call are the number's; arguments are unknown here. */
static void kinds_of_call(void **state)
{
	struct pushdown pd = pd_of("evt.is_io_write=true");

	(void)state;
	assert_true(pd.on == SCRY_PD_SYS);
	assert_true(pushdown_bit(pd.enter, nr("write")));
	assert_true(pushdown_bit(pd.enter, nr("sendmsg")));
	assert_false(pushdown_bit(pd.enter, nr("read")));
	assert_false(pushdown_bit(pd.enter, nr("getppid")));
	pushdown__release(&pd);
	pd = pd_of("evt.is_wait=true and evt.count.error=1");
	assert_true(pushdown_bit(pd.exit_fail, nr("nanosleep")));
	assert_false(pushdown_bit(pd.exit_ok, nr("nanosleep")));
	assert_false(pushdown_bit(pd.enter, nr("write")));
	pushdown__release(&pd);
	pd = pd_of("evt.count.exit=1 and evt.is_io=false");
	assert_false(pushdown_bit(pd.enter, nr("read")));
	assert_true(pushdown_bit(pd.exit_ok, nr("getppid")));
	pushdown__release(&pd);
	/* a field with an argument, or one the made-up records cannot say: nothing left out */
	pd = pd_of("evt.arg.fd=3");
	assert_true(pd.on == 0);
	pushdown__release(&pd);
	pd = pd_of("evt.is_open_read=true or evt.around[1]=5");
	assert_true(pd.on == 0);
	pushdown__release(&pd);
	pd = pd_of("evt.type=read and evt.arg[1]=3");
	assert_true(pd.on == SCRY_PD_SYS);
	assert_true(pushdown_bit(pd.enter, nr("read")));
	assert_false(pushdown_bit(pd.enter, nr("write")));
	pushdown__release(&pd);
}

static void pids(void **state)
{
	struct pushdown pd = pd_of("proc.pid in (7, 9, 7) and evt.type=read");

	(void)state;
	assert_true(pd.on == (SCRY_PD_SYS | SCRY_PD_PID));
	assert_int_equal(pd.npids, 2);
	assert_true(pd.pids[0] == 7 && pd.pids[1] == 9);
	pushdown__release(&pd);

	/* not, !=, or with another domain, <: nothing on pids */
	static const char *const none[] = {
		"not proc.pid=7", "proc.pid!=7", "proc.pid=7 or proc.name=x", "proc.pid<100",
		"proc.pid=7 or container.name=web",
	};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		pd = pd_of(none[i]);
		if (pd.on & SCRY_PD_PID)
			fail_msg("%s: pids pushed down", none[i]);
		pushdown__release(&pd);
	}
	/* an `or` of pids is their union; `not (pid != 7)` is pid 7 */
	pd = pd_of("proc.pid=7 or proc.pid=8");
	assert_true((pd.on & SCRY_PD_PID) && pd.npids == 2);
	pushdown__release(&pd);
	pd = pd_of("not proc.pid!=7");
	assert_true((pd.on & SCRY_PD_PID) && pd.npids == 1 && pd.pids[0] == 7);
	pushdown__release(&pd);
}

static void containers(void **state)
{
	struct scry_container web = { .id = "aaaa", .short_id = "aaaa" }, db = web;
	struct filter *f;
	struct pushdown pd;

	(void)state;
	web.meta.name = "web";
	db.meta.name = "db";
	f = compile("container.name=web and proc.name=nginx");
	assert_int_equal(filter__pushdown(f, &pd), 0);
	assert_true(pd.on == SCRY_PD_CGROUP);
	assert_true(filter__may_match_container(f, &web));
	assert_false(filter__may_match_container(f, &db));
	assert_false(filter__may_match_container(f, NULL));	/* the host: "host" */
	filter__free(f);

	f = compile("not container.name=web");
	assert_false(filter__may_match_container(f, &web));
	assert_true(filter__may_match_container(f, &db));
	assert_true(filter__may_match_container(f, NULL));
	filter__free(f);

	/* across domains with or: no container can be ruled out, and none is judged */
	f = compile("container.name=web or proc.name=nginx");
	assert_int_equal(filter__pushdown(f, &pd), 0);
	assert_int_equal(pd.on, 0);
	assert_true(filter__may_match_container(f, &db));
	filter__free(f);

	/* an `or` of two containers, and a check of another field beside: both judged */
	f = compile("(container.name=web or container.name=db) and evt.type=read");
	assert_int_equal(filter__pushdown(f, &pd), 0);
	assert_true(pd.on == (SCRY_PD_CGROUP | SCRY_PD_SYS));
	assert_true(filter__may_match_container(f, &web) && filter__may_match_container(f, &db));
	assert_false(filter__may_match_container(f, NULL));
	filter__free(f);
}

static void nothing_without_a_filter(void **state)
{
	struct pushdown pd;

	(void)state;
	assert_int_equal(filter__pushdown(NULL, &pd), 0);
	assert_int_equal(pd.on, 0);
	pd = pd_of("proc.name=nginx and fd.name contains /etc");
	assert_int_equal(pd.on, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calls_by_name),
		cmocka_unit_test(calls_by_result_and_direction),
		cmocka_unit_test(kinds_of_call),
		cmocka_unit_test(pids),
		cmocka_unit_test(containers),
		cmocka_unit_test(nothing_without_a_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
