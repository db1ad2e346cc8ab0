// SPDX-License-Identifier: GPL-2.0
/*
 * poll's and ppoll's struct pollfd array (SCRY_SX_POLL, -s): at the exit of a call that returned
 * ready fds, BPF copies the first nfds pollfds that the snaplen holds (8 bytes each: 10 at the
 * stream's default 80), with the revents the kernel wrote back. What reads it here never trusts
 * it: a capture may carry any length (a tail short of a whole pollfd is left out) and any values.
 *
 * The exit shows the fds the call found ready (revents not 0), as sysdig's poll exit does:
 * evt.info's fds=3:p1 4:f5 (the fd, its type letter from the fd table, '?' if not known, and
 * its revents in sysdig's flag bits, in hex) and the fdlist.* fields.
 */
#include <poll.h>
#include <string.h>

#include "internal.h"
#include "scry/state.h"

_Static_assert(sizeof(struct pollfd) == 8, "a pollfd is 8 bytes, as BPF copies it");

bool pollfds_at(const uint8_t *d, uint32_t len, uint32_t i, struct pollfd_ent *e)
{
	struct pollfd p;

	if (!d || i >= len / sizeof(p))
		return false;
	memcpy(&p, d + (size_t)i * sizeof(p), sizeof(p));	/* the data need not be aligned */
	e->fd = p.fd;
	e->events = (uint16_t)p.events;
	e->revents = (uint16_t)p.revents;
	return true;
}

bool pollfds_next_ready(const uint8_t *d, uint32_t len, uint32_t *pos, struct pollfd_ent *e)
{
	while (pollfds_at(d, len, (*pos)++, e))
		if (e->revents)
			return true;
	return false;
}

/* Linux's poll bits and sysdig's (PPM_POLL*, which evt.info shows): they differ past POLLOUT. */
static const struct {
	uint16_t kernel, ppm;
} poll_bits[] = {
	{ POLLIN, 1 << 0 },
	{ POLLPRI, 1 << 1 },
	{ POLLOUT, 1 << 2 },
	{ POLLRDHUP, 1 << 3 },
	{ POLLERR, 1 << 4 },
	{ POLLHUP, 1 << 5 },
	{ POLLNVAL, 1 << 6 },
	{ POLLRDNORM, 1 << 7 },
	{ POLLRDBAND, 1 << 8 },
	{ POLLWRNORM, 1 << 9 },
	{ POLLWRBAND, 1 << 10 },
};

uint16_t poll_flags_sysdig(uint16_t events)
{
	uint16_t out = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(poll_bits); i++)
		if (events & poll_bits[i].kernel)
			out |= poll_bits[i].ppm;
	return out;
}

/* sysdig's %x: no 0x */
static void put_hex_bare(struct sbuf *b, uint16_t v)
{
	static const char dig[] = "0123456789abcdef";
	int sh = 12;

	while (sh > 0 && !(v >> sh))
		sh -= 4;
	for (; sh >= 0; sh -= 4)
		sbuf__putc(b, dig[(v >> sh) & 15]);
}

/*
 * fds=3:p1 4:f5: the ready fds, space-separated; " ..." when nfds (the argument) says the array
 * went on past what the snaplen kept.
 */
void pollfds_info(struct sbuf *b, const struct scry_event *ev, uint64_t nfds)
{
	const struct scry_fd *f;
	struct pollfd_ent e;
	const uint8_t *d;
	uint32_t len, pos = 0;
	bool first = true;

	d = evt_pollfds(ev, &len);
	while (pollfds_next_ready(d, len, &pos, &e)) {
		if (!first)
			sbuf__putc(b, ' ');
		first = false;
		f = fdtab__of_event(ev, e.fd, 0);
		sbuf__s64(b, e.fd);
		sbuf__putc(b, ':');
		sbuf__putc(b, f ? fd_type_char(f->type) : '?');
		put_hex_bare(b, poll_flags_sysdig(e.revents));
	}
	if (nfds > len / sizeof(struct pollfd))
		sbuf__puts(b, first ? "..." : " ...");
}
