#!/bin/sh
# issue 18: container lifecycle events with a real (private) Docker engine, compared with the
# engine's own answers (docker inspect's State, docker events, docker ps -a): a container that
# lives about 100 ms and exits 3, one killed by a signal, one the OOM killer kills; live, from a
# capture, and in lscontainers.
. tests/lib/common.sh
plan 11
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
tag=$$
short=ctrlife-short-$tag killed=ctrlife-killed-$tag oom=ctrlife-oom-$tag pre=predate-$tag
# one that runs before scry starts: its stop must be seen all the same
"$DOCKER" run -d --name "$pre" --network none "$IMAGE" sleep 600 >/dev/null
pre_pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$pre")

FMT='%evt.num %evt.rawtime %evt.type %container.id %container.name %container.image %evt.arg.action %evt.arg.exit_code %evt.arg.status %evt.arg.sig %evt.arg.lifetime %evt.arg.runtime_action %evt.arg.pid %evt.arg.procs'
start_scry "$TMP/live" "$TMP/live.err" --ctr-procs -j -p "$FMT" "evt.type=container" ||
	{ not_ok "scry starts"; finish; }
LIVE_PID=$SCRY_PID SCRY_PID=
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$TMP/cap.scry" "container.type=docker" ||
	{ kill -KILL "$LIVE_PID"; not_ok "scry starts"; finish; }
REC_PID=$SCRY_PID SCRY_PID=
view ls -c lscontainers -j -M 600 || { kill -KILL "$LIVE_PID" "$REC_PID"; not_ok "scry starts"; finish; }
EXTRA_CLEANUP="kill -KILL $LIVE_PID $REC_PID $VIEWS 2>/dev/null; docker_cleanup"
since=$(date +%s.%N)

"$DOCKER" kill -s KILL "$pre" >/dev/null
# ~100 ms, exit status 3
"$DOCKER" run --name "$short" --network none "$IMAGE" sh -c 'sleep 0.1; exit 3' >/dev/null
# PID 1 killed by SIGKILL from outside: 128 + 9
"$DOCKER" run -d --name "$killed" --network none "$IMAGE" sleep 600 >/dev/null
sleep 0.5
"$DOCKER" kill -s KILL "$killed" >/dev/null
# PID 1 allocates (dd's buffer) past the memory limit: the OOM killer, then 137
"$DOCKER" run --name "$oom" --network none --memory 16m --memory-swap 16m "$IMAGE" \
	dd if=/dev/zero of=/dev/null bs=64M count=1 >/dev/null 2>&1
# The engine removes a stopped container's cgroup at once; give the events time to arrive.
i=0
while [ "$(grep -c '"removed"' "$TMP/live")" -lt 3 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
until=$(date +%s.%N)
kill -INT "$LIVE_PID" "$REC_PID"
wait_pid "$LIVE_PID" 60
wait_pid "$REC_PID" 60
stop_view ls

for c in "$short" "$killed" "$oom" "$pre"; do
	"$DOCKER" inspect -f "$c {{.Id}} {{.State.ExitCode}} {{.State.OOMKilled}} {{.State.StartedAt}} {{.State.FinishedAt}}" "$c"
done >"$TMP/inspect"
"$DOCKER" events --since "$since" --until "$until" --filter type=container \
	--format '{{.Actor.Attributes.name}} {{.Action}} {{.Actor.Attributes.exitCode}}' >"$TMP/dev"
"$DOCKER" ps -a --filter "name=ctrlife-" --format '{{.Names}} {{.Image}}' >"$TMP/ps"
"$SCRY" -r "$TMP/cap.scry" -j -p "$FMT" "evt.type=container" >"$TMP/replay" 2>"$TMP/replay.err"
"$SCRY" -r "$TMP/cap.scry" -c lscontainers -j >"$TMP/lsr" 2>"$TMP/lsr.err"

# The checks, in Python: the events of each container in order, with Docker's figures.
cat >"$TMP/chk.py" <<EOF
import json, sys, datetime
IMAGE = '$IMAGE'
names = ['$short', '$killed', '$oom']
pre = '$pre' 
insp = {}
for l in open('$TMP/inspect'):
    n, cid, code, oomk, st, fin = l.split()
    insp[n] = dict(id=cid, code=int(code), oom=oomk == 'true', start=st, fin=fin)

def ts(s):
    # RFC 3339 with nanoseconds: keep microseconds for datetime
    d, frac = s.rstrip('Z').split('.')
    return datetime.datetime.fromisoformat(d + '.' + frac[:6]).timestamp()

def docker_life(n):
    return ts(insp[n]['fin']) - ts(insp[n]['start'])

def events(path):
    per = {n: [] for n in names + [pre]}
    for l in open(path):
        e = json.loads(l)
        if e['evt.type'] != 'container':
            continue
        n = e['container.name']
        if n in per:
            per[n].append(e)
    return per

def arg(e, k):
    return e.get('evt.arg.' + k)

def actions(per, n):
    return [arg(e, 'action') for e in per[n] if arg(e, 'action') != 'procs']

def check(per, what):
    out = []
    # the short one: created, started, stopped (its exit status), removed; named all along
    a = actions(per, '$short')
    assert a == ['created', 'started', 'stopped', 'removed'], ('$short', a)
    st = [e for e in per['$short'] if arg(e, 'action') == 'stopped'][0]
    assert int(arg(st, 'exit_code')) == insp['$short']['code'] == 3, (st, insp['$short'])
    assert int(arg(st, 'status')) == 3 and arg(st, 'sig') is None, st
    out.append('short')
    a = actions(per, '$killed')
    assert a == ['created', 'started', 'stopped', 'removed'], ('$killed', a)
    st = [e for e in per['$killed'] if arg(e, 'action') == 'stopped'][0]
    assert arg(st, 'sig') == 'SIGKILL' and arg(st, 'status') is None, st
    assert int(arg(st, 'exit_code')) == insp['$killed']['code'] == 137, (st, insp['$killed'])
    out.append('killed')
    a = actions(per, '$oom')
    assert a == ['created', 'started', 'oom', 'stopped', 'removed'], ('$oom', a)
    st = [e for e in per['$oom'] if arg(e, 'action') == 'stopped'][0]
    assert insp['$oom']['oom'], insp['$oom']
    assert int(arg(st, 'exit_code')) == insp['$oom']['code'] == 137, (st, insp['$oom'])
    out.append('oom')
    for n in names:
        for e in per[n]:
            assert e['container.id'] == insp[n]['id'][:12], (e, insp[n])
            assert e['container.image'] == IMAGE, e
    return out

def docker_events():
    d = {}
    for l in open('$TMP/dev'):
        f = l.split()
        d.setdefault(f[0], []).append(f[1:])
    return d

mode = sys.argv[1]
if mode == 'live':
    print(' '.join(check(events('$TMP/live'), 'live')))
elif mode == 'pre':
    per = events('$TMP/live')
    a = actions(per, pre)
    assert a == ['stopped', 'removed'], a
    st = per[pre][0]
    assert arg(st, 'sig') == 'SIGKILL' and int(arg(st, 'exit_code')) == insp[pre]['code'] == 137, (st, insp[pre])
    assert int(arg(st, 'pid')) == $pre_pid, (st, $pre_pid)
    print('ok')
elif mode == 'procs':
    # sh -c 'sleep 0.1; exit 3' forks one child after its start: 2 processes, then 1
    per = events('$TMP/live')
    got = [int(arg(e, 'procs')) for e in per['$short'] if arg(e, 'action') == 'procs']
    assert got == [2, 1], got
    print('ok')
elif mode == 'names':
    # Docker's own events name the same moments: start, oom, die with the same exit code
    dev = docker_events()
    per = events('$TMP/live')
    for n in names:
        ours = [(arg(e, 'runtime_action'), arg(e, 'exit_code')) for e in per[n]
                if arg(e, 'runtime_action')]
        theirs = [(f[0], f[1] if len(f) > 1 and not f[1].startswith('<') else None)
                  for f in dev.get(n, [])
                  if f[0] in ('start', 'oom', 'die')]
        assert ours == theirs, (n, ours, theirs)
    print('ok')
elif mode == 'replay':
    live, rep = events('$TMP/live'), events('$TMP/replay')
    # the recorder ran without --ctr-procs
    live = {n: [e for e in live[n] if arg(e, 'action') != 'procs'] for n in names}
    check(rep, 'replay')
    # Two tracers (the stream and the recorder) time the same kernel moments microseconds
    # apart: the same events, the same figures, times and lifetimes within 1 ms.
    key = lambda e: (arg(e, 'action'), arg(e, 'exit_code'), arg(e, 'status'), arg(e, 'sig'),
                     arg(e, 'runtime_action'), e['container.id'])
    for n in names:
        assert [key(e) for e in live[n]] == [key(e) for e in rep[n]], (n, live[n], rep[n])
        for a, b in zip(live[n], rep[n]):
            assert abs(a['evt.rawtime'] - b['evt.rawtime']) < 1000000, (a, b)
            if arg(a, 'lifetime'):
                assert abs(int(arg(a, 'lifetime')) - int(arg(b, 'lifetime'))) < 1000000, (a, b)
    print('ok')
elif mode.startswith('ls'):
    rows = {r['container.name']: r for r in json.load(open(sys.argv[2]))}
    ps = dict(l.split() for l in open('$TMP/ps'))
    assert set(ps) == set(names), ps
    for n in names:
        r = rows[n]
        assert r['container.image'] == ps[n] == IMAGE, (r, ps[n])
        assert r['state'] == 'exited' and r['procs'] == 0, r
        assert r['exit_code'] == insp[n]['code'], (r, insp[n])
        # lifetimes: first exec to last exit here, StartedAt to FinishedAt there
        assert abs(r['lifetime'] - docker_life(n)) < 0.5, (r, docker_life(n))
    assert rows['$short']['lifetime'] >= 0.1, rows['$short']
    print('ok')
EOF

python3 "$TMP/chk.py" live >"$TMP/res" 2>&1
check "live: a ~100 ms container shows created, started, stopped (exit 3, as docker inspect), removed" \
	grep -q short "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
check "live: a container whose PID 1 is SIGKILLed stops with sig=SIGKILL, exit code 137 (as docker inspect)" \
	grep -q killed "$TMP/res"
check "live: an OOM-killed container shows oom then stopped with 137; docker inspect says OOMKilled" \
	grep -q oom "$TMP/res"
python3 "$TMP/chk.py" pre >"$TMP/res" 2>&1
check "live: a container started before scry stops with its init's pid (docker inspect's State.Pid), SIGKILL, 137" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
python3 "$TMP/chk.py" procs >"$TMP/res" 2>&1
check "live, --ctr-procs: the short container's shell forks its sleep: 2 processes, then 1" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
python3 "$TMP/chk.py" names >"$TMP/res" 2>&1
check "live: Docker's own events (start, oom, die and its exitCode) match ours, with the runtime's names" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
python3 "$TMP/chk.py" replay >"$TMP/res" 2>&1
check "replay of the capture: the same container events, times and exit codes as live" \
	grep -qx ok "$TMP/res" || { sed 's/^/#   /' "$TMP/res" | tail -3; sed 's/^/#   /' "$TMP/replay.err" | tail -3; }
python3 "$TMP/chk.py" ls "$TMP/ls.out" >"$TMP/res" 2>&1
check "lscontainers live: the exited containers of docker ps -a, exit codes as inspect, lifetimes within 0.5 s" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
python3 "$TMP/chk.py" lsr "$TMP/lsr" >"$TMP/res" 2>&1
check "lscontainers from the capture: the same" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
check "the live runs stopped cleanly ($vrc)" [ "$vrc" = " ls=0" ]
check "no events dropped by the stream or the recorder" \
	[ "$(dropped "$TMP/live.err")" = 0 ] && [ "$(dropped "$TMP/rec.err")" = 0 ]
finish
