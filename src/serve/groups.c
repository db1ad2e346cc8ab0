// SPDX-License-Identifier: GPL-2.0
/*
 * --metrics: the groups of scry serve's metrics, and what each makes the kernel trace. Only the
 * enabled groups' programs are attached (a CPU-only configuration attaches no syscall probes):
 * the groups map to the view needs that pick programs for every view.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scry/serve.h"
#include "scry/util.h"
#include "scry/view.h"

static const struct {
	const char *name;
	uint32_t group;
	uint32_t needs;
} groups[] = {
	{ "cpu", SG_CPU, NEED_SCHED },
	{ "wait", SG_WAIT, NEED_SCHED | NEED_ACCT },
	{ "cgroup", SG_CGROUP, NEED_CGROUP },
	{ "syscalls", SG_SYSCALLS, NEED_SYSCALLS },
	{ "files", SG_FILES, NEED_SYSCALLS },
	{ "net", SG_NET, NEED_NET },
	{ "block", SG_BLOCK, NEED_BLOCK },
	{ "by-syscall", SG_BY_SYSCALL, NEED_SYSCALLS },
	{ "by-process", SG_BY_PROCESS, NEED_SCHED | NEED_SYSCALLS },
};

const char serve_group_names[] =
	"cpu, wait, cgroup, syscalls, files, net, block, by-syscall, by-process";

int serve_groups_parse(const char *list, uint32_t *out, char *bad, size_t len)
{
	const char *p = list;

	*out = 0;
	while (*p) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < ARRAY_SIZE(groups); i++)
			if (strlen(groups[i].name) == n && !strncmp(groups[i].name, p, n))
				break;
		if (i == ARRAY_SIZE(groups)) {
			snprintf(bad, len, "%.*s", (int)n, p);
			return -EINVAL;
		}
		*out |= groups[i].group;
		p += n;
		if (*p == ',')
			p++;
	}
	return *out ? 0 : (snprintf(bad, len, "%s", list), -EINVAL);
}

uint32_t serve_groups_needs(uint32_t g)
{
	uint32_t needs = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(groups); i++)
		if (g & groups[i].group)
			needs |= groups[i].needs;
	return needs;
}
