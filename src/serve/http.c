// SPDX-License-Identifier: GPL-2.0
/*
 * scry serve's endpoint, over libmicrohttpd's own thread: /metrics (the newest snapshot,
 * rendered here, never in the consumer thread), /healthz (200 once the probes are attached) and
 * an index page. The consumer only swaps the snapshot pointer under `lock`; a scrape takes a
 * reference under the same lock and renders without it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "scry/serve.h"
#include "scry/util.h"

struct serve_http {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	struct serve_snapshot *cur;
	atomic_bool ready;
	struct expo out;		/* the one polling thread's buffer, kept between scrapes */
};

static const char index_page[] =
	"<!DOCTYPE html>\n<html><head><title>scry</title></head><body>\n"
	"<h1>scry serve</h1>\n<p>Per-container figures from eBPF, for Prometheus.</p>\n"
	"<ul><li><a href=\"/metrics\">/metrics</a>: Prometheus text format 0.0.4</li>\n"
	"<li><a href=\"/healthz\">/healthz</a>: 200 once the probes are attached</li></ul>\n"
	"</body></html>\n";

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
			     const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static enum MHD_Result metrics(struct serve_http *h, struct MHD_Connection *c)
{
	static const char type[] = "text/plain; version=0.0.4; charset=utf-8";
	struct serve_snapshot *sn;
	double t0 = now_mono_ns() / 1e9, c0 = thread_cpu_s();
	char line[160];

	pthread_mutex_lock(&h->lock);
	sn = h->cur;
	if (sn)
		serve_snapshot__get(sn);
	pthread_mutex_unlock(&h->lock);
	if (!sn)
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "starting\n", 9);
	expo__reset(&h->out);
	serve_snapshot__render(sn, &h->out);
	serve_snapshot__put(sn);
	/* This scrape's own cost, up to here: the rendering is nearly all of it. */
	expo__family(&h->out, "scry_scrape_duration_seconds", "gauge",
		     "Time scry took to render this scrape.");
	snprintf(line, sizeof(line), "scry_scrape_duration_seconds %.9f\n",
		 now_mono_ns() / 1e9 - t0);
	expo__puts(&h->out, line);
	expo__family(&h->out, "scry_scrape_cpu_seconds", "gauge",
		     "CPU time scry's HTTP thread spent rendering this scrape.");
	snprintf(line, sizeof(line), "scry_scrape_cpu_seconds %.9f\n", thread_cpu_s() - c0);
	expo__puts(&h->out, line);
	if (h->out.oom)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n", 14);
	return reply(c, MHD_HTTP_OK, type, h->out.buf, h->out.len);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **con_cls)
{
	struct serve_http *h = cls;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "GET only\n", 9);
	if (!strcmp(url, "/metrics"))
		return metrics(h, c);
	if (!strcmp(url, "/healthz"))
		return atomic_load(&h->ready) ?
		       reply(c, MHD_HTTP_OK, "text/plain", "ok\n", 3) :
		       reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "starting\n", 9);
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", index_page,
			     sizeof(index_page) - 1);
	return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n", 10);
}

/* "ADDR:PORT", "[V6ADDR]:PORT": numeric only (no name lookup at start). */
static int parse_listen(const char *s, struct sockaddr_storage *sa, bool *v6)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				  .ai_socktype = SOCK_STREAM }, *res;
	char host[128];
	const char *colon, *h0 = s;
	size_t hlen;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		h0 = s + 1;
		hlen = end - h0;
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		hlen = colon - s;
	}
	if (!hlen || hlen >= sizeof(host) || !colon[1])
		return -EINVAL;
	memcpy(host, h0, hlen);
	host[hlen] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &res))
		return -EINVAL;
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	return 0;
}

struct serve_http *serve_http__start(const char *listen)
{
	struct serve_http *h = calloc(1, sizeof(*h));
	struct sockaddr_storage sa = {};
	sigset_t all, old;
	bool v6 = false;

	if (!h) {
		log_err("out of memory");
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	expo__init(&h->out);
	if (parse_listen(listen, &sa, &v6)) {
		log_err("--listen '%s': expected ADDR:PORT with a numeric address, e.g. "
			"127.0.0.1:9780 or [::1]:9780 (0.0.0.0:9780 for every address)", listen);
		free(h);
		errno = EINVAL;
		return NULL;
	}
	/*
	 * The server's thread must not take the signals the live loop reads from its signalfd:
	 * one delivered there is lost (a background job's SIGINT is even ignored there), and
	 * scry would not stop. The thread inherits the mask it is created with.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
				(v6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL, handle, h,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_CONNECTION_LIMIT, 64,
				MHD_OPTION_CONNECTION_TIMEOUT, 30,
				MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!h->d) {
		log_err("cannot listen on %s (is the port in use, or the address not this "
			"host's?)", listen);
		free(h);
		errno = EADDRINUSE;
		return NULL;
	}
	return h;
}

void serve_http__publish(struct serve_http *h, struct serve_snapshot *sn)
{
	struct serve_snapshot *old;

	serve_snapshot__get(sn);
	pthread_mutex_lock(&h->lock);
	old = h->cur;
	h->cur = sn;
	pthread_mutex_unlock(&h->lock);
	serve_snapshot__put(old);
}

void serve_http__ready(struct serve_http *h)
{
	atomic_store(&h->ready, true);
}

void serve_http__stop(struct serve_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	serve_snapshot__put(h->cur);
	expo__free(&h->out);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
