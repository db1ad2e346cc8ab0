// SPDX-License-Identifier: GPL-2.0
/*
 * The fd tables: what each call's exit, fork, exec and an fd seed do to them, names made absolute
 * as the process meant them, and the bounds. Records go through the decoder and the same three
 * steps as in the pipeline (process table, fd table, then fdtab__after once the sinks are done).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "scry/decode.h"
#include "scry/state.h"

static union {
	union scry_rec r;
	uint8_t b[SCRY_REC_MAX];
} rec;
static uint64_t now = 1000;

static void apply(struct proctab *pt, uint32_t size)
{
	struct scry_event ev[2];
	int n, i;

	rec.r.h.size = size;
	rec.r.h.ts = ++now;
	n = decode__record(&rec, size, ev);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		proctab__apply(pt, &ev[i]);
		fdtab__apply(pt, &ev[i]);
		fdtab__after(pt, &ev[i]);
	}
}

static void hdr(uint16_t type, uint32_t pid, uint32_t tid)
{
	memset(&rec, 0, sizeof(rec));
	rec.r.h.type = type;
	rec.r.h.pid = pid;
	rec.r.h.tid = tid;
	memcpy(rec.r.h.comm, "app", 3);
}

/* An exit of `name` with its arguments (as many as the table has) and a path, if any. */
static void sys(struct proctab *pt, uint32_t pid, const char *name, int64_t ret,
		const uint64_t *args, const char *path)
{
	int nr = syscall_lookup(name);
	const struct syscall_desc *d = syscall_desc(nr);
	struct scry_rec_sys_exit *x = &rec.r.exit;
	uint32_t size;

	assert_true(nr >= 0 && d);
	hdr(SCRY_REC_SYS_EXIT, pid, pid);
	x->nr = nr;
	x->ret = ret;
	x->nargs = d->nargs;
	for (int i = 0; i < d->nargs; i++)
		x->args[i] = args ? args[i] : 0;
	if (path) {
		x->path_len = strlen(path) + 1;
		memcpy(x->path, path, x->path_len);
	}
	size = x->nargs || x->path_len ? SCRY_SYS_EXIT_ARGS + x->path_len : SCRY_SYS_EXIT_SHORT;
	apply(pt, size);
}

#define A(...) ((const uint64_t[SCRY_NARGS]){ __VA_ARGS__ })

static void fork_(struct proctab *pt, uint32_t parent, uint32_t child, uint32_t flags)
{
	hdr(SCRY_REC_FORK, child, child);
	rec.r.fork.parent_pid = parent;
	rec.r.fork.parent_tid = parent;
	rec.r.fork.ppid = parent;
	rec.r.fork.vpid = child;
	rec.r.fork.vtid = child;
	rec.r.fork.fork_flags = flags;
	apply(pt, sizeof(struct scry_rec_fork));
}

static void exec_(struct proctab *pt, uint32_t pid)
{
	hdr(SCRY_REC_EXEC, pid, pid);
	rec.r.exec.old_tid = pid;
	rec.r.exec.exe_len = 4;
	memcpy(rec.r.exec.data, "/bin", 4);
	apply(pt, SCRY_EXEC_FIXED + 4);
}

static void seed(struct proctab *pt, uint32_t pid, int32_t fd, uint8_t type, const char *name)
{
	hdr(SCRY_REC_FD_SEED, pid, pid);
	rec.r.fdseed.fd = fd;
	rec.r.fdseed.type = type;
	rec.r.fdseed.name_len = strlen(name) + 1;
	memcpy(rec.r.fdseed.name, name, rec.r.fdseed.name_len);
	apply(pt, SCRY_FD_SEED_FIXED + rec.r.fdseed.name_len);
}

static struct proctab *table(void)
{
	struct proctab *pt = proctab__new(NULL);
	struct scry_proc tmpl = { .pid = 100, .vpid = 100 };
	struct scry_proc *p;

	assert_non_null(pt);
	p = proctab__add_proc(pt, &tmpl, "/bin/app", "app", 3);
	assert_non_null(p);
	assert_non_null(proctab__add_thread(pt, 100, 100, "app", p));
	return pt;
}

static const char *name(struct proctab *pt, uint32_t pid, int32_t fd)
{
	const struct scry_fd *f = fdtab__get(proctab__proc(pt, pid), fd);

	return f ? f->name : NULL;
}

static void names_are_absolute_as_meant(void **state)
{
	struct proctab *pt = table();
	const struct scry_fd *f;

	/* the cwd unknown: a relative open keeps its form, and says so */
	sys(pt, 100, "openat", 3, A((uint64_t)AT_FDCWD, 0, O_RDONLY), "rel/x");
	f = fdtab__get(proctab__proc(pt, 100), 3);
	assert_string_equal(f->name, "rel/x");
	assert_true(f->flags & FDE_RELATIVE);
	seed(pt, 100, SCRY_FD_CWD, SCRY_FDT_DIR, "/srv/app");
	sys(pt, 100, "openat", 3, A((uint64_t)AT_FDCWD, 0, O_RDONLY), "./conf/../data//a.txt");
	assert_string_equal(name(pt, 100, 3), "/srv/app/data/a.txt");
	assert_false(fdtab__get(proctab__proc(pt, 100), 3)->flags & FDE_RELATIVE);
	sys(pt, 100, "openat", 4, A((uint64_t)AT_FDCWD, 0, O_RDONLY | O_DIRECTORY), "/x/../../y");
	assert_string_equal(name(pt, 100, 4), "/y");
	assert_int_equal(fdtab__get(proctab__proc(pt, 100), 4)->type, SCRY_FDT_DIR);
	/* through a dirfd: the directory's name */
	sys(pt, 100, "openat", 5, A(4, 0, O_WRONLY | O_CREAT | O_CLOEXEC), "z");
	assert_string_equal(name(pt, 100, 5), "/y/z");
	assert_true(fdtab__get(proctab__proc(pt, 100), 5)->flags & FDE_CLOEXEC);
	assert_int_equal(fdtab__get(proctab__proc(pt, 100), 5)->oflags, O_WRONLY | O_CREAT);
	/* through a dirfd the table does not know: relative, not guessed */
	sys(pt, 100, "openat", 6, A(40, 0, O_RDONLY), "w");
	assert_string_equal(name(pt, 100, 6), "w");
	/* chdir, relative, then ".." to the root and no further */
	sys(pt, 100, "chdir", 0, NULL, "sub");
	sys(pt, 100, "open", 7, A(0, O_RDONLY), "../../../../etc/hosts");
	assert_string_equal(name(pt, 100, 7), "/etc/hosts");
	sys(pt, 100, "open", 8, A(0, O_RDONLY), "f");
	assert_string_equal(name(pt, 100, 8), "/srv/app/sub/f");
	/* fchdir to a directory fd; a failed chdir changes nothing */
	sys(pt, 100, "fchdir", 0, A(4), NULL);
	sys(pt, 100, "chdir", -ENOENT, NULL, "/nope");
	sys(pt, 100, "open", 9, A(0, O_RDONLY), "q");
	assert_string_equal(name(pt, 100, 9), "/y/q");
	/* a failed open adds nothing */
	sys(pt, 100, "open", -ENOENT, A(0, O_RDONLY), "/missing");
	assert_null(name(pt, 100, -2));
	proctab__free(pt);
}

static void dup_close_fcntl(void **state)
{
	struct proctab *pt = table();
	struct scry_proc *p = proctab__proc(pt, 100);

	sys(pt, 100, "open", 3, A(0, O_RDONLY), "/a");
	sys(pt, 100, "open", 4, A(0, O_RDONLY), "/b");
	sys(pt, 100, "dup2", 4, A(3, 4), NULL);	/* onto a used fd */
	assert_string_equal(name(pt, 100, 4), "/a");
	sys(pt, 100, "dup2", 4, A(4, 4), NULL);	/* onto itself: nothing */
	assert_string_equal(name(pt, 100, 4), "/a");
	sys(pt, 100, "dup3", 9, A(3, 9, O_CLOEXEC), NULL);
	assert_true(fdtab__get(p, 9)->flags & FDE_CLOEXEC);
	sys(pt, 100, "dup", 5, A(9), NULL);	/* a dup is not close-on-exec */
	assert_string_equal(name(pt, 100, 5), "/a");
	assert_false(fdtab__get(p, 5)->flags & FDE_CLOEXEC);
	sys(pt, 100, "fcntl", 10, A(5, F_DUPFD_CLOEXEC, 10), NULL);
	assert_string_equal(name(pt, 100, 10), "/a");
	assert_true(fdtab__get(p, 10)->flags & FDE_CLOEXEC);
	sys(pt, 100, "fcntl", 0, A(10, F_SETFD, 0), NULL);
	assert_false(fdtab__get(p, 10)->flags & FDE_CLOEXEC);
	sys(pt, 100, "fcntl", 0, A(10, F_SETFL, O_NONBLOCK | O_APPEND), NULL);
	assert_int_equal(fdtab__get(p, 10)->oflags, O_NONBLOCK | O_APPEND);
	/* an fd the table does not know copied onto a known one: the old name goes */
	sys(pt, 100, "dup2", 5, A(77, 5), NULL);
	assert_null(name(pt, 100, 5));
	/* close: gone once the event has been shown (fdtab__after); EBADF changes nothing */
	sys(pt, 100, "close", -EBADF, A(4), NULL);
	assert_string_equal(name(pt, 100, 4), "/a");
	sys(pt, 100, "close", 0, A(4), NULL);
	assert_null(name(pt, 100, 4));
	/* close_range: close-on-exec on a range, then closing another */
	sys(pt, 100, "close_range", 0, A(9, 10, 4 /* CLOSE_RANGE_CLOEXEC */), NULL);
	assert_true(fdtab__get(p, 10)->flags & FDE_CLOEXEC);
	assert_false(fdtab__get(p, 3)->flags & FDE_CLOEXEC);
	sys(pt, 100, "close_range", 0, A(4, UINT32_MAX, 0), NULL);
	assert_string_equal(name(pt, 100, 3), "/a");
	assert_null(name(pt, 100, 9));
	assert_null(name(pt, 100, 10));
	proctab__free(pt);
}

static void kinds_of_fds(void **state)
{
	struct proctab *pt = table();
	struct scry_proc *p = proctab__proc(pt, 100);
	struct scry_exit_fdpair *fp;

	sys(pt, 100, "socket", 3, A(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), NULL);
	assert_int_equal(fdtab__get(p, 3)->type, SCRY_FDT_IPV6);
	assert_true(fdtab__get(p, 3)->flags & FDE_CLOEXEC);
	sys(pt, 100, "eventfd2", 4, A(0, 0), NULL);
	assert_string_equal(name(pt, 100, 4), "anon_inode:[eventfd]");
	assert_int_equal(fd_type_char(fdtab__get(p, 4)->type), 'e');
	sys(pt, 100, "epoll_create1", 5, A(O_CLOEXEC), NULL);
	assert_int_equal(fd_type_char(fdtab__get(p, 5)->type), 'l');
	sys(pt, 100, "memfd_create", 6, A(0, 1), "jit");
	assert_string_equal(name(pt, 100, 6), "/memfd:jit");
	assert_true(fdtab__get(p, 6)->flags & FDE_CLOEXEC);
	sys(pt, 100, "signalfd4", 7, A((uint64_t)-1, 0, 8, 0), NULL);
	assert_int_equal(fdtab__get(p, 7)->type, SCRY_FDT_SIGNALFD);
	sys(pt, 100, "signalfd4", 7, A(5, 0, 8, 0), NULL);	/* changes fd 5: makes nothing */
	assert_int_equal(fdtab__get(p, 5)->type, SCRY_FDT_EVENTPOLL);
	sys(pt, 100, "pidfd_open", 8, A(4242, 0), NULL);
	assert_int_equal(fdtab__get(p, 8)->pid, 4242);
	/* pipe2: both ends and their inode */
	hdr(SCRY_REC_SYS_EXIT, 100, 100);
	rec.r.exit.nr = syscall_lookup("pipe2");
	rec.r.exit.nargs = 2;
	rec.r.exit.args[1] = O_CLOEXEC;
	rec.r.exit.xflags = SCRY_SX_FDPAIR;
	rec.r.exit.path_len = sizeof(*fp);
	fp = (void *)rec.r.exit.path;
	fp->fd[0] = 11;
	fp->fd[1] = 12;
	fp->ino[0] = fp->ino[1] = 98765;
	apply(pt, SCRY_SYS_EXIT_ARGS + sizeof(*fp));
	assert_string_equal(name(pt, 100, 11), "pipe:[98765]");
	assert_string_equal(name(pt, 100, 12), "pipe:[98765]");
	assert_int_equal(fdtab__get(p, 12)->oflags, O_WRONLY);
	assert_true(fdtab__get(p, 11)->flags & FDE_CLOEXEC);
	/* an open's file: its kind, inode and device from BPF */
	hdr(SCRY_REC_SYS_EXIT, 100, 100);
	rec.r.exit.nr = syscall_lookup("openat");
	rec.r.exit.ret = 13;
	rec.r.exit.nargs = 4;
	rec.r.exit.args[0] = (uint64_t)AT_FDCWD;
	rec.r.exit.fd_kind[1] = SCRY_FD_CHR;
	rec.r.exit.xflags = SCRY_SX_FILE;
	rec.r.exit.path_len = 10;
	memcpy(rec.r.exit.path, "/dev/null", 10);
	((struct scry_exit_file *)(rec.r.exit.path + 16))->ino = 5;
	((struct scry_exit_file *)(rec.r.exit.path + 16))->dev = 6;
	apply(pt, SCRY_SYS_EXIT_ARGS + 16 + sizeof(struct scry_exit_file));
	assert_int_equal(fdtab__get(p, 13)->type, SCRY_FDT_CHR);
	assert_int_equal(fdtab__get(p, 13)->ino, 5);
	assert_int_equal(fdtab__get(p, 13)->dev, 6);
	assert_int_equal(fd_type_char(SCRY_FDT_CHR), 'f');
	proctab__free(pt);
}

static void fork_exec_share(void **state)
{
	struct proctab *pt = table();

	seed(pt, 100, SCRY_FD_CWD, SCRY_FDT_DIR, "/home");
	sys(pt, 100, "open", 3, A(0, O_RDONLY), "/kept");
	sys(pt, 100, "open", 4, A(0, O_RDONLY | O_CLOEXEC), "/cloexec");
	/* a copy: the child's changes are its own, the cwd comes along */
	fork_(pt, 100, 200, 0);
	assert_string_equal(name(pt, 200, 4), "/cloexec");
	sys(pt, 200, "close", 0, A(3), NULL);
	sys(pt, 200, "open", 5, A(0, O_RDONLY), "here");
	assert_string_equal(name(pt, 200, 5), "/home/here");
	assert_string_equal(name(pt, 100, 3), "/kept");
	assert_null(name(pt, 100, 5));
	/* exec closes the close-on-exec ones */
	exec_(pt, 200);
	assert_null(name(pt, 200, 4));
	assert_string_equal(name(pt, 200, 5), "/home/here");
	assert_string_equal(name(pt, 100, 4), "/cloexec");
	/* CLONE_FILES: one table; exec unshares it before closing */
	fork_(pt, 100, 300, SCRY_FORK_FILES);
	sys(pt, 300, "open", 6, A(0, O_RDONLY), "/shared");
	assert_string_equal(name(pt, 100, 6), "/shared");
	exec_(pt, 300);
	assert_null(name(pt, 300, 4));
	assert_string_equal(name(pt, 100, 4), "/cloexec");
	sys(pt, 300, "open", 7, A(0, O_RDONLY), "/after");
	assert_null(name(pt, 100, 7));
	/* unshare(CLONE_FILES) too */
	fork_(pt, 100, 400, SCRY_FORK_FILES);
	sys(pt, 400, "unshare", 0, A(CLONE_FILES), NULL);
	sys(pt, 400, "open", 8, A(0, O_RDONLY), "/mine");
	assert_null(name(pt, 100, 8));
	/* a thread is the same process */
	fork_(pt, 100, 101, SCRY_FORK_THREAD | SCRY_FORK_FILES);
	hdr(SCRY_REC_SYS_EXIT, 100, 101);
	assert_string_equal(name(pt, 100, 3), "/kept");
	proctab__free(pt);
}

static void seeds_and_kinds(void **state)
{
	struct proctab *pt = table();
	struct scry_event ev = { .type = SCRY_REC_SYS_EXIT };

	seed(pt, 100, 3, SCRY_FDT_FILE, "/var/log/app.log");
	seed(pt, 100, 4, SCRY_FDT_PIPE, "pipe:[7]");
	seed(pt, 999, 3, SCRY_FDT_FILE, "/nobody");	/* an unknown process: dropped */
	ev.proc = proctab__proc(pt, 100);
	assert_true(fdtab__get(ev.proc, 3)->flags & FDE_SEEDED);
	/* the kernel's kind agrees, or is not known: the name; it contradicts: none */
	assert_non_null(fdtab__of_event(&ev, 3, SCRY_FD_REG));
	assert_non_null(fdtab__of_event(&ev, 3, 0));
	assert_null(fdtab__of_event(&ev, 3, SCRY_FD_SOCK));
	assert_non_null(fdtab__of_event(&ev, 4, SCRY_FD_FIFO));
	assert_null(fdtab__of_event(&ev, 4, SCRY_FD_REG));
	assert_null(fdtab__of_event(&ev, -1, 0));
	proctab__free(pt);
}

/* A name past PATH_MAX is not folded from a cut: it stays as given, marked relative. */
static void long_names_not_guessed(void **state)
{
	static char cwd[4060], path[128];
	struct proctab *pt = table();
	const struct scry_fd *f;

	cwd[0] = '/';
	memset(cwd + 1, 'd', 4000);
	cwd[4001] = '/';
	memset(cwd + 4002, 'e', 50);
	seed(pt, 100, SCRY_FD_CWD, SCRY_FDT_DIR, cwd);
	memset(path, 'a', 60);
	strcpy(path + 60, "/bbbb/../../x");
	sys(pt, 100, "openat", 3, A((uint64_t)AT_FDCWD, 0, O_RDONLY), path);
	f = fdtab__get(proctab__proc(pt, 100), 3);
	assert_string_equal(f->name, path);
	assert_true(f->flags & FDE_RELATIVE);
	/* the same with a shorter name folds */
	sys(pt, 100, "openat", 4, A((uint64_t)AT_FDCWD, 0, O_RDONLY), "b/../x");
	assert_int_equal(strlen(name(pt, 100, 4)), 4052 + 2);
	proctab__free(pt);
}

/* A part of an exit stands only where its syscall has it: the fd table reads by the call. */
static void parts_only_where_the_call_has_them(void **state)
{
	struct scry_event ev[2];
	static const struct { const char *call; uint8_t xflags; uint16_t len; } bad[] = {
		{ "openat", SCRY_SX_FDPAIR, sizeof(struct scry_exit_fdpair) },
		{ "openat", SCRY_SX_SOCK, sizeof(struct scry_sock_addr) },
		{ "chdir", SCRY_SX_SOCK, sizeof(struct scry_sock_addr) },
		{ "pipe2", SCRY_SX_SOCK, sizeof(struct scry_sock_addr) },
		{ "connect", SCRY_SX_FDPAIR, sizeof(struct scry_exit_fdpair) },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hdr(SCRY_REC_SYS_EXIT, 100, 100);
		rec.r.exit.nr = syscall_lookup(bad[i].call);
		rec.r.exit.nargs = 2;
		rec.r.exit.xflags = bad[i].xflags;
		rec.r.exit.path_len = bad[i].len;
		memset(rec.r.exit.path, 'A', bad[i].len);
		rec.r.h.size = SCRY_SYS_EXIT_ARGS + bad[i].len;
		if (decode__record(&rec, rec.r.h.size, ev) >= 0)
			fail_msg("%s with xflags %u decoded", bad[i].call, bad[i].xflags);
	}
	/* the right call takes it; without its arguments, none */
	rec.r.exit.nr = syscall_lookup("pipe2");
	rec.r.exit.xflags = SCRY_SX_FDPAIR;
	rec.r.exit.path_len = sizeof(struct scry_exit_fdpair);
	rec.r.h.size = SCRY_SYS_EXIT_ARGS + rec.r.exit.path_len;
	assert_true(decode__record(&rec, rec.r.h.size, ev) > 0);
	rec.r.exit.nargs = 0;
	assert_true(decode__record(&rec, rec.r.h.size, ev) < 0);
}

static void bounded(void **state)
{
	struct proctab *pt = table();
	struct fdtab_stats before, after;
	uint64_t fd;

	fdtab__stats(&before);
	for (fd = 0; fd <= FDTAB_PROC_MAX; fd++)
		sys(pt, 100, "socket", fd, A(AF_INET, SOCK_STREAM, 0), NULL);
	fdtab__stats(&after);
	assert_int_equal(after.fds - before.fds, FDTAB_PROC_MAX);
	assert_int_equal(after.full - before.full, 1);
	assert_null(fdtab__get(proctab__proc(pt, 100), FDTAB_PROC_MAX));
	/* a freed process gives its fds back */
	proctab__free(pt);
	fdtab__stats(&after);
	assert_int_equal(after.fds, before.fds);
	assert_int_equal(after.tables, before.tables);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_are_absolute_as_meant),
		cmocka_unit_test(dup_close_fcntl),
		cmocka_unit_test(kinds_of_fds),
		cmocka_unit_test(fork_exec_share),
		cmocka_unit_test(seeds_and_kinds),
		cmocka_unit_test(long_names_not_guessed),
		cmocka_unit_test(parts_only_where_the_call_has_them),
		cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
