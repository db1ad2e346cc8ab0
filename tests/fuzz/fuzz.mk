# make fuzz [FUZZ_SECS=60]: the capture reader under libFuzzer + AddressSanitizer + UBSan for a
# bounded time. Seeds are small captures written by the capture unit test (SCRY_FUZZ_CORPUS);
# the corpus the fuzzer grows stays in $(BUILD)/fuzz/corpus between runs. A crash leaves its
# input in $(BUILD)/fuzz/ (crash-*): replay it with $(BUILD)/fuzz/fuzz_capture FILE.
FUZZ_SECS ?= 60
FUZZ_DIR := $(BUILD)/fuzz
ifneq ($(filter fuzz,$(MAKECMDGOALS)),)
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

fuzz: $(FUZZ_DIR)/fuzz_capture $(BUILD)/tests/test_capture
	$(Q)rm -rf $(FUZZ_DIR)/seed && mkdir -p $(FUZZ_DIR)/seed $(FUZZ_DIR)/corpus
	$(Q)SCRY_FUZZ_CORPUS=$(FUZZ_DIR)/seed $(BUILD)/tests/test_capture >/dev/null 2>&1 || \
		{ echo "fuzz: the capture unit test failed; run it first" >&2; exit 1; }
	$(Q)cd $(FUZZ_DIR) && ./fuzz_capture -max_total_time=$(FUZZ_SECS) -timeout=10 \
		-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-dict=$(CURDIR)/tests/fuzz/capture.dict corpus seed 2>fuzz.log; \
		rc=$$?; grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss)' fuzz.log; \
		if [ $$rc -ne 0 ]; then tail -40 fuzz.log; ls crash-* leak-* timeout-* 2>/dev/null; exit 1; fi; \
		echo "fuzz: $(FUZZ_SECS) s, no crash"

.PHONY: fuzz

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_DIR)/fuzz_capture.d
