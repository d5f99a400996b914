# vx86 build. `make` builds build/vx86 and build/libvx86.a; `make check` runs every
# test tier through prove; `make check-nokvm` runs it with /dev/kvm hidden; `make
# run` boots the demo guest. SAN=1 builds everything with ASan+UBSan into build/san.

CC      ?= gcc
AR      ?= ar
SAN     ?= 0
BUILD   ?= build
ifeq ($(SAN),1)
BUILD   := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-missing-field-initializers $(SANFLAGS)
CPPFLAGS += -Iinclude -Isrc -MMD -MP
LDFLAGS += $(SANFLAGS)
LDLIBS  += -lpthread

LIB_SRC  := $(sort $(wildcard src/machine/*.c src/boot/*.c src/vcpu/*.c src/engine/*.c \
                             src/engine/kvm/*.c src/engine/emu/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
GUEST_SRC := $(sort $(wildcard tests/guests/*.S))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
GUESTS   := $(GUEST_SRC:tests/guests/%.S=$(BUILD)/guests/%.elf)
DEMO     := $(BUILD)/guests/demo.elf

VX86 := $(BUILD)/vx86
LIB  := $(BUILD)/libvx86.a

.PHONY: all run check check-nokvm unit guests format clean
all: $(VX86) $(LIB) $(GUESTS) $(DEMO)

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(VX86): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Test binaries alone in their directory (dependency files go under obj/), so
# `prove build/tests/unit/*` works.
$(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/tap.h $(LIB)
	@mkdir -p $(@D) $(BUILD)/obj/tests/unit
	$(CC) $(CPPFLAGS) -MF $(BUILD)/obj/tests/unit/$*.d $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# Guests are 32-bit multiboot ELF images assembled with the GNU toolchain, the
# same files QEMU boots with -kernel.
GUEST_AS := $(CC) -m32 -c -nostdinc -Itests/guests
$(BUILD)/guests/%.o: tests/guests/%.S tests/guests/*.h
	@mkdir -p $(@D)
	$(GUEST_AS) -o $@ $<
$(BUILD)/guests/%.o: demo/%.S tests/guests/*.h
	@mkdir -p $(@D)
	$(GUEST_AS) -o $@ $<
$(BUILD)/guests/%.elf: $(BUILD)/guests/%.o tests/guests/guest.ld
	ld -m elf_i386 -nostdlib -T tests/guests/guest.ld -o $@ $<

unit: $(UNIT_BIN)
guests: $(GUESTS) $(DEMO)

# The demo ends with debug-exit 0, so vx86 exits with status 1; make reports the
# status and succeeds exactly when it is 1.
run: $(VX86) $(DEMO)
	@$(VX86) run $(DEMO); status=$$?; \
	echo "make run: vx86 exited with status $$status (1 = the demo's debug-exit 0)"; \
	[ $$status -eq 1 ]

# Every tier through prove: unit (C, TAP), guests (each on every engine), e2e (the CLI).
check: $(VX86) $(UNIT_BIN) $(GUESTS) $(DEMO)
	VX86=$(abspath $(VX86)) GUESTS=$(abspath $(BUILD)/guests) SRCDIR=$(CURDIR) \
	  prove $(UNIT_BIN) tests/guests/run.t tests/e2e/*.t

# The whole of `make check` again where /dev/kvm does not exist (a private mount
# namespace, tests/without-kvm), as on a machine without KVM; SAN passes through.
# Status 77 from the script: no namespace can be made here; say so and skip.
check-nokvm:
	@sh tests/without-kvm $(MAKE) check SAN=$(SAN); status=$$?; \
	if [ $$status -eq 77 ]; then \
	  echo "make check-nokvm: SKIP: no mount namespace to hide /dev/kvm in (see above)"; exit 0; \
	fi; exit $$status

# `make kvm-unit-tests`: build kvm-unit-tests with its own ./configure && make
# under $(BUILD)/kvm-unit-tests/ (KUT_SRC= a tarball or source directory; default
# ../shared/third_party/kvm-unit-tests-*.tar.gz; KUT_ARCH=x86_64|i386) and run
# TESTS= (default: a list from x86/unittests.cfg) with the suite's own runner,
# through tests/kvm-unit-tests/qemu-vx86 as its QEMU, on ENGINE=emu|kvm
# (TIMEOUT=15s per test); REF=tcg runs the same list on qemu-system-x86_64 -accel
# tcg. One PASS/FAIL/SKIP line per test, then `N passed, M failed, K skipped`.
.PHONY: kvm-unit-tests
kvm-unit-tests: $(VX86)
	VX86=$(abspath $(VX86)) KUT_BUILD=$(abspath $(BUILD))/kvm-unit-tests \
	  bash tests/kvm-unit-tests/run.sh

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(UNIT_SRC) $(wildcard src/*/*.h src/*/*/*.h include/*.h tests/unit/*.h)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_SRC:tests/unit/%.c=$(BUILD)/obj/tests/unit/%.d)
