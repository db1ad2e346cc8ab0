#!/bin/sh
# scry top in a real terminal (tmux, 80x24): the containers screen with a busy container on top,
# Enter drills into its processes, Backspace comes back, sys_enter is attached only while a
# screen shows latency, / sets a filter (errors shown, not fatal), q quits with status 0 and the
# terminal restored, and so does SIGINT.
. tests/lib/common.sh
plan 24
. tests/lib/docker.sh

dockerd_start && image_build || { not_ok "private dockerd and test image"; finish; }
name=top-$$
"$DOCKER" run -d --name "$name" --network none "$IMAGE" sh -c 'while :; do :; done' >/dev/null
short_id=$("$DOCKER" inspect -f '{{.Id}}' "$name" | cut -c1-12)	# the engine's, not scry's
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
sleep 1.2	# a full second of figures
screen >"$TMP/s80"
cpu=$(awk -v n="$name" '$0 ~ n { print int($1); exit }' "$TMP/s80")
check "the busy container shows about one CPU (got ${cpu}%)" [ "${cpu:-0}" -ge 85 -a "${cpu:-0}" -le 110 ]
# Rows start on line 4: at least the host's and the container's, CPU% never rising.
check "rows are sorted by CPU (2 rows at least)" awk 'NR >= 4 && NF && $1 ~ /^[0-9.]+$/ {
	n++; if (n > 1 && $1 + 0 > p + 0) bad = 1; p = $1 } END { exit bad || n < 2 }' "$TMP/s80"
# 80 columns, the screen's own promise: every column's header and every cell of the container's
# row whole (its id and name as the engine says, 5 figures). IMAGE, the rest of the line, has no
# room left at 80: the same screen widened to 200 shows the same header and cells, and IMAGE.
hdr='     CPU%    SYSC/S     ERR/S  FILE_B/S     PROCS CONTAINER.ID CONTAINER.NAME'
num='^[0-9][0-9.]*[KMGT]?$'
row() { # row SCREEN [IMAGE]: the container's row, whole: 5 figures, the id, the name (the image)
	awk -v n="$name" -v id="$short_id" -v img="$2" -v num="$num" '
		$7 == n { r++; if ((img == "" ? NF == 7 : NF == 8 && $8 == img) && $6 == id &&
				   $1 ~ num && $2 ~ num && $3 ~ num && $4 ~ num && $5 ~ num) good++ }
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
tmux send-keys -t "$sess" Enter
wait_for "container: $name (" && ok "Enter drills into the container's processes" ||
	not_ok "Enter drills into the container's processes"
wait_for " sh " && ok "its busy shell is listed" || { not_ok "its busy shell is listed"; screen | sed 's/^/#   /'; }
tmux send-keys -t "$sess" BSpace
wait_for "filter: (none)" && ok "Backspace goes back" || not_ok "Backspace goes back"
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
