#!/bin/sh
# The rest of sysdig 0.29's chisels (issue 15, CHX), each against what the workload here did,
# live and replayed from a recording (-w, then -r): iobytes, iobytes_file, iobytes_net (known
# bytes written to and read from a file, a pipe, and a TCP exchange on 127.0.0.1, the file and
# the network a second apart), fdcount_by (a process and its child with known files open,
# each read twice), topcontainers_error (failed opens of known errno), memcachelog (a
# memcached text-protocol exchange with a fake server named memcached, a hostile key among its
# commands), list_login_shells (the oldest *sh among a command's process and its ancestors,
# from /proc, against a bash running /bin/true twice), shellshock_detect (bash and sh run with
# a function definition in an argument or in the environment; a near miss is not shown), table_generator (bytes written per file).
# timeout: 600
. tests/lib/common.sh
plan 31

command -v bash >/dev/null || skip_rest bash "list_login_shells and shellshock_detect run bash"

cat >"$TMP/work.py" <<'EOF'
# The workload (comm chxwork); what it did goes to truth.json, written in one call at the end.
import ctypes, json, os, socket, subprocess, sys, threading, time
tmp = sys.argv[1]
libc = ctypes.CDLL(None)
libc.prctl(15, b'chxwork', 0, 0, 0)
T = {'pid': os.getpid()}
def login_shell(pid):
    # the oldest process named *sh among pid and its ancestors, from /proc (before scry runs:
    # these reads are file I/O)
    found = None
    while pid > 1:
        st = open('/proc/%d/stat' % pid).read()
        comm, rest = st[st.index('(') + 1:st.rindex(')')], st[st.rindex(')') + 2:].split()
        if comm.endswith('sh'):
            found = pid
        pid = int(rest[1])
    return found
T['login'] = login_shell(os.getpid())
ls = socket.socket(); ls.bind(('127.0.0.1', 0)); ls.listen(1)
port = ls.getsockname()[1]
# the fake memcached: named memcached, one recv and one answer per command
srv = subprocess.Popen([sys.executable, tmp + '/mcd.py', tmp], stdout=subprocess.PIPE)
T['mc_port'] = int(srv.stdout.readline())
T['mc_pid'] = srv.pid
with open(tmp + '/ready.tmp', 'w') as f:
    json.dump(T, f)
os.rename(tmp + '/ready.tmp', tmp + '/ready')
while not os.path.exists(tmp + '/go'):
    time.sleep(0.05)

# files: 3 writes, then 2 reads of it all (iobytes, iobytes_file)
fd = os.open(tmp + '/io.dat', os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
for n in (1000, 20000, 7):
    assert os.write(fd, b'x' * n) == n
rd = 0
for _ in range(2):
    rd += len(os.pread(fd, 1 << 20, 0))
os.close(fd)
T['file_out'], T['file_in'] = 21007, rd
# a pipe (iobytes only)
r, w = os.pipe()
os.write(w, b'p' * 333)
T['pipe'] = len(os.read(r, 1000))
os.close(r); os.close(w)
# failed opens of a directory for writing: EISDIR (topcontainers_error)
for _ in range(7):
    try:
        os.open(tmp, os.O_WRONLY)
    except IsADirectoryError:
        pass
# fdcount_by: 5 files open here, each read twice; a child with 3 others, and one name of ours
fds = [os.open(tmp + '/fdc.%d' % i, os.O_RDWR | os.O_CREAT, 0o600) for i in range(5)]
for _ in range(2):
    for f in fds:
        os.pread(f, 10, 0)
c = os.fork()
if c == 0:
    cf = [os.open(tmp + '/fdc.%d' % i, os.O_RDWR | os.O_CREAT, 0o600) for i in (0, 7, 8)]
    for f in cf:
        os.pread(f, 10, 0)
    os._exit(0)
os.waitpid(c, 0)
T['child'] = c
time.sleep(1.2)
# TCP on 127.0.0.1, a second later (iobytes_net): 5000 bytes each way, exactly
def serve():
    s, _ = ls.accept()
    got = 0
    while got < 5000:
        got += len(s.recv(5000 - got))
    s.sendall(b's' * 5000)
    s.close()
th = threading.Thread(target=serve); th.start()
cl = socket.socket(); cl.connect(('127.0.0.1', port))
cl.sendall(b'c' * 5000)
got = 0
while got < 5000:
    got += len(cl.recv(5000 - got))
cl.close(); th.join(); ls.close()
T['net'] = 10000		# each way, both ends ours: in and out 10000
# login shells and shellshock: bash's builtin true would exec nothing, /bin/true does; bash's
# pid is the Popen's (two commands: it forks them)
b = subprocess.Popen(['bash', '-c', '/bin/true chxmark1; /bin/true chxmark2'])
assert b.wait() == 0
T['login'] = T['login'] or b.pid
# a clean environment (an exported bash function would be a "() {" of its own), then the attack
# in an argument, in the environment, and a near miss
E = {'PATH': os.environ.get('PATH', '/usr/bin:/bin')}
subprocess.run(['bash', '-c', ': "() { :;}; echo CHXSHOCK"'], check=True, env=E)
subprocess.run(['sh', '-c', ': "(){ x"'], check=True, env=E)
subprocess.run(['env', 'X=() { :;}; echo envshock', 'bash', '-c', ':'], check=True, env=E)
subprocess.run(['bash', '-c', ': "( ) { :;}"'], check=True, env=dict(E, Y='( ) {x'))
# memcached commands from a child (not chxwork's own I/O)
subprocess.run([sys.executable, tmp + '/mcc.py', str(T['mc_port'])], check=True)
srv.wait()
data = json.dumps(T).encode()
fd = os.open(tmp + '/truth.json', os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, data)
os.close(fd)
EOF
cat >"$TMP/mcd.py" <<'EOF'
import ctypes, socket, sys
ctypes.CDLL(None).prctl(15, b'memcached', 0, 0, 0)
ls = socket.socket(); ls.bind(('127.0.0.1', 0)); ls.listen(1)
print(ls.getsockname()[1], flush=True)
s, _ = ls.accept()
while True:
    d = s.recv(65536)
    if not d:
        break
    s.sendall(b'STORED\r\n' if d.startswith(b'set') else b'VALUE k1 0 5\r\nhello\r\nEND\r\n')
EOF
cat >"$TMP/mcc.py" <<'EOF'
import socket, sys
c = socket.socket(); c.connect(('127.0.0.1', int(sys.argv[1])))
for cmd in [b'set k1 0 0 5\r\nhello\r\n', b'set big 0 0 2000\r\n' + b'b' * 2000 + b'\r\n',
            b'get k1\r\n', b'gets k2 k3\r\n', b'delete k1\r\n',
            b'set \x1b[31mevil 0 0 3\r\nabc\r\n']:
    c.sendall(cmd)
    c.recv(65536)
c.close()
EOF

python3 "$TMP/work.py" "$TMP" >"$TMP/w.out" 2>"$TMP/w.err" &
WPID=$!
EXTRA_CLEANUP="kill -KILL $WPID \$VIEWS 2>/dev/null"
i=0
while [ ! -f "$TMP/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$TMP/ready" ] || { sed 's/^/#   /' "$TMP/w.err"; skip_rest python3 "the workload did not start"; }
MCPID=$(py "import json; print(json.load(open('$TMP/ready'))['mc_pid'])")

# NAME|ARGS|FILTER: each live, side by side; the recording of the workload and its children.
W="proc.pid=$WPID"
set -- "iobytes|iobytes|$W" "iobytes_file|iobytes_file|$W" "iobytes_net|iobytes_net|$W" \
	"fdcount_by|fdcount_by proc.pid --interval 0|fd.name startswith $TMP/fdc." \
	"error|topcontainers_error --interval 0|$W" \
	"mc|memcachelog|" "mc_set|memcachelog set 1000|" "mc_get|memcachelog get|" \
	"ls_all|list_login_shells|proc.args contains chxmark" \
	"ls_cmd|list_login_shells true|proc.args contains chxmark" \
	"ls_none|list_login_shells nosuchprogram|proc.args contains chxmark" \
	"ls_args|list_login_shells true chxmark2|proc.args contains chxmark" \
	"ls_noargs|list_login_shells true nosucharg|proc.args contains chxmark" \
	"shock|shellshock_detect|proc.ppid=$WPID" \
	"tg|table_generator fd.name FILE evt.rawres BYTES evt.type=write 0 bytes --interval 0|$W"
for v in "$@"; do
	IFS='|' read -r name args f <<EOF
$v
EOF
	view "$name" --ring-mb 4 -c $args ${f:+"$f"} || not_ok "scry -c $args starts"
done
view rec --ring-mb 8 -s 4096 -w "$TMP/cap.scry" \
	"proc.pid=$WPID or proc.ppid=$WPID or proc.pid=$MCPID or proc.args contains chxmark" ||
	not_ok "the recorder starts"
touch "$TMP/go"
wait_pid $WPID 60
wrc=$?
sleep 0.5
vrc=
for v in "$@" rec; do stop_view "${v%%|*}"; done
[ $wrc -eq 0 ] && [ -f "$TMP/truth.json" ] ||
	{ sed 's/^/#   /' "$TMP/w.err"; skip_rest python3 "the workload failed ($wrc)"; }

mkdir "$TMP/rep"
for v in "$@"; do
	IFS='|' read -r name args f <<EOF
$v
EOF
	"$SCRY" -r "$TMP/cap.scry" -c $args ${f:+"$f"} >"$TMP/rep/$name.out" 2>"$TMP/rep/$name.err"
	echo $? >"$TMP/rep/$name.rc"
done

cat >"$TMP/chk.py" <<'EOF'
import json, re, sys
tmp, name, where = sys.argv[1:4]
T = json.load(open(tmp + '/truth.json'))
out = open(tmp + ('/%s.out' % name if where == 'live' else '/rep/%s.out' % name), 'rb').read()
assert b'\x1b' not in out, 'a raw escape in the output'
L = [l for l in out.decode('latin-1').split('\n') if l]
if where == 'rep':
    rc = open(tmp + '/rep/%s.rc' % name).read().strip()
    assert rc == '0', ('exit', rc, open(tmp + '/rep/%s.err' % name).read())
def seconds():
    r = [re.fullmatch(r'(\d\d):(\d\d):(\d\d) in:(\d+) out:(\d+) tot:(\d+)', l) for l in L]
    assert all(r) and r, L
    t = [int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]) for m in r]
    # a line per second, each the second after the one before
    assert all((b - a) % 86400 == 1 for a, b in zip(t, t[1:])), L
    v = [(int(m[4]), int(m[5]), int(m[6])) for m in r]
    assert all(i + o == s for i, o, s in v), L
    return v
if name == 'iobytes':
    v = seconds()
    tlen = len(open(tmp + '/truth.json', 'rb').read())
    # both ends of the TCP exchange are chxwork's (its thread serves)
    want = (T['file_in'] + T['pipe'] + T['net'], T['file_out'] + T['pipe'] + T['net'] + tlen)
    assert (sum(x[0] for x in v), sum(x[1] for x in v)) == want, (v, want)
    # the network's bytes came 1.2 s after the file's and the pipe's: in a later line
    cum = [sum(x[0] for x in v[:k + 1]) for k in range(len(v))]
    assert T['file_in'] + T['pipe'] in cum[:-1], (v, T)
elif name == 'iobytes_file':
    v = seconds()
    tlen = len(open(tmp + '/truth.json', 'rb').read())		# written to a file too
    assert (sum(x[0] for x in v), sum(x[1] for x in v)) == (T['file_in'], T['file_out'] + tlen), v
    assert T['file_in'] == 2 * T['file_out']
elif name == 'iobytes_net':
    v = seconds()
    assert (sum(x[0] for x in v), sum(x[1] for x in v)) == (T['net'], T['net']), v
elif name == 'fdcount_by':
    rows = [l.split() for l in L if re.fullmatch(r' *\d+ +\d+', l)]
    assert sorted((int(p), int(n)) for n, p in rows) == sorted([(T['pid'], 5), (T['child'], 3)]), L
elif name == 'error':
    r = [l for l in L if re.search(r'\bhost\b', l)]
    assert len(r) == 1 and re.search(r'\bEISDIR:7\b', r[0]), L
elif name.startswith('mc'):
    DT = r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}'
    r = [re.fullmatch(DT + r' method=(\S+) size=(\d+)B key=(.*)', l) for l in L]
    assert all(r), L
    got = [(m[1], int(m[2]), m[3]) for m in r]
    evil = [k for _, _, k in got if k.endswith('evil')]
    assert len(evil) == (name == 'mc') and '\x1b[31mevil' not in evil, got
    evil.append('')
    want = {'mc': [('set', 5, 'k1'), ('set', 2000, 'big'), ('get', 0, 'k1'),
                   ('gets', 0, 'k2'), ('set', 3, evil[0])],
            'mc_set': [('set', 2000, 'big')], 'mc_get': [('get', 0, 'k1')]}[name]
    assert got == want, (got, want)
elif name.startswith('ls_'):
    head = 'All shells:' if name == 'ls_all' else 'Shells containing %s:' % (
        'nosuchprogram' if name == 'ls_none' else 'true')
    want = [head] + ([] if name in ('ls_none', 'ls_noargs') else [str(T['login'])])
    assert L == want, (L, want)
elif name == 'shock':
    assert L[0].split() == ['TIME', 'PROCNAME', 'PID', 'FUNCTION'], L
    r = [re.fullmatch(r'(\d\d:\d\d:\d\d\.\d{9}) +(\S+) +(\d+) +(.*)', l) for l in L[1:]]
    assert all(r), L
    # env X=... bash: env's parent runs bash (an exec keeps the pid)
    want = [('chxwork', T['pid'], '() { :;}; echo CHXSHOCK"'), ('chxwork', T['pid'], '(){ x"'),
            ('chxwork', T['pid'], '() { :;}; echo envshock')]
    assert [(m[2], int(m[3]), m[4]) for m in r] == want, L
elif name == 'tg':
    # bytes written per file: io.dat's three writes, truth.json's one
    assert [l.split() for l in L if 'VALUE' in l][1] == ['VALUE', 'FILE'], L
    r = dict((m[2], int(m[1])) for m in (re.fullmatch(r' *(\d+) +(\S+)', l) for l in L) if m)
    tlen = len(open(tmp + '/truth.json', 'rb').read())
    assert r.get(tmp + '/io.dat') == T['file_out'] and r.get(tmp + '/truth.json') == tlen, L
print('ok')
EOF
for v in "$@"; do
	IFS='|' read -r name args f <<EOF
$v
EOF
	for where in live rep; do
		py "import sys; sys.argv = ['', '$TMP', '$name', '$where']; exec(open('$TMP/chk.py').read())" \
			>"$TMP/res" 2>&1
		check "$where -c $args: as the workload did it" grep -qx ok "$TMP/res" ||
			sed 's/^/#   /' "$TMP/res" | tail -4
	done
done
vrc=${vrc# }
case " $vrc " in
*=[!0]*) not_ok "every live chisel exited 0 ($vrc)" ;;
*) ok "every live chisel exited 0" ;;
esac
finish
