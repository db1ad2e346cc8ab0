#!/bin/sh
# Capture files (issue 5): recording and replay throughput, and bytes per event on disk.
#   1. the writer without the kernel: a synthetic stream of realistic records through the real
#      consumer path (decode, process table, containers, capture sink) into the writer thread,
#      as fast as it goes and paced at 2 M events/s;
#   2. replay of that file on one core: into a sink that only counts, through a view, as text and
#      as JSON (the issue's figures for sysdig: 4-5 M/s through a chisel, 0.8 M/s text, 0.34 M/s
#      JSON);
#   3. recording the kernel's events with `scry -w` under a getppid flood (scry on CPU 0, the loop
#      on CPU 1, as the stream bench), then the same replays of that real capture;
#   4. zlib against libdeflate on the 256 KiB blocks of both files (build/bench_deflate).
# Run from the repository root (root for part 3): BUILD=build sh tests/bench/bench_capture.sh
set -u
: "${BUILD:=build}"
SCRY=$BUILD/scry BENCH=$BUILD/bench_capture LOOP=$BUILD/helpers/bench_loop
SECS=${BENCH_CAPTURE_SECS:-5} RUNS=${BENCH_CAPTURE_RUNS:-3}
TMP=$(mktemp -d /tmp/scry-bench-capture.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT

[ -x "$BENCH" ] || { echo "bench_capture: $BENCH missing (make bench builds it)" >&2; exit 1; }
field() { sed -n "s/.*[ ^]$1=\\([0-9.]*\\).*/\\1/p" "$2"; }
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s%N; }

# replays NAME FILE EVENTS: median events/s over $RUNS runs of each output, pinned to CPU 0.
replays() {
	name=$1 file=$2 events=$3
	for r in $(seq "$RUNS"); do
		taskset -c 0 "$BENCH" read "$file" >"$TMP/read" && field events_per_s "$TMP/read" >>"$TMP/$name.count"
		for out in view text json; do
			case $out in
			view) set -- -c topcontainers_cpu --interval 0 ;;
			text) set -- ;;
			json) set -- -j ;;
			esac
			t0=$(now)
			taskset -c 0 "$SCRY" -r "$file" "$@" >/dev/null 2>&1
			t1=$(now)
			awk -v e="$events" -v t="$((t1 - t0))" 'BEGIN { printf "%.0f\n", e / (t / 1e9) }' >>"$TMP/$name.$out"
		done
	done
	for out in count view text json; do
		case $out in
		count) label="into a counting sink" ;;
		view) label="-c topcontainers_cpu --interval 0" ;;
		text) label="text to /dev/null" ;;
		json) label="-j to /dev/null" ;;
		esac
		med <"$TMP/$name.$out" | awk -v l="$label" -v n="$name" \
			'{ printf "  replay %-6s %-36s %6.2f M events/s\n", n, l, $1 / 1e6 }'
	done
}

echo "capture files: writer and replay throughput (median of $RUNS runs where repeated)"
"$BENCH" write "$TMP/max.scry" "$SECS" >"$TMP/w.max"
"$BENCH" write "$TMP/paced.scry" "$SECS" 2000000 >"$TMP/w.paced"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "  synthetic, as fast as it goes: %.2f M events/s through the consumer, %.2f%% dropped by the writer, %.2f bytes/event\n",
		v["events_per_s"] / 1e6, 100 * v["dropped"] / v["events"], v["bytes_per_event"] }' "$TMP/w.max"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "  synthetic, paced at 2 M events/s: %.2f M events/s sustained for %.1f s, %d dropped, %.2f bytes/event (%.2f before deflate)\n",
		v["events_per_s"] / 1e6, v["secs"], v["dropped"], v["bytes_per_event"], v["raw_bytes"] / v["written"] }' "$TMP/w.paced"
replays synth "$TMP/paced.scry" "$(field written "$TMP/w.paced")"

if [ "$(id -u)" -ne 0 ]; then
	echo "  (recording from the kernel needs root: skipped)"
	exit 0
fi
taskset -c 0 "$SCRY" -v -w "$TMP/live.scry" -M 5 >/dev/null 2>"$TMP/live.err" &
sp=$!
i=0
until grep -q '^scry: tracing' "$TMP/live.err" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 300 ] && { echo "bench: scry -w did not start" >&2; cat "$TMP/live.err" >&2; exit 1; }
	sleep 0.1
done
start=$(now)
while [ $(( $(now) - start )) -lt 4000000000 ]; do taskset -c 1 "$LOOP" 200000 >/dev/null; done
wait $sp
sed -n 's/^scry: \([0-9]*\) events captured, \([0-9]*\) dropped (\([0-9.]*\)%), \([0-9.]*\) s/\1 \2 \3 \4/p' "$TMP/live.err" >"$TMP/live.bpf"
sed -n 's/^scry: wrote \([0-9]*\) events .*, \([0-9.]*\) bytes\/event), \([0-9]*\) dropped by the writer/\1 \2 \3/p' "$TMP/live.err" >"$TMP/live.w"
read -r rec bdrop bpct secs <"$TMP/live.bpf"
read -r events bpe wdrop <"$TMP/live.w"
awk -v r="$rec" -v d="$bdrop" -v p="$bpct" -v s="$secs" -v e="$events" -v b="$bpe" -v w="$wdrop" 'BEGIN {
	printf "  scry -w under a getppid flood (scry on CPU 0, loop on CPU 1): %.2f M records/s (%.2f M events/s) recorded, %s%% dropped by BPF, %d by the writer, %.2f bytes/event\n",
		r / s / 1e6, e / s / 1e6, p, w, b }'
replays live "$TMP/live.scry" "$events"
# 4. zlib against libdeflate on the 256 KiB blocks of both captures (issue 10: the writer's codec).
if [ -x "$BUILD/bench_deflate" ]; then
	echo "  blocks of the live capture: zlib against libdeflate (one thread, best of 5 rounds)"
	taskset -c 0 "$BUILD/bench_deflate" "$TMP/live.scry" | sed 's/^/  /'
	echo "  blocks of the synthetic capture:"
	taskset -c 0 "$BUILD/bench_deflate" "$TMP/paced.scry" | sed 's/^/  /'
fi
