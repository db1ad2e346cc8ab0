// SPDX-License-Identifier: GPL-2.0
/*
 * The part of a filter the kernel can judge (scry/filter.h, struct pushdown). Userspace stays the
 * exact judge of every event that reaches it; the kernel only drops syscall events that cannot
 * match, so what is pushed down must be a necessary condition of the whole filter, never more.
 *
 * One method serves every part: the filter is evaluated in three-valued logic (true, false,
 * unknown) with only one domain's fields known, those of a made-up event:
 *   - the call: evt.type, evt.dir, evt.failed, evt.category (and the kinds of call: evt.is_io,
 *     evt.is_wait...) of an enter or exit record of each syscall number, decoded by the real
 *     decoder (a bit per number and direction);
 *   - the container: container.* and k8s.* of one container (judged per cgroup as containers
 *     appear, in the consumer: filter__may_match_container);
 *   - the process: proc.pid, when every check of it is =, != or in.
 * A check of any other field is unknown; `and`, `or` and `not` follow Kleene's tables. Where the
 * result is false, no event of that call, container or process can match, whatever the other
 * fields hold; negations and `or` across domains come out unknown, and so are not pushed down.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scry/container.h"

enum tv { TV_F = 0, TV_T = 1, TV_U = 2 };

typedef bool (*known_fn)(const struct field_desc *f);

static enum tv eval3(const struct node *n, known_fn known, const struct scry_event *ev,
		     struct sbuf_mem *scratch)
{
	enum tv r, acc, absorb;
	size_t i;

	switch (n->kind) {
	case N_CHECK:
		if (!known(n->field))
			return TV_U;
		return node__eval(n, ev, scratch) ? TV_T : TV_F;
	case N_NOT:
		r = eval3(n->kids[0], known, ev, scratch);
		return r == TV_U ? TV_U : r == TV_T ? TV_F : TV_T;
	case N_AND:
	case N_OR:
		/* and: false wins, then unknown, else true; or: the same with true and false swapped */
		absorb = n->kind == N_AND ? TV_F : TV_T;
		acc = n->kind == N_AND ? TV_T : TV_F;
		for (i = 0; i < n->nkids; i++) {
			r = eval3(n->kids[i], known, ev, scratch);
			if (r == absorb)
				return r;
			if (r == TV_U)
				acc = TV_U;
		}
		return acc;
	default:
		return TV_T;
	}
}

static bool prefixed(const char *name, const char *prefix)
{
	return !strncmp(name, prefix, strlen(prefix));
}

/*
 * Fields whose value a syscall record's type, number and whether it failed decide (what the
 * made-up records vary), and nothing else: the kinds of call are the number's, the error
 * counter is evt.failed's twin. A field with an argument is a different name: never here.
 */
static bool call_field(const struct field_desc *f)
{
	static const char *const names[] = {
		"evt.type", "evt.dir", "evt.failed", "evt.category",
		"evt.is_io", "evt.is_io_read", "evt.is_io_write", "evt.is_wait", "evt.count.exit",
		"evt.count.error",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(f->name, names[i]))
			return true;
	return false;
}

/*
 * Fields an event's container alone decides (their getters read ev->container only). Not
 * container.entered nor container.zombies: the process's namespaces and the zombie table say.
 */
static bool ctr_field(const struct field_desc *f)
{
	if (!strcmp(f->name, "container.entered") || !strcmp(f->name, "container.zombies"))
		return false;
	return prefixed(f->name, "container.") || prefixed(f->name, "k8s.");
}

static bool pid_field(const struct field_desc *f)
{
	return !strcmp(f->name, "proc.pid");
}

static bool uses(const struct node *n, known_fn known)
{
	size_t i;

	if (n->kind == N_CHECK)
		return known(n->field);
	for (i = 0; i < n->nkids; i++)
		if (uses(n->kids[i], known))
			return true;
	return false;
}

static void bit_set(uint64_t *map, uint32_t i)
{
	map[i / 64] |= 1ULL << (i % 64);
}

bool pushdown_bit(const uint64_t *map, uint32_t nr)
{
	uint32_t i = nr & (SCRY_PD_NR_BITS - 1);

	return map[i / 64] & (1ULL << (i % 64));
}

/*
 * Whether an event of a made-up record may match: the record is decoded as the consumer would,
 * and every event it gives (a folded exit gives two) is tried. A record the decoder refuses is
 * a number the kernel cannot send as such: kept, to be safe.
 */
static bool record_may_match(const struct filter *f, const void *raw, uint32_t size)
{
	struct scry_event ev[2];
	int n, i;

	n = decode__record(raw, size, ev);
	if (n < 0)
		return true;
	for (i = 0; i < n; i++)
		if (eval3(f->root, call_field, &ev[i], f->scratch) != TV_F)
			return true;
	return false;
}

static bool exit_may_match(const struct filter *f, uint16_t nr, int64_t ret)
{
	struct scry_rec_sys_exit r;

	memset(&r, 0, SCRY_SYS_EXIT_SHORT);
	r.h.type = SCRY_REC_SYS_EXIT;
	r.h.size = SCRY_SYS_EXIT_SHORT;
	r.nr = nr;
	r.ret = ret;
	return record_may_match(f, &r, SCRY_SYS_EXIT_SHORT);
}

/*
 * The calls that change the state the consumer keeps (fd tables, cwds, sockets) reach it from
 * every process, whatever the filter: a filter on one process must name the fds it inherited
 * from another, as it does with everything in userspace. Those that make, copy or close an fd
 * or change the cwd (fdop), and every call whose exit carries its socket's addresses (sock):
 * the fd table learns a socket's ports and peer from a sendto or recvmsg too (fdops.c).
 */
static bool state_call(uint32_t nr)
{
	const struct syscall_desc *d = syscall_desc(syscall_native(nr));

	return d && (d->fdop || d->sock || d->role == SCR_CLIENT || d->role == SCR_SERVER);
}

static void push_calls(const struct filter *f, struct pushdown *pd)
{
	/* Failures: a known errno and one with no name (evt.failed is 0 for it). */
	static const int64_t fails[] = { -1, -4095 };
	struct scry_rec_sys_enter en;
	bool excluded = false;
	uint32_t i, k;

	for (i = 0; i < SCRY_PD_NR_BITS; i++) {
		/* Record numbers: native, then 32-bit ones above SCRY_NR_COMPAT_BASE, and invalid. */
		uint16_t nr = i == SCRY_PD_NR_BITS - 1 ? SCRY_NR_INVALID : i;
		bool in, ok, fail = false;

		if (state_call(nr))
			bit_set(pd->keep, i);
		memset(&en, 0, sizeof(en));
		en.h.type = SCRY_REC_SYS_ENTER;
		en.h.size = sizeof(en);
		en.nr = nr;
		in = record_may_match(f, &en, sizeof(en));
		ok = exit_may_match(f, nr, 0);
		for (k = 0; k < sizeof(fails) / sizeof(fails[0]); k++)
			fail = fail || exit_may_match(f, nr, fails[k]);
		/* An exit carries its folded enter: it goes if either of its events may match. */
		if (in || ok || fail)
			bit_set(pd->enter, i);
		if (in || ok)
			bit_set(pd->exit_ok, i);
		if (in || fail)
			bit_set(pd->exit_fail, i);
		if (!(in && ok && fail) && !pushdown_bit(pd->keep, i))
			excluded = true;
	}
	/*
	 * sys_enter's first test needs no task (its ABI would cost a helper call): a raw number is
	 * kept if its native call or its i386 namesake's number may be; the exact test follows.
	 */
	for (i = 0; i < SCRY_NR_SYSCALLS; i++)
		if (pushdown_bit(pd->enter, i) || pushdown_bit(pd->keep, i) ||
		    pushdown_bit(pd->enter, SCRY_NR_COMPAT_BASE + i) ||
		    pushdown_bit(pd->keep, SCRY_NR_COMPAT_BASE + i))
			bit_set(pd->enter_raw, i);
	/* Numbers from 512 up all test the invalid bit at enter: any of them kept keeps it. */
	for (i = SCRY_NR_SYSCALLS; i < SCRY_NR_COMPAT_BASE; i++)
		if (pushdown_bit(pd->enter, i) || pushdown_bit(pd->keep, i))
			bit_set(pd->enter_raw, SCRY_NR_INVALID & (SCRY_PD_NR_BITS - 1));
	if (pushdown_bit(pd->enter, SCRY_NR_INVALID) || pushdown_bit(pd->keep, SCRY_NR_INVALID))
		bit_set(pd->enter_raw, SCRY_NR_INVALID & (SCRY_PD_NR_BITS - 1));
	if (excluded)
		pd->on |= SCRY_PD_SYS;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The values proc.pid is compared with; false if a check compares otherwise (<, >...). */
static bool pid_values(const struct node *n, uint64_t **v, size_t *nv, size_t *cap)
{
	size_t i;

	if (n->kind == N_CHECK && pid_field(n->field)) {
		if (n->op != OP_EQ && n->op != OP_NE && n->op != OP_IN)
			return false;
		for (i = 0; i < n->nvals; i++) {
			if (*nv == *cap) {
				size_t c = *cap ? 2 * *cap : 16;
				uint64_t *m = realloc(*v, c * sizeof(*m));

				if (!m)
					return false;
				*v = m;
				*cap = c;
			}
			(*v)[(*nv)++] = n->vals[i].u;
		}
		return true;
	}
	for (i = 0; i < n->nkids; i++)
		if (!pid_values(n->kids[i], v, nv, cap))
			return false;
	return true;
}

static enum tv pid_eval(const struct filter *f, uint64_t pid)
{
	struct scry_rec_sys_enter r = { .h.pid = pid };
	struct scry_event ev = { .rec = (const union scry_rec *)&r, .type = SCRY_REC_SYS_ENTER };

	return eval3(f->root, pid_field, &ev, f->scratch);
}

/*
 * Pids: every proc.pid check is an equality, so any pid the filter does not name behaves like
 * every other one it does not name. If such a pid cannot match, only the named ones can.
 */
static void push_pids(const struct filter *f, struct pushdown *pd)
{
	uint64_t *v = NULL, other = 0;
	size_t nv = 0, cap = 0, i;

	if (!uses(f->root, pid_field) || !pid_values(f->root, &v, &nv, &cap) || !nv)
		goto out;
	qsort(v, nv, sizeof(*v), cmp_u64);
	for (i = 0; i < nv && v[i] <= other; i++)
		if (v[i] == other)
			other++;
	if (pid_eval(f, other) != TV_F)
		goto out;
	pd->pids = calloc(nv, sizeof(*pd->pids));
	if (!pd->pids)
		goto out;
	for (i = 0; i < nv; i++) {
		if ((i && v[i] == v[i - 1]) || v[i] > UINT32_MAX || pid_eval(f, v[i]) == TV_F)
			continue;
		pd->pids[pd->npids++] = v[i];
	}
	if (pd->npids <= SCRY_PD_PIDS_MAX)
		pd->on |= SCRY_PD_PID;
out:
	free(v);
}

/*
 * The values (1 << enum tv) the filter can take when the container's checks may come out either
 * way and every other check is unknown: if false is among them, some container can be left out.
 * Each check is taken on its own (a field checked twice is not tied to one value), so this may
 * say "some" where none is: the push-down then judges cgroups and leaves none out, nothing worse.
 */
static unsigned int ctr_values(const struct node *n)
{
	const unsigned int F = 1 << TV_F, T = 1 << TV_T, U = 1 << TV_U;
	bool any_f = false, any_t = false, any_u = false, all_f = true, all_t = true;
	bool all_tu = true, all_fu = true;
	unsigned int v;
	size_t i;

	switch (n->kind) {
	case N_CHECK:
		return ctr_field(n->field) ? F | T : U;
	case N_NOT:
		v = ctr_values(n->kids[0]);
		return (v & U) | (v & F ? T : 0) | (v & T ? F : 0);
	case N_AND:
	case N_OR:
		for (i = 0; i < n->nkids; i++) {
			v = ctr_values(n->kids[i]);
			any_f |= v & F;
			any_t |= v & T;
			any_u |= v & U;
			all_f &= !!(v & F);
			all_t &= !!(v & T);
			all_tu &= !!(v & (T | U));
			all_fu &= !!(v & (F | U));
		}
		if (n->kind == N_AND)	/* false if one is; true if all are; else unknown */
			return (any_f ? F : 0) | (all_t ? T : 0) | (all_tu && any_u ? U : 0);
		return (any_t ? T : 0) | (all_f ? F : 0) | (all_fu && any_u ? U : 0);
	default:
		return T;
	}
}

int filter__pushdown(const struct filter *f, struct pushdown *pd)
{
	memset(pd, 0, sizeof(*pd));
	if (!f)
		return 0;
	push_calls(f, pd);
	push_pids(f, pd);
	if (ctr_values(f->root) & (1 << TV_F))
		pd->on |= SCRY_PD_CGROUP;
	return 0;
}

void pushdown__release(struct pushdown *pd)
{
	free(pd->pids);
	pd->pids = NULL;
	pd->npids = 0;
}

bool filter__may_match_container(const struct filter *f, const struct scry_container *c)
{
	struct scry_rec_sys_enter r = {};
	struct scry_event ev = { .rec = (const union scry_rec *)&r, .type = SCRY_REC_SYS_ENTER,
				 .container = (struct scry_container *)c };

	return !f || eval3(f->root, ctr_field, &ev, f->scratch) != TV_F;
}

static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(buf + *at, *at < len ? len - *at : 0, fmt, ap);
	va_end(ap);
	if (w > 0)
		*at += w;
}

void pushdown__describe(const struct pushdown *pd, char *buf, size_t len)
{
	size_t at = 0, i, can = 0, all = 0;

	if (len)
		buf[0] = '\0';
	if (!pd->on) {
		put(buf, len, &at, "nothing (the filter names no call, container or process alone)");
		return;
	}
	if (pd->on & SCRY_PD_SYS) {
		/* Native calls, those that change no state: the ones the bitmaps decide. */
		for (i = 0; i < SCRY_NR_SYSCALLS; i++)
			if (syscall_desc(i) && !pushdown_bit(pd->keep, i)) {
				all++;
				can += pushdown_bit(pd->enter, i);
			}
		put(buf, len, &at, "syscalls: %zu of %zu can match", can, all);
		for (i = 0, can = 0; i < SCRY_NR_SYSCALLS && can < 8; i++)
			if (syscall_desc(i) && !pushdown_bit(pd->keep, i) && pushdown_bit(pd->enter, i))
				put(buf, len, &at, "%s%s", can++ ? ", " : " (", syscall_name(i));
		put(buf, len, &at, "%s", !can ? "" : i < SCRY_NR_SYSCALLS ? "...)" : ")");
		for (i = 0; i < SCRY_NR_SYSCALLS; i++)
			if (pushdown_bit(pd->enter, i) &&
			    (!pushdown_bit(pd->exit_ok, i) || !pushdown_bit(pd->exit_fail, i)))
				break;
		if (i < SCRY_NR_SYSCALLS)
			put(buf, len, &at, ", by result");
		put(buf, len, &at, "; ");
	}
	if (pd->on & SCRY_PD_PID) {
		put(buf, len, &at, "processes: %zu (", pd->npids);
		for (i = 0; i < pd->npids && i < 8; i++)
			put(buf, len, &at, "%s%u", i ? ", " : "", pd->pids[i]);
		put(buf, len, &at, "%s); ", i < pd->npids ? "..." : "");
	}
	if (pd->on & SCRY_PD_CGROUP)
		put(buf, len, &at, "cgroups: each judged by its container as it appears; ");
	put(buf, len, &at, "calls that change fds, cwds or sockets always pass");
}
