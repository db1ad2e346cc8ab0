#!/bin/sh
# A unix socket's name is anybody's text: a process binds and connects to a path with a terminal
# escape and a newline in it. The connect line names the socket (sysdig's fd=N(<u>PATH)), and
# that name reaches neither the text nor the JSON output raw. A nameless one (a failed connect
# of an unbound socket, as glibc's nscd lookup makes when HOME is unset) shows no name, not the
# bytes after its record.
. tests/lib/common.sh
plan 4

sd="$TMP/s"
mkdir -p "$sd"
start_scry "$TMP/out" "$TMP/err" -p '%proc.pid %evt.type %evt.info' 'evt.type=connect and evt.dir=<' ||
	{ not_ok "scry starts"; finish; }
TXT=$SCRY_PID
start_scry "$TMP/json" "$TMP/jerr" -j 'evt.type=connect and evt.dir=<' ||
	{ not_ok "scry -j starts"; finish; }
EXTRA_CLEANUP="kill -KILL $TXT $SCRY_PID 2>/dev/null; $EXTRA_CLEANUP"
python3 -c "
import os, socket
p = '$sd/a\x1b[31m\nFORGED'
s = socket.socket(socket.AF_UNIX); s.bind(p); s.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect(p)
m = socket.socket(socket.AF_UNIX)
try: m.connect('$sd/missing')
except FileNotFoundError: pass
print(os.getpid())
" >"$TMP/pid"
pid=$(cat "$TMP/pid")
sleep 0.5
stop_scry INT; r2=$?
SCRY_PID=$TXT; stop_scry INT; r1=$?
checkall "both tracers exit 0 (got $r1 $r2) and the client ran (pid $pid)" \
	'[ "$r1" = 0 ] && [ "$r2" = 0 ] && [ -n "$pid" ]'
line=$(grep "^$pid connect res=0 " "$TMP/out")
checkall "text: one connect line, the name escaped, no escape or newline raw (got: $line)" \
	'[ "$(grep -c "^$pid connect res=0 " "$TMP/out")" = 1 ] &&
	 case "$line" in
	 "$pid connect res=0 fd="[0-9]*"(<u>$sd/a\\x1b[31m\\x0aFORGED) addr="*) ;; *) false ;; esac &&
	 ! grep -q "$(printf "\033")" "$TMP/out" && ! grep -q "^FORGED" "$TMP/out"'  ||
	sed "s/^/#   /" "$TMP/out"
failed=$(grep "^$pid connect res=-2(ENOENT) " "$TMP/out" | tail -1)
checkall "text: the failed connect of an unbound socket shows no name (got: $failed)" \
	'case "$failed" in *" fd="[0-9]*"(<u>) addr="*) ;; *) false ;; esac'
got=$(python3 -c "
import json
for l in open('$TMP/json', encoding='utf-8', errors='strict'):
    e = json.loads(l)
    if e['proc.pid'] == $pid and e['evt.info'].startswith('res=0 '):
        print(r'(<u>$sd/a\x1b[31m\x0aFORGED)' in e['evt.info'], '\x1b' in l or '\n' in e['evt.info'])
" 2>&1)
check "JSON: the connect's evt.info holds the name escaped as in the text line, no escape or newline (got $got)" \
	[ "$got" = "True False" ]
finish
