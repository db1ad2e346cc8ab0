#!/bin/sh
# issue 18 (ns18): a loop run through `nsenter -t PID -m -u -n -p -i` (the container's
# namespaces, the host's cgroup) and one through `docker exec` (namespaces and cgroup) both show
# under the container, the first marked as entered from outside (container.entered, and
# NAME+entered in -pc lines), with an nsenter event naming the process that entered; live and
# from a capture. Each loop calls getppid exactly as often as the test told it: every call shows,
# under the container, marked or not as it should be.
. tests/lib/common.sh
plan 9
. tests/lib/docker.sh

NS_N=1111 EX_N=2222
dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
tag=$$
VIEWS=
EXTRA_CLEANUP='[ -n "$VIEWS" ] && kill -KILL $VIEWS 2>/dev/null; docker_cleanup'
view() {
	n=$1; shift
	start_scry "$TMP/$n.out" "$TMP/$n.err" "$@" || return 1
	eval "PID_$n=\$SCRY_PID"
	VIEWS="$VIEWS $SCRY_PID" SCRY_PID=
}
stop_view() {
	eval "kill -INT \$PID_$1; wait_pid \$PID_$1 60"
	vrc="$vrc $1=$?"
}

"$DOCKER" run -d --name "ns-$tag" --network none "$IMAGE" sleep 600 >/dev/null
init=$("$DOCKER" inspect -f '{{.State.Pid}}' "ns-$tag")
FMT='%evt.type %evt.dir %proc.vpid %container.name %container.entered %proc.cmdline'
# the nsenter event is nsenter's child at its fork, before it execs the loop
FILTER="(evt.type=getppid and proc.name=getppid_loop) or evt.type=nsenter"
view live -p "$FMT" "$FILTER" || { not_ok "scry starts"; finish; }
view pc -pc "$FILTER" || { not_ok "scry starts"; finish; }
view rec -w "$TMP/n.scry" || { not_ok "scry -w starts"; finish; }

# The loops print "pid tid" as their own namespace sees them.
nsenter -t "$init" -m -u -n -p -i /h/getppid_loop $NS_N >"$TMP/ns.pid" 2>"$TMP/ns.err"
"$DOCKER" exec "ns-$tag" /h/getppid_loop $EX_N >"$TMP/ex.pid" 2>"$TMP/ex.err"
sleep 0.5
vrc=
stop_view live
stop_view pc
stop_view rec
"$SCRY" -r "$TMP/n.scry" -p "$FMT" "$FILTER" >"$TMP/replay.out" 2>"$TMP/replay.err"
vrc="$vrc replay=$?"
"$SCRY" -r "$TMP/n.scry" -pc "$FILTER" >"$TMP/pcr.out" 2>"$TMP/pcr.err"
vrc="$vrc pc_replay=$?"

py "
import re
from collections import Counter
ns_vpid = int(open('$TMP/ns.pid').read().split()[0])
ex_vpid = int(open('$TMP/ex.pid').read().split()[0])
out = {}
for src in ('live', 'replay'):
    lines = [l.split(' ', 5) for l in open('$TMP/%s.out' % src) if l.strip()]
    calls = Counter((l[2], l[3], l[4], l[5].strip()) for l in lines
                    if l[0] == 'getppid' and l[1] == '<')
    want = Counter({(str(ns_vpid), 'ns-$tag', '1', 'getppid_loop $NS_N'): $NS_N,
                    (str(ex_vpid), 'ns-$tag', '0', 'getppid_loop $EX_N'): $EX_N})
    out[src + ' calls'] = calls == want or ('calls', dict(calls), dict(want))
    ev = [l for l in lines if l[0] == 'nsenter']
    out[src + ' event'] = (len([l for l in ev if l[2] == str(ns_vpid) and l[3] == 'ns-$tag' and
                                l[4] == '1' and l[5].startswith('nsenter ')]) == 1
                           or ('nsenter events', ev))
for src in ('pc', 'pcr'):
    # an enter and an exit line per call
    lines = [l for l in open('$TMP/%s.out' % src) if re.search(r' [<>] getppid( |$)', l)]
    marked = sum(' ns-$tag+entered (' in l for l in lines)
    plain = sum(' ns-$tag (' in l for l in lines)
    out[src] = (marked == $NS_N * 2 and plain == $EX_N * 2) or ('-pc lines', marked, plain, len(lines))
for k, v in out.items():
    print(k, 'ok' if v is True else v)
" >"$TMP/res" 2>&1
res() { grep -q "^$1 ok$" "$TMP/res" || { sed 's/^/#   /' "$TMP/res" | grep -v " ok$" | tail -3; false; }; }
for src in live replay; do
	checkall "$src: both loops' $NS_N and $EX_N getppid calls under the container, the nsenter one's entered=1, docker exec's 0" 'res "$src calls"'
	checkall "$src: one nsenter event, for the process that entered (its vpid, the container)" 'res "$src event"'
done
checkall "-pc lines: the nsenter loop's marked ns-$tag+entered, docker exec's plain" 'res pc'
checkall "-pc lines from the capture: the same" 'res pcr'
checkall "nsenter and docker exec ran (exit 0, pids printed)" \
	'[ -s "$TMP/ns.pid" ] && [ -s "$TMP/ex.pid" ]' || sed 's/^/#   /' "$TMP/ns.err" "$TMP/ex.err"
checkall "every scry exits 0 ($vrc)" '! echo "$vrc" | grep -q "=[1-9]"' ||
	sed 's/^/#   /' "$TMP/live.err" "$TMP/replay.err" | tail -5
# CPU: where the kernel charges it, the host's cgroup (docs/containers.md)
checkall "the nsenter loop's CPU is not the container's: topcontainers_cpu from the capture charges the host" \
	'"$SCRY" -r "$TMP/n.scry" -c topcontainers_cpu --interval 0 -j "proc.name=getppid_loop" >"$TMP/cpu.out" 2>/dev/null &&
	 py "
import json
rows = {r[\"container.name\"]: r for r in json.load(open(\"$TMP/cpu.out\"))[\"rows\"]}
assert \"host\" in rows and rows[\"host\"][\"cpu.ns\"] > 0, rows
print(\"ok\")" >/dev/null' || sed 's/^/#   /' "$TMP/cpu.out" | head -3
finish
