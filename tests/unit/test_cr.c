/* SPDX-License-Identifier: MIT */
/*
 * The CR, EFER, XCR0 and CPU-mode model (spec/cr.md §14 items 1-15): every bit
 * of every register written on its own, feature gates, long-mode and PAE
 * sequences against a fake guest memory, RESET/INIT/SIPI and SET_SREGS. Every
 * refused write is checked to leave the whole vcpu_state (and m->fx) unchanged.
 */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "vcpu/cr.h"
#include "vcpu/msr.h"

/* Literal copies of the rules, kept apart from cr.c on purpose. */
#define CR0_KNOWN_BITS 0xe005003full /* PE MP EM TS ET NE WP AM NW CD PG */
#define PDPT_GOOD      0x2000u	     /* four valid PDPTEs */
#define PDPT_BAD       0x2020u	     /* PDPTE 0 present with reserved bit 5 */

struct fixture {
	struct cpu_model cpu;
	struct vcpu_state st;
	struct vcpu_model m;
	bool mem_fail;
	uint8_t mem[0x8000];
};

static struct fixture fix;
static struct vcpu_state snap;
static uint32_t snap_fx;

static int fake_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct fixture *f = ctx;

	if (f->mem_fail || gpa > sizeof(f->mem) || len > sizeof(f->mem) - gpa)
		return -1;
	memcpy(buf, f->mem + gpa, len);
	return 0;
}

static void put64(struct fixture *f, uint64_t gpa, uint64_t v)
{
	for (unsigned b = 0; b < 8; b++)
		f->mem[gpa + b] = (uint8_t)(v >> (8 * b));
}

/* The PDPT images the PAE tests use: entry 3 is not present, so its bit 5 does not count. */
static const uint64_t good_pdpt[4] = {0x3001, 0, 0x4001, 0x20};

static struct fixture *setup(enum cpu_vendor v)
{
	struct fixture *f = &fix;

	memset(f, 0, sizeof(*f));
	cpu_model_init(&f->cpu, v);
	f->m = (struct vcpu_model){&f->st, &f->cpu, fake_read, f, 0};
	vcpu_reset(&f->m, false, true);
	for (unsigned i = 0; i < 4; i++) {
		put64(f, PDPT_GOOD + 8 * i, good_pdpt[i]);
		put64(f, PDPT_BAD + 8 * i, i == 0 ? 0x3021 : 0);
	}
	f->m.fx = 0;
	return f;
}

static void must(bool cond, const char *what)
{
	if (!cond)
		ok(0, "setup step failed: %s", what);
}

static void take(const struct fixture *f)
{
	memcpy(&snap, &f->st, sizeof(snap));
	snap_fx = f->m.fx;
}

static bool same(const struct fixture *f)
{
	return memcmp(&snap, &f->st, sizeof(snap)) == 0 && snap_fx == f->m.fx;
}

/* call must return want and leave the state and the effects untouched. */
#define REFUSED(f, call, want, ...)                                                                \
	do {                                                                                       \
		take(f);                                                                           \
		int r_ = (int)(call);                                                              \
		if (!ok(r_ == (int)(want) && same(f), __VA_ARGS__))                                \
			printf("#   result %d (want %d), state %s\n", r_, (int)(want),             \
			       same(f) ? "unchanged" : "CHANGED");                                 \
	} while (0)

/* Flat 32-bit protected mode, paging off, CPL 0. */
static struct fixture *prot32(enum cpu_vendor v)
{
	struct fixture *f = setup(v);

	f->st.seg[SEG_CS] = seg_flat32(0x8, true);
	f->st.seg[SEG_SS] = seg_flat32(0x10, false);
	must(cr_set_cr0(&f->m, CR0_ET | CR0_PE) == CR_OK, "CR0.PE");
	f->m.fx = 0;
	return f;
}

/* Long mode through the architectural sequence: PAE, CR3, EFER.LME, CR0.PG. Compat32. */
static struct fixture *long_compat(enum cpu_vendor v, uint64_t extra_cr4)
{
	struct fixture *f = prot32(v);

	must(cr_set_cr4(&f->m, CR4_PAE | extra_cr4) == CR_OK, "CR4.PAE");
	must(cr_set_cr3(&f->m, 0x1000) == CR_OK, "CR3");
	must(cr_set_efer(&f->m, EFER_LME, false) == CR_OK, "EFER.LME");
	must(cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_PG) == CR_OK, "CR0.PG");
	f->m.fx = 0;
	return f;
}

static struct fixture *long64(enum cpu_vendor v, uint64_t extra_cr4)
{
	struct fixture *f = long_compat(v, extra_cr4);

	f->st.seg[SEG_CS].l = true;
	f->st.seg[SEG_CS].db = false;
	return f;
}

/* ---- Bit loops ---- */

static void test_cr0_bits(void)
{
	for (unsigned i = 0; i < 64; i++) {
		struct fixture *f = setup(CPU_VENDOR_INTEL);
		uint64_t bit = 1ull << i;

		must(cr_set_cr0(&f->m, 0) == CR_OK, "CR0=0");
		/* Items 1-3: bits 63:32, NW without CD, PG without PE. */
		if (i >= 32 || i == 29 || i == 31) {
			REFUSED(f, cr_set_cr0(&f->m, bit), CR_GP, "CR0 bit %u refused", i);
			ok(!cr0_valid(&f->cpu, bit), "cr0_valid refuses bit %u", i);
			continue;
		}
		/* Items 4-5: unknown low bits are dropped; ET always reads 1. */
		ok(cr_set_cr0(&f->m, bit) == CR_OK, "CR0 bit %u accepted", i);
		is_u64(f->st.cr0, CR0_ET | (bit & CR0_KNOWN_BITS), "CR0 bit %u reads back", i);
	}
}

static void test_cr0_items(void)
{
	struct fixture *f = setup(CPU_VENDOR_INTEL);

	REFUSED(f, cr_set_cr0(&f->m, CR0_ET | CR0_NW), CR_GP, "item 1: NW without CD");
	REFUSED(f, cr_set_cr0(&f->m, CR0_ET | CR0_PG), CR_GP, "item 2: PG without PE");
	REFUSED(f, cr_set_cr0(&f->m, CR0_ET | CR0_PE | (1ull << 32)), CR_GP, "item 3: bit 32");
	ok(cr_set_cr0(&f->m, CR0_PE | (1ull << 6)) == CR_OK, "item 4: bit 6 accepted");
	is_u64(f->st.cr0, CR0_ET | CR0_PE, "item 4/5: bit 6 reads 0, ET reads 1");
	ok(cr_set_cr0(&f->m, CR0_CD | CR0_NW | CR0_PE) == CR_OK && f->st.cr0 == 0x60000011,
	   "CD|NW accepted");
	f = prot32(CPU_VENDOR_INTEL);
	ok(cr_set_cr0(&f->m, CR0_PE | CR0_PG | CR0_WP) == CR_OK, "32-bit paging on");
	ok((f->m.fx & (VCPU_FX_TLB_FLUSH_ALL | VCPU_FX_MMU_RESET)) ==
		   (VCPU_FX_TLB_FLUSH_ALL | VCPU_FX_MMU_RESET),
	   "PG change: flush all + MMU reset");
	ok(!(f->st.efer & EFER_LMA) && !(f->m.fx & VCPU_FX_MODE), "no LME: no LMA, no mode");
	f->m.fx = 0;
	ok(cr_set_cr0(&f->m, CR0_PE | CR0_PG) == CR_OK && f->m.fx == VCPU_FX_MMU_RESET,
	   "WP change: MMU reset only");
	f->m.fx = 0;
	ok(cr_set_cr0(&f->m, CR0_PE | CR0_PG | CR0_TS) == CR_OK && f->m.fx == 0, "TS: no effects");
	f = setup(CPU_VENDOR_INTEL);
	ok(cr_set_cr0(&f->m, CR0_PE) == CR_OK && (f->m.fx & VCPU_FX_MODE), "PE change: mode");
}

/* Intel from real mode: the always-allowed bits, LA57 and OSXSAVE; PCIDE needs long mode. */
#define INTEL_CR4_REAL 0x417ffull
#define AMD_CR4_REAL   0x407ffull
#define INTEL_CR4_LONG (0x7ffull | CR4_OSXSAVE | CR4_PCIDE) /* LA57 cannot change there */

static void cr4_loop(enum cpu_vendor v, bool in_long, uint64_t allowed)
{
	const char *vn = cpu_vendor_name(v);

	for (unsigned i = 0; i < 64; i++) {
		struct fixture *f = in_long ? long64(v, 0) : setup(v);
		uint64_t base = f->st.cr4, val = base | (1ull << i);

		if (!(allowed & (1ull << i))) {
			REFUSED(f, cr_set_cr4(&f->m, val), CR_GP, "%s%s: CR4 bit %u refused", vn,
				in_long ? " long" : "", i);
			continue;
		}
		ok(cr_set_cr4(&f->m, val) == CR_OK, "%s%s: CR4 bit %u accepted", vn,
		   in_long ? " long" : "", i);
		is_u64(f->st.cr4, val, "%s: CR4 bit %u reads back", vn, i);
	}
}

static void test_cr4_bits(void)
{
	struct cpu_model c;

	cr4_loop(CPU_VENDOR_INTEL, false, INTEL_CR4_REAL);
	cr4_loop(CPU_VENDOR_AMD, false, AMD_CR4_REAL);
	cr4_loop(CPU_VENDOR_INTEL, true, INTEL_CR4_LONG);
	cpu_model_init(&c, CPU_VENDOR_INTEL);
	for (unsigned i = 0; i < 64; i++)
		ok(cr4_valid(&c, 1ull << i) == !!((INTEL_CR4_REAL | CR4_PCIDE) & (1ull << i)),
		   "intel: cr4_valid bit %u", i);
	cpu_model_init(&c, CPU_VENDOR_AMD);
	ok(!cr4_valid(&c, CR4_PCIDE) && !cr4_valid(&c, CR4_LA57), "amd: no PCIDE, no LA57");
}

static void test_cr4_gates(void)
{
	static const struct {
		enum cpu_feature feat;
		uint64_t bit;
	} gates[] = {
		{FEAT_XSAVE, CR4_OSXSAVE},     {FEAT_SMEP, CR4_SMEP}, {FEAT_SMAP, CR4_SMAP},
		{FEAT_FSGSBASE, CR4_FSGSBASE}, {FEAT_PKU, CR4_PKE},   {FEAT_LA57, CR4_LA57},
		{FEAT_UMIP, CR4_UMIP},	       {FEAT_VMX, CR4_VMXE},  {FEAT_PCID, CR4_PCIDE},
	};

	for (size_t i = 0; i < sizeof(gates) / sizeof(gates[0]); i++) {
		struct fixture *f = long_compat(CPU_VENDOR_INTEL, 0);
		uint64_t val = f->st.cr4 | gates[i].bit;
		const char *n = cpu_feature_name(gates[i].feat);

		cpu_model_set_feature(&f->cpu, gates[i].feat, false);
		REFUSED(f, cr_set_cr4(&f->m, val), CR_GP, "CR4 gate: refused without %s", n);
		cpu_model_set_feature(&f->cpu, gates[i].feat, true);
		if (gates[i].bit == CR4_LA57) /* LA57 never changes in long mode */
			continue;
		ok(cr_set_cr4(&f->m, val) == CR_OK, "CR4 gate: accepted with %s", n);
	}
	struct fixture *f = setup(CPU_VENDOR_INTEL);
	cpu_model_set_feature(&f->cpu, FEAT_LA57, false);
	REFUSED(f, cr_set_cr4(&f->m, CR4_LA57), CR_GP, "LA57 refused without LA57");
	REFUSED(f, cr_set_cr4(&f->m, CR4_LAM_SUP), CR_GP, "LAM_SUP always refused (no LAM)");
	REFUSED(f, cr_set_cr4(&f->m, CR4_SMXE), CR_GP, "SMXE always refused");
	REFUSED(f, cr_set_cr4(&f->m, CR4_CET), CR_GP, "CET always refused");
}

static void test_cr4_rules(void)
{
	struct fixture *f = long64(CPU_VENDOR_INTEL, 0);

	REFUSED(f, cr_set_cr4(&f->m, 0), CR_GP, "item 8: long mode, clearing PAE");
	REFUSED(f, cr_set_cr4(&f->m, CR4_PAE | CR4_LA57), CR_GP, "item 8: long mode, LA57 0->1");
	f = long64(CPU_VENDOR_INTEL, CR4_LA57);
	ok(f->st.cr4 == (CR4_PAE | CR4_LA57), "LA57 set before long mode");
	REFUSED(f, cr_set_cr4(&f->m, CR4_PAE), CR_GP, "item 8: long mode, LA57 1->0");
	f = long64(CPU_VENDOR_INTEL, 0);
	f->st.cr3 = 0x1001;
	REFUSED(f, cr_set_cr4(&f->m, CR4_PAE | CR4_PCIDE), CR_GP, "item 8: PCIDE, CR3[11:0]=1");
	f = prot32(CPU_VENDOR_INTEL);
	REFUSED(f, cr_set_cr4(&f->m, CR4_PCIDE), CR_GP, "item 8: PCIDE outside long mode");
	f = long64(CPU_VENDOR_INTEL, 0);
	ok(cr_set_cr4(&f->m, CR4_PAE | CR4_PCIDE) == CR_OK, "PCIDE in long mode, CR3[11:0]=0");
	f->m.fx = 0;
	ok(cr_set_cr4(&f->m, CR4_PAE) == CR_OK && (f->m.fx & VCPU_FX_TLB_FLUSH_ALL),
	   "PCIDE 1->0: flush all");
	f->m.fx = 0;
	ok(cr_set_cr4(&f->m, CR4_PAE | CR4_PGE) == CR_OK && (f->m.fx & VCPU_FX_TLB_FLUSH_ALL),
	   "PGE toggle: flush all");
	f->m.fx = 0;
	ok(cr_set_cr4(&f->m, CR4_PAE | CR4_PGE | CR4_OSXSAVE) == CR_OK && f->m.fx == VCPU_FX_CPUID,
	   "OSXSAVE toggle: CPUID only");
	f = setup(CPU_VENDOR_INTEL);
	ok(cr_set_cr4(&f->m, CR4_PSE) == CR_OK && (f->m.fx & VCPU_FX_MMU_RESET), "PSE: MMU reset");
	uint32_t r[4];
	cpu_cpuid(&f->m, 1, 0, r);
	ok(!(r[2] & (1u << 27)), "item 8: CPUID.1:ECX.OSXSAVE 0");
	must(cr_set_cr4(&f->m, CR4_OSXSAVE) == CR_OK, "OSXSAVE");
	cpu_cpuid(&f->m, 1, 0, r);
	ok(r[2] & (1u << 27), "item 8: CPUID.1:ECX.OSXSAVE follows MOV CR4");
}

static void efer_loop(enum cpu_vendor v, bool host, uint64_t allowed)
{
	const char *who = host ? "host" : "guest";

	for (unsigned i = 0; i < 64; i++) {
		struct fixture *f = setup(v);
		uint64_t bit = 1ull << i;

		ok(efer_valid(&f->cpu, bit, host) == !!(allowed & bit), "%s %s: efer_valid bit %u",
		   f->cpu.name, who, i);
		if (!(allowed & bit)) {
			REFUSED(f, cr_set_efer(&f->m, bit, host), CR_GP,
				"%s %s: EFER bit %u refused", f->cpu.name, who, i);
			continue;
		}
		ok(cr_set_efer(&f->m, bit, host) == CR_OK, "%s %s: EFER bit %u accepted",
		   f->cpu.name, who, i);
		/* §7: LMA is never written through WRMSR. */
		is_u64(f->st.efer, bit & ~EFER_LMA, "%s %s: EFER bit %u reads back", f->cpu.name,
		       who, i);
	}
}

static void test_efer_bits(void)
{
	const uint64_t base = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX;

	efer_loop(CPU_VENDOR_INTEL, false, base);
	efer_loop(CPU_VENDOR_INTEL, true, base);
	efer_loop(CPU_VENDOR_AMD, false, base);
	efer_loop(CPU_VENDOR_AMD, true, base | EFER_SVME | EFER_FFXSR | EFER_AUTOIBRS);
}

static void test_efer_gates(void)
{
	struct fixture *f = setup(CPU_VENDOR_INTEL);

	cpu_model_set_feature(&f->cpu, FEAT_NX, false);
	REFUSED(f, cr_set_efer(&f->m, EFER_NX, false), CR_GP, "guest NX refused without NX");
	ok(cr_set_efer(&f->m, EFER_NX, true) == CR_OK, "host NX accepted without NX");
	cpu_model_set_feature(&f->cpu, FEAT_LM, false);
	REFUSED(f, cr_set_efer(&f->m, EFER_LME, false), CR_GP, "guest LME refused without LM");
	REFUSED(f, cr_set_efer(&f->m, EFER_LMA, false), CR_GP, "guest LMA refused without LM");
	cpu_model_set_feature(&f->cpu, FEAT_SVM, true);
	REFUSED(f, cr_set_efer(&f->m, EFER_SVME, true), CR_GP, "intel: SVME refused even w/ SVM");
	ok(cr_set_efer(&f->m, EFER_SCE, false) == CR_OK, "SCE has no gate");
	f = setup(CPU_VENDOR_AMD);
	cpu_model_set_feature(&f->cpu, FEAT_SVM, true);
	cpu_model_set_feature(&f->cpu, FEAT_FXSR_OPT, true);
	cpu_model_set_feature(&f->cpu, FEAT_AUTOIBRS, true);
	ok(cr_set_efer(&f->m, EFER_SVME | EFER_FFXSR | EFER_AUTOIBRS, false) == CR_OK,
	   "amd guest: SVME, FFXSR, AUTOIBRS with their features");
	REFUSED(f, cr_set_efer(&f->m, EFER_LMSLE, true), CR_GP, "amd: LMSLE refused");
	REFUSED(f, cr_set_efer(&f->m, EFER_TCE, true), CR_GP, "amd: TCE refused");
}

static void test_efer_rules(void)
{
	struct fixture *f = prot32(CPU_VENDOR_INTEL);

	must(cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_PG) == CR_OK, "32-bit paging");
	REFUSED(f, cr_set_efer(&f->m, EFER_LME, false), CR_GP, "guest LME change with PG=1");
	ok(cr_set_efer(&f->m, EFER_LME, true) == CR_OK, "host LME change with PG=1");
	f = long64(CPU_VENDOR_INTEL, 0);
	ok(cr_set_efer(&f->m, EFER_LME | EFER_NX, false) == CR_OK, "long mode: guest sets NX");
	is_u64(f->st.efer, EFER_LME | EFER_LMA | EFER_NX, "LMA kept when written 0");
	ok(f->m.fx & VCPU_FX_MMU_RESET, "NX change: MMU reset");
	f->m.fx = 0;
	ok(cr_set_efer(&f->m, EFER_LME | EFER_NX | EFER_SCE, false) == CR_OK && f->m.fx == 0,
	   "SCE change: no MMU reset");
	REFUSED(f, cr_set_efer(&f->m, EFER_NX, false), CR_GP, "long mode: guest clears LME");
	f = setup(CPU_VENDOR_INTEL);
	ok(cr_set_efer(&f->m, EFER_LMA | EFER_LME, true) == CR_OK && f->st.efer == EFER_LME,
	   "host cannot set LMA through EFER");
}

static void test_xcr0(void)
{
	for (unsigned i = 0; i < 64; i++) {
		struct fixture *f = setup(CPU_VENDOR_INTEL);
		uint64_t val = XCR0_FP | (1ull << i);

		must(cr_set_cr4(&f->m, CR4_OSXSAVE) == CR_OK, "OSXSAVE");
		if (i > 1) {
			REFUSED(f, cr_set_xcr(&f->m, 0, val), CR_GP, "XCR0 bit %u refused", i);
			continue;
		}
		ok(cr_set_xcr(&f->m, 0, val) == CR_OK && f->st.xcr0 == val, "XCR0 bit %u ok", i);
	}
	struct fixture *f = setup(CPU_VENDOR_INTEL);
	must(cr_set_cr4(&f->m, CR4_OSXSAVE) == CR_OK, "OSXSAVE");
	REFUSED(f, cr_set_xcr(&f->m, 0, 0), CR_GP, "item 12: XCR0=0");
	REFUSED(f, cr_set_xcr(&f->m, 0, XCR0_SSE), CR_GP, "item 12: XCR0=SSE");
	REFUSED(f, cr_set_xcr(&f->m, 0, 7), CR_GP, "YMM not in the model's 0xD");
	f->cpu.supported_xcr0 = 0x602ff; /* FP..Hi16_ZMM, PKRU, XTILE */
	REFUSED(f, cr_set_xcr(&f->m, 0, XCR0_FP | XCR0_YMM), CR_GP, "item 12: YMM without SSE");
	REFUSED(f, cr_set_xcr(&f->m, 0, 0x9), CR_GP, "BNDREGS without BNDCSR");
	REFUSED(f, cr_set_xcr(&f->m, 0, 0x27), CR_GP, "OPMASK alone");
	REFUSED(f, cr_set_xcr(&f->m, 0, 0xe3), CR_GP, "AVX-512 without YMM");
	REFUSED(f, cr_set_xcr(&f->m, 0, 0x20003), CR_GP, "XTILECFG without XTILEDATA");
	REFUSED(f, cr_set_xcr(&f->m, 0, 0x80003), CR_GP, "bit 19 not supported");
	ok(cr_set_xcr(&f->m, 0, 0x19) == CR_OK, "BNDREGS|BNDCSR");
	ok(cr_set_xcr(&f->m, 0, 0x602ff) == CR_OK && f->st.xcr0 == 0x602ff, "everything");
	f->m.fx = 0;
	ok(cr_set_xcr(&f->m, 0, 7) == CR_OK && (f->m.fx & VCPU_FX_CPUID), "YMM change: CPUID");
	ok(cr_set_xcr(&f->m, 0, 3) == CR_OK, "back to FP|SSE");
	f->m.fx = 0;
	ok(cr_set_xcr(&f->m, 0, 1) == CR_OK && f->m.fx == 0, "SSE change: no CPUID effect");
}

static void test_xsetbv(void)
{
	struct fixture *f = setup(CPU_VENDOR_INTEL);

	REFUSED(f, cr_set_xcr(&f->m, 0, 3), CR_UD, "item 12: OSXSAVE=0 -> #UD");
	REFUSED(f, cr_set_xcr(&f->m, 1, 0), CR_UD, "item 12: #UD before the index check");
	must(cr_set_cr4(&f->m, CR4_OSXSAVE) == CR_OK, "OSXSAVE");
	for (unsigned i = 1; i < 64; i++)
		REFUSED(f, cr_set_xcr(&f->m, i, 3), CR_GP, "item 12: ECX=%u", i);
	for (unsigned i = 1; i < 32; i++)
		REFUSED(f, cr_set_xcr(&f->m, 1u << i, 3), CR_GP, "item 12: ECX=BIT(%u)", i);
	/* Item 12: the index is ECX; the exit handler passes RCX[31:0]. */
	ok(cr_set_xcr(&f->m, (uint32_t)0xffffffff00000000ull, 3) == CR_OK, "RCX[63:32] ignored");
	f = prot32(CPU_VENDOR_INTEL);
	must(cr_set_cr4(&f->m, CR4_OSXSAVE) == CR_OK, "OSXSAVE");
	f->st.seg[SEG_SS].dpl = 3;
	REFUSED(f, cr_set_xcr(&f->m, 0, 3), CR_GP, "item 12: CPL3 (SS.DPL=3)");
	f->st.cr4 = 0;
	REFUSED(f, cr_set_xcr(&f->m, 0, 3), CR_UD, "CPL3 with OSXSAVE=0 -> #UD first");
}

static void cr3_loop(enum cpu_vendor v, bool pcide)
{
	for (unsigned i = 0; i < 64; i++) {
		struct fixture *f = pcide ? long64(v, 0) : prot32(v);
		uint64_t bit = 1ull << i, want = f->cpu.maxphyaddr > i ? bit : 0;

		if (pcide) {
			must(cr_set_cr4(&f->m, CR4_PAE | CR4_PCIDE) == CR_OK, "PCIDE");
			f->m.fx = 0;
			if (i == 63) {
				ok(cr_set_cr3(&f->m, bit | 0x5000) == CR_OK &&
					   f->st.cr3 == 0x5000 && !(f->m.fx & VCPU_FX_TLB_FLUSH),
				   "%s PCIDE: bit 63 is NOFLUSH, not stored, no flush",
				   f->cpu.name);
				continue;
			}
		}
		if (!want) {
			REFUSED(f, cr_set_cr3(&f->m, bit), CR_GP, "%s%s: CR3 bit %u refused",
				f->cpu.name, pcide ? " PCIDE" : "", i);
			continue;
		}
		ok(cr_set_cr3(&f->m, bit) == CR_OK && f->st.cr3 == bit &&
			   (f->m.fx & VCPU_FX_TLB_FLUSH),
		   "%s%s: CR3 bit %u accepted, flush", f->cpu.name, pcide ? " PCIDE" : "", i);
	}
}

static void test_cr3(void)
{
	struct cpu_model c;
	struct vcpu_state st = {0};

	cr3_loop(CPU_VENDOR_INTEL, false);
	cr3_loop(CPU_VENDOR_AMD, false);
	cr3_loop(CPU_VENDOR_INTEL, true);
	cpu_model_init(&c, CPU_VENDOR_AMD);
	ok(cr3_valid(&c, &st, (1ull << 48) - 0x1000) && !cr3_valid(&c, &st, 1ull << 48),
	   "amd: cr3_valid at MAXPHYADDR 48");
	st.cr4 = CR4_PCIDE;
	ok(cr3_valid(&c, &st, 1ull << 63) && !cr3_valid(&c, &st, 1ull << 62) &&
		   !cr3_valid(&c, &st, 1ull << 61),
	   "cr3_valid: NOFLUSH stripped with PCIDE, LAM bits reserved");
}

static void test_cr8(void)
{
	for (unsigned i = 0; i < 64; i++) {
		struct fixture *f = setup(CPU_VENDOR_INTEL);
		uint64_t bit = 1ull << i;

		if (i > 3) {
			REFUSED(f, cr_set_cr8(&f->m, bit), CR_GP, "CR8 bit %u refused", i);
			continue;
		}
		ok(cr_set_cr8(&f->m, bit) == CR_OK && cr_get_cr8(&f->m) == bit, "CR8 bit %u", i);
	}
	struct fixture *f = setup(CPU_VENDOR_INTEL);
	REFUSED(f, cr_set_cr8(&f->m, 0x10), CR_GP, "item 10: CR8=0x10");
	ok(cr_set_cr8(&f->m, 0xf) == CR_OK && f->st.cr8 == 0xf, "CR8=0xF");
}

/* ---- Long mode, PAE ---- */

static void test_long_mode(void)
{
	struct fixture *f = long_compat(CPU_VENDOR_INTEL, 0);

	ok(f->st.efer == (EFER_LME | EFER_LMA), "item 6: LME then PG -> LMA=1");
	is_u64(cpu_mode(&f->st), CPU_MODE_COMPAT32, "long mode entered in compat32");
	f = prot32(CPU_VENDOR_INTEL);
	must(cr_set_cr3(&f->m, 0x1000) == CR_OK && cr_set_efer(&f->m, EFER_LME, false) == CR_OK,
	     "LME");
	REFUSED(f, cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_PG), CR_GP, "item 6: PG with PAE=0");
	must(cr_set_cr4(&f->m, CR4_PAE) == CR_OK, "PAE");
	f->st.seg[SEG_CS].l = true;
	REFUSED(f, cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_PG), CR_GP, "item 6: PG with CS.L=1");
	f->st.seg[SEG_CS].l = false;
	f->m.fx = 0;
	ok(cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_PG) == CR_OK && (f->st.efer & EFER_LMA),
	   "item 6: LMA reads 1 after PG");
	ok((f->m.fx & (VCPU_FX_MODE | VCPU_FX_TLB_FLUSH_ALL | VCPU_FX_MMU_RESET)) ==
		   (VCPU_FX_MODE | VCPU_FX_TLB_FLUSH_ALL | VCPU_FX_MMU_RESET),
	   "activation: mode, flush all, MMU reset");
	f = long64(CPU_VENDOR_INTEL, 0);
	REFUSED(f, cr_set_cr0(&f->m, CR0_ET | CR0_PE), CR_GP, "item 7: 64-bit mode, clear PG");
	f = long_compat(CPU_VENDOR_INTEL, 0);
	f->m.fx = 0;
	ok(cr_set_cr0(&f->m, CR0_ET | CR0_PE) == CR_OK, "item 7: compat mode, clear PG");
	ok(f->st.efer == EFER_LME && (f->m.fx & VCPU_FX_MODE), "item 7: LMA=0, mode change");
	is_u64(cpu_mode(&f->st), CPU_MODE_PROT32, "back in protected32");
	f = long_compat(CPU_VENDOR_INTEL, 0);
	must(cr_set_cr4(&f->m, CR4_PAE | CR4_PCIDE) == CR_OK, "PCIDE");
	REFUSED(f, cr_set_cr0(&f->m, CR0_ET | CR0_PE), CR_GP, "clear PG with PCIDE=1");
	f = long64(CPU_VENDOR_INTEL, 0);
	ok(cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_PG | CR0_WP) == CR_OK && (f->st.efer & EFER_LMA),
	   "64-bit mode: CR0.WP write keeps LMA");
}

static void test_pae(void)
{
	struct fixture *f = prot32(CPU_VENDOR_INTEL);

	must(cr_set_cr4(&f->m, CR4_PAE) == CR_OK, "PAE");
	must(cr_set_cr3(&f->m, PDPT_BAD) == CR_OK, "CR3 (paging off: no PDPTE load)");
	REFUSED(f, cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_PG), CR_GP,
		"item 9: PG with a PDPTE with bit 5 -> #GP");
	must(cr_set_cr3(&f->m, PDPT_GOOD) == CR_OK, "CR3 good");
	ok(cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_PG) == CR_OK, "PAE paging on");
	ok(memcmp(f->st.pdpte, good_pdpt, sizeof(good_pdpt)) == 0, "PDPTEs loaded");
	REFUSED(f, cr_set_cr3(&f->m, PDPT_BAD), CR_GP, "item 9: MOV CR3 to a bad PDPT");
	put64(f, PDPT_GOOD + 16, 0x5001);
	ok(cr_set_cr3(&f->m, PDPT_GOOD) == CR_OK && f->st.pdpte[2] == 0x5001,
	   "same CR3 reloads the PDPTEs");
	put64(f, PDPT_GOOD + 8, 0x6001 | (1ull << 39));
	REFUSED(f, cr_set_cr3(&f->m, PDPT_GOOD), CR_GP, "PDPTE bit at MAXPHYADDR");
	put64(f, PDPT_GOOD + 8, 0x6001 | (1ull << 63));
	REFUSED(f, cr_set_cr3(&f->m, PDPT_GOOD), CR_GP, "PDPTE bit 63");
	put64(f, PDPT_GOOD + 8, 0x6001 | (1ull << 2));
	REFUSED(f, cr_set_cr3(&f->m, PDPT_GOOD), CR_GP, "PDPTE bit 2");
	put64(f, PDPT_GOOD + 8, 0x6001 | (1ull << 8));
	REFUSED(f, cr_set_cr4(&f->m, CR4_PAE | CR4_PGE), CR_GP, "CR4.PGE reloads: bad -> #GP");
	REFUSED(f, cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_PG | CR0_CD), CR_GP,
		"CR0.CD reloads: bad -> #GP");
	ok(cr_set_cr4(&f->m, CR4_PAE | CR4_OSFXSR) == CR_OK, "CR4.OSFXSR: no reload");
	ok(cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_PG | CR0_WP) == CR_OK, "CR0.WP: no reload");
	put64(f, PDPT_GOOD + 8, 0);
	f->mem_fail = true;
	REFUSED(f, cr_set_cr3(&f->m, PDPT_GOOD), CR_GP, "unreadable PDPT");
	f->mem_fail = false;
	f->m.read_phys = NULL;
	REFUSED(f, cr_set_cr3(&f->m, PDPT_GOOD), CR_GP, "no read_phys");
	f = prot32(CPU_VENDOR_INTEL);
	must(cr_set_cr3(&f->m, PDPT_BAD) == CR_OK, "CR3");
	must(cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_PG) == CR_OK, "32-bit paging");
	REFUSED(f, cr_set_cr4(&f->m, CR4_PAE), CR_GP, "PAE 0->1 under paging loads PDPTEs");
}

/* ---- Mode, CPL, canonical ---- */

static void mode_row(bool pe, bool vm, bool lma, bool l, bool d, enum cpu_mode want)
{
	struct vcpu_state st = {0};

	st.cr0 = pe ? CR0_PE : 0;
	st.rflags = RFLAGS_FIXED | (vm ? RFLAGS_VM : 0);
	st.efer = lma ? EFER_LMA | EFER_LME : 0;
	st.seg[SEG_CS].l = l;
	st.seg[SEG_CS].db = d;
	ok(cpu_mode(&st) == want, "§9: PE=%d VM=%d LMA=%d L=%d D=%d -> %s (got %s)", pe, vm, lma, l,
	   d, cpu_mode_name(want), cpu_mode_name(cpu_mode(&st)));
}

static void test_modes(void)
{
	struct vcpu_state st = {0};

	mode_row(0, 0, 0, 0, 0, CPU_MODE_REAL);
	mode_row(0, 1, 1, 1, 1, CPU_MODE_REAL);
	mode_row(1, 1, 0, 0, 0, CPU_MODE_V8086);
	mode_row(1, 1, 1, 1, 0, CPU_MODE_V8086);
	mode_row(1, 0, 1, 1, 0, CPU_MODE_LONG64);
	mode_row(1, 0, 1, 1, 1, CPU_MODE_LONG64);
	mode_row(1, 0, 1, 0, 1, CPU_MODE_COMPAT32);
	mode_row(1, 0, 1, 0, 0, CPU_MODE_COMPAT16);
	mode_row(1, 0, 0, 0, 1, CPU_MODE_PROT32);
	mode_row(1, 0, 0, 0, 0, CPU_MODE_PROT16);
	mode_row(1, 0, 0, 1, 1, CPU_MODE_PROT32);
	ok(!strcmp(cpu_mode_name(CPU_MODE_REAL), "real") &&
		   !strcmp(cpu_mode_name(CPU_MODE_V8086), "v8086") &&
		   !strcmp(cpu_mode_name(CPU_MODE_PROT16), "protected16") &&
		   !strcmp(cpu_mode_name(CPU_MODE_PROT32), "protected32") &&
		   !strcmp(cpu_mode_name(CPU_MODE_COMPAT16), "compat16") &&
		   !strcmp(cpu_mode_name(CPU_MODE_COMPAT32), "compat32") &&
		   !strcmp(cpu_mode_name(CPU_MODE_LONG64), "long64"),
	   "mode names");
	st.seg[SEG_SS].dpl = 3;
	is_u64(cpu_cpl(&st), 0, "CPL 0 in real mode whatever SS.DPL");
	st.cr0 = CR0_PE;
	is_u64(cpu_cpl(&st), 3, "CPL = SS.DPL in protected mode");
	st.seg[SEG_SS].dpl = 0;
	st.rflags = RFLAGS_VM;
	is_u64(cpu_cpl(&st), 3, "CPL 3 in v8086");
	st.rflags = 0;
	st.efer = EFER_LMA;
	st.seg[SEG_CS].l = true;
	st.seg[SEG_SS].dpl = 2;
	is_u64(cpu_cpl(&st), 2, "CPL = SS.DPL in 64-bit mode");
	is_u64(cpu_vaddr_bits(&st), 48, "48-bit linear addresses");
	st.cr4 = CR4_LA57;
	is_u64(cpu_vaddr_bits(&st), 57, "57-bit with CR4.LA57");
}

static void test_canonical(void)
{
	ok(is_canonical(0x00007fffffffffffull, 48), "48: top of the lower half");
	ok(!is_canonical(0x0000800000000000ull, 48), "48: first non-canonical");
	ok(is_canonical(0xffff800000000000ull, 48), "48: bottom of the upper half");
	ok(!is_canonical(0xffff7fffffffffffull, 48), "48: last non-canonical");
	ok(is_canonical(0, 48) && is_canonical(~0ull, 48), "48: 0 and ~0");
	ok(is_canonical(0x00ffffffffffffffull, 57), "57: top of the lower half");
	ok(!is_canonical(0x0100000000000000ull, 57), "57: first non-canonical");
	ok(is_canonical(0xff00000000000000ull, 57), "57: bottom of the upper half");
	ok(!is_canonical(0xfeffffffffffffffull, 57), "57: last non-canonical");
	ok(is_canonical(0x0000800000000000ull, 57), "57: 48-bit hole is canonical");
	is_u64(canonicalize(0x0000800000000000ull, 48), 0xffff800000000000ull, "canon 48 up");
	is_u64(canonicalize(0xffff7fffffffffffull, 48), 0x00007fffffffffffull, "canon 48 down");
	is_u64(canonicalize(0x1234567890abcdefull, 48), 0x0000567890abcdefull, "canon 48 positive");
	is_u64(canonicalize(0x0100000000000000ull, 57), 0xff00000000000000ull, "canon 57 up");
	is_u64(canonicalize(0x00ffffffffffffffull, 57), 0x00ffffffffffffffull, "canon 57 keep");
	is_u64(canonicalize(0x80000000ull, 32), 0xffffffff80000000ull, "canon 32");
	is_u64(canonicalize(0x8000000000000000ull, 64), 0x8000000000000000ull, "canon 64 = id");
}

/* ---- LMSW, CLTS ---- */

static void test_lmsw_clts(void)
{
	struct fixture *f = prot32(CPU_VENDOR_INTEL);

	must(cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_NE) == CR_OK,
	     "MP|EM|TS");
	cr_lmsw(&f->m, 0);
	is_u64(f->st.cr0, CR0_ET | CR0_PE | CR0_NE, "item 11: LMSW 0 keeps PE, clears MP/EM/TS");
	f = setup(CPU_VENDOR_INTEL);
	must(cr_set_cr0(&f->m, CR0_ET) == CR_OK, "real mode");
	cr_lmsw(&f->m, 1);
	is_u64(f->st.cr0, CR0_ET | CR0_PE, "item 11: LMSW 1 from real mode sets PE");
	is_u64(cpu_mode(&f->st), CPU_MODE_PROT16, "and enters protected mode");
	f = setup(CPU_VENDOR_INTEL);
	must(cr_set_cr0(&f->m, CR0_ET) == CR_OK, "real mode");
	cr_lmsw(&f->m, 0xfff0);
	is_u64(f->st.cr0, CR0_ET, "item 11: operand bits above 3 ignored");
	cr_lmsw(&f->m, 0xffee);
	is_u64(f->st.cr0, CR0_ET | CR0_MP | CR0_EM | CR0_TS, "LMSW sets MP/EM/TS");
	f = prot32(CPU_VENDOR_INTEL);
	must(cr_set_cr0(&f->m, CR0_ET | CR0_PE | CR0_TS | CR0_MP) == CR_OK, "TS");
	cr_clts(&f->m);
	is_u64(f->st.cr0, CR0_ET | CR0_PE | CR0_MP, "CLTS clears TS only");
	cr_clts(&f->m);
	is_u64(f->st.cr0, CR0_ET | CR0_PE | CR0_MP, "CLTS with TS=0");
}

/* ---- RESET, INIT, SIPI ---- */

static bool seg_is(const struct segment *s, uint16_t sel, uint64_t base, uint8_t type, bool sys)
{
	return s->selector == sel && s->base == base && s->limit == 0xffff && s->type == type &&
	       s->s == !sys && s->present && s->dpl == 0 && !s->l && !s->db && !s->g &&
	       !s->unusable;
}

static void check_reset(enum cpu_vendor v, uint8_t code, uint8_t data, uint8_t tr, uint32_t sig)
{
	struct fixture *f = setup(v);
	const char *n = cpu_vendor_name(v);
	const struct vcpu_state *st = &f->st;
	bool gprs = true;

	for (int i = 0; i < GPR_COUNT; i++)
		gprs &= i == GPR_RDX || st->gpr[i] == 0;
	ok(gprs, "%s RESET: GPRs 0", n);
	is_u64(st->gpr[GPR_RDX], sig, "%s RESET: EDX = CPUID.1:EAX", n);
	ok(st->cr0 == 0x60000010 && st->rip == 0xfff0 && st->rflags == 2, "%s RESET: CR0 RIP RFL",
	   n);
	ok(seg_is(&st->seg[SEG_CS], 0xf000, 0xffff0000, code, false), "%s RESET: CS type %x", n,
	   code);
	ok(seg_is(&st->seg[SEG_DS], 0, 0, data, false) &&
		   seg_is(&st->seg[SEG_ES], 0, 0, data, false) &&
		   seg_is(&st->seg[SEG_SS], 0, 0, data, false) &&
		   seg_is(&st->seg[SEG_FS], 0, 0, data, false) &&
		   seg_is(&st->seg[SEG_GS], 0, 0, data, false),
	   "%s RESET: data segments type %x", n, data);
	ok(seg_is(&st->seg[SEG_TR], 0, 0, tr, true), "%s RESET: TR type %x", n, tr);
	ok(seg_is(&st->seg[SEG_LDTR], 0, 0, 2, true), "%s RESET: LDTR type 2", n);
	ok(st->gdt.base == 0 && st->gdt.limit == 0xffff && st->idt.base == 0 &&
		   st->idt.limit == 0xffff,
	   "%s RESET: GDTR/IDTR", n);
	ok(!st->cr2 && !st->cr3 && !st->cr4 && !st->cr8 && !st->efer && st->xcr0 == 1,
	   "%s RESET: CR2/3/4/8 0, EFER 0, XCR0 1", n);
	ok(!st->dr[0] && !st->dr[1] && !st->dr[2] && !st->dr[3] && st->dr6 == 0xffff0ff0 &&
		   st->dr7 == 0x400,
	   "%s RESET: DRs", n);
	is_u64(st->msr.apic_base, 0xfee00900, "%s RESET: APIC_BASE on the BSP", n);
	is_u64(st->msr.pat, 0x0007040600070406ull, "%s RESET: PAT", n);
	is_u64(cpu_mode(st), CPU_MODE_REAL, "%s RESET: real mode", n);
}

static void test_reset(void)
{
	struct fixture *f;
	struct cpuid_entry leaf0 = {0, 0, .eax = 0};

	check_reset(CPU_VENDOR_INTEL, 0xb, 0x3, 0xb, 0x000506e3);
	check_reset(CPU_VENDOR_AMD, 0xa, 0x2, 0x3, 0x00830f10);
	f = setup(CPU_VENDOR_INTEL);
	f->st.pdpte[1] = 5;
	f->m.fx = 0;
	vcpu_reset(&f->m, false, false);
	is_u64(f->st.msr.apic_base, 0xfee00800, "RESET: APIC_BASE on an AP");
	ok(!f->st.pdpte[1], "RESET: PDPTEs cleared");
	ok((f->m.fx & (VCPU_FX_TLB_FLUSH_ALL | VCPU_FX_MMU_RESET | VCPU_FX_MODE)) ==
		   (VCPU_FX_TLB_FLUSH_ALL | VCPU_FX_MMU_RESET | VCPU_FX_MODE),
	   "RESET: flush all, MMU reset, mode");
	cpu_model_from_cpuid(&f->cpu, &leaf0, 1);
	vcpu_reset(&f->m, false, true);
	is_u64(f->st.gpr[GPR_RDX], 0x600, "item 13: EDX 0x600 without CPUID leaf 1");
}

static void test_init_sipi(void)
{
	struct fixture *f = long64(CPU_VENDOR_INTEL, 0);

	must(cr_set_cr4(&f->m, CR4_PAE | CR4_OSXSAVE) == CR_OK, "OSXSAVE");
	must(cr_set_xcr(&f->m, 0, 3) == CR_OK, "XCR0");
	f->st.cr0 |= CR0_CD; /* as a guest's MOV CR0 would leave it */
	f->st.msr.pat = 0x0606060606060606ull;
	f->st.msr.mtrr_def_type = 0xc06;
	vcpu_reset(&f->m, true, true);
	is_u64(f->st.cr0, CR0_ET | CR0_CD, "item 14: INIT keeps CD; PE and PG go");
	ok(f->st.efer == 0 && f->st.cr4 == 0 && f->st.xcr0 == 3, "INIT: EFER/CR4 0, XCR0 kept");
	ok(f->st.msr.pat == 0x0606060606060606ull && f->st.msr.mtrr_def_type == 0xc06,
	   "item 14: INIT keeps PAT and MTRRs");
	ok(f->st.rip == 0xfff0 && f->st.seg[SEG_CS].selector == 0xf000, "INIT: CS:IP F000:FFF0");
	f->st.cr0 = CR0_ET | CR0_CD | CR0_NW;
	vcpu_reset(&f->m, true, false);
	is_u64(f->st.cr0, 0x60000010, "INIT keeps CD|NW");
	vcpu_sipi(&f->m, 0x9a);
	ok(f->st.seg[SEG_CS].selector == 0x9a00 && f->st.seg[SEG_CS].base == 0x9a000 &&
		   f->st.rip == 0,
	   "item 14: SIPI 0x9A -> CS 9A00 base 9A000 RIP 0");
	vcpu_sipi(&f->m, 0xff);
	ok(f->st.seg[SEG_CS].selector == 0xff00 && f->st.seg[SEG_CS].base == 0xff000, "SIPI 0xFF");
}

/* ---- SET_SREGS ---- */

/* A complete 64-bit state, as a VMM restoring a snapshot would pass it. */
static struct vcpu_state long_sregs(const struct fixture *f)
{
	struct vcpu_state w = f->st;

	w.cr0 = CR0_ET | CR0_PE | CR0_PG | CR0_WP;
	w.cr4 = CR4_PAE | CR4_OSXSAVE;
	w.cr3 = 0x1000;
	w.cr2 = 0xdead000;
	w.cr8 = 5;
	w.efer = EFER_LME | EFER_LMA | EFER_NX | EFER_SCE;
	w.seg[SEG_CS] = seg_flat32(0x8, true);
	w.seg[SEG_CS].l = true;
	w.seg[SEG_CS].db = false;
	w.seg[SEG_SS] = seg_flat32(0x10, false);
	w.gdt = (struct dtable){0x5000, 0x27};
	w.idt = (struct dtable){0x6000, 0xfff};
	w.msr.apic_base = 0xfee00900;
	w.gpr[GPR_RAX] = 0x1234; /* not a segment register: never installed */
	return w;
}

static void sregs_refused(struct fixture *f, const struct vcpu_state *w, const char *what)
{
	REFUSED(f, cr_set_sregs(&f->m, w), -EINVAL, "SET_SREGS refused: %s", what);
}

/* Each case: the valid 64-bit state with one thing broken. */
#define SREGS_BROKEN(f, w, stmt, what)                                                             \
	do {                                                                                       \
		w = long_sregs(f);                                                                 \
		stmt;                                                                              \
		sregs_refused(f, &w, what);                                                        \
	} while (0)

static void test_sregs_refused(void)
{
	struct fixture *f = setup(CPU_VENDOR_INTEL);
	struct vcpu_state w;

	SREGS_BROKEN(f, w, w.efer &= ~EFER_LMA, "item 15: LME|PG without LMA");
	SREGS_BROKEN(f, w, w.cr0 &= ~CR0_PG, "LMA without PG");
	SREGS_BROKEN(f, w, (w.cr0 &= ~CR0_PG, w.efer &= ~EFER_LMA), "item 15: CS.L=1, LMA=0");
	SREGS_BROKEN(f, w, w.cr4 &= ~CR4_PAE, "long mode without PAE");
	SREGS_BROKEN(f, w, w.cr3 = 1ull << 40, "long mode with CR3 above MAXPHYADDR");
	SREGS_BROKEN(f, w, w.cr0 |= CR0_NW, "CR0 NW without CD");
	SREGS_BROKEN(f, w, w.cr4 |= 1ull << 15, "CR4 bit 15");
	SREGS_BROKEN(f, w, w.cr4 |= CR4_SMEP, "CR4.SMEP without SMEP");
	SREGS_BROKEN(f, w, w.efer |= 1ull << 1, "EFER bit 1");
	SREGS_BROKEN(f, w, w.cr8 = 0x10, "CR8 0x10");
	SREGS_BROKEN(f, w, w.msr.apic_base |= 1ull << 63, "reserved APIC base bit");
	w = long_sregs(f);
	w.efer &= ~(EFER_LME | EFER_LMA);
	w.seg[SEG_CS].l = false;
	w.cr3 = PDPT_BAD;
	sregs_refused(f, &w, "PAE paging with a bad PDPTE");
	f->m.read_phys = NULL;
	w.cr3 = PDPT_GOOD;
	sregs_refused(f, &w, "PAE paging with unreadable memory");
}

static void test_sregs(void)
{
	struct fixture *f = setup(CPU_VENDOR_INTEL);
	struct vcpu_state w = long_sregs(f);

	ok(cr_set_sregs(&f->m, &w) == 0, "SET_SREGS: 64-bit state from RESET");
	ok(f->st.cr0 == w.cr0 && f->st.cr3 == w.cr3 && f->st.cr4 == w.cr4 && f->st.cr2 == w.cr2 &&
		   f->st.cr8 == 5 && f->st.efer == w.efer,
	   "SET_SREGS: CRs and EFER (LMA included) installed");
	ok(!memcmp(f->st.seg, w.seg, sizeof(w.seg)) && f->st.gdt.base == 0x5000 &&
		   f->st.idt.limit == 0xfff,
	   "SET_SREGS: segments and tables installed");
	ok(f->st.gpr[GPR_RAX] == 0 && f->st.rip == 0xfff0, "SET_SREGS: GPRs and RIP untouched");
	is_u64(cpu_mode(&f->st), CPU_MODE_LONG64, "SET_SREGS: long64");
	ok((f->m.fx & (VCPU_FX_MMU_RESET | VCPU_FX_TLB_FLUSH_ALL | VCPU_FX_MODE)) ==
		   (VCPU_FX_MMU_RESET | VCPU_FX_TLB_FLUSH_ALL | VCPU_FX_MODE),
	   "SET_SREGS: MMU reset, flush all, mode");
	f = setup(CPU_VENDOR_INTEL);
	w = long_sregs(f);
	w.efer &= ~(EFER_LME | EFER_LMA);
	w.seg[SEG_CS].l = false;
	w.cr3 = PDPT_GOOD;
	w.msr.apic_base = 0xfef00800;
	ok(cr_set_sregs(&f->m, &w) == 0, "SET_SREGS: PAE paging");
	ok(!memcmp(f->st.pdpte, good_pdpt, sizeof(good_pdpt)), "SET_SREGS: PDPTEs from memory");
	is_u64(f->st.msr.apic_base, 0xfef00800, "SET_SREGS: APIC base installed");
	f = setup(CPU_VENDOR_AMD);
	w = long_sregs(f);
	w.efer |= EFER_SVME;
	ok(cr_set_sregs(&f->m, &w) == 0 && (f->st.efer & EFER_SVME), "amd SET_SREGS: SVME (host)");
	f = setup(CPU_VENDOR_INTEL);
	w = f->st;
	w.cr0 = CR0_ET | CR0_PE;
	w.cr3 = 1ull << 45; /* paging off: CR3 is not checked, installed raw */
	ok(cr_set_sregs(&f->m, &w) == 0 && f->st.cr3 == 1ull << 45, "SET_SREGS: CR3 raw");
}

/* The EFER gate table, as the kvm engine reads it to drop features KVM cannot back. */
static void test_efer_gate_feature(void)
{
	ok(efer_gate_feature(EFER_NX) == FEAT_NX && efer_gate_feature(EFER_LME) == FEAT_LM &&
		   efer_gate_feature(EFER_FFXSR) == FEAT_FXSR_OPT &&
		   efer_gate_feature(EFER_SVME) == FEAT_SVM &&
		   efer_gate_feature(EFER_AUTOIBRS) == FEAT_AUTOIBRS,
	   "efer_gate_feature names the CPUID feature of each gated EFER bit");
	ok(efer_gate_feature(EFER_SCE) == -1 && efer_gate_feature(1ull << 1) == -1,
	   "SCE and reserved bits have no gate");
}

int main(void)
{
	test_efer_gate_feature();
	test_cr0_bits();
	test_cr0_items();
	test_cr4_bits();
	test_cr4_gates();
	test_cr4_rules();
	test_efer_bits();
	test_efer_gates();
	test_efer_rules();
	test_xcr0();
	test_xsetbv();
	test_cr3();
	test_cr8();
	test_long_mode();
	test_pae();
	test_modes();
	test_canonical();
	test_lmsw_clts();
	test_reset();
	test_init_sipi();
	test_sregs_refused();
	test_sregs();
	return tap_done();
}
