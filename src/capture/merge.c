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
 * shows its container's name even if the recorder learnt it later. The pre-scan also finds, for
 * each recording, the earliest time its event blocks claim: a lower bound of its first record.
 *
 * Thousands of recordings (a year of hourly files) cost memory linear in their number and a
 * descriptor only while a block is read: a recording waits in a heap, keyed by that lower bound,
 * holding nothing but its files' headers; it starts (its snapshot seeds the process table, its
 * first block is read) when it comes to the top, holds one decompressed block and one record
 * while it runs, and lets them go when it ends. The next record is the heap's top: O(log n).
 *
 * What a replay keeps is bounded whatever the files say: cap_limits[] (prescan.c), documented in
 * docs/capture-format.md ("Limits of a replay").
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

/* A recording's reading state, allocated only while it runs. */
struct head {
	struct cap_block blk;
	const uint8_t *p, *end;		/* items left in the current event block */
	uint32_t items;			/* items of the block read so far */
	bool framed;			/* its event items carry their length (format 2) */
	struct cap_damage *dmg;		/* the block's file's account of what was read */
	struct cap_ctx ctx;
	uint32_t size;
	union {
		union scry_rec rec;
		uint8_t bytes[SCRY_REC_MAX];
	} u;
};

struct stream {
	uint32_t first, nfiles, cur;	/* its files: r->files[first ..], by sequence number */
	uint64_t delta;			/* added to its times: the reference boot's clock */
	uint64_t start;			/* its recording's start, on that clock: ties go to it */
	uint64_t key;			/* the head's time; before it starts, a lower bound */
	bool started;
	bool apply_state;		/* the current file's snapshot seeds the tables */
	struct cap_loss loss;		/* the recorder's losses in the current file */
	struct head *h;			/* NULL unless running */
};

struct capture_reader {
	struct cap_file **files;	/* grouped by recording, by sequence number */
	uint32_t nfiles;
	struct stream *streams;		/* by the time their recordings started */
	uint32_t nstreams;
	uint32_t *heap;			/* streams with records to come, by (key, start, index) */
	uint32_t nheap;
	int last;			/* the stream whose head was handed out */
	struct proctab *pt;
	struct containers *ct;
	uint64_t boot_wall;		/* of the reference boot */
	uint64_t start_ts;
	bool warned[CAP_LIM__MAX];	/* said already */
	uint64_t unknown[256];		/* items skipped, by tag: a newer version's */
	struct capture_read_stats st;
	cap_loss_fn *on_loss;		/* -r with -w: the recorder's losses go on into the new file */
	void *loss_ctx;
};

static void limit_hit(struct capture_reader *r, enum cap_limit l)
{
	r->st.limits_hit += cap_limit_hit(r->warned, l);
}

static void proctab_over(void *ctx, enum proctab_bound what)
{
	static const enum cap_limit lim[] = {
		[PROCTAB_PROCS] = CAP_LIM_PROCS,
		[PROCTAB_THREADS] = CAP_LIM_THREADS,
		[PROCTAB_CMD_BYTES] = CAP_LIM_CMD_BYTES,
	};

	limit_hit(ctx, lim[what]);
}

void capture_reader__free(struct capture_reader *r)
{
	uint32_t i;

	if (!r)
		return;
	for (i = 0; i < r->nstreams; i++)
		free(r->streams[i].h);
	for (i = 0; i < r->nfiles; i++)
		cap_file__free(r->files[i]);
	free(r->files);
	free(r->streams);
	free(r->heap);
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
	r->st.skipped_files = skipped;
	return 0;
}

static int by_session(const void *a, const void *b)
{
	const struct cap_header *x = cap_file__header(*(struct cap_file *const *)a);
	const struct cap_header *y = cap_file__header(*(struct cap_file *const *)b);

	if (x->session != y->session)
		return x->session < y->session ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const struct cap_header *stream_hdr(const struct capture_reader *r, const struct stream *s)
{
	return cap_file__header(r->files[s->first]);
}

/* Recordings in the order they started (wall clock), then by session id. */
static int by_start(const void *a, const void *b, void *ctx)
{
	const struct capture_reader *sort_reader = ctx;
	const struct cap_header *x = stream_hdr(sort_reader, a), *y = stream_hdr(sort_reader, b);
	uint64_t wx = x->boot_wall + x->start_ts, wy = y->boot_wall + y->start_ts;

	if (wx != wy)
		return wx < wy ? -1 : 1;
	return x->session < y->session ? -1 : x->session > y->session;
}

static bool has_boot_id(const struct cap_header *h)
{
	static const uint8_t zero[16];

	return memcmp(h->boot_id, zero, 16) != 0;
}

/*
 * Boots: recordings with the same boot id, or (without one, a foreign writer) whose boot times
 * agree within a second. Sorted so that each boot is a run; ties by stream index.
 */
static int by_boot(const void *a, const void *b, void *ctx)
{
	const struct capture_reader *sort_reader = ctx;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct cap_header *x = stream_hdr(sort_reader, &sort_reader->streams[i]);
	const struct cap_header *y = stream_hdr(sort_reader, &sort_reader->streams[j]);
	int c;

	if (has_boot_id(x) != has_boot_id(y))
		return has_boot_id(x) ? -1 : 1;
	if (has_boot_id(x) && (c = memcmp(x->boot_id, y->boot_id, 16)))
		return c;
	if (!has_boot_id(x) && x->boot_wall != y->boot_wall)
		return x->boot_wall < y->boot_wall ? -1 : 1;
	return i < j ? -1 : i > j;
}

static bool same_boot(const struct cap_header *lead, const struct cap_header *h)
{
	if (has_boot_id(lead) || has_boot_id(h))
		return has_boot_id(lead) && has_boot_id(h) && !memcmp(lead->boot_id, h->boot_id, 16);
	return h->boot_wall - lead->boot_wall < 1000000000ULL;	/* sorted: h's is not earlier */
}

/*
 * Every recording of a boot takes the boot time of the one that started first, so that their
 * clocks agree exactly; the earliest boot is the reference clock, so every delta is positive.
 */
static int align_boots(struct capture_reader *r)
{
	uint32_t *idx = malloc(r->nstreams * sizeof(*idx)), i, j, k;

	if (!idx)
		return -ENOMEM;
	for (i = 0; i < r->nstreams; i++)
		idx[i] = i;
	qsort_r(idx, r->nstreams, sizeof(*idx), by_boot, r);
	for (i = 0; i < r->nstreams; i = j) {
		const struct cap_header *lead = stream_hdr(r, &r->streams[idx[i]]);
		uint32_t first = idx[i];

		for (j = i + 1; j < r->nstreams && same_boot(lead, stream_hdr(r, &r->streams[idx[j]])); j++)
			if (idx[j] < first)
				first = idx[j];
		for (k = i; k < j; k++)
			r->streams[idx[k]].delta = stream_hdr(r, &r->streams[first])->boot_wall;
	}
	free(idx);
	for (i = 0; i < r->nstreams; i++)
		if (!i || r->streams[i].delta < r->boot_wall)
			r->boot_wall = r->streams[i].delta;
	for (i = 0; i < r->nstreams; i++) {
		struct stream *s = &r->streams[i];

		s->delta -= r->boot_wall;	/* headers keep times below 2^62: no overflow */
		s->start = stream_hdr(r, s)->start_ts + s->delta;
	}
	return 0;
}

/* Streams, one per recording; a file named twice is read once. */
static int make_streams(struct capture_reader *r)
{
	uint32_t i, n = 0;

	qsort(r->files, r->nfiles, sizeof(*r->files), by_session);
	for (i = 0; i < r->nfiles; i++) {
		const struct cap_header *h = cap_file__header(r->files[i]);

		if (n && h->session == cap_file__header(r->files[n - 1])->session &&
		    h->seq == cap_file__header(r->files[n - 1])->seq) {
			log_warn("%s is the same part of a recording as %s: read once",
				 cap_file__path(r->files[i]), cap_file__path(r->files[n - 1]));
			cap_file__free(r->files[i]);
			continue;
		}
		r->files[n++] = r->files[i];
	}
	r->nfiles = n;
	r->streams = calloc(n, sizeof(*r->streams));
	if (!r->streams)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct stream *s = &r->streams[r->nstreams - 1];

		if (!i || cap_file__header(r->files[i])->session !=
			  cap_file__header(r->files[i - 1])->session) {
			s = &r->streams[r->nstreams++];
			s->first = i;
		}
		s->nfiles++;
	}
	qsort_r(r->streams, r->nstreams, sizeof(*r->streams), by_start, r);
	return align_boots(r);
}

static void warn_mixed(struct capture_reader *r)
{
	const struct cap_header *a = capture_reader__origin(r);
	uint32_t i;

	for (i = 0; i < r->nfiles; i++) {
		const struct cap_header *h = cap_file__header(r->files[i]);

		if (BUILD_MACHINE && h->machine[0] && strcmp(h->machine, BUILD_MACHINE)) {
			log_warn("%s was recorded on %s: this scry names syscalls as on %s, so their "
				 "names will be wrong", cap_file__path(r->files[i]), h->machine,
				 BUILD_MACHINE);
			break;
		}
	}
	for (i = 0; i < r->nfiles; i++) {
		const struct cap_header *h = cap_file__header(r->files[i]);

		if (strcmp(h->hostname, a->hostname) ||
		    (has_boot_id(h) || has_boot_id(a) ? memcmp(h->boot_id, a->boot_id, 16) :
		     (h->boot_wall > a->boot_wall ? h->boot_wall - a->boot_wall :
		      a->boot_wall - h->boot_wall) >= 1000000000ULL)) {
			log_warn("merging recordings of different hosts or boots (%s and %s): times are "
				 "aligned by the wall clock; process ids of different hosts may clash",
				 cap_file__path(r->files[r->streams[0].first]),
				 cap_file__path(r->files[i]));
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

/*
 * --- the pre-scan ------------------------------------------------------------------------------
 * Every block header of every file: the containers of their state and metadata blocks
 * (prescan.c), and for each recording the earliest time its event blocks claim (its records lie
 * in their blocks' ranges, so none comes before it).
 */
static int prescan(struct capture_reader *r)
{
	struct cap_ctrs *set = cap_ctrs__new();
	struct cap_block b;
	uint32_t i, k, hit = 0;
	int rc = 0;

	if (!set)
		return -ENOMEM;
	for (i = 0; i < r->nstreams && rc >= 0; i++) {
		struct stream *s = &r->streams[i];
		uint64_t first = UINT64_MAX;

		for (k = 0; k < s->nfiles && rc >= 0; k++) {
			struct cap_file *f = r->files[s->first + k];

			cap_file__rewind(f, true);
			while ((rc = cap_file__next_block(f, &b, true)) > 0) {
				if (b.h.kind == CAP_BLK_EVENTS && b.h.first_ts < first)
					first = b.h.first_ts;
				if (r->ct && b.raw && (b.h.kind == CAP_BLK_STATE ||
						       b.h.kind == CAP_BLK_META) &&
				    (rc = cap_ctrs__scan(set, &b, &hit)))
					break;
			}
			cap_file__close(f);
		}
		/* No events at all: it still runs, last, for its losses and its damage. */
		s->key = first == UINT64_MAX ? UINT64_MAX : first + s->delta;
	}
	for (k = 0; k < CAP_LIM__MAX; k++)
		if (hit & (1u << k))
			limit_hit(r, k);
	if (rc >= 0 && r->ct)
		cap_ctrs__apply(set, r->ct);
	cap_ctrs__free(set);
	return rc < 0 ? rc : 0;
}

/* --- the process table from snapshots ------------------------------------------------------- */

static void seed_proc(struct capture_reader *r, struct stream *s, const struct cap_proc *in,
		      bool replace)
{
	char exe[CAP_EXE_MAX + 1];
	struct cap_proc cp = *in;
	struct scry_proc *p;

	if (!replace && proctab__proc(r->pt, cp.p.pid))
		return;
	memcpy(exe, cp.exe, cp.exe_len);
	exe[cp.exe_len] = '\0';
	if (cp.p.start_ts)
		cp.p.start_ts += s->delta;
	if (cp.p.dead_ts)
		cp.p.dead_ts += s->delta;
	p = proctab__add_proc(r->pt, &cp.p, exe, cp.args, cp.args_len);
	if (p && cp.env_len)
		proctab__set_env(r->pt, p, cp.env, cp.env_len);
	/* Live, every process was attributed from /proc at start: do the same from its cgroup. */
	if (p && p->cgid && r->ct)
		containers__bind(p, containers__of_cgroup(r->ct, p->cgid, 0), p->cgid);
}

static void seed_thread(struct capture_reader *r, struct stream *s, const struct cap_thread *ct,
			bool replace)
{
	struct scry_thread *t;
	struct scry_proc *p;

	if (!replace && proctab__thread(r->pt, ct->tid))
		return;
	p = proctab__proc(r->pt, ct->pid);
	if (!p)
		return;
	t = proctab__add_thread(r->pt, ct->tid, ct->vtid, ct->comm, p);
	if (!t)
		return;
	t->cpu_ns = ct->cpu_ns;
	t->min_flt_base = ct->min_flt;
	t->maj_flt_base = ct->maj_flt;
	t->enter_nr = ct->enter_nr;
	t->enter_ts = ct->enter_ts ? ct->enter_ts + s->delta : 0;
	if (ct->dead)
		proctab__thread_died(r->pt, t, ct->dead_ts + s->delta);
}

static struct cap_file *cur_file(struct capture_reader *r, struct stream *s)
{
	return r->files[s->first + s->cur];
}

/* An item that does not decode: counted against its file, said when the file is done. */
static void bad_item(struct capture_reader *r, struct stream *s, const char *what)
{
	struct cap_damage *d = cap_file__damage(cur_file(r, s));

	if (!d->bad_items++)
		d->bad_why = what;
}

/* An item of a type this scry does not know: skipped, and counted for the warning at the end. */
static void unknown_item(struct capture_reader *r, uint8_t tag)
{
	if (tag >= CAP_TAG__KNOWN_END || (tag >= SCRY_REC__MAX && tag < CAP_TAG_LENGTH_PREFIXED))
		r->unknown[tag]++;
}

/*
 * A STATE block: every item is checked, whether or not this file's snapshot seeds the tables
 * (the first file of a recording adds to what other recordings said; a later one, read because
 * the file before it was lost, is more recent than what the table holds).
 */
static void state_block(struct capture_reader *r, struct stream *s, const struct cap_block *b,
			bool replay)
{
	bool apply = s->apply_state && r->pt, replace = s->cur > 0;
	size_t off = 0, blen;
	const uint8_t *body;
	uint8_t tag;
	int span;

	while (off < b->len) {
		struct cap_proc cp;
		struct cap_thread ct;
		struct cap_ctr cc;
		struct cap_userdb cu;
		struct cap_cgtext cg;

		span = cap_item_span(b->raw + off, b->len - off, &tag, &body, &blen);
		if (span < 0) {
			bad_item(r, s, "an item that runs past its block");
			break;
		}
		off += span;
		if (tag == CAP_TAG_PROC && cap_get_proc(body, blen, &cp))
			bad_item(r, s, "a process of the snapshot");
		else if (tag == CAP_TAG_PROC && apply)
			seed_proc(r, s, &cp, replace);
		else if (tag == CAP_TAG_THREAD && cap_get_thread(body, blen, &ct))
			bad_item(r, s, "a thread of the snapshot");
		else if (tag == CAP_TAG_THREAD && apply)
			seed_thread(r, s, &ct, replace);
		else if (tag == CAP_TAG_CONTAINER && cap_get_ctr(body, blen, &cc) == -EBADMSG)
			bad_item(r, s, "a container");
		else if (tag == CAP_TAG_CONTAINER)
			ctr_meta__free(&cc.meta);
		else if (tag == CAP_TAG_USERDB && cap_get_userdb(body, blen, &cu))
			bad_item(r, s, "a user database's entry");
		else if (tag == CAP_TAG_USERDB)
			;	/* loaded by the pre-scan */
		else if (tag == CAP_TAG_CGROUPS && cap_get_cgtext(body, blen, &cg))
			bad_item(r, s, "a process's cgroups");
		else if (tag == CAP_TAG_CGROUPS)
			;	/* loaded by the pre-scan */
		else if (replay)
			unknown_item(r, tag);
	}
}

/* --- the replay pass ------------------------------------------------------------------------- */

static void report_loss(struct stream *s, struct cap_file *f)
{
	char t0[32], t1[32];

	if (!s->loss.events)
		return;
	cap_fmt_time(cap_file__header(f), s->loss.first_ts, t0);
	cap_fmt_time(cap_file__header(f), s->loss.last_ts, t1);
	log_warn("%s: the recorder dropped %llu events between %s and %s (its disk or compression "
		 "fell behind); they are not in the file", cap_file__path(f),
		 (unsigned long long)s->loss.events, t0, t1);
	memset(&s->loss, 0, sizeof(s->loss));
}

static void add_loss(struct capture_reader *r, struct stream *s, const uint8_t *body, size_t n,
		     bool in_events)
{
	struct cap_loss l;

	if (cap_get_loss(body, n, &l)) {
		bad_item(r, s, "a loss marker");
		return;
	}
	/* The end marker counts the loss markers of event blocks. */
	if (in_events)
		cap_file__damage(cur_file(r, s))->read_lost_events += l.events;
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

/* A file is done (whole, or where the replay stopped): say what it lost, once. */
static void file_done(struct capture_reader *r, struct stream *s)
{
	struct cap_file *f = cur_file(r, s);
	struct cap_damage *d = cap_file__damage(f);

	if (d->at_end)
		cap_file__check_totals(f);
	cap_file__report(f);
	report_loss(s, f);
	r->st.damaged_blocks += d->damaged_blocks;
	r->st.lost_records += d->lost_records;
	r->st.lost_bytes += d->lost_bytes;
	r->st.missing_blocks += d->missing_blocks;
	r->st.bad_items += d->bad_items + d->skipped_items;
	r->st.truncated += d->at_end && !d->clean_end;
	r->st.damaged_files += cap_damage__any(d);
	r->st.files++;
	cap_file__close(f);
}

/* The current file is done: go on with the next of the recording. */
static bool next_file(struct capture_reader *r, struct stream *s)
{
	struct cap_file *f = cur_file(r, s);
	const struct cap_damage *d = cap_file__damage(f);
	bool whole = d->clean_end && !d->damaged_blocks && !d->lost_bytes && !d->missing_blocks;
	uint32_t seq = cap_file__header(f)->seq;

	file_done(r, s);
	if (++s->cur == s->nfiles)
		return false;
	f = cur_file(r, s);
	/* The snapshot matters only if something is missing between the two files. */
	s->apply_state = !whole || cap_file__header(f)->seq != seq + 1;
	cap_file__rewind(f, false);
	return true;
}

/* The rest of the current event block cannot be read: its items are relative to this one. */
static void bad_record(struct capture_reader *r, struct stream *s, const char *what)
{
	struct head *h = s->h;
	struct cap_damage *d = cap_file__damage(cur_file(r, s));

	bad_item(r, s, what);
	d->skipped_items += h->blk.h.nitems > h->items + 1 ? h->blk.h.nitems - h->items - 1 : 0;
	h->p = h->end;
}

/* Rebase a decoded record onto the reference boot's clock (both below 2^62: no overflow). */
static void rebase(struct stream *s)
{
	union scry_rec *rec = &s->h->u.rec;

	rec->h.ts += s->delta;
	if (cap_rec_folded(rec))
		rec->exit.enter_ts += s->delta;
}

/* One item of the current event block: 1 a record is in head, 0 something else or bad. */
static int next_item(struct capture_reader *r, struct stream *s)
{
	struct head *h = s->h;
	const union scry_rec *rec = &h->u.rec;
	const uint8_t *body;
	struct cap_damage *d;
	size_t blen;
	uint8_t tag = *h->p;
	int n;

	if (tag < CAP_TAG_LENGTH_PREFIXED) {
		n = h->framed ? cap_event_decode(&h->ctx, h->p, h->end - h->p, &h->u.rec, &h->size) :
				cap_rec_decode(&h->ctx, h->p, h->end - h->p, &h->u.rec, &h->size);
		if (n < 0) {
			bad_record(r, s, "an event record that does not decode");
			return 0;
		}
		if (!h->size) {
			/* The end marker counts it: a record of one event (only exits fold two). */
			h->p += n;
			h->items++;
			h->dmg->read_records++;
			h->dmg->read_events++;
			h->dmg->unknown_records++;
			r->unknown[tag]++;
			return 0;
		}
		/* Times outside the block's own range are damage, not a jump of the clock. */
		if (cap_rec_first_ts(rec) < h->blk.h.first_ts || rec->h.ts > h->blk.h.last_ts) {
			bad_record(r, s, "an event record outside its block's time range");
			return 0;
		}
		h->p += n;
		h->items++;
		d = h->dmg;
		d->read_records++;
		d->read_events += cap_rec_events(rec);
		if (s->delta)
			rebase(s);
		return 1;
	}
	n = cap_item_span(h->p, h->end - h->p, &tag, &body, &blen);
	if (n < 0) {
		bad_record(r, s, "an item that runs past its block");
		return 0;
	}
	h->p += n;
	h->items++;
	if (tag == CAP_TAG_LOSS)
		add_loss(r, s, body, blen, true);
	else
		unknown_item(r, tag);	/* others: known from the pre-scan, or a newer version's */
	return 0;
}

static void meta_block(struct capture_reader *r, struct stream *s, const struct cap_block *b)
{
	size_t off = 0, blen;
	const uint8_t *body;
	struct cap_userdb cu;
	struct cap_cgtext cg;
	struct cap_ctr cc;
	uint8_t tag;
	int span;

	while (off < b->len) {
		span = cap_item_span(b->raw + off, b->len - off, &tag, &body, &blen);
		if (span < 0) {
			bad_item(r, s, "an item that runs past its block");
			break;
		}
		off += span;
		if (tag == CAP_TAG_LOSS)
			add_loss(r, s, body, blen, false);
		else if (tag == CAP_TAG_CONTAINER && cap_get_ctr(body, blen, &cc) == -EBADMSG)
			bad_item(r, s, "a container");
		else if (tag == CAP_TAG_CONTAINER)
			ctr_meta__free(&cc.meta);
		else if (tag == CAP_TAG_USERDB && cap_get_userdb(body, blen, &cu))
			bad_item(r, s, "a user database's entry");
		else if (tag == CAP_TAG_USERDB)
			;	/* loaded by the pre-scan */
		else if (tag == CAP_TAG_CGROUPS && cap_get_cgtext(body, blen, &cg))
			bad_item(r, s, "a process's cgroups");
		else if (tag == CAP_TAG_CGROUPS)
			;	/* loaded by the pre-scan */
		else
			unknown_item(r, tag);
	}
}

/* Read the stream's next record into its head: 1, 0 at its end, or -errno. */
static int advance(struct capture_reader *r, struct stream *s)
{
	struct head *h = s->h;
	int rc;

	for (;;) {
		while (h->p < h->end)
			if (next_item(r, s))
				return 1;
		if (s->cur == s->nfiles)
			return 0;
		rc = cap_file__next_block(cur_file(r, s), &h->blk, false);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (!next_file(r, s))
				return 0;
			continue;
		}
		if (h->blk.h.kind == CAP_BLK_EVENTS) {
			h->p = h->blk.raw;
			h->end = h->blk.raw + h->blk.len;
			h->items = 0;
			h->framed = cap_file__header(cur_file(r, s))->major > CAP_MAJOR_UNFRAMED;
			h->dmg = cap_file__damage(cur_file(r, s));
			memset(&h->ctx, 0, sizeof(h->ctx));
			h->ctx.minor = cap_file__header(cur_file(r, s))->minor;
			r->st.blocks++;
		} else if (h->blk.h.kind == CAP_BLK_STATE) {
			state_block(r, s, &h->blk, true);
		} else if (h->blk.h.kind == CAP_BLK_META) {
			meta_block(r, s, &h->blk);
		}
	}
}

/* --- the heap of recordings ------------------------------------------------------------------ */

static bool before(const struct capture_reader *r, uint32_t a, uint32_t b)
{
	const struct stream *x = &r->streams[a], *y = &r->streams[b];

	if (x->key != y->key)
		return x->key < y->key;
	if (x->start != y->start)
		return x->start < y->start;
	return a < b;
}

static void heap_down(struct capture_reader *r, uint32_t i)
{
	uint32_t v = r->heap[i], c;

	if (r->nheap < 2)
		return;	/* one recording: nothing to merge (the common case, per record) */
	while ((c = 2 * i + 1) < r->nheap) {
		if (c + 1 < r->nheap && before(r, r->heap[c + 1], r->heap[c]))
			c++;
		if (!before(r, r->heap[c], v))
			break;
		r->heap[i] = r->heap[c];
		i = c;
	}
	r->heap[i] = v;
}

/* The top stream is done: it gives back its memory and leaves the heap. */
static void heap_pop(struct capture_reader *r)
{
	struct stream *s = &r->streams[r->heap[0]];

	free(s->h);
	s->h = NULL;
	r->heap[0] = r->heap[--r->nheap];
	if (r->nheap)
		heap_down(r, 0);
}

/* The top stream's head changed (or it started): 1 it has one, 0 it ended, or -errno. */
static inline int settle_top(struct capture_reader *r, int rc)
{
	struct stream *s = &r->streams[r->heap[0]];

	if (rc < 0)
		return rc;
	if (!rc) {
		heap_pop(r);
		return 0;
	}
	s->key = s->h->u.rec.h.ts;
	heap_down(r, 0);
	return 1;
}

/* A recording's turn has come: its first file's snapshot, then its first record. */
static int start(struct capture_reader *r, struct stream *s)
{
	s->h = calloc(1, sizeof(*s->h));
	if (!s->h)
		return -ENOMEM;
	s->started = true;
	s->apply_state = true;
	cap_file__rewind(cur_file(r, s), false);
	return advance(r, s);
}

int capture_reader__load(struct capture_reader *r, struct proctab *pt, struct containers *c)
{
	struct proctab_limits lim = {
		.procs = cap_limits[CAP_LIM_PROCS].max,
		.threads = cap_limits[CAP_LIM_THREADS].max,
		.cmd_bytes = cap_limits[CAP_LIM_CMD_BYTES].max,
		.over = proctab_over, .ctx = r,
	};
	uint32_t i;
	int rc;

	r->pt = pt;
	r->ct = c;
	if (pt)
		proctab__set_limits(pt, &lim);
	rc = prescan(r);
	if (rc)
		return rc;
	r->heap = malloc(r->nstreams * sizeof(*r->heap));
	if (!r->heap)
		return -ENOMEM;
	for (i = 0; i < r->nstreams; i++) {
		uint64_t start = r->streams[i].start;

		if (!i || start < r->start_ts)
			r->start_ts = start;
		r->heap[i] = i;
	}
	r->nheap = r->nstreams;
	for (i = r->nheap / 2; i-- > 0;)
		heap_down(r, i);
	return 0;
}

int capture_reader__snapshots(struct capture_reader *r)
{
	struct cap_block b;
	uint32_t i;
	int rc = 0;

	for (i = 0; i < r->nstreams && r->pt && rc >= 0; i++) {
		struct stream *s = &r->streams[i];
		struct cap_file *f = cur_file(r, s);

		/* Quiet: the replay pass reads the file again, and says what it lost. */
		cap_file__rewind(f, true);
		s->apply_state = true;
		while ((rc = cap_file__next_block(f, &b, true)) > 0 && b.h.kind == CAP_BLK_STATE)
			state_block(r, s, &b, false);
		cap_file__close(f);
	}
	return rc < 0 ? rc : 0;
}

const struct cap_header *capture_reader__origin(const struct capture_reader *r)
{
	return stream_hdr(r, &r->streams[0]);
}

static int by_filter(const void *a, const void *b)
{
	const struct cap_file *const *x = a, *const *y = b;
	int c = strcmp(cap_file__header(*x)->filter, cap_file__header(*y)->filter);

	return c ? c : (x < y ? -1 : x > y);
}

bool capture_reader__filters(const struct capture_reader *r, char *out, size_t len, bool *mixed)
{
	const struct cap_header *first = capture_reader__origin(r);
	struct cap_file **f = malloc(r->nfiles * sizeof(*f));
	bool filtered = false;
	size_t used = 0;
	uint32_t i, n = 0;

	*out = '\0';
	*mixed = false;
	for (i = 0; i < r->nfiles; i++) {
		const struct cap_header *h = cap_file__header(r->files[i]);

		if (strcmp(h->hostname, first->hostname) || memcmp(h->boot_id, first->boot_id, 16))
			*mixed = true;
		if (!(h->flags & CAP_FF_FILTERED))
			continue;
		filtered = true;
		if (f)
			f[n++] = r->files[i];
	}
	/* Each distinct filter once, sorted rather than compared pairwise. */
	if (f)
		qsort(f, n, sizeof(*f), by_filter);
	for (i = 0; f && i < n && used < len; i++) {
		const char *flt = cap_file__header(f[i])->filter;

		if (i && !strcmp(flt, cap_file__header(f[i - 1])->filter))
			continue;
		used += snprintf(out + used, len - used, "%s(%s)", used ? " or " : "", flt);
	}
	free(f);
	return filtered;
}

void capture_reader__on_loss(struct capture_reader *r, cap_loss_fn *fn, void *ctx)
{
	r->on_loss = fn;
	r->loss_ctx = ctx;
}

uint64_t capture_reader__boot_wall(const struct capture_reader *r)
{
	return r->boot_wall;
}

uint64_t capture_reader__start_ts(const struct capture_reader *r)
{
	return r->start_ts;
}

int capture_reader__next(struct capture_reader *r, const void **rec, uint32_t *size)
{
	struct stream *s;
	int rc;

	/* One recording under way and no other waiting: its next record, without the heap. */
	if (r->last >= 0 && r->nheap == 1) {
		s = &r->streams[r->last];
		rc = advance(r, s);
		if (rc > 0) {
			*rec = &s->h->u.rec;
			*size = s->h->size;
			r->st.records++;
			return 1;
		}
		r->last = -1;
		if (rc < 0)
			return rc;
		heap_pop(r);
		return 0;
	}
	if (r->last >= 0) {
		r->last = -1;
		rc = settle_top(r, advance(r, &r->streams[r->heap[0]]));
		if (rc < 0)
			return rc;
	}
	/* A recording whose lower bound comes first starts: its records may come first. */
	while (r->nheap && !r->streams[r->heap[0]].started) {
		rc = settle_top(r, start(r, &r->streams[r->heap[0]]));
		if (rc < 0)
			return rc;
	}
	if (!r->nheap)
		return 0;
	r->last = r->heap[0];
	s = &r->streams[r->last];
	*rec = &s->h->u.rec;
	*size = s->h->size;
	r->st.records++;
	return 1;
}

/*
 * Items of types this scry does not know (a newer minor version's: new event types, new items)
 * were skipped: said once, at the end, with how many of which tags.
 */
static void report_unknown(struct capture_reader *r)
{
	char tags[256] = "";
	size_t n = 0;
	uint64_t total = 0;
	unsigned int t, kinds = 0;

	for (t = 0; t < 256; t++) {
		if (!r->unknown[t])
			continue;
		total += r->unknown[t];
		if (kinds++ < 8 && n < sizeof(tags))
			n += snprintf(tags + n, sizeof(tags) - n, "%s%llu of tag %#x", n ? ", " : "",
				      (unsigned long long)r->unknown[t], t);
	}
	if (!total)
		return;
	r->st.unknown_items = total;
	log_warn("%llu item%s of types this scry does not know %s skipped (%s%s): the files come "
		 "from a newer scry, which shows them", (unsigned long long)total,
		 total == 1 ? "" : "s", total == 1 ? "was" : "were", tags,
		 kinds > 8 ? ", and others" : "");
	memset(r->unknown, 0, sizeof(r->unknown));
}

void capture_reader__finish(struct capture_reader *r)
{
	uint32_t i;

	/* Files the replay stopped in (-n, -M, a closed pipe): the damage met so far. */
	for (i = 0; i < r->nstreams; i++) {
		struct stream *s = &r->streams[i];

		if (s->started && s->cur < s->nfiles) {
			file_done(r, s);
			s->cur = s->nfiles;
		}
	}
	report_unknown(r);
}

void capture_reader__stats(const struct capture_reader *r, struct capture_read_stats *st)
{
	*st = r->st;
}
