// SPDX-License-Identifier: GPL-2.0
/* What to run for the parsed options. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scry/cli.h"
#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"

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

static int cmd_stream(struct scry_opts *o)
{
	struct printer_opts po = {
		.json = o->json, .containers = o->containers, .format = o->format, .fd = STDOUT_FILENO,
	};
	struct pipeline pl = { .limit = o->max_events };
	char errbuf[256];
	void *pr;
	int err;

	if (syscalls__init())
		return -EINVAL;
	pl.filter = filter__compile(o->filter, errbuf, sizeof(errbuf));
	if (!pl.filter) {
		log_err("%s", errbuf);
		return -EINVAL;
	}
	pr = printer__new(&po);
	if (!pr) {
		err = -EINVAL;
		goto out;
	}
	pipeline__add_sink(&pl, &printer_ops, pr);
	pl.procs = proctab__new("/proc");
	if (!pl.procs) {
		err = -ENOMEM;
		log_err("out of memory");
		goto out;
	}
	err = live__run(o, &pl, true);
out:
	pipeline__free_sinks(&pl);
	proctab__free(pl.procs);
	filter__free(pl.filter);
	return err;
}

int cmd_run(struct scry_opts *o)
{
	if (o->list_fields)
		return list_fields();
	return cmd_stream(o);
}
