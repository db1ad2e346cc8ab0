// SPDX-License-Identifier: GPL-2.0
/* Raw records -> struct scry_event, including every way a record can be malformed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scry/decode.h"
#include "scry/filter.h"
#include "scry/util.h"

static void hdr(struct scry_hdr *h, uint16_t type, uint16_t size)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->size = size;
	h->cpu = 1;
	h->pid = 100;
	h->tid = 101;
	h->ts = 123456789;
	h->cgid = 42;
	strcpy(h->comm, "worker");
}

static void enter_and_short_exit(void **state)
{
	struct scry_rec_sys_enter en;
	struct scry_rec_sys_exit ex;
	struct scry_event ev[2];

	hdr(&en.h, SCRY_REC_SYS_ENTER, sizeof(en));
	en.nr = SYS_getppid;
	assert_int_equal(decode__record(&en, sizeof(en), ev), 1);
	assert_int_equal(ev[0].type, SCRY_REC_SYS_ENTER);
	assert_int_equal(ev[0].dir, '>');
	assert_int_equal(ev[0].nr, SYS_getppid);
	assert_string_equal(evt_type_name(&ev[0]), "getppid");

	memset(&ex, 0, sizeof(ex));
	hdr(&ex.h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_SHORT);
	ex.nr = SYS_getppid;
	ex.ret = 77;
	assert_int_equal(decode__record(&ex, SCRY_SYS_EXIT_SHORT, ev), 1);
	assert_int_equal(ev[0].dir, '<');
	assert_int_equal(ev[0].res, 77);
	assert_ptr_equal(ev[0].rec, &ex);
}

/* An exit that carries its folded enter stands for two events: the enter first, at its time. */
static void folded_enter(void **state)
{
	struct scry_rec_sys_exit ex;
	struct scry_event ev[2];

	memset(&ex, 0, sizeof(ex));
	hdr(&ex.h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_SHORT);
	ex.nr = SYS_getppid;
	ex.ret = 1;
	ex.enter_ts = ex.h.ts - 250;
	assert_int_equal(decode__record(&ex, SCRY_SYS_EXIT_SHORT, ev), 2);
	assert_int_equal(ev[0].type, SCRY_REC_SYS_ENTER);
	assert_int_equal(ev[0].dir, '>');
	assert_int_equal(ev[0].ts, ex.h.ts - 250);
	assert_int_equal(ev[0].nr, SYS_getppid);
	assert_int_equal(ev[1].type, SCRY_REC_SYS_EXIT);
	assert_int_equal(ev[1].dir, '<');
	assert_int_equal(ev[1].ts, ex.h.ts);
	assert_int_equal(ev[1].latency, 250);
	assert_int_equal(ev[1].res, 1);
	/* an enter after its own exit is malformed */
	ex.enter_ts = ex.h.ts + 1;
	assert_int_equal(decode__record(&ex, SCRY_SYS_EXIT_SHORT, ev), -EINVAL);
}

static void exit_with_args_and_path(void **state)
{
	struct scry_rec_sys_exit ex;
	struct scry_event ev[2];
	char info[512];
	struct sbuf b;
	uint32_t size;

	memset(&ex, 0, sizeof(ex));
	ex.nr = SYS_openat;
	ex.ret = -ENOENT;
	ex.nargs = 4;
	ex.args[0] = (uint64_t)-100;
	ex.args[2] = 0x80000;
	ex.args[3] = 0644;
	strcpy(ex.path, "/no/such");
	ex.path_len = strlen(ex.path) + 1;
	size = SCRY_SYS_EXIT_ARGS + ex.path_len;
	hdr(&ex.h, SCRY_REC_SYS_EXIT, size);
	assert_int_equal(decode__record(&ex, size, ev), 1);
	assert_int_equal(ev[0].res, -ENOENT);
	assert_string_equal(evt_res_errno(&ev[0]), "ENOENT");
	sbuf__init(&b, info, sizeof(info));
	evt_info(ev, &b);
	assert_string_equal(info, "res=-2(ENOENT) dirfd=-100(AT_FDCWD) path=/no/such flags=0x80000 mode=0644");
}

static void fd_kinds_in_info(void **state)
{
	struct scry_rec_sys_exit ex;
	struct scry_event ev[2];
	char info[256];
	struct sbuf b;

	memset(&ex, 0, sizeof(ex));
	ex.nr = SYS_write;
	ex.ret = 5;
	ex.nargs = 3;
	ex.args[0] = 1;
	ex.args[2] = 5;
	ex.fd_kind[0] = SCRY_FD_REG;
	hdr(&ex.h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_ARGS);
	assert_int_equal(decode__record(&ex, SCRY_SYS_EXIT_ARGS, ev), 1);
	sbuf__init(&b, info, sizeof(info));
	evt_info(ev, &b);
	assert_string_equal(info, "res=5 fd=1(<f>) buf=0x0 size=5");
}

static void exec_record(void **state)
{
	static struct scry_rec_exec ex;
	const char exe[] = "/bin/echo", args[] = "echo\0hello\0world";
	struct scry_event ev[2];
	char info[256];
	struct sbuf b;
	uint32_t size;

	memset(&ex, 0, sizeof(ex));
	ex.exe_len = strlen(exe);
	ex.args_len = sizeof(args);	/* with the final NUL, as BPF copies it */
	memcpy(ex.data, exe, ex.exe_len);
	memcpy(ex.data + ex.exe_len, args, sizeof(args));
	size = SCRY_EXEC_FIXED + ex.exe_len + ex.args_len;
	hdr(&ex.h, SCRY_REC_EXEC, size);
	assert_int_equal(decode__record(&ex, size, ev), 1);
	assert_string_equal(evt_type_name(&ev[0]), "procexec");
	sbuf__init(&b, info, sizeof(info));
	evt_info(ev, &b);
	assert_string_equal(info, "exe=/bin/echo args=echo hello world");
	/* one byte short of what the lengths claim */
	ex.h.size = size - 1;
	assert_int_equal(decode__record(&ex, size - 1, ev), -EINVAL);
}

static void sched_records(void **state)
{
	struct scry_rec_switch sw;
	struct scry_rec_exit px;
	struct scry_event ev[2];
	char info[128];
	struct sbuf b;

	memset(&sw, 0, sizeof(sw));
	hdr(&sw.h, SCRY_REC_SWITCH, sizeof(sw));
	sw.runtime_ns = 5000;
	sw.next_tid = 7;
	assert_int_equal(decode__record(&sw, sizeof(sw), ev), 1);
	assert_int_equal(ev[0].runtime_ns, 5000);
	assert_string_equal(evt_type_name(&ev[0]), "switch");

	memset(&px, 0, sizeof(px));
	hdr(&px.h, SCRY_REC_EXIT, sizeof(px));
	px.exit_code = 3 << 8;
	px.exit_flags = SCRY_EXIT_GROUP_DEAD;
	assert_int_equal(decode__record(&px, sizeof(px), ev), 1);
	sbuf__init(&b, info, sizeof(info));
	evt_info(ev, &b);
	assert_string_equal(info, "status=3 last");
	px.exit_code = 9;
	px.exit_flags = 0;
	sbuf__init(&b, info, sizeof(info));
	evt_info(ev, &b);
	assert_string_equal(info, "signal=SIGKILL");
}

static void malformed_records(void **state)
{
	union {
		struct scry_rec_sys_exit ex;
		uint8_t bytes[1024];
	} u;
	struct scry_event ev[2];

	memset(&u, 0, sizeof(u));
	/* shorter than a header */
	assert_int_equal(decode__record(&u, 10, ev), -EINVAL);
	/* size field disagrees with the record's length */
	hdr(&u.ex.h, SCRY_REC_SYS_ENTER, 99);
	assert_int_equal(decode__record(&u, sizeof(struct scry_rec_sys_enter), ev), -EINVAL);
	/* unknown type */
	hdr(&u.ex.h, 200, 56);
	assert_int_equal(decode__record(&u, 56, ev), -EINVAL);
	hdr(&u.ex.h, SCRY_REC_NONE, 56);
	assert_int_equal(decode__record(&u, 56, ev), -EINVAL);
	/* fixed-size record with extra bytes */
	hdr(&u.ex.h, SCRY_REC_SWITCH, sizeof(struct scry_rec_switch) + 8);
	assert_int_equal(decode__record(&u, sizeof(struct scry_rec_switch) + 8, ev), -EINVAL);
	/* too many args */
	hdr(&u.ex.h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_ARGS);
	u.ex.nargs = 7;
	assert_int_equal(decode__record(&u, SCRY_SYS_EXIT_ARGS, ev), -EINVAL);
	/* path not NUL-terminated */
	u.ex.nargs = 2;
	u.ex.path_len = 4;
	memcpy(u.ex.path, "abcd", 4);
	hdr(&u.ex.h, SCRY_REC_SYS_EXIT, SCRY_SYS_EXIT_ARGS + 4);
	assert_int_equal(decode__record(&u, SCRY_SYS_EXIT_ARGS + 4, ev), -EINVAL);
	/* path length beyond the record */
	u.ex.path_len = 300;
	assert_int_equal(decode__record(&u, SCRY_SYS_EXIT_ARGS + 4, ev), -EINVAL);
}

/*
 * blockio: evt.info with the device's name from sysfs (a fake root here), the partial and failed
 * forms, an unknown device, the evt.blk fields, and an op past the table refused.
 */
static void block_records(void **state)
{
	char root[] = "/tmp/scry-blkXXXXXX", path[128], info[256], name[32];
	const struct field_desc *f;
	struct scry_rec_block_io r;
	struct scry_event ev[2];
	struct field_val v;
	struct sbuf b;
	FILE *fp;

	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/254:1", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/254:1/uevent", root);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("MAJOR=254\nMINOR=1\nDEVNAME=vda1\nDEVTYPE=partition\n", fp);
	fclose(fp);
	blk_dev_root(root);

	memset(&r, 0, sizeof(r));
	hdr(&r.h, SCRY_REC_BLOCK_IO, sizeof(r));
	r.dev = 254u << 20 | 1;
	r.op = SCRY_BLK_WRITE;
	r.bytes = 4096;
	r.sector = 2048;
	r.latency_ns = 150000;
	r.queue_ns = 2000;
	r.blk_flags = SCRY_BLK_DONE | SCRY_BLK_ISSUED | SCRY_BLK_QUEUED | SCRY_BLK_SYNC;
	assert_int_equal(decode__record(&r, sizeof(r), ev), 1);
	assert_string_equal(evt_type_name(ev), "blockio");
	sbuf__init(&b, info, sizeof(info));
	evt_info(ev, &b);
	assert_string_equal(info,
			    "dev=254:1(vda1) op=write bytes=4096 sector=2048 lat=150000 queue=2000 sync");
	f = field_lookup("evt.blk.devname");
	assert_non_null(f);
	sbuf__init(&b, name, sizeof(name));
	assert_true(f->get(ev, &v, &b));
	assert_int_equal(v.len, 4);
	assert_memory_equal(v.str, "vda1", 4);
	sbuf__init(&b, name, sizeof(name));
	assert_true(field_lookup("evt.blk.dev")->get(ev, &v, &b));
	assert_memory_equal(v.str, "254:1", 5);
	assert_true(field_lookup("evt.blk.latency")->get(ev, &v, &b));
	assert_int_equal(v.u, 150000);

	/* the first part of a read that failed, its issue not seen, on a device sysfs lacks */
	r.dev = 8u << 20 | 16;
	r.op = SCRY_BLK_READ;
	r.blk_flags = 0;
	r.error = -5;
	assert_int_equal(decode__record(&r, sizeof(r), ev), 1);
	sbuf__init(&b, info, sizeof(info));
	evt_info(ev, &b);
	assert_string_equal(info, "dev=8:16 op=read bytes=4096 sector=2048 partial res=EIO");
	sbuf__init(&b, name, sizeof(name));
	assert_false(field_lookup("evt.blk.devname")->get(ev, &v, &b));
	assert_false(field_lookup("evt.blk.latency")->get(ev, &v, &b));
	assert_true(field_lookup("evt.blk.op")->get(ev, &v, &b));
	assert_memory_equal(v.str, "read", 4);

	r.op = SCRY_BLK_OTHER + 1;
	assert_int_equal(decode__record(&r, sizeof(r), ev), -EINVAL);

	blk_dev_root("/sys/dev/block");
	unlink(path);
	snprintf(path, sizeof(path), "%s/254:1", root);
	rmdir(path);
	rmdir(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(enter_and_short_exit),
		cmocka_unit_test(folded_enter),
		cmocka_unit_test(exit_with_args_and_path),
		cmocka_unit_test(fd_kinds_in_info),
		cmocka_unit_test(exec_record),
		cmocka_unit_test(sched_records),
		cmocka_unit_test(malformed_records),
		cmocka_unit_test(block_records),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
