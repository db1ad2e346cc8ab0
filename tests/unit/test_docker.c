// SPDX-License-Identifier: GPL-2.0
/*
 * The Docker Engine API client against a fake daemon: a thread listening on a temporary unix
 * socket that reads each request and answers with canned HTTP/1.1 bytes.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "scry/container.h"
#include "testlib.h"

#define MAX_CONN 4
#define IO_WAIT_MS 5000		/* the fake gives up on a silent client after this */

struct fake {
	char dir[64];
	char sock[96];
	int lfd;
	pthread_t thr;
	bool started;
	int nconn;
	char *resp[MAX_CONN];		/* NULL: read the request and never answer */
	size_t flood[MAX_CONN];		/* bytes of filler sent after resp */
	char req[MAX_CONN][256];	/* request lines received */
};

#define CTR_ID "4f797c539e6c745de61a93ca3ff892358ecbcaccd8414d5db545c38428142970"
#define SANDBOX_ID "9a0c1e5b7d3f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c"
#define POD "coredns-5d78c9869d-7xk2p"
#define POD_UID "0d6f3e1a-2c4b-4e0a-9a57-3f1c2b7d8e90"
#define IMAGE "registry.k8s.io/coredns/coredns" \
	"@sha256:a0ead06651cf580044aeb0a0feba63591858fb2e43ade8c9dea45a6a89ae7e5e"
#define LOGPATH "/var/log/pods/kube-system_" POD "_" POD_UID "/coredns/0.log"

static const char inspect_id[] = CTR_ID;

/* `docker inspect` of a cri-dockerd container, trimmed; the fields read are Docker 24's. */
static const char inspect_body[] =
	"{\n"
	"  \"Id\": \"" CTR_ID "\",\n"
	"  \"Created\": \"2026-11-25T14:46:00.512306421Z\",\n"
	"  \"Path\": \"/coredns\",\n"
	"  \"Args\": [\"-conf\", \"/etc/coredns/Corefile\"],\n"
	"  \"State\": {\n"
	"    \"Status\": \"running\", \"Running\": true, \"Paused\": false,\n"
	"    \"Restarting\": false, \"OOMKilled\": false, \"Dead\": false, \"Pid\": 41872,\n"
	"    \"ExitCode\": 0, \"Error\": \"\",\n"
	"    \"StartedAt\": \"2026-11-25T14:46:01.123456789Z\",\n"
	"    \"FinishedAt\": \"0001-01-01T00:00:00Z\"\n"
	"  },\n"
	"  \"Image\": \"sha256:"
	"ead0a4a53df89fd173874b46093b6e62d8c72967bbf606d672c9e8c9b601a4fc\",\n"
	"  \"Name\": \"/k8s_coredns_" POD "_kube-system_" POD_UID "_0\",\n"
	"  \"RestartCount\": 0,\n"
	"  \"Driver\": \"overlay2\",\n"
	"  \"HostConfig\": {\n"
	"    \"NetworkMode\": \"container:" SANDBOX_ID "\",\n"
	"    \"CgroupParent\": \"/kubepods/burstable/pod" POD_UID "\"\n"
	"  },\n"
	"  \"Config\": {\n"
	"    \"Hostname\": \"" POD "\",\n"
	"    \"User\": \"0\",\n"
	"    \"Env\": [\"KUBERNETES_SERVICE_HOST=10.96.0.1\",\n"
	"            \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],\n"
	"    \"Cmd\": null,\n"
	"    \"Image\": \"" IMAGE "\",\n"
	"    \"Volumes\": null,\n"
	"    \"WorkingDir\": \"\",\n"
	"    \"Entrypoint\": [\"/coredns\", \"-conf\", \"/etc/coredns/Corefile\"],\n"
	"    \"OnBuild\": null,\n"
	"    \"Labels\": {\n"
	"      \"annotation.io.kubernetes.container.hash\": \"7b2dd6b8\",\n"
	"      \"annotation.io.kubernetes.container.ports\": \"[{\\\"name\\\":\\\"dns\\\","
	"\\\"containerPort\\\":53,\\\"protocol\\\":\\\"UDP\\\"}]\",\n"
	"      \"annotation.io.kubernetes.container.restartCount\": \"0\",\n"
	"      \"io.kubernetes.container.logpath\": \"" LOGPATH "\",\n"
	"      \"io.kubernetes.container.name\": \"coredns\",\n"
	"      \"io.kubernetes.docker.type\": \"container\",\n"
	"      \"io.kubernetes.pod.name\": \"" POD "\",\n"
	"      \"io.kubernetes.pod.namespace\": \"kube-system\",\n"
	"      \"io.kubernetes.pod.uid\": \"" POD_UID "\",\n"
	"      \"io.kubernetes.sandbox.id\": \"" SANDBOX_ID "\",\n"
	"      \"maintainer\": \"J\\u00f6rg <jorg@example.com>\"\n"
	"    }\n"
	"  },\n"
	"  \"NetworkSettings\": { \"Networks\": {} }\n"
	"}\n";

static const struct ctr_label inspect_labels[] = {
	{ "annotation.io.kubernetes.container.hash", "7b2dd6b8" },
	{ "annotation.io.kubernetes.container.ports",
	  "[{\"name\":\"dns\",\"containerPort\":53,\"protocol\":\"UDP\"}]" },
	{ "annotation.io.kubernetes.container.restartCount", "0" },
	{ "io.kubernetes.container.logpath", LOGPATH },
	{ "io.kubernetes.container.name", "coredns" },
	{ "io.kubernetes.docker.type", "container" },
	{ "io.kubernetes.pod.name", POD },
	{ "io.kubernetes.pod.namespace", "kube-system" },
	{ "io.kubernetes.pod.uid", POD_UID },
	{ "io.kubernetes.sandbox.id", SANDBOX_ID },
	{ "maintainer", "J\xc3\xb6rg <jorg@example.com>" },
};

#define WEB_ID "8dfafdbc3a40aa2b0d4b2fdbd5e7a1f0c6b9c1d2e3f4a5b6c7d8e9f0a1b2c3d4"

/* `docker ps` answer, trimmed; Docker sorts newest first. */
static const char list_body[] =
	"[{\"Id\":\"" WEB_ID "\",\"Names\":[\"/web\"],\"Image\":\"nginx:1.25\","
	"\"State\":\"running\",\"Labels\":{}},"
	"{\"Id\":\"" CTR_ID "\",\"Names\":[\"/db\"],\"Image\":\"postgres:16\","
	"\"State\":\"running\",\"Labels\":null}]";

static char *http(int status, const char *reason, const char *body)
{
	char *s;

	if (asprintf(&s, "HTTP/1.1 %d %s\r\nApi-Version: 1.43\r\n"
		     "Content-Type: application/json\r\nServer: Docker/24.0.7 (linux)\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		     status, reason, strlen(body), body) < 0)
		return NULL;
	return s;
}

static void send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;	/* the client gave up: expected for floods and timeouts */
		p += w;
		n -= w;
	}
}

static bool wait_in(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, IO_WAIT_MS) == 1;
}

static void read_request(int fd, char *line, size_t len)
{
	char buf[4096];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(buf) - 1 && wait_in(fd)) {
		r = recv(fd, buf + n, sizeof(buf) - 1 - n, 0);
		if (r <= 0)
			break;
		n += r;
		buf[n] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	buf[n] = '\0';
	snprintf(line, len, "%.*s", (int)strcspn(buf, "\r\n"), buf);
}

static void *serve(void *arg)
{
	struct fake *f = arg;
	char filler[65536];
	size_t left, n;
	int i, c;

	memset(filler, '7', sizeof(filler));
	for (i = 0; i < f->nconn; i++) {
		if (!wait_in(f->lfd))
			break;
		c = accept(f->lfd, NULL, NULL);
		if (c < 0)
			break;
		read_request(c, f->req[i], sizeof(f->req[i]));
		if (f->resp[i]) {
			send_all(c, f->resp[i], strlen(f->resp[i]));
			for (left = f->flood[i]; left; left -= n) {
				n = left < sizeof(filler) ? left : sizeof(filler);
				if (send(c, filler, n, MSG_NOSIGNAL) != (ssize_t)n)
					break;
			}
		} else {
			/* Never answer; the client closes the connection when its timeout fires. */
			while (wait_in(c) && recv(c, filler, sizeof(filler), 0) > 0)
				;
		}
		close(c);
	}
	return NULL;
}

static int make_dir(struct fake *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/scry-docker-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->sock, sizeof(f->sock), "%s/docker.sock", f->dir);
	return 0;
}

/* Bind the socket; listen and serve `nconn` connections unless `listen_too` is false. */
static void fake_start(struct fake *f, int nconn, bool listen_too)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	f->nconn = nconn;
	assert_int_equal(make_dir(f), 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->sock);
	f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(f->lfd >= 0);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (!listen_too) {
		/* The socket file stays, with nobody behind it: a stopped daemon. */
		close(f->lfd);
		f->lfd = -1;
		return;
	}
	assert_int_equal(listen(f->lfd, 8), 0);
	assert_int_equal(pthread_create(&f->thr, NULL, serve, f), 0);
	f->started = true;
}

static void fake_stop(struct fake *f)
{
	int i;

	if (f->started)
		pthread_join(f->thr, NULL);
	if (f->lfd >= 0)
		close(f->lfd);
	for (i = 0; i < MAX_CONN; i++)
		free(f->resp[i]);
	unlink(f->sock);
	rmdir(f->dir);
}

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->lfd = -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fake_stop(*state);
	free(*state);
	return 0;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

static void inspect_fields(void **state)
{
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;
	size_t i;

	f->resp[0] = http(200, "OK", inspect_body);
	fake_start(f, 1, true);
	d = docker__new(f->sock, 2000);
	assert_non_null(d);

	assert_int_equal(docker__inspect(d, inspect_id, &m), 0);
	assert_string_equal(f->req[0], "GET /containers/"
			    "4f797c539e6c745de61a93ca3ff892358ecbcaccd8414d5db545c38428142970"
			    "/json HTTP/1.1");
	assert_string_equal(m.name, "k8s_coredns_coredns-5d78c9869d-7xk2p_kube-system_"
			    "0d6f3e1a-2c4b-4e0a-9a57-3f1c2b7d8e90_0");
	assert_string_equal(m.image, "registry.k8s.io/coredns/coredns@sha256:"
			    "a0ead06651cf580044aeb0a0feba63591858fb2e43ade8c9dea45a6a89ae7e5e");
	assert_string_equal(m.pod_name, "coredns-5d78c9869d-7xk2p");
	assert_string_equal(m.pod_ns, "kube-system");
	assert_string_equal(m.k8s_container, "coredns");
	/* 2026-11-25T14:46:01Z is 1795617961 s after the epoch. */
	assert_int_equal(m.started_ns, 1795617961123456789ull);
	assert_int_equal(m.nlabels, sizeof(inspect_labels) / sizeof(inspect_labels[0]));
	for (i = 0; i < m.nlabels; i++) {
		assert_string_equal(m.labels[i].key, inspect_labels[i].key);
		assert_string_equal(m.labels[i].val, inspect_labels[i].val);
	}
	ctr_meta__free(&m);
	assert_meta_empty(&m);
	ctr_meta__free(&m);
	ctr_meta__free(NULL);
	docker__free(d);
}

/*
 * Issue 15's fields: `docker run --privileged -v /srv/data:/data:ro -v vol:/v --health-cmd
 * 'test -f /tmp/ok' scry-ctr:t1`, trimmed (Docker 24); then the image, which has no registry
 * digest (imported) and two tags.
 */
static void inspect_issue15(void **state)
{
	static const char body[] =
		"{\"Id\":\"8dfafdbc3a40aa2b0d4b2fdbd5e7a1f0c6b9c1d2e3f4a5b6c7d8e9f0a1b2c3d4\","
		"\"Name\":\"/hc\",\"Image\":\"sha256:"
		"ead0a4a53df89fd173874b46093b6e62d8c72967bbf606d672c9e8c9b601a4fc\","
		"\"HostConfig\":{\"Privileged\":true,\"NetworkMode\":\"none\"},"
		"\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv/data\",\"Destination\":\"/data\","
		"\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"rprivate\"},"
		"{\"Type\":\"volume\",\"Name\":\"vol\",\"Source\":\"/var/lib/docker/volumes/vol/_data\","
		"\"Destination\":\"/v\",\"Driver\":\"local\",\"Mode\":\"z\",\"RW\":true,"
		"\"Propagation\":\"\"}],"
		"\"Config\":{\"Image\":\"scry-ctr:t1\",\"Labels\":{},"
		"\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"test -f /tmp/ok\"],"
		"\"Interval\":1000000000}}}";
	static const char image[] =
		"{\"Id\":\"sha256:ead0a4a53df89fd173874b46093b6e62d8c72967bbf606d672c9e8c9b601a4fc\","
		"\"RepoTags\":[\"scry-ctr:t0\",\"scry-ctr:t1\"],\"RepoDigests\":[]}";
	static const char hc[] = "/bin/sh\0-c\0test -f /tmp/ok";
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;

	f->resp[0] = http(200, "OK", body);
	f->resp[1] = http(200, "OK", image);
	fake_start(f, 2, true);
	d = docker__new(f->sock, 2000);
	assert_non_null(d);
	assert_int_equal(docker__inspect(d, WEB_ID, &m), 0);
	assert_string_equal(m.image_id,
			    "ead0a4a53df89fd173874b46093b6e62d8c72967bbf606d672c9e8c9b601a4fc");
	assert_string_equal(m.image_repo, "scry-ctr");
	assert_string_equal(m.image_tag, "t1");
	assert_null(m.image_digest);
	assert_int_equal(m.privileged, CTR_PRIV_YES);
	assert_int_equal(m.nmounts, 2);
	assert_string_equal(m.mounts[0].source, "/srv/data");
	assert_string_equal(m.mounts[0].dest, "/data");
	assert_string_equal(m.mounts[0].mode, "ro");
	assert_false(m.mounts[0].rw);
	assert_string_equal(m.mounts[0].propagation, "rprivate");
	assert_string_equal(m.mounts[1].source, "/var/lib/docker/volumes/vol/_data");
	assert_string_equal(m.mounts[1].mode, "z");
	assert_true(m.mounts[1].rw);
	assert_string_equal(m.mounts[1].propagation, "");
	assert_int_equal(m.probe_len[CTR_PROBE_HEALTHCHECK], sizeof(hc) - 1);
	assert_memory_equal(m.probe[CTR_PROBE_HEALTHCHECK], hc, sizeof(hc) - 1);
	assert_null(m.probe[CTR_PROBE_LIVENESS]);
	/* the image: asked for the digest the reference lacked; the tag stays the reference's */
	assert_int_equal(docker__image(d, &m), 0);
	assert_string_equal(f->req[1], "GET /images/"
			    "ead0a4a53df89fd173874b46093b6e62d8c72967bbf606d672c9e8c9b601a4fc"
			    "/json HTTP/1.1");
	assert_string_equal(m.image_tag, "t1");
	assert_null(m.image_digest);
	ctr_meta__free(&m);
	docker__free(d);
}

/* Started by image id, CMD health check with quoted words, a Kubernetes liveness probe. */
static void inspect_by_id(void **state)
{
	static const char body[] =
		"{\"Id\":\"8dfafdbc3a40aa2b0d4b2fdbd5e7a1f0c6b9c1d2e3f4a5b6c7d8e9f0a1b2c3d4\","
		"\"Name\":\"/x\",\"Image\":\"sha256:ead0a4a53df89fd1\","
		"\"HostConfig\":{\"Privileged\":false},\"Mounts\":[],"
		"\"Config\":{\"Image\":\"ead0a4a5\",\"Healthcheck\":{\"Test\":[\"CMD\","
		"\"/bin/check\",\"'--quiet'\",\"\\\"a b\\\"\"]}}}";
	static const char image[] =
		"{\"RepoTags\":[\"reg.example:5000/team/app:2.1\"],"
		"\"RepoDigests\":[\"reg.example:5000/team/app@sha256:beef\"]}";
	static const char k8s[] =
		"{\"Id\":\"8dfafdbc3a40aa2b0d4b2fdbd5e7a1f0c6b9c1d2e3f4a5b6c7d8e9f0a1b2c3d4\","
		"\"Config\":{\"Image\":\"busybox\",\"Labels\":{\"annotation.kubectl.kubernetes.io/"
		"last-applied-configuration\":\"{\\\"spec\\\":{\\\"containers\\\":[{\\\"name\\\":"
		"\\\"c\\\",\\\"livenessProbe\\\":{\\\"exec\\\":{\\\"command\\\":[\\\"cat\\\","
		"\\\"/tmp/healthy\\\"]}}}]}}\"},"
		"\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"]}}}";
	static const char check[] = "/bin/check\0--quiet\0a b";
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;

	f->resp[0] = http(200, "OK", body);
	f->resp[1] = http(200, "OK", image);
	f->resp[2] = http(200, "OK", k8s);
	fake_start(f, 3, true);
	d = docker__new(f->sock, 2000);
	assert_non_null(d);
	assert_int_equal(docker__inspect(d, WEB_ID, &m), 0);
	assert_string_equal(m.image_id, "ead0a4a53df89fd1");
	assert_null(m.image_repo);	/* the reference is the id: the image tells */
	assert_int_equal(m.privileged, CTR_PRIV_NO);
	assert_int_equal(m.nmounts, 0);
	assert_int_equal(m.probe_len[CTR_PROBE_HEALTHCHECK], sizeof(check) - 1);
	assert_memory_equal(m.probe[CTR_PROBE_HEALTHCHECK], check, sizeof(check) - 1);
	assert_int_equal(docker__image(d, &m), 0);
	assert_string_equal(m.image_repo, "reg.example:5000/team/app");
	assert_string_equal(m.image_tag, "2.1");
	assert_string_equal(m.image_digest, "sha256:beef");
	ctr_meta__free(&m);

	/* a liveness probe in the pod spec: the Docker health check is ignored, as in sysdig */
	assert_int_equal(docker__inspect(d, WEB_ID, &m), 0);
	assert_null(m.probe[CTR_PROBE_HEALTHCHECK]);
	assert_memory_equal(m.probe[CTR_PROBE_LIVENESS], "cat\0/tmp/healthy", 16);
	assert_int_equal(m.probe_len[CTR_PROBE_LIVENESS], 16);
	assert_string_equal(m.image_repo, "busybox");
	assert_null(m.image_tag);	/* docker__image gives "latest" (not asked here) */
	ctr_meta__free(&m);
	docker__free(d);
}

/* Issue 15's members in shapes no engine writes are left out; the container is still known. */
static void inspect_bad_healthcheck(void **state)
{
	static const char body[] =
		"{\"Id\":\"8dfafdbc3a40aa2b0d4b2fdbd5e7a1f0c6b9c1d2e3f4a5b6c7d8e9f0a1b2c3d4\","
		"\"Name\":\"/odd\",\"Image\":5,\"HostConfig\":{\"Privileged\":\"yes\"},"
		"\"Mounts\":[{\"Source\":\"/a\",\"Destination\":\"/b\"},5],"
		"\"Config\":{\"Image\":\"nginx\","
		"\"Healthcheck\":{\"Test\":[\"CMD\",\"/bin/check\",5]}}}";
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;

	f->resp[0] = http(200, "OK", body);
	fake_start(f, 1, true);
	d = docker__new(f->sock, 2000);
	assert_non_null(d);
	assert_int_equal(docker__inspect(d, WEB_ID, &m), 0);
	assert_string_equal(m.name, "odd");
	assert_null(m.probe[CTR_PROBE_HEALTHCHECK]);
	assert_int_equal(m.privileged, CTR_PRIV_UNKNOWN);
	assert_int_equal(m.nmounts, 0);
	assert_null(m.mounts);
	assert_null(m.image_id);
	assert_string_equal(m.image_repo, "nginx");
	ctr_meta__free(&m);
	docker__free(d);
}

/* A plain `docker run --name web nginx`: no labels at all, no Kubernetes fields. */
static void inspect_plain(void **state)
{
	static const char body[] =
		"{\"Id\":\"8dfafdbc3a40aa2b0d4b2fdbd5e7a1f0c6b9c1d2e3f4a5b6c7d8e9f0a1b2c3d4\","
		"\"Name\":\"/web\",\"State\":{\"StartedAt\":\"2026-11-25T15:46:01.5+01:00\"},"
		"\"Config\":{\"Image\":\"nginx:1.25\",\"Labels\":null}}";
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;

	f->resp[0] = http(200, "OK", body);
	fake_start(f, 1, true);
	d = docker__new(f->sock, 2000);
	assert_non_null(d);
	assert_int_equal(docker__inspect(d, "web", &m), 0);
	assert_string_equal(f->req[0], "GET /containers/web/json HTTP/1.1");
	assert_string_equal(m.name, "web");
	assert_string_equal(m.image, "nginx:1.25");
	assert_null(m.labels);
	assert_int_equal(m.nlabels, 0);
	assert_null(m.pod_name);
	assert_null(m.pod_ns);
	assert_null(m.k8s_container);
	assert_int_equal(m.started_ns, 1795617961500000000ull);
	ctr_meta__free(&m);
	docker__free(d);
}

/* Created, never started: Docker's zero time means "unknown". Sub-ns digits are dropped. */
static void inspect_times(void **state)
{
	static const struct {
		const char *started;
		uint64_t ns;
	} cases[] = {
		{ "0001-01-01T00:00:00Z", 0 },
		{ "2026-11-25T14:46:01Z", 1795617961000000000ull },
		{ "2026-11-25T14:46:01.1234567891234Z", 1795617961123456789ull },
		{ "2026-11-25T10:16:01.000000001-04:30", 1795617961000000001ull },
	};
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;
	char body[256];
	size_t i;

	_Static_assert(sizeof(cases) / sizeof(cases[0]) <= MAX_CONN, "too many cases");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body),
			 "{\"Id\":\"%s\",\"Name\":\"/t\",\"State\":{\"StartedAt\":\"%s\"}}",
			 inspect_id, cases[i].started);
		f->resp[i] = http(200, "OK", body);
	}
	fake_start(f, i, true);
	d = docker__new(f->sock, 2000);
	assert_non_null(d);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(docker__inspect(d, inspect_id, &m), 0);
		if (m.started_ns != cases[i].ns)
			fail_msg("%s: got %llu want %llu", cases[i].started,
				 (unsigned long long)m.started_ns, (unsigned long long)cases[i].ns);
		assert_string_equal(m.name, "t");
		assert_null(m.image);
		ctr_meta__free(&m);
	}
	docker__free(d);
}

static void inspect_not_found(void **state)
{
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;

	f->resp[0] = http(404, "Not Found", "{\"message\":\"No such container: 4f797c539e6c\"}\n");
	fake_start(f, 1, true);
	d = docker__new(f->sock, 2000);
	assert_int_equal(docker__inspect(d, inspect_id, &m), -ENOENT);
	assert_meta_empty(&m);
	docker__free(d);
}

/* Answers that are not an inspect answer: every one is -EPROTO, and leaves nothing behind. */
static void inspect_bad_answers(void **state)
{
	static const char *bodies[] = {
		"<html><body>502 Bad Gateway</body></html>",
		"{\"Id\":\"4f797c539e6c\",\"Name\":\"/web\",\"Config\":{\"Image\":\"ngi",
		"[]",
		"{\"Id\":\"4f797c539e6c\",\"Config\":{\"Labels\":{\"a\":\"b\",\"n\":5}}}",
	};
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		f->resp[i] = http(200, "OK", bodies[i]);
	fake_start(f, i, true);
	d = docker__new(f->sock, 2000);
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		if (docker__inspect(d, inspect_id, &m) != -EPROTO)
			fail_msg("not -EPROTO for %s", bodies[i]);
		assert_meta_empty(&m);
	}
	docker__free(d);
}

static void inspect_bad_transfers(void **state)
{
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;

	/* The connection closes after 40 of 2000 announced bytes. */
	assert_true(asprintf(&f->resp[0], "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			     "Content-Length: 2000\r\n\r\n"
			     "{\"Id\":\"4f797c539e6c\",\"Name\":\"/web\"") > 0);
	/* A daemon error other than 404. */
	f->resp[1] = http(500, "Internal Server Error", "{\"message\":\"layer does not exist\"}");
	/* 5 MiB read until the connection closes: past the 4 MiB cap, with no length to warn. */
	assert_true(asprintf(&f->resp[2], "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			     "Connection: close\r\n\r\n[") > 0);
	f->flood[2] = 5 << 20;
	/* The same size announced up front. */
	assert_true(asprintf(&f->resp[3], "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n",
			     5 << 20) > 0);
	f->flood[3] = 5 << 20;
	fake_start(f, 4, true);
	d = docker__new(f->sock, 5000);
	assert_int_equal(docker__inspect(d, inspect_id, &m), -EPROTO);
	assert_int_equal(docker__inspect(d, inspect_id, &m), -EPROTO);
	assert_int_equal(docker__inspect(d, inspect_id, &m), -EPROTO);
	assert_int_equal(docker__inspect(d, inspect_id, &m), -EPROTO);
	assert_meta_empty(&m);
	docker__free(d);
}

static void inspect_timeout(void **state)
{
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;
	uint64_t t0, ms;

	fake_start(f, 1, true);
	d = docker__new(f->sock, 300);
	t0 = mono_ms();
	assert_int_equal(docker__inspect(d, inspect_id, &m), -ETIMEDOUT);
	ms = mono_ms() - t0;
	if (ms < 250 || ms > 2000)
		fail_msg("timed out after %llu ms, want about 300", (unsigned long long)ms);
	assert_string_equal(f->req[0], "GET /containers/" CTR_ID "/json HTTP/1.1");
	assert_meta_empty(&m);
	docker__free(d);
}

static void no_daemon(void **state)
{
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;
	char **ids;
	size_t n;

	/* No socket file at all. */
	assert_int_equal(make_dir(f), 0);
	d = docker__new(f->sock, 1000);
	assert_non_null(d);
	assert_int_equal(docker__inspect(d, inspect_id, &m), -EHOSTDOWN);
	assert_int_equal(docker__list(d, &ids, &n), -EHOSTDOWN);
	assert_null(ids);
	assert_int_equal(n, 0);
	docker__free(d);
	rmdir(f->dir);

	/* A socket file that nobody listens on any more. */
	fake_start(f, 0, false);
	d = docker__new(f->sock, 1000);
	assert_int_equal(docker__inspect(d, inspect_id, &m), -EHOSTDOWN);
	assert_meta_empty(&m);
	docker__free(d);
}

static void list_ids(void **state)
{
	struct fake *f = *state;
	struct docker_client *d;
	struct ctr_meta m;
	char **ids;
	size_t n, i;

	f->resp[0] = http(200, "OK", list_body);
	f->resp[1] = http(200, "OK", "[]");
	f->resp[2] = http(200, "OK", "{\"message\":\"page not found\"}");
	f->resp[3] = http(200, "OK", inspect_body);
	fake_start(f, 4, true);
	d = docker__new(f->sock, 2000);

	assert_int_equal(docker__list(d, &ids, &n), 0);
	assert_string_equal(f->req[0], "GET /containers/json HTTP/1.1");
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], WEB_ID);
	assert_string_equal(ids[1], CTR_ID);
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);

	assert_int_equal(docker__list(d, &ids, &n), 0);
	assert_int_equal(n, 0);
	free(ids);

	assert_int_equal(docker__list(d, &ids, &n), -EPROTO);
	assert_null(ids);
	assert_int_equal(n, 0);

	/* The same client, and its one curl handle, serves the next request. */
	assert_int_equal(docker__inspect(d, inspect_id, &m), 0);
	assert_string_equal(m.k8s_container, "coredns");
	ctr_meta__free(&m);
	docker__free(d);
}

/* Ids and names go into the URL: nothing that could leave /containers/{id}/json. */
static void bad_ids(void **state)
{
	static const char *bad[] = { "", "../../info", "a/b", "web?all=1", "web#x", "a b", ".." };
	struct docker_client *d = docker__new("/nonexistent/docker.sock", 100);
	struct ctr_meta m;
	size_t i;

	assert_non_null(d);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (docker__inspect(d, bad[i], &m) != -EINVAL)
			fail_msg("accepted id \"%s\"", bad[i]);
		assert_meta_empty(&m);
	}
	docker__free(d);
	docker__free(NULL);
}

static void socket_path(void **state)
{
	const char *old = getenv("DOCKER_HOST");
	char *saved = old ? strdup(old) : NULL;
	const char *p;

	setenv("DOCKER_HOST", "unix:///run/user/1000/podman/podman.sock", 1);
	assert_string_equal(docker__socket_path(), "/run/user/1000/podman/podman.sock");

	/* Not a unix socket: the well-known paths, whichever exists here. */
	setenv("DOCKER_HOST", "tcp://10.0.0.5:2376", 1);
	p = docker__socket_path();
	if (access("/var/run/docker.sock", F_OK) && !access("/run/podman/podman.sock", F_OK))
		assert_string_equal(p, "/run/podman/podman.sock");
	else
		assert_string_equal(p, "/var/run/docker.sock");
	unsetenv("DOCKER_HOST");
	assert_string_equal(docker__socket_path(), p);

	if (saved)
		setenv("DOCKER_HOST", saved, 1);
	free(saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(inspect_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(inspect_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(inspect_issue15, setup, teardown),
		cmocka_unit_test_setup_teardown(inspect_by_id, setup, teardown),
		cmocka_unit_test_setup_teardown(inspect_bad_healthcheck, setup, teardown),
		cmocka_unit_test_setup_teardown(inspect_times, setup, teardown),
		cmocka_unit_test_setup_teardown(inspect_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(inspect_bad_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(inspect_bad_transfers, setup, teardown),
		cmocka_unit_test_setup_teardown(inspect_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(no_daemon, setup, teardown),
		cmocka_unit_test_setup_teardown(list_ids, setup, teardown),
		cmocka_unit_test(bad_ids),
		cmocka_unit_test(socket_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
