/* SPDX-License-Identifier: GPL-2.0 */
/* The getters of user.* and group.* (fields_user.c), for the field table's rows. */
#ifndef SCRY_FILTER_FIELDS_USER_H
#define SCRY_FILTER_FIELDS_USER_H

#include "scry/filter.h"

bool get_user_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_user_homedir(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_user_shell(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_user_loginname(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_group_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b);

#endif /* SCRY_FILTER_FIELDS_USER_H */
