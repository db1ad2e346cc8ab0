#!/bin/sh
# fdlist.* (a poll or ppoll exit's ready fds, from the pollfd array it carries with -s): a
# program polls a pipe with a byte in it, a regular file, both ends of a loopback TCP connection
# and an empty pipe (never ready: left out), with poll and with ppoll in another order, and polls
# 11 pollfds, of which the default -s 80 keeps 10. The fd numbers, the names (readlink of the
# pipe, the file's path, the connection's tuple) and the ports are the program's own; checked
# live and from a capture (-w then -r), with evt.info's fds= and the bounds -s 16, 200 and 0.
. tests/lib/common.sh
plan 13

cat >"$TMP/work.py" <<'EOF'
import ctypes, os, socket, sys, time
from select import POLLIN, POLLOUT
tmp = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
class PFD(ctypes.Structure):
    _fields_ = [('fd', ctypes.c_int), ('events', ctypes.c_short), ('revents', ctypes.c_short)]
class TS(ctypes.Structure):
    _fields_ = [('s', ctypes.c_long), ('ns', ctypes.c_long)]
def arr(spec):
    return (PFD * len(spec))(*[PFD(fd, ev, 0) for fd, ev in spec])
open(tmp + '/ready', 'w').close()
while not os.path.exists(tmp + '/go'):
    time.sleep(0.05)
# opened while traced: the fd table names them from their calls
f = os.open(tmp + '/data', os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
r, w = os.pipe()
os.write(w, b'x')			# readable
r2, w2 = os.pipe()			# empty: never ready
ls = socket.socket(); ls.bind(('127.0.0.1', 0)); ls.listen(1)
c = socket.create_connection(ls.getsockname()); a, _ = ls.accept()
C, A = c.fileno(), a.fileno()
with open(tmp + '/fds', 'w') as o:
    o.write('%d %d %d %d %d %d %d %s\n' % (r, f, C, r2, A, c.getsockname()[1],
                                            ls.getsockname()[1], os.readlink('/proc/self/fd/%d' % r)))
# libc's poll and ppoll: the arrays exactly as written here
five = arr([(r, POLLIN), (f, POLLIN), (C, POLLOUT), (r2, POLLIN), (A, POLLOUT)])
n = libc.poll(five, 5, 1000)
assert n == 4, n
rev = arr([(A, POLLOUT), (r2, POLLIN), (C, POLLOUT), (f, POLLIN), (r, POLLIN)])
n = libc.ppoll(rev, 5, ctypes.byref(TS(1, 0)), None)
assert n == 4, n
eleven = arr([(r, POLLIN), (f, POLLIN), (C, POLLOUT), (A, POLLOUT)] + [(r2, POLLIN)] * 5 +
             [(f, POLLIN), (r, POLLIN)])
n = libc.poll(eleven, 11, 1000)
assert n == 6, n
EOF

python3 "$TMP/work.py" "$TMP" >"$TMP/py.out" 2>&1 &
PY=$!
EXTRA_CLEANUP="kill $PY 2>/dev/null"
i=0; until [ -e "$TMP/ready" ] || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
polls="proc.pid=$PY and evt.type in (poll, ppoll) and evt.dir='<'"
FMT='%evt.type|%fdlist.nums|%fdlist.names|%fdlist.cips|%fdlist.sports|%fdlist.sips|%fdlist.cports|%evt.buffer'
pids=
for run in "p80 -p $FMT" "i80" "p200 -s 200 -p $FMT" "i200 -s 200" "p16 -s 16 -p $FMT" \
	   "i16 -s 16" "p0 -s 0 -p $FMT" "i0 -s 0" "w -w $TMP/cap.scry"; do
	set -- $run
	name=$1; shift
	start_scry "$TMP/$name" "$TMP/$name.err" "$@" "$polls" || { not_ok "scry $* starts"; finish; }
	pids="$pids $SCRY_PID"
	EXTRA_CLEANUP="kill $PY $pids 2>/dev/null"
done
touch "$TMP/go"
wait_pid $PY 30; prc=$?
sleep 0.3
rcs=
for p in $pids; do
	SCRY_PID=$p; stop_scry INT; rcs="$rcs $?"
done
checkall "the workload ran (status $prc) and every tracer exits 0 ($rcs)" \
	'[ $prc -eq 0 ] && [ "$(echo $rcs | tr -d " 0")" = "" ]' ||
	sed 's/^/#   /' "$TMP/py.out" "$TMP"/*.err | grep -v tracing | tail -8
"$SCRY" -r "$TMP/cap.scry" -p "$FMT" "$polls" >"$TMP/rp" 2>"$TMP/rp.err"
"$SCRY" -r "$TMP/cap.scry" "$polls" >"$TMP/ri" 2>"$TMP/ri.err"

# What the program did: its fds, ports and the pipe's name, as it wrote them down.
read R F C R2 A CPORT SPORT PIPE <"$TMP/fds"
T="127.0.0.1:$CPORT->127.0.0.1:$SPORT"
D="$TMP/data"
IPS="127.0.0.1,127.0.0.1" SP="$SPORT,$SPORT" CP="$CPORT,$CPORT"
cat >"$TMP/want80" <<EOF
poll|$R,$F,$C,$A|$PIPE,$D,$T,$T|$IPS|$SP|$IPS|$CP|<NA>
ppoll|$A,$C,$F,$R|$T,$T,$D,$PIPE|$IPS|$SP|$IPS|$CP|<NA>
poll|$R,$F,$C,$A,$F|$PIPE,$D,$T,$T,$D|$IPS|$SP|$IPS|$CP|<NA>
EOF
check "live, -s 80: poll's and ppoll's ready fds, names, client IPs and server ports, in the arrays' order (the empty pipe $R2 and the 11th pollfd left out; no evt.buffer)" \
	cmp -s "$TMP/want80" "$TMP/p80" || diff "$TMP/want80" "$TMP/p80" | sed 's/^/#   /'
check "replayed (-w, -r): the same lines" \
	cmp -s "$TMP/want80" "$TMP/rp" || diff "$TMP/want80" "$TMP/rp" | sed 's/^/#   /'

# evt.info: sysdig's fds=FD:TYPE+REVENTS (1 POLLIN, 4 POLLOUT), " ..." for a cut array.
cat >"$TMP/info80" <<EOF
poll res=4 fds=$R:p1 $F:f1 $C:44 $A:44 nfds=5 timeout=1000
ppoll res=4 fds=$A:44 $C:44 $F:f1 $R:p1 nfds=5 tsp=
poll res=6 fds=$R:p1 $F:f1 $C:44 $A:44 $F:f1 ... nfds=11 timeout=1000
EOF
# the line after "< ", ppoll's pointer arguments cut
info() { sed 's/.* < //; s/ tsp=0x.*/ tsp=/' "$1"; }
for f in i80 ri; do
	info "$TMP/$f" >"$TMP/$f.info"
	check "evt.info ($f): fds= lists the ready fds with their types and revents" \
		cmp -s "$TMP/info80" "$TMP/$f.info" ||
		diff "$TMP/info80" "$TMP/$f.info" | sed 's/^/#   /'
done

# -s 200: the whole 11-pollfd array (a record sent on its own, not staged).
got=$(sed -n 3p "$TMP/p200" | cut -d'|' -f2)
check "-s 200: the 11-pollfd poll's ready fds, all 6 ($got)" [ "$got" = "$R,$F,$C,$A,$F,$R" ]
got=$(info "$TMP/i200" | sed -n 3p)
check "-s 200: its evt.info, not cut ($got)" \
	[ "$got" = "poll res=6 fds=$R:p1 $F:f1 $C:44 $A:44 $F:f1 $R:p1 nfds=11 timeout=1000" ]

# -s 16: two pollfds.
got=$(head -1 "$TMP/p16" | cut -d'|' -f1-4)
check "-s 16: the first 2 pollfds only ($got)" [ "$got" = "poll|$R,$F|$PIPE,$D|<NA>" ]
got=$(info "$TMP/i16" | head -1)
check "-s 16: evt.info says the array was cut ($got)" \
	[ "$got" = "poll res=4 fds=$R:p1 $F:f1 ... nfds=5 timeout=1000" ]

# -s 0: no array, no list; fds= is the pointer.
got=$(cut -d'|' -f2- "$TMP/p0" | sort -u)
check "-s 0: no fdlist value ($got)" [ "$got" = "<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>" ]
got=$(info "$TMP/i0" | grep -c '^poll res=[0-9]* fds=0x[0-9a-f]* nfds=')
check "-s 0: evt.info's fds= is the pointer ($got polls)" [ "$got" -eq 2 ]

# In a filter, from the capture: one poll's whole list; the connection's server port.
got=$("$SCRY" -r "$TMP/cap.scry" -p '%evt.type' "fdlist.nums = '$R,$F,$C,$A'" 2>&1 | tr '\n' ' ')
check "filter fdlist.nums = '$R,$F,$C,$A': the first poll alone ($got)" [ "$got" = "poll " ]
got=$("$SCRY" -r "$TMP/cap.scry" -p '%evt.type' "fdlist.sports contains $SPORT" 2>&1 | tr '\n' ' ')
check "filter fdlist.sports contains $SPORT: the three calls ($got)" [ "$got" = "poll ppoll poll " ]
finish
