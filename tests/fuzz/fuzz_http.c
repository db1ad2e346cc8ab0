// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the HTTP/1 head parser (httptop, httplog): the input is a sequence of
 * calls, each a byte of length (0-255), a byte whose low bits say how many bytes the call moved
 * beyond those captured (a snap length) and which direction it went, then its bytes. Every head
 * handed over must be one (a request with a method of capitals and a target, a response with a
 * status of 100-599), and the stream's line never past its bound. `make fuzz-http` runs it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scry/http.h"

static void check(void *ctx, const struct http_msg *m)
{
	(void)ctx;
	if (m->kind == HTTP_REQUEST) {
		if (m->method[0] < 'A' || m->method[0] > 'Z' || !m->target[0] ||
		    strlen(m->url) >= HTTP_URL_MAX)
			abort();
	} else if (m->kind != HTTP_RESPONSE || m->status < 100 || m->status > 599) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_stream s[2];
	size_t i = 0;

	memset(s, 0, sizeof(s));
	while (i + 2 <= size) {
		size_t n = data[i], extra = (data[i + 1] & 0x7f) * 64;
		int dir = data[i + 1] >> 7;
		uint8_t *copy;

		i += 2;
		if (n > size - i)
			n = size - i;
		/* its own allocation: ASan sees any read past the call's bytes */
		copy = malloc(n ? n : 1);
		if (!copy)
			return 0;
		memcpy(copy, data + i, n);
		http_stream_feed(&s[dir], copy, n, n + extra, check, NULL);
		free(copy);
		if (s[dir].line_len >= HTTP_LINE_MAX)
			abort();
		i += n;
	}
	return 0;
}
