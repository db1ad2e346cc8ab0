// SPDX-License-Identifier: GPL-2.0
/*
 * Output files (src/util/outfile.c) in a directory others may write to: a new inode under a
 * hidden name, renamed over the name when published; a user's old file replaced, never
 * truncated or chmod'ed; symlinks, directories, FIFOs, sockets, block devices and other users'
 * files refused in one line, untouched; a character device written in place; nothing removed
 * unless it is still the file this run made. Some cases need root (chown, mknod): they say so
 * and pass without it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "scry/outfile.h"
#include "scry/util.h"
#include "testlib.h"

static char lines[8][512];
static int nlines;

static void hook(const char *line)
{
	if (nlines < 8)
		snprintf(lines[nlines], sizeof(lines[0]), "%s", line);
	nlines++;
}

static void said_nothing(void)
{
	nlines = 0;
}

/* Exactly one line was said, and it contains `want`. */
static void said_one(const char *want)
{
	if (nlines != 1 || !strstr(lines[0], want))
		fail_msg("want one line with '%s', got %d: %s", want, nlines, nlines ? lines[0] : "");
	nlines = 0;
}

#define at test_path

static void put(const char *name, const char *text, mode_t mode)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

static void assert_text(const char *name, const char *want)
{
	char buf[256] = "";
	int fd = open(at(name), O_RDONLY | O_NOFOLLOW);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

/* Entries of the directory, sorted names joined with ' '. */
static const char *listing(void)
{
	static char out[1024];
	struct dirent **ents;
	int n, i;

	out[0] = '\0';
	n = scandir(test_dir, &ents, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, ".."))
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
				 out[0] ? " " : "", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return out;
}

static void write_text(struct outfile *f, const char *text)
{
	assert_int_equal(write(f->fd, text, strlen(text)), (ssize_t)strlen(text));
}

/* A new name: hidden (0600) until published, then the name is that very file. */
static void creates_hidden_then_publishes(void **state)
{
	struct outfile f;
	struct stat st;

	assert_int_equal(outfile__check(at("new")), 0);
	assert_string_equal(listing(), "");	/* a check makes nothing */
	assert_int_equal(outfile__create(&f, at("new")), 0);
	assert_false(f.published);
	assert_int_equal(lstat(at("new"), &st), -1);
	assert_int_equal(lstat(at(f.tmp), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(f.tmp[0] == '.');
	write_text(&f, "capture");
	assert_int_equal(outfile__publish(&f, NULL), 0);
	assert_true(f.published);
	assert_string_equal(listing(), "new");
	assert_int_equal(lstat(at("new"), &st), 0);
	assert_int_equal(st.st_ino, f.id.ino);
	assert_int_equal(st.st_mode & 07777, 0600);
	outfile__close(&f);
	assert_text("new", "capture");
	said_nothing();
}

/* A user's own file is replaced: never truncated or chmod'ed, an open reader keeps it whole. */
static void replaces_own_file_never_truncates(void **state)
{
	struct outfile f;
	struct stat st;
	char buf[16] = "";
	int rfd;

	put("own", "old", 0644);
	rfd = open(at("own"), O_RDONLY);
	assert_true(rfd >= 0);
	assert_int_equal(outfile__check(at("own")), 0);
	assert_int_equal(outfile__create(&f, at("own")), 0);
	assert_text("own", "old");	/* untouched until published */
	write_text(&f, "new");
	assert_int_equal(outfile__publish(&f, NULL), 0);
	outfile__close(&f);
	assert_text("own", "new");
	assert_int_equal(stat(at("own"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(read(rfd, buf, sizeof(buf) - 1), 3);
	assert_string_equal(buf, "old");
	assert_int_equal(fstat(rfd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	close(rfd);
	assert_string_equal(listing(), "own");
	said_nothing();
}

/* Neither checked nor created: one line each, and the directory as it was. */
static void refuse(const char *name, const char *want)
{
	char before[1024];
	struct outfile f;

	snprintf(before, sizeof(before), "%s", listing());
	assert_true(outfile__check(at(name)) < 0);
	said_one(want);
	assert_true(outfile__create(&f, at(name)) < 0);
	said_one(want);
	outfile__close(&f);
	assert_string_equal(listing(), before);
}

static void refuses_what_is_not_a_file(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int s;

	put("victim", "precious", 0644);
	assert_int_equal(symlink(at("victim"), at("link")), 0);
	refuse("link", "is a symbolic link");
	assert_text("victim", "precious");
	assert_int_equal(stat(at("victim"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(symlink(at("nowhere"), at("dangling")), 0);
	refuse("dangling", "is a symbolic link");
	assert_int_equal(lstat(at("nowhere"), &st), -1);

	assert_int_equal(mkdir(at("sub"), 0755), 0);
	refuse("sub", "is a directory");
	refuse("sub/", "names a directory");
	refuse(".", "names a directory");

	assert_int_equal(mkfifo(at("fifo"), 0666), 0);
	refuse("fifo", "is a FIFO");	/* and it did not wait for a reader */

	s = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", at("sock"));
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	refuse("sock", "is a socket");
	close(s);

	if (geteuid() == 0) {
		assert_int_equal(mknod(at("blk"), S_IFBLK | 0600, makedev(7, 0)), 0);
		refuse("blk", "is a block device");
	} else {
		print_message("not root: no block device made\n");
	}
	refuse("nodir/x", "directory");
	refuse("victim/x", "directory");
}

static void refuses_other_users_file(void **state)
{
	struct outfile f;

	if (geteuid() != 0) {
		print_message("not root: cannot give a file to another user\n");
		return;
	}
	put("theirs", "mine, says nobody", 0644);
	assert_int_equal(chown(at("theirs"), 65534, 65534), 0);
	unsetenv("SUDO_UID");
	refuse("theirs", "belongs to uid 65534");
	assert_text("theirs", "mine, says nobody");
	/* Under sudo, the user who asked may replace their own file. */
	setenv("SUDO_UID", "65534", 1);
	assert_int_equal(outfile__check(at("theirs")), 0);
	assert_int_equal(outfile__create(&f, at("theirs")), 0);
	assert_int_equal(outfile__publish(&f, NULL), 0);
	outfile__close(&f);
	assert_text("theirs", "");
	setenv("SUDO_UID", "1000", 1);
	assert_int_equal(chown(at("theirs"), 65534, 65534), 0);
	refuse("theirs", "belongs to uid 65534");
	unsetenv("SUDO_UID");
}

/* /dev/null and its kind: written in place, never renamed, removed or chmod'ed. */
static void character_device_in_place(void **state)
{
	struct outfile_id id;
	struct stat a, b;
	struct outfile f;

	assert_int_equal(stat("/dev/null", &a), 0);
	assert_int_equal(outfile__check("/dev/null"), 0);
	assert_int_equal(outfile__create(&f, "/dev/null"), 0);
	assert_true(f.published && f.in_place);
	write_text(&f, "into the void");
	assert_int_equal(outfile__publish(&f, NULL), 0);
	outfile__close(&f);
	assert_int_equal(stat("/dev/null", &b), 0);
	assert_true(S_ISCHR(b.st_mode) && b.st_rdev == a.st_rdev && b.st_mode == a.st_mode);
	said_nothing();

	if (geteuid() != 0) {
		print_message("not root: no device node made\n");
		return;
	}
	assert_int_equal(mknod(at("null"), S_IFCHR | 0666, makedev(1, 3)), 0);
	chmod(at("null"), 0666);
	assert_int_equal(outfile__create(&f, at("null")), 0);
	write_text(&f, "x");
	id = f.id;
	outfile__close(&f);
	assert_int_equal(outfile__remove(at("null"), &id), -ESTALE);	/* the very node, but a device */
	said_one("left");
	assert_int_equal(stat(at("null"), &a), 0);
	assert_true(S_ISCHR(a.st_mode) && a.st_rdev == makedev(1, 3));
	assert_int_equal(a.st_mode & 07777, 0666);
}

/* Never published: the hidden file goes, and what had the name stays as it was. */
static void unpublished_is_discarded(void **state)
{
	struct outfile f;

	put("kept", "as it was", 0640);
	assert_int_equal(outfile__create(&f, at("kept")), 0);
	write_text(&f, "half a capture");
	outfile__close(&f);
	assert_string_equal(listing(), "kept");
	assert_text("kept", "as it was");
	assert_int_equal(outfile__create(&f, at("fresh")), 0);
	outfile__close(&f);
	assert_string_equal(listing(), "kept");
	said_nothing();
}

/* A name that appears between making the file and naming it is looked at again. */
static void name_taken_meanwhile(void **state)
{
	struct outfile f;

	put("victim", "precious", 0644);
	assert_int_equal(outfile__create(&f, at("race")), 0);
	assert_int_equal(symlink(at("victim"), at("race")), 0);
	assert_int_equal(outfile__publish(&f, NULL), -ELOOP);
	said_one("is a symbolic link");
	outfile__close(&f);
	assert_text("victim", "precious");
	assert_string_equal(listing(), "race victim");
	assert_int_equal(unlink(at("race")), 0);

	if (geteuid() == 0) {
		assert_int_equal(outfile__create(&f, at("race")), 0);
		put("race", "someone else's", 0644);
		assert_int_equal(chown(at("race"), 65534, 65534), 0);
		assert_int_equal(outfile__publish(&f, NULL), -EPERM);
		said_one("belongs to uid 65534");
		outfile__close(&f);
		assert_text("race", "someone else's");
		assert_string_equal(listing(), "race victim");
	}
}

/* With `replaces`, the name may hold only that file (which goes) or nothing. */
static void replaces_only_its_own_file(void **state)
{
	struct outfile a, b, c;
	struct outfile_id first;

	assert_int_equal(outfile__create(&a, at("rot0")), 0);
	assert_int_equal(outfile__publish(&a, NULL), 0);
	first = a.id;
	outfile__close(&a);
	assert_int_equal(outfile__create(&b, at("rot0")), 0);
	write_text(&b, "second");
	assert_int_equal(outfile__publish(&b, &first), 0);
	outfile__close(&b);
	assert_text("rot0", "second");
	/* Someone put another file there: it is not this run's to replace. */
	assert_int_equal(unlink(at("rot0")), 0);
	put("rot0", "the user's", 0600);
	assert_int_equal(outfile__create(&c, at("rot0")), 0);
	assert_int_equal(outfile__publish(&c, &first), -ESTALE);
	said_one("no longer the file this recording wrote");
	outfile__close(&c);
	assert_text("rot0", "the user's");
	assert_string_equal(listing(), "rot0");
	/* Gone: the name is free again. */
	assert_int_equal(unlink(at("rot0")), 0);
	assert_int_equal(outfile__create(&c, at("rot0")), 0);
	assert_int_equal(outfile__publish(&c, &first), 0);
	outfile__close(&c);
	said_nothing();
}

/* outfile__remove: only the very file, and only a regular file. */
static void remove_only_same_inode(void **state)
{
	struct outfile_id id;
	struct stat st;

	put("mine", "x", 0600);
	assert_int_equal(stat(at("mine"), &st), 0);
	id = (struct outfile_id){ st.st_dev, st.st_ino };
	assert_int_equal(rename(at("mine"), at("moved")), 0);
	put("mine", "another", 0600);
	assert_int_equal(outfile__remove(at("mine"), &id), -ESTALE);
	said_one("left");
	assert_text("mine", "another");
	assert_int_equal(symlink(at("moved"), at("link")), 0);
	assert_int_equal(outfile__remove(at("link"), &id), -ESTALE);	/* not followed */
	said_one("left");
	assert_int_equal(lstat(at("link"), &st), 0);
	assert_int_equal(outfile__remove(at("moved"), &id), 0);
	assert_int_equal(outfile__remove(at("moved"), &id), 0);	/* gone already */
	assert_int_equal(outfile__remove(at("nodir/x"), &id), 0);
	assert_string_equal(listing(), "link mine");
	said_nothing();
}

static int fresh_dir(void **state)
{
	assert_int_equal(test_dir_make("outfile"), 0);
	nlines = 0;
	return 0;
}

static int rm_dir(void **state)
{
	return test_dir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(creates_hidden_then_publishes, fresh_dir, rm_dir),
		cmocka_unit_test_setup_teardown(replaces_own_file_never_truncates, fresh_dir,
						rm_dir),
		cmocka_unit_test_setup_teardown(refuses_what_is_not_a_file, fresh_dir, rm_dir),
		cmocka_unit_test_setup_teardown(refuses_other_users_file, fresh_dir, rm_dir),
		cmocka_unit_test_setup_teardown(character_device_in_place, fresh_dir, rm_dir),
		cmocka_unit_test_setup_teardown(unpublished_is_discarded, fresh_dir, rm_dir),
		cmocka_unit_test_setup_teardown(name_taken_meanwhile, fresh_dir, rm_dir),
		cmocka_unit_test_setup_teardown(replaces_only_its_own_file, fresh_dir, rm_dir),
		cmocka_unit_test_setup_teardown(remove_only_same_inode, fresh_dir, rm_dir),
	};

	log_set_hook(hook);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
