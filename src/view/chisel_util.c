// SPDX-License-Identifier: GPL-2.0
/* What the computing chisels' sinks share: their argument, the terminal, sysdig's time format. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "scry/chisel.h"
#include "scry/chisel_calc.h"

long chisel_arg_ms(const struct chisel_ctx *c, const char *name, long def)
{
	const char *a = chisel_arg(c, name);
	char *end;
	double v;

	if (!a)
		return def;
	errno = 0;
	v = strtod(a, &end);
	if (errno || end == a || *end || v < 1 || v > 3600000)
		return -1;
	return (long)(v + 0.5);
}

bool chisel_tty_colours(int fd, unsigned int *width)
{
	const char *term = getenv("TERM");
	struct winsize ws;

	*width = 80;
	if (!isatty(fd))
		return false;
	if (!ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col >= 20)
		*width = ws.ws_col;
	return term && *term && strcmp(term, "dumb");
}

void chisel_fmt_interval(char *buf, size_t len, uint64_t ns)
{
	if (ns >= 1000000000)
		snprintf(buf, len, "%llu.%02llus", (unsigned long long)(ns / 1000000000),
			 (unsigned long long)(ns % 1000000000 / 10000000));
	else if (ns >= 10000000)
		snprintf(buf, len, "%llums", (unsigned long long)(ns / 1000000));
	else if (ns >= 1000000)
		snprintf(buf, len, "%llu.%02llums", (unsigned long long)(ns / 1000000),
			 (unsigned long long)(ns % 1000000 / 10000));
	else if (ns >= 10000)
		snprintf(buf, len, "%lluus", (unsigned long long)(ns / 1000));
	else if (ns >= 1000)
		snprintf(buf, len, "%llu.%02lluus", (unsigned long long)(ns / 1000),
			 (unsigned long long)(ns % 1000 / 10));
	else
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
}
