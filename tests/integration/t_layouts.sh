#!/bin/sh
# The cgroup layouts of users' machines, made here in private mount namespaces: pure cgroup v2
# (cgroup2 at /sys/fs/cgroup, as on most hosts today) and v1 only (no cgroup2 mounted: scry
# must pick a v1 hierarchy by itself). In each, a Docker-style container cgroup the test makes
# runs a getppid loop: all its events go to that container by id, none to the host, and scry
# says which hierarchy it attributes by.
. tests/lib/common.sh
plan 6

CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
V1MEM=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
# The namespaces share the hierarchies with the host: what a failed run leaves is removed here.
EXTRA_CLEANUP="for d in '$CG2' '$V1MEM'; do [ -n \"\$d\" ] && rmdir \"\$d\"/scry-test-$$.slice/docker-*.scope \"\$d\"/scry-test-$$.slice 2>/dev/null; done; $EXTRA_CLEANUP"

# run_layout NAME SETUP HIERARCHY: in a mount namespace, SETUP mounts the layout under
# /sys/fs/cgroup, then a loop runs in HIERARCHY/scry-test-$$.slice/docker-<id>.scope. scry's exit
# status goes to $TMP/NAME.rc (124: still running 60 s after its SIGINT, then killed).
run_layout() {
	name=$1 setup=$2 hier=$3
	id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	echo "$id" >"$TMP/$name.id"
	unshare -m --propagation private sh -c "
		set -e
		umount -R /sys/fs/cgroup
		$setup
		'$SCRY' -v -j -pc proc.name=getppid_loop >'$TMP/$name.out' 2>'$TMP/$name.err' &
		sp=\$!
		i=0; until grep -q '^scry: tracing' '$TMP/$name.err'; do i=\$((i + 1)); [ \$i -lt 300 ] || exit 1; sleep 0.1; done
		d='$hier/scry-test-$$.slice/docker-$id.scope'
		mkdir -p \"\$d\"
		sh -c \"echo \\\$\\\$ >'\$d/cgroup.procs' && exec '$HELPERS/getppid_loop' 5000\" >/dev/null
		sleep 0.3
		kill -INT \$sp
		i=0; while kill -0 \$sp 2>/dev/null && [ \$(sed 's/.*) //; s/ .*//' /proc/\$sp/stat) != Z ]; do
			i=\$((i + 1)); [ \$i -lt 600 ] || { kill -KILL \$sp; break; }; sleep 0.1
		done
		rc=0; wait \$sp || rc=\$?; [ \$i -lt 600 ] || rc=124
		echo \$rc >'$TMP/$name.rc'
		rmdir \"\$d\" '$hier/scry-test-$$.slice'
	" >"$TMP/$name.log" 2>&1
}

# count NAME: the loop's getppid events by (container.id, evt.dir)
count() {
	py "
import json, collections
c = collections.Counter()
for line in open('$TMP/$1.out'):
    e = json.loads(line)
    if e['evt.type'] == 'getppid':
        c[(e['container.id'], e['evt.dir'])] += 1
short = open('$TMP/$1.id').read().strip()[:12]
assert dict(c) == {(short, '>'): 5000, (short, '<'): 5000}, dict(c)
print('ok')
"
}

# exited NAME: scry ended with status 0 in that layout (after its SIGINT)
exited() { [ "$(cat "$TMP/$1.rc" 2>/dev/null)" = 0 ]; }

if [ -n "$CG2" ]; then
	run_layout v2 "mount -t cgroup2 none /sys/fs/cgroup" /sys/fs/cgroup
	check "pure cgroup v2: scry exits 0 (got $(cat "$TMP/v2.rc" 2>/dev/null || echo none))" exited v2 ||
		{ sed 's/^/#   /' "$TMP/v2.log" "$TMP/v2.err" | tail -5; }
	check "pure cgroup v2: scry attributes by cgroup2 at /sys/fs/cgroup" \
		grep -q '^scry: cgroups: cgroup2 at /sys/fs/cgroup$' "$TMP/v2.err" ||
		{ sed 's/^/#   /' "$TMP/v2.log" "$TMP/v2.err" | tail -5; }
	count v2 >"$TMP/res" 2>&1
	check "pure cgroup v2: the container's 10000 getppid events by its id, none the host's" \
		grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
else
	skip 3 cgroup2 "no cgroup2 on this kernel"
fi

if [ -n "$V1MEM" ]; then
	run_layout v1 "mount -t tmpfs none /sys/fs/cgroup && mkdir /sys/fs/cgroup/memory &&
		mount -t cgroup -o memory none /sys/fs/cgroup/memory" /sys/fs/cgroup/memory
	check "v1 only: scry exits 0 (got $(cat "$TMP/v1.rc" 2>/dev/null || echo none))" exited v1 ||
		{ sed 's/^/#   /' "$TMP/v1.log" "$TMP/v1.err" | tail -5; }
	check "v1 only: scry picks a v1 hierarchy by itself (memory)" \
		grep -q "^scry: cgroups: the v1 hierarchy of 'memory' at /sys/fs/cgroup/memory$" "$TMP/v1.err" ||
		{ sed 's/^/#   /' "$TMP/v1.log" "$TMP/v1.err" | tail -5; }
	count v1 >"$TMP/res" 2>&1
	check "v1 only: the container's 10000 getppid events by its id, none the host's" \
		grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
else
	skip 3 cgroup-v1-memory "no cgroup v1 memory hierarchy on this kernel"
fi
finish
