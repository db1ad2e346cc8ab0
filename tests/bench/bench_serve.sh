#!/bin/sh
# scry serve's cost of serving (issue 16): scrape latency, CPU per scrape and RSS with 100 and
# 1000 containers' series (and 1000 with 20 per-syscall series each), simulated by bench_serve
# (1000 real containers do not fit this machine). Each scrape is a real HTTP GET with curl over
# loopback; CPU is the server process's utime+stime growth over the scrapes, per scrape; the
# check is promtool's, on the text of the largest. Needs no root.
set -u
: "${BUILD:=build}"
B=$BUILD/bench_serve SCRAPES=${BENCH_SCRAPES:-50}
TMP=$(mktemp -d /tmp/scry-bench-serve.XXXXXX)
BPID=
trap '[ -n "$BPID" ] && kill $BPID 2>/dev/null; rm -rf "$TMP"' EXIT
port=$(python3 -c "
import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
hz=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

echo "scry serve, $SCRAPES scrapes each (curl over loopback; CPU: the server's, per scrape):"
for spec in "100 0" "1000 0" "1000 20"; do
	set -- $spec
	"$B" "$1" "$port" "$2" >"$TMP/out" &
	BPID=$!
	i=0
	until grep -q ready "$TMP/out" 2>/dev/null || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
	curl -s "http://127.0.0.1:$port/metrics" >"$TMP/text"	# warm: buffers made once
	c0=$(cpu $BPID)
	: >"$TMP/times"
	for s in $(seq "$SCRAPES"); do
		curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics" >>"$TMP/times"
	done
	c1=$(cpu $BPID)
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$BPID/status")
	lines=$(grep -vc '^#' "$TMP/text")
	bytes=$(wc -c <"$TMP/text")
	sort -n "$TMP/times" | awk -v n="$1" -v k="$2" -v c0="$c0" -v c1="$c1" -v hz="$hz" \
		-v s="$SCRAPES" -v rss="$rss" -v lines="$lines" -v bytes="$bytes" \
		-v snap="$(sed -n 's/.*snapshot \([0-9.]*\) ms.*/\1/p' "$TMP/out")" '
		{ t[NR] = $1 }
		END { printf "  %5d containers%s: %6d samples, %7.1f KiB; latency p50 %.2f ms, p90 %.2f ms; CPU %.2f ms/scrape; snapshot %.2f ms (consumer, 1/s); RSS %.1f MiB\n",
			n, k ? sprintf(" x %d syscalls", k) : "", lines, bytes / 1024, t[int(NR / 2) + 1] * 1e3,
			t[int(NR * 0.9)] * 1e3, (c1 - c0) / hz / s * 1e3, snap, rss / 1024 }'
	[ "$1" = 1000 ] && [ "$2" = 20 ] && { promtool check metrics <"$TMP/text" >"$TMP/lint" 2>&1 &&
		echo "  promtool check metrics: clean" || { echo "  promtool check metrics:"; cat "$TMP/lint"; }; }
	kill -INT $BPID; wait $BPID; BPID=
done
