// SPDX-License-Identifier: GPL-2.0
/*
 * The sockets open now, from the task_file iterator (bpf/iter.bpf.c): loaded, run once and
 * unloaded again. Its own skeleton, so that a kernel refusing it (no bpf_sock_from_file, no BPF
 * iterators: before 5.11) loses the seed and nothing else.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "iter.skel.h"
#include "scry/event.h"
#include "scry/probe.h"
#include "internal.h"

/* Appends what `fd` reads to *buf; 0 or -errno. */
static int read_all(int fd, struct scry_iter_sock **buf, size_t *n)
{
	size_t cap = 256, len = 0;
	uint8_t *b = malloc(cap * sizeof(**buf)), *nb;
	ssize_t got;

	if (!b)
		return -ENOMEM;
	for (;;) {
		if (len + sizeof(**buf) > cap * sizeof(**buf)) {
			cap *= 2;
			nb = realloc(b, cap * sizeof(**buf));
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
		}
		got = read(fd, b + len, cap * sizeof(**buf) - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(b);
			return -errno;
		}
		if (!got)
			break;
		len += got;
	}
	*buf = (struct scry_iter_sock *)b;
	*n = len / sizeof(**buf);
	return 0;
}

int probe__list_socks(const char *btf_path, struct scry_iter_sock **out, size_t *n)
{
	char btf_buf[PATH_MAX];
	LIBBPF_OPTS(bpf_object_open_opts, oo,
		    .btf_custom_path = probe_btf_path(btf_path, btf_buf, sizeof(btf_buf)));
	struct bpf_link *link = NULL;
	struct iter_bpf *skel;
	int fd = -1, err;

	*out = NULL;
	*n = 0;
	skel = iter_bpf__open_opts(&oo);
	if (!skel)
		return -errno ? -errno : -EINVAL;
	skel->rodata->self_tgid = getpid();
	err = iter_bpf__load(skel);
	if (err)
		goto cleanup;
	link = bpf_program__attach_iter(skel->progs.scry_sock_seed, NULL);
	if (!link) {
		err = -errno;
		goto cleanup;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	err = read_all(fd, out, n);
cleanup:
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	iter_bpf__destroy(skel);
	return err;
}
