#!/bin/sh
# Views by file against what the workload did: a process in a container writes 100000, 12345, 1
# and 5 bytes to four files in two directories (4096-byte writes), reads the first back (4096-byte
# reads, the last one at its end returning 0) and fails N opens of a missing path. topfiles_bytes
# holds each file to its bytes in and out, fdbytes_by fd.directory each directory to the sum of
# its files', topfiles_errors the missing path to N ENOENT, topfiles_time each file to its calls
# (25 + 26 for the first, 4, 1); live, per container and per process, and replayed from a capture
# recorded at the same time. A file's time on replay equals the sum of the latencies of its reads
# and writes in the event stream of the same capture (the view's other path to the same figures:
# its filter, its rows; the calls' count pins which calls). scry top's files screen (f) shows a
# container's file with the bytes it writes each second. A fourth file's name carries a terminal
# escape and a newline: escaped in JSON and text alike (as every output does), one row each.
. tests/lib/common.sh
plan 16
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
tag=$$ N=777
name=fv-$tag
# What the helper does, as rows: file -> (bytes in, bytes out, calls).
evil=$(printf '/tmp/d2/e\033[31m\nx')
FILES="{'/tmp/d1/a': (100000, 100000, 25 + 26), '/tmp/d1/b': (0, 12345, 4), '/tmp/d2/c': (0, 1, 1),
	r'/tmp/d2/e\x1b[31m\x0ax': (0, 5, 1)}"
DIRS="{'/tmp/d1': (100000, 112345), '/tmp/d2': (0, 6)}"

EXTRA_CLEANUP='[ -n "$VIEWS" ] && kill -KILL $VIEWS 2>/dev/null; docker_cleanup'
# pycheck DESC CODE: CODE (python, with json imported and J(FILE) reading a view's JSON from
# $TMP) prints "ok" when the check holds; what it says otherwise is shown.
pycheck() {
	d=$1
	py "
import json
def J(f):
    return json.load(open('$TMP/' + f))
def rows(f, key):
    return {r[key]: r for r in J(f)['rows']}
FILES = $FILES
DIRS = $DIRS
$2
" >"$TMP/res" 2>&1
	grep '^#' "$TMP/res"
	check "$d" grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -4
}

# Every row: runc's files in /proc and /sys are in the container's tables too (before its exec).
I="--interval 0 --top 1000 -j"
for v in "fb -c topfiles_bytes" "ft -c topfiles_time" "fe -c topfiles_errors" \
	"fd -c fdbytes_by fd.directory"; do
	set -- $v
	n=$1; shift
	view "$n" $I "$@" "container.name=$name" || { not_ok "scry $* starts"; finish; }
done
# The process's drill-down, the filter before the view (options go anywhere, FIELD after -c VIEW).
view fp $I proc.name=files_rw -c fdbytes_by fd.name || { not_ok "scry starts"; finish; }
view cap -w "$TMP/cap.scry" || { not_ok "scry -w starts"; finish; }
out=$("$DOCKER" run --name "$name" --network none "$IMAGE" /h/files_rw 4096 /tmp/d1/a $N \
	/tmp/d2/missing /tmp/d1/a=100000 /tmp/d1/b=12345 /tmp/d2/c=1 "$evil=5")
vrc="files_rw=$? read=${out#* }"
sleep 0.5
for n in fb ft fe fd fp cap; do stop_view $n; done
pycheck "the workload ran, every scry ended with status 0 ($vrc)" "
st = '$vrc'.split()
assert st[1] == 'read=100000' and all(x.endswith('=0') for x in st[:1] + st[2:]), st
print('ok')"

# --- live ------------------------------------------------------------------------------------------
pycheck "live topfiles_bytes: each file's bytes in and out exactly (100000/100000, 0/12345, 0/1, 0/5)" "
r = rows('fb.out', 'fd.name')
for f, (i, o, c) in FILES.items():
    assert f in r, (f, sorted(r))
    assert (r[f]['io.bytes_in'], r[f]['io.bytes_out'], r[f]['io.bytes']) == (i, o, i + o), (f, r[f])
print('ok')"
pycheck "live fdbytes_by fd.directory: each directory the sum of its files' (/tmp/d1 100000/112345, /tmp/d2 0/6)" "
r = rows('fd.out', 'fd.directory')
for d, (i, o) in DIRS.items():
    assert d in r and (r[d]['io.bytes_in'], r[d]['io.bytes_out']) == (i, o), (d, r.get(d), sorted(r))
print('ok')"
pycheck "live topfiles_errors: exactly $N ENOENT for /tmp/d2/missing" "
r = rows('fe.out', 'fd.name')
m = r.get('/tmp/d2/missing')
assert m and m['errors'] == $N and m['errnos'] == 'ENOENT:$N', (m, sorted(r))
print('ok')"
pycheck "live topfiles_time: each file's calls exactly (51, 4, 1, 1), each with time spent" "
r = rows('ft.out', 'fd.name')
for f, (i, o, c) in FILES.items():
    assert f in r and r[f]['io.calls'] == c and r[f]['io.time_ns'] > 0, (f, r.get(f))
print('ok')"
pycheck "live, per process (proc.name=files_rw -c fdbytes_by fd.name): the same four files exactly" "
r = rows('fp.out', 'fd.name')
for f, (i, o, c) in FILES.items():
    assert f in r and (r[f]['io.bytes_in'], r[f]['io.bytes_out']) == (i, o), (f, r.get(f), sorted(r))
print('ok')"

# --- replayed ----------------------------------------------------------------------------------------
replay() { # replay OUT ARGS...: the capture through ARGS; its status goes to $vrc
	o=$1; shift
	"$SCRY" -r "$TMP/cap.scry" "$@" >"$TMP/$o" 2>"$TMP/$o.err"
	vrc="$vrc $o=$?"
}
vrc=
F="container.name=$name"
replay rfb.out $I -c topfiles_bytes "$F"
replay rfd.out $I -c fdbytes_by fd.directory "$F"
replay rfe.out $I -c topfiles_errors "$F"
replay rft.out $I -c topfiles_time "$F"
replay lat.out -p '%fd.name %evt.latency' "$F and evt.dir=< and fd.type=file and evt.type in (read, write)"
replay rfb.txt --interval 0 --top 1000 -c topfiles_bytes "$F"
pycheck "replayed from -w: topfiles_bytes and fdbytes_by fd.directory as exact as live ($vrc)" "
assert all(x.endswith('=0') for x in '$vrc'.split()), '$vrc'
r = rows('rfb.out', 'fd.name')
for f, (i, o, c) in FILES.items():
    assert f in r and (r[f]['io.bytes_in'], r[f]['io.bytes_out']) == (i, o), (f, r.get(f))
r = rows('rfd.out', 'fd.directory')
for d, (i, o) in DIRS.items():
    assert d in r and (r[d]['io.bytes_in'], r[d]['io.bytes_out']) == (i, o), (d, r.get(d))
print('ok')"
pycheck "replayed: topfiles_errors $N ENOENT for /tmp/d2/missing" "
m = rows('rfe.out', 'fd.name').get('/tmp/d2/missing')
assert m and m['errors'] == $N and m['errnos'] == 'ENOENT:$N', m
print('ok')"
pycheck "replayed: topfiles_time per file equals the sum of its reads' and writes' evt.latency in the stream, calls too" "
lat = {}
for l in open('$TMP/lat.out'):
    f, ns = l.rsplit(' ', 1)
    lat.setdefault(f, []).append(int(ns))
r = rows('rft.out', 'fd.name')
for f, (i, o, c) in FILES.items():
    print('# %s: view %d ns in %d calls, stream %d ns in %d' % (f, r[f]['io.time_ns'], r[f]['io.calls'], sum(lat[f]), len(lat[f])))
    assert r[f]['io.time_ns'] == sum(lat[f]) > 0 and r[f]['io.calls'] == len(lat[f]) == c, (f, r[f])
print('ok')"
# The text table: BYTES IN OUT BYTES/S FILE, the file last and whole, escaped.
pycheck "text table: a row per file, bytes, in and out, the file name last (escaped)" "
got = {}
for l in open('$TMP/rfb.txt', encoding='latin-1'):
    w = l.split()
    if len(w) == 5 and w[4].startswith('/tmp/d'):
        got[w[4]] = tuple(map(int, w[0:3]))
want = {f: (i + o, i, o) for f, (i, o, c) in FILES.items()}
assert got == want, (got, want)
print('ok')"
pycheck "the hostile name: escaped in JSON and text, no raw escape, no line of its own" "
assert r'/tmp/d2/e\x1b[31m\x0ax' in rows('rfb.out', 'fd.name')
for f in ('rfb.txt', 'rfb.out', 'fb.out'):
    t = open('$TMP/' + f, 'rb').read()
    assert b'\x1b' not in t and not any(l.startswith(b'x') for l in t.split(b'\n')), (f, t)
print('ok')"

"$SCRY" -L topfiles_bytes >"$TMP/L" 2>&1
Lrc=$?
"$SCRY" -L fdbytes_by >"$TMP/L2" 2>&1
Lrc="$Lrc $?"
pycheck "-L documents every JSON key topfiles_bytes and fdbytes_by write (FIELD's)" "
assert '$Lrc' == '0 0', '$Lrc'
for doc, f, field in (('L', 'rfb.out', 'fd.name'), ('L2', 'rfd.out', 'fd.directory')):
    d, text = J(f), open('$TMP/' + doc).read()
    keys = set(d) | set(d['totals']) | {k for r in d['rows'] for k in r}
    missing = sorted(k for k in keys - {field} if k not in text)
    assert d['rows'] and not missing, (doc, missing)
assert 'keys: fd.name' in open('$TMP/L').read() and 'FIELD' in open('$TMP/L2').read()
print('ok')"
o1=$("$SCRY" -r "$TMP/cap.scry" -c fdbytes_by 2>&1)
r1=$?
o2=$("$SCRY" -r "$TMP/cap.scry" -c fdbytes_by fd.nosuch 2>&1)
r2=$?
checkall "fdbytes_by without a field, or an unknown one: usage error (2), one line saying so ($r1 $r2)" \
	'[ $r1 -eq 2 ] && [ $r2 -eq 2 ] && [ "$(printf "%s\n" "$o1" | wc -l)" -eq 1 ] &&
	 [ "$(printf "%s\n" "$o2" | wc -l)" -eq 1 ] && printf "%s" "$o1" | grep -q "FIELD" &&
	 printf "%s" "$o2" | grep -q "unknown field .fd.nosuch."' || printf '%s\n%s\n' "$o1" "$o2" | sed 's/^/#   /'

# --- scry top: the files screen ---------------------------------------------------------------------
# A container writes B bytes to /tmp/t/f once a second (one burst at most in a second): on its
# files screen (f on its row), the file's row shows B/S and OUT/S B, IN/S 0.
B=4321 tname=topf-$tag
"$DOCKER" run -d --name "$tname" --network none "$IMAGE" sh -c \
	"while :; do /h/files_rw 4096 - 0 /x /tmp/t/f=$B >/dev/null; sleep 1; done" >/dev/null
sess=scryfv$$ sock=scryfv$$
tmux() { command tmux -L "$sock" "$@"; }
EXTRA_CLEANUP="command tmux -L $sock kill-server 2>/dev/null; $EXTRA_CLEANUP"
tmux new-session -d -s "$sess" -x 80 -y 24 "'$SCRY' top container.name=$tname; echo EXIT=\$?; sleep 60"
screen() { tmux capture-pane -t "$sess" -p; }
wait_for() { # wait_for PATTERN: until the screen shows it (10 s)
	i=0
	until screen | grep -q -- "$1"; do i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1; done
}
until_screen() { # until_screen AWK: until the screen's rows (lines 4-23) satisfy AWK's exit 0 (10 s)
	i=0
	until screen | awk 'NR >= 4 && NR <= 23 && NF' | awk "$1"; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done
}
# The filter leaves one row, the container's, selected: f drills into its files.
wait_for "$tname" && tmux send-keys -t "$sess" f && wait_for "container: $tname (" && wait_for FILE
r=$?
fhdr='  B/S  IN/S OUT/S FILE'
checkall "f on $tname: its files screen, the header whole at 80 columns" \
	'[ $r -eq 0 ] && [ "$(screen | sed -n 3p | sed "s/ *\$//")" = "$fhdr" ]' || screen | sed 's/^/#   /'
until_screen '$4 == "/tmp/t/f" && $1 == "'$B'" && $2 == "0" && $3 == "'$B'" { f = 1 } END { exit !f }' &&
	ok "files screen: /tmp/t/f with B/S $B, IN/S 0, OUT/S $B (a second's burst, exact)" ||
	{ not_ok "files screen: /tmp/t/f with B/S $B, IN/S 0, OUT/S $B"; screen | sed 's/^/#   /'; }
tmux send-keys -t "$sess" BSpace q
wait_for "EXIT="; screen >"$TMP/end"
check "q quits with status 0" grep -qx "EXIT=0" "$TMP/end" || sed 's/^/#   /' "$TMP/end"
finish
