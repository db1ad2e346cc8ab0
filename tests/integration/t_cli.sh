#!/bin/sh
# The stream's controls: -n, -M, -j, SIGTERM, and a closed output pipe.
. tests/lib/common.sh

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
finish
