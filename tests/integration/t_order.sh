#!/bin/sh
# Events in time order: two getppid loops, one on each CPU, so that both CPUs' batches interleave
# in the ring. The stream never steps back in time, live and replayed from a recording, every
# call is there exactly once (enter and exit), and the CPUs' events really do interleave.
. tests/lib/common.sh
plan 7

N=200000
ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || { ok "order across CPUs: needs 2 CPUs, this machine has $ncpu (nothing to check)"; finish; }

run_loops() {
	taskset -c 0 "$HELPERS/getppid_loop" $N >"$TMP/l0" &
	a=$!
	taskset -c 1 "$HELPERS/getppid_loop" $N >"$TMP/l1"
	wait $a
}

start_scry "$TMP/live" "$TMP/live.err" -p '%evt.rawtime %evt.cpu %thread.tid %evt.type %evt.dir' ||
	{ not_ok "scry starts"; finish; }
REC_PID=$SCRY_PID
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$TMP/o.scry" || { not_ok "scry -w starts"; finish; }
WPID=$SCRY_PID
run_loops
sleep 0.3
SCRY_PID=$WPID stop_scry INT
SCRY_PID=$REC_PID
stop_scry INT
check "scry exits 0" [ $? -eq 0 ]
"$SCRY" -r "$TMP/o.scry" -p '%evt.rawtime %evt.cpu %thread.tid %evt.type %evt.dir' >"$TMP/replay" 2>"$TMP/replay.err"

t0=$(cut -d' ' -f2 "$TMP/l0") t1=$(cut -d' ' -f2 "$TMP/l1")
order() { # order FILE: steps back, CPU changes, and the loops' enter and exit counts
	py "
import collections, sys
pl = ''
prev = 0; back = 0; worst = 0; changes = 0; lastcpu = None
calls = collections.Counter()
for line in open('$1'):
    f = line.split()
    if len(f) < 5:
        continue
    t = int(f[0])
    if t < prev:
        back += 1; worst = max(worst, prev - t)
        if back <= 3:
            print('# stepped back', prev - t, 'ns:', pl.strip(), '->', line.strip(), file=sys.stderr)
    prev = max(prev, t); pl = line
    if f[1] != lastcpu:
        changes += 1; lastcpu = f[1]
    if f[2] in ('$t0', '$t1') and f[3] == 'getppid':
        calls[(f[2], f[4])] += 1
want = {(t, d): $N for t in ('$t0', '$t1') for d in '><'}
print(back, worst, changes, 'ok' if dict(calls) == want else dict(calls))
"
}
set -- $(order "$TMP/live")
check "live: the stream never steps back in time (got $1 steps back, by up to $2 ns)" [ "$1" = 0 ]
check "live: both CPUs' events interleave ($3 changes of CPU)" [ "$3" -gt 1000 ]
check "live: every call of both loops exactly once, enter and exit ($4)" [ "$4" = ok ]
check "live: no event arrived too late to be put in order" \
	sh -c "! grep -q 'out of time order' '$TMP/live.err'"
set -- $(order "$TMP/replay")
check "replay of the recording: never steps back (got $1 steps back, by up to $2 ns)" [ "$1" = 0 ]
check "replay: every call of both loops exactly once ($4)" [ "$4" = ok ]
finish
