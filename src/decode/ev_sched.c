// SPDX-License-Identifier: GPL-2.0
/* Scheduler records: a context switch, and the tick's charge to a task still on its CPU. */
#include "internal.h"

int switch_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	ev->runtime_ns = r->sw.runtime_ns;
	return 1;
}

int cputick_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	ev->runtime_ns = r->tick.runtime_ns;
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

void switch_info(const struct scry_event *ev, struct sbuf *b)
{
	const union scry_rec *r = ev->rec;

	sbuf__puts(b, "next=");
	sbuf__u64(b, r->sw.next_tid);
	sbuf__puts(b, " runtime=");
	sbuf__u64(b, r->sw.runtime_ns);
	sbuf__puts(b, " state=");
	sbuf__putc(b, state_letter(r->sw.prev_state));
}

void cputick_info(const struct scry_event *ev, struct sbuf *b)
{
	sbuf__puts(b, "runtime=");
	sbuf__u64(b, ev->rec->tick.runtime_ns);
}
