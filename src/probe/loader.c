// SPDX-License-Identifier: GPL-2.0
/*
 * Skeleton open -> knobs -> autoload fallbacks -> load -> attach, with one clear line for each
 * way a hostile environment can refuse us: no privileges, no BTF, a verifier that says no.
 */
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "scry.skel.h"
#include "scry/decode.h"
#include "scry/event.h"
#include "scry/filter.h"
#include "scry/probe.h"
#include "scry/util.h"
#include "internal.h"

#define SYSFS_BTF "/sys/kernel/btf/vmlinux"

struct probe {
	struct scry_bpf *skel;
	struct ring_buffer *rb;
	struct probe_consumer to;
	uint64_t bad_batches;
	struct bpf_link **tick_links;
	int *tick_fds;
	int ncpus;
	unsigned int tick_hz;
	bool exit_only;		/* sys_exit alone (sys_enter loaded but detached, or not loaded) */
};

/* --- libbpf log: silent unless -v (log_is_verbose) ------------------------------------------- */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!log_is_verbose() || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* --- environment checks ---------------------------------------------------------------------- */
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool have_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

static bool privileged(void)
{
	if (have_cap(CAP_SYS_ADMIN))
		return true;
	return have_cap(CAP_BPF) && have_cap(CAP_PERFMON);
}

static void err_privileges(void)
{
	log_err("tracing needs root, or the capabilities CAP_BPF and CAP_PERFMON "
		"(CAP_SYS_ADMIN before Linux 5.8): run scry with sudo");
}

/*
 * The BTF file libbpf is to read instead of its default: --btf's; under --host-root the host's
 * /sys/kernel/btf/vmlinux (in `buf`); without CAP_SYS_ADMIN, /sys/kernel/btf/vmlinux named
 * explicitly: given no file, libbpf looks for CO-RE candidates that vmlinux lacks (the older
 * layouts' flavors) in the kernel modules' BTF too, which needs CAP_SYS_ADMIN
 * (BPF_BTF_GET_NEXT_ID) and fails the load with EPERM under CAP_BPF + CAP_PERFMON; with a
 * file it searches that file alone, and scry's programs need nothing from modules.
 * NULL: libbpf's own default.
 */
const char *probe_btf_path(const char *custom, char *buf, size_t len)
{
	if (custom)
		return custom;
	if (*hostpath__root())
		return hostpath(SYSFS_BTF, buf, len) ? NULL : buf;
	if (!have_cap(CAP_SYS_ADMIN) && !access(SYSFS_BTF, R_OK))
		return SYSFS_BTF;
	return NULL;
}

/* `given`: `path` is --btf's (else the kernel's own, or the host's under --host-root). */
static struct btf *load_kernel_btf(const char *path, bool given)
{
	const char *what = given ? "--btf " : "the kernel's BTF ";
	struct btf *btf;

	if (!given && path && access(path, R_OK)) {
		log_err("the host's kernel BTF %s: %s: mount the host's /sys/kernel/btf there, or "
			"give --btf FILE", path, strerror(errno));
		errno = ENOENT;
		return NULL;
	}
	if (path) {
		if (access(path, R_OK)) {
			log_err("%s%s: %s", what, path, strerror(errno));
			return NULL;
		}
		btf = btf__parse(path, NULL);
		if (!btf) {
			char msg[128];

			libbpf_strerror(errno, msg, sizeof(msg));
			log_err("%s%s: not a kernel BTF file (%s)", what, path, msg);
		}
		return btf;
	}
	if (access(SYSFS_BTF, R_OK)) {
		log_err("this kernel exposes no BTF (%s: %s): scry needs a kernel built with "
			"CONFIG_DEBUG_INFO_BTF=y, or --btf FILE with this kernel's BTF", SYSFS_BTF,
			strerror(errno));
		errno = ENOENT;
		return NULL;
	}
	btf = btf__load_vmlinux_btf();
	if (!btf)
		log_err("cannot read the kernel's BTF from %s (%s)", SYSFS_BTF, strerror(errno));
	return btf;
}

static bool kernel_has_tp(const struct btf *btf, const char *tp)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}

/* The tracepoint's prototype (its first parameter the context), or NULL. */
static const struct btf_type *tp_proto(const struct btf *btf, const char *tp)
{
	const struct btf_type *t;
	char name[128];
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return NULL;
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);	/* pointer to the proto */
	if (!t || !btf_is_ptr(t) || !(t = btf__type_by_id(btf, t->type)) || !btf_is_func_proto(t))
		return NULL;
	return t;
}

/* How many arguments the tracepoint passes its programs (less the context); -1. */
static int tp_nargs(const struct btf *btf, const char *tp)
{
	const struct btf_type *t = tp_proto(btf, tp);

	return t ? btf_vlen(t) - 1 : -1;
}

/* Whether the tracepoint's first argument (after the context) is a struct task_struct *. */
static bool tp_takes_task(const struct btf *btf, const char *tp)
{
	const struct btf_type *t = tp_proto(btf, tp);

	if (!t || btf_vlen(t) < 2)
		return false;
	t = btf__type_by_id(btf, btf_params(t)[1].type);
	if (!t || !btf_is_ptr(t) || !(t = btf__type_by_id(btf, t->type)) || !btf_is_struct(t))
		return false;
	return !strcmp(btf__name_by_offset(btf, t->name_off), "task_struct");
}

/*
 * Bytes on sockets come from sock:sock_send_length/sock_recv_length (Linux 6.3), or else from the
 * exits of the socket syscalls: never both, which would count them twice. SCRY_NET_FALLBACK=1
 * forces the fallback where the tracepoints exist, for its tests (docs/HACKING.md).
 */
static bool net_compat_wanted(const struct probe_opts *o, const struct btf *btf)
{
	const char *force = getenv("SCRY_NET_FALLBACK");
	size_t i;

	if (!o->net_io)
		return false;
	if (force && !strcmp(force, "1")) {
		log_info("SCRY_NET_FALLBACK=1: bytes on sockets are read at the socket syscalls' exits");
		return true;
	}
	for (i = 0; i < prog_count; i++) {
		const struct prog_desc *d = &prog_table[i];

		if (d->net_io && !d->net_compat && d->tp && !kernel_has_tp(btf, d->tp)) {
			log_warn("this kernel has no tracepoint %s (before Linux 6.3): scry reads bytes "
				 "on sockets at the socket syscalls' exits instead", d->tp);
			return true;
		}
	}
	return false;
}

/* enum cgroup_subsys_id's value for a controller ("memory" -> memory_cgrp_id), or -1. */
static int cgroup_subsys_id(const struct btf *btf, const char *ctrl)
{
	int id = btf__find_by_name_kind(btf, "cgroup_subsys_id", BTF_KIND_ENUM), i;
	const struct btf_type *t;
	const struct btf_enum *e;
	char want[64];

	if (id <= 0)
		return -1;
	snprintf(want, sizeof(want), "%s_cgrp_id", ctrl);
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++, e++)
		if (!strcmp(btf__name_by_offset(btf, e->name_off), want))
			return e->val;
	return -1;
}

/* --- load -------------------------------------------------------------------------------------- */

static int fill_sysargs(struct probe *p)
{
	struct scry_sysarg rules[SCRY_NR_SYSCALLS];
	int fd = bpf_map__fd(p->skel->maps.sysargs);
	uint32_t i;

	syscalls__bpf_rules(rules, SCRY_NR_SYSCALLS);
	iodata__bpf_rules(rules, SCRY_NR_SYSCALLS);
	for (i = 0; i < SCRY_NR_SYSCALLS; i++) {
		if (!rules[i].nargs)
			continue;
		if (bpf_map_update_elem(fd, &i, &rules[i], BPF_ANY))
			return -errno;
	}
	return 0;
}

/* After a failed load: whether the kernel would create a ring buffer of this size at all. */
/*
 * The scheduler accounting (run-queue wait, off-CPU time, faults) keeps per-task state in task
 * storage, which both the sched_switch program and the tick (a perf_event program) must reach:
 * 5.11 brought the map, later kernels its helper to perf_event programs. Without them the records
 * carry zeros: the map becomes a one-entry hash that nothing uses (the programs' accounting is
 * dead code to the verifier), so that everything else still loads. So it does when nothing shows
 * them (a CPU view): then the switch costs what it did before.
 */
static int sched_acct_setup(struct probe *p, bool wanted)
{
	struct bpf_map *m = p->skel->maps.sched_tasks;
	bool ok = wanted && libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) > 0 &&
		  libbpf_probe_bpf_helper(BPF_PROG_TYPE_PERF_EVENT, BPF_FUNC_task_storage_get,
					  NULL) > 0;
	int err;

	p->skel->rodata->sched_acct = ok;
	log_debug("scheduler accounting (run-queue wait, off-CPU time, faults): %s",
		  ok ? "on" : wanted ? "off (not in this kernel)" : "off (nothing shows it)");
	if (ok)
		return 0;
	if (wanted)
		log_warn("this kernel has no task storage for tracing programs: no run-queue wait, "
			 "off-CPU time or page faults");
	err = bpf_map__set_type(m, BPF_MAP_TYPE_HASH);
	if (!err)
		err = bpf_map__set_max_entries(m, 1);
	if (!err)
		err = bpf_map__set_map_flags(m, BPF_F_NO_PREALLOC);
	if (err)
		log_err("cannot set up the task map (%s)", strerror(-err));
	return err;
}

static bool ring_fits(uint64_t bytes, int *err)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, (uint32_t)bytes, NULL);

	if (fd < 0) {
		*err = -errno;
		return *err == -EPERM;	/* not the size's fault: err_load says what is */
	}
	close(fd);
	return true;
}

static void err_load(struct probe *p, int err)
{
	struct bpf_program *prog;

	if (err == -EPERM || err == -EACCES) {
		if (!privileged()) {
			err_privileges();
			return;
		}
	}
	/* libbpf does not say which program failed through its API; name the first unloaded. */
	bpf_object__for_each_program(prog, p->skel->obj) {
		if (bpf_program__autoload(prog) && bpf_program__fd(prog) < 0) {
			log_err("the kernel refused to load BPF program %s (%s)%s",
				bpf_program__name(prog), strerror(-err),
				log_is_verbose() ? "" : "; run with -v to see the verifier's reason");
			return;
		}
	}
	log_err("the kernel refused to load scry's BPF programs (%s)%s", strerror(-err),
		log_is_verbose() ? "" : "; run with -v to see why");
}

struct probe *probe__open(const struct probe_opts *o)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	char btf_buf[PATH_MAX];
	const char *btf_path;
	struct probe *p = NULL;
	struct btf *btf = NULL;
	uint64_t ring_bytes;
	bool net_compat;
	size_t i;
	int err, rerr;

	libbpf_set_print(libbpf_print);
	if (!privileged()) {
		err_privileges();
		errno = EPERM;
		return NULL;
	}
	btf_path = probe_btf_path(o->btf_path, btf_buf, sizeof(btf_buf));
	btf = load_kernel_btf(btf_path, btf_path && btf_path == o->btf_path);
	if (!btf)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		err = -ENOMEM;
		goto fail;
	}
	oo.btf_custom_path = btf_path;
	p->skel = scry_bpf__open_opts(&oo);
	if (!p->skel) {
		err = -errno;
		log_err("cannot open scry's BPF object (%s)", strerror(-err));
		goto fail;
	}

	/* A missing tracepoint disables just the program that needs it. */
	net_compat = net_compat_wanted(o, btf);
	for (i = 0; i < prog_count; i++) {
		const struct prog_desc *d = &prog_table[i];
		struct bpf_program *prog = bpf_object__find_program_by_name(p->skel->obj, d->prog);

		if (!prog)
			continue;
		if ((d->syscall && !o->syscalls) || (d->net_io && !o->net_io) ||
		    (d->net_io && d->net_compat != net_compat) || (d->block && !o->block)) {
			bpf_program__set_autoload(prog, false);
		} else if (d->tp && !kernel_has_tp(btf, d->tp)) {
			bpf_program__set_autoload(prog, false);
			log_warn("this kernel has no tracepoint %s: scry runs without %s", d->tp,
				 d->loss);
		} else if (d->tp && d->task_arg && !tp_takes_task(btf, d->tp)) {
			bpf_program__set_autoload(prog, false);
			log_warn("this kernel's tracepoint %s names no task: scry runs without %s",
				 d->tp, d->loss);
		}
	}
	/* A program that only keeps state for another is left out with it. */
	for (i = 0; i < prog_count; i++) {
		const struct prog_desc *d = &prog_table[i];
		struct bpf_program *prog = bpf_object__find_program_by_name(p->skel->obj, d->prog);
		struct bpf_program *fed = d->feeds ?
			bpf_object__find_program_by_name(p->skel->obj, d->feeds) : NULL;

		if (prog && d->feeds && (!fed || !bpf_program__autoload(fed)))
			bpf_program__set_autoload(prog, false);
	}
	p->tick_hz = o->no_cpu ? 0 : o->tick_hz;
	if (!p->tick_hz)
		bpf_program__set_autoload(p->skel->progs.scry_cpu_tick, false);
	/* Nothing to charge: the switch and the tick are most of a view's cost per message. */
	if (o->no_cpu)
		bpf_program__set_autoload(p->skel->progs.scry_sched_switch, false);
	p->skel->rodata->net_count = o->net_io && o->net_count;
	err = bpf_map__set_max_entries(p->skel->maps.net_counts,
				       p->skel->rodata->net_count ? SCRY_NET_COUNT_MAX : 1);
	if (err) {
		log_err("cannot size the socket count map (%s)", strerror(-err));
		goto fail;
	}

	if (o->syscalls && o->exit_only) {
		/* Kept loaded (not attached) when the mode may change at run time. */
		if (!o->switch_enters)
			bpf_program__set_autoload(p->skel->progs.scry_sys_enter, false);
		p->skel->bss->exit_only = true;
		p->exit_only = true;
	}
	p->skel->rodata->self_tgid = getpid();
	p->skel->rodata->page_kb = sysconf(_SC_PAGESIZE) / 1024;
	p->skel->rodata->snaplen = o->syscalls ? o->snaplen : 0;
	p->skel->rodata->exec_env = o->exec_env;
	/* Folded enters are flushed by sched_switch: without it every enter goes out alone. */
	p->skel->rodata->fold_enters = bpf_program__autoload(p->skel->progs.scry_sched_switch);
	/* Push-down's exit marks are safe only if a task's move between cgroups voids them. */
	p->skel->rodata->pd_marks = p->skel->rodata->fold_enters &&
				    bpf_program__autoload(p->skel->progs.scry_cgroup_attach);
	p->skel->rodata->switch_state_arg = tp_nargs(btf, "sched_switch") >= 4;
	err = sched_acct_setup(p, !o->no_acct);
	if (err)
		goto fail;
	if (o->cgroup_v1) {
		int id = cgroup_subsys_id(btf, o->cgroup_v1);

		if (id < 0) {
			log_err("this kernel has no cgroup controller '%s'", o->cgroup_v1);
			err = -ENOENT;
			goto fail;
		}
		p->skel->rodata->cgroup_v1 = true;
		p->skel->rodata->cgroup_v1_subsys = id;
	}
	/*
	 * A BPF ring buffer's size is a u32 power of two: 2048 MiB at most (in 64 bits here, so that
	 * 4096 cannot wrap to 0 and come back as a verifier error).
	 */
	ring_bytes = (uint64_t)o->ring_mb << 20;
	if (!ring_bytes || ring_bytes > (1ULL << 31) || (ring_bytes & (ring_bytes - 1))) {
		log_err("--ring-mb %u: a ring buffer is a power of two from 1 to 2048 MiB", o->ring_mb);
		err = -EINVAL;
		goto fail;
	}
	/* Wake the consumer early only when a burst has filled an eighth of the ring. */
	p->skel->rodata->wakeup_bytes = ring_bytes / 8;
	err = bpf_map__set_max_entries(p->skel->maps.rb, (uint32_t)ring_bytes);
	if (err) {
		log_err("cannot size the ring buffer to %u MiB (%s)", o->ring_mb, strerror(-err));
		goto fail;
	}

	err = scry_bpf__load(p->skel);
	if (err && !ring_fits(ring_bytes, &rerr)) {
		log_err("the kernel refused a ring buffer of %u MiB (%s): try a smaller --ring-mb",
			o->ring_mb, strerror(-rerr));
		goto fail;
	}
	if (err) {
		err_load(p, err);
		goto fail;
	}
	err = fill_sysargs(p);
	if (err) {
		log_err("cannot fill the syscall argument table (%s)", strerror(-err));
		goto fail;
	}
	if (bpf_program__autoload(p->skel->progs.scry_net_compat)) {
		err = sockcalls__fill(bpf_map__fd(p->skel->maps.sockcalls));
		if (err) {
			log_err("cannot fill the socket syscall table (%s)", strerror(-err));
			goto fail;
		}
	}
	btf__free(btf);
	return p;
fail:
	btf__free(btf);
	probe__free(p);
	errno = -err;
	return NULL;
}

static int attach_ticks(struct probe *p, unsigned int hz)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(attr),
		.sample_freq = hz,
		.freq = 1,
	};
	int cpu, attached = 0;

	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0)
		return -EINVAL;
	p->tick_fds = calloc(p->ncpus, sizeof(int));
	p->tick_links = calloc(p->ncpus, sizeof(*p->tick_links));
	if (!p->tick_fds || !p->tick_links)
		return -ENOMEM;
	for (cpu = 0; cpu < p->ncpus; cpu++) {
		p->tick_fds[cpu] = syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (p->tick_fds[cpu] < 0)
			continue;	/* offline CPU */
		p->tick_links[cpu] = bpf_program__attach_perf_event(p->skel->progs.scry_cpu_tick,
								    p->tick_fds[cpu]);
		if (!p->tick_links[cpu]) {
			close(p->tick_fds[cpu]);
			p->tick_fds[cpu] = -1;
			continue;
		}
		attached++;
	}
	return attached ? 0 : -ENODEV;
}

/* Events to the consumer's record callback; control records, which are not, to theirs. */
static int emit(struct probe *p, const void *rec, size_t size)
{
	const struct scry_ctl_cgroup *cg = rec;

	if (size < SCRY_CTL_CGROUP_FIXED ||
	    (cg->h.type != SCRY_CTL_CGROUP && cg->h.type != SCRY_CTL_CGROUP_RMDIR))
		return p->to.record(p->to.ctx, (void *)rec, size);
	if (p->to.cgroup && cg->path_len <= size - SCRY_CTL_CGROUP_FIXED)
		p->to.cgroup(p->to.ctx, cg->id, cg->h.type == SCRY_CTL_CGROUP ? cg->path : NULL,
			     cg->path_len, &cg->h);
	return 0;
}

/* Hand each record of a batch (or a lone record) to the consumer. */
static int unbatch(struct probe *p, const void *data, size_t size)
{
	const struct scry_batch *b = data;
	const uint8_t *rec, *end;
	int rc;

	if (size < sizeof(*b) || b->tag != SCRY_BATCH_TAG)
		return emit(p, data, size);
	if (b->size > size - sizeof(*b)) {
		p->bad_batches++;
		return 0;
	}
	rec = (const uint8_t *)(b + 1);
	end = rec + b->size;
	while (rec + sizeof(struct scry_hdr) <= end) {
		uint16_t n = ((const struct scry_hdr *)rec)->size;

		if (n < sizeof(struct scry_hdr) || n > end - rec) {
			p->bad_batches++;
			return 0;
		}
		rc = emit(p, rec, n);
		if (rc)
			return rc;
		rec += n;
	}
	return 0;
}

static int on_ring(void *ctx, void *data, size_t size)
{
	return unbatch(ctx, data, size);
}

int probe__attach(struct probe *p, const struct probe_consumer *c)
{
	int err;

	p->to = *c;
	p->rb = ring_buffer__new(bpf_map__fd(p->skel->maps.rb), on_ring, p, NULL);
	if (!p->rb) {
		err = -errno;
		log_err("cannot map the ring buffer (%s)", strerror(-err));
		return err;
	}
	err = scry_bpf__attach(p->skel);
	if (err) {
		log_err("cannot attach scry's BPF programs (%s)", strerror(-err));
		return err;
	}
	if (p->exit_only && p->skel->links.scry_sys_enter) {
		bpf_link__destroy(p->skel->links.scry_sys_enter);	/* loaded for later */
		p->skel->links.scry_sys_enter = NULL;
	}
	if (bpf_program__autoload(p->skel->progs.scry_cpu_tick)) {
		err = attach_ticks(p, p->tick_hz);
		if (err)
			log_warn("no per-CPU clock events (%s): the CPU time of a task that never "
				 "switches out is charged only when it does", strerror(-err));
	}
	return 0;
}

int probe__drain(struct probe *p)
{
	int n = libbpf_num_possible_cpus(), cpu, rc = 0;
	struct scry_stage *st;
	uint32_t zero = 0;

	if (n <= 0)
		return -EINVAL;
	rc = probe__consume(p);
	if (rc < 0)
		return rc;
	st = calloc(n, sizeof(*st));
	if (!st)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.stage), &zero, st)) {
		rc = -errno;
		goto out;
	}
	for (cpu = 0; cpu < n && !rc; cpu++) {
		if (!st[cpu].b.count)
			continue;
		/* A stage that never went out has no tag yet: it is a batch all the same. */
		st[cpu].b.tag = SCRY_BATCH_TAG;
		if (st[cpu].b.size > sizeof(st[cpu].buf)) {
			p->bad_batches++;
			continue;
		}
		rc = unbatch(p, &st[cpu].b, sizeof(st[cpu].b) + st[cpu].b.size);
	}
out:
	free(st);
	if (p->bad_batches)
		log_warn("%llu damaged batches from the ring buffer were skipped",
			 (unsigned long long)p->bad_batches);
	return rc;
}

unsigned int probe__ncpus(struct probe *p)
{
	int n = libbpf_num_possible_cpus();

	return n > 0 ? n : 1;
}

int probe__fd(struct probe *p)
{
	return ring_buffer__epoll_fd(p->rb);
}

int probe__consume(struct probe *p)
{
	return ring_buffer__consume(p->rb);
}

/* Forget every parked enter: none may be folded into an exit long after it was made. */
static int clear_parked(struct probe *p)
{
	int n = libbpf_num_possible_cpus(), err = 0;
	uint32_t zero = 0;
	void *vals;

	if (n <= 0)
		return -EINVAL;
	vals = calloc(n, bpf_map__value_size(p->skel->maps.pending));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.pending), &zero, vals, BPF_ANY))
		err = -errno;
	free(vals);
	return err;
}

int probe__set_exit_only(struct probe *p, bool on)
{
	struct bpf_program *enter = p->skel->progs.scry_sys_enter;
	struct bpf_link *l;
	int err;

	if (on == p->exit_only)
		return 0;
	if (bpf_program__fd(enter) < 0)
		return -EOPNOTSUPP;	/* not loaded: this run's mode is fixed */
	if (on) {
		/* Exits stop folding first, then enters stop: no exit waits for an enter. */
		p->skel->bss->exit_only = true;
		bpf_link__destroy(p->skel->links.scry_sys_enter);
		p->skel->links.scry_sys_enter = NULL;
		err = clear_parked(p);
	} else {
		err = clear_parked(p);
		p->skel->bss->exit_only = false;
		l = bpf_program__attach(enter);
		if (!l) {
			err = -errno;
			p->skel->bss->exit_only = true;
			return err;
		}
		p->skel->links.scry_sys_enter = l;
	}
	p->exit_only = on;
	return err;
}

/* Delete every key of a hash map whose keys are at most 8 bytes. */
static void map_clear(int fd)
{
	uint64_t key = 0, next = 0;

	while (!bpf_map_get_next_key(fd, NULL, &next)) {
		key = next;
		if (bpf_map_delete_elem(fd, &key))
			break;
	}
}

/*
 * The filter's in-kernel part (NULL: none). pd_on goes last (and off first), so that no program sees it on
 * with half-written tables; the sets are made before, and the generation retires every verdict
 * the CPUs cached under the previous ones.
 */
int probe__pushdown(struct probe *p, const struct pushdown *pd)
{
	int fd = bpf_map__fd(p->skel->maps.pd_pids), err;
	uint8_t one = 1;
	size_t i;

	if (!p->skel->bss || !p->skel->data)
		return -EOPNOTSUPP;
	__atomic_store_n(&p->skel->bss->pd_on, 0, __ATOMIC_SEQ_CST);
	/* The previous one's sets go (a program that still sees them only lets more through). */
	map_clear(bpf_map__fd(p->skel->maps.pd_cgroups));
	map_clear(fd);
	__atomic_add_fetch(&p->skel->data->pd_gen, 1, __ATOMIC_SEQ_CST);
	if (!pd || !pd->on)
		return 0;
	for (i = 0; i < pd->npids && (pd->on & SCRY_PD_PID); i++) {
		err = bpf_map_update_elem(fd, &pd->pids[i], &one, BPF_ANY);
		if (err)
			return err;
	}
	memcpy(p->skel->bss->pd_keep, pd->keep, sizeof(pd->keep));
	memcpy(p->skel->bss->pd_enter, pd->enter, sizeof(pd->enter));
	memcpy(p->skel->bss->pd_exit_ok, pd->exit_ok, sizeof(pd->exit_ok));
	memcpy(p->skel->bss->pd_exit_fail, pd->exit_fail, sizeof(pd->exit_fail));
	memcpy(p->skel->bss->pd_enter_raw, pd->enter_raw, sizeof(pd->enter_raw));
	__atomic_add_fetch(&p->skel->data->pd_gen, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&p->skel->bss->pd_on, pd->on, __ATOMIC_SEQ_CST);
	return 0;
}

int probe__pd_cgroup(struct probe *p, uint64_t cgid, bool out)
{
	int fd = bpf_map__fd(p->skel->maps.pd_cgroups), err;
	uint8_t one = 1;

	err = out ? bpf_map_update_elem(fd, &cgid, &one, BPF_ANY) : bpf_map_delete_elem(fd, &cgid);
	if (err && !(err == -ENOENT && !out))
		return err;
	/* A CPU may hold "pass" for it: retire the cached verdicts. */
	__atomic_add_fetch(&p->skel->data->pd_gen, 1, __ATOMIC_SEQ_CST);
	return 0;
}

void probe__detach(struct probe *p)
{
	int cpu;

	if (!p)
		return;
	for (cpu = 0; p->tick_links && cpu < p->ncpus; cpu++) {
		bpf_link__destroy(p->tick_links[cpu]);
		p->tick_links[cpu] = NULL;
		if (p->tick_fds[cpu] > 0)
			close(p->tick_fds[cpu]);
		p->tick_fds[cpu] = -1;
	}
	if (p->skel)
		scry_bpf__detach(p->skel);
}

void probe__free(struct probe *p)
{
	if (!p)
		return;
	probe__detach(p);
	ring_buffer__free(p->rb);
	scry_bpf__destroy(p->skel);
	free(p->tick_fds);
	free(p->tick_links);
	free(p);
}

/*
 * Records waiting in the CPUs' stages now. The BPF side counts a staged record as seen when its
 * batch leaves (stage_flush), once per batch rather than once per record on the hot path; what
 * a stage holds is counted here, so `seen` means what it did: every record made so far, at
 * the end (after probe__detach) exactly, whether or not probe__drain delivered them.
 */
static int staged_records(struct probe *p, uint64_t *out)
{
	int n = libbpf_num_possible_cpus(), cpu, err = 0;
	struct scry_stage *st;
	uint32_t zero = 0;

	*out = 0;
	if (n <= 0)
		return -EINVAL;
	st = calloc(n, sizeof(*st));
	if (!st)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.stage), &zero, st))
		err = -errno;
	for (cpu = 0; cpu < n && !err; cpu++)
		*out += st[cpu].b.count;
	free(st);
	return err;
}

int probe__stats(struct probe *p, struct probe_stats *out)
{
	int n = libbpf_num_possible_cpus(), fd = bpf_map__fd(p->skel->maps.stats), cpu, err;
	struct scry_cpu_stats *vals;
	uint64_t staged;
	uint32_t slot;

	memset(out, 0, sizeof(*out));
	if (n <= 0)
		return -EINVAL;
	vals = calloc(n, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (slot = 0; slot < SCRY_STATS__MAX; slot++) {
		bool ctl = slot == SCRY_STATS_CTL;

		if (bpf_map_lookup_elem(fd, &slot, vals))
			continue;
		for (cpu = 0; cpu < n; cpu++) {
			*(ctl ? &out->ctl_seen : &out->seen) += vals[cpu].seen;
			*(ctl ? &out->ctl_dropped : &out->dropped) += vals[cpu].dropped;
			out->wakeups += vals[cpu].wakeups;
			out->count_full += vals[cpu].count_full;
			out->filtered += vals[cpu].filtered;
		}
	}
	free(vals);
	err = staged_records(p, &staged);
	if (!err)
		out->seen += staged;
	return err;
}

/* Keys per batch lookup: a tick's read is one or a few system calls. */
#define COUNT_BATCH 256

int probe__net_counts(struct probe *p, probe_count_fn fn, void *ctx)
{
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	int fd = bpf_map__fd(p->skel->maps.net_counts), n = libbpf_num_possible_cpus();
	struct scry_net_key *keys = NULL;
	struct scry_net_val *vals = NULL;
	uint32_t count, i, batch = 0;
	bool first = true, last = false;
	int err = 0, cpu;

	if (n <= 0)
		return -EINVAL;
	keys = calloc(COUNT_BATCH, sizeof(*keys));
	vals = calloc((size_t)COUNT_BATCH * n, sizeof(*vals));
	if (!keys || !vals) {
		err = -ENOMEM;
		goto cleanup;
	}
	while (!last) {
		count = COUNT_BATCH;
		if (bpf_map_lookup_batch(fd, first ? NULL : &batch, &batch, keys, vals, &count,
					 &bo)) {
			if (errno != ENOENT) {
				err = -errno;
				goto cleanup;
			}
			last = true;	/* the end: `count` keys came with it */
		}
		first = false;
		for (i = 0; i < count; i++) {
			uint64_t bytes = 0, calls = 0;

			for (cpu = 0; cpu < n; cpu++) {
				bytes += vals[(size_t)i * n + cpu].bytes;
				calls += vals[(size_t)i * n + cpu].calls;
			}
			fn(ctx, &keys[i], bytes, calls);
		}
	}
cleanup:
	free(keys);
	free(vals);
	return err;
}

int probe__net_forget(struct probe *p, const struct scry_net_key *k)
{
	if (bpf_map_delete_elem(bpf_map__fd(p->skel->maps.net_counts), k) && errno != ENOENT)
		return -errno;
	return 0;
}

/* --- issue 16 (scry serve): health figures ------------------------------------------------- */
int probe__cpu_dropped(struct probe *p, uint64_t *out, unsigned int n)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(p->skel->maps.stats), cpu;
	struct scry_cpu_stats *vals;
	uint32_t slot;

	if (ncpu <= 0)
		return -EINVAL;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	memset(out, 0, n * sizeof(*out));
	for (slot = 0; slot < SCRY_STATS__MAX; slot++) {
		if (bpf_map_lookup_elem(fd, &slot, vals))
			continue;
		for (cpu = 0; cpu < ncpu && (unsigned int)cpu < n; cpu++)
			out[cpu] += vals[cpu].dropped;
	}
	free(vals);
	return 0;
}

/*
 * The kernel's ring buffer ABI (not libbpf's private struct): the consumer position heads the
 * map's first page, the producer position the second; both pages may be mapped read-only.
 */
int probe__ring_fill(struct probe *p, uint64_t *used, uint64_t *size)
{
	long page = sysconf(_SC_PAGESIZE);
	const volatile unsigned long *pos;
	void *m;

	*size = bpf_map__max_entries(p->skel->maps.rb);
	m = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, bpf_map__fd(p->skel->maps.rb), 0);
	if (m == MAP_FAILED)
		return -errno;
	pos = m;
	*used = *(const volatile unsigned long *)((char *)m + page) - pos[0];
	munmap(m, 2 * page);
	return 0;
}
