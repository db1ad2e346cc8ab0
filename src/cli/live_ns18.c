// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (ns18): what /proc says at start of zombies and of processes in other namespaces
 * than the host's, as records at the recording's start, through the pipeline like the socket
 * and fd seeds: the tables know them from the first event on, and a capture holds them for its
 * replay. Read after the programs attached: a zombie reaped since, or a process that changed
 * its namespaces, has its record after the seed, which it then corrects.
 */
#include <string.h>
#include <unistd.h>

#include "scry/state.h"
#include "scry/util.h"
#include "run.h"

static int push_zombie(void *ctx, struct scry_rec_zombie *rec)
{
	struct run *r = ctx;

	return pipeline__record(r->pl, rec, rec->h.size);
}

static int push_ns(void *ctx, struct scry_rec_ns *rec)
{
	struct run *r = ctx;

	return pipeline__record(r->pl, rec, rec->h.size);
}

void live_ns18__seed(struct run *r, uint64_t at)
{
	int nz, nn;

	nz = zombie_seed_scan(hostpath__procfs(), getpid(), at, r->procs, push_zombie, r);
	nn = ns_seed_scan(hostpath__procfs(), getpid(), at, r->procs, push_ns, r);
	if (nz < 0 || nn < 0)
		log_warn("cannot read %s for zombies and namespaces (%s): zombies older than scry "
			 "and processes that entered containers before it are not known",
			 hostpath__procfs(), strerror(-(nz < 0 ? nz : nn)));
	log_debug("%d zombies, %d processes outside the host's namespaces at start", nz, nn);
}
