// SPDX-License-Identifier: GPL-2.0
/*
 * The process table's side that reads procfs: seeding it with the processes that ran before scry
 * (and threads first met in a record), and reconciling it with procfs when exit records were lost.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "internal.h"
#include "scry/util.h"

/* --- seeding from /proc ------------------------------------------------------------------------ */

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, off = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)off < size - 1 && (n = read(fd, buf + off, size - 1 - off)) > 0)
		off += n;
	close(fd);
	buf[off] = '\0';
	return off;
}

/* The line of a status file that starts with `key`, just after the key; NULL if none. */
static const char *status_line(const char *status, const char *key)
{
	size_t n = strlen(key);
	const char *l;

	for (l = status; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, key, n))
			return l + n;
	return NULL;
}

/* Last number of a "Key:\t1\t2\t3" line in a status file (the innermost namespace's id). */
static int status_last(const char *status, const char *key, uint32_t *out)
{
	const char *l = status_line(status, key), *end;
	unsigned long v = 0;
	bool any = false;

	if (!l)
		return -ENOENT;
	end = strchr(l, '\n');
	if (!end)
		end = l + strlen(l);
	for (; l < end; l++) {
		if (isdigit((unsigned char)*l)) {
			if (!any || isspace((unsigned char)l[-1]))
				v = 0;
			v = v * 10 + (*l - '0');
			any = true;
		}
	}
	if (!any)
		return -ENOENT;
	*out = v;
	return 0;
}

/* The n-th (0-based) number after "Key:" (Uid: real effective saved fs). */
static int status_nth(const char *status, const char *key, int nth, uint32_t *out)
{
	const char *l = status_line(status, key);
	unsigned long v;
	char *end;
	int i;

	if (!l)
		return -ENOENT;
	for (i = 0; i <= nth; i++) {
		v = strtoul(l, &end, 10);
		if (end == l)
			return -ENOENT;
		l = end;
	}
	*out = v;
	return 0;
}

/* "Key:   123 kB" of a status file, in kB (0 if absent: a kernel thread has no memory). */
static uint32_t status_kb(const char *status, const char *key)
{
	const char *l = status_line(status, key);

	return l ? strtoul(l, NULL, 10) : 0;
}

/* The soft limit of a /proc/PID/limits line ("Max open files  1024  4096  files"). */
static uint64_t limit_soft(const char *limits, const char *key)
{
	const char *l = status_line(limits, key);

	if (!l)
		return 0;
	l += strspn(l, " ");
	return !strncmp(l, "unlimited", 9) ? UINT64_MAX : strtoull(l, NULL, 10);
}

/*
 * Whether the process's fs user may write its executable: the rule procinfo.bpf.h applies at
 * exec (mode bits; root and the owner may), a read-only mount saying no. `status` gives the
 * fs uid and gid (the 4th of Uid: and Gid:).
 */
static bool exe_writable(const char *exe_link, const char *status)
{
	uint32_t fsuid = 0, fsgid = 0;
	struct statvfs vfs;
	struct stat st;

	if (stat(exe_link, &st) || status_nth(status, "Uid:", 3, &fsuid) ||
	    status_nth(status, "Gid:", 3, &fsgid))
		return false;
	if (!statvfs(exe_link, &vfs) && (vfs.f_flag & ST_RDONLY))
		return false;
	if (!fsuid || fsuid == st.st_uid)
		return true;
	return fsgid == st.st_gid ? st.st_mode & 0020 : st.st_mode & 0002;
}

/*
 * What the fork and exec records say of a process (struct scry_proc_info), from procfs: stat's
 * session and tty_nr (`rp`: stat after the comm's ')'), status, loginuid and limits.
 */
static void seed_info(struct proctab *pt, uint32_t pid, const char *rp, const char *status,
		      struct scry_proc_info *pi)
{
	char path[64], buf[4096];
	unsigned long sid = 0;
	long tty = 0;

	pi->pi_flags = SCRY_PI_VALID;
	/* " S ppid pgrp session tty_nr" */
	if (sscanf(rp + 2, "%*c %*s %*s %lu %ld", &sid, &tty) == 2) {
		pi->sid = sid;
		pi->tty = tty;
	}
	if (status && status_last(status, "NSpgid:", &pi->vpgid))
		pi->vpgid = 0;
	pi->vm_size_kb = status ? status_kb(status, "VmSize:") : 0;
	pi->vm_rss_kb = status ? status_kb(status, "VmRSS:") : 0;
	pi->vm_swap_kb = status ? status_kb(status, "VmSwap:") : 0;
	pi->loginuid = UINT32_MAX;
	snprintf(path, sizeof(path), "%s/%u/loginuid", pt->procfs, pid);
	if (read_file(path, buf, sizeof(buf)) > 0)
		pi->loginuid = strtoul(buf, NULL, 10);
	snprintf(path, sizeof(path), "%s/%u/limits", pt->procfs, pid);
	if (read_file(path, buf, sizeof(buf)) > 0)
		pi->fdlimit = limit_soft(buf, "Max open files");
	snprintf(path, sizeof(path), "%s/%u/exe", pt->procfs, pid);
	if (status && exe_writable(path, status))
		pi->pi_flags |= SCRY_PI_EXE_WRITABLE;
}

struct scry_proc *procfs_seed_proc(struct proctab *pt, uint32_t pid)
{
	char path[64], buf[8192], status[4096], exe[1024];
	struct scry_proc tmpl = { .pid = pid }, *p;
	unsigned long long start = 0;
	unsigned long ppid = 0;
	char *rp;
	ssize_t n, elen;

	snprintf(path, sizeof(path), "%s/%u/stat", pt->procfs, pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return NULL;
	/* "pid (comm) S ppid ..." where comm may hold spaces and parentheses. */
	rp = strrchr(buf, ')');
	if (!rp || !strchr(buf, '('))
		return NULL;
	n = rp - strchr(buf, '(') - 1;
	scry_comm_set(tmpl.comm, strchr(buf, '(') + 1, n);
	/* ppid is field 4, starttime field 22 (clock ticks after boot). */
	if (sscanf(rp + 2, "%*c %lu %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
		   &ppid, &start) >= 1)
		tmpl.ppid = ppid;
	tmpl.start_ts = start * (1000000000ULL / pt->clk_tck);

	snprintf(path, sizeof(path), "%s/%u/status", pt->procfs, pid);
	if (read_file(path, status, sizeof(status)) > 0) {
		status_nth(status, "Uid:", 1, &tmpl.uid);
		status_nth(status, "Gid:", 1, &tmpl.gid);
		if (status_last(status, "NStgid:", &tmpl.vpid))
			tmpl.vpid = pid;
		seed_info(pt, pid, rp, status, &tmpl.info);
	} else {
		seed_info(pt, pid, rp, NULL, &tmpl.info);
	}
	tmpl.loginuid = tmpl.info.loginuid;
	snprintf(path, sizeof(path), "%s/%u/exe", pt->procfs, pid);
	elen = readlink(path, exe, sizeof(exe) - 1);
	exe[elen > 0 ? elen : 0] = '\0';
	snprintf(path, sizeof(path), "%s/%u/cmdline", pt->procfs, pid);
	n = read_file(path, buf, sizeof(buf));
	/* cmdline ends with a NUL we do not keep (argv is NUL-separated, not terminated). */
	if (n > 0 && buf[n - 1] == '\0')
		n--;
	p = proctab__add_proc(pt, &tmpl, exe, buf, n > 0 ? n : 0);
	if (p && pt->want_env) {
		snprintf(path, sizeof(path), "%s/%u/environ", pt->procfs, pid);
		n = read_file(path, status, SCRY_ENV_MAX + 1);
		if (n > 0)
			proctab__set_env(pt, p, status, n);
	}
	return p;
}

struct scry_thread *procfs_seed_thread(struct proctab *pt, struct scry_proc *p, uint32_t tid)
{
	char path[96], buf[4096], comm[SCRY_COMM_LEN] = "", *rp;
	unsigned long long minf, majf;
	struct scry_thread *t;
	uint32_t vtid = tid;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/task/%u/comm", pt->procfs, p->pid, tid);
	n = read_file(path, buf, sizeof(buf));
	if (n <= 0)
		return NULL;
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	scry_comm_set(comm, buf, n);
	snprintf(path, sizeof(path), "%s/%u/task/%u/status", pt->procfs, p->pid, tid);
	if (read_file(path, buf, sizeof(buf)) > 0 && status_last(buf, "NSpid:", &vtid))
		vtid = tid;
	t = proctab__add_thread(pt, tid, vtid, comm, p);
	/* its faults so far: " S ppid pgrp session tty tpgid flags minflt cminflt majflt" */
	snprintf(path, sizeof(path), "%s/%u/task/%u/stat", pt->procfs, p->pid, tid);
	if (t && read_file(path, buf, sizeof(buf)) > 0 && (rp = strrchr(buf, ')')) &&
	    sscanf(rp + 2, "%*c %*s %*s %*s %*s %*s %*s %llu %*s %llu", &minf, &majf) == 2) {
		t->min_flt_base = minf;
		t->maj_flt_base = majf;
	}
	return t;
}

static void seed_threads(struct proctab *pt, struct scry_proc *p)
{
	char path[64];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%u/task", pt->procfs, p->pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		uint64_t tid;

		if (parse_u64(de->d_name, 1, UINT32_MAX, &tid))
			continue;
		procfs_seed_thread(pt, p, tid);
	}
	closedir(d);
}

/*
 * Which processes have children, now that all are known (a child may be read before its
 * parent): only their exits look for children to give to a reaper.
 */
static void mark_parents(struct proctab *pt)
{
	struct scry_proc *p, *q;
	size_t pos = 0;

	while ((p = proctab__next_proc(pt, &pos)))
		p->kids = false;
	pos = 0;
	while ((p = proctab__next_proc(pt, &pos)))
		if (p->ppid && (q = proctab__proc(pt, p->ppid)))
			q->kids = true;
}

int proctab__seed(struct proctab *pt)
{
	struct dirent *de;
	int count = 0;
	DIR *d;

	if (!pt->procfs)
		return -EINVAL;
	d = opendir(pt->procfs);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct scry_proc *p;
		uint64_t pid;

		if (parse_u64(de->d_name, 1, UINT32_MAX, &pid))
			continue;
		if (proctab__proc(pt, pid))
			continue;	/* already known from the event stream */
		p = procfs_seed_proc(pt, pid);
		if (!p)
			continue;	/* exited while we looked */
		seed_threads(pt, p);
		count++;
	}
	closedir(d);
	mark_parents(pt);
	return count;
}

/* --- reconciling with procfs ------------------------------------------------------------------- */

/*
 * Whether /proc still has this process: its stat file, not a zombie, and (when the table knows
 * its start) started when the table says. procfs counts clock ticks, rounded down, from the
 * task's start; a fork record's time comes a little after that start.
 */
static bool proc_alive(struct proctab *pt, const struct scry_proc *p)
{
	uint64_t tick = 1000000000ULL / pt->clk_tck, start_ns;
	unsigned long long start = 0;
	char path[64], buf[1024], state = 0, *rp;

	snprintf(path, sizeof(path), "%s/%u/stat", pt->procfs, p->pid);
	if (read_file(path, buf, sizeof(buf)) <= 0 || !(rp = strrchr(buf, ')')))
		return false;
	if (sscanf(rp + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
		   &state, &start) != 2)
		return true;	/* a stat line we cannot read: leave it to its exit record */
	if (state == 'Z' || state == 'X')
		return false;
	start_ns = start * tick;
	/* Another process under this pid started after ours (or well before it). */
	return !p->start_ts || (start_ns <= p->start_ts && p->start_ts - start_ns < tick + 1000000000ULL);
}

static bool thread_alive(struct proctab *pt, const struct scry_thread *t)
{
	char path[96], buf[1024], state = 0, *rp;

	snprintf(path, sizeof(path), "%s/%u/task/%u/stat", pt->procfs, t->proc->pid, t->tid);
	if (read_file(path, buf, sizeof(buf)) <= 0 || !(rp = strrchr(buf, ')')))
		return false;
	return sscanf(rp + 1, " %c", &state) != 1 || (state != 'Z' && state != 'X');
}

int proctab__reconcile(struct proctab *pt)
{
	struct scry_thread *t;
	struct scry_proc *p;
	size_t pos = 0;
	int n = 0;

	if (!pt->procfs)
		return -EINVAL;
	while ((p = proctab__next_proc(pt, &pos))) {
		if (!p->dead && !proc_alive(pt, p)) {
			proc_died(pt, p, pt->now);
			n++;
		}
	}
	/* Threads of a process that is gone went with it; the others are looked up one by one. */
	pos = 0;
	while ((t = proctab__next_thread(pt, &pos))) {
		if (!t->dead && (t->proc->dead || !thread_alive(pt, t))) {
			thread_died(pt, t, pt->now);
			n++;
		}
	}
	return n;
}
