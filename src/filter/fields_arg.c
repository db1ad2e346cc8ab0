// SPDX-License-Identifier: GPL-2.0
/*
 * Fields with an argument, as sysdig has them: evt.arg.NAME, evt.arg[N], proc.aname[N],
 * container.mount.source[DEST]. The table has one row per stem (args != 0, get_arg set); the
 * text a user writes is resolved here into a bound copy of the row with its argument filled in
 * and the whole text as its name, so that every consumer (filter, -p, -j, views) handles it as
 * any other field, by pointer and by name.
 *
 * Copies are interned: the same text gives the same pointer, whoever asks (a filter compiled
 * at every keystroke in `scry top` does not grow memory), and they live until exit, as the
 * table does. Their number is bounded so that generated filters cannot grow memory without
 * end; past it, field_resolve fails with ENOSPC and says so.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct bound {
	struct field_desc d;
	char text[];		/* the name, NUL, then the key (for FA_KEY / FA_DOT), NUL */
};

/* Open addressing, twice the bound: a probe always ends at an empty slot. */
#define SLOTS (2 * FIELD_BOUND_MAX)
static struct bound *slots[SLOTS];
static size_t nbound;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static size_t text_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 29));
}

static bool in_table(const struct field_desc *f)
{
	return f >= field_table && f < field_table + field_count;
}

bool field__get_arg(const struct field_desc *f, const struct scry_event *ev,
		    struct field_val *v, struct sbuf *scratch)
{
	struct field_arg a = in_table(f) ? (struct field_arg){ -1, NULL } : f->arg;

	if (!f->get_arg)
		return false;
	/* A multi-valued field shown bare (-p, -j, views): its first value. */
	if (a.idx < 0 && !a.key && (f->flags & FF_ANY))
		a.idx = 1;
	return f->get_arg(ev, &a, v, scratch);
}

static void msg_set(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void msg_set(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!len)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
}

/* A few keys are shown one by one (evt.abspath.src), many by a placeholder (evt.arg.NAME). */
#define FORMS_KEYS_MAX 8

static size_t nkeys(const struct field_desc *f)
{
	size_t n = 0;

	if (!f->keys || f->keys->valid)
		return SIZE_MAX;
	while (n <= FORMS_KEYS_MAX && f->keys->nth(n))
		n++;
	return n;
}

static void forms_sep(const struct field_desc *f, char *buf, size_t len, const char *sep)
{
	size_t at = 0, i, n = nkeys(f);

#define FORM(kind, fmt)                                                                            \
	if ((f->args & (kind)) && at < len)                                                        \
		at += snprintf(buf + at, len - at, fmt, at ? sep : "", f->name)
	if (!len)
		return;
	buf[0] = '\0';
	if (!f->args) {
		snprintf(buf, len, "%s", f->name);
		return;
	}
	for (i = 0; n <= FORMS_KEYS_MAX && i < n && at < len; i++) {
		const char *k = f->keys->nth(i);

		if (*k && (f->args & FA_DOT))
			at += snprintf(buf + at, len - at, "%s%s.%s", at ? sep : "", f->name, k);
		if (*k && (f->args & FA_KEY) && at < len)
			at += snprintf(buf + at, len - at, "%s%s[%s]", at ? sep : "", f->name, k);
	}
	if (n > FORMS_KEYS_MAX) {
		FORM(FA_DOT, "%s%s.NAME");
		FORM(FA_KEY, "%s%s[KEY]");
	}
	FORM(FA_INDEX, "%s%s[N]");
	FORM(FA_BARE, "%s%s");
#undef FORM
}

void field_forms(const struct field_desc *f, char *buf, size_t len)
{
	forms_sep(f, buf, len, " ");
}

/* How the field is written, for messages: "proc.aname[N] or proc.aname". */
static void forms_or(const struct field_desc *f, char *buf, size_t len)
{
	forms_sep(f, buf, len, " or ");
}

/* The interned copy of `base` bound to `arg`, made on first use. */
static const struct field_desc *intern(const struct field_desc *base, const char *text,
				       int64_t idx, const char *key, size_t klen,
				       char *msg, size_t len)
{
	size_t tlen = strlen(text), i = text_hash(text) & (SLOTS - 1);
	const struct field_desc *r = NULL;
	struct bound *b;

	pthread_mutex_lock(&lock);
	for (; slots[i]; i = (i + 1) & (SLOTS - 1))
		if (!strcmp(slots[i]->text, text)) {
			r = &slots[i]->d;
			goto out;
		}
	if (nbound >= FIELD_BOUND_MAX) {
		msg_set(msg, len, "too many distinct fields with an argument (more than %d)",
			FIELD_BOUND_MAX);
		errno = ENOSPC;
		goto out;
	}
	b = calloc(1, sizeof(*b) + tlen + 1 + klen + 1);
	if (!b) {
		msg_set(msg, len, "out of memory");
		errno = ENOMEM;
		goto out;
	}
	b->d = *base;
	memcpy(b->text, text, tlen);
	b->d.name = b->text;
	b->d.arg.idx = idx;
	b->d.arg.key = NULL;
	if (key) {
		memcpy(b->text + tlen + 1, key, klen);
		b->d.arg.key = b->text + tlen + 1;
	}
	slots[i] = b;
	nbound++;
	r = &b->d;
out:
	pthread_mutex_unlock(&lock);
	return r;
}

static const struct field_desc *lookup_n(const char *text, size_t n)
{
	char stem[FIELD_NAME_MAX + 1];

	memcpy(stem, text, n);
	stem[n] = '\0';
	return field_lookup(stem);
}

/* A key the field does not know: refused, with the closest one it does. */
static bool key_known(const struct field_desc *f, const char *key, size_t klen, char open,
		      char *msg, size_t len)
{
	char k[FIELD_NAME_MAX + 1];
	struct suggest sg;
	const char *c;
	size_t i;

	if (!f->keys)
		return true;
	memcpy(k, key, klen);
	k[klen] = '\0';
	if (field_values__has(f->keys, k))
		return true;
	suggest__init(&sg, k);
	for (i = 0; (c = f->keys->nth(i)); i++)
		if (*c)
			suggest__try(&sg, c);
	if (sg.best)
		msg_set(msg, len, "%s has no %s '%s': did you mean %s%c%s%s?", f->name,
			f->keys->what ? f->keys->what : "argument", k, f->name, open, sg.best,
			open == '[' ? "]" : "");
	else
		msg_set(msg, len, "%s has no %s '%s'", f->name,
			f->keys->what ? f->keys->what : "argument", k);
	errno = EINVAL;
	return false;
}

/* name[TEXT]: an index (digits) where the field takes one, else a key. */
static const struct field_desc *bracket(const char *text, const char *open, char *msg, size_t len)
{
	const char *close = strchr(open, ']'), *k = open + 1;
	const struct field_desc *f = lookup_n(text, open - text);
	char forms[160];
	size_t klen;
	int64_t idx = 0;

	if (!f) {
		errno = ENOENT;
		return NULL;
	}
	forms_or(f, forms, sizeof(forms));
	if (!f->args) {
		msg_set(msg, len, "%s takes no argument: write %s", f->name, f->name);
		goto inval;
	}
	if (!close || close[1]) {
		msg_set(msg, len, "%s: expected ']' to end the argument%s", f->name,
			close ? ", and nothing after it" : "");
		goto inval;
	}
	klen = close - k;
	if (klen && k[strspn(k, "0123456789")] == ']' && (f->args & FA_INDEX)) {
		for (; k < close; k++) {
			if (idx > (INT64_MAX - 9) / 10) {
				msg_set(msg, len, "%s: index %.*s is out of range", f->name,
					(int)klen, open + 1);
				goto inval;
			}
			idx = idx * 10 + (*k - '0');
		}
		return intern(f, text, idx, NULL, 0, msg, len);
	}
	if (klen && (f->args & FA_KEY))
		return key_known(f, k, klen, '[', msg, len) ? intern(f, text, -1, k, klen, msg, len) :
		       NULL;
	if (f->args & FA_INDEX)
		msg_set(msg, len, "%s takes a number N >= 0 in [N], not '%.*s' (write %s)",
			f->name, (int)(klen > 48 ? 48 : klen), k, forms);
	else
		msg_set(msg, len, "%s: write %s", f->name, forms);
inval:
	errno = EINVAL;
	return NULL;
}

const struct field_desc *field_resolve_msg(const char *text, char *msg, size_t len)
{
	const struct field_desc *f, *plain = NULL;
	const char *open, *dot;
	char forms[160];
	size_t n = strlen(text);

	msg_set(msg, len, "%s", "");
	if (!n || n > FIELD_NAME_MAX) {
		errno = ENOENT;
		return NULL;
	}
	f = field_lookup(text);
	if (f && !f->args)
		return f;
	if (f) {
		if (f->args & FA_BARE)
			return intern(f, text, -1, NULL, 0, msg, len);
		forms_or(f, forms, sizeof(forms));
		msg_set(msg, len, "%s takes an argument: write %s", f->name, forms);
		errno = EINVAL;
		return NULL;
	}
	open = strchr(text, '[');
	if (open)
		return bracket(text, open, msg, len);
	/* name.TEXT: the longest stem that takes it ("evt.arg.name" -> evt.arg, "name") */
	for (dot = text + n; dot > text; dot--) {
		if (*dot != '.' || !dot[1])
			continue;
		f = lookup_n(text, dot - text);
		if (!f)
			continue;
		if (f->args & FA_DOT) {
			const char *k = dot + 1;

			if (k[strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "0123456789._")]) {
				msg_set(msg, len, "%s.NAME: NAME is letters, digits, '.' and '_'",
					f->name);
				errno = EINVAL;
				return NULL;
			}
			if (!key_known(f, k, strlen(k), '.', msg, len))
				return NULL;
			return intern(f, text, -1, k, strlen(k), msg, len);
		}
		if (!plain)
			plain = f;
	}
	if (plain) {
		forms_or(plain, forms, sizeof(forms));
		if (plain->args)
			msg_set(msg, len, "%s does not take .NAME: write %s", plain->name, forms);
		else
			msg_set(msg, len, "%s takes no argument: write %s", plain->name, plain->name);
		errno = EINVAL;
		return NULL;
	}
	errno = ENOENT;
	return NULL;
}

const struct field_desc *field_resolve(const char *text)
{
	return field_resolve_msg(text, NULL, 0);
}
