// SPDX-License-Identifier: GPL-2.0
/*
 * The sockets open now, for kernels that refuse the task_file iterator (sockiter.c): the
 * kernel's socket diagnostics (NETLINK_SOCK_DIAG) list the TCP and UDP sockets of scry's network
 * namespace with their inode and cookie, and /proc/PID/fd says which process holds each inode.
 * Not /proc/net/tcp: it has no cookie, and sockets are known by the cookie the tracepoints report
 * (sock_diag's is the same, sock_gen_cookie). Other network namespaces are not seen.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scry/event.h"
#include "scry/probe.h"
#include "scry/util.h"

/* inode -> its first holder (pid, fd), packed: pid << 32 | fd, + 1 so that 0 means none. */
static int holders(const char *procfs, struct hashmap *m)
{
	char path[64], link[64];
	struct dirent *p, *f;
	DIR *pd, *fd;
	uint32_t self = getpid();

	pd = opendir(procfs);
	if (!pd)
		return -errno;
	while ((p = readdir(pd))) {
		uint32_t pid = strtoul(p->d_name, NULL, 10);

		if (!pid || pid == self)
			continue;
		snprintf(path, sizeof(path), "%s/%u/fd", procfs, pid);
		fd = opendir(path);
		if (!fd)
			continue;	/* gone, or a kernel thread */
		while ((f = readdir(fd))) {
			uint64_t ino, prev;
			ssize_t n;

			if (f->d_name[0] == '.')
				continue;
			n = readlinkat(dirfd(fd), f->d_name, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (sscanf(link, "socket:[%lu]", &ino) != 1)
				continue;
			/* The lowest pid holds it, as the iterator (in pid order) would say. */
			prev = (uintptr_t)hashmap__find(m, ino);
			if (!prev || (prev - 1) >> 32 > pid)
				hashmap__set(m, ino, (void *)(uintptr_t)(((uint64_t)pid << 32 |
							 strtoul(f->d_name, NULL, 10)) + 1));
		}
		closedir(fd);
	}
	closedir(pd);
	return 0;
}

struct found {
	struct scry_iter_sock *v;
	size_t n, cap;
};

static int add(struct found *fo, const struct inet_diag_msg *m, uint8_t proto, uint64_t holder,
	       uint32_t netns)
{
	struct scry_rec_sock_seed *r;

	if (fo->n == fo->cap) {
		size_t cap = fo->cap ? fo->cap * 2 : 256;
		struct scry_iter_sock *v = realloc(fo->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		fo->v = v;
		fo->cap = cap;
	}
	memset(&fo->v[fo->n], 0, sizeof(fo->v[fo->n]));
	r = &fo->v[fo->n++].r;
	r->h.type = SCRY_REC_SOCK_SEED;
	r->h.size = sizeof(*r);
	r->h.pid = r->h.tid = (holder - 1) >> 32;
	r->fd = (uint32_t)(holder - 1);
	r->cookie = m->id.idiag_cookie[0] | (uint64_t)m->id.idiag_cookie[1] << 32;
	r->ino = m->idiag_inode;
	r->netns = netns;
	r->family = m->idiag_family;
	r->protocol = proto;
	r->sktype = proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	r->state = m->idiag_state;
	r->sport = ntohs(m->id.idiag_sport);
	r->dport = ntohs(m->id.idiag_dport);
	memcpy(r->saddr, m->id.idiag_src, m->idiag_family == AF_INET ? 4 : 16);
	memcpy(r->daddr, m->id.idiag_dst, m->idiag_family == AF_INET ? 4 : 16);
	return 0;
}

/* Every socket of one family and protocol, in every state. */
static int dump(int nl, uint8_t family, uint8_t proto, struct hashmap *held, uint32_t netns,
		struct found *fo)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 req;
	} q = {
		.nh = { .nlmsg_len = sizeof(q), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.req = { .sdiag_family = family, .sdiag_protocol = proto, .idiag_states = ~0u },
	};
	static char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t n;
	int err;

	if (send(nl, &q, sizeof(q), 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		n = recv(nl, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			const struct inet_diag_msg *m = NLMSG_DATA(h);
			uint64_t holder;

			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -EPROTO;
			holder = (uintptr_t)hashmap__find(held, m->idiag_inode);
			if (holder && (err = add(fo, m, proto, holder, netns)))
				return err;
		}
	}
}

static int by_pid(const void *a, const void *b)
{
	const struct scry_iter_sock *x = a, *y = b;

	if (x->r.h.pid != y->r.h.pid)
		return x->r.h.pid < y->r.h.pid ? -1 : 1;
	return x->r.fd < y->r.fd ? -1 : x->r.fd > y->r.fd;
}

int probe__list_socks_diag(const char *procfs, struct scry_iter_sock **out, size_t *n)
{
	static const uint8_t kinds[][2] = {
		{ AF_INET, IPPROTO_TCP }, { AF_INET6, IPPROTO_TCP },
		{ AF_INET, IPPROTO_UDP }, { AF_INET6, IPPROTO_UDP },
	};
	struct hashmap *held = hashmap__new(1024);
	struct found fo = {};
	char path[64];
	struct stat st;
	uint32_t netns = 0;
	size_t i;
	int nl = -1, err;

	*out = NULL;
	*n = 0;
	if (!held)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/self/ns/net", procfs);
	if (!stat(path, &st))
		netns = st.st_ino;
	err = holders(procfs, held);
	if (err)
		goto cleanup;
	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0) {
		err = -errno;
		goto cleanup;
	}
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if ((err = dump(nl, kinds[i][0], kinds[i][1], held, netns, &fo)))
			goto cleanup;
	if (fo.n)
		qsort(fo.v, fo.n, sizeof(*fo.v), by_pid);
	*out = fo.v;
	*n = fo.n;
	fo.v = NULL;
cleanup:
	if (nl >= 0)
		close(nl);
	free(fo.v);
	hashmap__free(held);
	return err;
}
