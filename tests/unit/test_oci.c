// SPDX-License-Identifier: GPL-2.0
/*
 * OCI config.json annotations -> container metadata, from the samples in tests/data/oci/, and
 * the search of containerd's and CRI-O's state directories in the fake tree tests/data/oci/root.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scry/container.h"
#include "testlib.h"

static const char *data_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("SCRY_TEST_DATA");

	snprintf(buf, len, "%s/oci/%s", dir ? dir : "tests/data", name);
	return buf;
}

static void read_sample(const char *name, struct ctr_meta *m)
{
	char path[PATH_MAX];
	int err;

	err = oci__read_config(data_path(name, path, sizeof(path)), m);
	if (err)
		fail_msg("%s: %s", path, strerror(-err));
}

static void containerd_container(void **state)
{
	static const struct ctr_label want[] = {
		{ "io.kubernetes.cri.container-name", "coredns" },
		{ "io.kubernetes.cri.container-type", "container" },
		{ "io.kubernetes.cri.image-name", "registry.k8s.io/coredns/coredns:v1.10.1" },
		{ "io.kubernetes.cri.sandbox-id",
		  "9a0c1e5b7d3f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c" },
		{ "io.kubernetes.cri.sandbox-name", "coredns-5d78c9869d-7xk2p" },
		{ "io.kubernetes.cri.sandbox-namespace", "kube-system" },
		{ "io.kubernetes.cri.sandbox-uid", "0d6f3e1a-2c4b-4e0a-9a57-3f1c2b7d8e90" },
	};
	struct ctr_meta m;
	size_t i;

	read_sample("containerd-cri.json", &m);
	assert_string_equal(m.name, "coredns");
	assert_string_equal(m.k8s_container, "coredns");
	assert_string_equal(m.pod_name, "coredns-5d78c9869d-7xk2p");
	assert_string_equal(m.pod_ns, "kube-system");
	assert_string_equal(m.image, "registry.k8s.io/coredns/coredns:v1.10.1");
	assert_int_equal(m.started_ns, 0);
	assert_int_equal(m.nlabels, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < m.nlabels; i++) {
		assert_string_equal(m.labels[i].key, want[i].key);
		assert_string_equal(m.labels[i].val, want[i].val);
	}
	ctr_meta__free(&m);
	assert_meta_empty(&m);
}

/* The pause container: no container name or image in its annotations, named POD. */
static void containerd_sandbox(void **state)
{
	struct ctr_meta m;

	read_sample("containerd-sandbox.json", &m);
	assert_string_equal(m.name, "POD");
	assert_string_equal(m.k8s_container, "POD");
	assert_string_equal(m.pod_name, "coredns-5d78c9869d-7xk2p");
	assert_string_equal(m.pod_ns, "kube-system");
	assert_null(m.image);
	assert_int_equal(m.nlabels, 10);
	assert_string_equal(ctr_meta__label(&m, "io.kubernetes.cri.sandbox-memory"), "178257920");
	assert_string_equal(m.labels[0].key, "io.kubernetes.cri.container-type");
	assert_string_equal(m.labels[0].val, "sandbox");
	ctr_meta__free(&m);
}

static void crio_container(void **state)
{
	struct ctr_meta m;

	read_sample("crio.json", &m);
	/* The pod spec's name, not CRI-O's k8s_etcd_etcd-node1_... */
	assert_string_equal(m.name, "etcd");
	assert_string_equal(m.k8s_container, "etcd");
	assert_string_equal(m.pod_name, "etcd-node1");
	assert_string_equal(m.pod_ns, "kube-system");
	assert_string_equal(m.image, "registry.k8s.io/etcd:3.5.9-0");
	assert_int_equal(m.started_ns, 0);
	assert_int_equal(m.nlabels, 33);
	assert_string_equal(m.labels[0].key, "io.container.manager");
	assert_string_equal(m.labels[0].val, "cri-o");
	assert_string_equal(m.labels[32].key, "kubernetes.io/config.source");
	assert_string_equal(m.labels[32].val, "file");
	/* Values that are JSON themselves stay verbatim strings. */
	assert_string_equal(ctr_meta__label(&m, "io.kubernetes.cri-o.Metadata"), "{\"name\":\"etcd\"}");
	assert_string_equal(ctr_meta__label(&m, "io.kubernetes.cri-o.Name"),
			    "k8s_etcd_etcd-node1_kube-system_5b2e7a4c9d1f3e8a6c0b2d4f6a8c1e3b_0");
	ctr_meta__free(&m);
}

/* Docker writes no names into config.json: a valid file that yields nothing. */
static void docker_bundle(void **state)
{
	struct ctr_meta m;

	read_sample("docker.json", &m);
	assert_meta_empty(&m);
	ctr_meta__free(&m);
}

static void nerdctl_bundle(void **state)
{
	struct ctr_meta m;

	read_sample("nerdctl.json", &m);
	assert_string_equal(m.name, "cache");
	assert_null(m.k8s_container);
	assert_null(m.pod_name);
	assert_null(m.pod_ns);
	assert_null(m.image);
	assert_int_equal(m.nlabels, 7);
	assert_string_equal(ctr_meta__label(&m, "nerdctl/namespace"), "default");
	ctr_meta__free(&m);
}

static void bad_files(void **state)
{
	static const char *const bad[] = { "invalid.json", "wrong-shape.json", "root" };
	char path[PATH_MAX];
	struct ctr_meta m;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (oci__read_config(data_path(bad[i], path, sizeof(path)), &m) != -EPROTO)
			fail_msg("%s: not -EPROTO", path);
		assert_meta_empty(&m);
	}
	assert_int_equal(oci__read_config(data_path("missing.json", path, sizeof(path)), &m),
			 -ENOENT);
	assert_meta_empty(&m);
	ctr_meta__free(NULL);
}

static int write_tmp(char *path, const char *head, size_t fill, const char *tail)
{
	FILE *f;
	int fd;

	strcpy(path, "/tmp/scry-oci-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	fputs(head, f);
	while (fill--)
		fputc(' ', f);
	fputs(tail, f);
	return fclose(f);
}

/* Valid JSON but no runtime config, non-string annotations, and a file past the 4 MiB bound. */
static void bad_shapes(void **state)
{
	static const struct {
		const char *head;
		size_t fill;
		const char *tail;
		int err;
	} cases[] = {
		{ "{\"annotations\":{\"io.kubernetes.pod.name\":\"web\"}}", 0, "", -EPROTO },
		{ "[\"ociVersion\"]", 0, "", -EPROTO },
		{ "{\"ociVersion\":\"1.1.0\",\"annotations\":{\"a\":\"b\",\"n\":1}}", 0, "",
		  -EPROTO },
		{ "{\"ociVersion\":\"1.1.0\"} {}", 0, "", -EPROTO },
		{ "{\"ociVersion\":\"1.1.0\",\"annotations\":null}", 0, "\n", 0 },
		{ "{\"ociVersion\":\"1.1.0\",", (4 << 20) - 64,
		  "\"annotations\":{\"nerdctl/name\":\"x\"}}", 0 },
		{ "{\"ociVersion\":\"1.1.0\",", 4 << 20, "\"annotations\":{}}", -EPROTO },
	};
	char path[64];
	struct ctr_meta m;
	size_t i;
	int err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(write_tmp(path, cases[i].head, cases[i].fill, cases[i].tail), 0);
		err = oci__read_config(path, &m);
		unlink(path);
		if (err != cases[i].err)
			fail_msg("case %zu (%.40s): got %d want %d", i, cases[i].head, err,
				 cases[i].err);
		if (err)
			assert_meta_empty(&m);
		ctr_meta__free(&m);
	}
}

static void find_configs(void **state)
{
	static const struct {
		const char *id;
		const char *rel;	/* under tests/data/oci/root; NULL: -ENOENT */
		const char *name;	/* what the config found says */
	} cases[] = {
		{ "4f797c539e6c745de61a93ca3ff892358ecbcaccd8414d5db545c38428142970",
		  "run/containerd/io.containerd.runtime.v2.task/k8s.io/"
		  "4f797c539e6c745de61a93ca3ff892358ecbcaccd8414d5db545c38428142970/config.json",
		  "coredns" },
		{ "8dfafdbc3a40aa2b0d4b2fdbd5e7a1f0c6b9c1d2e3f4a5b6c7d8e9f0a1b2c3d4",
		  "run/containerd/io.containerd.runtime.v2.task/moby/"
		  "8dfafdbc3a40aa2b0d4b2fdbd5e7a1f0c6b9c1d2e3f4a5b6c7d8e9f0a1b2c3d4/config.json",
		  NULL },
		{ "6955929e92b68fd02337fbdc1db8953cd9a8eea42766ea1a40a33653db8a9543",
		  "run/containerd/io.containerd.runtime.v2.task/default/"
		  "6955929e92b68fd02337fbdc1db8953cd9a8eea42766ea1a40a33653db8a9543/config.json",
		  "cache" },
		{ "abde9b0b1278f0627a364db4c62bd00087ac1f0ff62ea88e650604374a6e2ae9",
		  "run/containers/storage/overlay-containers/"
		  "abde9b0b1278f0627a364db4c62bd00087ac1f0ff62ea88e650604374a6e2ae9"
		  "/userdata/config.json",
		  "etcd" },
		{ "5eb42eba28b2a780d1021df5b20702347ff2a3692e2e21427a692748689e07cc",
		  "var/lib/containers/storage/overlay-containers/"
		  "5eb42eba28b2a780d1021df5b20702347ff2a3692e2e21427a692748689e07cc"
		  "/userdata/config.json",
		  NULL },
		/* k3s's embedded containerd keeps its own state directory. */
		{ "3c1e0b2a9f8d7c6b5a4938271605f4e3d2c1b0a99887766554433221100ffeed",
		  "run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io/"
		  "3c1e0b2a9f8d7c6b5a4938271605f4e3d2c1b0a99887766554433221100ffeed/config.json",
		  "coredns" },
		/* A task directory whose config.json runc has not written yet. */
		{ "8259e595073db48a318f7f910ee571d28962a9887fdd33faf7851c1f34a73323", NULL, NULL },
		{ "961bafac325ee9af85c4daaefb8beba75476aff90b6a00d9c87c7be0dcf252af", NULL, NULL },
	};
	char root[PATH_MAX], rootslash[PATH_MAX + 1], want[2 * PATH_MAX], got[PATH_MAX];
	struct ctr_meta m;
	size_t i;
	int err;

	data_path("root", root, sizeof(root));
	snprintf(rootslash, sizeof(rootslash), "%s/", root);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = oci__find_config(root, cases[i].id, got, sizeof(got));
		if (!cases[i].rel) {
			if (err != -ENOENT)
				fail_msg("%s: got %d, want -ENOENT", cases[i].id, err);
			continue;
		}
		snprintf(want, sizeof(want), "%s/%s", root, cases[i].rel);
		if (err || strcmp(got, want))
			fail_msg("%s: got %d %s\n  want %s", cases[i].id, err, err ? "" : got,
				 want);
		/* A trailing slash on the root changes nothing. */
		assert_int_equal(oci__find_config(rootslash, cases[i].id, got, sizeof(got)), 0);
		assert_string_equal(got, want);

		assert_int_equal(oci__read_config(got, &m), 0);
		if (cases[i].name)
			assert_string_equal(m.name, cases[i].name);
		else
			assert_null(m.name);
		ctr_meta__free(&m);
	}
}

static void find_refuses(void **state)
{
	static const char *const bad[] = {
		"", ".", "..", "../../../etc", "a/b", "/etc/passwd", "k8s.io/../x", "x..y",
	};
	static const char id[] = "4f797c539e6c745de61a93ca3ff892358ecbcaccd8414d5db545c38428142970";
	char root[PATH_MAX], got[PATH_MAX];
	size_t i;

	data_path("root", root, sizeof(root));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (oci__find_config(root, bad[i], got, sizeof(got)) != -EINVAL)
			fail_msg("accepted id \"%s\"", bad[i]);
	}
	/* Found, but the caller's buffer is too small for the path. */
	assert_int_equal(oci__find_config(root, id, got, 32), -ENAMETOOLONG);
	/* A root without any state directory. */
	assert_int_equal(oci__find_config("/nonexistent", id, got, sizeof(got)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(containerd_container),
		cmocka_unit_test(containerd_sandbox),
		cmocka_unit_test(crio_container),
		cmocka_unit_test(docker_bundle),
		cmocka_unit_test(nerdctl_bundle),
		cmocka_unit_test(bad_files),
		cmocka_unit_test(bad_shapes),
		cmocka_unit_test(find_configs),
		cmocka_unit_test(find_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
