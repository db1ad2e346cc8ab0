#!/bin/sh
# issue 18, diff18: container_diff against `docker diff`. A container of a private dockerd runs a
# shell script that makes, writes, renames, links, chmods and removes known files and
# directories (relative paths too, a volume and /dev/shm that docker diff leaves out, a file made
# and removed, sed -i's temporary file renamed over an image file); scry's list must be docker
# diff's exactly (as a set of kind and path), with the bytes the script wrote and the processes
# that did it, and the host paths in the container's upper directory, live and from a capture
# replayed after the engine stopped.
. tests/lib/common.sh
plan 10
. tests/lib/docker.sh
tag=$$
name=scrydiff-$tag
cap="$TMP/d.scry"
DIMAGE=scry-diff:1

dockerd_start || { not_ok "private dockerd"; finish; }
# The image: busybox and files the script changes.
root="$TMP/dimage"
mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/srv/olddir/in" "$root/data/keep" "$root/vol"
cp /bin/busybox "$root/bin/busybox"
for a in sh mkdir rm mv chmod dd printf echo ln cat touch sed; do ln -sf busybox "$root/bin/$a"; done
printf 'conf\n' >"$root/etc/conf"
printf 'gone\n' >"$root/etc/gone"
printf 'old\n' >"$root/etc/old"
printf 'edit me\n' >"$root/etc/edited"
printf 'f\n' >"$root/srv/olddir/in/f"
printf 'k\n' >"$root/data/keep/file"
tar -C "$root" -c . | "$DOCKER" import - "$DIMAGE" >/dev/null ||
	{ not_ok "test image"; finish; }
mkdir -p "$TMP/vol"

# What the script does, and what it knows of it: bytes written, by which process.
script='
echo hello > /tmp/new
printf 12345 >> /etc/conf
rm /etc/gone
mkdir -p /nd/sub
dd if=/dev/zero of=/nd/sub/blob bs=1000 count=3 2>/dev/null
echo scratch > /tmp/scratch
rm /tmp/scratch
echo r > /tmp/r1
mv /tmp/r1 /tmp/r2
mv /etc/old /etc/renamed
rm -r /srv/olddir
chmod 600 /data/keep/file
cd /etc && echo relative > rel
ln -s /etc/conf /tmp/link
echo v > /vol/x
echo s > /dev/shm/y
sed -i s/edit/EDIT/ /etc/edited
'

start_scry "$TMP/live.json" "$TMP/live.err" -c container_diff -j "container.name=$name" ||
	{ not_ok "scry -c container_diff starts"; finish; }
LIVE_PID=$SCRY_PID
SCRY_PID=
EXTRA_CLEANUP="kill -KILL $LIVE_PID 2>/dev/null; $EXTRA_CLEANUP"
start_scry "$TMP/rec.out" "$TMP/rec.err" -w "$cap" || { not_ok "scry -w starts"; finish; }
"$DOCKER" run --name "$name" --network none -v "$TMP/vol:/vol" "$DIMAGE" sh -ec "$script" \
	>"$TMP/run.out" 2>&1 || sed 's/^/#   /' "$TMP/run.out"
sleep 0.3
stop_scry INT
rec_rc=$?
kill -INT "$LIVE_PID"
wait_pid "$LIVE_PID" 60
live_rc=$?
check "scry -w and the live container_diff exit 0 (got $rec_rc and $live_rc), no warning" \
	sh -c "[ $rec_rc -eq 0 ] && [ $live_rc -eq 0 ] && ! grep -q warning '$TMP/live.err'" ||
	sed 's/^/#   /' "$TMP/live.err" | tail -3
check "the recording dropped nothing (got $(dropped "$TMP/rec.err"))" [ "$(dropped "$TMP/rec.err")" = 0 ]
"$DOCKER" diff "$name" >"$TMP/docker.diff"
"$DOCKER" inspect -f '{{.GraphDriver.Data.UpperDir}}' "$name" >"$TMP/upper"
sed 's/^/# docker diff: /' "$TMP/docker.diff"
# Every directory above a change is C in docker diff with either of Docker's differs (the native
# one walks the upper layer, where each copied-up directory's mtime moved when the entry below it
# was made there): the engine's storage, for the record.
"$DOCKER" info -f '# storage: {{.Driver}} {{json .DriverStatus}}' 2>/dev/null
dockerd_stop	# the replay knows the container from the file alone
"$SCRY" -r "$cap" -c container_diff -j "container.name=$name" >"$TMP/rep.json" 2>"$TMP/rep.err"
echo $? >"$TMP/rep.rc"
"$SCRY" -r "$cap" -c container_diff "container.name=$name" >"$TMP/rep.txt" 2>"$TMP/rep.txt.err"
echo $? >>"$TMP/rep.rc"

# same_as_docker FILE: the (kind, path) set of scry's list equals docker diff's.
same_as_docker() {
	py "
import json
want = set(tuple(l.split(' ', 1)) for l in open('$TMP/docker.diff').read().splitlines())
rows = json.load(open('$1'))
got = set((r['kind'], r['path']) for r in rows)
assert len(rows) == len(got), 'a path listed twice'
assert want, 'docker diff listed nothing'
assert got == want, ('scry only', sorted(got - want), 'docker only', sorted(want - got))
assert all(r['container.name'] == '$name' for r in rows), rows
print('ok')
" >"$TMP/res" 2>&1
}
same_as_docker "$TMP/live.json"
check "live: container_diff's list is docker diff's exactly (kind and path)" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -3

# What the script knows: bytes written and the process of each, and the host paths.
known_figures() {
	py "
import json, os
rows = {r['path']: r for r in json.load(open('$1'))}
upper = open('$TMP/upper').read().strip()
want = {
    '/tmp/new': (6, 'sh'), '/etc/conf': (5, 'sh'), '/nd/sub/blob': (3000, 'dd'),
    '/tmp/r2': (2, 'mv'), '/etc/rel': (9, 'sh'), '/data/keep/file': (0, 'chmod'),
    '/tmp/link': (0, 'ln'), '/etc/renamed': (0, 'mv'), '/etc/gone': (0, 'rm'),
    '/srv/olddir': (0, 'rm'), '/etc/edited': (8, 'sed'),
}
for p, (b, proc) in want.items():
    r = rows[p]
    assert (r['bytes'], r['proc.name']) == (b, proc), (p, r)
    assert r['host_path'] == upper + p, (p, r['host_path'], upper)
# what the upper directory holds where scry says: the bytes the script wrote
assert open(upper + '/tmp/new').read() == 'hello\n'
assert os.path.getsize(upper + '/nd/sub/blob') == 3000
assert rows['/nd/sub']['dir'] and 'proc.name' in rows['/nd/sub'], rows['/nd/sub']
print('ok')
" >"$TMP/res" 2>&1
}
known_figures "$TMP/live.json"
check "live: bytes written and processes as the script did them (sh 6 and 5 bytes, dd 3000, sed -i 8, mv, rm, chmod, ln), host paths in the upper directory" \
	grep -qx ok "$TMP/res" || sed 's/^/#   /' "$TMP/res" | tail -3

check "replay: both runs exit 0 without a word" [ "$(cat "$TMP/rep.rc" | tr '\n' ' ')" = "0 0 " -a ! -s "$TMP/rep.err" ] ||
	sed 's/^/#   /' "$TMP/rep.err" | tail -3
same_as_docker "$TMP/rep.json"
check "replay: container_diff's list is docker diff's exactly" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -3
known_figures "$TMP/rep.json"
check "replay: the same bytes, processes and host paths" grep -qx ok "$TMP/res" ||
	sed 's/^/#   /' "$TMP/res" | tail -3
check "replay: the same list as live, row for row" cmp -s "$TMP/live.json" "$TMP/rep.json" ||
	diff "$TMP/live.json" "$TMP/rep.json" | head -5 | sed 's/^/#   /'
check "text: a header and a line per change, kind and path in their columns" py "
import sys
lines = open('$TMP/rep.txt').read().splitlines()
want = sorted(tuple(l.split(' ', 1)) for l in open('$TMP/docker.diff').read().splitlines())
assert lines[0].split()[:3] == ['CONTAINER', 'K', 'PATH'], lines[0]
got = sorted((l[20], l[22:62].rstrip()) for l in lines[1:])
assert got == want, (got, want)
" || sed 's/^/#   /' "$TMP/rep.txt" | head -5
# The exits of rename and symlink carry their second path: the stream shows it.
"$SCRY" -r "$cap" "container.name=$name and evt.type in (rename, symlink, renameat, renameat2, symlinkat) and evt.dir=<" \
	>"$TMP/ren.txt" 2>&1
check "the stream: rename's newpath and symlink's linkpath as the script gave them" sh -c "
	grep -q 'oldpath=/tmp/r1 newpath=/tmp/r2' '$TMP/ren.txt' &&
	grep -q 'oldpath=/etc/old newpath=/etc/renamed' '$TMP/ren.txt' &&
	grep -q 'target=/etc/conf linkpath=/tmp/link' '$TMP/ren.txt'" || sed 's/^/#   /' "$TMP/ren.txt" | head -5
finish
