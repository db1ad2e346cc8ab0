// SPDX-License-Identifier: GPL-2.0
/*
 * user.* and group.* names: the process's ids looked up in its own user database (state/users.c:
 * a container's /etc/passwd and /etc/group, not the host's; on replay, what the capture
 * recorded). sysdig's names and meanings; an id the database does not have has no value.
 */
#include "scry/filter.h"
#include "scry/state.h"
#include "internal.h"
#include "fields_user.h"

static const struct user_ent *user_of(const struct scry_event *ev, enum users_kind kind,
				      uint32_t id)
{
	const struct user_ent *e = users__lookup(ev, kind, id);

	return e && e->found ? e : NULL;
}


bool get_user_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct user_ent *e = ev->proc ? user_of(ev, USERS_USER, ev->proc->uid) : NULL;

	return e && str_val(v, e->name, e->name_len);
}

bool get_user_homedir(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct user_ent *e = ev->proc ? user_of(ev, USERS_USER, ev->proc->uid) : NULL;

	return e && str_val(v, e->home, e->home_len);
}

bool get_user_shell(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct user_ent *e = ev->proc ? user_of(ev, USERS_USER, ev->proc->uid) : NULL;

	return e && str_val(v, e->shell, e->shell_len);
}

bool get_user_loginname(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct user_ent *e;

	if (!ev->proc || ev->proc->loginuid == UINT32_MAX)
		return false;
	e = user_of(ev, USERS_USER, ev->proc->loginuid);
	return e && str_val(v, e->name, e->name_len);
}

bool get_group_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct user_ent *e = ev->proc ? user_of(ev, USERS_GROUP, ev->proc->gid) : NULL;

	return e && str_val(v, e->name, e->name_len);
}
