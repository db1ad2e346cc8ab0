/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture files: `scry -w FILE` records what the pipeline decoded, `scry -r FILE` feeds it back
 * through the same pipeline, so the printer, filters and views behave as they do live.
 *
 * A file is a header and a sequence of independent blocks (deflate + CRC32): the process table
 * and the containers as they were when the file started, the event records, and container
 * metadata as it becomes known. The format is in docs/capture-format.md.
 *
 * Writing never blocks the consumer: blocks are built on its thread without allocation and
 * handed to a writer thread that compresses and writes them; when it falls behind, events are
 * dropped and counted (lifecycle records last), never queued without bound.
 */
#ifndef SCRY_CAPTURE_H
#define SCRY_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "scry/sink.h"

struct proctab;
struct containers;
struct capture_reader;

/* --- writer.c ------------------------------------------------------------------------------- */
struct capture_writer_opts {
	const char *path;		/* -w FILE */
	uint64_t rotate_bytes;		/* -C: a new file after this many bytes (0: never) */
	uint64_t rotate_ns;		/* -G: a new file after this long, wall-clock (0: never) */
	unsigned int keep;		/* -W: keep only the last N files (0: all) */
	const char *filter;		/* the filter the recording used, kept in the header */
	int level;			/* deflate level 1..9, 0 to store blocks uncompressed, -1 default */
	unsigned int pool_blocks;	/* event blocks in flight (memory bound); 0: default */
	size_t block_bytes;		/* an event block's payload; 0: 256 KiB (tests use less) */
	int fd;				/* > 0: write the first file to this descriptor (tests: a
					 * pipe), which the writer closes, instead of making `path` */
	/*
	 * -r with -w: the replay being re-recorded. The files then describe the recorded host
	 * (hostname, kernel, CPUs, boot), the source's loss reports carry over, and the consumer
	 * waits for the writer instead of dropping: a replay has no kernel to keep up with.
	 */
	struct capture_reader *source;
};

struct capture_stats {
	uint64_t records;		/* records written */
	uint64_t events;		/* events they stand for (a folded syscall is two) */
	uint64_t dropped_records;	/* not written because the writer fell behind */
	uint64_t dropped_events;
	uint64_t bytes;			/* on disk, every file of the recording */
	uint64_t raw_bytes;		/* the same blocks before compression */
	unsigned int files;		/* files started */
	int err;			/* first write error (-errno), 0 if none */
	bool err_said;			/* ... and a message has said what it was about */
	bool discarded;			/* -r with -w: nothing matched, so no file was kept and an
					 * existing FILE was left as it was */
};

/*
 * Checks the path (and, when rotating, the numbered names that exist already) and starts the
 * writer thread; nothing is created or changed yet. The first file is made when the recording
 * starts, at the first event or tick (a live run sees them once its programs are attached), and
 * replaces an existing FILE then; with `source` (-r -w) only at the first event that matches, so
 * that a replay that matches nothing leaves FILE as it was. Files are made as scry/outfile.h says
 * (mode 0600, never through a symlink or into someone else's file). `run` is the run whose
 * process table and container registry the capture describes (either may be NULL). The file
 * header and the table snapshot are written at the start. NULL on error, with a message printed.
 */
struct capture_writer *capture_writer__new(const struct capture_writer_opts *o,
					   const struct run_ctx *run);
/* The sink (SINK_HIDDEN | SINK_UNFILTERED); its context is the writer. */
extern const struct sink_ops capture_sink_ops;
/* Write what is pending and the end marker, stop the thread. 0 or the first write error. */
int capture_writer__close(struct capture_writer *w);
void capture_writer__stats(struct capture_writer *w, struct capture_stats *st);
/*
 * True once the recording started (the first event, tick or finish): from then on the writer
 * decides what happens to the files it made. False: nothing was made. A caller never removes a
 * file by name: the writer removes what it made and did not keep.
 */
bool capture_writer__started(const struct capture_writer *w);
/* The first (or last) file's name: FILE, or FILE0, FILE1... with -C/-G. */
const char *capture_writer__path(const struct capture_writer *w, bool last);
/* Closes if needed; accepts NULL. */
void capture_writer__free(struct capture_writer *w);

/* --- merge.c: reading a set of files ----------------------------------------------------- */
struct capture_read_stats {
	uint64_t records;		/* records returned */
	uint64_t blocks;		/* event blocks read */
	uint64_t damaged_blocks;	/* skipped: CRC mismatch, bad header, impossible lengths */
	uint64_t lost_bytes;		/* bytes skipped over (damage, incomplete tail) */
	uint64_t lost_records;		/* records known to be in skipped blocks */
	uint64_t missing_blocks;	/* gaps in the files' block numbers */
	uint64_t bad_items;		/* items that did not decode, and those skipped after them */
	uint64_t writer_dropped;	/* events the recorder dropped (from its loss markers) */
	uint64_t unknown_items;		/* of types this scry does not know (a newer minor's): skipped */
	unsigned int truncated;		/* files cut short (no end marker) */
	unsigned int files;		/* files read */
	unsigned int damaged_files;	/* files that lost anything: said once each, in a warning */
	unsigned int skipped_files;	/* files whose header was cut short or damaged */
	unsigned int limits_hit;	/* limits of a replay reached (a warning each) */
};

/*
 * Opens every file and checks its header: one error line and NULL (errno set) for a file that
 * is missing, not a capture, or of a newer format. A file whose header is cut short or damaged
 * is skipped with a warning, unless no file is usable at all (then an error and NULL).
 */
struct capture_reader *capture_reader__open(const char *const *paths, int n);
/*
 * Loads the container metadata of every file (a pre-scan that skips event blocks) into `c`,
 * and keeps `pt` to seed it from the files' process tables as replay reaches them. 0 or -errno.
 */
int capture_reader__load(struct capture_reader *r, struct proctab *pt, struct containers *c);
/*
 * Every recording's first snapshot into the process table now, rather than when the recording's
 * time comes: for re-recording (-r with -w), whose new file's snapshot is taken at its first
 * event and must name the processes of recordings that start later. 0 or -errno.
 */
int capture_reader__snapshots(struct capture_reader *r);
/* Wall-clock ns at the reference boot (after load): the replay's clock__set_wall_offset. */
uint64_t capture_reader__boot_wall(const struct capture_reader *r);
/* Boot-time ns at which the (earliest) recording started: -M counts from here. */
uint64_t capture_reader__start_ts(const struct capture_reader *r);
/*
 * The next record in time order across the files: 1 and the record (valid until the next
 * call), 0 at the end, -errno on a read error. Damage is reported as it is met, once.
 */
int capture_reader__next(struct capture_reader *r, const void **rec, uint32_t *size);
/*
 * The replay is over (at the end, or stopped early): the damage met in the files it stopped in
 * is said. Then the stats are final; a replay that met damage has damaged_files or
 * skipped_files set (the exit status says so).
 */
void capture_reader__finish(struct capture_reader *r);
void capture_reader__stats(const struct capture_reader *r, struct capture_read_stats *st);
void capture_reader__free(struct capture_reader *r);

#endif /* SCRY_CAPTURE_H */
