# livemap top-level build.
#
#   make                 modules for $(KERNEL) + all userspace (static)
#   make modules         kernel modules only, out of tree, -Werror
#   make user            library, tools, unit/model tests (static binaries)
#   make check           install deps, unit tests, model test, VM scenarios
#   make check T=name    one VM scenario (test/vm/scenarios/name.sh)
#   make check U=name    one unit test (test/unit/name.c)
#   make demo            the switch-disruption demo in a guest
#   make KERNEL=6.12.x-amd64 modules   build against another installed kernel
#
# Kernel objects never land in the source tree: kernel/ is mirrored as a
# symlink tree into build/<kernel>/ and Kbuild runs there, so 6.1 and 6.12
# builds (and concurrent developers) never clobber each other.

SHELL      := /bin/bash
TOP        := $(CURDIR)
BUILD      := $(TOP)/build

# Debian's default kernel: the one linux-image-amd64 depends on.  Recursive
# (=) on purpose: evaluated after `deps` has installed it.
KERNEL      = $(shell scripts/default-kernel.sh)
KDIR        = /lib/modules/$(KERNEL)/build
KOUT        = $(BUILD)/$(KERNEL)

CC         ?= gcc
USER_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
               -D_GNU_SOURCE -I$(TOP)/include -I$(TOP)/tools/common \
               -I$(TOP)/kernel/hitless -I$(TOP)/test
USER_LDFLAGS := -static -pthread

UB         := $(BUILD)/user
LIB_SRCS   := $(wildcard lib/*.c)
COMMON_SRCS:= $(wildcard tools/common/*.c)
HITLESS_SRCS := $(wildcard kernel/hitless/*.c)
TOOLS      := $(notdir $(patsubst %/,%,$(filter-out tools/common/,$(dir $(wildcard tools/*/*.c)))))
UNIT_SRCS  := $(wildcard test/unit/t_*.c)
MODEL_SRCS := $(wildcard test/model/*.c)
GTEST_SRCS := $(wildcard test/guest/*.c)

LIB_OBJS   := $(patsubst %.c,$(UB)/obj/%.o,$(LIB_SRCS))
COMMON_OBJS:= $(patsubst %.c,$(UB)/obj/%.o,$(COMMON_SRCS))
HITLESS_OBJS := $(patsubst %.c,$(UB)/obj/%.o,$(HITLESS_SRCS))
TOOL_BINS  := $(addprefix $(UB)/bin/,$(TOOLS))
UNIT_BINS  := $(patsubst test/unit/%.c,$(UB)/test/unit/%,$(UNIT_SRCS))
MODEL_BIN  := $(if $(MODEL_SRCS),$(UB)/test/model/model)
GTEST_BINS := $(patsubst test/guest/%.c,$(UB)/bin/%,$(GTEST_SRCS))

.PHONY: all modules user check check-run demo demo-run deps clean modules-all
all: modules user

deps:
	@scripts/deps.sh

# ---------------------------------------------------------------- kernel
modules:
	@test -d $(KDIR) || { echo "error: no headers for kernel '$(KERNEL)' in $(KDIR) (run scripts/deps.sh)" >&2; exit 1; }
	@mkdir -p $(KOUT)
	@cp -rs --remove-destination $(TOP)/kernel $(KOUT)/
	@find -L $(KOUT)/kernel -type l -delete 2>/dev/null || true
	flock $(KOUT)/.lock $(MAKE) -C $(KDIR) M=$(KOUT)/kernel LIVEMAP_TOP=$(TOP) modules
	@mkdir -p $(KOUT)/modules && find $(KOUT)/kernel -name '*.ko' -exec cp -f {} $(KOUT)/modules/ \;
	@echo "modules for $(KERNEL): $$(cd $(KOUT)/modules && echo *.ko)"

# Build against every installed kernel that has headers (6.1 and 6.12).
modules-all:
	@set -e; for k in $$(scripts/default-kernel.sh --all); do $(MAKE) --no-print-directory KERNEL=$$k modules; done

# ---------------------------------------------------------------- userspace
user: $(UB)/lib/libnetmap.a $(TOOL_BINS) $(GTEST_BINS) $(UNIT_BINS) $(MODEL_BIN)

$(UB)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(UB)/lib/libnetmap.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(UB)/common.a: $(COMMON_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(UB)/hitless.a: $(HITLESS_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

tool_objs = $(patsubst %.c,$(UB)/obj/%.o,$(wildcard tools/$(1)/*.c))

.SECONDEXPANSION:
$(UB)/bin/%: $$(call tool_objs,$$*) $(UB)/common.a $(UB)/lib/libnetmap.a
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $(filter %.o,$^) $(UB)/common.a $(UB)/lib/libnetmap.a -lm

# test/guest/NAME.c: single-file test programs run inside the guest.
$(GTEST_BINS): $(UB)/bin/%: $(UB)/obj/test/guest/%.o $(UB)/common.a $(UB)/lib/libnetmap.a
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $< $(UB)/common.a $(UB)/lib/libnetmap.a -lm

$(UB)/test/unit/%: $(UB)/obj/test/unit/%.o $(UB)/common.a $(UB)/hitless.a $(UB)/lib/libnetmap.a
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $< $(UB)/common.a $(UB)/hitless.a $(UB)/lib/libnetmap.a -lm

$(UB)/test/model/model: $(patsubst %.c,$(UB)/obj/%.o,$(MODEL_SRCS)) $(UB)/hitless.a
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^ -lm

-include $(shell find $(UB)/obj -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- tests
# `check` installs what is missing first, then re-enters make so that
# KERNEL is computed on a machine that has it.
check: deps
	@$(MAKE) --no-print-directory check-run

# Modules for every installed kernel: the SMOKE=1 scenarios also boot the
# others (Debian's 6.12 where CI installed it).
check-run: modules-all user
	@test/run-all $(if $(T),--scenario $(T)) $(if $(U),--unit $(U))

demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: modules user
	@bench/demo

clean:
	rm -rf $(BUILD)

# Extra targets owned by sub-projects (fuzzing, benchmarks): mk/*.mk
-include $(wildcard mk/*.mk)
