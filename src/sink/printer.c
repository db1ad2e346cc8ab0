// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream, in three shapes: sysdig's default line, a -p template, or -j JSON (one object
 * per line whose keys are field names). Everything is formatted into one output buffer that
 * leaves in large writes; nothing is allocated per event. Every string value is escaped on its
 * way out (util/escape.c): a process cannot write to the terminal through its name or argv.
 *
 * Default line:  %evt.num %evt.time %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info
 * With -pc:      ... %evt.cpu %container.name (%container.id) %proc.name (%thread.tid:%thread.vtid) ...
 *                 (a process that entered the container from outside: NAME+entered (ID))
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scry/filter.h"
#include "scry/sink.h"
#include "scry/state.h"

/* fields and the text between them: sysdig sets no bound, and 257 fields exist */
#define MAX_SEGS 256

struct seg {
	const struct field_desc *field;	/* NULL: literal */
	char *lit;
	size_t len;
};

/*
 * A -j member's key, made once: ",\"evt.num\":", the comma skipped before the first member. The
 * room past it lets every key leave in one copy of a fixed size (JSON_KEY_COPY), inlined.
 */
#define JSON_KEY_COPY 32
struct json_key {
	char s[JSON_KEY_COPY + 1];
	uint8_t len;		/* 0: escaped at each event */
};

struct printer {
	struct obuf out;
	bool json;
	bool containers;
	enum data_fmt data_fmt;		/* -A, -X */
	const struct stream_view *view;	/* -c echo_fds... */
	const struct field_desc *fdname, *fdtype;	/* echo_fds */
	const struct field_desc *ftime;
	const struct field_desc *cname, *cid;	/* -pc columns */
	const struct field_desc *json_fields[128];
	struct json_key json_keys[128];
	size_t njson;
	struct seg segs[MAX_SEGS];
	size_t nsegs;
	struct sbuf_mem scratch;	/* field values, whole: as the filter sees them */
};

static void put_val(struct obuf *o, const struct field_val *v)
{
	switch (v->type) {
	case FT_U64:
		obuf__u64(o, v->u);
		break;
	case FT_S64:
		obuf__s64(o, v->s);
		break;
	default:
		obuf__text(o, v->str, v->len);
	}
}

static void put_field(struct printer *pr, const struct field_desc *f,
		      const struct scry_event *ev, const char *missing)
{
	struct field_val v;
	struct sbuf b;

	sbuf__init_mem(&b, &pr->scratch);
	if (f && field_get(f, ev, &v, &b))
		put_val(&pr->out, &v);
	else
		obuf__puts(&pr->out, missing);
}

/*
 * The data of the event in the printer's form, written as it is: iodata_put lets out only
 * printable ASCII and -A's newlines, so no byte of it can reach the terminal raw.
 */
static void put_data(struct printer *pr, const struct scry_event *ev)
{
	const uint8_t *d;
	struct sbuf b;
	uint32_t n;

	d = evt_data(ev, &n);
	if (!d)
		return;
	sbuf__init_mem(&b, &pr->scratch);
	iodata_put(&b, d, n, pr->view ? DATA_ASCII : pr->data_fmt);
	obuf__write(&pr->out, b.buf, b.len);
}

/* sysdig's format_bytes: 12B, 1.02KB, 3.50MB. */
void fmt_bytes(struct sbuf *b, uint64_t v)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB" };
	char buf[32];
	double x = v;
	int i = -1, n;

	if (v <= 1024) {
		n = snprintf(buf, sizeof(buf), "%lluB", (unsigned long long)v);
		sbuf__write(b, buf, n);
		return;
	}
	while (x > 1024 && i < 3) {
		x /= 1024;
		i++;
	}
	n = snprintf(buf, sizeof(buf), "%.2f%s", x, units[i]);
	sbuf__write(b, buf, n);
}

static void put_bytes(struct obuf *o, uint64_t v)
{
	char buf[32];
	struct sbuf b;

	sbuf__init(&b, buf, sizeof(buf));
	fmt_bytes(&b, v);
	obuf__write(o, b.buf, b.len);
}

/*
 * echo_fds: "------ Read 12B from [1234] <f>/etc/hosts (cat)", then the data as text, for each
 * read or write that carries data.
 */
static void print_echo(struct printer *pr, const struct scry_event *ev)
{
	const char *comm = ev->proc ? ev->proc->comm : ev->rec->h.comm;
	struct obuf *o = &pr->out;
	bool rd = iodata_dir(ev->nr) == IODATA_READ;
	struct field_val v;
	struct sbuf b;
	uint32_t n;

	if (!evt_data(ev, &n))
		return;
	obuf__puts(o, rd ? "------ Read " : "------ Write ");
	put_bytes(o, ev->res);
	obuf__puts(o, rd ? " from [" : " to [");
	obuf__u64(o, ev->rec->h.pid);
	obuf__write(o, "] ", 2);
	/* <f>/etc/hosts, <4t>... as evt.info's fd=N(...): the fd table's type and name */
	sbuf__init_mem(&b, &pr->scratch);
	if (field_get(pr->fdtype, ev, &v, &b)) {
		obuf__putc(o, '<');
		obuf__text(o, v.str, v.len);
		obuf__putc(o, '>');
	}
	put_field(pr, pr->fdname, ev, "");
	obuf__write(o, " (", 2);
	obuf__text(o, comm, strnlen(comm, SCRY_COMM_LEN));
	obuf__write(o, ")\n", 2);
	put_data(pr, ev);
	obuf__putc(o, '\n');
}

static void print_line(struct printer *pr, const struct scry_event *ev)
{
	struct obuf *o = &pr->out;
	const struct scry_proc *p = ev->proc;
	const char *comm = p ? p->comm : ev->rec->h.comm;
	struct field_val v;
	struct sbuf b;
	uint32_t n;

	obuf__u64(o, ev->num);
	obuf__putc(o, ' ');
	sbuf__init_mem(&b, &pr->scratch);
	field_get(pr->ftime, ev, &v, &b);
	obuf__write(o, v.str, v.len);
	obuf__putc(o, ' ');
	obuf__u64(o, ev->rec->h.cpu);
	obuf__putc(o, ' ');
	if (pr->containers) {
		put_field(pr, pr->cname, ev, "host");
		/* issue 18 (ns18): in the container's namespaces, not its cgroup (nsenter) */
		if (ev->entered)
			obuf__puts(o, "+entered");
		obuf__write(o, " (", 2);
		put_field(pr, pr->cid, ev, "host");
		obuf__write(o, ") ", 2);
	}
	obuf__text(o, comm, strnlen(comm, SCRY_COMM_LEN));
	obuf__write(o, " (", 2);
	obuf__u64(o, ev->rec->h.tid);
	if (pr->containers) {
		obuf__putc(o, ':');
		obuf__u64(o, ev->thread ? ev->thread->vtid : ev->rec->h.tid);
	}
	obuf__write(o, ") ", 2);
	obuf__putc(o, ev->dir);
	obuf__putc(o, ' ');
	obuf__puts(o, evt_type_name(ev));
	sbuf__init_mem(&b, &pr->scratch);
	evt_info(ev, &b);
	if (b.len) {
		obuf__putc(o, ' ');
		if (pr->data_fmt == DATA_DOTS || !evt_data(ev, &n)) {
			obuf__text(o, b.buf, b.len);
		} else {
			/* evt.info ends with the data's n dots form: -A and -X replace it */
			obuf__text(o, b.buf, b.len - n);
			put_data(pr, ev);
		}
	}
	obuf__putc(o, '\n');
}

static inline void put_key(struct obuf *o, const struct json_key *k, size_t skip)
{
	if (o->len + JSON_KEY_COPY <= sizeof(o->buf)) {
		__builtin_memcpy(o->buf + o->len, k->s + skip, JSON_KEY_COPY);
		o->len += k->len - skip;
		return;
	}
	obuf__write(o, k->s + skip, k->len - skip);
}

/*
 * One object: a key and a value for each -j field that applies to the event. The value is the
 * one the filter sees (the field's getter); numbers and strings go straight into the output.
 */
static void print_json(struct printer *pr, const struct scry_event *ev)
{
	struct obuf *o = &pr->out;
	size_t i, skip = 1;	/* the first member's key has no comma */
	struct sbuf b;

	obuf__putc(o, '{');
	sbuf__init_mem(&b, &pr->scratch);
	for (i = 0; i < pr->njson; i++) {
		struct field_val v;

		b.len = 0;	/* each getter starts from an empty value */
		b.buf[0] = '\0';
		if (!field_get(pr->json_fields[i], ev, &v, &b))
			continue;
		if (pr->json_keys[i].len) {
			put_key(o, &pr->json_keys[i], skip);
		} else {
			if (!skip)
				obuf__putc(o, ',');
			obuf__json_str(o, pr->json_fields[i]->name, strlen(pr->json_fields[i]->name));
			obuf__putc(o, ':');
		}
		skip = 0;
		if (v.type == FT_U64)
			obuf__u64(o, v.u);
		else if (v.type == FT_S64)
			obuf__s64(o, v.s);
		else
			obuf__json_str(o, v.str, v.len);
	}
	obuf__write(o, "}\n", 2);
}

static void print_format(struct printer *pr, const struct scry_event *ev)
{
	size_t i;

	for (i = 0; i < pr->nsegs; i++) {
		if (pr->segs[i].field)
			put_field(pr, pr->segs[i].field, ev, "<NA>");
		else
			obuf__write(&pr->out, pr->segs[i].lit, pr->segs[i].len);
	}
	obuf__putc(&pr->out, '\n');
}

static int printer_event(void *ctx, const struct scry_event *ev, bool matched)
{
	struct printer *pr = ctx;

	if (pr->view)
		print_echo(pr, ev);
	else if (pr->json)
		print_json(pr, ev);
	else if (pr->nsegs)
		print_format(pr, ev);
	else
		print_line(pr, ev);
	if (pr->out.broken)
		return pr->out.err ? pr->out.err : SINK_DONE;
	return 0;
}

/* Flush at every interval too, so that a quiet stream still shows up promptly. */
static int printer_tick(void *ctx, uint64_t ts)
{
	struct printer *pr = ctx;

	obuf__flush(&pr->out);
	if (pr->out.broken)
		return pr->out.err ? pr->out.err : SINK_DONE;
	return 0;
}

static int printer_finish(void *ctx)
{
	struct printer *pr = ctx;

	obuf__flush(&pr->out);
	return pr->out.err;
}

static void printer_free(void *ctx)
{
	struct printer *pr = ctx;
	size_t i;

	if (!pr)
		return;
	for (i = 0; i < pr->nsegs; i++)
		free(pr->segs[i].lit);
	sbuf_mem__free(&pr->scratch);
	free(pr);
}

const struct sink_ops printer_ops = SINK_OPS(printer, "printer", 0);

size_t printer__line(void *ctx, const struct scry_event *ev, char *buf, size_t len)
{
	struct printer *pr = ctx;
	size_t n;

	/* A formatter's printer writes nothing: its buffer is emptied after each line. */
	pr->out.len = 0;
	printer_event(ctx, ev, true);
	n = pr->out.len < len ? pr->out.len : len;
	memcpy(buf, pr->out.buf, n);
	pr->out.len = 0;
	pr->out.broken = false;
	pr->out.err = 0;
	return n;
}

const struct stream_view stream_views[] = {
	{ "echo_fds", "the data processes read and write (-s bytes a call), with direction and fd",
	  STREAM_ECHO_FDS, true },
};
const size_t stream_view_count = ARRAY_SIZE(stream_views);

const struct stream_view *stream_view_lookup(const char *name)
{
	return TABLE_FIND(stream_views, stream_view_count, name, name);
}

static int add_seg(struct printer *pr, const struct field_desc *f, const char *lit, size_t len)
{
	struct seg *s;

	if (pr->nsegs == MAX_SEGS) {
		log_err("-p: too many fields in the format (at most %d pieces)", MAX_SEGS);
		return -E2BIG;
	}
	s = &pr->segs[pr->nsegs++];
	s->field = f;
	s->len = len;
	s->lit = NULL;
	if (!f && lit) {
		s->lit = strndup(lit, len);
		if (!s->lit)
			return -ENOMEM;
	}
	return 0;
}

/* "%evt.num %proc.name: %evt.type" -> literal and field pieces, once. */
static int compile_format(struct printer *pr, const char *fmt)
{
	const char *p = fmt, *lit = fmt;
	int err;

	while (*p) {
		const struct field_desc *f;
		const char *start, *close;
		char name[FIELD_NAME_MAX + 1], msg[256];
		size_t n;

		if (*p != '%') {
			p++;
			continue;
		}
		if (p > lit && (err = add_seg(pr, NULL, lit, p - lit)))
			return err;
		start = ++p;
		while (isalnum((unsigned char)*p) || *p == '.' || *p == '_')
			p++;
		while (p > start && p[-1] == '.')	/* "%proc.name." ends a sentence */
			p--;
		n = p - start;
		/*
		 * An argument, where the field takes one in brackets: %proc.aname[2],
		 * %container.mount.source[/data]; after another field a '[' stays text.
		 */
		if (n && n <= FIELD_NAME_MAX && *p == '[' && (close = strchr(p, ']'))) {
			memcpy(name, start, n);
			name[n] = '\0';
			f = field_lookup(name);
			if (f && (f->args & (FA_INDEX | FA_KEY)))
				p = close + 1;
		}
		n = p - start;
		if (!n || n > FIELD_NAME_MAX) {
			log_err("-p: expected a field name after '%%' at column %d", (int)(start - fmt));
			return -EINVAL;
		}
		memcpy(name, start, n);
		name[n] = '\0';
		f = field_resolve_msg(name, msg, sizeof(msg));
		if (!f && errno == ENOMEM)
			return -ENOMEM;
		if (!f && *msg) {
			log_err("-p: %s", msg);
			return -EINVAL;
		}
		if (!f) {
			log_err("-p: unknown field '%s' (scry -l lists the fields)", name);
			return -EINVAL;
		}
		if (f->flags & FF_FILTER_ONLY) {
			log_err("-p: %s is for filters only", name);
			return -EINVAL;
		}
		if ((err = add_seg(pr, f, NULL, 0)))
			return err;
		lit = p;
	}
	if (p > lit)
		return add_seg(pr, NULL, lit, p - lit);
	return 0;
}

/*
 * A -j member. A key that is short and plain is made once, to leave in one copy; any other (a
 * bound field's text may hold any byte: container.mount.source["/a b"]) is escaped per event.
 */
static void json_add(struct printer *pr, const struct field_desc *f)
{
	struct json_key *k = &pr->json_keys[pr->njson];
	size_t n = strlen(f->name);
	size_t i;

	if (pr->njson == ARRAY_SIZE(pr->json_fields))
		return;
	for (i = 0; i < pr->njson; i++)
		if (pr->json_fields[i] == f)
			return;		/* "%proc.name %proc.name": one key */
	k->len = 0;
	if (n + 4 <= JSON_KEY_COPY && f->name[strspn(f->name, "abcdefghijklmnopqrstuvwxyz"
						     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._")] == '\0')
		k->len = snprintf(k->s, sizeof(k->s), ",\"%s\":", f->name);
	pr->json_fields[pr->njson++] = f;
}

void *printer__new(const struct printer_opts *o)
{
	struct printer *pr = calloc(1, sizeof(*pr));
	size_t i;

	if (!pr) {
		log_err("out of memory");
		return NULL;
	}
	obuf__init(&pr->out, o->fd);
	pr->json = o->json;
	pr->containers = o->containers;
	pr->data_fmt = o->data_fmt;
	pr->view = o->view;
	pr->fdname = field_lookup("fd.name");
	pr->fdtype = field_lookup("fd.typechar");
	pr->ftime = field_lookup("evt.time");
	pr->cname = field_lookup("container.name");
	pr->cid = field_lookup("container.id");
	if (o->format && compile_format(pr, o->format)) {
		printer_free(pr);
		return NULL;
	}
	/* -j with -p: the template's fields are the object's members, as sysdig's -j does */
	for (i = 0; pr->json && o->format && i < pr->nsegs; i++)
		if (pr->segs[i].field)
			json_add(pr, pr->segs[i].field);
	for (i = 0; !(pr->json && o->format) && i < field_count; i++) {
		uint32_t fl = field_table[i].flags;

		if ((fl & FF_JSON) || (o->containers && (fl & FF_CONTAINER)))
			json_add(pr, &field_table[i]);
	}
	return pr;
}
