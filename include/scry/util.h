/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small shared pieces: logging, one hash map for every table, numbers as text, the buffers'
 * inline fast paths (their types and the rest are in buf.h), time.
 */
#ifndef SCRY_UTIL_H
#define SCRY_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scry/buf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * --- log.c: every message goes to stderr, prefixed "scry: " ----------------------------------
 * Who prints an error: the function that detects it and knows its user-facing cause (which
 * file, which option, which expression, what to do about it) says it once, with log_err, and
 * returns a negative errno; its callers pass that errno up and print nothing more. Library-like
 * code that cannot know the cause (hashmap, obuf, sbuf, the codecs) only returns the errno, and
 * its caller is then the one that knows. main() turns the errno into the exit status and adds
 * no message of its own. A warning (log_warn) is for damage scry works around and goes on.
 */
enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)	/* a result worth saying: not an error */
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)	/* only with -v */
/* -v: debug messages, and libbpf's own log. The one verbosity flag. */
void log_set_verbose(bool on);
bool log_is_verbose(void);
/* Messages go to `hook` instead of stderr (NULL: stderr again): tests and fuzzers. */
void log_set_hook(void (*hook)(const char *line));
/*
 * While a full-screen UI owns the terminal (on), messages are held back, the newest LOG_HELD of
 * them; off prints them to stderr. log_last copies the newest (for a status line); false if none.
 * Safe from any thread.
 */
#define LOG_HELD 8
void log_hold(bool on);
bool log_last(char *buf, size_t len);
/*
 * Warn only the first time `*said` is seen false (then it is true): the caller owns the flag, so
 * "once" is per object (a reader, one of its limits) or per process (a static), as it means.
 * True if this call warned. Safe from any thread.
 */
bool log_warn_once(bool *said, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- hashmap.c: open addressing, u64 keys, pointer values ----------------------------------- */
struct hashmap;
struct hashmap *hashmap__new(size_t hint);
void hashmap__free(struct hashmap *m);
void *hashmap__find(const struct hashmap *m, uint64_t key);
/* Insert or replace; returns 0 or -ENOMEM. */
int hashmap__set(struct hashmap *m, uint64_t key, void *val);
/* Remove; returns the old value or NULL. */
void *hashmap__del(struct hashmap *m, uint64_t key);
size_t hashmap__size(const struct hashmap *m);
/* Iterate: start with *pos = 0; returns false when done. */
bool hashmap__next(const struct hashmap *m, size_t *pos, uint64_t *key, void **val);

/* --- fmt.c: numbers as text ----------------------------------------------------------------- */
/* Exactly `width` digits of v, zero-padded (v < 10^width). */
void fmt_fixed(char *out, uint64_t v, int width);
/* Text into the buffers (buf.h) beyond their primitives: numbers, C strings, printf. */
void obuf__puts(struct obuf *o, const char *s);
/*
 * Decimals, inline: the printers write several an event. The one place for their digits (fmt.c's
 * writers use them too); the table is static here, as esc_plain_tab in buf.h.
 */
#define FMT_NUM_MAX 24	/* "-9223372036854775808", "0x" and 16 digits, "0" and 22 digits */
static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/*
 * The decimal digits of v, written backwards to end at `end`; returns where they start. Four
 * digits a step (one division by a constant, then two pairs from the table), the event stream's
 * numbers being most of its digits.
 */
static inline char *fmt_u64_end(char *end, uint64_t v)
{
	char *p = end;

	while (v >= 10000) {
		unsigned int r = v % 10000;

		v /= 10000;
		p -= 4;
		memcpy(p, digit_pairs + r / 100 * 2, 2);
		memcpy(p + 2, digit_pairs + r % 100 * 2, 2);
	}
	if (v >= 100) {
		unsigned int r = v % 100;

		v /= 100;
		p -= 2;
		memcpy(p, digit_pairs + r * 2, 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, digit_pairs + v * 2, 2);
	} else {
		*--p = '0' + v;
	}
	return p;
}

/*
 * How many decimal digits v has: log10 from the bit length (1233 / 4096 ~ log10(2)), one too
 * few at most, which one comparison corrects. dec_pow10[0] is 0 so that 0 has one digit.
 */
static inline unsigned int u64_digits(uint64_t v)
{
	static const uint64_t dec_pow10[20] = {
		0, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
		10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
	};
	unsigned int t = (64 - __builtin_clzll(v | 1)) * 1233 >> 12;

	return t + (v >= dec_pow10[t]);
}

/*
 * The event stream's numbers (several an event) go straight into the output buffer, where they
 * end: their length first, then the digits backwards, no copy. Inline: the printers' hot path.
 */
static inline void obuf__u64(struct obuf *o, uint64_t v)
{
	unsigned int n = u64_digits(v);

	obuf__reserve(o, FMT_NUM_MAX);
	fmt_u64_end(o->buf + o->len + n, v);
	o->len += n;
}
void obuf__s64(struct obuf *o, int64_t v);
void obuf__hex(struct obuf *o, uint64_t v);
void obuf__printf(struct obuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf__u64(struct sbuf *b, uint64_t v);
void sbuf__s64(struct sbuf *b, int64_t v);
void sbuf__hex(struct sbuf *b, uint64_t v);
void sbuf__oct(struct sbuf *b, uint64_t v);

/*
 * The inline fast paths in front of escape.c and sbuf.c (buf.h): the common case stays in the
 * caller; those files need nothing from here.
 */
/*
 * Escaped text (escape.c). The plain bytes are copied into the buffer as they are checked, a word
 * at a time; the first that needs escaping hands the rest to escape.c, which writes the string
 * again from where it starts (the same bytes over those already in place).
 */
static inline void obuf__text(struct obuf *o, const char *s, size_t n)
{
	size_t run = 0;

	if (o->len + n <= sizeof(o->buf)) {
		run = esc_copy_plain(o->buf + o->len, (const unsigned char *)s, n, false);
		if (run == n) {
			o->len += n;	/* nothing to escape: the common case */
			return;
		}
	}
	obuf__text_slow(o, s, n, run);
}
/* A JSON string literal (escape.c): quotes, and the escaped text JSON-encoded. */
static inline void obuf__json_str(struct obuf *o, const char *s, size_t n)
{
	char *d = o->buf + o->len;
	size_t run = 0;

	if (o->len + n + 2 <= sizeof(o->buf)) {
		run = esc_copy_plain(d + 1, (const unsigned char *)s, n, true);
		if (run == n) {
			d[0] = '"';
			d[n + 1] = '"';
			o->len += n + 2;
			return;
		}
	}
	obuf__json_slow(o, s, n, run);
}
static inline void sbuf__init_mem(struct sbuf *b, struct sbuf_mem *m)
{
	if (!m->buf) {
		sbuf__init_mem_slow(b, m);	/* its first use: the buffer is made */
		return;
	}
	sbuf__init(b, m->buf, m->cap);
	b->mem = m;
}

/* --- time.c ---------------------------------------------------------------------------------- */
#define NSEC_PER_SEC	1000000000ULL
uint64_t now_boot_ns(void);
uint64_t now_mono_ns(void);
/* Wall-clock ns at boot: CLOCK_REALTIME - CLOCK_BOOTTIME, to turn event times into dates. */
uint64_t boot_to_wall_offset(void);
/*
 * The offset the output uses, one per process: set by the command that runs (live: measured;
 * replay: from the capture's header) before the first event; read by everyone else.
 */
void clock__set_wall_offset(uint64_t off);
uint64_t clock__wall_offset(void);
/* An event's boot-time ns as wall-clock ns since the epoch. */
uint64_t clock__wall(uint64_t boot_ns);

/* Every time scry shows, in local time; one function so that all outputs agree. */
enum time_fmt {
	TIME_HMS,	/* 12:34:56			scry top's header */
	TIME_HMS_MS,	/* 12:34:56.789			view tables, capture warnings */
	TIME_HMS_NS,	/* 12:34:56.123456789		evt.time */
	TIME_DATE,	/* 2026-12-01 12:34:56		lscontainers */
	TIME_DATE_NS,	/* 2026-12-01 12:34:56.123456789	evt.datetime */
	TIME_ISO_MS,	/* 2026-12-01T12:34:56.789	views' JSON */
	TIME__MAX
};
#define TIME_STR_MAX	32
/* Wall-clock ns since the epoch into buf (NUL-terminated); returns the length. */
size_t fmt_wall(char buf[TIME_STR_MAX], uint64_t wall_ns, enum time_fmt f);

/* --- parse.c --------------------------------------------------------------------------------- */
/* Whole-string unsigned / double parse with range check; 0 or -EINVAL/-ERANGE. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_seconds(const char *s, double min, double max, double *out);
/*
 * The entry of a table looked up by name (fields, views, programs): an array of n structs of
 * `size` bytes with a string at offset `off`. NULL if none is called `name`.
 */
const void *table_find(const void *tab, size_t n, size_t size, size_t off, const char *name);
#define TABLE_FIND(tab, n, member, name)							\
	((__typeof__(&(tab)[0]))table_find((tab), (n), sizeof((tab)[0]),			\
					   offsetof(__typeof__((tab)[0]), member), (name)))

/* --- hostpath.c: the host's files from a container (--host-root, issue 16) ------------------ */
/*
 * DIR is where the host's / is mounted (NULL, "" or "/": none, the default). 0, or -errno when
 * DIR is not a directory. Set once, before anything reads a host path.
 */
int hostpath__set_root(const char *dir);
/* The canonical root, "" when none. */
const char *hostpath__root(void);
/* "/proc", or DIR/proc: the host's procfs (its magic links are the kernel's to follow). */
const char *hostpath__procfs(void);
/*
 * The host's absolute `path` as this process opens it: under the root, symbolic links resolved
 * inside it (never out of it); /proc paths are only prefixed. 0, -EINVAL (not absolute),
 * -ENAMETOOLONG, -ELOOP. hostpath_in takes the root as an argument (tests).
 */
int hostpath(const char *path, char *out, size_t len);
int hostpath_in(const char *root, const char *path, char *out, size_t len);

#endif /* SCRY_UTIL_H */
