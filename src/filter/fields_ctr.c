// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 15's container fields, with sysdig's names and meanings (libsinsp's
 * sinsp_filter_check_container and the proc.is_container_* checks): the image's parts,
 * privileged, mounts and health probes from the runtime's metadata (src/container/), and
 * whether a process runs one of the container's probes (ctr_cat__judge).
 *
 * As in sysdig, none of them has a value on the host, and a container's has one once its
 * runtime answered (before that, only what is known: nothing here). Every getter reads
 * ev->container only, except proc.is_container_*, which read the process: push-down judges
 * container.* per cgroup (pushdown.c ctr_field) and that stays true.
 */
#include <fnmatch.h>
#include <string.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/state.h"
#include "internal.h"



static bool flag(struct field_val *v, bool on)
{
	return cstr(v, on ? "true" : "false");
}

/* The container's metadata once its runtime answered; NULL on the host or before. */
static const struct ctr_meta *meta(const struct scry_event *ev)
{
	return ev->container && ev->container->resolved ? &ev->container->meta : NULL;
}

#define META_STR(fn, member)                                                                       \
	bool fn(const struct scry_event *ev, struct field_val *v, struct sbuf *b)                  \
	{                                                                                          \
		const struct ctr_meta *m = meta(ev);                                               \
                                                                                                   \
		return m && m->member && cstr(v, m->member);                                       \
	}

META_STR(get_ctr_image_id, image_id)
META_STR(get_ctr_image_repo, image_repo)
META_STR(get_ctr_image_tag, image_tag)
META_STR(get_ctr_image_digest, image_digest)

/* Only where the runtime says (sysdig: Docker-compatible engines only). */
bool get_ctr_privileged(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct ctr_meta *m = meta(ev);

	return m && m->privileged != CTR_PRIV_UNKNOWN && flag(v, m->privileged == CTR_PRIV_YES);
}

/* sysdig's container_mount_info::to_string: source:dest:mode:rdwr:propagation */
static void put_mount(struct sbuf *b, const struct ctr_mount *mt)
{
	sbuf__puts(b, mt->source);
	sbuf__putc(b, ':');
	sbuf__puts(b, mt->dest);
	sbuf__putc(b, ':');
	sbuf__puts(b, mt->mode);
	sbuf__puts(b, mt->rw ? ":true:" : ":false:");
	sbuf__puts(b, mt->propagation);
}

/* Comma-separated, as sysdig joins them (its description says space-separated; its code,
 * and so its output, uses commas). "" for a container without mounts. */
bool get_ctr_mounts(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct ctr_meta *m = meta(ev);
	size_t i;

	if (!m)
		return false;
	for (i = 0; i < m->nmounts; i++) {
		if (i)
			sbuf__putc(b, ',');
		put_mount(b, &m->mounts[i]);
	}
	return str_val(v, b->buf, b->len);
}

/* The probe's command line, words joined by spaces; "NONE" for a container without one. */
static bool probe(const struct scry_event *ev, struct field_val *v, struct sbuf *b,
		  enum ctr_probe kind)
{
	const struct ctr_meta *m = meta(ev);

	if (!m)
		return false;
	if (!m->probe[kind])
		return cstr(v, "NONE");
	sbuf__join(b, m->probe[kind], m->probe_len[kind], ' ');
	return str_val(v, b->buf, b->len);
}

bool get_ctr_healthcheck(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return probe(ev, v, b, CTR_PROBE_HEALTHCHECK);
}

bool get_ctr_liveness(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return probe(ev, v, b, CTR_PROBE_LIVENESS);
}

bool get_ctr_readiness(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return probe(ev, v, b, CTR_PROBE_READINESS);
}

/* The process's category (sysdig's thread category): true for the probe and its descendants. */
static bool is_cat(const struct scry_event *ev, struct field_val *v, enum ctr_cat cat)
{
	return ev->proc && flag(v, ev->proc->ctr_cat == cat);
}

bool get_proc_is_healthcheck(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return is_cat(ev, v, CTR_CAT_HEALTHCHECK);
}

bool get_proc_is_liveness(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return is_cat(ev, v, CTR_CAT_LIVENESS);
}

bool get_proc_is_readiness(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return is_cat(ev, v, CTR_CAT_READINESS);
}

static const char *const bools[] = { "true", "false" };

static const char *bool_nth(size_t i)
{
	return i < 2 ? bools[i] : NULL;
}

const struct field_values ctr_bool_values = { bool_nth };

/*
 * --- container.mount[...] and its parts: by index (from 0) or by a path glob (fnmatch, no
 * flags, as sysdig's glob_match): container.mount.source[] looks the mount up by destination,
 * every other one by source. The first mount that matches answers; none: no value.
 */
static const struct ctr_mount *mount_of(const struct scry_event *ev, const struct field_arg *a,
					bool by_dest)
{
	const struct ctr_meta *m = meta(ev);
	size_t i;

	if (!m)
		return NULL;
	if (a->idx >= 0)
		return (uint64_t)a->idx < m->nmounts ? &m->mounts[a->idx] : NULL;
	if (!a->key)
		return NULL;
	for (i = 0; i < m->nmounts; i++)
		if (!fnmatch(a->key, by_dest ? m->mounts[i].dest : m->mounts[i].source, 0))
			return &m->mounts[i];
	return NULL;
}

enum mount_part { MP_ALL, MP_SOURCE, MP_DEST, MP_MODE, MP_RDWR, MP_PROPAGATION };

static bool mount_part(const struct scry_event *ev, const struct field_arg *a,
		       struct field_val *v, struct sbuf *b, enum mount_part part)
{
	const struct ctr_mount *mt = mount_of(ev, a, part == MP_SOURCE);

	if (!mt)
		return false;
	switch (part) {
	case MP_ALL:
		put_mount(b, mt);
		return str_val(v, b->buf, b->len);
	case MP_SOURCE:
		return cstr(v, mt->source);
	case MP_DEST:
		return cstr(v, mt->dest);
	case MP_MODE:
		return cstr(v, mt->mode);
	case MP_RDWR:
		return flag(v, mt->rw);
	case MP_PROPAGATION:
		return cstr(v, mt->propagation);
	}
	return false;
}

bool get_ctr_mount(const struct scry_event *ev, const struct field_arg *a, struct field_val *v,
		   struct sbuf *b)
{
	return mount_part(ev, a, v, b, MP_ALL);
}

bool get_ctr_mount_source(const struct scry_event *ev, const struct field_arg *a,
			  struct field_val *v, struct sbuf *b)
{
	return mount_part(ev, a, v, b, MP_SOURCE);
}

bool get_ctr_mount_dest(const struct scry_event *ev, const struct field_arg *a,
			struct field_val *v, struct sbuf *b)
{
	return mount_part(ev, a, v, b, MP_DEST);
}

bool get_ctr_mount_mode(const struct scry_event *ev, const struct field_arg *a,
			struct field_val *v, struct sbuf *b)
{
	return mount_part(ev, a, v, b, MP_MODE);
}

bool get_ctr_mount_rdwr(const struct scry_event *ev, const struct field_arg *a,
			struct field_val *v, struct sbuf *b)
{
	return mount_part(ev, a, v, b, MP_RDWR);
}

bool get_ctr_mount_propagation(const struct scry_event *ev, const struct field_arg *a,
			       struct field_val *v, struct sbuf *b)
{
	return mount_part(ev, a, v, b, MP_PROPAGATION);
}
