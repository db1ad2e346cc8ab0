// SPDX-License-Identifier: GPL-2.0
/*
 * A stream chisel's output: its columns (chisel_table's rows), one line per event its filter
 * lets through, in sysdig's layout (printf widths and cuts, a header line and dashes when the
 * columns have headers). Every value goes out escaped (util/escape.c); the data through
 * iodata_put, which lets out printable ASCII and newlines only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/chisel.h"
#include "scry/filter.h"
#include "scry/sink.h"

#define MAX_COLS 16

struct chisel_stream {
	struct obuf out;
	const struct chisel_col *cols[MAX_COLS];	/* those shown (-pc's too with -pc) */
	const struct field_desc *fields[MAX_COLS];
	size_t ncols;
	enum data_fmt data_fmt;
	struct sbuf_mem scratch;
};

/* A field's value as text: into b (a number formatted). false: it does not apply. */
static bool value_text(struct chisel_stream *s, size_t i, const struct scry_event *ev,
		       struct sbuf *b, struct field_val *v)
{
	char num[48];
	int n;

	if (!s->fields[i] || !field_get(s->fields[i], ev, v, b))
		return false;
	if (v->type == FT_STR)
		return true;
	switch (s->cols[i]->conv) {
	case CC_MS:
		n = snprintf(num, sizeof(num), "%llu", (unsigned long long)(v->u / 1000000));
		break;
	case CC_MS_FRAC:
		n = snprintf(num, sizeof(num), "%.3f", v->u / 1e6);
		break;
	case CC_BYTES:
		b->len = 0;
		fmt_bytes(b, v->type == FT_S64 ? (v->s < 0 ? 0 : (uint64_t)v->s) : v->u);
		v->str = b->buf;
		v->len = b->len;
		return true;
	default:
		if (v->type == FT_S64)
			n = snprintf(num, sizeof(num), "%lld", (long long)v->s);
		else
			n = snprintf(num, sizeof(num), "%llu", (unsigned long long)v->u);
	}
	b->len = 0;
	sbuf__write(b, num, n);
	v->str = b->buf;
	v->len = b->len;
	return true;
}

/* Text in a column: escaped, cut to max, padded to |width| (left or right). */
static void put_cell(struct obuf *o, const struct chisel_col *c, const char *t, size_t n)
{
	size_t w = c->width < 0 ? -c->width : c->width, cols;

	if (c->width > 0) {
		cols = esc_columns(t, n);
		for (; cols < w; cols++)
			obuf__putc(o, ' ');
		obuf__text(o, t, n);
	} else if (w || c->max) {
		obuf__text_col(o, t, n, w, c->max);
	} else {
		obuf__text(o, t, n);
	}
}

static void put_data(struct chisel_stream *s, const uint8_t *d, uint32_t n)
{
	struct sbuf b;

	sbuf__init_mem(&b, &s->scratch);
	iodata_put(&b, d, n, s->data_fmt);
	obuf__write(&s->out, b.buf, b.len);
}

/* One line: every column, `line` (CC_DATA_LINES) standing for the data. */
static void put_row(struct chisel_stream *s, const struct scry_event *ev, const uint8_t *line,
		    uint32_t len)
{
	struct obuf *o = &s->out;
	const uint8_t *d;
	struct field_val v;
	struct sbuf b;
	uint32_t n;
	size_t i;
	char dir;

	for (i = 0; i < s->ncols; i++) {
		const struct chisel_col *c = s->cols[i];

		if (c->pre)
			obuf__puts(o, c->pre);
		switch (c->conv) {
		case CC_IO_LETTER:
		case CC_IO_WORD:
			dir = iodata_dir(ev->nr);
			if (c->conv == CC_IO_LETTER)
				obuf__putc(o, dir == IODATA_WRITE ? 'W' : 'R');
			else
				obuf__puts(o, dir == IODATA_WRITE ? "Write" : "Read");
			break;
		case CC_DATA:
			d = evt_data(ev, &n);
			if (d)
				put_data(s, d, n);
			break;
		case CC_DATA_LINES:
			put_data(s, line, len);
			break;
		default:
			sbuf__init_mem(&b, &s->scratch);
			if (value_text(s, i, ev, &b, &v))
				put_cell(o, c, v.str, v.len);
			else
				put_cell(o, c, "<NA>", 4);
		}
		if (i + 1 < s->ncols)
			obuf__puts(o, c->sep ?: " ");
	}
	obuf__putc(o, '\n');
}

static int chisel_stream_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct chisel_stream *s = ctx;
	const uint8_t *d, *end, *nl;
	bool lines = false;
	uint32_t n;
	size_t i;

	for (i = 0; i < s->ncols; i++)
		lines |= s->cols[i]->conv == CC_DATA_LINES;
	if (!lines) {
		put_row(s, ev, NULL, 0);
	} else if ((d = evt_data(ev, &n))) {
		/* sysdig's spy_logs: a line per line written, the empty ones left out */
		for (end = d + n; d < end; d = nl + 1) {
			nl = memchr(d, '\n', end - d);
			if (!nl)
				nl = end;
			if (nl > d)
				put_row(s, ev, d, nl - d);
		}
	}
	if (s->out.broken)
		return s->out.err ? s->out.err : SINK_DONE;
	return 0;
}

static int chisel_stream_tick(void *ctx, uint64_t ts)
{
	struct chisel_stream *s = ctx;

	obuf__flush(&s->out);
	if (s->out.broken)
		return s->out.err ? s->out.err : SINK_DONE;
	return 0;
}

static int chisel_stream_finish(void *ctx)
{
	struct chisel_stream *s = ctx;

	obuf__flush(&s->out);
	return s->out.err;
}

static void chisel_stream_free(void *ctx)
{
	struct chisel_stream *s = ctx;

	if (!s)
		return;
	sbuf_mem__free(&s->scratch);
	free(s);
}

const struct sink_ops chisel_stream_ops = SINK_OPS(chisel_stream, "chisel", 0);

/* sysdig's header: the columns' names, then a line of dashes under each. */
static void put_header(struct chisel_stream *s)
{
	size_t i, w, k;

	for (i = 0; i < s->ncols; i++) {
		const struct chisel_col *c = s->cols[i];

		w = c->width < 0 ? -c->width : c->width;
		obuf__text_col(&s->out, c->header, strlen(c->header), i + 1 < s->ncols ? w : 0,
			       c->max);
		if (i + 1 < s->ncols)
			obuf__putc(&s->out, ' ');
	}
	obuf__putc(&s->out, '\n');
	for (i = 0; i < s->ncols; i++) {
		const struct chisel_col *c = s->cols[i];

		w = c->width < 0 ? -c->width : c->width;
		if (!w)
			w = strlen(c->header) > 20 ? strlen(c->header) : 20;
		for (k = 0; k < w; k++)
			obuf__putc(&s->out, '-');
		if (i + 1 < s->ncols)
			obuf__putc(&s->out, ' ');
	}
	obuf__putc(&s->out, '\n');
}

void *chisel_stream__new(const struct chisel_ctx *c, const struct run_ctx *rc)
{
	struct chisel_stream *s = calloc(1, sizeof(*s));
	const struct chisel_col *col;

	if (!s) {
		log_err("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	obuf__init(&s->out, c->fd);
	/* -A or -X as asked; else the data as text, newlines kept (sysdig's chisels' ascii) */
	s->data_fmt = c->data_fmt != DATA_DOTS ? c->data_fmt : DATA_ASCII;
	for (col = c->ch->cols; col && (col->field || col->conv != CC_FIELD); col++) {
		if (col->pc && !c->containers)
			continue;
		if (s->ncols == MAX_COLS || (col->field && !field_resolve(col->field))) {
			/* a table row's mistake: test_chisel checks every row */
			log_err("%s: column %s: no such field", c->ch->name, col->field);
			chisel_stream_free(s);
			errno = EINVAL;
			return NULL;
		}
		s->fields[s->ncols] = col->field ? field_resolve(col->field) : NULL;
		s->cols[s->ncols++] = col;
	}
	if (s->ncols && s->cols[0]->header)
		put_header(s);
	return s;
}
