#!/bin/sh
# What a container's cgroup says of it, beside the traced figures, against the cgroup files read
# by the test itself (the layout of this host: v1 controllers and cgroup2, or cgroup2 alone):
# (a) throttling of a --cpus 0.2 busy loop: scry's last reading equals cpu.stat's throttled
#     periods and time once the loop is over, its interval deltas add up to the growth between
#     its first and last readings, the limit is 0.20, and its CPU time equals the cgroup's usage
#     and is 20% of a CPU in every interval throttled throughout; pressure figures are there
#     exactly where the container's cgroup2 directory has them;
# (b) memory: a container that writes an 8 MiB file (inactive page cache), then touches 64 MiB,
#     shows usage rising by 64 MiB (plus page tables and the helper's pages, less the shell its
#     exec replaced) exactly as the cgroup's did; quiet readings equal the cgroup's usage and
#     working set (usage - inactive file), with its limit, also attributed by a v1 hierarchy;
# (c) an OOM kill under --memory 32m: one oomkill event naming the process (comm, host pid) and
#     the container, in text and JSON, counted by topcontainers_mem;
# (e) the capture of (c) replays the same event, and the view's count; cgroup figures are absent
#     ("null") on replay, never 0.
# (d), the parsers on hostile text, is tests/unit/test_cgstat.c. Hung tasks: the program is
# attached (khungtaskd waits kernel.hung_task_timeout_secs, a machine-wide setting left alone).
. tests/lib/common.sh
plan 17
. tests/lib/docker.sh
tag=$$
IV=0.5

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }

# cg PID: the cgroup readings of PID's container, in scry's units, as JSON (v2 where the
# controller is on cgroup2, else v1).
cg() {
	py "
import json, os
pid = $1
lines = [l.rstrip('\n').split(':', 2) for l in open('/proc/%d/cgroup' % pid)]
v1 = {c: p for _, cs, p in lines for c in cs.split(',') if c}
v2 = [p for h, cs, p in lines if h == '0' and cs == '']
mounts = {}
for l in open('/proc/self/mountinfo'):
    f = l.split()
    fs = f[f.index('-') + 1]
    opts = f[f.index('-') + 3].split(',')
    if fs == 'cgroup2':
        mounts['v2'] = f[4]
    elif fs == 'cgroup':
        for o in opts:
            mounts.setdefault(o, f[4])
def kv(path):
    try:
        return dict(l.split() for l in open(path))
    except OSError:
        return {}
def one(path):
    try:
        return open(path).read().split()
    except OSError:
        return None
r = {}
d2 = mounts['v2'] + v2[0] if 'v2' in mounts and v2 else None
c2 = kv(d2 + '/cpu.stat') if d2 else {}
if 'nr_throttled' in c2:
    r['throttled'] = int(c2['nr_throttled'])
    r['throttled_ns'] = int(c2['throttled_usec']) * 1000
    r['usage_ns'] = int(c2['usage_usec']) * 1000
else:
    c1 = kv(mounts['cpu'] + v1['cpu'] + '/cpu.stat')
    r['throttled'] = int(c1['nr_throttled'])
    r['throttled_ns'] = int(c1['throttled_time'])
    r['usage_ns'] = int(one(mounts['cpuacct'] + v1['cpuacct'] + '/cpuacct.usage')[0])
r['psi'] = bool(d2 and os.path.exists(d2 + '/cpu.pressure'))
m = one(d2 + '/memory.current') if d2 else None
if m:
    r['mem'] = int(m[0])
    r['inactive'] = int(kv(d2 + '/memory.stat')['inactive_file'])
else:
    base = mounts['memory'] + v1['memory']
    r['mem'] = int(one(base + '/memory.usage_in_bytes')[0])
    r['inactive'] = int(kv(base + '/memory.stat')['total_inactive_file'])
print(json.dumps(r))
"
}

# rows FILE NAME: the rows of container NAME in a view's JSON documents, one per line, with the
# document's seconds.
rows() {
	py "
import json
for l in open('$1'):
    d = json.loads(l)
    for r in d['rows']:
        if r.get('container.name') == '$2':
            r['seconds'] = d['seconds']
            print(json.dumps(r))
"
}

# --- (a) throttling ------------------------------------------------------------------------------
thr=scrythr-$tag
start_scry "$TMP/thr.json" "$TMP/thr.err" -c topcontainers_throttle -j --interval $IV --top 100 ||
	{ not_ok "scry -c topcontainers_throttle starts"; finish; }
"$DOCKER" run -d --name "$thr" --cpus 0.2 --network none "$IMAGE" \
	sh -c '/h/busy_loop 3; sleep 600' >/dev/null
thr_pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$thr")
i=0
until [ -n "$("$DOCKER" logs "$thr" 2>/dev/null)" ] || [ $i -gt 200 ]; do sleep 0.1; i=$((i + 1)); done
# The loop is over: the counters stand still. Readings for three more intervals, then the truth.
sleep 2
cg "$thr_pid" >"$TMP/thr.truth"
stop_scry INT
rows "$TMP/thr.json" "$thr" >"$TMP/thr.rows"
echo "# truth: $(cat "$TMP/thr.truth"); busy_loop: $("$DOCKER" logs "$thr")"
py "
import json
t = json.load(open('$TMP/thr.truth'))
rows = [json.loads(l) for l in open('$TMP/thr.rows')]
last = [r for r in rows if r['cpu.throttled_periods_total'] is not None][-1]
assert t['throttled'] > 0, t
assert last['cpu.throttled_periods_total'] == t['throttled'], (last, t)
assert last['cpu.throttled_ns_total'] == t['throttled_ns'], (last, t)
print('ok')
" >"$TMP/res" 2>&1
check "throttling: scry's last reading equals the cgroup's nr_throttled and throttled time" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
py "
import json
rows = [json.loads(l) for l in open('$TMP/thr.rows')]
read = [r for r in rows if r['cpu.throttled_periods_total'] is not None]
d = [r for r in rows if r['cpu.throttled_periods'] is not None]
sp = sum(r['cpu.throttled_periods'] for r in d)
sn = sum(r['cpu.throttled_ns'] for r in d)
assert len(d) == len(read) - 1, (len(d), len(read))
assert sp == read[-1]['cpu.throttled_periods_total'] - read[0]['cpu.throttled_periods_total'], sp
assert sn == read[-1]['cpu.throttled_ns_total'] - read[0]['cpu.throttled_ns_total'], sn
assert sp > 0 and sn > 0, (sp, sn)
print('ok %d periods, %d ns over %d intervals' % (sp, sn, len(d)))
" >"$TMP/res" 2>&1
checkall "throttling: the intervals' periods and time add up to the growth between readings" \
	'grep -q "^ok" "$TMP/res"' && sed 's/^/# /' "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
py "
import json
rows = [json.loads(l) for l in open('$TMP/thr.rows')]
lim = [r['cpu.limit'] for r in rows]
assert lim and all(l == 0.2 for l in lim), lim
# Throttled in every period of the interval: 20 ms of each 100 ms period, give or take the one
# period each end of the interval cuts (0.5 s: 5 periods, 100 +- 20 ms). An interval the loop
# began or ended in has fewer periods than its length holds (cpu.stat counts only the periods
# in which the group ran): it says nothing of the rate.
full = [r for r in rows if r['cpu.throttled_pct'] == 100 and
        r['cpu.throttled_periods'] >= round(r['seconds'] * 10) - 1]
assert len(full) >= 3, [(r['cpu.throttled_periods'], r['cpu.throttled_pct']) for r in rows]
for r in full:
    assert 16 <= r['cpu.pct'] <= 24, r
    assert abs(r['cpu.pct_limit'] - r['cpu.pct'] / 0.2) <= 0.06, r
print('ok %s' % [r['cpu.pct'] for r in full])
" >"$TMP/res" 2>&1
checkall "limit 0.20 CPUs in every row; intervals throttled throughout run at 20% (16-24) of a CPU, 100% of the limit" \
	'grep -q "^ok" "$TMP/res"' && sed 's/^/# /' "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
py "
import json
t = json.load(open('$TMP/thr.truth'))
rows = [json.loads(l) for l in open('$TMP/thr.rows')]
ns = sum(r['cpu.pct'] * r['seconds'] * 1e7 for r in rows)
assert abs(ns - t['usage_ns']) <= 0.01 * t['usage_ns'], (ns, t['usage_ns'])
print('ok %.0f ns, cgroup %d ns' % (ns, t['usage_ns']))
" >"$TMP/res" 2>&1
checkall "CPU: the container's intervals add up to the cgroup's usage within 1%" \
	'grep -q "^ok" "$TMP/res"' && sed 's/^/# /' "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
py "
import json
t = json.load(open('$TMP/thr.truth'))
rows = [json.loads(l) for l in open('$TMP/thr.rows')]
keys = ('psi.cpu_some_avg10', 'psi.memory_some_avg10', 'psi.io_some_avg10')
for r in rows:
    for k in keys:
        # present where the cgroup2 directory has the files, a share of time
        assert (r[k] is not None) == t['psi'] and (r[k] is None or 0 <= r[k] <= 100), (k, r, t)
print('ok psi %s, cpu %s' % (t['psi'], [r['psi.cpu_some_avg10'] for r in rows]))
" >"$TMP/res" 2>&1
checkall "pressure: cpu, memory and io avg10 present exactly where the cgroup2 directory has them, 0-100" \
	'grep -q "^ok" "$TMP/res"' && sed 's/^/# /' "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- (b) memory ----------------------------------------------------------------------------------
mem=scrymem-$tag
"$DOCKER" run -d --name "$mem" --memory 256m --network none "$IMAGE" \
	sh -c 'dd if=/dev/zero of=/tmp/f bs=1M count=8 2>/dev/null && busybox mkfifo /tmp/go &&
	       read x </tmp/go && exec /h/mem_hog 64' >/dev/null
mem_pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$mem")
start_scry "$TMP/mem.json" "$TMP/mem.err" -c topcontainers_mem -j --interval $IV --top 100 ||
	{ not_ok "scry -c topcontainers_mem starts"; finish; }
# quiet(): the container's memory readings, once they stood still across two of scry's
# intervals (a few tries: docker's exec leaves some of its kernel memory behind for a while).
quiet() {
	for _ in 1 2 3 4 5; do
		cg "$mem_pid" | py "import json, sys; d = json.load(sys.stdin); print(d['mem'], d['inactive'])" >"$TMP/q1"
		sleep 1.2
		cg "$mem_pid" >"$TMP/q2"
		py "import json; print(*(json.load(open('$TMP/q2'))[k] for k in ('mem', 'inactive')))" |
			cmp -s - "$TMP/q1" && return 0
	done
	return 1
}
sleep 1
quiet && mv "$TMP/q2" "$TMP/before"
"$DOCKER" exec "$mem" sh -c 'echo go >/tmp/go'
i=0
until [ -n "$("$DOCKER" logs "$mem" 2>/dev/null)" ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
quiet && mv "$TMP/q2" "$TMP/after"
stop_scry INT
rows "$TMP/mem.json" "$mem" >"$TMP/mem.rows"
# Attributed through a v1 hierarchy (as on a host without cgroup2): the same files, by the same
# path in each hierarchy.
"$SCRY" --cgroup-v1 memory -c topcontainers_mem -j --interval $IV --top 100 -M 2 \
	>"$TMP/memv1.json" 2>"$TMP/memv1.err"
cg "$mem_pid" >"$TMP/v1truth"
rows "$TMP/memv1.json" "$mem" >"$TMP/memv1.rows"
echo "# before: $(cat "$TMP/before" 2>/dev/null); after: $(cat "$TMP/after" 2>/dev/null)"
py "
import json
b, a = json.load(open('$TMP/before')), json.load(open('$TMP/after'))
rows = [json.loads(l) for l in open('$TMP/mem.rows')]
seen_b = [r for r in rows if r['mem.usage_bytes'] == b['mem']]
seen_a = [r for r in rows if r['mem.usage_bytes'] == a['mem']]
assert seen_b and seen_a, ([r['mem.usage_bytes'] for r in rows], b, a)
# the file it wrote first is page cache on the inactive list: the working set leaves it out
assert b['inactive'] > 0 and a['inactive'] > 0, (b, a)
for r, t in ((seen_b[-1], b), (seen_a[-1], a)):
    assert r['mem.working_set_bytes'] == max(t['mem'] - t['inactive'], 0), (r, t)
grow = seen_a[-1]['mem.usage_bytes'] - seen_b[-1]['mem.usage_bytes']
assert grow == a['mem'] - b['mem'], (grow, a, b)
# 64 MiB touched, plus its page tables and the helper's pages, minus the shell's that its exec
# freed (busybox, under 1 MiB)
assert (63 << 20) <= grow <= (68 << 20), grow
print('ok usage %d -> %d: +%.2f MiB' % (b['mem'], a['mem'], grow / 1048576))
" >"$TMP/res" 2>&1
checkall "memory: quiet readings equal the cgroup's usage and working set; +64 MiB (-1, +4)" \
	'grep -q "^ok" "$TMP/res"' && sed 's/^/# /' "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
py "
import json
rows = [json.loads(l) for l in open('$TMP/mem.rows')]
assert rows and all(r['mem.limit_bytes'] == 256 << 20 for r in rows), rows[:1]
for r in rows:
    assert abs(r['mem.pct_limit'] - 100.0 * r['mem.working_set_bytes'] / (256 << 20)) <= 0.005, r
print('ok')
" >"$TMP/res" 2>&1
check "memory: limit 256 MiB, working set as % of it" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -3
py "
import json
a, t = json.load(open('$TMP/after')), json.load(open('$TMP/v1truth'))
rows = [json.loads(l) for l in open('$TMP/memv1.rows')]
assert a['mem'] == t['mem'], ('not quiet', a, t)
assert rows and rows[-1]['mem.usage_bytes'] == t['mem'], (rows, t)
assert rows[-1]['mem.limit_bytes'] == 256 << 20, rows[-1]
print('ok')
" >"$TMP/res" 2>&1
check "memory with --cgroup-v1 memory: the same usage and limit" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -3

# --- (c) an OOM kill ---------------------------------------------------------------------------
oom=scryoom-$tag
cap="$TMP/oom.scry"
start_scry "$TMP/oom.json" "$TMP/oom.err" -j "evt.type=oomkill" || { not_ok "scry -j starts"; finish; }
J_PID=$SCRY_PID
EXTRA_CLEANUP="kill -KILL $J_PID 2>/dev/null; $EXTRA_CLEANUP"
start_scry "$TMP/oomv.json" "$TMP/oomv.err" -c topcontainers_mem -j --interval 0 --top 100 ||
	{ not_ok "scry -c topcontainers_mem starts"; finish; }
V_PID=$SCRY_PID
EXTRA_CLEANUP="kill -KILL $V_PID 2>/dev/null; $EXTRA_CLEANUP"
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$cap" || { not_ok "scry -w starts"; finish; }
"$DOCKER" run -d --name "$oom" --memory 32m --memory-swap 32m --network none "$IMAGE" \
	sh -c 'busybox mkfifo /tmp/go && read x </tmp/go && exec /h/mem_hog 64' >/dev/null
oom_pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$oom")
"$DOCKER" exec "$oom" sh -c 'echo go >/tmp/go'
i=0
while [ "$("$DOCKER" inspect -f '{{.State.Running}}' "$oom")" = true ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
killed=$("$DOCKER" inspect -f '{{.State.OOMKilled}}' "$oom")
sleep 0.5
stop_scry INT
SCRY_PID=$J_PID stop_scry INT
SCRY_PID=$V_PID stop_scry INT
echo "# docker says OOMKilled=$killed, pid $oom_pid"
check "docker says the container was OOM-killed" [ "$killed" = true ]
# oomkill JSON: victim named by comm, host pid and container; its RSS at the kill near the limit
oom_check() {
	py "
import json, re
ev = [json.loads(l) for l in open('$1')]
ev = [e for e in ev if e['evt.type'] == 'oomkill']
assert len(ev) == 1, ev
e = ev[0]
assert e['proc.name'] == 'mem_hog' and e['proc.pid'] == $oom_pid, e
assert e['container.name'] == '$oom', e
rss = int(re.search(r'rss_kb=(\d+)', e['evt.info']).group(1))
# at most the limit, and the helper's own file pages (static, < 1 MiB) that the image's
# import may have charged to another cgroup first
assert 24 << 10 <= rss <= 33 << 10, rss
assert 'victim=$oom_pid ' in e['evt.info'], e
print('ok', e['evt.info'])
"
}
oom_check "$TMP/oom.json" >"$TMP/res" 2>&1
checkall "one oomkill event: mem_hog, pid $oom_pid, container $oom, RSS 24-33 MiB (-j)" \
	'grep -q "^ok" "$TMP/res"' && sed 's/^/# /' "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
"$SCRY" -r "$cap" -p '%evt.type %proc.name %proc.pid %container.name' evt.type=oomkill \
	>"$TMP/oom.txt" 2>"$TMP/oom.txterr"
check "replayed text: one line 'oomkill mem_hog $oom_pid $oom'" \
	[ "$(cat "$TMP/oom.txt")" = "oomkill mem_hog $oom_pid $oom" ] || sed 's/^/#   /' "$TMP/oom.txt"
"$SCRY" -r "$cap" -j evt.type=oomkill >"$TMP/oomr.json" 2>/dev/null
oom_check "$TMP/oomr.json" >"$TMP/res" 2>&1
check "replayed JSON: the same oomkill event" grep -q "^ok" "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -3
# Each tracer numbers events from its own start and reads the clock in its own program.
check "replayed: the event equals the live one field by field (but its number and time)" \
	py "
import json
a, b = ({k: v for k, v in json.loads(open(f).readline()).items()
         if k != 'evt.num' and 'time' not in k} for f in ('$TMP/oom.json', '$TMP/oomr.json'))
assert a == b, (a, b)
"
rows "$TMP/oomv.json" "$oom" >"$TMP/oomv.rows"
check "topcontainers_mem: 1 OOM kill for $oom (live)" \
	py "import json; r = [json.loads(l) for l in open('$TMP/oomv.rows')]; assert sum(x['mem.oom_kills'] for x in r) == 1, r"
"$SCRY" -r "$cap" -c topcontainers_mem -j --interval 0 --top 100 >"$TMP/oomvr.json" 2>/dev/null
rows "$TMP/oomvr.json" "$oom" >"$TMP/oomvr.rows"
check "topcontainers_mem replayed: 1 OOM kill for $oom, memory figures null (no cgroup to read)" \
	py "
import json
r = [json.loads(l) for l in open('$TMP/oomvr.rows')]
assert sum(x['mem.oom_kills'] for x in r) == 1, r
assert all(x['mem.usage_bytes'] is None and x['mem.limit_bytes'] is None for x in r), r
"
# Hung tasks: khungtaskd reports only after kernel.hung_task_timeout_secs (a machine-wide
# setting this test leaves alone); that the program is attached is what can be checked here.
"$SCRY" -M 3 evt.type=hungtask >/dev/null 2>&1 &
hp=$!
i=0
until [ $i -gt 50 ] || py "
import glob, json, re, subprocess, sys
ids = set()
for f in glob.glob('/proc/$hp/fdinfo/*'):
    m = re.search(r'^link_id:\\s*(\\d+)', open(f).read(), re.M)
    if m: ids.add(int(m.group(1)))
def bt(*a): return json.loads(subprocess.run(['bpftool', '-j'] + list(a), capture_output=True, text=True).stdout)
progs = {p['id']: p.get('name', '?') for p in bt('prog', 'show')}
got = {'%s:%s' % (l.get('tp_name', '?'), progs.get(l.get('prog_id'), '?'))
       for l in bt('link', 'show') if l['id'] in ids}
sys.exit(not {'sched_process_hang:scry_hung_task', 'mark_victim:scry_oom_victim'} <= got)
" 2>/dev/null; do i=$((i + 1)); sleep 0.1; done
kill -INT $hp 2>/dev/null; wait_pid $hp 10 >/dev/null
check "the hung-task and OOM programs are attached (sched_process_hang, mark_victim)" [ $i -le 50 ]
check "no warning from the live runs" \
	sh -c "! grep -h warning '$TMP/thr.err' '$TMP/mem.err' '$TMP/oom.err' '$TMP/oomv.err' '$TMP/rec.err'" ||
	grep -h warning "$TMP/thr.err" "$TMP/mem.err" "$TMP/oom.err" | sed 's/^/#   /'
finish
