# scry: build/vmlinux.h -> bpf objects -> bpftool gen object -> gen skeleton -> userspace -> build/scry
#
#   make                 build build/scry
#   make test            unit + integration tests (integration needs root)
#   make bench           overhead and throughput figures (root)
#   make SAN=1 ...       AddressSanitizer + UBSan build in build-san/
#   make install         install to $(DESTDIR)$(PREFIX)/bin
#   make image           container image scry:$(VERSION) from build/scry, no registry (docker import)
#   V=1                  show the commands

.DELETE_ON_ERROR:
.SUFFIXES:

PREFIX ?= /usr/local
V ?= 0
SAN ?= 0

ifeq ($(SAN),1)
BUILD ?= build-san
else
BUILD ?= build
endif

ifeq ($(V),1)
Q =
msg = @true
else
Q = @
msg = @printf '  %-8s %s\n' $(1) $(2)
endif

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
VERSION := 0.1.0

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
# vmlinux.h is generated from the running kernel's BTF: CO-RE relocates every field access at
# load time, so a header from any recent kernel builds a binary that runs on all of them. Point
# VMLINUX_BTF at another BTF file, or VMLINUX_H at a ready header, to build elsewhere.
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VMLINUX_H ?= $(BUILD)/vmlinux.h

# Fail loudly and name the package when a tool or library is missing.
need_cmd = $(if $(shell command -v $(1) 2>/dev/null),,$(error $(1) not found: install the Debian package $(2)))
ifeq ($(filter clean,$(MAKECMDGOALS)),)
$(call need_cmd,$(CLANG),clang)
$(call need_cmd,$(BPFTOOL),bpftool)
$(call need_cmd,pkg-config,pkg-config)
need_pc = $(if $(shell pkg-config --exists $(1) && echo y),,$(error library $(1) not found: install the Debian package $(2)))
$(call need_pc,libbpf,libbpf-dev)
$(call need_pc,libdeflate,libdeflate-dev)
$(call need_pc,libelf,libelf-dev)
$(call need_pc,libcurl,libcurl4-openssl-dev)
$(call need_pc,json-c,libjson-c-dev)
$(call need_pc,ncursesw,libncurses-dev)
$(call need_pc,libmicrohttpd,libmicrohttpd-dev)
endif

PKGS := libbpf libelf libdeflate libcurl json-c ncursesw libmicrohttpd
LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wshadow -Wstrict-prototypes -Wformat=2
CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 $(WARN) -D_GNU_SOURCE -DSCRY_VERSION='"$(VERSION)"' \
	-Iinclude -I$(BUILD) -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
ifeq ($(SAN),1)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
endif

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Iinclude -I$(BUILD) -Wall -Werror \
	-Wno-unused-function -mcpu=v3

BPF_SRCS := $(wildcard bpf/*.bpf.c)
# floor: the bench's own; iter: the socket seed, loaded on its own (a kernel may refuse it).
BPF_MAIN := $(filter-out bpf/floor.bpf.c bpf/iter.bpf.c,$(BPF_SRCS))
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_MAIN))

SRCS := $(shell find src -name '*.c' | sort)
OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRCS))
LIB_OBJS := $(filter-out $(BUILD)/obj/main.o,$(OBJS))

GEN := $(BUILD)/gen/syscall_list.h $(BUILD)/gen/syscall_list32.h $(BUILD)/gen/errno_list.h

all: $(BUILD)/scry

# --- BPF --------------------------------------------------------------------------------------
$(BUILD)/vmlinux.h:
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)test -r $(VMLINUX_BTF) || { echo "error: $(VMLINUX_BTF) not readable: the kernel needs CONFIG_DEBUG_INFO_BTF=y, or pass VMLINUX_BTF=/path/to/btf or VMLINUX_H=/path/to/vmlinux.h" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.bpf.h) include/scry/event.h include/scry/sockcall.h \
		$(VMLINUX_H)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Several programs, one object, one skeleton.
$(BUILD)/scry.bpf.o: $(BPF_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(BUILD)/scry.skel.h: $(BUILD)/scry.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name scry_bpf > $@

$(BUILD)/iter.skel.h: $(BUILD)/bpf/iter.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name iter_bpf > $@

$(BUILD)/floor.skel.h: $(BUILD)/bpf/floor.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name floor_bpf > $@

# --- generated tables ---------------------------------------------------------------------------
# Syscall and errno names come from the C library's headers for this architecture, at build time.
$(BUILD)/gen/syscall_list.h: tools/gen-syscalls.sh
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)CC="$(CC)" sh $< > $@

$(BUILD)/gen/syscall_list32.h: tools/gen-syscalls32.sh
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)CC="$(CC)" sh $< > $@

$(BUILD)/gen/errno_list.h: tools/gen-errnos.sh
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)CC="$(CC)" sh $< > $@

# --- userspace ---------------------------------------------------------------------------------
$(BUILD)/obj/%.o: src/%.c $(BUILD)/scry.skel.h $(BUILD)/iter.skel.h $(GEN)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libscry.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/scry: $(BUILD)/obj/main.o $(BUILD)/libscry.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS) -o $@

# --- tests -------------------------------------------------------------------------------------
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(HELPER_SRCS))

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libscry.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(BUILD)/libscry.a $(LIBS) -lcmocka -o $@

# Workloads with known truth; static and sanitizer-free so that they run inside containers.
$(BUILD)/helpers/%: tests/helpers/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Wextra -Werror -static $< -o $@

$(BUILD)/scry-floor: tests/bench/floor.c $(BUILD)/floor.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LIBS) -o $@

tests: $(BUILD)/scry $(UNIT_BINS) $(HELPER_BINS)

test: tests
	$(Q)BUILD=$(BUILD) sh tests/run.sh

bench: $(BUILD)/scry $(BUILD)/scry-floor $(HELPER_BINS)
	$(Q)BUILD=$(BUILD) sh tests/bench/bench.sh

# docs/sysdig-parity.md: every sysdig field and chisel against `scry -l` and `scry -L`.
parity: $(BUILD)/scry
	$(Q)python3 tests/tools/sysdig_parity.py $(BUILD)/scry > docs/sysdig-parity.md.tmp
	$(Q)mv docs/sysdig-parity.md.tmp docs/sysdig-parity.md

install: $(BUILD)/scry
	install -D -m 0755 $(BUILD)/scry $(DESTDIR)$(PREFIX)/bin/scry

# scry's image from the built binary and exactly its libraries (docs/kubernetes.md); IMAGE=tag.
IMAGE ?= scry:$(VERSION)
image: $(BUILD)/scry
	$(call msg,IMAGE,$(IMAGE))
	$(Q)sh tools/mkimage.sh $(BUILD)/scry $(IMAGE) $(BUILD)/image

clean:
	rm -rf build build-san

.PHONY: all tests test bench parity install image clean

-include $(OBJS:.o=.d)

# Fuzz targets (libFuzzer) and the capture benchmark live in their own fragments.
-include tests/fuzz/fuzz.mk
-include tests/bench/bench.mk
