#!/bin/sh
# make bench, block I/O (issue 13): the cost per request of the block tracepoints. dd writes
# 4 KiB blocks with oflag=direct (a request each, to the disk under BENCH_BLK_DIR, not tmpfs)
# untraced and under `scry -c topcontainers_io` (block_io_start, block_rq_issue and
# block_rq_complete, a record per completion; no scheduler program), side by side in rounds,
# medians of the time per write. The disk's own time dominates and varies with the machine's
# other work, so the programs' CPU cost is also read from the kernel (kernel.bpf_stats_enabled
# for the traced runs, restored after): run time per invocation of each block program. Needs
# root. dd runs on CPU 1, scry on CPU 0.
set -u
: "${BUILD:=build}"
SCRY=$BUILD/scry
N=${BENCH_BLK_N:-4000} ROUNDS=${BENCH_ROUNDS:-7}
DIR=${BENCH_BLK_DIR:-/var/tmp}
TMP=$(mktemp -d /tmp/scry-bench-blk.XXXXXX)
FILE=$(mktemp "$DIR/scry-bench-blk.XXXXXX")
STATS0=$(sysctl -n kernel.bpf_stats_enabled)
trap 'kill $(jobs -p) 2>/dev/null; sysctl -q -w kernel.bpf_stats_enabled="$STATS0"; rm -rf "$TMP" "$FILE"' EXIT

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
	before=$(bpftool prog show -j | python3 -c "import json, sys; print(' '.join(str(p['id']) for p in json.load(sys.stdin)))")
	taskset -c 0 "$SCRY" -v "$@" >/dev/null 2>"$TMP/err" &
	pid=$!
	wait_ready "$TMP/err" '^scry: tracing'
	sysctl -q -w kernel.bpf_stats_enabled=1
	loop >>"$TMP/$name"
	# this scry's block programs (loaded since it started): "name run_time_ns run_cnt"
	bpftool prog show -j | python3 -c "
import json, sys
old = set('$before'.split())
for p in json.load(sys.stdin):
    if p.get('name', '').startswith('scry_block') and str(p['id']) not in old:
        print(p['name'], p.get('run_time_ns', 0), p.get('run_cnt', 0))" >>"$TMP/$name.progs"
	sysctl -q -w kernel.bpf_stats_enabled="$STATS0"
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
echo "kernel.bpf_stats_enabled: CPU time of each block program per run (all runs)"
awk '{ t[$1] += $2; n[$1] += $3 } END { for (p in t) printf "  %-22s %8.0f ns per run, %d runs\n", p, n[p] ? t[p] / n[p] : 0, n[p] }' \
	"$TMP/io.progs" | sort
