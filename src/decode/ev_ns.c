// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (ns18): a process reaped (or a zombie found at start), and a process's namespaces.
 * The header is the process; evt.info adds what only the record knows.
 */
#include "internal.h"

void zombie_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct scry_rec_zombie *z = &ev->rec->zombie;

	if (z->kind != SCRY_ZB_SEED) {
		sbuf__puts(b, "reaped");
		return;
	}
	sbuf__puts(b, "zombie ppid=");
	sbuf__u64(b, z->ppid);
	sbuf__puts(b, " vpid=");
	sbuf__u64(b, z->vpid);
	sbuf__puts(b, " parent_vpid=");
	sbuf__u64(b, z->parent_vpid);
}

/* Bookkeeping unless it entered a container from outside (nstab__apply decides). */
int ns_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	(void)r;
	(void)size;
	ev->quiet = true;
	return 1;
}

static const char *const ns_kinds[] = {
	[SCRY_NSK_FORK] = "fork", [SCRY_NSK_EXEC] = "exec", [SCRY_NSK_SEED] = "seed",
};

static const char *const ns_names[SCRY_NS__MAX] = {
	[SCRY_NS_PID] = "pid", [SCRY_NS_MNT] = "mnt", [SCRY_NS_NET] = "net", [SCRY_NS_UTS] = "uts",
	[SCRY_NS_IPC] = "ipc", [SCRY_NS_CGROUP] = "cgroup", [SCRY_NS_USER] = "user",
};

/* how=fork from=PID vpid=N entered=yes pid=4026532301 mnt=... */
void ns_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct scry_rec_ns *r = &ev->rec->ns;
	unsigned int i;

	sbuf__puts(b, "how=");
	sbuf__puts(b, r->kind < ARRAY_SIZE(ns_kinds) ? ns_kinds[r->kind] : "?");
	sbuf__puts(b, " from=");
	sbuf__u64(b, r->parent);
	sbuf__puts(b, " vpid=");
	sbuf__u64(b, r->vpid);
	sbuf__puts(b, ev->entered ? " entered=yes" : " entered=no");
	for (i = 0; i < SCRY_NS__MAX; i++) {
		sbuf__putc(b, ' ');
		sbuf__puts(b, ns_names[i]);
		sbuf__putc(b, '=');
		sbuf__u64(b, r->ns[i]);
	}
}
