# Sourced by the bench scripts.
# wait_ready ERRFILE PATTERN: until a tracer started in the background says PATTERN (30 s).
wait_ready() {
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 300 ] && { echo "bench: tracer did not start" >&2; cat "$1" >&2; exit 1; }
		sleep 0.1
	done
}
