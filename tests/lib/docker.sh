# A private Docker engine for the tests (sourced after common.sh): its own socket, pidfile,
# exec-root and data-root under $TMP, no bridge, no firewall, live-restore so that containers
# outlive a stopped daemon. Test containers use --network none.
DOCKER=${DOCKER:-/usr/bin/docker}
DK="$TMP/docker"
export DOCKER_HOST="unix://$DK/docker.sock"
IMAGE=scry-test:1

dockerd_start() {
	mkdir -p "$DK"
	dockerd --bridge=none --iptables=false --ip-masq=false --live-restore \
		--host "$DOCKER_HOST" --pidfile "$DK/docker.pid" --exec-root "$DK/exec" \
		--data-root "$DK/data" >>"$DK/log" 2>&1 &
	i=0
	until "$DOCKER" version >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 150 ]; then echo "# dockerd did not start:"; tail -5 "$DK/log" | sed 's/^/#   /'; return 1; fi
		sleep 0.2
	done
}

dockerd_stop() {
	[ -f "$DK/docker.pid" ] || return 0
	pid=$(cat "$DK/docker.pid")
	kill "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "$pid" 2>/dev/null
	rm -f "$DK/docker.pid"
}

docker_cleanup() {
	# Restart if needed so that the engine removes its containers, then stop it for good.
	if [ ! -S "$DK/docker.sock" ] && [ -d "$DK/data" ]; then dockerd_start >/dev/null; fi
	ids=$("$DOCKER" ps -aq 2>/dev/null)
	[ -n "$ids" ] && "$DOCKER" rm -f $ids >/dev/null 2>&1
	dockerd_stop
	# Whatever of this engine is left (its containerd, shims) goes too.
	kill_engines "$DK"
}
EXTRA_CLEANUP=docker_cleanup

# busybox-static plus the test helpers, imported as one small image (no registry needed).
image_build() {
	root="$TMP/image"
	mkdir -p "$root/bin" "$root/h" "$root/tmp"
	cp /bin/busybox "$root/bin/busybox"
	for a in sh ls cat sleep true dd seq; do ln -sf busybox "$root/bin/$a"; done
	cp "$HELPERS"/* "$root/h/"
	# Real programs from the host (IMAGE_BINS), each with the shared libraries it loads.
	for b in $IMAGE_BINS; do
		cp "$b" "$root/bin/" || return 1
		for l in $(ldd "$b" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
			mkdir -p "$root${l%/*}" && cp -L "$l" "$root$l" || return 1
		done
	done
	tar -C "$root" -c . | "$DOCKER" import - "$IMAGE" >/dev/null
}
