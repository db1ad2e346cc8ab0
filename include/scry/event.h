/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one ABI between the BPF programs and userspace: every record that crosses the ring buffer
 * is defined here, with fixed-width types and explicit padding, so that clang -target bpf and the
 * host compiler agree on every offset. Both compilers check the layouts (_Static_assert at the end).
 *
 * Every record begins with struct scry_hdr. The header describes the task the record is about
 * (for fork: the child; for switch: the task switched out), so the collector can update its tables
 * from the header alone.
 *
 * Time is CLOCK_BOOTTIME in ns (bpf_ktime_get_boot_ns): it keeps counting across suspend, so a
 * capture converts it to wall-clock time with the boot time recorded in its header.
 */
#ifndef SCRY_EVENT_H
#define SCRY_EVENT_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define SCRY_COMM_LEN	16
#define SCRY_NARGS	6
/* Bounds on variable-length payloads; the BPF side truncates and sets a flag. */
#define SCRY_EXE_MAX	1024
#define SCRY_ARGS_MAX	4096
#define SCRY_ENV_MAX	1024	/* proc.env: bytes of a process's environment kept */
#define SCRY_PATH_MAX	256
/* The largest record any program emits (exec: header + payload + exe + args). */
#define SCRY_REC_MAX	(128 + SCRY_EXE_MAX + SCRY_ARGS_MAX)

enum scry_rec_type {
	SCRY_REC_NONE = 0,
	SCRY_REC_SYS_ENTER = 1,	/* raw_syscalls:sys_enter (when not folded into its exit) */
	SCRY_REC_SYS_EXIT = 2,	/* raw_syscalls:sys_exit, with the arguments the table asks for */
	SCRY_REC_FORK = 3,	/* sched:sched_process_fork; header = child */
	SCRY_REC_EXEC = 4,	/* sched:sched_process_exec; exe path and argv */
	SCRY_REC_EXIT = 5,	/* sched:sched_process_exit; one per thread */
	SCRY_REC_SWITCH = 6,	/* sched:sched_switch; header = prev, with its on-CPU time */
	SCRY_REC_CPUTICK = 7,	/* periodic on-CPU time of a task that has not switched out */
	SCRY_REC_RENAME = 8,	/* task:task_rename (prctl PR_SET_NAME, /proc/.../comm) */
	SCRY_REC_SOCK_STATE = 9, /* sock:inet_sock_set_state; the header names no task */
	SCRY_REC_SOCK_IO = 10,	/* sock:sock_send_length/sock_recv_length: bytes on a socket */
	SCRY_REC_TCP_RETRANS = 11, /* tcp:tcp_retransmit_skb (a sock_state record, no task) */
	SCRY_REC_TCP_RESET = 12, /* tcp:tcp_send_reset/tcp_receive_reset (a sock_state record) */
	SCRY_REC_SOCK_SEED = 13, /* a socket open when scry started (made by userspace at start) */
	SCRY_REC_FD_SEED = 14,	/* an fd (or the cwd) a process had when scry started (userspace) */
	SCRY_REC_BLOCK_IO = 15,	/* block:block_rq_complete: a request's bytes and latency */
	SCRY_REC_OOM = 16,	/* oom:mark_victim: a process chosen by the OOM killer */
	SCRY_REC_HANG = 17,	/* sched:sched_process_hang: a task blocked past hung_task_timeout */
	/* issue 18, container lifecycle (19 is left unused) */
	SCRY_REC_CONTAINER = 18, /* a container's moment: created, started, stopped... (userspace) */
	/* issue 18, signals (sig18): struct scry_rec_signal, the header is the target */
	SCRY_REC_SIGNAL = 20,	/* signal:signal_generate: sender -> target, and what became of it */
	SCRY_REC_SIGDELIVER = 21, /* signal:signal_deliver: the target takes it (handler, default) */
	/* issue 18, zombies and nsenter (ns18) */
	SCRY_REC_ZOMBIE = 23,	/* sched:sched_process_free of a process (reaped), or a zombie
				 * found in /proc at start or kept at a capture file's start */
	SCRY_REC_NS = 24,	/* a process's namespaces: at a fork or exec that changed them,
				 * or of a process found at start (a seed) */
	SCRY_REC__MAX
};

/*
 * Transport framing, not an event: the BPF side stages small records per CPU and moves them into
 * the ring buffer in batches (one ring record holding many event records back to back), which
 * saves a ring reservation per event and keeps CPUs off the ring's lock. The tag sits where a
 * record's type would, outside the range of event types.
 */
#define SCRY_BATCH_TAG	0xba7c
/*
 * Records of one CPU gathered before a batch must go out. 4 KiB rather than 8: the stage and the
 * ring lines a flush writes stay a smaller part of the traced CPU's L1 (about 20 ns less per
 * getppid in the bench, docs/benchmarks.md, issue 14); a batch is still some 55 short exits.
 */
#define SCRY_STAGE_BYTES 4096

struct scry_batch {
	__u16 tag;		/* SCRY_BATCH_TAG */
	__u16 __pad;
	__u32 size;		/* bytes of records after this header */
	__u32 count;		/* records in the batch */
	__u32 __pad2;
};

/* scry_hdr.flags */
enum scry_hdr_flags {
	SCRY_HF_TRUNC = 1 << 0,	/* a variable-length payload was cut at its bound */
};

struct scry_hdr {
	__u16 type;		/* enum scry_rec_type */
	__u16 size;		/* whole record, header included */
	__u16 cpu;
	__u16 flags;		/* enum scry_hdr_flags */
	__u32 pid;		/* tgid in the initial pid namespace */
	__u32 tid;
	__u64 ts;		/* CLOCK_BOOTTIME, ns */
	__u64 cgid;		/* cgroup id (v2 inode, or v1 hierarchy inode: see loader) */
	char comm[SCRY_COMM_LEN];
};

struct scry_rec_sys_enter {
	struct scry_hdr h;
	__u32 nr;
	__u32 __pad;
};

/* scry_rec_sys_exit.fd_kind[]: S_IFMT >> 12 of the file behind an fd argument, 0 if none. */
enum scry_fd_kind {
	SCRY_FD_NONE = 0,
	SCRY_FD_FIFO = 1,
	SCRY_FD_CHR = 2,
	SCRY_FD_DIR = 4,
	SCRY_FD_BLK = 6,
	SCRY_FD_REG = 8,
	SCRY_FD_LNK = 10,
	SCRY_FD_SOCK = 12,
	SCRY_FD_ANON = 15,	/* anon inode (eventfd, epoll, timerfd...): i_mode 0 */
};

/*
 * Exit record. The short form (no arguments) ends after `enter_ts`; the long form carries the
 * syscall's arguments as read from pt_regs at exit (the kernel does not change them), the kind of
 * file behind up to two fd arguments, and optionally a NUL-terminated path read from user memory.
 * `size` in the header tells which form arrived.
 *
 * Folded enters: sys_enter does not emit a record; it parks (tid, nr, ts) in a per-CPU slot. If
 * the same thread reaches sys_exit on that CPU without having been switched out, the exit record
 * carries the enter's time in `enter_ts` and stands for both events. If the thread leaves the
 * CPU first (it blocks, is preempted or migrates), sched_switch emits the parked enter as a
 * SCRY_REC_SYS_ENTER record right then, so a blocked syscall shows its enter while it blocks,
 * and the later exit has enter_ts 0. Either way every enter is reported exactly once, in order.
 */
enum scry_exit_xflags {
	SCRY_SX_SOCK = 1 << 0,	/* path[] holds a struct scry_sock_addr, not a path */
	SCRY_SX_FILE = 1 << 1,	/* a struct scry_exit_file follows path[] (8-aligned): the
				 * file behind the fd the call returned (open, openat...) */
	SCRY_SX_FDPAIR = 1 << 2, /* path[] holds a struct scry_exit_fdpair (pipe, socketpair) */
	SCRY_SX_DATA = 1 << 3,	/* a struct scry_exit_data ends the record: the bytes the call
				 * read or wrote (-s SNAPLEN) */
	SCRY_SX_POLL = 1 << 4,	/* the same block, but holding poll's struct pollfd array (its
				 * revents as the call left them), not data the call moved */
	/* issue 18 (diff18): no payload, a mark on an open's SCRY_SX_FILE */
	SCRY_SX_CREATED = 1 << 5, /* the open made the file (the kernel's FMODE_CREATED) */
};

/*
 * issue 18 (diff18): a call with two path arguments (rename, renameat, renameat2, link,
 * linkat, symlink, symlinkat) carries both in path[]: the first NUL-terminated, the second
 * right after it, NUL-terminated too, path_len covering both. A path read from user memory
 * never holds a NUL, so a NUL before path[path_len - 1] says a second path follows. Both share
 * SCRY_PATH_MAX: when the first fills it, the second is absent (and SCRY_HF_TRUNC set).
 * scry_sysarg.path holds the second's position in its high nibble.
 */
#define SCRY_SYSARG_PATH_POS	0x0f
#define SCRY_SYSARG_PATH2_SHIFT	4

/*
 * SCRY_SX_DATA: the first min(ret, snaplen) bytes of the call's user buffer (read, write, their
 * p- and v- forms, send*, recv*), copied at the exit, when the bytes are there. It comes last:
 * after path[path_len] padded to 8 (and a struct scry_exit_file, which no data call has); the
 * record's size is padded to 8 after data[len]. snaplen is at most SCRY_SNAPLEN_MAX, so that
 * the largest such record (a unix socket's name and the data) fits SCRY_REC_MAX.
 */
struct scry_exit_data {
	__u32 len;		/* bytes of data[] */
	__u32 __pad;
	__u8 data[];
};
#define SCRY_SNAPLEN_DEFAULT	80	/* sysdig's -s default */
#define SCRY_SNAPLEN_MAX	4096
/* Up to this snaplen a data exit is staged (batched); a larger one goes out on its own. */
#define SCRY_SNAP_STAGED	128

/* SCRY_SX_FILE: the returned fd's file, read from the task's fd table at the exit. */
struct scry_exit_file {
	__u64 ino;
	__u32 dev;		/* st_dev as stat(2) gives it (the kernel's s_dev, re-encoded) */
	__u32 __pad;
};

/* SCRY_SX_FDPAIR: the two fds pipe/pipe2/socketpair wrote to user memory, and their inodes. */
struct scry_exit_fdpair {
	__s32 fd[2];
	__u64 ino[2];
};

/*
 * The addresses of the socket behind a socket syscall's fd (connect, bind, listen, sendto...:
 * the table's argument; accept: the fd it returned), read from the socket at the exit, when the
 * call has done its work: after connect or accept both ends are there. An unconnected datagram
 * socket's peer comes from the call's own address argument (sendto, recvfrom). A unix socket's
 * name follows the fixed part: its own bound name, else its peer's (a client's is the server's),
 * NUL-terminated and NUL-padded to 8 bytes (the record stays aligned in its batch), an abstract
 * name with '@' for its leading NUL.
 */
struct scry_sock_addr {
	__u16 family;		/* AF_INET, AF_INET6, AF_UNIX, ... */
	__u8 sktype;		/* SOCK_STREAM, SOCK_DGRAM, ... */
	__u8 protocol;		/* IPPROTO_TCP, IPPROTO_UDP (0 for unix) */
	__u16 lport;		/* local port, host order */
	__u16 rport;		/* remote port, host order (0: no peer) */
	__u8 laddr[16];		/* IPv4 in the first 4 bytes */
	__u8 raddr[16];
	char name[];		/* AF_UNIX: the name, NUL-terminated (absent: no name) */
};
#define SCRY_UNIX_NAME_MAX	112	/* sun_path's 108 bytes and a NUL, padded to 8 */

struct scry_rec_sys_exit {
	struct scry_hdr h;
	__u16 nr;
	__u8 nargs;		/* number of valid args[] (0 in the short form) */
	__u8 fd_kind[2];	/* enum scry_fd_kind of the table's fd arguments */
	__u8 xflags;		/* enum scry_exit_xflags */
	__u16 path_len;		/* bytes of path[] (a path's including NUL), 0 if none */
	__s64 ret;
	__u64 enter_ts;		/* the folded enter's time, 0 if it was emitted on its own */
	__u64 args[SCRY_NARGS];
	char path[SCRY_PATH_MAX];
};
#define SCRY_SYS_EXIT_SHORT	(__builtin_offsetof(struct scry_rec_sys_exit, args))
#define SCRY_SYS_EXIT_ARGS	(__builtin_offsetof(struct scry_rec_sys_exit, path))

/*
 * The per-CPU stage (map `stage`): records wait here for their batch. Userspace reads what is
 * left in every CPU's stage when scry stops, after the programs are detached.
 */
/* A socket call's exit with its socket's addresses, at most: staged like the others. */
#define SCRY_SYS_EXIT_SOCK_MAX	(SCRY_SYS_EXIT_ARGS + sizeof(struct scry_sock_addr) + \
				 SCRY_UNIX_NAME_MAX)
/* A socket call's exit with SCRY_SNAP_STAGED bytes of data, at most. */
#define SCRY_SYS_EXIT_DATA_STAGED (SCRY_SYS_EXIT_SOCK_MAX + sizeof(struct scry_exit_data) + \
				   SCRY_SNAP_STAGED)
/* Larger records go out on their own. */
#define SCRY_STAGE_REC_MAX	SCRY_SYS_EXIT_DATA_STAGED
/*
 * Past the last record's room: the verifier cannot tie an iovec's copy to the bytes copied
 * before it, so it sees each one as able to start SCRY_SNAP_STAGED bytes further.
 */
#define SCRY_STAGE_SLACK	SCRY_SNAP_STAGED
struct scry_stage {
	__u32 busy;		/* a tracepoint program is writing: the tick must not flush */
	__u32 __pad;
	struct scry_batch b;	/* the batch header, right before its records */
	__u8 buf[SCRY_STAGE_BYTES + SCRY_STAGE_REC_MAX + SCRY_STAGE_SLACK];
};

enum scry_fork_flags {
	SCRY_FORK_THREAD = 1 << 0,	/* child shares the parent's thread group */
	SCRY_FORK_FILES = 1 << 1,	/* child shares the parent's fd table (CLONE_FILES) */
};

/*
 * What the kernel says of a process at its fork and exec (and procfs of one that predates scry):
 * its session, group, terminal, login uid, fd limit and memory. Values that change between
 * execs (memory above all) are as of the newest fork or exec record; switch and tick records
 * carry the memory as it moves (scry_sched_acct, SCRY_ACCT_MEM).
 */
enum scry_pi_flags {
	SCRY_PI_VALID = 1 << 0,		/* the rest is filled in */
	SCRY_PI_EXE_WRITABLE = 1 << 1,	/* its executable is writable by its fs user */
};

struct scry_proc_info {
	__u32 pi_flags;		/* enum scry_pi_flags */
	__u32 sid;		/* session id: its leader's host pid */
	__u32 vpgid;		/* process group id in its own pid namespace */
	__u32 tty;		/* controlling terminal as /proc's tty_nr (0: none) */
	__u32 loginuid;		/* audit login uid (UINT32_MAX: not set) */
	__u32 __pad;
	__u64 fdlimit;		/* RLIMIT_NOFILE, soft */
	__u32 vm_size_kb;	/* as /proc's VmSize, VmRSS, VmSwap */
	__u32 vm_rss_kb;
	__u32 vm_swap_kb;
	__u32 __pad2;
};

struct scry_rec_fork {
	struct scry_hdr h;	/* the child */
	__u32 parent_pid;
	__u32 parent_tid;
	__u32 ppid;		/* child's real parent tgid */
	__u32 vpid;		/* child's tgid/tid in its own pid namespace */
	__u32 vtid;
	__u32 uid;
	__u32 gid;
	__u32 fork_flags;	/* enum scry_fork_flags */
	struct scry_proc_info pi;	/* the child's (a process's; a thread's is not filled in) */
};

struct scry_rec_exec {
	struct scry_hdr h;
	__u32 old_tid;		/* tid before exec (a non-leader thread becomes the leader) */
	__u32 ppid;
	__u32 vpid;
	__u32 vtid;
	__u32 uid;
	__u32 gid;
	__u16 exe_len;		/* bytes of exe in data[] (no NUL) */
	__u16 args_len;		/* bytes of argv in data[] after exe, NUL-separated */
	/*
	 * bytes of environment in data[] after argv, NUL-separated (0 unless asked: the loader's
	 * exec_env); at most SCRY_ENV_MAX and what data[] has left
	 */
	__u16 env_len;
	__u16 __pad;
	struct scry_proc_info pi;
	char data[SCRY_EXE_MAX + SCRY_ARGS_MAX];
};
#define SCRY_EXEC_FIXED	(__builtin_offsetof(struct scry_rec_exec, data))

enum scry_exit_flags {
	SCRY_EXIT_GROUP_DEAD = 1 << 0,	/* last thread of the process */
	SCRY_EXIT_REAPER = 1 << 1,	/* `reaper` is known (only with SCRY_EXIT_GROUP_DEAD) */
};

struct scry_rec_exit {
	struct scry_hdr h;
	__s32 exit_code;	/* task->exit_code: status << 8 | signal */
	__u32 exit_flags;	/* enum scry_exit_flags */
	/*
	 * The last thread of a process: the process its children go to (the kernel's
	 * find_new_reaper(): the nearest live child-subreaper ancestor in its pid namespace, else
	 * the namespace's init), as a host tgid.
	 */
	__u32 reaper;
	__u32 __pad;
};

/*
 * Why a task was off the CPU: how it left it (sched_switch's preempt and prev_state).
 * Preempted: runnable all along (its off-CPU time is run-queue wait). Sleep: a voluntary switch
 * in an interruptible state (TASK_INTERRUPTIBLE: poll, nanosleep, a pipe read). Blocked: in an
 * uninterruptible one (TASK_UNINTERRUPTIBLE: disk I/O, page-in, some locks). Stopped: SIGSTOP,
 * ptrace.
 */
enum scry_off_reason {
	SCRY_OFF_NONE = 0,	/* no off-CPU stretch ended since the last record */
	SCRY_OFF_PREEMPT = 1,
	SCRY_OFF_SLEEP = 2,
	SCRY_OFF_BLOCKED = 3,
	SCRY_OFF_STOPPED = 4,
	SCRY_OFF__MAX
};

/*
 * What the scheduler kept for a task besides its runtime, as growth since the task's previous
 * switch or tick record (the BPF side keeps the last values per task in task storage). A task
 * first seen by scry starts from its values then: nothing before attach is counted.
 */
struct scry_sched_acct {
	__u64 wait_ns;		/* growth of sched_info.run_delay: time runnable, not running */
	__u64 off_ns;		/* the off-CPU stretch that ended when the current slice began
				 * (switch-out to switch-in), 0 if already reported */
	__u32 min_flt;		/* growth of task->min_flt (page faults without I/O) */
	__u32 maj_flt;		/* growth of task->maj_flt (faults that read from disk) */
	__u8 off_reason;	/* enum scry_off_reason of off_ns */
	__u8 acct_flags;	/* enum scry_acct_flags */
	__u8 __pad[2];
	/*
	 * Growth of task->utime and task->stime, ns: the kernel's user/system split of the CPU
	 * time (/proc's utime and stime scale their sum to sum_exec_runtime, keeping this ratio).
	 * A task first seen counts from then; growth beyond 2^32-1 goes out with the next record.
	 */
	__u32 utime_ns;
	__u32 stime_ns;
	/*
	 * SCRY_ACCT_MEM: the process's memory as /proc's VmSize, VmRSS and VmSwap (kB) now, sent
	 * when it differs from what this task's previous record said.
	 */
	__u32 vm_size_kb;
	__u32 vm_rss_kb;
	__u32 vm_swap_kb;
};

enum scry_acct_flags {
	SCRY_ACCT_MEM = 1 << 0,	/* vm_size_kb, vm_rss_kb and vm_swap_kb are set */
};

/*
 * On-CPU time of `h` (prev) for the slice that just ended: the growth of its
 * se.sum_exec_runtime, the figure the scheduler charges to the cgroup's cpu usage.
 */
struct scry_rec_switch {
	struct scry_hdr h;	/* prev */
	__u64 runtime_ns;
	__u32 next_pid;
	__u32 next_tid;
	__u32 prev_state;
	__u32 __pad;
	struct scry_sched_acct acct;
};

/* Same accounting for a task still running when the periodic tick samples it. */
struct scry_rec_cputick {
	struct scry_hdr h;
	__u64 runtime_ns;
	struct scry_sched_acct acct;
};

/*
 * A block request's completion (block:block_rq_complete; one record per completion call, so a
 * request completed in parts gives several, the last with SCRY_BLK_DONE). The header is the task
 * that submitted it (block_io_start, else the one that issued it) and its cgid the request's
 * cgroup: the bio's blkcg on cgroup v2 (writeback is charged to the cgroup that dirtied the
 * pages, not to the flusher), the submitter's on v1 (where the blkcg is the submitter's).
 * The header's ts is the completion's.
 */
enum scry_blk_op {
	SCRY_BLK_READ = 0,
	SCRY_BLK_WRITE = 1,
	SCRY_BLK_FLUSH = 2,
	SCRY_BLK_DISCARD = 3,
	SCRY_BLK_OTHER = 4,	/* write zeroes, zone ops, driver-private */
};

enum scry_blk_flags {
	SCRY_BLK_DONE = 1 << 0,		/* the request is complete (its last part) */
	SCRY_BLK_ISSUED = 1 << 1,	/* latency_ns is known (its issue was seen) */
	SCRY_BLK_QUEUED = 1 << 2,	/* queue_ns is known (its start was seen) */
	SCRY_BLK_SYNC = 1 << 3,		/* REQ_SYNC */
	SCRY_BLK_META = 1 << 4,		/* REQ_META */
};

struct scry_rec_block_io {
	struct scry_hdr h;
	__u64 sector;		/* first sector of the request */
	__u64 latency_ns;	/* issue to the driver until this completion (SCRY_BLK_ISSUED) */
	__u64 queue_ns;		/* start (bio into the request) until issue (SCRY_BLK_QUEUED) */
	__u32 dev;		/* the device's dev_t, kernel encoding (major << 20 | minor) */
	__u32 bytes;		/* bytes completed by this call */
	__s32 error;		/* -errno of a failed completion, else 0 */
	__u8 op;		/* enum scry_blk_op */
	__u8 __pad;
	__u16 blk_flags;	/* enum scry_blk_flags */
};

/*
 * The OOM killer chose a victim (oom:mark_victim). The header is the victim (its cgroup: its
 * container); the current task is the one whose allocation failed.
 */
struct scry_rec_oom {
	struct scry_hdr h;	/* the victim */
	__u32 trigger_pid;	/* the task whose allocation ran out (may be the victim) */
	__u32 trigger_tid;
	__u64 total_vm_kb;	/* the victim's address space */
	__u64 rss_kb;		/* its resident memory: anon + file + shmem */
	__s32 oom_score_adj;
	__u32 uid;
};

/*
 * issue 18: a container's lifecycle moment, made by userspace (src/container/lifecycle.c) from
 * kernel events: created and removed from cgroup_mkdir/rmdir, started from the first exec in
 * its cgroup, stopped when its last process exits (sched_process_exit), oom from oom:mark_victim.
 * The header names no task (pid 0); its cgid is the container's cgroup and its ts the kernel
 * event's. A capture holds these records, so a replay shows what the live run decided.
 */
enum scry_ctr_action {
	SCRY_CTR_NONE = 0,
	SCRY_CTR_CREATED = 1,	/* its cgroup was made */
	SCRY_CTR_STARTED = 2,	/* the first exec inside */
	SCRY_CTR_STOPPED = 3,	/* its last process exited: exit_code is the init's */
	SCRY_CTR_OOM = 4,	/* the OOM killer chose one of its processes (pid) */
	SCRY_CTR_REMOVED = 5,	/* its cgroup was removed */
	SCRY_CTR_PROCS = 6,	/* its number of live processes changed (--ctr-procs) */
	SCRY_CTR__MAX
};

enum scry_ctr_flags {
	SCRY_CTRF_EXIT = 1 << 0,	/* exit_code is the init's (its exit was seen) */
};

struct scry_rec_container {
	struct scry_hdr h;	/* no task; cgid: the container's cgroup */
	__u8 action;		/* enum scry_ctr_action */
	__u8 ctr_flags;		/* enum scry_ctr_flags */
	__u16 __pad;
	__s32 exit_code;	/* STOPPED with SCRY_CTRF_EXIT: the init's task->exit_code */
	__u32 pid;		/* host tgid: the init (STARTED, STOPPED), the victim (OOM); 0: none */
	__u32 procs;		/* its live processes after the moment */
	__u64 since_ts;		/* STOPPED: when it started (0: not seen), for its lifetime */
};

/* A task in D state longer than kernel.hung_task_timeout_secs (khungtaskd's report). */
struct scry_rec_hang {
	struct scry_hdr h;	/* the hung task */
	__u32 state;		/* its __state then */
	__u32 __pad;
};

/*
 * sock:inet_sock_set_state: an inet socket (TCP) changed state. It fires in softirq (a SYN-ACK or
 * a RST received, a timer) as often as in its owner's syscall, so the current task says nothing
 * of whose socket it is: the header names no task (pid, tid 0, comm empty) and its cgid is the
 * socket's own cgroup (v2; 0 when scry attributes by a v1 hierarchy). The cookie identifies the
 * socket for its whole life, unlike an fd.
 *
 * A TCP socket's moment, the socket's own (softirq as often as not: the header names no task,
 * its cgid is the socket's cgroup): a state change, a retransmitted segment (oldstate = newstate
 * = the state then), a reset sent or received (the state then, and `dir`).
 *
 * A full TCP socket also carries the kernel's own byte counters then (SCRY_SOCK_BYTES): payload
 * bytes, as tcplife reports them. The kernel's counters need two corrections to be payload:
 * bytes_received counts the peer's FIN (one sequence number; SOCK_DONE says it came), and
 * bytes_acked counts an active open's SYN and our FIN, so `bytes_out` is bytes_sent minus
 * bytes_retrans (every first transmission, retransmits not twice) where the kernel has both
 * (4.19), else bytes_acked as it is. A process-side sum cannot stand in: the socket closes in
 * softirq, often before its process has read the last bytes.
 */
enum scry_sock_xflags {
	SCRY_SOCK_BYTES = 1 << 0,	/* bytes_in and bytes_out are the kernel's counters */
};

struct scry_rec_sock_state {
	struct scry_hdr h;
	__u64 cookie;
	__u16 family;		/* AF_INET, AF_INET6 */
	__u16 protocol;		/* IPPROTO_TCP, ... */
	__u8 oldstate;		/* TCP_ESTABLISHED (1) ... TCP_NEW_SYN_RECV (12) */
	__u8 newstate;
	__u16 sport;		/* local port, host order */
	__u16 dport;		/* remote port, host order */
	__u16 dir;		/* TCP_RESET: enum scry_sock_dir (sent, received); else 0 */
	__u8 saddr[16];		/* local address: IPv4 in the first 4 bytes */
	__u8 daddr[16];		/* remote address */
	__u32 xflags;		/* enum scry_sock_xflags */
	__u64 bytes_in;		/* payload bytes received in the socket's life (SOCK_BYTES) */
	__u64 bytes_out;	/* payload bytes sent, each once */
};


/*
 * One send or receive on a socket of any family, as the socket layer reports it (send*, write,
 * sendfile, recv*, read: every path into sock_sendmsg/sock_recvmsg). The header is the task that
 * made the call. Calls that failed and MSG_PEEK reads (which move nothing) are not reported.
 */
struct scry_rec_sock_io {
	struct scry_hdr h;
	__u64 cookie;		/* the socket's identity (bpf_get_socket_cookie), as in sock_state */
	__u32 bytes;		/* moved by the call (0: end of stream, or an empty datagram) */
	__u16 family;		/* AF_UNIX, AF_INET, AF_INET6, ... */
	__u8 protocol;		/* IPPROTO_TCP, IPPROTO_UDP, ... (0 for unix) */
	__u8 sktype;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, ... */
	__u8 dir;		/* enum scry_sock_dir */
	__u8 xflags;		/* SCRY_SIO_ADDR: the addresses below are the socket's */
	__u16 sport;		/* local port, host order */
	__u16 dport;		/* remote port, host order (0: not connected) */
	__u16 __pad;
	/*
	 * An IP socket's own addresses at the call, as sock_state's: what names a UDP socket's row
	 * (no state change ever says it) and an unconnected socket's local end.
	 */
	__u8 saddr[16];
	__u8 daddr[16];
};

enum scry_sio_xflags {
	SCRY_SIO_ADDR = 1,	/* sport, dport, saddr, daddr hold the IP socket's addresses */
};

enum scry_sock_dir {
	SCRY_SOCK_OUT = 0,	/* sent */
	SCRY_SOCK_IN = 1,	/* received */
};

/*
 * A socket open before scry started, as the task_file iterator found it in a process's files
 * (bpf/iter.bpf.c), or its socket table entry at the start of a recording: not a kernel event but
 * made by userspace once at start, so that the socket tables live and replayed name connections
 * that no event opened. The header's pid (and tid) is the process holding it, its comm and cgroup
 * that process's, but the record is no task's doing: the process table takes nothing from it.
 * The cookie is the one the tracepoints report for the socket.
 */
struct scry_rec_sock_seed {
	struct scry_hdr h;
	__u64 cookie;
	__u32 ino;		/* socket inode: the N of /proc/PID/fd/X -> socket:[N] */
	__u32 netns;		/* its network namespace's inode */
	__u32 fd;		/* the fd it has in the process (the lowest, if several) */
	__u16 family;		/* AF_INET, AF_INET6 */
	__u8 protocol;		/* IPPROTO_TCP, IPPROTO_UDP, ... */
	__u8 sktype;		/* SOCK_STREAM, SOCK_DGRAM, ... */
	__u8 state;		/* sk_state: a TCP state (UDP: 1 connected, 7 not) */
	__u8 role;		/* enum sock_role (scry/state.h): userspace's, from the listeners */
	__u16 sport;		/* local port, host order */
	__u16 dport;		/* remote port, host order */
	__u16 __pad;
	__u8 saddr[16];		/* local address: IPv4 in the first 4 bytes */
	__u8 daddr[16];		/* remote address */
};

/*
 * The type of what an fd stands for, as the fd table knows it (finer than an exit's fd_kind,
 * which is the inode's S_IFMT): sysdig's fd types, plus char and block devices.
 */
enum scry_fd_type {
	SCRY_FDT_UNKNOWN = 0,	/* 'o' */
	SCRY_FDT_FILE,		/* 'f' regular file (or a symlink opened with O_PATH) */
	SCRY_FDT_DIR,		/* 'd' */
	SCRY_FDT_IPV4,		/* '4' */
	SCRY_FDT_IPV6,		/* '6' */
	SCRY_FDT_UNIX,		/* 'u' */
	SCRY_FDT_PIPE,		/* 'p' pipe or FIFO */
	SCRY_FDT_EVENT,		/* 'e' eventfd */
	SCRY_FDT_SIGNALFD,	/* 's' */
	SCRY_FDT_EVENTPOLL,	/* 'l' epoll */
	SCRY_FDT_INOTIFY,	/* 'i' */
	SCRY_FDT_TIMERFD,	/* 't' */
	SCRY_FDT_NETLINK,	/* 'n' */
	SCRY_FDT_BPF,		/* 'b' */
	SCRY_FDT_USERFAULTFD,	/* 'u' (sysdig's letter, shared with unix) */
	SCRY_FDT_IOURING,	/* 'r' */
	SCRY_FDT_MEMFD,		/* 'm' */
	SCRY_FDT_PIDFD,		/* 'P' */
	SCRY_FDT_CHR,		/* 'f' character device (typechar as sysdig: a file) */
	SCRY_FDT_BLK,		/* 'f' block device */
	SCRY_FDT_SOCK,		/* 'o' a socket of another family (packet, ...) */
	SCRY_FDT__MAX
};

#define SCRY_FD_CWD	(-100)	/* AT_FDCWD: the fd seed of a process's working directory */
#define SCRY_FD_NAME_MAX 4096	/* PATH_MAX: the longest name an fd seed carries */

enum scry_fd_seed_xflags {
	SCRY_FDS_SOCK = 1 << 0,	/* name[] holds a struct scry_sock_addr (+ unix name), not a path */
	SCRY_FDS_CLOEXEC = 1 << 1, /* the fd is closed at exec (fdinfo's flags have O_CLOEXEC) */
	SCRY_FDS_TRUNC = 1 << 2, /* the name was cut at SCRY_FD_NAME_MAX */
	SCRY_FDS_SERVER = 1 << 3, /* a connected socket's server end (accepted): FDE_SERVER */
};

/*
 * One fd of a process when scry started (from /proc/PID/fd, fdinfo and the socket iterator), or
 * of the fd table when a capture file starts: made by userspace, so that fds opened before the
 * recording are named live and on replay. fd SCRY_FD_CWD is the process's working directory.
 * The header's pid is the process (tid = pid), its comm and cgroup the process's; like the
 * socket seed it is no task's doing.
 */
struct scry_rec_fd_seed {
	struct scry_hdr h;
	__s32 fd;
	__u8 type;		/* enum scry_fd_type */
	__u8 xflags;		/* enum scry_fd_seed_xflags */
	__u16 name_len;		/* bytes of name[], with its NUL (0: no name) */
	__u32 oflags;		/* open flags (O_RDONLY, O_APPEND...), O_CLOEXEC left out */
	__u32 dev;		/* st_dev (0: not known) */
	__u64 ino;		/* st_ino (0: not known) */
	char name[SCRY_FD_NAME_MAX];
};
#define SCRY_FD_SEED_FIXED	(__builtin_offsetof(struct scry_rec_fd_seed, name))


/*
 * What the task_file iterator (bpf/iter.bpf.c) writes per socket file of each process: the
 * record's fields, filled in the kernel; the header's time, pid and cgroup (the socket's own,
 * cgroup v2) are in it, the rest of the header and the role are userspace's.
 */
struct scry_iter_sock {
	struct scry_rec_sock_seed r;
	__u64 sk_cgid;		/* the socket's cgroup (cgroup v2; 0 if none) */
};

/*
 * Count mode (the live views that show only byte and call totals): instead of a record per send
 * or receive, sock_io adds to this key's per-CPU value in the `net_counts` map, and userspace
 * reads the sums every tick. Every field but the socket's identity is a record's, so a filter on
 * them judges a key as it would each of its records.
 */
#define SCRY_NET_COUNT_MAX 16384
struct scry_net_key {
	__u64 cgid;		/* the task's, as scry_hdr.cgid */
	__u32 tgid;
	__u16 family;
	__u8 protocol;
	__u8 sktype;
	__u8 dir;		/* enum scry_sock_dir */
	__u8 __pad[7];
};

struct scry_net_val {
	__u64 bytes;
	__u64 calls;
};

/*
 * issue 18 (ns18). A process's end in two steps: its last thread's exit (SCRY_REC_EXIT with
 * GROUP_DEAD) makes it a zombie until its parent reaps it (wait) or the kernel does (SIGCHLD
 * ignored, a dying pid namespace): then sched_process_free fires for its leader, from an RCU
 * callback (softirq, or an rcuo kthread), so the header is the freed task, not the current
 * one. A zombie that predates scry (or a capture file) is the same record made by userspace,
 * SCRY_ZB_SEED, with what /proc (or the zombie table) knows of it.
 */
enum scry_zombie_kind {
	SCRY_ZB_REAPED = 0,	/* the kernel freed the process: it is a zombie no more */
	SCRY_ZB_SEED = 1,	/* a zombie when scry started (or the capture file began) */
};

struct scry_rec_zombie {
	struct scry_hdr h;	/* the process (pid = tid = its tgid), its comm and cgroup */
	__u32 kind;		/* enum scry_zombie_kind */
	__u32 ppid;		/* SEED: its parent (host pid) */
	__u32 vpid;		/* SEED: its pid in its own pid namespace */
	__u32 parent_vpid;	/* SEED: its parent's, in the parent's namespace (0: not known) */
	__u64 exit_ts;		/* SEED: when it exited (boot ns), 0 if not known (from /proc) */
	__s32 exit_code;	/* SEED: status << 8 | signal */
	__u32 __pad;
};

/*
 * issue 18 (ns18). The namespaces of a process, by their inode numbers (what /proc/PID/ns/X
 * links name: "net:[4026531840]"), sent when they may have changed under it: a fork into
 * another pid namespace or with new namespaces (the child's; nsenter -p forks so), an exec
 * with other namespaces than its parent's (nsenter without -p, runc's init), and by userspace
 * for the processes found at start. setns(2) alone is seen at the process's next fork or exec.
 */
enum scry_ns_kind {
	SCRY_NSK_FORK = 0,	/* the child of a fork, in other namespaces than its parent's */
	SCRY_NSK_EXEC = 1,	/* an exec in other namespaces than its parent's */
	SCRY_NSK_SEED = 2,	/* made by userspace: a process found at start (or a file's start) */
	/*
	 * Made by userspace: the host's namespaces, not a process's: pid 1's and scry's own (on
	 * some machines pid 1 is an agent in namespaces of its own, and scry with the rest).
	 */
	SCRY_NSK_HOST = 3,
};

enum scry_ns_idx {
	SCRY_NS_PID = 0,	/* the pid namespace it lives in (task_active_pid_ns) */
	SCRY_NS_MNT,
	SCRY_NS_NET,
	SCRY_NS_UTS,
	SCRY_NS_IPC,
	SCRY_NS_CGROUP,
	SCRY_NS_USER,
	SCRY_NS__MAX
};

struct scry_rec_ns {
	struct scry_hdr h;	/* the process */
	__u32 kind;		/* enum scry_ns_kind */
	__u32 parent;		/* FORK: the forking process (nsenter); EXEC: its real parent */
	__u32 vpid;		/* its pid in its own pid namespace */
	__u32 ns[SCRY_NS__MAX];	/* inode numbers by enum scry_ns_idx; 0: not known */
};

struct scry_rec_rename {
	struct scry_hdr h;	/* comm = the new name */
	char old_comm[SCRY_COMM_LEN];
};

/* --- issue 18, signals (sig18) ------------------------------------------------------------- */
/*
 * A second task a record names besides its header's (a signal's sender), right after the header
 * in every record type whose event table entry says so (evt_desc.peer). pid 0: no task (the
 * kernel in an interrupt, a timer), and the rest is zero.
 */
struct scry_peer {
	__u32 pid;		/* tgid, host */
	__u32 tid;
	__u32 vpid;		/* its tgid in its own pid namespace */
	__u32 __pad;
	__u64 cgid;		/* as scry_hdr.cgid */
	char comm[SCRY_COMM_LEN];
};

/* The target's disposition for the signal (sighand->action[sig - 1].sa.sa_handler). */
enum scry_sig_disp {
	SCRY_SIGD_DEFAULT = 0,	/* SIG_DFL: the signal's default action */
	SCRY_SIGD_IGNORE = 1,	/* SIG_IGN */
	SCRY_SIGD_HANDLER = 2,	/* a handler of its own */
};

enum scry_sig_flags {
	/*
	 * no task is named as the sender (from = 0): a timer's signal, or one an interrupt may
	 * send (SIGALRM, SIGIO, SIGURG from the kernel), where the current task says nothing
	 */
	SCRY_SIG_NOTASK = 1 << 0,
	SCRY_SIG_GROUP = 1 << 1,	/* to the whole process (kill), not one thread (tgkill) */
	SCRY_SIG_BLOCKED = 1 << 2,	/* the target blocks it (sigprocmask): it waits, pending */
	SCRY_SIG_INIT = 1 << 3,		/* the target is PID 1 of its pid namespace */
	/*
	 * signal->flags has SIGNAL_UNKILLABLE: a pid namespace's init, to which the kernel drops
	 * every signal it has no handler for (SIGKILL and SIGSTOP from an ancestor namespace aside)
	 */
	SCRY_SIG_UNKILLABLE = 1 << 4,
	SCRY_SIG_PAIRED = 1 << 5,	/* deliver: `from` is the sender its generate named */
	/*
	 * deliver: a fatal signal takes the whole process down: the kernel gives each thread
	 * SIGKILL; `sig` is the signal that did it (exit_group's SIGKILLs are not reported)
	 */
	SCRY_SIG_GROUP_EXIT = 1 << 6,
};

/*
 * signal:signal_generate (SCRY_REC_SIGNAL): a signal sent to the header's task, with the
 * kernel's verdict (`result`, TRACE_SIGNAL_*: 0 queued, 1 ignored, 2 already pending, 3 queue
 * overflow, 4 queued without its siginfo) and the target's disposition and mask then. It fires
 * in the sender's context, or in an interrupt (a timer): `from` is the current task unless
 * SCRY_SIG_NOTASK.
 * signal:signal_deliver (SCRY_REC_SIGDELIVER): the header's task takes a signal off its queue
 * and acts on it (`disp`: its handler, the default action, or ignored); `from` is the sender
 * of the signal's last generate when the kernel saw it (SCRY_SIG_PAIRED), `info_pid` the
 * siginfo's (in the target's pid namespace: 0 from an ancestor one).
 */
struct scry_rec_signal {
	struct scry_hdr h;	/* the target */
	struct scry_peer from;	/* the sender */
	__s32 sig;
	__s32 code;		/* si_code: SI_USER 0, SI_KERNEL 0x80, SI_TKILL -6, SI_TIMER -2... */
	__s32 result;		/* signal_generate's TRACE_SIGNAL_*; 0 for deliver */
	__u32 target_vpid;	/* the target process's pid in its own pid namespace */
	__u8 disp;		/* enum scry_sig_disp */
	__u8 __pad;
	__u16 sig_flags;	/* enum scry_sig_flags */
	__u32 info_pid;	/* the siginfo's si_pid (0: none, or from an ancestor namespace) */
};

/*
 * Control records: for the collector itself, never events, never in captures; their types lie
 * beyond SCRY_REC__MAX.
 *
 * cgroup:cgroup_mkdir in the hierarchy scry attributes by: the new cgroup's id and path, which
 * reach the collector before any event from inside it. A container that lives a few ms would
 * otherwise have its cgroup removed before the collector could read the path of its id, and its
 * events would fall to the host.
 */
#define SCRY_CTL_CGROUP		64
#define SCRY_CTL_CGROUP_RMDIR	65	/* the same header and id, no path */
#define SCRY_CGPATH_MAX		512
struct scry_ctl_cgroup {
	struct scry_hdr h;	/* the task that made it */
	__u64 id;
	__u16 path_len;		/* bytes of path (no NUL) */
	__u16 __pad[3];
	char path[SCRY_CGPATH_MAX];
};
#define SCRY_CTL_CGROUP_FIXED	(__builtin_offsetof(struct scry_ctl_cgroup, path))

/* Per-CPU counters in the `stats` map; userspace sums them. */
struct scry_cpu_stats {
	__u64 seen;		/* records the programs tried to emit */
	__u64 dropped;		/* records that found no room in the ring buffer */
	__u64 wakeups;		/* forced consumer wakeups */
	__u64 count_full;	/* socket calls the count map had no room for: sent as records */
	__u64 filtered;		/* syscalls the filter's in-kernel part left out (pushdown) */
};

/*
 * The filter's in-kernel part (bpf/pushdown.bpf.h, built by src/filter/pushdown.c): bitmaps over
 * record syscall numbers (native, SCRY_NR_COMPAT_BASE + a 32-bit one, SCRY_NR_INVALID), each
 * number at bit (nr & (SCRY_PD_NR_BITS - 1)), and sets of cgroups and processes. Only syscall
 * records are left out; every other record still reaches userspace, which stays the judge.
 */
#define SCRY_PD_NR_BITS		2048
#define SCRY_PD_WORDS		(SCRY_PD_NR_BITS / 64)
#define SCRY_PD_PIDS_MAX	1024	/* processes a filter names, at most, to be pushed down */
#define SCRY_PD_CGROUPS_MAX	65536	/* cgroups judged unable to match, at most */

enum scry_pd_on {
	SCRY_PD_SYS = 1 << 0,		/* the bitmaps leave some calls out */
	SCRY_PD_CGROUP = 1 << 1,	/* calls of cgroups in `pd_cgroups` are left out */
	SCRY_PD_PID = 1 << 2,		/* only calls of processes in `pd_pids` go on */
};

/*
 * Slots of the `stats` map, one per kind of context a program runs in. The tick runs from a timer
 * interrupt and can land in the middle of a tracepoint program on the same CPU, so each kind of
 * context owns its slot and plain increments stay exact without atomics. A program that can run
 * in softirq (network tracepoints) must not share the tracepoint slot or the stage with programs
 * it can interrupt: give it a slot of its own and emit directly (the program table in
 * src/probe/programs.c records each program's context).
 */
enum scry_stats_slot {
	SCRY_STATS_TP = 0,	/* tracepoint programs (task context, preemption off) */
	SCRY_STATS_TICK = 1,	/* the perf-event tick (hard IRQ) */
	SCRY_STATS_CTL = 2,	/* control records (cgroup made/removed): not events */
	SCRY_STATS_NET = 3,	/* network tracepoints, which may run in softirq */
	SCRY_STATS_BLOCK = 4,	/* block completions (hard IRQ or softirq) */
	SCRY_STATS_RCU = 5,	/* issue 18: sched_process_free, from RCU callbacks (softirq) */
	SCRY_STATS_SIGNAL = 6,	/* signal_generate: any context, a timer's hard IRQ included */
	SCRY_STATS__MAX
};

/*
 * Per-syscall argument rules (the `sysargs` map, filled by userspace from its syscall table).
 * Argument positions are stored as index + 1 so that 0 means "none".
 */
struct scry_sysarg {
	__u8 nargs;		/* arguments to copy into the exit record */
	__u8 fd_a;		/* 1 + index of an fd argument whose file kind to record */
	__u8 fd_b;		/* 1 + index of a second fd argument */
	__u8 path;		/* 1 + index of a user path argument (low nibble); of a
				 * second one, << SCRY_SYSARG_PATH2_SHIFT (diff18) */
	__u8 sock;		/* 1 + index of the socket fd whose addresses to record, or
				 * SCRY_SYSARG_RET: the fd the call returns (accept) */
	__u8 peer;		/* 1 + index of a user sockaddr argument naming the peer of an
				 * unconnected socket (sendto, recvfrom), | enum scry_peer_arg */
	__u8 data;		/* 1 + index of the user buffer whose bytes the call moved
				 * (-s), | enum scry_data_arg */
	__u8 fdx;		/* 1 + index of an int[2] of new fds (pipe), | SCRY_FDX_FILE */
};
#define SCRY_SYSARG_RET	7
#define SCRY_FDX_FILE	(1 << 7)	/* the result is a new fd: record its file (open) */
#define SCRY_FDX_PAIR	0x0f
enum scry_peer_arg {
	SCRY_PEER_MSG = 1 << 7,	/* the argument is a msghdr: its msg_name is the sockaddr */
	SCRY_PEER_OUT = 1 << 6,	/* the call fills it in (recvfrom): only when it succeeded */
	SCRY_PEER_POS = 0x0f,
};

enum scry_data_arg {
	SCRY_DATA_IOV = 1 << 7,	/* an iovec array; its count is the next argument */
	SCRY_DATA_MSG = 1 << 6,	/* a msghdr: its msg_iov and msg_iovlen */
	SCRY_DATA_RECV = 1 << 5, /* a receive: with MSG_TRUNC its result may exceed what the
				  * buffer got (or TCP discarded the bytes): no data then */
	SCRY_DATA_POLL = 1 << 4, /* a struct pollfd array (poll, ppoll): its length is the next
				  * argument (nfds) times 8, not the result (the ready fds) */
	SCRY_DATA_POS = 0x0f,
};
#define SCRY_IOV_MAX	8	/* iovecs a data copy walks (the bytes past them are not shown) */

#define SCRY_NR_SYSCALLS	512
/*
 * Records carry a 32-bit (ia32) syscall of a 64-bit x86 kernel as SCRY_NR_COMPAT_BASE + its
 * i386 number, so that int $0x80 getpid (20) is not taken for writev (20 on x86_64). Their
 * arguments are not captured (the sysargs table is the native ABI's).
 */
#define SCRY_NR_COMPAT_BASE	1024
/*
 * A call of a number the kernel does not know (syscall(-1), syscall(5000)): it fails with ENOSYS
 * and records carry it as this number, which no syscall table names.
 */
#define SCRY_NR_INVALID		0xffff

/*
 * The layouts come out the same for clang -target bpf and for the host compiler: both compile
 * these checks, so a field added without its padding fails whichever build sees it first.
 */
_Static_assert(sizeof(struct scry_hdr) == 48, "scry_hdr layout");
_Static_assert(sizeof(struct scry_batch) == 16, "scry_batch layout");
_Static_assert(sizeof(struct scry_rec_sys_enter) == 56, "sys_enter layout");
_Static_assert(SCRY_SYS_EXIT_SHORT == 72, "sys_exit short layout");
_Static_assert(SCRY_SYS_EXIT_ARGS == 120, "sys_exit args layout");
_Static_assert(sizeof(struct scry_proc_info) == 48, "proc info layout");
_Static_assert(sizeof(struct scry_rec_fork) == 128, "fork layout");
_Static_assert(SCRY_EXEC_FIXED == 128, "exec layout");
_Static_assert(sizeof(struct scry_rec_exit) == 64, "exit layout");
_Static_assert(sizeof(struct scry_sched_acct) == 48, "sched acct layout");
_Static_assert(sizeof(struct scry_rec_switch) == 120, "switch layout");
_Static_assert(sizeof(struct scry_rec_cputick) == 104, "cputick layout");
_Static_assert(sizeof(struct scry_rec_block_io) == 88, "block_io layout");
_Static_assert(sizeof(struct scry_rec_oom) == 80, "oom layout");
_Static_assert(sizeof(struct scry_rec_hang) == 56, "hang layout");
_Static_assert(sizeof(struct scry_rec_container) == 72, "container layout");
_Static_assert(sizeof(struct scry_rec_rename) == 64, "rename layout");
_Static_assert(sizeof(struct scry_rec_zombie) == 80, "zombie layout");
_Static_assert(sizeof(struct scry_rec_ns) == 88, "ns layout");
_Static_assert(sizeof(struct scry_peer) == 40, "peer layout");
_Static_assert(sizeof(struct scry_rec_signal) == 112, "signal layout");
_Static_assert(sizeof(struct scry_rec_sock_state) == 120, "sock_state layout");
_Static_assert(sizeof(struct scry_rec_sock_io) == 104, "sock_io layout");
_Static_assert(sizeof(struct scry_rec_sock_io) <= SCRY_STAGE_REC_MAX, "sock_io is staged");
_Static_assert(sizeof(struct scry_rec_sock_seed) == 112, "sock_seed layout");
_Static_assert(sizeof(struct scry_iter_sock) == 120, "iterator output layout");
_Static_assert(sizeof(struct scry_net_key) == 24, "net count key layout");
_Static_assert(SCRY_CTL_CGROUP_FIXED == 64, "cgroup control record layout");
_Static_assert(sizeof(struct scry_cpu_stats) == 40, "stats layout");
_Static_assert(sizeof(struct scry_sysarg) == 8, "sysarg layout");
_Static_assert(sizeof(struct scry_sock_addr) == 40, "sock_addr layout");
_Static_assert(sizeof(struct scry_sock_addr) + SCRY_UNIX_NAME_MAX <= SCRY_PATH_MAX,
	       "a unix name fits path[]");
_Static_assert(SCRY_SYS_EXIT_SOCK_MAX % 8 == 0, "staged records stay 8-byte aligned");
_Static_assert(SCRY_SYS_EXIT_DATA_STAGED % 8 == 0, "staged records stay 8-byte aligned");
_Static_assert(sizeof(struct scry_exit_data) == 8, "exit data layout");
_Static_assert(SCRY_SYS_EXIT_SOCK_MAX + sizeof(struct scry_exit_data) + SCRY_SNAPLEN_MAX <=
	       SCRY_REC_MAX, "the largest data exit fits a record");
_Static_assert((SCRY_SNAP_STAGED & (SCRY_SNAP_STAGED - 1)) == 0 &&
	       (SCRY_SNAPLEN_MAX & (SCRY_SNAPLEN_MAX - 1)) == 0, "data bounds are masks");
/* Every record fits the scratch buffer it is built in, and the ring's u16 size field. */
_Static_assert(sizeof(struct scry_rec_exec) <= SCRY_REC_MAX, "exec fits the scratch buffer");
_Static_assert(sizeof(struct scry_rec_sys_exit) <= SCRY_REC_MAX, "exit fits the scratch buffer");
_Static_assert(sizeof(struct scry_ctl_cgroup) <= SCRY_REC_MAX, "cgroup record fits the scratch");
_Static_assert(sizeof(struct scry_rec_fd_seed) <= SCRY_REC_MAX, "an fd seed fits a record");
_Static_assert(SCRY_REC_MAX < 65536, "record sizes fit scry_hdr.size");
_Static_assert(SCRY_REC__MAX < SCRY_CTL_CGROUP, "control types lie beyond the event types");

#endif /* SCRY_EVENT_H */
