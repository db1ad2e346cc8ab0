#!/bin/sh
# make bench, block I/O (issue 13): the cost per request of the block tracepoints. dd writes
# 4 KiB blocks with oflag=direct (a request each, to the disk under BENCH_BLK_DIR, not tmpfs)
# untraced and under `scry -c topcontainers_io` (block_io_start, block_rq_issue and
# block_rq_complete, a record per completion; no scheduler program), side by side in rounds,
# medians of the time per write. Needs root. dd runs on CPU 1, scry on CPU 0.
set -u
: "${BUILD:=build}"
SCRY=$BUILD/scry
N=${BENCH_BLK_N:-4000} ROUNDS=${BENCH_ROUNDS:-7}
DIR=${BENCH_BLK_DIR:-/var/tmp}
TMP=$(mktemp -d /tmp/scry-bench-blk.XXXXXX)
FILE=$(mktemp "$DIR/scry-bench-blk.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP" "$FILE"' EXIT

. tests/bench/common.sh

case $(findmnt -n -o FSTYPE -T "$DIR") in
tmpfs|ramfs) echo "bench_blk: $DIR is not on a disk (BENCH_BLK_DIR=...)"; exit 0 ;;
esac

# ns per 4 KiB direct write, from dd's own start and end
loop() {
	s=$(date +%s%N)
	taskset -c 1 dd if=/dev/zero of="$FILE" bs=4k count="$N" oflag=direct conv=notrunc 2>/dev/null
	e=$(date +%s%N)
	echo $(( (e - s) / N ))
}

run() {
	name=$1; shift
	taskset -c 0 "$SCRY" -v "$@" >/dev/null 2>"$TMP/err" &
	pid=$!
	wait_ready "$TMP/err" '^scry: tracing'
	loop >>"$TMP/$name"
	kill -INT $pid; wait $pid
	sed -n 's/^scry: \([0-9]*\) events captured, \([0-9]*\) dropped.*/\1 \2/p' "$TMP/err" >>"$TMP/$name.drop"
}

loop >/dev/null	# the file's blocks allocated: every round overwrites them
for r in $(seq "$ROUNDS"); do
	loop >>"$TMP/untraced"
	run io -c topcontainers_io --interval 0
done

med() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "dd bs=4k oflag=direct to $DIR, $N writes, $ROUNDS runs; ns per write (medians)"
printf '%-40s %9s %9s  %s\n' configuration median overhead "dropped/captured"
awk -v x="$(med untraced)" 'BEGIN { printf "%-40s %9.0f %+9.0f\n", "untraced", x, 0 }'
awk -v x="$(med io)" -v u="$(med untraced)" -v d="$(awk '{ c += $1; d += $2 } END { printf "%d/%d", d, c }' "$TMP/io.drop")" \
	'BEGIN { printf "%-40s %9.0f %+9.0f  %s\n", "scry -c topcontainers_io", x, x - u, d }'
