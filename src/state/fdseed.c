// SPDX-License-Identifier: GPL-2.0
/* The fds open when scry started, as fd seed records: see scry/state.h. */
#include "scry/state.h"

bool fd_seed_of(const struct scry_proc *p, const struct scry_fd *f, uint64_t ts,
		struct scry_rec_fd_seed *r)
{
	return false;
}
