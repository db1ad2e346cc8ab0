# Shared helpers for the integration tests (sourced; POSIX sh + bash features avoided).
# Every test runs as root against the real kernel, declares its plan first (`plan N`: the
# number of checks it makes) and prints one "ok - ..." or "not ok - ..." line per check, or a
# "# SKIP" line for each check it cannot make here (`skip`). tests/run.sh counts the lines
# against the plan, so a check lost to an early exit is a failure, not a silence.

: "${BUILD:=build}"
SCRY="$PWD/$BUILD/scry"
HELPERS="$PWD/$BUILD/helpers"
# Under the runner's own directory when there is one, so that what a dead test left behind is
# found (and killed by pid) by the run that started it and by no other.
TMP=$(mktemp -d "${SCRY_TEST_ROOT:-/tmp}/scry-test.XXXXXX")
SCRY_PID=
# A signal ends the script (after the cleanup), rather than letting it run on without its
# processes; the runner's timeout is a TERM.
trap 'cleanup_all' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cleanup_all() {
	[ -n "$SCRY_PID" ] && kill -KILL "$SCRY_PID" 2>/dev/null
	[ -n "${EXTRA_CLEANUP:-}" ] && eval "$EXTRA_CLEANUP"
	[ -n "${SCRY_KEEP:-}" ] || rm -rf "$TMP"
}

fails=0 checks=0 PLAN=0
plan() { PLAN=$1; echo "1..$1"; }
ok() { echo "ok - $*"; checks=$((checks + 1)); }
not_ok() { echo "not ok - $*"; fails=$((fails + 1)) checks=$((checks + 1)); }
check() { # check DESCRIPTION COMMAND...: returns non-zero on failure, for "|| show details"
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; return 1; fi
}
# checkall DESCRIPTION 'CONDITION': like check, for a condition of several commands (&&, ||),
# all of which decide the result. The condition is eval'd: quote it once.
checkall() {
	d=$1; shift
	if eval "$1"; then ok "$d"; else not_ok "$d"; return 1; fi
}
finish() { exit "$fails"; }
# skip N WHAT REASON: the next N checks cannot be made because this machine lacks WHAT (one
# word: a program, a kernel feature); REASON says what to do about it. The runner counts them
# as skipped, and on CI (SCRY_CI=1) as failed unless WHAT is in SCRY_CI_MAY_LACK: every
# prerequisite there is installable, so a skip means a missing install step.
skip() {
	n=$1 what=$2; shift 2
	checks=$((checks + n))
	while [ "$n" -gt 0 ]; do echo "ok - skipped # SKIP [$what] $*"; n=$((n - 1)); done
}
# skip_rest WHAT REASON: skip every check of the plan not made yet, and end the script.
skip_rest() { skip $((PLAN - checks)) "$@"; finish; }

# wait_pid PID SECONDS: wait for a background job, but not for ever: a job still running after
# SECONDS (a missed event leaves `scry -n 1` waiting) is killed, and the status is 124. A
# zombie has ended: the shell reaps it only in `wait`.
alive() { [ -d "/proc/$1" ] && [ "$(sed 's/.*) //; s/ .*//' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
wait_pid() {
	wpid=$1 wi=0
	while alive "$wpid"; do
		wi=$((wi + 1))
		if [ $wi -gt $(($2 * 10)) ]; then
			echo "# pid $wpid still running after $2 s: killed"
			kill -KILL "$wpid" 2>/dev/null
			wait "$wpid"
			return 124
		fi
		sleep 0.1
	done
	wait "$wpid"
}

# start_scry OUT ERR ARGS...: run scry in the background until it says it is tracing.
start_scry() {
	out=$1 err=$2; shift 2
	"$SCRY" -v "$@" >"$out" 2>"$err" &
	SCRY_PID=$!
	i=0
	while ! grep -q '^scry: tracing' "$err" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! alive "$SCRY_PID"; then
			echo "# scry did not start:"; sed 's/^/#   /' "$err"
			return 1
		fi
		sleep 0.1
	done
}

# stop_scry [SIGNAL]: stop it and wait (60 s at most); returns its exit status.
stop_scry() {
	kill -"${1:-INT}" "$SCRY_PID" 2>/dev/null
	wait_pid "$SCRY_PID" 60
	rc=$?
	SCRY_PID=
	return $rc
}

# view NAME ARGS...: scry ARGS in the background, its output in $TMP/NAME.out and .err, until
# stop_view NAME (which adds "NAME=STATUS" to $vrc). Several run side by side; $VIEWS holds their
# pids for the test's EXTRA_CLEANUP.
VIEWS=
view() {
	n=$1; shift
	start_scry "$TMP/$n.out" "$TMP/$n.err" "$@" || return 1
	eval "PID_$n=\$SCRY_PID"
	VIEWS="$VIEWS $SCRY_PID" SCRY_PID=
}
stop_view() {
	eval "kill -INT \$PID_$1; wait_pid \$PID_$1 60"
	vrc="$vrc $1=$?"
}

# The "N dropped" figure of scry's summary line in ERR.
dropped() { sed -n 's/^scry: [0-9]* events captured, \([0-9]*\) dropped.*/\1/p' "$1"; }

py() { python3 -c "$@"; }
. tests/lib/kill.sh
