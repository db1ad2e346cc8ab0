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
/* The value of label `key`, or NULL. */
const char *ctr_meta__label(const struct ctr_meta *m, const char *key);

/* docker.c: Docker Engine API (and Podman's compatible API) over a unix socket. */
struct docker_client;

/*
 * The socket to use: DOCKER_HOST if it is unix://PATH, else /var/run/docker.sock if it exists,
 * else Podman's /run/podman/podman.sock if it exists, else /var/run/docker.sock.
 */
const char *docker__socket_path(void);
/*
 * NULL with errno on allocation failure; never connects here. sock_path NULL means
 * docker__socket_path(); timeout_ms <= 0 means 2000 ms.
 */
struct docker_client *docker__new(const char *sock_path, long timeout_ms);
void docker__free(struct docker_client *d);
/*
 * GET /containers/{id}/json -> meta. 0, or: -ENOENT no such container (404), -EHOSTDOWN socket
 * missing or refusing, -EACCES socket not ours to use, -ETIMEDOUT slow, -EPROTO an answer that
 * is not the expected JSON, -EINVAL an id with characters no runtime uses. `out` is overwritten
 * (not freed first) and left empty on error.
 */
int docker__inspect(struct docker_client *d, const char *id, struct ctr_meta *out);
/* GET /containers/json: ids of running containers (malloc'd array of malloc'd strings). */
int docker__list(struct docker_client *d, char ***ids, size_t *n);

/* oci.c: the OCI runtime bundle's config.json. */
/*
 * Parse a config.json; 0, -ENOENT, -EPROTO when it is not valid JSON of the expected shape, or
 * another -errno. `out` is overwritten (not freed first) and left empty on error.
 */
int oci__read_config(const char *path, struct ctr_meta *out);
/* Find the config.json for a container id in containerd's and CRI-O's state directories
 * under `root` ("/" live, a fixture directory in tests); 0 and the path, or -ENOENT. */
int oci__find_config(const char *root, const char *id, char *path, size_t len);

/* --- cgroup.c: cgroup id -> path ----------------------------------------------------------- */
struct cgroup_fs;

/*
 * The hierarchy whose directory inodes are the cgroup ids in the events: the cgroup2 mount
 * (/sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones), or with
 * `v1_controller` set (or no cgroup2 mount at all) the v1 hierarchy of that controller
 * ("memory" when it must pick). `mountinfo` is /proc/self/mountinfo, or a fixture in tests.
 */
struct cgroup_fs *cgroup_fs__open(const char *mountinfo, const char *v1_controller);
void cgroup_fs__free(struct cgroup_fs *cg);
bool cgroup_fs__is_v1(const struct cgroup_fs *cg);
const char *cgroup_fs__mount(const struct cgroup_fs *cg);
/* v1: the controller's name ("memory"); v2: NULL. */
const char *cgroup_fs__controller(const struct cgroup_fs *cg);
/* Path of cgroup `id` relative to the mount ("/docker/<id>"); 0, -ENOENT if gone, -errno. */
int cgroup_fs__path(struct cgroup_fs *cg, uint64_t id, char *path, size_t len);
/* Id of the cgroup at `path` (relative to the mount); 0 if it is not there. */
uint64_t cgroup_fs__id(struct cgroup_fs *cg, const char *path);
/* This hierarchy's path in a /proc/PID/cgroup file's text; 0 and the path, or -ENOENT. */
int cgroup_fs__proc_path(const struct cgroup_fs *cg, const char *proc_cgroup, char *path,
			 size_t len);

/* --- registry.c: the containers scry has seen ---------------------------------------------- */
struct scry_container {
	char id[CTR_ID_MAX];		/* full id (LXC: the name) */
	char short_id[CTR_SHORT_ID + 1];	/* container.id */
	enum ctr_runtime runtime;
	struct ctr_meta meta;		/* empty until resolved (meta.name NULL) */
	bool resolved;			/* metadata came from the runtime */
	bool pending;			/* the resolver has not answered yet */
	bool unasked;			/* its queue was full: asked again at the next poll */
	uint64_t asked_mono;		/* monotonic ns when the resolver was asked */
	uint64_t first_ts;		/* boot ns of the first event seen */
	uint64_t last_ts;		/* boot ns of the latest event seen */
	uint32_t procs;			/* processes pointing here (live and dead) */
	uint32_t pins;			/* view rows pointing here */
	/* private to the registry */
	uint32_t ncgroups;		/* cgroups mapped here */
	struct scry_container *id_next;	/* the next container whose id has the same hash */
};

/* container.name: the runtime's name, or the short id until it is known. */
static inline const char *ctr_name(const struct scry_container *c)
{
	return c->meta.name ? c->meta.name : c->short_id;
}

struct containers_opts {
	const char *mountinfo;		/* NULL: /proc/self/mountinfo */
	const char *v1_controller;	/* force a v1 hierarchy (see cgroup_fs__open) */
	bool resolve;			/* ask the runtimes for names (live), in a thread */
	const char *docker_sock;	/* NULL: docker__socket_path() */
	const char *podman_sock;	/* NULL: $CONTAINER_HOST or /run/podman/podman.sock */
	const char *oci_root;		/* NULL: "/" */
	long timeout_ms;		/* per runtime request; 0: 1000 */
};

struct containers;
/* Live: finds the cgroup mount and starts the resolver. Replay: cgroups are not consulted. */
struct containers *containers__new(const struct containers_opts *o, bool live);
void containers__free(struct containers *c);
const struct cgroup_fs *containers__cgroup_fs(const struct containers *c);

/*
 * The container of cgroup `cgid` (NULL: the host), learning new cgroups as they appear: the
 * path is read from the cgroup filesystem once per id, and the runtime is asked for the name in
 * the background. Never blocks on a runtime.
 */
struct scry_container *containers__of_cgroup(struct containers *c, uint64_t cgid, uint64_t ts);
/* A cgroup was just made (a cgroup_mkdir record): its path, should its id be met after it died. */
void containers__cgroup_made(struct containers *c, uint64_t cgid, const char *path, size_t len);
/* It was removed (a cgroup_rmdir record): a path no event has asked for is forgotten soon. */
void containers__cgroup_removed(struct containers *c, uint64_t cgid);
/* Apply the resolver's answers (call often from the consumer's thread); returns how many. */
int containers__poll(struct containers *c);
/* Wait until no request is pending, or `timeout_ms`; then poll. For short runs that list. */
void containers__settle(struct containers *c, long timeout_ms);
/* Drop containers no process points to and not seen for `idle_ns` (event time). */
void containers__reap(struct containers *c, uint64_t now_ts, uint64_t idle_ns);

/* Replay: a container known from a capture, mapped to `cgid`. Takes over `meta`. */
struct scry_container *containers__add(struct containers *c, uint64_t cgid, const char *id,
				       enum ctr_runtime rt, struct ctr_meta *meta);
/* Point process `p` at `ctr` (NULL: host) for cgroup `cgid`, keeping the reference counts. */
struct scry_proc;
void containers__bind(struct scry_proc *p, struct scry_container *ctr, uint64_t cgid);
/* For a process entry about to be freed. */
void containers__unbind(struct scry_proc *p);
/*
 * Live: attribute every process in the table from its /proc/PID/cgroup (processes that started
 * before scry, before they produce an event). `procfs` is "/proc" or a fixture.
 */
struct proctab;
void containers__attach_procs(struct containers *c, struct proctab *pt, const char *procfs);

/* Iterate: *pos = 0 to start; NULL at the end. */
struct scry_container *containers__next(struct containers *c, size_t *pos);
size_t containers__count(const struct containers *c);

/*
 * A keyed hash (SipHash-2-4, key drawn at random once per process) of `len` bytes: container ids
 * and other strings a capture or a runtime supplies index hash maps by it, so that no input can
 * choose ids that all land in one slot. Equal hashes still need a comparison of the strings.
 */
uint64_t ctr_hash(const void *data, size_t len);

#endif /* SCRY_CONTAINER_H */
