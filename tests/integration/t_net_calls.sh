#!/bin/sh
# The socket syscalls show their socket's addresses as sysdig does, fd=3(<4t>127.0.0.1:40000->
# 127.0.0.1:8080), read from the socket at the call's exit: bind, listen, connect, accept4,
# sendto, recvfrom, sendmsg, recvmsg, over TCP and UDP on 127.0.0.1 and ::1 and over a unix socket, with the
# ports and fds the workload itself chose and reports; the listening fd of accept4 named by the
# fd table (issue 12). fd.cip/cport/sip/sport/is_server name the ends by who connected and who
# accepted. Live, and replayed from a capture, the same. Loopback
# only.
. tests/lib/common.sh
plan 8

base=$((40000 + ($$ % 2000) * 4))
P=$base CP=$((base + 1)) U1=$((base + 2)) U2=$((base + 3))
SOCKP="$TMP/app.sock"
# The workload: waits for the tracers, then for each family a TCP connection to a listener
# whose both ends it bound itself (10 bytes sent, read), a UDP datagram of 7 bytes between two
# bound sockets (sendto/recvfrom) and one of 5 (sendmsg/recvmsg), and a unix stream connection;
# prints what it used, one "key value" a line.
python3 -c "
import os, socket, time
out = open('$TMP/fds', 'w')
open('$TMP/ready', 'w').write('%d' % os.getpid())
while not os.path.exists('$TMP/go'):
    time.sleep(0.05)
R = socket.SO_REUSEADDR
for fam, host, k in ((socket.AF_INET, '127.0.0.1', '4'), (socket.AF_INET6, '::1', '6')):
    ls = socket.socket(fam); ls.setsockopt(socket.SOL_SOCKET, R, 1)
    ls.bind((host, $P)); ls.listen(4)
    c = socket.socket(fam); c.setsockopt(socket.SOL_SOCKET, R, 1)
    c.bind((host, $CP)); c.connect((host, $P))
    a, _ = ls.accept()
    assert c.send(b'x' * 10) == 10 and len(a.recv(10)) == 10
    u1 = socket.socket(fam, socket.SOCK_DGRAM); u1.bind((host, $U1))
    u2 = socket.socket(fam, socket.SOCK_DGRAM); u2.bind((host, $U2))
    assert u1.sendto(b'y' * 7, (host, $U2)) == 7 and len(u2.recvfrom(100)[0]) == 7
    assert u1.sendmsg([b'z' * 5], [], 0, (host, $U2)) == 5 and len(u2.recvmsg(100)[0]) == 5
    for n, s in (('l', ls), ('c', c), ('a', a), ('u1', u1), ('u2', u2)):
        out.write('%s%s %d\n' % (n, k, s.fileno()))
    for s in (a, c, ls, u1, u2):
        s.close()
ls = socket.socket(socket.AF_UNIX); ls.bind('$SOCKP'); ls.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect('$SOCKP')
a, _ = ls.accept()
for n, s in (('lu', ls), ('cu', c), ('au', a)):
    out.write('%s %d\n' % (n, s.fileno()))
out.close()
" >"$TMP/py.out" 2>&1 &
PY=$!
EXTRA_CLEANUP="kill $PY 2>/dev/null; $EXTRA_CLEANUP"
i=0; until [ -s "$TMP/ready" ] || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
calls="proc.pid=$PY and evt.dir='<' and evt.type in (bind, listen, connect, accept4, sendto, recvfrom, sendmsg, recvmsg)"
fmt='%evt.type %evt.info'
ffmt='%evt.type %fd.num %fd.cip %fd.cport %fd.sip %fd.sport %fd.is_server %fd.lport %fd.rport %fd.l4proto %fd.sockfamily %fd.lip'
start_scry "$TMP/live" "$TMP/live.err" -p "$fmt" "$calls" || { not_ok "scry starts"; finish; }
LIVE=$SCRY_PID
start_scry "$TMP/flive" "$TMP/flive.err" -p "$ffmt" "$calls" || { not_ok "scry starts"; finish; }
FLIVE=$SCRY_PID
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$TMP/calls.scry" "proc.pid=$PY" ||
	{ not_ok "scry -w starts"; finish; }
REC=$SCRY_PID
EXTRA_CLEANUP="kill -KILL $LIVE $FLIVE $REC 2>/dev/null; $EXTRA_CLEANUP"
touch "$TMP/go"
wait_pid $PY 30; prc=$?
sleep 0.3
stop_scry INT; r1=$?
SCRY_PID=$FLIVE; stop_scry INT; r2=$?
SCRY_PID=$LIVE; stop_scry INT; r3=$?
checkall "the workload ran (status $prc) and the three tracers exit 0 ($r1 $r2 $r3)" \
	'[ $prc -eq 0 ] && [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ $r3 -eq 0 ]' ||
	sed 's/^/#   /' "$TMP/py.out" "$TMP/live.err" | tail -8
fd() { awk -v k="$1" '$1 == k { print $2 }' "$TMP/fds"; }

# want FILE NAME WANTFILE: each line of WANTFILE begins exactly one line of FILE
want() {
	miss=
	while IFS= read -r l; do
		[ "$(grep -cF -- "$l" "$1")" -eq 1 ] || miss="$miss [$l]"
	done <"$3"
	check "$2${miss:+: not once:$miss}" [ -z "$miss" ]
}
tcp_lines() { # tcp_lines K LADDR: the TCP calls of family K, the address as printed
	k=$1 h=$2 l=$(fd l$1) c=$(fd c$1) a=$(fd a$1)
	echo "bind res=0 fd=$l(<${k}t>$h:$P) addr=0x"
	echo "listen res=0 fd=$l(<${k}t>$h:$P) backlog=4"
	echo "bind res=0 fd=$c(<${k}t>$h:$CP) addr=0x"
	echo "connect res=0 fd=$c(<${k}t>$h:$CP->$h:$P) addr=0x"
	echo "accept4 res=$a fd=$a(<${k}t>$h:$CP->$h:$P) lfd=$l(<${k}t>$h:$P) addr=0x"
	echo "sendto res=10 fd=$c(<${k}t>$h:$CP->$h:$P) buf=0x"
	echo "recvfrom res=10 fd=$a(<${k}t>$h:$CP->$h:$P) buf=0x"
	echo "sendto res=7 fd=$(fd u1$1)(<${k}u>$h:$U1->$h:$U2) buf=0x"
	echo "recvfrom res=7 fd=$(fd u2$1)(<${k}u>$h:$U1->$h:$U2) buf=0x"
	echo "sendmsg res=5 fd=$(fd u1$1)(<${k}u>$h:$U1->$h:$U2) msg=0x"
	echo "recvmsg res=5 fd=$(fd u2$1)(<${k}u>$h:$U1->$h:$U2) msg=0x"
}
tcp_lines 4 127.0.0.1 >"$TMP/want4"
tcp_lines 6 '[::1]' >"$TMP/want6"
want "$TMP/live" "IPv4: bind, listen, connect, accept4, send and receive calls show their socket's addresses" "$TMP/want4"
want "$TMP/live" "IPv6 (::1): the same with [::1]" "$TMP/want6"
printf '%s\n' "bind res=0 fd=$(fd lu)(<u>$SOCKP) addr=0x" "connect res=0 fd=$(fd cu)(<u>$SOCKP) addr=0x" \
	"accept4 res=$(fd au) fd=$(fd au)(<u>$SOCKP) lfd=$(fd lu)(<u>$SOCKP) addr=0x" >"$TMP/wantu"
want "$TMP/live" "unix: bind, connect and accept4 show the socket's name" "$TMP/wantu"

# The fields: the client is who connected (and who sent the datagram), the server who accepted.
f_lines() { # f_lines K LIP (as fd.*ip print it)
	h=$2 l=$(fd l$1) c=$(fd c$1) a=$(fd a$1)
	echo "listen $l <NA> <NA> $h $P 1 $P 0 tcp ip $h"
	echo "connect $c $h $CP $h $P 0 $CP $P tcp ip $h"
	echo "accept4 $a $h $CP $h $P 1 $P $CP tcp ip $h"
	echo "recvfrom $(fd u2$1) $h $U1 $h $U2 1 $U2 $U1 udp ip $h"
	echo "sendmsg $(fd u1$1) $h $U1 $h $U2 0 $U1 $U2 udp ip $h"
}
f_lines 4 127.0.0.1 >"$TMP/fwant"
f_lines 6 ::1 >>"$TMP/fwant"
want "$TMP/flive" "fd.cip/cport/sip/sport/is_server, fd.lport/rport, fd.l4proto of connect, accept4, listen, recvfrom, sendmsg" "$TMP/fwant"
# A stream socket's send or receive does not say which end it is; the fd table does (issue 12):
# the client's sendto and the server's recvfrom name the same client and server.
check "a stream socket's send and receive: the ends the fd table saw connect and accept" \
	[ "$(grep -c "^sendto $(fd c4) 127.0.0.1 $CP 127.0.0.1 $P 0 $CP $P tcp ip 127.0.0.1\$" "$TMP/flive")" -eq 1 -a \
	  "$(grep -c "^recvfrom $(fd a4) 127.0.0.1 $CP 127.0.0.1 $P 1 $P $CP tcp ip 127.0.0.1\$" "$TMP/flive")" -eq 1 ]

# The capture replays the same lines, every one.
"$SCRY" -r "$TMP/calls.scry" -p "$fmt" "$calls" >"$TMP/rp" 2>"$TMP/rp.err"
check "replayed: the calls' lines are the live ones ($(wc -l <"$TMP/live") lines)" \
	cmp -s "$TMP/live" "$TMP/rp"
"$SCRY" -r "$TMP/calls.scry" -p "$ffmt" "$calls" >"$TMP/frp" 2>"$TMP/frp.err"
check "replayed: the fields are the live ones" cmp -s "$TMP/flive" "$TMP/frp"
finish
