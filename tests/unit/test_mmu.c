/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's MMU (src/engine/emu/mmu.c) against page tables built in a
 * fake guest RAM (mmu_test.h): every paging mode and page size, not-present
 * entries at each level, every access-rights rule, exact #PF error codes, A/D
 * updates, the PAE PDPTE registers, LA57 and entries outside RAM. The
 * reserved bits are in test_mmu_rsvd.c.
 */
#include "mmu_test.h"

/* ---- Translation in every mode and page size ---- */

static void test_translate(void)
{
	for (unsigned i = 0; i < NCASES; i++) {
		const struct tcase *c = &cases[i];
		uint64_t size = 1ull << c->shift;
		const uint64_t offs[] = {0, 0x123, size / 2 + 8, size - 1};
		unsigned bad = 0;

		setup(c->m, 40, true);
		map(c->la, c->pa, c->shift, 0);
		for (unsigned o = 0; o < 4; o++)
			for (unsigned k = MMU_READ; k <= MMU_FETCH; k++)
				for (unsigned cpl = 0; cpl <= 3; cpl += 3)
					bad += !maps_to(xl(c->la + offs[o], k, cpl, false),
							c->pa + offs[o]);
		ok(bad == 0,
		   "%s, %u-bit page: la 0x%" PRIx64 " -> pa 0x%" PRIx64
		   " at 4 offsets, every access",
		   c->m->name, c->shift, c->la, c->pa);
		xl(c->la + 0x10, MMU_READ, 0, false);
		ok(w.page_shift == c->shift && w.pa_base == c->pa,
		   "%s, %u-bit page: page_shift %u, "
		   "pa_base 0x%" PRIx64,
		   c->m->name, c->shift, w.page_shift, w.pa_base);
	}

	/* PSE-36 (SDM 4.3, Table 4-4): PA bits (M-1):32 from PDE bits (M-20):13, M = min(40,
	 * MAXPHYADDR). */
	const struct {
		unsigned maxphy;
		uint64_t pa;
	} pse36[] = {{36, 0xb12c00000}, {40, 0xab12c00000}, {46, 0xab12c00000}, {52, 0xab12c00000}};
	for (unsigned i = 0; i < 4; i++) {
		setup(&m32, pse36[i].maxphy, false);
		map(0x00c00000, pse36[i].pa, 22, 0);
		is_u64(xl(0x00c12345, MMU_READ, 0, false) == MMU_OK ? w.pa : 0,
		       pse36[i].pa + 0x12345,
		       "32-bit 4-MByte page, MAXPHYADDR %u: PA bits above 31 from PDE bits 20:13",
		       pse36[i].maxphy);
	}

	/* SDM 4.3: with CR4.PSE = 0 the PS bit of a PDE is ignored: it references a page table. */
	setup(&m32, 40, false);
	map(0x00403000, 0x00205000, 12, 0);
	st.cr4 &= ~CR4_PSE;
	set_ent(0x00403000, 2, ent(0x00403000, 2) | E_PS);
	ok(maps_to(xl(0x00403abc, MMU_READ, 0, false), 0x00205abc) && w.page_shift == 12,
	   "32-bit, CR4.PSE = 0: PDE.PS ignored, 4-KByte page through the page table");
	/* Outside IA-32e mode linear addresses are 32 bits. */
	st.cr4 |= CR4_PSE;
	set_ent(0x00403000, 2, ent(0x00403000, 2) & ~E_PS);
	ok(maps_to(xl(0xabcd000000403abcull, MMU_READ, 0, false), 0x00205abc),
	   "32-bit: linear-address bits 63:32 ignored");
	ok(fault_is(xl(0xabcd000000404abcull, MMU_READ, 0, false), 0, 0x00404abc),
	   "32-bit: CR2 holds the 32-bit linear address");
	setup(&mpae, 40, false);
	map(0xc0403000, 0x1234567000, 12, 0);
	ok(maps_to(xl(0x1c0403001ull, MMU_READ, 0, false), 0x1234567001),
	   "PAE: linear-address bits 63:32 ignored");
}

/* CR0.PG = 0: linear = physical, every right, nothing read or written. */
static void test_no_paging(void)
{
	unsigned bad = 0;

	setup(&m4l, 40, true);
	st.cr0 = CR0_PE | CR0_ET;
	st.efer = 0;
	st.cr4 = 0;
	for (unsigned k = MMU_READ; k <= MMU_FETCH; k++)
		for (unsigned cpl = 0; cpl <= 3; cpl++)
			bad += !(maps_to(xl(0x12345678, k, cpl, false), 0x12345678) && w.writable &&
				 w.user && !w.nx && w.dirty && !w.global && w.page_shift == 12 &&
				 w.pa_base == 0x12345000);
	ok(bad == 0, "paging off: pa = la, all rights, every access and CPL");
	ok(maps_to(xl(0xffffffff00abcdefull, MMU_WRITE, 0, false), 0xabcdef),
	   "paging off: linear addresses are 32 bits");
}

/* ---- Not-present entries: P = 0 in the error code, at every level ---- */

static unsigned np_probe(uint64_t la)
{
	unsigned bad = 0;

	for (unsigned k = MMU_READ; k <= MMU_FETCH; k++)
		for (unsigned cpl = 0; cpl <= 3; cpl++)
			for (unsigned imp = 0; imp <= 1; imp++)
				bad += !fault_is(xl(la, k, cpl, imp), access_code(k, cpl, imp), la);
	return bad;
}

static void test_not_present(void)
{
	for (unsigned i = 0; i < NCASES; i++) {
		const struct tcase *c = &cases[i];

		for (unsigned nxe = 0; nxe <= 1; nxe++) {
			setup(c->m, 40, nxe);
			map(c->la, c->pa, c->shift, 0);
			for (unsigned l = c->m->levels; l >= leaf_level(c->shift); l--) {
				uint64_t old = ent(c->la, l);
				uint64_t la = c->la + 0x777;
				unsigned bad;

				/* Reserved bits do not count in a not-present entry (SDM 4.7,
				 * RSVD). */
				set_ent(c->la, l, 0);
				bad = np_probe(la);
				set_ent(c->la, l, ~E_P & (c->m->size == 4 ? 0xffffffffull : ~0ull));
				bad += np_probe(la);
				set_ent(c->la, l, old);
				ok(bad == 0 && maps_to(xl(la, MMU_READ, 0, false), c->pa + 0x777),
				   "%s, %u-bit page, NXE=%u: P=0 at level %u gives #PF with P=0, "
				   "exact code for every access",
				   c->m->name, c->shift, nxe, l);
			}
		}
	}
}

/* ---- Access rights (SDM 4.6) ---- */

enum attr {
	ATTR_NONE,
	ATTR_NO_US,
	ATTR_NO_RW,
	ATTR_XD
};

static const char *const attr_name[] = {"none", "U/S=0", "R/W=0", "XD=1"};

/* The SDM 4.6 rules restated for one entry changed by `attr`. */
static bool denied(enum attr attr, enum mmu_kind k, unsigned cpl, bool implicit)
{
	bool user = cpl == 3 && !implicit;

	if (attr == ATTR_NO_US)
		return user;
	if (attr == ATTR_NO_RW)
		return k == MMU_WRITE && (user || (st.cr0 & CR0_WP));
	if (attr == ATTR_XD)
		return k == MMU_FETCH;
	return false;
}

static unsigned rights_probe(uint64_t la, uint64_t pa, enum attr attr)
{
	unsigned bad = 0;

	for (unsigned k = MMU_READ; k <= MMU_FETCH; k++)
		for (unsigned cpl = 0; cpl <= 3; cpl++)
			for (unsigned imp = 0; imp <= 1; imp++) {
				enum mmu_status s = xl(la, k, cpl, imp);
				bool good;

				if (denied(attr, k, cpl, imp))
					good = fault_is(s, EC_P | access_code(k, cpl, imp), la);
				else
					good = maps_to(s, pa) &&
					       w.writable == (attr != ATTR_NO_RW) &&
					       w.user == (attr != ATTR_NO_US) &&
					       w.nx == (attr == ATTR_XD);
				if (!good)
					printf("# %s cpl %u%s WP=%u NXE=%u: wrong\n", kind_name[k],
					       cpl, imp ? " implicit" : "", !!(st.cr0 & CR0_WP),
					       !!(st.efer & EFER_NX));
				bad += !good;
			}
	return bad;
}

static void rights_case(const struct tcase *c, unsigned level, enum attr attr)
{
	uint64_t la = c->la + 0x321;
	unsigned bad = 0;

	for (unsigned wp = 0; wp <= 1; wp++)
		for (unsigned nxe = attr == ATTR_XD; nxe <= 1; nxe++) {
			setup(c->m, 40, nxe);
			if (wp)
				st.cr0 |= CR0_WP;
			map(c->la, c->pa, c->shift, 0);
			uint64_t e = ent(c->la, level);

			set_ent(c->la, level,
				attr == ATTR_NO_US   ? e & ~E_US
				: attr == ATTR_NO_RW ? e & ~E_RW
				: attr == ATTR_XD    ? e | E_XD
						     : e);
			bad += rights_probe(la, c->pa + 0x321, attr);
		}
	ok(bad == 0, "%s, %u-bit page, %s at level %u: every access x CPL x WP x NXE as SDM 4.6",
	   c->m->name, c->shift, attr_name[attr], level);
}

static void test_rights(void)
{
	for (unsigned i = 0; i < NCASES; i++) {
		const struct tcase *c = &cases[i];

		rights_case(c, leaf_level(c->shift), ATTR_NONE);
		for (unsigned l = c->m->levels; l >= leaf_level(c->shift); l--) {
			if (c->m->mode == MMU_MODE_PAE && l == 3)
				continue; /* PDPTEs carry no rights (SDM 4.4.2) */
			rights_case(c, l, ATTR_NO_US);
			rights_case(c, l, ATTR_NO_RW);
			if (c->m->size == 8)
				rights_case(c, l, ATTR_XD);
		}
	}
}

/* The rules in both directions, one at a time, with literal error codes. */
static void test_rights_named(void)
{
	const uint64_t la = 0x00007f1234567000;

	setup(&m4l, 40, true);
	map(la, 0x5000, 12, 0);
	set_ent(la, 1, ent(la, 1) & ~E_RW);
	ok(maps_to(xl(la, MMU_WRITE, 0, false), 0x5000),
	   "WP=0: supervisor write to read-only page");
	ok(fault_is(xl(la, MMU_WRITE, 3, false), 0x7, la),
	   "WP=0: user write to read-only page #PF 0x7");
	st.cr0 |= CR0_WP;
	ok(fault_is(xl(la, MMU_WRITE, 0, false), 0x3, la),
	   "WP=1: supervisor write to read-only #PF 0x3");
	ok(fault_is(xl(la, MMU_WRITE, 3, true), 0x3, la),
	   "WP=1: implicit supervisor write at CPL 3 #PF 0x3 (U/S=0)");
	ok(maps_to(xl(la, MMU_READ, 3, false), 0x5000), "read-only page: user read allowed");
	/* TLB use: rights from a read walk judge a later write. */
	struct mmu_access wr = {.la = la, .kind = MMU_WRITE, .cpl = 0};
	is_u64(mmu_rights_fault(&st, &w, &wr), 0x3,
	       "mmu_rights_fault: cached read-only, WP=1 write");
	st.cr0 &= ~CR0_WP;
	is_u64(mmu_rights_fault(&st, &w, &wr), 0, "mmu_rights_fault: cached read-only, WP=0 write");

	setup(&m4l, 40, true);
	map(la, 0x5000, 12, 0);
	set_ent(la, 4, ent(la, 4) & ~E_US);
	ok(fault_is(xl(la, MMU_READ, 3, false), 0x5, la), "user read, PML4E U/S=0: #PF 0x5");
	ok(maps_to(xl(la, MMU_READ, 0, false), 0x5000), "supervisor read of the same page");
	ok(maps_to(xl(la, MMU_READ, 3, true), 0x5000), "implicit supervisor read at CPL 3");
	ok(maps_to(xl(la, MMU_FETCH, 2, false), 0x5000), "CPL 2 is supervisor");
	set_ent(la, 4, ent(la, 4) | E_US);
	set_ent(la, 2, ent(la, 2) | E_XD);
	ok(fault_is(xl(la, MMU_FETCH, 0, false), 0x11, la), "NXE=1: fetch, PDE XD=1: #PF 0x11");
	ok(fault_is(xl(la, MMU_FETCH, 3, false), 0x15, la), "NXE=1: user fetch, XD: #PF 0x15");
	ok(maps_to(xl(la, MMU_READ, 3, false), 0x5000) && w.nx,
	   "XD page: reads allowed, nx reported");

	/* I/D only with CR4.PAE = 1 and EFER.NXE = 1 (SDM 4.7). */
	setup(&m32, 40, true);
	map(0x00403000, 0x5000, 12, 0);
	set_ent(0x00403000, 1, ent(0x00403000, 1) & ~E_US);
	ok(fault_is(xl(0x00403000, MMU_FETCH, 3, false), 0x5, 0x00403000),
	   "32-bit: user fetch from supervisor page #PF 0x5, no I/D");
	setup(&mpae, 40, false);
	map(0xc0403000, 0x5000, 12, 0);
	set_ent(0xc0403000, 2, ent(0xc0403000, 2) & ~E_US);
	ok(fault_is(xl(0xc0403000, MMU_FETCH, 3, false), 0x5, 0xc0403000),
	   "PAE, NXE=0: user fetch from supervisor page #PF 0x5");
	st.efer |= EFER_NX;
	ok(fault_is(xl(0xc0403000, MMU_FETCH, 3, false), 0x15, 0xc0403000),
	   "PAE, NXE=1: user fetch from supervisor page #PF 0x15");
}

/* ---- Accessed and dirty flags (SDM 4.8) ---- */

struct snap {
	unsigned n;
	uint64_t pa[6], v[6]; /* entries in memory, level by level */
	uint64_t pdpt[4], pdpte[4];
};

static void snap_take(struct snap *s, uint64_t la, unsigned shift)
{
	s->n = 0;
	for (unsigned l = cur->levels; l >= leaf_level(shift); l--) {
		if (cur->mode == MMU_MODE_PAE && l == 3)
			continue;
		s->pa[s->n] = entry_pa(la, l);
		s->v[s->n++] = get(entry_pa(la, l), cur->size);
	}
	for (unsigned i = 0; i < 4; i++) {
		s->pdpt[i] = get(st.cr3 + 8 * i, 8);
		s->pdpte[i] = st.pdpte[i];
	}
}

/* Is every entry its old value plus `tables` (non-leaf) or `leaf` bits, and nothing else? */
static bool snap_is(const struct snap *s, uint64_t tables, uint64_t leaf)
{
	for (unsigned i = 0; i < s->n; i++)
		if (get(s->pa[i], cur->size) != (s->v[i] | (i + 1 == s->n ? leaf : tables)))
			return false;
	if (cur->mode == MMU_MODE_PAE)
		for (unsigned i = 0; i < 4; i++)
			if (get(st.cr3 + 8 * i, 8) != s->pdpt[i] || st.pdpte[i] != s->pdpte[i])
				return false;
	return true;
}

/* A fresh mapping with the ignored bits 11:9 (and 58:52 in IA-32e paging) set, to see them kept. */
static void ad_fresh(const struct tcase *c, struct snap *s, uint64_t leaf_flags)
{
	uint64_t soft = 0xe00ull | (c->m->mode >= MMU_MODE_4LEVEL ? 0x7full << 52 : 0);

	setup(c->m, 40, true);
	map(c->la, c->pa, c->shift, leaf_flags | soft);
	for (unsigned l = c->m->levels; l > leaf_level(c->shift); l--)
		if (!(c->m->mode == MMU_MODE_PAE && l == 3))
			set_ent(c->la, l, ent(c->la, l) | soft);
	snap_take(s, c->la, c->shift);
}

static void ad_case(const struct tcase *c)
{
	const char *n = c->m->name;
	unsigned sh = c->shift, leaf = leaf_level(c->shift);
	struct snap s;

	ad_fresh(c, &s, 0);
	ok(maps_to(xl(c->la, MMU_READ, 0, false), c->pa) && !w.dirty && snap_is(&s, E_A, E_A),
	   "%s, %u-bit page: a read sets A at every level, not D", n, sh);
	ok(maps_to(xl(c->la, MMU_WRITE, 3, false), c->pa) && w.dirty && snap_is(&s, E_A, E_A | E_D),
	   "%s, %u-bit page: then a write sets D in the leaf only", n, sh);
	ok(maps_to(xl(c->la, MMU_READ, 0, false), c->pa) && w.dirty,
	   "%s, %u-bit page: later reads report dirty", n, sh);
	ad_fresh(c, &s, 0);
	ok(maps_to(xl(c->la, MMU_FETCH, 0, false), c->pa) && snap_is(&s, E_A, E_A),
	   "%s, %u-bit page: a fetch sets A, not D", n, sh);
	ad_fresh(c, &s, 0);
	ok(maps_to(xl(c->la, MMU_WRITE, 0, false), c->pa) && snap_is(&s, E_A, E_A | E_D),
	   "%s, %u-bit page: a first write sets A and D", n, sh);

	/* No translation (SDM 4.7): nothing is written. */
	ad_fresh(c, &s, 0);
	set_ent(c->la, leaf, ent(c->la, leaf) & ~E_P);
	s.v[s.n - 1] &= ~E_P;
	ok(xl(c->la, MMU_WRITE, 0, false) == MMU_PAGE_FAULT && snap_is(&s, 0, 0),
	   "%s, %u-bit page: not-present leaf, write: no A/D anywhere", n, sh);
	if (c->m->size == 8 || sh == 22) {
		uint64_t r = c->m->size == 8 ? 1ull << 45 : 1ull << 21;

		ad_fresh(c, &s, r);
		ok(xl(c->la, MMU_WRITE, 0, false) == MMU_PAGE_FAULT && f.error_code & EC_RSVD &&
			   snap_is(&s, 0, 0),
		   "%s, %u-bit page: reserved bit in the leaf: no A/D anywhere", n, sh);
	}
	/* Protection faults: A in the entries that reference tables (Vol. 3A 6.15 #PF note). */
	ad_fresh(c, &s, 0);
	set_ent(c->la, leaf, ent(c->la, leaf) & ~E_US);
	s.v[s.n - 1] &= ~E_US;
	ok(fault_is(xl(c->la, MMU_READ, 3, false), 0x5, c->la) && snap_is(&s, E_A, 0),
	   "%s, %u-bit page: U/S fault: A in the tables, leaf untouched", n, sh);
	ad_fresh(c, &s, 0);
	st.cr0 |= CR0_WP;
	set_ent(c->la, leaf, ent(c->la, leaf) & ~E_RW);
	s.v[s.n - 1] &= ~E_RW;
	ok(fault_is(xl(c->la, MMU_WRITE, 0, false), 0x3, c->la) && snap_is(&s, E_A, 0),
	   "%s, %u-bit page: WP fault: no D, leaf untouched", n, sh);
	st.cr0 &= ~CR0_WP;
	ok(maps_to(xl(c->la, MMU_WRITE, 0, false), c->pa) && snap_is(&s, E_A, E_A | E_D),
	   "%s, %u-bit page: WP=0 supervisor write to read-only sets A and D", n, sh);
}

static void test_accessed_dirty(void)
{
	for (unsigned i = 0; i < NCASES; i++)
		ad_case(&cases[i]);

	/* G with CR4.PGE (SDM 4.10.2.4) and the reported rights. */
	setup(&m4l, 40, true);
	map(0x600000, 0x400000, 21, E_G);
	ok(xl(0x600000, MMU_READ, 0, false) == MMU_OK && !w.global, "G=1, PGE=0: not global");
	st.cr4 |= CR4_PGE;
	ok(xl(0x600000, MMU_READ, 0, false) == MMU_OK && w.global && w.writable && w.user && !w.nx,
	   "G=1, PGE=1: global");
	set_ent(0x600000, 2, ent(0x600000, 2) & ~E_G);
	ok(xl(0x600000, MMU_READ, 0, false) == MMU_OK && !w.global, "G=0, PGE=1: not global");
}

/* ---- PAE: the PDPTE registers, not memory (SDM 4.4.1) ---- */

static void test_pae_registers(void)
{
	const uint64_t la = 0xc0403000;

	setup(&mpae, 40, true);
	map(la, 0x7000, 12, 0);
	uint64_t pdpte = st.pdpte[3];

	put(st.cr3 + 24, 8, 0);
	ok(maps_to(xl(la, MMU_READ, 0, false), 0x7000),
	   "PAE: PDPT in memory cleared, registers used");
	put(st.cr3 + 24, 8, pdpte);
	st.pdpte[3] = 0;
	ok(fault_is(xl(la, MMU_WRITE, 3, false), 0x6, la),
	   "PAE: PDPTE register not present, memory present: #PF 0x6");
	st.pdpte[3] = pdpte;
	/* A second page directory, reachable only through the register. */
	uint64_t pd = alloc_table(), pt = alloc_table();

	put(pd + 2 * 8, 8, pt | E_P | E_RW | E_US);
	put(pt + 3 * 8, 8, 0x9000 | E_P | E_RW | E_US);
	st.pdpte[3] = pd | E_P;
	ok(maps_to(xl(la, MMU_READ, 0, false), 0x9000),
	   "PAE: the register's page directory is walked");
	ok(get(st.cr3 + 24, 8) == pdpte && st.pdpte[3] == (pd | E_P),
	   "PAE: no A flag in PDPTEs, memory or register (SDM 4.8 note)");
}

/* ---- 4-level vs 5-level by CR4.LA57 ---- */

static void test_la57(void)
{
	const uint64_t la = 0x00abcdef12345000; /* PML5 index 0xab, PML4 index 0x179 */

	setup(&m5l, 46, true);
	map(la, 0x111000, 12, 0);
	cur = &m4l; /* the same root as a PML4 */
	map(la, 0x222000, 12, 0);
	st.cr4 |= CR4_LA57;
	ok(maps_to(xl(la, MMU_READ, 0, false), 0x111000), "LA57=1: 5-level walk");
	st.cr4 &= ~CR4_LA57;
	ok(maps_to(xl(la, MMU_READ, 0, false), 0x222000), "LA57=0: 4-level walk of the same CR3");
	setup(&m4l, 46, true);
	map(0x00007f1234567000, 0x5000, 12, 0);
	st.cr4 |= CR4_LA57;
	ok(fault_is(xl(0x00007f1234567000, MMU_READ, 0, false), 0, 0x00007f1234567000),
	   "4-level tables under LA57=1: PML5 entry 0 not present");
	st.cr4 &= ~CR4_LA57;
	ok(maps_to(xl(0xffff7f1234567000, MMU_READ, 0, false), 0x5000),
	   "4-level: bits 63:48 are not the walk's (canonical check is the executor's)");
}

/* ---- Entries outside RAM read as all ones ---- */

static void test_outside_ram(void)
{
	static const struct tmode *const modes[] = {&m4l, &m5l};
	const uint64_t la = 0x00007f1234567000;

	for (unsigned i = 0; i < 2; i++)
		for (unsigned mp = 46; mp <= 52; mp += 6) {
			setup(modes[i], mp, true);
			st.cr3 = 0x80000000;
			ok(fault_is(xl(la, MMU_READ, 0, false), 0x9, la),
			   "%s, MAXPHYADDR %u: CR3 outside RAM: RSVD #PF 0x9", modes[i]->name, mp);
		}
	setup(&m4l, 40, true);
	map(la, 0x5000, 12, 0);
	set_ent(la, 2, (ent(la, 2) & 0xfff) | HOLE); /* the page table in the legacy hole */
	ok(fault_is(xl(la, MMU_WRITE, 0, false), 0xb, la),
	   "4-level: page table in the hole: #PF 0xb");
	setup(&mpae, 40, true);
	st.pdpte[0] = 0x80000000 | E_P;
	ok(fault_is(xl(0x1000, MMU_READ, 0, false), 0x9, 0x1000),
	   "PAE: page directory outside RAM");
	setup(&m32, 40, false);
	st.cr3 = 0xc0000000;
	ok(fault_is(xl(0x1000, MMU_READ, 0, false), 0x9, 0x1000),
	   "32-bit, PSE=1: all-ones PDE maps a 4-MByte page with bit 21 set: RSVD");
	st.cr4 &= ~CR4_PSE;
	st.cr4 |= CR4_PGE;
	ok(maps_to(xl(0x1234, MMU_WRITE, 3, false), 0xfffff234) && w.writable && w.user &&
		   w.dirty && w.global,
	   "32-bit, PSE=0: all-ones entries map 0xFFFFF000, as on hardware");
}

static void test_cpu_init(void)
{
	struct cpu_model m;
	struct mmu_cpu c;

	cpu_model_init(&m, CPU_VENDOR_INTEL);
	mmu_cpu_init(&c, &m);
	ok(c.maxphyaddr == m.maxphyaddr && c.gbpages && c.pse36,
	   "mmu_cpu_init(intel): MAXPHYADDR %u, 1-GByte pages, PSE-36", c.maxphyaddr);
	cpu_model_set_feature(&m, FEAT_PDPE1GB, false);
	mmu_cpu_init(&c, &m);
	ok(!c.gbpages, "mmu_cpu_init: no PDPE1GB, no 1-GByte pages");
	cpu_model_init(&m, CPU_VENDOR_AMD);
	mmu_cpu_init(&c, &m);
	ok(c.maxphyaddr == m.maxphyaddr && c.gbpages && c.pse36, "mmu_cpu_init(amd)");
}

int main(void)
{
	test_translate();
	test_no_paging();
	test_not_present();
	test_rights();
	test_rights_named();
	test_accessed_dirty();
	test_pae_registers();
	test_la57();
	test_outside_ram();
	test_cpu_init();
	return tap_done();
}
