/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The chisels that compute something a view's table cannot hold, each a sink of its own (rows of
 * chisel_table, src/chisel/table.c): lsof.c, slowcalls.c (bottlenecks, proc_exec_time),
 * spectro.c (spectrogram, subsecoffset), around.c, httpview.c (httptop, httplog, over
 * src/decode/http1.c); chisel_util.c has what they share. The chisels that are tables per
 * interval are views (views.c: topscalls_time).
 */
#ifndef SCRY_CHISEL_CALC_H
#define SCRY_CHISEL_CALC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chisel_ctx;
struct run_ctx;
struct sink_ops;

/* A number argument (sysdig's int; a fraction rounds), `def` when absent; -1 when not one. */
long chisel_arg_ms(const struct chisel_ctx *c, const char *name, long def);
/* Whether the fd is a terminal whose TERM has colours (not "dumb"); *width its columns (80). */
bool chisel_tty_colours(int fd, unsigned int *width);
/* sysdig's format_time_interval: "1.50s", "120ms", "1.20ms", "35us", "1.20us", "800ns". */
void chisel_fmt_interval(char *buf, size_t len, uint64_t ns);

/* The sinks (each file's constructor and ops). */
extern const struct sink_ops lsof_ops, bottlenecks_ops, proc_exec_time_ops, spectro_ops,
	around_ops, httpview_ops;
void *lsof__new(const struct chisel_ctx *c, const struct run_ctx *run);
void *bottlenecks__new(const struct chisel_ctx *c, const struct run_ctx *run);
void *proc_exec_time__new(const struct chisel_ctx *c, const struct run_ctx *run);
void *spectrogram__new(const struct chisel_ctx *c, const struct run_ctx *run);
void *subsecoffset__new(const struct chisel_ctx *c, const struct run_ctx *run);
void *around__new(const struct chisel_ctx *c, const struct run_ctx *run);
void *httptop__new(const struct chisel_ctx *c, const struct run_ctx *run);
void *httplog__new(const struct chisel_ctx *c, const struct run_ctx *run);

/*
 * --- spectro.c: the bucketing, apart for its tests ---------------------------------------------
 * spectrogram: column of a latency on a log10 axis from 1 ns to 100 s over `width` columns
 * (sysdig's: floor(log10(ns) * width / 11), 10^11 ns and above in the last). subsecoffset:
 * column of a time's offset within its period of `period_ns` (ts mod period, over width).
 */
unsigned int spectro_lat_col(uint64_t ns, unsigned int width);
unsigned int spectro_off_col(uint64_t ts, uint64_t period_ns, unsigned int width);
/*
 * The shade of a count over a period of `period_ns`, 0 (none) to SPECTRO_SHADES - 1: sysdig's
 * colour scale, log1.6 of calls per second + 1, in 20 steps folded onto the shades.
 */
#define SPECTRO_SHADES 10
unsigned int spectro_shade(uint64_t count, uint64_t period_ns);
/* Its 256-colour palette entry (sysdig's colpalette), 1 to 20 steps; 0 for none. */
unsigned int spectro_step(uint64_t count, uint64_t period_ns);
extern const char spectro_chars[SPECTRO_SHADES + 1];

/* --- issue 18, diff18: ctrdiff.c, container_diff (a live docker diff, scry/fsdiff.h) --------- */
extern const struct sink_ops ctrdiff_ops;
void *ctrdiff__new(const struct chisel_ctx *c, const struct run_ctx *run);

#endif /* SCRY_CHISEL_CALC_H */
