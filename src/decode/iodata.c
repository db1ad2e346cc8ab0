// SPDX-License-Identifier: GPL-2.0
/*
 * I/O data (-s SNAPLEN): which calls carry the bytes they moved and where their buffer is (one
 * table, by name, for every architecture), the check of a record's data against its size, and
 * the data's renderings: sysdig's evt.info (printable ASCII, '.' for the rest), -A (the same with
 * newlines kept) and -X (hex and ASCII). Every rendering is terminal-safe by construction: no
 * byte of the data reaches an output but printable ASCII and, with -A, a newline. poll's pollfd
 * array travels in the same block under its own flag (SCRY_SX_POLL, pollfds.c): never data.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "internal.h"

static const struct data_rule {
	const char *name;
	uint8_t data;		/* as struct scry_sysarg.data */
	char dir;		/* IODATA_READ, IODATA_WRITE */
} data_rules[] = {
	{ "read", 2, IODATA_READ },
	{ "write", 2, IODATA_WRITE },
	{ "pread64", 2, IODATA_READ },
	{ "pwrite64", 2, IODATA_WRITE },
	{ "readv", 2 | SCRY_DATA_IOV, IODATA_READ },
	{ "writev", 2 | SCRY_DATA_IOV, IODATA_WRITE },
	{ "preadv", 2 | SCRY_DATA_IOV, IODATA_READ },
	{ "pwritev", 2 | SCRY_DATA_IOV, IODATA_WRITE },
	{ "preadv2", 2 | SCRY_DATA_IOV, IODATA_READ },
	{ "pwritev2", 2 | SCRY_DATA_IOV, IODATA_WRITE },
	{ "recvfrom", 2 | SCRY_DATA_RECV, IODATA_READ },
	{ "sendto", 2, IODATA_WRITE },
	{ "recvmsg", 2 | SCRY_DATA_MSG | SCRY_DATA_RECV, IODATA_READ },
	{ "sendmsg", 2 | SCRY_DATA_MSG, IODATA_WRITE },
	/* not data the call moved: its pollfd array (fdlist.*, evt.info's fds=), SCRY_SX_POLL */
	{ "poll", 1 | SCRY_DATA_POLL, IODATA_POLL },
	{ "ppoll", 1 | SCRY_DATA_POLL, IODATA_POLL },
};

/* The rules by syscall number, built on first use (a lookup per event, never a name compare). */
static uint8_t rule_by_nr[SCRY_NR_SYSCALLS];	/* 1 + index into data_rules, 0: none */
static pthread_once_t by_nr_once = PTHREAD_ONCE_INIT;

static void build_by_nr(void)
{
	size_t i;
	int nr;

	for (i = 0; i < ARRAY_SIZE(data_rules); i++) {
		nr = syscall_lookup(data_rules[i].name);
		if (nr >= 0 && nr < SCRY_NR_SYSCALLS)
			rule_by_nr[nr] = i + 1;
	}
}

static const struct data_rule *rule_of(uint32_t nr)
{
	nr = syscall_native(nr);
	pthread_once(&by_nr_once, build_by_nr);
	return nr < SCRY_NR_SYSCALLS && rule_by_nr[nr] ? &data_rules[rule_by_nr[nr] - 1] : NULL;
}

void iodata__bpf_rules(struct scry_sysarg *rules, uint32_t n)
{
	const struct data_rule *r;
	uint32_t nr;

	for (nr = 0; nr < n; nr++) {
		r = rule_of(nr);
		/* The buffer (and an iovec count after it) is read from the exit's arguments. */
		if (r && rules[nr].nargs > (r->data & SCRY_DATA_POS))
			rules[nr].data = r->data;
	}
}

char iodata_dir(uint32_t nr)
{
	const struct data_rule *r = rule_of(nr);

	return r && r->dir != IODATA_POLL ? r->dir : 0;
}

char iodata_kind(uint32_t nr)
{
	const struct data_rule *r = rule_of(nr);

	return r ? r->dir : 0;
}

/* Where the data block of an exit record starts: after path[] padded to 8, and its file. */
static uint32_t data_off(const struct scry_rec_sys_exit *x)
{
	uint32_t off = SCRY_SYS_EXIT_ARGS + ((x->path_len + 7u) & ~7u);

	if (x->xflags & SCRY_SX_FILE)
		off += sizeof(struct scry_exit_file);
	return off;
}

int iodata_check(const struct scry_rec_sys_exit *x, uint32_t size)
{
	const struct scry_exit_data *d;
	uint32_t off = data_off(x);

	/* The data is there only with the arguments, and ends the record, padded to 8. */
	if (!x->nargs || off > size || size - off < sizeof(*d))
		return -EINVAL;
	d = (const void *)((const uint8_t *)x + off);
	if (!d->len || d->len > SCRY_SNAPLEN_MAX || d->len > size - off - sizeof(*d) ||
	    size != off + sizeof(*d) + ((d->len + 7u) & ~7u))
		return -EINVAL;
	/* What the record has without it: a path's size is its own, not padded. */
	if (x->xflags & SCRY_SX_FILE)
		return off;
	return SCRY_SYS_EXIT_ARGS + x->path_len;
}

const uint8_t *exit_data_block(const struct scry_rec_sys_exit *x, uint32_t *len)
{
	const struct scry_exit_data *d;

	if (!(x->xflags & (SCRY_SX_DATA | SCRY_SX_POLL)))
		return NULL;
	d = (const void *)((const uint8_t *)x + data_off(x));	/* checked by iodata_check */
	*len = d->len;
	return d->data;
}

static const uint8_t *exit_block_of(const struct scry_event *ev, uint32_t *len, uint8_t flag)
{
	if (ev->type != SCRY_REC_SYS_EXIT || ev->dir != '<' || !(ev->rec->exit.xflags & flag))
		return NULL;
	return exit_data_block(&ev->rec->exit, len);
}

const uint8_t *evt_data(const struct scry_event *ev, uint32_t *len)
{
	return exit_block_of(ev, len, SCRY_SX_DATA);
}

const uint8_t *evt_pollfds(const struct scry_event *ev, uint32_t *len)
{
	return exit_block_of(ev, len, SCRY_SX_POLL);
}

static const char hexdig[] = "0123456789abcdef";

static inline char dot(uint8_t c)
{
	return c >= 0x20 && c < 0x7f ? c : '.';
}

/* -X: rows of 16 bytes, "\n\t0x0010:  6865 6c6c ...  hello..", as sysdig prints them. */
static void put_hex(struct sbuf *b, const uint8_t *d, uint32_t n)
{
	uint32_t row, i;

	for (row = 0; row < n; row += 16) {
		sbuf__write(b, "\n\t0x", 4);
		for (i = 4; i-- > 0;)
			sbuf__putc(b, hexdig[(row >> (4 * i)) & 15]);
		sbuf__write(b, ": ", 2);
		for (i = 0; i < 16; i++) {
			if (!(i & 1))
				sbuf__putc(b, ' ');
			if (row + i < n) {
				sbuf__putc(b, hexdig[d[row + i] >> 4]);
				sbuf__putc(b, hexdig[d[row + i] & 15]);
			} else {
				sbuf__write(b, "  ", 2);
			}
		}
		sbuf__write(b, "  ", 2);
		for (i = 0; i < 16 && row + i < n; i++)
			sbuf__putc(b, dot(d[row + i]));
	}
}

void iodata_put(struct sbuf *b, const uint8_t *d, uint32_t n, enum data_fmt f)
{
	uint32_t i;

	if (f == DATA_HEX) {
		put_hex(b, d, n);
		return;
	}
	for (i = 0; i < n; i++)
		sbuf__putc(b, f == DATA_ASCII && d[i] == '\n' ? '\n' : dot(d[i]));
}
