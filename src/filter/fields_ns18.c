// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (ns18)'s fields: zombies (the pipeline's zombie table, src/state/zombies.c) and
 * processes that entered a container from outside (src/state/nstab.c).
 */
#include <stdio.h>

#include "scry/state.h"
#include "scry/util.h"
#include "internal.h"
#include "fields_ns18.h"

#define U(val) (v->type = FT_U64, v->u = (val), true)

/* 1: the process entered the event's container from outside its cgroup (nsenter). */
bool get_ctr_entered(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	(void)b;
	return U(ev->entered);
}

/* Its exited children that it has not reaped. */
bool get_proc_zombies(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	(void)b;
	return ev->proc && U(zombietab__children(zombietab_current, ev->proc->pid));
}

/* The container's zombies (the host's: its cgroups' that are no container's). */
bool get_ctr_zombies(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	(void)b;
	return U(zombietab__of_container(zombietab_current, ev->container));
}

/* The zombie the event's process is, or NULL (a live process, or no table). */
static const struct zombie *zombie_of(const struct scry_event *ev)
{
	return ev->proc ? zombietab__find(zombietab_current, ev->proc->pid) : NULL;
}

bool get_zombie_vpid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct zombie *z = zombie_of(ev);

	(void)b;
	return z && z->vpid && U(z->vpid);
}

bool get_zombie_parent_vpid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct zombie *z = zombie_of(ev);

	(void)b;
	return z && z->parent_vpid && U(z->parent_vpid);
}

/* Known only for a zombie whose exit scry saw (not one found in /proc at start). */
bool get_zombie_age_ns(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct zombie *z = zombie_of(ev);

	(void)b;
	return z && z->exit_ts && ev->ts >= z->exit_ts && U(ev->ts - z->exit_ts);
}

/* "12.3s"; ">12.3s" for one found at start: at least since then. */
bool get_zombie_age(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct zombie *z = zombie_of(ev);
	uint64_t since;
	size_t at;
	char t[32];
	int n;

	if (!z)
		return false;
	since = z->exit_ts ? z->exit_ts : z->seen_ts;
	n = snprintf(t, sizeof(t), "%s%.1fs", z->exit_ts ? "" : ">",
		     ev->ts > since ? (ev->ts - since) / 1e9 : 0.0);
	at = b->len;
	sbuf__write(b, t, n);
	return str_val(v, b->buf + at, b->len - at);
}

bool get_zombie_exit_code(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct zombie *z = zombie_of(ev);

	(void)b;
	if (!z || !z->exit_ts)
		return false;
	v->type = FT_S64;
	v->s = z->exit_code;
	return true;
}
