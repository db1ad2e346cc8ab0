#!/bin/sh
# Bytes on sockets without the sock length tracepoints (before Linux 6.3; forced here with
# SCRY_NET_FALLBACK=1): the socket syscalls' exits give what the tracepoints give, call for call.
# tests/helpers/net_calls makes every call the fallback reads, each of a known size, and the
# cases where a syscall's result is not one socket call; a tracer on the tracepoints and one on
# the fallback watch it at once. Loopback and socketpairs only.
. tests/lib/common.sh
plan 10

# What net_calls moves, each way (both ends are its own), per family: "bytes calls".
# TCP: write 1000, writev 600, sendmsg 700, send 50, write of 0 (a socket call), sendfile 3000,
# splice 2000; received by recv, readv, recvmsg, recv x3 and the read of the end (0). Not
# counted: MSG_PEEK reads, read of 0 bytes and readv/writev of no iovec (the VFS answers them),
# a send after shutdown (EPIPE), a recv with nothing there (EAGAIN).
TCP="7350 7"
# UDP: an empty datagram, sendmmsg/recvmmsg of 111 + 222 + 333 (a call per message); i386:
# sendmmsg/recvmmsg of 44 + 55.  Unix: pwritev2/preadv2 400; i386: write/read 500, socketcall
# send/recv 60 (and a MSG_PEEK recv), sendto/recvfrom 70.
UDP="666 4" UNIX="400 1"
UDP32="99 2" UNIX32="630 3"

start_scry "$TMP/tp" "$TMP/tp.err" -c topprocs_net --interval 0 -j "proc.name=net_calls" ||
	{ not_ok "scry on the tracepoints starts"; finish; }
TP=$SCRY_PID
export SCRY_NET_FALLBACK=1
start_scry "$TMP/fb" "$TMP/fb.err" -c topprocs_net --interval 0 -j "proc.name=net_calls" ||
	{ not_ok "scry on the fallback starts"; finish; }
FB=$SCRY_PID
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$TMP/calls.scry" "proc.name=net_calls" ||
	{ not_ok "scry -w on the fallback starts"; finish; }
REC=$SCRY_PID
unset SCRY_NET_FALLBACK
EXTRA_CLEANUP="kill -KILL $TP $FB 2>/dev/null; $EXTRA_CLEANUP"
"$HELPERS/net_calls" >"$TMP/calls" 2>&1
crc=$?
sleep 0.3
stop_scry INT; r1=$?
SCRY_PID=$FB; stop_scry INT; r2=$?
SCRY_PID=$TP; stop_scry INT; r3=$?
checkall "three tracers exit 0, the two on the fallback saying so (got $r1 $r2 $r3)" \
	'[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ $r3 -eq 0 ] &&
	 grep -q "SCRY_NET_FALLBACK=1: bytes on sockets are read at the socket syscalls" "$TMP/fb.err" &&
	 grep -q "SCRY_NET_FALLBACK=1" "$TMP/rec.err" && ! grep -q SCRY_NET_FALLBACK "$TMP/tp.err"' ||
	tail -3 "$TMP/tp.err" "$TMP/fb.err" "$TMP/rec.err" | sed 's/^/#   /'
check "net_calls made every call with the size it asked ($(cat "$TMP/calls"))" \
	[ $crc -eq 0 ]
if [ "$(cat "$TMP/calls")" = compat ]; then
	ok "the i386 calls ran too (int \$0x80)"
else
	UDP32="0 0" UNIX32="0 0"
	skip 1 ia32 "this kernel runs no 32-bit code: the fallback's i386 table is not tested"
fi
# sum "B C" "B C"...: the sum of byte and call pairs.
sum() { b=0 c=0; for p; do set -- $p; b=$((b + $1)) c=$((c + $2)); done; echo "$b $c"; }
udp=$(sum "$UDP" "$UDP32") unix=$(sum "$UNIX" "$UNIX32")
all=$(sum "$TCP" "$udp" "$unix")
want="${all% *} ${all% *} $((2 * ${all#* }))"

# row FILE: the net_calls row of a topprocs_net table, "in out calls".
row() {
	py "
import json
rows = [r for r in json.load(open('$1'))['rows'] if r['proc.name'] == 'net_calls']
assert len(rows) == 1, rows
r = rows[0]
print(r['net.bytes_in'], r['net.bytes_out'], r['net.calls'])
" 2>&1 | tail -1
}
got=$(row "$TMP/fb")
check "fallback: net_calls received and sent ${all% *} bytes each way in $((2 * ${all#* })) calls (got $got)" \
	[ "$got" = "$want" ]
got=$(row "$TMP/tp")
check "tracepoints: the same figures, the semantics the fallback copies (got $got)" \
	[ "$got" = "$want" ]

# The fallback's capture, replayed per family: the record's family and protocol are the socket's.
fam() {
	"$SCRY" -r "$TMP/calls.scry" -c topprocs_net --interval 0 -j "proc.name=net_calls and $1" \
		>"$TMP/rp" 2>"$TMP/rp.err"
	row "$TMP/rp"
}
for f in "fd.l4proto=tcp:$TCP" "fd.l4proto=udp:$udp" "fd.sockfamily=unix:$unix"; do
	w=${f#*:} got=$(fam "${f%%:*}")
	check "replayed, ${f%%:*}: ${w% *} bytes each way in ${w#* } calls each (got $got)" \
		[ "$got" = "${w% *} ${w% *} $((2 * ${w#* }))" ]
done

# What a scry process has attached: "tracepoint:program" per link fd (fdinfo link_id), by bpftool.
links() {
	py "
import glob, json, re, subprocess
ids = set()
for f in glob.glob('/proc/$1/fdinfo/*'):
    m = re.search(r'^link_id:\\s*(\\d+)', open(f).read(), re.M)
    if m: ids.add(int(m.group(1)))
def bt(*a): return json.loads(subprocess.run(['bpftool', '-j'] + list(a), capture_output=True, text=True).stdout)
progs = {p['id']: p.get('name', '?') for p in bt('prog', 'show')}
print(' '.join(sorted('%s:%s' % (l.get('tp_name', '?'), progs.get(l.get('prog_id'), '?'))
                      for l in bt('link', 'show') if l['id'] in ids)))
"
}
# links_of VIEW: what `scry -c VIEW` attaches (with this environment).
links_of() {
	"$SCRY" -c "$1" -M 3 >/dev/null 2>&1 &
	lp=$!
	i=0; until [ -n "$(links $lp)" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
	sleep 0.3
	links $lp
	kill -INT $lp; wait_pid $lp 10 >/dev/null
}
fb=$(SCRY_NET_FALLBACK=1 links_of topcontainers_net) tp=$(links_of topcontainers_net)
echo "# on the fallback: $fb"
echo "# on the tracepoints: $tp"
checkall "on the fallback, a network view attaches scry_net_compat at sys_exit and neither sock length tracepoint" \
	'echo " $fb " | grep -q " sys_exit:scry_net_compat " && ! echo " $fb " | grep -q "sock_send_length\|sock_recv_length"'
checkall "on the tracepoints, both sock length programs and not the fallback" \
	'echo " $tp " | grep -q " sock_send_length:scry_sock_send " &&
	 echo " $tp " | grep -q " sock_recv_length:scry_sock_recv " && ! echo " $tp " | grep -q scry_net_compat'
finish
