#!/bin/sh
# A helper that calls getppid exactly 100000 times shows exactly 100000 enter and 100000 exit
# events for its tid, with 0 drops.
. tests/lib/common.sh
plan 5

start_scry "$TMP/out" "$TMP/err" -j proc.name=getppid_loop || { not_ok "scry starts"; finish; }
set -- $("$HELPERS/getppid_loop" 100000)
pid=$1 tid=$2
sleep 0.3
stop_scry INT
check "scry exits 0 on SIGINT" [ $? -eq 0 ]

counts=$(py "
import json, sys
ent = ext = other = 0
for line in open('$TMP/out'):
    e = json.loads(line)
    if e['thread.tid'] != $tid or e['evt.type'] != 'getppid':
        continue
    if e['evt.dir'] == '>': ent += 1
    elif e['evt.dir'] == '<':
        ext += 1
        assert e['evt.rawres'] > 0 and e['evt.res'] == 'SUCCESS', e
        assert e['evt.latency'] > 0, e
print(ent, ext)
")
check "100000 getppid enter events for tid $tid (got ${counts% *})" [ "${counts% *}" = 100000 ]
check "100000 getppid exit events for tid $tid (got ${counts#* })" [ "${counts#* }" = 100000 ]
check "0 events dropped (got $(dropped "$TMP/err"))" [ "$(dropped "$TMP/err")" = 0 ]
check "summary line on stderr" grep -q '^scry: [0-9]* events captured, 0 dropped (0.00%), [0-9.]* s$' "$TMP/err"
finish
