/* SPDX-License-Identifier: MIT */
/*
 * Linear -> physical translation for the emu engine (mmu.h). Written from
 * Intel SDM Vol. 3A chapter 4 ("Paging"); section numbers below are that
 * chapter's. One walker for the 8-byte-entry modes (PAE, 4-level, 5-level),
 * one for 32-bit paging, one place that judges rights and sets A/D.
 *
 * Order of events, per SDM 4.7 and 4.8:
 * 1. Walk from the top. An entry with P = 0, or P = 1 and a reserved bit set,
 *    ends the walk: there is no translation, so no entry was "used as part of
 *    linear-address translation" (4.8) and nothing is written.
 * 2. With a translation, set A in the entries that reference other paging
 *    structures. The SDM's #PF page (Vol. 3A 6.15, Interrupt 14, footnote)
 *    says this happens even when the access then faults for page-level
 *    protection ("the access flag in the page-directory entry is set when the
 *    fault occurs"), while A in the mapping entry is then model specific.
 * 3. Judge the rights (4.6). A protection fault leaves the mapping entry
 *    alone: vx86's choice for the model-specific case, so D never changes.
 * 4. Otherwise set A in the mapping entry, and D on a write (4.8).
 * A/D updates OR single bits into the entry's low byte; the rest of the entry
 * is never rewritten. 4.8's NOTE allows these writes to bypass self-modifying
 * code detection, so the decoded-block cache need not see them.
 */
#include "mmu.h"

#include <endian.h>
#include <string.h>

/* Bits n-1:0. */
static inline uint64_t low_bits(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* Bits hi:lo. */
static inline uint64_t bit_range(unsigned hi, unsigned lo)
{
	return low_bits(hi + 1) & ~low_bits(lo);
}

enum walk_result {
	WALK_OK,
	WALK_NOT_PRESENT,
	WALK_RSVD,
};

/* A walk in progress: what it needs and what it has found so far. */
struct walk {
	const struct mmu_mem *mem;
	uint64_t la;
	uint64_t addr;	    /* bits M-1:12, an entry's address field */
	uint64_t rsvd;	    /* reserved in every present 8-byte entry */
	bool gbpages;	    /* PS = 1 in a PDPTE maps a 1-GByte page */
	uint64_t rights;    /* R/W and U/S, ANDed over the entries (4.6) */
	uint64_t xd;	    /* XD, ORed over the entries (4.6) */
	uint8_t *tables[4]; /* entries in RAM that reference a table and have A = 0 */
	unsigned ntables;
	uint8_t *leaf; /* the entry that maps the page, if in RAM */
	uint64_t leaf_e;
	uint64_t pa_base;
	unsigned shift;
};

/*
 * SDM 4.5.4: what PS = 1 means at each level of 4-level and 5-level paging
 * (PAE paging only reaches levels 2 and 1). Level 1 has no PS bit (bit 7 is PAT).
 */
enum ps_rule {
	PS_NONE,    /* level 1 */
	PS_PAGE,    /* maps a page of 1 << shift bytes */
	PS_GBPAGE,  /* maps a page if 1-GByte pages are supported, else reserved */
	PS_RESERVED /* PML4E and PML5E: PS is reserved */
};

static const struct level {
	uint8_t shift; /* linear-address bit where this level's 9-bit index starts */
	uint8_t ps;    /* enum ps_rule */
} levels[6] = {
	[1] = {12, PS_NONE},	 [2] = {21, PS_PAGE},	  [3] = {30, PS_GBPAGE},
	[4] = {39, PS_RESERVED}, [5] = {48, PS_RESERVED},
};

/* A little-endian entry of 4 or 8 bytes; all ones outside RAM (mmu.h). */
static inline uint64_t read_entry(const struct walk *w, uint64_t pa, unsigned size, uint8_t **host)
{
	uint8_t *p = mmu_mem_host(w->mem, pa, size);

	*host = p;
	if (size == 4) {
		uint32_t v;

		if (!p)
			return 0xffffffffu;
		memcpy(&v, p, 4);
		return le32toh(v);
	}
	uint64_t v;

	if (!p)
		return ~0ull;
	memcpy(&v, p, 8);
	return le64toh(v);
}

/* An entry that references the next paging structure. */
static inline void use_table(struct walk *w, uint8_t *host, uint64_t e)
{
	w->rights &= e;
	w->xd |= e;
	if (host && !(e & PTE_A))
		w->tables[w->ntables++] = host;
}

/* The entry that maps the page: a PTE, or a PDE/PDPTE with PS = 1. */
static inline void map_page(struct walk *w, uint8_t *host, uint64_t e, unsigned shift,
			    uint64_t base)
{
	w->rights &= e;
	w->xd |= e;
	w->leaf = host;
	w->leaf_e = e;
	w->shift = shift;
	w->pa_base = base;
}

/*
 * SDM 4.4.2 (PAE) and 4.5.4 (4-level, 5-level): walk 8-byte entries from
 * `level` down, starting with the table at physical address `table`.
 */
static enum walk_result walk64(struct walk *w, uint64_t table, unsigned level)
{
	for (;; level--) {
		const struct level *l = &levels[level];
		uint8_t *host;
		uint64_t e = read_entry(w, table + ((w->la >> l->shift) & 511) * 8, 8, &host);

		if (!(e & PTE_P))
			return WALK_NOT_PRESENT;
		/* Bits M and above, and XD when EFER.NXE = 0. */
		if (e & w->rsvd)
			return WALK_RSVD;
		if (level == 1) {
			map_page(w, host, e, 12, e & w->addr);
			return WALK_OK;
		}
		if (e & PTE_PS) {
			/* PS in a PML4E/PML5E, or in a PDPTE without 1-GByte pages, is reserved. */
			if (l->ps == PS_RESERVED || (l->ps == PS_GBPAGE && !w->gbpages))
				return WALK_RSVD;
			/* Bits 20:13 of a 2-MByte PDE, 29:13 of a 1-GByte PDPTE (12 is PAT). */
			if (e & bit_range(l->shift - 1, 13))
				return WALK_RSVD;
			map_page(w, host, e, l->shift, e & w->addr & ~low_bits(l->shift));
			return WALK_OK;
		}
		use_table(w, host, e);
		table = e & w->addr;
	}
}

/* SDM 4.3: 32-bit paging, 4-byte entries, 4-KByte and (CR4.PSE = 1) 4-MByte pages. */
static enum walk_result walk32(struct walk *w, const struct vcpu_state *st,
			       const struct mmu_cpu *cpu)
{
	uint32_t la = (uint32_t)w->la;
	uint8_t *host;
	/* Bits 63:32 of CR3 are ignored with 32-bit paging (Figure 4-4, note 1). */
	uint64_t pde = read_entry(w, (st->cr3 & 0xfffff000u) + (la >> 22) * 4, 4, &host);

	if (!(pde & PTE_P))
		return WALK_NOT_PRESENT;
	if ((st->cr4 & CR4_PSE) && (pde & PTE_PS)) {
		/*
		 * Table 4-4: PDE bits 20:13 hold PA bits 39:32 (PSE-36, up to
		 * M = min(40, MAXPHYADDR)); bits 21:(M-19) are reserved, 21:13
		 * without PSE-36. These are the only reserved bits of 32-bit paging.
		 */
		unsigned m = cpu->pse36 ? cpu->maxphyaddr : 32;

		m = m > 40 ? 40 : m < 32 ? 32 : m;
		if (pde & bit_range(21, m - 19))
			return WALK_RSVD;
		map_page(w, host, pde, 22,
			 (pde & 0xffc00000u) | ((pde >> 13) & low_bits(m - 32)) << 32);
		return WALK_OK;
	}
	/* CR4.PSE = 0 or PS = 0: the PDE references a page table (PS is ignored). */
	use_table(w, host, pde);
	uint64_t pte = read_entry(w, (pde & 0xfffff000u) + ((la >> 12) & 0x3ff) * 4, 4, &host);

	if (!(pte & PTE_P))
		return WALK_NOT_PRESENT;
	map_page(w, host, pte, 12, pte & 0xfffff000u);
	return WALK_OK;
}

/* Set A (and D) in an entry in RAM: one byte, only the bits that are 0. */
static inline void set_bits(uint8_t *host, uint8_t bits)
{
	*host |= bits;
}

/* Steps 2-4 of the order at the top of this file. */
static enum mmu_status finish(const struct vcpu_state *st, struct walk *k,
			      const struct mmu_access *a, struct mmu_walk *w, struct mmu_fault *f)
{
	bool write = a->kind == MMU_WRITE;
	uint32_t code;

	for (unsigned i = 0; i < k->ntables; i++)
		set_bits(k->tables[i], (uint8_t)PTE_A);
	w->writable = k->rights & PTE_RW;
	w->user = k->rights & PTE_US;
	/* An XD bit set with EFER.NXE = 0 was a reserved-bit fault already. */
	w->nx = k->xd & PTE_XD;
	code = mmu_rights_fault(st, w, a);
	if (code) {
		f->cr2 = k->la;
		f->error_code = code;
		return MMU_PAGE_FAULT;
	}
	uint64_t need = (PTE_A | (write ? PTE_D : 0)) & ~k->leaf_e;

	if (k->leaf && need)
		set_bits(k->leaf, (uint8_t)need);
	w->dirty = write || (k->leaf_e & PTE_D);
	w->global = (st->cr4 & CR4_PGE) && (k->leaf_e & PTE_G);
	w->page_shift = k->shift;
	w->pa_base = k->pa_base;
	w->pa = k->pa_base | (k->la & low_bits(k->shift));
	return MMU_OK;
}

/* CR0.PG = 0: linear = physical (32 bits, since IA-32e mode needs paging). */
static enum mmu_status no_paging(uint64_t la, struct mmu_walk *w)
{
	*w = (struct mmu_walk){
		.pa = la,
		.pa_base = la & ~0xfffull,
		.page_shift = 12,
		.writable = true,
		.user = true,
		.dirty = true,
	};
	return MMU_OK;
}

/* Run the walker of the mode; the masks follow MAXPHYADDR and EFER.NXE. */
static enum walk_result walk(struct walk *k, const struct vcpu_state *st, const struct mmu_cpu *cpu,
			     enum mmu_mode mode)
{
	unsigned m = cpu->maxphyaddr > 52 ? 52 : cpu->maxphyaddr < 32 ? 32 : cpu->maxphyaddr;
	uint64_t xd = (st->efer & EFER_NX) ? 0 : PTE_XD;
	uint64_t pdpte;

	k->addr = bit_range(m - 1, 12);
	k->gbpages = cpu->gbpages;
	switch (mode) {
	case MMU_MODE_32BIT:
		return walk32(k, st, cpu);
	case MMU_MODE_PAE:
		/* 4.4.1: the PDPTE registers, not memory (reserved bits: #GP at load). */
		pdpte = st->pdpte[(k->la >> 30) & 3];
		if (!(pdpte & PTE_P))
			return WALK_NOT_PRESENT;
		/* 4.4.2: bits 62:M of a present PDE or PTE are reserved. */
		k->rsvd = bit_range(62, m) | xd;
		return walk64(k, pdpte & k->addr, 2);
	default:
		/* 4.5.4: bits 51:M of a present entry are reserved (62:52 are ignored). */
		k->rsvd = (m < 52 ? bit_range(51, m) : 0) | xd;
		return walk64(k, st->cr3 & k->addr, mode == MMU_MODE_5LEVEL ? 5 : 4);
	}
}

enum mmu_status mmu_translate(const struct vcpu_state *st, const struct mmu_mem *mem,
			      const struct mmu_cpu *cpu, const struct mmu_access *a,
			      struct mmu_walk *w, struct mmu_fault *f)
{
	enum mmu_mode mode = mmu_mode(st);
	/* Linear addresses are 32 bits outside IA-32e mode. */
	uint64_t la = mode >= MMU_MODE_4LEVEL ? a->la : (uint32_t)a->la;
	struct walk k = {.mem = mem, .la = la, .rights = PTE_RW | PTE_US};
	enum walk_result r;

	if (mode == MMU_MODE_NONE)
		return no_paging(la, w);
	r = walk(&k, st, cpu, mode);
	if (r != WALK_OK) {
		/* 4.7: P = 0 for a not-present entry; RSVD = 1 (with P = 1) for a reserved bit. */
		f->cr2 = la;
		f->error_code = mmu_access_code(st, a) | (r == WALK_RSVD ? PF_P | PF_RSVD : 0);
		return MMU_PAGE_FAULT;
	}
	return finish(st, &k, a, w, f);
}

void mmu_cpu_init(struct mmu_cpu *c, const struct cpu_model *m)
{
	const struct cpuid_entry *l1 = cpu_model_leaf(m, 1, 0);

	c->maxphyaddr = m->maxphyaddr;
	c->gbpages = cpu_has(m, FEAT_PDPE1GB);
	c->pse36 = l1 && (l1->edx & (1u << 17));
}
