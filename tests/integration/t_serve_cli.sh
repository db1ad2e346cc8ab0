#!/bin/sh
# scry serve's usage errors: one clear line and the documented status, before anything is
# loaded (a bad group, a serve option without serve, a listen address that is not numeric, a
# port already taken).
. tests/lib/common.sh
plan 4

# run_err WANT_RC PATTERN ARGS...: status WANT_RC, one line on stderr matching PATTERN
run_err() {
	want=$1 pat=$2; shift 2
	timeout 30 "$SCRY" "$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	[ $rc = "$want" ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q -- "$pat" "$TMP/e" ||
		{ echo "#   rc=$rc: $(cat "$TMP/e")"; return 1; }
}
check "an unknown --metrics group: exit 2, the word and the groups named" \
	run_err 2 "unknown group 'disk'; the groups are cpu, wait" serve --metrics cpu,disk
check "--listen without serve: exit 2" \
	run_err 2 "go with scry serve" --listen 127.0.0.1:9780 -M 1
check "a listen address that is not numeric: exit 2" \
	run_err 2 "expected ADDR:PORT with a numeric address" serve --listen localhost:9780
# a port taken by a listener of the test's own
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 0)); s.listen(1)
open('$TMP/port', 'w').write(str(s.getsockname()[1]))
time.sleep(60)" &
LPID=$!
EXTRA_CLEANUP='kill $LPID 2>/dev/null'
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "a port in use: exit 1, said" \
	run_err 1 "cannot listen on 127.0.0.1:$(cat "$TMP/port")" serve --listen "127.0.0.1:$(cat "$TMP/port")" -M 1
kill $LPID; wait_pid $LPID 10
finish
