// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a set of capture files as one stream. Files of one recording (same session id) are
 * read one after the other by their sequence number, whatever order they were named in; the
 * recordings themselves are merged record by record in time order. Recordings from another
 * boot (or host) are moved onto the first boot's clock through the wall-clock time of each
 * boot, so that they interleave as they happened.
 *
 * Before the first record: the container metadata of every file (a pre-scan that reads the
 * small state and metadata blocks and skips event blocks by their length), so that every event
 * shows its container's name even if the recorder learnt it later. The process table is seeded
 * from the snapshot at the start of each recording, and from a later file's snapshot when the
 * file before it is missing or damaged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scry/capture.h"
#include "scry/util.h"

#if defined(__x86_64__)
#define BUILD_MACHINE "x86_64"
#elif defined(__aarch64__)
#define BUILD_MACHINE "aarch64"
#else
#define BUILD_MACHINE NULL
#endif

struct stream {
	struct cap_file **files;	/* one recording's files, by sequence number */
	unsigned int nfiles, cur;
	int64_t delta;			/* added to its times: the reference boot's clock */
	struct cap_block blk;
	const uint8_t *p, *end;		/* items left in the current event block */
	struct cap_ctx ctx;
	bool apply_state;		/* the current file's snapshot seeds the tables */
	bool has_head;
	uint32_t head_size;
	struct cap_loss loss;		/* the recorder's losses in the current file */
	union {
		union scry_rec rec;
		uint8_t bytes[SCRY_REC_MAX];
	} head;
};

struct capture_reader {
	struct cap_file **files;
	int nfiles;
	struct stream *streams;
	int nstreams;
	int last;			/* the stream whose head was handed out */
	struct proctab *pt;
	struct containers *ct;
	uint64_t boot_wall;		/* of the reference boot */
	uint64_t start_ts;
	struct capture_read_stats st;
	cap_loss_fn *on_loss;		/* -r with -w: the recorder's losses go on into the new file */
	void *loss_ctx;
};

static void free_files(struct cap_file **f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		cap_file__free(f[i]);
	free(f);
}

void capture_reader__free(struct capture_reader *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < r->nstreams; i++)
		free(r->streams[i].files);
	free(r->streams);
	free_files(r->files, r->nfiles);
	free(r);
}

/* Usable files; fatal problems are errors, files cut short in their header warnings. */
static int open_all(struct capture_reader *r, const char *const *paths, int n)
{
	char msg[512], first[512] = "";
	int i, skipped = 0;

	r->files = calloc(n, sizeof(*r->files));
	if (!r->files)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		enum cap_open_err why;
		struct cap_file *f = cap_file__open(paths[i], &why, msg, sizeof(msg));

		if (f) {
			r->files[r->nfiles++] = f;
			continue;
		}
		if (why != CAP_OPEN_CUT && why != CAP_OPEN_DAMAGED) {
			log_err("%s", msg);
			return why == CAP_OPEN_SYS ? -ENOENT : -EINVAL;
		}
		if (!skipped++)
			snprintf(first, sizeof(first), "%s", msg);
		else
			log_warn("%s", msg);
	}
	if (!r->nfiles) {
		log_err("%s", first);
		return -EINVAL;
	}
	if (skipped)
		log_warn("%s", first);
	return 0;
}

static int by_recording(const void *a, const void *b)
{
	const struct cap_header *x = cap_file__header(*(struct cap_file *const *)a);
	const struct cap_header *y = cap_file__header(*(struct cap_file *const *)b);
	uint64_t wx = x->boot_wall + x->start_ts, wy = y->boot_wall + y->start_ts;

	if (x->session != y->session) {
		if (wx != wy)
			return wx < wy ? -1 : 1;
		return x->session < y->session ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bool same_boot(const struct cap_header *a, const struct cap_header *b)
{
	static const uint8_t zero[16];

	if (memcmp(a->boot_id, zero, 16) || memcmp(b->boot_id, zero, 16))
		return !memcmp(a->boot_id, b->boot_id, 16);
	/* No boot id (a foreign writer): the same boot if its clock agrees within a second. */
	return (a->boot_wall > b->boot_wall ? a->boot_wall - b->boot_wall :
		b->boot_wall - a->boot_wall) < 1000000000ULL;
}

/* Streams, one per recording; a file named twice is read once. */
static int make_streams(struct capture_reader *r)
{
	const struct cap_header *prev = NULL;
	int i, j;

	qsort(r->files, r->nfiles, sizeof(*r->files), by_recording);
	r->streams = calloc(r->nfiles, sizeof(*r->streams));
	if (!r->streams)
		return -ENOMEM;
	for (i = 0; i < r->nfiles; i++) {
		const struct cap_header *h = cap_file__header(r->files[i]);
		struct stream *s = &r->streams[r->nstreams - 1];

		if (prev && h->session == prev->session && h->seq == prev->seq) {
			log_warn("%s is the same part of a recording as %s: read once",
				 cap_file__path(r->files[i]), cap_file__path(r->files[i - 1]));
			continue;
		}
		if (!prev || h->session != prev->session) {
			s = &r->streams[r->nstreams++];
			s->files = calloc(r->nfiles, sizeof(*s->files));
			if (!s->files)
				return -ENOMEM;
		}
		s->files[s->nfiles++] = r->files[i];
		prev = h;
	}
	/* The earliest boot is the reference clock, so that every delta is positive. */
	for (i = 0; i < r->nstreams; i++) {
		const struct cap_header *h = cap_file__header(r->streams[i].files[0]);
		uint64_t wall = h->boot_wall;

		for (j = 0; j < i; j++)
			if (same_boot(h, cap_file__header(r->streams[j].files[0])))
				wall = cap_file__header(r->streams[j].files[0])->boot_wall;
		r->streams[i].delta = wall;	/* the boot's wall time for now */
		if (!i || wall < r->boot_wall)
			r->boot_wall = wall;
	}
	for (i = 0; i < r->nstreams; i++)
		r->streams[i].delta -= r->boot_wall;
	return 0;
}

static void warn_mixed(struct capture_reader *r)
{
	const struct cap_header *a = cap_file__header(r->files[0]);
	int i;

	for (i = 0; i < r->nfiles; i++) {
		const struct cap_header *h = cap_file__header(r->files[i]);

		if (BUILD_MACHINE && h->machine[0] && strcmp(h->machine, BUILD_MACHINE)) {
			log_warn("%s was recorded on %s: this scry names syscalls as on %s, so their "
				 "names will be wrong", cap_file__path(r->files[i]), h->machine,
				 BUILD_MACHINE);
			break;
		}
	}
	for (i = 1; i < r->nfiles; i++) {
		const struct cap_header *h = cap_file__header(r->files[i]);

		if (strcmp(h->hostname, a->hostname) || !same_boot(h, a)) {
			log_warn("merging recordings of different hosts or boots (%s and %s): times are "
				 "aligned by the wall clock; process ids of different hosts may clash",
				 cap_file__path(r->files[0]), cap_file__path(r->files[i]));
			break;
		}
	}
}

struct capture_reader *capture_reader__open(const char *const *paths, int n)
{
	struct capture_reader *r = calloc(1, sizeof(*r));
	int err = -ENOMEM;

	if (r && !(err = open_all(r, paths, n)) && !(err = make_streams(r))) {
		warn_mixed(r);
		r->last = -1;
		return r;
	}
	if (err == -ENOMEM)
		log_err("out of memory");
	capture_reader__free(r);
	errno = -err;
	return NULL;
}

/* --- containers: the pre-scan ------------------------------------------------------------ */

struct ctr_acc {
	struct cap_ctr c;		/* the best metadata seen: resolved beats not, later beats earlier */
	uint64_t *cgids;
	size_t n, cap;
};

static struct ctr_acc *acc_find(struct ctr_acc **list, size_t *n, size_t *cap, const char *id)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*list)[i].c.id, id))
			return &(*list)[i];
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct ctr_acc *l = realloc(*list, ncap * sizeof(*l));

		if (!l)
			return NULL;
		*list = l;
		*cap = ncap;
	}
	memset(&(*list)[*n], 0, sizeof(**list));
	return &(*list)[(*n)++];
}

static int acc_add(struct ctr_acc *a, struct cap_ctr *c)
{
	size_t pos = 0;
	uint64_t cgid;

	while (cap_ctr_next_cgid(c, &pos, &cgid)) {
		if (a->n == a->cap) {
			size_t ncap = a->cap ? a->cap * 2 : 8;
			uint64_t *l = realloc(a->cgids, ncap * sizeof(*l));

			if (!l)
				return -ENOMEM;
			a->cgids = l;
			a->cap = ncap;
		}
		a->cgids[a->n++] = cgid;
	}
	if (!a->c.id[0] || c->resolved || !a->c.resolved) {
		ctr_meta__free(&a->c.meta);
		a->c = *c;
		memset(&c->meta, 0, sizeof(c->meta));
	}
	return 0;
}

static int scan_block(const struct cap_block *b, struct ctr_acc **list, size_t *n, size_t *cap)
{
	size_t off = 0, blen;
	const uint8_t *body;
	uint8_t tag;
	int span, err = 0;

	while (off < b->len && !err) {
		struct cap_ctr c;
		struct ctr_acc *a;

		span = cap_item_span(b->raw + off, b->len - off, &tag, &body, &blen);
		if (span < 0)
			break;	/* reported when the replay pass meets it */
		off += span;
		if (tag != CAP_TAG_CONTAINER || cap_get_ctr(body, blen, &c))
			continue;
		a = acc_find(list, n, cap, c.id);
		err = a ? acc_add(a, &c) : -ENOMEM;
		ctr_meta__free(&c.meta);
	}
	return err;
}

static int load_containers(struct capture_reader *r)
{
	struct ctr_acc *list = NULL;
	size_t n = 0, cap = 0, i, j;
	struct cap_block b;
	int k, rc = 0;

	for (k = 0; k < r->nfiles && rc >= 0; k++) {
		cap_file__rewind(r->files[k], true);
		while ((rc = cap_file__next_block(r->files[k], &b, true)) > 0)
			if (b.raw && (b.h.kind == CAP_BLK_STATE || b.h.kind == CAP_BLK_META) &&
			    (rc = scan_block(&b, &list, &n, &cap)))
				break;
		cap_file__close(r->files[k]);
	}
	for (i = 0; i < n; i++) {
		struct ctr_acc *a = &list[i];

		containers__add(r->ct, a->n ? a->cgids[0] : 0, a->c.id, a->c.runtime, &a->c.meta);
		for (j = 1; j < a->n; j++)
			containers__add(r->ct, a->cgids[j], a->c.id, a->c.runtime, NULL);
		ctr_meta__free(&a->c.meta);
		free(a->cgids);
	}
	free(list);
	return rc < 0 ? rc : 0;
}

/* --- the process table from snapshots ------------------------------------------------------- */

static void seed_proc(struct capture_reader *r, struct stream *s, const uint8_t *body,
		      size_t len, bool replace)
{
	char exe[4097];
	struct cap_proc cp;
	struct scry_proc *p;

	if (cap_get_proc(body, len, &cp) || (!replace && proctab__proc(r->pt, cp.p.pid)))
		return;
	memcpy(exe, cp.exe, cp.exe_len);
	exe[cp.exe_len] = '\0';
	if (cp.p.start_ts)
		cp.p.start_ts += s->delta;
	if (cp.p.dead_ts)
		cp.p.dead_ts += s->delta;
	p = proctab__add_proc(r->pt, &cp.p, exe, cp.args, cp.args_len);
	/* Live, every process was attributed from /proc at start: do the same from its cgroup. */
	if (p && p->cgid && r->ct)
		containers__bind(p, containers__of_cgroup(r->ct, p->cgid, 0), p->cgid);
}

static void seed_thread(struct capture_reader *r, struct stream *s, const uint8_t *body,
			size_t len, bool replace)
{
	struct scry_thread *t;
	struct cap_thread ct;
	struct scry_proc *p;

	if (cap_get_thread(body, len, &ct) || (!replace && proctab__thread(r->pt, ct.tid)))
		return;
	p = proctab__proc(r->pt, ct.pid);
	if (!p)
		return;
	t = proctab__add_thread(r->pt, ct.tid, ct.vtid, ct.comm, p);
	if (!t)
		return;
	t->cpu_ns = ct.cpu_ns;
	t->enter_nr = ct.enter_nr;
	t->enter_ts = ct.enter_ts ? ct.enter_ts + s->delta : 0;
	if (ct.dead) {
		/* As the process table's own exit handling leaves it. */
		t->dead = true;
		t->dead_ts = ct.dead_ts + s->delta;
		if (p->nthreads)
			p->nthreads--;
	}
}

static void apply_state(struct capture_reader *r, struct stream *s, const struct cap_block *b)
{
	/* The first file of a recording adds to what other recordings said; a later one, read
	 * because the file before it was lost, is more recent than what the table holds. */
	bool replace = s->cur > 0;
	size_t off = 0, blen;
	const uint8_t *body;
	uint8_t tag;
	int span;

	while (r->pt && off < b->len) {
		span = cap_item_span(b->raw + off, b->len - off, &tag, &body, &blen);
		if (span < 0)
			break;
		off += span;
		if (tag == CAP_TAG_PROC)
			seed_proc(r, s, body, blen, replace);
		else if (tag == CAP_TAG_THREAD)
			seed_thread(r, s, body, blen, replace);
	}
}

/* --- the replay pass ------------------------------------------------------------------------- */

static void report_loss(struct stream *s, struct cap_file *f)
{
	char t0[32], t1[32];

	if (!s->loss.events)
		return;
	cap_fmt_time(cap_file__header(f), s->loss.first_ts, t0, sizeof(t0));
	cap_fmt_time(cap_file__header(f), s->loss.last_ts, t1, sizeof(t1));
	log_warn("%s: the recorder dropped %llu events between %s and %s (its disk or compression "
		 "fell behind); they are not in the file", cap_file__path(f),
		 (unsigned long long)s->loss.events, t0, t1);
	memset(&s->loss, 0, sizeof(s->loss));
}

static void add_loss(struct capture_reader *r, struct stream *s, const uint8_t *body, size_t n)
{
	struct cap_loss l;

	if (cap_get_loss(body, n, &l))
		return;
	if (!s->loss.events || l.first_ts < s->loss.first_ts)
		s->loss.first_ts = l.first_ts;
	if (l.last_ts > s->loss.last_ts)
		s->loss.last_ts = l.last_ts;
	s->loss.records += l.records;
	s->loss.events += l.events;
	r->st.writer_dropped += l.events;
	if (r->on_loss) {
		l.first_ts += s->delta;
		l.last_ts += s->delta;
		r->on_loss(r->loss_ctx, &l);
	}
}

/* The current file is done: say what it lost, go on with the next of the recording. */
static bool next_file(struct capture_reader *r, struct stream *s)
{
	struct cap_file *f = s->files[s->cur];
	const struct cap_damage *d = cap_file__damage(f);
	bool whole = d->clean_end && !d->damaged_blocks && !d->lost_bytes;
	uint32_t seq = cap_file__header(f)->seq;

	cap_file__report_end(f);
	report_loss(s, f);
	r->st.damaged_blocks += d->damaged_blocks;
	r->st.lost_records += d->lost_records;
	r->st.lost_bytes += d->lost_bytes;
	r->st.truncated += !d->clean_end;
	r->st.files++;
	cap_file__close(f);
	if (++s->cur == s->nfiles)
		return false;
	f = s->files[s->cur];
	/* The snapshot matters only if something is missing between the two files. */
	s->apply_state = !whole || cap_file__header(f)->seq != seq + 1;
	cap_file__rewind(f, false);
	return true;
}

static void bad_item(struct stream *s, const char *what)
{
	struct cap_file *f = s->files[s->cur];

	log_warn("%s: block %u holds %s: the rest of the block was skipped", cap_file__path(f),
		 s->blk.h.seq, what);
	s->p = s->end;
}

/* Rebase a decoded record onto the reference boot's clock. */
static void rebase(struct stream *s)
{
	union scry_rec *rec = &s->head.rec;

	rec->h.ts += s->delta;
	if (rec->h.type == SCRY_REC_SYS_EXIT && rec->exit.enter_ts)
		rec->exit.enter_ts += s->delta;
}

/* One item of the current event block: 1 a record is in head, 0 something else, < 0 bad. */
static int next_item(struct capture_reader *r, struct stream *s)
{
	const uint8_t *body;
	size_t blen;
	uint8_t tag = *s->p;
	int n;

	if (tag < CAP_TAG_LENGTH_PREFIXED) {
		n = cap_rec_decode(&s->ctx, s->p, s->end - s->p, &s->head.rec, &s->head_size);
		if (n < 0) {
			bad_item(s, "an undecodable record");
			return 0;
		}
		s->p += n;
		if (s->delta)
			rebase(s);
		return 1;
	}
	n = cap_item_span(s->p, s->end - s->p, &tag, &body, &blen);
	if (n < 0) {
		bad_item(s, "an item that runs past its end");
		return 0;
	}
	s->p += n;
	if (tag == CAP_TAG_LOSS)
		add_loss(r, s, body, blen);
	return 0;	/* other items: known from the pre-scan, or from a newer version */
}

static void scan_meta(struct capture_reader *r, struct stream *s)
{
	size_t off = 0, blen;
	const uint8_t *body;
	uint8_t tag;
	int span;

	while (off < s->blk.len) {
		span = cap_item_span(s->blk.raw + off, s->blk.len - off, &tag, &body, &blen);
		if (span < 0)
			break;
		off += span;
		if (tag == CAP_TAG_LOSS)
			add_loss(r, s, body, blen);
	}
}

/* Read the stream's next record into its head: 1, 0 at its end, or -errno. */
static int advance(struct capture_reader *r, struct stream *s)
{
	int rc;

	s->has_head = false;
	for (;;) {
		while (s->p < s->end)
			if (next_item(r, s))
				return s->has_head = true;
		if (s->cur == s->nfiles)
			return 0;
		rc = cap_file__next_block(s->files[s->cur], &s->blk, false);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (!next_file(r, s))
				return 0;
			continue;
		}
		if (s->blk.h.kind == CAP_BLK_EVENTS) {
			s->p = s->blk.raw;
			s->end = s->blk.raw + s->blk.len;
			memset(&s->ctx, 0, sizeof(s->ctx));
			r->st.blocks++;
		} else if (s->blk.h.kind == CAP_BLK_STATE && s->apply_state) {
			apply_state(r, s, &s->blk);
		} else if (s->blk.h.kind == CAP_BLK_META) {
			scan_meta(r, s);
		}
	}
}

int capture_reader__load(struct capture_reader *r, struct proctab *pt, struct containers *c)
{
	int i, rc;

	r->pt = pt;
	r->ct = c;
	if (c && (rc = load_containers(r)))
		return rc;
	clock__set_wall_offset(r->boot_wall);
	for (i = 0; i < r->nstreams; i++) {
		struct stream *s = &r->streams[i];
		const struct cap_header *h = cap_file__header(s->files[0]);
		uint64_t start = h->start_ts + s->delta;

		if (!i || start < r->start_ts)
			r->start_ts = start;
		s->apply_state = true;
		cap_file__rewind(s->files[0], false);
		rc = advance(r, s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const struct cap_header *capture_reader__origin(const struct capture_reader *r)
{
	return cap_file__header(r->streams[0].files[0]);
}

bool capture_reader__filters(const struct capture_reader *r, char *out, size_t len, bool *mixed)
{
	const struct cap_header *first = capture_reader__origin(r);
	bool filtered = false;
	size_t used = 0;
	int i, j;

	*out = '\0';
	*mixed = false;
	for (i = 0; i < r->nfiles; i++) {
		const struct cap_header *h = cap_file__header(r->files[i]);
		bool seen = false;

		if (strcmp(h->hostname, first->hostname) || memcmp(h->boot_id, first->boot_id, 16))
			*mixed = true;
		if (!(h->flags & CAP_FF_FILTERED))
			continue;
		for (j = 0; j < i && !seen; j++)
			seen = (cap_file__header(r->files[j])->flags & CAP_FF_FILTERED) &&
			       !strcmp(cap_file__header(r->files[j])->filter, h->filter);
		filtered = true;
		if (!seen && used < len)
			used += snprintf(out + used, len - used, "%s(%s)", used ? " or " : "", h->filter);
	}
	return filtered;
}

void capture_reader__on_loss(struct capture_reader *r, cap_loss_fn *fn, void *ctx)
{
	r->on_loss = fn;
	r->loss_ctx = ctx;
}

uint64_t capture_reader__start_ts(const struct capture_reader *r)
{
	return r->start_ts;
}

int capture_reader__next(struct capture_reader *r, const void **rec, uint32_t *size)
{
	struct stream *s;
	int i, best = -1, rc;

	if (r->last >= 0 && (rc = advance(r, &r->streams[r->last])) < 0)
		return rc;
	if (r->nstreams == 1) {
		best = r->streams[0].has_head ? 0 : -1;
	} else {
		/* Earliest head first; ties go to the recording that started first. */
		for (i = 0; i < r->nstreams; i++)
			if (r->streams[i].has_head &&
			    (best < 0 || r->streams[i].head.rec.h.ts < r->streams[best].head.rec.h.ts))
				best = i;
	}
	r->last = best;
	if (best < 0)
		return 0;
	s = &r->streams[best];
	*rec = &s->head.rec;
	*size = s->head_size;
	r->st.records++;
	return 1;
}

void capture_reader__stats(const struct capture_reader *r, struct capture_read_stats *st)
{
	*st = r->st;
}
