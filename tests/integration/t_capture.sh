#!/bin/sh
# Capture files against the live truth: a getppid loop on the host and in a named container of a
# private dockerd, recorded with -w and replayed with -r while the engine is stopped: exact
# counts and names; -n, -M and filters as on the full replay; byte-identical replays; a filtered
# capture keeps process names; rotation with -C/-W; a killed recorder; truncation and corruption
# (also under the sanitizer build: what is intact replays, one warning, exit 3); bad files;
# replay without root; a view's table equal to the live one.
. tests/lib/common.sh
# The sanitizer build replays the damaged files too, if there is one that knows -r: one check
# more (the plan said 36 whether or not it ran, and failed where build-san existed).
SAN_SCRY=${SAN_SCRY:-$PWD/build-san/scry}
[ "$SAN_SCRY" != "$SCRY" ] && [ -x "$SAN_SCRY" ] &&
	timeout 10 "$SAN_SCRY" -r /etc/hostname 2>&1 | grep -q 'not a scry capture' || SAN_SCRY=
if [ -n "$SAN_SCRY" ]; then plan 37; else plan 36; fi
. tests/lib/docker.sh
tag=$$
name=scrycap-$tag
cap="$TMP/c.scry"

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }

# --- record: a loop on the host, one in a container started after scry, a live view alongside -----
start_scry "$TMP/view.out" "$TMP/view.err" -c topprocs_syscalls --interval 0 -j \
	"container.name=$name" || { not_ok "live view starts"; finish; }
VIEW_PID=$SCRY_PID
SCRY_PID=
EXTRA_CLEANUP="kill -KILL $VIEW_PID 2>/dev/null; $EXTRA_CLEANUP"
# The loops' events printed live, to compare with their replay field by field.
start_scry "$TMP/live.json" "$TMP/live.err" -j -pc proc.name=getppid_loop || { not_ok "scry -j starts"; finish; }
LIVE_PID=$SCRY_PID
SCRY_PID=
EXTRA_CLEANUP="kill -KILL $LIVE_PID 2>/dev/null; $EXTRA_CLEANUP"
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$cap" || { not_ok "scry -w starts"; finish; }
set -- $("$HELPERS/getppid_loop" 50000)
host_tid=$2
"$DOCKER" run --name "$name" --network none "$IMAGE" sh -c 'sleep 1; /h/getppid_loop 30000' >/dev/null
sleep 0.3
stop_scry INT
check "scry -w exits 0" [ $? -eq 0 ]
kill -INT "$LIVE_PID" "$VIEW_PID"
wait_pid "$LIVE_PID" 60
live_rc=$?
wait_pid "$VIEW_PID" 60
view_rc=$?
check "the live -j stream and the live view exit 0 (got $live_rc and $view_rc)" [ $live_rc -eq 0 -a $view_rc -eq 0 ]
check "summary: events written to the file, 0 dropped by the writer" \
	grep -q "^scry: wrote [0-9]* events to $cap (1 file, .* bytes/event), 0 dropped by the writer$" "$TMP/rec.err" ||
	sed 's/^/#   /' "$TMP/rec.err" | tail -3
check "the recording dropped nothing in the kernel either (got $(dropped "$TMP/rec.err"))" [ "$(dropped "$TMP/rec.err")" = 0 ]
check "the capture is private: mode 0600" [ "$(stat -c %a "$cap")" = 600 ]
grep '^scry: wrote' "$TMP/rec.err" | sed 's/^/# /'
dockerd_stop	# replays below know names from the file alone
# rep OUT ARGS...: scry ARGS... into $TMP/OUT, its exit status and stderr beside it; replayed OUT:
# it exited 0 without a word. No check below takes an output without its status.
rep() {
	o=$1; shift
	"$SCRY" "$@" >"$TMP/$o" 2>"$TMP/$o.err"
	echo $? >"$TMP/$o.rc"
}
replayed() {
	for o; do
		[ "$(cat "$TMP/$o.rc")" = 0 ] && [ ! -s "$TMP/$o.err" ] ||
			{ echo "# $o: exit $(cat "$TMP/$o.rc")"; sed 's/^/#   /' "$TMP/$o.err" | head -3; return 1; }
	done
}

# --- exact counts and names, with the engine gone ----------------------------------------------------
"$SCRY" -r "$cap" -j -pc >"$TMP/all.json" 2>"$TMP/all.err"
check "replay exits 0 without a message" [ $? -eq 0 -a ! -s "$TMP/all.err" ] || sed 's/^/#   /' "$TMP/all.err" | head -3
py "
import json, collections
host = collections.Counter(); ctr = collections.Counter(); nums = []
for line in open('$TMP/all.json'):
    e = json.loads(line)
    nums.append(e['evt.num'])
    if e['evt.type'] != 'getppid' or e['proc.name'] != 'getppid_loop':
        continue
    if e['thread.tid'] == $host_tid:
        assert e['container.name'] == 'host', e
        host[e['evt.dir']] += 1
    elif e['container.name'] == '$name':
        assert e['container.image'] == '$IMAGE' and len(e['container.id']) == 12, e
        ctr[e['evt.dir']] += 1
    else:
        raise AssertionError(('loop events elsewhere', e))
assert host == {'>': 50000, '<': 50000}, host
assert ctr == {'>': 30000, '<': 30000}, ctr
assert nums == list(range(1, len(nums) + 1)), 'evt.num runs 1, 2, ...'
print('ok')
" >"$TMP/res" 2>&1
check "replay: exactly 50000 enters and exits of the host loop's tid, 30000 of the loop in container $name by name and image (engine stopped)" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

rep rep.json -r "$cap" -j -pc proc.name=getppid_loop
: >"$TMP/res"; replayed rep.json && py "
import json
def events(f):
    out = []
    for line in open(f):
        e = json.loads(line)
        # Each tracer has its own BPF programs, so its own clock reads (microseconds apart)
        # and CPU-time samples, and numbers events from its own start. Its own tick too: an
        # execve's enter goes out at that tracer's tick if one falls inside the exec, named
        # after the old image (sh), else at the exec, named after the new one: whether the
        # filter on proc.name takes it depends on the tracer, so execve enters are left out.
        # A recording traces block requests, a stream whose filter does not ask for them does
        # not: a page-in the loop happens to cause is only in the recording.
        if e['evt.type'] in ('switch', 'blockio') or (e['evt.type'] == 'execve' and e['evt.dir'] == '>'):
            continue
        for k in ('evt.num', 'evt.time', 'evt.latency'):
            e.pop(k, None)
        out.append(json.dumps(e, sort_keys=True))
    return out
live, rep = events('$TMP/live.json'), events('$TMP/rep.json')
assert len(live) >= 160000 and live == rep, (len(live), len(rep), [(a, b) for a, b in zip(live, rep) if a != b][:2])
print('ok')
" >"$TMP/res" 2>&1
check "the loops' events replayed are the live ones, field by field (but the times each tracer took itself)" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- determinism, -n, -M, filters ------------------------------------------------------------------------
rep t1 -r "$cap"
rep t2 -r "$cap"
rep j2 -r "$cap" -j -pc
checkall "replaying twice gives byte-identical output (text and -j)" \
	'replayed t1 t2 j2 && [ -s "$TMP/t1" ] && cmp -s "$TMP/t1" "$TMP/t2" && cmp -s "$TMP/all.json" "$TMP/j2"'
rep n.json -r "$cap" -n 1000 -j -pc
checkall "-n 1000: the first 1000 events of the full replay" \
	'replayed n.json && [ "$(wc -l <"$TMP/n.json")" -eq 1000 ] &&
	 head -n 1000 "$TMP/all.json" | cmp -s - "$TMP/n.json"'
filter="proc.name=getppid_loop and evt.dir=<"
rep f.json -r "$cap" -j -pc $filter
: >"$TMP/res"; replayed f.json && py "
import json
want = [l for l in open('$TMP/all.json') if json.loads(l)['proc.name'] == 'getppid_loop' and json.loads(l)['evt.dir'] == '<']
got = open('$TMP/f.json').readlines()
assert got == want and len(got) >= 80000, (len(got), len(want))
print('ok')
" >"$TMP/res" 2>&1
check "a filter on replay selects exactly the full replay's matching events (same evt.num)" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
rep nf.json -r "$cap" -n 500 -j -pc $filter
checkall "-n 500 with a filter: its first 500 matches" \
	'replayed nf.json && [ "$(wc -l <"$TMP/nf.json")" -eq 500 ] &&
	 head -n 500 "$TMP/f.json" | cmp -s - "$TMP/nf.json"'
fmt='%evt.rawtime %thread.tid %evt.dir %evt.type %proc.name'
rep all.p -r "$cap" -p "$fmt"
rep m.p -r "$cap" -M 1.5 -p "$fmt"
# The recording's start from the file's header (docs/capture-format.md: boot_wall at 32, start_ts
# at 40, little-endian), not from scry: -M 1.5 keeps the full replay's events up to start + 1.5 s
# of event time (evt.rawtime is ts + boot_wall), in its order, and none after. The one exception
# is a syscall that straddles the limit: its enter and exit are one record, timed by its exit,
# kept or left whole; so an enter whose exit (its thread's next event) comes after the limit may
# be left out, and nothing else.
: >"$TMP/res"; replayed all.p m.p && py "
import struct
boot_wall, start_ts = struct.unpack('<QQ', open('$cap', 'rb').read(48)[32:48])
end = boot_wall + start_ts + 1500000000
a = open('$TMP/all.p').readlines(); m = open('$TMP/m.p').readlines()
ev = [l.split() for l in a]
want = [i for i, e in enumerate(ev) if int(e[0]) <= end]
assert 0 < len(want) < len(a), ('the recording is not longer than 1.5 s', len(want), len(a))
def straddles(i):
    if ev[i][2] != '>':
        return False
    for e in ev[i + 1:]:
        if e[1] == ev[i][1]:
            return e[2] == '<' and e[3] == ev[i][3] and int(e[0]) > end
    return False
j = 0
for i in want:
    if j < len(m) and m[j] == a[i]:
        j += 1
    else:
        assert straddles(i), ('-M 1.5 has', m[j:j + 1], 'where the full replay has', a[i])
assert j == len(m), ('-M 1.5 kept events after the limit', m[j:j + 2])
print('ok')
" >"$TMP/res" 2>&1
check "-M 1.5: the full replay's events up to 1.5 s of event time after the recording began (header's start), and none after" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- a view: the replayed table is the live one --------------------------------------------------------
rep view.replay -r "$cap" -c topprocs_syscalls --interval 0 -j "container.name=$name"
: >"$TMP/res"; replayed view.replay && py "
import json
def rows(f):
    return sorted((r['proc.pid'], r['proc.name'], r['container.name'], r['syscalls'], r['errors'])
                  for r in json.load(open(f))['rows'])
live, rep = rows('$TMP/view.out'), rows('$TMP/view.replay')
assert live == rep and any(r[1] == 'getppid_loop' and r[3] >= 30000 for r in live), (live, rep)
print('ok')
" >"$TMP/res" 2>&1
check "-c topprocs_syscalls on the replay: the live table's rows, counts and names" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- a filtered capture keeps the processes' names and command lines -----------------------------------
start_scry "$TMP/fr.out" "$TMP/fr.err" -w "$TMP/f.scry" evt.type=getppid || { not_ok "scry -w FILTER starts"; finish; }
"$HELPERS/getppid_loop" 20000 >/dev/null
sleep 0.3
stop_scry INT
frc=$?
rep fr.p -r "$TMP/f.scry" -p '%evt.type %proc.name %proc.cmdline' evt.type=getppid
checkall "filtered capture: exit 0 (got $frc); the loop's 40000 events carry its name and command line (its exec was kept)" \
	'[ $frc -eq 0 ] && replayed fr.p && [ "$(grep -c "^getppid getppid_loop getppid_loop 20000\$" "$TMP/fr.p")" -eq 40000 ]'
rep fr.types -r "$TMP/f.scry" -p '%evt.type'
# (and the calls that change fd tables, so that fds replay named: issue 12)
fdcalls='open\|openat\|openat2\|creat\|close\|close_range\|dup\|dup2\|dup3\|fcntl\|socket\|socketpair'
fdcalls="$fdcalls"'\|pipe\|pipe2\|accept\|accept4\|connect\|bind\|listen\|eventfd\|eventfd2\|timerfd_create'
fdcalls="$fdcalls"'\|signalfd\|signalfd4\|epoll_create\|epoll_create1\|inotify_init\|inotify_init1'
fdcalls="$fdcalls"'\|memfd_create\|pidfd_open\|pidfd_getfd\|userfaultfd\|io_uring_setup\|perf_event_open'
fdcalls="$fdcalls"'\|fanotify_init\|chdir\|fchdir\|unshare\|bpf'
checkall "filtered capture: only matching events besides process lifecycle, TCP state changes and fd table changes" \
	'replayed fr.types && [ "$(grep -c "^getppid\$" "$TMP/fr.types")" -ge 40000 ] &&
	 ! grep -qv "^\(getppid\|procfork\|procexec\|procexit\|procrename\|sockstate\|$fdcalls\)\$" "$TMP/fr.types"'

# --- -r with -w: a replay re-recorded, filtered, still with names (the engine is stopped) ----------------
"$SCRY" -r "$cap" -w "$TMP/re.scry" "container.name=$name" >"$TMP/re.out" 2>"$TMP/re.err"
rc=$?
checkall "-r FILE -w FILE2 FILTER: exit 0, 0 dropped by the writer, nothing on stdout" \
	'[ $rc -eq 0 ] && [ ! -s "$TMP/re.out" ] &&
	 grep -q "^scry: wrote [0-9]* events to $TMP/re.scry (1 file, .*), 0 dropped by the writer\$" "$TMP/re.err"' ||
	sed 's/^/#   /' "$TMP/re.err" | tail -3
fmt='%evt.rawtime %thread.tid %thread.vtid %evt.dir %evt.type %evt.res %proc.name %proc.cmdline %container.name %container.image'
rep re.want -r "$cap" -p "$fmt" "container.name=$name"
rep re.got -r "$TMP/re.scry" -p "$fmt" "container.name=$name"
nloop=$(grep -c " getppid .* getppid_loop 30000 $name $IMAGE\$" "$TMP/re.got")
checkall "the re-recorded file holds exactly the container's events ($nloop of its loop's 60000), by name and image (engine stopped)" \
	'replayed re.want re.got && [ "$nloop" -eq 60000 ] && cmp -s "$TMP/re.want" "$TMP/re.got"' ||
	wc -l "$TMP/re.want" "$TMP/re.got" | sed 's/^/#   /'
start0=$("$SCRY" -v -r "$cap" -n 1 2>&1 >/dev/null | sed -n 's/^scry: replaying a recording that began at \([0-9]*\) ns.*/\1/p')
start1=$("$SCRY" -v -r "$TMP/re.scry" -n 1 2>&1 >/dev/null | sed -n 's/^scry: replaying a recording that began at \([0-9]*\) ns.*/\1/p')
check "the re-recorded file keeps the recording's start and clock ($start1)" [ -n "$start0" -a "$start0" = "$start1" ]
one_line() { # one_line NAME WANT_RC PATTERN CMD...
	n=$1 want=$2 pat=$3; shift 3
	"$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	checkall "$n (rc=$rc)" '[ $rc -eq "$want" ] && [ "$(wc -l <"$TMP/e")" -eq 1 ] && [ ! -s "$TMP/o" ] &&
		grep -q "$pat" "$TMP/e"' || sed 's/^/#   /' "$TMP/e" | head -3
}
cp "$cap" "$TMP/same.scry"
one_line "-r FILE -w FILE: refused, the replayed file is left whole" 1 "would overwrite a file being replayed" \
	"$SCRY" -r "$TMP/same.scry" -w "$TMP/same.scry"
check "... and left whole" cmp -s "$cap" "$TMP/same.scry"

# --- rotation ----------------------------------------------------------------------------------------------
start_scry "$TMP/rot.out" "$TMP/rot.err" -w "$TMP/rot" -C 1 -W 3 || { not_ok "scry -C -W starts"; finish; }
"$HELPERS/getppid_loop" 7000000 >/dev/null	# about 7 MB: well over 3 files of 1 MB
sleep 0.3
stop_scry INT
rrc=$?
checkall "-C 1 -W 3: exit 0 (got $rrc), more than 3 files were written" \
	'[ $rrc -eq 0 ] && grep -q "^scry: wrote .* ([4-9][0-9]* files\|([1-9][0-9][0-9]* files" "$TMP/rot.err"' ||
	grep '^scry: wrote' "$TMP/rot.err" | sed 's/^/#   /'
check "-C 1 -W 3: exactly 3 files remain, rot0 rot1 rot2" \
	[ "$(ls "$TMP" | grep -c '^rot[0-9]')" -eq 3 -a -f "$TMP/rot0" -a -f "$TMP/rot1" -a -f "$TMP/rot2" ]
ok_alone=0 nsum=0
for f in rot0 rot1 rot2; do
	rep "$f.p" -r "$TMP/$f" -p '%evt.rawtime'
	n=$(wc -l <"$TMP/$f.p")
	replayed "$f.p" && [ "$n" -gt 1000 ] && ok_alone=$((ok_alone + 1))
	nsum=$((nsum + n))
	echo "# $f: $(stat -c %s "$TMP/$f") bytes, $n events"
done
check "each rotated file replays alone: exit 0, more than 1000 events, without a warning" [ $ok_alone -eq 3 ]
# As one: the three files' events, each once, in time order.
rep rot.all -r "$TMP/rot2" -r "$TMP/rot0" -r "$TMP/rot1" -p '%evt.rawtime'
checkall "the 3 files together replay as one, without a warning: their $nsum events in time order" \
	'replayed rot.all && [ "$(wc -l <"$TMP/rot.all")" -eq "$nsum" ] &&
	 cat "$TMP/rot0.p" "$TMP/rot1.p" "$TMP/rot2.p" | sort -n | cmp -s - "$TMP/rot.all"'
size1=$(stat -c %s "$TMP/rot1")
one_line "-r rot1 -w rot -C 1: refused, its rotated names could reach the input" 1 "would overwrite a file being replayed" \
	"$SCRY" -r "$TMP/rot1" -w "$TMP/rot" -C 1
check "... and rot1 is left whole" [ "$(stat -c %s "$TMP/rot1")" = "$size1" ]

# --- a killed recorder -------------------------------------------------------------------------------------
start_scry "$TMP/k.out" "$TMP/k.err" -w "$TMP/k.scry" || { not_ok "scry -w starts"; finish; }
"$HELPERS/getppid_loop" 20000 >/dev/null
sleep 2	# a partial block goes out within a second
kill -KILL "$SCRY_PID"; wait "$SCRY_PID" 2>/dev/null; SCRY_PID=
"$SCRY" -r "$TMP/k.scry" -p '%evt.type %proc.name' >"$TMP/k.p" 2>"$TMP/k.rerr"
rc=$?
checkall "killed with SIGKILL: replays, exit 3 (damaged or incomplete), one warning saying where it ends" \
	'[ $rc -eq 3 ] && [ "$(wc -l <"$TMP/k.rerr")" -eq 1 ] && grep -q "ends without its end marker\|cut short" "$TMP/k.rerr"' ||
	sed 's/^/#   /' "$TMP/k.rerr"
check "killed with SIGKILL: the loop's 40000 events written a second before are all there" \
	[ "$(grep -c '^getppid getppid_loop$' "$TMP/k.p")" -eq 40000 ]

# --- truncation and corruption: never a crash, one warning, only whole blocks ---------------------------
size=$(stat -c %s "$cap")
hdr=$(py "import struct; print(16 + struct.unpack('<I', open('$cap', 'rb').read(16)[12:])[0] + 4)")
"$SCRY" -r "$cap" -p '%evt.num %evt.type' >"$TMP/full.p" 2>/dev/null
damaged() { # damaged NAME BINARY
	bin=$2 bad=0
	for off in 10 100 $((size / 3)) $((size / 2)) $((size - 60)) $((size - 1)); do
		head -c "$off" "$cap" >"$TMP/cut.scry"
		"$bin" -r "$TMP/cut.scry" -p '%evt.num %evt.type' >"$TMP/cut.p" 2>"$TMP/cut.err"
		rc=$?
		if [ "$off" -le 100 ]; then	# inside the header: one error line, non-zero
			[ $rc -eq 1 ] && [ "$(wc -l <"$TMP/cut.err")" -eq 1 ] && grep -q 'cut short inside its header' "$TMP/cut.err" || { bad=1; echo "# cut at $off: rc $rc"; sed 's/^/#   /' "$TMP/cut.err"; }
		else
			n=$(wc -l <"$TMP/cut.p")
			[ $rc -eq 3 ] && [ "$(wc -l <"$TMP/cut.err")" -eq 1 ] && grep -q 'cut short' "$TMP/cut.err" &&
				head -n "$n" "$TMP/full.p" | cmp -s - "$TMP/cut.p" || { bad=1; echo "# cut at $off: rc $rc"; sed 's/^/#   /' "$TMP/cut.err"; }
		fi
	done
	for off in 3 50 $((size / 4)) $((size / 2 + 7)) $((size - 30)); do
		cp "$cap" "$TMP/bad.scry"
		py "
f = open('$TMP/bad.scry', 'r+b'); f.seek($off); b = f.read(1)[0]; f.seek($off); f.write(bytes([b ^ 0xff]))"
		"$bin" -r "$TMP/bad.scry" -p '%evt.num %evt.type' >"$TMP/bad.p" 2>"$TMP/bad.err"
		rc=$?
		# a bad header: nothing to replay (1); elsewhere: the rest replays, damaged (3)
		{ { [ "$off" -lt "$hdr" ] && [ $rc -eq 1 ]; } || { [ "$off" -ge "$hdr" ] && [ $rc -eq 3 ]; }; } &&
			[ "$(wc -l <"$TMP/bad.err")" -eq 1 ] && ! grep -q 'Sanitizer' "$TMP/bad.err" ||
			{ bad=1; echo "# byte $off: rc $rc"; sed 's/^/#   /' "$TMP/bad.err" | head -5; }
	done
	check "$1: truncated in the header, mid-block and at the end, and single bad bytes: no crash, the loss said in one line, whole blocks replayed, exit 3 (1 for a bad header)" [ $bad -eq 0 ]
}
damaged "damaged captures" "$SCRY"
if [ -n "$SAN_SCRY" ]; then
	damaged "damaged captures under ASan/UBSan ($SAN_SCRY)" "$SAN_SCRY"
elif [ "$BUILD" != build-san ]; then
	echo "# no sanitizer build that knows -r (make SAN=1): damaged files replayed by $BUILD only"
fi

# --- bad files, bad options, no root -------------------------------------------------------------------
one_line "-r of a file that is not a capture: one clear line" 1 "is not a scry capture file" "$SCRY" -r /etc/hostname
cp "$cap" "$TMP/newer.scry"
printf '\377' | dd of="$TMP/newer.scry" bs=1 seek=8 conv=notrunc 2>/dev/null
one_line "-r of a newer format version: one clear line" 1 "written by a newer scry" "$SCRY" -r "$TMP/newer.scry"
one_line "-r of a missing file: one clear line" 1 "cannot open $TMP/missing.scry: No such file" "$SCRY" -r "$TMP/missing.scry"
one_line "-w into a missing directory: one clear line" 1 "cannot create $TMP/no/x.scry" "$SCRY" -w "$TMP/no/x.scry"
one_line "-w with -j: one clear line, a usage error" 2 "record with -w, then use them when replaying" "$SCRY" -w "$TMP/x.scry" -j
chmod 711 "$TMP"
cp "$cap" "$TMP/nobody.scry"
chown 65534 "$TMP/nobody.scry"
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$SCRY" -r "$TMP/nobody.scry" -n 100 \
	-p '%evt.num' >"$TMP/nr.p" 2>"$TMP/nr.err"
nrc=$?
# the first 100 events, numbered 1 to 100, as root replays them
checkall "replay needs no root (as nobody, no capabilities): exit 0 (got $nrc), events 1 to 100" \
	'[ $nrc -eq 0 ] && [ ! -s "$TMP/nr.err" ] && seq 100 | cmp -s - "$TMP/nr.p"' ||
	sed 's/^/#   /' "$TMP/nr.err"
finish
