#!/bin/sh
# Exit records lost to a full ring: 200 sleeps start while scry watches, then scry is stopped
# (SIGSTOP) while a getppid flood fills its 1 MiB ring and the sleeps exit, so that their exit
# records are dropped. Once scry runs again, its process table is reconciled with /proc and none
# of the sleeps is left in it: the last file of the recording (-G 1: a new file, with a snapshot
# of the table, every second) replayed as `ps` lists none of them.
. tests/lib/common.sh
plan 3

start_scry "$TMP/rec.out" "$TMP/rec.err" --ring-mb 1 -G 1 -w "$TMP/r.scry" ||
	{ not_ok "scry -w starts"; finish; }
# 200 sleeps, children of one shell that reports their pids and waits for them.
sh -c 'i=0; while [ $i -lt 200 ]; do sleep 2 & echo $!; i=$((i + 1)); done; wait' >"$TMP/pids" &
sleeps=$!
sleep 1	# their forks are in the table
kill -STOP "$SCRY_PID"
taskset -c 0 "$HELPERS/getppid_loop" 2000000 >/dev/null	# the ring is full long before this ends
wait $sleeps	# the sleeps exit meanwhile; their exits find no room
kill -CONT "$SCRY_PID"
sleep 3.5	# the table is reconciled, the gone are reaped, and a new file snapshots the table
stop_scry INT
check "scry -w exits 0" [ $? -eq 0 ] || sed 's/^/#   /' "$TMP/rec.err" | tail -3
dropped=$(dropped "$TMP/rec.err")
check "the ring overflowed while scry was stopped (dropped ${dropped:-?} records)" [ "${dropped:-0}" -gt 0 ]
last=$(ls "$TMP"/r.scry* | sort -V | tail -n 1)
"$SCRY" -r "$last" -c ps --interval 0 --top 100000 -j >"$TMP/ps" 2>"$TMP/ps.err"
py "
import json
gone = set(int(l) for l in open('$TMP/pids') if l.strip())
rows = [r for l in open('$TMP/ps') for r in json.loads(l)['rows']]
left = [r['proc.pid'] for r in rows if r['proc.pid'] in gone]
assert len(gone) == 200 and rows, (len(gone), len(rows))
assert not left, ('exited processes still in the table', len(left), left[:5])
print('ok', len(rows))
" >"$TMP/res" 2>&1
check "the last snapshot lists none of the 200 exited sleeps ($(tail -1 "$TMP/res"))" \
	grep -q '^ok' "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
finish
