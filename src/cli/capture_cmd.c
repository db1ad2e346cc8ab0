// SPDX-License-Identifier: GPL-2.0
/*
 * -w FILE: a live run whose only sink is the capture writer. -r FILE...: the files' records
 * through the same pipeline and output (printer, -j, -p, views) as a live run, with the
 * pipeline's ticks driven by event time, so a replay prints what the live run printed, and the
 * same bytes every time. Replay needs no root, no BPF and no container runtime.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scry/capture.h"
#include "scry/cli.h"
#include "scry/container.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"


static void size_str(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= 10000000)
		snprintf(buf, len, "%.1f MB", bytes / 1e6);
	else if (bytes >= 10000)
		snprintf(buf, len, "%.1f kB", bytes / 1e3);
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
}

/* What was written, or why nothing was. */
static void write_summary(struct capture_writer *w, const struct scry_opts *o)
{
	struct capture_stats st;
	char size[32], files[64];
	double per = 0;

	capture_writer__stats(w, &st);
	if (st.discarded) {
		log_info("no event matched: %s was not written (a file of that name is left as it "
			 "was)", capture_writer__path(w, false));
		return;
	}
	if (!st.files)
		return;	/* the first file could not be made: said already */
	if (st.events)
		per = (double)st.bytes / st.events;
	size_str(st.bytes, size, sizeof(size));
	if (st.files > 1)
		snprintf(files, sizeof(files), "%u files", st.files);
	else
		snprintf(files, sizeof(files), "1 file");
	log_info("wrote %llu events to %s%s%s (%s, %s, %.1f bytes/event), %llu dropped by the writer",
		 (unsigned long long)st.events, capture_writer__path(w, false),
		 st.files > 1 ? " .. " : "", st.files > 1 ? capture_writer__path(w, true) : "",
		 files, size, per, (unsigned long long)st.dropped_events);
}

int cmd_write(struct scry_opts *o)
{
	struct capture_writer_opts wo = {
		.path = o->write_path, .rotate_bytes = o->rotate_mb * 1000000ULL,
		.rotate_ns = o->rotate_secs * 1000000000ULL, .keep = o->rotate_keep,
		.filter = o->filter, .level = -1,
	};
	struct capture_writer *w = NULL;
	struct pipeline pl = {};
	int err, cerr;

	if (o->nread)
		return cmd_read(o);
	err = pipeline__setup_filter(o, &pl);
	if (err)
		return err;
	err = live__setup(o, &pl);
	if (err)
		goto out;
	w = capture_writer__new(&wo, &pl);
	if (!w) {
		err = -errno;
		goto out;
	}
	err = pipeline__add_sink(&pl, &capture_sink_ops, w);
	if (err) {
		capture_writer__free(w);
		goto out;
	}
	err = live__run(o, &pl, SYSCALLS_ALL);
	cerr = capture_writer__close(w);
	/* Not started: nothing was traced (no root, no BPF), and nothing was made or touched. */
	if (capture_writer__started(w)) {
		struct capture_stats st;

		write_summary(w, o);
		capture_writer__stats(w, &st);
		if (cerr && !st.err_said)
			log_err("writing %s failed: %s", capture_writer__path(w, true), strerror(-cerr));
	}
	if (!err)
		err = cerr;
out:
	pipeline__free_sinks(&pl);	/* frees the writer */
	filter__free(pl.filter);
	live__teardown(&pl);
	return err;
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
 * Replay every record up to -M (event time after the recording began), -n or the end. The
 * reader keeps every time below 2^62, and the sums here saturate anyway.
 */
static int replay(const struct scry_opts *o, struct capture_reader *r, struct pipeline *pl)
{
	uint64_t deadline = deadline_of(pl->start_ts, o->max_secs);
	uint64_t next_tick = add_sat(pl->start_ts, TICK_NS);
	const void *rec;
	uint32_t size;
	int rc;

	while ((rc = capture_reader__next(r, &rec, &size)) > 0) {
		uint64_t ts = ((const struct scry_hdr *)rec)->ts;

		if (ts > deadline)
			break;
		if (ts >= next_tick) {
			/* One tick per boundary crossed: they all see the same last_ts anyway. */
			if (pipeline__tick(pl))
				break;
			next_tick = add_sat(next_tick, ((ts - next_tick) / TICK_NS + 1) * TICK_NS);
		}
		if (pipeline__record(pl, rec, size))
			break;
	}
	return rc < 0 ? rc : 0;
}

/*
 * Whether writing FILE (and, when rotating, FILE0, FILE1, ...) could reach a file being
 * replayed: the same file by device and inode, or any input that sits in FILE's directory under
 * FILE's name followed by digits (a rotated name, existing or to come). Writing would truncate
 * it, and -W would delete it.
 */
static bool may_overwrite_input(const struct scry_opts *o)
{
	char *wcopy = strdup(o->write_path), *wdir, *wbase, dirbuf[PATH_MAX], in[PATH_MAX];
	size_t blen;
	struct stat a, b;
	bool hit = false;
	int i;

	if (!wcopy)
		return true;
	wbase = strrchr(wcopy, '/');
	if (wbase) {
		*wbase++ = '\0';
		wdir = *wcopy ? wcopy : "/";
	} else {
		wbase = wcopy;
		wdir = ".";
	}
	blen = strlen(wbase);
	if (!realpath(wdir, dirbuf))
		dirbuf[0] = '\0';	/* the writer will say the directory is missing */
	for (i = 0; i < o->nread && !hit; i++) {
		const char *base;
		size_t k;

		if (!stat(o->write_path, &a) && !stat(o->read_paths[i], &b) &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			hit = true;
			break;
		}
		if (!o->rotate_mb || !dirbuf[0] || !realpath(o->read_paths[i], in))
			continue;
		base = strrchr(in, '/');
		if (!base || (size_t)(base - in) != strlen(dirbuf) ||
		    strncmp(in, dirbuf, base - in) || strncmp(base + 1, wbase, blen))
			continue;
		base += 1 + blen;
		for (k = 0; base[k] >= '0' && base[k] <= '9'; k++)
			;
		hit = k > 0 && !base[k];
	}
	free(wcopy);
	return hit;
}

/*
 * -r with -w: the replay goes into a new capture (filtered, cut with -n/-M, or rotated with
 * -C), as `sysdig -r in -w out FILTER` does. The writer waits rather than drops here.
 */
static int rewrite_setup(struct scry_opts *o, struct capture_reader *r, struct pipeline *pl,
			 struct capture_writer **out)
{
	struct capture_writer_opts wo = {
		.path = o->write_path, .rotate_bytes = o->rotate_mb * 1000000ULL,
		.keep = o->rotate_keep, .filter = o->filter, .level = -1, .source = r,
	};
	struct capture_writer *w;
	int err;

	if (may_overwrite_input(o)) {
		log_err("-w %s would overwrite a file being replayed: write to another file",
			o->write_path);
		return -EINVAL;
	}
	err = pipeline__setup_filter(o, pl);
	if (err)
		return err;
	w = capture_writer__new(&wo, pl);
	if (!w)
		return -errno;
	err = pipeline__add_sink(pl, &capture_sink_ops, w);
	if (err) {
		capture_writer__free(w);
		return err;
	}
	*out = w;
	return 0;
}

int cmd_read(struct scry_opts *o)
{
	struct containers_opts co = {};
	struct capture_writer *w = NULL;
	struct capture_read_stats st;
	struct capture_reader *r;
	struct pipeline pl = {};
	int err, rc;

	r = capture_reader__open((const char *const *)o->read_paths, o->nread);
	if (!r)
		return -EINVAL;
	pl.procs = proctab__new(NULL);
	pl.containers = containers__new(&co, false);
	if (!pl.procs || !pl.containers) {
		log_err("out of memory");
		err = -ENOMEM;
		goto out;
	}
	pipeline__init(&pl);
	/* The writer first: it must hear of the losses that loading the first blocks meets. */
	err = o->write_path ? rewrite_setup(o, r, &pl, &w) : output__setup(o, &pl);
	if (!err)
		err = capture_reader__load(r, pl.procs, pl.containers);
	/* The new file's snapshot, taken at its first event, names every recording's processes. */
	if (!err && w)
		err = capture_reader__snapshots(r);
	if (err)
		goto out;
	clock__set_wall_offset(capture_reader__boot_wall(r));
	pl.start_ts = capture_reader__start_ts(r);
	log_debug("replaying a recording that began at %llu ns after the epoch",
		  (unsigned long long)clock__wall(pl.start_ts));
	err = replay(o, r, &pl);
	if (pl.status < 0 && !err)
		err = pl.status;
	rc = pipeline__finish(&pl);
	if (rc < 0 && !err)
		err = rc;
	if (w) {
		struct capture_stats cs;

		/* Not started (an empty input): nothing was made or touched. */
		rc = capture_writer__close(w);
		capture_writer__stats(w, &cs);
		if (capture_writer__started(w))
			write_summary(w, o);
		if (rc && !cs.err_said)
			log_err("writing %s failed: %s", capture_writer__path(w, true), strerror(-rc));
		if (!err)
			err = rc;
	}
	if (pl.malformed)
		log_warn("%llu records of the capture could not be decoded and were skipped",
			 (unsigned long long)pl.malformed);
	capture_reader__finish(r);
	capture_reader__stats(r, &st);
	log_debug("replayed %llu records from %u files; %llu damaged blocks, %llu bytes lost",
		  (unsigned long long)st.records, st.files, (unsigned long long)st.damaged_blocks,
		  (unsigned long long)st.lost_bytes);
	/* What is intact was replayed; the status says that not everything was (README). */
	if (!err && (st.damaged_files || st.skipped_files || pl.malformed))
		err = SCRY_EXIT_DAMAGED;
out:
	output__teardown(&pl);	/* frees the writer too, if any */
	/* Processes first: freeing them drops their references to containers. */
	proctab__free(pl.procs);
	containers__free(pl.containers);
	capture_reader__free(r);
	return err;
}
