// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the filter language: the input is an expression. It is compiled; a
 * filter that compiles is evaluated against a few fixed events (a failed openat with its
 * process, an exec with a long argv in a container with labels, a context switch, a syscall
 * enter) and asked which fields it reads; an error is checked to point inside the expression
 * and is rendered (message, expression, caret) as the command line does. Nesting, long
 * chains and long lists are what the fuzzer should find cheap: no crash, no leak, no
 * recursion past the parser's limit. `make fuzz` builds and runs it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "scry/container.h"
#include "scry/filter.h"
#include "scry/state.h"
#include "scry/util.h"

#define NEV 4

static struct scry_event evs[NEV];
static struct scry_rec_sys_exit rec_open;
static struct scry_rec_sys_enter rec_enter;
static struct scry_rec_exec rec_exec;
static struct scry_rec_switch rec_switch;
static struct scry_proc proc;
static struct scry_thread thread;
static struct scry_container ctr;
static struct ctr_label labels[2] = { { "app", "web" }, { "tier", "front end" } };

static void silent(const char *line)
{
	(void)line;
}

static void one(const void *rec, uint32_t size, struct scry_event *out)
{
	struct scry_event ev[2];

	if (decode__record(rec, size, ev) < 1)
		abort();
	*out = ev[0];
	out->proc = &proc;
	out->thread = &thread;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char args[] = "cat\0-n\0/etc/shadow";
	size_t i;

	log_set_hook(silent);
	strcpy(proc.comm, "cat");
	proc.pid = 100;
	proc.ppid = 1;
	proc.exe = "/bin/cat";
	proc.args = (char *)args;
	proc.args_len = sizeof(args) - 1;
	thread.tid = 101;
	thread.proc = &proc;
	strcpy(ctr.id, "0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef");
	strcpy(ctr.short_id, "0123456789ab");
	ctr.runtime = CTR_DOCKER;
	ctr.meta.name = "web";
	ctr.meta.image = "nginx:1";
	ctr.meta.labels = labels;
	ctr.meta.nlabels = 2;

	rec_open.h.type = SCRY_REC_SYS_EXIT;
	rec_open.h.pid = 100;
	rec_open.h.tid = 101;
	strcpy(rec_open.h.comm, "cat");
	rec_open.nr = SYS_openat;
	rec_open.ret = -13;
	rec_open.nargs = 4;
	strcpy(rec_open.path, "/etc/shadow");
	rec_open.path_len = strlen(rec_open.path) + 1;
	rec_open.fd_kind[0] = SCRY_FD_REG;
	rec_open.h.size = SCRY_SYS_EXIT_ARGS + rec_open.path_len;
	one(&rec_open, rec_open.h.size, &evs[0]);

	rec_exec.h.type = SCRY_REC_EXEC;
	rec_exec.h.pid = rec_exec.h.tid = rec_exec.old_tid = 100;
	strcpy(rec_exec.h.comm, "cat");
	rec_exec.exe_len = 8;
	memcpy(rec_exec.data, "/bin/cat", 8);
	rec_exec.args_len = SCRY_ARGS_MAX;
	for (i = 0; i < SCRY_ARGS_MAX; i++)
		rec_exec.data[8 + i] = i % 7 == 6 ? '\0' : 'a' + i % 26;
	rec_exec.h.size = SCRY_EXEC_FIXED + rec_exec.exe_len + rec_exec.args_len;
	one(&rec_exec, rec_exec.h.size, &evs[1]);
	evs[1].container = &ctr;

	rec_switch.h.type = SCRY_REC_SWITCH;
	rec_switch.h.size = sizeof(rec_switch);
	rec_switch.runtime_ns = 5000;
	one(&rec_switch, sizeof(rec_switch), &evs[2]);

	rec_enter.h.type = SCRY_REC_SYS_ENTER;
	rec_enter.h.size = sizeof(rec_enter);
	rec_enter.nr = SYS_getppid;
	one(&rec_enter, sizeof(rec_enter), &evs[3]);
	evs[3].container = &ctr;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const uses[] = { "evt.dir", "evt.latency", "evt.num", NULL };
	char *expr = malloc(size + 1), line[256];
	struct filter_error e;
	struct filter *f;
	size_t n, i;

	if (!expr)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';
	n = strlen(expr);
	f = filter__new(expr, &e);
	if (f) {
		for (i = 0; i < NEV; i++)
			filter__match(f, &evs[i]);
		filter__uses(f, uses);
		filter__free(f);
	} else {
		/* An error names a token inside the expression and says something. */
		if (e.pos > n || e.len > n - e.pos || !e.msg[0])
			abort();
		filter_error__log(expr, &e);
		filter__free(filter__compile(expr, line, sizeof(line)));
	}
	free(expr);
	return 0;
}
