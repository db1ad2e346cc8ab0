#!/bin/sh
# -s SNAPLEN: the first bytes of known payloads, on a regular file (write, pread64, writev,
# preadv), a pipe (write, read) and a loopback TCP connection (sendto, recvfrom, sendmsg,
# recvmsg), exactly: -s 80 (the default), -s 16, -s 200 (past what is staged: each record alone),
# -s 0 (none); -A and -X; -j; live and after -w/-r; the echo_fds view. A payload with a terminal
# escape, a newline and a backslash comes out escaped in text and JSON, nothing raw.
. tests/lib/common.sh
plan 15

# Above the bound: a usage error, nothing run.
"$SCRY" -s 4097 -n 1 >"$TMP/o" 2>"$TMP/e"; rc=$?
checkall "-s 4097: exit 2 ($rc), one line naming the bound" \
	'[ $rc -eq 2 ] && [ ! -s "$TMP/o" ] &&
	 [ "$(cat "$TMP/e")" = "scry: -s '"'4097'"': expected 0 to 4096 bytes; see scry --help" ]'

# The workload: every payload's bytes, and the fds it used, for the checks to compare with.
cat >"$TMP/work.py" <<'EOF'
import os, socket, sys, time
tmp = sys.argv[1]
PF = b''.join(b'f%03d,' % i for i in range(40))		# 200 bytes
PV = [b''.join(b'v%02d.' % i for i in range(12)), b''.join(b'w%03d;' % i for i in range(20))]
PP = b''.join(b'p%02d' % i for i in range(40))		# 120 bytes
PH = b'esc\x1b[31mred\nnl\\back\x07'
PT = b''.join(b't%03d ' % i for i in range(30))
PM = [b'msg-one|', b''.join(b'm%02d' % i for i in range(40))]
open(tmp + '/ready', 'w').close()
while not os.path.exists(tmp + '/go'):
    time.sleep(0.05)
# opened while traced: the fd table names them from their opens
f = os.open(tmp + '/data', os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
r, w = os.pipe()
ls = socket.socket(); ls.bind(('127.0.0.1', 0)); ls.listen(1)
c = socket.create_connection(ls.getsockname()); a, _ = ls.accept()
with open(tmp + '/fds', 'w') as o:
    o.write('%d %d %d %d %d\n' % (f, r, w, c.fileno(), a.fileno()))
assert os.write(f, PF) == len(PF)
assert os.pread(f, 4096, 0) == PF
assert os.writev(f, PV) == len(PV[0]) + len(PV[1])
bufs = [bytearray(30), bytearray(300)]
n = os.preadv(f, bufs, len(PF))
assert n == len(PV[0]) + len(PV[1]), n
os.write(w, PP); assert os.read(r, 4096) == PP
os.write(w, PH); assert os.read(r, 4096) == PH
c.send(PT)
got = b''
while len(got) < len(PT):
    got += a.recv(4096)
assert got == PT
c.sendmsg(PM)
got = b''
while len(got) < len(PM[0]) + len(PM[1]):
    got += a.recvmsg(4096)[0]
EOF
# The same payloads, as the checks want them: (type, fd index, payload) per call.
cat >"$TMP/want.py" <<'EOF'
import json, sys
PF = b''.join(b'f%03d,' % i for i in range(40))
PV = b''.join(b'v%02d.' % i for i in range(12)) + b''.join(b'w%03d;' % i for i in range(20))
PP = b''.join(b'p%02d' % i for i in range(40))
PH = b'esc\x1b[31mred\nnl\\back\x07'
PT = b''.join(b't%03d ' % i for i in range(30))
PM = b'msg-one|' + b''.join(b'm%02d' % i for i in range(40))
fds = [int(x) for x in open(sys.argv[1] + '/fds').read().split()]
F, R, W, C, A = fds
CALLS = [('write', F, PF), ('pread64', F, PF), ('writev', F, PV), ('preadv', F, PV),
         ('write', W, PP), ('read', R, PP), ('write', W, PH), ('read', R, PH),
         ('sendto', C, PT), ('recvfrom', A, PT), ('sendmsg', C, PM), ('recvmsg', A, PM)]
def esc(b):
    """scry's escaping of a string (util/escape.c) for the ASCII bytes these payloads have"""
    out = ''
    for x in b:
        if x == 0x5c:
            out += '\\\\'
        elif 0x20 <= x < 0x7f:
            out += chr(x)
        else:
            out += '\\x%02x' % x
    return out
def dots(b, nl=False):
    return ''.join(chr(x) if 0x20 <= x < 0x7f or (nl and x == 10) else '.' for x in b)
EOF

# The workload waits for every tracer; then each sees the same calls.
python3 "$TMP/work.py" "$TMP" >"$TMP/py.out" 2>&1 &
PY=$!
EXTRA_CLEANUP="kill $PY 2>/dev/null"
i=0; until [ -e "$TMP/ready" ] || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
calls="proc.pid=$PY and evt.dir='<' and evt.type in (read, write, pread64, writev, preadv, preadv2,"
calls="$calls sendto, recvfrom, sendmsg, recvmsg)"
pids=
for run in "j80 -j" "j16 -j -s 16" "j200 -j -s 200" "j0 -j -s 0" "A -A" "X -X -s 32" \
	   "echo -c echo_fds" "w -w $TMP/cap.scry"; do
	set -- $run
	name=$1; shift
	start_scry "$TMP/$name" "$TMP/$name.err" "$@" "$calls" || { not_ok "scry $* starts"; finish; }
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
"$SCRY" -r "$TMP/cap.scry" -j "$calls" >"$TMP/rj" 2>"$TMP/rj.err"
"$SCRY" -r "$TMP/cap.scry" "$calls" >"$TMP/rtext" 2>"$TMP/rtext.err"
"$SCRY" -r "$TMP/cap.scry" -A "$calls" >"$TMP/rA" 2>"$TMP/rA.err"
"$SCRY" -r "$TMP/cap.scry" -X -s 32 "$calls" >"$TMP/rX" 2>"$TMP/rX.err"

# json FILE SNAPLEN: every call once, its evt.buflen the payload's, its evt.buffer the first
# min(len, SNAPLEN) bytes escaped (none with 0), and evt.info's data= their dots; else the misses.
json() {
	py "
import json, sys
sys.argv = ['', '$TMP']
exec(open('$TMP/want.py').read())
import re
seen = {}
for l in open('$1'):
    e = json.loads(l)
    fd = int(re.search(r'fd=(-?[0-9]+)\(', e['evt.info']).group(1))
    t = 'preadv' if e['evt.type'] == 'preadv2' else e['evt.type']	# as the C library calls it
    seen.setdefault((t, fd), []).append(e)
miss = []
for t, fd, p in CALLS:
    # by length too: the pipe carries two payloads
    es = [e for e in seen.get((t, fd), []) if e['evt.info'].startswith('res=%d ' % len(p))]
    if len(es) != 1:
        miss.append('%s(%d): %d events' % (t, fd, len(es)))
        continue
    e, d = es[0], p[:$2]
    info = e['evt.info']
    if $2 == 0:
        if 'evt.buffer' in e or ' data=' in info:
            miss.append('%s: data with -s 0' % t)
    elif e.get('evt.buffer') != esc(d) or not info.endswith(' data=' + esc(dots(d).encode())):
        miss.append('%s(%d): %r %r' % (t, fd, e.get('evt.buffer'), info))
# the report goes through the shell's echo, which reads backslashes
print(('; '.join(miss) or 'ok').replace(chr(92), chr(92) * 2))
"
}
for run in "j80 80 live" "j16 16 live" "j200 200 live" "j0 0 live" "rj 80 replayed"; do
	set -- $run
	got=$(json "$TMP/$1" $2)
	check "-s $2, $3, -j: the 12 calls' evt.buffer and data= are their first $2 bytes ($got)" \
		[ "$got" = ok ]
done

# No raw byte of the hostile payload in any output: no ESC or BEL anywhere.
raw=$(cat "$TMP/j80" "$TMP/j16" "$TMP/j200" "$TMP/A" "$TMP/X" "$TMP/echo" "$TMP/rj" "$TMP/rtext" \
	"$TMP/rA" "$TMP/rX" | tr -d -c '\033\007' | wc -c)
check "no escape or bell byte in any output ($raw)" [ "$raw" -eq 0 ]

# The default line (replayed: the capture's data): data= in dots, the backslash escaped.
W=$(awk '{ print $3 }' "$TMP/fds")
got=$(grep -F -- " < write res=20 fd=$W(<p>" "$TMP/rtext" |
	grep -c ' size=20 data=esc\.\[31mred\.nl\\\\back\.$')
check "replayed text line: the hostile write's data=esc.[31mred.nl\\\\back. ($got)" \
	[ "$got" -eq 1 ] ||
	grep -F -- "fd=$W(<p>)" "$TMP/rtext" | sed 's/^/#   /'

# -A: printable ASCII, newlines kept: the hostile read's line ends inside the data, live and
# replayed; the next line is the data's rest.
R=$(awk '{ print $2 }' "$TMP/fds")
for f in A rA; do
	got=$(awk -v m=" < read res=20 fd=$R(<p>" \
		'index($0, m) && /data=esc\.\[31mred$/ { getline n; print n }' \
		"$TMP/$f")
	check "-A ($f): the hostile read's data breaks its line where its newline is" \
		[ "$got" = 'nl\back.' ] || grep -A1 -F -- "fd=$R(<p>)" "$TMP/$f" | sed 's/^/#   /'
done

# -X -s 32: the file's write as two rows of hex and ASCII, live and replayed.
rows=$(py "
exec(open('$TMP/want.py').read().replace('sys.argv[1]', '\"$TMP\"'))
d = PF[:32]
for o in (0, 16):
    r = d[o:o + 16]
    print('\t0x%04x:  %s  %s' % (o, ' '.join(r[i:i + 2].hex() for i in range(0, 16, 2)), dots(r)))
")
F=$(awk '{ print $1 }' "$TMP/fds")
for f in X rX; do
	got=$(awk -v m=" < write res=200 fd=$F(<f>" \
		'index($0, m) && /data=$/ { getline a; getline b; print a; print b }' \
		"$TMP/$f")
	check "-X ($f): the file write's first 32 bytes as 2 rows of hex and ASCII" [ "$got" = "$rows" ] ||
		printf '%s\n---\n%s\n' "$got" "$rows" | sed 's/^/#   /'
done

# echo_fds: the header line with direction, bytes, fd type and name (the fd table's), then the
# data (-A's form).
got=$(py "
exec(open('$TMP/want.py').read().replace('sys.argv[1]', '\"$TMP\"'))
lines = open('$TMP/echo').read().split('\n')
want = [('------ Write 200B to [$PY] <f>$TMP/data', PF),
        ('------ Read 120B from [$PY] <p>pipe:[', PP),
        ('------ Read 150B from [$PY] <4>127.0.0.1:', PT),
        ('------ Write 20B to [$PY] <p>pipe:[', PH)]
miss = []
for head, p in want:
    at = [i for i, l in enumerate(lines) if l.startswith(head) and l.endswith(' (python3)')]
    body = dots(p[:80], True)
    if len(at) != 1 or '\n'.join(lines[at[0] + 1:at[0] + 1 + body.count('\n') + 1]) != body:
        miss.append(head)
        print('\n'.join('#   ' + l for l in lines if head[:14] in l))
print('; '.join(miss) or 'ok')
")
check "echo_fds: the file write, pipe read, socket receive and hostile write, each once" \
	[ "$got" = ok ] || echo "$got" | sed 's/^/#   /'
# echo_fds replayed: what it printed live, from the capture's data and fd table.
"$SCRY" -r "$TMP/cap.scry" -c echo_fds "$calls" >"$TMP/recho" 2>"$TMP/recho.err"; rc=$?
n=$(grep -c '^------ ' "$TMP/echo")
checkall "echo_fds replayed (exit $rc): the same $n reads and writes as live" \
	'[ $rc -eq 0 ] && grep -q "^------ " "$TMP/echo" && cmp -s "$TMP/echo" "$TMP/recho"' ||
	diff "$TMP/echo" "$TMP/recho" | head -5 | sed 's/^/#   /'
finish
