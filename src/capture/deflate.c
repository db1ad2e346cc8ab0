// SPDX-License-Identifier: GPL-2.0
/*
 * Block compression with libdeflate: raw deflate (RFC 1951, no zlib/gzip wrapper: the block
 * carries its own CRC32, so Adler-32 would be computed for nothing). A block is one whole buffer,
 * which is what libdeflate wants (it has no streaming API, and needs none here): at the same
 * level it compresses 2-3 times as fast as zlib, inflates 2-3 times as fast, and its CRC-32 is
 * several times zlib's (docs/benchmarks.md, issue 10). The streams are zlib's: files written
 * with zlib inflate the same. The compressor and decompressor are made once per writer and per
 * file read, so compressing a block allocates nothing.
 */
#include <errno.h>
#include <stdlib.h>

#include <libdeflate.h>

#include "internal.h"

struct cap_zip {
	struct libdeflate_compressor *def;	/* NULL: this handle only inflates */
	struct libdeflate_decompressor *inf;	/* made at the first block read */
};

struct cap_zip *cap_zip__new(int level)
{
	struct cap_zip *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	if (level > 0 && !(z->def = libdeflate_alloc_compressor(level))) {
		free(z);
		errno = ENOMEM;
		return NULL;
	}
	return z;
}

void cap_zip__free(struct cap_zip *z)
{
	if (!z)
		return;
	libdeflate_free_compressor(z->def);
	libdeflate_free_decompressor(z->inf);
	free(z);
}

size_t cap_zip__deflate(struct cap_zip *z, const uint8_t *in, size_t len, uint8_t *out,
			size_t cap)
{
	return z->def ? libdeflate_deflate_compress(z->def, in, len, out, cap) : 0;
}

int cap_zip__inflate(struct cap_zip *z, const uint8_t *in, size_t len, uint8_t *out,
		     size_t raw_len)
{
	size_t used, got;

	if (!z->inf && !(z->inf = libdeflate_alloc_decompressor()))
		return -ENOMEM;
	/* Exactly raw_len bytes from exactly the stored bytes, or the block is not what it says. */
	if (libdeflate_deflate_decompress_ex(z->inf, in, len, out, raw_len, &used, &got) !=
	    LIBDEFLATE_SUCCESS || got != raw_len || used != len)
		return -EBADMSG;
	return 0;
}

uint32_t cap_crc32(const uint8_t *p, size_t len)
{
	return libdeflate_crc32(0, p, len);
}

uint32_t cap_crc32_more(uint32_t crc, const uint8_t *p, size_t len)
{
	return libdeflate_crc32(crc, p, len);
}
