#!/bin/sh
# A signal handler returns through rt_sigreturn, which leaves the kernel with the syscall number
# forgotten (orig_ax = -1): its enter must still be folded into its exit, by name, exactly once.
# A helper signals itself N times: exactly N tgkill and N rt_sigreturn enters and exits. A second
# run under strace: every syscall of the helper, by name, as strace saw it, in the stream and in
# a view that traces exits only.
. tests/lib/common.sh
plan 9

N=20000
# Alongside, a view that traces only syscall exits (no sys_enter program at all).
start_scry "$TMP/view" "$TMP/verr" -c topprocs_syscalls --interval 0 -j proc.name=signal_loop ||
	{ not_ok "scry -c starts"; finish; }
VIEW_PID=$SCRY_PID
EXTRA_CLEANUP="kill -KILL $VIEW_PID 2>/dev/null; $EXTRA_CLEANUP"
start_scry "$TMP/out" "$TMP/err" -j proc.name=signal_loop || { not_ok "scry starts"; finish; }
set -- $("$HELPERS/signal_loop" $N)
pid=$1 tid=$2 handled=$3
N2=2000
set -- $(strace -f -o "$TMP/strace" "$HELPERS/signal_loop" $N2)
spid=${1:-0}
sleep 0.3
stop_scry INT
check "scry exits 0 on SIGINT" [ $? -eq 0 ] || sed "s/^/#   /" "$TMP/err" | tail -5
kill -INT "$VIEW_PID"
wait_pid "$VIEW_PID" 60
check "the view exits 0 on SIGINT" [ $? -eq 0 ] || sed "s/^/#   /" "$TMP/verr" | tail -5
check "the view traced syscall exits only" grep -q '^scry: syscalls: exits only' "$TMP/verr"
py "
import json
exits = exit_group = 0
for line in open('$TMP/out'):
    e = json.loads(line)
    if e['proc.pid'] != $pid:
        continue
    # a fork child's first return is its parent's call
    exits += e['evt.dir'] == '<' and not (e['evt.type'] in ('clone', 'clone3', 'fork', 'vfork') and e['evt.rawres'] == 0)
    exit_group += (e['evt.type'], e['evt.dir']) == ('exit_group', '>')
rows = [r for r in json.load(open('$TMP/view'))['rows'] if r['proc.pid'] == $pid]
assert exit_group == 1 and len(rows) == 1 and rows[0]['syscalls'] == exits + 1, (exits, exit_group, rows)
print('ok', exits + 1)
" >"$TMP/vres" 2>&1
check "exit-only view: the helper's syscalls are the stream's exits (but a fork child's return) plus its exit_group ($(cut -d' ' -f2 "$TMP/vres"))" \
	grep -q '^ok' "$TMP/vres" || sed 's/^/#   /' "$TMP/vres" | tail -3
check "the helper's handler ran $N times (got $handled)" [ "$handled" = $N ]

py "
import json, collections
c = collections.Counter()
for line in open('$TMP/out'):
    e = json.loads(line)
    if e['thread.tid'] != $tid:
        continue
    c[(e['evt.type'], e['evt.dir'])] += 1
    if e['evt.type'] == 'rt_sigreturn' and e['evt.dir'] == '<':
        assert e['evt.latency'] > 0, e
want = {('tgkill', '>'): $N, ('tgkill', '<'): $N, ('rt_sigreturn', '>'): $N, ('rt_sigreturn', '<'): $N}
got = {k: c[k] for k in want}
assert got == want, got
assert not [k for k in c if k[0] in ('syscall', '') or k[0].startswith('syscall_')], c
print('ok')
" >"$TMP/res" 2>&1
check "exactly $N tgkill and $N rt_sigreturn enters and exits for tid $tid, none nameless" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
# strace's log: "PID name(args) = ret", one line a call (exit_group's "= ?" included); a signal's
# "--- SIG" and the "+++ exited" lines name no call. Single-threaded: no "<... resumed>" lines.
py "
import json, re, collections
st = collections.Counter()
for l in open('$TMP/strace'):
    m = re.match(r'(\d+) +(\w+)\(', l)
    if m:
        assert int(m.group(1)) == $spid, l
        st[m.group(2)] += 1
assert st['tgkill'] == $N2 and st['rt_sigreturn'] == $N2 and st['execve'] == 1 and st['exit_group'] == 1, st
json.dump(st, open('$TMP/strace.json', 'w'))
enters, exits = collections.Counter(), collections.Counter()
# scry's events that are not syscalls (src/decode/event_table.c)
other = ('procfork', 'procexec', 'procexit', 'procrename', 'switch', 'cputick', 'sockstate',
         'signalgenerate', 'signaldeliver')
for line in open('$TMP/out'):
    e = json.loads(line)
    if e['proc.pid'] == $spid and e['evt.type'] not in other:
        (enters if e['evt.dir'] == '>' else exits)[e['evt.type']] += 1
# Exits: every call strace saw, from the execve's return in the new image on; exit_group has
# none. Enters: the same calls, but the execve's, made in the old image (named strace, or
# signal_loop when it was still parked at the exec: the filter may keep it or not).
want_exits = {k: v for k, v in st.items() if k != 'exit_group'}
want_enters = {k: v for k, v in st.items() if k != 'execve'}
enters.pop('execve', None)
assert dict(exits) == want_exits, ('exits', dict(exits), want_exits)
assert dict(enters) == want_enters, ('enters', dict(enters), want_enters)
print('ok', sum(st.values()))
" >"$TMP/sres" 2>&1
check "under strace: the stream has each of the helper's calls by name, as strace logged them ($(cut -d' ' -f2 "$TMP/sres"))" \
	grep -q '^ok' "$TMP/sres" || sed 's/^/#   /' "$TMP/sres" | tail -3
py "
import json
st = json.load(open('$TMP/strace.json'))
rows = [r for r in json.load(open('$TMP/view'))['rows'] if r['proc.pid'] == $spid]
assert len(rows) == 1 and rows[0]['syscalls'] == sum(st.values()), (rows, sum(st.values()))
print('ok', rows[0]['syscalls'])
" >"$TMP/svres" 2>&1
check "under strace: the exit-only view counts the helper's syscalls as strace logged them, exit_group included ($(cut -d' ' -f2 "$TMP/svres"))" \
	grep -q '^ok' "$TMP/svres" || sed 's/^/#   /' "$TMP/svres" | tail -3
check "0 events dropped (got $(dropped "$TMP/err"))" [ "$(dropped "$TMP/err")" = 0 ]
finish
