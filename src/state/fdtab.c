// SPDX-License-Identifier: GPL-2.0
/* Each process's fd table: see scry/state.h. */
#include <stdlib.h>

#include "scry/state.h"
#include "scry/util.h"

/* sysdig's letters and names (libsinsp's fdinfo), char and block devices added. */
static const struct {
	char c;
	const char *name;
} fd_types[SCRY_FDT__MAX] = {
	[SCRY_FDT_UNKNOWN] = { 'o', "unknown" },
	[SCRY_FDT_FILE] = { 'f', "file" },
	[SCRY_FDT_DIR] = { 'd', "directory" },
	[SCRY_FDT_IPV4] = { '4', "ipv4" },
	[SCRY_FDT_IPV6] = { '6', "ipv6" },
	[SCRY_FDT_UNIX] = { 'u', "unix" },
	[SCRY_FDT_PIPE] = { 'p', "pipe" },
	[SCRY_FDT_EVENT] = { 'e', "event" },
	[SCRY_FDT_SIGNALFD] = { 's', "signalfd" },
	[SCRY_FDT_EVENTPOLL] = { 'l', "eventpoll" },
	[SCRY_FDT_INOTIFY] = { 'i', "inotify" },
	[SCRY_FDT_TIMERFD] = { 't', "timerfd" },
	[SCRY_FDT_NETLINK] = { 'n', "netlink" },
	[SCRY_FDT_BPF] = { 'b', "bpf" },
	[SCRY_FDT_USERFAULTFD] = { 'u', "userfaultfd" },
	[SCRY_FDT_IOURING] = { 'r', "io_uring" },
	[SCRY_FDT_MEMFD] = { 'm', "memfd" },
	[SCRY_FDT_PIDFD] = { 'P', "pidfd" },
	[SCRY_FDT_CHR] = { 'f', "char" },
	[SCRY_FDT_BLK] = { 'f', "block" },
	[SCRY_FDT_SOCK] = { 'o', "socket" },
};

char fd_type_char(uint8_t type)
{
	return type < SCRY_FDT__MAX ? fd_types[type].c : '?';
}

const char *fd_type_name(uint8_t type)
{
	return type < SCRY_FDT__MAX ? fd_types[type].name : "unknown";
}

const struct scry_fd *fdtab__get(const struct scry_proc *p, int32_t fd)
{
	return NULL;
}

const struct scry_fd *fdtab__next(const struct fdtab *t, size_t *pos)
{
	return NULL;
}

void fdtab__apply(struct proctab *pt, struct scry_event *ev)
{
}

void fdtab__release(struct scry_proc *p)
{
	free(p->cwd);
	p->cwd = NULL;
}

void fdtab__stats(struct fdtab_stats *st)
{
	*st = (struct fdtab_stats){ 0 };
}
