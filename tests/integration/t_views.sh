#!/bin/sh
# Views against independent truth: CPU time against the container's cgroup (cpu.stat
# usage_usec, cpuacct.usage on v1) and the process's schedstat; syscall counts against strace -c;
# errors, file and socket bytes against what the helpers did; per-process figures adding up to the
# container's; ps against docker top; the syscall programs each view attaches, against the
# kernel's own list of the links scry holds.
. tests/lib/common.sh
plan 16
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
tag=$$
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)

# view NAME ARGS...: a view over the whole run, as JSON, in the background.
VIEWS=
EXTRA_CLEANUP='[ -n "$VIEWS" ] && kill -KILL $VIEWS 2>/dev/null; docker_cleanup'
view() {
	n=$1; shift
	start_scry "$TMP/$n.out" "$TMP/$n.err" --interval 0 -j "$@" || return 1
	eval "PID_$n=\$SCRY_PID"
	VIEWS="$VIEWS $SCRY_PID" SCRY_PID=
}
# stop_view NAME: stop it; "NAME=STATUS" is added to $vrc, which a section's check holds to 0.
stop_view() {
	eval "kill -INT \$PID_$1; wait_pid \$PID_$1 60"
	vrc="$vrc $1=$?"
}

# --- CPU: a 5 s busy loop in a container, preempted by two hogs -----------------------------------
"$DOCKER" run -d --name "hog1-$tag" --network none "$IMAGE" sh -c 'while :; do :; done' >/dev/null
"$DOCKER" run -d --name "hog2-$tag" --network none "$IMAGE" sh -c 'while :; do :; done' >/dev/null
view cpu_c -c topcontainers_cpu || { not_ok "scry starts"; finish; }
view cpu_p -c topprocs_cpu "container.name=cpu-$tag" || { not_ok "scry starts"; finish; }
"$DOCKER" run -d --name "cpu-$tag" --network none "$IMAGE" sh -c '/h/busy_loop 5; sleep 600' >/dev/null
i=0
until "$DOCKER" logs "cpu-$tag" 2>/dev/null | grep -q .; do i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.1; done
set -- $("$DOCKER" logs "cpu-$tag")
loop_pid=${1:-} loop_ns=${4:-}
init=$("$DOCKER" inspect -f '{{.State.Pid}}' "cpu-$tag")
path=$(sed -n 's/^0:://p' "/proc/$init/cgroup")
# Unreadable, a figure is empty and the check says which file; it must not end the script.
usage_us=$(awk '$1 == "usage_usec" { print $2 }' "$cg2$path/cpu.stat")
# cgroup v1's cpuacct, where the machine has it (a hybrid or v1 layout; not a pure v2 one).
v1root=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpuacct(,|$)/ { print $2; exit }' /proc/mounts)
v1path=$(awk -F: '$2 ~ /(^|,)cpuacct(,|$)/ { print $3 }' "/proc/$init/cgroup")
[ -n "$v1root" ] && v1_ns=$(cat "$v1root$v1path/cpuacct.usage")
sleep 0.5
vrc=
stop_view cpu_c
stop_view cpu_p
"$DOCKER" rm -f "hog1-$tag" "hog2-$tag" >/dev/null
py "
import json
assert all(x.endswith('=0') for x in '$vrc'.split()), ('an exit status is not 0', '$vrc')
for what, v in (('$cg2$path/cpu.stat usage_usec', '$usage_us'), ('busy_loop output (docker logs)', '$loop_ns')):
    assert v.isdigit(), ('unreadable', what, v)
usage, loop_ns = int('$usage_us') * 1000, int('$loop_ns')
c = json.load(open('$TMP/cpu_c.out'))
row = [r for r in c['rows'] if r['container.name'] == 'cpu-$tag']
assert len(row) == 1, c
scry = row[0]['cpu.ns']
print('# container: scry %d ns, cgroup v2 usage_usec %d ns' % (scry, usage))
# 5 s of spinning against two hogs on two CPUs (3.3 s alone, 1.3 s seen with other work on the
# machine): the comparisons are of at least half a second, the container's at least its loop's.
assert usage >= loop_ns > 0.5e9, (usage, loop_ns)
# The issue asks for 3%; the scheduler's own accounting is exact, so hold it to 0.1%.
assert abs(scry - usage) <= 0.001 * usage, (scry, usage)
p = json.load(open('$TMP/cpu_p.out'))
loop = [r for r in p['rows'] if r['proc.name'] == 'busy_loop']
assert len(loop) == 1, p
print('# busy_loop process: scry %d ns, its schedstat %d ns' % (loop[0]['cpu.ns'], loop_ns))
assert abs(loop[0]['cpu.ns'] - loop_ns) <= 0.001 * loop_ns, (loop[0], loop_ns)
total = sum(r['cpu.ns'] for r in p['rows'])
assert abs(total - scry) <= 0.001 * scry, ('processes add up to the container', total, scry)
print('ok')
" >"$TMP/res" 2>&1
grep '^#' "$TMP/res"
check "CPU under contention: container within 0.1% of its cgroup's cpu.stat, process within 0.1% of schedstat, processes add up" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
if [ -z "$v1root" ]; then
	skip 1 cpuacct "no cgroup v1 cpuacct hierarchy mounted (a pure cgroup v2 layout)"
else
	py "
import json
assert '$v1path', 'the container has no cpuacct line in /proc/$init/cgroup'
assert '${v1_ns:-}'.isdigit(), ('unreadable: $v1root$v1path/cpuacct.usage', '${v1_ns:-}')
row = [r for r in json.load(open('$TMP/cpu_c.out'))['rows'] if r['container.name'] == 'cpu-$tag']
assert len(row) == 1, row
scry, v1 = row[0]['cpu.ns'], int('$v1_ns')
print('# container: scry %d ns, cgroup v1 cpuacct.usage %d ns' % (scry, v1))
assert v1 > 0.5e9 and abs(scry - v1) <= 0.001 * v1, (scry, v1)
print('ok')
" >"$TMP/res" 2>&1
	grep '^#' "$TMP/res"
	check "CPU under contention: container within 0.1% of its cgroup v1 cpuacct.usage ($v1root$v1path)" \
		grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
fi

# --- syscalls: dd bs=1 count=100000, against strace -c ---------------------------------------------
view sc_t -c topscalls "container.name=dd-$tag and proc.name=dd" || { not_ok "scry starts"; finish; }
view sc_p -c topprocs_syscalls "container.name=dd-$tag" || { not_ok "scry starts"; finish; }
view sc_c -c topcontainers_syscalls || { not_ok "scry starts"; finish; }
"$DOCKER" run --name "dd-$tag" --network none "$IMAGE" dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null
vrc="dd=$?"
sleep 0.5
stop_view sc_t
stop_view sc_p
stop_view sc_c
strace -f -c -o "$TMP/strace" busybox dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null
py "
import json
assert all(x.endswith('=0') for x in '$vrc'.split()), ('an exit status is not 0', '$vrc')
calls = {}
for l in open('$TMP/strace'):
    f = l.split()
    if len(f) >= 5 and f[3].isdigit():
        calls[f[-1]] = int(f[3])
t = {r['evt.type']: r for r in json.load(open('$TMP/sc_t.out'))['rows']}
for name in ('read', 'write'):
    assert t[name]['syscalls'] == calls[name], (name, t[name], calls[name])
assert t['read']['syscalls'] == 100000, t['read']
p = json.load(open('$TMP/sc_p.out'))['rows']
c = [r for r in json.load(open('$TMP/sc_c.out'))['rows'] if r['container.name'] == 'dd-$tag']
assert len(c) == 1, c
assert sum(r['syscalls'] for r in p) == c[0]['syscalls'], (p, c)
dd = [r for r in p if r['proc.name'] == 'dd']
# the dd process row also has runc's syscalls before the exec (same pid)
assert len(dd) == 1 and dd[0]['syscalls'] > sum(r['syscalls'] for r in t.values()), (dd, t)
print('ok')
" >"$TMP/res" 2>&1
check "syscalls: read and write counts of dd equal strace -c's (100000 reads), per-process add up to the container" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- errors: 5000 opens of a missing path --------------------------------------------------------
view err_p -c topprocs_errors "proc.name=open_missing" || { not_ok "scry starts"; finish; }
view err_c -c topcontainers_errors "proc.name=open_missing" || { not_ok "scry starts"; finish; }
"$DOCKER" run --name "err-$tag" --network none "$IMAGE" /h/open_missing 5000 >/dev/null
vrc="open_missing=$?"
sleep 0.5
stop_view err_p
stop_view err_c
py "
import json
assert all(x.endswith('=0') for x in '$vrc'.split()), ('an exit status is not 0', '$vrc')
p = json.load(open('$TMP/err_p.out'))['rows']
c = json.load(open('$TMP/err_c.out'))['rows']
assert len(p) == 1 and p[0]['errors'] == 5000 and p[0]['errnos'] == 'ENOENT:5000', p
assert p[0]['container.name'] == 'err-$tag', p
assert len(c) == 1 and c[0]['errors'] == 5000 and c[0]['container.name'] == 'err-$tag', c
print('ok')
" >"$TMP/res" 2>&1
check "errors: exactly 5000 ENOENT for 5000 opens of a missing path, per process and container" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- file bytes: 1048577 bytes written then read back ----------------------------------------------
view io_p -c topprocs_file "proc.name=file_io" || { not_ok "scry starts"; finish; }
view io_c -c topcontainers_file || { not_ok "scry starts"; finish; }
io=$("$DOCKER" run --name "io-$tag" --network none "$IMAGE" /h/file_io /tmp/f 1048577 4096)
vrc="file_io=$?"
set -- $io
wrote=${2:-0} readb=${3:-0}
sleep 0.5
stop_view io_p
stop_view io_c
py "
import json
assert all(x.endswith('=0') for x in '$vrc'.split()), ('an exit status is not 0', '$vrc')
p = json.load(open('$TMP/io_p.out'))['rows']
c = [r for r in json.load(open('$TMP/io_c.out'))['rows'] if r['container.name'] == 'io-$tag']
assert $wrote == 1048577 and $readb == 1048577
assert len(p) == 1 and p[0]['file.write_bytes'] == $wrote and p[0]['file.read_bytes'] == $readb, p
assert len(c) == 1 and c[0]['file.write_bytes'] >= $wrote, c
print('ok')
" >"$TMP/res" 2>&1
check "file bytes: exactly 1048577 written and 1048577 read on a regular file" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- network: the containers and procs views' rates in and out -------------------------------------
# A client container sends K bytes over TCP (loopback, host network) to a server container, which
# reads them to the end and closes: the client's container and process sent K and received
# nothing, the server's received K and sent nothing. A rate times the interval's length (JSON's
# start_ns, end_ns) gives the bytes back, exactly: %.2f of bytes per second over a few seconds is
# off by far less than one byte.
K=1234567 PN=$((46000 + $$ % 1000))
view net_c -c containers "proc.name=net_io" || { not_ok "scry starts"; finish; }
view net_p -c procs "proc.name=net_io" || { not_ok "scry starts"; finish; }
"$DOCKER" run -d --name "nets-$tag" --network host "$IMAGE" /h/net_io serve $PN 1 >/dev/null
i=0
until grep -q ":$(printf '%04X' $PN) .* 0A " /proc/net/tcp || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
got=$("$DOCKER" run --name "netc-$tag" --network host "$IMAGE" /h/net_io tcp 127.0.0.1 $PN $K)
vrc="net_io=$? read=$got"
i=0
until [ "$("$DOCKER" logs "nets-$tag" 2>/dev/null)" = $K ] || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
vrc="$vrc served=$("$DOCKER" logs "nets-$tag" 2>/dev/null)"
sleep 0.5
stop_view net_c
stop_view net_p
# bytes FILE KEY VALUE: "in out" of the one row whose KEY is VALUE, from its rates
bytes() {
	py "
import json
d = json.load(open('$TMP/$1.out'))
secs = (d['end_ns'] - d['start_ns']) / 1e9
rows = [r for r in d['rows'] if str(r['$2']).startswith('$3')]
assert len(rows) == 1, rows
print(round(rows[0]['net.bytes_in_ps'] * secs), round(rows[0]['net.bytes_out_ps'] * secs))
" 2>&1 | tail -1
}
c=$(bytes net_c container.name "netc-$tag") s=$(bytes net_c container.name "nets-$tag")
checkall "containers: the client's container sent $K bytes and received 0, the server's received $K and sent 0 (got $c / $s; $vrc)" \
	'[ "$vrc" = "net_io=0 read=0 served=$K net_c=0 net_p=0" ] && [ "$c" = "0 $K" ] && [ "$s" = "$K 0" ]' ||
	sed 's/^/#   /' "$TMP/net_c.out" | cut -c1-400
c=$(bytes net_p proc.cmdline "net_io tcp") s=$(bytes net_p proc.cmdline "net_io serve")
checkall "procs: net_io tcp sent $K bytes and received 0, net_io serve received $K and sent 0 (got $c / $s)" \
	'[ "$c" = "0 $K" ] && [ "$s" = "$K 0" ]' || sed 's/^/#   /' "$TMP/net_p.out" | cut -c1-400
"$DOCKER" rm -f "nets-$tag" "netc-$tag" >/dev/null

# --- ps: the container's processes, as docker top sees them ------------------------------------------
"$DOCKER" run -d --name "ps-$tag" --network none "$IMAGE" sh -c 'sleep 600 & sleep 601' >/dev/null
sleep 0.5
"$SCRY" -c ps --interval 0 -M 0.5 -j "container.name=ps-$tag" >"$TMP/ps.out" 2>"$TMP/ps.err"
vrc="ps=$?"
"$DOCKER" top "ps-$tag" -o pid,ppid,args >"$TMP/top.raw"
vrc="$vrc top=$?"
tail -n +2 "$TMP/top.raw" | sort >"$TMP/top"
py "
import json
assert all(x.endswith('=0') for x in '$vrc'.split()), ('an exit status is not 0', '$vrc')
rows = json.load(open('$TMP/ps.out'))['rows']
mine = sorted('%d %d %s' % (r['proc.pid'], r['proc.ppid'], r['proc.cmdline']) for r in rows)
top = sorted(' '.join(l.split()) for l in open('$TMP/top'))
assert len(top) >= 2 and mine == top, (mine, top)
print('ok')
" >"$TMP/res" 2>&1
check "ps: the container's processes with pid, ppid and command line, as docker top" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- text tables every interval ------------------------------------------------------------------
# -M 3.5 with 1 s intervals: whole tables of 1 s, each starting where the one before ended by
# their own time stamps, then the last, short one, cut where the events end. Together they span
# at least the 3.5 s traced (50 ms for the last events to come in), since the recording starts
# before the -M clock (as the programs attach), and at most as long as the command ran: 4 tables,
# 5 when setting up took more than half a second.
t0=$(date +%s.%N)
"$SCRY" -c topcontainers_cpu -M 3.5 >"$TMP/tables" 2>"$TMP/tables.err"
rc=$?
t1=$(date +%s.%N)
py "
import math, re
assert $rc == 0, ('scry exited', $rc)
lines = open('$TMP/tables').read().split('\n')
hdr = re.compile(r'--- topcontainers_cpu  (\d\d):(\d\d):(\d\d)\.(\d{3}) - (\d\d):(\d\d):(\d\d)\.(\d{3}) \((\d+\.\d\d) s\)  ')
ms = lambda g: ((int(g[0]) * 60 + int(g[1])) * 60 + int(g[2])) * 1000 + int(g[3])
T = []
for i, l in enumerate(lines):
    if l.startswith('---'):
        m = hdr.match(l)
        assert m, l
        a, b = ms(m.groups()[0:4]), ms(m.groups()[4:8])
        b += 86400000 if b < a else 0
        assert lines[i + 1].split()[:3] == ['CPU%', 'CPU_NS', 'PROCS'], lines[i + 1]
        assert abs((b - a) - 1000 * float(m.group(9))) <= 5, l
        T.append((a, b))
span = T[-1][1] - T[0][0]
assert 3500 - 50 <= span <= 1000 * ($t1 - $t0), (span, $t1 - $t0)
assert len(T) == math.ceil(span / 1000), T
for (a0, b0), (a1, b1) in zip(T, T[1:]):
    assert a1 % 86400000 == b0 % 86400000, ('not contiguous', T)
assert all(b - a == 1000 for a, b in T[:-1]) and 0 < T[-1][1] - T[-1][0] <= 1000, T
print('ok', len(T), span)
" >"$TMP/res" 2>&1
check "text: one table per second for -M 3.5, end to end, the last one short, each with its header ($(tail -1 "$TMP/res"))" \
	grep -q '^ok' "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

"$SCRY" -L topcontainers_cpu >"$TMP/L" 2>&1
rc=$?
py "
import json
assert $rc == 0, ('scry -L exited', $rc)
doc = open('$TMP/L').read()
d = json.load(open('$TMP/cpu_c.out'))
keys = set(d) | set(d['totals']) | {k for r in d['rows'] for k in r}
missing = sorted(k for k in keys if k not in doc)
assert d['rows'] and not missing, missing
print('ok')
" >"$TMP/res" 2>&1
check "-L VIEW documents every JSON key the view writes" grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
out=$("$SCRY" -c nosuchview 2>&1)
rc=$?
checkall "unknown view: one clear line, exit non-zero (rc=$rc)" \
	'[ $rc -ne 0 ] && [ $rc -lt 128 ] && [ "$(printf "%s\n" "$out" | wc -l)" -eq 1 ] && printf "%s\n" "$out" | grep -q "unknown view .nosuchview."' ||
	printf '%s\n' "$out" | sed 's/^/#   /'

# --- each view traces only what it shows ------------------------------------------------------------
# The syscall programs scry has attached, read back from the kernel: the BPF links it holds (the
# link fds in /proc/PID/fdinfo: only this scry's, whatever else runs BPF on the machine), their
# program and tracepoint as bpftool reports them; "prog@tracepoint", sorted.
links() {
	py "
import json, os, re, subprocess
def bt(*a):
    return json.loads(subprocess.run(['bpftool', '-j'] + list(a), capture_output=True, text=True, check=True).stdout)
out = []
for fd in os.listdir('/proc/$1/fd'):
    if os.readlink('/proc/$1/fd/' + fd) != 'anon_inode:bpf_link':
        continue
    m = re.search(r'^link_id:\s*(\d+)', open('/proc/$1/fdinfo/' + fd).read(), re.M)
    l = bt('link', 'show', 'id', m.group(1))
    if l.get('tp_name') in ('sys_enter', 'sys_exit'):
        out.append('%s@%s' % (bt('prog', 'show', 'id', str(l['prog_id']))['name'], l['tp_name']))
print(' '.join(sorted(out)) or 'none')
"
}
# mode VIEW [FILTER]: "LINKS | -v LINE | STATUS" of a view, while it runs. Each its own files:
# start_scry may read a file before the new scry has truncated it.
nmode=0
mode() {
	nmode=$((nmode + 1))
	start_scry "$TMP/mode$nmode.out" "$TMP/mode$nmode.err" --interval 0 -c "$@" ||
		{ stop_scry KILL; echo "did not start"; return; }
	l=$(links "$SCRY_PID")
	stop_scry INT
	rc=$?
	echo "$l | $(sed -n 's/^scry: syscalls: //p' "$TMP/mode$nmode.err") | $rc"
}
both="scry_sys_enter@sys_enter scry_sys_exit@sys_exit"
for m in "topcontainers_cpu|none | not traced (the output needs none) | 0" \
	"topprocs_syscalls|scry_sys_exit@sys_exit | exits only (the output needs no latency) | 0" \
	"topcontainers_file|scry_sys_exit@sys_exit | exits only (the output needs no latency) | 0" \
	"topscalls|$both | enters and exits | 0" \
	"topprocs_syscalls evt.dir=>|$both | enters and exits | 0"; do
	args=${m%%|*} want=${m#*|}
	mode $args >"$TMP/mode"	# not in a subshell: the cleanup knows its scry
	got=$(cat "$TMP/mode")
	check "-c $args attaches, as bpftool sees it, and says: $want" [ "$got" = "$want" ] || echo "#   got: $got"
done
finish
