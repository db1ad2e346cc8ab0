#!/bin/sh
# TCP connection state changes (sock:inet_sock_set_state), attributed by the socket's own cgroup:
# a client in a container connects N times to a server on the host, over 127.0.0.1 and ::1. The
# client's SYN_SENT -> ESTABLISHED runs in softirq (the SYN-ACK arriving), where the current task
# is anybody's: the event must still land on the client's container. Every event is checked by
# the local ports the client reports, and a capture replays the same events. Loopback only.
. tests/lib/common.sh
plan 6
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
N=25
P4=$((42000 + $$ % 1000)) P6=$((43000 + $$ % 1000))
ctr=scrytest-net-$$

# The server: reads each connection to its end, then closes; counts the bytes.
python3 -c "
import socket, threading, sys, time
def serve(fam, addr, port):
    s = socket.socket(fam)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(64)
    while True:
        c, _ = s.accept()
        n = 0
        while True:
            b = c.recv(65536)
            if not b: break
            n += len(b)
        open('$TMP/server.bytes', 'a').write('%d\n' % n)
        c.close()
for a in ((socket.AF_INET, '127.0.0.1', $P4), (socket.AF_INET6, '::1', $P6)):
    threading.Thread(target=serve, args=a, daemon=True).start()
open('$TMP/server.ready', 'w').close()
time.sleep(120)
" &
SERVER=$!
EXTRA_CLEANUP="kill $SERVER 2>/dev/null; $EXTRA_CLEANUP"
i=0; until [ -e "$TMP/server.ready" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done

# Two tracers at once: one prints the events, one records them.
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$TMP/net.scry" "evt.category=net" || { not_ok "scry -w starts"; kill $SERVER; finish; }
REC_PID=$SCRY_PID
start_scry "$TMP/out" "$TMP/err" -j "evt.type=sockstate" || { not_ok "scry starts"; kill $SERVER $REC_PID; finish; }
"$DOCKER" run --name "$ctr" --network host "$IMAGE" sh -c "/h/tcp_conns 127.0.0.1 $P4 $N 1000 && /h/tcp_conns ::1 $P6 $N 3000" >"$TMP/ports"
ctr_id=$("$DOCKER" inspect -f '{{.Id}}' "$ctr" | cut -c1-12)
sleep 0.5
stop_scry INT
check "scry exits 0" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/err" | tail -3
SCRY_PID=$REC_PID
stop_scry INT
check "scry -w exits 0" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/rec.err" | tail -3
kill $SERVER 2>/dev/null
"$DOCKER" rm -f "$ctr" >/dev/null 2>&1
check "the client made $((2 * N)) connections" [ "$(wc -l <"$TMP/ports")" = $((2 * N)) ]
"$SCRY" -r "$TMP/net.scry" -j "evt.type=sockstate" >"$TMP/replay" 2>"$TMP/rerr"

for f in out replay; do
	py "
import json, collections
ports = [int(l) for l in open('$TMP/ports')]
v4, v6 = set(ports[:$N]), set(ports[$N:])
c = collections.Counter()
for line in open('$TMP/$f'):
    e = json.loads(line)
    info = e['evt.info'].split()
    states = info[2]
    src, dst = info[0].split('->')
    sport, dport = int(src.rsplit(':', 1)[1]), int(dst.rsplit(':', 1)[1])
    fam = 6 if src.startswith('[') else 4
    mine = v4 if fam == 4 else v6
    server = $P4 if fam == 4 else $P6
    if dport == server and sport in mine:	# the client's socket
        c[('client', fam, states, e['container.id'], e['container.name'])] += 1
    elif sport == server and dport in mine:	# the server's connection socket
        c[('server', fam, states, e['container.id'])] += 1
want = {}
for fam in (4, 6):
    want[('client', fam, 'SYN_SENT->ESTABLISHED', '$ctr_id', '$ctr')] = $N
    want[('client', fam, 'ESTABLISHED->FIN_WAIT1', '$ctr_id', '$ctr')] = $N
    want[('server', fam, 'LISTEN->SYN_RECV', 'host')] = $N
    want[('server', fam, 'SYN_RECV->ESTABLISHED', 'host')] = $N
got = {k: c[k] for k in want}
assert got == want, (got, want, c)
print('ok')
" >"$TMP/res.$f" 2>&1
	check "$f: exactly $N client connects (softirq side included) on the container and $N accepts on the host, IPv4 and IPv6" \
		grep -qx ok "$TMP/res.$f" || sed 's/^/#   /' "$TMP/res.$f" | tail -3
done
# The recorder's programs read the clock a few ns apart from the printer's: all but the time
# (a close's duration is a difference of two such times).
strip='s/"evt.num":[0-9]*,//; s/"evt.time":"[0-9:.]*",//; s/ duration=[0-9.]*ms//'
sed "$strip" "$TMP/out" >"$TMP/out.n"; sed "$strip" "$TMP/replay" >"$TMP/replay.n"
check "the recorded events replay as the live ones, line for line but the time ($(wc -l <"$TMP/out") events)" cmp -s "$TMP/out.n" "$TMP/replay.n" ||
	diff "$TMP/out.n" "$TMP/replay.n" | head -5 | sed 's/^/#   /'
finish
