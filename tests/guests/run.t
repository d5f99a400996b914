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
platform  1       yes      -    -
apic      1       yes      -    -
demo      1       no       1    [real mode] we are in real mode
demo      1       no       1    long mode active, EFER=
demo      1       no       1    caught by our IDT
demo      1       no       1    vx86 demo: done.
EOF
}

# Who judges a FAIL line on each engine (never a list of machines):
#
# - emu: nobody. vx86's own CPU and model decide everything; every check holds.
# - kvm (--msr-emulation=kernel): the host's KVM decides the guest's MSR and
#   control-register accesses, so the reference is QEMU on the same /dev/kvm
#   (tests/qemu_ref.sh): a check that fails there too is the host's
#   (TODO host-kvm); one that fails only under vx86 is vx86's bug.
# - kvm-user (--msr-emulation=user): vx86's model decides every MSR that the
#   probe (`vx86 host`) shows routed to it, so a FAIL line of an MSR check
#   ("{msr 0xINDEX}", guest_msr.h) on a routed MSR holds architecturally;
#   checks of what KVM still decides (control registers, paging, non-routed
#   MSRs) take QEMU as the reference, as on kvm.
# - On both kvm setups a deviation `vx86 host` measured on this host explains
#   the checks listed for it in probe_explains (TODO with its name).
# - A run that stops because KVM could not emulate an instruction (vx86 status
#   4) is the host's when QEMU stops the same way after the same last line of
#   output (TODO host-kvm-emulation-failure); the lines before are judged as
#   any others (QEMU's CPU may differ a little from vx86's, so the whole
#   output need not be the same).
# - vx86_gaps lists what vx86 itself does not do yet, on any host (README,
#   "Status"): those checks are TODO under the gap's name.
#
# probe_explains: a deviation `vx86 host` can report, and the checks of a guest
# (fail=ID) it explains on the kvm setups.
#   tsc-write-ignored: the guest's TSC does not follow a TSC write vx86 hands
#   to KVM (KVM_VCPU_TSC_OFFSET / KVM_SET_MSRS), measured in the probe VM.
probe_explains() {
	cat <<'EOF'
# deviation          guest    point
tsc-write-ignored    msrconf  fail=tsc-write-rdmsr
tsc-write-ignored    msrconf  fail=tsc-write-rdtsc
tsc-write-ignored    msrconf  fail=tsc-adjust-moves-tsc
tsc-write-ignored    msrconf  fail=tsc-adjust-moves-rdtsc
EOF
}

# vx86_gaps: engine, guest, point (status, summary or fail=ID), gap.
# vx86-no-local-apic: the kvm engine has no local APIC yet (vx86's APIC serves
# only emu, and kvm cannot inject interrupts), so the x2APIC register MSRs
# fault on kvm although the guest's CPUID offers x2APIC, the xAPIC page reads
# all ones, no interrupt is delivered and CR8 is not the TPR. apic.S's checks
# of all that fail on kvm and kvm-user; on emu they must hold.
vx86_gaps() {
	cat <<'EOF'
# engine   guest    point              gap
kvm        msrconf  fail=x2apic-msr     vx86-no-local-apic
kvm-user   msrconf  fail=x2apic-msr     vx86-no-local-apic
kvm        apic     fail=apic-xapic     vx86-no-local-apic
kvm        apic     fail=apic-ipi       vx86-no-local-apic
kvm        apic     fail=apic-ipi-if0   vx86-no-local-apic
kvm        apic     fail=apic-tpr       vx86-no-local-apic
kvm        apic     fail=apic-oneshot   vx86-no-local-apic
kvm        apic     fail=apic-periodic  vx86-no-local-apic
kvm        apic     fail=apic-tscdl     vx86-no-local-apic
kvm        apic     fail=apic-cr8       vx86-no-local-apic
kvm        apic     fail=x2apic         vx86-no-local-apic
kvm-user   apic     fail=apic-xapic     vx86-no-local-apic
kvm-user   apic     fail=apic-ipi       vx86-no-local-apic
kvm-user   apic     fail=apic-ipi-if0   vx86-no-local-apic
kvm-user   apic     fail=apic-tpr       vx86-no-local-apic
kvm-user   apic     fail=apic-oneshot   vx86-no-local-apic
kvm-user   apic     fail=apic-periodic  vx86-no-local-apic
kvm-user   apic     fail=apic-tscdl     vx86-no-local-apic
kvm-user   apic     fail=apic-cr8       vx86-no-local-apic
kvm-user   apic     fail=x2apic         vx86-no-local-apic
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

. "$(dirname "$0")/../qemu_ref.sh"

# point RESULT NAME [DIRECTIVE]: one TAP point ("TODO why" or "SKIP why");
# a failing point without a directive shows the run.
point() {
	tap_n=$((tap_n + 1))
	case $3 in
	SKIP*) echo "ok $tap_n - $2 # $3" ;;
	*)
		if [ "$1" -eq 0 ]; then
			echo "ok $tap_n - $2${3:+ # $3}"
		else
			echo "not ok $tap_n - $2${3:+ # $3}"
			if [ -z "$3" ]; then
				tap_failed=$((tap_failed + 1))
				show_run
			fi
		fi
		;;
	esac
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

# A FAIL line's check, without its detail and MSR tag: the same check under
# QEMU prints the same text, whatever values it saw.
check_names() {
	sed -e 's/ {msr 0x[0-9a-f]*}$//' -e 's/ ([^()]*)$//'
}

# The QEMU reference run of guest $name, once: sets ref (the file prefix), or
# returns 1 when QEMU is not installed.
reference() {
	[ -n "$QEMU" ] || return 1
	ref="$TMP/ref.$name"
	if [ ! -f "$ref.status" ]; then
		qemu_ref "$elf" "$ref"
		grep '^FAIL:' "$ref.out" | check_names | sort -u >"$ref.names"
	fi
}

# in_table MSR: is MSR (0xINDEX) in vx86's MSR table ($TMP/table: `vx86 msrs`
# rows, "0xA" or "0xA-0xB")?
in_table() {
	while IFS=- read -r lo hi; do
		[ $(($1)) -ge $((lo)) ] && [ $(($1)) -le $((${hi:-$lo})) ] && return 0
	done <"$TMP/table"
	return 1
}

# tolerance LINE NAME: why FAIL line LINE (check NAME) of $engine/$name is
# not vx86's bug, or nothing.
tolerance() {
	id=$(echo "$1" | sed -n 's/^FAIL: \[\([^]]*\)\].*/\1/p')
	gap=$(vx86_gaps | awk -v e="$engine" -v g="$name" -v p="fail=$id" \
		'$1 == e && $2 == g && $3 == p { print $4; exit }')
	if [ -n "$gap" ]; then
		echo "$gap"
		return
	fi
	[ "$engine" = emu ] && return
	for dev in $(probe_explains | awk -v g="$name" -v p="fail=$id" \
		'$2 == g && $3 == p { print $1 }'); do
		if grep -q "^deviation $dev:" "$TMP/host"; then
			echo "$dev"
			return
		fi
	done
	if [ "$engine" = kvm-user ]; then
		msr=$(echo "$1" | sed -n 's/.* {msr \(0x[0-9a-f]*\)}$/\1/p')
		# vx86's model answers an MSR of its table that the filter routes:
		# no reference excuses it. (Others are KVM's, or --unknown-msr's.)
		if [ -n "$msr" ] && in_table "$msr" && ! grep -q "^msr-not-routed $msr " "$TMP/host"; then
			return
		fi
	fi
	if ! reference; then
		echo "SKIP no reference: qemu-system-x86_64 is not installed (KVM decides this check)"
	elif grep -qxF -- "$2" "$ref.names"; then
		echo host-kvm
	fi
}

# Judge the FAIL lines of this run: $TMP/judged gets "ID WHY" per line (WHY
# "-" for a FAIL nothing explains); sets nfail (those) and ntol (the others).
judge_fails() {
	grep '^FAIL:' "$TMP/all" >"$TMP/fails"
	check_names <"$TMP/fails" >"$TMP/fail.names"
	: >"$TMP/judged"
	while IFS= read -r line <&3 && IFS= read -r cname <&4; do
		why=$(tolerance "$line" "$cname")
		# A check without an [ID] (the small guests) is named by its text.
		id=$(echo "$line" | sed -n 's/^FAIL: \[\([^]]*\)\].*/\1/p')
		printf '%s\t%s\n' "${id:-${cname#FAIL: }}" "${why:--}" >>"$TMP/judged"
	done 3<"$TMP/fails" 4<"$TMP/fail.names"
	nfail=$(awk -F'\t' '$2 == "-"' "$TMP/judged" | wc -l)
	ntol=$(awk -F'\t' '$2 != "-"' "$TMP/judged" | wc -l)
	# One point per (check, reason), failing as TODO (or SKIP): a deviation
	# that goes away shows in the next run as a check that passes.
	awk -F'\t' '$2 != "-" { n[$1 "\t" $2]++ } END { for (k in n) print k "\t" n[k] }' \
		"$TMP/judged" | sort >"$TMP/groups"
	while IFS="$(printf '\t')" read -r id why n; do
		case $why in
		host-kvm) what="fails under QEMU on the same KVM too" ;;
		SKIP*) what="is decided by KVM" ;;
		*) what="passes" ;;
		esac
		case $why in
		SKIP*) directive=$why ;;
		*) directive="TODO $why" ;;
		esac
		point 1 "$name on $engine: check [$id] $what ($n FAIL lines)" "$directive"
	done <"$TMP/groups"
}

# The exit status, judged: a status other than the guest's own is the host's
# only when it is explained (every FAIL line tolerated, or KVM failing to
# emulate an instruction where QEMU on the same KVM fails too).
judge_status() {
	kind=$(vx86_stop_kind "$status" "$TMP/err")
	what="$name on $engine: exit status $status (want $want_status)"
	if [ "$status" = "$want_status" ]; then
		point 0 "$what"
	elif [ "$kind" = emulation-failure ] && [ "$engine" != emu ] && reference &&
		[ "$(cat "$ref.status")" = emulation-failure ] &&
		[ "$(tail -1 "$TMP/out")" = "$(tail -1 "$ref.out")" ]; then
		emu_fail=yes
		point 1 "$what: KVM could not emulate an instruction after the same last line as under QEMU" \
			"TODO host-kvm-emulation-failure"
	elif [ "$want_summary" = yes ] && [ "$status" = 3 ] && [ "$nfail" -eq 0 ] &&
		[ "$ntol" -gt 0 ]; then
		point 1 "$what: the guest's checks that failed are explained above" \
			"TODO $(awk -F'\t' '{ print $2 }' "$TMP/judged" | sort -u | paste -sd ' ')"
	else
		point 1 "$what"
	fi
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
: >"$TMP/host"
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	engines="kvm kvm-user"
	# What this host's KVM really does, measured now; only these deviations
	# are tolerated.
	"$VX86" host >"$TMP/host" 2>"$TMP/host.err"
	status=$?
	"$VX86" msrs | awk '/^0x/ { print $1 }' >"$TMP/table"
	tap_n=$((tap_n + 1))
	if [ "$status" = 0 ]; then
		echo "ok $tap_n - vx86 host measures this host's KVM"
	else
		echo "not ok $tap_n - vx86 host measures this host's KVM (status $status, want 0)"
		tap_failed=$((tap_failed + 1))
		sed 's/^/#   /' "$TMP/host.err"
	fi
	echo "# vx86 host (the deviations tolerated on kvm and kvm-user come from here):"
	grep -E '^(kvm.module|deviation|msr-not-routed|msr-refused) ' "$TMP/host" | sed 's/^/#   /'
	[ -n "$QEMU" ] || echo "# qemu-system-x86_64 is not installed: checks KVM decides have no reference"
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
		emu_fail=no
		if [ ! -f "$elf" ]; then
			status=missing
			point 1 "$name on $engine: $elf exists"
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

		nfail=0
		ntol=0
		[ "$want_summary" = yes ] && judge_fails
		judge_status

		if [ "$want_summary" = yes ]; then
			summary=$(grep -E '^SUMMARY: [0-9]+ passed, [0-9]+ failed$' "$TMP/out" | tail -1)
			passed=$(echo "$summary" | sed -n 's/^SUMMARY: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
			failed=$(echo "$summary" | sed -n 's/^SUMMARY: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
			what="$name on $engine: ${summary:-no SUMMARY line} (want N passed, $ntol failed, N > 0)"
			if [ -z "$summary" ] && [ "$emu_fail" = yes ]; then
				point 1 "$what" "TODO host-kvm-emulation-failure"
			else
				[ -n "$summary" ] && [ "$failed" = "$((nfail + ntol))" ] && [ "$passed" -gt 0 ]
				point $? "$what"
			fi

			[ "$nfail" -eq 0 ]
			point $? "$name on $engine: no FAIL line that nothing explains ($nfail found)"
		fi

		i=0
		expectations | awk -v g="$name" '$1 == g { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }' \
			>"$TMP/texts"
		while read -r min text; do
			[ "$min" = - ] && continue
			i=$((i + 1))
			count=$(grep -cF -- "$text" "$TMP/all")
			[ "$count" -ge "$min" ]
			point $? "$name on $engine: prints '$text' (at least $min, found $count)"
		done <"$TMP/texts"
	done
done

echo "1..$tap_n"
[ "$tap_failed" -eq 0 ]
