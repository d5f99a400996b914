#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every self-checking guest on every available engine and print TAP.
#
# Environment (make check sets all three):
#   VX86    the vx86 binary
#   GUESTS  the directory holding the built guests (NAME.elf)
#   SRCDIR  the repository root
#
# For each guest and engine, separate test points check: the exit status, the
# "SUMMARY: N passed, 0 failed" line with N > 0, that no line starts with
# "FAIL:", and each text the guest must print. A failing point shows the
# guest's output as TAP diagnostics.

# ---------------------------------------------------------------------------
# Expectations, one row per (guest, text). A guest's status and summary columns
# must agree on all its rows.
#   status   the exit status: (v << 1) | 1 for a debug-exit write of v
#   summary  yes: the guest prints "SUMMARY: N passed, 0 failed", N > 0, and
#            no "FAIL:" line
#   min      with text: how many times the text must appear in stdout+stderr
#            (COM1 and port 0xE9 output); "-" for no text check
expectations() {
	cat <<'EOF'
# guest   status  summary  min  text
hello     1       yes      2    Hello from vx86 guest
exitcode  85      yes      1    exitcode: writing 0x2a to port 0xf4
msr       1       yes      -    -
msrconf   1       yes      -    -
cr0       1       yes      -    -
crconf    1       yes      -    -
paging    1       yes      -    -
diffstate 1       yes      -    -
pio       1       yes      1    pio: this line was written by rep outsb to COM1
pio       1       yes      1    pio: this line was written by rep outsb to port 0xe9
pio       1       yes      1    pio: this line was written backwards by std; rep outsb
modes     1       yes      1    modes: hello from real mode
modes     1       yes      1    modes: hello from 64-bit mode
modes     1       yes      1    modes: round trip complete
iret      1       yes      1    PASS: 64-bit IRETQ: RSP popped
demo      1       no       1    [real mode] we are in real mode
demo      1       no       1    long mode active, EFER=
demo      1       no       1    caught by our IDT
demo      1       no       1    vx86 demo: done.
EOF
}

# Known deviations of a host, as TAP TODO (never SKIP, never a weaker check).
# A row names the engine ("kvm", "kvm-user", or "kvm@kvm_pvm" for the kvm
# engine on a host whose /dev/kvm is the kvm_pvm module), the guest, the test
# point (status, summary, nofail, text:N for the guest's N-th text row, from 1,
# or fail=ID for the guest's check "[ID]") and the deviation, with a comment
# saying how the guest was shown right elsewhere. A fail=ID row turns only the
# FAIL lines of that check into a TODO point; any other FAIL still fails.
#
# kvm_pvm-no-32bit-iret: kvm_pvm runs guest kernel code through KVM's
# instruction emulator, which cannot emulate a 32-bit protected-mode IRET:
# KVM_RUN stops with KVM_EXIT_INTERNAL_ERROR (emulation failure) at the first
# one and vx86 exits with status 4. iret.S passes under QEMU TCG (5 passed);
# under QEMU -accel kvm on the same host it stops at the same IRET. Its 64-bit
# IRETQ points, which come first, pass on kvm_pvm.
#
# kvm_pvm-no-legacy-paging: kvm_pvm only runs guests in IA-32e mode: a MOV
# CR0 that sets PG with EFER.LME=0 (PAE paging, and 32-bit paging) gets
# #GP(0), so paging.S's [pae-active] and [p32-active] fail, the guest leaves
# those two parts out and exits with status 3 (SUMMARY: 69 passed, 2 failed,
# kvm and kvm-user alike). Its 4-level part, which comes first, passes in
# full on kvm_pvm, CPL 3 included. QEMU -accel kvm on the same host gets the
# same #GP; the PAE and 32-bit parts run under QEMU TCG and on emu.
#
# crconf (tests/guests/crconf.S) on this host, kvm and kvm-user alike (CRs are
# not MSRs); every check listed passes on emu:
# - kvm_pvm-cr-hi-dropped: in 64-bit mode a MOV to CR0 or CR4 with any of bits
#   63:32 set is accepted and those bits dropped, not #GP(0) ([cr0-hi],
#   [cr4-rsvd-hi], [cr4-fred]): KVM's instruction emulator, which runs the
#   guest kernel code here, passes only bits 31:0 on to kvm_set_cr0/cr4
#   (emulator_set_cr, mk_cr_64).
# - kvm_pvm-cr4-pke-unchecked: CR4.PKE is accepted and reads back ([cr4-pke])
#   although neither the guest's CPUID nor the table given to KVM_SET_CPUID2
#   (KVM_GET_SUPPORTED_CPUID 7.0:ECX = 0x104) has PKU.
# - kvm_pvm-no-alt-mov-cr8: the guest's CPUID has AMD's CR8_LEGACY
#   (0x80000001:ECX[4]), yet LOCK MOV CR0 is #UD instead of reaching CR8
#   ([cr8-lock]); the emulator does not model the alias (spec/cr.md 6).
# - kvm_pvm-no-xgetbv: KVM_RUN stops with KVM_EXIT_INTERNAL_ERROR (emulation
#   failure) at the guest's first XGETBV and vx86 exits with status 4, no
#   SUMMARY line. crconf reads XCR0 last (test_xcr), so what is lost is the
#   XCR0 checks after [xsetbv-ud]; everything before ran (382 passed, 66
#   failed, all of them listed here).
# QEMU -accel kvm on the same host shows the same four (its VM pauses at the
# XGETBV with "KVM internal error. Suberror: 1").
#
# msrconf (tests/guests/msrconf.S) on this host; each check ran right under
# vx86's own model (kvm-user) unless listed for kvm-user too:
# - kvm_pvm-accepts-invalid-pat: any PAT value is stored, types 2, 3, 8.. too.
# - kvm_pvm-misc-features-rsvd: MISC_FEATURES_ENABLES bits 1-63 are stored.
# - kvm_pvm-misc-enable: MISC_ENABLE bits 11/12 change and bit 7 is stored.
# - kvm_pvm-spec-msrs-ungated: SPEC_CTRL, PRED_CMD and FLUSH_CMD work without
#   their CPUID bits.
# - kvm_pvm-sysenter-hi: SYSENTER_EIP/ESP keep bits 63:32 (canonicalized) on
#   this AMD host instead of dropping them.
# - kvm_pvm-tsc-fixed: writes to TSC and TSC_ADJUST are accepted but neither
#   RDTSC nor RDMSR 0x10 moves (guest user code reads the host TSC natively).
# - kvm_pvm-cpuid-unmasked: the guest's CPUID is the host's, not the table
#   given to KVM_SET_CPUID2, which vx86's model and KVM follow: the guest sees
#   no ARCH_CAPABILITIES bit while both allow the MSR.
# - vx86-no-local-apic: vx86 has no local APIC yet (README, "Status"), so the
#   x2APIC register MSRs fault although CPUID offers x2APIC (any host).
# QEMU on the same KVM shows the same kvm_pvm results.
known_deviations() {
	cat <<'EOF'
# engine       guest  point    deviation
kvm@kvm_pvm      iret   status   kvm_pvm-no-32bit-iret
kvm@kvm_pvm      iret   summary  kvm_pvm-no-32bit-iret
kvm-user@kvm_pvm iret   status   kvm_pvm-no-32bit-iret
kvm-user@kvm_pvm iret   summary  kvm_pvm-no-32bit-iret
kvm@kvm_pvm      paging status            kvm_pvm-no-legacy-paging
kvm@kvm_pvm      paging fail=pae-active   kvm_pvm-no-legacy-paging
kvm@kvm_pvm      paging fail=p32-active   kvm_pvm-no-legacy-paging
kvm-user@kvm_pvm paging status            kvm_pvm-no-legacy-paging
kvm-user@kvm_pvm paging fail=pae-active   kvm_pvm-no-legacy-paging
kvm-user@kvm_pvm paging fail=p32-active   kvm_pvm-no-legacy-paging
kvm@kvm_pvm      crconf status           kvm_pvm-no-xgetbv
kvm@kvm_pvm      crconf summary          kvm_pvm-no-xgetbv
kvm@kvm_pvm      crconf fail=cr0-hi      kvm_pvm-cr-hi-dropped
kvm@kvm_pvm      crconf fail=cr4-rsvd-hi kvm_pvm-cr-hi-dropped
kvm@kvm_pvm      crconf fail=cr4-fred    kvm_pvm-cr-hi-dropped
kvm@kvm_pvm      crconf fail=cr4-pke     kvm_pvm-cr4-pke-unchecked
kvm@kvm_pvm      crconf fail=cr8-lock    kvm_pvm-no-alt-mov-cr8
kvm-user@kvm_pvm crconf status           kvm_pvm-no-xgetbv
kvm-user@kvm_pvm crconf summary          kvm_pvm-no-xgetbv
kvm-user@kvm_pvm crconf fail=cr0-hi      kvm_pvm-cr-hi-dropped
kvm-user@kvm_pvm crconf fail=cr4-rsvd-hi kvm_pvm-cr-hi-dropped
kvm-user@kvm_pvm crconf fail=cr4-fred    kvm_pvm-cr-hi-dropped
kvm-user@kvm_pvm crconf fail=cr4-pke     kvm_pvm-cr4-pke-unchecked
kvm-user@kvm_pvm crconf fail=cr8-lock    kvm_pvm-no-alt-mov-cr8
kvm@kvm_pvm      msrconf fail=pat-inval-0x02          kvm_pvm-accepts-invalid-pat
kvm@kvm_pvm      msrconf fail=pat-inval-0x03          kvm_pvm-accepts-invalid-pat
kvm@kvm_pvm      msrconf fail=pat-inval-0x08          kvm_pvm-accepts-invalid-pat
kvm@kvm_pvm      msrconf fail=pat-inval-0x10          kvm_pvm-accepts-invalid-pat
kvm@kvm_pvm      msrconf fail=pat-inval-0x40          kvm_pvm-accepts-invalid-pat
kvm@kvm_pvm      msrconf fail=pat-inval-0x80          kvm_pvm-accepts-invalid-pat
kvm@kvm_pvm      msrconf fail=pat-inval-0xff          kvm_pvm-accepts-invalid-pat
kvm@kvm_pvm      msrconf fail=mfe-rsvd                kvm_pvm-misc-features-rsvd
kvm@kvm_pvm      msrconf fail=misc-en-bit11           kvm_pvm-misc-enable
kvm@kvm_pvm      msrconf fail=misc-en-bit12           kvm_pvm-misc-enable
kvm@kvm_pvm      msrconf fail=misc-en-bit7            kvm_pvm-misc-enable
kvm@kvm_pvm      msrconf fail=spec-ctrl-nocpuid       kvm_pvm-spec-msrs-ungated
kvm@kvm_pvm      msrconf fail=pred-cmd-nocpuid        kvm_pvm-spec-msrs-ungated
kvm@kvm_pvm      msrconf fail=flush-cmd-nocpuid       kvm_pvm-spec-msrs-ungated
kvm@kvm_pvm      msrconf fail=sysenter-eip-hi         kvm_pvm-sysenter-hi
kvm@kvm_pvm      msrconf fail=sysenter-esp-hi         kvm_pvm-sysenter-hi
kvm@kvm_pvm      msrconf fail=tsc-write-rdmsr         kvm_pvm-tsc-fixed
kvm@kvm_pvm      msrconf fail=tsc-write-rdtsc         kvm_pvm-tsc-fixed
kvm@kvm_pvm      msrconf fail=tsc-adjust-moves-tsc    kvm_pvm-tsc-fixed
kvm@kvm_pvm      msrconf fail=tsc-adjust-moves-rdtsc  kvm_pvm-tsc-fixed
kvm@kvm_pvm      msrconf fail=arch-cap-nocpuid        kvm_pvm-cpuid-unmasked
kvm-user@kvm_pvm msrconf fail=tsc-write-rdmsr         kvm_pvm-tsc-fixed
kvm-user@kvm_pvm msrconf fail=tsc-write-rdtsc         kvm_pvm-tsc-fixed
kvm-user@kvm_pvm msrconf fail=tsc-adjust-moves-tsc    kvm_pvm-tsc-fixed
kvm-user@kvm_pvm msrconf fail=tsc-adjust-moves-rdtsc  kvm_pvm-tsc-fixed
kvm-user@kvm_pvm msrconf fail=arch-cap-nocpuid        kvm_pvm-cpuid-unmasked
kvm              msrconf fail=x2apic-msr              vx86-no-local-apic
kvm              msrconf status                       vx86-no-local-apic
kvm-user         msrconf fail=x2apic-msr              vx86-no-local-apic
kvm-user         msrconf status                       vx86-no-local-apic
EOF
}
# ---------------------------------------------------------------------------

: "${VX86:?set VX86 to the vx86 binary (make check does)}"
: "${GUESTS:?set GUESTS to the directory of the built guests (make check does)}"
: "${SRCDIR:=.}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vx86-guests.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

tap_n=0
tap_failed=0

# A guard above vx86's own --timeout, in case vx86 itself hangs.
if command -v timeout >/dev/null 2>&1; then
	GUARD="timeout 120"
else
	GUARD=
fi

# Which KVM this host has, for the "kvm@HOST" rows of known_deviations.
host_kvm=kvm
[ -d /sys/module/kvm_pvm ] && host_kvm=kvm_pvm

# todo_for ENGINE GUEST POINT: print the deviation name of a known deviation.
todo_for() {
	known_deviations | while read -r e g p reason; do
		case $e in
		'#'* | '') continue ;;
		*@*) [ "$e" = "$1@$host_kvm" ] || continue ;;
		*) [ "$e" = "$1" ] || continue ;;
		esac
		if [ "$g" = "$2" ] && [ "$p" = "$3" ]; then
			echo "$reason"
			break
		fi
	done
}

# ok RESULT ENGINE GUEST POINT NAME: one TAP point; shows the run on failure.
ok() {
	tap_n=$((tap_n + 1))
	todo=$(todo_for "$2" "$3" "$4")
	directive=
	[ -n "$todo" ] && directive=" # TODO $todo"
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $5$directive"
	else
		echo "not ok $tap_n - $5$directive"
		[ -z "$todo" ] && tap_failed=$((tap_failed + 1))
		show_run
	fi
}

# The run's output, once per run (PASS lines counted, not shown).
show_run() {
	if [ "$shown" = yes ]; then
		echo "#   (output of this run shown above)"
		return
	fi
	shown=yes
	echo "#   command: $VX86 run $(engine_args "$engine") --timeout 60 $elf"
	echo "#   exit status: $status"
	if [ -f "$TMP/out" ]; then
		echo "#   stdout ($(grep -c '^PASS: ' "$TMP/out") PASS lines left out):"
		grep -v '^PASS: ' "$TMP/out" | head -80 | sed 's/^/#     /'
	fi
	if [ -s "$TMP/err" ]; then
		echo "#   stderr:"
		head -40 "$TMP/err" | sed 's/^/#     /'
	fi
}

# The FAIL lines of a run: one TODO point per known deviation (fail=ID rows)
# of this engine and guest; sets nknown (FAIL lines of known deviations) and
# nfail (all the others).
check_fails() {
	grep '^FAIL:' "$TMP/all" >"$TMP/fails"
	nknown=0
	known_deviations | awk -v g="$name" '$2 == g && $3 ~ /^fail=/ { print $1, substr($3, 6) }' |
		sort -u >"$TMP/known"
	while read -r e id; do
		case $e in
		*@*) [ "$e" = "$engine@$host_kvm" ] || continue ;;
		*) [ "$e" = "$engine" ] || continue ;;
		esac
		n=$(grep -cF -- "FAIL: [$id]" "$TMP/fails")
		nknown=$((nknown + n))
		[ "$n" -eq 0 ]
		ok $? "$engine" "$name" "fail=$id" "$name on $engine: check [$id] passes ($n FAIL lines)"
		grep -vF -- "FAIL: [$id]" "$TMP/fails" >"$TMP/fails.rest"
		mv "$TMP/fails.rest" "$TMP/fails"
	done <"$TMP/known"
	nfail=$(grep -c '^FAIL:' "$TMP/fails")
}

# Engine setups: kvm (KVM decides the MSRs it knows) and kvm-user (vx86's model
# decides every MSR it models) when /dev/kvm is usable, and always emu (vx86's
# own CPU, every MSR decided by vx86's model).
engine_args() {
	case $1 in
	kvm-user) echo "--engine=kvm --msr-emulation=user" ;;
	*) echo "--engine=$1" ;;
	esac
}
engines=
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	engines="kvm kvm-user"
else
	echo "# /dev/kvm is not usable here: the guests run on the emu engine only"
fi
engines="$engines emu"

guests=$(expectations | awk '!/^#/ && NF && !seen[$1]++ { print $1 }')

# Every built guest needs a row, or it would silently go unchecked.
for elf in "$GUESTS"/*.elf; do
	[ -e "$elf" ] || continue
	name=$(basename "$elf" .elf)
	if ! echo "$guests" | grep -qx "$name"; then
		tap_n=$((tap_n + 1))
		echo "not ok $tap_n - $name.elf has a row in run.t's expectations table"
		tap_failed=$((tap_failed + 1))
	fi
done

for engine in $engines; do
	for name in $guests; do
		elf="$GUESTS/$name.elf"
		rm -f "$TMP/out" "$TMP/err"
		shown=no
		if [ ! -f "$elf" ]; then
			status=missing
			ok 1 "$engine" "$name" status "$name on $engine: $elf exists"
			continue
		fi
		# shellcheck disable=SC2046 # engine_args is a list of words
		$GUARD "$VX86" run $(engine_args "$engine") --timeout 60 "$elf" \
			>"$TMP/out" 2>"$TMP/err" </dev/null
		status=$?
		cat "$TMP/out" "$TMP/err" >"$TMP/all"

		row=$(expectations | awk -v g="$name" '$1 == g { print; exit }')
		want_status=$(echo "$row" | awk '{ print $2 }')
		want_summary=$(echo "$row" | awk '{ print $3 }')

		[ "$status" = "$want_status" ]
		ok $? "$engine" "$name" status "$name on $engine: exit status $status (want $want_status)"

		if [ "$want_summary" = yes ]; then
			check_fails
			summary=$(grep -E '^SUMMARY: [0-9]+ passed, [0-9]+ failed$' "$TMP/out" | tail -1)
			passed=$(echo "$summary" | sed -n 's/^SUMMARY: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
			failed=$(echo "$summary" | sed -n 's/^SUMMARY: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
			[ -n "$summary" ] && [ "$failed" = "$nknown" ] && [ "$passed" -gt 0 ]
			ok $? "$engine" "$name" summary "$name on $engine: ${summary:-no SUMMARY line} (want N passed, $nknown failed, N > 0)"

			[ "$nfail" -eq 0 ]
			ok $? "$engine" "$name" nofail "$name on $engine: no FAIL: line but known deviations ($nfail found)"
		fi

		i=0
		expectations | awk -v g="$name" '$1 == g { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }' \
			>"$TMP/texts"
		while read -r min text; do
			[ "$min" = - ] && continue
			i=$((i + 1))
			count=$(grep -cF -- "$text" "$TMP/all")
			[ "$count" -ge "$min" ]
			ok $? "$engine" "$name" "text:$i" \
				"$name on $engine: prints '$text' (at least $min, found $count)"
		done <"$TMP/texts"
	done
done

echo "1..$tap_n"
[ "$tap_failed" -eq 0 ]
