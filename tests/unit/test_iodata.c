// SPDX-License-Identifier: GPL-2.0
/*
 * I/O data (-s): an exit's data block as the decoder checks it (a crafted length never reads past
 * the record), what evt.info, evt.buffer and evt.buflen say of it, its renderings (-A, -X), its
 * capture item (format 2.4) and which calls the BPF rules copy data for.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "../../src/capture/internal.h"
#include "scry/decode.h"
#include "scry/filter.h"
#include "scry/util.h"

union rec_buf {
	union scry_rec rec;
	struct scry_rec_sys_exit x;
	uint8_t b[SCRY_REC_MAX];
};

static struct scry_exit_data *data_at(struct scry_rec_sys_exit *x)
{
	return (void *)((uint8_t *)x + SCRY_SYS_EXIT_ARGS + ((x->path_len + 7u) & ~7u));
}

/* A read/write-style exit (fd 3, a regular file) that moved `ret` bytes, `n` of them as data. */
static uint32_t data_exit(union rec_buf *r, long nr, long ret, const void *data, uint32_t n)
{
	struct scry_rec_sys_exit *x = &r->x;
	struct scry_exit_data *d;
	uint32_t size;

	memset(r, 0, sizeof(*r));
	x->nr = nr;
	x->ret = ret;
	x->nargs = syscall_desc(nr)->nargs;
	x->args[0] = 3;
	x->args[1] = 0x1000;
	x->args[2] = 4096;
	x->fd_kind[0] = SCRY_FD_REG;
	x->xflags = SCRY_SX_DATA;
	d = data_at(x);
	d->len = n;
	memcpy(d->data, data, n);
	size = SCRY_SYS_EXIT_ARGS + sizeof(*d) + ((n + 7) & ~7u);
	x->h.type = SCRY_REC_SYS_EXIT;
	x->h.size = size;
	x->h.pid = x->h.tid = 100;
	x->h.ts = 5000000000ULL;
	memcpy(x->h.comm, "cat", 4);
	return size;
}

/* sendto on a connected unix socket named "/run/s.sock", with data. */
static uint32_t sendto_exit(union rec_buf *r, const void *data, uint32_t n)
{
	static const char name[] = "/run/s.sock";
	struct scry_rec_sys_exit *x = &r->x;
	struct scry_sock_addr *a = (void *)x->path;
	struct scry_exit_data *d;
	uint32_t size;

	data_exit(r, SYS_sendto, n, data, 0);
	x->fd_kind[0] = SCRY_FD_SOCK;
	x->xflags = SCRY_SX_SOCK | SCRY_SX_DATA;
	a->family = AF_UNIX;
	a->sktype = SOCK_STREAM;
	memcpy(a->name, name, sizeof(name));
	x->path_len = (sizeof(*a) + sizeof(name) + 7) & ~7u;
	d = data_at(x);
	d->len = n;
	memcpy(d->data, data, n);
	size = SCRY_SYS_EXIT_ARGS + x->path_len + sizeof(*d) + ((n + 7) & ~7u);
	x->h.size = size;
	return size;
}

static const char *info_of(const void *rec, uint32_t size, char *out, size_t n)
{
	struct scry_event ev[2];
	struct sbuf b;

	assert_int_equal(decode__record(rec, size, ev), 1);
	sbuf__init(&b, out, n);
	evt_info(ev, &b);
	out[b.len] = '\0';
	return out;
}

static void info_buffer_buflen(void **state)
{
	static const char payload[] = "GET /\x1b[2J\r\n\\x";
	const struct field_desc *fbuf = field_lookup("evt.buffer"), *flen = field_lookup("evt.buflen");
	uint32_t n = sizeof(payload) - 1, size;
	struct scry_event ev[2];
	struct field_val v;
	union rec_buf r;
	char info[512], scratch[64];
	struct sbuf b;

	size = data_exit(&r, SYS_read, 1000, payload, n);
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=1000 fd=3(<f>) buf=0x1000 size=4096 data=GET /.[2J..\\x");
	assert_int_equal(decode__record(&r, size, ev), 1);
	sbuf__init(&b, scratch, sizeof(scratch));
	assert_non_null(fbuf);
	assert_true(fbuf->get(ev, &v, &b));
	assert_int_equal(v.len, n);
	assert_memory_equal(v.str, payload, n);
	assert_true(flen->get(ev, &v, &b));
	assert_int_equal(v.u, 1000);
	/* A read without data: no buffer, its length still. */
	r.x.xflags = 0;
	r.x.h.size = SCRY_SYS_EXIT_ARGS;
	assert_int_equal(decode__record(&r, SCRY_SYS_EXIT_ARGS, ev), 1);
	assert_false(fbuf->get(ev, &v, &b));
	assert_true(flen->get(ev, &v, &b));
	/* A socket call: its tuple, then the data. */
	size = sendto_exit(&r, "hi\n", 3);
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=3 fd=3(<u>/run/s.sock) buf=0x1000 size=4096 flags=0x0 addr=0x0 "
			    "addrlen=0 data=hi.");
}

/* Every crafted length or size is refused; none is read past the record. */
static void crafted_refused(void **state)
{
	struct scry_event ev[2];
	union rec_buf r;
	uint32_t size;

	size = data_exit(&r, SYS_write, 10, "0123456789", 10);
	assert_int_equal(size, SCRY_SYS_EXIT_ARGS + 8 + 16);
	assert_int_equal(decode__record(&r, size, ev), 1);
	/* A length beyond the record's size. */
	data_at(&r.x)->len = 17;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	data_at(&r.x)->len = UINT32_MAX;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	data_at(&r.x)->len = SCRY_SNAPLEN_MAX + 1;
	assert_int_equal(decode__record(&r, SCRY_SYS_EXIT_ARGS + 8 + SCRY_SNAPLEN_MAX + 8, ev),
			 -EINVAL);
	/* A length shorter than the record: the size is not the data's. */
	data_at(&r.x)->len = 2;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	data_at(&r.x)->len = 0;
	assert_int_equal(decode__record(&r, SCRY_SYS_EXIT_ARGS + 8, ev), -EINVAL);
	/* No room for the block's header, or the record cut inside the data. */
	data_at(&r.x)->len = 10;
	assert_int_equal(decode__record(&r, SCRY_SYS_EXIT_ARGS + 4, ev), -EINVAL);
	assert_int_equal(decode__record(&r, SCRY_SYS_EXIT_ARGS, ev), -EINVAL);
	assert_int_equal(decode__record(&r, size - 8, ev), -EINVAL);
	/* Data without arguments (the short form has none). */
	r.x.nargs = 0;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	/* A path longer than the record leaves the block nowhere. */
	size = data_exit(&r, SYS_write, 10, "0123456789", 10);
	r.x.path_len = SCRY_PATH_MAX;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	/* A socket call's addresses before it: the block is after them. */
	size = sendto_exit(&r, "abc", 3);
	assert_int_equal(decode__record(&r, size, ev), 1);
	r.x.path_len -= 8;	/* the block is then read 8 bytes early: lengths disagree */
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
}

static void renderings(void **state)
{
	static const uint8_t d[] = "line one\n\x1b[31m\x80\xff tail\n0123456789";
	char out[512];
	struct sbuf b;

	sbuf__init(&b, out, sizeof(out));
	iodata_put(&b, d, sizeof(d) - 1, DATA_DOTS);
	out[b.len] = '\0';
	assert_string_equal(out, "line one..[31m.. tail.0123456789");
	sbuf__init(&b, out, sizeof(out));
	iodata_put(&b, d, sizeof(d) - 1, DATA_ASCII);
	out[b.len] = '\0';
	assert_string_equal(out, "line one\n.[31m.. tail\n0123456789");
	sbuf__init(&b, out, sizeof(out));
	iodata_put(&b, d, 18, DATA_HEX);
	out[b.len] = '\0';
	assert_string_equal(out,
			    "\n\t0x0000:  6c69 6e65 206f 6e65 0a1b 5b33 316d 80ff  line one..[31m.."
			    "\n\t0x0010:  2074                                      t");
}

/* Through the 2.4 encoder and decoder: the same record, and damage is refused. */
static void capture_items(void **state)
{
	static const char payload[] = "\x00\x01 binary \xff and text";
	union rec_buf in, out;
	uint8_t buf[SCRY_REC_MAX * 2], cut_buf[SCRY_REC_MAX * 2];
	struct cap_ctx ec = {}, dc = {};
	uint8_t big[SCRY_SNAPLEN_MAX];
	uint32_t size = 0, n;
	size_t len, cut;

	for (n = 1; n <= sizeof(payload) - 1; n += 5) {
		data_exit(&in, SYS_read, 100, payload, n);
		memset(&ec, 0, sizeof(ec));
		memset(&dc, 0, sizeof(dc));
		len = cap_event_encode(&ec, buf, &in.rec);
		assert_true(len <= cap_rec_bound(&in.rec));
		assert_int_equal(cap_event_decode(&dc, buf, len, &out.rec, &size), (int)len);
		assert_int_equal(size, in.rec.h.size);
		assert_memory_equal(&out, &in, size);
	}
	memset(big, 'z', sizeof(big));
	sendto_exit(&in, big, sizeof(big));
	memset(&ec, 0, sizeof(ec));
	memset(&dc, 0, sizeof(dc));
	len = cap_event_encode(&ec, buf, &in.rec);
	assert_true(len <= cap_rec_bound(&in.rec));
	assert_int_equal(cap_event_decode(&dc, buf, len, &out.rec, &size), (int)len);
	assert_int_equal(size, in.rec.h.size);
	assert_memory_equal(&out, &in, size);
	/* Cut anywhere inside the data or its length: damage. */
	data_exit(&in, SYS_write, 100, payload, sizeof(payload) - 1);
	memset(&ec, 0, sizeof(ec));
	len = cap_event_encode(&ec, buf, &in.rec);
	for (cut = len - sizeof(payload); cut < len; cut++) {
		memcpy(cut_buf, buf, len);
		cut_buf[1] = cut - 2;
		memset(&dc, 0, sizeof(dc));
		assert_int_equal(cap_event_decode(&dc, cut_buf, cut, &out.rec, &size), -EBADMSG);
	}
	/*
	 * A length beyond SCRY_SNAPLEN_MAX, its bytes all there: the 4096-byte item with 4097 (its
	 * body's length and the data's are two-byte varints: the item grows by one byte).
	 */
	sendto_exit(&in, big, sizeof(big));
	memset(&ec, 0, sizeof(ec));
	len = cap_event_encode(&ec, buf, &in.rec);
	assert_int_equal(buf[len - sizeof(big) - 2], 0x80);
	assert_int_equal(buf[len - sizeof(big) - 1], 0x20);
	memcpy(cut_buf, buf, len - sizeof(big) - 2);
	cut_buf[len - sizeof(big) - 2] = 0x81;
	cut_buf[len - sizeof(big) - 1] = 0x20;
	memset(cut_buf + len - sizeof(big), 'z', sizeof(big) + 1);
	n = (buf[1] & 0x7f) + (buf[2] << 7) + 1;
	cut_buf[1] = (n & 0x7f) | 0x80;
	cut_buf[2] = n >> 7;
	memset(&dc, 0, sizeof(dc));
	assert_int_equal(cap_event_decode(&dc, cut_buf, len + 1, &out.rec, &size), -EBADMSG);
	/* The same item with 4096 decodes: the bound, not the patching, refused it. */
	cut_buf[len - sizeof(big) - 2] = 0x80;
	memset(&dc, 0, sizeof(dc));
	assert_int_equal(cap_event_decode(&dc, cut_buf, len + 1, &out.rec, &size), (int)len + 1);
}

static void bpf_rules(void **state)
{
	struct scry_sysarg rules[SCRY_NR_SYSCALLS];

	syscalls__bpf_rules(rules, SCRY_NR_SYSCALLS);
	iodata__bpf_rules(rules, SCRY_NR_SYSCALLS);
	assert_int_equal(rules[SYS_read].data, 2);
	assert_int_equal(rules[SYS_pwrite64].data, 2);
	assert_int_equal(rules[SYS_readv].data, 2 | SCRY_DATA_IOV);
	assert_int_equal(rules[SYS_pwritev2].data, 2 | SCRY_DATA_IOV);
	assert_int_equal(rules[SYS_recvfrom].data, 2 | SCRY_DATA_RECV);
	assert_int_equal(rules[SYS_sendmsg].data, 2 | SCRY_DATA_MSG);
	assert_int_equal(rules[SYS_recvmsg].data, 2 | SCRY_DATA_MSG | SCRY_DATA_RECV);
	assert_int_equal(rules[SYS_fstat].data, 0);
	assert_int_equal(rules[SYS_sendfile].data, 0);
	assert_int_equal(iodata_dir(SYS_recvmsg), IODATA_READ);
	assert_int_equal(iodata_dir(SYS_writev), IODATA_WRITE);
	assert_int_equal(iodata_dir(SYS_close), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(info_buffer_buflen),
		cmocka_unit_test(crafted_refused),
		cmocka_unit_test(renderings),
		cmocka_unit_test(capture_items),
		cmocka_unit_test(bpf_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
