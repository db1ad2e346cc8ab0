#!/bin/sh
# The chisels that compute (issue 15), each against what this test did, live and replayed from a
# capture recorded at the same time (-w -s 2048, then -r):
# - httptop, httplog: python3 -m http.server on 127.0.0.1 and a client making 5 GET /a.txt, 2 GET
#   /b.txt (200, the files' sizes) and 3 GET /nope (404), a connection each: the server's side
#   (proc.pid) shows exactly those, with the responses' Content-Length;
# - bottlenecks, topscalls_time: a reader (a copy of cat named slowrd) blocks 0.3 s in the open of
#   a FIFO and 0.8 s in its read: its two slowest calls, and the syscalls' time;
# - lsof: a process holding two known files and a listening socket: its rows equal what
#   /proc/PID/fd says, and the filter argument picks one fd;
# - proc_exec_time: copies of sleep named petsleep live 0.2, 0.5 and 1 s;
# - spectrogram, subsecoffset: 20 sleeps of 3 ms and 5 of 100 ms (a process each, spsleep): every
#   call in the column the test computes from its latency (the capture's event stream), the
#   no-colour text has marks in those columns, a terminal gets colours;
# - around: a thread's stat before1, 2.5 s, stat before2, the match (open of a missing path),
#   stat after1, 2.5 s, stat after2: with 1000 ms the middle three, nothing of other threads;
# - httptop -pc per container: busybox httpd and wget in a container (its own loopback), 3 GET
#   /c.txt and 2 GET /nope: the container's name on its rows.
. tests/lib/common.sh
plan 24
. tests/lib/docker.sh

for t in python3 mkfifo; do
	command -v $t >/dev/null || skip_rest $t "install $t"
done
EXTRA_CLEANUP='[ -n "$VIEWS" ] && kill -KILL $VIEWS 2>/dev/null;
	for p in $WWW $HOLD; do kill -KILL $p 2>/dev/null; done; docker_cleanup'
DOCKER_OK=1
dockerd_start && image_build || DOCKER_OK=
name=cha-$$
PORT=$((20000 + $$ % 20000))
mkdir -p "$TMP/www" "$TMP/bin"
printf 'hello a\n' >"$TMP/www/a.txt"
printf 'the b file, longer\n' >"$TMP/www/b.txt"
for b in slowrd:cat petsleep:sleep spsleep:sleep; do
	cp "$(command -v ${b#*:})" "$TMP/bin/${b%:*}"
done
mkfifo "$TMP/fifo"

(cd "$TMP/www" && exec python3 -m http.server "$PORT" --bind 127.0.0.1) >/dev/null 2>&1 &
WWW=$!
# lsof's process: two files (read, write) and a listener, then it waits for the test.
python3 -c "
import os, socket, sys, time
a = open('$TMP/lsof_a', 'w+'); b = open('$TMP/lsof_b', 'w')
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()
open('$TMP/lsof_ready', 'w').write('%d %d %d' % (a.fileno(), b.fileno(), s.fileno()))
time.sleep(120)" &
HOLD=$!
i=0
while [ ! -s "$TMP/lsof_ready" ] || ! py "
import socket; socket.create_connection(('127.0.0.1', $PORT)).close()" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { not_ok "http.server and the lsof process start"; finish; }
	sleep 0.1
done

# --- live: every chisel at once, and the capture --------------------------------------------------
J="-j --interval 0 --top 100"
view ht -c httptop $J proc.pid=$WWW || { not_ok "httptop starts"; finish; }
view hl -c httplog -j proc.pid=$WWW || { not_ok "httplog starts"; finish; }
view bn -c bottlenecks -j proc.name=slowrd || { not_ok "bottlenecks starts"; finish; }
view ts -c topscalls_time $J proc.name=slowrd || { not_ok "topscalls_time starts"; finish; }
view pe -c proc_exec_time -j proc.name=petsleep || { not_ok "proc_exec_time starts"; finish; }
SPF="proc.name=spsleep and evt.type=clock_nanosleep"
view sp -c spectrogram 1000 -j $SPF || { not_ok "spectrogram starts"; finish; }
view ss -c subsecoffset -j $SPF || { not_ok "subsecoffset starts"; finish; }
AF="evt.type=openat and fd.name contains match_$$"
AP='%thread.tid %evt.dir %evt.type %fd.name %evt.num'
view ar -c around 1000 -p "$AP" $AF || { not_ok "around starts"; finish; }
[ -n "$DOCKER_OK" ] && { view hc -c httptop -pc $J container.name=$name ||
	{ not_ok "httptop -pc starts"; finish; }; }
# Eleven tracers at once and 2 KiB of data per call: a ring with room, and the drops checked,
# since a replay compared with a live chisel is only exact for a recording that lost nothing.
view cap -w "$TMP/cap.scry" -s 2048 --ring-mb 64 || { not_ok "scry -w starts"; finish; }

# around's thread, beside the others
py "
import os, time
os.stat('/tmp'); os.path.exists('$TMP/before1_$$')
time.sleep(2.5)
os.path.exists('$TMP/before2_$$')
try:
    open('$TMP/match_$$')
except OSError:
    pass
os.path.exists('$TMP/after1_$$')
time.sleep(2.5)
os.path.exists('$TMP/after2_$$')
open('$TMP/around_tid', 'w').write(str(os.getpid()))" &
AROUND=$!
py "
import http.client
for u, n in (('/a.txt', 5), ('/b.txt', 2), ('/nope', 3)):
    for i in range(n):
        c = http.client.HTTPConnection('127.0.0.1', $PORT)
        c.request('GET', u)
        c.getresponse().read()
        c.close()" || not_ok "# the HTTP client failed"
(sleep 0.3; exec 3>"$TMP/fifo"; sleep 0.8; echo x >&3) &
"$TMP/bin/slowrd" "$TMP/fifo" >/dev/null
for d in 0.2 0.5 1; do "$TMP/bin/petsleep" $d; done
for i in $(seq 20); do "$TMP/bin/spsleep" 0.003; done
for i in 1 2 3 4 5; do "$TMP/bin/spsleep" 0.1; done
[ -n "$DOCKER_OK" ] && "$DOCKER" run --name "$name" --network none "$IMAGE" sh -c '
	mkdir -p /www && echo container file >/www/c.txt && busybox httpd -p 127.0.0.1:8080 -h /www
	for u in c.txt c.txt c.txt nope nope; do
		busybox wget -q -O /dev/null http://127.0.0.1:8080/$u
	done; true' >/dev/null 2>"$TMP/docker.err"
wait_pid $AROUND 30
sleep 0.5
for n in ht hl bn ts pe sp ss ar cap; do stop_view $n; done
[ -n "$DOCKER_OK" ] && stop_view hc
# lsof live, while its process still holds its files; then /proc's truth
"$SCRY" -c lsof -j proc.pid=$HOLD >"$TMP/lsof.out" 2>"$TMP/lsof.err"; vrc="$vrc lsof=$?"
"$SCRY" -c lsof -j "proc.pid=$HOLD and fd.name contains lsof_b" >"$TMP/lsof_b.out" \
	2>"$TMP/lsof_b.err"; vrc="$vrc lsofb=$?"
py "
import os
fds = {}
for f in os.listdir('/proc/$HOLD/fd'):
    fds[int(f)] = os.readlink('/proc/$HOLD/fd/' + f)
print(repr(fds))" >"$TMP/proc_fds"
HOLD_PID=$HOLD
kill $HOLD; wait_pid $HOLD 10; HOLD=

checkall "the workloads ran, every scry ended with status 0 ($vrc)" \
	'! echo "$vrc" | grep -q "=[^0]"'
check "the recording dropped nothing (got $(dropped "$TMP/cap.err"))" [ "$(dropped "$TMP/cap.err")" = 0 ]

# pycheck DESC CODE: CODE (python; J(F): F's JSON, L(F): its JSON lines, A: around's tid,
# T: the replays' outputs by name) prints "ok" when the check holds.
pycheck() {
	d=$1
	py "
import json, math, os
def J(f):
    return json.load(open('$TMP/' + f))
def L(f):
    return [json.loads(l) for l in open('$TMP/' + f) if l.strip()]
PORT = $PORT
SIZES = {'/a.txt': os.path.getsize('$TMP/www/a.txt'), '/b.txt': os.path.getsize('$TMP/www/b.txt')}
WANT = {('GET', '/a.txt'): (5, 200), ('GET', '/b.txt'): (2, 200), ('GET', '/nope'): (3, 404)}
$2
" >"$TMP/res" 2>&1
	grep '^#' "$TMP/res"
	check "$d" grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -4
}

replay() { # replay NAME ARGS...: scry -r the capture ARGS > $TMP/NAME.r
	n=$1; shift
	"$SCRY" -r "$TMP/cap.scry" "$@" >"$TMP/$n.r" 2>"$TMP/$n.r.err" ||
		{ echo "# scry -r $* failed:"; sed 's/^/#   /' "$TMP/$n.r.err" | tail -3; }
}
replay ht -c httptop $J proc.pid=$WWW
replay hl -c httplog -j proc.pid=$WWW
replay bn -c bottlenecks -j proc.name=slowrd
replay bnlat -p '%evt.latency %evt.type' proc.name=slowrd and evt.dir='<'
replay ts -c topscalls_time $J proc.name=slowrd
replay pe -c proc_exec_time -j proc.name=petsleep
replay sp -c spectrogram 1000 -j $SPF
replay spt -c spectrogram 1000 $SPF
replay ss -c subsecoffset -j $SPF
replay lat -p '%evt.latency' "$SPF and evt.dir=<"
replay enters -p '%evt.rawtime' "$SPF and evt.dir=>"
replay ar -c around 1000 -p "$AP" $AF
replay lsof -c lsof -j proc.pid=$HOLD_PID
replay hc -c httptop -pc $J container.name=$name

# --- httplog, httptop ------------------------------------------------------------------------------
HTTPLOG="
def logcheck(rows):
    got = {}
    for r in rows:
        u = r['url']
        assert u.startswith('127.0.0.1:%d/' % PORT), r
        k = (r['method'], u[u.index('/'):])
        n, st = got.get(k, (0, r['response_code']))
        assert st == r['response_code'] and r['dir'] == '<' and r['latency_ns'] > 0, r
        if st == 200:
            assert r['size'] == SIZES[k[1]], r
        got[k] = (n + 1, st)
    assert got == WANT, got
    print('ok')
"
pycheck "live httplog: the server's 10 requests, method, url (Host + target), status, size" "
$HTTPLOG
logcheck(L('hl.out'))"
pycheck "replayed httplog: the same 10" "
$HTTPLOG
logcheck(L('hl.r'))"
HTTPTOP="
def topcheck(docs):
    rows = [r for d in docs for r in d['rows']]
    got = {(r['method'], r['url'][r['url'].index('/'):]): r for r in rows}
    assert set(got) == set(WANT) and len(rows) == 3, rows
    for k, (n, st) in WANT.items():
        assert got[k]['ncalls'] == n, got[k]
        assert got[k]['bytes'] == (n * SIZES[k[1]] if st == 200 else got[k]['bytes']), got[k]
        assert got[k]['time_ns'] > 0
    assert rows == sorted(rows, key=lambda r: -r['ncalls']), rows
    print('ok')
"
pycheck "live httptop: 5, 2 and 3 calls per method and url, bytes = calls x file size" "
$HTTPTOP
topcheck(L('ht.out'))"
pycheck "replayed httptop: the same" "
$HTTPTOP
topcheck(L('ht.r'))"

CTOP="
def ctop(f):
    rows = [r for d in L(f) for r in d['rows']]
    got = {(r['container.name'], r['method'], r['url']): r['ncalls'] for r in rows}
    want = {('$name', 'GET', '127.0.0.1:8080/c.txt'): 3, ('$name', 'GET', '127.0.0.1:8080/nope'): 2}
    # busybox's httpd and wget both in it: each request seen from both ends
    assert got == {k: 2 * v for k, v in want.items()}, got
    print('ok')
"
if [ -n "$DOCKER_OK" ]; then
	pycheck "live httptop -pc: the container's httpd and wget, by its name: 3 GET /c.txt, 2 /nope (each end)" "
$CTOP
ctop('hc.out')"
	pycheck "replayed httptop -pc: the same" "
$CTOP
ctop('hc.r')"
else
	skip 2 docker "a private dockerd and the test image are needed"
fi

# --- bottlenecks, topscalls_time -----------------------------------------------------------------
pycheck "live bottlenecks: slowrd's read of the FIFO (0.8 s) first, its open (0.3 s) second" "
b = J('bn.out')
assert b[0]['evt.type'] == 'read' and 0.75e9 <= b[0]['evt.latency'] < 3e9, b[0]
assert b[1]['evt.type'] in ('openat', 'open') and 0.25e9 <= b[1]['evt.latency'] < 0.75e9, b[1]
assert all(x['proc.name'] == 'slowrd' for x in b) and len(b) <= 10, b
assert [x['evt.latency'] for x in b] == sorted((x['evt.latency'] for x in b), reverse=True)
print('ok')"
# Each scry reads the clock in its own programs: live and replayed latencies differ by a few us.
# The replay's are the capture's to the ns (its event stream). The first two only: live, the
# kernel leaves out the enters of other names (execve's, by sh), whose latency is then unknown.
pycheck "replayed bottlenecks: the capture's 10 largest latencies of slowrd, in order; the first two as live (1 ms)" "
a, b = J('bn.out'), J('bn.r')
s = sorted(((int(l.split()[0]), l.split()[1]) for l in open('$TMP/bnlat.r') if l.strip()),
           key=lambda x: -x[0])[:10]
assert [(x['evt.latency'], x['evt.type']) for x in b] == s, (b, s)
for x, y in zip(a[:2], b[:2]):
    assert x['evt.type'] == y['evt.type'] and x['thread.tid'] == y['thread.tid'], (x, y)
    assert abs(x['evt.latency'] - y['evt.latency']) < 1e6, (x, y)
print('ok')"
pycheck "live topscalls_time: read first (>= 0.8 s in all), openat (>= 0.3 s) next" "
rows = [r for d in L('ts.out') for r in d['rows']]
assert rows[0]['evt.type'] == 'read' and rows[0]['latency.total_ns'] >= 0.75e9, rows[:2]
assert rows[1]['evt.type'] in ('openat', 'open') and rows[1]['latency.total_ns'] >= 0.25e9, rows[:2]
print('ok')"
pycheck "replayed topscalls_time: each syscall's time the sum of its latencies in the capture; read's, openat's as live (1 ms)" "
f = lambda n: {r['evt.type']: (r['latency.total_ns'], r['syscalls']) for d in L(n) for r in d['rows']}
live, rep, want = f('ts.out'), f('ts.r'), {}
for l in open('$TMP/bnlat.r'):
    if l.strip():
        ns, t = l.split()
        n0, c0 = want.get(t, (0, 0))
        want[t] = (n0 + int(ns), c0 + 1)
# exit and exit_group count at their enter (they have no exit)
assert {t: rep.get(t) for t in want} == want and set(rep) - set(want) <= {'exit', 'exit_group'}, (rep, want)
for t in ('read', 'openat'):
    assert live[t][1] == rep[t][1] and abs(live[t][0] - rep[t][0]) < 1e6, (t, live[t], rep[t])
print('ok')"

# --- lsof -------------------------------------------------------------------------------------------
LSOF="
fds = eval(open('$TMP/proc_fds').read())
a, b, s = map(int, open('$TMP/lsof_ready').read().split())
def lsofcheck(rows):
    got = {r['fd.num']: r for r in rows}
    assert all(r['proc.pid'] == $HOLD_PID for r in rows), rows
    assert set(got) == set(fds), (sorted(got), sorted(fds))
    for fd, link in fds.items():
        if link.startswith('/'):
            assert got[fd]['fd.name'] == link and got[fd]['fd.type'] in ('file', 'char'), (got[fd], link)
    assert got[a]['fd.name'] == '$TMP/lsof_a' and got[b]['fd.name'] == '$TMP/lsof_b'
    assert got[s]['fd.type'] == 'ipv4', got[s]
    print('ok')
"
pycheck "live lsof: the process's fds as /proc/PID/fd has them (files by name, the listener ipv4)" "
$LSOF
lsofcheck(J('lsof.out'))"
pycheck "lsof with a filter: proc.pid and fd.name contains lsof_b, one row, its fd" "
a, b, s = map(int, open('$TMP/lsof_ready').read().split())
r = J('lsof_b.out')
assert len(r) == 1 and r[0]['fd.num'] == b and r[0]['fd.name'].endswith('/lsof_b'), r
print('ok')"
pycheck "replayed lsof: the same fds, at the capture's end" "
$LSOF
lsofcheck(J('lsof.r'))"

# --- proc_exec_time ---------------------------------------------------------------------------------
PET="
def petcheck(rows):
    got = sorted((r['proc.args'], r['duration_ns']) for r in rows)
    assert [a for a, d in got] == ['0.2', '0.5', '1'], got
    for a, d in got:
        assert float(a) * 1e9 <= d < float(a) * 1e9 + 0.3e9, got
    assert all(r['proc.name'] == 'petsleep' and r['container.name'] == 'host' for r in rows)
    return got
"
pycheck "live proc_exec_time: petsleep 0.2, 0.5, 1 lived 0.2, 0.5, 1 s (+ less than 0.3 s)" "
$PET
petcheck(L('pe.out'))
print('ok')"
pycheck "replayed proc_exec_time: the same durations (1 ms: each scry reads its own clock)" "
$PET
for (a, x), (b, y) in zip(petcheck(L('pe.out')), petcheck(L('pe.r'))):
    assert a == b and abs(x - y) < 1e6, (a, x, y)
print('ok')"

# --- spectrogram, subsecoffset ----------------------------------------------------------------------
SPEC="
lats = [int(l) for l in open('$TMP/lat.r') if l.strip()]
want = {}
for ns in lats:
    c = min(79, int(math.floor(math.log10(ns) * 80 / 11)))
    want[c] = want.get(c, 0) + 1
def cols(f):
    got = {}
    for d in L(f):
        for c in d['columns']:
            got[c['col']] = got.get(c['col'], 0) + c['count']
            assert c['latency_lo_ns'] <= c['latency_hi_ns']
    return got
"
pycheck "live spectrogram: 25 calls, 5 in columns of 100 ms-1 s, 20 of 2-20 ms, each as its latency says" "
$SPEC
assert len(lats) == 25, lats
assert sum(1 for l in lats if 100e6 <= l < 1e9) == 5 and sum(1 for l in lats if 2e6 <= l < 20e6) == 20, lats
got = cols('sp.out')
assert got == want, (got, want)
for d in L('sp.out'):
    for c in d['columns']:
        for l in lats:
            if min(79, int(math.floor(math.log10(l) * 80 / 11))) == c['col']:
                assert c['latency_lo_ns'] <= l < c['latency_hi_ns'], (c, l)
print('ok')"
pycheck "replayed spectrogram: the same columns; without a terminal an axis then marks in those columns only" "
$SPEC
assert cols('sp.r') == want, cols('sp.r')
lines = open('$TMP/spt.r').read().split('\n')
assert lines[0].startswith('|1ns') and '\x1b' not in ''.join(lines), lines[:2]
marks = set(i for l in lines[1:] for i, ch in enumerate(l) if ch != ' ')
assert marks == set(want), (sorted(marks), sorted(want))
assert all(len(l) == 80 for l in lines[1:] if l), [len(l) for l in lines]
print('ok')"
# A column is 12.5 ms of the second: live, its own clock may put a call in the next one.
pycheck "subsecoffset: the 25 enters, replayed each in the column of its time within the second (the capture's evt.rawtime), live within a column" "
f = lambda n: sorted(c['col'] for d in L(n) for c in d['columns'] for i in range(c['count']))
live, rep = f('ss.out'), f('ss.r')
want = sorted(int(l) % 10**9 * 80 // 10**9 for l in open('$TMP/enters.r') if l.strip())
assert len(want) == 25 and rep == want, (rep, want)
assert len(live) == 25 and all(min(abs(a - b), 80 - abs(a - b)) <= 1 for a, b in zip(live, rep)), (live, rep)
print('ok')"
if command -v script >/dev/null; then
	TERM=xterm-256color script -qec "$SCRY -r $TMP/cap.scry -c spectrogram 1000 $SPF 2>/dev/null" \
		/dev/null >"$TMP/tty.out" 2>&1
	checkall "on a terminal (TERM=xterm-256color): 256-colour backgrounds, no density characters" \
		'grep -q "$(printf "\033")\[48;5;" "$TMP/tty.out" && ! grep -q "[@#%]" "$TMP/tty.out"'
else
	skip 1 script "install bsdutils (script) for a pseudo-terminal"
fi

# --- around -----------------------------------------------------------------------------------------
AROUND="
tid = open('$TMP/around_tid').read().strip()
def aroundcheck(f):
    lines = [l.split() for l in open('$TMP/' + f) if l.strip()]
    assert lines and all(l[0] == tid for l in lines), lines[:3]
    text = open('$TMP/' + f).read()
    for w in ('before2_$$', 'match_$$', 'after1_$$'):
        assert w in text, (w, text[-500:])
    for w in ('before1_$$', 'after2_$$'):
        assert w not in text, w
    names = [l[3] for l in lines if len(l) > 3]
    order = [n for n in names if any(w in n for w in ('before2_', 'match_', 'after1_'))]
    assert [o.split('/')[-1].split('_')[0] for o in order] == ['before2', 'match', 'after1'], order
    nums = [int(l[4]) for l in lines]
    assert nums == sorted(set(nums)), 'a line twice, or out of order'
    print('ok')
"
pycheck "live around 1000: the thread's events 1 s either side of the match (before2, match, after1), not 2.5 s away" "
$AROUND
aroundcheck('ar.out')"
pycheck "replayed around: the same" "
$AROUND
aroundcheck('ar.r')"
checkall "scry -L lists the chisels and -L NAME shows sysdig's argument" \
	'"$SCRY" -L | grep -q "^httptop " && "$SCRY" -L spectrogram | grep -q refresh_time &&
	 "$SCRY" -L httptop | grep -q "one of: ncalls time bytes"'
finish
