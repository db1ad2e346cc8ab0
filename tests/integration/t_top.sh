#!/bin/sh
# scry top in a real terminal (tmux, 80x24): the containers screen with a busy container on top,
# Enter drills into its processes, Backspace comes back, sys_enter is attached only while a
# screen shows latency, / sets a filter (errors shown, not fatal), q quits with status 0 and the
# terminal restored, and so does SIGINT.
# The network: a client container sends 4321 bytes over TCP (loopback, host network) to a server
# container once a second; RX/S and TX/S show them exactly on the containers and processes
# screens, and c opens the connections, of a container (a drill-down) or of everyone.
. tests/lib/common.sh
plan 33
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
name=top-$$
"$DOCKER" run -d --name "$name" --network none "$IMAGE" sh -c 'while :; do :; done' >/dev/null
short_id=$("$DOCKER" inspect -f '{{.Id}}' "$name" | cut -c1-12)	# the engine's, not scry's
PN=$((47000 + $$ % 1000)) B=4321 cli=topc-$$ srv=tops-$$
"$DOCKER" run -d --name "$srv" --network host "$IMAGE" /h/net_io serve $PN 100000 >/dev/null
i=0
until grep -q ":$(printf '%04X' $PN) .* 0A " /proc/net/tcp || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
# One burst a second at most (sleep 1 between them): a second of figures holds one whole burst.
"$DOCKER" run -d --name "$cli" --network host "$IMAGE" sh -c \
	"while :; do /h/net_io tcp 127.0.0.1 $PN $B >/dev/null; sleep 1; done" >/dev/null
sess=scrytop$$
# Each session on a server (socket) of its own: a new session never meets a server that is still
# exiting ("server exited unexpectedly"), and the user's tmux is never touched.
sock=scrytop$$-1
tmux() { command tmux -L "$sock" "$@"; }
EXTRA_CLEANUP="command tmux -L scrytop$$-1 kill-server 2>/dev/null; command tmux -L scrytop$$-2 kill-server 2>/dev/null; rm -f \"\${TMUX_TMPDIR:-/tmp}/tmux-\$(id -u)\"/scrytop$$-*; $EXTRA_CLEANUP"
tmux new-session -d -s "$sess" -x 80 -y 24 "'$SCRY' top; echo EXIT=\$?; sleep 60"
screen() { tmux capture-pane -t "$sess" -p; }
wait_for() { # wait_for PATTERN: until the screen shows it (10 s)
	i=0
	until screen | grep -q -- "$1"; do i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1; done
}

wait_for "$name" && ok "containers screen lists the container by name" ||
	{ not_ok "containers screen lists the container by name"; screen | sed 's/^/#   /'; }
# The loop's share of a CPU is what the machine leaves it (one CPU when idle, less beside other
# work): the truth is its cgroup's CPU time between the two refreshes that frame the screen's
# second, read as each refresh is seen (the screen polled every 50 ms).
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
cgpath=$(sed -n 's/^0:://p' "/proc/$("$DOCKER" inspect -f '{{.State.Pid}}' "$name")/cgroup")
cg_us() { awk '$1 == "usage_usec" { print $2 }' "$cg2$cgpath/cpu.stat"; }
screen >"$TMP/s80"
seen=0 i=0 u0= t0=
while [ $seen -lt 2 ] && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.05
	screen >"$TMP/s80.new"
	cmp -s "$TMP/s80" "$TMP/s80.new" && continue
	u=$(cg_us) t=$(date +%s%N)
	mv "$TMP/s80.new" "$TMP/s80"
	seen=$((seen + 1))
	[ $seen -eq 1 ] && u0=$u t0=$t
done
u1=${u:-} t1=${t:-}
share=
[ $seen -eq 2 ] && share=$(awk -v a="$u0" -v b="$u1" -v s="$t0" -v e="$t1" \
	'BEGIN { if (a != "" && b != "") print int((b - a) * 1e5 / (e - s) + 0.5) }')
cpu=$(awk -v n="$name" '$0 ~ n { print int($1); exit }' "$TMP/s80")
# 10 points: each refresh is seen up to 50 ms (and a screen capture) late.
checkall "the busy container shows its CPU share, its cgroup's between the same two refreshes (scry ${cpu}%, cgroup ${share:-unread}%)" \
	'[ -n "$share" ] && [ -n "$cpu" ] && [ "$share" -ge 10 ] && [ "$cpu" -ge $((share - 10)) ] && [ "$cpu" -le $((share + 10)) ]'
# Rows start on line 4: at least the host's and the container's, CPU% never rising.
check "rows are sorted by CPU (2 rows at least)" awk 'NR >= 4 && NF && $1 ~ /^[0-9.]+$/ {
	n++; if (n > 1 && $1 + 0 > p + 0) bad = 1; p = $1 } END { exit bad || n < 2 }' "$TMP/s80"
# 80 columns, the screen's own promise: every column's header and every cell of the container's
# row whole (its id and name as the engine says, 8 figures). IMAGE, the rest of the line, has no
# room left at 80: the same screen widened to 200 shows the same header and cells, and IMAGE.
# (Numbers take 5 columns, percentages 6 or 7: wait, throttling, memory, block I/O and the
# network's RX/S and TX/S fit beside CPU%.)
hdr='   CPU%  WAIT%  THR%   MEM  IO/S  RX/S  TX/S PROCS CONTAINER.ID CONTAINER.NAME'
num='^[0-9][0-9.]*[KMGT]?$'
row() { # row SCREEN [IMAGE]: the container's row, whole: 8 figures, the id, the name (the image)
	# THR% is "-" until a second reading of its cgroup gives a growth
	awk -v n="$name" -v id="$short_id" -v img="$2" -v num="$num" '
		$10 == n { r++; if ((img == "" ? NF == 10 : NF == 11 && $11 == img) && $9 == id &&
				   $1 ~ num && $2 ~ num && ($3 ~ num || $3 == "-") && $4 ~ num &&
				   $5 ~ num && $6 ~ num && $7 ~ num && $8 ~ num) good++ }
		END { exit !(r == 1 && good == 1) }' "$1"
}
checkall "fits 80 columns: the header's columns whole, the container's row whole ($short_id $name)" \
	'[ "$(sed -n 3p "$TMP/s80" | sed "s/ *\$//")" = "$hdr" ] && row "$TMP/s80" &&
	 [ "$(awk "{ if (length(\$0) > m) m = length(\$0) } END { print m }" "$TMP/s80")" -le 80 ]' ||
	sed 's/^/#   /' "$TMP/s80" | head -6
tmux resize-window -t "$sess" -x 200
wait_for "CONTAINER.NAME       IMAGE"
screen >"$TMP/s200"
checkall "the same screen at 200 columns: the same header and row, and IMAGE ($IMAGE)" \
	'[ "$(sed -n 3p "$TMP/s200" | sed "s/ *\$//")" = "$hdr       IMAGE" ] && row "$TMP/s200" "$IMAGE"' ||
	sed 's/^/#   /' "$TMP/s200" | head -6
tmux resize-window -t "$sess" -x 80
until_screen() { # until_screen AWK: until the screen's rows (lines 4-23) satisfy AWK's exit 0 (10 s)
	i=0
	until screen | awk 'NR >= 4 && NR <= 23 && NF' | awk "$1"; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done
}
# Where the selection is: "SEL ROW", the lines of the selected row (the one that ends in reverse
# video, by the SGR codes of tmux capture-pane -e, whose attributes carry from one line to the
# next) and of container NAME's row.
where() {
	tmux capture-pane -t "$sess" -p -e | awk -v e="$(printf '\033')" -v n="$1" '{
		s = $0; t = $0
		while (match(s, e "\\[[0-9;]*m")) {
			k = split(substr(s, RSTART + 2, RLENGTH - 3), a, ";")
			if (k == 0) rev = 0
			for (j = 1; j <= k; j++)
				if (a[j] == "" || a[j] == "0" || a[j] == "27") rev = 0; else if (a[j] == "7") rev = 1
			s = substr(s, RSTART + RLENGTH)
		}
		gsub(e "\\[[0-9;]*m", "", t)
		split(t, f, " ")
		if (NR >= 4 && rev) sel = NR
		if (NR >= 4 && f[10] == n) row = NR
	} END { print sel + 0, row + 0 }'
}
select_ctr() { # select_ctr NAME: Up or Down until NAME's row is the selected one (rows re-sort)
	i=0
	while :; do
		set -- "$1" $(where "$1")
		[ "$3" -gt 0 ] && [ "$2" = "$3" ] && return 0
		i=$((i + 1)); [ $i -gt 50 ] && return 1
		if [ "$3" -gt 0 ] && [ "$3" -lt "$2" ]; then tmux send-keys -t "$sess" Up
		elif [ "$3" -gt 0 ]; then tmux send-keys -t "$sess" Down; fi
		sleep 0.2
	done
}
select_ctr "$name"
tmux send-keys -t "$sess" Enter
wait_for "container: $name (" && ok "Enter drills into the container's processes" ||
	not_ok "Enter drills into the container's processes"
wait_for " sh " && ok "its busy shell is listed" || { not_ok "its busy shell is listed"; screen | sed 's/^/#   /'; }
# The drill-down goes into the kernel: other cgroups' syscalls are left out there (push-down).
pd_cgroups() { # cgroups scry's programs leave out now
	bpftool -j map dump name pd_cgroups 2>/dev/null | py "
import json, sys
try: print(len(json.load(sys.stdin)))
except ValueError: print(-1)"
}
until_pd() { # until_pd TEST: wait (5 s) until the count passes `[ N TEST ]`
	i=0
	until [ "$(pd_cgroups)" "$@" ]; do i=$((i + 1)); [ $i -gt 50 ] && return 1; sleep 0.1; done
}
until_pd -gt 0 && ok "drilled in, the kernel leaves the other cgroups' syscalls out ($(pd_cgroups))" ||
	not_ok "drilled in, the kernel leaves the other cgroups' syscalls out (got $(pd_cgroups))"
tmux send-keys -t "$sess" BSpace
wait_for "filter: (none)" && ok "Backspace goes back" || not_ok "Backspace goes back"
until_pd = 0 && ok "back on every container's screen, the kernel leaves nothing out" ||
	not_ok "back on every container's screen, the kernel leaves nothing out (got $(pd_cgroups))"
# h: the selected row alone, its run-queue wait and block latency histograms below it, in 80
# columns; h again brings the rows back. (The figures are t_sched_wait's and t_blockio's.)
select_ctr "$name"
tmux send-keys -t "$sess" h
wait_for "^run-queue waits: " && wait_for "^block I/O latency" && screen >"$TMP/h80"
r=$?
checkall "h: $name's row on line 4, its wait and block latency histograms below, within 80 columns" \
	'[ $r -eq 0 ] && awk -v n="$name" "NR == 4 && \$10 == n { ok = 1 } { if (length(\$0) > m) m = length(\$0) }
	 END { exit !(ok && m <= 80) }" "$TMP/h80" &&
	 awk "/^run-queue waits: [0-9]+, mean/ { w = 1 } /^run-queue waits: none/ { w = 1 }
	      w && / [0-9]+ \\|#*  *\\|\$/ { b = 1 } END { exit !w }" "$TMP/h80"' ||
	sed 's/^/#   /' "$TMP/h80"
tmux send-keys -t "$sess" h
wait_for "Enter:drill" && [ "$(screen | sed -n 3p | sed "s/ *\$//")" = "$hdr" ] &&
	ok "h again: the rows and their header" || { not_ok "h again: the rows and their header"; screen | sed 's/^/#   /'; }

# --- the network ---------------------------------------------------------------------------------
# Rows: CPU% WAIT% THR% MEM IO/S RX/S TX/S PROCS CONTAINER.ID CONTAINER.NAME. A second with the
# burst in it: the client sent B and received nothing, the server received B and sent nothing.
until_screen '$10 == "'$cli'" && $6 == "0" && $7 == "'$B'" { c = 1 }
	      $10 == "'$srv'" && $6 == "'$B'" && $7 == "0" { s = 1 } END { exit !(c && s) }' &&
	ok "containers screen: $cli TX/S $B RX/S 0, $srv RX/S $B TX/S 0 (a second's burst, exact)" ||
	{ not_ok "containers screen: $cli TX/S $B RX/S 0, $srv RX/S $B TX/S 0"; screen | sed 's/^/#   /'; }
select_ctr "$cli"
tmux send-keys -t "$sess" Enter
phdr='   CPU% SYSC/S ERR/S FILE/S  RX/S  TX/S     PID PROC.NAME       CONTAINER'
wait_for "container: $cli (" &&
	until_screen '$8 == "net_io" && $5 == "0" && $6 == "'$B'" && $9 == "'$cli'" { n = 1 } END { exit !n }'
r=$?
checkall "processes screen of $cli at 80 columns: the header whole, net_io's row TX/S $B RX/S 0" \
	'[ $r -eq 0 ] && [ "$(screen | sed -n 3p | sed "s/ *\$//")" = "$phdr" ]' || screen | sed 's/^/#   /'
tmux send-keys -t "$sess" BSpace
wait_for "filter: (none)"
select_ctr "$cli"
tmux send-keys -t "$sess" c
chdr='NET_B/S  RX/S  TX/S RETRANS PROTO CONNECTION'
wait_for "container: $cli (" && wait_for "CONNECTION"
r=$?
checkall "c on $cli: its connections screen, the header whole at 80 columns" \
	'[ $r -eq 0 ] && [ "$(screen | sed -n 3p | sed "s/ *\$//")" = "$chdr" ]' || screen | sed 's/^/#   /'
tmux resize-window -t "$sess" -x 200
# NET_B/S RX/S TX/S RETRANS PROTO CONNECTION PID PROC.NAME CONTAINER: the client's end, and only
# its container's sockets.
conn_c='$9 == "'$cli'" && $1 == "'$B'" && $2 == "0" && $3 == "'$B'" && $4 == "0" && $5 == "tcp" &&
	$6 ~ /^127\.0\.0\.1:[1-9][0-9]*->127\.0\.0\.1:'$PN'$/ && $7 ~ /^[0-9]+$/ && $8 == "net_io" { c = 1 }'
until_screen "$conn_c"' $9 != "'$cli'" { other = 1 } END { exit !(c && !other) }' &&
	ok "$cli's connections: tcp 127.0.0.1:*->127.0.0.1:$PN, net_io, $B out, 0 in, 0 retransmits; no other container's" ||
	{ not_ok "$cli's connections: tcp 127.0.0.1:*->127.0.0.1:$PN, net_io, $B out, 0 in"; screen | sed 's/^/#   /'; }
# Everyone's connections (c on a screen of processes): both ends of a burst in the same second.
tmux send-keys -t "$sess" BSpace 2
wait_for "topprocs_cpu"
tmux send-keys -t "$sess" c
wait_for "CONNECTION"
until_screen "$conn_c"' $9 == "'$srv'" && $1 == "'$B'" && $2 == "'$B'" && $3 == "0" && $5 == "tcp" &&
	$6 ~ /^127\.0\.0\.1:'$PN'->127\.0\.0\.1:[1-9][0-9]*$/ && $8 == "net_io" { s = 1 } END { exit !(c && s) }' &&
	ok "c elsewhere: every connection, the server's end in $srv with $B in, 0 out" ||
	{ not_ok "c elsewhere: every connection, the server's end in $srv with $B in, 0 out"; screen | sed 's/^/#   /'; }
tmux resize-window -t "$sess" -x 80
tmux send-keys -t "$sess" 1
wait_for "topcontainers_cpu"
# Enters are traced only while a screen needs them: topscalls (key 5) shows latency.
enter_links() { # scry's sys_enter programs attached now
	bpftool -j link show 2>/dev/null | py "
import json, subprocess, sys
n = 0
for l in json.load(sys.stdin):
    if l.get('tp_name') == 'sys_enter':
        p = json.loads(subprocess.run(['bpftool', '-j', 'prog', 'show', 'id', str(l['prog_id'])],
                                      capture_output=True, text=True).stdout or '{}')
        n += p.get('name') == 'scry_sys_enter'
print(n)"
}
until_links() { # until_links N: wait (5 s) until N sys_enter programs of scry are attached
	i=0
	while [ "$(enter_links)" != "$1" ]; do i=$((i + 1)); [ $i -gt 50 ] && return 1; sleep 0.1; done
}
until_links 0 && ok "the containers screen traces syscall exits only (no sys_enter attached)" ||
	not_ok "the containers screen traces syscall exits only (got $(enter_links) sys_enter)"
tmux send-keys -t "$sess" 5
wait_for "LAT_MEAN" && until_links 1 && ok "topscalls (latency) attaches sys_enter" ||
	{ not_ok "topscalls (latency) attaches sys_enter (got $(enter_links))"; screen | sed 's/^/#   /'; }
sleep 1.2
lat=$(screen | awk '$NF == "read" || $NF == "close" || $NF == "write" { print $4; exit }')
checkall "topscalls shows a mean latency (got ${lat:-none})" \
	'[ -n "$lat" ] && [ "$lat" != 0 ] && [ "$lat" != "0.0" ]' || screen | sed 's/^/#   /'
tmux send-keys -t "$sess" 1
wait_for "CPU%" && until_links 0 && ok "back on a screen without latency, sys_enter is detached again" ||
	not_ok "back on a screen without latency, sys_enter is detached again (got $(enter_links))"
tmux send-keys -t "$sess" / 'proc.nme=x' Enter
wait_for "unknown field 'proc.nme'" && ok "a bad filter is reported on the status line" ||
	not_ok "a bad filter is reported on the status line"
tmux send-keys -t "$sess" q
wait_for "EXIT="; screen >"$TMP/end"
check "q quits with status 0" grep -qx "EXIT=0" "$TMP/end" || sed 's/^/#   /' "$TMP/end"
# restored: the pane is there (the shell's EXIT line) and the table is not
check "the terminal is restored (the table is gone)" \
	sh -c "grep -q '^EXIT=' '$TMP/end' && ! grep -q 'CONTAINER.ID' '$TMP/end'"

# SIGINT restores the terminal too.
tmux kill-server
sock=scrytop$$-2
tmux new-session -d -s "$sess" -x 80 -y 24 "'$SCRY' top; echo EXIT=\$?; sleep 60"
wait_for "CONTAINER.ID" && ok "scry top starts again" || not_ok "scry top starts again"
# This session's scry: the child of the pane's shell (never another run's scry top).
kill -INT $(ps -o pid= --ppid "$(tmux list-panes -t "$sess" -F '#{pane_pid}')")
wait_for "EXIT="; screen >"$TMP/end"
check "SIGINT ends scry top with status 0" grep -qx "EXIT=0" "$TMP/end" || sed 's/^/#   /' "$TMP/end"
check "SIGINT: the terminal is restored" \
	sh -c "grep -q '^EXIT=' '$TMP/end' && ! grep -q 'CONTAINER.ID' '$TMP/end'"
timeout 30 "$SCRY" top </dev/null >"$TMP/o" 2>"$TMP/e"
rc=$?
checkall "without a terminal: exit 1, one clear line (rc=$rc)" \
	'[ $rc -eq 1 ] && [ ! -s "$TMP/o" ] && [ "$(wc -l <"$TMP/e")" -eq 1 ] && grep -q "needs a terminal" "$TMP/e"' ||
	sed 's/^/#   /' "$TMP/e"

# Two LXC containers whose names share their first 12 characters (their short ids): drilling
# into one shows its processes only. The other runs processes with hostile names: escaped on
# screen, no row broken.
tmux kill-server
cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
mkdir "$cg/lxc.payload.webserver-prod-1" "$cg/lxc.payload.webserver-prod-2"
EXTRA_CLEANUP="kill -KILL \$(cat '$cg/lxc.payload.webserver-prod-1/cgroup.procs' '$cg/lxc.payload.webserver-prod-2/cgroup.procs' 2>/dev/null) 2>/dev/null; sleep 0.2; rmdir '$cg/lxc.payload.webserver-prod-1' '$cg/lxc.payload.webserver-prod-2' 2>/dev/null; $EXTRA_CLEANUP"
sh -c "echo \$\$ > '$cg/lxc.payload.webserver-prod-1/cgroup.procs' && exec '$HELPERS/busy_loop' 60" >/dev/null &
esc=$(printf '\033[31mEVIL' | od -An -tx1 -v | tr -d ' \n')
nl=$(printf 'x\nFORGED' | od -An -tx1 -v | tr -d ' \n')
sh -c "echo \$\$ > '$cg/lxc.payload.webserver-prod-2/cgroup.procs' && while :; do '$HELPERS/hostile' comm $esc 20000; '$HELPERS/hostile' comm $nl 20000; sleep 0.05; done" >/dev/null &
sock=scrytop$$-3
EXTRA_CLEANUP="command tmux -L scrytop$$-3 kill-server 2>/dev/null; $EXTRA_CLEANUP"
tmux new-session -d -s "$sess" -x 120 -y 30 "'$SCRY' top; echo EXIT=\$?; sleep 60"
wait_for "webserver-prod-2" && ok "the LXC containers are listed" ||
	{ not_ok "the LXC containers are listed"; screen | sed 's/^/#   /'; }
sleep 1.2
# Select its row (rows start on line 4; the selection follows its row when they re-sort).
row=$(screen | awk '/webserver-prod-1/ { print NR - 4; exit }')
while [ "${row:-0}" -gt 0 ]; do tmux send-keys -t "$sess" Down; row=$((row - 1)); done
tmux send-keys -t "$sess" Enter
wait_for "container: webserver-prod-1 (" && ok "Enter drills into webserver-prod-1" ||
	not_ok "Enter drills into webserver-prod-1"
sleep 2.2
checkall "drilled into webserver-prod-1: its busy loop, not webserver-prod-2's processes" \
	"screen | grep -q busy_loop && ! screen | grep -q -e 'EVIL' -e 'FORGED' -e hostile" ||
	screen | sed 's/^/#   /'
tmux send-keys -t "$sess" BSpace 2
wait_for 'x\\x0aFORGED' || sleep 2
checkall "hostile names are shown escaped on screen, one row each" \
	"screen | grep -qF -e '\\x1b[31mEVIL' && screen | grep -qF -e 'x\\x0aFORGED' && ! screen | grep -q '^FORGED'" ||
	screen | sed 's/^/#   /'
tmux send-keys -t "$sess" q
wait_for "EXIT="; screen >"$TMP/end"
check "q quits with status 0 (LXC screen)" grep -qx "EXIT=0" "$TMP/end" || sed 's/^/#   /' "$TMP/end"
finish
