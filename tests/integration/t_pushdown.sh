#!/bin/sh
# Filter push-down (issue 14) never changes an answer. For a table of filters (pushed down fully,
# partly and not at all), three runs watch the same workload side by side: scry with the filter
# (push-down on), scry with --no-kernel-filter (judged in userspace only), and one unfiltered
# capture, replayed with each filter afterwards. The workload: tests/helpers/fd_ops (fds made,
# inherited, shared, closed...) on the host, then UDP datagrams, and in two containers, one
# started before the runs (pdA, held on a fifo) and one after (pdB, by its id: a name its runtime
# gives each of 20 runs at once may come after the hold's second), while a third container (pdN)
# loops on getppid. Every event the three give must be the same (sorted: the runs' clocks differ
# by nanoseconds, which can swap two CPUs' near-simultaneous events; and without proc.name, which
# an event that reaches a loaded run late shows as of after a later exec: for the same reason a
# filter on proc.name takes no execve enter), and -v must name what went into the kernel. Last, a host process moves itself into pdN's cgroup inside a write.
. tests/lib/common.sh
. tests/lib/docker.sh
plan 35

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
t="$TMP/t"
mkdir -p "$t" "$TMP/wH"
chmod 777 "$t"
mkfifo "$t/goA" "$t/goH"
D="$DOCKER"
$D run -d --name pdN --network none "$IMAGE" sh -c \
	'while true; do /h/getppid_loop 1000 >/dev/null; sleep 0.5; done' >/dev/null &&
$D run -d --name pdA --network none -v "$t:/t" "$IMAGE" sh -c \
	'mkdir -p /tmp/w && read x < /t/goA && exec /h/fd_ops /tmp/w' >/dev/null ||
	{ not_ok "containers start"; finish; }
# pdB is made now and started once every run traces: its processes and cgroup are new to them.
BID=$($D create --name pdB --network none "$IMAGE" sh -c 'mkdir -p /tmp/w && exec /h/fd_ops /tmp/w' |
      cut -c1-12)
# The host's: fd_ops, then three UDP datagrams to a loopback port nobody reads (the fd table
# learns the socket's addresses from sendto: a call no evt.type=close filter names).
UPORT=$((20000 + $$ % 20000))
sh -c "read x < '$t/goH' && '$HELPERS/fd_ops' '$TMP/wH' &&
       exec '$HELPERS/net_io' udp 127.0.0.1 $UPORT 3 10" >"$TMP/hout" 2>&1 &
HPID=$!

FMT='%evt.type %evt.dir %proc.pid %thread.tid %container.id %fd.num %fd.name %evt.rawres'
# name|filter|what -v says of its kernel part
cat >"$TMP/filters" <<EOF
ctr|container.id=$BID|cgroups: each judged
ctrsys|container.name=pdA and evt.type in (openat, write, read, close)|can match (read, write);
pid|proc.pid=$HPID|processes: 1 ($HPID)
fail|evt.failed=1 and proc.name=fd_ops|, by result;
notctr|not container.name=pdA and evt.dir='<' and proc.name=fd_ops|cgroups: each judged
none|container.name=pdA or proc.pid=$HPID|filter in the kernel: nothing
state|evt.type=write and fd.name contains rel.txt|syscalls: 1 of
udp|evt.type=close and proc.name=net_io|syscalls: 0 of
EOF

PIDS=
EXTRA_CLEANUP='kill -KILL $PIDS 2>/dev/null; '"$EXTRA_CLEANUP"
# Every run starts before the workload and stops after it; one after the other, each once the
# one before traces (all at once, each would trace the others' start and overflow its ring).
started=yes
go() { # go NAME ARGS...
	run=$1; shift
	[ "$started" = yes ] || return
	if start_scry "$TMP/$run.out" "$TMP/$run.err" --ring-mb 64 "$@"; then
		PIDS="$PIDS $SCRY_PID" SCRY_PID=
	else
		started="no: $run"
	fi
}
while IFS='|' read -r n f said; do
	go "k_$n" -p "$FMT" "$f"
	go "u_$n" -p "$FMT" --no-kernel-filter "$f"
done <"$TMP/filters"
go all -w "$TMP/all.scry"
go wctr -w "$TMP/wctr.scry" container.id=$BID
go vk -c topprocs_syscalls --interval 0 --top 1000 -j container.id=$BID
go vu -c topprocs_syscalls --interval 0 --top 1000 -j --no-kernel-filter container.id=$BID
# A host process that moves itself into pdN's cgroup: its write's enter is left out (the host's
# cgroup cannot match), its exit, in pdN's cgroup, can.
cp "$(command -v dash || command -v sh)" "$TMP/mover"
go k_mv -p "$FMT" container.name=pdN and proc.name=mover
go u_mv -p "$FMT" --no-kernel-filter container.name=pdN and proc.name=mover
check "every run starts ($started)" [ "$started" = yes ]

# The workload, inside every run's window (once their start, 17 at once, has settled).
sleep 1
$D start -a pdB >"$TMP/bout" 2>&1
brc=$?
echo go >"$t/goA"
echo go >"$t/goH"
wait_pid $HPID 60
hrc=$?
arc=$($D wait pdA)
# pdN's cgroup in the cgroup2 hierarchy (the ids scry attributes by), from its loop's process
npid=$($D inspect -f '{{.State.Pid}}' pdN)
v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)$(sed -n 's/^0:://p' "/proc/$npid/cgroup")
"$TMP/mover" -c "echo \$\$ >'$v2/cgroup.procs' && echo \$\$" >"$TMP/mover.out" 2>&1
mrc=$?
sleep 1	# the stages' last records, and the names' holds
rcs=
for p in $PIDS; do kill -INT $p; done
for p in $PIDS; do wait_pid $p 60; rcs="$rcs$?"; done
PIDS=
drops=$(for e in "$TMP"/*.err; do dropped "$e"; done | sort -u | tr '\n' ' ')
checkall "the workloads ran (host $hrc, pdA $arc, pdB $brc, the mover $mrc), every run exits 0 ($rcs) and drops nothing ($drops)" \
	'[ "$hrc$arc$brc$mrc" = 0000 ] && [ -z "$(echo "$rcs" | tr -d 0)" ] && [ "$drops" = "0 " ]'

# The move: the write's exit is there with push-down as without (judged again at the exit: the
# move voided the enter's verdict); only its enter, left out under the host's cgroup, is not.
mpid=$(tail -n 1 "$TMP/mover.out")
check "a write that moves its process into a watched cgroup: its exit shows with push-down" \
	grep -q "^write < $mpid $mpid " "$TMP/k_mv.out"
# (Without push-down that enter shows when it was folded into its exit, which names the new
# cgroup; not when the move switched the task out first: then it went out alone, in the old.)
sort "$TMP/k_mv.out" >"$TMP/k_mv.sorted"
sort "$TMP/u_mv.out" >"$TMP/u_mv.sorted"
awk -v w="write > $mpid $mpid " 'index($0, w) == 1 && !n++ { next } { print }' \
	"$TMP/u_mv.sorted" >"$TMP/u_mv.less"
checkall "the mover's events are the same with and without push-down, but for that write's enter" \
	'cmp -s "$TMP/k_mv.sorted" "$TMP/u_mv.sorted" || cmp -s "$TMP/k_mv.sorted" "$TMP/u_mv.less"' ||
	diff "$TMP/k_mv.sorted" "$TMP/u_mv.sorted" | head -5 | sed 's/^/# /'

sorted() { sort "$1" >"$1.sorted"; }
while IFS='|' read -r n f said; do
	# The capture also traced block I/O (the stream does not): not in the comparison.
	"$SCRY" -r "$TMP/all.scry" -p "$FMT" "$f" 2>"$TMP/r_$n.err" | grep -v '^blockio ' >"$TMP/r_$n.out"
	sorted "$TMP/k_$n.out"; sorted "$TMP/u_$n.out"; sorted "$TMP/r_$n.out"
	lines=$(wc -l <"$TMP/k_$n.out.sorted")
	checkall "$n: '$f' gives events ($lines), the same with push-down as judged in scry only" \
		'[ "$lines" -gt 0 ] && cmp -s "$TMP/k_$n.out.sorted" "$TMP/u_$n.out.sorted"' ||
		diff "$TMP/k_$n.out.sorted" "$TMP/u_$n.out.sorted" | head -5 | sed 's/^/# /'
	check "$n: the same as the replay of an unfiltered capture with the filter" \
		cmp -s "$TMP/k_$n.out.sorted" "$TMP/r_$n.out.sorted" ||
		diff "$TMP/k_$n.out.sorted" "$TMP/r_$n.out.sorted" | head -5 | sed 's/^/# /'
	kernel=$(sed -n 's/^scry: filter in the kernel: //p' "$TMP/k_$n.err")
	check "$n: -v says what went into the kernel ('$said' in '$kernel')" \
		grep -qF -- "$said" "$TMP/k_$n.err"
done <"$TMP/filters"

# The kernel really left events out where it could, and never where it could not.
out() { sed -n 's/^scry: \([0-9]*\) syscalls left out in the kernel.*/\1/p' "$TMP/$1.err"; }
checkall "container.id=$BID (pdB): pdN's and pdA's syscalls were left out ($(out k_ctr)), none with --no-kernel-filter ($(out u_ctr))" \
	'[ "$(out k_ctr)" -gt 1000 ] && [ -z "$(out u_ctr)" ]'
checkall "proc.pid: the other processes' syscalls were left out ($(out k_pid))" '[ "$(out k_pid)" -gt 1000 ]'
check "the filter that pushes nothing down leaves nothing out ($(out k_none))" [ -z "$(out k_none)" ]
check "-v names the cgroups left out: pdN's, judged once its name was known" \
	grep -q '^scry: cgroup [0-9]* (pdN) cannot match the filter' "$TMP/k_ctr.err"
check "pdB, started after scry, was never left out" \
	sh -c "! grep -q '(pdB) cannot match' '$TMP/k_ctr.err'"

# -w with a filter: the push-down's capture replays to the same events.
"$SCRY" -r "$TMP/wctr.scry" -p "$FMT" container.id=$BID 2>"$TMP/rw.err" | grep -v '^blockio ' |
	sort >"$TMP/rw.sorted"
check "-w container.id=$BID (pdB, pushed down) replays to the live run's events" \
	cmp -s "$TMP/rw.sorted" "$TMP/k_ctr.out.sorted"

# A view: the same rows and counts (rates aside: the runs' lengths differ).
rows() {
	py "
import json, sys
t = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
rows = sorted(json.dumps({k: v for k, v in r.items() if not k.endswith('.ps')}, sort_keys=True)
	      for r in t['rows'])
print(len(rows), sum(r['syscalls'] for r in t['rows']), '|'.join(rows))
" "$1"
}
vk=$(rows "$TMP/vk.out") vu=$(rows "$TMP/vu.out")
checkall "-c topprocs_syscalls container.id=$BID: the same rows and counts (${vk%% |*}) with push-down as without (${vu%% |*})" \
	'[ -n "$vk" ] && [ "${vk%% *}" -gt 0 ] && [ "$vk" = "$vu" ]'
finish
