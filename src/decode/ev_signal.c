// SPDX-License-Identifier: GPL-2.0
/*
 * Signals (issue 18): signalgenerate (a signal sent, and the kernel's verdict) and signaldeliver
 * (the target takes it). The header is the target, so proc.*, thread.* and container.* are the
 * target's; the sender is the record's struct scry_peer (sig.sender.*). evt.info's pairs follow
 * sysdig's signaldeliver (spid, dpid, sig) and add what sysdig does not say: the siginfo's code,
 * the outcome, and the target's action.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Linux's numbers (asm-generic/signal.h: the same on x86 and arm64). */
static const char *const sig_names[32] = {
	[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP",
	[6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1",
	[11] = "SIGSEGV", [12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
	[16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT", [19] = "SIGSTOP", [20] = "SIGTSTP",
	[21] = "SIGTTIN", [22] = "SIGTTOU", [23] = "SIGURG", [24] = "SIGXCPU", [25] = "SIGXFSZ",
	[26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO", [30] = "SIGPWR",
	[31] = "SIGSYS",
};
#define SIG_MAX 64

/* Real-time signals by their kernel number (SIG32..SIG64: glibc's SIGRTMIN is 34, not 32). */
static char rt_names[SIG_MAX - 31][8];
static pthread_once_t rt_once = PTHREAD_ONCE_INIT;

static void rt_build(void)
{
	int i;

	for (i = 32; i <= SIG_MAX; i++)
		snprintf(rt_names[i - 32], sizeof(rt_names[0]), "SIG%d", i);
}

const char *sig_name(int sig)
{
	if (sig > 0 && sig < 32)
		return sig_names[sig];
	if (sig < 32 || sig > SIG_MAX)
		return NULL;
	pthread_once(&rt_once, rt_build);
	return rt_names[sig - 32];
}

/* signal(7)'s table */
enum { D_TERM, D_CORE, D_STOP, D_CONT, D_IGN };
static const char *const default_names[] = { "term", "core", "stop", "cont", "ignore" };
static const unsigned char sig_defaults[32] = {
	[3] = D_CORE, [4] = D_CORE, [5] = D_CORE, [6] = D_CORE, [7] = D_CORE, [8] = D_CORE,
	[11] = D_CORE, [24] = D_CORE, [25] = D_CORE, [31] = D_CORE,
	[17] = D_IGN, [23] = D_IGN, [28] = D_IGN,
	[18] = D_CONT,
	[19] = D_STOP, [20] = D_STOP, [21] = D_STOP, [22] = D_STOP,
};

const char *sig_default(int sig)
{
	if (sig <= 0 || sig > SIG_MAX)
		return NULL;
	return default_names[sig < 32 ? sig_defaults[sig] : D_TERM];
}

static bool sig_kills(int sig)
{
	return sig > 0 && sig <= SIG_MAX && (sig >= 32 || sig_defaults[sig] <= D_CORE);
}

/* SIGCHLD's own codes (asm-generic/siginfo.h), the ones a container's init sees most */
static const char *const cld_codes[] = { NULL, "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
					 "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };

const char *sig_code_name(int sig, int code)
{
	if (sig == 17 && code > 0 && code < (int)ARRAY_SIZE(cld_codes))
		return cld_codes[code];
	switch (code) {
	case 0: return "SI_USER";
	case 0x80: return "SI_KERNEL";
	case -1: return "SI_QUEUE";
	case -2: return "SI_TIMER";
	case -3: return "SI_MESGQ";
	case -4: return "SI_ASYNCIO";
	case -5: return "SI_SIGIO";
	case -6: return "SI_TKILL";
	case -7: return "SI_DETHREAD";
	case -60: return "SI_ASYNCNL";
	}
	return NULL;	/* a signal's own code (CLD_EXITED, SEGV_MAPERR...): kernel-made */
}

const struct scry_peer *evt_peer(const struct scry_event *ev)
{
	const struct scry_peer *p;

	if (!evt_table[ev->type].peer)
		return NULL;
	p = (const struct scry_peer *)((const char *)ev->rec + sizeof(struct scry_hdr));
	return p->pid ? p : NULL;
}

static const char *const results[] = { "delivered", "ignored", "pending", "overflow",
				       "lost_info" };
static const char *const disp_names[] = { "default", "ignore", "handler" };
static const char *const taken[] = { "default", "ignored", "handled" };

const char *sig_result(const struct scry_event *ev)
{
	const struct scry_rec_signal *s = &ev->rec->sig;

	if (ev->type == SCRY_REC_SIGDELIVER)
		return s->disp < ARRAY_SIZE(taken) ? taken[s->disp] : "?";
	if (s->result == 0 && (s->sig_flags & SCRY_SIG_BLOCKED))
		return "blocked";
	return s->result >= 0 && s->result < (int)ARRAY_SIZE(results) ? results[s->result] : "?";
}

const char *sig_action(const struct scry_event *ev)
{
	uint8_t d = ev->rec->sig.disp;

	return d < ARRAY_SIZE(disp_names) ? disp_names[d] : "?";
}

const char *sig_sender_kind(const struct scry_event *ev)
{
	const struct scry_rec_signal *s = &ev->rec->sig;
	/* a POSIX timer's, or an itimer's SIGALRM (the kernel's, from its hrtimer) */
	if (s->code == -2 || ((s->sig_flags & SCRY_SIG_NOTASK) && s->sig == 14))
		return "timer";
	/* kernel-made: SI_KERNEL, a signal's own code, or one no task is named for */
	if (s->code == 0x80 || s->code > 0 || (s->sig_flags & SCRY_SIG_NOTASK))
		return "kernel";
	return "process";
}

bool sig_init_ignored(const struct scry_event *ev)
{
	const struct scry_rec_signal *s = &ev->rec->sig;

	return ev->type == SCRY_REC_SIGNAL && s->result == 1 &&
	       (s->sig_flags & SCRY_SIG_UNKILLABLE) && s->disp == SCRY_SIGD_DEFAULT &&
	       sig_kills(s->sig);
}

const char *sig_trap(const struct scry_event *ev)
{
	return sig_init_ignored(ev) ?
	       "PID 1 has no handler for it: the kernel drops it (docker stop waits its timeout, "
	       "then SIGKILL)" : NULL;
}

/* --- evt.info and evt.arg ------------------------------------------------------------------- */

enum sig_pair { SP_SPID, SP_DPID, SP_DVPID, SP_SIG, SP_CODE, SP_RESULT, SP_ACTION, SP_TRAP,
		SP__MAX };
static const char *const pair_names[SP__MAX] = {
	"spid", "dpid", "dvpid", "sig", "code", "result", "action", "trap",
};

static void put_pid(struct sbuf *b, uint32_t pid, const char *comm)
{
	sbuf__u64(b, pid);
	if (pid && comm[0]) {
		sbuf__putc(b, '(');
		sbuf__write(b, comm, strnlen(comm, SCRY_COMM_LEN));
		sbuf__putc(b, ')');
	}
}

static void str_arg(struct evt_arg *a, struct sbuf *b, const char *s)
{
	a->str = s;
	a->len = strlen(s);
	if (b)
		sbuf__puts(b, s);
}

bool signal_arg(const struct scry_event *ev, unsigned int i, struct evt_arg *a, struct sbuf *b)
{
	const struct scry_rec_signal *s = &ev->rec->sig;
	const char *n;

	/* the trap's pair only where it is one */
	if (i >= SP__MAX || (i == SP_TRAP && !sig_init_ignored(ev)))
		return false;
	a->name = pair_names[i];
	a->str = NULL;
	a->len = 0;
	a->raw = 0;
	switch (i) {
	case SP_SPID:
		a->raw = s->from.pid;
		if (b)
			put_pid(b, s->from.pid, s->from.comm);
		break;
	case SP_DPID:
		a->raw = s->h.pid;
		if (b)
			put_pid(b, s->h.pid, s->h.comm);
		break;
	case SP_DVPID:
		a->raw = s->target_vpid;
		if (b)
			sbuf__u64(b, s->target_vpid);
		break;
	case SP_SIG:
		a->raw = s->sig;
		n = sig_name(s->sig);
		if (n)
			str_arg(a, b, n);
		else if (b)
			sbuf__s64(b, s->sig);
		break;
	case SP_CODE:
		a->raw = s->code;
		n = sig_code_name(s->sig, s->code);
		if (n)
			str_arg(a, b, n);
		else if (b)
			sbuf__s64(b, s->code);
		break;
	case SP_RESULT:
		a->raw = ev->type == SCRY_REC_SIGNAL ? s->result : s->disp;
		str_arg(a, b, sig_result(ev));
		break;
	case SP_ACTION:
		a->raw = s->disp;
		str_arg(a, b, sig_action(ev));
		break;
	case SP_TRAP:
		a->raw = 1;
		str_arg(a, b, "pid1_no_handler");
		break;
	}
	/* a string pair's raw value is its number (evt.rawarg.sig=15), not its text */
	if (i != SP_TRAP) {
		a->str = NULL;
		a->len = 0;
	}
	return true;
}

void signal_info(const struct scry_event *ev, struct sbuf *b)
{
	struct evt_arg a;
	unsigned int i;

	for (i = 0; signal_arg(ev, i, &a, NULL); i++) {
		if (i)
			sbuf__putc(b, ' ');
		sbuf__puts(b, a.name);
		sbuf__putc(b, '=');
		signal_arg(ev, i, &a, b);
	}
}
