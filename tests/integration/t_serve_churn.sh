#!/bin/sh
# scry serve under container churn, scraped by a real Prometheus every second: 100 containers,
# each living 4 s, started one after another. Every one reaches Prometheus under its own name;
# no counter of any series ever goes back (Prometheus's resets()); once the last is gone, their
# series leave scry's text and Prometheus after --expire (15 s) plus a scrape; scry's RSS after
# the 100th container is within 4 MiB of its RSS after the 30th (a leak of a few KiB per
# container would show: the figures are printed), and nothing was dropped.
# timeout: 600
. tests/lib/common.sh
plan 8
. tests/lib/docker.sh

command -v prometheus >/dev/null ||
	skip_rest "[prometheus] Debian's prometheus package is not installed"
dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
tag=$$
PROM_PID=
EXTRA_CLEANUP='[ -n "$PROM_PID" ] && kill -KILL $PROM_PID 2>/dev/null; docker_cleanup'
set -- $(py "
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(('127.0.0.1', 0))
print(' '.join(str(x.getsockname()[1]) for x in s))")
SPORT=$1 PPORT=$2
mkdir -p "$TMP/prom"
cat >"$TMP/prom.yml" <<EOC
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: scry
    static_configs:
      - targets: ['127.0.0.1:$SPORT']
EOC
prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/prom" \
	--web.listen-address="127.0.0.1:$PPORT" >"$TMP/prom.log" 2>&1 &
PROM_PID=$!

# A sanitizer build holds freed memory in ASan's quarantine (256 MiB): RSS would grow with any
# churn. Without the quarantine, freed chunks are reused as in a plain build, and leaks still show.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0" \
	"$SCRY" serve -v --listen "127.0.0.1:$SPORT" --expire 15 >"$TMP/s.out" 2>"$TMP/s.err" &
SCRY_PID=$!
i=0
until [ "$(curl -s "http://127.0.0.1:$SPORT/healthz")" = ok ] || [ $i -gt 300 ] || ! alive $SCRY_PID; do
	sleep 0.1; i=$((i + 1))
done
check "scry serve --expire 15 gets ready" [ "$(curl -s "http://127.0.0.1:$SPORT/healthz")" = ok ] ||
	{ sed 's/^/#   /' "$TMP/s.err"; skip_rest "scry serve did not start"; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SCRY_PID/status"; }

t0=$(date +%s)
n=1
while [ $n -le 100 ]; do
	"$DOCKER" run -d --name "churn-$n-$tag" --network none "$IMAGE" sleep 4 >/dev/null ||
		echo "# docker run churn-$n failed"
	[ $n = 30 ] && rss30=$(rss)
	n=$((n + 1))
done
rss100=$(rss)
# the last ones end within 4 s; their series go 15 s after, then a scrape marks them stale
sleep 6
t_gone=$(date +%s)
n=0
while [ $n -lt 30 ] && curl -s "http://127.0.0.1:$SPORT/metrics" | grep -q "container_name=\"churn-"; do
	sleep 1; n=$((n + 1))
done
sleep 3
t_end=$(date +%s)
curl -s "http://127.0.0.1:$SPORT/metrics" >"$TMP/scrape.txt"
rss_end=$(rss)
echo "# 100 containers in $((t_gone - t0)) s; churn series gone from scry $n s after the last ended + 6 s"
echo "# scry RSS: $rss30 KiB after 30 containers, $rss100 KiB after 100, $rss_end KiB after their series expired"
stop_scry INT

cat >"$TMP/check.py" <<'EOC'
import json, sys, urllib.parse, urllib.request
port, what, tag, t = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
def q(expr):
    u = 'http://127.0.0.1:%s/api/v1/query?%s' % (port, urllib.parse.urlencode({'query': expr, 'time': t}))
    r = json.load(urllib.request.urlopen(u))
    assert r['status'] == 'success', r
    return r['data']['result']
sel = 'container_name=~"churn-[0-9]+-%s"' % tag
if what == 'names':
    r = q('group by (container_name, container_id) (max_over_time(scry_container_cpu_seconds_total{%s}[15m]))' % sel)
    names = sorted(x['metric']['container_name'] for x in r)
    want = sorted('churn-%d-%s' % (i, tag) for i in range(1, 101))
    print('# %d churn names in Prometheus, %d distinct ids' % (len(names), len(set(x['metric']['container_id'] for x in r))))
    missing = sorted(set(want) - set(names))
    assert names == want, ('missing', missing[:10], 'extra', sorted(set(names) - set(want))[:10])
elif what == 'resets':
    # resets() drops the name: one query per counter family
    u = 'http://127.0.0.1:%s/api/v1/label/__name__/values' % port
    names = [n for n in json.load(urllib.request.urlopen(u))['data']
             if n.startswith('scry_') and n.endswith('_total')]
    total = series = 0
    for n in names:
        r = q('sum(resets(%s[15m]))' % n)
        total += float(r[0]['value'][1]) if r else 0
        c = q('count(count_over_time(%s[15m]))' % n)
        series += int(c[0]['value'][1]) if c else 0
    print('# counter resets over 15 min: %d, over %d series of %d counter families' % (total, series, len(names)))
    assert len(names) >= 10 and series >= 100 and total == 0, (names, series, total)
elif what == 'gone':
    r = q('count(scry_container_cpu_seconds_total{%s})' % sel)
    print('# churn series in Prometheus now: %s' % (r[0]['value'][1] if r else 0))
    assert not r, r
elif what == 'drops':
    r = q('sum(scry_events_dropped_total)')
    print('# records dropped: %s' % r[0]['value'][1])
    assert float(r[0]['value'][1]) == 0, r
EOC
P="python3 $TMP/check.py $PPORT"
check "every one of the 100 containers reached Prometheus under its name" $P names "$tag" "$t_gone"
check "no scry counter ever went back (resets() is 0 over every series)" $P resets "$tag" "$t_gone"
check "their series left scry's text after --expire" \
	sh -c "! grep -q 'container_name=\"churn-' '$TMP/scrape.txt'"
check "and Prometheus marked them stale" $P gone "$tag" "$t_end"
expired=$(sed -n 's/^scry_containers_expired_total{[^}]*} //p' "$TMP/scrape.txt")
check "scry_containers_expired_total counts them ($expired)" [ "${expired:-0}" -ge 100 ]
check "scry's RSS after 100 containers within 4 MiB of after 30 ($rss30 -> $rss100 KiB)" \
	[ $((rss100 - rss30)) -le 4096 ]
check "no record dropped" $P drops "$tag" "$t_end"
kill -TERM $PROM_PID; wait_pid $PROM_PID 30; PROM_PID=
finish
