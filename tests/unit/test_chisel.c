// SPDX-License-Identifier: GPL-2.0
/*
 * Chisels on the command line: which words are a chisel's arguments (positional, sysdig's one
 * word, the quoted -c 'NAME ARGS'), the filter and snaplen they make, the usage errors; and the
 * table itself: every row's filter compiles with its arguments, every column's field exists.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scry/chisel.h"
#include "scry/cli.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/util.h"
#include "scry/view.h"

/* What the code said: the lines, counted, and the last one. */
static int nlines;
static char last_line[512];

static void on_log(const char *line)
{
	nlines++;
	snprintf(last_line, sizeof(last_line), "%.*s", (int)strcspn(line, "\n"), line);
}

/* Parse and bind a command line (words separated by '|'): the status of both. */
static int run_cli(struct scry_opts *o, const char *line)
{
	static char buf[1024];
	char *argv[32], *save, *w;
	int argc = 0, err;

	snprintf(buf, sizeof(buf), "scry|%s", line);
	for (w = strtok_r(buf, "|", &save); w && argc < 31; w = strtok_r(NULL, "|", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	err = cli__parse(argc, argv, o);
	return err ? err : cli__bind_chisel(o);
}

static bool compiles(const char *text)
{
	struct filter_error e;
	struct filter *f = filter__new(text, &e);

	filter__free(f);
	return f != NULL;
}

static void positional(void **state)
{
	struct scry_opts o;

	assert_int_equal(run_cli(&o, "-c|fileslower|100|proc.name=cat"), 0);
	assert_string_equal(o.view, "fileslower");
	assert_ptr_equal(o.chisel, chisel_lookup("fileslower"));
	assert_string_equal(o.chisel_args[0], "100");
	assert_null(o.chisel_args[1]);
	/* ms scaled to the ns of evt.latency; the user's filter last, on its own */
	assert_non_null(strstr(o.filter, "evt.latency > 100000000)"));
	assert_non_null(strstr(o.filter, ") and (proc.name=cat)"));
	assert_true(compiles(o.filter));
	assert_int_equal(o.snaplen, 0);		/* fileslower shows no data */
	cli__free(&o);
	/* options after the arguments, and a fraction of a millisecond */
	assert_int_equal(run_cli(&o, "-c|scallslower|0.5|-n|3|proc.pid=1"), 0);
	assert_int_equal(o.max_events, 3);
	assert_non_null(strstr(o.filter, "evt.latency > 500000)"));
	cli__free(&o);
}

static void one_word_forms(void **state)
{
	struct scry_opts o;

	/* sysdig's -c 'NAME ARGS' */
	assert_int_equal(run_cli(&o, "-c|fileslower 100|proc.name=cat"), 0);
	assert_string_equal(o.view, "fileslower");
	assert_string_equal(o.chisel_args[0], "100");
	assert_non_null(strstr(o.filter, "(proc.name=cat)"));
	cli__free(&o);
	/* sysdig's -c NAME 'ARG ARG' */
	assert_int_equal(run_cli(&o, "-c|netlower|100 disable_colors"), 0);
	assert_string_equal(o.chisel_args[0], "100");
	assert_string_equal(o.chisel_args[1], "disable_colors");
	assert_null(strstr(o.filter, "disable"));
	cli__free(&o);
	assert_int_equal(run_cli(&o, "-c|spy_port 8080 disable_colors"), 0);
	assert_string_equal(o.chisel_args[0], "8080");
	assert_non_null(strstr(o.filter, "fd.lport=8080 or fd.rport=8080"));
	assert_int_equal(o.snaplen, 1000);	/* its own, as sysdig's set_snaplen */
	cli__free(&o);
	/* a quoted filter after a chisel without required arguments stays the filter */
	assert_int_equal(run_cli(&o, "-c|stderr|proc.name=a or proc.name=b"), 0);
	assert_null(o.chisel_args[0]);
	assert_non_null(strstr(o.filter, "and (proc.name=a or proc.name=b)"));
	cli__free(&o);
}

static void optional(void **state)
{
	struct scry_opts o;

	assert_int_equal(run_cli(&o, "-c|spy_file|W|/tmp/x|proc.name=cat"), 0);
	assert_string_equal(o.chisel_args[0], "W");
	assert_string_equal(o.chisel_args[1], "/tmp/x");
	assert_non_null(strstr(o.filter, "(fd.name=\"/tmp/x\")"));
	assert_null(strstr(o.filter, "/dev/pt"));
	/* writes only: $IO_WRITE has write, not read */
	assert_non_null(strstr(o.filter, "evt.type in (write,"));
	assert_null(strstr(o.filter, "(read"));
	assert_non_null(strstr(o.filter, "(proc.name=cat)"));
	assert_int_equal(o.snaplen, 2000);
	cli__free(&o);
	/* none: the default RW, every file but terminals; the words make a filter */
	assert_int_equal(run_cli(&o, "-c|spy_file|fd.name|contains|x"), 0);
	assert_string_equal(o.chisel_args[0], "RW");
	assert_null(o.chisel_args[1]);
	assert_non_null(strstr(o.filter, "not fd.name contains /dev/pt"));
	assert_non_null(strstr(o.filter, "evt.type in (read, write,"));
	assert_non_null(strstr(o.filter, "and (fd.name contains x)"));
	cli__free(&o);
	/* a word that is not a choice of the first skips it: the file's name */
	assert_int_equal(run_cli(&o, "-c|spy_file|/var/log/x.log"), 0);
	assert_string_equal(o.chisel_args[0], "RW");
	assert_string_equal(o.chisel_args[1], "/var/log/x.log");
	cli__free(&o);
	/* a choice in any case; -s given wins over the chisel's snaplen */
	assert_int_equal(run_cli(&o, "-s|100|-c|spy_file|r"), 0);
	assert_string_equal(o.chisel_args[0], "r");
	assert_int_equal(o.snaplen, 100);
	assert_non_null(strstr(o.filter, "evt.type in (read,"));
	cli__free(&o);
	/* a number fits spy_users' max_depth; a filter word does not */
	assert_int_equal(run_cli(&o, "-c|spy_users|2|container.name=web"), 0);
	assert_string_equal(o.chisel_args[0], "2");
	assert_non_null(strstr(o.filter, "(container.name=web)"));
	cli__free(&o);
	assert_int_equal(run_cli(&o, "-c|spy_users|container.name=web"), 0);
	assert_null(o.chisel_args[0]);
	cli__free(&o);
	/* a word that is a later argument's choice skips a free string before it */
	assert_int_equal(run_cli(&o, "-c|spy_logs|disable_colors|proc.name=x"), 0);
	assert_null(o.chisel_args[0]);
	assert_string_equal(o.chisel_args[2], "disable_colors");
	cli__free(&o);
	/* quotes in a value: the other kind around it */
	assert_int_equal(run_cli(&o, "-c|spy_file|RW|/tmp/a\"b"), 0);
	assert_non_null(strstr(o.filter, "fd.name='/tmp/a\"b'"));
	assert_true(compiles(o.filter));
	cli__free(&o);
}

static void views(void **state)
{
	struct scry_opts o;

	/* the views' field, as before */
	assert_int_equal(run_cli(&o, "-c|fdbytes_by|fd.directory|proc.pid=42"), 0);
	assert_string_equal(o.view, "fdbytes_by");
	assert_string_equal(o.view_arg, "fd.directory");
	assert_string_equal(o.filter, "proc.pid=42");
	cli__free(&o);
	/* the field is the view's to judge (check_usage, t_fileviews): any text is bound */
	assert_int_equal(run_cli(&o, "-c|fdbytes_by|fd.nosuch"), 0);
	assert_string_equal(o.view_arg, "fd.nosuch");
	cli__free(&o);
	assert_int_equal(run_cli(&o, "-c|fdtime_by fd.name"), 0);
	assert_string_equal(o.view, "fdtime_by");
	assert_string_equal(o.view_arg, "fd.name");
	assert_null(o.filter);
	cli__free(&o);
	/* a view without arguments takes none: the word is the filter */
	assert_int_equal(run_cli(&o, "-c|topprocs_cpu|proc.name=x"), 0);
	assert_null(o.chisel);
	assert_string_equal(o.filter, "proc.name=x");
	assert_int_equal(o.snaplen, SCRY_SNAPLEN_DEFAULT);
	cli__free(&o);
}

static void errors(void **state)
{
	static const char *const bad[] = {
		"-c|fileslower",			/* missing */
		"-c|fileslower|abc",			/* not a number */
		"-c|fileslower|-5",
		"-c|spy_port|70000",			/* past the largest port */
		"-c|spy_ip|300.1.1.1",
		"-c|spy_ip",
		"-c|fileslower 1 disable_colors extra",	/* one too many */
		"-c|netlower|1 nocolour",		/* not a choice */
		"-c|fdbytes_by",
		"-c|spy_file|RW|a\"b'c",		/* both quotes */
		"-c|spy_logs|out.scap",			/* sysdig's, not scry's */
		"-c|spy_syslog out.scap 500",
	};
	struct scry_opts o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *name = bad[i] + 3;	/* after "-c|" */
		char want[64];
		int rc;

		snprintf(want, sizeof(want), "%.*s", (int)strcspn(name, "| "), name);
		nlines = 0;
		rc = run_cli(&o, bad[i]);
		/* one line, naming the chisel */
		if (rc != SCRY_EXIT_USAGE || nlines != 1 || !strstr(last_line, want))
			fail_msg("%s: %d, %d lines, %s", bad[i], rc, nlines, last_line);
		cli__free(&o);
	}
	nlines = 0;
	assert_int_equal(run_cli(&o, "-c|fileslower|x1"), SCRY_EXIT_USAGE);
	assert_string_equal(last_line, "scry: fileslower: expected a number >= 0 for 'x1'; "
			    "usage: scry -c fileslower min_ms [disable_color] [FILTER] "
			    "(scry -L fileslower)");
	cli__free(&o);
}

/* Each row: arguments that fit, a filter that compiles, columns that exist, a kind's parts. */
static void table_rows(void **state)
{
	size_t i, j, k;

	for (i = 0; i < chisel_count; i++) {
		const struct chisel *ch = &chisel_table[i];
		const char *words[CHISEL_MAX_ARGS];
		struct chisel_ctx c = { };
		const struct chisel_col *col;
		char buf[256], *filter;
		int n = 0;

		for (j = 0; j < i; j++)
			if (!strcmp(chisel_table[j].name, ch->name))
				fail_msg("%s twice", ch->name);
		assert_non_null(chisel_lookup(ch->name));
		if (ch->kind != CHISEL_VIEW && (view_lookup(ch->name) ||
						stream_view_lookup(ch->name)))
			fail_msg("%s: a view has the name", ch->name);
		for (j = 0; j < chisel_nargs(ch); j++) {
			const struct chisel_arg *a = &ch->args[j];

			assert_non_null(a->desc);
			if (a->unsupported)
				continue;
			words[n++] = a->type == CA_NUMBER ? "1" : a->type == CA_IP ? "127.0.0.1" :
				     a->type == CA_FIELD ? "fd.name" :
				     a->type == CA_FILTER ? "evt.failed=0" :
				     a->choices ? a->choices[0] : "x";
		}
		if (chisel_bind(ch, words, n, "proc.pid=1", buf, sizeof(buf), &c, &filter))
			fail_msg("%s: its arguments refused", ch->name);
		if (!compiles(filter))
			fail_msg("%s: %s", ch->name, filter);
		free(filter);
		switch (ch->kind) {
		case CHISEL_VIEW:
			assert_non_null(view_lookup(ch->view));
			assert_true(!chisel_nargs(ch) || (view_lookup(ch->view)->flags &
							  VF_FIELD_ARG));
			break;
		case CHISEL_STREAM:
			assert_non_null(ch->desc);
			assert_non_null(ch->cols);
			for (col = ch->cols, k = 0; col->field || col->conv != CC_FIELD; col++, k++)
				if (col->field && !field_lookup(col->field))
					fail_msg("%s: %s", ch->name, col->field);
			assert_true(k > 0);
			break;
		case CHISEL_SINK:
			assert_non_null(ch->desc);
			assert_non_null(ch->sink);
			assert_non_null(ch->sink->new);
			break;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(positional),
		cmocka_unit_test(one_word_forms),
		cmocka_unit_test(optional),
		cmocka_unit_test(views),
		cmocka_unit_test(errors),
		cmocka_unit_test(table_rows),
	};

	log_set_hook(on_log);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
