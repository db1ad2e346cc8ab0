// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <pthread.h>

#include "scry/util.h"

static bool verbose;	/* -v; set before any thread starts */

void log_set_verbose(bool on)
{
	verbose = on;
}

bool log_is_verbose(void)
{
	return verbose;
}

/*
 * Everything below is under one lock: messages come from the resolver thread too, while a
 * full-screen UI reads what was held back for its status line.
 */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*log_hook)(const char *line);
static bool holding;
static char held[LOG_HELD][256];	/* the newest last; without their line ends */
static int nheld;

void log_set_hook(void (*hook)(const char *line))
{
	pthread_mutex_lock(&log_lock);
	log_hook = hook;
	pthread_mutex_unlock(&log_lock);
}

void log_hold(bool on)
{
	int i;

	pthread_mutex_lock(&log_lock);
	if (holding && !on) {
		for (i = 0; i < nheld; i++)
			fprintf(stderr, "%s\n", held[i]);
		nheld = 0;
	}
	holding = on;
	pthread_mutex_unlock(&log_lock);
}

bool log_last(char *buf, size_t len)
{
	bool any;

	pthread_mutex_lock(&log_lock);
	any = nheld > 0;
	if (any)
		snprintf(buf, len, "%s", held[nheld - 1]);
	pthread_mutex_unlock(&log_lock);
	return any;
}

/* Under the lock: keep a line (without its end) among the last LOG_HELD. */
static void hold_line(const char *line, size_t len)
{
	if (nheld == LOG_HELD) {
		memmove(held[0], held[1], sizeof(held[0]) * (LOG_HELD - 1));
		nheld--;
	}
	if (len && line[len - 1] == '\n')
		len--;
	if (len >= sizeof(held[0]))
		len = sizeof(held[0]) - 1;
	memcpy(held[nheld], line, len);
	held[nheld++][len] = '\0';
}

/*
 * One line per message, escaped as a whole: a message may quote a file name, a capture's host
 * name or a user's expression, and none of them may reach the terminal raw. Our own text is
 * printable, so escaping it changes nothing.
 */
static void vlog(const char *level, const char *fmt, va_list ap)
{
	char raw[2048], line[2048 + 8];
	int n;
	size_t len;

	n = snprintf(raw, sizeof(raw), "scry: %s", level);
	if (n < (int)sizeof(raw))
		n += vsnprintf(raw + n, sizeof(raw) - n, fmt, ap);
	if (n >= (int)sizeof(raw))
		n = sizeof(raw) - 1;
	while (n > 0 && raw[n - 1] == '\n')
		n--;	/* the line's own end, not part of the text */
	len = esc_text(line, sizeof(line) - 1, raw, n);
	line[len++] = '\n';
	line[len] = '\0';
	pthread_mutex_lock(&log_lock);
	if (log_hook)
		log_hook(line);
	else if (holding)
		hold_line(line, len);
	else
		fwrite(line, 1, len, stderr);
	pthread_mutex_unlock(&log_lock);
}

static const char *const level_prefix[] = {
	[LOG_ERR] = "",
	[LOG_WARN] = "warning: ",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "",
};

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level == LOG_DEBUG && !log_is_verbose())
		return;
	va_start(ap, fmt);
	vlog(level_prefix[level], fmt, ap);
	va_end(ap);
}

bool log_warn_once(bool *said, const char *fmt, ...)
{
	va_list ap;

	if (__atomic_exchange_n(said, true, __ATOMIC_RELAXED))
		return false;
	va_start(ap, fmt);
	vlog(level_prefix[LOG_WARN], fmt, ap);
	va_end(ap);
	return true;
}
