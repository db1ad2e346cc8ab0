// SPDX-License-Identifier: GPL-2.0
/*
 * The fds open before scry (fdseed.c): a fake procfs tree of symlinks, fdinfo and net tables; the
 * test process's own fds in the real /proc (the kinds a fake tree cannot stat); and the records
 * a table entry and a cwd make for a capture's next file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "scry/decode.h"
#include "scry/state.h"
#include "testlib.h"

#define MAXREC 64

struct got {
	uint32_t pid;		/* keep only this process's (0: all) */
	size_t n;
	struct scry_rec_fd_seed r[MAXREC];
	int stop_after;		/* emit returns -EINTR after this many (0: never) */
};

static int keep(void *ctx, struct scry_rec_fd_seed *r)
{
	struct got *g = ctx;
	union scry_rec *u = (union scry_rec *)r;
	struct scry_event ev[2];

	/* Every record decodes as the capture reader and the pipeline will decode it. */
	assert_int_equal(r->h.size, SCRY_FD_SEED_FIXED + r->name_len);
	assert_int_equal(decode__record(u, r->h.size, ev), 1);
	if (g->pid && r->h.pid != g->pid)
		return 0;
	assert_true(g->n < MAXREC);
	memcpy(&g->r[g->n++], r, r->h.size);
	return g->stop_after && (int)g->n == g->stop_after ? -EINTR : 0;
}

static const struct scry_rec_fd_seed *find(const struct got *g, uint32_t pid, int32_t fd)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->r[i].h.pid == pid && g->r[i].fd == fd)
			return &g->r[i];
	return NULL;
}

static const char *tpath(const char *rel)
{
	return test_path(rel);
}

static void put(const char *rel, const char *data)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", test_dir, rel);
	for (slash = strchr(path + strlen(test_dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
}

static void link_to(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", test_dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

static const char hostile[] = "we\x1b[31mird\nname \xff";

/*
 * proc/100: every kind a tree of symlinks can stand for, in netns 1, where a unix name with a
 * newline forges a line for another unix socket's inode (which loses its name); proc/200 is scry
 * itself; proc/300 has 5 fds; proc/400 (netns 2) has a unix name with a newline that forges a
 * line for the inode of a TCP socket of 500's (netns 3: it stays TCP, whichever is read first).
 * bounds/: 300 with 5 fds, 301 with a cwd and 2, all there, for the bounds.
 */
static int make_tree(void **state)
{
	char name[256];
	int i;

	assert_int_equal(test_dir_make("fdseed"), 0);
	put("data/file.txt", "x");
	snprintf(name, sizeof(name), "data/%s", hostile);
	put(name, "y");
	put("proc/100/fdinfo/0", "pos:\t1\nflags:\t02100002\nmnt_id:\t30\nino:\t5\n");
	put("proc/100/fdinfo/1", "pos:\t0\nflags:\t0200000\nmnt_id:\t30\n");
	put("proc/100/fdinfo/2", "pos:\t0\nflags:\t02000000\n");
	mkdir(tpath("proc/100/fd"), 0755);
	mkdir(tpath("proc/100/ns"), 0755);
	link_to(tpath("data/file.txt"), "proc/100/fd/0");
	link_to(tpath("data"), "proc/100/fd/1");
	link_to("pipe:[777]", "proc/100/fd/2");
	link_to("socket:[5001]", "proc/100/fd/3");
	link_to("socket:[5002]", "proc/100/fd/4");
	link_to("anon_inode:[eventfd]", "proc/100/fd/5");
	link_to("socket:[5003]", "proc/100/fd/6");
	link_to("socket:[5004]", "proc/100/fd/7");
	link_to("socket:[5005]", "proc/100/fd/9");
	link_to("/gone/meanwhile", "proc/100/fd/10");
	link_to(tpath(name), "proc/100/fd/11");
	link_to("socket:[5006]", "proc/100/fd/12");
	link_to("socket:[9999]", "proc/100/fd/13");
	link_to("anon_inode:[timerfd]", "proc/100/fd/14");
	link_to("anon_inode:bpf-map", "proc/100/fd/15");
	link_to("anon_inode:[perf_event]", "proc/100/fd/16");
	link_to("socket:[5008]", "proc/100/fd/17");
	link_to("socket:[5011]", "proc/100/fd/18");
	link_to(tpath("data"), "proc/100/cwd");
	link_to("net:[4026531840]", "proc/100/ns/net");
	put("proc/100/net/tcp",
	    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
	    "timeout inode\n"
	    "   0: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0"
	    "        0 5001 1 0000000000000000 20 4 30 10 -1\n"
	    "   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0"
	    "        0 5009 1 0000000000000000 100 0 0 10 0\n");
	put("proc/100/net/tcp6",
	    "  sl  local_address                         remote_address                        st "
	    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	    "   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A "
	    "00000000:00000000 00:00000000 00000000     0        0 5003 1 0000000000000000 100 0 "
	    "0 10 0\n");
	put("proc/100/net/udp",
	    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
	    "timeout inode ref pointer drops\n"
	    "  7: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101"
	    "        0 5008 2 0000000000000000 0\n");
	put("proc/100/net/netlink",
	    "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    "
	    "Inode\n"
	    "0000000000000000 0   1234       00000000 0        0        0     2        0        "
	    "5004\n");
	put("proc/100/net/unix",
	    "Num       RefCount Protocol Flags    Type St Inode Path\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01  5002 /run/app.sock\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01  6001 /tmp/evil\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01  5005 /fake\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01  5005 /real\n"
	    "0000000000000000: 00000003 00000000 00000000 0002 01  5001 /not-over-tcp\n"
	    "0000000000000000: 00000002 00000000 00010000 0005 01  5006 @abstract\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01  5011 /run/a\nb.sock\n");
	/* scry itself: left out */
	put("proc/200/fdinfo/0", "pos:\t0\nflags:\t0\n");
	mkdir(tpath("proc/200/fd"), 0755);
	link_to(tpath("data/file.txt"), "proc/200/fd/0");
	link_to(tpath("data"), "proc/200/cwd");
	/* past the bound of 3 per process */
	mkdir(tpath("proc/300"), 0755);
	mkdir(tpath("proc/300/fd"), 0755);
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "proc/300/fd/%d", i);
		link_to(tpath("data/file.txt"), name);
	}
	/* a unix name with newlines forges two lines */
	mkdir(tpath("proc/400"), 0755);
	mkdir(tpath("proc/400/fd"), 0755);
	mkdir(tpath("proc/400/ns"), 0755);
	link_to("socket:[6000]", "proc/400/fd/0");
	link_to("net:[4026532000]", "proc/400/ns/net");
	put("proc/400/net/unix",
	    "Num       RefCount Protocol Flags    Type St Inode Path\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01  6000 /tmp/evil\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01  7001 /fake-tcp\n");
	mkdir(tpath("proc/500"), 0755);
	mkdir(tpath("proc/500/fd"), 0755);
	mkdir(tpath("proc/500/ns"), 0755);
	link_to("socket:[7001]", "proc/500/fd/3");
	link_to("net:[4026532001]", "proc/500/ns/net");
	put("proc/500/net/tcp6",
	    "  sl  local_address                         remote_address                        st "
	    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	    "   0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:9C40 01 "
	    "00000000:00000000 00:00000000 00000000     0        0 7001 1 0000000000000000 20 4 "
	    "30 10 -1\n");
	mkdir(tpath("bounds"), 0755);
	mkdir(tpath("bounds/300"), 0755);
	mkdir(tpath("bounds/301"), 0755);
	mkdir(tpath("bounds/300/fd"), 0755);
	mkdir(tpath("bounds/301/fd"), 0755);
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "bounds/%d/fd/%d", i < 2 ? 301 : 300, i);
		link_to(tpath("data/file.txt"), name);
	}
	link_to(tpath("data/file.txt"), "bounds/300/fd/7");
	link_to(tpath("data"), "bounds/301/cwd");
	/* not processes */
	put("proc/self", "");
	put("proc/net/unix", "");
	return 0;
}

static int rm_tree(void **state)
{
	return test_dir_remove();
}

static struct got *scan_in(const char *root, uint32_t proc_max, uint64_t total_max,
			   struct fd_seed_stats *st)
{
	static struct got g;
	struct fd_seed_opts o = {
		.procfs = tpath(root), .self = 200, .proc_max = proc_max, .total_max = total_max,
		.ts = 4242, .emit = keep, .ctx = &g,
	};

	memset(&g, 0, sizeof(g));
	assert_int_equal(fd_seed_scan(&o, st), 0);
	return &g;
}

static struct got *scan(uint32_t proc_max, uint64_t total_max, struct fd_seed_stats *st)
{
	return scan_in("proc", proc_max, total_max, st);
}

static const struct scry_sock_addr *sa_of(const struct scry_rec_fd_seed *r)
{
	assert_true(r->xflags & SCRY_FDS_SOCK);
	assert_true(r->name_len >= sizeof(struct scry_sock_addr) + 1);
	return (const void *)r->name;
}

static void files_dirs_and_flags(void **state)
{
	struct fd_seed_stats st;
	struct got *g = scan(0, 0, &st);
	const struct scry_rec_fd_seed *r;
	struct stat sb;
	char name[256];

	/* regular file: the path as the link says, flags from fdinfo, O_CLOEXEC apart */
	r = find(g, 100, 0);
	assert_non_null(r);
	assert_int_equal(r->h.type, SCRY_REC_FD_SEED);
	assert_int_equal(r->h.ts, 4242);
	assert_int_equal(r->h.tid, 100);
	assert_int_equal(r->type, SCRY_FDT_FILE);
	assert_string_equal(r->name, tpath("data/file.txt"));
	assert_int_equal(r->name_len, strlen(tpath("data/file.txt")) + 1);
	assert_int_equal(r->xflags, SCRY_FDS_CLOEXEC);
	assert_int_equal(r->oflags, 0100002);
	assert_int_equal(stat(tpath("data/file.txt"), &sb), 0);
	assert_int_equal(r->ino, sb.st_ino);
	assert_int_equal(r->dev, (uint32_t)sb.st_dev);
	/* directory, O_DIRECTORY without O_CLOEXEC */
	r = find(g, 100, 1);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_DIR);
	assert_string_equal(r->name, tpath("data"));
	assert_int_equal(r->xflags, 0);
	assert_int_equal(r->oflags, 0200000);
	/* the cwd */
	r = find(g, 100, SCRY_FD_CWD);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_DIR);
	assert_string_equal(r->name, tpath("data"));
	assert_int_equal(stat(tpath("data"), &sb), 0);
	assert_int_equal(r->ino, sb.st_ino);
	/* hostile bytes carried as they are */
	snprintf(name, sizeof(name), "data/%s", hostile);
	r = find(g, 100, 11);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_FILE);
	assert_int_equal(r->name_len, strlen(tpath(name)) + 1);
	assert_memory_equal(r->name, tpath(name), r->name_len);
	/* a path whose target is gone meanwhile: no record */
	assert_null(find(g, 100, 10));
	/* scry itself is left out, and so are names that are no pid */
	assert_null(find(g, 200, 0));
	assert_null(find(g, 200, SCRY_FD_CWD));
}

static void anon_kinds(void **state)
{
	struct fd_seed_stats st;
	struct got *g = scan(0, 0, &st);
	const struct scry_rec_fd_seed *r;

	/* a pipe keeps /proc's name; its inode from the name when stat cannot say */
	r = find(g, 100, 2);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_PIPE);
	assert_string_equal(r->name, "pipe:[777]");
	assert_int_equal(r->ino, 777);
	assert_int_equal(r->xflags, SCRY_FDS_CLOEXEC);
	/* anon inodes of a known kind: named as /proc names them, as the table names them live */
	r = find(g, 100, 5);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_EVENT);
	assert_string_equal(r->name, "anon_inode:[eventfd]");
	assert_int_equal(r->h.size, SCRY_FD_SEED_FIXED + sizeof("anon_inode:[eventfd]"));
	r = find(g, 100, 14);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_TIMERFD);
	assert_string_equal(r->name, "anon_inode:[timerfd]");
	r = find(g, 100, 15);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_BPF);
	assert_string_equal(r->name, "anon_inode:bpf-map");
	/* another kind: unknown, named as /proc shows it */
	r = find(g, 100, 16);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_UNKNOWN);
	assert_string_equal(r->name, "anon_inode:[perf_event]");
}

static void sockets(void **state)
{
	struct fd_seed_stats st;
	struct got *g = scan(0, 0, &st);
	const struct scry_rec_fd_seed *r;
	const struct scry_sock_addr *a;
	uint8_t lo4[4] = { 127, 0, 0, 1 }, lo6[16] = { [15] = 1 };
	uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };

	/* TCP over IPv4: the tuple from net/tcp, not the forged unix line for its inode */
	r = find(g, 100, 3);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_IPV4);
	assert_int_equal(r->ino, 5001);
	a = sa_of(r);
	assert_int_equal(r->name_len, sizeof(*a) + 1);
	assert_int_equal(a->family, AF_INET);
	assert_int_equal(a->sktype, SOCK_STREAM);
	assert_int_equal(a->protocol, 6);
	assert_int_equal(a->lport, 8080);
	assert_int_equal(a->rport, 50000);
	assert_memory_equal(a->laddr, lo4, 4);
	assert_memory_equal(a->raddr, lo4, 4);
	/* its local port 8080 is listened on (0.0.0.0:8080, 5009): the accepted end */
	assert_int_equal(r->xflags, SCRY_FDS_SOCK | SCRY_FDS_SERVER);
	/* a unix socket's path */
	r = find(g, 100, 4);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_UNIX);
	a = sa_of(r);
	assert_int_equal(a->family, AF_UNIX);
	assert_int_equal(a->sktype, SOCK_STREAM);
	assert_string_equal(a->name, "/run/app.sock");
	assert_int_equal(r->name_len, sizeof(*a) + strlen("/run/app.sock") + 1);
	/* TCP over IPv6, listening */
	r = find(g, 100, 6);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_IPV6);
	a = sa_of(r);
	assert_int_equal(a->family, AF_INET6);
	assert_int_equal(a->lport, 80);
	assert_int_equal(a->rport, 0);
	assert_memory_equal(a->laddr, lo6, 16);
	/* netlink, its protocol from the Eth column */
	r = find(g, 100, 7);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_NETLINK);
	a = sa_of(r);
	assert_int_equal(a->family, 16);
	assert_int_equal(a->protocol, 0);
	/* two lines claim 5005 (one forged by 400's name): unix, but no name */
	r = find(g, 100, 9);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_UNIX);
	assert_int_equal(r->name_len, sizeof(*a) + 1);
	assert_string_equal(sa_of(r)->name, "");
	/* a name with a newline in it, cut where the line ends: no name rather than half */
	r = find(g, 100, 18);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_UNIX);
	assert_string_equal(sa_of(r)->name, "");
	/* abstract: '@' as /proc shows it; SEQPACKET */
	r = find(g, 100, 12);
	assert_non_null(r);
	assert_string_equal(sa_of(r)->name, "@abstract");
	assert_int_equal(sa_of(r)->sktype, 5);
	/* UDP */
	r = find(g, 100, 17);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_IPV4);
	a = sa_of(r);
	assert_int_equal(a->sktype, SOCK_DGRAM);
	assert_int_equal(a->protocol, 17);
	assert_int_equal(a->lport, 53);
	/* in no table: a socket, nothing more */
	r = find(g, 100, 13);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_SOCK);
	assert_int_equal(r->xflags & SCRY_FDS_SOCK, 0);
	assert_int_equal(r->name_len, 0);
	assert_int_equal(r->ino, 9999);
	/* 500's TCP socket, which 400's unix table (another namespace, read first) forged */
	r = find(g, 500, 3);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_IPV6);
	a = sa_of(r);
	assert_memory_equal(a->laddr, mapped, 16);
	assert_int_equal(a->rport, 40000);
	/* 8080 is listened on in 100's namespace, not in 500's: the connecting end */
	assert_int_equal(r->xflags, SCRY_FDS_SOCK);
	r = find(g, 400, 0);
	assert_non_null(r);
	assert_string_equal(sa_of(r)->name, "/tmp/evil");
	assert_int_equal(st.socks, 10);
}

static void bounds(void **state)
{
	struct fd_seed_stats st;
	struct got *g = scan_in("bounds", 3, 0, &st);
	size_t i, n300 = 0;

	/* 3 fds a process (a cwd is no fd) */
	for (i = 0; i < g->n; i++)
		n300 += g->r[i].h.pid == 300;
	assert_int_equal(n300, 3);
	assert_int_equal(g->n, 3 + 1 + 2);
	assert_int_equal(st.fds, g->n);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.procs, 2);
	g = scan_in("bounds", 0, 0, &st);
	assert_int_equal(g->n, 4 + 1 + 2);
	assert_int_equal(st.skipped, 0);
	/* in all, cwds included: 4, the rest counted whichever process came first */
	g = scan_in("bounds", 0, 4, &st);
	assert_int_equal(g->n, 4);
	assert_int_equal(st.fds, 4);
	assert_int_equal(st.skipped, 3);
	/* the whole tree: 100's 17 fds there and a cwd, 300's 5, 400's and 500's one */
	g = scan(0, 0, &st);
	assert_int_equal(st.procs, 4);
	assert_int_equal(g->n, 18 + 5 + 1 + 1);
	assert_int_equal(st.fds, g->n);
}

static void emit_stops(void **state)
{
	static struct got g = { .stop_after = 2 };
	struct fd_seed_opts o = { .procfs = tpath("proc"), .self = 200, .emit = keep, .ctx = &g };
	struct fd_seed_stats st;

	assert_int_equal(fd_seed_scan(&o, &st), -EINTR);
	assert_int_equal(g.n, 2);
	o.procfs = tpath("nothing-here");
	assert_int_equal(fd_seed_scan(&o, &st), -ENOENT);
}

/* The test's own fds in the real /proc: the kinds only a kernel makes. */
static void real_proc(void **state)
{
	static struct got g;
	struct fd_seed_opts o = { .procfs = "/proc", .emit = keep, .ctx = &g };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t len = sizeof(in);
	struct fd_seed_stats st;
	const struct scry_rec_fd_seed *r;
	int p[2], ev, mfd, tfd, ep, ino, us, ts, tc, ta;
	sigset_t mask;
	int sfd;
	char cwd[512];

	g.pid = getpid();
	sigemptyset(&mask);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	ev = eventfd(0, 0);
	mfd = memfd_create("buf", 0);
	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	ep = epoll_create1(0);
	ino = inotify_init1(0);
	sfd = signalfd(-1, &mask, 0);
	us = socket(AF_UNIX, SOCK_DGRAM, 0);
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", tpath("u.sock"));
	assert_int_equal(bind(us, (void *)&un, sizeof(un)), 0);
	ts = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(ts, (void *)&in, sizeof(in)), 0);
	assert_int_equal(listen(ts, 1), 0);
	assert_int_equal(getsockname(ts, (void *)&in, &len), 0);
	tc = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(tc, (void *)&in, sizeof(in)), 0);
	ta = accept(ts, NULL, NULL);
	assert_true(ta >= 0);
	assert_true(ev >= 0 && mfd >= 0 && tfd >= 0 && ep >= 0 && ino >= 0 && sfd >= 0);

	assert_int_equal(fd_seed_scan(&o, &st), 0);
	assert_true(st.procs >= 1);
	r = find(&g, g.pid, p[0]);
	assert_non_null(r);
	assert_int_equal(r->type, SCRY_FDT_PIPE);
	assert_int_equal(r->xflags, SCRY_FDS_CLOEXEC);
	assert_int_equal(strncmp(r->name, "pipe:[", 6), 0);
	assert_int_equal(r->ino, strtoull(r->name + 6, NULL, 10));
	assert_int_equal(find(&g, g.pid, p[1])->ino, r->ino);
	assert_int_equal(find(&g, g.pid, p[1])->oflags & O_ACCMODE, O_WRONLY);
	assert_int_equal(find(&g, g.pid, ev)->type, SCRY_FDT_EVENT);
	r = find(&g, g.pid, mfd);
	assert_int_equal(r->type, SCRY_FDT_MEMFD);
	assert_string_equal(r->name, "/memfd:buf");
	assert_int_equal(find(&g, g.pid, tfd)->type, SCRY_FDT_TIMERFD);
	assert_int_equal(find(&g, g.pid, ep)->type, SCRY_FDT_EVENTPOLL);
	assert_int_equal(find(&g, g.pid, ino)->type, SCRY_FDT_INOTIFY);
	assert_int_equal(find(&g, g.pid, sfd)->type, SCRY_FDT_SIGNALFD);
	r = find(&g, g.pid, us);
	assert_int_equal(r->type, SCRY_FDT_UNIX);
	assert_string_equal(sa_of(r)->name, tpath("u.sock"));
	assert_int_equal(sa_of(r)->sktype, SOCK_DGRAM);
	r = find(&g, g.pid, ts);
	assert_int_equal(r->type, SCRY_FDT_IPV4);
	assert_int_equal(sa_of(r)->lport, ntohs(in.sin_port));
	assert_int_equal(sa_of(r)->laddr[0], 127);
	r = find(&g, g.pid, tc);
	assert_int_equal(r->xflags & SCRY_FDS_SERVER, 0);
	assert_int_equal(sa_of(r)->rport, ntohs(in.sin_port));
	r = find(&g, g.pid, ta);
	assert_int_equal(r->xflags & SCRY_FDS_SERVER, SCRY_FDS_SERVER);
	assert_int_equal(sa_of(r)->lport, ntohs(in.sin_port));
	r = find(&g, g.pid, SCRY_FD_CWD);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_equal(r->name, cwd);
	close(p[0]), close(p[1]), close(ev), close(mfd), close(tfd), close(ep), close(ino);
	close(sfd), close(us), close(ts), close(tc), close(ta);
}

/* A capture's next file: a table entry and a cwd as records, which decode. */
static void from_the_table(void **state)
{
	struct scry_proc p = { .pid = 77, .cgid = 99, .comm = "app" };
	struct scry_fd f = {
		.fd = 5, .type = SCRY_FDT_FILE, .flags = FDE_CLOEXEC | FDE_SEEDED, .oflags = 02,
		.dev = 8, .ino = 1234, .name = "/srv/a\nb", .name_len = 8,
	};
	static struct scry_rec_fd_seed r;
	struct scry_event ev[2];
	static char big[SCRY_FD_NAME_MAX + 1];

	assert_true(fd_seed_of(&p, &f, 555, &r));
	assert_int_equal(r.h.type, SCRY_REC_FD_SEED);
	assert_int_equal(r.h.pid, 77);
	assert_int_equal(r.h.tid, 77);
	assert_int_equal(r.h.cgid, 99);
	assert_int_equal(r.h.ts, 555);
	assert_string_equal(r.h.comm, "app");
	assert_int_equal(r.fd, 5);
	assert_int_equal(r.xflags, SCRY_FDS_CLOEXEC);
	assert_int_equal(r.oflags, 02);
	assert_int_equal(r.dev, 8);
	assert_int_equal(r.ino, 1234);
	assert_int_equal(r.name_len, 9);
	assert_string_equal(r.name, "/srv/a\nb");
	assert_int_equal(decode__record(&r, r.h.size, ev), 1);
	/* a unix socket: its addresses, then its name */
	f = (struct scry_fd){ .fd = 6, .type = SCRY_FDT_UNIX, .sock = true, .name = "/run/s",
			      .name_len = 6, .flags = FDE_TRUNC };
	f.sa.family = AF_UNIX;
	f.sa.sktype = SOCK_STREAM;
	assert_true(fd_seed_of(&p, &f, 555, &r));
	assert_int_equal(r.xflags, SCRY_FDS_SOCK | SCRY_FDS_TRUNC);
	assert_int_equal(r.name_len, sizeof(f.sa) + 7);
	assert_int_equal(sa_of(&r)->family, AF_UNIX);
	assert_string_equal(sa_of(&r)->name, "/run/s");
	assert_int_equal(decode__record(&r, r.h.size, ev), 1);
	/* an IP socket: the addresses and an empty name */
	f = (struct scry_fd){ .fd = 7, .type = SCRY_FDT_IPV4, .sock = true, .name = "",
			      .flags = FDE_SERVER };
	f.sa.family = AF_INET;
	f.sa.lport = 80;
	assert_true(fd_seed_of(&p, &f, 555, &r));
	assert_int_equal(r.xflags, SCRY_FDS_SOCK | SCRY_FDS_SERVER);
	assert_int_equal(r.name_len, sizeof(f.sa) + 1);
	assert_int_equal(sa_of(&r)->lport, 80);
	assert_int_equal(decode__record(&r, r.h.size, ev), 1);
	/* no name: none in the record */
	f = (struct scry_fd){ .fd = 8, .type = SCRY_FDT_EVENT, .name = "" };
	assert_true(fd_seed_of(&p, &f, 555, &r));
	assert_int_equal(r.name_len, 0);
	assert_int_equal(r.h.size, SCRY_FD_SEED_FIXED);
	assert_int_equal(decode__record(&r, r.h.size, ev), 1);
	/* a name that does not fit: no record */
	memset(big, 'a', SCRY_FD_NAME_MAX);
	f = (struct scry_fd){ .fd = 9, .type = SCRY_FDT_FILE, .name = big,
			      .name_len = SCRY_FD_NAME_MAX };
	assert_false(fd_seed_of(&p, &f, 555, &r));
	/* the cwd */
	assert_false(fd_seed_cwd(&p, 555, &r));
	p.cwd = "/home/x";
	assert_true(fd_seed_cwd(&p, 555, &r));
	assert_int_equal(r.fd, SCRY_FD_CWD);
	assert_int_equal(r.type, SCRY_FDT_DIR);
	assert_string_equal(r.name, "/home/x");
	assert_int_equal(r.h.size, SCRY_FD_SEED_FIXED + 8);
	assert_int_equal(decode__record(&r, r.h.size, ev), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(files_dirs_and_flags),
		cmocka_unit_test(anon_kinds),
		cmocka_unit_test(sockets),
		cmocka_unit_test(bounds),
		cmocka_unit_test(emit_stops),
		cmocka_unit_test(real_proc),
		cmocka_unit_test(from_the_table),
	};

	return cmocka_run_group_tests_name("fdseed", tests, make_tree, rm_tree);
}
