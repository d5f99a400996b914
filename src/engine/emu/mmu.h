/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's MMU: linear -> physical translation in every paging mode of
 * Intel SDM Vol. 3A chapter 4 (none, 32-bit, PAE, 4-level, 5-level), with the
 * access rights of SDM 4.6, the #PF error codes of SDM 4.7 and the A/D updates
 * of SDM 4.8. Called on every software-TLB miss: no allocation, one pass.
 *
 * What the caller does before and after:
 * - The canonical check of a 64-bit linear address is the executor's (it
 *   raises #GP/#SS before translating); the walk ignores bits 63:48 (63:57).
 * - Outside IA-32e mode linear addresses are 32 bits: bits 63:32 are ignored.
 * - SMEP, SMAP, protection keys and CET shadow stacks are not modelled: the
 *   built-in CPU models the emu engine runs (--cpu=intel|amd) report none of
 *   them, so the CR model refuses CR4.SMEP/SMAP/PKE/CET and they are never 1
 *   here. PAT (CPUID.01H:EDX[16]) is in both models.
 * - The PAE PDPTE registers come from vcpu_state.pdpte[], loaded (and checked
 *   for reserved bits, #GP) by the CR model when CR3/CR0/CR4 are written.
 *
 * Page-table entries outside guest RAM (MMIO or nothing) read as all ones,
 * like an unclaimed read on a PC bus, and are never written. The SDM leaves
 * this to the platform; all ones is what a PC returns, and with PAE and
 * IA-32e paging such an entry always sets a reserved bit (bits 62:52 with
 * PAE; PS in a PML4E/PML5E, and bits 51:M or 20:13 below), so a walk into the
 * void ends with a RSVD #PF. (32-bit paging with CR4.PSE = 0 has no reserved
 * bits: there, as on hardware, all ones maps the page at 0xFFFFF000.)
 */
#ifndef VX86_ENGINE_EMU_MMU_H
#define VX86_ENGINE_EMU_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "../../vcpu/cpu_model.h"
#include "../../vcpu/state.h"
#include "../engine.h"

/* SDM 4.1.1, Table 4-1: the paging mode follows from CR0.PG, CR4.PAE, EFER.LMA and CR4.LA57. */
enum mmu_mode {
	MMU_MODE_NONE,
	MMU_MODE_32BIT,
	MMU_MODE_PAE,
	MMU_MODE_4LEVEL,
	MMU_MODE_5LEVEL,
};

static inline enum mmu_mode mmu_mode(const struct vcpu_state *st)
{
	if (!(st->cr0 & CR0_PG))
		return MMU_MODE_NONE;
	if (!(st->cr4 & CR4_PAE))
		return MMU_MODE_32BIT;
	if (!(st->efer & EFER_LMA))
		return MMU_MODE_PAE;
	return (st->cr4 & CR4_LA57) ? MMU_MODE_5LEVEL : MMU_MODE_4LEVEL;
}

/* The paging-structure entry bits the walk uses (SDM 4.3-4.5, Tables 4-4 to 4-20). */
#define PTE_P  (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_A  (1ull << 5)
#define PTE_D  (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G  (1ull << 8)
#define PTE_XD (1ull << 63)

/* SDM 4.7, Figure 4-12: the #PF error code (PK, SS, HLAT and SGX are not modelled). */
#define PF_P	(1u << 0)
#define PF_W	(1u << 1)
#define PF_U	(1u << 2)
#define PF_RSVD (1u << 3)
#define PF_I	(1u << 4)

/* What the CPU model says about paging. */
struct mmu_cpu {
	unsigned maxphyaddr; /* CPUID.80000008H:EAX[7:0] */
	bool gbpages;	     /* 1-GByte pages, CPUID.80000001H:EDX[26] */
	bool pse36;	     /* PSE-36, CPUID.01H:EDX[17] */
};

void mmu_cpu_init(struct mmu_cpu *c, const struct cpu_model *m);

/* Guest RAM as the engine sees it; every other physical address is MMIO or nothing. */
struct mmu_mem {
	const struct engine_mem *ranges;
	unsigned n;
};

/* The host bytes of [pa, pa + len) if they lie in one RAM range, else NULL. */
static inline uint8_t *mmu_mem_host(const struct mmu_mem *m, uint64_t pa, uint64_t len)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct engine_mem *r = &m->ranges[i];
		uint64_t off = pa - r->gpa;

		if (pa >= r->gpa && off < r->size && r->size - off >= len)
			return (uint8_t *)r->host + off;
	}
	return NULL;
}

enum mmu_kind {
	MMU_READ,
	MMU_WRITE,
	MMU_FETCH,
};

struct mmu_access {
	uint64_t la;
	enum mmu_kind kind;
	unsigned cpl;
	/*
	 * SDM 4.6: accesses to the GDT, LDT, IDT and TSS (and the shadow stack
	 * token) are supervisor-mode accesses whatever the CPL.
	 */
	bool implicit_supervisor;
};

/*
 * A translation, for the caller's access and for the software TLB. The rights
 * are the combined bits of every entry that controls the translation (SDM 4.6);
 * mmu_rights_fault() judges a later access against them. A TLB may serve
 * writes without a walk only when `dirty` is set, so that the walk gets to set
 * D on the first write (SDM 4.8).
 */
struct mmu_walk {
	uint64_t pa;	     /* the physical address of the access */
	uint64_t pa_base;    /* the physical address of the page (size 1 << page_shift) */
	unsigned page_shift; /* 12, 21, 22 or 30; 12 without paging */
	bool writable;	     /* R/W = 1 in every entry */
	bool user;	     /* U/S = 1 in every entry */
	bool nx;	     /* XD = 1 in some entry, with EFER.NXE = 1 */
	bool dirty;	     /* D = 1 in the entry that maps the page (always without paging) */
	bool global;	     /* G = 1 in that entry and CR4.PGE = 1 */
};

/* A page fault to deliver: vector 14, this error code, CR2 = cr2. */
struct mmu_fault {
	uint64_t cr2;
	uint32_t error_code;
};

/* Is the access a user-mode access (SDM 4.6: CPL 3 and not implicitly supervisor)? */
static inline bool mmu_user_access(const struct mmu_access *a)
{
	return a->cpl == 3 && !a->implicit_supervisor;
}

/*
 * SDM 4.7: the error-code bits that describe the access, whatever the fault:
 * W/R for a write, U/S for a user-mode access, I/D for an instruction fetch
 * only when CR4.PAE = 1 and EFER.NXE = 1 (the SMEP case does not arise).
 */
static inline uint32_t mmu_access_code(const struct vcpu_state *st, const struct mmu_access *a)
{
	uint32_t code = mmu_user_access(a) ? PF_U : 0;

	if (a->kind == MMU_WRITE)
		code |= PF_W;
	if (a->kind == MMU_FETCH && (st->cr4 & CR4_PAE) && (st->efer & EFER_NX))
		code |= PF_I;
	return code;
}

/*
 * SDM 4.6.1 without SMEP/SMAP/PKRU: 0 if a translation with rights w allows the
 * access, else the protection fault's error code (P = 1, plus W/U/I as in 4.7).
 */
static inline uint32_t mmu_rights_fault(const struct vcpu_state *st, const struct mmu_walk *w,
					const struct mmu_access *a)
{
	bool user = mmu_user_access(a);
	bool denied = user && !w->user;

	/* User writes need R/W everywhere; supervisor writes only when CR0.WP = 1. */
	if (a->kind == MMU_WRITE && !w->writable && (user || (st->cr0 & CR0_WP)))
		denied = true;
	/* XD only counts when EFER.NXE = 1; mmu_walk.nx is never set otherwise. */
	if (a->kind == MMU_FETCH && w->nx)
		denied = true;
	return denied ? PF_P | mmu_access_code(st, a) : 0;
}

enum mmu_status {
	MMU_OK,
	MMU_PAGE_FAULT,
};

/*
 * Translate a->la for the access *a in the paging mode of *st. On MMU_OK, *w
 * holds the translation and the A/D bits are set as SDM 4.8 says; on
 * MMU_PAGE_FAULT, *f holds the #PF to deliver and *w is undefined.
 */
enum mmu_status mmu_translate(const struct vcpu_state *st, const struct mmu_mem *mem,
			      const struct mmu_cpu *cpu, const struct mmu_access *a,
			      struct mmu_walk *w, struct mmu_fault *f);

#endif
