#!/bin/sh
# Attribution to containers with a real (private) Docker engine: names and images from the
# Engine API for containers started before and after scry, exact per-container counts, listing,
# a stopped daemon, and the cgroup v1 path.
. tests/lib/common.sh
plan 10
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
tag=$$
before=scrytest-before-$tag after=scrytest-after-$tag
"$DOCKER" run -d --name "$before" --network none "$IMAGE" sleep 600 >/dev/null
before_id=$("$DOCKER" inspect -f '{{.Id}}' "$before" | cut -c1-12)

start_scry "$TMP/out" "$TMP/err" -j -pc "container.type=docker" || { not_ok "scry starts"; finish; }
# The container started before scry runs a known number of getppid calls, and so does one
# started after scry, from its very first instruction.
"$DOCKER" exec "$before" /h/getppid_loop 30000 >/dev/null
"$DOCKER" run --name "$after" --network none "$IMAGE" /h/getppid_loop 50000 >/dev/null
after_id=$("$DOCKER" inspect -f '{{.Id}}' "$after" | cut -c1-12)
sleep 0.3
stop_scry INT

py "
import json, collections
want = {'$before': ('$before_id', 30000), '$after': ('$after_id', 50000)}
seen = collections.Counter()
named = 0
for line in open('$TMP/out'):
    e = json.loads(line)
    # every event of the new container, from its first, carries its name and image
    if e['container.id'] == '$after_id':
        assert e['container.name'] == '$after' and e['container.image'] == '$IMAGE', e
        named += 1
    if e['proc.name'] != 'getppid_loop' or e['evt.type'] != 'getppid':
        continue
    seen[(e['container.name'], e['container.id'], e['container.image'], e['evt.dir'])] += 1
assert named > 100000, named
for name, (cid, n) in want.items():
    for d in '<>':
        got = seen.pop((name, cid, '$IMAGE', d), 0)
        assert got == n, (name, d, got, n)
assert not seen, ('events attributed elsewhere', seen)
print('ok')
" >"$TMP/res" 2>&1
check "getppid loops in two containers: exactly 30000 and 50000 enters and exits each, by name and image, none elsewhere; every event of the new container named" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
check "no warning while the engine answers" [ "$(grep -c warning "$TMP/err")" -eq 0 ] || grep warning "$TMP/err" | sed "s/^/#   /"

# proc.vpid / thread.vtid: ids inside the container's pid namespace, as docker top shows them.
# Started and tracing before the exec (a loaded machine takes more than a second to attach),
# and never waited on without a bound.
start_scry "$TMP/v" "$TMP/v.err" -n 2 -j -pc "container.name=$before and evt.type=getppid" ||
	{ not_ok "scry starts"; finish; }
"$DOCKER" exec "$before" /h/getppid_loop 10 >"$TMP/inner"
wait_pid "$SCRY_PID" 60
SCRY_PID=
py "
import json
e = json.loads(open('$TMP/v').readline())
host_pid = int(open('$TMP/inner').read().split()[0])
assert e['proc.vpid'] != e['proc.pid'] and e['proc.vpid'] == host_pid, (e, host_pid)
assert e['thread.vtid'] == e['proc.vpid'], e
print('ok')
" >"$TMP/res" 2>&1
check "proc.vpid is the pid inside the container (what the process itself sees)" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -3

# lscontainers: the running ones, by name and image, with their process count.
"$DOCKER" run -d --name "$after-2" --network none "$IMAGE" sh -c 'sleep 600 & sleep 600' >/dev/null
n2=$("$DOCKER" top "$after-2" -o pid | tail -n +2 | wc -l)
"$SCRY" -c lscontainers -j >"$TMP/ls" 2>"$TMP/lserr"
py "
import json
l = {c['container.name']: c for c in json.load(open('$TMP/ls'))}
assert l['$before']['container.image'] == '$IMAGE' and l['$before']['procs'] == 1, l
assert l['$after-2']['procs'] == $n2 and l['$after-2']['container.type'] == 'docker', (l, $n2)
assert '$after' not in l, l
print('ok')
" >"$TMP/res" 2>&1
check "lscontainers lists running containers with image and process count (as docker top)" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -3
"$SCRY" -c lscontainers >"$TMP/lst" 2>/dev/null
check "lscontainers table has a header and a row per container" \
	sh -c "head -1 '$TMP/lst' | grep -q '^CONTAINER.ID *NAME *IMAGE' && grep -q ' $before ' '$TMP/lst'"

# An image author's labels reach the output escaped: no screen clearing, no forged line.
start_scry "$TMP/lab" "$TMP/laberr" -p '%container.name %container.labels' \
	"container.name=$after-4 and evt.type=getppid and evt.dir=>" || { not_ok "scry starts"; finish; }
LAB_PID=$SCRY_PID
start_scry "$TMP/labj" "$TMP/labjerr" -j -pc "container.name=$after-4 and evt.type=getppid and evt.dir=>" ||
	{ not_ok "scry starts"; finish; }
"$DOCKER" run --name "$after-4" --label "evil=$(printf '\033[2J\033[31mRED\nFORGED')" \
	--network none "$IMAGE" /h/getppid_loop 1 >/dev/null
sleep 0.3
stop_scry INT
SCRY_PID=$LAB_PID stop_scry INT
check "labels are shown escaped: a line per event, no raw escape" \
	sh -c "[ -s '$TMP/lab' ] && ! grep -qvF -e '$after-4 evil:\\x1b[2J\\x1b[31mRED\\x0aFORGED' '$TMP/lab' && ! grep -q \"\$(printf '\033')\" '$TMP/lab'" ||
	sed 's/^/#   /' "$TMP/lab"
py "
import json
n = 0
for raw in open('$TMP/labj', 'rb'):
    e = json.loads(raw.decode('utf-8', 'strict'))
    assert r'evil:\x1b[2J\x1b[31mRED\x0aFORGED' in e['container.labels'], e
    n += 1
assert n > 0
print('ok')
" >"$TMP/res" 2>&1
check "labels in -j: strict UTF-8 and JSON, the escaped text" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -3

# cgroup v1: the same attribution through the memory controller's hierarchy.
start_scry "$TMP/v1" "$TMP/v1err" --cgroup-v1 memory -j -pc "container.name=$before and evt.type=getppid" ||
	{ not_ok "scry starts with --cgroup-v1 memory"; finish; }
"$DOCKER" exec "$before" /h/getppid_loop 20000 >/dev/null
sleep 0.3
stop_scry INT
check "--cgroup-v1 memory: exactly 40000 events of the loop in $before" [ "$(grep -c '"proc.name":"getppid_loop"' "$TMP/v1")" -eq 40000 ]

# The engine goes away (live-restore keeps the containers running): ids, one warning.
# The loop waits for the tracer (a file the test makes once it traces), not for a fixed time: a
# sanitizer build takes longer than two seconds to attach.
mkdir -p "$TMP/go"
"$DOCKER" run -d --name "$after-3" --network none -v "$TMP/go:/go" "$IMAGE" \
	sh -c 'i=0; while [ ! -e /go/now ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	       /h/getppid_loop 1000; sleep 600' >/dev/null
id3=$("$DOCKER" inspect -f '{{.Id}}' "$after-3" | cut -c1-12)
dockerd_stop
start_scry "$TMP/nd" "$TMP/nderr" -j -pc "evt.type=getppid and proc.name=getppid_loop" ||
	{ not_ok "scry starts"; finish; }
touch "$TMP/go/now"
sleep 3
stop_scry INT
check "without the engine: the loop's 2000 events are attributed to container $id3 by id" \
	[ "$(grep -c "\"container.id\":\"$id3\",\"container.name\":\"$id3\"" "$TMP/nd")" -eq 2000 ]
check "without the engine: exactly one warning saying why names are missing" \
	[ "$(grep -c 'cannot ask Docker at .* (no daemon listens there): containers are shown by id' "$TMP/nderr")" -eq 1 ]
finish
