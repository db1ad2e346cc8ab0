// SPDX-License-Identifier: GPL-2.0
/* Scheduler records: a context switch, and the tick's charge to a task still on its CPU. */
#include "internal.h"

int switch_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	ev->runtime_ns = r->sw.runtime_ns;
	ev->acct = &r->sw.acct;
	return 1;
}

int cputick_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	ev->runtime_ns = r->tick.runtime_ns;
	ev->acct = &r->tick.acct;
	return 1;
}

/* ps(1)'s letter for a task state as sched_switch reports prev's (R: preempted while runnable). */
static char state_letter(uint32_t st)
{
	static const char letters[] = "SDTtXZPX";
	int i;

	if ((st & 0x2) && (st & 0x400))		/* TASK_IDLE = UNINTERRUPTIBLE | NOLOAD */
		return 'I';
	for (i = 0; i < 8; i++)
		if (st & (1u << i))
			return letters[i];
	return 'R';
}

const char *const off_reason_name[SCRY_OFF__MAX] = {
	[SCRY_OFF_NONE] = "", [SCRY_OFF_PREEMPT] = "preempt", [SCRY_OFF_SLEEP] = "sleep",
	[SCRY_OFF_BLOCKED] = "blocked", [SCRY_OFF_STOPPED] = "stopped",
};

/* The scheduler's accounting, where it says something: wait=, off= with its reason, faults. */
static void acct_info(const struct scry_sched_acct *a, struct sbuf *b)
{
	if (a->wait_ns) {
		sbuf__puts(b, " wait=");
		sbuf__u64(b, a->wait_ns);
	}
	if (a->off_ns) {
		sbuf__puts(b, " off=");
		sbuf__u64(b, a->off_ns);
		sbuf__puts(b, " off_reason=");
		sbuf__puts(b, a->off_reason < SCRY_OFF__MAX && a->off_reason ?
			   off_reason_name[a->off_reason] : "?");
	}
	if (a->min_flt) {
		sbuf__puts(b, " min_flt=");
		sbuf__u64(b, a->min_flt);
	}
	if (a->maj_flt) {
		sbuf__puts(b, " maj_flt=");
		sbuf__u64(b, a->maj_flt);
	}
}

void switch_info(const struct scry_event *ev, struct sbuf *b)
{
	const union scry_rec *r = ev->rec;

	sbuf__puts(b, "next=");
	sbuf__u64(b, r->sw.next_tid);
	sbuf__puts(b, " runtime=");
	sbuf__u64(b, r->sw.runtime_ns);
	sbuf__puts(b, " state=");
	sbuf__putc(b, state_letter(r->sw.prev_state));
	acct_info(&r->sw.acct, b);
}

void cputick_info(const struct scry_event *ev, struct sbuf *b)
{
	sbuf__puts(b, "runtime=");
	sbuf__u64(b, ev->rec->tick.runtime_ns);
	acct_info(&ev->rec->tick.acct, b);
}
