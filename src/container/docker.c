// SPDX-License-Identifier: GPL-2.0
/*
 * Docker Engine API client over a unix socket (libcurl + json-c), also used for Podman's
 * Docker-compatible API. One client belongs to one thread: the registry's background thread.
 * The curl easy handle lives as long as the client, so the connection is kept alive between
 * requests and no per-request setup is repeated.
 *
 * Requests use unversioned paths (/containers/{id}/json, not /v1.41/...). The daemon then
 * answers in its own current API version, and the few fields read here (Id, Name,
 * Config.Image, Config.Labels, State.StartedAt) have not changed shape since API 1.12. A
 * pinned version breaks in either direction: Docker 20.10 rejects anything newer than 1.41,
 * Docker 29 rejects anything older than 1.44. Podman's compat API serves both spellings.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "scry/container.h"
#include "internal.h"
#include "scry/util.h"

#define DOCKER_SOCK "/var/run/docker.sock"
/* The same where only the host's /run is mounted (a DaemonSet's /host/run, no /var) */
#define DOCKER_RUN_SOCK "/run/docker.sock"
#define PODMAN_SOCK "/run/podman/podman.sock"
/* An inspect answer is a few KiB; a list of thousands of containers stays well below this. */
#define DOCKER_MAX_BODY (4u << 20)
/* A buffer grown by one large answer is dropped afterwards rather than kept for the run. */
#define DOCKER_KEEP_BODY (256u << 10)
#define DOCKER_DEFAULT_TIMEOUT_MS 2000
#define DOCKER_REF_MAX 128

struct docker_client {
	CURL *curl;
	char *body;
	size_t len, cap;
	bool too_big;
	char errbuf[CURL_ERROR_SIZE];
};

/*
 * $DOCKER_HOST is a path of this process's; the well-known sockets are the host's (under
 * --host-root). Setup only: the answer lives in static buffers.
 */
const char *docker__socket_path(void)
{
	static char docker[PATH_MAX], run[PATH_MAX], podman[PATH_MAX];
	const char *host = getenv("DOCKER_HOST");

	if (host && !strncmp(host, "unix://", 7) && host[7])
		return host + 7;
	if (hostpath(DOCKER_SOCK, docker, sizeof(docker)))
		strcpy(docker, DOCKER_SOCK);
	if (hostpath(DOCKER_RUN_SOCK, run, sizeof(run)))
		strcpy(run, DOCKER_RUN_SOCK);
	if (hostpath(PODMAN_SOCK, podman, sizeof(podman)))
		strcpy(podman, PODMAN_SOCK);
	if (!access(docker, F_OK))
		return docker;
	if (*hostpath__root() && !access(run, F_OK))
		return run;
	if (!access(podman, F_OK))
		return podman;
	return docker;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

/* curl_global_init is not thread-safe before curl 7.84; other threads may be starting too. */
static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct docker_client *d = ctx;
	size_t n = size * nmemb, cap;
	char *p;

	if (n > DOCKER_MAX_BODY - d->len) {
		d->too_big = true;
		return 0;
	}
	if (d->len + n + 1 > d->cap) {
		cap = d->cap ? d->cap : 16384;
		while (cap < d->len + n + 1)
			cap *= 2;
		p = realloc(d->body, cap);
		if (!p)
			return 0;
		d->body = p;
		d->cap = cap;
	}
	memcpy(d->body + d->len, data, n);
	d->len += n;
	d->body[d->len] = '\0';
	return n;
}

struct docker_client *docker__new(const char *sock_path, long timeout_ms)
{
	struct docker_client *d;

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		errno = EIO;
		return NULL;
	}
	if (timeout_ms <= 0)
		timeout_ms = DOCKER_DEFAULT_TIMEOUT_MS;
	if (!sock_path)
		sock_path = docker__socket_path();

	d = calloc(1, sizeof(*d));
	if (!d)
		goto cleanup;
	d->curl = curl_easy_init();
	if (!d->curl)
		goto cleanup;
	/* Only the options that copy a string can fail, and then only for lack of memory. */
	if (curl_easy_setopt(d->curl, CURLOPT_UNIX_SOCKET_PATH, sock_path) != CURLE_OK ||
	    curl_easy_setopt(d->curl, CURLOPT_USERAGENT, "scry/" SCRY_VERSION) != CURLE_OK)
		goto cleanup;
	/* Signals belong to the main thread; curl still sends with MSG_NOSIGNAL on Linux. */
	curl_easy_setopt(d->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(d->curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(d->curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(d->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)DOCKER_MAX_BODY);
	curl_easy_setopt(d->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(d->curl, CURLOPT_WRITEDATA, d);
	curl_easy_setopt(d->curl, CURLOPT_ERRORBUFFER, d->errbuf);
	return d;
cleanup:
	docker__free(d);
	errno = ENOMEM;
	return NULL;
}

void docker__free(struct docker_client *d)
{
	if (!d)
		return;
	if (d->curl)
		curl_easy_cleanup(d->curl);
	free(d->body);
	free(d);
}

/* A failed transfer -> -errno, as documented in container.h. */
static int transfer_error(struct docker_client *d, CURLcode rc)
{
	long oserr = 0;

	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(d->curl, CURLINFO_OS_ERRNO, &oserr);
		/* Worth telling apart: the daemon runs, but we may not talk to it (docker group). */
		if (oserr == EACCES || oserr == EPERM)
			return -EACCES;
		return -EHOSTDOWN;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	case CURLE_WRITE_ERROR:
		if (!d->too_big)
			return -ENOMEM;
		snprintf(d->errbuf, sizeof(d->errbuf), "answer over %u bytes", DOCKER_MAX_BODY);
		return -EPROTO;
	default:
		/* Truncated bodies, closed connections, answers that are not HTTP, too large. */
		return -EPROTO;
	}
}

/* GET `path`; 0 and the parsed answer of a 200, or -errno as documented in container.h. */
static int docker_get(struct docker_client *d, const char *path, struct json_object **out)
{
	char url[256];
	long status = 0;
	CURLcode rc;
	int err = 0;

	*out = NULL;
	snprintf(url, sizeof(url), "http://localhost%s", path);
	d->len = 0;
	d->too_big = false;
	d->errbuf[0] = '\0';
	if (curl_easy_setopt(d->curl, CURLOPT_URL, url) != CURLE_OK)
		return -ENOMEM;

	rc = curl_easy_perform(d->curl);
	if (rc != CURLE_OK) {
		err = transfer_error(d, rc);
		goto cleanup;
	}
	curl_easy_getinfo(d->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status == 404) {
		err = -ENOENT;
		goto cleanup;
	}
	if (status != 200) {
		snprintf(d->errbuf, sizeof(d->errbuf), "HTTP status %ld", status);
		err = -EPROTO;
		goto cleanup;
	}
	/* An allocation failure in json-c reads as -EPROTO here: rare, and retried later. */
	*out = ctr_json_parse(d->body ? d->body : "", d->len);
	if (!*out) {
		snprintf(d->errbuf, sizeof(d->errbuf), "not JSON, %zu bytes", d->len);
		err = -EPROTO;
	}
cleanup:
	if (err && err != -ENOENT)
		log_debug("docker: GET %s: %s (%s)", path, strerror(-err), d->errbuf);
	if (d->cap > DOCKER_KEEP_BODY) {
		free(d->body);
		d->body = NULL;
		d->cap = 0;
	}
	d->len = 0;
	return err;
}

/* Member `key` as a string: 0 with NULL when absent or null, -EPROTO for another type. */
static int json_str(struct json_object *obj, const char *key, const char **out)
{
	struct json_object *v;
	int err = ctr_json_member(obj, key, json_type_string, &v);

	*out = v ? json_object_get_string(v) : NULL;
	return err;
}

static int dup_str(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static int digits(const char **p, int n)
{
	int v = 0;

	while (n--) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	return v;
}

/*
 * RFC 3339 as Docker and Podman write it ("2026-11-25T14:46:01.123456789Z", or with an offset)
 * -> ns since the epoch. 0 for anything else, including Docker's "0001-01-01T00:00:00Z" for
 * a container that never started: the start time is then unknown, which 0 means.
 */
static uint64_t rfc3339_ns(const char *s)
{
	struct tm tm = { 0 };
	int64_t sec, frac = 0, off = 0;
	int i, sign, oh, om;

	if (!s)
		return 0;
	tm.tm_year = digits(&s, 4) - 1900;
	if (*s++ != '-' || (tm.tm_mon = digits(&s, 2) - 1) < 0 || tm.tm_mon > 11 || *s++ != '-')
		return 0;
	if ((tm.tm_mday = digits(&s, 2)) < 1 || tm.tm_mday > 31 || (*s != 'T' && *s != 't'))
		return 0;
	s++;
	if ((tm.tm_hour = digits(&s, 2)) < 0 || tm.tm_hour > 23 || *s++ != ':')
		return 0;
	if ((tm.tm_min = digits(&s, 2)) < 0 || tm.tm_min > 59 || *s++ != ':')
		return 0;
	if ((tm.tm_sec = digits(&s, 2)) < 0 || tm.tm_sec > 60)
		return 0;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		/* Digits past nanoseconds are dropped, as Go's time package does. */
		for (i = 0; *s >= '0' && *s <= '9'; i++, s++) {
			if (i < 9)
				frac = frac * 10 + (*s - '0');
		}
		for (; i < 9; i++)
			frac *= 10;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		oh = digits(&s, 2);
		if (oh < 0 || oh > 23 || *s++ != ':')
			return 0;
		om = digits(&s, 2);
		if (om < 0 || om > 59)
			return 0;
		off = sign * (oh * 3600 + om * 60);
	} else {
		return 0;
	}
	if (*s || tm.tm_year < 70)
		return 0;
	sec = (int64_t)timegm(&tm) - off;
	if (sec <= 0)
		return 0;
	return (uint64_t)sec * 1000000000ull + (uint64_t)frac;
}

/* One entry of the inspect answer's Mounts; -EPROTO for a shape no engine writes. */
static int mount_from_json(struct json_object *o, struct ctr_mount *mt)
{
	const char *src, *dst, *mode, *prop;
	struct json_object *rw;
	int err;

	if (!json_object_is_type(o, json_type_object) || json_str(o, "Source", &src) ||
	    json_str(o, "Destination", &dst) || json_str(o, "Mode", &mode) ||
	    json_str(o, "Propagation", &prop) || ctr_json_member(o, "RW", json_type_boolean, &rw))
		return -EPROTO;
	/* absent strings read as "", as sysdig's container_mount_info has them */
	err = dup_str(&mt->source, src ?: "");
	err = err ?: dup_str(&mt->dest, dst ?: "");
	err = err ?: dup_str(&mt->mode, mode ?: "");
	err = err ?: dup_str(&mt->propagation, prop ?: "");
	mt->rw = rw && json_object_get_boolean(rw);
	return err;
}

/* Mounts, in the engine's order (sysdig's container.mount[N] numbers them so), bounded. */
static int mounts_from_json(struct json_object *arr, struct ctr_meta *m)
{
	size_t n = json_object_array_length(arr), i;
	int err = 0;

	if (n > CTR_MOUNTS_MAX)
		n = CTR_MOUNTS_MAX;
	if (!n)
		return 0;
	m->mounts = calloc(n, sizeof(*m->mounts));
	if (!m->mounts)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++, m->nmounts++)
		err = mount_from_json(json_object_array_get_idx(arr, i), &m->mounts[i]);
	return err;
}

/*
 * The image parts as sysdig's get_image_info takes them: the id from the top-level Image
 * ("sha256:<hex>"; Podman writes a name there instead, with a '/'), repository, tag and digest
 * from the reference the container was made with, unless that reference is the id itself
 * ("docker run 4f2a..."), whose name only the image can tell (docker__image).
 */
static int image_from_inspect(const char *imgstr, const char *ref, struct ctr_meta *m)
{
	const char *colon;
	int err = 0;

	if (!imgstr)
		imgstr = "";
	if (!strchr(imgstr, '/')) {
		colon = strchr(imgstr, ':');
		/* Docker: "sha256:<hex>"; Podman's compat API: the bare hex */
		if (colon)
			err = dup_str(&m->image_id, colon + 1);
		else if (strlen(imgstr) == 64 && !imgstr[strspn(imgstr, "0123456789abcdef")])
			err = dup_str(&m->image_id, imgstr);
		if (ref && *ref && !err && (!strncmp(imgstr, ref, strlen(ref)) ||
				    (m->image_id && !strncmp(m->image_id, ref, strlen(ref)))))
			return 0;
		return err ?: ctr_meta_set_image_ref(m, ref);
	}
	return ctr_meta_set_image_ref(m, imgstr);
}

static int meta_from_inspect(struct json_object *root, struct ctr_meta *m)
{
	struct json_object *config = NULL, *state = NULL, *labels = NULL, *host = NULL;
	struct json_object *priv = NULL, *mounts = NULL, *health = NULL, *gd = NULL, *gdd = NULL;
	const char *id, *name, *image = NULL, *started = NULL, *imgstr = NULL, *upper = NULL;
	bool k8s_probes = false;
	int err;

	/* An answer without an Id is not an inspect answer, whatever its status said. */
	if (!json_object_is_type(root, json_type_object) || json_str(root, "Id", &id) || !id)
		return -EPROTO;
	if (json_str(root, "Name", &name) || ctr_json_member(root, "Config", json_type_object, &config) ||
	    ctr_json_member(root, "State", json_type_object, &state))
		return -EPROTO;
	if (config && (json_str(config, "Image", &image) || ctr_json_member(config, "Labels", json_type_object, &labels)))
		return -EPROTO;
	if (state && json_str(state, "StartedAt", &started))
		return -EPROTO;
	/*
	 * Issue 15's fields are extras: one of an unexpected shape is left out (as sysdig does),
	 * never the container's name with it.
	 */
	if (json_str(root, "Image", &imgstr))
		imgstr = NULL;
	if (ctr_json_member(root, "HostConfig", json_type_object, &host) ||
	    (host && ctr_json_member(host, "Privileged", json_type_boolean, &priv)))
		priv = NULL;
	if (ctr_json_member(root, "Mounts", json_type_array, &mounts))
		mounts = NULL;
	if (config && ctr_json_member(config, "Healthcheck", json_type_object, &health))
		health = NULL;
	/* diff18: where its root's changes go on the host (overlay2), for container_diff */
	if (ctr_json_member(root, "GraphDriver", json_type_object, &gd) || !gd ||
	    ctr_json_member(gd, "Data", json_type_object, &gdd) || !gdd ||
	    json_str(gdd, "UpperDir", &upper))
		upper = NULL;

	if (name && name[0] == '/')
		name++;
	err = dup_str(&m->name, name);
	err = err ?: dup_str(&m->image, image);
	err = err ?: (labels ? ctr_json_labels(labels, m) : 0);
	/* Kubernetes labels set by dockershim and cri-dockerd, the same keys CRI-O annotates. */
	err = err ?: dup_str(&m->pod_name, ctr_meta__label(m, "io.kubernetes.pod.name"));
	err = err ?: dup_str(&m->pod_ns, ctr_meta__label(m, "io.kubernetes.pod.namespace"));
	err = err ?: dup_str(&m->k8s_container, ctr_meta__label(m, "io.kubernetes.container.name"));
	m->started_ns = rfc3339_ns(started);
	err = err ?: image_from_inspect(imgstr, image, m);
	err = err ?: dup_str(&m->upper_dir, upper);
	if (priv)
		m->privileged = json_object_get_boolean(priv) ? CTR_PRIV_YES : CTR_PRIV_NO;
	if (!err && mounts && (err = mounts_from_json(mounts, m)) == -EPROTO) {
		while (m->nmounts)
			ctr_mount__free(&m->mounts[--m->nmounts]);
		free(m->mounts);
		m->mounts = NULL;
		err = 0;
	}
	/* sysdig: a container with a Kubernetes probe has its Docker health check ignored */
	err = err ?: ctr_probes_k8s(m, &k8s_probes);
	if (!err && !k8s_probes)
		err = ctr_probes_docker(health, m);
	return err;
}

/* Names and ids go into a URL path: nothing that could leave the path or need escaping. */
static bool valid_ref(const char *id)
{
	size_t n = strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

	return n > 0 && !id[n] && n <= DOCKER_REF_MAX && id[0] != '.';
}

int docker__inspect(struct docker_client *d, const char *id, struct ctr_meta *out)
{
	struct json_object *root = NULL;
	char path[DOCKER_REF_MAX + 32];
	int err;

	memset(out, 0, sizeof(*out));
	if (!d || !id || !valid_ref(id))
		return -EINVAL;
	snprintf(path, sizeof(path), "/containers/%s/json", id);
	err = docker_get(d, path, &root);
	if (err)
		goto cleanup;
	err = meta_from_inspect(root, out);
cleanup:
	if (err)
		ctr_meta__free(out);
	json_object_put(root);
	return err;
}

/* The string at `i` of a JSON array, or NULL. */
static const char *str_at(struct json_object *arr, size_t i)
{
	struct json_object *v = json_object_array_get_idx(arr, i);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/*
 * sysdig's parse_image_info: the digest of the first RepoDigests entry ("repo@sha256:...") that
 * contains our repository (else the only digest there is), the tag of the first RepoTags entry
 * ("repo:tag") that contains it; a repository the reference did not give comes from the first
 * entry. A tag the reference gave stays (sysdig takes RepoTags' first, which for an image with
 * several tags need not be the one the container was made with).
 */
static int image_info(struct json_object *img, struct ctr_meta *m)
{
	struct json_object *digests = NULL, *tags = NULL;
	const char *s, *at, *only = NULL, *found = NULL;
	bool several = false;
	size_t i, n;
	int err = 0;

	if (!json_object_is_type(img, json_type_object) ||
	    ctr_json_member(img, "RepoDigests", json_type_array, &digests) ||
	    ctr_json_member(img, "RepoTags", json_type_array, &tags))
		return -EPROTO;
	n = digests ? json_object_array_length(digests) : 0;
	for (i = 0; i < n && !found && !err; i++) {
		if (!(s = str_at(digests, i)))
			continue;
		at = strchr(s, '@');
		if (!m->image_repo) {
			m->image_repo = at ? strndup(s, at - s) : strdup(s);
			if (!m->image_repo)
				return -ENOMEM;
		}
		at = at ? at + 1 : s;
		several |= only && strcmp(only, at);
		only = only ?: at;
		if (strstr(s, m->image_repo))
			found = at;
	}
	if (!found && !several)
		found = only;
	if (found && !m->image_digest)
		err = dup_str(&m->image_digest, found);
	n = tags ? json_object_array_length(tags) : 0;
	for (i = 0; i < n && !err && !m->image_tag; i++) {
		if (!(s = str_at(tags, i)) || !(at = strrchr(s, ':')))
			continue;
		if (!m->image_repo && !(m->image_repo = strndup(s, at - s)))
			return -ENOMEM;
		if (strstr(s, m->image_repo))
			err = dup_str(&m->image_tag, at + 1);
	}
	return err;
}

int docker__image(struct docker_client *d, struct ctr_meta *m)
{
	struct json_object *root = NULL;
	char path[DOCKER_REF_MAX + 48];
	int err = 0;

	/* sysdig asks when the reference lacked a part; an id it cannot use is not asked for */
	if (!d || !m->image_id || (m->image_repo && m->image_tag && m->image_digest))
		goto cleanup;
	if (!valid_ref(m->image_id))
		goto cleanup;
	snprintf(path, sizeof(path), "/images/%s/json", m->image_id);
	err = docker_get(d, path, &root);
	if (!err)
		err = image_info(root, m);
cleanup:
	/* Docker's own default, which sysdig shows for a reference without a tag */
	if (!m->image_tag && m->image_repo && dup_str(&m->image_tag, "latest"))
		err = err ?: -ENOMEM;
	json_object_put(root);
	return err;
}

int docker__list(struct docker_client *d, char ***ids, size_t *n)
{
	struct json_object *root = NULL;
	const char *id;
	char **v = NULL;
	size_t i, len = 0;
	int err;

	*ids = NULL;
	*n = 0;
	if (!d)
		return -EINVAL;
	err = docker_get(d, "/containers/json", &root);
	if (err)
		goto cleanup;
	if (!json_object_is_type(root, json_type_array)) {
		err = -EPROTO;
		goto cleanup;
	}
	len = json_object_array_length(root);
	v = calloc(len ? len : 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < len; i++) {
		struct json_object *c = json_object_array_get_idx(root, i);

		if (!json_object_is_type(c, json_type_object) || json_str(c, "Id", &id) || !id) {
			err = -EPROTO;
			goto cleanup;
		}
		v[i] = strdup(id);
		if (!v[i]) {
			err = -ENOMEM;
			goto cleanup;
		}
	}
	*ids = v;
	*n = len;
	v = NULL;
cleanup:
	for (i = 0; v && i < len; i++)
		free(v[i]);
	free(v);
	json_object_put(root);
	return err;
}
