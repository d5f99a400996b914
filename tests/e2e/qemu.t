#!/bin/sh
# SPDX-License-Identifier: MIT
# The guest ABI is QEMU's: every guest image gives the same console output and
# exit status under QEMU (`-kernel`, isa-debug-exit, COM1 and port 0xE9 on one
# stdio) and under `vx86 run --engine=kvm`. QEMU runs on KVM too, so both see
# the same CPU: QEMU's TCG is no reference for these guests, as it takes a
# reserved EFER bit and a non-canonical LSTAR without #GP and keeps undefined
# CR0 bits. `-arch-capabilities`: this host's KVM (kvm_pvm) rejects QEMU's
# IA32_ARCH_CAPABILITIES setting; the flag is harmless elsewhere.
. "$(dirname "$0")/lib.sh"

QEMU=$(command -v qemu-system-x86_64 || true)
if [ -z "$QEMU" ]; then
	echo "1..0 # SKIP qemu-system-x86_64 is not installed (Debian package qemu-system-x86)"
	exit 0
fi
if ! kvm_usable; then
	echo "1..0 # SKIP /dev/kvm is not usable here (both QEMU and vx86 run on KVM in this test)"
	exit 0
fi

# Known deviations of this host (see tests/guests/run.t): on kvm_pvm, KVM cannot
# emulate a 32-bit protected-mode IRET, so at iret.S's first one QEMU pauses the
# VM (and would sit until the timeout) while vx86 stops with status 4. The points
# stay, as TODO, and QEMU is not started for them.
deviation() { # deviation GUEST: the deviation's name on this host, or nothing
	if [ -d /sys/module/kvm_pvm ] && [ "$1" = iret ]; then
		echo kvm_pvm-no-32bit-iret
	fi
}

for elf in "$GUESTS"/*.elf; do
	name=$(basename "$elf" .elf)
	# msrconf and crconf print the CPUID (msrconf also MCG_CAP) they see and adapt
	# their checks to it; that differs between QEMU's CPU and vx86's by design
	# (QEMU also has a local APIC). run.t judges their verdicts against the
	# architecture instead. (On kvm_pvm QEMU would also pause crconf at its
	# first XGETBV until the timeout: run.t, kvm_pvm-no-xgetbv.)
	case $name in msrconf | crconf) continue ;; esac
	dev=$(deviation "$name")
	if [ -n "$dev" ]; then
		tap_n=$((tap_n + 1))
		echo "not ok $tap_n - $name: vx86 exit status equals QEMU's # TODO $dev"
		tap_n=$((tap_n + 1))
		echo "not ok $tap_n - $name: vx86 console output equals QEMU's # TODO $dev"
		continue
	fi
	timeout 120 "$QEMU" -accel kvm -cpu host,-arch-capabilities -display none -no-reboot -nodefaults -m 128 \
		-chardev stdio,id=con,mux=on -serial chardev:con \
		-device isa-debugcon,iobase=0xe9,chardev=con \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$elf" \
		</dev/null >"$TMP/qemu.out" 2>"$TMP/qemu.err"
	qstatus=$?
	run run --engine=kvm --timeout 120 "$elf"
	[ "$status" = "$qstatus" ]
	ok $? "$name: vx86 exit status $status equals QEMU's $qstatus"
	cmp -s "$TMP/out" "$TMP/qemu.out"
	ok $? "$name: vx86 console output equals QEMU's"
	if ! cmp -s "$TMP/out" "$TMP/qemu.out"; then
		diff "$TMP/qemu.out" "$TMP/out" | head -20 | sed 's/^/#   /'
	fi
done

done_testing
