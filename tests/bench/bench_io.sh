#!/bin/sh
# make bench, I/O data (-s): the cost per write and read of 128 bytes through a pipe under the
# event stream (text to /dev/null, every event) with -s 0 (no data: the hot path of before) and
# -s 80 (sysdig's default: 80 bytes copied at each exit, records still staged), and -s 1024
# (past what is staged: each data record goes to the ring on its own), side by side in rounds,
# medians. Needs root. The loop runs on CPU 1, scry on CPU 0.
set -u
: "${BUILD:=build}"
SCRY=$BUILD/scry LOOP=$BUILD/helpers/io_loop
N=${BENCH_IO_N:-500000} ROUNDS=${BENCH_ROUNDS:-9}
TMP=$(mktemp -d /tmp/scry-bench-io.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT

. tests/bench/common.sh

loop() { taskset -c 1 "$LOOP" "$N" 128; }

# run NAME ARGS...: one loop under scry; appends ns/call to $TMP/NAME, drops to $TMP/NAME.drop
run() {
	name=$1; shift
	taskset -c 0 "$SCRY" -v "$@" >/dev/null 2>"$TMP/err" &
	pid=$!
	wait_ready "$TMP/err" '^scry: tracing'
	loop >/dev/null	# warm-up
	sleep 0.5
	loop >>"$TMP/$name"
	sleep 0.5
	kill -INT $pid; wait $pid
	sed -n 's/^scry: \([0-9]*\) events captured, \([0-9]*\) dropped.*/\1 \2/p' "$TMP/err" >>"$TMP/$name.drop"
}

for r in $(seq "$ROUNDS"); do
	loop >>"$TMP/untraced"
	run s0 -s 0 proc.name=io_loop
	run s80 -s 80 proc.name=io_loop
	run s1024 -s 1024 proc.name=io_loop
done

med() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
drops() { awk '{ c += $1; d += $2 } END { printf "%d/%d", d, c }' "$TMP/$1.drop"; }
echo "write+read of 128 bytes through a pipe, $N rounds, $ROUNDS runs; ns per syscall (medians)"
printf '%-46s %8s %9s  %s\n' configuration median overhead "dropped/captured"
for c in "untraced untraced" "s0 scry, text to /dev/null, -s 0" \
	 "s80 scry, text to /dev/null, -s 80 (default)" "s1024 scry, text to /dev/null, -s 1024"; do
	k=${c%% *} label=${c#* }
	d=
	[ "$k" != untraced ] && d=$(drops "$k")
	awk -v n="$label" -v x="$(med "$k")" -v u="$(med untraced)" -v d="$d" \
		'BEGIN { printf "%-46s %8.1f %+9.1f  %s\n", n, x, x - u, d }'
done
