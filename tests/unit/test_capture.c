// SPDX-License-Identifier: GPL-2.0
/*
 * Capture files: every record type and state item through the encoder and back; a recording of
 * a synthetic workload replayed into the same tables; truncation at every offset and every
 * single-byte corruption of a small file (never a crash, always reported, only whole blocks
 * lost); files of a newer version, not captures, rotation, merging, and a writer that stalls.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/capture/internal.h"
#include "scry/capture.h"
#include "scry/container.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"
#include "testlib.h"

/* --- a list of records ---------------------------------------------------------------------- */

#define MAXREC 8192

struct recs {
	uint64_t *arena;	/* 8-aligned records back to back */
	size_t used, cap;	/* in u64 */
	size_t off[MAXREC];
	uint32_t size[MAXREC];
	int n;
};

static struct recs *recs_new(void)
{
	return calloc(1, sizeof(struct recs));
}

static void recs_free(struct recs *r)
{
	free(r->arena);
	free(r);
}

static union scry_rec *rec_at(struct recs *r, int i)
{
	return (union scry_rec *)(r->arena + r->off[i]);
}

static union scry_rec *add(struct recs *r, uint16_t type, uint32_t size, uint32_t pid,
			   uint32_t tid, const char *comm, uint64_t ts, uint64_t cgid)
{
	union scry_rec *rec;

	assert_true(r->n < MAXREC);
	r->off[r->n] = r->used;
	r->size[r->n] = size;
	r->used += (size + 7) / 8;
	if (r->used > r->cap) {
		r->cap = r->used * 2 + 1024;
		r->arena = realloc(r->arena, r->cap * 8);
	}
	rec = rec_at(r, r->n++);
	memset(rec, 0, size);
	rec->h.type = type;
	rec->h.size = size;
	rec->h.pid = pid;
	rec->h.tid = tid;
	rec->h.ts = ts;
	rec->h.cgid = cgid;
	rec->h.cpu = tid % 2;
	memcpy(rec->h.comm, comm, strnlen(comm, SCRY_COMM_LEN));
	return rec;
}

static void add_exit(struct recs *r, uint32_t pid, uint32_t tid, const char *comm, uint64_t ts,
		     uint64_t cgid, uint16_t nr, int64_t ret, uint64_t enter_ts, int nargs,
		     const char *path)
{
	uint16_t plen = path ? strlen(path) + 1 : 0;
	uint32_t size = nargs || plen ? SCRY_SYS_EXIT_ARGS + plen : SCRY_SYS_EXIT_SHORT;
	union scry_rec *x = add(r, SCRY_REC_SYS_EXIT, size, pid, tid, comm, ts, cgid);
	int i;

	x->exit.nr = nr;
	x->exit.ret = ret;
	x->exit.enter_ts = enter_ts;
	x->exit.nargs = nargs;
	x->exit.path_len = plen;
	x->exit.fd_kind[0] = nargs ? SCRY_FD_REG : 0;
	for (i = 0; i < nargs; i++)
		x->exit.args[i] = i == 1 ? 0x7ffd12345678ULL : (uint64_t)i * 1000003;
	if (plen)
		memcpy(x->exit.path, path, plen);
}

static void add_exec(struct recs *r, uint32_t pid, const char *comm, uint64_t ts, uint64_t cgid,
		     const char *exe, const char *args, uint16_t args_len)
{
	uint16_t elen = strlen(exe);
	union scry_rec *e = add(r, SCRY_REC_EXEC, SCRY_EXEC_FIXED + elen + args_len, pid, pid,
				comm, ts, cgid);

	e->exec.old_tid = pid;
	e->exec.ppid = 1;
	e->exec.vpid = pid;
	e->exec.vtid = pid;
	e->exec.exe_len = elen;
	e->exec.args_len = args_len;
	memcpy(e->exec.data, exe, elen);
	memcpy(e->exec.data + elen, args, args_len);
}

/* Every record type and the corners of its fields. */
static void all_kinds(struct recs *r)
{
	static char exe[SCRY_EXE_MAX + 1], args[SCRY_ARGS_MAX], path[SCRY_PATH_MAX];
	union scry_rec *x;
	uint64_t ts = 5000000000ULL;

	memset(exe, 'e', SCRY_EXE_MAX);
	exe[0] = '/';
	for (int i = 0; i < SCRY_ARGS_MAX; i++)
		args[i] = i % 7 ? 'a' + i % 26 : '\0';
	memset(path, 'p', SCRY_PATH_MAX - 1);
	path[0] = '/';
	x = add(r, SCRY_REC_SYS_ENTER, sizeof(struct scry_rec_sys_enter), 10, 10, "a", ts, 1);
	x->enter.nr = 0;
	x = add(r, SCRY_REC_SYS_ENTER, sizeof(struct scry_rec_sys_enter), 10, 11, "a", ts + 1, 1);
	x->enter.nr = UINT32_MAX;
	x->h.flags = SCRY_HF_TRUNC;
	x->h.cpu = UINT16_MAX;
	add_exit(r, 10, 11, "a", ts + 2, 1, 110, 10, ts + 1, 0, NULL);
	add_exit(r, 10, 11, "a", ts + 2, 1, 110, 10, ts + 2, 0, NULL);	/* latency 0 */
	add_exit(r, 10, 11, "a", ts - 7, 1, UINT16_MAX, INT64_MIN, 0, 0, NULL);	/* backwards */
	add_exit(r, 10, 11, "0123456789abcde", ts, UINT64_MAX, 0, INT64_MAX, 1, 6, NULL);
	/* the longest comm: 15 bytes, as the kernel's */
	add_exit(r, UINT32_MAX, UINT32_MAX, "0123456789abcde", ts, 2, 257, -2, 0, 3, "/etc/hosts");
	add_exit(r, 12, 12, "", 0, 0, 2, -13, 0, 0, "/x");	/* a path, no arguments */
	add_exit(r, 12, 12, "", UINT64_MAX, 0, 2, 3, UINT64_MAX, 2, path);	/* longest path */
	x = add(r, SCRY_REC_FORK, sizeof(struct scry_rec_fork), 13, 14, "f", ts, 3);
	x->fork.parent_pid = 12;
	x->fork.parent_tid = 12;
	x->fork.ppid = 12;
	x->fork.vpid = 1;
	x->fork.vtid = UINT32_MAX;
	x->fork.uid = 65534;
	x->fork.gid = 0;
	x->fork.fork_flags = SCRY_FORK_THREAD;
	add_exec(r, 13, "ls", ts + 5, 3, "/bin/ls", "ls\0-l\0", 6);
	add_exec(r, 13, "ls", ts + 6, 3, exe, args, SCRY_ARGS_MAX);	/* the largest record */
	add_exec(r, 13, "ls", ts + 6, 3, "", "", 0);
	x = add(r, SCRY_REC_EXIT, sizeof(struct scry_rec_exit), 13, 13, "ls", ts + 7, 3);
	x->pexit.exit_code = -1;
	x->pexit.exit_flags = SCRY_EXIT_GROUP_DEAD;
	x = add(r, SCRY_REC_EXIT, sizeof(struct scry_rec_exit), 13, 13, "ls", ts + 7, 3);
	x->pexit.exit_code = INT32_MIN;
	x = add(r, SCRY_REC_SWITCH, sizeof(struct scry_rec_switch), 13, 13, "ls", ts + 8, 3);
	x->sw.runtime_ns = UINT64_MAX;
	x->sw.next_pid = 0;
	x->sw.next_tid = 7;
	x->sw.prev_state = 0x402;
	x = add(r, SCRY_REC_CPUTICK, sizeof(struct scry_rec_cputick), 13, 13, "ls", ts + 9, 3);
	x->tick.runtime_ns = 1234567;
	x = add(r, SCRY_REC_RENAME, sizeof(struct scry_rec_rename), 13, 13, "worker-1", ts + 9, 3);
	strcpy(x->rename.old_comm, "ls");
	x = add(r, SCRY_REC_RENAME, sizeof(struct scry_rec_rename), 13, 13, "0123456789abcde",
		ts + 9, 3);
	memcpy(x->rename.old_comm, "fedcba987654321", SCRY_COMM_LEN - 1);
	x = add(r, SCRY_REC_SOCK_STATE, sizeof(struct scry_rec_sock_state), 0, 0, "", ts + 10, 3);
	x->sock.cookie = UINT64_MAX;
	x->sock.family = 10;
	x->sock.protocol = 6;
	x->sock.oldstate = 2;
	x->sock.newstate = 1;
	x->sock.sport = 65535;
	x->sock.dport = 8080;
	memset(x->sock.saddr, 0xfe, 16);
	x->sock.daddr[15] = 1;
	x = add(r, SCRY_REC_SOCK_IO, sizeof(struct scry_rec_sock_io), 4242, 4243, "srv", ts + 11, 3);
	x->sio.cookie = UINT64_MAX - 1;
	x->sio.bytes = UINT32_MAX;
	x->sio.family = 1;
	x->sio.protocol = 255;
	x->sio.sktype = 5;
	x->sio.dir = SCRY_SOCK_IN;
	x = add(r, SCRY_REC_TCP_RETRANS, sizeof(struct scry_rec_sock_state), 0, 0, "", ts + 12, 3);
	x->sock.cookie = 77;
	x->sock.family = 2;
	x->sock.protocol = 6;
	x->sock.oldstate = x->sock.newstate = 1;
	x->sock.sport = 1;
	x->sock.dport = 2;
	memset(x->sock.saddr, 0x7f, 4);
	x = add(r, SCRY_REC_TCP_RESET, sizeof(struct scry_rec_sock_state), 0, 0, "", ts + 13, 3);
	x->sock.cookie = 78;
	x->sock.family = 10;
	x->sock.protocol = 6;
	x->sock.oldstate = x->sock.newstate = 2;
	x->sock.dir = SCRY_SOCK_IN;
	x->sock.dport = 65535;
	memset(x->sock.daddr, 0xab, 16);
	x = add(r, SCRY_REC_SOCK_SEED, sizeof(struct scry_rec_sock_seed), 4242, 4242, "srv", ts + 14,
		0);
	x->seed.cookie = UINT64_MAX;
	x->seed.ino = UINT32_MAX;
	x->seed.netns = 4026531840u;
	x->seed.fd = 3;
	x->seed.family = 10;
	x->seed.protocol = 6;
	x->seed.sktype = 1;
	x->seed.state = 10;
	x->seed.role = 3;
	x->seed.sport = 8080;
	x->seed.dport = 65535;
	memset(x->seed.saddr, 0xfe, 16);
	x->seed.daddr[15] = 1;
	/* an fd seed: a negative fd (the cwd), every field at a bound, a name with its NUL */
	x = add(r, SCRY_REC_FD_SEED, SCRY_FD_SEED_FIXED + 12, 4242, 4242, "srv", ts + 15, 0);
	x->fdseed.fd = SCRY_FD_CWD;
	x->fdseed.type = SCRY_FDT__MAX - 1;
	x->fdseed.xflags = SCRY_FDS_CLOEXEC | SCRY_FDS_TRUNC;
	x->fdseed.name_len = 12;
	x->fdseed.oflags = UINT32_MAX;
	x->fdseed.dev = UINT32_MAX;
	x->fdseed.ino = UINT64_MAX;
	memcpy(x->fdseed.name, "/srv/a\x1b\nb c", 12);
	/* an OOM kill: every field at a bound, the trigger another task */
	x = add(r, SCRY_REC_OOM, sizeof(struct scry_rec_oom), 777, 778, "memhog", ts + 16, 4);
	x->oom.trigger_pid = UINT32_MAX;
	x->oom.trigger_tid = 1;
	x->oom.total_vm_kb = UINT64_MAX;
	x->oom.rss_kb = 65536;
	x->oom.oom_score_adj = -1000;
	x->oom.uid = UINT32_MAX;
	/* a hung task in D state */
	x = add(r, SCRY_REC_HANG, sizeof(struct scry_rec_hang), 900, 901, "stuck", ts + 17, 4);
	x->hang.state = 2;
	/* issue 18: a container stopped by a signal, every field at a bound; a created one */
	x = add(r, SCRY_REC_CONTAINER, sizeof(struct scry_rec_container), 0, 0, "", ts + 17,
		UINT64_MAX);
	x->ctr.action = SCRY_CTR_STOPPED;
	x->ctr.ctr_flags = SCRY_CTRF_EXIT;
	x->ctr.exit_code = INT32_MIN | 0x89;
	x->ctr.pid = UINT32_MAX;
	x->ctr.procs = UINT32_MAX;
	x->ctr.since_ts = 1;
	x = add(r, SCRY_REC_CONTAINER, sizeof(struct scry_rec_container), 0, 0, "", ts + 17, 5);
	x->ctr.action = SCRY_CTR_CREATED;
	/* block completions: every field at its bound, then a plain 4 KiB write */
	x = add(r, SCRY_REC_BLOCK_IO, sizeof(struct scry_rec_block_io), 7, 8, "dd", ts + 18,
		UINT64_MAX);
	x->blk.sector = UINT64_MAX;
	x->blk.latency_ns = UINT64_MAX;
	x->blk.queue_ns = UINT64_MAX - 1;
	x->blk.dev = UINT32_MAX;
	x->blk.bytes = UINT32_MAX;
	x->blk.error = INT32_MIN;
	x->blk.op = SCRY_BLK_OTHER;
	x->blk.blk_flags = UINT16_MAX;
	x = add(r, SCRY_REC_BLOCK_IO, sizeof(struct scry_rec_block_io), 7, 7, "dd", ts + 19, 42);
	x->blk.sector = 2048;
	x->blk.latency_ns = 123456;
	x->blk.dev = 254u << 20;
	x->blk.bytes = 4096;
	x->blk.error = -5;
	x->blk.op = SCRY_BLK_WRITE;
	x->blk.blk_flags = SCRY_BLK_DONE | SCRY_BLK_ISSUED;
	/* issue 18 (ns18): a zombie found at start, every field at its bound; a reap */
	x = add(r, SCRY_REC_ZOMBIE, sizeof(struct scry_rec_zombie), 1234, 1234, "z", ts + 20, 4);
	x->zombie.kind = SCRY_ZB_SEED;
	x->zombie.ppid = UINT32_MAX;
	x->zombie.vpid = UINT32_MAX;
	x->zombie.parent_vpid = 1;
	x->zombie.exit_ts = ts + 20;
	x->zombie.exit_code = INT32_MIN;
	x = add(r, SCRY_REC_ZOMBIE, sizeof(struct scry_rec_zombie), 1234, 1234, "z", ts + 21, 4);
	/* a fork into a container's namespaces, every inode at its bound but one unknown */
	x = add(r, SCRY_REC_NS, sizeof(struct scry_rec_ns), 4321, 4321, "nsenter", ts + 22, 0);
	x->ns.kind = SCRY_NSK_FORK;
	x->ns.parent = 4320;
	x->ns.vpid = 14;
	for (int k = 0; k < SCRY_NS__MAX; k++)
		x->ns.ns[k] = k == SCRY_NS_CGROUP ? 0 : UINT32_MAX - k;
	/* issue 18, signals: every field at a bound, then a deliver from no task */
	x = add(r, SCRY_REC_SIGNAL, sizeof(struct scry_rec_signal), 5151, 5151, "sleep", ts + 23, 9);
	x->sig.from.pid = UINT32_MAX;
	x->sig.from.tid = 4243;
	x->sig.from.vpid = 1;
	x->sig.from.cgid = UINT64_MAX;
	memcpy(x->sig.from.comm, "runc\x1b[1m", 9);
	x->sig.sig = 64;
	x->sig.code = INT32_MIN;
	x->sig.result = 1;
	x->sig.target_vpid = UINT32_MAX;
	x->sig.disp = SCRY_SIGD_HANDLER;
	x->sig.sig_flags = UINT16_MAX;
	x->sig.info_pid = UINT32_MAX;
	x = add(r, SCRY_REC_SIGDELIVER, sizeof(struct scry_rec_signal), 5151, 5152, "sleep",
		ts + 24, 9);
	x->sig.sig = 9;
	x->sig.code = 0x80;
	x->sig.target_vpid = 1;
	x->sig.sig_flags = SCRY_SIG_INIT | SCRY_SIG_UNKILLABLE;
}

/*
 * 2.4's parts of an exit, after the flags 2.3 added: framed items only (an unframed item ends
 * where its fields do).
 */
static void exit_parts(struct recs *r)
{
	union scry_rec *x;
	uint64_t ts = 5000000000ULL;

	/* an open's file after a path of 11 bytes (padded to 16), every field at its bound */
	x = add(r, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_ARGS + 16 + sizeof(struct scry_exit_file), 12,
		12, "o", ts + 3, 0);
	x->exit.nr = 257;
	x->exit.ret = 3;
	x->exit.nargs = 4;
	x->exit.args[0] = (uint64_t)-100;
	x->exit.fd_kind[1] = SCRY_FD_DIR;
	x->exit.xflags = SCRY_SX_FILE;
	x->exit.path_len = 11;
	memcpy(x->exit.path, "/etc/hosts", 11);
	((struct scry_exit_file *)(x->exit.path + 16))->ino = UINT64_MAX;
	((struct scry_exit_file *)(x->exit.path + 16))->dev = UINT32_MAX;
	/* a pipe's two fds: the largest and a negative one, and their inodes */
	x = add(r, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_ARGS + sizeof(struct scry_exit_fdpair), 12,
		12, "o", ts + 3, 0);
	x->exit.nr = 22;
	x->exit.nargs = 1;
	x->exit.args[0] = 0x7ffd12345678ULL;
	x->exit.xflags = SCRY_SX_FDPAIR;
	x->exit.path_len = sizeof(struct scry_exit_fdpair);
	((struct scry_exit_fdpair *)x->exit.path)->fd[0] = INT32_MAX;
	((struct scry_exit_fdpair *)x->exit.path)->fd[1] = INT32_MIN;
	((struct scry_exit_fdpair *)x->exit.path)->ino[0] = UINT64_MAX;
	((struct scry_exit_fdpair *)x->exit.path)->ino[1] = 1;
}

static void exit_parts_round_trip(void **state)
{
	union { union scry_rec rec; uint8_t b[SCRY_REC_MAX]; } out;
	struct recs *r = recs_new();
	struct cap_ctx c, d;
	struct scry_event ev[2];
	uint8_t buf[1024];
	uint32_t size;
	size_t n, cut;
	int i;

	exit_parts(r);
	for (i = 0; i < r->n; i++) {
		memset(&c, 0, sizeof(c));
		memset(&d, 0, sizeof(d));
		assert_true(decode__record(rec_at(r, i), r->size[i], ev) > 0);
		n = cap_event_encode(&c, buf, rec_at(r, i));
		assert_true(n <= cap_rec_bound(rec_at(r, i)) + 4);
		assert_int_equal(cap_event_decode(&d, buf, n, &out.rec, &size), (int)n);
		assert_int_equal(size, r->size[i]);
		assert_memory_equal(&out.rec, rec_at(r, i), size);
		assert_true(decode__record(&out.rec, size, ev) > 0);
		/*
		 * An item cut before its flags is an older writer's (no parts); cut anywhere
		 * after, it is damage, never a record with half its parts.
		 */
		for (cut = 3; cut < n; cut++) {
			int rc;

			memset(&d, 0, sizeof(d));
			buf[1] = cut - 2;
			rc = cap_event_decode(&d, buf, cut, &out.rec, &size);
			if (rc != -EBADMSG) {
				assert_int_equal(rc, (int)cut);
				assert_int_equal(out.rec.exit.xflags, 0);
			}
		}
	}
	recs_free(r);
}

/*
 * 2.5's scheduler accounting of switch and cputick items: every field at its bound round-trips;
 * the item cut where a 2.4 writer's ended reads as that item (zeros); cut inside it, as damage.
 */
static void acct_round_trip(void **state)
{
	union { union scry_rec rec; uint8_t b[SCRY_REC_MAX]; } out;
	struct recs *r = recs_new();
	struct scry_sched_acct *a[4];
	struct cap_ctx c, d;
	struct scry_event ev[2];
	uint8_t buf[1024], old[1024];
	uint32_t size;
	size_t n, n0, cut;
	int i;

	a[0] = &add(r, SCRY_REC_SWITCH, sizeof(struct scry_rec_switch), 9, 9, "w", 77, 3)->sw.acct;
	a[1] = &add(r, SCRY_REC_CPUTICK, sizeof(struct scry_rec_cputick), 9, 9, "w", 78, 3)->tick.acct;
	a[2] = &add(r, SCRY_REC_SWITCH, sizeof(struct scry_rec_switch), 9, 10, "w", 79, 3)->sw.acct;
	a[3] = &add(r, SCRY_REC_CPUTICK, sizeof(struct scry_rec_cputick), 9, 9, "w", 80, 3)->tick.acct;
	/* 2.7: the CPU split and the memory at their bounds, each alone, and neither */
	for (i = 0; i < 2; i++)
		*a[i] = (struct scry_sched_acct){ .wait_ns = UINT64_MAX, .off_ns = UINT64_MAX,
						  .min_flt = UINT32_MAX, .maj_flt = UINT32_MAX,
						  .off_reason = SCRY_OFF__MAX - 1,
						  .utime_ns = UINT32_MAX, .stime_ns = UINT32_MAX,
						  .acct_flags = SCRY_ACCT_MEM,
						  .vm_size_kb = UINT32_MAX, .vm_rss_kb = UINT32_MAX,
						  .vm_swap_kb = UINT32_MAX };
	*a[2] = (struct scry_sched_acct){ .off_ns = 20000000, .off_reason = SCRY_OFF_SLEEP,
					  .stime_ns = 4000000 };
	*a[3] = (struct scry_sched_acct){ .acct_flags = SCRY_ACCT_MEM, .vm_rss_kb = 0 };
	rec_at(r, 0)->sw.runtime_ns = UINT64_MAX;
	for (i = 0; i < r->n; i++) {
		union scry_rec *x = rec_at(r, i);
		struct scry_sched_acct keep = x->h.type == SCRY_REC_SWITCH ? x->sw.acct : x->tick.acct;
		struct scry_sched_acct *xa = x->h.type == SCRY_REC_SWITCH ? &x->sw.acct : &x->tick.acct;

		assert_true(decode__record(x, r->size[i], ev) > 0);
		assert_ptr_equal(ev->acct, xa);
		memset(&c, 0, sizeof(c));
		memset(&d, 0, sizeof(d));
		n = cap_event_encode(&c, buf, x);
		assert_true(n <= cap_rec_bound(x) + 4);
		assert_int_equal(cap_event_decode(&d, buf, n, &out.rec, &size), (int)n);
		assert_int_equal(size, r->size[i]);
		assert_memory_equal(&out.rec, x, size);
		/* What a 2.4 writer made of it: the same item without the accounting. */
		memset(xa, 0, sizeof(*xa));
		memset(&c, 0, sizeof(c));
		n0 = cap_event_encode(&c, old, x);
		assert_true(n0 < n);
		assert_memory_equal(old + 2, buf + 2, n0 - 2);
		memset(&d, 0, sizeof(d));
		assert_int_equal(cap_event_decode(&d, old, n0, &out.rec, &size), (int)n0);
		assert_memory_equal(&out.rec, x, size);
		for (cut = n0 + 1; cut < n; cut++) {
			memset(&d, 0, sizeof(d));
			buf[1] = cut - 2;
			assert_int_equal(cap_event_decode(&d, buf, cut, &out.rec, &size), -EBADMSG);
		}
		*xa = keep;
	}
	recs_free(r);
}

/*
 * 2.6's tails: a process's info after a fork and an exec, the reaper after an exit. Each comes
 * back equal; without it (what a 2.5 writer made) the item reads with no info and no reaper;
 * cut inside it, the item is damaged.
 */
static void proc_tails_round_trip(void **state)
{
	union { union scry_rec rec; uint8_t b[SCRY_REC_MAX]; } out;
	static const struct scry_proc_info pi = {
		.pi_flags = SCRY_PI_VALID | SCRY_PI_EXE_WRITABLE, .sid = UINT32_MAX, .vpgid = 7,
		.tty = 34816, .loginuid = UINT32_MAX, .fdlimit = UINT64_MAX,
		.vm_size_kb = UINT32_MAX, .vm_rss_kb = 1, .vm_swap_kb = 2,
	};
	struct recs *r = recs_new();
	union scry_rec *x;
	struct cap_ctx c, d;
	uint8_t buf[8192], old[8192];
	uint32_t size;
	size_t n, n0, cut;
	int i;

	x = add(r, SCRY_REC_FORK, sizeof(struct scry_rec_fork), 9, 9, "sh", 77, 3);
	x->fork.ppid = 8;
	x->fork.pi = pi;
	x = add(r, SCRY_REC_EXEC, SCRY_EXEC_FIXED + 7 + 5 + 8, 9, 9, "ls", 78, 3);
	x->exec.exe_len = 7;
	x->exec.args_len = 5;
	x->exec.env_len = 8;
	memcpy(x->exec.data, "/bin/lsls\0-l\0A=1\0B=2\0", 20);
	x->exec.pi = pi;
	x = add(r, SCRY_REC_EXIT, sizeof(struct scry_rec_exit), 9, 9, "ls", 79, 3);
	x->pexit.exit_flags = SCRY_EXIT_GROUP_DEAD | SCRY_EXIT_REAPER;
	x->pexit.reaper = UINT32_MAX;
	for (i = 0; i < r->n; i++) {
		x = rec_at(r, i);
		memset(&c, 0, sizeof(c));
		memset(&d, 0, sizeof(d));
		d.minor = 6;
		n = cap_event_encode(&c, buf, x);
		assert_true(n <= cap_rec_bound(x) + 4);
		assert_int_equal(cap_event_decode(&d, buf, n, &out.rec, &size), (int)n);
		assert_int_equal(size, r->size[i]);
		assert_memory_equal(&out.rec, x, size);
		/* the item without its tail: no info, no reaper */
		if (x->h.type == SCRY_REC_EXIT) {
			x->pexit.exit_flags &= ~SCRY_EXIT_REAPER;
			x->pexit.reaper = 0;
		} else {
			memset(x->h.type == SCRY_REC_FORK ? &x->fork.pi : &x->exec.pi, 0, sizeof(pi));
		}
		if (x->h.type == SCRY_REC_EXEC) {	/* no info: no environment either */
			memset(x->exec.data + 12, 0, 8);
			x->exec.env_len = 0;
			x->h.size -= 8;
			r->size[i] -= 8;
		}
		memset(&c, 0, sizeof(c));
		n0 = cap_event_encode(&c, old, x);
		assert_true(n0 < n);
		memset(&d, 0, sizeof(d));
		d.minor = 6;
		assert_int_equal(cap_event_decode(&d, old, n0, &out.rec, &size), (int)n0);
		assert_memory_equal(&out.rec, x, size);
		/* in a 2.5 file, the same bytes are a later version's additions: not read */
		memset(&d, 0, sizeof(d));
		d.minor = 5;
		assert_int_equal(cap_event_decode(&d, buf, n, &out.rec, &size), (int)n);
		assert_memory_equal(&out.rec, x, size);
		/* cut inside the tail: damaged; an exec's info without its environment: none */
		for (cut = n0 + 1; cut < n; cut++) {
			memset(&d, 0, sizeof(d));
		d.minor = 6;
			buf[1] = cut - 2;
			if (x->h.type == SCRY_REC_EXEC && cut == n - 9) {
				assert_int_equal(cap_event_decode(&d, buf, cut, &out.rec, &size),
						 (int)cut);
				assert_int_equal(out.rec.exec.env_len, 0);
				assert_int_equal(out.rec.exec.pi.sid, UINT32_MAX);
				continue;
			}
			assert_int_equal(cap_event_decode(&d, buf, cut, &out.rec, &size), -EBADMSG);
		}
	}
	recs_free(r);
}

static void records_round_trip(void **state)
{
	struct recs *r = recs_new();
	uint8_t *buf = malloc(MAXREC * 64), *p = buf;
	union { union scry_rec rec; uint8_t b[SCRY_REC_MAX]; } out;
	struct cap_ctx ec = {}, dc = {};
	struct scry_event ev[2];
	bool seen[SCRY_REC__MAX] = {};
	int i, n;

	all_kinds(r);
	for (i = 0; i < r->n; i++) {
		size_t len = cap_rec_encode(&ec, p, rec_at(r, i));

		assert_true(len <= cap_rec_bound(rec_at(r, i)));
		assert_true(decode__record(rec_at(r, i), r->size[i], ev) > 0);
		p += len;
	}
	for (i = 0, n = 0; i < r->n; i++, n++) {
		uint32_t size;
		int used = cap_rec_decode(&dc, buf + n, p - buf - n, &out.rec, &size);

		assert_true(used > 0);
		n += used - 1;
		assert_int_equal(size, r->size[i]);
		assert_memory_equal(&out.rec, rec_at(r, i), size);
		assert_true(decode__record(&out.rec, size, ev) > 0);
		seen[out.rec.h.type] = true;
	}
	assert_ptr_equal(buf + n, p);
	for (i = 1; i < SCRY_REC__MAX; i++)
		assert_true(seen[i] || !evt_table[i].name);	/* a nameless type is a gap */
	free(buf);
	recs_free(r);
}

/* Every prefix of every item, and items with a field out of range, are refused cleanly. */
static void records_reject_damage(void **state)
{
	struct recs *r = recs_new();
	union { union scry_rec rec; uint8_t b[SCRY_REC_MAX]; } out;
	uint8_t buf[8192], bad[64];
	struct cap_ctx c;
	uint32_t size;
	size_t len, cut;
	int i;

	all_kinds(r);
	for (i = 0; i < r->n; i++) {
		memset(&c, 0, sizeof(c));
		len = cap_rec_encode(&c, buf, rec_at(r, i));
		for (cut = 0; cut < len; cut++) {
			memset(&c, 0, sizeof(c));
			assert_int_equal(cap_rec_decode(&c, buf, cut, &out.rec, &size), -EBADMSG);
		}
	}
	/* tag, mask bits, an 11-byte varint, a comm of 17, nr of a u16 field above 65535 */
	memcpy(bad, (uint8_t[]){ 0, 0, 0, 0 }, 4);
	assert_int_equal(cap_rec_decode(&c, bad, 4, &out.rec, &size), -EBADMSG);
	memcpy(bad, (uint8_t[]){ 9, 0x1f, 0, 0 }, 4);
	assert_int_equal(cap_rec_decode(&c, bad, 4, &out.rec, &size), -EBADMSG);
	memcpy(bad, (uint8_t[]){ 1, 0x20, 0, 0 }, 4);
	assert_int_equal(cap_rec_decode(&c, bad, 4, &out.rec, &size), -EBADMSG);
	memset(bad, 0xff, sizeof(bad));
	bad[0] = 1;
	bad[1] = 0x1f;
	assert_int_equal(cap_rec_decode(&c, bad, sizeof(bad), &out.rec, &size), -EBADMSG);
	memcpy(bad, (uint8_t[]){ 1, 0x17, 0, 17 }, 4);
	assert_int_equal(cap_rec_decode(&c, bad, sizeof(bad), &out.rec, &size), -EBADMSG);
	/* a comm of 16 bytes: the kernel keeps 15 and a NUL, so it is damage (and no C string) */
	memset(bad, 'A', sizeof(bad));	/* tag, mask (a new comm, flags), ts, comm, flags, nr */
	memcpy(bad, (uint8_t[]){ 1, 0x17, 0, 16 }, 4);
	bad[20] = bad[21] = 0;
	assert_int_equal(cap_rec_decode(&c, bad, 22, &out.rec, &size), -EBADMSG);
	memcpy(bad, (uint8_t[]){ 1, 0x17, 0, 15 }, 4);
	bad[19] = bad[20] = 0;
	assert_int_equal(cap_rec_decode(&c, bad, 21, &out.rec, &size), 21);
	assert_int_equal(strlen(out.rec.h.comm), 15);
	memset(bad, 'A', sizeof(bad));	/* a rename whose old comm is 16 bytes */
	memcpy(bad, (uint8_t[]){ 8, 0x0f, 0, 16 }, 4);
	assert_int_equal(cap_rec_decode(&c, bad, 20, &out.rec, &size), -EBADMSG);
	memcpy(bad, (uint8_t[]){ 2, 0x0f, 0, 0x80, 0x80, 0x04 }, 6);	/* nr = 65536 */
	assert_int_equal(cap_rec_decode(&c, bad, 6, &out.rec, &size), -EBADMSG);
	memcpy(bad, (uint8_t[]){ 2, 0x0f, 0, 1, 0, 0, 7 }, 7);	/* shape: 7 arguments */
	assert_int_equal(cap_rec_decode(&c, bad, 7, &out.rec, &size), -EBADMSG);
	memcpy(bad, (uint8_t[]){ 2, 0x0f, 0, 1, 0, 0, 0x40 }, 7);	/* shape: unknown bit */
	assert_int_equal(cap_rec_decode(&c, bad, 7, &out.rec, &size), -EBADMSG);
	memcpy(bad, (uint8_t[]){ 2, 0x0f, 0, 1, 0, 0, 0x20, 0x81, 0x02 }, 9);	/* path of 257 */
	assert_int_equal(cap_rec_decode(&c, bad, 9, &out.rec, &size), -EBADMSG);
	memset(&c, 0, sizeof(c));	/* enter 5 ns before a record at time 2 */
	memcpy(bad, (uint8_t[]){ 2, 0x0f, 4, 1, 0, 6, 0 }, 7);
	assert_int_equal(cap_rec_decode(&c, bad, 7, &out.rec, &size), -EBADMSG);
	memset(&c, 0, sizeof(c));	/* the same, well formed, decodes */
	memcpy(bad, (uint8_t[]){ 2, 0x0f, 4, 1, 0, 2, 0 }, 7);
	assert_int_equal(cap_rec_decode(&c, bad, 7, &out.rec, &size), 7);
	assert_int_equal(out.rec.exit.enter_ts, 1);
	recs_free(r);
}

/* The worked example of docs/capture-format.md, byte for byte. */
static void documented_example(void **state)
{
	static const uint8_t doc[] = { 0x02, 0x0f, 0xf8, 0x0a, 0x6e, 0xa4, 0x42, 0xad, 0x02, 0x00 };
	struct recs *r = recs_new();
	struct cap_ctx c = {};
	uint8_t buf[64];

	add_exit(r, 7, 7, "app", 5000, 3, 110, 0, 0, 0, NULL);	/* the previous record */
	add_exit(r, 7, 7, "app", 5700, 3, 110, 4242, 5400, 0, NULL);
	cap_rec_encode(&c, buf, rec_at(r, 0));
	assert_int_equal(cap_rec_encode(&c, buf, rec_at(r, 1)), sizeof(doc));
	assert_memory_equal(buf, doc, sizeof(doc));
	recs_free(r);
}

/*
 * The worked example of docs/capture-format.md as format 2.0 writes it, its length after the tag
 * (documented_example above is the same item in format 1.0), and read back.
 */
static void documented_example_framed(void **state)
{
	static const uint8_t doc[] = { 0x02, 0x09, 0x0f, 0xf8, 0x0a, 0x6e, 0xa4, 0x42, 0xad, 0x02,
				       0x00 };
	union { union scry_rec rec; uint8_t b[SCRY_REC_MAX]; } out;
	struct recs *r = recs_new();
	struct cap_ctx c = {}, d = {};
	uint8_t buf[64];
	uint32_t size;
	size_t n;

	add_exit(r, 7, 7, "app", 5000, 3, 110, 0, 0, 0, NULL);	/* the previous record */
	add_exit(r, 7, 7, "app", 5700, 3, 110, 4242, 5400, 0, NULL);
	n = cap_event_encode(&c, buf, rec_at(r, 0));
	assert_int_equal(buf[1], n - 2);
	assert_int_equal(cap_event_decode(&d, buf, n, &out.rec, &size), (int)n);
	assert_int_equal(cap_event_encode(&c, buf, rec_at(r, 1)), sizeof(doc));
	assert_memory_equal(buf, doc, sizeof(doc));
	assert_int_equal(cap_event_decode(&d, buf, sizeof(doc), &out.rec, &size), sizeof(doc));
	assert_int_equal(size, r->size[1]);
	assert_memory_equal(&out.rec, rec_at(r, 1), size);
	/* a length past the payload, and a body that ends inside its fields, are damage */
	assert_int_equal(cap_event_decode(&d, buf, sizeof(doc) - 1, &out.rec, &size), -EBADMSG);
	buf[1] = 5;
	assert_int_equal(cap_event_decode(&d, buf, sizeof(doc), &out.rec, &size), -EBADMSG);
	recs_free(r);
}

/*
 * Every member of the structures the state items carry, in declaration order, and what an item
 * does with it: SAVED members go through the item and come back equal (compared here byte for
 * byte, their test values all non-zero so that a member decoded as 0 fails); OWN ones are
 * compared by the test below, one by one (strings, pointers); LOCAL ones are the tables' own and
 * stay out of the file (decoded as 0). member_layout() fails when a member is added or moved, so
 * a new member gets a line here rather than going unchecked.
 */
enum member_kind { M_SAVED, M_OWN, M_LOCAL };

struct member {
	const char *name;
	size_t off, size, align;
	enum member_kind kind;
	size_t to;	/* scry_thread: the member's offset in struct cap_thread */
};

#define MEMBER_TO(T, m, kind, to)                                                                  \
	{ #m, offsetof(T, m), sizeof(((T *)0)->m), _Alignof(__typeof__(((T *)0)->m)), M_##kind, to }
#define MEMBER(T, m, kind) MEMBER_TO(T, m, kind, offsetof(T, m))
#define THREAD(m, kind) MEMBER_TO(struct scry_thread, m, kind, offsetof(struct cap_thread, m))

static const struct member proc_members[] = {
	MEMBER(struct scry_proc, pid, SAVED), MEMBER(struct scry_proc, ppid, SAVED),
	MEMBER(struct scry_proc, vpid, SAVED), MEMBER(struct scry_proc, uid, SAVED),
	MEMBER(struct scry_proc, gid, SAVED), MEMBER(struct scry_proc, loginuid, SAVED),
	MEMBER(struct scry_proc, cgid, SAVED),
	MEMBER(struct scry_proc, comm, OWN), MEMBER(struct scry_proc, exe, OWN),
	MEMBER(struct scry_proc, args, OWN), MEMBER(struct scry_proc, args_len, OWN),
	MEMBER(struct scry_proc, start_ts, SAVED), MEMBER(struct scry_proc, cpu_ns, SAVED),
	MEMBER(struct scry_proc, sched, LOCAL),	/* summed from the records; no table shows it */
	MEMBER(struct scry_proc, nthreads, LOCAL),	/* counted from the thread items */
	MEMBER(struct scry_proc, exit_code, SAVED), MEMBER(struct scry_proc, dead, SAVED),
	MEMBER(struct scry_proc, dead_ts, SAVED),
	MEMBER(struct scry_proc, container, LOCAL),	/* from the container items */
	MEMBER(struct scry_proc, fds, LOCAL), MEMBER(struct scry_proc, cwd, LOCAL), /* fd seeds */
	MEMBER(struct scry_proc, ctr_cgid, LOCAL), MEMBER(struct scry_proc, ctr_known, LOCAL),
	MEMBER(struct scry_proc, ctr_cat, LOCAL),	/* judged again from the records */
	MEMBER(struct scry_proc, users_ref, LOCAL),	/* users.c's memo */
	MEMBER(struct scry_proc, info, SAVED),
	MEMBER(struct scry_proc, tab, LOCAL),	/* the table it is added to */
	MEMBER(struct scry_proc, kids, LOCAL),	/* a hint: true for every entry not forked */
	MEMBER(struct scry_proc, cg_text, LOCAL), MEMBER(struct scry_proc, cg_cgid, LOCAL),
	/* a file's CGROUPS items, not its snapshot, carry the cgroup files (cgtext.c) */
	MEMBER(struct scry_proc, cg_mark, LOCAL), MEMBER(struct scry_proc, cg_mark_cgid, LOCAL),
	MEMBER(struct scry_proc, env, OWN), MEMBER(struct scry_proc, env_len, OWN),
	MEMBER(struct scry_proc, refs, LOCAL), MEMBER(struct scry_proc, dead_idx, LOCAL),
	MEMBER(struct scry_proc, zombie, LOCAL), MEMBER(struct scry_proc, parked, LOCAL),
	MEMBER(struct scry_proc, reapable, LOCAL), MEMBER(struct scry_proc, zombie_next, LOCAL),
};

static const struct member thread_members[] = {
	THREAD(tid, SAVED), THREAD(vtid, SAVED), THREAD(comm, OWN),
	MEMBER_TO(struct scry_thread, proc, OWN, offsetof(struct cap_thread, pid)),
	THREAD(enter_ts, SAVED), THREAD(enter_nr, SAVED), THREAD(cpu_ns, SAVED),
	MEMBER_TO(struct scry_thread, sched, LOCAL, 0),
	THREAD(dead, SAVED), THREAD(dead_ts, SAVED),
	MEMBER_TO(struct scry_thread, dead_idx, LOCAL, 0),
	MEMBER_TO(struct scry_thread, min_flt_base, SAVED, offsetof(struct cap_thread, min_flt)),
	MEMBER_TO(struct scry_thread, maj_flt_base, SAVED, offsetof(struct cap_thread, maj_flt)),
	/* thread.cpu counts whole seconds a reader saw from their start: none before a file's */
	MEMBER_TO(struct scry_thread, cpu_cur, LOCAL, 0),
	MEMBER_TO(struct scry_thread, cpu_prev, LOCAL, 0),
};

/* What a thread item decodes into: each member is one of thread_members' (pid: `proc`). */
static const struct member cap_thread_members[] = {
	MEMBER(struct cap_thread, tid, OWN), MEMBER(struct cap_thread, pid, OWN),
	MEMBER(struct cap_thread, vtid, OWN), MEMBER(struct cap_thread, comm, OWN),
	MEMBER(struct cap_thread, cpu_ns, OWN), MEMBER(struct cap_thread, dead_ts, OWN),
	MEMBER(struct cap_thread, enter_ts, OWN), MEMBER(struct cap_thread, enter_nr, OWN),
	MEMBER(struct cap_thread, dead, OWN),
	MEMBER(struct cap_thread, min_flt, OWN), MEMBER(struct cap_thread, maj_flt, OWN),
};

static const struct member ctr_members[] = {
	MEMBER(struct scry_container, id, OWN), MEMBER(struct scry_container, short_id, LOCAL),
	MEMBER(struct scry_container, runtime, OWN), MEMBER(struct scry_container, meta, OWN),
	MEMBER(struct scry_container, resolved, OWN), MEMBER(struct scry_container, pending, LOCAL),
	MEMBER(struct scry_container, unasked, LOCAL),
	MEMBER(struct scry_container, asked_mono, LOCAL),
	MEMBER(struct scry_container, first_ts, LOCAL),
	MEMBER(struct scry_container, last_ts, LOCAL), MEMBER(struct scry_container, procs, LOCAL),
	MEMBER(struct scry_container, pins, LOCAL), MEMBER(struct scry_container, cg_path, LOCAL),
	MEMBER(struct scry_container, cgs, LOCAL),
	/* issue 18: from the container records of the events, not from the state item */
	MEMBER(struct scry_container, life, LOCAL),
	MEMBER(struct scry_container, ncgroups, LOCAL),
	MEMBER(struct scry_container, id_next, LOCAL),
};

/* The strings of ctr_meta: compared by the loop below; labels and started_ns on their own. */
static const struct member meta_members[] = {
	MEMBER(struct ctr_meta, name, SAVED), MEMBER(struct ctr_meta, image, SAVED),
	MEMBER(struct ctr_meta, labels, OWN), MEMBER(struct ctr_meta, nlabels, OWN),
	MEMBER(struct ctr_meta, pod_name, SAVED), MEMBER(struct ctr_meta, pod_ns, SAVED),
	MEMBER(struct ctr_meta, k8s_container, SAVED), MEMBER(struct ctr_meta, started_ns, OWN),
	MEMBER(struct ctr_meta, image_id, SAVED), MEMBER(struct ctr_meta, image_repo, SAVED),
	MEMBER(struct ctr_meta, image_tag, SAVED), MEMBER(struct ctr_meta, image_digest, SAVED),
	MEMBER(struct ctr_meta, privileged, OWN), MEMBER(struct ctr_meta, mounts, OWN),
	MEMBER(struct ctr_meta, nmounts, OWN), MEMBER(struct ctr_meta, probe, OWN),
	MEMBER(struct ctr_meta, probe_len, OWN),
	MEMBER(struct ctr_meta, upper_dir, SAVED),	/* diff18 */
};

/* The list is the struct: each member where the one before ends (aligned), none after. */
static void member_layout(const char *what, const struct member *m, size_t n, size_t size,
			  size_t align)
{
	size_t end = 0, i;

	for (i = 0; i < n; i++) {
		size_t at = (end + m[i].align - 1) / m[i].align * m[i].align;

		if (m[i].off != at)
			fail_msg("%s.%s is at %zu, not %zu: a member missing from the list?", what,
				 m[i].name, m[i].off, at);
		end = m[i].off + m[i].size;
	}
	end = (end + align - 1) / align * align;
	if (end != size)
		fail_msg("%s: the list ends at %zu of %zu bytes: a member missing from the list?",
			 what, end, size);
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* SAVED members equal, each set to something non-zero; LOCAL ones decoded as 0 (`got`: 1). */
static void members_equal(const char *what, const struct member *m, size_t n, const void *want,
			  const void *got, bool local_zero)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const uint8_t *w = (const uint8_t *)want + m[i].off;
		const uint8_t *g = (const uint8_t *)got + m[i].to;

		if (m[i].kind == M_SAVED && all_zero(w, m[i].size))
			fail_msg("%s.%s: give it a non-zero test value", what, m[i].name);
		if (m[i].kind == M_SAVED && memcmp(w, g, m[i].size))
			fail_msg("%s.%s differs after the round trip", what, m[i].name);
		if (m[i].kind == M_LOCAL && local_zero && !all_zero(g, m[i].size))
			fail_msg("%s.%s: not in the item, decoded non-zero", what, m[i].name);
	}
}

static void meta_equal(const struct ctr_meta *want, const struct ctr_meta *got)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(meta_members); i++) {
		const char *w, *g;

		if (meta_members[i].kind != M_SAVED)
			continue;
		memcpy(&w, (const char *)want + meta_members[i].off, sizeof(w));
		memcpy(&g, (const char *)got + meta_members[i].off, sizeof(g));
		if (!w != !g || (w && strcmp(w, g)))
			fail_msg("meta.%s: want %s, got %s", meta_members[i].name, w ? w : "NULL",
				 g ? g : "NULL");
	}
	assert_int_equal(got->started_ns, want->started_ns);
	assert_int_equal(got->nlabels, want->nlabels);
	for (i = 0; i < want->nlabels; i++) {
		assert_string_equal(got->labels[i].key, want->labels[i].key);
		assert_string_equal(got->labels[i].val, want->labels[i].val);
	}
	assert_int_equal(got->privileged, want->privileged);
	assert_int_equal(got->nmounts, want->nmounts);
	for (i = 0; i < want->nmounts; i++) {
		assert_string_equal(got->mounts[i].source, want->mounts[i].source);
		assert_string_equal(got->mounts[i].dest, want->mounts[i].dest);
		assert_string_equal(got->mounts[i].mode, want->mounts[i].mode);
		assert_string_equal(got->mounts[i].propagation, want->mounts[i].propagation);
		assert_int_equal(got->mounts[i].rw, want->mounts[i].rw);
	}
	for (i = 0; i < CTR_PROBE__MAX; i++) {
		assert_int_equal(!got->probe[i], !want->probe[i]);
		assert_int_equal(got->probe_len[i], want->probe_len[i]);
		if (want->probe[i])
			assert_memory_equal(got->probe[i], want->probe[i], want->probe_len[i]);
	}
}

static void state_items_round_trip(void **state)
{
	static const char args[] = "/usr/bin/app\0--flag\0\0value";
	/* wide values: a member cut to fewer bytes, or decoded as 0, differs */
	struct scry_proc p = { .pid = 300, .ppid = 299999, .vpid = 7, .uid = 100000,
			       .gid = 70000, .cgid = (1ULL << 40) + 99, .start_ts = 0x123456789ULL,
			       .cpu_ns = 0xfedcba9876543210ULL, .dead = true, .exit_code = -9,
			       .dead_ts = 0x23456789aULL, .loginuid = 1000,
			       .info = { .pi_flags = SCRY_PI_VALID | SCRY_PI_EXE_WRITABLE,
					 .sid = 299998, .vpgid = 70001, .tty = 34816 + 3,
					 .loginuid = 1000, .fdlimit = UINT64_MAX,
					 .vm_size_kb = 123456789, .vm_rss_kb = 4567,
					 .vm_swap_kb = 89 } };
	struct scry_thread t = { .tid = 301, .vtid = 8, .cpu_ns = 0x1234567890ULL,
				 .enter_ts = 0x3456789abULL, .enter_nr = 257, .dead = true,
				 .dead_ts = 0x456789abcULL, .proc = &p,
				 .min_flt_base = 1ULL << 33, .maj_flt_base = 77 };
	struct ctr_label labels[2] = { { "app", "web" }, { "tier", "" } };
	struct ctr_mount mounts[2] = { { "/srv/data", "/data", "ro", "rprivate", false },
				       { "/var/lib/docker/volumes/v/_data", "/v", "", "", true } };
	static const char probe[] = "/bin/sh\0-c\0cat /tmp/ready";
	struct scry_container c = { .id = "0123456789abcdef0123", .runtime = CTR_PODMAN,
				    .resolved = true }, c2 = { .id = "bare", .runtime = CTR_LXC };
	uint64_t cgids[3] = { 5, 1ULL << 40, UINT64_MAX }, cg;
	struct cap_loss loss = { 10, 20, 30, 40 }, l2;
	struct cap_end end = { 1, 2, 3, 4, 1 }, e2;
	struct cap_buf b = {};
	struct cap_proc cp;
	struct cap_thread ct;
	struct cap_ctr cc;
	const uint8_t *body;
	size_t off = 0, blen, pos = 0;
	uint8_t tag;
	int span;

	member_layout("scry_proc", proc_members, ARRAY_SIZE(proc_members), sizeof(p),
		      _Alignof(struct scry_proc));
	member_layout("scry_thread", thread_members, ARRAY_SIZE(thread_members), sizeof(t),
		      _Alignof(struct scry_thread));
	member_layout("cap_thread", cap_thread_members, ARRAY_SIZE(cap_thread_members),
		      sizeof(ct), _Alignof(struct cap_thread));
	member_layout("scry_container", ctr_members, ARRAY_SIZE(ctr_members), sizeof(c),
		      _Alignof(struct scry_container));
	member_layout("ctr_meta", meta_members, ARRAY_SIZE(meta_members), sizeof(c.meta),
		      _Alignof(struct ctr_meta));

	strcpy(p.comm, "my (app) x");
	p.exe = "/usr/bin/app";
	p.args = (char *)args;
	p.args_len = sizeof(args) - 1;
	p.env = "A=1\0B=two";
	p.env_len = 9;
	strcpy(t.comm, "worker");
	c.meta.name = "web-1";
	c.meta.image = "nginx:1.25";
	c.meta.labels = labels;
	c.meta.nlabels = 2;
	c.meta.pod_name = "web-7d9f";
	c.meta.pod_ns = "prod";
	c.meta.k8s_container = "nginx";
	c.meta.started_ns = 1700000000000000000ULL;
	c.meta.image_id = "8f2a0c1e";
	c.meta.image_repo = "registry.example:5000/team/web";
	c.meta.image_tag = "1.25";
	c.meta.image_digest = "sha256:0123abcd";
	c.meta.privileged = CTR_PRIV_YES;
	c.meta.mounts = mounts;
	c.meta.nmounts = 2;
	c.meta.probe[CTR_PROBE_READINESS] = (char *)probe;
	c.meta.probe_len[CTR_PROBE_READINESS] = sizeof(probe) - 1;
	c.meta.upper_dir = "/var/lib/docker/overlay2/4f2a/diff";
	cap_put_proc(&b, &p);
	cap_put_thread(&b, &t, 300);
	cap_put_ctr(&b, &c, cgids, 3);
	cap_put_ctr(&b, &c2, NULL, 0);	/* no metadata at all: every string absent */
	cap_put_loss(&b, &loss);
	cap_put_end(&b, &end);
	assert_int_equal(b.err, 0);

	span = cap_item_span(b.p + off, b.len - off, &tag, &body, &blen);
	assert_true(span > 0 && tag == CAP_TAG_PROC);
	off += span;
	assert_int_equal(cap_get_proc(body, blen, &cp), 0);
	members_equal("scry_proc", proc_members, ARRAY_SIZE(proc_members), &p, &cp.p, true);
	assert_string_equal(cp.p.comm, "my (app) x");
	assert_null(cp.p.exe);	/* the strings are cp's, pointing into the item */
	assert_null(cp.p.args);
	assert_int_equal(cp.p.args_len, 0);
	assert_int_equal(cp.exe_len, strlen(p.exe));
	assert_memory_equal(cp.exe, p.exe, cp.exe_len);
	assert_int_equal(cp.args_len, p.args_len);
	assert_memory_equal(cp.args, args, cp.args_len);
	assert_int_equal(cp.env_len, p.env_len);
	assert_memory_equal(cp.env, p.env, cp.env_len);

	span = cap_item_span(b.p + off, b.len - off, &tag, &body, &blen);
	assert_true(span > 0 && tag == CAP_TAG_THREAD);
	off += span;
	assert_int_equal(cap_get_thread(body, blen, &ct), 0);
	members_equal("scry_thread", thread_members, ARRAY_SIZE(thread_members), &t, &ct, false);
	assert_int_equal(ct.pid, 300);
	assert_string_equal(ct.comm, "worker");

	span = cap_item_span(b.p + off, b.len - off, &tag, &body, &blen);
	assert_true(span > 0 && tag == CAP_TAG_CONTAINER);
	off += span;
	assert_int_equal(cap_get_ctr(body, blen, &cc), 0);
	assert_string_equal(cc.id, c.id);
	assert_int_equal(cc.runtime, CTR_PODMAN);
	assert_true(cc.resolved);
	meta_equal(&c.meta, &cc.meta);
	assert_int_equal(cc.cut, 0);
	assert_int_equal(cc.ncgids, 3);
	for (int i = 0; i < 3; i++) {
		assert_true(cap_ctr_next_cgid(&cc, &pos, &cg));
		assert_int_equal(cg, cgids[i]);
	}
	assert_false(cap_ctr_next_cgid(&cc, &pos, &cg));
	ctr_meta__free(&cc.meta);

	span = cap_item_span(b.p + off, b.len - off, &tag, &body, &blen);
	assert_true(span > 0 && tag == CAP_TAG_CONTAINER);
	off += span;
	assert_int_equal(cap_get_ctr(body, blen, &cc), 0);
	assert_string_equal(cc.id, "bare");
	assert_int_equal(cc.runtime, CTR_LXC);
	assert_false(cc.resolved);
	meta_equal(&c2.meta, &cc.meta);
	assert_int_equal(cc.ncgids, 0);
	pos = 0;
	assert_false(cap_ctr_next_cgid(&cc, &pos, &cg));
	ctr_meta__free(&cc.meta);

	span = cap_item_span(b.p + off, b.len - off, &tag, &body, &blen);
	assert_true(span > 0 && tag == CAP_TAG_LOSS);
	off += span;
	assert_int_equal(cap_get_loss(body, blen, &l2), 0);
	assert_memory_equal(&l2, &loss, sizeof(loss));
	span = cap_item_span(b.p + off, b.len - off, &tag, &body, &blen);
	assert_true(span > 0 && tag == CAP_TAG_END);
	off += span;
	assert_int_equal(cap_get_end(body, blen, &e2), 0);
	assert_memory_equal(&e2, &end, sizeof(end));
	assert_int_equal(off, b.len);

	/*
	 * Every truncation of every item body is refused, never read past; but where a 2.5 item
	 * ended (before a process's info and a thread's faults), it reads as that older item.
	 */
	for (off = 0; off < b.len; off += span) {
		uint8_t tail[128];
		size_t old_len, up_len;

		span = cap_item_span(b.p + off, b.len - off, &tag, &body, &blen);
		old_len = tag == CAP_TAG_PROC ? blen - 10 - (cap_put_pi(tail, &p.info) - tail) - 2 :
			  tag == CAP_TAG_THREAD ? blen - (put_uv(put_uv(tail, t.min_flt_base),
								  t.maj_flt_base) - tail) : 0;
		up_len = 0;
		if (tag == CAP_TAG_CONTAINER) {
			assert_int_equal(cap_get_ctr(body, blen, &cc), 0);
			up_len = cc.meta.upper_dir ? 1 + strlen(cc.meta.upper_dir) : 1;
			ctr_meta__free(&cc.meta);
		}
		for (size_t cut = 0; cut < blen; cut++) {
			uint8_t *copy = malloc(cut ? cut : 1);	/* ASan sees any overread */

			memcpy(copy, body, cut);
			/*
			 * 2.5 ends before the login uid (1000: two bytes), then the info, then
			 * the environment (ten bytes)
			 */
			if (tag == CAP_TAG_PROC && (cut == old_len || cut == old_len + 2)) {
				assert_int_equal(cap_get_proc(copy, cut, &cp), 0);
				assert_int_equal(cp.p.loginuid, cut == old_len ? UINT32_MAX : 1000);
				assert_int_equal(cp.p.info.pi_flags, 0);
			} else if (tag == CAP_TAG_PROC && cut == blen - 10) {
				assert_int_equal(cap_get_proc(copy, cut, &cp), 0);
				assert_int_equal(cp.env_len, 0);
			} else if (tag == CAP_TAG_PROC) {
				assert_int_not_equal(cap_get_proc(copy, cut, &cp), 0);
			}
			if (tag == CAP_TAG_THREAD && cut == old_len) {
				assert_int_equal(cap_get_thread(copy, cut, &ct), 0);
				assert_int_equal(ct.min_flt, 0);
			} else if (tag == CAP_TAG_THREAD) {
				assert_int_not_equal(cap_get_thread(copy, cut, &ct), 0);
			}
			/* A whole 2.5 item (its cgroups last) is not a truncation: the fields since
			 * 2.6 follow them, and an item of an older file ends there. */
			/*
			 * 2.7 (diff18): a whole 2.6 item ends before the root's upper directory
			 * (the first container's: 1 + 34 bytes; the second's, absent: 1).
			 */
			if (tag == CAP_TAG_CONTAINER && cut == blen - up_len &&
			    !cap_get_ctr(copy, cut, &cc)) {
				assert_null(cc.meta.upper_dir);
				assert_int_equal(cc.meta.nmounts, up_len > 1 ? 2 : 0);
				ctr_meta__free(&cc.meta);
			} else if (tag == CAP_TAG_CONTAINER && !cap_get_ctr(copy, cut, &cc)) {
				assert_ptr_equal(cc.cgids + cc.cgids_len, copy + cut);
				assert_null(cc.meta.image_repo);
				assert_int_equal(cc.meta.nmounts, 0);
				ctr_meta__free(&cc.meta);
			}
			free(copy);
		}
	}
	cap_buf__free(&b);
}

/* --- recording a synthetic workload ------------------------------------------------------------ */

#define T0 1000000000000ULL
#define ID_A "aaaaaaaaaaaa0000000000000000000000000000000000000000000000000001"
#define ID_B "bbbbbbbbbbbb0000000000000000000000000000000000000000000000000002"

#define tmp test_path

/* Messages of thousands of damaged files are not worth reading in the test log. */
static int saved_stderr = -1;

static void quiet(bool on)
{
	if (on) {
		int null = open("/dev/null", O_WRONLY);

		fflush(stderr);
		saved_stderr = dup(2);
		dup2(null, 2);
		close(null);
	} else if (saved_stderr >= 0) {
		fflush(stderr);
		dup2(saved_stderr, 2);
		close(saved_stderr);
		saved_stderr = -1;
	}
}

static int setup_dir(void **state)
{
	assert_int_equal(test_dir_make("capture"), 0);
	clock__set_wall_offset(1700000000000000000ULL - T0);
	return 0;
}

static int rm_dir(void **state)
{
	return test_dir_remove();
}

struct live {
	struct pipeline *pl;
	struct proctab *procs;
	struct containers *containers;
	struct capture_writer *w;
};

static struct scry_proc *seed(struct proctab *pt, uint32_t pid, const char *comm, const char *exe,
			      uint64_t cgid)
{
	struct scry_proc tmpl = { .pid = pid, .ppid = 1, .vpid = pid, .uid = pid, .gid = 5,
				  .cgid = cgid, .start_ts = 77 };
	struct scry_proc *p;

	snprintf(tmpl.comm, sizeof(tmpl.comm), "%s", comm);
	p = proctab__add_proc(pt, &tmpl, exe, exe, strlen(exe));
	assert_non_null(proctab__add_thread(pt, pid, pid, tmpl.comm, p));
	return p;
}

/* A recording that started at `start` (boot ns), of the processes and containers below. */
static void live_new_at(struct live *L, const struct capture_writer_opts *o, uint64_t start)
{
	struct containers_opts co = {};
	struct ctr_meta ma = {};
	struct scry_container *a, *b;
	struct scry_proc *p;

	memset(L, 0, sizeof(*L));
	L->procs = proctab__new(NULL);
	L->containers = containers__new(&co, false);
	seed(L->procs, 100, "bash", "/bin/bash", 1);
	p = seed(L->procs, 200, "app", "/app", 77);
	assert_non_null(proctab__add_thread(L->procs, 201, 8, (char[SCRY_COMM_LEN]){ "worker" },
					    p));
	ma.name = strdup("web");
	ma.image = strdup("nginx:1");
	a = containers__add(L->containers, 77, ID_A, CTR_DOCKER, &ma);
	b = containers__add(L->containers, 88, ID_B, CTR_CONTAINERD, NULL);
	containers__bind(p, a, 77);
	containers__bind(seed(L->procs, 300, "svc", "/svc", 88), b, 88);
	L->pl = pipeline__new(L->procs, L->containers);
	pipeline__begin(L->pl, start, 0, false);
	L->w = capture_writer__new(o, pipeline__ctx(L->pl));
	assert_non_null(L->w);
	assert_int_equal(pipeline__add_sink(L->pl, &capture_sink_ops, L->w), 0);
}

static void live_new(struct live *L, const struct capture_writer_opts *o)
{
	live_new_at(L, o, T0);
}

static void live_close(struct live *L, struct capture_stats *st)
{
	assert_int_equal(pipeline__finish(L->pl), 0);
	assert_int_equal(capture_writer__close(L->w), 0);
	if (st)
		capture_writer__stats(L->w, st);
	pipeline__free(L->pl);
	proctab__free(L->procs);
	containers__free(L->containers);
}

/* Resolving container B halfway: its name must reach the records written before. */
static void resolve_b(struct live *L)
{
	struct ctr_meta mb = {};

	mb.name = strdup("db");
	mb.image = strdup("postgres:16");
	containers__add(L->containers, 88, ID_B, CTR_CONTAINERD, &mb);
}

/* Syscalls folded and not, paths, CPU time, and processes that fork, exec and exit. */
static void workload(struct recs *r, int n, uint64_t t)
{
	union scry_rec *x;
	int i;

	x = add(r, SCRY_REC_SWITCH, sizeof(struct scry_rec_switch), 200, 201, "worker", t, 77);
	x->sw.runtime_ns = 1000;
	for (i = 0; i < n; i++) {
		t += 1000;
		add_exit(r, 200, 200, "app", t, 77, 110, 1, t - 300, 0, NULL);
		x = add(r, SCRY_REC_SYS_ENTER, sizeof(struct scry_rec_sys_enter), 200, 201, "worker",
			t + 100, 77);
		x->enter.nr = 0;
		add_exit(r, 200, 201, "worker", t + 200, 77, 0, i, 0, 3, NULL);
		if (i % 10 == 0)
			add_exit(r, 300, 300, "svc", t + 300, 88, 257, i % 20 ? 3 : -2, t + 250, 4,
				 "/etc/hosts");
		if (i % 7 == 0) {
			x = add(r, SCRY_REC_CPUTICK, sizeof(struct scry_rec_cputick), 200, 200, "app",
				t + 400, 77);
			x->tick.runtime_ns = 500 + i;
		}
		if (i % 25 == 5) {
			uint32_t child = 1000 + i;

			x = add(r, SCRY_REC_FORK, sizeof(struct scry_rec_fork), child, child, "bash",
				t + 500, 1);
			x->fork.parent_pid = x->fork.parent_tid = x->fork.ppid = 100;
			x->fork.vpid = x->fork.vtid = child;
			add_exec(r, child, "true", t + 600, 1, "/bin/true", "true\0--x\0", 9);
			x = add(r, SCRY_REC_EXIT, sizeof(struct scry_rec_exit), child, child, "true",
				t + 700, 1);
			x->pexit.exit_flags = SCRY_EXIT_GROUP_DEAD;
			x = add(r, SCRY_REC_SWITCH, sizeof(struct scry_rec_switch), child, child,
				"true", t + 800, 1);
			x->sw.runtime_ns = 42;
		}
	}
}

/* Feed records [from, to) through the live pipeline, ticking now and then. */
static void feed(struct live *L, struct recs *r, int from, int to, int tick_every, int sleep_us)
{
	int i;

	for (i = from; i < to; i++) {
		assert_int_equal(pipeline__record(L->pl, rec_at(r, i), r->size[i]), 0);
		if (tick_every && i % tick_every == 0) {
			pipeline__tick(L->pl);
			if (sleep_us)
				usleep(sleep_us);
		}
	}
}

static void record(const char *path, struct recs *r, int n, const struct capture_writer_opts *x,
		   struct capture_stats *st)
{
	struct capture_writer_opts o = { .path = path, .level = -1 };
	struct live L;

	if (x)
		o = *x;
	workload(r, n, T0 + 1000);
	live_new(&L, &o);
	feed(&L, r, 0, r->n / 2, 50, 0);
	resolve_b(&L);
	feed(&L, r, r->n / 2, r->n, 50, 0);
	live_close(&L, st);
}

struct replayed {
	struct recs *r;
	struct proctab *pt;
	struct containers *ct;
	struct capture_read_stats st;
	bool opened;
};

/* Read files back; with `pipeline`, through a pipeline that rebuilds the tables. */
static void replay(const char *const *paths, int n, struct replayed *out, bool pipeline)
{
	struct containers_opts co = {};
	struct pipeline *pl;
	struct capture_reader *rd = capture_reader__open(paths, n);
	const void *rec;
	uint32_t size;
	int rc;

	memset(out, 0, sizeof(*out));
	out->r = recs_new();
	out->opened = rd != NULL;
	if (!rd)
		return;
	out->pt = proctab__new(NULL);
	out->ct = containers__new(&co, false);
	pl = pipeline__new(out->pt, out->ct);
	assert_non_null(pl);
	assert_int_equal(capture_reader__load(rd, out->pt, out->ct), 0);
	while ((rc = capture_reader__next(rd, &rec, &size)) > 0) {
		const union scry_rec *x = rec;
		union scry_rec *c = add(out->r, x->h.type, size, 0, 0, "", 0, 0);

		memcpy(c, rec, size);
		if (pipeline)
			pipeline__record(pl, rec, size);
	}
	assert_int_equal(rc, 0);
	pipeline__free(pl);
	capture_reader__finish(rd);
	capture_reader__stats(rd, &out->st);
	capture_reader__free(rd);
}

static void replayed_free(struct replayed *o)
{
	proctab__free(o->pt);
	containers__free(o->ct);
	recs_free(o->r);
}

/* out's records are r's records [from, from + out->n). */
static void assert_same(struct recs *r, int from, struct recs *out)
{
	int i;

	assert_true(from + out->n <= r->n);
	for (i = 0; i < out->n; i++) {
		assert_int_equal(out->size[i], r->size[from + i]);
		assert_memory_equal(rec_at(out, i), rec_at(r, from + i), r->size[from + i]);
	}
}

/* Offsets where the blocks of a file end, and the records in event blocks up to each. */
struct layout {
	size_t body_off;
	int n;
	size_t end[512];
	uint32_t kind[512];
	uint32_t records[512];	/* in this block */
};

static size_t read_whole(const char *path, uint8_t **data)
{
	struct stat sb;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	*data = malloc(sb.st_size);
	assert_int_equal(read(fd, *data, sb.st_size), sb.st_size);
	close(fd);
	return sb.st_size;
}

static void write_whole(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* `make fuzz` seeds its corpus with the files these tests write. */
static void seed_corpus(const char *path, const char *name)
{
	const char *dir = getenv("SCRY_FUZZ_CORPUS");
	char dst[512];
	uint8_t *d;
	size_t len;

	if (!dir)
		return;
	len = read_whole(path, &d);
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	write_whole(dst, d, len);
	free(d);
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void layout_of(const uint8_t *d, size_t len, struct layout *l)
{
	size_t off;

	memset(l, 0, sizeof(*l));
	l->body_off = 16 + le32(d + 12) + 4;
	for (off = l->body_off; off < len; l->n++) {
		assert_true(l->n < 512);
		l->kind[l->n] = d[off + 4];
		l->records[l->n] = d[off + 4] == CAP_BLK_EVENTS ? le32(d + off + 12) : 0;
		off += CAP_BLOCK_HDR + le32(d + off + 20);
		l->end[l->n] = off;
	}
	assert_int_equal(off, len);
}

static void assert_tables_equal(struct proctab *live, struct proctab *rp, const uint32_t *tids,
				int ntids)
{
	struct scry_proc *p, *q;
	size_t pos = 0;
	int i;

	while ((p = proctab__next_proc(live, &pos))) {
		q = proctab__proc(rp, p->pid);
		assert_non_null(q);
		assert_string_equal(q->comm, p->comm);
		assert_string_equal(q->exe, p->exe);
		assert_int_equal(q->args_len, p->args_len);
		assert_memory_equal(q->args, p->args, p->args_len);
		assert_int_equal(q->ppid, p->ppid);
		assert_int_equal(q->vpid, p->vpid);
		assert_int_equal(q->uid, p->uid);
		assert_int_equal(q->cpu_ns, p->cpu_ns);
		assert_int_equal(q->dead, p->dead);
		assert_int_equal(q->nthreads, p->nthreads);
	}
	assert_int_equal(proctab__nprocs(rp), proctab__nprocs(live));
	for (i = 0; i < ntids; i++) {
		struct scry_thread *t = proctab__thread(live, tids[i]), *u = proctab__thread(rp, tids[i]);

		assert_non_null(t);
		assert_non_null(u);
		assert_int_equal(u->vtid, t->vtid);
		assert_string_equal(u->comm, t->comm);
		assert_int_equal(u->cpu_ns, t->cpu_ns);
		assert_int_equal(u->enter_ts, t->enter_ts);
		assert_int_equal(u->proc->pid, t->proc->pid);
	}
}

/* A recording replays into the same records, process table and container names as live. */
static void replay_matches_live(void **state)
{
	struct capture_writer_opts o = { .path = tmp("live.scry"), .level = -1 };
	static const uint32_t tids[] = { 100, 200, 201, 300, 1005, 1030 };
	const char *paths[] = { o.path };
	struct recs *r = recs_new();
	struct capture_stats st;
	struct replayed out;
	struct scry_container *c;
	struct stat sb;
	struct live L;

	workload(r, 400, T0 + 1000);
	live_new(&L, &o);
	feed(&L, r, 0, r->n / 2, 50, 0);
	resolve_b(&L);
	feed(&L, r, r->n / 2, r->n, 50, 0);
	assert_int_equal(pipeline__finish(L.pl), 0);
	assert_int_equal(capture_writer__close(L.w), 0);
	capture_writer__stats(L.w, &st);
	assert_int_equal(st.records, r->n);
	assert_int_equal(st.dropped_events, 0);
	assert_int_equal(st.files, 1);
	assert_int_equal(stat(o.path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	{
		struct layout lay;
		uint8_t *d;
		size_t len = read_whole(o.path, &d);

		layout_of(d, len, &lay);
		assert_int_equal(st.bytes, len);	/* every byte counted */
		assert_int_equal(lay.kind[0], CAP_BLK_STATE);
		assert_int_equal(lay.kind[lay.n - 1], CAP_BLK_END);
		free(d);
	}

	replay(paths, 1, &out, true);
	assert_true(out.opened);
	assert_int_equal(out.r->n, r->n);
	assert_same(r, 0, out.r);
	assert_int_equal(out.st.damaged_blocks + out.st.truncated + out.st.lost_bytes, 0);
	assert_tables_equal(L.procs, out.pt, tids, 6);
	/* B's name came after its first records: the replay has it for all of them. */
	c = containers__of_cgroup(out.ct, 88, 0);
	assert_non_null(c);
	assert_string_equal(ctr_name(c), "db");
	assert_string_equal(c->meta.image, "postgres:16");
	assert_int_equal(c->runtime, CTR_CONTAINERD);
	c = containers__of_cgroup(out.ct, 77, 0);
	assert_non_null(c);
	assert_string_equal(ctr_name(c), "web");
	assert_null(containers__of_cgroup(out.ct, 1, 0));
	/* the process seeded in container A is attributed before any record of it */
	assert_ptr_equal(proctab__proc(out.pt, 200)->container, c);
	replayed_free(&out);

	pipeline__free(L.pl);
	proctab__free(L.procs);
	containers__free(L.containers);
	recs_free(r);
}

static void small_file(const char *path, struct recs *r, int level)
{
	struct capture_writer_opts o = { .path = path, .level = level,
					 .block_bytes = 1024 };

	record(path, r, 120, &o, NULL);
}

/* Cut at every offset: a clear refusal inside the header, else exactly the whole blocks. */
static void truncation_at_every_offset(void **state)
{
	const char *path = tmp("small.scry"), *cut = tmp("cut.scry");
	const char *paths[] = { cut };
	struct recs *r = recs_new();
	struct replayed out;
	struct layout l;
	uint8_t *d;
	size_t len, at;

	small_file(path, r, -1);
	seed_corpus(path, "small-deflate");
	len = read_whole(path, &d);
	layout_of(d, len, &l);
	assert_true(l.n >= 5);	/* state, several event blocks, metadata, end */
	quiet(true);
	for (at = 0; at < len; at++) {
		int expect = 0, i;

		write_whole(cut, d, at);
		replay(paths, 1, &out, false);
		if (at < l.body_off) {
			assert_false(out.opened);	/* cut inside its header: nothing to replay */
			recs_free(out.r);
			continue;
		}
		for (i = 0; i < l.n && l.end[i] <= at; i++)
			expect += l.records[i];
		assert_true(out.opened);
		assert_int_equal(out.r->n, expect);
		assert_same(r, 0, out.r);
		assert_int_equal(out.st.truncated, 1);	/* said once, for the one file */
		assert_int_equal(out.st.damaged_blocks, 0);
		replayed_free(&out);
	}
	quiet(false);
	write_whole(cut, d, len);
	replay(paths, 1, &out, false);
	assert_int_equal(out.r->n, r->n);
	assert_int_equal(out.st.truncated, 0);
	replayed_free(&out);
	free(d);
	recs_free(r);
}

/* Flip every byte: never a crash, always reported, and only the hit block's records lost. */
static void corruption_of_every_byte(void **state)
{
	const char *path = tmp("small2.scry"), *bad = tmp("bad.scry");
	const char *paths[] = { bad };
	struct recs *r = recs_new();
	struct replayed out;
	struct layout l;
	uint8_t *d;
	size_t len, at;
	int level;

	for (level = -1; level <= 0; level++) {	/* deflated blocks, then stored ones */
		r->n = r->used = 0;
		small_file(path, r, level);
		seed_corpus(path, level ? "small-deflate-2" : "small-stored");
		len = read_whole(path, &d);
		layout_of(d, len, &l);
		quiet(true);
		for (at = 0; at < len; at++) {
			int lost = 0, i;

			d[at] ^= 0x5a;
			write_whole(bad, d, len);
			d[at] ^= 0x5a;
			replay(paths, 1, &out, false);
			if (at < l.body_off) {
				assert_false(out.opened);
				recs_free(out.r);
				continue;
			}
			for (i = 0; l.end[i] <= at; i++)
				;
			lost = l.records[i];
			assert_true(out.opened);
			assert_int_equal(out.r->n, r->n - lost);
			/* the records before and after the damaged block, in order */
			for (int k = 0, skip = 0; k < out.r->n; k++) {
				int before = 0;

				for (int j = 0; j < i; j++)
					before += l.records[j];
				skip = k < before ? 0 : lost;
				assert_memory_equal(rec_at(out.r, k), rec_at(r, k + skip), r->size[k + skip]);
			}
			assert_true(out.st.damaged_blocks + out.st.truncated > 0);
			replayed_free(&out);
		}
		quiet(false);
		free(d);
	}
	recs_free(r);
}

static void open_fails(const char *path, enum cap_open_err want, const char *msg_part)
{
	enum cap_open_err why;
	char msg[512];
	struct cap_file *f = cap_file__open(path, &why, msg, sizeof(msg));

	assert_null(f);
	assert_int_equal(why, want);
	assert_non_null(strstr(msg, msg_part));
}

static void not_a_capture(void **state)
{
	const char *text = tmp("notes.txt");
	const char *paths[] = { text };

	write_whole(text, (const uint8_t *)"hello, this is not a capture\n", 29);
	open_fails(text, CAP_OPEN_NOT_CAPTURE, "is not a scry capture file");
	write_whole(text, (const uint8_t *)"\x89SCRY", 5);
	open_fails(text, CAP_OPEN_CUT, "cut short inside its header");
	write_whole(text, (const uint8_t *)"", 0);
	open_fails(text, CAP_OPEN_CUT, "is empty");
	open_fails(tmp("nonexistent"), CAP_OPEN_SYS, "No such file or directory");
	open_fails(test_dir, CAP_OPEN_SYS, "is a directory");
	/* the set as a whole: not a capture is an error, no reader */
	quiet(true);
	assert_null(capture_reader__open(paths, 1));
	quiet(false);
}

/* Append a block (stored) with the given payload and time range. */
static size_t put_block_ts(uint8_t *out, uint8_t kind, uint32_t seq, const uint8_t *p, size_t len,
			   uint32_t nitems, uint64_t first_ts, uint64_t last_ts)
{
	struct cap_block_hdr h = { .kind = kind, .codec = CAP_CODEC_STORED, .seq = seq,
				   .nitems = nitems, .raw_len = len, .stored_len = len,
				   .first_ts = first_ts, .last_ts = last_ts,
				   .payload_crc = cap_crc32(p, len) };

	cap_block_hdr_encode(&h, out);
	if (len)
		memcpy(out + CAP_BLOCK_HDR, p, len);
	return CAP_BLOCK_HDR + len;
}

static size_t put_block(uint8_t *out, uint8_t kind, uint32_t seq, const uint8_t *p, size_t len,
			uint32_t nitems)
{
	return put_block_ts(out, kind, seq, p, len, nitems, 0, 0);
}

/*
 * Copy the blocks of d[from, len) to out, numbered from `seq`, with `more` records (one event
 * each) added to the end marker's totals; returns the bytes written.
 */
static size_t renumber_blocks(uint8_t *out, const uint8_t *d, size_t from, size_t len, uint32_t seq,
			      uint32_t more)
{
	struct cap_block_hdr h;
	size_t off, n = 0, blen;
	const uint8_t *body;
	struct cap_buf b = {};
	struct cap_end e;
	uint8_t tag;

	for (off = from; off < len; off += CAP_BLOCK_HDR + h.stored_len) {
		assert_int_equal(cap_block_hdr_decode(d + off, &h), 0);
		if (h.kind == CAP_BLK_END) {
			assert_true(cap_item_span(d + off + CAP_BLOCK_HDR, h.raw_len, &tag, &body,
						  &blen) > 0);
			assert_int_equal(cap_get_end(body, blen, &e), 0);
			e.records += more;
			e.events += more;
			cap_put_end(&b, &e);
			n += put_block(out + n, CAP_BLK_END, seq++, b.p, b.len, 1);
			cap_buf__free(&b);
			continue;
		}
		h.seq = seq++;
		cap_block_hdr_encode(&h, out + n);
		memcpy(out + n + CAP_BLOCK_HDR, d + off + CAP_BLOCK_HDR, h.stored_len);
		n += CAP_BLOCK_HDR + h.stored_len;
	}
	return n;
}

/*
 * A newer major version is refused with a clear message; a newer minor version's additions
 * (header fields, block kinds, item kinds) are skipped and the rest reads.
 */
static void newer_versions(void **state)
{
	const char *path = tmp("v.scry"), *newer = tmp("newer.scry");
	const char *paths[] = { newer };
	struct recs *r = recs_new();
	uint8_t *d, *o, payload[256], *p = payload;
	struct replayed out;
	struct cap_ctx c = {};
	size_t len, body, n;
	uint32_t crc;

	small_file(path, r, 0);
	len = read_whole(path, &d);
	d[8] = CAP_MAJOR + 1;
	write_whole(newer, d, len);
	open_fails(newer, CAP_OPEN_NEWER, "written by a newer scry");
	quiet(true);
	assert_null(capture_reader__open(paths, 1));
	quiet(false);
	d[8] = CAP_MAJOR;

	/* minor + 1: 8 more header bytes, an unknown block, an unknown item before a record */
	o = malloc(len + 1024);
	body = le32(d + 12);
	memcpy(o, d, 16 + body);
	o[10] = CAP_MINOR + 1;
	memset(o + 16 + body, 0xee, 8);
	o[12] = body + 8;
	crc = cap_crc32(o, 16 + body + 8);
	memcpy(o + 16 + body + 8, &crc, 4);	/* little-endian host */
	n = 16 + body + 8 + 4;
	n += put_block(o + n, 0x77, 0, (const uint8_t *)"future", 6, 1);
	*p++ = 0x5a;	/* an item kind this reader does not know, then a record */
	*p++ = 3;
	*p++ = 1;
	*p++ = 2;
	*p++ = 3;
	p += cap_event_encode(&c, p, rec_at(r, 0));
	n += put_block_ts(o + n, CAP_BLK_EVENTS, 1, payload, p - payload, 2, rec_at(r, 0)->h.ts,
			  rec_at(r, 0)->h.ts);
	/* the original blocks follow, numbered on: no gap, nothing out of sequence */
	n += renumber_blocks(o + n, d, 16 + body + 4, len, 2, 1);
	write_whole(newer, o, n);
	seed_corpus(newer, "newer-minor");
	replay(paths, 1, &out, false);
	assert_true(out.opened);
	assert_int_equal(out.st.damaged_files, 0);	/* nothing lost: no warning */
	assert_int_equal(out.r->n, r->n + 1);
	assert_memory_equal(rec_at(out.r, 0), rec_at(r, 0), r->size[0]);
	replayed_free(&out);
	free(o);
	free(d);
	recs_free(r);
}

static void rotation_names(void **state)
{
	struct cap_names *n = cap_names__new("cap", false, false, 0);

	assert_string_equal(cap_names__get(n, 0, 0), "cap");
	cap_names__free(n);
	n = cap_names__new("cap", true, false, 0);
	assert_string_equal(cap_names__get(n, 0, 0), "cap0");
	assert_string_equal(cap_names__get(n, 11, 0), "cap11");
	cap_names__free(n);
	n = cap_names__new("cap", true, false, 3);
	assert_string_equal(cap_names__get(n, 2, 0), "cap2");
	assert_null(cap_names__past(n, 0));
	cap_names__created(n, 0, "cap0", &(struct outfile_id){ 1, 10 });
	assert_string_equal(cap_names__get(n, 3, 0), "cap0");	/* wraps: replaces the oldest */
	assert_string_equal(cap_names__past(n, 3)->name, "cap0");	/* if it is still that file */
	assert_int_equal(cap_names__past(n, 3)->id.ino, 10);
	cap_names__free(n);
	n = cap_names__new("cap", false, true, 10);
	assert_string_equal(cap_names__get(n, 0, 0), "cap00");	/* padded to -W's digits */
	assert_string_equal(cap_names__get(n, 19, 0), "cap09");
	cap_names__free(n);
	/* -G with a strftime name: -W removes the file from N files ago */
	setenv("TZ", "UTC", 1);
	n = cap_names__new("cap-%H%M%S", false, true, 2);
	assert_string_equal(cap_names__get(n, 0, 0), "cap-000000");
	assert_null(cap_names__past(n, 0));
	cap_names__created(n, 0, "cap-000000", &(struct outfile_id){ 1, 20 });
	assert_string_equal(cap_names__get(n, 1, 60), "cap-000100");
	assert_null(cap_names__past(n, 1));
	cap_names__created(n, 1, "cap-000100", &(struct outfile_id){ 1, 21 });
	assert_string_equal(cap_names__get(n, 2, 120), "cap-000200");
	assert_string_equal(cap_names__past(n, 2)->name, "cap-000000");
	assert_int_equal(cap_names__past(n, 2)->id.ino, 20);
	cap_names__free(n);
}

/* -C with -W 3: exactly three files, each complete alone, together the newest records. */
/*
 * Takes out the fd seeds a next file starts with (the open fds of the table then, which the
 * workload did not make), after checking they lead the file if `one_file`; returns how many.
 */
static int strip_fd_seeds(struct recs *r, bool one_file)
{
	int i, k = 0, n = 0;

	for (i = 0; i < r->n; i++) {
		if (rec_at(r, i)->h.type == SCRY_REC_FD_SEED) {
			if (one_file)
				assert_int_equal(i, n);
			n++;
			continue;
		}
		r->off[k] = r->off[i];
		r->size[k++] = r->size[i];
	}
	r->n = k;
	return n;
}

/*
 * issue 18 (ns18): takes out the zombie and namespace seeds (and the host's namespaces) a next
 * file carries after its fd seeds (the workload's exits leave zombies: nothing reaps them);
 * returns how many.
 */
static int strip_ns18_seeds(struct recs *r)
{
	int i, k = 0, n = 0;

	for (i = 0; i < r->n; i++) {
		const union scry_rec *x = rec_at(r, i);

		if ((x->h.type == SCRY_REC_ZOMBIE && x->zombie.kind == SCRY_ZB_SEED) ||
		    (x->h.type == SCRY_REC_NS && (x->ns.kind == SCRY_NSK_SEED ||
						   x->ns.kind == SCRY_NSK_HOST))) {
			n++;
			continue;
		}
		r->off[k] = r->off[i];
		r->size[k++] = r->size[i];
	}
	r->n = k;
	return n;
}

static void rotation_keeps_last_files(void **state)
{
	char base[256];
	struct capture_writer_opts o = { .level = -1, .block_bytes = 1024,
					 .rotate_bytes = 1500, .keep = 3 };
	const char *paths[3];
	struct recs *r = recs_new();
	struct capture_stats st;
	struct replayed out;
	struct stat sb;
	struct live L;
	int i, total = 0, first;

	snprintf(base, sizeof(base), "%s", tmp("rot.scry"));
	o.path = base;
	workload(r, 1500, T0 + 1000);
	live_new(&L, &o);
	feed(&L, r, 0, r->n, 20, 300);	/* time for the writer between blocks */
	live_close(&L, &st);
	assert_true(st.files >= 4);	/* more than -W keeps, whatever the machine's load */
	for (i = 0; i < 4; i++) {
		char name[300];

		snprintf(name, sizeof(name), "%s%d", base, i);
		assert_int_equal(stat(name, &sb), i < 3 ? 0 : -1);
	}
	for (i = 0; i < 3; i++) {
		char *name = malloc(300);

		snprintf(name, 300, "%s%d", base, i);
		paths[i] = name;
		replay(&paths[i], 1, &out, true);
		seed_corpus(name, i ? "rotated-2" : "rotated-1");
		assert_true(out.opened);
		assert_true(out.r->n > 0);
		assert_int_equal(out.st.truncated + out.st.damaged_blocks, 0);
		/* each file carries the table: the seeded process has its exe without the others */
		assert_string_equal(proctab__proc(out.pt, 200)->exe, "/app");
		/* and starts with the open fds: svc's /etc/hosts, opened in an earlier file */
		assert_int_equal(rec_at(out.r, 0)->h.type, SCRY_REC_FD_SEED);
		assert_int_equal(rec_at(out.r, 0)->h.pid, 300);
		assert_int_equal(rec_at(out.r, 0)->fdseed.fd, 3);
		assert_string_equal(rec_at(out.r, 0)->fdseed.name, "/etc/hosts");
		strip_ns18_seeds(out.r);
		assert_int_equal(strip_fd_seeds(out.r, true), 1);
		total += out.r->n;
		replayed_free(&out);
	}
	/* all three, named in any order: the newest records, contiguous and in order */
	replay((const char *[]){ paths[2], paths[0], paths[1] }, 3, &out, false);
	strip_ns18_seeds(out.r);
	assert_int_equal(strip_fd_seeds(out.r, false), 3);
	assert_int_equal(out.r->n, total);
	first = r->n - total;
	assert_same(r, first, out.r);
	replayed_free(&out);
	for (i = 0; i < 3; i++)
		free((char *)paths[i]);
	recs_free(r);
}

#include <pthread.h>
#include <time.h>

struct drain {
	int fd;
	uint8_t *buf;
	size_t len, cap;
};

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	ssize_t n;

	for (;;) {
		if (d->len == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 1 << 20;
			d->buf = realloc(d->buf, d->cap);
		}
		n = read(d->fd, d->buf + d->len, d->cap - d->len);
		if (n <= 0)
			break;
		d->len += n;
	}
	return NULL;
}

/*
 * -r with -w: a replay re-recorded through the pipeline into a writer with a tiny pool, which
 * must wait rather than drop. Returns the source's header in *origin.
 */
static void rewrite(const char *src, const char *dst, const char *filter,
		    struct capture_stats *st, struct cap_header *origin)
{
	const char *paths[] = { src };
	struct capture_reader *rd = capture_reader__open(paths, 1);
	struct capture_writer_opts o = { .path = dst, .level = -1, .block_bytes = 1024,
					 .pool_blocks = 2, .filter = filter };
	struct containers_opts co = {};
	struct pipeline *pl;
	struct proctab *procs;
	struct containers *ctrs;
	struct capture_writer *w;
	struct filter *f;
	char err[128];
	const void *rec;
	uint32_t size;
	int rc;

	assert_non_null(rd);
	*origin = *capture_reader__origin(rd);
	o.source = rd;
	procs = proctab__new(NULL);
	ctrs = containers__new(&co, false);
	pl = pipeline__new(procs, ctrs);
	f = filter__compile(filter, err, sizeof(err));
	assert_non_null(f);
	pipeline__set_filter(pl, f, 0);
	w = capture_writer__new(&o, pipeline__ctx(pl));
	assert_non_null(w);
	assert_int_equal(pipeline__add_sink(pl, &capture_sink_ops, w), 0);
	assert_int_equal(capture_reader__load(rd, procs, ctrs), 0);
	assert_int_equal(capture_reader__snapshots(rd), 0);	/* as cmd_read does for -w */
	pipeline__begin(pl, capture_reader__start_ts(rd), 0, false);
	while ((rc = capture_reader__next(rd, &rec, &size)) > 0)
		assert_int_equal(pipeline__record(pl, rec, size), 0);
	assert_int_equal(rc, 0);
	assert_int_equal(pipeline__finish(pl), 0);
	assert_int_equal(capture_writer__close(w), 0);
	capture_writer__stats(w, st);
	pipeline__free(pl);
	proctab__free(procs);
	containers__free(ctrs);
	capture_reader__free(rd);
}

/* The consumer's side of a recording in a thread of its own, so that a consumer that waits for
 * a writer that never writes is a failure of the test rather than a hang. */
struct feed_job {
	struct live *L;
	struct recs *r;
	int failed;
};

static void *feed_main(void *arg)
{
	struct feed_job *j = arg;
	int i;

	for (i = 0; i < j->r->n; i++) {
		j->failed += pipeline__record(j->L->pl, rec_at(j->r, i), j->r->size[i]) != 0;
		if (i % 50 == 0)
			pipeline__tick(j->L->pl);
	}
	return NULL;
}

static int cmp_u64x4(const void *a, const void *b)
{
	return memcmp(a, b, 4 * sizeof(uint64_t));
}

/* The process lifecycle records of R, (type, pid, tid, ts) each, sorted: what a recording must
 * keep whatever it drops. Returns how many. */
static int lifecycle(struct recs *r, uint64_t (*out)[4])
{
	int i, n = 0;

	for (i = 0; i < r->n; i++) {
		const struct scry_hdr *h = &rec_at(r, i)->h;

		if (h->type != SCRY_REC_FORK && h->type != SCRY_REC_EXEC && h->type != SCRY_REC_EXIT)
			continue;
		out[n][0] = h->type;
		out[n][1] = h->pid;
		out[n][2] = h->tid;
		out[n][3] = h->ts;
		n++;
	}
	qsort(out, n, sizeof(*out), cmp_u64x4);
	return n;
}

/*
 * A writer that cannot write (a full pipe): the consumer never waits, drops and counts, keeps
 * every process lifecycle record, and the file says where events were lost.
 */
static void stalled_writer_drops(void **state)
{
	const char *fifo = tmp("fifo"), *copy = tmp("drained.scry");
	struct capture_writer_opts o = { .path = fifo, .level = 0,
					 .block_bytes = 1024, .pool_blocks = 4 };
	const char *paths[] = { copy };
	struct recs *r = recs_new();
	struct drain dr = {};
	struct capture_stats st;
	struct replayed out;
	static uint64_t want_lc[MAXREC][4], got_lc[MAXREC][4];
	struct live L;
	struct feed_job job = { .L = &L, .r = r };
	struct timespec deadline;
	pthread_t th, feeder;
	uint8_t junk[4096];
	int i, want, got, wfd;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	dr.fd = open(fifo, O_RDONLY | O_NONBLOCK);
	wfd = open(fifo, O_WRONLY);
	o.fd = open(fifo, O_WRONLY);	/* -w refuses a FIFO: the writer is handed one */
	assert_true(dr.fd >= 0 && wfd >= 0 && o.fd >= 0);
	fcntl(wfd, F_SETPIPE_SZ, 4096);
	memset(junk, 'j', sizeof(junk));
	fcntl(wfd, F_SETFL, O_NONBLOCK);
	while (write(wfd, junk, sizeof(junk)) > 0)
		;	/* the pipe is full: the writer thread blocks on its first write */
	workload(r, 1200, T0 + 1000);
	live_new(&L, &o);
	/*
	 * Nothing drains the pipe until the consumer is done, so the writer thread stays blocked on
	 * its first write: a consumer that waited for it even once would never finish. A minute is
	 * not a timing margin but "never" for 1200 records.
	 */
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 60;
	pthread_create(&feeder, NULL, feed_main, &job);
	if (pthread_timedjoin_np(feeder, NULL, &deadline) != 0)
		fail_msg("the consumer waited for a writer that cannot write");
	assert_int_equal(job.failed, 0);
	close(wfd);
	fcntl(dr.fd, F_SETFL, 0);
	pthread_create(&th, NULL, drain_main, &dr);
	live_close(&L, &st);
	pthread_join(th, NULL);
	close(dr.fd);
	assert_true(st.dropped_records > 0);
	assert_true(st.records > 0);
	assert_int_equal(st.records + st.dropped_records, r->n);

	/* what reached the pipe after the junk is a capture with loss markers */
	assert_true(dr.len > sizeof(junk));
	i = 0;
	while (dr.buf[i] == 'j')
		i++;
	write_whole(copy, dr.buf + i, dr.len - i);
	seed_corpus(copy, "with-losses");
	quiet(true);
	replay(paths, 1, &out, false);
	quiet(false);
	assert_true(out.opened);
	assert_int_equal(out.r->n, st.records);
	assert_int_equal(out.st.writer_dropped, st.dropped_events);
	assert_int_equal(out.st.damaged_files, 0);	/* its end marker agrees with its blocks */
	/* every lifecycle record itself, once: not merely as many of them */
	want = lifecycle(r, want_lc);
	got = lifecycle(out.r, got_lc);
	assert_true(want > 0);
	assert_int_equal(got, want);
	assert_memory_equal(got_lc, want_lc, want * sizeof(*want_lc));

	/* re-recorded, the file still says what its recorder lost, and where */
	{
		const char *again = tmp("drained-again.scry"), *apaths[] = { again };
		struct capture_stats st2;
		struct cap_header origin;
		struct replayed out2;

		quiet(true);
		rewrite(copy, again, "", &st2, &origin);
		replay(apaths, 1, &out2, false);
		quiet(false);
		assert_int_equal(st2.dropped_events, 0);	/* the re-recorder waited */
		assert_int_equal(out2.st.writer_dropped, st.dropped_events);
		assert_int_equal(out2.r->n, out.r->n);
		assert_same(out.r, 0, out2.r);
		replayed_free(&out2);
	}
	replayed_free(&out);
	free(dr.buf);
	recs_free(r);
}

/*
 * Re-recording: every record again, in order, through a writer that cannot keep up, with the
 * source's host and boot in the header and its loss reports carried over; with a filter, the
 * matching records and every process's lifecycle.
 */
static void rewrite_keeps_everything(void **state)
{
	const char *src = tmp("rw-src.scry"), *dst = tmp("rw-dst.scry"), *fdst = tmp("rw-f.scry");
	const char *paths[] = { dst }, *fpaths[] = { fdst }, *spaths[] = { src };
	struct capture_writer_opts o = { .path = src, .level = 1, .block_bytes = 4096 };
	struct cap_header origin, h;
	struct capture_stats st, st2;
	enum cap_open_err why;
	char msg[256];
	struct replayed a, b;
	struct recs *r = recs_new();
	struct cap_file *f;
	int i, calls = 0, lifecycle = 0, other = 0;

	record(src, r, 1500, &o, &st);
	assert_int_equal(st.dropped_events, 0);
	rewrite(src, dst, "", &st2, &origin);
	assert_int_equal(st2.dropped_events, 0);
	assert_int_equal(st2.records, st.records);
	assert_int_equal(st2.events, st.events);
	replay(spaths, 1, &a, false);
	replay(paths, 1, &b, false);
	assert_int_equal(b.r->n, a.r->n);
	assert_same(a.r, 0, b.r);
	f = cap_file__open(dst, &why, msg, sizeof(msg));
	assert_non_null(f);
	h = *cap_file__header(f);
	cap_file__free(f);
	assert_string_equal(h.hostname, origin.hostname);
	assert_string_equal(h.release, origin.release);
	assert_int_equal(h.boot_wall, origin.boot_wall);
	assert_int_equal(h.start_ts, origin.start_ts);
	assert_int_equal(h.ncpus, origin.ncpus);
	assert_memory_equal(h.boot_id, origin.boot_id, 16);
	assert_int_not_equal(h.session, origin.session);
	replayed_free(&b);

	rewrite(src, fdst, "evt.type=openat", &st2, &origin);
	replay(fpaths, 1, &b, false);
	for (i = 0; i < a.r->n; i++) {
		const union scry_rec *x = rec_at(a.r, i);

		calls += x->h.type == SCRY_REC_SYS_EXIT && x->exit.nr == 257;
	}
	for (i = 0; i < b.r->n; i++) {
		uint16_t t = rec_at(b.r, i)->h.type;

		if (t == SCRY_REC_FORK || t == SCRY_REC_EXEC || t == SCRY_REC_EXIT ||
		    t == SCRY_REC_RENAME)
			lifecycle++;
		else if (t != SCRY_REC_SYS_EXIT || rec_at(b.r, i)->exit.nr != 257)
			other++;
	}
	assert_int_equal(calls, 150);
	assert_int_equal(b.r->n - lifecycle, calls);
	assert_int_equal(other, 0);
	assert_true(lifecycle > 0);
	replayed_free(&b);
	replayed_free(&a);
	recs_free(r);
}

/* Two recordings of the same boot, named in any order: one stream in time order. */
/* Records of two recordings, merged: never a record earlier than the one before it. */
static void merge_recordings(void **state)
{
	struct capture_writer_opts o = { .level = -1 };
	const char *a = tmp("a.scry"), *b = tmp("b.scry");
	struct recs *ra = recs_new(), *rb = recs_new();
	struct replayed out;
	struct live L;
	uint64_t prev = 0;
	int i;

	workload(ra, 200, T0 + 1000);
	workload(rb, 200, T0 + 1500);	/* interleaved with a's */
	o.path = a;
	live_new(&L, &o);
	feed(&L, ra, 0, ra->n, 50, 0);
	live_close(&L, NULL);
	o.path = b;
	live_new(&L, &o);
	feed(&L, rb, 0, rb->n, 50, 0);
	live_close(&L, NULL);
	replay((const char *[]){ b, a }, 2, &out, true);
	assert_int_equal(out.r->n, ra->n + rb->n);
	for (i = 0; i < out.r->n; i++) {
		const union scry_rec *x = rec_at(out.r, i);

		if (x->h.ts < prev)
			fail_msg("record %d at %" PRIu64 " after one at %" PRIu64, i, x->h.ts,
				 prev);
		prev = x->h.ts;
	}
	assert_int_equal(out.st.files, 2);
	replayed_free(&out);
	recs_free(ra);
	recs_free(rb);
}

/*
 * Records of two recordings 1 ns apart, either way, and at the same time: the merge is exact,
 * each record in its place by time, a tie to the recording that started first
 * (docs/capture-format.md, "Several files") whatever order the files are named in.
 */
#define NEAR_N 300

static uint64_t near_ts(int k, bool first)
{
	uint64_t t = T0 + 100000 + 10 * (uint64_t)k;

	if (!first && k % 3)
		t += k % 3 == 1 ? 1 : -1;	/* 1 ns after, or 1 ns before, the other's */
	return t;
}

static void record_ticks(const char *path, uint64_t start, uint32_t pid, const char *comm,
			 uint64_t cgid, bool first)
{
	struct capture_writer_opts o = { .path = path, .level = -1 };
	struct recs *r = recs_new();
	struct live L;
	int k;

	for (k = 0; k < NEAR_N; k++) {
		union scry_rec *x = add(r, SCRY_REC_CPUTICK, sizeof(struct scry_rec_cputick), pid,
					pid, comm, near_ts(k, first), cgid);

		x->tick.runtime_ns = 1000 + k;
	}
	live_new_at(&L, &o, start);
	feed(&L, r, 0, r->n, 50, 0);
	live_close(&L, NULL);
	recs_free(r);
}

static void merge_near_and_ties(void **state)
{
	const char *early = tmp("early.scry"), *late = tmp("late.scry");
	const char *const orders[2][2] = { { late, early }, { early, late } };
	struct replayed out;
	int n, i, k;

	/* "early" started 5 ns before "late"; the early one's ticks are the ones moved by 1 ns */
	record_ticks(late, T0 + 5, 200, "app", 77, true);
	record_ticks(early, T0, 300, "svc", 88, false);
	for (n = 0; n < 2; n++) {
		replay(orders[n], 2, &out, false);
		assert_int_equal(out.st.files, 2);
		assert_int_equal(out.r->n, 2 * NEAR_N);
		for (i = k = 0; k < NEAR_N; k++) {
			/* the early recording's tick goes first when earlier or at the same time */
			bool early_first = k % 3 != 1;
			uint32_t pids[2] = { early_first ? 300 : 200, early_first ? 200 : 300 };

			for (int j = 0; j < 2; j++, i++) {
				const union scry_rec *x = rec_at(out.r, i);
				uint64_t want = near_ts(k, pids[j] == 200);

				if (x->h.ts == want && x->h.pid == pids[j]) {
					assert_int_equal(x->tick.runtime_ns, 1000 + k);
					continue;
				}
				fail_msg("order %d, record %d: pid %u at %" PRIu64
					 ", want %u at %" PRIu64, n, i, x->h.pid, x->h.ts, pids[j],
					 want);
			}
		}
		replayed_free(&out);
	}
}

/* --- hostile files, forged block by block ---------------------------------------------------- */

#include <dirent.h>
#include <signal.h>

struct forge {
	uint8_t *d;
	size_t len, cap;
	uint32_t seq;
	uint64_t records, events;
};

static void forge_room(struct forge *f, size_t n)
{
	if (f->len + n > f->cap) {
		f->cap = (f->len + n) * 2;
		f->d = realloc(f->d, f->cap);
		assert_non_null(f->d);
	}
}

static void forge_begin(struct forge *f, uint64_t session, uint64_t start_ts)
{
	struct cap_header h = { .session = session, .ncpus = 2, .start_ts = start_ts,
				.file_ts = start_ts };

	memset(f, 0, sizeof(*f));
	h.boot_wall = 1700000000000000000ULL - T0;
	memset(h.boot_id, 0x42, sizeof(h.boot_id));
	strcpy(h.hostname, "forge");
	forge_room(f, CAP_PREAMBLE + CAP_HDR_BODY_MAX + 4);
	f->len = cap_header_encode(&h, f->d);
}

static void forge_block(struct forge *f, uint8_t kind, const uint8_t *p, size_t len,
			uint32_t nitems, uint64_t first_ts, uint64_t last_ts)
{
	forge_room(f, CAP_BLOCK_HDR + len);
	f->len += put_block_ts(f->d + f->len, kind, f->seq++, p, len, nitems, first_ts, last_ts);
}

/* Records [from, to) of r as one event block with their true time range. */
static void forge_events(struct forge *f, struct recs *r, int from, int to)
{
	uint8_t *buf = malloc((to - from) * 64 + 8192), *p = buf;
	uint64_t first = UINT64_MAX, last = 0;
	struct cap_ctx c = {};
	int i;

	for (i = from; i < to; i++) {
		const union scry_rec *x = rec_at(r, i);
		uint64_t t0 = x->h.type == SCRY_REC_SYS_EXIT && x->exit.enter_ts ? x->exit.enter_ts
										 : x->h.ts;

		p += cap_event_encode(&c, p, x);
		first = t0 < first ? t0 : first;
		last = x->h.ts > last ? x->h.ts : last;
		f->records++;
		f->events += cap_rec_events(x);
	}
	forge_block(f, CAP_BLK_EVENTS, buf, p - buf, to - from, first, last);
	free(buf);
}

static void forge_end(struct forge *f, const char *path)
{
	struct cap_end e = { .records = f->records, .events = f->events };
	struct cap_buf b = {};

	cap_put_end(&b, &e);
	forge_block(f, CAP_BLK_END, b.p, b.len, 1, 0, 0);
	cap_buf__free(&b);
	write_whole(path, f->d, f->len);
	free(f->d);
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * 300 recordings whose times all overlap: one stream in time order (ties by the recording that
 * started first), each file opened only while a block of it is read.
 */
static void many_recordings(void **state)
{
	enum { NREC = 300, PER = 6 };
	const char *paths[NREC];
	struct capture_reader *rd;
	struct recs *r = recs_new();
	uint64_t prev_ts = 0, prev_pid = 0;
	const void *rec;
	uint32_t size;
	int i, j, n = 0, base, most = 0;

	for (i = 0; i < NREC; i++) {
		char name[32];
		struct forge f;

		snprintf(name, sizeof(name), "many%03d.scry", i);
		paths[i] = strdup(tmp(name));
		r->n = r->used = 0;
		for (j = 0; j < PER; j++) {
			/* recording i's records: i ns apart from i - 1's, the last two at one time */
			uint64_t t = T0 + 10000 + j * 1000000ULL + (j < PER - 2 ? i : 0);
			union scry_rec *x = add(r, SCRY_REC_SYS_ENTER, sizeof(struct scry_rec_sys_enter),
						5000 + i, 5000 + i, "m", t, 0);

			x->enter.nr = 39;
		}
		forge_begin(&f, 0xabc000 + i, T0 + i);	/* started in order */
		forge_block(&f, CAP_BLK_STATE, NULL, 0, 0, 0, 0);
		forge_events(&f, r, 0, PER / 2);
		forge_events(&f, r, PER / 2, PER);
		forge_end(&f, paths[i]);
	}
	base = open_fds();
	/* named from the last to the first: the order of the names does not matter */
	for (i = 0; i < NREC / 2; i++) {
		const char *t = paths[i];

		paths[i] = paths[NREC - 1 - i];
		paths[NREC - 1 - i] = t;
	}
	rd = capture_reader__open(paths, NREC);
	assert_non_null(rd);
	assert_int_equal(capture_reader__load(rd, NULL, NULL), 0);
	while (capture_reader__next(rd, &rec, &size) > 0) {
		const struct scry_hdr *h = rec;

		assert_true(h->ts >= prev_ts);
		if (h->ts == prev_ts)
			assert_true(h->pid > prev_pid);	/* a tie: the earlier recording first */
		prev_ts = h->ts;
		prev_pid = h->pid;
		n++;
		if (open_fds() - base > most)
			most = open_fds() - base;
	}
	assert_int_equal(n, NREC * PER);
	assert_true(most <= 0);	/* no descriptor held between blocks */
	capture_reader__finish(rd);
	capture_reader__free(rd);
	for (i = 0; i < NREC; i++)
		free((char *)paths[i]);
	recs_free(r);
}

/* What the reader warns, for the tests that count its warnings. */
static char warned[4][1024];
static int nwarned;

static void grab_warning(const char *line)
{
	if (nwarned < 4)
		snprintf(warned[nwarned], sizeof(warned[0]), "%s", line);
	nwarned++;
}

/*
 * A newer minor version's file: event items of types this scry does not know (whose common
 * header the next items are relative to), known items with fields appended, unknown items in
 * event and metadata blocks. Every known record replays as written, nothing counts as damage,
 * and one warning at the end says how many items of which tags were skipped.
 */
static void newer_minor_items(void **state)
{
	const char *path = tmp("minor.scry"), *paths[] = { path };
	struct recs *r = recs_new(), *want = recs_new();
	uint8_t *buf = malloc(MAXREC * 64 + 16384), *p = buf;
	static const uint8_t meta[] = { 0x51, 2, 0xaa, 0xbb };
	uint64_t first = UINT64_MAX, last = 0, unknown = 0, appended = 0;
	struct cap_ctx c = {};
	struct replayed out;
	struct forge f;
	uint32_t items = 0;
	int i;

	all_kinds(r);
	forge_begin(&f, 0x5eed, T0);
	forge_block(&f, CAP_BLK_STATE, NULL, 0, 0, 0, 0);
	for (i = 0; i < r->n; i++) {
		union scry_rec *x = rec_at(r, i);
		uint64_t t0;
		uint8_t *item = p;

		/* all_kinds' corner times are no file's: in order, an enter just before */
		x->h.ts = T0 + 1000 * i;
		if (x->h.type == SCRY_REC_SYS_EXIT && x->exit.enter_ts)
			x->exit.enter_ts = x->h.ts - 1;
		t0 = x->h.type == SCRY_REC_SYS_EXIT && x->exit.enter_ts ? x->exit.enter_ts : x->h.ts;

		p += cap_event_encode(&c, p, x);
		items++;
		first = t0 < first ? t0 : first;
		last = x->h.ts > last ? x->h.ts : last;
		f.records++;
		if (i % 3 == 1) {
			/* a type of a newer version: tags 0x3f and SCRY_REC__MAX (one event each) */
			item[0] = i % 2 ? 0x3f : SCRY_REC__MAX;
			f.events++;
			unknown++;
			continue;
		}
		f.events += cap_rec_events(x);
		memcpy(add(want, x->h.type, x->h.size, 0, 0, "", 0, 0), x, x->h.size);
		if (i % 3 == 2 && item[1] < 0x7d) {
			/*
			 * a field a newer version appended: where 2.3 appended flags (syscall
			 * exits, TCP socket records), after them, under a flag of its own
			 */
			item[1] += 3;
			memcpy(p, (uint8_t[]){ 0x40, 0xab, 0xab }, 3);
			p += 3;
			appended++;
		}
	}
	memcpy(p, (uint8_t[]){ 0x50, 2, 1, 2 }, 4);	/* an unknown item in an event block */
	p += 4;
	items++;
	forge_block(&f, CAP_BLK_EVENTS, buf, p - buf, items, first, last);
	forge_block(&f, CAP_BLK_META, meta, sizeof(meta), 1, 0, 0);
	forge_end(&f, path);
	seed_corpus(path, "newer-minor-items");
	assert_true(unknown >= 2 && appended >= 2);

	nwarned = 0;
	log_set_hook(grab_warning);
	replay(paths, 1, &out, true);
	log_set_hook(NULL);
	assert_true(out.opened);
	assert_int_equal(out.r->n, want->n);
	assert_same(want, 0, out.r);
	assert_int_equal(out.st.damaged_files, 0);
	assert_int_equal(out.st.bad_items, 0);
	assert_int_equal(out.st.unknown_items, unknown + 2);
	assert_int_equal(nwarned, 1);
	assert_non_null(strstr(warned[0], "of types this scry does not know were skipped"));
	{
		char first_unknown[16];	/* the first tag this scry does not know */

		snprintf(first_unknown, sizeof(first_unknown), "of tag 0x%x", SCRY_REC__MAX);
		assert_non_null(strstr(warned[0], first_unknown));
	}
	assert_non_null(strstr(warned[0], "of tag 0x3f"));
	assert_non_null(strstr(warned[0], "1 of tag 0x50"));
	assert_non_null(strstr(warned[0], "1 of tag 0x51"));
	{
		char total[32];

		snprintf(total, sizeof(total), "%llu items", (unsigned long long)unknown + 2);
		assert_non_null(strstr(warned[0], total));
	}
	replayed_free(&out);
	free(buf);
	recs_free(want);
	recs_free(r);
}

/* A small whole file's blocks, to cut and alter. */
struct cut {
	uint8_t *d;
	size_t len;
	struct layout l;
	int ev;		/* the index of its second event block */
};

static void cut_load(struct cut *c, const char *path, struct recs *r)
{
	int i, k = 0;

	small_file(path, r, 0);
	c->len = read_whole(path, &c->d);
	layout_of(c->d, c->len, &c->l);
	for (i = 0, c->ev = -1; i < c->l.n && c->ev < 0; i++)
		if (c->l.kind[i] == CAP_BLK_EVENTS && c->l.records[i] && k++ == 1)
			c->ev = i;
	assert_true(c->ev > 0);
}

static size_t block_start(const struct cut *c, int i)
{
	return i ? c->l.end[i - 1] : c->l.body_off;
}

static void replay_quiet(const char *path, struct replayed *out)
{
	const char *paths[] = { path };

	quiet(true);
	replay(paths, 1, out, false);
	quiet(false);
	assert_true(out->opened);
}

/*
 * Blocks missing from a whole file (a gap in their numbers, or cut out and renumbered so that
 * only the end marker can tell), impossible times: the rest replays, and the damage is counted
 * (the exit status and the one warning per file come from these counts).
 */
static void missing_blocks_and_bad_times(void **state)
{
	const char *path = tmp("whole.scry"), *bad = tmp("holed.scry");
	struct recs *r = recs_new();
	struct cap_block_hdr h;
	struct replayed out;
	struct cut c;
	uint8_t *o;
	size_t a, b, n;

	cut_load(&c, path, r);
	o = malloc(c.len);
	a = block_start(&c, c.ev);
	b = c.l.end[c.ev];
	/* the second event block cut out: a gap */
	memcpy(o, c.d, a);
	memcpy(o + a, c.d + b, c.len - b);
	write_whole(bad, o, c.len - (b - a));
	seed_corpus(bad, "block-cut-out");
	replay_quiet(bad, &out);
	assert_int_equal(out.r->n, r->n - c.l.records[c.ev]);
	assert_int_equal(out.st.missing_blocks, 1);
	assert_int_equal(out.st.damaged_files, 1);
	replayed_free(&out);

	/* ... and the blocks after it renumbered: the end marker's totals tell */
	n = a + renumber_blocks(o + a, c.d, b, c.len, c.ev, 0);
	write_whole(bad, o, n);
	replay_quiet(bad, &out);
	assert_int_equal(out.r->n, r->n - c.l.records[c.ev]);
	assert_int_equal(out.st.missing_blocks, 0);
	assert_int_equal(out.st.damaged_files, 1);
	replayed_free(&out);

	/* an event block whose first time is after its last: skipped as damaged */
	memcpy(o, c.d, c.len);
	assert_int_equal(cap_block_hdr_decode(o + a, &h), 0);
	h.first_ts = h.last_ts + 1;
	cap_block_hdr_encode(&h, o + a);
	write_whole(bad, o, c.len);
	replay_quiet(bad, &out);
	assert_int_equal(out.r->n, r->n - c.l.records[c.ev]);
	assert_int_equal(out.st.damaged_blocks, 1);
	assert_int_equal(out.st.damaged_files, 1);
	replayed_free(&out);

	/* its range narrowed to its first record: the next one lies outside, the rest is refused */
	assert_int_equal(cap_block_hdr_decode(c.d + a, &h), 0);
	h.last_ts = h.first_ts;
	cap_block_hdr_encode(&h, o + a);
	write_whole(bad, o, c.len);
	replay_quiet(bad, &out);
	assert_true(out.r->n < r->n);
	assert_true(out.st.bad_items > 0);
	assert_int_equal(out.st.damaged_files, 1);
	replayed_free(&out);

	/* near 2^64: refused whatever the payload says */
	assert_int_equal(cap_block_hdr_decode(c.d + a, &h), 0);
	h.first_ts = UINT64_MAX - 1000;
	h.last_ts = UINT64_MAX;
	cap_block_hdr_encode(&h, o + a);
	write_whole(bad, o, c.len);
	seed_corpus(bad, "block-near-2-64");
	replay_quiet(bad, &out);
	assert_int_equal(out.r->n, r->n - c.l.records[c.ev]);
	assert_int_equal(out.st.damaged_blocks, 1);
	replayed_free(&out);

	/* the file whole again: nothing said */
	replay_quiet(path, &out);
	assert_int_equal(out.r->n, r->n);
	assert_int_equal(out.st.damaged_files + out.st.missing_blocks + out.st.bad_items, 0);
	replayed_free(&out);
	free(o);
	free(c.d);
	recs_free(r);
}

static void timeout_alarm(int sig)
{
	(void)sig;
	fail_msg("blocked opening a FIFO");
}

/* Each way a header can be impossible has its own message; a FIFO is refused at once. */
static void header_messages(void **state)
{
	const char *path = tmp("hdr.scry"), *fifo = tmp("replay-fifo");
	struct cap_header h = { .session = 1, .start_ts = T0, .file_ts = T0 };
	uint8_t buf[CAP_PREAMBLE + CAP_HDR_BODY_MAX + 4];
	enum cap_open_err why;
	struct cap_file *f;
	char msg[256];
	size_t n;

	h.boot_wall = 1700000000000000000ULL;
	n = cap_header_encode(&h, buf);
	write_whole(path, buf, n);
	f = cap_file__open(path, &why, msg, sizeof(msg));
	assert_non_null(f);
	cap_file__free(f);
	buf[8] = 0;	/* major 0: not a checksum mismatch */
	buf[10] = 0;	/* minor 0 */
	write_whole(path, buf, n);
	open_fails(path, CAP_OPEN_DAMAGED, "format 0.0, which no scry writes");
	buf[8] = CAP_MAJOR;
	buf[10] = CAP_MINOR;
	buf[12] = 12;	/* an impossible length */
	buf[13] = 0;
	write_whole(path, buf, n);
	open_fails(path, CAP_OPEN_DAMAGED, "gives its length as 12 bytes");
	buf[12] = (n - 20) & 0xff;
	buf[13] = (n - 20) >> 8;
	buf[20] ^= 1;	/* a bit of the body: that is a checksum mismatch */
	write_whole(path, buf, n);
	open_fails(path, CAP_OPEN_DAMAGED, "checksum mismatch");
	h.start_ts = CAP_TS_MAX;	/* a time past 2^62, with a good checksum */
	n = cap_header_encode(&h, buf);
	write_whole(path, buf, n);
	open_fails(path, CAP_OPEN_DAMAGED, "past the year 2116");
	open_fails("/proc/self/stat", CAP_OPEN_NOT_CAPTURE, "a /proc or /sys file");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	signal(SIGALRM, timeout_alarm);
	alarm(10);
	open_fails(fifo, CAP_OPEN_SYS, "is not a regular file");
	alarm(0);
}

/* A container item larger than any runtime gives: the replay keeps what its limits allow. */
static void container_limits(void **state)
{
	const char *path = tmp("labels.scry"), *paths[] = { path };
	struct scry_container c = { .id = ID_A, .runtime = CTR_DOCKER, .resolved = true };
	enum { NLABELS = 3000 };
	const uint32_t NCG = cap_limits[CAP_LIM_CTR_CGIDS].max + 1000;
	struct ctr_label *labels = calloc(NLABELS, sizeof(*labels));
	uint64_t *cgids = calloc(NCG, sizeof(*cgids));
	struct cap_buf b = {};
	struct replayed out;
	struct scry_container *got;
	struct forge f;
	uint32_t i, mapped = 0;

	for (i = 0; i < NLABELS; i++) {
		labels[i].key = "";
		labels[i].val = "";
	}
	for (i = 0; i < NCG; i++)
		cgids[i] = 1000 + i;
	c.meta.name = "big";
	c.meta.labels = labels;
	c.meta.nlabels = NLABELS;
	cap_put_ctr(&b, &c, cgids, NCG);
	forge_begin(&f, 7, T0);
	forge_block(&f, CAP_BLK_STATE, NULL, 0, 0, 0, 0);
	forge_block(&f, CAP_BLK_META, b.p, b.len, 1, 0, 0);
	forge_end(&f, path);
	cap_buf__free(&b);
	quiet(true);
	replay(paths, 1, &out, false);
	quiet(false);
	got = containers__of_cgroup(out.ct, 1000, 0);
	assert_non_null(got);
	assert_string_equal(ctr_name(got), "big");
	assert_int_equal(got->meta.nlabels, cap_limits[CAP_LIM_LABELS].max);
	for (i = 0; i < NCG; i++)
		mapped += containers__of_cgroup(out.ct, cgids[i], 0) == got;
	assert_int_equal(mapped, cap_limits[CAP_LIM_CTR_CGIDS].max);
	assert_int_equal(out.st.limits_hit, 2);
	assert_int_equal(out.st.damaged_files, 0);	/* a limit is not damage */
	replayed_free(&out);
	free(labels);
	free(cgids);
}

/* Tens of thousands of containers: each found by its id and cgroup, with its own name. */
static void many_containers(void **state)
{
	const char *path = tmp("ctrs.scry"), *paths[] = { path };
	enum { NCTR = 20000 };
	struct cap_buf b = {};
	struct replayed out;
	struct forge f;
	int i;

	for (i = 0; i < NCTR; i++) {
		struct scry_container c = { .runtime = CTR_CONTAINERD, .resolved = true };
		char name[32];
		uint64_t cg = 500000 + i;

		snprintf(c.id, sizeof(c.id), "%064x", i);
		snprintf(name, sizeof(name), "ctr-%d", i);
		c.meta.name = name;
		cap_put_ctr(&b, &c, &cg, 1);
	}
	forge_begin(&f, 8, T0);
	forge_block(&f, CAP_BLK_STATE, NULL, 0, 0, 0, 0);
	forge_block(&f, CAP_BLK_META, b.p, b.len, NCTR, 0, 0);
	forge_end(&f, path);
	cap_buf__free(&b);
	replay(paths, 1, &out, false);
	assert_int_equal(containers__count(out.ct), NCTR);
	for (i = 0; i < NCTR; i++) {
		struct scry_container *c = containers__of_cgroup(out.ct, 500000 + i, 0);
		char name[32];

		snprintf(name, sizeof(name), "ctr-%d", i);
		assert_non_null(c);
		assert_string_equal(ctr_name(c), name);
	}
	replayed_free(&out);
}

/*
 * Two recordings re-recorded into one file: the second's processes, known from its snapshot
 * only, are in the new file's snapshot, taken at its first event (before the second began).
 */
static void rewrite_two_recordings(void **state)
{
	const char *a = tmp("two-a.scry"), *b = tmp("two-b.scry"), *out = tmp("two-out.scry");
	struct capture_writer_opts o = { .level = -1 };
	const char *paths[] = { b, a }, *opaths[] = { out };
	struct recs *ra = recs_new(), *rb = recs_new();
	struct scry_proc tmpl = { .pid = 4000, .ppid = 1, .vpid = 4000, .start_ts = 77 };
	struct containers_opts co = {};
	struct capture_reader *rd;
	struct capture_writer *w;
	struct pipeline *pl;
	struct proctab *procs;
	struct containers *ctrs;
	struct replayed res;
	struct scry_proc *p;
	const void *rec;
	uint32_t size;
	struct live L;

	workload(ra, 100, T0 + 1000);
	workload(rb, 100, T0 + 5000000);	/* starts after a ends */
	o.path = a;
	live_new(&L, &o);
	feed(&L, ra, 0, ra->n, 50, 0);
	live_close(&L, NULL);
	o.path = b;
	live_new(&L, &o);
	strcpy(tmpl.comm, "only-b");
	assert_non_null(proctab__add_thread(L.procs, 4000, 4000, tmpl.comm,
					    proctab__add_proc(L.procs, &tmpl, "/only-b", "only-b", 6)));
	feed(&L, rb, 0, rb->n, 50, 0);
	live_close(&L, NULL);

	rd = capture_reader__open(paths, 2);
	assert_non_null(rd);
	procs = proctab__new(NULL);
	ctrs = containers__new(&co, false);
	pl = pipeline__new(procs, ctrs);
	o.path = out;
	o.source = rd;
	w = capture_writer__new(&o, pipeline__ctx(pl));
	assert_non_null(w);
	assert_int_equal(pipeline__add_sink(pl, &capture_sink_ops, w), 0);
	assert_int_equal(capture_reader__load(rd, procs, ctrs), 0);
	assert_int_equal(capture_reader__snapshots(rd), 0);
	pipeline__begin(pl, capture_reader__start_ts(rd), 0, false);
	while (capture_reader__next(rd, &rec, &size) > 0)
		assert_int_equal(pipeline__record(pl, rec, size), 0);
	assert_int_equal(pipeline__finish(pl), 0);
	assert_int_equal(capture_writer__close(w), 0);
	pipeline__free(pl);
	proctab__free(procs);
	containers__free(ctrs);
	capture_reader__free(rd);

	replay(opaths, 1, &res, true);
	assert_int_equal(res.r->n, ra->n + rb->n);
	p = proctab__proc(res.pt, 4000);
	assert_non_null(p);
	assert_string_equal(p->exe, "/only-b");
	assert_string_equal(p->comm, "only-b");
	replayed_free(&res);
	recs_free(ra);
	recs_free(rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_round_trip),
		cmocka_unit_test(records_reject_damage),
		cmocka_unit_test(documented_example),
		cmocka_unit_test(documented_example_framed),
		cmocka_unit_test(exit_parts_round_trip),
		cmocka_unit_test(acct_round_trip),
		cmocka_unit_test(proc_tails_round_trip),
		cmocka_unit_test(state_items_round_trip),
		cmocka_unit_test(replay_matches_live),
		cmocka_unit_test(truncation_at_every_offset),
		cmocka_unit_test(corruption_of_every_byte),
		cmocka_unit_test(not_a_capture),
		cmocka_unit_test(newer_versions),
		cmocka_unit_test(newer_minor_items),
		cmocka_unit_test(rotation_names),
		cmocka_unit_test(rotation_keeps_last_files),
		cmocka_unit_test(stalled_writer_drops),
		cmocka_unit_test(merge_recordings),
		cmocka_unit_test(merge_near_and_ties),
		cmocka_unit_test(rewrite_keeps_everything),
		cmocka_unit_test(many_recordings),
		cmocka_unit_test(missing_blocks_and_bad_times),
		cmocka_unit_test(header_messages),
		cmocka_unit_test(container_limits),
		cmocka_unit_test(many_containers),
		cmocka_unit_test(rewrite_two_recordings),
	};

	return cmocka_run_group_tests(tests, setup_dir, rm_dir);
}
