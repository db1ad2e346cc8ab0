// SPDX-License-Identifier: GPL-2.0
/* fd seeds: an fd (or the cwd) a process had before scry or the capture file began. */
#include <errno.h>

#include "internal.h"

int fd_seed_decode(const union scry_rec *r, uint32_t size, struct scry_event ev[2])
{
	const struct scry_rec_fd_seed *f = &r->fdseed;

	if (size != SCRY_FD_SEED_FIXED + f->name_len || f->name_len > SCRY_FD_NAME_MAX ||
	    f->type >= SCRY_FDT__MAX || (f->name_len && f->name[f->name_len - 1] != '\0'))
		return -EINVAL;
	/* A socket's name is its addresses, as an exit's: whole, or none. */
	if ((f->xflags & SCRY_FDS_SOCK) && f->name_len &&
	    f->name_len < sizeof(struct scry_sock_addr) + 1)
		return -EINVAL;
	return 1;
}

void fd_seed_info(const struct scry_event *ev, struct sbuf *b)
{
	const struct scry_rec_fd_seed *f = &ev->rec->fdseed;

	sbuf__puts(b, "fd=");
	sbuf__s64(b, f->fd);
	sbuf__puts(b, " type=");
	sbuf__s64(b, f->type);
	if (f->name_len && !(f->xflags & SCRY_FDS_SOCK)) {
		sbuf__puts(b, " name=");
		sbuf__write(b, f->name, f->name_len - 1);
	}
}
