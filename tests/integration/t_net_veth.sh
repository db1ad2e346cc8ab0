#!/bin/sh
# Two --network none containers joined by a veth pair inside their own network namespaces
# (192.0.2.1 and .2, TEST-NET-1, which exist only there): what the receiving side does runs in
# softirq, on whichever task sent the packet, so each event must land on its socket's container:
# - the server container's accepted connections reach ESTABLISHED (its sockstate events) while
#   the client's process is the one running;
# - the client sends K bytes while the server's namespace drops every 4th data segment (nft):
#   the client's retransmits, from its RTO timer and SACK recovery, equal its namespace's own
#   RetransSegs count (segments of one MSS each: gso_max_segs 1);
# - connections refused and connections aborted (SO_LINGER 0): resets received and sent on the
#   client, received on the server, exactly.
. tests/lib/common.sh
plan 9
. tests/lib/docker.sh

for b in nft nsenter ip; do
	command -v "$b" >/dev/null 2>&1 || skip_rest "$b" "$b is not installed: sh tools/install-deps.sh"
done
dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
K=300000 REFUSED=7 ABORTS=5 P=5000
A=scrytest-vetha-$$ B=scrytest-vethb-$$
VA=sa$$ VB=sb$$
"$DOCKER" run -d --name "$B" --network none "$IMAGE" /h/net_io serve $P $((1 + ABORTS)) >/dev/null &&
	"$DOCKER" run -d --name "$A" --network none "$IMAGE" sleep 600 >/dev/null ||
	{ not_ok "containers start"; finish; }
pa=$("$DOCKER" inspect -f '{{.State.Pid}}' "$A") pb=$("$DOCKER" inspect -f '{{.State.Pid}}' "$B")
in_a() { nsenter -t "$pa" -n "$@"; }
in_b() { nsenter -t "$pb" -n "$@"; }
ip link add "$VA" type veth peer name "$VB" &&
	ip link set "$VA" netns "$pa" && ip link set "$VB" netns "$pb" &&
	in_a ip link set "$VA" gso_max_segs 1 && in_b ip link set "$VB" gso_max_segs 1 &&
	in_a ip addr add 192.0.2.1/24 dev "$VA" && in_b ip addr add 192.0.2.2/24 dev "$VB" &&
	in_a ip link set "$VA" up && in_b ip link set "$VB" up &&
	in_a ip link set lo up && in_b ip link set lo up
check "a veth pair joins the two containers' namespaces" [ $? -eq 0 ]
# Every 4th data segment to the server is dropped on its way in (not the handshake, not resets).
in_b nft -f - <<EOF
table inet scrytest {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport $P meta length > 600 numgen inc mod 4 1 drop
	}
}
EOF
check "nft drops every 4th data segment in the server's namespace" [ $? -eq 0 ]

retrans() { in_a awk '$1 == "Tcp:" && !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
	$1 == "Tcp:" { print $c["RetransSegs"] }' /proc/net/snmp; }
start_scry "$TMP/out" "$TMP/err" -j "container.name in ($A, $B) and evt.category=net" ||
	{ not_ok "scry starts"; finish; }
STREAM=$SCRY_PID
start_scry "$TMP/view" "$TMP/verr" -c topcontainers_net --interval 0 -j "container.name in ($A, $B)" ||
	{ not_ok "scry -c topcontainers_net starts"; finish; }
VIEW=$SCRY_PID
EXTRA_CLEANUP="kill -KILL $STREAM $VIEW 2>/dev/null; $EXTRA_CLEANUP"
r0=$(retrans)
"$DOCKER" exec "$A" /h/net_io tcp 192.0.2.2 $P $K >"$TMP/client" 2>&1 &&
	"$DOCKER" exec "$A" /h/net_io refused 192.0.2.2 $((P + 1)) $REFUSED >>"$TMP/client" 2>&1 &&
	"$DOCKER" exec "$A" /h/net_io abort 192.0.2.2 $P $ABORTS >>"$TMP/client" 2>&1
crc=$?
r1=$(retrans)
sleep 0.5
stop_scry INT; s2=$?
SCRY_PID=$STREAM; stop_scry INT; s1=$?
"$DOCKER" logs "$B" >"$TMP/server" 2>&1
checkall "the client ran (status $crc), the server read its $K bytes first, both tracers exit 0 ($s1 $s2)" \
	'[ $crc -eq 0 ] && [ "$(head -1 "$TMP/server")" = $K ] && [ $s1 -eq 0 ] && [ $s2 -eq 0 ]' ||
	sed 's/^/#   /' "$TMP/client" "$TMP/server" "$TMP/err" | tail -6
echo "# the client's namespace retransmitted $((r1 - r0)) segments"

py "
import json, collections
c = collections.Counter((json.loads(l)['evt.type'], json.loads(l)['container.name']) for l in open('$TMP/out'))
print(dict(c))" >"$TMP/counts"
srv_est=$(py "
import json
n = bad = 0
for line in open('$TMP/out'):
    e = json.loads(line)
    i = e['evt.info']
    if e['evt.type'] == 'sockstate' and i.startswith('192.0.2.2:$P->') and 'SYN_RECV->ESTABLISHED' in i:
        n += 1
        bad += e['container.name'] != '$B'
print(n, bad)")
check "softirq: the server's $((1 + ABORTS)) accepted connections reach ESTABLISHED on its container, none elsewhere (got $srv_est)" \
	[ "$srv_est" = "$((1 + ABORTS)) 0" ] || sed 's/^/#   /' "$TMP/counts"
n=$(py "
import json
print(sum(1 for l in open('$TMP/out') if json.loads(l)['evt.type'] == 'tcpretrans' and json.loads(l)['container.name'] == '$A'))")
check "the client's retransmits: $n events, its namespace's RetransSegs grew by $((r1 - r0)) (the stream dropped $(dropped "$TMP/err"))" \
	[ "$n" = "$((r1 - r0))" -a "$n" -gt 0 ]
py "
import json, collections
c = collections.Counter()
for l in open('$TMP/out'):
    e = json.loads(l)
    if e['evt.type'] == 'tcpreset':
        c[(e['container.name'], e['evt.info'].split(' ')[-2])] += 1
print(c[('$A', 'received')], c[('$A', 'sent')], c[('$B', 'received')], c[('$B', 'sent')])
" >"$TMP/resets"
check "resets: the client received $REFUSED (refused) and sent $ABORTS (aborts), the server received $ABORTS (got $(cat "$TMP/resets"))" \
	[ "$(cat "$TMP/resets")" = "$REFUSED $ABORTS $ABORTS 0" ]
rows=$(py "
import json
rows = {r['container.name']: r for r in json.load(open('$TMP/view'))['rows']}
a, b = rows.get('$A', {}), rows.get('$B', {})
print(a.get('tcp.retransmits'), a.get('tcp.resets'), b.get('tcp.resets'), a.get('tcp.connections'),
      b.get('tcp.connections'), a.get('net.bytes_out'))")
c=$((1 + ABORTS))
check "topcontainers_net: client $((r1 - r0)) retransmits, $((REFUSED + ABORTS)) resets, server $ABORTS; $c connections each side; client's bytes out include $K (got $rows)" \
	[ "${rows% *}" = "$((r1 - r0)) $((REFUSED + ABORTS)) $ABORTS $c $c" -a "${rows##* }" -ge $K ]
# Each close, as tcplife: the bytes each end moved by the kernel's counters, which the socket
# still has when it closes in softirq; the client's K bytes out although segments were lost and
# sent again (each counted once), and no FIN counted as a byte.
closes=$(py "
import json, collections, re
c = collections.Counter()
for l in open('$TMP/out'):
    e = json.loads(l)
    m = re.match(r'192\.0\.2\.(\d):(\d+)->192\.0\.2\.\d:(\d+) tcp [A-Z_0-9]+->CLOSE .* (in=\d+ out=\d+)$', e['evt.info'])
    if e['evt.type'] == 'sockstate' and m and $P in (int(m.group(2)), int(m.group(3))):
        c[(e['container.name'] == '$A' and 'client' or e['container.name'] == '$B' and 'server' or '?', m.group(4))] += 1
print(' '.join('%s:%s:%d' % (k[0], k[1], n) for k, n in sorted(c.items())))")
want="client:in=0 out=1:$ABORTS client:in=0 out=$K:1 server:in=1 out=0:$ABORTS server:in=$K out=0:1"
check "closes: the client's in=0 out=$K, the server's in=$K out=0, and $ABORTS aborted ones with their 1 byte, client out, server in (got $closes)" \
	[ "$closes" = "$want" ]
check "the client container's events are its own: no sockstate of the server's port on it" \
	[ "$(py "
import json
print(sum(1 for l in open('$TMP/out') if json.loads(l)['evt.type'] == 'sockstate' and json.loads(l)['container.name'] == '$A' and json.loads(l)['evt.info'].startswith('192.0.2.2:')))")" = 0 ]
"$DOCKER" rm -f "$A" "$B" >/dev/null 2>&1
finish
