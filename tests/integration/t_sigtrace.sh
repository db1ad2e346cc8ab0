#!/bin/sh
# Signals between real containers (issue 18): signalgenerate and signaldeliver with their sender
# and target, live and from a capture, against what the test itself sent and what Docker says
# (docker inspect's pids and exit codes).
#   - a PID 1 without a SIGTERM handler stopped with docker stop -t 2: the SIGTERM the kernel
#     drops (the trap, named), then the SIGKILL, both from the runtime on the host to PID 1;
#   - the same with --init: tini takes the SIGTERM (it blocks signals and waits for them) and
#     forwards it to its child, which dies of it: no SIGKILL;
#   - kill -USR1 into a container's PID 1 (a shell with a trap) from a container sharing its pid
#     namespace and from the host (this shell): exact counts, both sides named.
. tests/lib/common.sh
plan 12
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
tag=$$
noterm=scrysig-noterm-$tag init=scrysig-init-$tag tgt=scrysig-tgt-$tag src=scrysig-src-$tag
NC=5 NH=3
FIELDS='%evt.type %evt.rawtime %sig.name %sig.num %sig.result %sig.code %sig.sender.kind
%sig.sender.pid %sig.sender.name %sig.sender.container.name %proc.pid %thread.tid %proc.name
%sig.target.vpid %sig.target.is_init %container.name %sig.init_ignored %sig.trap %evt.arg.sig
%evt.rawarg.sig'
FIELDS=$(echo $FIELDS)

start_scry "$TMP/live" "$TMP/live.err" -j -pc -p "$FIELDS" evt.category=signal ||
	{ not_ok "scry starts"; finish; }
LIVE_PID=$SCRY_PID
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$TMP/cap" || { not_ok "recorder starts"; finish; }
REC_PID=$SCRY_PID
EXTRA_CLEANUP="kill -KILL $LIVE_PID $REC_PID 2>/dev/null; $EXTRA_CLEANUP"

# 1. docker stop of a PID 1 that has no SIGTERM handler (busybox sleep)
"$DOCKER" run -d --name "$noterm" --network none "$IMAGE" sleep 600 >/dev/null
noterm_pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$noterm")
"$DOCKER" stop -t 2 "$noterm" >/dev/null
noterm_exit=$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$noterm")

# 2. the same with --init (tini as PID 1, sleep its child)
"$DOCKER" run -d --init --name "$init" --network none "$IMAGE" sleep 600 >/dev/null
init_pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$init")
i=0
until child=$(ps -o pid= --ppid "$init_pid" 2>/dev/null) && [ -n "$child" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
done
child=$(echo $child)
"$DOCKER" stop -t 20 "$init" >/dev/null
init_exit=$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$init")

# 3. SIGUSR1 into a shell that traps it: from a container in its pid namespace, then the host
"$DOCKER" run -d --name "$tgt" --network none "$IMAGE" \
	sh -c 'trap "echo usr1" USR1; : >/tmp/ready; while :; do sleep 0.05; done' >/dev/null
tgt_pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$tgt")
i=0
until "$DOCKER" exec "$tgt" sh -c 'test -e /tmp/ready' 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
done
"$DOCKER" run --name "$src" --network none --pid "container:$tgt" "$IMAGE" \
	sh -c "for i in \$(seq $NC); do kill -USR1 1; sleep 0.3; done" >/dev/null
n=0
while [ $n -lt $NH ]; do kill -USR1 "$tgt_pid"; sleep 0.3; n=$((n + 1)); done
"$DOCKER" logs "$tgt" >"$TMP/tgt.log" 2>&1
sleep 0.5
SCRY_PID=$LIVE_PID
stop_scry INT
check "scry exits 0" [ $? -eq 0 ] || sed "s/^/#   /" "$TMP/live.err" | tail -5
SCRY_PID=$REC_PID
stop_scry INT
"$SCRY" -r "$TMP/cap" -j -pc -p "$FIELDS" evt.category=signal >"$TMP/replay" 2>"$TMP/replay.err"
check "the recording replays" [ $? -eq 0 ] || sed "s/^/#   /" "$TMP/replay.err" | tail -5

# The stories, asked of a stream of events (live or replayed); prints ok or why not.
cat >"$TMP/judge.py" <<EOF
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
part = sys.argv[2]
def gen(**kw):
    return [e for e in evs if e['evt.type'] == 'signalgenerate' and
            all(e.get(k) == v for k, v in kw.items())]
def dlv(**kw):
    return [e for e in evs if e['evt.type'] == 'signaldeliver' and
            all(e.get(k) == v for k, v in kw.items())]
runtime = ('runc', 'containerd-shim', 'containerd', 'dockerd')
if part == 'noterm':
    assert $noterm_exit == 137, 'docker says exit $noterm_exit'
    term = gen(**{'proc.pid': $noterm_pid, 'sig.name': 'SIGTERM'})
    kill = gen(**{'proc.pid': $noterm_pid, 'sig.name': 'SIGKILL'})
    assert len(term) == 1 and len(kill) >= 1, (term, kill)
    t, k = term[0], kill[0]
    assert t['sig.result'] == 'ignored' and t['sig.init_ignored'] == 1, t
    assert 'PID 1 has no handler' in t['sig.trap'] and t['sig.target.is_init'] == 1, t
    assert t['sig.target.vpid'] == 1 and t['container.name'] == '$noterm', t
    assert t['sig.num'] == 15 and t['evt.arg.sig'] == 'SIGTERM' and t['evt.rawarg.sig'] == 15, t
    for e in (t, k):
        assert e['sig.sender.kind'] == 'process' and e['sig.sender.name'] in runtime, e
        assert e['sig.sender.container.name'] == 'host' and e['sig.sender.pid'] != $noterm_pid, e
    assert k['sig.result'] == 'delivered' and k['sig.init_ignored'] == 0, k
    assert k['evt.rawtime'] > t['evt.rawtime'], (t, k)
    # the kernel drops it: PID 1 never takes a SIGTERM
    assert not dlv(**{'proc.pid': $noterm_pid, 'sig.name': 'SIGTERM'}), evs
elif part == 'init':
    assert $init_exit == 143, 'docker says exit $init_exit'
    term = gen(**{'proc.pid': $init_pid, 'sig.name': 'SIGTERM'})
    assert len(term) == 1, term
    t = term[0]
    assert t['sig.result'] in ('blocked', 'delivered') and t['sig.init_ignored'] == 0, t
    assert t['sig.target.is_init'] == 1 and t['sig.sender.name'] in runtime, t
    fwd = gen(**{'proc.pid': int('$child' or 0), 'sig.name': 'SIGTERM'})
    assert len(fwd) == 1, fwd
    f = fwd[0]
    assert f['sig.sender.pid'] == $init_pid and f['sig.sender.container.name'] == '$init', f
    assert f['sig.result'] == 'delivered' and f['sig.target.is_init'] == 0, f
    assert f['container.name'] == '$init' and f['evt.rawtime'] > t['evt.rawtime'], f
    d = dlv(**{'proc.pid': int('$child' or 0), 'sig.name': 'SIGTERM'})
    assert len(d) == 1 and d[0]['sig.result'] == 'default', d
    assert d[0]['sig.sender.pid'] == $init_pid, d
    assert not [e for e in evs if e['sig.name'] == 'SIGKILL' and
                e['proc.pid'] in ($init_pid, int('$child' or 0))], 'a SIGKILL'
elif part == 'usr1':
    usr1 = gen(**{'proc.pid': $tgt_pid, 'sig.name': 'SIGUSR1'})
    fromc = [e for e in usr1 if e.get('sig.sender.container.name') == '$src']
    fromh = [e for e in usr1 if e.get('sig.sender.pid') == $$]
    assert len(usr1) == $NC + $NH and len(fromc) == $NC and len(fromh) == $NH, usr1
    for e in fromc:
        assert e['sig.sender.name'] == 'sh' and e['sig.code'] == 'SI_USER', e
    for e in fromh:
        assert e['sig.sender.container.name'] == 'host', e
    for e in usr1:
        assert e['container.name'] == '$tgt' and e['sig.target.is_init'] == 1, e
        assert e['sig.result'] in ('delivered', 'blocked', 'pending'), e
    taken = dlv(**{'proc.pid': $tgt_pid, 'sig.name': 'SIGUSR1'})
    queued = len([e for e in usr1 if e['sig.result'] in ('delivered', 'blocked')])
    assert len(taken) == queued and queued >= 1, (len(taken), queued)
    assert all(e['sig.result'] == 'handled' for e in taken), taken
    senders = sorted(e.get('sig.sender.container.name') for e in taken)
    assert senders == sorted(e['sig.sender.container.name'] for e in usr1
                             if e['sig.result'] in ('delivered', 'blocked')), senders
print('ok')
EOF
for part in noterm init usr1; do
	case $part in
	noterm) what="docker stop -t 2 of a PID 1 without a handler: one SIGTERM from the runtime on the host, dropped (the trap, named), then SIGKILL; exit 137" ;;
	init) what="with --init: SIGTERM to tini not dropped, tini's SIGTERM to its child taken by default; no SIGKILL; exit 143" ;;
	usr1) what="$NC SIGUSR1 from a container in the pid namespace and $NH from this shell, each side named; the handler takes every one queued" ;;
	esac
	python3 "$TMP/judge.py" "$TMP/live" $part >"$TMP/res" 2>&1
	check "live, $part: $what" grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -4
done
for part in noterm init usr1; do
	python3 "$TMP/judge.py" "$TMP/replay" $part >"$TMP/res" 2>&1
	check "replayed, $part: the same story from the capture" grep -qx ok "$TMP/res" ||
		sed 's/^/#   /' "$TMP/res" | tail -4
done
py "
import json, collections
pids = ($noterm_pid, $init_pid, $tgt_pid, int('$child' or 0))
def load(f):
    return [json.loads(l) for l in open(f) if json.loads(l)['proc.pid'] in pids]
live, rep = load('$TMP/live'), load('$TMP/replay')
# the same window: the live run stopped first; times are converted to the wall clock apart
end = max(e['evt.rawtime'] for e in live) + 1000000
rep = [e for e in rep if e['evt.rawtime'] <= end]
def key(e):
    return tuple(sorted((k, str(v)) for k, v in e.items() if k != 'evt.rawtime'))
a, b = collections.Counter(map(key, live)), collections.Counter(map(key, rep))
miss = [e['evt.rawtime'] for e in live if a[key(e)] > b[key(e)]]
assert a == b and len(live) >= $NC + $NH + 4, (len(live), len(rep), list((a - b).items())[:1],
                                               list((b - a).items())[:1], miss[:3], miss[-3:],
                                               min(e['evt.rawtime'] for e in rep),
                                               min(e['evt.rawtime'] for e in live), end)
print('ok')
" >"$TMP/res" 2>&1
check "the replay's signal events of the test's containers are the live ones, field for field" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
"$SCRY" -r "$TMP/cap" -c spy_signals "proc.pid=$noterm_pid" >"$TMP/spy" 2>"$TMP/spy.err"
checkall "spy_signals marks the dropped SIGTERM to PID 1 as the trap" \
	'grep "SIGTERM" "$TMP/spy" | grep "ignored" | grep "PID1" | grep -q "PID 1 has no handler" &&
	 grep "SIGKILL" "$TMP/spy" | grep -q delivered' || sed 's/^/#   /' "$TMP/spy" | tail -5
n=$("$SCRY" -r "$TMP/cap" "evt.arg.sig=SIGUSR1 and proc.pid=$tgt_pid and evt.type=signalgenerate" | wc -l)
check "evt.arg.sig=SIGUSR1 finds the $((NC + NH)) sent" [ "$n" -eq $((NC + NH)) ] || echo "#   $n"
checkall "no drops, live or recorded" \
	'grep -q " 0 dropped (" "$TMP/live.err" && grep -q " 0 dropped (" "$TMP/rec.err" &&
	 grep -q " 0 dropped by the writer" "$TMP/rec.err" &&
	 ! grep -qi "lost\|damage" "$TMP/replay.err"' ||
	for f in live.err rec.err replay.err; do sed "s/^/#   $f: /" "$TMP/$f"; done
finish
