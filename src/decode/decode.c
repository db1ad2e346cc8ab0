// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>

#include "scry/decode.h"

/* The ABI must come out the same for clang -target bpf and for this compiler. */
_Static_assert(sizeof(struct scry_hdr) == 48, "scry_hdr layout");
_Static_assert(sizeof(struct scry_rec_sys_enter) == 56, "sys_enter layout");
_Static_assert(SCRY_SYS_EXIT_SHORT == 72, "sys_exit short layout");
_Static_assert(SCRY_SYS_EXIT_ARGS == 120, "sys_exit args layout");
_Static_assert(sizeof(struct scry_rec_fork) == 80, "fork layout");
_Static_assert(SCRY_EXEC_FIXED == 80, "exec layout");
_Static_assert(sizeof(struct scry_rec_exit) == 56, "exit layout");
_Static_assert(sizeof(struct scry_rec_switch) == 72, "switch layout");
_Static_assert(sizeof(struct scry_rec_cputick) == 56, "cputick layout");
_Static_assert(sizeof(struct scry_rec_rename) == 64, "rename layout");
_Static_assert(sizeof(struct scry_rec_exec) <= SCRY_REC_MAX, "exec fits the scratch buffer");
_Static_assert(sizeof(struct scry_rec_sys_exit) <= SCRY_REC_MAX, "exit fits the scratch buffer");

int decode__record(const void *raw, uint32_t size, struct scry_event ev[2])
{
	const union scry_rec *r = raw;
	const struct evt_desc *d;

	if (size < sizeof(struct scry_hdr) || r->h.size != size || r->h.type == SCRY_REC_NONE ||
	    r->h.type >= SCRY_REC__MAX)
		return -EINVAL;
	d = &evt_table[r->h.type];
	if (size < d->min_size || (!d->variable && size != d->min_size))
		return -EINVAL;

	ev->rec = r;
	ev->ts = r->h.ts;
	ev->size = size;
	ev->type = r->h.type;
	ev->dir = '>';
	ev->nr = 0;
	ev->res = 0;
	ev->latency = 0;
	ev->runtime_ns = 0;
	ev->thread = NULL;
	ev->proc = NULL;
	ev->container = NULL;

	switch (r->h.type) {
	case SCRY_REC_SYS_ENTER:
		ev->nr = syscall_native(r->enter.nr);
		break;
	case SCRY_REC_SYS_EXIT:
		ev->dir = '<';
		ev->nr = syscall_native(r->exit.nr);
		ev->res = r->exit.ret;
		if (r->exit.enter_ts > r->h.ts)
			return -EINVAL;
		if (r->exit.nargs > SCRY_NARGS || r->exit.path_len > SCRY_PATH_MAX)
			return -EINVAL;
		if (r->exit.nargs == 0 && r->exit.path_len == 0) {
			if (size != SCRY_SYS_EXIT_SHORT)
				return -EINVAL;
		} else if (size != SCRY_SYS_EXIT_ARGS + r->exit.path_len) {
			return -EINVAL;
		} else if (r->exit.path_len && r->exit.path[r->exit.path_len - 1] != '\0') {
			return -EINVAL;
		}
		break;
	case SCRY_REC_EXEC:
		if (r->exec.exe_len > SCRY_EXE_MAX || r->exec.args_len > SCRY_ARGS_MAX ||
		    size != SCRY_EXEC_FIXED + r->exec.exe_len + r->exec.args_len)
			return -EINVAL;
		break;
	case SCRY_REC_SWITCH:
		ev->runtime_ns = r->sw.runtime_ns;
		break;
	case SCRY_REC_CPUTICK:
		ev->runtime_ns = r->tick.runtime_ns;
		break;
	default:
		break;
	}
	if (ev->type == SCRY_REC_SYS_EXIT && r->exit.enter_ts) {
		/* The folded enter comes first, with its own time; the exit knows its latency. */
		ev[1] = ev[0];
		ev[1].latency = r->h.ts - r->exit.enter_ts;
		ev[0].type = SCRY_REC_SYS_ENTER;
		ev[0].dir = '>';
		ev[0].res = 0;
		ev[0].ts = r->exit.enter_ts;
		return 2;
	}
	return 1;
}
