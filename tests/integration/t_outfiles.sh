#!/bin/sh
# Capture outputs in a directory other users write to (a sticky, world-writable one, as /tmp),
# against another user (nobody) who plants symlinks, FIFOs and files there: scry never writes
# through a link, into a FIFO or into a file it did not make, never removes or truncates what it
# did not make (a run that fails to trace leaves FILE whole; -W removes only its own files), and
# writes to a character device without removing or chmod'ing it.
. tests/lib/common.sh
plan 29

chmod 711 "$TMP"	# nobody may reach the shared directory, not read the rest
shared="$TMP/shared"
mkdir "$shared" && chmod 1777 "$shared"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
fp() { stat -c '%F %i %a %U %s %t:%T' "$1" 2>&1; }	# type, inode, mode, owner, size, device

# one_line NAME WANT_RC PATTERN CMD...: exit status, exactly one line on stderr matching PATTERN.
one_line() {
	n=$1 want=$2 pat=$3; shift 3
	"$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	checkall "$n (rc=$rc)" '[ $rc -eq "$want" ] && [ "$(wc -l <"$TMP/e")" -eq 1 ] &&
		grep -q -- "$pat" "$TMP/e"' || sed 's/^/#   /' "$TMP/e" | head -3
}

# wait_for COND: up to 30 s for a condition (a file appearing, a process ending).
wait_for() {
	i=0
	while ! eval "$1"; do
		i=$((i + 1))
		[ $i -gt 300 ] && return 1
		sleep 0.1
	done
}

"$SCRY" -w "$TMP/orig.scry" -n 300 >/dev/null 2>"$TMP/e" && [ -s "$TMP/orig.scry" ] ||
	{ not_ok "a capture to keep"; sed 's/^/#   /' "$TMP/e"; finish; }
printf 'precious\n' >"$TMP/victim"
chmod 644 "$TMP/victim"
cp -p "$TMP/victim" "$TMP/victim.want"
victim_ok() { cmp -s "$TMP/victim" "$TMP/victim.want" && [ "$(stat -c %a "$TMP/victim")" = 644 ]; }

# --- what another user planted at FILE -------------------------------------------------------------
as_nobody ln -s "$TMP/victim" "$shared/link.scry"
one_line "-w a symlink another user planted: refused in one line" 1 "is a symbolic link" \
	"$SCRY" -w "$shared/link.scry" -n 100
checkall "... the link's target is untouched, not chmod'ed, the link still there" \
	'victim_ok && [ -L "$shared/link.scry" ]'

as_nobody sh -c ': >"$1"' sh "$shared/pre.scry"
# nobody keeps the file open, and reads what appears in it once scry is done
as_nobody sh -c 'exec 3<"$1"; while [ ! -e "$2" ]; do sleep 0.1; done; wc -c <&3' sh \
	"$shared/pre.scry" "$TMP/go" >"$TMP/seen" &
reader=$!
before=$(fp "$shared/pre.scry")
one_line "-w a file another user made: refused in one line naming its owner" 1 \
	"belongs to uid 65534 (nobody), not to you" "$SCRY" -w "$shared/pre.scry" -n 100
touch "$TMP/go"
wait $reader
checkall "... nothing was written into it: its owner's open descriptor reads $(cat "$TMP/seen") bytes" \
	'[ "$(cat "$TMP/seen")" = 0 ] && [ "$(fp "$shared/pre.scry")" = "$before" ]'

as_nobody mkfifo "$shared/fifo.scry"
one_line "-w a FIFO: refused at once, no wait for a reader" 1 "is a FIFO" \
	timeout 30 "$SCRY" -w "$shared/fifo.scry" -n 100
one_line "-w a directory: one clear line" 1 "is a directory" "$SCRY" -w "$shared" -n 100
one_line "-w into a missing directory: one clear line" 1 "cannot create $TMP/no/x.scry: directory $TMP/no" \
	"$SCRY" -w "$TMP/no/x.scry" -n 100
check "... and none of them made anything" [ "$(ls -A "$shared" | tr '\n' ' ')" = "fifo.scry link.scry pre.scry " ]

# --- a run that cannot trace touches nothing ----------------------------------------------------------
cp "$TMP/orig.scry" "$shared/mine.scry"
chown 65534:65534 "$shared/mine.scry"
one_line "as a user without privileges: the error is about root" 1 "needs root" \
	as_nobody "$SCRY" -w "$shared/mine.scry" -n 1
check "... and the user's existing capture is left whole" cmp -s "$TMP/orig.scry" "$shared/mine.scry"
cp "$TMP/orig.scry" "$TMP/keep.scry"
one_line "--btf /nonexistent with -w: the error is about the BTF" 1 "btf /nonexistent" \
	"$SCRY" --btf /nonexistent -w "$TMP/keep.scry" -n 1
check "... and the existing capture is left whole" cmp -s "$TMP/orig.scry" "$TMP/keep.scry"
clang -g -target bpf -c tests/data/wrong_btf.c -o "$TMP/wrong.o"
"$SCRY" --btf "$TMP/wrong.o" -w "$TMP/keep.scry" -n 1 >/dev/null 2>"$TMP/e"
rc=$?
checkall "BTF of another kernel (the verifier refuses): rc $rc, the existing capture left whole" \
	'[ $rc -ne 0 ] && cmp -s "$TMP/orig.scry" "$TMP/keep.scry"'
"$SCRY" --btf /nonexistent -w "$TMP/new.scry" -n 1 >/dev/null 2>&1
check "... and a new name is not made at all, not even hidden" [ -z "$(ls -A "$TMP" | grep 'new\.scry')" ]

# A device node like /dev/null (made here: an old scry unlinked the node when it failed).
mknod "$TMP/null" c 1 3 && chmod 666 "$TMP/null"
null_fp=$(fp "$TMP/null")
"$SCRY" --btf /nonexistent -w "$TMP/null" -n 1 >/dev/null 2>&1
check "-w a null device when loading fails: the node is still there, same device and mode" \
	[ "$(fp "$TMP/null")" = "$null_fp" ]
"$SCRY" -w "$TMP/null" -n 100 >/dev/null 2>"$TMP/e"
rc=$?
checkall "-w a null device that works: exit 0, the node the same" \
	'[ $rc -eq 0 ] && [ "$(fp "$TMP/null")" = "$null_fp" ] && grep -q "^scry: wrote" "$TMP/e"' ||
	sed 's/^/#   /' "$TMP/e"
"$SCRY" -r "$TMP/orig.scry" -w "$TMP/null" proc.name=no-such-process >/dev/null 2>&1
check "-r with -w a null device: the node the same" [ "$(fp "$TMP/null")" = "$null_fp" ]

# --- replacing the user's own file: a new file, never truncated ---------------------------------------
printf 'an old capture\n' >"$TMP/own.scry"
chmod 644 "$TMP/own.scry"
exec 4<"$TMP/own.scry"
"$SCRY" -w "$TMP/own.scry" -n 100 >/dev/null 2>"$TMP/e"
rc=$?
old=$(cat <&4)
exec 4<&-
checkall "-w over the user's own file: a new capture (mode 0600) replaces it; whoever has the old one open still reads it" \
	'[ $rc -eq 0 ] && [ "$old" = "an old capture" ] && [ "$(stat -c %a "$TMP/own.scry")" = 600 ] &&
	 "$SCRY" -r "$TMP/own.scry" -n 1 >/dev/null 2>&1' || sed 's/^/#   /' "$TMP/e"
check "... and no hidden file is left behind" [ -z "$(ls -A "$TMP" | grep '^\.')" ]

# --- -r with -w ---------------------------------------------------------------------------------------
cp "$TMP/victim" "$TMP/out.scry"
"$SCRY" -r "$TMP/orig.scry" -w "$TMP/out.scry" proc.name=no-such-process >"$TMP/o" 2>"$TMP/e"
rc=$?
checkall "-r IN -w OUT, nothing matching: exit 0, one line saying so, OUT left as it was" \
	'[ $rc -eq 0 ] && [ "$(wc -l <"$TMP/e")" -eq 1 ] && grep -q "no event matched" "$TMP/e" &&
	 cmp -s "$TMP/victim" "$TMP/out.scry" && [ -z "$(ls -A "$TMP" | grep "^\.")" ]' ||
	sed 's/^/#   /' "$TMP/e"
"$SCRY" -r "$TMP/orig.scry" -w "$TMP/out.scry" >/dev/null 2>&1
n_in=$("$SCRY" -r "$TMP/orig.scry" 2>/dev/null | wc -l)
n_out=$("$SCRY" -r "$TMP/out.scry" 2>/dev/null | wc -l)
checkall "-r IN -w OUT, all matching: OUT replaced by the same $n_in events, mode 0600" \
	'[ "$n_in" -gt 0 ] && [ "$n_in" = "$n_out" ] && [ "$(stat -c %a "$TMP/out.scry")" = 600 ]'
one_line "-r IN -w a symlink: refused before replaying" 1 "is a symbolic link" \
	"$SCRY" -r "$TMP/orig.scry" -w "$shared/link.scry"
check "... the target untouched" victim_ok

# --- rotation: names planted before and during a recording ----------------------------------------------
as_nobody ln -s "$TMP/victim" "$shared/rot1"
"$SCRY" -w "$shared/rot" -C 1 -W 3 -M 20 >/dev/null 2>"$TMP/e" &
pid=$!
"$HELPERS/getppid_loop" 3000000 >/dev/null	# 3 MB: past rot1 if scry were recording
wait $pid
rc=$?
checkall "-C -W with rot1 planted as a symlink: refused before tracing, in one line naming rot1 (rc=$rc)" \
	'[ $rc -eq 1 ] && [ "$(wc -l <"$TMP/e")" -eq 1 ] && grep -q "$shared/rot1: it is a symbolic link" "$TMP/e"' ||
	sed 's/^/#   /' "$TMP/e" | head -3
checkall "... the target untouched, and no rot0 made" 'victim_ok && [ ! -e "$shared/rot0" ]'

start_scry "$TMP/mid.out" "$TMP/mid.err" -w "$shared/mid" -C 1 || { not_ok "scry -w -C starts"; finish; }
as_nobody ln -s "$TMP/victim" "$shared/mid1"	# planted once the recording has started
"$HELPERS/getppid_loop" 3000000 >/dev/null
wait_for '! kill -0 $SCRY_PID 2>/dev/null' || kill -INT "$SCRY_PID"
wait "$SCRY_PID"
rc=$?
SCRY_PID=
checkall "a rotated name planted as a symlink during the recording: the recording stops there, saying why (rc=$rc)" \
	'[ $rc -eq 1 ] && grep -q "refusing to write $shared/mid1: it is a symbolic link" "$TMP/mid.err"' ||
	sed 's/^/#   /' "$TMP/mid.err" | tail -3
"$SCRY" -r "$shared/mid0" -n 1 >/dev/null 2>"$TMP/e"
checkall "... the target untouched, and mid0 is a whole capture (no warning)" \
	'victim_ok && [ -L "$shared/mid1" ] && [ ! -s "$TMP/e" ]' || sed 's/^/#   /' "$TMP/e"

# -W replaces its oldest file only if that is still the file it made. -G 3 rotates every 3 s.
start_scry "$TMP/w.out" "$TMP/w.err" -w "$TMP/wrap" -G 3 -W 2 || { not_ok "scry -G -W starts"; finish; }
wait_for '[ -e "$TMP/wrap1" ]' && mv "$TMP/wrap0" "$TMP/wrap0.moved" && printf 'the user put this here\n' >"$TMP/wrap0"
wait_for '! kill -0 $SCRY_PID 2>/dev/null' || kill -INT "$SCRY_PID"
wait "$SCRY_PID"
rc=$?
SCRY_PID=
checkall "-W: the oldest name holds a file the recording did not make: left whole, the recording stops saying why (rc=$rc)" \
	'[ $rc -eq 1 ] && [ "$(cat "$TMP/wrap0")" = "the user put this here" ] &&
	 grep -q "refusing to replace $TMP/wrap0: it is no longer the file this recording wrote" "$TMP/w.err"' ||
	sed 's/^/#   /' "$TMP/w.err" | tail -3

# With a strftime name, -W removes the file from N files earlier, if it is still that file.
start_scry "$TMP/g.out" "$TMP/g.err" -w "$TMP/g-%s" -G 2 -W 2 || { not_ok "scry -G -W (strftime) starts"; finish; }
wait_for '[ "$(ls "$TMP" | grep -c "^g-")" -ge 2 ]'
first=$(ls "$TMP" | grep '^g-' | sort | head -1)
mv "$TMP/$first" "$TMP/moved" && printf 'the user put this here\n' >"$TMP/$first"
wait_for '[ "$(ls "$TMP" | grep -c "^g-")" -ge 3 ]'
stop_scry INT
rc=$?
checkall "-W with strftime names: a file the recording did not make is not removed (rc=$rc)" \
	'[ $rc -eq 0 ] && [ "$(cat "$TMP/$first")" = "the user put this here" ] &&
	 grep -q "left $TMP/$first in place" "$TMP/g.err"' ||
	{ ls "$TMP" | sed 's/^/#   /'; sed 's/^/#   /' "$TMP/g.err" | tail -3; }
finish
