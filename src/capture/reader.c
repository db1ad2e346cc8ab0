// SPDX-License-Identifier: GPL-2.0
/*
 * Reading one capture file: the header check, then its blocks one by one. A block whose header
 * or payload fails its CRC is skipped, and after a damaged header the reader scans forward for
 * the next block magic whose header checks out, so one bad byte costs one block. A file that
 * ends inside a block (killed, disk full) reads up to its last complete block. What was lost
 * is said once, in a warning, with the time up to which the file replays.
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
				 "reads format %u): upgrade scry to read it", f->path, f->hdr.major,
				 f->hdr.minor, CAP_MAJOR);
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
	rc = CAP_CRC_OK(le32_at(body + body_len), crc) ?
	     cap_header_body_decode(body, body_len, &f->hdr) : -EBADMSG;
	free(body);
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

	if (!f) {
		fail_open(NULL, why, CAP_OPEN_SYS, msg, msglen, "out of memory");
		return NULL;
	}
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
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

/* Buffers and the descriptor go when a file is done; rewinding brings them back. */
static void release(struct cap_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
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

const struct cap_damage *cap_file__damage(const struct cap_file *f)
{
	return &f->dmg;
}

void cap_file__rewind(struct cap_file *f, bool quiet)
{
	f->off = f->body_off;
	f->quiet = quiet;
	f->ended = false;
	f->end_reported = false;
	f->next_seq = 0;
	f->cut_records = 0;
	memset(&f->dmg, 0, sizeof(f->dmg));
}

void cap_file__close(struct cap_file *f)
{
	release(f);
}

void cap_fmt_time(const struct cap_header *h, uint64_t ts, char *buf, size_t len)
{
	uint64_t wall = h->boot_wall + ts;
	time_t sec = wall / 1000000000ULL;
	struct tm tm;
	size_t n;

	localtime_r(&sec, &tm);
	n = strftime(buf, len, "%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03llu",
		 (unsigned long long)(wall % 1000000000ULL / 1000000ULL));
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

static void warn_block(struct cap_file *f, const struct cap_block_hdr *h, const char *why)
{
	char t0[32], t1[32];

	f->dmg.damaged_blocks++;
	if (h->kind == CAP_BLK_EVENTS)
		f->dmg.lost_records += h->nitems;
	if (f->quiet)
		return;
	if (h->kind != CAP_BLK_EVENTS) {
		log_warn("%s: block %u (%s) is damaged (%s): skipped", f->path, h->seq,
			 h->kind == CAP_BLK_STATE ? "the process table" :
			 h->kind == CAP_BLK_META ? "container names" : "the end marker", why);
		return;
	}
	cap_fmt_time(&f->hdr, h->first_ts, t0, sizeof(t0));
	cap_fmt_time(&f->hdr, h->last_ts, t1, sizeof(t1));
	log_warn("%s: block %u is damaged (%s): skipped its %u records (%s to %s)", f->path,
		 h->seq, why, h->nitems, t0, t1);
}

/* The payload of an intact block, decompressed; -EBADMSG when it is not what it says. */
static int load_payload(struct cap_file *f, const struct cap_block_hdr *h, uint64_t at,
			struct cap_block *b)
{
	ssize_t n;

	if (grow(&f->stored, &f->stored_cap, h->stored_len ? h->stored_len : 1))
		return -ENOMEM;
	n = read_at(f, at, f->stored, h->stored_len);
	if (n < 0)
		return n;
	if ((size_t)n < h->stored_len)
		return -ENODATA;
	if (!CAP_CRC_OK(h->payload_crc, cap_crc32(f->stored, h->stored_len))) {
		warn_block(f, h, "checksum mismatch");
		return -EBADMSG;
	}
	if (h->codec == CAP_CODEC_STORED) {
		b->raw = f->stored;
		b->len = h->stored_len;
		return 0;
	}
	if (h->codec != CAP_CODEC_DEFLATE) {
		warn_block(f, h, "unknown compression");
		return -EBADMSG;
	}
	if (!f->zip && !(f->zip = cap_zip__new(0)))
		return -ENOMEM;
	if (grow(&f->raw, &f->raw_cap, h->raw_len ? h->raw_len : 1))
		return -ENOMEM;
	if (cap_zip__inflate(f->zip, f->stored, h->stored_len, f->raw, h->raw_len)) {
		warn_block(f, h, "its compressed data does not inflate");
		return -EBADMSG;
	}
	b->raw = f->raw;
	b->len = h->raw_len;
	return 0;
}

static int open_lazily(struct cap_file *f)
{
	if (f->mem || f->fd >= 0)
		return 0;
	f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		log_err("cannot open %s: %s", f->path, strerror(errno));
		return -errno;
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
	if (b->len && cap_item_span(b->raw, b->len, &tag, &body, &blen) > 0 &&
	    tag == CAP_TAG_END)
		cap_get_end(body, blen, &f->dmg.end);
}

/* A damaged stretch from `from`: skip to the next intact block and say so. */
static int skip_damage(struct cap_file *f, uint64_t from)
{
	uint64_t next;
	int err = resync(f, from + 1, &next);

	if (err)
		return err;
	f->dmg.lost_bytes += next - from;
	if (next < f->size) {
		f->dmg.damaged_blocks++;
		if (!f->quiet)
			log_warn("%s: %llu damaged bytes at offset %llu skipped; reading resumes at "
				 "the next intact block", f->path, (unsigned long long)(next - from),
				 (unsigned long long)from);
	} else {
		f->dmg.cut = true;	/* no intact block after it: reported as the file's end */
	}
	f->off = next;
	return 0;
}

int cap_file__next_block(struct cap_file *f, struct cap_block *b, bool skip_events)
{
	uint8_t hb[CAP_BLOCK_HDR];
	struct cap_block_hdr *h = &b->h;
	ssize_t n;
	int rc;

	if ((rc = open_lazily(f)))
		return rc;
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
		b->lost_blocks = h->seq > f->next_seq ? h->seq - f->next_seq : 0;
		f->next_seq = h->seq + 1;
		f->off = end;
		if (rc == -E2BIG) {
			warn_block(f, h, "larger than this scry reads");
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
	return 0;
}

void cap_file__report_end(struct cap_file *f)
{
	char t[32];

	if (f->end_reported || f->quiet || f->dmg.clean_end)
		return;
	f->end_reported = true;
	cap_fmt_time(&f->hdr, f->dmg.last_ts ? f->dmg.last_ts : f->hdr.file_ts, t, sizeof(t));
	if (f->cut_records)
		log_warn("%s was cut short (the recording was killed or its disk filled): it replays "
			 "up to %s; its last block of %llu records (%llu bytes) is incomplete and "
			 "was lost", f->path, t, (unsigned long long)f->cut_records,
			 (unsigned long long)f->dmg.lost_bytes);
	else if (f->dmg.cut)
		log_warn("%s was cut short (the recording was killed or its disk filled): it replays "
			 "up to %s; the last %llu bytes hold no complete block and were lost",
			 f->path, t, (unsigned long long)f->dmg.lost_bytes);
	else
		log_warn("%s ends without its end marker (the recording was killed or its disk "
			 "filled): it replays up to %s; events not yet written then were lost",
			 f->path, t);
}
