/* SPDX-License-Identifier: GPL-2.0 */
/* Load, attach and consume the BPF programs; count what they saw and dropped. */
#ifndef SCRY_PROBE_H
#define SCRY_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct probe_opts {
	bool syscalls;		/* attach raw_syscalls sys_enter/sys_exit */
	bool exit_only;		/* with syscalls: sys_exit alone (no latency, half the cost) */
	bool switch_enters;	/* keep sys_enter loaded so that probe__set_exit_only can switch */
	unsigned int snaplen;	/* -s: bytes of data per read, write, send, recv (0: none) */
	bool net_io;		/* attach sock_send_length/sock_recv_length: bytes on sockets */
	bool net_count;		/* with net_io: sums per key in the kernel (probe__net_counts) */
	bool no_cpu;		/* no CPU time: no sched_switch, no tick (tick_hz unused) */
	bool no_acct;		/* no run-queue wait, off-CPU time or faults (scry_sched_acct) */
	unsigned int tick_hz;	/* charge running tasks' CPU time this often (0: off) */
	unsigned int ring_mb;	/* ring buffer size, a power of two */
	const char *btf_path;	/* kernel BTF file when /sys/kernel/btf/vmlinux is missing */
	const char *cgroup_v1;	/* take cgroup ids from this v1 controller's hierarchy, or NULL */
	bool block;		/* attach the block request tracepoints: block I/O records */
	bool exec_env;		/* exec records carry the environment (proc.env) */
};

/* Receives each raw event record; a non-zero return stops the current consume call. */
typedef int (*probe_record_fn)(void *ctx, void *data, size_t size);
/*
 * Receives the control records, which are not events: a cgroup made (its path, not
 * NUL-terminated) or removed (path NULL) in the hierarchy scry attributes by. Each comes ahead
 * of any event from inside its cgroup.
 */
struct scry_hdr;
/* `h`: the record's header (its time and CPU: issue 18's container created/removed events). */
typedef void (*probe_cgroup_fn)(void *ctx, uint64_t id, const char *path, size_t len,
				const struct scry_hdr *h);

struct probe_consumer {
	probe_record_fn record;
	probe_cgroup_fn cgroup;	/* may be NULL */
	void *ctx;
};

struct probe;

/*
 * Checks privileges and BTF, opens and loads the programs, and disables (with one warning
 * each) those whose tracepoint the kernel lacks. On failure prints one line that says what is
 * wrong and what to do, and returns NULL with errno set.
 */
struct probe *probe__open(const struct probe_opts *opts);
int probe__attach(struct probe *p, const struct probe_consumer *c);
/* CPUs whose records can arrive (possible CPUs: a record's h.cpu is below this). */
unsigned int probe__ncpus(struct probe *p);
/* An fd that polls readable when records are waiting (the ring buffer's epoll fd). */
int probe__fd(struct probe *p);
/* Consume every waiting record; returns how many, or the callback's non-zero code. */
int probe__consume(struct probe *p);
/* Switch between exits only and enters and exits (with opts.switch_enters); 0 or -errno. */
int probe__set_exit_only(struct probe *p, bool on);
/*
 * Install the filter's in-kernel part (scry/filter.h; NULL or pd->on 0: none) in place of the
 * previous one, while running; 0 or -errno.
 * Syscalls only: the programs must be loaded.
 */
struct pushdown;
int probe__pushdown(struct probe *p, const struct pushdown *pd);
/* SCRY_PD_CGROUP: leave out (out) or let in again the syscalls of cgroup cgid; 0 or -errno. */
int probe__pd_cgroup(struct probe *p, uint64_t cgid, bool out);
/* Detach every program: no record is produced after this returns. */
void probe__detach(struct probe *p);
/* After detaching: consume the ring, then the records still staged on every CPU. */
int probe__drain(struct probe *p);
void probe__free(struct probe *p);

struct scry_net_key;
/* One key of the count map: its sums over every CPU since it was made. */
typedef void (*probe_count_fn)(void *ctx, const struct scry_net_key *k, uint64_t bytes,
			       uint64_t calls);
/* Count mode: every key's sums to fn; 0 or -errno. */
int probe__net_counts(struct probe *p, probe_count_fn fn, void *ctx);
/* Count mode: remove a key (its process is gone and its last sums were read); 0 or -errno. */
int probe__net_forget(struct probe *p, const struct scry_net_key *k);

struct probe_stats {
	uint64_t seen;		/* records the programs tried to emit */
	uint64_t dropped;	/* of which found the ring buffer full */
	uint64_t wakeups;	/* forced consumer wakeups */
	uint64_t ctl_seen;	/* control records (cgroup made/removed), not counted above */
	uint64_t ctl_dropped;
	uint64_t count_full;	/* socket calls sent as records: the count map was full */
	uint64_t filtered;	/* syscalls the filter's in-kernel part left out */
};
int probe__stats(struct probe *p, struct probe_stats *out);
/* issue 16 (scry serve): records dropped per CPU (out[0..n), n from probe__ncpus), events and
 * cgroup notices alike; 0 or -errno. */
int probe__cpu_dropped(struct probe *p, uint64_t *out, unsigned int n);
/* issue 16: bytes waiting in the ring buffer now, and its size; 0 or -errno. */
int probe__ring_fill(struct probe *p, uint64_t *used, uint64_t *size);

/*
 * The IPv4 and IPv6 sockets every process holds now (scry's own aside), from a BPF task_file
 * iterator run once (sockiter.c): one entry per process and socket, in pid order, into *out
 * (malloc'd; the caller frees it). 0, or -errno when the kernel refuses the iterator.
 */
struct scry_iter_sock;
int probe__list_socks(const char *btf_path, struct scry_iter_sock **out, size_t *n);
/*
 * The same from the kernel's socket diagnostics and procfs's fds (sockdiag.c), for kernels that
 * refuse the iterator: TCP and UDP sockets of scry's own network namespace only.
 */
int probe__list_socks_diag(const char *procfs, struct scry_iter_sock **out, size_t *n);

#endif /* SCRY_PROBE_H */
