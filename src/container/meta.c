// SPDX-License-Identifier: GPL-2.0
/* Container metadata shared by the runtime readers: its lifetime, and the JSON they both parse. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "scry/container.h"
#include "internal.h"

void ctr_meta__free(struct ctr_meta *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nlabels; i++) {
		free(m->labels[i].key);
		free(m->labels[i].val);
	}
	free(m->labels);
	free(m->name);
	free(m->image);
	free(m->pod_name);
	free(m->pod_ns);
	free(m->k8s_container);
	free(m->image_id);
	free(m->image_repo);
	free(m->image_tag);
	free(m->image_digest);
	for (i = 0; i < m->nmounts; i++)
		ctr_mount__free(&m->mounts[i]);
	free(m->mounts);
	for (i = 0; i < CTR_PROBE__MAX; i++)
		free(m->probe[i]);
	free(m->upper_dir);
	memset(m, 0, sizeof(*m));
}

void ctr_mount__free(struct ctr_mount *mt)
{
	free(mt->source);
	free(mt->dest);
	free(mt->mode);
	free(mt->propagation);
}

const char *ctr_meta__label(const struct ctr_meta *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->nlabels; i++) {
		if (!strcmp(m->labels[i].key, key))
			return m->labels[i].val;
	}
	return NULL;
}

/*
 * Member `key` of `obj` if it has JSON type `type`: 0 with *out NULL when absent or null,
 * -EPROTO when it is there with another type.
 */
int ctr_json_member(struct json_object *obj, const char *key, int type, struct json_object **out)
{
	struct json_object *v = NULL;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, type))
		return -EPROTO;
	*out = v;
	return 0;
}

/* The whole buffer as one JSON value (whitespace may follow); NULL if it is anything else. */
struct json_object *ctr_json_parse(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;
	size_t end;

	if (!tok)
		return NULL;
	obj = json_tokener_parse_ex(tok, buf, len);
	end = json_tokener_get_parse_end(tok);
	while (end < len && buf[end] && strchr(" \t\r\n", buf[end]))
		end++;
	if (obj && (json_tokener_get_error(tok) != json_tokener_success || end < len)) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

/*
 * A JSON object of string values (Docker's Config.Labels, OCI annotations) -> m->labels.
 * -EPROTO if a value is not a string: the answer is not what a runtime writes.
 */
int ctr_json_labels(struct json_object *labels, struct ctr_meta *m)
{
	size_t n = json_object_object_length(labels);

	if (!n)
		return 0;
	m->labels = calloc(n, sizeof(*m->labels));
	if (!m->labels)
		return -ENOMEM;
	json_object_object_foreach(labels, key, val) {
		struct ctr_label *l = &m->labels[m->nlabels];

		if (!json_object_is_type(val, json_type_string))
			return -EPROTO;
		l->key = strdup(key);
		l->val = strdup(json_object_get_string(val));
		m->nlabels++;
		if (!l->key || !l->val)
			return -ENOMEM;
	}
	return 0;
}

