// SPDX-License-Identifier: GPL-2.0
/*
 * fdlist.* fields (sysdig's): the fds a poll or ppoll exit found ready, from the pollfd array it
 * carries with -s (pollfds.c), each named by the process's fd table as fd.* names it. A list is
 * comma-separated, in the array's order; the address and port lists leave out the fds that are
 * not IP sockets or lack that end (sysdig's rule), so they need not line up with fdlist.nums.
 * A getter's cost is bounded by the array's (at most SCRY_SNAPLEN_MAX / 8 fds).
 */
#include <arpa/inet.h>
#include <string.h>

#include "internal.h"
#include "scry/decode.h"
#include "scry/state.h"

enum fdlist_what { FDL_NUMS, FDL_NAMES, FDL_CIPS, FDL_SIPS, FDL_CPORTS, FDL_SPORTS };

/*
 * The client or server end of an IP socket, as fd.cip / fd.sip take it: the local end is the
 * server for an accepted or listening socket (FDE_SERVER), the client otherwise. NULL when the
 * fd is no IP socket, or that end is not there (a listening socket has no client).
 */
static const uint8_t *sock_end(const struct scry_fd *f, bool server, uint16_t *port)
{
	static const uint8_t zero[16];
	bool local;

	if (!f || !f->sock || (f->sa.family != AF_INET && f->sa.family != AF_INET6))
		return NULL;
	local = server == !!(f->flags & FDE_SERVER);
	if (local) {
		*port = f->sa.lport;
		return f->sa.laddr;
	}
	if (!f->sa.rport && !memcmp(f->sa.raddr, zero, sizeof(zero)))
		return NULL;
	*port = f->sa.rport;
	return f->sa.raddr;
}

/* One fd's item of the list, appended to b; false: the fd has none (and no comma). */
static bool put_item(struct sbuf *b, const struct scry_event *ev, int32_t fd,
		     enum fdlist_what what)
{
	const struct scry_fd *f = fdtab__of_event(ev, fd, 0);
	char s[INET6_ADDRSTRLEN];
	const uint8_t *addr;
	size_t at = b->len;
	uint16_t port;

	switch (what) {
	case FDL_NUMS:
		sbuf__s64(b, fd);
		return true;
	case FDL_NAMES:
		/* sysdig's <NA> for an fd the table does not know, or knows without a name */
		if (f)
			fd_name_put(b, f);
		if (b->len == at)
			sbuf__puts(b, "<NA>");
		return true;
	case FDL_CIPS:
	case FDL_SIPS:
		addr = sock_end(f, what == FDL_SIPS, &port);
		if (!addr || !inet_ntop(f->sa.family, addr, s, sizeof(s)))
			return false;
		sbuf__puts(b, s);
		return true;
	case FDL_CPORTS:
	case FDL_SPORTS:
		if (!sock_end(f, what == FDL_SPORTS, &port))
			return false;
		sbuf__u64(b, port);
		return true;
	}
	return false;
}

static bool fdlist(const struct scry_event *ev, struct field_val *v, struct sbuf *b,
		   enum fdlist_what what)
{
	struct pollfd_ent e;
	const uint8_t *d;
	uint32_t len, pos = 0;
	size_t start = b->len, before;

	d = evt_pollfds(ev, &len);
	if (!d)
		return false;
	while (pollfds_next_ready(d, len, &pos, &e)) {
		before = b->len;
		if (before > start)
			sbuf__putc(b, ',');
		if (!put_item(b, ev, e.fd, what))
			b->len = before;	/* no item: nor its comma */
	}
	b->buf[b->len] = '\0';
	if (b->len == start)
		return false;
	v->type = FT_STR;
	v->str = b->buf + start;
	v->len = b->len - start;
	return true;
}

#define FDLIST_GETTER(fn, what)                                                                    \
	bool fn(const struct scry_event *ev, struct field_val *v, struct sbuf *b)                 \
	{                                                                                          \
		return fdlist(ev, v, b, what);                                                     \
	}
FDLIST_GETTER(get_fdlist_nums, FDL_NUMS)
FDLIST_GETTER(get_fdlist_names, FDL_NAMES)
FDLIST_GETTER(get_fdlist_cips, FDL_CIPS)
FDLIST_GETTER(get_fdlist_sips, FDL_SIPS)
FDLIST_GETTER(get_fdlist_cports, FDL_CPORTS)
FDLIST_GETTER(get_fdlist_sports, FDL_SPORTS)
