/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup id -> cgroup path -> container id -> name, image, labels, pod.
 *
 * Leaves: patterns.c (path -> runtime + id, one table for every runtime), docker.c (Docker and
 * Podman Engine API over a unix socket), oci.c (OCI bundle config.json annotations, as written
 * by containerd and CRI-O). The registry (registry.c) ties them together off the hot path.
 */
#ifndef SCRY_CONTAINER_H
#define SCRY_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTR_ID_MAX 128		/* ids are 64 hex chars; LXC names may be longer */
#define CTR_SHORT_ID 12

enum ctr_runtime {
	CTR_HOST = 0,		/* not in a container */
	CTR_DOCKER,
	CTR_CONTAINERD,		/* containerd / Kubernetes CRI (cri-containerd) */
	CTR_CRIO,
	CTR_PODMAN,
	CTR_LXC,
	CTR_RUNTIME__MAX
};

const char *ctr_runtime_name(enum ctr_runtime rt);

/* --- patterns.c ------------------------------------------------------------------------------ */
/*
 * Which container a cgroup path belongs to. For nested runtimes the innermost container wins.
 * Returns true and fills *rt and id (NUL-terminated) for a container; false for the host
 * (including runtimes' helper cgroups such as conmon).
 */
bool cgroup_path_container(const char *path, enum ctr_runtime *rt, char id[CTR_ID_MAX]);

/* --- metadata from the runtimes ------------------------------------------------------------ */
struct ctr_label {
	char *key;
	char *val;
};

/* A mount as the runtime lists it (Docker's inspect `Mounts`; OCI bind mounts). */
struct ctr_mount {
	char *source;
	char *dest;
	char *mode;		/* Docker's Mode ("ro", "z", ""); "" elsewhere */
	char *propagation;	/* "rprivate", ... ("" when the runtime says none) */
	bool rw;
};

/* Whether the runtime says the container is privileged (0 also for a zeroed ctr_meta). */
enum ctr_priv {
	CTR_PRIV_UNKNOWN = 0,	/* a runtime that does not say (sysdig: docker-compatible only) */
	CTR_PRIV_NO,
	CTR_PRIV_YES,
};

/* A replay keeps at most this many mounts of a container, as a live run does. */
#define CTR_MOUNTS_MAX 256

/* The health probes sysdig knows, in its order (enum probe_type without PT_NONE). */
enum ctr_probe {
	CTR_PROBE_HEALTHCHECK,	/* Docker's HEALTHCHECK (Config.Healthcheck.Test) */
	CTR_PROBE_LIVENESS,	/* Kubernetes livenessProbe.exec.command */
	CTR_PROBE_READINESS,	/* Kubernetes readinessProbe.exec.command */
	CTR_PROBE__MAX
};

struct ctr_meta {
	char *name;		/* without Docker's leading '/' */
	char *image;
	struct ctr_label *labels;
	size_t nlabels;
	char *pod_name;		/* Kubernetes: io.kubernetes.pod.name / cri sandbox-name */
	char *pod_ns;		/* io.kubernetes.pod.namespace / cri sandbox-namespace */
	char *k8s_container;	/* io.kubernetes.container.name / cri container-name */
	uint64_t started_ns;	/* start time, ns since the epoch; 0 if unknown */
	/* issue 15 (sysdig's container.image.*, .privileged, .mount*, health probes) */
	char *image_id;		/* Docker's image id without "sha256:" (64 hex) */
	char *image_repo;	/* the reference's repository, registry included */
	char *image_tag;
	char *image_digest;	/* "sha256:..." */
	uint8_t privileged;	/* enum ctr_priv */
	struct ctr_mount *mounts;
	size_t nmounts;
	/* Each kind's command: argv NUL-separated (as scry_proc.args), NULL if it has none. */
	char *probe[CTR_PROBE__MAX];
	uint32_t probe_len[CTR_PROBE__MAX];
	/*
	 * issue 18 (diff18): the host directory its root filesystem's changes are written to (an
	 * overlay's upperdir: Docker's GraphDriver.Data.UpperDir), NULL if not known
	 */
	char *upper_dir;
};

void ctr_meta__free(struct ctr_meta *m);	/* frees the members, not m; accepts NULL */
void ctr_mount__free(struct ctr_mount *mt);	/* frees its strings, not mt */
/* The value of label `key`, or NULL. */
const char *ctr_meta__label(const struct ctr_meta *m, const char *key);

/* --- image.c: image references ---------------------------------------------------------- */
/*
 * An image reference split as Docker's grammar has it: [registry[:port]/]path[:tag][@digest].
 * The tag is the part after the last ':' that follows the last '/', so a registry's port is
 * never a tag; the digest is everything after the first '@'. Each part is a span of `ref`
 * (len 0: absent). repo spans the registry and path, as sysdig's container.image.repository.
 */
struct ctr_image_ref {
	size_t repo_len;
	size_t tag_off, tag_len;
	size_t digest_off, digest_len;
};
void ctr_image_ref_split(const char *ref, struct ctr_image_ref *out);
/* m->image_repo/_tag/_digest from `ref` where still unset; 0 or -ENOMEM. */
int ctr_meta_set_image_ref(struct ctr_meta *m, const char *ref);

/* --- probes.c: health checks and probes ---------------------------------------------------- */
/*
 * Which of `m`'s probes the command line `args` (argv, NUL-separated, len bytes) is: its
 * CTR_PROBE_*, or -1. Exact, as sysdig's match_health_probe: argv[0] and every argument.
 */
int ctr_probe_match(const struct ctr_meta *m, const char *args, size_t len);
/* The process categories sysdig keeps per thread (sinsp_threadinfo::command_category). */
struct proctab;
struct scry_proc;
enum ctr_cat {
	CTR_CAT_UNSET = 0,	/* not judged yet (a process scry found running, or in a snapshot) */
	CTR_CAT_NONE,
	CTR_CAT_CONTAINER,	/* the container's init (vpid 1) and its descendants */
	CTR_CAT_HEALTHCHECK,	/* CTR_CAT_HEALTHCHECK + enum ctr_probe */
	CTR_CAT_LIVENESS,
	CTR_CAT_READINESS,
};

/*
 * Judge process `p` (in `pt`) as sysdig's identify_category does, at its fork (p the child) and
 * at its exec, once its container is bound: a container's init (vpid 1) is CONTAINER; a process
 * whose parent has a category takes it; else one in a container whose metadata is known, whose
 * argv is one of the container's probes and that has no container init among its ancestors (a
 * runtime's exec, not the container's own tree) is that probe; else it keeps what it had.
 */
void ctr_cat__judge(struct proctab *pt, struct scry_proc *p);

/* docker.c: Docker Engine API (and Podman's compatible API) over a unix socket. */
struct docker_client;

/*
 * The socket to use: DOCKER_HOST if it is unix://PATH, else /var/run/docker.sock if it exists,
 * else Podman's /run/podman/podman.sock if it exists, else /var/run/docker.sock.
 */
const char *docker__socket_path(void);
/*
 * NULL with errno on allocation failure; never connects here. sock_path NULL means
 * docker__socket_path(); timeout_ms <= 0 means 2000 ms.
 */
struct docker_client *docker__new(const char *sock_path, long timeout_ms);
void docker__free(struct docker_client *d);
/*
 * GET /containers/{id}/json -> meta. 0, or: -ENOENT no such container (404), -EHOSTDOWN socket
 * missing or refusing, -EACCES socket not ours to use, -ETIMEDOUT slow, -EPROTO an answer that
 * is not the expected JSON, -EINVAL an id with characters no runtime uses. `out` is overwritten
 * (not freed first) and left empty on error.
 */
int docker__inspect(struct docker_client *d, const char *id, struct ctr_meta *out);
/*
 * GET /images/{m->image_id}/json: the tag and registry digest the inspect answer lacked (a
 * container started by image id, or without a tag or digest in its reference), as sysdig asks.
 * 0 (nothing to ask included), or -errno as docker__inspect; `m` keeps what it had on error.
 */
int docker__image(struct docker_client *d, struct ctr_meta *m);
/* GET /containers/json: ids of running containers (malloc'd array of malloc'd strings). */
int docker__list(struct docker_client *d, char ***ids, size_t *n);

/* oci.c: the OCI runtime bundle's config.json. */
/*
 * Parse a config.json; 0, -ENOENT, -EPROTO when it is not valid JSON of the expected shape, or
 * another -errno. `out` is overwritten (not freed first) and left empty on error.
 */
int oci__read_config(const char *path, struct ctr_meta *out);
/* Find the config.json for a container id in containerd's and CRI-O's state directories
 * under `root` ("/" live, a fixture directory in tests); 0 and the path, or -ENOENT. */
int oci__find_config(const char *root, const char *id, char *path, size_t len);

/* --- cgroup.c: cgroup id -> path ----------------------------------------------------------- */
struct cgroup_fs;

/*
 * The hierarchy whose directory inodes are the cgroup ids in the events: the cgroup2 mount
 * (/sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones), or with
 * `v1_controller` set (or no cgroup2 mount at all) the v1 hierarchy of that controller
 * ("memory" when it must pick). `mountinfo` is NULL (the host's: see cgroup_find_mount), or a
 * fixture in tests.
 */
struct cgroup_fs *cgroup_fs__open(const char *mountinfo, const char *v1_controller);
void cgroup_fs__free(struct cgroup_fs *cg);
bool cgroup_fs__is_v1(const struct cgroup_fs *cg);
const char *cgroup_fs__mount(const struct cgroup_fs *cg);
/* v1: the controller's name ("memory"); v2: NULL. */
const char *cgroup_fs__controller(const struct cgroup_fs *cg);
/* Path of cgroup `id` relative to the mount ("/docker/<id>"); 0, -ENOENT if gone, -errno. */
int cgroup_fs__path(struct cgroup_fs *cg, uint64_t id, char *path, size_t len);
/* Id of the cgroup at `path` (relative to the mount); 0 if it is not there. */
uint64_t cgroup_fs__id(struct cgroup_fs *cg, const char *path);
/* This hierarchy's path in a /proc/PID/cgroup file's text; 0 and the path, or -ENOENT. */
int cgroup_fs__proc_path(const struct cgroup_fs *cg, const char *proc_cgroup, char *path,
			 size_t len);

/*
 * --- cgstat.c: what a container's cgroup says of it (throttling, limits, memory, pressure) ----
 * Read once per interval, only for containers a view that needs them shows. One table of
 * (controller, file, key) rows, cgroup2 first, then v1: the first row that answers gives an item,
 * so the same code reads a pure cgroup2 host, a hybrid one (v1 controllers, cgroup2 at
 * /sys/fs/cgroup/unified for pressure) and a v1 one. A file missing or unreadable, a key absent or
 * a value that is not a plain number leaves the item absent ("-"), never a guess.
 */
enum cgstat_item {
	CGS_CPU_PERIODS,	/* CFS periods elapsed with the quota enforced (cumulative) */
	CGS_CPU_THROTTLED,	/* of those, periods in which the cgroup was throttled */
	CGS_CPU_THROTTLED_NS,	/* time throttled, ns (v2: throttled_usec * 1000) */
	CGS_CPU_QUOTA_US,	/* absent: no quota ("max", -1) */
	CGS_CPU_PERIOD_US,
	CGS_MEM_USAGE,		/* bytes: memory.current / memory.usage_in_bytes */
	CGS_MEM_LIMIT,		/* bytes; absent: no limit ("max", v1's page-counter maximum) */
	CGS_MEM_INACTIVE_FILE,	/* bytes: memory.stat inactive_file / total_inactive_file */
	CGS_PSI_CPU,		/* cpu.pressure some avg10, in hundredths of a percent */
	CGS_PSI_MEM,		/* memory.pressure some avg10 */
	CGS_PSI_IO,		/* io.pressure some avg10 */
	CGS_PSI_MEM_FULL,	/* memory.pressure full avg10 */
	CGS_PSI_IO_FULL,	/* io.pressure full avg10 */
	CGS_PSI_CPU_TOTAL,	/* cpu.pressure some total, us (cumulative) */
	CGS_PSI_MEM_TOTAL,
	CGS_PSI_IO_TOTAL,
	CGS__MAX
};
#define CGS_HAVE(item) (1u << (item))

struct cgstat {
	uint64_t v[CGS__MAX];
	uint32_t have;		/* CGS_HAVE() of the items read */
};

/* How a row's value is found in its file's text (bounded; exposed for the unit tests). */
enum cgstat_how {
	CGH_KEY,	/* a "key value" line (cpu.stat, memory.stat) */
	CGH_WORD,	/* the file's word number `word` (memory.current, cpu.max "quota period") */
	CGH_PSI,	/* "some avg10=0.12 avg60=... total=123": the line `key`, field `sub` */
};
/*
 * The value of `key` (and `sub`, `word`) in `text` (len bytes, not NUL-terminated): true and
 * *out, or false for anything but a plain unsigned decimal in range (PSI averages: hundredths,
 * "12.34" -> 1234). A line cut by the end of the text counts only where the text is whole.
 */
bool cgstat_parse(const char *text, size_t len, enum cgstat_how how, const char *key,
		  const char *sub, unsigned int word, uint64_t *out);

struct cgstat_fs;
/* The mounts to read from (`mountinfo` NULL: the host's); NULL if none is mounted. */
struct cgstat_fs *cgstat_fs__open(const char *mountinfo);
void cgstat_fs__free(struct cgstat_fs *f);
/*
 * Read the cgroup at `path` (relative to its hierarchy's mount, the same in every hierarchy as
 * the runtimes lay them out): every item the table finds. Tests point `mountinfo` at fixtures.
 */
void cgstat_read(const struct cgstat_fs *f, const char *path, struct cgstat *out);

/* A container's readings: the latest and the one before, for the interval's deltas. */
struct ctr_cgstat {
	struct cgstat cur, prev;	/* prev: empty unless it was read at cur's interval start */
	uint64_t gen;		/* the interval (its end) of the latest reading; 0: none */
};

/* --- registry.c: the containers scry has seen ---------------------------------------------- */
struct scry_container {
	char id[CTR_ID_MAX];		/* full id (LXC: the name) */
	char short_id[CTR_SHORT_ID + 1];	/* container.id */
	enum ctr_runtime runtime;
	struct ctr_meta meta;		/* empty until resolved (meta.name NULL) */
	bool resolved;			/* metadata came from the runtime */
	bool pending;			/* the resolver has not answered yet */
	bool unasked;			/* its queue was full: asked again at the next poll */
	uint8_t tries;			/* requests whose runtime failed to answer (RESOLVE_TRIES) */
	uint64_t asked_mono;		/* monotonic ns when the resolver was asked */
	uint64_t first_ts;		/* boot ns of the first event seen */
	uint64_t last_ts;		/* boot ns of the latest event seen */
	uint32_t procs;			/* processes pointing here (live and dead) */
	uint32_t pins;			/* view rows pointing here */
	char *cg_path;			/* its cgroup (the shortest path mapped here), or NULL */
	struct ctr_cgstat cgs;		/* what its cgroup said (containers__read_cgstat) */
	/* issue 18: its lifecycle as its container events said (lifecycle.c), live and replayed */
	struct ctr_life {
		uint64_t created_ts;	/* boot ns of each moment; 0: not seen */
		uint64_t started_ts;
		uint64_t stopped_ts;
		uint64_t removed_ts;
		int32_t exit_code;	/* the init's task->exit_code, if exit_known */
		bool exit_known;
		bool pinned;		/* kept in the registry for lscontainers' history */
		uint32_t ooms;		/* OOM kills */
	} life;
	/* private to the registry */
	uint32_t ncgroups;		/* cgroups mapped here */
	struct scry_container *id_next;	/* the next container whose id has the same hash */
};

/* container.name: the runtime's name, or the short id until it is known. */
static inline const char *ctr_name(const struct scry_container *c)
{
	return c->meta.name ? c->meta.name : c->short_id;
}

struct containers_opts {
	const char *mountinfo;		/* NULL: the host's (--host-root) */
	const char *v1_controller;	/* force a v1 hierarchy (see cgroup_fs__open) */
	bool resolve;			/* ask the runtimes for names (live), in a thread */
	const char *docker_sock;	/* NULL: docker__socket_path() */
	const char *podman_sock;	/* NULL: $CONTAINER_HOST or the host's /run/podman/podman.sock */
	const char *oci_root;		/* NULL: "/", or --host-root's DIR */
	long timeout_ms;		/* per runtime request; 0: 1000 */
};

struct containers;
/* Live: finds the cgroup mount and starts the resolver. Replay: cgroups are not consulted. */
struct containers *containers__new(const struct containers_opts *o, bool live);
void containers__free(struct containers *c);
const struct cgroup_fs *containers__cgroup_fs(const struct containers *c);

/*
 * The container of cgroup `cgid` (NULL: the host), learning new cgroups as they appear: the
 * path is read from the cgroup filesystem once per id, and the runtime is asked for the name in
 * the background. Never blocks on a runtime.
 */
struct scry_container *containers__of_cgroup(struct containers *c, uint64_t cgid, uint64_t ts);
/* A cgroup was just made (a cgroup_mkdir record): its path, should its id be met after it died. */
void containers__cgroup_made(struct containers *c, uint64_t cgid, const char *path, size_t len);
/* It was removed (a cgroup_rmdir record): a path no event has asked for is forgotten soon. */
void containers__cgroup_removed(struct containers *c, uint64_t cgid);
/* Apply the resolver's answers (call often from the consumer's thread); returns how many. */
int containers__poll(struct containers *c);
/* Wait until no request is pending, or `timeout_ms`; then poll. For short runs that list. */
void containers__settle(struct containers *c, long timeout_ms);
/* Drop containers no process points to and not seen for `idle_ns` (event time). */
void containers__reap(struct containers *c, uint64_t now_ts, uint64_t idle_ns);

/* Replay: a container known from a capture, mapped to `cgid`. Takes over `meta`. */
struct scry_container *containers__add(struct containers *c, uint64_t cgid, const char *id,
				       enum ctr_runtime rt, struct ctr_meta *meta);
/* Point process `p` at `ctr` (NULL: host) for cgroup `cgid`, keeping the reference counts. */
struct scry_proc;
void containers__bind(struct scry_proc *p, struct scry_container *ctr, uint64_t cgid);
/* For a process entry about to be freed. */
void containers__unbind(struct scry_proc *p);
/*
 * Live: attribute every process in the table from its /proc/PID/cgroup (processes that started
 * before scry, before they produce an event). `procfs` is "/proc" or a fixture.
 */
struct proctab;
void containers__attach_procs(struct containers *c, struct proctab *pt, const char *procfs);

/*
 * Live: read `ctr`'s cgroup figures for the interval [start, end) of event time, once per
 * interval however many views ask. The previous reading is kept for the deltas if it was taken
 * for the interval just before (ending at `start`): growth over intervals no view showed the
 * container in is no interval's. Nothing on replay or for a container whose cgroup is unknown.
 */
void containers__read_cgstat(struct containers *c, struct scry_container *ctr, uint64_t start,
			     uint64_t end);

/* Iterate: *pos = 0 to start; NULL at the end. */
struct scry_container *containers__next(struct containers *c, size_t *pos);
size_t containers__count(const struct containers *c);

/*
 * A keyed hash (SipHash-2-4, key drawn at random once per process) of `len` bytes: container ids
 * and other strings a capture or a runtime supplies index hash maps by it, so that no input can
 * choose ids that all land in one slot. Equal hashes still need a comparison of the strings.
 */
uint64_t ctr_hash(const void *data, size_t len);

/* issue 16 (scry serve): requests to a runtime for a container's metadata that failed (a
 * missing container is not a failure), since the start; safe from any thread. */
uint64_t containers__resolve_failures(void);

#endif /* SCRY_CONTAINER_H */
