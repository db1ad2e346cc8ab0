/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What several unit tests need alike: a scratch directory of their own under /tmp and paths in
 * it, and checks of shared structures. Include after <cmocka.h>.
 */
#ifndef SCRY_TESTLIB_H
#define SCRY_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char test_dir[64];

/* A new directory /tmp/scry-TAG-XXXXXX for this test binary (or this test). */
static inline int test_dir_make(const char *tag)
{
	snprintf(test_dir, sizeof(test_dir), "/tmp/scry-%s-XXXXXX", tag);
	return mkdtemp(test_dir) ? 0 : -1;
}

static inline int test_dir_remove(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
	return system(cmd);
}

/* NAME in the test directory; the last 64 paths stay valid. */
static inline const char *test_path(const char *name)
{
	static char path[64][512];
	static int k;

	k = (k + 1) % 64;
	snprintf(path[k], sizeof(path[k]), "%s/%s", test_dir, name);
	return path[k];
}

#ifdef SCRY_CONTAINER_H
static inline void assert_meta_empty(const struct ctr_meta *m)
{
	assert_null(m->name);
	assert_null(m->image);
	assert_null(m->labels);
	assert_int_equal(m->nlabels, 0);
	assert_null(m->pod_name);
	assert_null(m->pod_ns);
	assert_null(m->k8s_container);
	assert_int_equal(m->started_ns, 0);
}
#endif

#endif /* SCRY_TESTLIB_H */
