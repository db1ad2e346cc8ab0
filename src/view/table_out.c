// SPDX-License-Identifier: GPL-2.0
/*
 * A view snapshot as a text table (a header line with the interval and the totals, a column line,
 * the top rows) or as one JSON document per table, one per line, whose keys are field names
 * (container.name, proc.pid...) and figure names (cpu.pct, syscalls...).
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "scry/container.h"
#include "scry/util.h"
#include "scry/view.h"

/* Command lines are cut in text tables (JSON has them whole). */
#define CMDLINE_TEXT 120

static const char *user_name(uint32_t uid, char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (!getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) && res)
		snprintf(buf, len, "%s", pw.pw_name);
	else
		snprintf(buf, len, "%u", uid);
	return buf;
}

static bool is_int(enum figure f)
{
	return f == FIG_CPU_NS || f == FIG_SYSCALLS || f == FIG_ERRORS || f == FIG_LAT_TOTAL ||
	       f == FIG_READ || f == FIG_WRITE || f == FIG_FILE_TOTAL || f == FIG_PROCS;
}

static void put_figure(struct obuf *o, enum figure f, const struct view_row *r, uint64_t dur,
		       bool json)
{
	double v = figure_value(f, r, dur);
	char buf[128];

	if (f == FIG_TOP_ERRNOS) {
		row_top_errnos(r, buf, sizeof(buf));
		if (json)
			obuf__json_str(o, buf, strlen(buf));
		else
			obuf__printf(o, "%-28s", buf);
	} else if (is_int(f)) {
		if (json)
			obuf__u64(o, (uint64_t)v);
		else
			obuf__printf(o, f == FIG_CPU_NS ? "%14.0f" : "%12.0f", v);
	} else {
		obuf__printf(o, json ? "%.2f" : (f == FIG_CPU ? "%7.2f" : "%12.1f"), v);
	}
}

static void put_header(struct obuf *o, enum figure f)
{
	const char *h = figure_table[f].header;

	if (f == FIG_TOP_ERRNOS)
		obuf__printf(o, "%-28s", h);
	else
		obuf__printf(o, f == FIG_CPU ? "%7s" : f == FIG_CPU_NS ? "%14s" : "%12s", h);
}

static void json_key(struct obuf *o, const char *k, bool *first)
{
	if (!*first)
		obuf__putc(o, ',');
	*first = false;
	obuf__json_str(o, k, strlen(k));
	obuf__putc(o, ':');
}

static void json_strf(struct obuf *o, const char *k, const char *v, bool *first)
{
	json_key(o, k, first);
	obuf__json_str(o, v ? v : "", v ? strlen(v) : 0);
}

static void json_u64(struct obuf *o, const char *k, uint64_t v, bool *first)
{
	json_key(o, k, first);
	obuf__u64(o, v);
}

/* The key columns of a row, as JSON members. */
static void json_keys(struct obuf *o, const struct view_desc *v, const struct view_row *r,
		      bool *first)
{
	const struct scry_container *c = r->container;
	char user[64];

	if (v->key == KEY_SYSCALL) {
		json_strf(o, "evt.type", syscall_name(r->nr) ? syscall_name(r->nr) : "?", first);
		return;
	}
	json_strf(o, "container.id", c ? c->short_id : "host", first);
	json_strf(o, "container.name", c ? ctr_name(c) : "host", first);
	if (c && c->meta.image)
		json_strf(o, "container.image", c->meta.image, first);
	if (v->key == KEY_CONTAINER)
		return;
	json_u64(o, "proc.pid", r->pid, first);
	json_u64(o, "proc.ppid", r->ppid, first);
	json_strf(o, "proc.name", r->comm, first);
	json_u64(o, "user.uid", r->uid, first);
	json_strf(o, "user.name", user_name(r->uid, user, sizeof(user)), first);
	json_strf(o, "proc.cmdline", r->cmdline, first);
}

/* A string column of a text table: escaped, cut and padded by terminal columns. */
static void cell(struct obuf *o, const char *s, size_t width, size_t max)
{
	obuf__putc(o, ' ');
	obuf__text_col(o, s ? s : "", s ? strlen(s) : 0, width, max);
}

/* The key columns of a row, as text; the command line, of any length, comes last. */
static void text_keys(struct obuf *o, const struct view_desc *v, const struct view_row *r)
{
	const struct scry_container *c = r->container;
	const char *cname = c ? ctr_name(c) : "host";
	char user[64];

	switch (v->key) {
	case KEY_SYSCALL:
		cell(o, syscall_name(r->nr) ? syscall_name(r->nr) : "?", 0, 0);
		break;
	case KEY_CONTAINER:
		cell(o, c ? c->short_id : "host", 12, 0);
		cell(o, cname, 0, 0);
		break;
	case KEY_PROC:
		obuf__printf(o, " %7u", r->pid);
		cell(o, r->comm, 15, 0);
		cell(o, cname, 20, 20);
		cell(o, r->cmdline, 0, CMDLINE_TEXT);
		break;
	case KEY_PS:
		obuf__printf(o, " %7u %7u", r->pid, r->ppid);
		cell(o, user_name(r->uid, user, sizeof(user)), 8, 8);
		cell(o, cname, 20, 20);
		cell(o, r->cmdline, 0, CMDLINE_TEXT);
		break;
	}
}

static void text_key_header(struct obuf *o, const struct view_desc *v)
{
	switch (v->key) {
	case KEY_SYSCALL:
		obuf__puts(o, " SYSCALL");
		break;
	case KEY_CONTAINER:
		obuf__printf(o, " %-12s %s", "CONTAINER.ID", "CONTAINER.NAME");
		break;
	case KEY_PROC:
		obuf__printf(o, " %7s %-15s %-20s %s", "PID", "PROC.NAME", "CONTAINER.NAME", "CMDLINE");
		break;
	case KEY_PS:
		obuf__printf(o, " %7s %7s %-8s %-20s %s", "PID", "PPID", "USER", "CONTAINER.NAME",
			     "CMDLINE");
		break;
	}
}

static void render_json(struct obuf *o, const struct view_desc *v, struct view_row **rows,
			size_t n, const struct view_row *tot, uint64_t start, uint64_t end)
{
	uint64_t dur = end > start ? end - start : 0;
	char from[TIME_STR_MAX], to[TIME_STR_MAX];
	const uint8_t *f;
	bool first = true;
	size_t i;

	fmt_wall(from, clock__wall(start), TIME_ISO_MS);
	fmt_wall(to, clock__wall(end), TIME_ISO_MS);
	obuf__puts(o, "{\"view\":");
	obuf__json_str(o, v->name, strlen(v->name));
	obuf__puts(o, ",\"start\":");
	obuf__json_str(o, from, strlen(from));
	obuf__puts(o, ",\"end\":");
	obuf__json_str(o, to, strlen(to));
	/* The interval exactly, ns since the epoch, for programs that line it up with other clocks. */
	obuf__puts(o, ",\"start_ns\":");
	obuf__u64(o, clock__wall(start));
	obuf__puts(o, ",\"end_ns\":");
	obuf__u64(o, clock__wall(end));
	obuf__printf(o, ",\"seconds\":%.3f,\"totals\":{", dur / 1e9);
	for (f = v->figures; *f != FIG__MAX; f++) {
		if (*f == FIG_TOP_ERRNOS)
			continue;
		json_key(o, figure_table[*f].key, &first);
		put_figure(o, *f, tot, dur, true);
	}
	obuf__puts(o, "},\"rows\":[");
	for (i = 0; i < n; i++) {
		first = true;
		obuf__puts(o, i ? ",{" : "{");
		json_keys(o, v, rows[i], &first);
		for (f = v->figures; *f != FIG__MAX; f++) {
			json_key(o, figure_table[*f].key, &first);
			put_figure(o, *f, rows[i], dur, true);
		}
		obuf__putc(o, '}');
	}
	obuf__puts(o, "]}\n");
}

static void render_text(struct obuf *o, const struct view_desc *v, struct view_row **rows,
			size_t n, size_t total_rows, const struct view_row *tot, uint64_t start,
			uint64_t end)
{
	uint64_t dur = end > start ? end - start : 0;
	char from[TIME_STR_MAX], to[TIME_STR_MAX];
	const uint8_t *f;
	size_t i;

	fmt_wall(from, clock__wall(start), TIME_HMS_MS);
	fmt_wall(to, clock__wall(end), TIME_HMS_MS);
	obuf__printf(o, "--- %s  %s - %s (%.2f s)  %zu rows", v->name, from, to, dur / 1e9,
		     total_rows);
	for (f = v->figures; *f != FIG__MAX; f++) {
		if (*f == FIG_TOP_ERRNOS)
			continue;
		obuf__printf(o, "  %s ", figure_table[*f].header);
		put_figure(o, *f, tot, dur, true);
	}
	obuf__putc(o, '\n');
	for (f = v->figures; *f != FIG__MAX; f++) {
		put_header(o, *f);
		obuf__putc(o, ' ');
	}
	text_key_header(o, v);
	obuf__putc(o, '\n');
	for (i = 0; i < n; i++) {
		for (f = v->figures; *f != FIG__MAX; f++) {
			put_figure(o, *f, rows[i], dur, false);
			obuf__putc(o, ' ');
		}
		text_keys(o, v, rows[i]);
		obuf__putc(o, '\n');
	}
	obuf__putc(o, '\n');
}

void table__render(struct obuf *out, const struct view_desc *v, struct aggr *a,
		   const struct table_opts *o, uint64_t start_ts, uint64_t end_ts)
{
	struct view_row tot, **rows;
	size_t n, shown;

	aggr__totals(a, &tot);
	rows = aggr__sorted(a, v->sort, &n);
	/* Rows that did nothing the view measures are noise, except in ps and the overviews. */
	if (v->key != KEY_PS && !(v->needs & NEED_SCHED && v->needs & NEED_SYSCALLS))
		while (n && figure_value(v->sort, rows[n - 1], 1000000000ULL) == 0)
			n--;
	shown = n < o->top ? n : o->top;
	if (o->json)
		render_json(out, v, rows, shown, &tot, start_ts, end_ts);
	else
		render_text(out, v, rows, shown, n, &tot, start_ts, end_ts);
}
