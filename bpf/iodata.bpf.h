/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -s SNAPLEN: the first bytes a read, write, send or receive moved, copied from the user's buffer
 * at the syscall's exit (the bytes are there then: a read has filled them, a write's are still
 * the caller's), min(ret, snaplen) of them, into a struct scry_exit_data at the record's end. A
 * vectored call's iovecs (readv, a msghdr's msg_iov) are walked in order, SCRY_IOV_MAX at most.
 * poll and ppoll (when they return ready fds) carry their struct pollfd array the same way, as
 * much of it as snaplen holds, for the fdlist.* fields.
 */
#ifndef SCRY_IODATA_BPF_H
#define SCRY_IODATA_BPF_H

#include "scry.bpf.h"

/* The subset of struct user_msghdr that leads to the data. */
struct data_msghdr {
	__u64 name;
	__u32 namelen;
	__u32 __pad;
	__u64 iov;
	__u64 iovlen;
};

struct data_iovec {
	__u64 base;
	__u64 len;
};

/*
 * Copy `want` bytes (1..cap) from the user buffer `uaddr` (or the iovecs it points to) to `dst`,
 * which has room for 2 * cap; returns the bytes copied. `cap` is a power of two known at the
 * call site (the verifier's bound); each copy's length is clamped on the very register passed.
 */
static __always_inline __u32 data_copy(__u8 *dst, __u64 uaddr, __u64 iovcnt, __u8 how,
				       __u32 want, const __u32 cap)
{
	struct data_msghdr mh;
	struct data_iovec iov;
	__u32 done = 0, n;
	int i;

	if (!(how & (SCRY_DATA_IOV | SCRY_DATA_MSG))) {
		n = want;
		asm volatile("" : "+r"(n));
		if (n > cap)
			return 0;
		return bpf_probe_read_user(dst, n, (const void *)uaddr) ? 0 : n;
	}
	if (how & SCRY_DATA_MSG) {
		if (bpf_probe_read_user(&mh, sizeof(mh), (const void *)uaddr))
			return 0;
		uaddr = mh.iov;
		iovcnt = mh.iovlen;
	}
	for (i = 0; i < SCRY_IOV_MAX; i++) {
		if (i >= iovcnt || done >= want)
			break;
		if (bpf_probe_read_user(&iov, sizeof(iov), (const void *)(uaddr + i * sizeof(iov))))
			break;
		n = want - done;
		if (iov.len < n)
			n = iov.len;
		asm volatile("" : "+r"(n));
		if (n > cap)
			break;
		if (bpf_probe_read_user(dst + (done & (cap - 1)), n, (const void *)iov.base))
			break;
		done += n;
	}
	return done;
}

/*
 * After the record's path (or socket addresses) at r->path + off: the call's data, if it moved
 * any. Returns the record's size with it (8-aligned), or `end` as it was when there is none.
 */
static __always_inline __u32 exit_data_fill(struct scry_rec_sys_exit *r, __u32 off, __u32 end,
					    const struct scry_sysarg *sa, long ret, const __u32 cap)
{
	__u32 i = (sa->data & SCRY_DATA_POS) - 1, want, n;
	struct scry_exit_data *d;
	__u64 uaddr, iovcnt;

	off = (off + 7) & ~7U;
	if (off > sizeof(struct scry_sock_addr) + SCRY_UNIX_NAME_MAX)
		return end;
	d = (void *)r->path + off;
	if (i >= SCRY_NARGS - 1)
		return end;
	uaddr = r->args[i];
	iovcnt = r->args[i + 1];
	/*
	 * poll's result counts ready fds, not bytes, and they may be anywhere in the array: the
	 * first nfds whole pollfds (8 bytes each) that snaplen holds.
	 */
	if (sa->data & SCRY_DATA_POLL)
		want = iovcnt < snaplen / 8 ? iovcnt * 8 : snaplen & ~7U;
	else
		want = ret < snaplen ? ret : snaplen;
	if (want > cap)
		want = cap;
	if (!want)	/* -s below 8: not one whole pollfd */
		return end;
	/*
	 * MSG_TRUNC (0x20) in a receive's flags (recvfrom's after buf and size, recvmsg's after
	 * the msghdr): the result may be the datagram's length, not what the buffer got.
	 */
	if (sa->data & SCRY_DATA_RECV) {
		__u32 fl = sa->data & SCRY_DATA_MSG ? i + 1 : i + 2;

		if (fl >= SCRY_NARGS || (r->args[fl] & 0x20))
			return end;
	}
	/* a plain buffer: never more than the call's own count */
	if (!(sa->data & (SCRY_DATA_IOV | SCRY_DATA_MSG | SCRY_DATA_POLL)) && iovcnt < want)
		want = iovcnt;
	n = data_copy(d->data, uaddr, iovcnt, sa->data, want, cap);
	if (!n)
		return end;
	d->len = n;
	d->__pad = 0;
	r->xflags |= sa->data & SCRY_DATA_POLL ? SCRY_SX_POLL : SCRY_SX_DATA;
	return SCRY_SYS_EXIT_ARGS + off + sizeof(*d) + ((n + 7) & ~7U);
}

#endif /* SCRY_IODATA_BPF_H */
