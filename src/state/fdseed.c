// SPDX-License-Identifier: GPL-2.0
/*
 * The fds open when scry started, and those of the table when a capture file starts, as fd seed
 * records (see scry/state.h). A name is what /proc shows (readlink of the fd: no symlink is
 * resolved beyond what the kernel's d_path gives), and hostile text: only carried, never parsed
 * for anything but its kind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scry/state.h"
#include "scry/util.h"

#define AF_UNIX_	1
#define AF_INET_	2
#define AF_INET6_	10
#define AF_NETLINK_	16
#define SOCK_STREAM_	1
#define SOCK_DGRAM_	2
#define TCP_LISTEN_	0x0a
#define O_CLOEXEC_	02000000	/* fdinfo's flags are the generic octal ones */
#define DELETED		" (deleted)"	/* d_path's mark of an unlinked file */

/* --- from the table: a next capture file's seeds ---------------------------------------------- */

static void seed_head(const struct scry_proc *p, uint64_t ts, struct scry_rec_fd_seed *r)
{
	memset(r, 0, SCRY_FD_SEED_FIXED);
	r->h.type = SCRY_REC_FD_SEED;
	r->h.ts = ts;
	r->h.pid = r->h.tid = p->pid;
	r->h.cgid = p->cgid;
	memcpy(r->h.comm, p->comm, SCRY_COMM_LEN);
}

/* name (len bytes) after `pre` bytes already in name[], with its NUL; false if it does not fit. */
static bool seed_name(struct scry_rec_fd_seed *r, size_t pre, const char *name, size_t len)
{
	if (pre + len + 1 > SCRY_FD_NAME_MAX)
		return false;
	memcpy(r->name + pre, name, len);
	r->name[pre + len] = '\0';
	r->name_len = pre + len + 1;
	r->h.size = SCRY_FD_SEED_FIXED + r->name_len;
	return true;
}

bool fd_seed_of(const struct scry_proc *p, const struct scry_fd *f, uint64_t ts,
		struct scry_rec_fd_seed *r)
{
	const char *name = f->name ? f->name : "";
	size_t pre = 0;

	seed_head(p, ts, r);
	r->fd = f->fd;
	r->type = f->type < SCRY_FDT__MAX ? f->type : SCRY_FDT_UNKNOWN;
	r->oflags = f->oflags;
	r->dev = f->dev;
	r->ino = f->ino;
	r->xflags = (f->flags & FDE_CLOEXEC ? SCRY_FDS_CLOEXEC : 0) |
		    (f->flags & FDE_TRUNC ? SCRY_FDS_TRUNC : 0) |
		    (f->sock && (f->flags & FDE_SERVER) ? SCRY_FDS_SERVER : 0);
	r->h.size = SCRY_FD_SEED_FIXED;
	if (f->sock) {
		/* The addresses, then the unix name (or an empty one): as the exit carried them. */
		r->xflags |= SCRY_FDS_SOCK;
		memcpy(r->name, &f->sa, sizeof(f->sa));
		pre = sizeof(f->sa);
	} else if (!f->name_len) {
		return true;
	}
	return seed_name(r, pre, name, strnlen(name, f->name_len));
}

bool fd_seed_cwd(const struct scry_proc *p, uint64_t ts, struct scry_rec_fd_seed *r)
{
	if (!p->cwd)
		return false;
	seed_head(p, ts, r);
	r->fd = SCRY_FD_CWD;
	r->type = SCRY_FDT_DIR;
	return seed_name(r, 0, p->cwd, strlen(p->cwd));
}

/* --- from procfs: the sockets' addresses ------------------------------------------------------ */

/* A socket as its namespace's /proc/net tables show it, by inode (one sockfs for all). */
struct sock_ent {
	struct scry_sock_addr sa;
	uint8_t type;		/* enum scry_fd_type */
	uint8_t state;		/* TCP's (0A: listening) */
	bool server;		/* a TCP connection whose local port is listened on: accepted */
	bool forged;		/* two unix lines said this inode: a name with a newline lied */
	char name[SCRY_UNIX_NAME_MAX];	/* a unix socket's, '@' for an abstract one's NUL */
};

struct scan {
	const struct fd_seed_opts *o;
	struct fd_seed_stats *st;
	struct hashmap *socks;	/* inode -> struct sock_ent */
	struct hashmap *netns;	/* namespaces whose tables are read */
	uint32_t netns_pid;	/* the process whose namespace was made sure of last */
	struct hashmap *listen;	/* the namespace being read: its TCP ports listened on */
	struct sock_ent **conns;	/* ... and its TCP connections, to tell their ends */
	size_t nconns, conns_cap;
	struct scry_rec_fd_seed rec;
	char path[256];
};

/* The hex of an address as the kernel prints it: each 32-bit word in host order. */
static bool hex_addr(const char *s, size_t len, uint8_t out[16])
{
	char word[9];
	size_t i;

	if (len != 8 && len != 32)
		return false;
	for (i = 0; i < len / 8; i++) {
		uint32_t v;
		char *end;

		memcpy(word, s + 8 * i, 8);
		word[8] = '\0';
		v = strtoul(word, &end, 16);
		if (*end)
			return false;
		memcpy(out + 4 * i, &v, 4);
	}
	return true;
}

/*
 * A new entry for inode `ino`. An IP or netlink table's fixed-format line is the truth, and
 * takes the place of a unix line (which may be forged, see read_unix); NULL when the inode has
 * its entry already.
 */
static struct sock_ent *sock_new(struct scan *sc, uint64_t ino, uint8_t type)
{
	struct sock_ent *e = hashmap__find(sc->socks, ino);

	if (e && (type == SCRY_FDT_UNIX || e->type != SCRY_FDT_UNIX))
		return NULL;
	if (e) {
		memset(e, 0, sizeof(*e));
	} else {
		if (!(e = calloc(1, sizeof(*e))))
			return NULL;
		if (hashmap__set(sc->socks, ino, e)) {
			free(e);
			return NULL;
		}
	}
	e->type = type;
	return e;
}

static void conn_add(struct scan *sc, struct sock_ent *e)
{
	struct sock_ent **n;

	if (sc->nconns == sc->conns_cap) {
		sc->conns_cap = sc->conns_cap ? 2 * sc->conns_cap : 64;
		n = realloc(sc->conns, sc->conns_cap * sizeof(*n));
		if (!n) {
			sc->conns_cap = sc->nconns;
			return;	/* its end unknown: taken for the client */
		}
		sc->conns = n;
	}
	sc->conns[sc->nconns++] = e;
}

/* tcp, tcp6, udp, udp6: "sl: LADDR:LPORT RADDR:RPORT st ... inode". */
static void read_inet(struct scan *sc, FILE *f, uint16_t family, uint8_t proto)
{
	char line[512], la[40], ra[40];
	unsigned int lport, rport, state;
	unsigned long long ino;
	struct sock_ent *e;

	while (fgets(line, sizeof(line), f)) {
		uint8_t l[16] = { 0 }, r[16] = { 0 };

		if (sscanf(line, " %*u: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %*x:%*x %*x:%*x %*x "
			   "%*u %*u %llu", la, &lport, ra, &rport, &state, &ino) != 6 || !ino ||
		    !hex_addr(la, strlen(la), l) || !hex_addr(ra, strlen(ra), r) ||
		    !(e = sock_new(sc, ino, family == AF_INET_ ? SCRY_FDT_IPV4 : SCRY_FDT_IPV6)))
			continue;
		e->state = state;
		if (proto == 6 && state == TCP_LISTEN_ && sc->listen)
			hashmap__set(sc->listen, lport, (void *)1);
		else if (proto == 6 && rport)
			conn_add(sc, e);
		e->sa.family = family;
		e->sa.protocol = proto;
		e->sa.sktype = proto == 6 ? SOCK_STREAM_ : SOCK_DGRAM_;
		e->sa.lport = lport;
		e->sa.rport = rport;
		memcpy(e->sa.laddr, l, sizeof(l));
		memcpy(e->sa.raddr, r, sizeof(r));
	}
}

/* "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode": Eth is the netlink protocol. */
static void read_netlink(struct scan *sc, FILE *f)
{
	char line[512];
	unsigned long long ino;
	unsigned int proto;
	struct sock_ent *e;

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*x %u %*u %*x %*d %*d %*d %*d %*d %llu", &proto, &ino) != 2 ||
		    !ino || !(e = sock_new(sc, ino, SCRY_FDT_NETLINK)))
			continue;
		e->sa.family = AF_NETLINK_;
		e->sa.sktype = 3;	/* SOCK_RAW (netlink's DGRAM alike: /proc does not say) */
		e->sa.protocol = proto;
	}
}

/*
 * "Num RefCount Protocol Flags Type St Inode[ Path]". The path is printed raw, newlines and all:
 * a name can end a line early and forge the next one for another inode, so an inode two lines
 * claim gets no name, and a line names only an inode no IP or netlink table has.
 */
static void read_unix(struct scan *sc, FILE *f)
{
	unsigned long long ino;
	unsigned int type;
	struct sock_ent *e, *last = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int at;

	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		at = 0;
		if (sscanf(line, "%*x: %*x %*x %*x %x %*x %llu%n", &type, &ino, &at) != 2 || !at ||
		    !ino || (line[at] && line[at] != ' ')) {
			/* the rest of the name before: cut at a newline, it names nothing */
			if (last)
				last->forged = true;
			continue;
		}
		last = NULL;
		e = hashmap__find(sc->socks, ino);
		if (e) {
			if (e->type == SCRY_FDT_UNIX)
				e->forged = true;
			continue;
		}
		if (!(e = sock_new(sc, ino, SCRY_FDT_UNIX)))
			continue;
		e->sa.family = AF_UNIX_;
		e->sa.sktype = type;
		if (line[at] == ' ') {
			snprintf(e->name, sizeof(e->name), "%s", line + at + 1);
			last = e;
		}
	}
	free(line);
}

static const struct {
	const char *file;
	uint16_t family;
	uint8_t proto;		/* 0: not an IP table */
} net_tables[] = {
	{ "tcp", AF_INET_, 6 },
	{ "tcp6", AF_INET6_, 6 },
	{ "udp", AF_INET_, 17 },
	{ "udp6", AF_INET6_, 17 },
	{ "netlink", AF_NETLINK_, 0 },
	{ "unix", AF_UNIX_, 0 },	/* last: its lines can lie (see read_unix) */
};

/* The tables of pid's network namespace, once per namespace. */
static void read_netns(struct scan *sc, uint32_t pid)
{
	char link[64];
	unsigned long long ns = 0;
	ssize_t n;
	size_t i;

	snprintf(sc->path, sizeof(sc->path), "%s/%u/ns/net", sc->o->procfs, pid);
	n = readlink(sc->path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		sscanf(link, "net:[%llu]", &ns);
	}
	/* Unknown namespace: read this process's tables (they are its namespace's anyway). */
	if (ns && (hashmap__find(sc->netns, ns) || hashmap__set(sc->netns, ns, (void *)1)))
		return;
	/*
	 * A connection is the server end if its local port is listened on in its namespace (any
	 * address: a wildcard listens on all, IPv4 through an IPv6 socket too), as sock_seed_settle
	 * says: a connected socket's ephemeral port nothing listens on.
	 */
	sc->listen = hashmap__new(64);
	sc->nconns = 0;
	for (i = 0; i < ARRAY_SIZE(net_tables); i++) {
		FILE *f;

		snprintf(sc->path, sizeof(sc->path), "%s/%u/net/%s", sc->o->procfs, pid,
			 net_tables[i].file);
		f = fopen(sc->path, "re");
		if (!f)
			continue;
		if (net_tables[i].proto)
			read_inet(sc, f, net_tables[i].family, net_tables[i].proto);
		else if (net_tables[i].family == AF_NETLINK_)
			read_netlink(sc, f);
		else
			read_unix(sc, f);
		fclose(f);
	}
	for (i = 0; i < sc->nconns && sc->listen; i++)
		sc->conns[i]->server = hashmap__find(sc->listen, sc->conns[i]->sa.lport) != NULL;
	hashmap__free(sc->listen);
	sc->listen = NULL;
}

/* --- from procfs: one fd ---------------------------------------------------------------------- */

/*
 * Link text that is no path, by prefix: its kind. The name stays /proc's ("pipe:[N]",
 * "anon_inode:[eventfd]"), as the fd table names such an fd made while scry watches.
 */
static const struct {
	const char *prefix;
	uint8_t type;
} anon_kinds[] = {
	{ "pipe:[", SCRY_FDT_PIPE },
	{ "anon_inode:[eventfd]", SCRY_FDT_EVENT },
	{ "anon_inode:[eventpoll]", SCRY_FDT_EVENTPOLL },
	{ "anon_inode:[timerfd]", SCRY_FDT_TIMERFD },
	{ "anon_inode:[signalfd]", SCRY_FDT_SIGNALFD },
	{ "anon_inode:inotify", SCRY_FDT_INOTIFY },
	{ "anon_inode:[io_uring]", SCRY_FDT_IOURING },
	{ "anon_inode:[userfaultfd]", SCRY_FDT_USERFAULTFD },
	{ "anon_inode:[pidfd]", SCRY_FDT_PIDFD },
	{ "anon_inode:bpf", SCRY_FDT_BPF },	/* bpf-map, bpf-prog, bpf_link... */
};

static uint8_t mode_type(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
	case S_IFLNK:	/* O_PATH | O_NOFOLLOW */
		return SCRY_FDT_FILE;
	case S_IFDIR:
		return SCRY_FDT_DIR;
	case S_IFCHR:
		return SCRY_FDT_CHR;
	case S_IFBLK:
		return SCRY_FDT_BLK;
	case S_IFIFO:
		return SCRY_FDT_PIPE;
	default:
		return SCRY_FDT_UNKNOWN;
	}
}

static bool has_suffix(const char *s, size_t len, const char *suf)
{
	size_t n = strlen(suf);

	return len >= n && !memcmp(s + len - n, suf, n);
}

/* A socket's record: its addresses (and unix name) when a table of its namespace has it. */
static void sock_fd(struct scan *sc, struct scry_rec_fd_seed *r, uint32_t pid, const char *link)
{
	unsigned long long ino;
	struct sock_ent *e;

	r->type = SCRY_FDT_SOCK;
	r->name_len = 0;
	if (sscanf(link, "socket:[%llu]", &ino) != 1)
		return;
	if (!r->ino)
		r->ino = ino;
	/*
	 * Its namespace's tables before the lookup, even if another's named the inode: that may be
	 * a forged unix line, which the true line of this namespace replaces.
	 */
	if (sc->netns_pid != pid) {
		sc->netns_pid = pid;
		read_netns(sc, pid);
	}
	e = hashmap__find(sc->socks, ino);
	if (!e)
		return;	/* made after its namespace's tables were read, or of another family */
	r->type = e->type;
	r->xflags |= SCRY_FDS_SOCK | (e->server ? SCRY_FDS_SERVER : 0);
	memcpy(r->name, &e->sa, sizeof(e->sa));
	seed_name(r, sizeof(e->sa), e->name, e->forged ? 0 : strlen(e->name));
	sc->st->socks++;
}

/* fdinfo's "flags:\t0NNN": octal. */
static uint32_t fd_flags(int dirfd, const char *name)
{
	char buf[256], *p;
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "\nflags:");
	return p ? strtoul(p + 7, NULL, 8) : 0;
}

/*
 * Fills sc->rec from the link text (len bytes, or cut: trunc) and the target's stat (st NULL:
 * none). False: not worth a record (a path gone meanwhile).
 */
static bool classify(struct scan *sc, uint32_t pid, const char *link, size_t len, bool trunc,
		     const struct stat *st)
{
	struct scry_rec_fd_seed *r = &sc->rec;
	unsigned long long ino;
	size_t i;

	r->type = SCRY_FDT_UNKNOWN;
	if (st) {
		r->ino = st->st_ino;
		r->dev = (uint32_t)st->st_dev;	/* new_encode_dev, as stat gives it */
	}
	if (trunc)
		r->xflags |= SCRY_FDS_TRUNC;
	if (link[0] == '/') {
		if (!st)
			return false;
		r->type = mode_type(st->st_mode);
		/* A memfd is always "deleted": named as memfd_create's exit names it, without. */
		if (r->type == SCRY_FDT_FILE && !strncmp(link, "/memfd:", 7) &&
		    has_suffix(link, len, DELETED)) {
			r->type = SCRY_FDT_MEMFD;
			len -= strlen(DELETED);
		}
		return seed_name(r, 0, link, len);
	}
	if (!strncmp(link, "socket:[", 8)) {
		sock_fd(sc, r, pid, link);
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(anon_kinds); i++) {
		if (strncmp(link, anon_kinds[i].prefix, strlen(anon_kinds[i].prefix)))
			continue;
		r->type = anon_kinds[i].type;
		if (r->type == SCRY_FDT_PIPE && !r->ino && sscanf(link, "pipe:[%llu]", &ino) == 1)
			r->ino = ino;
		break;
	}
	return seed_name(r, 0, link, len);	/* another kind (unknown): /proc's words for it */
}

/* Reads one fd's link, stat and flags into sc->rec; false if it is gone or not worth one. */
static bool read_fd(struct scan *sc, uint32_t pid, int fddir, int infodir, const char *name)
{
	char link[SCRY_FD_NAME_MAX + 1];
	struct scry_rec_fd_seed *r = &sc->rec;
	struct stat st;
	bool have_st, trunc = false;
	uint32_t flags;
	ssize_t n;
	char *end;
	long fd = strtol(name, &end, 10);

	if (*end || fd < 0 || fd > INT32_MAX)
		return false;
	n = readlinkat(fddir, name, link, sizeof(link));
	if (n <= 0)
		return false;	/* closed meanwhile (or a name longer than a page) */
	if (n > SCRY_FD_NAME_MAX - 1) {
		n = SCRY_FD_NAME_MAX - 1;
		trunc = true;
	}
	link[n] = '\0';
	/* A socket's or pipe's inode is in its name; an anon inode's says nothing: paths alone. */
	have_st = link[0] == '/' && !fstatat(fddir, name, &st, 0);
	flags = infodir >= 0 ? fd_flags(infodir, name) : 0;
	memset(r, 0, SCRY_FD_SEED_FIXED);
	r->h.type = SCRY_REC_FD_SEED;
	r->h.size = SCRY_FD_SEED_FIXED;
	r->h.pid = r->h.tid = pid;
	r->h.ts = sc->o->ts;
	r->fd = fd;
	r->oflags = flags & ~O_CLOEXEC_;
	if (flags & O_CLOEXEC_)
		r->xflags |= SCRY_FDS_CLOEXEC;
	return classify(sc, pid, link, n, trunc, have_st ? &st : NULL);
}

/* The cwd (fd SCRY_FD_CWD): a directory by its path. */
static bool read_cwd(struct scan *sc, uint32_t pid)
{
	char link[SCRY_FD_NAME_MAX + 1];
	struct scry_rec_fd_seed *r = &sc->rec;
	struct stat st;
	ssize_t n;

	snprintf(sc->path, sizeof(sc->path), "%s/%u/cwd", sc->o->procfs, pid);
	n = readlink(sc->path, link, sizeof(link));
	if (n <= 0 || stat(sc->path, &st))
		return false;
	memset(r, 0, SCRY_FD_SEED_FIXED);
	r->h.type = SCRY_REC_FD_SEED;
	r->h.pid = r->h.tid = pid;
	r->h.ts = sc->o->ts;
	r->fd = SCRY_FD_CWD;
	if (n > SCRY_FD_NAME_MAX - 1) {
		n = SCRY_FD_NAME_MAX - 1;
		r->xflags |= SCRY_FDS_TRUNC;
	}
	r->type = SCRY_FDT_DIR;
	r->ino = st.st_ino;
	r->dev = (uint32_t)st.st_dev;
	return seed_name(r, 0, link, n);
}

static int emit(struct scan *sc)
{
	sc->st->fds++;
	return sc->o->emit ? sc->o->emit(sc->o->ctx, &sc->rec) : 0;
}

/* One process: its cwd, then its fds up to the bounds; 0 or emit's nonzero. */
static int scan_proc(struct scan *sc, uint32_t pid, uint64_t total_max)
{
	uint32_t proc_max = sc->o->proc_max ? sc->o->proc_max : FDTAB_PROC_MAX, held = 0;
	int infodir, err = 0;
	struct dirent *d;
	DIR *fds;

	snprintf(sc->path, sizeof(sc->path), "%s/%u/fd", sc->o->procfs, pid);
	fds = opendir(sc->path);
	if (!fds)
		return 0;	/* gone, or a kernel thread */
	snprintf(sc->path, sizeof(sc->path), "%s/%u/fdinfo", sc->o->procfs, pid);
	infodir = open(sc->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	sc->st->procs++;
	if (sc->st->fds >= total_max)
		sc->st->skipped++;	/* the cwd, past the bound in all */
	else if (read_cwd(sc, pid) && (err = emit(sc)))
		goto cleanup;
	while ((d = readdir(fds))) {
		if (d->d_name[0] == '.')
			continue;
		/* Past a bound, only counted: the work stays bounded by readdir's. */
		if (held >= proc_max || sc->st->fds >= total_max) {
			sc->st->skipped++;
			continue;
		}
		if (!read_fd(sc, pid, dirfd(fds), infodir, d->d_name))
			continue;
		held++;
		if ((err = emit(sc)))
			break;
	}
cleanup:
	if (infodir >= 0)
		close(infodir);
	closedir(fds);
	return err;
}

static void free_socks(struct hashmap *m)
{
	uint64_t key;
	size_t pos = 0;
	void *v;

	while (m && hashmap__next(m, &pos, &key, &v))
		free(v);
	hashmap__free(m);
}

int fd_seed_scan(const struct fd_seed_opts *o, struct fd_seed_stats *st)
{
	uint64_t total_max = o->total_max ? o->total_max : FDTAB_TOTAL_MAX;
	struct scan *sc = calloc(1, sizeof(*sc));
	struct dirent *d;
	DIR *root = NULL;
	int err = 0;

	memset(st, 0, sizeof(*st));
	if (!sc || !(sc->socks = hashmap__new(1024)) || !(sc->netns = hashmap__new(16))) {
		err = -ENOMEM;
		goto cleanup;
	}
	sc->o = o;
	sc->st = st;
	root = opendir(o->procfs);
	if (!root) {
		err = -errno;
		goto cleanup;
	}
	while (!err && (d = readdir(root))) {
		char *end;
		unsigned long pid = strtoul(d->d_name, &end, 10);

		if (*end || !pid || pid > UINT32_MAX || pid == o->self)
			continue;
		err = scan_proc(sc, pid, total_max);
	}
cleanup:
	if (root)
		closedir(root);
	if (sc) {
		free_socks(sc->socks);
		hashmap__free(sc->netns);
		free(sc->conns);
	}
	free(sc);
	return err;
}
