// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (diff18): a container's changes as docker diff lists them (scry/fsdiff.h), from
 * sequences of operations whose docker diff the cases spell out, and a rename's two paths
 * carried in one exit record (event.h) through the decoder and the printer's arguments.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "scry/chisel.h"
#include "scry/chisel_calc.h"
#include "scry/container.h"
#include "scry/decode.h"
#include "scry/fsdiff.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"

static const struct fsdiff_who sh = { 7, "sh" };

/* The list as "K path bytes" lines, one string. */
static char *list(struct fsdiff *d)
{
	static char out[4096];
	struct fsdiff_change *c;
	size_t n, i, len = 0;
	int err = 1;

	c = fsdiff__changes(d, NULL, NULL, &n, &err);
	assert_int_equal(err, 0);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		len += snprintf(out + len, sizeof(out) - len, "%c %s %llu%s\n", c[i].kind,
				c[i].path, (unsigned long long)c[i].bytes,
				c[i].implied ? " *" : "");
	free(c);
	return out;
}

#define OP(op, p, p2, b) assert_int_equal(fsdiff__op(d, op, p, p2, b, &sh), 0)

static void kinds(void **state)
{
	struct fsdiff *d = fsdiff__new();

	/* made and written: A, its directory C */
	OP(FSD_CREATE, "/tmp/new", NULL, 0);
	OP(FSD_CHANGE, "/tmp/new", NULL, 5);
	OP(FSD_CHANGE, "/tmp/new", NULL, 6);
	/* an image file written: C, and every directory above it (naive differ) */
	OP(FSD_CHANGE, "/etc/sub/f", NULL, 3);
	/* removed: D */
	OP(FSD_REMOVE, "/etc/gone", NULL, 0);
	/* made then removed: nothing, but its directory changed */
	OP(FSD_CREATE, "/var/tmpfile", NULL, 0);
	OP(FSD_CHANGE, "/var/tmpfile", NULL, 9);
	OP(FSD_REMOVE, "/var/tmpfile", NULL, 0);
	/* a new directory and what is in it: all A */
	OP(FSD_MKDIR, "/nd", NULL, 0);
	OP(FSD_MKDIR, "/nd/sub", NULL, 0);
	OP(FSD_CREATE, "/nd/sub/f", NULL, 0);
	assert_string_equal(list(d),
			    "C /etc 0\n"
			    "D /etc/gone 0\n"
			    "C /etc/sub 0 *\n"
			    "C /etc/sub/f 3\n"
			    "A /nd 0\n"
			    "A /nd/sub 0\n"
			    "A /nd/sub/f 0\n"
			    "C /tmp 0\n"
			    "A /tmp/new 11\n"
			    "C /var 0\n");
	fsdiff__free(d);
}

static void renames(void **state)
{
	struct fsdiff *d = fsdiff__new();

	/* a file made then renamed: only the new name, with its bytes */
	OP(FSD_CREATE, "/tmp/a", NULL, 0);
	OP(FSD_CHANGE, "/tmp/a", NULL, 4);
	OP(FSD_RENAME, "/tmp/a", "/tmp/b", 0);
	/* an image file renamed: D of the old name, A of the new */
	OP(FSD_RENAME, "/etc/old", "/etc/new", 0);
	/* a directory made, filled and renamed: what was below moves */
	OP(FSD_MKDIR, "/d1", NULL, 0);
	OP(FSD_CREATE, "/d1/x", NULL, 0);
	OP(FSD_CHANGE, "/d1/x", NULL, 2);
	OP(FSD_CREATE, "/d1/gone", NULL, 0);
	OP(FSD_REMOVE, "/d1/gone", NULL, 0);
	OP(FSD_RENAME, "/d1", "/d2", 0);
	/* an image directory renamed after a file in it was removed: the removal does not move */
	OP(FSD_REMOVE, "/img/x", NULL, 0);
	OP(FSD_RENAME, "/img", "/img2", 0);
	/* sed -i: the file read, a temporary made and renamed over it: C, with the new bytes */
	fsdiff__seen(d, "/etc/edited");
	OP(FSD_CREATE, "/etc/sedXYZ", NULL, 0);
	OP(FSD_CHANGE, "/etc/sedXYZ", NULL, 8);
	OP(FSD_RENAME, "/etc/sedXYZ", "/etc/edited", 0);
	/* renamed back and forth: nothing of the old name stays */
	OP(FSD_CREATE, "/tmp/c", NULL, 0);
	OP(FSD_RENAME, "/tmp/c", "/tmp/d", 0);
	OP(FSD_RENAME, "/tmp/d", "/tmp/c", 0);
	assert_string_equal(list(d),
			    "A /d2 0\n"
			    "A /d2/x 2\n"
			    "C /etc 0\n"
			    "C /etc/edited 8\n"
			    "A /etc/new 0\n"
			    "D /etc/old 0\n"
			    "D /img 0\n"
			    "A /img2 0\n"
			    "C /tmp 0\n"
			    "A /tmp/b 4\n"
			    "A /tmp/c 0\n");
	fsdiff__free(d);
}

static void removals(void **state)
{
	struct fsdiff *d = fsdiff__new();

	/* rm -r of an image directory: D of it alone, nothing below */
	OP(FSD_CHANGE, "/opt/app/conf", NULL, 1);
	OP(FSD_REMOVE, "/opt/app/conf", NULL, 0);
	OP(FSD_REMOVE, "/opt/app/bin", NULL, 0);
	OP(FSD_RMDIR, "/opt/app", NULL, 0);
	/* removed and made again: C */
	OP(FSD_REMOVE, "/etc/motd", NULL, 0);
	OP(FSD_CREATE, "/etc/motd", NULL, 0);
	/* a directory made and removed with its files: nothing */
	OP(FSD_MKDIR, "/tmp/w", NULL, 0);
	OP(FSD_CREATE, "/tmp/w/f", NULL, 0);
	OP(FSD_REMOVE, "/tmp/w/f", NULL, 0);
	OP(FSD_RMDIR, "/tmp/w", NULL, 0);
	assert_string_equal(list(d),
			    "C /etc 0\n"
			    "C /etc/motd 0\n"
			    "C /opt 0\n"
			    "D /opt/app 0\n"
			    "C /tmp 0\n");
	/* paths that are not absolute, or the root itself */
	assert_int_equal(fsdiff__op(d, FSD_CREATE, "tmp/x", NULL, 0, &sh), -EINVAL);
	assert_int_equal(fsdiff__op(d, FSD_REMOVE, "/", NULL, 0, &sh), -EINVAL);
	assert_int_equal(fsdiff__op(d, FSD_RENAME, "/a", NULL, 0, &sh), -EINVAL);
	fsdiff__free(d);
}

static bool not_vol(void *ctx, const char *p)
{
	return strncmp(p, "/vol", 4) || (p[4] && p[4] != '/');
}

/* What is not the root filesystem's (a volume) is not listed, nor makes its directory listed. */
static void kept(void **state)
{
	struct fsdiff *d = fsdiff__new();
	struct fsdiff_change *c;
	size_t n;
	int err;

	OP(FSD_CREATE, "/vol/x", NULL, 0);
	OP(FSD_CREATE, "/vol/sub/y", NULL, 0);
	OP(FSD_CREATE, "/volume/z", NULL, 0);
	c = fsdiff__changes(d, not_vol, NULL, &n, &err);
	assert_int_equal(err, 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].path, "/volume");
	assert_true(c[0].kind == 'C' && c[0].who.pid == 7 && !c[0].implied);
	assert_string_equal(c[1].path, "/volume/z");
	free(c);
	fsdiff__free(d);
}

static void bounded(void **state)
{
	struct fsdiff *d = fsdiff__new();
	char p[32];
	int i, err = 0;

	for (i = 0; i < FSDIFF_MAX + 10; i++) {
		snprintf(p, sizeof(p), "/f%d", i);
		err = fsdiff__op(d, FSD_CREATE, p, NULL, 0, &sh);
		if (err)
			break;
	}
	assert_int_equal(err, -ENOSPC);
	assert_int_equal(i, FSDIFF_MAX);
	assert_int_equal(fsdiff__op(d, FSD_CREATE, "/more", NULL, 0, &sh), -ENOSPC);
	assert_int_equal(fsdiff__lost(d), 2);
	/* what is there already still changes */
	assert_int_equal(fsdiff__op(d, FSD_CHANGE, "/f1", NULL, 3, &sh), 0);
	fsdiff__free(d);
}

/* rename's exit carries both paths in path[]: the printer shows both, evt_exit_path2 the second */
static void rename_record(void **state)
{
	static union {
		union scry_rec r;
		uint8_t b[SCRY_REC_MAX];
	} rec;
	struct scry_rec_sys_exit *x = &rec.r.exit;
	static const char paths[] = "/tmp/a\0/tmp/b";
	struct scry_event ev[2];
	const struct syscall_desc *desc;
	const char *p2;
	size_t n2 = 0;
	uint32_t size;

	memset(&rec, 0, sizeof(rec));
	x->h.type = SCRY_REC_SYS_EXIT;
	x->h.pid = x->h.tid = 10;
	x->h.ts = 100;
	x->nr = SYS_renameat;
	x->nargs = 4;
	x->args[0] = (uint64_t)-100;
	x->args[2] = (uint64_t)-100;
	memcpy(x->path, paths, sizeof(paths));
	x->path_len = sizeof(paths);
	size = SCRY_SYS_EXIT_ARGS + x->path_len;
	x->h.size = size;
	assert_int_equal(decode__record(&rec, size, ev), 1);
	desc = syscall_desc(SYS_renameat);
	assert_int_equal(desc->path, 2);
	assert_int_equal(desc->path2, 4);
	assert_int_equal(desc->dirfd, 1);
	assert_int_equal(desc->dirfd2, 3);
	p2 = evt_exit_path2(&ev[0], &n2);
	assert_non_null(p2);
	assert_int_equal(n2, 6);
	assert_memory_equal(p2, "/tmp/b", 6);
	/* one path only: no second */
	x->path_len = 7;
	x->h.size = SCRY_SYS_EXIT_ARGS + 7;
	assert_int_equal(decode__record(&rec, x->h.size, ev), 1);
	assert_null(evt_exit_path2(&ev[0], &n2));
	/* symlinkat's dirfd is the second path's */
	desc = syscall_desc(SYS_symlinkat);
	assert_int_equal(desc->path, 1);
	assert_int_equal(desc->dirfd, 0);
	assert_int_equal(desc->path2, 3);
	assert_int_equal(desc->dirfd2, 2);
	/* a created mark stands only on an open's file */
	x->nr = SYS_renameat;
	x->xflags = SCRY_SX_CREATED;
	assert_true(decode__record(&rec, x->h.size, ev) < 0);
}

/* --- the sink: exits through the decoder, the process and fd tables, then container_diff --- */
static union {
	union scry_rec r;
	uint8_t b[SCRY_REC_MAX];
} srec;

struct sink_t {
	struct proctab *pt;
	struct scry_container c;
	const struct sink_ops *ops;
	void *sink;
};

/* An exit of `name` by pid 100 in the container: args (as many as the table has), a path. */
static void sys_exit(struct sink_t *t, const char *name, int64_t ret, const uint64_t *args,
		     const char *path, size_t plen, uint8_t xflags)
{
	int nr = syscall_lookup(name);
	const struct syscall_desc *d = syscall_desc(nr);
	struct scry_rec_sys_exit *x = &srec.r.exit;
	struct scry_event ev[2];
	uint32_t size;
	int n, i;

	assert_true(nr >= 0 && d);
	memset(&srec, 0, sizeof(srec));
	x->h.type = SCRY_REC_SYS_EXIT;
	x->h.pid = x->h.tid = 100;
	x->h.ts = 1000;
	memcpy(x->h.comm, "app", 3);
	x->nr = nr;
	x->ret = ret;
	x->nargs = d->nargs;
	for (i = 0; i < d->nargs; i++)
		x->args[i] = args ? args[i] : 0;
	x->fd_kind[0] = d->io == IO_WRITE ? SCRY_FD_REG : 0;
	x->xflags = xflags;
	x->path_len = plen;
	if (plen)
		memcpy(x->path, path, plen);
	size = SCRY_SYS_EXIT_ARGS + plen;
	if (xflags & SCRY_SX_FILE) {
		x->fd_kind[1] = SCRY_FD_REG;
		size = SCRY_SYS_EXIT_ARGS + ((plen + 7) & ~7u) + sizeof(struct scry_exit_file);
	}
	x->h.size = size;
	n = decode__record(&srec, size, ev);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		proctab__apply(t->pt, &ev[i]);
		fdtab__apply(t->pt, &ev[i]);
		ev[i].container = &t->c;
		assert_int_equal(t->ops->event(t->sink, &ev[i], true), 0);
		fdtab__after(t->pt, &ev[i]);
	}
}

#define A(...) ((const uint64_t[SCRY_NARGS]){ __VA_ARGS__ })
#define P(s) s, sizeof(s)

static void sink(void **state)
{
	struct sink_t t = { .ops = &ctrdiff_ops };
	struct scry_proc tmpl = { .pid = 100, .vpid = 1 };
	struct chisel_ctx cc = { .json = true };
	struct scry_proc *p;
	/* a newline is shown as \x0a (escaped, then JSON-encoded), a quote as \" */
	static const struct {
		char kind;
		const char *path;
		bool dir;
		int bytes;
	} rows[] = {
		{ 'C', "/etc", true, 0 }, { 'D', "/etc/a", false, 0 }, { 'A', "/etc/b", false, 0 },
		{ 'C', "/etc/conf", false, 0 }, { 'D', "/etc/gone", false, 0 },
		{ 'C', "/tmp", true, 0 }, { 'A', "/tmp/x\\\\x0a\\\"y", false, 5 },
	};
	char out[4096], want[4096];
	size_t i, len;
	int fds[2];
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	cc.fd = fds[1];
	t.pt = proctab__new(NULL);
	p = proctab__add_proc(t.pt, &tmpl, "/bin/sh", "sh", 2);
	assert_non_null(proctab__add_thread(t.pt, 100, 1, "sh", p));
	strcpy(t.c.id, "4f2a");
	strcpy(t.c.short_id, "4f2a");
	t.c.meta.name = "web";
	t.c.meta.upper_dir = "/u/diff";
	t.sink = ctrdiff__new(&cc, NULL);
	assert_non_null(t.sink);
	/* chdir /tmp, then open("x\n\"y", O_WRONLY|O_CREAT) made it: fd 3, 5 bytes written */
	sys_exit(&t, "chdir", 0, NULL, P("/tmp"), 0);
	sys_exit(&t, "openat", 3, A((uint64_t)-100, 0, 0101), P("x\n\"y"),
		 SCRY_SX_FILE | SCRY_SX_CREATED);
	sys_exit(&t, "write", 5, A(3), NULL, 0, 0);
	/* an image file opened for writing (not made), a removal, a rename's two paths */
	sys_exit(&t, "openat", 4, A((uint64_t)-100, 0, 01), P("/etc/conf"), SCRY_SX_FILE);
	sys_exit(&t, "unlink", 0, NULL, P("/etc/gone"), 0);
	sys_exit(&t, "rename", 0, NULL, P("/etc/a\0/etc/b"), 0);
	/* a failed call, a /proc write and a write to a volume: nothing */
	sys_exit(&t, "unlink", -2, NULL, P("/etc/nothere"), 0);
	sys_exit(&t, "openat", 5, A((uint64_t)-100, 0, 01), P("/proc/self/attr"), SCRY_SX_FILE);
	assert_int_equal(t.ops->finish(t.sink), 0);
	close(fds[1]);
	n = read(fds[0], out, sizeof(out) - 1);
	assert_true(n > 0);
	out[n] = '\0';
	/* every row: the container, the kind and path, the bytes, the process, the host path */
	len = snprintf(want, sizeof(want), "[");
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		len += snprintf(want + len, sizeof(want) - len,
				"%s{\"container.id\":\"4f2a\",\"container.name\":\"web\","
				"\"kind\":\"%c\",\"path\":\"%s\",\"dir\":%s,\"bytes\":%d,"
				"\"proc.name\":\"app\",\"proc.pid\":100,"
				"\"host_path\":\"/u/diff%s\"}",
				i ? ",\n" : "", rows[i].kind, rows[i].path,
				rows[i].dir ? "true" : "false", rows[i].bytes, rows[i].path);
	snprintf(want + len, sizeof(want) - len, "]\n");
	assert_string_equal(out, want);
	close(fds[0]);
	t.ops->free(t.sink);
	assert_int_equal(t.c.pins, 0);
	proctab__free(t.pt);
}

/*
 * A directory renamed into its own subtree: the kernel refuses it, but the paths seen can show it
 * (a symlink /s renamed, its target's entries written through /s). Nothing may be freed twice
 * (the sanitizer build would stop here), and the entries end below the new place.
 */
static void rename_into_itself(void **state)
{
	struct fsdiff *d = fsdiff__new();

	OP(FSD_MKDIR, "/s", NULL, 0);
	OP(FSD_CREATE, "/s/y", NULL, 0);
	OP(FSD_MKDIR, "/s/z", NULL, 0);
	OP(FSD_CREATE, "/s/z/y", NULL, 0);
	OP(FSD_RENAME, "/s", "/s/z", 0);
	assert_non_null(strstr(list(d), "A /s/z/y 0\n"));
	fsdiff__free(d);
	(void)state;
}

/* Many containers: their entries together are bounded too; one freed makes room again. */
static void bounded_together(void **state)
{
	struct fsdiff *d[FSDIFF_TOTAL_MAX / FSDIFF_MAX + 1];
	size_t k, n = ARRAY_SIZE(d) - 1;
	char p[32];

	for (k = 0; k <= n; k++)
		assert_non_null(d[k] = fsdiff__new());
	for (k = 0; k < n; k++)
		for (int i = 0; i < FSDIFF_MAX; i++) {
			snprintf(p, sizeof(p), "/f%d", i);
			assert_int_equal(fsdiff__op(d[k], FSD_CREATE, p, NULL, 0, &sh), 0);
		}
	assert_int_equal(fsdiff__op(d[n], FSD_CREATE, "/x", NULL, 0, &sh), -ENOSPC);
	assert_int_equal(fsdiff__lost(d[n]), 1);
	fsdiff__free(d[0]);
	assert_int_equal(fsdiff__op(d[n], FSD_CREATE, "/x", NULL, 0, &sh), 0);
	for (k = 1; k <= n; k++)
		fsdiff__free(d[k]);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds),
		cmocka_unit_test(renames),
		cmocka_unit_test(removals),
		cmocka_unit_test(kept),
		cmocka_unit_test(bounded),
		cmocka_unit_test(rename_record),
		cmocka_unit_test(sink),
		cmocka_unit_test(rename_into_itself),
		cmocka_unit_test(bounded_together),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
