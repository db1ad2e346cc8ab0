// SPDX-License-Identifier: GPL-2.0
/*
 * The HTTP/1 head parser (httptop, httplog): requests and responses, pipelined in one buffer,
 * split across calls at every byte, bodies passed by their length (captured or not), and bytes
 * that are not HTTP (garbage, oversize lines, endless heads, random data): never a head made
 * up, never a read past what was given (ASan), and the stream found again at the next call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scry/http.h"

#define MAX_MSGS 64
struct got {
	int n;
	struct http_msg m[MAX_MSGS];
};

static void take(void *ctx, const struct http_msg *m)
{
	struct got *g = ctx;

	if (g->n < MAX_MSGS)
		g->m[g->n] = *m;
	g->n++;
}

/* Each call's bytes in a buffer of their own size, so ASan sees any read past them. */
static void feed(struct http_stream *s, const char *d, size_t n, uint64_t total, struct got *g)
{
	uint8_t *copy = malloc(n ? n : 1);

	memcpy(copy, d, n);
	http_stream_feed(s, copy, n, total, take, g);
	free(copy);
}

static void feed_str(struct http_stream *s, const char *d, struct got *g)
{
	feed(s, d, strlen(d), strlen(d), g);
}

static const char REQ[] = "GET /a/b?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
			  "User-Agent: t\r\nAccept: */*\r\n\r\n";
static const char RESP[] = "HTTP/1.0 404 File not found\r\nServer: x\r\n"
			   "Content-Type: text/html\r\nContent-Length: 5\r\n\r\nabcde";

static void request_and_response(void **state)
{
	struct http_stream s = {}, r = {};
	struct got g = {};

	(void)state;
	feed_str(&s, REQ, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.m[0].kind, HTTP_REQUEST);
	assert_string_equal(g.m[0].method, "GET");
	assert_string_equal(g.m[0].target, "/a/b?x=1");
	assert_string_equal(g.m[0].url, "127.0.0.1:8000/a/b?x=1");
	assert_false(g.m[0].url_cut);
	feed_str(&r, RESP, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.m[1].kind, HTTP_RESPONSE);
	assert_int_equal(g.m[1].status, 404);
	assert_true(g.m[1].has_length);
	assert_int_equal(g.m[1].length, 5);
	/* the body passed: the stream waits for the next head */
	assert_int_equal(r.state, HS_START);
	/* bare LF line ends, no Host: the target alone; POST with a body */
	feed_str(&s, "POST /up HTTP/1.0\nContent-Length: 3\n\nxyz", &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.m[2].method, "POST");
	assert_string_equal(g.m[2].url, "/up");
	assert_int_equal(s.state, HS_START);
}

static void pipelined(void **state)
{
	char buf[4096];
	struct http_stream s = {}, r = {};
	struct got g = {};

	(void)state;
	snprintf(buf, sizeof(buf), "%s%s%s", REQ,
		 "HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n",
		 "PUT /p HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789");
	feed_str(&s, buf, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.m[1].method, "HEAD");
	assert_string_equal(g.m[1].url, "h/h");
	assert_string_equal(g.m[2].method, "PUT");
	/* responses one after the other, bodies between them (the 204 has none) */
	snprintf(buf, sizeof(buf), "%s%s%s", RESP, "HTTP/1.1 204 No Content\r\n\r\n",
		 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	feed_str(&r, buf, &g);
	assert_int_equal(g.n, 6);
	assert_int_equal(g.m[3].status, 404);
	assert_int_equal(g.m[4].status, 204);
	assert_int_equal(g.m[5].status, 200);
}

/* A response to HEAD says its Content-Length but sends no body: the pairing tells the stream. */
static void take_head(void *ctx, const struct http_msg *m)
{
	struct http_stream **s = ctx;

	if (m->kind == HTTP_RESPONSE)
		http_stream_no_body(*s);
}

static void head_response(void **state)
{
	static const char two[] = "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"
				  "HTTP/1.1 404 No\r\nContent-Length: 0\r\n\r\n";
	struct http_stream s = {}, *sp = &s;
	struct got g = {};

	(void)state;
	http_stream_feed(&s, (const uint8_t *)two, strlen(two), strlen(two), take_head, &sp);
	assert_int_equal(s.msgs, 2);
	assert_int_equal(s.state, HS_START);
	/* without the hint, the second head is taken for the first one's body */
	memset(&s, 0, sizeof(s));
	feed_str(&s, two, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(s.state, HS_BODY);
	/* the hint changes nothing for a stream waiting for a head */
	memset(&s, 0, sizeof(s));
	http_stream_no_body(&s);
	assert_int_equal(s.state, HS_START);
}

/* Every split of a request and response pair into two calls finds the same two heads. */
static void split_anywhere(void **state)
{
	char buf[1024];
	size_t n, cut, a, b;

	(void)state;
	n = snprintf(buf, sizeof(buf), "%s%s", RESP,
		     "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	for (cut = 0; cut <= n; cut++) {
		struct http_stream s = {};
		struct got g = {};

		feed(&s, buf, cut, cut, &g);
		feed(&s, buf + cut, n - cut, n - cut, &g);
		assert_int_equal(g.n, 2);
		assert_int_equal(g.m[0].status, 404);
		assert_int_equal(g.m[1].status, 200);
	}
	/* and in three calls, of every pair of cuts in the request */
	n = strlen(REQ);
	for (a = 0; a <= n; a++)
		for (b = a; b <= n; b++) {
			struct http_stream s = {};
			struct got g = {};

			feed(&s, REQ, a, a, &g);
			feed(&s, REQ + a, b - a, b - a, &g);
			feed(&s, REQ + b, n - b, n - b, &g);
			assert_int_equal(g.n, 1);
			assert_string_equal(g.m[0].url, "127.0.0.1:8000/a/b?x=1");
		}
}

/* A snap length shorter than the call: the uncaptured body is passed, an uncaptured head lost. */
static void snapped(void **state)
{
	static const char big[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
	struct http_stream s = {};
	struct got g = {};
	size_t h = strlen(big);

	(void)state;
	feed(&s, big, h, h + 1000, &g);		/* the body uncaptured, all of it */
	assert_int_equal(g.n, 1);
	assert_int_equal(s.state, HS_START);
	feed(&s, big, h, h + 400, &g);		/* 600 bytes of body still to come */
	assert_int_equal(s.state, HS_BODY);
	feed(&s, "x", 1, 600, &g);
	assert_int_equal(s.state, HS_START);
	feed(&s, big, 10, h, &g);		/* a head cut by the snap length: lost */
	assert_int_equal(s.state, HS_LOST);
	feed_str(&s, RESP, &g);			/* found again at the next call */
	assert_int_equal(g.n, 3);
	assert_int_equal(g.m[2].status, 404);
}

static void not_http(void **state)
{
	static const char *const bad[] = {
		"hello world\r\n\r\n",
		"GET\r\n\r\n",
		"GET /x\r\n\r\n",			/* no version */
		"GET /x HTTP/2\r\n\r\n",
		"GET  /x HTTP/1.1\r\n\r\n",		/* two spaces */
		"get /x HTTP/1.1\r\n\r\n",
		"ABCDEFGHIJKLMNOPQ /x HTTP/1.1\r\n\r\n",	/* a 17-letter method */
		"HTTP/1.1 99 x\r\n\r\n",
		"HTTP/1.1 600 x\r\n\r\n",
		"HTTP/1.1 2000\r\n\r\n",
		"HTTP/1.1200 OK\r\n\r\n",
		"GET /\x01 HTTP/1.1\r\n\r\n",
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",	/* a TLS hello */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct http_stream s = {};
		struct got g = {};

		feed_str(&s, bad[i], &g);
		assert_int_equal(g.n, 0);
		assert_int_equal(s.state, HS_LOST);
		/* the next call starts afresh */
		feed_str(&s, REQ, &g);
		assert_int_equal(g.n, 1);
	}
	assert_false(http_may_start((const uint8_t *)"g", 1));
	assert_false(http_may_start(NULL, 0));
	assert_true(http_may_start((const uint8_t *)"HTTP/", 5));
}

static void oversize(void **state)
{
	size_t n = 100000, i;
	char *buf = malloc(n + 64);
	struct http_stream s = {};
	struct got g = {};

	(void)state;
	/* a 100000-byte target: a request still, its url cut to what url[] holds */
	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'a', n);
	strcpy(buf + 5 + n, " HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(&s, buf, &g);
	assert_int_equal(g.n, 1);
	assert_true(g.m[0].url_cut);
	assert_int_equal(strlen(g.m[0].url), HTTP_URL_MAX - 1);
	assert_int_equal(s.state, HS_START);
	/* a 100000-byte header: not read, the head still ends */
	strcpy(buf, "HTTP/1.1 301 x\r\nX: ");
	memset(buf + 19, 'b', n);
	strcpy(buf + 19 + n, "\r\nContent-Length: 0\r\n\r\n");
	feed_str(&s, buf, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.m[1].status, 301);
	/* endless header lines: lost after HTTP_HEADERS_MAX, not held */
	memset(&s, 0, sizeof(s));
	feed_str(&s, "GET / HTTP/1.1\r\n", &g);
	for (i = 0; i < 2 * HTTP_HEADERS_MAX && s.state != HS_LOST; i++)
		feed_str(&s, "X: y\r\n", &g);
	assert_int_equal(s.state, HS_LOST);
	assert_int_equal(g.n, 2);
	/* a Content-Length too large to believe: no body passed, none read as a head */
	memset(&s, 0, sizeof(s));
	feed_str(&s, "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nGET", &g);
	assert_int_equal(g.n, 3);
	assert_false(g.m[2].has_length);
	assert_int_equal(s.state, HS_LOST);
	free(buf);
}

/* Random bytes and random mixes of heads' pieces: no crash, no read out of bounds (ASan). */
static void garbage(void **state)
{
	static const char *const pieces[] = {
		"GET ", "/x", " HTTP/1.1", "\r\n", "\n", "Host: ", "Content-Length: ", "5",
		"HTTP/1.1 ", "200", " OK", "Transfer-Encoding: chunked", "\r\n\r\n", "\x00", "\xff",
	};
	struct http_stream s = {};
	struct got g = {};
	uint8_t buf[700];
	int i, j;

	(void)state;
	srand(15);
	for (i = 0; i < 20000; i++) {
		size_t n = 0;

		if (i % 2) {
			n = rand() % sizeof(buf);
			for (j = 0; j < (int)n; j++)
				buf[j] = rand();
		} else {
			for (j = rand() % 12; j > 0; j--) {
				const char *p = pieces[rand() % 15];
				size_t k = *p ? strlen(p) : 1;

				if (n + k > sizeof(buf))
					break;
				memcpy(buf + n, p, k);
				n += k;
			}
		}
		feed(&s, (const char *)buf, n, n + (rand() % 4 ? 0 : rand() % 2000), &g);
		assert_true(s.line_len < HTTP_LINE_MAX);
	}
	/* whatever it found was a head: a known kind, a method of capitals, a status in range */
	for (i = 0; i < g.n && i < MAX_MSGS; i++) {
		if (g.m[i].kind == HTTP_REQUEST)
			assert_true(g.m[i].method[0] >= 'A' && g.m[i].method[0] <= 'Z');
		else
			assert_true(g.m[i].kind == HTTP_RESPONSE && g.m[i].status >= 100 &&
				    g.m[i].status <= 599);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_and_response),
		cmocka_unit_test(pipelined),
		cmocka_unit_test(head_response),
		cmocka_unit_test(split_anywhere),
		cmocka_unit_test(snapped),
		cmocka_unit_test(not_http),
		cmocka_unit_test(oversize),
		cmocka_unit_test(garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
