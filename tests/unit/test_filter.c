// SPDX-License-Identifier: GPL-2.0
/*
 * The filter language, driven by tests/data/filters.test (expression, expected outcome); the
 * nesting limits, the error display, and filters seeing whole values, here.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "../../src/filter/internal.h"

static struct scry_rec_sys_exit rec;
static struct scry_event ev, evs[2];
static struct scry_proc proc;
static struct scry_thread thread;

static int setup(void **state)
{
	memset(&rec, 0, sizeof(rec));
	rec.h.type = SCRY_REC_SYS_EXIT;
	rec.h.cpu = 1;
	rec.h.pid = 100;
	rec.h.tid = 101;
	rec.h.cgid = 42;
	strcpy(rec.h.comm, "cat");
	rec.nr = SYS_openat;
	rec.ret = -EACCES;
	rec.nargs = 4;
	strcpy(rec.path, "/etc/shadow");
	rec.path_len = strlen(rec.path) + 1;
	rec.h.size = SCRY_SYS_EXIT_ARGS + rec.path_len;
	if (decode__record(&rec, rec.h.size, evs) != 1)
		return -1;
	ev = evs[0];
	strcpy(proc.comm, "cat");
	proc.pid = 100;
	proc.ppid = 1;
	proc.exe = "/bin/cat";
	proc.args = "cat";
	proc.args_len = 3;
	thread.tid = 101;
	thread.proc = &proc;
	ev.proc = &proc;
	ev.thread = &thread;
	ev.latency = 1000;
	return 0;
}

static const char *data_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("SCRY_TEST_DATA");

	snprintf(buf, len, "%s/%s", dir ? dir : "tests/data", name);
	return buf;
}

/*
 * Rows: expression <TAB> match | nomatch | error:TEXT | error@COLUMN:TEXT, where TEXT (not
 * empty) is part of the message and COLUMN (from 1) the column of the offending token, counted
 * as the caret does. Lines starting with '#' and empty lines are comments; any other line that
 * is not such a row is a mistake in the file and fails the test, never a row skipped or read as
 * another outcome.
 */
enum want { WANT_MATCH, WANT_NOMATCH, WANT_ERROR };

struct row {
	char *expr;
	enum want want;
	long col;		/* 0: any */
	const char *text;	/* WANT_ERROR */
};

/* Split and check one row in place; NULL, or what is wrong with it. */
static const char *parse_row(char *line, struct row *r)
{
	char *tab = strchr(line, '\t'), *want, *end;

	if (!tab)
		return "no tab between expression and outcome";
	if (strchr(tab + 1, '\t'))
		return "more than two columns";
	want = tab + 1;
	r->expr = line;
	r->col = 0;
	r->text = NULL;
	if (!strcmp(want, "match")) {
		r->want = WANT_MATCH;
	} else if (!strcmp(want, "nomatch")) {
		r->want = WANT_NOMATCH;
	} else if (!strncmp(want, "error", 5)) {
		r->want = WANT_ERROR;
		want += 5;
		if (*want == '@') {
			if (want[1] < '1' || want[1] > '9')
				return "error@ without a column";
			r->col = strtol(want + 1, &end, 10);
			want = end;
		}
		if (*want != ':' || !want[1])
			return "error without ':TEXT'";
		r->text = want + 1;
	} else {
		return "unknown outcome";
	}
	*tab = '\0';	/* only now: a bad row is said whole */
	return NULL;
}

/* The rows of a file: 0, or the number of bad rows (each said). */
static int run_table(const char *file, int *rows)
{
	char line[512];
	int lineno = 0, bad = 0;
	FILE *f = fopen(file, "r");

	assert_non_null(f);
	*rows = 0;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\n");
		const char *why;
		struct filter_error e;
		struct filter *flt;
		struct row r;

		lineno++;
		if (!line[len] && !feof(f)) {
			print_error("%s:%d: line longer than %zu bytes\n", file, lineno,
				    sizeof(line) - 2);
			bad++;
			while (fgets(line, sizeof(line), f) && !strchr(line, '\n'))
				;
			continue;
		}
		line[len] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		why = parse_row(line, &r);
		if (why) {
			print_error("%s:%d: %s: '%s'\n", file, lineno, why, line);
			bad++;
			continue;
		}
		(*rows)++;
		flt = filter__new(r.expr, &e);
		if (r.want == WANT_ERROR) {
			if (flt || !strstr(e.msg, r.text) ||
			    (r.col && (size_t)r.col != filter__columns(r.expr, e.pos) + 1)) {
				print_error("%s:%d: '%s': wanted error@%ld:%s, got '%s' at column "
					    "%zu\n", file, lineno, r.expr, r.col, r.text,
					    flt ? "(compiled)" : e.msg,
					    filter__columns(r.expr, e.pos) + 1);
				bad++;
			}
		} else if (!flt) {
			print_error("%s:%d: '%s' failed to compile: %s\n", file, lineno, r.expr,
				    e.msg);
			bad++;
		} else if (filter__match(flt, &ev) != (r.want == WANT_MATCH)) {
			print_error("%s:%d: '%s': wanted %s\n", file, lineno, r.expr,
				    r.want == WANT_MATCH ? "match" : "nomatch");
			bad++;
		}
		filter__free(flt);
	}
	fclose(f);
	return bad;
}

static void table(void **state)
{
	char path[256];
	int rows;

	assert_int_equal(run_table(data_path("filters.test", path, sizeof(path)), &rows), 0);
	assert_true(rows >= 150);
}

/* The reader itself: each kind of malformed row is counted bad, comments and blanks are not. */
static void malformed_rows_fail(void **state)
{
	static const char *const bad_rows[] = {
		"proc.name=dog\tnomacth",		/* a mistyped outcome */
		"proc.name=cat\tMatch",
		"proc.name=cat match",			/* no tab */
		"proc.name=cat\tmatch\textra",	/* three columns */
		"proc.name=dog\t",			/* no outcome */
		"proc.nme=cat\terror",			/* error without its text */
		"proc.nme=cat\terror:",
		"proc.nme=cat\terror@:unknown",
		"proc.nme=cat\terror@0:unknown",
		"proc.nme=cat\terrors:unknown",
	};
	char path[] = "/tmp/scry-filters-XXXXXX", big[600];
	int fd = mkstemp(path), saved = dup(2), devnull = open("/dev/null", O_WRONLY);
	FILE *f = fdopen(fd, "w");
	size_t i;
	int rows, bad;

	assert_non_null(f);
	fprintf(f, "# a comment\n\nproc.name=cat\tmatch\n");
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++)
		fprintf(f, "%s\n", bad_rows[i]);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* too long; then a row without its final newline */
	fprintf(f, "%s\tnomatch\nproc.name=cat\tmatch", big);
	fclose(f);
	/* the reader says what is wrong with each: not worth reading in the test log */
	dup2(devnull, 2);
	bad = run_table(path, &rows);
	dup2(saved, 2);
	close(saved);
	close(devnull);
	unlink(path);
	assert_int_equal(bad, sizeof(bad_rows) / sizeof(bad_rows[0]) + 1);
	assert_int_equal(rows, 2);
}

/* --- nesting: bounded recursion whatever the expression ------------------------------------ */

/* An expression of `n` copies of `unit`, between `head` and `tail`. */
static char *repeat(const char *head, const char *unit, size_t n, const char *mid,
		    const char *unit2, size_t n2)
{
	size_t hl = strlen(head), ul = strlen(unit), ml = strlen(mid), u2 = strlen(unit2), i;
	char *s = malloc(hl + ul * n + ml + u2 * n2 + 1), *p = s;

	assert_non_null(s);
	memcpy(p, head, hl);
	p += hl;
	for (i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, mid, ml);
	p += ml;
	for (i = 0; i < n2; i++, p += u2)
		memcpy(p, unit2, u2);
	*p = '\0';
	return s;
}

/* Compile; then its match (0/1), or -1 and the error. */
static int outcome(const char *expr, struct filter_error *e)
{
	struct filter *f = filter__new(expr, e);
	int m;

	if (!f)
		return -1;
	m = filter__match(f, &ev);
	filter__free(f);
	return m;
}

/* cmocka's asserts cannot fail in another thread: the first failed check's line, or 0. */
#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: %s (%s)\n", __FILE__, __LINE__, #c, e.msg);        \
			return (void *)(intptr_t)__LINE__;                                         \
		}                                                                                  \
	} while (0)

static void *deep_cases(void *arg)
{
	struct filter_error e = {};
	char *s;

	/* 30000 '(': refused at the 101st, which the error points at */
	s = repeat("", "(", 30000, "proc.name=cat", ")", 30000);
	CHECK(outcome(s, &e) == -1);
	CHECK(strstr(e.msg, "nested too deeply: more than 100 levels"));
	CHECK(e.pos == FILTER_MAX_DEPTH);
	CHECK(e.len == 1);
	free(s);
	/* 50000 not */
	s = repeat("", "not ", 50000, "proc.name=cat", "", 0);
	CHECK(outcome(s, &e) == -1);
	CHECK(strstr(e.msg, "nested too deeply"));
	CHECK(e.pos == 4 * FILTER_MAX_DEPTH);
	CHECK(e.len == 3);
	free(s);
	/* at the limit: 100 levels compile and evaluate */
	s = repeat("", "(", FILTER_MAX_DEPTH, "proc.name=cat", ")", FILTER_MAX_DEPTH);
	CHECK(outcome(s, &e) == 1);
	free(s);
	s = repeat("", "not (", FILTER_MAX_DEPTH / 2, "proc.name=dog", ")", FILTER_MAX_DEPTH / 2);
	CHECK(outcome(s, &e) == 0);	/* 50 nots of a false check */
	free(s);
	s = repeat("", "not (", FILTER_MAX_DEPTH / 2 - 1, "proc.name=dog", ")",
		   FILTER_MAX_DEPTH / 2 - 1);
	CHECK(outcome(s, &e) == 1);	/* 49 */
	free(s);
	s = repeat("", "not ", FILTER_MAX_DEPTH + 1, "proc.name=cat", "", 0);
	CHECK(outcome(s, &e) == -1);
	free(s);
	/* 100000 terms of and / or: one level each, any length */
	s = repeat("", "proc.name=cat and ", 100000, "proc.pid=100", "", 0);
	CHECK(outcome(s, &e) == 1);
	free(s);
	s = repeat("", "proc.name=cat and ", 100000, "proc.pid=101", "", 0);
	CHECK(outcome(s, &e) == 0);
	free(s);
	s = repeat("", "evt.type=read or ", 100000, "proc.pid=100", "", 0);
	CHECK(outcome(s, &e) == 1);
	free(s);
	s = repeat("", "(evt.type=read or proc.pid=100) and ", 50000, "not evt.type=write", "", 0);
	CHECK(outcome(s, &e) == 1);
	free(s);
	s = repeat("", "(proc.pid=1 or (proc.pid=2 and not proc.pid=3)) or ", 30000, "proc.pid=100",
		   "", 0);
	CHECK(outcome(s, &e) == 1);
	free(s);
	/* a list of 100000 values */
	s = repeat("proc.pid in (", "7, ", 100000, "100)", "", 0);
	CHECK(outcome(s, &e) == 1);
	free(s);
	return NULL;
}

/*
 * In a thread with a 1 MiB stack: compiling, evaluating and freeing must stay within it
 * however long or deep the expression (a tree that recursed once per term or per parenthesis
 * needed megabytes for these).
 */
static void depth_limits(void **state)
{
	pthread_attr_t a;
	pthread_t t;
	void *failed_at;

	assert_int_equal(pthread_attr_init(&a), 0);
	assert_int_equal(pthread_attr_setstacksize(&a, 1 << 20), 0);
	assert_int_equal(pthread_create(&t, &a, deep_cases, NULL), 0);
	assert_int_equal(pthread_join(t, &failed_at), 0);
	assert_int_equal((intptr_t)failed_at, 0);
	pthread_attr_destroy(&a);
}

/* --- the error as the command line shows it ------------------------------------------------ */

static char logged[8][512];
static int nlogged;

static void keep_line(const char *line)
{
	if (nlogged < 8)
		snprintf(logged[nlogged++], sizeof(logged[0]), "%s", line);
}

static void shows(const char *expr, const char *l1, const char *l2, const char *l3)
{
	struct filter_error e;

	assert_null(filter__new(expr, &e));
	assert_int_equal(errno, EINVAL);
	nlogged = 0;
	log_set_hook(keep_line);
	filter_error__log(expr, &e);
	log_set_hook(NULL);
	assert_int_equal(nlogged, 3);
	assert_string_equal(logged[0], l1);
	assert_string_equal(logged[1], l2);
	assert_string_equal(logged[2], l3);
}

static void caret(void **state)
{
	char *s, *t;

	shows("proc.name=x and evt.type=getppidd",
	      "scry: filter: unknown evt.type 'getppidd': did you mean getppid?\n",
	      "scry:   proc.name=x and evt.type=getppidd\n",
	      "scry:                            ^~~~~~~~\n");
	shows("proc.nme=cat",
	      "scry: filter: unknown field 'proc.nme': did you mean proc.name? (scry -l lists the "
	      "fields)\n",
	      "scry:   proc.nme=cat\n",
	      "scry:   ^~~~~~~~\n");
	/* the end of the expression: after its last character, trailing space or not */
	shows("proc.name=", "scry: filter: expected a value after =, found the end of the "
	      "expression\n", "scry:   proc.name=\n", "scry:             ^\n");
	shows("proc.name= \n", "scry: filter: expected a value after =, found the end of the "
	      "expression\n", "scry:   proc.name=\n", "scry:             ^\n");
	/* columns of the escaped text: \x01 and \x1b take 4 each, é one, a backslash two */
	shows("proc.name='\x01\x1b\xc3\xa9\\' and proc.pid=x",
	      "scry: filter: proc.pid takes a decimal number (0 or more), not 'x'\n",
	      "scry:   proc.name='\\x01\\x1bé\\\\' and proc.pid=x\n",
	      "scry:                                        ^\n");
	/* an unterminated string: from its quote to the end */
	shows("proc.name = 'cat", "scry: filter: unterminated string: no closing '\n",
	      "scry:   proc.name = 'cat\n", "scry:               ^~~~\n");
	/* a long expression: a window around the token */
	t = repeat("", "proc.pid=1 or ", 20, "proc.pid contains 1 or ", "proc.pid=2 or ", 20);
	assert_true(asprintf(&s, "%sproc.pid=3", t) > 0);
	free(t);
	shows(s, "scry: filter: proc.pid is a number: contains does not apply (use =, !=, <, <=, "
	      ">, >=, in or exists)\n",
	      "scry:   ...or proc.pid=1 or proc.pid=1 or proc.pid contains 1 or proc.pid=2 or "
	      "proc.pid=2 or proc.p...\n",
	      "scry:                                              ^~~~~~~~\n");
	free(s);
	/* the one-line form, for the top's status line */
	{
		char err[256];

		assert_null(filter__compile("proc.name=x and evt.type=getppidd", err, sizeof(err)));
		assert_string_equal(err, "filter: unknown evt.type 'getppidd': did you mean getppid? "
				    "(at column 26)");
	}
}

/* Every name an event can show in evt.type is one a filter accepts. */
static void every_event_type(void **state)
{
	char expr[128], err[256];
	struct filter *f;
	const char *n;
	uint32_t i;
	int names = 0;

	for (i = SCRY_REC_FORK; i < SCRY_REC__MAX; i++) {
		if (!evt_table[i].name)
			continue;	/* a gap: another part's number, not in this tree */
		snprintf(expr, sizeof(expr), "evt.type=%s", evt_table[i].name);
		f = filter__compile(expr, err, sizeof(err));
		assert_non_null(f);
		filter__free(f);
	}
	for (i = 0; i < SCRY_NR_COMPAT_BASE + SCRY_NR_SYSCALLS; i++) {
		n = syscall_name(i);
		if (!n)
			continue;
		snprintf(expr, sizeof(expr), "evt.type in (%s, getpid)", n);
		f = filter__compile(expr, err, sizeof(err));
		if (!f)
			print_error("%s: %s\n", expr, err);
		assert_non_null(f);
		filter__free(f);
		names++;
	}
	assert_true(names > 300);
}

/* Every category, direction, fd type and runtime the getters return is in its field's set. */
static void closed_sets_hold_the_getters_values(void **state)
{
	static const uint16_t types[] = { SCRY_REC_SYS_ENTER, SCRY_REC_SYS_EXIT, SCRY_REC_FORK,
					  SCRY_REC_EXEC, SCRY_REC_EXIT, SCRY_REC_SWITCH,
					  SCRY_REC_CPUTICK, SCRY_REC_RENAME };
	const struct field_desc *cat = field_lookup("evt.category"), *dir = field_lookup("evt.dir");
	const struct field_desc *ct = field_lookup("container.type");
	char tmp[64], val[64];
	struct scry_container c = {};
	struct scry_event e = ev;
	struct field_val v;
	struct sbuf b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		e.type = types[i];
		e.dir = i % 2 ? '<' : '>';
		sbuf__init(&b, tmp, sizeof(tmp));
		assert_true(cat->get(&e, &v, &b));
		snprintf(val, sizeof(val), "%.*s", (int)v.len, v.str);
		assert_true(field_values__has(cat->values, val));
		assert_true(dir->get(&e, &v, &b));
		snprintf(val, sizeof(val), "%.*s", (int)v.len, v.str);
		assert_true(field_values__has(dir->values, val));
	}
	for (i = 1; i < 16; i++)
		if (*fd_kind_name(i))
			assert_true(field_values__has(field_lookup("fd.type")->values,
						      fd_kind_name(i)));
	for (i = 0; i < CTR_RUNTIME__MAX; i++) {
		c.runtime = i;
		e.container = i ? &c : NULL;
		sbuf__init(&b, tmp, sizeof(tmp));
		assert_true(ct->get(&e, &v, &b));
		snprintf(val, sizeof(val), "%.*s", (int)v.len, v.str);
		assert_true(field_values__has(ct->values, val));
	}
}

/* --- filters see whole values, as the outputs print them ----------------------------------- */

/* What the printer prints for -p FORMAT and this event. */
static char *printed(const char *format, const struct scry_event *e)
{
	struct printer_opts po = { .format = format };
	size_t cap = 64 << 20, n = 0;
	char *out = malloc(cap);
	ssize_t k;
	void *pr;

	assert_non_null(out);
	po.fd = memfd_create("printed", 0);
	assert_true(po.fd >= 0);
	pr = printer__new(&po);
	assert_non_null(pr);
	assert_int_equal(printer_ops.event(pr, e, true), 0);
	assert_int_equal(printer_ops.finish(pr), 0);
	printer_ops.free(pr);
	assert_int_equal(lseek(po.fd, 0, SEEK_SET), 0);
	while ((k = read(po.fd, out + n, cap - 1 - n)) > 0)
		n += k;
	out[n] = '\0';
	close(po.fd);
	return out;
}

static bool matches(const char *expr, const struct scry_event *e)
{
	struct filter_error err;
	struct filter *f = filter__new(expr, &err);
	bool m;

	if (!f)
		print_error("%s: %s\n", expr, err.msg);
	assert_non_null(f);
	m = filter__match(f, e);
	filter__free(f);
	return m;
}

/*
 * An exec with the longest exe and argv a record carries: evt.info is past 5 KB (a filter that
 * looked at 4 KB of it missed the end the printer shows); container labels of megabytes.
 */
static void long_values(void **state)
{
	static struct scry_rec_exec ex;
	struct containers_opts co = {};
	struct ctr_meta meta = {};
	struct scry_event e[2];
	struct proctab *pt = proctab__new(NULL);
	struct containers *cs = containers__new(&co, false);
	size_t i, size;
	char *out;

	assert_non_null(pt);
	assert_non_null(cs);
	memset(&ex, 0, sizeof(ex));
	ex.h.type = SCRY_REC_EXEC;
	ex.h.pid = ex.h.tid = ex.old_tid = 500;
	strcpy(ex.h.comm, "longargs");
	ex.exe_len = SCRY_EXE_MAX;
	memset(ex.data, 'e', ex.exe_len);
	ex.data[0] = '/';
	ex.args_len = SCRY_ARGS_MAX;
	for (i = 0; i < ex.args_len; i++)	/* "longargs aaaa aaaa ... evilmarker" */
		ex.data[ex.exe_len + i] = i % 5 == 4 ? '\0' : 'a';
	memcpy(ex.data + ex.exe_len, "longargs", 9);
	memcpy(ex.data + ex.exe_len + ex.args_len - 12, "\0evilmarker\0", 12);
	size = SCRY_EXEC_FIXED + ex.exe_len + ex.args_len;
	ex.h.size = size;
	assert_int_equal(decode__record(&ex, size, e), 1);
	proctab__apply(pt, &e[0]);
	assert_non_null(e[0].proc);

	out = printed("%evt.info", &e[0]);
	assert_true(strlen(out) > 5000);
	assert_non_null(strstr(out, "evilmarker"));
	free(out);
	assert_true(matches("evt.info contains evilmarker", &e[0]));
	assert_true(matches("evt.info endswith evilmarker", &e[0]));
	assert_true(matches("proc.cmdline contains evilmarker", &e[0]));
	assert_true(matches("proc.args endswith ' evilmarker'", &e[0]));
	assert_false(matches("evt.info contains evilmarkers", &e[0]));

	/* 3 MB of labels, the marker in the last one's value */
	meta.name = strdup("huge");
	meta.nlabels = 3000;
	meta.labels = calloc(meta.nlabels, sizeof(*meta.labels));
	assert_non_null(meta.labels);
	for (i = 0; i < meta.nlabels; i++) {
		meta.labels[i].key = malloc(24);
		snprintf(meta.labels[i].key, 24, "k%zu", i);
		meta.labels[i].val = malloc(1000);
		memset(meta.labels[i].val, 'v', 999);
		meta.labels[i].val[999] = '\0';
	}
	memcpy(meta.labels[meta.nlabels - 1].val + 999 - 10, "evilmarker", 10);
	e[0].container = containers__add(cs, 77, "0123456789abcdef0123456789abcdef0123456789abcdef"
					 "0123456789abcdef", CTR_DOCKER, &meta);
	assert_non_null(e[0].container);
	out = printed("%container.labels", &e[0]);
	assert_true(strlen(out) > 3000000);
	assert_non_null(strstr(out, "evilmarker"));
	free(out);
	assert_true(matches("container.labels contains evilmarker", &e[0]));
	assert_true(matches("container.labels endswith evilmarker", &e[0]));

	proctab__free(pt);
	containers__free(cs);
}

static void join_words(void **state)
{
	char *argv[] = { "proc.name=cat", "and", "evt.type=openat" };
	char *s = filter__join(3, argv);

	assert_string_equal(s, "proc.name=cat and evt.type=openat");
	free(s);
}

/* --- fields with an argument (issue 15) ---------------------------------------------------- */

static bool matchf(const struct scry_event *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool matchf(const struct scry_event *e, const char *fmt, ...)
{
	char expr[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(expr, sizeof(expr), fmt, ap);
	va_end(ap);
	return matches(expr, e);
}

/* evt.around[T]=D: |rawtime - T| <= D ms, on both sides, to the ns. */
static void around(void **state)
{
	struct scry_event e = ev;
	unsigned long long t;

	clock__set_wall_offset(1700000000000000000ULL);
	e.ts = 5000000000ULL;
	t = clock__wall(e.ts);
	assert_true(matchf(&e, "evt.around[%llu]=0", t));
	assert_false(matchf(&e, "evt.around[%llu]=0", t + 1));
	assert_true(matchf(&e, "evt.around[%llu]=1", t + 1000000));
	assert_false(matchf(&e, "evt.around[%llu]=1", t + 1000001));
	assert_true(matchf(&e, "evt.around[%llu]=1", t - 1000000));
	assert_false(matchf(&e, "evt.around[%llu]=1", t - 1000001));
	assert_true(matchf(&e, "evt.around[%llu]=1000", t - 999999999));
	assert_true(matchf(&e, "not evt.around[%llu]=1000", t + 1000000001));
	assert_true(matchf(&e, "evt.around[%llu]=1000 and proc.name=cat", t));
	clock__set_wall_offset(0);
}

static const char *shown(const char *field, const struct scry_event *e, struct sbuf_mem *m)
{
	const struct field_desc *f = field_resolve(field);
	static char out[256];
	struct field_val v;
	struct sbuf b;

	assert_non_null(f);
	sbuf__init_mem(&b, m);
	if (!field_get(f, e, &v, &b))
		return NULL;
	if (v.type == FT_STR)
		snprintf(out, sizeof(out), "%.*s", (int)v.len, v.str);
	else if (v.type == FT_U64)
		snprintf(out, sizeof(out), "%llu", (unsigned long long)v.u);
	else
		snprintf(out, sizeof(out), "%lld", (long long)v.s);
	return out;
}

/* sysdig's format_time, at each of its steps. */
static void latency_human(void **state)
{
	static const struct {
		uint64_t ns;
		const char *s;
	} rows[] = {
		{ 0, "0ns" }, { 999, "999ns" }, { 1000, "1.00us" }, { 1050, "1.05us" },
		{ 9999, "9.99us" }, { 10000, "10us" }, { 999999, "999us" }, { 1000000, "1.00ms" },
		{ 1504000, "1.50ms" }, { 10000000, "10ms" }, { 123456789, "123ms" },
		{ 1000000000, "1.00s" }, { 1250000000, "1.25s" }, { 3600000000000ULL, "3600.00s" },
	};
	struct sbuf_mem m = {};
	struct scry_event e = ev;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		e.latency = rows[i].ns;
		assert_string_equal(shown("evt.latency.human", &e, &m), rows[i].s);
	}
	e.latency = 2500000001ULL;
	assert_string_equal(shown("evt.latency.s", &e, &m), "2");
	assert_string_equal(shown("evt.latency.ns", &e, &m), "500000001");
	/* reltime and deltatime as the pipeline sets their origins */
	e.ts = 7000000123ULL;
	e.start_ts = 2000000000ULL;
	e.prev_ts = 6999999000ULL;
	assert_string_equal(shown("evt.reltime", &e, &m), "5000000123");
	assert_string_equal(shown("evt.reltime.s", &e, &m), "5");
	assert_string_equal(shown("evt.reltime.ns", &e, &m), "123");
	assert_string_equal(shown("evt.deltatime", &e, &m), "1123");
	assert_string_equal(shown("evt.deltatime.s", &e, &m), "0");
	assert_string_equal(shown("evt.deltatime.ns", &e, &m), "1123");
	sbuf_mem__free(&m);
}

static void *printer_for(const char *format)
{
	struct printer_opts o = { .format = format, .fd = -1 };

	return printer__new(&o);
}

/* -p: bound fields, filters-only ones refused, a '[' after a plain field stays text. */
static void templates(void **state)
{
	static const char *const good[] = {
		"%evt.arg[0] %evt.arg.fd %evt.rawarg.res", "%proc.name[%proc.pid]",
		"%evt.arg.path.", "[%evt.arg[1]]",
	};
	static const char *const bad[] = {
		"%evt.around[1]", "%evt.arg", "%evt.arg[x]", "%proc.name.x", "%evt.nosuch[1]",
	};
	char forms[160];
	size_t i;
	void *pr;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		pr = printer_for(good[i]);
		if (!pr)
			fail_msg("-p %s refused", good[i]);
		printer_ops.free(pr);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (printer_for(bad[i]))
			fail_msg("-p %s accepted", bad[i]);
	/* one interned copy per text, named by it */
	assert_ptr_equal(field_resolve("evt.arg[1]"), field_resolve("evt.arg[1]"));
	assert_ptr_not_equal(field_resolve("evt.arg[1]"), field_resolve("evt.arg[01]"));
	assert_string_equal(field_resolve("evt.arg.fd")->name, "evt.arg.fd");
	assert_string_equal(field_resolve("evt.arg.fd")->arg.key, "fd");
	assert_int_equal(field_resolve("evt.arg[7]")->arg.idx, 7);
	assert_null(field_resolve("evt.arg[7]")->arg.key);
	assert_ptr_equal(field_resolve("proc.name"), field_lookup("proc.name"));
	errno = 0;
	assert_null(field_resolve("evt.arg"));
	assert_int_equal(errno, EINVAL);
	assert_null(field_resolve("evt.nosuch"));
	assert_int_equal(errno, ENOENT);
	field_forms(field_lookup("evt.arg"), forms, sizeof(forms));
	assert_string_equal(forms, "evt.arg.NAME evt.arg[N]");
	field_forms(field_lookup("evt.around"), forms, sizeof(forms));
	assert_string_equal(forms, "evt.around[N]");
	field_forms(field_lookup("evt.abspath"), forms, sizeof(forms));
	assert_string_equal(forms, "evt.abspath.src evt.abspath");
	field_forms(field_lookup("proc.name"), forms, sizeof(forms));
	assert_string_equal(forms, "proc.name");
}

/*
 * FF_ANY, with a made-up multi-valued field (the real ones, proc.aname..., have their own
 * tests): bare in a filter, any of idx 1, 2, ... up to the first it lacks, 64 at most;
 * elsewhere (field_get) idx 1.
 */
static int64_t any_calls, any_len;

static bool get_any(const struct scry_event *e, const struct field_arg *a, struct field_val *v,
		    struct sbuf *b)
{
	static const char *const vals[] = { "a", "b", "c" };

	any_calls++;
	assert_true(a->idx >= 1 && a->idx <= 64 && !a->key);
	if (a->idx > any_len)
		return false;
	v->type = FT_STR;
	v->str = a->idx <= 3 ? vals[a->idx - 1] : "x";
	v->len = 1;
	return true;
}

static void any_of_the_values(void **state)
{
	struct field_desc f = { "test.any", FT_STR, FF_ANY, "", NULL, NULL, FA_INDEX | FA_BARE,
				get_any, { -1, NULL } };
	struct operand o = { .str = "b", .len = 1 };
	struct node n = { .kind = N_CHECK, .field = &f, .op = OP_EQ, .vals = &o, .nvals = 1 };
	struct sbuf_mem m = {};
	struct field_val v;
	struct sbuf b;

	any_len = 3;
	assert_true(node__eval(&n, &ev, &m));
	o.str = "d";
	assert_false(node__eval(&n, &ev, &m));
	assert_int_equal(any_calls, 2 + 4);	/* b found at 2; d: 1, 2, 3, and 4 lacks it */
	n.op = OP_NE;
	o.str = "a";
	assert_true(node__eval(&n, &ev, &m));	/* b is not a */
	any_len = 1;
	assert_false(node__eval(&n, &ev, &m));	/* a alone */
	n.op = OP_EXISTS;
	assert_true(node__eval(&n, &ev, &m));
	any_len = 0;
	assert_false(node__eval(&n, &ev, &m));
	/* never past 64 */
	any_len = 1000;
	any_calls = 0;
	n.op = OP_EQ;
	o.str = "y";
	assert_false(node__eval(&n, &ev, &m));
	assert_int_equal(any_calls, FIELD_ANY_MAX);
	/* -p, -j, views: the first value */
	any_len = 3;
	sbuf__init_mem(&b, &m);
	assert_true(field_get(&f, &ev, &v, &b));
	assert_true(v.len == 1 && v.str[0] == 'a');
	/* a bound index is that value, not any */
	f.arg.idx = 3;
	o.str = "c";
	assert_true(node__eval(&n, &ev, &m));
	o.str = "a";
	assert_false(node__eval(&n, &ev, &m));
	sbuf_mem__free(&m);
}

/* filter__uses names a field with an argument by its stem, in every form. */
static void uses_by_stem(void **state)
{
	static const char *const arg[] = { "evt.arg", NULL };
	static const char *const rawarg[] = { "evt.rawarg", NULL };
	static const struct {
		const char *expr;
		const char *const *fields;
		bool uses;
	} rows[] = {
		{ "evt.arg.fd=3", arg, true }, { "evt.arg[1]=3", arg, true },
		{ "proc.name=x or not evt.arg.path exists", arg, true },
		{ "evt.args contains x", arg, false }, { "evt.rawarg.fd=3", arg, false },
		{ "evt.rawarg.fd=3", rawarg, true }, { "proc.name=x", arg, false },
	};
	struct filter_error err;
	struct filter *f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		f = filter__new(rows[i].expr, &err);
		assert_non_null(f);
		if (filter__uses(f, rows[i].fields) != rows[i].uses)
			fail_msg("%s: uses %s should be %d", rows[i].expr, rows[i].fields[0],
				 rows[i].uses);
		filter__free(f);
	}
}

/*
 * The copies are bounded: past FIELD_BOUND_MAX distinct texts, NULL and a message that says
 * so, in a filter too; the ones made stay usable. Last, as it fills the process-wide table.
 */
static void bound_fields_are_bounded(void **state)
{
	const struct field_desc *first = field_resolve("evt.around[0]"), *f;
	struct filter_error err;
	char name[64], msg[256];
	int i;

	assert_non_null(first);
	for (i = 1; i <= FIELD_BOUND_MAX; i++) {
		snprintf(name, sizeof(name), "evt.around[%d]", i);
		f = field_resolve_msg(name, msg, sizeof(msg));
		if (!f)
			break;
	}
	assert_true(i <= FIELD_BOUND_MAX);
	assert_int_equal(errno, ENOSPC);
	assert_non_null(strstr(msg, "too many distinct fields with an argument"));
	assert_null(filter__new("evt.rawarg[33]=1", &err));
	assert_non_null(strstr(err.msg, "too many distinct fields"));
	assert_ptr_equal(field_resolve("evt.around[0]"), first);
	assert_true(matches("evt.around[0]=1 or proc.name=cat", &ev));
	/* plain fields are not copies: they still resolve */
	assert_non_null(field_resolve("proc.name"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(malformed_rows_fail),
		cmocka_unit_test(depth_limits),
		cmocka_unit_test(caret),
		cmocka_unit_test(every_event_type),
		cmocka_unit_test(closed_sets_hold_the_getters_values),
		cmocka_unit_test(long_values),
		cmocka_unit_test(join_words),
		cmocka_unit_test(around),
		cmocka_unit_test(latency_human),
		cmocka_unit_test(templates),
		cmocka_unit_test(uses_by_stem),
		cmocka_unit_test(any_of_the_values),
		cmocka_unit_test(bound_fields_are_bounded),	/* last: it fills the table */
	};

	return cmocka_run_group_tests_name("filter", tests, setup, NULL);
}
