// SPDX-License-Identifier: GPL-2.0
/*
 * The key table: what a view's row stands for (a container, a process, a syscall), how an event
 * finds its row, how rows of equal figures are ordered, and the columns that show the key, as
 * fields. A row is read by the field table's getters through an event made of the row, so a key
 * column means what the field means in filters, -p and -j.
 *
 * Adding a keyed view (connections, files...): a KEY_ name in view.h, a row here (row_key, cmp,
 * columns), and a row in view_table (views.c).
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/state.h"
#include "scry/view.h"

/* --- row identity and order ------------------------------------------------------------------- */

static bool container_key(const struct scry_event *ev, uint64_t *key)
{
	*key = (uintptr_t)ev->container;
	return true;
}

/* A process is one row for its whole life, even if its pid is reused within the interval. */
static bool proc_key(const struct scry_event *ev, uint64_t *key)
{
	if (!ev->proc)
		return false;
	*key = ev->proc->pid ^ (ev->proc->start_ts * 0x9e3779b97f4a7c15ULL);
	return true;
}

/* A socket by its cookie: the events of its table entry (an event of a full table has none). */
static bool conn_key(const struct scry_event *ev, uint64_t *key)
{
	if (!ev->sock)
		return false;
	*key = ev->sock->cookie;
	return true;
}

/* The server end of a connection, by its local port and protocol (listening ports' traffic). */
static bool port_key(const struct scry_event *ev, uint64_t *key)
{
	const struct scry_sock *s = ev->sock;

	if (!s || !s->tuple || s->role != SOCK_ROLE_SERVER)
		return false;
	*key = (uint64_t)s->t.protocol << 16 | s->t.lport;
	return true;
}

static bool device_key(const struct scry_event *ev, uint64_t *key)
{
	if (ev->type != SCRY_REC_BLOCK_IO)
		return false;
	*key = ev->rec->blk.dev;
	return true;
}

static bool syscall_key(const struct scry_event *ev, uint64_t *key)
{
	*key = ev->nr;
	return true;
}

/* The host first, then by full id. */
static int container_cmp(const struct view_row *a, const struct view_row *b)
{
	if (!a->container || !b->container)
		return !a->container ? -1 : !b->container;
	return strcmp(a->container->id, b->container->id);
}

static int proc_cmp(const struct view_row *a, const struct view_row *b)
{
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->start_ts < b->start_ts ? -1 : a->start_ts > b->start_ts;
}

static int syscall_cmp(const struct view_row *a, const struct view_row *b)
{
	return a->nr < b->nr ? -1 : a->nr > b->nr;
}

/* By process, then by local and remote port. */
static int conn_cmp(const struct view_row *a, const struct view_row *b)
{
	int c = proc_cmp(a, b);

	if (c)
		return c;
	if (a->tuple.lport != b->tuple.lport)
		return a->tuple.lport < b->tuple.lport ? -1 : 1;
	return a->tuple.rport < b->tuple.rport ? -1 : a->tuple.rport > b->tuple.rport;
}

/* By protocol and local port, then remote port, then process: as netstat lists them. */
static int netstat_cmp(const struct view_row *a, const struct view_row *b)
{
	if (a->tuple.protocol != b->tuple.protocol)
		return a->tuple.protocol < b->tuple.protocol ? -1 : 1;
	if (a->tuple.lport != b->tuple.lport)
		return a->tuple.lport < b->tuple.lport ? -1 : 1;
	if (a->tuple.rport != b->tuple.rport)
		return a->tuple.rport < b->tuple.rport ? -1 : 1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->key < b->key ? -1 : a->key > b->key;	/* the cookie */
}

static int port_cmp(const struct view_row *a, const struct view_row *b)
{
	return a->key < b->key ? -1 : a->key > b->key;	/* protocol, then port */
}

/* By value: numbers in their order, then strings by their bytes. */
static int field_cmp(const struct view_row *a, const struct view_row *b)
{
	const struct field_val *x = a->val, *y = b->val;
	size_t n;
	int c;

	if (!x || !y)
		return !x ? (y ? -1 : 0) : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->type == FT_U64)
		return x->u < y->u ? -1 : x->u > y->u;
	if (x->type == FT_S64)
		return x->s < y->s ? -1 : x->s > y->s;
	n = x->len < y->len ? x->len : y->len;
	c = memcmp(x->str, y->str, n);
	return c ? c : x->len < y->len ? -1 : x->len > y->len;
}

static int device_cmp(const struct view_row *a, const struct view_row *b)
{
	return a->dev < b->dev ? -1 : a->dev > b->dev;
}

/* As the source listed them. */
static int seq_cmp(const struct view_row *a, const struct view_row *b)
{
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* --- columns only views have ---------------------------------------------------------------- */

/*
 * The name in the process's own user database (a container's, as the user.name field; on
 * replay, as recorded), else its uid. Without a database (none could be read, or a capture
 * recorded none), the host's name, as before there were any.
 */
static bool get_user_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	struct passwd pw, *res = NULL;
	const struct user_ent *e;
	char tmp[1024];

	if (!ev->proc)
		return false;
	e = users__lookup(ev, USERS_USER, ev->proc->uid);
	if (e && e->found)
		sbuf__write(b, e->name, e->name_len);
	else if (!e && !getpwuid_r(ev->proc->uid, &pw, tmp, sizeof(tmp), &res) && res)
		sbuf__puts(b, pw.pw_name);
	else
		sbuf__u64(b, ev->proc->uid);
	v->type = FT_STR;
	v->str = b->buf;
	v->len = b->len;
	return true;
}

/* evt.type of a syscall row; "?" for a number this machine has no name for. */
static bool get_syscall_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	const char *n = syscall_name(ev->nr);

	v->type = FT_STR;
	v->str = n ? n : "?";
	v->len = strlen(v->str);
	return true;
}

/* fd.name of a socket as sysdig writes it: local->remote ("127.0.0.1:40000->127.0.0.1:8080"). */
static bool get_conn_name(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	if (!ev->sock || !ev->sock->tuple)
		return false;
	sock_addr_put(b, ev->sock->t.family, ev->sock->t.laddr, ev->sock->t.lport);
	sbuf__puts(b, "->");
	sock_addr_put(b, ev->sock->t.family, ev->sock->t.raddr, ev->sock->t.rport);
	v->type = FT_STR;
	v->str = b->buf;
	v->len = b->len;
	return true;
}

static bool addr_put(const struct scry_event *ev, struct field_val *v, struct sbuf *b, bool local)
{
	const struct scry_sock *s = ev->sock;

	if (!s || !s->tuple)
		return false;
	sock_addr_put(b, s->t.family, local ? s->t.laddr : s->t.raddr,
		      local ? s->t.lport : s->t.rport);
	v->type = FT_STR;
	v->str = b->buf;
	v->len = b->len;
	return true;
}

static bool get_local(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return addr_put(ev, v, b, true);
}

static bool get_remote(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	return addr_put(ev, v, b, false);
}

/* A TCP socket's state as ss(8) names it; none for the other protocols. */
static bool get_sock_state(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	if (!ev->sock || !ev->sock->state)
		return false;
	sbuf__puts(b, tcp_state_name(ev->sock->state));
	v->type = FT_STR;
	v->str = b->buf;
	v->len = b->len;
	return true;
}

static bool get_sock_role(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	static const char *const roles[] = {
		[SOCK_ROLE_CLIENT] = "client", [SOCK_ROLE_SERVER] = "server",
		[SOCK_ROLE_LISTENER] = "listener",
	};

	if (!ev->sock || !ev->sock->role || ev->sock->role >= ARRAY_SIZE(roles))
		return false;
	v->type = FT_STR;
	v->str = roles[ev->sock->role];
	v->len = strlen(v->str);
	return true;
}

/* A device row's device, as the blockio event's fields show it (key_col_get sets blk.dev). */
static bool get_row_dev(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	sbuf__u64(b, blk_major(ev->rec->blk.dev));
	sbuf__putc(b, ':');
	sbuf__u64(b, blk_minor(ev->rec->blk.dev));
	v->type = FT_STR;
	v->str = b->buf;
	v->len = b->len;
	return true;
}

static bool get_row_devname(const struct scry_event *ev, struct field_val *v, struct sbuf *b)
{
	char name[64];
	size_t n = blk_dev_name(ev->rec->blk.dev, name, sizeof(name));

	if (!n)
		return false;
	sbuf__puts(b, name);
	v->type = FT_STR;
	v->str = b->buf;
	v->len = b->len;
	return true;
}

static const struct field_desc row_dev = {
	"evt.blk.dev", FT_STR, 0, "the block device, MAJ:MIN", get_row_dev,
};
static const struct field_desc row_devname = {
	"evt.blk.devname", FT_STR, 0, "the block device's name (vda, sda1)", get_row_devname,
};

static const struct field_desc local_name = {
	"fd.local", FT_STR, 0, "the socket's local address:port", get_local,
};
static const struct field_desc remote_name = {
	"fd.remote", FT_STR, 0, "the socket's remote address:port", get_remote,
};
static const struct field_desc sock_state = {
	"fd.state", FT_STR, 0, "a TCP socket's state (LISTEN, ESTABLISHED...)", get_sock_state,
};
static const struct field_desc sock_role = {
	"fd.role", FT_STR, 0, "which end: listener, server (accepted) or client (connected)",
	get_sock_role,
};
static const struct field_desc conn_name = {
	"fd.name", FT_STR, 0, "the connection, local->remote", get_conn_name,
};
static const struct field_desc user_name = {
	"user.name", FT_STR, 0, "user name of user.uid", get_user_name,
};
static const struct field_desc syscall_row = {
	"evt.type", FT_STR, 0, "syscall name", get_syscall_name,
};

/* --- the columns of each key ------------------------------------------------------------------ */

#define COL(f, h, w, m) { .field = f, .header = h, .width = w, .max = m }
#define CMDLINE_TEXT 120	/* text tables cut command lines (JSON has the row's whole) */

static const struct key_col ctr_json[] = {
	{ "container.id" }, { "container.name" }, { "container.image" }, { NULL },
};
static const struct key_col ctr_text[] = {
	COL("container.id", "CONTAINER.ID", 12, 0), COL("container.name", "CONTAINER.NAME", 0, 0),
	{ NULL },
};
static const struct key_col ctr_top[] = {
	COL("container.id", "CONTAINER.ID", 12, 12), COL("container.name", "CONTAINER.NAME", 20, 20),
	COL("container.image", "IMAGE", 0, 0), { NULL },
};

static const struct key_col proc_json[] = {
	{ "container.id" }, { "container.name" }, { "container.image" }, { "proc.pid" },
	{ "proc.ppid" }, { "proc.name" }, { "user.uid" }, { "user.name", .own = &user_name },
	{ "proc.cmdline" }, { NULL },
};
static const struct key_col proc_text[] = {
	COL("proc.pid", "PID", 7, 0), COL("proc.name", "PROC.NAME", 15, 0),
	COL("container.name", "CONTAINER.NAME", 20, 20), COL("proc.cmdline", "CMDLINE", 0, CMDLINE_TEXT),
	{ NULL },
};
static const struct key_col proc_top[] = {
	COL("proc.pid", "PID", 7, 0), COL("proc.name", "PROC.NAME", 15, 15),
	COL("container.name", "CONTAINER", 16, 16),
	COL("proc.zombies", "ZOMB", 5, 0),	/* issue 18 (ns18) */
	COL("proc.cmdline", "CMDLINE", 0, 0), { NULL },
};
/* ps's JSON: proc_json's and its zombies (issue 18, ns18) */
static const struct key_col ps_json[] = {
	{ "container.id" }, { "container.name" }, { "container.image" }, { "proc.pid" },
	{ "proc.ppid" }, { "proc.name" }, { "user.uid" }, { "user.name", .own = &user_name },
	{ "proc.cmdline" }, { "proc.zombies" }, { NULL },
};
static const struct key_col ps_text[] = {
	COL("proc.pid", "PID", 7, 0), COL("proc.ppid", "PPID", 7, 0),
	{ "user.name", "USER", 8, 8, .own = &user_name },
	COL("proc.zombies", "ZOMB", 5, 0),	/* issue 18 (ns18) */
	COL("container.name", "CONTAINER.NAME", 20, 20), COL("proc.cmdline", "CMDLINE", 0, CMDLINE_TEXT),
	{ NULL },
};

static const struct key_col conn_json[] = {
	{ "fd.l4proto" }, { "fd.name", .own = &conn_name }, { "fd.lip" }, { "fd.lport" },
	{ "fd.rip" }, { "fd.rport" }, { "container.id" }, { "container.name" }, { "proc.pid" },
	{ "proc.name" }, { NULL },
};
static const struct key_col conn_text[] = {
	COL("fd.l4proto", "PROTO", 5, 0), { "fd.name", "CONNECTION", 46, 0, .own = &conn_name },
	COL("proc.pid", "PID", 7, 0), COL("proc.name", "PROC.NAME", 15, 0),
	COL("container.name", "CONTAINER.NAME", 0, 20), { NULL },
};
/* scry top at 80 columns: the figures, the protocol and an IPv4 connection whole (44 at most). */
static const struct key_col conn_top[] = {
	COL("fd.l4proto", "PROTO", 5, 5), { "fd.name", "CONNECTION", 44, 0, .own = &conn_name },
	COL("proc.pid", "PID", 7, 0), COL("proc.name", "PROC.NAME", 15, 15),
	COL("container.name", "CONTAINER", 16, 16), { NULL },
};

static const struct key_col netstat_json[] = {
	{ "fd.l4proto" }, { "fd.lip" }, { "fd.lport" }, { "fd.rip" }, { "fd.rport" },
	{ "fd.state", .own = &sock_state }, { "fd.role", .own = &sock_role }, { "proc.pid" },
	{ "proc.name" }, { "container.id" }, { "container.name" }, { NULL },
};
static const struct key_col netstat_text[] = {
	COL("fd.l4proto", "PROTO", 5, 0), { "fd.local", "LOCAL", 24, 0, .own = &local_name },
	{ "fd.remote", "REMOTE", 24, 0, .own = &remote_name },
	{ "fd.state", "STATE", 11, 0, .own = &sock_state },
	{ "fd.role", "ROLE", 8, 0, .own = &sock_role }, COL("proc.pid", "PID", 7, 0),
	COL("proc.name", "PROC.NAME", 15, 0), COL("container.name", "CONTAINER.NAME", 0, 20),
	{ NULL },
};

static const struct key_col port_json[] = { { "fd.l4proto" }, { "fd.lport" }, { NULL } };
static const struct key_col port_text[] = {
	COL("fd.l4proto", "PROTO", 5, 0), COL("fd.lport", "PORT", 6, 0), { NULL },
};

/* KEY_FIELD: the view's own (view_desc.cols), named after its field. */
static const struct key_col no_cols[] = { { NULL } };

static const struct key_col syscall_cols[] = {
	{ "evt.type", "SYSCALL", .own = &syscall_row }, { NULL },
};

static const struct key_col ctr_list_json[] = {
	{ "container.id" }, { "container.full_id" }, { "container.name" },
	{ "container.image", .flags = COL_ALWAYS }, { "container.type" }, { NULL },
};
static const struct key_col ctr_list_text[] = {
	COL("container.id", "CONTAINER.ID", 12, 0), COL("container.name", "NAME", 24, 0),
	COL("container.image", "IMAGE", 32, 0), COL("container.type", "TYPE", 10, 0), { NULL },
};

static const struct key_col dev_cols[] = {
	{ "evt.blk.dev", "DEVICE", 9, 0, .own = &row_dev },
	{ "evt.blk.devname", "NAME", 0, 0, COL_ALWAYS, &row_devname }, { NULL },
};

const struct key_desc key_table[KEY__MAX] = {
	[KEY_CONTAINER] = { "container", container_key, container_cmp, aggr__count_procs, 0,
			    ctr_json, ctr_text, ctr_top },
	[KEY_PROC] = { "process", proc_key, proc_cmp, NULL, KF_PROC | KF_FOLLOW,
		       proc_json, proc_text, proc_top },
	[KEY_SYSCALL] = { "syscall", syscall_key, syscall_cmp, NULL, 0,
			  syscall_cols, syscall_cols, syscall_cols },
	/* Rows from the process table: no event counts in them. */
	[KEY_PS] = { "process", NULL, proc_cmp, aggr__from_proctab, KF_PROC,
		     ps_json, ps_text, proc_top },
	[KEY_CTR_LIST] = { "container", NULL, seq_cmp, aggr__from_containers, KF_REGISTRY,
			   ctr_list_json, ctr_list_text, ctr_list_text },
	[KEY_CONN] = { "connection", conn_key, conn_cmp, NULL, KF_PROC, conn_json, conn_text,
		       conn_top },
	/* Rows from the socket table: what is open at the end, not what happened. */
	[KEY_NETSTAT] = { "socket", NULL, netstat_cmp, aggr__from_socktab, KF_PROC,
			  netstat_json, netstat_text, netstat_text },
	[KEY_PORT] = { "port", port_key, port_cmp, NULL, 0, port_json, port_text, port_text },
	/* Rows by a field's value: the aggregator reads the view's field (aggr.c, field_row). */
	[KEY_FIELD] = { "value", NULL, field_cmp, NULL, 0, no_cols, no_cols, no_cols },
	[KEY_DEVICE] = { "device", device_key, device_cmp, NULL, KF_NO_CTR, dev_cols, dev_cols,
			 dev_cols },
	/* issue 18 (ns18): rows from the zombie table (zombies.c) */
	[KEY_ZOMBIE] = { "zombie", NULL, zombie_cmp, aggr__from_zombies, KF_PROC, zombie_json,
			 zombie_text, zombie_text },
};

const struct field_desc *key_col_field(const struct key_col *c)
{
	return c->own ? c->own : field_resolve(c->field);
}

bool key_col_get(const struct key_col *c, const struct view_row *r, struct field_val *v,
		 struct sbuf *scratch)
{
	const struct field_desc *f = key_col_field(c);
	struct scry_proc proc = {
		.pid = r->pid, .ppid = r->ppid, .vpid = r->pid, .uid = r->uid, .exe = "",
		.args = r->args ? r->args : "", .args_len = r->args_len, .start_ts = r->start_ts,
		.container = r->container,
	};
	struct scry_sock sock = {
		.t = r->tuple, .tuple = r->has_tuple, .state = r->sk_state, .role = r->sk_role,
	};
	union scry_rec rec;
	struct scry_event ev = {
		.rec = &rec, .type = SCRY_REC_SYS_EXIT, .dir = '<', .nr = r->nr, .ts = r->start_ts,
		.proc = &proc, .container = r->container, .sock = &sock,
	};

	if (c->flags & COL_ROW_VALUE) {
		if (!r->val)
			return false;
		*v = *r->val;
		return true;
	}
	if (!f)
		return false;
	memset(&rec.h, 0, sizeof(rec.h));
	rec.h.type = SCRY_REC_SYS_EXIT;
	rec.h.pid = rec.h.tid = r->pid;
	memcpy(rec.h.comm, r->comm, SCRY_COMM_LEN);
	memcpy(proc.comm, r->comm, SCRY_COMM_LEN);
	rec.blk.dev = r->dev;	/* a device row's, for its own columns (the header stays) */
	return field_get(f, &ev, v, scratch);
}
