// SPDX-License-Identifier: GPL-2.0
/*
 * sig.*: issue 18's signal fields (signalgenerate, signaldeliver). The event's own proc.*,
 * thread.* and container.* are the target's (the record's header); sig.sender.* is the task
 * that sent it, sig.target.* repeats the target under a name that says so, for views and -j.
 */
#include "scry/container.h"
#include "scry/decode.h"
#include "internal.h"
#include "fields_sig.h"

#define U(val) (v->type = FT_U64, v->u = (val), true)

static bool is_sig(const struct scry_event *ev)
{
	return evt_table[ev->type].category == EVC_SIGNAL;
}

static bool name_val(struct field_val *v, const char *s)
{
	return s && cstr(v, s);
}

#define SIG_GETTER(n) bool get_sig_##n(const struct scry_event *ev, struct field_val *v, \
				       struct sbuf *b)

SIG_GETTER(num)
{
	return is_sig(ev) && U(ev->rec->sig.sig);
}

SIG_GETTER(name)
{
	return is_sig(ev) && name_val(v, sig_name(ev->rec->sig.sig));
}

SIG_GETTER(code)
{
	const char *n;

	if (!is_sig(ev))
		return false;
	n = sig_code_name(ev->rec->sig.sig, ev->rec->sig.code);
	if (n)
		return cstr(v, n);
	sbuf__s64(b, ev->rec->sig.code);
	return str_val(v, b->buf, b->len);
}

SIG_GETTER(result)
{
	return is_sig(ev) && cstr(v, sig_result(ev));
}

SIG_GETTER(action)
{
	return is_sig(ev) && cstr(v, sig_action(ev));
}

SIG_GETTER(default)
{
	return is_sig(ev) && name_val(v, sig_default(ev->rec->sig.sig));
}

SIG_GETTER(blocked)
{
	return is_sig(ev) && U(!!(ev->rec->sig.sig_flags & SCRY_SIG_BLOCKED));
}

SIG_GETTER(sender_kind)
{
	return is_sig(ev) && cstr(v, sig_sender_kind(ev));
}

SIG_GETTER(sender_pid)
{
	const struct scry_peer *p = evt_peer(ev);

	return p && U(p->pid);
}

SIG_GETTER(sender_tid)
{
	const struct scry_peer *p = evt_peer(ev);

	return p && U(p->tid);
}

SIG_GETTER(sender_vpid)
{
	const struct scry_peer *p = evt_peer(ev);

	return p && U(p->vpid);
}

SIG_GETTER(sender_name)
{
	const struct scry_peer *p = evt_peer(ev);

	return p && str_val(v, p->comm, strnlen(p->comm, SCRY_COMM_LEN));
}

/* A sender that is a process: its container ("host" outside one); none for the kernel. */
SIG_GETTER(sender_ctr_id)
{
	return evt_peer(ev) && cstr(v, ev->peer_container ? ev->peer_container->short_id : "host");
}

SIG_GETTER(sender_ctr_name)
{
	return evt_peer(ev) &&
	       cstr(v, ev->peer_container ? ctr_name(ev->peer_container) : "host");
}

/* "runc(4242)", "kernel", "timer": who sent it, in one column. */
SIG_GETTER(sender)
{
	const struct scry_peer *p = evt_peer(ev);

	if (!is_sig(ev))
		return false;
	if (!p && ev->rec->sig.info_pid && !strcmp(sig_sender_kind(ev), "process")) {
		/* a deliver whose generate was not seen: the siginfo's pid, the target's number */
		sbuf__puts(b, "vpid ");
		sbuf__u64(b, ev->rec->sig.info_pid);
		return str_val(v, b->buf, b->len);
	}
	if (!p)
		return cstr(v, sig_sender_kind(ev));
	sbuf__write(b, p->comm, strnlen(p->comm, SCRY_COMM_LEN));
	sbuf__putc(b, '(');
	sbuf__u64(b, p->pid);
	sbuf__putc(b, ')');
	return str_val(v, b->buf, b->len);
}

SIG_GETTER(target_pid)
{
	return is_sig(ev) && U(ev->rec->h.pid);
}

SIG_GETTER(target_tid)
{
	return is_sig(ev) && U(ev->rec->h.tid);
}

SIG_GETTER(target_vpid)
{
	return is_sig(ev) && U(ev->rec->sig.target_vpid);
}

SIG_GETTER(target_name)
{
	return is_sig(ev) && str_val(v, ev->rec->h.comm, strnlen(ev->rec->h.comm, SCRY_COMM_LEN));
}

SIG_GETTER(target_ctr_id)
{
	return is_sig(ev) && cstr(v, ev->container ? ev->container->short_id : "host");
}

SIG_GETTER(target_ctr_name)
{
	return is_sig(ev) && cstr(v, ev->container ? ctr_name(ev->container) : "host");
}

/* "sleep(5151) vpid 1": the target, with its pid inside its namespace. */
SIG_GETTER(target)
{
	const struct scry_rec_signal *s = &ev->rec->sig;

	if (!is_sig(ev))
		return false;
	sbuf__write(b, s->h.comm, strnlen(s->h.comm, SCRY_COMM_LEN));
	sbuf__putc(b, '(');
	sbuf__u64(b, s->h.pid);
	sbuf__putc(b, ')');
	if (s->target_vpid != s->h.pid) {
		sbuf__puts(b, s->target_vpid == 1 ? " PID1" : " vpid ");
		if (s->target_vpid != 1)
			sbuf__u64(b, s->target_vpid);
	}
	return str_val(v, b->buf, b->len);
}

SIG_GETTER(target_is_init)
{
	return is_sig(ev) && U(!!(ev->rec->sig.sig_flags & SCRY_SIG_INIT));
}

SIG_GETTER(init_ignored)
{
	return is_sig(ev) && U(sig_init_ignored(ev));
}

/* Empty for every other signal: a column of spy_signals, where "<NA>" would say too much. */
SIG_GETTER(trap)
{
	return is_sig(ev) && cstr(v, sig_trap(ev) ? sig_trap(ev) : "");
}
