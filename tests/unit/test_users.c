// SPDX-License-Identifier: GPL-2.0
/*
 * User databases (state/users.c): parsing passwd and group lines as the C library's files
 * backend does, hostile files (symlinks out of the root, FIFOs, huge files, floods of ids),
 * the cache per root and its invalidation, a replay's databases and their bounds, and the
 * capture's USERDB items (encoding, truncation, what the writer records once per file).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/capture/internal.h"
#include "../../src/capture/tables.h"
#include "scry/container.h"
#include "scry/state.h"
#include "scry/util.h"
#include "testlib.h"

#define SEC 1000000000ULL

/* --- parsing: table-driven ------------------------------------------------------------------- */

struct scan_case {
	const char *what;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	enum users_kind kind;
	uint32_t id;
	const char *name, *home, *shell;	/* NULL name: not found */
	size_t name_len;	/* 0: strlen(name) */
};

static const struct scan_case scan_cases[] = {
	{ "plain", "root:x:0:0:root:/root:/bin/sh\nctr:x:4242:4343:C:/home/ctr:/bin/ash\n",
	  0, USERS_USER, 4242, "ctr", "/home/ctr", "/bin/ash" },
	{ "first line of the id wins", "a:x:7:7::/a:/bin/a\nb:x:7:7::/b:/bin/b\n", 0, USERS_USER, 7,
	  "a", "/a", "/bin/a" },
	{ "no newline at the end", "u:x:9:9::/h:/s", 0, USERS_USER, 9, "u", "/h", "/s" },
	{ "empty home and shell", "u:x:9:9:::\n", 0, USERS_USER, 9, "u", "", "" },
	{ "too few fields: skipped", "short:x:5:5:/h:/s\nok:x:5:5::/h:/s\n", 0, USERS_USER, 5, "ok",
	  "/h", "/s" },
	{ "too many fields: skipped", "long:x:5:5::/h:/s:extra\n", 0, USERS_USER, 5, NULL },
	{ "id with a sign", "neg:x:-5:5::/h:/s\nplus:x:+5:5::/h:/s\n", 0, USERS_USER, 5, NULL },
	{ "id with spaces", "sp:x: 5:5::/h:/s\n", 0, USERS_USER, 5, NULL },
	{ "id past 32 bits", "big:x:4294967301:5::/h:/s\n", 0, USERS_USER, 5, NULL },
	{ "id 2^32 - 1 itself", "max:x:4294967295:5::/h:/s\n", 0, USERS_USER, UINT32_MAX, "max",
	  "/h", "/s" },
	{ "empty id", "e:x::5::/h:/s\n", 0, USERS_USER, 0, NULL },
	{ "empty name: skipped", ":x:5:5::/h:/s\n", 0, USERS_USER, 5, NULL },
	{ "NIS compat lines", "+::::::\n-bad::::::\n+@grp:x:5:5::/h:/s\n", 0, USERS_USER, 5, NULL },
	{ "comment-like line", "#c:x:5:5::/h:/s\n", 0, USERS_USER, 5, "#c", "/h", "/s" },
	{ "hostile bytes kept as bytes", "\x1b[31mev\x01l:x:66:6::/h\xff:/s\r\n", 0, USERS_USER, 66,
	  "\x1b[31mev\x01l", "/h\xff", "/s\r" },
	{ "a NUL inside a name", "n\0ul:x:67:6::/h:/s\n", 19, USERS_USER, 67, "n\0ul", "/h", "/s",
	  4 },
	{ "group", "wheel:x:10:root,ctr\nctrg:x:4343:\n", 0, USERS_GROUP, 4343, "ctrg", "", "" },
	{ "group with too few fields", "g:x:11\n", 0, USERS_GROUP, 11, NULL },
	{ "group line read as passwd: too few", "ctrg:x:4343:\n", 0, USERS_USER, 4343, NULL },
	{ "empty file", "", 0, USERS_USER, 0, NULL },
	{ "lone newlines", "\n\n\n", 0, USERS_USER, 0, NULL },
};

static void scan_table(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scan_cases); i++) {
		const struct scan_case *c = &scan_cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		struct user_ent e;
		bool found = users_scan(c->text, len, c->kind, c->id, &e);

		if (found != (c->name != NULL))
			fail_msg("%s: found %d", c->what, found);
		if (!found)
			continue;
		size_t nl = c->name_len ? c->name_len : strlen(c->name);

		if (e.name_len != nl || memcmp(e.name, c->name, nl))
			fail_msg("%s: name %.*s", c->what, e.name_len, e.name);
		if (c->kind == USERS_USER &&
		    (e.home_len != strlen(c->home) || memcmp(e.home, c->home, e.home_len) ||
		     e.shell_len != strlen(c->shell) || memcmp(e.shell, c->shell, e.shell_len)))
			fail_msg("%s: home %.*s shell %.*s", c->what, e.home_len, e.home, e.shell_len,
				 e.shell);
		assert_true(e.found);
		assert_int_equal(e.id, c->id);
	}
}

/* Names, homes and shells past their bounds are cut, never read past the line. */
static void scan_cuts(void **state)
{
	size_t n = 3 * USERS_PATH_MAX;
	char *line = malloc(4 * n + 64), *p = line;
	struct user_ent e;

	memset(p, 'n', n);
	p += n;
	p += sprintf(p, ":x:1:1::");
	memset(p, 'h', n);
	p += n;
	*p++ = ':';
	memset(p, 's', n);
	p += n;
	assert_true(users_scan(line, p - line, USERS_USER, 1, &e));
	assert_int_equal(e.name_len, USERS_NAME_MAX);
	assert_int_equal(e.home_len, USERS_PATH_MAX);
	assert_int_equal(e.shell_len, USERS_PATH_MAX);
	assert_int_equal(e.home[0], 'h');
	assert_int_equal(e.shell[USERS_PATH_MAX - 1], 's');
	free(line);
}

/* --- live, on a procfs made of directories ---------------------------------------------------- */

static char proc[64];

static void put(const char *rel, const char *data)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", proc, rel);
	for (slash = strchr(path + strlen(proc) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
}

static void link_to(const char *rel, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", proc, rel);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

static int setup_proc(void **state)
{
	snprintf(proc, sizeof(proc), "/tmp/scry-users.XXXXXX");
	assert_non_null(mkdtemp(proc));
	return 0;
}

static int teardown_proc(void **state)
{
	char cmd[128];

	users__reset();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", proc);
	return system(cmd);
}

struct fake {
	struct scry_proc p;
	struct scry_event ev;
};

static void fake_init(struct fake *f, uint32_t pid, uint64_t ts)
{
	memset(f, 0, sizeof(*f));
	f->p.pid = pid;
	f->p.loginuid = UINT32_MAX;
	f->ev.proc = &f->p;
	f->ev.ts = ts;
}

static const char *name_of(struct fake *f, enum users_kind k, uint32_t id)
{
	static char out[USERS_NAME_MAX + 1];
	const struct user_ent *e = users__lookup(&f->ev, k, id);

	if (!e || !e->found)
		return NULL;
	snprintf(out, sizeof(out), "%.*s", e->name_len, e->name);
	return out;
}

static void assert_name(struct fake *f, enum users_kind k, uint32_t id, const char *want,
			int line)
{
	const char *got = name_of(f, k, id);

	if (!want != !got || (want && strcmp(got, want)))
		fail_msg("line %d: pid %u id %u: want %s, got %s", line, f->p.pid, id,
			 want ? want : "none", got ? got : "none");
}

#define ASSERT_NAME(f, k, id, want) assert_name(f, k, id, want, __LINE__)

static void live_lookup(void **state)
{
	struct fake a, b;
	const struct user_ent *e;

	put("100/root/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nctr:x:4242:4343::/home/ctr:/bin/ash\n");
	put("100/root/etc/group", "root:x:0:\nctrg:x:4343:ctr\n");
	put("200/root/etc/passwd", "other:x:4242:1::/o:/bin/o\n");
	users__use(proc);
	fake_init(&a, 100, 10 * SEC);
	fake_init(&b, 200, 10 * SEC);
	ASSERT_NAME(&a, USERS_USER, 4242, "ctr");
	e = users__lookup(&a.ev, USERS_USER, 4242);
	assert_int_equal(e->home_len, 9);
	assert_memory_equal(e->home, "/home/ctr", 9);
	assert_memory_equal(e->shell, "/bin/ash", 8);
	ASSERT_NAME(&a, USERS_GROUP, 4343, "ctrg");
	ASSERT_NAME(&a, USERS_USER, 5, NULL);
	/* another root, another database: the same uid, another name */
	ASSERT_NAME(&b, USERS_USER, 4242, "other");
	/* no group file at all: no name, no error */
	ASSERT_NAME(&b, USERS_GROUP, 1, NULL);
	/* a process's database is remembered (its memo), and found again as is */
	assert_int_not_equal(a.p.users_ref, 0);
	assert_ptr_equal(users__lookup(&a.ev, USERS_USER, 4242), users__lookup(&a.ev, USERS_USER, 4242));
	/* no process, or no mode: nothing */
	a.ev.proc = NULL;
	assert_null(users__lookup(&a.ev, USERS_USER, 0));
	users__reset();
	a.ev.proc = &a.p;
	a.p.users_ref = 0;
	assert_null(users__lookup(&a.ev, USERS_USER, 0));
}

/*
 * An absolute symlink is resolved inside the root, as the process itself would: never to the
 * file of that name on the host (here, a file outside the fake root that names uid 4242).
 */
static void symlink_stays_inside(void **state)
{
	char host[256], target[320];
	struct fake a, c;

	snprintf(host, sizeof(host), "%s/hostpw", proc);
	put("hostpw", "hostleak:x:4242:4242::/leak:/leak\n");
	/* 300: etc/passwd -> <abs path of hostpw>, which inside its root is root/<that path> */
	snprintf(target, sizeof(target), "300/root%s", host);
	put(target, "inside:x:4242:4242::/in:/in\n");
	put("300/root/etc/group", "g:x:1:\n");
	link_to("300/root/etc/passwd", host);
	/* 301: the same link, and nothing under that path inside: no name */
	put("301/root/etc/group", "g:x:1:\n");
	link_to("301/root/etc/passwd", host);
	/* 302: ../ climbing out of the root stays at the root */
	put("302/root/hostpw", "rootlevel:x:4242:1::/r:/r\n");
	put("302/root/etc/group", "g:x:1:\n");
	link_to("302/root/etc/passwd", "../../../../../../hostpw");
	users__use(proc);
	fake_init(&a, 300, SEC);
	ASSERT_NAME(&a, USERS_USER, 4242, "inside");
	fake_init(&c, 301, SEC);
	ASSERT_NAME(&c, USERS_USER, 4242, NULL);
	fake_init(&c, 302, SEC);
	ASSERT_NAME(&c, USERS_USER, 4242, "rootlevel");
}

/* A FIFO, a directory or a device where the file should be: not read, nothing blocks. */
static void not_a_file(void **state)
{
	char path[256];
	struct fake a;

	put("400/root/etc/x", "");
	snprintf(path, sizeof(path), "%s/400/root/etc/passwd", proc);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/400/root/etc/group", proc);
	assert_int_equal(mkdir(path, 0755), 0);
	users__use(proc);
	fake_init(&a, 400, SEC);
	ASSERT_NAME(&a, USERS_USER, 0, NULL);
	ASSERT_NAME(&a, USERS_GROUP, 0, NULL);
}

/* Only the first USERS_FILE_MAX bytes are read: a line past them is not found. */
static void file_bound(void **state)
{
	size_t fill = USERS_FILE_MAX + 4096, i;
	char path[256], *big = malloc(fill + 128);
	struct fake a;
	FILE *f;

	put("500/root/etc/passwd", "");
	snprintf(path, sizeof(path), "%s/500/root/etc/passwd", proc);
	f = fopen(path, "w");
	fputs("first:x:1:1::/f:/f\n", f);
	for (i = 0; i < fill;)
		i += fprintf(f, "filler:x:2:2:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa::/\n");
	fputs("late:x:3:3::/l:/l\n", f);
	fclose(f);
	users__use(proc);
	fake_init(&a, 500, SEC);
	ASSERT_NAME(&a, USERS_USER, 1, "first");
	ASSERT_NAME(&a, USERS_USER, 2, "filler");
	ASSERT_NAME(&a, USERS_USER, 3, NULL);
	free(big);
}

/* Two processes of one root share its database: one read serves both. */
static void cache_per_root(void **state)
{
	char path[256];
	struct fake a, b;

	put("600/root/etc/passwd", "first:x:7:7::/h:/s\n");
	snprintf(path, sizeof(path), "%s/600/root", proc);
	snprintf(path + 128, 128, "%s/601", proc);
	mkdir(path + 128, 0755);
	snprintf(path + 128, 128, "%s/601/root", proc);
	assert_int_equal(symlink(path, path + 128), 0);	/* /proc's root links, as the kernel's */
	users__use(proc);
	fake_init(&a, 600, 5 * SEC);
	fake_init(&b, 601, 5 * SEC);
	ASSERT_NAME(&a, USERS_USER, 7, "first");
	/* rewritten with the same size and mtime unseen: b reads a's entry, not the file */
	put("600/root/etc/passwd", "other:x:7:7::/h:/s\n");
	ASSERT_NAME(&b, USERS_USER, 7, "first");
	assert_ptr_equal(users__lookup(&a.ev, USERS_USER, 7), users__lookup(&b.ev, USERS_USER, 7));
}

/* A file rewritten is read again, but not before a second of event time has passed. */
static void invalidation(void **state)
{
	struct timeval tv[2] = { { 1000000, 0 }, { 1000000, 0 } };
	char path[256];
	struct fake a;

	put("700/root/etc/passwd", "old:x:8:8::/h:/s\n");
	put("700/root/etc/group", "oldg:x:8:\n");
	users__use(proc);
	fake_init(&a, 700, 10 * SEC);
	ASSERT_NAME(&a, USERS_USER, 8, "old");
	ASSERT_NAME(&a, USERS_USER, 9, NULL);	/* "not there" is kept too */
	ASSERT_NAME(&a, USERS_GROUP, 8, "oldg");
	put("700/root/etc/passwd", "newer:x:8:8::/h:/s\nnine:x:9:9::/h:/s\n");
	snprintf(path, sizeof(path), "%s/700/root/etc/passwd", proc);
	utimes(path, tv);
	a.ev.ts += SEC / 2;
	ASSERT_NAME(&a, USERS_USER, 8, "old");	/* within the second: the cache */
	ASSERT_NAME(&a, USERS_USER, 9, NULL);
	a.ev.ts += SEC;
	ASSERT_NAME(&a, USERS_USER, 8, "newer");
	ASSERT_NAME(&a, USERS_USER, 9, "nine");
	ASSERT_NAME(&a, USERS_GROUP, 8, "oldg");
	/* the group file removed: its entries go too, a second later */
	snprintf(path, sizeof(path), "%s/700/root/etc/group", proc);
	unlink(path);
	a.ev.ts += SEC / 2;
	ASSERT_NAME(&a, USERS_GROUP, 8, "oldg");
	a.ev.ts += SEC;
	ASSERT_NAME(&a, USERS_GROUP, 8, NULL);
	ASSERT_NAME(&a, USERS_USER, 8, "newer");
}

/* A flood of distinct ids: the database starts over at its bound, and answers stay right. */
static void entries_bound(void **state)
{
	struct fake a;
	uint32_t id;

	put("800/root/etc/passwd", "zero:x:0:0::/h:/s\nlast:x:99999:0::/h:/s\n");
	users__use(proc);
	fake_init(&a, 800, SEC);
	for (id = 1; id <= USERS_DB_ENTRIES + 50; id++) {
		a.ev.ts += SEC / 32;	/* within the budget of reads */
		ASSERT_NAME(&a, USERS_USER, id, NULL);
	}
	ASSERT_NAME(&a, USERS_USER, 0, "zero");
	ASSERT_NAME(&a, USERS_USER, 99999, "last");
}

/* Past 64 reads in a second of event time, a new id waits for the next second for its name. */
static void reads_budget(void **state)
{
	struct fake a;
	uint32_t id;

	put("850/root/etc/passwd", "late:x:100:0::/h:/s\n");
	users__use(proc);
	fake_init(&a, 850, 10 * SEC);
	for (id = 1; id <= 64; id++)
		ASSERT_NAME(&a, USERS_USER, id, NULL);
	ASSERT_NAME(&a, USERS_USER, 100, NULL);
	ASSERT_NAME(&a, USERS_USER, 1, NULL);	/* known: no read */
	a.ev.ts += SEC;
	ASSERT_NAME(&a, USERS_USER, 100, "late");
}

/*
 * The bytes all databases hold are bounded: past users__limit, the least recently used forgets
 * its entries (seen here as a file rewritten behind its back, size and mtime kept, being read
 * again), and the one asked last keeps its own.
 */
static void held_bound(void **state)
{
	struct timeval tv[2] = { { 1000000, 0 }, { 1000000, 0 } };
	char path[256];
	struct fake a, b;

	put("1500/root/etc/passwd", "aaaa:x:1:1::/h:/s\n");
	put("1501/root/etc/passwd", "bbbb:x:1:1::/h:/s\nbbb2:x:2:1::/h:/s\n");
	users__use(proc);
	users__limit(2 * (sizeof(struct user_ent) + 32 + 2 * sizeof(void *)));
	fake_init(&a, 1500, SEC);
	fake_init(&b, 1501, SEC);
	snprintf(path, sizeof(path), "%s/1500/root/etc/passwd", proc);
	utimes(path, tv);
	ASSERT_NAME(&a, USERS_USER, 1, "aaaa");
	/* rewritten, same size and time: a's entry stays as read while it is held */
	put("1500/root/etc/passwd", "AAAA:x:1:1::/h:/s\n");
	utimes(path, tv);
	ASSERT_NAME(&a, USERS_USER, 1, "aaaa");
	b.ev.ts = a.ev.ts = 2 * SEC / 1000 + SEC;	/* within the second: no file check */
	ASSERT_NAME(&b, USERS_USER, 1, "bbbb");
	ASSERT_NAME(&b, USERS_USER, 2, "bbb2");	/* past the bound: a's entries go */
	ASSERT_NAME(&a, USERS_USER, 1, "AAAA");	/* read again */
	ASSERT_NAME(&b, USERS_USER, 2, "bbb2");
}

/* More roots than USERS_DB_MAX: the least recently used database goes; memos of it miss. */
static void roots_bound(void **state)
{
	struct fake *f = calloc(USERS_DB_MAX + 2, sizeof(*f));
	char rel[64], line[64];
	uint32_t i;

	for (i = 0; i < USERS_DB_MAX + 2; i++) {
		snprintf(rel, sizeof(rel), "%u/root/etc/passwd", 1000 + i);
		snprintf(line, sizeof(line), "u%u:x:5:5::/h:/s\n", i);
		put(rel, line);
	}
	users__use(proc);
	for (i = 0; i < USERS_DB_MAX + 2; i++) {
		snprintf(line, sizeof(line), "u%u", i);
		fake_init(&f[i], 1000 + i, SEC + i);
		ASSERT_NAME(&f[i], USERS_USER, 5, line);
	}
	/* the first two went; asked again, they are read again, right */
	f[0].ev.ts = f[1].ev.ts = 10 * SEC;
	ASSERT_NAME(&f[0], USERS_USER, 5, "u0");
	ASSERT_NAME(&f[1], USERS_USER, 5, "u1");
	free(f);
}

/* A process gone before its lookup: its container's database (the newest), else none. */
static void gone_process(void **state)
{
	struct scry_container c = { .id = "cafe" }, d = { .id = "dead" };
	struct fake a, gone;

	put("900/root/etc/passwd", "inctr:x:4242:1::/h:/s\n");
	users__use(proc);
	fake_init(&a, 900, SEC);
	a.ev.container = &c;
	ASSERT_NAME(&a, USERS_USER, 4242, "inctr");
	fake_init(&gone, 901, SEC);
	gone.ev.container = &c;
	ASSERT_NAME(&gone, USERS_USER, 4242, "inctr");
	fake_init(&gone, 902, SEC);
	gone.ev.container = &d;
	ASSERT_NAME(&gone, USERS_USER, 4242, NULL);
}

/*
 * A process gone before its lookup, whose shell is alive: the shell's root, if it is in the
 * same container; a parent in another container (the runtime's shim, a host shell) is not.
 */
static void gone_ancestor(void **state)
{
	struct proctab *pt = proctab__new(NULL);
	struct scry_container c = { .id = "cafe" }, d = { .id = "other" };
	struct scry_proc tmpl = { .pid = 1200, .ppid = 1, .loginuid = UINT32_MAX }, *sh, *p;
	struct fake f;

	put("1200/root/etc/passwd", "anc:x:4242:1::/h:/s\n");
	users__use(proc);
	users__set_procs(pt);
	sh = proctab__add_proc(pt, &tmpl, "/bin/sh", "sh", 2);
	sh->container = &c;
	sh->ctr_known = true;
	tmpl.pid = 1201;
	tmpl.ppid = 1200;
	p = proctab__add_proc(pt, &tmpl, "/bin/cat", "cat", 3);
	p->container = &c;
	p->ctr_known = true;
	fake_init(&f, 1201, SEC);
	f.ev.proc = p;
	f.ev.container = &c;
	ASSERT_NAME(&f, USERS_USER, 4242, "anc");
	/* its sibling in another container: not its parent's database */
	tmpl.pid = 1202;
	p = proctab__add_proc(pt, &tmpl, "/bin/cat", "cat", 3);
	p->container = &d;
	p->ctr_known = true;
	f.ev.proc = p;
	f.ev.container = &d;
	ASSERT_NAME(&f, USERS_USER, 4242, NULL);
	users__reset();
	proctab__free(pt);
}

static void hdr(struct scry_hdr *h, uint16_t type, uint16_t size, uint32_t pid, const char *comm,
		uint64_t ts)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->size = size;
	h->pid = h->tid = pid;
	h->ts = ts;
	strncpy(h->comm, comm, sizeof(h->comm) - 1);
}

static struct scry_proc *apply(struct proctab *pt, const void *rec, uint32_t size)
{
	struct scry_event evs[2];
	int n = decode__record(rec, size, evs), i;

	assert_true(n >= 1);
	for (i = 0; i < n; i++)
		proctab__apply(pt, &evs[i]);
	return evs[n - 1].proc;
}

/*
 * A fork inherits its parent's login uid; an exec looks the root up again (a runtime's init
 * pivots into the container's root, then execs its entrypoint under the same pid).
 */
static void fork_and_exec(void **state)
{
	struct proctab *pt = proctab__new(NULL);
	struct scry_proc tmpl = { .pid = 1699, .ppid = 1, .loginuid = 1000 }, *p;
	static struct scry_rec_exec ex;
	struct scry_rec_fork fk;
	char a[256], b[256];
	struct fake f;

	put("rootA/etc/passwd", "before:x:4242:1::/h:/s\n");
	put("rootB/etc/passwd", "after:x:4242:1::/h:/s\n");
	snprintf(a, sizeof(a), "%s/rootA", proc);
	snprintf(b, sizeof(b), "%s/rootB", proc);
	put("1700/x", "");
	link_to("1700/root", a);
	users__use(proc);
	assert_non_null(proctab__add_proc(pt, &tmpl, "/bin/sh", "sh", 2));
	memset(&fk, 0, sizeof(fk));
	hdr(&fk.h, SCRY_REC_FORK, sizeof(fk), 1700, "runc:[2:INIT]", SEC);
	fk.parent_pid = fk.parent_tid = fk.ppid = 1699;
	fk.vpid = fk.vtid = 1;
	fk.uid = 4242;
	p = apply(pt, &fk, sizeof(fk));
	assert_non_null(p);
	assert_int_equal(p->loginuid, 1000);
	fake_init(&f, 1700, SEC);
	f.ev.proc = p;
	ASSERT_NAME(&f, USERS_USER, 4242, "before");
	link_to("1700/root", b);	/* pivot_root */
	ASSERT_NAME(&f, USERS_USER, 4242, "before");	/* the memo: no look at /proc */
	memset(&ex, 0, sizeof(ex));
	ex.exe_len = 3;
	memcpy(ex.data, "/ep", 3);
	ex.old_tid = 1700;
	ex.ppid = 1699;
	ex.vpid = ex.vtid = 1;
	ex.uid = 4242;
	hdr(&ex.h, SCRY_REC_EXEC, SCRY_EXEC_FIXED + 3, 1700, "ep", 2 * SEC);
	assert_ptr_equal(apply(pt, &ex, ex.h.size), p);
	ASSERT_NAME(&f, USERS_USER, 4242, "after");
	users__reset();
	proctab__free(pt);
}

/* --- replay ------------------------------------------------------------------------------ */

static struct user_ent ent(enum users_kind k, uint32_t id, const char *name, const char *home,
			   const char *shell)
{
	struct user_ent e = { .id = id, .kind = k, .found = true, .name = name,
			      .name_len = strlen(name), .home = home, .home_len = strlen(home),
			      .shell = shell, .shell_len = strlen(shell) };
	return e;
}

static void replay_dbs(void **state)
{
	struct scry_container c = { .id = "c0ffee" };
	struct user_ent e;
	struct fake h, in;
	const struct user_ent *got;

	users__use(NULL);
	e = ent(USERS_USER, 4242, "ctruser", "/home/ctr", "/bin/sh");
	assert_int_equal(users__add("c0ffee", &e, 10, 1000), 0);
	e = ent(USERS_USER, 4242, "hostuser", "/h", "/s");
	assert_int_equal(users__add("", &e, 10, 1000), 0);
	e = ent(USERS_GROUP, 4343, "ctrgroup", "", "");
	assert_int_equal(users__add("c0ffee", &e, 10, 1000), 0);
	fake_init(&h, 1, SEC);
	fake_init(&in, 2, SEC);
	in.ev.container = &c;
	ASSERT_NAME(&in, USERS_USER, 4242, "ctruser");
	ASSERT_NAME(&in, USERS_GROUP, 4343, "ctrgroup");
	ASSERT_NAME(&h, USERS_USER, 4242, "hostuser");
	ASSERT_NAME(&h, USERS_GROUP, 4343, NULL);
	got = users__lookup(&in.ev, USERS_USER, 4242);
	assert_memory_equal(got->home, "/home/ctr", 9);
	/* a later entry replaces an earlier: not one more */
	e = ent(USERS_USER, 4242, "renamed", "/home/ctr", "/bin/sh");
	assert_int_equal(users__add("c0ffee", &e, 3, 1000), 0);
	in.p.users_ref = 0;
	ASSERT_NAME(&in, USERS_USER, 4242, "renamed");
	/* bounds: entries, then bytes */
	e = ent(USERS_USER, 1, "x", "", "");
	assert_int_equal(users__add("c0ffee", &e, 3, 1000), -ENOSPC);
	assert_int_equal(users__add("c0ffee", &e, 4, 40), -EDQUOT);
	/* not found, or out of replay mode: refused */
	e.found = false;
	assert_int_equal(users__add("c0ffee", &e, 10, 1000), -EINVAL);
	users__use(proc);
	e.found = true;
	assert_int_equal(users__add("c0ffee", &e, 10, 1000), -EINVAL);
	users__reset();
}

/* --- capture items ----------------------------------------------------------------------- */

static void userdb_items(void **state)
{
	struct user_ent u = ent(USERS_USER, 4242, "ev\x1bil\n", "/home/\xff", "/bin/sh");
	struct user_ent g = ent(USERS_GROUP, 0, "root", "", "");
	struct cap_buf b = {};
	struct cap_userdb d;
	const uint8_t *body;
	size_t blen, off = 0;
	uint8_t tag;
	int span;

	cap_put_userdb(&b, "0123456789abcdef", &u);
	cap_put_userdb(&b, "", &g);
	assert_int_equal(b.err, 0);
	span = cap_item_span(b.p, b.len, &tag, &body, &blen);
	assert_true(span > 0 && tag == CAP_TAG_USERDB);
	assert_int_equal(cap_get_userdb(body, blen, &d), 0);
	assert_string_equal(d.ctr, "0123456789abcdef");
	assert_int_equal(d.e.kind, USERS_USER);
	assert_int_equal(d.e.id, 4242);
	assert_true(d.e.found);
	assert_int_equal(d.e.name_len, 6);
	assert_memory_equal(d.e.name, "ev\x1bil\n", 6);
	assert_memory_equal(d.e.home, "/home/\xff", 7);
	assert_memory_equal(d.e.shell, "/bin/sh", 7);
	off = span;
	span = cap_item_span(b.p + off, b.len - off, &tag, &body, &blen);
	assert_int_equal(cap_get_userdb(body, blen, &d), 0);
	assert_string_equal(d.ctr, "");
	assert_int_equal(d.e.kind, USERS_GROUP);
	assert_int_equal(d.e.id, 0);
	assert_memory_equal(d.e.name, "root", 4);

	/* every truncation is refused, never read past (ASan sees any overread) */
	for (off = 0; off < b.len; off += span) {
		span = cap_item_span(b.p + off, b.len - off, &tag, &body, &blen);
		for (size_t cut = 0; cut < blen; cut++) {
			uint8_t *copy = malloc(cut ? cut : 1);

			memcpy(copy, body, cut);
			assert_int_not_equal(cap_get_userdb(copy, cut, &d), 0);
			free(copy);
		}
	}
	cap_buf__free(&b);
}

/* Crafted items: longer strings than any recorder writes, a NUL in the id, a kind unknown. */
static void userdb_crafted(void **state)
{
	uint8_t body[2048], *p;
	struct cap_userdb d;

	/* name of USERS_NAME_MAX + 1 bytes */
	p = body;
	*p++ = 1;
	*p++ = 'c';
	*p++ = USERS_USER;
	*p++ = 5;
	p = put_uv(p, USERS_NAME_MAX + 1);
	memset(p, 'n', USERS_NAME_MAX + 1);
	p += USERS_NAME_MAX + 1;
	*p++ = 0;
	*p++ = 0;
	assert_int_equal(cap_get_userdb(body, p - body, &d), -EBADMSG);
	/* a NUL inside the container id */
	memcpy(body, "\x02\x00x\x01\x05\x01n", 7);
	assert_int_equal(cap_get_userdb(body, 7, &d), -EBADMSG);
	/* kind 2 */
	memcpy(body, "\x01x\x02\x05\x01n", 6);
	assert_int_equal(cap_get_userdb(body, 6, &d), -EBADMSG);
	/* an empty name */
	memcpy(body, "\x01x\x01\x05\x00", 5);
	assert_int_equal(cap_get_userdb(body, 5, &d), -EBADMSG);
	/* a group with bytes after its name: a newer version's, ignored */
	memcpy(body, "\x01x\x01\x05\x01nZZ", 8);
	assert_int_equal(cap_get_userdb(body, 8, &d), 0);
	assert_int_equal(d.e.kind, USERS_GROUP);
}

static uint32_t count_userdb(const struct cap_buf *b)
{
	size_t off = 0, blen;
	const uint8_t *body;
	uint32_t n = 0;
	uint8_t tag;
	int span;

	while (off < b->len && (span = cap_item_span(b->p + off, b->len - off, &tag, &body,
						       &blen)) > 0) {
		off += span;
		n += tag == CAP_TAG_USERDB;
	}
	return n;
}

/* The writer records each entry once per file, and only found ones. */
static void writer_records_once(void **state)
{
	struct cap_tables *t = cap_tables__new(NULL, NULL);
	struct cap_tables_fast fast = {};
	struct cap_buf meta, snap = {};
	struct fake a, b;

	put("1100/root/etc/passwd", "ctr:x:4242:4343::/h:/s\nlog:x:1000:1::/l:/l\n");
	put("1100/root/etc/group", "ctrg:x:4343:\n");
	users__use(proc);
	fake_init(&a, 1100, SEC);
	a.p.uid = 4242;
	a.p.gid = 4343;
	a.p.loginuid = 1000;
	cap_tables__see_users(t, &fast, &a.ev);
	cap_tables__take_meta(t, &meta);
	assert_int_equal(count_userdb(&meta), 3);
	cap_buf__free(&meta);
	/* the same process again, and another of the same root and ids: nothing more */
	cap_tables__see_users(t, &fast, &a.ev);
	fake_init(&b, 1100, SEC);
	b.p = a.p;
	b.p.users_ref = 0;
	b.p.loginuid = UINT32_MAX;
	cap_tables__see_users(t, &fast, &b.ev);
	cap_tables__take_meta(t, &meta);
	assert_int_equal(count_userdb(&meta), 0);
	cap_buf__free(&meta);
	/* an id without a name: no item */
	b.p.uid = 77;
	cap_tables__see_users(t, &fast, &b.ev);
	cap_tables__take_meta(t, &meta);
	assert_int_equal(count_userdb(&meta), 0);
	cap_buf__free(&meta);
	/* a new file records them again */
	cap_tables__snapshot(t, &snap, NULL);
	memset(&fast, 0, sizeof(fast));
	cap_tables__see_users(t, &fast, &a.ev);
	cap_tables__take_meta(t, &meta);
	assert_int_equal(count_userdb(&meta), 3);
	cap_buf__free(&meta);
	cap_buf__free(&snap);
	cap_tables__free(t);
}

/* A database without an answer (out of reads this second): asked again at the next record. */
static void writer_retries(void **state)
{
	struct cap_tables *t = cap_tables__new(NULL, NULL);
	struct cap_tables_fast fast = {};
	struct cap_buf meta;
	struct fake a;
	uint32_t id;

	put("1400/root/etc/passwd", "late:x:100:0::/h:/s\n");
	users__use(proc);
	fake_init(&a, 1400, 10 * SEC);
	for (id = 1; id <= 64; id++)
		ASSERT_NAME(&a, USERS_USER, id, NULL);
	a.p.uid = 100;
	a.p.gid = 1;
	cap_tables__see_users(t, &fast, &a.ev);
	cap_tables__see_users(t, &fast, &a.ev);
	cap_tables__take_meta(t, &meta);
	assert_int_equal(count_userdb(&meta), 0);
	cap_buf__free(&meta);
	a.ev.ts += SEC;
	cap_tables__see_users(t, &fast, &a.ev);
	cap_tables__take_meta(t, &meta);
	assert_int_equal(count_userdb(&meta), 1);	/* the user; gid 1 has no group file */
	cap_buf__free(&meta);
	cap_tables__free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_table),
		cmocka_unit_test(scan_cuts),
		cmocka_unit_test_setup_teardown(live_lookup, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(symlink_stays_inside, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(not_a_file, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(file_bound, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(cache_per_root, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(invalidation, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(entries_bound, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(reads_budget, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(roots_bound, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(held_bound, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(gone_process, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(gone_ancestor, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(fork_and_exec, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(replay_dbs, setup_proc, teardown_proc),
		cmocka_unit_test(userdb_items),
		cmocka_unit_test(userdb_crafted),
		cmocka_unit_test_setup_teardown(writer_records_once, setup_proc, teardown_proc),
		cmocka_unit_test_setup_teardown(writer_retries, setup_proc, teardown_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
