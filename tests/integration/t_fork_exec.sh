#!/bin/sh
# A helper that forks and execs a known binary: the child appears with its exe path and args,
# its fork and exit, and its events carry the new name and the right parent.
. tests/lib/common.sh
plan 3

start_scry "$TMP/out" "$TMP/err" -j "evt.type in (procfork, procexec, procexit, execve)" ||
	{ not_ok "scry starts"; finish; }
# The helper says its child's pid and its own: the child's true parent, from the kernel.
ids=$("$HELPERS/fork_exec" /bin/sh -c 'exit 7' "arg with space" second)
parent_rc=$?
set -- $ids
child=${1:-0} parent=${2:-0}
sleep 0.3
stop_scry INT
scry_rc=$?
checkall "helper reports the child's exit status 7, scry exits 0 (rc=$parent_rc, scry $scry_rc)" \
	'[ $parent_rc -eq 7 ] && [ $scry_rc -eq 0 ]'

py "
import json, sys
ev = [json.loads(l) for l in open('$TMP/out')]
child, parent = $child, $parent
assert child > 0 and parent > 0 and child != parent, (child, parent)
mine = [e for e in ev if e['proc.pid'] == child]
def one(t):
    m = [e for e in mine if e['evt.type'] == t]
    assert len(m) == 1, (t, m)
    return m[0]
fork, exe, ext = one('procfork'), one('procexec'), one('procexit')
assert fork['proc.name'] == 'fork_exec', fork
# The parent is the helper that forked it (single-threaded: its tid is its pid); on the host
# the child's pid in its namespace is its pid.
assert fork['evt.info'] == 'pid=%d parent=%d vpid=%d' % (child, parent, child), fork
assert exe['evt.info'] == 'exe=/bin/sh args=/bin/sh -c exit 7 arg with space second', exe
assert exe['proc.name'] == 'sh', exe
assert ext['evt.info'] == 'status=7 last', ext
# Every event of the child, from its fork to its exit, carries its true parent.
assert all(e['proc.ppid'] == parent for e in mine), [(e['evt.type'], e['proc.ppid']) for e in mine]
assert all(e['thread.tid'] == child for e in mine), mine
# the execve syscall's exit is seen in the new image
x = [e for e in mine if e['evt.type'] == 'execve' and e['evt.dir'] == '<']
assert len(x) == 1 and x[0]['evt.res'] == 'SUCCESS' and x[0]['proc.name'] == 'sh', x
print('ok')
" >"$TMP/res" 2>&1
check "fork, exec (exe path and argv) and exit of the child are reported exactly, with its true parent" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res"

# A process that started before scry is known with its exe and args from /proc.
sleep 30 &
old=$!
start_scry "$TMP/out2" "$TMP/err2" -n 1 -p '%proc.name|%proc.exepath|%proc.cmdline|%proc.ppid' \
	"proc.pid=$old" || { not_ok "scry starts"; finish; }
kill $old
wait_pid "$SCRY_PID" 30
rc=$? SCRY_PID=
checkall "a process started before scry has its name, exe path, command line and parent (rc=$rc)" \
	'[ $rc -eq 0 ] && [ "$(cat "$TMP/out2")" = "sleep|$(readlink -f "$(command -v sleep)")|sleep 30|$$" ]' ||
	sed 's/^/#   /' "$TMP/out2"
finish
