#!/bin/sh
# make bench: the per-syscall cost of a tight getppid loop, untraced, under the counting floor
# (one per-CPU counter, the least any tracer can do) and under scry, measured side by side in
# rounds and reported as medians; then the consumer's sustained throughput under a flood.
# Needs root. The loop runs on CPU 1, scry on CPU 0.
set -u
: "${BUILD:=build}"
SCRY=$BUILD/scry FLOOR=$BUILD/scry-floor LOOP=$BUILD/helpers/bench_loop
N=${BENCH_N:-1000000} ROUNDS=${BENCH_ROUNDS:-9}
TMP=$(mktemp -d /tmp/scry-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT

[ "$(id -u)" -eq 0 ] || { echo "make bench needs root" >&2; exit 1; }

loop() { taskset -c 1 "$LOOP" "$N"; }

. tests/bench/common.sh

# scry_run NAME ARGS...: one loop under scry; appends ns/call to $TMP/NAME, drops to $TMP/NAME.drop
scry_run() {
	name=$1; shift
	taskset -c 0 "$SCRY" -v "$@" >/dev/null 2>"$TMP/err" &
	pid=$!
	wait_ready "$TMP/err" '^scry: tracing'
	loop >/dev/null	# warm-up: the ring's pages are touched once (a VM faults them in lazily)
	sleep 0.5
	loop >>"$TMP/$name"
	sleep 0.5	# let the consumer drain before the summary
	kill -INT $pid; wait $pid
	sed -n 's/^scry: \([0-9]*\) events captured, \([0-9]*\) dropped.*/\1 \2/p' "$TMP/err" >>"$TMP/$name.drop"
}

for r in $(seq "$ROUNDS"); do
	loop >>"$TMP/untraced"
	"$FLOOR" >"$TMP/floor.count" 2>"$TMP/ferr" &
	fp=$!
	wait_ready "$TMP/ferr" ready
	loop >>"$TMP/floor"
	kill -INT $fp; wait $fp
	"$FLOOR" enter-exit >"$TMP/floor2.count" 2>"$TMP/ferr" &
	fp=$!
	wait_ready "$TMP/ferr" ready
	loop >>"$TMP/floor2"
	kill -INT $fp; wait $fp
	scry_run stream "proc.name=nothing"
	scry_run stream_all
	scry_run json -j
	scry_run view_cpu -c topcontainers_cpu
	scry_run view_sys -c topcontainers_syscalls
done

# Shared machines are noisy: report the median and the minimum of the rounds; the minimum is
# the cost with the least interference from neighbours.
med() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
min() { sort -n "$TMP/$1" | head -n 1; }
drops() { awk '{ c += $1; d += $2 } END { printf "%d/%d", d, c }' "$TMP/$1.drop"; }

echo "getppid loop, $N calls per round, $ROUNDS rounds; ns of the loop's own CPU time per call (overhead = minus untraced)"
printf '%-42s %8s %9s %8s %8s %9s %8s  %s\n' configuration median overhead "x floor" min overhead "x floor" "dropped/captured"
table() { # table NAME KEY [DROPS]
	awk -v n="$1" -v x="$(med "$2")" -v u="$(med untraced)" -v f="$(med floor)" \
	    -v xm="$(min "$2")" -v um="$(min untraced)" -v fm="$(min floor)" -v d="${3:-}" 'BEGIN {
		o = x - u; fo = f - u; om = xm - um; fom = fm - um
		printf "%-42s %8.1f %+9.1f %8s %8.1f %+9.1f %8s  %s\n", n, x, o,
			(fo > 0 ? sprintf("%.2f", o / fo) : "-"), xm, om, (fom > 0 ? sprintf("%.2f", om / fom) : "-"), d }'
}
table "untraced" untraced
table "counting floor (per-CPU counter)" floor
table "counting on sys_enter and sys_exit" floor2
table "scry, text, filter matches nothing" stream "$(drops stream)"
table "scry, text to /dev/null, every event" stream_all "$(drops stream_all)"
table "scry -j to /dev/null, every event" json "$(drops json)"
table "scry -c topcontainers_cpu" view_cpu "$(drops view_cpu)"
table "scry -c topcontainers_syscalls" view_sys "$(drops view_sys)"

# Sustained throughput of the consumer (one core for scry, one for the loop): the loop offers
# more events than a text printer can take; report what scry consumed per second and dropped.
for mode in text json; do
	[ $mode = json ] && jflag=-j || jflag=
	taskset -c 0 "$SCRY" -v $jflag -M 4 >/dev/null 2>"$TMP/flood" &
	sp=$!
	wait_ready "$TMP/flood" '^scry: tracing'
	start=$(date +%s%N)
	while [ $(( $(date +%s%N) - start )) -lt 3000000000 ]; do taskset -c 1 "$LOOP" 200000 >/dev/null; done
	wait $sp
	sed -n 's/^scry: \([0-9]*\) events captured, \([0-9]*\) dropped (\([0-9.]*\)%), \([0-9.]*\) s/\1 \2 \3 \4/p' "$TMP/flood" |
		awk -v m=$mode '{ printf "flood, %s to /dev/null: %.2f M events/s delivered to the consumer, %.2f M/s offered, %s%% dropped\n", m, $1 / $4 / 1e6, ($1 + $2) / $4 / 1e6, $3 }'
done

# Filter push-down (issue 14): what watching one container costs the others.
BUILD=$BUILD sh tests/bench/bench_pushdown.sh

# The reorder stage that puts the CPUs' records in time order: its own cost per record.
taskset -c 0 "$BUILD/bench_reorder"

# Capture files: writing and replaying (issue 5).
BUILD=$BUILD sh tests/bench/bench_capture.sh
BUILD=$BUILD sh tests/bench/bench_net.sh
# I/O data: the stream with -s 0 and -s 80 (issue 12).
BUILD=$BUILD sh tests/bench/bench_io.sh
# Block I/O: dd oflag=direct untraced and under topcontainers_io (issue 13).
BUILD=$BUILD sh tests/bench/bench_blk.sh
echo
BUILD=$BUILD sh tests/bench/bench_sched.sh
echo
# scry serve's cost of serving 100 and 1000 containers' series (issue 16).
BUILD=$BUILD sh tests/bench/bench_serve.sh
