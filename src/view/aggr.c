// SPDX-License-Identifier: GPL-2.0
/*
 * Rows of figures for a view, computed from events. Every view's rows carry the same figures;
 * a view only chooses which to show, so one aggregator serves the tables, JSON and the top UI.
 * Events a view does not count are dropped by type before any lookup, which keeps CPU views
 * cheap on captures full of syscalls.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/state.h"
#include "scry/view.h"

#define ERRNO_SLOTS 256

struct aggr {
	const struct view_desc *v;
	int nr_exit, nr_exit_group, nr_clone[4];	/* -1 where the architecture has none */
	struct hashmap *rows;		/* key -> struct view_row */
	struct view_row **sorted;
	size_t cap;
	uint64_t seq;			/* rows made */
	/* KEY_FIELD: the field that keys the rows, the view's own filter, the field's scratch */
	const struct field_desc *field;
	struct filter *where;
	struct sbuf_mem scratch;
	const struct field_desc *fdnum, *fdname;	/* VC_FDS */
	const struct field_desc *value;			/* VC_VALUE */
	size_t nfds;			/* VC_FDS: entries in all the rows' sets */
	struct log2_hist tot_blk_hist;	/* the totals row's block latencies (aggr__totals) */
	struct log2_hist tot_wait_hist;	/* aggr__totals': the rows' wait histograms merged */
};

struct aggr *aggr__new(const struct view_desc *v)
{
	struct aggr *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->v = v;
	a->nr_exit = syscall_lookup("exit");
	a->nr_exit_group = syscall_lookup("exit_group");
	a->nr_clone[0] = syscall_lookup("clone");
	a->nr_clone[1] = syscall_lookup("clone3");
	a->nr_clone[2] = syscall_lookup("fork");
	a->nr_clone[3] = syscall_lookup("vfork");
	a->rows = hashmap__new(256);
	if (!a->rows)
		goto fail;
	if (v->key == KEY_FIELD && v->field) {
		struct filter_error err;

		a->field = field_resolve(v->field);
		/* The view table's own expression: one that does not compile is a bug. */
		if (!a->field || (v->where && !(a->where = filter__new(v->where, &err))))
			goto fail;
		a->fdnum = field_lookup("fd.num");
		a->fdname = field_lookup("fd.name");
		if ((v->counts & VC_VALUE) && !(a->value = v->value ? field_resolve(v->value) : NULL))
			goto fail;
	}
	return a;
fail:
	aggr__free(a);
	return NULL;
}

static void row_free(struct view_row *r)
{
	if (r->container && r->container->pins)
		r->container->pins--;
	free(r->args);
	free(r->errnos);
	free(r->blk_hist);
	free(r->wait_hist);
	hashmap__free(r->fdset);
	if (r->val)
		free((char *)r->val->str);
	free(r->val);
	free(r);
}

void aggr__reset(struct aggr *a)
{
	size_t pos = 0;
	void *v;

	while (hashmap__next(a->rows, &pos, NULL, &v))
		row_free(v);
	hashmap__free(a->rows);
	a->rows = hashmap__new(256);
	a->nfds = 0;
}

void aggr__free(struct aggr *a)
{
	size_t pos = 0;
	void *v;

	if (!a)
		return;
	while (a->rows && hashmap__next(a->rows, &pos, NULL, &v))
		row_free(v);
	hashmap__free(a->rows);
	free(a->sorted);
	filter__free(a->where);
	sbuf_mem__free(&a->scratch);
	free(a);
}

/*
 * The process as the row shows it. Its arguments are cut where proc.cmdline (name, space,
 * arguments, one byte each) reaches ROW_CMDLINE_MAX bytes.
 */
static void set_proc(struct view_row *r, const struct scry_proc *p)
{
	size_t comm = strnlen(p->comm, SCRY_COMM_LEN);
	size_t room = ROW_CMDLINE_MAX > comm + 1 ? ROW_CMDLINE_MAX - comm - 1 : 0;
	size_t a0 = strnlen(p->args, p->args_len), n = p->args_len;

	r->pid = p->pid;
	r->ppid = p->ppid;
	r->uid = p->uid;
	r->start_ts = p->start_ts;
	memcpy(r->comm, p->comm, SCRY_COMM_LEN);
	if (a0 < n && n - a0 - 1 > room)
		n = a0 + 1 + room;
	free(r->args);
	r->args = malloc(n + 1);
	r->args_len = r->args ? n : 0;
	if (r->args)
		memcpy(r->args, p->args, n);
}

static void set_container(struct view_row *r, struct scry_container *c)
{
	if (r->container == c)
		return;
	if (r->container && r->container->pins)
		r->container->pins--;
	r->container = c;
	if (c)
		c->pins++;
}

/* A new row for `key` (NULL if memory ran out). */
static struct view_row *row_add(struct aggr *a, uint64_t key, struct scry_container *c,
				const struct scry_proc *p)
{
	struct view_row *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->key = key;
	r->seq = a->seq++;
	set_container(r, c);
	if (p)
		set_proc(r, p);
	if (hashmap__set(a->rows, key, r)) {
		row_free(r);
		return NULL;
	}
	return r;
}

/* FNV-1a over a value's type and its bytes (or number). */
static uint64_t val_hash(const struct field_val *v)
{
	const unsigned char *p = v->type == FT_STR ? (const void *)v->str :
				 v->type == FT_U64 ? (const void *)&v->u : (const void *)&v->s;
	size_t n = v->type == FT_STR ? v->len : sizeof(uint64_t), i;
	uint64_t h = 0xcbf29ce484222325ULL ^ v->type;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static bool val_eq(const struct field_val *a, const struct field_val *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == FT_STR)
		return a->len == b->len && !memcmp(a->str, b->str, a->len);
	return a->type == FT_U64 ? a->u == b->u : a->s == b->s;
}

static struct field_val *val_dup(const struct field_val *v)
{
	struct field_val *d = malloc(sizeof(*d));
	char *s = NULL;

	if (!d)
		return NULL;
	*d = *v;
	if (v->type == FT_STR) {
		s = malloc(v->len + 1);
		if (!s) {
			free(d);
			return NULL;
		}
		memcpy(s, v->str, v->len);
		s[v->len] = '\0';
	}
	d->str = s;
	return d;
}

/*
 * KEY_FIELD: the row of the event's value of the field (none if the field does not apply). Rows
 * are keyed by the value's hash; two values of one hash take the next free keys in turn, and as
 * rows are never removed but all at once, a lookup walks the same keys.
 */
static struct view_row *field_row(struct aggr *a, const struct scry_event *ev)
{
	struct view_row *r;
	struct field_val v;
	struct sbuf b;
	uint64_t key;

	if (!a->field)
		return NULL;
	sbuf__init_mem(&b, &a->scratch);
	if (!field_get(a->field, ev, &v, &b))
		return NULL;
	key = val_hash(&v);
	while ((r = hashmap__find(a->rows, key)) && !val_eq(r->val, &v))
		key++;
	if (r)
		return r;
	r = row_add(a, key, NULL, NULL);
	if (r && !(r->val = val_dup(&v))) {
		hashmap__del(a->rows, key);
		row_free(r);
		return NULL;
	}
	return r;
}

static struct view_row *row_for(struct aggr *a, const struct scry_event *ev)
{
	const struct key_desc *k = &key_table[a->v->key];
	struct view_row *r;
	uint64_t key;

	if (!k->row_key || !k->row_key(ev, &key))
		return NULL;
	r = hashmap__find(a->rows, key);
	if (!r) {
		struct scry_container *c = k->flags & KF_NO_CTR ? NULL : ev->container;

		/*
		 * A block request counts in its own cgroup's container, but a process row is the
		 * process's: a flusher writing back a container's pages is still the host's.
		 */
		if ((k->flags & KF_PROC) && ev->proc && (evt_table[ev->type].flags & EVF_BLOCK))
			c = ev->proc->container;
		r = row_add(a, key, c, k->flags & KF_PROC ? ev->proc : NULL);
		if (!r)
			return NULL;
		r->nr = ev->nr;
	}
	/* A connection's row learns its process from its first send or receive (its state
	 * changes name no task) and its tuple from its socket; a socket with no tuple known yet
	 * (UDP, unix) still has its family and protocol. */
	if ((k->flags & KF_PROC) && !r->pid && ev->proc)
		set_proc(r, ev->proc);
	if (ev->sock && !r->has_tuple && (ev->sock->tuple || !r->tuple.family)) {
		r->tuple = ev->sock->t;
		r->has_tuple = ev->sock->tuple;
	}
	return r;
}

static void count_error(struct view_row *r, int64_t res)
{
	r->errors++;
	if (!r->errnos)
		r->errnos = calloc(ERRNO_SLOTS, sizeof(*r->errnos));
	if (r->errnos && -res < ERRNO_SLOTS)
		r->errnos[-res]++;
}

/* Bytes moved on regular files by a successful read/write-family call. */
static void count_io(struct view_row *r, const struct scry_event *ev)
{
	const struct syscall_desc *d = syscall_desc(ev->nr);
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	bool a_reg, b_reg;

	if (!d || !d->io || ev->res <= 0 || !x->nargs)
		return;
	a_reg = x->fd_kind[0] == SCRY_FD_REG;
	b_reg = x->fd_kind[1] == SCRY_FD_REG;
	switch (d->io) {
	case IO_READ:
		r->read += a_reg ? ev->res : 0;
		break;
	case IO_WRITE:
		r->written += a_reg ? ev->res : 0;
		break;
	case IO_XFER:		/* fd_a out, fd_b in */
		r->read += b_reg ? ev->res : 0;
		r->written += a_reg ? ev->res : 0;
		break;
	case IO_XFER_AB:	/* fd_a in, fd_b out */
		r->read += a_reg ? ev->res : 0;
		r->written += b_reg ? ev->res : 0;
		break;
	}
}

/*
 * VC_FDS: the event's fd (a number above 0 with a name, as sysdig's fdcount_by takes it) in its
 * row's set, by a hash of both. Sets are bounded per row and in all: past that, counts stop.
 */
#define FDSET_ROW_MAX 65536
#define FDSET_ALL_MAX (1u << 20)
static void count_fd(struct aggr *a, const struct scry_event *ev)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	struct field_val num, name;
	struct view_row *r;
	struct sbuf b;
	size_t i;

	sbuf__init_mem(&b, &a->scratch);
	if (!field_get(a->fdnum, ev, &num, &b) || num.s <= 0 ||
	    !field_get(a->fdname, ev, &name, &b) || !name.len)
		return;
	for (i = 0; i < sizeof(num.s); i++)
		h = (h ^ ((uint64_t)num.s >> (8 * i) & 0xff)) * 0x100000001b3ULL;
	for (i = 0; i < name.len; i++)
		h = (h ^ (unsigned char)name.str[i]) * 0x100000001b3ULL;
	h |= 1;		/* never 0 */
	/* the fd's strings live in the scratch buffer that field_row reuses: hashed first */
	if ((a->where && !filter__match(a->where, ev)) || !(r = field_row(a, ev)))
		return;
	if (!r->fdset && !(r->fdset = hashmap__new(16)))
		return;
	if (r->fds >= FDSET_ROW_MAX || a->nfds >= FDSET_ALL_MAX || hashmap__find(r->fdset, h))
		return;
	if (!hashmap__set(r->fdset, h, r)) {
		r->fds++;
		a->nfds++;
	}
}

/* VC_VALUE: the value field's number, when above 0, added to the row of the key's value. */
static void count_value(struct aggr *a, const struct scry_event *ev)
{
	struct field_val val;
	struct view_row *r;
	struct sbuf b;
	uint64_t n;

	sbuf__init_mem(&b, &a->scratch);
	if (!field_get(a->value, ev, &val, &b))
		return;
	if (val.type == FT_S64 && val.s > 0)
		n = val.s;
	else if (val.type == FT_U64 && val.u)
		n = val.u;
	else
		return;	/* not a number, or not above 0: sysdig's test */
	if ((a->where && !filter__match(a->where, ev)) || !(r = field_row(a, ev)))
		return;
	r->value += n;
}

/*
 * KEY_FIELD: a syscall exit the view counts (its class, then its filter), in the row of its
 * value. A transfer's bytes go to its first fd, as fd.name names it: sendfile's out, splice's in.
 */
static void field_event(struct aggr *a, const struct scry_event *ev)
{
	const struct syscall_desc *d = syscall_desc(ev->nr);
	bool io = (a->v->counts & VC_IO) && d && d->io;
	bool failed = (a->v->counts & VC_ERRORS) && ev->res < 0 && ev->res >= -4095;
	struct view_row *r;

	if ((!io && !failed) || (a->where && !filter__match(a->where, ev)) ||
	    !(r = field_row(a, ev)))
		return;
	if (failed)
		count_error(r, ev->res);
	if (!io)
		return;
	r->io_calls++;
	r->io_ns += ev->latency;
	if (ev->res <= 0)
		return;
	if (d->io == IO_READ || d->io == IO_XFER_AB)
		r->io_in += ev->res;
	else
		r->io_out += ev->res;
}

/*
 * A block completion: its bytes each way; a request is counted at its last part, and its latency
 * (issue to that completion) when its issue was seen. Flushes and discards move no data here.
 */
static void count_block(struct aggr *a, const struct scry_event *ev)
{
	const struct scry_rec_block_io *b = &ev->rec->blk;
	bool done = b->blk_flags & SCRY_BLK_DONE;
	struct view_row *r;

	if (b->op != SCRY_BLK_READ && b->op != SCRY_BLK_WRITE)
		return;
	if (!(r = row_for(a, ev)))
		return;
	r->dev = b->dev;
	if (b->op == SCRY_BLK_READ) {
		r->blk_rd += b->bytes;
		r->blk_rd_n += done;
	} else {
		r->blk_wr += b->bytes;
		r->blk_wr_n += done;
	}
	if (!done || !(b->blk_flags & SCRY_BLK_ISSUED))
		return;
	r->blk_lat_ns += b->latency_ns;
	r->blk_lat_n++;
	if (!r->blk_hist)
		r->blk_hist = calloc(1, sizeof(*r->blk_hist));
	if (r->blk_hist)
		hist_add(r->blk_hist, b->latency_ns);
}

static bool is_clone(const struct aggr *a, uint32_t nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(a->nr_clone); i++)
		if (a->nr_clone[i] >= 0 && (uint32_t)a->nr_clone[i] == nr)
			return true;
	return false;
}

void aggr__charge(struct aggr *a, const struct scry_event *ev, uint64_t ns)
{
	struct view_row *r;

	if ((a->v->needs & NEED_SCHED) && ns && (r = row_for(a, ev)))
		r->cpu_ns += ns;
}

void aggr__sched(struct aggr *a, const struct scry_event *ev)
{
	const struct scry_sched_acct *s = ev->acct;
	struct view_row *r;

	if (!(a->v->needs & NEED_SCHED) || !s ||
	    !(s->wait_ns | s->off_ns | s->min_flt | s->maj_flt) || !(r = row_for(a, ev)))
		return;
	sched_sums_add(&r->sched, s);
	if (!s->wait_ns || !(a->v->flags & VF_WAIT_HIST))
		return;
	if (!r->wait_hist)
		r->wait_hist = calloc(1, sizeof(*r->wait_hist));
	if (r->wait_hist)
		hist_add(r->wait_hist, s->wait_ns);
}

void aggr__event(struct aggr *a, const struct scry_event *ev)
{
	uint32_t needs = a->v->needs;
	struct view_row *r;
	uint64_t bytes;

	uint8_t flags = evt_table[ev->type].flags;

	if (flags & EVF_CPU) {
		aggr__charge(a, ev, ev->runtime_ns);
		aggr__sched(a, ev);
		return;
	}
	if (flags & EVF_RENAMES) {
		const struct key_desc *k = &key_table[a->v->key];
		uint64_t key;

		/* A process row shows the name and command it runs now. */
		if ((k->flags & KF_FOLLOW) && k->row_key(ev, &key) && (r = hashmap__find(a->rows, key)))
			set_proc(r, ev->proc);
		return;
	}
	if (a->v->key == KEY_FIELD) {
		if (ev->type != SCRY_REC_SYS_EXIT || !(needs & NEED_SYSCALLS))
			return;
		if (a->v->counts & VC_FDS)
			count_fd(a, ev);
		else if (a->v->counts & VC_VALUE)
			count_value(a, ev);
		else
			field_event(a, ev);
		return;
	}
	switch (ev->type) {
	case SCRY_REC_SYS_ENTER:
		/* Only calls that never return are counted at their enter. */
		if ((needs & NEED_SYSCALLS) && ((int)ev->nr == a->nr_exit || (int)ev->nr == a->nr_exit_group) &&
		    (r = row_for(a, ev)))
			r->syscalls++;
		return;
	case SCRY_REC_SYS_EXIT:
		if (!(needs & NEED_SYSCALLS) || !(r = row_for(a, ev)))
			return;
		/*
		 * A call is counted at its exit, by the process and container it returns to (the
		 * same whether its enter was traced or not, live or replayed), except a fork child's
		 * first return: that call is its parent's.
		 */
		if (!(ev->res == 0 && is_clone(a, ev->nr)))
			r->syscalls++;
		if (ev->res < 0 && ev->res >= -4095)
			count_error(r, ev->res);
		if (ev->latency) {
			r->lat_ns += ev->latency;
			r->lat_n++;
		}
		count_io(r, ev);
		return;
	case SCRY_REC_SOCK_IO:
		if (!(needs & NEED_NET) || !(r = row_for(a, ev)))
			return;
		/* A count-mode sum brings many calls at once. */
		bytes = ev->sum_calls ? ev->sum_bytes : ev->rec->sio.bytes;
		if (ev->rec->sio.dir == SCRY_SOCK_IN)
			r->net_in += bytes;
		else
			r->net_out += bytes;
		r->net_calls += ev->sum_calls ? ev->sum_calls : 1;
		return;
	case SCRY_REC_SOCK_STATE:
		/* A connection opens when its socket reaches ESTABLISHED (1), on either side. */
		if ((needs & NEED_NET) && ev->rec->sock.newstate == 1 && (r = row_for(a, ev)))
			r->conns++;
		return;
	case SCRY_REC_OOM:
		/* The victim's row: the header is the victim. */
		if ((needs & NEED_CGROUP) && (r = row_for(a, ev)))
			r->oom_kills++;
		return;
	case SCRY_REC_TCP_RETRANS:
	case SCRY_REC_TCP_RESET:
		if (!(needs & NEED_NET) || !(r = row_for(a, ev)))
			return;
		if (ev->type == SCRY_REC_TCP_RETRANS)
			r->retrans++;
		else
			r->resets++;
		return;
	case SCRY_REC_BLOCK_IO:
		if (needs & NEED_BLOCK)
			count_block(a, ev);
		return;
	default:
		return;
	}
}

void aggr__fill(struct aggr *a, const struct view_src *src)
{
	const struct key_desc *k = &key_table[a->v->key];

	if (k->fill && src->procs)
		k->fill(a, src);
}

/* ps: the live processes, each with the CPU time scry has charged it. */
void aggr__from_proctab(struct aggr *a, const struct view_src *src)
{
	struct scry_proc *p;
	size_t pos = 0;

	aggr__reset(a);
	while ((p = proctab__next_proc(src->procs, &pos))) {
		union scry_rec rec = {};
		struct scry_event ev = {};
		struct view_row *r;
		uint64_t key;

		if (p->dead)
			continue;
		/* The filter reads fields of an event: give it one about this process. */
		rec.h.pid = rec.h.tid = p->pid;
		rec.h.cgid = p->cgid;
		memcpy(rec.h.comm, p->comm, SCRY_COMM_LEN);
		ev.rec = &rec;
		ev.proc = p;
		ev.container = p->container;
		if (src->filter && !filter__match(src->filter, &ev))
			continue;
		key_table[KEY_PROC].row_key(&ev, &key);
		r = row_add(a, key, p->container, p);
		if (!r)
			return;
		r->cpu_ns = p->cpu_ns;
	}
}

#define TCP_CLOSE 7

/* A socket netstat lists: an IP socket with a known tuple, not closed. */
static bool sock_open(const struct scry_sock *s)
{
	return s->tuple && !s->close_ts && s->state != TCP_CLOSE &&
	       (s->t.family == AF_INET || s->t.family == AF_INET6);
}

/*
 * netstat: the open sockets as the socket table knows them at the end, each with its process
 * (the one that held it at the start, or last sent or received on it) and that process's
 * container, else its own cgroup's.
 */
void aggr__from_socktab(struct aggr *a, const struct view_src *src)
{
	struct scry_sock *s;
	size_t pos = 0;

	aggr__reset(a);
	while (src->socks && (s = socktab__next(src->socks, &pos))) {
		struct scry_proc *p = s->pid ? proctab__proc(src->procs, s->pid) : NULL;
		struct scry_container *c = NULL;
		union scry_rec rec = {};
		struct scry_event ev = {};
		struct view_row *r;

		if (!sock_open(s))
			continue;
		if (p && p->ctr_known)
			c = p->container;
		else if (src->containers && s->cgid)
			c = containers__of_cgroup(src->containers, s->cgid, s->last_ts);
		/* The filter reads fields of an event: give it one about this socket. */
		rec.h.pid = rec.h.tid = s->pid;
		rec.h.cgid = s->cgid;
		if (p)
			memcpy(rec.h.comm, p->comm, SCRY_COMM_LEN);
		ev.rec = &rec;
		ev.proc = p;
		ev.container = c;
		ev.sock = s;
		if (src->filter && !filter__match(src->filter, &ev))
			continue;
		r = row_add(a, s->cookie, c, p);
		if (!r)
			return;
		if (!p)
			r->pid = s->pid;
		r->tuple = s->t;
		r->has_tuple = true;
		r->sk_state = s->state;
		r->sk_role = s->role;
	}
}

/* Live processes per container row; `add`: rows for containers not yet in the table. */
static void count_procs(struct aggr *a, struct proctab *pt, bool add)
{
	struct scry_proc *p;
	struct view_row *r;
	size_t pos = 0;
	void *v;

	while (hashmap__next(a->rows, &pos, NULL, &v))
		((struct view_row *)v)->procs = 0;
	pos = 0;
	while ((p = proctab__next_proc(pt, &pos))) {
		uint64_t key = (uintptr_t)p->container;

		if (p->dead || !p->ctr_known)
			continue;
		r = hashmap__find(a->rows, key);
		if (!r && add && !(r = row_add(a, key, p->container, NULL)))
			return;
		if (r)
			r->procs++;
	}
}

/* Growth of a cumulative item between the container's two readings: false if unknown. */
static bool cg_delta(const struct ctr_cgstat *s, enum cgstat_item i, uint64_t *out)
{
	uint32_t bit = CGS_HAVE(i);

	/* A counter that went back is another cgroup of the same path: no growth to tell. */
	if (!(s->cur.have & s->prev.have & bit) || s->cur.v[i] < s->prev.v[i])
		return false;
	*out = s->cur.v[i] - s->prev.v[i];
	return true;
}

/* A container row's cgroup figures: its latest reading and the growth since the one before. */
static void cg_fill(struct view_row *r, const struct ctr_cgstat *s)
{
	const struct cgstat *c = &s->cur;
	uint32_t need = CGS_HAVE(CGS_MEM_USAGE) | CGS_HAVE(CGS_MEM_INACTIVE_FILE);

	memcpy(r->cg, c->v, sizeof(r->cg));
	r->cg_have = c->have;
	if ((c->have & need) == need)
		r->mem_wset = c->v[CGS_MEM_USAGE] > c->v[CGS_MEM_INACTIVE_FILE] ?
			      c->v[CGS_MEM_USAGE] - c->v[CGS_MEM_INACTIVE_FILE] : 0;
	if (cg_delta(s, CGS_CPU_PERIODS, &r->thr_periods) &&
	    cg_delta(s, CGS_CPU_THROTTLED, &r->thr_nr) &&
	    cg_delta(s, CGS_CPU_THROTTLED_NS, &r->thr_ns))
		r->cg_have |= CG_DELTA;
}

void aggr__count_procs(struct aggr *a, const struct view_src *src)
{
	size_t pos = 0;
	void *v;

	count_procs(a, src->procs, true);
	if (!(a->v->needs & NEED_CGROUP) || !src->containers)
		return;
	/* Only the containers this view has rows for: their files, once per interval. */
	while (hashmap__next(a->rows, &pos, NULL, &v)) {
		struct view_row *r = v;

		if (!r->container)
			continue;
		containers__read_cgstat(src->containers, r->container, src->start, src->end);
		cg_fill(r, &r->container->cgs);
	}
}

void aggr__from_containers(struct aggr *a, const struct view_src *src)
{
	struct scry_container *c;
	size_t pos = 0;

	aggr__reset(a);
	if (!src->containers)
		return;
	while ((c = containers__next(src->containers, &pos)))
		if (!row_add(a, (uintptr_t)c, c, NULL))
			return;
	count_procs(a, src->procs, false);
}

double figure_value(enum figure f, const struct view_row *r, uint64_t dur_ns)
{
	const struct figure_desc *d = &figure_table[f];
	double secs = dur_ns ? dur_ns / 1e9 : 0;
	uint64_t v = 0;
	size_t i;

	if (f >= FIG__MAX)
		return 0;
	for (i = 0; i < ARRAY_SIZE(d->sum); i++)
		if (d->sum[i])
			v += *(const uint64_t *)((const char *)r + d->sum[i] - 1);
	if (d->per == PER_PCT_OF || d->per == PER_RATIO_OF) {
		uint64_t of = *(const uint64_t *)((const char *)r + d->of - 1);

		return !of ? 0 : d->per == PER_PCT_OF ? 100.0 * v / of : (double)v / of;
	}
	switch (d->per) {
	case PER_SECOND: return secs ? v / secs : 0;
	case PER_CENTI: return v / 100.0;
	case PER_PCT_LIMIT: {
		/* the quota's time over the interval: dur * quota / period */
		const uint64_t *cg = r->cg;
		double lim = cg[CGS_CPU_PERIOD_US] ?
			     (double)dur_ns * cg[CGS_CPU_QUOTA_US] / cg[CGS_CPU_PERIOD_US] : 0;

		return lim > 0 ? 100.0 * v / lim : 0;
	}
	case PER_PCT_TIME: return dur_ns ? 100.0 * v / dur_ns : 0;
	case PER_CALL: return r->lat_n ? (double)v / r->lat_n : 0;
	case PER_BLK_REQ: return r->blk_lat_n ? (double)v / r->blk_lat_n : 0;
	case PER_BLK_P50: return r->blk_hist ? hist_pct(r->blk_hist, 50) : 0;
	case PER_BLK_P99: return r->blk_hist ? hist_pct(r->blk_hist, 99) : 0;
	case PER_WAIT_P50: return r->wait_hist ? hist_pct(r->wait_hist, 50) : 0;
	case PER_WAIT_P99: return r->wait_hist ? hist_pct(r->wait_hist, 99) : 0;
	default: return v;
	}
}

void row_top_errnos(const struct view_row *r, char *buf, size_t len)
{
	uint32_t shown[TOP_ERRNOS] = {};
	struct sbuf b;
	int k, e;

	sbuf__init(&b, buf, len);
	if (!r->errnos)
		return;
	for (k = 0; k < TOP_ERRNOS; k++) {
		int best = 0;

		for (e = 1; e < ERRNO_SLOTS; e++) {
			bool used = false;

			for (int j = 0; j < k; j++)
				used |= shown[j] == (uint32_t)e;
			if (!used && r->errnos[e] > (best ? r->errnos[best] : 0))
				best = e;
		}
		if (!best)
			break;
		shown[k] = best;
		if (k)
			sbuf__putc(&b, ' ');
		sbuf__puts(&b, errno_name(best) ? errno_name(best) : "E?");
		sbuf__putc(&b, ':');
		sbuf__u64(&b, r->errnos[best]);
	}
}

struct sort_ctx {
	enum figure by;
	int (*cmp)(const struct view_row *a, const struct view_row *b);
};

/* Descending by the figure; ties in a stable order (never by address) for repeatable output. */
static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct view_row *a = *(const struct view_row *const *)pa;
	const struct view_row *b = *(const struct view_row *const *)pb;
	const struct sort_ctx *s = arg;
	double fa = figure_value(s->by, a, 1000000000ULL);
	double fb = figure_value(s->by, b, 1000000000ULL);

	if (fa != fb)
		return fa > fb ? -1 : 1;
	return s->cmp(a, b);
}

struct view_row **aggr__sorted(struct aggr *a, enum figure sort, size_t *n)
{
	size_t pos = 0, i = 0, len = hashmap__size(a->rows);
	void *v;

	if (len > a->cap) {
		struct view_row **s = realloc(a->sorted, len * sizeof(*s));

		if (!s) {
			*n = 0;
			return NULL;
		}
		a->sorted = s;
		a->cap = len;
	}
	while (hashmap__next(a->rows, &pos, NULL, &v))
		a->sorted[i++] = v;
	*n = i;
	if (!i)
		return a->sorted;	/* maybe NULL: qsort must not see it (UBSan: nonnull) */
	qsort_r(a->sorted, i, sizeof(*a->sorted), cmp_rows,
		&(struct sort_ctx){ sort, key_table[a->v->key].cmp });
	return a->sorted;
}

void aggr__totals(struct aggr *a, struct view_row *t)
{
	size_t pos = 0;
	void *v;

	memset(t, 0, sizeof(*t));
	memset(&a->tot_blk_hist, 0, sizeof(a->tot_blk_hist));
	memset(&a->tot_wait_hist, 0, sizeof(a->tot_wait_hist));
	if (a->v->flags & VF_WAIT_HIST)
		t->wait_hist = &a->tot_wait_hist;
	while (hashmap__next(a->rows, &pos, NULL, &v)) {
		const struct view_row *r = v;
		unsigned int i;

		t->cpu_ns += r->cpu_ns;
		t->syscalls += r->syscalls;
		t->errors += r->errors;
		t->lat_ns += r->lat_ns;
		t->lat_n += r->lat_n;
		t->read += r->read;
		t->written += r->written;
		t->procs += r->procs;
		t->net_in += r->net_in;
		t->net_out += r->net_out;
		t->net_calls += r->net_calls;
		t->retrans += r->retrans;
		t->resets += r->resets;
		t->conns += r->conns;
		t->io_in += r->io_in;
		t->io_out += r->io_out;
		t->io_ns += r->io_ns;
		t->io_calls += r->io_calls;
		t->fds += r->fds;
		t->value += r->value;
		t->oom_kills += r->oom_kills;
		t->blk_rd += r->blk_rd;
		t->blk_wr += r->blk_wr;
		t->blk_rd_n += r->blk_rd_n;
		t->blk_wr_n += r->blk_wr_n;
		t->blk_lat_ns += r->blk_lat_ns;
		t->blk_lat_n += r->blk_lat_n;
		if (r->blk_hist)
			hist_merge(&a->tot_blk_hist, r->blk_hist);
		t->sched.wait_ns += r->sched.wait_ns;
		for (i = 0; i < SCRY_OFF__MAX; i++)
			t->sched.off_ns[i] += r->sched.off_ns[i];
		t->sched.min_flt += r->sched.min_flt;
		t->sched.maj_flt += r->sched.maj_flt;
		if (r->wait_hist)
			hist_merge(&a->tot_wait_hist, r->wait_hist);
	}
	t->blk_hist = a->tot_blk_hist.n ? &a->tot_blk_hist : NULL;
}

/* issue 18 (ns18): row_add for the fill functions of other files (zombies.c). */
struct view_row *aggr__row_add(struct aggr *a, uint64_t key, struct scry_container *c,
			       const struct scry_proc *p)
{
	return row_add(a, key, c, p);
}
