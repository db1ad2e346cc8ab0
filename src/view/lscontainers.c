// SPDX-License-Identifier: GPL-2.0
/*
 * lscontainers: the containers scry knows at the end of a run (live: those running at start and
 * those seen; replay: those the capture names), with image, runtime, live processes and since
 * when. A sink whose work is all at the end, so it serves live runs and replays alike.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scry/container.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"
#include "scry/view.h"

struct ls_sink {
	struct pipeline *pl;
	bool json;
	int fd;
};

/* "since": the runtime's start time, else when scry first saw the container. */
static void since(const struct scry_container *c, char buf[TIME_STR_MAX])
{
	fmt_wall(buf, c->meta.started_ns ? c->meta.started_ns : clock__wall(c->first_ts), TIME_DATE);
}

/* Live processes of each container, from the process table. */
static uint32_t live_procs(struct proctab *pt, const struct scry_container *c)
{
	struct scry_proc *p;
	size_t pos = 0;
	uint32_t n = 0;

	while ((p = proctab__next_proc(pt, &pos)))
		n += !p->dead && p->container == c;
	return n;
}

static int print_containers(struct ls_sink *ls, struct pipeline *pl)
{
	struct obuf *out = malloc(sizeof(*out));
	struct scry_container *c;
	char when[32];
	size_t pos = 0;
	bool first = true;

	if (!out)
		return -ENOMEM;
	obuf__init(out, ls->fd);
	if (ls->json)
		obuf__putc(out, '[');
	else
		obuf__printf(out, "%-12s %-24s %-32s %-10s %5s  %s\n", "CONTAINER.ID", "NAME", "IMAGE",
			     "TYPE", "PROCS", "SINCE");
	while ((c = containers__next(pl->containers, &pos))) {
		uint32_t n = live_procs(pl->procs, c);
		const char *img = c->meta.image ? c->meta.image : "";

		since(c, when);
		if (!ls->json) {
			obuf__text_col(out, c->short_id, strlen(c->short_id), 12, 0);
			obuf__putc(out, ' ');
			obuf__text_col(out, ctr_name(c), strlen(ctr_name(c)), 24, 0);
			obuf__putc(out, ' ');
			obuf__text_col(out, img, strlen(img), 32, 0);
			obuf__printf(out, " %-10s %5u  %s\n", ctr_runtime_name(c->runtime), n, when);
			continue;
		}
		obuf__puts(out, first ? "\n{" : ",\n{");
		first = false;
		obuf__puts(out, "\"container.id\":");
		obuf__json_str(out, c->short_id, strlen(c->short_id));
		obuf__puts(out, ",\"container.full_id\":");
		obuf__json_str(out, c->id, strlen(c->id));
		obuf__puts(out, ",\"container.name\":");
		obuf__json_str(out, ctr_name(c), strlen(ctr_name(c)));
		obuf__puts(out, ",\"container.image\":");
		obuf__json_str(out, img, strlen(img));
		obuf__puts(out, ",\"container.type\":");
		obuf__json_str(out, ctr_runtime_name(c->runtime), strlen(ctr_runtime_name(c->runtime)));
		obuf__printf(out, ",\"procs\":%u,\"since\":", n);
		obuf__json_str(out, when, strlen(when));
		obuf__putc(out, '}');
	}
	if (ls->json)
		obuf__puts(out, "\n]\n");
	obuf__flush(out);
	free(out);
	return 0;
}

static int ls_event(void *ctx, const struct scry_event *ev, bool matched)
{
	return 0;
}

static int ls_finish(void *ctx)
{
	struct ls_sink *ls = ctx;

	if (!ls->pl->containers)
		return 0;
	/* Names still being fetched are worth a short wait: this table is the whole output. */
	containers__settle(ls->pl->containers, 3000);
	return print_containers(ls, ls->pl);
}

static void ls_free(void *ctx)
{
	free(ctx);
}

const struct sink_ops lscontainers_ops = {
	.name = "lscontainers",
	.event = ls_event,
	.finish = ls_finish,
	.free = ls_free,
};

void *lscontainers__new(struct pipeline *pl, bool json, int fd)
{
	struct ls_sink *ls = calloc(1, sizeof(*ls));

	if (!ls)
		return NULL;
	ls->pl = pl;
	ls->json = json;
	ls->fd = fd;
	return ls;
}
