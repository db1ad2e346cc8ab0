#!/bin/sh
# The stream chisels (sysdig's -c NAME ARGS), each against what the workload here did, live and
# replayed from a recording (-w, then -r): spy_file (a file written and read with known bytes),
# stdin/stdout/stderr (known bytes on fds 0, 1, 2), fileslower (a read on a FIFO whose writer
# waits 0.3 s), scallslower, netlower, spy_ip and spy_port (a TCP exchange on 127.0.0.1, its
# answer 0.3 s late), udp_extract (two datagrams to 127.0.0.1: a file per socket), spy_logs
# (lines written to a .log file), spy_syslog (logger's RFC 3164 message and an RFC 5424 one to a
# datagram socket bound at $TMP/dev/log: sysdig matches syslog's socket by that name, so a
# private one works where /dev/log has no daemon), spy_users (commands typed into bash -i on a
# pty). A hostile byte in the data comes out escaped.
# timeout: 900
. tests/lib/common.sh
plan 30

command -v bash >/dev/null || skip_rest bash "spy_users needs bash: apt-get install bash"

cat >"$TMP/work.py" <<'EOF'
# The workload: named chwork (its comm) so that the chisels can be given a filter on it; it
# writes what it did to truth.json for the checks.
import ctypes, json, os, pty, select, socket, subprocess, sys, threading, time
tmp = sys.argv[1]
libc = ctypes.CDLL(None)
libc.prctl(15, b'chwork', 0, 0, 0)		# PR_SET_NAME
truth = {'pid': os.getpid(), 'uid': os.getuid()}
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(('127.0.0.1', 0)); ls.listen(1)
truth['port'] = ls.getsockname()[1]
ur = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); ur.bind(('127.0.0.1', 0))
truth['uport'] = ur.getsockname()[1]
os.makedirs(tmp + '/dev')
log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); log.bind(tmp + '/dev/log')
os.mkfifo(tmp + '/fifo')
with open(tmp + '/ready.tmp', 'w') as f:
    json.dump(truth, f)
os.rename(tmp + '/ready.tmp', tmp + '/ready')
while not os.path.exists(tmp + '/go'):
    time.sleep(0.05)

# spy_file: a file written, then read back
data = b'chisel-file-data \x1b[31m\n'
fd = os.open(tmp + '/spy.txt', os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
assert os.write(fd, data) == len(data)
assert os.pread(fd, 100, 0) == data
os.close(fd)
# stdin, stdout, stderr
truth['stdin'] = os.read(0, 100).decode()
os.write(1, b'to-stdout-chisel\n')
os.write(2, b'to-stderr-chisel\n')
# fileslower: a FIFO read that waits for a writer sleeping 0.3 s
w = os.fork()
if w == 0:
    f = os.open(tmp + '/fifo', os.O_WRONLY)
    time.sleep(0.3)
    os.write(f, b'fifo-data\n')
    os._exit(0)
f = os.open(tmp + '/fifo', os.O_RDONLY)
t0 = time.monotonic()
assert os.read(f, 100) == b'fifo-data\n'
truth['fifo_ms'] = (time.monotonic() - t0) * 1000
os.close(f)
os.waitpid(w, 0)
# TCP: ping, and the answer 0.3 s later (netlower: the client's receive waits that long)
def serve():
    c, _ = ls.accept()
    d = c.recv(100)
    time.sleep(0.3)
    c.send(b'pong-chisel')
    c.close()
th = threading.Thread(target=serve); th.start()
cl = socket.create_connection(('127.0.0.1', truth['port']))
truth['cport'] = cl.getsockname()[1]
cl.send(b'ping-chisel')
assert cl.recv(100) == b'pong-chisel'
cl.close(); th.join(); ls.close()
# UDP: two datagrams from a connected socket to an unconnected one
us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); us.connect(('127.0.0.1', truth['uport']))
truth['sport'] = us.getsockname()[1]
us.send(b'udp-one'); us.send(b'udp-two')
assert ur.recv(100) == b'udp-one' and ur.recv(100) == b'udp-two'
# spy_logs
with open(tmp + '/app.log', 'w') as f:
    f.write('first log line\n\nsecond log line\n')
# spy_syslog: logger's message (RFC 3164), then one in RFC 5424 written on a connected socket
subprocess.run(['logger', '-u', tmp + '/dev/log', '-p', 'local3.warning', '-t', 'chtest',
                'hello syslog chisel'], check=True)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.connect(tmp + '/dev/log')
s.send(b'<11>1 2026-01-01T00:00:00Z host app 42 - - five four two four\n')
truth['syslog'] = [log.recv(2000).decode('latin-1'), log.recv(2000).decode('latin-1')]
# spy_users: commands typed into an interactive bash on a pty
pid, m = pty.fork()
if pid == 0:
    os.execvp('bash', ['bash', '--norc', '--noprofile', '-i'])
def drain(t):
    end = time.monotonic() + t
    while time.monotonic() < end:
        if select.select([m], [], [], 0.05)[0]:
            try:
                os.read(m, 4096)
            except OSError:
                return
drain(0.5)
for cmd in ['cd ' + tmp + '/dev', 'env true spy-users-one', "sh -c 'cat /dev/null spy-users-two'",
            'exit']:
    os.write(m, cmd.encode() + b'\n')
    drain(0.4)
os.waitpid(pid, 0)
truth['bash'] = pid
# a shell whose stdin is not a terminal: its command is not a user's (unless a shell above this
# workload has a terminal: then spy_users shows it under that one)
subprocess.run(['sh', '-c', '/bin/true spy-users-hidden; true'], stdin=subprocess.DEVNULL,
               check=True)
def tty_shell_above(p):
    for _ in range(16):
        st = open('/proc/%d/stat' % p).read()
        comm, ppid = st[st.index('(') + 1:st.rindex(')')], int(st[st.rindex(')') + 2:].split()[1])
        try:
            t = os.readlink('/proc/%d/fd/0' % p)
        except OSError:
            t = ''
        if comm.endswith('sh') and t.startswith(('/dev/pts/', '/dev/tty', '/dev/console')):
            return True
        if ppid <= 1:
            return False
        p = ppid
    return False
truth['tty_shell_above'] = tty_shell_above(os.getppid())
with open(tmp + '/truth.json', 'w') as f:
    json.dump(truth, f)
EOF

printf 'stdin-chisel-data\n' | python3 "$TMP/work.py" "$TMP" >"$TMP/w.out" 2>"$TMP/w.err" &
WPID=$!
EXTRA_CLEANUP="kill -KILL $WPID \$VIEWS 2>/dev/null"
i=0
while [ ! -f "$TMP/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$TMP/ready" ] ||
	{ sed 's/^/#   /' "$TMP/w.err"; skip_rest python3 "the workload did not start"; }
PORT=$(py "import json; print(json.load(open('$TMP/ready'))['port'])")
F="proc.pid=$WPID or proc.ppid=$WPID"

# Every chisel live, side by side, and a recording of the workload's processes (a filtered
# recording keeps every fork and exec, and the process and fd tables, for spy_users).
set -- "spy_file:spy_file RW" "stdin:stdin" "stdout:stdout" "stderr:stderr" \
	"fileslower:fileslower 100" "scallslower:scallslower 200" "netlower:netlower 100" \
	"spy_ip:spy_ip 127.0.0.1" "spy_port:spy_port $PORT" "spy_logs:spy_logs" \
	"spy_syslog:spy_syslog" "udp_extract:udp_extract" "spy_users:spy_users"
REPO=$PWD
mkdir "$TMP/live"
cd "$TMP/live"	# udp_extract's files go to ./udp_dump_files
for v in "$@"; do
	name=${v%%:*} args=${v#*:}
	if [ "$name" = spy_users ]; then
		f=""		# bash's children: the checks look at bash's lines
	else
		f=$F
	fi
	view "$name" --ring-mb 4 -c $args $f || not_ok "scry -c $args starts"
done
cd "$REPO"
view rec --ring-mb 8 -s 4096 -w "$TMP/cap.scry" \
	"$F or proc.name in (bash, env, true, sh, cat, logger)" || not_ok "the recorder starts"
touch "$TMP/go"
wait_pid $WPID 60
wrc=$?
sleep 0.5
vrc=
for v in "$@" rec; do stop_view "${v%%:*}"; done
[ $wrc -eq 0 ] && [ -f "$TMP/truth.json" ] ||
	{ sed 's/^/#   /' "$TMP/w.err"; skip_rest python3 "the workload failed ($wrc)"; }

# Replays of the recording: the same chisels, the same filters.
mkdir "$TMP/rep"
for v in "$@"; do
	name=${v%%:*} args=${v#*:}
	[ "$name" = spy_users ] && f="" || f=$F
	(cd "$TMP/rep" && "$SCRY" -r "$TMP/cap.scry" -c $args $f >"$TMP/rep/$name.out" \
		2>"$TMP/rep/$name.err"; echo $? >"$TMP/rep/$name.rc")
done

# chk NAME WHERE: the python check of chisel NAME's output in $TMP/WHERE ("live": the view's
# $TMP/NAME.out; "rep": $TMP/rep/NAME.out), one line ok or the reason.
cat >"$TMP/chk.py" <<'EOF'
import json, os, re, sys
tmp, name, where = sys.argv[1:4]
T = json.load(open(tmp + '/truth.json'))
out = open(tmp + ('/%s.out' % name if where == 'live' else '/rep/%s.out' % name), 'rb').read()
assert b'\x1b' not in out, 'a raw escape in the output'
L = out.decode('latin-1').split('\n')
if where == 'rep':
    rc = open(tmp + '/rep/%s.rc' % name).read().strip()
    assert rc == '0', ('exit', rc, open(tmp + '/rep/%s.err' % name).read())
DT = r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}'
def header(cols):
    h = [l for l in L if l.startswith('evt.datetime')]
    assert len(h) == 1 and h[0].split() == cols, h
def rows(pat):
    return [m for m in (re.fullmatch(pat, l) for l in L) if m]
if name == 'spy_file':
    p = re.escape(tmp + '/spy.txt')
    r = rows(r'\d\d:\d\d:\d\d\.\d{9} chwork\(%d\) ([RW]) (\d+B) %s (.*)' % (T['pid'], p))
    got = [(m[1], m[2], m[3]) for m in r]
    # the data, newline kept, the escape byte as '.': the line after it is empty
    d = 'chisel-file-data .[31m'
    assert got == [('W', '23B', d), ('R', '23B', d)], got
elif name in ('stdin', 'stdout', 'stderr'):
    want = {'stdin': 'stdin-chisel-data', 'stdout': 'to-stdout-chisel',
            'stderr': 'to-stderr-chisel'}[name]
    assert L.count(want) == 1, L
    assert T['stdin'] == 'stdin-chisel-data\n'
elif name == 'fileslower':
    header(['evt.datetime', 'proc.name', 'evt.type', 'LATENCY(ms)', 'fd.name'])
    r = rows(r'%s chwork +(\w+) +(\d+) (.*)' % DT)
    assert len(r) == len([l for l in L if l.startswith('20')]) >= 1, L
    # the FIFO's read once; another read (a cold page of a library) is allowed if that slow
    assert all(int(m[2]) > 100 for m in r), [m[0] for m in r]
    r = [m for m in r if m[3] == tmp + '/fifo']
    assert len(r) == 1 and r[0][1] == 'read', [m[0] for m in r]
    ms = int(r[0][2])
    assert 100 < ms and 290 <= ms <= T['fifo_ms'] + 1, (ms, T['fifo_ms'])
elif name == 'scallslower':
    header(['evt.datetime', 'proc.name', 'LATENCY(ms)', 'evt.type'])
    r = rows(r'%s chwork +(\d+\.\d{3}) +(\w+)' % DT)
    calls = sorted(m[2] for m in r)
    # the FIFO's read, its open (which waits for the writer), the TCP receive (0.3 s each),
    # the server thread's accept; none under 200 ms
    assert all(float(m[1]) > 200 for m in r), [m[0] for m in r]
    assert {'read', 'recvfrom'} <= set(calls), calls
elif name == 'netlower':
    header(['evt.datetime', 'proc.name', 'evt.type', 'LATENCY(ms)', 'fd.name'])
    r = rows(r'%s chwork +(\w+) +(\d+) (.*)' % DT)
    tup = '127.0.0.1:%d->127.0.0.1:%d' % (T['cport'], T['port'])
    assert len(r) == len([l for l in L if l.startswith('20')]) >= 1, L
    assert all(int(m[2]) > 100 for m in r), [m[0] for m in r]
    assert [(m[1], m[3]) for m in r if m[3] == tup] == [('recvfrom', tup)], [m[0] for m in r]
    assert 290 <= int(r[0][2]) <= 2000, r[0][0]
elif name in ('spy_ip', 'spy_port'):
    # pairs: '------ Read 11B' then the data
    pairs = [(L[i], L[i + 1]) for i in range(len(L) - 1) if L[i].startswith('------ ')]
    tcp = [('------ Write 11B', 'ping-chisel'), ('------ Read 11B', 'ping-chisel'),
           ('------ Write 11B', 'pong-chisel'), ('------ Read 11B', 'pong-chisel')]
    udp = [('------ Write 7B', 'udp-one'), ('------ Write 7B', 'udp-two'),
           ('------ Read 7B', 'udp-one'), ('------ Read 7B', 'udp-two')]
    assert sorted(pairs) == sorted(tcp + udp if name == 'spy_ip' else tcp), pairs
    # each way in order (a send's exit may come after the receive it woke)
    for way in ('Write', 'Read'):
        want = [p for p in tcp if way in p[0]]
        assert [p for p in pairs if p in tcp and way in p[0]] == want, pairs
elif name == 'spy_logs':
    p = 'chwork ' + tmp + '/app.log '
    assert [l for l in L if 'app.log' in l] == [p + 'first log line', p + 'second log line'], L
elif name == 'spy_syslog':
    m1 = T['syslog'][0].split('>', 1)[1].rstrip('\n')
    m2 = T['syslog'][1].split('>', 1)[1].rstrip('\n')
    assert T['syslog'][0].startswith('<156>'), T['syslog']
    r = rows(r'(\S+) (logger|chwork)\[(\d+)\] (.*)')
    got = [(m[1], m[2], m[4]) for m in r]
    assert got == [('local3.warn', 'logger', m1), ('user.err', 'chwork', m2)], (got, m1, m2)
    assert int(r[1][3]) == T['pid'], r[1][0]
elif name == 'udp_extract':
    d = tmp + ('/live' if where == 'live' else '/rep') + '/udp_dump_files/'
    snd = '127.0.0.1_%d--127.0.0.1_%d' % (T['sport'], T['uport'])
    rcv = '127.0.0.1_%d' % T['uport']
    files = sorted(os.listdir(d))
    assert files == sorted([snd, rcv]), files
    assert all(open(d + f, 'rb').read() == b'udp-oneudp-two' for f in files), files
    assert sorted(l for l in L if l) == sorted(['udp_dump_files/%s 14' % f for f in files]), L
elif name == 'spy_users':
    b = T['bash']
    who = r'(?:%d|root)' % T['uid'] if T['uid'] == 0 else r'\d+|\S+'
    r = rows(r'( *)%d \d\d:\d\d:\d\d %s\) (.*)' % (b, who))
    got = [(len(m[1]), m[2]) for m in r]
    want = [(0, 'cd ' + tmp + '/dev'), (0, 'env true spy-users-one'), (0, 'true spy-users-one'),
            (0, 'sh -c cat /dev/null spy-users-two'), (3, 'cat /dev/null spy-users-two')]
    assert got == want, got
    hidden = [l for l in L if l.endswith(') /bin/true spy-users-hidden')]
    assert len(hidden) == (1 if T['tty_shell_above'] else 0), (hidden, T['tty_shell_above'])
print('ok')
EOF
for v in "$@"; do
	name=${v%%:*}
	# the live views ran in $TMP/live (udp_extract's files): their outputs are $TMP/NAME.out
	python3 "$TMP/chk.py" "$TMP" "$name" live >"$TMP/res" 2>&1
	check "live -c ${v#*:}: as the workload did it" grep -qx ok "$TMP/res" ||
		sed 's/^/#   /' "$TMP/res" | tail -4
	python3 "$TMP/chk.py" "$TMP" "$name" rep >"$TMP/res" 2>&1
	check "replayed -r F -c ${v#*:}: the same" grep -qx ok "$TMP/res" ||
		sed 's/^/#   /' "$TMP/res" | tail -4
done

# syslog.* in a -p template, from the recording: facility 19 (local3), severity 4 (warn), and the
# RFC 5424 message's 1 (user) and 3 (err).
"$SCRY" -r "$TMP/cap.scry" \
	-p '%syslog.facility %syslog.facility.str %syslog.severity %syslog.severity.str' \
	"syslog.facility exists and fd.name contains $TMP/dev/log" >"$TMP/sl" 2>/dev/null
checkall "syslog.* fields: 19 local3 4 warn, then 1 user 3 err ($(tr '\n' '|' <"$TMP/sl"))" \
	'[ "$(cat "$TMP/sl")" = "$(printf "19 local3 4 warn\n1 user 3 err")" ]'
# -pc: sysdig's container columns (the host's processes: "host"); -j: the chisel's events as JSON
"$SCRY" -r "$TMP/cap.scry" -pc -c fileslower 100 $F >"$TMP/pc" 2>&1
"$SCRY" -r "$TMP/cap.scry" -pc -c stderr $F >"$TMP/pc2" 2>&1
py "
import re
L = open('$TMP/pc').read().split('\n')
assert L[0].split() == ['evt.datetime', 'container.id', 'container.name', 'proc.name', 'evt.type',
                        'LATENCY(ms)', 'fd.name'], L[0]
r = [l for l in L[2:] if l]
r = [l for l in r if l.endswith(' $TMP/fifo')]
assert len(r) == 1 and re.fullmatch(r'\S+ \S+ host {17}host {17}chwork +read +\d+ \S+', r[0]), r
pc = 'host' + ' ' * 17 + 'host' + ' ' * 17 + 'to-stderr-chisel'
assert pc in open('$TMP/pc2').read().split('\n')
print('ok')" >"$TMP/res" 2>&1
check "-pc: fileslower and stderr with sysdig's container columns" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -4
"$SCRY" -r "$TMP/cap.scry" -j -c netlower 100 $F >"$TMP/j" 2>"$TMP/j.err"
py "
import json
E = [json.loads(l) for l in open('$TMP/j')]
assert [(e['evt.type'], e['proc.name']) for e in E] == [('recvfrom', 'chwork')], E
assert 290e6 <= E[0]['evt.latency'] <= 2e9, E
print('ok')" >"$TMP/res" 2>&1
check "-j -c netlower 100: its one event as JSON, its latency in ns" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -4
vrc=${vrc# }
case " $vrc " in
*=[!0]*) not_ok "every live chisel exited 0 ($vrc)" ;;
*) ok "every live chisel exited 0" ;;
esac
finish
