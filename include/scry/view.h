/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Views: tables of figures per key (container, process, syscall), refreshed every interval.
 * A view is data: which key it groups by, which figures it shows, which one it sorts by.
 * One aggregator computes the figures from events (the same live and on replay); the text
 * tables, the JSON documents and the interactive top are renderings of its snapshots, and
 * every renderer loops over three tables: views (views.c), keys (keys.c) and figures (views.c).
 * A new keyed view is one key_table row (its enum name here) and one view_table row.
 */
#ifndef SCRY_VIEW_H
#define SCRY_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scry/container.h"
#include "scry/decode.h"
#include "scry/hist.h"
#include "scry/state.h"

struct run_ctx;
struct scry_container;
struct proctab;
struct obuf;

/* Indexes of key_table (keys.c). */
enum view_key {
	KEY_CONTAINER,		/* one row per container, the host as one row "host" */
	KEY_PROC,		/* one row per process, with its container */
	KEY_SYSCALL,		/* one row per syscall name */
	KEY_PS,			/* one row per live process: a snapshot of the process table */
	KEY_CTR_LIST,		/* one row per known container: a snapshot of the registry */
	KEY_CONN,		/* one row per socket (its cookie), with its tuple and process */
	KEY_NETSTAT,		/* one row per open IP socket: a snapshot of the socket table */
	KEY_PORT,		/* one row per local port and protocol of the server ends */
	KEY_FIELD,		/* one row per value of the view's field (fd.name: per file) */
	KEY_DEVICE,		/* one row per block device (partition, else disk) */
	KEY_ZOMBIE,		/* issue 18 (ns18): one row per zombie of the zombie table */
	KEY__MAX
};

/* The figures every row carries; a view shows some of them. */
enum figure {
	FIG_CPU,		/* on-CPU time, as % of one CPU over the interval */
	FIG_CPU_NS,		/* on-CPU time, ns */
	FIG_SYSCALLS,		/* syscalls entered */
	FIG_SYSCALLS_PS,	/* syscalls per second */
	FIG_ERRORS,		/* syscalls that returned an error */
	FIG_ERRORS_PS,
	FIG_TOP_ERRNOS,		/* the most frequent errno names, "ENOENT:95 EAGAIN:3" */
	FIG_LAT_TOTAL,		/* total syscall latency, ns */
	FIG_LAT_MEAN,		/* mean syscall latency, ns */
	FIG_READ,		/* bytes read from regular files */
	FIG_WRITE,		/* bytes written to regular files */
	FIG_FILE_TOTAL,		/* read + written */
	FIG_FILE_PS,		/* bytes per second, read + written */
	FIG_PROCS,		/* processes seen */
	FIG_LIVE_PROCS,		/* lscontainers: live processes */
	FIG_SINCE,		/* lscontainers: when the container started */
	FIG_NET_IN,		/* bytes received on sockets */
	FIG_NET_OUT,		/* bytes sent on sockets */
	FIG_NET_TOTAL,		/* in + out */
	FIG_NET_PS,		/* bytes per second, in + out */
	FIG_NET_CALLS,		/* sends and receives that moved data (or read an end of stream) */
	FIG_RETRANS,		/* TCP segments retransmitted */
	FIG_RESETS,		/* TCP resets sent and received */
	FIG_CONNS,		/* TCP connections established (either side) */
	FIG_NET_IN_PS,		/* bytes received per second */
	FIG_NET_OUT_PS,		/* bytes sent per second */
	FIG_IO_TOTAL,		/* bytes read and written by the read/write family (any fd) */
	FIG_IO_IN,		/* read */
	FIG_IO_OUT,		/* written */
	FIG_IO_PS,		/* bytes per second, in + out */
	FIG_IO_IN_PS,
	FIG_IO_OUT_PS,
	FIG_IO_TIME,		/* ns spent in read/write-family calls (their latency) */
	FIG_IO_CALLS,		/* read/write-family calls */
	/* From the container's cgroup, read once per interval (NEED_CGROUP), and its OOM kills */
	FIG_THROTTLED,		/* CFS periods throttled in the interval */
	FIG_THROTTLED_PCT,	/* % of the interval's CFS periods throttled */
	FIG_THROTTLED_NS,	/* time throttled in the interval, ns */
	FIG_THROTTLED_TOTAL,	/* periods throttled since the cgroup was made (its own count) */
	FIG_THROTTLED_NS_TOTAL,	/* time throttled since the cgroup was made, ns */
	FIG_CPU_LIMIT,		/* the CPU quota in CPUs (--cpus) */
	FIG_CPU_PCT_LIMIT,	/* on-CPU time as % of the quota */
	FIG_PSI_CPU,		/* cpu.pressure some avg10, % */
	FIG_PSI_MEM,		/* memory.pressure some avg10, % */
	FIG_PSI_IO,		/* io.pressure some avg10, % */
	FIG_MEM,		/* memory usage, bytes */
	FIG_WSET,		/* working set: usage - inactive file, bytes */
	FIG_MEM_LIMIT,		/* memory limit, bytes */
	FIG_MEM_PCT_LIMIT,	/* working set as % of the limit */
	FIG_OOM_KILLS,		/* OOM kills in the interval (oomkill events) */
	FIG_BLK_BYTES,		/* block I/O: bytes read and written by completed requests */
	FIG_BLK_READ,		/* bytes read from block devices */
	FIG_BLK_WRITE,		/* bytes written to block devices */
	FIG_BLK_PS,		/* bytes per second, read + written */
	FIG_BLK_READS,		/* read requests completed */
	FIG_BLK_WRITES,		/* write requests completed */
	FIG_BLK_LAT_TOTAL,	/* issue-to-completion time of the requests timed, ns */
	FIG_BLK_LAT_MEAN,	/* its mean per request timed */
	FIG_BLK_LAT_P50,	/* from the row's log2 histogram: "half took at most this" */
	FIG_BLK_LAT_P99,
	FIG_WAIT_NS,		/* run-queue wait (runnable, not running), ns */
	FIG_WAIT,		/* run-queue wait as % of one CPU's time over the interval */
	FIG_WAIT_P50,		/* median of the waits (switch and tick records' wait_ns > 0), ns */
	FIG_WAIT_P99,
	FIG_OFF_SLEEP,		/* off-CPU time after leaving to sleep (interruptible), ns */
	FIG_OFF_BLOCKED,	/* off-CPU time after leaving blocked (uninterruptible: I/O...), ns */
	FIG_OFF_PREEMPT,	/* off-CPU time after being preempted (runnable all along), ns */
	FIG_MIN_FLT,		/* minor page faults */
	FIG_MAJ_FLT,		/* major page faults (read from disk) */
	FIG_MIN_FLT_PS,
	FIG_MAJ_FLT_PS,
	FIG_FDS,		/* issue 15: distinct fds (number and name) seen, bounded */
	FIG_VALUE,		/* issue 15: the sum of the view's value field (table_generator) */
	/* issue 18: lscontainers' history, from the container events (live and replayed) */
	FIG_CTR_STATE,		/* running, exited, created */
	FIG_CTR_EXIT,		/* the init's exit code as Docker's (status, 128 + signal) */
	FIG_CTR_LIFETIME,	/* started to stopped, seconds */
	FIG__MAX		/* also: no figure (a view kept in the order its rows came) */
};

/* What a view needs from the kernel: views without syscalls leave the syscall probes off. */
enum view_needs {
	NEED_SCHED = 1 << 0,
	NEED_SYSCALLS = 1 << 1,
	NEED_LATENCY = 1 << 2,	/* syscall enters too (else only exits are traced) */
	NEED_NET = 1 << 3,	/* bytes on sockets (sock_send_length, sock_recv_length) */
	NEED_CGROUP = 1 << 4,	/* the containers' cgroup files (once per interval) and OOM kills */
	NEED_BLOCK = 1 << 5,	/* block requests (block_io_start, block_rq_issue/complete) */
	NEED_ACCT = 1 << 6,	/* with NEED_SCHED: run-queue wait, off-CPU time, faults */
};

enum view_flags {
	VF_ALL_ROWS = 1 << 0,	/* rows that measured nothing are shown too */
	/* A list, not a table per interval: key columns first, no totals, JSON one array. */
	VF_LIST = 1 << 1,
	/*
	 * Its socket figures are totals per process or container: live, the kernel may count them
	 * (count mode, view_net_sums) instead of sending a record per send and receive.
	 */
	VF_NET_SUMS = 1 << 2,
	VF_FDS = 1 << 3,	/* its keys or figures read the fd tables (fd.name...) */
	/* KEY_FIELD: the field comes from the command line (-c fdbytes_by FIELD): view_bind. */
	VF_FIELD_ARG = 1 << 4,
	/* Rows keep a histogram of their run-queue waits (wait.p50_ns, wait.p99_ns; JSON: wait.hist). */
	VF_WAIT_HIST = 1 << 5,
	/* Rows with any figure not zero are shown, not only those whose sort figure is (a process
	 * that sleeps but never waits for a CPU still has its off-CPU time). */
	VF_ANY_FIGURE = 1 << 6,
};

/* KEY_FIELD: which syscall exits count (before its `where` and its field are read). */
enum view_counts {
	VC_IO = 1 << 0,		/* the read/write family (the syscall table's io class) */
	VC_ERRORS = 1 << 1,	/* failed calls */
	VC_FDS = 1 << 2,	/* any call with an fd above 0 that has a name: FIG_FDS */
	VC_VALUE = 1 << 3,	/* any call: its value field's number, when above 0 (FIG_VALUE) */
};

struct view_desc {
	const char *name;
	const char *desc;
	enum view_key key;
	const uint8_t *figures;	/* enum figure list, FIG__MAX-terminated */
	enum figure sort;	/* descending, ties by the key's order; FIG__MAX: the key's order */
	uint32_t needs;
	uint32_t flags;		/* enum view_flags */
	/*
	 * KEY_FIELD: the field whose values are the rows, what counts (enum view_counts) of the
	 * events a filter expression `where` (NULL: all) lets through, and the key columns.
	 */
	const char *field;
	const char *where;
	uint8_t counts;
	const struct key_col *cols;
	const char *value;	/* VC_VALUE: the field summed (bound: view_bind_value) */
};

extern const struct view_desc view_table[];
extern const size_t view_count;
const struct view_desc *view_lookup(const char *name);
/*
 * A VF_FIELD_ARG view grouped by `field` (checked: a field of the field table): a copy, with
 * its key column named after the field, that the caller frees with free(). NULL and errno:
 * EINVAL for an unknown field, ENOMEM.
 */
struct view_desc *view_bind(const struct view_desc *v, const char *field);
/* The same, VC_VALUE's value field (NULL: none) and the key column's header (NULL: the field's
 * name in capitals) too: table_generator's. */
struct view_desc *view_bind_value(const struct view_desc *v, const char *field, const char *value,
				  const char *header);
struct filter;
/* Whether a view (or the event stream, v NULL) with this filter needs syscall enters traced:
 * latency, or a filter on evt.dir, evt.latency or evt.num. */
bool view_needs_enters(const struct view_desc *v, const struct filter *f);
/*
 * Whether a live run of this view (NULL: the event stream) with this filter can take its socket
 * bytes and calls from the kernel's sums per process, cgroup, family, protocol, socket type and
 * direction: a VF_NET_SUMS view whose filter reads nothing a sum cannot answer as each of its
 * calls would (a port, a socket, a thread, a time, what an exec changes).
 */
bool view_net_sums(const struct view_desc *v, const struct filter *f);
/*
 * Whether a view (NULL: the event stream) with this filter needs the fd tables: a VF_FDS view,
 * or a filter on what they name (fd.name, fd.type, a stream socket's ends...).
 */
bool view_needs_fds(const struct view_desc *v, const struct filter *f);
/*
 * Whether a view (NULL: the event stream) with this filter needs the block request programs: a
 * NEED_BLOCK view, or a stream whose filter reads an evt.blk field or names blockio (evt.type)
 * or io (evt.category). The stream otherwise leaves them off, and shows what it showed before.
 */
bool view_needs_block(const struct view_desc *v, const struct filter *f);

/*
 * A figure: how its value is computed from a row's counters, and how each renderer shows it.
 * Value: the counters at `sum` added (offsets into struct view_row, + 1; 0: none), then `per`.
 */
enum figure_kind {
	FK_COUNT,		/* an integer: "%*.0f" in text, an integer in JSON */
	FK_REAL,		/* "%*.<prec>f" in text, "%.2f" in JSON and totals */
	FK_TEXT,		/* a string, from `text`; left-aligned; not in totals */
};
enum figure_per {
	PER_NONE,
	PER_SECOND,		/* per second of the interval */
	PER_PCT_TIME,		/* ns as % of the interval */
	PER_CALL,		/* per syscall timed (lat_n) */
	PER_PCT_OF,		/* as % of the counter at `of` (0 when it is 0) */
	PER_RATIO_OF,		/* divided by the counter at `of` */
	PER_CENTI,		/* hundredths (PSI's averages) */
	PER_PCT_LIMIT,		/* ns as % of the interval times the CPU quota (cg quota/period) */
	PER_BLK_REQ,		/* per block request timed (blk_lat_n) */
	PER_BLK_P50,		/* not a sum: the 50th percentile of the row's blk_hist */
	PER_BLK_P99,
	PER_WAIT_P50,		/* a percentile of the row's wait histogram (no counters) */
	PER_WAIT_P99,
};
/* figure_desc.cg: the readings a figure needs (CGS_HAVE bits), and CG_DELTA: two of them. */
#define CG_DELTA (1u << 31)
#define FIG_TOP_HUMAN 0xff	/* scry top: 12.3K instead of decimals */
struct view_row;
struct figure_desc {
	const char *key;	/* JSON key */
	const char *header;	/* table column */
	const char *desc;
	uint8_t kind;		/* enum figure_kind */
	uint8_t width;		/* text tables: columns (numbers right-aligned, text left) */
	uint8_t prec;		/* FK_REAL in text tables: digits after the point */
	uint8_t gap;		/* extra blank columns before it */
	uint8_t top_width;	/* scry top: columns at least (its header's length at least) */
	uint8_t top_prec;	/* scry top: digits after the point, or FIG_TOP_HUMAN */
	uint8_t per;		/* enum figure_per */
	uint16_t sum[2];
	void (*text)(const struct view_row *r, char *buf, size_t len);	/* FK_TEXT */
	const char *top_header;	/* scry top's, where `header` is too wide for 80 columns */
	uint16_t of;		/* PER_PCT_OF, PER_RATIO_OF: the denominator's counter */
	/* Cgroup readings it needs (view_row.cg_have); without them the figure is absent: "-". */
	uint32_t cg;
	/* issue 18: an FK_TEXT that is a number or "-": JSON gets the number, or null */
	bool text_num;
};
extern const struct figure_desc figure_table[FIG__MAX];

/*
 * --- keys.c: what identifies a row and which columns show it ----------------------------------
 * A key column is a field: its name is the JSON key and, unless the column brings its own getter
 * (`own`, for values only views have, as user.name), names the field table's getter, which reads
 * the row as an event (key_col_get). Text and top columns are cells `width` wide (numbers
 * right-aligned), cut at `max` columns (0: no limit).
 */
enum key_col_flags {
	COL_ALWAYS = 1 << 0,	/* JSON: "" when the field does not apply (else left out) */
	COL_ROW_VALUE = 1 << 1,	/* KEY_FIELD: the row's own value of the field (view_row.val) */
};
struct field_desc;
struct key_col {
	const char *field;
	const char *header;
	uint8_t width, max;
	uint8_t flags;
	const struct field_desc *own;
};
struct view_src;
struct aggr;
enum key_flags {
	KF_PROC = 1 << 0,	/* rows keep their process (name, command line, user...) */
	KF_FOLLOW = 1 << 1,	/* exec and rename update the row's process */
	/* Rows are the container registry's: nothing to show without one, and names still being
	 * fetched are worth a short wait. */
	KF_REGISTRY = 1 << 2,
	KF_NO_CTR = 1 << 3,	/* rows stand for no container (a device is everyone's) */
};
struct key_desc {
	const char *name;
	/* The row an event counts in; false if it has none (no process). */
	bool (*row_key)(const struct scry_event *ev, uint64_t *key);
	/* Rows of equal figures, in a stable order (never by address). */
	int (*cmp)(const struct view_row *a, const struct view_row *b);
	/* Before rendering: rows or figures from the process table or the registry (NULL: none). */
	void (*fill)(struct aggr *a, const struct view_src *src);
	uint32_t flags;				/* enum key_flags */
	const struct key_col *json, *text, *top;	/* each ends with { NULL } */
};
extern const struct key_desc key_table[KEY__MAX];
enum col_set { COLS_JSON, COLS_TEXT, COLS_TOP };
/* The key columns a view shows: its own (KEY_FIELD) or its key's. Each ends with { NULL }. */
static inline const struct key_col *view_key_cols(const struct view_desc *v, enum col_set s)
{
	const struct key_desc *k = &key_table[v->key];

	if (v->cols)
		return v->cols;
	return s == COLS_JSON ? k->json : s == COLS_TEXT ? k->text : k->top;
}
/* The field a column shows (NULL: unknown name, a bug the unit tests catch). */
const struct field_desc *key_col_field(const struct key_col *c);
/*
 * A column's value for a row, as the field's getter reads the row seen as an event (its process,
 * container and syscall); false when the field does not apply. Strings may live in `scratch`.
 */
struct field_val;
struct sbuf;
bool key_col_get(const struct key_col *c, const struct view_row *r, struct field_val *v,
		 struct sbuf *scratch);

/* --- aggr.c: rows of figures ----------------------------------------------------------------- */
#define TOP_ERRNOS 3

struct view_row {
	/* the key */
	uint64_t key;
	uint64_t seq;				/* order of arrival (ties of FIG__MAX views) */
	struct scry_container *container;	/* pinned while the row lives; NULL: host */
	uint32_t pid, ppid, uid;
	uint32_t nr;				/* KEY_SYSCALL */
	char comm[SCRY_COMM_LEN];
	char *args;				/* KF_PROC: argv, cut to ROW_CMDLINE_MAX of cmdline */
	uint32_t args_len;
	uint64_t start_ts;
	struct sock_tuple tuple;		/* KEY_CONN: the socket's, as the socket table knows it */
	bool has_tuple;
	uint8_t sk_state, sk_role;		/* KEY_NETSTAT: its TCP state, enum sock_role */
	struct field_val *val;			/* KEY_FIELD: the field's value (owned) */
	/* the figures */
	uint64_t cpu_ns, syscalls, errors, lat_ns, lat_n, read, written, procs;
	uint64_t net_in, net_out, net_calls, retrans, resets, conns;
	uint64_t io_in, io_out, io_ns, io_calls;
	uint32_t *errnos;			/* per-errno counts, allocated on the first error */
	/* KEY_CONTAINER with NEED_CGROUP: its cgroup's latest reading and the interval's growth */
	uint64_t cg[CGS__MAX];
	uint64_t thr_periods, thr_nr, thr_ns;	/* growth since the previous reading */
	uint64_t mem_wset;			/* usage - inactive file, floored at 0 */
	uint64_t oom_kills;			/* oomkill events of the interval */
	uint32_t cg_have;			/* CGS_HAVE() bits, CG_DELTA */
	/* block I/O: bytes and requests completed each way; latency of those timed */
	uint64_t blk_rd, blk_wr, blk_rd_n, blk_wr_n, blk_lat_ns, blk_lat_n;
	struct log2_hist *blk_hist;		/* their latencies, allocated on the first */
	uint32_t dev;				/* KEY_DEVICE: the device (kernel dev_t) */
	struct sched_sums sched;		/* run-queue wait, off-CPU time, page faults */
	struct log2_hist *wait_hist;		/* VF_WAIT_HIST: allocated on the first wait */
	/* VC_FDS: the hashes of the fds (number and name) seen, and their count */
	struct hashmap *fdset;
	uint64_t fds;
	uint64_t value;				/* VC_VALUE: the sum */
};
/* Command lines kept with a row (display: text tables cut them further). */
#define ROW_CMDLINE_MAX 1023

struct aggr;
struct aggr *aggr__new(const struct view_desc *v);
void aggr__free(struct aggr *a);
/* Whether an event can change a view's rows (aggr__event ignores the others). */
static inline bool view_counts(const struct view_desc *v, const struct scry_event *ev)
{
	uint8_t f = evt_table[ev->type].flags;

	/* By what the event table says of the type: a new type counts where its flags say. */
	if (f & EVF_CPU)
		return v->needs & NEED_SCHED;
	if (f & EVF_SYSCALL)
		return v->needs & NEED_SYSCALLS;
	if (f & EVF_NET)
		return v->needs & NEED_NET;
	if (f & EVF_RENAMES)
		return key_table[v->key].flags & KF_FOLLOW;
	/* OOM kills: counted beside the cgroup's memory figures. */
	if (evt_table[ev->type].category == EVC_MEMORY)
		return v->needs & NEED_CGROUP;
	if (f & EVF_BLOCK)
		return v->needs & NEED_BLOCK;
	return false;
}
/* Add one event (a cheap no-op for events this view does not count). */
void aggr__event(struct aggr *a, const struct scry_event *ev);
/* Charge `ns` of a CPU slice event (switch, cputick) to its row: a part of the slice. */
void aggr__charge(struct aggr *a, const struct scry_event *ev, uint64_t ns);
/* Count a CPU slice event's scheduler accounting (ev->acct) in its row: once per event. */
void aggr__sched(struct aggr *a, const struct scry_event *ev);
/* Forget the rows (the start of an interval). */
void aggr__reset(struct aggr *a);
/* What a view's rows may be filled from before rendering (key_desc.fill). */
struct filter;
struct containers;
struct view_src {
	struct proctab *procs;
	struct containers *containers;	/* may be NULL */
	const struct filter *filter;	/* NULL: every process */
	struct socktab *socks;		/* may be NULL */
	uint64_t start, end;		/* the interval: cgroups are read once for it */
};
/* Whatever the view's key takes from them (nothing for most keys). */
void aggr__fill(struct aggr *a, const struct view_src *src);
/* ps: rebuild the rows from the process table (those matching the filter). */
void aggr__from_proctab(struct aggr *a, const struct view_src *src);
/* netstat: one row per open IP socket of the socket table (those matching the filter). */
void aggr__from_socktab(struct aggr *a, const struct view_src *src);
/* lscontainers: one row per container of the registry, in its order, with its live processes. */
void aggr__from_containers(struct aggr *a, const struct view_src *src);
/* issue 18 (ns18), zombies.c: one row per zombie (those matching the filter); its columns. */
void aggr__from_zombies(struct aggr *a, const struct view_src *src);
int zombie_cmp(const struct view_row *a, const struct view_row *b);
extern const struct key_col zombie_json[], zombie_text[];
/* A row of `p` (a copy of its numbers) for `key`, for the fill functions of other files. */
struct view_row *aggr__row_add(struct aggr *a, uint64_t key, struct scry_container *c,
			       const struct scry_proc *p);
/* The rows, sorted by `sort` (descending, ties broken by key); valid until the next call. */
struct view_row **aggr__sorted(struct aggr *a, enum figure sort, size_t *n);
/* KEY_CONTAINER: set each row's process count from the process table (live processes), adding
 * rows for containers whose processes did nothing in the interval. */
void aggr__count_procs(struct aggr *a, const struct view_src *src);
/* Totals over all rows. */
void aggr__totals(struct aggr *a, struct view_row *out);
/* Whether a figure has no value for a row (a cgroup reading it needs is missing). */
static inline bool figure_absent(const struct figure_desc *d, const struct view_row *r)
{
	return d->cg && (r->cg_have & d->cg) != d->cg;
}
/* The value of a numeric figure for a row over `dur_ns`. */
double figure_value(enum figure f, const struct view_row *r, uint64_t dur_ns);
/* The top errno names of a row, "ENOENT:95 EAGAIN:3". */
void row_top_errnos(const struct view_row *r, char *buf, size_t len);

/*
 * --- intervals.c: a view's intervals of event time ----------------------------------------------
 * Events go to the interval they happened in; a CPU slice is split across the intervals it spans.
 * An interval is complete `grace_ns` after its end (slices reported later may reach back into it).
 */
struct intervals;
struct intervals *intervals__new(const struct view_desc *v, uint64_t ival_ns);
void intervals__free(struct intervals *iv);
/* The first interval starts at `origin` (the first call counts); 0 or -ENOMEM. */
int intervals__start(struct intervals *iv, uint64_t origin, uint64_t grace_ns);
/*
 * Nothing before `floor` (the recording's start) counts: no event, no part of a slice. Before
 * intervals__start only (later calls change nothing), as its origin is set once.
 */
void intervals__floor(struct intervals *iv, uint64_t floor);
struct run_ctx;
/*
 * The first interval of a run's sink, at its first event `ts`: it starts with the recording, and
 * nothing before counts (a slice reaching back before it: that part); or with the first event
 * if that is earlier (a capture whose start was taken late). Views and scry serve alike.
 */
int intervals__start_run(struct intervals *iv, const struct run_ctx *run, uint64_t ts);
void intervals__event(struct intervals *iv, const struct scry_event *ev);
/* Whether the oldest interval is complete at event time `now`. */
bool intervals__due(const struct intervals *iv, uint64_t now);
/*
 * The oldest interval if it is complete at `now` (any open one with `all`, the last cut at
 * `now`): its rows go to *out (whose previous rows are dropped and its aggregator reused), with
 * the interval's [start, end). False when there is none.
 */
bool intervals__take(struct intervals *iv, uint64_t now, bool all, struct aggr **out,
		     uint64_t *start, uint64_t *end);

/* --- table_out.c: text and JSON ---------------------------------------------------------------- */
struct table_opts {
	bool json;
	unsigned int top;	/* rows to show */
};
/* One table (or JSON document) for the interval [start_ts, end_ts) of event time. */
void table__render(struct obuf *out, const struct view_desc *v, struct aggr *a,
		   const struct table_opts *o, uint64_t start_ts, uint64_t end_ts);

/* --- sink.c: a view as a pipeline sink --------------------------------------------------------- */
struct view_sink_opts {
	const struct view_desc *view;
	double interval;	/* seconds; 0: one table at the end */
	unsigned int top;
	bool json;
	int fd;
	const struct filter *filter;	/* the run's: which processes a ps view lists */
	const char *field;	/* a VF_FIELD_ARG view's (-c fdbytes_by FIELD): view_bind */
	const char *value, *key_header;	/* table_generator's: view_bind_value */
};
extern const struct sink_ops view_sink_ops;
void *view_sink__new(const struct view_sink_opts *o, const struct run_ctx *run);

/* lscontainers: the view of that name, one list at the end of the run, in a view sink. */
#define lscontainers_ops view_sink_ops
void *lscontainers__new(const struct run_ctx *run, bool json, int fd);

/* --- top_ui.c: the interactive top, a sink that draws the views on the terminal ------------- */
extern const struct sink_ops top_ui_ops;
/*
 * Its first screen (containers) with `filter` (NULL: none); it asks the run for syscall enters
 * while a screen needs them. NULL with errno set: EINVAL, a bad filter (said), or ENOMEM.
 */
void *top_ui__new(const struct run_ctx *run, const char *filter);

/* --- hist_text.c: a log2 histogram as lines of text ------------------------------------------ */
struct log2_hist;
void hist_fmt_ns(uint64_t ns, char *buf, size_t len);
int hist_text(const struct log2_hist *h, int max_lines, int width,
	      void (*line)(void *ctx, const char *s), void *ctx);

#endif /* SCRY_VIEW_H */
