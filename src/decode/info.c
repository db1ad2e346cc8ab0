// SPDX-License-Identifier: GPL-2.0
/*
 * evt.info: what an event says, as name=value pairs in the style of sysdig's event lines. Strings
 * (paths, argv, comms) go in as they are: every output escapes the value (util/escape.c), and a
 * filter sees the same bytes.
 */
#include <string.h>

#include "scry/decode.h"
#include "scry/util.h"

static const struct {
	char c;
	const char *name;
} fd_kinds[16] = {
	[SCRY_FD_NONE] = { '?', "" },
	[SCRY_FD_FIFO] = { 'p', "pipe" },
	[SCRY_FD_CHR] = { 'c', "char" },
	[SCRY_FD_DIR] = { 'd', "directory" },
	[SCRY_FD_BLK] = { 'b', "block" },
	[SCRY_FD_REG] = { 'f', "file" },
	[SCRY_FD_LNK] = { 'l', "link" },
	[SCRY_FD_SOCK] = { 's', "socket" },
	[SCRY_FD_ANON] = { 'a', "anon" },
};

char fd_kind_char(uint8_t kind)
{
	return kind < 16 && fd_kinds[kind].c ? fd_kinds[kind].c : '?';
}

const char *fd_kind_name(uint8_t kind)
{
	return kind < 16 && fd_kinds[kind].name ? fd_kinds[kind].name : "";
}

const char *evt_res_errno(const struct scry_event *ev)
{
	if (!evt_has(ev, EVP_RESULT) || ev->res >= 0 || ev->res < -4095)
		return NULL;
	return errno_name(-ev->res);
}

void evt_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct evt_desc *d = &evt_table[ev->type];

	const uint8_t *data;
	uint32_t n;

	if (d->info)
		d->info(ev, b);
	data = evt_data(ev, &n);
	if (data) {
		sbuf__write(b, " data=", 6);
		iodata_put(b, data, n, DATA_DOTS);
	}
}
