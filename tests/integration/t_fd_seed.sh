#!/bin/sh
# fds open before scry starts are named (the fd seeds from /proc): a process started before any
# scry holds a regular file (opened by a relative path after chdir), a directory, a pipe, a TCP
# connection on 127.0.0.1, a unix connection, an eventfd, a file whose name has a terminal escape
# and a newline, and a cwd. After the tracers start it uses each once (write, read, lseek: calls
# that name their fd from the table alone) and opens a file by a relative path (named by the
# seeded cwd). The stream names each exactly, sysdig's fd=N(<t>name): live, from a filtered
# recording replayed (the seeds are kept whatever the filter), and from the files of a rotating
# recording after its first, each replayed alone (each starts with the fds open then).
# Loopback only.
. tests/lib/common.sh
plan 7

mkdir -p "$TMP/work/sub"
W=$(cd "$TMP/work" && pwd -P)
echo data >"$W/data.txt"
HOSTILE=$(printf 'x\033[31m\ny')
# The holder: everything opened before the tracers start; then, at "go", each used once.
python3 -c "
import os, socket, time
W = '$W'
os.chdir(W)
F = os.open('data.txt', os.O_RDWR)
D = os.open('sub', os.O_RDONLY | os.O_DIRECTORY)
X = os.open(W + '/' + '''$HOSTILE''', os.O_WRONLY | os.O_CREAT, 0o600)
PR, PW = os.pipe()
ls = socket.socket(); ls.bind(('127.0.0.1', 0)); ls.listen(1)
c = socket.socket(); c.connect(ls.getsockname()); a, _ = ls.accept()
us = socket.socket(socket.AF_UNIX); us.bind(W + '/u.sock'); us.listen(1)
uc = socket.socket(socket.AF_UNIX); uc.connect(W + '/u.sock'); ua, _ = us.accept()
E = os.eventfd(0)
with open('$TMP/fds', 'w') as o:
    o.write('F=%d D=%d X=%d PR=%d PW=%d PINO=%d C=%d A=%d CP=%d SP=%d UA=%d E=%d\n' % (F, D,
            X, PR, PW, os.fstat(PR).st_ino, c.fileno(), a.fileno(), c.getsockname()[1],
            ls.getsockname()[1], ua.fileno(), E))
open('$TMP/ready', 'w').write('%d' % os.getpid())
while not os.path.exists('$TMP/go'):
    time.sleep(0.05)
assert os.write(F, b'abc') == 3
assert os.lseek(D, 0, 0) == 0
assert os.write(X, b'x') == 1
assert os.write(PW, b'p') == 1 and os.read(PR, 1) == b'p'
assert os.write(c.fileno(), b't') == 1 and os.read(a.fileno(), 1) == b't'
assert os.write(a.fileno(), b'r') == 1 and os.read(c.fileno(), 1) == b'r'
assert os.write(ua.fileno(), b'u') == 1 and uc.recv(1) == b'u'
uc.send(b'v'); assert os.read(ua.fileno(), 1) == b'v'
os.eventfd_write(E, 5); assert os.eventfd_read(E) == 5
L = os.open('later.txt', os.O_WRONLY | os.O_CREAT, 0o600)
assert os.write(L, b'l') == 1
os.mkdir('$TMP/done.%d' % L)	# not a call the filter takes
while not os.path.exists('$TMP/end'):
    time.sleep(0.05)
" >"$TMP/holder.out" 2>&1 &
H=$!
EXTRA_CLEANUP="kill $H 2>/dev/null; $EXTRA_CLEANUP"
waitfile() { i=0; until [ -e "$TMP/$1" ] || [ $i -gt "$2" ]; do i=$((i + 1)); sleep 0.1; done; }
waitfile ready 100
[ -s "$TMP/fds" ] || { not_ok "the holder opens its fds"; sed 's/^/#   /' "$TMP/holder.out"; finish; }
eval "$(cat "$TMP/fds")"

calls="proc.pid=$H and evt.dir='<' and evt.type in (read, write, lseek)"
fmt='%evt.type %evt.info'
start_scry "$TMP/live" "$TMP/live.err" -p "$fmt" "$calls" || { not_ok "scry starts"; finish; }
LIVE=$SCRY_PID
# The filter matches no seed: they are kept all the same.
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$TMP/rec.scry" "$calls" || { not_ok "scry -w starts"; finish; }
REC=$SCRY_PID
start_scry "$TMP/rot.out" "$TMP/rot.err" -w "$TMP/rot" -G 1 "proc.pid=$H" ||
	{ not_ok "scry -w -G 1 starts"; finish; }
ROT=$SCRY_PID
EXTRA_CLEANUP="kill -KILL $LIVE $REC $ROT 2>/dev/null; $EXTRA_CLEANUP"
# The rotating recording's second file starts before the holder does anything.
sleep 2.5
touch "$TMP/go"
i=0; until ls "$TMP" | grep -q "^done\." || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
sleep 0.5
SCRY_PID=$LIVE; stop_scry INT; r1=$?
SCRY_PID=$REC; stop_scry INT; r2=$?
SCRY_PID=$ROT; stop_scry INT; r3=$?
touch "$TMP/end"
wait_pid $H 30; hrc=$?
L=$(ls "$TMP" | sed -n 's/^done\.//p')
checkall "the holder did what it says (exit $hrc) and three tracers exit 0 ($r1 $r2 $r3)" \
	'[ $hrc -eq 0 ] && [ -n "$L" ] && [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ $r3 -eq 0 ]' ||
	sed 's/^/#   /' "$TMP/holder.out" "$TMP/live.err" "$TMP/rec.err" "$TMP/rot.err" | tail -20
seeded=$(sed -n 's/^scry: \([0-9]* fds and cwds of [0-9]* processes\) open before scry.*read in \(.*\)$/\1, \2/p' "$TMP/live.err")
check "scry -v says how many fds it read before tracing ($seeded), and no warning about them" \
	sh -c "[ -n '$seeded' ] && ! grep -q 'fds open before scry' '$TMP/live.err' '$TMP/rec.err' '$TMP/rot.err'" ||
	grep "before scry" "$TMP/live.err" | sed 's/^/#   /'

# Each call as "type fd=N(<t>name)", the hostile file's apart; in the holder's order. Both ends
# of the TCP connection name it client first (the accepted one: its port is listened on).
T4="127.0.0.1:$CP->127.0.0.1:$SP"
cat >"$TMP/want" <<EOF
write fd=$F(<f>$W/data.txt)
lseek fd=$D(<d>$W/sub)
write fd=$PW(<p>pipe:[$PINO])
read fd=$PR(<p>pipe:[$PINO])
write fd=$C(<4t>$T4)
read fd=$A(<4t>$T4)
write fd=$A(<4t>$T4)
read fd=$C(<4t>$T4)
write fd=$UA(<u>$W/u.sock)
read fd=$UA(<u>$W/u.sock)
write fd=$E(<e>anon_inode:[eventfd])
read fd=$E(<e>anon_inode:[eventfd])
write fd=$L(<f>$W/later.txt)
EOF
calls_of() {
	grep -v "fd=$X(" "$1" | sed -n 's/^\([a-z0-9]*\) [^(]*\(fd=[0-9]*([^)]*)\).*/\1 \2/p'
}
named() { # named DESC FILE: the calls of FILE are the wanted ones, exactly
	calls_of "$2" >"$2.calls"
	check "$1" cmp -s "$TMP/want" "$2.calls" ||
		{ diff "$TMP/want" "$2.calls" | sed 's/^/#   /'; }
}
named "live: each fd open before scry is named (file by its relative open after chdir, directory, pipe, TCP, unix, eventfd) and the cwd names a relative open; $seeded" \
	"$TMP/live"
# The hostile name: on one line, its escape and newline not raw.
checkall "live: the file named with an escape and a newline is named on one line, nothing raw" \
	'[ "$(grep -cF "write res=1 fd=$X(<f>$W/x\\x1b[31m\\x0ay)" "$TMP/live")" -eq 1 ] &&
	 ! grep -q "$(printf "\033")" "$TMP/live" && ! grep -q "^y)" "$TMP/live"' ||
	grep -a "fd=$X(" "$TMP/live" | sed 's/^/#   /'

"$SCRY" -r "$TMP/rec.scry" -p "$fmt" "$calls" >"$TMP/replay" 2>"$TMP/replay.err"
named "replayed from a filtered recording: the same names" "$TMP/replay"

# Every file of the rotating recording after the first, alone: together, the same names.
files=$(ls "$TMP" | sed -n 's/^rot\([0-9][0-9]*\)$/\1/p' | sort -n | tr '\n' ' ')
: >"$TMP/rot.replay"
for n in $files; do
	[ "$n" -eq 0 ] && continue
	"$SCRY" -r "$TMP/rot$n" -p "$fmt" "$calls" >>"$TMP/rot.replay" 2>>"$TMP/rot.replay.err"
done
check "rotated: more than one file ($files)" [ "$(echo $files | wc -w)" -ge 2 ]
named "rotated: the files after the first, each replayed alone, name every fd" "$TMP/rot.replay"
finish
