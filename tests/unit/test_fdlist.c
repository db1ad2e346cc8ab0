// SPDX-License-Identifier: GPL-2.0
/*
 * poll's pollfd array (SCRY_SX_POLL, -s): parsed entry by entry whatever its length and values
 * (short, odd, hostile), sysdig's revents bits, the decoder's checks of the block, evt.info's
 * fds=, the fdlist.* fields without an fd table, its capture item (2.6) and the BPF rules.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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

static struct scry_exit_data *block_at(struct scry_rec_sys_exit *x)
{
	return (void *)((uint8_t *)x + SCRY_SYS_EXIT_ARGS);
}

/* A poll exit (nargs as the table has them) that returned `ret`, with `n` bytes of array. */
static uint32_t poll_exit(union rec_buf *r, long nr, long ret, uint64_t nfds, const void *fds,
			  uint32_t n)
{
	struct scry_rec_sys_exit *x = &r->x;
	struct scry_exit_data *d;
	uint32_t size;

	memset(r, 0, sizeof(*r));
	x->nr = nr;
	x->ret = ret;
	x->nargs = syscall_desc(nr)->nargs;
	x->args[0] = 0x7ffc0000;
	x->args[1] = nfds;
	x->args[2] = 1000;
	x->xflags = SCRY_SX_POLL;
	d = block_at(x);
	d->len = n;
	memcpy(d->data, fds, n);
	size = SCRY_SYS_EXIT_ARGS + sizeof(*d) + ((n + 7) & ~7u);
	x->h.type = SCRY_REC_SYS_EXIT;
	x->h.size = size;
	x->h.pid = x->h.tid = 100;
	x->h.ts = 5000000000ULL;
	memcpy(x->h.comm, "py", 3);
	return size;
}

static void parse_lengths_and_values(void **state)
{
	const struct pollfd fds[3] = {
		{ .fd = -1, .events = POLLIN, .revents = 0 },
		{ .fd = INT_MIN, .events = -1, .revents = -1 },
		{ .fd = INT_MAX, .events = 0, .revents = POLLNVAL },
	};
	uint8_t buf[sizeof(fds) + 1];
	struct pollfd_ent e;
	uint32_t pos, len, n;

	/* no array, or less than one pollfd: nothing */
	assert_false(pollfds_at(NULL, 24, 0, &e));
	memcpy(buf + 1, fds, sizeof(fds));	/* unaligned on purpose */
	for (len = 0; len < 8; len++)
		assert_false(pollfds_at(buf + 1, len, 0, &e));
	/* odd lengths: whole pollfds only, the tail left out */
	for (len = 8; len <= sizeof(fds); len++) {
		for (n = 0; pollfds_at(buf + 1, len, n, &e); n++)
			;
		assert_int_equal(n, len / 8);
	}
	assert_false(pollfds_at(buf + 1, sizeof(fds), UINT32_MAX, &e));
	/* hostile values come out as they are */
	assert_true(pollfds_at(buf + 1, sizeof(fds), 1, &e));
	assert_int_equal(e.fd, INT_MIN);
	assert_int_equal(e.events, 0xffff);
	assert_int_equal(e.revents, 0xffff);
	/* the ready ones: revents not 0, in order */
	pos = 0;
	assert_true(pollfds_next_ready(buf + 1, sizeof(fds), &pos, &e));
	assert_int_equal(e.fd, INT_MIN);
	assert_true(pollfds_next_ready(buf + 1, sizeof(fds), &pos, &e));
	assert_int_equal(e.fd, INT_MAX);
	assert_false(pollfds_next_ready(buf + 1, sizeof(fds), &pos, &e));
	assert_false(pollfds_next_ready(buf + 1, sizeof(fds), &pos, &e));
	/* the third one cut by a byte: not there */
	pos = 0;
	assert_true(pollfds_next_ready(buf + 1, sizeof(fds) - 1, &pos, &e));
	assert_false(pollfds_next_ready(buf + 1, sizeof(fds) - 1, &pos, &e));
}

static void sysdig_bits(void **state)
{
	assert_int_equal(poll_flags_sysdig(POLLIN), 0x1);
	assert_int_equal(poll_flags_sysdig(POLLPRI), 0x2);
	assert_int_equal(poll_flags_sysdig(POLLOUT), 0x4);
	assert_int_equal(poll_flags_sysdig(POLLRDHUP), 0x8);
	assert_int_equal(poll_flags_sysdig(POLLERR), 0x10);
	assert_int_equal(poll_flags_sysdig(POLLHUP), 0x20);
	assert_int_equal(poll_flags_sysdig(POLLNVAL), 0x40);
	assert_int_equal(poll_flags_sysdig(POLLIN | POLLRDNORM), 0x81);
	assert_int_equal(poll_flags_sysdig(POLLWRBAND), 0x400);
	/* bits sysdig has no name for are left out */
	assert_int_equal(poll_flags_sysdig(0xffff), 0x7ff);
	assert_int_equal(poll_flags_sysdig(0), 0);
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

/* Without a process (no fd table): types '?', names <NA>, no addresses; no evt.buffer. */
static void info_and_fields(void **state)
{
	const struct pollfd fds[4] = {
		{ .fd = 3, .events = POLLIN, .revents = POLLIN },
		{ .fd = 4, .events = POLLIN, .revents = 0 },
		{ .fd = -7, .events = POLLIN, .revents = POLLNVAL | POLLERR },
		{ .fd = INT_MAX, .events = POLLOUT, .revents = POLLOUT },
	};
	static const char *const none[] = { "fdlist.cips", "fdlist.sips", "fdlist.cports",
					    "fdlist.sports", "evt.buffer", "evt.buflen" };
	const struct field_desc *nums = field_lookup("fdlist.nums");
	const struct field_desc *names = field_lookup("fdlist.names");
	struct scry_event ev[2];
	struct field_val v;
	union rec_buf r;
	char info[512], scratch[256];
	struct sbuf b;
	uint32_t size;
	size_t i;

	size = poll_exit(&r, SYS_poll, 3, 4, fds, sizeof(fds));
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=3 fds=3:?1 -7:?50 2147483647:?4 nfds=4 timeout=1000");
	assert_int_equal(decode__record(&r, size, ev), 1);
	sbuf__init(&b, scratch, sizeof(scratch));
	assert_true(field_get(nums, ev, &v, &b));
	assert_int_equal(v.type, FT_STR);
	assert_memory_equal(v.str, "3,-7,2147483647", v.len);
	assert_int_equal(v.len, strlen("3,-7,2147483647"));
	sbuf__init(&b, scratch, sizeof(scratch));
	assert_true(field_get(names, ev, &v, &b));
	assert_memory_equal(v.str, "<NA>,<NA>,<NA>", v.len);
	assert_int_equal(v.len, strlen("<NA>,<NA>,<NA>"));
	for (i = 0; i < ARRAY_SIZE(none); i++) {
		sbuf__init(&b, scratch, sizeof(scratch));
		assert_false(field_get(field_lookup(none[i]), ev, &v, &b));
	}
	/* nfds says more than the array holds (-s cut it): " ..." */
	size = poll_exit(&r, SYS_poll, 3, 100000, fds, sizeof(fds));
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=3 fds=3:?1 -7:?50 2147483647:?4 ... nfds=100000 timeout=1000");
	/* an odd length (a crafted capture): the cut pollfd is not read */
	size = poll_exit(&r, SYS_poll, 1, 2, fds, 13);
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=1 fds=3:?1 ... nfds=2 timeout=1000");
	/* nothing ready in what was kept: fds= empty, and no fdlist value */
	size = poll_exit(&r, SYS_poll, 1, 2, &fds[1], 8);
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=1 fds=... nfds=2 timeout=1000");
	assert_int_equal(decode__record(&r, size, ev), 1);
	sbuf__init(&b, scratch, sizeof(scratch));
	assert_false(field_get(nums, ev, &v, &b));
	/* ppoll: the same, its own arguments after */
	size = poll_exit(&r, SYS_ppoll, 1, 1, fds, 8);
	r.x.args[2] = 0x10;
	r.x.args[3] = 0;
	assert_string_equal(info_of(&r, size, info, sizeof(info)),
			    "res=1 fds=3:?1 nfds=1 tsp=0x10 sigmask=0x0");
	/* the enter a folded exit stands for has no list */
	r.x.enter_ts = r.x.h.ts - 10;
	assert_int_equal(decode__record(&r, size, ev), 2);
	sbuf__init(&b, scratch, sizeof(scratch));
	assert_false(field_get(nums, &ev[0], &v, &b));
	assert_true(field_get(nums, &ev[1], &v, &b));
}

/* The decoder's checks: the block's flag only on poll's calls, never both, lengths as data's. */
static void crafted_refused(void **state)
{
	const struct pollfd fds[2] = { { 3, POLLIN, POLLIN }, { 4, POLLIN, POLLIN } };
	struct scry_event ev[2];
	union rec_buf r;
	uint32_t size;

	size = poll_exit(&r, SYS_poll, 2, 2, fds, sizeof(fds));
	assert_int_equal(decode__record(&r, size, ev), 1);
	r.x.xflags = SCRY_SX_POLL | SCRY_SX_DATA;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	/* poll with an I/O data block; a read with a pollfd block */
	r.x.xflags = SCRY_SX_DATA;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	size = poll_exit(&r, SYS_read, 2, 2, fds, sizeof(fds));
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	/* lengths that disagree with the record's size */
	size = poll_exit(&r, SYS_poll, 2, 2, fds, sizeof(fds));
	block_at(&r.x)->len = 17;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	block_at(&r.x)->len = UINT32_MAX;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	block_at(&r.x)->len = 0;
	assert_int_equal(decode__record(&r, SCRY_SYS_EXIT_ARGS + 8, ev), -EINVAL);
	/* no arguments: no block */
	size = poll_exit(&r, SYS_poll, 2, 2, fds, sizeof(fds));
	r.x.nargs = 0;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
	/* a bit past the known ones */
	size = poll_exit(&r, SYS_poll, 2, 2, fds, sizeof(fds));
	r.x.xflags |= 1 << 5;
	assert_int_equal(decode__record(&r, size, ev), -EINVAL);
}

/* Through the capture encoder and decoder: the same record; xflags bit 4, not bit 3. */
static void capture_item(void **state)
{
	const struct pollfd fds[3] = { { 3, POLLIN, POLLIN }, { 9, POLLOUT, 0 }, { 5, 0, POLLHUP } };
	uint8_t buf[SCRY_REC_MAX * 2];
	struct cap_ctx ec = {}, dc = {};
	union rec_buf in, out;
	struct scry_event ev[2];
	uint32_t size = 0, n;
	size_t len;

	for (n = 8; n <= sizeof(fds); n += 8) {
		poll_exit(&in, SYS_ppoll, 2, 3, fds, n);
		memset(&ec, 0, sizeof(ec));
		memset(&dc, 0, sizeof(dc));
		len = cap_event_encode(&ec, buf, &in.rec);
		assert_true(len <= cap_rec_bound(&in.rec));
		/* xflags, then the block's length and its bytes, last */
		assert_int_equal(buf[len - n - 2], SCRY_SX_POLL);
		assert_int_equal(buf[len - n - 1], n);
		assert_memory_equal(buf + len - n, fds, n);
		assert_int_equal(cap_event_decode(&dc, buf, len, &out.rec, &size), (int)len);
		assert_int_equal(size, in.rec.h.size);
		assert_memory_equal(&out, &in, size);
		assert_int_equal(decode__record(&out, size, ev), 1);
	}
	/*
	 * What a 2.5 reader does with bit 4, shown with a bit this reader does not know (5): the
	 * item reads as the exit without its block, the bytes after the bit skipped.
	 */
	poll_exit(&in, SYS_ppoll, 2, 3, fds, sizeof(fds));
	memset(&ec, 0, sizeof(ec));
	memset(&dc, 0, sizeof(dc));
	len = cap_event_encode(&ec, buf, &in.rec);
	buf[len - sizeof(fds) - 2] = 1 << 5;
	assert_int_equal(cap_event_decode(&dc, buf, len, &out.rec, &size), (int)len);
	assert_int_equal(size, SCRY_SYS_EXIT_ARGS);
	assert_int_equal(out.x.xflags, 0);
	assert_int_equal(decode__record(&out, size, ev), 1);
}

static void bpf_rules(void **state)
{
	struct scry_sysarg rules[SCRY_NR_SYSCALLS];

	syscalls__bpf_rules(rules, SCRY_NR_SYSCALLS);
	iodata__bpf_rules(rules, SCRY_NR_SYSCALLS);
	assert_int_equal(rules[SYS_poll].data, 1 | SCRY_DATA_POLL);
	assert_int_equal(rules[SYS_ppoll].data, 1 | SCRY_DATA_POLL);
	assert_true(rules[SYS_poll].nargs >= 2);	/* nfds is read from the arguments */
	assert_int_equal(rules[SYS_epoll_wait].data, 0);
	assert_int_equal(rules[SYS_select].data, 0);
	/* not I/O: evt.buflen, echo_fds and the I/O chisels leave poll out */
	assert_int_equal(iodata_dir(SYS_poll), 0);
	assert_int_equal(iodata_dir(SYS_ppoll), 0);
	assert_int_equal(iodata_kind(SYS_poll), IODATA_POLL);
	assert_int_equal(iodata_kind(SYS_read), IODATA_READ);
	/* the flags do not collide with the other kinds' or the position */
	assert_int_equal(SCRY_DATA_POLL & (SCRY_DATA_IOV | SCRY_DATA_MSG | SCRY_DATA_RECV |
					   SCRY_DATA_POS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_lengths_and_values),
		cmocka_unit_test(sysdig_bits),
		cmocka_unit_test(info_and_fields),
		cmocka_unit_test(crafted_refused),
		cmocka_unit_test(capture_item),
		cmocka_unit_test(bpf_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
