/* SPDX-License-Identifier: MIT */
/*
 * The control-register and CPU-mode model (DESIGN.md; spec/cr.md): pure
 * validators first, then setters that apply side effects (long-mode activation
 * and deactivation, PDPTE loads, TLB-flush requests), then one function that
 * derives the CPU mode. Both engines call these; nothing here decodes.
 */
#ifndef VX86_VCPU_CR_H
#define VX86_VCPU_CR_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

/* Hot-path results, as enum msr_result: 0 or a fault the caller delivers. */
enum cr_result {
	CR_OK = 0,
	CR_GP = 1, /* #GP(0), nothing changed */
	CR_UD = 2, /* #UD (XSETBV with CR4.OSXSAVE=0), nothing changed */
};

enum cpu_mode {
	CPU_MODE_REAL,
	CPU_MODE_V8086,
	CPU_MODE_PROT16,
	CPU_MODE_PROT32,
	CPU_MODE_COMPAT16,
	CPU_MODE_COMPAT32,
	CPU_MODE_LONG64,
};

/* spec/cr.md §9, evaluated in that order. */
enum cpu_mode cpu_mode(const struct vcpu_state *st);
const char *cpu_mode_name(enum cpu_mode mode); /* "real", "v8086", "protected32", "long64", ... */

/* CPL: 0 in real mode, 3 in v8086, else SS.DPL. */
unsigned cpu_cpl(const struct vcpu_state *st);

/* Linear-address width for canonical checks: 57 with CR4.LA57, else 48. */
unsigned cpu_vaddr_bits(const struct vcpu_state *st);

/* Is va canonical for a width of bits (48 or 57)? */
bool is_canonical(uint64_t va, unsigned bits);
/* Sign-extend from bit bits-1 (KVM's SYSENTER canonicalization). */
uint64_t canonicalize(uint64_t va, unsigned bits);

/*
 * Pure validators: may this value be written at all, whatever the current state?
 * cr0_valid and cr4_valid are KVM's kvm_is_valid_cr0/cr4, also used by
 * cr_set_sregs. efer_valid checks the reserved bits and, for a guest, the CPUID
 * gates. xcr0_valid is __kvm_set_xcr's value rules for XCR0.
 */
bool cr0_valid(const struct cpu_model *cpu, uint64_t cr0);
bool cr4_valid(const struct cpu_model *cpu, uint64_t cr4);
bool efer_valid(const struct cpu_model *cpu, uint64_t efer, bool host_initiated);
bool xcr0_valid(const struct cpu_model *cpu, uint64_t xcr0);
bool cr3_valid(const struct cpu_model *cpu, const struct vcpu_state *st, uint64_t cr3);

/* The enum cpu_feature a guest needs to set this EFER bit, or -1 if none gates it. */
int efer_gate_feature(uint64_t bit);

/*
 * Setters with the guest's rules (a MOV to CRn, WRMSR EFER, XSETBV). Each either
 * applies the write with its side effects and returns CR_OK, or returns the fault
 * and leaves the state exactly as it was. Side effects for the engine are ORed
 * into m->fx.
 */
enum cr_result cr_set_cr0(struct vcpu_model *m, uint64_t val);
enum cr_result cr_set_cr3(struct vcpu_model *m, uint64_t val);
enum cr_result cr_set_cr4(struct vcpu_model *m, uint64_t val);
enum cr_result cr_set_cr8(struct vcpu_model *m, uint64_t val);
enum cr_result cr_set_efer(struct vcpu_model *m, uint64_t val, bool host_initiated);
/* XSETBV: index is ECX; needs CPL 0 (#GP) and CR4.OSXSAVE (#UD). */
enum cr_result cr_set_xcr(struct vcpu_model *m, uint32_t index, uint64_t val);
/* LMSW: low 4 bits of the operand; may set PE, never clears it. Never faults. */
void cr_lmsw(struct vcpu_model *m, uint16_t msw);
/* CLTS: clears CR0.TS. */
void cr_clts(struct vcpu_model *m);
/* MOV from CR8: TPR[7:4]. */
uint64_t cr_get_cr8(const struct vcpu_model *m);

/*
 * The host's KVM_SET_SREGS: install want's CRs, EFER (LMA included), segments
 * and descriptor tables after kvm_is_valid_sregs's checks (spec/cr.md §10.2),
 * without any guest transition rule. Returns 0, or -EINVAL with nothing applied.
 */
int cr_set_sregs(struct vcpu_model *m, const struct vcpu_state *want);

/*
 * RESET (init=false) or INIT (init=true) of the whole vCPU (spec/cr.md §10.1):
 * registers, segments (VMX attributes on Intel, SVM's on AMD), CRs, DRs, EFER,
 * XCR0 and, through msr_reset, the MSRs. EDX holds the CPUID.1:EAX signature.
 */
void vcpu_reset(struct vcpu_model *m, bool init, bool bsp);

/* SIPI with vector v: CS.selector = v << 8, CS.base = v << 12, RIP = 0. */
void vcpu_sipi(struct vcpu_model *m, uint8_t vector);

#endif
