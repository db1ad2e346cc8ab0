// SPDX-License-Identifier: GPL-2.0
/* The run builder (run.h): setup and teardown in one order for every command, and the replay. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "scry/capture.h"
#include "scry/container.h"
#include "scry/decode.h"
#include "scry/filter.h"
#include "scry/state.h"
#include "scry/util.h"
#include "run.h"

int run__compile_filter(const char *expr, struct filter **out)
{
	struct filter_error e;

	*out = filter__new(expr, &e);
	if (*out)
		return 0;
	if (errno == ENOMEM) {
		log_err("out of memory");
		return -ENOMEM;
	}
	filter_error__log(expr, &e);
	return SCRY_EXIT_USAGE;
}

int run__init(struct run *r, const struct scry_opts *o, enum run_source src)
{
	struct containers_opts co = {};
	struct filter *f = NULL;
	int err;

	memset(r, 0, sizeof(*r));
	r->o = o;
	r->source = src;
	if (src == RUN_REPLAY) {
		r->reader = capture_reader__open((const char *const *)o->read_paths, o->nread);
		if (!r->reader)
			return -EINVAL;
	} else {
		/* Live, names come from the runtimes; a replay knows only what its captures say. */
		co.resolve = true;
		co.v1_controller = o->cgroup_v1;
	}
	err = run__compile_filter(o->filter, &f);
	if (err)
		return err;
	/* user names: live from each process's root filesystem, on replay from the captures */
	users__use(src == RUN_LIVE ? hostpath__procfs() : NULL);
	if (src == RUN_LIVE && *hostpath__root()) {
		char sysblk[PATH_MAX];

		/* block device names: the host's sysfs (the container's may be another's) */
		if (!hostpath("/sys/dev/block", sysblk, sizeof(sysblk)))
			blk_dev_root(sysblk);
	}
	r->procs = proctab__new(src == RUN_LIVE ? hostpath__procfs() : NULL);
	if (!r->procs) {
		err = -ENOMEM;
		goto fail;
	}
	users__set_procs(src == RUN_LIVE ? r->procs : NULL);
	/*
	 * proc.env costs a copy at every exec and memory per process: only when the command line
	 * names it (in the filter, or -p), or records (-w: a replay may ask for it). A replay has
	 * what the file recorded.
	 */
	r->exec_env = (o->filter && strstr(o->filter, "proc.env")) ||
		      (o->format && strstr(o->format, "proc.env")) ||
		      (src == RUN_LIVE && o->write_path);
	proctab__want_env(r->procs, r->exec_env || src != RUN_LIVE);
	r->containers = containers__new(&co, src == RUN_LIVE);
	if (!r->containers) {
		if (src == RUN_LIVE) {
			filter__free(f);
			return -ENOENT;	/* said */
		}
		err = -ENOMEM;
		goto fail;
	}
	r->pl = pipeline__new(r->procs, r->containers);
	if (!r->pl) {
		err = -ENOMEM;
		goto fail;
	}
	pipeline__set_filter(r->pl, f, o->max_events);
	pipeline__ctr_procs(r->pl, o->ctr_procs);
	return 0;
fail:
	filter__free(f);
	log_err("out of memory");
	return err;
}

int run__add_sink(struct run *r, const struct sink_ops *ops, void *ctx)
{
	if (!ctx) {
		log_err("out of memory");
		return -ENOMEM;
	}
	return pipeline__add_sink(r->pl, ops, ctx);
}

/* a + b, or UINT64_MAX if the sum does not fit. */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* -M SECS in ns from `start`: saturated, whatever the seconds and the file's times. */
static uint64_t deadline_of(uint64_t start, double secs)
{
	double ns = secs * 1e9;

	if (!(secs > 0))
		return UINT64_MAX;
	return ns >= 18e18 ? UINT64_MAX : add_sat(start, (uint64_t)ns);
}

/*
 * Replay every record up to -M (event time after the recording began), -n or the end, with the
 * pipeline's ticks driven by event time, so a replay prints what the live run printed. The
 * reader keeps every time below 2^62, and the sums here saturate anyway.
 */
static int replay_loop(struct run *r)
{
	struct pipeline *pl = r->pl;
	uint64_t start = capture_reader__start_ts(r->reader);
	uint64_t deadline = deadline_of(start, r->o->max_secs);
	uint64_t next_tick = add_sat(start, RUN_TICK_NS);
	const void *rec;
	uint32_t size;
	int rc;

	pipeline__begin(pl, start, 0, false);
	log_debug("replaying a recording that began at %llu ns after the epoch",
		  (unsigned long long)clock__wall(start));
	while ((rc = capture_reader__next(r->reader, &rec, &size)) > 0) {
		uint64_t ts = ((const struct scry_hdr *)rec)->ts;

		if (ts > deadline)
			break;
		if (ts >= next_tick) {
			/* One tick per boundary crossed: they all see the same last_ts anyway. */
			if (pipeline__tick(pl))
				break;
			next_tick = add_sat(next_tick,
					    ((ts - next_tick) / RUN_TICK_NS + 1) * RUN_TICK_NS);
		}
		if (pipeline__record(pl, rec, size))
			break;
	}
	return rc < 0 ? rc : 0;
}

static int replay(struct run *r)
{
	int err, rc;

	err = capture_reader__load(r->reader, r->procs, r->containers);
	/* The new file's snapshot, taken at its first event, names every recording's processes. */
	if (!err && r->snapshots)
		err = capture_reader__snapshots(r->reader);
	if (err)
		return err;
	/* Outputs show wall-clock times as the recording host saw them. */
	clock__set_wall_offset(capture_reader__boot_wall(r->reader));
	r->replayed = true;
	err = replay_loop(r);
	if (pipeline__status(r->pl) < 0 && !err)
		err = pipeline__status(r->pl);
	rc = pipeline__finish(r->pl);
	return rc < 0 && !err ? rc : err;
}

int run__go(struct run *r, enum syscall_mode mode)
{
	return r->source == RUN_LIVE ? live__loop(r, mode) : replay(r);
}

void run__fini(struct run *r)
{
	pipeline__free(r->pl);	/* sinks first: they may refer to processes and containers */
	r->pl = NULL;
	/* Processes first: freeing them drops their references to containers. */
	proctab__free(r->procs);
	r->procs = NULL;
	containers__free(r->containers);
	r->containers = NULL;
	capture_reader__free(r->reader);
	r->reader = NULL;
	users__reset();
}
