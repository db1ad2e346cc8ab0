# The capture benchmark's synthetic generator and replayer (tests/bench/bench_capture.sh),
# built with `make bench`. The Makefile includes this fragment.
$(BUILD)/bench_capture: tests/bench/bench_capture.c $(BUILD)/libscry.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(BUILD)/libscry.a $(LIBS) -o $@

bench: $(BUILD)/bench_capture

# The reorder stage's own cost (tests/bench/bench_reorder.c).
$(BUILD)/bench_reorder: tests/bench/bench_reorder.c $(BUILD)/libscry.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(BUILD)/libscry.a $(LIBS) -o $@

bench: $(BUILD)/bench_reorder

# zlib against libdeflate on the blocks of real captures (tests/bench/bench_deflate.c, issue 10):
# `build/bench_deflate FILE...`. zlib only for the comparison.
$(BUILD)/bench_deflate: tests/bench/bench_deflate.c
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIBS) -lz -o $@

bench: $(BUILD)/bench_deflate

# scry serve's cost of serving simulated containers (tests/bench/bench_serve.c, issue 16).
$(BUILD)/bench_serve: tests/bench/bench_serve.c $(BUILD)/libscry.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(BUILD)/libscry.a $(LIBS) -o $@

bench: $(BUILD)/bench_serve
