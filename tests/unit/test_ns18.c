// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (ns18): the zombie table and entered containers, through the pipeline as a replay
 * feeds it: a zombie from its exit to its reap (and its parent's change when that parent
 * exits first), one seeded from /proc; a host process in a container's namespaces named after
 * the container and marked entered, its nsenter event a line, its CPU the host's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scry/container.h"
#include "scry/decode.h"
#include "scry/sink.h"
#include "scry/state.h"

#define HOST_CG 7
#define CTR_CG 50

struct seen {
	int lines;			/* events that reached a sink of lines */
	const struct scry_container *ctr[16];
	bool entered[16];
	uint16_t type[16];
	int n;
};

static int seen_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct seen *s = ctx;

	(void)matched;
	if (s->n < 16) {
		s->ctr[s->n] = ev->container;
		s->entered[s->n] = ev->entered;
		s->type[s->n] = ev->type;
		s->n++;
	}
	return 0;
}
static int seen_tick(void *ctx, uint64_t ts) { (void)ctx; (void)ts; return 0; }
static int seen_finish(void *ctx) { (void)ctx; return 0; }
static void seen_free(void *ctx) { (void)ctx; }
static const struct sink_ops seen_ops = SINK_OPS(seen, "seen", 0);

struct fixture {
	struct proctab *pt;
	struct containers *cs;
	struct pipeline *pl;
	struct scry_container *web;
	struct seen s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct containers_opts co = { 0 };
	struct ctr_meta m = { .name = strdup("web") };

	f->pt = proctab__new(NULL);
	f->cs = containers__new(&co, false);
	f->web = containers__add(f->cs, CTR_CG, "0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef",
				 CTR_DOCKER, &m);
	f->pl = pipeline__new(f->pt, f->cs);
	assert_non_null(f->web);
	assert_int_equal(pipeline__add_sink(f->pl, &seen_ops, &f->s), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pipeline__free(f->pl);
	proctab__free(f->pt);
	containers__free(f->cs);
	free(f);
	return 0;
}

static void hdr(struct scry_hdr *h, uint16_t type, uint16_t size, uint32_t pid, uint64_t cg,
		uint64_t ts, const char *comm)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->size = size;
	h->pid = h->tid = pid;
	h->cgid = cg;
	h->ts = ts;
	strncpy(h->comm, comm, SCRY_COMM_LEN - 1);
}

static void fork_rec(struct fixture *f, uint32_t parent, uint32_t child, uint64_t cg, uint64_t ts)
{
	struct scry_rec_fork r = { 0 };

	hdr(&r.h, SCRY_REC_FORK, sizeof(r), child, cg, ts, "sh");
	r.parent_pid = r.parent_tid = r.ppid = parent;
	r.vpid = r.vtid = child;
	assert_int_equal(pipeline__record(f->pl, &r, sizeof(r)), 0);
}

static void exit_rec(struct fixture *f, uint32_t pid, uint32_t reaper, uint64_t cg, uint64_t ts)
{
	struct scry_rec_exit r = { 0 };

	hdr(&r.h, SCRY_REC_EXIT, sizeof(r), pid, cg, ts, "sh");
	r.exit_code = 3 << 8;
	r.exit_flags = SCRY_EXIT_GROUP_DEAD | (reaper ? SCRY_EXIT_REAPER : 0);
	r.reaper = reaper;
	assert_int_equal(pipeline__record(f->pl, &r, sizeof(r)), 0);
}

static void zombie_rec(struct fixture *f, uint32_t pid, uint32_t kind, uint32_t ppid, uint64_t ts)
{
	struct scry_rec_zombie r = { 0 };

	hdr(&r.h, SCRY_REC_ZOMBIE, sizeof(r), pid, CTR_CG, ts, "z");
	r.kind = kind;
	r.ppid = ppid;
	r.vpid = 9;
	r.parent_vpid = 1;
	assert_int_equal(pipeline__record(f->pl, &r, sizeof(r)), 0);
}

static void ns_rec(struct fixture *f, uint32_t pid, uint32_t kind, uint32_t parent, uint64_t cg,
		   uint32_t base, uint64_t ts)
{
	struct scry_rec_ns r = { 0 };
	int i;

	hdr(&r.h, SCRY_REC_NS, sizeof(r), pid, cg, ts, "nsenter");
	r.kind = kind;
	r.parent = parent;
	r.vpid = 14;
	for (i = 0; i < SCRY_NS__MAX; i++)
		r.ns[i] = base + i;
	assert_int_equal(pipeline__record(f->pl, &r, sizeof(r)), 0);
}

static void zombies_from_exit_to_reap(void **state)
{
	struct fixture *f = *state;
	const struct zombie *z;

	fork_rec(f, 1, 100, CTR_CG, 1000);	/* the container's init */
	fork_rec(f, 100, 200, CTR_CG, 2000);
	fork_rec(f, 200, 300, CTR_CG, 3000);
	exit_rec(f, 300, 1, CTR_CG, 4000);
	z = zombietab__find(zombietab_current, 300);
	assert_non_null(z);
	assert_int_equal(z->ppid, 200);
	assert_int_equal(z->exit_ts, 4000);
	assert_int_equal(z->exit_code, 3 << 8);
	assert_ptr_equal(z->container, f->web);
	assert_int_equal(zombietab__children(zombietab_current, 200), 1);
	assert_int_equal(zombietab__of_container(zombietab_current, f->web), 1);
	/* its parent exits first: the kernel gives the zombie to the reaper */
	exit_rec(f, 200, 100, CTR_CG, 5000);
	z = zombietab__find(zombietab_current, 300);
	assert_int_equal(z->ppid, 100);
	/* and 200 is a zombie too, of 100 */
	assert_int_equal(zombietab__children(zombietab_current, 100), 2);
	assert_int_equal(zombietab__count(zombietab_current), 2);
	zombie_rec(f, 300, SCRY_ZB_REAPED, 0, 6000);
	zombie_rec(f, 200, SCRY_ZB_REAPED, 0, 6001);
	assert_int_equal(zombietab__count(zombietab_current), 0);
	/* one found in /proc: no exit time */
	zombie_rec(f, 400, SCRY_ZB_SEED, 100, 7000);
	z = zombietab__find(zombietab_current, 400);
	assert_non_null(z);
	assert_int_equal(z->exit_ts, 0);
	assert_int_equal(z->seen_ts, 7000);
	assert_int_equal(z->parent_vpid, 1);
	/* a fork that reuses its pid: it was reaped (its free record lost) */
	fork_rec(f, 100, 400, CTR_CG, 8000);
	assert_null(zombietab__find(zombietab_current, 400));
	/* none of them is a line: the 4 forks and 2 exits are */
	assert_int_equal(f->s.n, 6);
	for (int i = 0; i < f->s.n; i++)
		assert_true(f->s.type[i] == SCRY_REC_FORK || f->s.type[i] == SCRY_REC_EXIT);
}

static void entered_container(void **state)
{
	struct fixture *f = *state;
	struct scry_rec_switch sw = { 0 };
	struct scry_rec_sys_exit ex = { 0 };
	int i;

	/* the host's: pid 1's (1000..), and scry's own (2000..: pid 1 is an agent elsewhere) */
	ns_rec(f, 1, SCRY_NSK_HOST, 0, HOST_CG, 1000, 100);
	ns_rec(f, 2, SCRY_NSK_HOST, 0, HOST_CG, 2000, 101);
	fork_rec(f, 1, 90, HOST_CG, 150);			/* a host shell */
	fork_rec(f, 1, 10, CTR_CG, 200);			/* the container's init */
	ns_rec(f, 10, SCRY_NSK_EXEC, 1, CTR_CG, 5000, 300);	/* its namespaces: 5000.. */
	assert_null(nstab__entered(nstab_current, 10));
	/* nsenter -p: its child's fork record, then its namespaces */
	fork_rec(f, 90, 299, HOST_CG, 400);
	fork_rec(f, 299, 300, HOST_CG, 499);
	assert_null(nstab__entered(nstab_current, 300));
	ns_rec(f, 300, SCRY_NSK_FORK, 299, HOST_CG, 5000, 500);
	assert_ptr_equal(nstab__entered(nstab_current, 300), f->web);
	assert_null(nstab__entered(nstab_current, 299));
	/* its syscall: the container's, marked */
	hdr(&ex.h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_SHORT, 300, HOST_CG, 600, "loop");
	ex.nr = 110;
	assert_int_equal(pipeline__record(f->pl, &ex, SCRY_SYS_EXIT_SHORT), 0);
	/* its CPU: the host's, where the kernel charges it */
	hdr(&sw.h, SCRY_REC_SWITCH, sizeof(sw), 300, HOST_CG, 700, "loop");
	sw.runtime_ns = 1000;
	assert_int_equal(pipeline__record(f->pl, &sw, sizeof(sw)), 0);
	/* a host process in the host's namespaces is the host's */
	hdr(&ex.h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_SHORT, 90, HOST_CG, 800, "sh");
	assert_int_equal(pipeline__record(f->pl, &ex, SCRY_SYS_EXIT_SHORT), 0);
	/* lines: 5 forks, the nsenter event (not the seed, not the init's exec), 2 exits, switch */
	for (i = 0; i < f->s.n; i++)
		if (f->s.type[i] == SCRY_REC_NS)
			break;
	assert_true(i < f->s.n);
	assert_ptr_equal(f->s.ctr[i], f->web);
	assert_true(f->s.entered[i]);
	assert_int_equal(f->s.n, 8);
	assert_int_equal(f->s.type[5], SCRY_REC_SYS_EXIT);
	assert_ptr_equal(f->s.ctr[5], f->web);
	assert_true(f->s.entered[5]);
	assert_int_equal(f->s.type[6], SCRY_REC_SWITCH);
	assert_null(f->s.ctr[6]);
	assert_false(f->s.entered[6]);
	assert_int_equal(f->s.type[7], SCRY_REC_SYS_EXIT);
	assert_null(f->s.ctr[7]);
	/* it joins the container's cgroup (as runc's exec does after setns): its own, unmarked */
	hdr(&ex.h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_SHORT, 300, CTR_CG, 850, "loop");
	assert_int_equal(pipeline__record(f->pl, &ex, SCRY_SYS_EXIT_SHORT), 0);
	assert_int_equal(f->s.n, 9);
	assert_ptr_equal(f->s.ctr[8], f->web);
	assert_false(f->s.entered[8]);
	exit_rec(f, 300, 1, CTR_CG, 900);
	assert_null(nstab__entered(nstab_current, 300));
	/* another nsenter: its exit is still marked, then it is forgotten */
	fork_rec(f, 299, 301, HOST_CG, 910);
	ns_rec(f, 301, SCRY_NSK_FORK, 299, HOST_CG, 5000, 911);
	assert_ptr_equal(nstab__entered(nstab_current, 301), f->web);
	exit_rec(f, 301, 1, HOST_CG, 920);
	assert_int_equal(f->s.n, 13);
	assert_int_equal(f->s.type[12], SCRY_REC_EXIT);
	assert_ptr_equal(f->s.ctr[12], f->web);
	assert_true(f->s.entered[12]);
	assert_null(nstab__entered(nstab_current, 301));
	/*
	 * A runtime's init in the container's cgroup while still in the host's namespaces (scry's
	 * set) teaches nothing: a host process in them is the host's.
	 */
	fork_rec(f, 1, 11, CTR_CG, 1000);
	ns_rec(f, 11, SCRY_NSK_EXEC, 1, CTR_CG, 2000, 1001);
	fork_rec(f, 90, 95, HOST_CG, 1002);
	ns_rec(f, 95, SCRY_NSK_FORK, 90, HOST_CG, 2000, 1003);
	assert_null(nstab__entered(nstab_current, 95));
	/* nor pid 1's: a process in pid 1's namespaces, in the container's cgroup */
	ns_rec(f, 12, SCRY_NSK_SEED, 1, CTR_CG, 1000, 1004);
	ns_rec(f, 96, SCRY_NSK_SEED, 1, HOST_CG, 1000, 1005);
	assert_null(nstab__entered(nstab_current, 96));
}

/* A crafted capture's zombie seeds: the table keeps 65536 and no more. */
static void zombies_bounded(void **state)
{
	struct fixture *f = *state;
	uint32_t pid;

	for (pid = 1000; pid < 1000 + 65536 + 100; pid++)
		zombie_rec(f, pid, SCRY_ZB_SEED, 100, 7000 + pid);
	assert_int_equal(zombietab__count(zombietab_current), 65536);
	assert_null(zombietab__find(zombietab_current, 1000 + 65536));
	/* one reaped makes room again */
	zombie_rec(f, 1000, SCRY_ZB_REAPED, 0, 100000000);
	zombie_rec(f, 1000 + 65536, SCRY_ZB_SEED, 100, 100000001);
	assert_non_null(zombietab__find(zombietab_current, 1000 + 65536));
}

/*
 * A container removed: its namespaces' inode numbers go back to the kernel, which gives them to
 * new namespaces; a host process that gets one later has entered nothing.
 */
static void removed_container_forgotten(void **state)
{
	struct fixture *f = *state;
	struct scry_rec_container rc = { 0 };

	ns_rec(f, 1, SCRY_NSK_HOST, 0, HOST_CG, 1000, 100);
	fork_rec(f, 1, 90, HOST_CG, 150);
	fork_rec(f, 1, 10, CTR_CG, 200);
	ns_rec(f, 10, SCRY_NSK_EXEC, 1, CTR_CG, 5000, 300);
	fork_rec(f, 90, 300, HOST_CG, 400);
	ns_rec(f, 300, SCRY_NSK_FORK, 90, HOST_CG, 5000, 500);
	assert_ptr_equal(nstab__entered(nstab_current, 300), f->web);
	exit_rec(f, 300, 1, HOST_CG, 600);
	exit_rec(f, 10, 1, CTR_CG, 700);
	hdr(&rc.h, SCRY_REC_CONTAINER, sizeof(rc), 0, CTR_CG, 800, "");
	rc.h.tid = 0;
	rc.action = SCRY_CTR_REMOVED;
	assert_int_equal(pipeline__record(f->pl, &rc, sizeof(rc)), 0);
	/* unshare -n -p: new namespaces that got the dead container's numbers */
	fork_rec(f, 90, 400, HOST_CG, 900);
	ns_rec(f, 400, SCRY_NSK_FORK, 90, HOST_CG, 5000, 1000);
	assert_null(nstab__entered(nstab_current, 400));
}

/*
 * The free record ahead of its exit record (the exit waited in its CPU's stage, the free went to
 * the ring at once): no zombie is left behind; a later exit of the same pid, after a fork that
 * reused it, is a zombie again.
 */
static void free_before_exit(void **state)
{
	struct fixture *f = *state;

	fork_rec(f, 1, 100, CTR_CG, 1000);
	fork_rec(f, 100, 200, CTR_CG, 2000);
	zombie_rec(f, 200, SCRY_ZB_REAPED, 0, 3100);
	exit_rec(f, 200, 1, CTR_CG, 3000);
	assert_null(zombietab__find(zombietab_current, 200));
	assert_int_equal(zombietab__count(zombietab_current), 0);
	fork_rec(f, 100, 200, CTR_CG, 4000);
	exit_rec(f, 200, 1, CTR_CG, 5000);
	assert_non_null(zombietab__find(zombietab_current, 200));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(zombies_from_exit_to_reap, setup, teardown),
		cmocka_unit_test_setup_teardown(entered_container, setup, teardown),
		cmocka_unit_test_setup_teardown(zombies_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(removed_container_forgotten, setup, teardown),
		cmocka_unit_test_setup_teardown(free_before_exit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
