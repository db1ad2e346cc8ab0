// SPDX-License-Identifier: GPL-2.0
/*
 * Reading one capture file: the header check, then its blocks one by one. A block whose header
 * or payload fails its CRC is skipped, and after a damaged header the reader scans forward for
 * the next block magic whose header checks out, so one bad byte costs one block. A file that
 * ends inside a block (killed, disk full) reads up to its last complete block; a gap in the
 * blocks' numbers says blocks are missing. Everything a file lost is said once, in one warning
 * when the replay is done with it, with the time up to which it replays.
 *
 * The descriptor is open only while a block is read: a replay of thousands of files holds none
 * between blocks, and a file is reopened only if it is still the one first opened.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "scry/util.h"

#define SCAN_CHUNK (64u << 10)

struct cap_file {
	char *path;
	int fd;			/* -1 while closed, or for an in-memory file */
	dev_t dev;		/* the file first opened: a reopen must find the same one */
	ino_t ino;
	const uint8_t *mem;	/* in-memory file (fuzzing) */
	uint64_t size;		/* what there was to read at open */
	uint64_t body_off;	/* the first block */
	uint64_t off;		/* the next block */
	struct cap_header hdr;
	bool quiet;		/* the pre-scan: damage is reported by the replay pass */
	bool end_reported;
	bool ended;		/* the end marker was read */
	uint32_t next_seq;
	uint8_t *stored, *raw;
	size_t stored_cap, raw_cap;
	struct cap_zip *zip;
	struct cap_damage dmg;
	uint64_t cut_records;	/* records in the incomplete last block, if its header was whole */
	bool reported;		/* its damage was said */
};

static uint32_t le32_at(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static ssize_t read_at(struct cap_file *f, uint64_t off, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	if (off >= f->size)
		return 0;
	if (len > f->size - off)
		len = f->size - off;
	if (f->mem) {
		memcpy(buf, f->mem + off, len);
		return len;
	}
	while (got < len) {
		n = pread(f->fd, (char *)buf + got, len - got, off + got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;	/* shrank since we looked: what is gone reads as cut */
		got += n;
	}
	return got;
}

static int fail_open(struct cap_file *f, enum cap_open_err *why, enum cap_open_err what,
		     char *msg, size_t msglen, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int fail_open(struct cap_file *f, enum cap_open_err *why, enum cap_open_err what,
		     char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	*why = what;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	return -1;
}

static int check_header(struct cap_file *f, enum cap_open_err *why, char *msg, size_t msglen)
{
	uint8_t pre[CAP_PREAMBLE], *body;
	uint32_t body_len, crc;
	ssize_t n = read_at(f, 0, pre, sizeof(pre));
	bool crc_ok;
	int rc;

	if (n < 0)
		return fail_open(f, why, CAP_OPEN_SYS, msg, msglen, "cannot read %s: %s", f->path,
				 strerror(-n));
	if (n == 0)
		return fail_open(f, why, CAP_OPEN_CUT, msg, msglen,
				 "%s is empty: a recording stopped before it wrote anything", f->path);
	if (n < CAP_PREAMBLE) {
		if (memcmp(pre, CAP_MAGIC, n < CAP_MAGIC_LEN ? n : CAP_MAGIC_LEN))
			goto not_capture;
		return fail_open(f, why, CAP_OPEN_CUT, msg, msglen,
				 "%s is cut short inside its header (%zd bytes): nothing to replay",
				 f->path, n);
	}
	rc = cap_preamble_decode(pre, &f->hdr, &body_len);
	if (rc == -EPROTO)
		goto not_capture;
	if (rc == -ERANGE)
		return fail_open(f, why, CAP_OPEN_NEWER, msg, msglen,
				 "%s was written by a newer scry (capture format %u.%u; this scry "
				 "reads formats 1 to %u): upgrade scry to read it", f->path, f->hdr.major,
				 f->hdr.minor, CAP_MAJOR);
	if (rc == -EPROTONOSUPPORT)
		return fail_open(f, why, CAP_OPEN_DAMAGED, msg, msglen,
				 "%s says capture format %u.%u, which no scry writes (formats start at "
				 "1.0): it is damaged, or not a scry capture", f->path, f->hdr.major,
				 f->hdr.minor);
	if (rc == -EMSGSIZE)
		return fail_open(f, why, CAP_OPEN_DAMAGED, msg, msglen,
				 "%s: its header is damaged (it gives its length as %u bytes; a header "
				 "has %u to %u): it cannot be replayed", f->path, body_len,
				 CAP_HDR_BODY_MIN, CAP_HDR_BODY_MAX);
	if (rc)
		goto damaged;
	body = malloc(body_len + 4);
	if (!body)
		return fail_open(f, why, CAP_OPEN_SYS, msg, msglen, "out of memory");
	n = read_at(f, CAP_PREAMBLE, body, body_len + 4);
	if (n < 0) {
		free(body);
		return fail_open(f, why, CAP_OPEN_SYS, msg, msglen, "cannot read %s: %s", f->path,
				 strerror(-n));
	}
	if ((size_t)n < body_len + 4) {
		free(body);
		return fail_open(f, why, CAP_OPEN_CUT, msg, msglen,
				 "%s is cut short inside its header (%zd bytes): nothing to replay",
				 f->path, CAP_PREAMBLE + n);
	}
	crc = cap_crc32_more(cap_crc32(pre, sizeof(pre)), body, body_len);
	crc_ok = CAP_CRC_OK(le32_at(body + body_len), crc);
	rc = crc_ok ? cap_header_body_decode(body, body_len, &f->hdr) : -EBADMSG;
	free(body);
	if (rc == -ERANGE)
		return fail_open(f, why, CAP_OPEN_DAMAGED, msg, msglen,
				 "%s: its header is damaged (its boot time, start or file time lies "
				 "past the year 2116): it cannot be replayed", f->path);
	if (rc && crc_ok)
		return fail_open(f, why, CAP_OPEN_DAMAGED, msg, msglen,
				 "%s: its header is damaged (its strings run past its length): it "
				 "cannot be replayed", f->path);
	if (rc)
		goto damaged;
	f->body_off = f->off = CAP_PREAMBLE + body_len + 4;
	return 0;
not_capture:
	return fail_open(f, why, CAP_OPEN_NOT_CAPTURE, msg, msglen,
			 "%s is not a scry capture file", f->path);
damaged:
	return fail_open(f, why, CAP_OPEN_DAMAGED, msg, msglen,
			 "%s: its header is damaged (checksum mismatch): it cannot be replayed",
			 f->path);
}

static struct cap_file *file_new(const char *path, const uint8_t *mem, size_t len)
{
	struct cap_file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->fd = -1;
	f->mem = mem;
	f->size = len;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		return NULL;
	}
	return f;
}

struct cap_file *cap_file__open(const char *path, enum cap_open_err *why, char *msg,
				size_t msglen)
{
	struct cap_file *f = file_new(path, NULL, 0);
	struct stat st;
	char probe;

	if (!f) {
		fail_open(NULL, why, CAP_OPEN_SYS, msg, msglen, "out of memory");
		return NULL;
	}
	/* Non-blocking: opening a FIFO must not wait for a writer before its type is checked. */
	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (f->fd < 0 || fstat(f->fd, &st)) {
		fail_open(f, why, CAP_OPEN_SYS, msg, msglen, "cannot open %s: %s", path,
			  strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		fail_open(f, why, CAP_OPEN_SYS, msg, msglen, "%s is a directory, not a capture file",
			  path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		/* Blocks are skipped by their length and damage is scanned past: a pipe cannot. */
		fail_open(f, why, CAP_OPEN_SYS, msg, msglen, "%s is not a regular file: a capture is "
			  "read with random access (save it to a file first)", path);
		goto fail;
	}
	f->size = st.st_size;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	/* /proc and /sys files say 0 bytes and have content: not an empty capture. */
	if (!f->size && pread(f->fd, &probe, 1, 0) > 0) {
		fail_open(f, why, CAP_OPEN_NOT_CAPTURE, msg, msglen, "%s has content but no size "
			  "(a /proc or /sys file): it is not a scry capture file", path);
		goto fail;
	}
	if (check_header(f, why, msg, msglen))
		goto fail;
	*why = CAP_OPEN_OK;
	/* Readers of many files keep only the current one open. */
	close(f->fd);
	f->fd = -1;
	return f;
fail:
	cap_file__free(f);
	return NULL;
}

struct cap_file *cap_file__open_mem(const uint8_t *data, size_t len, enum cap_open_err *why,
				    char *msg, size_t msglen)
{
	struct cap_file *f = file_new("<memory>", data, len);

	if (!f) {
		fail_open(NULL, why, CAP_OPEN_SYS, msg, msglen, "out of memory");
		return NULL;
	}
	if (check_header(f, why, msg, msglen)) {
		cap_file__free(f);
		return NULL;
	}
	*why = CAP_OPEN_OK;
	return f;
}

static void close_fd(struct cap_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* Buffers and the descriptor go when a file is done; rewinding brings them back. */
static void release(struct cap_file *f)
{
	close_fd(f);
	free(f->stored);
	free(f->raw);
	f->stored = f->raw = NULL;
	f->stored_cap = f->raw_cap = 0;
	cap_zip__free(f->zip);
	f->zip = NULL;
}

void cap_file__free(struct cap_file *f)
{
	if (!f)
		return;
	release(f);
	free(f->path);
	free(f);
}

const struct cap_header *cap_file__header(const struct cap_file *f)
{
	return &f->hdr;
}

const char *cap_file__path(const struct cap_file *f)
{
	return f->path;
}

struct cap_damage *cap_file__damage(struct cap_file *f)
{
	return &f->dmg;
}

void cap_file__rewind(struct cap_file *f, bool quiet)
{
	f->off = f->body_off;
	f->quiet = quiet;
	f->ended = false;
	f->reported = false;
	f->next_seq = 0;
	f->cut_records = 0;
	memset(&f->dmg, 0, sizeof(f->dmg));
}

void cap_file__close(struct cap_file *f)
{
	release(f);
}

void cap_fmt_time(const struct cap_header *h, uint64_t ts, char *buf)
{
	fmt_wall(buf, h->boot_wall + ts, TIME_HMS_MS);
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *p;

	if (need <= *cap)
		return 0;
	p = realloc(*buf, need);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = need;
	return 0;
}

/*
 * After a damaged block header: the next offset past `from` where an intact block header
 * starts, or the end of the file.
 */
static int resync(struct cap_file *f, uint64_t from, uint64_t *found)
{
	uint8_t *buf = malloc(SCAN_CHUNK + CAP_BLOCK_HDR);
	uint64_t off = from;
	struct cap_block_hdr h;
	ssize_t n = 0, i;
	int rc;

	if (!buf)
		return -ENOMEM;
	for (; off < f->size; off += n > CAP_BLOCK_HDR ? n - CAP_BLOCK_HDR + 1 : n) {
		n = read_at(f, off, buf, SCAN_CHUNK + CAP_BLOCK_HDR);
		if (n <= 0)
			break;
		for (i = 0; i + CAP_BLOCK_HDR <= n; i++) {
			if (buf[i] != 'S' || buf[i + 1] != 'C' || buf[i + 2] != 'B' ||
			    buf[i + 3] != 0xb1)
				continue;
			rc = cap_block_hdr_decode(buf + i, &h);
			if (rc != -EPROTO && rc != -EBADMSG) {
				*found = off + i;
				free(buf);
				return 0;
			}
		}
		if (n < CAP_BLOCK_HDR + 1)
			break;
	}
	free(buf);
	*found = f->size;
	return n < 0 ? (int)n : 0;
}

/* A block whose header is intact and whose content is not: its records are counted lost. */
static void lost_block(struct cap_file *f, const struct cap_block_hdr *h, const char *why)
{
	struct cap_damage *d = &f->dmg;

	if (!d->damaged_blocks)
		d->why = why;
	d->damaged_blocks++;
	if (h->kind != CAP_BLK_EVENTS) {
		d->lost_kinds |= 1u << (h->kind < 32 ? h->kind : 0);
		return;
	}
	d->lost_records += h->nitems;
	if (h->first_ts > h->last_ts || h->last_ts >= CAP_TS_MAX)
		return;	/* its times say nothing */
	if (!d->lost_last || h->first_ts < d->lost_first)
		d->lost_first = h->first_ts;
	if (h->last_ts > d->lost_last)
		d->lost_last = h->last_ts;
}

/*
 * The payload of an intact block, decompressed; -EBADMSG when it is not what it says. The
 * stored bytes go once inflated: an active file holds one decompressed block.
 */
static int load_payload(struct cap_file *f, const struct cap_block_hdr *h, uint64_t at,
			struct cap_block *b)
{
	ssize_t n;
	int rc;

	if (grow(&f->stored, &f->stored_cap, h->stored_len ? h->stored_len : 1))
		return -ENOMEM;
	n = read_at(f, at, f->stored, h->stored_len);
	if (n < 0)
		return n;
	if ((size_t)n < h->stored_len)
		return -ENODATA;
	if (!CAP_CRC_OK(h->payload_crc, cap_crc32(f->stored, h->stored_len))) {
		lost_block(f, h, "checksum mismatch");
		return -EBADMSG;
	}
	if (h->codec == CAP_CODEC_STORED) {
		b->raw = f->stored;
		b->len = h->stored_len;
		return 0;
	}
	if (h->codec != CAP_CODEC_DEFLATE) {
		lost_block(f, h, "unknown compression");
		return -EBADMSG;
	}
	if (!f->zip && !(f->zip = cap_zip__new(0)))
		return -ENOMEM;
	if (grow(&f->raw, &f->raw_cap, h->raw_len ? h->raw_len : 1))
		return -ENOMEM;
	rc = cap_zip__inflate(f->zip, f->stored, h->stored_len, f->raw, h->raw_len);
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		lost_block(f, h, "its compressed data does not inflate");
		return -EBADMSG;
	}
	free(f->stored);
	f->stored = NULL;
	f->stored_cap = 0;
	b->raw = f->raw;
	b->len = h->raw_len;
	return 0;
}

/* Reopened for each block: only if it is still the file that was checked at open. */
static int open_lazily(struct cap_file *f)
{
	struct stat st;

	if (f->mem || f->fd >= 0)
		return 0;
	f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (f->fd < 0) {
		log_err("cannot open %s: %s", f->path, strerror(errno));
		return -errno;
	}
	if (fstat(f->fd, &st) || !S_ISREG(st.st_mode) || st.st_dev != f->dev ||
	    st.st_ino != f->ino) {
		log_err("%s was replaced while it was being replayed: replay a copy that stays put",
			f->path);
		close_fd(f);
		return -ESTALE;
	}
	return 0;
}

static void read_end(struct cap_file *f, const struct cap_block *b)
{
	const uint8_t *body;
	size_t blen;
	uint8_t tag;

	f->ended = true;
	f->dmg.clean_end = true;
	f->dmg.end_ok = b->len && cap_item_span(b->raw, b->len, &tag, &body, &blen) > 0 &&
			tag == CAP_TAG_END && !cap_get_end(body, blen, &f->dmg.end);
	if (!f->dmg.end_ok && !f->dmg.bad_items++)
		f->dmg.bad_why = "its end marker";
}

/* A damaged stretch from `from`: skip to the next intact block. */
static int skip_damage(struct cap_file *f, uint64_t from)
{
	uint64_t next;
	int err = resync(f, from + 1, &next);

	if (err)
		return err;
	f->dmg.lost_bytes += next - from;
	if (next < f->size) {
		f->dmg.damaged_bytes += next - from;
		f->dmg.damaged_blocks++;
	} else {
		f->dmg.cut = true;	/* no intact block after it: reported as the file's end */
	}
	f->off = next;
	return 0;
}

/* The block numbered `seq` comes next: a gap says blocks were lost or cut out. */
static bool in_sequence(struct cap_file *f, const struct cap_block_hdr *h, struct cap_block *b)
{
	struct cap_damage *d = &f->dmg;

	if (h->seq < f->next_seq) {
		lost_block(f, h, "out of sequence");
		return false;
	}
	b->lost_blocks = h->seq - f->next_seq;
	if (b->lost_blocks && !d->missing_blocks) {
		d->gap_first = f->next_seq;
		d->gap_last = h->seq - 1;
	}
	d->missing_blocks += b->lost_blocks;
	f->next_seq = (uint64_t)h->seq + 1;
	return true;
}

static int next_block(struct cap_file *f, struct cap_block *b, bool skip_events)
{
	uint8_t hb[CAP_BLOCK_HDR];
	struct cap_block_hdr *h = &b->h;
	ssize_t n;
	int rc;

	while (!f->ended && f->off < f->size) {
		uint64_t at = f->off, end;

		n = read_at(f, at, hb, sizeof(hb));
		if (n < 0)
			return n;
		if (n < CAP_BLOCK_HDR) {
			f->dmg.cut = true;
			f->dmg.lost_bytes += n;
			f->off = f->size;
			break;
		}
		rc = cap_block_hdr_decode(hb, h);
		if (rc == -EPROTO || rc == -EBADMSG) {
			if ((rc = skip_damage(f, at)))
				return rc;
			continue;
		}
		end = at + CAP_BLOCK_HDR + h->stored_len;
		if (end > f->size) {
			/* The last block was being written when the recording stopped. */
			f->dmg.cut = true;
			f->dmg.lost_bytes += f->size - at;
			if (h->kind == CAP_BLK_EVENTS)
				f->cut_records = h->nitems;
			f->off = f->size;
			break;
		}
		f->off = end;
		if (!in_sequence(f, h, b))
			continue;
		if (rc == -E2BIG) {
			lost_block(f, h, "larger than this scry reads");
			continue;
		}
		if (rc == -ERANGE) {
			lost_block(f, h, "its time range is impossible");
			continue;
		}
		if (h->kind == CAP_BLK_EVENTS && h->last_ts > f->dmg.last_ts)
			f->dmg.last_ts = h->last_ts;
		if (h->kind == CAP_BLK_EVENTS && skip_events) {
			b->raw = NULL;
			b->len = 0;
			return 1;
		}
		if (h->kind < CAP_BLK_EVENTS || h->kind > CAP_BLK_END)
			continue;	/* a newer minor version's block: not ours to read */
		rc = load_payload(f, h, at + CAP_BLOCK_HDR, b);
		if (rc == -EBADMSG)
			continue;
		if (rc == -ENODATA) {
			f->dmg.cut = true;
			f->dmg.lost_bytes += f->size - at;
			f->off = f->size;
			break;
		}
		if (rc)
			return rc;
		if (h->kind == CAP_BLK_END) {
			read_end(f, b);
			break;
		}
		return 1;
	}
	f->dmg.at_end = true;
	return 0;
}

int cap_file__next_block(struct cap_file *f, struct cap_block *b, bool skip_events)
{
	int rc = open_lazily(f);

	if (!rc)
		rc = next_block(f, b, skip_events);
	/*
	 * The block is in memory: no descriptor is held until the next one (the pre-scan reads
	 * one file at a time, through to cap_file__close).
	 */
	if (!f->quiet || rc <= 0)
		close_fd(f);
	return rc;
}

bool cap_damage__any(const struct cap_damage *d)
{
	return d->damaged_blocks || d->missing_blocks || d->bad_items || d->totals_differ ||
	       (d->at_end && (d->cut || !d->clean_end));
}

/* Append one clause of the report: "; " between clauses. */
static void clause(char *buf, size_t cap, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void clause(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*n && *n + 2 < cap) {
		memcpy(buf + *n, "; ", 3);
		*n += 2;
	}
	if (*n >= cap)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *n, cap - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n = *n + k < cap ? *n + k : cap - 1;
}

static const char *s_(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* How the file ended, when the replay reached its end without the end marker. */
static void end_clause(struct cap_file *f, char *buf, size_t cap, size_t *n)
{
	const struct cap_damage *d = &f->dmg;
	char t[32];

	cap_fmt_time(&f->hdr, d->last_ts ? d->last_ts : f->hdr.file_ts, t);
	if (f->cut_records)
		clause(buf, cap, n, "it was cut short (the recording was killed or its disk filled) "
		       "and replays up to %s: its last block of %llu records (%llu bytes) is "
		       "incomplete and was lost", t, (unsigned long long)f->cut_records,
		       (unsigned long long)d->lost_bytes);
	else if (d->cut)
		clause(buf, cap, n, "it was cut short (the recording was killed or its disk filled) "
		       "and replays up to %s: the last %llu bytes hold no complete block and were "
		       "lost", t, (unsigned long long)(d->lost_bytes - d->damaged_bytes));
	else
		clause(buf, cap, n, "it ends without its end marker (the recording was killed or "
		       "its disk filled) and replays up to %s: events not yet written then were "
		       "lost", t);
}

void cap_file__report(struct cap_file *f)
{
	const struct cap_damage *d = &f->dmg;
	char line[1536] = "", t0[32], t1[32];
	size_t n = 0;

	if (f->reported || f->quiet || !cap_damage__any(d))
		return;
	f->reported = true;
	if (d->damaged_blocks) {
		clause(line, sizeof(line), &n, "%llu damaged block%s skipped (%s%s)",
		       (unsigned long long)d->damaged_blocks, s_(d->damaged_blocks),
		       d->why ? d->why : "a damaged block header",
		       d->damaged_blocks > 1 ? ", among others" : "");
		if (d->lost_records && d->lost_last) {
			cap_fmt_time(&f->hdr, d->lost_first, t0);
			cap_fmt_time(&f->hdr, d->lost_last, t1);
			clause(line, sizeof(line), &n, "%llu records between %s and %s were lost",
			       (unsigned long long)d->lost_records, t0, t1);
		} else if (d->lost_records) {
			clause(line, sizeof(line), &n, "%llu records were lost",
			       (unsigned long long)d->lost_records);
		}
		if (d->lost_kinds & (1u << CAP_BLK_STATE))
			clause(line, sizeof(line), &n, "processes that started before it may lack "
			       "their names");
		if (d->lost_kinds & (1u << CAP_BLK_META))
			clause(line, sizeof(line), &n, "containers may be shown by id");
		if (d->damaged_bytes)
			clause(line, sizeof(line), &n, "%llu damaged bytes were passed over",
			       (unsigned long long)d->damaged_bytes);
	}
	if (d->missing_blocks == 1)
		clause(line, sizeof(line), &n, "block %llu is missing (cut out, or lost with damaged "
		       "bytes)", (unsigned long long)d->gap_first);
	else if (d->missing_blocks)
		clause(line, sizeof(line), &n, "%llu blocks are missing (cut out, or lost with "
		       "damaged bytes; the first gap: blocks %llu to %llu)",
		       (unsigned long long)d->missing_blocks, (unsigned long long)d->gap_first,
		       (unsigned long long)d->gap_last);
	if (d->bad_items)
		clause(line, sizeof(line), &n, "%llu item%s refused (%s%s)",
		       (unsigned long long)d->bad_items, d->bad_items == 1 ? " was" : "s were",
		       d->bad_why ? d->bad_why : "", d->bad_items > 1 ? ", among others" : "");
	if (d->skipped_items)
		clause(line, sizeof(line), &n, "the rest of %s (%llu item%s) was skipped",
		       d->bad_items > 1 ? "their blocks" : "its block",
		       (unsigned long long)d->skipped_items, s_(d->skipped_items));
	if (d->totals_differ && d->end.records != d->read_records)
		clause(line, sizeof(line), &n, "its end marker counts %llu records but %llu were "
		       "read: blocks were removed or altered", (unsigned long long)d->end.records,
		       (unsigned long long)d->read_records);
	else if (d->totals_differ && d->end.events != d->read_events)
		clause(line, sizeof(line), &n, "its end marker counts %llu events but %llu were read: "
		       "blocks were altered", (unsigned long long)d->end.events,
		       (unsigned long long)d->read_events);
	else if (d->totals_differ)
		clause(line, sizeof(line), &n, "its end marker counts %llu events dropped by the "
		       "recorder, its loss markers %llu: blocks were removed or altered",
		       (unsigned long long)d->end.lost_events,
		       (unsigned long long)d->read_lost_events);
	if (d->at_end && (d->cut || !d->clean_end))
		end_clause(f, line, sizeof(line), &n);
	log_warn("%s: %s", f->path, line);
}

/* The end marker's totals against what the replay read, once the whole file was read. */
void cap_file__check_totals(struct cap_file *f)
{
	struct cap_damage *d = &f->dmg;

	/* Other damage explains a difference, and was said already. */
	if (!d->clean_end || !d->end_ok || d->damaged_blocks || d->missing_blocks || d->bad_items)
		return;
	if (d->end.records != d->read_records || d->end.lost_events != d->read_lost_events)
		d->totals_differ = true;
	/* A record of an unknown type counted as one event may stand for more, never for fewer. */
	if (d->unknown_records ? d->end.events < d->read_events : d->end.events != d->read_events)
		d->totals_differ = true;
}
