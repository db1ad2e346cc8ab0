#!/bin/sh
# Issue 15's event fields against what tests/helpers/evt_calls did: an openat through a dirfd
# creating d/w.bin for writing with mode 0750, a write of 1234 bytes, an open for reading
# relative to the cwd and a read of 777, a failed open, a 20 ms nanosleep, a datagram to a unix
# socket at DIR/dev/log. evt.arg.* and
# evt.arg[N] (as evt.info names them), evt.rawarg, the kinds of call, the open flags, the
# absolute path, the error counters, and the time forms against the clock and each other; live
# with -p and -j -p, and the same from a capture (-w, then -r), evt.around on the replay.
. tests/lib/common.sh
plan 23

dir="$TMP/w"
mkdir -p "$dir"
F='proc.name=evt_calls and evt.type in (openat, open, read, write, nanosleep, sendto)'
P='%evt.type|%evt.dir|%evt.rawres|%evt.arg[0]|%evt.arg.fd|%evt.arg.path|%evt.arg.name|%evt.arg.size|%evt.rawarg.size|%evt.rawarg.fd|%evt.is_io|%evt.is_io_read|%evt.is_io_write|%evt.io_dir|%evt.is_wait|%evt.is_open_read|%evt.is_open_write|%evt.is_open_exec|%evt.abspath|%evt.count.error|%evt.count.error.file|%evt.count.exit'
# -j -p: every field a member; no literals needed
J='%evt.type%evt.dir%evt.rawres%evt.arg[0]%evt.arg.fd%evt.arg.size%evt.arg.data%evt.rawarg.fd%evt.io_dir%evt.is_io_write%evt.is_syslog%evt.is_wait%evt.wait_latency%evt.latency%evt.latency.s%evt.latency.ns%evt.latency.human%evt.count%evt.count.error.file%evt.rawtime%evt.rawtime.s%evt.rawtime.ns%evt.time.s%evt.datetime.s%evt.time.iso8601%evt.reltime%evt.reltime.s%evt.reltime.ns%evt.deltatime%evt.deltatime.s%evt.deltatime.ns%evt.args%evt.info'

now() { date +%s%N; }
start_scry "$TMP/p.out" "$TMP/p.err" -p "$P" "$F" || { not_ok "scry -p starts"; finish; }
PP=$SCRY_PID
j0=$(now)
start_scry "$TMP/j.out" "$TMP/j.err" -j -p "$J" "$F" || { not_ok "scry -j starts"; finish; }
j1=$(now)
JP=$SCRY_PID
w0=$(now)
start_scry "$TMP/w.out" "$TMP/w.err" -w "$TMP/cap.scry" "$F" || { not_ok "scry -w starts"; finish; }
w1=$(now)
EXTRA_CLEANUP="kill -KILL $PP $JP $SCRY_PID 2>/dev/null; $EXTRA_CLEANUP"
"$HELPERS/evt_calls" "$dir" >"$TMP/helper" 2>&1
hrc=$?
sleep 0.5
stop_scry INT; r3=$?
SCRY_PID=$JP; stop_scry INT; r2=$?
SCRY_PID=$PP; stop_scry INT; r1=$?
read -r pid dfd wfd rfd <"$TMP/helper"
checkall "the helper ran (exit $hrc: $(head -c 200 "$TMP/helper")) and the tracers exit 0 ($r1 $r2 $r3)" \
	'[ "$hrc" = 0 ] && [ -n "$rfd" ] && [ "$r1" = 0 ] && [ "$r2" = 0 ] && [ "$r3" = 0 ]'

# expect DESC FILE TYPE RES WANT: the -p output FILE has the line WANT; else the exit lines of
# TYPE that returned RES are shown (the fds are not pinned: both opens of w.bin may get one).
expect() {
	if grep -Fxq "$5" "$TMP/$2"; then
		ok "$1"
	else
		not_ok "$1: want '$5', got '$(grep "^$3|<|$4|" "$TMP/$2" | tr '\n' ';')'"
	fi
}
W="$dir/d/w.bin"
open_w="openat|<|$wfd|$wfd|$wfd(<f>$W)|w.bin|w.bin|<NA>|<NA>|$wfd|false|false|false|<NA>|false|false|true|true|$W|0|0|1"
open_r="openat|<|$rfd|$rfd|$rfd(<f>$W)|d/w.bin|d/w.bin|<NA>|<NA>|$rfd|false|false|false|<NA>|false|true|false|false|$W|0|0|1"
wr="write|<|1234|1234|$wfd(<f>$W)|<NA>|<NA>|1234|1234|$wfd|true|false|true|w|false|false|false|false|<NA>|0|0|1"
rd="read|<|777|777|$rfd(<f>$W)|<NA>|<NA>|777|777|$rfd|true|true|false|r|false|false|false|false|<NA>|0|0|1"
miss="openat|<|-2|-2(ENOENT)|<NA>|/nonexistent-scry-evt/x|/nonexistent-scry-evt/x|<NA>|<NA>|<NA>|false|false|false|<NA>|false|true|false|false|/nonexistent-scry-evt/x|1|1|1"
expect "openat(dirfd, w.bin, O_WRONLY|O_CREAT, 0750): the fd it made, path, name, open for writing with x bits, evt.abspath through the dirfd" \
	p.out openat "$wfd" "$open_w"
expect "openat(AT_FDCWD, d/w.bin, O_RDONLY): open for reading, evt.abspath against the cwd" \
	p.out openat "$rfd" "$open_r"
expect "write(fd, 1234): evt.arg[0], .fd, .size, rawarg, an I/O write, io_dir w" p.out write 1234 "$wr"
expect "read(fd, 777): an I/O read, io_dir r" p.out read 777 "$rd"
expect "the failed open: evt.count.error and .error.file 1, res as evt.info shows it" \
	p.out openat -2 "$miss"
got=$(grep -c '^[a-z]*|>|' "$TMP/p.out")
got2=$(grep '^[a-z]*|>|' "$TMP/p.out" | cut -d'|' -f4-10,20- | sort -u | tr '\n' ';')
check "$got enters: no arguments (carried by the exit), evt.count.exit none (got $got2)" \
	[ "$got" -ge 6 -a "$got2" = "<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>;" ]

# -j -p: the same arguments as JSON members, the wait, and the time forms against the clock.
# jcheck DESC PYTHON-CONDITION over `rows` (the exit events, parsed) and `ev` (all of them).
jcheck() {
	d=$1 file=$2; shift 2
	out=$(W="$W" WFD="$wfd" J0="${2:-0}" J1="${3:-0}" python3 -c "
import json, os, sys, time, datetime
ev = [json.loads(l) for l in open('$TMP/$file')]
rows = [e for e in ev if e['evt.dir'] == '<']
W, wfd, j0, j1 = os.environ['W'], int(os.environ['WFD']), int(os.environ['J0']), int(os.environ['J1'])
def one(t, r): return [e for e in rows if e['evt.type'] == t and e['evt.rawres'] == r][0]
$1
" 2>&1)
	check "$d${out:+ ($out)}" [ "$out" = "" ]
}
jcheck "-j -p: the write's members, typed: evt.arg[0] '1234', evt.rawarg.fd $wfd, evt.is_io_write 'true', evt.arg.data its first 80 bytes" j.out '
w = one("write", 1234)
want = {"evt.arg[0]": "1234", "evt.arg.fd": "%d(<f>%s)" % (wfd, W), "evt.arg.size": "1234",
        "evt.rawarg.fd": wfd, "evt.io_dir": "w", "evt.is_io_write": "true", "evt.count": 1,
        "evt.count.error.file": 0, "evt.is_wait": "false", "evt.arg.data": "e" * 80}
bad = {k: w.get(k) for k in want if w.get(k) != want[k]}
if bad: print("differ:", bad)
if w["evt.args"] != w["evt.info"]: print("evt.args != evt.info:", w["evt.args"])
'
jcheck "-j -p: evt.is_syslog: true for the sendto to $dir/dev/log, false for the write to a file" j.out '
s = one("sendto", 20)
if (s["evt.is_syslog"], one("write", 1234)["evt.is_syslog"]) != ("true", "false"):
	print("sendto:", s.get("evt.is_syslog"), s.get("evt.args"))
if [e for e in ev if e["evt.dir"] == ">" and e["evt.type"] == "write" and "evt.is_syslog" in e]:
	print("an enter of a write says it")
'
jcheck "-j -p: nanosleep(20 ms) waits: evt.is_wait, evt.wait_latency = evt.latency >= 20 ms, .s/.ns/.human agree" j.out '
n = one("nanosleep", 0)
l = n["evt.latency"]
if n["evt.is_wait"] != "true" or n["evt.wait_latency"] != l or not 20000000 <= l < 2000000000:
	print("nanosleep:", n)
if n["evt.latency.s"] != l // 10**9 or n["evt.latency.ns"] != l % 10**9:
	print("latency.s/ns:", n)
if n["evt.latency.human"] != "%dms" % (l // 10**6): print("human:", n["evt.latency.human"], l)
if [e for e in ev if e["evt.type"] != "nanosleep" and e.get("evt.wait_latency") is not None]:
	print("a wait_latency on another call")
'
# The time forms of every event of FILE against its own evt.rawtime (two tracers stamp one
# event a few hundred ns apart: a replay is compared with itself, not with the live run).
time_forms() {
	jcheck "$1: evt.rawtime.s/.ns, evt.time.s, evt.datetime.s (local), evt.time.iso8601 (UTC) of every event agree with evt.rawtime" "$2" '
for e in ev:
	t = e["evt.rawtime"]
	s, ns = divmod(t, 10**9)
	lt = time.localtime(s)
	iso = datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
	want = (s, ns, time.strftime("%H:%M:%S", lt), time.strftime("%Y-%m-%d %H:%M:%S", lt),
	        "%s.%09dZ" % (iso, ns))
	got = (e["evt.rawtime.s"], e["evt.rawtime.ns"], e["evt.time.s"], e["evt.datetime.s"],
	       e["evt.time.iso8601"])
	if got != want:
		print(got, "!=", want); break
if abs(ev[0]["evt.rawtime"] - time.time_ns()) > 600 * 10**9: print("rawtime is not now")
'
	jcheck "$1: evt.deltatime is the time since the previous line (0 first); .s/.ns split it" "$2" '
prev = None
for e in ev:
	d = e["evt.rawtime"] - prev if prev is not None else 0
	if (e["evt.deltatime"], e["evt.deltatime.s"], e["evt.deltatime.ns"]) != (d, d // 10**9, d % 10**9):
		print(e["evt.deltatime"], "!=", d); break
	prev = e["evt.rawtime"]
'
	jcheck "$1: evt.reltime is the time since the recording began (between $3 and $4 ns), .s/.ns split it" "$2" '
for e in ev:
	r, t = e["evt.reltime"], e["evt.rawtime"]
	if not t - j1 <= r <= t - j0 or (e["evt.reltime.s"], e["evt.reltime.ns"]) != (r // 10**9, r % 10**9):
		print(r, t - j1, t - j0); break
' "$3" "$4"
}
time_forms "-j -p" j.out "$j0" "$j1"

# From the capture: the same lines, field for field; evt.reltime from the recording's start.
"$SCRY" -r "$TMP/cap.scry" -p "$P" "$F" >"$TMP/rp.out" 2>"$TMP/rp.err"
rrc=$?
checkall "replayed -p (exit $rrc): the $(wc -l <"$TMP/p.out") lines as live" \
	'[ "$rrc" = 0 ] && [ -s "$TMP/p.out" ] && cmp -s "$TMP/p.out" "$TMP/rp.out"' ||
	diff "$TMP/p.out" "$TMP/rp.out" | head -5 | sed 's/^/#   /'
expect "replayed: the write's line" rp.out write 1234 "$wr"
"$SCRY" -r "$TMP/cap.scry" -j -p "$J" "$F" >"$TMP/rj.out" 2>"$TMP/rj.err"
rrc=$?
out=$(python3 -c "
import json
a = [json.loads(l) for l in open('$TMP/j.out')]
b = [json.loads(l) for l in open('$TMP/rj.out')]
for x in a + b:
	for k in list(x):
		if k.split('.')[1] in ('rawtime', 'time', 'datetime', 'reltime', 'deltatime', 'latency', 'wait_latency'):
			x.pop(k)
if a != b: print(len(a), len(b), [(x, y) for x, y in zip(a, b) if x != y][:1])
" 2>&1)
check "replayed -j -p (exit $rrc): every member but the times as live ${out:+($out)}" \
	[ "$rrc" = 0 -a -z "$out" -a -s "$TMP/rj.out" ]
time_forms "replayed -j -p" rj.out "$w0" "$w1"

# Filters on the new fields, replayed.
got=$("$SCRY" -r "$TMP/cap.scry" -p '%evt.type %evt.arg.size' \
	"proc.name=evt_calls and evt.dir='<' and evt.is_io_write=true and evt.arg.fd contains $W" 2>&1 | tr '\n' ';')
check "evt.is_io_write=true and evt.arg.fd contains w.bin: the one write (got $got)" [ "$got" = "write 1234;" ]
got=$("$SCRY" -r "$TMP/cap.scry" -p '%evt.type %evt.rawres' \
	"proc.name=evt_calls and (evt.count.error.file=1 or evt.is_open_exec=true or evt.arg[0]=777)" 2>&1 | tr '\n' ';')
check "evt.count.error.file=1 or evt.is_open_exec=true or evt.arg[0]=777: the failed open, the creating one, the read (got $got)" \
	[ "$got" = "openat $wfd;read 777;openat -2;" ]
# evt.around[T]=D: the events within D ms of the write's exit, against their evt.rawtime.
T=$("$SCRY" -r "$TMP/cap.scry" -p '%evt.rawtime' \
	"proc.name=evt_calls and evt.type=write and evt.rawres=1234")
"$SCRY" -r "$TMP/cap.scry" -p '%evt.rawtime' "proc.name=evt_calls" >"$TMP/all.t"
for D in 0 1 30; do
	want=$(python3 -c "print(sum(abs(int(l) - $T) <= $D * 10**6 for l in open('$TMP/all.t')))")
	got=$("$SCRY" -r "$TMP/cap.scry" -p '%evt.rawtime' "proc.name=evt_calls and evt.around[$T]=$D" | wc -l)
	eval "around_$D=\"$got/$want\""
done
checkall "evt.around[$T]=D: the events within D ms (D=0: $around_0, 1: $around_1, 30: $around_30; got/want)" \
	'[ "${around_0%/*}" = "${around_0#*/}" ] && [ "${around_0%/*}" -ge 1 ] &&
	 [ "${around_1%/*}" = "${around_1#*/}" ] && [ "${around_30%/*}" = "${around_30#*/}" ] &&
	 [ "${around_30%/*}" -gt "${around_0%/*}" ]'
"$SCRY" -r "$TMP/cap.scry" -p '%evt.around[1]' >/dev/null 2>"$TMP/ar.err"
check "evt.around is for filters only: -p refuses it (exit $?: $(head -1 "$TMP/ar.err"))" \
	grep -q 'evt.around\[1\] is for filters only' "$TMP/ar.err"
finish
