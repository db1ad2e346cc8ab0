// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall number <-> name for the build architecture (generated from the C library's headers),
 * and the rules for the syscalls whose arguments are worth carrying: one table keyed by name,
 * so the same rules serve every architecture.
 *
 * An argument spec is a space-separated list of name:fmt, one per argument in order, where fmt
 * is an enum arg_fmt letter. The first two F (or N) arguments become fd_a and fd_b (their file
 * kind is recorded by BPF), the S argument is copied as a path (a second S too, after the first
 * in the record's path: rename's new name), an R argument is the dirfd of the S after it; an N
 * argument's socket has its addresses recorded, and an A/a/M/m argument names the peer of an
 * unconnected one.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "scry/decode.h"
#include "scry/util.h"

#define SCRY_SYSCALL(n) [__NR_##n] = #n,
static const char *const names[] = {
#include "syscall_list.h"
};
#undef SCRY_SYSCALL

_Static_assert(ARRAY_SIZE(names) <= SCRY_NR_SYSCALLS, "raise SCRY_NR_SYSCALLS");

/* The 32-bit x86 ABI's calls (empty elsewhere): records carry them as COMPAT_BASE + number. */
#define SCRY_SYSCALL32(n, num) { #n, num },
static const struct {
	const char *name;
	uint32_t nr;
} names32[] = {
#include "syscall_list32.h"
	{ NULL, 0 }
};
#undef SCRY_SYSCALL32

struct arg_rule {
	const char *name;
	const char *spec;
	enum io_class io;
	char ret;		/* ARG_X for calls that return addresses, ARG_N for those
				 * that return a socket (accept); default signed decimal */
	uint8_t role;		/* enum sock_call_role of a socket call */
	uint8_t fdop;		/* enum fd_op: what it does to the fd table */
	uint8_t fdtype;		/* FDOP_NEW: enum scry_fd_type of the fd it makes */
};

#define NEWFD(t)	.fdop = FDOP_NEW, .fdtype = SCRY_FDT_##t

static const struct arg_rule rules[] = {
	/* file I/O: the fd kind tells regular files from pipes and sockets */
	{ "read", "fd:F buf:X size:U", IO_READ },
	{ "write", "fd:F buf:X size:U", IO_WRITE },
	{ "pread64", "fd:F buf:X size:U pos:L", IO_READ },
	{ "pwrite64", "fd:F buf:X size:U pos:L", IO_WRITE },
	{ "readv", "fd:F iov:X iovcnt:U", IO_READ },
	{ "writev", "fd:F iov:X iovcnt:U", IO_WRITE },
	{ "preadv", "fd:F iov:X iovcnt:U pos:L", IO_READ },
	{ "pwritev", "fd:F iov:X iovcnt:U pos:L", IO_WRITE },
	{ "preadv2", "fd:F iov:X iovcnt:U pos:L flags:X", IO_READ },
	{ "pwritev2", "fd:F iov:X iovcnt:U pos:L flags:X", IO_WRITE },
	{ "sendfile", "out_fd:F in_fd:F offset:X count:U", IO_XFER },
	{ "splice", "fd_in:F off_in:X fd_out:F off_out:X len:U flags:X", IO_XFER_AB },
	{ "copy_file_range", "fd_in:F off_in:X fd_out:F off_out:X len:U flags:X", IO_XFER_AB },
	{ "tee", "fd_in:F fd_out:F len:U flags:X" },
	{ "vmsplice", "fd:F iov:X nr_segs:U flags:X" },
	{ "lseek", "fd:F offset:L whence:U" },
	{ "fsync", "fd:F" },
	{ "fdatasync", "fd:F" },
	{ "syncfs", "fd:F" },
	{ "sync_file_range", "fd:F offset:L nbytes:L flags:X" },
	{ "ftruncate", "fd:F length:L" },
	{ "fallocate", "fd:F mode:X offset:L len:L" },
	{ "fadvise64", "fd:F offset:L len:L advice:U" },
	{ "readahead", "fd:F offset:L count:U" },
	{ "flock", "fd:F op:X" },
	{ "fstat", "fd:F statbuf:X" },
	{ "fstatfs", "fd:F buf:X" },
	{ "fchmod", "fd:F mode:O" },
	{ "fchown", "fd:F uid:D gid:D" },
	{ "fgetxattr", "fd:F name:X value:X size:U" },
	{ "fsetxattr", "fd:F name:X value:X size:U flags:X" },
	{ "newfstatat", "dirfd:R path:S statbuf:X flags:X" },
	{ "statx", "dirfd:R path:S flags:X mask:X statxbuf:X" },
	{ "close", "fd:F", .fdop = FDOP_CLOSE },
	{ "close_range", "first:U last:U flags:X", .fdop = FDOP_CLOSE_RANGE },
	{ "dup", "fd:F", .fdop = FDOP_DUP },
	{ "dup2", "oldfd:F newfd:D", .fdop = FDOP_DUP },
	{ "dup3", "oldfd:F newfd:D flags:X", .fdop = FDOP_DUP },
	{ "fcntl", "fd:F cmd:U arg:X", .fdop = FDOP_FCNTL },
	{ "ioctl", "fd:F request:X arg:X" },
	{ "getdents", "fd:F dirp:X count:U" },
	{ "getdents64", "fd:F dirp:X count:U" },
	{ "mmap", "addr:X length:U prot:X flags:X fd:F offset:L", IO_NONE, ARG_X },
	/* paths */
	{ "open", "path:S flags:X mode:O", .fdop = FDOP_OPEN },
	{ "openat", "dirfd:R path:S flags:X mode:O", .fdop = FDOP_OPEN },
	{ "openat2", "dirfd:R path:S how:X size:U", .fdop = FDOP_OPEN },
	{ "creat", "path:S mode:O", .fdop = FDOP_OPEN },
	{ "stat", "path:S statbuf:X" },
	{ "lstat", "path:S statbuf:X" },
	{ "access", "path:S mode:O" },
	{ "faccessat", "dirfd:R path:S mode:O" },
	{ "faccessat2", "dirfd:R path:S mode:O flags:X" },
	{ "readlink", "path:S buf:X size:U" },
	{ "readlinkat", "dirfd:R path:S buf:X size:U" },
	{ "unlink", "path:S" },
	{ "unlinkat", "dirfd:R path:S flags:X" },
	{ "mkdir", "path:S mode:O" },
	{ "mkdirat", "dirfd:R path:S mode:O" },
	{ "rmdir", "path:S" },
	/* diff18: the new name is carried too (a second path), its dirfd named */
	{ "rename", "oldpath:S newpath:S" },
	{ "renameat", "olddirfd:R oldpath:S newdirfd:R newpath:S" },
	{ "renameat2", "olddirfd:R oldpath:S newdirfd:R newpath:S flags:X" },
	{ "chdir", "path:S", .fdop = FDOP_CHDIR },
	{ "fchdir", "fd:F", .fdop = FDOP_FCHDIR },
	{ "chmod", "path:S mode:O" },
	{ "fchmodat", "dirfd:R path:S mode:O" },
	{ "chown", "path:S uid:D gid:D" },
	{ "truncate", "path:S length:L" },
	{ "mount", "source:X target:S fstype:X flags:X data:X" },
	{ "umount2", "target:S flags:X" },
	{ "inotify_add_watch", "fd:F path:S mask:X" },
	/* fds of other kinds */
	{ "pipe", "fds:P", .fdop = FDOP_PAIR, .fdtype = SCRY_FDT_PIPE },
	{ "pipe2", "fds:P flags:X", .fdop = FDOP_PAIR, .fdtype = SCRY_FDT_PIPE },
	{ "eventfd", "initval:U", NEWFD(EVENT) },
	{ "eventfd2", "initval:U flags:X", NEWFD(EVENT) },
	{ "timerfd_create", "clockid:U flags:X", NEWFD(TIMERFD) },
	{ "signalfd", "fd:D mask:X size:U", .fdop = FDOP_SIGNALFD },
	{ "signalfd4", "fd:D mask:X size:U flags:X", .fdop = FDOP_SIGNALFD },
	{ "epoll_create", "size:U", NEWFD(EVENTPOLL) },
	{ "epoll_create1", "flags:X", NEWFD(EVENTPOLL) },
	{ "inotify_init", "", NEWFD(INOTIFY) },
	{ "inotify_init1", "flags:X", NEWFD(INOTIFY) },
	{ "memfd_create", "name:S flags:X", NEWFD(MEMFD) },
	{ "pidfd_open", "pid:D flags:X", NEWFD(PIDFD) },
	{ "pidfd_getfd", "pidfd:F targetfd:D flags:X", .fdop = FDOP_PIDFD_GETFD },
	{ "userfaultfd", "flags:X", NEWFD(USERFAULTFD) },
	{ "io_uring_setup", "entries:U params:X", NEWFD(IOURING) },
	{ "perf_event_open", "attr:X pid:D cpu:D group_fd:D flags:X", NEWFD(UNKNOWN) },
	{ "fanotify_init", "flags:X event_f_flags:X", NEWFD(UNKNOWN) },
	/* network: the calls that name an address show the socket's (N, and the peer's: A, M) */
	{ "socket", "domain:U type:X protocol:U", .fdop = FDOP_SOCKET },
	{ "socketpair", "domain:U type:X protocol:U sv:P", .fdop = FDOP_PAIR,
	  .fdtype = SCRY_FDT_UNIX },
	{ "connect", "fd:N addr:A addrlen:U", IO_NONE, 0, SCR_CLIENT },
	{ "bind", "fd:N addr:X addrlen:U", IO_NONE, 0, SCR_SERVER },
	{ "listen", "fd:N backlog:D", IO_NONE, 0, SCR_SERVER },
	{ "accept", "lfd:F addr:X addrlen:X", IO_NONE, ARG_N, SCR_SERVER, FDOP_ACCEPT },
	{ "accept4", "lfd:F addr:X addrlen:X flags:X", IO_NONE, ARG_N, SCR_SERVER, FDOP_ACCEPT },
	{ "sendto", "fd:N buf:X size:U flags:X addr:A addrlen:U", IO_NONE, 0, SCR_DGRAM_SEND },
	{ "recvfrom", "fd:N buf:X size:U flags:X addr:a addrlen:X", IO_NONE, 0, SCR_DGRAM_RECV },
	{ "sendmsg", "fd:N msg:M flags:X", IO_NONE, 0, SCR_DGRAM_SEND },
	{ "recvmsg", "fd:N msg:m flags:X", IO_NONE, 0, SCR_DGRAM_RECV },
	{ "sendmmsg", "fd:F msgvec:X vlen:U flags:X" },
	{ "recvmmsg", "fd:F msgvec:X vlen:U flags:X timeout:X" },
	{ "shutdown", "fd:F how:U" },
	{ "setsockopt", "fd:F level:U optname:U optval:X optlen:U" },
	{ "getsockopt", "fd:F level:U optname:U optval:X optlen:X" },
	{ "getsockname", "fd:F addr:X addrlen:X" },
	{ "getpeername", "fd:F addr:X addrlen:X" },
	/* processes and memory */
	{ "kill", "pid:D sig:U" },
	{ "tkill", "tid:D sig:U" },
	{ "tgkill", "tgid:D tid:D sig:U" },
	{ "clone", "flags:X stack:X parent_tid:X child_tid:X tls:X" },
	{ "clone3", "args:X size:U" },
	{ "wait4", "pid:D status:X options:X rusage:X" },
	{ "setuid", "uid:D" },
	{ "setgid", "gid:D" },
	{ "setns", "fd:F nstype:X" },
	{ "unshare", "flags:X", .fdop = FDOP_UNSHARE },
	{ "prctl", "option:U arg2:X arg3:X arg4:X arg5:X" },
	{ "munmap", "addr:X length:U" },
	{ "mprotect", "addr:X length:U prot:X" },
	{ "brk", "addr:X", IO_NONE, ARG_X },
	{ "mremap", "old_addr:X old_size:U new_size:U flags:X new_addr:X", IO_NONE, ARG_X },
	{ "nanosleep", "req:X rem:X" },
	{ "clock_nanosleep", "clockid:U flags:X req:X rem:X" },
	{ "futex", "uaddr:X op:X val:U" },
	{ "epoll_wait", "epfd:F events:X maxevents:U timeout:D" },
	{ "epoll_pwait", "epfd:F events:X maxevents:U timeout:D sigmask:X" },
	{ "epoll_ctl", "epfd:F op:U fd:F event:X" },
	{ "poll", "fds:X nfds:U timeout:D" },
	{ "ppoll", "fds:X nfds:U tsp:X sigmask:X" },
	{ "bpf", "cmd:U attr:X size:U", .fdop = FDOP_BPF },
	/* issue 18, diff18: what else changes a container's files (container_diff) */
	{ "link", "oldpath:S newpath:S" },
	{ "linkat", "olddirfd:R oldpath:S newdirfd:R newpath:S flags:X" },
	{ "symlink", "target:S linkpath:S" },
	{ "symlinkat", "target:S newdirfd:R linkpath:S" },
	{ "mknod", "path:S mode:O dev:X" },
	{ "mknodat", "dirfd:R path:S mode:O dev:X" },
	{ "lchown", "path:S uid:D gid:D" },
	{ "fchownat", "dirfd:R path:S uid:D gid:D flags:X" },
	{ "fchmodat2", "dirfd:R path:S mode:O flags:X" },
	{ "utimensat", "dirfd:R path:S times:X flags:X" },
	{ "utimes", "path:S times:X" },
	{ "utime", "path:S times:X" },
	{ "setxattr", "path:S name:X value:X size:U flags:X" },
	{ "lsetxattr", "path:S name:X value:X size:U flags:X" },
	{ "removexattr", "path:S name:X" },
	{ "lremovexattr", "path:S name:X" },
};

static struct syscall_desc table[SCRY_NR_SYSCALLS];
static uint32_t nr_count;
/*
 * A 32-bit call is shown as the native call of the same name (its count, errors and filters
 * merge with it); one with no native namesake (socketcall, stat64, _llseek...) keeps its own
 * number above SCRY_NR_COMPAT_BASE, and its name here.
 */
static uint32_t native_of32[SCRY_NR_SYSCALLS];
static struct syscall_desc table32[SCRY_NR_SYSCALLS];

static int native_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return -1;
}

static int parse_spec(struct syscall_desc *d, const struct arg_rule *r)
{
	char buf[256], *save = NULL, *tok;
	uint8_t dirfd = 0;
	int i = 0;

	snprintf(buf, sizeof(buf), "%s", r->spec);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
		char *colon = strchr(tok, ':');
		if (i >= SCRY_NARGS || !colon || !strchr("UDLXOFSNAaMmRP", colon[1]) || colon[2])
			return -EINVAL;
		*colon = '\0';
		if (strlen(tok) >= sizeof(d->argname[i]))
			return -EINVAL;
		strcpy(d->argname[i], tok);
		d->fmt[i] = colon[1];
		switch (colon[1]) {
		case ARG_N:
			d->sock = i + 1;	/* a socket fd is an fd: */
			/* fall through */
		case ARG_F:
			if (!d->fd_a)
				d->fd_a = i + 1;
			else if (!d->fd_b)
				d->fd_b = i + 1;
			break;
		case ARG_S:
			/* a dirfd is the one of the path after it (symlinkat's is the second's) */
			if (!d->path) {
				d->path = i + 1;
				d->dirfd = dirfd;
			} else if (!d->path2) {
				d->path2 = i + 1;
				d->dirfd2 = dirfd;
			}
			dirfd = 0;
			break;
		case ARG_R:
			dirfd = i + 1;
			break;
		case ARG_P:
			d->pair = i + 1;
			break;
		case ARG_A:
		case ARG_A_OUT:
		case ARG_M:
		case ARG_M_OUT:
			d->peer = i + 1;
			if (colon[1] == ARG_M || colon[1] == ARG_M_OUT)
				d->peer |= SCRY_PEER_MSG;
			if (colon[1] == ARG_A_OUT || colon[1] == ARG_M_OUT)
				d->peer |= SCRY_PEER_OUT;
			break;
		}
	}
	d->nargs = i;
	d->io = r->io;
	d->ret = r->ret ? r->ret : ARG_L;
	if (d->ret == ARG_N)
		d->sock = SCRY_SYSARG_RET;
	d->role = r->role;
	d->fdop = r->fdop;
	d->fdtype = r->fdtype;
	/* A path, a socket's addresses and a pair of fds share the record's path[]: one of them. */
	if (!!d->sock + !!d->path + !!d->pair > 1)
		return -EINVAL;
	return 0;
}

/*
 * The table is built on first use, whoever comes first (decoder, filter, top, BPF loader): no
 * caller has to remember an init call, and none can see a half-built table.
 */
static pthread_once_t built_once = PTHREAD_ONCE_INIT;
static bool built;

static void build(void)
{
	size_t i;
	int nr;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		table[i].name = names[i];
		table[i].ret = ARG_L;
		if (names[i])
			nr_count = i + 1;
	}
	for (i = 0; i < SCRY_NR_SYSCALLS; i++)
		native_of32[i] = SCRY_NR_COMPAT_BASE + i;
	for (i = 0; names32[i].name; i++) {
		uint32_t n32 = names32[i].nr;

		if (n32 >= SCRY_NR_SYSCALLS)
			continue;
		nr = native_lookup(names32[i].name);
		if (nr >= 0) {
			native_of32[n32] = nr;
		} else {
			table32[n32].name = names32[i].name;
			table32[n32].ret = ARG_L;
		}
	}
	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		nr = native_lookup(rules[i].name);
		if (nr < 0)
			continue;	/* not on this architecture (open, stat on arm64...) */
		if (parse_spec(&table[nr], &rules[i])) {
			/* A typo in rules[] above: a bug every unit test that decodes would hit. */
			log_err("internal: bad argument spec for %s", rules[i].name);
			abort();
		}
	}
	__atomic_store_n(&built, true, __ATOMIC_RELEASE);
}

/* One load on the hot path once built; pthread_once only until then. */
static inline void need_table(void)
{
	if (!__atomic_load_n(&built, __ATOMIC_ACQUIRE))
		pthread_once(&built_once, build);
}

const struct syscall_desc *syscall_desc(uint32_t nr)
{
	need_table();
	if (nr >= SCRY_NR_COMPAT_BASE) {
		nr -= SCRY_NR_COMPAT_BASE;
		return nr < SCRY_NR_SYSCALLS && table32[nr].name ? &table32[nr] : NULL;
	}
	if (nr >= nr_count || !table[nr].name)
		return NULL;
	return &table[nr];
}

const char *syscall_name(uint32_t nr)
{
	need_table();
	if (nr >= SCRY_NR_COMPAT_BASE) {
		nr -= SCRY_NR_COMPAT_BASE;
		return nr < SCRY_NR_SYSCALLS ? table32[nr].name : NULL;
	}
	return nr < ARRAY_SIZE(names) ? names[nr] : NULL;
}

int syscall_lookup(const char *name)
{
	size_t i;
	int nr = native_lookup(name);

	if (nr >= 0)
		return nr;
	need_table();
	for (i = 0; i < SCRY_NR_SYSCALLS; i++)
		if (table32[i].name && !strcmp(table32[i].name, name))
			return SCRY_NR_COMPAT_BASE + i;
	return -1;
}

int syscall_lookup32(const char *name)
{
	size_t i;

	for (i = 0; names32[i].name; i++)
		if (!strcmp(names32[i].name, name) && names32[i].nr < SCRY_NR_SYSCALLS)
			return names32[i].nr;
	return -1;
}

uint32_t syscall_native(uint32_t raw)
{
	uint32_t n32 = raw - SCRY_NR_COMPAT_BASE;

	if (raw < SCRY_NR_COMPAT_BASE || n32 >= SCRY_NR_SYSCALLS)
		return raw;
	need_table();
	return native_of32[n32];
}

uint32_t syscall_count(void)
{
	need_table();
	return nr_count;
}

void syscalls__bpf_rules(struct scry_sysarg *out, uint32_t n)
{
	uint32_t i;

	need_table();
	memset(out, 0, n * sizeof(*out));
	for (i = 0; i < n && i < nr_count; i++) {
		out[i].nargs = table[i].nargs;
		out[i].fd_a = table[i].fd_a;
		out[i].fd_b = table[i].fd_b;
		out[i].path = table[i].path | (table[i].path2 << SCRY_SYSARG_PATH2_SHIFT);
		out[i].sock = table[i].sock;
		out[i].peer = table[i].peer;
		out[i].fdx = table[i].pair;
		if (table[i].fdop == FDOP_OPEN)
			out[i].fdx |= SCRY_FDX_FILE;
	}
}
