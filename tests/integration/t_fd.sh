#!/bin/sh
# The fd table (issue 12): every read and write of tests/helpers/fd_ops names its fd exactly as
# the helper made it: a relative open after chdir, through a dirfd and through "..", dup2 onto a
# used fd, an fd kept and one closed across execve, inherited by fork, shared by a thread and by
# clone(CLONE_FILES), a pipe between two processes, a TCP connection on 127.0.0.1 and an eventfd.
# The same names in the fd.* fields and filters, and in a replay of a capture.
. tests/lib/common.sh
plan 20

dir="$TMP/w"
mkdir -p "$dir"
start_scry "$TMP/out" "$TMP/err" -p '%proc.pid %evt.type %evt.info' \
	'evt.dir=< and evt.type in (write,read)' || { not_ok "scry starts"; finish; }
TXT=$SCRY_PID
start_scry "$TMP/fields" "$TMP/ferr" \
	-p '%proc.pid %evt.type %evt.rawres %fd.num %fd.type %fd.typechar %fd.name %fd.directory %fd.filename %fd.ino %fd.dev' \
	"evt.dir=< and evt.type=write and fd.name contains $dir" || { not_ok "scry starts"; finish; }
FLD=$SCRY_PID
start_scry "$TMP/cap.out" "$TMP/cerr" -w "$TMP/cap.scry" 'evt.type in (write,read)' ||
	{ not_ok "scry -w starts"; finish; }
EXTRA_CLEANUP="kill -KILL $TXT $FLD $SCRY_PID 2>/dev/null; $EXTRA_CLEANUP"
"$BUILD/helpers/fd_ops" "$dir" >"$TMP/helper" 2>&1
hrc=$?
python3 -c "
import os
f = os.open('$dir/e\x1b[31m\nX', os.O_CREAT | os.O_WRONLY, 0o644)
os.write(f, b'h' * 9)
"
sleep 0.5
stop_scry INT; r3=$?
SCRY_PID=$FLD; stop_scry INT; r2=$?
SCRY_PID=$TXT; stop_scry INT; r1=$?
read -r pid efd pino cport sport <"$TMP/helper"
checkall "the helper ran (exit $hrc: $(head -c 200 "$TMP/helper")) and the tracers exit 0 ($r1 $r2 $r3)" \
	'[ "$hrc" = 0 ] && [ -n "$sport" ] && [ "$r1" = 0 ] && [ "$r2" = 0 ] && [ "$r3" = 0 ]'

# The line of the write (or read) of N bytes whose fd names `key`: "PID TYPE res=N fd=...".
# fd numbers are not pinned: the test runner's own open fds come first.
# The stream shows the first -s bytes (default 80) after the size: data=...
line() {
	grep -E "^[0-9]+ $1 res=$2 fd=[0-9]+\(" "$TMP/out" | grep -F "$3" | grep -E " size=$2( data=.*)?\$"
}
fdof() { echo "$1" | sed -n 's/^[0-9]* [a-z]* res=[0-9]* fd=\([0-9]*\)(.*/\1/p'; }
expect() {
	what=$1 type=$2 n=$3 key=$4 want=$5
	got=$(line "$type" "$n" "$key")
	case "$got" in
	$want) ok "$what" ;;
	*) not_ok "$what: want '$want', got '$got'" ;;
	esac
}
F='[0-9]*'
expect "a relative open in the cwd: its absolute name" write 11 "$dir/" \
	"$pid write res=11 fd=$F(<f>$dir/rel.txt) *"
expect "an openat through a dirfd: the directory's name and the file's" write 12 "$dir/" \
	"$pid write res=12 fd=$F(<f>$dir/d/in_dir.txt) *"
expect "an open of ../up.txt after chdir into d: folded, no .." write 13 "$dir/" \
	"$pid write res=13 fd=$F(<f>$dir/up.txt) *"
b=$(fdof "$(line write 12 "$dir/")")
expect "dup2 onto a used fd ($b, in_dir.txt's): the fd now names the file it copies" write 14 \
	"$dir/" "$pid write res=14 fd=$b(<f>$dir/rel.txt) *"
expect "an fd without close-on-exec, written by the program exec'd" write 15 "$dir/" \
	"$F write res=15 fd=$F(<f>$dir/kept.txt) *"
got=$(grep -E " write res=-9\(EBADF\) fd=$efd " "$TMP/out" | grep " size=16\$")
checkall "the close-on-exec fd after execve: EBADF and no name (got: $got)" \
	'case "$got" in *" write res=-9(EBADF) fd='"$efd"' buf="*) ;; *) false ;; esac'
got=$(line write 17 "$dir/")
checkall "a forked child writes its parent's fd: named, in the child (got: $got)" \
	'case "$got" in "$pid "*) false ;; *" write res=17 fd="*"(<f>$dir/rel.txt) "*) ;; *) false ;; esac'
expect "a file a thread opened, written by the main thread" write 18 "$dir/" \
	"$pid write res=18 fd=$F(<f>$dir/thread.txt) *"
expect "a file a clone(CLONE_FILES) child opened, written by its parent" write 19 "$dir/" \
	"$pid write res=19 fd=$F(<f>$dir/shared.txt) *"
w=$(line write 20 "pipe:[$pino]") r=$(line read 20 "pipe:[$pino]")
checkall "a pipe between two processes: both ends named pipe:[$pino], the inode fstat gives (got: $w / $r)" \
	'case "$w" in "$pid "*) false ;; *" write res=20 fd="*"(<p>pipe:[$pino]) "*) ;; *) false ;; esac &&
	 case "$r" in "$pid read res=20 fd="*"(<p>pipe:[$pino]) "*) ;; *) false ;; esac &&
	 [ "$(line write 20 "pipe:[$pino]" | wc -l)" = 1 ]'
tuple="127.0.0.1:$cport->127.0.0.1:$sport"
w=$(line write 21 "$tuple") r=$(line read 21 "$tuple")
checkall "a TCP connection: both ends named $tuple, client first (got: $w / $r)" \
	'case "$w" in "$pid write res=21 fd="*"(<4t>$tuple) "*) ;; *) false ;; esac &&
	 case "$r" in "$pid read res=21 fd="*"(<4t>$tuple) "*) ;; *) false ;; esac'
expect "an eventfd" write 8 "eventfd" "$pid write res=8 fd=$F(<e>anon_inode:\\[eventfd\\]) *"
got=$(line write 9 "$dir/")
checkall "a file named with an escape and a newline: escaped, nothing raw (got: $got)" \
	'case "$got" in *" fd="*"(<f>$dir/e\\x1b[31m\\x0aX) "*) ;; *) false ;; esac &&
	 ! grep -q "$(printf "\033")" "$TMP/out"'

# The fields, from the same table: up.txt's inode and device as stat(1) gives them.
got=$(grep "^$pid write 13 " "$TMP/fields")
want="$pid write 13 $(fdof "$(line write 13 "$dir/")") file f $dir/up.txt $dir up.txt $(stat -c '%i %d' "$dir/up.txt")"
check "fd.num, fd.type, fd.typechar, fd.name, fd.directory, fd.filename, fd.ino, fd.dev (got: $got)" \
	[ "$got" = "$want" ]
got=$(awk -v p="$dir/rel.txt" '$2 == "write" && $7 == p { printf "%s ", $3 }' "$TMP/fields")
check "a filter on fd.name: the three writes to rel.txt, 11, 14 and 17 bytes (got: $got)" \
	[ "$got" = "11 14 17 " ]
got=$(awk -v d="$dir/d" '$8 == d { printf "%s:%s ", $3, $9 }' "$TMP/fields")
check "fd.directory of d: in_dir.txt's one write (got: $got)" [ "$got" = "12:in_dir.txt " ]

# A capture replays the same names: the fd table is rebuilt from the recorded calls.
"$SCRY" -r "$TMP/cap.scry" -p '%proc.pid %evt.type %evt.info' 'evt.dir=< and evt.type in (write,read)' \
	>"$TMP/replay" 2>"$TMP/rerr"
rrc=$?
for f in out replay; do
	grep -E "$dir/|pipe:\[$pino\]|$tuple|eventfd|EBADF" "$TMP/$f" |
		grep -E "size=(8|9|1[1-9]|2[01])( data=.*)?\$" >"$TMP/$f.sel"
done
checkall "replayed (exit $rrc): the helper's $(wc -l <"$TMP/out.sel") lines, names and all, as live" \
	'[ "$rrc" = 0 ] && [ "$(wc -l <"$TMP/out.sel")" = 15 ] && cmp -s "$TMP/out.sel" "$TMP/replay.sel"' ||
	diff "$TMP/out.sel" "$TMP/replay.sel" | head -5 | sed 's/^/#   /'
got=$("$SCRY" -r "$TMP/cap.scry" -p '%evt.type %fd.cport %fd.sport %fd.is_server %fd.lport' \
	"proc.pid=$pid and evt.dir='<' and evt.type in (read, write) and evt.rawres=21 and
	 (fd.rport=$sport or fd.lport=$sport)" | tr '\n' ';')
check "replayed: a read and a write on the TCP fds answer fd.rport/lport, cport, sport, is_server (got $got)" \
	[ "$got" = "write $cport $sport 0 $cport;read $cport $sport 1 $sport;" ]
got=$("$SCRY" -r "$TMP/cap.scry" -p '%fd.name' "evt.type=write and proc.pid=$pid and evt.rawres=19")
check "replayed: fd.name of the CLONE_FILES child's file (got $got)" [ "$got" = "$dir/shared.txt" ]
finish
