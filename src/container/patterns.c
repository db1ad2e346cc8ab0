// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup path -> runtime + container id, from one table of the layouts that runtimes write.
 *
 * A path is read component by component from its end, so that the innermost container wins
 * (docker-in-docker, a Docker daemon inside a Kubernetes pod) and trailing sub-cgroups that
 * systemd or the payload create (init.scope, /container, system.slice/...) are skipped. The
 * same code serves cgroup v2 paths, v1 hierarchy paths and whole /proc/PID/cgroup lines
 * ("4:memory:/docker/<id>"): only the components matter.
 *
 * Runtimes' helper cgroups need no rule of their own: "crio-conmon-<id>.scope" and
 * "libpod-conmon-<id>.scope" leave "conmon-<id>" where a 64-hex id must be, so they fail the
 * id check and stay with the host, as conmon is not part of the container.
 */
#include <stdbool.h>
#include <string.h>

#include "scry/container.h"
#include "scry/util.h"

static const char *const runtime_names[] = {
	[CTR_HOST] = "host",
	[CTR_DOCKER] = "docker",
	[CTR_CONTAINERD] = "containerd",
	/* sysdig's container.type spelling, so that existing filters and habits carry over */
	[CTR_CRIO] = "cri-o",
	[CTR_PODMAN] = "podman",
	[CTR_LXC] = "lxc",
};
_Static_assert(ARRAY_SIZE(runtime_names) == CTR_RUNTIME__MAX, "a runtime without a name");

const char *ctr_runtime_name(enum ctr_runtime rt)
{
	if ((unsigned int)rt >= ARRAY_SIZE(runtime_names))
		return "unknown";
	return runtime_names[rt];
}

enum id_kind {
	ID_HEX64,	/* Docker, containerd, CRI-O and Podman ids: 64 lowercase hex digits */
	ID_NAME,	/* LXC: the container's name */
};

enum {
	/*
	 * The prefix may follow other text in the component: runc's "slice:prefix:id" systemd
	 * cgroupsPath, which ends up as a literal directory name when kubelet uses the systemd
	 * driver and containerd or CRI-O does not (/system.slice/containerd.service/
	 * kubepods-besteffort-pod<uid>.slice:cri-containerd:<id>).
	 */
	PAT_INFIX = 1 << 0,
	/* The parent is "pod<uid>": Kubernetes' cgroupfs driver. */
	PAT_POD = 1 << 1,
};

struct cg_pattern {
	enum ctr_runtime rt;
	const char *parent;	/* the previous component must be exactly this */
	const char *under;	/* some earlier component must be exactly this */
	const char *prefix;	/* the component is prefix + id + suffix (NULL: "") */
	const char *suffix;
	unsigned int flags;
	enum id_kind id;
};

/* First match wins within a component; order only matters where prefixes overlap. */
static const struct cg_pattern patterns[] = {
	/* Docker, cgroupfs driver: /docker/<id>, repeated inside itself for docker-in-docker. */
	{ .rt = CTR_DOCKER, .parent = "docker", .id = ID_HEX64 },
	/* Docker, systemd driver: /system.slice/docker-<id>.scope, also inside kubepods slices
	 * (dockershim, cri-dockerd) and under user@.service for rootless Docker. */
	{ .rt = CTR_DOCKER, .prefix = "docker-", .suffix = ".scope", .id = ID_HEX64 },
	/* Docker under the ECS agent's cgroup parent: /ecs/[<cluster>/]<task>/<id>. */
	{ .rt = CTR_DOCKER, .under = "ecs", .id = ID_HEX64 },
	/* containerd CRI with the systemd driver: kubepods-*.slice/.../cri-containerd-<id>.scope */
	{ .rt = CTR_CONTAINERD, .prefix = "cri-containerd-", .suffix = ".scope", .id = ID_HEX64 },
	{ .rt = CTR_CONTAINERD, .prefix = ":cri-containerd:", .flags = PAT_INFIX, .id = ID_HEX64 },
	/* containerd without CRI (nerdctl): /system.slice/nerdctl-<id>.scope with systemd, and
	 * /<namespace>/<id> with cgroupfs, where only the "default" namespace is predictable. */
	{ .rt = CTR_CONTAINERD, .prefix = "nerdctl-", .suffix = ".scope", .id = ID_HEX64 },
	{ .rt = CTR_CONTAINERD, .parent = "default", .id = ID_HEX64 },
	/*
	 * Kubernetes with the cgroupfs driver: /kubepods[/burstable|/besteffort]/pod<uid>/<id>.
	 * The directory carries no runtime name. dockershim and cri-dockerd write this too, but
	 * containerd is what nearly every cluster runs since Kubernetes 1.24 dropped dockershim,
	 * and its CRI annotations in config.json are where the name is found: containerd it is.
	 */
	{ .rt = CTR_CONTAINERD, .under = "kubepods", .flags = PAT_POD, .id = ID_HEX64 },
	/* CRI-O: crio-<id>.scope (systemd), crio-<id> under the pod (cgroupfs), and runc's
	 * literal "slice:crio:<id>" form. */
	{ .rt = CTR_CRIO, .prefix = "crio-", .suffix = ".scope", .id = ID_HEX64 },
	{ .rt = CTR_CRIO, .under = "kubepods", .prefix = "crio-", .flags = PAT_POD, .id = ID_HEX64 },
	{ .rt = CTR_CRIO, .prefix = ":crio:", .flags = PAT_INFIX, .id = ID_HEX64 },
	/*
	 * Podman: /machine.slice/libpod-<id>.scope[/container] (systemd; the payload sits in the
	 * "container" sub-cgroup on cgroup v2), and cgroupfs /libpod_parent/[<pod id>/]libpod-<id>.
	 * The pod level makes the parent unpredictable, and "libpod-<64 hex>" says enough.
	 */
	{ .rt = CTR_PODMAN, .prefix = "libpod-", .suffix = ".scope", .id = ID_HEX64 },
	{ .rt = CTR_PODMAN, .prefix = "libpod-", .id = ID_HEX64 },
	/* LXC before 4.0 and LXD on cgroup v1: /lxc/<name>; LXC 4+: /lxc.payload.<name>. LXC's
	 * own /lxc.monitor.<name> and /lxc.pivot stay with the host. */
	{ .rt = CTR_LXC, .parent = "lxc", .id = ID_NAME },
	{ .rt = CTR_LXC, .parent = "lxc.payload", .id = ID_NAME },
	{ .rt = CTR_LXC, .prefix = "lxc.payload.", .id = ID_NAME },
};

struct span {
	const char *p;
	size_t n;
};

static bool span_eq(struct span s, const char *str)
{
	return s.n == strlen(str) && !memcmp(s.p, str, s.n);
}

static bool span_starts(struct span s, const char *str)
{
	size_t n = strlen(str);

	return s.n >= n && !memcmp(s.p, str, n);
}

static bool span_ends(struct span s, const char *str)
{
	size_t n = strlen(str);

	return s.n >= n && !memcmp(s.p + s.n - n, str, n);
}

/* The component that ends just before `end` (slashes skipped); n == 0 when there is none. */
static struct span prev_component(const char *path, const char *end)
{
	const char *start;

	while (end > path && end[-1] == '/')
		end--;
	start = end;
	while (start > path && start[-1] != '/')
		start--;
	return (struct span){ start, end - start };
}

static bool valid_id(struct span id, enum id_kind kind)
{
	size_t i;

	if (kind == ID_HEX64) {
		if (id.n != 64)
			return false;
		for (i = 0; i < id.n; i++) {
			char c = id.p[i];

			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
				return false;
		}
		return true;
	}
	/* A name that does not fit is refused rather than cut: two long names could collide. */
	if (id.n == 0 || id.n >= CTR_ID_MAX || span_eq(id, ".") || span_eq(id, ".."))
		return false;
	for (i = 0; i < id.n; i++) {
		unsigned char c = id.p[i];

		if (c <= ' ' || c == 0x7f)
			return false;
	}
	return true;
}

/* pod<uid>: a UUID with '-' (cgroupfs) or '_' (systemd escaping), or a static pod's hash. */
static bool is_pod_dir(struct span s)
{
	size_t i;

	if (!span_starts(s, "pod") || s.n == 3)
		return false;
	for (i = 3; i < s.n; i++) {
		char c = s.p[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

static bool has_ancestor(const char *path, const char *end, const char *name)
{
	struct span s;

	for (s = prev_component(path, end); s.n; s = prev_component(path, s.p)) {
		if (span_eq(s, name))
			return true;
	}
	return false;
}

static bool pattern_match(const struct cg_pattern *pat, const char *path, struct span comp,
			  struct span *id)
{
	const char *prefix = pat->prefix ?: "", *suffix = pat->suffix ?: "", *p;
	struct span parent;

	if (pat->flags & PAT_INFIX) {
		p = memmem(comp.p, comp.n, prefix, strlen(prefix));
		if (!p)
			return false;
		id->p = p + strlen(prefix);
	} else {
		if (!span_starts(comp, prefix))
			return false;
		id->p = comp.p + strlen(prefix);
	}
	if (!span_ends((struct span){ id->p, comp.p + comp.n - id->p }, suffix))
		return false;
	id->n = comp.p + comp.n - id->p - strlen(suffix);
	if (!valid_id(*id, pat->id))
		return false;

	parent = prev_component(path, comp.p);
	if (pat->parent && !span_eq(parent, pat->parent))
		return false;
	if ((pat->flags & PAT_POD) && !is_pod_dir(parent))
		return false;
	return !pat->under || has_ancestor(path, comp.p, pat->under);
}

bool cgroup_path_container(const char *path, enum ctr_runtime *rt, char id[CTR_ID_MAX])
{
	struct span comp, match;
	size_t i;

	if (!path)
		return false;
	for (comp = prev_component(path, path + strlen(path)); comp.n;
	     comp = prev_component(path, comp.p)) {
		for (i = 0; i < ARRAY_SIZE(patterns); i++) {
			if (!pattern_match(&patterns[i], path, comp, &match))
				continue;
			memcpy(id, match.p, match.n);
			id[match.n] = '\0';
			*rt = patterns[i].rt;
			return true;
		}
	}
	return false;
}
