#!/bin/sh
# A container that lives a few milliseconds: its cgroup is made, used and removed while scry has
# not yet read a single event of it (scry is stopped meanwhile, as a busy consumer would lag).
# Its id can no longer be resolved to a path, so only the cgroup_mkdir record scry took when the
# cgroup was made can say whose events these are: every one must go to that container, by id,
# none to the host. The cgroup is a Docker-style one (docker-<id>.scope) that the test makes
# itself on the cgroup2 hierarchy; no engine is involved (names stay ids, with one warning).
. tests/lib/common.sh
plan 4

CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$CG2" ] || skip_rest cgroup2 "no cgroup2 hierarchy"
id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
short=$(echo "$id" | cut -c1-12)
parent="$CG2/scry-test-$$.slice"
dir="$parent/docker-$id.scope"
EXTRA_CLEANUP="rmdir '$dir' '$parent' 2>/dev/null; $EXTRA_CLEANUP"

start_scry "$TMP/out" "$TMP/err" -j -pc "proc.name=getppid_loop" || { not_ok "scry starts"; finish; }
kill -STOP "$SCRY_PID"
mkdir -p "$dir"
sh -c "echo \$\$ >'$dir/cgroup.procs' && exec '$HELPERS/getppid_loop' 5000" >"$TMP/loop"
rmdir "$dir" "$parent"
gone=0
[ -d "$dir" ] || gone=1
kill -CONT "$SCRY_PID"
sleep 1.5
stop_scry INT
check "scry exits 0" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/err" | tail -3
check "the container's cgroup was gone before scry read its events" [ $gone -eq 1 ]
py "
import json, collections
c = collections.Counter()
for line in open('$TMP/out'):
    e = json.loads(line)
    if e['evt.type'] == 'getppid':
        c[(e['container.id'], e['container.type'] if 'container.type' in e else '', e['evt.dir'])] += 1
want = {('$short', '', '>'): 5000, ('$short', '', '<'): 5000}
assert dict(c) == want, dict(c)
print('ok')
" >"$TMP/res" 2>&1
check "all 10000 getppid events of the short-lived container are its own (id $short), none the host's" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
check "0 events dropped (got $(dropped "$TMP/err"))" [ "$(dropped "$TMP/err")" = 0 ]
finish
