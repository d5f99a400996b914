/* SPDX-License-Identifier: MIT */
/*
 * The MSR model (DESIGN.md, "MSR model"; spec/msr.md): one descriptor table,
 * one row per MSR or MSR range, and the entry points every engine and the
 * KVM_GET/SET_MSRS-style host path use.
 */
#ifndef VX86_VCPU_MSR_H
#define VX86_VCPU_MSR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* Architectural MSR indices (SDM Vol. 4 names). */
#define MSR_IA32_TSC		   0x00000010
#define MSR_IA32_APIC_BASE	   0x0000001b
#define MSR_IA32_FEATURE_CONTROL   0x0000003a
#define MSR_IA32_TSC_ADJUST	   0x0000003b
#define MSR_IA32_SPEC_CTRL	   0x00000048
#define MSR_IA32_PRED_CMD	   0x00000049
#define MSR_IA32_UCODE_REV	   0x0000008b
#define MSR_PLATFORM_INFO	   0x000000ce
#define MSR_IA32_MTRRCAP	   0x000000fe
#define MSR_IA32_ARCH_CAPABILITIES 0x0000010a
#define MSR_IA32_FLUSH_CMD	   0x0000010b
#define MSR_MISC_FEATURES_ENABLES  0x00000140
#define MSR_IA32_SYSENTER_CS	   0x00000174
#define MSR_IA32_SYSENTER_ESP	   0x00000175
#define MSR_IA32_SYSENTER_EIP	   0x00000176
#define MSR_IA32_MCG_CAP	   0x00000179
#define MSR_IA32_MCG_STATUS	   0x0000017a
#define MSR_IA32_MCG_CTL	   0x0000017b
#define MSR_IA32_MISC_ENABLE	   0x000001a0
#define MSR_IA32_DEBUGCTL	   0x000001d9
#define MSR_IA32_POWER_CTL	   0x000001fc
#define MSR_IA32_MTRR_PHYSBASE0	   0x00000200
#define MSR_IA32_MTRR_PHYSMASK7	   0x0000020f
#define MSR_IA32_MTRR_FIX64K_00000 0x00000250
#define MSR_IA32_MTRR_FIX16K_80000 0x00000258
#define MSR_IA32_MTRR_FIX16K_A0000 0x00000259
#define MSR_IA32_MTRR_FIX4K_C0000  0x00000268
#define MSR_IA32_MTRR_FIX4K_F8000  0x0000026f
#define MSR_IA32_CR_PAT		   0x00000277
#define MSR_IA32_MC0_CTL2	   0x00000280
#define MSR_IA32_MTRR_DEF_TYPE	   0x000002ff
#define MSR_IA32_MC0_CTL	   0x00000400
#define MSR_IA32_TSC_DEADLINE	   0x000006e0
#define MSR_IA32_XSS		   0x00000da0
#define MSR_EFER		   0xc0000080
#define MSR_STAR		   0xc0000081
#define MSR_LSTAR		   0xc0000082
#define MSR_CSTAR		   0xc0000083
#define MSR_SFMASK		   0xc0000084
#define MSR_FS_BASE		   0xc0000100
#define MSR_GS_BASE		   0xc0000101
#define MSR_KERNEL_GS_BASE	   0xc0000102
#define MSR_TSC_AUX		   0xc0000103
#define MSR_K7_HWCR		   0xc0010015

/* Hot-path results (STYLE.md, "Errors"), with KVM's numbering (spec/msr.md §3.1). */
enum msr_result {
	MSR_OK = 0,
	MSR_FAULT = 1,	     /* a rule refuses the access: #GP(0) for the guest */
	MSR_UNSUPPORTED = 2, /* vx86 does not model this MSR (or not for this CPU) */
};

/* One access, as KVM's struct msr_data: the caller fills index, data (writes) and who asks. */
struct msr_req {
	uint32_t index;
	uint64_t data; /* in for msr_set, out for msr_get */
	bool host_initiated;
};

/* Who may write an MSR. */
enum msr_writer {
	MSR_WRITER_GUEST,    /* the guest (and the host) */
	MSR_WRITER_HOST,     /* only a host-initiated write; the guest gets #GP */
	MSR_WRITER_READONLY, /* nobody */
	MSR_WRITER_NONE_RD,  /* write-only command MSR: reads fault */
};

/* One row of the descriptor table. A row may cover a range of indices. */
struct msr_desc {
	uint32_t index;	  /* first index */
	uint32_t count;	  /* indices covered: index .. index+count-1 (1 for most) */
	const char *name; /* SDM name; for ranges, the first one's ("IA32_MTRR_PHYSBASE0") */
	enum msr_writer writer;
	bool save;	   /* in the save list a VMM snapshots (KVM's msrs_to_save) */
	bool emulated;	   /* in the emulated list (KVM's emulated_msrs) */
	int feature;	   /* enum cpu_feature the MSR needs, or -1 */
	int feature_alt;   /* a second feature that also enables it, or -1 */
	const char *notes; /* one line: the rule, for `vx86 msrs` */
	int (*get)(struct vcpu_model *m, struct msr_req *r);
	int (*set)(struct vcpu_model *m, const struct msr_req *r);
};

/* The row covering index, or NULL. */
const struct msr_desc *msr_lookup(uint32_t index);

/* The whole table, for the kvm engine's MSR filter and for `vx86 msrs`. */
const struct msr_desc *msr_table(unsigned *count);

/*
 * Read or write one MSR under the architectural rules for the model's CPU.
 * A guest access (host_initiated=false) gets every rule; a host access skips the
 * CPUID gates and transition rules and may write host-only MSRs (spec/msr.md §4).
 * A refused write leaves the state unchanged. A failed read sets data to 0.
 */
enum msr_result msr_get(struct vcpu_model *m, struct msr_req *r);
enum msr_result msr_set(struct vcpu_model *m, const struct msr_req *r);

/*
 * The other MSR an accepted guest write of index changes too, or 0: TSC and
 * TSC_ADJUST move together (SDM 17.17.3), so an engine that keeps both must be
 * given both.
 */
uint32_t msr_write_also_changes(uint32_t index);

/*
 * The raw field that holds an MSR, with no rule at all (state sync and
 * snapshots): EFER is st->efer, FS_BASE/GS_BASE the FS/GS segment bases, the
 * rest st->msr. False if the model keeps no field for index.
 */
bool msr_state_read(const struct vcpu_state *st, uint32_t index, uint64_t *val);
bool msr_state_write(struct vcpu_state *st, uint32_t index, uint64_t val);

/*
 * A batch of host-initiated accesses in order, as KVM_GET/SET_MSRS: stops at the
 * first one that does not succeed and returns how many succeeded.
 */
unsigned msr_io(struct vcpu_model *m, struct msr_req *reqs, unsigned n, bool write);

/*
 * The save list followed by the emulated list, as KVM_GET_MSR_INDEX_LIST: MSRs the
 * model's CPU has. Copies at most max indices and returns the total, so a caller
 * with max < total knows the list was cut (KVM's -E2BIG).
 */
unsigned msr_index_list(const struct cpu_model *cpu, uint32_t *out, unsigned max);

/*
 * Power-on (init=false) or INIT (init=true) values of every MSR the model keeps
 * (spec/cr.md §10.1): PAT, MISC_ENABLE, APIC_BASE with BSP, ... INIT keeps what
 * the architecture says it keeps.
 */
void msr_reset(struct vcpu_model *m, bool init, bool bsp);

/* `vx86 msrs`: index, name, writer, save-list membership and notes, one row each. */
void msr_table_print(const struct cpu_model *cpu, FILE *out);

/* The name for an index ("IA32_MTRR_PHYSMASK3", "MC2_STATUS"), or NULL if not modelled. */
const char *msr_name(uint32_t index, char *buf, size_t len);

#endif
