#!/bin/sh
# Attribution to Kubernetes containers run by a real (private) containerd, laid out as the CRI
# plugin lays them out: cgroupfs path /kubepods/besteffort/pod<uid>/<64-hex id>, the CRI
# annotations in the bundle's config.json, a sandbox ("pause") container in the same pod.
# Checks names, pod, namespace and image from the annotations for containers started before
# and after scry, exact per-container counts, lscontainers and the cgroup v1 path.
#
# scry reads bundles only under /run/containerd (src/container/oci.c, oci_root is "/" and no
# option sets it), which belongs to the system's containerd. This containerd keeps its state
# under $TMP instead, and scry runs in a private mount namespace where that directory is
# bind-mounted on /run/containerd: nothing of the host's /run/containerd is touched.
. tests/lib/common.sh
plan 13

tag=$$
CD="$TMP/containerd"
NS="scry-test-$tag"			# our own containerd namespace
SOCK="$CD/containerd.sock"
STATE="$CD/state"
ROOTFS="$TMP/rootfs"
LOOP="loop-$tag"			# the getppid loop under a name no one else runs
CTRD_PID=
CG_CREATED=				# kubepods, kubepods/besteffort if this test made them
ctr_() { ctr --address "$SOCK" --namespace "$NS" "$@"; }
# stopped SIGNAL: stop_scry, checked: scry exits cleanly (a crash loses its output).
stopped() { stop_scry "$1"; check "scry exits cleanly on SIG$1 (status $rc)" [ "$rc" -eq 0 ]; }
hex64() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }

ctrd_cleanup() {
	if [ -n "$CTRD_PID" ] && kill -0 "$CTRD_PID" 2>/dev/null; then
		for id in $(ctr_ task ls -q 2>/dev/null); do ctr_ task rm -f "$id" >/dev/null 2>&1; done
		for id in $(ctr_ container ls -q 2>/dev/null); do ctr_ container rm "$id" >/dev/null 2>&1; done
		kill "$CTRD_PID" 2>/dev/null
		i=0
		while kill -0 "$CTRD_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		kill -KILL "$CTRD_PID" 2>/dev/null
	fi
	# Whatever outlived that: shims of this containerd (their command line names its socket),
	# then the processes left in this test's pod cgroup.
	for p in /proc/[0-9]*; do
		{ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$SOCK" && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	if [ -n "${POD:-}" ]; then
		cat /sys/fs/cgroup/*/"$POD"/*/cgroup.procs 2>/dev/null | sort -u | while read -r p; do
			kill -KILL "$p" 2>/dev/null
		done
		sleep 0.2
	fi
	grep " $TMP/" /proc/mounts | awk '{ print $2 }' | sort -r | while read -r m; do umount "$m"; done
	# cgroups: the containers' (runc removes them unless killed), the pod (its uid is ours), and
	# its parents if this test made them; rmdir leaves anything that is not empty.
	if [ -n "${POD:-}" ]; then
		for h in /sys/fs/cgroup/*/; do
			for c in "$h$POD"/*/; do [ -d "$c" ] && rmdir "$c" 2>/dev/null; done
			[ -d "$h$POD" ] && rmdir "$h$POD" 2>/dev/null
			for d in $CG_CREATED; do [ -d "$h$d" ] && rmdir "$h$d" 2>/dev/null; done
		done
	fi
}
EXTRA_CLEANUP=ctrd_cleanup

for b in containerd ctr containerd-shim-runc-v2 runc unshare; do
	command -v "$b" >/dev/null 2>&1 || skip_rest "$b" "$b is not installed: sh tools/install-deps.sh"
done

# --- a private containerd: own root, state, socket; no CRI plugin (we play the CRI) ----------
mkdir -p "$CD" "$TMP/fifo" "$TMP/runc"
cat >"$CD/config.toml" <<'EOF'
version = 2
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
	"io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
	"io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]
EOF
containerd --config "$CD/config.toml" --root "$CD/root" --state "$STATE" --address "$SOCK" \
	>"$CD/log" 2>&1 &
CTRD_PID=$!
i=0
until ctr --address "$SOCK" version >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$CTRD_PID" 2>/dev/null; then
		tail -3 "$CD/log" | sed 's/^/#   /'
		skip_rest containerd-start "containerd does not start here"
	fi
	sleep 0.1
done

# busybox-static and the helpers as the rootfs (no image, no registry, no snapshotter).
mkdir -p "$ROOTFS/bin" "$ROOTFS/h" "$ROOTFS/tmp"
cp /bin/busybox "$ROOTFS/bin/busybox"
for a in sh cat sleep true; do ln -sf busybox "$ROOTFS/bin/$a"; done
cp "$HELPERS"/* "$ROOTFS/h/"
cp "$HELPERS/getppid_loop" "$ROOTFS/h/$LOOP"

# What the kubelet and the CRI plugin make of a BestEffort pod with the cgroupfs driver.
uid=$(cat /proc/sys/kernel/random/uuid)
POD="kubepods/besteffort/pod$uid"
for d in kubepods/besteffort kubepods; do
	[ -d "/sys/fs/cgroup/memory/$d" ] || CG_CREATED="$CG_CREATED $d"
done
IMG=docker.io/library/busybox:1.36-scry
SB_ID=$(hex64) APP_ID=$(hex64) NEW_ID=$(hex64) PROBE_ID=$(hex64)
PODNAME=web-7d4b9c-x2x9q PODNS=shop
# kube ID KIND NAME [CTR-RUN-FLAGS...] -- COMMAND...: a container of the pod, KIND "sandbox" or
# "container", with the annotations that the CRI plugin writes.
kube() {
	id=$1 kind=$2 name=$3; shift 3
	a="--annotation io.kubernetes.cri.container-type=$kind --annotation io.kubernetes.cri.sandbox-id=$SB_ID"
	a="$a --annotation io.kubernetes.cri.sandbox-name=$PODNAME --annotation io.kubernetes.cri.sandbox-namespace=$PODNS"
	[ "$kind" = container ] && a="$a --annotation io.kubernetes.cri.container-name=$name \
		--annotation io.kubernetes.cri.image-name=$IMG"
	while [ "$1" != -- ]; do a="$a $1"; shift; done
	shift
	# shellcheck disable=SC2086
	ctr_ run --rootfs --runc-root "$TMP/runc" --fifo-dir "$TMP/fifo" --cgroup "/$POD/$id" $a \
		"$ROOTFS" "$id" "$@"
}

# A container that runs at all, in the cgroup asked for on every hierarchy (cgroup2 included:
# that is what scry attributes by).
if ! kube "$PROBE_ID" container probe --rm -- /bin/cat /proc/self/cgroup >"$TMP/probe" 2>"$TMP/probe.err"; then
	sed 's/^/#   /' "$TMP/probe.err" | tail -3
	skip_rest containerd-run "containerd cannot run a container here"
fi
checkall "runc puts the container in /$POD/<id> on cgroup2 and the v1 memory hierarchy" \
	'grep -qx "0::/$POD/$PROBE_ID" "$TMP/probe" && grep -qx "[0-9]*:memory:/$POD/$PROBE_ID" "$TMP/probe"' ||
	sed 's/^/#   /' "$TMP/probe"

# The pod's sandbox and an app container, started before scry.
kube "$SB_ID" sandbox "" -d -- /bin/sleep 600 >/dev/null
kube "$APP_ID" container app -d -- /bin/sh -c 'sleep 600 & exec sleep 600' >/dev/null
bundle="$STATE/io.containerd.runtime.v2.task/$NS/$APP_ID/config.json"
check "the bundle's config.json holds the CRI annotations" \
	grep -q '"io.kubernetes.cri.sandbox-namespace": *"'"$PODNS"'"' "$bundle"

# scry sees this containerd's state at the default /run/containerd, in its own mount namespace.
REAL_SCRY=$SCRY
SCRY="$TMP/scry-ns"
cat >"$SCRY" <<EOF
#!/bin/sh
exec unshare --mount --propagation private sh -c \
	'mkdir -p /run/containerd && mount --bind "\$1" /run/containerd && shift && exec "\$@"' \
	scry-ns "$STATE" "$REAL_SCRY" "\$@"
EOF
chmod +x "$SCRY"

app=$(echo "$APP_ID" | cut -c1-12) new=$(echo "$NEW_ID" | cut -c1-12)
start_scry "$TMP/out" "$TMP/err" -j -pc "proc.name=$LOOP or container.id=$new or container.id=$app" ||
	{ not_ok "scry starts"; finish; }
# The container started before scry runs a known number of getppid calls (an exec, as
# kubectl exec does), and so does one created after scry, from its very first instruction.
ctr_ task exec --fifo-dir "$TMP/fifo" --exec-id "loop-$tag" "$APP_ID" "/h/$LOOP" 30000 >"$TMP/l1" 2>&1
# It lives a second before its loop, as a real workload does: ctr deletes the bundle (and with
# it the config.json that names the container) the moment the task exits.
kube "$NEW_ID" container loop --rm -- /bin/sh -c "/bin/sleep 1; exec /h/$LOOP 20000" >"$TMP/l2" 2>&1
sleep 0.3
stopped INT
checkall "the loops ran: ctr task exec into the app container, ctr run of a new one" \
	'grep -qx "[0-9]* [0-9]*" "$TMP/l1" && grep -qx "1 1" "$TMP/l2"' || cat "$TMP/l1" "$TMP/l2" | sed 's/^/#   /'

py "
import json, collections
pod = ('$PODNAME', '$PODNS')
want = {'$app': ('app', 30000), '$new': ('loop', 20000)}
seen = collections.Counter()
other = collections.Counter()
for line in open('$TMP/out'):
    e = json.loads(line)
    key = (e['container.id'], e['container.name'], e.get('container.image'), e.get('k8s.pod.name'),
           e.get('k8s.ns.name'))
    if e['proc.name'] == '$LOOP' and e['evt.type'] == 'getppid':
        seen[key + (e['evt.dir'],)] += 1
    # every event of the new container, from its first (runc init), carries the annotations
    elif e['container.id'] == '$new':
        other[key] += 1
for cid, (name, n) in want.items():
    for d in '<>':
        got = seen.pop((cid, name, '$IMG') + pod + (d,), 0)
        assert got == n, (cid, name, d, got, n, seen)
assert not seen, ('events attributed elsewhere', seen)
assert list(other) == [('$new', 'loop', '$IMG') + pod] and sum(other.values()) > 100, other
print('ok')
" >"$TMP/res" 2>&1
check "getppid loops in two pod containers: exactly 30000 and 20000 enters and exits, by name, image, pod and namespace, none elsewhere; every event of the new container named" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
check "no warning about the OCI runtime state" [ "$(grep -c 'OCI runtime state' "$TMP/err")" -eq 0 ] ||
	sed 's/^/#   /' "$TMP/err"

# Fields that -j leaves out: container.type, container.full_id, k8s.container.name.
start_scry "$TMP/p" "$TMP/perr" -p '%container.type %container.full_id %k8s.container.name %k8s.pod.name %k8s.ns.name' \
	"evt.type=getppid and proc.name=$LOOP" || { not_ok "scry starts"; finish; }
ctr_ task exec --fifo-dir "$TMP/fifo" --exec-id "loop2-$tag" "$APP_ID" "/h/$LOOP" 10000 >/dev/null
sleep 0.3
stopped INT
check "-p: exactly 20000 events as 'containerd <full id> app $PODNAME $PODNS'" \
	[ "$(grep -cx "containerd $APP_ID app $PODNAME $PODNS" "$TMP/p")" -eq 20000 ] ||
	{ sort "$TMP/p" | uniq -c | head -3 | sed 's/^/#   /'; }
check "-p: 20000 lines (got $(wc -l <"$TMP/p"))" [ "$(wc -l <"$TMP/p")" -eq 20000 ]

# lscontainers: the running ones, the sandbox as POD, with their process counts.
"$SCRY" -c lscontainers -j >"$TMP/ls" 2>"$TMP/lserr"
py "
import json
l = {c['container.full_id']: c for c in json.load(open('$TMP/ls'))}
a, s = l['$APP_ID'], l['$SB_ID']
assert (a['container.id'], a['container.name'], a['container.image'], a['container.type'], a['procs']) == \
    ('$app', 'app', '$IMG', 'containerd', 2), a
assert (s['container.name'], s['container.type'], s['procs']) == ('POD', 'containerd', 1), s
assert '$NEW_ID' not in l and '$PROBE_ID' not in l, l
print('ok')
" >"$TMP/res" 2>&1
check "lscontainers lists the app container (name, image, 2 processes) and the sandbox as POD" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
"$SCRY" -c lscontainers >"$TMP/lst" 2>/dev/null
check "lscontainers table has a row for the app container" grep -q "^$app app  *$IMG  *containerd  *2 " "$TMP/lst" ||
	sed 's/^/#   /' "$TMP/lst"

# cgroup v1: the same attribution through the memory controller's hierarchy.
start_scry "$TMP/v1" "$TMP/v1err" --cgroup-v1 memory -j -pc "container.name=app and evt.type=getppid" ||
	{ not_ok "scry starts with --cgroup-v1 memory"; finish; }
ctr_ task exec --fifo-dir "$TMP/fifo" --exec-id "loop3-$tag" "$APP_ID" "/h/$LOOP" 20000 >/dev/null
sleep 0.3
stopped INT
check "--cgroup-v1 memory: exactly 40000 events of the loop in app, with its pod" \
	[ "$(grep -c "\"proc.name\":\"$LOOP\".*\"k8s.pod.name\":\"$PODNAME\"" "$TMP/v1")" -eq 40000 ]
finish
