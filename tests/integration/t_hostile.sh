#!/bin/sh
# Hostile processes: names and argv with terminal escapes, newlines, C1 controls (raw and as
# UTF-8), bidi overrides and invalid UTF-8 reach no output raw: the event line, -pc, -p, -j (a
# strict UTF-8 + JSON decoder reads every line back to the escaped text), views and their JSON.
# A filter sees an exec's evt.info whole (the marker at its end, past 4 KiB). syscall(-1) is not
# taken for rt_sigreturn, live or in an exit-only view. The recording is made live and replayed
# through every output: replay runs the same printers.
. tests/lib/common.sh
plan 26

H="$HELPERS/hostile"
cap="$TMP/h.scry"
hex() { printf "$1" | od -An -tx1 -v | tr -d ' \n'; }

ESC_NAME='\033[31mEVIL'		# colours the terminal
NL_NAME='x\nFORGED line'	# forges an event line
C1_NAME='\302\23331mC1'		# CSI as UTF-8 U+009B
RAW_NAME='\23331mRAW\377'	# CSI as a raw C1 byte, and a byte that is not UTF-8
BIDI_NAME='\342\200\256txt'	# RIGHT-TO-LEFT OVERRIDE
# argv of 4080 bytes (an exec record keeps 4096) with a marker at its end: evt.info is longer than
# 4 KiB (the filter's old scratch) and the marker sits past it.
LONG=$(head -c $((4080 - ${#H} - 1 - 7 - 11 - 12 - 12 - 11)) /dev/zero | tr '\0' 'a')

# An exit-only view alongside (no sys_enter program: no parked enter to name a call).
start_scry "$TMP/xview" "$TMP/xview.err" -c topprocs_syscalls --interval 0 -j evt.type=rt_sigreturn ||
	{ not_ok "exit-only view starts"; finish; }
VIEW_PID=$SCRY_PID
EXTRA_CLEANUP="kill -KILL $VIEW_PID 2>/dev/null; $EXTRA_CLEANUP"
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$cap" || { not_ok "scry -w starts"; finish; }
pids=
for n in "$ESC_NAME" "$NL_NAME" "$C1_NAME" "$RAW_NAME" "$BIDI_NAME"; do
	set -- $("$H" comm "$(hex "$n")" 100)
	pids="$pids $1"
done
set -- $("$H" exec 10 "$(hex '\033]0;TITLE\007')" "$(hex 'line1\nline2')" "$(hex '\377\376 invalid')" \
	"$(hex "${LONG}evilmarker")")
exec_pid=$1
set -- $("$H" negsys 1000)
neg_pid=$1 neg_tid=$2
set -- $("$H" sigret 1000)
sig_pid=$1 sig_tid=$2
sleep 0.3
stop_scry INT
check "recording exits 0" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/rec.err" | tail -3
kill -INT "$VIEW_PID"
wait_pid "$VIEW_PID" 60
rc=$?
checkall "the view exits 0 (rc=$rc) and traced syscall exits only" \
	'[ $rc -eq 0 ] && grep -q "^scry: syscalls: exits only" "$TMP/xview.err"'

only_ours="proc.exepath contains hostile"
# rep OUT ARGS...: replay into $TMP/OUT; its exit status and stderr beside it, for `replayed`
rep() {
	o=$1; shift
	"$SCRY" -r "$cap" "$@" >"$TMP/$o" 2>"$TMP/$o.err"
	echo $? >"$TMP/$o.rc"
}
# replayed OUT: that replay exited 0, said nothing, and printed something
replayed() { [ "$(cat "$TMP/$1.rc")" = 0 ] && [ ! -s "$TMP/$1.err" ] && [ -s "$TMP/$1" ]; }
rep line "$only_ours"
rep pc -pc "$only_ours"
rep fmt -p '%proc.name|%thread.name|%proc.cmdline|%proc.exe|%proc.args|%evt.info' "$only_ours"
rep json -j -pc "$only_ours"
rep view -c topprocs_syscalls --interval 0 --top 100 "$only_ours"
rep viewj -c topprocs_syscalls --interval 0 --top 100 -j "$only_ours"
rep ps -c ps --interval 0 --top 1000

# No byte that a terminal acts on: C0 controls but the line ends, DEL, raw C1, UTF-8 C1, RLO.
raw_controls() {
	py "
import sys, re
data = open('$1', 'rb').read()
bad = re.findall(rb'[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xae\xa8\xa9]', data)
try:
    data.decode('utf-8', 'strict')
except UnicodeDecodeError as e:
    bad.append(str(e).encode())
sys.exit(1 if bad else 0)
"
}
for f in line pc fmt json view viewj ps; do
	checkall "$f: replayed (exit 0, no message), no raw control or invalid byte reaches the output" \
		'replayed $f && raw_controls "$TMP/$f"' || sed 's/^/#   /' "$TMP/$f.err" | head -3
done
checkall "default line: every line is an event line (no line forged by a name)" \
	"[ -s '$TMP/line' ] && ! grep -qv '^[0-9][0-9]* [0-9:.]* [0-9]* ' '$TMP/line'"
checkall "-pc: every line is an event line" \
	"[ -s '$TMP/pc' ] && ! grep -qv '^[0-9][0-9]* [0-9:.]* [0-9]* ' '$TMP/pc'"
check "default line: the names are shown escaped" \
	grep -qF -e '\x1b[31mEVIL (' "$TMP/line"
check "the newline in a name is shown as \\x0a" grep -qF 'x\x0aFORGED line (' "$TMP/line"
check "C1 as UTF-8 and raw, and a byte that is not UTF-8, as \\xNN" \
	grep -qF -e '\xc2\x9b31mC1' "$TMP/line"
check "raw C1 and 0xff as \\xNN" grep -qF -e '\x9b31mRAW\xff' "$TMP/line"
check "a bidi override as \\xNN" grep -qF -e '\xe2\x80\xaetxt' "$TMP/line"
check "argv: OSC, newline and invalid bytes escaped in evt.info" \
	grep -qF -e 'hostile run 10 \x1b]0;TITLE\x07 line1\x0aline2 \xff\xfe invalid' "$TMP/fmt"
# Six fields, five bars on each line: a raw newline in any of them would split a line.
check "-p: every field escaped, one line per event" \
	awk -F'|' 'NF != 6 { bad = 1 } END { exit bad || NR < 500 }' "$TMP/fmt"

py "
import json
names = set(); lines = 0
for raw in open('$TMP/json', 'rb'):
    e = json.loads(raw.decode('utf-8', 'strict'))
    names.add(e['proc.name'])
    lines += 1
want = {r'\x1b[31mEVIL', r'x\x0aFORGED line', r'\xc2\x9b31mC1', r'\x9b31mRAW\xff', r'\xe2\x80\xaetxt'}
assert want <= names, (want - names, names)
assert lines > 500, lines
print('ok')
" >"$TMP/res" 2>&1
check "-j: every line is strict UTF-8 and JSON, names are the escaped text" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -3
py "
import json
doc = json.loads(open('$TMP/viewj', 'rb').read().decode('utf-8', 'strict'))
names = {r['proc.name'] for r in doc['rows']}
assert r'\x1b[31mEVIL' in names and r'x\x0aFORGED line' in names, names
print('ok')
" >"$TMP/res" 2>&1
check "view -j: strict JSON with escaped names" grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
check "view text: escaped names" grep -qF -e '\x1b[31mEVIL' "$TMP/view"

# A filter sees what the outputs show, however long: the marker sits past 4 KiB of evt.info.
rep marker -p '%evt.info' "evt.type=procexec and evt.info contains evilmarker"
checkall "evt.info contains a marker 4 KiB in: the filter matches the exec it shows" \
	'replayed marker && grep -q "evilmarker" "$TMP/marker"'
rep exec -p '%evt.info' "evt.type=procexec and proc.pid=$exec_pid"
checkall "the printed exec line holds the marker too ($(wc -c <"$TMP/exec") bytes)" \
	"replayed exec && grep -q evilmarker '$TMP/exec' && [ \$(wc -c <'$TMP/exec') -gt 4096 ]"

# syscall(-1) is an unknown call, not rt_sigreturn (orig_ax is -1 for both).
# sr TID: the thread's rt_sigreturn events on replay, "failed" if the replay did not exit 0
sr() {
	rep sr -p '%evt.type' "thread.tid=$1 and evt.type=rt_sigreturn"
	[ "$(cat "$TMP/sr.rc")" = 0 ] && [ ! -s "$TMP/sr.err" ] && wc -l <"$TMP/sr" || echo failed
}
# The helper's own count of its unknown calls: its 1000 syscall(-1) are events, of another type.
neg_all=$(rep neg -p '%evt.type' "thread.tid=$neg_tid and evt.dir=<"; grep -c . "$TMP/neg")
got=$(sr $neg_tid)
check "syscall(-1) x1000: no rt_sigreturn event (got $got), its 1000+ exits are there ($neg_all)" \
	[ "$got" = 0 -a "$(cat "$TMP/neg.rc")" = 0 -a "$neg_all" -ge 1000 ]
got=$(sr $sig_tid)
check "1000 signal handlers: 2000 rt_sigreturn events, enter and exit (got $got)" [ "$got" = 2000 ]
py "
import json
rows = {r['proc.pid']: r['syscalls'] for r in json.load(open('$TMP/xview'))['rows']}
assert $neg_pid not in rows, rows
assert rows.get($sig_pid) == 1000, rows
print('ok')
" >"$TMP/res" 2>&1
check "exit-only view of rt_sigreturn: none for syscall(-1), 1000 for the signal handlers" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
finish
