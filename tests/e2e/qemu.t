#!/bin/sh
# SPDX-License-Identifier: MIT
# The guest ABI is QEMU's: every guest image gives the same console output and
# exit status under QEMU (`-kernel`, isa-debug-exit, COM1 and port 0xE9 on one
# stdio) and under `vx86 run --engine=kvm`. QEMU runs on KVM too, so both see
# the same CPU: QEMU's TCG is no reference for these guests, as it takes a
# reserved EFER bit and a non-canonical LSTAR without #GP and keeps undefined
# CR0 bits. How QEMU runs: tests/qemu_ref.sh.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/../qemu_ref.sh"
if [ -z "$QEMU" ]; then
	echo "1..0 # SKIP qemu-system-x86_64 is not installed (Debian package qemu-system-x86)"
	exit 0
fi
if ! kvm_usable; then
	echo "1..0 # SKIP /dev/kvm is not usable here (both QEMU and vx86 run on KVM in this test)"
	exit 0
fi

for elf in "$GUESTS"/*.elf; do
	name=$(basename "$elf" .elf)
	# msrconf and crconf print the CPUID (msrconf also MCG_CAP) they see and adapt
	# their checks to it; that differs between QEMU's CPU and vx86's by design
	# (QEMU also has a local APIC). run.t judges their verdicts, with QEMU as
	# the reference for what KVM decides. apic needs a local APIC, which QEMU
	# on KVM has and vx86's kvm engine does not yet (run.t: vx86-no-local-apic).
	case $name in msrconf | crconf | apic) continue ;; esac
	qemu_ref "$elf" "$TMP/qemu"
	qstatus=$(cat "$TMP/qemu.status")
	run run --engine=kvm --timeout 120 "$elf"
	# A KVM that cannot emulate an instruction stops both: vx86 with status 4,
	# QEMU by pausing the VM (qemu_ref stops it and says "emulation-failure").
	vstatus=$(vx86_stop_kind "$status" "$TMP/err")
	[ "$vstatus" = "$qstatus" ]
	ok $? "$name: vx86 exit status $vstatus equals QEMU's $qstatus"
	cmp -s "$TMP/out" "$TMP/qemu.out"
	ok $? "$name: vx86 console output equals QEMU's"
	if ! cmp -s "$TMP/out" "$TMP/qemu.out"; then
		diff "$TMP/qemu.out" "$TMP/out" | head -20 | sed 's/^/#   /'
	fi
done

done_testing
