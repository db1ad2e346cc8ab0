#!/bin/sh
# The stream's controls: -n, -M, -j, SIGTERM, and a closed output pipe; options anywhere around
# the filter's words, on a small capture recorded here.
. tests/lib/common.sh
plan 18

# A ticker: a getppid every millisecond, so that a stream always has events of its own to see
# (ticker PID SECS: runs SECS seconds at most; killed by pid once the run is over).
ticker() {
	python3 -c "
import os, time
end = time.monotonic() + $1
while time.monotonic() < end:
    os.getppid()
    time.sleep(0.001)" &
	TICK=$!
	EXTRA_CLEANUP="kill -KILL $TICK 2>/dev/null; $EXTRA_CLEANUP"
}
ticker 60
"$SCRY" -n 25 >"$TMP/n" 2>"$TMP/ne" &
wait_pid $! 60
rc=$?
check "-n 25 prints exactly 25 lines and exits 0 (rc=$rc)" [ $rc -eq 0 -a "$(wc -l <"$TMP/n")" -eq 25 ]
# evt.num is "event number, from 1" (scry -l): the lines are numbered 1, 2, ... 25, no gap.
check "-n: evt.num counts 1, 2, ... 25 from the first event, no gap" \
	awk '$1 != NR { bad = 1 } END { exit bad || NR != 25 }' "$TMP/n"

# -M 1.5 against the kernel's clock (the events' own times, not how long the command took, which
# includes loading the programs): the ticker's events, about a millisecond apart, span 1.5 s and
# at most 0.25 s more: scry looks at the clock at least every 50 ms (POLL_MAX_MS) and stops; the
# rest of the margin is a loaded machine's scheduling. 20 ms less is allowed for a ticker kept
# off its CPU at either end. Then scry ends within 2 s of its last event (detach, drain,
# summary), measured on the same clock (epoch ns).
"$SCRY" -M 1.5 -p '%evt.rawtime' "proc.pid=$TICK and evt.type=getppid and evt.dir=<" >"$TMP/m" \
	2>"$TMP/me" &
wait_pid $! 60
rc=$?
end=$(date +%s%N)
fig=$(awk 'NR == 1 { f = $1 } { l = $1 } END { printf "%d %d %d", NR, (l - f) / 1e6, ('"$end"' - l) / 1e6 }' "$TMP/m")
nev=${fig%% *} after=${fig##* } span=${fig#* } span=${span% *}
checkall "-M 1.5 ends by itself, exit 0, its events spanning 1.5 to 1.75 s (rc=$rc, $nev events, $span ms)" \
	'[ $rc -eq 0 ] && [ "$nev" -gt 500 ] && [ "$span" -ge 1480 ] && [ "$span" -le 1750 ]'
check "-M 1.5: scry ended within 2 s of its last event ($after ms)" [ "$after" -ge 0 -a "$after" -le 2000 ]
check "-M prints the summary" grep -q '^scry: [0-9]* events captured, [0-9]* dropped' "$TMP/me"

"$SCRY" -j -n 200 >"$TMP/j" 2>/dev/null &
wait_pid $! 60
rc=$?
py "
import json
keys = {'evt.num','evt.time','evt.cpu','evt.dir','evt.type','proc.name','proc.pid','thread.tid'}
n = 0
for line in open('$TMP/j'):
    e = json.loads(line)
    assert keys <= set(e), e
    if e['evt.dir'] == '<' and e['evt.type'] not in ('procexit',):
        assert 'evt.res' in e and 'evt.latency' in e, e
    n += 1
assert n == 200, n
" && [ $rc -eq 0 ] && ok "-j: exit 0, 200 valid JSON objects with sysdig's keys" ||
	not_ok "-j: exit 0, 200 valid JSON objects (rc=$rc)"
kill -KILL $TICK

start_scry "$TMP/t" "$TMP/te" || { not_ok "scry starts"; finish; }
stop_scry TERM
check "SIGTERM: exit 0" [ $? -eq 0 ]
check "SIGTERM: summary printed" grep -q 'events captured' "$TMP/te"

# scry | head: ends quietly as soon as head has gone.
( "$SCRY" 2>"$TMP/pe"; echo $? >"$TMP/prc" ) | head -n 3 >"$TMP/p" &
hp=$!
i=0
while [ ! -s "$TMP/prc" ] && [ $i -lt 100 ]; do ls / >/dev/null; sleep 0.1; i=$((i + 1)); done
wait_pid $hp 30
check "scry | head -n 3: head got 3 lines" [ "$(wc -l <"$TMP/p")" -eq 3 ]
check "scry | head: scry ends by itself with status 0" [ "$(cat "$TMP/prc" 2>/dev/null)" = 0 ]
check "scry | head: no error message" [ "$(grep -v 'events captured' "$TMP/pe" | grep -vc 'warning:')" -eq 0 ]
# --- options before, between and after the filter's words, as sysdig users type them ----------
cap="$TMP/cli.scry"
start_scry "$TMP/w" "$TMP/we" -w "$cap" proc.name=getppid_loop || { not_ok "scry -w starts"; finish; }
"$HELPERS/getppid_loop" 500 >/dev/null
stop_scry INT
check "a small capture of getppid_loop recorded" [ $? -eq 0 -a -s "$cap" ]
"$SCRY" -r "$cap" -n 3 proc.name=getppid_loop >"$TMP/before" 2>"$TMP/e1"
rc=$?
check "options before the filter: 3 lines of getppid_loop" \
	[ $rc -eq 0 -a "$(grep -c ' getppid_loop ' "$TMP/before")" -eq 3 -a "$(wc -l <"$TMP/before")" -eq 3 ]
"$SCRY" -r "$cap" proc.name=getppid_loop -n 3 >"$TMP/after" 2>"$TMP/e2"
rc=$?
checkall "scry -r FILE proc.name=x -n 3: the same 3 lines, exit 0, no message" \
	'[ $rc -eq 0 ] && [ ! -s "$TMP/e2" ] && cmp -s "$TMP/before" "$TMP/after"' ||
	sed 's/^/#   /' "$TMP/e2" | head -3
"$SCRY" proc.name = getppid_loop -r "$cap" and evt.type = getppid -j and evt.dir = '<' -n 4 >"$TMP/mid" 2>"$TMP/e3"
rc=$?
py "
import json
lines = open('$TMP/mid').read().splitlines()
assert len(lines) == 4, lines
for l in lines:
    e = json.loads(l)
    assert e['proc.name'] == 'getppid_loop' and e['evt.type'] == 'getppid' and e['evt.dir'] == '<', e
" && [ $rc -eq 0 ] && ok "options between the filter's words (-r, -j, -n): 4 JSON exits of getppid" ||
	{ not_ok "options between the filter's words (rc=$rc)"; sed 's/^/#   /' "$TMP/e3" | head -3; }
# A negative number is a word of the filter, not an option; the -n after it still is one.
"$SCRY" -r "$cap" evt.type = getppid and evt.rawres '>' -1 -n 2 >"$TMP/neg" 2>"$TMP/e4"
rc=$?
check "evt.rawres > -1 -n 2: -1 is the filter's, -n an option (2 exits of getppid)" \
	[ $rc -eq 0 -a "$(grep -c '< getppid res=' "$TMP/neg")" -eq 2 -a "$(wc -l <"$TMP/neg")" -eq 2 ] ||
	sed 's/^/#   /' "$TMP/e4" | head -3
"$SCRY" -r "$cap" -n 2 -- proc.name = getppid_loop >"$TMP/dd" 2>/dev/null
check "--: the words after it are the filter's" [ $? -eq 0 -a "$(grep -c ' getppid_loop ' "$TMP/dd")" -eq 2 ]
"$SCRY" -r "$cap" -- proc.name = -n >"$TMP/dn" 2>"$TMP/e5"
check "--: a filter value that looks like an option (-n) matches nothing, exit 0" \
	[ $? -eq 0 -a ! -s "$TMP/dn" -a ! -s "$TMP/e5" ]
finish
