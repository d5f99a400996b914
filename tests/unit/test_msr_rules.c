/* SPDX-License-Identifier: MIT */
/*
 * APIC_BASE, PAT, the MTRRs, MISC_ENABLE and FEATURE_CONTROL (spec/msr.md
 * §6.2-§6.5, §6.8, §15.6-§15.10), bit by bit, guest and host.
 */
#include "msr_test.h"

#define APIC_BSP  BIT(8)
#define APIC_EXTD BIT(10)
#define APIC_EN	  BIT(11)
#define APIC_BASE 0xfee00000ull

/* From xAPIC (the RESET value), flip each bit: §6.2's reserved bits and modes. */
static void test_apic_bits(enum cpu_vendor v, bool x2apic, bool host)
{
	struct fixture f;
	struct wcase c[64];
	uint64_t old = APIC_BASE | APIC_EN | APIC_BSP;
	char what[80];

	fx_init(&f, v);
	cpu_model_set_feature(&f.cpu, FEAT_X2APIC, x2apic);
	fill_bits(c, old, MSR_OK);
	for (unsigned b = 0; b < 8; b++)
		set_case(c, b, MSR_FAULT, 0);
	set_case(c, 9, MSR_FAULT, 0);
	/* xAPIC -> x2APIC is legal, given x2APIC in CPUID. */
	if (!x2apic)
		set_case(c, 10, MSR_FAULT, 0);
	/* EN cleared: xAPIC -> disabled is legal. Bits >= MAXPHYADDR are reserved. */
	for (unsigned b = f.cpu.maxphyaddr; b < 64; b++)
		set_case(c, b, MSR_FAULT, 0);
	snprintf(what, sizeof(what), "APIC_BASE from xAPIC, %s, MAXPHYADDR %u%s",
		 v == CPU_VENDOR_AMD ? "AMD" : "Intel", f.cpu.maxphyaddr,
		 x2apic ? "" : ", no x2apic");
	check_writes(&f, what, MSR_IA32_APIC_BASE, host, c, 64);
}

/* From x2APIC mode: clearing EN alone gives the invalid EN=0 EXTD=1, for everyone. */
static void test_apic_bits_x2apic(bool host)
{
	struct fixture f;
	struct wcase c[64];
	uint64_t old = APIC_BASE | APIC_EN | APIC_EXTD;

	fx_init(&f, CPU_VENDOR_INTEL);
	f.cpu.maxphyaddr = 36;
	f.st.msr.apic_base = old;
	fill_bits(c, old, MSR_OK);
	for (unsigned b = 0; b < 8; b++)
		set_case(c, b, MSR_FAULT, 0);
	set_case(c, 9, MSR_FAULT, 0);
	/* EXTD cleared: x2APIC -> xAPIC, the guest's illegal transition. */
	set_case(c, 10, host ? MSR_OK : MSR_FAULT, old & ~APIC_EXTD);
	set_case(c, 11, MSR_FAULT, 0);
	for (unsigned b = 36; b < 64; b++)
		set_case(c, b, MSR_FAULT, 0);
	check_writes(&f, "APIC_BASE from x2APIC, MAXPHYADDR 36", MSR_IA32_APIC_BASE, host, c, 64);
}

/* §6.2, §15.9: the mode transitions, guest versus host. */
static void test_apic_transitions(void)
{
	static const uint64_t modes[3] = {APIC_BASE, APIC_BASE | APIC_EN,
					  APIC_BASE | APIC_EN | APIC_EXTD};
	static const char *const names[3] = {"disabled", "xAPIC", "x2APIC"};
	/* guest_ok[from][to] */
	static const bool guest_ok[3][3] = {
		{true, true, false},
		{true, true, true},
		{true, false, true},
	};
	struct fixture f;

	for (int from = 0; from < 3; from++)
		for (int to = 0; to < 3; to++)
			for (int host = 0; host <= 1; host++) {
				bool want = host || guest_ok[from][to];

				fx_init(&f, CPU_VENDOR_INTEL);
				f.st.msr.apic_base = modes[from];
				if (want)
					ok(wr(&f, MSR_IA32_APIC_BASE, modes[to], host) == MSR_OK &&
						   f.st.msr.apic_base == modes[to],
					   "APIC_BASE %s -> %s (%s): OK", names[from], names[to],
					   host ? "host" : "guest");
				else
					ok(refused(&f, MSR_IA32_APIC_BASE, modes[to], host,
						   MSR_FAULT),
					   "APIC_BASE %s -> %s (guest): #GP, nothing changes",
					   names[from], names[to]);
			}
	fx_init(&f, CPU_VENDOR_INTEL);
	ok(refused(&f, MSR_IA32_APIC_BASE, APIC_BASE | APIC_EXTD, HOST, MSR_FAULT),
	   "APIC_BASE EN=0 EXTD=1 is invalid for the host too");
	/* §6.2: the same value is accepted at once, even one the rules would refuse now. */
	f.st.msr.apic_base = APIC_BASE | APIC_EXTD | 1;
	ok(refused(&f, MSR_IA32_APIC_BASE, APIC_BASE | APIC_EXTD | 1, GUEST, MSR_OK),
	   "APIC_BASE: writing the current value succeeds at once");
	/* CPUID.01H:EDX.APIC follows EN. */
	fx_init(&f, CPU_VENDOR_INTEL);
	f.m.fx = 0;
	wr(&f, MSR_IA32_APIC_BASE, APIC_BASE | APIC_EN | APIC_BSP | 0x1000, GUEST);
	ok(!(f.m.fx & VCPU_FX_CPUID), "APIC_BASE: moving the base does not touch CPUID");
	wr(&f, MSR_IA32_APIC_BASE, APIC_BASE, GUEST);
	ok(f.m.fx & VCPU_FX_CPUID, "APIC_BASE: clearing EN asks for a CPUID update");
}

/* §6.3, §15.6: every byte value at every byte position, guest and host. */
static void test_pat(void)
{
	const uint64_t reset = 0x0007040600070406ull;
	struct fixture f;
	struct wcase c[256];
	uint64_t v;

	fx_init(&f, CPU_VENDOR_INTEL);
	ok(rd(&f, MSR_IA32_CR_PAT, GUEST, &v) == MSR_OK && v == reset,
	   "PAT RESET value 0x0007040600070406");
	for (int host = 0; host <= 1; host++)
		for (unsigned pos = 0; pos < 8; pos++) {
			char what[64];

			for (unsigned t = 0; t < 256; t++) {
				uint64_t val = (reset & ~(0xffull << (8 * pos))) |
					       (uint64_t)t << (8 * pos);
				bool valid = t <= 1 || (t >= 4 && t <= 7);

				c[t] = (struct wcase){val, valid ? MSR_OK : MSR_FAULT, val};
			}
			snprintf(what, sizeof(what), "PAT byte %u = 0..255", pos);
			check_writes(&f, what, MSR_IA32_CR_PAT, host, c, 256);
		}
	ok(refused(&f, MSR_IA32_CR_PAT, 0x0007040600070402ull, GUEST, MSR_FAULT) &&
		   refused(&f, MSR_IA32_CR_PAT, 0x0307040600070406ull, HOST, MSR_FAULT),
	   "PAT: type 2 in byte 0 and type 3 in byte 7 fault, host too");
}

/* §6.4, §15.7: MTRRdefType, each bit, then each type. */
static void test_mtrr_def_type(bool host)
{
	struct fixture f;
	struct wcase c[256];

	fx_init(&f, CPU_VENDOR_INTEL);
	fill_bits(c, 0, MSR_FAULT);
	set_case(c, 0, MSR_OK, 1);	  /* WC */
	set_case(c, 2, MSR_OK, 4);	  /* WT */
	set_case(c, 10, MSR_OK, BIT(10)); /* FE */
	set_case(c, 11, MSR_OK, BIT(11)); /* E */
	check_writes(&f, "MTRRdefType, each bit", MSR_IA32_MTRR_DEF_TYPE, host, c, 64);
	for (unsigned t = 0; t < 256; t++) {
		uint64_t val = 0xc00 | t;
		bool valid = t <= 1 || (t >= 4 && t <= 6);

		c[t] = (struct wcase){val, valid ? MSR_OK : MSR_FAULT, val};
	}
	check_writes(&f, "MTRRdefType, E|FE with type 0..255 (7, UC-, is no MTRR type)",
		     MSR_IA32_MTRR_DEF_TYPE, host, c, 256);
}

/* Every fixed-range MTRR: every byte value at every position. */
static void test_mtrr_fixed(void)
{
	static const uint32_t fixed[11] = {0x250, 0x258, 0x259, 0x268, 0x269, 0x26a,
					   0x26b, 0x26c, 0x26d, 0x26e, 0x26f};
	struct fixture f;
	struct wcase c[256];
	unsigned bad = 0;

	fx_init(&f, CPU_VENDOR_AMD);
	for (unsigned pos = 0; pos < 8; pos++) {
		char what[64];

		for (unsigned t = 0; t < 256; t++) {
			uint64_t val = 0x0606060606060606ull & ~(0xffull << (8 * pos));
			bool valid = t <= 1 || (t >= 4 && t <= 6);

			val |= (uint64_t)t << (8 * pos);
			c[t] = (struct wcase){val, valid ? MSR_OK : MSR_FAULT, val};
		}
		snprintf(what, sizeof(what), "FIX4K_D0000 byte %u = 0..255", pos);
		check_writes(&f, what, 0x26a, pos & 1, c, 256);
	}
	for (size_t i = 0; i < 11; i++) {
		bad += wr(&f, fixed[i], 0x0504010006060606ull, GUEST) != MSR_OK ||
		       rdv(&f, fixed[i]) != 0x0504010006060606ull;
		bad += !refused(&f, fixed[i], 0x0504010006060607ull, HOST, MSR_FAULT);
	}
	ok(bad == 0, "all 11 fixed-range MTRRs take types and refuse UC- (7)");
}

/* PHYSBASEn / PHYSMASKn, each bit, with the CPU's MAXPHYADDR. */
static void test_mtrr_var(enum cpu_vendor v, bool host)
{
	struct fixture f;
	struct wcase c[64];
	unsigned maxphy;
	char what[80], name[32];

	fx_init(&f, v);
	maxphy = f.cpu.maxphyaddr;
	for (uint32_t idx = MSR_IA32_MTRR_PHYSBASE0; idx <= MSR_IA32_MTRR_PHYSMASK7; idx += 7) {
		bool mask = idx & 1;

		fill_bits(c, 0, MSR_OK);
		for (unsigned b = 0; b < 12; b++)
			set_case(c, b, MSR_FAULT, 0);
		if (mask)
			set_case(c, 11, MSR_OK, BIT(11)); /* V */
		else {
			set_case(c, 0, MSR_OK, 1); /* type WC */
			set_case(c, 2, MSR_OK, 4); /* type WT */
		}
		for (unsigned b = maxphy; b < 64; b++)
			set_case(c, b, MSR_FAULT, 0);
		snprintf(what, sizeof(what), "%s, each bit, MAXPHYADDR %u",
			 msr_name(idx, name, sizeof(name)), maxphy);
		check_writes(&f, what, idx, host, c, 64);
	}
}

static void test_mtrr_misc(void)
{
	struct fixture f;

	fx_init(&f, CPU_VENDOR_INTEL);
	f.cpu.maxphyaddr = 52;
	ok(wr(&f, MSR_IA32_MTRR_PHYSBASE0 + 2, BIT(51) | 6, GUEST) == MSR_OK,
	   "PHYSBASE1: bit 51 is an address bit with MAXPHYADDR 52");
	ok(refused(&f, MSR_IA32_MTRR_PHYSBASE0 + 2, BIT(52) | 6, GUEST, MSR_FAULT),
	   "... and bit 52 is reserved");
	ok(refused(&f, MSR_IA32_MTRR_PHYSBASE0 + 3, BIT(0) | BIT(11), GUEST, MSR_FAULT),
	   "PHYSMASK1 with bit 0: #GP (spec 15.7)");
	ok(refused(&f, MSR_IA32_MTRR_DEF_TYPE, BIT(8), HOST, MSR_FAULT) &&
		   refused(&f, MSR_IA32_MTRR_DEF_TYPE, 7, HOST, MSR_FAULT),
	   "MTRRdefType with bit 8, or type 7: #GP, host too (spec 15.7)");
	ok(refused(&f, MSR_IA32_MTRRCAP, 0x508, HOST, MSR_FAULT), "MTRRcap: writes fault");
}

/* §6.5, §15.8: bits 11 and 12 are the guest's read-only bits; bit 7 writes are dropped. */
static void test_misc_enable(void)
{
	const uint64_t old = 0x1800;
	struct fixture f;
	struct wcase c[64];

	fx_init(&f, CPU_VENDOR_INTEL);
	is_u64(rdv(&f, MSR_IA32_MISC_ENABLE), old, "MISC_ENABLE RESET value 0x1800");
	fill_bits(c, old, MSR_OK);
	set_case(c, 7, MSR_OK, old);
	set_case(c, 11, MSR_FAULT, 0);
	set_case(c, 12, MSR_FAULT, 0);
	check_writes(&f, "MISC_ENABLE, each bit", MSR_IA32_MISC_ENABLE, GUEST, c, 64);
	fill_bits(c, old, MSR_OK);
	check_writes(&f, "MISC_ENABLE, each bit", MSR_IA32_MISC_ENABLE, HOST, c, 64);
	/* kvm-unit-tests' value: bits 7, 11, 12 keep the old value. */
	ok(wr(&f, MSR_IA32_MISC_ENABLE, 0x400c51889ull, GUEST) == MSR_OK &&
		   rdv(&f, MSR_IA32_MISC_ENABLE) == 0x400c51809ull,
	   "MISC_ENABLE = 0x400c51889: reads 0x400c51809 (bit 7 dropped)");
	f.st.msr.misc_enable |= BIT(7);
	ok(wr(&f, MSR_IA32_MISC_ENABLE, 0x1800, GUEST) == MSR_OK &&
		   rdv(&f, MSR_IA32_MISC_ENABLE) == 0x1880,
	   "MISC_ENABLE: a guest cannot clear bit 7 either");
	ok(wr(&f, MSR_IA32_MISC_ENABLE, 0, HOST) == MSR_OK && rdv(&f, MSR_IA32_MISC_ENABLE) == 0,
	   "MISC_ENABLE: the host writes anything");
}

/* §6.8, §15.10: the valid mask follows VMX and MCG_CAP.LMCE_P; LOCKED stops the guest. */
static void test_feature_control_bits(bool vmx, bool lmce, bool host)
{
	struct fixture f;
	struct wcase c[64];
	char what[80];

	fx_init(&f, CPU_VENDOR_INTEL);
	cpu_model_set_feature(&f.cpu, FEAT_VMX, vmx);
	f.cpu.mcg_cap = lmce ? f.cpu.mcg_cap | BIT(27) : f.cpu.mcg_cap & ~BIT(27);
	fill_bits(c, 0, MSR_FAULT);
	set_case(c, 0, MSR_OK, 1);
	if (vmx) {
		set_case(c, 1, MSR_OK, BIT(1));
		set_case(c, 2, MSR_OK, BIT(2));
	}
	if (lmce)
		set_case(c, 20, MSR_OK, BIT(20));
	snprintf(what, sizeof(what), "FEATURE_CONTROL, each bit, %s vmx, %s LMCE_P",
		 vmx ? "with" : "no", lmce ? "with" : "no");
	check_writes(&f, what, MSR_IA32_FEATURE_CONTROL, host, c, 64);
}

static void test_feature_control_lock(void)
{
	struct fixture f;

	fx_init(&f, CPU_VENDOR_INTEL);
	cpu_model_set_feature(&f.cpu, FEAT_VMX, true);
	ok(wr(&f, MSR_IA32_FEATURE_CONTROL, 5, GUEST) == MSR_OK, "FEATURE_CONTROL = LOCKED|VMX");
	ok(refused(&f, MSR_IA32_FEATURE_CONTROL, 5, GUEST, MSR_FAULT) &&
		   refused(&f, MSR_IA32_FEATURE_CONTROL, 0, GUEST, MSR_FAULT),
	   "after LOCK, guest writes fault (even the same value)");
	ok(wr(&f, MSR_IA32_FEATURE_CONTROL, 0, HOST) == MSR_OK &&
		   rdv(&f, MSR_IA32_FEATURE_CONTROL) == 0,
	   "after LOCK, a host write works");
	ok(wr(&f, MSR_IA32_FEATURE_CONTROL, 3, GUEST) == MSR_OK &&
		   rdv(&f, MSR_IA32_FEATURE_CONTROL) == 3,
	   "unlocked again: the guest writes");
	ok(refused(&f, MSR_IA32_FEATURE_CONTROL, BIT(17) | BIT(18), HOST, MSR_FAULT),
	   "SGX bits: no SGX in vx86, refused for the host too");
}

int main(void)
{
	for (int host = 0; host <= 1; host++) {
		test_apic_bits(CPU_VENDOR_INTEL, true, host);
		test_apic_bits(CPU_VENDOR_AMD, true, host);
		test_apic_bits(CPU_VENDOR_INTEL, false, host);
		test_apic_bits_x2apic(host);
	}
	test_apic_transitions();
	test_pat();
	for (int host = 0; host <= 1; host++) {
		test_mtrr_def_type(host);
		test_mtrr_var(CPU_VENDOR_INTEL, host);
		test_mtrr_var(CPU_VENDOR_AMD, host);
	}
	test_mtrr_fixed();
	test_mtrr_misc();
	test_misc_enable();
	for (int host = 0; host <= 1; host++) {
		test_feature_control_bits(false, false, host);
		test_feature_control_bits(true, false, host);
		test_feature_control_bits(true, true, host);
	}
	test_feature_control_lock();
	return tap_done();
}
