// SPDX-License-Identifier: GPL-2.0
/*
 * The capture writer. The consumer thread (the pipeline's sink callback) encodes each record
 * into a fixed event block from a preallocated pool; full blocks go through a queue to the
 * writer thread, which compresses, checksums and writes them and returns them to the pool.
 * The consumer never waits and never allocates per event: when the pool is empty (the disk
 * or the compressor is behind) records are dropped and counted, and a loss marker in the
 * stream says where. Process lifecycle records (fork, exec, exit, rename) have a reserve at
 * the end of the current block so that process names survive a short stall.
 *
 * Files: capture_writer__new only checks the name (so that a bad one fails before the BPF
 * programs load, and changes nothing); the first file is made when the recording starts, at the
 * first event or tick, which a live run sees only once its programs are loaded and attached. So a
 * run that fails to trace never touches an existing FILE. Files are made as scry/outfile.h says:
 * new inodes under a hidden name, renamed over FILE. Live, the first file takes its name at once;
 * a re-recorded replay (-r -w) names it at the first event that matches, and one that matches
 * nothing leaves FILE as it was. Rotation (-C/-G) is decided by the consumer at a record boundary,
 * where a snapshot of the tables is exact, and carried out by the writer thread when it reaches
 * that block.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "scry/outfile.h"
#include "scry/util.h"
#include "writer.h"

static bool lifecycle(uint16_t type)
{
	return type < SCRY_REC__MAX && (evt_table[type].flags & EVF_LIFECYCLE);
}

/*
 * What a filtered capture keeps besides what matched: process lifecycles (names), and TCP state
 * changes, which name no task, so a filter on a process or container rarely matches them, but
 * tell the replay's socket table each connection's tuple (a few per connection); and the sockets
 * and fds open before the recording, for the same reason (one each, at its start): a filter on
 * fd.name must find the names of fds opened before the recording on replay too. And the
 * container events (issue 18): a few per container, and what a replay's lscontainers lists.
 */
static bool kept(uint16_t type)
{
	return lifecycle(type) || type == SCRY_REC_SOCK_STATE || type == SCRY_REC_SOCK_SEED ||
	       type == SCRY_REC_FD_SEED || type == SCRY_REC_CONTAINER;
}

/*
 * And the calls that change a process's fd table or cwd (open, close, dup, pipe, chdir...; a
 * socket call's addresses), for the same reason: a replay names the fds of the calls that
 * matched only if it saw them made.
 */
static bool fd_state(const union scry_rec *r)
{
	const struct syscall_desc *d;

	if (r->h.type != SCRY_REC_SYS_EXIT || r->h.size < SCRY_SYS_EXIT_ARGS ||
	    !(d = syscall_desc(syscall_native(r->exit.nr))))
		return false;
	/* connect, bind, listen: a socket's addresses; not every datagram's peer */
	return (d->fdop && r->exit.ret >= 0) || (d->fdop == FDOP_CLOSE && r->exit.ret == -EINTR) ||
	       ((d->role == SCR_CLIENT || d->role == SCR_SERVER) && r->exit.ret >= 0 &&
		(r->exit.xflags & SCRY_SX_SOCK));
}

/* --- the consumer side ------------------------------------------------------------------------- */

static void enqueue(struct capture_writer *w, struct job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->qtail)
		w->qtail->next = j;
	else
		w->qhead = j;
	w->qtail = j;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

static struct job *take_free(struct capture_writer *w)
{
	struct job *j;

	if (!atomic_load(&w->nfree) && !w->o.source)
		return NULL;
	pthread_mutex_lock(&w->lock);
	/* Re-recording a replay: wait for the writer thread, which always gives blocks back. */
	while (w->o.source && !w->free && w->thread_ok)
		pthread_cond_wait(&w->freed, &w->lock);
	j = w->free;
	if (j) {
		w->free = j->next;
		atomic_fetch_sub(&w->nfree, 1);
	}
	pthread_mutex_unlock(&w->lock);
	if (j) {
		j->len = 0;
		j->nitems = 0;
		j->records = j->events = j->lost_records = j->lost_events = 0;
		j->first_ts = UINT64_MAX;
		j->last_ts = 0;
		j->newfile = false;
		memset(&j->ctx, 0, sizeof(j->ctx));
	}
	return j;
}

/* Hand the current block over if another is free; false when the pool is empty. */
static bool handoff(struct capture_writer *w)
{
	struct job *next = take_free(w), *j = w->cur;

	if (!next)
		return false;
	if (j->first_ts == UINT64_MAX)
		j->first_ts = 0;
	w->file_raw += j->len;
	enqueue(w, j);
	w->cur = next;
	return true;
}

/* A malloc'd job that takes over `b`'s memory. */
static int enqueue_buf(struct capture_writer *w, uint8_t kind, struct cap_buf *b, uint32_t n,
		       bool newfile, uint64_t file_ts)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j || b->err) {
		free(j);
		cap_buf__free(b);
		return -ENOMEM;
	}
	j->kind = kind;
	j->buf = b->p;
	j->len = b->len;
	j->nitems = n;
	j->newfile = newfile;
	j->file_ts = file_ts;
	if (kind == CAP_BLK_STATE)
		atomic_fetch_add(&w->state_pending, 1);
	w->file_raw += b->len;
	memset(b, 0, sizeof(*b));
	enqueue(w, j);
	return 0;
}

static void flush_meta(struct capture_writer *w, bool with_loss)
{
	struct cap_buf b;
	uint32_t n = cap_tables__take_meta(w->tables, &b);

	/* At the end, a loss that found no room in a block is still reported. */
	if (with_loss && w->loss.records) {
		cap_put_loss(&b, &w->loss);
		memset(&w->loss, 0, sizeof(w->loss));
		n++;
	}
	if (n)
		enqueue_buf(w, CAP_BLK_META, &b, n, false, 0);
	else
		cap_buf__free(&b);
}

/* When a file starts, on the recorded host's clock: a replay's is its events' time. */
static uint64_t file_ts(const struct capture_writer *w, const struct scry_event *first)
{
	if (!w->o.source)
		return now_boot_ns();
	if (first)
		return first->rec->h.ts;
	return w->run && w->run->last_ts ? w->run->last_ts : w->hdr.start_ts;
}

/* A new file starts here: its snapshot of the tables, queued behind everything before. */
static int new_file(struct capture_writer *w, const struct scry_event *first)
{
	struct cap_buf b = {};
	uint32_t n;

	flush_meta(w, false);
	n = cap_tables__snapshot(w->tables, &b, first);
	/* The cache's cgroup may be one the tables forgot: the new file must describe it. */
	memset(&w->fast, 0, sizeof(w->fast));
	w->file_raw = 0;
	w->file_since = now_mono_ns();
	return enqueue_buf(w, CAP_BLK_STATE, &b, n, true, file_ts(w, first));
}

static void drop(struct capture_writer *w, const union scry_rec *r)
{
	unsigned int n = cap_rec_events(r);

	if (!w->loss.records || cap_rec_first_ts(r) < w->loss.first_ts)
		w->loss.first_ts = cap_rec_first_ts(r);
	if (r->h.ts > w->loss.last_ts)
		w->loss.last_ts = r->h.ts;
	w->loss.records++;
	w->loss.events += n;
	w->dropped_records++;
	w->dropped_events += n;
}

/* One record into the current block, or counted as dropped when there is no room. */
static void put(struct capture_writer *w, const struct scry_event *ev)
{
	const union scry_rec *r = ev->rec;
	size_t room = w->block_raw + (lifecycle(r->h.type) ? BLOCK_RESERVE : 0);
	size_t need = cap_rec_bound(r) + LOSS_ITEM_MAX;
	struct job *j = w->cur;

	if (!j || (j->len + need > room && (!handoff(w) || !(j = w->cur)))) {
		drop(w, r);
		return;
	}
	if (!j->nitems)
		w->cur_since = now_mono_ns();
	if (w->loss.records) {
		j->len += cap_loss_encode(j->buf + j->len, &w->loss);
		j->nitems++;
		j->lost_records += w->loss.records;
		j->lost_events += w->loss.events;
		memset(&w->loss, 0, sizeof(w->loss));
	}
	/* the cgroup's container: an entered process's events name another (nstab.c) */
	cap_tables__see(w->tables, &w->fast, r->h.cgid, ev->entered ? NULL : ev->container);
	if (evt_peer(ev))	/* a signal's sender: its container replays named too */
		cap_tables__see(w->tables, &w->fast, evt_peer(ev)->cgid, ev->peer_container);
	cap_tables__see_users(w->tables, &w->fast, ev);
	cap_tables__see_cgroups(w->tables, &w->fast, ev);
	j->len += cap_event_encode(&j->ctx, j->buf + j->len, r);
	j->nitems++;
	j->records++;
	j->events += cap_rec_events(r);
	if (cap_rec_first_ts(r) < j->first_ts)
		j->first_ts = cap_rec_first_ts(r);
	if (r->h.ts > j->last_ts)
		j->last_ts = r->h.ts;
}

/* Size of the current file so far, from the compression ratio of what was written. */
static uint64_t file_estimate(struct capture_writer *w)
{
	uint64_t raw = atomic_load(&w->raw_bytes), disk = atomic_load(&w->bytes);

	return raw ? (uint64_t)((double)w->file_raw * disk / raw) : w->file_raw / 3;
}

/*
 * A next file's open sockets, as the first file has the ones open at the start: so that it
 * replays alone with its connections named (the state changes that named them are in an earlier
 * file). Records at the newest event's time, ahead of the file's other events.
 */
static void put_socks(struct capture_writer *w)
{
	const struct run_ctx *run = w->run;
	struct scry_rec_sock_seed rec;
	struct scry_sock *s;
	size_t pos = 0;

	while (run && run->socks && (s = socktab__next(run->socks, &pos))) {
		struct scry_proc *p = s->pid && run->procs ? proctab__proc(run->procs, s->pid) : NULL;
		struct scry_event ev = { .rec = (const union scry_rec *)&rec, .type = rec.h.type };

		if (!sock_seed_of(s, run->last_ts, &rec))
			continue;
		if (p)
			memcpy(rec.h.comm, p->comm, SCRY_COMM_LEN);
		ev.type = SCRY_REC_SOCK_SEED;
		ev.ts = rec.h.ts;
		ev.container = p && p->ctr_known ? p->container :
			       run->containers && s->cgid ?
			       containers__of_cgroup(run->containers, s->cgid, rec.h.ts) : NULL;
		put(w, &ev);
	}
}

/* One fd seed of process p into the file. */
static void put_fd_seed(struct capture_writer *w, const struct scry_proc *p,
			const struct scry_rec_fd_seed *rec)
{
	struct scry_event ev = {
		.rec = (const union scry_rec *)rec, .type = SCRY_REC_FD_SEED, .ts = rec->h.ts,
		.container = p->ctr_known ? p->container : NULL,
	};

	if (!ev.container && w->run->containers && p->cgid)
		ev.container = containers__of_cgroup(w->run->containers, p->cgid, rec->h.ts);
	put(w, &ev);
}

/*
 * A next file's fds of every live process, and its cwd, as the first file has the ones open at
 * the start: so that it replays alone with its fds named (the opens are in an earlier file). A
 * table that processes share (CLONE_FILES) is written for each of them.
 */
static void put_fds(struct capture_writer *w)
{
	const struct run_ctx *run = w->run;
	struct scry_rec_fd_seed *rec = &w->fd_rec;
	const struct scry_fd *f;
	struct scry_proc *p;
	size_t pos = 0, fpos;

	while (run && run->procs && (p = proctab__next_proc(run->procs, &pos))) {
		if (p->dead)
			continue;
		if (fd_seed_cwd(p, run->last_ts, rec))
			put_fd_seed(w, p, rec);
		for (fpos = 0; p->fds && (f = fdtab__next(p->fds, &fpos));)
			if (fd_seed_of(p, f, run->last_ts, rec))
				put_fd_seed(w, p, rec);
	}
}

/*
 * issue 18 (ns18): a next file's zombies and processes' namespaces, as the first file has them
 * from /proc: so that it replays alone with its zombies and its entered containers. Each names
 * its process as the table has it; pid 1's namespaces (the host's) come along.
 */
static void put_ns18(struct capture_writer *w)
{
	const struct run_ctx *run = w->run;
	union scry_rec rec;
	const struct zombie *z;
	size_t pos = 0;
	uint32_t pid;

	while (run && (z = zombietab__next(run->zombies, &pos))) {
		struct scry_event ev = { .rec = &rec, .type = SCRY_REC_ZOMBIE, .ts = run->last_ts,
					 .container = z->container };

		zombie_seed_of(z, run->last_ts, &rec.zombie);
		put(w, &ev);
	}
	for (pos = 0; run && nstab__host_of(run->ns, pos, run->last_ts, &rec.ns); pos++) {
		struct scry_event ev = { .rec = &rec, .type = SCRY_REC_NS, .ts = run->last_ts };

		put(w, &ev);
	}
	pos = 0;
	while (run && nstab__next(run->ns, &pos, &pid)) {
		struct scry_proc *p = run->procs ? proctab__proc(run->procs, pid) : NULL;
		struct scry_event ev = { .rec = &rec, .type = SCRY_REC_NS, .ts = run->last_ts };

		if (!nstab__seed_of(run->ns, pid, run->last_ts, &rec.ns) || (p && p->dead))
			continue;
		if (p) {
			memcpy(rec.h.comm, p->comm, SCRY_COMM_LEN);
			rec.h.cgid = p->cgid ? p->cgid : p->ctr_cgid;
			rec.ns.vpid = p->vpid;
			ev.container = p->ctr_known ? p->container : NULL;
		}
		put(w, &ev);
	}
}

/* At a record boundary (or a tick): start the next file if -C or -G says so. */
static int maybe_rotate(struct capture_writer *w)
{
	bool due;
	int err;

	/* Not before the first file has its name: the next would be named before it. */
	if ((!w->o.rotate_bytes && !w->o.rotate_ns) || atomic_load(&w->state_pending) ||
	    !w->published)
		return 0;
	due = (w->o.rotate_bytes && file_estimate(w) >= w->o.rotate_bytes) ||
	      (w->o.rotate_ns && now_mono_ns() - w->file_since >= w->o.rotate_ns);
	/* The records of the current block belong to the old file: it must go first. */
	if (!due || (w->cur && w->cur->nitems && !handoff(w)))
		return 0;
	err = new_file(w, NULL);
	if (!err) {
		put_socks(w);
		put_fds(w);
		put_ns18(w);
	}
	return err;
}

/* After each complete record: pass a full block on. */
static int settle(struct capture_writer *w)
{
	int err = atomic_load(&w->err);

	if (w->cur && w->cur->len + w->block_raw / 16 > w->block_raw && handoff(w) && !err)
		err = maybe_rotate(w);
	return err;
}

/* The first file takes its name: the recording is there for everyone to see. */
static int publish_first(struct capture_writer *w)
{
	int err = outfile__publish(&w->out, NULL);

	if (err) {
		atomic_store(&w->err_said, true);
		return err;
	}
	w->published = true;
	if (!w->out.in_place)
		cap_names__created(w->names, 0, w->first_name, &w->out.id);
	return 0;
}

static int make_first(struct capture_writer *w)
{
	int err;

	if (w->out.fd >= 0)
		return 0;	/* a descriptor given (opts.fd) */
	err = outfile__create(&w->out, w->first_name);
	if (err)
		atomic_store(&w->err_said, true);
	else if (!w->o.source)
		err = publish_first(w);
	return err;
}

static int start(struct capture_writer *w, const struct scry_event *first)
{
	int err, zero = 0;

	w->started = true;	/* from here on, what the writer makes is its own business */
	err = make_first(w);
	if (err) {
		atomic_compare_exchange_strong(&w->err, &zero, err);
		return err;
	}
	/* The live run has set the offset by now; replay prints times with this very offset. */
	w->hdr.boot_wall = clock__wall_offset() ? clock__wall_offset() : boot_to_wall_offset();
	w->hdr.start_ts = w->run && w->run->start_ts ? w->run->start_ts : now_boot_ns();
	w->cur = take_free(w);
	return new_file(w, first);
}

static int cap_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct capture_writer *w = ctx;
	const union scry_rec *r = ev->rec;
	bool first_half = ev->type == SCRY_REC_SYS_ENTER && r->h.type == SCRY_REC_SYS_EXIT;
	int err;

	if (!w->started && (err = start(w, ev)))
		return err;
	if (matched && !w->published && (err = publish_first(w)))
		return err;
	/* A folded syscall is one record and two events: write it once, if either matched. */
	if (w->pair == r && ev->type == SCRY_REC_SYS_EXIT) {
		w->pair = NULL;
		if (!w->pair_written && matched)
			put(w, ev);
		return settle(w);
	}
	w->pair = first_half ? r : NULL;
	w->pair_written = matched || kept(r->h.type) || fd_state(r);
	/* A filtered capture keeps every process's lifecycle, so that names stay right. */
	if (w->pair_written)
		put(w, ev);
	return first_half ? 0 : settle(w);
}

static int cap_tick(void *ctx, uint64_t ts)
{
	struct capture_writer *w = ctx;
	int err;

	if (!w->started && (err = start(w, NULL)))
		return err;
	cap_tables__poll(w->tables);
	/* A block waits at most FLUSH_NS live; a re-recorded replay just fills its blocks. */
	if (!w->o.source && w->cur && w->cur->nitems && now_mono_ns() - w->cur_since >= FLUSH_NS)
		handoff(w);
	flush_meta(w, false);
	err = atomic_load(&w->err);
	return err ? err : maybe_rotate(w);
}

/* Everything pending goes to the writer thread; later records (none are expected) drop. */
static int cap_finish(void *ctx)
{
	struct capture_writer *w = ctx;
	int err;

	if (!w->started && (err = start(w, NULL)))
		return err;
	cap_tables__poll(w->tables);
	if (w->cur && w->cur->nitems) {
		struct job *j = w->cur;

		if (j->first_ts == UINT64_MAX)
			j->first_ts = 0;
		w->cur = NULL;
		enqueue(w, j);
		w->cur = take_free(w);
	}
	flush_meta(w, true);
	return atomic_load(&w->err);
}

int capture_writer__close(struct capture_writer *w)
{
	if (w->closed)
		return atomic_load(&w->err);
	/* Not started: the run never traced, and no file was made. */
	if (w->started)
		cap_finish(w);
	w->closed = true;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	if (w->thread_ok)
		pthread_join(w->thread, NULL);
	w->thread_ok = false;
	/* A replay re-recorded that matched nothing: its file goes, and FILE stays as it was. */
	w->discarded = !w->published && w->out.tmp[0];
	outfile__close(&w->out);
	return atomic_load(&w->err);
}

static void cap_free(void *ctx)
{
	capture_writer__free(ctx);
}

const struct sink_ops capture_sink_ops = {
	.name = "capture",
	.flags = SINK_HIDDEN | SINK_UNFILTERED,
	.event = cap_event,
	.tick = cap_tick,
	.finish = cap_finish,
	.free = cap_free,
};

void capture_writer__stats(struct capture_writer *w, struct capture_stats *st)
{
	st->records = atomic_load(&w->records);
	st->events = atomic_load(&w->events);
	st->dropped_records = w->dropped_records + atomic_load(&w->lost_records);
	st->dropped_events = w->dropped_events + atomic_load(&w->lost_events);
	st->bytes = atomic_load(&w->bytes);
	st->raw_bytes = atomic_load(&w->raw_bytes);
	st->files = atomic_load(&w->files);
	st->err = atomic_load(&w->err);
	st->err_said = atomic_load(&w->err_said);
	st->discarded = w->discarded;
}

bool capture_writer__started(const struct capture_writer *w)
{
	return w->started;
}

const char *capture_writer__path(const struct capture_writer *w, bool last)
{
	return last && w->last_name ? w->last_name : w->first_name;
}

/* --- setup ----------------------------------------------------------------------------------- */

static void read_boot_id(uint8_t id[16])
{
	char text[64], path[PATH_MAX];
	FILE *f;
	int i = 0;

	memset(id, 0, 16);
	snprintf(path, sizeof(path), "%s/sys/kernel/random/boot_id", hostpath__procfs());
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(text, sizeof(text), f))
		for (char *p = text; *p && i < 32; p++)
			if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))
				id[i / 2] |= (*p <= '9' ? *p - '0' : *p - 'a' + 10) << (i % 2 ? 0 : 4),
					i++;
	fclose(f);
}

/*
 * Re-recording: the host, kernel and boot are those of the recording replayed (the earliest, if
 * several), and what the file holds passed the sources' filters and this one.
 */
static void take_origin(struct cap_header *h, struct capture_reader *r, const char *filter)
{
	const struct cap_header *src = capture_reader__origin(r);
	static char srcf[CAP_STR_MAX];
	bool mixed;

	h->ncpus = src->ncpus;
	memcpy(h->boot_id, src->boot_id, sizeof(h->boot_id));
	memcpy(h->hostname, src->hostname, sizeof(h->hostname));
	memcpy(h->release, src->release, sizeof(h->release));
	memcpy(h->machine, src->machine, sizeof(h->machine));
	if (capture_reader__filters(r, srcf, sizeof(srcf), &mixed)) {
		h->flags |= CAP_FF_FILTERED;
		if (filter && *filter) {
			if (snprintf(h->filter, sizeof(h->filter), "%s and (%s)", srcf,
				     filter) >= (int)sizeof(h->filter))
				log_warn("the filters are too long to keep in the header: it shows "
					 "them cut short");
		} else {
			snprintf(h->filter, sizeof(h->filter), "%s", srcf);
		}
	}
	if (mixed)
		log_warn("the replayed files come from several hosts or boots: the new file's header "
			 "names %s's (events keep their order and times)", src->hostname);
}

/* A loss marker of the replayed recording: the new file says it too. */
static void inherit_loss(void *ctx, const struct cap_loss *l)
{
	struct capture_writer *w = ctx;

	if (!w->loss.records || l->first_ts < w->loss.first_ts)
		w->loss.first_ts = l->first_ts;
	if (l->last_ts > w->loss.last_ts)
		w->loss.last_ts = l->last_ts;
	w->loss.records += l->records;
	w->loss.events += l->events;
}

static void fill_header(struct capture_writer *w)
{
	struct cap_header *h = &w->hdr;
	struct utsname u;

	if (getrandom(&h->session, sizeof(h->session), GRND_NONBLOCK) != sizeof(h->session))
		h->session = now_boot_ns() ^ ((uint64_t)getpid() << 32);
	h->ncpus = get_nprocs_conf();
	if (w->o.filter && *w->o.filter)
		h->flags |= CAP_FF_FILTERED;
	if (w->o.rotate_bytes || w->o.rotate_ns)
		h->flags |= CAP_FF_ROTATING;
	read_boot_id(h->boot_id);
	snprintf(h->version, sizeof(h->version), "%s", SCRY_VERSION);
	if (!uname(&u)) {
		snprintf(h->hostname, sizeof(h->hostname), "%s", u.nodename);
		snprintf(h->release, sizeof(h->release), "%s", u.release);
		snprintf(h->machine, sizeof(h->machine), "%s", u.machine);
	}
	snprintf(h->filter, sizeof(h->filter), "%s", w->o.filter ? w->o.filter : "");
	if (w->o.source)
		take_origin(h, w->o.source, w->o.filter);
}

static int make_pool(struct capture_writer *w, unsigned int n)
{
	size_t sz = w->block_raw + BLOCK_RESERVE;
	unsigned int i;

	w->pool = n;
	w->pool_mem = calloc(n, sizeof(*w->pool_mem));
	/* Pages are touched as blocks fill: an idle recording does not cost the whole pool. */
	w->pool_buf = malloc((size_t)n * sz);
	if (!w->pool_mem || !w->pool_buf)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		w->pool_mem[i].pooled = true;
		w->pool_mem[i].kind = CAP_BLK_EVENTS;
		w->pool_mem[i].buf = w->pool_buf + i * sz;
		w->pool_mem[i].next = w->free;
		w->free = &w->pool_mem[i];
	}
	atomic_store(&w->nfree, n);
	return 0;
}

static int start_thread(struct capture_writer *w)
{
	sigset_t all, old;
	int err;

	/* Signals are the consumer's business: the writer thread never takes one. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&w->thread, NULL, cap_writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	w->thread_ok = !err;
	return -err;
}

struct capture_writer *capture_writer__new(const struct capture_writer_opts *o,
					   const struct run_ctx *run)
{
	struct capture_writer *w = calloc(1, sizeof(*w));
	int level = o->level < 0 ? DEFAULT_LEVEL : o->level, err = -ENOMEM;
	const char *name;

	if (!w)
		goto fail;
	outfile__init(&w->out);
	if (o->fd > 0) {
		w->out.fd = o->fd;
		w->out.in_place = w->out.published = w->published = true;
	}
	w->o = *o;
	w->run = run;
	w->block_raw = o->block_bytes ? o->block_bytes : BLOCK_RAW;
	if (w->block_raw < 1024)
		w->block_raw = 1024;	/* room for the largest non-lifecycle record */
	if (w->block_raw > CAP_RAW_MAX - BLOCK_RESERVE)
		w->block_raw = CAP_RAW_MAX - BLOCK_RESERVE;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	pthread_cond_init(&w->freed, NULL);
	/* Room for a deflated event block (else it is stored) and for the file header. */
	w->zcap = CAP_BLOCK_HDR + w->block_raw + BLOCK_RESERVE + (w->block_raw >> 4) + 4096;
	if (w->zcap < CAP_PREAMBLE + CAP_HDR_BODY_MAX + 4)
		w->zcap = CAP_PREAMBLE + CAP_HDR_BODY_MAX + 4;
	w->zbuf = malloc(w->zcap);
	w->tables = cap_tables__new(run ? run->procs : NULL, run ? run->containers : NULL);
	w->names = cap_names__new(o->path, o->rotate_bytes, o->rotate_ns, o->keep);
	if (!w->zbuf || !w->tables || !w->names || make_pool(w, o->pool_blocks ?: POOL_DEFAULT))
		goto fail;
	if (level > 0 && !(w->zip = cap_zip__new(level > 9 ? 9 : level)))
		goto fail;
	fill_header(w);
	name = cap_names__get(w->names, 0, time(NULL));
	w->first_name = strdup(name);
	if (!w->first_name)
		goto fail;
	/* Nothing is made yet: only what would be refused later is refused now (and said). */
	if (o->fd <= 0 && ((err = outfile__check(name)) || (err = cap_names__check(w->names)))) {
		capture_writer__free(w);
		errno = -err;
		return NULL;
	}
	err = start_thread(w);
	if (!err) {
		if (o->source)
			capture_reader__on_loss(o->source, inherit_loss, w);
		return w;
	}
fail:
	log_err("cannot set up the capture writer (%s)", strerror(-err));
	capture_writer__free(w);
	errno = -err;
	return NULL;
}

void capture_writer__free(struct capture_writer *w)
{
	struct job *j;

	if (!w)
		return;
	if (w->thread_ok)
		capture_writer__close(w);
	if (w->o.source)
		capture_reader__on_loss(w->o.source, NULL, NULL);
	while ((j = w->qhead)) {	/* never written: the thread did not start */
		w->qhead = j->next;
		if (!j->pooled) {
			free(j->buf);
			free(j);
		}
	}
	outfile__close(&w->out);
	cap_tables__free(w->tables);
	cap_zip__free(w->zip);
	cap_names__free(w->names);
	free(w->pool_mem);
	free(w->pool_buf);
	free(w->zbuf);
	free(w->first_name);
	free(w->last_name);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	pthread_cond_destroy(&w->freed);
	free(w);
}
