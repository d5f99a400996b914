/* SPDX-License-Identifier: MIT */
/*
 * The MSR model's rules: the helpers they share and the get/set handler of every
 * row of msr.c's descriptor table. Every handler validates first and stores
 * last, so a refused write leaves the state exactly as it was.
 */
#include "cr.h"
#include "lapic.h"
#include "msr_impl.h"

#define MTRRCAP_VALUE	    0x508ull /* VCNT=8, FIX, WC (spec/msr.md §6.4) */
#define MTRR_DEF_TYPE_VALID 0xcffull /* type 7:0, FE 10, E 11 */
#define MTRR_PHYSBASE_RSVD  0xf00ull /* bits 11:8 */
#define MTRR_PHYSMASK_RSVD  0x7ffull /* bits 10:0; bit 11 is V */

#define FEAT_CTL_LOCKED		 (1ull << 0)
#define FEAT_CTL_VMX_INSIDE_SMX	 (1ull << 1)
#define FEAT_CTL_VMX_OUTSIDE_SMX (1ull << 2)
#define FEAT_CTL_LMCE		 (1ull << 20)

#define SPEC_CTRL_IBRS	(1ull << 0)
#define SPEC_CTRL_STIBP (1ull << 1)
#define SPEC_CTRL_SSBD	(1ull << 2)
#define PRED_CMD_IBPB	(1ull << 0)
#define FLUSH_CMD_L1D	(1ull << 0)

#define DEBUGCTL_LBR	 (1ull << 0)
#define DEBUGCTL_BTF	 (1ull << 1)
#define DEBUGCTL_AMD_ALL 0x3full /* bits 5:0, the LBR VMCB's dbgctl */

#define MCG_COUNT_MASK 0xffull
#define MCG_CTL_P      (1ull << 8)
#define MCG_CMCI_P     (1ull << 10)
#define MCG_LMCE_P     (1ull << 27)
#define MCI_CTL2_VALID ((1ull << 30) | 0x7fffull)   /* CMCI_EN and the threshold */
#define MCI_CTL_OLD_OK ((1ull << 10) | (1ull << 0)) /* bits old guests may leave clear */

#define HWCR_IGNORED	  ((1ull << 3) | (1ull << 6) | (1ull << 8))
#define HWCR_MCSTATUSWREN (1ull << 18)
#define HWCR_TSCFREQSEL	  (1ull << 24)
#define HWCR_VALID	  (HWCR_MCSTATUSWREN | HWCR_TSCFREQSEL)

#define ALL_ONES (~0ull)
#define LOW32	 0xffffffffull

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

int msr_get_field(struct vcpu_model *m, struct msr_req *r)
{
	return msr_state_read(m->st, r->index, &r->data) ? MSR_OK : MSR_UNSUPPORTED;
}

int msr_get_zero(struct vcpu_model *m, struct msr_req *r)
{
	(void)m;
	r->data = 0;
	return MSR_OK;
}

int msr_set_any(struct vcpu_model *m, const struct msr_req *r)
{
	store(m, r->index, r->data);
	return MSR_OK;
}

int msr_set_ignore(struct vcpu_model *m, const struct msr_req *r)
{
	(void)m;
	(void)r;
	return MSR_OK;
}

/* spec/msr.md §5.1: a non-canonical address faults, for the host too. */
int msr_set_canonical(struct vcpu_model *m, const struct msr_req *r)
{
	if (!is_canonical(r->data, msr_addr_bits(m->cpu)))
		return MSR_FAULT;
	return msr_set_any(m, r);
}

/*
 * spec/msr.md §5.2: SYSENTER_ESP/EIP never fault. Intel keeps a canonical
 * 64-bit value (so VM entry cannot fail); AMD has no 64-bit SYSENTER and keeps
 * bits 31:0 only.
 */
int msr_set_sysenter_addr(struct vcpu_model *m, const struct msr_req *r)
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
int msr_set_efer(struct vcpu_model *m, const struct msr_req *r)
{
	return cr_set_efer(m, r->data, r->host_initiated) == CR_OK ? MSR_OK : MSR_FAULT;
}

/* SDM 17.17.3, spec/msr.md §4.1: a guest TSC write moves TSC_ADJUST by as much. */
int msr_set_tsc(struct vcpu_model *m, const struct msr_req *r)
{
	struct msr_state *s = &m->st->msr;

	if (!r->host_initiated && cpu_has(m->cpu, FEAT_TSC_ADJUST))
		s->tsc_adjust += r->data - s->tsc;
	s->tsc = r->data;
	return MSR_OK;
}

/* spec/msr.md §4.1: a guest TSC_ADJUST write shifts the TSC; the host's stores only. */
int msr_set_tsc_adjust(struct vcpu_model *m, const struct msr_req *r)
{
	struct msr_state *s = &m->st->msr;

	if (!r->host_initiated)
		s->tsc += r->data - s->tsc_adjust;
	s->tsc_adjust = r->data;
	return MSR_OK;
}

/* The two rules above change both MSRs on a guest write. */
uint32_t msr_write_also_changes(uint32_t index)
{
	if (index == MSR_IA32_TSC)
		return MSR_IA32_TSC_ADJUST;
	if (index == MSR_IA32_TSC_ADJUST)
		return MSR_IA32_TSC;
	return 0;
}

/* spec/msr.md §5.3: Intel faults on bits 63:32 (host too); AMD drops them. */
int msr_set_tsc_aux(struct vcpu_model *m, const struct msr_req *r)
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

int msr_set_apic_base(struct vcpu_model *m, const struct msr_req *r)
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
	if (m->apic)
		lapic_set_base(m->apic, old, v);
	return MSR_OK;
}

/* spec/msr.md §6.12: TSC_DEADLINE is the APIC timer's; without an APIC it reads 0. */
int msr_get_tsc_deadline(struct vcpu_model *m, struct msr_req *r)
{
	r->data = m->apic ? lapic_tsc_deadline(m->apic) : 0;
	return MSR_OK;
}

/* ... and a write outside TSC-deadline mode is dropped. */
int msr_set_tsc_deadline(struct vcpu_model *m, const struct msr_req *r)
{
	if (m->apic)
		lapic_set_tsc_deadline(m->apic, r->data);
	return MSR_OK;
}

/* spec/msr.md §6.3: bytes 2 and 3 are not memory types; bits 7:3 of each byte are reserved. */
int msr_set_pat(struct vcpu_model *m, const struct msr_req *r)
{
	if (!all_bytes_valid(r->data, pat_type_valid))
		return MSR_FAULT;
	return msr_set_any(m, r);
}

/* spec/msr.md §6.4: type in 7:0, FE bit 10, E bit 11, nothing else; UC- is no MTRR type. */
int msr_set_mtrr_def_type(struct vcpu_model *m, const struct msr_req *r)
{
	if ((r->data & ~MTRR_DEF_TYPE_VALID) || !mtrr_type_valid(r->data & 0xff))
		return MSR_FAULT;
	return msr_set_any(m, r);
}

/* spec/msr.md §6.4: each of the eight bytes is the type of one sub-range. */
int msr_set_mtrr_fixed(struct vcpu_model *m, const struct msr_req *r)
{
	if (!all_bytes_valid(r->data, mtrr_type_valid))
		return MSR_FAULT;
	return msr_set_any(m, r);
}

/* spec/msr.md §6.4: PHYSBASEn at even indices, PHYSMASKn at odd ones. */
int msr_set_mtrr_var(struct vcpu_model *m, const struct msr_req *r)
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
	return msr_set_any(m, r);
}

/*
 * spec/msr.md §6.5: the guest cannot change BTS_UNAVAIL or PEBS_UNAVAIL, and its
 * writes to EMON (bit 7) are dropped. The host writes any value. (vx86 keeps
 * KVM's default MWAIT quirk: bit 18 is an ordinary bit.)
 */
int msr_set_misc_enable(struct vcpu_model *m, const struct msr_req *r)
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
int msr_set_feature_control(struct vcpu_model *m, const struct msr_req *r)
{
	if (r->data & ~feature_control_valid(m->cpu))
		return MSR_FAULT;
	if (!r->host_initiated && (m->st->msr.feature_control & FEAT_CTL_LOCKED))
		return MSR_FAULT;
	return msr_set_any(m, r);
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

int msr_set_spec_ctrl(struct vcpu_model *m, const struct msr_req *r)
{
	if (r->data & ~spec_ctrl_valid(m->cpu))
		return MSR_FAULT;
	return msr_set_any(m, r);
}

/*
 * spec/msr.md §6.6: IBPB (bit 0) exists with SPEC_CTRL or AMD_IBPB; every other
 * bit is reserved (vx86 models no SBPB). vx86 has no predictors to flush, so an
 * accepted command does nothing.
 */
int msr_set_pred_cmd(struct vcpu_model *m, const struct msr_req *r)
{
	bool ibpb = cpu_has(m->cpu, FEAT_SPEC_CTRL) || cpu_has(m->cpu, FEAT_AMD_IBPB);

	return (r->data & ~(ibpb ? PRED_CMD_IBPB : 0)) ? MSR_FAULT : MSR_OK;
}

/* spec/msr.md §6.6: only L1D_FLUSH (bit 0), with FLUSH_L1D; a no-op here. */
int msr_set_flush_cmd(struct vcpu_model *m, const struct msr_req *r)
{
	bool l1d = cpu_has(m->cpu, FEAT_FLUSH_L1D);

	return (r->data & ~(l1d ? FLUSH_CMD_L1D : 0)) ? MSR_FAULT : MSR_OK;
}

/* spec/msr.md §4.1: a host write needs the CPUID bit even though host reads do not. */
int msr_set_arch_capabilities(struct vcpu_model *m, const struct msr_req *r)
{
	if (!cpu_has(m->cpu, FEAT_ARCH_CAPABILITIES))
		return MSR_UNSUPPORTED;
	return msr_set_any(m, r);
}

/* spec/msr.md §4.1, §6.14: the guest's writes (microcode loads) are dropped without #GP. */
int msr_set_ucode_rev(struct vcpu_model *m, const struct msr_req *r)
{
	return r->host_initiated ? msr_set_any(m, r) : MSR_OK;
}

/* spec/msr.md §4.1: the host may not take CPUID_FAULT away while CPUID faulting is on. */
int msr_set_platform_info(struct vcpu_model *m, const struct msr_req *r)
{
	const struct msr_state *s = &m->st->msr;

	if ((s->misc_features_enables & MISC_FEATURES_CPUID_FAULT) &&
	    !(r->data & PLATFORM_INFO_CPUID_FAULT))
		return MSR_FAULT;
	return msr_set_any(m, r);
}

/* spec/msr.md §6.11: only CPUID_FAULT, and only if PLATFORM_INFO advertises it. */
int msr_set_misc_features(struct vcpu_model *m, const struct msr_req *r)
{
	if (r->data & ~MISC_FEATURES_CPUID_FAULT)
		return MSR_FAULT;
	if ((r->data & MISC_FEATURES_CPUID_FAULT) &&
	    !(m->st->msr.platform_info & PLATFORM_INFO_CPUID_FAULT))
		return MSR_FAULT;
	return msr_set_any(m, r);
}

/*
 * spec/msr.md §6.7. Intel: vx86 has no branch tracing, so LBR and BTF are
 * dropped without a fault and every other bit faults. AMD (LBR virtualization):
 * bits 5:0 are kept, anything above faults.
 */
int msr_set_debugctl(struct vcpu_model *m, const struct msr_req *r)
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
int msr_get_mtrrcap(struct vcpu_model *m, struct msr_req *r)
{
	(void)m;
	r->data = MTRRCAP_VALUE;
	return MSR_OK;
}

/* spec/msr.md §6.9: read-only, the CPU model's capabilities. */
int msr_get_mcg_cap(struct vcpu_model *m, struct msr_req *r)
{
	r->data = m->cpu->mcg_cap;
	return MSR_OK;
}

/* spec/msr.md §6.9: MCG_CTL exists with MCG_CTL_P; the host may still read it and write 0. */
int msr_get_mcg_ctl(struct vcpu_model *m, struct msr_req *r)
{
	if (!(m->cpu->mcg_cap & MCG_CTL_P) && !r->host_initiated)
		return MSR_FAULT;
	return msr_get_field(m, r);
}

int msr_set_mcg_ctl(struct vcpu_model *m, const struct msr_req *r)
{
	if (!(m->cpu->mcg_cap & MCG_CTL_P) && !(r->host_initiated && r->data == 0))
		return MSR_FAULT;
	/* §6.9: all banks' reporting on or off. */
	if (r->data != 0 && r->data != ALL_ONES)
		return MSR_FAULT;
	return msr_set_any(m, r);
}

/* spec/msr.md §6.9: banks at or beyond MCG_CAP.Count fault, up to index 0x47F. */
int msr_get_mc_bank(struct vcpu_model *m, struct msr_req *r)
{
	if ((r->index - MSR_IA32_MC0_CTL) / MC_BANK_MSRS >= mce_banks(m->cpu))
		return MSR_FAULT;
	return msr_get_field(m, r);
}

/*
 * spec/msr.md §6.9: MCi_CTL is 0 or all ones (bits 10 and 0 may stay clear, for
 * old guests and AMD's GART); a guest may only clear MCi_STATUS, unless it is an
 * AMD CPU with HWCR.McStatusWrEn; MCi_ADDR and MCi_MISC take anything.
 */
int msr_set_mc_bank(struct vcpu_model *m, const struct msr_req *r)
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
	return msr_set_any(m, r);
}

/*
 * spec/msr.md §6.9: MCi_CTL2 exists with MCG_CAP.CMCI_P, for banks below the
 * count. Like MCG_CTL, vx86 lets the host read it and write 0 without CMCI_P, so
 * a snapshot of zeros always restores.
 */
int msr_get_mc_ctl2(struct vcpu_model *m, struct msr_req *r)
{
	if (r->index - MSR_IA32_MC0_CTL2 >= mce_banks(m->cpu))
		return MSR_FAULT;
	if (!(m->cpu->mcg_cap & MCG_CMCI_P) && !r->host_initiated)
		return MSR_FAULT;
	return msr_get_field(m, r);
}

int msr_set_mc_ctl2(struct vcpu_model *m, const struct msr_req *r)
{
	if (r->index - MSR_IA32_MC0_CTL2 >= mce_banks(m->cpu))
		return MSR_FAULT;
	if (!(m->cpu->mcg_cap & MCG_CMCI_P) && !(r->host_initiated && r->data == 0))
		return MSR_FAULT;
	if (r->data & ~MCI_CTL2_VALID)
		return MSR_FAULT;
	return msr_set_any(m, r);
}

/* spec/msr.md §6.12: only state components the CPU model can save with XSAVES. */
int msr_set_xss(struct vcpu_model *m, const struct msr_req *r)
{
	if (r->data & ~m->cpu->supported_xss)
		return MSR_FAULT;
	return msr_set_any(m, r);
}

/* spec/msr.md §6.10: bits 3, 6 and 8 are dropped; 18 and 24 are kept; others fault. */
int msr_set_hwcr(struct vcpu_model *m, const struct msr_req *r)
{
	uint64_t v = r->data & ~HWCR_IGNORED;

	if (v & ~HWCR_VALID)
		return MSR_FAULT;
	store(m, r->index, v);
	return MSR_OK;
}
