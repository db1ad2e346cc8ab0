// SPDX-License-Identifier: GPL-2.0
/*
 * The live loop: one epoll over the ring buffer, a timer and the signals. The BPF side wakes
 * us only when a burst builds up; otherwise the timer polls, starting at 1 ms after a busy round
 * and backing off to 50 ms while the system is quiet, so an idle scry costs nothing and a busy
 * one is never woken per event.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "scry/container.h"
#include "scry/ctrlife.h"
#include "scry/event.h"
#include "scry/probe.h"
#include "scry/state.h"
#include "scry/util.h"
#include "run.h"

#define POLL_MIN_MS 1
#define POLL_MAX_MS 50
#define RECONCILE_NS 1000000000ULL	/* after ring drops, /proc is asked at most this often */
#define KFILTER_SETTLE_NS 20000000ULL	/* see run_request_kfilter's use below */

/*
 * How long a record may wait in a CPU's stage before the tick sends it (a tick skipped because
 * it interrupted a program that was writing the stage makes two), plus room for a virtual CPU
 * that its host paused: the reorder stage waits this long for older records (at 100 Hz, 50 ms).
 * Without a tick, a record waits for its CPU's next context switch: longer. Either way the
 * stage waits longer once records have come late (see dispatch.c), and says so.
 */
static uint64_t order_lag(unsigned int tick_hz)
{
	return tick_hz ? 3 * (1000000000ULL / tick_hz) + 20000000ULL : 100000000ULL;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct run *r = ctx;

	/* Count mode: a socket call the count map had no room for. */
	if (r->net_count && ((struct scry_hdr *)data)->type == SCRY_REC_SOCK_IO)
		r->sum_records++;
	return pipeline__record(r->pl, data, size);
}

/*
 * Not events: they reach the registry ahead of the stage, before any record of the cgroup.
 * A container's cgroup made or removed is also its created or removed event (issue 18): a
 * record into the stage, while the registry still maps the cgroup to its container.
 */
static void on_cgroup(void *ctx, uint64_t id, const char *path, size_t len,
		      const struct scry_hdr *h)
{
	struct scry_rec_container ev;
	struct run *r = ctx;

	if (path) {
		containers__cgroup_made(r->containers, id, path, len);
		if (r->pl && r->containers) {
			ctrlife_cgroup_rec(&ev, SCRY_CTR_CREATED, id, h);
			pipeline__record(r->pl, &ev, sizeof(ev));
		}
	} else {
		if (r->pl && r->containers) {
			ctrlife_cgroup_rec(&ev, SCRY_CTR_REMOVED, id, h);
			pipeline__record(r->pl, &ev, sizeof(ev));
		}
		containers__cgroup_removed(r->containers, id);
		live_pd__cgroup_gone(r->pd, id);
	}
}

/*
 * The sockets open before scry, as records at the recording's start (`at`): through the
 * pipeline like any record, so that the socket table knows them before their first event and a
 * capture holds them for its replay. Each names its process as the process table has it.
 */
static void seed_socks(struct run *r, uint64_t at)
{
	struct scry_iter_sock *found;
	struct scry_rec_sock_seed *seed;
	size_t n, i;
	int err;

	/* SCRY_SEED_FALLBACK=1: the fallback as if the kernel refused the iterator (the tests). */
	err = getenv("SCRY_SEED_FALLBACK") ? -EOPNOTSUPP :
	      probe__list_socks(r->o->btf_path, &found, &n);
	if (err) {
		log_warn("the kernel refuses the BPF socket iterator (%s): connections open before "
			 "scry are taken from sock_diag, in scry's network namespace only",
			 strerror(-err));
		err = probe__list_socks_diag(hostpath__procfs(), &found, &n);
	}
	if (err) {
		log_warn("cannot list the sockets open before scry (%s): their connections are "
			 "named from their next state change on", strerror(-err));
		return;
	}
	seed = malloc(n * sizeof(*seed) + 1);
	if (!seed)
		goto cleanup;
	for (i = 0; i < n; i++) {
		struct scry_proc *p = proctab__proc(r->procs, found[i].r.h.pid);

		seed[i] = found[i].r;
		seed[i].h.ts = at;
		seed[i].h.cpu = 0;
		seed[i].h.cgid = p && p->cgid ? p->cgid : found[i].sk_cgid;
		if (p)
			memcpy(seed[i].h.comm, p->comm, SCRY_COMM_LEN);
	}
	n = sock_seed_settle(seed, n);
	log_debug("%zu sockets open before scry", n);
	for (i = 0; i < n && !pipeline__status(r->pl); i++)
		pipeline__record(r->pl, &seed[i], sizeof(seed[i]));
	free(seed);
cleanup:
	free(found);
}

/* Each fd seed names its process as the table has it (comm, cgroup), then joins the stream. */
static int push_fd_seed(void *ctx, struct scry_rec_fd_seed *rec)
{
	struct run *r = ctx;
	struct scry_proc *p = r->procs ? proctab__proc(r->procs, rec->h.pid) : NULL;

	if (p) {
		memcpy(rec->h.comm, p->comm, SCRY_COMM_LEN);
		rec->h.cgid = p->cgid;
	}
	return pipeline__record(r->pl, rec, rec->h.size);
}

/*
 * The fds (and cwds) open before scry, from /proc, as records at the recording's start `at`: as
 * the sockets, through the pipeline, so that the fd tables name them from the first event on and
 * a capture holds them for its replay. Read after `at`: an fd opened or closed since has its
 * event after the seed, which it then corrects.
 */
static void seed_fds(struct run *r, uint64_t at)
{
	struct fd_seed_opts fo = {
		.procfs = hostpath__procfs(), .self = getpid(), .ts = at, .emit = push_fd_seed,
		.ctx = r,
	};
	struct fd_seed_stats st;
	uint64_t t0 = now_mono_ns();
	int err = fd_seed_scan(&fo, &st);

	if (err < 0 && !pipeline__status(r->pl))
		log_warn("cannot read the fds open before scry (%s): they are named from their "
			 "next open on", strerror(-err));
	log_debug("%llu fds and cwds of %u processes open before scry (%llu sockets named), "
		  "read in %.1f ms", (unsigned long long)st.fds, st.procs,
		  (unsigned long long)st.socks, (now_mono_ns() - t0) / 1e6);
	if (st.skipped)
		log_warn("%llu fds open before scry are past the fd tables' bounds (%u per process, "
			 "%u in all): their events show no name", (unsigned long long)st.skipped,
			 FDTAB_PROC_MAX, FDTAB_TOTAL_MAX);
}

static int block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	signal(SIGPIPE, SIG_IGN);	/* a closed output pipe shows up as EPIPE */
	return sigprocmask(SIG_BLOCK, set, NULL) ? -errno : 0;
}

static void summary(const struct probe_stats *st, const struct pipeline *pl, double secs,
		    const struct live_pd *pd)
{
	double pct = st->seen ? 100.0 * st->dropped / st->seen : 0;
	struct reorder_stats ro;
	struct fdtab_stats fds;

	log_info("%llu events captured, %llu dropped (%.2f%%), %.2f s",
		 (unsigned long long)(st->seen - st->dropped), (unsigned long long)st->dropped,
		 pct, secs);
	if (pd || st->filtered)
		log_info("%llu syscalls left out in the kernel: the filter cannot match them",
			 (unsigned long long)st->filtered);
	if (pipeline__malformed(pl))
		log_info("%llu malformed records skipped", (unsigned long long)pipeline__malformed(pl));
	pipeline__order_stats(pl, &ro);
	if (ro.late)
		log_info("%llu events reached scry up to %.1f ms after newer ones had been "
			 "shown: they were shown out of time order", (unsigned long long)ro.late,
			 ro.late_max_ns / 1e6);
	if (st->ctl_dropped)
		log_info("%llu notices of cgroups made or removed were lost (the ring was "
			 "full): containers that lived only milliseconds may show as the host",
			 (unsigned long long)st->ctl_dropped);
	fdtab__stats(&fds);
	if (fds.full)
		log_info("%llu fds were left unnamed: the fd table was full (%u per process, %u in "
			 "all)", (unsigned long long)fds.full, FDTAB_PROC_MAX, FDTAB_TOTAL_MAX);
	log_debug("fd tables: %llu fds of %llu tables, %llu bytes of names",
		  (unsigned long long)fds.fds, (unsigned long long)fds.tables,
		  (unsigned long long)fds.name_bytes);
}

/*
 * Records lost to a full ring may be exit records: their processes would stay in the table until
 * their pid came back. After a drop, the table is checked against /proc (once a second at most),
 * and what is gone there is marked dead, to be reaped like any other exit.
 */
static void reconcile(struct probe *p, struct proctab *procs, uint64_t *seen_dropped)
{
	struct probe_stats st;
	int n;

	if (!procs || probe__stats(p, &st) || st.dropped + st.ctl_dropped == *seen_dropped)
		return;
	*seen_dropped = st.dropped + st.ctl_dropped;
	n = proctab__reconcile(procs);
	if (n > 0)
		log_debug("records were dropped: %d processes and threads gone from /proc are marked "
			  "exited", n);
}

/*
 * How long after attaching every CPU has charged its running task once: two ticks, as one may
 * find its CPU's stage busy and leave the charge alone. Without ticks a CPU is armed at its
 * next switch only: nothing to wait for.
 */
static uint64_t arm_ns(unsigned int tick_hz)
{
	return tick_hz ? 2 * (1000000000ULL / tick_hz) : 0;
}

static void sleep_until_boot(uint64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000000ULL, .tv_nsec = t % 1000000000ULL };

	while (clock_nanosleep(CLOCK_BOOTTIME, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

int live__loop(struct run *r, enum syscall_mode mode)
{
	const struct scry_opts *o = r->o;
	struct pipeline *pl = r->pl;
	const struct cgroup_fs *cg = containers__cgroup_fs(r->containers);
	struct probe_opts po = {
		.syscalls = mode != SYSCALLS_OFF,
		.exit_only = mode == SYSCALLS_EXITS,
		/* A sink that asked for enters before the start may ask again: keep them loaded. */
		.switch_enters = mode != SYSCALLS_OFF && pipeline__enters_wanted(pl) >= 0,
		.net_io = r->net_io,
		.snaplen = r->snaplen,
		.net_count = r->net_count,
		.no_cpu = r->no_cpu,
		.no_acct = r->no_acct,
		.tick_hz = o->tick_hz,
		.ring_mb = o->ring_mb,
		.btf_path = o->btf_path,
		.cgroup_v1 = cg ? cgroup_fs__controller(cg) : NULL,
		.block = r->block,
		.exec_env = r->exec_env,
	};
	struct probe_consumer to = { .record = on_record, .cgroup = on_cgroup, .ctx = r };
	struct epoll_event ev = { .events = EPOLLIN }, evs[4];
	struct live_sums *sums = NULL;
	struct probe_stats st;
	struct probe *p = NULL;
	uint64_t start, deadline = 0, next_tick, next_reconcile, seen_dropped = 0, slice_ns, armed;
	int epfd = -1, sigfd = -1, err = 0, timeout = POLL_MIN_MS, n, i, rc, want;
	int enters = mode == SYSCALLS_ALL;
	const struct kfilter_req *kreq;
	uint32_t kgen, kgen_applied;
	bool stop = false;
	sigset_t set;

	log_debug("syscalls: %s", mode == SYSCALLS_OFF ? "not traced (the output needs none)" :
		  mode == SYSCALLS_EXITS ? "exits only (the output needs no latency)" :
		  "enters and exits");
	if ((err = block_signals(&set)))
		return err;
	p = probe__open(&po);
	if (!p)
		return -errno ? -errno : -EINVAL;
	r->pd = live_pd__new(r, p);
	kgen_applied = pipeline__kfilter_wanted(pl, &kreq);
	if (r->net_count && !(sums = live_sums__new(r, p))) {
		err = -ENOMEM;
		log_err("out of memory");
		goto out;
	}
	if (r->net_io)
		log_debug("socket bytes: %s", r->net_count ?
			  "summed in the kernel per process and key" : "a record per call");
	/*
	 * A running task is charged at every tick, unless the tick found its CPU's stage busy (a
	 * program writing it): views keep an interval open for a few such ticks, 100 ms at least.
	 */
	slice_ns = o->tick_hz && 4 * (1000000000ULL / o->tick_hz) > 100000000ULL ?
		   4 * (1000000000ULL / o->tick_hz) : o->tick_hz ? 100000000ULL : PIPELINE_SLICE_NS;
	err = pipeline__order(pl, probe__ncpus(p), order_lag(o->tick_hz));
	if (err) {
		log_err("out of memory");
		goto out;
	}
	/* No CPU slice charged once the programs are attached reaches before this. */
	pipeline__begin(pl, now_boot_ns(), slice_ns, true);
	err = probe__attach(p, &to);
	if (err)
		goto out;
	armed = now_boot_ns() + arm_ns(o->tick_hz);
	/* Seed after attaching: whatever starts in between is both in /proc and in the stream. */
	if ((n = proctab__seed(r->procs)) < 0)
		log_warn("cannot read /proc (%s): processes are learnt from events only", strerror(-n));
	containers__attach_procs(r->containers, r->procs, hostpath__procfs());
	/*
	 * The recording begins once every CPU's time is accounted: a task already running as the
	 * programs attached is charged from its CPU's first switch or tick on (bpf/sched.bpf.c), so
	 * an interval that began before would miss its time until then (tens of ms when attaching
	 * is slow). Every sink counts from here; what came before only keeps the tables true.
	 */
	sleep_until_boot(armed);
	pipeline__begin(pl, armed, slice_ns, true);
	live_sums__read(sums, true);
	clock__set_wall_offset(boot_to_wall_offset());
	if (r->net_io)
		seed_socks(r, armed);
	/* Something reads the fd tables, or a capture keeps the seeds for its replay. */
	if (mode != SYSCALLS_OFF && (pipeline__fds(pl) || o->write_path))
		seed_fds(r, armed);
	live_ns18__seed(r, armed);
	if (r->on_attached)
		r->on_attached(r->hook_ctx, p);

	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sigfd < 0 || epfd < 0) {
		err = -errno;
		log_err("cannot set up the event loop (%s)", strerror(-err));
		goto out;
	}
	ev.data.fd = sigfd;
	epoll_ctl(epfd, EPOLL_CTL_ADD, sigfd, &ev);
	ev.data.fd = probe__fd(p);
	epoll_ctl(epfd, EPOLL_CTL_ADD, probe__fd(p), &ev);

	log_debug("tracing (%zu processes known); stop with Ctrl-C", proctab__nprocs(r->procs));
	start = now_mono_ns();
	next_tick = start + RUN_TICK_NS;
	next_reconcile = start + RECONCILE_NS;
	if (o->max_secs > 0)
		deadline = start + (uint64_t)(o->max_secs * 1e9);

	while (!pipeline__status(pl) && !stop) {
		uint64_t now, arrived;

		n = epoll_wait(epfd, evs, ARRAY_SIZE(evs), timeout);
		if (n < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == sigfd) {
				struct signalfd_siginfo si;

				if (read(sigfd, &si, sizeof(si)) == sizeof(si))
					log_debug("stopping on signal %u", si.ssi_signo);
				stop = true;
			}
		}
		arrived = now_boot_ns();	/* what was flushed before this is in the ring now */
		rc = probe__consume(p);
		if (rc < 0 && !pipeline__status(pl)) {
			err = rc;
			log_err("reading the ring buffer failed (%s)", strerror(-rc));
			break;
		}
		timeout = rc > 0 ? POLL_MIN_MS : (timeout * 2 > POLL_MAX_MS ? POLL_MAX_MS : timeout * 2);
		want = pipeline__enters_wanted(pl);
		if (po.switch_enters && want != enters) {
			rc = probe__set_exit_only(p, !want);
			if (rc)
				log_warn("cannot %s syscall enters (%s)",
					 want ? "trace" : "stop tracing", strerror(-rc));
			else
				log_debug("syscalls: %s", want ? "enters and exits" :
					  "exits only (the output needs no latency)");
			enters = want;	/* asked once, whatever came of it */
		}
		kgen = pipeline__kfilter_wanted(pl, &kreq);
		if (kgen != kgen_applied && !r->no_pushdown && !o->no_kernel_filter) {
			/*
			 * A sink's events narrowed or widened (top's screens): the kernel's part too.
			 * A program that read the old part as it changed may judge by a mix of the
			 * two for its one call: the sink counts from a little after (a vCPU stall).
			 */
			live_pd__free(r->pd);
			r->pd = live_pd__new(r, p);
			pipeline__kfilter_applied(pl, now_boot_ns() + KFILTER_SETTLE_NS);
		}
		kgen_applied = kgen;
		pipeline__release(pl, arrived);
		now = now_mono_ns();
		if (now >= next_tick) {
			live_sums__read(sums, false);
			if (r->on_tick)
				r->on_tick(r->hook_ctx, p);
			pipeline__tick(pl);
			next_tick = now + RUN_TICK_NS;
		}
		if (now >= next_reconcile) {
			reconcile(p, r->procs, &seen_dropped);
			next_reconcile = now + RECONCILE_NS;
		}
		if (deadline && now >= deadline)
			stop = true;
	}
	/* Stop the flow, then take what is already in the ring, unless a sink has ended the run. */
	probe__detach(p);
	if (!pipeline__status(pl)) {
		live_sums__read(sums, false);
		probe__drain(p);
	}
	if (!pipeline__status(pl)) {
		containers__settle(r->containers, 1000);
		pipeline__release(pl, PIPELINE_ALL);
	}
	if (pipeline__status(pl) < 0 && !err)
		err = pipeline__status(pl);
	rc = pipeline__finish(pl);
	if (rc < 0 && !err)
		err = rc;
	if (!probe__stats(p, &st))
		summary(&st, pl, (now_mono_ns() - start) / 1e9, r->pd);
	if (sums)
		live_sums__summary(sums, st.count_full);
out:
	live_pd__free(r->pd);
	r->pd = NULL;
	live_sums__free(sums);
	if (epfd >= 0)
		close(epfd);
	if (sigfd >= 0)
		close(sigfd);
	probe__free(p);
	return err;
}
