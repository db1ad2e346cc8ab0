/* SPDX-License-Identifier: GPL-2.0 */
/*
 * issue 18 (diff18): a container's changes to its root filesystem as `docker diff` lists them,
 * kept from what its processes' syscalls did (src/state/fsdiff.c), and the container_diff chisel
 * that feeds and prints them (src/view/ctrdiff.c).
 *
 * A path's entry says whether it existed before the run (`base`: it was there in the image or
 * the container's layer, as far as the calls tell), whether it exists now and whether it was
 * changed, which gives docker diff's kinds: A (made in the run, there now), D (there before,
 * gone now), C (there before and now, changed). A path made then removed in the run has no
 * entry. A directory whose entries were made, removed or renamed is changed itself (its mtime
 * moved), and every directory above a change is listed as C, as docker diff does (its naive
 * differ says so; its overlay walk finds each copied-up directory's mtime moved, since the
 * entry below it was made in the upper layer).
 *
 * Paths are as the container's processes see them (absolute, "." and ".." folded, no symlink
 * followed). What the calls cannot tell: whether a rename's target existed before when nothing
 * opened or found it first (taken as not: A), changes made by mmap'ed writes, and what happened
 * before the run.
 */
#ifndef SCRY_FSDIFF_H
#define SCRY_FSDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scry/event.h"

/* Entries one container keeps at most; past it, changes to new paths are counted, not kept. */
#define FSDIFF_MAX 200000
/* ... and all containers together (about 100 MB): past it, likewise. */
#define FSDIFF_TOTAL_MAX 1000000

enum fsdiff_op {
	FSD_CREATE,	/* a file made (open that created it, mknod, symlink, link) */
	FSD_MKDIR,
	FSD_CHANGE,	/* content or metadata changed (opened for writing, written, chmod...) */
	FSD_REMOVE,	/* unlink: the path */
	FSD_RMDIR,	/* rmdir: the path and whatever was below it */
	FSD_RENAME,	/* path -> path2, with what was below it */
};

/* Who did it: the process that last changed the path. */
struct fsdiff_who {
	uint32_t pid;
	char comm[SCRY_COMM_LEN];
};

struct fsdiff;
struct fsdiff *fsdiff__new(void);
void fsdiff__free(struct fsdiff *d);
/*
 * One operation on `path` (and `path2` for a rename), `bytes` written (FSD_CHANGE). 0, -EINVAL
 * for a path that is not absolute or is "/", -ENOSPC past FSDIFF_MAX (counted), -ENOMEM.
 */
int fsdiff__op(struct fsdiff *d, enum fsdiff_op op, const char *path, const char *path2,
	       uint64_t bytes, const struct fsdiff_who *who);
/*
 * A path known to be there (an open that did not make it, a stat that found it): a rename onto
 * it later replaces it (C) rather than adding it (A), as `sed -i` and editors do. Kept as a hash
 * per path, FSDIFF_SEEN_MAX at most (past it, more are not remembered).
 */
#define FSDIFF_SEEN_MAX 65536
void fsdiff__seen(struct fsdiff *d, const char *path);
/* Changes to new paths not kept (FSDIFF_MAX). */
uint64_t fsdiff__lost(const struct fsdiff *d);

struct fsdiff_change {
	char kind;		/* 'A', 'C', 'D' */
	bool dir;		/* known to be a directory */
	bool implied;		/* a directory listed only because something below it changed */
	const char *path;	/* valid until the next fsdiff__op or fsdiff__free */
	uint64_t bytes;		/* written to it in the run */
	struct fsdiff_who who;	/* pid 0: none (an implied directory) */
};
/*
 * The changes, sorted by path as docker diff sorts them (byte order); *n of them. `keep` (NULL:
 * all) says which paths are the container's root filesystem's: the others are not listed and
 * make no directory above them listed. The array is malloc'ed (the caller frees it), NULL with
 * *n 0 when there are none or no memory (-ENOMEM in *err if err).
 */
struct fsdiff_change *fsdiff__changes(struct fsdiff *d, bool (*keep)(void *ctx, const char *path),
				      void *ctx, size_t *n, int *err);

#endif /* SCRY_FSDIFF_H */
