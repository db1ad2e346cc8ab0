# Sourced by tests/lib/common.sh and tests/run.sh.

# kill_engines DIR: kill, by pid, the container engines a test started under DIR and what they
# started: dockerd and containerd from their pidfiles, the shims (which stay in containerd's
# session), the containers' first processes from their init.pid. Never by name or pattern: the
# engines of another test run on this machine are not ours. A pid whose process no longer
# belongs to DIR (its command line does not name DIR, or for a container its cgroup does not
# name the container) has been reused by someone else and is left alone.
kill_engines() {
	find "$1" \( -name docker.pid -o -name containerd.pid -o -name init.pid \) 2>/dev/null |
	while read -r f; do
		p=$(cat "$f" 2>/dev/null)
		case "$p" in '' | *[!0-9]*) continue ;; esac
		case "$f" in
		*/init.pid)
			id=${f%/init.pid}; id=${id##*/}
			grep -qF -- "$id" "/proc/$p/cgroup" 2>/dev/null && kill -KILL "$p" ;;
		*/containerd.pid) # and its session: the shims, even when containerd itself is gone
			for q in $p $(ps -eo pid=,sid= | awk -v s="$p" '$2 == s { print $1 }'); do
				names "$q" "$1" && kill -KILL "$q"
			done ;;
		*) names "$p" "$1" && kill -KILL "$p" ;;
		esac
	done
	grep " $1/" /proc/mounts | awk '{ print $2 }' | sort -r | while read -r m; do umount "$m"; done
}
# names PID DIR: the command line of PID names DIR.
names() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"; }
