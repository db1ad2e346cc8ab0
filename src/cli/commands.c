// SPDX-License-Identifier: GPL-2.0
/*
 * The commands, as a table (bpftool's cmds[] and do_*): the options choose one (cli__parse sets
 * o->command), and each builds its run with run.h, so every run is set up and torn down alike.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "scry/chisel.h"
#include "scry/cli.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/util.h"
#include "scry/view.h"
#include "run.h"

/* One line of -L: the name and its arguments, then the description. */
static void list_line(const char *name, const char *args, const char *desc)
{
	char nm[200];

	snprintf(nm, sizeof(nm), "%s%s", name, args);
	printf("%-24s %s\n", nm, desc);
}

/* -L: one line per chisel (views too), with its arguments; -L NAME: its columns and keys, or a
 * stream chisel's arguments and events. */
static int do_views(struct scry_opts *o)
{
	const struct chisel *ch;
	const struct view_desc *v;
	const struct key_col *c;
	const uint8_t *f;
	size_t i;

	if (!o->filter) {
		char u[160];

		for (i = 0; i < view_count; i++) {
			chisel_usage(chisel_lookup(view_table[i].name), u, sizeof(u));
			list_line(view_table[i].name, u, view_table[i].desc);
		}
		for (i = 0; i < stream_view_count; i++)
			list_line(stream_views[i].name, "", stream_views[i].desc);
		for (i = 0; i < chisel_count; i++) {
			const struct chisel *vc = &chisel_table[i];

			/* A view chisel of the view's own name was listed with it; sysdig's name
			 * for a view (topcontainers_error) is a line of its own. */
			if (vc->kind == CHISEL_VIEW && view_lookup(vc->name))
				continue;
			chisel_usage(vc, u, sizeof(u));
			list_line(vc->name, u, vc->kind == CHISEL_VIEW ? view_lookup(vc->view)->desc :
				  vc->desc);
		}
		return 0;
	}
	ch = chisel_lookup(o->filter);
	if (ch && ch->kind != CHISEL_VIEW) {
		chisel_help(ch);
		return 0;
	}
	if (stream_view_lookup(o->filter)) {
		printf("%s: %s\n\nusage: scry -c %s [-s SNAPLEN] [FILTER]\n", o->filter,
		       stream_view_lookup(o->filter)->desc, o->filter);
		return 0;
	}
	v = view_lookup(ch && ch->kind == CHISEL_VIEW ? ch->view : o->filter);
	if (!v) {
		log_err("unknown view '%s'; scry -L lists the views", o->filter);
		return SCRY_EXIT_USAGE;
	}
	printf("%s: %s\n\nusage: scry -c %s%s [--interval SECS] [--top N] [-j] [FILTER]\n\n"
	       "figures (JSON key, column, meaning); sorted by %s:\n", v->name, v->desc, v->name,
	       v->flags & VF_FIELD_ARG ? " FIELD" : "",
	       v->sort < FIG__MAX ? figure_table[v->sort].key : "none (as found)");
	for (f = v->figures; *f != FIG__MAX; f++)
		printf("  %-18s %-12s %s\n", figure_table[*f].key, figure_table[*f].header,
		       figure_table[*f].desc);
	printf("\nkeys:");
	for (c = view_key_cols(v, COLS_JSON); c->field; c++)
		printf("%s %s", c == view_key_cols(v, COLS_JSON) ? "" : ",", c->field);
	if (v->flags & VF_FIELD_ARG)
		printf(" FIELD (any field of scry -l, e.g. fd.directory: the JSON key is its name)");
	printf("\n");
	if (v->key == KEY_FIELD && (v->counts & (VC_IO | VC_ERRORS)))
		printf("counts: %s%s%s\n",
		       v->counts & VC_IO ? "read/write-family calls (read, write, pread64, readv, "
					   "sendfile, splice...; sendfile's bytes to its out fd, "
					   "splice's to its in fd)" : "",
		       v->counts == (VC_IO | VC_ERRORS) ? " and " : "",
		       v->counts & VC_ERRORS ? "failed calls" : "");
	if (v->counts & VC_FDS)
		printf("counts: syscall exits with an fd above 0 that has a name (fd.num, fd.name)\n");
	if (v->where)
		printf("of events where: %s\n", v->where);
	if (v->flags & VF_LIST)
		printf("JSON: one array of rows: [{keys and figures}]\n");
	else
		printf("JSON: one document per table: {\"view\", \"start\", \"end\", \"start_ns\", "
		       "\"end_ns\", \"seconds\", \"totals\": {figures}, \"rows\": [{keys and figures}]}\n");
	if (ch)
		chisel_help_args(ch);
	return 0;
}

static int do_fields(struct scry_opts *o)
{
	size_t i;

	for (i = 0; i < field_count; i++) {
		const struct field_desc *f = &field_table[i];
		char forms[160], *form, *save;

		/* a field with an argument: a line per form (evt.arg.NAME, evt.arg[N]) */
		field_forms(f, forms, sizeof(forms));
		for (form = strtok_r(forms, " ", &save); form; form = strtok_r(NULL, " ", &save))
			printf("%-22s %-4s %s\n", form,
			       f->type == FT_STR ? "str" : f->type == FT_S64 ? "int" : "uint",
			       f->desc);
	}
	return 0;
}

/*
 * Usage errors, found before anything runs whichever command follows (scry top included): the
 * filter, the view's name, the -p template. Each is SCRY_EXIT_USAGE with its message.
 */
static int check_usage(const struct scry_opts *o)
{
	struct printer_opts po = { .format = o->format, .fd = -1 };
	const struct view_desc *v = NULL;
	char msg[256];
	struct filter *f;
	void *pr;
	int err;

	err = run__compile_filter(o->filter, &f);
	filter__free(f);
	if (err)
		return err;
	if (o->view && strcmp(o->view, "lscontainers") && !(v = view_lookup(o->view)) &&
	    !stream_view_lookup(o->view) && !o->chisel) {
		log_err("unknown view '%s'; scry -L lists the views", o->view);
		return SCRY_EXIT_USAGE;
	}
	if (v && (v->flags & VF_FIELD_ARG) && !o->view_arg) {
		log_err("%s groups by a field: scry -c %s FIELD [FILTER], e.g. -c %s fd.directory",
			v->name, v->name, v->name);
		return SCRY_EXIT_USAGE;
	}
	if (v && (v->flags & VF_FIELD_ARG) && !field_resolve_msg(o->view_arg, msg, sizeof(msg))) {
		if (errno == ENOMEM)
			return -ENOMEM;
		if (*msg)
			log_err("%s: %s", v->name, msg);
		else
			log_err("unknown field '%s' for %s; scry -l lists the fields", o->view_arg,
				v->name);
		return SCRY_EXIT_USAGE;
	}
	if (v && (v->flags & VF_FIELD_ARG) &&
	    (field_resolve(o->view_arg)->flags & FF_FILTER_ONLY)) {
		log_err("%s: %s is for filters only", v->name, o->view_arg);
		return SCRY_EXIT_USAGE;
	}
	if (!o->format)
		return 0;
	/* The printer's own parser judges the template, so this check and the run agree. */
	errno = 0;
	pr = printer__new(&po);
	if (!pr)
		return errno == ENOMEM ? -ENOMEM : SCRY_EXIT_USAGE;
	printer_ops.free(pr);
	return 0;
}

/* A stream chisel's columns, or a chisel's own sink. */
static int add_chisel(struct run *r)
{
	const struct scry_opts *o = r->o;
	const struct chisel *ch = o->chisel;
	struct chisel_ctx c = {
		.ch = ch, .json = o->json, .containers = o->containers, .interval = o->interval,
		.top = o->top, .data_fmt = o->data_fmt, .format = o->format, .fd = STDOUT_FILENO,
		.filter = pipeline__filter(r->pl), .live = r->source == RUN_LIVE,
	};
	const struct sink_ops *ops;
	void *ctx;
	size_t i;

	if ((ch->flags & CF_LIVE_ONLY) && !c.live) {
		log_err("%s runs live only, not on a capture", ch->name);
		return SCRY_EXIT_USAGE;
	}
	for (i = 0; i < CHISEL_MAX_ARGS; i++)
		c.args[i] = o->chisel_args[i];
	ops = ch->kind == CHISEL_SINK ? ch->sink->ops : &chisel_stream_ops;
	errno = 0;
	ctx = ch->kind == CHISEL_SINK ? ch->sink->new(&c, run__ctx(r)) :
					 chisel_stream__new(&c, run__ctx(r));
	if (!ctx)	/* said */
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	return run__add_sink(r, ops, ctx);
}

int run__add_output(struct run *r)
{
	const struct scry_opts *o = r->o;
	struct printer_opts po = {
		.json = o->json, .containers = o->containers, .format = o->format,
		.data_fmt = o->data_fmt, .fd = STDOUT_FILENO,
	};
	/* a stream chisel's events in -j's or -p's form instead: the printer's */
	bool stream = o->chisel && o->chisel->kind != CHISEL_VIEW;
	const char *view = stream ? NULL : o->view;
	void *pr;

	/* a chisel with its own output does -j and -p itself */
	if (stream && ((o->chisel->flags & CF_OWN_OUTPUT) || (!o->json && !o->format)))
		return add_chisel(r);
	if (view && !strcmp(view, "lscontainers")) {
		pipeline__set_fds(r->pl, false);
		return run__add_sink(r, &lscontainers_ops,
				     lscontainers__new(run__ctx(r), o->json, STDOUT_FILENO));
	}
	if (view && stream_view_lookup(view)) {
		po.view = stream_view_lookup(view);
	} else if (view) {
		struct view_sink_opts vo = {
			.view = view_lookup(view), .interval = o->interval, .top = o->top,
			.json = o->json, .fd = STDOUT_FILENO, .filter = pipeline__filter(r->pl),
			.field = o->view_arg, .value = o->view_value, .key_header = o->view_key_header,
		};

		if (!vo.view) {
			log_err("unknown view '%s'; scry -L lists the views", view);
			return -EINVAL;
		}
		/* A list (netstat) is what is there at the end: once. */
		if (vo.view->flags & VF_LIST)
			vo.interval = 0;
		/* fd tables cost an allocation per open: kept only for a view that reads them */
		pipeline__set_fds(r->pl, view_needs_fds(vo.view, vo.filter));
		return run__add_sink(r, &view_sink_ops, view_sink__new(&vo, run__ctx(r)));
	}
	pr = printer__new(&po);
	if (!pr)
		return -EINVAL;
	return run__add_sink(r, &printer_ops, pr);
}

/*
 * A view traces only what it shows: no syscalls for CPU views, only their exits (one tracepoint
 * instead of two, no clock read at enter) for views without latency, unless the filter asks
 * about enters. The event stream gets everything.
 */
static enum syscall_mode syscall_mode(const struct view_desc *v, bool ls, const struct filter *f)
{
	if (ls || (v && !(v->needs & NEED_SYSCALLS)))
		return SYSCALLS_OFF;
	return view_needs_enters(v, f) ? SYSCALLS_ALL : SYSCALLS_EXITS;
}

/* The event stream, or a -c view: live. */
/* The fields of the scheduler's accounting (switch and cputick events). */
static const char *const acct_fields[] = {
	"evt.wait_ns", "evt.offcpu_ns", "evt.offcpu_reason", "evt.min_flt", "evt.maj_flt", NULL
};

static int do_stream(struct scry_opts *o)
{
	const struct view_desc *v = o->view ? view_lookup(o->view) : NULL;
	const struct stream_view *sv = o->view ? stream_view_lookup(o->view) : NULL;
	bool ls = o->view && !strcmp(o->view, "lscontainers");
	struct scry_opts opts = *o;
	struct run r;
	int err;

	/*
	 * lscontainers and netstat are a short look (one second unless -M or -n say otherwise),
	 * then a list.
	 */
	if ((ls || (v && (v->flags & VF_LIST)) ||
	     (o->chisel && (o->chisel->flags & CF_SNAPSHOT))) && !opts.max_secs && !opts.max_events)
		opts.max_secs = 1;
	err = run__init(&r, &opts, RUN_LIVE);
	if (!err)
		err = run__add_output(&r);
	/* a chisel that shows what its filter does not match: nothing left out in the kernel */
	if (o->chisel && (o->chisel->flags & CF_ALL_EVENTS))
		r.no_pushdown = true;
	/* The stream too: a connection's close says what it moved. */
	r.net_io = !v || (v->needs & NEED_NET);
	r.block = view_needs_block(v, pipeline__filter(r.pl));
	/* A block I/O view charges no CPU time: no scheduler programs (most of the cost). */
	if (v && v->needs == NEED_BLOCK)
		r.no_cpu = true;
	/*
	 * A view without wait, off-CPU or fault figures (nor a filter on them) spares every switch
	 * a task storage lookup.
	 */
	r.no_acct = v && !(v->needs & NEED_ACCT) &&
		    !filter__uses(pipeline__filter(r.pl), acct_fields);
	/* The data costs a copy per read and write: only for the outputs that show it. */
	r.snaplen = (!o->view || (sv && sv->needs_data) ||
		     (o->chisel && o->chisel->kind != CHISEL_VIEW)) ? o->snaplen : 0;
	/*
	 * Totals per process or container: summed in the kernel, no record per call. Then, with
	 * no CPU shown, the scheduler programs (half of such a view's cost per message) stay off:
	 * only the sums' rare overflow records are left to send, and they go out at once.
	 */
	if (!err && r.net_io && view_net_sums(v, pipeline__filter(r.pl))) {
		r.net_count = true;
		r.no_cpu = !(v->needs & NEED_SCHED);
	}
	/* a chisel of latencies needs the enters whatever its filter says */
	if (!err)
		err = run__go(&r, o->chisel && (o->chisel->flags & CF_ENTERS) ? SYSCALLS_ALL :
				  syscall_mode(v, ls, pipeline__filter(r.pl)));
	run__fini(&r);
	return err;
}

/* Options checked first (check_usage): every command that runs something. */
#define CMD_RUNS 1

/* In the order cli__parse picks them; a command with a word is typed as one (scry top). */
static const struct cmd {
	const char *name;
	int (*fn)(struct scry_opts *o);
	int flags;
	const char *word_help;	/* for --help: a command typed as a word */
} cmds[] = {
	{ "fields", do_fields, 0, NULL },		/* -l */
	{ "views", do_views, 0, NULL },			/* -L */
	{ "top", cmd_top, CMD_RUNS, "interactive top of containers, processes, connections" },
	{ "read", cmd_read, CMD_RUNS, NULL },		/* -r FILE..., with or without -w */
	{ "write", cmd_write, CMD_RUNS, NULL },		/* -w FILE */
	{ "stream", do_stream, CMD_RUNS, NULL },	/* the default; -c VIEW */
	/* issue 16 */
	{ "serve", cmd_serve, CMD_RUNS, "Prometheus metrics per container over HTTP" },
};

bool cli__is_command(const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].word_help && !strcmp(cmds[i].name, word))
			return true;
	return false;
}

void cli__usage_commands(FILE *f)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].word_help)
			fprintf(f, "       scry %s [OPTIONS] [FILTER]%*s%s\n", cmds[i].name,
				(int)(6 - strlen(cmds[i].name)), "", cmds[i].word_help);
}

/*
 * -c NAME of the chisel table: its arguments checked and bound, its filter put before the
 * user's, its snaplen taken unless -s was given; a view chisel becomes its view and field.
 */
int cli__bind_chisel(struct scry_opts *o)
{
	const struct chisel *ch = o->view ? chisel_lookup(o->view) : NULL;
	struct chisel_ctx c = { };
	char *filter;
	size_t i;
	int err;

	if (!ch)
		return 0;
	err = chisel_bind(ch, o->chisel_words, o->nchisel_words, o->filter, o->chisel_buf,
			  sizeof(o->chisel_buf), &c, &filter);
	if (err)
		return err;
	free(o->filter);
	o->filter = filter && filter[0] ? filter : (free(filter), NULL);
	for (i = 0; i < CHISEL_MAX_ARGS; i++)
		o->chisel_args[i] = c.args[i];
	o->chisel = ch;
	if (ch->kind == CHISEL_VIEW) {
		o->view = ch->view;
		o->view_arg = c.args[0];
		/* table_generator's: keys, keydescs, value, ..., top_number */
		o->view_value = chisel_arg(&c, "value");
		o->view_key_header = chisel_arg(&c, "keydescs");
		/* sysdig's 0: every row */
		if (chisel_arg(&c, "top_number"))
			o->top = (unsigned int)strtod(chisel_arg(&c, "top_number"), NULL) ?: UINT_MAX;
	} else if (!o->snaplen_set) {
		o->snaplen = ch->snaplen;
	}
	return 0;
}

int cmd_run(struct scry_opts *o)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (strcmp(cmds[i].name, o->command))
			continue;
		if ((cmds[i].flags & CMD_RUNS) &&
		    ((err = cli__bind_chisel(o)) || (err = check_usage(o))))
			return err;
		return cmds[i].fn(o);
	}
	log_err("unknown command '%s'", o->command);
	return SCRY_EXIT_USAGE;
}
