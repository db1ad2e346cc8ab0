#!/bin/sh
# make bench, network part.
# 1. A loopback TCP ping-pong of small messages (tests/helpers/net_pingpong: two processes on
#    CPU 1, two sends and two receives per round trip), untraced, under the counting floor, under
#    `scry -c topcontainers_net` as it runs now (the kernel sums each process's socket bytes in a
#    per-CPU map, no scheduler programs), under the same view with a record per call (what it
#    did before, and still does when its filter needs a record: here evt.buflen>=0), under
#    topcontainers_cpu and under the full event stream; rounds side by side, medians. The
#    target: the network view adds no more per message (one send or receive) than the counting
#    floor adds per syscall.
# 2. A bulk stream: iperf3 over loopback, client and server on CPU 1, untraced (first and last
#    in each round), under the view (sums, then records) and under the full stream: the
#    throughput ratio to untraced.
set -u
: "${BUILD:=build}"
SCRY=$BUILD/scry FLOOR=$BUILD/scry-floor PP=$BUILD/helpers/net_pingpong
N=${BENCH_NET_N:-20000} SIZE=${BENCH_NET_SIZE:-64} ROUNDS=${BENCH_ROUNDS:-9}
SECS=${BENCH_IPERF_SECS:-3}
TMP=$(mktemp -d /tmp/scry-bench-net.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
# The view's socket figures from a record per call: a filter no sum can answer.
RECORDS="evt.buflen>=0"

pp() { taskset -c 1 "$PP" "$N" "$SIZE"; }
. tests/bench/common.sh
# traced NAME WORKLOAD ARGS...: one run of WORKLOAD (a function) under scry ARGS, to $TMP/NAME
traced() {
	name=$1 work=$2; shift 2
	taskset -c 0 "$SCRY" -v "$@" >/dev/null 2>"$TMP/err" &
	p=$!
	wait_ready "$TMP/err" '^scry: tracing'
	$work >>"$TMP/$name"
	kill -INT $p; wait $p
	sed -n 's/^scry: \([0-9]*\) events captured, \([0-9]*\) dropped.*/\1 \2/p' "$TMP/err" >>"$TMP/$name.drop"
}
warm_pp() { pp >/dev/null; pp; }
for r in $(seq "$ROUNDS"); do
	pp >>"$TMP/untraced"
	"$FLOOR" >/dev/null 2>"$TMP/ferr" &
	fp=$!
	wait_ready "$TMP/ferr" ready
	pp >>"$TMP/floor"
	kill -INT $fp; wait $fp
	traced view_net warm_pp -c topcontainers_net
	traced view_rec warm_pp -c topcontainers_net "$RECORDS"
	traced view_cpu warm_pp -c topcontainers_cpu
	traced stream_all warm_pp
done
med() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
drops() { awk '{ c += $1; d += $2 } END { printf "%d/%d", d, c }' "$TMP/$1.drop"; }
echo
echo "TCP ping-pong over loopback, $N round trips of $SIZE bytes per round, $ROUNDS rounds; ns per round trip (4 socket calls, 4 syscalls)"
printf '%-46s %10s %10s %14s %9s  %s\n' configuration median overhead "per message" "x floor" "dropped/captured"
row() { # row NAME KEY [DROPS]
	awk -v n="$1" -v x="$(med "$2")" -v u="$(med untraced)" -v f="$(med floor)" -v d="${3:-}" 'BEGIN {
		o = x - u; fo = (f - u) / 4
		printf "%-46s %10.1f %+10.1f %+14.1f %9s  %s\n", n, x, o, o / 4,
			(fo > 0 ? sprintf("%.2f", o / 4 / fo) : "-"), d }'
}
row "untraced" untraced
row "counting floor (per syscall)" floor
row "scry -c topcontainers_net (kernel sums)" view_net "$(drops view_net)"
row "scry -c topcontainers_net (a record per call)" view_rec "$(drops view_rec)"
row "scry -c topcontainers_cpu (no socket programs)" view_cpu "$(drops view_cpu)"
row "scry, text to /dev/null, every event" stream_all "$(drops stream_all)"
# A view with records also traces the scheduler (CPU time, ordering at switches), and a
# ping-pong switches at every message: what its socket programs add is it minus the CPU view.
awk -v n="$(med view_rec)" -v c="$(med view_cpu)" -v u="$(med untraced)" -v f="$(med floor)" 'BEGIN {
	fo = (f - u) / 4
	printf "%-46s %10s %10s %+14.1f %9s\n", "socket records alone (records - cpu)", "", "", (n - c) / 4,
		(fo > 0 ? sprintf("%.2f", (n - c) / 4 / fo) : "-") }'

# The bulk stream. One server for every run; each client run is SECS seconds.
PORT=$((47000 + $$ % 1000))
taskset -c 1 iperf3 -s -p "$PORT" >/dev/null 2>&1 &
ip=$!
sleep 0.5
bulk() { # the client's received bits per second
	taskset -c 1 iperf3 -c 127.0.0.1 -p "$PORT" -t "$SECS" -J 2>/dev/null |
		python3 -c 'import json, sys; print("%.0f" % json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])'
}
for r in $(seq "$ROUNDS"); do
	bulk >>"$TMP/b_untraced"
	traced b_view_net bulk -c topcontainers_net
	traced b_view_rec bulk -c topcontainers_net "$RECORDS"
	traced b_stream_all bulk
	bulk >>"$TMP/b_untraced"	# at both ends of the round: the machine drifts
done
kill $ip 2>/dev/null
echo
echo "iperf3 over loopback (client and server on CPU 1), $SECS s per run, $ROUNDS rounds; median throughput"
printf '%-46s %12s %9s  %s\n' configuration Gbit/s "x untraced" "dropped/captured"
brow() { # brow NAME KEY [DROPS]
	awk -v n="$1" -v x="$(med "$2")" -v u="$(med b_untraced)" -v d="${3:-}" 'BEGIN {
		printf "%-46s %12.2f %9.3f  %s\n", n, x / 1e9, (u > 0 ? x / u : 0), d }'
}
brow "untraced" b_untraced
brow "scry -c topcontainers_net (kernel sums)" b_view_net "$(drops b_view_net)"
brow "scry -c topcontainers_net (a record per call)" b_view_rec "$(drops b_view_rec)"
brow "scry, text to /dev/null, every event" b_stream_all "$(drops b_stream_all)"
