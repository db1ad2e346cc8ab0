// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>

#include "internal.h"

int decode__record(const void *raw, uint32_t size, struct scry_event ev[2])
{
	const union scry_rec *r = raw;
	const struct evt_desc *d;

	if (size < sizeof(struct scry_hdr) || r->h.size != size || r->h.type == SCRY_REC_NONE ||
	    r->h.type >= SCRY_REC__MAX || !evt_table[r->h.type].name)
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
	ev->acct = NULL;
	ev->sum_calls = 0;
	ev->sum_bytes = 0;
	ev->thread = NULL;
	ev->proc = NULL;
	ev->container = NULL;
	ev->sock = NULL;
	ev->peer_container = NULL;
	ev->fd_name_changed = false;
	ev->entered = false;
	ev->quiet = false;

	return d->decode ? d->decode(r, size, ev) : 1;
}
