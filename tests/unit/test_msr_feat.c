/* SPDX-License-Identifier: MIT */
/*
 * CPUID-dependent and host-only MSRs (spec/msr.md §4.1, §6.6, §6.7, §6.10-§6.12,
 * §6.14-§6.15, §15.12): SPEC_CTRL, PRED_CMD, FLUSH_CMD, ARCH_CAPABILITIES,
 * UCODE_REV, PLATFORM_INFO, MISC_FEATURES_ENABLES, DEBUGCTL, XSS, HWCR.
 */
#include "msr_test.h"

static void clear_spec_features(struct cpu_model *cpu)
{
	static const enum cpu_feature all[] = {FEAT_SPEC_CTRL, FEAT_STIBP,     FEAT_SSBD,
					       FEAT_AMD_IBRS,  FEAT_AMD_STIBP, FEAT_AMD_SSBD,
					       FEAT_AMD_IBPB};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		cpu_model_set_feature(cpu, all[i], false);
}

/* Each bit of SPEC_CTRL on a CPU with exactly feats; valid = the bits they give. */
static void spec_ctrl_case(enum cpu_vendor v, const enum cpu_feature *feats, unsigned n,
			   uint64_t valid, const char *what)
{
	struct fixture f;
	struct wcase c[64];

	fx_init(&f, v);
	clear_spec_features(&f.cpu);
	for (unsigned i = 0; i < n; i++)
		cpu_model_set_feature(&f.cpu, feats[i], true);
	fill_bits(c, 0, MSR_FAULT);
	for (unsigned b = 0; b < 64; b++)
		if (valid & BIT(b))
			set_case(c, b, MSR_OK, BIT(b));
	check_writes(&f, what, MSR_IA32_SPEC_CTRL, GUEST, c, 64);
	check_writes(&f, what, MSR_IA32_SPEC_CTRL, HOST, c, 64);
}

/* §6.6: IBRS 0, STIBP 1, SSBD 2, each with its Intel or AMD bit; host value checks too. */
static void test_spec_ctrl(void)
{
	static const enum cpu_feature intel_all[] = {FEAT_SPEC_CTRL, FEAT_STIBP, FEAT_SSBD};
	static const enum cpu_feature amd_all[] = {FEAT_AMD_IBRS, FEAT_AMD_STIBP, FEAT_AMD_SSBD};
	static const enum cpu_feature ibrs[] = {FEAT_SPEC_CTRL};
	static const enum cpu_feature stibp[] = {FEAT_AMD_STIBP};
	static const enum cpu_feature ssbd[] = {FEAT_AMD_SSBD};
	static const enum cpu_feature mixed[] = {FEAT_AMD_IBRS, FEAT_SSBD};
	struct fixture f;
	uint64_t v;

	spec_ctrl_case(CPU_VENDOR_INTEL, intel_all, 3, 7, "SPEC_CTRL, Intel bits: IBRS|STIBP|SSBD");
	spec_ctrl_case(CPU_VENDOR_AMD, amd_all, 3, 7, "SPEC_CTRL, AMD bits: IBRS|STIBP|SSBD");
	spec_ctrl_case(CPU_VENDOR_INTEL, ibrs, 1, 1, "SPEC_CTRL, spec_ctrl only: IBRS");
	spec_ctrl_case(CPU_VENDOR_AMD, stibp, 1, 2, "SPEC_CTRL, amd_stibp only: STIBP");
	spec_ctrl_case(CPU_VENDOR_AMD, ssbd, 1, 4, "SPEC_CTRL, amd_ssbd only: SSBD");
	spec_ctrl_case(CPU_VENDOR_INTEL, mixed, 2, 5, "SPEC_CTRL, amd_ibrs + ssbd: IBRS|SSBD");
	fx_init(&f, CPU_VENDOR_INTEL);
	clear_spec_features(&f.cpu);
	ok(rd(&f, MSR_IA32_SPEC_CTRL, GUEST, &v) == MSR_UNSUPPORTED &&
		   refused(&f, MSR_IA32_SPEC_CTRL, 0, GUEST, MSR_UNSUPPORTED),
	   "SPEC_CTRL with no CPUID bit: guest UNSUPPORTED");
	ok(rd(&f, MSR_IA32_SPEC_CTRL, HOST, &v) == MSR_OK &&
		   wr(&f, MSR_IA32_SPEC_CTRL, 0, HOST) == 0,
	   "... the host reads it and writes 0");
	ok(refused(&f, MSR_IA32_SPEC_CTRL, 1, HOST, MSR_FAULT), "... but not IBRS: no valid bits");
}

/* §6.6, §15.12: PRED_CMD is a write-only command; IBPB only. */
static void test_pred_cmd(void)
{
	struct fixture f;
	struct wcase c[64];
	uint64_t v;

	for (int host = 0; host <= 1; host++)
		for (int vendor = CPU_VENDOR_INTEL; vendor <= CPU_VENDOR_AMD; vendor++) {
			fx_init(&f, (enum cpu_vendor)vendor);
			/* An accepted command stores nothing: the state must not change. */
			for (unsigned b = 0; b < 64; b++)
				c[b] = (struct wcase){BIT(b), b ? MSR_FAULT : MSR_OK, 0};
			check_writes(&f, "PRED_CMD, each bit: IBPB only", MSR_IA32_PRED_CMD, host,
				     c, 64);
			ok(refused(&f, MSR_IA32_PRED_CMD, 1, host, MSR_OK) &&
				   refused(&f, MSR_IA32_PRED_CMD, 0, host, MSR_OK),
			   "PRED_CMD: IBPB and 0 are accepted no-ops (%s, %s)",
			   vendor == CPU_VENDOR_AMD ? "AMD" : "Intel", host ? "host" : "guest");
		}
	fx_init(&f, CPU_VENDOR_INTEL);
	ok(rd(&f, MSR_IA32_PRED_CMD, GUEST, &v) == MSR_FAULT && v == 0, "PRED_CMD read: #GP");
	clear_spec_features(&f.cpu);
	cpu_model_set_feature(&f.cpu, FEAT_AMD_IBPB, true);
	ok(wr(&f, MSR_IA32_PRED_CMD, 1, GUEST) == MSR_OK,
	   "PRED_CMD with amd_ibpb only: IBPB works");
	cpu_model_set_feature(&f.cpu, FEAT_AMD_IBPB, false);
	ok(refused(&f, MSR_IA32_PRED_CMD, 0, GUEST, MSR_UNSUPPORTED),
	   "PRED_CMD without spec_ctrl or amd_ibpb: guest UNSUPPORTED");
	ok(refused(&f, MSR_IA32_PRED_CMD, 0, HOST, MSR_OK) &&
		   refused(&f, MSR_IA32_PRED_CMD, 1, HOST, MSR_FAULT),
	   "... the host may write 0 but not IBPB");
}

/* §6.6, §15.12: FLUSH_CMD needs flush_l1d; bits 1..63 fault. */
static void test_flush_cmd(void)
{
	struct fixture f;
	struct wcase c[64];
	uint64_t v;

	fx_init(&f, CPU_VENDOR_INTEL);
	ok(refused(&f, MSR_IA32_FLUSH_CMD, 1, GUEST, MSR_UNSUPPORTED),
	   "FLUSH_CMD on the built-in Intel model (no flush_l1d): UNSUPPORTED");
	cpu_model_set_feature(&f.cpu, FEAT_FLUSH_L1D, true);
	for (int host = 0; host <= 1; host++) {
		for (unsigned b = 0; b < 64; b++)
			c[b] = (struct wcase){BIT(b), b == 0 ? MSR_OK : MSR_FAULT, 0};
		check_writes(&f, "FLUSH_CMD, each bit: L1D_FLUSH only", MSR_IA32_FLUSH_CMD, host, c,
			     64);
	}
	ok(refused(&f, MSR_IA32_FLUSH_CMD, 1, GUEST, MSR_OK),
	   "FLUSH_CMD: L1D_FLUSH stores nothing");
	ok(rd(&f, MSR_IA32_FLUSH_CMD, GUEST, &v) == MSR_FAULT && v == 0, "FLUSH_CMD read: #GP");
}

/* §4.1: ARCH_CAPABILITIES, UCODE_REV, PLATFORM_INFO: what the guest and the host may do. */
static void test_host_only(void)
{
	struct fixture f;
	uint64_t v;

	fx_init(&f, CPU_VENDOR_INTEL);
	ok(rd(&f, MSR_IA32_ARCH_CAPABILITIES, GUEST, &v) == MSR_OK && v == f.cpu.arch_capabilities,
	   "ARCH_CAPABILITIES: the guest reads the CPU model's value");
	ok(refused(&f, MSR_IA32_ARCH_CAPABILITIES, v, GUEST, MSR_FAULT),
	   "ARCH_CAPABILITIES: guest write #GP");
	ok(wr(&f, MSR_IA32_ARCH_CAPABILITIES, 0x21, HOST) == MSR_OK &&
		   rdv(&f, MSR_IA32_ARCH_CAPABILITIES) == 0x21,
	   "ARCH_CAPABILITIES: host write stores");
	fx_init(&f, CPU_VENDOR_AMD);
	ok(rd(&f, MSR_IA32_ARCH_CAPABILITIES, GUEST, &v) == MSR_UNSUPPORTED,
	   "AMD (no arch_capabilities): guest read UNSUPPORTED");
	ok(rd(&f, MSR_IA32_ARCH_CAPABILITIES, HOST, &v) == MSR_OK && v == 0,
	   "... the host reads it (0)");
	ok(refused(&f, MSR_IA32_ARCH_CAPABILITIES, 1, HOST, MSR_UNSUPPORTED),
	   "... but a host write needs the CPUID bit");

	fx_init(&f, CPU_VENDOR_AMD);
	ok(refused(&f, MSR_IA32_UCODE_REV, 0x1234, GUEST, MSR_OK) &&
		   rdv(&f, MSR_IA32_UCODE_REV) == f.cpu.ucode_rev,
	   "UCODE_REV: guest write accepted and dropped");
	ok(wr(&f, MSR_IA32_UCODE_REV, 0x1234, HOST) == MSR_OK &&
		   rdv(&f, MSR_IA32_UCODE_REV) == 0x1234,
	   "UCODE_REV: host write stores");

	fx_init(&f, CPU_VENDOR_INTEL);
	ok(rd(&f, MSR_PLATFORM_INFO, GUEST, &v) == MSR_OK && v == BIT(31),
	   "PLATFORM_INFO: guest reads 1 << 31");
	ok(refused(&f, MSR_PLATFORM_INFO, BIT(31), GUEST, MSR_FAULT),
	   "PLATFORM_INFO: guest write #GP");
	ok(wr(&f, MSR_PLATFORM_INFO, BIT(31) | 0xff00, HOST) == MSR_OK &&
		   rdv(&f, MSR_PLATFORM_INFO) == (BIT(31) | 0xff00),
	   "PLATFORM_INFO: host write stores");
	f.st.msr.misc_features_enables = 1;
	ok(refused(&f, MSR_PLATFORM_INFO, 0, HOST, MSR_FAULT),
	   "PLATFORM_INFO: the host may not clear bit 31 while CPUID faulting is on");
}

/* §6.11: MISC_FEATURES_ENABLES, bit 0 only, and only with PLATFORM_INFO bit 31. */
static void test_misc_features(void)
{
	struct fixture f;
	struct wcase c[64];

	fx_init(&f, CPU_VENDOR_AMD);
	for (int host = 0; host <= 1; host++) {
		fill_bits(c, 0, MSR_FAULT);
		set_case(c, 0, MSR_OK, 1);
		check_writes(&f, "MISC_FEATURES_ENABLES, each bit", MSR_MISC_FEATURES_ENABLES, host,
			     c, 64);
	}
	wr(&f, MSR_PLATFORM_INFO, 0, HOST);
	ok(refused(&f, MSR_MISC_FEATURES_ENABLES, 1, GUEST, MSR_FAULT) &&
		   refused(&f, MSR_MISC_FEATURES_ENABLES, 1, HOST, MSR_FAULT),
	   "without PLATFORM_INFO bit 31, CPUID faulting cannot be enabled");
	ok(wr(&f, MSR_MISC_FEATURES_ENABLES, 0, GUEST) == MSR_OK, "... 0 is still fine");
}

/* §6.7: Intel drops LBR and BTF and faults on the rest; AMD keeps bits 5:0. */
static void test_debugctl(void)
{
	struct fixture f;
	struct wcase c[64];

	for (int host = 0; host <= 1; host++) {
		fx_init(&f, CPU_VENDOR_INTEL);
		fill_bits(c, 0, MSR_FAULT);
		set_case(c, 0, MSR_OK, 0);
		set_case(c, 1, MSR_OK, 0);
		check_writes(&f, "DEBUGCTL, Intel, each bit", MSR_IA32_DEBUGCTL, host, c, 64);
		fx_init(&f, CPU_VENDOR_AMD);
		fill_bits(c, 0, MSR_FAULT);
		for (unsigned b = 0; b < 6; b++)
			set_case(c, b, MSR_OK, BIT(b));
		check_writes(&f, "DEBUGCTL, AMD, each bit", MSR_IA32_DEBUGCTL, host, c, 64);
	}
	fx_init(&f, CPU_VENDOR_INTEL);
	ok(refused(&f, MSR_IA32_DEBUGCTL, 3 | BIT(2), GUEST, MSR_FAULT),
	   "DEBUGCTL, Intel: LBR|BTF with another bit still faults");
}

/* §6.12: XSS needs XSAVES and a subset of the model's supported XSS. */
static void test_xss(void)
{
	struct fixture f;
	struct wcase c[64];
	const uint64_t supported = BIT(8) | BIT(11) | BIT(12);

	fx_init(&f, CPU_VENDOR_INTEL);
	ok(refused(&f, MSR_IA32_XSS, 0, GUEST, MSR_UNSUPPORTED), "XSS without xsaves: UNSUPPORTED");
	ok(refused(&f, MSR_IA32_XSS, 0, HOST, MSR_OK) &&
		   refused(&f, MSR_IA32_XSS, BIT(8), HOST, MSR_FAULT),
	   "... the host writes 0, nothing else (supported XSS is 0)");
	cpu_model_set_feature(&f.cpu, FEAT_XSAVES, true);
	f.cpu.supported_xss = supported;
	for (int host = 0; host <= 1; host++) {
		fill_bits(c, 0, MSR_FAULT);
		for (unsigned b = 0; b < 64; b++)
			if (supported & BIT(b))
				set_case(c, b, MSR_OK, BIT(b));
		check_writes(&f, "XSS, each bit, supported 8, 11, 12", MSR_IA32_XSS, host, c, 64);
	}
}

/* §6.10: HWCR on both vendors. */
static void test_hwcr(void)
{
	for (int v = CPU_VENDOR_INTEL; v <= CPU_VENDOR_AMD; v++)
		for (int host = 0; host <= 1; host++) {
			struct fixture f;
			struct wcase c[64];

			fx_init(&f, (enum cpu_vendor)v);
			fill_bits(c, 0, MSR_FAULT);
			set_case(c, 3, MSR_OK, 0);
			set_case(c, 6, MSR_OK, 0);
			set_case(c, 8, MSR_OK, 0);
			set_case(c, 18, MSR_OK, BIT(18));
			set_case(c, 24, MSR_OK, BIT(24));
			check_writes(&f,
				     v == CPU_VENDOR_AMD ? "HWCR, AMD, each bit"
							 : "HWCR, Intel, each bit",
				     MSR_K7_HWCR, host, c, 64);
		}
}

/* §6.14, §6.15: the constant rows. */
static void test_constants(void)
{
	struct fixture f;
	uint64_t v;

	fx_init(&f, CPU_VENDOR_INTEL);
	ok(rd(&f, 0x17, GUEST, &v) == MSR_OK && v == 0 && rd(&f, 0x2a, GUEST, &v) == MSR_OK &&
		   v == 0,
	   "PLATFORM_ID and EBL_CR_POWERON read 0");
	ok(refused(&f, 0x79, 0x12345678, GUEST, MSR_OK), "BIOS_UPDT_TRIG: writes are dropped");
	ok(rd(&f, 0x79, GUEST, &v) == MSR_FAULT, "BIOS_UPDT_TRIG: reads fault");
}

int main(void)
{
	test_spec_ctrl();
	test_pred_cmd();
	test_flush_cmd();
	test_host_only();
	test_misc_features();
	test_debugctl();
	test_xss();
	test_hwcr();
	test_constants();
	return tap_done();
}
