// SPDX-License-Identifier: GPL-2.0
/*
 * Image references -> sysdig's container.image.repository, .tag and .digest.
 *
 * Docker's grammar (distribution/reference): [registry[:port]/]path[:tag][@algo:hex]. sysdig's
 * split_container_image cuts the registry at the first '/' and the tag at the first ':' after
 * it, which gives the same parts for every reference Docker accepts: a path has no ':' and a
 * registry's port comes before the first '/'. Cutting at the last ':' after the last '/' says
 * that directly and needs no special case for a port without a path ("host:5000/app").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scry/container.h"

void ctr_image_ref_split(const char *ref, struct ctr_image_ref *out)
{
	const char *at = strchr(ref, '@'), *slash, *colon;
	size_t name_len = at ? (size_t)(at - ref) : strlen(ref);

	memset(out, 0, sizeof(*out));
	if (at) {
		out->digest_off = name_len + 1;
		out->digest_len = strlen(at + 1);
	}
	/* the last '/' and the last ':' of the name part (before any '@') */
	slash = memrchr(ref, '/', name_len);
	colon = memrchr(ref, ':', name_len);
	if (colon && (!slash || colon > slash)) {
		out->repo_len = colon - ref;
		out->tag_off = out->repo_len + 1;
		out->tag_len = name_len - out->tag_off;
	} else {
		out->repo_len = name_len;
	}
}

static int set_span(char **field, const char *s, size_t len)
{
	if (*field || !len)
		return 0;
	*field = strndup(s, len);
	return *field ? 0 : -ENOMEM;
}

int ctr_meta_set_image_ref(struct ctr_meta *m, const char *ref)
{
	struct ctr_image_ref r;
	int err;

	if (!ref || !*ref)
		return 0;
	ctr_image_ref_split(ref, &r);
	err = set_span(&m->image_repo, ref, r.repo_len);
	err = err ?: set_span(&m->image_tag, ref + r.tag_off, r.tag_len);
	err = err ?: set_span(&m->image_digest, ref + r.digest_off, r.digest_len);
	return err;
}
