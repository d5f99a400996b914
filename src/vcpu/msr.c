/* SPDX-License-Identifier: MIT */
/*
 * The MSR model (DESIGN.md, "MSR model"; spec/msr.md): one descriptor table,
 * one row per MSR or range of MSRs, its lookup, the CPU gates and the entry
 * points. msr_get and msr_set apply the row's CPU gate and writer, then its
 * handler (msr_rules.c). Where each MSR lives is msr_field.c; names and
 * `vx86 msrs` are msr_print.c.
 */
#include "msr.h"

#include <stddef.h>
#include <string.h>

#include "lapic.h"
#include "msr_impl.h"

/* A few constant-value MSRs from spec/msr.md §6.14/§6.15 that msr.h does not name. */
#define MSR_IA32_PLATFORM_ID	0x00000017
#define MSR_EBL_CR_POWERON	0x0000002a
#define MSR_IA32_BIOS_UPDT_TRIG 0x00000079

#define PAT_RESET_VALUE 0x0007040600070406ull

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
	MSR_ROW(MSR_IA32_TSC, 1, "IA32_TSC", GUEST, SAVE, -1, -1, msr_get_field, msr_set_tsc,
		"The TSC when the state was taken. A guest write moves TSC_ADJUST by as much (with "
		"tsc_adjust); a host write stores only."),
	MSR_ROW(MSR_IA32_PLATFORM_ID, 1, "IA32_PLATFORM_ID", READONLY, NONE, -1, -1, msr_get_zero,
		NULL, "Reads 0; writes fault."),
	MSR_ROW(MSR_IA32_APIC_BASE, 1, "IA32_APIC_BASE", GUEST, NONE, -1, -1, msr_get_field,
		msr_set_apic_base,
		"Reserved: bits 7:0, 9, >= MAXPHYADDR, and EXTD without x2apic. EN=0 with EXTD=1 "
		"faults. Guest: no x2APIC->xAPIC, no disabled->x2APIC. Saved with the sregs."),
	MSR_ROW(MSR_EBL_CR_POWERON, 1, "MSR_EBL_CR_POWERON", READONLY, NONE, -1, -1, msr_get_zero,
		NULL, "Reads 0; writes fault."),
	MSR_ROW(MSR_IA32_FEATURE_CONTROL, 1, "IA32_FEATURE_CONTROL", GUEST, SAVE, -1, -1,
		msr_get_field, msr_set_feature_control,
		"Intel only. Valid: LOCKED, VMX bits 1-2 with vmx, LMCE (20) with "
		"MCG_CAP.LMCE_P. A guest write faults once LOCKED; a host write does not."),
	MSR_ROW(MSR_IA32_TSC_ADJUST, 1, "IA32_TSC_ADJUST", GUEST, EMUL, FEAT_TSC_ADJUST, -1,
		msr_get_field, msr_set_tsc_adjust,
		"A guest write moves the TSC by (new - old); a host write stores only."),
	MSR_ROW(MSR_IA32_SPEC_CTRL, 1, "IA32_SPEC_CTRL", GUEST, SAVE, FEAT_SPEC_CTRL, FEAT_AMD_IBRS,
		msr_get_field, msr_set_spec_ctrl,
		"Any of spec_ctrl, amd_ibrs, amd_stibp, amd_ssbd gives it. Valid, host too: "
		"IBRS 0, STIBP 1, SSBD 2, each with its Intel or AMD CPUID bit. 0 after RESET "
		"and INIT."),
	MSR_ROW(MSR_IA32_PRED_CMD, 1, "IA32_PRED_CMD", NONE_RD, NONE, FEAT_SPEC_CTRL, FEAT_AMD_IBPB,
		NULL, msr_set_pred_cmd,
		"Command: IBPB (bit 0) only; vx86 has nothing to flush, so it and 0 are no-ops."),
	MSR_ROW(MSR_IA32_BIOS_UPDT_TRIG, 1, "IA32_BIOS_UPDT_TRIG", NONE_RD, NONE, -1, -1, NULL,
		msr_set_ignore, "Microcode load trigger: writes are dropped (spec 6.14)."),
	MSR_ROW(MSR_IA32_UCODE_REV, 1, "IA32_UCODE_REV", GUEST, EMUL, -1, -1, msr_get_field,
		msr_set_ucode_rev,
		"Guest writes are dropped without a fault; host writes store. RESET: the CPU "
		"model's."),
	MSR_ROW(MSR_PLATFORM_INFO, 1, "MSR_PLATFORM_INFO", HOST, EMUL, -1, -1, msr_get_field,
		msr_set_platform_info,
		"RESET: CPUID_FAULT (bit 31) only. The host may not clear bit 31 while CPUID "
		"faulting is on."),
	MSR_ROW(MSR_IA32_MTRRCAP, 1, "IA32_MTRRCAP", READONLY, NONE, -1, -1, msr_get_mtrrcap, NULL,
		"0x508: 8 variable ranges, fixed ranges, WC."),
	MSR_ROW(MSR_IA32_ARCH_CAPABILITIES, 1, "IA32_ARCH_CAPABILITIES", HOST, EMUL,
		FEAT_ARCH_CAPABILITIES, -1, msr_get_field, msr_set_arch_capabilities,
		"RESET: the CPU model's. A host write needs arch_capabilities too."),
	MSR_ROW(MSR_IA32_FLUSH_CMD, 1, "IA32_FLUSH_CMD", NONE_RD, NONE, FEAT_FLUSH_L1D, -1, NULL,
		msr_set_flush_cmd, "Command: L1D_FLUSH (bit 0) only; a no-op in vx86."),
	MSR_ROW(MSR_MISC_FEATURES_ENABLES, 1, "MISC_FEATURES_ENABLES", GUEST, EMUL, -1, -1,
		msr_get_field, msr_set_misc_features,
		"Bit 0 (CPUID faulting) only, and only with PLATFORM_INFO bit 31. Kept by INIT."),
	MSR_ROW(MSR_IA32_SYSENTER_CS, 1, "IA32_SYSENTER_CS", GUEST, SAVE, -1, -1, msr_get_field,
		msr_set_any, "Any value."),
	MSR_ROW(MSR_IA32_SYSENTER_ESP, 1, "IA32_SYSENTER_ESP", GUEST, SAVE, -1, -1, msr_get_field,
		msr_set_sysenter_addr,
		"Never faults. Intel: made canonical (48 or 57 bits); AMD: bits 31:0 kept."),
	MSR_ROW(MSR_IA32_SYSENTER_EIP, 1, "IA32_SYSENTER_EIP", GUEST, SAVE, -1, -1, msr_get_field,
		msr_set_sysenter_addr,
		"Never faults. Intel: made canonical (48 or 57 bits); AMD: bits 31:0 kept."),
	MSR_ROW(MSR_IA32_MCG_CAP, 1, "IA32_MCG_CAP", READONLY, NONE, -1, -1, msr_get_mcg_cap, NULL,
		"The CPU model's: bank count in 7:0, MCG_CTL_P 8, CMCI_P 10, LMCE_P 27."),
	MSR_ROW(MSR_IA32_MCG_STATUS, 1, "IA32_MCG_STATUS", GUEST, EMUL, -1, -1, msr_get_field,
		msr_set_any, "Any value."),
	MSR_ROW(MSR_IA32_MCG_CTL, 1, "IA32_MCG_CTL", GUEST, EMUL, -1, -1, msr_get_mcg_ctl,
		msr_set_mcg_ctl,
		"Needs MCG_CAP.MCG_CTL_P, else faults (the host may read and write 0). 0 or all "
		"ones."),
	MSR_ROW(MSR_IA32_MISC_ENABLE, 1, "IA32_MISC_ENABLE", GUEST, EMUL, -1, -1, msr_get_field,
		msr_set_misc_enable,
		"RESET 0x1800. Guest: bits 11 and 12 cannot change, bit 7 writes are dropped. The "
		"host writes any value."),
	MSR_ROW(MSR_IA32_DEBUGCTL, 1, "IA32_DEBUGCTL", GUEST, SAVE, -1, -1, msr_get_field,
		msr_set_debugctl,
		"Intel: LBR (0) and BTF (1) dropped, no branch tracing; other bits fault. "
		"AMD: bits 5:0 kept, others fault."),
	MSR_ROW(MSR_IA32_POWER_CTL, 1, "IA32_POWER_CTL", GUEST, EMUL, -1, -1, msr_get_field,
		msr_set_any, "Any value."),
	MSR_ROW(MSR_IA32_MTRR_PHYSBASE0, 2 * MTRR_VAR_COUNT, "IA32_MTRR_PHYSBASE0", GUEST, NONE, -1,
		-1, msr_get_field, msr_set_mtrr_var,
		"PHYSBASEn/PHYSMASKn pairs. Base: a valid type in 7:0, 11:8 reserved; mask: 10:0 "
		"reserved; both: bits >= MAXPHYADDR reserved."),
	MSR_ROW(MSR_IA32_MTRR_FIX64K_00000, 1, "IA32_MTRR_FIX64K_00000", GUEST, NONE, -1, -1,
		msr_get_field, msr_set_mtrr_fixed, "Eight types, each UC, WC, WT, WP or WB."),
	MSR_ROW(MSR_IA32_MTRR_FIX16K_80000, 1, "IA32_MTRR_FIX16K_80000", GUEST, NONE, -1, -1,
		msr_get_field, msr_set_mtrr_fixed, "Eight types, each UC, WC, WT, WP or WB."),
	MSR_ROW(MSR_IA32_MTRR_FIX16K_A0000, 1, "IA32_MTRR_FIX16K_A0000", GUEST, NONE, -1, -1,
		msr_get_field, msr_set_mtrr_fixed, "Eight types, each UC, WC, WT, WP or WB."),
	MSR_ROW(MSR_IA32_MTRR_FIX4K_C0000, 8, "IA32_MTRR_FIX4K_C0000", GUEST, NONE, -1, -1,
		msr_get_field, msr_set_mtrr_fixed,
		"FIX4K_C0000 to FIX4K_F8000: eight types each, UC, WC, WT, WP or WB."),
	MSR_ROW(MSR_IA32_CR_PAT, 1, "IA32_PAT", GUEST, SAVE, -1, -1, msr_get_field, msr_set_pat,
		"Each byte UC 0, WC 1, WT 4, WP 5, WB 6 or UC- 7, host too. RESET "
		"0x0007040600070406."),
	MSR_ROW(MSR_IA32_MC0_CTL2, MCE_MAX_BANKS, "IA32_MC0_CTL2", GUEST, NONE, -1, -1,
		msr_get_mc_ctl2, msr_set_mc_ctl2,
		"Needs MCG_CAP.CMCI_P (the host may read and write 0) and a bank below the count. "
		"Bits 30 and 14:0 only."),
	MSR_ROW(MSR_IA32_MTRR_DEF_TYPE, 1, "IA32_MTRR_DEF_TYPE", GUEST, NONE, -1, -1, msr_get_field,
		msr_set_mtrr_def_type,
		"Type (UC, WC, WT, WP, WB) in 7:0, FE 10, E 11; other bits reserved. Other "
		"0x200-0x2ff indices are not modelled."),
	MSR_ROW(MSR_IA32_MC0_CTL, MC_BANK_INDICES, "IA32_MC0_CTL", GUEST, NONE, -1, -1,
		msr_get_mc_bank, msr_set_mc_bank,
		"MCi_CTL, STATUS, ADDR, MISC; banks >= MCG_CAP.Count fault. CTL: 0 or all ones "
		"(bits 10, 0 may be 0). STATUS: guest writes 0 only, unless AMD with "
		"HWCR.McStatusWrEn. Saved by bank count."),
	MSR_ROW(MSR_IA32_TSC_DEADLINE, 1, "IA32_TSC_DEADLINE", GUEST, EMUL, FEAT_TSC_DEADLINE, -1,
		msr_get_tsc_deadline, msr_set_tsc_deadline,
		"The local APIC timer's deadline (emu). Outside TSC-deadline mode, and on "
		"engines without vx86's APIC, writes are dropped and reads return 0."),
	MSR_ROW(MSR_IA32_XSS, 1, "IA32_XSS", GUEST, SAVE, FEAT_XSAVES, -1, msr_get_field,
		msr_set_xss, "A subset of the CPU model's XSAVES components, host too. RESET 0."),
	MSR_ROW(MSR_EFER, 1, "IA32_EFER", GUEST, NONE, -1, -1, msr_get_field, msr_set_efer,
		"cr.c's rules: reserved bits; guest: CPUID gates, no LME change with paging "
		"on. LMA is not writable. Saved with the sregs."),
	MSR_ROW(MSR_STAR, 1, "IA32_STAR", GUEST, SAVE, -1, -1, msr_get_field, msr_set_any,
		"Any value."),
	MSR_ROW(MSR_LSTAR, 1, "IA32_LSTAR", GUEST, SAVE, -1, -1, msr_get_field, msr_set_canonical,
		"Canonical (57 bits with la57, else 48) or a fault, host too."),
	MSR_ROW(MSR_CSTAR, 1, "IA32_CSTAR", GUEST, SAVE, -1, -1, msr_get_field, msr_set_canonical,
		"Canonical (57 bits with la57, else 48) or a fault, host too."),
	MSR_ROW(MSR_SFMASK, 1, "IA32_FMASK", GUEST, SAVE, -1, -1, msr_get_field, msr_set_any,
		"SFMASK. Any value."),
	MSR_ROW(MSR_FS_BASE, 1, "IA32_FS_BASE", GUEST, NONE, -1, -1, msr_get_field,
		msr_set_canonical,
		"FS.base. Canonical or a fault, host too. Saved with the sregs."),
	MSR_ROW(MSR_GS_BASE, 1, "IA32_GS_BASE", GUEST, NONE, -1, -1, msr_get_field,
		msr_set_canonical,
		"GS.base. Canonical or a fault, host too. Saved with the sregs."),
	MSR_ROW(MSR_KERNEL_GS_BASE, 1, "IA32_KERNEL_GS_BASE", GUEST, SAVE, -1, -1, msr_get_field,
		msr_set_canonical, "Canonical (57 bits with la57, else 48) or a fault, host too."),
	MSR_ROW(MSR_TSC_AUX, 1, "IA32_TSC_AUX", GUEST, SAVE, FEAT_RDTSCP, FEAT_RDPID, msr_get_field,
		msr_set_tsc_aux, "Intel: bits 63:32 set fault, host too. AMD: they are dropped."),
	MSR_ROW(MSR_K7_HWCR, 1, "HWCR", GUEST, EMUL, -1, -1, msr_get_field, msr_set_hwcr,
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
unsigned msr_gate_features(const struct msr_desc *d, int feats[MSR_MAX_GATE_FEATS])
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

bool msr_cpuid_has(const struct msr_desc *d, const struct cpu_model *cpu)
{
	int feats[MSR_MAX_GATE_FEATS];
	unsigned n = msr_gate_features(d, feats);

	for (unsigned i = 0; i < n; i++)
		if (cpu_has(cpu, (enum cpu_feature)feats[i]))
			return true;
	return n == 0;
}

/* spec/msr.md §6.8: FEATURE_CONTROL is VMX's; an AMD model has none, not even for the host. */
bool msr_vendor_has(const struct msr_desc *d, const struct cpu_model *cpu)
{
	return d->index != MSR_IA32_FEATURE_CONTROL || cpu->vendor == CPU_VENDOR_INTEL;
}

/* spec/msr.md §4.1: host accesses skip the CPUID gates. */
static bool msr_exists(const struct msr_desc *d, const struct cpu_model *cpu, bool host)
{
	return msr_vendor_has(d, cpu) && (host || msr_cpuid_has(d, cpu));
}

/* ---- Entry points. ---- */

/*
 * spec/msr.md §6.2: the x2APIC registers are the APIC's, not rows of the table
 * (they are never in the index lists and never filtered). Without an APIC they
 * do not exist.
 */
static bool is_x2apic(uint32_t index)
{
	return index >= X2APIC_MSR_FIRST && index <= X2APIC_MSR_LAST;
}

static enum msr_result x2apic_get(struct vcpu_model *m, struct msr_req *r)
{
	if (!m->apic)
		return MSR_UNSUPPORTED;
	return lapic_msr_read(m->apic, r->index, &r->data) ? MSR_FAULT : MSR_OK;
}

static enum msr_result x2apic_set(struct vcpu_model *m, const struct msr_req *r)
{
	if (!m->apic)
		return MSR_UNSUPPORTED;
	return lapic_msr_write(m->apic, r->index, r->data) ? MSR_FAULT : MSR_OK;
}

enum msr_result msr_get(struct vcpu_model *m, struct msr_req *r)
{
	const struct msr_desc *d = msr_lookup(r->index);
	int res;

	if (is_x2apic(r->index))
		res = x2apic_get(m, r);
	else if (!d || !msr_exists(d, m->cpu, r->host_initiated))
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

	if (is_x2apic(r->index))
		return x2apic_set(m, r);
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
