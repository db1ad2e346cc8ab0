// SPDX-License-Identifier: GPL-2.0
/*
 * --host-root (src/util/hostpath.c): the host's paths under DIR, links resolved as chroot(DIR)
 * would resolve them (an absolute link starts again at DIR, ".." stops there: nothing leads
 * out), /proc only prefixed (its links are the kernel's), nothing changed without a root; and
 * the readers that use it: the cgroup mounts from the host init's mountinfo, the runtime state
 * directories, the Docker socket behind the host's /var/run -> /run.
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "scry/container.h"
#include "scry/util.h"
#include "../../src/container/internal.h"
#include "testlib.h"

static void mk(const char *rel)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", test_path(rel));
	assert_int_equal(system(cmd), 0);
}

static void touch(const char *rel, const char *text)
{
	FILE *f = fopen(test_path(rel), "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void ln(const char *target, const char *rel)
{
	assert_int_equal(symlink(target, test_path(rel)), 0);
}

/*
 * A host tree: /var/run -> /run (absolute, as Debian has it), /run/docker.sock, a relative
 * link, links that try to climb out, a loop, a /proc whose self link points at "/".
 */
static int fresh_root(void **state)
{
	(void)state;
	if (test_dir_make("hostpath"))
		return -1;
	mk("run/containerd");
	mk("var/lib");
	mk("etc");
	mk("proc/1");
	mk("altrun/containerd/io.containerd.runtime.v2.task/k8s.io/"
	   "3c1e0b2a9f8d7c6b5a4938271605f4e3d2c1b0a99887766554433221100ffeed");
	touch("altrun/containerd/io.containerd.runtime.v2.task/k8s.io/"
	      "3c1e0b2a9f8d7c6b5a4938271605f4e3d2c1b0a99887766554433221100ffeed/config.json",
	      "{\"ociVersion\":\"1.0.2\",\"annotations\":{}}");
	touch("run/docker.sock", "");
	touch("etc/services", "http 80/tcp\n");
	ln("/run", "var/run");
	ln("../../run", "var/lib/rel");
	ln("/etc", "escape_abs");
	ln("../../../../../../../../etc", "escape_rel");
	ln("loop_b", "loop_a");
	ln("loop_a", "loop_b");
	ln("/", "proc/self");
	return 0;
}

static int rm_root(void **state)
{
	(void)state;
	hostpath__set_root(NULL);
	return test_dir_remove();
}

/* hostpath_in(root, path) is `want` (relative to the root; NULL: the error `err`). */
static void expect(const char *root, const char *path, const char *want, int err)
{
	char got[PATH_MAX], full[PATH_MAX];
	int rc = hostpath_in(root, path, got, sizeof(got));

	if (!want) {
		if (rc != err)
			fail_msg("%s: got %d (%s), want %d", path, rc, rc ? "" : got, err);
		return;
	}
	snprintf(full, sizeof(full), "%s%s", root, want);
	if (rc || strcmp(got, full))
		fail_msg("%s: got %d %s\n  want %s", path, rc, rc ? "" : got, full);
}

static void no_root_changes_nothing(void **state)
{
	static const char *const paths[] = {
		"/proc", "/proc/1/root/etc/passwd", "/var/run/docker.sock", "/sys/fs/cgroup",
		"/a/../b", "/",
	};
	char got[PATH_MAX];
	size_t i;

	(void)state;
	assert_int_equal(hostpath__set_root(NULL), 0);
	assert_string_equal(hostpath__root(), "");
	assert_string_equal(hostpath__procfs(), "/proc");
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		assert_int_equal(hostpath(paths[i], got, sizeof(got)), 0);
		assert_string_equal(got, paths[i]);
		assert_int_equal(hostpath_in("/", paths[i], got, sizeof(got)), 0);
		assert_string_equal(got, paths[i]);
		assert_int_equal(hostpath_in("", paths[i], got, sizeof(got)), 0);
		assert_string_equal(got, paths[i]);
	}
	/* "/" is the host's own root: no mapping either */
	assert_int_equal(hostpath__set_root("/"), 0);
	assert_string_equal(hostpath__root(), "");
	assert_string_equal(hostpath__procfs(), "/proc");
}

static void links_stay_inside(void **state)
{
	const char *root = test_dir;

	(void)state;
	expect(root, "/run/docker.sock", "/run/docker.sock", 0);
	/* the host's absolute link leads to the host's /run, under the root */
	expect(root, "/var/run/docker.sock", "/run/docker.sock", 0);
	expect(root, "/var/run", "/run", 0);
	expect(root, "/var/lib/rel/containerd", "/run/containerd", 0);
	/* nothing climbs out: not an absolute link, not "..", not a relative link full of ".." */
	expect(root, "/escape_abs/services", "/etc/services", 0);
	expect(root, "/escape_rel/services", "/etc/services", 0);
	expect(root, "/../../../etc/services", "/etc/services", 0);
	expect(root, "/run/../../etc/./services", "/etc/services", 0);
	expect(root, "/", "/", 0);
	expect(root, "/..", "/", 0);
	/* absent paths are taken as they are: opening them says ENOENT */
	expect(root, "/nope/x", "/nope/x", 0);
	/* a trailing slash on the root changes nothing */
	{
		char slash[PATH_MAX], got[PATH_MAX], want[PATH_MAX];

		snprintf(slash, sizeof(slash), "%s/", root);
		snprintf(want, sizeof(want), "%s/run/docker.sock", root);
		assert_int_equal(hostpath_in(slash, "/var/run/docker.sock", got, sizeof(got)), 0);
		assert_string_equal(got, want);
	}
}

static void proc_is_only_prefixed(void **state)
{
	const char *root = test_dir;

	(void)state;
	/* proc/self -> "/" here: resolving it would give the root; the kernel's links are kept */
	expect(root, "/proc/self/mountinfo", "/proc/self/mountinfo", 0);
	expect(root, "/proc/1/root/etc/passwd", "/proc/1/root/etc/passwd", 0);
	expect(root, "/proc", "/proc", 0);
	/* "/procfoo" is not /proc */
	expect(root, "/procfoo/../etc/services", "/etc/services", 0);
}

static void errors(void **state)
{
	char got[PATH_MAX], small[16];

	(void)state;
	expect(test_dir, "/loop_a/x", NULL, -ELOOP);
	expect(test_dir, "relative/path", NULL, -EINVAL);
	assert_int_equal(hostpath_in(test_dir, "/run/docker.sock", small, sizeof(small)),
			 -ENAMETOOLONG);
	assert_int_equal(hostpath_in("", "/x", small, 2), -ENAMETOOLONG);
	assert_int_equal(hostpath(NULL, got, sizeof(got)), -EINVAL);
}

static void set_root(void **state)
{
	char real[PATH_MAX], want[PATH_MAX + 8], via_link[PATH_MAX];

	(void)state;
	assert_non_null(realpath(test_dir, real));
	ln(real, "self_link");
	snprintf(via_link, sizeof(via_link), "%s/", test_path("self_link"));
	/* canonical: through a link, with a trailing slash */
	assert_int_equal(hostpath__set_root(via_link), 0);
	assert_string_equal(hostpath__root(), real);
	snprintf(want, sizeof(want), "%s/proc", real);
	assert_string_equal(hostpath__procfs(), want);
	assert_int_equal(hostpath__set_root("/nonexistent/host"), -ENOENT);
	assert_int_equal(hostpath__set_root(test_path("etc/services")), -ENOTDIR);
	/* a failed set leaves the root as it was */
	assert_string_equal(hostpath__root(), real);
	hostpath__set_root(NULL);
}

/* The cgroup mounts are the host init's (DIR/proc/1/mountinfo), each under DIR. */
static void cgroup_mounts_of_the_host(void **state)
{
	char got[PATH_MAX], want[PATH_MAX + 32], real[PATH_MAX];
	FILE *f = fopen(test_path("proc/1/mountinfo"), "w");

	(void)state;
	assert_non_null(f);
	fputs("22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
	      "30 22 0:26 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
	      "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw\n"
	      "35 30 0:31 / /sys/fs/cgroup/memory rw,nosuid shared:15 - cgroup cgroup "
	      "rw,memory\n"
	      "36 30 0:32 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:16 - cgroup cgroup "
	      "rw,cpu,cpuacct\n", f);
	fclose(f);
	assert_non_null(realpath(test_dir, real));
	assert_int_equal(hostpath__set_root(test_dir), 0);
	assert_int_equal(cgroup_find_mount(NULL, NULL, got, sizeof(got)), 0);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/unified", real);
	assert_string_equal(got, want);
	assert_int_equal(cgroup_find_mount(NULL, "memory", got, sizeof(got)), 0);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/memory", real);
	assert_string_equal(got, want);
	assert_int_equal(cgroup_find_mount(NULL, "cpu", got, sizeof(got)), 0);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/cpu,cpuacct", real);
	assert_string_equal(got, want);
	assert_int_equal(cgroup_find_mount(NULL, "pids", got, sizeof(got)), -ENOENT);
	/* a fixture's mountinfo is taken as it is, root or not */
	assert_int_equal(cgroup_find_mount(test_path("proc/1/mountinfo"), NULL, got, sizeof(got)),
			 0);
	assert_string_equal(got, "/sys/fs/cgroup/unified");
	hostpath__set_root(NULL);
}

/* State directories and sockets behind the host's links are found under the root. */
static void runtime_state_and_sockets(void **state)
{
	static const char id[] = "3c1e0b2a9f8d7c6b5a4938271605f4e3d2c1b0a99887766554433221100ffeed";
	char got[PATH_MAX], want[PATH_MAX * 2], real[PATH_MAX];
	const char *old = getenv("DOCKER_HOST");
	char *saved = old ? strdup(old) : NULL;

	(void)state;
	assert_non_null(realpath(test_dir, real));
	/* the host's /run is a link to /altrun: containerd's state is found there, not in ours */
	assert_int_equal(rename(test_path("run"), test_path("run.real")), 0);
	ln("/altrun", "run");
	assert_int_equal(oci__find_config(real, id, got, sizeof(got)), 0);
	snprintf(want, sizeof(want),
		 "%s/altrun/containerd/io.containerd.runtime.v2.task/k8s.io/%s/config.json", real,
		 id);
	assert_string_equal(got, want);
	assert_int_equal(unlink(test_path("run")), 0);
	assert_int_equal(rename(test_path("run.real"), test_path("run")), 0);

	/* the Docker socket behind /var/run -> /run */
	unsetenv("DOCKER_HOST");
	assert_int_equal(hostpath__set_root(test_dir), 0);
	snprintf(want, sizeof(want), "%s/run/docker.sock", real);
	assert_string_equal(docker__socket_path(), want);
	/* only the host's /run mounted (a DaemonSet's /host/run): found there too */
	assert_int_equal(unlink(test_path("var/run")), 0);
	assert_string_equal(docker__socket_path(), want);
	/* $DOCKER_HOST is this process's own path: never mapped */
	setenv("DOCKER_HOST", "unix:///run/user/1000/docker.sock", 1);
	assert_string_equal(docker__socket_path(), "/run/user/1000/docker.sock");
	if (saved)
		setenv("DOCKER_HOST", saved, 1);
	else
		unsetenv("DOCKER_HOST");
	free(saved);
	hostpath__set_root(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_root_changes_nothing, fresh_root, rm_root),
		cmocka_unit_test_setup_teardown(links_stay_inside, fresh_root, rm_root),
		cmocka_unit_test_setup_teardown(proc_is_only_prefixed, fresh_root, rm_root),
		cmocka_unit_test_setup_teardown(errors, fresh_root, rm_root),
		cmocka_unit_test_setup_teardown(set_root, fresh_root, rm_root),
		cmocka_unit_test_setup_teardown(cgroup_mounts_of_the_host, fresh_root, rm_root),
		cmocka_unit_test_setup_teardown(runtime_state_and_sockets, fresh_root, rm_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
