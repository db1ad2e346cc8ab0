#!/bin/sh
# sysdig's other fd fields (issue 15): a TCP exchange on 127.0.0.1 whose server port has a name
# in /etc/services and a file written by the test. Each field against what the test knows:
# fd.sproto/cproto/lproto/rproto as getent names the ports (else the number), fd.connected,
# fd.uid (thread id and fd chained), fd.containername and fd.containerdirectory ("host:" and
# the name), fd.dev.major/minor as stat gives them, syscall.type; live and from a capture.
. tests/lib/common.sh
plan 12

# A port /etc/services names for tcp, that nothing listens on here.
P= SVC=
for cand in 5432 6379 3306 11211 8080 9418 873; do
	name=$(getent services "$cand/tcp" | awk '{print $1}')
	[ -n "$name" ] || continue
	[ -z "$(ss -Hntl "sport = :$cand" 2>/dev/null)" ] || continue
	P=$cand SVC=$name; break
done
[ -n "$P" ] || skip_rest netbase "no free port with a name in /etc/services"
dir="$TMP/d"
mkdir -p "$dir"
FMT='%evt.type %thread.tid %fd.num %fd.uid %fd.sproto %fd.cproto %fd.lproto %fd.rproto %fd.connected %fd.cport %fd.containername %syscall.type'
FFMT='%evt.type %fd.name %fd.dev.major %fd.dev.minor %fd.containerdirectory %fd.containername'
start_scry "$TMP/net" "$TMP/net.err" -p "$FMT" "evt.dir=< and evt.type in (sendto, write, read, recvfrom) and fd.sport=$P" ||
	{ not_ok "scry starts"; finish; }
NET=$SCRY_PID
start_scry "$TMP/file" "$TMP/file.err" -p "$FFMT" "evt.dir=< and evt.type=write and fd.name startswith $dir" ||
	{ not_ok "scry starts"; finish; }
FILE=$SCRY_PID
start_scry "$TMP/cap.out" "$TMP/cap.err" -w "$TMP/cap.scry" || { not_ok "scry -w starts"; finish; }
EXTRA_CLEANUP="kill -KILL $NET $FILE $SCRY_PID 2>/dev/null; $EXTRA_CLEANUP"
py "
import os, socket, threading
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', $P)); srv.listen(1)
def serve():
    c, _ = srv.accept(); d = c.recv(100); c.sendall(d[::-1]); c.close()
t = threading.Thread(target=serve); t.start()
cl = socket.create_connection(('127.0.0.1', $P))
cl.sendall(b'ping-15'); cl.recv(100); t.join()
print(os.getpid(), threading.get_native_id(), cl.fileno(), cl.getsockname()[1])
f = os.open('$dir/f.txt', os.O_CREAT | os.O_WRONLY, 0o644); os.write(f, b'abc'); os.close(f)
" >"$TMP/py" 2>&1
prc=$?
sleep 0.5
stop_scry INT; r3=$?
SCRY_PID=$FILE; stop_scry INT; r2=$?
SCRY_PID=$NET; stop_scry INT; r1=$?
read -r pid tid cfd cport <"$TMP/py"
checkall "the workload ran (exit $prc: $(head -c 200 "$TMP/py")) and the tracers exit 0 ($r1 $r2 $r3)" \
	'[ "$prc" = 0 ] && [ -n "$cport" ] && [ "$r1" = 0 ] && [ "$r2" = 0 ] && [ "$r3" = 0 ]'

cname=$(getent services "$cport/tcp" | awk '{print $1}')
[ -n "$cname" ] || cname=$cport
# The client's send: local is the client, remote the server.
want="sendto $tid $cfd $tid$cfd $SVC $cname $cname $SVC 1 $cport host:127.0.0.1:$cport->127.0.0.1:$P sendto"
got=$(grep "^sendto $tid " "$TMP/net" | head -1)
check "the client's send: service names by port, connected, fd.uid, fd.containername ($got)" \
	[ "$got" = "$want" ]
# The server's reply (another thread, another fd): local is the server.
got=$(grep -v "^sendto $tid " "$TMP/net" | grep -E "^(sendto|write) " | head -1)
set -- $got
check "the server's send: lproto is the server's ($got)" \
	[ "$5 $6 $7 $8 $9" = "$SVC $cname $SVC $cname 1" ]
check "fd.uid is thread.tid then fd.num ($got)" [ "$4" = "$2$3" ]

read -r maj min <<-EOT
$(stat -c '%Hd %Ld' "$dir/f.txt")
EOT
got=$(head -1 "$TMP/file")
check "a file's fd.dev.major/minor as stat says, fd.containerdirectory ($got; stat $maj $min)" \
	[ "$got" = "write $dir/f.txt $maj $min host:$dir host:$dir/f.txt" ]

# From the capture: the same lines.
"$BUILD/scry" -r "$TMP/cap.scry" -p "$FMT" "evt.dir=< and evt.type in (sendto, write, read, recvfrom) and fd.sport=$P" >"$TMP/rnet" 2>"$TMP/rnet.err"
check "replayed: the same socket lines ($(diff "$TMP/net" "$TMP/rnet" | head -3))" cmp -s "$TMP/net" "$TMP/rnet"
"$BUILD/scry" -r "$TMP/cap.scry" -p "$FFMT" "evt.dir=< and evt.type=write and fd.name startswith $dir" >"$TMP/rfile" 2>"$TMP/rfile.err"
check "replayed: the same file lines" cmp -s "$TMP/file" "$TMP/rfile"
# syscall.type is none for scry's own events; evt.type has them.
"$BUILD/scry" -r "$TMP/cap.scry" -n 2000 -p '%evt.type|%syscall.type' 'evt.type in (procexit, switch)' >"$TMP/own" 2>/dev/null
check "syscall.type is <NA> for scry's own events ($(head -1 "$TMP/own"))" \
	sh -c "[ -s '$TMP/own' ] && ! grep -qv '|<NA>\$' '$TMP/own'"
"$BUILD/scry" -r "$TMP/cap.scry" -p '%syscall.type' "syscall.type=sendto and fd.sport=$P" >"$TMP/st" 2>/dev/null
check "a filter on syscall.type ($(sort -u "$TMP/st" | tr '\n' ' '))" \
	sh -c "[ -s '$TMP/st' ] && [ \"\$(sort -u '$TMP/st')\" = sendto ]"
# fd.ip, fd.port, fd.proto: either end. Both sends of the exchange match the server's port
# and its name (the client's as its remote end, the server's as its local end).
sends() { "$BUILD/scry" -r "$TMP/cap.scry" -p '%thread.tid' "evt.dir=< and evt.type=sendto and $1" 2>/dev/null | sort -u | tr '\n' ' '; }
stid=$(awk -v t="$tid" '$1 == "sendto" && $2 != t { print $2; exit }' "$TMP/net")
want=$(printf '%s\n%s\n' "$tid" "$stid" | sort -u | tr '\n' ' ')
got=$(sends "fd.port=$P")
check "fd.port=$P: the client's and the server's sends ($got; want $want)" [ "$got" = "$want" ]
got=$(sends "fd.proto=$SVC and fd.ip=127.0.0.1")
check "fd.proto=$SVC and fd.ip=127.0.0.1: the same ($got)" [ "$got" = "$want" ]
got=$(sends "fd.port=$cport and not fd.port=$P")
check "not fd.port=$P excludes both ends ('$got')" [ -z "$got" ]
finish
