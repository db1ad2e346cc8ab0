// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP/1 heads from a socket's bytes, a call at a time (see scry/http.h). The grammar taken,
 * of RFC 9112's, is what a head needs to be found and told apart from other bytes:
 *
 *	request-line = method SP target SP "HTTP/1." DIGIT
 *	status-line  = "HTTP/1." DIGIT SP 3DIGIT [ SP reason ]
 *	header-line  = name ":" OWS value		(Host, Content-Length, Transfer-Encoding)
 *	end of head  = an empty line
 *
 * Lines end with LF (a CR before it is dropped). A method is 1 to 15 capitals; a target is
 * printable ASCII without spaces. The first line is judged as soon as it ends (or fills the
 * line: a long target is cut, the method and the target's start still tell a request); a
 * stream whose bytes cannot begin a head is lost until its next call.
 */
#include <string.h>
#include <strings.h>

#include "scry/http.h"

static bool is_upper(uint8_t c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_target(uint8_t c)
{
	return c > ' ' && c < 0x7f;
}

bool http_may_start(const uint8_t *d, uint32_t n)
{
	return n && is_upper(d[0]);
}

/* Copy at most dst_len - 1 bytes and a NUL; true if all of them fit. */
static bool copy_str(char *dst, size_t dst_len, const char *src, size_t n)
{
	bool fit = n < dst_len;

	if (!fit)
		n = dst_len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return fit;
}

/* "HTTP/1.x": the version both first lines carry. */
static bool is_version(const char *s, size_t n)
{
	return n == 8 && !memcmp(s, "HTTP/1.", 7) && s[7] >= '0' && s[7] <= '9';
}

static bool parse_status_line(struct http_msg *m, const char *l, size_t n)
{
	if (n < 12 || !is_version(l, 8) || l[8] != ' ')
		return false;
	if (l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' || l[11] < '0' ||
	    l[11] > '9' || (n > 12 && l[12] != ' '))
		return false;
	m->kind = HTTP_RESPONSE;
	m->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	return true;
}

/* `whole`: the line ended within line[] (else its end, the version, was not seen). */
static bool parse_request_line(struct http_msg *m, const char *l, size_t n, bool whole)
{
	size_t i = 0, t;

	while (i < n && i < HTTP_METHOD_MAX - 1 && is_upper(l[i]))
		i++;
	if (!i || i >= n || l[i] != ' ')
		return false;
	copy_str(m->method, sizeof(m->method), l, i);
	t = ++i;
	while (i < n && is_target(l[i]))
		i++;
	if (i == t)
		return false;
	if (whole && (i == n || l[i] != ' ' || !is_version(l + i + 1, n - i - 1)))
		return false;
	if (!whole && i != n)
		return false;
	m->url_cut = !copy_str(m->target, sizeof(m->target), l + t, i - t) || !whole;
	m->kind = HTTP_REQUEST;
	return true;
}

/* A header's value if the line is `name` (case as it comes: names are case-insensitive). */
static const char *header(const char *l, size_t n, const char *name, size_t *vlen)
{
	size_t k = strlen(name), i;

	if (n <= k || l[k] != ':' || strncasecmp(l, name, k))
		return NULL;
	for (i = k + 1; i < n && (l[i] == ' ' || l[i] == '\t'); i++)
		;
	while (n > i && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	*vlen = n - i;
	return l + i;
}

/* Content-Length: digits only, at most 2^62 (a larger one is not believed: no body skipped). */
static bool parse_length(const char *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (!n || n > 18)
		return false;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (v[i] - '0');
	}
	*out = x;
	return true;
}

static void parse_header(struct http_msg *m, const char *l, size_t n)
{
	const char *v;
	size_t vn;

	if ((v = header(l, n, "Host", &vn)) && is_target(vn ? v[0] : 0)) {
		if (!copy_str(m->host, sizeof(m->host), v, vn))
			m->url_cut = true;
	} else if ((v = header(l, n, "Content-Length", &vn))) {
		m->has_length = parse_length(v, vn, &m->length);
	} else if ((v = header(l, n, "Transfer-Encoding", &vn))) {
		m->chunked = vn >= 7 && !strncasecmp(v + vn - 7, "chunked", 7);
	}
}

static void lose(struct http_stream *s)
{
	s->state = HS_LOST;
	s->lost++;
}

/*
 * The head is complete: what follows it (a body to pass, or a new head) is settled, then the
 * head handed over, so that `fn` may still say there is no body (a response to HEAD).
 */
static void head_done(struct http_stream *s, http_msg_fn fn, void *ctx)
{
	struct http_msg *m = &s->msg;
	size_t h = strlen(m->host);

	/* sysdig's url: the Host header's value, then the target */
	if (h && m->target[0] == '/') {
		memcpy(m->url, m->host, h);
		if (!copy_str(m->url + h, sizeof(m->url) - h, m->target, strlen(m->target)))
			m->url_cut = true;
	} else {
		copy_str(m->url, sizeof(m->url), m->target, strlen(m->target));
	}
	s->msgs++;
	s->state = HS_START;
	if (m->kind == HTTP_RESPONSE &&
	    (m->status < 200 || m->status == 204 || m->status == 304))
		;		/* no body, whatever it says */
	else if (m->chunked || (m->kind == HTTP_RESPONSE && !m->has_length))
		lose(s);	/* a body whose end is not counted: found again at a call's start */
	else if (m->has_length && m->length)
		s->state = HS_BODY, s->skip = m->length;
	fn(ctx, m);
}

void http_stream_no_body(struct http_stream *s)
{
	if (s->state == HS_BODY || s->state == HS_LOST) {
		s->state = HS_START;
		s->skip = 0;
	}
}

/* One line of a head, its LF and CR gone; `whole`: it fitted in line[]. */
static void head_line(struct http_stream *s, const char *l, size_t n, bool whole, http_msg_fn fn,
		      void *ctx)
{
	if (s->lines++ == 0) {
		memset(&s->msg, 0, sizeof(s->msg));
		if (!parse_status_line(&s->msg, l, n) && !parse_request_line(&s->msg, l, n, whole))
			lose(s);
		return;
	}
	if (!n) {
		head_done(s, fn, ctx);
		return;
	}
	if (s->lines > HTTP_HEADERS_MAX) {
		lose(s);
		return;
	}
	if (whole)
		parse_header(&s->msg, l, n);
}

/* Bytes of a head: whole lines go to head_line; returns the bytes used. */
static size_t head_bytes(struct http_stream *s, const uint8_t *d, size_t n, http_msg_fn fn,
			 void *ctx)
{
	const uint8_t *nl = memchr(d, '\n', n);
	size_t take = nl ? (size_t)(nl - d) : n, room = HTTP_LINE_MAX - s->line_len, len;

	if (s->line_over) {
		/* the rest of a line too long to hold: passed up to its end */
		if (!nl)
			return n;
		s->line_over = false;
		s->line_len = 0;
		return take + 1;
	}
	if (s->state == HS_START) {
		/* The first byte of a head: a method's capital, or the H of HTTP/ */
		if (!is_upper(d[0])) {
			lose(s);
			return n;
		}
		s->state = HS_HEAD;
		s->lines = 0;
		s->line_len = 0;
	}
	if (take >= room) {
		/*
		 * Too long to hold: a first line is judged on what it holds (a request's method and
		 * the start of its target), a header line is not read. The rest is passed.
		 */
		memcpy(s->line + s->line_len, d, room);
		s->line_len = 0;
		s->line_over = true;
		head_line(s, s->line, HTTP_LINE_MAX, false, fn, ctx);
		return room;
	}
	memcpy(s->line + s->line_len, d, take);
	s->line_len += take;
	if (!nl)
		return n;
	len = s->line_len;
	if (len && s->line[len - 1] == '\r')
		len--;
	s->line_len = 0;
	head_line(s, s->line, len, true, fn, ctx);
	return take + 1;
}

void http_stream_feed(struct http_stream *s, const uint8_t *d, uint32_t n, uint64_t total,
		      http_msg_fn fn, void *ctx)
{
	uint64_t unseen = total > n ? total - n : 0;
	size_t i = 0, k;

	if (s->state == HS_LOST) {
		s->state = HS_START;
		s->line_over = false;
	}
	while (i < n && s->state != HS_LOST) {
		if (s->state != HS_BODY) {
			i += head_bytes(s, d + i, n - i, fn, ctx);
			continue;
		}
		k = s->skip < n - i ? s->skip : n - i;
		s->skip -= k;
		i += k;
		if (!s->skip)
			s->state = HS_START;
	}
	if (!unseen || s->state == HS_LOST)
		return;
	/* What the snap length left out: the rest of a body is passed, anything else is lost. */
	if (s->state == HS_BODY && s->skip >= unseen) {
		s->skip -= unseen;
		if (!s->skip)
			s->state = HS_START;
		return;
	}
	lose(s);
}
