/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process table: every thread and process scry knows, seeded from /proc at start and kept
 * by the fork/exec/exit/rename records, so that every event can name its process, parent,
 * executable and arguments, also for processes that started before scry.
 */
#ifndef SCRY_STATE_H
#define SCRY_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scry/decode.h"

/*
 * Every comm that enters a table or a record goes through here: at most 15 bytes (a record or a
 * file may fill all 16, the kernel never does), NUL-padded, so that it always ends in a NUL.
 */
/* Two comms name the same (the bytes after a NUL do not count); mostly one compare of 16 bytes. */
static inline bool scry_comm_eq(const char a[SCRY_COMM_LEN], const char b[SCRY_COMM_LEN])
{
	return !memcmp(a, b, SCRY_COMM_LEN) || !strncmp(a, b, SCRY_COMM_LEN);
}

static inline void scry_comm_set(char dst[SCRY_COMM_LEN], const char *src, size_t n)
{
	n = strnlen(src, n < SCRY_COMM_LEN - 1 ? n : SCRY_COMM_LEN - 1);
	memmove(dst, src, n);
	memset(dst + n, 0, SCRY_COMM_LEN - n);
}

/* The scheduler's accounting of switch and tick records (scry_sched_acct), summed. */
struct sched_sums {
	uint64_t wait_ns;			/* run-queue wait (growth of run_delay) */
	uint64_t off_ns[SCRY_OFF__MAX];		/* off-CPU time by enum scry_off_reason */
	uint64_t min_flt, maj_flt;		/* page faults */
};

static inline void sched_sums_add(struct sched_sums *s, const struct scry_sched_acct *a)
{
	s->wait_ns += a->wait_ns;
	s->off_ns[a->off_reason < SCRY_OFF__MAX ? a->off_reason : SCRY_OFF_NONE] += a->off_ns;
	s->min_flt += a->min_flt;
	s->maj_flt += a->maj_flt;
}

struct scry_proc {
	uint32_t pid, ppid, vpid;
	uint32_t uid, gid;
	uint32_t loginuid;	/* audit login uid; UINT32_MAX: unset, as the kernel's */
	uint64_t cgid;
	char comm[SCRY_COMM_LEN];
	char *exe;		/* as exec'd (or /proc/PID/exe when seeded); never NULL */
	char *args;		/* argv, NUL-separated, args_len bytes; never NULL */
	uint32_t args_len;
	uint64_t start_ts;	/* boot ns; 0 if it started before scry and /proc did not say */
	uint64_t cpu_ns;	/* on-CPU time charged while scry watched */
	struct sched_sums sched;	/* likewise: wait, off-CPU time, faults */
	uint32_t nthreads;
	int32_t exit_code;
	bool dead;
	uint64_t dead_ts;
	struct scry_container *container;	/* NULL: the host; owned by the registry */
	struct fdtab *fds;	/* its fd table (shared with CLONE_FILES kin); NULL: none known */
	char *cwd;		/* working directory, absolute; NULL: not known */
	uint64_t ctr_cgid;	/* the cgroup `container` was found for */
	bool ctr_known;
	uint8_t ctr_cat;	/* enum ctr_cat: container init's tree, a health probe (ctr_cat__judge) */
	uint64_t users_ref;	/* users.c's: its user database (0: not looked up yet) */
	/*
	 * session, group, terminal, login uid, fd limit: as of its newest fork or exec; memory:
	 * of its newest switch or tick record that carried it (SCRY_ACCT_MEM), else the same
	 */
	struct scry_proc_info info;
	/* the table it is in: its ancestors are looked up there (proctab__parent) */
	struct proctab *tab;
	/*
	 * It may have children in the table (it forked one, or was seeded, or is a reaper): its
	 * exit looks for them to give them their new parent. Most processes never fork, and their
	 * exit costs no scan of the table.
	 */
	bool kids;
	/*
	 * Its /proc/PID/task/TID/cgroup text, read when a field first asks (live only) and kept
	 * while its events' cgroup id stays `cg_cgid`: a line printed after the process exited
	 * still shows its cgroups. At most 4 KiB.
	 */
	char *cg_text;
	uint64_t cg_cgid;
	uint32_t cg_mark;	/* the capture file that recorded it (src/capture/tables.c) */
	uint64_t cg_mark_cgid;	/* for that cgroup id */
	/*
	 * proc.env: its environment, NUL-separated, env_len bytes (SCRY_ENV_MAX at most), when
	 * asked (proctab__want_env; a capture recorded with it); never NULL
	 */
	char *env;
	uint32_t env_len;
	/* private to proctab: thread entries pointing here, and how the entry is to be freed */
	uint32_t refs;
	uint32_t dead_idx;	/* 1 + its place in the heap of dead entries, 0 if not there */
	bool zombie;		/* replaced by a reused pid: freed when no thread points here */
	bool parked;		/* dead for longer than the grace period: freed when refs drop to 0 */
	bool reapable;		/* on the list of entries to free at the next reap */
	struct scry_proc *zombie_next;
};

/*
 * thread.cpu (issue 15): a thread's on-CPU time and the kernel's user/system growth charged in
 * one second of the boot clock (records dated in [sec, sec + 1) s).
 */
struct cpu_second {
	uint64_t sec;
	uint64_t run_ns;
	uint64_t utime_ns, stime_ns;
};

struct scry_thread {
	uint32_t tid, vtid;
	char comm[SCRY_COMM_LEN];
	struct scry_proc *proc;
	uint64_t enter_ts;	/* pending syscall enter, 0 if none */
	uint32_t enter_nr;
	uint64_t cpu_ns;
	struct sched_sums sched;
	bool dead;
	uint64_t dead_ts;
	uint32_t dead_idx;	/* private to proctab: 1 + its place in the heap of dead threads */
	/* page faults before `sched` counts them (procfs at seed; a capture's snapshot) */
	uint64_t min_flt_base, maj_flt_base;
	/* thread.cpu: the second its newest switch or tick fell in, and the one before that */
	struct cpu_second cpu_cur, cpu_prev;
};

struct proctab;
struct fdtab;

/* --- thread.cpu, thread.cpu.user, thread.cpu.system (issue 15): src/state/cpushare.c ------- */
/* A switch's or tick's on-CPU time and user/system split, into its thread's seconds. */
void cpushare__add(struct scry_thread *t, uint64_t ts, uint64_t run_ns,
		   const struct scry_sched_acct *a);
/*
 * The thread's share of one CPU in the whole second before the one `ts` falls in, percent
 * (0-100): pct[0] in all, pct[1] user, pct[2] system (pct[1] + pct[2] == pct[0]). False when
 * the table did not see all of that second (its first record came after the second began).
 */
bool cpushare__get(const struct scry_thread *t, uint64_t ts, uint64_t first_ts,
		   unsigned int pct[3]);
/* The time of the first record the table applied (0: none yet). */
uint64_t proctab__first_ts(const struct proctab *pt);

/* --- thread.cgroups in captures (issue 15): src/state/cgtext.c ------------------------------ */
#define SCRY_CGTEXT_MAX 4095	/* bytes of a cgroup file kept */
/*
 * The /proc/PID/task/TID/cgroup text of `p` (pid, tid: the event's task) while its cgroup id
 * is `cgid`: live, read once and kept in p->cg_text; in a replay, the capture's. NULL: none.
 */
const char *cgtext__of(struct scry_proc *p, uint32_t pid, uint32_t tid, uint64_t cgid);
/* A replay's text of (pid, cgid), from a capture's item: 0, -ENOSPC/-EDQUOT at a limit, -errno. */
int cgtext__add(uint32_t pid, uint64_t cgid, const char *text, size_t len, uint64_t max_entries,
		uint64_t max_bytes);
void cgtext__reset(void);
/* The controllers cgroup2's root lists, space-separated, into buf; its length (0: none). */
size_t cgtext__v2_controllers(char *buf, size_t len);

/*
 * `procfs` is where to seed from and where to look up threads first seen in a record ("/proc"
 * live); NULL for replay, where the table comes from the capture alone.
 */
struct proctab *proctab__new(const char *procfs);
void proctab__free(struct proctab *pt);
/* Read every process and thread under procfs; returns the number of processes or -errno. */
int proctab__seed(struct proctab *pt);

/* Update the table from one decoded event and point ev->thread / ev->proc at its entries. */
void proctab__apply(struct proctab *pt, struct scry_event *ev);

struct scry_thread *proctab__thread(struct proctab *pt, uint32_t tid);
struct scry_proc *proctab__proc(struct proctab *pt, uint32_t pid);
/* Iterate processes: *pos = 0 to start; NULL at the end. */
struct scry_proc *proctab__next_proc(struct proctab *pt, size_t *pos);
size_t proctab__nprocs(struct proctab *pt);
/* Iterate threads (dead ones in their grace period included): *pos = 0 to start; NULL at the end. */
struct scry_thread *proctab__next_thread(struct proctab *pt, size_t *pos);

/*
 * Insert a process (from a capture's table, or a test). `args` holds args_len bytes.
 * Returns the entry or NULL on allocation failure.
 */
struct scry_proc *proctab__add_proc(struct proctab *pt, const struct scry_proc *tmpl,
				    const char *exe, const char *args, uint32_t args_len);
struct scry_thread *proctab__add_thread(struct proctab *pt, uint32_t tid, uint32_t vtid,
					const char *comm, struct scry_proc *p);

/*
 * Free entries that died more than `grace_ns` before `now_ts` (event time). Dead entries wait in
 * a heap by time of death, so a reap costs what it frees, not the size of the table.
 */
void proctab__reap(struct proctab *pt, uint64_t now_ts, uint64_t grace_ns);

/* A thread or process entry died at `ts` (a capture's snapshot says so, or /proc does). */
void proctab__thread_died(struct proctab *pt, struct scry_thread *t, uint64_t ts);

/*
 * Live tables only: check every process and thread the table believes alive against procfs (gone,
 * or another process under the same pid, by its start time) and mark those that are not as dead
 * at the newest event time the table has seen, so that reaping frees them. For after exit records
 * were lost (ring drops). Returns how many entries it marked, or -EINVAL without procfs.
 */
int proctab__reconcile(struct proctab *pt);

/*
 * Bounds on what the table keeps (a replay sets them; 0 means no bound). Past one, a new process
 * or thread is not added (its events carry no process), or a process keeps an empty executable
 * and command line; `over` is called each time with the bound's kind.
 */
enum proctab_bound {
	PROCTAB_PROCS,
	PROCTAB_THREADS,
	PROCTAB_CMD_BYTES,	/* executable paths and command lines, in all */
};
struct proctab_limits {
	uint64_t procs, threads, cmd_bytes;
	void (*over)(void *ctx, enum proctab_bound what);
	void *ctx;
};
void proctab__set_limits(struct proctab *pt, const struct proctab_limits *l);

/*
 * The parent of `p` as the table knows it, or NULL: none, not in the table, or an entry that is
 * not its parent any more. A parent that exited is never named (the kernel gave its children to
 * a reaper: the exit record says which, and the table moved them there), nor a process that
 * started after `p` under the parent's pid (a reused pid).
 */
const struct scry_proc *proctab__parent(const struct scry_proc *p);
/* Its thread entry whose tid is its pid (the main thread), NULL if not known. */
const struct scry_thread *proctab__main_thread(const struct scry_proc *p);
/* Keep processes' environments (proc.env): seeded from procfs, taken from exec records. */
void proctab__want_env(struct proctab *pt, bool on);
/* Set a process's environment (`n` bytes, NUL-separated; cut to SCRY_ENV_MAX). */
void proctab__set_env(struct proctab *pt, struct scry_proc *p, const char *env, size_t n);
/* Where its table reads procfs ("/proc" live); NULL in a replay. */
const char *proctab__procfs(const struct scry_proc *p);
/* How many fds its fd table holds (0: none known). */
size_t fdtab__count(const struct scry_proc *p);

/* Called when a process entry is about to be freed (container registry drops its reference). */
void proctab__on_free(struct proctab *pt, void (*fn)(void *ctx, struct scry_proc *p), void *ctx);

/*
 * --- socktab.c: the socket table ---------------------------------------------------------------
 * Every socket the network events name, by its cookie: its TCP tuple (from its state changes),
 * the process that last sent or received on it, its cgroup, what it moved, when it opened and
 * closed. A socket leaves SOCKTAB_LINGER_NS of event time after it closed; one whose close no
 * event tells (UDP, unix: no state changes) leaves after SOCKTAB_IDLE_NS without an event. The
 * table holds SOCKTAB_MAX sockets at most (past that, a new socket is not added: its events
 * carry none).
 */
#define SOCKTAB_LINGER_NS	2000000000ULL
#define SOCKTAB_IDLE_NS		60000000000ULL
#define SOCKTAB_MAX		65536
struct sock_tuple {
	uint16_t family;	/* AF_INET, AF_INET6 (0: not known yet) */
	uint8_t protocol;
	uint16_t lport, rport;
	uint8_t laddr[16], raddr[16];
};
enum sock_role {
	SOCK_ROLE_UNKNOWN,
	SOCK_ROLE_CLIENT,	/* connected out: SYN_SENT -> ESTABLISHED */
	SOCK_ROLE_SERVER,	/* accepted: SYN_RECV -> ESTABLISHED */
	SOCK_ROLE_LISTENER,	/* a TCP socket in LISTEN */
};
struct scry_sock {
	uint64_t cookie;
	struct sock_tuple t;
	bool tuple;		/* t is known (a state change, a retransmit, an IP send or receive) */
	uint8_t state;		/* TCP state, 0 if never seen */
	uint8_t role;		/* enum sock_role */
	uint32_t pid;		/* last process to send or receive on it (0: none yet) */
	uint64_t cgid;
	uint64_t open_ts, close_ts;	/* ESTABLISHED, CLOSE (0: not seen) */
	uint64_t last_ts;	/* its newest event */
	uint64_t bytes_in, bytes_out;
	bool seeded;		/* open when scry started (a SCRY_REC_SOCK_SEED record) */
};
struct socktab;
struct socktab *socktab__new(void);
void socktab__free(struct socktab *st);
/* Keep the table by a network event (EVF_NET); sets ev->sock (NULL when the table is full). */
void socktab__apply(struct socktab *st, struct scry_event *ev);
/* Forget sockets closed more than SOCKTAB_LINGER_NS before `now` (event time). */
void socktab__reap(struct socktab *st, uint64_t now);
size_t socktab__count(const struct socktab *st);
/* Iterate the sockets: *pos = 0 to start; NULL at the end. */
struct scry_sock *socktab__next(const struct socktab *st, size_t *pos);

/*
 * --- sockseed.c: the sockets open when scry started --------------------------------------------
 * The iterator's findings (one per process holding a socket, in pid order) become one seed
 * record per socket, its first holder's, with its role: a TCP socket in LISTEN is a listener; an
 * open TCP connection is the server end if its local port is listened on in its network
 * namespace, else the client end; others have none. Settles `r` in place and returns how many
 * records are kept at its front.
 */
size_t sock_seed_settle(struct scry_rec_sock_seed *r, size_t n);
/*
 * A socket of the table as a seed record at `ts` (a capture's next file carries the open ones,
 * as the first carries the start's): false if it is not open or its tuple is not known. The
 * header's comm, the fd, inode and namespace are left 0.
 */
bool sock_seed_of(const struct scry_sock *s, uint64_t ts, struct scry_rec_sock_seed *r);

/*
 * --- netsums.c: count mode's sums, read again and again -----------------------------------------
 * In count mode (live views of byte and call totals) the kernel adds each send and receive to
 * its key's sums (struct scry_net_key) instead of sending a record; userspace reads every key's
 * sums each tick and hands the views what the read added. This table is the last read of each.
 */
struct scry_net_key;
struct netsums;
struct netsums *netsums__new(void);
void netsums__free(struct netsums *ns);
/* What k's sums gained since its last read (a key read for the first time: all); 0 or -ENOMEM. */
int netsums__delta(struct netsums *ns, const struct scry_net_key *k, uint64_t bytes,
		   uint64_t calls, uint64_t *dbytes, uint64_t *dcalls);
/* The key is gone from the kernel's map: one made again counts from 0. */
void netsums__forget(struct netsums *ns, const struct scry_net_key *k);
size_t netsums__size(const struct netsums *ns);

/*
 * --- fdtab.c: each process's fd table ----------------------------------------------------------
 * fd -> what it stands for, kept from the syscall exits that make, copy and close fds (the
 * syscall table's fd_op), fork (a copy, or the same table with CLONE_FILES), exec (close-on-exec)
 * and the fd seeds (SCRY_REC_FD_SEED) of processes that predate scry or the capture file. Names
 * are absolute as the process meant them: a relative path is resolved against its dirfd's name
 * or the cwd, lexically ("." and ".." folded, no symlink followed); one that cannot be resolved
 * keeps its relative form and FDE_RELATIVE.
 *
 * Bounds: FDTAB_PROC_MAX fds per table and FDTAB_TOTAL_MAX in all; past either, a new fd is not
 * added (its events show the fd's kind but no name) and fdtab_stats.full counts it.
 */
#define FDTAB_PROC_MAX		65536
#define FDTAB_TOTAL_MAX		1000000

enum scry_fd_flags {
	FDE_CLOEXEC = 1 << 0,	/* closed at exec */
	FDE_RELATIVE = 1 << 1,	/* name is a relative path: its directory was not known */
	FDE_TRUNC = 1 << 2,	/* name was cut (the path argument's bound) */
	FDE_SEEDED = 1 << 3,	/* from a seed (/proc at start, or a capture's file start) */
	FDE_SERVER = 1 << 4,	/* a socket's server end (accepted): its tuple shows the peer first */
};

struct scry_fd {
	int32_t fd;
	uint8_t type;		/* enum scry_fd_type */
	uint8_t flags;		/* enum scry_fd_flags */
	uint16_t name_len;	/* strlen(name) */
	uint32_t oflags;	/* open flags, O_CLOEXEC left out (see FDE_CLOEXEC) */
	uint32_t dev;		/* st_dev, 0: not known */
	uint64_t ino;		/* st_ino, 0: not known */
	uint32_t pid;		/* a pidfd's process (0: not known) */
	bool sock;		/* `sa` holds the socket's addresses */
	char *name;		/* never NULL ("" if none); a unix socket's name */
	struct scry_sock_addr sa;	/* a socket's, from its calls' exits (its name[] unused) */
};

struct fdtab_stats {
	uint64_t fds;		/* fds held now, all tables */
	uint64_t tables;
	uint64_t full;		/* fds not added: a bound was reached */
	uint64_t name_bytes;
};

/* The fd `fd` of process `p` (NULL: not known). Cheap: what a printer calls per event. */
const struct scry_fd *fdtab__get(const struct scry_proc *p, int32_t fd);
/* Iterate a table: *pos = 0 to start; NULL at the end. */
const struct scry_fd *fdtab__next(const struct fdtab *t, size_t *pos);
/*
 * Keep the tables by one decoded event (a syscall exit, a fork, an exec, an fd seed); the
 * process table has applied it already (ev->proc is set).
 */
void fdtab__apply(struct proctab *pt, struct scry_event *ev);
/* What an event does once every sink has seen it (a close: its line still names the fd). */
void fdtab__after(struct proctab *pt, struct scry_event *ev);
/*
 * The entry an event's fd argument stands for: NULL if not known, or if the kind the kernel saw
 * at the call (`kind`, enum scry_fd_kind; 0: not read) contradicts it (an fd table out of date
 * after lost events says nothing rather than a wrong name).
 */
const struct scry_fd *fdtab__of_event(const struct scry_event *ev, int64_t fd, uint8_t kind);
/* An entry's name as sysdig's fd.name: a path, or a socket's tuple (client first). */
void fd_name_put(struct sbuf *b, const struct scry_fd *f);
/*
 * A path argument made absolute as fd names are: against the dirfd's name (dirfd >= 0) or the
 * cwd (AT_FDCWD), "." and ".." folded. Returns false (and the path as given) if it cannot be.
 */
bool fdtab__resolve(const struct scry_proc *p, int64_t dirfd, const char *path,
		    struct sbuf *out);
/* A process entry is freed: drop its reference to its table (and its cwd). */
void fdtab__release(struct scry_proc *p);
void fdtab__stats(struct fdtab_stats *st);
/* sysdig's letters and names: 'f' and "file" for SCRY_FDT_FILE... */
char fd_type_char(uint8_t type);
const char *fd_type_name(uint8_t type);

/*
 * --- fdseed.c: the fds open when scry started ---------------------------------------------------
 * Live, every process's fds and cwd from /proc/PID/fd, fdinfo and cwd become fd seed records,
 * fed through the pipeline before tracing starts; a capture's next file gets the table's fds
 * (fd_seed_of) so it replays alone.
 */
/* An entry of the table as a seed record of process `p` at `ts`; false if it does not fit. */
bool fd_seed_of(const struct scry_proc *p, const struct scry_fd *f, uint64_t ts,
		struct scry_rec_fd_seed *r);
/* Its cwd as a seed record (fd SCRY_FD_CWD); false if it has none or it does not fit. */
bool fd_seed_cwd(const struct scry_proc *p, uint64_t ts, struct scry_rec_fd_seed *r);

/*
 * Reading procfs: every process's fds (but `self`'s) and its cwd, one record each, handed to
 * `emit` (which fills the header's comm and cgroup; nonzero stops the scan and is returned).
 * Types from /proc's link text and the target's mode; open flags from fdinfo; a socket's
 * addresses from its network namespace's /proc/PID/net tables (tcp, tcp6, udp, udp6, unix,
 * netlink), by inode. An fd or a process gone meanwhile is skipped: /proc changes under us.
 * Past `proc_max` fds of one process or `total_max` in all (0: FDTAB_PROC_MAX, FDTAB_TOTAL_MAX)
 * the rest are counted in `skipped`, not read.
 */
struct fd_seed_opts {
	const char *procfs;
	uint32_t self;		/* a pid to leave out (scry itself); 0: none */
	uint32_t proc_max;
	uint64_t total_max;
	uint64_t ts;		/* the records' time */
	int (*emit)(void *ctx, struct scry_rec_fd_seed *r);
	void *ctx;
};
struct fd_seed_stats {
	uint32_t procs;		/* processes whose fds were read */
	uint64_t fds;		/* records made, cwds included */
	uint64_t skipped;	/* fds past a bound */
	uint64_t socks;		/* sockets named from the net tables */
};
/* 0, emit's nonzero, or -errno when procfs cannot be read at all. */
int fd_seed_scan(const struct fd_seed_opts *o, struct fd_seed_stats *st);

/*
 * --- users.c: user and group names from the process's own user database ---------------------
 * uid -> name, home and shell, gid -> name, read from the passwd and group files of the
 * process's root filesystem (/proc/PID/root: a container's image, not the host's), parsed
 * here: NSS is the host's configuration and does not apply inside a container. The files are
 * opened beneath that root (openat2 RESOLVE_IN_ROOT: an absolute symlink stays inside it),
 * must be regular files, and are read USERS_FILE_MAX bytes at most.
 *
 * One database per root filesystem (its root directory's device and inode), USERS_DB_MAX at
 * most (the least recently used goes); it keeps the entries looked up (found or not),
 * USERS_DB_ENTRIES at most (then it starts over), forgets them when its files change (checked
 * once a second of event time at most), and reads its files 64 times a second at most. A
 * process remembers its database until it execs (a runtime's init pivots into the container's
 * root, then execs), so a lookup is a hash lookup. A process gone before its
 * first lookup takes its nearest living ancestor's root in the same container. A replay has no
 * files: its databases are what the capture recorded (users__add), one per container id ("" the
 * host).
 */
#define USERS_DB_MAX		256
#define USERS_DB_ENTRIES	4096
#define USERS_FILE_MAX		(4u << 20)
#define USERS_NAME_MAX		256	/* bytes of a name kept (the rest is cut) */
#define USERS_PATH_MAX		1024	/* bytes of a home or shell kept */
#define USERS_HELD_MAX		(32u << 20)	/* live: bytes of entries of all databases */

enum users_kind {
	USERS_USER,		/* passwd: name, home, shell */
	USERS_GROUP,		/* group: name */
};

struct user_ent {
	uint32_t id;
	uint8_t kind;		/* enum users_kind */
	bool found;		/* false: the database has no such id */
	uint16_t name_len, home_len, shell_len;
	const char *name, *home, *shell;	/* as the file has them: any bytes, not terminated */
	uint32_t mark;		/* the capture writer's: the file that recorded it */
};

/* Live: databases under `procfs` ("/proc"). NULL: a replay's, from users__add only. */
void users__use(const char *procfs);
/*
 * Live: bytes of entries all databases hold at most (USERS_HELD_MAX unless set after
 * users__use); past it, the least recently used forget theirs.
 */
void users__limit(size_t held_max);
/* Live: the process table, where a process gone before its lookup finds its ancestors. */
void users__set_procs(struct proctab *pt);
/* Forget every database (and the mode): names are unknown until users__use. */
void users__reset(void);
/*
 * The entry of `id` in the database of the event's process (resolved on the first lookup);
 * NULL when there is no process, no mode, or no database could be read.
 */
struct user_ent *users__lookup(const struct scry_event *ev, enum users_kind kind, uint32_t id);
/*
 * Replay: an entry (found) of container `ctr`'s database ("" the host); a later one replaces
 * an earlier. Keeps at most max_entries entries and max_bytes bytes of strings in all:
 * 0, -ENOSPC past the entries, -EDQUOT past the bytes, -ENOMEM, or -EINVAL out of replay mode.
 */
int users__add(const char *ctr, const struct user_ent *e, uint64_t max_entries, uint64_t max_bytes);
/*
 * The first line of a passwd (USERS_USER) or group file's text whose id is `id`, as the C
 * library's files backend reads them (a line with too few fields or a bad id is skipped);
 * strings point into `buf`, not cut. False if none.
 */
bool users_scan(const char *buf, size_t len, enum users_kind kind, uint32_t id,
		struct user_ent *out);

/*
 * --- issue 18 (ns18): zombies.c, the processes that exited and are not reaped -----------------
 * A process becomes a zombie at its last thread's exit (SCRY_REC_EXIT, GROUP_DEAD) and stops
 * being one when the kernel frees it (SCRY_REC_ZOMBIE, REAPED): its parent waited, or nobody
 * had to. Zombies found in /proc at start (state Z) come as SEED records, and a capture's next
 * file starts with the table's. Each names its parent and the parent's pid in its namespace: a
 * parent whose vpid is 1 is a container's init that does not reap its children.
 */
struct zombie {
	uint32_t pid, vpid, ppid, parent_vpid;
	char comm[SCRY_COMM_LEN];
	uint64_t cgid;
	struct scry_container *container;	/* NULL: the host; pinned while here */
	uint64_t exit_ts;	/* when it exited (boot ns); 0: before scry, /proc did not say */
	uint64_t seen_ts;	/* when scry learnt of it (its exit, or the seed) */
	int32_t exit_code;
};
struct zombietab;
struct zombietab *zombietab__new(void);
void zombietab__free(struct zombietab *zt);
/* Keep the table by an exit, a reap, a seed or a fork (a reused pid: its zombie is gone). */
void zombietab__apply(struct zombietab *zt, struct proctab *pt, const struct scry_event *ev);
/* Iterate: *pos = 0 to start; NULL at the end. */
const struct zombie *zombietab__next(const struct zombietab *zt, size_t *pos);
size_t zombietab__count(const struct zombietab *zt);
const struct zombie *zombietab__find(const struct zombietab *zt, uint32_t pid);
/* How many zombies have `ppid` as their parent (ps's ZOMB column). */
uint32_t zombietab__children(const struct zombietab *zt, uint32_t ppid);
/* How many zombies a container (NULL: the host) holds. */
uint32_t zombietab__of_container(const struct zombietab *zt, const struct scry_container *c);
/* A zombie as a seed record at `ts` (a capture's next file, or the start). */
void zombie_seed_of(const struct zombie *z, uint64_t ts, struct scry_rec_zombie *r);
/*
 * Live: every process in state Z under `procfs` (not `self`) as a seed record at `ts`, handed
 * to emit (which may stop the scan with nonzero). Returns how many, or -errno.
 */
int zombie_seed_scan(const char *procfs, uint32_t self, uint64_t ts, struct proctab *pt,
		     int (*emit)(void *ctx, struct scry_rec_zombie *r), void *ctx);
/* The table the pipeline keeps (the fields' and views' view of it); NULL: none. */
extern const struct zombietab *zombietab_current;
/* The last NSpid of procfs/PID/status: its pid in its own namespace (0: not said). */
uint32_t procfs_vpid(const char *procfs, uint32_t pid);

/*
 * --- issue 18 (ns18): nstab.c, processes that entered a container's namespaces ----------------
 * Namespaces of processes (SCRY_REC_NS records, and forks: a child has its parent's) and of
 * containers (those of the processes in their cgroups). A process outside every container's
 * cgroup (the host's) whose pid, mount, network, IPC or UTS namespace is a container's, and not
 * the host's own (pid 1's or scry's), entered that container from outside: nsenter, or a tool that calls
 * setns. Its events name that container (ev->container) and say so (ev->entered), but the CPU
 * it uses stays the host's, as the kernel charges it to its cgroup.
 */
struct nstab;
struct nstab *nstab__new(void);
void nstab__free(struct nstab *nt);
/*
 * Keep the table by an event (after its container is known) and, for a host process that
 * entered a container, point ev->container there and set ev->entered. An NS record that
 * entered a container is shown (ev->shown); other NS records are bookkeeping.
 */
void nstab__apply(struct nstab *nt, struct proctab *pt, struct scry_event *ev);
/* The container process `pid` entered from outside, or NULL. */
struct scry_container *nstab__entered(const struct nstab *nt, uint32_t pid);
/* Its namespaces as a seed record at `ts`; false if none are known. */
bool nstab__seed_of(const struct nstab *nt, uint32_t pid, uint64_t ts, struct scry_rec_ns *r);
/* The i-th set of the host's namespaces as a SCRY_NSK_HOST record at `ts`; false past the last. */
bool nstab__host_of(const struct nstab *nt, size_t i, uint64_t ts, struct scry_rec_ns *r);
/* Iterate the processes whose namespaces are known: *pos = 0 to start; false at the end. */
bool nstab__next(const struct nstab *nt, size_t *pos, uint32_t *pid);
/*
 * Live: the host's namespaces (pid 1's and `self`'s, SCRY_NSK_HOST records), then those of
 * every process under `procfs` that has any other, as seed records at `ts`. Returns how many
 * seeds, or -errno.
 */
int ns_seed_scan(const char *procfs, uint32_t self, uint64_t ts, struct proctab *pt,
		 int (*emit)(void *ctx, struct scry_rec_ns *r), void *ctx);
extern const struct nstab *nstab_current;

#endif /* SCRY_STATE_H */
