#!/bin/sh
# scry serve scraped by a real Prometheus (Debian's, on loopback, with its own configuration and
# data directory, scraping every second); the figures are read back through Prometheus's HTTP
# API and compared with what the test made and with the kernel's own accounting:
# (a) a busy container (--cpus 0.5, spinning 24 s): rate(scry_container_cpu_seconds_total[15s])
#     at a time in its steady state against its cgroup's cpu.stat usage growth over the same 15 s
#     (sampled by the test every second). Tolerance 10%: rate() extrapolates from the samples in
#     its window, and scry's counters advance in 1-second steps of event time that reach
#     Prometheus about a second late, so the window's two ends each differ by up to a step
#     (2/15 in the worst case, about 1/15 typically) however exact the counter is; the counter's
#     own exactness is (b)'s check;
# (b) the same container's counter after its spinner ended equals its cgroup's usage_usec
#     (within 1%, what the cgroup's shell and runc's init add meanwhile is far less);
# (c) a container that waits on a FIFO, then makes 12345 getppid calls, 321 failed opens, writes
#     and reads back 1 MiB of a file, sends 2x200x1000 bytes over a socketpair and 1000 over one
#     TCP connection on its own loopback (accepted and connected there): the growth of its
#     counters across the workload, in Prometheus, equals exactly those (the per-syscall
#     breakdown is on: --metrics ...,by-syscall);
# (d) drops: scry_events_dropped_total summed over the CPUs is 0;
# (e) the scraped text passes `promtool check metrics`; a container whose pod label holds a
#     quote, a backslash and a newline reaches Prometheus with exactly that value;
# (g) with --metrics by-process, the busy container's busy_loop process: its CPU seconds against
#     its own /proc/self/schedstat, read as it ended (1%: the row also has the few ms its shell
#     child ran before the exec);
# (h) the busy container's CFS throttled periods against cpu.stat's nr_throttled after the spin;
# (f) a CPU-only configuration (--metrics cpu) attaches no syscall, socket or block program,
#     the default attaches sys_exit alone of the syscall pair (bpftool's view of scry's links).
# timeout: 420
. tests/lib/common.sh
plan 18
. tests/lib/docker.sh

command -v prometheus >/dev/null && command -v promtool >/dev/null ||
	skip_rest "[prometheus] Debian's prometheus package is not installed"
dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
tag=$$
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
PROM_PID=
EXTRA_CLEANUP='[ -n "$PROM_PID" ] && kill -KILL $PROM_PID 2>/dev/null; docker_cleanup'

# Two free loopback ports, chosen by the kernel.
set -- $(py "
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(('127.0.0.1', 0))
print(' '.join(str(x.getsockname()[1]) for x in s))")
SPORT=$1 PPORT=$2
mkdir -p "$TMP/prom" "$TMP/g"
cat >"$TMP/prom.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: scry
    static_configs:
      - targets: ['127.0.0.1:$SPORT']
EOC

# serve_start OUT ERR ARGS...: scry serve in the background, until /healthz says ok.
serve_start() {
	o=$1 e=$2; shift 2
	"$SCRY" serve -v --listen "127.0.0.1:$SPORT" "$@" >"$o" 2>"$e" &
	SCRY_PID=$!
	i=0
	until [ "$(curl -s "http://127.0.0.1:$SPORT/healthz")" = ok ]; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! alive "$SCRY_PID"; then
			echo "# scry serve did not get ready:"; sed 's/^/#   /' "$e"
			return 1
		fi
		sleep 0.1
	done
}
# links PID: the tracepoints of the BPF links PID holds, as bpftool reports them, sorted.
links() {
	py "
import json, os, re, subprocess
out = set()
for fd in os.listdir('/proc/$1/fd'):
    if os.readlink('/proc/$1/fd/' + fd) != 'anon_inode:bpf_link':
        continue
    m = re.search(r'^link_id:\s*(\d+)', open('/proc/$1/fdinfo/' + fd).read(), re.M)
    l = json.loads(subprocess.run(['bpftool', '-j', 'link', 'show', 'id', m.group(1)],
                                  capture_output=True, text=True, check=True).stdout)
    out.add(l.get('tp_name') or l.get('type'))
print(' '.join(sorted(out)))
"
}

# --- (f) what each configuration attaches -------------------------------------------------------
serve_start "$TMP/f1.out" "$TMP/f1.err" --metrics cpu || { not_ok "scry serve --metrics cpu starts"; finish; }
l1=$(links "$SCRY_PID")
stop_scry INT
rc1=$?
serve_start "$TMP/f2.out" "$TMP/f2.err" || { not_ok "scry serve starts"; finish; }
l2=$(links "$SCRY_PID")
stop_scry TERM
rc2=$?
echo "# --metrics cpu: $l1"
echo "# default:       $l2"
checkall "--metrics cpu attaches sched_switch and nothing of syscalls, sockets or block I/O" \
	'echo " $l1 " | grep -q " sched_switch " && ! echo " $l1 " | grep -Eq " (sys_enter|sys_exit|sock_send_length|sock_recv_length|block_rq_complete) "'
check "scry serve stops on SIGINT and SIGTERM with status 0 (rc=$rc1, $rc2)" [ "$rc1.$rc2" = 0.0 ]
checkall "the default attaches sys_exit, the socket and block programs, not sys_enter" \
	'echo " $l2 " | grep -q " sys_exit " && ! echo " $l2 " | grep -q " sys_enter " && echo " $l2 " | grep -q " sock_send_length " && echo " $l2 " | grep -q " block_rq_complete "'

# --- Prometheus and scry serve ------------------------------------------------------------------
prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/prom" \
	--web.listen-address="127.0.0.1:$PPORT" >"$TMP/prom.log" 2>&1 &
PROM_PID=$!
serve_start "$TMP/s.out" "$TMP/s.err" \
	--metrics cpu,wait,cgroup,syscalls,files,net,block,by-syscall,by-process \
	--node-name "node-$tag" || { not_ok "scry serve starts"; finish; }
ok "scry serve starts and /healthz says ok once the probes are attached"

# (c)'s container first: it waits on the FIFO while the rest runs.
mkfifo "$TMP/g/go"
"$DOCKER" run -d --name "calls-$tag" --network none -v "$TMP/g:/g" "$IMAGE" sh -c \
	'cat /g/go >/dev/null; /h/getppid_loop 12345 >/dev/null; /h/open_missing 321 >/dev/null;
	 /h/file_io /tmp/f 1048576 >/dev/null; /h/net_io unix 200 1000 >/dev/null;
	 /h/net_io serve 9000 1 >/dev/null & sleep 1; /h/net_io tcp 127.0.0.1 9000 1000 >/dev/null;
	 wait; : >/g/done;
	 exec sleep 1000' >/dev/null
# (e)'s hostile label: a pod name with a quote, a backslash and a newline
hostile=$(printf 'we"ird\\pod\nname')
"$DOCKER" run -d --name "hostile-$tag" --network none --label "io.kubernetes.pod.name=$hostile" \
	"$IMAGE" sleep 1000 >/dev/null
# (a), (b): the busy container, its cgroup sampled every 0.5 s while it spins
"$DOCKER" run -d --name "busy-$tag" --network none --cpus 0.5 -v "$TMP/g:/g" "$IMAGE" \
	sh -c '/h/busy_loop 24 >/g/busy.out; exec sleep 1000' >/dev/null
init=$("$DOCKER" inspect -f '{{.State.Pid}}' "busy-$tag")
bpath=$cg2$(sed -n 's/^0:://p' "/proc/$init/cgroup")
: >"$TMP/busy_samples"
i=0
while [ $i -lt 56 ]; do
	echo "$(date +%s.%N) $(awk '$1 == "usage_usec" { print $2 }' "$bpath/cpu.stat")" >>"$TMP/busy_samples"
	sleep 0.5; i=$((i + 1))
done
# the spinner has ended (24 s): its usage now, then its last sample in Prometheus
busy_final=$(awk '$1 == "usage_usec" { print $2 }' "$bpath/cpu.stat")
# its CFS throttling, from the cpu controller's cpu.stat (v1 where the cpu controller is, else v2)
v1cpu=$(awk '$3 == "cgroup" && ("," $4 ",") ~ /,cpu,/ { print $2; exit }' /proc/mounts)
v1path=$(sed -n 's/^[0-9]*:\([^:]*\):\(.*\)$/\1 \2/p' "/proc/$init/cgroup" |
	awk '("," $1 ",") ~ /,cpu,/ { print $2 }')
cstat=$bpath/cpu.stat
[ -n "$v1cpu" ] && [ -n "$v1path" ] && cstat=$v1cpu$v1path/cpu.stat
busy_thr=$(awk '$1 == "nr_throttled" { print $2 }' "$cstat")
# the spinner's own on-CPU time, from its /proc/self/schedstat as it ended
busy_sched=$(awk '{ print $4 }' "$TMP/g/busy.out")

# (c): the counters before and after the workload, each once Prometheus holds them settled
sleep 1
t_before=$(date +%s.%N)
exec 9<>"$TMP/g/go"; exec 9>&-
i=0
while [ ! -e "$TMP/g/done" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
sleep 4
t_after=$(date +%s.%N)
curl -s "http://127.0.0.1:$SPORT/metrics" >"$TMP/scrape.txt"
stop_scry INT
echo "# scry serve: $(grep -c . "$TMP/scrape.txt") lines scraped last"

cat >"$TMP/check.py" <<'EOC'
import json, sys, urllib.parse, urllib.request
port, what, tag = sys.argv[1:4]
args = sys.argv[4:]
def q(expr, t):
    u = 'http://127.0.0.1:%s/api/v1/query?%s' % (port, urllib.parse.urlencode({'query': expr, 'time': t}))
    r = json.load(urllib.request.urlopen(u))
    assert r['status'] == 'success', r
    return r['data']['result']
def one(expr, t):
    r = q(expr, t)
    assert len(r) == 1, (expr, r)
    return float(r[0]['value'][1])
if what == 'rate':
    samples = [tuple(map(float, l.split())) for l in open(args[0]) if len(l.split()) == 2]
    t = samples[0][0] + 20	# steady state: 20 s after the container started, 15 s window
    def usage(at):	# the cgroup's usage at `at`, interpolated between the test's samples
        for (t0, u0), (t1, u1) in zip(samples, samples[1:]):
            if t0 <= at <= t1:
                return (u0 + (u1 - u0) * (at - t0) / (t1 - t0)) / 1e6
        raise AssertionError(('no sample around', at))
    truth = (usage(t) - usage(t - 15)) / 15
    got = one('rate(scry_container_cpu_seconds_total{container_name="busy-%s"}[15s])' % tag, t)
    print('# (a) rate over 15 s: prometheus %.4f, cgroup %.4f CPU-seconds/s' % (got, truth))
    assert truth > 0.2 and abs(got - truth) <= 0.10 * truth, (got, truth)
elif what == 'total':
    t, final_us = float(args[0]), int(args[1])
    got = one('scry_container_cpu_seconds_total{container_name="busy-%s"}' % tag, t)
    print('# (b) total: prometheus %.6f s, cgroup usage_usec %.6f s' % (got, final_us / 1e6))
    assert abs(got - final_us / 1e6) <= 0.01 * final_us / 1e6, (got, final_us)
elif what == 'delta':
    t0, t1, metric, want = float(args[0]), float(args[1]), args[2], int(args[3])
    sel = metric % {'c': 'container_name="calls-%s"' % tag}
    a, b = one(sel, t0), one(sel, t1)
    print('# (c) %s: %d -> %d, grew %d, made %d' % (sel, a, b, b - a, want))
    assert b - a == want, (sel, a, b, want)
elif what == 'throttled':
    t, want = float(args[0]), int(args[1])
    got = one('scry_container_cpu_cfs_throttled_periods_total{container_name="busy-%s"}' % tag, t)
    print('# (h) throttled periods: prometheus %d, cpu.stat nr_throttled %d' % (got, want))
    assert want > 10 and got == want, (got, want)
elif what == 'proc':
    t, want = float(args[0]), int(args[1])
    got = one('scry_process_cpu_seconds_total{container_name="busy-%s",comm="busy_loop"}' % tag, t)
    print('# (g) busy_loop process: prometheus %.6f s, its schedstat %.6f s' % (got, want / 1e9))
    assert abs(got - want / 1e9) <= 0.01 * want / 1e9, (got, want)
elif what == 'drops':
    t = float(args[0])
    r = q('scry_events_dropped_total', t)
    tot = sum(float(x['value'][1]) for x in r)
    print('# (d) %d CPUs, %d records dropped' % (len(r), tot))
    assert len(r) >= 1 and tot == 0, r
elif what == 'hostile':
    t, want = float(args[0]), args[1]
    r = q('scry_container_cpu_seconds_total{container_name="hostile-%s"}' % tag, t)
    assert len(r) == 1, r
    print('# (e) pod label back from prometheus: %r, node %r' % (r[0]['metric'].get('pod'), r[0]['metric'].get('node')))
    assert r[0]['metric'].get('pod') == want, (r, want)
    assert r[0]['metric'].get('node') == 'node-' + tag, r
EOC
P="python3 $TMP/check.py $PPORT"
up=$(py "
import json, urllib.request
r = json.load(urllib.request.urlopen('http://127.0.0.1:$PPORT/api/v1/query?query=up&time=$t_after'))
print(r['data']['result'][0]['value'][1] if r['data']['result'] else 'none')" 2>&1)
check "Prometheus scraped scry serve while it ran (up = $up)" [ "$up" = 1 ] || tail -5 "$TMP/prom.log" | sed 's/^/#   /'
check "(a) rate(cpu_seconds_total[15s]) of the busy container within 10% of its cgroup's growth" \
	$P rate "$tag" "$TMP/busy_samples"
check "(b) its cpu_seconds_total after the spin equals cgroup usage_usec (1%)" \
	$P total "$tag" "$t_before" "$busy_final"
check "(c) getppid calls counted exactly" $P delta "$tag" "$t_before" "$t_after" \
	'scry_container_syscalls_by_name_total{%(c)s,syscall="getppid"}' 12345
check "(c) failed opens counted exactly" $P delta "$tag" "$t_before" "$t_after" \
	'scry_container_syscall_errors_by_name_total{%(c)s,syscall="openat"}' 321
check "(c) file bytes written exactly" $P delta "$tag" "$t_before" "$t_after" \
	'scry_container_file_written_bytes_total{%(c)s}' 1048576
check "(c) file bytes read exactly" $P delta "$tag" "$t_before" "$t_after" \
	'scry_container_file_read_bytes_total{%(c)s}' 1048576
check "(c) socket bytes sent and received exactly" sh -c "$P delta '$tag' '$t_before' '$t_after' \
	'scry_container_network_transmit_bytes_total{%(c)s}' 401000 && $P delta '$tag' '$t_before' \
	'$t_after' 'scry_container_network_receive_bytes_total{%(c)s}' 401000"
check "(c) one TCP connection accepted and one connected" sh -c "$P delta '$tag' '$t_before' \
	'$t_after' 'scry_container_tcp_connections_total{%(c)s,direction=\"in\"}' 1 && $P delta '$tag' \
	'$t_before' '$t_after' 'scry_container_tcp_connections_total{%(c)s,direction=\"out\"}' 1"
check "(d) no record dropped, per CPU" $P drops "$tag" "$t_after"
check "(g) by-process: busy_loop's CPU seconds equal its schedstat (1%)" \
	$P proc "$tag" "$t_before" "$busy_sched"
check "(h) the busy container's throttled periods equal cpu.stat's nr_throttled" \
	$P throttled "$tag" "$t_before" "$busy_thr"
promtool check metrics <"$TMP/scrape.txt" >"$TMP/promtool.out" 2>&1
rc=$?
checkall "(e) promtool check metrics: clean (rc=$rc)" '[ $rc = 0 ] && [ ! -s "$TMP/promtool.out" ]' ||
	sed 's/^/#   /' "$TMP/promtool.out" | head -20
check "(e) a pod label with a quote, backslash and newline reaches Prometheus unchanged" \
	$P hostile "$tag" "$t_after" "$hostile"
kill -TERM $PROM_PID; wait_pid $PROM_PID 30; PROM_PID=
finish
