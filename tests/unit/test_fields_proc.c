// SPDX-License-Identifier: GPL-2.0
/* The process fields over a process table built from records: ancestry, any-ancestor filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scry/decode.h"
#include "scry/filter.h"
#include "scry/state.h"

static void fork_proc(struct proctab *pt, uint32_t pid, uint32_t parent, const char *comm,
		      uint64_t ts, struct scry_event *ev)
{
	static struct scry_rec_fork fk;
	struct scry_event evs[2];

	memset(&fk, 0, sizeof(fk));
	fk.h.type = SCRY_REC_FORK;
	fk.h.size = sizeof(fk);
	fk.h.pid = fk.h.tid = pid;
	fk.h.ts = ts;
	strncpy(fk.h.comm, comm, sizeof(fk.h.comm) - 1);
	fk.parent_pid = fk.parent_tid = fk.ppid = parent;
	fk.vpid = fk.vtid = pid;
	fk.pi.pi_flags = SCRY_PI_VALID;
	fk.pi.sid = 10;
	fk.pi.fdlimit = 1024;
	fk.pi.loginuid = UINT32_MAX;
	assert_int_equal(decode__record(&fk, sizeof(fk), evs), 1);
	proctab__apply(pt, &evs[0]);
	*ev = evs[0];
}

static const char *text(const char *field, const struct scry_event *ev, char *out, size_t n)
{
	const struct field_desc *f = field_resolve(field);
	struct field_val v;
	struct sbuf b;
	char buf[256];

	assert_non_null(f);
	sbuf__init(&b, buf, sizeof(buf));
	if (!field_get(f, ev, &v, &b))
		return "<none>";
	if (v.type == FT_STR)
		snprintf(out, n, "%.*s", (int)v.len, v.str);
	else if (v.type == FT_S64)
		snprintf(out, n, "%lld", (long long)v.s);
	else
		snprintf(out, n, "%llu", (unsigned long long)v.u);
	return out;
}

static bool match(const char *expr, const struct scry_event *ev)
{
	struct filter_error err;
	struct filter *f = filter__new(expr, &err);
	bool m;

	if (!f)
		fail_msg("%s: %s", expr, err.msg);
	m = filter__match(f, ev);
	filter__free(f);
	return m;
}

static void ancestry_fields(void **state)
{
	struct proctab *pt = proctab__new(NULL);
	struct scry_event ev;
	char o[256];

	fork_proc(pt, 1, 0, "init", 10, &ev);
	fork_proc(pt, 10, 1, "sshd", 20, &ev);
	fork_proc(pt, 20, 10, "bash", 30, &ev);
	fork_proc(pt, 30, 20, "sh", 40, &ev);
	fork_proc(pt, 40, 30, "cat", 50, &ev);
	assert_string_equal(text("proc.aname[0]", &ev, o, sizeof(o)), "cat");
	assert_string_equal(text("proc.aname[1]", &ev, o, sizeof(o)), "sh");
	assert_string_equal(text("proc.aname[3]", &ev, o, sizeof(o)), "sshd");
	assert_string_equal(text("proc.aname[4]", &ev, o, sizeof(o)), "init");
	assert_string_equal(text("proc.aname[5]", &ev, o, sizeof(o)), "<none>");
	assert_string_equal(text("proc.apid[2]", &ev, o, sizeof(o)), "20");
	assert_string_equal(text("proc.aname", &ev, o, sizeof(o)), "sh");	/* bare: the parent */
	assert_string_equal(text("proc.pname", &ev, o, sizeof(o)), "sh");
	assert_string_equal(text("proc.pcmdline", &ev, o, sizeof(o)), "sh");
	/* the oldest shell among it and its ancestors */
	assert_string_equal(text("proc.loginshellid", &ev, o, sizeof(o)), "20");
	assert_string_equal(text("proc.duration", &ev, o, sizeof(o)), "0");
	assert_string_equal(text("proc.fdlimit", &ev, o, sizeof(o)), "1024");
	assert_string_equal(text("user.loginuid", &ev, o, sizeof(o)), "-1");
	/* any ancestor in a filter; [N] one */
	assert_true(match("proc.aname=sshd", &ev));
	assert_true(match("proc.aname in (nginx, init)", &ev));
	assert_false(match("proc.aname=cat", &ev));	/* the process itself is not its ancestor */
	assert_true(match("proc.aname[2]=bash", &ev));
	assert_false(match("proc.aname[2]=sshd", &ev));
	assert_true(match("proc.apid=10", &ev));
	assert_false(match("proc.apid=40", &ev));
	assert_true(match("not proc.aname=nginx", &ev));
	proctab__free(pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ancestry_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
