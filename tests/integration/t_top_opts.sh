#!/bin/sh
# scry top takes the shared options as every run does (one run builder): -n N ends it after N
# events that match FILTER, -M SECS after SECS seconds, each with status 0 and the terminal
# restored. Before, scry top skipped the shared setup and ignored -n.
. tests/lib/common.sh
plan 4

command -v tmux >/dev/null || { not_ok "tmux is needed"; finish; }
sock=scrytopopts$$
tmux() { command tmux -L "$sock" "$@"; }
EXTRA_CLEANUP="command tmux -L $sock kill-server 2>/dev/null; rm -f \"\${TMUX_TMPDIR:-/tmp}/tmux-\$(id -u)\"/$sock; $EXTRA_CLEANUP"
# Syscalls from a known process, whatever else the machine is doing.
sh -c 'while :; do cat /dev/null; done' &
busy=$!
EXTRA_CLEANUP="kill $busy 2>/dev/null; $EXTRA_CLEANUP"
screen() { tmux capture-pane -t "$1" -p; }
wait_for() { # wait_for SESSION PATTERN SECS: until the screen shows it
	i=0
	until screen "$1" | grep -q -- "$2"; do
		i=$((i + 1)); [ $i -gt $(($3 * 10)) ] && return 1; sleep 0.1
	done
}

tmux new-session -d -s n -x 80 -y 24 "'$SCRY' top -n 300 proc.name=cat; echo EXIT=\$?; sleep 60"
wait_for n "EXIT=" 20
checkall "scry top -n 300 ends by itself with status 0" 'screen n | grep -q "EXIT=0"' ||
	screen n | sed 's/^/#   /'
check "-n: the terminal is restored" sh -c "! tmux -L '$sock' capture-pane -t n -p | grep -q 'CONTAINER.ID'"

# -n counts what FILTER matches: nothing here, so it runs until -M ends it.
tmux new-session -d -s m -x 80 -y 24 "'$SCRY' top -M 3 -n 1 proc.name=no-such-process; echo EXIT=\$?; sleep 60"
sleep 1.5
checkall "-n counts only the events FILTER matches (still running after 1.5 s)" \
	'! screen m | grep -q "EXIT="'
wait_for m "EXIT=" 20
checkall "scry top -M 3 ends by itself with status 0" 'screen m | grep -q "EXIT=0"' ||
	screen m | sed 's/^/#   /'
finish
