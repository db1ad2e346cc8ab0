#!/bin/sh
# Real clients and servers, each in its own container (host network, loopback only): sockperf
# ping-pong over TCP and over UDP (127.0.0.1), iperf3 over TCP on ::1. Every byte figure is
# checked against what the programs themselves report: sockperf's "[Total Run] SentMessages"
# times the message size (the server echoes each message, so the server receives exactly that),
# iperf3's own sum_sent for the data connection it names by port. Per container
# (topcontainers_net), per connection from both ends (topconns), and replayed from a capture.
. tests/lib/common.sh
plan 10
. tests/lib/docker.sh

for b in iperf3 sockperf; do
	command -v $b >/dev/null || skip_rest $b "$b is not installed (tools/install-deps.sh installs it)"
done
IMAGE_BINS="$(command -v iperf3) $(command -v sockperf)"
dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
pfx=scrytest-peer-$$
P1=$((46000 + $$ % 1000)) P2=$((47000 + $$ % 1000)) P3=$((48000 + $$ % 1000))
M1=64 M2=100 IK=4000000 IL=100000

# listening PROTO PORT: wait until something listens on the port (the servers run detached).
listening() {
	i=0
	until [ -n "$(ss -Hn"$1"l "sport = :$2" 2>/dev/null)" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done
}

who="container.name startswith $pfx"
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$TMP/peers.scry" "$who" || { not_ok "scry -w starts"; finish; }
REC=$SCRY_PID
start_scry "$TMP/conns" "$TMP/conns.err" -c topconns --interval 0 -j "$who" ||
	{ not_ok "scry -c topconns starts"; finish; }
CONNS=$SCRY_PID
# runc's init talks to runc over unix sockets inside each container's cgroup: IP only.
start_scry "$TMP/ctrs" "$TMP/ctrs.err" -c topcontainers_net --interval 0 -j "$who and fd.sockfamily=ip" ||
	{ not_ok "scry -c topcontainers_net starts"; finish; }
EXTRA_CLEANUP="kill -KILL $REC $CONNS 2>/dev/null; $EXTRA_CLEANUP"

srv() { n=$1; shift; "$DOCKER" run -d --network host --name "$pfx-$n" "$IMAGE" "$@" >/dev/null; }
srv tcps sockperf server -i 127.0.0.1 -p $P1 --tcp && listening t $P1 &&
	"$DOCKER" run --network host --name "$pfx-tcpc" "$IMAGE" \
	sockperf ping-pong -i 127.0.0.1 -p $P1 --tcp -m $M1 -t 1 --mps=2000 >"$TMP/tcp.out" 2>&1
rc1=$?
srv udps sockperf server -i 127.0.0.1 -p $P2 && listening u $P2 &&
	"$DOCKER" run --network host --name "$pfx-udpc" "$IMAGE" \
	sockperf ping-pong -i 127.0.0.1 -p $P2 -m $M2 -t 1 --mps=2000 >"$TMP/udp.out" 2>&1
rc2=$?
srv ips iperf3 -s -1 -p $P3 && listening t $P3 &&
	"$DOCKER" run --network host --name "$pfx-ipc" "$IMAGE" \
	iperf3 -c ::1 -p $P3 -n $IK -l $IL -J >"$TMP/iperf.json" 2>"$TMP/iperf.err"
rc3=$?
"$DOCKER" rm -f "$pfx-tcps" "$pfx-udps" >/dev/null 2>&1
sleep 0.5
stop_scry INT; r1=$?
SCRY_PID=$CONNS; stop_scry INT; r2=$?
SCRY_PID=$REC; stop_scry INT; r3=$?

sent() { sed -n 's/.*\[Total Run\].*SentMessages=\([0-9]*\);.*/\1/p' "$1"; }
S1=$(sent "$TMP/tcp.out") S2=$(sent "$TMP/udp.out")
IB=$(py "import json; print(json.load(open('$TMP/iperf.json'))['end']['sum_sent']['bytes'])" 2>/dev/null)
IP=$(py "import json; print(json.load(open('$TMP/iperf.json'))['start']['connected'][0]['local_port'])" 2>/dev/null)
checkall "sockperf tcp ($S1 sent), sockperf udp ($S2 sent) and iperf3 on ::1 ($IB bytes from port $IP) ran; three tracers exit 0" \
	'[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ $rc3 -eq 0 ] && [ "${S1:-0}" -gt 0 ] && [ "${S2:-0}" -gt 0 ] &&
	 [ "$IB" = $IK ] && [ -n "$IP" ] && [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ $r3 -eq 0 ]' ||
	tail -3 "$TMP/tcp.out" "$TMP/udp.out" "$TMP/iperf.err" "$TMP/ctrs.err" "$TMP/conns.err" "$TMP/rec.err" | sed 's/^/#   /'
K1=$((${S1:-0} * M1)) K2=$((${S2:-0} * M2))

# ctr FILE NAME: "in out" of the container's row.
ctr() {
	py "
import json
rows = [r for r in json.load(open('$1'))['rows'] if r['container.name'] == '$pfx-$2']
assert len(rows) == 1, rows
print(rows[0]['net.bytes_in'], rows[0]['net.bytes_out'])
" 2>&1 | tail -1
}
# The server echoes every message it gets; the client stops when its time is up and may close
# before the last echo arrives, so what it received is not a figure sockperf states.
a=$(ctr "$TMP/ctrs" tcpc) b=$(ctr "$TMP/ctrs" tcps)
checkall "sockperf tcp: the client's container sent $K1, the server's received and echoed $K1 (got client $a, server $b)" \
	'[ "${a#* }" = $K1 ] && [ "$b" = "$K1 $K1" ]'
a=$(ctr "$TMP/ctrs" udpc) b=$(ctr "$TMP/ctrs" udps)
checkall "sockperf udp: the client's container sent $K2, the server's received and echoed $K2 (got client $a, server $b)" \
	'[ "${a#* }" = $K2 ] && [ "$b" = "$K2 $K2" ]'

# conn FILE PORT CLIENT SERVER [CPORT]: both ends of the connection to PORT as
# "client-out server-in server-out l4proto", each end on its own container with mirrored tuples.
conn() {
	py "
import json
rows = json.load(open('$1'))['rows']
cl = [r for r in rows if r.get('fd.rport') == $2 and r['container.name'] == '$pfx-$3' and ('$5' == '' or r.get('fd.lport') == int('0$5'))]
sv = [r for r in rows if r.get('fd.lport') == $2 and r['container.name'] == '$pfx-$4' and ('$5' == '' or r.get('fd.rport') == int('0$5'))]
assert len(cl) == 1 and len(sv) == 1, (cl, sv)
c, s = cl[0], sv[0]
assert (c['fd.lip'], c['fd.lport'], c['fd.rip']) == (s['fd.rip'], s['fd.rport'], s['fd.lip']), (c, s)
assert c['proc.name'] == s['proc.name'], (c, s)
print(c['net.bytes_out'], s['net.bytes_in'], s['net.bytes_out'], c['fd.l4proto'])
" 2>&1 | tail -1
}
got=$(conn "$TMP/conns" $P1 tcpc tcps)
check "topconns: the sockperf tcp connection, $K1 bytes from the client's container to the server's and echoed, both ends named (got $got)" \
	[ "$got" = "$K1 $K1 $K1 tcp" ]
# udp: one socket on each side, named by the addresses its sends and receives carry, with the
# bytes of the flow.
udp() {
	py "
import json
rows = [r for r in json.load(open('$1'))['rows'] if r.get('fd.l4proto') == 'udp']
cl = [r for r in rows if r['container.name'] == '$pfx-udpc']
sv = [r for r in rows if r['container.name'] == '$pfx-udps']
assert len(cl) == 1 and len(sv) == 1, (cl, sv)
c, s = cl[0], sv[0]
# sockperf's client sends with sendto on an unconnected socket: its first send binds a local
# port, and no remote is the socket's (each datagram names its own). The server's is bound.
assert c.get('fd.lport', 0) > 0 and c.get('fd.rport') == 0, c
assert s.get('fd.lport') == $P2 and s.get('fd.lip') == '127.0.0.1' and s.get('fd.rport') == 0, s
print(c['net.bytes_out'], s['net.bytes_in'], s['net.bytes_out'], c['proc.name'], s['proc.name'])
" 2>&1 | tail -1
}
got=$(udp "$TMP/conns")
check "topconns: the sockperf udp flow, the client's socket (bound by its first send) and the server's on 127.0.0.1:$P2, $K2 bytes each way (got $got)" \
	[ "$got" = "$K2 $K2 $K2 sockperf sockperf" ]
# iperf3's server stops reading when the test ends (its own report counts less than was sent):
# the client's side of the data connection is what iperf3 itself counted, after the 37-byte
# cookie (iperf3's COOKIE_SIZE) that opens every data connection.
got=$(conn "$TMP/conns" $P3 ipc ips "$IP")
check "topconns: iperf3's data connection on ::1 sent 37 + $IK bytes from port $IP, as iperf3 counted (got $got)" \
	[ "${got%% *}" = "$((IK + 37))" ]

# The recording replays to the same tables, row for row.
"$SCRY" -r "$TMP/peers.scry" -c topcontainers_net --interval 0 -j "$who and fd.sockfamily=ip" >"$TMP/rp1" 2>"$TMP/rp1.err"
"$SCRY" -r "$TMP/peers.scry" -c topconns --interval 0 -j "$who" >"$TMP/rp2" 2>"$TMP/rp2.err"
rows() { # the rows of a table, without rates (they depend on the table's duration), sorted
	py "
import json
rows = json.load(open('$1'))['rows']
print(sorted(json.dumps({k: v for k, v in r.items() if not k.endswith('_ps')}, sort_keys=True) for r in rows))
" 2>&1
}
check "replayed: topcontainers_net has the live rows" [ "$(rows "$TMP/rp1")" = "$(rows "$TMP/ctrs")" ] ||
	diff "$TMP/rp1" "$TMP/ctrs" | head -10 | sed 's/^/#   /'
check "replayed: topconns has the live rows" [ "$(rows "$TMP/rp2")" = "$(rows "$TMP/conns")" ] ||
	diff "$TMP/rp2" "$TMP/conns" | head -10 | sed 's/^/#   /'
# listen() and connect() name their caller: each server's LISTEN and each TCP client's SYN_SENT
# carry the process that made them (no later send needed), in its container. (iperf3 may listen
# anew after its test.)
"$SCRY" -r "$TMP/peers.scry" -p '%container.name %proc.name %evt.info' 'evt.type=sockstate' \
	>"$TMP/states" 2>"$TMP/states.err"
n() { grep -c -e "$1" "$TMP/states"; }
# (The local port is not chosen yet when connect() moves a socket to SYN_SENT.)
l1=$(n "^$pfx-tcps sockperf 127\.0\.0\.1:$P1->0\.0\.0\.0:0 tcp CLOSE->LISTEN ")
l2=$(n "^$pfx-ips iperf3 \[::\]:$P3->\[::\]:0 tcp CLOSE->LISTEN ")
c1=$(n "^$pfx-tcpc sockperf 127\.0\.0\.1:0->127\.0\.0\.1:$P1 tcp CLOSE->SYN_SENT ")
c2=$(n "^$pfx-ipc iperf3 \[::1\]:0->\[::1\]:$P3 tcp CLOSE->SYN_SENT ")
checkall "replayed: LISTEN names sockperf's and iperf3's servers, SYN_SENT sockperf's connect and iperf3's two (control, data) (got $l1 $l2 $c1 $c2)" \
	'[ "$l1 $c1 $c2" = "1 1 2" ] && [ "$l2" -ge 1 ]' ||
	grep -e LISTEN -e SYN_SENT "$TMP/states" | head -8 | sed 's/^/#   /'
check "the recording dropped nothing ($(dropped "$TMP/rec.err"))" [ "$(dropped "$TMP/rec.err")" = 0 ]
finish
