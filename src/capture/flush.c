// SPDX-License-Identifier: GPL-2.0
/*
 * The capture writer's thread: takes the blocks the consumer queued, compresses them (or stores
 * them when it is behind, rather than lose events), checksums and writes them, and starts the
 * next file of a rotating recording when a block says so: end marker, new name, header. Blocks
 * go back to the pool. A write error stops the writing; what could not be written is counted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "writer.h"

static int write_all(int fd, const struct iovec *iov, int n)
{
	struct iovec v[2];
	ssize_t w;

	memcpy(v, iov, n * sizeof(*v));
	while (n) {
		w = writev(fd, v, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		while (n && (size_t)w >= v[0].iov_len) {
			w -= v[0].iov_len;
			memmove(v, v + 1, --n * sizeof(*v));
		}
		if (n) {
			v[0].iov_base = (char *)v[0].iov_base + w;
			v[0].iov_len -= w;
		}
	}
	return 0;
}

static void fail(struct capture_writer *w, int err)
{
	int zero = 0;

	atomic_compare_exchange_strong(&w->err, &zero, err);
}

static int write_block(struct capture_writer *w, uint8_t kind, const uint8_t *raw, size_t len,
		       uint32_t nitems, uint64_t first_ts, uint64_t last_ts)
{
	struct cap_block_hdr h = {
		.kind = kind, .seq = w->blk_seq++, .nitems = nitems, .raw_len = len,
		.first_ts = first_ts, .last_ts = last_ts,
	};
	struct iovec iov[2] = { { w->zbuf, CAP_BLOCK_HDR } };
	size_t n = 0;
	int err;

	/*
	 * Behind: store rather than deflate, so that a slow compressor does not cost events. A
	 * re-recorded replay is never behind in that sense: its producer waits.
	 */
	if (len && w->zip && (w->o.source || atomic_load(&w->nfree) >= w->pool / 4))
		n = cap_zip__deflate(w->zip, raw, len, w->zbuf + CAP_BLOCK_HDR, w->zcap - CAP_BLOCK_HDR);
	if (n && n < len) {
		h.codec = CAP_CODEC_DEFLATE;
		h.stored_len = n;
		h.payload_crc = cap_crc32(w->zbuf + CAP_BLOCK_HDR, n);
		iov[0].iov_len += n;
	} else {
		h.codec = CAP_CODEC_STORED;
		h.stored_len = len;
		h.payload_crc = cap_crc32(raw, len);
		iov[1].iov_base = (void *)raw;
		iov[1].iov_len = len;
	}
	cap_block_hdr_encode(&h, w->zbuf);
	err = write_all(w->out.fd, iov, iov[1].iov_len ? 2 : 1);
	if (err)
		return err;
	atomic_fetch_add(&w->bytes, CAP_BLOCK_HDR + h.stored_len);
	atomic_fetch_add(&w->raw_bytes, CAP_BLOCK_HDR + len);
	return 0;
}

/* The end marker: a reader that finds it knows the file is whole. */
static int end_file(struct capture_writer *w, bool continues)
{
	struct cap_buf b = {};
	int err;

	w->file_end.continues = continues;
	cap_put_end(&b, &w->file_end);
	err = b.err ? b.err : write_block(w, CAP_BLK_END, b.p, b.len, 1, 0, 0);
	cap_buf__free(&b);
	if (!err && fdatasync(w->out.fd) && errno != EINVAL && errno != EROFS)
		err = -errno;
	return err;
}

/*
 * The next file of a rotating recording, made safely (scry/outfile.h) before the current one
 * ends, so that the current one says truly whether the recording goes on. With -W, the file it
 * takes the place of goes only if it is still the one this recording made.
 */
static int next_file(struct capture_writer *w, unsigned int idx, uint64_t file_ts)
{
	const struct cap_past *past;
	struct outfile next;
	const char *name;
	int err, end_err;

	name = cap_names__get(w->names, idx, (w->hdr.boot_wall + file_ts) / 1000000000ULL);
	past = cap_names__past(w->names, idx);
	err = outfile__create(&next, name);
	if (!err)
		err = outfile__publish(&next, past && !strcmp(past->name, name) ? &past->id : NULL);
	if (err)
		atomic_store(&w->err_said, true);	/* outfile said why */
	if (!err && past && strcmp(past->name, name))
		outfile__remove(past->name, &past->id);
	end_err = end_file(w, !err);
	outfile__close(&w->out);
	if (!err && end_err) {
		/* The recording stops here: the empty file just made is not worth keeping. */
		outfile__remove(next.path, &next.id);
		err = end_err;
	}
	if (err) {
		outfile__close(&next);
		return err;
	}
	w->out = next;
	cap_names__created(w->names, idx, name, &next.id);
	free(w->last_name);
	w->last_name = strdup(name);
	return 0;
}

static int start_file(struct capture_writer *w, uint64_t file_ts)
{
	unsigned int idx = atomic_load(&w->files);
	uint8_t *hb = w->zbuf;
	struct cap_header h = w->hdr;
	size_t n;
	int err;

	if (idx > 0 && (err = next_file(w, idx, file_ts)))
		return err;
	h.seq = idx;
	h.file_ts = file_ts;
	n = cap_header_encode(&h, hb);
	err = write_all(w->out.fd, &(struct iovec){ hb, n }, 1);
	if (err)
		return err;
	atomic_fetch_add(&w->bytes, n);
	atomic_fetch_add(&w->raw_bytes, n);
	w->blk_seq = 0;
	memset(&w->file_end, 0, sizeof(w->file_end));
	atomic_fetch_add(&w->files, 1);
	return 0;
}

/* Snapshot items go out in blocks of about STATE_RAW, cut between items. */
static int write_state(struct capture_writer *w, struct job *j)
{
	size_t off = 0;
	int err = 0;

	while (off < j->len && !err) {
		size_t end = off, span_len;
		uint32_t n = 0;

		while (end < j->len && (end == off || end - off < STATE_RAW)) {
			const uint8_t *body;
			uint8_t tag;
			int span = cap_item_span(j->buf + end, j->len - end, &tag, &body, &span_len);

			if (span < 0)
				return -EINVAL;	/* our own encoding: cannot happen */
			end += span;
			n++;
		}
		err = write_block(w, CAP_BLK_STATE, j->buf + off, end - off, n, 0, 0);
		off = end;
	}
	return err;
}

static void write_job(struct capture_writer *w, struct job *j)
{
	int err = atomic_load(&w->err);

	if (!err && j->newfile)
		err = start_file(w, j->file_ts);
	if (!err) {
		if (j->kind == CAP_BLK_STATE)
			err = write_state(w, j);
		else if (j->len)
			err = write_block(w, j->kind, j->buf, j->len, j->nitems, j->first_ts,
					  j->last_ts);
	}
	if (err) {
		fail(w, err);
		/* What could not be written counts as lost, so the totals stay honest. */
		atomic_fetch_add(&w->lost_records, j->records);
		atomic_fetch_add(&w->lost_events, j->events);
		return;
	}
	w->file_end.records += j->records;
	w->file_end.events += j->events;
	w->file_end.lost_records += j->lost_records;
	w->file_end.lost_events += j->lost_events;
	atomic_fetch_add(&w->records, j->records);
	atomic_fetch_add(&w->events, j->events);
}

static void release(struct capture_writer *w, struct job *j)
{
	if (j->kind == CAP_BLK_STATE)
		atomic_fetch_sub(&w->state_pending, 1);
	if (!j->pooled) {
		free(j->buf);
		free(j);
		return;
	}
	pthread_mutex_lock(&w->lock);
	j->next = w->free;
	w->free = j;
	atomic_fetch_add(&w->nfree, 1);
	pthread_cond_signal(&w->freed);
	pthread_mutex_unlock(&w->lock);
}

void *cap_writer_main(void *arg)
{
	struct capture_writer *w = arg;
	struct job *j;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->qhead && !w->stop)
			pthread_cond_wait(&w->wake, &w->lock);
		j = w->qhead;
		if (j) {
			w->qhead = j->next;
			if (!w->qhead)
				w->qtail = NULL;
		}
		pthread_mutex_unlock(&w->lock);
		if (!j)
			break;
		write_job(w, j);
		release(w, j);
	}
	if (!atomic_load(&w->err) && atomic_load(&w->files)) {
		int err = end_file(w, false);

		if (err)
			fail(w, err);
	}
	return NULL;
}
