// SPDX-License-Identifier: GPL-2.0
/*
 * User and group names as the process itself would see them (include/scry/state.h, users.c).
 *
 * Why not getpwuid(): it answers from the host's files (or LDAP, through the host's
 * nsswitch.conf), so a uid that exists only in a container's image would get no name, or the
 * host's name of another user. Why openat2(RESOLVE_IN_ROOT): the container's files belong to
 * whoever built its image, and a plain open of /proc/PID/root/etc/passwd follows an absolute
 * symlink (etc/passwd -> /etc/shadow) on the host; resolved in the root, the symlink lands inside
 * the container, like the process's own open would.
 *
 * A database holds the entries looked up, not the files: a lookup that misses reads the file
 * (bounded), finds the line and keeps it; the next lookups of that id are a hash lookup.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "scry/container.h"
#include "scry/state.h"
#include "scry/util.h"

#define CHECK_NS	1000000000ULL	/* how often a database's files are compared (event time) */
/*
 * Reads of a database's files per second of event time, at most: a container that makes
 * processes of ever new uids (its root may) costs scry a file read each, up to USERS_FILE_MAX;
 * past the budget an id goes without a name until the next second.
 */
#define READS_PER_SEC	64

/* What a file was when it was read: a change of any of these means it was rewritten. */
struct file_id {
	uint64_t dev, ino, size;
	int64_t mtime_ns;
	bool present;
};

static bool file_id_eq(const struct file_id *a, const struct file_id *b)
{
	return a->present == b->present && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime_ns == b->mtime_ns;
}

struct userdb {
	uint64_t dev, ino;		/* live: its root directory's */
	char ctr[CTR_ID_MAX];		/* the container it was first read for ("" the host) */
	uint32_t gen;			/* a slot's use: a process's memo of an older one misses */
	uint32_t pid;			/* live: the last process its root was opened through (0: scry) */
	uint64_t last_ts;		/* event time of its last lookup: the least recent goes */
	uint64_t checked_ts;		/* when its files were last compared with what it read */
	uint64_t reads_ts;		/* the second its reads are counted in, and how many */
	uint32_t reads;
	struct file_id files[2];	/* by enum users_kind, as last read */
	bool known[2];			/* files[k] holds a read (its entries came from it) */
	struct hashmap *ents;		/* kind << 32 | id -> struct user_ent */
	struct userdb *next;		/* replay: the next with the same ctr_hash */
	size_t held;			/* bytes of its entries (U.held's share) */
};

static const char *const file_rel[] = { [USERS_USER] = "etc/passwd", [USERS_GROUP] = "etc/group" };

static struct {
	bool on, live;
	char procfs[PATH_MAX];
	struct proctab *pt;		/* live: where a process gone finds its ancestors */
	struct userdb **dbs;		/* slot i: its memo is (gen << 32 | i + 1) */
	uint32_t n, cap;
	uint32_t gen;			/* the last generation handed out */
	struct hashmap *by_ctr;		/* replay: ctr_hash(id) -> the first database */
	uint64_t entries, bytes;	/* replay: what users__add kept */
	size_t held, held_max;		/* live: bytes of every database's entries, and their bound */
} U;

static uint64_t ent_key(enum users_kind kind, uint32_t id)
{
	return (uint64_t)kind << 32 | id;
}

static void db_clear(struct userdb *db)
{
	size_t pos = 0;
	void *v;

	while (db->ents && hashmap__next(db->ents, &pos, NULL, &v))
		free(v);
	hashmap__free(db->ents);
	db->ents = NULL;
	U.held -= db->held;
	db->held = 0;
}

/* Its files changed: what it learnt from them goes. */
static void db_forget(struct userdb *db)
{
	db_clear(db);
	memset(db->files, 0, sizeof(db->files));
	memset(db->known, 0, sizeof(db->known));
}

void users__reset(void)
{
	uint32_t i, gen = U.gen;

	for (i = 0; i < U.n; i++) {
		db_clear(U.dbs[i]);
		free(U.dbs[i]);
	}
	free(U.dbs);
	hashmap__free(U.by_ctr);
	memset(&U, 0, sizeof(U));
	/* generations go on: a memo of a process from before (a test's) never matches a new one */
	U.gen = gen;
}

void users__use(const char *procfs)
{
	users__reset();
	U.on = true;
	U.live = procfs != NULL;
	U.gen += !U.gen;	/* a "none" memo is never 0, which means "not looked up" */
	U.held_max = USERS_HELD_MAX;
	if (procfs)
		snprintf(U.procfs, sizeof(U.procfs), "%s", procfs);
}

/* --- parsing ------------------------------------------------------------------------------- */

/* A decimal id as the files backend takes it: digits only, within 32 bits. */
static bool parse_id(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!n || n > 10)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = v;
	return true;
}

/*
 * passwd: name:password:uid:gid:gecos:home:shell (7 fields); group: name:password:gid:members
 * (4). The first line with the id wins, as getpwuid() with the files backend.
 */
bool users_scan(const char *buf, size_t len, enum users_kind kind, uint32_t id,
		struct user_ent *out)
{
	const size_t want = kind == USERS_USER ? 7 : 4, id_at = 2;
	const char *line = buf, *end = buf + len;

	while (line < end) {
		const char *eol = memchr(line, '\n', end - line), *f[8], *p;
		size_t nf = 0, flen[8];
		uint32_t v;

		if (!eol)
			eol = end;
		for (p = line; nf < 8; nf++) {
			const char *c = memchr(p, ':', eol - p);

			f[nf] = p;
			flen[nf] = (c ? c : eol) - p;
			if (!c) {
				nf++;
				break;
			}
			p = c + 1;
		}
		/*
		 * More fields than the format's: the last would hold a ':', which none may. A
		 * line of NIS's compat syntax (+name, -name, +@netgroup) names no user itself.
		 */
		if (nf == want && *line != '+' && *line != '-' && flen[0] &&
		    parse_id(f[id_at], flen[id_at], &v) && v == id) {
			memset(out, 0, sizeof(*out));
			out->id = id;
			out->kind = kind;
			out->found = true;
			out->name = f[0];
			out->name_len = flen[0] > USERS_NAME_MAX ? USERS_NAME_MAX : flen[0];
			if (kind == USERS_USER) {
				out->home = f[5];
				out->home_len = flen[5] > USERS_PATH_MAX ? USERS_PATH_MAX : flen[5];
				out->shell = f[6];
				out->shell_len = flen[6] > USERS_PATH_MAX ? USERS_PATH_MAX : flen[6];
			}
			return true;
		}
		line = eol + 1;
	}
	return false;
}

/* --- entries ------------------------------------------------------------------------------- */

/* A copy of `e` whose strings (cut to their bounds) follow it in one allocation. */
static struct user_ent *ent_new(const struct user_ent *e)
{
	struct user_ent *c = malloc(sizeof(*c) + e->name_len + e->home_len + e->shell_len + 1);
	char *s;

	if (!c)
		return NULL;
	*c = *e;
	c->mark = 0;
	s = (char *)(c + 1);
	/* an id without an entry is kept too, with no strings (NULL, 0) */
	if (e->name_len)
		memcpy(s, e->name, e->name_len);
	c->name = s;
	s += e->name_len;
	if (e->home_len)
		memcpy(s, e->home, e->home_len);
	c->home = s;
	s += e->home_len;
	if (e->shell_len)
		memcpy(s, e->shell, e->shell_len);
	c->shell = s;
	s[e->shell_len] = '\0';
	return c;
}

static size_t ent_bytes(const struct user_ent *e)
{
	return e->name_len + e->home_len + e->shell_len;
}

/* What an entry holds, its map slot included: the live bound counts this. */
static size_t ent_cost(const struct user_ent *e)
{
	return sizeof(*e) + ent_bytes(e) + 1 + 2 * sizeof(void *);
}

/* Keep `e` in db (replacing one of the same id); NULL without memory. */
static struct user_ent *db_put(struct userdb *db, const struct user_ent *e)
{
	struct user_ent *c, *old;

	if (!db->ents && !(db->ents = hashmap__new(16)))
		return NULL;
	if (!(c = ent_new(e)))
		return NULL;
	old = hashmap__find(db->ents, ent_key(e->kind, e->id));
	if (hashmap__set(db->ents, ent_key(e->kind, e->id), c)) {
		free(c);
		return NULL;
	}
	db->held += ent_cost(c) - (old ? ent_cost(old) : 0);
	U.held += ent_cost(c) - (old ? ent_cost(old) : 0);
	free(old);
	return c;
}

/*
 * Live: room for `need` more bytes of entries within U.held_max: the least recently used other
 * databases forget theirs first, then `db` its own (it reads them again when asked).
 */
static void make_room(struct userdb *db, size_t need)
{
	while (U.held + need > U.held_max) {
		struct userdb *lru = NULL;
		uint32_t i;

		for (i = 0; i < U.n; i++)
			if (U.dbs[i] != db && U.dbs[i]->held &&
			    (!lru || U.dbs[i]->last_ts < lru->last_ts))
				lru = U.dbs[i];
		db_forget(lru ? lru : db);
		if (!lru)
			return;
	}
}

/* --- live: the files ------------------------------------------------------------------------ */

/* pid 0: the host's root: scry's own, or --host-root's DIR when scry runs in a container */
static int open_root(uint32_t pid)
{
	char path[PATH_MAX + 32];

	if (!pid && U.live && *hostpath__root())
		return open(hostpath__root(), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pid)
		snprintf(path, sizeof(path), "%s/%u/root", U.procfs, pid);
	else
		snprintf(path, sizeof(path), "%s/self/root", U.procfs);
	return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/*
 * A file of the root at `rootfd`, resolved inside it (no magic links, as /proc's would lead out
 * again); O_NONBLOCK so that a FIFO planted there cannot hold us. Only a regular file is read.
 */
static int open_db_file(int rootfd, enum users_kind kind, struct file_id *id)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	int fd = syscall(SYS_openat2, rootfd, file_rel[kind], &how, sizeof(how));

	memset(id, 0, sizeof(*id));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	*id = (struct file_id){ st.st_dev, st.st_ino, st.st_size,
				st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec, true };
	return fd;
}

/* Its first USERS_FILE_MAX bytes (a line cut there is left out by the caller's scan). */
static char *read_bounded(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t r;

	while (buf) {
		if (n == cap) {
			if (cap >= USERS_FILE_MAX)
				break;
			cap = cap * 2 > USERS_FILE_MAX ? USERS_FILE_MAX : cap * 2;
			if (!(nb = realloc(buf, cap))) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	/* cut at the last whole line when the bound cut the file */
	if (buf && n == USERS_FILE_MAX) {
		char *nl = memrchr(buf, '\n', n);

		n = nl ? (size_t)(nl - buf) : 0;
	}
	*len = n;
	return buf;
}

/* The root of `db` through pid (its dev and inode must be db's): an fd, or -errno. */
static int reopen(struct userdb *db, uint32_t pid)
{
	struct stat st;
	int fd = open_root(pid);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_dev != db->dev || st.st_ino != db->ino) {
		close(fd);
		return -ESTALE;
	}
	db->pid = pid;
	return fd;
}

/* db's root, through the event's process or the last one that opened it. */
static int db_root(struct userdb *db, uint32_t pid)
{
	int fd = reopen(db, pid);

	if (fd < 0 && db->pid != pid)
		fd = reopen(db, db->pid);
	return fd;
}

/* Once a second at most: a file rewritten (or made, or removed) since it was read voids db. */
static void db_check(struct userdb *db, uint32_t pid, uint64_t ts)
{
	struct file_id now;
	int root, fd, k;

	if (ts < db->checked_ts + CHECK_NS && ts >= db->checked_ts)
		return;
	db->checked_ts = ts;
	if ((root = db_root(db, pid)) < 0)
		return;	/* nobody to look through: what it has stays */
	for (k = USERS_USER; k <= USERS_GROUP; k++) {
		if (!db->known[k])
			continue;
		fd = open_db_file(root, k, &now);
		if (fd >= 0)
			close(fd);
		if (!file_id_eq(&now, &db->files[k])) {
			db_forget(db);
			break;
		}
	}
	close(root);
}

/* A miss: the file's line for the id (or that it has none), kept. */
static struct user_ent *db_read(struct userdb *db, uint32_t pid, enum users_kind kind, uint32_t id)
{
	struct user_ent e = { .id = id, .kind = kind };
	struct file_id now;
	int root, fd;
	char *buf = NULL;
	size_t len = 0;

	if (db->reads_ts > db->last_ts || db->last_ts - db->reads_ts >= CHECK_NS) {
		db->reads_ts = db->last_ts;
		db->reads = 0;
	}
	if (db->reads++ >= READS_PER_SEC)
		return NULL;
	if (db->ents && hashmap__size(db->ents) >= USERS_DB_ENTRIES)
		db_forget(db);	/* a flood of ids: start over rather than grow */
	root = db_root(db, pid);
	if (root < 0)
		return NULL;	/* asked again later: no answer is not "no such user" */
	fd = open_db_file(root, kind, &now);
	close(root);
	/* rewritten since the entries of this kind were read: they go, so that none is stale */
	if (db->known[kind] && !file_id_eq(&now, &db->files[kind]))
		db_forget(db);
	db->files[kind] = now;
	db->known[kind] = true;
	if (fd >= 0) {
		buf = read_bounded(fd, &len);
		close(fd);
	}
	if (buf)
		users_scan(buf, len, kind, id, &e);
	make_room(db, ent_cost(&e));
	db_put(db, &e);
	free(buf);
	return db->ents ? hashmap__find(db->ents, ent_key(kind, id)) : NULL;
}

/* --- databases ---------------------------------------------------------------------------- */

static uint64_t memo_of(uint32_t i)
{
	return (uint64_t)U.dbs[i]->gen << 32 | (i + 1);
}

/* A database slot, new or the least recently used one emptied. */
static struct userdb *db_new(uint32_t *slot)
{
	struct userdb *db;
	uint32_t i, lru = 0;

	if (U.n == U.cap && (!U.live || U.n < USERS_DB_MAX)) {
		uint32_t ncap = U.cap ? U.cap * 2 : 16;
		struct userdb **l = realloc(U.dbs, ncap * sizeof(*l));

		if (!l)
			return NULL;
		U.dbs = l;
		U.cap = ncap;
	}
	if (U.n < U.cap && (!U.live || U.n < USERS_DB_MAX)) {
		if (!(db = calloc(1, sizeof(*db))))
			return NULL;
		U.dbs[U.n] = db;
		*slot = U.n++;
	} else {
		for (i = 1; i < U.n; i++)
			if (U.dbs[i]->last_ts < U.dbs[lru]->last_ts)
				lru = i;
		db = U.dbs[lru];
		db_clear(db);
		memset(db, 0, sizeof(*db));
		*slot = lru;
	}
	db->gen = ++U.gen ? U.gen : ++U.gen;
	return db;
}

void users__set_procs(struct proctab *pt)
{
	U.pt = pt;
}

void users__limit(size_t held_max)
{
	U.held_max = held_max;
}

static const char *ctr_key(const struct scry_event *ev)
{
	return ev->container ? ev->container->id : "";
}

static bool memo_valid(uint64_t m)
{
	uint32_t i = (uint32_t)m;

	return i && i <= U.n && U.dbs[i - 1]->gen == m >> 32;
}

/*
 * A process gone before its first lookup (a short command, printed after it exited): the root
 * of its nearest living ancestor in the same container (a shell that ran it), by that one's
 * memo or its /proc entry. Returns the memo's slot (*fd -1), or -1 with *fd the root or -1.
 */
#define ANCESTORS_MAX 8
static int64_t ancestor_root(const struct scry_event *ev, int *fd, uint32_t *via)
{
	const struct scry_proc *q = ev->proc;
	int n;

	*fd = -1;
	for (n = 0; U.pt && n < ANCESTORS_MAX && q->ppid && q->ppid != q->pid; n++) {
		if (!(q = proctab__proc(U.pt, q->ppid)) || !q->ctr_known ||
		    q->container != ev->container)
			return -1;
		if (memo_valid(q->users_ref))
			return (uint32_t)q->users_ref - 1;
		if ((*fd = open_root(q->pid)) >= 0) {
			*via = q->pid;
			return -1;
		}
	}
	return -1;
}

/* Live: the database of the process's root, made if need be; -1 when the root is not known. */
static int64_t live_slot(const struct scry_event *ev)
{
	const char *ctr = ctr_key(ev);
	struct userdb *db;
	struct stat st;
	uint32_t i, slot, best = UINT32_MAX;
	uint32_t via = ev->proc->pid;
	int64_t anc;
	int fd = open_root(via);

	if (fd < 0 && (anc = ancestor_root(ev, &fd, &via)) >= 0)
		return anc;
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		/* Gone already (a short life): its container's database, the newest. */
		for (i = 0; i < U.n; i++)
			if (!strcmp(U.dbs[i]->ctr, ctr) &&
			    (best == UINT32_MAX || U.dbs[i]->last_ts > U.dbs[best]->last_ts))
				best = i;
		if (best != UINT32_MAX || *ctr)
			return best == UINT32_MAX ? -1 : (int64_t)best;
		/* a host process: the host's, through scry's own root (init's may be denied) */
		via = 0;
		if ((fd = open_root(via)) < 0 || fstat(fd, &st)) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
	}
	close(fd);
	for (i = 0; i < U.n; i++)
		if (U.dbs[i]->dev == st.st_dev && U.dbs[i]->ino == st.st_ino)
			return i;
	if (!(db = db_new(&slot)))
		return -1;
	db->dev = st.st_dev;
	db->ino = st.st_ino;
	db->pid = via;
	snprintf(db->ctr, sizeof(db->ctr), "%s", ctr);
	return slot;
}

static struct userdb *replay_find(const char *ctr)
{
	struct userdb *db = U.by_ctr ? hashmap__find(U.by_ctr, ctr_hash(ctr, strlen(ctr))) : NULL;

	while (db && strcmp(db->ctr, ctr))
		db = db->next;
	return db;
}

static int64_t replay_slot(const struct scry_event *ev)
{
	struct userdb *db = replay_find(ctr_key(ev));
	uint32_t i;

	for (i = 0; db && i < U.n; i++)
		if (U.dbs[i] == db)
			return i;
	return -1;
}

/* The event's process's database, by its memo when the memo still holds. */
static struct userdb *db_of(const struct scry_event *ev)
{
	struct scry_proc *p = ev->proc;
	uint64_t m = p->users_ref;
	uint32_t i = (uint32_t)m;
	int64_t slot;

	if (memo_valid(m))
		return U.dbs[i - 1];
	/* a "none" memo holds until a database is made (its generation is the newest then) */
	if (m && !i && m >> 32 == U.gen)
		return NULL;
	slot = U.live ? live_slot(ev) : replay_slot(ev);
	if (slot < 0) {
		p->users_ref = (uint64_t)U.gen << 32;
		return NULL;
	}
	p->users_ref = memo_of(slot);
	return U.dbs[slot];
}

struct user_ent *users__lookup(const struct scry_event *ev, enum users_kind kind, uint32_t id)
{
	struct user_ent *e;
	struct userdb *db;

	if (!U.on || !ev->proc || !(db = db_of(ev)))
		return NULL;
	if (!U.live)
		return db->ents ? hashmap__find(db->ents, ent_key(kind, id)) : NULL;
	db->last_ts = ev->ts;
	db_check(db, ev->proc->pid, ev->ts);
	if (db->ents && (e = hashmap__find(db->ents, ent_key(kind, id))))
		return e;
	return db_read(db, ev->proc->pid, kind, id);
}

/* --- replay ---------------------------------------------------------------------------------- */

int users__add(const char *ctr, const struct user_ent *e, uint64_t max_entries, uint64_t max_bytes)
{
	uint64_t h = ctr_hash(ctr, strlen(ctr));
	struct user_ent *old = NULL;
	struct userdb *db;
	uint32_t slot;
	size_t had = 0;

	if (!U.on || U.live || !e->found || strlen(ctr) >= CTR_ID_MAX)
		return -EINVAL;
	if (!U.by_ctr && !(U.by_ctr = hashmap__new(16)))
		return -ENOMEM;
	db = replay_find(ctr);
	if (db && db->ents && (old = hashmap__find(db->ents, ent_key(e->kind, e->id))))
		had = ent_bytes(old);
	if (!old && U.entries >= max_entries)
		return -ENOSPC;
	if (U.bytes - had + ent_bytes(e) > max_bytes)
		return -EDQUOT;
	if (!db) {
		if (!(db = db_new(&slot)))
			return -ENOMEM;
		snprintf(db->ctr, sizeof(db->ctr), "%s", ctr);
		db->next = hashmap__find(U.by_ctr, h);
		if (hashmap__set(U.by_ctr, h, db)) {
			U.n--;	/* the slot db_new just took, at the end */
			free(db);
			return -ENOMEM;
		}
	}
	if (!db_put(db, e))
		return -ENOMEM;
	U.entries += !old;
	U.bytes = U.bytes - had + ent_bytes(e);
	return 0;
}
