/* SPDX-License-Identifier: MIT */
/*
 * The MMU tests' fake machine: guest RAM laid out like a PC's, page tables
 * built in it for any paging mode (map), the entry at any level of a walk
 * (ent, set_ent), one translation (xl) and the SDM 4.7 error code restated
 * (access_code). Expected values in the tests are literal copies of the SDM
 * Vol. 3A chapter 4 tables, kept apart from mmu.c on purpose.
 */
#ifndef VX86_MMU_TEST_H
#define VX86_MMU_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/emu/mmu.h"
#include "tap.h"

/* SDM 4.7: error-code bits, literal. */
#define EC_P	0x1u
#define EC_W	0x2u
#define EC_U	0x4u
#define EC_RSVD 0x8u
#define EC_I	0x10u

/* Entry bits, literal. */
#define E_P  0x1ull
#define E_RW 0x2ull
#define E_US 0x4ull
#define E_A  0x20ull
#define E_D  0x40ull
#define E_PS 0x80ull
#define E_G  0x100ull
#define E_XD (1ull << 63)

/* Guest RAM like a PC's: 640 KiB, the legacy hole, then RAM from 1 MiB to 4 MiB. */
#define RAM_SIZE (4u << 20)
#define TABLES	 0x100000u
#define HOLE	 0xa0000u

static uint8_t ram[RAM_SIZE];
static struct engine_mem ranges[2];
static struct mmu_mem mem = {ranges, 2};
static uint64_t next_table;
static struct vcpu_state st;
static struct mmu_cpu cpu;

/* The modes as the tests see them: levels, entry size, index width. */
struct tmode {
	const char *name;
	enum mmu_mode mode;
	unsigned levels; /* PAE: level 3 is the PDPTE registers */
	unsigned size;	 /* entry bytes */
};

static const struct tmode m32 = {"32-bit", MMU_MODE_32BIT, 2, 4};
static const struct tmode mpae = {"PAE", MMU_MODE_PAE, 3, 8};
static const struct tmode m4l = {"4-level", MMU_MODE_4LEVEL, 4, 8};
static const struct tmode m5l = {"5-level", MMU_MODE_5LEVEL, 5, 8};
static const struct tmode *cur;

/* One translation per mode and page size, with PAs that fit MAXPHYADDR 40. */
struct tcase {
	const struct tmode *m;
	unsigned shift;
	uint64_t la, pa;
};

static const struct tcase cases[] = {
	{&m32, 12, 0x00403000, 0x00205000},
	{&m32, 22, 0x00800000, 0x01c00000},
	{&m32, 22, 0xffc00000, 0xab12c00000}, /* PSE-36: PA bits 39:32 from PDE bits 20:13 */
	{&mpae, 12, 0xc0403000, 0x1234567000},
	{&mpae, 21, 0x80600000, 0x4000600000},
	{&m4l, 12, 0x00007f1234567000, 0x0fffffff000},
	{&m4l, 21, 0xffff800000600000, 0x3fffe00000},
	{&m4l, 30, 0xffff800040000000, 0x3c40000000},
	{&m5l, 12, 0x00abcdef12345000, 0x9abcdef000},
	{&m5l, 21, 0x0123456780600000, 0x7777600000},
	{&m5l, 30, 0xfe234567c0000000, 0x5540000000},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static inline uint64_t get(uint64_t pa, unsigned size)
{
	uint64_t v = 0;

	for (unsigned b = 0; b < size; b++)
		v |= (uint64_t)ram[pa + b] << (8 * b);
	return v;
}

static inline void put(uint64_t pa, unsigned size, uint64_t v)
{
	for (unsigned b = 0; b < size; b++)
		ram[pa + b] = (uint8_t)(v >> (8 * b));
}

/*
 * Page tables: the first two at 0 and 0x1000, the others from 1 MiB, so that
 * walks cross both RAM ranges, and so that a top-level entry's address field
 * has no bit where a large page would have reserved bits (a PS=1 wrongly
 * accepted in a PML4E or PML5E would then map instead of faulting).
 */
static inline uint64_t alloc_table(void)
{
	uint64_t t = next_table;

	next_table = t == 0x1000 ? TABLES : t + 0x1000;
	if (next_table > RAM_SIZE)
		abort();
	return t;
}

/* A fresh machine in mode m: paging on, tables cleared, CR3 at a new table. */
static inline void setup(const struct tmode *m, unsigned maxphyaddr, bool nxe)
{
	memset(ram, 0, 0x2000);
	if (next_table > TABLES)
		memset(ram + TABLES, 0, next_table - TABLES);
	next_table = 0;
	ranges[0] = (struct engine_mem){0, HOLE, ram};
	ranges[1] = (struct engine_mem){TABLES, RAM_SIZE - TABLES, ram + TABLES};
	memset(&st, 0, sizeof(st));
	cpu = (struct mmu_cpu){.maxphyaddr = maxphyaddr, .gbpages = true, .pse36 = true};
	cur = m;
	st.cr0 = CR0_PE | CR0_ET | CR0_PG;
	st.cr4 = m->mode == MMU_MODE_32BIT ? CR4_PSE : CR4_PAE;
	if (m->mode >= MMU_MODE_4LEVEL)
		st.efer = EFER_LME | EFER_LMA;
	if (m->mode == MMU_MODE_5LEVEL)
		st.cr4 |= CR4_LA57;
	if (nxe)
		st.efer |= EFER_NX;
	st.cr3 = alloc_table();
}

static inline unsigned idx(unsigned level, uint64_t la)
{
	if (cur->size == 4)
		return (la >> (12 + 10 * (level - 1))) & 0x3ff;
	if (cur->mode == MMU_MODE_PAE && level == 3)
		return (la >> 30) & 3;
	return (la >> (12 + 9 * (level - 1))) & 511;
}

static inline unsigned leaf_level(unsigned shift)
{
	return cur->size == 4 ? (shift == 22 ? 2 : 1) : (shift - 12) / 9 + 1;
}

static inline uint64_t next_of(uint64_t e)
{
	return e & (cur->size == 4 ? 0xfffff000ull : 0x000ffffffffff000ull);
}

/* MOV CR3 with PAE paging: the four PDPTEs into the registers (SDM 4.4.1). */
static inline void load_pdptes(void)
{
	for (unsigned i = 0; i < 4; i++)
		st.pdpte[i] = get(st.cr3 + 8 * i, 8);
}

/* Map la -> pa with a page of 1 << shift bytes, every entry P|RW|US plus `flags` in the leaf. */
static inline void map(uint64_t la, uint64_t pa, unsigned shift, uint64_t flags)
{
	unsigned leaf = leaf_level(shift);
	uint64_t table = st.cr3 & ~0xfffull, e;

	for (unsigned l = cur->levels; l > leaf; l--) {
		uint64_t epa = table + idx(l, la) * cur->size;

		e = get(epa, cur->size);
		if (!(e & E_P)) {
			/* PAE PDPTEs have no R/W or U/S: bits 2:1 are reserved (Table 4-8). */
			bool pdpte = cur->mode == MMU_MODE_PAE && l == 3;

			e = alloc_table() | E_P | (pdpte ? 0 : E_RW | E_US);
			put(epa, cur->size, e);
		}
		table = next_of(e);
	}
	if (cur->size == 4 && shift == 22)
		e = (pa & 0xffc00000) | ((pa >> 32) & 0xff) << 13 | E_PS;
	else
		e = pa | (shift > 12 ? E_PS : 0);
	put(table + idx(leaf, la) * cur->size, cur->size, e | E_P | E_RW | E_US | flags);
	if (cur->mode == MMU_MODE_PAE)
		load_pdptes();
}

/* The physical address of the entry at `level` for la (PAE level 3: the PDPT in memory). */
static inline uint64_t entry_pa(uint64_t la, unsigned level)
{
	uint64_t table = st.cr3 & ~0xfffull;

	for (unsigned l = cur->levels; l > level; l--)
		table = next_of(get(table + idx(l, la) * cur->size, cur->size));
	return table + idx(level, la) * cur->size;
}

/* The entry the walk uses: PAE level 3 is the PDPTE register. */
static inline uint64_t ent(uint64_t la, unsigned level)
{
	if (cur->mode == MMU_MODE_PAE && level == 3)
		return st.pdpte[idx(3, la)];
	return get(entry_pa(la, level), cur->size);
}

static inline void set_ent(uint64_t la, unsigned level, uint64_t v)
{
	if (cur->mode == MMU_MODE_PAE && level == 3)
		st.pdpte[idx(3, la)] = v;
	else
		put(entry_pa(la, level), cur->size, v);
}

static struct mmu_walk w;
static struct mmu_fault f;

static inline enum mmu_status xl(uint64_t la, enum mmu_kind kind, unsigned cpl, bool implicit)
{
	struct mmu_access a = {.la = la, .kind = kind, .cpl = cpl, .implicit_supervisor = implicit};

	memset(&w, 0xcc, sizeof(w));
	memset(&f, 0xcc, sizeof(f));
	return mmu_translate(&st, &mem, &cpu, &a, &w, &f);
}

/* SDM 4.7, restated: the bits that describe the access. */
static inline uint32_t access_code(enum mmu_kind kind, unsigned cpl, bool implicit)
{
	uint32_t c = 0;

	if (kind == MMU_WRITE)
		c |= EC_W;
	if (cpl == 3 && !implicit)
		c |= EC_U;
	if (kind == MMU_FETCH && (st.cr4 & CR4_PAE) && (st.efer & EFER_NX))
		c |= EC_I;
	return c;
}

/* A #PF with exactly this error code and CR2, or a translation to exactly pa. */
static inline bool fault_is(enum mmu_status s, uint32_t code, uint64_t cr2)
{
	return s == MMU_PAGE_FAULT && f.error_code == code && f.cr2 == cr2;
}

static inline bool maps_to(enum mmu_status s, uint64_t pa)
{
	return s == MMU_OK && w.pa == pa;
}

static const char *const kind_name[] = {"read", "write", "fetch"};

#endif
