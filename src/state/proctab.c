// SPDX-License-Identifier: GPL-2.0
/*
 * Process and thread table. Entries are keyed by host tid/pid in two hash maps. An entry that
 * exits stays in its map for a grace period: the kernel still reports a final context switch
 * (and its CPU time) after sched_process_exit, and views charge that time to the right process.
 * Dead entries wait in two heaps ordered by their time of death, so that reaping costs what it
 * frees however large the table; a process outlives its grace period while thread entries still
 * point at it, and goes when the last of them does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "scry/util.h"

static char empty[1];

/* --- dead entries ------------------------------------------------------------------------------ */

static uint32_t *dh_idx(const struct dheap *h, void *e)
{
	return h->procs ? &((struct scry_proc *)e)->dead_idx : &((struct scry_thread *)e)->dead_idx;
}

static void dh_put(struct dheap *h, uint32_t i, struct dslot v)
{
	h->s[i] = v;
	*dh_idx(h, v.e) = i + 1;
}

static void dh_up(struct dheap *h, uint32_t i)
{
	struct dslot v = h->s[i];

	while (i && h->s[(i - 1) / 2].ts > v.ts) {
		dh_put(h, i, h->s[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	dh_put(h, i, v);
}

static void dh_down(struct dheap *h, uint32_t i)
{
	struct dslot v = h->s[i];
	uint32_t c;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && h->s[c + 1].ts < h->s[c].ts)
			c++;
		if (v.ts <= h->s[c].ts)
			break;
		dh_put(h, i, h->s[c]);
		i = c;
	}
	dh_put(h, i, v);
}

static void dh_remove(struct dheap *h, void *e)
{
	uint32_t *idx = dh_idx(h, e), i = *idx;

	if (!i)
		return;
	*idx = 0;
	if (--i == --h->n)
		return;
	h->s[i] = h->s[h->n];
	if (i && h->s[(i - 1) / 2].ts > h->s[i].ts)
		dh_up(h, i);
	else
		dh_down(h, i);
}

/* Out of memory, the entry is not reaped before the table is freed: never a dangling pointer. */
static void dh_push(struct dheap *h, void *e, uint64_t ts)
{
	dh_remove(h, e);
	if (h->n == h->cap) {
		uint32_t cap = h->cap ? h->cap * 2 : 256;
		struct dslot *s = realloc(h->s, cap * sizeof(*s));

		if (!s)
			return;
		h->s = s;
		h->cap = cap;
	}
	h->s[h->n] = (struct dslot){ ts, e };
	dh_up(h, h->n++);
}

static void make_reapable(struct proctab *pt, struct scry_proc *p)
{
	if (p->reapable)
		return;
	p->reapable = true;
	p->zombie_next = pt->reapable;
	pt->reapable = p;
}

void proc_died(struct proctab *pt, struct scry_proc *p, uint64_t ts)
{
	p->dead = true;
	p->dead_ts = ts;
	p->parked = false;
	dh_push(&pt->dead_procs, p, ts);
}

static void proc_revived(struct proctab *pt, struct scry_proc *p)
{
	p->dead = false;
	p->dead_ts = 0;
	p->parked = false;
	dh_remove(&pt->dead_procs, p);
}

/* A thread's exit: its process has one thread fewer. */
void thread_died(struct proctab *pt, struct scry_thread *t, uint64_t ts)
{
	if (!t->dead && t->proc->nthreads)
		t->proc->nthreads--;
	t->dead = true;
	t->dead_ts = ts;
	dh_push(&pt->dead_threads, t, ts);
}

void proctab__thread_died(struct proctab *pt, struct scry_thread *t, uint64_t ts)
{
	thread_died(pt, t, ts);
}

/* --- limits ------------------------------------------------------------------------------------ */

void proctab__set_limits(struct proctab *pt, const struct proctab_limits *l)
{
	pt->lim = *l;
}

static bool over(struct proctab *pt, enum proctab_bound what)
{
	if (pt->lim.over)
		pt->lim.over(pt->lim.ctx, what);
	return true;
}

static bool full(struct proctab *pt, enum proctab_bound what)
{
	if (what == PROCTAB_PROCS)
		return pt->lim.procs && pt->nprocs >= pt->lim.procs && over(pt, what);
	return pt->lim.threads && pt->nthreads >= pt->lim.threads && over(pt, what);
}

struct proctab *proctab__new(const char *procfs)
{
	struct proctab *pt = calloc(1, sizeof(*pt));

	if (!pt)
		return NULL;
	pt->threads = hashmap__new(4096);
	pt->procs = hashmap__new(1024);
	pt->dead_procs.procs = true;
	pt->procfs = procfs ? strdup(procfs) : NULL;
	pt->clk_tck = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	if (!pt->threads || !pt->procs || (procfs && !pt->procfs)) {
		proctab__free(pt);
		errno = ENOMEM;
		return NULL;
	}
	return pt;
}

static void set_exe(struct proctab *pt, struct scry_proc *p, const char *exe, size_t n);
static void set_args(struct proctab *pt, struct scry_proc *p, const char *args, size_t n);

static void proc_free(struct proctab *pt, struct scry_proc *p)
{
	dh_remove(&pt->dead_procs, p);
	if (pt->on_free)
		pt->on_free(pt->on_free_ctx, p);
	set_exe(pt, p, NULL, 0);
	set_args(pt, p, NULL, 0);
	proctab__set_env(pt, p, NULL, 0);
	free(p->cg_text);
	fdtab__release(p);
	pt->nprocs--;
	free(p);
}

/*
 * A process entry goes: out of the map at once, freed now, or by drain_reapable if it is on that
 * list already (it may be: parked, revived by a thread, dead again).
 */
static void proc_unmap(struct proctab *pt, struct scry_proc *p)
{
	if (hashmap__find(pt->procs, p->pid) == p)
		hashmap__del(pt->procs, p->pid);
	if (p->reapable)
		p->zombie = true;
	else
		proc_free(pt, p);
}

static void thread_free(struct proctab *pt, struct scry_thread *t)
{
	struct scry_proc *p = t->proc;

	dh_remove(&pt->dead_threads, t);
	if (!t->dead && p->nthreads)
		p->nthreads--;
	if (!--p->refs && (p->zombie || p->parked))
		make_reapable(pt, p);
	pt->nthreads--;
	free(t);
}

/* Processes whose last thread entry went: zombies, and dead ones past their grace period. */
static void drain_reapable(struct proctab *pt)
{
	struct scry_proc *p;

	while ((p = pt->reapable)) {
		pt->reapable = p->zombie_next;
		p->zombie_next = NULL;
		p->reapable = false;
		if (p->refs)
			continue;	/* a thread came back to it: it waits for that one */
		if (p->zombie)
			proc_free(pt, p);
		else if (p->parked && p->dead)
			proc_unmap(pt, p);
	}
}

void proctab__free(struct proctab *pt)
{
	size_t pos = 0;
	void *v;

	if (!pt)
		return;
	/* Threads first: their processes' references go with them. */
	if (pt->threads) {
		while (hashmap__next(pt->threads, &pos, NULL, &v))
			thread_free(pt, v);
		hashmap__free(pt->threads);
	}
	drain_reapable(pt);
	pos = 0;
	if (pt->procs) {
		while (hashmap__next(pt->procs, &pos, NULL, &v))
			proc_free(pt, v);
		hashmap__free(pt->procs);
	}
	free(pt->dead_threads.s);
	free(pt->dead_procs.s);
	free(pt->procfs);
	free(pt);
}

void proctab__on_free(struct proctab *pt, void (*fn)(void *ctx, struct scry_proc *p), void *ctx)
{
	pt->on_free = fn;
	pt->on_free_ctx = ctx;
}

/*
 * A copy of `n` bytes plus a NUL, or the shared empty string: past the bound on what the table
 * holds (or out of memory), a process keeps no executable or command line.
 */
static char *dup_cmd(struct proctab *pt, const char *s, size_t n)
{
	char *d;

	if (!n)
		return empty;
	if (pt->lim.cmd_bytes && pt->cmd_bytes + n > pt->lim.cmd_bytes &&
	    over(pt, PROCTAB_CMD_BYTES))
		return empty;
	d = malloc(n + 1);
	if (!d)
		return empty;
	memcpy(d, s, n);
	d[n] = '\0';
	pt->cmd_bytes += n;
	return d;
}

static void set_exe(struct proctab *pt, struct scry_proc *p, const char *exe, size_t n)
{
	if (p->exe && p->exe != empty) {
		pt->cmd_bytes -= strlen(p->exe);
		free(p->exe);
	}
	/* A path ends at its first NUL: what is kept is what is counted. */
	p->exe = dup_cmd(pt, exe, exe ? strnlen(exe, n) : 0);
}

static void set_args(struct proctab *pt, struct scry_proc *p, const char *args, size_t n)
{
	if (p->args && p->args != empty) {
		pt->cmd_bytes -= p->args_len;
		free(p->args);
	}
	p->args = dup_cmd(pt, args, args ? n : 0);
	p->args_len = p->args == empty ? 0 : n;
}

void proctab__want_env(struct proctab *pt, bool on)
{
	pt->want_env = on;
}

void proctab__set_env(struct proctab *pt, struct scry_proc *p, const char *env, size_t n)
{
	if (p->env && p->env != empty) {
		pt->cmd_bytes -= p->env_len;
		free(p->env);
	}
	if (n > SCRY_ENV_MAX)
		n = SCRY_ENV_MAX;
	/* the environment ends with a NUL we do not keep, as argv's */
	if (n && env[n - 1] == '\0')
		n--;
	p->env = dup_cmd(pt, env, env ? n : 0);
	p->env_len = p->env == empty ? 0 : n;
}

struct scry_proc *proctab__add_proc(struct proctab *pt, const struct scry_proc *tmpl,
				    const char *exe, const char *args, uint32_t args_len)
{
	struct scry_proc *p, *old = hashmap__find(pt->procs, tmpl->pid);

	/* A pid reused replaces its entry (kept as a zombie only while threads point at it). */
	if ((!old && full(pt, PROCTAB_PROCS)) || !(p = malloc(sizeof(*p))))
		return NULL;
	pt->nprocs++;
	*p = *tmpl;
	scry_comm_set(p->comm, tmpl->comm, SCRY_COMM_LEN);
	p->exe = empty;
	p->args = empty;
	p->args_len = 0;
	p->container = NULL;
	p->ctr_known = false;
	p->ctr_cgid = 0;
	p->refs = 0;
	p->nthreads = 0;
	p->dead_idx = 0;
	p->zombie = p->parked = p->reapable = false;
	p->zombie_next = NULL;
	p->tab = pt;
	p->cg_text = NULL;
	p->env = empty;
	p->env_len = 0;
	p->kids = true;		/* not known: its exit looks (a fork's child says it has none) */
	set_exe(pt, p, exe, exe ? strlen(exe) : 0);
	set_args(pt, p, args, args_len);
	if (hashmap__set(pt->procs, p->pid, p)) {
		proc_free(pt, p);
		return NULL;
	}
	if (p->dead)
		proc_died(pt, p, p->dead_ts);
	if (old) {
		/* pid reused before the old entry's grace period ended */
		dh_remove(&pt->dead_procs, old);
		old->dead = true;
		old->parked = false;
		if (old->refs || old->reapable)
			old->zombie = true;	/* freed when its last thread entry goes */
		else
			proc_free(pt, old);
	}
	return p;
}

struct scry_thread *proctab__add_thread(struct proctab *pt, uint32_t tid, uint32_t vtid,
					const char *comm, struct scry_proc *p)
{
	struct scry_thread *t, *old = hashmap__find(pt->threads, tid);

	/* A tid reused replaces its entry: no more threads than before. */
	if ((!old && full(pt, PROCTAB_THREADS)) || !(t = calloc(1, sizeof(*t))))
		return NULL;
	pt->nthreads++;
	t->tid = tid;
	t->vtid = vtid;
	scry_comm_set(t->comm, comm, SCRY_COMM_LEN);
	t->proc = p;
	if (hashmap__set(pt->threads, tid, t)) {
		pt->nthreads--;
		free(t);
		return NULL;
	}
	p->nthreads++;
	p->refs++;
	if (old)
		thread_free(pt, old);
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

const struct scry_proc *proctab__parent(const struct scry_proc *p)
{
	const struct scry_proc *q;
	uint64_t tick;

	if (!p->tab || !p->ppid || p->ppid == p->pid)
		return NULL;
	q = hashmap__find(p->tab->procs, p->ppid);
	if (!q || q->dead || q->zombie)
		return NULL;
	/*
	 * A parent starts before its child. procfs counts start times in clock ticks, rounded
	 * down: a child read from there (its start a whole number of ticks) may seem to start up
	 * to a tick before a parent whose fork record was seen.
	 */
	tick = 1000000000ULL / p->tab->clk_tck;
	if (q->start_ts && p->start_ts &&
	    q->start_ts > p->start_ts + (p->start_ts % tick ? 0 : tick))
		return NULL;
	return q;
}

uint64_t proctab__first_ts(const struct proctab *pt)
{
	return pt->first_ts;
}

const char *proctab__procfs(const struct scry_proc *p)
{
	return p->tab ? p->tab->procfs : NULL;
}

const struct scry_thread *proctab__main_thread(const struct scry_proc *p)
{
	const struct scry_thread *t;

	if (!p->tab)
		return NULL;
	t = hashmap__find(p->tab->threads, p->pid);
	return t && t->proc == p ? t : NULL;
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
		p = procfs_seed_proc(pt, h->pid);
	if (!p) {
		struct scry_proc tmpl = { .pid = h->pid, .vpid = h->pid, .cgid = h->cgid,
					  .loginuid = UINT32_MAX };

		scry_comm_set(tmpl.comm, h->comm, SCRY_COMM_LEN);
		p = proctab__add_proc(pt, &tmpl, NULL, NULL, 0);
		if (!p)
			return NULL;
	}
	if (pt->procfs && (t = procfs_seed_thread(pt, p, h->tid)))
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
			.loginuid = parent ? parent->loginuid : UINT32_MAX,
		};

		scry_comm_set(tmpl.comm, f->h.comm, SCRY_COMM_LEN);
		/* A child runs its parent's image until it execs. */
		p = proctab__add_proc(pt, &tmpl, parent ? parent->exe : NULL,
				      parent ? parent->args : NULL, parent ? parent->args_len : 0);
		if (!p)
			return;
		p->kids = false;
		if (parent)
			proctab__set_env(pt, p, parent->env, parent->env_len);
		/* an older capture's fork says nothing: the child has what its parent had */
		if (f->pi.pi_flags & SCRY_PI_VALID) {
			p->info = f->pi;
			p->loginuid = f->pi.loginuid;
		} else if (parent) {
			p->info = parent->info;
			p->loginuid = parent->loginuid;
		}
		/* the real parent: the forking process, or its parent (CLONE_PARENT) */
		parent = f->ppid == f->parent_pid ? parent : hashmap__find(pt->procs, f->ppid);
		if (parent)
			parent->kids = true;
	}
	proctab__add_thread(pt, f->h.tid, f->vtid, f->h.comm, p);
}

static void on_thread_exec(struct proctab *pt, struct scry_thread *t, const struct scry_rec_exec *e)
{
	struct scry_proc *p = t->proc, *parent;
	const char *args = e->data + e->exe_len;
	size_t n = e->args_len;

	set_exe(pt, p, e->data, e->exe_len);
	/* argv ends with a NUL we do not keep. */
	if (n && args[n - 1] == '\0')
		n--;
	set_args(pt, p, args, n);
	scry_comm_set(p->comm, e->h.comm, SCRY_COMM_LEN);
	/*
	 * The exec read its parent before taking its time: a parent whose exit came between (an
	 * orphan's exec) has already given it to its reaper here, which stays its parent.
	 */
	parent = hashmap__find(pt->procs, e->ppid);
	if (!parent || !parent->dead || p->ppid == e->ppid)
		p->ppid = e->ppid;
	p->vpid = e->vpid;
	p->uid = e->uid;
	p->gid = e->gid;
	/* a runtime's init pivots into the container's root, then execs: look its root up again */
	p->users_ref = 0;
	t->vtid = e->vtid;
	if (e->pi.pi_flags & SCRY_PI_VALID) {
		p->info = e->pi;
		p->loginuid = e->pi.loginuid;
	}
	proctab__set_env(pt, p, e->data + e->exe_len + e->args_len, e->env_len);
}

/*
 * A process exited: the kernel gives its children to the reaper the exit record names (a
 * subreaper among its ancestors, else its pid namespace's init). Without one (an older capture,
 * a dying namespace) they keep a parent that proctab__parent refuses to name: no ancestry
 * rather than a dead one.
 */
static void reparent(struct proctab *pt, struct scry_proc *dead, uint32_t reaper)
{
	struct scry_proc *q, *r;
	size_t pos = 0;

	if (!dead->kids || !reaper || reaper == dead->pid)
		return;
	dead->kids = false;
	while ((q = proctab__next_proc(pt, &pos))) {
		if (q == dead || q->dead || q->ppid != dead->pid ||
		    (q->start_ts && dead->start_ts && q->start_ts < dead->start_ts))
			continue;
		q->ppid = reaper;
		if ((r = hashmap__find(pt->procs, reaper)))
			r->kids = true;
	}
}

static void on_thread_exit(struct proctab *pt, struct scry_thread *t,
			   const struct scry_rec_exit *x, uint64_t ts)
{
	struct scry_proc *p = t->proc;

	if (t->dead)
		return;
	thread_died(pt, t, ts);
	if ((x->exit_flags & SCRY_EXIT_GROUP_DEAD) || !p->nthreads) {
		proc_died(pt, p, ts);
		p->exit_code = x->exit_code;
		if (x->exit_flags & SCRY_EXIT_REAPER)
			reparent(pt, p, x->reaper);
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
	if (ev->ts > pt->now)
		pt->now = ev->ts;
	if (!pt->first_ts)
		pt->first_ts = ev->ts;
	/* A socket's event names no task: no thread to look up (or to invent for pid 0). */
	if (evt_table[ev->type].flags & EVF_NOTASK)
		return;
	if (ev->type == SCRY_REC_EXEC && r->exec.old_tid != r->h.tid) {
		struct scry_thread *old = hashmap__del(pt->threads, r->exec.old_tid);

		if (old)
			thread_free(pt, old);
		/*
		 * de_thread() waited for the old leader to exit, so its EXIT came first and marked
		 * the leader's entry dead: it lives on as the one thread of the process.
		 */
		t = hashmap__find(pt->threads, r->h.tid);
		if (t && t->dead) {
			t->dead = false;
			t->dead_ts = 0;
			dh_remove(&pt->dead_threads, t);
			proc_revived(pt, t->proc);
			t->proc->nthreads = 1;
		}
	}
	t = thread_for(pt, &r->h);
	if (!t)
		return;
	ev->thread = t;
	ev->proc = t->proc;
	/*
	 * A block completion names the task that submitted the request, whose name may have
	 * changed since, and the request's cgroup (on v2 the one that dirtied the pages, not the
	 * flusher's): it says nothing of the task now.
	 */
	if (evt_table[ev->type].flags & EVF_BLOCK)
		return;
	/* No name (a count-mode sum of a process not yet known) is no rename. */
	if (r->h.comm[0] && !scry_comm_eq(t->comm, r->h.comm)) {
		scry_comm_set(t->comm, r->h.comm, SCRY_COMM_LEN);
		if (t->tid == t->proc->pid)
			memcpy(t->proc->comm, t->comm, SCRY_COMM_LEN);
	}
	t->proc->cgid = r->h.cgid;

	if (evt_table[ev->type].flags & EVF_CPU) {
		t->cpu_ns += ev->runtime_ns;
		t->proc->cpu_ns += ev->runtime_ns;
		if (ev->acct) {
			sched_sums_add(&t->sched, ev->acct);
			sched_sums_add(&t->proc->sched, ev->acct);
			cpushare__add(t, ev->ts, ev->runtime_ns, ev->acct);
			/* the process's memory now (proc.vmrss...), where it moved */
			if (ev->acct->acct_flags & SCRY_ACCT_MEM) {
				t->proc->info.vm_size_kb = ev->acct->vm_size_kb;
				t->proc->info.vm_rss_kb = ev->acct->vm_rss_kb;
				t->proc->info.vm_swap_kb = ev->acct->vm_swap_kb;
			}
		}
		return;
	}
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
		on_thread_exit(pt, t, &r->pexit, r->h.ts);
		break;
	default:
		break;
	}
}

void proctab__reap(struct proctab *pt, uint64_t now_ts, uint64_t grace_ns)
{
	struct dheap *h = &pt->dead_threads;

	/* Threads first: the last one of a process lets the process go. */
	while (h->n && h->s[0].ts + grace_ns < now_ts) {
		struct scry_thread *t = h->s[0].e;

		if (hashmap__find(pt->threads, t->tid) == t)
			hashmap__del(pt->threads, t->tid);
		thread_free(pt, t);
	}
	h = &pt->dead_procs;
	while (h->n && h->s[0].ts + grace_ns < now_ts) {
		struct scry_proc *p = h->s[0].e;

		dh_remove(h, p);
		if (p->refs)
			p->parked = true;	/* freed when its last thread entry goes */
		else
			proc_unmap(pt, p);
	}
	drain_reapable(pt);
}
