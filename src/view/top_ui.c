// SPDX-License-Identifier: GPL-2.0
/*
 * scry top: the views as a full-screen table that refreshes every second, in the spirit of
 * htop and csysdig. It is a pipeline sink like the text views: the aggregator computes the
 * figures, this file only reads keys and draws. It runs inside the live loop's tick (every
 * 100 ms), so keys are read with nodelay and never block the event path.
 *
 * Keys: arrows/PgUp/PgDn select, Enter drills into a container's processes, c into its
 * connections and f into its files (elsewhere: everyone's), h shows the selected row's run-queue
 * wait and block I/O latency histograms, Backspace goes back, 1-9 and v switch views, < and >
 * change the sort column, / edits the filter, q quits.
 */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/hist.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"
#include "scry/view.h"

#define REFRESH_NS 1000000000ULL
#define MAX_DEPTH 4

/* One screen: a view, its own filter and sort, and where the selection is. */
struct screen {
	const struct view_desc *v;
	char filter_text[256];
	bool filter_cut;	/* the text did not fit: the kernel is not given it */
	struct filter *filter;
	/* A drill-down: only this container's events, by its full id (short ids may clash). */
	bool drilled;
	bool drilled_host;
	char drilled_id[CTR_ID_MAX];
	char drilled_label[160];	/* "name (short id)" for the header */
	int sort_col;		/* index into v->figures */
	int sel, scroll;
	bool has_sel;
	uint64_t sel_key;	/* the selected row's key: it stays selected across refreshes */
};

struct top {
	const struct run_ctx *run;
	struct intervals *iv;		/* collecting the seconds (a slice split between two) */
	struct aggr *shown;		/* the last complete second, on screen; rows point into it */
	uint64_t shown_dur;
	struct screen stack[MAX_DEPTH];
	int depth;
	struct view_row **rows;
	size_t nrows;
	char msg[256];		/* one-line message at the bottom (filter errors...) */
	bool editing;
	bool hist;		/* h: the selected row's histograms instead of the rows */
	char edit[256];
	size_t edit_len;
	bool curses;
	struct sbuf_mem scratch;	/* key column values being drawn */
};

static struct screen *cur(struct top *t)
{
	return &t->stack[t->depth];
}

static enum figure sort_fig(const struct screen *s)
{
	return s->v->figures[s->sort_col];
}

/*
 * The kernel needs to send only what the screen shows: its filter, in its container if drilled.
 * Events from before that took hold are left out of the screen's intervals (top_event), so that
 * going back to a wider screen counts nothing the narrower one had the kernel leave out.
 */
static void kfilter_update(struct top *t)
{
	const struct screen *s = cur(t);
	struct kfilter_req req;

	memset(&req, 0, sizeof(req));
	/* A filter longer than the screen keeps of its text goes to the kernel as none at all. */
	if (s->filter && !s->filter_cut)
		snprintf(req.text, sizeof(req.text), "%s", s->filter_text);
	req.drilled = s->drilled;
	req.host = s->drilled_host;
	snprintf(req.id, sizeof(req.id), "%s", s->drilled_id);
	run_request_kfilter(t->run, &req);
}

static int set_view(struct top *t, const struct view_desc *v)
{
	struct intervals *iv = intervals__new(v, REFRESH_NS);

	if (!iv)
		return -ENOMEM;
	intervals__free(t->iv);
	aggr__free(t->shown);
	t->iv = iv;
	t->shown = NULL;
	t->rows = NULL;
	t->nrows = 0;
	cur(t)->v = v;
	run_request_enters(t->run, view_needs_enters(v, cur(t)->filter));
	cur(t)->sort_col = 0;
	cur(t)->sel = cur(t)->scroll = 0;
	cur(t)->has_sel = false;
	kfilter_update(t);
	return 0;
}

static int set_filter(struct top *t, const char *text)
{
	struct screen *s = cur(t);
	struct filter *f;
	char err[256];

	f = filter__compile(text, err, sizeof(err));
	if (!f) {
		snprintf(t->msg, sizeof(t->msg), "%s", err);
		return -EINVAL;
	}
	filter__free(s->filter);
	s->filter = f;
	run_request_enters(t->run, view_needs_enters(s->v, f));
	snprintf(s->filter_text, sizeof(s->filter_text), "%s", text);
	s->filter_cut = strlen(text) >= sizeof(s->filter_text) ||
			strlen(text) >= sizeof(((struct kfilter_req *)0)->text);
	t->msg[0] = '\0';
	kfilter_update(t);
	return 0;
}

/* --- drawing --------------------------------------------------------------------------------- */

/*
 * 5 columns at most: exact below 10000 ("9999"), then 3 or 4 digits and a unit ("12.3K",
 * "1235K"), so that a screen fits 80 columns. Whether to scale is decided on the value as it
 * will be rounded, so that no rounding makes a 6th column ("10000", "100.0K").
 */
static void human(double v, char *buf, size_t len)
{
	static const char units[] = " KMGT";
	int u = 0;

	while (v >= 9999.5 && u < 4) {
		v /= 1000;
		u++;
	}
	if (!u)
		snprintf(buf, len, "%.0f", v);
	else if (v < 99.95)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
}

static const char *fig_header(enum figure f)
{
	return figure_table[f].top_header ? figure_table[f].top_header : figure_table[f].header;
}

/* A figure's cell: its top width, or its header's if that is wider. */
static int fig_width(enum figure f)
{
	int h = strlen(fig_header(f));

	return figure_table[f].top_width > h ? figure_table[f].top_width : h;
}

static void draw_cell(enum figure f, const struct view_row *r, uint64_t dur, char *buf, size_t len)
{
	const struct figure_desc *d = &figure_table[f];

	if (d->kind == FK_TEXT)
		d->text(r, buf, len);
	else if (figure_absent(d, r))
		snprintf(buf, len, "-");
	else if (d->top_prec != FIG_TOP_HUMAN)
		snprintf(buf, len, "%.*f", d->top_prec, figure_value(f, r, dur));
	else
		human(figure_value(f, r, dur), buf, len);
}

/* Cells of untrusted text, escaped (no string may break a row or reach the terminal raw). */
static size_t put_cell(char *buf, size_t len, size_t at, const char *s, size_t n, size_t width,
		       size_t max)
{
	if (at + 1 >= len)
		return at;
	at += esc_col(buf + at, len - at, s, n, width, max);
	if (at + 1 < len && (width || max)) {
		buf[at++] = ' ';
		buf[at] = '\0';
	}
	return at;
}

/*
 * The key columns of a row (r NULL: their headers), each cell followed by a blank if it is
 * sized; numbers right-aligned.
 */
static void draw_key(const struct screen *s, const struct view_row *r, struct sbuf_mem *m,
		     char *buf, size_t len)
{
	const struct key_col *c;
	size_t at = 0;

	buf[0] = '\0';
	for (c = view_key_cols(s->v, COLS_TOP); c->field; c++) {
		const struct field_desc *f = key_col_field(c);
		struct field_val v = { .type = FT_STR, .str = "" };
		char num[24];
		struct sbuf b;
		int n;

		sbuf__init_mem(&b, m);
		if (!r) {
			v.str = c->header;
			v.len = strlen(c->header);
		} else if (key_col_get(c, r, &v, &b) && v.type != FT_STR) {
			if (v.type == FT_U64)
				snprintf(num, sizeof(num), "%llu", (unsigned long long)v.u);
			else
				snprintf(num, sizeof(num), "%lld", (long long)v.s);
			v.str = num;
			v.len = strlen(num);
		}
		if (!f || f->type == FT_STR) {
			at = put_cell(buf, len, at, v.str, v.len, c->width, c->max);
			continue;
		}
		n = snprintf(buf + at, len - at, "%*s%s", c->width, v.str, c->width ? " " : "");
		at += n > 0 && (size_t)n < len - at ? (size_t)n : 0;
	}
}

/* --- the histogram screen (h) ------------------------------------------------------------------ */

struct hist_pane {
	int y, end;		/* the next line to draw, and the first beyond the pane */
};

static void hist_line(void *ctx, const char *line)
{
	struct hist_pane *p = ctx;

	if (p->y < p->end)
		mvaddnstr(p->y++, 0, line, COLS);
}

/*
 * One histogram under its title (count, mean, p50, p99 and the largest): the lines from `y`
 * up to `end`. Returns the line after it.
 */
static int draw_hist(const char *title, const struct log2_hist *h, int y, int end)
{
	struct hist_pane p = { y + 1, end };
	char mean[16], p50[16], p99[16], max[16], line[256];

	if (y >= end)
		return y;
	attron(A_BOLD);
	if (!h || !h->n) {
		snprintf(line, sizeof(line), "%s: none in this second", title);
		mvaddnstr(y, 0, line, COLS);
		attroff(A_BOLD);
		return y + 2;
	}
	hist_fmt_ns(h->sum / h->n, mean, sizeof(mean));
	hist_fmt_ns(hist_pct(h, 50), p50, sizeof(p50));
	hist_fmt_ns(hist_pct(h, 99), p99, sizeof(p99));
	hist_fmt_ns(h->max, max, sizeof(max));
	/* Cut at the edge: a wrapped title would land on the pane below. */
	snprintf(line, sizeof(line), "%s: %llu, mean %s, p50 <=%s, p99 <=%s, max %s", title,
		 (unsigned long long)h->n, mean, p50, p99, max);
	mvaddnstr(y, 0, line, COLS);
	attroff(A_BOLD);
	hist_text(h, end - p.y, COLS < 100 ? COLS : 100, hist_line, &p);
	return p.y + 1;
}

/*
 * The selected row's histograms in the lines below it: half each, or all but the empty one's
 * two lines to the other.
 */
static void draw_hists(const struct view_row *r, int y)
{
	int room = LINES - 1 - y, half = room / 2;

	if (!r->blk_hist || !r->blk_hist->n)
		half = room - 2;
	else if (!r->wait_hist || !r->wait_hist->n)
		half = 2;
	y = draw_hist("run-queue waits", r->wait_hist, y, y + half);
	draw_hist("block I/O latency", r->blk_hist, y, LINES - 1);
}

static void draw(struct top *t)
{
	uint64_t dur = t->shown_dur;
	struct screen *s = cur(t);
	int rows = LINES - 4, i, x;
	const uint8_t *f;
	char buf[512], when[TIME_STR_MAX];
	struct view_row tot;
	time_t now = time(NULL);

	erase();
	if (t->shown)
		aggr__totals(t->shown, &tot);
	else
		memset(&tot, 0, sizeof(tot));
	fmt_wall(when, (uint64_t)now * NSEC_PER_SEC, TIME_HMS);
	/* Cut at the edge: a longer line would wrap onto the next one, which is drawn over it. */
	snprintf(buf, sizeof(buf), "scry top  %s  %s: %s", when, s->v->name, s->v->desc);
	attron(A_BOLD);
	mvaddnstr(0, 0, buf, COLS);
	attroff(A_BOLD);
	esc_text(buf, sizeof(buf), s->filter_text, strlen(s->filter_text));
	mvprintw(1, 0, "%zu rows  filter: %s", t->nrows, buf[0] ? buf : "(none)");
	if (s->drilled) {
		esc_text(buf, sizeof(buf), s->drilled_label, strlen(s->drilled_label));
		printw("  container: %s", buf);
	}
	attron(A_REVERSE);
	move(2, 0);
	for (f = s->v->figures, x = 0; *f != FIG__MAX; f++, x++) {
		if (x == s->sort_col)
			attron(A_UNDERLINE);
		printw(figure_table[*f].kind == FK_TEXT ? "%-*s" : "%*s", fig_width(*f),
		       fig_header(*f));
		if (x == s->sort_col)
			attroff(A_UNDERLINE);
		printw(" ");
	}
	draw_key(s, NULL, &t->scratch, buf, sizeof(buf));
	printw("%s", buf);
	for (x = getcurx(stdscr); x < COLS; x++)
		addch(' ');
	attroff(A_REVERSE);

	if (s->sel >= (int)t->nrows)
		s->sel = t->nrows ? t->nrows - 1 : 0;
	if (s->sel < s->scroll)
		s->scroll = s->sel;
	if (rows > 0 && s->sel >= s->scroll + rows)
		s->scroll = s->sel - rows + 1;
	for (i = 0; i < rows && s->scroll + i < (int)t->nrows; i++) {
		const struct view_row *r = t->rows[s->scroll + i];
		int y = 3 + i;

		/* h: the selected row alone on the first line, its histograms below it */
		if (t->hist) {
			if (s->scroll + i != s->sel)
				continue;
			y = 3;
		}
		if (s->scroll + i == s->sel)
			attron(A_REVERSE);
		move(y, 0);
		for (f = s->v->figures; *f != FIG__MAX; f++) {
			int w = fig_width(*f);

			draw_cell(*f, r, dur, buf, sizeof(buf));
			if (figure_table[*f].kind == FK_TEXT)
				printw("%-*.*s ", w, w, buf);
			else
				printw("%*s ", w, buf);
		}
		draw_key(s, r, &t->scratch, buf, sizeof(buf));
		addnstr(buf, COLS - getcurx(stdscr) > 0 ? COLS - getcurx(stdscr) : 0);
		if (s->scroll + i == s->sel) {
			for (x = getcurx(stdscr); x < COLS && getcury(stdscr) == y; x++)
				addch(' ');
			attroff(A_REVERSE);
		}
		if (t->hist) {
			draw_hists(r, 5);
			break;
		}
	}
	move(LINES - 1, 0);
	if (t->editing) {
		printw("filter: %s", t->edit);
	} else if (t->msg[0] || log_last(buf, sizeof(buf))) {
		if (t->msg[0])
			esc_text(buf, sizeof(buf), t->msg, strlen(t->msg));
		attron(A_BOLD);
		addnstr(buf, COLS - 1);
		attroff(A_BOLD);
	} else {
		addnstr(t->hist ? "h:rows  arrows: the next row's histograms  q:quit" :
			"Enter:drill c:conns f:files h:hist Bksp:back 1-9/v:view </>:sort /:filter q:quit",
			COLS - 1);
	}
	refresh();
}

/* The newest complete second goes on screen (its rows replace the ones shown). */
static bool snapshot(struct top *t, uint64_t now)
{
	struct screen *s = cur(t);
	uint64_t start, end;
	bool any = false;

	while (intervals__take(t->iv, now, false, &t->shown, &start, &end)) {
		t->shown_dur = end - start;
		any = true;
	}
	if (!any)
		return false;
	aggr__fill(t->shown, &(struct view_src){ t->run->procs, t->run->containers, s->filter,
						   t->run->socks, start, end });
	return true;
}

/*
 * The first second starts with the recording (nothing before it counts); a screen opened later
 * starts at `ts`.
 */
static int start_intervals(struct top *t, uint64_t ts)
{
	const struct run_ctx *run = t->run;
	bool early = run->start_ts && run->start_ts <= ts && ts - run->start_ts < REFRESH_NS;

	if (early)
		intervals__floor(t->iv, run->start_ts);
	return intervals__start(t->iv, early ? run->start_ts : ts,
				run->slice_ns ? run->slice_ns : PIPELINE_SLICE_NS);
}

/* Sort the rows on screen and keep the selection on its row. */
static void sort_shown(struct top *t)
{
	struct screen *s = cur(t);
	size_t i;

	t->nrows = 0;
	t->rows = t->shown ? aggr__sorted(t->shown, sort_fig(s), &t->nrows) : NULL;
	for (i = 0; s->has_sel && i < t->nrows; i++) {
		if (t->rows[i]->key == s->sel_key) {
			s->sel = i;
			break;
		}
	}
}

/* --- keys ------------------------------------------------------------------------------------- */

static void remember_selection(struct top *t)
{
	struct screen *s = cur(t);

	if (s->sel < (int)t->nrows) {
		s->sel_key = t->rows[s->sel]->key;
		s->has_sel = true;
	}
}

/*
 * Enter on a container: its processes (`view`), in a new screen that Backspace leaves; c: its
 * connections; f: its files. The screen keeps the container's full id: short ids (and LXC
 * names cut to 12) can be shared by two containers. False where there is no container row to
 * drill into.
 */
static bool drill(struct top *t, const char *view)
{
	struct screen *s = cur(t);
	const struct view_row *r;

	if (s->v->key != KEY_CONTAINER || s->sel >= (int)t->nrows || t->depth + 1 >= MAX_DEPTH)
		return false;
	r = t->rows[s->sel];
	t->depth++;
	memset(cur(t), 0, sizeof(*cur(t)));
	cur(t)->drilled = true;
	cur(t)->drilled_host = !r->container;
	snprintf(cur(t)->drilled_id, sizeof(cur(t)->drilled_id), "%s",
		 r->container ? r->container->id : "host");
	snprintf(cur(t)->drilled_label, sizeof(cur(t)->drilled_label), "%s (%s)",
		 r->container ? ctr_name(r->container) : "host",
		 r->container ? r->container->short_id : "host");
	if (set_view(t, view_lookup(view)) || set_filter(t, "")) {
		t->depth--;
		run_request_enters(t->run, view_needs_enters(cur(t)->v, cur(t)->filter));
		kfilter_update(t);
	}
	return true;
}

static bool in_screen(const struct screen *s, const struct scry_event *ev)
{
	if (s->drilled && (ev->container ? s->drilled_host || strcmp(ev->container->id, s->drilled_id)
					 : !s->drilled_host))
		return false;
	return filter__match(s->filter, ev);
}

static void back(struct top *t)
{
	if (!t->depth)
		return;
	filter__free(cur(t)->filter);
	t->depth--;
	set_view(t, cur(t)->v);
}

static void edit_key(struct top *t, int ch)
{
	if (ch == '\n' || ch == KEY_ENTER) {
		t->editing = false;
		set_filter(t, t->edit);
	} else if (ch == 27) {
		t->editing = false;
	} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && t->edit_len) {
		t->edit[--t->edit_len] = '\0';
	} else if (ch >= 32 && ch < 127 && t->edit_len + 1 < sizeof(t->edit)) {
		t->edit[t->edit_len++] = ch;
		t->edit[t->edit_len] = '\0';
	}
}

/*
 * The view after `v`, lists aside (they have no intervals to show), and those grouped by a field
 * named on the command line (fdbytes_by: top has none to give them).
 */
static const struct view_desc *next_view(const struct view_desc *v)
{
	do
		v = &view_table[(v - view_table + 1) % view_count];
	while (v->flags & (VF_LIST | VF_FIELD_ARG));
	return v;
}

/* Returns true when the user asked to quit. */
static bool handle_key(struct top *t, int ch)
{
	struct screen *s = cur(t);
	int nfig = 0;

	while (s->v->figures[nfig] != FIG__MAX)
		nfig++;
	if (t->editing) {
		edit_key(t, ch);
		return false;
	}
	t->msg[0] = '\0';
	switch (ch) {
	case 'q': case 'Q':
		return true;
	case KEY_UP: s->sel = s->sel > 0 ? s->sel - 1 : 0; break;
	case KEY_DOWN: s->sel++; break;
	case KEY_PPAGE: s->sel = s->sel > LINES - 4 ? s->sel - (LINES - 4) : 0; break;
	case KEY_NPAGE: s->sel += LINES - 4; break;
	case KEY_HOME: s->sel = 0; break;
	case '\n': case KEY_ENTER: drill(t, "procs"); return false;
	case 'c':
		/* A container's connections, else everyone's (a screen like the numbered ones). */
		if (drill(t, "conns"))
			return false;
		set_view(t, view_lookup("conns"));
		break;
	case 'f':
		/* The same for files: a container's, else everyone's. */
		if (drill(t, "files"))
			return false;
		set_view(t, view_lookup("files"));
		break;
	case 'h': t->hist = !t->hist; break;
	case KEY_BACKSPACE: case 127: case 8: back(t); return false;
	case '<': s->sort_col = (s->sort_col + nfig - 1) % nfig; break;
	case '>': s->sort_col = (s->sort_col + 1) % nfig; break;
	case 'v': set_view(t, next_view(s->v)); break;
	case '/':
		t->editing = true;
		snprintf(t->edit, sizeof(t->edit), "%s", s->filter_text);
		t->edit_len = strlen(t->edit);
		break;
	default:
		if (ch >= '1' && ch <= '9' && (size_t)(ch - '1') < view_count)
			set_view(t, &view_table[ch - '1']);
		break;
	}
	if (s->sel >= (int)t->nrows)
		s->sel = t->nrows ? t->nrows - 1 : 0;
	remember_selection(t);
	return false;
}

/* --- the sink ----------------------------------------------------------------------------------- */

/* The terminal is restored however scry ends: a normal quit, a signal, or an error exit. */
static void restore_terminal(void)
{
	if (stdscr && !isendwin()) {
		endwin();
		log_hold(false);	/* what was said meanwhile, on the restored terminal */
	}
}

static int top_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct top *t = ctx;

	if (ev->ts < t->run->kfilter_since)
		return 0;	/* the kernel may have left out some of what this screen counts */
	if (start_intervals(t, ev->ts))
		return -ENOMEM;
	if (in_screen(cur(t), ev))
		intervals__event(t->iv, ev);
	return 0;
}

/* curses starts with the first tick: by then the probes are loaded, and any error before it
 * was printed on a plain terminal. */
static int start_curses(struct top *t)
{
	if (!initscr())
		return -ENOTTY;
	t->curses = true;
	atexit(restore_terminal);
	log_hold(true);
	cbreak();
	noecho();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	mvprintw(0, 0, "scry top: collecting the first second...");
	refresh();
	return 0;
}

static int top_tick(void *ctx, uint64_t ts)
{
	struct top *t = ctx;
	bool dirty = false;
	int ch;

	if (!t->curses && start_curses(t))
		return -ENOTTY;
	while ((ch = getch()) != ERR) {
		if (ch == KEY_RESIZE) {
			dirty = true;
			continue;
		}
		if (handle_key(t, ch))
			return SINK_DONE;
		dirty = true;
	}
	if (start_intervals(t, ts))
		return -ENOMEM;
	if (snapshot(t, ts))
		dirty = true;
	if (dirty) {
		sort_shown(t);
		draw(t);
	}
	return 0;
}

static void top_end_curses(struct top *t)
{
	if (t->curses) {
		endwin();
		t->curses = false;
		log_hold(false);
	}
}

static int top_finish(void *ctx)
{
	top_end_curses(ctx);
	return 0;
}

static void top_free(void *ctx)
{
	struct top *t = ctx;
	int i;

	if (!t)
		return;
	top_end_curses(t);
	for (i = 0; i <= t->depth; i++)
		filter__free(t->stack[i].filter);
	intervals__free(t->iv);
	aggr__free(t->shown);
	sbuf_mem__free(&t->scratch);
	free(t);
}

const struct sink_ops top_ui_ops = SINK_OPS(top, "top", SINK_HIDDEN | SINK_UNFILTERED);

void *top_ui__new(const struct run_ctx *run, const char *filter)
{
	struct top *t = calloc(1, sizeof(*t));
	int err;

	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	t->run = run;
	/* Enters are traced only while a screen needs them (topscalls' latency). */
	if ((err = set_view(t, view_lookup("containers"))) ||
	    (err = set_filter(t, filter ? filter : ""))) {
		if (err == -EINVAL)
			log_err("%s", t->msg);
		top_free(t);
		errno = -err;
		return NULL;
	}
	return t;
}
