// SPDX-License-Identifier: GPL-2.0
/*
 * spectrogram and subsecoffset: a line per refresh period, a column per bucket, its shade the
 * calls that fell in it. spectrogram buckets syscall exits by latency on a log10 axis;
 * subsecoffset buckets syscall enters by their offset within the period (wall clock), which
 * shows what repeats within a second. Periods are cut by the events' own times, aligned on the
 * wall clock, so a replay draws the lines the live run drew. On a terminal with colours, a
 * colour per shade; elsewhere a character per shade and an axis line first; -j the counts.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/buf.h"
#include "scry/chisel.h"
#include "scry/chisel_calc.h"
#include "scry/decode.h"
#include "scry/sink.h"
#include "scry/util.h"

#define SPECTRO_WIDTH_MAX 1000
/* Periods without a call in a row drawn at most: a jump in a crafted capture's time is one line. */
#define SPECTRO_EMPTY_MAX 100
#define LAT_DECADES 11		/* 1 ns to 100 s */

const char spectro_chars[SPECTRO_SHADES + 1] = " .:-=+*#%@";

/* 20 steps from dark green through yellow to red (xterm 256-colour numbers). */
static const uint8_t palette[20] = {
	22, 28, 34, 40, 46, 82, 118, 154, 190, 226,
	220, 214, 208, 202, 196, 160, 161, 162, 163, 164,
};

unsigned int spectro_lat_col(uint64_t ns, unsigned int width)
{
	double l;
	unsigned int c;

	if (!ns || !width)
		return 0;
	l = log10((double)ns);
	if (l > LAT_DECADES)
		l = LAT_DECADES;
	c = (unsigned int)floor(l * width / LAT_DECADES);
	return c < width ? c : width - 1;
}

unsigned int spectro_off_col(uint64_t ts, uint64_t period_ns, unsigned int width)
{
	if (!period_ns || !width)
		return 0;
	/* < period * width: fits 64 bits for periods up to 10^6 s and 1000 columns */
	return (unsigned int)(ts % period_ns * width / period_ns);
}

unsigned int spectro_step(uint64_t count, uint64_t period_ns)
{
	double per_s, step;

	if (!count)
		return 0;
	per_s = (double)count * 1e9 / (double)(period_ns ? period_ns : 1);
	step = log10(per_s + 1) / log10(1.6);
	if (step < 1)
		return 1;
	return step > 20 ? 20 : (unsigned int)step;
}

unsigned int spectro_shade(uint64_t count, uint64_t period_ns)
{
	unsigned int s = spectro_step(count, period_ns);

	return s ? 1 + (s - 1) * (SPECTRO_SHADES - 2) / 19 : 0;
}

/* A column's range: latencies [10^(c*11/w), 10^((c+1)*11/w)) ns, or offsets in the period. */
static void col_range(bool offset, unsigned int c, unsigned int w, uint64_t period,
		      uint64_t *lo, uint64_t *hi)
{
	if (offset) {
		*lo = (period * c + w - 1) / w;
		*hi = (period * (c + 1) + w - 1) / w;
		return;
	}
	*lo = c ? (uint64_t)ceil(pow(10, (double)c * LAT_DECADES / w)) : 0;
	*hi = (uint64_t)ceil(pow(10, (double)(c + 1) * LAT_DECADES / w));
}

struct spectro {
	bool offset;		/* subsecoffset */
	bool colour, json, axis_shown;
	unsigned int width;
	uint64_t period;	/* ns */
	uint64_t cur;		/* the period being counted: wall ns / period */
	bool started, any;
	uint64_t *counts;
	struct obuf out;
};

static void put_axis(struct spectro *s)
{
	char label[32];
	unsigned int x = 0, k;

	while (x < s->width) {
		/* a label where the axis reaches a new decade (a tenth of the period) */
		unsigned int marks = s->offset ? 10 : LAT_DECADES;
		unsigned int cur = x * marks / s->width;
		unsigned int prev = x ? (x - 1) * marks / s->width : ~0u;
		int n;

		if (cur == prev) {
			obuf__putc(&s->out, ' ');
			x++;
			continue;
		}
		if (s->offset) {
			n = snprintf(label, sizeof(label), "|%gms",
				     (double)s->period * cur / 10 / 1e6);
		} else {
			uint64_t ns = 1;

			for (k = 0; k < cur; k++)
				ns *= 10;
			label[0] = '|';
			chisel_fmt_interval(label + 1, sizeof(label) - 1, ns);
			n = strlen(label);
		}
		if (x + n > s->width) {
			obuf__putc(&s->out, ' ');
			x++;
			continue;
		}
		obuf__write(&s->out, label, n);
		x += n;
	}
	obuf__putc(&s->out, '\n');
}

static void put_json(struct spectro *s, uint64_t start)
{
	char t[TIME_STR_MAX];
	unsigned int c;
	bool first = true;

	fmt_wall(t, start, TIME_ISO_MS);
	obuf__printf(&s->out, "{\"view\":\"%s\",\"start\":\"%s\",\"start_ns\":%llu,"
		     "\"period_ns\":%llu,\"columns\":[", s->offset ? "subsecoffset" : "spectrogram",
		     t, (unsigned long long)start, (unsigned long long)s->period);
	for (c = 0; c < s->width; c++) {
		uint64_t lo, hi;

		if (!s->counts[c])
			continue;
		col_range(s->offset, c, s->width, s->period, &lo, &hi);
		obuf__printf(&s->out, "%s{\"col\":%u,\"%s\":%llu,\"%s\":%llu,\"count\":%llu}",
			     first ? "" : ",", c, s->offset ? "offset_lo_ns" : "latency_lo_ns",
			     (unsigned long long)lo, s->offset ? "offset_hi_ns" : "latency_hi_ns",
			     (unsigned long long)hi, (unsigned long long)s->counts[c]);
		first = false;
	}
	obuf__write(&s->out, "]}\n", 3);
}

/* The line of the period counted, then its counts cleared. */
static void put_line(struct spectro *s)
{
	unsigned int c;

	if (s->json) {
		put_json(s, s->cur * s->period);
	} else if (s->colour) {
		/* over the axis line drawn last, then the axis again below */
		if (s->axis_shown)
			obuf__puts(&s->out, "\033[1A\r");
		for (c = 0; c < s->width; c++) {
			unsigned int st = spectro_step(s->counts[c], s->period);

			if (st)
				obuf__printf(&s->out, "\033[48;5;%um ", palette[st - 1]);
			else
				obuf__puts(&s->out, "\033[0m ");
		}
		obuf__puts(&s->out, "\033[0m\n");
		put_axis(s);
		s->axis_shown = true;
	} else {
		if (!s->axis_shown)
			put_axis(s);
		s->axis_shown = true;
		for (c = 0; c < s->width; c++)
			obuf__putc(&s->out, spectro_chars[spectro_shade(s->counts[c], s->period)]);
		obuf__putc(&s->out, '\n');
	}
	memset(s->counts, 0, s->width * sizeof(*s->counts));
}

/* Lines up to the period `to` (not included): the one counted, then those without calls. */
static void advance(struct spectro *s, uint64_t to)
{
	uint64_t empty;

	if (!s->started || to <= s->cur)
		return;
	put_line(s);
	empty = to - s->cur - 1;
	if (empty > SPECTRO_EMPTY_MAX) {
		if (!s->json)
			obuf__printf(&s->out, "(%llu periods without a call)\n",
				     (unsigned long long)(empty - SPECTRO_EMPTY_MAX));
		empty = SPECTRO_EMPTY_MAX;
	}
	while (empty--)
		put_line(s);
	s->cur = to;
	obuf__flush(&s->out);
}

static int spectro_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct spectro *s = ctx;
	uint64_t wall, per;
	unsigned int c;

	(void)matched;
	if (!(evt_table[ev->type].flags & EVF_SYSCALL))
		return 0;
	if (s->offset ? ev->dir != '>' : (ev->dir != '<' || !ev->latency))
		return 0;
	wall = clock__wall(ev->ts);
	per = wall / s->period;
	if (!s->started) {
		s->started = true;
		s->cur = per;
	}
	if (per < s->cur)
		per = s->cur;	/* late by a hair: counted in the line still open */
	advance(s, per);
	c = s->offset ? spectro_off_col(wall, s->period, s->width)
		      : spectro_lat_col(ev->latency, s->width);
	s->counts[c]++;
	return s->out.broken ? SINK_DONE : 0;
}

static int spectro_tick(void *ctx, uint64_t ts)
{
	struct spectro *s = ctx;

	if (s->started && ts)
		advance(s, clock__wall(ts) / s->period);
	return s->out.broken ? SINK_DONE : 0;
}

static int spectro_finish(void *ctx)
{
	struct spectro *s = ctx;

	if (s->started)
		put_line(s);
	if (s->colour)
		obuf__puts(&s->out, "\033[0m");
	obuf__flush(&s->out);
	return s->out.err;
}

static void spectro_free(void *ctx)
{
	struct spectro *s = ctx;

	if (!s)
		return;
	free(s->counts);
	free(s);
}

const struct sink_ops spectro_ops = SINK_OPS(spectro, "spectro", 0);

static void *spectro_new(const struct chisel_ctx *o, bool offset, long def_ms)
{
	long ms = chisel_arg_ms(o, "refresh_time", def_ms);
	unsigned int width;
	bool tty = chisel_tty_colours(o->fd, &width);
	struct spectro *s;

	if (ms < 0) {
		log_err("%s: refresh_time is milliseconds, 1 to 3600000", offset ? "subsecoffset" :
			"spectrogram");
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->offset = offset;
	s->period = (uint64_t)ms * 1000000;
	s->width = width < SPECTRO_WIDTH_MAX ? width : SPECTRO_WIDTH_MAX;
	s->colour = tty && !o->json;
	s->json = o->json;
	s->counts = calloc(s->width, sizeof(*s->counts));
	if (!s->counts) {
		free(s);
		return NULL;
	}
	obuf__init(&s->out, o->fd);
	return s;
}

void *spectrogram__new(const struct chisel_ctx *o, const struct run_ctx *run)
{
	(void)run;
	return spectro_new(o, false, 500);
}

void *subsecoffset__new(const struct chisel_ctx *o, const struct run_ctx *run)
{
	(void)run;
	return spectro_new(o, true, 1000);
}
