// SPDX-License-Identifier: GPL-2.0
/*
 * syslog.* fields (sysdig's): a message written to syslog starts with <PRI>, RFC 3164 and 5424
 * alike, where PRI = facility * 8 + severity. They apply to the data of a call that writes
 * (write, send...) when it starts with such a header; spy_syslog adds sysdig's condition on the
 * socket (its name holds /dev/log). Names are sysdig's (libsinsp's syslog decoder).
 */
#include <string.h>

#include "internal.h"

static const char *const facilities[] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "clock",
	"authpriv", "ftp", "ntp", "logaudit", "logalert", "cron", "local0", "local1", "local2",
	"local3", "local4", "local5", "local6", "local7",
};
static const char *const severities[] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
};

/* The header of the event's data: PRI, and where the message after it starts. */
static bool syslog_pri(const struct scry_event *ev, unsigned int *pri, const char **msg,
		       size_t *len)
{
	const uint8_t *d;
	uint32_t n, i;
	unsigned int p = 0;

	if (ev->dir != '<' || ev->res <= 0 || iodata_dir(ev->nr) != IODATA_WRITE)
		return false;
	d = evt_data(ev, &n);
	if (!d || n < 3 || d[0] != '<')
		return false;
	/* 1 to 3 digits, at most 191: facility 23 (local7), severity 7 */
	for (i = 1; i < n && i <= 4 && d[i] >= '0' && d[i] <= '9'; i++)
		p = p * 10 + (d[i] - '0');
	if (i == 1 || i > 4 || i >= n || d[i] != '>' || p >= ARRAY_SIZE(facilities) * 8)
		return false;
	*pri = p;
	*msg = (const char *)d + i + 1;
	*len = n - i - 1;
	/* a datagram often ends with a newline or a NUL: not the message's */
	while (*len && ((*msg)[*len - 1] == '\n' || (*msg)[*len - 1] == '\0'))
		(*len)--;
	return true;
}

static bool pri_part(const struct scry_event *ev, struct field_val *v, bool facility, bool str)
{
	const char *msg;
	unsigned int pri;
	size_t len;

	if (!syslog_pri(ev, &pri, &msg, &len))
		return false;
	if (str) {
		const char *s = facility ? facilities[pri >> 3] : severities[pri & 7];

		v->type = FT_STR;
		v->str = s;
		v->len = strlen(s);
	} else {
		v->type = FT_U64;
		v->u = facility ? pri >> 3 : pri & 7;
	}
	return true;
}

bool get_syslog_facility(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return pri_part(ev, v, true, false);
}

bool get_syslog_facility_str(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return pri_part(ev, v, true, true);
}

bool get_syslog_severity(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return pri_part(ev, v, false, false);
}

bool get_syslog_severity_str(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return pri_part(ev, v, false, true);
}

bool get_syslog_message(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	unsigned int pri;

	if (!syslog_pri(ev, &pri, &v->str, &v->len))
		return false;
	v->type = FT_STR;
	return true;
}
