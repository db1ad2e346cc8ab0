// SPDX-License-Identifier: GPL-2.0
/*
 * Golden files, in the manner of jq's .test files: tests/data/views.test (view tables, text and
 * JSON, and lscontainers) and tests/data/printer.test (event lines: the default line, -pc and -j,
 * evt.info of every record type, hostile strings). They pin today's output so that a refactor
 * of the views, the printer or the decoder can be checked against it.
 *
 * A case is a block of lines ended by a blank line; each block starts from an empty state.
 *   ctr cgid=N id=HEX [name=S] [image=S] [type=docker] [started=NS]   a known container
 *   proc pid=N [ppid= uid= gid= vpid= cgid= comm= exe= args= start= cpu= dead=1]
 *   rec TYPE [header: pid= tid= cpu= ts= cgid= comm= trunc=1] [fields of the type]
 *   view NAME [json] [start=NS] [end=NS] [top=N] [field=F]   the block's events in one
 *                                                     interval (field: fdbytes_by's FIELD)
 *   ls [json]                                         lscontainers
 *   print [pc|json] [format=S]                        the printer, one line per event (-p S)
 *   > TEXT                                            a line the action above must print
 * Values are bare words or "quoted" with \\ \" \n \t \0 and \xHH escapes. Record fields:
 *   sys_enter nr=NAME; sys_exit nr=NAME ret=N [args=A,B,..] [fd0=KIND] [fd1=KIND] [path=S]
 *   [enter_ts=NS]; fork parent_pid= parent_tid= ppid= vpid= vtid= uid= gid= [thread=1];
 *   exec exe=S args=S (NUL-separated) [ppid= uid=]; exit code= [last=1]; switch runtime=
 *   next_tid=; cputick runtime=; both [wait= off= reason= minflt= majflt=] (scry_sched_acct);
 *   rename old=S (the header's comm is the new name); sockio bytes= dir= (0 out, 1 in) [cookie=
 *   family= proto=]; blockio dev= (major << 20 | minor) op= bytes= [sector= lat= queue= flags=
 *   error=] (device names from tests/data/sysblock); signal, sigdeliver [spid= stid= svpid= scgid=
 *   scomm=S] (the sender) sig= code= result= vpid= disp= flags= info_pid=.
 *
 * Lines starting with '#' are comments. Anything the reader does not understand fails the test
 * and says why, never skipped or guessed: an unknown word, key or value, a number with trailing
 * bytes, an unterminated string or unknown escape, a "> " line that follows no action, more
 * lines than the reader holds.
 *
 * SCRY_BLESS=1 rewrites the files with what the code prints now (review the diff!).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/view.h"

#define MAX_LINES 256
#define MAX_RECS 64
#define MAX_CTRS 8
/* When the recording began, for evt.reltime: 50 ms before a block's first event. */
#define REPLAY_START 50000000ULL
/* 2023-11-14T22:13:20 UTC: dates and times in the files are this plus the event time. */
#define WALL_OFFSET 1700000000000000000ULL

struct kv {
	char key[32];
	char val[4200];
	size_t len;
};

/* --- parsing ----------------------------------------------------------------------------------- */

/* What was wrong with a value read since the line began, or NULL: the line is then refused. */
static const char *value_err;

static void value_bad(const char *why)
{
	if (!value_err)
		value_err = why;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The next key=value (or a bare word, key "") of *s; false at the end of the line. */
static bool next_kv(const char **s, struct kv *kv)
{
	const char *p = *s;
	size_t n = 0;

	while (*p == ' ')
		p++;
	if (!*p)
		return false;
	kv->key[0] = '\0';
	if (strcspn(p, "= ") < strcspn(p, " ") && strcspn(p, "=") < sizeof(kv->key)) {
		size_t k = strcspn(p, "=");

		memcpy(kv->key, p, k);
		kv->key[k] = '\0';
		p += k + 1;
	}
	if (*p == '"') {
		for (p++; *p && *p != '"' && n + 1 < sizeof(kv->val); p++) {
			char c = *p;

			if (c == '\\' && p[1]) {
				c = *++p;
				if (c == 'n')
					c = '\n';
				else if (c == 't')
					c = '\t';
				else if (c == '0')
					c = '\0';
				else if (c == 'x' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
					c = hexval(p[1]) << 4 | hexval(p[2]);
					p += 2;
				} else if (c != '\\' && c != '"') {
					value_bad("unknown escape in a string");
				}
			}
			kv->val[n++] = c;
		}
		if (*p == '"')
			p++;
		else
			value_bad(*p ? "string too long" : "unterminated string");
		if (*p && *p != ' ')
			value_bad("bytes after a string");
	} else {
		while (*p && *p != ' ' && n + 1 < sizeof(kv->val))
			kv->val[n++] = *p++;
		if (*p && *p != ' ')
			value_bad("value too long");
	}
	kv->val[n] = '\0';
	kv->len = n;
	*s = p;
	return true;
}

/* A whole decimal, 0x hex or 0 octal number, as strtoull reads it; anything else is refused. */
static uint64_t num_of(const char *s, const char **end)
{
	char *e;
	uint64_t v;

	errno = 0;
	v = *s == '-' ? (uint64_t)strtoll(s, &e, 0) : strtoull(s, &e, 0);
	if (e == s || errno)
		value_bad("not a number");
	*end = e;
	return v;
}

static uint64_t num(const struct kv *kv)
{
	const char *end;
	uint64_t v = num_of(kv->val, &end);

	if (*end)
		value_bad("not a number");
	return v;
}

/* --- the state a block builds -------------------------------------------------------------------- */

struct block {
	struct containers *ctrs;
	struct proctab *pt;
	struct {
		uint64_t cgid;
		struct scry_container *c;
	} cmap[MAX_CTRS];
	size_t nctr;
	union {
		union scry_rec rec;
		uint8_t bytes[SCRY_REC_MAX];
	} recs[MAX_RECS];
	size_t nrec;
	uint64_t next_ts;
};

static struct scry_container *ctr_of(struct block *b, uint64_t cgid)
{
	size_t i;

	for (i = 0; i < b->nctr; i++)
		if (b->cmap[i].cgid == cgid)
			return b->cmap[i].c;
	return NULL;
}

static enum ctr_runtime runtime_named(const char *s)
{
	int i;

	for (i = 0; i < CTR_RUNTIME__MAX; i++)
		if (!strcmp(ctr_runtime_name(i), s))
			return i;
	value_bad("unknown container type");
	return CTR_DOCKER;
}

static int add_ctr(struct block *b, const char *s)
{
	struct ctr_meta meta = {};
	enum ctr_runtime rt = CTR_DOCKER;
	char id[CTR_ID_MAX] = "";
	uint64_t cgid = 0;
	struct kv kv;

	while (next_kv(&s, &kv)) {
		if (!strcmp(kv.key, "cgid"))
			cgid = num(&kv);
		else if (!strcmp(kv.key, "id"))
			snprintf(id, sizeof(id), "%.127s", kv.val);
		else if (!strcmp(kv.key, "name"))
			meta.name = strdup(kv.val);
		else if (!strcmp(kv.key, "image"))
			meta.image = strdup(kv.val);
		else if (!strcmp(kv.key, "type"))
			rt = runtime_named(kv.val);
		else if (!strcmp(kv.key, "started"))
			meta.started_ns = num(&kv);
		else
			return -EINVAL;
	}
	if (b->nctr >= MAX_CTRS)
		return -E2BIG;
	b->cmap[b->nctr].cgid = cgid;
	b->cmap[b->nctr].c = containers__add(b->ctrs, cgid, id, rt, &meta);
	if (!b->cmap[b->nctr].c)
		return -ENOMEM;
	b->nctr++;
	return 0;
}

/* Numeric fields of the record types and of processes (type PROC), by name. */
#define PROC 0xffff
#define NUM(t, k, m) { t, k, offsetof(union scry_rec, m), sizeof(((union scry_rec *)0)->m) }
#define PNUM(k, m) { PROC, k, offsetof(struct scry_proc, m), sizeof(((struct scry_proc *)0)->m) }
static const struct {
	uint16_t type;
	const char *key;
	uint16_t off, size;
} num_fields[] = {
	NUM(SCRY_REC_SYS_EXIT, "ret", exit.ret), NUM(SCRY_REC_SYS_EXIT, "enter_ts", exit.enter_ts),
	NUM(SCRY_REC_FORK, "parent_pid", fork.parent_pid),
	NUM(SCRY_REC_FORK, "parent_tid", fork.parent_tid), NUM(SCRY_REC_FORK, "ppid", fork.ppid),
	NUM(SCRY_REC_FORK, "vpid", fork.vpid), NUM(SCRY_REC_FORK, "vtid", fork.vtid),
	NUM(SCRY_REC_FORK, "uid", fork.uid), NUM(SCRY_REC_FORK, "gid", fork.gid),
	NUM(SCRY_REC_EXEC, "ppid", exec.ppid), NUM(SCRY_REC_EXEC, "uid", exec.uid),
	NUM(SCRY_REC_EXIT, "code", pexit.exit_code),
	NUM(SCRY_REC_SWITCH, "runtime", sw.runtime_ns), NUM(SCRY_REC_CPUTICK, "runtime", tick.runtime_ns),
	NUM(SCRY_REC_SWITCH, "wait", sw.acct.wait_ns), NUM(SCRY_REC_SWITCH, "off", sw.acct.off_ns),
	NUM(SCRY_REC_SWITCH, "reason", sw.acct.off_reason),
	NUM(SCRY_REC_SWITCH, "minflt", sw.acct.min_flt), NUM(SCRY_REC_SWITCH, "majflt", sw.acct.maj_flt),
	NUM(SCRY_REC_CPUTICK, "wait", tick.acct.wait_ns), NUM(SCRY_REC_CPUTICK, "off", tick.acct.off_ns),
	NUM(SCRY_REC_CPUTICK, "reason", tick.acct.off_reason),
	NUM(SCRY_REC_CPUTICK, "minflt", tick.acct.min_flt),
	NUM(SCRY_REC_CPUTICK, "majflt", tick.acct.maj_flt),
	NUM(SCRY_REC_SOCK_IO, "cookie", sio.cookie), NUM(SCRY_REC_SOCK_IO, "bytes", sio.bytes),
	NUM(SCRY_REC_SOCK_IO, "family", sio.family), NUM(SCRY_REC_SOCK_IO, "proto", sio.protocol),
	NUM(SCRY_REC_SOCK_IO, "dir", sio.dir),
	NUM(SCRY_REC_BLOCK_IO, "dev", blk.dev), NUM(SCRY_REC_BLOCK_IO, "op", blk.op),
	NUM(SCRY_REC_BLOCK_IO, "bytes", blk.bytes), NUM(SCRY_REC_BLOCK_IO, "sector", blk.sector),
	NUM(SCRY_REC_BLOCK_IO, "lat", blk.latency_ns), NUM(SCRY_REC_BLOCK_IO, "queue", blk.queue_ns),
	NUM(SCRY_REC_BLOCK_IO, "flags", blk.blk_flags), NUM(SCRY_REC_BLOCK_IO, "error", blk.error),
	/* issue 18, signals: the sender (s*), then the signal's own */
#define SIGNUM(k, m) NUM(SCRY_REC_SIGNAL, k, m), NUM(SCRY_REC_SIGDELIVER, k, m)
	SIGNUM("spid", sig.from.pid), SIGNUM("stid", sig.from.tid), SIGNUM("svpid", sig.from.vpid),
	SIGNUM("scgid", sig.from.cgid), SIGNUM("sig", sig.sig), SIGNUM("code", sig.code),
	SIGNUM("result", sig.result), SIGNUM("vpid", sig.target_vpid), SIGNUM("disp", sig.disp),
	SIGNUM("flags", sig.sig_flags), SIGNUM("info_pid", sig.info_pid),
	PNUM("pid", pid), PNUM("ppid", ppid), PNUM("vpid", vpid), PNUM("uid", uid), PNUM("gid", gid),
	PNUM("cgid", cgid), PNUM("start", start_ts), PNUM("cpu", cpu_ns),
};

static bool num_field(void *base, uint16_t type, const struct kv *kv)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(num_fields); i++) {
		uint8_t *p = (uint8_t *)base + num_fields[i].off;

		if (num_fields[i].type != type || strcmp(num_fields[i].key, kv->key))
			continue;
		v = num(kv);
		switch (num_fields[i].size) {
		case 8: memcpy(p, &v, 8); break;
		case 4: memcpy(p, &(uint32_t){ v }, 4); break;
		case 2: memcpy(p, &(uint16_t){ v }, 2); break;
		default: *p = v; break;
		}
		return true;
	}
	return false;
}

static int add_proc(struct block *b, const char *s)
{
	struct scry_proc t = {}, *p;
	char exe[256] = "", args[4096];
	uint32_t args_len = 0;
	bool dead = false;
	struct kv kv;

	while (next_kv(&s, &kv)) {
		if (num_field(&t, PROC, &kv))
			continue;
		if (!strcmp(kv.key, "comm"))
			memcpy(t.comm, kv.val, kv.len < SCRY_COMM_LEN ? kv.len : SCRY_COMM_LEN - 1);
		else if (!strcmp(kv.key, "exe"))
			snprintf(exe, sizeof(exe), "%.255s", kv.val);
		else if (!strcmp(kv.key, "args") && kv.len <= sizeof(args))
			memcpy(args, kv.val, args_len = kv.len);
		else if (!strcmp(kv.key, "dead"))
			dead = num(&kv);
		else
			return -EINVAL;
	}
	if (!t.vpid)
		t.vpid = t.pid;
	p = proctab__add_proc(b->pt, &t, exe, args, args_len);
	if (!p || !proctab__add_thread(b->pt, t.pid, t.vpid, t.comm, p))
		return -ENOMEM;
	containers__bind(p, ctr_of(b, t.cgid), t.cgid);
	p->ctr_known = true;
	if (dead)
		proctab__thread_died(b->pt, proctab__thread(b->pt, t.pid), 1);
	return 0;
}

static const struct {
	const char *name;
	uint16_t type;
} rec_types[] = {
	{ "sys_enter", SCRY_REC_SYS_ENTER }, { "sys_exit", SCRY_REC_SYS_EXIT },
	{ "fork", SCRY_REC_FORK }, { "exec", SCRY_REC_EXEC }, { "exit", SCRY_REC_EXIT },
	{ "switch", SCRY_REC_SWITCH }, { "cputick", SCRY_REC_CPUTICK },
	{ "rename", SCRY_REC_RENAME }, { "sockio", SCRY_REC_SOCK_IO },
	{ "blockio", SCRY_REC_BLOCK_IO }, { "signal", SCRY_REC_SIGNAL },
	{ "sigdeliver", SCRY_REC_SIGDELIVER },
};

static const struct {
	const char *name;
	uint8_t kind;
} fd_kinds[] = {
	{ "reg", SCRY_FD_REG }, { "dir", SCRY_FD_DIR }, { "fifo", SCRY_FD_FIFO },
	{ "chr", SCRY_FD_CHR }, { "blk", SCRY_FD_BLK }, { "lnk", SCRY_FD_LNK },
	{ "sock", SCRY_FD_SOCK }, { "anon", SCRY_FD_ANON },
};

static uint8_t fd_kind(const struct kv *kv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fd_kinds); i++)
		if (!strcmp(fd_kinds[i].name, kv->val))
			return fd_kinds[i].kind;
	return num(kv);
}

static uint32_t nr_of(const struct kv *kv)
{
	int nr = syscall_lookup(kv->val);

	return nr >= 0 ? (uint32_t)nr : num(kv);
}

static void put_args(struct scry_rec_sys_exit *x, const char *a)
{
	while (*a) {
		if (x->nargs == SCRY_NARGS) {
			value_bad("too many arguments");
			return;
		}
		x->args[x->nargs++] = num_of(a, &a);
		if (*a && *a != ',')
			value_bad("not a number");
		a += strcspn(a, ",");
		a += *a == ',';
	}
}

/* The fields of one record type; false for a key it does not have. */
static bool rec_field(union scry_rec *r, const struct kv *kv)
{
	const char *k = kv->key;
	uint16_t t = r->h.type;

	if (num_field(r, t, kv))
		return true;
	if (!strcmp(k, "nr") && (t == SCRY_REC_SYS_ENTER || t == SCRY_REC_SYS_EXIT)) {
		if (t == SCRY_REC_SYS_ENTER)
			r->enter.nr = nr_of(kv);
		else
			r->exit.nr = nr_of(kv);
	} else if (t == SCRY_REC_SYS_EXIT && (!strcmp(k, "fd0") || !strcmp(k, "fd1"))) {
		r->exit.fd_kind[k[2] - '0'] = fd_kind(kv);
	} else if (t == SCRY_REC_SYS_EXIT && !strcmp(k, "path")) {
		memcpy(r->exit.path, kv->val, kv->len + 1);
		r->exit.path_len = kv->len + 1;
	} else if (t == SCRY_REC_SYS_EXIT && !strcmp(k, "args")) {
		put_args(&r->exit, kv->val);
	} else if (t == SCRY_REC_FORK && !strcmp(k, "thread")) {
		r->fork.fork_flags = num(kv) ? SCRY_FORK_THREAD : 0;
	} else if (t == SCRY_REC_EXEC && !strcmp(k, "exe")) {
		memcpy(r->exec.data, kv->val, kv->len);
		r->exec.exe_len = kv->len;
	} else if (t == SCRY_REC_EXEC && !strcmp(k, "args")) {
		/* after exe (given first), with the final NUL, as BPF copies argv */
		memcpy(r->exec.data + r->exec.exe_len, kv->val, kv->len + 1);
		r->exec.args_len = kv->len + 1;
	} else if (t == SCRY_REC_EXIT && !strcmp(k, "last")) {
		r->pexit.exit_flags = num(kv) ? SCRY_EXIT_GROUP_DEAD : 0;
	} else if (t == SCRY_REC_SWITCH && !strcmp(k, "next_tid")) {
		r->sw.next_tid = r->sw.next_pid = num(kv);
	} else if ((t == SCRY_REC_SIGNAL || t == SCRY_REC_SIGDELIVER) && !strcmp(k, "scomm")) {
		memcpy(r->sig.from.comm, kv->val, kv->len < SCRY_COMM_LEN ? kv->len : SCRY_COMM_LEN - 1);
	} else if (t == SCRY_REC_RENAME && !strcmp(k, "old")) {
		memcpy(r->rename.old_comm, kv->val, kv->len < SCRY_COMM_LEN ? kv->len : SCRY_COMM_LEN - 1);
	} else {
		return false;
	}
	return true;
}

static uint16_t rec_size(const union scry_rec *r)
{
	switch (r->h.type) {
	case SCRY_REC_SYS_ENTER: return sizeof(r->enter);
	case SCRY_REC_SYS_EXIT:
		return r->exit.path_len ? SCRY_SYS_EXIT_ARGS + r->exit.path_len :
		       r->exit.nargs ? SCRY_SYS_EXIT_ARGS : SCRY_SYS_EXIT_SHORT;
	case SCRY_REC_FORK: return sizeof(r->fork);
	case SCRY_REC_EXEC: return SCRY_EXEC_FIXED + r->exec.exe_len + r->exec.args_len;
	case SCRY_REC_EXIT: return sizeof(r->pexit);
	case SCRY_REC_SWITCH: return sizeof(r->sw);
	case SCRY_REC_CPUTICK: return sizeof(r->tick);
	case SCRY_REC_RENAME: return sizeof(r->rename);
	case SCRY_REC_SOCK_IO: return sizeof(r->sio);
	case SCRY_REC_BLOCK_IO: return sizeof(r->blk);
	case SCRY_REC_SIGNAL:
	case SCRY_REC_SIGDELIVER: return sizeof(r->sig);
	}
	return 0;
}

static int add_rec(struct block *b, const char *s)
{
	union scry_rec *r;
	struct kv kv;
	size_t i;

	if (b->nrec >= MAX_RECS || !next_kv(&s, &kv) || kv.key[0])
		return -EINVAL;
	r = &b->recs[b->nrec].rec;
	memset(&b->recs[b->nrec], 0, sizeof(b->recs[b->nrec]));
	for (i = 0; i < ARRAY_SIZE(rec_types) && strcmp(rec_types[i].name, kv.val); i++)
		;
	if (i == ARRAY_SIZE(rec_types))
		return -EINVAL;
	r->h.type = rec_types[i].type;
	r->h.cpu = 1;
	r->h.pid = 100;
	r->h.ts = b->next_ts;
	while (next_kv(&s, &kv)) {
		if (!strcmp(kv.key, "pid"))
			r->h.pid = num(&kv);
		else if (!strcmp(kv.key, "tid"))
			r->h.tid = num(&kv);
		else if (!strcmp(kv.key, "cpu"))
			r->h.cpu = num(&kv);
		else if (!strcmp(kv.key, "ts"))
			r->h.ts = num(&kv);
		else if (!strcmp(kv.key, "cgid"))
			r->h.cgid = num(&kv);
		else if (!strcmp(kv.key, "trunc"))
			r->h.flags |= SCRY_HF_TRUNC;
		else if (!strcmp(kv.key, "comm")) {
			memcpy(r->h.comm, kv.val, kv.len < SCRY_COMM_LEN ? kv.len : SCRY_COMM_LEN - 1);
		} else if (!rec_field(r, &kv)) {
			return -EINVAL;
		}
	}
	if (!r->h.tid)
		r->h.tid = r->h.pid;
	if (!r->h.comm[0]) {
		const struct scry_proc *p = proctab__proc(b->pt, r->h.pid);

		strcpy(r->h.comm, p ? p->comm : "worker");
	}
	r->h.size = rec_size(r);
	b->next_ts = r->h.ts + 1000000;
	b->nrec++;
	return 0;
}

/*
 * The block's records as events, in order, through the process table as the pipeline applies
 * them; `fn` sees each.
 */
static int replay(struct block *b, void (*fn)(void *ctx, struct scry_event *ev), void *ctx)
{
	uint64_t n = 0, prev = 0;
	size_t i;

	for (i = 0; i < b->nrec; i++) {
		struct scry_event ev[2];
		int k, cnt = decode__record(&b->recs[i], b->recs[i].rec.h.size, ev);

		if (cnt < 0)
			return cnt;
		for (k = 0; k < cnt; k++) {
			uint64_t cgid = ev[k].rec->h.cgid;
			struct scry_proc *p;

			ev[k].num = ++n;
			/* as the pipeline: the recording began at REPLAY_START, no filter */
			ev[k].start_ts = REPLAY_START;
			ev[k].prev_ts = prev;
			prev = ev[k].ts;
			proctab__apply(b->pt, &ev[k]);
			/* as the pipeline attributes an event (sink/dispatch.c) */
			p = ev[k].proc;
			if (p && p->ctr_known && p->ctr_cgid == cgid) {
				ev[k].container = p->container;
			} else {
				ev[k].container = ctr_of(b, cgid);
				if (p)
					containers__bind(p, ev[k].container, cgid);
			}
			if (evt_peer(&ev[k]))	/* a signal's sender, as the pipeline */
				ev[k].peer_container = ctr_of(b, evt_peer(&ev[k])->cgid);
			fn(ctx, &ev[k]);
		}
	}
	return 0;
}

/* --- actions --------------------------------------------------------------------------------- */

static void to_aggr(void *ctx, struct scry_event *ev)
{
	aggr__event(ctx, ev);
}

static int do_view(struct block *b, const char *s, int fd)
{
	uint64_t start = 0, end = 1000000000;
	struct table_opts o = { .top = 10 };
	const struct view_desc *v = NULL;
	struct view_desc *bound = NULL;
	char field[64];		/* the bound view's: kv's buffer is read over by the next word */
	struct aggr *a;
	struct obuf out;
	struct kv kv;
	int err;

	while (next_kv(&s, &kv)) {
		if (!kv.key[0] && !strcmp(kv.val, "json"))
			o.json = true;
		else if (!kv.key[0] && !v)
			v = view_lookup(kv.val);
		else if (!strcmp(kv.key, "start"))
			start = num(&kv);
		else if (!strcmp(kv.key, "end"))
			end = num(&kv);
		else if (!strcmp(kv.key, "top"))
			o.top = num(&kv);
		else if (!strcmp(kv.key, "field") && v && !bound &&
			 snprintf(field, sizeof(field), "%s", kv.val) < (int)sizeof(field) &&
			 (bound = view_bind(v, field)))
			v = bound;
		else
			return free(bound), -EINVAL;
	}
	if (!v || value_err || (v->flags & VF_FIELD_ARG && !bound) || !(a = aggr__new(v)))
		return free(bound), -EINVAL;
	err = replay(b, to_aggr, a);
	aggr__fill(a, &(struct view_src){ b->pt, b->ctrs, NULL });
	obuf__init(&out, fd);
	table__render(&out, v, a, &o, start, end);
	obuf__flush(&out);
	aggr__free(a);
	free(bound);
	return err;
}

/* The bare words of an action's arguments, each one of `words` at most once: a bit each. */
static int flags_of(const char *s, const char *const *words, size_t n)
{
	struct kv kv;
	int got = 0;
	size_t i;

	while (next_kv(&s, &kv)) {
		for (i = 0; i < n && (kv.key[0] || strcmp(kv.val, words[i])); i++)
			;
		if (i == n || got & (1 << i))
			return -EINVAL;
		got |= 1 << i;
	}
	return got;
}

static int do_ls(struct block *b, const char *s, int fd)
{
	static const char *const words[] = { "json" };
	struct run_ctx run = { .procs = b->pt, .containers = b->ctrs };
	int flags = flags_of(s, words, ARRAY_SIZE(words)), err;
	void *ls;

	if (flags < 0)
		return flags;
	ls = lscontainers__new(&run, flags & 1, fd);
	if (!ls)
		return -ENOMEM;
	err = lscontainers_ops.finish(ls);
	lscontainers_ops.free(ls);
	return err;
}

static void to_printer(void *ctx, struct scry_event *ev)
{
	printer_ops.event(ctx, ev, true);
}

static int do_print(struct block *b, const char *s, int fd)
{
	struct printer_opts o = { .fd = fd };
	char format[512];
	struct kv kv;
	int err;
	void *pr;

	while (next_kv(&s, &kv)) {
		if (!kv.key[0] && !strcmp(kv.val, "json") && !o.json)
			o.json = true;
		else if (!kv.key[0] && !strcmp(kv.val, "pc") && !o.containers)
			o.containers = true;
		else if (!strcmp(kv.key, "format") && !o.format &&
			 snprintf(format, sizeof(format), "%s", kv.val) < (int)sizeof(format))
			o.format = format;
		else
			return -EINVAL;
	}
	pr = printer__new(&o);
	if (!pr)
		return -ENOMEM;
	err = replay(b, to_printer, pr);
	printer_ops.finish(pr);
	printer_ops.free(pr);
	return err;
}

static const struct {
	const char *word;
	int (*run)(struct block *b, const char *args, int fd);
} actions[] = {
	{ "view", do_view },
	{ "ls", do_ls },
	{ "print", do_print },
};

/* --- the file -------------------------------------------------------------------------------- */

struct golden {
	const char *name;
	FILE *blessed;		/* SCRY_BLESS: the file as it should be */
	int bad, cases;
};

static void block_init(struct block *b)
{
	struct containers_opts co = {};

	memset(b, 0, sizeof(*b));
	b->ctrs = containers__new(&co, false);
	b->pt = proctab__new(NULL);
	b->next_ts = 100000000;
	assert_non_null(b->ctrs);
	assert_non_null(b->pt);
}

static void block_free(struct block *b)
{
	proctab__free(b->pt);
	containers__free(b->ctrs);
}

/* What an action printed, as lines (the last without its newline). */
static size_t output_lines(int fd, char *buf, size_t len, char **lines, size_t max)
{
	ssize_t n = pread(fd, buf, len - 1, 0);
	size_t k = 0;
	char *p;

	buf[n > 0 ? n : 0] = '\0';
	assert_true(n >= 0 && (size_t)n < len - 1);	/* all of it */
	for (p = buf; *p; k++) {
		if (k == max)
			fail_msg("an action printed more than %zu lines", max);
		lines[k] = p;
		p += strcspn(p, "\n");
		if (*p)
			*p++ = '\0';
	}
	return k;
}

/* 0 a setup line read, 1 not one (an action), -EINVAL one with a fault (value_err says). */
static int setup_line(struct block *b, const char *l)
{
	int err = 1;

	value_err = NULL;
	if (!strncmp(l, "ctr ", 4))
		err = add_ctr(b, l + 4);
	else if (!strncmp(l, "proc ", 5))
		err = add_proc(b, l + 5);
	else if (!strncmp(l, "rec ", 4))
		err = add_rec(b, l + 4);
	return !err && value_err ? -EINVAL : err;
}

/*
 * Runs an action on the state its block's setup lines describe (built afresh: actions replay
 * the records through it) and compares what it prints with the "> " lines that follow it.
 */
static void check(struct golden *g, char **setup, size_t nsetup, int lineno, const char *action,
		  char **want, size_t nwant)
{
	struct block *b = calloc(1, sizeof(*b));
	static char buf[1 << 20];
	char *got[MAX_LINES];
	size_t i, ngot;
	int fd = memfd_create("golden", 0), err = -EINVAL;
	const char *args = action + strcspn(action, " ");

	assert_true(fd >= 0 && b);
	block_init(b);
	for (i = 0; i < nsetup; i++)
		setup_line(b, setup[i]);
	value_err = NULL;
	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (!strncmp(action, actions[i].word, args - action) &&
		    !actions[i].word[args - action])
			err = actions[i].run(b, args, fd);
	if (!err && value_err)
		err = -EINVAL;
	ngot = output_lines(fd, buf, sizeof(buf), got, MAX_LINES);
	close(fd);
	block_free(b);
	free(b);
	g->cases++;
	if (err) {
		print_error("%s:%d: '%s' failed: %s\n", g->name, lineno, action, strerror(-err));
		g->bad++;
	}
	for (i = 0; i < ngot || i < nwant; i++) {
		if (i < ngot && i < nwant && !strcmp(got[i], want[i]))
			continue;
		print_error("%s:%d: '%s' line %zu:\n  want: %s\n  got:  %s\n", g->name, lineno,
			    action, i + 1, i < nwant ? want[i] : "(nothing)",
			    i < ngot ? got[i] : "(nothing)");
		g->bad++;
		break;
	}
	for (i = 0; g->blessed && i < ngot; i++)
		fprintf(g->blessed, got[i][0] ? "> %s\n" : ">\n", got[i]);
}

static const char *data_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("SCRY_TEST_DATA");

	snprintf(buf, len, "%s/%s", dir ? dir : "tests/data", name);
	return buf;
}

/* The cases of a file (path; `name` in messages): the number of faults, each said. */
static int run_file(const char *path, const char *name, int *cases)
{
	static char lines[4096][4400];
	char bless[300], *want[MAX_LINES], *setup[MAX_LINES];
	struct golden g = { .name = name };
	int n = 0, i, action = -1, err;
	size_t nwant = 0, nsetup = 0;
	struct block *b = calloc(1, sizeof(*b));
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (n < (int)ARRAY_SIZE(lines) && fgets(lines[n], sizeof(lines[n]), f)) {
		size_t len = strcspn(lines[n], "\n");

		if (!lines[n][len] && !feof(f)) {
			print_error("%s:%d: line longer than %zu bytes\n", name, n + 1,
				    sizeof(lines[n]) - 2);
			g.bad++;
			while (fgets(lines[n], sizeof(lines[n]), f) && !strchr(lines[n], '\n'))
				;
			len = 0;
		}
		lines[n++][len] = '\0';
	}
	if (n == (int)ARRAY_SIZE(lines) && fgetc(f) != EOF) {
		print_error("%s: more than %d lines\n", name, n);
		g.bad++;
	}
	fclose(f);
	if (getenv("SCRY_BLESS")) {
		snprintf(bless, sizeof(bless), "%s.new", path);
		g.blessed = fopen(bless, "w");
	}
	assert_non_null(b);
	block_init(b);
	for (i = 0; i <= n; i++) {
		const char *l = i < n ? lines[i] : "";
		bool expect = l[0] == '>' && (l[1] == ' ' || !l[1]);

		if (action >= 0 && !expect) {
			check(&g, setup, nsetup, action + 1, lines[action], want, nwant);
			action = -1;
		}
		if (expect) {
			if (action < 0) {
				print_error("%s:%d: '%s' follows no action\n", name, i + 1, l);
				g.bad++;
			} else if (nwant == MAX_LINES) {
				print_error("%s:%d: more than %d lines expected\n", name, i + 1,
					    MAX_LINES);
				g.bad++;
			} else {
				want[nwant++] = lines[i] + (l[1] ? 2 : 1);
			}
			continue;
		}
		if (g.blessed && i < n)
			fprintf(g.blessed, "%s\n", l);
		if (!l[0]) {
			/* a new block: its lines are checked here, and replayed by each action */
			block_free(b);
			block_init(b);
			nsetup = 0;
			continue;
		}
		if (l[0] == '#')
			continue;
		err = setup_line(b, l);
		if (err > 0)
			action = i, nwant = 0;
		else if (!err && nsetup < MAX_LINES)
			setup[nsetup++] = lines[i];
		if (err < 0) {
			print_error("%s:%d: cannot read '%s': %s\n", name, i + 1, l,
				    value_err ? value_err : strerror(-err));
			g.bad++;
		}
	}
	block_free(b);
	free(b);
	if (g.blessed) {
		fclose(g.blessed);
		rename(bless, path);
	}
	*cases = g.cases;
	return g.bad;
}

static void views_file(void **state)
{
	char path[256];
	int cases;

	blk_dev_root(data_path("sysblock", path, sizeof(path)));

	assert_int_equal(run_file(data_path("views.test", path, sizeof(path)), "views.test",
				  &cases), 0);
	assert_true(cases >= 20);
}

static void printer_file(void **state)
{
	char path[256];
	int cases;

	blk_dev_root(data_path("sysblock", path, sizeof(path)));

	assert_int_equal(run_file(data_path("printer.test", path, sizeof(path)), "printer.test",
				  &cases), 0);
	assert_true(cases >= 20);
}

/*
 * The reader itself: each of these files has one fault, which must count, never be skipped or
 * guessed at; the first has none.
 */
static const char *const faulty[] = {
	"rec sys_enter nr=getppid\nprint\n> 1 22:13:20.100000000 1 worker (100) > getppid\n",
	"rec sys_enter nr=getppid\nprint\n> 1 22:13:20.100000000 1 worker (100) > getpid\n",
	"rec sys_enter nr=getppid\n> 1 22:13:20.100000000 1 worker (100) > getppid\n",
	"rec sys_enter nr=getppid\nprint\n> 1 22:13:20.100000000 1 worker (100) > getppid\n\n"
	"> 2 22:13:20.200000000 1 worker (100) > getppid\n",
	"# a comment\n> an expectation before any action\n",
	"proc pid=1O0 comm=x\n",
	"proc pid=100 comm=x colour=red\n",
	"proc pid=100 comm=\"unterminated\n",
	"proc pid=100 comm=\"a\\qb\"\n",
	"proc pid=100 comm=\"a\"b\n",
	"ctr cgid=5 id=ab type=dokcer\n",
	"rec sys_exit nr=read ret=1 fd0=regular\n",
	"rec sys_exit nr=read ret=1 args=1,2x\n",
	"rec sys_exit nr=read ret=1 args=1,2,3,4,5,6,7\n",
	"rec sys_exit nr=reed ret=1\n",
	"rec forkk pid=1\n",
	"rec type=fork pid=1\n",
	"prc pid=1\n",
	"rec sys_enter nr=getppid\nprint jsno\n",
	"rec sys_enter nr=getppid\nprint json json\n",
	"ls jsn\n",
	"rec sys_enter nr=getppid\nview topscalls tpo=2\n",
	"rec sys_enter nr=getppid\nview topscalls end=1s\n",
	"rec sys_enter nr=getppid\nview topscalls procs\n",
};

static void faulty_files_fail(void **state)
{
	char path[] = "/tmp/scry-golden-XXXXXX";
	int saved = dup(2), devnull = open("/dev/null", O_WRONLY), cases, bad;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(faulty); i++) {
		int fd = mkstemp(path);
		ssize_t len = strlen(faulty[i]);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, faulty[i], len), len);
		close(fd);
		/* the reader says what is wrong: not worth reading in the test log */
		dup2(devnull, 2);
		bad = run_file(path, "faulty", &cases);
		dup2(saved, 2);
		unlink(path);
		strcpy(path, "/tmp/scry-golden-XXXXXX");
		if (bad != (i ? 1 : 0))
			fail_msg("%d faults found in:\n%s", bad, faulty[i]);
	}
	close(saved);
	close(devnull);
}

/* Every key column names a field that exists, and every view's figures are described. */
static void tables_are_whole(void **state)
{
	const struct key_col *lists[3];
	size_t k, l, i;
	const uint8_t *f;

	for (k = 0; k < KEY__MAX; k++) {
		lists[0] = key_table[k].json;
		lists[1] = key_table[k].text;
		lists[2] = key_table[k].top;
		assert_non_null(key_table[k].cmp);
		for (l = 0; l < 3; l++) {
			const struct key_col *c;

			assert_non_null(lists[l]);
			for (c = lists[l]; c->field; c++)
				if (!key_col_field(c))
					fail_msg("key %s: no field %s", key_table[k].name, c->field);
		}
	}
	for (i = 0; i < view_count; i++) {
		const struct view_desc *v = &view_table[i];

		assert_true(v->key < KEY__MAX);
		assert_true(v->sort <= FIG__MAX);
		for (f = v->figures; *f != FIG__MAX; f++)
			assert_true(figure_table[*f].key && figure_table[*f].header &&
				    (figure_table[*f].kind != FK_TEXT || figure_table[*f].text));
	}
}

static int setup(void **state)
{
	/* Times and dates print in local time: make it the same everywhere. */
	setenv("TZ", "UTC", 1);
	tzset();
	clock__set_wall_offset(WALL_OFFSET);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(views_file),
		cmocka_unit_test(printer_file),
		cmocka_unit_test(faulty_files_fail),
		cmocka_unit_test(tables_are_whole),
	};

	return cmocka_run_group_tests_name("golden", tests, setup, NULL);
}
