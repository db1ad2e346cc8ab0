// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the capture reader: the input is a capture file. It goes through the
 * whole replay path (header check, pre-scan of container metadata, block scan with resync,
 * inflate, item decoding, process-table seeding) and every record through the pipeline's
 * decoder and process table. Built with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, so CRCs do
 * not stop mutations from reaching the decoders. `make fuzz` builds and runs it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/capture/internal.h"
#include "scry/capture.h"
#include "scry/container.h"
#include "scry/sink.h"
#include "scry/state.h"
#include "scry/util.h"

static void silent(const char *line)
{
	(void)line;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_hook(silent);	/* damaged inputs warn by design: keep the fuzzer's output readable */
	return 0;
}

/* The same input through the one-file API, which the merged reader does not reach alone. */
static void one_file(const uint8_t *data, size_t size)
{
	union { union scry_rec rec; uint8_t b[SCRY_REC_MAX]; } out;
	enum cap_open_err why;
	struct cap_block b;
	struct cap_ctx ctx;
	char msg[256];
	struct cap_file *f = cap_file__open_mem(data, size, &why, msg, sizeof(msg));

	if (!f)
		return;
	cap_file__rewind(f, true);
	while (cap_file__next_block(f, &b, false) > 0) {
		size_t off = 0;
		uint32_t sz;
		int n;

		memset(&ctx, 0, sizeof(ctx));
		while (off < b.len && b.raw[off] < CAP_TAG_LENGTH_PREFIXED) {
			struct scry_event ev[2];

			n = cap_file__header(f)->major > CAP_MAJOR_UNFRAMED ?
				cap_event_decode(&ctx, b.raw + off, b.len - off, &out.rec, &sz) :
				cap_rec_decode(&ctx, b.raw + off, b.len - off, &out.rec, &sz);
			if (n <= 0)
				break;
			if (sz)	/* 0: a type this reader does not know, skipped */
				decode__record(&out.rec, sz, ev);
			off += n;
		}
	}
	cap_file__free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct containers_opts co = {};
	struct proctab *procs = NULL;
	struct containers *ctrs = NULL;
	struct pipeline *pl = NULL;
	struct capture_reader *r;
	char path[64];
	const char *paths[1] = { path };
	const void *rec;
	uint32_t len;
	int fd = memfd_create("capture", MFD_CLOEXEC), n = 0;

	one_file(data, size);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = capture_reader__open(paths, 1);
	if (!r)
		goto out;
	users__use(NULL);	/* the USERDB items load into the replay's user databases */
	procs = proctab__new(NULL);
	ctrs = containers__new(&co, false);
	if (procs && ctrs && (pl = pipeline__new(procs, ctrs))) {
		/* Odd sizes also take the re-recording path: every snapshot first. */
		if (!capture_reader__load(r, procs, ctrs) &&
		    (!(size & 1) || !capture_reader__snapshots(r))) {
			while (capture_reader__next(r, &rec, &len) > 0 && n++ < 100000) {
				pipeline__record(pl, rec, len);
				/* as a replay does, so that reaping is fuzzed too */
				if (n % 64 == 0)
					pipeline__tick(pl);
			}
		}
		capture_reader__finish(r);
	}
	pipeline__free(pl);
	proctab__free(procs);
	containers__free(ctrs);
	capture_reader__free(r);
	users__reset();
out:
	if (fd >= 0)
		close(fd);
	return 0;
}
