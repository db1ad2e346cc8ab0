// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "scry/decode.h"
#include "scry/util.h"

/* Indexed by number; the generator leaves aliases out, so every slot is named once. */
#define SCRY_ERRNO(n) [n] = #n,
static const char *const errnos[] = {
#include "errno_list.h"
};
#undef SCRY_ERRNO

const char *errno_name(int err)
{
	if (err <= 0 || (size_t)err >= ARRAY_SIZE(errnos))
		return NULL;
	return errnos[err];
}

int errno_lookup(const char *name)
{
	size_t i;

	for (i = 1; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i] && !strcmp(errnos[i], name))
			return i;
	return -1;
}
