#!/bin/sh
# SPDX-License-Identifier: MIT
# Differential test of the engines: each guest runs on emu, kvm and kvm-user
# (--msr-emulation=user) with --dump-state, and the final states are compared
# field by field (general registers, RIP, RFLAGS, segments with their hidden
# parts, GDTR/IDTR/LDTR/TR, CR0/2/3/4/8, EFER, XCR0, DR0-3/6/7, PDPTEs, every
# MSR the state keeps) together with the exit status. One TAP point per
# (guest, engine pair); a failing point lists the differing fields. A field
# may differ only where named_differences names it, with the reason.
#
# Guests: the built guests in the list below (tests/guests/diffstate.S is the
# one written for this test) and a few flat binaries that stop in each way a
# run can stop (debug-exit, HLT, triple fault, --timeout) and in each mode.
# Every setup gets the same --cpu, the host's vendor (kvm's default), so the
# CPU models agree as far as the engines allow.
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Fields that differ between engines for a stated reason, one row per (engine
# pair, guest, field). pair is "A:B" with A and B from emu, kvm, kvm-user; "*"
# matches any text ("emu:kvm*" is emu:kvm and emu:kvm-user). guest is a
# guest's name or "*". field is a --dump-state field name, or "status" (the
# exit status).
#
# Every name is a difference the architecture allows (no host is listed):
#
# time-tsc: IA32_TSC is the guest TSC when the state was read; it counts
#   real time, which is never the same twice (SDM 17.17).
# time-tsc-value: the guest left a TSC reading in this register (msr.S: RDMSR
#   0x10 twice, the first kept in EDI:ESI, EDI changing about every 1.4 s at
#   3 GHz; demo.S: RBX holds the first of two reads).
# time-tsc-adjust: msrconf moves the TSC by 2^32 with a TSC write and back with
#   a TSC_ADJUST write; what is left in TSC_ADJUST is minus the cycles between
#   those writes (SDM 17.17.3). emu's amd model has no CPUID TSC_ADJUST, so it
#   stays 0 there.
# cpu-model-from-kvm: a read-only identification MSR of the CPU model. The kvm
#   engine's model takes KVM's value (kvm_msr.c cpu_defaults: UCODE_REV,
#   MCG_CAP, ARCH_CAPABILITIES, the host's or KVM's defaults); emu's is vx86's
#   built-in model.
#   Not state the guest made.
# arch-null-selector-hidden: ES was loaded with a null selector in 64-bit mode
#   (diffstate.S). The segment is unusable (both engines: unusable=1, p=0); its
#   other hidden fields are model-specific (SDM vol. 3A 3.4.4 and 5.4.1: a null
#   selector only marks the register unusable; AMD APM vol. 2 4.5.1 and CPUID
#   NullSelectorClearsBase: what is kept differs by processor). emu keeps the
#   previous descriptor's limit and attributes; KVM reports them as 0.
# arch-shutdown-rflags-rf: at a triple fault the processor enters shutdown;
#   RFLAGS then is not architecturally visible. KVM sets RFLAGS.RF before it
#   delivers a fault-class exception (x86.c, so that the pushed image has RF,
#   SDM 17.3.1.1) and keeps it when the delivery ends in shutdown; emu sets RF
#   only in the pushed image.
# cpu-model-rdtscp: diffstate writes TSC_AUX only when its CPUID has RDTSCP;
#   emu's models have it, the CPUID a kvm guest sees may not (it is the
#   host's KVM's, or the host's own where KVM cannot mask CPUID).
#
# Runs that stopped differently, or printed different FAIL lines, took
# different paths through the guest, so their states are not compared (SKIP,
# saying how they differ): run.t judges each run against the architecture or,
# for what KVM decides, against QEMU on the same KVM.
named_differences() {
	cat <<'EOF'
# pair              guest      field               name
*                   *          msr.0x00000010      time-tsc
emu:kvm*            *          msr.0x0000008b      cpu-model-from-kvm
emu:kvm*            *          msr.0x00000179      cpu-model-from-kvm
emu:kvm*            *          msr.0x0000010a      cpu-model-from-kvm
*                   msr        rsi                 time-tsc-value
*                   msr        rdi                 time-tsc-value
*                   demo       rbx                 time-tsc-value
*                   msrconf    msr.0x0000003b      time-tsc-adjust
emu:kvm*            diffstate  es.limit            arch-null-selector-hidden
emu:kvm*            diffstate  es.type             arch-null-selector-hidden
emu:kvm*            diffstate  es.s                arch-null-selector-hidden
emu:kvm*            diffstate  es.db               arch-null-selector-hidden
emu:kvm*            diffstate  es.g                arch-null-selector-hidden
emu:kvm*            diffstate  msr.0xc0000103      cpu-model-rdtscp
emu:kvm*            ud2        rflags              arch-shutdown-rflags-rf
EOF
}
# ---------------------------------------------------------------------------

: "${GUESTS:?set GUESTS to the directory of the built guests (make check does)}"

# A guard above vx86's own --timeout, in case vx86 itself hangs.
GUARD=
command -v timeout >/dev/null 2>&1 && GUARD="timeout 120"

case $(grep -m1 '^vendor_id' /proc/cpuinfo 2>/dev/null) in
*AuthenticAMD*) cpu=amd ;;
*) cpu=intel ;;
esac

# --- --dump-state itself, on emu (any machine) ------------------------------

flat exit42.bin '\260\052\346\364' # mov al,0x2a; out 0xf4,al

run run --engine=emu --dump-state "$TMP/no-such-dir/state" --entry=protected "$TMP/exit42.bin"
is_status 2 "--dump-state into a directory that does not exist exits 2"
like "$TMP/err" "$TMP/no-such-dir/state" "and names the file"
ok "$([ ! -s "$TMP/out" ]; echo $?)" "before the guest runs"

if [ -w /dev/full ]; then
	run run --engine=emu --dump-state /dev/full --entry=protected "$TMP/exit42.bin"
	is_status 2 "--dump-state that cannot be written whole exits 2, not the guest's status"
	like "$TMP/err" "/dev/full: cannot write the final vCPU state" "and names the file"
fi

run run --engine=emu --dump-state "$TMP/exit42.state" --entry=protected "$TMP/exit42.bin"
is_status 85 "--dump-state keeps the guest's exit status"
ok "$(awk '!/^[a-z0-9.]+ 0x[0-9a-f]+$/ { bad = 1 } END { exit bad || NR < 100 }' \
	"$TMP/exit42.state"; echo $?)" "every line of the dump is 'name 0xhex'"
ok "$([ -z "$(awk '{ print $1 }' "$TMP/exit42.state" | sort | uniq -d)" ]; echo $?)" \
	"no field name appears twice"
like "$TMP/exit42.state" "rip 0x0000000000100004" "RIP is after the OUT that stopped the guest"
like "$TMP/exit42.state" "rax 0x000000000000002a" "RAX as the guest left it"
like "$TMP/exit42.state" "cs.sel 0x0008" "segments as selector, base, limit, attributes"
like "$TMP/exit42.state" "msr.0xc0000081 0x0000000000000000" "MSRs by index"

if ! kvm_usable; then
	echo "# /dev/kvm is not usable here (the kvm engine needs read/write access):"
	echo "# no second engine to compare emu with"
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP engine comparisons need /dev/kvm"
	done_testing
	exit
fi

# --- the guests --------------------------------------------------------------

flat hlt.bin '\372\364'    # cli; hlt: halted for good
flat ud2.bin '\017\013'    # ud2 with no IDT: triple fault
flat loop.bin '\353\376'   # jmp $: --timeout
flat real.bin '\260\007\346\364'  # real mode: mov al,7; out 0xf4,al
# 64-bit: xor rax,rax; dec rax; shr rax,61; out 0xf4,al
flat long.bin '\110\061\300\110\377\310\110\301\350\075\346\364'

# guest_args NAME: how vx86 runs it.
guest_args() {
	case $1 in
	exit42 | hlt | ud2) echo "--entry=protected $TMP/$1.bin" ;;
	loop) echo "--timeout 0.5 --entry=protected $TMP/loop.bin" ;;
	real | long) echo "--entry=$1 $TMP/$1.bin" ;;
	*) echo "--timeout 60 $GUESTS/$1.elf" ;;
	esac
}

setup_args() {
	case $1 in
	kvm-user) echo "--engine=kvm --msr-emulation=user" ;;
	*) echo "--engine=$1" ;;
	esac
}

# A guest joins this list with the named differences it shows.
guests="exit42 hlt ud2 loop real long hello exitcode msr msrconf cr0 pio modes iret demo diffstate"
setups="emu kvm kvm-user"
pairs="emu:kvm emu:kvm-user kvm:kvm-user"

# run_setup GUEST SETUP: $TMP/GUEST.SETUP holds the dump and a "status N" line.
run_setup() {
	f="$TMP/$1.$2"
	rm -f "$f"
	# shellcheck disable=SC2046 # word lists
	$GUARD "$VX86" run $(setup_args "$2") --cpu=$cpu --dump-state "$f" $(guest_args "$1") \
		>"$TMP/$1.$2.out" 2>"$TMP/$1.$2.err" </dev/null
	echo "status $?" >>"$f"
}

# The named differences that apply to GUEST and PAIR, as "field name" lines.
named_for() {
	named_differences | awk -v g="$1" -v p="$2" '
		/^#/ || NF < 4 { next }
		$2 != "*" && $2 != g { next }
		{
			pat = $1
			gsub(/\*/, ".*", pat)
			if (p ~ ("^" pat "$"))
				print $3, $4
		}'
}

# diff_fields A B: "field a b" for each field whose values differ (- if absent).
diff_fields() {
	awk 'NR == FNR { a[$1] = $2; order[++n] = $1; next }
	     { b[$1] = $2; if (!($1 in a)) order[++n] = $1 }
	     END {
		for (i = 1; i <= n; i++) {
			f = order[i]
			va = (f in a) ? a[f] : "-"
			vb = (f in b) ? b[f] : "-"
			if (va != vb)
				print f, va, vb
		}
	     }' "$1" "$2"
}

show_runs() { # show_runs GUEST A B: what each run printed, for a failure
	for s in "$2" "$3"; do
		echo "#   $s: vx86 run $(setup_args "$s") --cpu=$cpu --dump-state FILE $(guest_args "$1")"
		grep -v '^PASS: ' "$TMP/$1.$s.out" | tail -5 | sed "s/^/#     $s stdout: /"
		tail -5 "$TMP/$1.$s.err" | sed "s/^/#     $s stderr: /"
	done
}

# A run's FAIL lines, as checks (detail and MSR tag left out: values may differ).
fail_names() {
	grep '^FAIL:' "$1" | sed -e 's/ {msr 0x[0-9a-f]*}$//' -e 's/ ([^()]*)$//' | sort -u
}

# same_path GUEST A B: did both runs stop the same way with the same FAIL
# lines? If not, prints how they differ.
same_path() {
	sa=$(sed -n 's/^status //p' "$TMP/$1.$2")
	sb=$(sed -n 's/^status //p' "$TMP/$1.$3")
	fail_names "$TMP/$1.$2.out" >"$TMP/fails.a"
	fail_names "$TMP/$1.$3.out" >"$TMP/fails.b"
	if [ "$sa" != "$sb" ]; then
		echo "status $sa vs $sb"
		return 1
	fi
	if ! cmp -s "$TMP/fails.a" "$TMP/fails.b"; then
		echo "FAIL lines differ: $(diff "$TMP/fails.a" "$TMP/fails.b" | grep -c '^[<>]')," \
			"the first: $(diff "$TMP/fails.a" "$TMP/fails.b" | grep -m1 '^[<>]')"
		return 1
	fi
}

# compare GUEST A B: one point.
compare() {
	g=$1 a=$2 b=$3
	tap_n=$((tap_n + 1))
	if ! why=$(same_path "$g" "$a" "$b"); then
		echo "ok $tap_n - $g: $a vs $b # SKIP the runs took different paths ($why)"
		return
	fi
	named_for "$g" "$a:$b" >"$TMP/named"
	diff_fields "$TMP/$g.$a" "$TMP/$g.$b" >"$TMP/diffs"
	: >"$TMP/unnamed"
	: >"$TMP/explained"
	while read -r field va vb; do
		name=$(awk -v f="$field" '$1 == f { print $2; exit }' "$TMP/named")
		if [ -n "$name" ]; then
			echo "#   named: $field: $a $va, $b $vb ($name)" >>"$TMP/explained"
		else
			echo "#   $field: $a $va, $b $vb" >>"$TMP/unnamed"
		fi
	done <"$TMP/diffs"
	nfields=$(grep -c . "$TMP/$g.$a")
	# A run that wrote no dump would compare nothing but the status.
	what="$g: $a vs $b: the final states agree ($nfields fields, $(grep -c . "$TMP/explained") named differences)"
	if grep -q '^rip ' "$TMP/$g.$a" && grep -q '^rip ' "$TMP/$g.$b" && [ ! -s "$TMP/unnamed" ]; then
		echo "ok $tap_n - $what"
	else
		echo "not ok $tap_n - $what"
		tap_failed=$((tap_failed + 1))
		echo "#   fields that differ and named_differences does not name:"
		cat "$TMP/unnamed"
		show_runs "$g" "$a" "$b"
	fi
	cat "$TMP/explained"
}

for g in $guests; do
	for s in $setups; do
		run_setup "$g" "$s"
	done
	for p in $pairs; do
		compare "$g" "${p%%:*}" "${p#*:}"
	done
done

done_testing
