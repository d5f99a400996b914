#!/bin/sh
# SPDX-License-Identifier: MIT
# The vx86 command line as a user meets it: help, usage errors, bad images.
# None of these need an engine: they must work on any machine.
. "$(dirname "$0")/lib.sh"

run
is_status 2 "no command is a usage error"
like "$TMP/err" "usage: vx86 <command>" "and prints the usage"

run --help
is_status 0 "--help succeeds"
like "$TMP/out" "run IMAGE" "--help names the run command"

run help
is_status 0 "'help' succeeds"

run version
is_status 0 "version succeeds"
like "$TMP/out" "vx86 0." "version prints the version"

run frobnicate
is_status 2 "an unknown command is a usage error"
like "$TMP/err" "unknown command 'frobnicate'" "and names the command"

run run --help
is_status 0 "run --help succeeds"
for opt in --engine=auto --engine=auto "-m SIZE" "--cmdline STR" "--initrd FILE" "--entry=real" \
	"--load-addr ADDR" "--timeout SEC" --stats "--trace=LIST" "exit status"; do
	like "$TMP/out" "$opt" "run --help documents $opt"
done

run run
is_status 2 "run without IMAGE is a usage error"
like "$TMP/err" "no IMAGE given" "and says so"

run run --bogus x.elf
is_status 2 "an unknown option is a usage error"
like "$TMP/err" "unknown option '--bogus'" "and names the option"

run run --engine=vmware x.elf
is_status 2 "an unknown engine is a usage error"
like "$TMP/err" "unknown engine 'vmware'" "and names it"

run run -m lots x.elf
is_status 2 "a bad -m is a usage error"
like "$TMP/err" "bad memory size 'lots'" "and names the value"

run run --timeout=-1 x.elf
is_status 2 "a negative timeout is a usage error"
run run --timeout=0 x.elf
is_status 2 "a zero timeout is a usage error"
like "$TMP/err" "bad timeout '0'" "and names the value"

run run --trace=msr,bogus x.elf
is_status 2 "an unknown trace class is a usage error"
like "$TMP/err" "bad trace list 'msr,bogus'" "and names the list"

run run --entry=unreal x.elf
is_status 2 "an unknown entry mode is a usage error"

run run --load-addr 0x1000 x.elf
is_status 2 "--load-addr without --entry is a usage error"
like "$TMP/err" "--load-addr needs --entry" "and says why"

run run --cmdline
is_status 2 "an option without its value is a usage error"
like "$TMP/err" "needs a value" "and says so"

run run a.elf b.elf
is_status 2 "two images are a usage error"

# Images that cannot be loaded: status 2 and one message naming the file.
run run "$TMP/missing.elf"
is_status 2 "a missing image exits 2"
like "$TMP/err" "$TMP/missing.elf" "the message names the missing file"
ok "$([ "$(lines "$TMP/err")" -eq 1 ]; echo $?)" "with one line"

head -c 4096 /dev/urandom >"$TMP/junk.bin"
printf 'JUNK' | dd of="$TMP/junk.bin" conv=notrunc status=none
run run "$TMP/junk.bin"
is_status 2 "a junk image exits 2"
like "$TMP/err" "$TMP/junk.bin: not a multiboot image" "the message names the junk file and the problem"

: >"$TMP/empty.elf"
run run "$TMP/empty.elf"
is_status 2 "an empty image exits 2"
like "$TMP/err" "$TMP/empty.elf" "the message names the empty file"

run run -m 1 "$TMP/junk.bin"
is_status 2 "1 MiB of RAM is refused"
like "$TMP/err" "not supported" "with a reason"

run run -m 4G "$TMP/junk.bin"
is_status 2 "4 GiB of RAM is refused (above the 32-bit MMIO window)"

# --cpu feature flags (emu): checked before anything runs.
run run --engine=emu --cpu=intel,+sse "$TMP/junk.bin"
is_status 2 "--cpu=intel,+sse is refused"
like "$TMP/err" "'+sse' cannot be set (vx86 sets x2apic, tsc-deadline, umip and pcid)" \
	"and the message names the feature and what can be set"
run run --engine=emu --cpu=umip "$TMP/junk.bin"
is_status 2 "--cpu=umip (no sign) is refused"
run run --engine=emu --cpu=pentium,+umip "$TMP/junk.bin"
like "$TMP/err" "unknown CPU model 'pentium'" "--cpu=pentium,+umip names the model"
run msrs --cpu=amd,+umip
is_status 2 "'vx86 msrs' takes no feature flags"

run run --engine=qemu "$TMP/junk.bin"
is_status 2 "an unknown --engine is refused"
like "$TMP/err" "qemu" "and the message names it"

done_testing
