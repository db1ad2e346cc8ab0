#!/bin/sh
# Run-queue wait, off-CPU time and page faults against the kernel's own figures:
# (a) three containers spinning on CPU 0: each container's wait equals the sum of its tasks'
#     schedstat run_delay (read while the spinners are stopped, so that it cannot move), each
#     spinner's its own, and the container's CPU its cgroup's cpu.stat usage. The spinners start
#     together once every container is up: runc's init threads, which exit at its exec and take
#     their run_delay with them, must not wait behind them;
# (b) 25 nanosleeps of 80 ms, and 25 pipe reads answered after 80 ms, show the time the helper
#     spent off its CPU in those calls (their time less its CPU time in them) as sleep off-CPU
#     time (SCHED_FIFO, so that no other work on the machine preempts them inside the calls);
# (c) a process that touches 64 MiB shows the minor and major faults of its /proc/PID/stat
#     (read while it is stopped);
# (d) a capture of all of it replays to the same figures.
. tests/lib/common.sh
plan 10
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
tag=$$
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
W="$HELPERS/sched_wait"

TOUCH=
EXTRA_CLEANUP='[ -n "$VIEWS" ] && kill -KILL $VIEWS 2>/dev/null; [ -n "$TOUCH" ] && kill -KILL $TOUCH 2>/dev/null; docker_cleanup'
J="--interval 0 -j --top 1000"

# state PID: the one-letter state of /proc/PID/stat (after the comm, which may hold blanks)
state() { sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null; }
# until_stopped PID...: each in state T (stopped), 60 s at most
until_stopped() {
	for p; do
		i=0
		while [ "$(state "$p")" != T ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	done
}
# measure: per container, its threads, the sum of their run_delay, its spinner's, usage_usec
measure() {
	while read -r name path spin; do
		rd=0
		for t in $(cat "$cg2$path/cgroup.threads"); do
			rd=$((rd + $(awk '{ print $2 }' "/proc/$t/schedstat")))
		done
		echo "$name $(sort -n "$cg2$path/cgroup.threads" | tr '\n' ,) $rd" \
			"$(awk '{ print $2 }' "/proc/$spin/schedstat") $spin" \
			"$(awk '$1 == "usage_usec" { print $2 }' "$cg2$path/cpu.stat")"
	done <"$TMP/ctrs"
}

# --- (a) three spinners on one CPU --------------------------------------------------------------
# The window both measure: from before scry starts until the spinners have stopped. The containers
# are up before it (runc's init threads exit at its exec, taking their run_delay with them), their
# spinners blocked opening a FIFO until scry runs: nothing in them waits for a CPU meanwhile.
mkdir -p "$TMP/g"
mkfifo "$TMP/g/go"
for n in 1 2 3; do
	"$DOCKER" run -d --name "w$n-$tag" --network none --cpuset-cpus 0 -v "$TMP/g:/g" "$IMAGE" \
		sh -c '/h/sched_wait spin 3 /g/go; true' >/dev/null
done
: >"$TMP/ctrs"
for n in 1 2 3; do
	init=$("$DOCKER" inspect -f '{{.State.Pid}}' "w$n-$tag")
	path=$(sed -n 's/^0:://p' "/proc/$init/cgroup")
	spin=
	i=0
	while [ -z "$spin" ] && [ $i -lt 100 ]; do
		for p in $(cat "$cg2$path/cgroup.procs"); do
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" = sched_wait ] && spin=$p
		done
		i=$((i + 1)); [ -z "$spin" ] && sleep 0.1
	done
	echo "w$n-$tag $path $spin" >>"$TMP/ctrs"
done
for p in $(awk '{ print $3 }' "$TMP/ctrs"); do
	i=0
	while [ "$(state "$p")" != S ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
done
measure >"$TMP/t0"

view cpu $J -c topcontainers_cpu || { not_ok "scry starts"; finish; }
view wc $J -c topcontainers_wait || { not_ok "scry starts"; finish; }
# No filter by name: a child's wait before its exec is the sh's it was then.
view wp $J -c topprocs_wait || { not_ok "scry starts"; finish; }
view fp $J -c topprocs_faults || { not_ok "scry starts"; finish; }
view cap -w "$TMP/cap.scry" || { not_ok "scry -w starts"; finish; }

exec 9<>"$TMP/g/go"	# a writer: the spinners' opens return
until_stopped $(awk '{ print $3 }' "$TMP/ctrs")
# The shells wake once as their child stops (SIGCHLD): let them go back to sleep.
sleep 0.5
exec 9>&-
measure >"$TMP/t1"
# name, threads the same at both ends (else empty), run_delay growth of the container's threads
# and of its spinner, the spinner, usage growth in us
# (%.0f: numbers past 2^31 in full, not as 2.1e+09)
join "$TMP/t0" "$TMP/t1" | awk '{ printf "%s %s %.0f %.0f %s %.0f\n", $1, ($2 == $7 ? $2 : ""),
	$8 - $3, $9 - $4, $5, $11 - $6 }' \
	>"$TMP/truth_a"
sed 's/^/# (a) name, threads, their run_delay, the spinner'"'"'s, its pid, usage_usec: /' "$TMP/truth_a"

# --- (b) sleeping and blocked on a pipe; (c) faults ---------------------------------------------
"$W" sleep 25 80 >"$TMP/sleep.out" &
sp=$!
"$W" pipe 25 80 >"$TMP/pipe.out" &
pp=$!
"$W" touch 64 >"$TMP/touch.out" &
TOUCH=$!
wait_pid $sp 60; wait_pid $pp 60
until_stopped $TOUCH
set -- $(sed 's/.*) //' "/proc/$TOUCH/stat")
# after the comm: state is field 3, minflt 10, majflt 12
minflt=$8 majflt=${10}
echo "# (b) sleep: $(cat "$TMP/sleep.out"); pipe: $(cat "$TMP/pipe.out"); (c) touch $TOUCH: minflt $minflt majflt $majflt"
sleep 0.3
vrc=
for v in cpu wc wp fp cap; do stop_view $v; done
kill -KILL $TOUCH; wait_pid $TOUCH 10; TOUCH=

cat >"$TMP/check.py" <<'EOF'
import json, sys
tmp, vrc, touch, minflt, majflt, pre = sys.argv[1:7]
whats = sys.argv[7:]
assert all(x.endswith('=0') for x in vrc.split()), ('an exit status is not 0', vrc)
def load(name):
    return json.load(open('%s/%s%s.out' % (tmp, pre, name)))
truth = [l.split() for l in open(tmp + '/truth_a')]
assert len(truth) == 3 and all(len(t) == 6 for t in truth), ('threads changed, or unread', truth)
truth = [(t[0],) + tuple(t[2:]) for t in truth]
def crow(v, name):
    r = [r for r in v['rows'] if r.get('container.name') == name]
    assert len(r) == 1, (name, v)
    return r[0]
def prow(v, pid):
    r = [r for r in v['rows'] if r.get('proc.pid') == int(pid)]
    assert len(r) == 1, (pid, v)
    return r[0]
wc, wp, fp = load('wc'), load('wp'), load('fp')
cpu = load('cpu') if 'ctr_cpu' in whats else None
for what in whats:
    if what == 'ctr_wait':
        for name, rd, srd, spid, usage in truth:
            w = crow(wc, name)['wait.ns']
            print('# %s: scry wait %d ns, schedstat run_delay %s ns' % (name, w, rd))
            # The issue asks for 0.5%; both are the scheduler's counter: held to the ns.
            assert int(rd) > 0.5e9 and w == int(rd), (name, w, rd)
    elif what == 'proc_wait':
        for name, rd, srd, spid, usage in truth:
            w = prow(wp, spid)['wait.ns']
            print('# spinner %s: scry wait %d ns, schedstat run_delay %s ns' % (spid, w, srd))
            assert int(srd) > 0.5e9 and w == int(srd), (spid, w, srd)
    elif what == 'ctr_cpu':
        for name, rd, srd, spid, usage in truth:
            c = crow(cpu, name)['cpu.ns']
            print('# %s: scry CPU %d ns, cpu.stat usage %s us' % (name, c, usage))
            assert int(usage) > 0.3e6 and abs(c - int(usage) * 1000) <= 0.001 * int(usage) * 1000
    elif what == 'hist':
        for name, rd, srd, spid, usage in truth:
            r = crow(wc, name)
            h = r['wait.hist']
            assert h['sum'] == r['wait.ns'] and h['n'] == sum(b[2] for b in h['buckets']) > 0, r
            assert all(lo <= h['max'] for lo, hi, n in h['buckets']), h
            assert 0 < r['wait.p50_ns'] <= r['wait.p99_ns'] <= h['max'], r
        assert wc['totals']['wait.hist']['sum'] == wc['totals']['wait.ns'], wc['totals']
    elif what in ('sleep', 'pipe'):
        pid, ns = open('%s/%s.out' % (tmp, what)).read().split()
        r = prow(wp, pid)
        s = r['offcpu.sleep_ns']
        print('# %s %s: preempt %d blocked %d wait %d' % (what, pid, r['offcpu.preempt_ns'], r['offcpu.blocked_ns'], r['wait.ns']))
        print('# %s %s: scry sleep off-CPU %d ns, off CPU in the calls %s ns' % (what, pid, s, ns))
        assert int(ns) >= 1e9 and abs(s - int(ns)) <= 0.01 * int(ns), (s, ns)
    elif what == 'faults':
        r = prow(fp, touch)
        print('# touch %s: scry minor %d major %d, /proc/PID/stat %s %s' % (touch, r['faults.minor'], r['faults.major'], minflt, majflt))
        assert int(minflt) >= 16384, minflt
        assert r['faults.minor'] == int(minflt) and r['faults.major'] == int(majflt), r
print('ok')
EOF
chk() {
	python3 "$TMP/check.py" "$TMP" "$vrc" "$touch_pid" "$minflt" "$majflt" "" "$1" >"$TMP/res" 2>&1
	grep '^#' "$TMP/res"
	shift
	check "$@" grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
}
touch_pid=$(cat "$TMP/touch.out")
chk ctr_wait "(a) each container's run-queue wait equals its tasks' schedstat run_delay growth"
chk proc_wait "(a) each spinner's run-queue wait equals its schedstat run_delay growth"
chk ctr_cpu "(a) each container's CPU within 0.1% of its cgroup's cpu.stat usage"
chk hist "(a) the wait histogram: its sum is the wait, buckets add up, p50 <= p99 <= max"
chk sleep "(b) 25 nanosleeps of 80 ms: sleep off-CPU time within 1% of the time off CPU in the calls"
chk pipe "(b) 25 pipe reads answered after 80 ms: sleep off-CPU time within 1% of the time off CPU in read"
chk faults "(c) 64 MiB touched: minor and major faults equal /proc/PID/stat's"

# --- (d) the capture replays to the same figures ------------------------------------------------
# Every truth above holds for the replay too, and the wait, its histogram and the faults are the
# live views' to the unit: they are the kernel's counters. (Off-CPU stretches are each
# instance's own clock readings, a few hundred ns apart between two scry: checked by truth.)
for v in "cpu -c topcontainers_cpu" "wc -c topcontainers_wait" "wp -c topprocs_wait" \
	"fp -c topprocs_faults"; do
	set -- $v
	n=$1; shift
	"$SCRY" -r "$TMP/cap.scry" $J "$@" >"$TMP/r$n.out" 2>"$TMP/r$n.err"
	echo "r$n=$?"
done >"$TMP/rrc"
{
	python3 "$TMP/check.py" "$TMP" "$(cat "$TMP/rrc")" "$touch_pid" "$minflt" "$majflt" r \
		ctr_wait proc_wait ctr_cpu hist sleep pipe faults &&
	py "
import json
keys = set(l.split()[0] for l in open('$TMP/truth_a'))
keys |= set(int(l.split()[4]) for l in open('$TMP/truth_a'))
keys |= set(int(open('$TMP/%s.out' % f).read().split()[0]) for f in ('sleep', 'pipe'))
keys.add(int('$touch_pid'))
n = 0
for v, figs in (('wc', ('wait.ns', 'wait.hist')), ('wp', ('wait.ns', 'wait.hist')),
                ('fp', ('faults.minor', 'faults.major'))):
    live, rep = json.load(open('$TMP/%s.out' % v)), json.load(open('$TMP/r%s.out' % v))
    def rows(d):
        return {r.get('container.name', r.get('proc.pid')): r for r in d['rows']
                if r.get('container.name') in keys or r.get('proc.pid') in keys}
    a, b = rows(live), rows(rep)
    for k in a:
        for f in figs:
            assert k in b and a[k][f] == b[k][f], (v, k, f, a[k][f], b.get(k, {}).get(f))
            n += 1
print('# %d figures equal to the live views\' ' % n)
print('ok')
"
} >"$TMP/res" 2>&1
grep '^#' "$TMP/res"
check "(d) the capture replays to the same figures: every truth above, the live views' wait and faults" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
check "the scheduler accounting is on for the wait and fault views and captures, off for a CPU view" \
	sh -c "grep -q 'scheduler accounting.*: off (nothing shows it)' '$TMP/cpu.err' &&
		for v in wc wp fp cap; do grep -q 'scheduler accounting.*: on\$' \"$TMP/\$v.err\" || exit 1; done"
n=0
for v in cpu wc wp fp cap; do n=$((n + $(dropped "$TMP/$v.err"))); done
check "0 events dropped" [ "$n" = 0 ]
finish
