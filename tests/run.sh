#!/bin/sh
# The test command: unit tests (cmocka), then integration tests (root, real kernel, real
# Docker). Every test program prints TAP: its plan ("1..N") and one "ok"/"not ok" line per
# check, "# SKIP" for a check it cannot make here. Each is held to its plan: checks that did
# not run (an early exit, a crash, a timeout) are failures, and so is a missing unit binary.
# Ends with one summary line, "N passed, M failed, K skipped", the skips' reasons above it, and
# exits non-zero on a failure or when nothing passed.
#
# Run from the repository root: BUILD=build sh tests/run.sh [PATTERN]
#   SCRY_TEST_TIMEOUT  seconds one integration script may take (default 600; a script can ask
#                      for more with a "# timeout: N" line)
#   SCRY_CI=1          a skip is a failure unless what it lacks is in SCRY_CI_MAY_LACK (.ci/run)
#   SCRY_TESTS         the directory of unit/ and integration/ (default tests; t_runner's fakes)
: "${BUILD:=build}"
: "${SCRY_TESTS:=tests}"
: "${SCRY_TEST_TIMEOUT:=600}"
export BUILD
pattern=${1:-}
passed=0 failed=0 skipped=0 failures=
RUN=$(mktemp -d /tmp/scry-run.XXXXXX) && chmod 755 "$RUN"	# tests run things as nobody
export SCRY_TEST_ROOT="$RUN"
log="$RUN/log"
: >"$RUN/skips"
tpid= stop=
trap 'stop=1; [ -n "$tpid" ] && kill -TERM -$tpid 2>/dev/null' INT TERM

# tally NAME STATUS [TIMEOUT [LEFT]]: count $log (one program's TAP output) against its plan;
# LEFT: the processes it left running (a failure).
tally() {
	name=$1 rc=$2 limit=${3:-} left=${4:-}
	set -- $(awk '
		/^1\.\.[0-9]+/ { plan += substr($0, 4) + 0; plans++ }
		/^(not )?ok( |$)/ { if (/# SKIP/) s++; else if (/^ok/) p++; else f++ }
		END { printf "%d %d %d %d", plans ? plan : -1, p, s, f }' "$log")
	plan=$1 p=$2 s=$3 f=$4 ran=$(($2 + $3 + $4))
	# Skips: their reasons for the summary; on CI, a failure unless the machine truly lacks it.
	sed -n 's/^\(not \)\{0,1\}ok.*# SKIP *//p' "$log" | while read -r why; do
		what=$(echo "$why" | sed -n 's/^\[\([^]]*\)\].*/\1/p')
		if [ -n "${SCRY_CI:-}" ] && ! echo " ${SCRY_CI_MAY_LACK:-} " | grep -qF " $what "; then
			echo "not ok - $name: skipped on CI, where it must run: $why"
		else
			echo "$name: $why" >>"$RUN/skips"
		fi
	done >"$log.ci"
	cat "$log.ci"
	n=$(grep -c . "$log.ci")
	s=$((s - n)) f=$((f + n))
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && [ -n "$limit" ]; then
		echo "not ok - $name timed out after $limit s"; f=$((f + 1))
	fi
	if [ -n "$left" ]; then
		echo "not ok - $name left processes running (killed): $left"; f=$((f + 1))
	fi
	if [ "$plan" -lt 0 ]; then
		echo "not ok - $name declared no plan"; f=$((f + 1))
	elif [ "$ran" -lt "$plan" ]; then
		echo "not ok - $name: $((plan - ran)) of its $plan planned checks did not run"
		f=$((f + plan - ran))
	elif [ "$ran" -gt "$plan" ]; then
		echo "not ok - $name made $ran checks, its plan says $plan"; f=$((f + 1))
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc"; f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	[ "$f" -ne 0 ] && failures="$failures $name"
}

for src in "$SCRY_TESTS"/unit/test_*.c; do
	[ -e "$src" ] || continue
	t="$BUILD/tests/$(basename "$src" .c)"
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	echo "== $t"
	if [ ! -x "$t" ]; then
		echo "not ok - $t is missing: make tests"
		failed=$((failed + 1)) failures="$failures $t"
		continue
	fi
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	tally "$t" $rc
done

for t in "$SCRY_TESTS"/integration/t_*.sh; do
	[ -e "$t" ] || continue
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	if [ "$(id -u)" -ne 0 ]; then
		n=$(sed -n 's/^plan \([0-9]*\).*/\1/p' "$t" | head -1)
		echo "1..$n" >"$log"
		i=0; while [ "$i" -lt "${n:-0}" ]; do echo "ok - # SKIP [root] integration tests need root" >>"$log"; i=$((i + 1)); done
		tally "$t" 0
		continue
	fi
	echo "== $t"
	limit=$(sed -n 's/^# timeout: \([0-9]*\)$/\1/p' "$t" | head -1)
	limit=${limit:-$SCRY_TEST_TIMEOUT}
	# timeout(1) gives the script its own process group and signals all of it: the script's
	# TERM trap runs its cleanup; 60 s later whatever is left is killed. An INT or TERM of the
	# runner goes to that group too, and the run ends after the script's cleanup.
	timeout -k 60 "$limit" sh "$t" >"$log" 2>&1 &
	tpid=$!
	wait $tpid
	rc=$?
	[ -n "$stop" ] && wait $tpid
	# What the script started and left running (in its process group, which is this run's),
	# still there a second later (a loop's last `sleep 0.05` is not a leak) and not a zombie
	# (an orphan's, which an init that does not reap leaves behind).
	left() {
		ps -eo pid=,pgid=,stat=,comm= |
			awk -v g=$tpid '$2 == g && $3 !~ /^Z/ { printf "%s%s(%s)", n++ ? " " : "", $4, $1 }'
	}
	left=$(left)
	[ -n "$left" ] && sleep 1 && left=$(left)
	[ -n "$left" ] && kill -KILL -$tpid 2>/dev/null
	tpid=
	cat "$log"
	tally "$t" $rc "$limit" "$left"
	[ -n "$stop" ] && break
done

# A test that died before its cleanup must not leave an engine behind: this run's, by pid.
. tests/lib/kill.sh
kill_engines "$RUN"

if [ -s "$RUN/skips" ]; then
	echo "skipped:"
	sort "$RUN/skips" | uniq -c | sed 's/^ */  /'
fi
rm -rf "$RUN"
[ -n "$stop" ] && echo "interrupted: the tests after the last one shown did not run" && failed=$((failed + 1))
[ -n "$failures" ] && echo "failed in:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
