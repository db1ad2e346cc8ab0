#!/bin/sh
# make bench, filter push-down (issue 14): what scry costs the containers it does not watch.
# A getppid loop (bench_loop, CPU 1) runs on the host or in one of two Docker containers of a
# private engine (benchA, benchB, both pinned to CPU 1), with scry on CPU 0 watching benchB
# (stream, view, -w), and filters that exclude the loop by pid and by syscall. Every row is
# measured side by side with the untraced loop and the two-tracepoint counting floor (a per-CPU
# counter on sys_enter and sys_exit: the least a tracer of syscalls with their latency costs),
# interleaved round by round; medians of the loop's own CPU time per call (bench_loop: steal time
# on a shared VM left out). Overhead = ns per call minus the untraced loop's in the
# same place (host or container); "x floor2" = that overhead over the floor's, in the same place.
set -u
: "${BUILD:=build}"
SCRY=$PWD/$BUILD/scry FLOOR=$PWD/$BUILD/scry-floor LOOP=$PWD/$BUILD/helpers/bench_loop
HELPERS=$PWD/$BUILD/helpers IMAGE_BINS=
N=${BENCH_N:-1000000} ROUNDS=${BENCH_ROUNDS:-5}
TMP=$(mktemp -d /tmp/scry-bench-pd.XXXXXX)

. tests/bench/common.sh
. tests/lib/kill.sh
. tests/lib/docker.sh
trap 'kill $(jobs -p) 2>/dev/null; docker_cleanup; rm -rf "$TMP"' EXIT

dockerd_start >/dev/null && image_build || { echo "bench_pushdown: no private dockerd"; exit 0; }
for c in benchA benchB; do
	"$DOCKER" run -d --name $c --network none --cpuset-cpus 1 "$IMAGE" sleep 100000 >/dev/null ||
		{ echo "bench_pushdown: cannot start $c"; exit 0; }
done

# loop WHERE: ns per call of N getppid calls on the host (CPU 1) or in container WHERE
loop() {
	case $1 in
	host) taskset -c 1 "$LOOP" "$N" ;;
	*) "$DOCKER" exec "$1" /h/bench_loop "$N" ;;
	esac
}

# one NAME WHERE [scry ARGS...]: a warm-up loop and a measured one, under scry ARGS (none: the
# floor, `-`: untraced)
one() {
	name=$1 where=$2; shift 2
	case ${1:-} in
	-) loop "$where" >>"$TMP/$name"; return ;;
	floor2) "$FLOOR" enter-exit >/dev/null 2>"$TMP/err" & tp=$!; ready=ready ;;
	*) taskset -c 0 "$SCRY" -v "$@" >/dev/null 2>"$TMP/err" & tp=$!; ready='^scry: tracing' ;;
	esac
	wait_ready "$TMP/err" "$ready"
	loop "$where" >/dev/null	# warm-up: the ring's pages, the cgroup judged
	sleep 0.3
	loop "$where" >>"$TMP/$name"
	kill -INT $tp; wait $tp
	sed -n 's/^scry: \([0-9]*\) events captured, \([0-9]*\) dropped.*/\1 \2/p' "$TMP/err" >>"$TMP/$name.drop"
	sed -n 's/^scry: \([0-9]*\) syscalls left out.*/\1/p' "$TMP/err" >>"$TMP/$name.out"
}

W=$TMP/w.scry
for r in $(seq "$ROUNDS"); do
	one host_none host -
	one host_floor2 host floor2
	one a_none benchA -
	one a_floor2 benchA floor2
	one a_stream benchA container.name=benchB
	one a_stream_nokf benchA container.name=benchB --no-kernel-filter
	one a_view benchA -c topprocs_syscalls container.name=benchB
	one a_write benchA -w "$W" container.name=benchB
	one b_stream benchB container.name=benchB
	one host_pid host proc.pid=1
	one host_sys host evt.type=read
	one host_all host
	rm -f "$W"
done

med() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
sum() { awk '{ s += $1 } END { printf "%d", s }' "$TMP/$1" 2>/dev/null; }
echo
echo "filter push-down: getppid loop, $N calls per round, $ROUNDS rounds; ns of CPU per call (medians)"
printf '%-58s %8s %9s %9s  %s\n' configuration median overhead "x floor2" "left out in kernel / captured"
row() { # row TEXT KEY BASE FLOOR
	awk -v n="$1" -v x="$(med "$2")" -v u="$(med "$3")" -v f="$(med "$4")" \
	    -v extra="$(sum "$2.out")/$(awk '{ c += $1 } END { printf "%d", c }' "$TMP/$2.drop" 2>/dev/null)" 'BEGIN {
		o = x - u; fo = f - u
		printf "%-58s %8.1f %+9.1f %9s  %s\n", n, x, o, (fo > 0 && n !~ /floor|untraced/ ? sprintf("%.2f", o / fo) : "-"), extra }'
}
row "host: untraced" host_none host_none host_floor2
row "host: counting floor on sys_enter and sys_exit" host_floor2 host_none host_floor2
row "host: scry, every event (text to /dev/null)" host_all host_none host_floor2
row "host: scry proc.pid=1 (the loop left out by pid)" host_pid host_none host_floor2
row "host: scry evt.type=read (the loop left out by syscall)" host_sys host_none host_floor2
row "container A: untraced" a_none a_none a_floor2
row "container A: counting floor on sys_enter and sys_exit" a_floor2 a_none a_floor2
row "container A: scry container.name=benchB (stream)" a_stream a_none a_floor2
row "container A: the same, --no-kernel-filter" a_stream_nokf a_none a_floor2
row "container A: scry -c topprocs_syscalls container.name=benchB" a_view a_none a_floor2
row "container A: scry -w container.name=benchB" a_write a_none a_floor2
row "container B: scry container.name=benchB (the loop watched)" b_stream a_none a_floor2
