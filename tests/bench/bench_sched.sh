#!/bin/sh
# make bench, scheduler part (issue 13): what the scheduler's accounting (run-queue wait, off-CPU
# stretch, page faults: task storage read and written at every switch and tick) costs a
# context-switch-heavy workload under `scry -c topcontainers_cpu`.
# 1. A pipe ping-pong of one byte between two processes on CPU 1 (tests/helpers/sched_wait
#    pingpong: two context switches per round trip), untraced, under scry before the accounting
#    (BENCH_SCRY_BEFORE: a scry built from the commit before it, if given), under this scry (a CPU
#    view loads no accounting) and under `-c topcontainers_wait` (which does); rounds side by
#    side, medians; the overhead per context switch.
# 2. `perf bench sched messaging` (if perf is installed; on CPU 1): its total time, same configs.
#    With BENCH_SCRY_BEFORE, that scry under `-c topcontainers_wait` too: what a change to the
#    accounting itself costs (issue 15 added the user/system split and the memory counters).
# 3. The sched_switch program's own mean run time over the ping-pong (kernel.bpf_stats_enabled):
#    the end-to-end figures move by more than the accounting costs on a shared VM, this does not.
# scry runs on CPU 0.
set -u
: "${BUILD:=build}"
SCRY=$BUILD/scry W=$BUILD/helpers/sched_wait
BEFORE=${BENCH_SCRY_BEFORE:-}
N=${BENCH_SCHED_N:-50000} ROUNDS=${BENCH_ROUNDS:-9}
TMP=$(mktemp -d /tmp/scry-bench-sched.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
. tests/bench/common.sh

pp() { taskset -c 1 "$W" pingpong "$N"; }
msg() {
	taskset -c 1 perf bench sched messaging -g 4 -l 100 2>/dev/null |
		awk '/Total time/ { printf "%.0f\n", $3 * 1e6 }'	# us
}
PERF=
command -v perf >/dev/null 2>&1 && [ -n "$(msg)" ] && PERF=1

# prog_ids NAME: ids of the loaded programs called NAME (other tracers' too: a shared machine)
prog_ids() { bpftool prog show 2>/dev/null | awk -v n="$1" '$3 == "name" && $4 == n { print $1 + 0 }'; }
# prog_ns ID: mean ns per run of program ID (bpf_stats)
prog_ns() {
	bpftool prog show id "$1" 2>/dev/null | awk '{ for (i = 1; i < NF; i++) {
		if ($i == "run_time_ns") t = $(i + 1); if ($i == "run_cnt") c = $(i + 1) } }
		END { if (c > 0) printf "%.1f\n", t / c }'
}
stats=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
trap 'kill $(jobs -p) 2>/dev/null; sysctl -qw kernel.bpf_stats_enabled="$stats"; rm -rf "$TMP"' EXIT
sysctl -qw kernel.bpf_stats_enabled=1
# traced NAME BINARY WORKLOAD [VIEW]: one run of WORKLOAD under BINARY -c VIEW, to $TMP/NAME
traced() {
	name=$1 bin=$2 work=$3 view=${4:-topcontainers_cpu}
	prog_ids scry_sched_switch >"$TMP/ids"
	taskset -c 0 "$bin" -v -c "$view" --interval 0 >/dev/null 2>"$TMP/err" &
	p=$!
	wait_ready "$TMP/err" '^scry: tracing'
	id=$(prog_ids scry_sched_switch | grep -vxF -f "$TMP/ids" | head -n 1)
	$work >>"$TMP/$name"
	[ -n "$id" ] && prog_ns "$id" >>"$TMP/$name.prog"
	kill -INT $p; wait $p
	sed -n 's/^scry: \([0-9]*\) events captured, \([0-9]*\) dropped.*/\1 \2/p' "$TMP/err" >>"$TMP/$name.drop"
}
for r in $(seq "$ROUNDS"); do
	for w in pp ${PERF:+msg}; do
		$w >>"$TMP/$w.untraced"
		[ -n "$BEFORE" ] && traced "$w.before" "$BEFORE" $w
		traced "$w.after" "$SCRY" $w
		traced "$w.wait" "$SCRY" $w topcontainers_wait
		[ -n "$BEFORE" ] && traced "$w.waitbefore" "$BEFORE" $w topcontainers_wait
	done
done

med() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
min() { sort -n "$TMP/$1" | head -n 1; }
row() { # row LABEL FILE UNIT PER: median, minimum, overhead of the median per PER (switches)
	[ -s "$TMP/$2" ] || return 0
	awk -v l="$1" -v x="$(med "$2")" -v m="$(min "$2")" -v u="$(med "${2%.*}.untraced")" \
	    -v unit="$3" -v per="$4" 'BEGIN {
		printf "%-44s %10.1f %10.1f %s  %+6.1f%%", l, x, m, unit, 100 * (x - u) / u
		if (per) printf "  %+7.1f ns/switch", (x - u) / per
		printf "\n" }'
}
echo "pipe ping-pong on CPU 1, $N round trips per round, $ROUNDS rounds (median, min)"
row "untraced" pp.untraced "ns/round trip" 2
row "scry -c topcontainers_cpu, before the accounting" pp.before "ns/round trip" 2
row "scry -c topcontainers_cpu" pp.after "ns/round trip" 2
row "scry -c topcontainers_wait" pp.wait "ns/round trip" 2
row "scry -c topcontainers_wait, BENCH_SCRY_BEFORE" pp.waitbefore "ns/round trip" 2
echo "the sched_switch program's mean run time during the ping-pong (bpf_stats; median, min)"
for c in before after wait waitbefore; do
	[ -s "$TMP/pp.$c.prog" ] && printf '%-44s %10.1f %10.1f ns/run\n' \
		"$(case $c in before) echo "topcontainers_cpu, before";; after) echo topcontainers_cpu;;
		   wait) echo topcontainers_wait;;
		   waitbefore) echo "topcontainers_wait, BENCH_SCRY_BEFORE";; esac)" \
		"$(med pp.$c.prog)" "$(min pp.$c.prog)"
done
if [ -n "$PERF" ]; then
	echo "perf bench sched messaging -g 4 -l 100 on CPU 1 (median, min)"
	row "untraced" msg.untraced "us total" ""
	row "scry -c topcontainers_cpu, before the accounting" msg.before "us total" ""
	row "scry -c topcontainers_cpu" msg.after "us total" ""
	row "scry -c topcontainers_wait" msg.wait "us total" ""
	row "scry -c topcontainers_wait, BENCH_SCRY_BEFORE" msg.waitbefore "us total" ""
else
	echo "perf bench sched messaging: perf is not installed"
fi
