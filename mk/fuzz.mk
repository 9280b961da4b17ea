# mk/fuzz.mk - `make fuzz`: the hitless model under libFuzzer (clang,
# ASan + UBSan), for a bounded time.  The engine and the model are built
# from the same sources as build/user/test/model/model; only the entry
# point differs (test/model/fuzz/fuzz_model.c instead of main.c).
#
#   make fuzz                    FUZZ_SECONDS=60 by default
#   make fuzz FUZZ_SECONDS=600   longer
#   build/fuzz/fuzz_model build/fuzz/crash-...   replay a reproducer
#
# The corpus (build/fuzz/corpus) is kept between runs.

FUZZ_SECONDS ?= 60
FUZZ_OUT     := $(BUILD)/fuzz
FUZZ_BIN     := $(FUZZ_OUT)/fuzz_model
FUZZ_SRCS    := $(filter-out test/model/main.c,$(wildcard test/model/*.c)) \
		test/model/fuzz/fuzz_model.c $(wildcard kernel/hitless/*.c)
FUZZ_HDRS    := $(wildcard test/model/*.h kernel/hitless/*.h)

.PHONY: fuzz fuzz-build
fuzz: fuzz-build
	@mkdir -p $(FUZZ_OUT)/corpus
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -len_control=0 -timeout=20 \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/ $(FUZZ_OUT)/corpus

fuzz-build:
	@scripts/deps.sh --fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

$(FUZZ_BIN): $(FUZZ_SRCS) $(FUZZ_HDRS)
	@mkdir -p $(FUZZ_OUT)
	clang -g -O1 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-I$(TOP)/kernel/hitless -I$(TOP)/test/model -o $@ $(FUZZ_SRCS)
