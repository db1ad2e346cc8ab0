/* SPDX-License-Identifier: GPL-2.0 */
/* issue 18 (ns18)'s getters (fields_ns18.c), for the field table's rows. */
#ifndef SCRY_FIELDS_NS18_H
#define SCRY_FIELDS_NS18_H

#include "scry/filter.h"

bool get_ctr_entered(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_proc_zombies(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_ctr_zombies(const struct scry_event *ev, struct field_val *v, struct sbuf *b);

bool get_zombie_vpid(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_zombie_parent_vpid(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_zombie_age_ns(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_zombie_age(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_zombie_exit_code(const struct scry_event *ev, struct field_val *v, struct sbuf *b);

#endif
