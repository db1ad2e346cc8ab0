#!/bin/sh
# Block I/O against the cgroup's own accounting: a container writes N MiB with dd oflag=direct to
# a file on the real disk (a bind-mounted directory, not tmpfs) and reads it back with iflag=direct.
# topcontainers_io shows exactly N MiB each way and the same bytes and requests as the
# container's blkio.throttle.io_service_bytes / io_serviced (cgroup v1) or io.stat (v2);
# topprocs_io names dd; topdevices_io names the disk; latency totals and means agree; the stream
# shows blockio events; a capture recorded alongside replays to the same figures.
. tests/lib/common.sh
plan 9
. tests/lib/docker.sh

MIB=16
tag=$$
name=blk-$tag
dir="$TMP/blk"
mkdir -p "$dir"
# The file must reach a disk: a directory on tmpfs (or overlay on tmpfs) never makes a request.
src=$(findmnt -n -o SOURCE -T "$dir")
majmin=$(findmnt -n -o MAJ:MIN -T "$dir" | tr -d ' ')
case "$src" in
/dev/*) ;;
*) skip_rest blockdev "$dir is on $src, not a block device" ;;
esac
devname=${src#/dev/}

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }

EXTRA_CLEANUP='[ -n "$VIEWS" ] && kill -KILL $VIEWS 2>/dev/null; docker_cleanup'

# The container's row counts dd's requests only: the cgroup's counters are read around the dd's,
# and the runtime's own reads as the container starts (runc's init paging in, seen under ASan's
# slower start) fall before the first reading but inside scry's run.
view ctr -c topcontainers_io --interval 0 -j proc.name=dd || { not_ok "scry starts"; finish; }
view procs -c topprocs_io --interval 0 -j "container.name=$name" || { not_ok "scry starts"; finish; }
view devs -c topdevices_io --interval 0 -j || { not_ok "scry starts"; finish; }
view stream -p '%proc.name %evt.blk.op %evt.blk.bytes %evt.blk.devname %evt.info' \
	"evt.type=blockio and container.name=$name and proc.name=dd" || { not_ok "scry starts"; finish; }
view rec -w "$TMP/c.scry" || { not_ok "scry -w starts"; finish; }

# The container waits for a go, so that its cgroup can be read before and after the dd's.
"$DOCKER" run -d --name "$name" --network none -v "$dir:/blk" "$IMAGE" sh -c \
	"while [ ! -e /blk/go ]; do sleep 0.1; done
	 dd if=/dev/zero of=/blk/f bs=1M count=$MIB oflag=direct 2>/dev/null &&
	 dd if=/blk/f of=/dev/null bs=1M iflag=direct 2>/dev/null && touch /blk/done; sleep 600" \
	>/dev/null
init=$("$DOCKER" inspect -f '{{.State.Pid}}' "$name")
# v1 blkio (a v1 or hybrid layout), else v2 io.stat.
v1root=$(awk '$3 == "cgroup" && $4 ~ /(^|,)blkio(,|$)/ { print $2; exit }' /proc/mounts)
if [ -n "$v1root" ]; then
	cgdir=$v1root$(awk -F: '$2 ~ /(^|,)blkio(,|$)/ { print $3 }' "/proc/$init/cgroup")
else
	cgdir=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)$(sed -n 's/^0:://p' "/proc/$init/cgroup")
fi
# cg_read: "rbytes wbytes rios wios" of the device, from the cgroup's files.
cg_read() {
	if [ -n "$v1root" ]; then
		awk -v d="$majmin" '
			FILENAME ~ /bytes$/ && $1 == d { b[$2] = $3 }
			FILENAME ~ /serviced$/ && $1 == d { n[$2] = $3 }
			END { printf "%d %d %d %d\n", b["Read"], b["Write"], n["Read"], n["Write"] }' \
			"$cgdir/blkio.throttle.io_service_bytes" "$cgdir/blkio.throttle.io_serviced"
	else
		awk -v d="$majmin" '$1 == d { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
			END { printf "%d %d %d %d\n", v["rbytes"], v["wbytes"], v["rios"], v["wios"] }' \
			"$cgdir/io.stat"
	fi
}
# Since Linux 6.10 v1 counts nothing until a throttling rule exists on the queue: a limit no
# dd comes near (1 TiB/s) turns the counting on, for this container's cgroup only.
if [ -n "$v1root" ]; then
	echo "$majmin 1099511627776" >"$cgdir/blkio.throttle.write_bps_device" ||
		echo "# cannot set a limit in $cgdir: its counters stay 0"
fi
before=$(cg_read)
touch "$dir/go"
i=0
until [ -e "$dir/done" ] || [ $i -gt 600 ]; do i=$((i + 1)); sleep 0.1; done
after=$(cg_read)
sleep 0.5
vrc=
for v in ctr procs devs stream rec; do stop_view $v; done
"$DOCKER" rm -f "$name" >/dev/null
echo "# $dir on $src ($majmin); cgroup $cgdir: before $before, after $after"

# Replays of the capture, each with its exit status.
"$SCRY" -r "$TMP/c.scry" -c topcontainers_io --interval 0 -j proc.name=dd >"$TMP/rep_ctr.out" \
	2>"$TMP/rep.err"
rrc=$?
"$SCRY" -r "$TMP/c.scry" -c topprocs_io --interval 0 -j "container.name=$name" \
	>"$TMP/rep_procs.out" 2>>"$TMP/rep.err"
rrc="$rrc $?"

check "views, stream and recorder exit 0 ($vrc), dd's finished" \
	sh -c "[ -e '$dir/done' ] && ! echo '$vrc' | grep -q '=[1-9]'"

# res: the Python check's output ('ok' last), its '#' lines shown.
res() { grep '^#' "$TMP/res"; grep -qx ok "$TMP/res" || { sed 's/^/#   /' "$TMP/res" | tail -4; return 1; }; }
PYCOMMON="
import json
MIB = $MIB << 20
b, a = '$before'.split(), '$after'.split()
assert len(b) == 4 and len(a) == 4, ('unreadable cgroup files', '$cgdir', b, a)
cg = [int(y) - int(x) for x, y in zip(b, a)]	# rbytes wbytes rios wios grown during the dd's
def row(path, **want):
    rows = [r for r in json.load(open(path))['rows'] if all(r.get(k) == v for k, v in want.items())]
    assert len(rows) == 1, (path, want, rows)
    return rows[0]
"
py "$PYCOMMON
c = row('$TMP/ctr.out', **{'container.name': '$name'})
print('# scry: read %d B in %d, wrote %d B in %d; cgroup: read %d B in %d, wrote %d B in %d' % (
    c['blk.read_bytes'], c['blk.reads'], c['blk.write_bytes'], c['blk.writes'], cg[0], cg[2], cg[1], cg[3]))
assert c['blk.write_bytes'] == MIB and cg[1] == MIB, ('written', c, cg)
assert c['blk.read_bytes'] == cg[0] and cg[0] >= MIB, ('read', c, cg)
print('ok')
" >"$TMP/res" 2>&1
check "topcontainers_io: exactly $MIB MiB written, and the bytes read and written equal the cgroup's growth" res
py "$PYCOMMON
c = row('$TMP/ctr.out', **{'container.name': '$name'})
assert c['blk.reads'] == cg[2] and c['blk.writes'] == cg[3], ('requests', c, cg)
print('ok')
" >"$TMP/res" 2>&1
check "topcontainers_io: read and write requests equal the cgroup's io_serviced growth" res
py "$PYCOMMON
c = row('$TMP/ctr.out', **{'container.name': '$name'})
n, tot = c['blk.reads'] + c['blk.writes'], c['blk.latency.total_ns']
print('# latency: total %d ns over %d requests, mean %.2f, p50 %d, p99 %d' % (
    tot, n, c['blk.latency.mean_ns'], c['blk.latency.p50_ns'], c['blk.latency.p99_ns']))
assert tot > 0 and n > 0 and abs(c['blk.latency.mean_ns'] - tot / n) <= 0.01, c
assert 0 < c['blk.latency.p50_ns'] <= c['blk.latency.p99_ns'], c
h = c['blk.latency.hist']['buckets']
assert c['blk.latency.hist']['n'] == n and c['blk.latency.hist']['sum'] == tot, c
assert sum(x[2] for x in h) == n and all(lo < hi for lo, hi, _ in h), h
# the p99 is the top of the bucket holding the 99th percentile, at most the largest value
seen, want = 0, -(-n * 99 // 100)
for lo, hi, k in h:
    seen += k
    if seen >= want:
        assert lo <= c['blk.latency.p99_ns'] < hi, (c, h)
        break
print('ok')
" >"$TMP/res" 2>&1
check "latency: total > 0, mean = total / requests, p50 <= p99 in the histogram's bucket, histogram holds every request" res
py "$PYCOMMON
p = json.load(open('$TMP/procs.out'))['rows']
dd = [r for r in p if r['proc.name'] == 'dd']
assert len(dd) == 2, p		# one dd writes, the other reads
assert sorted((r['blk.write_bytes'], r['blk.read_bytes']) for r in dd) == [(0, MIB), (MIB, 0)], dd
print('ok')
" >"$TMP/res" 2>&1
check "topprocs_io: two dd processes, one wrote $MIB MiB, the other read $MIB MiB" res
py "$PYCOMMON
c = row('$TMP/ctr.out', **{'container.name': '$name'})
d = row('$TMP/devs.out', **{'evt.blk.dev': '$majmin'})
assert d['evt.blk.devname'] == '$devname', d
assert d['blk.write_bytes'] >= c['blk.write_bytes'] and d['blk.read_bytes'] >= c['blk.read_bytes'], (d, c)
print('ok')
" >"$TMP/res" 2>&1
check "topdevices_io: device $majmin named $devname, with at least the container's bytes" res
py "$PYCOMMON
w = r = 0
for l in open('$TMP/stream.out'):
    e = l.split(' ', 4)
    assert e[0] == 'dd' and e[3] == '$devname' and e[4].startswith('dev=$majmin($devname) op=' + e[1]), l
    if e[1] == 'write': w += int(e[2])
    if e[1] == 'read': r += int(e[2])
print('# stream: %d B written, %d B read in blockio events' % (w, r))
assert w == MIB and r == MIB, (w, r)
print('ok')
" >"$TMP/res" 2>&1
check "the stream: blockio events of dd with evt.blk fields and evt.info, $MIB MiB each way" res
# Every scry times each request with its own programs, a few microseconds apart from the
# others (the recorder, attached last, stamps each completion after the other tracers' programs
# ran: a steady offset), and a vCPU the hypervisor pauses between two tracers' programs (a
# millisecond on these machines) moves one request's latency in one of them. So: the same
# requests (op, sector, bytes) in the live stream and the replay, each latency within 10 us of
# the median offset but for at most one request in eight; the views' bytes and requests exact,
# their latency totals within 5%.
# Exactly, the replayed view's latency is the sum of the replayed events' (the stream of the
# same file).
"$SCRY" -r "$TMP/c.scry" -p '%evt.blk.latency %proc.name %evt.blk.op %evt.blk.bytes %evt.blk.devname %evt.info' \
	"evt.type=blockio and container.name=$name and proc.name=dd" \
	>"$TMP/rep_lat.out" 2>>"$TMP/rep.err"
rrc="$rrc $?"
py "
import json, re
assert '$rrc' == '0 0 0', ('replay exit status', '$rrc', open('$TMP/rep.err').read())
def reqs(lines):
    r = {}
    for l in lines:
        m = re.search(r' op=(\\w+) bytes=(\\d+) sector=(\\d+) lat=(\\d+)', l)
        assert m, l
        r.setdefault(m.groups()[:3], []).append(int(m.group(4)))
    return r
live = reqs(open('$TMP/stream.out'))
rep = reqs(l.split(' ', 1)[1] for l in open('$TMP/rep_lat.out'))
assert sorted(live) == sorted(rep) and all(len(live[k]) == len(rep[k]) for k in live), (live, rep)
o = sorted(b - a for k in live for a, b in zip(live[k], rep[k]))
d = sorted(abs(x - o[len(o) // 2]) for x in o)
print('# per request, replay - live stream: median %d ns; %d requests, %d within 10 us of it, largest difference %d ns'
      % (o[len(o) // 2], len(d), sum(x <= 10000 for x in d), d[-1]))
assert sum(x > 10000 for x in d) * 8 <= len(d), d
for live, rep, key in (('ctr', 'rep_ctr', 'container.name'), ('procs', 'rep_procs', 'proc.pid')):
    L = {r[key]: r for r in json.load(open('$TMP/%s.out' % live))['rows']}
    R = {r[key]: r for r in json.load(open('$TMP/%s.out' % rep))['rows']}
    want = '$name' if key == 'container.name' else None
    for k, r in L.items():
        if want and k != want:
            continue
        assert k in R, (k, R.keys())
        for f in ('blk.bytes', 'blk.read_bytes', 'blk.write_bytes', 'blk.reads', 'blk.writes'):
            assert R[k][f] == r[f], (live, k, f, r[f], R[k][f])
        lt, rt = r['blk.latency.total_ns'], R[k]['blk.latency.total_ns']
        assert abs(lt - rt) <= max(0.05 * lt, 10000 * (r['blk.reads'] + r['blk.writes'])), (live, k, lt, rt)
        assert sum(x[2] for x in r['blk.latency.hist']['buckets']) == sum(x[2] for x in R[k]['blk.latency.hist']['buckets'])
c = [r for r in json.load(open('$TMP/rep_ctr.out'))['rows'] if r['container.name'] == '$name']
lat = [int(l.split(' ', 1)[0]) for l in open('$TMP/rep_lat.out') if l.strip()]
assert len(c) == 1 and c[0]['blk.latency.total_ns'] == sum(lat), (c, sum(lat), len(lat))
print('# replay: latency %d ns in %d events; live %d ns' % (sum(lat), len(lat),
      [r for r in json.load(open('$TMP/ctr.out'))['rows'] if r['container.name'] == '$name'][0]['blk.latency.total_ns']))
print('ok')
" >"$TMP/res" 2>&1
check "the capture replays to the live topcontainers_io and topprocs_io figures (replay: $rrc)" res
check "0 events dropped by the views" sh -c "[ '$(dropped "$TMP/ctr.err")' = 0 ] && [ '$(dropped "$TMP/rec.err")' = 0 ]"
finish
