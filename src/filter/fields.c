// SPDX-License-Identifier: GPL-2.0
/*
 * The field table. Names follow sysdig's where a field means the same thing, so that filters and
 * jq scripts written for sysdig carry over (proc.exe is argv[0], proc.exepath the executable).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/state.h"
#include "internal.h"
#include "fields_user.h"
#include "fields_evt.h"
#include "fields_proc.h"
#include "fields_ns18.h"
#include "fields_sig.h"

#define U(val) (v->type = FT_U64, v->u = (val), true)
#define S(val) (v->type = FT_S64, v->s = (val), true)



static bool get_num(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return U(ev->num);
}

static bool get_rawtime(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return U(clock__wall(ev->ts));
}

static bool get_time(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	char out[TIME_STR_MAX];

	/* every printed event has one: formatted in place where the buffer has the room */
	if (b->cap - b->len > TIME_STR_MAX)
		b->len += fmt_wall(b->buf + b->len, clock__wall(ev->ts), TIME_HMS_NS);
	else
		sbuf__write(b, out, fmt_wall(out, clock__wall(ev->ts), TIME_HMS_NS));
	return str_val(v, b->buf, b->len);
}

static bool get_datetime(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	char out[TIME_STR_MAX];

	sbuf__write(b, out, fmt_wall(out, clock__wall(ev->ts), TIME_DATE_NS));
	return str_val(v, b->buf, b->len);
}

static bool get_cpu(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return U(ev->rec->h.cpu);
}

static bool get_dir(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return str_val(v, ev->dir == '<' ? "<" : ">", 1);
}

static bool get_type(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return cstr(v, evt_type_name(ev));
}

static bool get_category(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return cstr(v, evt_category_name[evt_table[ev->type].category]);
}

static bool get_res(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const char *en;

	if (!evt_has(ev, EVP_RESULT))
		return false;
	if (ev->res >= 0)
		return cstr(v, "SUCCESS");
	en = evt_res_errno(ev);
	if (en)
		return cstr(v, en);
	sbuf__s64(b, ev->res);
	return str_val(v, b->buf, b->len);
}

static bool get_rawres(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return evt_has(ev, EVP_RESULT) && S(ev->res);
}

static bool get_failed(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return evt_has(ev, EVP_RESULT) && U(evt_res_errno(ev) != NULL);
}

static bool get_latency(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return evt_has(ev, EVP_RESULT) && U(ev->latency);
}

static bool get_info(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	evt_info(ev, b);
	return str_val(v, b->buf, b->len);
}

static bool get_proc_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const char *c = ev->proc ? ev->proc->comm : ev->rec->h.comm;

	return str_val(v, c, strnlen(c, SCRY_COMM_LEN));
}

static bool get_thread_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return str_val(v, ev->rec->h.comm, strnlen(ev->rec->h.comm, SCRY_COMM_LEN));
}

static bool get_pid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return U(ev->rec->h.pid);
}

static bool get_tid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return U(ev->rec->h.tid);
}

static bool get_ppid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->proc && U(ev->proc->ppid);
}

static bool get_vpid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->proc && U(ev->proc->vpid);
}

static bool get_vtid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->thread && U(ev->thread->vtid);
}

static bool get_exepath(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->proc && cstr(v, ev->proc->exe);
}

/* argv[0] */
static bool get_exe(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	if (!ev->proc)
		return false;
	return str_val(v, ev->proc->args, strnlen(ev->proc->args, ev->proc->args_len));
}

/* Arguments after argv[0], space-separated. */
static bool get_args(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_proc *p = ev->proc;
	size_t a0;

	if (!p)
		return false;
	a0 = strnlen(p->args, p->args_len);
	if (a0 < p->args_len)
		sbuf__join(b, p->args + a0 + 1, p->args_len - a0 - 1, ' ');
	return str_val(v, b->buf, b->len);
}

/* proc.name followed by the arguments, as sysdig's proc.cmdline. */
void proc_cmdline(const struct scry_proc *p, struct sbuf *b)
{
	size_t a0 = strnlen(p->args, p->args_len);

	sbuf__write(b, p->comm, strnlen(p->comm, SCRY_COMM_LEN));
	if (a0 < p->args_len) {
		sbuf__putc(b, ' ');
		sbuf__join(b, p->args + a0 + 1, p->args_len - a0 - 1, ' ');
	}
}

static bool get_cmdline(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	if (!ev->proc)
		return false;
	proc_cmdline(ev->proc, b);
	return str_val(v, b->buf, b->len);
}

static bool get_uid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->proc && U(ev->proc->uid);
}

static bool get_gid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->proc && U(ev->proc->gid);
}

static bool get_cgid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return U(ev->rec->h.cgid);
}

static bool get_syscall_nr(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return evt_has(ev, EVP_SYSCALL) && U(ev->nr);
}

static bool get_runtime(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return evt_has(ev, EVP_RUNTIME) && U(ev->runtime_ns);
}

/* switch, cputick: the scheduler's accounting since the task's previous one (scry_sched_acct). */
static bool get_wait(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->acct && U(ev->acct->wait_ns);
}

static bool get_offcpu(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->acct && U(ev->acct->off_ns);
}

static bool get_offcpu_reason(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint8_t r = ev->acct ? ev->acct->off_reason : SCRY_OFF_NONE;

	return r != SCRY_OFF_NONE && r < SCRY_OFF__MAX && cstr(v, off_reason_name[r]);
}

static bool get_min_flt(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->acct && U(ev->acct->min_flt);
}

static bool get_maj_flt(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->acct && U(ev->acct->maj_flt);
}

static bool get_fd_num(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	int64_t fd;
	uint8_t kind;

	return evt_has(ev, EVP_FD) && evt_fd_num(ev, &fd, &kind) && S(fd);
}

/* The fd table's entry for the event's fd (NULL: not known, or contradicted by the kernel). */
static const struct scry_fd *evt_fd(const struct scry_event *ev, uint8_t *kind)
{
	int64_t fd;

	*kind = 0;
	if (!evt_has(ev, EVP_FD) || !evt_fd_num(ev, &fd, kind))
		return NULL;
	return fdtab__of_event(ev, fd, *kind);
}

static bool get_fd_type(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint8_t kind;
	const struct scry_fd *f = evt_fd(ev, &kind);

	if (f)
		return cstr(v, fd_type_name(f->type));
	return kind && cstr(v, fd_kind_name(kind));
}

static bool get_fd_typechar(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint8_t kind;
	const struct scry_fd *f = evt_fd(ev, &kind);
	char c = f ? fd_type_char(f->type) : kind ? fd_kind_char(kind) : 0;

	if (!c)
		return false;
	sbuf__putc(b, c);
	return str_val(v, b->buf, b->len);
}

/*
 * fd.name: a socket call's tuple (client first); the fd table's name of the event's fd; a path
 * call's path made absolute against its dirfd or the cwd, as the process meant it.
 */
static bool get_fd_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_rec_sys_exit *x = &ev->rec->exit;
	const struct scry_sock_addr *a = evt_sock_addr(ev);
	const struct syscall_desc *d;
	const struct scry_fd *f;
	uint8_t kind;

	if (a) {
		sock_addr_tuple(b, a, evt_sock_name(ev), evt_sock_role(ev), false);
		return str_val(v, b->buf, b->len);
	}
	if ((f = evt_fd(ev, &kind))) {
		fd_name_put(b, f);
		return b->len && str_val(v, b->buf, b->len);
	}
	if (!evt_has(ev, EVP_FD) || !x->path_len || (x->xflags & SCRY_SX_FDPAIR) ||
	    !(d = syscall_desc(ev->nr)))
		return false;
	fdtab__resolve(ev->proc, d->dirfd ? (int32_t)x->args[d->dirfd - 1] : AT_FDCWD, x->path,
		       b);
	return str_val(v, b->buf, b->len);
}

/* A file's name split at its last '/': the directory ("/" at the top) and the file. */
static bool split_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b,
		       bool dir)
{
	struct field_val name;
	const char *slash;
	uint8_t kind;
	const struct scry_fd *f = evt_fd(ev, &kind);

	if (!get_fd_name(ev, &name, b) || (f && f->sock) || evt_sock_addr(ev) ||
	    name.str[0] != '/')
		return false;
	/* a directory's fd: fd.directory is the directory itself */
	if (f && f->type == SCRY_FDT_DIR)
		return dir ? str_val(v, name.str, name.len) : false;
	slash = memrchr(name.str, '/', name.len);
	if (dir)
		return str_val(v, name.str, slash == name.str ? 1 : (size_t)(slash - name.str));
	return str_val(v, slash + 1, name.len - (slash + 1 - name.str));
}

static bool get_fd_directory(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return split_name(ev, v, b, true);
}

static bool get_fd_filename(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return split_name(ev, v, b, false);
}

static bool get_fd_ino(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint8_t kind;
	const struct scry_fd *f = evt_fd(ev, &kind);

	return f && f->ino && U(f->ino);
}

static bool get_fd_dev(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint8_t kind;
	const struct scry_fd *f = evt_fd(ev, &kind);

	return f && f->dev && U(f->dev);
}

/* --- sockets: sockio (bytes) and sockstate (a TCP socket's tuple) --------------------------- */

/* A view's connection row reads as an event whose socket is the row's. */
static bool get_sockfamily(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_sock_addr *a = evt_sock_addr(ev);

	if (a)
		return cstr(v, sock_family(a->family));
	if (evt_has(ev, EVP_SOCK_IO))
		return cstr(v, sock_family(ev->rec->sio.family));
	if (evt_has(ev, EVP_TUPLE))
		return cstr(v, sock_family(ev->rec->sock.family));
	return ev->sock && ev->sock->t.family && cstr(v, sock_family(ev->sock->t.family));
}

static bool get_l4proto(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct scry_rec_sock_io *s = &ev->rec->sio;
	const struct scry_sock_addr *a = evt_sock_addr(ev);

	if (a)
		return cstr(v, sock_l4proto(a->family, a->protocol, a->sktype));
	if (evt_has(ev, EVP_SOCK_IO))
		return cstr(v, sock_l4proto(s->family, s->protocol, s->sktype));
	if (evt_has(ev, EVP_TUPLE))
		return cstr(v, sock_l4proto(ev->rec->sock.family, ev->rec->sock.protocol,
					    SOCK_STREAM));
	return ev->sock && ev->sock->t.family &&
	       cstr(v, sock_l4proto(ev->sock->t.family, ev->sock->t.protocol, SOCK_STREAM));
}

/* sockio: the bytes it moved; a read or write's exit (its data, -s): what the call returned. */
static bool get_buflen(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	if (ev->type == SCRY_REC_SYS_EXIT && ev->dir == '<' && ev->res >= 0 &&
	    iodata_dir(ev->nr))
		return U(ev->res);
	return evt_has(ev, EVP_SOCK_IO) && U(ev->rec->sio.bytes);
}

/* The bytes as they are (-s): outputs escape them as every string. */
static bool get_buffer(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const uint8_t *d;
	uint32_t n;

	d = evt_data(ev, &n);
	return d && str_val(v, (const char *)d, n);
}

static bool get_io_dir(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	if (evt_has(ev, EVP_SOCK_IO))
		return cstr(v, ev->rec->sio.dir == SCRY_SOCK_IN ? "r" : "w");
	return evt_io_dir_call(ev, v);
}

/*
 * The event's IP tuple: its own (sockstate..., a socket call's exit), else its socket's as the
 * table knows it.
 */
/* A syscall's socket fd as the fd table knows it (read, write... on a connected socket). */
static const struct scry_fd *sock_fd_of(const struct scry_event *ev)
{
	uint8_t kind;
	const struct scry_fd *f = evt_fd(ev, &kind);

	return f && f->sock ? f : NULL;
}

static const struct sock_tuple *tuple_of(const struct scry_event *ev, struct sock_tuple *tmp)
{
	const struct scry_rec_sock_state *s = &ev->rec->sock;
	const struct scry_sock_addr *a = evt_sock_addr(ev);
	const struct scry_fd *f;

	if (!a && (f = sock_fd_of(ev)))
		a = &f->sa;

	if (a) {
		if (a->family != AF_INET && a->family != AF_INET6)
			return NULL;
		tmp->family = a->family;
		tmp->protocol = a->protocol;
		tmp->lport = a->lport;
		tmp->rport = a->rport;
		memcpy(tmp->laddr, a->laddr, sizeof(tmp->laddr));
		memcpy(tmp->raddr, a->raddr, sizeof(tmp->raddr));
		return tmp;
	}
	if (evt_has(ev, EVP_TUPLE)) {
		tmp->family = s->family;
		tmp->protocol = s->protocol;
		tmp->lport = s->sport;
		tmp->rport = s->dport;
		memcpy(tmp->laddr, s->saddr, sizeof(tmp->laddr));
		memcpy(tmp->raddr, s->daddr, sizeof(tmp->raddr));
		return tmp;
	}
	return ev->sock && ev->sock->tuple ? &ev->sock->t : NULL;
}

/*
 * Which end the event's process is: a socket call's by the call (connect, accept...), another
 * network event's by how its socket was opened (the socket table's role).
 */
static enum sock_call_role role_of(const struct scry_event *ev)
{
	const struct scry_fd *f;

	if (evt_sock_addr(ev))
		return evt_sock_role(ev);
	if ((f = sock_fd_of(ev)))
		return f->flags & FDE_SERVER ? SCR_SERVER : SCR_CLIENT;
	if (ev->sock && ev->sock->role == SOCK_ROLE_CLIENT)
		return SCR_CLIENT;
	if (ev->sock && ev->sock->role == SOCK_ROLE_SERVER)
		return SCR_SERVER;
	return SCR_NONE;
}

/*
 * One end of the tuple: local or remote (fd.lip...), or server or client (fd.sip...), which is
 * local or remote by the role. A client or server that is not there (bind, listen) has no value.
 */
enum tuple_end { END_LOCAL, END_REMOTE, END_SERVER, END_CLIENT };

static const struct sock_tuple *tuple_end(const struct scry_event *ev, struct sock_tuple *tmp,
					  enum tuple_end end, bool *local)
{
	const struct sock_tuple *t = tuple_of(ev, tmp);
	enum sock_call_role role = SCR_NONE;
	static const uint8_t zero[16];

	if (!t)
		return NULL;
	if (end == END_SERVER || end == END_CLIENT) {
		role = role_of(ev);
		if (role == SCR_NONE)
			return NULL;
		*local = (end == END_SERVER) == (role == SCR_SERVER);
	} else {
		*local = end == END_LOCAL;
	}
	/* fd.rip and fd.rport say 0.0.0.0 and 0 as before; a client that is not there is none */
	if (role != SCR_NONE && !*local && !t->rport && !memcmp(t->raddr, zero, sizeof(zero)))
		return NULL;
	return t;
}

static bool tuple_ip(const struct scry_event *ev, struct field_val *v, struct sbuf *b,
		     enum tuple_end end)
{
	struct sock_tuple tmp;
	bool local;
	const struct sock_tuple *t = tuple_end(ev, &tmp, end, &local);
	char s[INET6_ADDRSTRLEN];

	if (!t || !inet_ntop(t->family == AF_INET6 ? AF_INET6 : AF_INET, local ? t->laddr : t->raddr,
			     s, sizeof(s)))
		return false;
	sbuf__puts(b, s);
	return str_val(v, b->buf, b->len);
}

static bool tuple_port(const struct scry_event *ev, struct field_val *v, enum tuple_end end)
{
	struct sock_tuple tmp;
	bool local;
	const struct sock_tuple *t = tuple_end(ev, &tmp, end, &local);

	return t && U(local ? t->lport : t->rport);
}

#define TUPLE_GETTERS(what, END)							   \
	static bool get_##what##ip(const struct scry_event *ev, struct field_val *v,	   \
				   struct sbuf *b)					   \
	{										   \
		return tuple_ip(ev, v, b, END);						   \
	}										   \
	static bool get_##what##port(const struct scry_event *ev, struct field_val *v,   \
				     struct sbuf *b)					   \
	{										   \
		return tuple_port(ev, v, END);						   \
	}
TUPLE_GETTERS(l, END_LOCAL)
TUPLE_GETTERS(r, END_REMOTE)
TUPLE_GETTERS(s, END_SERVER)
TUPLE_GETTERS(c, END_CLIENT)

static bool get_is_server(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	struct sock_tuple tmp;
	enum sock_call_role role;

	if (!tuple_of(ev, &tmp) || (role = role_of(ev)) == SCR_NONE)
		return false;
	return U(role == SCR_SERVER);
}

/* A TCP socket's payload bytes so far, by the kernel's counters in its sockstate record. */
static bool get_conn_bytes(const struct scry_event *ev, struct field_val *v, bool in)
{
	const struct scry_rec_sock_state *s = &ev->rec->sock;

	if (!evt_has(ev, EVP_TUPLE) || !(s->xflags & SCRY_SOCK_BYTES))
		return false;
	return U(in ? s->bytes_in : s->bytes_out);
}

static bool get_bytes_in(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return get_conn_bytes(ev, v, true);
}

static bool get_bytes_out(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return get_conn_bytes(ev, v, false);
}

/* --- sysdig's other fd fields ---------------------------------------------------------------- */

/* fd.uid: the thread id and the fd number, chained as sysdig does ("1234" and "5": "12345"). */
static bool get_fd_uid(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	int64_t fd;
	uint8_t kind;

	if (!evt_has(ev, EVP_FD) || !evt_fd_num(ev, &fd, &kind))
		return false;
	sbuf__u64(b, ev->rec->h.tid);
	sbuf__s64(b, fd);
	return str_val(v, b->buf, b->len);
}

/*
 * The container's id (12 characters, "host" outside), a colon, then the value of `get`:
 * "ab12cd34ef56:/etc/hosts". The getter runs on the scratch buffer as it would alone (it may
 * read what it wrote there); the prefix goes in front of its value afterwards.
 */
static bool ctr_chained(const struct scry_event *ev, struct field_val *v, struct sbuf *b,
			bool (*get)(const struct scry_event *, struct field_val *, struct sbuf *))
{
	const char *id = ev->container ? ev->container->short_id : "host";
	size_t base = b->len, plen = strlen(id) + 1, len, off, i;
	uintptr_t at, lo = (uintptr_t)b->buf;
	struct field_val in;

	if (!get(ev, &in, b))
		return false;
	at = (uintptr_t)in.str;
	if (at >= lo && at + in.len <= lo + b->len) {
		/* the value is in the buffer, which may move as it grows: by its offset */
		off = at - lo;
		len = b->len;
		for (i = 0; i < plen; i++)
			sbuf__putc(b, ':');
		if (b->len != len + plen)
			return false;	/* a fixed buffer too small */
		memmove(b->buf + off + plen, b->buf + off, in.len);
		memcpy(b->buf + off, id, plen - 1);
		b->buf[off + plen - 1] = ':';
		return str_val(v, b->buf + off, in.len + plen);
	}
	b->len = base;
	sbuf__puts(b, id);
	sbuf__putc(b, ':');
	sbuf__write(b, in.str, in.len);
	return str_val(v, b->buf + base, b->len - base);
}

static bool get_fd_ctrname(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ctr_chained(ev, v, b, get_fd_name);
}

static bool get_fd_ctrdir(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ctr_chained(ev, v, b, get_fd_directory);
}

/*
 * A port's service name as /etc/services has it for the transport (80/tcp: "http"), else the
 * number: sysdig's fd.*proto. The file is read once, on first use, into a sorted array.
 */
struct service {
	uint32_t seq;		/* its line's place: the first of a port wins */
	uint16_t port;
	uint8_t udp;
	char name[32];
};
static struct service *services;
static size_t nservices;

static int service_cmp(const void *a, const void *b)
{
	const struct service *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->udp != y->udp)
		return (int)x->udp - (int)y->udp;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int service_key_cmp(const void *a, const void *b)
{
	const struct service *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return (int)x->udp - (int)y->udp;
}

static void services_load(void)
{
	static bool loaded;
	size_t cap = 0;
	FILE *f;
	char line[512], path[PATH_MAX];

	if (loaded)
		return;
	loaded = true;
	/* the host's, under --host-root; else the one in scry's image (the host's /etc unmounted) */
	f = hostpath("/etc/services", path, sizeof(path)) ? NULL : fopen(path, "re");
	if (!f && *hostpath__root())
		f = fopen("/etc/services", "re");
	if (!f)
		return;
	/* "name  port/proto  aliases  # comment": the first name of each port wins, as getservbyport */
	while (fgets(line, sizeof(line), f)) {
		char name[32], proto[8];
		unsigned int port;
		struct service *n;

		if (sscanf(line, "%31s %u/%7s", name, &port, proto) != 3 || name[0] == '#' ||
		    port > 65535 || (strcmp(proto, "tcp") && strcmp(proto, "udp")))
			continue;
		if (nservices == cap) {
			cap = cap ? cap * 2 : 256;
			n = realloc(services, cap * sizeof(*n));
			if (!n)
				break;
			services = n;
		}
		n = &services[nservices];
		n->seq = nservices++;
		n->port = port;
		n->udp = !strcmp(proto, "udp");
		snprintf(n->name, sizeof(n->name), "%s", name);
	}
	fclose(f);
	qsort(services, nservices, sizeof(*services), service_cmp);
}

static const char *service_name(uint16_t port, bool udp)
{
	struct service key = { .port = port, .udp = udp };
	const struct service *s;

	services_load();
	s = nservices ? bsearch(&key, services, nservices, sizeof(*services), service_key_cmp) :
			NULL;
	/* bsearch lands on any of equal keys: step back to the file's first */
	while (s && s > services && !service_key_cmp(s - 1, s))
		s--;
	return s ? s->name : NULL;
}

static bool tuple_proto(const struct scry_event *ev, struct field_val *v, struct sbuf *b,
			enum tuple_end end)
{
	struct sock_tuple tmp;
	bool local;
	const struct sock_tuple *t = tuple_end(ev, &tmp, end, &local);
	uint16_t port;
	const char *name;

	if (!t)
		return false;
	port = local ? t->lport : t->rport;
	name = service_name(port, t->protocol == IPPROTO_UDP);
	if (name)
		return cstr(v, name);
	sbuf__u64(b, port);
	return str_val(v, b->buf, b->len);
}

#define PROTO_GETTER(what, END)								   \
	static bool get_##what##proto(const struct scry_event *ev, struct field_val *v,	   \
				      struct sbuf *b)					   \
	{										   \
		return tuple_proto(ev, v, b, END);					   \
	}
PROTO_GETTER(l, END_LOCAL)
PROTO_GETTER(r, END_REMOTE)
PROTO_GETTER(s, END_SERVER)
PROTO_GETTER(c, END_CLIENT)

/* An IP socket with a peer: connected (TCP), or connect()ed (UDP). */
static bool get_fd_connected(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	static const uint8_t zero[16];
	struct sock_tuple tmp;
	const struct sock_tuple *t = tuple_of(ev, &tmp);

	if (!t)
		return false;
	return U(t->rport || memcmp(t->raddr, zero, sizeof(zero)));
}

static bool get_fd_dev_major(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint8_t kind;
	const struct scry_fd *f = evt_fd(ev, &kind);

	return f && f->dev && U(major(f->dev));
}

static bool get_fd_dev_minor(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint8_t kind;
	const struct scry_fd *f = evt_fd(ev, &kind);

	return f && f->dev && U(minor(f->dev));
}

/*
 * fd.ip, fd.port, fd.proto: either end of the socket (sysdig: "client or server"), as a
 * multi-valued field (FF_ANY): a filter's check holds when it holds for the local end (1) or the
 * remote one (2).
 */
static enum tuple_end end_of(const struct field_arg *a)
{
	return a->idx == 2 ? END_REMOTE : END_LOCAL;
}

static bool get_any_ip(const struct scry_event *ev, const struct field_arg *a,
		       struct field_val *v, struct sbuf *b)
{
	return a->idx >= 1 && a->idx <= 2 && tuple_ip(ev, v, b, end_of(a));
}

static bool get_any_port(const struct scry_event *ev, const struct field_arg *a,
			 struct field_val *v, struct sbuf *b)
{
	return a->idx >= 1 && a->idx <= 2 && tuple_port(ev, v, end_of(a));
}

static bool get_any_proto(const struct scry_event *ev, const struct field_arg *a,
			  struct field_val *v, struct sbuf *b)
{
	return a->idx >= 1 && a->idx <= 2 && tuple_proto(ev, v, b, end_of(a));
}

/* The event changed its fd's name: a socket's tuple (a datagram to a new peer, a connect). */
static bool get_fd_name_changed(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	uint8_t kind;

	return (evt_fd(ev, &kind) || evt_sock_addr(ev)) && U(ev->fd_name_changed);
}

/* evt.type.is.NAME: 1 for an event of that type, else 0 (sysdig's). */
static bool get_type_is(const struct scry_event *ev, const struct field_arg *a,
			struct field_val *v, struct sbuf *b)
{
	return a->key && U(!strcmp(evt_type_name(ev), a->key));
}

/* evt.outputtime: the time as the default line shows it (sysdig's -t; scry has one form). */
static bool get_outputtime(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return get_time(ev, v, b);
}

/* syscall.type: evt.type of a syscall event only (not of scry's own events). */
static bool get_syscall_type(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return evt_has(ev, EVP_SYSCALL) && cstr(v, evt_type_name(ev));
}

/* --- containers: the host reads "host" for id and name, as in sysdig --------------------- */

static bool get_ctr_id(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return cstr(v, ev->container ? ev->container->short_id : "host");
}

static bool get_ctr_full_id(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return cstr(v, ev->container ? ev->container->id : "host");
}

static bool get_ctr_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return cstr(v, ev->container ? ctr_name(ev->container) : "host");
}

static bool get_ctr_type(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return cstr(v, ctr_runtime_name(ev->container ? ev->container->runtime : CTR_HOST));
}

static bool get_ctr_image(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->container && ev->container->meta.image && cstr(v, ev->container->meta.image);
}

/* "key:value, key:value" as sysdig prints them */
static bool get_ctr_labels(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const struct ctr_meta *m;
	size_t i;

	if (!ev->container)
		return false;
	m = &ev->container->meta;
	for (i = 0; i < m->nlabels; i++) {
		if (i)
			sbuf__puts(b, ", ");
		sbuf__puts(b, m->labels[i].key);
		sbuf__putc(b, ':');
		sbuf__puts(b, m->labels[i].val);
	}
	return str_val(v, b->buf, b->len);
}

static bool get_pod_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->container && ev->container->meta.pod_name &&
	       cstr(v, ev->container->meta.pod_name);
}

static bool get_pod_ns(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->container && ev->container->meta.pod_ns && cstr(v, ev->container->meta.pod_ns);
}

/*
 * The pod's UID, from what the runtime labelled the container with: the kubelet's
 * io.kubernetes.pod.uid (Docker through cri-dockerd, CRI-O) or containerd's CRI annotation.
 */
static bool get_pod_id(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	static const char *const keys[] = { "io.kubernetes.pod.uid",
					     "io.kubernetes.cri.sandbox-uid" };
	const char *s;
	size_t i;

	for (i = 0; ev->container && i < ARRAY_SIZE(keys); i++)
		if ((s = ctr_meta__label(&ev->container->meta, keys[i])) && *s)
			return cstr(v, s);
	return false;
}

static bool get_k8s_ctr(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return ev->container && ev->container->meta.k8s_container &&
	       cstr(v, ev->container->meta.k8s_container);
}

/* --- block I/O (blockio) ------------------------------------------------------------------ */

static bool get_blk_dev(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	if (!evt_has(ev, EVP_BLOCK))
		return false;
	sbuf__u64(b, blk_major(ev->rec->blk.dev));
	sbuf__putc(b, ':');
	sbuf__u64(b, blk_minor(ev->rec->blk.dev));
	return str_val(v, b->buf, b->len);
}

static bool get_blk_devname(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	char name[64];
	size_t n;

	if (!evt_has(ev, EVP_BLOCK) || !(n = blk_dev_name(ev->rec->blk.dev, name, sizeof(name))))
		return false;
	sbuf__puts(b, name);
	return str_val(v, b->buf, b->len);
}

static bool get_blk_op(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return evt_has(ev, EVP_BLOCK) && cstr(v, blk_op_name(ev->rec->blk.op));
}

static bool get_blk_bytes(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return evt_has(ev, EVP_BLOCK) && U(ev->rec->blk.bytes);
}

/* Only where the issue was seen: an unknown latency is not 0. */
static bool get_blk_latency(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return evt_has(ev, EVP_BLOCK) && (ev->rec->blk.blk_flags & SCRY_BLK_ISSUED) &&
	       U(ev->rec->blk.latency_ns);
}

/* --- closed sets: the values =, != and in may compare these fields with --------------------- */

#define LIST_NTH(fn, list)                                                                         \
	static const char *fn(size_t i)                                                            \
	{                                                                                          \
		return i < ARRAY_SIZE(list) ? list[i] : NULL;                                      \
	}

/* The strings get_dir and get_category return. */
static const char *const dirs[] = { "<", ">" };
LIST_NTH(dir_nth, dirs)
LIST_NTH(category_nth, evt_category_name)
/* The strings get_sockfamily, get_l4proto and get_io_dir return. */
static const char *const sockfamilies[] = { "ip", "unix" };
static const char *const l4protos[] = { "tcp", "udp", "icmp", "raw" };
static const char *const io_dirs[] = { "r", "w" };
LIST_NTH(sockfamily_nth, sockfamilies)
LIST_NTH(l4proto_nth, l4protos)
LIST_NTH(io_dir_nth, io_dirs)
/* blk_op_name's */
static const char *const blk_ops[] = { "read", "write", "flush", "discard", "other" };
LIST_NTH(blk_op_nth, blk_ops)

/* Syscalls of this architecture (the 32-bit-only ones included), then scry's own events. */
static const char *evt_type_nth(size_t i)
{
	const char *n;

	if (i < SCRY_REC__MAX)
		return evt_table[i].name && !(evt_table[i].flags & (EVF_SYSCALL | EVF_HIDDEN)) ?
		       evt_table[i].name : "";
	i -= SCRY_REC__MAX;
	if (i < syscall_count()) {
		n = syscall_name(i);
		return n ? n : "";
	}
	i -= syscall_count();
	if (i < SCRY_NR_SYSCALLS) {
		n = syscall_name(SCRY_NR_COMPAT_BASE + i);
		return n ? n : "";
	}
	return NULL;
}

static bool evt_type_valid(const char *s)
{
	uint32_t nr;

	/* "syscall": how an event shows a number its table has no name for */
	return evt_type_lookup(s, &nr) >= 0 || !strcmp(s, "syscall");
}

static const char *res_nth(size_t i)
{
	const char *n;

	if (!i)
		return "SUCCESS";
	if (i > 4095)
		return NULL;
	n = errno_name(i);
	return n ? n : "";
}

/* get_res: SUCCESS, an errno name, or the return value in decimal when it has no name. */
static bool res_valid(const char *s)
{
	const char *d = s + (*s == '-');

	if (!strcmp(s, "SUCCESS") || errno_lookup(s) >= 0)
		return true;
	if (!*d)
		return false;
	while (*d >= '0' && *d <= '9')
		d++;
	return !*d;
}

/* The fd table's types, then the kernel's kinds for an fd the table does not know. */
static const char *fd_type_nth(size_t i)
{
	if (i < SCRY_FDT__MAX)
		return fd_type_name(i);
	i -= SCRY_FDT__MAX;
	return i < 16 ? fd_kind_name(i) : NULL;
}

static const char *ctr_type_nth(size_t i)
{
	return i < CTR_RUNTIME__MAX ? ctr_runtime_name(i) : NULL;
}

/*
 * What evt.type and evt.category can be, said from the event table so that a new type is listed
 * without touching this file: "syscall name, or procfork/procexec/...", and so on.
 */
static char evt_type_desc[256], evt_type_what[256], category_desc[128];

__attribute__((constructor)) static void describe_event_types(void)
{
	size_t d, w, c, i;

	d = snprintf(evt_type_desc, sizeof(evt_type_desc), "syscall name, or ");
	w = snprintf(evt_type_what, sizeof(evt_type_what), "a syscall name of this machine, or ");
	for (i = 0; i < SCRY_REC__MAX; i++) {
		const char *n = evt_type_nth(i);
		bool first = d == strlen("syscall name, or ");

		if (!n || !*n)
			continue;
		d += snprintf(evt_type_desc + d, d < sizeof(evt_type_desc) ? sizeof(evt_type_desc) - d : 0,
			      "%s%s", first ? "" : "/", n);
		w += snprintf(evt_type_what + w, w < sizeof(evt_type_what) ? sizeof(evt_type_what) - w : 0,
			      "%s%s", first ? "" : ", ", n);
	}
	for (i = c = 0; i < EVC__MAX; i++)
		c += snprintf(category_desc + c, c < sizeof(category_desc) ? sizeof(category_desc) - c : 0,
			      "%s%s", !i ? "" : i + 1 < EVC__MAX ? ", " : " or ", evt_category_name[i]);
}

static const struct field_values evt_type_values = { evt_type_nth, evt_type_valid, evt_type_what };
static const struct field_values dir_values = { dir_nth };
static const struct field_values sockfamily_values = { sockfamily_nth };
static const struct field_values l4proto_values = { l4proto_nth };
static const struct field_values io_dir_values = { io_dir_nth };
static const struct field_values blk_op_values = { blk_op_nth };
static const struct field_values category_values = { category_nth };
static const struct field_values res_values = {
	res_nth, res_valid, "SUCCESS, an errno name (ENOENT, EACCES...) or a number",
};
static const struct field_values fd_type_values = { fd_type_nth };
static const struct field_values ctr_type_values = { ctr_type_nth };

bool field_values__has(const struct field_values *fv, const char *s)
{
	const char *c;
	size_t i;

	if (fv->valid)
		return fv->valid(s);
	for (i = 0; (c = fv->nth(i)); i++)
		if (*c && !strcmp(c, s))
			return true;
	return false;
}

const struct field_desc field_table[] = {
	{ "evt.num", FT_U64, FF_JSON, "event number, from 1", get_num },
	{ "evt.time", FT_STR, FF_JSON, "time of the event, HH:MM:SS.nnnnnnnnn local", get_time },
	{ "evt.datetime", FT_STR, 0, "date and time of the event, local", get_datetime },
	{ "evt.rawtime", FT_U64, 0, "time of the event, ns since the epoch", get_rawtime },
	{ "evt.cpu", FT_U64, FF_JSON, "CPU the event happened on", get_cpu },
	{ "evt.dir", FT_STR, FF_JSON, "'>' enter (and instant events), '<' exit", get_dir,
	  &dir_values },
	{ "evt.type", FT_STR, FF_JSON, evt_type_desc, get_type,
	  &evt_type_values },
	{ "evt.category", FT_STR, 0, category_desc, get_category,
	  &category_values },
	{ "evt.info", FT_STR, FF_JSON, "the event's arguments as name=value pairs", get_info },
	{ "evt.res", FT_STR, FF_JSON, "syscall exit: SUCCESS or the errno name (ENOENT...)", get_res,
	  &res_values },
	{ "evt.rawres", FT_S64, FF_JSON, "syscall exit: the return value", get_rawres },
	{ "evt.failed", FT_U64, FF_BOOL, "syscall exit: 1 if it returned an error, else 0 (filters: true or false too)", get_failed },
	{ "evt.latency", FT_U64, FF_JSON, "syscall exit: ns since its enter (0 if unseen)", get_latency },
	{ "evt.runtime", FT_U64, 0, "switch: on-CPU ns of the task switched out", get_runtime },
	{ "syscall.nr", FT_U64, 0, "syscall number", get_syscall_nr },
	{ "proc.name", FT_STR, FF_JSON, "process name (comm of its main thread)", get_proc_name },
	{ "proc.pid", FT_U64, FF_JSON, "process id (host)", get_pid },
	{ "proc.ppid", FT_U64, FF_JSON, "parent process id (host)", get_ppid },
	{ "proc.vpid", FT_U64, FF_CONTAINER, "process id in its pid namespace (as the container sees it)", get_vpid },
	{ "proc.exe", FT_STR, 0, "argv[0]", get_exe },
	{ "proc.exepath", FT_STR, 0, "executable path as exec'd", get_exepath },
	{ "proc.args", FT_STR, 0, "arguments after argv[0]", get_args },
	{ "proc.cmdline", FT_STR, 0, "proc.name and proc.args", get_cmdline },
	{ "thread.tid", FT_U64, FF_JSON, "thread id (host)", get_tid },
	{ "thread.vtid", FT_U64, FF_CONTAINER, "thread id in its pid namespace", get_vtid },
	{ "thread.name", FT_STR, 0, "thread name (comm)", get_thread_name },
	{ "user.uid", FT_U64, 0, "effective user id", get_uid },
	{ "group.gid", FT_U64, 0, "effective group id", get_gid },
	{ "cgroup.id", FT_U64, 0, "cgroup id of the task", get_cgid },
	{ "fd.num", FT_S64, 0, "syscall exit: the fd it made (open, socket, accept, dup...), else its fd argument", get_fd_num },
	{ "fd.type", FT_STR, 0, "what the fd is, as the fd table knows it: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink, bpf, userfaultfd, io_uring, memfd, pidfd, char, block, socket, unknown (else the kernel's kind: file, pipe, socket, anon...)", get_fd_type,
	  &fd_type_values },
	{ "fd.typechar", FT_STR, 0, "fd.type as sysdig's letter: f d 4 6 u p e s l i t n b r m P o", get_fd_typechar },
	{ "fd.name", FT_STR, 0, "the fd's name: a file's absolute path as opened (resolved against the cwd or dirfd, no symlink followed), a socket's tuple (client first), pipe:[INO], anon_inode:[eventfd]...; a path call's path made absolute", get_fd_name },
	{ "fd.directory", FT_STR, 0, "a file's directory (a directory fd: itself)", get_fd_directory },
	{ "fd.filename", FT_STR, 0, "a file's name without its directory", get_fd_filename },
	{ "fd.ino", FT_U64, 0, "the fd's inode number, where known (opens, pipes, fds open at start)", get_fd_ino },
	{ "fd.dev", FT_U64, 0, "the device of the fd's file system, as stat's st_dev, where known", get_fd_dev },
	{ "fd.uid", FT_STR, 0, "the thread id and the fd number chained, as sysdig: a key unique per thread and fd", get_fd_uid },
	{ "fd.containername", FT_STR, 0, "container.id, ':', then fd.name: which container a file or socket belongs to", get_fd_ctrname },
	{ "fd.containerdirectory", FT_STR, 0, "container.id, ':', then fd.directory", get_fd_ctrdir },
	{ "fd.lproto", FT_STR, 0, "the local port's service name in /etc/services (80/tcp: http), else the port", get_lproto },
	{ "fd.rproto", FT_STR, 0, "the remote port's service name, else the port", get_rproto },
	{ "fd.sproto", FT_STR, 0, "the server port's service name, else the port", get_sproto },
	{ "fd.cproto", FT_STR, 0, "the client port's service name, else the port", get_cproto },
	{ "fd.connected", FT_U64, FF_BOOL, "an IP socket: 1 if it has a peer (a TCP connection, a connect()ed UDP socket), else 0 (filters: true or false too)", get_fd_connected },
	{ "fd.dev.major", FT_U64, 0, "major number of the device of the fd's file system, where known", get_fd_dev_major },
	{ "fd.dev.minor", FT_U64, 0, "minor number of that device", get_fd_dev_minor },
	{ "fd.ip", FT_STR, FF_ANY, "filters: matches either end's IP address of the socket (fd.lip or fd.rip)",
	  NULL, NULL, FA_BARE, get_any_ip },
	{ "fd.port", FT_U64, FF_ANY, "filters: matches either end's port (fd.lport or fd.rport)",
	  NULL, NULL, FA_BARE, get_any_port },
	{ "fd.net", FT_STR, FF_ANY | FF_CIDR, "filters: either end's IP address is in the network (fd.net=10.0.0.0/8; =, != or in)",
	  NULL, NULL, FA_BARE, get_any_ip },
	{ "fd.lnet", FT_STR, FF_CIDR, "filters: the local IP address is in the network (ADDR/BITS)", get_lip },
	{ "fd.rnet", FT_STR, FF_CIDR, "filters: the remote IP address is in the network", get_rip },
	{ "fd.snet", FT_STR, FF_CIDR, "filters: the server's IP address is in the network", get_sip },
	{ "fd.cnet", FT_STR, FF_CIDR, "filters: the client's IP address is in the network", get_cip },
	{ "fd.proto", FT_STR, FF_ANY, "filters: matches either end's service name (fd.lproto or fd.rproto)",
	  NULL, NULL, FA_BARE, get_any_proto },
	{ "fd.name_changed", FT_U64, FF_BOOL, "1 if the event changed the name of its fd: a socket's tuple (a connect, a datagram to or from a new peer), else 0 (filters: true or false too)", get_fd_name_changed },
	{ "evt.type.is", FT_U64, 0, "evt.type.is.NAME: 1 for events of type NAME (evt.type.is.open), else 0",
	  NULL, NULL, FA_DOT, get_type_is },
	{ "evt.outputtime", FT_STR, 0, "the event's time as the default line prints it: evt.time (sysdig's -t picks other forms; scry prints this one)", get_outputtime },
	{ "syscall.type", FT_STR, 0, "a syscall event's name (evt.type of syscalls only; none for scry's own events)", get_syscall_type },
	{ "fd.sockfamily", FT_STR, 0, "sockio, sockstate, socket calls: the socket's family, ip or unix",
	  get_sockfamily, &sockfamily_values },
	{ "fd.l4proto", FT_STR, 0, "sockio, sockstate, socket calls: the IP socket's transport: tcp, udp, icmp, raw",
	  get_l4proto, &l4proto_values },
	{ "fd.lip", FT_STR, 0, "network events of a TCP socket, socket calls, fd calls on a socket: local IP address", get_lip },
	{ "fd.lport", FT_U64, 0, "network events of a TCP socket, socket calls, fd calls on a socket: local port", get_lport },
	{ "fd.rip", FT_STR, 0, "network events of a TCP socket, socket calls, fd calls on a socket: remote IP address", get_rip },
	{ "fd.rport", FT_U64, 0, "network events of a TCP socket, socket calls, fd calls on a socket: remote port", get_rport },
	{ "fd.sip", FT_STR, 0, "the server's IP address: the end that listened and accepted (or received a datagram)", get_sip },
	{ "fd.sport", FT_U64, 0, "the server's port", get_sport },
	{ "fd.cip", FT_STR, 0, "the client's IP address: the end that connected (or sent a datagram)", get_cip },
	{ "fd.cport", FT_U64, 0, "the client's port", get_cport },
	{ "fd.is_server", FT_U64, FF_BOOL, "1 if the event's process is the server end of the socket, 0 the client (filters: true or false too)", get_is_server },
	{ "fd.bytes_in", FT_U64, 0, "sockstate, tcpretrans, tcpreset: the TCP connection's payload bytes received so far (the kernel's count; at the close, its total)", get_bytes_in },
	{ "fd.bytes_out", FT_U64, 0, "sockstate, tcpretrans, tcpreset: its payload bytes sent so far, each once", get_bytes_out },
	{ "evt.buflen", FT_U64, 0, "sockio, and the exit of a read, write, send or receive: bytes the call moved", get_buflen },
	{ "evt.buffer", FT_STR, FF_JSON, "the exit of a read, write, send or receive: the first -s bytes it moved", get_buffer },
	{ "evt.io_dir", FT_STR, 0, "sockio: r (received) or w (sent); a read/write-family call (enter and exit): r (read, recvfrom...) or w (write, sendto...; a call that does both, as sendfile: w)", get_io_dir, &io_dir_values },
	{ "container.id", FT_STR, FF_JSON | FF_CONTAINER, "container id, 12 characters ('host' outside)", get_ctr_id },
	{ "container.full_id", FT_STR, 0, "container id, whole", get_ctr_full_id },
	{ "container.name", FT_STR, FF_JSON | FF_CONTAINER, "container name from its runtime (its id until known)", get_ctr_name },
	{ "container.image", FT_STR, FF_CONTAINER, "container image", get_ctr_image },
	{ "container.type", FT_STR, 0, "runtime: docker, containerd, cri-o, podman, lxc, host", get_ctr_type,
	  &ctr_type_values },
	{ "container.labels", FT_STR, FF_CONTAINER, "container labels, key:value, ...", get_ctr_labels },
	{ "k8s.pod.name", FT_STR, FF_CONTAINER, "Kubernetes pod name", get_pod_name },
	{ "k8s.ns.name", FT_STR, FF_CONTAINER, "Kubernetes namespace", get_pod_ns },
	{ "k8s.pod.id", FT_STR, FF_CONTAINER, "Kubernetes pod UID (the runtime's io.kubernetes.pod.uid label, or containerd's sandbox-uid annotation)", get_pod_id },
	{ "k8s.container.name", FT_STR, 0, "Kubernetes container name", get_k8s_ctr },
	{ "evt.blk.dev", FT_STR, 0, "blockio: the device, MAJ:MIN (the partition, else the disk)", get_blk_dev },
	{ "evt.blk.devname", FT_STR, 0, "blockio: the device's name on this machine (vda, sda1)", get_blk_devname },
	{ "evt.blk.op", FT_STR, 0, "blockio: read, write, flush, discard or other", get_blk_op, &blk_op_values },
	{ "evt.blk.bytes", FT_U64, 0, "blockio: bytes this completion moved", get_blk_bytes },
	{ "evt.blk.latency", FT_U64, 0, "blockio: ns from the request's issue to the driver to this completion", get_blk_latency },
	{ "evt.wait_ns", FT_U64, 0, "switch, cputick: run-queue wait of the task since its previous one (growth of the scheduler's run_delay)", get_wait },
	{ "evt.offcpu_ns", FT_U64, 0, "switch, cputick: the off-CPU stretch (switch-out to switch-in) that ended when this slice began, 0 if none", get_offcpu },
	{ "evt.offcpu_reason", FT_STR, 0, "why that stretch began: preempt, sleep (interruptible), blocked (uninterruptible), stopped", get_offcpu_reason },
	{ "evt.min_flt", FT_U64, 0, "switch, cputick: minor page faults of the task since its previous one", get_min_flt },
	{ "evt.maj_flt", FT_U64, 0, "switch, cputick: major page faults of the task since its previous one", get_maj_flt },
	/* issue 15, chisels (spy_syslog): fields_syslog.c */
	{ "syslog.facility", FT_U64, 0, "the exit of a write or send whose data starts with a syslog <PRI> header (RFC 3164, 5424): the facility, PRI / 8", get_syslog_facility },
	{ "syslog.facility.str", FT_STR, 0, "the facility's name: kern, user, mail, daemon, auth, syslog, lpr, news, uucp, clock, authpriv, ftp, ntp, logaudit, logalert, cron, local0 to local7", get_syslog_facility_str },
	{ "syslog.severity", FT_U64, 0, "the severity, PRI % 8 (0 emerg to 7 debug)", get_syslog_severity },
	{ "syslog.severity.str", FT_STR, 0, "the severity's name: emerg, alert, crit, err, warn, notice, info, debug", get_syslog_severity_str },
	{ "syslog.message", FT_STR, 0, "the data after the <PRI> header (a trailing newline or NUL left out)", get_syslog_message },
	/* --- issue 15, containers (fields_ctr.c): none has a value on the host or before the runtime answered --- */
	{ "container.image.repository", FT_STR, 0, "the image's repository, registry included (registry:port/path/name)", get_ctr_image_repo },
	{ "container.image.tag", FT_STR, 0, "the image's tag (Docker: latest when the reference has none)", get_ctr_image_tag },
	{ "container.image.id", FT_STR, 0, "the image's id, whole, without sha256: (Docker, Podman)", get_ctr_image_id },
	{ "container.image.digest", FT_STR, 0, "the image's registry digest, sha256:... (from the reference, else the image's RepoDigests)", get_ctr_image_digest },
	{ "container.privileged", FT_STR, 0, "true for a privileged container, false otherwise (Docker, Podman)", get_ctr_privileged, &ctr_bool_values },
	{ "container.mounts", FT_STR, 0, "the mounts, comma-separated, each source:dest:mode:rdwr:propagation (Docker's Mounts; OCI bind mounts)", get_ctr_mounts },
	{ "container.healthcheck", FT_STR, 0, "the Docker health check's command line; NONE without one", get_ctr_healthcheck },
	{ "container.liveness_probe", FT_STR, 0, "the Kubernetes liveness probe's command (kubectl's last-applied pod spec); NONE without one", get_ctr_liveness },
	{ "container.readiness_probe", FT_STR, 0, "the Kubernetes readiness probe's command; NONE without one", get_ctr_readiness },
	{ "proc.is_container_healthcheck", FT_STR, 0, "true if the process runs the container's health check (its argv is the check's, started by the runtime's exec, not under the container's init) or descends from one", get_proc_is_healthcheck, &ctr_bool_values },
	{ "proc.is_container_liveness_probe", FT_STR, 0, "true if the process runs the container's liveness probe, or descends from one", get_proc_is_liveness, &ctr_bool_values },
	{ "proc.is_container_readiness_probe", FT_STR, 0, "true if the process runs the container's readiness probe, or descends from one", get_proc_is_readiness, &ctr_bool_values },
	{ .name = "container.mount", .type = FT_STR, .args = FA_INDEX | FA_KEY, .get_arg = get_ctr_mount,
	  .desc = "one mount, source:dest:mode:rdwr:propagation: the Nth (from 0) or the first whose source matches the glob KEY (container.mount[/usr/*]); none: no value" },
	{ .name = "container.mount.source", .type = FT_STR, .args = FA_INDEX | FA_KEY, .get_arg = get_ctr_mount_source,
	  .desc = "a mount's source: the Nth mount's, or that of the first whose destination matches the glob KEY" },
	{ .name = "container.mount.dest", .type = FT_STR, .args = FA_INDEX | FA_KEY, .get_arg = get_ctr_mount_dest,
	  .desc = "a mount's destination: the Nth mount's, or that of the first whose source matches the glob KEY" },
	{ .name = "container.mount.mode", .type = FT_STR, .args = FA_INDEX | FA_KEY, .get_arg = get_ctr_mount_mode,
	  .desc = "a mount's mode (Docker's: ro, z, ...): the Nth mount's, or by source glob" },
	{ .name = "container.mount.rdwr", .type = FT_STR, .args = FA_INDEX | FA_KEY, .get_arg = get_ctr_mount_rdwr,
	  .values = &ctr_bool_values, .desc = "true if a mount is read-write: the Nth mount, or by source glob" },
	{ .name = "container.mount.propagation", .type = FT_STR, .args = FA_INDEX | FA_KEY, .get_arg = get_ctr_mount_propagation,
	  .desc = "a mount's propagation (rprivate, ...): the Nth mount's, or by source glob" },
	/* users (issue 15): names from the process's own user database, fields_user.c */
	{ "user.name", FT_STR, 0, "name of user.uid in the process's own /etc/passwd (a container's, not the host's; on replay, as recorded)", get_user_name },
	{ "user.homedir", FT_STR, 0, "home directory of user.uid, from the same /etc/passwd", get_user_homedir },
	{ "user.shell", FT_STR, 0, "login shell of user.uid, from the same /etc/passwd", get_user_shell },
	{ "user.loginname", FT_STR, 0, "name of the process's login uid (audit loginuid, inherited from the login) in the same /etc/passwd", get_user_loginname },
	{ "group.name", FT_STR, 0, "name of group.gid in the process's own /etc/group", get_group_name },
	/* --- issue 15, events (fields_evt.c) --- */
	{ "evt.arg", FT_STR, 0, "syscall exit: an argument as evt.info shows it, by name (evt.arg.fd, evt.arg.path, evt.arg.data; evt.arg.name: an open's path, as sysdig calls it) or by position (evt.arg[0] is res)", NULL, NULL,
	  FA_DOT | FA_INDEX, evt_get_arg, .keys = &evt_arg_names },
	{ "evt.rawarg", FT_S64, 0, "syscall exit: an argument as the call passed it, a number (an fd or int argument sign-extended); a path argument: its text", NULL, NULL,
	  FA_DOT | FA_INDEX, evt_get_rawarg, .keys = &evt_arg_names },
	{ "evt.args", FT_STR, 0, "the event's arguments as name=value pairs: evt.info", get_info },
	{ "evt.is_io", FT_STR, 0, "true for the calls that read or write fds (read, write, send, recv... families, sendfile, splice, copy_file_range), enter and exit; else false", evt_get_is_io, &evt_bool_values },
	{ "evt.is_io_read", FT_STR, 0, "true for the calls that read from fds (read, pread64, readv, recvfrom, recvmsg...); else false", evt_get_is_io_read, &evt_bool_values },
	{ "evt.is_io_write", FT_STR, 0, "true for the calls that write to fds (write, pwrite64, writev, sendto, sendmsg...); else false", evt_get_is_io_write, &evt_bool_values },
	{ "evt.is_wait", FT_STR, 0, "true for the calls that make the thread wait (select, pselect6, poll, ppoll, epoll_wait, epoll_pwait, nanosleep, clock_nanosleep); else false", evt_get_is_wait, &evt_bool_values },
	{ "evt.is_syslog", FT_STR, 0, "exit of a write-family call: true if its fd's name holds /dev/log (a write to syslog); other events false", evt_get_is_syslog, &evt_bool_values },
	{ "evt.wait_latency", FT_U64, 0, "exit of a call that waits (evt.is_wait): ns it waited (its latency; 0 if its enter was unseen)", evt_get_wait_latency },
	{ "evt.is_open_read", FT_STR, 0, "exit of open, openat, creat: true if opened for reading (O_RDONLY, O_RDWR); other events false; openat2 (flags out of reach) and enters: none", evt_get_is_open_read, &evt_bool_values },
	{ "evt.is_open_write", FT_STR, 0, "exit of open, openat, creat: true if opened for writing (O_WRONLY, O_RDWR; creat); other events false", evt_get_is_open_write, &evt_bool_values },
	{ "evt.is_open_exec", FT_STR, 0, "exit of open, openat, creat: true if it creates a file (O_CREAT, O_TMPFILE) with an execute bit in its mode; other events false", evt_get_is_open_exec, &evt_bool_values },
	{ "evt.abspath", FT_STR, 0, "exit of a call with a dirfd and a path (openat, mkdirat, unlinkat, renameat's old path...): the path made absolute against the dirfd or the cwd; .src the same (sysdig's first path of two; the second, .dst, is not recorded)", NULL, NULL,
	  FA_BARE | FA_DOT, evt_get_abspath, .keys = &evt_abspath_keys },
	{ "evt.count", FT_U64, 0, "1 for every event (to count them in views)", evt_get_count },
	{ "evt.count.error", FT_U64, 0, "syscall exit: 1 if it failed, else 0", evt_get_count_error },
	{ "evt.count.error.file", FT_U64, 0, "syscall exit about a file (its fd a file or directory, or an open): 1 if it failed, else 0", evt_get_count_error_file },
	{ "evt.count.error.net", FT_U64, 0, "syscall exit about the network (its fd a socket, or accept, connect): 1 if it failed, else 0", evt_get_count_error_net },
	{ "evt.count.error.memory", FT_U64, 0, "syscall exit of a memory call (brk, mmap, munmap, mremap, mprotect, mlock...): 1 if it failed, else 0", evt_get_count_error_memory },
	{ "evt.count.error.other", FT_U64, 0, "syscall exit of any other call: 1 if it failed, else 0", evt_get_count_error_other },
	{ "evt.count.exit", FT_U64, 0, "1 for exit events", evt_get_count_exit },
	{ "evt.rawtime.s", FT_U64, 0, "time of the event: whole seconds since the epoch", evt_get_rawtime_s },
	{ "evt.rawtime.ns", FT_U64, 0, "time of the event: the ns past evt.rawtime.s", evt_get_rawtime_ns },
	{ "evt.time.s", FT_STR, 0, "time of the event, HH:MM:SS local", evt_get_time_s },
	{ "evt.time.iso8601", FT_STR, 0, "date and time of the event, ISO 8601 in UTC with ns: 2023-11-14T22:13:20.123456789Z", evt_get_time_iso8601 },
	{ "evt.datetime.s", FT_STR, 0, "date and time of the event, local, YYYY-MM-DD HH:MM:SS", evt_get_datetime_s },
	{ "evt.reltime", FT_U64, 0, "ns since the recording began (live: the run's start; a capture: the same moment, from its header)", evt_get_reltime },
	{ "evt.reltime.s", FT_U64, 0, "evt.reltime: whole seconds", evt_get_reltime_s },
	{ "evt.reltime.ns", FT_U64, 0, "evt.reltime: the ns past evt.reltime.s", evt_get_reltime_ns },
	{ "evt.deltatime", FT_U64, 0, "ns since the previous event the filter passed (the previous line), 0 for the first", evt_get_deltatime },
	{ "evt.deltatime.s", FT_U64, 0, "evt.deltatime: whole seconds", evt_get_deltatime_s },
	{ "evt.deltatime.ns", FT_U64, 0, "evt.deltatime: the ns past evt.deltatime.s", evt_get_deltatime_ns },
	{ "evt.latency.s", FT_U64, 0, "syscall exit: evt.latency's whole seconds", evt_get_latency_s },
	{ "evt.latency.ns", FT_U64, 0, "syscall exit: evt.latency's ns past evt.latency.s", evt_get_latency_ns },
	{ "evt.latency.human", FT_STR, 0, "syscall exit: evt.latency as sysdig shows it: 1.25s, 123ms, 1.50ms, 12us, 800ns", evt_get_latency_human },
	{ "evt.around", FT_U64, FF_FILTER_ONLY | FF_WITHIN, "filters only: evt.around[T]=D takes the events within D ms of T, an evt.rawtime", NULL, NULL,
	  FA_INDEX, evt_get_around },
	/* --- issue 15, fdlist.* (fields_fdlist.c): a poll exit's ready fds, from its first -s/8 pollfds --- */
	{ "fdlist.nums", FT_STR, 0, "a poll or ppoll exit: the fds it found ready, comma-separated (of the first -s/8 pollfds of its fds argument: 10 at -s 80)", get_fdlist_nums },
	{ "fdlist.names", FT_STR, 0, "the same fds' names as fd.name gives them (a path, a socket's tuple...), <NA> for an fd the fd table does not know", get_fdlist_names },
	{ "fdlist.cips", FT_STR, 0, "the client IP addresses of the same fds that are IP sockets with a client end (as fd.cip), comma-separated", get_fdlist_cips },
	{ "fdlist.sips", FT_STR, 0, "the server IP addresses of the same fds that are IP sockets (as fd.sip; a listening socket's own address)", get_fdlist_sips },
	{ "fdlist.cports", FT_STR, 0, "the client ports of the same fds that are IP sockets with a client end (as fd.cport)", get_fdlist_cports },
	{ "fdlist.sports", FT_STR, 0, "the server ports of the same fds that are IP sockets (as fd.sport; a listening socket's own port)", get_fdlist_sports },
	/* --- issue 15, processes and threads (fields_proc.c) --- */
	{ "proc.pname", FT_STR, 0, "the parent's proc.name (none when the parent is not known, or has exited and its children were not told of their new one)", get_proc_pname },
	{ "proc.pcmdline", FT_STR, 0, "the parent's proc.cmdline", get_proc_pcmdline },
	{ "proc.aname", FT_STR, FF_ANY, "proc.aname[N]: the proc.name of the N-th ancestor (0 the process, 1 its parent, 2 its grandparent...); bare in a filter, any ancestor's (proc.aname=bash); bare elsewhere, the parent's",
	  NULL, NULL, FA_INDEX | FA_BARE, get_proc_aname },
	{ "proc.apid", FT_U64, FF_ANY, "proc.apid[N]: the pid of the N-th ancestor, as proc.aname; bare in a filter, any ancestor's",
	  NULL, NULL, FA_INDEX | FA_BARE, get_proc_apid },
	{ "proc.ppid.duration", FT_U64, 0, "ns since the parent started", get_proc_ppid_duration },
	{ "proc.loginshellid", FT_S64, 0, "pid of the oldest shell (a name ending in sh) among the process and its ancestors", get_proc_loginshellid },
	{ "proc.cwd", FT_STR, 0, "the process's working directory (from chdir, fchdir and fork; /proc/PID/cwd for processes that predate scry)", get_proc_cwd },
	{ "proc.duration", FT_U64, 0, "ns since the process started", get_proc_duration },
	{ "proc.nthreads", FT_U64, 0, "live threads of the process, the main one included", get_proc_nthreads },
	{ "proc.nchilds", FT_U64, 0, "live threads of the process other than the main one (sysdig's meaning: not child processes)", get_proc_nchilds },
	{ "proc.env", FT_STR, 0, "its environment as NAME=value NAME2=value2 (proc.env[NAME]: NAME's value): the first 1024 bytes, as of its exec (/proc at start); kept only when the command line names proc.env, and when recording (-w)",
	  NULL, NULL, FA_KEY | FA_BARE, get_proc_env },
	{ "proc.exeline", FT_STR, 0, "the command line as exec'd: proc.exe and proc.args", get_proc_exeline },
	{ "proc.fdopencount", FT_U64, 0, "fds the process holds open, as the fd table knows them", get_proc_fdopencount },
	{ "thread.ismain", FT_U64, 0, "1 if the thread is the process's main thread (its tid is the pid), else 0", get_thread_ismain },
	{ "thread.exectime", FT_U64, 0, "switch: on-CPU ns of the slice that just ended (evt.runtime)", get_thread_exectime },
	{ "thread.totexectime", FT_U64, 0, "switch: on-CPU ns of the thread switched out, in all since scry first saw it", get_thread_totexectime },
	{ "thread.pfmajor", FT_U64, 0, "major page faults of the thread since scry first saw it (faults before that from /proc for threads that predate scry)", get_thread_pfmajor },
	{ "thread.pfminor", FT_U64, 0, "minor page faults of the thread, likewise", get_thread_pfminor },
	{ "proc.sid", FT_U64, 0, "session id: the host pid of its session's leader (as of the process's newest fork or exec, or /proc at start)", get_proc_sid },
	{ "proc.vpgid", FT_U64, 0, "process group id as its own pid namespace sees it (likewise)", get_proc_vpgid },
	{ "proc.sname", FT_STR, 0, "name of its session's leader: the process whose pid is proc.sid, else its eldest ancestor in the same session", get_proc_sname },
	{ "proc.tty", FT_U64, 0, "controlling terminal as /proc's tty_nr (major << 8 | minor, minor bits above 8 at 20), 0 for none", get_proc_tty },
	{ "user.loginuid", FT_S64, 0, "audit login uid (set at login, inherited), -1 when unset", get_user_loginuid },
	{ "proc.fdlimit", FT_U64, 0, "the soft limit on open fds (RLIMIT_NOFILE) as of its newest fork or exec", get_proc_fdlimit },
	{ "proc.fdusage", FT_U64, 0, "proc.fdopencount as a percentage of proc.fdlimit (sysdig: a ratio)", get_proc_fdusage },
	{ "proc.is_exe_writable", FT_U64, 0, "1 if its executable is writable by its fs user (root, the owner, else the mode's group or other bit; no ACLs), as of its exec", get_proc_is_exe_writable },
	{ "proc.vmsize", FT_U64, 0, "virtual memory, kB (VmSize), as of its threads' newest switch or tick where it changed (else its newest fork or exec, or /proc when scry started)", get_proc_vmsize },
	{ "proc.vmrss", FT_U64, 0, "resident memory, kB (VmRSS), likewise (the kernel's RSS counters, as /proc reads them)", get_proc_vmrss },
	{ "proc.vmswap", FT_U64, 0, "swapped-out memory, kB (VmSwap), likewise", get_proc_vmswap },
	{ "thread.vmsize", FT_U64, 0, "the main thread: proc.vmsize; other threads: 0", get_thread_vmsize },
	{ "thread.vmrss", FT_U64, 0, "the main thread: proc.vmrss; other threads: 0", get_thread_vmrss },
	{ "thread.cgroups", FT_STR, 0, "every cgroup controller of the thread with its cgroup: cpuset=/ cpu=/docker/ID ... (read from /proc/PID/task/TID/cgroup when asked, once per process and cgroup; a capture records what the recorder read)", get_thread_cgroups },
	{ "thread.cgroup", FT_STR, 0, "thread.cgroup.CONTROLLER: the thread's cgroup in that controller's hierarchy (thread.cgroup.memory, thread.cgroup.cpu; cgroup v2's controllers as its root lists them), as thread.cgroups",
	  NULL, NULL, FA_DOT, get_thread_cgroup },
	/* --- issue 18 (ns18): zombies, and processes that entered a container (fields_ns18.c) --- */
	{ "container.entered", FT_U64, FF_BOOL, "1 if the process entered the container from outside: it has the container's pid, mount, network, IPC or UTS namespace (nsenter, setns) but not its cgroup; its CPU time is charged to its own cgroup (the host's), and views count it there", get_ctr_entered },
	{ "proc.zombies", FT_U64, 0, "its children that exited and that it has not reaped (wait): zombies whose parent it is", get_proc_zombies },
	{ "container.zombies", FT_U64, 0, "processes of the container (by cgroup; the host's outside every container's) that exited and are not reaped", get_ctr_zombies },
	{ "zombie.vpid", FT_U64, 0, "a zombie (the zombies view, or an event of one): its pid in its own pid namespace", get_zombie_vpid },
	{ "zombie.parent_vpid", FT_U64, 0, "a zombie's parent's pid in the parent's pid namespace: 1 is a container's init, which must reap the orphans it inherits", get_zombie_parent_vpid },
	{ "zombie.age_ns", FT_U64, 0, "ns since the zombie exited (none for one found in /proc at start: its exit time is not known)", get_zombie_age_ns },
	{ "zombie.age", FT_STR, 0, "time since the zombie exited, 12.3s; >12.3s for one found at start: at least since scry (or the capture) started", get_zombie_age },
	{ "zombie.exit_code", FT_S64, 0, "the zombie's exit status as the kernel keeps it (status << 8 | signal); none for one found at start", get_zombie_exit_code },
	/* issue 15, cpu15: the CPU share of a thread */
	{ "thread.cpu", FT_U64, 0, "the thread's share of one CPU in the whole second (of the boot clock) before the event's, percent (0-100): its on-CPU time then; none until scry has seen a whole second", get_thread_cpu },
	{ "thread.cpu.user", FT_U64, 0, "the user-mode part of thread.cpu: split in the ratio of the kernel's utime and stime growth in that second, as /proc's utime and stime are", get_thread_cpu_user },
	{ "thread.cpu.system", FT_U64, 0, "the kernel-mode part of thread.cpu (thread.cpu.user + thread.cpu.system = thread.cpu)", get_thread_cpu_system },
	/* --- issue 18, signals (fields_sig.c): signalgenerate and signaldeliver; proc.*, thread.* and container.* are the target's --- */
	{ "sig.num", FT_U64, FF_JSON, "signal events: the signal's number (15)", get_sig_num },
	{ "sig.name", FT_STR, FF_JSON, "signal events: the signal's name (SIGTERM; SIG32..SIG64 for real-time ones)", get_sig_name },
	{ "sig.code", FT_STR, 0, "signal events: the siginfo's si_code (SI_USER: kill, SI_TKILL: tgkill, SI_QUEUE, SI_TIMER, SI_KERNEL; a number for a signal's own code, CLD_EXITED...)", get_sig_code },
	{ "sig.result", FT_STR, FF_JSON, "signalgenerate: delivered (queued), blocked (queued, the target blocks it), ignored (dropped by the kernel), pending (one already was), overflow, lost_info; signaldeliver: handled (by its handler), default (the default action), ignored", get_sig_result },
	{ "sig.action", FT_STR, 0, "signal events: the target's disposition for the signal then: handler, default or ignore", get_sig_action },
	{ "sig.default", FT_STR, 0, "signal events: the signal's default action (signal(7)): term, core, stop, cont or ignore", get_sig_default },
	{ "sig.blocked", FT_U64, FF_BOOL, "signalgenerate: 1 if the target blocks the signal (it waits, pending), else 0", get_sig_blocked },
	{ "sig.sender", FT_STR, FF_JSON, "signal events: who sent it, name(pid), or kernel or timer when no task did", get_sig_sender },
	{ "sig.sender.kind", FT_STR, 0, "signal events: process (a task sent it), kernel (made by the kernel: SI_KERNEL, a fault, SIGCHLD..., or from an interrupt) or timer", get_sig_sender_kind },
	{ "sig.sender.pid", FT_U64, 0, "signal events: the sending process's pid (host); none for the kernel or a timer (signaldeliver: the sender its signalgenerate named)", get_sig_sender_pid },
	{ "sig.sender.tid", FT_U64, 0, "signal events: the sending thread's tid (host)", get_sig_sender_tid },
	{ "sig.sender.vpid", FT_U64, 0, "signal events: the sending process's pid in its own pid namespace", get_sig_sender_vpid },
	{ "sig.sender.name", FT_STR, 0, "signal events: the sending thread's name (comm)", get_sig_sender_name },
	{ "sig.sender.container.id", FT_STR, FF_CONTAINER, "signal events: the sender's container id ('host' outside one)", get_sig_sender_ctr_id },
	{ "sig.sender.container.name", FT_STR, FF_CONTAINER, "signal events: the sender's container name", get_sig_sender_ctr_name },
	{ "sig.target", FT_STR, FF_JSON, "signal events: the target, name(pid), with ' PID1' or ' vpid N' where its pid namespace numbers it otherwise", get_sig_target },
	{ "sig.target.pid", FT_U64, 0, "signal events: the target's pid (host): proc.pid", get_sig_target_pid },
	{ "sig.target.tid", FT_U64, 0, "signal events: the target thread's tid (host)", get_sig_target_tid },
	{ "sig.target.vpid", FT_U64, 0, "signal events: the target's pid in its own pid namespace", get_sig_target_vpid },
	{ "sig.target.name", FT_STR, 0, "signal events: the target thread's name (comm)", get_sig_target_name },
	{ "sig.target.container.id", FT_STR, 0, "signal events: the target's container id: container.id", get_sig_target_ctr_id },
	{ "sig.target.container.name", FT_STR, 0, "signal events: the target's container name: container.name", get_sig_target_ctr_name },
	{ "sig.target.is_init", FT_U64, FF_BOOL, "signal events: 1 if the target is PID 1 of its pid namespace (a container's init), else 0", get_sig_target_is_init },
	{ "sig.init_ignored", FT_U64, FF_BOOL, "signalgenerate: 1 for the trap: a signal that would end a process (SIGTERM, SIGINT...) sent to a PID 1 with no handler for it, which the kernel therefore drops (docker stop's SIGTERM: the stop waits its timeout, then SIGKILL), else 0", get_sig_init_ignored },
	{ "sig.trap", FT_STR, 0, "signal events: the trap of sig.init_ignored named in a sentence, empty for every other signal", get_sig_trap },
};
const size_t field_count = ARRAY_SIZE(field_table);

const struct field_desc *field_lookup(const char *name)
{
	return TABLE_FIND(field_table, field_count, name, name);
}
