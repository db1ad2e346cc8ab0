#!/bin/sh
# The test runner itself (tests/run.sh), on a fake tree of tests whose outcomes are known: the
# summary counts every check exactly once, and a check that did not run (an early exit, a
# crash, a timeout, a missing unit binary, no plan) is a failure, not a silence; a skip is
# counted as skipped with its reason, and as a failure on CI unless the CI machine may lack
# it; a timed-out script runs its cleanup and leaves no process behind; kill_engines kills
# the pids of its own directory's pidfiles and nothing else.
. tests/lib/common.sh
plan 15

F="$TMP/fake" B="$TMP/build"
mkdir -p "$F/unit" "$F/integration" "$B/tests"
# runner [ENV=VALUE...]: the runner on the fake tree; its output in $TMP/out, its status in rc.
# Not CI unless the case says so (CI runs this test with SCRY_CI=1 in its environment).
runner() {
	env -u SCRY_CI -u SCRY_CI_MAY_LACK BUILD="$B" SCRY_TESTS="$F" SCRY_TEST_TIMEOUT=20 "$@" \
		sh tests/run.sh >"$TMP/out" 2>&1
	rc=$?
}
summary() { tail -1 "$TMP/out"; }
says() { grep -qF -- "$1" "$TMP/out"; }
unit() { # unit NAME BODY: a unit test binary (TAP as cmocka prints it) and its source
	: >"$F/unit/$1.c"
	printf '#!/bin/sh\n%s\n' "$2" >"$B/tests/$1" && chmod +x "$B/tests/$1"
}
script() { # script NAME BODY: an integration script
	printf '. tests/lib/common.sh\n%s\n' "$2" >"$F/integration/$1.sh"
}

# Units: a cmocka failure counted once, a skip, a crash midway, a missing binary.
unit test_a 'echo 1..3; echo "ok 1 - a"; echo "not ok 2 - b"; echo "# 0x1 != 0x2"; echo "ok 3 - c"; exit 1'
unit test_b 'echo 1..2; echo "ok 1 - a"; echo "not ok 2 # SKIP b"'
unit test_c 'echo 1..4; echo "ok 1 - a"; kill -SEGV $$'
: >"$F/unit/test_d.c"
runner
checkall "units: 4 passed, 5 failed (1 cmocka failure, 3 lost to a crash, 1 missing binary), 1 skipped" \
	'[ "$(summary)" = "4 passed, 5 failed, 1 skipped" ] && [ $rc -ne 0 ] &&
	 says "3 of its 4 planned checks did not run" && says "test_d is missing: make tests"' ||
	sed 's/^/#   /' "$TMP/out"
rm -f "$F"/unit/* "$B"/tests/*

# Scripts: an early exit, too many checks, no plan, a non-zero exit without a failed check.
script t_early 'plan 5
ok one
not_ok "scry starts"; finish
ok never'
script t_more 'plan 1
ok one; ok two; finish'
script t_noplan 'ok one; finish'
script t_status 'plan 1
ok one; exit 3'
runner
checkall "scripts: an early exit fails its 3 lost checks, an extra check, no plan, a bad status" \
	'[ "$(summary)" = "5 passed, 7 failed, 0 skipped" ] && says "3 of its 5 planned checks did not run" &&
	 says "made 2 checks, its plan says 1" && says "t_noplan.sh declared no plan" &&
	 says "t_status.sh exited with status 3"' || sed 's/^/#   /' "$TMP/out"
rm -f "$F"/integration/*

# Skips: counted apart with their reason; on CI a failure unless the machine may lack it.
script t_skip 'plan 4
ok one
skip 2 netem "no sch_netem module"
skip_rest podman "podman is not installed"'
runner
checkall "skips are counted as skipped, with their reasons in the summary" \
	'[ "$(summary)" = "1 passed, 0 failed, 3 skipped" ] && [ $rc -eq 0 ] &&
	 says "2 $F/integration/t_skip.sh: [netem] no sch_netem module" &&
	 says "1 $F/integration/t_skip.sh: [podman] podman is not installed"' || sed 's/^/#   /' "$TMP/out"
runner SCRY_CI=1 SCRY_CI_MAY_LACK="x netem y"
checkall "on CI a skip is a failure unless the machine may lack what it names" \
	'[ "$(summary)" = "1 passed, 1 failed, 2 skipped" ] && [ $rc -ne 0 ] &&
	 says "skipped on CI, where it must run: [podman] podman is not installed"' || sed 's/^/#   /' "$TMP/out"
runner SCRY_CI=1
check "on CI with nothing it may lack: every skip fails" [ "$(summary)" = "1 passed, 3 failed, 0 skipped" ] ||
	sed 's/^/#   /' "$TMP/out"
rm -f "$F"/integration/*

# Nothing passed: not a success.
script t_none 'plan 1
skip 1 thing "not here"'
runner
check "a run where nothing passed fails" [ "$(summary)" = "0 passed, 0 failed, 1 skipped" -a $rc -ne 0 ]
rm -f "$F"/integration/*

# A hang: the script is stopped at its timeout, named, runs its cleanup, leaves nothing behind.
script t_hang "# timeout: 3
plan 2
ok before
sleep 300 & echo \$! >'$TMP/child'
EXTRA_CLEANUP=\"touch '$TMP/cleaned'\"
sleep 300
ok never"
runner
checkall "a hanging script: stopped at its timeout, named, its lost check a failure" \
	'[ "$(summary)" = "1 passed, 2 failed, 0 skipped" ] && says "t_hang.sh timed out after 3 s" &&
	 says "1 of its 2 planned checks did not run"' || sed 's/^/#   /' "$TMP/out"
check "the timed-out script ran its cleanup" [ -e "$TMP/cleaned" ]
check "the timed-out script's background child is gone" sh -c "! kill -0 $(cat "$TMP/child") 2>/dev/null"
rm -f "$F"/integration/* "$TMP/cleaned"

# A script that leaves a process running: a failure, and the process is gone.
script t_leak "plan 1
ok one
sleep 300 & echo \$! >'$TMP/leaked'
finish"
runner
checkall "a script that leaves a process running fails, and the process is killed" \
	'[ "$(summary)" = "1 passed, 1 failed, 0 skipped" ] && says "t_leak.sh left processes running (killed): sleep(" &&
	 ! alive "$(cat "$TMP/leaked")"' || sed 's/^/#   /' "$TMP/out"
rm -f "$F"/integration/*

# A signal during a script: cleanup, then the script ends (it does not run on).
printf '. tests/lib/common.sh\nplan 1\nsleep 300 & s=$!\nEXTRA_CLEANUP="kill $s; touch %s/cleaned"\nwait $s\necho ran-on >%s/ranon\n' \
	"$TMP" "$TMP" >"$TMP/t_sig.sh"
# (An asynchronous command of a script starts with SIGINT ignored, which sh cannot trap: as a
# terminal's Ctrl-C would find it, the script starts with SIGINT at its default.)
python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp("sh", ["sh", sys.argv[1]])' \
	"$TMP/t_sig.sh" >/dev/null 2>&1 &
sigpid=$!
sleep 1
kill -INT $sigpid
wait_pid $sigpid 10
sigrc=$?
checkall "SIGINT during a script: its cleanup runs, then it ends (status $sigrc)" \
	'[ -e "$TMP/cleaned" ] && [ ! -e "$TMP/ranon" ] && [ $sigrc -eq 130 ]'

# wait_pid: a job that does not end is killed at the bound, status 124.
sleep 300 &
hung=$!
wait_pid $hung 1
check "wait_pid kills a job still running at its bound, status 124" [ $? -eq 124 ] && ! alive $hung

# kill_engines: the pids of its own directory's pidfiles, guarded against reuse; never others'.
mkdir -p "$TMP/eng/a" "$TMP/other"
ln -s "$(command -v sleep)" "$TMP/eng/a/sleep"
ln -s "$(command -v sleep)" "$TMP/other/sleep"
"$TMP/eng/a/sleep" 300 &
mine=$!
"$TMP/other/sleep" 300 &
theirs=$!
sleep 300 &
reused=$!
echo $mine >"$TMP/eng/a/docker.pid"
echo $reused >"$TMP/eng/containerd.pid"	# a stale pidfile whose pid another process now has
kill_engines "$TMP/eng"
sleep 0.2
check "kill_engines kills the engine its directory's pidfile names" sh -c "! kill -0 $mine 2>/dev/null || grep -q '^State:.*Z' /proc/$mine/status"
check "kill_engines leaves another run's engine alone" alive $theirs
check "kill_engines leaves a process that reused a stale pid alone" alive $reused
kill $theirs $reused
wait $mine $theirs $reused 2>/dev/null

finish
