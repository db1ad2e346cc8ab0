#!/bin/sh
# Views against independent truth: CPU time against the container's cgroup (cpu.stat
# usage_usec, cpuacct.usage on v1) and the process's schedstat; syscall counts against strace -c;
# errors and file bytes against what the helpers did; per-process figures adding up to the
# container's; ps against docker top.
. tests/lib/common.sh
plan 9
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
tag=$$
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)

# view NAME OUT ERR ARGS...: a view over the whole run, as JSON, in the background.
view() {
	n=$1; shift
	start_scry "$TMP/$n.out" "$TMP/$n.err" --interval 0 -j "$@" || return 1
	eval "PID_$n=\$SCRY_PID"
	SCRY_PID=
}
stop_view() { eval "kill -INT \$PID_$1; wait \$PID_$1"; }

# --- CPU: a 5 s busy loop in a container, preempted by two hogs -----------------------------------
"$DOCKER" run -d --name "hog1-$tag" --network none "$IMAGE" sh -c 'while :; do :; done' >/dev/null
"$DOCKER" run -d --name "hog2-$tag" --network none "$IMAGE" sh -c 'while :; do :; done' >/dev/null
view cpu_c -c topcontainers_cpu || { not_ok "scry starts"; finish; }
view cpu_p -c topprocs_cpu "container.name=cpu-$tag" || { not_ok "scry starts"; finish; }
"$DOCKER" run -d --name "cpu-$tag" --network none "$IMAGE" sh -c '/h/busy_loop 5; sleep 600' >/dev/null
i=0
until "$DOCKER" logs "cpu-$tag" 2>/dev/null | grep -q .; do i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.1; done
set -- $("$DOCKER" logs "cpu-$tag")
loop_pid=$1 loop_ns=$4
init=$("$DOCKER" inspect -f '{{.State.Pid}}' "cpu-$tag")
path=$(sed -n 's/^0:://p' "/proc/$init/cgroup")
usage_ns=$(( $(awk '$1 == "usage_usec" { print $2 }' "$cg2$path/cpu.stat") * 1000 ))
v1path=$(awk -F: '$2 ~ /(^|,)cpuacct(,|$)/ { print $3 }' "/proc/$init/cgroup")
v1_ns=$(cat "/sys/fs/cgroup/cpuacct$v1path/cpuacct.usage" 2>/dev/null || echo 0)
sleep 0.5
stop_view cpu_c
stop_view cpu_p
"$DOCKER" rm -f "hog1-$tag" "hog2-$tag" >/dev/null
py "
import json
c = json.load(open('$TMP/cpu_c.out'))
row = [r for r in c['rows'] if r['container.name'] == 'cpu-$tag']
assert len(row) == 1, c
scry = row[0]['cpu.ns']
print('# container: scry %d ns, cgroup v2 usage_usec %d ns, cgroup v1 cpuacct.usage %d ns' % (scry, $usage_ns, $v1_ns))
assert $usage_ns > 1.5e9, $usage_ns  # 5 s of spinning against two hogs on two CPUs
# The issue asks for 3%; the scheduler's own accounting is exact, so hold it to 0.1%.
assert abs(scry - $usage_ns) <= 0.001 * $usage_ns, (scry, $usage_ns)
if $v1_ns:
    assert abs(scry - $v1_ns) <= 0.001 * $v1_ns, (scry, $v1_ns)
p = json.load(open('$TMP/cpu_p.out'))
loop = [r for r in p['rows'] if r['proc.name'] == 'busy_loop']
assert len(loop) == 1, p
print('# busy_loop process: scry %d ns, its schedstat %d ns' % (loop[0]['cpu.ns'], $loop_ns))
assert abs(loop[0]['cpu.ns'] - $loop_ns) <= 0.001 * $loop_ns, (loop[0], $loop_ns)
total = sum(r['cpu.ns'] for r in p['rows'])
assert abs(total - scry) <= 0.001 * scry, ('processes add up to the container', total, scry)
print('ok')
" >"$TMP/res" 2>&1
grep '^#' "$TMP/res"
check "CPU under contention: container within 0.1% of its cgroup's cpu.stat and cpuacct.usage, process within 0.1% of schedstat, processes add up" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- syscalls: dd bs=1 count=100000, against strace -c ---------------------------------------------
view sc_t -c topscalls "container.name=dd-$tag and proc.name=dd" || { not_ok "scry starts"; finish; }
view sc_p -c topprocs_syscalls "container.name=dd-$tag" || { not_ok "scry starts"; finish; }
view sc_c -c topcontainers_syscalls || { not_ok "scry starts"; finish; }
"$DOCKER" run --name "dd-$tag" --network none "$IMAGE" dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null
sleep 0.5
stop_view sc_t
stop_view sc_p
stop_view sc_c
strace -f -c -o "$TMP/strace" busybox dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null
py "
import json
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
sleep 0.5
stop_view err_p
stop_view err_c
py "
import json
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
set -- $("$DOCKER" run --name "io-$tag" --network none "$IMAGE" /h/file_io /tmp/f 1048577 4096)
wrote=$2 readb=$3
sleep 0.5
stop_view io_p
stop_view io_c
py "
import json
p = json.load(open('$TMP/io_p.out'))['rows']
c = [r for r in json.load(open('$TMP/io_c.out'))['rows'] if r['container.name'] == 'io-$tag']
assert $wrote == 1048577 and $readb == 1048577
assert len(p) == 1 and p[0]['file.write_bytes'] == $wrote and p[0]['file.read_bytes'] == $readb, p
assert len(c) == 1 and c[0]['file.write_bytes'] >= $wrote, c
print('ok')
" >"$TMP/res" 2>&1
check "file bytes: exactly 1048577 written and 1048577 read on a regular file" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- ps: the container's processes, as docker top sees them ------------------------------------------
"$DOCKER" run -d --name "ps-$tag" --network none "$IMAGE" sh -c 'sleep 600 & sleep 601' >/dev/null
sleep 0.5
"$SCRY" -c ps --interval 0 -M 0.5 -j "container.name=ps-$tag" >"$TMP/ps.out" 2>/dev/null
"$DOCKER" top "ps-$tag" -o pid,ppid,args | tail -n +2 | sort >"$TMP/top"
py "
import json
rows = json.load(open('$TMP/ps.out'))['rows']
mine = sorted('%d %d %s' % (r['proc.pid'], r['proc.ppid'], r['proc.cmdline']) for r in rows)
top = sorted(' '.join(l.split()) for l in open('$TMP/top'))
assert mine == top, (mine, top)
print('ok')
" >"$TMP/res" 2>&1
check "ps: the container's processes with pid, ppid and command line, as docker top" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- text tables every interval ------------------------------------------------------------------
"$SCRY" -c topcontainers_cpu -M 3.5 >"$TMP/tables" 2>/dev/null
check "text: one table per second, each with its header" [ "$(grep -c '^--- topcontainers_cpu ' "$TMP/tables")" -ge 3 ]
check "-L VIEW documents the JSON keys" sh -c "'$SCRY' -L topcontainers_cpu | grep -q 'cpu.pct'"
out=$("$SCRY" -c nosuchview 2>&1)
rc=$?
checkall "unknown view: one clear line, exit non-zero (rc=$rc)" \
	'[ $rc -ne 0 ] && [ "$(printf "%s\n" "$out" | wc -l)" -eq 1 ] && printf "%s\n" "$out" | grep -q "unknown view .nosuchview."' ||
	printf '%s\n' "$out" | sed 's/^/#   /'

# --- each view traces only what it shows ------------------------------------------------------------
mode() { "$SCRY" -v -M 0.3 -c "$@" 2>&1 >/dev/null | sed -n 's/^scry: syscalls: //p'; }
checkall "CPU views trace no syscalls, count/error/file views only their exits, topscalls both" \
	'[ "$(mode topcontainers_cpu)" = "not traced (the output needs none)" ] &&
	 [ "$(mode topprocs_syscalls)" = "exits only (the output needs no latency)" ] &&
	 [ "$(mode topcontainers_file)" = "exits only (the output needs no latency)" ] &&
	 [ "$(mode topscalls)" = "enters and exits" ] &&
	 [ "$(mode topprocs_syscalls evt.dir=">")" = "enters and exits" ]'
finish
