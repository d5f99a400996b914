/* SPDX-License-Identifier: MIT */
/*
 * Control registers, EFER, XCR0 and the CPU mode (cr.h; spec/cr.md §1-§10.2),
 * with vx86's CPU model in place of KVM's host capabilities. Validators are
 * pure; setters validate everything first, then apply, then request side
 * effects through m->fx, so a refused write changes nothing.
 */
#include "cr.h"

#include <errno.h>
#include <string.h>

#include "lapic.h"
#include "msr.h"

/* spec/cr.md §1: the CR0 bits that exist; the others are ignored on writes. */
#define CR0_KNOWN                                                                                  \
	(CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | \
	 CR0_PG)
/* §2 step 7: the CR0 bits whose change reloads the PAE PDPTEs. */
#define CR0_PDPTR_BITS (CR0_PG | CR0_CD | CR0_NW)

/* §1: CR4 bits that are never reserved; the others are in cr4_gates or always reserved. */
#define CR4_ALWAYS                                                                                 \
	(CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE |  \
	 CR4_OSFXSR | CR4_OSXMMEXCPT)
/* §4 step 5: the CR4 bits whose change reloads the PAE PDPTEs. */
#define CR4_PDPTR_BITS (CR4_PGE | CR4_PSE | CR4_PAE | CR4_SMEP)
/* §4 step 9: the CR4 bits that are part of the paging mode. */
#define CR4_MMU_BITS (CR4_PSE | CR4_PAE | CR4_LA57 | CR4_SMEP | CR4_SMAP | CR4_PKE)

#define CR3_NOFLUSH (1ull << 63)
#define CR3_LAM_U57 (1ull << 61)
#define CR3_LAM_U48 (1ull << 62)

/* SDM 4.4.1 / spec/cr.md §5 step 4: reserved bits 2:1 and 8:5 of a present PDPTE. */
#define PDPTE_P	       (1ull << 0)
#define PDPTE_RSVD_LOW 0x1e6ull

#define FEAT_NONE (-1) /* a feature vx86 never has (LAM) */

/* §4 step 1: CR4 bits that are reserved unless the CPU model has a feature. */
static const struct cr_gate {
	uint64_t bit;
	int feature;
} cr4_gates[] = {
	{CR4_UMIP, FEAT_UMIP},	       {CR4_LA57, FEAT_LA57},  {CR4_VMXE, FEAT_VMX},
	{CR4_FSGSBASE, FEAT_FSGSBASE}, {CR4_PCIDE, FEAT_PCID}, {CR4_OSXSAVE, FEAT_XSAVE},
	{CR4_SMEP, FEAT_SMEP},	       {CR4_SMAP, FEAT_SMAP},  {CR4_PKE, FEAT_PKU},
	{CR4_LAM_SUP, FEAT_NONE}, /* vx86 has no LAM */
};

/* spec/msr.md §6.1: EFER bits a guest WRMSR may set only with the CPUID feature. */
static const struct cr_gate efer_gates[] = {
	{EFER_LME, FEAT_LM},   {EFER_LMA, FEAT_LM},	    {EFER_NX, FEAT_NX},
	{EFER_SVME, FEAT_SVM}, {EFER_FFXSR, FEAT_FXSR_OPT}, {EFER_AUTOIBRS, FEAT_AUTOIBRS},
};

/* spec/msr.md §6.1: the EFER bits vx86 knows for each vendor; any other bit is reserved. */
static const uint64_t efer_known[] = {
	[CPU_VENDOR_INTEL] = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX,
	[CPU_VENDOR_AMD] =
		EFER_SCE | EFER_LME | EFER_LMA | EFER_NX | EFER_SVME | EFER_FFXSR | EFER_AUTOIBRS,
};

#define NGATES(a) (sizeof(a) / sizeof((a)[0]))

int efer_gate_feature(uint64_t bit)
{
	for (size_t i = 0; i < NGATES(efer_gates); i++)
		if (efer_gates[i].bit == bit)
			return efer_gates[i].feature;
	return -1;
}

/* Are the gated bits of val all backed by a feature of cpu? */
static bool gates_ok(const struct cpu_model *cpu, const struct cr_gate *g, size_t n, uint64_t val)
{
	for (size_t i = 0; i < n; i++)
		if ((val & g[i].bit) &&
		    (g[i].feature == FEAT_NONE || !cpu_has(cpu, (enum cpu_feature)g[i].feature)))
			return false;
	return true;
}

/* Bits at or above a physical-address width. */
static uint64_t bits_from(unsigned n)
{
	return n >= 64 ? 0 : ~0ull << n;
}

/* ---- CPU mode (spec/cr.md §9) ---- */

enum cpu_mode cpu_mode(const struct vcpu_state *st)
{
	const struct segment *cs = &st->seg[SEG_CS];

	if (!(st->cr0 & CR0_PE))
		return CPU_MODE_REAL;
	if (st->rflags & RFLAGS_VM)
		return CPU_MODE_V8086;
	if (st->efer & EFER_LMA) {
		if (cs->l)
			return CPU_MODE_LONG64; /* CS.D is ignored */
		return cs->db ? CPU_MODE_COMPAT32 : CPU_MODE_COMPAT16;
	}
	return cs->db ? CPU_MODE_PROT32 : CPU_MODE_PROT16;
}

const char *cpu_mode_name(enum cpu_mode mode)
{
	static const char *const names[] = {
		[CPU_MODE_REAL] = "real",	   [CPU_MODE_V8086] = "v8086",
		[CPU_MODE_PROT16] = "protected16", [CPU_MODE_PROT32] = "protected32",
		[CPU_MODE_COMPAT16] = "compat16",  [CPU_MODE_COMPAT32] = "compat32",
		[CPU_MODE_LONG64] = "long64",
	};

	return (unsigned)mode < NGATES(names) ? names[mode] : "unknown";
}

/* spec/cr.md §9, VMX: CPL is 0 in real mode, 3 in v8086, else SS.DPL. */
unsigned cpu_cpl(const struct vcpu_state *st)
{
	switch (cpu_mode(st)) {
	case CPU_MODE_REAL:
		return 0;
	case CPU_MODE_V8086:
		return 3;
	default:
		return st->seg[SEG_SS].dpl & 3;
	}
}

unsigned cpu_vaddr_bits(const struct vcpu_state *st)
{
	return (st->cr4 & CR4_LA57) ? 57 : 48;
}

uint64_t canonicalize(uint64_t va, unsigned bits)
{
	uint64_t upper;

	if (bits == 0 || bits >= 64)
		return va;
	upper = ~0ull << (bits - 1); /* the sign bit and everything above it */
	return (va >> (bits - 1) & 1) ? va | upper : va & ~upper;
}

bool is_canonical(uint64_t va, unsigned bits)
{
	return canonicalize(va, bits) == va;
}

static bool is_pae_paging(const struct vcpu_state *st)
{
	return !(st->efer & EFER_LMA) && (st->cr4 & CR4_PAE) && (st->cr0 & CR0_PG);
}

static bool is_64bit_mode(const struct vcpu_state *st)
{
	return (st->efer & EFER_LMA) && st->seg[SEG_CS].l;
}

/* ---- Pure validators ---- */

bool cr0_valid(const struct cpu_model *cpu, uint64_t cr0)
{
	(void)cpu;
	/* SDM 2.5 / spec/cr.md §2 step 1: bits 63:32 are reserved, #GP(0). */
	if (cr0 >> 32)
		return false;
	/* §2 step 2: NW=1 with CD=0 is an invalid combination, #GP(0). */
	if ((cr0 & CR0_NW) && !(cr0 & CR0_CD))
		return false;
	/* SDM 4.1.1 / §2 step 3: PG=1 needs PE=1, else #GP(0). */
	return !((cr0 & CR0_PG) && !(cr0 & CR0_PE));
}

bool cr4_valid(const struct cpu_model *cpu, uint64_t cr4)
{
	uint64_t allowed = CR4_ALWAYS;

	/* §1: SMXE, KL, PKS, CET, bit 15, bits 25-27 and 29-63 are always reserved. */
	for (size_t i = 0; i < NGATES(cr4_gates); i++)
		allowed |= cr4_gates[i].bit;
	if (cr4 & ~allowed)
		return false;
	/* §4 step 1-2: a feature bit is reserved unless the guest's CPUID has the feature. */
	return gates_ok(cpu, cr4_gates, NGATES(cr4_gates), cr4);
}

bool efer_valid(const struct cpu_model *cpu, uint64_t efer, bool host_initiated)
{
	/* spec/msr.md §6.1: bits outside the supported set fail for every access. */
	if (efer & ~efer_known[cpu->vendor == CPU_VENDOR_AMD])
		return false;
	/* Guest WRMSR: each bit also needs its CPUID feature. */
	return host_initiated || gates_ok(cpu, efer_gates, NGATES(efer_gates), efer);
}

bool xcr0_valid(const struct cpu_model *cpu, uint64_t xcr0)
{
	const uint64_t avx512 = XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM;

	/* SDM 13.3 / spec/cr.md §8 rule 2: x87 state must always be enabled. */
	if (!(xcr0 & XCR0_FP))
		return false;
	/* Rule 3: AVX state needs SSE state. */
	if ((xcr0 & XCR0_YMM) && !(xcr0 & XCR0_SSE))
		return false;
	/* Rule 4: only components the guest's CPUID.0xD reports (FP always). */
	if (xcr0 & ~(cpu->supported_xcr0 | XCR0_FP))
		return false;
	/* Rule 5: the two MPX components go together. */
	if (!(xcr0 & XCR0_BNDREGS) != !(xcr0 & XCR0_BNDCSR))
		return false;
	/* Rule 6: the AVX-512 components go together, and need AVX. */
	if ((xcr0 & avx512) && ((xcr0 & avx512) != avx512 || !(xcr0 & XCR0_YMM)))
		return false;
	/* Rule 7: the AMX components go together. */
	return !(xcr0 & XCR0_XTILECFG) == !(xcr0 & XCR0_XTILEDATA);
}

bool cr3_valid(const struct cpu_model *cpu, const struct vcpu_state *st, uint64_t cr3)
{
	/* §1: with PCIDE, bit 63 of a written value is NOFLUSH, not an address bit. */
	if (st->cr4 & CR4_PCIDE)
		cr3 &= ~CR3_NOFLUSH;
	/* §5 step 3: no bits at or above MAXPHYADDR; LAM_U48/U57 are reserved (no LAM). */
	return !(cr3 & (bits_from(cpu->maxphyaddr) | CR3_LAM_U48 | CR3_LAM_U57));
}

/* ---- PAE PDPTEs ---- */

/*
 * SDM 4.4.1 / spec/cr.md §5 step 4: load the four PDPTEs at CR3[31:5]; a read
 * failure or a reserved bit in a present entry fails the load. Pure.
 */
static bool load_pdptes(const struct vcpu_model *m, uint64_t cr3, uint64_t out[4])
{
	uint64_t rsvd = PDPTE_RSVD_LOW | bits_from(m->cpu->maxphyaddr);
	uint8_t buf[32];

	if (!m->read_phys || m->read_phys(m->phys_ctx, cr3 & ~0x1full, buf, sizeof(buf)) != 0)
		return false;
	for (unsigned i = 0; i < 4; i++) {
		uint64_t v = 0;

		for (unsigned b = 0; b < 8; b++)
			v |= (uint64_t)buf[8 * i + b] << (8 * b);
		if ((v & PDPTE_P) && (v & rsvd))
			return false;
		out[i] = v;
	}
	return true;
}

/* ---- CR0 ---- */

/* §2 steps 6 and 8: the long-mode rules for a PG change. */
static bool cr0_transition_ok(const struct vcpu_state *st, uint64_t old, uint64_t val)
{
	/* SDM 9.8.5 / §2 step 6: activating IA-32e mode needs PAE and a CS without L. */
	if ((st->efer & EFER_LME) && !(old & CR0_PG) && (val & CR0_PG) &&
	    (!(st->cr4 & CR4_PAE) || st->seg[SEG_CS].l))
		return false;
	/* §2 step 8: PG can be cleared in compatibility mode only, and never with PCIDE. */
	if ((old & CR0_PG) && !(val & CR0_PG) && (is_64bit_mode(st) || (st->cr4 & CR4_PCIDE)))
		return false;
	return true;
}

static void cr0_apply(struct vcpu_model *m, uint64_t val, const uint64_t *pdpte)
{
	struct vcpu_state *st = m->st;
	uint64_t old = st->cr0, changed = old ^ val, efer = st->efer;

	st->cr0 = val;
	if (pdpte)
		memcpy(st->pdpte, pdpte, sizeof(st->pdpte));
	/* §2 step 10 / §7: PG 0->1 with LME activates long mode; clearing PG leaves it. */
	if ((changed & val & CR0_PG) && (efer & EFER_LME))
		efer |= EFER_LMA;
	if (changed & old & CR0_PG)
		efer &= ~EFER_LMA;
	/* §2 step 11: paging on/off flushes everything; PG and WP are MMU-role bits. */
	if (changed & CR0_PG)
		m->fx |= VCPU_FX_TLB_FLUSH_ALL | VCPU_FX_MMU_RESET;
	if (changed & CR0_WP)
		m->fx |= VCPU_FX_MMU_RESET;
	if ((changed & CR0_PE) || ((efer ^ st->efer) & EFER_LMA))
		m->fx |= VCPU_FX_MODE;
	st->efer = efer;
}

enum cr_result cr_set_cr0(struct vcpu_model *m, uint64_t val)
{
	const struct vcpu_state *st = m->st;
	uint64_t old = st->cr0, pdpte[4];
	bool load;

	if (!cr0_valid(m->cpu, val))
		return CR_GP;
	/* §2 step 5: ET is hardwired to 1; unknown bits 31:0 are ignored. */
	val = (val | CR0_ET) & CR0_KNOWN;
	if (!cr0_transition_ok(st, old, val))
		return CR_GP;
	/* §2 step 7: legacy PAE paging reloads the PDPTEs when PG, CD or NW change. */
	load = !(st->efer & EFER_LME) && (val & CR0_PG) && (st->cr4 & CR4_PAE) &&
	       ((old ^ val) & CR0_PDPTR_BITS);
	if (load && !load_pdptes(m, st->cr3, pdpte))
		return CR_GP;
	cr0_apply(m, val, load ? pdpte : NULL);
	return CR_OK;
}

/* §3: LMSW writes MP/EM/TS and may set PE, never clear it; the result is ignored. */
void cr_lmsw(struct vcpu_model *m, uint16_t msw)
{
	uint64_t cr0 = (m->st->cr0 & ~(CR0_MP | CR0_EM | CR0_TS)) | (msw & 0xf);

	(void)cr_set_cr0(m, cr0);
}

void cr_clts(struct vcpu_model *m)
{
	(void)cr_set_cr0(m, m->st->cr0 & ~CR0_TS);
}

/* ---- CR4 ---- */

/* §4 step 9: the TLB and MMU work a CR4 change asks for. */
static uint32_t cr4_effects(uint64_t old, uint64_t val)
{
	uint64_t changed = old ^ val;
	uint32_t fx = 0;

	if ((changed & CR4_MMU_BITS) || (changed & val & CR4_PCIDE))
		fx |= VCPU_FX_MMU_RESET;
	if ((changed & CR4_PGE) || (changed & old & CR4_PCIDE))
		fx |= VCPU_FX_TLB_FLUSH_ALL;
	else if ((changed & CR4_PAE) || (changed & val & CR4_SMEP))
		fx |= VCPU_FX_TLB_FLUSH;
	/* §4 step 8: CPUID.1:ECX.OSXSAVE and CPUID.7:ECX.OSPKE follow CR4. */
	if (changed & (CR4_OSXSAVE | CR4_PKE))
		fx |= VCPU_FX_CPUID;
	return fx;
}

enum cr_result cr_set_cr4(struct vcpu_model *m, uint64_t val)
{
	struct vcpu_state *st = m->st;
	uint64_t old = st->cr4, pdpte[4];
	bool load = false;

	if (!cr4_valid(m->cpu, val))
		return CR_GP;
	if (st->efer & EFER_LMA) {
		/* SDM 4.1.1 / §4 step 4: long mode needs PAE; LA57 only changes outside it. */
		if (!(val & CR4_PAE) || ((old ^ val) & CR4_LA57))
			return CR_GP;
	} else if ((st->cr0 & CR0_PG) && (val & CR4_PAE) && ((old ^ val) & CR4_PDPTR_BITS)) {
		/* §4 step 5: PAE paging reloads the PDPTEs when PGE/PSE/PAE/SMEP change. */
		load = true;
		if (!load_pdptes(m, st->cr3, pdpte))
			return CR_GP;
	}
	/* SDM 4.10.1 / §4 step 6: PCIDE 0->1 needs CR3[11:0]=0 and IA-32e mode. */
	if ((val & ~old & CR4_PCIDE) && ((st->cr3 & 0xfff) || !(st->efer & EFER_LMA)))
		return CR_GP;
	st->cr4 = val;
	if (load)
		memcpy(st->pdpte, pdpte, sizeof(st->pdpte));
	m->fx |= cr4_effects(old, val);
	return CR_OK;
}

/* ---- CR3, CR8 ---- */

enum cr_result cr_set_cr3(struct vcpu_model *m, uint64_t val)
{
	struct vcpu_state *st = m->st;
	bool noflush = false, pae = is_pae_paging(st);
	uint64_t pdpte[4];

	/* §5 step 1: with PCIDE, bit 63 asks not to flush and is never stored. */
	if (st->cr4 & CR4_PCIDE) {
		noflush = val & CR3_NOFLUSH;
		val &= ~CR3_NOFLUSH;
	}
	/* §5 step 2: an unchanged CR3 outside PAE paging is not validated again. */
	if (val != st->cr3 || pae) {
		if (!cr3_valid(m->cpu, st, val))
			return CR_GP;
		/* §5 step 4: PAE paging always reloads the PDPTEs. */
		if (pae && !load_pdptes(m, val, pdpte))
			return CR_GP;
		st->cr3 = val;
		if (pae)
			memcpy(st->pdpte, pdpte, sizeof(st->pdpte));
	}
	/* §5 step 6: flush the current context unless NOFLUSH. */
	if (!noflush)
		m->fx |= VCPU_FX_TLB_FLUSH;
	return CR_OK;
}

/* §6: CR8 is TPR[7:4]; any bit outside 3:0 is reserved, #GP(0). */
enum cr_result cr_set_cr8(struct vcpu_model *m, uint64_t val)
{
	if (val & ~0xfull)
		return CR_GP;
	m->st->cr8 = val;
	/* §6, SDM 10.8.6.5: with a local APIC, CR8 writes TPR[7:4] and clears TPR[3:0]. */
	if (m->apic)
		lapic_set_tpr(m->apic, (uint32_t)val << 4);
	return CR_OK;
}

uint64_t cr_get_cr8(const struct vcpu_model *m)
{
	/* ... and reads TPR[7:4], whichever way the TPR was written. */
	return m->apic ? lapic_tpr(m->apic) >> 4 : m->st->cr8;
}

/* ---- EFER, XCR0 ---- */

enum cr_result cr_set_efer(struct vcpu_model *m, uint64_t val, bool host_initiated)
{
	struct vcpu_state *st = m->st;
	uint64_t old = st->efer;

	if (!efer_valid(m->cpu, val, host_initiated))
		return CR_GP;
	/* SDM 9.8.5 / §7: a guest may not change LME while paging is on. */
	if (!host_initiated && (st->cr0 & CR0_PG) && ((old ^ val) & EFER_LME))
		return CR_GP;
	/* §7: LMA is read-only through WRMSR, for every access. */
	val = (val & ~EFER_LMA) | (old & EFER_LMA);
	st->efer = val;
	if ((old ^ val) & (EFER_NX | EFER_LME))
		m->fx |= VCPU_FX_MMU_RESET;
	return CR_OK;
}

enum cr_result cr_set_xcr(struct vcpu_model *m, uint32_t index, uint64_t val)
{
	struct vcpu_state *st = m->st;
	uint64_t old = st->xcr0;

	/* SDM XSETBV / §8: #UD without CR4.OSXSAVE, before the other checks. */
	if (!(st->cr4 & CR4_OSXSAVE))
		return CR_UD;
	/* §8: #GP(0) at CPL > 0, for an index other than 0, and for an invalid XCR0. */
	if (cpu_cpl(st) != 0 || index != 0 || !xcr0_valid(m->cpu, val))
		return CR_GP;
	st->xcr0 = val;
	/* §8 rule 8: the CPUID.0xD sizes follow the enabled components beyond FP/SSE. */
	if ((old ^ val) & ~(XCR0_FP | XCR0_SSE))
		m->fx |= VCPU_FX_CPUID;
	return CR_OK;
}

/* ---- KVM_SET_SREGS (§10.2) ---- */

/* §10.2 step 1 (kvm_is_valid_sregs), plus the CR8 rule vx86 applies up front. */
static bool sregs_valid(const struct cpu_model *cpu, const struct vcpu_state *w)
{
	if ((w->efer & EFER_LME) && (w->cr0 & CR0_PG)) {
		if (!(w->cr4 & CR4_PAE) || !(w->efer & EFER_LMA) || !cr3_valid(cpu, w, w->cr3))
			return false;
	} else if ((w->efer & EFER_LMA) || w->seg[SEG_CS].l) {
		return false;
	}
	return cr0_valid(cpu, w->cr0) && cr4_valid(cpu, w->cr4) && efer_valid(cpu, w->efer, true) &&
	       !(w->cr8 & ~0xfull);
}

int cr_set_sregs(struct vcpu_model *m, const struct vcpu_state *want)
{
	struct vcpu_state *st = m->st;
	bool pae = is_pae_paging(want);
	uint64_t pdpte[4];

	if (!sregs_valid(m->cpu, want))
		return -EINVAL;
	if (pae && !load_pdptes(m, want->cr3, pdpte))
		return -EINVAL;
	/* §10.2 step 2: the APIC base, host-initiated; it fails alone, before anything else. */
	if (msr_set(m, &(struct msr_req){MSR_IA32_APIC_BASE, want->msr.apic_base, true}) != MSR_OK)
		return -EINVAL;
	if ((st->cr4 ^ want->cr4) & (CR4_OSXSAVE | CR4_PKE))
		m->fx |= VCPU_FX_CPUID;
	/* §10.2 steps 3-6: installed directly, no guest transition rule. */
	st->cr0 = (want->cr0 | CR0_ET) & CR0_KNOWN;
	st->cr2 = want->cr2;
	st->cr3 = want->cr3;
	st->cr4 = want->cr4;
	st->cr8 = want->cr8;
	if (m->apic)
		lapic_set_tpr(m->apic, (uint32_t)want->cr8 << 4);
	st->efer = want->efer;
	st->gdt = want->gdt;
	st->idt = want->idt;
	memcpy(st->seg, want->seg, sizeof(st->seg));
	if (pae)
		memcpy(st->pdpte, pdpte, sizeof(st->pdpte));
	/* §10.2 step 8. */
	m->fx |= VCPU_FX_MMU_RESET | VCPU_FX_TLB_FLUSH_ALL | VCPU_FX_MODE;
	return 0;
}

/* ---- RESET, INIT, SIPI (§10.1) ---- */

/* Segment types at RESET: VMX vmx_vcpu_reset versus SVM init_vmcb (§10.1). */
static const struct reset_types {
	uint8_t code, data, tr, ldtr;
} reset_types[] = {
	/* AR 0x9B, 0x93, 0x8B (busy 32-bit TSS), 0x82 */
	[CPU_VENDOR_INTEL] = {0xb, 0x3, 0xb, 0x2},
	/* attr 0x9A, 0x92, 0x83 (busy 16-bit TSS), 0x82 */
	[CPU_VENDOR_AMD] = {0xa, 0x2, 0x3, 0x2},
};

static struct segment reset_seg(uint16_t sel, uint64_t base, uint8_t type, bool s)
{
	return (struct segment){.selector = sel,
				.base = base,
				.limit = 0xffff,
				.type = type,
				.s = s,
				.present = true};
}

static void reset_segments(struct vcpu_state *st, enum cpu_vendor v)
{
	const struct reset_types *t = &reset_types[v == CPU_VENDOR_AMD];
	static const enum seg data[] = {SEG_ES, SEG_SS, SEG_DS, SEG_FS, SEG_GS};

	memset(st->seg, 0, sizeof(st->seg));
	/* SDM 9.1.4: the first instruction is fetched at FFFF0000h + FFF0h. */
	st->seg[SEG_CS] = reset_seg(0xf000, 0xffff0000, t->code, true);
	for (size_t i = 0; i < NGATES(data); i++)
		st->seg[data[i]] = reset_seg(0, 0, t->data, true);
	st->seg[SEG_TR] = reset_seg(0, 0, t->tr, false);
	st->seg[SEG_LDTR] = reset_seg(0, 0, t->ldtr, false);
	st->gdt = (struct dtable){0, 0xffff};
	st->idt = (struct dtable){0, 0xffff};
}

void vcpu_reset(struct vcpu_model *m, bool init, bool bsp)
{
	struct vcpu_state *st = m->st;
	const struct cpuid_entry *l1 = cpu_model_leaf(m->cpu, 1, 0);

	memset(st->gpr, 0, sizeof(st->gpr));
	/* SDM 9.1.4 / §10.1: EDX holds the CPUID.1:EAX signature, 0x600 without it. */
	st->gpr[GPR_RDX] = l1 ? l1->eax : 0x600;
	st->rflags = RFLAGS_FIXED;
	st->rip = 0xfff0;
	/* §10.1: RESET gives CD|NW|ET; INIT keeps CD and NW. */
	st->cr0 = init ? CR0_ET | (st->cr0 & (CR0_CD | CR0_NW)) : CR0_CD | CR0_NW | CR0_ET;
	st->cr2 = st->cr3 = st->cr4 = st->cr8 = 0;
	st->efer = 0;
	if (!init)
		st->xcr0 = XCR0_FP; /* INIT keeps XCR0 */
	memset(st->dr, 0, sizeof(st->dr));
	st->dr6 = 0xffff0ff0;
	st->dr7 = 0x400;
	memset(st->pdpte, 0, sizeof(st->pdpte));
	reset_segments(st, m->cpu->vendor);
	msr_reset(m, init, bsp);
	/* §10.1: RESET and INIT both reset the local APIC (INIT keeps its ID). */
	if (m->apic)
		lapic_reset(m->apic, init);
	m->fx |= VCPU_FX_TLB_FLUSH_ALL | VCPU_FX_MMU_RESET | VCPU_FX_MODE | VCPU_FX_CPUID;
}

void vcpu_sipi(struct vcpu_model *m, uint8_t vector)
{
	struct segment *cs = &m->st->seg[SEG_CS];

	/* SDM 9.4.4.1 / §10.1: the SIPI vector gives the real-mode start page. */
	cs->selector = (uint16_t)(vector << 8);
	cs->base = (uint64_t)vector << 12;
	m->st->rip = 0;
}
