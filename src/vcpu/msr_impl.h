/* SPDX-License-Identifier: MIT */
/*
 * What the MSR model's files share: msr.c (the descriptor table, lookup, CPU
 * gates, entry points), msr_field.c (where each MSR lives), msr_rules.c (the
 * get/set handlers the table names) and msr_print.c (names, `vx86 msrs`).
 */
#ifndef VX86_VCPU_MSR_IMPL_H
#define VX86_VCPU_MSR_IMPL_H

#include "msr.h"

/* Register bits that both msr_reset (msr.c) and the rules (msr_rules.c) use. */
#define APIC_BASE_BSP	       (1ull << 8)
#define APIC_BASE_EXTD	       (1ull << 10)
#define APIC_BASE_EN	       (1ull << 11)
#define APIC_BASE_RESERVED_LOW 0x2ffull /* bits 7:0 and 9 (spec/msr.md §6.2) */
#define APIC_DEFAULT_PHYS_BASE 0xfee00000ull

#define MISC_ENABLE_EMON	 (1ull << 7)
#define MISC_ENABLE_BTS_UNAVAIL	 (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ull << 12)

#define PLATFORM_INFO_CPUID_FAULT (1ull << 31)
#define MISC_FEATURES_CPUID_FAULT (1ull << 0)

/* The MCE bank range 0x400-0x47f: the field map, the rules, the table and the names walk it. */
#define MC_BANK_MSRS	4			       /* CTL, STATUS, ADDR, MISC */
#define MC_BANK_INDICES (MC_BANK_MSRS * MCE_MAX_BANKS) /* 0x400-0x47f */

/*
 * ---- CPU gates (msr.c), which msr_table_print explains: the CPUID features
 * that give a row its MSR (at most MSR_MAX_GATE_FEATS), whether the CPU has one
 * of them, and whether its vendor has the MSR at all. ----
 */
#define MSR_MAX_GATE_FEATS 4

unsigned msr_gate_features(const struct msr_desc *d, int feats[MSR_MAX_GATE_FEATS]);
bool msr_cpuid_has(const struct msr_desc *d, const struct cpu_model *cpu);
bool msr_vendor_has(const struct msr_desc *d, const struct cpu_model *cpu);

/*
 * ---- Handlers (msr_rules.c), named by the descriptor table. get/set return
 * enum msr_result; the writer is checked before them. ----
 */
int msr_get_field(struct vcpu_model *m, struct msr_req *r);
int msr_get_zero(struct vcpu_model *m, struct msr_req *r);
int msr_get_mtrrcap(struct vcpu_model *m, struct msr_req *r);
int msr_get_mcg_cap(struct vcpu_model *m, struct msr_req *r);
int msr_get_mcg_ctl(struct vcpu_model *m, struct msr_req *r);
int msr_get_mc_bank(struct vcpu_model *m, struct msr_req *r);
int msr_get_mc_ctl2(struct vcpu_model *m, struct msr_req *r);
int msr_get_tsc_deadline(struct vcpu_model *m, struct msr_req *r);

int msr_set_any(struct vcpu_model *m, const struct msr_req *r);
int msr_set_ignore(struct vcpu_model *m, const struct msr_req *r);
int msr_set_canonical(struct vcpu_model *m, const struct msr_req *r);
int msr_set_sysenter_addr(struct vcpu_model *m, const struct msr_req *r);
int msr_set_efer(struct vcpu_model *m, const struct msr_req *r);
int msr_set_tsc(struct vcpu_model *m, const struct msr_req *r);
int msr_set_tsc_adjust(struct vcpu_model *m, const struct msr_req *r);
int msr_set_tsc_aux(struct vcpu_model *m, const struct msr_req *r);
int msr_set_apic_base(struct vcpu_model *m, const struct msr_req *r);
int msr_set_pat(struct vcpu_model *m, const struct msr_req *r);
int msr_set_mtrr_def_type(struct vcpu_model *m, const struct msr_req *r);
int msr_set_mtrr_fixed(struct vcpu_model *m, const struct msr_req *r);
int msr_set_mtrr_var(struct vcpu_model *m, const struct msr_req *r);
int msr_set_misc_enable(struct vcpu_model *m, const struct msr_req *r);
int msr_set_feature_control(struct vcpu_model *m, const struct msr_req *r);
int msr_set_spec_ctrl(struct vcpu_model *m, const struct msr_req *r);
int msr_set_pred_cmd(struct vcpu_model *m, const struct msr_req *r);
int msr_set_flush_cmd(struct vcpu_model *m, const struct msr_req *r);
int msr_set_arch_capabilities(struct vcpu_model *m, const struct msr_req *r);
int msr_set_ucode_rev(struct vcpu_model *m, const struct msr_req *r);
int msr_set_platform_info(struct vcpu_model *m, const struct msr_req *r);
int msr_set_misc_features(struct vcpu_model *m, const struct msr_req *r);
int msr_set_debugctl(struct vcpu_model *m, const struct msr_req *r);
int msr_set_mcg_ctl(struct vcpu_model *m, const struct msr_req *r);
int msr_set_mc_bank(struct vcpu_model *m, const struct msr_req *r);
int msr_set_mc_ctl2(struct vcpu_model *m, const struct msr_req *r);
int msr_set_xss(struct vcpu_model *m, const struct msr_req *r);
int msr_set_hwcr(struct vcpu_model *m, const struct msr_req *r);
int msr_set_tsc_deadline(struct vcpu_model *m, const struct msr_req *r);

#endif
