# scry's image for those with a registry: built from this tree on Debian 12, run on
# Debian 12 slim with the libraries scry links. Without a registry, `make image` makes the same
# image from build/scry (tools/mkimage.sh: the binary and exactly its libraries, one layer).
# docs/kubernetes.md: how the DaemonSet runs it.
#
#   docker build -t REGISTRY/scry:0.1.0 . && docker push REGISTRY/scry:0.1.0
#
# vmlinux.h is generated from the build machine's /sys/kernel/btf/vmlinux (CO-RE: any recent
# kernel's BTF builds a binary that runs on all of them); without it, pass
# --build-arg VMLINUX_BTF=/path/inside/the/context.
FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
	make gcc clang llvm bpftool pkg-config libbpf-dev libelf-dev libdeflate-dev zlib1g-dev \
	linux-libc-dev libcurl4-openssl-dev libjson-c-dev libncurses-dev libmicrohttpd-dev \
	ca-certificates && rm -rf /var/lib/apt/lists/*
ARG VMLINUX_BTF=/sys/kernel/btf/vmlinux
WORKDIR /src
COPY . .
RUN make -j"$(nproc)" VMLINUX_BTF="$VMLINUX_BTF" && make install PREFIX=/usr DESTDIR=/out

FROM debian:12-slim
# scry's shared libraries (ldd build/scry), /etc/services (netbase), terminfo (ncurses-base).
RUN apt-get update && apt-get install -y --no-install-recommends \
	libbpf1 libelf1 zlib1g libdeflate0 libcurl4 libjson-c5 libncursesw6 libmicrohttpd12 \
	netbase && rm -rf /var/lib/apt/lists/* && mkdir -p /host /captures
COPY --from=build /out/usr/bin/scry /usr/bin/scry
EXPOSE 9464
ENTRYPOINT ["/usr/bin/scry"]
CMD ["serve", "--listen", "0.0.0.0:9464"]
