/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A compiled filter: the tree the parser (filter.c) builds and the evaluator (eval.c) walks.
 * `and` and `or` are n-ary (one node, its terms in an array), so a chain of any length is one
 * level deep; only parentheses and `not` add levels, and the parser stops at FILTER_MAX_DEPTH.
 * Walking the tree recursively is therefore bounded (about 2 * FILTER_MAX_DEPTH frames).
 */
#ifndef SCRY_FILTER_INTERNAL_H
#define SCRY_FILTER_INTERNAL_H

#include <string.h>

#include "scry/filter.h"

/* A getter's string value: n bytes at s (not NUL-terminated necessarily), or a C string. */
static inline bool str_val(struct field_val *v, const char *s, size_t n)
{
	v->type = FT_STR;
	v->str = s;
	v->len = n;
	return true;
}

static inline bool cstr(struct field_val *v, const char *s)
{
	return str_val(v, s, strlen(s));
}

enum node_kind { N_TRUE, N_CHECK, N_NOT, N_AND, N_OR };

/* Operators that apply to numbers first: op >= OP_CONTAINS are for strings only. */
enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_EXISTS,
	  OP_CONTAINS, OP_ICONTAINS, OP_STARTS, OP_ENDS };

struct operand {
	char *str;		/* as written (quotes removed) */
	size_t len;
	uint64_t u;		/* FT_U64 fields: parsed once, at compile time */
	int64_t s;		/* FT_S64 fields */
	/* FF_CIDR fields: the network, parsed once (family 0: not one) */
	uint16_t family;
	uint8_t bits;
	uint8_t net[16];
};

struct node {
	enum node_kind kind;
	struct node **kids;	/* AND, OR: two or more terms, in order; NOT: one */
	size_t nkids;
	const struct field_desc *field;	/* CHECK */
	enum op op;
	struct operand *vals;	/* one, or several for "in" */
	size_t nvals;
};

struct filter {
	struct node *root;
	/* Field values, whole, in a buffer of the same kind as the outputs': a check sees what
	 * they show, whatever its length. */
	struct sbuf_mem *scratch;
};

/* eval.c */
bool node__eval(const struct node *n, const struct scry_event *ev, struct sbuf_mem *scratch);
bool node__uses(const struct node *n, const char *const *fields);
void node__free(struct node *n);

/* diag.c: the closest candidate to a misspelt word, for "did you mean" (NULL: none close). */
struct suggest {
	const char *word;
	const char *best;
	unsigned int score;	/* of best: lower is closer */
};
void suggest__init(struct suggest *s, const char *word);
void suggest__try(struct suggest *s, const char *candidate);

/* fields_syslog.c (issue 15, chisels): syslog.* from a message's <PRI> header */
bool get_syslog_facility(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_syslog_facility_str(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_syslog_severity(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_syslog_severity_str(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
bool get_syslog_message(const struct scry_event *ev, struct field_val *v, struct sbuf *b);
/* --- fields_ctr.c: issue 15's container fields (the getters of their field_table rows) --- */
#define CTR_GETTER(fn) bool fn(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
CTR_GETTER(get_ctr_image_id);
CTR_GETTER(get_ctr_image_repo);
CTR_GETTER(get_ctr_image_tag);
CTR_GETTER(get_ctr_image_digest);
CTR_GETTER(get_ctr_privileged);
CTR_GETTER(get_ctr_mounts);
CTR_GETTER(get_ctr_healthcheck);
CTR_GETTER(get_ctr_liveness);
CTR_GETTER(get_ctr_readiness);
CTR_GETTER(get_proc_is_healthcheck);
CTR_GETTER(get_proc_is_liveness);
CTR_GETTER(get_proc_is_readiness);
#undef CTR_GETTER
#define CTR_ARG_GETTER(fn)                                                                        \
	bool fn(const struct scry_event *ev, const struct field_arg *a, struct field_val *v,     \
		struct sbuf *b)
CTR_ARG_GETTER(get_ctr_mount);
CTR_ARG_GETTER(get_ctr_mount_source);
CTR_ARG_GETTER(get_ctr_mount_dest);
CTR_ARG_GETTER(get_ctr_mount_mode);
CTR_ARG_GETTER(get_ctr_mount_rdwr);
CTR_ARG_GETTER(get_ctr_mount_propagation);
#undef CTR_ARG_GETTER
extern const struct field_values ctr_bool_values;	/* "true", "false" */
/* --- fields_fdlist.c: issue 15's fdlist.* (poll's ready fds, from its pollfd array) --- */
#define FDLIST_GETTER(fn) bool fn(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
FDLIST_GETTER(get_fdlist_nums);
FDLIST_GETTER(get_fdlist_names);
FDLIST_GETTER(get_fdlist_cips);
FDLIST_GETTER(get_fdlist_sips);
FDLIST_GETTER(get_fdlist_cports);
FDLIST_GETTER(get_fdlist_sports);
#undef FDLIST_GETTER

#endif /* SCRY_FILTER_INTERNAL_H */
