/* SPDX-License-Identifier: GPL-2.0 */
/* Options (sysdig's flags where they mean the same) and the command table. */
#ifndef SCRY_CLI_H
#define SCRY_CLI_H

#include <stdbool.h>
#include <stdint.h>

struct scry_opts {
	const char *command;	/* "stream" (default), "top", or a -c view */
	const char *view;	/* -c VIEW */
	uint64_t max_events;	/* -n */
	double max_secs;	/* -M, 0 = until stopped */
	bool json;		/* -j */
	bool containers;	/* -pc */
	const char *format;	/* -p FORMAT */
	bool list_fields;	/* -l */
	bool list_views;	/* -L */
	const char *btf_path;	/* --btf */
	unsigned int ring_mb;	/* --ring-mb */
	unsigned int tick_hz;	/* --tick-hz */
	bool verbose;		/* -v */
	const char *cgroup_v1;	/* --cgroup-v1 CONTROLLER */
	char *filter;		/* positional words joined */
};

/* 0 to run, 1 when done (help, version), < 0 on a bad option (message printed). */
int cli__parse(int argc, char **argv, struct scry_opts *o);
void cli__usage(void);
void cli__free(struct scry_opts *o);

/* commands.c */
int cmd_run(struct scry_opts *o);

/* live.c: run the pipeline on the BPF programs until -n/-M/a signal/a sink ends it. */
struct pipeline;
int live__run(const struct scry_opts *o, struct pipeline *pl, bool want_syscalls);
/* The process table and container registry of a live run (pipeline.procs/.containers). */
int live__setup(const struct scry_opts *o, struct pipeline *pl);
void live__teardown(struct pipeline *pl);

#endif /* SCRY_CLI_H */
