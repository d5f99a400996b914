/* SPDX-License-Identifier: MIT */
/*
 * The architectural state of one vCPU, engine-independent (DESIGN.md, "State").
 * Both engines copy to and from this struct; it is also the shape of a snapshot.
 */
#ifndef VX86_VCPU_STATE_H
#define VX86_VCPU_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum gpr {
	GPR_RAX,
	GPR_RCX,
	GPR_RDX,
	GPR_RBX,
	GPR_RSP,
	GPR_RBP,
	GPR_RSI,
	GPR_RDI,
	GPR_R8,
	GPR_R9,
	GPR_R10,
	GPR_R11,
	GPR_R12,
	GPR_R13,
	GPR_R14,
	GPR_R15,
	GPR_COUNT
};

/* Segment registers in the SDM's encoding order, then LDTR and TR. */
enum seg {
	SEG_ES,
	SEG_CS,
	SEG_SS,
	SEG_DS,
	SEG_FS,
	SEG_GS,
	SEG_LDTR,
	SEG_TR,
	SEG_COUNT
};

/* A segment register with its hidden (descriptor cache) part. */
struct segment {
	uint16_t selector;
	uint64_t base;
	uint32_t limit; /* byte granular: the limit after G scaling */
	uint8_t type;	/* descriptor type, 4 bits */
	bool s;		/* code/data (1) or system (0) */
	uint8_t dpl;
	bool present;
	bool avl;
	bool l;	 /* 64-bit code segment */
	bool db; /* default operand size / big */
	bool g;
	bool unusable;
};

struct dtable {
	uint64_t base;
	uint16_t limit;
};

#define RFLAGS_CF    (1ull << 0)
#define RFLAGS_FIXED (1ull << 1) /* SDM 3.4.3: bit 1 always reads 1 */
#define RFLAGS_TF    (1ull << 8)
#define RFLAGS_IF    (1ull << 9)
#define RFLAGS_VM    (1ull << 17)

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)

#define CR4_VME	       (1ull << 0)
#define CR4_PVI	       (1ull << 1)
#define CR4_TSD	       (1ull << 2)
#define CR4_DE	       (1ull << 3)
#define CR4_PSE	       (1ull << 4)
#define CR4_PAE	       (1ull << 5)
#define CR4_MCE	       (1ull << 6)
#define CR4_PGE	       (1ull << 7)
#define CR4_PCE	       (1ull << 8)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP       (1ull << 11)
#define CR4_LA57       (1ull << 12)
#define CR4_VMXE       (1ull << 13)
#define CR4_SMXE       (1ull << 14)
#define CR4_FSGSBASE   (1ull << 16)
#define CR4_PCIDE      (1ull << 17)
#define CR4_OSXSAVE    (1ull << 18)
#define CR4_KL	       (1ull << 19)
#define CR4_SMEP       (1ull << 20)
#define CR4_SMAP       (1ull << 21)
#define CR4_PKE	       (1ull << 22)
#define CR4_CET	       (1ull << 23)
#define CR4_PKS	       (1ull << 24)
#define CR4_LAM_SUP    (1ull << 28)

#define EFER_SCE      (1ull << 0)
#define EFER_LME      (1ull << 8)
#define EFER_LMA      (1ull << 10)
#define EFER_NX	      (1ull << 11)
#define EFER_SVME     (1ull << 12)
#define EFER_LMSLE    (1ull << 13)
#define EFER_FFXSR    (1ull << 14)
#define EFER_TCE      (1ull << 15)
#define EFER_AUTOIBRS (1ull << 21)

#define XCR0_FP	       (1ull << 0)
#define XCR0_SSE       (1ull << 1)
#define XCR0_YMM       (1ull << 2)
#define XCR0_BNDREGS   (1ull << 3)
#define XCR0_BNDCSR    (1ull << 4)
#define XCR0_OPMASK    (1ull << 5)
#define XCR0_ZMM_HI256 (1ull << 6)
#define XCR0_HI16_ZMM  (1ull << 7)
#define XCR0_PKRU      (1ull << 9)
#define XCR0_XTILECFG  (1ull << 17)
#define XCR0_XTILEDATA (1ull << 18)

/* Machine-check banks the model keeps; the CPU model's MCG_CAP.Count is at most this. */
#define MCE_MAX_BANKS 32

/* Fixed-range MTRRs in SDM order: 64K_00000, 16K_80000, 16K_A0000, 4K_C0000..4K_F8000. */
#define MTRR_FIXED_COUNT 11
#define MTRR_VAR_COUNT	 8

/*
 * MSR values the model keeps (msr.c's descriptor table says which field holds
 * each MSR). FS_BASE and GS_BASE live in the segment registers and EFER in
 * vcpu_state.efer, as on hardware.
 */
struct msr_state {
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t tsc; /* the guest TSC when the state was taken */
	uint64_t tsc_adjust, tsc_aux, tsc_deadline;
	uint64_t apic_base;
	uint64_t pat;
	uint64_t mtrr_def_type;
	uint64_t mtrr_fixed[MTRR_FIXED_COUNT];
	uint64_t mtrr_var[2 * MTRR_VAR_COUNT]; /* PHYSBASE0, PHYSMASK0, PHYSBASE1, ... */
	uint64_t misc_enable, misc_features_enables, platform_info;
	uint64_t feature_control;
	uint64_t spec_ctrl, arch_capabilities, ucode_rev;
	uint64_t debugctl;
	uint64_t mcg_cap, mcg_status, mcg_ctl;
	uint64_t mc_ctl[MCE_MAX_BANKS], mc_status[MCE_MAX_BANKS], mc_addr[MCE_MAX_BANKS],
		mc_misc[MCE_MAX_BANKS], mc_ctl2[MCE_MAX_BANKS];
	uint64_t xss;
	uint64_t hwcr; /* AMD MSR_K7_HWCR, emulated on both vendors as KVM does */
	uint64_t power_ctl;
};

struct vcpu_state {
	uint64_t gpr[GPR_COUNT];
	uint64_t rip;
	uint64_t rflags;
	struct segment seg[SEG_COUNT];
	struct dtable gdt, idt;
	uint64_t cr0, cr2, cr3, cr4, cr8;
	uint64_t efer;
	uint64_t xcr0;
	uint64_t dr[4], dr6, dr7;
	uint64_t pdpte[4]; /* PAE paging: the PDPTE registers loaded from CR3 */
	struct msr_state msr;
};

/* Flat 32-bit code/data segments as the Multiboot spec describes them. */
struct segment seg_flat32(uint16_t selector, bool code);

/* Print every register in a fixed layout, one block, for crash reports. */
void vcpu_state_dump(const struct vcpu_state *st, FILE *out);

/*
 * Print every field, one "name value" line each, in a fixed order (vx86 run
 * --dump-state; README describes the format). Pure: the same state always
 * gives the same text. 0, or -EIO if out has a write error.
 */
int vcpu_state_dump_fields(const struct vcpu_state *st, FILE *out);

#endif
