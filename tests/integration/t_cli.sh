#!/bin/sh
# The stream's controls: -n, -M, -j, SIGTERM, and a closed output pipe; options anywhere around
# the filter's words, on a small capture recorded here.
. tests/lib/common.sh
plan 17

"$SCRY" -n 25 >"$TMP/n" 2>"$TMP/ne" &
p=$!
# make sure there are events to see
for i in 1 2 3 4 5; do ls / >/dev/null; sleep 0.1; done
wait $p
check "-n 25 prints exactly 25 lines and exits 0" [ $? -eq 0 -a "$(wc -l <"$TMP/n")" -eq 25 ]
check "-n: evt.num counts up from the first event" \
	[ "$(awk 'NR > 1 && $1 <= prev { bad = 1 } { prev = $1 } END { print bad + 0 }' "$TMP/n")" -eq 0 ]

start=$(date +%s%N)
"$SCRY" -M 1.5 >/dev/null 2>"$TMP/me"
rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
check "-M 1.5 ends by itself after about 1.5 s (took ${el} ms)" [ $rc -eq 0 -a $el -ge 1400 -a $el -lt 6000 ]
check "-M prints the summary" grep -q '^scry: [0-9]* events captured, [0-9]* dropped' "$TMP/me"

"$SCRY" -j -n 200 >"$TMP/j" 2>/dev/null &
p=$!
for i in 1 2 3 4 5; do ls / >/dev/null; sleep 0.1; done
wait $p
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
" && ok "-j: 200 valid JSON objects with sysdig's keys" || not_ok "-j: 200 valid JSON objects"

start_scry "$TMP/t" "$TMP/te" || { not_ok "scry starts"; finish; }
stop_scry TERM
check "SIGTERM: exit 0" [ $? -eq 0 ]
check "SIGTERM: summary printed" grep -q 'events captured' "$TMP/te"

# scry | head: ends quietly as soon as head has gone.
( "$SCRY" 2>"$TMP/pe"; echo $? >"$TMP/prc" ) | head -n 3 >"$TMP/p" &
hp=$!
i=0
while [ ! -s "$TMP/prc" ] && [ $i -lt 100 ]; do ls / >/dev/null; sleep 0.1; i=$((i + 1)); done
wait $hp
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
