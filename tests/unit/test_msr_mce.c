/* SPDX-License-Identifier: MIT */
/* Machine-check MSRs (spec/msr.md §6.9, §15.13): MCG_CAP/STATUS/CTL, the banks, CTL2. */
#include "msr_test.h"

#define MCG_CTL_P  BIT(8)
#define MCG_CMCI_P BIT(10)

static uint32_t mc_msr(unsigned bank, unsigned reg)
{
	return MSR_IA32_MC0_CTL + 4 * bank + reg;
}

static void test_mcg(void)
{
	struct fixture f;
	struct wcase c[64];
	uint64_t v;

	fx_init(&f, CPU_VENDOR_INTEL);
	f.cpu.mcg_cap = 10 | MCG_CTL_P | MCG_CMCI_P;
	ok(rd(&f, MSR_IA32_MCG_CAP, GUEST, &v) == MSR_OK && v == f.cpu.mcg_cap,
	   "MCG_CAP reads the CPU model's");
	ok(refused(&f, MSR_IA32_MCG_CAP, v, GUEST, MSR_FAULT) &&
		   refused(&f, MSR_IA32_MCG_CAP, v, HOST, MSR_FAULT),
	   "MCG_CAP is read-only, host too");
	for (int host = 0; host <= 1; host++) {
		for (unsigned b = 0; b < 64; b++)
			c[b] = (struct wcase){BIT(b), MSR_FAULT, 0};
		check_writes(&f, "MCG_CTL, each bit alone", MSR_IA32_MCG_CTL, host, c, 64);
		fill_bits(c, ONES, MSR_FAULT);
		check_writes(&f, "MCG_CTL, all ones but one bit", MSR_IA32_MCG_CTL, host, c, 64);
	}
	ok(wr(&f, MSR_IA32_MCG_CTL, ONES, GUEST) == MSR_OK && rdv(&f, MSR_IA32_MCG_CTL) == ONES &&
		   wr(&f, MSR_IA32_MCG_CTL, 0, GUEST) == MSR_OK,
	   "MCG_CTL takes all ones and 0");
	/* Without MCG_CTL_P: the guest faults, the host may read and write 0. */
	f.cpu.mcg_cap &= ~MCG_CTL_P;
	ok(rd(&f, MSR_IA32_MCG_CTL, GUEST, &v) == MSR_FAULT && v == 0 &&
		   refused(&f, MSR_IA32_MCG_CTL, 0, GUEST, MSR_FAULT),
	   "MCG_CTL without MCG_CTL_P: guest read and write #GP");
	ok(rd(&f, MSR_IA32_MCG_CTL, HOST, &v) == MSR_OK && wr(&f, MSR_IA32_MCG_CTL, 0, HOST) == 0,
	   "... the host reads it and writes 0");
	ok(refused(&f, MSR_IA32_MCG_CTL, ONES, HOST, MSR_FAULT), "... but not all ones");
}

/* Banks at or beyond MCG_CAP.Count fault for everyone, up to 0x47f. */
static void test_bank_count(enum cpu_vendor vendor)
{
	struct fixture f;
	unsigned count, bad = 0, good = 0;
	uint64_t v;

	fx_init(&f, vendor);
	count = f.cpu.mcg_cap & 0xff;
	for (uint32_t idx = MSR_IA32_MC0_CTL; idx <= 0x47f; idx++) {
		bool in = (idx - MSR_IA32_MC0_CTL) / 4 < count;

		for (int host = 0; host <= 1; host++) {
			enum msr_result want = in ? MSR_OK : MSR_FAULT;

			if (rd(&f, idx, host, &v) != want || (!in && v != 0) ||
			    !refused(&f, idx, 0, host, in ? MSR_OK : MSR_FAULT))
				bad++;
			else
				good++;
		}
	}
	ok(count > 0 && bad == 0, "%s: %u banks; MCi_* of banks >= %u fault up to 0x47f (%u ok)",
	   vendor == CPU_VENDOR_AMD ? "AMD" : "Intel", count, count, good);
	ok(rd(&f, 0x480, HOST, &v) == MSR_UNSUPPORTED, "0x480 is past the banks: UNSUPPORTED");
}

/* MCi_CTL: 0 or all ones, with bits 10 and 0 allowed clear. */
static void test_bank_ctl(void)
{
	struct fixture f;
	struct wcase c[64];

	fx_init(&f, CPU_VENDOR_INTEL);
	for (int host = 0; host <= 1; host++) {
		fill_bits(c, ONES, MSR_FAULT);
		set_case(c, 0, MSR_OK, ONES & ~BIT(0));
		set_case(c, 10, MSR_OK, ONES & ~BIT(10));
		check_writes(&f, "MC3_CTL, all ones but one bit", mc_msr(3, 0), host, c, 64);
		for (unsigned b = 0; b < 64; b++)
			c[b] = (struct wcase){BIT(b), MSR_FAULT, 0};
		check_writes(&f, "MC3_CTL, one bit alone", mc_msr(3, 0), host, c, 64);
	}
	ok(wr(&f, mc_msr(0, 0), ONES & ~(BIT(0) | BIT(10)), GUEST) == MSR_OK &&
		   wr(&f, mc_msr(0, 0), 0, GUEST) == MSR_OK &&
		   wr(&f, mc_msr(0, 0), ONES, GUEST) == 0,
	   "MC0_CTL: all ones without bits 0 and 10, 0, all ones");
	ok(refused(&f, mc_msr(1, 0), 0xaaaaaaaaaaaaaaaaull, HOST, MSR_FAULT),
	   "MC1_CTL = 0xaaaa...: #GP, host too");
}

/* MCi_STATUS: a guest writes only 0, unless AMD with HWCR.McStatusWrEn; the host anything. */
static void test_bank_status(void)
{
	struct fixture f;
	struct wcase c[64];

	fx_init(&f, CPU_VENDOR_INTEL);
	for (unsigned b = 0; b < 64; b++)
		c[b] = (struct wcase){BIT(b), MSR_FAULT, 0};
	check_writes(&f, "MC2_STATUS, Intel, each bit", mc_msr(2, 1), GUEST, c, 64);
	fill_bits(c, 0, MSR_OK);
	check_writes(&f, "MC2_STATUS, each bit", mc_msr(2, 1), HOST, c, 64);
	ok(refused(&f, mc_msr(0, 1), 1, GUEST, MSR_FAULT), "MC0_STATUS = 1, Intel guest: #GP");
	wr(&f, MSR_K7_HWCR, BIT(18), GUEST);
	ok(refused(&f, mc_msr(0, 1), 1, GUEST, MSR_FAULT),
	   "... even with HWCR.McStatusWrEn: the CPU is not AMD");
	f.st.msr.mc_status[0] = 5;
	ok(wr(&f, mc_msr(0, 1), 0, GUEST) == MSR_OK && f.st.msr.mc_status[0] == 0,
	   "a guest clears MCi_STATUS");
	fx_init(&f, CPU_VENDOR_AMD);
	ok(refused(&f, mc_msr(0, 1), 1, GUEST, MSR_FAULT), "AMD without McStatusWrEn: #GP");
	wr(&f, MSR_K7_HWCR, BIT(18), GUEST);
	fill_bits(c, 0, MSR_OK);
	check_writes(&f, "MC5_STATUS, AMD with McStatusWrEn, each bit", mc_msr(5, 1), GUEST, c, 64);
}

static void test_bank_addr_misc(void)
{
	struct fixture f;
	struct wcase c[64];

	fx_init(&f, CPU_VENDOR_AMD);
	for (int host = 0; host <= 1; host++) {
		fill_bits(c, 0x8000000000000001ull, MSR_OK);
		check_writes(&f, "MC4_ADDR, any value", mc_msr(4, 2), host, c, 64);
		check_writes(&f, "MC4_MISC, any value", mc_msr(4, 3), host, c, 64);
	}
}

/* MCi_CTL2: CMCI_P, bank < count, bits 30 and 14:0 only. */
static void test_ctl2(void)
{
	struct fixture f;
	struct wcase c[64];
	uint64_t v;
	unsigned bad = 0;

	fx_init(&f, CPU_VENDOR_INTEL);
	f.cpu.mcg_cap = 10 | MCG_CTL_P | MCG_CMCI_P;
	for (int host = 0; host <= 1; host++) {
		fill_bits(c, 0, MSR_FAULT);
		for (unsigned b = 0; b <= 14; b++)
			set_case(c, b, MSR_OK, BIT(b));
		set_case(c, 30, MSR_OK, BIT(30));
		check_writes(&f, "MC9_CTL2, each bit", MSR_IA32_MC0_CTL2 + 9, host, c, 64);
	}
	for (unsigned bank = 10; bank < 32; bank++)
		bad += rd(&f, MSR_IA32_MC0_CTL2 + bank, HOST, &v) != MSR_FAULT ||
		       !refused(&f, MSR_IA32_MC0_CTL2 + bank, 0, HOST, MSR_FAULT);
	ok(bad == 0, "MC10_CTL2..MC31_CTL2 (banks >= 10): #GP, host too");
	ok(msr_lookup(MSR_IA32_MC0_CTL2 + 32) == NULL, "0x2a0 is not a CTL2");
	/* Without CMCI_P: like MCG_CTL, the host keeps read and write-0. */
	f.cpu.mcg_cap &= ~MCG_CMCI_P;
	ok(rd(&f, MSR_IA32_MC0_CTL2, GUEST, &v) == MSR_FAULT &&
		   refused(&f, MSR_IA32_MC0_CTL2, 0, GUEST, MSR_FAULT),
	   "MC0_CTL2 without CMCI_P: guest #GP");
	ok(rd(&f, MSR_IA32_MC0_CTL2, HOST, &v) == MSR_OK &&
		   refused(&f, MSR_IA32_MC0_CTL2, 0, HOST, MSR_OK) &&
		   refused(&f, MSR_IA32_MC0_CTL2, 1, HOST, MSR_FAULT),
	   "... the host reads it and writes 0 only");
}

int main(void)
{
	test_mcg();
	test_bank_count(CPU_VENDOR_INTEL);
	test_bank_count(CPU_VENDOR_AMD);
	test_bank_ctl();
	test_bank_status();
	test_bank_addr_misc();
	test_ctl2();
	return tap_done();
}
