#!/bin/sh
# SPDX-License-Identifier: MIT
# `vx86 host`: what this host's KVM really does, measured at run time. Its
# format (one fact per line, "deviation NAME: ..." lines), and that what it
# measured is what a guest meets: the CPUID a guest reads, checked by a guest
# that reads it.
. "$(dirname "$0")/lib.sh"

run host --help
is_status 0 "'vx86 host --help' succeeds"
like "$TMP/out" "deviation NAME" "and says how deviations are named"
run host extra
is_status 2 "'vx86 host' takes no argument"
like "$TMP/err" "unexpected argument 'extra' to host" "and names it"
run help
like "$TMP/out" "host " "'vx86 help' lists the host command"

run host
is_status 0 "'vx86 host' succeeds"
like "$TMP/out" "engine.emu usable" "emu is always there"
ok "$(awk '!/^[a-z][a-z0-9.-]* / { bad = 1 } END { exit bad }' "$TMP/out"; echo $?)" \
	"every line is 'name fact'"
ok "$(awk '/^deviation / && !/^deviation [a-z0-9-]+: ./ { bad = 1 } END { exit bad }' \
	"$TMP/out"; echo $?)" "every deviation line is 'deviation NAME: what was measured'"

if ! kvm_usable; then
	like "$TMP/out" "engine.kvm not usable: /dev/kvm" "without /dev/kvm it says kvm is not usable, and why"
	done_testing
	exit
fi
cp "$TMP/out" "$TMP/host"
sed 's/^/#   /' "$TMP/host" | grep -v '^#   cpuid-differs' | head -20
for fact in engine.kvm kvm.module kvm.api kvm.caps cpuid msr.features msr.held msr.routed tsc; do
	ok "$(grep -q "^$fact " "$TMP/host"; echo $?)" "with /dev/kvm it reports $fact"
done
if grep -q '^cpuid-differs ' "$TMP/host"; then
	ok "$(grep -q '^deviation cpuid-unmasked: ' "$TMP/host"; echo $?)" \
		"leaves the guest sees otherwise are the cpuid-unmasked deviation"
else
	unlike "$TMP/host" "deviation cpuid-unmasked" "no leaf differs, so no cpuid-unmasked deviation"
fi

# The probe's CPUID is the guest's: a guest reads CPUID leaf 1 and prints ECX
# and EDX as raw bytes on port 0xE9 (mov eax,1; cpuid; mov eax,ecx; out
# 0xe9,al x4 with shr eax,8; the same for edx; cli; hlt).
flat cpuid1.bin '\270\001\000\000\000\017\242\211\310\346\351\301\350\010\346\351\301\350\010\346\351\301\350\010\346\351\211\320\346\351\301\350\010\346\351\301\350\010\346\351\301\350\010\346\351\372\364'
run run --engine=kvm --entry=protected "$TMP/cpuid1.bin"
is_status 0 "a guest reads CPUID leaf 1 on kvm"
seen=$(od -An -tx4 "$TMP/out" | awk '{ printf "0x%s 0x%s", $1, $2 }')
for reg in ecx edx; do
	want=$(sed -n "s/^cpuid-differs 0x00000001\.0 $reg: guest \(0x[0-9a-f]*\),.*/\1/p" "$TMP/host")
	if [ -z "$want" ]; then
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP the probe found leaf 1 $reg as given to KVM: nothing to compare"
		continue
	fi
	got=$(echo "$seen" | awk -v r="$reg" '{ print (r == "ecx") ? $1 : $2 }')
	# OSXSAVE (ECX bit 27) follows CR4, and the APIC ID is not in ECX/EDX.
	mask=$([ "$reg" = ecx ] && echo 0xf7ffffff || echo 0xffffffff)
	ok "$([ $((got & mask)) = $((want & mask)) ]; echo $?)" \
		"CPUID 1 $reg in a guest ($got) is what 'vx86 host' measured ($want)"
done

done_testing
