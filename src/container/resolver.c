// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver thread: asks each container's runtime for its name, image and labels (Docker and
 * Podman over their APIs, containerd and CRI-O through the OCI bundle's config.json), so that the
 * consumer thread never waits on a runtime. A runtime that is absent or answers garbage is said
 * once per kind of failure; the container is then shown by its id.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scry/util.h"

static const char *why(int err)
{
	switch (err) {
	case -EHOSTDOWN: return "no daemon listens there";
	case -EACCES: return "permission denied";
	case -ETIMEDOUT: return "it did not answer in time";
	case -EPROTO: return "its answer was not the expected JSON";
	default: return strerror(-err);
	}
}

/* issue 16 (scry serve): runtime requests that failed, for scry_resolver_failures_total. */
static _Atomic uint64_t resolve_failures;

uint64_t containers__resolve_failures(void)
{
	return resolve_failures;
}

/* One warning per source and kind of failure; a missing container (-ENOENT) is not a failure. */
static void warn_source(const char *what, const char *where, int err)
{
	static char key[8][64];
	static int nkeys;
	char k[64];

	if (err == -ENOENT || err == -EINVAL)
		return;
	resolve_failures++;
	snprintf(k, sizeof(k), "%s:%d", what, err);
	for (int i = 0; i < nkeys; i++)
		if (!strcmp(key[i], k))
			return;
	if (nkeys < 8)
		strcpy(key[nkeys++], k);
	log_warn("cannot ask %s at %s for container names (%s): containers are shown by id",
		 what, where, why(err));
}

static int ask_engine_quietly(struct docker_client **cl, const char *sock, const char *id,
			      struct ctr_meta *m)
{
	int err;

	if (!*cl)
		*cl = docker__new(sock, 0);
	if (!*cl)
		return -ENOMEM;
	err = docker__inspect(*cl, id, m);
	/* The image's tag and digest are extras: the container is known without them. */
	if (!err && docker__image(*cl, m))
		log_debug("docker: no image details for container %.12s", id);
	return err;
}

static int ask_engine(struct docker_client **cl, const char *what, const char *sock,
		      const char *id, struct ctr_meta *m)
{
	int err = ask_engine_quietly(cl, sock, id, m);

	if (err)
		warn_source(what, sock, err);
	return err;
}

/*
 * Podman's own socket first; users who point DOCKER_HOST at Podman's Docker-compatible socket
 * (and set no CONTAINER_HOST) are answered there. Warn only when neither knows the container.
 */
static int ask_podman(struct resolver *r, const char *id, struct ctr_meta *m)
{
	int err = ask_engine_quietly(&r->podman, r->podman_sock, id, m);

	if (err && r->docker_host_set && strcmp(r->docker_sock, r->podman_sock) &&
	    !ask_engine_quietly(&r->docker, r->docker_sock, id, m))
		return 0;
	if (err)
		warn_source("Podman", r->podman_sock, err);
	return err;
}

static int ask_oci(struct resolver *r, const char *id, struct ctr_meta *m)
{
	char path[4096];
	int err = oci__find_config(r->oci_root, id, path, sizeof(path));

	if (!err)
		err = oci__read_config(path, m);
	if (err && err != -ENOENT)
		warn_source("the OCI runtime state", path, err);
	return err;
}

/* The sources worth asking for each runtime, best first: 0, or the last source's error. */
static int resolve_one(struct resolver *r, const struct request *q, struct ctr_meta *m)
{
	int err;

	switch (q->rt) {
	case CTR_DOCKER:
		return ask_engine(&r->docker, "Docker", r->docker_sock, q->id, m);
	case CTR_PODMAN:
		if (!ask_podman(r, q->id, m))
			return 0;
		return ask_oci(r, q->id, m);
	case CTR_CONTAINERD:
	case CTR_CRIO:
		if (!(err = ask_oci(r, q->id, m)))
			return 0;
		/* Kubernetes on Docker (cri-dockerd) writes the cgroupfs layout without a prefix. */
		return ask_engine(&r->docker, "Docker", r->docker_sock, q->id, m);
	case CTR_LXC:
		m->name = strdup(q->id);
		return m->name ? 0 : -ENOMEM;
	default:
		return -ENOENT;
	}
}

static void *resolver_main(void *arg)
{
	struct resolver *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		struct request q;
		struct answer a = {};
		int err;

		while (!r->req_len && !r->stop) {
			r->busy = false;
			pthread_cond_broadcast(&r->idle);
			pthread_cond_wait(&r->wake, &r->lock);
		}
		if (r->stop)
			break;
		r->busy = true;
		q = r->reqs[r->req_head];
		r->req_head = (r->req_head + 1) % QUEUE_LEN;
		r->req_len--;
		pthread_mutex_unlock(&r->lock);

		memcpy(a.id, q.id, sizeof(a.id));
		err = resolve_one(r, &q, &a.meta);
		a.ok = !err;
		/* a runtime that did not answer (in time) may later: not one that knows no such id */
		a.retry = err && err != -ENOENT && err != -EINVAL;

		pthread_mutex_lock(&r->lock);
		/* resolver_ask made room for every answer it asked for: no allocation here. */
		r->answers[r->nanswers++] = a;
	}
	r->busy = false;
	pthread_cond_broadcast(&r->idle);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* $CONTAINER_HOST is a path of this process's; the well-known one is the host's. */
static const char *podman_socket(void)
{
	static char mapped[PATH_MAX];
	const char *h = getenv("CONTAINER_HOST");

	if (h && !strncmp(h, "unix://", 7))
		return h + 7;
	if (hostpath("/run/podman/podman.sock", mapped, sizeof(mapped)))
		return "/run/podman/podman.sock";
	return mapped;
}

struct resolver *resolver_start(const struct containers_opts *o)
{
	struct resolver *r = calloc(1, sizeof(*r));
	sigset_t all, old;
	int err;

	if (!r)
		return NULL;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	pthread_cond_init(&r->idle, NULL);
	r->docker_sock = o->docker_sock ? o->docker_sock : docker__socket_path();
	r->docker_host_set = o->docker_sock || getenv("DOCKER_HOST");
	r->podman_sock = o->podman_sock ? o->podman_sock : podman_socket();
	r->oci_root = o->oci_root ? o->oci_root : *hostpath__root() ? hostpath__root() : "/";
	/* Signals are the consumer's business: the resolver thread never takes one. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&r->thread, NULL, resolver_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		free(r);
		return NULL;
	}
	return r;
}

void resolver_stop(struct resolver *r)
{
	size_t i;

	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	for (i = 0; i < r->nanswers; i++)
		ctr_meta__free(&r->answers[i].meta);
	free(r->answers);
	docker__free(r->docker);
	docker__free(r->podman);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->wake);
	pthread_cond_destroy(&r->idle);
	free(r);
}

bool resolver_ask(struct resolver *r, const struct scry_container *c)
{
	bool queued = false;

	pthread_mutex_lock(&r->lock);
	/*
	 * Room for the answers of everything queued, in flight and this request, so that the
	 * thread never drops an answer (which would leave the container pending for ever).
	 */
	if (r->cap < r->nanswers + r->req_len + 2) {
		size_t cap = 2 * (r->nanswers + r->req_len + 2) + 16;
		struct answer *n = realloc(r->answers, cap * sizeof(*n));

		if (!n) {
			pthread_mutex_unlock(&r->lock);
			return false;
		}
		r->answers = n;
		r->cap = cap;
	}
	if (r->req_len < QUEUE_LEN) {
		struct request *q = &r->reqs[(r->req_head + r->req_len) % QUEUE_LEN];

		memcpy(q->id, c->id, sizeof(q->id));
		q->rt = c->runtime;
		r->req_len++;
		r->busy = true;
		queued = true;
		pthread_cond_signal(&r->wake);
	}
	pthread_mutex_unlock(&r->lock);
	return queued;
}
