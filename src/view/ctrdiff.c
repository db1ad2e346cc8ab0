// SPDX-License-Identifier: GPL-2.0
/*
 * issue 18 (diff18): container_diff, a live `docker diff`. The syscall exits of each container's
 * processes that make, write, change, remove and rename files (opens, the write family,
 * unlink*, rename*, mkdir*, rmdir, link*, symlink*, mknod*, chmod/chown/truncate/utimes/xattr
 * and their fd forms) become its changes (src/state/fsdiff.c), listed at the end of the run (a
 * capture's end on replay) as docker diff lists them: A, C, D and the path as the container sees
 * it, with the bytes written, the process that last changed it and the path on the host (the
 * container root's upper directory, where the runtime said it).
 *
 * Paths come from the calls' arguments made absolute against their dirfd or the process's cwd
 * (the fd table's), names of fds for the fd calls and the writes. What is not the container's
 * root filesystem is left out: the runtime's mounts (/proc, /sys, /dev, the files Docker binds
 * over /etc/hosts, /etc/hostname, /etc/resolv.conf), the container's volumes and binds, and
 * paths under the root's host directory (its runtime setting it up before pivot_root).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/chisel.h"
#include "scry/chisel_calc.h"
#include "scry/container.h"
#include "scry/decode.h"
#include "scry/fsdiff.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH	0x1000
#endif
#define AT_REMOVEDIR_	0x200
#define RENAME_EXCHANGE_ 2	/* renameat2: the two swap, both stay */

/* What a call does to the files, by name (the fd table keeps its fds apart: fdops.c). */
enum cd_act {
	CD_NONE = 0,
	CD_OPEN,	/* the fd it returned: made (SCRY_SX_CREATED), or opened for writing */
	CD_WRITE,	/* bytes into its fd (the syscall table's io class) */
	CD_FD,		/* metadata of its fd's file (fchmod, fchown, ftruncate, fsetxattr...) */
	CD_PATH,	/* metadata of its path's file (chmod, chown, truncate, utimes...) */
	CD_MAKE,	/* a file at its path (mknod) */
	CD_MAKE2,	/* a file at its second path (link, symlink) */
	CD_MKDIR,
	CD_UNLINK,
	CD_UNLINKAT,	/* unlink, or rmdir with AT_REMOVEDIR */
	CD_RMDIR,
	CD_RENAME,
	CD_SEEN,	/* found its path there (stat, access): a rename onto it replaces it */
};

static const struct {
	const char *name;
	uint8_t act;
} acts[] = {
	{ "open", CD_OPEN }, { "openat", CD_OPEN }, { "openat2", CD_OPEN }, { "creat", CD_OPEN },
	{ "write", CD_WRITE }, { "pwrite64", CD_WRITE }, { "writev", CD_WRITE },
	{ "pwritev", CD_WRITE }, { "pwritev2", CD_WRITE }, { "sendfile", CD_WRITE },
	{ "splice", CD_WRITE }, { "copy_file_range", CD_WRITE },
	{ "fchmod", CD_FD }, { "fchown", CD_FD }, { "ftruncate", CD_FD }, { "fallocate", CD_FD },
	{ "fsetxattr", CD_FD },
	{ "chmod", CD_PATH }, { "fchmodat", CD_PATH }, { "fchmodat2", CD_PATH },
	{ "chown", CD_PATH }, { "lchown", CD_PATH }, { "fchownat", CD_PATH },
	{ "truncate", CD_PATH }, { "utimensat", CD_PATH }, { "utimes", CD_PATH },
	{ "utime", CD_PATH }, { "setxattr", CD_PATH }, { "lsetxattr", CD_PATH },
	{ "removexattr", CD_PATH }, { "lremovexattr", CD_PATH },
	{ "mknod", CD_MAKE }, { "mknodat", CD_MAKE },
	{ "link", CD_MAKE2 }, { "linkat", CD_MAKE2 }, { "symlink", CD_MAKE2 },
	{ "symlinkat", CD_MAKE2 },
	{ "mkdir", CD_MKDIR }, { "mkdirat", CD_MKDIR },
	{ "unlink", CD_UNLINK }, { "unlinkat", CD_UNLINKAT }, { "rmdir", CD_RMDIR },
	{ "rename", CD_RENAME }, { "renameat", CD_RENAME }, { "renameat2", CD_RENAME },
	{ "stat", CD_SEEN }, { "lstat", CD_SEEN }, { "newfstatat", CD_SEEN }, { "statx", CD_SEEN },
	{ "access", CD_SEEN }, { "faccessat", CD_SEEN }, { "faccessat2", CD_SEEN },
};

/* Docker's mounts over the root filesystem in every container (its OCI spec's defaults). */
static const char *const runtime_mounts[] = {
	"/proc", "/sys", "/dev", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf",
};

struct ctr_diff {
	struct scry_container *c;	/* pinned */
	struct fsdiff *d;
	char *merged;			/* its root's host directory (overlay2: beside upper) */
	size_t merged_len;
	bool merged_known;
};

struct ctrdiff {
	const struct run_ctx *run;
	bool json;
	uint8_t act_of[SCRY_NR_SYSCALLS];
	struct hashmap *ctrs;		/* container pointer -> struct ctr_diff */
	uint64_t unresolved;		/* paths the fd table could not make absolute */
	uint64_t failed;		/* changes not kept (no memory) */
	struct obuf out;
};

static uint64_t arg(const struct scry_event *ev, uint8_t pos)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;

	return pos && pos <= x->nargs ? x->args[pos - 1] : 0;
}

static bool under(const char *p, size_t n, const char *dir, size_t dn)
{
	return n >= dn && !memcmp(p, dir, dn) && (n == dn || p[dn] == '/');
}

/* Overlay2 keeps a layer's upper directory as <id>/diff and mounts it at <id>/merged. */
static void learn_merged(struct ctr_diff *cd)
{
	const char *up = cd->c->meta.upper_dir;
	size_t n;

	if (cd->merged_known || !up)
		return;
	cd->merged_known = true;
	n = strlen(up);
	if (n < 6 || strcmp(up + n - 5, "/diff"))
		return;
	if ((cd->merged = malloc(n + 3))) {
		memcpy(cd->merged, up, n - 4);
		strcpy(cd->merged + n - 4, "merged");
		cd->merged_len = n + 2;
	}
}

/*
 * Whether a path is on the container's root filesystem: not below one of the runtime's mounts or
 * the container's volumes, nor below the root's host directory (the runtime setting it up before
 * pivot_root). Judged at the end: the runtime's answer (mounts, upper directory) may come after
 * the container's first calls.
 */
static bool on_root(void *ctx, const char *p)
{
	struct ctr_diff *cd = ctx;
	const struct ctr_meta *m = &cd->c->meta;
	size_t n = strlen(p), i;

	learn_merged(cd);
	if (cd->merged && under(p, n, cd->merged, cd->merged_len))
		return false;
	for (i = 0; i < ARRAY_SIZE(runtime_mounts); i++)
		if (under(p, n, runtime_mounts[i], strlen(runtime_mounts[i])))
			return false;
	for (i = 0; i < m->nmounts; i++)
		if (m->mounts[i].dest && under(p, n, m->mounts[i].dest, strlen(m->mounts[i].dest)))
			return false;
	return true;
}

static struct ctr_diff *ctr_of(struct ctrdiff *s, struct scry_container *c)
{
	struct ctr_diff *cd = hashmap__find(s->ctrs, (uintptr_t)c);

	if (cd)
		return cd;
	cd = calloc(1, sizeof(*cd));
	if (!cd || !(cd->d = fsdiff__new()) || hashmap__set(s->ctrs, (uintptr_t)c, cd)) {
		if (cd)
			fsdiff__free(cd->d);
		free(cd);
		return NULL;
	}
	cd->c = c;
	c->pins++;
	return cd;
}

/* A path argument made absolute (dirfd position `dpos`, 0: the cwd); false if it cannot be. */
static bool resolve(struct ctrdiff *s, const struct scry_event *ev, uint8_t dpos,
		    const char *path, struct sbuf *b)
{
	int64_t dirfd = dpos ? (int32_t)arg(ev, dpos) : AT_FDCWD;

	/* an empty path with AT_EMPTY_PATH (fchownat), or none (utimensat): the dirfd's file */
	if (!path || !path[0]) {
		const struct scry_fd *f = dirfd >= 0 ? fdtab__get(ev->proc, dirfd) : NULL;

		if (!f || f->name[0] != '/' || (f->flags & FDE_RELATIVE))
			goto unresolved;
		sbuf__puts(b, f->name);
		return true;
	}
	if (fdtab__resolve(ev->proc, dirfd, path, b))
		return true;
unresolved:
	/* a change not listed; a stat's hint (CD_SEEN) not kept is no loss */
	if (s->act_of[ev->nr] != CD_SEEN)
		s->unresolved++;
	return false;
}

/* A path found there: only remembered (no change). */
static void seen(struct ctrdiff *s, const struct scry_event *ev, const char *path)
{
	struct ctr_diff *cd = ctr_of(s, ev->container);

	if (cd && path[0] == '/')
		fsdiff__seen(cd->d, path);
}

static void apply(struct ctrdiff *s, const struct scry_event *ev, enum fsdiff_op op,
		  const char *path, const char *path2, uint64_t bytes)
{
	struct ctr_diff *cd = ctr_of(s, ev->container);
	struct fsdiff_who who = { ev->proc->pid };

	if (!cd) {
		s->failed++;
		return;
	}
	memcpy(who.comm, ev->proc->comm, SCRY_COMM_LEN);
	if (fsdiff__op(cd->d, op, path, path2, bytes, &who) == -ENOMEM)
		s->failed++;
}

/* The file an fd stands for, if it is a regular file with a known absolute name. */
static const struct scry_fd *file_of(const struct scry_event *ev, int64_t fd, uint8_t kind)
{
	const struct scry_fd *f = fd >= 0 ? fdtab__of_event(ev, fd, kind) : NULL;

	if (!f || f->type != SCRY_FDT_FILE || f->name[0] != '/' ||
	    (f->flags & (FDE_RELATIVE | FDE_TRUNC)))
		return NULL;
	return f;
}

static void on_write(struct ctrdiff *s, const struct scry_event *ev, const struct syscall_desc *d)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	uint8_t pos = d->io == IO_XFER_AB ? d->fd_b : d->fd_a;
	uint8_t kind = x->fd_kind[pos == d->fd_a ? 0 : 1];
	const struct scry_fd *f = file_of(ev, (int32_t)arg(ev, pos), kind);

	if (f && ev->res > 0)
		apply(s, ev, FSD_CHANGE, f->name, NULL, ev->res);
}

static void on_open(struct ctrdiff *s, const struct scry_event *ev)
{
	const struct scry_fd *f = fdtab__get(ev->proc, ev->res);

	if (!f || f->type != SCRY_FDT_FILE)
		return;
	/* its name not known whole: the change is not listed, and said */
	if (f->name[0] != '/' || (f->flags & (FDE_RELATIVE | FDE_TRUNC))) {
		s->unresolved += (f->oflags & O_ACCMODE) != O_RDONLY ||
				 (ev->rec->exit.xflags & SCRY_SX_CREATED);
		return;
	}
	if (ev->rec->exit.xflags & SCRY_SX_CREATED)
		apply(s, ev, FSD_CREATE, f->name, NULL, 0);
	/* opened for writing: the overlay copies it up, and docker diff lists it */
	else if ((f->oflags & O_ACCMODE) != O_RDONLY || (f->oflags & O_TRUNC))
		apply(s, ev, FSD_CHANGE, f->name, NULL, 0);
	else
		seen(s, ev, f->name);
}

static int ctrdiff_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct ctrdiff *s = ctx;
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	const struct syscall_desc *d;
	char buf[SCRY_FD_NAME_MAX + 2], buf2[SCRY_FD_NAME_MAX + 2];
	const char *p2;
	struct sbuf b, b2;
	size_t n2;
	uint8_t act;

	if (!matched || ev->type != SCRY_REC_SYS_EXIT || ev->res < 0 || !ev->proc ||
	    !ev->container || ev->size < SCRY_SYS_EXIT_ARGS || ev->nr >= SCRY_NR_SYSCALLS ||
	    !(act = s->act_of[ev->nr]) || !(d = syscall_desc(ev->nr)))
		return 0;
	if (act == CD_OPEN)
		return on_open(s, ev), 0;
	if (act == CD_WRITE)
		return on_write(s, ev, d), 0;
	if (act == CD_FD) {
		const struct scry_fd *f = file_of(ev, (int32_t)arg(ev, d->fd_a), x->fd_kind[0]);

		if (f)
			apply(s, ev, FSD_CHANGE, f->name, NULL, 0);
		return 0;
	}
	/* a path the call was given: read whole from user memory, else not trusted (and said) */
	if ((ev->rec->h.flags & SCRY_HF_TRUNC) || (x->xflags & (SCRY_SX_SOCK | SCRY_SX_FDPAIR))) {
		s->unresolved += act != CD_SEEN;
		return 0;
	}
	sbuf__init(&b, buf, sizeof(buf));
	sbuf__init(&b2, buf2, sizeof(buf2));
	if (act == CD_MAKE2 || act == CD_RENAME) {
		if (!(p2 = evt_exit_path2(ev, &n2)) || !resolve(s, ev, d->dirfd2, p2, &b2))
			return 0;
		if (act == CD_MAKE2)
			return apply(s, ev, FSD_CREATE, b2.buf, NULL, 0), 0;
	}
	if (!resolve(s, ev, d->dirfd, x->path_len ? x->path : NULL, &b))
		return 0;
	switch (act) {
	case CD_SEEN:
		seen(s, ev, b.buf);
		break;
	case CD_PATH:
		/* fchownat and utimensat with AT_EMPTY_PATH or no path: the dirfd's file */
		apply(s, ev, FSD_CHANGE, b.buf, NULL, 0);
		break;
	case CD_MAKE:
		apply(s, ev, FSD_CREATE, b.buf, NULL, 0);
		break;
	case CD_MKDIR:
		apply(s, ev, FSD_MKDIR, b.buf, NULL, 0);
		break;
	case CD_UNLINK:
		apply(s, ev, FSD_REMOVE, b.buf, NULL, 0);
		break;
	case CD_UNLINKAT:
		apply(s, ev, (arg(ev, 3) & AT_REMOVEDIR_) ? FSD_RMDIR : FSD_REMOVE, b.buf, NULL, 0);
		break;
	case CD_RMDIR:
		apply(s, ev, FSD_RMDIR, b.buf, NULL, 0);
		break;
	case CD_RENAME:
		if (!strcmp(d->name, "renameat2") && (arg(ev, 5) & RENAME_EXCHANGE_)) {
			apply(s, ev, FSD_CHANGE, b.buf, NULL, 0);
			apply(s, ev, FSD_CHANGE, b2.buf, NULL, 0);
			break;
		}
		apply(s, ev, FSD_RENAME, b.buf, b2.buf, 0);
		break;
	}
	return 0;
}

static int ctrdiff_tick(void *ctx, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	return 0;
}

static int cd_cmp(const void *a, const void *b)
{
	const struct ctr_diff *x = *(const struct ctr_diff *const *)a;
	const struct ctr_diff *y = *(const struct ctr_diff *const *)b;
	int r = strcmp(ctr_name(x->c), ctr_name(y->c));

	return r ? r : strcmp(x->c->id, y->c->id);
}

static void put_json(struct ctrdiff *s, const struct ctr_diff *cd, const struct fsdiff_change *c,
		     bool first)
{
	const char *up = cd->c->meta.upper_dir, *name = ctr_name(cd->c);
	struct obuf *o = &s->out;

	obuf__puts(o, first ? "{" : ",\n{");
	obuf__puts(o, "\"container.id\":");
	obuf__json_str(o, cd->c->short_id, strlen(cd->c->short_id));
	obuf__puts(o, ",\"container.name\":");
	obuf__json_str(o, name, strlen(name));
	obuf__printf(o, ",\"kind\":\"%c\",\"path\":", c->kind);
	obuf__json_str(o, c->path, strlen(c->path));
	obuf__printf(o, ",\"dir\":%s,\"bytes\":%llu", c->dir ? "true" : "false",
		     (unsigned long long)c->bytes);
	if (c->who.pid) {
		obuf__puts(o, ",\"proc.name\":");
		obuf__json_str(o, c->who.comm, strnlen(c->who.comm, SCRY_COMM_LEN));
		obuf__printf(o, ",\"proc.pid\":%u", c->who.pid);
	}
	if (up) {
		size_t a = strlen(up), b = strlen(c->path);
		char *hp = malloc(a + b + 1);

		if (hp) {
			memcpy(hp, up, a);
			memcpy(hp + a, c->path, b + 1);
			obuf__puts(o, ",\"host_path\":");
			obuf__json_str(o, hp, a + b);
			free(hp);
		}
	}
	obuf__putc(o, '}');
}

static void put_text(struct ctrdiff *s, const struct ctr_diff *cd, const struct fsdiff_change *c)
{
	const char *up = cd->c->meta.upper_dir, *name = ctr_name(cd->c);
	struct obuf *o = &s->out;
	char who[48];

	obuf__text_col(o, name, strlen(name), 20, 19);
	obuf__printf(o, "%c ", c->kind);
	obuf__text_col(o, c->path, strlen(c->path), 40, 0);
	obuf__printf(o, " %12llu  ", (unsigned long long)c->bytes);
	if (c->who.pid)
		snprintf(who, sizeof(who), "%.*s (%u)", SCRY_COMM_LEN, c->who.comm, c->who.pid);
	else
		snprintf(who, sizeof(who), "-");
	obuf__text_col(o, who, strlen(who), 24, 0);
	if (up) {
		obuf__putc(o, ' ');
		obuf__text(o, up, strlen(up));
		obuf__text(o, c->path, strlen(c->path));
	}
	obuf__putc(o, '\n');
}

static int ctrdiff_finish(void *ctx)
{
	struct ctrdiff *s = ctx;
	struct ctr_diff **v = NULL;
	size_t n = 0, pos = 0, i, j;
	bool first = true;
	uint64_t key;
	void *val;
	int err = 0;

	if (hashmap__size(s->ctrs) && !(v = calloc(hashmap__size(s->ctrs), sizeof(*v))))
		return -ENOMEM;
	while (hashmap__next(s->ctrs, &pos, &key, &val))
		v[n++] = val;
	if (n)
		qsort(v, n, sizeof(*v), cd_cmp);
	if (s->json)
		obuf__putc(&s->out, '[');
	else
		obuf__printf(&s->out, "%-20s%s %-40s %12s  %-24s %s\n", "CONTAINER", "K", "PATH",
			     "BYTES", "PROCESS", "HOST PATH");
	for (i = 0; i < n && !err; i++) {
		struct fsdiff_change *c;
		size_t nc;

		c = fsdiff__changes(v[i]->d, on_root, v[i], &nc, &err);
		for (j = 0; j < nc && !s->out.broken; j++) {
			if (s->json)
				put_json(s, v[i], &c[j], first);
			else
				put_text(s, v[i], &c[j]);
			first = false;
		}
		free(c);
		if (fsdiff__lost(v[i]->d))
			log_warn("container_diff: %s: %llu changes to new paths not kept "
				 "(%u at most)", ctr_name(v[i]->c),
				 (unsigned long long)fsdiff__lost(v[i]->d), FSDIFF_MAX);
	}
	if (s->json)
		obuf__write(&s->out, "]\n", 2);
	free(v);
	if (s->failed)
		log_warn("container_diff: %llu changes not kept (no memory)",
			 (unsigned long long)s->failed);
	if (s->unresolved)
		log_warn("container_diff: %llu paths not resolved (their directory not known, or "
			 "cut at 256 bytes): their changes are not listed",
			    (unsigned long long)s->unresolved);
	obuf__flush(&s->out);
	return err ?: s->out.err;
}

static void ctrdiff_free(void *ctx)
{
	struct ctrdiff *s = ctx;
	size_t pos = 0;
	uint64_t key;
	void *val;

	if (!s)
		return;
	while (s->ctrs && hashmap__next(s->ctrs, &pos, &key, &val)) {
		struct ctr_diff *cd = val;

		if (cd->c->pins)
			cd->c->pins--;
		fsdiff__free(cd->d);
		free(cd->merged);
		free(cd);
	}
	hashmap__free(s->ctrs);
	free(s);
}

const struct sink_ops ctrdiff_ops = SINK_OPS(ctrdiff, "container_diff", 0);

void *ctrdiff__new(const struct chisel_ctx *o, const struct run_ctx *run)
{
	struct ctrdiff *s = calloc(1, sizeof(*s));
	size_t i;
	int nr;

	if (!s || !(s->ctrs = hashmap__new(16))) {
		free(s);
		return NULL;
	}
	s->run = run;
	s->json = o->json;
	for (i = 0; i < ARRAY_SIZE(acts); i++)
		if ((nr = syscall_lookup(acts[i].name)) >= 0 && nr < SCRY_NR_SYSCALLS)
			s->act_of[nr] = acts[i].act;
	obuf__init(&s->out, o->fd);
	return s;
}
