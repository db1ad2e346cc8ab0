#!/bin/sh
# The test command: unit tests (cmocka), then integration tests (root, real kernel, real
# Docker). Ends with one summary line, "N passed, M failed", and exits non-zero on a failure.
# Run from the repository root: BUILD=build sh tests/run.sh [PATTERN]
: "${BUILD:=build}"
export BUILD
pattern=${1:-}
passed=0 failed=0 failures=
log=$(mktemp /tmp/scry-tests.XXXXXX)

count() { # count NAME OUTPUT_FILE STATUS: add ok/not ok lines; a crash counts as a failure
	p=$(grep -c '^ok - ' "$2") f=$(grep -c '^not ok - ' "$2")
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $1 exited with status $3"; fi
	passed=$((passed + p)) failed=$((failed + f))
	[ "$f" -ne 0 ] && failures="$failures $1"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	echo "== $t"
	"$t" >"$log" 2>&1
	rc=$?
	# cmocka: "[       OK ] name" / "[  FAILED  ] name"
	sed -n 's/^\[       OK \] \(.*\)/ok - \1/p; s/^\[  FAILED  \] \([a-z_0-9]*\)$/not ok - \1/p' "$log" >"$log.tap"
	grep -v '^\[ RUN\|^\[       OK' "$log" | grep -v '^\[==========\]\|PASSED' | sed 's/^/#   /'
	cat "$log.tap"
	count "$t" "$log.tap" $rc
done

if [ "$(id -u)" -ne 0 ]; then
	echo "# integration tests need root: skipped"
else
	for t in tests/integration/t_*.sh; do
		case "$t" in *"$pattern"*) ;; *) continue ;; esac
		echo "== $t"
		sh "$t" >"$log" 2>&1
		rc=$?
		cat "$log"
		count "$t" "$log" $rc
	done
fi
rm -f "$log" "$log.tap"
# A test that died before its cleanup must not leave a Docker engine behind for the next run.
if pgrep -f '/tmp/scry-test\.[A-Za-z0-9]*/docker/' >/dev/null 2>&1; then
	echo "# cleaning up after a test: engines left running"
	pkill -KILL -f '/tmp/scry-test\.[A-Za-z0-9]*/docker/'
	grep ' /tmp/scry-test\.' /proc/mounts | awk '{ print $2 }' | sort -r | xargs -r umount 2>/dev/null
fi
[ -n "$failures" ] && echo "failed in:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
