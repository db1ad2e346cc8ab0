#!/bin/sh
# thread.cpu/.user/.system, fresh proc.vm*/thread.vm*, and thread.cgroups in captures (issue 15),
# live (-p) and replayed from a capture (-w, then -r), each against /proc:
# - cpu_split spins in user mode, then reads /dev/zero (kernel time), and reads its own
#   /proc/thread-self/stat utime and stime at the start of every second of the boot clock, then
#   marks the second with a failing open. The marker's thread.cpu* is the share of the second
#   before it; /proc's growth over that second is the truth. Tolerances: thread.cpu within 3
#   points (a thread's time is charged at its records, which come at least every 10 ms: up to 1
#   point moves across each of the two edges, plus rounding); the user/system split within 10
#   points (tick accounting: the kernel charges whole 4 ms ticks to user or system, so a second's
#   split is a sample of at most 250 ticks, and /proc scales its split over the thread's life).
# - mem_hog, started under scry inside a memory cgroup the test makes, touches 48 MiB and
#   sleeps; /proc/PID/status is read, then it is killed: its exit shows proc.vmrss, vmsize,
#   vmswap and thread.vm* equal to /proc's within 1% or 256 kB (both read the same kernel
#   counters, and the process sleeps between scry's last record of it and /proc's read; the
#   margin is for pages the kernel may reclaim meanwhile). Its thread.cgroups and
#   thread.cgroup.memory are /proc/PID/task/PID/cgroup's at its write of "touched", live and
#   replayed; replayed, at its exit too (what the recorder read while it ran).
. tests/lib/common.sh
plan 12
FMT='%evt.type@@%proc.name@@%thread.tid@@%evt.info@@%thread.cpu@@%thread.cpu.user@@%thread.cpu.system@@%proc.vmsize@@%proc.vmrss@@%proc.vmswap@@%thread.vmsize@@%thread.vmrss@@%thread.cgroups@@%thread.cgroup.memory'
FILTER='(proc.name=cpu_split and evt.type=openat) or (proc.name=mem_hog and evt.type in (write, procexit))'
RFILTER='proc.name in (cpu_split, mem_hog) and evt.type in (switch, cputick, openat, write, procexit)'
cap="$TMP/c.scry"
CG=/sys/fs/cgroup/memory/scry_t_cpu15_$$
mkdir "$CG" || { skip_rest "no v1 memory hierarchy to make a cgroup in"; }
EXTRA_CLEANUP="rmdir $CG 2>/dev/null"

start_scry "$TMP/live.out" "$TMP/live.err" -p "$FMT" "$FILTER" || { not_ok "scry -p starts"; finish; }
LIVE_PID=$SCRY_PID
SCRY_PID=
EXTRA_CLEANUP="kill -KILL $LIVE_PID 2>/dev/null; rmdir $CG 2>/dev/null"
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$cap" "$RFILTER" || { not_ok "scry -w starts"; finish; }

"$HELPERS/cpu_split" user 4 >"$TMP/user.truth"
"$HELPERS/cpu_split" sys 4 >"$TMP/sys.truth"
sh -c "echo \$\$ >$CG/cgroup.procs && exec '$HELPERS/mem_hog' 48 600" >"$TMP/hog.out" &
hog=$!
EXTRA_CLEANUP="kill -KILL $LIVE_PID $hog 2>/dev/null; rmdir $CG 2>/dev/null"
i=0
while ! grep -q touched "$TMP/hog.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
cat /proc/$hog/status >"$TMP/hog.status"
cat /proc/$hog/task/$hog/cgroup >"$TMP/hog.cgroup"
kill -TERM $hog
wait_pid $hog 10
sleep 0.3
stop_scry INT
check "scry -w exits 0" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/rec.err" | tail -3
kill -INT $LIVE_PID
wait_pid $LIVE_PID 60
check "the live -p stream exits 0" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/live.err" | tail -3
"$SCRY" -r "$cap" -p "$FMT" "$FILTER" >"$TMP/rep.out" 2>"$TMP/rep.err"
check "the replay exits 0 without a message" [ $? -eq 0 -a ! -s "$TMP/rep.err" ] ||
	sed 's/^/#   /' "$TMP/rep.err" | head -3

cat >"$TMP/check.py" <<'PYEOF'
import re
import sys
tmp, src, what = sys.argv[1], sys.argv[2], sys.argv[3]
F = ['type', 'name', 'tid', 'info', 'cpu', 'user', 'sys', 'vmsize', 'vmrss', 'vmswap',
     'tvmsize', 'tvmrss', 'cgroups', 'cgmem']
evs = [dict(zip(F, l.rstrip('\n').split('@@'))) for l in open('%s/%s.out' % (tmp, src))]
errs = []
diag = []

def split(mode):
    lines = open('%s/%s.truth' % (tmp, mode)).read().split('\n')
    hz = int(lines[0].split()[1])
    samp = [tuple(int(x) for x in l.split()) for l in lines[1:] if l]
    marks = {}
    for e in evs:
        m = re.search(r'/nonexistent/cpu_split/(\d+)', e['info'])
        if e['name'] == 'cpu_split' and m:
            marks.setdefault(int(m.group(1)), []).append(e)
    n = 0
    for (s0, u0, t0), (s1, u1, t1) in zip(samp, samp[1:]):
        if s1 not in marks:
            continue
        # /proc's growth in that second, as percent of one CPU
        pu, ps = (u1 - u0) * 100.0 / hz, (t1 - t0) * 100.0 / hz
        for e in marks[s1]:
            n += 1
            try:
                c, u, y = int(e['cpu']), int(e['user']), int(e['sys'])
            except ValueError:
                errs.append('%s second %d: thread.cpu %r' % (mode, s0, e['cpu']))
                continue
            diag.append('# %s %s second %d: thread.cpu %d user %d system %d; /proc %.0f %.0f'
                        % (src, mode, s0, c, u, y, pu, ps))
            if u + y != c or abs(c - (pu + ps)) > 3 or abs(u - pu) > 10 or abs(y - ps) > 10:
                errs.append('%s second %d: thread.cpu %d user %d system %d; /proc %.0f %.0f'
                            % (mode, s0, c, u, y, pu, ps))
    return n

if what == 'cpu':
    nu, ns = split('user'), split('sys')
    if nu < 3 or ns < 3:
        errs.append('%d and %d marked seconds (3 each wanted)' % (nu, ns))
elif what == 'mem':
    st = {l.split(':')[0]: l.split()[1] for l in open(tmp + '/hog.status') if l.startswith('Vm')}
    ex = [e for e in evs if e['name'] == 'mem_hog' and e['type'] == 'procexit']
    if len(ex) != 1:
        errs.append('%d procexit of mem_hog' % len(ex))
    for e in ex:
        for f, k in (('vmsize', 'VmSize'), ('vmrss', 'VmRSS'), ('vmswap', 'VmSwap'),
                     ('tvmsize', 'VmSize'), ('tvmrss', 'VmRSS')):
            want = int(st[k])
            if not e[f].isdigit() or abs(int(e[f]) - want) > max(256, want // 100):
                errs.append('%s %s, /proc %s %d kB' % (f, e[f], k, want))
        if int(st['VmRSS']) < 48 << 10:
            errs.append('truth: VmRSS %s kB, not the 48 MiB touched' % st['VmRSS'])
elif what == 'cg':
    v2 = open('/sys/fs/cgroup/unified/cgroup.controllers').read().split()
    out, mem = [], '<NA>'
    for line in open(tmp + '/hog.cgroup'):
        _, ctl, path = line.rstrip('\n').split(':', 2)
        out += ['%s=%s' % (c, path) for c in (ctl.split(',') if ctl else v2)]
        if 'memory' in ctl.split(','):
            mem = path
    # its "touched" line, while it runs; replayed, its exit too (live, /proc has gone by then)
    ex = [e for e in evs if e['name'] == 'mem_hog' and
          (e['type'] == 'write' or (src == 'rep' and e['type'] == 'procexit'))]
    kinds = sorted({e['type'] for e in ex})
    if kinds != (['procexit', 'write'] if src == 'rep' else ['write']):
        errs.append('events of mem_hog: %s' % kinds)
    for e in ex:
        if e['cgroups'] != ' '.join(out) or e['cgmem'] != mem:
            errs.append('thread.cgroups %r memory %r; /proc %r %r'
                        % (e['cgroups'], e['cgmem'], ' '.join(out), mem))
    if not mem.startswith('/scry_t_cpu15_'):
        errs.append('truth: memory cgroup %r, not the one made' % mem)
print('ok' if not errs else '\n'.join(errs[:6]))
if what == 'cpu':
    print('\n'.join(diag))
PYEOF
for src in live rep; do
	w=live; [ $src = rep ] && w=replayed
	python3 "$TMP/check.py" "$TMP" $src cpu >"$TMP/res" 2>&1
	check "$w: thread.cpu, .user and .system of a user loop and a /dev/zero reader as /proc's utime and stime per second" \
		grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res"
	grep '^# ' "$TMP/res"
	python3 "$TMP/check.py" "$TMP" $src mem >"$TMP/res" 2>&1
	check "$w: proc.vmsize, vmrss, vmswap and thread.vm* of a 48 MiB process started under scry as /proc/PID/status" \
		grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res"
	python3 "$TMP/check.py" "$TMP" $src cg >"$TMP/res" 2>&1
	check "$w: thread.cgroups and thread.cgroup.memory as /proc/PID/task/TID/cgroup" \
		grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res"
done
# the user loop's seconds are user time and the reader's system time, in scry's eyes too
py "
evs = [l.split('@@') for l in open('$TMP/rep.out') if 'cpu_split' in l and '/nonexistent/' in l]
u = [int(e[5]) - int(e[6]) for e in evs if e[4].isdigit() and int(e[4]) > 30]
print('ok' if len([x for x in u if x > 30]) >= 3 and len([x for x in u if x < -30]) >= 3 else u)
" >"$TMP/res" 2>&1
check "the split tells the two loops apart (user > system by 30 points, and the reverse)" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res"
# a replay keeps the cgroups of a process whose cgroup is gone now
rmdir "$CG"
"$SCRY" -r "$cap" -p '%thread.cgroup.memory' 'proc.name=mem_hog and evt.type=procexit' >"$TMP/rep2.out" 2>&1
check "a replay shows the recorded cgroup after it is removed" grep -q "^/scry_t_cpu15_$$\$" "$TMP/rep2.out" ||
	sed 's/^/#   /' "$TMP/rep2.out" | head -3
check "the CGROUPS items survive a re-recording (scry -r F -w G)" sh -c \
	"'$SCRY' -r '$cap' -w '$TMP/g.scry' && '$SCRY' -r '$TMP/g.scry' -p '%thread.cgroup.memory' 'proc.name=mem_hog and evt.type=procexit' | grep -q '^/scry_t_cpu15_$$\$'"
finish
