/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the event table (event_table.c) points at: each record type's decoder and evt.info
 * formatter, kept beside the other types of its family (ev_syscall.c, ev_proc.c, ev_sched.c).
 */
#ifndef SCRY_DECODE_INTERNAL_H
#define SCRY_DECODE_INTERNAL_H

#include "scry/decode.h"
#include "scry/util.h"

/* ev_syscall.c */
int sys_enter_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2]);
int sys_exit_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2]);
void sys_exit_info(const struct scry_event *ev, struct sbuf *b);

/* ev_proc.c */
int exec_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2]);
void fork_info(const struct scry_event *ev, struct sbuf *b);
void exec_info(const struct scry_event *ev, struct sbuf *b);
void exit_info(const struct scry_event *ev, struct sbuf *b);
void rename_info(const struct scry_event *ev, struct sbuf *b);
/* ev_mem.c */
void oom_info(const struct scry_event *ev, struct sbuf *b);
void hang_info(const struct scry_event *ev, struct sbuf *b);
/* issue 18 (ns18) */
void zombie_info(const struct scry_event *ev, struct sbuf *b);
void ns_info(const struct scry_event *ev, struct sbuf *b);
int ns_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2]);

/* ev_sched.c */
int switch_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2]);
int cputick_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2]);
void switch_info(const struct scry_event *ev, struct sbuf *b);
void cputick_info(const struct scry_event *ev, struct sbuf *b);

/* ev_net.c */
/* addr:port ([addr]:port for IPv6) into the buffer. */
void sock_state_info(const struct scry_event *ev, struct sbuf *b);
void sock_io_info(const struct scry_event *ev, struct sbuf *b);
void sock_seed_info(const struct scry_event *ev, struct sbuf *b);
int fd_seed_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2]);
void fd_seed_info(const struct scry_event *ev, struct sbuf *b);
void sock_moment_info(const struct scry_event *ev, struct sbuf *b);

/* ev_block.c */
int block_io_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2]);
void block_io_info(const struct scry_event *ev, struct sbuf *b);

/* ev_signal.c (issue 18, signals) */
void signal_info(const struct scry_event *ev, struct sbuf *b);
bool signal_arg(const struct scry_event *ev, unsigned int i, struct evt_arg *a, struct sbuf *b);

#endif /* SCRY_DECODE_INTERNAL_H */
