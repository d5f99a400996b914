/* SPDX-License-Identifier: MIT */
/*
 * The vCPU model's working set: the state the MSR and CR rules read and change,
 * the CPU model they consult, and the few things they need from outside. Every
 * msr_* and cr_* entry point takes one of these.
 */
#ifndef VX86_VCPU_MODEL_H
#define VX86_VCPU_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_model.h"
#include "state.h"

struct lapic;

/* Side effects a CR, EFER or XCR0 write asks of the engine (cr.c sets them, the engine clears). */
#define VCPU_FX_TLB_FLUSH     (1u << 0) /* flush all non-global translations */
#define VCPU_FX_TLB_FLUSH_ALL (1u << 1) /* flush global ones too (PGE, PCIDE, CR0.PG) */
#define VCPU_FX_MMU_RESET     (1u << 2) /* the paging mode or its controls changed */
#define VCPU_FX_MODE	      (1u << 3) /* cpu_mode() may have changed */
#define VCPU_FX_CPUID	      (1u << 4) /* a CPUID bit that follows a register changed */

struct vcpu_model {
	struct vcpu_state *st;
	const struct cpu_model *cpu;
	/* Guest-physical reads, for the PAE PDPTEs; NULL means memory is unreadable. */
	int (*read_phys)(void *ctx, uint64_t gpa, void *buf, size_t len);
	void *phys_ctx;
	uint32_t fx; /* VCPU_FX_* accumulated by the setters */
	/*
	 * The local APIC (x2APIC MSRs, TSC_DEADLINE, CR8 as TPR, APIC_BASE mode
	 * changes), or NULL where the engine provides none: then CR8 is a plain
	 * register and the x2APIC MSRs do not exist.
	 */
	struct lapic *apic;
};

/*
 * CPUID as the guest sees it: the model's table, with the bits that follow
 * registers (OSXSAVE from CR4, OSPKE from CR4.PKE, APIC from APIC_BASE.EN, the
 * APIC ID). A leaf above its range's maximum returns the highest basic leaf on
 * Intel and zeros on AMD, as each vendor's CPUs do.
 */
void cpu_cpuid(const struct vcpu_model *m, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

#endif
