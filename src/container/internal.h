/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers private to src/container/: the JSON both runtime readers parse. */
#ifndef SCRY_CONTAINER_INTERNAL_H
#define SCRY_CONTAINER_INTERNAL_H

#include <stddef.h>

#include <json-c/json.h>

#include "scry/container.h"

/* The whole buffer as one JSON value (trailing whitespace allowed); NULL if it is anything else. */
struct json_object *ctr_json_parse(const char *buf, size_t len);
int ctr_json_labels(struct json_object *labels, struct ctr_meta *m);

#endif /* SCRY_CONTAINER_INTERNAL_H */
