/* SPDX-License-Identifier: MIT */
/*
 * The MSR model's frame (spec/msr.md): the descriptor table, lookup and names,
 * unknown indices, CPU gates and writers, msr_io, the index list, RESET and
 * INIT, the raw state accessors and `vx86 msrs`. The per-register rules are in
 * test_msr_regs.c, test_msr_rules.c and test_msr_mce.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "msr_test.h"

static void test_table_shape(void)
{
	unsigned n, bad = 0;
	const struct msr_desc *t = msr_table(&n);

	ok(n > 40, "the table has %u rows", n);
	for (unsigned i = 0; i < n; i++) {
		const struct msr_desc *d = &t[i];
		bool fine = d->count >= 1 && d->name && d->notes && d->notes[0] &&
			    d->feature < FEAT_COUNT && d->feature_alt < FEAT_COUNT &&
			    !(d->save && d->emulated) &&
			    (d->get || d->writer == MSR_WRITER_NONE_RD) &&
			    (d->set || d->writer == MSR_WRITER_READONLY) &&
			    (i == 0 || t[i - 1].index + t[i - 1].count <= d->index);

		if (!fine && bad++ < 5)
			printf("#   row %u (0x%x %s) is malformed or out of order\n", i, d->index,
			       d->name ? d->name : "?");
	}
	ok(bad == 0, "rows are sorted, disjoint and complete (%u bad)", bad);
}

static void test_lookup(void)
{
	unsigned n, bad = 0;
	const struct msr_desc *t = msr_table(&n);

	for (unsigned i = 0; i < n; i++) {
		for (uint32_t k = 0; k < t[i].count; k++)
			if (msr_lookup(t[i].index + k) != &t[i])
				bad++;
		/* The index after a row is either the next row's or nobody's. */
		const struct msr_desc *next = msr_lookup(t[i].index + t[i].count);
		if (next && (i + 1 == n || next != &t[i + 1]))
			bad++;
	}
	ok(bad == 0, "msr_lookup finds every index of every row, and nothing between rows");
	ok(msr_lookup(0x12345678) == NULL, "msr_lookup(0x12345678) is NULL");
	ok(msr_lookup(0) == NULL && msr_lookup(0xffffffff) == NULL, "msr_lookup(0), (~0) are NULL");
	ok(msr_lookup(0x480) == NULL, "0x480 (VMX_BASIC, after the last MC bank) is not modelled");
}

static void test_names(void)
{
	static const struct {
		uint32_t index;
		const char *name;
	} names[] = {
		{MSR_IA32_MTRR_PHYSBASE0 + 6, "IA32_MTRR_PHYSBASE3"},
		{MSR_IA32_MTRR_PHYSBASE0 + 7, "IA32_MTRR_PHYSMASK3"},
		{MSR_IA32_MTRR_PHYSMASK7, "IA32_MTRR_PHYSMASK7"},
		{MSR_IA32_MTRR_FIX4K_C0000, "IA32_MTRR_FIX4K_C0000"},
		{MSR_IA32_MTRR_FIX4K_C0000 + 1, "IA32_MTRR_FIX4K_C8000"},
		{MSR_IA32_MTRR_FIX4K_F8000, "IA32_MTRR_FIX4K_F8000"},
		{MSR_IA32_MTRR_FIX16K_A0000, "IA32_MTRR_FIX16K_A0000"},
		{MSR_IA32_MC0_CTL + 4 * 2 + 1, "IA32_MC2_STATUS"},
		{MSR_IA32_MC0_CTL + 4 * 31 + 3, "IA32_MC31_MISC"},
		{MSR_IA32_MC0_CTL, "IA32_MC0_CTL"},
		{MSR_IA32_MC0_CTL + 4 * 5 + 2, "IA32_MC5_ADDR"},
		{MSR_IA32_MC0_CTL2 + 2, "IA32_MC2_CTL2"},
		{MSR_IA32_MC0_CTL2 + 31, "IA32_MC31_CTL2"},
		{MSR_IA32_CR_PAT, "IA32_PAT"},
		{MSR_EFER, "IA32_EFER"},
		{MSR_TSC_AUX, "IA32_TSC_AUX"},
	};
	char buf[48];
	unsigned n, bad = 0;
	const struct msr_desc *t = msr_table(&n);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *got = msr_name(names[i].index, buf, sizeof(buf));

		ok(got && !strcmp(got, names[i].name), "msr_name(0x%x) = %s (got %s)",
		   names[i].index, names[i].name, got ? got : "NULL");
	}
	ok(msr_name(0x12345678, buf, sizeof(buf)) == NULL,
	   "msr_name of an unmodelled index is NULL");
	/* Every modelled index has a name, and names within a range differ. */
	for (unsigned i = 0; i < n; i++) {
		char prev[48] = "";

		for (uint32_t k = 0; k < t[i].count; k++) {
			const char *s = msr_name(t[i].index + k, buf, sizeof(buf));

			if (!s || !strcmp(s, prev) || (t[i].count == 1 && strcmp(s, t[i].name)))
				bad++;
			snprintf(prev, sizeof(prev), "%s", s ? s : "");
		}
	}
	ok(bad == 0, "every modelled index has its own name (%u bad)", bad);
}

/* spec/msr.md §15.2: an index vx86 does not model. */
static void test_unknown(void)
{
	struct fixture f;
	uint64_t v;

	fx_init(&f, CPU_VENDOR_INTEL);
	ok(rd(&f, 0x12345678, GUEST, &v) == MSR_UNSUPPORTED && v == 0,
	   "guest read of 0x12345678: UNSUPPORTED, data 0");
	ok(rd(&f, 0x12345678, HOST, &v) == MSR_UNSUPPORTED && v == 0,
	   "host read of 0x12345678: UNSUPPORTED, data 0");
	ok(refused(&f, 0x12345678, 0, GUEST, MSR_UNSUPPORTED), "guest write: UNSUPPORTED");
	ok(refused(&f, 0x12345678, 1, HOST, MSR_UNSUPPORTED), "host write: UNSUPPORTED");
	ok(refused(&f, 0x830, 0, GUEST, MSR_UNSUPPORTED),
	   "x2APIC ICR (no local APIC): UNSUPPORTED");
	ok(refused(&f, 0x210, 0, HOST, MSR_UNSUPPORTED) &&
		   refused(&f, 0x2fe, 0, HOST, MSR_UNSUPPORTED),
	   "0x210 and 0x2fe (not MTRRs): UNSUPPORTED");
}

/* The features a row's CPU gate accepts, as spec/msr.md lists them. */
static unsigned gate_features(const struct msr_desc *d, enum cpu_feature feats[4])
{
	unsigned n = 0;

	if (d->feature >= 0)
		feats[n++] = (enum cpu_feature)d->feature;
	if (d->feature_alt >= 0)
		feats[n++] = (enum cpu_feature)d->feature_alt;
	if (d->index == MSR_IA32_SPEC_CTRL) {
		feats[n++] = FEAT_AMD_STIBP;
		feats[n++] = FEAT_AMD_SSBD;
	}
	return n;
}

/* spec/msr.md §4.1: without its CPUID bits, a gated MSR is UNSUPPORTED for the guest only. */
static void test_gates(void)
{
	unsigned n;
	const struct msr_desc *t = msr_table(&n);

	for (unsigned i = 0; i < n; i++) {
		enum cpu_feature feats[4];
		unsigned nf = gate_features(&t[i], feats);
		struct fixture f;
		uint64_t v;
		bool guest_rd, host_rd;

		if (!nf)
			continue;
		for (int vendor = CPU_VENDOR_INTEL; vendor <= CPU_VENDOR_AMD; vendor++) {
			fx_init(&f, (enum cpu_vendor)vendor);
			for (unsigned k = 0; k < nf; k++)
				cpu_model_set_feature(&f.cpu, feats[k], false);
			guest_rd = rd(&f, t[i].index, GUEST, &v) == MSR_UNSUPPORTED && v == 0;
			host_rd = t[i].writer == MSR_WRITER_NONE_RD ||
				  rd(&f, t[i].index, HOST, &v) == MSR_OK;
			ok(guest_rd && host_rd &&
				   refused(&f, t[i].index, 0, GUEST, MSR_UNSUPPORTED),
			   "%s without its CPUID bits (%s model): guest UNSUPPORTED, host reads",
			   t[i].name, vendor == CPU_VENDOR_AMD ? "AMD" : "Intel");
			/* Any one of the gate's features gives the guest the MSR back. */
			for (unsigned k = 0; k < nf; k++) {
				cpu_model_set_feature(&f.cpu, feats[k], true);
				ok(wr(&f, t[i].index, 0, GUEST) != MSR_UNSUPPORTED,
				   "%s with only %s: the guest has it", t[i].name,
				   cpu_feature_name(feats[k]));
				cpu_model_set_feature(&f.cpu, feats[k], false);
			}
		}
	}
}

/* spec/msr.md §6.8: FEATURE_CONTROL is VMX's; an AMD model has none, not even for the host. */
static void test_vendor_gate(void)
{
	struct fixture f;
	uint64_t v;

	fx_init(&f, CPU_VENDOR_AMD);
	ok(rd(&f, MSR_IA32_FEATURE_CONTROL, GUEST, &v) == MSR_UNSUPPORTED &&
		   rd(&f, MSR_IA32_FEATURE_CONTROL, HOST, &v) == MSR_UNSUPPORTED,
	   "AMD: FEATURE_CONTROL reads are UNSUPPORTED, host too");
	ok(refused(&f, MSR_IA32_FEATURE_CONTROL, 0, HOST, MSR_UNSUPPORTED) &&
		   refused(&f, MSR_IA32_FEATURE_CONTROL, 0, GUEST, MSR_UNSUPPORTED),
	   "AMD: FEATURE_CONTROL writes are UNSUPPORTED, host too");
}

/* Read-only rows refuse every write; write-only rows refuse every read; host-only rows. */
static void test_writers(void)
{
	unsigned n;
	const struct msr_desc *t = msr_table(&n);
	struct fixture f;

	fx_init(&f, CPU_VENDOR_INTEL);
	cpu_model_set_feature(&f.cpu, FEAT_FLUSH_L1D, true);
	for (unsigned i = 0; i < n; i++) {
		uint64_t v, cur;

		switch (t[i].writer) {
		case MSR_WRITER_READONLY:
			cur = rdv(&f, t[i].index);
			ok(refused(&f, t[i].index, cur, GUEST, MSR_FAULT) &&
				   refused(&f, t[i].index, cur, HOST, MSR_FAULT) &&
				   refused(&f, t[i].index, 0, HOST, MSR_FAULT),
			   "%s is read-only, for the host too, even its own value", t[i].name);
			break;
		case MSR_WRITER_NONE_RD:
			ok(rd(&f, t[i].index, GUEST, &v) == MSR_FAULT && v == 0 &&
				   rd(&f, t[i].index, HOST, &v) == MSR_FAULT && v == 0,
			   "%s is write-only: reads fault with data 0, host too", t[i].name);
			break;
		case MSR_WRITER_HOST:
			cur = rdv(&f, t[i].index);
			ok(refused(&f, t[i].index, cur, GUEST, MSR_FAULT) &&
				   wr(&f, t[i].index, cur, HOST) == MSR_OK,
			   "%s: guest writes fault, host writes work", t[i].name);
			break;
		default:
			break;
		}
	}
	ok(rdv(&f, MSR_IA32_MTRRCAP) == 0x508, "MTRRcap reads 0x508");
}

/* spec/msr.md §8, §15.14: host batches stop at the first failure and return the count. */
static void test_msr_io(void)
{
	struct fixture f;
	struct msr_req w[3] = {
		{MSR_LSTAR, 0xffffffff81000000ull, false},
		{MSR_LSTAR, 0xaaaaaaaaaaaaaaaaull, false},
		{MSR_STAR, 0x0023001000000000ull, false},
	};
	struct msr_req r[3] = {
		{MSR_LSTAR, 1, false},
		{0x12345678, 1, false},
		{MSR_STAR, 1, false},
	};
	struct msr_req host_only[2] = {
		{MSR_PLATFORM_INFO, 0, false},
		{MSR_IA32_MISC_ENABLE, 0, false},
	};

	fx_init(&f, CPU_VENDOR_INTEL);
	ok(msr_io(&f.m, w, 3, true) == 1, "write [good, bad, good] returns 1");
	is_u64(f.st.msr.lstar, 0xffffffff81000000ull, "the first write was applied");
	is_u64(f.st.msr.star, 0, "the write after the failure was not");
	ok(msr_io(&f.m, r, 3, false) == 1, "read [good, unknown, good] returns 1");
	is_u64(r[0].data, 0xffffffff81000000ull, "the first read got LSTAR");
	is_u64(r[1].data, 0, "the failed read has data 0");
	is_u64(r[2].data, 1, "the entry after the failure is untouched");
	w[1].data = 0xffff800000000000ull;
	ok(msr_io(&f.m, w, 3, true) == 3 && f.st.msr.star == 0x0023001000000000ull,
	   "an all-good batch returns 3");
	ok(msr_io(&f.m, w, 0, true) == 0, "an empty batch returns 0");
	/* msr_io is the host's path whatever the entries say: host-only MSRs and rules apply. */
	ok(msr_io(&f.m, host_only, 2, true) == 2 && f.st.msr.platform_info == 0 &&
		   f.st.msr.misc_enable == 0,
	   "msr_io is host-initiated: PLATFORM_INFO and MISC_ENABLE bits 11-12 are writable");
}

static bool list_has(const uint32_t *l, unsigned n, uint32_t index)
{
	for (unsigned i = 0; i < n; i++)
		if (l[i] == index)
			return true;
	return false;
}

/* spec/msr.md §7, §15.15: total, cut lists, save list first, and what is (not) listed. */
static void test_index_list_intel(void)
{
	static const uint32_t save[] = {
		MSR_IA32_TSC,
		MSR_IA32_FEATURE_CONTROL,
		MSR_IA32_SPEC_CTRL,
		MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP,
		MSR_IA32_SYSENTER_EIP,
		MSR_IA32_DEBUGCTL,
		MSR_IA32_CR_PAT,
		MSR_STAR,
		MSR_LSTAR,
		MSR_CSTAR,
		MSR_SFMASK,
		MSR_KERNEL_GS_BASE,
		MSR_TSC_AUX,
	};
	static const uint32_t emulated[] = {
		MSR_IA32_TSC_ADJUST,
		MSR_IA32_UCODE_REV,
		MSR_PLATFORM_INFO,
		MSR_IA32_ARCH_CAPABILITIES,
		MSR_MISC_FEATURES_ENABLES,
		MSR_IA32_MCG_STATUS,
		MSR_IA32_MCG_CTL,
		MSR_IA32_MISC_ENABLE,
		MSR_IA32_POWER_CTL,
		MSR_IA32_TSC_DEADLINE,
		MSR_K7_HWCR,
	};
	static const uint32_t never[] = {
		MSR_EFER,	   MSR_IA32_APIC_BASE,	    MSR_FS_BASE,
		MSR_GS_BASE,	   MSR_IA32_PRED_CMD,	    MSR_IA32_MTRRCAP,
		MSR_IA32_MCG_CAP,  MSR_IA32_MTRR_PHYSBASE0, MSR_IA32_MC0_CTL,
		MSR_IA32_MC0_CTL2, MSR_IA32_MTRR_DEF_TYPE,  MSR_IA32_FLUSH_CMD,
		MSR_IA32_XSS,
	};
	struct cpu_model cpu;
	uint32_t l[128], cut[4] = {0, 0, 0, 0x5a5a5a5a};
	unsigned total, nsave = sizeof(save) / sizeof(save[0]), bad = 0;

	cpu_model_init(&cpu, CPU_VENDOR_INTEL);
	total = msr_index_list(&cpu, NULL, 0);
	ok(total == nsave + sizeof(emulated) / sizeof(emulated[0]),
	   "Intel: %u MSRs listed (a NULL, 0 probe gives the total)", total);
	ok(msr_index_list(&cpu, l, 128) == total, "the full list has the same total");
	for (unsigned i = 0; i < nsave; i++)
		bad += !list_has(l, nsave, save[i]);
	ok(bad == 0, "the save list comes first and holds SYSENTER_*, STAR.., TSC, PAT, ...");
	bad = 0;
	for (size_t i = 0; i < sizeof(emulated) / sizeof(emulated[0]); i++)
		bad += !list_has(l + nsave, total - nsave, emulated[i]);
	ok(bad == 0, "then the emulated list: TSC_ADJUST, ARCH_CAPABILITIES, MISC_ENABLE, ...");
	bad = 0;
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		bad += list_has(l, total, never[i]);
	ok(bad == 0, "not listed: EFER, APIC_BASE, FS/GS, commands, MTRRs, MCE banks, XSS here");
	ok(msr_index_list(&cpu, cut, 3) == total && cut[0] == l[0] && cut[2] == l[2] &&
		   cut[3] == 0x5a5a5a5a,
	   "max 3: copies 3, returns the total");
}

static void test_index_list_amd(void)
{
	struct cpu_model cpu;
	uint32_t l[128];
	unsigned total;

	cpu_model_init(&cpu, CPU_VENDOR_AMD);
	total = msr_index_list(&cpu, l, 128);
	ok(!list_has(l, total, MSR_IA32_FEATURE_CONTROL) &&
		   !list_has(l, total, MSR_IA32_TSC_ADJUST) &&
		   !list_has(l, total, MSR_IA32_TSC_DEADLINE) &&
		   !list_has(l, total, MSR_IA32_ARCH_CAPABILITIES),
	   "AMD: no FEATURE_CONTROL, TSC_ADJUST, TSC_DEADLINE, ARCH_CAPABILITIES");
	ok(list_has(l, total, MSR_IA32_SPEC_CTRL) && list_has(l, total, MSR_TSC_AUX) &&
		   list_has(l, total, MSR_K7_HWCR),
	   "AMD: SPEC_CTRL (AMD bits), TSC_AUX, HWCR listed");
	cpu_model_set_feature(&cpu, FEAT_RDTSCP, false);
	ok(list_has(l, msr_index_list(&cpu, l, 128), MSR_TSC_AUX), "TSC_AUX stays with rdpid only");
	cpu_model_set_feature(&cpu, FEAT_RDPID, false);
	ok(!list_has(l, msr_index_list(&cpu, l, 128), MSR_TSC_AUX),
	   "without rdtscp and rdpid TSC_AUX is not listed");
	cpu_model_set_feature(&cpu, FEAT_XSAVES, true);
	ok(list_has(l, msr_index_list(&cpu, l, 128), MSR_IA32_XSS), "with xsaves XSS is listed");
}

/* Every listed MSR is a snapshot the host can take and put back. */
static void test_index_list_restores(void)
{
	for (int v = CPU_VENDOR_INTEL; v <= CPU_VENDOR_AMD; v++) {
		struct fixture f;
		uint32_t l[128];
		unsigned total, bad = 0, dup = 0;

		fx_init(&f, (enum cpu_vendor)v);
		total = msr_index_list(&f.cpu, l, 128);
		for (unsigned i = 0; i < total; i++) {
			uint64_t val;

			if (rd(&f, l[i], HOST, &val) != MSR_OK || wr(&f, l[i], val, HOST) != MSR_OK)
				bad++;
			dup += list_has(l, i, l[i]);
		}
		ok(bad == 0 && dup == 0, "%s: every listed MSR reads and writes back (host), once",
		   v == CPU_VENDOR_AMD ? "AMD" : "Intel");
	}
}

/* spec/cr.md §10.1 and the task's RESET values. */
static void test_reset(void)
{
	struct fixture f;
	struct msr_state want;

	fx_init(&f, CPU_VENDOR_INTEL);
	memset(&want, 0, sizeof(want));
	want.pat = 0x0007040600070406ull;
	want.misc_enable = 0x1800;
	want.apic_base = 0xfee00000ull | BIT(11) | BIT(8);
	want.arch_capabilities = f.cpu.arch_capabilities;
	want.ucode_rev = f.cpu.ucode_rev;
	want.mcg_cap = f.cpu.mcg_cap;
	want.platform_info = BIT(31);
	ok(memcmp(&f.st.msr, &want, sizeof(want)) == 0,
	   "RESET (BSP): PAT, MISC_ENABLE, APIC_BASE, PLATFORM_INFO, CPU values; all else 0");
	is_u64(f.st.msr.apic_base, 0xfee00900, "BSP APIC_BASE = 0xfee00900");
	memset(&f.st.msr, 0x5a, sizeof(f.st.msr));
	msr_reset(&f.m, false, false);
	want.apic_base = 0xfee00800;
	ok(memcmp(&f.st.msr, &want, sizeof(want)) == 0, "RESET (AP): APIC_BASE 0xfee00800, no BSP");
	ok(f.cpu.ucode_rev && f.st.msr.ucode_rev == f.cpu.ucode_rev,
	   "UCODE_REV starts at the CPU model's");
}

static void test_init(void)
{
	struct fixture f;
	struct msr_state want;

	fx_init(&f, CPU_VENDOR_INTEL);
	memset(&f.st.msr, 0x5a, sizeof(f.st.msr));
	f.st.efer = 0x5a;
	f.st.seg[SEG_FS].base = 0x5a5a;
	memcpy(&want, &f.st.msr, sizeof(want));
	want.apic_base = 0xfee00000ull | BIT(11);
	want.spec_ctrl = 0;
	msr_reset(&f.m, true, false);
	ok(memcmp(&f.st.msr, &want, sizeof(want)) == 0,
	   "INIT keeps every MSR but APIC_BASE (reset) and SPEC_CTRL (0)");
	ok(f.st.efer == 0x5a && f.st.seg[SEG_FS].base == 0x5a5a,
	   "msr_reset leaves EFER and the FS base to vcpu_reset");
	msr_reset(&f.m, true, true);
	is_u64(f.st.msr.apic_base, 0xfee00900, "INIT of the BSP: BSP set");
}

/* Indices the model keeps no field for. */
static bool fieldless(uint32_t index)
{
	return index == MSR_IA32_PRED_CMD || index == MSR_IA32_FLUSH_CMD ||
	       index == MSR_IA32_MTRRCAP || index == 0x17 || index == 0x2a || index == 0x79;
}

/* msr_state_read/write: every modelled index round-trips through its own field. */
static void test_state_roundtrip(void)
{
	static struct vcpu_state st;
	unsigned n, bad = 0, missing = 0, nidx = 0;
	const struct msr_desc *t = msr_table(&n);
	uint64_t v;

	memset(&st, 0, sizeof(st));
	/* A distinct value per index: a shared field would lose one of them. */
	for (unsigned i = 0; i < n; i++)
		for (uint32_t k = 0; k < t[i].count; k++) {
			uint32_t idx = t[i].index + k;

			if (msr_state_write(&st, idx, (uint64_t)idx << 8 | 0x5a) == fieldless(idx))
				missing++;
			nidx++;
		}
	for (unsigned i = 0; i < n; i++)
		for (uint32_t k = 0; k < t[i].count; k++) {
			uint32_t idx = t[i].index + k;

			if (fieldless(idx))
				continue;
			if (!msr_state_read(&st, idx, &v) || v != ((uint64_t)idx << 8 | 0x5a))
				bad++;
		}
	ok(missing == 0, "msr_state_write: a field for every modelled index but the %s",
	   "commands, MTRRcap and the constants");
	ok(bad == 0, "msr_state_read: all %u indices read back their own value (%u bad)", nidx,
	   bad);
	ok(!msr_state_read(&st, 0x12345678, &v) && !msr_state_write(&st, 0x12345678, 1),
	   "no field for an unmodelled index");
	ok(!msr_state_read(&st, MSR_IA32_MC0_CTL2 + MCE_MAX_BANKS, &v),
	   "no field past the last CTL2");
}

static void test_state_fields(void)
{
	static struct vcpu_state st;

	memset(&st, 0, sizeof(st));
	msr_state_write(&st, MSR_EFER, 0x501);
	msr_state_write(&st, MSR_FS_BASE, 0x1111);
	msr_state_write(&st, MSR_GS_BASE, 0x2222);
	msr_state_write(&st, MSR_IA32_CR_PAT, 0x3333);
	msr_state_write(&st, MSR_IA32_MTRR_PHYSBASE0 + 7, 0x4444);
	msr_state_write(&st, MSR_IA32_MTRR_FIX4K_C0000 + 1, 0x5555);
	msr_state_write(&st, MSR_IA32_MTRR_FIX16K_80000, 0x5656);
	msr_state_write(&st, MSR_IA32_MC0_CTL + 4 * 2 + 1, 0x6666);
	msr_state_write(&st, MSR_IA32_MC0_CTL2 + 2, 0x7777);
	msr_state_write(&st, MSR_IA32_MC0_CTL + 4 * 31 + 3, 0x8888);
	msr_state_write(&st, MSR_IA32_TSC_DEADLINE, 0x9999);
	ok(st.efer == 0x501 && st.seg[SEG_FS].base == 0x1111 && st.seg[SEG_GS].base == 0x2222,
	   "EFER is st.efer, FS/GS_BASE the segment bases");
	ok(st.msr.pat == 0x3333 && st.msr.mtrr_var[7] == 0x4444 && st.msr.mtrr_fixed[4] == 0x5555 &&
		   st.msr.mtrr_fixed[1] == 0x5656,
	   "PAT, PHYSMASK3 = mtrr_var[7], FIX4K_C8000 = mtrr_fixed[4], FIX16K_80000 = [1]");
	ok(st.msr.mc_status[2] == 0x6666 && st.msr.mc_ctl2[2] == 0x7777 &&
		   st.msr.mc_misc[31] == 0x8888 && st.msr.tsc_deadline == 0x9999,
	   "MC2_STATUS, MC2_CTL2, MC31_MISC, TSC_DEADLINE in their fields");
}

/* `vx86 msrs` output into a string. */
static char *print_table(const struct cpu_model *cpu)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		abort();
	msr_table_print(cpu, out);
	fclose(out);
	return buf;
}

static unsigned longest_line(const char *s)
{
	unsigned longest = 0;

	while (*s) {
		size_t w = strcspn(s, "\n");

		if (w > longest)
			longest = (unsigned)w;
		s += w + (s[w] == '\n');
	}
	return longest;
}

static void test_print(void)
{
	struct cpu_model cpu;
	char *s;
	unsigned n;

	msr_table(&n);
	cpu_model_init(&cpu, CPU_VENDOR_INTEL);
	s = print_table(&cpu);
	ok(!strncmp(s, "INDEX", 5), "vx86 msrs: a header line first");
	ok(strstr(s, "\n0x200-0x20f ") && strstr(s, "\n0x400-0x47f ") && strstr(s, "\n0xc0000080 "),
	   "ranges print as 0x200-0x20f, single MSRs as 0xc0000080");
	ok(strstr(s, "IA32_TSC_AUX           guest      save     yes\n") != NULL,
	   "a row: name, writer, list, whether the CPU has it");
	ok(strstr(s, "write-only -        yes") && strstr(s, "read-only") &&
		   strstr(s, "host       emulated"),
	   "writers print as guest, host, read-only, write-only");
	ok(strstr(s, "no (needs xsaves)") != NULL, "Intel model: XSS says no (needs xsaves)");
	ok(strstr(s, "\n0x800-0x8ff x2APIC registers") != NULL &&
		   strstr(s, "\n0x800-0x8ff") > strstr(s, "\n0x6e0 ") &&
		   strstr(s, "\n0x800-0x8ff") < strstr(s, "\n0xc0000080 "),
	   "the x2APIC range is listed in index order");
	ok(longest_line(s) <= 100, "Intel: every line fits 100 columns (%u)", longest_line(s));
	free(s);
	cpu_model_init(&cpu, CPU_VENDOR_AMD);
	cpu_model_set_feature(&cpu, FEAT_AMD_IBRS, false);
	cpu_model_set_feature(&cpu, FEAT_AMD_STIBP, false);
	cpu_model_set_feature(&cpu, FEAT_AMD_SSBD, false);
	cpu_model_set_feature(&cpu, FEAT_RDTSCP, false);
	s = print_table(&cpu);
	ok(strstr(s, "no (Intel only)") && strstr(s, "no (needs rdtscp or rdpid)") == NULL &&
		   strstr(s, "IA32_TSC_AUX           guest      save     yes"),
	   "AMD: FEATURE_CONTROL is Intel only; TSC_AUX stays with rdpid");
	ok(strstr(s, "Needs spec_ctrl, amd_ibrs, amd_stibp or amd_ssbd.") != NULL,
	   "a needs list too wide for its column leads the notes instead");
	ok(longest_line(s) <= 100, "AMD: every line fits 100 columns (%u)", longest_line(s));
	free(s);
	cpu_model_set_feature(&cpu, FEAT_RDPID, false);
	s = print_table(&cpu);
	ok(strstr(s, "IA32_TSC_AUX           guest      save     no (needs rdtscp or rdpid)\n") !=
		   NULL,
	   "without either: TSC_AUX says no (needs rdtscp or rdpid)");
	free(s);
}

int main(void)
{
	test_table_shape();
	test_lookup();
	test_names();
	test_unknown();
	test_gates();
	test_vendor_gate();
	test_writers();
	test_msr_io();
	test_index_list_intel();
	test_index_list_amd();
	test_index_list_restores();
	test_reset();
	test_init();
	test_state_roundtrip();
	test_state_fields();
	test_print();
	return tap_done();
}
