// SPDX-License-Identifier: GPL-2.0
/*
 * memcachelog (sysdig's): memcached's text-protocol get and set commands, from the data of the
 * calls on port 11211 or of a process named memcached, one line each:
 *   DATETIME method=set size=5B key=foo
 * The parser reads the command line of the buffer only (up to its first CR or LF, within what
 * -s kept): a crafted buffer costs its length at most and nothing is kept between calls.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scry/chisel.h"
#include "scry/filter.h"
#include "scry/sink.h"

int memcache_parse(const uint8_t *d, size_t n, struct memcache_cmd *c)
{
	const uint8_t *w[MEMCACHE_WORDS];
	size_t wl[MEMCACHE_WORDS], nw = 0, i = 0, k;
	uint64_t size = 0;

	memset(c, 0, sizeof(*c));
	for (k = 0; k < n && d[k] != '\r' && d[k] != '\n'; k++)
		;
	n = k;
	/* sysdig splits on single spaces: "get  k" has an empty key, which it shows as "" */
	while (nw < MEMCACHE_WORDS) {
		for (k = i; k < n && d[k] != ' '; k++)
			;
		w[nw] = d + i;
		wl[nw++] = k - i;
		if (k >= n)
			break;
		i = k + 1;
	}
	/* sysdig's '^[gs]et': get, gets, set, and any word starting so */
	if (wl[0] < 3 || (d[0] != 'g' && d[0] != 's') || memcmp(d + 1, "et", 2) || nw < 2)
		return -EINVAL;
	c->method = (const char *)w[0];
	c->method_len = wl[0];
	c->key = (const char *)w[1];
	c->key_len = wl[1];
	/* tonumber(word 5) or 0: a set's <bytes> */
	if (nw >= 5 && wl[4] && wl[4] <= 19) {
		for (k = 0; k < wl[4] && w[4][k] >= '0' && w[4][k] <= '9'; k++)
			size = size * 10 + (w[4][k] - '0');
		c->size = k == wl[4] ? size : 0;
	}
	return 0;
}

struct memcachelog {
	struct obuf out;
	const char *method;	/* the argument (NULL: both) */
	uint64_t min_size;	/* with method set: sets smaller are left out */
	const struct field_desc *datetime;
	struct sbuf_mem scratch;
};

static int memcachelog_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct memcachelog *m = ctx;
	struct memcache_cmd c;
	struct field_val v;
	const uint8_t *d;
	struct sbuf b;
	uint32_t n;

	d = evt_data(ev, &n);
	if (!d || memcache_parse(d, n, &c))
		return 0;
	if (m->method && (strlen(m->method) != c.method_len ||
			  strncasecmp(m->method, c.method, c.method_len)))
		return 0;
	if (m->method && !strcasecmp(m->method, "set") && c.size < m->min_size)
		return 0;
	sbuf__init_mem(&b, &m->scratch);
	if (field_get(m->datetime, ev, &v, &b))
		obuf__write(&m->out, v.str, v.len);
	obuf__puts(&m->out, " method=");
	obuf__text(&m->out, c.method, c.method_len);
	obuf__puts(&m->out, " size=");
	obuf__u64(&m->out, c.size);
	obuf__puts(&m->out, "B key=");
	obuf__text(&m->out, c.key, c.key_len);
	obuf__putc(&m->out, '\n');
	if (m->out.broken)
		return m->out.err ? m->out.err : SINK_DONE;
	return 0;
}

static int memcachelog_tick(void *ctx, uint64_t ts)
{
	struct memcachelog *m = ctx;

	obuf__flush(&m->out);
	return m->out.broken ? (m->out.err ? m->out.err : SINK_DONE) : 0;
}

static int memcachelog_finish(void *ctx)
{
	struct memcachelog *m = ctx;

	obuf__flush(&m->out);
	return m->out.err;
}

static void memcachelog_free(void *ctx)
{
	struct memcachelog *m = ctx;

	if (!m)
		return;
	sbuf_mem__free(&m->scratch);
	free(m);
}

const struct sink_ops memcachelog_ops = SINK_OPS(memcachelog, "memcachelog", 0);

void *memcachelog__new(const struct chisel_ctx *c, const struct run_ctx *rc)
{
	struct memcachelog *m = calloc(1, sizeof(*m));
	const char *size = chisel_arg(c, "size");

	if (!m) {
		log_err("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	obuf__init(&m->out, c->fd);
	m->method = chisel_arg(c, "method");
	/* a number checked by chisel_bind; a fraction rounds down, as a size compares */
	m->min_size = size ? (uint64_t)strtod(size, NULL) : 0;
	m->datetime = field_lookup("evt.datetime");
	return m;
}
