/* SPDX-License-Identifier: MIT */
/*
 * MSRs that hold addresses, EFER, and the TSC family (spec/msr.md §5, §6.1,
 * §4.1, §15.4, §15.5, §15.11).
 */
#include "msr_test.h"

static const uint32_t canonical_msrs[] = {MSR_LSTAR, MSR_CSTAR, MSR_KERNEL_GS_BASE, MSR_FS_BASE,
					  MSR_GS_BASE};

/* An Intel model with or without LA57, or the AMD one (no LA57). */
static void fx_addr(struct fixture *f, enum cpu_vendor v, bool la57)
{
	fx_init(f, v);
	cpu_model_set_feature(&f->cpu, FEAT_LA57, la57);
}

/*
 * spec/msr.md §5.1, §15.4: the width is 57 with LA57 in CPUID, else 48, whatever
 * CR4.LA57 says, and the check applies to host writes too.
 */
static void test_canonical(enum cpu_vendor v, bool la57, bool host)
{
	static const uint64_t both_ok[] = {0, 0x00007fffffffffffull, 0xffff800000000000ull,
					   0xffffffff81000000ull, ONES};
	static const uint64_t only57[] = {0x0000800000000000ull, 0x00ffffffffffffffull,
					  0xffff7fffffffffffull, 0xff00000000000000ull};
	static const uint64_t never[] = {0xaaaaaaaaaaaaaaaaull, 0x0100000000000000ull,
					 0xfeffffffffffffffull, 0x8000000000000000ull,
					 0x7fffffffffffffffull};
	struct fixture f;

	fx_addr(&f, v, la57);
	/* CR4.LA57 is the opposite of the CPUID bit: it must not matter. */
	f.st.cr4 = la57 ? 0 : CR4_LA57;
	for (size_t i = 0; i < sizeof(canonical_msrs) / sizeof(canonical_msrs[0]); i++) {
		struct wcase c[14];
		unsigned n = 0;

		for (size_t k = 0; k < sizeof(both_ok) / sizeof(both_ok[0]); k++)
			c[n++] = (struct wcase){both_ok[k], MSR_OK, both_ok[k]};
		for (size_t k = 0; k < sizeof(only57) / sizeof(only57[0]); k++)
			c[n++] = (struct wcase){only57[k], la57 ? MSR_OK : MSR_FAULT, only57[k]};
		for (size_t k = 0; k < sizeof(never) / sizeof(never[0]); k++)
			c[n++] = (struct wcase){never[k], MSR_FAULT, 0};
		/* A non-zero old value, so a refused write visibly keeps it. */
		wr(&f, canonical_msrs[i], 0xffffffff81234000ull, HOST);
		char what[96];
		snprintf(what, sizeof(what), "%s, %s model%s, %u-bit canonical",
			 msr_name(canonical_msrs[i], NULL, 0),
			 v == CPU_VENDOR_AMD ? "AMD" : "Intel", la57 ? " with la57" : "",
			 la57 ? 57 : 48);
		check_writes(&f, what, canonical_msrs[i], host, c, n);
	}
}

/* Each bit alone, at the 48- and 57-bit boundaries: canonical iff below the width's top bit. */
static void test_canonical_bits(bool la57)
{
	struct fixture f;
	struct wcase c[64];
	unsigned width = la57 ? 57 : 48;

	fx_addr(&f, CPU_VENDOR_INTEL, la57);
	for (unsigned b = 0; b < 64; b++)
		c[b] = (struct wcase){BIT(b), b < width - 1 ? MSR_OK : MSR_FAULT, BIT(b)};
	check_writes(&f, la57 ? "LSTAR = each bit alone, 57-bit" : "LSTAR = each bit alone, 48-bit",
		     MSR_LSTAR, GUEST, c, 64);
	/* Sign-extended: bits width-1..63 all set, plus one lower bit. */
	for (unsigned b = 0; b < 64; b++) {
		uint64_t top = ONES << (width - 1);
		uint64_t val = b < width - 1 ? top | BIT(b) : top & ~BIT(b);

		c[b] = (struct wcase){val, b < width - 1 ? MSR_OK : MSR_FAULT, val};
	}
	check_writes(&f,
		     la57 ? "KERNEL_GS_BASE, upper half, 57-bit"
			  : "KERNEL_GS_BASE, upper half, 48-bit",
		     MSR_KERNEL_GS_BASE, HOST, c, 64);
}

/* spec/msr.md §5.2: SYSENTER_ESP/EIP never fault; Intel canonicalizes, AMD keeps 31:0. */
static void test_sysenter(void)
{
	static const uint32_t idx[] = {MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP};

	for (size_t i = 0; i < 2; i++) {
		struct fixture f;
		const struct wcase intel48[] = {
			{0x0000800000000000ull, MSR_OK, 0xffff800000000000ull},
			{0xaaaaaaaaaaaaaaaaull, MSR_OK, 0xffffaaaaaaaaaaaaull},
			{0x123456789abcdef0ull, MSR_OK, 0x000056789abcdef0ull},
			{0x00007ffffffff000ull, MSR_OK, 0x00007ffffffff000ull},
		};
		const struct wcase intel57[] = {
			{0x0000800000000000ull, MSR_OK, 0x0000800000000000ull},
			{0x0100000000000000ull, MSR_OK, 0xff00000000000000ull},
			{0xaaaaaaaaaaaaaaaaull, MSR_OK, 0x00aaaaaaaaaaaaaaull},
			{0x0155555555555555ull, MSR_OK, 0xff55555555555555ull},
		};
		const struct wcase amd[] = {
			{0x123456789abcdef0ull, MSR_OK, 0x9abcdef0ull},
			{0xffffffff81000000ull, MSR_OK, 0x81000000ull},
			{0x0000800000000000ull, MSR_OK, 0},
		};

		fx_addr(&f, CPU_VENDOR_INTEL, false);
		check_writes(&f, "SYSENTER_ESP/EIP, Intel 48-bit: canonicalized", idx[i], GUEST,
			     intel48, 4);
		check_writes(&f, "SYSENTER_ESP/EIP, Intel 48-bit: canonicalized", idx[i], HOST,
			     intel48, 4);
		fx_addr(&f, CPU_VENDOR_INTEL, true);
		check_writes(&f, "SYSENTER_ESP/EIP, Intel 57-bit: canonicalized", idx[i], GUEST,
			     intel57, 4);
		fx_init(&f, CPU_VENDOR_AMD);
		check_writes(&f, "SYSENTER_ESP/EIP, AMD: bits 31:0 only", idx[i], GUEST, amd, 3);
		check_writes(&f, "SYSENTER_ESP/EIP, AMD: bits 31:0 only", idx[i], HOST, amd, 3);
	}
}

/* MSRs that take any value: every single bit and all ones round-trip, guest and host. */
static void test_any_value(void)
{
	static const uint32_t idx[] = {MSR_STAR, MSR_SFMASK, MSR_IA32_SYSENTER_CS,
				       MSR_IA32_MCG_STATUS, MSR_IA32_POWER_CTL};

	for (int v = CPU_VENDOR_INTEL; v <= CPU_VENDOR_AMD; v++)
		for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
			struct fixture f;
			struct wcase c[64];

			fx_init(&f, (enum cpu_vendor)v);
			wr(&f, idx[i], 0x0123456789abcdefull, HOST);
			fill_bits(c, 0x0123456789abcdefull, MSR_OK);
			check_writes(&f, msr_name(idx[i], NULL, 0), idx[i], GUEST, c, 64);
			check_writes(&f, msr_name(idx[i], NULL, 0), idx[i], HOST, c, 64);
		}
}

/*
 * spec/msr.md §6.1 through msr_set: SCE, LME, NX are writable on both built-in
 * models; LMA is ignored; bits with no rule are reserved for everyone. The
 * vendor-specific bits (SVME, LMSLE, FFXSR, TCE, AUTOIBRS) follow cr.c's
 * efer_valid, which test_cr owns.
 */
static void test_efer_bits(enum cpu_vendor v, bool host)
{
	struct fixture f;
	struct wcase c[64];

	fx_init(&f, v);
	fill_bits(c, 0, MSR_FAULT);
	set_case(c, 0, MSR_OK, EFER_SCE);
	set_case(c, 8, MSR_OK, EFER_LME);
	set_case(c, 10, MSR_OK, 0); /* LMA: read-only through WRMSR, kept at 0 */
	set_case(c, 11, MSR_OK, EFER_NX);
	for (unsigned b = 12; b <= 21; b++)
		if (b <= 15 || b == 21)
			set_case(c, b, efer_valid(&f.cpu, BIT(b), host) ? MSR_OK : MSR_FAULT,
				 BIT(b));
	check_writes(&f, v == CPU_VENDOR_AMD ? "EFER, AMD, each bit" : "EFER, Intel, each bit",
		     MSR_EFER, host, c, 64);
}

static void test_efer_rules(void)
{
	struct fixture f;

	/* §15.5: a guest may not toggle LME with paging on; the host may, and LMA stays. */
	fx_init(&f, CPU_VENDOR_INTEL);
	f.st.cr0 = CR0_PE | CR0_PG;
	f.st.cr4 = CR4_PAE;
	f.st.efer = EFER_LME | EFER_LMA;
	ok(refused(&f, MSR_EFER, EFER_LMA, GUEST, MSR_FAULT),
	   "EFER: guest clears LME with PG=1: #GP");
	ok(wr(&f, MSR_EFER, EFER_LME | EFER_LMA | EFER_NX | EFER_SCE, GUEST) == MSR_OK,
	   "EFER: guest sets NX and SCE with PG=1, LME unchanged: OK");
	ok(wr(&f, MSR_EFER, 0, HOST) == MSR_OK && f.st.efer == EFER_LMA,
	   "EFER: host clears LME with PG=1: OK, LMA kept");
	f.st.efer = 0;
	ok(refused(&f, MSR_EFER, EFER_LME, GUEST, MSR_FAULT),
	   "EFER: guest sets LME with PG=1: #GP");
	f.st.cr0 = CR0_PE;
	ok(wr(&f, MSR_EFER, EFER_LME, GUEST) == MSR_OK && f.st.efer == EFER_LME,
	   "EFER: guest sets LME with PG=0: OK");
	/* NX without CPUID NX: the guest is refused, the host is not. */
	fx_init(&f, CPU_VENDOR_AMD);
	cpu_model_set_feature(&f.cpu, FEAT_NX, false);
	ok(refused(&f, MSR_EFER, EFER_NX, GUEST, MSR_FAULT), "EFER.NX without CPUID NX: guest #GP");
	ok(wr(&f, MSR_EFER, EFER_NX, HOST) == MSR_OK && rdv(&f, MSR_EFER) == EFER_NX,
	   "EFER.NX without CPUID NX: the host may set it");
	ok(refused(&f, MSR_EFER, BIT(1), HOST, MSR_FAULT), "EFER bit 1: #GP for the host too");
}

/* spec/msr.md §4.1, SDM 17.17.3: TSC and TSC_ADJUST move together for the guest only. */
static void test_tsc(void)
{
	struct fixture f;

	fx_init(&f, CPU_VENDOR_INTEL);
	f.st.msr.tsc = 1000;
	ok(wr(&f, MSR_IA32_TSC, 1500, GUEST) == MSR_OK && f.st.msr.tsc == 1500 &&
		   f.st.msr.tsc_adjust == 500,
	   "guest TSC 1000 -> 1500: TSC_ADJUST += 500");
	ok(wr(&f, MSR_IA32_TSC, 1200, GUEST) == MSR_OK && f.st.msr.tsc_adjust == 200,
	   "guest TSC 1500 -> 1200: TSC_ADJUST -= 300");
	ok(wr(&f, MSR_IA32_TSC, 5000, HOST) == MSR_OK && f.st.msr.tsc == 5000 &&
		   f.st.msr.tsc_adjust == 200,
	   "host TSC write: stores only");
	ok(wr(&f, MSR_IA32_TSC_ADJUST, 300, GUEST) == MSR_OK && f.st.msr.tsc == 5100 &&
		   f.st.msr.tsc_adjust == 300,
	   "guest TSC_ADJUST 200 -> 300: TSC += 100");
	ok(wr(&f, MSR_IA32_TSC_ADJUST, 0, GUEST) == MSR_OK && f.st.msr.tsc == 4800,
	   "guest TSC_ADJUST 300 -> 0: TSC -= 300");
	ok(wr(&f, MSR_IA32_TSC_ADJUST, 7, HOST) == MSR_OK && f.st.msr.tsc == 4800 &&
		   rdv(&f, MSR_IA32_TSC_ADJUST) == 7,
	   "host TSC_ADJUST write: stores only");
	f.st.msr.tsc = 1000;
	f.st.msr.tsc_adjust = 0;
	ok(wr(&f, MSR_IA32_TSC, 0, GUEST) == MSR_OK && f.st.msr.tsc_adjust == (uint64_t)-1000,
	   "guest TSC 1000 -> 0: TSC_ADJUST = -1000 (wraps)");
	is_u64(rdv(&f, MSR_IA32_TSC), 0, "TSC reads the stored value");
	/* No TSC_ADJUST in CPUID: a guest TSC write leaves the (host-visible) field alone. */
	fx_init(&f, CPU_VENDOR_AMD);
	ok(wr(&f, MSR_IA32_TSC, 999, GUEST) == MSR_OK && f.st.msr.tsc_adjust == 0,
	   "AMD (no tsc_adjust): guest TSC write does not touch TSC_ADJUST");
	ok(refused(&f, MSR_IA32_TSC_ADJUST, 1, GUEST, MSR_UNSUPPORTED),
	   "AMD: guest TSC_ADJUST is UNSUPPORTED");
	ok(wr(&f, MSR_IA32_TSC_ADJUST, 5, HOST) == MSR_OK && f.st.msr.tsc == 999,
	   "AMD: host TSC_ADJUST stores");
}

/* spec/msr.md §5.3, §15.11. */
static void test_tsc_aux(void)
{
	struct fixture f;
	struct wcase c[64];

	for (int host = 0; host <= 1; host++) {
		fx_init(&f, CPU_VENDOR_INTEL);
		fill_bits(c, 0, MSR_OK);
		for (unsigned b = 32; b < 64; b++)
			set_case(c, b, MSR_FAULT, 0);
		check_writes(&f, "TSC_AUX, Intel: bits 63:32 fault", MSR_TSC_AUX, host, c, 64);
		fx_init(&f, CPU_VENDOR_AMD);
		for (unsigned b = 0; b < 64; b++)
			c[b] = (struct wcase){BIT(b) | 5, MSR_OK, b < 32 ? BIT(b) | 5 : 5};
		check_writes(&f, "TSC_AUX, AMD: bits 63:32 dropped", MSR_TSC_AUX, host, c, 64);
	}
	fx_init(&f, CPU_VENDOR_INTEL);
	ok(wr(&f, MSR_TSC_AUX, 0x100, GUEST) == MSR_OK && rdv(&f, MSR_TSC_AUX) == 0x100,
	   "TSC_AUX = 0x100 round-trips");
	cpu_model_set_feature(&f.cpu, FEAT_RDTSCP, false);
	ok(wr(&f, MSR_TSC_AUX, 10, GUEST) == MSR_OK, "TSC_AUX with rdpid only: OK");
	cpu_model_set_feature(&f.cpu, FEAT_RDPID, false);
	ok(refused(&f, MSR_TSC_AUX, 1, GUEST, MSR_UNSUPPORTED),
	   "TSC_AUX without rdtscp and rdpid: guest UNSUPPORTED");
	ok(wr(&f, MSR_TSC_AUX, 11, HOST) == MSR_OK && rdv(&f, MSR_TSC_AUX) == 11,
	   "... the host still reads and writes it");
	ok(refused(&f, MSR_TSC_AUX, BIT(40), HOST, MSR_FAULT),
	   "... and Intel's bits 63:32 still fault for it");
	cpu_model_set_feature(&f.cpu, FEAT_RDTSCP, true);
	ok(wr(&f, MSR_TSC_AUX, 12, GUEST) == MSR_OK, "TSC_AUX with rdtscp only: OK");
}

/* spec/msr.md §6.12: no local APIC timer yet, so as without TSC-deadline mode. */
static void test_tsc_deadline(void)
{
	struct fixture f;
	uint64_t v;

	fx_init(&f, CPU_VENDOR_INTEL);
	ok(refused(&f, MSR_IA32_TSC_DEADLINE, 123456, GUEST, MSR_OK),
	   "TSC_DEADLINE write: accepted, nothing stored");
	ok(rd(&f, MSR_IA32_TSC_DEADLINE, GUEST, &v) == MSR_OK && v == 0, "TSC_DEADLINE reads 0");
	fx_init(&f, CPU_VENDOR_AMD);
	ok(rd(&f, MSR_IA32_TSC_DEADLINE, GUEST, &v) == MSR_UNSUPPORTED,
	   "AMD (no tsc_deadline): guest UNSUPPORTED");
}

int main(void)
{
	for (int host = 0; host <= 1; host++) {
		test_canonical(CPU_VENDOR_INTEL, false, host);
		test_canonical(CPU_VENDOR_INTEL, true, host);
		test_canonical(CPU_VENDOR_AMD, false, host);
	}
	test_canonical_bits(false);
	test_canonical_bits(true);
	test_sysenter();
	test_any_value();
	for (int host = 0; host <= 1; host++) {
		test_efer_bits(CPU_VENDOR_INTEL, host);
		test_efer_bits(CPU_VENDOR_AMD, host);
	}
	test_efer_rules();
	test_tsc();
	test_tsc_aux();
	test_tsc_deadline();
	return tap_done();
}
