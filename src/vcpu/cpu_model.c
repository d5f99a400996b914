/* SPDX-License-Identifier: MIT */
/*
 * The CPU model (cpu_model.h): a CPUID table and what vx86 derives from it.
 * The table is the single source of truth: cpu_has() reads its bits and
 * cpu_model_set_feature() flips them there, so the rules and the guest's CPUID
 * can never disagree.
 */
#include "cpu_model.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

#define BIT(n) (1u << (n))

/* IA32_APIC_BASE.EN (SDM 11.4.4): with the APIC disabled, CPUID.1:EDX.APIC reads 0. */
#define APIC_BASE_EN (1ull << 11)

enum cpuid_reg {
	R_EAX,
	R_EBX,
	R_ECX,
	R_EDX,
};

/* Where each feature lives (SDM Vol. 2A, CPUID; AMD APM Vol. 3, Appendix E). */
static const struct feature_loc {
	uint32_t leaf, subleaf;
	uint8_t reg, bit;
	const char *name;
} features[FEAT_COUNT] = {
	[FEAT_PSE] = {0x1, 0, R_EDX, 3, "pse"},
	[FEAT_TSC] = {0x1, 0, R_EDX, 4, "tsc"},
	[FEAT_MSR] = {0x1, 0, R_EDX, 5, "msr"},
	[FEAT_PAE] = {0x1, 0, R_EDX, 6, "pae"},
	[FEAT_MCE] = {0x1, 0, R_EDX, 7, "mce"},
	[FEAT_APIC] = {0x1, 0, R_EDX, 9, "apic"},
	[FEAT_SEP] = {0x1, 0, R_EDX, 11, "sep"},
	[FEAT_MTRR] = {0x1, 0, R_EDX, 12, "mtrr"},
	[FEAT_PGE] = {0x1, 0, R_EDX, 13, "pge"},
	[FEAT_MCA] = {0x1, 0, R_EDX, 14, "mca"},
	[FEAT_PAT] = {0x1, 0, R_EDX, 16, "pat"},
	[FEAT_FXSR] = {0x1, 0, R_EDX, 24, "fxsr"},
	[FEAT_SSE3] = {0x1, 0, R_ECX, 0, "sse3"},
	[FEAT_PDCM] = {0x1, 0, R_ECX, 15, "pdcm"},
	[FEAT_PCID] = {0x1, 0, R_ECX, 17, "pcid"},
	[FEAT_X2APIC] = {0x1, 0, R_ECX, 21, "x2apic"},
	[FEAT_TSC_DEADLINE] = {0x1, 0, R_ECX, 24, "tsc_deadline"},
	[FEAT_XSAVE] = {0x1, 0, R_ECX, 26, "xsave"},
	[FEAT_OSXSAVE] = {0x1, 0, R_ECX, 27, "osxsave"},
	[FEAT_VMX] = {0x1, 0, R_ECX, 5, "vmx"},
	[FEAT_FSGSBASE] = {0x7, 0, R_EBX, 0, "fsgsbase"},
	[FEAT_TSC_ADJUST] = {0x7, 0, R_EBX, 1, "tsc_adjust"},
	[FEAT_SMEP] = {0x7, 0, R_EBX, 7, "smep"},
	[FEAT_RTM] = {0x7, 0, R_EBX, 11, "rtm"},
	[FEAT_MPX] = {0x7, 0, R_EBX, 14, "mpx"},
	[FEAT_SMAP] = {0x7, 0, R_EBX, 20, "smap"},
	[FEAT_UMIP] = {0x7, 0, R_ECX, 2, "umip"},
	[FEAT_PKU] = {0x7, 0, R_ECX, 3, "pku"},
	[FEAT_OSPKE] = {0x7, 0, R_ECX, 4, "ospke"},
	[FEAT_LA57] = {0x7, 0, R_ECX, 16, "la57"},
	[FEAT_RDPID] = {0x7, 0, R_ECX, 22, "rdpid"},
	[FEAT_SPEC_CTRL] = {0x7, 0, R_EDX, 26, "spec_ctrl"},
	[FEAT_STIBP] = {0x7, 0, R_EDX, 27, "stibp"},
	[FEAT_FLUSH_L1D] = {0x7, 0, R_EDX, 28, "flush_l1d"},
	[FEAT_ARCH_CAPABILITIES] = {0x7, 0, R_EDX, 29, "arch_capabilities"},
	[FEAT_SSBD] = {0x7, 0, R_EDX, 31, "ssbd"},
	[FEAT_XSAVES] = {0xd, 1, R_EAX, 3, "xsaves"},
	[FEAT_LAHF_LM] = {0x80000001, 0, R_ECX, 0, "lahf_lm"},
	[FEAT_SVM] = {0x80000001, 0, R_ECX, 2, "svm"},
	[FEAT_SYSCALL] = {0x80000001, 0, R_EDX, 11, "syscall"},
	[FEAT_NX] = {0x80000001, 0, R_EDX, 20, "nx"},
	[FEAT_FXSR_OPT] = {0x80000001, 0, R_EDX, 25, "fxsr_opt"},
	[FEAT_PDPE1GB] = {0x80000001, 0, R_EDX, 26, "pdpe1gb"},
	[FEAT_RDTSCP] = {0x80000001, 0, R_EDX, 27, "rdtscp"},
	[FEAT_LM] = {0x80000001, 0, R_EDX, 29, "lm"},
	[FEAT_AMD_IBPB] = {0x80000008, 0, R_EBX, 12, "amd_ibpb"},
	[FEAT_AMD_IBRS] = {0x80000008, 0, R_EBX, 14, "amd_ibrs"},
	[FEAT_AMD_STIBP] = {0x80000008, 0, R_EBX, 15, "amd_stibp"},
	[FEAT_AMD_SSBD] = {0x80000008, 0, R_EBX, 24, "amd_ssbd"},
	[FEAT_AUTOIBRS] = {0x80000021, 0, R_EAX, 8, "autoibrs"},
};

/* Leaves whose ECX input selects a subleaf (SDM Vol. 2A, CPUID, "indexed" leaves). */
static const uint32_t indexed_leaves[] = {
	0x4, 0x7, 0xb, 0xd, 0xf, 0x10, 0x12, 0x14, 0x17, 0x18, 0x1d, 0x1f, 0x8000001d, 0x80000020,
};

/* Leaf 1 EDX, the same on both built-ins. */
#define L1_EDX                                                                                     \
	(BIT(0) /* FPU */ | BIT(1) /* VME */ | BIT(2) /* DE */ | BIT(3) /* PSE */ |                \
	 BIT(4) /* TSC */ | BIT(5) /* MSR */ | BIT(6) /* PAE */ | BIT(7) /* MCE */ |               \
	 BIT(8) /* CX8 */ | BIT(9) /* APIC */ | BIT(11) /* SEP */ | BIT(12) /* MTRR */ |           \
	 BIT(13) /* PGE */ | BIT(14) /* MCA */ | BIT(15) /* CMOV */ | BIT(16) /* PAT */ |          \
	 BIT(17) /* PSE36 */ | BIT(19) /* CLFSH */ | BIT(23) /* MMX */ | BIT(24) /* FXSR */ |      \
	 BIT(25) /* SSE */ | BIT(26) /* SSE2 */)
/* Leaf 1 EBX: CLFLUSH line size 8 qwords, 1 logical processor, APIC ID 0. */
#define L1_EBX ((8u << 8) | (1u << 16))
/* 0x80000001, the same on both built-ins. */
#define X1_ECX (BIT(0) /* LAHF_LM */ | BIT(5) /* ABM */)
#define X1_EDX                                                                                     \
	(BIT(11) /* SYSCALL */ | BIT(20) /* NX */ | BIT(26) /* PDPE1GB */ | BIT(27) /* RDTSCP */ | \
	 BIT(29) /* LM */)
/*
 * The built-in tables. Vendor and brand strings are filled in from the strings
 * of struct builtin below; everything else is here.
 */
static const struct cpuid_entry intel_leaves[] = {
	{0x0, 0, .eax = 0xd},
	{0x1, 0, .eax = 0x000506e3, .ebx = L1_EBX, .edx = L1_EDX,
	 .ecx = BIT(0) /* SSE3 */ | BIT(13) /* CX16 */ | BIT(17) /* PCID */ | BIT(21) /* X2APIC */ |
		BIT(23) /* POPCNT */ | BIT(24) /* TSC_DEADLINE */ | BIT(26) /* XSAVE */ |
		BIT(31) /* HYPERVISOR */},
	{0x7, 0, .eax = 0, .ebx = BIT(1) /* TSC_ADJUST */,
	 .ecx = BIT(16) /* LA57 */ | BIT(22) /* RDPID */,
	 .edx = BIT(26) /* SPEC_CTRL */ | BIT(27) /* STIBP */ | BIT(29) /* ARCH_CAPABILITIES */ |
		BIT(31) /* SSBD */},
	{0xd, 0, .eax = 0x3 /* XCR0 may hold FP|SSE */, .ebx = 576, .ecx = 576 /* legacy+header */},
	{0xd, 1},
	{0x80000000, 0, .eax = 0x80000008},
	{0x80000001, 0, .ecx = X1_ECX, .edx = X1_EDX},
	{0x80000002, 0},
	{0x80000003, 0},
	{0x80000004, 0},
	{0x80000008, 0, .eax = 0x3927 /* 39 physical, 57 linear address bits */},
};

static const struct cpuid_entry amd_leaves[] = {
	{0x0, 0, .eax = 0xd},
	{0x1, 0, .eax = 0x00830f10 /* family 0x17 */, .ebx = L1_EBX, .edx = L1_EDX,
	 .ecx = BIT(0) /* SSE3 */ | BIT(13) /* CX16 */ | BIT(21) /* X2APIC */ |
		BIT(23) /* POPCNT */ | BIT(26) /* XSAVE */ | BIT(31) /* HYPERVISOR */},
	{0x7, 0, .eax = 0, .ecx = BIT(22) /* RDPID */},
	{0xd, 0, .eax = 0x3 /* XCR0 may hold FP|SSE */, .ebx = 576, .ecx = 576 /* legacy+header */},
	{0xd, 1},
	{0x80000000, 0, .eax = 0x80000008},
	{0x80000001, 0, .ecx = X1_ECX, .edx = X1_EDX},
	{0x80000002, 0},
	{0x80000003, 0},
	{0x80000004, 0},
	{0x80000008, 0, .eax = 0x3030 /* 48 physical, 48 linear address bits */,
	 .ebx = BIT(12) /* IBPB */ | BIT(14) /* IBRS */ | BIT(15) /* STIBP */ | BIT(24) /* SSBD */},
};

static const struct builtin {
	const char *name;
	const char *vendor_id; /* the 12 bytes of leaf 0 EBX, EDX, ECX */
	bool ext_vendor;       /* AMD repeats it in 0x80000000 EBX, EDX, ECX */
	const char *brand;     /* 0x80000002..4, at most 47 characters */
	const struct cpuid_entry *leaves;
	unsigned nleaves;
} builtins[] = {
	[CPU_VENDOR_INTEL] = {"intel", "GenuineIntel", false, "vx86 virtual CPU (Intel model)",
			      intel_leaves, sizeof(intel_leaves) / sizeof(intel_leaves[0])},
	[CPU_VENDOR_AMD] = {"amd", "AuthenticAMD", true, "vx86 virtual CPU (AMD model)", amd_leaves,
			    sizeof(amd_leaves) / sizeof(amd_leaves[0])},
};

/* vx86's MSR starting values for each vendor's CPU. */
static const struct vendor_defaults {
	uint64_t arch_capabilities, ucode_rev, mcg_cap;
} vendor_defaults[] = {
	/*
	 * Intel: RDCL_NO, IBRS_ALL, SKIP_VMENTRY_L1DFLUSH, SSB_NO, MDS_NO,
	 * PSCHANGE_MC_NO, TAA_NO; 10 MC banks with MCG_CTL_P and CMCI_P;
	 * KVM's VMX microcode revision.
	 */
	[CPU_VENDOR_INTEL] = {0x17b, 0x100000000ull, 0x50a},
	/* AMD: no ARCH_CAPABILITIES; 6 banks with MCG_CTL_P; SVM's microcode revision. */
	[CPU_VENDOR_AMD] = {0, 0x01000065, 0x106},
};

static bool leaf_is_indexed(uint32_t leaf)
{
	for (size_t i = 0; i < sizeof(indexed_leaves) / sizeof(indexed_leaves[0]); i++)
		if (indexed_leaves[i] == leaf)
			return true;
	return false;
}

static struct cpuid_entry *find_leaf(struct cpu_model *m, uint32_t leaf, uint32_t subleaf)
{
	bool indexed = leaf_is_indexed(leaf);

	for (unsigned i = 0; i < m->nleaves; i++) {
		struct cpuid_entry *e = &m->leaves[i];

		if (e->leaf == leaf && (!indexed || e->subleaf == subleaf))
			return e;
	}
	return NULL;
}

const struct cpuid_entry *cpu_model_leaf(const struct cpu_model *m, uint32_t leaf, uint32_t subleaf)
{
	return find_leaf((struct cpu_model *)m, leaf, subleaf);
}

static uint32_t *entry_reg(struct cpuid_entry *e, unsigned reg)
{
	uint32_t *regs[] = {&e->eax, &e->ebx, &e->ecx, &e->edx};

	return regs[reg];
}

static uint32_t reg_value(const struct cpuid_entry *e, unsigned reg)
{
	const uint32_t regs[] = {e->eax, e->ebx, e->ecx, e->edx};

	return regs[reg];
}

static uint32_t le32(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Vendor IDs are stored EBX, EDX, ECX (SDM Vol. 2A, CPUID leaf 0). */
static void put_vendor(struct cpuid_entry *e, const char *id)
{
	if (!e)
		return;
	e->ebx = le32(id);
	e->edx = le32(id + 4);
	e->ecx = le32(id + 8);
}

static bool is_vendor(const struct cpuid_entry *e, const char *id)
{
	return e->ebx == le32(id) && e->edx == le32(id + 4) && e->ecx == le32(id + 8);
}

/* The brand string is 48 bytes, NUL padded, in EAX..EDX of 0x80000002..4. */
static void put_brand(struct cpu_model *m, const char *brand)
{
	char buf[48] = {0};

	strncpy(buf, brand, sizeof(buf) - 1);
	for (unsigned i = 0; i < 3; i++) {
		struct cpuid_entry *e = find_leaf(m, 0x80000002 + i, 0);

		for (unsigned r = 0; e && r < 4; r++)
			*entry_reg(e, r) = le32(buf + 16 * i + 4 * r);
	}
}

/* Vendor, MAXPHYADDR, XSAVE masks and MSR defaults, all from the table. */
static void derive(struct cpu_model *m)
{
	const struct cpuid_entry *e0 = cpu_model_leaf(m, 0, 0);
	const struct cpuid_entry *x0 = cpu_model_leaf(m, 0x80000000, 0);
	const struct cpuid_entry *x8 = cpu_model_leaf(m, 0x80000008, 0);
	const struct cpuid_entry *d0 = cpu_model_leaf(m, 0xd, 0);
	const struct cpuid_entry *d1 = cpu_model_leaf(m, 0xd, 1);

	m->vendor = CPU_VENDOR_INTEL;
	if (e0 && (is_vendor(e0, "AuthenticAMD") || is_vendor(e0, "HygonGenuine")))
		m->vendor = CPU_VENDOR_AMD;
	/* SDM Vol. 2A, CPUID 80000008H: EAX[7:0] is MAXPHYADDR; 36 if the leaf is absent. */
	m->maxphyaddr = 36;
	if (x0 && x0->eax >= 0x80000008 && x8 && (x8->eax & 0xff))
		m->maxphyaddr = x8->eax & 0xff;
	m->supported_xcr0 = d0 ? (uint64_t)d0->edx << 32 | d0->eax : 0;
	m->supported_xss = d1 ? (uint64_t)d1->edx << 32 | d1->ecx : 0;
	m->arch_capabilities = vendor_defaults[m->vendor].arch_capabilities;
	m->ucode_rev = vendor_defaults[m->vendor].ucode_rev;
	m->mcg_cap = vendor_defaults[m->vendor].mcg_cap;
}

static void copy_table(struct cpu_model *m, const struct cpuid_entry *e, unsigned n)
{
	memset(m, 0, sizeof(*m));
	m->nleaves = n < CPU_MODEL_MAX_LEAVES ? n : CPU_MODEL_MAX_LEAVES;
	if (m->nleaves)
		memcpy(m->leaves, e, m->nleaves * sizeof(*e));
}

void cpu_model_from_cpuid(struct cpu_model *m, const struct cpuid_entry *e, unsigned n)
{
	copy_table(m, e, n);
	derive(m);
	m->name = "host";
}

void cpu_model_init(struct cpu_model *m, enum cpu_vendor v)
{
	const struct builtin *b =
		&builtins[v == CPU_VENDOR_AMD ? CPU_VENDOR_AMD : CPU_VENDOR_INTEL];

	copy_table(m, b->leaves, b->nleaves);
	put_vendor(find_leaf(m, 0, 0), b->vendor_id);
	if (b->ext_vendor)
		put_vendor(find_leaf(m, 0x80000000, 0), b->vendor_id);
	put_brand(m, b->brand);
	derive(m);
	m->name = b->name;
}

bool cpu_has(const struct cpu_model *m, enum cpu_feature f)
{
	const struct feature_loc *loc;
	const struct cpuid_entry *e;

	if ((unsigned)f >= FEAT_COUNT)
		return false;
	loc = &features[f];
	e = cpu_model_leaf(m, loc->leaf, loc->subleaf);
	return e && (reg_value(e, loc->reg) >> loc->bit & 1);
}

/*
 * Make room for a feature's leaf: a new entry, and the range's maximum leaf
 * raised so the guest can see it. Returns NULL if the table is full.
 */
static struct cpuid_entry *add_leaf(struct cpu_model *m, uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_entry *e, *base;

	if (m->nleaves >= CPU_MODEL_MAX_LEAVES)
		return NULL;
	e = &m->leaves[m->nleaves++];
	*e = (struct cpuid_entry){.leaf = leaf, .subleaf = subleaf};
	base = find_leaf(m, leaf & 0xc0000000u, 0);
	if (base && base != e && base->eax < leaf)
		base->eax = leaf;
	return e;
}

void cpu_model_set_feature(struct cpu_model *m, enum cpu_feature f, bool on)
{
	const struct feature_loc *loc;
	struct cpuid_entry *e;
	uint32_t *reg;

	if ((unsigned)f >= FEAT_COUNT)
		return;
	loc = &features[f];
	e = find_leaf(m, loc->leaf, loc->subleaf);
	if (!e && on)
		e = add_leaf(m, loc->leaf, loc->subleaf);
	if (!e)
		return;
	reg = entry_reg(e, loc->reg);
	*reg = on ? *reg | BIT(loc->bit) : *reg & ~BIT(loc->bit);
}

const char *cpu_feature_name(enum cpu_feature f)
{
	return (unsigned)f < FEAT_COUNT ? features[f].name : "unknown";
}

/*
 * The features --cpu may set or clear: those whose presence and absence the
 * model's gates and the emu engine both honour (x2APIC: APIC_BASE.EXTD and
 * the x2APIC MSRs; TSC-deadline: the APIC timer mode and IA32_TSC_DEADLINE;
 * UMIP and PCID: their CR4 bits, and the instructions UMIP restricts).
 */
static const enum cpu_feature flag_features[] = {FEAT_X2APIC, FEAT_TSC_DEADLINE, FEAT_UMIP,
						 FEAT_PCID};

static int flag_feature(const char *name)
{
	char want[24];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(want); i++)
		want[i] = name[i] == '-' ? '_' : name[i]; /* QEMU spells tsc-deadline */
	want[i] = 0;
	for (i = 0; i < sizeof(flag_features) / sizeof(flag_features[0]); i++)
		if (!strcmp(cpu_feature_name(flag_features[i]), want))
			return (int)flag_features[i];
	return -1;
}

static int parse_flag(char *item, int *feat, bool *on)
{
	char *name = item, *eq;

	if (item[0] == '+' || item[0] == '-') {
		*on = item[0] == '+';
		name++;
	} else if ((eq = strchr(item, '='))) {
		*eq = 0;
		if (strcmp(eq + 1, "on") && strcmp(eq + 1, "off"))
			return -1;
		*on = !strcmp(eq + 1, "on");
	} else {
		return -1;
	}
	*feat = flag_feature(name);
	return *feat < 0 ? -2 : 0;
}

int cpu_model_apply_flags(struct cpu_model *m, const char *flags, char *why, size_t len)
{
	const char *p = flags ? flags : "";

	while (*p) {
		size_t n = strcspn(p, ",");
		char item[32], orig[32];
		int feat, ret;
		bool on = false;

		if (n >= sizeof(item)) {
			snprintf(why, len, "CPU feature '%.*s' is too long", (int)n, p);
			return -EINVAL;
		}
		memcpy(item, p, n);
		item[n] = 0;
		memcpy(orig, item, n + 1);
		p += n + (p[n] == ',');
		if (!n)
			continue;
		ret = parse_flag(item, &feat, &on);
		if (ret == -1) {
			snprintf(why, len, "'%s': a CPU feature is +NAME, -NAME or NAME=on|off",
				 orig);
			return -EINVAL;
		}
		if (ret == -2) {
			snprintf(why, len,
				 "CPU feature '%s' cannot be set (vx86 sets x2apic, tsc-deadline, "
				 "umip "
				 "and pcid)",
				 orig);
			return -EINVAL;
		}
		cpu_model_set_feature(m, (enum cpu_feature)feat, on);
	}
	return 0;
}

/*
 * Is leaf within its range (basic 0, hypervisor 0x40000000, extended
 * 0x80000000, ...)? Each range's first leaf gives its maximum in EAX.
 */
static bool leaf_in_range(const struct cpu_model *m, uint32_t leaf)
{
	const struct cpuid_entry *base = cpu_model_leaf(m, leaf & 0xc0000000u, 0);

	return base && (leaf == base->leaf || leaf <= base->eax);
}

/* The leaf whose data the guest gets, or false for all zeros. */
static bool effective_leaf(const struct cpu_model *m, uint32_t *leaf)
{
	const struct cpuid_entry *e0;

	if (leaf_in_range(m, *leaf))
		return true;
	/* SDM Vol. 2A, CPUID: Intel returns the highest basic leaf; AMD APM: zeros. */
	if (m->vendor == CPU_VENDOR_AMD)
		return false;
	e0 = cpu_model_leaf(m, 0, 0);
	if (!e0 || e0->eax >= 0x40000000u)
		return false;
	*leaf = e0->eax;
	return true;
}

/* Bits that follow registers (spec/cr.md §4 step 8; SDM Vol. 2A, CPUID leaf 1). */
static void patch_dynamic(const struct vcpu_state *st, uint32_t leaf, uint32_t subleaf,
			  uint32_t out[4])
{
	if (leaf == 1) {
		out[R_ECX] = (out[R_ECX] & ~BIT(27)) | ((st->cr4 & CR4_OSXSAVE) ? BIT(27) : 0);
		if (!(st->msr.apic_base & APIC_BASE_EN))
			out[R_EDX] &= ~BIT(9);
		out[R_EBX] &= 0x00ffffffu; /* initial APIC ID 0 */
	} else if (leaf == 7 && subleaf == 0) {
		out[R_ECX] = (out[R_ECX] & ~BIT(4)) | ((st->cr4 & CR4_PKE) ? BIT(4) : 0);
	}
}

void cpu_cpuid(const struct vcpu_model *m, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	const struct cpuid_entry *e;

	out[R_EAX] = out[R_EBX] = out[R_ECX] = out[R_EDX] = 0;
	if (!effective_leaf(m->cpu, &leaf))
		return;
	e = cpu_model_leaf(m->cpu, leaf, subleaf);
	if (e) {
		out[R_EAX] = e->eax;
		out[R_EBX] = e->ebx;
		out[R_ECX] = e->ecx;
		out[R_EDX] = e->edx;
	}
	if (m->st)
		patch_dynamic(m->st, leaf, leaf_is_indexed(leaf) ? subleaf : 0, out);
}

static const char *const vendor_names[] = {
	[CPU_VENDOR_INTEL] = "intel",
	[CPU_VENDOR_AMD] = "amd",
};

int cpu_vendor_parse(const char *s)
{
	for (unsigned v = 0; s && v < sizeof(vendor_names) / sizeof(vendor_names[0]); v++)
		if (strcmp(s, vendor_names[v]) == 0)
			return (int)v;
	return -1;
}

const char *cpu_vendor_name(enum cpu_vendor v)
{
	return (unsigned)v < sizeof(vendor_names) / sizeof(vendor_names[0]) ? vendor_names[v]
									    : "unknown";
}
