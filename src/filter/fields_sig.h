/* SPDX-License-Identifier: GPL-2.0 */
/* The getters of fields_sig.c (issue 18's signal fields), for the rows of the field table. */
#ifndef SCRY_FIELDS_SIG_H
#define SCRY_FIELDS_SIG_H

#include "scry/filter.h"

#define SIG_GETTER_DECL(n) bool get_sig_##n(const struct scry_event *ev, struct field_val *v, \
					    struct sbuf *b);
SIG_GETTER_DECL(num)
SIG_GETTER_DECL(name)
SIG_GETTER_DECL(code)
SIG_GETTER_DECL(result)
SIG_GETTER_DECL(action)
SIG_GETTER_DECL(default)
SIG_GETTER_DECL(blocked)
SIG_GETTER_DECL(sender)
SIG_GETTER_DECL(sender_kind)
SIG_GETTER_DECL(sender_pid)
SIG_GETTER_DECL(sender_tid)
SIG_GETTER_DECL(sender_vpid)
SIG_GETTER_DECL(sender_name)
SIG_GETTER_DECL(sender_ctr_id)
SIG_GETTER_DECL(sender_ctr_name)
SIG_GETTER_DECL(target)
SIG_GETTER_DECL(target_pid)
SIG_GETTER_DECL(target_tid)
SIG_GETTER_DECL(target_vpid)
SIG_GETTER_DECL(target_name)
SIG_GETTER_DECL(target_ctr_id)
SIG_GETTER_DECL(target_ctr_name)
SIG_GETTER_DECL(target_is_init)
SIG_GETTER_DECL(init_ignored)
SIG_GETTER_DECL(trap)
#undef SIG_GETTER_DECL

#endif /* SCRY_FIELDS_SIG_H */
