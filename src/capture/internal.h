/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The capture format's pieces, shared by the writer, the reader, the unit tests and the fuzzer.
 * docs/capture-format.md is the specification; the constants here must match it.
 */
#ifndef SCRY_CAPTURE_INTERNAL_H
#define SCRY_CAPTURE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scry/container.h"
#include "scry/decode.h"
#include "scry/outfile.h"
#include "scry/state.h"

/*
 * Fuzzing builds accept any CRC, so that mutations reach the code behind the checks (the usual
 * libFuzzer convention); every other build checks them.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define CAP_CRC_OK(want, got) ((void)(want), (void)(got), 1)
#else
#define CAP_CRC_OK(want, got) ((want) == (got))
#endif

/* --- varints: LEB128, 7 bits a byte, low group first; zigzag for signed values ------------ */
static inline uint8_t *put_uv(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)v | 0x80;
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline size_t uv_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* At most 10 bytes; a 10th byte above 1 would overflow 64 bits. */
static inline bool get_uv(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;
	unsigned int shift;

	/* Most values (deltas, counts, small numbers) take one or two bytes. */
	if (end - p >= 2) {
		if (p[0] < 0x80) {
			*out = p[0];
			*pp = p + 1;
			return true;
		}
		if (p[1] < 0x80) {
			*out = (p[0] & 0x7f) | (uint64_t)p[1] << 7;
			*pp = p + 2;
			return true;
		}
	}
	for (shift = 0; p < end && shift < 64; shift += 7) {
		uint8_t b = *p++;

		if (shift == 63 && b > 1)
			return false;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			*pp = p;
			return true;
		}
	}
	return false;
}

static inline uint64_t zz(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzz(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* A struct member of `width` bytes (1, 2, 4 or 8) as an unsigned number, and back. */
static inline uint64_t cap_load_uint(const void *p, size_t width)
{
	switch (width) {
	case 1:
		return *(const uint8_t *)p;
	case 2:
		return *(const uint16_t *)p;
	case 4:
		return *(const uint32_t *)p;
	default:
		return *(const uint64_t *)p;
	}
}

static inline void cap_store_uint(void *p, size_t width, uint64_t v)
{
	switch (width) {
	case 1:
		*(uint8_t *)p = v;
		break;
	case 2:
		*(uint16_t *)p = v;
		break;
	case 4:
		*(uint32_t *)p = v;
		break;
	default:
		*(uint64_t *)p = v;
	}
}

/*
 * --- what a reader accepts -------------------------------------------------------------------
 * Every boot-time ns a reader takes from a file is below CAP_TS_MAX (2^62; 146 years of uptime),
 * so that the sum of two (a time and another boot's offset, a time and an interval) never
 * overflows. The item lengths are the most any scry writes: longer ones are damage.
 */
#define CAP_TS_MAX		(1ULL << 62)
#define CAP_COMM_MAX		(SCRY_COMM_LEN - 1)	/* the kernel's comm: 15 bytes and a NUL */
#define CAP_EXE_MAX		4096	/* a snapshot's executable path (PATH_MAX) */
#define CAP_ARGS_MAX		8192	/* a snapshot's argv: what the process table reads of it */

/*
 * --- limits of a replay ----------------------------------------------------------------------
 * What a replay keeps whatever its files say, so that its memory is bounded (the table is in
 * merge.c and docs/capture-format.md, "Limits of a replay"). Past a limit the rest is not kept,
 * and the reader says so once per limit. Recordings of real hosts stay far below them.
 */
enum cap_limit {
	CAP_LIM_CONTAINERS,	/* containers */
	CAP_LIM_LABELS,		/* labels of one container */
	CAP_LIM_CTR_BYTES,	/* metadata bytes of one container: name, image, pod, labels */
	CAP_LIM_META_BYTES,	/* metadata bytes of all containers */
	CAP_LIM_CTR_CGIDS,	/* cgroup ids of one container */
	CAP_LIM_CGIDS,		/* cgroup ids of all containers */
	CAP_LIM_PROCS,		/* processes in the process table */
	CAP_LIM_THREADS,	/* threads in the process table */
	CAP_LIM_CMD_BYTES,	/* executable paths and command lines of all processes */
	CAP_LIM_MOUNTS,		/* mounts of one container (issue 15) */
	CAP_LIM_USERS,		/* user and group entries of all user databases */
	CAP_LIM_USER_BYTES,	/* bytes of their names, homes and shells */
	CAP_LIM__MAX
};

struct cap_limit_desc {
	uint64_t max;
	const char *what;	/* "labels per container" */
	const char *rest;	/* what becomes of the rest: "are not kept" */
};
extern const struct cap_limit_desc cap_limits[CAP_LIM__MAX];
/* Say once that a limit was reached (`said` keeps which were): true the first time. */
bool cap_limit_hit(bool said[CAP_LIM__MAX], enum cap_limit l);

/* --- file header ---------------------------------------------------------------------------- */
#define CAP_MAGIC		"\x89SCRY\r\n\x1a"	/* 8 bytes: binary, and mangled by text mode */
#define CAP_MAGIC_LEN		8
#define CAP_MAJOR		2	/* a reader refuses a file of a higher major version */
#define CAP_MINOR		7	/* minor versions only add what older readers may skip */
#define CAP_MAJOR_UNFRAMED	1	/* format 1: event items carry no length (still read) */
#define CAP_PREAMBLE		16	/* magic, major, minor, header length */
#define CAP_HDR_BODY_MAX	65536
#define CAP_HDR_FIXED		60	/* body bytes before the strings */
#define CAP_STR_MAX		4096	/* each header string */

enum cap_file_flags {
	CAP_FF_FILTERED = 1 << 0,	/* recorded with a filter: only matching events + lifecycle */
	CAP_FF_ROTATING = 1 << 1,	/* one file of a set started by -C/-G */
};

struct cap_header {
	uint16_t major, minor;
	uint64_t session;		/* random id shared by the files of one recording */
	uint32_t seq;			/* file number within the recording, from 0 */
	uint32_t ncpus;
	uint64_t boot_wall;		/* wall-clock ns at boot: event time + this = epoch ns */
	uint64_t start_ts;		/* boot ns when the recording started */
	uint64_t file_ts;		/* boot ns when this file started */
	uint32_t flags;			/* enum cap_file_flags */
	uint8_t boot_id[16];		/* the kernel's boot id; zero if unknown */
	char version[64];
	char hostname[256];
	char release[256];		/* uname -r */
	char machine[72];		/* uname -m: syscall numbers depend on it */
	char filter[CAP_STR_MAX];
};

/* Preamble + body + CRC into out (at least CAP_PREAMBLE + CAP_HDR_BODY_MAX + 4). */
size_t cap_header_encode(const struct cap_header *h, uint8_t *out);
/*
 * The preamble: 0, -EPROTO not a capture, -ERANGE newer major, -EPROTONOSUPPORT major 0,
 * -EMSGSIZE a body length outside CAP_HDR_BODY_MIN..CAP_HDR_BODY_MAX; sets major/minor, *body_len.
 */
int cap_preamble_decode(const uint8_t in[CAP_PREAMBLE], struct cap_header *h, uint32_t *body_len);
#define CAP_HDR_BODY_MIN	(CAP_HDR_FIXED + 10)	/* the fixed fields and 5 empty strings */
/* The body (after its CRC was checked): 0, -EBADMSG, or -ERANGE a time at or past CAP_TS_MAX. */
int cap_header_body_decode(const uint8_t *in, size_t len, struct cap_header *h);

/* --- blocks --------------------------------------------------------------------------------- */
#define CAP_BLOCK_MAGIC		0xb1424353u	/* "SCB\xb1" as stored (little-endian) */
#define CAP_BLOCK_HDR		48
#define CAP_RAW_MAX		(4u << 20)	/* largest payload a reader accepts */
#define CAP_STORED_MAX		(CAP_RAW_MAX + (CAP_RAW_MAX >> 4) + 4096)

enum cap_block_kind {
	CAP_BLK_EVENTS = 1,	/* event records (and loss markers) */
	CAP_BLK_STATE = 2,	/* the process table and containers when the file started */
	CAP_BLK_META = 3,	/* container metadata learnt while recording */
	CAP_BLK_END = 4,	/* the end marker: the file was closed properly */
};

enum cap_codec {
	CAP_CODEC_STORED = 0,
	CAP_CODEC_DEFLATE = 1,	/* raw deflate, RFC 1951 */
};

struct cap_block_hdr {
	uint8_t kind;
	uint8_t codec;
	uint16_t flags;
	uint32_t seq;		/* block number within the file, from 0 */
	uint32_t nitems;
	uint32_t raw_len;
	uint32_t stored_len;
	uint64_t first_ts, last_ts;	/* range of record times (event blocks), else 0 */
	uint32_t payload_crc;
};

void cap_block_hdr_encode(const struct cap_block_hdr *b, uint8_t out[CAP_BLOCK_HDR]);
/*
 * 0, -EPROTO wrong magic, -EBADMSG header CRC mismatch, -E2BIG lengths beyond the limits,
 * -ERANGE an event block whose first_ts > last_ts or whose times reach CAP_TS_MAX.
 */
int cap_block_hdr_decode(const uint8_t in[CAP_BLOCK_HDR], struct cap_block_hdr *b);

/* --- items ---------------------------------------------------------------------------------- */
/*
 * Every item starts with a tag and (from format 2) a varint length, so that a reader skips the
 * items it does not know and the bytes after the fields it knows. Tags 1..0x3f are event records
 * (the values of enum scry_rec_type; a type unknown to this reader still has the common header,
 * which moves the delta context on); tags from 0x40 are the other items. In format 1, event items
 * had no length.
 */
enum cap_tag {
	CAP_TAG_LOSS = 0x40,
	CAP_TAG_PROC = 0x41,
	CAP_TAG_THREAD = 0x42,
	CAP_TAG_CONTAINER = 0x43,
	CAP_TAG_END = 0x44,
	CAP_TAG_USERDB = 0x45,		/* since 2.6: a user or group of a user database */
	CAP_TAG__KNOWN_END		/* tags from here on are a newer version's */
};
#define CAP_TAG_LENGTH_PREFIXED	0x40

/* Delta context of the event records in one block; zeroed at each block's start. */
struct cap_ctx {
	uint64_t ts;
	uint64_t cgid;
	uint32_t pid, tid;
	uint16_t cpu;
	uint16_t minor;		/* the file's minor version: which tails its items may have */
	char comm[SCRY_COMM_LEN];
};

/*
 * Encode a valid record (one decode__record accepted) as an event item with its length (format
 * 2); out has cap_rec_bound(r) bytes.
 */
size_t cap_event_encode(struct cap_ctx *c, uint8_t *out, const union scry_rec *r);
/*
 * Decode the event item at in[0] (its tag) into `out` (SCRY_REC_MAX bytes, 8-aligned). Returns
 * the bytes the item spans and sets *size, or -EBADMSG. *size is 0 for a type this reader does
 * not know (a newer minor version's): skipped, `out` untouched.
 */
int cap_event_decode(struct cap_ctx *c, const uint8_t *in, size_t len, union scry_rec *out,
		     uint32_t *size);
/* The same without the length: format 1's event items, the body of format 2's. */
size_t cap_rec_encode(struct cap_ctx *c, uint8_t *out, const union scry_rec *r);
/* A process's info as fork, exec and process items end (2.6); cap_get_pi false: damage. */
uint8_t *cap_put_pi(uint8_t *p, const struct scry_proc_info *pi);
bool cap_get_pi(const uint8_t **pp, const uint8_t *end, struct scry_proc_info *pi);
int cap_rec_decode(struct cap_ctx *c, const uint8_t *in, size_t len, union scry_rec *out,
		   uint32_t *size);
/* An upper bound of a record's encoded size (varints take at most 5/4 of their field). */
static inline size_t cap_rec_bound(const union scry_rec *r)
{
	return r->h.size + r->h.size / 4 + 32 + 2;
}
/* The enter a syscall exit carries folded into it (boot ns), 0 if none (any other record). */
static inline uint64_t cap_rec_folded(const union scry_rec *r)
{
	return r->h.type == SCRY_REC_SYS_EXIT ? r->exit.enter_ts : 0;
}
/* Events a record stands for: 2 for an exit that carries its folded enter. */
static inline unsigned int cap_rec_events(const union scry_rec *r)
{
	return 1 + (cap_rec_folded(r) != 0);
}
/* The earliest time a record stands for: its folded enter's, else its own. */
static inline uint64_t cap_rec_first_ts(const union scry_rec *r)
{
	return cap_rec_folded(r) ? cap_rec_folded(r) : r->h.ts;
}

/* A growable byte buffer for the rare items (state, containers); err latches -ENOMEM. */
struct cap_buf {
	uint8_t *p;
	size_t len, cap;
	int err;
};
void cap_buf__free(struct cap_buf *b);

struct cap_loss {
	uint64_t records, events;
	uint64_t first_ts, last_ts;
};

struct cap_end {
	uint64_t records, events;	/* written to this file */
	uint64_t lost_records, lost_events;
	uint64_t continues;		/* 1: the recording goes on in the next file */
};

/* Process and thread entries of a snapshot; strings point into the payload when decoded. */
struct cap_proc {
	struct scry_proc p;		/* pid ... dead_ts; exe/args below */
	const char *exe;
	uint32_t exe_len;
	const char *args;
	uint32_t args_len;
	const char *env;		/* 2.6: proc.env, NUL-separated (NULL: none) */
	uint32_t env_len;
};

struct cap_thread {
	uint32_t tid, pid, vtid;
	char comm[SCRY_COMM_LEN];
	uint64_t cpu_ns, dead_ts, enter_ts;
	uint32_t enter_nr;
	bool dead;
	uint64_t min_flt, maj_flt;	/* 2.6: its page faults so far (0: not said) */
};

/* Container metadata; decoding allocates `meta` (the caller frees it or hands it over). */
struct cap_ctr {
	char id[CTR_ID_MAX];
	enum ctr_runtime runtime;
	bool resolved;
	struct ctr_meta meta;
	const uint8_t *cgids;		/* decoded: varints, ncgids of them */
	size_t cgids_len;
	uint32_t ncgids;
	size_t meta_bytes;		/* bytes of the strings kept in `meta` */
	uint32_t cut;			/* 1 << CAP_LIM_LABELS, _CTR_BYTES, _MOUNTS: what was not kept */
};

void cap_put_loss(struct cap_buf *b, const struct cap_loss *l);
void cap_put_end(struct cap_buf *b, const struct cap_end *e);
void cap_put_proc(struct cap_buf *b, const struct scry_proc *p);
void cap_put_thread(struct cap_buf *b, const struct scry_thread *t, uint32_t pid);
void cap_put_ctr(struct cap_buf *b, const struct scry_container *c, const uint64_t *cgids,
		 uint32_t ncgids);
/* Loss markers are also written into the fixed event blocks (needs 64 bytes). */
size_t cap_loss_encode(uint8_t *out, const struct cap_loss *l);

/*
 * The length-prefixed item at in[0]: its tag and body. Returns the bytes the item spans, or
 * -EBADMSG if it runs past `len`.
 */
int cap_item_span(const uint8_t *in, size_t len, uint8_t *tag, const uint8_t **body,
		  size_t *body_len);
int cap_get_loss(const uint8_t *b, size_t len, struct cap_loss *l);
int cap_get_end(const uint8_t *b, size_t len, struct cap_end *e);
int cap_get_proc(const uint8_t *b, size_t len, struct cap_proc *p);
int cap_get_thread(const uint8_t *b, size_t len, struct cap_thread *t);
/* Allocates c->meta, keeping at most cap_limits' labels and bytes per container. */
int cap_get_ctr(const uint8_t *b, size_t len, struct cap_ctr *c);
/* The next cgid of a decoded container (*pos from 0); false at the end. */
bool cap_ctr_next_cgid(const struct cap_ctr *c, size_t *pos, uint64_t *cgid);

/*
 * A user or group entry of the user database of a container (ctr "" the host), as the recorder
 * resolved it; decoded strings point into the payload, ctr is NUL-terminated.
 */
struct cap_userdb {
	char ctr[CTR_ID_MAX];
	struct user_ent e;
};
void cap_put_userdb(struct cap_buf *b, const char *ctr, const struct user_ent *e);
int cap_get_userdb(const uint8_t *b, size_t len, struct cap_userdb *u);

/* --- deflate.c ------------------------------------------------------------------------------ */
struct cap_zip;
struct cap_zip *cap_zip__new(int level);	/* level 1..9; NULL with errno */
void cap_zip__free(struct cap_zip *z);
/* Compress in -> out (cap bytes); the size, or 0 if it did not fit (store the block instead). */
size_t cap_zip__deflate(struct cap_zip *z, const uint8_t *in, size_t len, uint8_t *out,
			size_t cap);
/* Inflate exactly `raw_len` bytes; 0 or -EBADMSG. */
int cap_zip__inflate(struct cap_zip *z, const uint8_t *in, size_t len, uint8_t *out,
		     size_t raw_len);
uint32_t cap_crc32(const uint8_t *p, size_t len);
uint32_t cap_crc32_more(uint32_t crc, const uint8_t *p, size_t len);	/* continue a CRC */

/* --- rotate.c ------------------------------------------------------------------------------- */
struct cap_names;
/*
 * File names of a recording: `base` alone, or with -C/-G base + index as sysdig does: FILE0,
 * FILE1, ...; with -W N the index wraps at N and is zero-padded to N's digits (FILE00..FILE09
 * for -W 10). With -G and a '%' in the name, the name goes through strftime at the file's start.
 */
struct cap_names *cap_names__new(const char *base, bool by_size, bool timed, unsigned int keep);
void cap_names__free(struct cap_names *n);
/* The name of file number `idx` (0, 1, ...), started at wall-clock `when`. */
const char *cap_names__get(struct cap_names *n, unsigned int idx, int64_t when);
/*
 * With -W N: the file made for index idx - N, which file `idx` replaces (the same name) or
 * removes (a strftime name that differs), if it is still that very file; NULL if none.
 */
struct cap_past {
	char *name;
	struct outfile_id id;
};
const struct cap_past *cap_names__past(const struct cap_names *n, unsigned int idx);
/* File `idx` was made as `id` under `name`: kept with -W. */
void cap_names__created(struct cap_names *n, unsigned int idx, const char *name,
			const struct outfile_id *id);
/*
 * Before recording: every name of a numbered set that exists already must be one scry may
 * replace (outfile__check), so that a name planted in a shared directory stops the run before it
 * starts. 0 or -errno (said).
 */
int cap_names__check(const struct cap_names *n);

/* --- reader.c: one file ------------------------------------------------------------------- */
struct cap_file;

enum cap_open_err {
	CAP_OPEN_OK = 0,
	CAP_OPEN_SYS,		/* open/read failed: errno */
	CAP_OPEN_NOT_CAPTURE,
	CAP_OPEN_NEWER,
	CAP_OPEN_CUT,		/* cut short inside its header (or empty) */
	CAP_OPEN_DAMAGED,	/* header CRC mismatch */
};

/* Opens and checks the header; *why says what went wrong (message in msg). */
struct cap_file *cap_file__open(const char *path, enum cap_open_err *why, char *msg,
				size_t msglen);
/* An in-memory file (the fuzzer); `data` must outlive the handle. */
struct cap_file *cap_file__open_mem(const uint8_t *data, size_t len, enum cap_open_err *why,
				    char *msg, size_t msglen);
void cap_file__free(struct cap_file *f);
const struct cap_header *cap_file__header(const struct cap_file *f);
const char *cap_file__path(const struct cap_file *f);
/* Back to the first block; quiet: do not report damage (the pre-scan). */
void cap_file__rewind(struct cap_file *f, bool quiet);
/* Done with it for now: its descriptor and buffers go (the next block reopens it). */
void cap_file__close(struct cap_file *f);

struct cap_block {
	struct cap_block_hdr h;
	const uint8_t *raw;	/* the payload, decompressed; NULL when skipped */
	size_t len;
	uint32_t lost_blocks;	/* blocks missing before this one (sequence gap) */
};

/*
 * The next intact block. Event blocks are skipped without reading when `skip_events` (the
 * pre-scan). Returns 1, 0 at the end of the file, or -errno on a read error. Damage is skipped
 * and accounted; `lost` reports what was skipped (see cap_file__damage).
 */
int cap_file__next_block(struct cap_file *f, struct cap_block *b, bool skip_events);

struct cap_damage {
	uint64_t damaged_blocks;	/* skipped: CRC mismatch, bad codec data, bad header */
	const char *why;		/* the first one's reason */
	uint64_t lost_records;		/* records in those, when their header was intact */
	uint64_t lost_first, lost_last;	/* their time range, when their headers say */
	uint32_t lost_kinds;		/* 1 << kind of the other blocks lost (state, meta) */
	uint64_t lost_bytes;		/* skipped bytes (damage, resync, incomplete tail) */
	uint64_t damaged_bytes;		/* of those, passed over to reach an intact block */
	uint64_t missing_blocks;	/* gaps in the block numbers */
	uint64_t gap_first, gap_last;	/* the first gap */
	uint64_t bad_items;		/* items that did not decode (merge.c counts them) */
	uint64_t skipped_items;		/* event block items after an undecodable one */
	const char *bad_why;		/* the first one's reason */
	bool clean_end;			/* the end marker was read */
	bool end_ok;			/* ... and decoded */
	bool cut;			/* the file ends inside a block */
	bool at_end;			/* the replay reached the end of the file */
	struct cap_end end;		/* the end marker's totals */
	uint64_t last_ts;		/* latest record time of the intact blocks */
	/* what the replay read, against the end marker (merge.c counts) */
	uint64_t read_records, read_events, read_lost_events;
	/* Records of types this reader does not know: each counted as one event in read_events,
	 * though a newer type may stand for more (as a folded syscall exit does). */
	uint64_t unknown_records;
	bool totals_differ;
};
/* What the file lost so far; the replay adds what it could not decode and what it read. */
struct cap_damage *cap_file__damage(struct cap_file *f);
/* Anything lost: damage, gaps, undecodable items, a difference with the end marker, a cut. */
bool cap_damage__any(const struct cap_damage *d);
/* Hold the end marker's totals against what was read (once the whole file was read). */
void cap_file__check_totals(struct cap_file *f);
/*
 * Say, once and in one warning, everything the file lost (how it ended, if the replay reached
 * its end); nothing for a whole file.
 */
void cap_file__report(struct cap_file *f);
/* "15:04:05.123" (local time) for messages, into TIME_STR_MAX bytes. */
void cap_fmt_time(const struct cap_header *h, uint64_t ts, char *buf);

/* --- prescan.c: the containers of every file, before the first record ------------------------ */
struct cap_ctrs;
struct cap_ctrs *cap_ctrs__new(void);
void cap_ctrs__free(struct cap_ctrs *s);
/* The CONTAINER items of a STATE or META block: 0 or -ENOMEM; limits reached set 1 << l in *hit. */
int cap_ctrs__scan(struct cap_ctrs *s, const struct cap_block *b, uint32_t *hit);
/* Every container, with its metadata and its cgroups, into the registry. */
void cap_ctrs__apply(struct cap_ctrs *s, struct containers *ct);

/* merge.c, for a writer that re-records a replay (-r with -w). */
struct capture_reader;
typedef void cap_loss_fn(void *ctx, const struct cap_loss *l);
/* The header of the earliest recording: the host the events come from. */
const struct cap_header *capture_reader__origin(const struct capture_reader *r);
/*
 * Whether any of the files was recorded with a filter, and their distinct filters joined with
 * "or" in `out`; *mixed when the files come from several hosts or boots.
 */
bool capture_reader__filters(const struct capture_reader *r, char *out, size_t len, bool *mixed);
/* Called with every loss marker met while replaying, in the reference clock. */
void capture_reader__on_loss(struct capture_reader *r, cap_loss_fn *fn, void *ctx);

#endif /* SCRY_CAPTURE_INTERNAL_H */
