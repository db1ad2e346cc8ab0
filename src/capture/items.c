// SPDX-License-Identifier: GPL-2.0
/*
 * The capture's length-prefixed items: loss markers, end markers, and the process table and
 * container snapshots, each field a varint or a length-prefixed string, in a fixed order that a
 * newer minor version may only extend at the end. docs/capture-format.md is the specification.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void cap_buf__free(struct cap_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static bool buf_room(struct cap_buf *b, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (b->err)
		return false;
	if (b->len + n <= b->cap)
		return true;
	for (cap = b->cap ? b->cap : 4096; cap < b->len + n; cap *= 2)
		;
	p = realloc(b->p, cap);
	if (!p) {
		b->err = -ENOMEM;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static void buf_uv(struct cap_buf *b, uint64_t v)
{
	if (buf_room(b, 10))
		b->len = put_uv(b->p + b->len, v) - b->p;
}

static void buf_str(struct cap_buf *b, const char *s, size_t n)
{
	buf_uv(b, n);
	if (buf_room(b, n)) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
	}
}

/* Optional string: 0 for none, else its length + 1. */
static void buf_optstr(struct cap_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	buf_uv(b, s ? n + 1 : 0);
	if (n && buf_room(b, n)) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
	}
}

/* An item's tag and room for its length; item_end() writes the length and closes the gap. */
static size_t item_begin(struct cap_buf *b, uint8_t tag)
{
	size_t at = b->len;

	if (buf_room(b, 6)) {
		b->p[b->len] = tag;
		b->len += 6;
	}
	return at;
}

static void item_end(struct cap_buf *b, size_t at)
{
	size_t body, n;

	if (b->err)
		return;
	body = b->len - at - 6;
	n = uv_len(body);
	put_uv(b->p + at + 1, body);
	memmove(b->p + at + 1 + n, b->p + at + 6, body);
	b->len -= 5 - n;
}

/*
 * The numbers of the fixed items, in file order: (struct, member, how, largest value a reader
 * takes). U an unsigned varint, S the zigzag varint of a signed member, BOOL a varint whose bit 0
 * is the flag. The encoder and the decoder of each item walk the same table; strings and lists
 * follow the numbers, by hand.
 */
enum { K_U, K_S, K_BOOL };

struct item_field {
	uint16_t off;
	uint8_t width;
	uint8_t kind;
	uint64_t max;
};

#define FIELD(T, m, kind, max) { offsetof(T, m), sizeof(((T *)0)->m), K_##kind, max }
#define TS_MAX (CAP_TS_MAX - 1)		/* times and counts a reader may add up */

static const struct item_field loss_fields[] = {
	FIELD(struct cap_loss, records, U, TS_MAX), FIELD(struct cap_loss, events, U, TS_MAX),
	FIELD(struct cap_loss, first_ts, U, TS_MAX), FIELD(struct cap_loss, last_ts, U, TS_MAX),
};

static const struct item_field end_fields[] = {
	FIELD(struct cap_end, records, U, UINT64_MAX), FIELD(struct cap_end, events, U, UINT64_MAX),
	FIELD(struct cap_end, lost_records, U, UINT64_MAX),
	FIELD(struct cap_end, lost_events, U, UINT64_MAX), FIELD(struct cap_end, continues, U, 1),
};

static const struct item_field proc_fields[] = {
	FIELD(struct scry_proc, pid, U, UINT32_MAX), FIELD(struct scry_proc, ppid, U, UINT32_MAX),
	FIELD(struct scry_proc, vpid, U, UINT32_MAX), FIELD(struct scry_proc, uid, U, UINT32_MAX),
	FIELD(struct scry_proc, gid, U, UINT32_MAX), FIELD(struct scry_proc, cgid, U, UINT64_MAX),
	FIELD(struct scry_proc, start_ts, U, TS_MAX), FIELD(struct scry_proc, cpu_ns, U, UINT64_MAX),
	FIELD(struct scry_proc, dead, BOOL, UINT64_MAX),
	FIELD(struct scry_proc, exit_code, S, UINT32_MAX),
	FIELD(struct scry_proc, dead_ts, U, TS_MAX),
};

static const struct item_field thread_fields[] = {
	FIELD(struct cap_thread, tid, U, UINT32_MAX), FIELD(struct cap_thread, pid, U, UINT32_MAX),
	FIELD(struct cap_thread, vtid, U, UINT32_MAX),
	FIELD(struct cap_thread, cpu_ns, U, UINT64_MAX),
	FIELD(struct cap_thread, dead, BOOL, UINT64_MAX),
	FIELD(struct cap_thread, dead_ts, U, TS_MAX), FIELD(struct cap_thread, enter_ts, U, TS_MAX),
	FIELD(struct cap_thread, enter_nr, U, UINT32_MAX),
};

#define NFIELDS(t) (sizeof(t) / sizeof((t)[0]))

/* A member's value, widened: bools as 0/1, signed members sign-extended. */
static uint64_t load(const void *s, const struct item_field *f)
{
	const char *p = (const char *)s + f->off;

	if (f->kind == K_BOOL)
		return *(const bool *)p;
	if (f->kind == K_S && f->width == 4)
		return (uint64_t)(int64_t)*(const int32_t *)p;
	return cap_load_uint(p, f->width);
}

static void store(void *s, const struct item_field *f, uint64_t v)
{
	char *p = (char *)s + f->off;

	if (f->kind == K_BOOL)
		*(bool *)p = v & 1;
	else
		cap_store_uint(p, f->width, v);
}

static uint8_t *put_fields(uint8_t *p, const void *s, const struct item_field *f, size_t n)
{
	for (; n--; f++) {
		uint64_t v = load(s, f);

		p = put_uv(p, f->kind == K_S ? zz((int64_t)v) : v);
	}
	return p;
}

static void buf_fields(struct cap_buf *b, const void *s, const struct item_field *f, size_t n)
{
	if (buf_room(b, 10 * n))
		b->len = put_fields(b->p + b->len, s, f, n) - b->p;
}

size_t cap_loss_encode(uint8_t *out, const struct cap_loss *l)
{
	uint8_t *p = put_fields(out + 2, l, loss_fields, NFIELDS(loss_fields));

	out[0] = CAP_TAG_LOSS;
	out[1] = p - out - 2;	/* < 128: one byte */
	return p - out;
}

void cap_put_loss(struct cap_buf *b, const struct cap_loss *l)
{
	if (buf_room(b, 64))
		b->len += cap_loss_encode(b->p + b->len, l);
}

void cap_put_end(struct cap_buf *b, const struct cap_end *e)
{
	size_t at = item_begin(b, CAP_TAG_END);

	buf_fields(b, e, end_fields, NFIELDS(end_fields));
	item_end(b, at);
}

void cap_put_proc(struct cap_buf *b, const struct scry_proc *p)
{
	size_t at = item_begin(b, CAP_TAG_PROC);

	buf_fields(b, p, proc_fields, NFIELDS(proc_fields));
	buf_str(b, p->comm, strnlen(p->comm, SCRY_COMM_LEN));
	buf_str(b, p->exe, strlen(p->exe));
	buf_str(b, p->args, p->args_len);
	buf_uv(b, p->loginuid);		/* since 2.6 */
	/* 2.6: its info, as fork and exec items end (its loginuid the one above) */
	if (buf_room(b, 100))
		b->len = cap_put_pi(b->p + b->len, &p->info) - b->p;
	/* 2.6: its environment (proc.env), after the info, when the recorder kept it */
	if (p->env_len && (p->info.pi_flags & SCRY_PI_VALID))
		buf_str(b, p->env, p->env_len);
	item_end(b, at);
}

void cap_put_thread(struct cap_buf *b, const struct scry_thread *t, uint32_t pid)
{
	struct cap_thread ct = { .tid = t->tid, .pid = pid, .vtid = t->vtid, .cpu_ns = t->cpu_ns,
				 .dead = t->dead, .dead_ts = t->dead_ts, .enter_ts = t->enter_ts,
				 .enter_nr = t->enter_nr };
	size_t at = item_begin(b, CAP_TAG_THREAD);

	buf_fields(b, &ct, thread_fields, NFIELDS(thread_fields));
	buf_str(b, t->comm, strnlen(t->comm, SCRY_COMM_LEN));
	/* 2.6: its page faults so far (what thread.pfminor and pfmajor show) */
	buf_uv(b, t->min_flt_base + t->sched.min_flt);
	buf_uv(b, t->maj_flt_base + t->sched.maj_flt);
	item_end(b, at);
}

/* The file's runtime codes, independent of enum ctr_runtime's values. */
static const uint8_t rt_code[CTR_RUNTIME__MAX] = {
	[CTR_HOST] = 0, [CTR_DOCKER] = 1, [CTR_CONTAINERD] = 2, [CTR_CRIO] = 3,
	[CTR_PODMAN] = 4, [CTR_LXC] = 5,
};
_Static_assert(CTR_RUNTIME__MAX == 6, "give a new runtime a code in rt_code[] and the docs");

/* Since 2.6: the image's parts, privileged, mounts and health probes (issue 15). */
static void put_ctr_15(struct cap_buf *b, const struct ctr_meta *m)
{
	size_t i;

	buf_optstr(b, m->image_id);
	buf_optstr(b, m->image_repo);
	buf_optstr(b, m->image_tag);
	buf_optstr(b, m->image_digest);
	buf_uv(b, m->privileged);
	buf_uv(b, m->nmounts);
	for (i = 0; i < m->nmounts; i++) {
		const struct ctr_mount *mt = &m->mounts[i];

		buf_str(b, mt->source, strlen(mt->source));
		buf_str(b, mt->dest, strlen(mt->dest));
		buf_str(b, mt->mode, strlen(mt->mode));
		buf_str(b, mt->propagation, strlen(mt->propagation));
		buf_uv(b, mt->rw);
	}
	buf_uv(b, CTR_PROBE__MAX);
	for (i = 0; i < CTR_PROBE__MAX; i++) {
		/* optional, and its words NUL-separated: length + 1, then the bytes */
		buf_uv(b, m->probe[i] ? m->probe_len[i] + 1ULL : 0);
		if (m->probe[i] && buf_room(b, m->probe_len[i])) {
			memcpy(b->p + b->len, m->probe[i], m->probe_len[i]);
			b->len += m->probe_len[i];
		}
	}
}

void cap_put_ctr(struct cap_buf *b, const struct scry_container *c, const uint64_t *cgids,
		 uint32_t ncgids)
{
	const struct ctr_meta *m = &c->meta;
	size_t at = item_begin(b, CAP_TAG_CONTAINER), i;

	buf_str(b, c->id, strnlen(c->id, CTR_ID_MAX - 1));
	buf_uv(b, rt_code[c->runtime < CTR_RUNTIME__MAX ? c->runtime : 0]);
	buf_uv(b, c->resolved ? 1 : 0);
	buf_uv(b, m->started_ns);
	buf_optstr(b, m->name);
	buf_optstr(b, m->image);
	buf_optstr(b, m->pod_name);
	buf_optstr(b, m->pod_ns);
	buf_optstr(b, m->k8s_container);
	buf_uv(b, m->nlabels);
	for (i = 0; i < m->nlabels; i++) {
		buf_str(b, m->labels[i].key, strlen(m->labels[i].key));
		buf_str(b, m->labels[i].val, strlen(m->labels[i].val));
	}
	buf_uv(b, ncgids);
	for (i = 0; i < ncgids; i++)
		buf_uv(b, cgids[i]);
	put_ctr_15(b, m);
	buf_optstr(b, m->upper_dir);	/* since 2.7 (issue 18, diff18) */
	item_end(b, at);
}

int cap_item_span(const uint8_t *in, size_t len, uint8_t *tag, const uint8_t **body,
		  size_t *body_len)
{
	const uint8_t *p = in + 1, *end = in + len;
	uint64_t n;

	if (len < 2 || !get_uv(&p, end, &n) || n > (uint64_t)(end - p))
		return -EBADMSG;
	*tag = in[0];
	*body = p;
	*body_len = n;
	return (p - in) + n;
}

/* A cursor over an item's body; `bad` latches on the first field that does not fit. */
struct rd {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t rd_uv(struct rd *r, uint64_t max)
{
	uint64_t v = 0;

	if (!r->bad && (!get_uv(&r->p, r->end, &v) || v > max))
		r->bad = true;
	return r->bad ? 0 : v;
}

static const char *rd_str(struct rd *r, size_t max, size_t *len)
{
	uint64_t n = rd_uv(r, max);
	const char *s = (const char *)r->p;

	if (r->bad || n > (uint64_t)(r->end - r->p)) {
		r->bad = true;
		*len = 0;
		return "";
	}
	r->p += n;
	*len = n;
	return s;
}

/* The numbers of an item, each within its field's largest value. */
static void rd_fields(struct rd *r, void *s, const struct item_field *f, size_t n)
{
	for (; n--; f++) {
		uint64_t v = rd_uv(r, f->max);

		store(s, f, f->kind == K_S ? (uint64_t)unzz(v) : v);
	}
}

/* A comm: at most 15 bytes, as the kernel's. */
static void rd_comm(struct rd *r, char *dst)
{
	size_t n;
	const char *s = rd_str(r, CAP_COMM_MAX, &n);

	scry_comm_set(dst, s, n);
}

/* Times below CAP_TS_MAX, and counts too: sums of them never overflow. */
int cap_get_loss(const uint8_t *b, size_t len, struct cap_loss *l)
{
	struct rd r = { b, b + len, false };

	rd_fields(&r, l, loss_fields, NFIELDS(loss_fields));
	return r.bad || l->first_ts > l->last_ts ? -EBADMSG : 0;
}

int cap_get_end(const uint8_t *b, size_t len, struct cap_end *e)
{
	struct rd r = { b, b + len, false };

	rd_fields(&r, e, end_fields, NFIELDS(end_fields));
	return r.bad ? -EBADMSG : 0;
}

int cap_get_proc(const uint8_t *b, size_t len, struct cap_proc *cp)
{
	struct rd r = { b, b + len, false };
	struct scry_proc *p = &cp->p;
	size_t n;

	memset(cp, 0, sizeof(*cp));
	rd_fields(&r, p, proc_fields, NFIELDS(proc_fields));
	rd_comm(&r, p->comm);
	/* No recorder keeps more: longer is damage, not a command line to hold. */
	cp->exe = rd_str(&r, CAP_EXE_MAX, &n);
	cp->exe_len = n;
	cp->args = rd_str(&r, CAP_ARGS_MAX, &n);
	cp->args_len = n;
	/* a 2.5 item ends here: its process's login uid is not known */
	p->loginuid = r.p < r.end ? rd_uv(&r, UINT32_MAX) : UINT32_MAX;
	if (!r.bad && !cap_get_pi(&r.p, r.end, &p->info))
		r.bad = true;
	if (!r.bad && r.p < r.end && (p->info.pi_flags & SCRY_PI_VALID)) {
		cp->env = rd_str(&r, SCRY_ENV_MAX, &n);
		cp->env_len = n;
	}
	return r.bad || !p->pid ? -EBADMSG : 0;
}

int cap_get_thread(const uint8_t *b, size_t len, struct cap_thread *t)
{
	struct rd r = { b, b + len, false };

	memset(t, 0, sizeof(*t));
	rd_fields(&r, t, thread_fields, NFIELDS(thread_fields));
	rd_comm(&r, t->comm);
	if (r.p < r.end) {	/* 2.6 */
		t->min_flt = rd_uv(&r, UINT64_MAX);
		t->maj_flt = rd_uv(&r, UINT64_MAX);
	}
	return r.bad || !t->tid || !t->pid ? -EBADMSG : 0;
}

/*
 * A string of a container item, kept if the container's metadata has room for it (past the
 * limit it is read over and c->cut says so). NULL when absent, not kept, or on error.
 */
static char *rd_meta(struct rd *r, bool optional, struct cap_ctr *c, int *err)
{
	uint64_t n = rd_uv(r, UINT32_MAX);
	const char *p = (const char *)r->p;
	char *s = NULL;

	if (r->bad)
		return NULL;
	if (optional) {
		if (!n)
			return NULL;
		n--;
	}
	if (n > (uint64_t)(r->end - r->p)) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	if (c->meta_bytes + n > cap_limits[CAP_LIM_CTR_BYTES].max) {
		c->cut |= 1u << CAP_LIM_CTR_BYTES;
		return NULL;
	}
	s = strndup(p, n);
	if (!s)
		*err = -ENOMEM;
	else
		c->meta_bytes += strlen(s);
	return s;
}

/* Labels: at most cap_limits' count and bytes are kept; the item is read through either way. */
static int get_labels(struct rd *r, struct cap_ctr *c)
{
	uint64_t n = rd_uv(r, (r->end - r->p) / 2), i;	/* a label takes at least two bytes */
	uint64_t keep = cap_limits[CAP_LIM_LABELS].max;
	struct ctr_meta *m = &c->meta;
	int err = 0;

	if (r->bad || !n)
		return 0;
	m->labels = calloc(n < keep ? n : keep, sizeof(*m->labels));
	if (!m->labels)
		return -ENOMEM;
	for (i = 0; i < n && !r->bad && !err; i++) {
		struct ctr_label l;

		if (m->nlabels == keep) {
			c->cut |= 1u << CAP_LIM_LABELS;
			rd_str(r, UINT32_MAX, &(size_t){ 0 });
			rd_str(r, UINT32_MAX, &(size_t){ 0 });
			continue;
		}
		l.key = rd_meta(r, false, c, &err);
		l.val = rd_meta(r, false, c, &err);
		if (l.key && l.val) {
			m->labels[m->nlabels++] = l;
			continue;
		}
		/* A label without its key or value (not kept, or no memory) goes whole. */
		if (l.key)
			c->meta_bytes -= strlen(l.key);
		if (l.val)
			c->meta_bytes -= strlen(l.val);
		free(l.key);
		free(l.val);
	}
	return err;
}

/* A probe's command line: its bytes may hold NULs (argv). Kept as rd_meta keeps strings. */
static char *rd_probe(struct rd *r, struct cap_ctr *c, uint32_t *out_len, int *err)
{
	uint64_t n = rd_uv(r, UINT32_MAX);
	const uint8_t *p = r->p;
	char *s;

	if (r->bad || !n--)
		return NULL;
	if (n > (uint64_t)(r->end - r->p)) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	if (c->meta_bytes + n > cap_limits[CAP_LIM_CTR_BYTES].max) {
		c->cut |= 1u << CAP_LIM_CTR_BYTES;
		return NULL;
	}
	s = malloc(n + 1);
	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(s, p, n);
	s[n] = '\0';
	c->meta_bytes += n;
	*out_len = n;
	return s;
}

/* Mounts: at most cap_limits' count kept, strings within the container's bytes. */
static int get_mounts(struct rd *r, struct cap_ctr *c)
{
	uint64_t n = rd_uv(r, (r->end - r->p) / 5), i;	/* a mount takes at least five bytes */
	uint64_t keep = cap_limits[CAP_LIM_MOUNTS].max;
	struct ctr_meta *m = &c->meta;
	int err = 0;

	if (r->bad || !n)
		return 0;
	m->mounts = calloc(n < keep ? n : keep, sizeof(*m->mounts));
	if (!m->mounts)
		return -ENOMEM;
	for (i = 0; i < n && !r->bad && !err; i++) {
		struct ctr_mount mt = {};

		if (m->nmounts == keep) {
			c->cut |= 1u << CAP_LIM_MOUNTS;
			rd_str(r, UINT32_MAX, &(size_t){ 0 });
			rd_str(r, UINT32_MAX, &(size_t){ 0 });
			rd_str(r, UINT32_MAX, &(size_t){ 0 });
			rd_str(r, UINT32_MAX, &(size_t){ 0 });
			rd_uv(r, UINT64_MAX);
			continue;
		}
		mt.source = rd_meta(r, false, c, &err);
		mt.dest = rd_meta(r, false, c, &err);
		mt.mode = rd_meta(r, false, c, &err);
		mt.propagation = rd_meta(r, false, c, &err);
		mt.rw = rd_uv(r, UINT64_MAX) & 1;
		if (mt.source && mt.dest && mt.mode && mt.propagation) {
			m->mounts[m->nmounts++] = mt;
			continue;
		}
		/* A mount missing a part (not kept, or no memory) goes whole, as a label does. */
		c->meta_bytes -= (mt.source ? strlen(mt.source) : 0) + (mt.dest ? strlen(mt.dest) : 0) +
				 (mt.mode ? strlen(mt.mode) : 0) +
				 (mt.propagation ? strlen(mt.propagation) : 0);
		ctr_mount__free(&mt);
	}
	return err;
}

/* The fields since 2.6, where the item has them (an older file's item ends before them). */
static int get_ctr_15(struct rd *r, struct cap_ctr *c)
{
	struct ctr_meta *m = &c->meta;
	uint64_t nprobes, i;
	uint32_t plen = 0;
	int err = 0;

	if (r->bad || r->p == r->end)
		return 0;
	m->image_id = rd_meta(r, true, c, &err);
	m->image_repo = rd_meta(r, true, c, &err);
	m->image_tag = rd_meta(r, true, c, &err);
	m->image_digest = rd_meta(r, true, c, &err);
	m->privileged = rd_uv(r, UINT64_MAX);
	if (m->privileged > CTR_PRIV_YES)
		m->privileged = CTR_PRIV_UNKNOWN;	/* a newer scry's: unknown here */
	err = err ?: get_mounts(r, c);
	nprobes = rd_uv(r, (r->end - r->p));
	for (i = 0; i < nprobes && !r->bad && !err; i++) {
		char *s = rd_probe(r, c, &plen, &err);

		if (i < CTR_PROBE__MAX) {
			m->probe[i] = s;
			m->probe_len[i] = s ? plen : 0;
		} else {
			if (s)
				c->meta_bytes -= plen;
			free(s);	/* a kind a newer scry knows */
		}
	}
	return err;
}

int cap_get_ctr(const uint8_t *b, size_t len, struct cap_ctr *c)
{
	struct rd r = { b, b + len, false };
	struct ctr_meta *m = &c->meta;
	const char *id;
	uint64_t code, i;
	size_t n;
	int err = 0;

	memset(c, 0, sizeof(*c));
	id = rd_str(&r, CTR_ID_MAX - 1, &n);
	memcpy(c->id, id, n);
	code = rd_uv(&r, UINT64_MAX);
	for (i = 1; i < CTR_RUNTIME__MAX; i++)
		if (rt_code[i] == code)
			c->runtime = i;	/* unknown codes (a newer runtime) read as host */
	c->resolved = rd_uv(&r, UINT64_MAX) & 1;
	m->started_ns = rd_uv(&r, UINT64_MAX);
	m->name = rd_meta(&r, true, c, &err);
	m->image = rd_meta(&r, true, c, &err);
	m->pod_name = rd_meta(&r, true, c, &err);
	m->pod_ns = rd_meta(&r, true, c, &err);
	m->k8s_container = rd_meta(&r, true, c, &err);
	if (!err)
		err = get_labels(&r, c);
	c->ncgids = rd_uv(&r, UINT32_MAX);
	c->cgids = r.p;
	for (i = 0; i < c->ncgids && !r.bad; i++)
		rd_uv(&r, UINT64_MAX);
	c->cgids_len = r.p - c->cgids;
	if (!err)
		err = get_ctr_15(&r, c);
	/* 2.7 (diff18): its root's upper directory, where the item has it */
	if (!err && !r.bad && r.p != r.end)
		m->upper_dir = rd_meta(&r, true, c, &err);
	if (!err && (r.bad || !c->id[0] || memchr(c->id, '\0', n)))
		err = -EBADMSG;
	if (err)
		ctr_meta__free(m);
	return err;
}

bool cap_ctr_next_cgid(const struct cap_ctr *c, size_t *pos, uint64_t *cgid)
{
	const uint8_t *p = c->cgids + *pos;

	if (*pos >= c->cgids_len || !get_uv(&p, c->cgids + c->cgids_len, cgid))
		return false;
	*pos = p - c->cgids;
	return true;
}

void cap_put_userdb(struct cap_buf *b, const char *ctr, const struct user_ent *e)
{
	size_t at = item_begin(b, CAP_TAG_USERDB);

	buf_str(b, ctr, strnlen(ctr, CTR_ID_MAX - 1));
	buf_uv(b, e->kind);
	buf_uv(b, e->id);
	buf_str(b, e->name, e->name_len);
	if (e->kind == USERS_USER) {
		buf_str(b, e->home, e->home_len);
		buf_str(b, e->shell, e->shell_len);
	}
	item_end(b, at);
}

void cap_put_cgtext(struct cap_buf *b, uint32_t pid, uint64_t cgid, const char *text, size_t len)
{
	size_t at = item_begin(b, CAP_TAG_CGROUPS);

	buf_uv(b, pid);
	buf_uv(b, cgid);
	buf_str(b, text, len < SCRY_CGTEXT_MAX ? len : SCRY_CGTEXT_MAX);
	item_end(b, at);
}

int cap_get_cgtext(const uint8_t *b, size_t len, struct cap_cgtext *c)
{
	struct rd r = { b, b + len, false };

	memset(c, 0, sizeof(*c));
	c->pid = rd_uv(&r, UINT32_MAX);
	c->cgid = rd_uv(&r, UINT64_MAX);
	c->text = rd_str(&r, SCRY_CGTEXT_MAX, &c->len);
	/* a text with a NUL is not a cgroup file's */
	return r.bad || !c->pid || memchr(c->text, '\0', c->len) ? -EBADMSG : 0;
}

int cap_get_userdb(const uint8_t *b, size_t len, struct cap_userdb *u)
{
	struct rd r = { b, b + len, false };
	struct user_ent *e = &u->e;
	const char *ctr;
	size_t n, ctr_len;

	memset(u, 0, sizeof(*u));
	ctr = rd_str(&r, CTR_ID_MAX - 1, &ctr_len);
	memcpy(u->ctr, ctr, ctr_len);
	e->kind = rd_uv(&r, USERS_GROUP);
	e->id = rd_uv(&r, UINT32_MAX);
	e->found = true;
	/* No recorder keeps more: longer is damage. */
	e->name = rd_str(&r, USERS_NAME_MAX, &n);
	e->name_len = n;
	e->home = e->shell = "";
	if (e->kind == USERS_USER) {
		e->home = rd_str(&r, USERS_PATH_MAX, &n);
		e->home_len = n;
		e->shell = rd_str(&r, USERS_PATH_MAX, &n);
		e->shell_len = n;
	}
	return r.bad || !e->name_len || memchr(u->ctr, '\0', ctr_len) ? -EBADMSG : 0;
}
