# Shared helpers for the integration tests (sourced; POSIX sh + bash features avoided).
# Every test runs as root against the real kernel and prints "ok - ..." or "not ok - ...".

: "${BUILD:=build}"
SCRY="$PWD/$BUILD/scry"
HELPERS="$PWD/$BUILD/helpers"
TMP=$(mktemp -d /tmp/scry-test.XXXXXX)
SCRY_PID=
trap 'cleanup_all' EXIT INT TERM

cleanup_all() {
	[ -n "$SCRY_PID" ] && kill -KILL "$SCRY_PID" 2>/dev/null
	[ -n "${EXTRA_CLEANUP:-}" ] && eval "$EXTRA_CLEANUP"
	rm -rf "$TMP"
}

fails=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; fails=$((fails + 1)); }
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

# start_scry OUT ERR ARGS...: run scry in the background until it says it is tracing.
start_scry() {
	out=$1 err=$2; shift 2
	"$SCRY" -v "$@" >"$out" 2>"$err" &
	SCRY_PID=$!
	i=0
	while ! grep -q '^scry: tracing' "$err" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 "$SCRY_PID" 2>/dev/null; then
			echo "# scry did not start:"; sed 's/^/#   /' "$err"
			return 1
		fi
		sleep 0.1
	done
}

# stop_scry [SIGNAL]: stop it and wait; returns its exit status.
stop_scry() {
	kill -"${1:-INT}" "$SCRY_PID" 2>/dev/null
	wait "$SCRY_PID"
	rc=$?
	SCRY_PID=
	return $rc
}

# The "N dropped" figure of scry's summary line in ERR.
dropped() { sed -n 's/^scry: [0-9]* events captured, \([0-9]*\) dropped.*/\1/p' "$1"; }

py() { python3 -c "$@"; }
