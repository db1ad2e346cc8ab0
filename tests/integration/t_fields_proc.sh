#!/bin/sh
# Process and thread fields against /proc: a workload whose truth the driver reads from /proc
# while each process runs (t_fields_proc.py): a pipeline in a pty session (ancestry, sid, tty,
# pgid), a cd and `ulimit -n 123` (cwd, fdlimit), a parent that exits under a child subreaper
# (reparenting), a Python process with three threads, a CPU burn (exectime, faults), and a
# 32 MiB mem_hog that predates scry (its memory and faults seeded from /proc). Each is checked
# live (-p) and replayed from a capture (-w, then -r), and the two agree line by line.
. tests/lib/common.sh
plan 23
PYT="$PWD/tests/integration/t_fields_proc.py"
FMT=$(python3 "$PYT" format)
FILTER='proc.name in (sleep, python3, mem_hog) and evt.type in (procexit, clock_nanosleep, nanosleep, switch)'
mkdir -p "$TMP/work"
cap="$TMP/c.scry"

"$HELPERS/mem_hog" 32 600 >"$TMP/hog.out" &
hog=$!
EXTRA_CLEANUP="kill -KILL $hog 2>/dev/null"
i=0
while ! grep -q touched "$TMP/hog.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

start_scry "$TMP/live.out" "$TMP/live.err" -p "$FMT" "$FILTER" || { not_ok "scry -p starts"; finish; }
LIVE_PID=$SCRY_PID
SCRY_PID=
EXTRA_CLEANUP="kill -KILL $LIVE_PID $hog 2>/dev/null"
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$cap" || { not_ok "scry -w starts"; finish; }

# the process that predates both: its truth now, then its exit
python3 "$PYT" snap $hog "$TMP/truth"
python3 "$PYT" run "$TMP/work" "$TMP/truth.run" 2>"$TMP/run.err"
cat "$TMP/truth.run" >>"$TMP/truth"
kill -TERM $hog
wait_pid $hog 10
sleep 0.3
stop_scry INT
check "scry -w exits 0" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/rec.err" | tail -3
kill -INT $LIVE_PID
wait_pid $LIVE_PID 60
check "the live -p stream exits 0" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/live.err" | tail -3
checkall "the driver saw every process of the workload ($(wc -l <"$TMP/truth") of 5)" \
	'[ "$(wc -l <"$TMP/truth")" -eq 5 ]' || sed 's/^/#   /' "$TMP/run.err" | tail -5

python3 "$PYT" check "$TMP/truth" "$TMP/live.out" live
"$SCRY" -r "$cap" -p "$FMT" "$FILTER" >"$TMP/rep.out" 2>"$TMP/rep.err"
check "the replay exits 0 without a message" [ $? -eq 0 -a ! -s "$TMP/rep.err" ] ||
	sed 's/^/#   /' "$TMP/rep.err" | head -3
python3 "$PYT" check "$TMP/truth" "$TMP/rep.out" replayed

# The same lines live and replayed, for the workload's processes (two tracers: each has its own
# switches and clock reads, so CPU times, durations and switch events are left out).
py "
import json, sys
sys.path.insert(0, '$(dirname "$PYT")')
import t_fields_proc as t
pids = {json.loads(l)['pid'] for l in open('$TMP/truth')}
skip = {'thread.exectime', 'thread.totexectime', 'evt.runtime', 'proc.duration', 'proc.ppid.duration',
        'thread.pfminor', 'thread.pfmajor'}
def lines(f):
    return sorted(json.dumps({k: v for k, v in e.items() if k not in skip}, sort_keys=True)
                  for e in t.load(f) if int(e['proc.pid']) in pids and e['evt.type'] != 'switch')
a, b = lines('$TMP/live.out'), lines('$TMP/rep.out')
assert a and a == b, (len(a), len(b), [x for x in a if x not in b][:2], [x for x in b if x not in a][:2])
print('ok')
" >"$TMP/res" 2>&1
check "live and replayed lines agree for every process of the workload" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -3
finish
