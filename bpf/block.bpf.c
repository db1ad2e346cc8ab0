// SPDX-License-Identifier: GPL-2.0
/*
 * Block requests: who submitted each one and when it started and was issued, kept by the
 * request's address until it completes; then one record per completion call. Completions run in
 * hard IRQ or softirq (or in a polling task), on any CPU: they read only the request and the
 * map, never the current task, and emit straight to the ring with a stats slot of their own.
 */
#include "emit.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define REQ_OP_MASK	0xff	/* (1 << REQ_OP_BITS) - 1 */
#define MINORBITS	20

/* What a request carries from its start and issue to its completion. */
struct blk_req {
	__u64 start_ns;		/* block_io_start: the bio became the request (0: unseen) */
	__u64 issue_ns;		/* block_rq_issue: to the driver (0: not yet, or requeued) */
	__u64 cgid;
	__u32 pid, tid;
	char comm[SCRY_COMM_LEN];
};

/*
 * Keyed by the request's address: requests come from a fixed pool of tags per queue, so a key
 * is reused by the next request of that tag, whose start overwrites the entry. LRU bounds what
 * a request that never completes (a queue torn down) could leave behind.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct blk_req);
} blk_reqs SEC(".maps") __weak;

/* Before 5.16 a request named its disk itself. */
struct request___rq_disk {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

/*
 * The request is a tp_btf argument: its fields are read by direct (BTF) loads, a fault-safe load
 * each instead of a helper call per field, which is most of these programs' cost.
 */
static __always_inline struct gendisk *rq_disk(struct request *rq)
{
	struct request___rq_disk *old = (void *)rq;

	if (bpf_core_field_exists(rq->q->disk))
		return rq->q->disk;
	if (bpf_core_field_exists(old->rq_disk))
		return BPF_CORE_READ(old, rq_disk);
	return NULL;
}

/* The partition's dev_t, else the disk's (kernel encoding, as /proc/partitions' MAJ:MIN). */
static __always_inline __u32 rq_dev(struct request *rq)
{
	struct block_device *part = rq->part;
	struct gendisk *disk;

	if (part)
		return part->bd_dev;
	disk = rq_disk(rq);
	if (!disk)
		return 0;
	return (__u32)disk->major << MINORBITS | disk->first_minor;
}

/* Whether cgroup `a` is `c` or one of its ancestors (cgroup_is_descendant(c, a)). */
/* Before 6.0 a cgroup kept its ancestors' ids, not pointers to them. */
struct cgroup___pre60 {
	int level;
	u64 ancestor_ids[];
} __attribute__((preserve_access_index));

static __always_inline bool cgroup_above(struct cgroup *a, struct cgroup *c)
{
	struct cgroup *x = NULL;
	int lvl = a->level;
	u64 id = 0;

	if (lvl > c->level)
		return false;
	if (bpf_core_field_exists(c->ancestors)) {
		bpf_core_read(&x, sizeof(x), &c->ancestors[lvl & 0xff]);
		return x == a;
	}
	if (bpf_core_field_exists(((struct cgroup___pre60 *)c)->ancestor_ids)) {
		bpf_core_read(&id, sizeof(id), &((struct cgroup___pre60 *)c)->ancestor_ids[lvl & 0xff]);
		return id == BPF_CORE_READ(a, kn, id);
	}
	return false;
}

/*
 * The request's cgroup. On cgroup v2 the bio's blkcg: the cgroup I/O is charged to (writeback to
 * the one that dirtied the pages, not the flusher's). Only when that blkcg lives in the default
 * hierarchy: on v1, or with the io controller on a v1 hierarchy beside cgroup2 (hybrid), its id
 * names a directory scry does not attribute by, and the submitter's own cgroup is the truth.
 * Where the io controller is not enabled down to the submitter's cgroup, the blkcg is the
 * nearest ancestor that has it: the submitter's own cgroup is then the closer one.
 */
static __always_inline __u64 rq_cgid(struct request *rq, struct task_struct *t)
{
	struct cgroup *cg, *own;
	struct blkcg_gq *blkg;
	struct bio *bio;

	if (cgroup_v1 || !bpf_core_field_exists(rq->bio->bi_blkg))
		return task_cgid(t);
	bio = rq->bio;
	blkg = bio ? bio->bi_blkg : NULL;
	cg = blkg ? blkg->blkcg->css.cgroup : NULL;
	own = t->cgroups->dfl_cgrp;
	if (!cg || !own || cg->root != own->root || cgroup_above(cg, own))
		return task_cgid(t);
	return cg->kn->id;
}

static __always_inline void req_owner(struct blk_req *e, struct request *rq)
{
	struct task_struct *t = bpf_get_current_task_btf();

	e->pid = t->tgid;
	e->tid = t->pid;
	e->cgid = rq_cgid(rq, t);
	__builtin_memcpy(e->comm, t->comm, sizeof(e->comm));
}

/* TP_PROTO(struct request *rq): in the submitter's context, as the bio becomes a request. */
SEC("tp_btf/block_io_start")
int BPF_PROG(scry_block_start, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct blk_req e = {};

	/* scry's own requests are kept too, so that their issuer is not taken for them. */
	req_owner(&e, rq);
	e.start_ns = bpf_ktime_get_boot_ns();
	bpf_map_update_elem(&blk_reqs, &key, &e, BPF_ANY);
	return 0;
}

/* TP_PROTO(struct request *rq): to the driver; a request whose start we missed is the issuer's. */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(scry_block_issue, struct request *rq)
{
	__u64 key = (__u64)rq, now = bpf_ktime_get_boot_ns();
	struct blk_req *p = bpf_map_lookup_elem(&blk_reqs, &key), e = {};

	/*
	 * An entry already issued (and not requeued since) is a request that never completed here
	 * (its delete lost, or merged away) whose address came back: it is not this one's.
	 */
	if (p && !p->issue_ns) {
		p->issue_ns = now;
		return 0;
	}
	req_owner(&e, rq);
	e.issue_ns = now;
	bpf_map_update_elem(&blk_reqs, &key, &e, BPF_ANY);
	return 0;
}

/* TP_PROTO(struct request *rq): back to the queue; its next issue starts its latency again. */
SEC("tp_btf/block_rq_requeue")
int BPF_PROG(scry_block_requeue, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct blk_req *p = bpf_map_lookup_elem(&blk_reqs, &key);

	if (p)
		p->issue_ns = 0;
	return 0;
}

/*
 * blk_status_t (include/linux/blk_types.h, BLK_STS_*) as blk_status_to_errno() maps it. The
 * values are #defines, absent from BTF; they have only been appended to. Unknown: -EIO.
 */
static const __s16 blk_errno[] = {
	0, -95 /* NOTSUPP: EOPNOTSUPP */, -110 /* TIMEOUT */, -28 /* NOSPC */,
	-67 /* TRANSPORT: ENOLINK */, -121 /* TARGET: EREMOTEIO */, -52 /* NEXUS: EBADE */,
	-61 /* MEDIUM: ENODATA */, -84 /* PROTECTION: EILSEQ */, -12 /* RESOURCE: ENOMEM */,
	-5 /* IOERR */, -78 /* DM_REQUEUE: EREMCHG */, -11 /* AGAIN */, -16 /* DEV_RESOURCE */,
	-109 /* ZONE_OPEN_RESOURCE: ETOOMANYREFS */, -75 /* ZONE_ACTIVE_RESOURCE: EOVERFLOW */,
	-19 /* OFFLINE: ENODEV */, -62 /* DURATION_LIMIT: ETIME */, -22 /* INVAL */,
};

static __always_inline __s32 status_errno(__u8 st)
{
	if (st < sizeof(blk_errno) / sizeof(blk_errno[0]))
		return blk_errno[st];
	return -5;
}

static __always_inline __u8 req_op(__u32 opf)
{
	__u32 op = opf & REQ_OP_MASK;

	return op <= SCRY_BLK_DISCARD ? op : SCRY_BLK_OTHER;
}

static __always_inline __u16 req_flags(__u32 opf)
{
	__u16 f = 0;

	if (bpf_core_enum_value_exists(enum req_flag_bits, __REQ_SYNC) &&
	    (opf & (1u << bpf_core_enum_value(enum req_flag_bits, __REQ_SYNC))))
		f |= SCRY_BLK_SYNC;
	if (bpf_core_enum_value_exists(enum req_flag_bits, __REQ_META) &&
	    (opf & (1u << bpf_core_enum_value(enum req_flag_bits, __REQ_META))))
		f |= SCRY_BLK_META;
	return f;
}

/*
 * TP_PROTO(struct request *rq, blk_status_t error, unsigned int nr_bytes): before the request's
 * remaining length shrinks by nr_bytes, so the call that completes what remains is its last.
 */
SEC("tp_btf/block_rq_complete")
int BPF_PROG(scry_block_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u64 key = (__u64)rq, now = bpf_ktime_get_boot_ns();
	struct blk_req *p = bpf_map_lookup_elem(&blk_reqs, &key);
	struct scry_rec_block_io r = {};
	__u32 opf = rq->cmd_flags;
	bool done = nr_bytes >= rq->__data_len;

	if (!p)
		return 0;	/* issued before scry started */
	if (p->pid == self_tgid)
		goto out;
	r.h.type = SCRY_REC_BLOCK_IO;
	r.h.size = sizeof(r);
	r.h.cpu = bpf_get_smp_processor_id();
	r.h.pid = p->pid;
	r.h.tid = p->tid;
	r.h.ts = now;
	r.h.cgid = p->cgid;
	__builtin_memcpy(r.h.comm, p->comm, sizeof(r.h.comm));
	r.sector = rq->__sector;
	r.dev = rq_dev(rq);
	r.bytes = nr_bytes;
	r.error = status_errno(error);
	r.op = req_op(opf);
	r.blk_flags = req_flags(opf) | (done ? SCRY_BLK_DONE : 0);
	if (p->issue_ns && now >= p->issue_ns) {
		r.latency_ns = now - p->issue_ns;
		r.blk_flags |= SCRY_BLK_ISSUED;
	}
	if (p->start_ns && p->issue_ns >= p->start_ns) {
		r.queue_ns = p->issue_ns - p->start_ns;
		r.blk_flags |= SCRY_BLK_QUEUED;
	}
	emit_direct(NULL, &r, sizeof(r), SCRY_STATS_BLOCK);
out:
	/* Last: an entry deleted may be reused by another CPU's update at once. */
	if (done)
		bpf_map_delete_elem(&blk_reqs, &key);
	return 0;
}
