#!/bin/sh
# Bytes on sockets (sock:sock_send_length, sock:sock_recv_length) per container and per process,
# exact against what the workload itself sent and received: a client in a container (host
# network) sends K bytes over TCP to a server on the host and reads its R-byte reply, sends N UDP
# datagrams of S bytes, and passes M messages of Z bytes each way over a unix socketpair (both
# ends its own: 2 x M x Z bytes in and out).
# topcontainers_net and topprocs_net, live and replayed from a capture, and the capture split by
# fd.l4proto and fd.sockfamily, each family on its own. Loopback only.
# Live, these two views take their figures from the kernel's sums (count mode) where the filter
# reads only what a sum answers (proc.pid, fd.l4proto=udp), else from records (proc.name,
# fd.rport): both exact; the sums' keys of processes gone leave the kernel's map.
. tests/lib/common.sh
plan 22
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
K=1000003 R=54321 N=37 S=1234 M=11 Z=4321
PT=$((44000 + $$ % 1000)) PU=$((45000 + $$ % 1000))
ctr=scrytest-netio-$$

# The server: TCP reads to the end, answers R bytes and closes; UDP counts N datagrams.
python3 -c "
import socket, threading, time
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(('127.0.0.1', $PT)); t.listen(4)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', $PU))
def tcp():
    c, _ = t.accept(); n = 0
    while True:
        b = c.recv(65536)
        if not b: break
        n += len(b)
    c.sendall(b'r' * $R); c.close()
    open('$TMP/tcp.bytes', 'w').write('%d\n' % n)
def udp():
    n = b = 0
    while n < $N:
        b += len(u.recv(65536)); n += 1
    open('$TMP/udp.bytes', 'w').write('%d %d\n' % (n, b))
for f in (tcp, udp): threading.Thread(target=f, daemon=True).start()
open('$TMP/server.ready', 'w').close()
time.sleep(120)
" &
SERVER=$!
EXTRA_CLEANUP="kill $SERVER 2>/dev/null; $EXTRA_CLEANUP"
i=0; until [ -e "$TMP/server.ready" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done

who="container.name=$ctr or proc.pid=$SERVER"
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$TMP/net.scry" "$who" || { not_ok "scry -w starts"; finish; }
REC=$SCRY_PID
start_scry "$TMP/procs" "$TMP/procs.err" -c topprocs_net --interval 0 -j "proc.pid=$SERVER" ||
	{ not_ok "scry -c topprocs_net starts"; finish; }
PROCS=$SCRY_PID
start_scry "$TMP/conns" "$TMP/conns.err" -c topconns --interval 0 -j "fd.l4proto=tcp and ($who)" ||
	{ not_ok "scry -c topconns starts"; finish; }
CONNS=$SCRY_PID
# Before its first program runs, a container's cgroup holds runc's init, which talks to runc
# over unix sockets: the workload is the helper's process.
start_scry "$TMP/ctrs" "$TMP/ctrs.err" -c topcontainers_net --interval 0 -j "container.name=$ctr and proc.name=net_io" ||
	{ not_ok "scry -c topcontainers_net starts"; finish; }
CTRS=$SCRY_PID
start_scry "$TMP/live" "$TMP/live.err" "evt.type=sockstate and fd.l4proto=tcp" ||
	{ not_ok "scry (the stream) starts"; finish; }
LIVE=$SCRY_PID
start_scry "$TMP/udp" "$TMP/udp.err" -c topcontainers_net --interval 0 -j "container.name=$ctr and fd.l4proto=udp" ||
	{ not_ok "scry -c topcontainers_net fd.l4proto=udp starts"; finish; }
UDP=$SCRY_PID
# fd.rport: no sum can say it (a key has no port): records, for the client's TCP socket only.
start_scry "$TMP/rport" "$TMP/rport.err" -c topcontainers_net --interval 0 -j "container.name=$ctr and fd.rport=$PT" ||
	{ not_ok "scry -c topcontainers_net fd.rport=$PT starts"; finish; }
RPORT=$SCRY_PID
SCRY_PID=$CTRS
EXTRA_CLEANUP="kill -KILL $REC $PROCS $CONNS $CTRS $LIVE $UDP $RPORT 2>/dev/null; $EXTRA_CLEANUP"
"$DOCKER" run --name "$ctr" --network host "$IMAGE" sh -c \
	"/h/net_io tcp 127.0.0.1 $PT $K && /h/net_io udp 127.0.0.1 $PU $N $S && /h/net_io unix $M $Z" \
	>"$TMP/client" 2>&1
crc=$?
i=0; until [ -s "$TMP/udp.bytes" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
sleep 0.3
# The count map of a scry in count mode (the UDP run's): "tgid ..." of its keys.
sum_tgids() {
	py "
import glob, json, re, subprocess
def bt(*a): return json.loads(subprocess.run(['bpftool', '-j'] + list(a), capture_output=True, text=True).stdout)
ids = set()
for f in glob.glob('/proc/$UDP/fdinfo/*'):
    m = re.search(r'^map_id:\\s*(\\d+)', open(f).read(), re.M)
    if m: ids.add(m.group(1))
m = [i for i in ids if bt('map', 'show', 'id', i).get('name') == 'net_counts']
assert len(m) == 1, m
d = bt('map', 'dump', 'id', m[0])
print(' '.join(str(int.from_bytes(bytes(int(b, 16) for b in e['key'][8:12]), 'little')) for e in d))
"
}
# Keys of processes already gone at a first look must be gone from the map 0.5 s later (the
# container's, gone a few hundred ms before, usually are at the first look already).
t1=$(sum_tgids) gone=
for t in $t1; do [ -d /proc/$t ] || gone="$gone $t"; done
sleep 0.5
t2=$(sum_tgids) left=
for t in $gone; do echo " $t2 " | grep -q " $t " && left="$left $t"; done
checkall "count mode: the keys of processes gone leave the kernel's map (gone:$gone; left:$left)" \
	'[ -n "$t2" ] && [ -z "$left" ]'
SCRY_PID=$CTRS; stop_scry INT; r1=$?
SCRY_PID=$UDP; stop_scry INT; r6=$?
SCRY_PID=$RPORT; stop_scry INT; r7=$?
SCRY_PID=$PROCS; stop_scry INT; r2=$?
SCRY_PID=$REC; stop_scry INT; r3=$?
SCRY_PID=$CONNS; stop_scry INT; r4=$?
SCRY_PID=$LIVE; stop_scry INT; r5=$?
checkall "seven tracers exit 0 (views, -w and the stream; got $r1 $r2 $r3 $r4 $r5 $r6 $r7)" \
	'[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ $r3 -eq 0 ] && [ $r4 -eq 0 ] && [ $r5 -eq 0 ] && [ $r6 -eq 0 ] && [ $r7 -eq 0 ]' ||
	tail -3 "$TMP/ctrs.err" "$TMP/procs.err" "$TMP/rec.err" "$TMP/conns.err" "$TMP/live.err" "$TMP/udp.err" "$TMP/rport.err" |
	sed 's/^/#   /'
# -v: "socket bytes: N calls summed in the kernel (K keys at the end), R sockio records".
summed() { sed -n 's/^scry: socket bytes: \([0-9]*\) calls summed in the kernel .*, \([0-9]*\) sockio records$/\1 \2/p' "$1"; }
# Sums where the filter reads only what they answer (proc.pid, the key's fields); records for a
# port, a socket (topconns) or a name (an exec changes it: runc's init talks before it execs).
s2=$(summed "$TMP/procs.err") s5=$(summed "$TMP/udp.err")
checkall "topprocs_net proc.pid= and topcontainers_net fd.l4proto=udp count in the kernel: calls summed, not one sockio record (got $s2; $s5); proc.name, fd.rport and topconns: records" \
	'[ ${s2% *} -gt $N ] && [ ${s2#* } -eq 0 ] && [ ${s5% *} -gt $N ] && [ ${s5#* } -eq 0 ] &&
	 grep -q "^scry: socket bytes: summed in the kernel" "$TMP/udp.err" &&
	 grep -q "^scry: socket bytes: a record per call" "$TMP/ctrs.err" &&
	 grep -q "^scry: socket bytes: a record per call" "$TMP/rport.err" &&
	 grep -q "^scry: socket bytes: a record per call" "$TMP/conns.err"' ||
	grep -h "socket bytes" "$TMP/ctrs.err" "$TMP/procs.err" "$TMP/udp.err" "$TMP/rport.err" | sed 's/^/#   /'
checkall "the workload did what it says: client read $R, server got $K over TCP and $N x $S over UDP" \
	'[ $crc -eq 0 ] && [ "$(cat "$TMP/client")" = $R ] && [ "$(cat "$TMP/tcp.bytes")" = $K ] &&
	 [ "$(cat "$TMP/udp.bytes")" = "$N $((N * S))" ]' ||
	sed 's/^/#   /' "$TMP/client" "$TMP/tcp.bytes" "$TMP/udp.bytes"

# row FILE KEY VALUE: the one row of a -j table whose KEY is VALUE, as "in out calls".
row() {
	py "
import json
rows = [r for r in json.load(open('$1'))['rows'] if str(r['$2']) == '$3']
assert len(rows) == 1, rows
r = rows[0]
assert r['net.bytes'] == r['net.bytes_in'] + r['net.bytes_out'], r
print(r['net.bytes_in'], r['net.bytes_out'], r['net.calls'])
" 2>&1 | tail -1
}
want="$((R + 2 * M * Z)) $((K + N * S + 2 * M * Z))"
got=$(row "$TMP/ctrs" container.name "$ctr")
check "topcontainers_net: the container received $R + 2 x $M x $Z and sent $K + $N x $S + 2 x $M x $Z bytes (got $got)" \
	[ "${got% *}" = "$want" ]
got=$(row "$TMP/procs" proc.pid "$SERVER")
check "topprocs_net: the server received $K + $N x $S and sent $R bytes (got $got)" \
	[ "${got% *}" = "$((K + N * S)) $R" ]
got=$(row "$TMP/udp" container.name "$ctr")
check "live, summed, fd.l4proto=udp: the container's $N datagrams, $((N * S)) bytes out, none in (got $got; exit $r5)" \
	[ "$got $r5" = "0 $((N * S)) $N 0" ]
got=$(row "$TMP/rport" container.name "$ctr")
check "live, records, fd.rport=$PT: the client's connection, $R in and $K out (got $got; exit $r6)" \
	[ "${got% *} $r6" = "$R $K 0" ]

# topconns: the TCP connection from both ends, each with its tuple, process and container.
conn() { # conn FILE: "client-row server-row" fields
	py "
import json
rows = json.load(open('$1'))['rows']
cl = [r for r in rows if r.get('fd.rport') == $PT and r.get('proc.name') == 'net_io']
sv = [r for r in rows if r.get('fd.lport') == $PT and r.get('proc.pid') == $SERVER]
assert len(cl) == 1 and len(sv) == 1, rows
c, s = cl[0], sv[0]
assert c['fd.lport'] == s['fd.rport'] and c['fd.name'] == '127.0.0.1:%d->127.0.0.1:$PT' % c['fd.lport'], (c, s)
print(c['container.name'], c['fd.l4proto'], c['net.bytes_in'], c['net.bytes_out'],
      s['container.name'], s['net.bytes_in'], s['net.bytes_out'])
" 2>&1 | tail -1
}
got=$(conn "$TMP/conns")
check "topconns: the client's connection in $ctr, tcp, $R in, $K out; the server's end on the host, $K in, $R out (got $got)" \
	[ "$got" = "$ctr tcp $R $K host $K $R" ]

# The recording, replayed: the same tables, and each family on its own.
replay() { "$SCRY" -r "$TMP/net.scry" -c "$1" --interval 0 -j "$2" >"$TMP/rp" 2>"$TMP/rp.err"; }
replay topcontainers_net "container.name=$ctr and proc.name=net_io"
check "replayed: topcontainers_net is the live table" \
	[ "$(row "$TMP/rp" container.name "$ctr")" = "$(row "$TMP/ctrs" container.name "$ctr")" ]
replay topprocs_net "proc.pid=$SERVER"
check "replayed: topprocs_net is the live table" \
	[ "$(row "$TMP/rp" proc.pid "$SERVER")" = "$(row "$TMP/procs" proc.pid "$SERVER")" ]
# The connection's close, both ends: how long it lived and what it moved each way (the kernel's
# counters: the client's out is the K bytes it sent, its in the R it read; the server's the reverse).
"$SCRY" -r "$TMP/net.scry" -p '%container.name %evt.info' "evt.type=sockstate and fd.l4proto=tcp" \
	>"$TMP/closes" 2>"$TMP/closes.err"
checkall "the close of each end, with its own tuple (not the zeroed port), how long it lived and its bytes (client in=$R out=$K, server in=$K out=$R)" \
	'[ "$(grep -c "^$ctr 127.0.0.1:[1-9][0-9]*->127.0.0.1:$PT tcp [A-Z_0-9]*->CLOSE cookie=[0-9]* duration=[0-9]*\.[0-9]\{6\}ms in=$R out=$K\$" "$TMP/closes")" -eq 1 ] &&
	 [ "$(grep -c "^host 127.0.0.1:$PT->127.0.0.1:[1-9][0-9]* tcp [A-Z_0-9]*->CLOSE cookie=[0-9]* duration=[0-9]*\.[0-9]\{6\}ms in=$K out=$R\$" "$TMP/closes")" -eq 1 ]' ||
	grep CLOSE "$TMP/closes" | sed 's/^/#   /'
# Live, the stream's close lines say the same.
checkall "live: the stream's close lines carry the same bytes (client in=$R out=$K, server in=$K out=$R)" \
	'[ "$(grep -c " 127.0.0.1:[1-9][0-9]*->127.0.0.1:$PT tcp [A-Z_0-9]*->CLOSE cookie=[0-9]* duration=[0-9]*\.[0-9]\{6\}ms in=$R out=$K\$" "$TMP/live")" -eq 1 ] &&
	 [ "$(grep -c " 127.0.0.1:$PT->127.0.0.1:[1-9][0-9]* tcp [A-Z_0-9]*->CLOSE cookie=[0-9]* duration=[0-9]*\.[0-9]\{6\}ms in=$K out=$R\$" "$TMP/live")" -eq 1 ]' ||
	grep CLOSE "$TMP/live" | sed 's/^/#   /'
# fd.bytes_in and fd.bytes_out, printed and filtered on: each end's close by its remote port.
cport=$(sed -n "s/^$ctr 127\.0\.0\.1:\([0-9]*\)->127\.0\.0\.1:$PT .*->CLOSE .*/\1/p" "$TMP/closes")
"$SCRY" -r "$TMP/net.scry" -p '%fd.rport %fd.bytes_in %fd.bytes_out' \
	"evt.type=sockstate and evt.info contains '->CLOSE ' and fd.rport in ($PT, ${cport:-0}) and fd.bytes_in>0" \
	>"$TMP/bytes" 2>"$TMP/bytes.err"
got=$(sort "$TMP/bytes" | tr '\n' ' ')
want=$(printf '%s\n' "$PT $R $K" "$cport $K $R" | sort | tr '\n' ' ')
check "fd.bytes_in/fd.bytes_out: the client's close $R in, $K out; the server's $K in, $R out (got $got)" \
	[ "$got" = "$want" ]
replay topconns "fd.l4proto=tcp and ($who)"
check "replayed: topconns has the live table's two ends" [ "$(conn "$TMP/rp")" = "$(conn "$TMP/conns")" ]
replay topcontainers_net "container.name=$ctr and fd.l4proto=tcp"
got=$(row "$TMP/rp" container.name "$ctr")
check "fd.l4proto=tcp: the container's $R bytes in and $K out (got $got)" [ "${got% *}" = "$R $K" ]
replay topcontainers_net "container.name=$ctr and fd.l4proto=udp"
got=$(row "$TMP/rp" container.name "$ctr")
check "fd.l4proto=udp: the container's $N datagrams, $((N * S)) bytes out, none in (got $got)" \
	[ "$got" = "0 $((N * S)) $N" ]
replay topcontainers_net "container.name=$ctr and proc.name=net_io and fd.sockfamily=unix"
got=$(row "$TMP/rp" container.name "$ctr")
check "fd.sockfamily=unix: both ends in one process, $((2 * M * Z)) bytes each way in $((4 * M)) calls (got $got)" \
	[ "$got" = "$((2 * M * Z)) $((2 * M * Z)) $((4 * M))" ]
replay topprocs_net "proc.pid=$SERVER and fd.l4proto=udp"
got=$(row "$TMP/rp" proc.pid "$SERVER")
check "the server's UDP: $N receives of $S bytes (got $got)" [ "$got" = "$((N * S)) 0 $N" ]
replay topcontainers_net "container.name=$ctr and fd.sockfamily=ip and evt.io_dir=w"
got=$(row "$TMP/rp" container.name "$ctr")
check "evt.io_dir=w on IP sockets: only the sends, $K + $((N * S)) bytes (got $got)" \
	[ "${got% *}" = "0 $((K + N * S))" ]
# What a scry process has attached: its link fds (fdinfo link_id), named by bpftool.
links() {
	py "
import glob, json, re, subprocess
ids = set()
for f in glob.glob('/proc/$1/fdinfo/*'):
    m = re.search(r'^link_id:\\s*(\\d+)', open(f).read(), re.M)
    if m: ids.add(int(m.group(1)))
links = json.loads(subprocess.run(['bpftool', '-j', 'link', 'show'], capture_output=True, text=True).stdout)
print(' '.join(sorted(l.get('tp_name', '?') for l in links if l['id'] in ids)))
"
}
# links_of VIEW: the tracepoints `scry -c VIEW` attaches.
links_of() {
	"$SCRY" -c "$1" -M 3 >/dev/null 2>&1 &
	lp=$!
	i=0; until [ -n "$(links $lp)" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
	sleep 0.3
	links $lp
	kill -INT $lp; wait_pid $lp 10 >/dev/null
}
net=$(links_of topcontainers_net) cpu=$(links_of topcontainers_cpu)
echo "# topcontainers_net attaches: $net"
echo "# topcontainers_cpu attaches: $cpu"
if [ "${SCRY_NET_FALLBACK:-}" = 1 ]; then	# t_net_fallback: the figures above without them
	checkall "SCRY_NET_FALLBACK=1: a network view attaches sys_exit (the fallback) and neither socket tracepoint, a CPU view not even that" \
		'echo " $net " | grep -q " sys_exit " && ! echo " $net " | grep -q "sock_send_length\|sock_recv_length" &&
		 echo " $cpu " | grep -q " sched_switch " && ! echo " $cpu " | grep -q "sys_exit\|sock_send_length\|sock_recv_length"'
else
	checkall "a network view attaches the socket tracepoints, a CPU view does not" \
		'echo " $net " | grep -q " sock_send_length " && echo " $net " | grep -q " sock_recv_length " &&
		 echo " $cpu " | grep -q " sched_switch " && ! echo " $cpu " | grep -q "sock_send_length\|sock_recv_length"'
fi
# Count mode with no CPU figure: no scheduler programs, but the process lifecycle (names).
checkall "topcontainers_net (summed, no CPU shown) attaches no sched_switch, but fork, exec and exit" \
	'! echo " $net " | grep -q " sched_switch " && echo " $net " | grep -q " sched_process_fork " &&
	 echo " $net " | grep -q " sched_process_exec " && echo " $net " | grep -q " sched_process_exit "'
kill $SERVER 2>/dev/null
"$DOCKER" rm -f "$ctr" >/dev/null 2>&1
finish
