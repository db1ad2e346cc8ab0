// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <pthread.h>

#include "scry/util.h"

int log_verbose;
static void (*log_hook)(const char *line);

void log_set_hook(void (*hook)(const char *line))
{
	log_hook = hook;
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char line[1024];
	int n = 0;

	/* One write per message, so that lines from several threads never interleave. */
	n = snprintf(line, sizeof(line), "scry: %s", level);
	if (n < (int)sizeof(line))
		n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n >= (int)sizeof(line) - 2)
		n = sizeof(line) - 3;
	if (n > 0 && line[n - 1] != '\n')
		line[n++] = '\n';
	line[n] = '\0';
	if (log_hook)
		log_hook(line);
	else
		fwrite(line, 1, n, stderr);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

#define WARN_ONCE_MAX 64
static const char *warned[WARN_ONCE_MAX];
static unsigned int nwarned;
static pthread_mutex_t warn_lock = PTHREAD_MUTEX_INITIALIZER;

void log_warn_once(const char *key, const char *fmt, ...)
{
	va_list ap;
	unsigned int i;

	pthread_mutex_lock(&warn_lock);
	for (i = 0; i < nwarned; i++) {
		if (warned[i] == key || !strcmp(warned[i], key)) {
			pthread_mutex_unlock(&warn_lock);
			return;
		}
	}
	if (nwarned < WARN_ONCE_MAX)
		warned[nwarned++] = key;
	pthread_mutex_unlock(&warn_lock);
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}
