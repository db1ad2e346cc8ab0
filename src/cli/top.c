// SPDX-License-Identifier: GPL-2.0
/*
 * scry top: a live run whose sink is the interactive top (src/view/top_ui.c), built like every
 * other run, so FILTER, -n and -M mean what they mean to the event stream.
 */
#include <errno.h>
#include <unistd.h>

#include "scry/util.h"
#include "scry/view.h"
#include "run.h"

int cmd_top(struct scry_opts *o)
{
	struct run r;
	void *t;
	int err;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		log_err("scry top needs a terminal; for scripts use scry -c VIEW");
		return -ENOTTY;
	}
	err = run__init(&r, o, RUN_LIVE);
	if (err)
		goto out;
	t = top_ui__new(run__ctx(&r), o->filter);
	if (!t) {
		err = -errno;	/* said */
		goto out;
	}
	err = run__add_sink(&r, &top_ui_ops, t);
	/*
	 * Its screens ask the kernel for what they show (run_request_kfilter), but -n counts the
	 * events FILTER matches, which a screen's own filter may leave out: then nothing is.
	 */
	r.no_pushdown = o->max_events != 0;
	/*
	 * The socket programs are attached for the whole run when the first screen shows network
	 * figures (the containers screen does): screens change at run time, the programs do not.
	 */
	r.net_io = view_lookup("containers")->needs & NEED_NET;
	/* The block I/O screens (digit keys, Tab) may be picked at any time. */
	r.block = true;
	/* Enters are traced only while a screen needs them (topscalls' latency). */
	if (!err)
		err = run__go(&r, pipeline__enters_wanted(r.pl) > 0 ? SYSCALLS_ALL :
				  SYSCALLS_EXITS);
out:
	run__fini(&r);
	return err;
}
