// SPDX-License-Identifier: GPL-2.0
/*
 * zlib against libdeflate on the blocks of real captures (issue 10): the event payloads of the
 * files named, inflated and cut into 256 KiB blocks as the writer makes them, each compressed
 * and inflated again by both libraries at a few levels. Prints, per library and level, the ratio
 * and the compression and decompression rates in MB/s of raw bytes (one thread; the best of 5
 * rounds over all of them, since the load of a shared machine drifts).
 * Also the CRC-32 of both over the same bytes.
 *
 *   bench_deflate FILE...
 *
 * It reads the block headers itself (docs/capture-format.md), so that it measures the libraries
 * and nothing of scry's.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libdeflate.h>
#include <zlib.h>

#define BLOCK (256u << 10)
#define ROUNDS 5
#define NCONF 8

static uint8_t *raw;
static size_t rawlen, rawcap;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The event blocks' payloads of one file, appended to raw. */
static int load(const char *path)
{
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	FILE *f = fopen(path, "rb");
	uint8_t *buf, pre[16], h[48];
	long size;
	size_t off;

	if (!f || !d) {
		perror(path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc(size);
	if (!buf || fread(buf, 1, size, f) != (size_t)size || size < 16) {
		fprintf(stderr, "%s: cannot read\n", path);
		return -1;
	}
	fclose(f);
	memcpy(pre, buf, 16);
	for (off = 16 + rd32(pre + 12) + 4; off + 48 <= (size_t)size;) {
		uint32_t raw_len, stored_len;

		memcpy(h, buf + off, 48);
		raw_len = rd32(h + 16);
		stored_len = rd32(h + 20);
		if (off + 48 + stored_len > (size_t)size)
			break;
		if (h[4] == 1) {
			size_t got;

			if (rawlen + raw_len > rawcap) {
				rawcap = (rawlen + raw_len) * 2;
				raw = realloc(raw, rawcap);
			}
			if (h[5] == 0)
				memcpy(raw + rawlen, buf + off + 48, raw_len);
			else if (libdeflate_deflate_decompress(d, buf + off + 48, stored_len,
								raw + rawlen, raw_len, &got) ||
				 got != raw_len)
				fprintf(stderr, "%s: a block does not inflate\n", path);
			rawlen += raw_len;
		}
		off += 48 + stored_len;
	}
	free(buf);
	libdeflate_free_decompressor(d);
	return 0;
}

struct result {
	size_t out;
	double ctime, dtime;
};

static void zlib_run(int level, uint8_t *out, size_t cap, uint8_t *back, struct result *r)
{
	z_stream c = {}, d = {};
	size_t off;
	double t;

	deflateInit2(&c, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
	inflateInit2(&d, -15);
	r->out = 0;
	r->ctime = r->dtime = 0;
	for (off = 0; off < rawlen; off += BLOCK) {
		size_t n = rawlen - off < BLOCK ? rawlen - off : BLOCK;

		t = now();
		deflateReset(&c);
		c.next_in = raw + off;
		c.avail_in = n;
		c.next_out = out;
		c.avail_out = cap;
		deflate(&c, Z_FINISH);
		r->ctime += now() - t;
		t = now();
		inflateReset(&d);
		d.next_in = out;
		d.avail_in = c.total_out;
		d.next_out = back;
		d.avail_out = n;
		if (inflate(&d, Z_FINISH) != Z_STREAM_END || memcmp(back, raw + off, n))
			fprintf(stderr, "zlib: round trip failed\n");
		r->dtime += now() - t;
		r->out += c.total_out;
	}
	deflateEnd(&c);
	inflateEnd(&d);
}

static void ld_run(int level, uint8_t *out, size_t cap, uint8_t *back, struct result *r)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	size_t off;
	double t;

	r->out = 0;
	r->ctime = r->dtime = 0;
	for (off = 0; off < rawlen; off += BLOCK) {
		size_t n = rawlen - off < BLOCK ? rawlen - off : BLOCK, z, got;

		t = now();
		z = libdeflate_deflate_compress(c, raw + off, n, out, cap);
		r->ctime += now() - t;
		t = now();
		if (libdeflate_deflate_decompress(d, out, z, back, n, &got) || got != n ||
		    memcmp(back, raw + off, n))
			fprintf(stderr, "libdeflate: round trip failed\n");
		r->dtime += now() - t;
		r->out += z;
	}
	libdeflate_free_compressor(c);
	libdeflate_free_decompressor(d);
}

int main(int argc, char **argv)
{
	static const struct { bool zlib; int level; } conf[] = {
		{ true, 1 }, { true, 3 }, { true, 6 },
		{ false, 1 }, { false, 2 }, { false, 3 }, { false, 4 }, { false, 6 },
	};
	struct result res[NCONF];
	size_t cap = BLOCK + BLOCK / 8 + 4096;
	uint8_t *out = malloc(cap), *back = malloc(BLOCK);
	double t, tz = 1e9, tl = 1e9;
	unsigned int i, k;

	for (i = 1; i < (unsigned int)argc; i++)
		if (load(argv[i]))
			return 1;
	if (!rawlen) {
		fprintf(stderr, "usage: bench_deflate CAPTURE... (no event blocks read)\n");
		return 1;
	}
	printf("%.1f MB of event payload in %zu blocks of 256 KiB\n", rawlen / 1e6,
	       (rawlen + BLOCK - 1) / BLOCK);
	/* Rounds over every configuration, the best of each: load on a shared machine drifts. */
	for (k = 0; k < ROUNDS; k++) {
		for (i = 0; i < NCONF; i++) {
			struct result r;

			if (conf[i].zlib)
				zlib_run(conf[i].level, out, cap, back, &r);
			else
				ld_run(conf[i].level, out, cap, back, &r);
			res[i].out = r.out;
			if (!k || r.ctime < res[i].ctime)
				res[i].ctime = r.ctime;
			if (!k || r.dtime < res[i].dtime)
				res[i].dtime = r.dtime;
		}
	}
	for (i = 0; i < NCONF; i++)
		printf("  %-10s level %2d: ratio %5.2f, compress %7.1f MB/s, decompress %7.1f MB/s\n",
		       conf[i].zlib ? "zlib" : "libdeflate", conf[i].level,
		       (double)rawlen / res[i].out, rawlen / res[i].ctime / 1e6,
		       rawlen / res[i].dtime / 1e6);
	for (k = 0; k < ROUNDS; k++) {
		t = now();
		for (i = 0; i < 4; i++)
			(void)crc32(0, raw, rawlen);
		t = now() - t;
		tz = t < tz ? t : tz;
		t = now();
		for (i = 0; i < 4; i++)
			(void)libdeflate_crc32(0, raw, rawlen);
		t = now() - t;
		tl = t < tl ? t : tl;
	}
	printf("  crc32: zlib %.0f MB/s, libdeflate %.0f MB/s\n", 4 * rawlen / tz / 1e6,
	       4 * rawlen / tl / 1e6);
	free(out);
	free(back);
	free(raw);
	return 0;
}
