/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's MMU: reserved bits. Every bit of every entry type in every
 * paging mode and page size, for several MAXPHYADDRs, with EFER.NXE 0 and 1,
 * with and without PSE-36 and 1-GByte pages: a reserved bit gives #PF with
 * P=1 and RSVD=1 and the exact W/U/I bits; any other bit that is not an
 * address bit leaves the translation as it was. Then each rule by name.
 */
#include "mmu_test.h"

/* ---- Reserved bits: RSVD with P = 1, every bit of every entry type ---- */

enum {
	BIT_FLAG,
	BIT_RSVD,
	BIT_SKIP
};

/*
 * SDM 4.3 (Table 4-4..4-6), 4.4.2 (Table 4-10..4-11) and 4.5.4 (Table 4-15..4-20),
 * restated: what setting `bit` does in the entry at `level` of a walk whose
 * page is mapped at level `leaf`. BIT_FLAG: nothing for a read or a user
 * write; BIT_SKIP: an address bit, or PS, whose effect is not a fault.
 */
static int bit_class32(unsigned level, unsigned leaf, unsigned bit)
{
	unsigned m = cpu.pse36 ? (cpu.maxphyaddr > 40 ? 40 : cpu.maxphyaddr) : 32;

	if (bit == 0 || bit >= 32)
		return BIT_SKIP;
	if (level == 2 && leaf == 2) {
		if (bit >= 22 || bit == 7 || (bit >= 13 && bit <= m - 20))
			return BIT_SKIP;
		return bit >= m - 19 && bit <= 21 ? BIT_RSVD : BIT_FLAG;
	}
	if (bit >= 12)
		return BIT_SKIP;
	if (level == 2 && bit == 7 && (st.cr4 & CR4_PSE))
		return BIT_SKIP; /* it would map a 4-MByte page */
	return BIT_FLAG;
}

static int bit_class64(unsigned level, unsigned leaf, unsigned shift, unsigned bit)
{
	unsigned m = cpu.maxphyaddr;
	bool pae = cur->mode == MMU_MODE_PAE;

	if (bit == 0)
		return BIT_SKIP;
	if (bit == 63)
		return (st.efer & EFER_NX) ? BIT_FLAG : BIT_RSVD;
	if (bit >= m)
		return pae || bit <= 51 ? BIT_RSVD : BIT_FLAG;
	if (bit >= 12) {
		if (level == leaf && shift > 12 && bit < shift)
			return bit == 12 ? BIT_FLAG : BIT_RSVD; /* PAT, then 20:13 or 29:13 */
		return BIT_SKIP;
	}
	if (bit == 7) {
		if (level == 1)
			return BIT_FLAG; /* PAT */
		if (level == leaf || level == 2 || (level == 3 && cpu.gbpages))
			return BIT_SKIP;
		return BIT_RSVD; /* PML4E, PML5E, PDPTE without 1-GByte pages */
	}
	return BIT_FLAG;
}

/* Set each bit of the entry at `level` in turn and check the walk's verdict. */
static unsigned probe_bits(uint64_t la, uint64_t pa, unsigned level, unsigned shift,
			   unsigned *nrsvd)
{
	unsigned leaf = leaf_level(shift), bad = 0;
	uint64_t old = ent(la, level);

	for (unsigned bit = 0; bit < 8 * cur->size; bit++) {
		int cls = cur->size == 4 ? bit_class32(level, leaf, bit)
					 : bit_class64(level, leaf, shift, bit);

		if (cls == BIT_SKIP || (old & (1ull << bit)))
			continue;
		set_ent(la, level, old | 1ull << bit);
		if (cls == BIT_RSVD) {
			++*nrsvd;
			for (unsigned k = MMU_READ; k <= MMU_FETCH; k++)
				for (unsigned cpl = 0; cpl <= 3; cpl += 3)
					if (!fault_is(xl(la, k, cpl, false),
						      EC_P | EC_RSVD | access_code(k, cpl, false),
						      la)) {
						bad++;
						printf("# level %u bit %u: not a RSVD fault\n",
						       level, bit);
					}
		} else if (!maps_to(xl(la, MMU_READ, 0, false), pa) ||
			   !maps_to(xl(la, MMU_WRITE, 3, false), pa)) {
			bad++;
			printf("# level %u bit %u: translation changed or faulted\n", level, bit);
		}
		set_ent(la, level, old);
	}
	return bad;
}

/*
 * The CPU and CR4 variants each case runs under, or NULL where one does not
 * apply: PSE=0 has only 4-KByte pages, a 1-GByte page needs the flag, PAE
 * paging has no 1-GByte pages to turn off.
 */
static const char *variant_name(const struct tcase *c, unsigned var)
{
	if (c->m->size == 4) {
		static const char *const v32[] = {"PSE-36", "no PSE-36", "PSE=0"};

		return var == 2 && c->shift == 22 ? NULL : v32[var];
	}
	if (var == 0)
		return c->m->mode == MMU_MODE_PAE ? "PDPTE registers" : "1-GByte pages";
	if (var == 1 && c->m->mode != MMU_MODE_PAE && c->shift != 30)
		return "no 1-GByte pages";
	return NULL;
}

static void reserved_case(const struct tcase *c, unsigned maxphy, bool nxe, unsigned var)
{
	uint64_t pa = 3ull << c->shift, la = c->la + 0x5a8;
	unsigned bad = 0, nrsvd = 0;

	setup(c->m, maxphy, nxe);
	if (c->m->size == 4) {
		cpu.pse36 = !(var & 1);
		if (var & 2)
			st.cr4 &= ~CR4_PSE;
	} else {
		cpu.gbpages = !(var & 1);
	}
	map(c->la, pa, c->shift, 0);
	for (unsigned l = c->m->levels; l >= leaf_level(c->shift); l--)
		if (!(c->m->mode == MMU_MODE_PAE && l == 3)) /* registers: checked at load */
			bad += probe_bits(la, pa + 0x5a8, l, c->shift, &nrsvd);
	ok(bad == 0 && (nrsvd > 0) == (c->m->size == 8 || c->shift == 22),
	   "%s, %u-bit page, MAXPHYADDR %u, NXE=%u, %s: %u reserved bits give RSVD|P, "
	   "the other bits translate",
	   c->m->name, c->shift, maxphy, nxe, variant_name(c, var), nrsvd);
}

static void test_reserved_bits(void)
{
	static const unsigned maxphys[] = {36, 40, 46, 52};

	for (unsigned i = 0; i < NCASES; i++) {
		const struct tcase *c = &cases[i];

		for (unsigned mp = 0; mp < 4; mp++)
			for (unsigned nxe = 0; nxe <= (c->m->size == 8); nxe++)
				for (unsigned var = 0; var < 3; var++) {
					if (variant_name(c, var))
						reserved_case(c, maxphys[mp], nxe, var);
				}
	}
}

/* SDM 4.5.4: PS is reserved in a PML4E and a PML5E. */
static void reserved_ps(void)
{
	const uint64_t la = 0x00007f1234567000;

	setup(&m4l, 46, true);
	map(la, 0x200000, 12, 0);
	set_ent(la, 4, ent(la, 4) | E_PS);
	ok(fault_is(xl(la, MMU_READ, 0, false), 0x9, la), "4-level: PML4E.PS=1 -> #PF 0x9");
	setup(&m5l, 46, true);
	map(la, 0x200000, 12, 0);
	set_ent(la, 5, ent(la, 5) | E_PS);
	ok(fault_is(xl(la, MMU_WRITE, 3, false), 0xf, la), "5-level: PML5E.PS=1 -> #PF 0xf");
	set_ent(la, 5, ent(la, 5) & ~E_PS);
	set_ent(la, 4, ent(la, 4) | E_PS);
	ok(fault_is(xl(la, MMU_FETCH, 3, false), 0x1d, la), "5-level: PML4E.PS=1 -> #PF 0x1d");

	/*
	 * The same with an entry whose address field is 0, so that no bit of it
	 * falls where a large page would have reserved bits: only the PS rule
	 * can refuse it.
	 */
	setup(&m4l, 46, true);
	put(st.cr3 + ((la >> 39) & 511) * 8, 8, E_P | E_RW | E_US | E_PS);
	ok(fault_is(xl(la, MMU_READ, 0, false), 0x9, la),
	   "4-level: PML4E.PS=1 with address 0 -> #PF 0x9 (no 512-GByte pages)");
	setup(&m5l, 46, true);
	put(st.cr3 + ((la >> 48) & 511) * 8, 8, E_P | E_RW | E_US | E_PS);
	ok(fault_is(xl(la, MMU_READ, 0, false), 0x9, la),
	   "5-level: PML5E.PS=1 with address 0 -> #PF 0x9");
}

/* 1-GByte pages only with CPUID.80000001H:EDX[26]; bits 29:13 reserved. */
static void reserved_1g(void)
{
	setup(&m4l, 46, true);
	map(0x40000000, 0x80000000, 30, 0);
	ok(maps_to(xl(0x4abcdef0, MMU_READ, 0, false), 0x8abcdef0), "1-GByte page with the flag");
	cpu.gbpages = false;
	ok(fault_is(xl(0x4abcdef0, MMU_WRITE, 3, false), 0xf, 0x4abcdef0),
	   "1-GByte page without the flag: PDPTE.PS reserved, #PF 0xf");
	cpu.gbpages = true;
	set_ent(0x40000000, 3, ent(0x40000000, 3) | 1ull << 29);
	ok(fault_is(xl(0x40000000, MMU_READ, 0, false), 0x9, 0x40000000),
	   "1-GByte page: bit 29 reserved");
	set_ent(0x40000000, 3, (ent(0x40000000, 3) & ~(1ull << 29)) | 1ull << 13);
	ok(fault_is(xl(0x40000000, MMU_READ, 0, false), 0x9, 0x40000000),
	   "1-GByte page: bit 13 reserved");
	set_ent(0x40000000, 3, (ent(0x40000000, 3) & ~(1ull << 13)) | 1ull << 12);
	ok(maps_to(xl(0x40000000, MMU_READ, 0, false), 0x80000000), "1-GByte page: bit 12 is PAT");
}

/* 2-MByte pages, the high bits in IA-32e and PAE paging, XD without NXE. */
static void reserved_2m_high(void)
{
	/* 2-MByte pages: bits 20:13 reserved, bit 21 is an address bit. */
	setup(&m4l, 46, true);
	map(0x600000, 0x400000, 21, 0);
	set_ent(0x600000, 2, ent(0x600000, 2) | 1ull << 20);
	ok(fault_is(xl(0x600000, MMU_READ, 0, false), 0x9, 0x600000),
	   "2-MByte page: bit 20 reserved");
	set_ent(0x600000, 2, (ent(0x600000, 2) & ~(1ull << 20)) | 1ull << 21);
	ok(maps_to(xl(0x600010, MMU_READ, 0, false), 0x600010),
	   "2-MByte page: bit 21 is PA bit 21");
	/* Bits 51:M reserved, 62:52 ignored with 4-level paging; 62:M reserved with PAE. */
	set_ent(0x600000, 2, ent(0x600000, 2) | 1ull << 51);
	ok(fault_is(xl(0x600000, MMU_FETCH, 0, false), 0x19, 0x600000),
	   "4-level, MAXPHYADDR 46: bit 51 reserved, fetch #PF 0x19");
	cpu.maxphyaddr = 52;
	ok(maps_to(xl(0x600000, MMU_READ, 0, false), 0x8000000600000),
	   "4-level, MAXPHYADDR 52: bit 51 is an address bit");
	set_ent(0x600000, 2, ent(0x600000, 2) & ~(1ull << 51));
	set_ent(0x600000, 2, ent(0x600000, 2) | 0x7ffull << 52);
	ok(maps_to(xl(0x600000, MMU_READ, 0, false), 0x600000), "4-level: bits 62:52 ignored");
	st.efer &= ~EFER_NX;
	set_ent(0x600000, 2, ent(0x600000, 2) | E_XD);
	ok(fault_is(xl(0x600000, MMU_READ, 3, false), 0xd, 0x600000),
	   "4-level, NXE=0: XD reserved");
	setup(&mpae, 40, true);
	map(0xc0403000, 0x5000, 12, 0);
	set_ent(0xc0403000, 1, ent(0xc0403000, 1) | 1ull << 62);
	ok(fault_is(xl(0xc0403000, MMU_READ, 0, false), 0x9, 0xc0403000),
	   "PAE: PTE bit 62 reserved");
	set_ent(0xc0403000, 1, (ent(0xc0403000, 1) & ~(1ull << 62)) | E_XD);
	st.efer &= ~EFER_NX;
	ok(fault_is(xl(0xc0403000, MMU_FETCH, 3, false), 0xd, 0xc0403000),
	   "PAE, NXE=0: XD reserved; no I/D without NXE (#PF 0xd)");
}

/* 32-bit paging, 4-MByte pages: bits 21:(M-19), or 21:13 without PSE-36. */
static void reserved_32bit(void)
{
	setup(&m32, 40, false);
	map(0x00800000, 0x00c00000, 22, 0);
	set_ent(0x00800000, 2, ent(0x00800000, 2) | 1ull << 21);
	ok(fault_is(xl(0x00800000, MMU_FETCH, 3, false), 0xd, 0x00800000),
	   "32-bit, PSE-36, MAXPHYADDR 40: bit 21 reserved (#PF 0xd, no I/D)");
	set_ent(0x00800000, 2, (ent(0x00800000, 2) & ~(1ull << 21)) | 1ull << 20);
	ok(maps_to(xl(0x00800000, MMU_READ, 0, false), 0x8000c00000),
	   "32-bit, MAXPHYADDR 40: PDE bit 20 is PA bit 39");
	cpu.maxphyaddr = 36;
	ok(fault_is(xl(0x00800000, MMU_READ, 0, false), 0x9, 0x00800000),
	   "32-bit, MAXPHYADDR 36: PDE bit 20 reserved");
	set_ent(0x00800000, 2, (ent(0x00800000, 2) & ~(1ull << 20)) | 1ull << 16);
	ok(maps_to(xl(0x00800000, MMU_READ, 0, false), 0x800c00000),
	   "32-bit, MAXPHYADDR 36: PDE bit 16 is PA bit 35");
	cpu.pse36 = false;
	ok(fault_is(xl(0x00800000, MMU_READ, 0, false), 0x9, 0x00800000),
	   "32-bit without PSE-36: PDE bit 16 reserved");
	set_ent(0x00800000, 2, (ent(0x00800000, 2) & ~(1ull << 16)) | 1ull << 13);
	ok(fault_is(xl(0x00800000, MMU_READ, 0, false), 0x9, 0x00800000),
	   "32-bit without PSE-36: PDE bit 13 reserved");
}

/* No translation (P=0 or RSVD, top down) before access rights. */
static void reserved_order(void)
{
	const uint64_t la = 0x00007f1234567000;

	setup(&m4l, 40, true);
	map(la, 0x5000, 12, 0);
	set_ent(la, 1, (ent(la, 1) & ~E_US) | 1ull << 45);
	ok(fault_is(xl(la, MMU_READ, 3, false), 0xd, la), "RSVD before U/S: #PF 0xd");
	set_ent(la, 1, ent(la, 1) & ~E_P);
	set_ent(la, 2, ent(la, 2) | 1ull << 45);
	ok(fault_is(xl(la, MMU_READ, 0, false), 0x9, la), "RSVD in the PDE, PTE not present: RSVD");
	set_ent(la, 2, (ent(la, 2) & ~(1ull << 45)) & ~E_P);
	set_ent(la, 1, ent(la, 1) | E_P);
	ok(fault_is(xl(la, MMU_READ, 0, false), 0x0, la), "PDE not present, PTE reserved: P=0");
}

static void test_reserved_named(void)
{
	reserved_ps();
	reserved_1g();
	reserved_2m_high();
	reserved_32bit();
	reserved_order();
}

int main(void)
{
	test_reserved_bits();
	test_reserved_named();
	return tap_done();
}
