// SPDX-License-Identifier: GPL-2.0
/* The process table: seeding from a procfs tree and upkeep from fork/exec/exit/switch records. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "scry/decode.h"
#include "scry/state.h"

static char root[64];

static void put(const char *rel, const char *data, size_t len)
{
	char path[256], *slash;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

#define PUTS(rel, s) put(rel, s, sizeof(s) - 1)

/* A fake /proc with one two-threaded process whose comm has a space and a parenthesis. */
static int make_procfs(void **state)
{
	char link[256];

	strcpy(root, "/tmp/scry-procfs-XXXXXX");
	assert_non_null(mkdtemp(root));
	PUTS("300/stat", "300 (my (app) x) S 1 300 300 0 -1 4194560 1 0 0 0 5 6 0 0 20 0 2 0 4200 "
			 "1000 100 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
	PUTS("300/status", "Name:\tmy (app) x\nUid:\t1000\t1001\t1001\t1001\nGid:\t50\t51\t51\t51\n"
			   "NStgid:\t300\t7\nNSpid:\t300\t7\n");
	PUTS("300/cmdline", "/usr/bin/app\0--flag\0value\0");
	PUTS("300/task/300/comm", "my (app) x\n");
	PUTS("300/task/300/status", "NSpid:\t300\t7\n");
	PUTS("300/task/301/comm", "worker\n");
	PUTS("300/task/301/status", "NSpid:\t301\t8\n");
	snprintf(link, sizeof(link), "%s/300/exe", root);
	assert_int_equal(symlink("/usr/bin/app", link), 0);
	return 0;
}

static int rm_procfs(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static void seed_reads_everything(void **state)
{
	struct proctab *pt = proctab__new(root);
	struct scry_proc *p;
	struct scry_thread *t;

	assert_int_equal(proctab__seed(pt), 1);
	p = proctab__proc(pt, 300);
	assert_non_null(p);
	assert_string_equal(p->comm, "my (app) x");
	assert_int_equal(p->ppid, 1);
	assert_int_equal(p->uid, 1001);	/* effective */
	assert_int_equal(p->gid, 51);
	assert_int_equal(p->vpid, 7);
	assert_string_equal(p->exe, "/usr/bin/app");
	assert_int_equal(p->args_len, sizeof("/usr/bin/app\0--flag\0value") - 1);
	assert_memory_equal(p->args, "/usr/bin/app\0--flag\0value", p->args_len);
	assert_int_equal(p->start_ts, 4200ULL * (1000000000ULL / sysconf(_SC_CLK_TCK)));
	assert_int_equal(p->nthreads, 2);
	assert_false(p->kids);	/* no process of the tree names it as its parent */
	t = proctab__thread(pt, 301);
	assert_non_null(t);
	assert_string_equal(t->comm, "worker");
	assert_int_equal(t->vtid, 8);
	assert_ptr_equal(t->proc, p);
	proctab__free(pt);
}

static size_t count_procs(struct proctab *pt)
{
	size_t pos = 0, n = 0;

	while (proctab__next_proc(pt, &pos))
		n++;
	return n;
}

static size_t count_threads(struct proctab *pt)
{
	size_t pos = 0, n = 0;

	while (proctab__next_thread(pt, &pos))
		n++;
	return n;
}

static void hdr(struct scry_hdr *h, uint16_t type, uint16_t size, uint32_t pid, uint32_t tid,
		const char *comm, uint64_t ts)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->size = size;
	h->pid = pid;
	h->tid = tid;
	h->ts = ts;
	h->cgid = 9;
	strncpy(h->comm, comm, sizeof(h->comm) - 1);
}

static void apply(struct proctab *pt, const void *rec, uint32_t size, struct scry_event *ev)
{
	struct scry_event evs[2];
	int n = decode__record(rec, size, evs), i;

	assert_true(n >= 1);
	for (i = 0; i < n; i++)
		proctab__apply(pt, &evs[i]);
	*ev = evs[n - 1];
}

static void fork_exec_exit(void **state)
{
	struct proctab *pt = proctab__new(NULL);	/* replay mode: no /proc */
	static struct scry_rec_exec ex;
	struct scry_rec_fork fk;
	struct scry_rec_switch sw;
	struct scry_rec_exit px;
	struct scry_rec_sys_enter en;
	struct scry_rec_sys_exit sx;
	struct scry_event ev;
	struct scry_proc *p;
	const char args[] = "ls\0-l";

	/* a parent first seen through a syscall: built from the header alone */
	hdr(&en.h, SCRY_REC_SYS_ENTER, sizeof(en), 500, 500, "bash", 1000);
	en.nr = SYS_getppid;
	apply(pt, &en, sizeof(en), &ev);
	assert_non_null(ev.proc);
	assert_string_equal(ev.proc->comm, "bash");
	memset(&sx, 0, sizeof(sx));
	hdr(&sx.h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_SHORT, 500, 500, "bash", 1500);
	sx.nr = SYS_getppid;
	apply(pt, &sx, SCRY_SYS_EXIT_SHORT, &ev);
	assert_int_equal(ev.latency, 500);

	memset(&fk, 0, sizeof(fk));
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), 501, 501, "bash", 2000);
	fk.parent_pid = 500;
	fk.parent_tid = 500;
	fk.ppid = 500;
	fk.vpid = 501;
	fk.vtid = 501;
	apply(pt, &fk, sizeof(fk), &ev);
	p = proctab__proc(pt, 501);
	assert_non_null(p);
	assert_int_equal(p->ppid, 500);
	assert_int_equal(p->start_ts, 2000);
	assert_string_equal(p->comm, "bash");

	memset(&ex, 0, sizeof(ex));
	ex.exe_len = 7;
	memcpy(ex.data, "/bin/ls", 7);
	ex.args_len = sizeof(args);
	memcpy(ex.data + 7, args, sizeof(args));
	ex.old_tid = 501;
	ex.ppid = 500;
	ex.vpid = 501;
	ex.vtid = 501;
	hdr(&ex.h, SCRY_REC_EXEC, SCRY_EXEC_FIXED + 7 + sizeof(args), 501, 501, "ls", 3000);
	apply(pt, &ex, ex.h.size, &ev);
	assert_string_equal(p->exe, "/bin/ls");
	assert_string_equal(p->comm, "ls");
	assert_int_equal(p->args_len, sizeof(args) - 1);
	assert_memory_equal(p->args, args, sizeof(args) - 1);

	memset(&px, 0, sizeof(px));
	hdr(&px.h, SCRY_REC_EXIT, sizeof(px), 501, 501, "ls", 4000);
	px.exit_flags = SCRY_EXIT_GROUP_DEAD;
	apply(pt, &px, sizeof(px), &ev);
	assert_true(p->dead);

	/* the last switch-out after exit still finds the process and charges it */
	memset(&sw, 0, sizeof(sw));
	hdr(&sw.h, SCRY_REC_SWITCH, sizeof(sw), 501, 501, "ls", 4100);
	sw.runtime_ns = 777;
	apply(pt, &sw, sizeof(sw), &ev);
	assert_ptr_equal(ev.proc, p);
	assert_int_equal(p->cpu_ns, 777);

	/* within the grace period nothing is freed; after it, the entry goes */
	proctab__reap(pt, 4200, 1000);
	assert_non_null(proctab__proc(pt, 501));
	proctab__reap(pt, 10000, 1000);
	assert_null(proctab__proc(pt, 501));
	assert_null(proctab__thread(pt, 501));
	assert_non_null(proctab__proc(pt, 500));
	proctab__free(pt);
}

static void threads_and_pid_reuse(void **state)
{
	struct proctab *pt = proctab__new(NULL);
	struct scry_rec_fork fk;
	struct scry_rec_exit px;
	struct scry_event ev;
	struct scry_proc *p, *p2;

	memset(&fk, 0, sizeof(fk));
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), 600, 600, "srv", 100);
	fk.parent_pid = 1;
	fk.ppid = 1;
	apply(pt, &fk, sizeof(fk), &ev);
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), 600, 601, "srv-io", 110);
	fk.parent_pid = 600;
	fk.parent_tid = 600;
	fk.fork_flags = SCRY_FORK_THREAD;
	apply(pt, &fk, sizeof(fk), &ev);
	p = proctab__proc(pt, 600);
	assert_int_equal(p->nthreads, 2);
	assert_ptr_equal(proctab__thread(pt, 601)->proc, p);

	memset(&px, 0, sizeof(px));
	hdr(&px.h, SCRY_REC_EXIT, sizeof(px), 600, 601, "srv-io", 200);
	apply(pt, &px, sizeof(px), &ev);
	assert_false(p->dead);
	assert_int_equal(p->nthreads, 1);
	hdr(&px.h, SCRY_REC_EXIT, sizeof(px), 600, 600, "srv", 210);
	px.exit_flags = SCRY_EXIT_GROUP_DEAD;
	apply(pt, &px, sizeof(px), &ev);
	assert_true(p->dead);

	/* pid 600 comes back before the grace period ends: a new entry, the old one kept for
	 * thread 601 which still points at it, then both freed without use-after-free */
	memset(&fk, 0, sizeof(fk));
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), 600, 600, "new", 300);
	fk.parent_pid = 1;
	fk.ppid = 1;
	apply(pt, &fk, sizeof(fk), &ev);
	p2 = proctab__proc(pt, 600);
	assert_ptr_not_equal(p2, NULL);
	assert_string_equal(p2->comm, "new");
	assert_false(p2->dead);
	assert_string_equal(proctab__thread(pt, 601)->proc->comm, "srv");
	proctab__reap(pt, 100000, 1000);
	assert_null(proctab__thread(pt, 601));
	assert_ptr_equal(proctab__proc(pt, 600), p2);
	proctab__free(pt);
}

/*
 * execve from a non-leader thread: de_thread() waits for the old leader to exit, so its EXIT
 * arrives before the EXEC, which carries the leader's tid. The process lives on as one thread.
 */
static void exec_from_a_thread(void **state)
{
	struct proctab *pt = proctab__new(NULL);
	static struct scry_rec_exec ex;
	struct scry_rec_fork fk;
	struct scry_rec_exit px;
	struct scry_event ev;
	struct scry_proc *p;

	memset(&fk, 0, sizeof(fk));
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), 800, 800, "app", 100);
	fk.parent_pid = 1;
	fk.ppid = 1;
	apply(pt, &fk, sizeof(fk), &ev);
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), 800, 801, "app", 110);
	fk.parent_pid = 800;
	fk.parent_tid = 800;
	fk.fork_flags = SCRY_FORK_THREAD;
	apply(pt, &fk, sizeof(fk), &ev);
	p = proctab__proc(pt, 800);

	memset(&px, 0, sizeof(px));
	hdr(&px.h, SCRY_REC_EXIT, sizeof(px), 800, 800, "app", 200);	/* killed by de_thread */
	apply(pt, &px, sizeof(px), &ev);
	memset(&ex, 0, sizeof(ex));
	ex.exe_len = 4;
	memcpy(ex.data, "/new", 4);
	ex.old_tid = 801;
	ex.ppid = 1;
	ex.vpid = ex.vtid = 800;
	hdr(&ex.h, SCRY_REC_EXEC, SCRY_EXEC_FIXED + 4, 800, 800, "new", 210);
	apply(pt, &ex, ex.h.size, &ev);
	assert_ptr_equal(ev.proc, p);
	assert_false(p->dead);
	assert_int_equal(p->nthreads, 1);
	assert_false(proctab__thread(pt, 800)->dead);
	assert_null(proctab__thread(pt, 801));
	assert_string_equal(p->exe, "/new");

	/* a short-lived thread of the new image does not end the process */
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), 800, 802, "new", 300);
	apply(pt, &fk, sizeof(fk), &ev);
	hdr(&px.h, SCRY_REC_EXIT, sizeof(px), 800, 802, "new", 310);
	apply(pt, &px, sizeof(px), &ev);
	assert_false(p->dead);
	proctab__reap(pt, 100000, 1000);
	assert_ptr_equal(proctab__proc(pt, 800), p);
	assert_non_null(proctab__thread(pt, 800));

	/* and its real exit is seen */
	hdr(&px.h, SCRY_REC_EXIT, sizeof(px), 800, 800, "new", 400);
	px.exit_flags = SCRY_EXIT_GROUP_DEAD;
	apply(pt, &px, sizeof(px), &ev);
	assert_true(p->dead);
	proctab__free(pt);
}

/*
 * prctl(PR_SET_NAME) or a write to /proc/PID/task/TID/comm, on a process known from its fork:
 * the rename record's header carries the new name. A thread other than the leader renames only
 * itself; the leader's new name is the process's too. Nothing else about either changes.
 */
static void rename_updates_comm(void **state)
{
	struct proctab *pt = proctab__new(NULL);
	struct scry_rec_rename rn;
	struct scry_rec_fork fk;
	struct scry_event ev;
	struct scry_thread *leader, *worker;
	struct scry_proc *p, before;

	memset(&fk, 0, sizeof(fk));
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), 700, 700, "oldname", 10);
	fk.parent_pid = fk.parent_tid = fk.ppid = 1;
	fk.vpid = fk.vtid = 700;
	fk.uid = 1000;
	fk.gid = 50;
	apply(pt, &fk, sizeof(fk), &ev);
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), 700, 701, "oldname", 20);
	fk.parent_pid = fk.parent_tid = 700;
	fk.vtid = 701;
	fk.fork_flags = SCRY_FORK_THREAD;
	apply(pt, &fk, sizeof(fk), &ev);
	p = proctab__proc(pt, 700);
	leader = proctab__thread(pt, 700);
	worker = proctab__thread(pt, 701);
	assert_non_null(p);
	assert_non_null(leader);
	assert_non_null(worker);
	assert_string_equal(p->comm, "oldname");
	assert_string_equal(leader->comm, "oldname");
	assert_string_equal(worker->comm, "oldname");
	before = *p;

	/* the second thread names itself */
	memset(&rn, 0, sizeof(rn));
	hdr(&rn.h, SCRY_REC_RENAME, sizeof(rn), 700, 701, "worker", 30);
	strcpy(rn.old_comm, "oldname");
	apply(pt, &rn, sizeof(rn), &ev);
	assert_ptr_equal(ev.proc, p);
	assert_ptr_equal(ev.thread, worker);
	assert_string_equal(worker->comm, "worker");
	assert_string_equal(leader->comm, "oldname");
	assert_string_equal(p->comm, "oldname");

	/* the leader renames: the process's name */
	hdr(&rn.h, SCRY_REC_RENAME, sizeof(rn), 700, 700, "newname", 40);
	strcpy(rn.old_comm, "oldname");
	apply(pt, &rn, sizeof(rn), &ev);
	assert_ptr_equal(ev.proc, p);
	assert_ptr_equal(ev.thread, leader);
	assert_string_equal(leader->comm, "newname");
	assert_string_equal(p->comm, "newname");
	assert_string_equal(worker->comm, "worker");

	/* the same entries, the rest as the fork made them */
	assert_ptr_equal(proctab__proc(pt, 700), p);
	assert_ptr_equal(proctab__thread(pt, 700), leader);
	assert_ptr_equal(proctab__thread(pt, 701), worker);
	assert_ptr_equal(worker->proc, p);
	assert_int_equal(p->pid, 700);
	assert_int_equal(p->ppid, 1);
	assert_int_equal(p->vpid, 700);
	assert_int_equal(p->uid, 1000);
	assert_int_equal(p->gid, 50);
	assert_int_equal(p->start_ts, 10);
	assert_int_equal(p->nthreads, 2);
	assert_false(p->dead);
	assert_int_equal(p->cgid, before.cgid);
	assert_int_equal(p->cpu_ns, before.cpu_ns);
	assert_ptr_equal(p->exe, before.exe);
	assert_ptr_equal(p->args, before.args);
	assert_int_equal(p->args_len, before.args_len);
	assert_int_equal(leader->vtid, 700);
	assert_int_equal(worker->vtid, 701);
	assert_false(leader->dead);
	assert_false(worker->dead);
	assert_int_equal(count_procs(pt), 1);
	assert_int_equal(count_threads(pt), 2);
	proctab__free(pt);
}

/* An exec record carries a comm of 16 bytes without a NUL: the table keeps 15 and a NUL. */
static void comm_always_terminated(void **state)
{
	struct proctab *pt = proctab__new(NULL);
	static struct scry_rec_exec ex;
	struct scry_rec_fork fk;
	struct scry_event ev;
	struct scry_proc *p;

	memset(&fk, 0, sizeof(fk));
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), 900, 900, "sh", 100);
	fk.parent_pid = 1;
	apply(pt, &fk, sizeof(fk), &ev);
	memset(&ex, 0, sizeof(ex));
	ex.exe_len = 4;
	memcpy(ex.data, "/bin", 4);
	ex.old_tid = 900;
	hdr(&ex.h, SCRY_REC_EXEC, SCRY_EXEC_FIXED + 4, 900, 900, "", 200);
	memcpy(ex.h.comm, "ABCDEFGHIJKLMNOP", SCRY_COMM_LEN);	/* all 16 bytes */
	apply(pt, &ex, ex.h.size, &ev);
	p = proctab__proc(pt, 900);
	assert_int_equal(p->comm[SCRY_COMM_LEN - 1], '\0');
	assert_string_equal(p->comm, "ABCDEFGHIJKLMNO");
	assert_string_equal(proctab__thread(pt, 900)->comm, "ABCDEFGHIJKLMNO");
	proctab__free(pt);
}

static void fork_rec(struct proctab *pt, uint32_t pid, uint32_t tid, uint64_t ts, bool thread)
{
	struct scry_rec_fork fk;
	struct scry_event ev;

	memset(&fk, 0, sizeof(fk));
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), pid, tid, "w", ts);
	fk.parent_pid = thread ? pid : 1;
	fk.parent_tid = thread ? pid : 1;
	fk.fork_flags = thread ? SCRY_FORK_THREAD : 0;
	apply(pt, &fk, sizeof(fk), &ev);
}

static void exit_rec(struct proctab *pt, uint32_t pid, uint32_t tid, uint64_t ts, bool group)
{
	struct scry_rec_exit px;
	struct scry_event ev;

	memset(&px, 0, sizeof(px));
	hdr(&px.h, SCRY_REC_EXIT, sizeof(px), pid, tid, "w", ts);
	px.exit_flags = group ? SCRY_EXIT_GROUP_DEAD : 0;
	apply(pt, &px, sizeof(px), &ev);
}

/*
 * Reaping frees exactly the entries dead for longer than the grace period, whatever the order
 * they died in, and a process only once no thread entry points at it.
 */
static void reaping_by_time_of_death(void **state)
{
	struct proctab *pt = proctab__new(NULL);
	uint32_t i;

	/* 1000 one-thread processes dying in a scrambled order of times */
	for (i = 0; i < 1000; i++)
		fork_rec(pt, 10000 + i, 10000 + i, 1000, false);
	for (i = 0; i < 1000; i++) {
		uint32_t k = (i * 7919) % 1000;

		exit_rec(pt, 10000 + k, 10000 + k, 2000 + k * 10, true);
	}
	proctab__reap(pt, 2000 + 500 * 10 + 100, 100);	/* those dead before 2000 + 5000 */
	for (i = 0; i < 1000; i++) {
		bool gone = 2000 + i * 10 + 100 < 2000 + 500 * 10 + 100;

		assert_true((proctab__proc(pt, 10000 + i) == NULL) == gone);
		assert_true((proctab__thread(pt, 10000 + i) == NULL) == gone);
	}
	assert_int_equal(count_procs(pt), 500);
	/* a process whose leader died, with a thread still alive: kept until that thread goes */
	fork_rec(pt, 500, 500, 100000, false);
	fork_rec(pt, 500, 501, 100001, true);
	exit_rec(pt, 500, 500, 100002, true);	/* group dead, 501's exit was lost */
	proctab__reap(pt, 200000, 100);
	assert_non_null(proctab__proc(pt, 500));
	assert_null(proctab__thread(pt, 500));
	assert_non_null(proctab__thread(pt, 501));
	exit_rec(pt, 500, 501, 200001, false);
	proctab__reap(pt, 200050, 100);
	assert_non_null(proctab__proc(pt, 500));	/* 501 within its grace period */
	proctab__reap(pt, 300000, 100);
	assert_null(proctab__proc(pt, 500));
	assert_null(proctab__thread(pt, 501));
	assert_int_equal(count_procs(pt), 0);
	assert_int_equal(count_threads(pt), 0);
	proctab__free(pt);
}

/*
 * A process past its grace period waits for its last thread entry; that entry goes outside a
 * reap (its tid reused), a new thread joins the process and dies with it: the entry is freed
 * once, by the reap (ASan sees a use after free otherwise).
 */
static void parked_dies_again(void **state)
{
	struct proctab *pt = proctab__new(NULL);

	fork_rec(pt, 700, 700, 1000, false);
	fork_rec(pt, 700, 701, 1001, true);
	exit_rec(pt, 700, 700, 1002, true);	/* 701's exit is lost */
	proctab__reap(pt, 5000, 100);		/* 700 past its grace, 701 still points at it */
	assert_non_null(proctab__proc(pt, 700));
	fork_rec(pt, 800, 701, 5001, false);	/* tid 701 reused by a new process */
	assert_ptr_equal(proctab__thread(pt, 701)->proc, proctab__proc(pt, 800));
	fork_rec(pt, 700, 702, 5002, true);	/* a record of a thread of 700 still */
	exit_rec(pt, 700, 702, 5003, true);
	proctab__reap(pt, 9000, 100);
	assert_null(proctab__proc(pt, 700));
	assert_null(proctab__thread(pt, 702));
	assert_non_null(proctab__proc(pt, 800));
	proctab__free(pt);
}

/* Past its bounds the table adds nothing more, and says so each time. */
static int overs[3];

static void count_over(void *ctx, enum proctab_bound what)
{
	overs[what]++;
}

static void bounded(void **state)
{
	struct proctab *pt = proctab__new(NULL);
	struct proctab_limits lim = { .procs = 100, .threads = 150, .cmd_bytes = 1000,
				      .over = count_over };
	struct scry_proc tmpl = { .pid = 1 };
	char args[300];
	uint32_t i;

	memset(overs, 0, sizeof(overs));
	memset(args, 'a', sizeof(args));
	proctab__set_limits(pt, &lim);
	for (i = 0; i < 1000; i++)
		fork_rec(pt, 20000 + i, 20000 + i, 1000 + i, false);	/* fresh pids, no exits */
	assert_int_equal(count_procs(pt), 100);
	assert_true(overs[PROCTAB_PROCS] > 0);
	for (i = 0; i < 100; i++)
		fork_rec(pt, 20000, 30000 + i, 5000 + i, true);
	assert_int_equal(count_threads(pt), 150);
	assert_true(overs[PROCTAB_THREADS] > 0);
	/* command lines: 3 of 300 bytes fit in 1000, the fourth is kept without one */
	for (i = 0; i < 4; i++) {
		struct scry_proc *p;

		tmpl.pid = 20000 + i;
		p = proctab__add_proc(pt, &tmpl, "/x", args, sizeof(args));
		assert_non_null(p);
		assert_int_equal(p->args_len, i < 3 ? sizeof(args) : 0);
	}
	assert_int_equal(overs[PROCTAB_CMD_BYTES], 1);
	proctab__free(pt);
}

/*
 * Exit records lost to ring drops: reconciling with procfs marks dead what is gone or is another
 * process under the same pid, at the newest event time, and reaping then frees it.
 */
static void reconcile_with_procfs(void **state)
{
	struct proctab *pt = proctab__new(root), *replay = proctab__new(NULL);
	uint64_t tick = 1000000000ULL / sysconf(_SC_CLK_TCK);
	struct scry_proc tmpl = { .pid = 0 };
	struct scry_proc *p;

	assert_int_equal(proctab__seed(pt), 1);	/* 300 with threads 300 and 301 */
	PUTS("310/stat", "310 (newer) S 1 310 310 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9000 0\n");
	PUTS("320/stat", "320 (zomb) Z 1 320 320 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0\n");
	tmpl.pid = 310;		/* in procfs, but started long before what /proc says */
	tmpl.start_ts = 100 * tick;
	assert_non_null(proctab__add_thread(pt, 310, 310, "old", proctab__add_proc(pt, &tmpl,
					    NULL, NULL, 0)));
	tmpl.pid = 320;		/* exited, not yet waited for */
	tmpl.start_ts = 100 * tick;
	assert_non_null(proctab__add_thread(pt, 320, 320, "zomb", proctab__add_proc(pt, &tmpl,
					    NULL, NULL, 0)));
	tmpl.pid = 330;		/* gone */
	tmpl.start_ts = 0;
	p = proctab__add_proc(pt, &tmpl, NULL, NULL, 0);
	assert_non_null(proctab__add_thread(pt, 330, 330, "gone", p));
	assert_non_null(proctab__add_thread(pt, 331, 331, "gone2", p));
	/* a thread of 300 that /proc does not have */
	assert_non_null(proctab__add_thread(pt, 302, 302, "lost", proctab__proc(pt, 300)));
	fork_rec(pt, 300, 303, 777777, true);	/* the newest event time: 777777 */
	PUTS("300/task/303/stat", "303 (w) S 1 300 300 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4200 0\n");
	PUTS("300/task/300/stat", "300 (my (app) x) S 1 300 300 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4200 0\n");
	PUTS("300/task/301/stat", "301 (worker) S 1 300 300 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4200 0\n");

	/* procs 310, 320, 330; threads 310, 320, 330, 331, 302 */
	assert_int_equal(proctab__reconcile(pt), 8);
	assert_false(proctab__proc(pt, 300)->dead);
	assert_false(proctab__thread(pt, 300)->dead);
	assert_false(proctab__thread(pt, 301)->dead);
	assert_false(proctab__thread(pt, 303)->dead);
	assert_true(proctab__thread(pt, 302)->dead);
	assert_int_equal(proctab__thread(pt, 302)->dead_ts, 777777);
	assert_int_equal(proctab__proc(pt, 300)->nthreads, 3);
	assert_true(proctab__proc(pt, 310)->dead);
	assert_true(proctab__proc(pt, 320)->dead);
	assert_true(proctab__proc(pt, 330)->dead);
	assert_int_equal(proctab__proc(pt, 330)->dead_ts, 777777);
	assert_true(proctab__thread(pt, 331)->dead);
	assert_int_equal(proctab__reconcile(pt), 0);	/* nothing more to find */
	proctab__reap(pt, 777777 + 1000, 100);
	assert_null(proctab__proc(pt, 310));
	assert_null(proctab__proc(pt, 320));
	assert_null(proctab__proc(pt, 330));
	assert_null(proctab__thread(pt, 331));
	assert_null(proctab__thread(pt, 302));
	assert_non_null(proctab__proc(pt, 300));
	assert_non_null(proctab__thread(pt, 303));
	/* a replay's table has no procfs to ask */
	assert_int_equal(proctab__reconcile(replay), -EINVAL);
	proctab__free(replay);
	proctab__free(pt);
}

/* A process fork record: `pid` forked by `parent` at `ts`. */
static void fork_proc(struct proctab *pt, uint32_t pid, uint32_t parent, const char *comm,
		      uint64_t ts)
{
	struct scry_rec_fork fk;
	struct scry_event ev;

	memset(&fk, 0, sizeof(fk));
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), pid, pid, comm, ts);
	fk.parent_pid = parent;
	fk.parent_tid = parent;
	fk.ppid = parent;
	fk.vpid = pid;
	fk.vtid = pid;
	apply(pt, &fk, sizeof(fk), &ev);
}

static void exit_proc(struct proctab *pt, uint32_t pid, uint32_t reaper, uint64_t ts)
{
	struct scry_rec_exit px;
	struct scry_event ev;

	memset(&px, 0, sizeof(px));
	hdr(&px.h, SCRY_REC_EXIT, sizeof(px), pid, pid, "x", ts);
	px.exit_flags = SCRY_EXIT_GROUP_DEAD | (reaper ? SCRY_EXIT_REAPER : 0);
	px.reaper = reaper;
	apply(pt, &px, sizeof(px), &ev);
}

/*
 * Ancestry: parents by ppid, never one that exited (its children go to the reaper its exit
 * record names, or nowhere) nor a process that took the parent's pid after the child started.
 */
static void ancestry_and_reparenting(void **state)
{
	struct proctab *pt = proctab__new(NULL);
	struct scry_proc *init, *sh, *sub, *kid, *orphan, *reuse;

	fork_proc(pt, 1, 0, "init", 10);
	fork_proc(pt, 100, 1, "bash", 20);
	fork_proc(pt, 200, 100, "sub", 30);
	fork_proc(pt, 300, 200, "kid", 40);
	fork_proc(pt, 400, 200, "orphan", 50);
	init = proctab__proc(pt, 1);
	sh = proctab__proc(pt, 100);
	sub = proctab__proc(pt, 200);
	kid = proctab__proc(pt, 300);
	orphan = proctab__proc(pt, 400);
	assert_null(proctab__parent(init));
	assert_ptr_equal(proctab__parent(kid), sub);
	assert_ptr_equal(proctab__parent(sub), sh);
	assert_ptr_equal(proctab__parent(sh), init);
	/* only processes that forked are looked for at their exit */
	assert_true(sub->kids);
	assert_false(kid->kids);

	/* a leaf's exit changes nobody's parent */
	exit_proc(pt, 300, 1, 60);
	assert_int_equal(orphan->ppid, 200);

	/* the parent exits: its live child goes to the reaper (the record names bash, a subreaper) */
	exit_proc(pt, 200, 100, 70);
	assert_int_equal(orphan->ppid, 100);
	assert_ptr_equal(proctab__parent(orphan), sh);
	assert_int_equal(kid->ppid, 200);	/* dead before its parent: left as it was */
	assert_true(sh->kids);

	/* an exit without a reaper (an older capture): the child names no parent, not a dead one */
	fork_proc(pt, 500, 100, "p2", 80);
	fork_proc(pt, 501, 500, "c2", 90);
	exit_proc(pt, 500, 0, 100);
	assert_int_equal(proctab__proc(pt, 501)->ppid, 500);
	assert_null(proctab__parent(proctab__proc(pt, 501)));

	/* pid 500 reused by a process that started after the child: not its parent */
	proctab__reap(pt, 100000, 1000);
	fork_proc(pt, 500, 1, "reuse", 200000);
	reuse = proctab__proc(pt, 500);
	assert_non_null(reuse);
	assert_false(reuse->dead);
	assert_null(proctab__parent(proctab__proc(pt, 501)));
	proctab__free(pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_reads_everything),
		cmocka_unit_test(fork_exec_exit),
		cmocka_unit_test(threads_and_pid_reuse),
		cmocka_unit_test(exec_from_a_thread),
		cmocka_unit_test(rename_updates_comm),
		cmocka_unit_test(comm_always_terminated),
		cmocka_unit_test(reaping_by_time_of_death),
		cmocka_unit_test(parked_dies_again),
		cmocka_unit_test(bounded),
		cmocka_unit_test(reconcile_with_procfs),
		cmocka_unit_test(ancestry_and_reparenting),
	};

	return cmocka_run_group_tests_name("proctab", tests, make_procfs, rm_procfs);
}
