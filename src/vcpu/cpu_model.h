/* SPDX-License-Identifier: MIT */
/*
 * The CPU model: what the guest's CPUID says, and so which MSR and CR rules
 * apply (vendor differences, feature-gated bits, MAXPHYADDR). vx86 has two
 * built-in models (--cpu=intel|amd); the kvm engine builds one from the CPUID
 * table it gives KVM, so the rules follow what the guest really sees.
 */
#ifndef VX86_VCPU_CPU_MODEL_H
#define VX86_VCPU_CPU_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cpu_vendor {
	CPU_VENDOR_INTEL,
	CPU_VENDOR_AMD,
};

/* CPUID features the rules consult. cpu_model.c maps each to its leaf, register and bit. */
enum cpu_feature {
	FEAT_PSE,		/* 1:EDX[3] */
	FEAT_TSC,		/* 1:EDX[4] */
	FEAT_MSR,		/* 1:EDX[5] */
	FEAT_PAE,		/* 1:EDX[6] */
	FEAT_MCE,		/* 1:EDX[7] */
	FEAT_APIC,		/* 1:EDX[9] */
	FEAT_SEP,		/* 1:EDX[11] */
	FEAT_MTRR,		/* 1:EDX[12] */
	FEAT_PGE,		/* 1:EDX[13] */
	FEAT_MCA,		/* 1:EDX[14] */
	FEAT_PAT,		/* 1:EDX[16] */
	FEAT_FXSR,		/* 1:EDX[24] */
	FEAT_SSE3,		/* 1:ECX[0] */
	FEAT_PDCM,		/* 1:ECX[15] */
	FEAT_PCID,		/* 1:ECX[17] */
	FEAT_X2APIC,		/* 1:ECX[21] */
	FEAT_TSC_DEADLINE,	/* 1:ECX[24] */
	FEAT_XSAVE,		/* 1:ECX[26] */
	FEAT_OSXSAVE,		/* 1:ECX[27], follows CR4.OSXSAVE */
	FEAT_VMX,		/* 1:ECX[5] */
	FEAT_FSGSBASE,		/* 7.0:EBX[0] */
	FEAT_TSC_ADJUST,	/* 7.0:EBX[1] */
	FEAT_SMEP,		/* 7.0:EBX[7] */
	FEAT_RTM,		/* 7.0:EBX[11] */
	FEAT_MPX,		/* 7.0:EBX[14] */
	FEAT_SMAP,		/* 7.0:EBX[20] */
	FEAT_UMIP,		/* 7.0:ECX[2] */
	FEAT_PKU,		/* 7.0:ECX[3] */
	FEAT_OSPKE,		/* 7.0:ECX[4], follows CR4.PKE */
	FEAT_LA57,		/* 7.0:ECX[16] */
	FEAT_RDPID,		/* 7.0:ECX[22] */
	FEAT_SPEC_CTRL,		/* 7.0:EDX[26] IBRS and IBPB */
	FEAT_STIBP,		/* 7.0:EDX[27] */
	FEAT_FLUSH_L1D,		/* 7.0:EDX[28] */
	FEAT_ARCH_CAPABILITIES, /* 7.0:EDX[29] */
	FEAT_SSBD,		/* 7.0:EDX[31] */
	FEAT_XSAVES,		/* 0xD.1:EAX[3] */
	FEAT_LAHF_LM,		/* 0x80000001:ECX[0] */
	FEAT_SVM,		/* 0x80000001:ECX[2] */
	FEAT_SYSCALL,		/* 0x80000001:EDX[11] */
	FEAT_NX,		/* 0x80000001:EDX[20] */
	FEAT_FXSR_OPT,		/* 0x80000001:EDX[25] */
	FEAT_PDPE1GB,		/* 0x80000001:EDX[26] */
	FEAT_RDTSCP,		/* 0x80000001:EDX[27] */
	FEAT_LM,		/* 0x80000001:EDX[29] */
	FEAT_AMD_IBPB,		/* 0x80000008:EBX[12] */
	FEAT_AMD_IBRS,		/* 0x80000008:EBX[14] */
	FEAT_AMD_STIBP,		/* 0x80000008:EBX[15] */
	FEAT_AMD_SSBD,		/* 0x80000008:EBX[24] */
	FEAT_AUTOIBRS,		/* 0x80000021:EAX[8] */
	FEAT_COUNT
};

struct cpuid_entry {
	uint32_t leaf, subleaf;
	uint32_t eax, ebx, ecx, edx;
};

#define CPU_MODEL_MAX_LEAVES 128

struct cpu_model {
	enum cpu_vendor vendor;
	const char *name;	    /* "intel", "amd", or "host" for the kvm engine */
	unsigned maxphyaddr;	    /* from 0x80000008:EAX[7:0], else 36 */
	uint64_t supported_xcr0;    /* from 0xD.0 EDX:EAX */
	uint64_t supported_xss;	    /* from 0xD.1 EDX:ECX */
	uint64_t arch_capabilities; /* the value IA32_ARCH_CAPABILITIES starts at */
	uint64_t ucode_rev;	    /* IA32_UCODE_REV at RESET */
	uint64_t mcg_cap;	    /* IA32_MCG_CAP: Count in 7:0, MCG_CTL_P 8, CMCI_P 10 */
	unsigned nleaves;
	struct cpuid_entry leaves[CPU_MODEL_MAX_LEAVES];
};

/* vx86's built-in models for --cpu=intel and --cpu=amd. */
void cpu_model_init(struct cpu_model *m, enum cpu_vendor v);

/*
 * A model from a CPUID table (the kvm engine's, after KVM_GET_SUPPORTED_CPUID).
 * The vendor comes from leaf 0; the MSR defaults are vx86's for that vendor.
 */
void cpu_model_from_cpuid(struct cpu_model *m, const struct cpuid_entry *e, unsigned n);

bool cpu_has(const struct cpu_model *m, enum cpu_feature f);

/* Set or clear a feature bit in the model's CPUID table (tests, and --cpu adjustments). */
void cpu_model_set_feature(struct cpu_model *m, enum cpu_feature f, bool on);

/*
 * --cpu feature flags, QEMU style ("+umip,-pcid,x2apic=off"): set or clear
 * them in the model. Only features both states of which vx86 honours may be
 * named; anything else is -EINVAL with `why` filled, the model unchanged up
 * to the bad item.
 */
int cpu_model_apply_flags(struct cpu_model *m, const char *flags, char *why, size_t len);

/* "nx", "x2apic", ... for messages and the `vx86 msrs` notes. */
const char *cpu_feature_name(enum cpu_feature f);

/* The raw table entry for leaf/subleaf, or NULL. */
const struct cpuid_entry *cpu_model_leaf(const struct cpu_model *m, uint32_t leaf,
					 uint32_t subleaf);

/* "intel" -> CPU_VENDOR_INTEL; returns -1 for anything else. */
int cpu_vendor_parse(const char *s);
const char *cpu_vendor_name(enum cpu_vendor v);

#endif
