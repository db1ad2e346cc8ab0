#!/bin/sh
# A view's intervals show the CPU time used in them, not the slices reported in them: with
# 50 ms intervals, a busy process's CPU in every interval is the growth of its own
# /proc/PID/schedstat over that interval (sampled every 2 ms by this test, interpolated at the
# interval's exact bounds, start_ns/end_ns), to the scheduler's own resolution, and no interval,
# the last short one of -M included, shows more than 100% times the CPUs.
. tests/lib/common.sh
plan 4

ncpu=$(nproc)
# Both CPUs busy: a short last interval of the old code got two whole 10 ms slices.
taskset -c 0 "$HELPERS/busy_loop" 6 >/dev/null &
BUSY0=$!
taskset -c 1 "$HELPERS/busy_loop" 6 >"$TMP/busy.out" &
BUSY=$!
EXTRA_CLEANUP="kill -KILL $BUSY $BUSY0 2>/dev/null; $EXTRA_CLEANUP"
# The scheduler updates a running task's time every tick (1/CONFIG_HZ): the truth at a moment is
# only that exact at switches. Assume HZ=250 (4 ms) where the kernel does not say.
hz=$(zcat /proc/config.gz 2>/dev/null | sed -n 's/^CONFIG_HZ=//p')
tick_ns=$((1000000000 / ${hz:-250}))
sleep 0.2
# Its schedstat, every 2 ms, against CLOCK_BOOTTIME, in the background.
py "
import time
out = open('$TMP/samples', 'w')
end = time.clock_gettime(time.CLOCK_BOOTTIME) + 4.5
while True:
    now = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    try:
        v = open('/proc/$BUSY/schedstat').read().split()[0]
    except OSError:
        break
    out.write('%d %s\n' % (now, v))
    if now / 1e9 > end:
        break
    time.sleep(0.002)
" &
SAMPLER=$!
"$SCRY" -c topprocs_cpu --interval 0.05 -j -M 3 "proc.pid=$BUSY" >"$TMP/procs" 2>"$TMP/procs.err" &
P1=$!
"$SCRY" -c topcontainers_cpu --interval 0.05 -j -M 3 >"$TMP/ctrs" 2>"$TMP/ctrs.err"
check "topcontainers_cpu -M 3 exits 0" [ $? -eq 0 ]
wait $P1
check "topprocs_cpu -M 3 exits 0" [ $? -eq 0 ]
wait $SAMPLER

py "
import json, time
# epoch ns -> boot ns: the offset between the clocks, now (they move together).
off = time.time_ns() - time.clock_gettime_ns(time.CLOCK_BOOTTIME)
S = [tuple(map(int, l.split())) for l in open('$TMP/samples')]
def at(t):
    for (t0, v0), (t1, v1) in zip(S, S[1:]):
        if t0 <= t <= t1:
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return None
checked = worst = 0
for line in open('$TMP/procs'):
    d = json.loads(line)
    a, b = d['start_ns'] - off, d['end_ns'] - off
    if b - a < 40e6 or at(a) is None or at(b) is None:
        continue
    want = at(b) - at(a)
    got = sum(r['cpu.ns'] for r in d['rows'])
    err = abs(got - want)
    worst = max(worst, err / (b - a))
    checked += 1
    # A scheduler tick at each end (the time of a task that keeps running is only updated
    # then), and 1% for the two clocks the bounds are read from.
    assert err <= 2 * $tick_ns + 0.01 * (b - a), (d['start'], got, want)
assert checked >= 40, checked
print('ok', checked, '%.3f%%' % (100 * worst))
" >"$TMP/res" 2>&1
check "every 50 ms interval: the busy process's CPU is its schedstat growth, to a scheduler tick at each end ($(cat "$TMP/res" | tail -1))" \
	grep -q '^ok' "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

py "
import json
n = 0; worst = 0
for line in open('$TMP/ctrs'):
    d = json.loads(line)
    pct = d['totals']['cpu.pct']
    worst = max(worst, pct)
    assert pct <= 100 * $ncpu + 0.5, (d['start'], d['seconds'], pct)
    n += 1
assert n >= 55, n
print('ok', n, worst)
" >"$TMP/res2" 2>&1
check "no interval shows more than $ncpu CPUs, the last short one included ($(tail -1 "$TMP/res2"))" \
	grep -q '^ok' "$TMP/res2" || sed 's/^/#   /' "$TMP/res2" | tail -3
kill "$BUSY" "$BUSY0" 2>/dev/null
finish
