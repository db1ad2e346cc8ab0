#!/bin/sh
# A helper that forks and execs a known binary: the child appears with its exe path and args,
# its fork and exit, and its events carry the new name and the right parent.
. tests/lib/common.sh
plan 3

start_scry "$TMP/out" "$TMP/err" -j "evt.type in (procfork, procexec, procexit, execve)" ||
	{ not_ok "scry starts"; finish; }
child=$("$HELPERS/fork_exec" /bin/sh -c 'exit 7' "arg with space" second)
parent_rc=$?
sleep 0.3
stop_scry INT
check "helper reports the child's exit status 7" [ $parent_rc -eq 7 ]

py "
import json, sys
ev = [json.loads(l) for l in open('$TMP/out')]
mine = [e for e in ev if e['proc.pid'] == $child]
def one(t):
    m = [e for e in mine if e['evt.type'] == t]
    assert len(m) == 1, (t, m)
    return m[0]
fork, exe, ext = one('procfork'), one('procexec'), one('procexit')
assert fork['proc.name'] == 'fork_exec', fork
assert fork['evt.info'].startswith('pid=$child parent='), fork
assert exe['evt.info'] == 'exe=/bin/sh args=/bin/sh -c exit 7 arg with space second', exe
assert exe['proc.name'] == 'sh', exe
assert ext['evt.info'] == 'status=7 last', ext
parent = [e for e in ev if e['evt.type'] == 'procfork' and e['proc.pid'] == $child][0]
assert exe['proc.ppid'] == fork['proc.ppid'], (exe, fork)
# the execve syscall's exit is seen in the new image
x = [e for e in mine if e['evt.type'] == 'execve' and e['evt.dir'] == '<']
assert len(x) == 1 and x[0]['evt.res'] == 'SUCCESS' and x[0]['proc.name'] == 'sh', x
print('ok')
" >"$TMP/res" 2>&1
check "fork, exec (exe path and argv) and exit of the child are reported exactly" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res"

# A process that started before scry is known with its exe and args from /proc.
sleep 30 &
old=$!
start_scry "$TMP/out2" "$TMP/err2" -n 1 -p '%proc.name|%proc.exepath|%proc.cmdline|%proc.ppid' \
	"proc.pid=$old" || { not_ok "scry starts"; finish; }
kill $old
wait "$SCRY_PID"
SCRY_PID=
check "a process started before scry has its name, exe path, command line and parent" \
	[ "$(cat "$TMP/out2")" = "sleep|$(readlink -f "$(command -v sleep)")|sleep 30|$$" ]
finish
