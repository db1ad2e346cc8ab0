/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reorder stage of a live pipeline: records reach userspace per CPU, in batches, in the
 * order the batches entered the ring, so records of different CPUs arrive out of time order (by
 * up to a tick and the consumer's poll period). They wait here, copied out of the ring, until
 * every record older than them has arrived, and leave in event-time order.
 *
 * The key of a record is the time of its first event (a folded syscall exit's enter); one whose
 * events straddle another record (an event of another CPU between a folded enter and its exit)
 * leaves as two records, its enter on its own, so that even the events are in order.
 */
#ifndef SCRY_SINK_REORDER_H
#define SCRY_SINK_REORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scry/decode.h"
#include "scry/sink.h"

struct reorder;

/* The time of a record's first event: a folded syscall's enter, else the record's time. */
static inline uint64_t rec_first_ts(const void *raw, uint32_t size)
{
	const union scry_rec *r = raw;

	if (r->h.type == SCRY_REC_SYS_EXIT && size >= SCRY_SYS_EXIT_SHORT && r->exit.enter_ts &&
	    r->exit.enter_ts <= r->h.ts)
		return r->exit.enter_ts;
	return r->h.ts;
}

struct reorder *reorder__new(unsigned int ncpus);
void reorder__free(struct reorder *ro);
/*
 * Copy a (valid, decodable) record in, with a tag that leaves with it (the pipeline's: the
 * record's container); 0 or -ENOMEM (the caller delivers it at once).
 */
int reorder__push_tagged(struct reorder *ro, const void *rec, uint32_t size, void *tag);
static inline int reorder__push(struct reorder *ro, const void *rec, uint32_t size)
{
	return reorder__push_tagged(ro, rec, size, NULL);
}
/*
 * The oldest record all of whose events happened at or before `upto`: 1 and the record (valid
 * until the next pop), 0 if there is none.
 */
int reorder__pop(struct reorder *ro, uint64_t upto, const void **rec, uint32_t *size);
/* The tag of the record reorder__pop handed out last (both halves of a split one carry it). */
void *reorder__popped_tag(const struct reorder *ro);
void reorder__stats(const struct reorder *ro, struct reorder_stats *st);

#endif /* SCRY_SINK_REORDER_H */
