#!/bin/sh
# 32-bit syscalls (int $0x80) from a 64-bit process: i386's getpid is number 20, x86_64's writev.
# Each must be reported by its own name, exactly as many as made, never as the native call of
# the same number; a 32-bit call with no native namesake (socketcall) by its i386 name, with its
# errors counted (also by a view that traces syscall exits only).
. tests/lib/common.sh
plan 6

N=10000 M=300
"$HELPERS/int80_loop" 1 1 >/dev/null 2>&1
[ $? -eq 77 ] && skip_rest i386-syscalls "no 32-bit x86 syscalls on this architecture"
start_scry "$TMP/view" "$TMP/verr" -c topprocs_errors --interval 0 -j proc.name=int80_loop ||
	{ not_ok "scry -c starts"; finish; }
VIEW_PID=$SCRY_PID
EXTRA_CLEANUP="kill -KILL $VIEW_PID 2>/dev/null; $EXTRA_CLEANUP"
# A 32-bit execve (number 11, x86_64's munmap) of a 64-bit program: by exec time the process has
# the new image's ABI, and its enter must still read execve. The helper is made (the shell's own
# execve, whose enter carries the shell's name) before scry starts, and waits on its stdin to do
# its exec: the only execve of that pid in the trace is the 32-bit one. (A FIFO opened for reading
# and writing does not wait for a writer.)
mkfifo "$TMP/go"
"$HELPERS/int80_loop" exec /bin/true <>"$TMP/go" &
XPID=$!
EXTRA_CLEANUP="kill -KILL $XPID 2>/dev/null; $EXTRA_CLEANUP"
i=0
until [ "$(cat "/proc/$XPID/comm" 2>/dev/null)" = int80_loop ] || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.05; done
start_scry "$TMP/out" "$TMP/err" -j "proc.name in (int80_loop, true)" || { not_ok "scry starts"; finish; }
echo go >"$TMP/go"
wait_pid $XPID 30
xrc=$?
set -- $("$HELPERS/int80_loop" $N $M)
pid=$1 tid=$2 einval=$3
sleep 0.3
stop_scry INT
check "scry exits 0" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/err" | tail -3
kill -INT "$VIEW_PID"
wait_pid "$VIEW_PID" 60
check "the exit-only view exits 0" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/verr" | tail -3
check "the helper made $M socketcalls that failed with EINVAL (got ${einval:-none})" [ "$einval" = $M ]

py "
import json, collections
c = collections.Counter()
for line in open('$TMP/out'):
    e = json.loads(line)
    if e['thread.tid'] != $tid:
        continue
    c[(e['evt.type'], e['evt.dir'])] += 1
    if (e['evt.type'], e['evt.dir']) == ('getpid', '<'):
        assert e['evt.rawres'] == $pid, e
    if (e['evt.type'], e['evt.dir']) == ('socketcall', '<'):
        assert e['evt.res'] == 'EINVAL', e
# two native getpid calls of the helper's own (its check and its output) besides the 32-bit ones
want = {('getpid', '>'): $N + 2, ('getpid', '<'): $N + 2, ('socketcall', '>'): $M, ('socketcall', '<'): $M,
        ('writev', '>'): 0, ('writev', '<'): 0}
got = {k: c[k] for k in want}
assert got == want, got
assert not [k for k in c if k[0] == 'syscall'], c
print('ok')
" >"$TMP/res" 2>&1
check "exactly $N 32-bit getpid and $M socketcall enters and exits by name, no writev" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
py "
import json
rows = [r for r in json.load(open('$TMP/view'))['rows'] if r['proc.pid'] == $pid]
assert len(rows) == 1 and rows[0]['errors'] == $M and rows[0]['errnos'].startswith('EINVAL:$M'), rows
print('ok')
" >"$TMP/vres" 2>&1
py "
import json, collections
k = collections.Counter()
execs = []
for line in open('$TMP/out'):
    e = json.loads(line)
    if e['proc.pid'] != $XPID:
        continue
    assert e['thread.tid'] == $XPID, e
    k[(e['evt.type'], e['evt.dir'])] += 1
    if e['evt.type'] == 'procexec':
        execs.append(e['evt.info'])
assert $xrc == 0, ('the helper did not exec /bin/true', $xrc)
assert len(execs) == 1 and execs[0].split()[0] in ('exe=/bin/true', 'exe=/usr/bin/true'), execs
# Exactly one execve, enter and exit, never munmap (number 11 natively).
assert k[('execve', '>')] == 1 and k[('execve', '<')] == 1, dict(k)
assert k[('munmap', '>')] == k[('munmap', '<')], dict(k)
print('ok')
" >"$TMP/xres" 2>&1
check "a 32-bit execve of a 64-bit program: exactly one execve enter and exit, no stray munmap" \
	grep -qx ok "$TMP/xres" || sed 's/^/#   /' "$TMP/xres" | tail -3
check "an exit-only errors view: $M EINVAL for the helper" grep -qx ok "$TMP/vres" || sed 's/^/#   /' "$TMP/vres" | tail -3
finish
