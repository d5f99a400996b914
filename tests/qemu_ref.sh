# SPDX-License-Identifier: MIT
# QEMU on the same /dev/kvm as the reference for what the host's KVM decides
# (sourced by tests/guests/run.t and tests/e2e/qemu.t). Where KVM decides a
# guest's MSR or control-register access, or cannot run an instruction at all,
# QEMU on the same KVM shows what this host does: a result vx86's kvm engine
# shares with it is the host's, not vx86's.
#
# `-cpu host,-arch-capabilities`: QEMU's CPU is the host's as KVM gives it, as
# vx86's is; some KVMs (kvm_pvm) reject the IA32_ARCH_CAPABILITIES value QEMU
# would set, and the flag is harmless elsewhere.

QEMU=$(command -v qemu-system-x86_64 || true)

# qemu_ref ELF PREFIX: boot ELF under QEMU on KVM; PREFIX.out gets the console
# (COM1 and port 0xE9), PREFIX.err QEMU's messages, PREFIX.status the exit
# status, or "emulation-failure" when KVM could not run an instruction (QEMU
# then pauses the VM and prints "KVM internal error"; it is stopped there, as
# vx86 stops with status 4), or "timeout" after 120 s.
qemu_ref() {
	# platform.S tests pc-testdev, which QEMU adds only on request; it also
	# shadows QEMU's isa-debugcon at 0xe9, so the other guests go without it.
	qemu_extra=
	case $1 in */platform.elf) qemu_extra="-device pc-testdev" ;; esac
	# Empty the files first: the loop below must not read an earlier run's.
	: >"$2.out"
	: >"$2.err"
	# shellcheck disable=SC2086 # qemu_extra is a list of words
	"$QEMU" $qemu_extra -accel kvm -cpu host,-arch-capabilities -display none -no-reboot -nodefaults \
		-m 128 -chardev stdio,id=con,mux=on -serial chardev:con \
		-device isa-debugcon,iobase=0xe9,chardev=con \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$1" \
		</dev/null >"$2.out" 2>"$2.err" &
	qemu_pid=$!
	qemu_ticks=0
	qemu_stop=
	while kill -0 "$qemu_pid" 2>/dev/null; do
		if grep -q 'KVM internal error' "$2.err"; then
			qemu_stop=emulation-failure
		elif [ "$qemu_ticks" -ge 1200 ]; then
			qemu_stop=timeout
		fi
		if [ -n "$qemu_stop" ]; then
			kill "$qemu_pid" 2>/dev/null
			wait "$qemu_pid" 2>/dev/null
			echo "$qemu_stop" >"$2.status"
			return
		fi
		sleep 0.1
		qemu_ticks=$((qemu_ticks + 1))
	done
	wait "$qemu_pid"
	echo $? >"$2.status"
}

# vx86_stop_kind STATUS ERRFILE: "emulation-failure" for a vx86 run that
# stopped because KVM could not emulate an instruction, else STATUS.
vx86_stop_kind() {
	if [ "$1" = 4 ] && grep -q 'KVM could not emulate an instruction' "$2"; then
		echo emulation-failure
	else
		echo "$1"
	fi
}
