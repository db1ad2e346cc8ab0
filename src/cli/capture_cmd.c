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
#include "scry/util.h"
#include "run.h"

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

/* The writer as the run's sink; NULL (said) if it cannot start. */
static struct capture_writer *add_writer(struct run *r, const struct capture_writer_opts *wo)
{
	struct capture_writer *w = capture_writer__new(wo, run__ctx(r));

	if (!w || pipeline__add_sink(r->pl, &capture_sink_ops, w))
		return NULL;	/* the pipeline freed a writer it could not take */
	return w;
}

/* Close the writer and say what it wrote; 0 or the error writing. */
static int close_writer(struct capture_writer *w, const struct scry_opts *o)
{
	struct capture_stats st;
	int err = capture_writer__close(w);

	/* Not started (nothing traced, an empty input): nothing was made or touched. */
	if (!capture_writer__started(w))
		return err;
	write_summary(w, o);
	capture_writer__stats(w, &st);
	if (err && !st.err_said)
		log_err("writing %s failed: %s", capture_writer__path(w, true), strerror(-err));
	return err;
}

int cmd_write(struct scry_opts *o)
{
	struct capture_writer_opts wo = {
		.path = o->write_path, .rotate_bytes = o->rotate_mb * 1000000ULL,
		.rotate_ns = o->rotate_secs * 1000000000ULL, .keep = o->rotate_keep,
		.filter = o->filter, .level = -1,
	};
	struct capture_writer *w;
	struct run r;
	int err, cerr;

	err = run__init(&r, o, RUN_LIVE);
	if (err)
		goto out;
	w = add_writer(&r, &wo);
	if (!w) {
		err = errno ? -errno : -ENOMEM;
		goto out;
	}
	r.net_io = true;	/* a recording replays to every view, the network ones too */
	r.block = true;		/* and the block I/O ones */
	r.snaplen = o->snaplen;	/* and to the stream, which shows the data */
	err = run__go(&r, SYSCALLS_ALL);
	cerr = close_writer(w, o);
	if (!err)
		err = cerr;
out:
	run__fini(&r);	/* frees the writer */
	return err;
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
static int add_rewriter(struct run *r, struct capture_writer **out)
{
	const struct scry_opts *o = r->o;
	struct capture_writer_opts wo = {
		.path = o->write_path, .rotate_bytes = o->rotate_mb * 1000000ULL,
		.keep = o->rotate_keep, .filter = o->filter, .level = -1, .source = r->reader,
	};

	if (may_overwrite_input(o)) {
		log_err("-w %s would overwrite a file being replayed: write to another file",
			o->write_path);
		return -EINVAL;
	}
	*out = add_writer(r, &wo);
	if (!*out)
		return errno ? -errno : -ENOMEM;
	r->snapshots = true;
	return 0;
}

int cmd_read(struct scry_opts *o)
{
	struct capture_writer *w = NULL;
	struct capture_read_stats st;
	struct run r;
	int err, rc;

	err = run__init(&r, o, RUN_REPLAY);
	if (err)
		goto out;
	/* The writer before the load: it must hear of the losses loading the first blocks meets. */
	err = o->write_path ? add_rewriter(&r, &w) : run__add_output(&r);
	if (!err)
		err = run__go(&r, SYSCALLS_ALL);
	if (!r.replayed)
		goto out;	/* nothing was: the inputs could not be loaded */
	if (w) {
		rc = close_writer(w, o);
		if (!err)
			err = rc;
	}
	if (pipeline__malformed(r.pl))
		log_warn("%llu records of the capture could not be decoded and were skipped",
			 (unsigned long long)pipeline__malformed(r.pl));
	capture_reader__finish(r.reader);
	capture_reader__stats(r.reader, &st);
	log_debug("replayed %llu records from %u files; %llu damaged blocks, %llu bytes lost",
		  (unsigned long long)st.records, st.files, (unsigned long long)st.damaged_blocks,
		  (unsigned long long)st.lost_bytes);
	/* What is intact was replayed; the status says that not everything was (README). */
	if (!err && (st.damaged_files || st.skipped_files || pipeline__malformed(r.pl)))
		err = SCRY_EXIT_DAMAGED;
out:
	run__fini(&r);	/* frees the writer too, if any */
	return err;
}
