/* SPDX-License-Identifier: GPL-2.0 */
/* The capture writer's state, shared by its consumer side (writer.c) and its thread (flush.c). */
#ifndef SCRY_CAPTURE_WRITER_H
#define SCRY_CAPTURE_WRITER_H

#include <pthread.h>
#include <stdatomic.h>

#include "tables.h"
#include "scry/capture.h"

#define BLOCK_RAW	(256u << 10)	/* an event block's payload before compression (default) */
#define BLOCK_RESERVE	(32u << 10)	/* room kept for lifecycle records while behind */
#define POOL_DEFAULT	32		/* event blocks in flight: 9 MiB */
#define STATE_RAW	(1u << 20)	/* snapshot items per block */
#define FLUSH_NS	1000000000ULL	/* a partial block waits at most this long (wall) */
#define LOSS_ITEM_MAX	64
#define DEFAULT_LEVEL	1		/* see docs/benchmarks.md: level 1 keeps up, 6 does not */

struct job {
	struct job *next;
	uint8_t kind;			/* enum cap_block_kind */
	bool pooled;			/* an event block of the pool; else malloc'd with its buffer */
	bool newfile;			/* the writer starts the next file with this job */
	uint64_t file_ts;
	uint8_t *buf;
	size_t len;
	uint32_t nitems;
	uint64_t records, events;	/* event records and the events they stand for */
	uint64_t lost_records, lost_events;	/* loss markers in this block */
	uint64_t first_ts, last_ts;
	struct cap_ctx ctx;
};

struct capture_writer {
	struct capture_writer_opts o;
	const struct run_ctx *run;
	struct cap_tables *tables;
	struct cap_header hdr;		/* template: seq and file_ts change per file */

	/* consumer thread */
	struct job *cur;		/* the event block being filled (NULL only after the end) */
	uint64_t cur_since;		/* mono ns of its first item */
	struct cap_tables_fast fast;
	const union scry_rec *pair;	/* a folded syscall whose enter half was just seen */
	bool pair_written;
	struct scry_rec_fd_seed fd_rec;	/* a next file's fd seeds are made here, one at a time */
	bool started, closed;
	bool published;			/* the first file has its name (-r -w: at the first match) */
	bool discarded;			/* ... never had it: it was removed at the end */
	struct cap_loss loss;		/* dropped since the last loss marker */
	uint64_t file_raw;		/* raw bytes handed over for the current file */
	uint64_t file_since;		/* mono ns when the current file started */
	uint64_t dropped_records, dropped_events;

	/* shared */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_cond_t freed;		/* a pool block came back (waited on when re-recording) */
	struct job *qhead, *qtail;	/* jobs for the writer thread */
	struct job *free;		/* the pool's idle event blocks */
	atomic_uint nfree;
	atomic_uint state_pending;	/* snapshot jobs queued: one rotation at a time */
	bool stop;
	atomic_int err;			/* first write error */
	atomic_bool err_said;		/* ... already explained in a message */
	atomic_uint_fast64_t bytes, raw_bytes, records, events, lost_records, lost_events;
	atomic_uint files;

	/* writer thread */
	pthread_t thread;
	bool thread_ok;
	struct outfile out;		/* the file being written (the consumer makes the first) */
	struct cap_names *names;
	struct cap_zip *zip;
	uint8_t *zbuf;
	size_t zcap;
	uint32_t blk_seq;
	struct cap_end file_end;
	unsigned int pool;
	size_t block_raw;
	struct job *pool_mem;
	uint8_t *pool_buf;
	char *first_name, *last_name;	/* for the summary */
};

/* flush.c: the writer thread's loop. */
void *cap_writer_main(void *arg);

#endif /* SCRY_CAPTURE_WRITER_H */
