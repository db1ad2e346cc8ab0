# make fuzz [FUZZ_SECS=60]: the libFuzzer targets under AddressSanitizer + UBSan, one after the
# other, each for FUZZ_SECS seconds (FUZZ_CAPTURE_SECS, FUZZ_FILTER_SECS to set them apart);
# make fuzz-capture, fuzz-filter or fuzz-http runs one.
#
# fuzz_capture: the capture reader. Seeds are small captures written by the capture unit test
# (SCRY_FUZZ_CORPUS); the corpus it grows stays in $(BUILD)/fuzz/corpus between runs.
# fuzz_filter: the filter language. Seeds are the expressions of tests/data/filters.test; its
# corpus stays in $(BUILD)/fuzz/corpus-filter.
# A crash leaves its input in $(BUILD)/fuzz/ (crash-*, filter-crash-*): replay it with
# $(BUILD)/fuzz/fuzz_capture FILE or $(BUILD)/fuzz/fuzz_filter FILE.
FUZZ_SECS ?= 60
FUZZ_CAPTURE_SECS ?= $(FUZZ_SECS)
FUZZ_FILTER_SECS ?= $(FUZZ_SECS)
FUZZ_HTTP_SECS ?= $(FUZZ_SECS)
FUZZ_DIR := $(BUILD)/fuzz
ifneq ($(filter fuzz fuzz-capture fuzz-filter fuzz-http,$(MAKECMDGOALS)),)
ifeq ($(wildcard $(shell $(CLANG) -print-file-name=libclang_rt.fuzzer-$(shell uname -m).a 2>/dev/null)),)
$(error clang's libFuzzer runtime not found: install the Debian package libclang-rt-14-dev)
endif
endif
# CRC checks are skipped in this build only (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION), so that
# mutations reach the decoders behind them.
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -std=gnu11 -D_GNU_SOURCE \
	-DSCRY_VERSION='"$(VERSION)"' -Iinclude -I$(BUILD) -I$(BUILD)/gen -Wall -Wno-unused-parameter \
	-MMD -MP $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# The reader and everything replay runs through; not the BPF loader, not the CLI.
FUZZ_SRCS := $(filter-out src/main.c src/probe/% src/cli/%,$(SRCS))
FUZZ_OBJS := $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_SRCS))

# Walking the process table's empty hash maps for every input is not what is being fuzzed: no
# coverage feedback from there (ASan and UBSan still check it).
$(FUZZ_DIR)/obj/util/hashmap.o: FUZZ_CFLAGS += -fno-sanitize=fuzzer-no-link

$(FUZZ_DIR)/obj/%.o: src/%.c $(GEN)
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/libscry-fuzz.a: $(FUZZ_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_capture: tests/fuzz/fuzz_capture.c $(FUZZ_DIR)/libscry-fuzz.a
	$(call msg,LD,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_DIR)/libscry-fuzz.a $(LIBS) -o $@

$(FUZZ_DIR)/fuzz_filter: tests/fuzz/fuzz_filter.c $(FUZZ_DIR)/libscry-fuzz.a
	$(call msg,LD,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_DIR)/libscry-fuzz.a $(LIBS) -o $@

$(FUZZ_DIR)/fuzz_http: tests/fuzz/fuzz_http.c $(FUZZ_DIR)/libscry-fuzz.a
	$(call msg,LD,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_DIR)/libscry-fuzz.a $(LIBS) -o $@

# run_fuzzer NAME SECS LOG ARGS...: run it, print its figures; on a crash its log and input.
run_fuzzer = cd $(FUZZ_DIR) && ./$(1) -max_total_time=$(2) -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 $(4) 2>$(3); \
	rc=$$?; grep -E '^(\#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss)' $(3); \
	if [ $$rc -ne 0 ]; then tail -40 $(3); ls *crash-* *leak-* *timeout-* 2>/dev/null; exit 1; fi; \
	echo "fuzz: $(1), $(2) s, no crash"

fuzz: fuzz-capture fuzz-filter fuzz-http

fuzz-capture: $(FUZZ_DIR)/fuzz_capture $(BUILD)/tests/test_capture
	$(Q)rm -rf $(FUZZ_DIR)/seed && mkdir -p $(FUZZ_DIR)/seed $(FUZZ_DIR)/corpus
	$(Q)SCRY_FUZZ_CORPUS=$(FUZZ_DIR)/seed $(BUILD)/tests/test_capture >/dev/null 2>&1 || \
		{ echo "fuzz: the capture unit test failed; run it first" >&2; exit 1; }
	$(Q)$(call run_fuzzer,fuzz_capture,$(FUZZ_CAPTURE_SECS),fuzz.log,-max_len=65536 \
		-dict=$(CURDIR)/tests/fuzz/capture.dict corpus seed)

# Expressions up to 16 KiB: room for nesting far past the limit, and for long chains.
fuzz-filter: $(FUZZ_DIR)/fuzz_filter
	$(Q)rm -rf $(FUZZ_DIR)/seed-filter && mkdir -p $(FUZZ_DIR)/seed-filter $(FUZZ_DIR)/corpus-filter
	$(Q)awk -F '\t' '!/^#/ && NF > 1 { f = sprintf("%s/row%d", d, NR); printf "%s", $$1 > f; close(f) }' \
		d=$(FUZZ_DIR)/seed-filter tests/data/filters.test
	$(Q)awk 'BEGIN { for (i = 0; i < 120; i++) printf "not ("; printf "proc.pid=1";    \
		for (i = 0; i < 120; i++) printf ")" }' >$(FUZZ_DIR)/seed-filter/deep
	$(Q)awk 'BEGIN { for (i = 0; i < 250; i++) printf "evt.type=read or (proc.pid>1 and "  \
		"proc.name contains a) or "; printf "evt.dir=<" }' >$(FUZZ_DIR)/seed-filter/long
	$(Q)$(call run_fuzzer,fuzz_filter,$(FUZZ_FILTER_SECS),fuzz-filter.log,-max_len=16384 \
		-artifact_prefix=filter- -dict=$(CURDIR)/tests/fuzz/filter.dict corpus-filter seed-filter)

# fuzz_http: the HTTP/1 head parser (httptop, httplog), calls of a request and a response as seeds.
fuzz-http: $(FUZZ_DIR)/fuzz_http
	$(Q)rm -rf $(FUZZ_DIR)/seed-http && mkdir -p $(FUZZ_DIR)/seed-http $(FUZZ_DIR)/corpus-http
	$(Q)printf '\045\000GET /a HTTP/1.1\r\nHost: h\r\n\r\n\061\200HTTP/1.0 404 x\r\nContent-Length: 3\r\n\r\nabc' \
		>$(FUZZ_DIR)/seed-http/pair
	$(Q)$(call run_fuzzer,fuzz_http,$(FUZZ_HTTP_SECS),fuzz-http.log,-max_len=8192 \
		-artifact_prefix=http- corpus-http seed-http)

.PHONY: fuzz fuzz-capture fuzz-filter fuzz-http

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_DIR)/fuzz_capture.d $(FUZZ_DIR)/fuzz_filter.d \
	$(FUZZ_DIR)/fuzz_http.d
