/* SPDX-License-Identifier: GPL-2.0 */
/* The getters of fields_evt.c (issue 15's event fields), for the rows of the field table. */
#ifndef SCRY_FIELDS_EVT_H
#define SCRY_FIELDS_EVT_H

#include "scry/filter.h"

#define EVT_GETTER(n) bool evt_get_##n(const struct scry_event *ev, struct field_val *v, \
				       struct sbuf *b)
#define EVT_GETTER_ARG(n) bool evt_get_##n(const struct scry_event *ev, const struct field_arg *a, \
					   struct field_val *v, struct sbuf *b)

EVT_GETTER_ARG(arg);
EVT_GETTER_ARG(rawarg);
EVT_GETTER_ARG(around);
EVT_GETTER(is_io);
EVT_GETTER(is_io_read);
EVT_GETTER(is_io_write);
EVT_GETTER(is_wait);
EVT_GETTER(is_syslog);
EVT_GETTER(wait_latency);
EVT_GETTER(is_open_read);
EVT_GETTER(is_open_write);
EVT_GETTER(is_open_exec);
EVT_GETTER_ARG(abspath);
EVT_GETTER(count);
EVT_GETTER(count_error);
EVT_GETTER(count_error_file);
EVT_GETTER(count_error_net);
EVT_GETTER(count_error_memory);
EVT_GETTER(count_error_other);
EVT_GETTER(count_exit);
EVT_GETTER(rawtime_s);
EVT_GETTER(rawtime_ns);
EVT_GETTER(time_s);
EVT_GETTER(time_iso8601);
EVT_GETTER(datetime_s);
EVT_GETTER(reltime);
EVT_GETTER(reltime_s);
EVT_GETTER(reltime_ns);
EVT_GETTER(deltatime);
EVT_GETTER(deltatime_s);
EVT_GETTER(deltatime_ns);
EVT_GETTER(latency_s);
EVT_GETTER(latency_ns);
EVT_GETTER(latency_human);

#undef EVT_GETTER
#undef EVT_GETTER_ARG

/* evt.io_dir of a read/write-family call: "r", "w" (both: "w", as sysdig); false for others. */
bool evt_io_dir_call(const struct scry_event *ev, struct field_val *v);
/* sysdig's human-readable duration: 1.25s, 123ms, 1.50ms, 12us, 800ns. */
void evt_human_ns(struct sbuf *b, uint64_t ns);
/* The names evt.arg.NAME takes: the syscall table's, and evt.info's res, fd, data. */
extern const struct field_values evt_arg_names;
/* evt.abspath.src: the one path a call records. */
extern const struct field_values evt_abspath_keys;
/* "true", "false": the values of the event fields sysdig types as booleans. */
extern const struct field_values evt_bool_values;

#endif /* SCRY_FIELDS_EVT_H */
