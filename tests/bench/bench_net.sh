#!/bin/sh
# make bench, network part: a loopback TCP ping-pong of small messages (tests/helpers/
# net_pingpong: two processes on CPU 1, two sends and two receives per round trip), untraced,
# under the counting floor, under `scry -c topcontainers_net` (the socket tracepoints) and under
# the full event stream; rounds side by side, medians. The target: the network view adds no
# more per message (one send or receive) than the counting floor adds per syscall.
set -u
: "${BUILD:=build}"
SCRY=$BUILD/scry FLOOR=$BUILD/scry-floor PP=$BUILD/helpers/net_pingpong
N=${BENCH_NET_N:-20000} SIZE=${BENCH_NET_SIZE:-64} ROUNDS=${BENCH_ROUNDS:-9}
TMP=$(mktemp -d /tmp/scry-bench-net.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT

pp() { taskset -c 1 "$PP" "$N" "$SIZE"; }
. tests/bench/common.sh
traced() { # traced NAME ARGS...: one ping-pong under scry ARGS
	name=$1; shift
	taskset -c 0 "$SCRY" -v "$@" >/dev/null 2>"$TMP/err" &
	p=$!
	wait_ready "$TMP/err" '^scry: tracing'
	pp >/dev/null
	pp >>"$TMP/$name"
	kill -INT $p; wait $p
	sed -n 's/^scry: \([0-9]*\) events captured, \([0-9]*\) dropped.*/\1 \2/p' "$TMP/err" >>"$TMP/$name.drop"
}
for r in $(seq "$ROUNDS"); do
	pp >>"$TMP/untraced"
	"$FLOOR" >/dev/null 2>"$TMP/ferr" &
	fp=$!
	wait_ready "$TMP/ferr" ready
	pp >>"$TMP/floor"
	kill -INT $fp; wait $fp
	traced view_net -c topcontainers_net
	traced view_cpu -c topcontainers_cpu
	traced stream_all
done
med() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
drops() { awk '{ c += $1; d += $2 } END { printf "%d/%d", d, c }' "$TMP/$1.drop"; }
echo
echo "TCP ping-pong over loopback, $N round trips of $SIZE bytes per round, $ROUNDS rounds; ns per round trip (4 socket calls, 4 syscalls)"
printf '%-36s %10s %10s %14s %9s  %s\n' configuration median overhead "per message" "x floor" "dropped/captured"
row() { # row NAME KEY [DROPS]
	awk -v n="$1" -v x="$(med "$2")" -v u="$(med untraced)" -v f="$(med floor)" -v d="${3:-}" 'BEGIN {
		o = x - u; fo = (f - u) / 4
		printf "%-36s %10.1f %+10.1f %+14.1f %9s  %s\n", n, x, o, o / 4,
			(fo > 0 ? sprintf("%.2f", o / 4 / fo) : "-"), d }'
}
row "untraced" untraced
row "counting floor (per syscall)" floor
row "scry -c topcontainers_net" view_net "$(drops view_net)"
row "scry -c topcontainers_cpu (no socket programs)" view_cpu "$(drops view_cpu)"
row "scry, text to /dev/null, every event" stream_all "$(drops stream_all)"
# Every view traces the scheduler (CPU time, ordering at switches), and a ping-pong switches at
# every message: what the socket programs themselves add is the network view minus the CPU view.
awk -v n="$(med view_net)" -v c="$(med view_cpu)" -v u="$(med untraced)" -v f="$(med floor)" 'BEGIN {
	fo = (f - u) / 4
	printf "%-36s %10s %10s %+14.1f %9s\n", "socket programs alone (net - cpu)", "", "", (n - c) / 4,
		(fo > 0 ? sprintf("%.2f", (n - c) / 4 / fo) : "-") }'
