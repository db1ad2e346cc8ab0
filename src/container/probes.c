// SPDX-License-Identifier: GPL-2.0
/*
 * A container's health check and Kubernetes probes, and which process runs one, as sysdig
 * decides it (libsinsp docker async_source.cpp parse_health_probes, container_info.cpp
 * match_health_probe, container.cpp identify_category):
 *
 * - Docker's Config.Healthcheck.Test is ["CMD", exe, args...] or ["CMD-SHELL", line] (run as
 *   /bin/sh -c line); ["NONE"] or anything else is no health check.
 * - Kubernetes probes come from the pod spec a kubectl-applied pod carries in the label
 *   "annotation.kubectl.kubernetes.io/last-applied-configuration": spec.containers[0]'s
 *   livenessProbe.exec.command, else its readinessProbe (sysdig reads one of the two, the
 *   liveness one first); a container with either has its Docker health check ignored.
 * - Surrounding pairs of quotes are taken off each argument (normalize_arg), since a
 *   HEALTHCHECK line in a Dockerfile often keeps them and the process never sees them.
 * - A process is the probe when its argv (argv[0] and every argument) equals the probe's
 *   exactly; the category then sticks to it and its descendants (see ctr_cat in state).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "scry/container.h"
#include "scry/state.h"
#include "internal.h"

/* A probe's command line is a few words; this bounds what a hostile runtime answer costs. */
#define PROBE_MAX (64u << 10)

#define K8S_APPLIED "annotation.kubectl.kubernetes.io/last-applied-configuration"

/* s without its surrounding pairs of quotes ("'x'" -> x), as a span of s. */
static const char *unquote(const char *s, size_t *len)
{
	*len = strlen(s);
	while (*len >= 2 && (s[0] == '"' || s[0] == '\'') && s[*len - 1] == s[0]) {
		s++;
		*len -= 2;
	}
	return s;
}

/*
 * m->probe[kind] from `pre` words then argv[from, to) (JSON strings); 0, or -EPROTO for a word
 * that is not a string or a command past PROBE_MAX, or -ENOMEM.
 */
static int set_probe(struct ctr_meta *m, enum ctr_probe kind, const char *const *pre, size_t npre,
		     struct json_object *argv, size_t from, size_t to, bool normalize)
{
	size_t n = npre + (to > from ? to - from : 0), len = 0, i, l;
	const char *w;
	char *buf;

	if (m->probe[kind] || !n)
		return 0;
	buf = malloc(PROBE_MAX);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *v = i < npre ? NULL : json_object_array_get_idx(argv, from + i - npre);

		if (i >= npre && !json_object_is_type(v, json_type_string))
			goto bad;
		w = i < npre ? pre[i] : json_object_get_string(v);
		if (normalize && i >= npre)
			w = unquote(w, &l);
		else
			l = strlen(w);
		if (len + l + 1 > PROBE_MAX)
			goto bad;
		memcpy(buf + len, w, l);
		len += l;
		buf[len++] = '\0';
	}
	m->probe[kind] = realloc(buf, len) ?: buf;
	m->probe_len[kind] = len - 1;	/* like scry_proc.args: no NUL after the last word */
	return 0;
bad:
	free(buf);
	return -EPROTO;
}

int ctr_probes_docker(struct json_object *healthcheck, struct ctr_meta *m)
{
	static const char *const shell[] = { "/bin/sh", "-c" };
	struct json_object *test = NULL, *kind;
	const char *k;
	int err = 0;

	if (!healthcheck || ctr_json_member(healthcheck, "Test", json_type_array, &test) || !test)
		return 0;	/* sysdig logs a Test of another shape and goes on without one */
	if (json_object_array_length(test) < 2)
		return 0;	/* ["NONE"]: explicitly none */
	kind = json_object_array_get_idx(test, 0);
	k = json_object_is_type(kind, json_type_string) ? json_object_get_string(kind) : "";
	if (!strcmp(k, "CMD"))
		err = set_probe(m, CTR_PROBE_HEALTHCHECK, NULL, 0, test, 1,
				json_object_array_length(test), true);
	/* sysdig keeps the shell line as it is: Docker runs exactly /bin/sh -c LINE */
	else if (!strcmp(k, "CMD-SHELL"))
		err = set_probe(m, CTR_PROBE_HEALTHCHECK, shell, 2, test, 1, 2, false);
	/* a malformed check is no check; the container is still known by its other fields */
	return err == -EPROTO ? 0 : err;
}

/* probe.exec.command of one probe object -> m->probe[kind]; true if it had one. */
static bool k8s_probe(struct json_object *spec, const char *key, enum ctr_probe kind,
		      struct ctr_meta *m, int *err)
{
	struct json_object *probe, *exec, *cmd;

	if (!json_object_object_get_ex(spec, key, &probe) ||
	    !json_object_is_type(probe, json_type_object) ||
	    !json_object_object_get_ex(probe, "exec", &exec) ||
	    !json_object_is_type(exec, json_type_object) ||
	    !json_object_object_get_ex(exec, "command", &cmd) ||
	    !json_object_is_type(cmd, json_type_array))
		return false;
	*err = set_probe(m, kind, NULL, 0, cmd, 0, json_object_array_length(cmd), true);
	/* a malformed command is no probe, as sysdig's parse says false for it */
	if (*err == -EPROTO)
		*err = 0;
	return m->probe[kind] != NULL;
}

int ctr_probes_k8s(struct ctr_meta *m, bool *found)
{
	const char *cfg = ctr_meta__label(m, K8S_APPLIED);
	struct json_object *root, *spec, *ctrs, *c0;
	int err = 0;

	*found = false;
	if (!cfg || !*cfg)
		return 0;
	root = ctr_json_parse(cfg, strlen(cfg));
	if (!root)
		return 0;
	if (json_object_object_get_ex(root, "spec", &spec) &&
	    json_object_is_type(spec, json_type_object) &&
	    json_object_object_get_ex(spec, "containers", &ctrs) &&
	    json_object_is_type(ctrs, json_type_array) && json_object_array_length(ctrs) &&
	    json_object_is_type((c0 = json_object_array_get_idx(ctrs, 0)), json_type_object)) {
		/* sysdig: the liveness probe, else the readiness one (never both) */
		if (json_object_object_get_ex(c0, "livenessProbe", NULL))
			*found = k8s_probe(c0, "livenessProbe", CTR_PROBE_LIVENESS, m, &err);
		else
			*found = k8s_probe(c0, "readinessProbe", CTR_PROBE_READINESS, m, &err);
	}
	json_object_put(root);
	return err;
}

int ctr_probe_match(const struct ctr_meta *m, const char *args, size_t len)
{
	int k;

	/* scry_proc.args may end with the NUL of its last word */
	if (len && !args[len - 1])
		len--;
	for (k = 0; k < CTR_PROBE__MAX; k++)
		if (m->probe[k] && m->probe_len[k] == len && !memcmp(m->probe[k], args, len))
			return k;
	return -1;
}

/* Ancestors walked at most: a deeper tree is a fork bomb, not a probe. */
#define ANCESTRY_MAX 64

/* Whether a container's init (vpid 1 in a container) is among p's ancestors. */
static bool under_container_init(struct proctab *pt, const struct scry_proc *p)
{
	const struct scry_proc *a = p;
	int i;

	for (i = 0; i < ANCESTRY_MAX && a->ppid && a->ppid != a->pid; i++) {
		a = proctab__proc(pt, a->ppid);
		if (!a)
			return false;
		if (a->vpid == 1 && a->ctr_known && a->container)
			return true;
	}
	return false;
}

void ctr_cat__judge(struct proctab *pt, struct scry_proc *p)
{
	const struct scry_container *c = p->ctr_known ? p->container : NULL;
	const struct scry_proc *parent;
	int k;

	if (!c)
		goto none;
	if (p->vpid == 1) {
		p->ctr_cat = CTR_CAT_CONTAINER;
		return;
	}
	parent = p->ppid && p->ppid != p->pid ? proctab__proc(pt, p->ppid) : NULL;
	if (parent && parent->ctr_cat > CTR_CAT_NONE) {
		p->ctr_cat = parent->ctr_cat;
		return;
	}
	/* sysdig: only a container whose lookup succeeded is matched */
	if (c->resolved && (k = ctr_probe_match(&c->meta, p->args, p->args_len)) >= 0 &&
	    !under_container_init(pt, p)) {
		p->ctr_cat = CTR_CAT_HEALTHCHECK + k;
		return;
	}
none:
	if (p->ctr_cat == CTR_CAT_UNSET)
		p->ctr_cat = CTR_CAT_NONE;
}
