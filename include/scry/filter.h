/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fields and filters. One field table (name, type, description, getter) serves the filter
 * language, the JSON keys, -p formats and the views' key columns; `scry -l` prints it.
 */
#ifndef SCRY_FILTER_H
#define SCRY_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scry/decode.h"
#include "scry/util.h"

enum field_type {
	FT_U64 = 1,
	FT_S64,
	FT_STR,
};

struct field_val {
	enum field_type type;
	uint64_t u;
	int64_t s;
	const char *str;	/* FT_STR: not NUL-terminated necessarily; see len */
	size_t len;
};

enum field_flags {
	FF_JSON = 1 << 0,	/* in the default -j object */
	FF_CONTAINER = 1 << 1,	/* added to -j by -pc (container.*, k8s.*) */
};

struct field_desc {
	const char *name;
	enum field_type type;
	uint32_t flags;
	const char *desc;
	/* false when the field does not apply to this event (evt.res on an enter...). */
	bool (*get)(const struct scry_event *ev, struct field_val *v, struct sbuf *scratch);
};

extern const struct field_desc field_table[];
extern const size_t field_count;
const struct field_desc *field_lookup(const char *name);
struct scry_proc;
/* proc.cmdline of a process: its name and the arguments after argv[0], as they are. */
void proc_cmdline(const struct scry_proc *p, struct sbuf *b);

/* --- filter.c ------------------------------------------------------------------------------- */
struct filter;
/*
 * Compile an expression; NULL on error with a one-line message in errbuf (naming the
 * offending token and its column). An empty or NULL expression compiles to "accept all".
 */
struct filter *filter__compile(const char *expr, char *errbuf, size_t errlen);
bool filter__match(const struct filter *f, const struct scry_event *ev);
void filter__free(struct filter *f);
/* Whether the expression reads any of these fields (a NULL-terminated list). */
bool filter__uses(const struct filter *f, const char *const *fields);

/* Join argv words into one expression ("container.name=web and proc.name=nginx"). */
char *filter__join(int argc, char *const argv[]);

#endif /* SCRY_FILTER_H */
