// SPDX-License-Identifier: GPL-2.0
/*
 * Block compression with zlib: raw deflate (RFC 1951, no zlib/gzip wrapper: the block carries
 * its own CRC32, so Adler-32 would be computed for nothing). One stream per direction is kept
 * and reset per block, so compressing a block allocates nothing.
 */
#include <errno.h>
#include <stdlib.h>

#include <zlib.h>

#include "internal.h"

struct cap_zip {
	z_stream def;
	z_stream inf;
	bool def_ok, inf_ok;
	int level;
};

struct cap_zip *cap_zip__new(int level)
{
	struct cap_zip *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	z->level = level;
	if (level > 0) {
		if (deflateInit2(&z->def, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			free(z);
			errno = ENOMEM;
			return NULL;
		}
		z->def_ok = true;
	}
	return z;
}

void cap_zip__free(struct cap_zip *z)
{
	if (!z)
		return;
	if (z->def_ok)
		deflateEnd(&z->def);
	if (z->inf_ok)
		inflateEnd(&z->inf);
	free(z);
}

size_t cap_zip__deflate(struct cap_zip *z, const uint8_t *in, size_t len, uint8_t *out,
			size_t cap)
{
	if (!z->def_ok || deflateReset(&z->def) != Z_OK)
		return 0;
	z->def.next_in = (Bytef *)in;
	z->def.avail_in = len;
	z->def.next_out = out;
	z->def.avail_out = cap;
	if (deflate(&z->def, Z_FINISH) != Z_STREAM_END)
		return 0;
	return z->def.total_out;
}

int cap_zip__inflate(struct cap_zip *z, const uint8_t *in, size_t len, uint8_t *out,
		     size_t raw_len)
{
	int rc;

	if (!z->inf_ok) {
		if (inflateInit2(&z->inf, -15) != Z_OK)
			return -ENOMEM;
		z->inf_ok = true;
	} else if (inflateReset(&z->inf) != Z_OK) {
		return -EBADMSG;
	}
	z->inf.next_in = (Bytef *)in;
	z->inf.avail_in = len;
	z->inf.next_out = out;
	z->inf.avail_out = raw_len;
	rc = inflate(&z->inf, Z_FINISH);
	/* Exactly raw_len bytes from exactly the stored bytes, or the block is not what it says. */
	if (rc != Z_STREAM_END || z->inf.total_out != raw_len || z->inf.avail_in)
		return -EBADMSG;
	return 0;
}

uint32_t cap_crc32(const uint8_t *p, size_t len)
{
	return crc32(0, p, len);
}

uint32_t cap_crc32_more(uint32_t crc, const uint8_t *p, size_t len)
{
	return crc32(crc, p, len);
}
