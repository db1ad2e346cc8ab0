/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scry serve (issue 16): the view machinery's figures per container, kept as counters since the
 * start, served as Prometheus text over HTTP (libmicrohttpd). The consumer thread owns the series
 * and publishes an immutable snapshot once per second; the HTTP thread renders the newest one.
 * The consumer never waits for a scrape: publishing swaps a pointer under a lock held for nothing
 * else, and a scrape that still renders the old snapshot keeps it alive by its reference.
 */
#ifndef SCRY_SERVE_H
#define SCRY_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- the metric groups --metrics enables (each traces only what it needs) ------------------- */
enum serve_group {
	SG_CPU = 1 << 0,	/* on-CPU seconds (sched_switch and the tick) */
	SG_WAIT = 1 << 1,	/* run-queue wait seconds (with CPU's programs) */
	SG_CGROUP = 1 << 2,	/* throttling and memory working set, from the cgroup files */
	SG_SYSCALLS = 1 << 3,	/* syscalls and failed syscalls (sys_exit) */
	SG_FILES = 1 << 4,	/* bytes read from and written to files (sys_exit) */
	SG_NET = 1 << 5,	/* socket bytes, TCP connections, retransmits */
	SG_BLOCK = 1 << 6,	/* block I/O bytes */
	SG_BY_SYSCALL = 1 << 7,	/* opt-in: syscalls and failures per syscall name */
	SG_BY_PROCESS = 1 << 8,	/* opt-in: CPU seconds and syscalls per process */
};
#define SG_DEFAULT (SG_CPU | SG_WAIT | SG_CGROUP | SG_SYSCALLS | SG_FILES | SG_NET | SG_BLOCK)

/* "cpu,net" -> bits; 0, or -EINVAL with the unknown word in `bad` (cut to `len`). */
int serve_groups_parse(const char *list, uint32_t *out, char *bad, size_t len);
/* The view needs (enum view_needs) of those groups: what the kernel must trace. */
uint32_t serve_groups_needs(uint32_t groups);
/* "cpu, wait, ..." for --help and errors. */
extern const char serve_group_names[];

/*
 * The cap on the opt-in breakdowns' series (per-syscall and per-process rows together): past it,
 * new rows are not made and scry_series_dropped_total counts what they would have counted.
 */
#define SERVE_BREAKDOWN_MAX 10000

/* --- expo.c: the Prometheus text exposition format (version 0.0.4) --------------------------- */
struct expo {
	char *buf;
	size_t len, cap;
	bool oom;		/* an allocation failed: the text is cut */
};
void expo__init(struct expo *e);
void expo__free(struct expo *e);
void expo__reset(struct expo *e);
void expo__write(struct expo *e, const char *s, size_t n);
void expo__puts(struct expo *e, const char *s);
/* "# HELP name help\n# TYPE name type\n" (help escaped as the format wants: \\ and \n). */
void expo__family(struct expo *e, const char *name, const char *type, const char *help);
/*
 * A label value, escaped: backslash, double quote and newline as \\, \" and \n; a byte that is
 * not strict UTF-8 as the four characters \xNN (a backslash escaped, so the value stays valid
 * UTF-8 and shows the byte as scry's other outputs do).
 */
void expo__label_value(struct expo *e, const char *s, size_t n);
/* A sample value: integers exactly (up to 2^53 as Prometheus keeps them), else %.17g. */
void expo__u64(struct expo *e, uint64_t v);
void expo__double(struct expo *e, double v);

/* --- store.c: the series, owned by the consumer thread ---------------------------------------- */
/* The counters of one container (or the host), cumulative since scry started. */
enum serve_ctr {
	SC_CPU_NS,
	SC_WAIT_NS,
	SC_SYSCALLS,
	SC_ERRORS,
	SC_FILE_READ,
	SC_FILE_WRITE,
	SC_NET_IN,
	SC_NET_OUT,
	SC_CONN_IN,
	SC_CONN_OUT,
	SC_RETRANS,
	SC_BLK_READ,
	SC_BLK_WRITE,
	SC_OOM_KILLS,
	/* The cgroup's own counters (read, not summed); gauges after them. */
	SC_THR_PERIODS,
	SC_THR_NS,
	SC_MEM_WSET,		/* a gauge */
	SC__MAX
};

/* What labels a container's series carry (strings owned by the snapshot or the store). */
struct serve_labels {
	const char *id, *name, *image, *pod, *ns;
};

struct serve_health {
	uint64_t events, dropped, ctl_dropped, resolver_failures, series_dropped;
	uint64_t ring_used, ring_size;	/* bytes waiting in the ring buffer; its size */
	uint64_t *cpu_dropped;		/* per CPU (ncpus of them) */
	unsigned int ncpus;
	uint64_t expired;		/* containers whose series were removed */
};

struct serve_snapshot;
struct serve_store;
/* `node`: every series' node label. */
struct serve_store *serve_store__new(uint32_t groups, uint64_t expire_ns, const char *node);
void serve_store__free(struct serve_store *s);
/* The row of container `id` ("host" for the host), made if new; NULL when out of memory. */
struct serve_ctr_row;
struct serve_ctr_row *serve_store__row(struct serve_store *s, const char *id);
void serve_store__set_labels(struct serve_ctr_row *r, const struct serve_labels *l);
void serve_store__add(struct serve_ctr_row *r, enum serve_ctr c, uint64_t v);
/* A cgroup counter or gauge as read now (a counter that went back: a new cgroup, kept whole). */
void serve_store__set(struct serve_ctr_row *r, enum serve_ctr c, uint64_t v);
/* The row was seen at `now` (monotonic ns): expiry counts from its last sighting. */
void serve_store__seen(struct serve_ctr_row *r, uint64_t now);
/* The store's clock (monotonic ns), once an interval: what the breakdown rows count at. */
void serve_store__tick(struct serve_store *s, uint64_t now);
const char *serve_store__row_id(const struct serve_ctr_row *r);
/*
 * Opt-in breakdowns: per (row, syscall nr), per (row, pid). false: the cap was reached. A
 * breakdown row goes with its container's, or after counting nothing for the expiry time.
 */
bool serve_store__syscall(struct serve_store *s, struct serve_ctr_row *r, uint32_t nr,
			  uint64_t calls, uint64_t errors);
bool serve_store__proc(struct serve_store *s, struct serve_ctr_row *r, uint32_t pid,
		       const char *comm, uint64_t cpu_ns, uint64_t calls);
/* Drop the rows not seen for the expiry time; returns how many went. */
size_t serve_store__expire(struct serve_store *s, uint64_t now);
size_t serve_store__rows(const struct serve_store *s);
/* An immutable copy for the HTTP thread (refcount 1); NULL when out of memory. */
struct serve_snapshot *serve_store__snapshot(const struct serve_store *s,
					     const struct serve_health *h);
void serve_snapshot__get(struct serve_snapshot *sn);
void serve_snapshot__put(struct serve_snapshot *sn);
/* The whole exposition of a snapshot (the scrape's own duration is the caller's to add). */
void serve_snapshot__render(const struct serve_snapshot *sn, struct expo *e);

/* --- http.c: the endpoint ---------------------------------------------------------------------- */
struct serve_http;
/* "ADDR:PORT" or "[V6]:PORT"; NULL with the reason said (bind failure, bad address). */
struct serve_http *serve_http__start(const char *listen);
/* The newest snapshot (the server takes its own reference). */
void serve_http__publish(struct serve_http *h, struct serve_snapshot *sn);
/* /healthz says ready from now on (probes attached). */
void serve_http__ready(struct serve_http *h);
void serve_http__stop(struct serve_http *h);

/* --- sink.c: the pipeline sink ------------------------------------------------------------------ */
struct run_ctx;
struct serve_sink_opts {
	uint32_t groups;
	uint64_t expire_ns;
	const char *node;
	struct serve_http *http;
};
extern const struct sink_ops serve_sink_ops;
void *serve_sink__new(const struct serve_sink_opts *o, const struct run_ctx *run);
/* Health figures from the live loop (probe statistics), taken at the next publication. */
void serve_sink__health(void *sink, const struct serve_health *h);

#endif /* SCRY_SERVE_H */
