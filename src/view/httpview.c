// SPDX-License-Identifier: GPL-2.0
/*
 * httptop and httplog: HTTP/1 requests and their responses, read from the data of the reads,
 * writes, sends and receives on sockets (http1.c parses the heads). A connection is a process's
 * fd, or its IP socket's addresses (conn_key); each direction is a stream. A request read or
 * written waits (HTTP_PIPELINE at most, in order) for the next response going the other way on
 * the same connection: that pair is a transaction, with the request's method and url, the
 * response's status and Content-Length, and the time between the two calls. httplog prints
 * each; httptop sums them per method and url (and container with -pc) per interval of event
 * time. Connections are bounded (HTTP_CONNS_MAX, the idle ones given up first) and so are
 * httptop's rows.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scry/buf.h"
#include "scry/chisel.h"
#include "scry/chisel_calc.h"
#include "scry/container.h"
#include "scry/decode.h"
#include "scry/filter.h"
#include "scry/http.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"

#define HTTP_CONNS_MAX 1024
#define HTTP_PIPELINE 4
#define HTTP_IDLE_NS 60000000000ULL
#define HTTPTOP_ROWS_MAX 4096
#define CTR_NAME_MAX 64

struct pending {
	uint64_t ts;
	uint8_t dir;		/* 0 read, 1 written */
	char method[HTTP_METHOD_MAX];
	char url[HTTP_URL_MAX];
};

struct http_conn {
	uint64_t key;
	uint64_t last_ts;
	struct http_stream s[2];	/* read, written */
	struct pending pend[HTTP_PIPELINE];
	unsigned int first, n;
};

struct transaction {
	const struct pending *req;
	const struct http_msg *resp;
	uint64_t latency;
	const struct scry_event *ev;	/* the response's call */
};

struct top_row {
	uint64_t hash;
	uint64_t ncalls, time_ns, bytes;
	char *key;		/* "container\1method\1url" */
	size_t key_len;
};

enum by { BY_NCALLS, BY_TIME, BY_BYTES };

struct httpview {
	bool top, json, containers;
	enum by by;
	unsigned int rows_max;
	const struct run_ctx *run;
	struct hashmap *conns;
	size_t nconns;
	uint64_t conns_full;	/* connections not followed: the table was full */
	int nr_close;
	const struct field_desc *fcname;
	/* httptop */
	uint64_t ival, start;	/* ns; 0: one table at the end */
	bool started;
	struct hashmap *rows;
	struct top_row **sorted;
	size_t nrows;
	uint64_t rows_over;	/* transactions not counted: the table was full */
	struct sbuf_mem scratch;
	struct obuf out;
	/* the call being parsed, for the callback */
	struct http_conn *cur;
	const struct scry_event *ev;
	uint8_t dir;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ULL;
	return h;
}

static void container_name(struct httpview *h, const struct scry_event *ev, char *buf, size_t len)
{
	struct field_val v;
	struct sbuf b;

	sbuf__init_mem(&b, &h->scratch);
	if (h->fcname && field_get(h->fcname, ev, &v, &b) && v.type == FT_STR)
		snprintf(buf, len, "%.*s", (int)v.len, v.str);
	else
		snprintf(buf, len, "host");
}

/* --- httplog ------------------------------------------------------------------------------- */
static void log_transaction(struct httpview *h, const struct transaction *t)
{
	const struct scry_event *ev = t->ev;
	const char *comm = ev->proc ? ev->proc->comm : ev->rec->h.comm;
	char when[TIME_STR_MAX], ctr[CTR_NAME_MAX];
	const char *dir = t->req->dir ? ">" : "<";

	fmt_wall(when, clock__wall(ev->ts), TIME_DATE_NS);
	container_name(h, ev, ctr, sizeof(ctr));
	if (h->json) {
		obuf__printf(&h->out, "{\"evt.datetime\":\"%s\",\"dir\":\"%s\",\"method\":\"%s\","
			     "\"url\":", when, dir, t->req->method);
		obuf__json_str(&h->out, t->req->url, strlen(t->req->url));
		obuf__printf(&h->out, ",\"response_code\":%u,\"latency_ns\":%llu,\"size\":%llu,"
			     "\"proc.pid\":%u,\"proc.name\":", t->resp->status,
			     (unsigned long long)t->latency, (unsigned long long)t->resp->length,
			     ev->rec->h.pid);
		obuf__json_str(&h->out, comm, strnlen(comm, SCRY_COMM_LEN));
		obuf__puts(&h->out, ",\"container.name\":");
		obuf__json_str(&h->out, ctr, strlen(ctr));
		obuf__write(&h->out, "}\n", 2);
		return;
	}
	obuf__puts(&h->out, when);
	obuf__putc(&h->out, ' ');
	if (h->containers) {
		obuf__text(&h->out, ctr, strlen(ctr));
		obuf__putc(&h->out, ' ');
	}
	obuf__printf(&h->out, "%s method=%s url=", dir, t->req->method);
	obuf__text(&h->out, t->req->url, strlen(t->req->url));
	obuf__printf(&h->out, " response_code=%u latency=%llums size=%lluB\n", t->resp->status,
		     (unsigned long long)(t->latency / 1000000),
		     (unsigned long long)t->resp->length);
}

/* --- httptop ------------------------------------------------------------------------------- */
static int row_cmp_by(const struct top_row *a, const struct top_row *b, enum by by)
{
	uint64_t x, y;

	switch (by) {
	case BY_TIME:
		x = a->time_ns / a->ncalls;
		y = b->time_ns / b->ncalls;
		break;
	case BY_BYTES:
		x = a->bytes;
		y = b->bytes;
		break;
	default:
		x = a->ncalls;
		y = b->ncalls;
	}
	if (x != y)
		return x > y ? -1 : 1;
	return strcmp(a->key, b->key);
}

static int row_cmp(const void *a, const void *b, void *by)
{
	return row_cmp_by(*(struct top_row *const *)a, *(struct top_row *const *)b,
			  *(const enum by *)by);
}

static void top_count(struct httpview *h, const struct transaction *t)
{
	char ctr[CTR_NAME_MAX], key[CTR_NAME_MAX + HTTP_METHOD_MAX + HTTP_URL_MAX + 4];
	struct top_row *r;
	uint64_t hash;
	int n, probe;

	ctr[0] = '\0';
	if (h->containers)
		container_name(h, t->ev, ctr, sizeof(ctr));
	n = snprintf(key, sizeof(key), "%s\1%s\1%s", ctr, t->req->method, t->req->url);
	hash = hash_bytes(key, n);
	/* a collision of 64-bit hashes: the next values, a few */
	for (probe = 0; probe < 8; probe++) {
		r = hashmap__find(h->rows, hash + probe);
		if (!r || (r->key_len == (size_t)n && !memcmp(r->key, key, n)))
			break;
	}
	if (!r) {
		if (probe == 8 || h->nrows >= HTTPTOP_ROWS_MAX) {
			h->rows_over++;
			return;
		}
		r = calloc(1, sizeof(*r));
		if (r)
			r->key = strndup(key, n);
		if (!r || !r->key || hashmap__set(h->rows, hash + probe, r)) {
			if (r)
				free(r->key);
			free(r);
			h->rows_over++;
			return;
		}
		r->hash = hash + probe;
		r->key_len = n;
		h->nrows++;
	}
	r->ncalls++;
	r->time_ns += t->latency;
	r->bytes += t->resp->length;
}

static void put_top_row(struct httpview *h, const struct top_row *r, bool first)
{
	const char *m = strchr(r->key, '\1') + 1, *u = strchr(m, '\1') + 1;
	int clen = m - 1 - r->key, mlen = u - 1 - m;
	uint64_t mean = r->time_ns / r->ncalls;
	char v[32];

	if (h->json) {
		obuf__printf(&h->out, "%s{", first ? "" : ",");
		if (h->containers) {
			obuf__puts(&h->out, "\"container.name\":");
			obuf__json_str(&h->out, r->key, clen);
			obuf__putc(&h->out, ',');
		}
		obuf__printf(&h->out, "\"method\":\"%.*s\",\"url\":", mlen, m);
		obuf__json_str(&h->out, u, strlen(u));
		obuf__printf(&h->out, ",\"ncalls\":%llu,\"time_ns\":%llu,\"bytes\":%llu}",
			     (unsigned long long)r->ncalls, (unsigned long long)mean,
			     (unsigned long long)r->bytes);
		return;
	}
	if (h->by == BY_TIME)
		chisel_fmt_interval(v, sizeof(v), mean);
	else
		snprintf(v, sizeof(v), "%llu", (unsigned long long)(h->by == BY_BYTES ? r->bytes :
								    r->ncalls));
	obuf__printf(&h->out, "%-16s", v);
	if (h->containers) {
		obuf__text(&h->out, r->key, clen);
		obuf__printf(&h->out, "%*s", clen < 24 ? 24 - clen : 1, "");
	}
	obuf__printf(&h->out, "%-8.*s", mlen, m);
	obuf__text(&h->out, u, strlen(u));
	obuf__putc(&h->out, '\n');
}

static const char *const by_name[] = { "ncalls", "time", "bytes" };

/* The table of [start, end), then its rows forgotten. */
static void top_render(struct httpview *h, uint64_t start, uint64_t end)
{
	char t0[TIME_STR_MAX], t1[TIME_STR_MAX];
	size_t pos = 0, i = 0, shown;
	uint64_t key;
	void *val;

	while (hashmap__next(h->rows, &pos, &key, &val))
		h->sorted[i++] = val;
	qsort_r(h->sorted, i, sizeof(*h->sorted), row_cmp, &h->by);
	shown = i < h->rows_max ? i : h->rows_max;
	fmt_wall(t0, clock__wall(start), TIME_ISO_MS);
	fmt_wall(t1, clock__wall(end), TIME_ISO_MS);
	if (h->json) {
		obuf__printf(&h->out, "{\"view\":\"httptop\",\"start\":\"%s\",\"end\":\"%s\","
			     "\"start_ns\":%llu,\"end_ns\":%llu,\"by\":\"%s\",\"rows\":[", t0, t1,
			     (unsigned long long)start, (unsigned long long)end, by_name[h->by]);
	} else {
		obuf__printf(&h->out, "--- httptop %s .. %s\n%-16s%s%-8s%s\n", t0, t1,
			     by_name[h->by], h->containers ? "container               " : "",
			     "method", "url");
		obuf__puts(&h->out, "------------------------------------------------------------"
			   "--------------------\n");
	}
	for (i = 0; i < shown; i++)
		put_top_row(h, h->sorted[i], !i);
	if (h->json)
		obuf__write(&h->out, "]}\n", 3);
	else if (h->rows_over)
		obuf__printf(&h->out, "(%llu requests not counted: more than %u rows)\n",
			     (unsigned long long)h->rows_over, HTTPTOP_ROWS_MAX);
	for (i = 0; i < h->nrows; i++) {
		free(h->sorted[i]->key);
		free(h->sorted[i]);
	}
	hashmap__free(h->rows);
	h->rows = hashmap__new(64);
	h->nrows = 0;
	h->rows_over = 0;
	obuf__flush(&h->out);
}

/* Tables for every interval that ended by `now`. */
static void top_flush(struct httpview *h, uint64_t now)
{
	if (!h->top || !h->ival || !h->started)
		return;
	while (now >= h->start + h->ival && !h->out.broken && h->rows) {
		top_render(h, h->start, h->start + h->ival);
		/* intervals without a request: one empty table, then straight to `now` */
		h->start += h->ival;
		if (now >= h->start + h->ival)
			h->start += (now - h->start) / h->ival * h->ival;
	}
}

/* --- connections --------------------------------------------------------------------------- */
static void on_msg(void *ctx, const struct http_msg *m)
{
	struct httpview *h = ctx;
	struct http_conn *c = h->cur;
	struct pending *p;
	struct transaction t;
	unsigned int i;

	if (m->kind == HTTP_REQUEST) {
		if (c->n == HTTP_PIPELINE) {	/* the oldest never got its response */
			c->first = (c->first + 1) % HTTP_PIPELINE;
			c->n--;
		}
		p = &c->pend[(c->first + c->n++) % HTTP_PIPELINE];
		p->ts = h->ev->ts;
		p->dir = h->dir;
		memcpy(p->method, m->method, sizeof(p->method));
		memcpy(p->url, m->url, sizeof(p->url));
		return;
	}
	/* the oldest request that went the other way */
	for (i = 0; i < c->n; i++)
		if (c->pend[(c->first + i) % HTTP_PIPELINE].dir != h->dir)
			break;
	if (i == c->n)
		return;
	p = &c->pend[(c->first + i) % HTTP_PIPELINE];
	if (!strcmp(p->method, "HEAD"))
		http_stream_no_body(&c->s[h->dir]);
	/* requests before it that went the same way (a proxy's both ends on one fd?): dropped */
	c->first = (c->first + i + 1) % HTTP_PIPELINE;
	c->n -= i + 1;
	t = (struct transaction){ p, m, h->ev->ts - p->ts, h->ev };
	if (h->top)
		top_count(h, &t);
	else
		log_transaction(h, &t);
}

/*
 * A connection: its process and fd, or, for an IP socket the fd table knows the ends of, its
 * process and addresses, whatever fd it is read and written through (a server that dup2s its
 * socket onto stdin and stdout, as busybox httpd and inetd's children do).
 */
static uint64_t conn_key(const struct scry_event *ev, int64_t fd)
{
	const struct scry_fd *f = fdtab__of_event(ev, fd, 0);
	struct {
		uint32_t pid;
		int32_t fd;
		struct scry_sock_addr sa;
	} k;

	memset(&k, 0, sizeof(k));
	k.pid = ev->rec->h.pid;
	if (f && f->sock && f->sa.rport && (f->sa.family == AF_INET || f->sa.family == AF_INET6)) {
		k.fd = -1;
		k.sa.family = f->sa.family;
		k.sa.lport = f->sa.lport;
		k.sa.rport = f->sa.rport;
		memcpy(k.sa.laddr, f->sa.laddr, sizeof(k.sa.laddr));
		memcpy(k.sa.raddr, f->sa.raddr, sizeof(k.sa.raddr));
	} else {
		k.fd = (int32_t)fd;
	}
	return hash_bytes((const char *)&k, sizeof(k));
}

static void conn_drop(struct httpview *h, uint64_t key)
{
	struct http_conn *c = hashmap__del(h->conns, key);

	if (c) {
		free(c);
		h->nconns--;
	}
}

/* Room for a connection: those idle for HTTP_IDLE_NS go first. */
static bool conn_room(struct httpview *h, uint64_t now)
{
	size_t pos = 0;
	uint64_t key;
	void *v;

	if (h->nconns < HTTP_CONNS_MAX)
		return true;
	while (hashmap__next(h->conns, &pos, &key, &v)) {
		struct http_conn *c = v;

		if (c->last_ts + HTTP_IDLE_NS < now) {
			conn_drop(h, key);
			pos = 0;	/* the map changed: from its start */
		}
	}
	return h->nconns < HTTP_CONNS_MAX;
}

static int httpview_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct httpview *h = ctx;
	const struct scry_rec_sys_exit *x;
	struct http_conn *c;
	const uint8_t *d;
	uint32_t n;
	int64_t fd;
	uint8_t kind;
	uint64_t key;
	char dir;

	(void)matched;
	top_flush(h, ev->ts);
	if (ev->type != SCRY_REC_SYS_EXIT)
		return 0;
	if (!h->started) {
		h->started = true;
		h->start = h->run->start_ts && h->run->start_ts <= ev->ts ? h->run->start_ts
									   : ev->ts;
	}
	x = &ev->rec->exit;
	if ((int)ev->nr == h->nr_close && ev->res == 0 && x->nargs) {
		if (h->nconns)
			conn_drop(h, conn_key(ev, (int32_t)x->args[0]));
		return 0;
	}
	if (ev->res <= 0 || !(d = evt_data(ev, &n)) || !(dir = iodata_dir(ev->nr)) ||
	    !evt_fd_num(ev, &fd, &kind) || (kind && kind != SCRY_FD_SOCK))
		return 0;
	key = conn_key(ev, fd);
	c = hashmap__find(h->conns, key);
	if (!c) {
		if (!http_may_start(d, n))
			return 0;
		if (!conn_room(h, ev->ts)) {
			h->conns_full++;
			return 0;
		}
		c = calloc(1, sizeof(*c));
		if (!c || hashmap__set(h->conns, key, c)) {
			free(c);
			return -ENOMEM;
		}
		c->key = key;
		h->nconns++;
	}
	c->last_ts = ev->ts;
	h->cur = c;
	h->ev = ev;
	h->dir = dir == IODATA_WRITE;
	http_stream_feed(&c->s[h->dir], d, n, (uint64_t)ev->res, on_msg, h);
	return h->out.broken ? SINK_DONE : 0;
}

static int httpview_tick(void *ctx, uint64_t ts)
{
	struct httpview *h = ctx;

	top_flush(h, ts);
	obuf__flush(&h->out);
	return h->out.broken ? SINK_DONE : 0;
}

static int httpview_finish(void *ctx)
{
	struct httpview *h = ctx;
	uint64_t end = h->run->last_ts;

	if (h->top) {
		top_flush(h, end);
		if (h->rows)
			top_render(h, h->started ? h->start : end, end);
	}
	if (h->conns_full)
		log_warn("%s: %llu calls on connections not followed (more than %u at once)",
			 h->top ? "httptop" : "httplog", (unsigned long long)h->conns_full,
			 HTTP_CONNS_MAX);
	obuf__flush(&h->out);
	return h->out.err;
}

static void httpview_free(void *ctx)
{
	struct httpview *h = ctx;
	size_t pos = 0;
	uint64_t key;
	void *v;

	if (!h)
		return;
	while (h->conns && hashmap__next(h->conns, &pos, &key, &v))
		free(v);
	hashmap__free(h->conns);
	pos = 0;
	while (h->rows && hashmap__next(h->rows, &pos, &key, &v)) {
		free(((struct top_row *)v)->key);
		free(v);
	}
	hashmap__free(h->rows);
	free(h->sorted);
	sbuf_mem__free(&h->scratch);
	free(h);
}

const struct sink_ops httpview_ops = SINK_OPS(httpview, "http", 0);

static void *httpview_new(const struct chisel_ctx *o, const struct run_ctx *run, bool top)
{
	struct httpview *h;
	const char *arg = top ? chisel_arg(o, "by") : NULL;
	enum by by = BY_NCALLS;

	if (arg) {
		for (by = 0; by <= BY_BYTES && strcasecmp(arg, by_name[by]); by++)
			;
		if (by > BY_BYTES) {
			log_err("httptop: by is ncalls, time or bytes");
			errno = EINVAL;
			return NULL;
		}
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->top = top;
	h->by = by;
	h->json = o->json;
	h->containers = o->containers;
	h->rows_max = o->top;
	h->run = run;
	h->ival = (uint64_t)(o->interval * 1e9);
	h->nr_close = syscall_lookup("close");
	h->fcname = field_lookup("container.name");
	h->conns = hashmap__new(64);
	if (top) {
		h->rows = hashmap__new(64);
		h->sorted = calloc(HTTPTOP_ROWS_MAX, sizeof(*h->sorted));
	}
	obuf__init(&h->out, o->fd);
	if (!h->conns || (top && (!h->rows || !h->sorted))) {
		httpview_free(h);
		errno = ENOMEM;
		return NULL;
	}
	return h;
}

void *httptop__new(const struct chisel_ctx *o, const struct run_ctx *run)
{
	return httpview_new(o, run, true);
}

void *httplog__new(const struct chisel_ctx *o, const struct run_ctx *run)
{
	return httpview_new(o, run, false);
}
