// SPDX-License-Identifier: GPL-2.0
/*
 * The capture format, field by field: the file header and block headers in fixed little-endian
 * layout, event records as compact items (their length, a mask of header fields unchanged since
 * the previous record, the time as a delta, every number as a LEB128 varint) and the state items.
 * Event records are described by one list of fields and encodings per type (RECORDS); nothing here
 * ever copies an in-memory struct to or from the file. docs/capture-format.md is the specification.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * The file's event tags are the ABI's record types: the values written so far are frozen (a
 * renumbering must map them here). A new type needs only its entry in RECORDS below.
 */
_Static_assert(SCRY_REC_SYS_ENTER == 1 && SCRY_REC_SYS_EXIT == 2 && SCRY_REC_FORK == 3 &&
	       SCRY_REC_EXEC == 4 && SCRY_REC_EXIT == 5 && SCRY_REC_SWITCH == 6 &&
	       SCRY_REC_CPUTICK == 7 && SCRY_REC_RENAME == 8,
	       "capture tags 1..8 are these record types in every file written");
_Static_assert(SCRY_REC__MAX <= CAP_TAG_LENGTH_PREFIXED, "record tags below the prefixed ones");

/* --- little-endian and varint primitives ----------------------------------------------------- */

static inline void le16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static inline void le32(uint8_t *p, uint32_t v) { le16(p, v); le16(p + 2, v >> 16); }
static inline uint16_t rd16(const uint8_t *p) { return p[0] | (uint16_t)p[1] << 8; }
static inline uint32_t rd32(const uint8_t *p) { return rd16(p) | (uint32_t)rd16(p + 2) << 16; }

/*
 * --- fixed layouts ------------------------------------------------------------------------------
 * The numbers of the file header's body and of a block header: (offset in the file, width,
 * member). The encoders and decoders walk these tables; a member whose type stops matching its
 * width in the file fails the build (an array of size -1), rather than changing the format.
 */
struct wire_field {
	uint8_t at, width;
	uint16_t off;
};

#define WIRE(at, w, T, m)							\
	{ at, w + 0 * sizeof(char[sizeof(((T *)0)->m) == w ? 1 : -1]), offsetof(T, m) }

static const struct wire_field file_fields[] = {
	WIRE(0, 8, struct cap_header, session), WIRE(8, 4, struct cap_header, seq),
	WIRE(12, 4, struct cap_header, ncpus), WIRE(16, 8, struct cap_header, boot_wall),
	WIRE(24, 8, struct cap_header, start_ts), WIRE(32, 8, struct cap_header, file_ts),
	WIRE(40, 4, struct cap_header, flags),
};

static const struct wire_field block_fields[] = {
	WIRE(4, 1, struct cap_block_hdr, kind), WIRE(5, 1, struct cap_block_hdr, codec),
	WIRE(6, 2, struct cap_block_hdr, flags), WIRE(8, 4, struct cap_block_hdr, seq),
	WIRE(12, 4, struct cap_block_hdr, nitems), WIRE(16, 4, struct cap_block_hdr, raw_len),
	WIRE(20, 4, struct cap_block_hdr, stored_len), WIRE(24, 8, struct cap_block_hdr, first_ts),
	WIRE(32, 8, struct cap_block_hdr, last_ts), WIRE(40, 4, struct cap_block_hdr, payload_crc),
};

#define NWIRE(t) (sizeof(t) / sizeof((t)[0]))

static void put_wire(uint8_t *out, const void *s, const struct wire_field *f, size_t n)
{
	for (; n--; f++) {
		uint64_t v = cap_load_uint((const char *)s + f->off, f->width);
		unsigned int k;

		for (k = 0; k < f->width; k++)
			out[f->at + k] = v >> (8 * k);
	}
}

static void get_wire(const uint8_t *in, void *s, const struct wire_field *f, size_t n)
{
	for (; n--; f++) {
		uint64_t v = 0;
		unsigned int k;

		for (k = 0; k < f->width; k++)
			v |= (uint64_t)in[f->at + k] << (8 * k);
		cap_store_uint((char *)s + f->off, f->width, v);
	}
}

/* --- file header ------------------------------------------------------------------------------ */

static uint8_t *put_hstr(uint8_t *p, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	le16(p, n);
	memcpy(p + 2, s, n);
	return p + 2 + n;
}

size_t cap_header_encode(const struct cap_header *h, uint8_t *out)
{
	uint8_t *b = out + CAP_PREAMBLE, *p;
	size_t body;

	memcpy(out, CAP_MAGIC, CAP_MAGIC_LEN);
	le16(out + 8, CAP_MAJOR);
	le16(out + 10, CAP_MINOR);
	put_wire(b, h, file_fields, NWIRE(file_fields));
	memcpy(b + 44, h->boot_id, 16);
	p = b + CAP_HDR_FIXED;
	p = put_hstr(p, h->version, sizeof(h->version) - 1);
	p = put_hstr(p, h->hostname, sizeof(h->hostname) - 1);
	p = put_hstr(p, h->release, sizeof(h->release) - 1);
	p = put_hstr(p, h->machine, sizeof(h->machine) - 1);
	p = put_hstr(p, h->filter, sizeof(h->filter) - 1);
	body = p - b;
	le32(out + 12, body);
	le32(p, cap_crc32(out, CAP_PREAMBLE + body));
	return CAP_PREAMBLE + body + 4;
}

int cap_preamble_decode(const uint8_t in[CAP_PREAMBLE], struct cap_header *h, uint32_t *body_len)
{
	if (memcmp(in, CAP_MAGIC, CAP_MAGIC_LEN))
		return -EPROTO;
	h->major = rd16(in + 8);
	h->minor = rd16(in + 10);
	*body_len = rd32(in + 12);
	if (h->major > CAP_MAJOR)
		return -ERANGE;
	if (h->major == 0)
		return -EPROTONOSUPPORT;
	if (*body_len < CAP_HDR_BODY_MIN || *body_len > CAP_HDR_BODY_MAX)
		return -EMSGSIZE;
	return 0;
}

static const uint8_t *get_hstr(const uint8_t *p, const uint8_t *end, char *dst, size_t cap)
{
	size_t n;

	if (!p || end - p < 2)
		return NULL;
	n = rd16(p);
	p += 2;
	if ((size_t)(end - p) < n)
		return NULL;
	/* Longer than our buffer (a newer writer's limit): keep what fits. */
	memcpy(dst, p, n < cap ? n : cap - 1);
	dst[n < cap ? n : cap - 1] = '\0';
	return p + n;
}

int cap_header_body_decode(const uint8_t *b, size_t len, struct cap_header *h)
{
	const uint8_t *p, *end = b + len;

	if (len < CAP_HDR_FIXED)
		return -EBADMSG;
	get_wire(b, h, file_fields, NWIRE(file_fields));
	memcpy(h->boot_id, b + 44, 16);
	p = get_hstr(b + CAP_HDR_FIXED, end, h->version, sizeof(h->version));
	p = get_hstr(p, end, h->hostname, sizeof(h->hostname));
	p = get_hstr(p, end, h->release, sizeof(h->release));
	p = get_hstr(p, end, h->machine, sizeof(h->machine));
	p = get_hstr(p, end, h->filter, sizeof(h->filter));
	/* Bytes after the known fields belong to a newer minor version: ignored. */
	if (!p)
		return -EBADMSG;
	/* Epoch ns below 2^62 reach the year 2116; boot ns, 146 years of uptime. */
	if (h->boot_wall >= CAP_TS_MAX || h->start_ts >= CAP_TS_MAX || h->file_ts >= CAP_TS_MAX)
		return -ERANGE;
	return 0;
}

/* --- block header ------------------------------------------------------------------------------ */

void cap_block_hdr_encode(const struct cap_block_hdr *b, uint8_t out[CAP_BLOCK_HDR])
{
	le32(out, CAP_BLOCK_MAGIC);
	put_wire(out, b, block_fields, NWIRE(block_fields));
	le32(out + 44, cap_crc32(out, 44));
}

int cap_block_hdr_decode(const uint8_t in[CAP_BLOCK_HDR], struct cap_block_hdr *b)
{
	if (rd32(in) != CAP_BLOCK_MAGIC)
		return -EPROTO;
	if (!CAP_CRC_OK(rd32(in + 44), cap_crc32(in, 44)))
		return -EBADMSG;
	get_wire(in, b, block_fields, NWIRE(block_fields));
	if (b->raw_len > CAP_RAW_MAX || b->stored_len > CAP_STORED_MAX)
		return -E2BIG;
	if (b->codec == CAP_CODEC_STORED && b->stored_len != b->raw_len)
		return -EBADMSG;
	/* Its records lie in [first_ts, last_ts] (the replay checks each): a sane range first. */
	if (b->kind == CAP_BLK_EVENTS && (b->first_ts > b->last_ts || b->last_ts >= CAP_TS_MAX))
		return -ERANGE;
	return 0;
}

/* --- event records ---------------------------------------------------------------------------- */

/*
 * The fields after the common header, per record type, in file order: (struct, member, how).
 *   U      unsigned varint (a value too large for the member is an error)
 *   S      zigzag varint of the signed value
 *   TSREL  a time not after the record's: 0 for none, else ts - value + 1
 *   COMM   a length byte (0..15: the kernel's comm) and the bytes before the NUL
 *   B16    16 bytes as they are (an IPv6 address, or IPv4 in the first 4)
 * A variable tail follows sys_exit (its shape, arguments and path) and exec (exe and argv);
 * the socket records' tail (SOCK) is their byte counters, when they have them; sockio's (SIO)
 * an IP socket's addresses.
 * The encoder and the decoder are both generated from these lists, so they cannot disagree.
 */
#define F_SYS_ENTER(X)	X(struct scry_rec_sys_enter, nr, U)
#define F_SYS_EXIT(X)	X(struct scry_rec_sys_exit, nr, U) X(struct scry_rec_sys_exit, ret, S) \
			X(struct scry_rec_sys_exit, enter_ts, TSREL)
#define F_FORK(X)	X(struct scry_rec_fork, parent_pid, U) X(struct scry_rec_fork, parent_tid, U) \
			X(struct scry_rec_fork, ppid, U) X(struct scry_rec_fork, vpid, U) \
			X(struct scry_rec_fork, vtid, U) X(struct scry_rec_fork, uid, U) \
			X(struct scry_rec_fork, gid, U) X(struct scry_rec_fork, fork_flags, U)
#define F_EXEC(X)	X(struct scry_rec_exec, old_tid, U) X(struct scry_rec_exec, ppid, U) \
			X(struct scry_rec_exec, vpid, U) X(struct scry_rec_exec, vtid, U) \
			X(struct scry_rec_exec, uid, U) X(struct scry_rec_exec, gid, U) \
			X(struct scry_rec_exec, exe_len, U) X(struct scry_rec_exec, args_len, U)
#define F_EXIT(X)	X(struct scry_rec_exit, exit_code, S) X(struct scry_rec_exit, exit_flags, U)
#define F_SWITCH(X)	X(struct scry_rec_switch, runtime_ns, U) X(struct scry_rec_switch, next_pid, U) \
			X(struct scry_rec_switch, next_tid, U) X(struct scry_rec_switch, prev_state, U)
#define F_CPUTICK(X)	X(struct scry_rec_cputick, runtime_ns, U)
#define F_RENAME(X)	X(struct scry_rec_rename, old_comm, COMM)
#define F_SOCK_STATE(X)	X(struct scry_rec_sock_state, cookie, U) \
			X(struct scry_rec_sock_state, family, U) \
			X(struct scry_rec_sock_state, protocol, U) \
			X(struct scry_rec_sock_state, oldstate, U) \
			X(struct scry_rec_sock_state, newstate, U) \
			X(struct scry_rec_sock_state, sport, U) X(struct scry_rec_sock_state, dport, U) \
			X(struct scry_rec_sock_state, saddr, B16) \
			X(struct scry_rec_sock_state, daddr, B16)
#define F_TCP_RESET(X)	F_SOCK_STATE(X) X(struct scry_rec_sock_state, dir, U)
#define F_SOCK_SEED(X)	X(struct scry_rec_sock_seed, cookie, U) X(struct scry_rec_sock_seed, ino, U) \
			X(struct scry_rec_sock_seed, netns, U) X(struct scry_rec_sock_seed, fd, U) \
			X(struct scry_rec_sock_seed, family, U) \
			X(struct scry_rec_sock_seed, protocol, U) \
			X(struct scry_rec_sock_seed, sktype, U) X(struct scry_rec_sock_seed, state, U) \
			X(struct scry_rec_sock_seed, role, U) X(struct scry_rec_sock_seed, sport, U) \
			X(struct scry_rec_sock_seed, dport, U) \
			X(struct scry_rec_sock_seed, saddr, B16) \
			X(struct scry_rec_sock_seed, daddr, B16)
#define F_FD_SEED(X)	X(struct scry_rec_fd_seed, fd, S) X(struct scry_rec_fd_seed, type, U) \
			X(struct scry_rec_fd_seed, xflags, U) \
			X(struct scry_rec_fd_seed, name_len, U) \
			X(struct scry_rec_fd_seed, oflags, U) X(struct scry_rec_fd_seed, dev, U) \
			X(struct scry_rec_fd_seed, ino, U)
#define F_BLOCK_IO(X)	X(struct scry_rec_block_io, sector, U) \
			X(struct scry_rec_block_io, latency_ns, U) \
			X(struct scry_rec_block_io, queue_ns, U) X(struct scry_rec_block_io, dev, U) \
			X(struct scry_rec_block_io, bytes, U) X(struct scry_rec_block_io, error, S) \
			X(struct scry_rec_block_io, op, U) X(struct scry_rec_block_io, blk_flags, U)
#define F_OOM(X)	X(struct scry_rec_oom, trigger_pid, U) X(struct scry_rec_oom, trigger_tid, U) \
			X(struct scry_rec_oom, total_vm_kb, U) X(struct scry_rec_oom, rss_kb, U) \
			X(struct scry_rec_oom, oom_score_adj, S) X(struct scry_rec_oom, uid, U)
#define F_HANG(X)	X(struct scry_rec_hang, state, U)
/* issue 18 (format 2.7): a container's lifecycle moment */
#define F_CONTAINER(X)	X(struct scry_rec_container, action, U) \
			X(struct scry_rec_container, ctr_flags, U) \
			X(struct scry_rec_container, exit_code, S) \
			X(struct scry_rec_container, pid, U) X(struct scry_rec_container, procs, U) \
			X(struct scry_rec_container, since_ts, TSREL)
/* issue 18 (ns18), format 2.7 */
#define F_ZOMBIE(X)	X(struct scry_rec_zombie, kind, U) X(struct scry_rec_zombie, ppid, U) \
			X(struct scry_rec_zombie, vpid, U) \
			X(struct scry_rec_zombie, parent_vpid, U) \
			X(struct scry_rec_zombie, exit_ts, TSREL) \
			X(struct scry_rec_zombie, exit_code, S)
#define F_NS(X)		X(struct scry_rec_ns, kind, U) X(struct scry_rec_ns, parent, U) \
			X(struct scry_rec_ns, vpid, U) X(struct scry_rec_ns, ns[SCRY_NS_PID], U) \
			X(struct scry_rec_ns, ns[SCRY_NS_MNT], U) \
			X(struct scry_rec_ns, ns[SCRY_NS_NET], U) \
			X(struct scry_rec_ns, ns[SCRY_NS_UTS], U) \
			X(struct scry_rec_ns, ns[SCRY_NS_IPC], U) \
			X(struct scry_rec_ns, ns[SCRY_NS_CGROUP], U) \
			X(struct scry_rec_ns, ns[SCRY_NS_USER], U)
/* issue 18, signals (format 2.7): the sender (a struct scry_peer), then the signal's own */
#define F_SIGNAL(X)	X(struct scry_rec_signal, from.pid, U) X(struct scry_rec_signal, from.tid, U) \
			X(struct scry_rec_signal, from.vpid, U) \
			X(struct scry_rec_signal, from.cgid, U) \
			X(struct scry_rec_signal, from.comm, COMM) X(struct scry_rec_signal, sig, S) \
			X(struct scry_rec_signal, code, S) X(struct scry_rec_signal, result, S) \
			X(struct scry_rec_signal, target_vpid, U) \
			X(struct scry_rec_signal, disp, U) \
			X(struct scry_rec_signal, sig_flags, U) X(struct scry_rec_signal, info_pid, U)
#define F_SOCK_IO(X)	X(struct scry_rec_sock_io, cookie, U) X(struct scry_rec_sock_io, bytes, U) \
			X(struct scry_rec_sock_io, family, U) \
			X(struct scry_rec_sock_io, protocol, U) \
			X(struct scry_rec_sock_io, sktype, U) X(struct scry_rec_sock_io, dir, U)

/*
 * One entry per record type: (type, fields, size without the tail, tail). The tail is the
 * variable part after the fields: NONE, EXIT (sys_exit's shape, arguments and path, then a
 * socket's addresses), EXEC (the executable and argv), SOCK (a TCP socket's byte counters) or
 * SIO (an IP socket's addresses at a send or receive); SWACCT and TICKACCT (2.5) the scheduler's
 * accounting of a switch or a tick (struct scry_sched_acct), when it is not all zero.
 * What format 2.3 added to a tail comes last in its item, present only when there is something
 * to say, so an older reader ignores it and an older item simply ends before it. The encoder,
 * the decoder and the sizes are all generated from this list: a new record type in the capture
 * is one line here (and its F_ list above).
 */
#define RECORDS(X)								\
	X(SYS_ENTER, F_SYS_ENTER, sizeof(struct scry_rec_sys_enter), NONE)	\
	X(SYS_EXIT, F_SYS_EXIT, SCRY_SYS_EXIT_SHORT, EXIT)			\
	X(FORK, F_FORK, sizeof(struct scry_rec_fork), PFORK)			\
	X(EXEC, F_EXEC, SCRY_EXEC_FIXED, EXEC)					\
	X(EXIT, F_EXIT, sizeof(struct scry_rec_exit), PEXIT)			\
	X(SWITCH, F_SWITCH, sizeof(struct scry_rec_switch), SWACCT)		\
	X(CPUTICK, F_CPUTICK, sizeof(struct scry_rec_cputick), TICKACCT)	\
	X(RENAME, F_RENAME, sizeof(struct scry_rec_rename), NONE)		\
	X(SOCK_STATE, F_SOCK_STATE, sizeof(struct scry_rec_sock_state), SOCK)	\
	X(SOCK_IO, F_SOCK_IO, sizeof(struct scry_rec_sock_io), SIO)		\
	X(TCP_RETRANS, F_SOCK_STATE, sizeof(struct scry_rec_sock_state), SOCK)	\
	X(TCP_RESET, F_TCP_RESET, sizeof(struct scry_rec_sock_state), SOCK)	\
	X(SOCK_SEED, F_SOCK_SEED, sizeof(struct scry_rec_sock_seed), NONE)	\
	X(FD_SEED, F_FD_SEED, SCRY_FD_SEED_FIXED, FDSEED)			\
	X(BLOCK_IO, F_BLOCK_IO, sizeof(struct scry_rec_block_io), NONE)		\
	X(OOM, F_OOM, sizeof(struct scry_rec_oom), NONE)			\
	X(HANG, F_HANG, sizeof(struct scry_rec_hang), NONE)			\
	X(CONTAINER, F_CONTAINER, sizeof(struct scry_rec_container), NONE)	\
	X(SIGNAL, F_SIGNAL, sizeof(struct scry_rec_signal), NONE)		\
	X(SIGDELIVER, F_SIGNAL, sizeof(struct scry_rec_signal), NONE)		\
	/* issue 18 (ns18) */							\
	X(ZOMBIE, F_ZOMBIE, sizeof(struct scry_rec_zombie), NONE)		\
	X(NS, F_NS, sizeof(struct scry_rec_ns), NONE)

#define COUNT_ENTRY(type, fields, fixed, tail) + 1
/* 19 and 22: numbers left unused by issue 18's parts */
#define REC_GAPS 2
_Static_assert(0 RECORDS(COUNT_ENTRY) == SCRY_REC__MAX - 1 - REC_GAPS,
	       "describe every record type in RECORDS: its capture encoding");

/* The decoder zeroes this much of every record (padding included): a constant, so inline. */
#define REC_FIXED_MAX 128
#define CHECK_FIXED(type, fields, fixed, tail) _Static_assert(fixed <= REC_FIXED_MAX, #type);
RECORDS(CHECK_FIXED)

/* The header mask: which common fields are the same as in the previous record of the block. */
enum {
	M_CPU = 1 << 0,
	M_TASK = 1 << 1,	/* pid and tid */
	M_CGROUP = 1 << 2,
	M_COMM = 1 << 3,
	M_FLAGS = 1 << 4,	/* h.flags follows (absent: 0) */
	M_ALL = 0x1f,
};

/* sys_exit's shape: how many arguments, and which optional parts follow. */
enum {
	SH_NARGS = 0x07,
	SH_FD0 = 1 << 3,	/* fd_kind[0] follows */
	SH_FD1 = 1 << 4,	/* fd_kind[1] follows */
	SH_PATH = 1 << 5,	/* path_len and the path follow */
	SH_ALL = 0x3f,
};

static inline uint8_t *put_comm(uint8_t *p, const char *comm)
{
	size_t n = strnlen(comm, SCRY_COMM_LEN);

	*p++ = n;
	memcpy(p, comm, n);
	return p + n;
}

static inline void set_comm(char *dst, const char *src)
{
	size_t n = strnlen(src, SCRY_COMM_LEN);

	memcpy(dst, src, n);
	memset(dst + n, 0, SCRY_COMM_LEN - n);
}

static inline uint8_t *enc_U(uint8_t *p, uint64_t v, const union scry_rec *r)
{
	return put_uv(p, v);
}

static inline uint8_t *enc_S(uint8_t *p, int64_t v, const union scry_rec *r)
{
	return put_uv(p, zz(v));
}

static inline uint8_t *enc_TSREL(uint8_t *p, uint64_t v, const union scry_rec *r)
{
	return put_uv(p, v ? r->h.ts - v + 1 : 0);
}

static inline uint8_t *enc_COMM(uint8_t *p, const char *v, const union scry_rec *r)
{
	return put_comm(p, v);
}

static inline uint8_t *enc_B16(uint8_t *p, const uint8_t *v, const union scry_rec *r)
{
	memcpy(p, v, 16);
	return p + 16;
}

static uint8_t *put_hdr(struct cap_ctx *c, uint8_t *out, const struct scry_hdr *h)
{
	uint8_t *p = out + 2, mask = 0;

	out[0] = h->type;
	p = put_uv(p, zz((int64_t)(h->ts - c->ts)));
	if (h->cpu == c->cpu)
		mask |= M_CPU;
	else
		p = put_uv(p, h->cpu);
	if (h->pid == c->pid && h->tid == c->tid) {
		mask |= M_TASK;
	} else {
		p = put_uv(p, h->pid);
		p = put_uv(p, h->tid);
	}
	if (h->cgid == c->cgid)
		mask |= M_CGROUP;
	else
		p = put_uv(p, h->cgid);
	if (scry_comm_eq(h->comm, c->comm)) {
		mask |= M_COMM;
	} else {
		p = put_comm(p, h->comm);
		set_comm(c->comm, h->comm);
	}
	if (h->flags) {
		mask |= M_FLAGS;
		p = put_uv(p, h->flags);
	}
	out[1] = mask;
	c->ts = h->ts;
	c->cpu = h->cpu;
	c->pid = h->pid;
	c->tid = h->tid;
	c->cgid = h->cgid;
	return p;
}

static inline uint8_t *put_tail_NONE(uint8_t *p, const union scry_rec *r)
{
	return p;
}

/*
 * 2.4: the data a read or write moved (-s), last: its length, then the bytes. 2.6: poll's pollfd
 * array the same way, under its own xflags bit, which a 2.4 reader leaves out with its bytes.
 */
static uint8_t *put_exit_data(uint8_t *p, const union scry_rec *r)
{
	const uint8_t *d;
	uint32_t n;

	d = exit_data_block(&r->exit, &n);
	if (!d)
		return p;
	p = put_uv(p, n);
	memcpy(p, d, n);
	return p + n;
}

static uint8_t *put_tail_EXIT(uint8_t *p, const union scry_rec *r)
{
	const struct scry_rec_sys_exit *x = &r->exit;
	unsigned int i;

	uint16_t plen = (x->xflags & (SCRY_SX_SOCK | SCRY_SX_FDPAIR)) ? 0 : x->path_len;

	*p++ = x->nargs | (x->fd_kind[0] ? SH_FD0 : 0) | (x->fd_kind[1] ? SH_FD1 : 0) |
	       (plen ? SH_PATH : 0);
	if (x->fd_kind[0])
		*p++ = x->fd_kind[0];
	if (x->fd_kind[1])
		*p++ = x->fd_kind[1];
	if (plen)
		p = put_uv(p, plen);
	/* Zigzag: fd arguments such as AT_FDCWD (-100) take one byte, not ten. */
	for (i = 0; i < x->nargs; i++)
		p = put_uv(p, zz((int64_t)x->args[i]));
	memcpy(p, x->path, plen);
	p += plen;
	if (!x->xflags)
		return p;
	/* 2.3: a socket's addresses, after everything an older reader knows. */
	p = put_uv(p, x->xflags);
	if (x->xflags & SCRY_SX_SOCK) {
		const struct scry_sock_addr *a = (const void *)x->path;
		size_t nlen = x->path_len - sizeof(*a);

		p = put_uv(p, a->family);
		p = put_uv(p, a->sktype);
		p = put_uv(p, a->protocol);
		p = put_uv(p, a->lport);
		p = put_uv(p, a->rport);
		p = enc_B16(p, a->laddr, r);
		p = enc_B16(p, a->raddr, r);
		p = put_uv(p, nlen);
		memcpy(p, a->name, nlen);
		p += nlen;
	}
	/* 2.4: a pipe's or socketpair's two fds and inodes; an open's file */
	if (x->xflags & SCRY_SX_FDPAIR) {
		const struct scry_exit_fdpair *fp = (const void *)x->path;

		p = put_uv(p, zz(fp->fd[0]));
		p = put_uv(p, zz(fp->fd[1]));
		p = put_uv(p, fp->ino[0]);
		p = put_uv(p, fp->ino[1]);
	}
	if (x->xflags & SCRY_SX_FILE) {
		const struct scry_exit_file *xf =
			(const void *)(x->path + ((x->path_len + 7U) & ~7U));

		p = put_uv(p, xf->ino);
		p = put_uv(p, xf->dev);
	}
	return put_exit_data(p, r);
}

static inline uint8_t *put_tail_SOCK(uint8_t *p, const union scry_rec *r)
{
	const struct scry_rec_sock_state *s = &r->sock;

	if (!s->xflags)
		return p;
	p = put_uv(p, s->xflags);
	if (s->xflags & SCRY_SOCK_BYTES) {
		p = put_uv(p, s->bytes_in);
		p = put_uv(p, s->bytes_out);
	}
	return p;
}

/*
 * 2.5: a switch's or tick's scheduler accounting, after everything a 2.4 reader knows: a flags
 * varint (ACCT_PRESENT), then wait, off, its reason and the faults. Nothing when all are zero (most
 * ticks), so a 2.4 item and a silent one read alike.
 */
/*
 * 2.7 adds, after the five fields and flagged by their bits, the user/system split of the CPU
 * time (ACCT_CPU) and the process's memory (ACCT_MEM). A 2.6 reader reads the five and ignores
 * the rest.
 */
enum { ACCT_PRESENT = 1 << 0, ACCT_CPU = 1 << 1, ACCT_MEM = 1 << 2 };

static inline uint8_t *put_acct(uint8_t *p, const struct scry_sched_acct *a)
{
	uint64_t fl = ACCT_PRESENT;

	if (a->utime_ns || a->stime_ns)
		fl |= ACCT_CPU;
	if (a->acct_flags & SCRY_ACCT_MEM)
		fl |= ACCT_MEM;
	if (fl == ACCT_PRESENT && !a->wait_ns && !a->off_ns && !a->min_flt && !a->maj_flt &&
	    !a->off_reason)
		return p;
	p = put_uv(p, fl);
	p = put_uv(p, a->wait_ns);
	p = put_uv(p, a->off_ns);
	p = put_uv(p, a->off_reason);
	p = put_uv(p, a->min_flt);
	p = put_uv(p, a->maj_flt);
	if (fl & ACCT_CPU) {
		p = put_uv(p, a->utime_ns);
		p = put_uv(p, a->stime_ns);
	}
	if (fl & ACCT_MEM) {
		p = put_uv(p, a->vm_size_kb);
		p = put_uv(p, a->vm_rss_kb);
		p = put_uv(p, a->vm_swap_kb);
	}
	return p;
}

static inline uint8_t *put_tail_SWACCT(uint8_t *p, const union scry_rec *r)
{
	return put_acct(p, &r->sw.acct);
}

static inline uint8_t *put_tail_TICKACCT(uint8_t *p, const union scry_rec *r)
{
	return put_acct(p, &r->tick.acct);
}

/* sockio, since 2.3: an IP socket's addresses at the call (SCRY_SIO_ADDR). */
static inline uint8_t *put_tail_SIO(uint8_t *p, const union scry_rec *r)
{
	const struct scry_rec_sock_io *s = &r->sio;

	if (!(s->xflags & SCRY_SIO_ADDR))
		return p;
	p = put_uv(p, SCRY_SIO_ADDR);
	p = put_uv(p, s->sport);
	p = put_uv(p, s->dport);
	p = enc_B16(p, s->saddr, r);
	return enc_B16(p, s->daddr, r);
}

/*
 * 2.6: a process's info (struct scry_proc_info) after a fork's fields and an exec's argv, when
 * the record has it: its flags, then sid, vpgid, tty, loginuid, fdlimit, vm_size_kb, vm_rss_kb,
 * vm_swap_kb. The capture's process items end with the same.
 */
uint8_t *cap_put_pi(uint8_t *p, const struct scry_proc_info *pi)
{
	if (!(pi->pi_flags & SCRY_PI_VALID))
		return p;
	p = put_uv(p, pi->pi_flags);
	p = put_uv(p, pi->sid);
	p = put_uv(p, pi->vpgid);
	p = put_uv(p, pi->tty);
	p = put_uv(p, pi->loginuid);
	p = put_uv(p, pi->fdlimit);
	p = put_uv(p, pi->vm_size_kb);
	p = put_uv(p, pi->vm_rss_kb);
	return put_uv(p, pi->vm_swap_kb);
}

/* false: damage. An item that ends before it (an older writer's) leaves *pi zero. */
bool cap_get_pi(const uint8_t **pp, const uint8_t *end, struct scry_proc_info *pi)
{
	uint64_t fl, v[8];
	int i;

	memset(pi, 0, sizeof(*pi));
	if (*pp >= end)
		return true;
	if (!get_uv(pp, end, &fl))
		return false;
	if (!(fl & SCRY_PI_VALID))
		return true;	/* a newer writer's flags alone: their fields come after */
	for (i = 0; i < 8; i++)
		if (!get_uv(pp, end, &v[i]) || (i != 4 && v[i] > UINT32_MAX))
			return false;
	pi->pi_flags = fl & (SCRY_PI_VALID | SCRY_PI_EXE_WRITABLE);
	pi->sid = v[0];
	pi->vpgid = v[1];
	pi->tty = v[2];
	pi->loginuid = v[3];
	pi->fdlimit = v[4];
	pi->vm_size_kb = v[5];
	pi->vm_rss_kb = v[6];
	pi->vm_swap_kb = v[7];
	return true;
}

static inline uint8_t *put_tail_PFORK(uint8_t *p, const union scry_rec *r)
{
	return cap_put_pi(p, &r->fork.pi);
}

/* procexit, since 2.6: the reaper its children went to (SCRY_EXIT_REAPER). */
static inline uint8_t *put_tail_PEXIT(uint8_t *p, const union scry_rec *r)
{
	if (!(r->pexit.exit_flags & SCRY_EXIT_REAPER))
		return p;
	p = put_uv(p, SCRY_EXIT_REAPER);
	return put_uv(p, r->pexit.reaper);
}

static inline uint8_t *put_tail_EXEC(uint8_t *p, const union scry_rec *r)
{
	size_t n = r->exec.exe_len + r->exec.args_len;

	memcpy(p, r->exec.data, n);
	p = cap_put_pi(p + n, &r->exec.pi);
	/* 2.6: the environment (proc.env), after the info, when the recorder asked for it */
	if (r->exec.env_len && (r->exec.pi.pi_flags & SCRY_PI_VALID)) {
		p = put_uv(p, r->exec.env_len);
		memcpy(p, r->exec.data + n, r->exec.env_len);
		p += r->exec.env_len;
	}
	return p;
}

/* fdseed, since 2.4: its name (name_len bytes, with the NUL). */
static inline uint8_t *put_tail_FDSEED(uint8_t *p, const union scry_rec *r)
{
	memcpy(p, r->fdseed.name, r->fdseed.name_len);
	return p + r->fdseed.name_len;
}

size_t cap_rec_encode(struct cap_ctx *c, uint8_t *out, const union scry_rec *r)
{
	uint8_t *p = put_hdr(c, out, &r->h);

#define ENC_FIELD(T, m, how) p = enc_##how(p, ((const T *)r)->m, r);
#define ENC_CASE(type, fields, fixed, tail)					\
	case SCRY_REC_##type:							\
		fields(ENC_FIELD)						\
		p = put_tail_##tail(p, r);					\
		break;
	switch (r->h.type) {
	RECORDS(ENC_CASE)
	}
	return p - out;
}

/* The length goes between the tag and the body; a body past 127 bytes needs a second byte. */
_Static_assert(SCRY_REC_MAX + SCRY_REC_MAX / 4 + 32 < (1 << 14), "a body length in two bytes");

size_t cap_event_encode(struct cap_ctx *c, uint8_t *out, const union scry_rec *r)
{
	size_t body = cap_rec_encode(c, out + 1, r) - 1;

	out[0] = r->h.type;
	if (body < 0x80) {
		out[1] = body;
		return 2 + body;
	}
	memmove(out + 3, out + 2, body);
	put_uv(out + 1, body);
	return 3 + body;
}

/* A value read for a member of `width` bytes must fit it. */
static inline bool fits(uint64_t v, size_t width)
{
	return width >= 8 || !(v >> (8 * width));
}

static inline bool fits_signed(int64_t v, size_t width)
{
	return width >= 8 || (v >= -(INT64_C(1) << (8 * width - 1)) &&
			      v < (INT64_C(1) << (8 * width - 1)));
}

#define DEC_U(T, m)								\
	do {									\
		uint64_t v_;							\
		if (!get_uv(&p, end, &v_) || !fits(v_, sizeof(((T *)0)->m)))	\
			return NULL;						\
		((T *)out)->m = v_;						\
	} while (0)
#define DEC_S(T, m)								\
	do {									\
		uint64_t v_;							\
		if (!get_uv(&p, end, &v_) || !fits_signed(unzz(v_), sizeof(((T *)0)->m))) \
			return NULL;						\
		((T *)out)->m = unzz(v_);					\
	} while (0)
#define DEC_TSREL(T, m)								\
	do {									\
		uint64_t v_;							\
		if (!get_uv(&p, end, &v_) || (v_ && v_ - 1 > out->h.ts))	\
			return NULL;						\
		((T *)out)->m = v_ ? out->h.ts - (v_ - 1) : 0;			\
	} while (0)
#define DEC_COMM(T, m)								\
	do {									\
		if (!get_comm(&p, end, ((T *)out)->m))				\
			return NULL;						\
	} while (0)

#define DEC_B16(T, m)								\
	do {									\
		_Static_assert(sizeof(((T *)0)->m) == 16, #m " is 16 bytes");	\
		if (end - p < 16)						\
			return NULL;						\
		memcpy(((T *)out)->m, p, 16);					\
		p += 16;							\
	} while (0)

/* A comm is at most 15 bytes (the kernel keeps a NUL in its 16): a 16th is damage, not a name. */
static inline bool get_comm(const uint8_t **pp, const uint8_t *end, char *dst)
{
	const uint8_t *p = *pp;

	if (p >= end || *p > CAP_COMM_MAX || (size_t)(end - p - 1) < *p)
		return false;
	scry_comm_set(dst, (const char *)p + 1, *p);
	*pp = p + 1 + *p;
	return true;
}

/* The common header after the tag: its mask, then what the mask says differs. */
static bool get_hdr(struct cap_ctx *c, const uint8_t **pp, const uint8_t *end, struct scry_hdr *h)
{
	uint64_t v, w;
	uint8_t mask;

	if (*pp >= end || (**pp & ~M_ALL))
		return false;
	mask = *(*pp)++;
	if (!get_uv(pp, end, &v))
		return false;
	h->ts = c->ts + (uint64_t)unzz(v);
	if (!(mask & M_CPU)) {
		if (!get_uv(pp, end, &v) || v > UINT16_MAX)
			return false;
		c->cpu = v;
	}
	if (!(mask & M_TASK)) {
		if (!get_uv(pp, end, &v) || !get_uv(pp, end, &w) || v > UINT32_MAX || w > UINT32_MAX)
			return false;
		c->pid = v;
		c->tid = w;
	}
	if (!(mask & M_CGROUP) && !get_uv(pp, end, &c->cgid))
		return false;
	if (!(mask & M_COMM) && !get_comm(pp, end, c->comm))
		return false;
	v = 0;
	if ((mask & M_FLAGS) && (!get_uv(pp, end, &v) || v > UINT16_MAX))
		return false;
	h->flags = v;
	c->ts = h->ts;
	h->cpu = c->cpu;
	h->pid = c->pid;
	h->tid = c->tid;
	h->cgid = c->cgid;
	memcpy(h->comm, c->comm, SCRY_COMM_LEN);
	return true;
}

/* The tails, after the fields: the record's size, or 0 if the item is malformed. */
static inline uint32_t get_tail_NONE(const uint8_t **pp, const uint8_t *end, union scry_rec *r,
				     uint32_t fixed, bool framed)
{
	return fixed;
}

/*
 * 2.3's socket addresses after an exit's path; true if there are none or they are whole. Only an
 * item with a length can have them: format 1's items end where their fields do.
 */
static bool get_exit_sock(const uint8_t **pp, const uint8_t *end, struct scry_rec_sys_exit *x,
			  bool framed)
{
	/* family, sktype, protocol, lport, rport: each within its member */
	static const uint64_t max[5] = { UINT16_MAX, UINT8_MAX, UINT8_MAX, UINT16_MAX, UINT16_MAX };
	struct scry_sock_addr *a = (void *)x->path;
	const uint8_t *p = *pp;
	uint64_t fl, v[6];
	unsigned int i;

	if (!framed || p >= end)
		return true;
	if (!get_uv(&p, end, &fl))
		return false;
	/* a newer writer's flags: their fields come after */
	x->xflags = fl & (SCRY_SX_SOCK | SCRY_SX_FILE | SCRY_SX_FDPAIR | SCRY_SX_DATA |
			  SCRY_SX_POLL | SCRY_SX_CREATED);
	/* 2.7 (diff18): a mark on an open's file, with no bytes of its own */
	if (!(fl & SCRY_SX_FILE))
		x->xflags &= ~SCRY_SX_CREATED;
	if (!(fl & SCRY_SX_SOCK))
		goto more;
	if (x->path_len)	/* the addresses stand where a path would */
		return false;
	for (i = 0; i < 5; i++)
		if (!get_uv(&p, end, &v[i]) || v[i] > max[i])
			return false;
	if (end - p < 32)
		return false;
	a->family = v[0];
	a->sktype = v[1];
	a->protocol = v[2];
	a->lport = v[3];
	a->rport = v[4];
	memcpy(a->laddr, p, 16);
	memcpy(a->raddr, p + 16, 16);
	p += 32;
	if (!get_uv(&p, end, &v[5]) || v[5] > SCRY_PATH_MAX - sizeof(*a) ||
	    (size_t)(end - p) < v[5] || (v[5] && p[v[5] - 1] != '\0'))
		return false;
	memcpy(a->name, p, v[5]);
	p += v[5];
	x->path_len = sizeof(*a) + v[5];
more:
	if (fl & SCRY_SX_FDPAIR) {
		struct scry_exit_fdpair *fp = (void *)x->path;

		if (x->path_len || !get_uv(&p, end, &v[0]) || !get_uv(&p, end, &v[1]) ||
		    !get_uv(&p, end, &v[2]) || !get_uv(&p, end, &v[3]))
			return false;
		fp->fd[0] = unzz(v[0]);
		fp->fd[1] = unzz(v[1]);
		if ((int64_t)fp->fd[0] != unzz(v[0]) || (int64_t)fp->fd[1] != unzz(v[1]))
			return false;
		fp->ino[0] = v[2];
		fp->ino[1] = v[3];
		x->path_len = sizeof(*fp);
	}
	if (fl & SCRY_SX_FILE) {
		uint32_t at = (x->path_len + 7U) & ~7U;
		struct scry_exit_file *xf = (void *)(x->path + at);

		if ((fl & (SCRY_SX_SOCK | SCRY_SX_FDPAIR)) || at + sizeof(*xf) > SCRY_PATH_MAX ||
		    !get_uv(&p, end, &v[0]) || !get_uv(&p, end, &v[1]) || v[1] > UINT32_MAX)
			return false;
		memset(x->path + x->path_len, 0, at - x->path_len);
		xf->ino = v[0];
		xf->dev = v[1];
		xf->__pad = 0;
	}
	*pp = p;
	return true;
}

/*
 * 2.4's data after the socket's addresses (SCRY_SX_DATA): into the record where it ends it, after
 * path[] padded to 8. The record's size, or 0 if the item is malformed.
 */
static uint32_t get_exit_data(const uint8_t **pp, const uint8_t *end, struct scry_rec_sys_exit *x)
{
	uint32_t path_end = SCRY_SYS_EXIT_ARGS + ((x->path_len + 7u) & ~7u), off = path_end, pad;
	struct scry_exit_data *d;
	uint64_t n;

	if (x->xflags & SCRY_SX_FILE)
		off += sizeof(struct scry_exit_file);
	if (!(x->xflags & (SCRY_SX_DATA | SCRY_SX_POLL)))
		return (x->xflags & SCRY_SX_FILE) ? off : SCRY_SYS_EXIT_ARGS + x->path_len;
	d = (void *)((uint8_t *)x + off);
	if (!x->nargs || !get_uv(pp, end, &n) || !n || n > SCRY_SNAPLEN_MAX ||
	    (size_t)(end - *pp) < n)
		return 0;
	_Static_assert(SCRY_SYS_EXIT_ARGS + SCRY_PATH_MAX + sizeof(struct scry_exit_file) +
		       sizeof(struct scry_exit_data) + SCRY_SNAPLEN_MAX + 8 <= SCRY_REC_MAX,
		       "a replayed data exit fits its buffer");
	memset((uint8_t *)x->path + x->path_len, 0, path_end - SCRY_SYS_EXIT_ARGS - x->path_len);
	d->len = n;
	d->__pad = 0;
	memcpy(d->data, *pp, n);
	pad = ((n + 7) & ~7u) - n;
	memset(d->data + n, 0, pad);
	*pp += n;
	return off + sizeof(*d) + n + pad;
}

static uint32_t get_tail_EXIT(const uint8_t **pp, const uint8_t *end, union scry_rec *r,
			      uint32_t fixed, bool framed)
{
	struct scry_rec_sys_exit *x = &r->exit;
	const uint8_t *p = *pp;
	unsigned int i, shape;
	uint64_t v;

	if (p >= end || (*p & ~SH_ALL) || (*p & SH_NARGS) > SCRY_NARGS)
		return 0;
	shape = *p++;
	x->nargs = shape & SH_NARGS;
	if ((shape & SH_FD0) && (p >= end || !(x->fd_kind[0] = *p++)))
		return 0;
	if ((shape & SH_FD1) && (p >= end || !(x->fd_kind[1] = *p++)))
		return 0;
	if (shape & SH_PATH) {
		if (!get_uv(&p, end, &v) || !v || v > SCRY_PATH_MAX)
			return 0;
		x->path_len = v;
	}
	*pp = p;
	if (!x->nargs && !x->path_len)
		return fixed;
	memset(x->args, 0, sizeof(x->args));
	for (i = 0; i < x->nargs; i++) {
		if (!get_uv(pp, end, &v))
			return 0;
		x->args[i] = unzz(v);
	}
	if ((size_t)(end - *pp) < x->path_len)
		return 0;
	memcpy(x->path, *pp, x->path_len);
	*pp += x->path_len;
	if (!get_exit_sock(pp, end, x, framed))
		return 0;
	return get_exit_data(pp, end, x);
}

static uint32_t get_tail_EXEC(const uint8_t **pp, const uint8_t *end, union scry_rec *r,
			      uint32_t fixed, bool framed)
{
	struct scry_rec_exec *e = &r->exec;
	size_t n = (size_t)e->exe_len + e->args_len;

	if (e->exe_len > SCRY_EXE_MAX || e->args_len > SCRY_ARGS_MAX || (size_t)(end - *pp) < n)
		return 0;
	memcpy(e->data, *pp, n);
	*pp += n;
	e->env_len = 0;
	if (framed && !cap_get_pi(pp, end, &e->pi))
		return 0;
	if (framed && *pp < end && (e->pi.pi_flags & SCRY_PI_VALID)) {
		uint64_t v;

		if (!get_uv(pp, end, &v) || !v || v > SCRY_ENV_MAX ||
		    v > SCRY_EXE_MAX + SCRY_ARGS_MAX - n || v > (uint64_t)(end - *pp))
			return 0;
		memcpy(e->data + n, *pp, v);
		*pp += v;
		e->env_len = v;
	}
	return fixed + n + e->env_len;
}

static uint32_t get_tail_PFORK(const uint8_t **pp, const uint8_t *end, union scry_rec *r,
			       uint32_t fixed, bool framed)
{
	if (framed && !cap_get_pi(pp, end, &r->fork.pi))
		return 0;
	return fixed;
}

/* 2.6's reaper of a process's children (an older item ends before it: not known). */
static uint32_t get_tail_PEXIT(const uint8_t **pp, const uint8_t *end, union scry_rec *r,
			       uint32_t fixed, bool framed)
{
	struct scry_rec_exit *x = &r->pexit;
	uint64_t fl, reaper;

	x->exit_flags &= ~SCRY_EXIT_REAPER;
	if (!framed || *pp >= end)
		return fixed;
	if (!get_uv(pp, end, &fl))
		return 0;
	if (!(fl & SCRY_EXIT_REAPER))
		return fixed;	/* a newer writer's flags alone: their fields come after */
	if (!get_uv(pp, end, &reaper) || !reaper || reaper > UINT32_MAX)
		return 0;
	x->exit_flags |= SCRY_EXIT_REAPER;
	x->reaper = reaper;
	return fixed;
}

/* 2.3's byte counters of a TCP socket's record (an older item ends before them). */
static uint32_t get_tail_SOCK(const uint8_t **pp, const uint8_t *end, union scry_rec *r,
			      uint32_t fixed, bool framed)
{
	struct scry_rec_sock_state *s = &r->sock;
	uint64_t fl, in, out;

	if (!framed || *pp >= end)
		return fixed;
	if (!get_uv(pp, end, &fl))
		return 0;
	s->xflags = fl & SCRY_SOCK_BYTES;	/* a newer writer's flags: its fields come after */
	if (!(fl & SCRY_SOCK_BYTES))
		return fixed;
	if (!get_uv(pp, end, &in) || !get_uv(pp, end, &out))
		return 0;
	s->bytes_in = in;
	s->bytes_out = out;
	return fixed;
}

/* 2.5's scheduler accounting (a 2.4 item, or a silent one, ends before it: zeros). */
static uint32_t get_acct(const uint8_t **pp, const uint8_t *end, struct scry_sched_acct *a,
			 uint32_t fixed, bool framed)
{
	uint64_t fl, wait, off, why, min, maj;

	if (!framed || *pp >= end)
		return fixed;
	if (!get_uv(pp, end, &fl))
		return 0;
	if (!(fl & ACCT_PRESENT))
		return fixed;	/* a newer writer's flags alone: their fields come after */
	if (!get_uv(pp, end, &wait) || !get_uv(pp, end, &off) || !get_uv(pp, end, &why) ||
	    !get_uv(pp, end, &min) || !get_uv(pp, end, &maj) || min > UINT32_MAX ||
	    maj > UINT32_MAX)
		return 0;
	/* A reason a later minor version added: the time stays, its reason is not known here. */
	if (why >= SCRY_OFF__MAX)
		why = SCRY_OFF_NONE;
	a->wait_ns = wait;
	a->off_ns = off;
	a->off_reason = why;
	a->min_flt = min;
	a->maj_flt = maj;
	if (fl & ACCT_CPU) {
		uint64_t u, sy;

		if (!get_uv(pp, end, &u) || !get_uv(pp, end, &sy) || u > UINT32_MAX ||
		    sy > UINT32_MAX)
			return 0;
		a->utime_ns = u;
		a->stime_ns = sy;
	}
	if (fl & ACCT_MEM) {
		uint64_t vs, vr, vw;

		if (!get_uv(pp, end, &vs) || !get_uv(pp, end, &vr) || !get_uv(pp, end, &vw) ||
		    vs > UINT32_MAX || vr > UINT32_MAX || vw > UINT32_MAX)
			return 0;
		a->vm_size_kb = vs;
		a->vm_rss_kb = vr;
		a->vm_swap_kb = vw;
		a->acct_flags |= SCRY_ACCT_MEM;
	}
	return fixed;
}

static uint32_t get_tail_SWACCT(const uint8_t **pp, const uint8_t *end, union scry_rec *r,
				uint32_t fixed, bool framed)
{
	return get_acct(pp, end, &r->sw.acct, fixed, framed);
}

static uint32_t get_tail_TICKACCT(const uint8_t **pp, const uint8_t *end, union scry_rec *r,
				  uint32_t fixed, bool framed)
{
	return get_acct(pp, end, &r->tick.acct, fixed, framed);
}

static uint32_t get_tail_SIO(const uint8_t **pp, const uint8_t *end, union scry_rec *r,
			     uint32_t fixed, bool framed)
{
	struct scry_rec_sock_io *s = &r->sio;
	uint64_t fl, sport, dport;

	if (!framed || *pp >= end)
		return fixed;
	if (!get_uv(pp, end, &fl))
		return 0;
	if (!(fl & SCRY_SIO_ADDR))
		return fixed;	/* a newer writer's flags alone: their fields come after */
	if (!get_uv(pp, end, &sport) || !get_uv(pp, end, &dport) || sport > UINT16_MAX ||
	    dport > UINT16_MAX || end - *pp < 32)
		return 0;
	s->xflags = SCRY_SIO_ADDR;
	s->sport = sport;
	s->dport = dport;
	memcpy(s->saddr, *pp, 16);
	memcpy(s->daddr, *pp + 16, 16);
	*pp += 32;
	return fixed;
}

static uint32_t get_tail_FDSEED(const uint8_t **pp, const uint8_t *end, union scry_rec *r,
				uint32_t fixed, bool framed)
{
	struct scry_rec_fd_seed *f = &r->fdseed;

	if (f->name_len > SCRY_FD_NAME_MAX || (size_t)(end - *pp) < f->name_len ||
	    (f->name_len && (*pp)[f->name_len - 1] != '\0'))
		return 0;
	memcpy(f->name, *pp, f->name_len);
	*pp += f->name_len;
	return fixed + f->name_len;
}

/* The body of an event item of a known type, from its mask on; the end of what was read. */
static const uint8_t *get_body(struct cap_ctx *c, uint8_t type, const uint8_t *p,
			       const uint8_t *end, union scry_rec *out, uint32_t *size, bool framed)
{
	/* 2.6's tails are read in a 2.6 file or later: an older one's bytes there are not them */
	bool framed26 = framed && c->minor >= 6;
	uint32_t sz = 0;

	memset(out, 0, REC_FIXED_MAX);
	out->h.type = type;
	if (!get_hdr(c, &p, end, &out->h))
		return NULL;
#define TAIL_FRAMED_NONE framed
#define TAIL_FRAMED_EXIT framed
#define TAIL_FRAMED_SOCK framed
#define TAIL_FRAMED_SIO framed
#define TAIL_FRAMED_SWACCT framed
#define TAIL_FRAMED_TICKACCT framed
#define TAIL_FRAMED_FDSEED framed
#define TAIL_FRAMED_EXEC framed26
#define TAIL_FRAMED_PFORK framed26
#define TAIL_FRAMED_PEXIT framed26
#define DEC_FIELD(T, m, how) DEC_##how(T, m);
#define DEC_CASE(type, fields, fixed, tail)					\
	case SCRY_REC_##type:							\
		fields(DEC_FIELD)						\
		sz = get_tail_##tail(&p, end, out, fixed, TAIL_FRAMED_##tail);	\
		break;
	switch (type) {
	RECORDS(DEC_CASE)
	}
	if (!sz)
		return NULL;
	out->h.size = sz;
	*size = sz;
	return p;
}

int cap_rec_decode(struct cap_ctx *c, const uint8_t *in, size_t len, union scry_rec *out,
		   uint32_t *size)
{
	const uint8_t *p;

	if (len < 2 || in[0] == SCRY_REC_NONE || in[0] >= SCRY_REC__MAX)
		return -EBADMSG;
	p = get_body(c, in[0], in + 1, in + len, out, size, false);
	return p ? p - in : -EBADMSG;
}

int cap_event_decode(struct cap_ctx *c, const uint8_t *in, size_t len, union scry_rec *out,
		     uint32_t *size)
{
	const uint8_t *p = in + 1, *end;
	struct scry_hdr h;
	uint64_t n;

	if (len < 2 || in[0] == SCRY_REC_NONE || in[0] >= CAP_TAG_LENGTH_PREFIXED ||
	    !get_uv(&p, in + len, &n) || n > (uint64_t)(in + len - p))
		return -EBADMSG;
	end = p + n;
	/* Bytes after the fields this reader knows are a newer minor version's: ignored. */
	if (in[0] < SCRY_REC__MAX)
		return get_body(c, in[0], p, end, out, size, true) ? end - in : -EBADMSG;
	/*
	 * A type of a newer minor version: its common header still moves the delta context on (the
	 * items after it are relative to it); the rest is skipped, and the caller counts it.
	 */
	if (!get_hdr(c, &p, end, &h))
		return -EBADMSG;
	*size = 0;
	return end - in;
}
