// SPDX-License-Identifier: GPL-2.0
/*
 * A view snapshot as a text table (a header line with the interval and the totals, a column line,
 * the top rows) or as one JSON document per table, one per line, whose keys are field names
 * (container.name, proc.pid...) and figure names (cpu.pct, syscalls...). A list view (VF_LIST,
 * lscontainers) is its column line and rows, key columns first, or one JSON array of rows.
 * Everything here loops over the view's figures and its key's columns.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "scry/filter.h"
#include "scry/util.h"
#include "scry/view.h"

/* A figure's value as text tables show it (`json`: as JSON and the totals line show it). */
static void put_figure(struct obuf *o, enum figure f, const struct view_row *r, uint64_t dur,
		       bool json)
{
	const struct figure_desc *d = &figure_table[f];
	char buf[128];
	double v;

	if (d->kind == FK_TEXT) {
		d->text(r, buf, sizeof(buf));
		if (json && d->text_num)
			obuf__puts(o, strcmp(buf, "-") ? buf : "null");
		else if (json)
			obuf__json_str(o, buf, strlen(buf));
		else
			obuf__printf(o, "%-*s", d->width, buf);
		return;
	}
	if (figure_absent(d, r)) {
		/* No reading (a file missing, a replay): said, never shown as a 0. */
		if (json)
			obuf__puts(o, "null");
		else
			obuf__printf(o, "%*s", d->width, "-");
		return;
	}
	v = figure_value(f, r, dur);
	if (json && d->kind == FK_COUNT)
		obuf__u64(o, (uint64_t)v);
	else if (json)
		obuf__printf(o, "%.2f", v);
	else
		obuf__printf(o, "%*.*f", d->width, d->kind == FK_COUNT ? 0 : d->prec, v);
}

static void put_header(struct obuf *o, enum figure f)
{
	const struct figure_desc *d = &figure_table[f];

	obuf__printf(o, d->kind == FK_TEXT ? "%-*s" : "%*s", d->width, d->header);
}

static void json_key(struct obuf *o, const char *k, bool *first)
{
	if (!*first)
		obuf__putc(o, ',');
	*first = false;
	obuf__json_str(o, k, strlen(k));
	obuf__putc(o, ':');
}

/*
 * runqlat's picture: the count, sum and largest value, and the non-empty log2 buckets, each as
 * [lo, hi, count] for the values lo <= v < hi (ns).
 */
static void json_hist(struct obuf *o, const struct log2_hist *h)
{
	bool first = true;
	unsigned int i;

	if (!h) {
		obuf__puts(o, "{\"n\":0,\"sum\":0,\"max\":0,\"buckets\":[]}");
		return;
	}
	obuf__puts(o, "{\"n\":");
	obuf__u64(o, h->n);
	obuf__puts(o, ",\"sum\":");
	obuf__u64(o, h->sum);
	obuf__puts(o, ",\"max\":");
	obuf__u64(o, h->max);
	obuf__puts(o, ",\"buckets\":[");
	for (i = 0; i < HIST_BUCKETS; i++) {
		if (!h->b[i])
			continue;
		obuf__puts(o, first ? "[" : ",[");
		first = false;
		obuf__u64(o, hist_lo(i));
		obuf__putc(o, ',');
		obuf__u64(o, hist_hi(i));
		obuf__putc(o, ',');
		obuf__u64(o, h->b[i]);
		obuf__putc(o, ']');
	}
	obuf__puts(o, "]}");
}

/* The histograms a view's rows keep (block latency, run-queue wait), in one shape. */
static void json_hists(struct obuf *o, const struct view_desc *v, const struct view_row *r,
		       bool *first)
{
	if (v->needs & NEED_BLOCK) {
		json_key(o, "blk.latency.hist", first);
		json_hist(o, r->blk_hist);
	}
	if (v->flags & VF_WAIT_HIST) {
		json_key(o, "wait.hist", first);
		json_hist(o, r->wait_hist);
	}
}

/* A row's members: key columns (left out where the field does not apply), then figures. */
static void json_row(struct obuf *o, const struct view_desc *v, const struct view_row *r,
		     uint64_t dur, struct sbuf_mem *m)
{
	const struct key_col *c;
	const uint8_t *f;
	bool first = true;

	for (c = view_key_cols(v, COLS_JSON); c->field; c++) {
		struct field_val val;
		struct sbuf b;

		sbuf__init_mem(&b, m);
		if (!key_col_get(c, r, &val, &b)) {
			if (!(c->flags & COL_ALWAYS))
				continue;
			val.type = FT_STR;
			val.str = "";
			val.len = 0;
		}
		json_key(o, c->field, &first);
		if (val.type == FT_U64)
			obuf__u64(o, val.u);
		else if (val.type == FT_S64)
			obuf__s64(o, val.s);
		else
			obuf__json_str(o, val.str, val.len);
	}
	for (f = v->figures; *f != FIG__MAX; f++) {
		json_key(o, figure_table[*f].key, &first);
		put_figure(o, *f, r, dur, true);
	}
	json_hists(o, v, r, &first);
}

/* A key cell of a text table: numbers right-aligned, strings escaped, cut and padded. */
static void text_cell(struct obuf *o, const struct key_col *c, const struct view_row *r,
		      struct sbuf_mem *m)
{
	struct field_val val;
	struct sbuf b;

	sbuf__init_mem(&b, m);
	if (!key_col_get(c, r, &val, &b))
		obuf__text_col(o, "", 0, c->width, c->max);
	else if (val.type == FT_U64)
		obuf__printf(o, "%*llu", c->width, (unsigned long long)val.u);
	else if (val.type == FT_S64)
		obuf__printf(o, "%*lld", c->width, (long long)val.s);
	else
		obuf__text_col(o, val.str, val.len, c->width, c->max);
}

static void text_header(struct obuf *o, const struct key_col *c)
{
	const struct field_desc *f = key_col_field(c);

	obuf__printf(o, f && f->type != FT_STR ? "%*s" : "%-*s", c->width, c->header);
}

static void render_json(struct obuf *o, const struct view_desc *v, struct view_row **rows,
			size_t n, const struct view_row *tot, uint64_t start, uint64_t end,
			struct sbuf_mem *m)
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
		if (figure_table[*f].kind == FK_TEXT)
			continue;
		json_key(o, figure_table[*f].key, &first);
		put_figure(o, *f, tot, dur, true);
	}
	json_hists(o, v, tot, &first);
	obuf__puts(o, "},\"rows\":[");
	for (i = 0; i < n; i++) {
		obuf__puts(o, i ? ",{" : "{");
		json_row(o, v, rows[i], dur, m);
		obuf__putc(o, '}');
	}
	obuf__puts(o, "]}\n");
}

static void render_text(struct obuf *o, const struct view_desc *v, struct view_row **rows,
			size_t n, size_t total_rows, const struct view_row *tot, uint64_t start,
			uint64_t end, struct sbuf_mem *m)
{
	uint64_t dur = end > start ? end - start : 0;
	const struct key_col *c;
	char from[TIME_STR_MAX], to[TIME_STR_MAX];
	const uint8_t *f;
	size_t i;

	fmt_wall(from, clock__wall(start), TIME_HMS_MS);
	fmt_wall(to, clock__wall(end), TIME_HMS_MS);
	obuf__printf(o, "--- %s  %s - %s (%.2f s)  %zu rows", v->name, from, to, dur / 1e9,
		     total_rows);
	for (f = v->figures; *f != FIG__MAX; f++) {
		/* A cgroup's reading has no total over containers: left out. */
		if (figure_table[*f].kind == FK_TEXT || figure_absent(&figure_table[*f], tot))
			continue;
		obuf__printf(o, "  %s ", figure_table[*f].header);
		put_figure(o, *f, tot, dur, true);
	}
	obuf__putc(o, '\n');
	for (f = v->figures; *f != FIG__MAX; f++) {
		put_header(o, *f);
		obuf__putc(o, ' ');
	}
	for (c = view_key_cols(v, COLS_TEXT); c->field; c++) {
		obuf__putc(o, ' ');
		text_header(o, c);
	}
	obuf__putc(o, '\n');
	for (i = 0; i < n; i++) {
		for (f = v->figures; *f != FIG__MAX; f++) {
			put_figure(o, *f, rows[i], dur, false);
			obuf__putc(o, ' ');
		}
		for (c = view_key_cols(v, COLS_TEXT); c->field; c++) {
			obuf__putc(o, ' ');
			text_cell(o, c, rows[i], m);
		}
		obuf__putc(o, '\n');
	}
	obuf__putc(o, '\n');
}

/* A list's columns, separated by one blank (and a figure's gap), keys first. */
static void list_line(struct obuf *o, const struct view_desc *v, const struct view_row *r,
		      struct sbuf_mem *m)
{
	const struct key_col *c;
	const uint8_t *f;

	for (c = view_key_cols(v, COLS_TEXT); c->field; c++) {
		if (c != view_key_cols(v, COLS_TEXT))
			obuf__putc(o, ' ');
		if (r)
			text_cell(o, c, r, m);
		else
			text_header(o, c);
	}
	for (f = v->figures; *f != FIG__MAX; f++) {
		obuf__printf(o, "%*s", 1 + figure_table[*f].gap, "");
		if (r)
			put_figure(o, *f, r, 0, false);
		else
			put_header(o, *f);
	}
	obuf__putc(o, '\n');
}

static void render_list(struct obuf *o, const struct view_desc *v, struct view_row **rows,
			size_t n, bool json, struct sbuf_mem *m)
{
	size_t i;

	if (!json)
		list_line(o, v, NULL, m);
	else
		obuf__putc(o, '[');
	for (i = 0; i < n; i++) {
		if (!json) {
			list_line(o, v, rows[i], m);
			continue;
		}
		obuf__puts(o, i ? ",\n{" : "\n{");
		json_row(o, v, rows[i], 0, m);
		obuf__putc(o, '}');
	}
	if (json)
		obuf__puts(o, "\n]\n");
}

/* VF_ANY_FIGURE: the rows with a figure not zero, in their order; how many. */
static size_t rows_measured(const struct view_desc *v, struct view_row **rows, size_t n)
{
	const uint8_t *f;
	size_t i, kept = 0;

	for (i = 0; i < n; i++) {
		for (f = v->figures; *f != FIG__MAX; f++)
			if (figure_table[*f].kind != FK_TEXT &&
			    figure_value(*f, rows[i], 1000000000ULL) != 0)
				break;
		if (*f != FIG__MAX)
			rows[kept++] = rows[i];
	}
	return kept;
}

void table__render(struct obuf *out, const struct view_desc *v, struct aggr *a,
		   const struct table_opts *o, uint64_t start_ts, uint64_t end_ts)
{
	struct sbuf_mem scratch = {};
	struct view_row tot, **rows;
	size_t n, shown;

	aggr__totals(a, &tot);
	rows = aggr__sorted(a, v->sort, &n);
	/* Rows that did nothing the view measures are noise, except in ps and the overviews. */
	if (v->flags & VF_ANY_FIGURE)
		n = rows_measured(v, rows, n);
	else if (!(v->flags & VF_ALL_ROWS))
		while (n && figure_value(v->sort, rows[n - 1], 1000000000ULL) == 0)
			n--;
	shown = n < o->top ? n : o->top;
	if (v->flags & VF_LIST)
		render_list(out, v, rows, shown, o->json, &scratch);
	else if (o->json)
		render_json(out, v, rows, shown, &tot, start_ts, end_ts, &scratch);
	else
		render_text(out, v, rows, shown, n, &tot, start_ts, end_ts, &scratch);
	sbuf_mem__free(&scratch);
}
