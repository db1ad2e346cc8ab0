// SPDX-License-Identifier: GPL-2.0
/*
 * Memory and hang events: an OOM kill (the header is the victim) and a hung task report (the
 * header is the task). The victim's process and container come from the header, as for any
 * event; evt.info adds what only the record knows.
 */
#include "internal.h"

void oom_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct scry_rec_oom *o = &ev->rec->oom;

	sbuf__puts(b, "victim=");
	sbuf__u64(b, o->h.pid);
	sbuf__puts(b, " rss_kb=");
	sbuf__u64(b, o->rss_kb);
	sbuf__puts(b, " total_vm_kb=");
	sbuf__u64(b, o->total_vm_kb);
	sbuf__puts(b, " oom_score_adj=");
	sbuf__s64(b, o->oom_score_adj);
	sbuf__puts(b, " uid=");
	sbuf__u64(b, o->uid);
	/* The task whose allocation failed: the victim itself, or a neighbour in its cgroup. */
	sbuf__puts(b, " trigger=");
	sbuf__u64(b, o->trigger_pid);
}

void hang_info(const struct scry_event *ev, struct sbuf *b)
{
	uint32_t state = ev->rec->hang.state;

	/* TASK_UNINTERRUPTIBLE (2) is what khungtaskd reports; anything else as a number. */
	sbuf__puts(b, "state=");
	if ((state & 0xff) == 2)
		sbuf__puts(b, "D");
	else
		sbuf__u64(b, state);
}
