#!/bin/sh
# CPU time accounted from the scheduler for a busy-looping helper: within 2% of what
# /proc/<pid>/stat says (utime+stime, in clock ticks) and within 0.5% of the kernel's exact
# figure (/proc/<pid>/schedstat), both read by the helper as the last thing before it exits.
# Ticks are off here so that all of the time flows through switch events; the tick path is
# checked by the views' tests.
. tests/lib/common.sh
plan 3

start_scry "$TMP/out" "$TMP/err" --tick-hz 0 -p '%thread.tid %evt.runtime' \
	"evt.type=switch and proc.name=busy_loop" || { not_ok "scry starts"; finish; }
set -- $("$HELPERS/busy_loop" 2)
pid=$1 ticks=$2 hz=$3 sched_ns=$4
sleep 0.3
stop_scry INT
total=$(awk -v t="$pid" '$1 == t { s += $2 } END { printf "%d", s }' "$TMP/out")
echo "# scry: $total ns; /proc stat: $ticks ticks at $hz Hz; schedstat: $sched_ns ns"
py "
scry, stat, exact = $total, $ticks * 1e9 / $hz, $sched_ns
assert stat > 1.5e9, stat
assert abs(scry - stat) <= 0.02 * stat, (scry, stat)
" && ok "busy loop CPU time within 2% of /proc/$pid/stat" || not_ok "busy loop CPU time within 2% of /proc/$pid/stat"
py "
scry, exact = $total, $sched_ns
assert abs(scry - exact) <= 0.005 * exact, (scry, exact)
" && ok "busy loop CPU time within 0.5% of /proc/$pid/schedstat" ||
	not_ok "busy loop CPU time within 0.5% of /proc/$pid/schedstat"
check "0 events dropped" [ "$(dropped "$TMP/err")" = 0 ]
finish
