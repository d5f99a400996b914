/* SPDX-License-Identifier: MIT */
/*
 * The MSR model (DESIGN.md, "MSR model"; spec/msr.md): one descriptor table,
 * one row per MSR or range of MSRs. msr_get and msr_set apply the row's CPU
 * gate and writer, then its handler; every handler validates first and stores
 * last, so a refused write leaves the state exactly as it was.
 */
#include "msr.h"

#include <stddef.h>
#include <string.h>

#include "cr.h"

/* A few constant-value MSRs from spec/msr.md §6.14/§6.15 that msr.h does not name. */
#define MSR_IA32_PLATFORM_ID	0x00000017
#define MSR_EBL_CR_POWERON	0x0000002a
#define MSR_IA32_BIOS_UPDT_TRIG 0x00000079

#define APIC_BASE_BSP	       (1ull << 8)
#define APIC_BASE_EXTD	       (1ull << 10)
#define APIC_BASE_EN	       (1ull << 11)
#define APIC_BASE_RESERVED_LOW 0x2ffull /* bits 7:0 and 9 (spec/msr.md §6.2) */
#define APIC_DEFAULT_PHYS_BASE 0xfee00000ull

#define PAT_RESET_VALUE 0x0007040600070406ull

#define MTRRCAP_VALUE	    0x508ull /* VCNT=8, FIX, WC (spec/msr.md §6.4) */
#define MTRR_DEF_TYPE_VALID 0xcffull /* type 7:0, FE 10, E 11 */
#define MTRR_PHYSBASE_RSVD  0xf00ull /* bits 11:8 */
#define MTRR_PHYSMASK_RSVD  0x7ffull /* bits 10:0; bit 11 is V */

#define MISC_ENABLE_EMON	 (1ull << 7)
#define MISC_ENABLE_BTS_UNAVAIL	 (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ull << 12)

#define FEAT_CTL_LOCKED		 (1ull << 0)
#define FEAT_CTL_VMX_INSIDE_SMX	 (1ull << 1)
#define FEAT_CTL_VMX_OUTSIDE_SMX (1ull << 2)
#define FEAT_CTL_LMCE		 (1ull << 20)

#define SPEC_CTRL_IBRS	(1ull << 0)
#define SPEC_CTRL_STIBP (1ull << 1)
#define SPEC_CTRL_SSBD	(1ull << 2)
#define PRED_CMD_IBPB	(1ull << 0)
#define FLUSH_CMD_L1D	(1ull << 0)

#define PLATFORM_INFO_CPUID_FAULT (1ull << 31)
#define MISC_FEATURES_CPUID_FAULT (1ull << 0)

#define DEBUGCTL_LBR	 (1ull << 0)
#define DEBUGCTL_BTF	 (1ull << 1)
#define DEBUGCTL_AMD_ALL 0x3full /* bits 5:0, the LBR VMCB's dbgctl */

#define MCG_COUNT_MASK	0xffull
#define MCG_CTL_P	(1ull << 8)
#define MCG_CMCI_P	(1ull << 10)
#define MCG_LMCE_P	(1ull << 27)
#define MCI_CTL2_VALID	((1ull << 30) | 0x7fffull)     /* CMCI_EN and the threshold */
#define MCI_CTL_OLD_OK	((1ull << 10) | (1ull << 0))   /* bits old guests may leave clear */
#define MC_BANK_MSRS	4			       /* CTL, STATUS, ADDR, MISC */
#define MC_BANK_INDICES (MC_BANK_MSRS * MCE_MAX_BANKS) /* 0x400-0x47f */

#define HWCR_IGNORED	  ((1ull << 3) | (1ull << 6) | (1ull << 8))
#define HWCR_MCSTATUSWREN (1ull << 18)
#define HWCR_TSCFREQSEL	  (1ull << 24)
#define HWCR_VALID	  (HWCR_MCSTATUSWREN | HWCR_TSCFREQSEL)

#define ALL_ONES	   (~0ull)
#define LOW32		   0xffffffffull
#define MSR_MAX_GATE_FEATS 4

/* ---- Where each MSR lives: the raw field map, with no rule at all. ---- */

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

/* ---- Helpers the rules share. ---- */

static void store(struct vcpu_model *m, uint32_t index, uint64_t val)
{
	msr_state_write(m->st, index, val);
}

/*
 * spec/msr.md §5.1: MSRs holding linear addresses are checked against the widest
 * linear address the CPU supports (57 bits with LA57), whatever CR4.LA57 says.
 */
static unsigned msr_addr_bits(const struct cpu_model *cpu)
{
	return cpu_has(cpu, FEAT_LA57) ? 57 : 48;
}

/* Physical-address bits at or above MAXPHYADDR: reserved in APIC_BASE and the MTRRs. */
static uint64_t phys_reserved(const struct cpu_model *cpu)
{
	return cpu->maxphyaddr >= 64 ? 0 : ALL_ONES << cpu->maxphyaddr;
}

/* spec/msr.md §6.3: PAT memory types UC 0, WC 1, WT 4, WP 5, WB 6, UC- 7. */
static bool pat_type_valid(unsigned t)
{
	return t < 8 && ((0xf3u >> t) & 1);
}

/* spec/msr.md §6.4: MTRR memory types are PAT's without UC- (7). */
static bool mtrr_type_valid(unsigned t)
{
	return t < 8 && ((0x73u >> t) & 1);
}

static bool all_bytes_valid(uint64_t v, bool (*valid)(unsigned))
{
	for (unsigned i = 0; i < 8; i++)
		if (!valid((unsigned)(v >> (8 * i)) & 0xff))
			return false;
	return true;
}

static unsigned mce_banks(const struct cpu_model *cpu)
{
	unsigned n = (unsigned)(cpu->mcg_cap & MCG_COUNT_MASK);

	return n > MCE_MAX_BANKS ? MCE_MAX_BANKS : n;
}

/* ---- Handlers. get/set return enum msr_result; the writer is checked before them. ---- */

static int get_field(struct vcpu_model *m, struct msr_req *r)
{
	return msr_state_read(m->st, r->index, &r->data) ? MSR_OK : MSR_UNSUPPORTED;
}

static int get_zero(struct vcpu_model *m, struct msr_req *r)
{
	(void)m;
	r->data = 0;
	return MSR_OK;
}

static int set_any(struct vcpu_model *m, const struct msr_req *r)
{
	store(m, r->index, r->data);
	return MSR_OK;
}

static int set_ignore(struct vcpu_model *m, const struct msr_req *r)
{
	(void)m;
	(void)r;
	return MSR_OK;
}

/* spec/msr.md §5.1: a non-canonical address faults, for the host too. */
static int set_canonical(struct vcpu_model *m, const struct msr_req *r)
{
	if (!is_canonical(r->data, msr_addr_bits(m->cpu)))
		return MSR_FAULT;
	return set_any(m, r);
}

/*
 * spec/msr.md §5.2: SYSENTER_ESP/EIP never fault. Intel keeps a canonical
 * 64-bit value (so VM entry cannot fail); AMD has no 64-bit SYSENTER and keeps
 * bits 31:0 only.
 */
static int set_sysenter_addr(struct vcpu_model *m, const struct msr_req *r)
{
	uint64_t v = r->data;

	if (m->cpu->vendor == CPU_VENDOR_AMD)
		v &= LOW32;
	else
		v = canonicalize(v, msr_addr_bits(m->cpu));
	store(m, r->index, v);
	return MSR_OK;
}

/* spec/msr.md §6.1: cr.c owns EFER's rules (reserved bits, CPUID gates, LME with PG, LMA). */
static int set_efer(struct vcpu_model *m, const struct msr_req *r)
{
	return cr_set_efer(m, r->data, r->host_initiated) == CR_OK ? MSR_OK : MSR_FAULT;
}

/* SDM 17.17.3, spec/msr.md §4.1: a guest TSC write moves TSC_ADJUST by as much. */
static int set_tsc(struct vcpu_model *m, const struct msr_req *r)
{
	struct msr_state *s = &m->st->msr;

	if (!r->host_initiated && cpu_has(m->cpu, FEAT_TSC_ADJUST))
		s->tsc_adjust += r->data - s->tsc;
	s->tsc = r->data;
	return MSR_OK;
}

/* spec/msr.md §4.1: a guest TSC_ADJUST write shifts the TSC; the host's stores only. */
static int set_tsc_adjust(struct vcpu_model *m, const struct msr_req *r)
{
	struct msr_state *s = &m->st->msr;

	if (!r->host_initiated)
		s->tsc += r->data - s->tsc_adjust;
	s->tsc_adjust = r->data;
	return MSR_OK;
}

/* spec/msr.md §5.3: Intel faults on bits 63:32 (host too); AMD drops them. */
static int set_tsc_aux(struct vcpu_model *m, const struct msr_req *r)
{
	if (m->cpu->vendor == CPU_VENDOR_INTEL && (r->data >> 32))
		return MSR_FAULT;
	store(m, r->index, r->data & LOW32);
	return MSR_OK;
}

enum apic_mode {
	APIC_MODE_DISABLED,
	APIC_MODE_XAPIC,
	APIC_MODE_X2APIC,
	APIC_MODE_INVALID,
};

/* spec/msr.md §6.2: the mode table, indexed by EN and EXTD. */
static enum apic_mode apic_mode(uint64_t apic_base)
{
	bool en = apic_base & APIC_BASE_EN, extd = apic_base & APIC_BASE_EXTD;

	if (en)
		return extd ? APIC_MODE_X2APIC : APIC_MODE_XAPIC;
	return extd ? APIC_MODE_INVALID : APIC_MODE_DISABLED;
}

static int set_apic_base(struct vcpu_model *m, const struct msr_req *r)
{
	uint64_t old = m->st->msr.apic_base, v = r->data;
	uint64_t reserved = APIC_BASE_RESERVED_LOW | phys_reserved(m->cpu);
	enum apic_mode from = apic_mode(old), to = apic_mode(v);

	/* spec/msr.md §6.2: writing the current value succeeds at once. */
	if (v == old)
		return MSR_OK;
	/* §6.2: EXTD is reserved without x2APIC in CPUID, for the host too. */
	if (!cpu_has(m->cpu, FEAT_X2APIC))
		reserved |= APIC_BASE_EXTD;
	if ((v & reserved) || to == APIC_MODE_INVALID)
		return MSR_FAULT;
	/* §6.2: the guest may go disabled -> xAPIC -> x2APIC and x2APIC -> disabled only. */
	if (!r->host_initiated) {
		if (from == APIC_MODE_X2APIC && to == APIC_MODE_XAPIC)
			return MSR_FAULT;
		if (from == APIC_MODE_DISABLED && to == APIC_MODE_X2APIC)
			return MSR_FAULT;
	}
	/* §6.2: CPUID.01H:EDX.APIC follows EN. */
	if ((old ^ v) & APIC_BASE_EN)
		m->fx |= VCPU_FX_CPUID;
	store(m, r->index, v);
	return MSR_OK;
}

/* spec/msr.md §6.3: bytes 2 and 3 are not memory types; bits 7:3 of each byte are reserved. */
static int set_pat(struct vcpu_model *m, const struct msr_req *r)
{
	if (!all_bytes_valid(r->data, pat_type_valid))
		return MSR_FAULT;
	return set_any(m, r);
}

/* spec/msr.md §6.4: type in 7:0, FE bit 10, E bit 11, nothing else; UC- is no MTRR type. */
static int set_mtrr_def_type(struct vcpu_model *m, const struct msr_req *r)
{
	if ((r->data & ~MTRR_DEF_TYPE_VALID) || !mtrr_type_valid(r->data & 0xff))
		return MSR_FAULT;
	return set_any(m, r);
}

/* spec/msr.md §6.4: each of the eight bytes is the type of one sub-range. */
static int set_mtrr_fixed(struct vcpu_model *m, const struct msr_req *r)
{
	if (!all_bytes_valid(r->data, mtrr_type_valid))
		return MSR_FAULT;
	return set_any(m, r);
}

/* spec/msr.md §6.4: PHYSBASEn at even indices, PHYSMASKn at odd ones. */
static int set_mtrr_var(struct vcpu_model *m, const struct msr_req *r)
{
	bool mask = (r->index - MSR_IA32_MTRR_PHYSBASE0) & 1;
	uint64_t reserved = phys_reserved(m->cpu);

	if (mask)
		reserved |= MTRR_PHYSMASK_RSVD;
	else if (!mtrr_type_valid(r->data & 0xff))
		return MSR_FAULT;
	else
		reserved |= MTRR_PHYSBASE_RSVD;
	if (r->data & reserved)
		return MSR_FAULT;
	return set_any(m, r);
}

/*
 * spec/msr.md §6.5: the guest cannot change BTS_UNAVAIL or PEBS_UNAVAIL, and its
 * writes to EMON (bit 7) are dropped. The host writes any value. (vx86 keeps
 * KVM's default MWAIT quirk: bit 18 is an ordinary bit.)
 */
static int set_misc_enable(struct vcpu_model *m, const struct msr_req *r)
{
	uint64_t old = m->st->msr.misc_enable, v = r->data;

	if (!r->host_initiated) {
		if ((old ^ v) & (MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL))
			return MSR_FAULT;
		v = (v & ~MISC_ENABLE_EMON) | (old & MISC_ENABLE_EMON);
	}
	store(m, r->index, v);
	return MSR_OK;
}

/* spec/msr.md §6.8: LOCKED, plus VMX with CPUID VMX, plus LMCE with MCG_CAP.LMCE_P. */
static uint64_t feature_control_valid(const struct cpu_model *cpu)
{
	uint64_t valid = FEAT_CTL_LOCKED;

	if (cpu_has(cpu, FEAT_VMX))
		valid |= FEAT_CTL_VMX_INSIDE_SMX | FEAT_CTL_VMX_OUTSIDE_SMX;
	if (cpu->mcg_cap & MCG_LMCE_P)
		valid |= FEAT_CTL_LMCE;
	return valid;
}

/*
 * spec/msr.md §6.8: once LOCKED, the guest cannot write it; the host can (a
 * restore must). vx86 checks the host against the model's valid mask too: it
 * has no SGX, so bits 17 and 18 are never valid.
 */
static int set_feature_control(struct vcpu_model *m, const struct msr_req *r)
{
	if (r->data & ~feature_control_valid(m->cpu))
		return MSR_FAULT;
	if (!r->host_initiated && (m->st->msr.feature_control & FEAT_CTL_LOCKED))
		return MSR_FAULT;
	return set_any(m, r);
}

/* spec/msr.md §6.6 ([old] CPUID rule): each bit exists with the Intel or the AMD CPUID bit. */
static uint64_t spec_ctrl_valid(const struct cpu_model *cpu)
{
	uint64_t valid = 0;

	if (cpu_has(cpu, FEAT_SPEC_CTRL) || cpu_has(cpu, FEAT_AMD_IBRS))
		valid |= SPEC_CTRL_IBRS;
	if (cpu_has(cpu, FEAT_STIBP) || cpu_has(cpu, FEAT_AMD_STIBP))
		valid |= SPEC_CTRL_STIBP;
	if (cpu_has(cpu, FEAT_SSBD) || cpu_has(cpu, FEAT_AMD_SSBD))
		valid |= SPEC_CTRL_SSBD;
	return valid;
}

static int set_spec_ctrl(struct vcpu_model *m, const struct msr_req *r)
{
	if (r->data & ~spec_ctrl_valid(m->cpu))
		return MSR_FAULT;
	return set_any(m, r);
}

/*
 * spec/msr.md §6.6: IBPB (bit 0) exists with SPEC_CTRL or AMD_IBPB; every other
 * bit is reserved (vx86 models no SBPB). vx86 has no predictors to flush, so an
 * accepted command does nothing.
 */
static int set_pred_cmd(struct vcpu_model *m, const struct msr_req *r)
{
	bool ibpb = cpu_has(m->cpu, FEAT_SPEC_CTRL) || cpu_has(m->cpu, FEAT_AMD_IBPB);

	return (r->data & ~(ibpb ? PRED_CMD_IBPB : 0)) ? MSR_FAULT : MSR_OK;
}

/* spec/msr.md §6.6: only L1D_FLUSH (bit 0), with FLUSH_L1D; a no-op here. */
static int set_flush_cmd(struct vcpu_model *m, const struct msr_req *r)
{
	bool l1d = cpu_has(m->cpu, FEAT_FLUSH_L1D);

	return (r->data & ~(l1d ? FLUSH_CMD_L1D : 0)) ? MSR_FAULT : MSR_OK;
}

/* spec/msr.md §4.1: a host write needs the CPUID bit even though host reads do not. */
static int set_arch_capabilities(struct vcpu_model *m, const struct msr_req *r)
{
	if (!cpu_has(m->cpu, FEAT_ARCH_CAPABILITIES))
		return MSR_UNSUPPORTED;
	return set_any(m, r);
}

/* spec/msr.md §4.1, §6.14: the guest's writes (microcode loads) are dropped without #GP. */
static int set_ucode_rev(struct vcpu_model *m, const struct msr_req *r)
{
	return r->host_initiated ? set_any(m, r) : MSR_OK;
}

/* spec/msr.md §4.1: the host may not take CPUID_FAULT away while CPUID faulting is on. */
static int set_platform_info(struct vcpu_model *m, const struct msr_req *r)
{
	const struct msr_state *s = &m->st->msr;

	if ((s->misc_features_enables & MISC_FEATURES_CPUID_FAULT) &&
	    !(r->data & PLATFORM_INFO_CPUID_FAULT))
		return MSR_FAULT;
	return set_any(m, r);
}

/* spec/msr.md §6.11: only CPUID_FAULT, and only if PLATFORM_INFO advertises it. */
static int set_misc_features(struct vcpu_model *m, const struct msr_req *r)
{
	if (r->data & ~MISC_FEATURES_CPUID_FAULT)
		return MSR_FAULT;
	if ((r->data & MISC_FEATURES_CPUID_FAULT) &&
	    !(m->st->msr.platform_info & PLATFORM_INFO_CPUID_FAULT))
		return MSR_FAULT;
	return set_any(m, r);
}

/*
 * spec/msr.md §6.7. Intel: vx86 has no branch tracing, so LBR and BTF are
 * dropped without a fault and every other bit faults. AMD (LBR virtualization):
 * bits 5:0 are kept, anything above faults.
 */
static int set_debugctl(struct vcpu_model *m, const struct msr_req *r)
{
	uint64_t v = r->data;

	if (m->cpu->vendor == CPU_VENDOR_AMD) {
		if (v & ~DEBUGCTL_AMD_ALL)
			return MSR_FAULT;
	} else {
		v &= ~(DEBUGCTL_LBR | DEBUGCTL_BTF);
		if (v)
			return MSR_FAULT;
	}
	store(m, r->index, v);
	return MSR_OK;
}

/* spec/msr.md §6.4, §6.15: a constant. */
static int get_mtrrcap(struct vcpu_model *m, struct msr_req *r)
{
	(void)m;
	r->data = MTRRCAP_VALUE;
	return MSR_OK;
}

/* spec/msr.md §6.9: read-only, the CPU model's capabilities. */
static int get_mcg_cap(struct vcpu_model *m, struct msr_req *r)
{
	r->data = m->cpu->mcg_cap;
	return MSR_OK;
}

/* spec/msr.md §6.9: MCG_CTL exists with MCG_CTL_P; the host may still read it and write 0. */
static int get_mcg_ctl(struct vcpu_model *m, struct msr_req *r)
{
	if (!(m->cpu->mcg_cap & MCG_CTL_P) && !r->host_initiated)
		return MSR_FAULT;
	return get_field(m, r);
}

static int set_mcg_ctl(struct vcpu_model *m, const struct msr_req *r)
{
	if (!(m->cpu->mcg_cap & MCG_CTL_P) && !(r->host_initiated && r->data == 0))
		return MSR_FAULT;
	/* §6.9: all banks' reporting on or off. */
	if (r->data != 0 && r->data != ALL_ONES)
		return MSR_FAULT;
	return set_any(m, r);
}

/* spec/msr.md §6.9: banks at or beyond MCG_CAP.Count fault, up to index 0x47F. */
static int get_mc_bank(struct vcpu_model *m, struct msr_req *r)
{
	if ((r->index - MSR_IA32_MC0_CTL) / MC_BANK_MSRS >= mce_banks(m->cpu))
		return MSR_FAULT;
	return get_field(m, r);
}

/*
 * spec/msr.md §6.9: MCi_CTL is 0 or all ones (bits 10 and 0 may stay clear, for
 * old guests and AMD's GART); a guest may only clear MCi_STATUS, unless it is an
 * AMD CPU with HWCR.McStatusWrEn; MCi_ADDR and MCi_MISC take anything.
 */
static int set_mc_bank(struct vcpu_model *m, const struct msr_req *r)
{
	unsigned reg = (r->index - MSR_IA32_MC0_CTL) % MC_BANK_MSRS;
	uint64_t v = r->data;

	if ((r->index - MSR_IA32_MC0_CTL) / MC_BANK_MSRS >= mce_banks(m->cpu))
		return MSR_FAULT;
	if (reg == 0 && v != 0 && (v | MCI_CTL_OLD_OK) != ALL_ONES)
		return MSR_FAULT;
	if (reg == 1 && v != 0 && !r->host_initiated &&
	    !(m->cpu->vendor == CPU_VENDOR_AMD && (m->st->msr.hwcr & HWCR_MCSTATUSWREN)))
		return MSR_FAULT;
	return set_any(m, r);
}

/*
 * spec/msr.md §6.9: MCi_CTL2 exists with MCG_CAP.CMCI_P, for banks below the
 * count. Like MCG_CTL, vx86 lets the host read it and write 0 without CMCI_P, so
 * a snapshot of zeros always restores.
 */
static int get_mc_ctl2(struct vcpu_model *m, struct msr_req *r)
{
	if (r->index - MSR_IA32_MC0_CTL2 >= mce_banks(m->cpu))
		return MSR_FAULT;
	if (!(m->cpu->mcg_cap & MCG_CMCI_P) && !r->host_initiated)
		return MSR_FAULT;
	return get_field(m, r);
}

static int set_mc_ctl2(struct vcpu_model *m, const struct msr_req *r)
{
	if (r->index - MSR_IA32_MC0_CTL2 >= mce_banks(m->cpu))
		return MSR_FAULT;
	if (!(m->cpu->mcg_cap & MCG_CMCI_P) && !(r->host_initiated && r->data == 0))
		return MSR_FAULT;
	if (r->data & ~MCI_CTL2_VALID)
		return MSR_FAULT;
	return set_any(m, r);
}

/* spec/msr.md §6.12: only state components the CPU model can save with XSAVES. */
static int set_xss(struct vcpu_model *m, const struct msr_req *r)
{
	if (r->data & ~m->cpu->supported_xss)
		return MSR_FAULT;
	return set_any(m, r);
}

/* spec/msr.md §6.10: bits 3, 6 and 8 are dropped; 18 and 24 are kept; others fault. */
static int set_hwcr(struct vcpu_model *m, const struct msr_req *r)
{
	uint64_t v = r->data & ~HWCR_IGNORED;

	if (v & ~HWCR_VALID)
		return MSR_FAULT;
	store(m, r->index, v);
	return MSR_OK;
}

/* ---- The descriptor table, sorted by index; ranges never overlap. ---- */

#define LIST_SAVE .save = true, .emulated = false
#define LIST_EMUL .save = false, .emulated = true
#define LIST_NONE .save = false, .emulated = false

#define MSR_ROW(idx, n, nm, wr, list, f1, f2, getf, setf, nt)                                      \
	{                                                                                          \
		.index = (idx), .count = (n), .name = (nm), .writer = MSR_WRITER_##wr,             \
		LIST_##list, .feature = (f1), .feature_alt = (f2), .notes = (nt), .get = (getf),   \
		.set = (setf)                                                                      \
	}

/*
 * List membership follows KVM's msrs_to_save and emulated_msrs (spec/msr.md
 * §7.1, §7.3). APIC_BASE, EFER and the FS/GS bases travel with the segment
 * registers instead; MCE banks are saved by MCG_CAP.Count and MTRRs explicitly,
 * as KVM's users do, so neither is listed.
 */
static const struct msr_desc msr_rows[] = {
	MSR_ROW(MSR_IA32_TSC, 1, "IA32_TSC", GUEST, SAVE, -1, -1, get_field, set_tsc,
		"The TSC when the state was taken. A guest write moves TSC_ADJUST by as much (with "
		"tsc_adjust); a host write stores only."),
	MSR_ROW(MSR_IA32_PLATFORM_ID, 1, "IA32_PLATFORM_ID", READONLY, NONE, -1, -1, get_zero, NULL,
		"Reads 0; writes fault."),
	MSR_ROW(MSR_IA32_APIC_BASE, 1, "IA32_APIC_BASE", GUEST, NONE, -1, -1, get_field,
		set_apic_base,
		"Reserved: bits 7:0, 9, >= MAXPHYADDR, and EXTD without x2apic. EN=0 with EXTD=1 "
		"faults. Guest: no x2APIC->xAPIC, no disabled->x2APIC. Saved with the sregs."),
	MSR_ROW(MSR_EBL_CR_POWERON, 1, "MSR_EBL_CR_POWERON", READONLY, NONE, -1, -1, get_zero, NULL,
		"Reads 0; writes fault."),
	MSR_ROW(MSR_IA32_FEATURE_CONTROL, 1, "IA32_FEATURE_CONTROL", GUEST, SAVE, -1, -1, get_field,
		set_feature_control,
		"Intel only. Valid: LOCKED, VMX bits 1-2 with vmx, LMCE (20) with "
		"MCG_CAP.LMCE_P. A guest write faults once LOCKED; a host write does not."),
	MSR_ROW(MSR_IA32_TSC_ADJUST, 1, "IA32_TSC_ADJUST", GUEST, EMUL, FEAT_TSC_ADJUST, -1,
		get_field, set_tsc_adjust,
		"A guest write moves the TSC by (new - old); a host write stores only."),
	MSR_ROW(MSR_IA32_SPEC_CTRL, 1, "IA32_SPEC_CTRL", GUEST, SAVE, FEAT_SPEC_CTRL, FEAT_AMD_IBRS,
		get_field, set_spec_ctrl,
		"Any of spec_ctrl, amd_ibrs, amd_stibp, amd_ssbd gives it. Valid, host too: "
		"IBRS 0, STIBP 1, SSBD 2, each with its Intel or AMD CPUID bit. 0 after RESET "
		"and INIT."),
	MSR_ROW(MSR_IA32_PRED_CMD, 1, "IA32_PRED_CMD", NONE_RD, NONE, FEAT_SPEC_CTRL, FEAT_AMD_IBPB,
		NULL, set_pred_cmd,
		"Command: IBPB (bit 0) only; vx86 has nothing to flush, so it and 0 are no-ops."),
	MSR_ROW(MSR_IA32_BIOS_UPDT_TRIG, 1, "IA32_BIOS_UPDT_TRIG", NONE_RD, NONE, -1, -1, NULL,
		set_ignore, "Microcode load trigger: writes are dropped (spec 6.14)."),
	MSR_ROW(MSR_IA32_UCODE_REV, 1, "IA32_UCODE_REV", GUEST, EMUL, -1, -1, get_field,
		set_ucode_rev,
		"Guest writes are dropped without a fault; host writes store. RESET: the CPU "
		"model's."),
	MSR_ROW(MSR_PLATFORM_INFO, 1, "MSR_PLATFORM_INFO", HOST, EMUL, -1, -1, get_field,
		set_platform_info,
		"RESET: CPUID_FAULT (bit 31) only. The host may not clear bit 31 while CPUID "
		"faulting is on."),
	MSR_ROW(MSR_IA32_MTRRCAP, 1, "IA32_MTRRCAP", READONLY, NONE, -1, -1, get_mtrrcap, NULL,
		"0x508: 8 variable ranges, fixed ranges, WC."),
	MSR_ROW(MSR_IA32_ARCH_CAPABILITIES, 1, "IA32_ARCH_CAPABILITIES", HOST, EMUL,
		FEAT_ARCH_CAPABILITIES, -1, get_field, set_arch_capabilities,
		"RESET: the CPU model's. A host write needs arch_capabilities too."),
	MSR_ROW(MSR_IA32_FLUSH_CMD, 1, "IA32_FLUSH_CMD", NONE_RD, NONE, FEAT_FLUSH_L1D, -1, NULL,
		set_flush_cmd, "Command: L1D_FLUSH (bit 0) only; a no-op in vx86."),
	MSR_ROW(MSR_MISC_FEATURES_ENABLES, 1, "MISC_FEATURES_ENABLES", GUEST, EMUL, -1, -1,
		get_field, set_misc_features,
		"Bit 0 (CPUID faulting) only, and only with PLATFORM_INFO bit 31. Kept by INIT."),
	MSR_ROW(MSR_IA32_SYSENTER_CS, 1, "IA32_SYSENTER_CS", GUEST, SAVE, -1, -1, get_field,
		set_any, "Any value."),
	MSR_ROW(MSR_IA32_SYSENTER_ESP, 1, "IA32_SYSENTER_ESP", GUEST, SAVE, -1, -1, get_field,
		set_sysenter_addr,
		"Never faults. Intel: made canonical (48 or 57 bits); AMD: bits 31:0 kept."),
	MSR_ROW(MSR_IA32_SYSENTER_EIP, 1, "IA32_SYSENTER_EIP", GUEST, SAVE, -1, -1, get_field,
		set_sysenter_addr,
		"Never faults. Intel: made canonical (48 or 57 bits); AMD: bits 31:0 kept."),
	MSR_ROW(MSR_IA32_MCG_CAP, 1, "IA32_MCG_CAP", READONLY, NONE, -1, -1, get_mcg_cap, NULL,
		"The CPU model's: bank count in 7:0, MCG_CTL_P 8, CMCI_P 10, LMCE_P 27."),
	MSR_ROW(MSR_IA32_MCG_STATUS, 1, "IA32_MCG_STATUS", GUEST, EMUL, -1, -1, get_field, set_any,
		"Any value."),
	MSR_ROW(MSR_IA32_MCG_CTL, 1, "IA32_MCG_CTL", GUEST, EMUL, -1, -1, get_mcg_ctl, set_mcg_ctl,
		"Needs MCG_CAP.MCG_CTL_P, else faults (the host may read and write 0). 0 or all "
		"ones."),
	MSR_ROW(MSR_IA32_MISC_ENABLE, 1, "IA32_MISC_ENABLE", GUEST, EMUL, -1, -1, get_field,
		set_misc_enable,
		"RESET 0x1800. Guest: bits 11 and 12 cannot change, bit 7 writes are dropped. The "
		"host writes any value."),
	MSR_ROW(MSR_IA32_DEBUGCTL, 1, "IA32_DEBUGCTL", GUEST, SAVE, -1, -1, get_field, set_debugctl,
		"Intel: LBR (0) and BTF (1) dropped, no branch tracing; other bits fault. "
		"AMD: bits 5:0 kept, others fault."),
	MSR_ROW(MSR_IA32_POWER_CTL, 1, "IA32_POWER_CTL", GUEST, EMUL, -1, -1, get_field, set_any,
		"Any value."),
	MSR_ROW(MSR_IA32_MTRR_PHYSBASE0, 2 * MTRR_VAR_COUNT, "IA32_MTRR_PHYSBASE0", GUEST, NONE, -1,
		-1, get_field, set_mtrr_var,
		"PHYSBASEn/PHYSMASKn pairs. Base: a valid type in 7:0, 11:8 reserved; mask: 10:0 "
		"reserved; both: bits >= MAXPHYADDR reserved."),
	MSR_ROW(MSR_IA32_MTRR_FIX64K_00000, 1, "IA32_MTRR_FIX64K_00000", GUEST, NONE, -1, -1,
		get_field, set_mtrr_fixed, "Eight types, each UC, WC, WT, WP or WB."),
	MSR_ROW(MSR_IA32_MTRR_FIX16K_80000, 1, "IA32_MTRR_FIX16K_80000", GUEST, NONE, -1, -1,
		get_field, set_mtrr_fixed, "Eight types, each UC, WC, WT, WP or WB."),
	MSR_ROW(MSR_IA32_MTRR_FIX16K_A0000, 1, "IA32_MTRR_FIX16K_A0000", GUEST, NONE, -1, -1,
		get_field, set_mtrr_fixed, "Eight types, each UC, WC, WT, WP or WB."),
	MSR_ROW(MSR_IA32_MTRR_FIX4K_C0000, 8, "IA32_MTRR_FIX4K_C0000", GUEST, NONE, -1, -1,
		get_field, set_mtrr_fixed,
		"FIX4K_C0000 to FIX4K_F8000: eight types each, UC, WC, WT, WP or WB."),
	MSR_ROW(MSR_IA32_CR_PAT, 1, "IA32_PAT", GUEST, SAVE, -1, -1, get_field, set_pat,
		"Each byte UC 0, WC 1, WT 4, WP 5, WB 6 or UC- 7, host too. RESET "
		"0x0007040600070406."),
	MSR_ROW(MSR_IA32_MC0_CTL2, MCE_MAX_BANKS, "IA32_MC0_CTL2", GUEST, NONE, -1, -1, get_mc_ctl2,
		set_mc_ctl2,
		"Needs MCG_CAP.CMCI_P (the host may read and write 0) and a bank below the count. "
		"Bits 30 and 14:0 only."),
	MSR_ROW(MSR_IA32_MTRR_DEF_TYPE, 1, "IA32_MTRR_DEF_TYPE", GUEST, NONE, -1, -1, get_field,
		set_mtrr_def_type,
		"Type (UC, WC, WT, WP, WB) in 7:0, FE 10, E 11; other bits reserved. Other "
		"0x200-0x2ff indices are not modelled."),
	MSR_ROW(MSR_IA32_MC0_CTL, MC_BANK_INDICES, "IA32_MC0_CTL", GUEST, NONE, -1, -1, get_mc_bank,
		set_mc_bank,
		"MCi_CTL, STATUS, ADDR, MISC; banks >= MCG_CAP.Count fault. CTL: 0 or all ones "
		"(bits 10, 0 may be 0). STATUS: guest writes 0 only, unless AMD with "
		"HWCR.McStatusWrEn. Saved by bank count."),
	MSR_ROW(MSR_IA32_TSC_DEADLINE, 1, "IA32_TSC_DEADLINE", GUEST, EMUL, FEAT_TSC_DEADLINE, -1,
		get_zero, set_ignore,
		"No local APIC timer yet: as with an LVT timer not in TSC-deadline mode, "
		"writes are dropped and reads return 0."),
	MSR_ROW(MSR_IA32_XSS, 1, "IA32_XSS", GUEST, SAVE, FEAT_XSAVES, -1, get_field, set_xss,
		"A subset of the CPU model's XSAVES components, host too. RESET 0."),
	MSR_ROW(MSR_EFER, 1, "IA32_EFER", GUEST, NONE, -1, -1, get_field, set_efer,
		"cr.c's rules: reserved bits; guest: CPUID gates, no LME change with paging "
		"on. LMA is not writable. Saved with the sregs."),
	MSR_ROW(MSR_STAR, 1, "IA32_STAR", GUEST, SAVE, -1, -1, get_field, set_any, "Any value."),
	MSR_ROW(MSR_LSTAR, 1, "IA32_LSTAR", GUEST, SAVE, -1, -1, get_field, set_canonical,
		"Canonical (57 bits with la57, else 48) or a fault, host too."),
	MSR_ROW(MSR_CSTAR, 1, "IA32_CSTAR", GUEST, SAVE, -1, -1, get_field, set_canonical,
		"Canonical (57 bits with la57, else 48) or a fault, host too."),
	MSR_ROW(MSR_SFMASK, 1, "IA32_FMASK", GUEST, SAVE, -1, -1, get_field, set_any,
		"SFMASK. Any value."),
	MSR_ROW(MSR_FS_BASE, 1, "IA32_FS_BASE", GUEST, NONE, -1, -1, get_field, set_canonical,
		"FS.base. Canonical or a fault, host too. Saved with the sregs."),
	MSR_ROW(MSR_GS_BASE, 1, "IA32_GS_BASE", GUEST, NONE, -1, -1, get_field, set_canonical,
		"GS.base. Canonical or a fault, host too. Saved with the sregs."),
	MSR_ROW(MSR_KERNEL_GS_BASE, 1, "IA32_KERNEL_GS_BASE", GUEST, SAVE, -1, -1, get_field,
		set_canonical, "Canonical (57 bits with la57, else 48) or a fault, host too."),
	MSR_ROW(MSR_TSC_AUX, 1, "IA32_TSC_AUX", GUEST, SAVE, FEAT_RDTSCP, FEAT_RDPID, get_field,
		set_tsc_aux, "Intel: bits 63:32 set fault, host too. AMD: they are dropped."),
	MSR_ROW(MSR_K7_HWCR, 1, "HWCR", GUEST, EMUL, -1, -1, get_field, set_hwcr,
		"AMD's, on both vendors. Bits 3, 6, 8 dropped; McStatusWrEn (18) and TscFreqSel "
		"(24) kept; other bits fault."),
};

#define MSR_ROWS (sizeof(msr_rows) / sizeof(msr_rows[0]))

const struct msr_desc *msr_table(unsigned *count)
{
	if (count)
		*count = MSR_ROWS;
	return msr_rows;
}

const struct msr_desc *msr_lookup(uint32_t index)
{
	size_t lo = 0, hi = MSR_ROWS;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct msr_desc *d = &msr_rows[mid];

		if (index < d->index)
			hi = mid;
		else if (index - d->index >= d->count)
			lo = mid + 1;
		else
			return d;
	}
	return NULL;
}

/* ---- CPU gates. ---- */

/* The CPUID features that give a row its MSR (any one will do); 0 means no gate. */
static unsigned msr_gate_features(const struct msr_desc *d, int feats[MSR_MAX_GATE_FEATS])
{
	unsigned n = 0;

	if (d->feature >= 0)
		feats[n++] = d->feature;
	if (d->feature_alt >= 0)
		feats[n++] = d->feature_alt;
	/* spec/msr.md §6.6: SPEC_CTRL also exists with AMD's STIBP or SSBD bit alone. */
	if (d->index == MSR_IA32_SPEC_CTRL) {
		feats[n++] = FEAT_AMD_STIBP;
		feats[n++] = FEAT_AMD_SSBD;
	}
	return n;
}

static bool msr_cpuid_has(const struct msr_desc *d, const struct cpu_model *cpu)
{
	int feats[MSR_MAX_GATE_FEATS];
	unsigned n = msr_gate_features(d, feats);

	for (unsigned i = 0; i < n; i++)
		if (cpu_has(cpu, (enum cpu_feature)feats[i]))
			return true;
	return n == 0;
}

/* spec/msr.md §6.8: FEATURE_CONTROL is VMX's; an AMD model has none, not even for the host. */
static bool msr_vendor_has(const struct msr_desc *d, const struct cpu_model *cpu)
{
	return d->index != MSR_IA32_FEATURE_CONTROL || cpu->vendor == CPU_VENDOR_INTEL;
}

/* spec/msr.md §4.1: host accesses skip the CPUID gates. */
static bool msr_exists(const struct msr_desc *d, const struct cpu_model *cpu, bool host)
{
	return msr_vendor_has(d, cpu) && (host || msr_cpuid_has(d, cpu));
}

/* ---- Entry points. ---- */

enum msr_result msr_get(struct vcpu_model *m, struct msr_req *r)
{
	const struct msr_desc *d = msr_lookup(r->index);
	int res;

	if (!d || !msr_exists(d, m->cpu, r->host_initiated))
		res = MSR_UNSUPPORTED;
	else if (d->writer == MSR_WRITER_NONE_RD || !d->get)
		res = MSR_FAULT; /* spec/msr.md §6.6: command MSRs cannot be read. */
	else
		res = d->get(m, r);
	/* spec/msr.md §3.2: a failed read returns 0. */
	if (res != MSR_OK)
		r->data = 0;
	return (enum msr_result)res;
}

enum msr_result msr_set(struct vcpu_model *m, const struct msr_req *r)
{
	const struct msr_desc *d = msr_lookup(r->index);

	if (!d || !msr_exists(d, m->cpu, r->host_initiated))
		return MSR_UNSUPPORTED;
	if (d->writer == MSR_WRITER_READONLY || !d->set)
		return MSR_FAULT;
	if (d->writer == MSR_WRITER_HOST && !r->host_initiated)
		return MSR_FAULT;
	return (enum msr_result)d->set(m, r);
}

/* spec/msr.md §8: in order, host-initiated, stop at the first failure, return how many worked. */
unsigned msr_io(struct vcpu_model *m, struct msr_req *reqs, unsigned n, bool write)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct msr_req r = reqs[i];
		enum msr_result res;

		r.host_initiated = true;
		res = write ? msr_set(m, &r) : msr_get(m, &r);
		if (!write)
			reqs[i].data = r.data;
		if (res != MSR_OK)
			break;
	}
	return i;
}

static bool msr_listed(const struct msr_desc *d, const struct cpu_model *cpu, bool save)
{
	return (save ? d->save : d->emulated) && msr_exists(d, cpu, false);
}

/* spec/msr.md §7: the save list, then the emulated list, of MSRs this CPU has. */
unsigned msr_index_list(const struct cpu_model *cpu, uint32_t *out, unsigned max)
{
	unsigned total = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < MSR_ROWS; i++) {
			const struct msr_desc *d = &msr_rows[i];

			if (!msr_listed(d, cpu, pass == 0))
				continue;
			for (uint32_t k = 0; k < d->count; k++, total++)
				if (total < max)
					out[total] = d->index + k;
		}
	}
	return total;
}

/*
 * spec/cr.md §10.1. RESET: every MSR to its power-on value, 0 unless listed
 * here. INIT keeps MSRs, except that the local APIC resets (APIC_BASE) and
 * SPEC_CTRL clears. EFER and the FS/GS bases are register state: vcpu_reset
 * sets them.
 */
void msr_reset(struct vcpu_model *m, bool init, bool bsp)
{
	struct msr_state *s = &m->st->msr;
	const struct cpu_model *cpu = m->cpu;

	if (!init) {
		memset(s, 0, sizeof(*s));
		s->pat = PAT_RESET_VALUE;
		s->misc_enable = MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL;
		s->platform_info = PLATFORM_INFO_CPUID_FAULT;
		s->arch_capabilities = cpu->arch_capabilities;
		s->ucode_rev = cpu->ucode_rev;
		s->mcg_cap = cpu->mcg_cap;
	}
	s->apic_base = APIC_DEFAULT_PHYS_BASE | APIC_BASE_EN | (bsp ? APIC_BASE_BSP : 0);
	s->spec_ctrl = 0;
}

/* ---- Names and `vx86 msrs`. ---- */

static const char *const mc_bank_regs[MC_BANK_MSRS] = {"CTL", "STATUS", "ADDR", "MISC"};

/* Range rows format their index's own name into buf; without a buf they give the row's name. */
const char *msr_name(uint32_t index, char *buf, size_t len)
{
	const struct msr_desc *d = msr_lookup(index);
	uint32_t k;

	if (!d)
		return NULL;
	if (d->count == 1 || !buf || !len)
		return d->name;
	k = index - d->index;
	switch (d->index) {
	case MSR_IA32_MTRR_PHYSBASE0:
		snprintf(buf, len, "IA32_MTRR_PHYS%s%u", (k & 1) ? "MASK" : "BASE", k / 2);
		break;
	case MSR_IA32_MTRR_FIX4K_C0000:
		snprintf(buf, len, "IA32_MTRR_FIX4K_%05X", 0xc0000 + k * 0x8000);
		break;
	case MSR_IA32_MC0_CTL2:
		snprintf(buf, len, "IA32_MC%u_CTL2", k);
		break;
	case MSR_IA32_MC0_CTL:
		snprintf(buf, len, "IA32_MC%u_%s", k / MC_BANK_MSRS,
			 mc_bank_regs[k % MC_BANK_MSRS]);
		break;
	default:
		return d->name;
	}
	return buf;
}

static const char *const msr_writer_names[] = {
	[MSR_WRITER_GUEST] = "guest",
	[MSR_WRITER_HOST] = "host",
	[MSR_WRITER_READONLY] = "read-only",
	[MSR_WRITER_NONE_RD] = "write-only",
};

/* "yes", or "no (needs rdtscp or rdpid)". */
static void msr_has_text(const struct msr_desc *d, const struct cpu_model *cpu, char *buf,
			 size_t len)
{
	int feats[MSR_MAX_GATE_FEATS];
	unsigned n = msr_gate_features(d, feats);
	size_t at;

	if (!msr_vendor_has(d, cpu)) {
		snprintf(buf, len, "no (Intel only)");
		return;
	}
	if (msr_cpuid_has(d, cpu)) {
		snprintf(buf, len, "yes");
		return;
	}
	at = (size_t)snprintf(buf, len, "no (needs");
	for (unsigned i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s %s",
				       i == 0	    ? ""
				       : i + 1 == n ? " or"
						    : ",",
				       cpu_feature_name((enum cpu_feature)feats[i]));
	if (at < len)
		snprintf(buf + at, len - at, ")");
}

#define PRINT_WIDTH  100
#define NOTES_INDENT 12
#define ROW_FMT	     "%-11s %-22s %-10s %-8s %s\n"
#define HAS_COLUMN   55 /* where ROW_FMT puts the last column */

/* Words of text, wrapped at PRINT_WIDTH, each line indented by NOTES_INDENT. */
static void print_wrapped(FILE *out, const char *text)
{
	unsigned col = 0;

	while (*text) {
		size_t w = strcspn(text, " ");

		if (col == 0 || col + 1 + w > PRINT_WIDTH) {
			fprintf(out, "%s%*s", col ? "\n" : "", NOTES_INDENT, "");
			col = NOTES_INDENT;
		} else {
			fputc(' ', out);
			col++;
		}
		fwrite(text, 1, w, out);
		col += (unsigned)w;
		text += w;
		text += strspn(text, " ");
	}
	fputc('\n', out);
}

/*
 * `vx86 msrs`: a row line, then the notes wrapped below it. A "no (needs ...)"
 * too wide for the last column becomes "no" with the needs leading the notes.
 */
void msr_table_print(const struct cpu_model *cpu, FILE *out)
{
	fprintf(out, ROW_FMT, "INDEX", "NAME", "WRITER", "LIST", "THIS CPU");
	for (size_t i = 0; i < MSR_ROWS; i++) {
		const struct msr_desc *d = &msr_rows[i];
		char idx[24], has[128], notes[512];
		bool wide;

		if (d->count > 1)
			snprintf(idx, sizeof(idx), "0x%x-0x%x", d->index, d->index + d->count - 1);
		else
			snprintf(idx, sizeof(idx), "0x%x", d->index);
		msr_has_text(d, cpu, has, sizeof(has));
		wide = HAS_COLUMN + strlen(has) > PRINT_WIDTH;
		fprintf(out, ROW_FMT, idx, d->name, msr_writer_names[d->writer],
			d->save	      ? "save"
			: d->emulated ? "emulated"
				      : "-",
			wide ? "no" : has);
		/* "no (needs x or y)" -> "Needs x or y." */
		if (wide)
			snprintf(notes, sizeof(notes), "N%.*s. %s", (int)strlen(has) - 6, has + 5,
				 d->notes);
		print_wrapped(out, wide ? notes : d->notes);
	}
}
