/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTTP/1 heads read from the bytes of the reads, writes, sends and receives of a socket (the
 * httptop and httplog chisels). Each direction of a connection is a stream fed one call at a
 * time: the request or status line and the few headers that matter (Host, Content-Length,
 * Transfer-Encoding) are parsed as bytes arrive, a line at most HTTP_LINE_MAX bytes held; a
 * body of known length is skipped (so pipelined requests in one buffer are all found), anything
 * else loses the stream until a call starts with what can begin a head. Bytes from anywhere
 * (a hostile peer, a crafted capture) cost linear time and the stream's fixed size.
 */
#ifndef SCRY_HTTP_H
#define SCRY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_METHOD_MAX	16	/* "OPTIONS", with room: longer is not a method */
#define HTTP_URL_MAX	256	/* Host and target kept (sysdig's url), cut beyond */
#define HTTP_LINE_MAX	512	/* bytes of one line held; the rest of a longer one passed */
#define HTTP_HEADERS_MAX 128	/* header lines in one head, at most: past that, not HTTP */

enum http_kind {
	HTTP_REQUEST = 1,
	HTTP_RESPONSE = 2,
};

struct http_msg {
	uint8_t kind;		/* enum http_kind */
	bool has_length;	/* Content-Length was given */
	bool chunked;		/* Transfer-Encoding: chunked */
	bool url_cut;		/* the target (or Host) was longer than url[] holds */
	uint16_t status;	/* a response's code */
	uint64_t length;	/* Content-Length */
	char method[HTTP_METHOD_MAX];
	char url[HTTP_URL_MAX];	/* Host and target ("127.0.0.1:8000/a"), as sysdig shows */
	char target[HTTP_URL_MAX];	/* the target alone ("/a") */
	char host[HTTP_URL_MAX];
};

enum http_state {
	HS_START = 0,		/* a head may begin at the next byte */
	HS_HEAD,		/* inside one */
	HS_BODY,		/* passing a body of known length */
	HS_LOST,		/* not HTTP, or lost: wait for the next call */
};

struct http_stream {
	uint8_t state;		/* enum http_state */
	bool line_over;		/* the line being read is longer than line[] */
	uint16_t line_len;
	uint16_t lines;		/* of the head being read */
	uint64_t skip;		/* HS_BODY: body bytes still to pass */
	uint64_t msgs;		/* heads found */
	uint64_t lost;		/* times the stream was lost */
	struct http_msg msg;	/* the head being read */
	char line[HTTP_LINE_MAX];
};

typedef void (*http_msg_fn)(void *ctx, const struct http_msg *m);

/*
 * One call's bytes: `n` captured of the `total` it moved (a snap length may cut them; the
 * uncaptured rest of a body is passed, anything else uncaptured loses the stream). `fn` gets
 * each head completed, in order.
 */
void http_stream_feed(struct http_stream *s, const uint8_t *d, uint32_t n, uint64_t total,
		      http_msg_fn fn, void *ctx);
/*
 * From `fn`, about the response just handed over: it has no body whatever its headers say (it
 * answers a HEAD request), so the next bytes may begin a head.
 */
void http_stream_no_body(struct http_stream *s);
/* Whether a call's bytes can start a head (a method's capital or "HTTP/"): worth a stream. */
bool http_may_start(const uint8_t *d, uint32_t n);

#endif /* SCRY_HTTP_H */
