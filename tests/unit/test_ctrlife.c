// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18: the container lifecycle tracker, fed a container's life as the kernel reports it
 * (runc's helpers fork and exit in the new cgroup before the init execs; the init dies by a
 * signal while another process lives on), must say created, started, stopped with the init's
 * exit status only when the last process is gone, oom and removed; drop the cgroups of the host
 * and those made inside a container; count processes when asked; and on replay make nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scry/container.h"
#include "scry/ctrlife.h"
#include "scry/decode.h"
#include "scry/util.h"

#define MAXOUT 32

struct run {
	struct ctrlife *l;
	struct scry_rec_container out[MAXOUT];
	int n;
};

static struct run R;
static struct scry_container C;

/* As the pipeline: a made record is delivered (and so applied) at once. */
static void emit(void *ctx, const struct scry_rec_container *r, struct scry_container *c)
{
	struct run *run = ctx;
	struct scry_event ev[2];

	assert_true(run->n < MAXOUT);
	run->out[run->n++] = *r;
	assert_int_equal(decode__record(r, sizeof(*r), ev), 1);
	ev[0].container = c;
	assert_false(ctrlife__before(run->l, &ev[0], c));
	ctrlife__after(run->l, &ev[0], c);
}

/* Feed one record as the pipeline does; true if it was dropped. */
static bool feed(const void *rec, struct scry_container *c)
{
	struct scry_event ev[2];
	const struct scry_hdr *h = rec;

	assert_int_equal(decode__record(rec, h->size, ev), 1);
	ev[0].container = c;
	if (ctrlife__before(R.l, &ev[0], c))
		return true;
	ctrlife__after(R.l, &ev[0], c);
	return false;
}

static void hdr(struct scry_hdr *h, uint16_t type, uint16_t size, uint32_t pid, uint64_t ts,
		uint64_t cgid)
{
	memset(h, 0, size);
	h->type = type;
	h->size = size;
	h->pid = h->tid = pid;
	h->ts = ts;
	h->cgid = cgid;
}

static bool cgroup(enum scry_ctr_action a, uint64_t cgid, uint64_t ts, struct scry_container *c)
{
	struct scry_rec_container r;
	struct scry_hdr ctl = { .ts = ts, .cpu = 1 };

	ctrlife_cgroup_rec(&r, a, cgid, &ctl);
	return feed(&r, c);
}

static void fork_(uint32_t pid, uint32_t vpid, uint64_t ts, uint64_t cgid)
{
	struct scry_rec_fork f;

	hdr(&f.h, SCRY_REC_FORK, sizeof(f), pid, ts, cgid);
	f.vpid = f.vtid = vpid;
	assert_false(feed(&f, &C));
}

static void exec_(uint32_t pid, uint32_t vpid, uint64_t ts, uint64_t cgid)
{
	struct scry_rec_exec x;

	hdr(&x.h, SCRY_REC_EXEC, SCRY_EXEC_FIXED, pid, ts, cgid);
	x.vpid = x.vtid = vpid;
	assert_false(feed(&x, &C));
}

static void exit_(uint32_t pid, int32_t code, uint64_t ts, uint64_t cgid)
{
	struct scry_rec_exit x;

	hdr(&x.h, SCRY_REC_EXIT, sizeof(x), pid, ts, cgid);
	x.exit_code = code;
	x.exit_flags = SCRY_EXIT_GROUP_DEAD;
	assert_false(feed(&x, &C));
}

static int setup(void **state)
{
	memset(&R, 0, sizeof(R));
	memset(&C, 0, sizeof(C));
	strcpy(C.id, "0123456789ab");
	strcpy(C.short_id, "0123456789ab");
	C.runtime = CTR_DOCKER;
	R.l = ctrlife__new(NULL, emit, &R);
	assert_non_null(R.l);
	ctrlife__set_live(R.l, true);
	return 0;
}

static int teardown(void **state)
{
	ctrlife__free(R.l);
	return 0;
}

static void life_of_a_container(void **state)
{
	struct scry_rec_oom o;

	assert_false(cgroup(SCRY_CTR_CREATED, 10, 1000, &C));
	assert_true(cgroup(SCRY_CTR_CREATED, 99, 1001, NULL));		/* the host's */
	/* runc's helper forks into the cgroup and exits before the init execs: no life yet */
	fork_(200, 200, 1100, 10);
	exit_(200, 0, 1150, 10);
	assert_int_equal(R.n, 0);
	/* the init (pid 1 inside) execs: started */
	fork_(300, 1, 1200, 10);
	exec_(300, 1, 1300, 10);
	assert_int_equal(R.n, 1);
	assert_int_equal(R.out[0].action, SCRY_CTR_STARTED);
	assert_int_equal(R.out[0].pid, 300);
	assert_int_equal(R.out[0].h.cgid, 10);
	assert_int_equal(R.out[0].h.ts, 1300);
	assert_int_equal(C.life.started_ts, 1300);
	/* a cgroup made inside it is no container event */
	assert_true(cgroup(SCRY_CTR_CREATED, 11, 1350, &C));
	fork_(301, 2, 1400, 10);
	exec_(301, 2, 1450, 10);	/* a second exec: nothing */
	hdr(&o.h, SCRY_REC_OOM, sizeof(o), 301, 1480, 10);
	assert_false(feed(&o, &C));
	assert_int_equal(R.n, 2);
	assert_int_equal(R.out[1].action, SCRY_CTR_OOM);
	assert_int_equal(R.out[1].pid, 301);
	/* the init dies of SIGKILL; the container stops with the last process, with its status */
	exit_(300, 9, 1500, 10);
	assert_int_equal(R.n, 2);
	exit_(301, 9, 1600, 10);
	assert_int_equal(R.n, 3);
	assert_int_equal(R.out[2].action, SCRY_CTR_STOPPED);
	assert_int_equal(R.out[2].ctr_flags, SCRY_CTRF_EXIT);
	assert_int_equal(R.out[2].exit_code, 9);
	assert_int_equal(R.out[2].pid, 300);
	assert_int_equal(R.out[2].since_ts, 1300);
	assert_int_equal(R.out[2].h.ts, 1600);
	assert_int_equal(ctr_exit_code(R.out[2].exit_code), 137);
	assert_int_equal(C.life.stopped_ts, 1600);
	assert_true(C.life.exit_known);
	assert_int_equal(C.life.ooms, 1);
	/* the inner cgroup goes first (dropped), then the container's own */
	assert_true(cgroup(SCRY_CTR_REMOVED, 11, 1700, &C));
	assert_false(cgroup(SCRY_CTR_REMOVED, 10, 1710, &C));
	assert_int_equal(R.n, 3);
	assert_int_equal(C.life.removed_ts, 1710);
	assert_true(C.pins >= 1);	/* kept for lscontainers' history */
}

static void exit_status_and_info(void **state)
{
	struct scry_event ev[2];
	struct sbuf b;
	char buf[256];

	assert_false(cgroup(SCRY_CTR_CREATED, 10, 1000, &C));
	exec_(300, 1, 1300, 10);
	exit_(300, 3 << 8, 1400, 10);
	assert_int_equal(R.n, 2);
	assert_int_equal(ctr_exit_code(R.out[1].exit_code), 3);
	assert_int_equal(decode__record(&R.out[1], sizeof(R.out[1]), ev), 1);
	ev[0].container = &C;
	sbuf__init(&b, buf, sizeof(buf));
	evt_info(&ev[0], &b);
	assert_string_equal(buf, "action=stopped id=0123456789ab runtime_action=die pid=300 "
			    "status=3 exit_code=3 lifetime=100");
}

/* Exits lost to a full ring: the cgroup's removal says it is empty, without an exit code. */
static void lost_exits(void **state)
{
	assert_false(cgroup(SCRY_CTR_CREATED, 10, 1000, &C));
	exec_(300, 1, 1300, 10);
	assert_false(cgroup(SCRY_CTR_REMOVED, 10, 2000, &C));
	assert_int_equal(R.n, 2);
	assert_int_equal(R.out[1].action, SCRY_CTR_STOPPED);
	assert_int_equal(R.out[1].ctr_flags, 0);
	assert_int_equal(R.out[1].h.ts, 2000);
	/* the lost exit's pid, reused by a host process that exits: the container's entry is gone
	 * with the container, and nothing comes of it (the sanitizer build saw the freed entry
	 * written before) */
	{
		struct scry_rec_exit x;

		hdr(&x.h, SCRY_REC_EXIT, sizeof(x), 300, 2100, 1);
		x.exit_code = 0;
		x.exit_flags = SCRY_EXIT_GROUP_DEAD;
		assert_false(feed(&x, NULL));	/* a host process now */
	}
	assert_int_equal(R.n, 2);
}

static void procs_when_asked(void **state)
{
	ctrlife__set_procs(R.l, true);
	assert_false(cgroup(SCRY_CTR_CREATED, 10, 1000, &C));
	/* runc's helpers come and go before the start: no count of them */
	fork_(200, 200, 1100, 10);
	fork_(201, 201, 1110, 10);
	exit_(200, 0, 1150, 10);
	exit_(201, 0, 1160, 10);
	assert_int_equal(R.n, 0);
	exec_(300, 1, 1300, 10);
	fork_(301, 2, 1400, 10);
	fork_(302, 3, 1500, 10);
	exit_(302, 0, 1600, 10);
	assert_int_equal(R.n, 4);
	assert_int_equal(R.out[1].action, SCRY_CTR_PROCS);
	assert_int_equal(R.out[1].procs, 2);
	assert_int_equal(R.out[2].procs, 3);
	assert_int_equal(R.out[3].procs, 2);
}

/* A container that predates scry (no process table here): its exit still stops it. */
static void predating_container_stops(void **state)
{
	exit_(400, 1 << 8, 1400, 10);
	assert_int_equal(R.n, 1);
	assert_int_equal(R.out[0].action, SCRY_CTR_STOPPED);
	assert_int_equal(R.out[0].since_ts, 0);		/* its start was not seen */
	assert_int_equal(R.out[0].h.cgid, 10);
	exit_(401, 0, 1500, 10);			/* no second stop */
	assert_int_equal(R.n, 1);
}

/* A replay makes nothing: its container records are in the file, and keep the life. */
static void replay_makes_nothing(void **state)
{
	struct scry_rec_container r;
	struct scry_hdr ctl = { .ts = 5000 };

	ctrlife__set_live(R.l, false);
	assert_false(cgroup(SCRY_CTR_CREATED, 10, 1000, &C));
	exec_(300, 1, 1300, 10);
	exit_(300, 0, 1400, 10);
	assert_int_equal(R.n, 0);
	ctrlife_cgroup_rec(&r, SCRY_CTR_STOPPED, 10, &ctl);
	r.ctr_flags = SCRY_CTRF_EXIT;
	r.exit_code = 2 << 8;
	r.since_ts = 4000;
	assert_false(feed(&r, &C));
	assert_int_equal(C.life.created_ts, 1000);
	assert_int_equal(C.life.started_ts, 4000);
	assert_int_equal(C.life.stopped_ts, 5000);
	assert_int_equal(ctr_exit_code(C.life.exit_code), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(life_of_a_container, setup, teardown),
		cmocka_unit_test_setup_teardown(exit_status_and_info, setup, teardown),
		cmocka_unit_test_setup_teardown(lost_exits, setup, teardown),
		cmocka_unit_test_setup_teardown(procs_when_asked, setup, teardown),
		cmocka_unit_test_setup_teardown(predating_container_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(replay_makes_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
