#!/bin/sh
# Hostile captures, made by a forger written from docs/capture-format.md alone
# (tests/tools/forge_capture.py): every file is well formed in its checksums and lengths and says
# what no recorder would. A replay's memory stays bounded and its time linear in the file, times
# near 2^64 and records outside their block are refused, cut-out blocks and end-marker totals
# are damage (exit 3, one warning), a 16-byte comm never shows heap bytes, thousands of
# recordings replay under a small descriptor limit, a FIFO is refused at once, and a header says
# what is wrong with it. Bounds are checked as ratios between a file and one several times
# larger, never against wall-clock thresholds. Needs no root, BPF or Docker.
. tests/lib/common.sh
plan 27

FORGE="python3 $PWD/tests/tools/forge_capture.py"
cd "$TMP" || exit 1

# measure RUNS CMD...: "peak-RSS-KB min-CPU-seconds exit-status" of CMD run RUNS times. Under
# AddressSanitizer, freed memory waits in a quarantine of up to 256 MB: a small one makes the
# peak RSS what is held, as without it.
measure() {
	python3 - "$@" <<'EOF'
import os, resource, subprocess, sys
runs, cmd, best, rc = int(sys.argv[1]), sys.argv[2:], None, None
asan = os.environ.get('ASAN_OPTIONS', '')
env = dict(os.environ, ASAN_OPTIONS=(asan + ':' if asan else '') + 'quarantine_size_mb=4')
for _ in range(runs):
    a = resource.getrusage(resource.RUSAGE_CHILDREN)
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env).returncode
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = b.ru_utime - a.ru_utime + b.ru_stime - a.ru_stime
    best = cpu if best is None else min(best, cpu)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "%.4f" % best, rc)
EOF
}
# le A B: A <= B for decimal numbers.
le() { python3 -c "import sys; sys.exit(0 if float('$1') <= float('$2') else 1)"; }
# warned FILE PATTERN: exactly one line on stderr, matching.
warned() { [ "$(wc -l <"$1")" -eq 1 ] && grep -q "$2" "$1"; }

# --- an independent writer agrees with scry on a whole file -------------------------------------
$FORGE valid valid.scry 50
"$SCRY" -r valid.scry -p '%evt.num %evt.type %proc.name %proc.cmdline' >valid.out 2>valid.err
rc=$?
checkall "a file forged from the spec replays whole: exit 0, no message, every event" \
	'[ $rc -eq 0 ] && [ ! -s valid.err ] && [ "$(wc -l <valid.out)" -eq 103 ] &&
	 [ "$(grep -c " getppid forged forged --n 50\$" valid.out)" -eq 100 ]' ||
	{ sed 's/^/#   /' valid.err | head -3; tail -2 valid.out | sed 's/^/#   /'; }

# --- memory: bounded whatever the file says --------------------------------------------------------
# bounded NAME SCENARIO N FACTOR: peak RSS of the replay of N and of FACTOR*N: the larger file
# may not cost more than 1.5x the smaller one (+ 8 MB of slack): what it adds is not kept.
bounded() {
	$FORGE "$2" small.scry "$3" && $FORGE "$2" large.scry $(($3 * $4)) || { not_ok "$1: forge"; return; }
	set -- "$1" "$(measure 1 "$SCRY" -r small.scry -p '%evt.num %container.name %proc.name')" \
		"$(measure 1 "$SCRY" -r large.scry -p '%evt.num %container.name %proc.name')" \
		"$(stat -c %s large.scry)"
	echo "# $1: peak RSS $(echo "$2" | cut -d' ' -f1) KB, then $(echo "$3" | cut -d' ' -f1) KB for a file of $4 bytes"
	check "$1: a bounded replay ($(echo "$2" | cut -d' ' -f1) KB, then $(echo "$3" | cut -d' ' -f1) KB)" \
		le "$(echo "$3" | cut -d' ' -f1)" "$(($(echo "$2" | cut -d' ' -f1) * 3 / 2 + 8192))"
}
bounded "4 million empty labels in 2 containers, then 16 million in 8" labels 4000000 4
"$SCRY" -r large.scry -p '%container.name' >/dev/null 2>lab.err
check "... said once: the labels past the limit are not kept" warned lab.err 'keeps at most 1024 labels on a container: the rest are not kept'
bounded "one container with 250000 cgroups, then 1 million" cgids 250000 4
"$SCRY" -r large.scry -p '%container.name' >/dev/null 2>cg.err
check "... said once: the cgroups past the limit are shown as the host" warned cg.err 'keeps at most 131072 cgroups of a container'
bounded "150000 forks of fresh pids that never exit, then 600000" forks 150000 4
"$SCRY" -r large.scry -p '%evt.num' >/dev/null 2>forks.err
check "... said once: processes past the limit are not tracked" warned forks.err 'keeps at most 131072 processes at once'
bounded "a snapshot of 40000 processes with 2 KiB command lines, then 160000" procs 40000 4

$FORGE bigargs big.scry
"$SCRY" -r big.scry -p '%proc.name %proc.cmdline' >big.out 2>big.err
rc=$?
checkall "a snapshot process with 1 MiB of arguments (no recorder keeps more than 8 KiB): refused as damage, exit 3, one warning, the rest replays" \
	'[ $rc -eq 3 ] && warned big.err "1 item was refused (a process of the snapshot)" &&
	 [ "$(sort -u big.out)" = "small small ok" ]' || { sed 's/^/#   /' big.err; head -2 big.out | sed 's/^/#   /'; }

# --- time: linear in the file ----------------------------------------------------------------------
# linear NAME FORGE-ARGS... -- N: CPU time of the replay of N and 4N: at most 8x (quadratic: 16x).
$FORGE containers c1.scry 10000 && $FORGE containers c4.scry 40000
a=$(measure 3 "$SCRY" -r c1.scry -p '%container.name') b=$(measure 3 "$SCRY" -r c4.scry -p '%container.name')
ta=$(echo "$a" | cut -d' ' -f2) tb=$(echo "$b" | cut -d' ' -f2)
echo "# 10000 containers: ${ta} s of CPU; 40000: ${tb} s"
check "40000 containers take at most 8x the CPU time of 10000 (${ta} s, ${tb} s): linear, not quadratic" \
	le "$tb" "$(python3 -c "print(8 * max($ta, 0.005))")"
"$SCRY" -r c4.scry -p '%container.name' 2>c4.err | sort -u >c4.names
check "... and every one of the 40000 events shows its own container's name" \
	[ "$(grep -c '^ctr-[0-9]*$' c4.names)" -eq 40000 -a ! -s c4.err ]

# exits lost (no exit records): a table of N live processes, then N records 100 ms apart, each a
# tick that reaps; reaping costs what it frees, not the table's size.
$FORGE churn ch1.scry 5000 && $FORGE churn ch4.scry 20000
a=$(measure 3 "$SCRY" -r ch1.scry -p '%evt.num') b=$(measure 3 "$SCRY" -r ch4.scry -p '%evt.num')
ta=$(echo "$a" | cut -d' ' -f2) tb=$(echo "$b" | cut -d' ' -f2)
echo "# 5000 live processes and 5000 ticks: ${ta} s of CPU; 20000 and 20000: ${tb} s"
check "4x the live processes and 4x the ticks take at most 8x the CPU time (${ta} s, ${tb} s)" \
	le "$tb" "$(python3 -c "print(8 * max($ta, 0.005))")"

# --- times near 2^64 and records outside their block ------------------------------------------------
$FORGE farblock far.scry
# (at most 5 MB of output: an old reader printed empty tables at 40 MB/s for ever)
(ulimit -f 10000 && exec timeout 20 "$SCRY" -r far.scry -c topprocs_cpu) >far.out 2>far.err
rc=$?
checkall "an event block near 2^64 with -c VIEW: returns at once, exit 3, one warning, no flood of tables ($(wc -c <far.out) bytes)" \
	'[ $rc -eq 3 ] && [ "$(wc -c <far.out)" -lt 10000 ] && warned far.err "1 damaged block skipped (its time range is impossible)"' ||
	{ echo "#   rc $rc"; sed 's/^/#   /' far.err | head -3; }
$FORGE farfuture farh.scry
(ulimit -f 10000 && exec timeout 20 "$SCRY" -r farh.scry -M 1 -c topprocs_cpu) >farh.out 2>farh.err
rc=$?
checkall "a recording that starts near 2^64: refused with one clear line (rc=$rc)" \
	'[ $rc -eq 1 ] && [ ! -s farh.out ] && warned farh.err "its header is damaged (its boot time, start or file time lies past the year 2116)"' ||
	sed 's/^/#   /' farh.err | head -3
$FORGE outside out.scry
timeout 20 "$SCRY" -r out.scry -p '%proc.name' >out.out 2>out.err
rc=$?
checkall "a record outside its block's time range: refused, exit 3, one warning, the record before it replays" \
	'[ $rc -eq 3 ] && [ "$(cat out.out | tr "\n" " ")" = "early early " ] &&
	 warned out.err "an event record outside its block.s time range"' ||
	{ echo "#   rc $rc"; sed 's/^/#   /' out.err; }

# --- blocks cut out: damage, said, exit 3 --------------------------------------------------------------
$FORGE gap gap.scry
"$SCRY" -r gap.scry -p '%evt.num' >gap.out 2>gap.err
rc=$?
checkall "a whole recording with one event block cut out: exit 3, one warning naming the missing block, the other 300 syscalls replay" \
	'[ $rc -eq 3 ] && warned gap.err "gap.scry: block 3 is missing" && [ "$(wc -l <gap.out)" -eq 600 ]' ||
	{ echo "#   rc $rc"; sed 's/^/#   /' gap.err; }
$FORGE totals tot.scry
"$SCRY" -r tot.scry -p '%evt.num' >tot.out 2>tot.err
rc=$?
checkall "the same with the blocks after it renumbered: its end marker's totals tell (exit 3, one warning)" \
	'[ $rc -eq 3 ] && warned tot.err "its end marker counts 400 records but 300 were read" && [ "$(wc -l <tot.out)" -eq 600 ]' ||
	{ echo "#   rc $rc"; sed 's/^/#   /' tot.err; }
cp gap.scry gap2.scry
"$SCRY" -r valid.scry -r gap.scry -r gap2.scry -p '%evt.num' >/dev/null 2>g3.err
rc=$?
checkall "a whole file and a holed one given twice: exit 3, the hole said once, the duplicate said once" \
	'[ $rc -eq 3 ] && [ "$(wc -l <g3.err)" -eq 2 ] && [ "$(grep -c "is missing" g3.err)" -eq 1 ] && grep -q "read once" g3.err' ||
	sed 's/^/#   /' g3.err

# --- comm: 15 bytes and a NUL -----------------------------------------------------------------------------
$FORGE comm15 c15.scry && $FORGE comm16 c16.scry
"$SCRY" -r c15.scry -c ps --interval 0 -j >c15.json 2>c15.err
rc=$?
py "
import json
rows = {r['proc.pid']: r for r in json.load(open('c15.json'))['rows']}
assert rows[4343]['proc.name'] == 'ABCDEFGHIJKLMNO', rows[4343]
assert rows[4343]['proc.cmdline'] == 'ABCDEFGHIJKLMNO --flag', rows[4343]
print('ok')" >res 2>&1
checkall "an exec with a 15-byte comm: proc.name and proc.cmdline are exactly what was written (rc=$rc)" \
	'[ $rc -eq 0 ] && [ ! -s c15.err ] && grep -qx ok res' || { sed 's/^/#   /' res c15.err | tail -3; }
"$SCRY" -r c16.scry -c ps --interval 0 -j >c16.json 2>c16.err
rc=$?
py "
import json
written = {'sh', 'ABCDEFGHIJKLMNOP', 'ABCDEFGHIJKLMNO', 'init'}
for r in json.load(open('c16.json'))['rows']:
    assert r['proc.name'] in written, ('bytes nobody wrote', r['proc.name'])
    assert r['proc.cmdline'].split(' ')[0] in written, ('bytes nobody wrote', r['proc.cmdline'])
print('ok')" >res 2>&1
checkall "an exec with a 16-byte comm (the kernel never writes one): refused, exit 3, one warning, no heap bytes in proc.name or proc.cmdline" \
	'[ $rc -eq 3 ] && warned c16.err "1 item was refused" && grep -qx ok res' ||
	{ echo "#   rc $rc"; sed 's/^/#   /' res c16.err | tail -3; }

# --- many recordings -----------------------------------------------------------------------------------------
$FORGE many many 1500
set --
for f in many/r*.scry; do set -- "$@" -r "$f"; done
(ulimit -n 256 && exec "$SCRY" "$@" -p '%evt.rawtime %proc.pid') >many.out 2>many.err
rc=$?
py "
t = [int(l.split()[0]) for l in open('many.out')]
assert len(t) == 6000, len(t)
assert t == sorted(t), 'not in time order'
print('ok')" >res 2>&1
checkall "1500 recordings under a limit of 256 descriptors: exit 0, no message, all 6000 events in time order" \
	'[ $rc -eq 0 ] && [ ! -s many.err ] && grep -qx ok res' || { echo "#   rc $rc"; sed 's/^/#   /' many.err res | head -3; }
# the same with 40 syscalls each: choosing the next record must not scan every recording
$FORGE many m1 1000 40 && $FORGE many m4 4000 40
set --
for f in m1/r*.scry; do set -- "$@" -r "$f"; done
a=$(measure 3 "$SCRY" "$@" -p '%evt.num')
set --
for f in m4/r*.scry; do set -- "$@" -r "$f"; done
b=$(measure 3 "$SCRY" "$@" -p '%evt.num')
echo "# 1000 recordings: $a; 4000: $b (peak RSS KB, CPU s, status)"
check "4000 recordings take at most 4.5x the memory of 1000 ($(echo "$a" | cut -d' ' -f1) KB, $(echo "$b" | cut -d' ' -f1) KB): linear" \
	le "$(echo "$b" | cut -d' ' -f1)" "$(($(echo "$a" | cut -d' ' -f1) * 9 / 2))"
check "... and at most 8x the CPU time ($(echo "$a" | cut -d' ' -f2) s, $(echo "$b" | cut -d' ' -f2) s)" \
	le "$(echo "$b" | cut -d' ' -f2)" "$(python3 -c "print(8 * max($(echo "$a" | cut -d' ' -f2), 0.005))")"

# --- what is not a capture, said clearly --------------------------------------------------------------------
one_line() { # one_line NAME WANT_RC PATTERN CMD...
	n=$1 want=$2 pat=$3; shift 3
	"$@" >o 2>e
	rc=$?
	checkall "$n (rc=$rc)" '[ $rc -eq "$want" ] && [ "$(wc -l <e)" -eq 1 ] && [ ! -s o ] && grep -q "$pat" e' ||
		sed 's/^/#   /' e | head -3
}
mkfifo fifo
one_line "-r of a FIFO: refused at once with one clear line (no writer needed)" 1 "fifo is not a regular file" \
	timeout 10 "$SCRY" -r fifo
$FORGE major0 m0.scry
one_line "a header of format major version 0: said so, not a checksum mismatch" 1 "says capture format 0.0, which no scry writes" \
	"$SCRY" -r m0.scry
$FORGE badlen bl.scry
one_line "a header whose length is impossible: said so, not a checksum mismatch" 1 "gives its length as 12 bytes; a header has 70 to 65536" \
	"$SCRY" -r bl.scry
one_line "a /proc file: not a capture (it is not empty)" 1 "/proc/self/status has content but no size (a /proc or /sys file)" \
	"$SCRY" -r /proc/self/status
finish
