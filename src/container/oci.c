// SPDX-License-Identifier: GPL-2.0
/*
 * Names from the OCI runtime bundle's config.json, for runtimes without an API we speak:
 * containerd's CRI plugin and CRI-O write the Kubernetes names into `annotations`, and the
 * bundle sits in a state directory we can read without a socket. Plain Docker writes no
 * names there (its API has them); nerdctl does.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "scry/container.h"
#include "internal.h"
#include "scry/util.h"

/* Real ones are 5-40 KiB; the bound keeps a corrupt or hostile file from costing memory. */
#define OCI_MAX_CONFIG (4u << 20)

/*
 * Annotations -> fields. For each field the first key present wins, so a runtime's own key
 * goes before any fallback. containerd (CRI) and CRI-O never write each other's keys.
 */
static const struct oci_field {
	const char *key;
	size_t off;
} oci_fields[] = {
	/* containerd CRI */
	{ "io.kubernetes.cri.container-name", offsetof(struct ctr_meta, k8s_container) },
	{ "io.kubernetes.cri.sandbox-name", offsetof(struct ctr_meta, pod_name) },
	{ "io.kubernetes.cri.sandbox-namespace", offsetof(struct ctr_meta, pod_ns) },
	{ "io.kubernetes.cri.image-name", offsetof(struct ctr_meta, image) },
	/* CRI-O: the kubelet's label keys (as dockershim had them) plus its own image key */
	{ "io.kubernetes.container.name", offsetof(struct ctr_meta, k8s_container) },
	{ "io.kubernetes.pod.name", offsetof(struct ctr_meta, pod_name) },
	{ "io.kubernetes.pod.namespace", offsetof(struct ctr_meta, pod_ns) },
	{ "io.kubernetes.cri-o.ImageName", offsetof(struct ctr_meta, image) },
	/* Names for containers that are not Kubernetes containers (see below for those). */
	{ "io.kubernetes.cri-o.ContainerName", offsetof(struct ctr_meta, name) },
	{ "nerdctl/name", offsetof(struct ctr_meta, name) },
};

/* Keys that say "this is the pod's sandbox (pause) container" when they hold "sandbox". */
static const char *const sandbox_keys[] = {
	"io.kubernetes.cri.container-type",
	"io.kubernetes.cri-o.ContainerType",
};

/*
 * The pod's sandbox has no Kubernetes container name. It gets "POD": what dockershim
 * labelled it with and what CRI-O still writes as its io.kubernetes.container.name, so a
 * sandbox reads the same whichever runtime runs it, and pod_name tells the pods apart.
 */
#define SANDBOX_NAME "POD"

static int read_file(const char *path, char **buf, size_t *len)
{
	size_t n = 0, cap;
	struct stat st;
	char *p = NULL, *q;
	ssize_t r;
	int fd, err;

	*buf = NULL;
	/* O_NONBLOCK: a FIFO where a file was expected must not hang the caller in open(). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > OCI_MAX_CONFIG) {
		err = -EPROTO;
		goto cleanup;
	}
	/* Room for one byte more than fstat saw, so that EOF is seen without a second buffer. */
	cap = st.st_size + 1;
	for (;;) {
		if (n == cap || !p) {
			/* The file grew since fstat (being rewritten): bounded all the same. */
			if (p && cap > OCI_MAX_CONFIG) {
				err = -EPROTO;
				goto cleanup;
			}
			cap = p ? cap * 2 : cap;
			if (cap > OCI_MAX_CONFIG + 1)
				cap = OCI_MAX_CONFIG + 1;
			q = realloc(p, cap);
			if (!q) {
				err = -ENOMEM;
				goto cleanup;
			}
			p = q;
		}
		r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto cleanup;
		}
		if (!r)
			break;
		n += r;
	}
	*buf = p;
	*len = n;
	p = NULL;
	err = 0;
cleanup:
	free(p);
	close(fd);
	return err;
}

static const char *annotation(struct json_object *ann, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(ann, key, &v))
		return NULL;
	return json_object_get_string(v);
}

static int set_once(char **field, const char *val)
{
	if (*field || !val)
		return 0;
	*field = strdup(val);
	return *field ? 0 : -ENOMEM;
}

static int meta_from_annotations(struct json_object *ann, struct ctr_meta *m)
{
	size_t i;
	const char *type;
	int err;

	/* All annotations are labels; a non-string value means a corrupt file. */
	err = ctr_json_labels(ann, m);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(oci_fields); i++) {
		err = set_once((char **)((char *)m + oci_fields[i].off),
			       annotation(ann, oci_fields[i].key));
		if (err)
			return err;
	}
	for (i = 0; i < ARRAY_SIZE(sandbox_keys); i++) {
		type = annotation(ann, sandbox_keys[i]);
		if (type && !strcmp(type, "sandbox")) {
			err = set_once(&m->k8s_container, SANDBOX_NAME);
			if (err)
				return err;
		}
	}
	/* In Kubernetes the container's name is its name in the pod spec: what kubectl shows. */
	if (m->k8s_container) {
		free(m->name);
		m->name = strdup(m->k8s_container);
		if (!m->name)
			return -ENOMEM;
	}
	return 0;
}

/* The propagation among a mount's options, as the runtime spec spells them. */
static const char *const propagations[] = {
	"private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable",
};

/* A bind mount of config.json's `mounts`: 1 if taken, 0 if not a bind mount, -errno. */
static int oci_mount(struct json_object *o, struct ctr_mount *mt)
{
	struct json_object *src, *dst, *type, *opts = NULL;
	const char *prop = "", *opt;
	bool bind = false, ro = false;
	size_t i, j, n;

	if (!json_object_is_type(o, json_type_object) ||
	    ctr_json_member(o, "source", json_type_string, &src) ||
	    ctr_json_member(o, "destination", json_type_string, &dst) ||
	    ctr_json_member(o, "type", json_type_string, &type) ||
	    ctr_json_member(o, "options", json_type_array, &opts) || !dst)
		return -EPROTO;
	bind = type && !strcmp(json_object_get_string(type), "bind");
	n = opts ? json_object_array_length(opts) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(opts, i);

		if (!json_object_is_type(v, json_type_string))
			return -EPROTO;
		opt = json_object_get_string(v);
		bind |= !strcmp(opt, "bind") || !strcmp(opt, "rbind");
		ro |= !strcmp(opt, "ro");
		for (j = 0; j < ARRAY_SIZE(propagations); j++)
			if (!strcmp(opt, propagations[j]))
				prop = propagations[j];
	}
	/* Only what a user or the orchestrator put in (hosts files, volumes), as CRI lists them:
	 * not the proc, sysfs, tmpfs and devpts every container gets. */
	if (!bind || !src)
		return 0;
	mt->source = strdup(json_object_get_string(src));
	mt->dest = strdup(json_object_get_string(dst));
	mt->mode = strdup("");
	mt->propagation = strdup(prop);
	mt->rw = !ro;
	if (!mt->source || !mt->dest || !mt->mode || !mt->propagation)
		return -ENOMEM;
	return 1;
}

static int oci_mounts(struct json_object *arr, struct ctr_meta *m)
{
	size_t n = json_object_array_length(arr), i;
	int r = 0;

	if (!n)
		return 0;
	m->mounts = calloc(n < CTR_MOUNTS_MAX ? n : CTR_MOUNTS_MAX, sizeof(*m->mounts));
	if (!m->mounts)
		return -ENOMEM;
	for (i = 0; i < n && m->nmounts < CTR_MOUNTS_MAX; i++) {
		r = oci_mount(json_object_array_get_idx(arr, i), &m->mounts[m->nmounts]);
		if (r < 0) {
			ctr_mount__free(&m->mounts[m->nmounts]);
			return r;
		}
		m->nmounts += r;
	}
	return 0;
}

int oci__read_config(const char *path, struct ctr_meta *out)
{
	struct json_object *root = NULL, *ann = NULL, *ver = NULL, *mounts = NULL;
	char *buf = NULL;
	size_t len = 0;
	int err;

	memset(out, 0, sizeof(*out));
	err = read_file(path, &buf, &len);
	if (err)
		goto cleanup;
	root = ctr_json_parse(buf, len);
	/* ociVersion is REQUIRED by the runtime spec: without it this is some other JSON. */
	if (!root || !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "ociVersion", &ver) ||
	    !json_object_is_type(ver, json_type_string)) {
		err = -EPROTO;
		goto cleanup;
	}
	err = ctr_json_member(root, "annotations", json_type_object, &ann);
	if (!err && ann)
		err = meta_from_annotations(ann, out);
	err = err ?: ctr_json_member(root, "mounts", json_type_array, &mounts);
	err = err ?: (mounts ? oci_mounts(mounts, out) : 0);
	err = err ?: ctr_meta_set_image_ref(out, out->image);
	err = err ?: ctr_probes_k8s(out, &(bool){ false });
cleanup:
	if (err)
		ctr_meta__free(out);
	json_object_put(root);
	free(buf);
	return err;
}

/*
 * Directories holding <namespace>/<id>/config.json: containerd's v2 shims, v1's on 1.x, and the
 * containerd that k3s and MicroK8s embed with state directories of their own.
 */
static const char *const containerd_dirs[] = {
	"/run/containerd/io.containerd.runtime.v2.task",
	"/run/containerd/io.containerd.runtime.v1.linux",
	"/run/k3s/containerd/io.containerd.runtime.v2.task",
	"/var/snap/microk8s/common/run/containerd/io.containerd.runtime.v2.task",
};

/* containers/storage (CRI-O, Podman): <id>/userdata/config.json, in runroot, then graphroot. */
static const char *const storage_dirs[] = {
	"/run/containers/storage/overlay-containers",
	"/var/lib/containers/storage/overlay-containers",
};

/* The id becomes a path component: it must not climb out of the state directory. */
static bool valid_id(const char *id)
{
	size_t n = strlen(id);

	return n && n < CTR_ID_MAX && !strchr(id, '/') && !strstr(id, "..") && strcmp(id, ".");
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static int found(const char *cand, char *path, size_t len)
{
	if (strlen(cand) >= len)
		return -ENAMETOOLONG;
	strcpy(path, cand);
	return 0;
}

int oci__find_config(const char *root, const char *id, char *path, size_t len)
{
	char dir[PATH_MAX], cand[PATH_MAX];
	struct dirent *de;
	int n, err = -ENOENT;
	DIR *d;
	size_t i;

	if (!root || !id || !valid_id(id) || !path || !len)
		return -EINVAL;
	/* The state directories as the host names them, their links resolved inside `root`. */
	for (i = 0; i < ARRAY_SIZE(containerd_dirs) && err == -ENOENT; i++) {
		n = hostpath_in(root, containerd_dirs[i], dir, sizeof(dir));
		if (n)
			return n;
		/* The namespace is not in the cgroup path: k8s.io for CRI, moby for Docker, ... */
		d = opendir(dir);
		if (!d)
			continue;
		while (err == -ENOENT && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			n = snprintf(cand, sizeof(cand), "%s/%s/%s/config.json", dir, de->d_name,
				     id);
			if (n > 0 && n < (int)sizeof(cand) && is_file(cand))
				err = found(cand, path, len);
		}
		closedir(d);
	}
	for (i = 0; i < ARRAY_SIZE(storage_dirs) && err == -ENOENT; i++) {
		n = hostpath_in(root, storage_dirs[i], dir, sizeof(dir));
		if (n)
			return n;
		n = snprintf(cand, sizeof(cand), "%s/%s/userdata/config.json", dir, id);
		if (n < 0 || n >= (int)sizeof(cand))
			return -ENAMETOOLONG;
		if (is_file(cand))
			err = found(cand, path, len);
	}
	return err;
}
