/* SPDX-License-Identifier: GPL-2.0 */
/* scry serve's snapshot, shared by the store that makes it and the renderer that reads it. */
#ifndef SCRY_SERVE_INTERNAL_H
#define SCRY_SERVE_INTERNAL_H

#include <stdatomic.h>

#include "scry/serve.h"

enum brk_kind { BRK_SYSCALL, BRK_PROC };

struct snap_row {
	size_t labels;			/* offset in text: the escaped labels, no braces */
	uint64_t v[SC__MAX];
	uint32_t have;
};

struct snap_brk {
	size_t labels;			/* the row's labels, then syscall= or pid= and comm= */
	uint8_t kind;
	uint64_t a, b;
};

struct serve_snapshot {
	atomic_int refs;
	uint32_t groups;
	struct snap_row *rows;
	size_t nrows;
	struct snap_brk *brk;
	size_t nbrk;
	struct serve_health h;
	uint64_t brk_dropped;
	size_t node;			/* offset in text: node="..." alone */
	char *text;			/* the label sets, NUL-terminated, at the offsets above */
	uint64_t cpu_dropped[];		/* h.ncpus of them; h.cpu_dropped points here */
};

#endif /* SCRY_SERVE_INTERNAL_H */
