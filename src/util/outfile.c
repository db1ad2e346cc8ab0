// SPDX-License-Identifier: GPL-2.0
/*
 * Output files created safely in directories that other users may write to: the rules are in
 * include/scry/outfile.h. Every operation works relative to the directory's descriptor, with
 * the last component never followed, so a name swapped for a symlink between two steps is met
 * as a symlink, not followed.
 *
 * What is left to chance: between looking at a name and renaming over (or removing) it, someone
 * able to rename entries in that directory could swap it. In a sticky directory such as /tmp only
 * the directory's owner and root can swap what another user (or root) put there, and they could
 * remove it anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "scry/outfile.h"
#include "scry/util.h"

#define TMP_TRIES 16

/* What a name may not hold, and what to do instead. */
static const struct {
	mode_t type;
	const char *what;
	int err;
	const char *hint;
} refused[] = {
	{ S_IFLNK, "a symbolic link", ELOOP,
	  "scry never writes through one: name the file it points to, or remove the link" },
	{ S_IFDIR, "a directory", EISDIR, "name a file in it" },
	{ S_IFIFO, "a FIFO", EINVAL,
	  "a capture goes to a regular file, or to a character device such as /dev/null" },
	{ S_IFSOCK, "a socket", EINVAL,
	  "a capture goes to a regular file, or to a character device such as /dev/null" },
	{ S_IFBLK, "a block device", EINVAL,
	  "a capture goes to a regular file, or to a character device such as /dev/null" },
};

enum held {
	HOLDS_NOTHING,
	HOLDS_OWN_FILE,		/* a regular file of the invoking user: may be replaced */
	HOLDS_DEVICE,		/* a character device: written in place */
};

/* Under sudo, the user who asked: their files are theirs to replace. */
static bool sudo_uid(uid_t *uid)
{
	const char *s = getenv("SUDO_UID");
	uint64_t v;

	if (geteuid() != 0 || !s || parse_u64(s, 0, (uid_t)-2, &v))
		return false;
	*uid = v;
	return true;
}

static bool users_file(uid_t owner)
{
	uid_t su;

	return owner == geteuid() || owner == getuid() || (sudo_uid(&su) && owner == su);
}

static void user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];

	if (!getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) && res)
		snprintf(buf, len, "uid %u (%s)", (unsigned int)uid, res->pw_name);
	else
		snprintf(buf, len, "uid %u", (unsigned int)uid);
}

static int foreign(const char *path, uid_t owner)
{
	char oname[300], yname[300];
	uid_t you = getuid();

	sudo_uid(&you);
	user_name(owner, oname, sizeof(oname));
	user_name(you, yname, sizeof(yname));
	log_err("refusing to replace %s: it belongs to %s, not to you, %s: remove it, or write "
		"elsewhere", path, oname, yname);
	return -EPERM;
}

/* What an existing name holds, or -errno after saying why it may not be written. */
static int judge(const struct stat *st, const char *path)
{
	size_t i;

	if (S_ISREG(st->st_mode))
		return users_file(st->st_uid) ? HOLDS_OWN_FILE : foreign(path, st->st_uid);
	if (S_ISCHR(st->st_mode))
		return HOLDS_DEVICE;
	for (i = 0; i < ARRAY_SIZE(refused); i++)
		if ((st->st_mode & S_IFMT) == refused[i].type)
			break;
	if (i == ARRAY_SIZE(refused)) {
		log_err("refusing to write %s: it is not a regular file", path);
		return -EINVAL;
	}
	log_err("refusing to write %s: it is %s (%s)", path, refused[i].what, refused[i].hint);
	return -refused[i].err;
}

/*
 * The directory of `path`, opened O_PATH, and the last component: a descriptor or -errno. With
 * `say`, an error is said.
 */
static int open_dir(const char *path, const char **base, bool say)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int dfd;

	*base = slash ? slash + 1 : path;
	if (!slash) {
		strcpy(dir, ".");
	} else if (slash == path) {
		strcpy(dir, "/");
	} else {
		if ((size_t)(slash - path) >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, path, slash - path);
		dir[slash - path] = '\0';
	}
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		dfd = -errno;
		if (say)
			log_err("cannot create %s: directory %s: %s", path, dir, strerror(-dfd));
	}
	return dfd;
}

static int look(int dfd, const char *base, const char *path, struct stat *st)
{
	int err;

	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		log_err("refusing to write %s: it names a directory (name a file in it)", path);
		return -EISDIR;
	}
	if (!fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW))
		return judge(st, path);
	if (errno == ENOENT)
		return HOLDS_NOTHING;
	err = -errno;
	log_err("cannot create %s: %s", path, strerror(-err));
	return err;
}

int outfile__check(const char *path)
{
	const char *base;
	struct stat st;
	int dfd, held, err = 0;

	dfd = open_dir(path, &base, true);
	if (dfd < 0)
		return dfd;
	held = look(dfd, base, path, &st);
	if (held < 0)
		err = held;
	else if (held == HOLDS_DEVICE ? faccessat(dfd, base, W_OK, AT_EACCESS) :
		 faccessat(dfd, ".", W_OK | X_OK, AT_EACCESS))
		err = -errno;
	if (err && held >= 0)
		log_err("cannot %s %s: %s", held == HOLDS_DEVICE ? "write to" : "create", path,
			strerror(-err));
	close(dfd);
	return err;
}

static uint64_t random_u64(void)
{
	static unsigned int n;
	uint64_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == sizeof(v))
		return v;
	return now_mono_ns() ^ ((uint64_t)getpid() << 32) ^ ++n;
}

/* The identity and type of `name` in dfd, not followed ("" with dfd a file: that file). */
static int get_id(int dfd, const char *name, struct outfile_id *id, mode_t *mode)
{
	struct statx sx;

	if (statx(dfd, name, AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH),
		  STATX_TYPE | STATX_INO | STATX_BTIME, &sx))
		return -errno;
	id->dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	id->ino = sx.stx_ino;
	id->btime = sx.stx_mask & STATX_BTIME ?
		    (uint64_t)sx.stx_btime.tv_sec * 1000000000ULL + sx.stx_btime.tv_nsec : 0;
	*mode = sx.stx_mode;
	return 0;
}

static bool same_id(const struct outfile_id *a, const struct outfile_id *b)
{
	return a->dev == b->dev && a->ino == b->ino &&
	       (!a->btime || !b->btime || a->btime == b->btime);
}

/* Whether `name` is a regular file and the very file `id`. */
static bool is_file(int dfd, const char *name, const struct outfile_id *id)
{
	struct outfile_id now;
	mode_t mode;

	return !get_id(dfd, name, &now, &mode) && S_ISREG(mode) && same_id(&now, id);
}

/* A character device is written as it is: no O_CREAT, no O_TRUNC, never renamed or removed. */
static int open_device(struct outfile *f, const char *base)
{
	mode_t mode;
	int fd, fl;

	/* O_NONBLOCK: should a FIFO have replaced the device meanwhile, open() must not wait. */
	fd = openat(f->dfd, base, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		log_err("cannot write to %s: %s", f->path, strerror(-fd));
		return fd;
	}
	if (get_id(fd, "", &f->id, &mode) || !S_ISCHR(mode)) {
		close(fd);
		log_err("refusing to write %s: it changed while scry looked at it", f->path);
		return -EAGAIN;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	f->fd = fd;
	f->in_place = f->published = true;
	close(f->dfd);
	f->dfd = -1;
	return 0;
}

/* A new inode under a hidden name of its own in the directory: ".NAME.<random>". */
static int make_tmp(struct outfile *f, const char *base)
{
	mode_t mode;
	int fd = -1, i, err;

	for (i = 0; i < TMP_TRIES && fd < 0; i++) {
		snprintf(f->tmp, sizeof(f->tmp), ".%.200s.%012llx", base,
			 (unsigned long long)(random_u64() & 0xffffffffffffULL));
		fd = openat(f->dfd, f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		err = errno == EEXIST ? -EEXIST : -errno;
		f->tmp[0] = '\0';
		log_err("cannot create %s: %s", f->path, strerror(-err));
		return err;
	}
	f->fd = fd;
	get_id(fd, "", &f->id, &mode);
	return 0;
}

void outfile__init(struct outfile *f)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->dfd = -1;
}

int outfile__create(struct outfile *f, const char *path)
{
	const char *base;
	struct stat st;
	int held;

	outfile__init(f);
	f->path = strdup(path);
	if (!f->path) {
		log_err("out of memory");
		return -ENOMEM;
	}
	f->dfd = open_dir(path, &base, true);
	if (f->dfd < 0) {
		held = f->dfd;
		f->dfd = -1;
		return held;
	}
	held = look(f->dfd, base, path, &st);
	if (held < 0)
		return held;
	return held == HOLDS_DEVICE ? open_device(f, base) : make_tmp(f, base);
}

static int published(struct outfile *f)
{
	f->published = true;
	f->tmp[0] = '\0';
	close(f->dfd);
	f->dfd = -1;
	return 0;
}

static int rename_failed(struct outfile *f)
{
	int err = -errno;

	log_err("cannot create %s: %s", f->path, strerror(-err));
	return err;
}

int outfile__publish(struct outfile *f, const struct outfile_id *replaces)
{
	const char *slash, *base;
	struct stat st;
	int i, held;

	if (f->published)
		return 0;
	if (f->fd < 0 || f->dfd < 0 || !f->tmp[0])
		return -EBADF;
	slash = strrchr(f->path, '/');
	base = slash ? slash + 1 : f->path;
	for (i = 0; i < TMP_TRIES; i++) {
		if (fstatat(f->dfd, base, &st, AT_SYMLINK_NOFOLLOW)) {
			if (errno != ENOENT)
				return rename_failed(f);
			if (!renameat2(f->dfd, f->tmp, f->dfd, base, RENAME_NOREPLACE))
				return published(f);
			if (errno == EEXIST)
				continue;	/* a name appeared since: look at it */
			if (errno != EINVAL && errno != ENOSYS)
				return rename_failed(f);
			/* A filesystem without RENAME_NOREPLACE: as close as it gets. */
			return renameat(f->dfd, f->tmp, f->dfd, base) ? rename_failed(f) : published(f);
		}
		if (replaces) {
			if (!is_file(f->dfd, base, replaces)) {
				log_err("refusing to replace %s: it is no longer the file this recording "
					"wrote there", f->path);
				return -ESTALE;
			}
		} else {
			held = judge(&st, f->path);
			if (held < 0)
				return held;
			if (held == HOLDS_DEVICE) {
				log_err("refusing to replace %s: it became a device", f->path);
				return -EEXIST;
			}
		}
		return renameat(f->dfd, f->tmp, f->dfd, base) ? rename_failed(f) : published(f);
	}
	log_err("cannot create %s: its name keeps changing", f->path);
	return -EAGAIN;
}

void outfile__close(struct outfile *f)
{
	if (!f)
		return;
	/* Never published: the hidden name goes, if it is still ours. */
	if (!f->published && f->tmp[0] && f->dfd >= 0 && is_file(f->dfd, f->tmp, &f->id))
		unlinkat(f->dfd, f->tmp, 0);
	if (f->fd >= 0)
		close(f->fd);
	if (f->dfd >= 0)
		close(f->dfd);
	free(f->path);
	outfile__init(f);
}

int outfile__remove(const char *path, const struct outfile_id *id)
{
	struct outfile_id now;
	const char *base;
	mode_t mode;
	int dfd, err = 0;

	dfd = open_dir(path, &base, false);
	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	if (get_id(dfd, base, &now, &mode)) {
		err = errno == ENOENT ? 0 : -errno;
	} else if (!S_ISREG(mode) || !same_id(&now, id)) {
		log_warn("left %s in place: it is no longer the file this recording wrote there",
			 path);
		err = -ESTALE;
	} else if (unlinkat(dfd, base, 0)) {
		err = -errno;
	}
	close(dfd);
	return err;
}
