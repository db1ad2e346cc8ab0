// SPDX-License-Identifier: GPL-2.0
/* What to run for the parsed options. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "scry/cli.h"
#include "scry/container.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"
#include "scry/view.h"

/* -L: one line per view; -L VIEW: its columns and JSON keys. */
static int list_views(const struct scry_opts *o)
{
	const struct view_desc *v;
	const uint8_t *f;
	size_t i;

	if (!o->filter) {
		for (i = 0; i < view_count; i++)
			printf("%-24s %s\n", view_table[i].name, view_table[i].desc);
		printf("%-24s %s\n", "lscontainers", "containers running and seen: id, name, image, "
		       "processes, since");
		return 0;
	}
	v = view_lookup(o->filter);
	if (!v) {
		log_err("unknown view '%s'; scry -L lists the views", o->filter);
		return SCRY_EXIT_USAGE;
	}
	printf("%s: %s\n\nusage: scry -c %s [--interval SECS] [--top N] [-j] [FILTER]\n\n"
	       "figures (JSON key, column, meaning); sorted by %s:\n", v->name, v->desc, v->name,
	       figure_table[v->sort].key);
	for (f = v->figures; *f != FIG__MAX; f++)
		printf("  %-18s %-12s %s\n", figure_table[*f].key, figure_table[*f].header,
		       figure_table[*f].desc);
	printf("\nkeys: %s\n", v->key == KEY_SYSCALL ? "evt.type" : v->key == KEY_CONTAINER ?
	       "container.id, container.name, container.image" :
	       "container.id, container.name, container.image, proc.pid, proc.ppid, proc.name, "
	       "user.uid, user.name, proc.cmdline");
	printf("JSON: one document per table: {\"view\", \"start\", \"end\", \"start_ns\", \"end_ns\", "
	       "\"seconds\", \"totals\": {figures}, \"rows\": [{keys and figures}]}\n");
	return 0;
}

static int list_fields(void)
{
	size_t i;

	for (i = 0; i < field_count; i++) {
		const struct field_desc *f = &field_table[i];

		printf("%-22s %-4s %s\n", f->name,
		       f->type == FT_STR ? "str" : f->type == FT_S64 ? "int" : "uint", f->desc);
	}
	return 0;
}

/* The filter compiled, or its error shown (three lines) and SCRY_EXIT_USAGE. */
static int compile_filter(const char *expr, struct filter **out)
{
	struct filter_error e;

	*out = filter__new(expr, &e);
	if (*out)
		return 0;
	if (errno == ENOMEM) {
		log_err("out of memory");
		return -ENOMEM;
	}
	filter_error__log(expr, &e);
	return SCRY_EXIT_USAGE;
}

int pipeline__setup_filter(const struct scry_opts *o, struct pipeline *pl)
{
	pl->limit = o->max_events;
	return compile_filter(o->filter, &pl->filter);
}

/*
 * Usage errors, found before anything runs whichever command follows (scry top included): the
 * filter, the view's name, the -p template. Each is SCRY_EXIT_USAGE with its message.
 */
static int check_usage(const struct scry_opts *o)
{
	struct printer_opts po = { .format = o->format, .fd = -1 };
	struct filter *f;
	void *pr;
	int err;

	err = compile_filter(o->filter, &f);
	filter__free(f);
	if (err)
		return err;
	if (o->view && strcmp(o->view, "lscontainers") && !view_lookup(o->view)) {
		log_err("unknown view '%s'; scry -L lists the views", o->view);
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

int output__setup(const struct scry_opts *o, struct pipeline *pl)
{
	struct printer_opts po = {
		.json = o->json, .containers = o->containers, .format = o->format, .fd = STDOUT_FILENO,
	};
	void *pr;
	int err = pipeline__setup_filter(o, pl);

	if (err)
		return err;
	if (o->view && !strcmp(o->view, "lscontainers")) {
		pr = lscontainers__new(pl, o->json, STDOUT_FILENO);
		if (!pr) {
			log_err("out of memory");
			return -ENOMEM;
		}
		return pipeline__add_sink(pl, &lscontainers_ops, pr);
	}
	if (o->view) {
		struct view_sink_opts vo = {
			.view = view_lookup(o->view), .interval = o->interval, .top = o->top,
			.json = o->json, .fd = STDOUT_FILENO,
		};

		if (!vo.view) {
			log_err("unknown view '%s'; scry -L lists the views", o->view);
			return -EINVAL;
		}
		pr = view_sink__new(&vo, pl);
		if (!pr) {
			log_err("out of memory");
			return -ENOMEM;
		}
		return pipeline__add_sink(pl, &view_sink_ops, pr);
	}
	pr = printer__new(&po);
	if (!pr)
		return -EINVAL;
	return pipeline__add_sink(pl, &printer_ops, pr);
}

void output__teardown(struct pipeline *pl)
{
	pipeline__free_sinks(pl);
	filter__free(pl->filter);
	pl->filter = NULL;
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

static int cmd_stream(struct scry_opts *o)
{
	const struct view_desc *v = o->view ? view_lookup(o->view) : NULL;
	bool ls = o->view && !strcmp(o->view, "lscontainers");
	struct scry_opts run = *o;
	struct pipeline pl = {};
	int err;

	/* lscontainers is a short look (one second unless -M or -n say otherwise), then a table. */
	if (ls && !run.max_secs && !run.max_events)
		run.max_secs = 1;
	err = output__setup(&run, &pl);
	if (!err)
		err = live__setup(&run, &pl);
	if (!err)
		err = live__run(&run, &pl, syscall_mode(v, ls, pl.filter));
	output__teardown(&pl);
	live__teardown(&pl);
	return err;
}

int cmd_run(struct scry_opts *o)
{
	int err;

	if (o->list_fields)
		return list_fields();
	if (o->list_views)
		return list_views(o);
	err = check_usage(o);
	if (err)
		return err;
	if (o->write_path)
		return cmd_write(o);
	if (o->nread)
		return cmd_read(o);
	if (!strcmp(o->command, "top"))
		return top_ui__run(o);
	return cmd_stream(o);
}
