/* SPDX-License-Identifier: GPL-2.0 */
/* The process and thread fields' getters (fields_proc.c), for the field table's rows. */
#ifndef SCRY_FIELDS_PROC_H
#define SCRY_FIELDS_PROC_H

#include "scry/filter.h"

struct scry_proc;

#define PROC_GETTER(name) \
	bool name(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
PROC_GETTER(get_proc_pname);
PROC_GETTER(get_proc_pcmdline);
PROC_GETTER(get_proc_ppid_duration);
PROC_GETTER(get_proc_loginshellid);
PROC_GETTER(get_proc_cwd);
PROC_GETTER(get_proc_duration);
PROC_GETTER(get_proc_nthreads);
PROC_GETTER(get_proc_nchilds);
PROC_GETTER(get_proc_exeline);
PROC_GETTER(get_proc_fdopencount);
PROC_GETTER(get_thread_ismain);
PROC_GETTER(get_thread_exectime);
PROC_GETTER(get_thread_totexectime);
PROC_GETTER(get_thread_pfmajor);
PROC_GETTER(get_thread_pfminor);
PROC_GETTER(get_thread_cgroups);
PROC_GETTER(get_proc_sid);
PROC_GETTER(get_proc_vpgid);
PROC_GETTER(get_proc_sname);
PROC_GETTER(get_proc_tty);
PROC_GETTER(get_user_loginuid);
PROC_GETTER(get_proc_fdlimit);
PROC_GETTER(get_proc_fdusage);
PROC_GETTER(get_proc_is_exe_writable);
PROC_GETTER(get_proc_vmsize);
PROC_GETTER(get_proc_vmrss);
PROC_GETTER(get_proc_vmswap);
PROC_GETTER(get_thread_vmsize);
PROC_GETTER(get_thread_vmrss);
/* issue 15, cpu15 */
PROC_GETTER(get_thread_cpu);
PROC_GETTER(get_thread_cpu_user);
PROC_GETTER(get_thread_cpu_system);
#undef PROC_GETTER

/* The n-th ancestor (0: the process itself, 1: its parent...); NULL past the known ones. */
const struct scry_proc *proc_ancestor(const struct scry_proc *p, int64_t n);
#define PROC_ARG_GETTER(name)								\
	bool name(const struct scry_event *ev, const struct field_arg *a, struct field_val *v,	\
		  struct sbuf *b)
PROC_ARG_GETTER(get_proc_aname);
PROC_ARG_GETTER(get_proc_apid);
PROC_ARG_GETTER(get_proc_env);
/* thread.cgroup.CONTROLLER: the task's cgroup in that controller's hierarchy (live only). */
PROC_ARG_GETTER(get_thread_cgroup);
#undef PROC_ARG_GETTER

#endif /* SCRY_FIELDS_PROC_H */
