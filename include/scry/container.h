/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup id -> cgroup path -> container id -> name, image, labels, pod.
 *
 * Leaves: patterns.c (path -> runtime + id, one table for every runtime), docker.c (Docker and
 * Podman Engine API over a unix socket), oci.c (OCI bundle config.json annotations, as written
 * by containerd and CRI-O). The registry (registry.c) ties them together off the hot path.
 */
#ifndef SCRY_CONTAINER_H
#define SCRY_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTR_ID_MAX 128		/* ids are 64 hex chars; LXC names may be longer */
#define CTR_SHORT_ID 12

enum ctr_runtime {
	CTR_HOST = 0,		/* not in a container */
	CTR_DOCKER,
	CTR_CONTAINERD,		/* containerd / Kubernetes CRI (cri-containerd) */
	CTR_CRIO,
	CTR_PODMAN,
	CTR_LXC,
	CTR_RUNTIME__MAX
};

const char *ctr_runtime_name(enum ctr_runtime rt);

/* --- patterns.c ------------------------------------------------------------------------------ */
/*
 * Which container a cgroup path belongs to. For nested runtimes the innermost container wins.
 * Returns true and fills *rt and id (NUL-terminated) for a container; false for the host
 * (including runtimes' helper cgroups such as conmon).
 */
bool cgroup_path_container(const char *path, enum ctr_runtime *rt, char id[CTR_ID_MAX]);

/* --- metadata from the runtimes ------------------------------------------------------------ */
struct ctr_label {
	char *key;
	char *val;
};

struct ctr_meta {
	char *name;		/* without Docker's leading '/' */
	char *image;
	struct ctr_label *labels;
	size_t nlabels;
	char *pod_name;		/* Kubernetes: io.kubernetes.pod.name / cri sandbox-name */
	char *pod_ns;		/* io.kubernetes.pod.namespace / cri sandbox-namespace */
	char *k8s_container;	/* io.kubernetes.container.name / cri container-name */
	uint64_t started_ns;	/* start time, ns since the epoch; 0 if unknown */
};

void ctr_meta__free(struct ctr_meta *m);	/* frees the members, not m; accepts NULL */

/* docker.c: Docker Engine API (and Podman's compatible API) over a unix socket. */
struct docker_client;

/*
 * The socket to use: DOCKER_HOST if it is unix://PATH, else /var/run/docker.sock if it exists,
 * else Podman's /run/podman/podman.sock if it exists, else /var/run/docker.sock.
 */
const char *docker__socket_path(void);
/* NULL with errno on allocation failure; never connects here. */
struct docker_client *docker__new(const char *sock_path, long timeout_ms);
void docker__free(struct docker_client *d);
/*
 * GET /containers/{id}/json -> meta. 0, or: -ENOENT no such container (404), -ECONNREFUSED
 * or -ENOENT... socket absent: -EHOSTDOWN, -ETIMEDOUT slow, -EPROTO unparsable answer.
 */
int docker__inspect(struct docker_client *d, const char *id, struct ctr_meta *out);
/* GET /containers/json: ids of running containers (malloc'd array of malloc'd strings). */
int docker__list(struct docker_client *d, char ***ids, size_t *n);

/* oci.c: the OCI runtime bundle's config.json. */
/* Parse a config.json; 0, -ENOENT, or -EPROTO when it is not valid JSON of the expected shape. */
int oci__read_config(const char *path, struct ctr_meta *out);
/* Find the config.json for a container id in containerd's and CRI-O's state directories
 * under `root` ("/" live, a fixture directory in tests); 0 and the path, or -ENOENT. */
int oci__find_config(const char *root, const char *id, char *path, size_t len);

#endif /* SCRY_CONTAINER_H */
