// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text exposition format, version 0.0.4 (Debian has no C client library; Falco
 * writes it itself too). Label values are user input (container names, images, pod labels):
 * the format escapes only backslash, double quote and newline, and wants UTF-8, so a byte that
 * is not strict UTF-8 becomes the text \xNN, as scry's other outputs show it.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/serve.h"

void expo__init(struct expo *e)
{
	memset(e, 0, sizeof(*e));
}

void expo__free(struct expo *e)
{
	free(e->buf);
	expo__init(e);
}

void expo__reset(struct expo *e)
{
	e->len = 0;
	e->oom = false;
}

static bool expo_room(struct expo *e, size_t n)
{
	size_t cap;
	char *b;

	if (e->oom)
		return false;
	if (e->len + n + 1 <= e->cap)
		return true;
	for (cap = e->cap ? e->cap : 65536; cap < e->len + n + 1; cap *= 2)
		;
	b = realloc(e->buf, cap);
	if (!b) {
		e->oom = true;
		return false;
	}
	e->buf = b;
	e->cap = cap;
	return true;
}

void expo__write(struct expo *e, const char *s, size_t n)
{
	if (!expo_room(e, n))
		return;
	memcpy(e->buf + e->len, s, n);
	e->len += n;
	e->buf[e->len] = '\0';
}

void expo__puts(struct expo *e, const char *s)
{
	expo__write(e, s, strlen(s));
}

/*
 * Length of the strict UTF-8 sequence at s[0..n) (2 to 4 bytes), 0 if there is none: no
 * overlong forms, no surrogates, nothing above U+10FFFF, nothing cut short.
 */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp, min;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void expo__label_value(struct expo *e, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, len;

	while (i < n) {
		unsigned char c = s[i];
		char esc[6];
		size_t elen = 0;

		if (c >= 0x80 && (len = utf8_seq(s + i, n - i))) {
			i += len;
			continue;
		}
		if (c == '\\' || c == '"') {
			esc[0] = '\\';
			esc[1] = c;
			elen = 2;
		} else if (c == '\n') {
			memcpy(esc, "\\n", 2);
			elen = 2;
		} else if (c >= 0x80) {
			memcpy(esc, "\\\\x", 3);
			esc[3] = hex[c >> 4];
			esc[4] = hex[c & 15];
			elen = 5;
		}
		if (!elen) {
			i++;
			continue;
		}
		expo__write(e, str + run, i - run);
		expo__write(e, esc, elen);
		i++;
		run = i;
	}
	expo__write(e, str + run, n - run);
}

void expo__family(struct expo *e, const char *name, const char *type, const char *help)
{
	const char *p;

	expo__puts(e, "# HELP ");
	expo__puts(e, name);
	expo__puts(e, " ");
	for (p = help; *p; p++) {
		if (*p == '\\')
			expo__write(e, "\\\\", 2);
		else if (*p == '\n')
			expo__write(e, "\\n", 2);
		else
			expo__write(e, p, 1);
	}
	expo__puts(e, "\n# TYPE ");
	expo__puts(e, name);
	expo__puts(e, " ");
	expo__puts(e, type);
	expo__puts(e, "\n");
}

void expo__u64(struct expo *e, uint64_t v)
{
	char b[24];

	expo__write(e, b, snprintf(b, sizeof(b), "%" PRIu64, v));
}

void expo__double(struct expo *e, double v)
{
	char b[32];

	if (isnan(v))
		expo__puts(e, "NaN");
	else if (isinf(v))
		expo__puts(e, v > 0 ? "+Inf" : "-Inf");
	else
		expo__write(e, b, snprintf(b, sizeof(b), "%.17g", v));
}
