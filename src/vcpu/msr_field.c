/* SPDX-License-Identifier: MIT */
/*
 * Where each MSR lives: the raw field map from an MSR index to its field in
 * struct vcpu_state (state.h), with no rule at all, and msr_state_read and
 * msr_state_write on top of it (state sync and snapshots).
 */
#include <stddef.h>

#include "msr_impl.h"

static uint64_t *mc_bank_field(struct msr_state *s, uint32_t index)
{
	unsigned bank = (index - MSR_IA32_MC0_CTL) / MC_BANK_MSRS;

	switch ((index - MSR_IA32_MC0_CTL) % MC_BANK_MSRS) {
	case 0:
		return &s->mc_ctl[bank];
	case 1:
		return &s->mc_status[bank];
	case 2:
		return &s->mc_addr[bank];
	default:
		return &s->mc_misc[bank];
	}
}

/* The fixed-range MTRRs in state.h's order, or -1. */
static int mtrr_fixed_slot(uint32_t index)
{
	if (index == MSR_IA32_MTRR_FIX64K_00000)
		return 0;
	if (index == MSR_IA32_MTRR_FIX16K_80000)
		return 1;
	if (index == MSR_IA32_MTRR_FIX16K_A0000)
		return 2;
	if (index >= MSR_IA32_MTRR_FIX4K_C0000 && index <= MSR_IA32_MTRR_FIX4K_F8000)
		return 3 + (int)(index - MSR_IA32_MTRR_FIX4K_C0000);
	return -1;
}

static uint64_t *msr_range_field(struct vcpu_state *st, uint32_t index)
{
	struct msr_state *s = &st->msr;
	int fixed = mtrr_fixed_slot(index);

	if (fixed >= 0)
		return &s->mtrr_fixed[fixed];
	if (index >= MSR_IA32_MTRR_PHYSBASE0 && index <= MSR_IA32_MTRR_PHYSMASK7)
		return &s->mtrr_var[index - MSR_IA32_MTRR_PHYSBASE0];
	if (index >= MSR_IA32_MC0_CTL2 && index < MSR_IA32_MC0_CTL2 + MCE_MAX_BANKS)
		return &s->mc_ctl2[index - MSR_IA32_MC0_CTL2];
	if (index >= MSR_IA32_MC0_CTL && index < MSR_IA32_MC0_CTL + MC_BANK_INDICES)
		return mc_bank_field(s, index);
	return NULL;
}

/* Where each single-index MSR lives in struct vcpu_state (state.h). */
#define STATE_FIELD(idx, member)                                                                   \
	{                                                                                          \
		(idx), offsetof(struct vcpu_state, member)                                         \
	}

static const struct msr_field_loc {
	uint32_t index;
	size_t offset;
} msr_fields[] = {
	STATE_FIELD(MSR_EFER, efer),
	STATE_FIELD(MSR_FS_BASE, seg[SEG_FS].base),
	STATE_FIELD(MSR_GS_BASE, seg[SEG_GS].base),
	STATE_FIELD(MSR_STAR, msr.star),
	STATE_FIELD(MSR_LSTAR, msr.lstar),
	STATE_FIELD(MSR_CSTAR, msr.cstar),
	STATE_FIELD(MSR_SFMASK, msr.sfmask),
	STATE_FIELD(MSR_KERNEL_GS_BASE, msr.kernel_gs_base),
	STATE_FIELD(MSR_IA32_SYSENTER_CS, msr.sysenter_cs),
	STATE_FIELD(MSR_IA32_SYSENTER_ESP, msr.sysenter_esp),
	STATE_FIELD(MSR_IA32_SYSENTER_EIP, msr.sysenter_eip),
	STATE_FIELD(MSR_IA32_TSC, msr.tsc),
	STATE_FIELD(MSR_IA32_TSC_ADJUST, msr.tsc_adjust),
	STATE_FIELD(MSR_TSC_AUX, msr.tsc_aux),
	STATE_FIELD(MSR_IA32_TSC_DEADLINE, msr.tsc_deadline),
	STATE_FIELD(MSR_IA32_APIC_BASE, msr.apic_base),
	STATE_FIELD(MSR_IA32_CR_PAT, msr.pat),
	STATE_FIELD(MSR_IA32_MTRR_DEF_TYPE, msr.mtrr_def_type),
	STATE_FIELD(MSR_IA32_MISC_ENABLE, msr.misc_enable),
	STATE_FIELD(MSR_MISC_FEATURES_ENABLES, msr.misc_features_enables),
	STATE_FIELD(MSR_PLATFORM_INFO, msr.platform_info),
	STATE_FIELD(MSR_IA32_FEATURE_CONTROL, msr.feature_control),
	STATE_FIELD(MSR_IA32_SPEC_CTRL, msr.spec_ctrl),
	STATE_FIELD(MSR_IA32_ARCH_CAPABILITIES, msr.arch_capabilities),
	STATE_FIELD(MSR_IA32_UCODE_REV, msr.ucode_rev),
	STATE_FIELD(MSR_IA32_DEBUGCTL, msr.debugctl),
	STATE_FIELD(MSR_IA32_MCG_CAP, msr.mcg_cap),
	STATE_FIELD(MSR_IA32_MCG_STATUS, msr.mcg_status),
	STATE_FIELD(MSR_IA32_MCG_CTL, msr.mcg_ctl),
	STATE_FIELD(MSR_IA32_XSS, msr.xss),
	STATE_FIELD(MSR_K7_HWCR, msr.hwcr),
	STATE_FIELD(MSR_IA32_POWER_CTL, msr.power_ctl),
};

/* The field that holds index, or NULL if the model keeps none. */
static uint64_t *msr_field(struct vcpu_state *st, uint32_t index)
{
	for (size_t i = 0; i < sizeof(msr_fields) / sizeof(msr_fields[0]); i++)
		if (msr_fields[i].index == index)
			return (uint64_t *)((char *)st + msr_fields[i].offset);
	return msr_range_field(st, index);
}

bool msr_state_read(const struct vcpu_state *st, uint32_t index, uint64_t *val)
{
	/* msr_field only hands out the address; nothing is written through it here. */
	const uint64_t *f = msr_field((struct vcpu_state *)st, index);

	if (!f)
		return false;
	*val = *f;
	return true;
}

bool msr_state_write(struct vcpu_state *st, uint32_t index, uint64_t val)
{
	uint64_t *f = msr_field(st, index);

	if (!f)
		return false;
	*f = val;
	return true;
}
