/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers private to src/container/: the JSON both runtime readers parse, the resolver thread. */
#ifndef SCRY_CONTAINER_INTERNAL_H
#define SCRY_CONTAINER_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "scry/container.h"

/* cgroup.c: the cgroup2 mount (ctrl NULL) or a v1 controller's; 0 and its path, or -ENOENT. */
int cgroup_find_mount(const char *mountinfo, const char *ctrl, char *out, size_t len);

/* The whole buffer as one JSON value (trailing whitespace allowed); NULL if it is anything else. */
struct json_object *ctr_json_parse(const char *buf, size_t len);
int ctr_json_labels(struct json_object *labels, struct ctr_meta *m);
/* Member `key` of type `type` (enum json_type): NULL if absent or null, -EPROTO if mistyped. */
int ctr_json_member(struct json_object *obj, const char *key, int type, struct json_object **out);

/* probes.c: Config.Healthcheck -> m->probe[CTR_PROBE_HEALTHCHECK]; 0 or -errno. */
int ctr_probes_docker(struct json_object *healthcheck, struct ctr_meta *m);
/* The Kubernetes probes of the pod spec in m's labels; *found if it gave one. 0 or -errno. */
int ctr_probes_k8s(struct ctr_meta *m, bool *found);

/*
 * resolver.c: the thread that asks the runtimes for names. The registry queues requests (never
 * waiting) and takes the answers under the lock when it polls.
 */
#define QUEUE_LEN 256

struct request {
	char id[CTR_ID_MAX];
	enum ctr_runtime rt;
};

struct answer {
	char id[CTR_ID_MAX];
	struct ctr_meta meta;
	bool ok;
	bool retry;	/* not ok, but the runtime may answer if asked again */
};

struct resolver {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* new request, or stop */
	pthread_cond_t idle;		/* the queue ran dry */
	struct request reqs[QUEUE_LEN];
	unsigned int req_head, req_len;
	struct answer *answers;		/* growable, taken by the consumer */
	size_t nanswers, cap;
	bool busy, stop;
	/* only the resolver thread touches these */
	struct docker_client *docker, *podman;
	const char *docker_sock, *podman_sock, *oci_root;
	bool docker_host_set;		/* DOCKER_HOST names an engine (maybe Podman's socket) */
};

/* NULL with a warning when the thread cannot start. */
struct resolver *resolver_start(const struct containers_opts *o);
void resolver_stop(struct resolver *r);
/* Queue a request for `c`, with room reserved for its answer; false if the queue is full. */
bool resolver_ask(struct resolver *r, const struct scry_container *c);

#endif /* SCRY_CONTAINER_INTERNAL_H */
