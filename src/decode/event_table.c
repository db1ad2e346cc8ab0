// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "scry/ctrlife.h"
#include "internal.h"

#define FIXED(T) sizeof(T), false
#define VAR(off) (off), true

/*
 * Every record type, by its tag. `hidden` repeats EVF_HIDDEN for the dispatcher's hot path.
 * Columns: name, size, hidden, category, flags, fields, decoder, evt.info formatter.
 */
const struct evt_desc evt_table[SCRY_REC__MAX] = {
	[SCRY_REC_NONE] = { "none", 0, false, true, EVC_PROCESS, EVF_HIDDEN },
	[SCRY_REC_SYS_ENTER] = { "syscall", FIXED(struct scry_rec_sys_enter), false, EVC_SYSCALL,
				 EVF_SYSCALL, EVP_SYSCALL, sys_enter_decode, NULL },
	[SCRY_REC_SYS_EXIT] = { "syscall", VAR(SCRY_SYS_EXIT_SHORT), false, EVC_SYSCALL,
				EVF_SYSCALL, EVP_SYSCALL | EVP_RESULT | EVP_FD, sys_exit_decode,
				sys_exit_info },
	[SCRY_REC_FORK] = { "procfork", FIXED(struct scry_rec_fork), false, EVC_PROCESS,
			    EVF_LIFECYCLE, 0, NULL, fork_info },
	[SCRY_REC_EXEC] = { "procexec", VAR(SCRY_EXEC_FIXED), false, EVC_PROCESS,
			    EVF_LIFECYCLE | EVF_RENAMES, 0, exec_decode, exec_info },
	[SCRY_REC_EXIT] = { "procexit", FIXED(struct scry_rec_exit), false, EVC_PROCESS,
			    EVF_LIFECYCLE, 0, NULL, exit_info },
	[SCRY_REC_SWITCH] = { "switch", FIXED(struct scry_rec_switch), false, EVC_SCHEDULER,
			      EVF_CPU, EVP_RUNTIME | EVP_SCHED, switch_decode, switch_info },
	[SCRY_REC_CPUTICK] = { "cputick", FIXED(struct scry_rec_cputick), true, EVC_SCHEDULER,
			       EVF_CPU | EVF_HIDDEN, EVP_RUNTIME | EVP_SCHED, cputick_decode,
			       cputick_info },
	[SCRY_REC_RENAME] = { "procrename", FIXED(struct scry_rec_rename), false, EVC_PROCESS,
			      EVF_LIFECYCLE | EVF_RENAMES, 0, NULL, rename_info },
	[SCRY_REC_SOCK_STATE] = { "sockstate", FIXED(struct scry_rec_sock_state), false, EVC_NET,
				  EVF_NOTASK | EVF_NET, EVP_TUPLE, NULL, sock_state_info },
	[SCRY_REC_TCP_RETRANS] = { "tcpretrans", FIXED(struct scry_rec_sock_state), false, EVC_NET,
				   EVF_NOTASK | EVF_NET, EVP_TUPLE, NULL, sock_moment_info },
	[SCRY_REC_TCP_RESET] = { "tcpreset", FIXED(struct scry_rec_sock_state), false, EVC_NET,
				 EVF_NOTASK | EVF_NET, EVP_TUPLE, NULL, sock_moment_info },
	/* Bookkeeping of the network views: not a line of the stream (its syscall is). */
	[SCRY_REC_SOCK_IO] = { "sockio", FIXED(struct scry_rec_sock_io), true, EVC_NET,
			       EVF_HIDDEN | EVF_NET, EVP_SOCK_IO, NULL, sock_io_info },
	/*
	 * A socket open before scry: for the socket table, live and replayed; no line of its own.
	 * Its pid is the holder's, but no task did anything: the process table is not touched.
	 */
	[SCRY_REC_SOCK_SEED] = { "sockseed", FIXED(struct scry_rec_sock_seed), true, EVC_NET,
				 EVF_HIDDEN | EVF_NOTASK | EVF_NET, 0, NULL, sock_seed_info },
	/* An fd open before scry (or before a capture file): for the fd tables; no line. */
	[SCRY_REC_FD_SEED] = { "fdseed", VAR(SCRY_FD_SEED_FIXED), true, EVC_PROCESS,
			       EVF_HIDDEN | EVF_NOTASK, 0, fd_seed_decode, fd_seed_info },
	/* The submitter's task, the request's cgroup (see event.h); complete in IRQ context. */
	[SCRY_REC_BLOCK_IO] = { "blockio", FIXED(struct scry_rec_block_io), false, EVC_IO,
				EVF_BLOCK, EVP_BLOCK, block_io_decode, block_io_info },
	[SCRY_REC_OOM] = { "oomkill", FIXED(struct scry_rec_oom), false, EVC_MEMORY, 0, 0, NULL,
			   oom_info },
	[SCRY_REC_HANG] = { "hungtask", FIXED(struct scry_rec_hang), false, EVC_SCHEDULER, 0, 0,
			    NULL, hang_info },
	/* issue 18: made by userspace from the kernel's events; no task (container.*) */
	[SCRY_REC_CONTAINER] = { "container", FIXED(struct scry_rec_container), false,
				 EVC_PROCESS, EVF_NOTASK, 0, NULL, ctr_evt_info },
	/* issue 18, signals (sig18): the header is the target, the sender follows it */
	[SCRY_REC_SIGNAL] = { "signalgenerate", FIXED(struct scry_rec_signal), false, EVC_SIGNAL, 0,
			      0, NULL, signal_info, .arg = signal_arg, .peer = true },
	[SCRY_REC_SIGDELIVER] = { "signaldeliver", FIXED(struct scry_rec_signal), false,
				  EVC_SIGNAL, 0, 0, NULL, signal_info, .arg = signal_arg,
				  .peer = true },
	/*
	 * issue 18 (ns18). A reaped process (or a zombie found at start): for the zombie table,
	 * no line; its header is the process, but no task's doing now (the free runs in an RCU
	 * callback). A process's namespaces: a line only when it entered a container's from
	 * outside (the decoder makes it ev->quiet, nstab__apply clears that for one that did),
	 * else bookkeeping. nstab.c names its process.
	 */
	[SCRY_REC_ZOMBIE] = { "procreap", FIXED(struct scry_rec_zombie), true, EVC_PROCESS,
			      EVF_HIDDEN | EVF_NOTASK | EVF_LIFECYCLE, 0, NULL, zombie_info },
	[SCRY_REC_NS] = { "nsenter", FIXED(struct scry_rec_ns), false, EVC_PROCESS,
			  EVF_NOTASK | EVF_LIFECYCLE, 0, ns_decode, ns_info },
};

/*
 * Adding a record type without describing it here fails the build. 19 and 22 are numbers issue
 * 18's parts left unused: a type without a name is no type (decode refuses it).
 */
_Static_assert(SCRY_REC__MAX == 25, "describe every record type in evt_table");

const char *const evt_category_name[EVC__MAX] = {
	[EVC_SYSCALL] = "syscall",
	[EVC_PROCESS] = "process",
	[EVC_SCHEDULER] = "scheduler",
	[EVC_NET] = "net",
	[EVC_IO] = "io",
	[EVC_MEMORY] = "memory",
	[EVC_SIGNAL] = "signal",
};

const char *evt_type_name(const struct scry_event *ev)
{
	if (ev->type == SCRY_REC_SYS_ENTER || ev->type == SCRY_REC_SYS_EXIT) {
		const char *n = syscall_name(ev->nr);

		return n ? n : "syscall";
	}
	return evt_table[ev->type].name;
}

int evt_type_lookup(const char *name, uint32_t *nr)
{
	int i, n;

	for (i = SCRY_REC_FORK; i < SCRY_REC__MAX; i++)
		if (evt_table[i].name && !strcmp(evt_table[i].name, name))
			return i;
	n = syscall_lookup(name);
	if (n < 0)
		return -1;
	*nr = n;
	return SCRY_REC_SYS_ENTER;
}
