#!/bin/sh
# Capture files against the live truth: a getppid loop on the host and in a named container of a
# private dockerd, recorded with -w and replayed with -r while the engine is stopped: exact
# counts and names; -n, -M and filters as on the full replay; byte-identical replays; a filtered
# capture keeps process names; rotation with -C/-W; a killed recorder; truncation and corruption
# (also under the sanitizer build: what is intact replays, one warning, exit 3); bad files;
# replay without root; a view's table equal to the live one.
. tests/lib/common.sh
plan 35
. tests/lib/docker.sh

# The sanitizer build replays the damaged files too, if there is one that knows -r.
SAN_SCRY=${SAN_SCRY:-$PWD/build-san/scry}
[ "$SAN_SCRY" != "$SCRY" ] && [ -x "$SAN_SCRY" ] &&
	timeout 10 "$SAN_SCRY" -r /etc/hostname 2>&1 | grep -q 'not a scry capture' || SAN_SCRY=
tag=$$
name=scrycap-$tag
cap="$TMP/c.scry"

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }

# --- record: a loop on the host, one in a container started after scry, a live view alongside -----
have_views=
"$SCRY" -L 2>/dev/null | grep -q '^topprocs_syscalls ' && have_views=1
if [ -n "$have_views" ]; then
	start_scry "$TMP/view.out" "$TMP/view.err" -c topprocs_syscalls --interval 0 -j \
		"container.name=$name" || { not_ok "live view starts"; finish; }
	VIEW_PID=$SCRY_PID
	SCRY_PID=
	EXTRA_CLEANUP="kill -KILL $VIEW_PID 2>/dev/null; $EXTRA_CLEANUP"
fi
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
kill -INT "$LIVE_PID"
wait "$LIVE_PID"
if [ -n "$have_views" ]; then
	kill -INT "$VIEW_PID"
	wait "$VIEW_PID"
fi
check "summary: events written to the file, 0 dropped by the writer" \
	grep -q "^scry: wrote [0-9]* events to $cap (1 file, .* bytes/event), 0 dropped by the writer$" "$TMP/rec.err" ||
	sed 's/^/#   /' "$TMP/rec.err" | tail -3
check "the recording dropped nothing in the kernel either (got $(dropped "$TMP/rec.err"))" [ "$(dropped "$TMP/rec.err")" = 0 ]
check "the capture is private: mode 0600" [ "$(stat -c %a "$cap")" = 600 ]
grep '^scry: wrote' "$TMP/rec.err" | sed 's/^/# /'
dockerd_stop	# replays below know names from the file alone

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

"$SCRY" -r "$cap" -j -pc proc.name=getppid_loop >"$TMP/rep.json" 2>/dev/null
py "
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
        if e['evt.type'] == 'switch' or (e['evt.type'] == 'execve' and e['evt.dir'] == '>'):
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
"$SCRY" -r "$cap" >"$TMP/t1" 2>/dev/null
"$SCRY" -r "$cap" >"$TMP/t2" 2>/dev/null
"$SCRY" -r "$cap" -j -pc >"$TMP/j2" 2>/dev/null
check "replaying twice gives byte-identical output (text and -j)" \
	sh -c "cmp -s '$TMP/t1' '$TMP/t2' && cmp -s '$TMP/all.json' '$TMP/j2' && [ -s '$TMP/t1' ]"
"$SCRY" -r "$cap" -n 1000 -j -pc >"$TMP/n.json" 2>/dev/null
check "-n 1000: the first 1000 events of the full replay" \
	sh -c "head -n 1000 '$TMP/all.json' | cmp -s - '$TMP/n.json'"
filter="proc.name=getppid_loop and evt.dir=<"
"$SCRY" -r "$cap" -j -pc $filter >"$TMP/f.json" 2>/dev/null
py "
import json
want = [l for l in open('$TMP/all.json') if json.loads(l)['proc.name'] == 'getppid_loop' and json.loads(l)['evt.dir'] == '<']
got = open('$TMP/f.json').readlines()
assert got == want and len(got) >= 80000, (len(got), len(want))
print('ok')
" >"$TMP/res" 2>&1
check "a filter on replay selects exactly the full replay's matching events (same evt.num)" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3
"$SCRY" -r "$cap" -n 500 -j -pc $filter >"$TMP/nf.json" 2>/dev/null
check "-n 500 with a filter: its first 500 matches" sh -c "head -n 500 '$TMP/f.json' | cmp -s - '$TMP/nf.json'"
"$SCRY" -r "$cap" -p '%evt.rawtime %evt.num %proc.name %evt.type' >"$TMP/all.p" 2>/dev/null
"$SCRY" -v -r "$cap" -M 1.5 -p '%evt.rawtime %evt.num %proc.name %evt.type' >"$TMP/m.p" 2>"$TMP/m.err"
start=$(sed -n 's/^scry: replaying a recording that began at \([0-9]*\) ns.*/\1/p' "$TMP/m.err")
py "
a = open('$TMP/all.p').readlines(); m = open('$TMP/m.p').readlines()
assert 0 < len(m) < len(a) and a[:len(m)] == m, (len(m), len(a))
start, t = int('${start:-0}'), [int(l.split()[0]) for l in m]
assert start and max(t) <= start + 1.5e9, ('an event beyond 1.5 s of the recording', start)
assert int(a[len(m)].split()[0]) > start + 1.4e9, 'stopped early'
print('ok')
" >"$TMP/res" 2>&1
check "-M 1.5: the full replay up to 1.5 s of event time after the recording began" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

# --- a view: the replayed table is the live one --------------------------------------------------------
if [ -z "$have_views" ]; then
	echo "# skipped: views not available"
else
	"$SCRY" -r "$cap" -c topprocs_syscalls --interval 0 -j "container.name=$name" >"$TMP/view.replay" 2>/dev/null
	py "
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
fi

# --- a filtered capture keeps the processes' names and command lines -----------------------------------
start_scry "$TMP/fr.out" "$TMP/fr.err" -w "$TMP/f.scry" evt.type=getppid || { not_ok "scry -w FILTER starts"; finish; }
"$HELPERS/getppid_loop" 20000 >/dev/null
sleep 0.3
stop_scry INT
"$SCRY" -r "$TMP/f.scry" -p '%evt.type %proc.name %proc.cmdline' evt.type=getppid >"$TMP/fr.p" 2>/dev/null
check "filtered capture: the loop's 40000 events carry its name and command line (its exec was kept)" \
	[ "$(grep -c '^getppid getppid_loop getppid_loop 20000$' "$TMP/fr.p")" -eq 40000 ]
check "filtered capture: only matching events besides process lifecycle" \
	[ "$("$SCRY" -r "$TMP/f.scry" -p '%evt.type' 2>/dev/null | grep -vc '^\(getppid\|procfork\|procexec\|procexit\|procrename\)$')" -eq 0 ]

# --- -r with -w: a replay re-recorded, filtered, still with names (the engine is stopped) ----------------
"$SCRY" -r "$cap" -w "$TMP/re.scry" "container.name=$name" >"$TMP/re.out" 2>"$TMP/re.err"
rc=$?
checkall "-r FILE -w FILE2 FILTER: exit 0, 0 dropped by the writer, nothing on stdout" \
	'[ $rc -eq 0 ] && [ ! -s "$TMP/re.out" ] &&
	 grep -q "^scry: wrote [0-9]* events to $TMP/re.scry (1 file, .*), 0 dropped by the writer\$" "$TMP/re.err"' ||
	sed 's/^/#   /' "$TMP/re.err" | tail -3
fmt='%evt.rawtime %thread.tid %thread.vtid %evt.dir %evt.type %evt.res %proc.name %proc.cmdline %container.name %container.image'
"$SCRY" -r "$cap" -p "$fmt" "container.name=$name" >"$TMP/re.want" 2>/dev/null
"$SCRY" -r "$TMP/re.scry" -p "$fmt" "container.name=$name" >"$TMP/re.got" 2>"$TMP/re.rerr"
nloop=$(grep -c " getppid .* getppid_loop 30000 $name $IMAGE\$" "$TMP/re.got")
checkall "the re-recorded file holds exactly the container's events ($nloop of its loop's 60000), by name and image (engine stopped)" \
	'[ "$nloop" -eq 60000 ] && [ ! -s "$TMP/re.rerr" ] && cmp -s "$TMP/re.want" "$TMP/re.got"' ||
	{ wc -l "$TMP/re.want" "$TMP/re.got" | sed 's/^/#   /'; head -2 "$TMP/re.rerr" | sed 's/^/#   /'; }
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
check "-C 1 -W 3: more than 3 files were written" grep -q "^scry: wrote .* ([4-9][0-9]* files\|([1-9][0-9][0-9]* files" "$TMP/rot.err" ||
	grep '^scry: wrote' "$TMP/rot.err" | sed 's/^/#   /'
check "-C 1 -W 3: exactly 3 files remain, rot0 rot1 rot2" \
	[ "$(ls "$TMP" | grep -c '^rot[0-9]')" -eq 3 -a -f "$TMP/rot0" -a -f "$TMP/rot1" -a -f "$TMP/rot2" ]
ok_alone=0
for f in "$TMP"/rot0 "$TMP"/rot1 "$TMP"/rot2; do
	n=$("$SCRY" -r "$f" -p '%evt.num' 2>"$TMP/rot.rerr" | wc -l)
	[ $? -eq 0 ] && [ "$n" -gt 1000 ] && [ ! -s "$TMP/rot.rerr" ] && ok_alone=$((ok_alone + 1))
	size=$(stat -c %s "$f")
	echo "# $(basename "$f"): $size bytes, $n events"
done
check "each rotated file replays alone, without a warning" [ $ok_alone -eq 3 ]
"$SCRY" -r "$TMP/rot2" -r "$TMP/rot0" -r "$TMP/rot1" -p '%evt.rawtime' >"$TMP/rot.all" 2>"$TMP/rot.rerr"
check "the 3 files together replay as one, without a warning" [ -s "$TMP/rot.all" -a ! -s "$TMP/rot.rerr" ]
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
check "replay needs no root (as nobody, no capabilities)" [ $? -eq 0 -a "$(wc -l <"$TMP/nr.p")" -eq 100 ] ||
	sed 's/^/#   /' "$TMP/nr.err"
finish
