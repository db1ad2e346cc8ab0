#!/bin/sh
# A view's intervals show the CPU time used in them, not the slices reported in them: with
# 50 ms intervals, a busy process's CPU in every interval, the first included, is the growth of
# its own /proc/PID/schedstat over that interval (at the interval's exact bounds, start_ns/end_ns),
# to the scheduler's own resolution, and no interval, the last short one of -M included, shows
# more than 100% times the CPUs.
#
# The schedstat is read every 2 ms, each read between two clock readings: on a loaded machine
# the reader may be held up between taking the time and reading the file, or sleep for tens of
# ms. A bound where the reader kept its pace (the reads before and after it, each within 0.5 ms,
# at most 4 ms apart) has the value interpolated there; elsewhere only what those two reads
# prove: the value lies between them.
. tests/lib/common.sh
plan 4

ncpu=$(nproc)
# Both CPUs busy: a short last interval of the old code got two whole 10 ms slices. They spin
# until killed, so that a slow start of scry on a loaded machine still finds them running.
taskset -c 0 "$HELPERS/busy_loop" 600 >/dev/null &
BUSY0=$!
taskset -c 1 "$HELPERS/busy_loop" 600 >/dev/null &
BUSY=$!
EXTRA_CLEANUP="kill -KILL $BUSY $BUSY0 2>/dev/null; $EXTRA_CLEANUP"
# The scheduler updates a running task's time every tick (1/CONFIG_HZ): the truth at a moment is
# only that exact at switches. Assume HZ=250 (4 ms) where the kernel does not say.
hz=$(zcat /proc/config.gz 2>/dev/null | sed -n 's/^CONFIG_HZ=//p')
tick_ns=$((1000000000 / ${hz:-250}))
sleep 0.2
# Its schedstat, every 2 ms, between two CLOCK_BOOTTIME readings, in the background until both
# views have ended (60 s at most).
py "
import os, time
out = open('$TMP/samples', 'w')
end = time.clock_gettime(time.CLOCK_BOOTTIME) + 60
while not os.path.exists('$TMP/done') and time.clock_gettime(time.CLOCK_BOOTTIME) < end:
    t0 = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    v = open('/proc/$BUSY/schedstat').read().split()[0]
    t1 = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    out.write('%d %s %d\n' % (t0, v, t1))
    time.sleep(0.002)
" &
SAMPLER=$!
"$SCRY" -c topprocs_cpu --interval 0.05 -j -M 3 "proc.pid=$BUSY" >"$TMP/procs" 2>"$TMP/procs.err" &
P1=$!
"$SCRY" -c topcontainers_cpu --interval 0.05 -j -M 3 >"$TMP/ctrs" 2>"$TMP/ctrs.err"
check "topcontainers_cpu -M 3 exits 0" [ $? -eq 0 ]
wait_pid $P1 60
check "topprocs_cpu -M 3 exits 0" [ $? -eq 0 ]
: >"$TMP/done"
wait_pid $SAMPLER 10
src=$?

py "
import bisect, json, time
assert $src == 0, ('the schedstat reader failed', $src)
# epoch ns -> boot ns: the offset between the clocks, now (they move together).
off = time.time_ns() - time.clock_gettime_ns(time.CLOCK_BOOTTIME)
S = [tuple(map(int, l.split())) for l in open('$TMP/samples')]
T0, T1 = [s[0] for s in S], [s[2] for s in S]
# (low, high) of the schedstat at boot time t: the reads just before and after it.
def at(t):
    i = bisect.bisect_right(T1, t) - 1	# the last read done by t
    j = bisect.bisect_left(T0, t)	# the first read begun after it
    assert 0 <= i and j < len(S), ('no reads around', t)
    (a0, v0, b0), (a1, v1, b1) = S[i], S[j]
    if b0 - a0 <= 500000 and b1 - a1 <= 500000 and a1 - b0 <= 4000000:
        m0, m1 = (a0 + b0) / 2, (a1 + b1) / 2
        v = v0 + (v1 - v0) * (t - m0) / (m1 - m0)
        return v, v
    return v0, v1
checked = held = worst = 0
for line in open('$TMP/procs'):
    d = json.loads(line)
    a, b = d['start_ns'] - off, d['end_ns'] - off
    if b - a < 40e6:	# the last, short one: its end is where the events ended
        continue
    A, B = at(a), at(b)
    lo, hi = B[0] - A[1], B[1] - A[0]
    held += (A[0] != A[1]) + (B[0] != B[1])
    got = sum(r['cpu.ns'] for r in d['rows'])
    err = max(lo - got, got - hi, 0)
    worst = max(worst, err / (b - a))
    checked += 1
    # A scheduler tick at each end (the time of a task that keeps running is only updated
    # then), and 1% for the two clocks the bounds are read from.
    assert err <= 2 * $tick_ns + 0.01 * (b - a), (d['start'], got, lo, hi)
# -M 3 of 50 ms intervals: 60, the last perhaps short.
assert checked >= 59, checked
print('ok', checked, '%.3f%%' % (100 * worst), held)
" >"$TMP/res" 2>&1
check "every 50 ms interval: the busy process's CPU is its schedstat growth, to a scheduler tick at each end (checked, worst, bounds the reader was held up at: $(tail -1 "$TMP/res"))" \
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
