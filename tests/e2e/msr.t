#!/bin/sh
# SPDX-License-Identifier: MIT
# MSRs end to end: `vx86 msrs`, the MSR options of `vx86 run`, and the kvm
# engine with --msr-emulation=user, where vx86's model decides guest MSR
# accesses, with tiny flat binaries written here byte by byte.
. "$(dirname "$0")/lib.sh"

run msrs
is_status 0 "'vx86 msrs' succeeds"
for name in IA32_PAT LSTAR IA32_APIC_BASE IA32_MTRR_DEF_TYPE IA32_TSC_AUX EFER; do
	like "$TMP/out" "$name" "'vx86 msrs' lists $name"
done
like "$TMP/out" "0x277 " "and gives indices"
cp "$TMP/out" "$TMP/intel"
run msrs --cpu=amd
is_status 0 "'vx86 msrs --cpu=amd' succeeds"
cmp -s "$TMP/out" "$TMP/intel"
ok "$([ $? -ne 0 ]; echo $?)" "and differs from the intel model (vendor rules, CPUID gates)"
run msrs --cpu=sparc
is_status 2 "an unknown CPU model is a usage error"
like "$TMP/err" "unknown CPU model 'sparc'" "and names it"
run msrs --help
is_status 0 "msrs --help succeeds"

run run --help
for opt in "--cpu=intel|amd" "--msr-emulation=kernel|user" "--unknown-msr=gp|ignore|log" \
	"--trace-file FILE" "msr, cr, mode"; do
	like "$TMP/out" "$opt" "run --help documents $opt"
done
run run --msr-emulation=both x.elf
is_status 2 "a bad --msr-emulation is a usage error"
like "$TMP/err" "unknown --msr-emulation 'both'" "and names the value"
run run --unknown-msr=warn x.elf
is_status 2 "a bad --unknown-msr is a usage error"
like "$TMP/err" "unknown --unknown-msr 'warn'" "and names the value"
run run --cpu=arm x.elf
is_status 2 "a bad --cpu is a usage error"
run run --trace-file "$TMP/no/such/dir/t.json" x.elf
is_status 2 "an unwritable --trace-file is a usage error"
like "$TMP/err" "$TMP/no/such/dir/t.json: cannot write the trace file" "and names the file"

if ! kvm_usable; then
	echo "# /dev/kvm is not usable here: the kvm engine checks are skipped"
	done_testing
	exit
fi
K="--engine=kvm --entry=protected"

# mov ecx,0x12345678; rdmsr; mov ecx,0x12345678; rdmsr; mov al,0; out 0xf4,al
flat unknown.bin '\271\170\126\064\022\017\062\271\170\126\064\022\017\062\260\000\346\364'
run run $K --unknown-msr=gp "$TMP/unknown.bin"
is_status 4 "--unknown-msr=gp: RDMSR of an MSR nobody models faults (no IDT: triple fault)"
run run $K --unknown-msr=ignore "$TMP/unknown.bin"
is_status 1 "--unknown-msr=ignore: the reads succeed and the guest runs to its debug-exit"
ok "$([ ! -s "$TMP/err" ]; echo $?)" "and nothing is printed"
run run $K --unknown-msr=log "$TMP/unknown.bin"
is_status 1 "--unknown-msr=log: the reads succeed"
ok "$([ "$(grep -c 'RDMSR 0x12345678' "$TMP/err")" = 1 ]; echo $?)" \
	"and the MSR is reported once, for two reads"
run run $K --msr-emulation=user --unknown-msr=log "$TMP/unknown.bin"
is_status 1 "--unknown-msr applies with --msr-emulation=user too"

# mov ecx,0x277; mov edx,0x00070406; mov eax,0x00070402; wrmsr; mov al,0; out 0xf4,al
# PAT byte 0 = 2 is not a memory type: #GP (spec/msr.md §6.3).
flat pat.bin '\271\167\002\000\000\272\006\004\007\000\270\002\004\007\000\017\060\260\000\346\364'
run run $K --msr-emulation=user --stats --trace=msr "$TMP/pat.bin"
is_status 4 "--msr-emulation=user: vx86's model refuses PAT type 2 with #GP (then triple fault)"
like "$TMP/err" "msr_write_ex 0x277 (IA32_PAT) = 0x7040600070402 (#GP)" \
	"--trace=msr shows the refused write"
ok "$(grep -Eq '^WRMSR +1 +1 ' "$TMP/err"; echo $?)" "--stats counts the WRMSR vx86 decided and its #GP"
run run $K --msr-emulation=user --trace-file "$TMP/t.json" "$TMP/pat.bin"
is_status 4 "--trace-file: same run"
like "$TMP/t.json" '{"event":"msr_write_ex","rip":"0x10000f","index":"0x277","name":"IA32_PAT","data":"0x7040600070402"}' \
	"--trace-file writes the event as a JSON line"
unlike "$TMP/err" "msr_write_ex" "and not as text"

# mov ecx,0x176; mov edx,0x00012345; mov eax,5; wrmsr; rdmsr; mov al,dl; out 0xf4,al
# SYSENTER_EIP never faults: Intel makes it canonical (0x0000234500000005 with
# 48-bit addresses, EDX = 0x2345), AMD keeps bits 31:0 (EDX = 0) (spec/msr.md §5.2).
flat sysenter.bin '\271\166\001\000\000\272\105\043\001\000\270\005\000\000\000\017\060\017\062\210\320\346\364'
run run $K --msr-emulation=user --cpu=amd "$TMP/sysenter.bin"
is_status 1 "--cpu=amd: SYSENTER_EIP keeps bits 31:0 only (EDX reads 0)"
run run $K --msr-emulation=user --cpu=intel "$TMP/sysenter.bin"
is_status 139 "--cpu=intel: SYSENTER_EIP is made canonical (EDX reads 0x2345)"

# A value vx86's model accepted that KVM_SET_MSRS refuses (as kvm_pvm on Intel
# refuses IA32_FEATURE_CONTROL = 1) never stops the guest: vx86 keeps that MSR
# in its own state and says so once. VX86_KVM_REFUSE_MSR=INDEX=VALUE makes the
# kvm engine see such a refusal on any host.
# mov ecx,0x277; mov edx,0x00070406; mov eax,0x00070404; wrmsr; xor eax,eax;
# rdmsr; out 0xf4,al: PAT byte 0 = 4 (WT) is valid; status (4 << 1) | 1 = 9.
flat patwt.bin '\271\167\002\000\000\272\006\004\007\000\270\004\004\007\000\017\060\061\300\017\062\346\364'
run run $K --msr-emulation=user "$TMP/patwt.bin"
is_status 9 "--msr-emulation=user: a valid PAT write reads back"
VX86_KVM_REFUSE_MSR=0x277=0x0007040600070404 run run $K --msr-emulation=user "$TMP/patwt.bin"
is_status 9 "the same write, refused by KVM_SET_MSRS: the guest runs on and reads its value back"
like "$TMP/err" "KVM_SET_MSRS refused MSR 0x277 (IA32_PAT) = 0x7040600070404, a value vx86's model accepted; vx86 keeps this MSR in its own state" \
	"and vx86 says which MSR it keeps itself"
VX86_KVM_REFUSE_MSR=0x277=0x0007040600070406 run host
like "$TMP/out" "msr-refused 0x00000277 IA32_PAT" \
	"'vx86 host': an MSR whose own value KVM refuses at setup is listed as vx86's"
VX86_KVM_REFUSE_MSR=0x277=0x0007040600070406 run run $K --msr-emulation=user "$TMP/patwt.bin"
is_status 9 "and a guest still reads and writes it"
VX86_KVM_REFUSE_MSR=nonsense run run $K "$TMP/patwt.bin"
like "$TMP/err" "VX86_KVM_REFUSE_MSR='nonsense' is not INDEX=VALUE; ignored" \
	"a malformed VX86_KVM_REFUSE_MSR is named, not silently ignored"

# Every MSR in vx86's table reaches vx86 with --msr-emulation=user: the filter
# covers all of them (spec/msr.md §10), except those `vx86 host` measured as
# answered by KVM itself on this host (msr-not-routed lines). For the first and last index of each row of 'vx86 msrs':
# mov ecx,IDX; rdmsr; mov al,0; out 0xf4,al, and the msr trace must show vx86
# deciding that read (msr_read, or msr_read_ex for #GP) exactly when the probe
# says the MSR is routed: the run and the probe must agree.
le32() { # le32 HEX: the four bytes of a 32-bit value as printf octal escapes
	v=$(($1))
	for _ in 1 2 3 4; do
		printf '\\%03o' $((v & 255))
		v=$((v >> 8))
	done
}
"$VX86" host >"$TMP/host" 2>&1
# The x2APIC range is listed too but is no row of the table: KVM never filters
# it (spec/msr.md §10), so it is not vx86's to route.
"$VX86" msrs | awk '/^0x/ && $1 != "0x800-0x8ff" { print $1 }' | tr '-' ' ' >"$TMP/rows"
routed=0
missed=
disagree=
while read -r first last; do
	for idx in $first $last; do
		flat rd.bin "\\271$(le32 "$idx")\\017\\062\\260\\000\\346\\364"
		run run $K --msr-emulation=user --trace=msr "$TMP/rd.bin"
		hex=$(printf '0x%x' "$idx")
		probe=routed
		if grep -q "^msr-not-routed $(printf '0x%08x' "$idx") " "$TMP/host"; then
			probe=not-routed
		fi
		if grep -Eq "^msr_read(_ex)? $hex " "$TMP/err"; then
			routed=$((routed + 1))
			[ $probe = routed ] || disagree="$disagree $hex"
		else
			missed="$missed $hex"
			[ $probe = not-routed ] || disagree="$disagree $hex"
		fi
	done
done <"$TMP/rows"
ok "$([ -z "$disagree" ] && [ "$routed" -gt 40 ]; echo $?)" \
	"--msr-emulation=user: RDMSR of each MSR in 'vx86 msrs' exits to vx86 exactly where 'vx86 host' says it is routed ($routed routed; not routed:${missed:- none}; disagreeing with the probe:${disagree:- none})"

done_testing
