// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18: container lifecycle events (scry/ctrlife.h), like `docker events` but from the
 * kernel's own moments and for every runtime.
 *
 * The tracker counts each container's live processes from the events themselves, in time order
 * (it runs where the pipeline delivers): a process joins a container when it forks there or
 * execs there (runc's init is moved into the cgroup, not forked in it), and leaves at the exit of
 * its last thread. A container that predates scry starts from the process table (/proc at start).
 * Its init is the member whose pid in its own namespace is 1, else (a container sharing the
 * host's pid namespace) the first that exec'd; its exit status is the stopped event's, as Docker
 * reports the init's. The last exit is the moment the cgroup is empty: the kernel kills the rest
 * of a pid namespace when its init dies, so that moment follows the init's exit closely.
 *
 * A container's first cgroup is its own: the created and removed records of cgroups made inside
 * it (systemd in a container) are dropped, as are those of cgroups that are no container's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scry/container.h"
#include "scry/ctrlife.h"
#include "scry/decode.h"
#include "scry/state.h"
#include "scry/util.h"

/* Containers kept in the registry after they stopped, for lscontainers' history. */
#define HISTORY_MAX 4096

struct track {
	struct scry_container *c;	/* pinned while tracked */
	uint64_t cgid;			/* its own cgroup (its created record's, else the first seen) */
	uint64_t started_ts;
	uint32_t members;		/* live processes */
	uint32_t init_pid;
	int32_t init_code;
	bool init_dead;
	bool created, started, stopped;
};

struct ctrlife {
	struct proctab *procs;
	ctrlife_emit_fn emit;
	void *ctx;
	bool live, procs_events;
	struct hashmap *tracks;		/* container pointer -> struct track */
	struct hashmap *members;	/* tgid -> struct track */
	uint32_t pinned;		/* containers kept for the history */
};

static const char *const action_names[SCRY_CTR__MAX] = {
	[SCRY_CTR_CREATED] = "created",
	[SCRY_CTR_STARTED] = "started",
	[SCRY_CTR_STOPPED] = "stopped",
	[SCRY_CTR_OOM] = "oom",
	[SCRY_CTR_REMOVED] = "removed",
	[SCRY_CTR_PROCS] = "procs",
};

const char *ctr_action_name(unsigned int action)
{
	return action < SCRY_CTR__MAX && action_names[action] ? action_names[action] : "";
}

/*
 * The runtime's word where its events API has one for the same moment. Docker's (and Podman's)
 * "create" comes before any cgroup and "destroy" at `docker rm`, long after the cgroup is gone:
 * neither is the kernel's moment, so created and removed have none.
 */
static const char *const docker_actions[SCRY_CTR__MAX] = {
	[SCRY_CTR_STARTED] = "start",
	[SCRY_CTR_STOPPED] = "die",
	[SCRY_CTR_OOM] = "oom",
};

const char *ctr_runtime_action(unsigned int runtime, unsigned int action)
{
	if (action >= SCRY_CTR__MAX)
		return NULL;
	if (runtime == CTR_DOCKER || runtime == CTR_PODMAN)
		return docker_actions[action];
	return NULL;
}

struct ctrlife *ctrlife__new(struct proctab *procs, ctrlife_emit_fn emit, void *ctx)
{
	struct ctrlife *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->procs = procs;
	l->emit = emit;
	l->ctx = ctx;
	l->tracks = hashmap__new(16);
	l->members = hashmap__new(64);
	if (!l->tracks || !l->members) {
		ctrlife__free(l);
		errno = ENOMEM;
		return NULL;
	}
	return l;
}

void ctrlife__free(struct ctrlife *l)
{
	size_t pos = 0;
	void *v;

	if (!l)
		return;
	while (l->tracks && hashmap__next(l->tracks, &pos, NULL, &v))
		free(v);	/* the registry goes after the pipeline: pins need no undoing */
	hashmap__free(l->tracks);
	hashmap__free(l->members);
	free(l);
}

void ctrlife__set_live(struct ctrlife *l, bool live)
{
	l->live = live;
}

void ctrlife__set_procs(struct ctrlife *l, bool on)
{
	l->procs_events = on;
}

void ctrlife_cgroup_rec(struct scry_rec_container *r, enum scry_ctr_action a, uint64_t cgid,
			const struct scry_hdr *ctl)
{
	memset(r, 0, sizeof(*r));
	r->h.type = SCRY_REC_CONTAINER;
	r->h.size = sizeof(*r);
	r->h.cpu = ctl->cpu;
	r->h.ts = ctl->ts;
	r->h.cgid = cgid;
	r->action = a;
}

static void emit(struct ctrlife *l, struct track *t, enum scry_ctr_action a, uint64_t ts,
		 uint32_t pid, uint16_t cpu)
{
	struct scry_rec_container r;

	memset(&r, 0, sizeof(r));
	r.h.type = SCRY_REC_CONTAINER;
	r.h.size = sizeof(r);
	r.h.cpu = cpu;
	r.h.ts = ts;
	r.h.cgid = t->cgid;
	r.action = a;
	r.pid = pid;
	r.procs = t->members;
	if (a == SCRY_CTR_STOPPED) {
		r.since_ts = t->started_ts <= ts ? t->started_ts : 0;
		if (t->init_dead) {
			r.ctr_flags |= SCRY_CTRF_EXIT;
			r.exit_code = t->init_code;
		}
	}
	l->emit(l->ctx, &r, t->c);
}

static void member_add(struct ctrlife *l, struct track *t, uint32_t pid, uint32_t vpid)
{
	struct track *was = hashmap__find(l->members, pid);

	if (was == t)
		return;
	if (was && was->members)
		was->members--;		/* it moved here from another container */
	if (hashmap__set(l->members, pid, t))
		return;		/* out of memory: this process is not counted */
	t->members++;
	if (vpid == 1 || !t->init_pid)
		t->init_pid = pid, t->init_dead = false;
}

/*
 * The tracker's entry for container `c`, made at its first event. One that was not seen being
 * made (it predates scry) takes its live processes from the process table, and counts as
 * started if it has any besides `pid` (the process of the event that made the entry).
 */
static struct track *track_of(struct ctrlife *l, struct scry_container *c, uint64_t cgid,
			      uint32_t pid)
{
	struct track *t = hashmap__find(l->tracks, (uintptr_t)c);
	struct scry_proc *p;
	size_t pos = 0;

	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t || hashmap__set(l->tracks, (uintptr_t)c, t)) {
		free(t);
		return NULL;
	}
	t->c = c;
	t->cgid = cgid;
	c->pins++;
	while (l->procs && (p = proctab__next_proc(l->procs, &pos)))
		if (!p->dead && p->ctr_known && p->container == c && p->pid != pid)
			member_add(l, t, p->pid, p->vpid);
	t->started = t->members > 0;
	return t;
}

/*
 * Done with a container: its history stays in its `life` while the registry keeps it. Processes
 * still counted as its members (their exits lost to a full ring, or moved out of its cgroup)
 * are forgotten with it: their later exit or exec must not reach the freed entry. A walk of the
 * members, at a container's end only. A deletion shifts later slots back into the one freed
 * (hashmap.c): that slot is looked at again.
 */
static void track_end(struct ctrlife *l, struct track *t)
{
	size_t pos = 0;
	uint64_t key;
	void *val;

	while (hashmap__next(l->members, &pos, &key, &val))
		if (val == t) {
			hashmap__del(l->members, key);
			pos--;
		}
	hashmap__del(l->tracks, (uintptr_t)t->c);
	if (t->c->pins)
		t->c->pins--;
	free(t);
}

/* A container's life as its records say, live and replayed (lscontainers reads it). */
static void apply(struct ctrlife *l, const struct scry_rec_container *r, struct scry_container *c)
{
	struct ctr_life *f = &c->life;
	bool pinned;

	switch (r->action) {
	case SCRY_CTR_CREATED:
		/* the same id made again (docker start after a stop): a new life */
		pinned = f->pinned;
		memset(f, 0, sizeof(*f));
		f->pinned = pinned;
		f->created_ts = r->h.ts;
		break;
	case SCRY_CTR_STARTED:
		f->started_ts = r->h.ts;
		f->stopped_ts = 0;
		f->exit_known = false;
		break;
	case SCRY_CTR_STOPPED:
		f->stopped_ts = r->h.ts;
		if (r->since_ts && !f->started_ts)
			f->started_ts = r->since_ts;
		f->exit_known = r->ctr_flags & SCRY_CTRF_EXIT;
		f->exit_code = r->exit_code;
		/* kept for the history, up to a bound (after it, the registry's minute) */
		if (!f->pinned && l->pinned < HISTORY_MAX) {
			f->pinned = true;
			c->pins++;
			l->pinned++;
		}
		break;
	case SCRY_CTR_OOM:
		f->ooms++;
		break;
	case SCRY_CTR_REMOVED:
		f->removed_ts = r->h.ts;
		break;
	}
}

bool ctrlife__before(struct ctrlife *l, const struct scry_event *ev, struct scry_container *c)
{
	const struct scry_rec_container *r = &ev->rec->ctr;
	struct track *t;

	if (!l->live || ev->type != SCRY_REC_CONTAINER ||
	    (r->action != SCRY_CTR_CREATED && r->action != SCRY_CTR_REMOVED))
		return false;
	if (!c)
		return true;	/* the host's cgroups */
	t = hashmap__find(l->tracks, (uintptr_t)c);
	if (r->action == SCRY_CTR_CREATED) {
		if (t && t->created && t->cgid != r->h.cgid)
			return true;	/* a cgroup inside it */
		if (!t || t->stopped) {
			if (t)
				track_end(l, t);	/* the same container started again */
			t = track_of(l, c, r->h.cgid, 0);
		}
		if (t) {
			t->created = true;
			t->cgid = r->h.cgid;
		}
		return false;
	}
	if (t && t->cgid != r->h.cgid)
		return true;
	/* Its last exits were lost (the ring was full): the cgroup is empty all the same. */
	if (t && t->started && !t->stopped) {
		t->members = 0;
		t->stopped = true;
		emit(l, t, SCRY_CTR_STOPPED, ev->ts, t->init_pid, ev->rec->h.cpu);
	}
	return false;
}

/* A process's last exit: it leaves its container, which stops when it was the last. */
static void proc_gone(struct ctrlife *l, const struct scry_event *ev, struct scry_container *c)
{
	const struct scry_rec_exit *x = &ev->rec->pexit;
	uint32_t pid = x->h.pid;
	struct track *t;

	if (!(x->exit_flags & SCRY_EXIT_GROUP_DEAD))
		return;
	t = hashmap__del(l->members, pid);
	if (!t && c && !hashmap__find(l->tracks, (uintptr_t)c)) {
		/* A container that predates scry, met at an exit: the others from the table. */
		if (!(t = track_of(l, c, x->h.cgid, pid)))
			return;
		t->members++;		/* this one, leaving now */
		if (ev->proc && ev->proc->vpid == 1)
			t->init_pid = pid;
		t->started = true;
	}
	if (!t)
		return;
	if (t->members)
		t->members--;
	if (pid == t->init_pid && !t->started) {
		t->init_pid = 0;	/* a runtime's helper before the exec: the next member is */
	} else if (pid == t->init_pid) {
		t->init_dead = true;
		t->init_code = x->exit_code;
	}
	if (l->procs_events && t->members && t->started && !t->stopped)
		emit(l, t, SCRY_CTR_PROCS, ev->ts, pid, x->h.cpu);
	if (!t->members && t->started && !t->stopped) {
		t->stopped = true;
		emit(l, t, SCRY_CTR_STOPPED, ev->ts, t->init_pid, x->h.cpu);
	}
}

void ctrlife__after(struct ctrlife *l, const struct scry_event *ev, struct scry_container *c)
{
	const union scry_rec *r = ev->rec;
	struct track *t;
	uint32_t before;

	if (ev->type == SCRY_REC_CONTAINER) {
		if (c)
			apply(l, &r->ctr, c);
		if (l->live && c && r->ctr.action == SCRY_CTR_REMOVED &&
		    (t = hashmap__find(l->tracks, (uintptr_t)c)) && t->cgid == r->h.cgid)
			track_end(l, t);
		return;
	}
	if (!l->live)
		return;
	if (ev->type == SCRY_REC_EXIT) {
		proc_gone(l, ev, c);
		return;
	}
	if (!c)
		return;
	switch (ev->type) {
	case SCRY_REC_FORK:
		if (r->fork.fork_flags & SCRY_FORK_THREAD)
			return;
		if (!(t = track_of(l, c, r->h.cgid, r->h.pid)))
			return;
		before = t->members;
		member_add(l, t, r->h.pid, r->fork.vpid);
		if (l->procs_events && t->started && t->members != before)
			emit(l, t, SCRY_CTR_PROCS, ev->ts, r->h.pid, r->h.cpu);
		return;
	case SCRY_REC_EXEC:
		if (!(t = track_of(l, c, r->h.cgid, r->h.pid)))
			return;
		before = t->members;
		member_add(l, t, r->h.pid, r->exec.vpid);
		if (!t->started || t->stopped) {
			if (!t->init_pid || t->init_dead)
				t->init_pid = r->h.pid, t->init_dead = false;
			t->started = true;
			t->stopped = false;
			t->started_ts = ev->ts;
			emit(l, t, SCRY_CTR_STARTED, ev->ts, t->init_pid, r->h.cpu);
		} else if (l->procs_events && t->members != before) {
			emit(l, t, SCRY_CTR_PROCS, ev->ts, r->h.pid, r->h.cpu);
		}
		return;
	case SCRY_REC_OOM:
		if ((t = track_of(l, c, r->h.cgid, 0)))
			emit(l, t, SCRY_CTR_OOM, ev->ts, r->h.pid, r->h.cpu);
		return;
	}
}

/* --- evt.info and evt.arg ------------------------------------------------------------------- */

enum carg {
	CA_ACTION, CA_ID, CA_NAME, CA_IMAGE, CA_RUNTIME_ACTION, CA_PID, CA_STATUS, CA_SIG,
	CA_EXIT_CODE, CA_LIFETIME, CA_PROCS, CA__MAX
};

const char *const ctr_arg_names[] = {
	"action", "id", "name", "image", "runtime_action", "pid", "status", "sig", "exit_code",
	"lifetime", "procs", NULL,
};
_Static_assert(sizeof(ctr_arg_names) / sizeof(ctr_arg_names[0]) == CA__MAX + 1, "arg names");

static bool has(const struct scry_event *ev, enum carg k)
{
	const struct scry_rec_container *r = &ev->rec->ctr;
	const struct scry_container *c = ev->container;
	bool exit = r->action == SCRY_CTR_STOPPED && (r->ctr_flags & SCRY_CTRF_EXIT);

	switch (k) {
	case CA_ACTION: return true;
	case CA_ID: return c;
	case CA_NAME: return c && c->meta.name;
	case CA_IMAGE: return c && c->meta.image;
	case CA_RUNTIME_ACTION: return c && ctr_runtime_action(c->runtime, r->action);
	case CA_PID: return r->pid;
	case CA_STATUS: return exit && !(r->exit_code & 0x7f);
	case CA_SIG: return exit && (r->exit_code & 0x7f);
	case CA_EXIT_CODE: return exit;
	case CA_LIFETIME: return r->action == SCRY_CTR_STOPPED && r->since_ts;
	case CA_PROCS: return r->action == SCRY_CTR_PROCS;
	default: return false;
	}
}

static void str_arg(struct evt_arg *a, struct sbuf *b, const char *s)
{
	a->str = s;
	a->len = strlen(s);
	if (b)
		sbuf__write(b, s, a->len);
}

static void num_arg(struct evt_arg *a, struct sbuf *b, int64_t v)
{
	a->raw = v;
	if (b)
		sbuf__s64(b, v);
}

bool ctr_evt_arg(const struct scry_event *ev, unsigned int i, struct evt_arg *a, struct sbuf *b)
{
	const struct scry_rec_container *r = &ev->rec->ctr;
	const struct scry_container *c = ev->container;
	unsigned int k, n = 0;
	int sig = r->exit_code & 0x7f;
	const char *sn;

	for (k = 0; k < CA__MAX; k++)
		if (has(ev, k) && n++ == i)
			break;
	if (k == CA__MAX)
		return false;
	a->name = ctr_arg_names[k];
	a->str = NULL;
	a->len = 0;
	a->raw = 0;
	switch (k) {
	case CA_ACTION: str_arg(a, b, ctr_action_name(r->action)); a->raw = r->action; break;
	case CA_ID: str_arg(a, b, c->short_id); break;
	case CA_NAME: str_arg(a, b, c->meta.name); break;
	case CA_IMAGE: str_arg(a, b, c->meta.image); break;
	case CA_RUNTIME_ACTION: str_arg(a, b, ctr_runtime_action(c->runtime, r->action)); break;
	case CA_PID: num_arg(a, b, r->pid); break;
	case CA_STATUS: num_arg(a, b, (r->exit_code >> 8) & 0xff); break;
	case CA_SIG:
		a->raw = sig;
		sn = sigabbrev_np(sig);
		if (b && sn) {
			sbuf__puts(b, "SIG");
			sbuf__puts(b, sn);
		} else if (b) {
			sbuf__u64(b, sig);
		}
		break;
	case CA_EXIT_CODE: num_arg(a, b, ctr_exit_code(r->exit_code)); break;
	case CA_LIFETIME: num_arg(a, b, (int64_t)(r->h.ts - r->since_ts)); break;
	case CA_PROCS: num_arg(a, b, r->procs); break;
	}
	return true;
}

void ctr_evt_info(const struct scry_event *ev, struct sbuf *b)
{
	struct evt_arg a;
	unsigned int i;

	for (i = 0; ctr_evt_arg(ev, i, &a, NULL); i++) {
		if (i)
			sbuf__putc(b, ' ');
		sbuf__puts(b, a.name);
		sbuf__putc(b, '=');
		ctr_evt_arg(ev, i, &a, b);
	}
}
