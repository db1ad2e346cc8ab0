/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw record -> struct scry_event, the one in-memory form every consumer reads (printer, JSON,
 * views, capture writer, filter). Decoding validates every length against the record's size,
 * so a damaged capture can never make a consumer read out of bounds, and allocates nothing.
 */
#ifndef SCRY_DECODE_H
#define SCRY_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scry/event.h"

struct scry_thread;
struct scry_proc;
struct scry_container;

union scry_rec {
	struct scry_hdr h;
	struct scry_rec_sys_enter enter;
	struct scry_rec_sys_exit exit;
	struct scry_rec_fork fork;
	struct scry_rec_exec exec;
	struct scry_rec_exit pexit;
	struct scry_rec_switch sw;
	struct scry_rec_cputick tick;
	struct scry_rec_rename rename;
	struct scry_rec_sock_state sock;
	struct scry_rec_sock_io sio;
	struct scry_rec_sock_seed seed;
	struct scry_rec_fd_seed fdseed;
	struct scry_rec_block_io blk;
	struct scry_rec_oom oom;
	struct scry_rec_hang hang;
	struct scry_rec_container ctr;	/* issue 18 */
	struct scry_rec_zombie zombie;	/* issue 18 (ns18) */
	struct scry_rec_ns ns;
	struct scry_rec_signal sig;	/* issue 18, signals */
};

struct scry_event {
	uint64_t num;			/* evt.num: 1, 2, ... over the events that reach the sinks */
	uint64_t ts;			/* CLOCK_BOOTTIME ns */
	const union scry_rec *rec;	/* the raw record; valid while the event is dispatched */
	uint32_t size;			/* its size in bytes */
	uint16_t type;			/* enum scry_rec_type */
	char dir;			/* '>' enter (and instant events), '<' exit */
	uint32_t nr;			/* syscall number (enter and exit) */
	int64_t res;			/* exit: return value */
	uint64_t latency;		/* exit: ns since its enter, 0 if the enter was not seen */
	uint64_t runtime_ns;		/* switch, cputick: on-CPU time charged to the task */
	/* switch, cputick: run-queue wait, off-CPU stretch and faults since its last one; else NULL */
	const struct scry_sched_acct *acct;
	/*
	 * A sockio that stands for many (live count mode, pipeline__sum): the calls and bytes since
	 * the last read of its key. 0 calls: one record's call, its bytes in the record.
	 */
	uint64_t sum_calls, sum_bytes;
	/* Filled by the state layer: the task and process the record is about. */
	struct scry_thread *thread;
	struct scry_proc *proc;
	struct scry_container *container;
	struct scry_sock *sock;		/* network events: the socket (socktab), or NULL */
	/* A record with a second task (evt_desc.peer: a signal's sender): its container. */
	struct scry_container *peer_container;
	/* The fd table: this event changed the name of the fd it used (fd.name_changed). */
	bool fd_name_changed;
	/* Set by the pipeline (dispatch.c), for evt.reltime and evt.deltatime; 0: not known. */
	uint64_t start_ts;		/* when the recording began (a capture: from its header) */
	uint64_t prev_ts;		/* the previous event the filter passed */
	/*
	 * issue 18 (ns18), by nstab__apply: the process entered ev->container's namespaces from
	 * outside its cgroup (the cgroup's container is the host). By the decoder: an event of a
	 * type that has lines which is bookkeeping this time (an NS record that entered no
	 * container: nstab__apply clears it for one that did).
	 */
	bool entered;
	bool quiet;
};

/*
 * Fills ev[] from a raw record: one event, or two for an exit record that carries its folded
 * enter (ev[0] the enter, ev[1] the exit). Returns the number of events, or -EINVAL if the
 * record is malformed.
 */
int decode__record(const void *raw, uint32_t size, struct scry_event ev[2]);

/* --- event_table.c ---------------------------------------------------------------------------- */
/* evt.category, as sysdig names them. */
enum evt_category {
	EVC_SYSCALL = 0,
	EVC_PROCESS,
	EVC_SCHEDULER,
	EVC_NET,
	EVC_IO,			/* block I/O */
	EVC_MEMORY,		/* OOM kills */
	EVC_SIGNAL,		/* issue 18: signals sent and taken */
	EVC__MAX
};

/* enum evt_flags: what a record type means to the layers that keep state from it. */
enum evt_flags {
	EVF_HIDDEN = 1 << 0,	/* bookkeeping: feeds the state and views, not the event stream */
	EVF_LIFECYCLE = 1 << 1,	/* changes a process's identity (fork, exec, exit, rename): a
				 * capture keeps these even where it may drop others */
	EVF_CPU = 1 << 2,	/* charges on-CPU time (ev->runtime_ns): switch, cputick */
	EVF_SYSCALL = 1 << 3,	/* one half of a syscall (ev->nr valid) */
	EVF_RENAMES = 1 << 4,	/* the process's name or command line changes (exec, rename) */
	EVF_NOTASK = 1 << 5,	/* the header names no task (a socket's event, maybe in softirq):
				 * no thread or process; the container is the header's cgroup's */
	EVF_NET = 1 << 6,	/* bytes on a socket: counted by the network views */
	EVF_BLOCK = 1 << 7,	/* a block request's bytes and latency: the block I/O views */
};

/* enum evt_fields: groups of fields an event of the type has a value for (filter/fields.c). */
enum evt_fields {
	EVP_SYSCALL = 1 << 0,	/* syscall.nr (evt.type names the call) */
	EVP_RESULT = 1 << 1,	/* evt.res, evt.rawres, evt.failed, evt.latency */
	EVP_FD = 1 << 2,	/* fd.num, fd.type, fd.name: from the call's captured arguments */
	EVP_RUNTIME = 1 << 3,	/* evt.runtime (thread.cpu_ns grows by it) */
	EVP_SOCK_IO = 1 << 4,	/* fd.sockfamily, fd.l4proto, evt.buflen, evt.io_dir (sockio) */
	EVP_TUPLE = 1 << 5,	/* fd.sockfamily, fd.l4proto and the addresses (sockstate) */
	EVP_SCHED = 1 << 6,	/* run-queue wait, off-CPU time, page faults (switch, cputick) */
	EVP_BLOCK = 1 << 7,	/* the block request's device, op, bytes and latency */
};

union scry_rec;
struct scry_event;
struct sbuf;
struct evt_arg;

/*
 * The single description of a record type: everything that is not specific to one consumer.
 * Adding a type means adding an entry here (and its BPF program); decode, evt.info, the field
 * table, the capture writer and the views read the entry instead of switching on the type.
 */
struct evt_desc {
	const char *name;	/* evt.type for non-syscall events */
	uint16_t min_size;	/* fixed part; the record may be longer only if `variable` */
	bool variable;
	bool hidden;		/* = flags & EVF_HIDDEN (kept for the dispatcher's hot path) */
	uint8_t category;	/* enum evt_category */
	uint8_t flags;		/* enum evt_flags */
	uint8_t fields;		/* enum evt_fields */
	/*
	 * After the common part of ev[0] is filled from the header: validate what the size check
	 * could not, fill the type's own members; returns the number of events (a record may
	 * stand for two), or -EINVAL. NULL: nothing to add, one event.
	 */
	int (*decode)(const union scry_rec *r, uint32_t size, struct scry_event ev[2]);
	/* evt.info: name=value pairs, strings unescaped (outputs escape). NULL: empty. */
	void (*info)(const struct scry_event *ev, struct sbuf *b);
	/*
	 * evt.arg for a type that is not a syscall: as evt_arg() (the i-th pair of its evt.info).
	 * NULL: none.
	 */
	bool (*arg)(const struct scry_event *ev, unsigned int i, struct evt_arg *a, struct sbuf *b);
	/* A struct scry_peer follows the header: a second task the event names (a sender). */
	bool peer;
};
extern const struct evt_desc evt_table[SCRY_REC__MAX];
/* evt.type of an event: the syscall name, or the event table's name. */
const char *evt_type_name(const struct scry_event *ev);
/* Record type for an evt.type name, or the syscall number through *nr; -1 if unknown. */
int evt_type_lookup(const char *name, uint32_t *nr);
/* evt.category names, by enum evt_category. */
extern const char *const evt_category_name[EVC__MAX];
/* enum scry_off_reason names ("preempt", "sleep", "blocked", "stopped"; "" for none). */
extern const char *const off_reason_name[SCRY_OFF__MAX];
/* fd.l4proto ("tcp", "udp", "icmp", "raw"; "" outside IP) and fd.sockfamily ("ip", "unix"). */
const char *sock_l4proto(uint16_t family, uint8_t protocol, uint8_t sktype);
const char *sock_family(uint16_t family);
/* addr:port, IPv6 in brackets as in a URL. */
void sock_addr_put(struct sbuf *b, uint16_t family, const uint8_t addr[16], uint16_t port);
/* A TCP state as ss(8) names it ("ESTABLISHED"), "?" for a number the kernel has no name for. */
const char *tcp_state_name(uint8_t st);
/* What a socket call makes of its socket: fd.is_server, and the order of its tuple. */
enum sock_call_role {
	SCR_NONE = 0,		/* unknown from the call (a stream socket's send or receive) */
	SCR_CLIENT,		/* connect; a datagram socket's send */
	SCR_SERVER,		/* accept, bind, listen; a datagram socket's receive */
	SCR_DGRAM_SEND,		/* sendto, sendmsg: the client on a datagram socket */
	SCR_DGRAM_RECV,		/* recvfrom, recvmsg: the server on a datagram socket */
};
/* The socket addresses a syscall exit carries (connect, accept...), or NULL. */
const struct scry_sock_addr *evt_sock_addr(const struct scry_event *ev);
/* Which end of its socket the call's process is (SCR_CLIENT, SCR_SERVER or SCR_NONE). */
enum sock_call_role evt_sock_role(const struct scry_event *ev);
bool sock_addr_has_peer(const struct scry_sock_addr *a);
/* "<4t>127.0.0.1:40000->127.0.0.1:8080" (the kind only if `kind`), the client first. */
const char *evt_sock_name(const struct scry_event *ev);
/*
 * The fd a syscall exit is about (fd.num): the one it made (open, socket, accept, dup...), else
 * its first fd argument; `kind` the kernel's S_IFMT of it at the call (0: not read).
 */
bool evt_fd_num(const struct scry_event *ev, int64_t *fd, uint8_t *kind);
/* An exit's SCRY_SX_FILE / SCRY_SX_FDPAIR parts, or NULL (the decoder checked their bounds). */
const struct scry_exit_file *evt_exit_file(const struct scry_event *ev);
const struct scry_exit_fdpair *evt_exit_fdpair(const struct scry_event *ev);
/*
 * diff18: the second path of an exit whose call has two (rename's new name: event.h), and its
 * length (no NUL); NULL if the record has none.
 */
const char *evt_exit_path2(const struct scry_event *ev, size_t *len);
void sock_addr_tuple(struct sbuf *b, const struct scry_sock_addr *a, const char *name,
		     enum sock_call_role role, bool kind);
/* Does the event have values for a group of fields (enum evt_fields)? */
static inline bool evt_has(const struct scry_event *ev, unsigned int fields)
{
	return evt_table[ev->type].fields & fields;
}

/* --- info.c: evt.info, the human-readable arguments of an event --------------------------- */
void evt_info(const struct scry_event *ev, struct sbuf *b);
/* A syscall exit's argument as evt.info shows it (evt.arg, evt.rawarg). */
struct evt_arg {
	const char *name;	/* as evt.info names it: res, fd, path... */
	int64_t raw;		/* the value as passed (an int argument sign-extended) */
	const char *str;	/* a path argument: its bytes (no NUL); else NULL */
	size_t len;
};
/*
 * The i-th name=value pair of a syscall exit's evt.info (0: res), its value as shown written
 * to b when b is not NULL. false past the last pair, and for every other event.
 */
bool evt_arg(const struct scry_event *ev, unsigned int i, struct evt_arg *a, struct sbuf *b);
/* "ENOENT" style name for a failed syscall's result, or NULL if res is not an error. */
const char *evt_res_errno(const struct scry_event *ev);
/* Kind letter of an fd as in sysdig's fd.type abbreviations: f d p c b s a l, '?' unknown. */
char fd_kind_char(uint8_t kind);
const char *fd_kind_name(uint8_t kind);

/* --- iodata.c: the bytes a read, write, send or receive moved (-s) -------------------------- */
enum data_fmt {
	DATA_DOTS = 0,		/* evt.info: printable ASCII, '.' for every other byte */
	DATA_ASCII,		/* -A: the same, newlines kept */
	DATA_HEX,		/* -X: rows of hex and ASCII, each on its own line */
};
#define IODATA_READ	'r'
#define IODATA_WRITE	'w'
#define IODATA_POLL	'p'	/* poll, ppoll: their pollfd array, not data (SCRY_SX_POLL) */
/* The sysargs' data rules (struct scry_sysarg.data), over syscalls__bpf_rules' table. */
void iodata__bpf_rules(struct scry_sysarg *rules, uint32_t n);
/* IODATA_READ or IODATA_WRITE for a call that moves data in a user buffer, else 0. */
char iodata_dir(uint32_t nr);
/* The same, and IODATA_POLL for a call whose exit may carry its pollfd array. */
char iodata_kind(uint32_t nr);
/*
 * An exit record with SCRY_SX_DATA: -EINVAL unless its data block ends it, whole, within `size`;
 * else the size the record has without it (what the rest of the exit's checks expect).
 */
struct scry_rec_sys_exit;
int iodata_check(const struct scry_rec_sys_exit *x, uint32_t size);
/* The data an exit event carries, or NULL; *len its bytes. */
const uint8_t *evt_data(const struct scry_event *ev, uint32_t *len);
/* The pollfd array (SCRY_SX_POLL) a poll exit carries, or NULL; see pollfds.c. */
const uint8_t *evt_pollfds(const struct scry_event *ev, uint32_t *len);
/* A checked exit record's block, either kind (SCRY_SX_DATA or SCRY_SX_POLL), or NULL. */
const uint8_t *exit_data_block(const struct scry_rec_sys_exit *x, uint32_t *len);
/* The data rendered as `f` says: only printable ASCII (and -A's newlines) come out. */
void iodata_put(struct sbuf *b, const uint8_t *d, uint32_t n, enum data_fmt f);

/* --- pollfds.c: poll's pollfd array (SCRY_SX_POLL, -s) -------------------------------------- */
struct pollfd_ent {
	int32_t fd;
	uint16_t events, revents;	/* Linux's POLL* bits */
};
/* Entry i of the array (d, len), whole pollfds only; false past them (or with no array). */
bool pollfds_at(const uint8_t *d, uint32_t len, uint32_t i, struct pollfd_ent *e);
/* The next entry at or after *pos with revents set (a ready fd); *pos moves past it. */
bool pollfds_next_ready(const uint8_t *d, uint32_t len, uint32_t *pos, struct pollfd_ent *e);
/* POLL* bits as sysdig's PPM_POLL* (what its evt.info shows). */
uint16_t poll_flags_sysdig(uint16_t events);
/* The value of evt.info's fds= for a poll exit, 3:p1 4:f5 (nfds: the call's argument). */
void pollfds_info(struct sbuf *b, const struct scry_event *ev, uint64_t nfds);

/* --- syscalls.c ------------------------------------------------------------------------------ */
enum arg_fmt {
	ARG_U = 'U',		/* unsigned decimal */
	ARG_D = 'D',		/* int: signed decimal of the low 32 bits */
	ARG_L = 'L',		/* long: signed decimal */
	ARG_X = 'X',		/* hex (flags, pointers) */
	ARG_O = 'O',		/* octal (modes) */
	ARG_F = 'F',		/* fd */
	ARG_S = 'S',		/* user path, copied by BPF */
	ARG_N = 'N',		/* socket fd: as F, and BPF records the socket's addresses */
	ARG_A = 'A',		/* user sockaddr naming the peer (shown as X) */
	ARG_A_OUT = 'a',	/* the same, filled in by the call (recvfrom) */
	ARG_M = 'M',		/* user msghdr whose msg_name names the peer (shown as X) */
	ARG_M_OUT = 'm',	/* the same, filled in by the call (recvmsg) */
	ARG_R = 'R',		/* a dirfd: AT_FDCWD, or an fd named by the fd table */
	ARG_P = 'P',		/* int[2] the call fills with two new fds (pipe, socketpair) */
};

/*
 * What a syscall's successful exit does to its process's fd table (fdtab.c). The new fd is the
 * result unless said otherwise; `fdtype` in the descriptor gives its type where the call
 * alone tells it (eventfd, epoll_create...).
 */
enum fd_op {
	FDOP_NONE = 0,
	FDOP_OPEN,		/* open, openat, openat2, creat: the path, resolved */
	FDOP_NEW,		/* a new fd of `fdtype` (eventfd, epoll, timerfd, memfd...) */
	FDOP_SOCKET,		/* socket(domain, type): type by domain */
	FDOP_PAIR,		/* pipe, pipe2, socketpair: the two fds of the P argument */
	FDOP_ACCEPT,		/* a socket, with the exit's addresses */
	FDOP_DUP,		/* dup: a copy of fd_a; dup2/dup3: into the second argument */
	FDOP_FCNTL,		/* F_DUPFD*: a copy; F_SETFD: close-on-exec; F_SETFL */
	FDOP_CLOSE,		/* close: the entry goes once the event has been shown */
	FDOP_CLOSE_RANGE,	/* close_range: closes, or sets close-on-exec */
	FDOP_SIGNALFD,		/* signalfd(-1, ...) makes one; signalfd(fd, ...) changes it */
	FDOP_PIDFD_GETFD,	/* a copy of another process's fd (by its pidfd) */
	FDOP_CHDIR,		/* the cwd: the path resolved */
	FDOP_FCHDIR,		/* the cwd: fd_a's name */
	FDOP_UNSHARE,		/* unshare(CLONE_FILES): a table of its own */
	FDOP_BPF,		/* bpf(): commands that return an fd */
};


enum io_class {
	IO_NONE = 0,
	IO_READ,		/* bytes = res, from the file at fd_a */
	IO_WRITE,		/* bytes = res, to the file at fd_a */
	IO_XFER,		/* sendfile: res bytes read from fd_b (in), written to fd_a (out) */
	IO_XFER_AB,		/* splice, copy_file_range: read from fd_a (in), written to fd_b (out) */
};

struct syscall_desc {
	const char *name;	/* NULL if the number is unused */
	uint8_t nargs;
	uint8_t fd_a, fd_b, path;	/* 1 + argument index, 0 = none (same convention as BPF) */
	uint8_t sock, peer;	/* as struct scry_sysarg: whose addresses BPF records */
	uint8_t role;		/* enum sock_call_role */
	uint8_t io;		/* enum io_class */
	char ret;		/* enum arg_fmt of the return value (ARG_L or ARG_X) */
	uint8_t fdop;		/* enum fd_op */
	uint8_t fdtype;		/* enum scry_fd_type of FDOP_NEW's fd */
	uint8_t pair;		/* 1 + index of the ARG_P argument, 0 = none */
	uint8_t dirfd;		/* 1 + index of the ARG_R argument, 0 = none */
	char fmt[SCRY_NARGS];	/* enum arg_fmt per argument */
	char argname[SCRY_NARGS][16];
	/* diff18: a second S argument (rename's new name) and its R dirfd, 1 + index, 0 = none */
	uint8_t path2, dirfd2;
};

/* The table builds itself on first use (thread-safe): there is no init call. */
/* NULL for numbers the architecture does not define. */
const struct syscall_desc *syscall_desc(uint32_t nr);
const char *syscall_name(uint32_t nr);
int syscall_lookup(const char *name);	/* number, or -1 */
/* The i386 number of a call on a 64-bit x86 kernel (the ABI int $0x80 reaches), or -1. */
int syscall_lookup32(const char *name);
/* A record's syscall number as events carry it: a 32-bit call as its native namesake. */
uint32_t syscall_native(uint32_t raw);
uint32_t syscall_count(void);	/* highest number + 1 */
/* Fill the BPF `sysargs` rules from the table (nargs == 0: short exit record). */
void syscalls__bpf_rules(struct scry_sysarg *rules, uint32_t n);

/* --- errnos.c -------------------------------------------------------------------------------- */
const char *errno_name(int err);	/* "ENOENT", or NULL */
int errno_lookup(const char *name);	/* 2 for "ENOENT", -1 if unknown */

/* --- ev_block.c: block I/O ------------------------------------------------------------------- */
/* A record's dev_t (the kernel's encoding: major << 20 | minor). */
static inline uint32_t blk_major(uint32_t dev) { return dev >> 20; }
static inline uint32_t blk_minor(uint32_t dev) { return dev & ((1u << 20) - 1); }
const char *blk_op_name(uint8_t op);	/* "read", "write", "flush", "discard", "other" */
/* The device's name as this machine's sysfs says ("vda"), cached; its length, 0 if unknown. */
size_t blk_dev_name(uint32_t dev, char *out, size_t len);
/* Where device names are read (tests; default /sys/dev/block); forgets the names read. */
void blk_dev_root(const char *root);

/* --- ev_signal.c: issue 18, signals (sig18) ------------------------------------------------ */
/* The second task a record names (a signal's sender), or NULL (none, or no task: pid 0). */
const struct scry_peer *evt_peer(const struct scry_event *ev);
/* "SIGTERM", "SIGRTMIN+3"; NULL outside 1..64. */
const char *sig_name(int sig);
/* "SI_USER", "SI_KERNEL", SIGCHLD's "CLD_EXITED"...; NULL if no name */
const char *sig_code_name(int sig, int code);
/*
 * What became of a signal: generate: delivered (queued, not blocked), blocked, ignored,
 * pending (one already was), overflow, lost_info; deliver: handled, default, ignored.
 */
const char *sig_result(const struct scry_event *ev);
const char *sig_action(const struct scry_event *ev);	/* handler, default, ignore */
/* The default action of a signal: term, core, stop, cont, ignore (NULL: no such signal). */
const char *sig_default(int sig);
/* Who sent it: process, kernel (on a task's behalf, or in an interrupt), timer. */
const char *sig_sender_kind(const struct scry_event *ev);
/*
 * The trap: a signal whose default action ends a process, sent to a PID 1 (of its pid
 * namespace) that has no handler for it, and so dropped by the kernel (docker stop's SIGTERM
 * to a container whose PID 1 ignores it: the stop waits its timeout, then SIGKILL).
 */
bool sig_init_ignored(const struct scry_event *ev);
/* The sentence the trap is named by (sig.trap, the spy_signals marker); NULL: not the trap. */
const char *sig_trap(const struct scry_event *ev);

#endif /* SCRY_DECODE_H */
