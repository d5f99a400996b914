/* SPDX-License-Identifier: MIT */
/*
 * The CPU model: the two built-in CPUID tables, cpu_has() for every feature,
 * feature flips, the dynamic CPUID bits, out-of-range leaves per vendor, and a
 * model derived from a foreign CPUID table.
 */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "vcpu/cpu_model.h"
#include "vcpu/model.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The features each built-in has (the brief's tables); every other one is absent. */
static const enum cpu_feature intel_has[] = {
	FEAT_PSE,	   FEAT_TSC,	 FEAT_MSR,	  FEAT_PAE,	FEAT_MCE,
	FEAT_APIC,	   FEAT_SEP,	 FEAT_MTRR,	  FEAT_PGE,	FEAT_MCA,
	FEAT_PAT,	   FEAT_FXSR,	 FEAT_SSE3,	  FEAT_PCID,	FEAT_X2APIC,
	FEAT_TSC_DEADLINE, FEAT_XSAVE,	 FEAT_TSC_ADJUST, FEAT_LA57,	FEAT_RDPID,
	FEAT_SPEC_CTRL,	   FEAT_STIBP,	 FEAT_SSBD,	  FEAT_LAHF_LM, FEAT_SYSCALL,
	FEAT_NX,	   FEAT_PDPE1GB, FEAT_RDTSCP,	  FEAT_LM,	FEAT_ARCH_CAPABILITIES,
};
static const enum cpu_feature amd_has[] = {
	FEAT_PSE,	FEAT_TSC,      FEAT_MSR,    FEAT_PAE,	FEAT_MCE,      FEAT_APIC,
	FEAT_SEP,	FEAT_MTRR,     FEAT_PGE,    FEAT_MCA,	FEAT_PAT,      FEAT_FXSR,
	FEAT_SSE3,	FEAT_X2APIC,   FEAT_XSAVE,  FEAT_RDPID, FEAT_LAHF_LM,  FEAT_SYSCALL,
	FEAT_NX,	FEAT_PDPE1GB,  FEAT_RDTSCP, FEAT_LM,	FEAT_AMD_IBPB, FEAT_AMD_IBRS,
	FEAT_AMD_STIBP, FEAT_AMD_SSBD,
};

static bool listed(const enum cpu_feature *l, size_t n, enum cpu_feature f)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == f)
			return true;
	return false;
}

static void check_features(const struct cpu_model *c, const enum cpu_feature *l, size_t n)
{
	for (int f = 0; f < FEAT_COUNT; f++)
		ok(cpu_has(c, (enum cpu_feature)f) == listed(l, n, (enum cpu_feature)f),
		   "%s: %s %s", c->name, cpu_feature_name((enum cpu_feature)f),
		   listed(l, n, (enum cpu_feature)f) ? "present" : "absent");
}

/* The 12 bytes of a vendor ID in EBX, EDX, ECX order. */
static void vendor_of(const struct cpuid_entry *e, char out[13])
{
	memcpy(out, &e->ebx, 4);
	memcpy(out + 4, &e->edx, 4);
	memcpy(out + 8, &e->ecx, 4);
	out[12] = 0;
}

static void brand_of(const struct cpu_model *c, char out[49])
{
	for (unsigned i = 0; i < 3; i++) {
		const struct cpuid_entry *e = cpu_model_leaf(c, 0x80000002 + i, 0);

		memcpy(out + 16 * i, &e->eax, 4);
		memcpy(out + 16 * i + 4, &e->ebx, 4);
		memcpy(out + 16 * i + 8, &e->ecx, 4);
		memcpy(out + 16 * i + 12, &e->edx, 4);
	}
	out[48] = 0;
}

static void test_intel(void)
{
	struct cpu_model c;
	char s[49];

	cpu_model_init(&c, CPU_VENDOR_INTEL);
	ok(c.vendor == CPU_VENDOR_INTEL && strcmp(c.name, "intel") == 0, "intel: vendor and name");
	vendor_of(cpu_model_leaf(&c, 0, 0), s);
	ok(strcmp(s, "GenuineIntel") == 0, "intel: leaf 0 vendor %s", s);
	is_u64(cpu_model_leaf(&c, 0, 0)->eax, 0xd, "intel: max basic leaf");
	is_u64(cpu_model_leaf(&c, 1, 0)->eax, 0x000506e3, "intel: signature");
	is_u64(cpu_model_leaf(&c, 1, 0)->ebx, 0x00010800, "intel: 1.EBX clflush/logical");
	is_u64(cpu_model_leaf(&c, 1, 0)->edx, 0x078bfbff, "intel: 1.EDX");
	is_u64(cpu_model_leaf(&c, 1, 0)->ecx, 0x85a22001, "intel: 1.ECX");
	is_u64(cpu_model_leaf(&c, 7, 0)->ebx, 0x2, "intel: 7.EBX");
	is_u64(cpu_model_leaf(&c, 7, 0)->ecx, 0x410000, "intel: 7.ECX");
	is_u64(cpu_model_leaf(&c, 7, 0)->edx, 0xac000000, "intel: 7.EDX");
	is_u64(cpu_model_leaf(&c, 0xd, 0)->ebx, 576, "intel: 0xD.0 EBX");
	is_u64(cpu_model_leaf(&c, 0xd, 1)->eax, 0, "intel: 0xD.1 EAX");
	is_u64(cpu_model_leaf(&c, 0x80000000, 0)->eax, 0x80000008, "intel: max extended leaf");
	is_u64(cpu_model_leaf(&c, 0x80000000, 0)->ebx, 0, "intel: no vendor in 0x80000000");
	is_u64(cpu_model_leaf(&c, 0x80000001, 0)->edx, 0x2c100800, "intel: 0x80000001 EDX");
	is_u64(cpu_model_leaf(&c, 0x80000001, 0)->ecx, 0x21, "intel: 0x80000001 ECX");
	brand_of(&c, s);
	ok(strcmp(s, "vx86 virtual CPU (Intel model)") == 0, "intel: brand '%s'", s);
	is_u64(c.maxphyaddr, 39, "intel: maxphyaddr");
	is_u64(c.supported_xcr0, 3, "intel: supported xcr0");
	is_u64(c.supported_xss, 0, "intel: supported xss");
	is_u64(c.mcg_cap, 0x50a, "intel: mcg_cap");
	is_u64(c.arch_capabilities, 0x17b, "intel: arch_capabilities");
	is_u64(c.ucode_rev, 0x100000000ull, "intel: ucode_rev");
	check_features(&c, intel_has, N(intel_has));
}

static void test_amd(void)
{
	struct cpu_model c;
	char s[49];

	cpu_model_init(&c, CPU_VENDOR_AMD);
	ok(c.vendor == CPU_VENDOR_AMD && strcmp(c.name, "amd") == 0, "amd: vendor and name");
	vendor_of(cpu_model_leaf(&c, 0, 0), s);
	ok(strcmp(s, "AuthenticAMD") == 0, "amd: leaf 0 vendor %s", s);
	vendor_of(cpu_model_leaf(&c, 0x80000000, 0), s);
	ok(strcmp(s, "AuthenticAMD") == 0, "amd: 0x80000000 vendor %s", s);
	is_u64(cpu_model_leaf(&c, 1, 0)->eax, 0x00830f10, "amd: signature");
	is_u64(cpu_model_leaf(&c, 1, 0)->ecx, 0x84a02001, "amd: 1.ECX");
	is_u64(cpu_model_leaf(&c, 7, 0)->ebx, 0, "amd: 7.EBX");
	is_u64(cpu_model_leaf(&c, 7, 0)->ecx, 0x400000, "amd: 7.ECX");
	is_u64(cpu_model_leaf(&c, 0x80000008, 0)->eax, 0x3030, "amd: 0x80000008 EAX");
	is_u64(cpu_model_leaf(&c, 0x80000008, 0)->ebx, 0x0100d000, "amd: 0x80000008 EBX");
	brand_of(&c, s);
	ok(strcmp(s, "vx86 virtual CPU (AMD model)") == 0, "amd: brand '%s'", s);
	is_u64(c.maxphyaddr, 48, "amd: maxphyaddr");
	is_u64(c.mcg_cap, 0x106, "amd: mcg_cap");
	is_u64(c.arch_capabilities, 0, "amd: arch_capabilities");
	is_u64(c.ucode_rev, 0x01000065, "amd: ucode_rev");
	check_features(&c, amd_has, N(amd_has));
}

static void test_set_feature(void)
{
	struct cpu_model c;

	cpu_model_init(&c, CPU_VENDOR_INTEL);
	cpu_model_set_feature(&c, FEAT_NX, false);
	ok(!cpu_has(&c, FEAT_NX), "set_feature: NX cleared");
	is_u64(cpu_model_leaf(&c, 0x80000001, 0)->edx & (1u << 20), 0, "set_feature: in the table");
	cpu_model_set_feature(&c, FEAT_NX, true);
	ok(cpu_has(&c, FEAT_NX), "set_feature: NX set again");
	cpu_model_set_feature(&c, FEAT_SMEP, true);
	ok(cpu_has(&c, FEAT_SMEP), "set_feature: SMEP added");
	is_u64(cpu_model_leaf(&c, 7, 0)->ebx & (1u << 7), 1u << 7, "set_feature: 7.EBX[7]");
	/* A feature whose leaf the table lacks gets the leaf, within the range's maximum. */
	cpu_model_init(&c, CPU_VENDOR_AMD);
	cpu_model_set_feature(&c, FEAT_AUTOIBRS, true);
	ok(cpu_has(&c, FEAT_AUTOIBRS), "set_feature: AUTOIBRS added with its leaf");
	ok(cpu_model_leaf(&c, 0x80000000, 0)->eax >= 0x80000021, "set_feature: max raised");
	ok(strcmp(cpu_feature_name(FEAT_TSC_ADJUST), "tsc_adjust") == 0 &&
		   strcmp(cpu_feature_name(FEAT_X2APIC), "x2apic") == 0 &&
		   strcmp(cpu_feature_name(FEAT_NX), "nx") == 0,
	   "feature names");
}

static void cpuid(const struct vcpu_model *m, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	memset(out, 0xa5, 4 * sizeof(*out));
	cpu_cpuid(m, leaf, sub, out);
}

static void test_dynamic(void)
{
	struct cpu_model c;
	struct vcpu_state st = {0};
	struct vcpu_model m = {.st = &st, .cpu = &c};
	uint32_t r[4];

	cpu_model_init(&c, CPU_VENDOR_INTEL);
	/* A stale APIC ID in the table. */
	((struct cpuid_entry *)cpu_model_leaf(&c, 1, 0))->ebx |= 0x05000000;
	st.msr.apic_base = 0xfee00900;
	cpuid(&m, 1, 0, r);
	is_u64(r[2] >> 27 & 1, 0, "cpuid: OSXSAVE 0 with CR4.OSXSAVE=0");
	is_u64(r[3] >> 9 & 1, 1, "cpuid: APIC 1 with APIC_BASE.EN=1");
	is_u64(r[1] >> 24, 0, "cpuid: 1.EBX APIC ID 0");
	is_u64(r[0], 0x000506e3, "cpuid: 1.EAX");
	st.cr4 = CR4_OSXSAVE;
	cpuid(&m, 1, 0, r);
	is_u64(r[2] >> 27 & 1, 1, "cpuid: OSXSAVE follows CR4.OSXSAVE=1");
	st.msr.apic_base = 0xfee00100;
	cpuid(&m, 1, 7, r);
	is_u64(r[3] >> 9 & 1, 0, "cpuid: APIC cleared with APIC_BASE.EN=0");
	is_u64(r[0], 0x000506e3, "cpuid: leaf 1 ignores the subleaf");
	cpuid(&m, 7, 0, r);
	is_u64(r[2] >> 4 & 1, 0, "cpuid: OSPKE 0 with CR4.PKE=0");
	st.cr4 |= CR4_PKE;
	cpuid(&m, 7, 0, r);
	is_u64(r[2] >> 4 & 1, 1, "cpuid: OSPKE follows CR4.PKE");
	cpuid(&m, 7, 1, r);
	ok(!r[0] && !r[1] && !r[2] && !r[3], "cpuid: 7.1 absent -> zeros, no OSPKE");
	cpuid(&m, 0xd, 0, r);
	ok(r[0] == 3 && r[1] == 576 && r[2] == 576 && r[3] == 0, "cpuid: 0xD.0");
	cpuid(&m, 0xd, 1, r);
	ok(!r[0] && !r[1] && !r[2] && !r[3], "cpuid: 0xD.1 zeros");
	cpuid(&m, 2, 0, r);
	ok(!r[0] && !r[1] && !r[2] && !r[3], "cpuid: missing leaf in range -> zeros");
	cpuid(&m, 0x80000005, 0, r);
	ok(!r[0] && !r[1] && !r[2] && !r[3], "cpuid: missing extended leaf in range -> zeros");
}

static void test_out_of_range(void)
{
	struct cpu_model c;
	struct vcpu_state st = {0};
	struct vcpu_model m = {.st = &st, .cpu = &c};
	uint32_t r[4];

	cpu_model_init(&c, CPU_VENDOR_INTEL);
	cpuid(&m, 0x20, 0, r);
	ok(r[0] == 3 && r[1] == 576 && r[2] == 576 && r[3] == 0,
	   "intel: leaf 0x20 gives the highest basic leaf (0xD.0)");
	cpuid(&m, 0x80000009, 0, r);
	ok(r[0] == 3 && r[1] == 576, "intel: leaf 0x80000009 gives 0xD.0");
	cpuid(&m, 0x40000000, 0, r);
	ok(r[0] == 3 && r[1] == 576, "intel: no hypervisor range -> 0xD.0");
	cpu_model_init(&c, CPU_VENDOR_AMD);
	cpuid(&m, 0x20, 0, r);
	ok(!r[0] && !r[1] && !r[2] && !r[3], "amd: leaf 0x20 -> zeros");
	cpuid(&m, 0x80000009, 0, r);
	ok(!r[0] && !r[1] && !r[2] && !r[3], "amd: leaf 0x80000009 -> zeros");
	cpuid(&m, 0x80000008, 0, r);
	is_u64(r[0], 0x3030, "amd: 0x80000008 in range");
}

static void put_id(struct cpuid_entry *e, const char *id)
{
	memcpy(&e->ebx, id, 4);
	memcpy(&e->edx, id + 4, 4);
	memcpy(&e->ecx, id + 8, 4);
}

static void test_from_cpuid(void)
{
	struct cpuid_entry t[6] = {
		{0, 0, .eax = 0xd},
		{0xd, 0, .eax = 0x2e7, .edx = 0x1},
		{0xd, 1, .ecx = 0x100, .edx = 0x2},
		{0x80000000, 0, .eax = 0x80000008},
		{0x80000008, 0, .eax = 0x302e},
		{1, 0, .eax = 0x906ea},
	};
	static struct cpuid_entry big[CPU_MODEL_MAX_LEAVES + 10];
	struct cpu_model c;

	put_id(&t[0], "AuthenticAMD");
	cpu_model_from_cpuid(&c, t, 6);
	ok(c.vendor == CPU_VENDOR_AMD && strcmp(c.name, "host") == 0, "from_cpuid: AMD, host");
	is_u64(c.maxphyaddr, 46, "from_cpuid: maxphyaddr from 0x80000008");
	is_u64(c.supported_xcr0, 0x1000002e7ull, "from_cpuid: xcr0 from 0xD.0 EDX:EAX");
	is_u64(c.supported_xss, 0x200000100ull, "from_cpuid: xss from 0xD.1 EDX:ECX");
	ok(c.mcg_cap == 0x106 && c.ucode_rev == 0x01000065 && c.arch_capabilities == 0,
	   "from_cpuid: AMD defaults");
	put_id(&t[0], "HygonGenuine");
	cpu_model_from_cpuid(&c, t, 6);
	ok(c.vendor == CPU_VENDOR_AMD, "from_cpuid: Hygon is AMD");
	put_id(&t[0], "GenuineIntel");
	cpu_model_from_cpuid(&c, t, 6);
	ok(c.vendor == CPU_VENDOR_INTEL && c.mcg_cap == 0x50a && c.arch_capabilities == 0x17b &&
		   c.ucode_rev == 0x100000000ull,
	   "from_cpuid: Intel and its defaults");
	put_id(&t[0], "CentaurHauls");
	cpu_model_from_cpuid(&c, t, 4); /* no 0x80000008 */
	ok(c.vendor == CPU_VENDOR_INTEL, "from_cpuid: other vendors are Intel");
	is_u64(c.maxphyaddr, 36, "from_cpuid: maxphyaddr 36 without 0x80000008");
	cpu_model_from_cpuid(&c, NULL, 0);
	ok(c.nleaves == 0 && c.maxphyaddr == 36 && c.vendor == CPU_VENDOR_INTEL,
	   "from_cpuid: empty table");
	for (unsigned i = 0; i < N(big); i++)
		big[i] = (struct cpuid_entry){.leaf = 0x100 + i};
	cpu_model_from_cpuid(&c, big, N(big));
	is_u64(c.nleaves, CPU_MODEL_MAX_LEAVES, "from_cpuid: at most CPU_MODEL_MAX_LEAVES");
}

static void test_vendor_names(void)
{
	is_u64(cpu_vendor_parse("intel"), CPU_VENDOR_INTEL, "parse intel");
	is_u64(cpu_vendor_parse("amd"), CPU_VENDOR_AMD, "parse amd");
	ok(cpu_vendor_parse("via") == -1 && cpu_vendor_parse("") == -1 &&
		   cpu_vendor_parse(NULL) == -1,
	   "parse refuses others");
	ok(strcmp(cpu_vendor_name(CPU_VENDOR_INTEL), "intel") == 0 &&
		   strcmp(cpu_vendor_name(CPU_VENDOR_AMD), "amd") == 0,
	   "vendor names");
}

/* --cpu feature flags: only the features vx86 honours both ways; a bad item is refused. */
static void test_flags(void)
{
	struct cpu_model m;
	char why[160] = "";

	cpu_model_init(&m, CPU_VENDOR_INTEL);
	ok(!cpu_has(&m, FEAT_UMIP) && cpu_has(&m, FEAT_PCID) && cpu_has(&m, FEAT_X2APIC),
	   "intel starts without UMIP, with PCID and x2APIC");
	ok(cpu_model_apply_flags(&m, "+umip,-pcid,x2apic=off,tsc-deadline=off", why, sizeof(why)) ==
		   0,
	   "+umip,-pcid,x2apic=off,tsc-deadline=off is accepted");
	ok(cpu_has(&m, FEAT_UMIP) && !cpu_has(&m, FEAT_PCID) && !cpu_has(&m, FEAT_X2APIC) &&
		   !cpu_has(&m, FEAT_TSC_DEADLINE),
	   "and each one lands in CPUID");
	ok(cpu_model_apply_flags(&m, "x2apic=on,,+pcid", why, sizeof(why)) == 0 &&
		   cpu_has(&m, FEAT_X2APIC) && cpu_has(&m, FEAT_PCID),
	   "NAME=on and empty items");
	ok(cpu_model_apply_flags(&m, "+sse", why, sizeof(why)) == -EINVAL &&
		   strstr(why, "'+sse' cannot be set"),
	   "a feature vx86 cannot set is refused by name: %s", why);
	ok(cpu_model_apply_flags(&m, "umip", why, sizeof(why)) == -EINVAL &&
		   strstr(why, "+NAME, -NAME or NAME=on|off"),
	   "a bare name is refused with the syntax");
	ok(cpu_model_apply_flags(&m, "umip=maybe", why, sizeof(why)) == -EINVAL,
	   "NAME=maybe is refused");
	ok(cpu_model_apply_flags(&m, NULL, why, sizeof(why)) == 0, "no flags: nothing to do");
}

int main(void)
{
	test_intel();
	test_amd();
	test_set_feature();
	test_dynamic();
	test_out_of_range();
	test_from_cpuid();
	test_vendor_names();
	test_flags();
	return tap_done();
}
