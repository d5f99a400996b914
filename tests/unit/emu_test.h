/* SPDX-License-Identifier: MIT */
/*
 * A harness for executor tests: one emu engine over a small RAM, a machine
 * state in real, protected (32-bit) or long (64-bit) mode, code bytes placed at
 * ET_CODE, and a run that returns at the first exit (HLT, I/O, MSR, ...).
 *
 * RAM layout (ET_RAM bytes, identity-mapped in long mode with 2 MiB pages):
 *   0x00000 real-mode IVT          0x01000 GDT (ET_SEL_* below)
 *   0x02000 IDT (256 gates)        0x03000 TSS (32- or 64-bit), RSP0 = ET_STACK0
 *   0x08000 vector stubs: vector v's handler is one HLT at ET_STUB(v)
 *   0x10000 page tables (PML4, PDPT, PD)
 *   0x1f000 ring-0 stack top (ET_STACK0)   0x2f000 the test's stack top (ET_STACK)
 *   0x30000 data (ET_DATA)         0x40000 code (ET_CODE)
 * After an exception the guest halts in ET_STUB(vector): et_vector() says
 * which; the frame is at the stack pointer.
 */
#ifndef VX86_TESTS_EMU_TEST_H
#define VX86_TESTS_EMU_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "vcpu/cpu_model.h"
#include "vcpu/exit.h"
#include "vcpu/state.h"

#define ET_RAM	      (2u << 20)
#define ET_GDT	      0x1000u
#define ET_IDT	      0x2000u
#define ET_TSS	      0x3000u
#define ET_STUBS      0x8000u
#define ET_STUB(v)    (ET_STUBS + 4u * (v))
#define ET_PT	      0x10000u
#define ET_STACK0     0x1f000u
#define ET_STACK      0x2f000u
#define ET_STACK_REAL 0xf000u /* SS = 0: SP below 64 KiB */
#define ET_DATA	      0x30000u
#define ET_CODE	      0x40000u
#define ET_SEL_CS32   0x08
#define ET_SEL_DS32   0x10
#define ET_SEL_CS64   0x18
#define ET_SEL_CS16   0x20
#define ET_SEL_DS16   0x28
#define ET_SEL_TSS    0x30 /* two slots in long mode */
#define ET_SEL_CS3    0x43 /* ring-3 code (32- or 64-bit as the mode), RPL 3 */
#define ET_SEL_DS3    0x4b /* ring-3 data, RPL 3 */
#define ET_SEL_CS3_32 0x53 /* ring-3 32-bit code in long mode (compatibility) */

enum et_mode {
	ET_REAL,
	ET_PROT32,
	ET_LONG64,
};

struct et {
	void *ctx;
	uint8_t *ram;
	struct cpu_model cpu;
	struct vcpu_state st; /* set before et_run, read back after */
	struct vcpu_exit exit;
	enum et_mode mode;
};

static inline void et_put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* A code or data descriptor: type 0xb (code, accessed) or 0x3 (data, accessed). */
static inline uint64_t et_desc(uint32_t base, uint32_t limit, unsigned type, unsigned dpl, bool l,
			       bool db, bool g)
{
	uint64_t d = (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16);

	d |= (uint64_t)(type & 0xf) << 40 | 1ull << 44 | (uint64_t)dpl << 45 | 1ull << 47;
	d |= (uint64_t)((limit >> 16) & 0xf) << 48 | (uint64_t)l << 53 | (uint64_t)db << 54;
	d |= (uint64_t)g << 55 | (uint64_t)(base >> 24) << 56;
	return d;
}

/* The hidden part a selector gets from one of the harness's descriptors. */
static inline struct segment et_seg(uint16_t sel, unsigned type, unsigned dpl, bool l, bool db,
				    uint32_t limit)
{
	return (struct segment){.selector = sel,
				.base = 0,
				.limit = limit,
				.type = type,
				.s = true,
				.dpl = dpl,
				.present = true,
				.l = l,
				.db = db,
				.g = limit > 0xfffff};
}

static inline void et_gdt(struct et *t)
{
	uint8_t *g = t->ram + ET_GDT;

	memset(g, 0, 0x100);
	et_put64(g + ET_SEL_CS32, et_desc(0, 0xfffff, 0xb, 0, false, true, true));
	et_put64(g + ET_SEL_DS32, et_desc(0, 0xfffff, 0x3, 0, false, true, true));
	et_put64(g + ET_SEL_CS64, et_desc(0, 0xfffff, 0xb, 0, true, false, true));
	et_put64(g + ET_SEL_CS16, et_desc(0, 0xffff, 0xb, 0, false, false, false));
	et_put64(g + ET_SEL_DS16, et_desc(0, 0xffff, 0x3, 0, false, false, false));
	/* TSS: available (9), 0x68 bytes plus an I/O bitmap of 8 KiB + 1 byte of all ones. */
	uint64_t tss = et_desc(ET_TSS, 0x68 + 8192, 0x9, 0, false, false, false);
	tss &= ~(1ull << 44); /* system descriptor */
	et_put64(g + ET_SEL_TSS, tss);
	et_put64(g + ET_SEL_TSS + 8, 0);
	et_put64(g + (ET_SEL_CS3 & ~3),
		 et_desc(0, 0xfffff, 0xb, 3, t->mode == ET_LONG64, t->mode != ET_LONG64, true));
	et_put64(g + (ET_SEL_DS3 & ~3), et_desc(0, 0xfffff, 0x3, 3, false, true, true));
	et_put64(g + (ET_SEL_CS3_32 & ~3), et_desc(0, 0xfffff, 0xb, 3, false, true, true));
}

/* IVT or IDT: every vector goes to its HLT stub, interrupt gates of DPL 3. */
static inline void et_idt(struct et *t)
{
	for (unsigned v = 0; v < 256; v++) {
		uint32_t h = ET_STUB(v);

		t->ram[h] = 0xf4;
		if (t->mode == ET_REAL) {
			uint16_t ivt[2] = {(uint16_t)h, 0};
			memcpy(t->ram + 4 * v, ivt, 4);
		} else if (t->mode == ET_PROT32) {
			uint64_t gate = (h & 0xffff) | (uint64_t)ET_SEL_CS32 << 16 |
					(uint64_t)0xee << 40 | (uint64_t)(h >> 16) << 48;
			et_put64(t->ram + ET_IDT + 8 * v, gate);
		} else {
			uint64_t gate = (h & 0xffff) | (uint64_t)ET_SEL_CS64 << 16 |
					(uint64_t)0xee << 40 | (uint64_t)(h >> 16) << 48;
			et_put64(t->ram + ET_IDT + 16 * v, gate);
			et_put64(t->ram + ET_IDT + 16 * v + 8, 0);
		}
	}
}

static inline void et_tss(struct et *t)
{
	uint8_t *tss = t->ram + ET_TSS;

	memset(tss, 0, 0x68 + 8192 + 1);
	if (t->mode == ET_LONG64) {
		et_put64(tss + 4, ET_STACK0); /* RSP0 */
		tss[0x66] = 0x68;	      /* I/O map base */
	} else {
		uint32_t esp0 = ET_STACK0;
		memcpy(tss + 4, &esp0, 4);
		tss[8] = ET_SEL_DS32; /* SS0 */
		tss[0x66] = 0x68;
	}
	tss[0x68 + 8192] = 0xff;
}

/* Identity map of the first 1 GiB with 2 MiB pages, user and writable. */
static inline void et_paging(struct et *t)
{
	et_put64(t->ram + ET_PT, (ET_PT + 0x1000) | 7);
	et_put64(t->ram + ET_PT + 0x1000, (ET_PT + 0x2000) | 7);
	for (unsigned i = 0; i < 512; i++)
		et_put64(t->ram + ET_PT + 0x2000 + 8 * i, ((uint64_t)i << 21) | 0x87);
}

/* The state of a mode: flat segments, the tables above, RIP = ET_CODE, IF = 0. */
static inline void et_state(struct et *t, enum et_mode mode)
{
	struct vcpu_state *st = &t->st;
	struct segment tr = {.selector = ET_SEL_TSS,
			     .base = ET_TSS,
			     .limit = 0x68 + 8192,
			     .type = 0xb,
			     .present = true};

	t->mode = mode;
	memset(st->gpr, 0, sizeof(st->gpr));
	st->rip = ET_CODE;
	st->rflags = RFLAGS_FIXED;
	st->gpr[GPR_RSP] = ET_STACK;
	st->cr2 = st->cr3 = st->cr8 = 0;
	st->cr4 = 0;
	st->efer = 0;
	st->gdt = (struct dtable){.base = ET_GDT, .limit = 0xff};
	st->idt = (struct dtable){.base = mode == ET_REAL ? 0 : ET_IDT,
				  .limit = mode == ET_REAL ? 0x3ff
							   : (mode == ET_LONG64 ? 0xfff : 0x7ff)};
	st->seg[SEG_LDTR] = (struct segment){.type = 2, .present = true, .unusable = true};
	st->seg[SEG_TR] = tr;
	et_gdt(t);
	et_idt(t);
	et_tss(t);
	if (mode == ET_REAL) {
		st->cr0 = CR0_ET;
		for (unsigned s = 0; s < SEG_LDTR; s++)
			st->seg[s] = et_seg(0, s == SEG_CS ? 0xb : 0x3, 0, false, false, 0xffff);
		st->seg[SEG_TR].type = 3;
		st->gpr[GPR_RSP] = ET_STACK_REAL;
		return;
	}
	st->cr0 = CR0_PE | CR0_ET;
	for (unsigned s = 0; s < SEG_LDTR; s++)
		st->seg[s] = et_seg(ET_SEL_DS32, 0x3, 0, false, true, 0xffffffff);
	if (mode == ET_PROT32) {
		st->seg[SEG_CS] = et_seg(ET_SEL_CS32, 0xb, 0, false, true, 0xffffffff);
		return;
	}
	et_paging(t);
	st->cr0 |= CR0_PG;
	st->cr3 = ET_PT;
	st->cr4 = CR4_PAE;
	st->efer = EFER_LME | EFER_LMA;
	st->seg[SEG_CS] = et_seg(ET_SEL_CS64, 0xb, 0, true, false, 0xffffffff);
}

/* Create the engine (vendor: enum cpu_vendor, or -1) and a state in `mode`. */
static inline int et_init(struct et *t, int vendor, enum et_mode mode)
{
	struct engine_config cfg = {
		.nmem = 1, .log = stderr, .vendor = vendor, .unknown_msr_gp = true};

	memset(t, 0, sizeof(*t));
	t->ram = calloc(1, ET_RAM);
	if (!t->ram)
		return -1;
	cfg.mem[0] = (struct engine_mem){.gpa = 0, .size = ET_RAM, .host = t->ram};
	if (emu_engine_ops.create(&cfg, &t->cpu, &t->ctx))
		return -1;
	if (emu_engine_ops.get_state(t->ctx, &t->st))
		return -1;
	et_state(t, mode);
	return 0;
}

static inline void et_free(struct et *t)
{
	emu_engine_ops.destroy(t->ctx);
	free(t->ram);
}

/* Put code at ET_CODE (and RIP there). */
static inline void et_code(struct et *t, const void *bytes, size_t n)
{
	memcpy(t->ram + ET_CODE, bytes, n);
	t->st.rip = ET_CODE;
}

/*
 * Install t->st, run to the next exit and read the state back. The previous
 * exit in t->exit is completed first (fill its results before calling).
 * Returns the exit reason, or -1 if the engine failed.
 */
static inline int et_run(struct et *t)
{
	if (emu_engine_ops.set_state(t->ctx, &t->st))
		return -1;
	if (emu_engine_ops.run(t->ctx, &t->exit))
		return -1;
	if (emu_engine_ops.get_state(t->ctx, &t->st))
		return -1;
	return (int)t->exit.reason;
}

/* After a HLT exit: the vector whose stub halted, or -1 (a HLT elsewhere). */
static inline int et_vector(const struct et *t)
{
	uint64_t rip = t->st.rip;

	if (rip < ET_STUBS || rip >= ET_STUB(256) || (rip - ET_STUBS) % 4)
		return -1;
	return (int)((rip - ET_STUBS) / 4);
}

/* The value at the stack pointer plus off (the exception frame after et_vector). */
static inline uint64_t et_stack(const struct et *t, unsigned off, unsigned size)
{
	uint64_t v = 0;
	uint64_t rsp = t->st.gpr[GPR_RSP];
	uint64_t sp = t->st.seg[SEG_SS].base + (t->mode == ET_LONG64 ? rsp
						: t->mode == ET_REAL ? (uint16_t)rsp
								     : (uint32_t)rsp);

	memcpy(&v, t->ram + sp + off, size);
	return v;
}

#endif
