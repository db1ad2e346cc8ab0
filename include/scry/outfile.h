/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output files that are safe to create where other users write too (/tmp), by a program that
 * runs as root.
 *
 * A file is always a new inode: created with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, under a
 * temporary name in its directory, and renamed to its name when published. So nothing is ever
 * written through a symlink, into a file someone else made or holds open, or into a FIFO, and
 * nothing is chmod'ed. The name may hold:
 * - nothing: the file takes the name (a name that appears meanwhile is looked at again);
 * - a regular file of the invoking user (euid, real uid, or $SUDO_UID under sudo): replaced by
 *   the rename, never truncated; whoever holds the old file open keeps its old contents;
 * - a character device such as /dev/null: written in place, never renamed, removed or chmod'ed.
 * Anything else (a symlink, a directory, a FIFO, a socket, a block device, a file of another
 * user) is refused with one line that says what it is and what to do.
 *
 * A file is only ever removed if it is still the very file (struct outfile_id) this run made.
 * Functions return 0 or -errno, and say what went wrong in one log line.
 */
#ifndef SCRY_OUTFILE_H
#define SCRY_OUTFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * A file's identity: device, inode, and birth time where the filesystem keeps one (an inode
 * number is reused once its file is gone; 0: unknown, then device and inode decide).
 */
struct outfile_id {
	uint64_t dev, ino;
	uint64_t btime;
};

struct outfile {
	int fd;				/* -1: none */
	int dfd;			/* its directory (O_PATH), while the temporary name is held */
	struct outfile_id id;		/* the file written */
	bool in_place;			/* a device (or a descriptor given): never renamed or removed */
	bool published;			/* it carries its name */
	char *path;			/* the name it is published under */
	char tmp[NAME_MAX + 1];		/* its name in the directory until then */
};

/* An empty one (no descriptor): what outfile__close accepts before outfile__create. */
void outfile__init(struct outfile *f);
/*
 * Whether `path` may be written (see above), without creating or changing anything: for an early,
 * clear error before the work starts. Also checks that the directory lets us create a file.
 */
int outfile__check(const char *path);
/*
 * Creates the file for `path` under a temporary name (or opens the character device at `path`,
 * which is then published already). `f` is always initialised: outfile__close accepts it.
 */
int outfile__create(struct outfile *f, const char *path);
/*
 * Gives the file its name. With `replaces`, the name may only hold that very file (which it
 * replaces: a recording's oldest file) or nothing; else the rules above apply, checked again.
 */
int outfile__publish(struct outfile *f, const struct outfile_id *replaces);
/* Closes it; a file never published is removed. Leaves it as outfile__init does. */
void outfile__close(struct outfile *f);
/* Removes `path` only if it is a regular file and still the file `id`: 0, or -ESTALE if not. */
int outfile__remove(const char *path, const struct outfile_id *id);

#endif /* SCRY_OUTFILE_H */
