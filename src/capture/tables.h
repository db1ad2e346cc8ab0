/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a capture records of the process table and the containers (tables.c), for the writer.
 * Apart from internal.h so that the item codecs, which tables.c uses, do not depend on it.
 */
#ifndef SCRY_CAPTURE_TABLES_H
#define SCRY_CAPTURE_TABLES_H

#include "internal.h"

struct cap_tables;

struct cap_tables *cap_tables__new(struct proctab *pt, struct containers *ct);
void cap_tables__free(struct cap_tables *t);
/* Entries it remembers (cgroups and containers): bounded, see tables.c. */
size_t cap_tables__entries(const struct cap_tables *t);

struct cap_tables_fast {
	uint64_t cgid;
	const struct scry_container *ctr;
	bool resolved;
	/* the last record's process, as its user database entries were recorded */
	const struct scry_proc *proc;
	const struct scry_container *uctr;
	uint32_t uid, gid, loginuid;
	/* the last record's process and cgroup, as its cgroup file was recorded */
	const struct scry_proc *cgproc;
	uint64_t cgcgid;
};

void cap_tables__see_slow(struct cap_tables *t, uint64_t cgid, const struct scry_container *c);
/*
 * A written record's cgroup and container: records the container's metadata the first time
 * the cgroup is met and when the container's name becomes known. The common case (the same
 * cgroup as the previous record) costs two compares.
 */
static inline void cap_tables__see(struct cap_tables *t, struct cap_tables_fast *f,
				   uint64_t cgid, const struct scry_container *c)
{
	if (cgid == f->cgid && c == f->ctr && (!c || c->resolved == f->resolved))
		return;
	cap_tables__see_slow(t, cgid, c);
	f->cgid = cgid;
	f->ctr = c;
	f->resolved = c && c->resolved;
}
bool cap_tables__see_users_slow(struct cap_tables *t, const struct scry_event *ev);
/*
 * A written record's process: records, once per file, the entries of its user database for its
 * uid, gid and login uid (users.c), so that a replay shows the names the recorder saw. The
 * common case (the process of the previous record, ids unchanged) costs a few compares.
 */
static inline void cap_tables__see_users(struct cap_tables *t, struct cap_tables_fast *f,
					 const struct scry_event *ev)
{
	const struct scry_proc *p = ev->proc;

	if (!p || (p == f->proc && ev->container == f->uctr && p->uid == f->uid &&
		   p->gid == f->gid && p->loginuid == f->loginuid))
		return;
	/* a database that gave no answer is asked again at the process's next record */
	if (!cap_tables__see_users_slow(t, ev))
		return;
	f->proc = p;
	f->uctr = ev->container;
	f->uid = p->uid;
	f->gid = p->gid;
	f->loginuid = p->loginuid;
}
void cap_tables__see_cgroups_slow(struct cap_tables *t, const struct scry_event *ev);
/*
 * A written record's process's cgroup file (thread.cgroups), once per file and cgroup id: live,
 * read from /proc once per process and cgroup. The common case costs two compares.
 */
static inline void cap_tables__see_cgroups(struct cap_tables *t, struct cap_tables_fast *f,
					   const struct scry_event *ev)
{
	if (!ev->proc || (ev->proc == f->cgproc && ev->rec->h.cgid == f->cgcgid))
		return;
	cap_tables__see_cgroups_slow(t, ev);
	f->cgproc = ev->proc;
	f->cgcgid = ev->rec->h.cgid;
}
/* Containers whose name arrived since they were recorded (call at every tick). */
void cap_tables__poll(struct cap_tables *t);
/* Container items waiting to be written: moved into `out` (which must be empty). */
uint32_t cap_tables__take_meta(struct cap_tables *t, struct cap_buf *out);
/*
 * The process table and every container as STATE items. `first` is the event whose record
 * the tables already include but the new file will carry (the first of a recording): its
 * effect on CPU time and on a pending syscall enter is taken back, so that replaying the record
 * from the snapshot arrives at the same state as live. Returns the number of items.
 */
uint32_t cap_tables__snapshot(struct cap_tables *t, struct cap_buf *out,
			      const struct scry_event *first);

#endif /* SCRY_CAPTURE_TABLES_H */
