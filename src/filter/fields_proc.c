// SPDX-License-Identifier: GPL-2.0
/*
 * The process and thread fields of sysdig that the process table answers: ancestry (walked
 * through proctab__parent, which never names a parent that exited or a reused pid), the cwd, the
 * thread counts, scheduler sums, fd counts and the cgroups a task is in. Names and meanings are
 * sysdig's (libsinsp's sinsp_filter_check_thread); where scry differs, the row's text says how.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fields_proc.h"
#include "scry/state.h"
#include "internal.h"

#define U(val) (v->type = FT_U64, v->u = (val), true)
#define S(val) (v->type = FT_S64, v->s = (val), true)

/* Ancestors are walked at most this far (sysdig's own bound on a parent walk is similar). */
#define ANCESTRY_MAX 64


static bool sbuf_val(struct field_val *v, struct sbuf *b)
{
	return str_val(v, b->buf, b->len);
}

/* The n-th ancestor: 0 the process itself, 1 its parent... NULL past the known ones. */
const struct scry_proc *proc_ancestor(const struct scry_proc *p, int64_t n)
{
	if (n < 0 || n > ANCESTRY_MAX)
		return NULL;
	for (; p && n > 0; n--)
		p = proctab__parent(p);
	return p;
}

static const struct scry_proc *parent_of(const struct scry_event *ev)
{
	return ev->proc ? proctab__parent(ev->proc) : NULL;
}

bool get_proc_pname(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_proc *q = parent_of(ev);

	return q && str_val(v, q->comm, strnlen(q->comm, SCRY_COMM_LEN));
}

bool get_proc_pcmdline(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_proc *q = parent_of(ev);

	if (!q)
		return false;
	proc_cmdline(q, b);
	return sbuf_val(v, b);
}

bool get_proc_ppid_duration(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_proc *q = parent_of(ev);

	return q && q->start_ts && ev->ts >= q->start_ts && U(ev->ts - q->start_ts);
}

/* The pid of the oldest process among itself and its ancestors whose name ends in "sh". */
bool get_proc_loginshellid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_proc *p = ev->proc;
	int64_t found = -1;
	int i;

	for (i = 0; p && i <= ANCESTRY_MAX; i++, p = proctab__parent(p)) {
		size_t n = strnlen(p->comm, SCRY_COMM_LEN);

		if (n >= 2 && p->comm[n - 2] == 's' && p->comm[n - 1] == 'h')
			found = p->pid;
	}
	return found >= 0 && S(found);
}

bool get_proc_cwd(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->proc && ev->proc->cwd && str_val(v, ev->proc->cwd, strlen(ev->proc->cwd));
}

bool get_proc_duration(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_proc *p = ev->proc;

	return p && p->start_ts && ev->ts >= p->start_ts && U(ev->ts - p->start_ts);
}

bool get_proc_nthreads(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->proc && U(ev->proc->nthreads);
}

/* sysdig's meaning: the live threads that are not the main one. */
bool get_proc_nchilds(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_thread *mt;
	uint32_t n;

	if (!ev->proc)
		return false;
	n = ev->proc->nthreads;
	mt = proctab__main_thread(ev->proc);
	if (mt && !mt->dead && n)
		n--;
	return U(n);
}

/* argv as it was exec'd, space-separated: proc.exe then proc.args. */
bool get_proc_exeline(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_proc *p = ev->proc;

	if (!p)
		return false;
	sbuf__join(b, p->args, p->args_len, ' ');
	return sbuf_val(v, b);
}

bool get_proc_fdopencount(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->proc && ev->proc->fds && U(fdtab__count(ev->proc));
}

bool get_thread_ismain(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return U(ev->rec->h.tid == ev->rec->h.pid);
}

/* A switch's: the on-CPU time of the slice that just ended (evt.runtime). */
bool get_thread_exectime(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->type == SCRY_REC_SWITCH && U(ev->runtime_ns);
}

bool get_thread_totexectime(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->type == SCRY_REC_SWITCH && ev->thread && U(ev->thread->cpu_ns);
}

/* thread.cpu*: the share of one CPU in the second before the event's (src/state/cpushare.c). */
static bool thread_cpu(const struct scry_event *ev, struct field_val *v, int which)
{
	unsigned int pct[3];

	return ev->thread && ev->proc && ev->proc->tab &&
	       cpushare__get(ev->thread, ev->ts, proctab__first_ts(ev->proc->tab), pct) &&
	       U(pct[which]);
}

bool get_thread_cpu(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return thread_cpu(ev, v, 0);
}

bool get_thread_cpu_user(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return thread_cpu(ev, v, 1);
}

bool get_thread_cpu_system(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return thread_cpu(ev, v, 2);
}

bool get_thread_pfmajor(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->thread && U(ev->thread->maj_flt_base + ev->thread->sched.maj_flt);
}

bool get_thread_pfminor(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->thread && U(ev->thread->min_flt_base + ev->thread->sched.min_flt);
}

/* proc.aname[N]: the N-th ancestor's name (0 the process itself); bare in a filter, any. */
bool get_proc_aname(const struct scry_event *ev, const struct field_arg *a, struct field_val *v,
		    struct sbuf *b)
{
	const struct scry_proc *q = ev->proc ? proc_ancestor(ev->proc, a->idx) : NULL;

	return q && str_val(v, q->comm, strnlen(q->comm, SCRY_COMM_LEN));
}

bool get_proc_apid(const struct scry_event *ev, const struct field_arg *a, struct field_val *v,
		   struct sbuf *b)
{
	const struct scry_proc *q = ev->proc ? proc_ancestor(ev->proc, a->idx) : NULL;

	return q && U(q->pid);
}

/*
 * proc.env: the environment as "NAME=value NAME2=value2"; proc.env[NAME]: NAME's value. Only
 * when asked for (the command line names proc.env) and SCRY_ENV_MAX bytes of it at most.
 */
bool get_proc_env(const struct scry_event *ev, const struct field_arg *a, struct field_val *v,
		  struct sbuf *b)
{
	const struct scry_proc *p = ev->proc;
	const char *s, *end;
	size_t klen;

	if (!p || !p->env_len)
		return false;
	if (!a->key) {
		sbuf__join(b, p->env, p->env_len, ' ');
		return sbuf_val(v, b);
	}
	klen = strlen(a->key);
	for (s = p->env, end = p->env + p->env_len; s < end; s += strnlen(s, end - s) + 1) {
		size_t n = strnlen(s, end - s);

		if (n > klen && s[klen] == '=' && !memcmp(s, a->key, klen))
			return str_val(v, s + klen + 1, n - klen - 1);
	}
	return false;
}

/* --- cgroups: read from procfs when asked (a replay: the capture's) ------------------------------------- */

/*
 * Each controller the task's cgroups name, with its path, in the order of its cgroup file:
 * `fn` is called for each (controller, path) pair; it returns true to stop.
 */
static bool cgroups_each(const struct scry_event *ev, char *buf, size_t len,
			 bool (*fn)(void *ctx, const char *ctrl, size_t clen, const char *path,
				    size_t plen),
			 void *ctx)
{
	const char *text = ev->proc ? cgtext__of(ev->proc, ev->rec->h.pid, ev->rec->h.tid,
						 ev->rec->h.cgid) : NULL;
	char v2[256];
	char *line, *next;

	if (!text)
		return false;
	snprintf(buf, len, "%s", text);
	for (line = buf; line && *line; line = next) {
		char *c, *p, *ctl, *end;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		c = strchr(line, ':');
		p = c ? strchr(c + 1, ':') : NULL;
		if (!p)
			continue;
		c++;
		p++;
		if (c == p - 1) {	/* "0::/path": cgroup2, its controllers named at its root */
			if (!cgtext__v2_controllers(v2, sizeof(v2)))
				continue;
			c = v2;
			p[-1] = '\0';
		} else {
			p[-1] = '\0';
		}
		for (ctl = c; *ctl; ctl = *end ? end + 1 : end) {
			end = ctl + strcspn(ctl, c == v2 ? " " : ",");
			if (end > ctl && fn(ctx, ctl, end - ctl, p, strlen(p)))
				return true;
		}
	}
	return true;
}

struct cg_all {
	struct sbuf *b;
};

static bool cg_put(void *ctx, const char *ctrl, size_t clen, const char *path, size_t plen)
{
	struct sbuf *b = ((struct cg_all *)ctx)->b;

	if (b->len)
		sbuf__putc(b, ' ');
	sbuf__write(b, ctrl, clen);
	sbuf__putc(b, '=');
	sbuf__write(b, path, plen);
	return false;
}

/* "cpuset=/ cpu=/docker/ID ...": every controller and its cgroup, as sysdig joins them. */
bool get_thread_cgroups(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	char buf[4096];
	struct cg_all a = { b };

	return cgroups_each(ev, buf, sizeof(buf), cg_put, &a) && b->len && sbuf_val(v, b);
}

struct cg_one {
	const char *want;
	struct sbuf *b;
	bool found;
};

static bool cg_match(void *ctx, const char *ctrl, size_t clen, const char *path, size_t plen)
{
	struct cg_one *o = ctx;

	if (strlen(o->want) != clen || memcmp(o->want, ctrl, clen))
		return false;
	sbuf__write(o->b, path, plen);
	o->found = true;
	return true;
}

/* thread.cgroup.CONTROLLER: the task's cgroup in that controller's hierarchy. */
bool get_thread_cgroup(const struct scry_event *ev, const struct field_arg *a,
		       struct field_val *v, struct sbuf *b)
{
	char buf[4096];
	struct cg_one o = { a->key, b, false };

	if (!a->key || !*a->key)
		return false;
	cgroups_each(ev, buf, sizeof(buf), cg_match, &o);
	return o.found && sbuf_val(v, b);
}

/* --- what the fork and exec records say (struct scry_proc_info) ---------------------------- */

/* The event's process info, NULL when no record or seed told it (an older capture). */
static const struct scry_proc_info *info_of(const struct scry_event *ev)
{
	return ev->proc && (ev->proc->info.pi_flags & SCRY_PI_VALID) ? &ev->proc->info : NULL;
}

#define INFO_U64(fn, expr)								\
	bool fn(const struct scry_event *ev, struct field_val *v, struct sbuf *b)	\
	{										\
		const struct scry_proc_info *pi = info_of(ev);				\
											\
		return pi && U(expr);							\
	}
INFO_U64(get_proc_sid, pi->sid)
INFO_U64(get_proc_vpgid, pi->vpgid)
INFO_U64(get_proc_tty, pi->tty)
INFO_U64(get_proc_fdlimit, pi->fdlimit)
INFO_U64(get_proc_is_exe_writable, !!(pi->pi_flags & SCRY_PI_EXE_WRITABLE))
INFO_U64(get_proc_vmsize, pi->vm_size_kb)
INFO_U64(get_proc_vmrss, pi->vm_rss_kb)
INFO_U64(get_proc_vmswap, pi->vm_swap_kb)
/* sysdig's: the process's figure on its main thread, 0 on the others */
INFO_U64(get_thread_vmsize, ev->rec->h.tid == ev->rec->h.pid ? pi->vm_size_kb : 0)
INFO_U64(get_thread_vmrss, ev->rec->h.tid == ev->rec->h.pid ? pi->vm_rss_kb : 0)

/* The audit login uid, -1 when unset (the kernel's UINT32_MAX), as sysdig shows it. */
bool get_user_loginuid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	if (!ev->proc)
		return false;
	return S(ev->proc->loginuid == UINT32_MAX ? -1 : (int64_t)ev->proc->loginuid);
}

/* Open fds as a percentage of the fd limit (sysdig's ratio times 100: scry has no fractions). */
bool get_proc_fdusage(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_proc_info *pi = info_of(ev);

	if (!pi || !pi->fdlimit || !ev->proc->fds)
		return false;
	return U(fdtab__count(ev->proc) * 100 / pi->fdlimit);
}

/*
 * The session leader's name: the process whose pid is the session id, else the eldest
 * ancestor in the same session (the leader exited, or is not in the table).
 */
bool get_proc_sname(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_proc_info *pi = info_of(ev);
	const struct scry_proc *p = ev->proc, *q, *found = NULL;
	int i;

	if (!pi || !pi->sid)
		return false;
	for (i = 0, q = p; q && i <= ANCESTRY_MAX; i++, q = proctab__parent(q)) {
		if (!(q->info.pi_flags & SCRY_PI_VALID) || q->info.sid != pi->sid)
			break;
		found = q;
		if (q->pid == pi->sid)
			break;
	}
	return found && str_val(v, found->comm, strnlen(found->comm, SCRY_COMM_LEN));
}
