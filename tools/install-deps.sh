#!/bin/sh
# Installs what scry needs to build, run and test on Debian 12 (needs root; the test machines
# run as root). Installs only what is missing, so it is cheap to run again.
set -eu
pkgs="make gcc clang llvm libclang-rt-14-dev pkg-config bpftool libbpf-dev libelf-dev libdeflate-dev zlib1g-dev linux-libc-dev
libcurl4-openssl-dev libjson-c-dev libncurses-dev libcmocka-dev
python3 docker.io busybox-static strace util-linux iproute2 procps tmux nftables iperf3 sockperf netbase
libmicrohttpd-dev"
# issue 16 (scry serve, scry in a container, deploy/kubernetes): a real Prometheus and promtool
# for the exporter's tests, and the manifests' offline checks. kubectl from Debian's
# kubernetes-client unless a kubectl is installed already (another package's /usr/bin/kubectl
# would conflict with it).
pkgs="$pkgs python3-yaml python3-kubernetes prometheus"
command -v kubectl >/dev/null 2>&1 || pkgs="$pkgs kubernetes-client"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
