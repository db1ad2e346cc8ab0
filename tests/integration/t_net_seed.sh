#!/bin/sh
# Connections open before scry starts (the socket table's seed, a task_file iterator) and the
# netstat and topports_server views. A server on the host and a client in a host-network
# container connect and exchange B1 bytes before any scry runs. Then the tracers start; the
# client sends B2 and reads a 1-byte go and R bytes over that connection, and NS short
# connections of C bytes (answered with R2) are made to the same port. netstat names the old
# connection's two ends (tuple, state, role, process, container) and the listener; topconns
# counts only what moved after the start, to both processes; topports_server the server port's
# bytes and the NS connections accepted while tracing. A capture replays to the same tables.
# Loopback only.
. tests/lib/common.sh
plan 13
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
B1=7777 B2=300007 R=4321 NS=3 C=1111 R2=222
PT=$((46000 + $$ % 1000))
ctr=seed-$$

# The server: the first connection in two phases (files p1, go, p2, end pace it), the others
# read to their end, answered with R2 bytes and closed.
python3 -c "
import os, socket, threading, time
T = '$TMP'
def wait(f):
    while not os.path.exists(T + '/' + f): time.sleep(0.05)
def readn(c, n):
    while n > 0:
        b = c.recv(min(n, 65536))
        if not b: raise SystemExit('short read')
        n -= len(b)
def held(c):
    readn(c, $B1)
    open(T + '/p1', 'w').write('%d\n' % c.getpeername()[1])
    wait('go'); c.sendall(b'g'); readn(c, $B2); c.sendall(b'r' * $R)
    open(T + '/p2', 'w').close()
    wait('end'); c.close()
def short(c, i):
    n = 0
    while True:
        b = c.recv(65536)
        if not b: break
        n += len(b)
    c.sendall(b's' * $R2); c.close()
    open(T + '/short.%d' % i, 'w').write('%d\n' % n)
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(('127.0.0.1', $PT)); t.listen(8)
open(T + '/ready', 'w').close()
c, _ = t.accept(); threading.Thread(target=held, args=(c,), daemon=True).start()
for i in range($NS):
    c, _ = t.accept(); threading.Thread(target=short, args=(c, i), daemon=True).start()
wait('end'); time.sleep(0.3)
" &
SERVER=$!
EXTRA_CLEANUP="touch $TMP/end; kill $SERVER 2>/dev/null; $EXTRA_CLEANUP"
waitfile() { i=0; until [ -e "$TMP/$1" ] || [ $i -gt "$2" ]; do i=$((i + 1)); sleep 0.1; done; }
waitfile ready 50

# Before scry: the connection, and B1 bytes over it.
"$DOCKER" run --name "$ctr" --network host "$IMAGE" /h/net_io hold 127.0.0.1 $PT $B1 $B2 $R \
	>"$TMP/client" 2>&1 &
CLIENT=$!
EXTRA_CLEANUP="kill $CLIENT 2>/dev/null; $EXTRA_CLEANUP"
waitfile p1 300
CL=$(cat "$TMP/p1" 2>/dev/null)
[ -n "$CL" ] || { not_ok "the connection is open before scry"; finish; }

who="container.name=$ctr or proc.pid=$SERVER"
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$TMP/seed.scry" "$who" || { not_ok "scry -w starts"; finish; }
REC=$SCRY_PID
# A new file every second: each begins with the sockets open then.
start_scry "$TMP/rot.out" "$TMP/rot.err" -w "$TMP/rot" -G 1 "$who" || { not_ok "scry -w -G starts"; finish; }
ROT=$SCRY_PID
start_scry "$TMP/ns" "$TMP/ns.err" -c netstat -M 120 -j "$who" || { not_ok "scry -c netstat starts"; finish; }
NSP=$SCRY_PID
start_scry "$TMP/conns" "$TMP/conns.err" -c topconns --interval 0 -j "fd.l4proto=tcp and ($who)" ||
	{ not_ok "scry -c topconns starts"; finish; }
CONNS=$SCRY_PID
# By the port (a connection's state changes name no process), and the client's container: its
# ends are no server's, so they make no row.
ports_who="fd.lport=$PT or container.name=$ctr"
start_scry "$TMP/ports" "$TMP/ports.err" -c topports_server --interval 0 -j "$ports_who" ||
	{ not_ok "scry -c topports_server starts"; finish; }
PORTS=$SCRY_PID
# The fallback for kernels without the iterator: sock_diag and /proc/PID/fd.
export SCRY_SEED_FALLBACK=1
start_scry "$TMP/diag" "$TMP/diag.err" -c topconns --interval 0 -j "fd.l4proto=tcp and ($who)" ||
	{ not_ok "scry -c topconns (sock_diag) starts"; finish; }
unset SCRY_SEED_FALLBACK
EXTRA_CLEANUP="kill -KILL $REC $ROT $NSP $CONNS $PORTS 2>/dev/null; $EXTRA_CLEANUP"
# netstat as text, a short look of its own (one second).
"$SCRY" -c netstat "$who" >"$TMP/ns.txt" 2>"$TMP/ns.txt.err"
nsrc=$?

# After the start: the rest of the old connection, and NS new ones.
touch "$TMP/go"
waitfile p2 300
i=0; src=0
while [ $i -lt $NS ]; do
	"$DOCKER" exec "$ctr" /h/net_io tcp 127.0.0.1 $PT $C >>"$TMP/shorts" 2>&1 || src=$?
	i=$((i + 1))
done
i=0; until [ "$(ls "$TMP" | grep -c '^short\.')" -eq $NS ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
sleep 0.3
stop_scry INT; r0=$?
SCRY_PID=$PORTS; stop_scry INT; r1=$?
SCRY_PID=$CONNS; stop_scry INT; r2=$?
SCRY_PID=$NSP; stop_scry INT; r3=$?
SCRY_PID=$REC; stop_scry INT; r4=$?
SCRY_PID=$ROT; stop_scry INT; r5=$?
touch "$TMP/end"
wait_pid $CLIENT 30; crc=$?
checkall "five tracers exit 0 (topports_server, topconns, netstat, -w, netstat text; got $r1 $r2 $r3 $r4 $nsrc), none without the seed" \
	'[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ $r3 -eq 0 ] && [ $r4 -eq 0 ] && [ $nsrc -eq 0 ] &&
	 ! grep -q "cannot list the sockets" "$TMP/ns.err" "$TMP/rec.err" "$TMP/ns.txt.err"' ||
	tail -3 "$TMP/ports.err" "$TMP/conns.err" "$TMP/ns.err" "$TMP/rec.err" "$TMP/ns.txt.err" | sed 's/^/#   /'
shorts=$(cat "$TMP"/short.* 2>/dev/null | tr '\n' ' ')
checkall "the workload did what it says: the client read 1+$R, $NS connections of $C bytes answered with $R2 (got $shorts)" \
	'[ $crc -eq 0 ] && [ "$(cat "$TMP/client")" = "1+$R" ] && [ $src -eq 0 ] &&
	 [ "$shorts" = "$(printf "$C %.0s" $(seq $NS))" ] && [ "$(cat "$TMP/shorts" | tr "\n" " ")" = "$(printf "$R2 %.0s" $(seq $NS))" ]' ||
	sed 's/^/#   /' "$TMP/client" "$TMP/shorts"

# netstat's rows as "proto lport rport state role who container", sorted: who is the pid on the
# host, the name in the container (whose pid the test does not know).
nsrows() {
	py "
import json
out = []
for r in json.load(open('$1')):
    who = r['proc.pid'] if r.get('container.name', 'host') == 'host' else r['proc.name']
    out.append('%s %s %s %s %s %s %s' % (r['fd.l4proto'], r['fd.lport'], r['fd.rport'], r.get('fd.state'),
               r.get('fd.role'), who, r.get('container.name', 'host')))
print(';'.join(sorted(out)))
" 2>&1 | tail -1
}
got=$(nsrows "$TMP/ns")
check "netstat: the client's end in $ctr (net_io, $CL->$PT, ESTABLISHED, client) (got $got)" \
	sh -c "echo '$got' | tr ';' '\n' | grep -qx 'tcp $CL $PT ESTABLISHED client net_io $ctr'"
want="tcp $PT 0 LISTEN listener $SERVER host;tcp $PT $CL ESTABLISHED server $SERVER host"
check "netstat: the server's end and its listener, pid $SERVER; three rows in all" \
	sh -c "[ '$got' = '$want;tcp $CL $PT ESTABLISHED client net_io $ctr' ] ||
	       [ '$got' = 'tcp $CL $PT ESTABLISHED client net_io $ctr;$want' ]"
checkall "netstat as text: the connection from both ends and the listener" \
	'grep -q "^tcp  *127\.0\.0\.1:$PT  *127\.0\.0\.1:$CL  *ESTABLISHED  *server  *$SERVER  *python3 " "$TMP/ns.txt" &&
	 grep -q "^tcp  *127\.0\.0\.1:$CL  *127\.0\.0\.1:$PT  *ESTABLISHED  *client  *[0-9][0-9]*  *net_io  *$ctr\$" "$TMP/ns.txt" &&
	 grep -q "^tcp  *127\.0\.0\.1:$PT  *0\.0\.0\.0:0  *LISTEN  *listener  *$SERVER  *python3 " "$TMP/ns.txt"' ||
	sed 's/^/#   /' "$TMP/ns.txt"

# topconns: the old connection's two ends, only what moved after the start.
conn() {
	py "
import json
rows = json.load(open('$1'))['rows']
cl = [r for r in rows if r.get('fd.lport') == $CL and r.get('fd.rport') == $PT]
sv = [r for r in rows if r.get('fd.lport') == $PT and r.get('fd.rport') == $CL]
assert len(cl) == 1 and len(sv) == 1, rows
c, s = cl[0], sv[0]
print(c['fd.name'], c['proc.name'], c['container.name'], c['net.bytes_in'], c['net.bytes_out'],
      s['proc.pid'], s['container.name'], s['net.bytes_in'], s['net.bytes_out'])
" 2>&1 | tail -1
}
got=$(conn "$TMP/conns")
check "topconns: the old connection, net_io in $ctr $((1 + R)) in $B2 out, the server $SERVER $B2 in $((1 + R)) out (got $got)" \
	[ "$got" = "127.0.0.1:$CL->127.0.0.1:$PT net_io $ctr $((1 + R)) $B2 $SERVER host $B2 $((1 + R))" ]

ports() {
	py "
import json
rows = json.load(open('$1'))['rows']
assert len(rows) == 1, rows
r = rows[0]
print(r['fd.l4proto'], r['fd.lport'], r['net.bytes_in'], r['net.bytes_out'], r['tcp.connections'])
" 2>&1 | tail -1
}
got=$(ports "$TMP/ports")
want="tcp $PT $((B2 + NS * C)) $((1 + R + NS * R2)) $NS"
check "topports_server: port $PT, $B2 + $NS x $C in, 1 + $R + $NS x $R2 out, $NS connections (got $got)" \
	[ "$got" = "$want" ]

# The recording, replayed: the same tables.
got=$(conn "$TMP/diag")
checkall "without the iterator (sock_diag, said once): topconns has the same two ends (got $got)" \
	'[ $r0 -eq 0 ] && [ "$got" = "$(conn "$TMP/conns")" ] &&
	 [ "$(grep -c "refuses the BPF socket iterator" "$TMP/diag.err")" -eq 1 ]' ||
	tail -3 "$TMP/diag.err" | sed 's/^/#   /'

replay() { "$SCRY" -r "$TMP/seed.scry" -c "$1" --interval 0 -j "$2" >"$TMP/rp" 2>"$TMP/rp.err"; }
replay netstat "$who"
check "replayed: netstat is the live list ($(nsrows "$TMP/rp"))" [ "$(nsrows "$TMP/rp")" = "$(nsrows "$TMP/ns")" ]
replay topconns "fd.l4proto=tcp and ($who)"
check "replayed: topconns has the live table's two ends" [ "$(conn "$TMP/rp")" = "$(conn "$TMP/conns")" ]
replay topports_server "$ports_who"
check "replayed: topports_server is the live table ($(ports "$TMP/rp"))" [ "$(ports "$TMP/rp")" = "$want" ]
replay netstat "container.name=$ctr"
check "replayed: netstat of the container alone, its one connection ($(nsrows "$TMP/rp"))" \
	[ "$(nsrows "$TMP/rp")" = "tcp $CL $PT ESTABLISHED client net_io $ctr" ]
kill $SERVER 2>/dev/null
"$DOCKER" rm -f "$ctr" >/dev/null 2>&1
# The last file of the rotating recording, alone: the connection's two ends and the listener,
# which it saw open, not made.
last=$(ls "$TMP" | sed -n 's/^rot\([0-9][0-9]*\)$/\1/p' | sort -n | tail -1)
"$SCRY" -r "$TMP/rot$last" -c netstat -j "$who" >"$TMP/rp" 2>"$TMP/rp.err"
check "rotated: the last file (rot$last) alone has the live netstat ($(nsrows "$TMP/rp"))" \
	sh -c "[ $r5 -eq 0 ] && [ ${last:-0} -ge 1 ] && [ '$(nsrows "$TMP/rp")' = '$(nsrows "$TMP/ns")' ]"
finish
