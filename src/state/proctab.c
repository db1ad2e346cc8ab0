// SPDX-License-Identifier: GPL-2.0
/*
 * Process and thread table. Entries are keyed by host tid/pid in two hash maps. An entry that
 * exits stays in its map for a grace period: the kernel still reports a final context switch
 * (and its CPU time) after sched_process_exit, and views charge that time to the right process.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scry/state.h"
#include "scry/util.h"

struct proctab {
	struct hashmap *threads;	/* tid -> struct scry_thread */
	struct hashmap *procs;		/* pid -> struct scry_proc */
	char *procfs;			/* NULL: no lookups outside the event stream */
	uint64_t clk_tck;
	/* Entries replaced by a reused pid while dead threads still point at them. */
	struct scry_proc *zombies;
	void (*on_free)(void *ctx, struct scry_proc *p);
	void *on_free_ctx;
};

static char empty[1];

struct proctab *proctab__new(const char *procfs)
{
	struct proctab *pt = calloc(1, sizeof(*pt));

	if (!pt)
		return NULL;
	pt->threads = hashmap__new(4096);
	pt->procs = hashmap__new(1024);
	pt->procfs = procfs ? strdup(procfs) : NULL;
	pt->clk_tck = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	if (!pt->threads || !pt->procs || (procfs && !pt->procfs)) {
		proctab__free(pt);
		errno = ENOMEM;
		return NULL;
	}
	return pt;
}

static void proc_free(struct proctab *pt, struct scry_proc *p)
{
	if (pt->on_free)
		pt->on_free(pt->on_free_ctx, p);
	if (p->exe != empty)
		free(p->exe);
	if (p->args != empty)
		free(p->args);
	free(p);
}

void proctab__free(struct proctab *pt)
{
	size_t pos = 0;
	void *v;

	if (!pt)
		return;
	if (pt->threads) {
		while (hashmap__next(pt->threads, &pos, NULL, &v))
			free(v);
		hashmap__free(pt->threads);
	}
	pos = 0;
	if (pt->procs) {
		while (hashmap__next(pt->procs, &pos, NULL, &v))
			proc_free(pt, v);
		hashmap__free(pt->procs);
	}
	while (pt->zombies) {
		struct scry_proc *z = pt->zombies;

		pt->zombies = z->zombie_next;
		proc_free(pt, z);
	}
	free(pt->procfs);
	free(pt);
}

void proctab__on_free(struct proctab *pt, void (*fn)(void *ctx, struct scry_proc *p), void *ctx)
{
	pt->on_free = fn;
	pt->on_free_ctx = ctx;
}

/* Copy of `n` bytes plus a NUL, or the shared empty string. */
static char *dup_bytes(const char *s, size_t n)
{
	char *d;

	if (!n)
		return empty;
	d = malloc(n + 1);
	if (!d)
		return empty;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void set_exe(struct scry_proc *p, const char *exe, size_t n)
{
	if (p->exe != empty)
		free(p->exe);
	p->exe = dup_bytes(exe, n);
}

static void set_args(struct scry_proc *p, const char *args, size_t n)
{
	if (p->args != empty)
		free(p->args);
	p->args = dup_bytes(args, n);
	p->args_len = p->args == empty ? 0 : n;
}

struct scry_proc *proctab__add_proc(struct proctab *pt, const struct scry_proc *tmpl,
				    const char *exe, const char *args, uint32_t args_len)
{
	struct scry_proc *p = malloc(sizeof(*p)), *old;

	if (!p)
		return NULL;
	*p = *tmpl;
	p->exe = empty;
	p->args = empty;
	p->args_len = 0;
	p->container = NULL;
	p->ctr_known = false;
	p->ctr_cgid = 0;
	p->refs = 0;
	p->nthreads = 0;
	p->zombie_next = NULL;
	set_exe(p, exe ? exe : "", exe ? strlen(exe) : 0);
	set_args(p, args, args_len);
	old = hashmap__find(pt->procs, p->pid);
	if (hashmap__set(pt->procs, p->pid, p)) {
		proc_free(pt, p);
		return NULL;
	}
	if (old) {
		/* pid reused before the old entry's grace period ended */
		if (old->refs) {
			old->dead = true;
			old->zombie_next = pt->zombies;
			pt->zombies = old;
		} else {
			proc_free(pt, old);
		}
	}
	return p;
}

static void thread_free(struct scry_thread *t)
{
	if (!t->dead && t->proc->nthreads)
		t->proc->nthreads--;
	t->proc->refs--;
	free(t);
}

struct scry_thread *proctab__add_thread(struct proctab *pt, uint32_t tid, uint32_t vtid,
					const char *comm, struct scry_proc *p)
{
	struct scry_thread *t = calloc(1, sizeof(*t)), *old;

	if (!t)
		return NULL;
	t->tid = tid;
	t->vtid = vtid;
	memcpy(t->comm, comm, SCRY_COMM_LEN);
	t->comm[SCRY_COMM_LEN - 1] = '\0';
	t->proc = p;
	old = hashmap__find(pt->threads, tid);
	if (hashmap__set(pt->threads, tid, t)) {
		free(t);
		return NULL;
	}
	if (old)
		thread_free(old);
	p->nthreads++;
	p->refs++;
	return t;
}

struct scry_thread *proctab__thread(struct proctab *pt, uint32_t tid)
{
	return hashmap__find(pt->threads, tid);
}

struct scry_proc *proctab__proc(struct proctab *pt, uint32_t pid)
{
	return hashmap__find(pt->procs, pid);
}

struct scry_proc *proctab__next_proc(struct proctab *pt, size_t *pos)
{
	void *v;

	return hashmap__next(pt->procs, pos, NULL, &v) ? v : NULL;
}

struct scry_thread *proctab__next_thread(struct proctab *pt, size_t *pos)
{
	void *v;

	return hashmap__next(pt->threads, pos, NULL, &v) ? v : NULL;
}

size_t proctab__nprocs(struct proctab *pt)
{
	return hashmap__size(pt->procs);
}

/* --- seeding from /proc ------------------------------------------------------------------------ */

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, off = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)off < size - 1 && (n = read(fd, buf + off, size - 1 - off)) > 0)
		off += n;
	close(fd);
	buf[off] = '\0';
	return off;
}

/* The line of a status file that starts with `key`, just after the key; NULL if none. */
static const char *status_line(const char *status, const char *key)
{
	size_t n = strlen(key);
	const char *l;

	for (l = status; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, key, n))
			return l + n;
	return NULL;
}

/* Last number of a "Key:\t1\t2\t3" line in a status file (the innermost namespace's id). */
static int status_last(const char *status, const char *key, uint32_t *out)
{
	const char *l = status_line(status, key), *end;
	unsigned long v = 0;
	bool any = false;

	if (!l)
		return -ENOENT;
	end = strchr(l, '\n');
	if (!end)
		end = l + strlen(l);
	for (; l < end; l++) {
		if (isdigit((unsigned char)*l)) {
			if (!any || isspace((unsigned char)l[-1]))
				v = 0;
			v = v * 10 + (*l - '0');
			any = true;
		}
	}
	if (!any)
		return -ENOENT;
	*out = v;
	return 0;
}

/* The n-th (0-based) number after "Key:" (Uid: real effective saved fs). */
static int status_nth(const char *status, const char *key, int nth, uint32_t *out)
{
	const char *l = status_line(status, key);
	unsigned long v;
	char *end;
	int i;

	if (!l)
		return -ENOENT;
	for (i = 0; i <= nth; i++) {
		v = strtoul(l, &end, 10);
		if (end == l)
			return -ENOENT;
		l = end;
	}
	*out = v;
	return 0;
}

static struct scry_proc *seed_proc(struct proctab *pt, uint32_t pid)
{
	char path[64], buf[8192], exe[1024];
	struct scry_proc tmpl = { .pid = pid };
	unsigned long long start = 0;
	unsigned long ppid = 0;
	char *rp;
	ssize_t n, elen;

	snprintf(path, sizeof(path), "%s/%u/stat", pt->procfs, pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return NULL;
	/* "pid (comm) S ppid ..." where comm may hold spaces and parentheses. */
	rp = strrchr(buf, ')');
	if (!rp || !strchr(buf, '('))
		return NULL;
	n = rp - strchr(buf, '(') - 1;
	memcpy(tmpl.comm, strchr(buf, '(') + 1, n < SCRY_COMM_LEN - 1 ? n : SCRY_COMM_LEN - 1);
	/* ppid is field 4, starttime field 22 (clock ticks after boot). */
	if (sscanf(rp + 2, "%*c %lu %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
		   &ppid, &start) >= 1)
		tmpl.ppid = ppid;
	tmpl.start_ts = start * (1000000000ULL / pt->clk_tck);

	snprintf(path, sizeof(path), "%s/%u/status", pt->procfs, pid);
	if (read_file(path, buf, sizeof(buf)) > 0) {
		status_nth(buf, "Uid:", 1, &tmpl.uid);
		status_nth(buf, "Gid:", 1, &tmpl.gid);
		if (status_last(buf, "NStgid:", &tmpl.vpid))
			tmpl.vpid = pid;
	}
	snprintf(path, sizeof(path), "%s/%u/exe", pt->procfs, pid);
	elen = readlink(path, exe, sizeof(exe) - 1);
	exe[elen > 0 ? elen : 0] = '\0';
	snprintf(path, sizeof(path), "%s/%u/cmdline", pt->procfs, pid);
	n = read_file(path, buf, sizeof(buf));
	/* cmdline ends with a NUL we do not keep (argv is NUL-separated, not terminated). */
	if (n > 0 && buf[n - 1] == '\0')
		n--;
	return proctab__add_proc(pt, &tmpl, exe, buf, n > 0 ? n : 0);
}

static struct scry_thread *seed_thread(struct proctab *pt, struct scry_proc *p, uint32_t tid)
{
	char path[96], buf[4096], comm[SCRY_COMM_LEN] = "";
	uint32_t vtid = tid;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/task/%u/comm", pt->procfs, p->pid, tid);
	n = read_file(path, buf, sizeof(buf));
	if (n <= 0)
		return NULL;
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	memcpy(comm, buf, n < SCRY_COMM_LEN - 1 ? n : SCRY_COMM_LEN - 1);
	snprintf(path, sizeof(path), "%s/%u/task/%u/status", pt->procfs, p->pid, tid);
	if (read_file(path, buf, sizeof(buf)) > 0 && status_last(buf, "NSpid:", &vtid))
		vtid = tid;
	return proctab__add_thread(pt, tid, vtid, comm, p);
}

static void seed_threads(struct proctab *pt, struct scry_proc *p)
{
	char path[64];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%u/task", pt->procfs, p->pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		uint64_t tid;

		if (parse_u64(de->d_name, 1, UINT32_MAX, &tid))
			continue;
		seed_thread(pt, p, tid);
	}
	closedir(d);
}

int proctab__seed(struct proctab *pt)
{
	struct dirent *de;
	int count = 0;
	DIR *d;

	if (!pt->procfs)
		return -EINVAL;
	d = opendir(pt->procfs);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct scry_proc *p;
		uint64_t pid;

		if (parse_u64(de->d_name, 1, UINT32_MAX, &pid))
			continue;
		if (proctab__proc(pt, pid))
			continue;	/* already known from the event stream */
		p = seed_proc(pt, pid);
		if (!p)
			continue;	/* exited while we looked */
		seed_threads(pt, p);
		count++;
	}
	closedir(d);
	return count;
}

/* --- upkeep from events ------------------------------------------------------------------------ */

/* A thread first seen in a record: ask /proc (live), else build it from the header alone. */
static struct scry_thread *thread_for(struct proctab *pt, const struct scry_hdr *h)
{
	struct scry_thread *t = hashmap__find(pt->threads, h->tid);
	struct scry_proc *p;

	if (t)
		return t;
	p = hashmap__find(pt->procs, h->pid);
	if (!p && pt->procfs)
		p = seed_proc(pt, h->pid);
	if (!p) {
		struct scry_proc tmpl = { .pid = h->pid, .vpid = h->pid, .cgid = h->cgid };

		memcpy(tmpl.comm, h->comm, SCRY_COMM_LEN);
		tmpl.comm[SCRY_COMM_LEN - 1] = '\0';
		p = proctab__add_proc(pt, &tmpl, NULL, NULL, 0);
		if (!p)
			return NULL;
	}
	if (pt->procfs && (t = seed_thread(pt, p, h->tid)))
		return t;
	return proctab__add_thread(pt, h->tid, h->tid, h->comm, p);
}

static void on_thread_fork(struct proctab *pt, const struct scry_rec_fork *f, uint64_t ts)
{
	struct scry_proc *parent = hashmap__find(pt->procs, f->parent_pid), *p;

	if (f->fork_flags & SCRY_FORK_THREAD) {
		p = parent;
		if (!p) {
			thread_for(pt, &f->h);	/* the process was unknown: learn it whole */
			return;
		}
	} else {
		struct scry_proc tmpl = {
			.pid = f->h.pid, .ppid = f->ppid, .vpid = f->vpid, .uid = f->uid,
			.gid = f->gid, .cgid = f->h.cgid, .start_ts = ts,
		};

		memcpy(tmpl.comm, f->h.comm, SCRY_COMM_LEN);
		tmpl.comm[SCRY_COMM_LEN - 1] = '\0';
		/* A child runs its parent's image until it execs. */
		p = proctab__add_proc(pt, &tmpl, parent ? parent->exe : NULL,
				      parent ? parent->args : NULL, parent ? parent->args_len : 0);
		if (!p)
			return;
	}
	proctab__add_thread(pt, f->h.tid, f->vtid, f->h.comm, p);
}

static void on_thread_exec(struct proctab *pt, struct scry_thread *t, const struct scry_rec_exec *e)
{
	struct scry_proc *p = t->proc;

	set_exe(p, e->data, e->exe_len);
	set_args(p, e->data + e->exe_len, e->args_len);
	/* argv ends with a NUL we do not keep. */
	if (p->args_len && p->args[p->args_len - 1] == '\0')
		p->args_len--;
	memcpy(p->comm, e->h.comm, SCRY_COMM_LEN);
	p->ppid = e->ppid;
	p->vpid = e->vpid;
	p->uid = e->uid;
	p->gid = e->gid;
	t->vtid = e->vtid;
}

static void on_thread_exit(struct scry_thread *t, const struct scry_rec_exit *x, uint64_t ts)
{
	struct scry_proc *p = t->proc;

	if (t->dead)
		return;
	t->dead = true;
	t->dead_ts = ts;
	if (p->nthreads)
		p->nthreads--;
	if ((x->exit_flags & SCRY_EXIT_GROUP_DEAD) || !p->nthreads) {
		p->dead = true;
		p->dead_ts = ts;
		p->exit_code = x->exit_code;
	}
}

void proctab__apply(struct proctab *pt, struct scry_event *ev)
{
	const union scry_rec *r = ev->rec;
	struct scry_thread *t;

	if (ev->type == SCRY_REC_FORK)
		on_thread_fork(pt, &r->fork, r->h.ts);
	/*
	 * exec from a non-leader thread: the kernel has already killed the other threads and
	 * given this one the leader's tid; drop the old thread entry.
	 */
	if (ev->type == SCRY_REC_EXEC && r->exec.old_tid != r->h.tid) {
		struct scry_thread *old = hashmap__del(pt->threads, r->exec.old_tid);

		if (old)
			thread_free(old);
		/*
		 * de_thread() waited for the old leader to exit, so its EXIT came first and marked
		 * the leader's entry dead: it lives on as the one thread of the process.
		 */
		t = hashmap__find(pt->threads, r->h.tid);
		if (t && t->dead) {
			t->dead = false;
			t->dead_ts = 0;
			t->proc->dead = false;
			t->proc->dead_ts = 0;
			t->proc->nthreads = 1;
		}
	}
	t = thread_for(pt, &r->h);
	if (!t)
		return;
	ev->thread = t;
	ev->proc = t->proc;
	if (memcmp(t->comm, r->h.comm, SCRY_COMM_LEN)) {
		memcpy(t->comm, r->h.comm, SCRY_COMM_LEN);
		t->comm[SCRY_COMM_LEN - 1] = '\0';
		if (t->tid == t->proc->pid)
			memcpy(t->proc->comm, t->comm, SCRY_COMM_LEN);
	}
	t->proc->cgid = r->h.cgid;

	switch (ev->type) {
	case SCRY_REC_SYS_ENTER:
		t->enter_ts = ev->ts;
		t->enter_nr = ev->nr;
		break;
	case SCRY_REC_SYS_EXIT:
		/* A folded exit knows its latency; one whose enter came on its own pairs here. */
		if (!ev->latency && t->enter_ts && t->enter_nr == ev->nr && ev->ts >= t->enter_ts)
			ev->latency = ev->ts - t->enter_ts;
		t->enter_ts = 0;
		break;
	case SCRY_REC_EXEC:
		on_thread_exec(pt, t, &r->exec);
		break;
	case SCRY_REC_EXIT:
		on_thread_exit(t, &r->pexit, r->h.ts);
		break;
	case SCRY_REC_SWITCH:
	case SCRY_REC_CPUTICK:
		t->cpu_ns += ev->runtime_ns;
		t->proc->cpu_ns += ev->runtime_ns;
		break;
	default:
		break;
	}
}

void proctab__reap(struct proctab *pt, uint64_t now_ts, uint64_t grace_ns)
{
	size_t pos = 0;
	uint64_t key;
	void *v;

	while (hashmap__next(pt->threads, &pos, &key, &v)) {
		struct scry_thread *t = v;

		if (t->dead && t->dead_ts + grace_ns < now_ts) {
			hashmap__del(pt->threads, key);
			thread_free(t);
			pos = pos ? pos - 1 : 0;	/* backward shift may have moved an entry here */
		}
	}
	pos = 0;
	while (hashmap__next(pt->procs, &pos, &key, &v)) {
		struct scry_proc *p = v;

		if (p->dead && !p->refs && p->dead_ts + grace_ns < now_ts) {
			hashmap__del(pt->procs, key);
			proc_free(pt, p);
			pos = pos ? pos - 1 : 0;
		}
	}
	for (struct scry_proc **z = &pt->zombies; *z;) {
		struct scry_proc *p = *z;

		if (p->refs) {
			z = &p->zombie_next;
			continue;
		}
		*z = p->zombie_next;
		proc_free(pt, p);
	}
}
