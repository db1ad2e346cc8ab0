/* SPDX-License-Identifier: GPL-2.0 */
/* Options (sysdig's flags where they mean the same) and the command table. */
#ifndef SCRY_CLI_H
#define SCRY_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct chisel;

struct scry_opts {
	const char *command;	/* in commands.c's table: "stream" (-c too), "top", "read"... */
	const char *view;	/* -c VIEW */
	const char *view_arg;	/* -c VIEW FIELD: the field of a view grouped by one (bound) */
	/* -c table_generator: the value field summed per key, the key column's header */
	const char *view_value, *view_key_header;
	const char *chisel_words[8];	/* -c NAME ARGS: the words taken as its arguments */
	int nchisel_words;
	char *chisel_name;	/* -c 'NAME ARGS': the name, cut out */
	const struct chisel *chisel;	/* a row of chisel_table, bound (cmd_run) */
	const char *chisel_args[8];	/* its arguments' values (defaults too; NULL: absent) */
	char chisel_buf[512];	/* where those values are kept */
	double interval;	/* --interval SECS for views; 0: one table for the whole run */
	unsigned int top;	/* --top N rows of a view table */
	const char *write_path;	/* -w FILE */
	const char **read_paths;	/* -r FILE (repeatable) */
	int nread;
	uint64_t rotate_mb;	/* -C MB */
	uint64_t rotate_secs;	/* -G SECS */
	unsigned int rotate_keep;	/* -W N */
	uint64_t max_events;	/* -n */
	double max_secs;	/* -M, 0 = until stopped */
	unsigned int snaplen;	/* -s: bytes of data per read, write, send, recv (default 80) */
	bool snaplen_set;	/* -s given (a chisel's own snaplen gives way) */
	int data_fmt;		/* -A, -X: enum data_fmt */
	bool json;		/* -j */
	bool containers;	/* -pc */
	const char *format;	/* -p FORMAT */
	bool list_fields;	/* -l */
	bool list_views;	/* -L */
	const char *btf_path;	/* --btf */
	unsigned int ring_mb;	/* --ring-mb */
	unsigned int tick_hz;	/* --tick-hz */
	const char *cgroup_v1;	/* --cgroup-v1 CONTROLLER */
	bool no_kernel_filter;	/* --no-kernel-filter: no push-down (the tests compare) */
	bool ctr_procs;		/* --ctr-procs: container events for process count changes */
	char *filter;		/* positional words joined */
	/* issue 16 (scry serve) */
	const char *listen;	/* --listen ADDR:PORT (default 127.0.0.1:9780) */
	const char *node_name;	/* --node-name (else $NODE_NAME, else the host name) */
	const char *serve_metrics;	/* --metrics GROUP,... */
	double expire_secs;	/* --expire SECS: a gone container's series go after this */
	/* issue 16: scry in a container */
	const char *host_root;	/* --host-root DIR (else $SCRY_HOST_ROOT): the host's / */
};

/*
 * Exit statuses (documented in --help and the README). Commands return 0, a negative errno
 * (SCRY_EXIT_ERROR), or one of these directly.
 */
enum scry_exit {
	SCRY_EXIT_OK = 0,
	SCRY_EXIT_ERROR = 1,	/* something failed: tracing, reading, writing */
	SCRY_EXIT_USAGE = 2,	/* a bad option, filter, field, view or format: nothing was run */
	SCRY_EXIT_DAMAGED = 3,	/* a replay went through, but its input was damaged or incomplete */
};

/*
 * 0 to run, 1 when done (help, version), < 0 on a bad option or options that conflict (message
 * printed). Options may come before, between or after the filter's words; "--" ends them.
 */
int cli__parse(int argc, char **argv, struct scry_opts *o);
void cli__usage(void);
void cli__free(struct scry_opts *o);

/* commands.c: run the command the options chose. */
int cmd_run(struct scry_opts *o);
/*
 * -c NAME of the chisel table: its arguments checked (SCRY_EXIT_USAGE, said), its filter put
 * before FILTER, its snaplen taken unless -s was given; a view chisel becomes its view and
 * field. 0 for any other -c. cmd_run does it before a command that runs.
 */
int cli__bind_chisel(struct scry_opts *o);
/* Whether a word is a command typed as one ("scry top"). */
bool cli__is_command(const char *word);
/* --help's lines for those commands. */
void cli__usage_commands(FILE *f);

/* capture_cmd.c: -w FILE records a live run; -r FILE... replays captures (with -w: rewrites). */
int cmd_write(struct scry_opts *o);
int cmd_read(struct scry_opts *o);
/* top.c: scry top. */
int cmd_top(struct scry_opts *o);
/* serve.c: scry serve (issue 16). */
int cmd_serve(struct scry_opts *o);

/* What a live run traces of syscalls. */
enum syscall_mode {
	SYSCALLS_OFF,		/* views of CPU time and processes only */
	SYSCALLS_EXITS,		/* exits alone: counts, errors, bytes, but no latency */
	SYSCALLS_ALL,		/* enters and exits */
};

#endif /* SCRY_CLI_H */
