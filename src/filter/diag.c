// SPDX-License-Identifier: GPL-2.0
/*
 * Telling the user what is wrong with an expression: "did you mean" suggestions, and the
 * error shown the way compilers show it, with the expression and a caret under the token:
 *
 *   scry: filter: unknown evt.type 'getppidd': did you mean getppid?
 *   scry:   proc.name=x and evt.type=getppidd
 *   scry:                   ^~~~~~~~~~~~~~~~
 *
 * The expression reaches the terminal escaped (util/escape.c), so columns are counted on the
 * escaped text: a control character before the token moves the caret by its \xNN.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Words longer than this get no suggestion (and cost nothing to compare). */
#define SUGGEST_MAX 64

static unsigned char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (unsigned char)c;
}

static unsigned int min2(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

/*
 * Edit distance (insertions, deletions, substitutions and swaps of neighbours), ignoring case:
 * "getppidd" is 1 from "getppid", "enoent" 0 from "ENOENT".
 */
static unsigned int distance(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned int rows[3][SUGGEST_MAX + 1], *pp = rows[0], *p = rows[1], *c = rows[2], *t;
	size_t i, j;

	for (j = 0; j <= lb; j++)
		p[j] = j;
	for (i = 1; i <= la; i++) {
		c[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned int v = min2(p[j] + 1, c[j - 1] + 1);

			v = min2(v, p[j - 1] + (lower(a[i - 1]) != lower(b[j - 1])));
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]))
				v = min2(v, pp[j - 2] + 1);
			c[j] = v;
		}
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb];
}

void suggest__init(struct suggest *s, const char *word)
{
	memset(s, 0, sizeof(*s));
	s->word = word;
}

/*
 * Keep the closest candidate, the first one on a tie: one edit away (or a change of case) is
 * closest, then a name the word begins ("proc.cmd" -> proc.cmdline), then two edits away.
 * Words of one or two characters only get a change of case: any other would be a guess.
 */
void suggest__try(struct suggest *s, const char *cand)
{
	size_t wl = strlen(s->word), cl = strlen(cand), i;
	unsigned int max = wl < 3 ? 0 : wl < 5 ? 1 : 2, score = UINT_MAX, d;

	if (!wl || wl > SUGGEST_MAX || cl > SUGGEST_MAX)
		return;
	if ((cl > wl ? cl - wl : wl - cl) <= max) {
		d = distance(s->word, wl, cand, cl);
		if (d <= max)
			score = d < 2 ? d : 3;
	}
	if (score == UINT_MAX && wl >= 3 && cl > wl) {
		for (i = 0; i < wl && lower(cand[i]) == lower(s->word[i]); i++)
			;
		if (i == wl)
			score = 2;
	}
	if (score < (s->best ? s->score : UINT_MAX)) {
		s->best = cand;
		s->score = score;
	}
}

size_t filter__columns(const char *s, size_t n)
{
	char buf[1024], *out = buf;
	size_t cap = 4 * n + 1, cols;	/* a byte escapes to at most 4 ("\xNN") */

	if (cap > sizeof(buf) && !(out = malloc(cap)))
		return n;
	cols = esc_columns(out, esc_text(out, cap, s, n));
	if (out != buf)
		free(out);
	return cols;
}

static bool utf8_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/* Bytes of the expression shown before and after the token, and of the token itself. */
#define WIN 40

void filter_error__log(const char *expr, const struct filter_error *e)
{
	char marks[4 * (WIN + 4) + 2];
	size_t n, pos, tok, start, tok_end, end, col, k;

	log_err("filter: %s", e->msg);
	expr = expr ? expr : "";
	/* Without trailing space: the log line would lose a final newline, and the caret with it. */
	for (n = strlen(expr); n && isspace((unsigned char)expr[n - 1]); n--)
		;
	pos = e->pos < n ? e->pos : n;
	tok = e->len < n - pos ? e->len : n - pos;
	/* A window around the token, cut between characters, never inside one. */
	start = pos > WIN ? pos - WIN : 0;
	while (start < pos && utf8_cont(expr[start]))
		start++;
	tok_end = pos + (tok < WIN ? tok : WIN);
	while (tok_end < n && utf8_cont(expr[tok_end]))
		tok_end++;
	end = n - tok_end > WIN ? tok_end + WIN : n;
	while (end < n && utf8_cont(expr[end]))
		end++;
	col = (start ? 3 : 0) + filter__columns(expr + start, pos - start);
	k = filter__columns(expr + pos, tok_end - pos);
	if (k >= sizeof(marks) - 1)
		k = sizeof(marks) - 2;
	marks[0] = '^';
	if (k > 1)
		memset(marks + 1, '~', k - 1);
	marks[k > 1 ? k : 1] = '\0';
	log_err("  %s%.*s%s", start ? "..." : "", (int)(end - start), expr + start,
		end < n ? "..." : "");
	log_err("  %*s%s", (int)col, "", marks);
}
