#!/bin/sh
# scry's container image without a registry: the built binary, exactly the shared libraries it
# loads (ldd), and the few files it reads from its own root at run time, in one layer imported
# with `docker import`. Usage: tools/mkimage.sh SCRY_BINARY IMAGE_TAG [OUT_DIR]
#
# What scry reads from its own root (everything else is the host's, under --host-root):
#   /etc/services        port names (fd.lproto ...) when the host's /etc is not mounted
#   /lib/terminfo/...    the terminals `scry top` draws on
# The entrypoint is scry itself; the image sets no --host-root (the DaemonSet sets
# SCRY_HOST_ROOT=/host): run on a host without /host mounted, it behaves as on the host.
set -eu
bin=${1:?usage: mkimage.sh SCRY_BINARY IMAGE_TAG [OUT_DIR]}
tag=${2:?usage: mkimage.sh SCRY_BINARY IMAGE_TAG [OUT_DIR]}
out=${3:-$(dirname "$bin")/image}
DOCKER=${DOCKER:-docker}

root="$out/rootfs"
rm -rf "$root"
mkdir -p "$root/usr/bin" "$root/etc" "$root/host" "$root/tmp" "$root/captures"
chmod 1777 "$root/tmp"
cp "$bin" "$root/usr/bin/scry"

# The loader and every library at the path ldd names (Debian's ld.so searches
# /lib/x86_64-linux-gnu itself: no ld.so.cache needed).
libs=$(ldd "$bin" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p')
[ -n "$libs" ] || { echo "mkimage: ldd found no libraries in $bin" >&2; exit 1; }
for l in $libs; do
	mkdir -p "$root${l%/*}"
	cp -L "$l" "$root$l"
done

[ -f /etc/services ] && cp /etc/services "$root/etc/services"
for t in d/dumb l/linux v/vt100 x/xterm x/xterm-256color s/screen s/screen-256color; do
	for d in /lib/terminfo /usr/share/terminfo; do
		if [ -f "$d/$t" ]; then
			mkdir -p "$root/lib/terminfo/${t%/*}"
			cp -L "$d/$t" "$root/lib/terminfo/$t"
			break
		fi
	done
done
printf 'root:x:0:0:root:/:/usr/bin/scry\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"

# One reproducible layer: sorted names, root-owned, a fixed time.
tar -C "$root" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$out/rootfs.tar" .
"$DOCKER" import \
	--change 'ENTRYPOINT ["/usr/bin/scry"]' \
	--change 'CMD ["serve", "--listen", "0.0.0.0:9464"]' \
	--change 'EXPOSE 9464' \
	--change 'LABEL org.opencontainers.image.title=scry' \
	"$out/rootfs.tar" "$tag" >/dev/null
echo "mkimage: $tag ($(du -k "$out/rootfs.tar" | cut -f1) KiB, $(echo "$libs" | wc -w) libraries)"
