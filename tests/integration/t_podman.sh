#!/bin/sh
# Attribution to containers with a real Podman (no dockerd): a private Podman under $TMP (its own
# root, runroot, tmpdir, file locks, CNI config dir, cgroupfs manager, file events log, vfs
# storage, so no mounts and nothing global) and its API service on a private socket, which scry
# asks through CONTAINER_HOST. Names and images from that API for containers started before and
# after scry, exact counts, nothing attributed elsewhere, lscontainers, the cgroup path, the
# cgroup v1 hierarchy, and a stopped service. Containers use --network none.
# Skips its checks when podman is missing and cannot be installed from the distribution
# (apt-get install --no-install-recommends podman; SCRY_TEST_NO_INSTALL=1: don't try).
. tests/lib/common.sh
plan 9


if ! command -v podman >/dev/null 2>&1; then
	if [ -z "${SCRY_TEST_NO_INSTALL:-}" ] && command -v apt-get >/dev/null 2>&1; then
		echo "# podman missing: apt-get install -y --no-install-recommends podman"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends podman \
			>"$TMP/apt.log" 2>&1 || tail -3 "$TMP/apt.log" | sed 's/^/#   /'
	fi
	command -v podman >/dev/null 2>&1 || skip_rest podman "podman is not installed and could not be installed"
fi
[ -x /bin/busybox ] || skip_rest busybox-static "no /bin/busybox (busybox-static) for the test image"
# The test's own helper is no prerequisite of the machine: its absence is a failure.
[ -x "$HELPERS/getppid_loop" ] || { not_ok "$HELPERS/getppid_loop exists (make tests)"; finish; }

PM="$TMP/podman"
PM_SOCK="$PM/podman.sock"
PM_SVC=
IMAGE=scry-test:1
# A name no other test's process has, so that an event of it attributed anywhere else is ours.
LOOP=scrypod_getppid
tag=$$
before=scrytest-pod-before-$tag after=scrytest-pod-after-$tag

# $TMP is mktemp's: no blanks in these paths.
# Without CONTAINER_HOST (scry's, below), which would make podman a remote client.
PM_ENV="-u CONTAINER_HOST TMPDIR=$PM/vartmp CONTAINERS_CONF=$PM/containers.conf"
PM_FLAGS="--root $PM/root --runroot $PM/run --tmpdir $PM/tmp --network-config-dir $PM/net
	--storage-driver vfs --cgroup-manager cgroupfs --events-backend file"
pm() { env $PM_ENV podman $PM_FLAGS "$@"; }

# libpod_parent (podman's cgroupfs parent, with conmon's cgroup in it) in each hierarchy: the
# ones this test creates are removed again.
cg_parents() { ls -d /sys/fs/cgroup/libpod_parent /sys/fs/cgroup/*/libpod_parent 2>/dev/null; }
cg_before=$(cg_parents)

podman_cleanup() {
	if [ -n "$PM_SVC" ]; then
		kill "$PM_SVC" 2>/dev/null
		i=0
		while kill -0 "$PM_SVC" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -KILL "$PM_SVC" 2>/dev/null
		wait "$PM_SVC" 2>/dev/null
		PM_SVC=
	fi
	if [ -d "$PM/root" ]; then
		pm rm -af -t 0 >/dev/null 2>&1
		# What podman could not remove: conmon by the pid it wrote, the payload by its cgroup.
		for f in "$PM"/run/*-containers/*/userdata/conmon.pid; do
			[ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
		done
		for c in "$PM"/root/*-containers/*/; do
			[ -d "$c" ] || continue
			for p in $(cat /sys/fs/cgroup/libpod_parent/libpod-"$(basename "$c")"/cgroup.procs \
				/sys/fs/cgroup/*/libpod_parent/libpod-"$(basename "$c")"/cgroup.procs 2>/dev/null | sort -u); do
				kill -KILL "$p" 2>/dev/null
			done
			sleep 0.2
		done
	fi
	grep " $PM/" /proc/mounts | awk '{ print $2 }' | sort -r | while read -r m; do umount "$m"; done
	# A conmon that is still exiting keeps its cgroup busy for a moment.
	i=0
	while [ $i -lt 30 ]; do
		left=
		for d in $(cg_parents); do
			case " $(echo $cg_before) " in *" $d "*) continue ;; esac
			for c in "$d"/*/; do [ -d "$c" ] && rmdir "$c" 2>/dev/null; done
			rmdir "$d" 2>/dev/null || left="$left $d"
		done
		[ -z "$left" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$left" ] && echo "# cgroups left behind:$left"
}
EXTRA_CLEANUP=podman_cleanup

mkdir -p "$PM/net" "$PM/vartmp"
# No locks in /dev/shm (libpod_lock is shared by every podman of the host).
printf '[engine]\nlock_type = "file"\n' >"$PM/containers.conf"
# exec: $! is podman itself, for its limits and for kill.
(exec env $PM_ENV podman $PM_FLAGS system service --time=0 "unix://$PM_SOCK" >"$PM/service.log" 2>&1) &
PM_SVC=$!
i=0
until py "
import socket
s = socket.socket(socket.AF_UNIX); s.settimeout(2); s.connect('$PM_SOCK')
s.sendall(b'GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n')
assert b' 200 ' in s.recv(4096).split(b'\r\n')[0] + b' '
" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$PM_SVC" 2>/dev/null; then
		not_ok "podman system service answers on $PM_SOCK"
		tail -5 "$PM/service.log" | sed 's/^/#   /'
		finish
	fi
	sleep 0.1
done
# Podman gives a root container nofile=1048576 unless told otherwise, which runc cannot set
# where root lacks CAP_SYS_RESOURCE and the hard limit is lower ("error setting rlimits for
# ready process: operation not permitted"); with nofile given, nproc becomes the caller's hard
# limit, which podman (at 32768 itself) cannot set either. The limits podman runs with work.
nofile=$(awk '/^Max open files/ { print $5 }' "/proc/$PM_SVC/limits")
nproc=$(awk '/^Max processes/ { print $4 }' "/proc/$PM_SVC/limits")
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' \
	"$nofile" "$nofile" "$nproc" "$nproc" >>"$PM/containers.conf"

# busybox-static and the loop under its own name, imported as one image (no registry). The
# image's blob-info cache would go to /var/lib/containers/cache: /var/lib is read-only for the
# import, in a mount namespace of its own, and podman keeps that cache in memory.
root="$TMP/image"
mkdir -p "$root/bin" "$root/h" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for a in sh ls cat sleep true; do ln -sf busybox "$root/bin/$a"; done
cp "$HELPERS/getppid_loop" "$root/h/$LOOP"
tar -C "$root" -cf "$TMP/image.tar" .
if ! unshare -m sh -c "mount --bind /var/lib /var/lib && mount -o remount,bind,ro /var/lib &&
	env $PM_ENV podman $(echo $PM_FLAGS) import '$TMP/image.tar' '$IMAGE'" >"$PM/import.log" 2>&1; then
	not_ok "podman import of the test image"; tail -5 "$PM/import.log" | sed 's/^/#   /'; finish
fi
pm run -d --name "$before" --network none "$IMAGE" sleep 600 >"$PM/run.log" 2>&1 ||
	{ not_ok "podman run"; tail -5 "$PM/run.log" | sed 's/^/#   /'; finish; }
before_id=$(pm inspect -f '{{.Id}}' "$before")
before_pid=$(pm inspect -f '{{.State.Pid}}' "$before")
image_name=$(pm inspect -f '{{.ImageName}}' "$before")
echo "# podman $(pm version -f '{{.Client.Version}}'), image $image_name"

# The cgroup path: /libpod_parent/libpod-<id> with cgroupfs, in every hierarchy; scry's
# patterns (src/container/patterns.c) take "libpod-<64 hex>[.scope]" as Podman.
sed 's/^/# cgroup: /' "/proc/$before_pid/cgroup"
check "every cgroup of the container's process ends in libpod-<its id> (a Podman pattern of scry)" \
	[ "$(grep -c "/libpod-$before_id\(\.scope\)\{0,1\}\(/container\)\{0,1\}\$" "/proc/$before_pid/cgroup")" \
	-eq "$(wc -l <"/proc/$before_pid/cgroup")" ]

export CONTAINER_HOST="unix://$PM_SOCK"
start_scry "$TMP/out" "$TMP/err" -j -pc "proc.name=$LOOP or container.type=podman" ||
	{ not_ok "scry starts"; finish; }
# A loop in the container started before scry, and one in a container started after scry,
# from its very first instruction.
pm exec "$before" "/h/$LOOP" 20000 >/dev/null
pm run --name "$after" --network none "$IMAGE" "/h/$LOOP" 30000 >/dev/null
after_id=$(pm inspect -f '{{.Id}}' "$after")
sleep 0.3
stop_scry INT

py "
import json, collections
want = {'$before': ('$before_id', 20000), '$after': ('$after_id', 30000)}
ids = {cid: name for name, (cid, n) in want.items()}
seen = collections.Counter()
named = collections.Counter()
for line in open('$TMP/out'):
    e = json.loads(line)
    # every event of either container, from its first, carries its name and image
    for cid, name in ids.items():
        if e['container.id'] == cid[:12]:
            assert (e['container.name'], e.get('container.image')) == (name, '$image_name'), e
            named[name] += 1
    if e['proc.name'] != '$LOOP' or e['evt.type'] != 'getppid':
        continue
    seen[(e['container.name'], e['container.id'], e.get('container.image'), e['evt.dir'])] += 1
assert named['$after'] > 60000, named
for name, (cid, n) in want.items():
    for d in '<>':
        got = seen.pop((name, cid[:12], '$image_name', d), 0)
        assert got == n, (name, d, got, n)
assert not seen, ('events attributed elsewhere', seen)
print('ok')
" >"$TMP/res" 2>&1
check "getppid loops in two Podman containers: exactly 20000 and 30000 enters and exits each, by name and image ($image_name), none elsewhere; every event of both named" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
check "no warning about Podman while its service answers" [ "$(grep -c 'warning.*Podman' "$TMP/err")" -eq 0 ] ||
	grep warning "$TMP/err" | sed 's/^/#   /'

# lscontainers: the running one by name, image, type and process count; not the exited one.
"$SCRY" -c lscontainers -j >"$TMP/ls" 2>"$TMP/lserr"
py "
import json
l = {c['container.name']: c for c in json.load(open('$TMP/ls'))}
c = l['$before']
assert (c['container.full_id'], c['container.id'], c['container.image'], c['container.type'], c['procs']) == \
    ('$before_id', '$before_id'[:12], '$image_name', 'podman', 1), c
assert '$after' not in l, l
print('ok')
" >"$TMP/res" 2>&1
check "lscontainers lists the running Podman container with its name, image, type podman and 1 process" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
"$SCRY" -c lscontainers >"$TMP/lst" 2>/dev/null
check "lscontainers table has a row for it" \
	grep -q "^$(echo "$before_id" | cut -c1-12) *$before *$image_name *podman *1 " "$TMP/lst"

# Users who point DOCKER_HOST at Podman's Docker-compatible socket (no CONTAINER_HOST) get names.
env -u CONTAINER_HOST DOCKER_HOST="unix://$PM_SOCK" "$SCRY" -c lscontainers -j >"$TMP/ls2" 2>"$TMP/ls2err"
py "
import json
l = {c['container.id']: c for c in json.load(open('$TMP/ls2'))}
c = l['$before_id'[:12]]
assert (c['container.name'], c['container.image']) == ('$before', '$image_name'), c
print('ok')
" >"$TMP/res" 2>&1
checkall "DOCKER_HOST=Podman's socket, no CONTAINER_HOST: named, without a warning" \
	'grep -qx ok "$TMP/res" && ! grep -q warning "$TMP/ls2err"' ||
	{ sed 's/^/#   /' "$TMP/res" | tail -3; sed 's/^/#   /' "$TMP/ls2err"; }

# cgroup v1: the same attribution through the memory controller's hierarchy.
if [ -d /sys/fs/cgroup/memory/libpod_parent ]; then
	start_scry "$TMP/v1" "$TMP/v1err" --cgroup-v1 memory -j -pc "container.name=$before and evt.type=getppid" ||
		{ not_ok "scry starts with --cgroup-v1 memory"; finish; }
	pm exec "$before" "/h/$LOOP" 10000 >/dev/null
	sleep 0.3
	stop_scry INT
	check "--cgroup-v1 memory: exactly 20000 events of the loop in $before" \
		[ "$(grep -c "\"proc.name\":\"$LOOP\"" "$TMP/v1")" -eq 20000 ]
else
	skip 1 cgroup-v1-memory "no cgroup v1 memory hierarchy with podman's cgroups"
fi

# The service goes away (conmon keeps the container running): ids, one warning naming the socket.
kill "$PM_SVC"
wait "$PM_SVC"
PM_SVC=
short=$(echo "$before_id" | cut -c1-12)
start_scry "$TMP/nd" "$TMP/nderr" -j -pc "evt.type=getppid and proc.name=$LOOP" ||
	{ not_ok "scry starts"; finish; }
pm exec "$before" "/h/$LOOP" 1000 >/dev/null
sleep 0.3
stop_scry INT
check "without the service: the loop's 2000 events are attributed to container $short by id" \
	[ "$(grep -c "\"container.id\":\"$short\",\"container.name\":\"$short\"" "$TMP/nd")" -eq 2000 ]
check "without the service: exactly one warning saying why names are missing" \
	[ "$(grep -c "cannot ask Podman at $PM_SOCK .* (no daemon listens there): containers are shown by id" "$TMP/nderr")" -eq 1 ] ||
	sed 's/^/#   /' "$TMP/nderr"
finish
