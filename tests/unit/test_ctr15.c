// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 15's container metadata: image references split into repository, tag and digest; OCI
 * bind mounts; which process runs a container's health probe (ctr_cat__judge); and the
 * container.* / proc.is_container_* fields read from it.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/state.h"
#include "testlib.h"

static const struct {
	const char *ref, *repo, *tag, *digest;
} refs[] = {
	{ "nginx", "nginx", "", "" },
	{ "nginx:1.25", "nginx", "1.25", "" },
	{ "library/redis:7-alpine", "library/redis", "7-alpine", "" },
	{ "docker.io/library/redis:7", "docker.io/library/redis", "7", "" },
	/* a registry's port is not a tag, with or without a tag after the path */
	{ "localhost:5000/app", "localhost:5000/app", "", "" },
	{ "localhost:5000/app:v2", "localhost:5000/app", "v2", "" },
	{ "registry.example.com:5000/team/sub/app:1.0-rc1@sha256:0a1b2c",
	  "registry.example.com:5000/team/sub/app", "1.0-rc1", "sha256:0a1b2c" },
	{ "registry.k8s.io/coredns/coredns@sha256:a0ead06651cf580044aeb0a0feba63591858fb2e43ade8c9dea45a6a89ae7e5e",
	  "registry.k8s.io/coredns/coredns", "",
	  "sha256:a0ead06651cf580044aeb0a0feba63591858fb2e43ade8c9dea45a6a89ae7e5e" },
	{ "host:5000/app@sha256:ff", "host:5000/app", "", "sha256:ff" },
	{ "app:", "app", "", "" },
	{ "", "", "", "" },
};

static void span_equal(const char *ref, size_t off, size_t len, const char *want)
{
	if (len != strlen(want) || memcmp(ref + off, want, len))
		fail_msg("%s: got '%.*s', want '%s'", ref, (int)len, ref + off, want);
}

static void image_refs(void **state)
{
	struct ctr_image_ref r;
	struct ctr_meta m = {};
	size_t i;

	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		ctr_image_ref_split(refs[i].ref, &r);
		span_equal(refs[i].ref, 0, r.repo_len, refs[i].repo);
		span_equal(refs[i].ref, r.tag_off, r.tag_len, refs[i].tag);
		span_equal(refs[i].ref, r.digest_off, r.digest_len, refs[i].digest);
	}
	/* into the metadata: absent parts stay NULL, parts already known are kept */
	assert_int_equal(ctr_meta_set_image_ref(&m, "localhost:5000/app:v2"), 0);
	assert_string_equal(m.image_repo, "localhost:5000/app");
	assert_string_equal(m.image_tag, "v2");
	assert_null(m.image_digest);
	assert_int_equal(ctr_meta_set_image_ref(&m, "other:v3@sha256:12"), 0);
	assert_string_equal(m.image_repo, "localhost:5000/app");
	assert_string_equal(m.image_tag, "v2");
	assert_string_equal(m.image_digest, "sha256:12");
	ctr_meta__free(&m);
}

/* containerd's config.json: the bind mounts only (not /proc, /dev), options read. */
static void oci_mounts(void **state)
{
	const char *dir = getenv("SCRY_TEST_DATA");
	char path[PATH_MAX];
	struct ctr_meta m;

	snprintf(path, sizeof(path), "%s/oci/containerd-cri.json", dir ? dir : "tests/data");
	assert_int_equal(oci__read_config(path, &m), 0);
	assert_int_equal(m.nmounts, 3);
	assert_string_equal(m.mounts[0].dest, "/etc/coredns");
	assert_string_equal(m.mounts[0].source, "/var/lib/kubelet/pods/0d6f3e1a-2c4b-4e0a-9a57-"
			    "3f1c2b7d8e90/volumes/kubernetes.io~configmap/config-volume");
	assert_false(m.mounts[0].rw);
	assert_string_equal(m.mounts[0].propagation, "rprivate");
	assert_string_equal(m.mounts[0].mode, "");
	assert_string_equal(m.mounts[1].dest, "/etc/hosts");
	assert_true(m.mounts[1].rw);
	assert_string_equal(m.mounts[2].dest, "/dev/termination-log");
	assert_string_equal(m.image_repo, "registry.k8s.io/coredns/coredns");
	assert_string_equal(m.image_tag, "v1.10.1");
	assert_null(m.image_digest);
	assert_int_equal(m.privileged, CTR_PRIV_UNKNOWN);	/* CRI's config.json does not say */
	ctr_meta__free(&m);
}

/* --- processes: the probe, its children, the container's own tree ------------------------------ */

#define HC "/bin/sh\0-c\0test -f /tmp/ok"

struct world {
	struct proctab *pt;
	struct containers *cs;
	struct scry_container *c;
};

static struct scry_proc *proc(struct world *w, uint32_t pid, uint32_t ppid, uint32_t vpid,
			      bool in_ctr, const char *args, size_t len)
{
	struct scry_proc tmpl = { .pid = pid, .ppid = ppid, .vpid = vpid, .cgid = in_ctr ? 77 : 1 };
	struct scry_proc *p;

	snprintf(tmpl.comm, sizeof(tmpl.comm), "p%u", pid);
	p = proctab__add_proc(w->pt, &tmpl, "/x", args, len);
	assert_non_null(p);
	containers__bind(p, in_ctr ? w->c : NULL, tmpl.cgid);
	ctr_cat__judge(w->pt, p);
	return p;
}

static void world_new(struct world *w, bool resolved)
{
	struct containers_opts co = {};
	struct ctr_meta m = {};

	w->pt = proctab__new(NULL);
	w->cs = containers__new(&co, false);
	assert_non_null(w->pt);
	assert_non_null(w->cs);
	m.name = strdup("web");
	m.probe[CTR_PROBE_HEALTHCHECK] = malloc(sizeof(HC));
	memcpy(m.probe[CTR_PROBE_HEALTHCHECK], HC, sizeof(HC));
	m.probe_len[CTR_PROBE_HEALTHCHECK] = sizeof(HC) - 1;
	m.probe[CTR_PROBE_READINESS] = strdup("cat");
	m.probe_len[CTR_PROBE_READINESS] = 3;
	w->c = containers__add(w->cs, 77, "4f797c539e6c745de61a93ca3ff892358ecbcaccd8414d5db545c3"
			       "8428142970", CTR_DOCKER, resolved ? &m : NULL);
	assert_non_null(w->c);
	if (!resolved)
		ctr_meta__free(&m);
}

static void world_free(struct world *w)
{
	proctab__free(w->pt);
	containers__free(w->cs);
}

static void categories(void **state)
{
	struct scry_proc *shim, *init, *own, *hc, *kid, *other, *ready, *host;
	struct world w;

	world_new(&w, true);
	shim = proc(&w, 10, 1, 10, false, "containerd-shim", 15);
	init = proc(&w, 20, 10, 1, true, "sleep\0" "1000", 10);
	/* the container's own tree running the same command line is not the probe */
	own = proc(&w, 21, 20, 5, true, HC, sizeof(HC) - 1);
	/* the runtime's exec: parent outside the container; argv with the NUL kept, too */
	hc = proc(&w, 30, 10, 9, true, HC, sizeof(HC));
	kid = proc(&w, 31, 30, 10, true, "test\0-f\0/tmp/ok", 15);
	other = proc(&w, 40, 10, 11, true, "/bin/sh\0-c\0test -f /tmp/no", 26);
	ready = proc(&w, 50, 10, 12, true, "cat", 3);
	host = proc(&w, 60, 1, 60, false, HC, sizeof(HC) - 1);

	assert_int_equal(shim->ctr_cat, CTR_CAT_NONE);
	assert_int_equal(init->ctr_cat, CTR_CAT_CONTAINER);
	assert_int_equal(own->ctr_cat, CTR_CAT_CONTAINER);
	assert_int_equal(hc->ctr_cat, CTR_CAT_HEALTHCHECK);
	assert_int_equal(kid->ctr_cat, CTR_CAT_HEALTHCHECK);
	assert_int_equal(other->ctr_cat, CTR_CAT_NONE);
	assert_int_equal(ready->ctr_cat, CTR_CAT_READINESS);
	assert_int_equal(host->ctr_cat, CTR_CAT_NONE);

	/* a probe that execs something else stays the probe (sh -c execs its last command) */
	hc->args[0] = 'X';
	ctr_cat__judge(w.pt, hc);
	assert_int_equal(hc->ctr_cat, CTR_CAT_HEALTHCHECK);
	/* a process of the container's tree that execs the probe's command stays in the tree */
	ctr_cat__judge(w.pt, own);
	assert_int_equal(own->ctr_cat, CTR_CAT_CONTAINER);
	world_free(&w);

	/* no metadata yet: nothing is a probe (sysdig: only a successful lookup is matched) */
	world_new(&w, false);
	proc(&w, 10, 1, 10, false, "containerd-shim", 15);
	hc = proc(&w, 30, 10, 9, true, HC, sizeof(HC) - 1);
	assert_int_equal(hc->ctr_cat, CTR_CAT_NONE);
	world_free(&w);
}

/* --- the fields, on an event of a process in the container ------------------------------------ */

static char *value(const char *name, const struct scry_event *ev)
{
	const struct field_desc *f = field_resolve(name);
	char mem[4096];
	struct sbuf b;
	struct field_val v;

	if (!f)
		fail_msg("%s: not a field", name);
	sbuf__init(&b, mem, sizeof(mem));
	if (!field_get(f, ev, &v, &b))
		return NULL;
	if (v.type != FT_STR)
		fail_msg("%s: not a string", name);
	return strndup(v.str, v.len);
}

static void value_equal(const char *name, const struct scry_event *ev, const char *want)
{
	char *got = value(name, ev);

	if (!want != !got || (want && strcmp(got, want)))
		fail_msg("%s: got %s, want %s", name, got ? got : "(none)", want ? want : "(none)");
	free(got);
}

static bool matches(const char *expr, const struct scry_event *ev)
{
	struct filter_error err;
	struct filter *f = filter__new(expr, &err);
	bool m;

	if (!f)
		fail_msg("%s: %s", expr, err.msg);
	m = filter__match(f, ev);
	filter__free(f);
	return m;
}

static void fields(void **state)
{
	struct scry_rec_sys_enter r = {};
	struct scry_event ev = { .rec = (const union scry_rec *)&r, .type = SCRY_REC_SYS_ENTER };
	struct ctr_meta *m;
	struct world w;

	world_new(&w, true);
	m = &w.c->meta;
	m->image_id = strdup("ead0a4a53df8");
	m->image_repo = strdup("localhost:5000/app");
	m->image_tag = strdup("v2");
	m->privileged = CTR_PRIV_YES;
	m->mounts = calloc(2, sizeof(*m->mounts));
	m->mounts[0] = (struct ctr_mount){ strdup("/srv/d"), strdup("/data"), strdup("ro"),
					   strdup("rprivate"), false };
	m->mounts[1] = (struct ctr_mount){ strdup("/var/lib/v"), strdup("/v"), strdup(""),
					   strdup(""), true };
	m->nmounts = 2;
	proc(&w, 10, 1, 10, false, "shim", 4);
	ev.proc = proc(&w, 30, 10, 9, true, HC, sizeof(HC) - 1);
	ev.container = w.c;

	value_equal("k8s.pod.id", &ev, NULL);
	m->labels = calloc(1, sizeof(*m->labels));
	m->labels[0].key = strdup("io.kubernetes.cri.sandbox-uid");
	m->labels[0].val = strdup("0d6f3e1a-2c4b");
	m->nlabels = 1;
	value_equal("k8s.pod.id", &ev, "0d6f3e1a-2c4b");
	value_equal("container.image.id", &ev, "ead0a4a53df8");
	value_equal("container.image.repository", &ev, "localhost:5000/app");
	value_equal("container.image.tag", &ev, "v2");
	value_equal("container.image.digest", &ev, NULL);
	value_equal("container.privileged", &ev, "true");
	value_equal("container.mounts", &ev,
		    "/srv/d:/data:ro:false:rprivate,/var/lib/v:/v::true:");
	value_equal("container.healthcheck", &ev, "/bin/sh -c test -f /tmp/ok");
	value_equal("container.liveness_probe", &ev, "NONE");
	value_equal("container.readiness_probe", &ev, "cat");
	value_equal("proc.is_container_healthcheck", &ev, "true");
	value_equal("proc.is_container_liveness_probe", &ev, "false");
	assert_true(matches("container.privileged=true and proc.is_container_healthcheck=true", &ev));
	assert_true(matches("container.image.repository startswith localhost:5000/", &ev));
	assert_false(matches("container.image.digest exists", &ev));

	/* container.mount[...]: by index from 0, by source glob; .source[] by destination glob */
	value_equal("container.mount[0]", &ev, "/srv/d:/data:ro:false:rprivate");
	value_equal("container.mount[1]", &ev, "/var/lib/v:/v::true:");
	value_equal("container.mount[2]", &ev, NULL);
	value_equal("container.mount[/var/*]", &ev, "/var/lib/v:/v::true:");
	value_equal("container.mount[/nowhere]", &ev, NULL);
	value_equal("container.mount.source[/data]", &ev, "/srv/d");
	value_equal("container.mount.source[/srv/d]", &ev, NULL);	/* by destination */
	value_equal("container.mount.source[1]", &ev, "/var/lib/v");
	value_equal("container.mount.dest[/srv/?]", &ev, "/data");
	value_equal("container.mount.mode[0]", &ev, "ro");
	value_equal("container.mount.mode[/var/lib/v]", &ev, "");
	value_equal("container.mount.rdwr[0]", &ev, "false");
	value_equal("container.mount.rdwr[/var/lib/*]", &ev, "true");
	value_equal("container.mount.propagation[0]", &ev, "rprivate");
	assert_true(matches("container.mount.source[/data]=/srv/d and container.mount.rdwr[0]=false", &ev));
	assert_false(matches("container.mount.dest[5] exists", &ev));

	/* not privileged; then a runtime that does not say */
	m->privileged = CTR_PRIV_NO;
	value_equal("container.privileged", &ev, "false");
	m->privileged = CTR_PRIV_UNKNOWN;
	value_equal("container.privileged", &ev, NULL);

	/* before the runtime answers, and on the host: no value (sysdig's NULL) */
	w.c->resolved = false;
	value_equal("container.healthcheck", &ev, NULL);
	value_equal("container.mounts", &ev, NULL);
	value_equal("container.mount[0]", &ev, NULL);
	w.c->resolved = true;
	ev.container = NULL;
	value_equal("container.image.repository", &ev, NULL);
	value_equal("container.healthcheck", &ev, NULL);
	ev.proc = proc(&w, 60, 1, 60, false, "bash", 4);
	value_equal("proc.is_container_healthcheck", &ev, "false");
	world_free(&w);
}

/*
 * Push-down: the new container.* fields are judged per container (a cgroup can be left out),
 * once its metadata is known; proc.is_container_* depend on the process, so never.
 */
static void pushdown(void **state)
{
	struct ctr_meta m = {};
	struct pushdown pd;
	struct filter_error err;
	struct world w;
	struct filter *f;

	world_new(&w, true);
	w.c->meta.privileged = CTR_PRIV_YES;
	m.name = strdup("plain");
	m.privileged = CTR_PRIV_NO;
	struct scry_container *plain = containers__add(w.cs, 88, "plain", CTR_DOCKER, &m);

	f = filter__new("container.privileged=true and evt.type=procexec", &err);
	assert_non_null(f);
	assert_int_equal(filter__pushdown(f, &pd), 0);
	assert_true(pd.on & SCRY_PD_CGROUP);
	assert_true(filter__may_match_container(f, w.c));
	assert_false(filter__may_match_container(f, plain));
	assert_false(filter__may_match_container(f, NULL));
	pushdown__release(&pd);
	filter__free(f);

	f = filter__new("container.healthcheck!=NONE", &err);
	assert_non_null(f);
	assert_true(filter__may_match_container(f, w.c));
	assert_false(filter__may_match_container(f, plain));
	filter__free(f);

	f = filter__new("container.mounts exists and not container.image.repository exists", &err);
	assert_non_null(f);
	assert_true(filter__may_match_container(f, w.c));	/* resolved: "" mounts, no image */
	assert_false(filter__may_match_container(f, NULL));
	filter__free(f);

	f = filter__new("container.mount.dest[/srv/*]=/data", &err);
	assert_non_null(f);
	assert_int_equal(filter__pushdown(f, &pd), 0);
	assert_true(pd.on & SCRY_PD_CGROUP);
	pushdown__release(&pd);
	filter__free(f);

	f = filter__new("proc.is_container_healthcheck=true", &err);
	assert_non_null(f);
	assert_int_equal(filter__pushdown(f, &pd), 0);
	assert_false(pd.on & SCRY_PD_CGROUP);
	pushdown__release(&pd);
	filter__free(f);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(image_refs),
		cmocka_unit_test(oci_mounts),
		cmocka_unit_test(categories),
		cmocka_unit_test(fields),
		cmocka_unit_test(pushdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
