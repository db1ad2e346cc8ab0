#!/bin/sh
# Two scry builds side by side in rounds (BENCH_BEFORE=OLD/build, BUILD=build): e.g. issue 15's
# hot-path cost, c61e587 against main.
# getppid loop (ns/call of the loop's CPU time) under stream/json/view/-w, and the mean run time of
# the fork/exec/exit programs over a fork+exec loop (bpf_stats).
set -u
: "${BUILD:=build}"
A=${BENCH_BEFORE:?BENCH_BEFORE=DIR: the build directory of the scry to compare with} B=$BUILD
LOOP=$B/helpers/bench_loop N=1000000 ROUNDS=${ROUNDS:-7}
TMP=$(mktemp -d /tmp/b15.XXXXXX)
. tests/bench/common.sh
loop() { taskset -c 1 "$LOOP" "$N"; }
run() { # run TAG SCRY ARGS...
	tag=$1 s=$2; shift 2
	taskset -c 0 "$s" -v "$@" >/dev/null 2>"$TMP/err" &
	pid=$!
	wait_ready "$TMP/err" '^scry: tracing'
	loop >/dev/null; sleep 0.3
	loop >>"$TMP/$tag"
	sleep 0.5; kill -INT $pid; wait $pid
	sed -n 's/^scry: \([0-9]*\) events captured, \([0-9]*\) dropped.*/\1 \2/p' "$TMP/err" >>"$TMP/$tag.drop"
}
for r in $(seq $ROUNDS); do
	loop >>"$TMP/untraced"
	for v in A B; do
		eval s=\$$v/scry
		run "$v.stream_all" "$s"
		run "$v.json" "$s" -j
		run "$v.view_sys" "$s" -c topcontainers_syscalls
		run "$v.write" "$s" -w "$TMP/c.scry"; rm -f "$TMP/c.scry"*
	done
done
med() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
u=$(med untraced)
echo "untraced median $u ns/call; overhead (median minus untraced), before -> after"
for c in stream_all json view_sys write; do
	a=$(med A.$c) b=$(med B.$c)
	awk -v c=$c -v a=$a -v b=$b -v u=$u -v da="$(awk '{d+=$2;n+=$1} END {print d"/"n}' $TMP/A.$c.drop)" -v db="$(awk '{d+=$2;n+=$1} END {print d"/"n}' $TMP/B.$c.drop)" \
		'BEGIN { printf "%-12s %7.1f -> %7.1f ns/call (%+.1f)   drops %s -> %s\n", c, a - u, b - u, b - a, da, db }'
done
# exit path: mean run time of the sched programs over 2000 fork+exec+exit
stats=$(sysctl -n kernel.bpf_stats_enabled); sysctl -qw kernel.bpf_stats_enabled=1
for v in A B; do
	eval s=\$$v/scry
	taskset -c 0 "$s" -v -c topprocs_cpu -M 60 >/dev/null 2>"$TMP/err" &
	pid=$!
	wait_ready "$TMP/err" '^scry: tracing'
	i=0; while [ $i -lt 2000 ]; do taskset -c 1 $B/helpers/fork_exec /bin/true >/dev/null; i=$((i+1)); done
	for p in scry_sched_exit scry_sched_fork scry_sched_exec; do
		id=$(bpftool prog show 2>/dev/null | awk -v n="$p" '$3 == "name" && $4 == n { print $1 + 0 }' | tail -1)
		[ -n "$id" ] && bpftool prog show id "$id" | awk -v v=$v -v p=$p '{ for (i = 1; i < NF; i++) {
			if ($i == "run_time_ns") t = $(i + 1); if ($i == "run_cnt") c = $(i + 1) } }
			END { if (c > 0) printf "%s %-18s %6.0f ns/run over %d runs\n", v, p, t / c, c }'
	done
	kill -INT $pid; wait $pid
done
sysctl -qw kernel.bpf_stats_enabled="$stats"
rm -rf "$TMP"
