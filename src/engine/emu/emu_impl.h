/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's executor, shared by its files (not a public interface):
 *
 *   emu.c       engine_ops, the run loop, exit completion
 *   mem.c       segmentation checks, the software TLB, memory and stack access,
 *               MMIO replay
 *   fetch.c     instruction fetch and the decoded-block cache
 *   fastpath.c  specialised handlers for common forms, flag liveness
 *   exec_int.c  (with exec_data.c, exec_flow.c, exec_str.c; exec_int.h)
 *               the integer instruction set, near control flow, strings
 *   exec_seg.c  (with exec_desc.c, exec_far.c, exec_exc.c, exec_fast.c;
 *               exec_seg.h) descriptors and segment loads, descriptor-table
 *               registers, far transfers, INT/IRET, exception delivery,
 *               SYSCALL/SYSRET/SYSENTER/SYSEXIT/SWAPGS
 *   exec_sys.c  (with exec_io.c, exec_fpu.c; exec_sys.h) system
 *               instructions: VM exits into the vCPU model (CR, MSR, CPUID,
 *               XSETBV, HLT, I/O), DRn, TSC, flags with IOPL rules, x87/SSE
 *               state
 *
 * How an instruction runs. The loop finds (or decodes) the block at CS:RIP
 * and, for each of its instructions, sets e->next_rip to the address after it
 * and calls the handler chosen for it (the one for in->op, or a specialised
 * one from fastpath.c). The block is left after a taken branch or when
 * e->block_stop says the machine changed under it. A handler changes the state and, for a branch,
 * e->next_rip; when it returns, RIP = next_rip. A handler never returns on
 * a fault: emu_raise() unwinds (longjmp) to the loop, which leaves RIP on the
 * instruction and delivers the exception. So a handler does all its memory
 * accesses (the ones that can fault) before it changes registers; where an
 * instruction writes memory more than once, it probes the whole range first
 * (emu_probe_write) when the SDM says nothing is written on a fault.
 * A handler that needs the VMM (MSR, CR, CPUID, I/O, HLT, MMIO) fills e->exit
 * and calls emu_exit(): RIP stays on the instruction and the run ends; the
 * next run completes the exit (results, or a fault from the model) and moves
 * RIP on.
 */
#ifndef VX86_ENGINE_EMU_IMPL_H
#define VX86_ENGINE_EMU_IMPL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../vcpu/cpu_model.h"
#include "../../vcpu/exit.h"
#include "../../vcpu/model.h"
#include "../../vcpu/state.h"
#include "../../vcpu/uret.h"
#include "../engine.h"
#include "alu.h"
#include "decode.h"
#include "mmu.h"

/* Exception vectors (SDM Vol. 3A Table 6-1). */
enum {
	EXC_DE = 0,
	EXC_DB = 1,
	EXC_NMI = 2,
	EXC_BP = 3,
	EXC_OF = 4,
	EXC_BR = 5,
	/* EXC_UD = 6 and EXC_GP = 13 come from vcpu/exit.h */
	EXC_NM = 7,
	EXC_DF = 8,
	EXC_TS = 10,
	EXC_NP = 11,
	EXC_SS = 12,
	EXC_PF = 14,
	EXC_MF = 16,
	EXC_AC = 17,
	EXC_MC = 18,
	EXC_XM = 19,
};

/* RFLAGS bits beyond state.h's. */
#define RFLAGS_PF   (1ull << 2)
#define RFLAGS_AF   (1ull << 4)
#define RFLAGS_ZF   (1ull << 6)
#define RFLAGS_SF   (1ull << 7)
#define RFLAGS_DF   (1ull << 10)
#define RFLAGS_OF   (1ull << 11)
#define RFLAGS_IOPL (3ull << 12)
#define RFLAGS_NT   (1ull << 14)
#define RFLAGS_RF   (1ull << 16)
#define RFLAGS_AC   (1ull << 18)
#define RFLAGS_VIF  (1ull << 19)
#define RFLAGS_VIP  (1ull << 20)
#define RFLAGS_ID   (1ull << 21)

/* Software TLB: direct-mapped, one array per access kind (read, write, fetch). */
#define EMU_TLB_BITS 8
#define EMU_TLB_SIZE (1u << EMU_TLB_BITS)

struct emu_page;

struct emu_tlb_entry {
	uint64_t tag;	       /* la >> 12 << 1 | user; EMU_TLB_EMPTY when empty */
	uint8_t *host;	       /* the host bytes of the 4 KiB page (RAM only) */
	uint64_t pa_page;      /* the guest-physical address of the 4 KiB page */
	struct emu_page *page; /* its code tracking (fetch.c) */
};

#define EMU_TLB_EMPTY (~0ull)

/*
 * Decoded-block cache (fetch.c), direct-mapped by the guest-physical address
 * of a block's first instruction. A block is a run of up to EMU_BLOCK_MAX
 * instructions in one page, each with its handler, ending at the first
 * branch, at the page's end, or before an instruction that
 * cannot be cached.
 */
#define EMU_BCACHE_BITS 12
#define EMU_BCACHE_SIZE (1u << EMU_BCACHE_BITS)
#define EMU_BLOCK_MAX	32

struct emu;
struct insn;

/* A handler executes one decoded instruction (see the top of this file). */
typedef void (*emu_handler)(struct emu *e, const struct insn *in);

struct emu_block_insn {
	emu_handler fn;
	struct insn in;
};

struct emu_block {
	uint64_t pa;  /* guest-physical address of the first byte; ~0 when empty */
	uint32_t gen; /* the page's generation plus the cache epoch when decoded */
	uint8_t bits; /* code size it was decoded for */
	uint8_t n;    /* instructions */
	uint16_t len; /* bytes they cover */
	struct emu_block_insn insn[EMU_BLOCK_MAX];
};

/* Per 4 KiB page of guest RAM: code tracking for the block cache. */
struct emu_page {
	uint32_t gen;	     /* bumped when a write hits a 64-byte line holding decoded code */
	uint64_t code_lines; /* bit n: line n holds the bytes of a cached instruction */
};

/* MMIO accesses of the current instruction, replayed when it runs again after an exit. */
#define EMU_MMIO_LOG 8

struct emu_mmio_rec {
	uint64_t gpa;
	uint64_t data;
	uint8_t size;
	bool write;
};

/* How the run loop was left (longjmp values). */
enum emu_unwind {
	EMU_UNWIND_NONE = 0,
	EMU_UNWIND_FAULT = 1, /* e->fault holds an exception to deliver */
	EMU_UNWIND_EXIT = 2,  /* e->exit is filled: return to the VMM */
};

struct emu_fault {
	uint8_t vector;
	bool has_error;
	uint32_t error_code;
	uint64_t cr2; /* #PF */
};

/* The FXSAVE image's fields (SDM Vol. 1 Table 10-2), kept as FXSAVE stores them. */
struct emu_fpu {
	uint16_t fcw, fsw;
	uint8_t ftw; /* abridged tag word: bit n = 1 when ST(n)'s register is valid */
	uint16_t fop;
	uint64_t fip, fdp;
	uint32_t mxcsr;
	uint8_t st[8][16]; /* ST0-ST7 / MM0-MM7 (80 bits each, in 16-byte slots) */
	uint8_t xmm[16][16];
};

#define MXCSR_RESET 0x1f80
#define FCW_RESET   0x037f

struct emu {
	/* The architectural state. RFLAGS status bits are stale while lf.mask != 0. */
	struct vcpu_state st;
	struct lazy_flags lf;

	/* Derived from the state by emu_sync_mode(); never written elsewhere. */
	unsigned code_bits; /* 16, 32 or 64: the decoder's mode */
	unsigned cpl;
	bool long64;   /* 64-bit mode (EFER.LMA and CS.L) */
	bool protmode; /* CR0.PE and not virtual-8086 */
	bool v8086;

	/* Instruction in flight. */
	uint64_t next_rip;
	const struct insn *in;
	bool shadow; /* an interrupt shadow (STI, MOV SS, POP SS) covers the next instruction */
	bool shadow_next; /* set by the handler; becomes `shadow` after it retires */
	int irq_pending;  /* the vector of a requested external interrupt, or -1 */
	bool irq_window;  /* exit INTERRUPT_WINDOW where an interrupt could be taken */
	bool nmi_pending; /* an NMI waits for the next boundary without NMI blocking */
	bool nmi_blocked; /* an NMI handler runs: NMIs wait for the next IRET */

	/* Fault unwinding. */
	jmp_buf unwind;
	struct emu_fault fault;
	int delivering; /* the vector emu_deliver is delivering, or -1: for #DF and triple fault */

	/* x87 and SSE state: only the state instructions run (no x87/SSE arithmetic). */
	struct emu_fpu fpu;

	/* The exit being built or completed. */
	struct vcpu_exit *exit;
	bool exit_pending;    /* *exit describes an exit the next run completes */
	uint8_t io_buf[4096]; /* exit_io.data: batched OUTS items, IN/INS data */
	uint8_t mmio_buf[8];
	struct emu_mmio_rec mmio_log[EMU_MMIO_LOG];
	unsigned mmio_n;   /* records in mmio_log (completed accesses) */
	unsigned mmio_pos; /* the next access of this instruction to match against the log */

	/* The machine. */
	struct cpu_model cpu;
	struct vcpu_model model; /* over st and cpu, for cr_* and cpu_cpuid */
	struct mmu_cpu mmu_cpu;
	struct mmu_mem mem;
	struct engine_mem ranges[ENGINE_MAX_MEM];
	struct emu_page *pages; /* one per 4 KiB page of [0, pages_end) */
	uint64_t npages;
	FILE *log;
	bool unknown_msr_gp;
	volatile int kicked;

	/* Caches. */
	struct emu_tlb_entry tlb_read[EMU_TLB_SIZE], tlb_write[EMU_TLB_SIZE],
		tlb_fetch[EMU_TLB_SIZE];
	struct emu_block *bcache; /* EMU_BCACHE_SIZE entries */
	uint32_t bcache_epoch;	  /* block gen = page gen + epoch (emu_bcache_flush) */
	/*
	 * Set when the block in flight may no longer match the machine: the mode
	 * changed (emu_sync_mode), the TLB or the cache was flushed, or a write
	 * hit cached code. The loop then fetches afresh after this instruction.
	 */
	bool block_stop;
	/* The code page of the last fetch: most fetches hit it without a TLB lookup. */
	uint64_t code_tag; /* as emu_tlb_entry.tag, EMU_TLB_EMPTY when none */
	uint64_t code_pa_page;
	const uint8_t *code_host;
	struct emu_page *code_page;

	/* Time: guest TSC = host TSC + tsc_offset. */
	int64_t tsc_offset;
	uint64_t tsc_reported; /* the TSC get_state gave; set_state moves the clock only if changed
				*/

	/* User-return MSRs: the per-thread bank SYSCALL, SYSRET, RDTSCP and RDPID read. */
	struct uret_registry uret_reg;
	struct uret_cpu uret_cpu;
	struct uret_hw uret_hw;
	uint64_t uret_bank[URET_MAX_SLOTS]; /* the "hardware" behind uret_hw */
	int uret_slot_star, uret_slot_lstar, uret_slot_cstar, uret_slot_sfmask, uret_slot_tsc_aux;

	/* Dispatch: one handler per enum insn_op, NULL where none is implemented. */
	emu_handler handlers[OP_COUNT];
	bool ni_reported[OP_COUNT]; /* "not implemented" already said for this op */
	struct emu_block single;    /* one instruction decoded outside the cache (fetch.c) */
	bool generic_only;	    /* tests: no specialised handlers (fastpath.c) */

	/* Statistics. */
	uint64_t insns; /* instructions retired */
};

/* ---- emu.c ------------------------------------------------------------- */

/*
 * Recompute code_bits, cpl, long64, protmode and v8086 from the state. Call it
 * after changing CS, SS, CR0, EFER or RFLAGS.VM.
 */
void emu_sync_mode(struct emu *e);

/* Unwind to the loop with an exception (never returns). #PF passes CR2 in cr2. */
_Noreturn void emu_raise(struct emu *e, unsigned vector, bool has_error, uint32_t error_code);
static inline _Noreturn void emu_gp(struct emu *e, uint32_t error_code)
{
	emu_raise(e, EXC_GP, true, error_code);
}
static inline _Noreturn void emu_ud(struct emu *e)
{
	emu_raise(e, EXC_UD, false, 0);
}
_Noreturn void emu_page_fault(struct emu *e, uint64_t cr2, uint32_t error_code);

/*
 * Leave the run loop with e->exit filled (the caller sets the reason and
 * operands): insn_len is set from the instruction in flight and RIP stays on it.
 */
_Noreturn void emu_exit(struct emu *e, enum exit_reason reason);

/* ---- lazy flags (inline) ------------------------------------------------- */

/* RFLAGS with the status flags up to date. */
static inline uint64_t emu_rflags(struct emu *e)
{
	if (e->lf.mask) {
		e->st.rflags = alu_flags_apply(&e->lf, e->st.rflags);
		e->lf.mask = 0;
	}
	return e->st.rflags;
}

/* The status flags as alu_*_lazy's `fin` wants them. */
static inline uint32_t emu_status(struct emu *e)
{
	return (uint32_t)emu_rflags(e) & ALU_STATUS;
}

/*
 * Make room for a new lazy record: a record that writes only some status
 * flags keeps the others, so the previous record is materialised first.
 * Usage: emu_flags_prepare(e, partial); alu_xxx_lazy(&e->lf, ...).
 */
static inline void emu_flags_prepare(struct emu *e)
{
	if (e->lf.mask)
		emu_rflags(e);
}

/* Replace RFLAGS wholesale (POPF, IRET, SAHF...): pending flags are dropped. */
static inline void emu_set_rflags(struct emu *e, uint64_t v)
{
	e->lf.mask = 0;
	e->st.rflags = v | RFLAGS_FIXED;
}

/* SDM Vol. 1 Appendix B: condition codes 0-15 on the current flags (exec_int.c). */
bool emu_cond(struct emu *e, unsigned cc);

/* ---- registers (inline) ------------------------------------------------- */

/* Mask of an operand size in bytes. */
static inline uint64_t emu_mask(unsigned size)
{
	return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/*
 * Read general register r (0-15) at size bytes. For size 1 without a REX prefix
 * registers 4-7 are AH, CH, DH, BH.
 */
static inline uint64_t emu_reg(const struct emu *e, const struct insn *in, unsigned r,
			       unsigned size)
{
	if (size == 1 && r >= 4 && r < 8 && !(in->flags & INSN_F_REX))
		return (e->st.gpr[r - 4] >> 8) & 0xff;
	return e->st.gpr[r] & emu_mask(size);
}

/* Write r at size bytes: 1 and 2 merge, 4 zero-extends to 64 bits, 8 replaces. */
static inline void emu_set_reg(struct emu *e, const struct insn *in, unsigned r, unsigned size,
			       uint64_t v)
{
	uint64_t *p;

	if (size == 1 && r >= 4 && r < 8 && !(in->flags & INSN_F_REX)) {
		p = &e->st.gpr[r - 4];
		*p = (*p & ~0xff00ull) | ((v & 0xff) << 8);
		return;
	}
	p = &e->st.gpr[r];
	switch (size) {
	case 1:
		*p = (*p & ~0xffull) | (v & 0xff);
		break;
	case 2:
		*p = (*p & ~0xffffull) | (v & 0xffff);
		break;
	case 4:
		*p = (uint32_t)v;
		break;
	default:
		*p = v;
	}
}

/* A register at an address size (2, 4, 8): RSI, RDI, RCX for strings; RSP for the stack. */
static inline uint64_t emu_reg_asz(const struct emu *e, unsigned r, unsigned asz)
{
	return e->st.gpr[r] & emu_mask(asz);
}
/* Write the low asz bytes of r, keeping the rest (a 32-bit address-size write zero-extends). */
static inline void emu_set_reg_asz(struct emu *e, unsigned r, unsigned asz, uint64_t v)
{
	if (asz == 2)
		e->st.gpr[r] = (e->st.gpr[r] & ~0xffffull) | (v & 0xffff);
	else if (asz == 4)
		e->st.gpr[r] = (uint32_t)v;
	else
		e->st.gpr[r] = v;
}

/* ---- mem.c: memory ------------------------------------------------------- */

/*
 * The effective address (offset in in->seg) of the memory operand, truncated
 * to the address size. RIP-relative uses e->next_rip (the end of the instruction).
 */
static inline uint64_t emu_ea(const struct emu *e, const struct insn *in)
{
	uint64_t a = (uint64_t)(int64_t)in->disp;

	if (in->flags & INSN_F_MOFFS)
		a += in->imm;
	if (in->base == INSN_REG_RIP)
		a += e->next_rip; /* SDM Vol. 2 2.2.1.6: RIP of the next instruction */
	else if (in->base != INSN_REG_NONE)
		a += e->st.gpr[in->base];
	if (in->index != INSN_REG_NONE)
		a += e->st.gpr[in->index] << in->scale;
	return a & emu_mask(in->asz);
}

/*
 * Data access at seg:off of size 1, 2, 4 or 8 bytes, with SDM Vol. 3A 5.3
 * segment checks (#GP(0), or #SS(0) for SS; #GP/#SS for a non-canonical address
 * in 64-bit mode), paging (#PF) and MMIO. Accesses may cross page boundaries.
 */
uint64_t emu_read(struct emu *e, unsigned seg, uint64_t off, unsigned size);
void emu_write(struct emu *e, unsigned seg, uint64_t off, unsigned size, uint64_t v);
/* Any length (descriptor-table images, far pointers, FXSAVE areas). */
void emu_read_bytes(struct emu *e, unsigned seg, uint64_t off, void *buf, unsigned len);
void emu_write_bytes(struct emu *e, unsigned seg, uint64_t off, const void *buf, unsigned len);
/* Fault now, without writing, if a write of len bytes at seg:off would fault. */
void emu_probe_write(struct emu *e, unsigned seg, uint64_t off, unsigned len);
/* The linear address of seg:off after the checks for an access of len bytes. */
uint64_t emu_linear(struct emu *e, unsigned seg, uint64_t off, unsigned len, bool write);

/* The E operand: memory at emu_ea, or register in->rm. */
uint64_t emu_read_e(struct emu *e, const struct insn *in, unsigned size);
void emu_write_e(struct emu *e, const struct insn *in, unsigned size, uint64_t v);

/*
 * Linear accesses with no segmentation: `sys` makes them implicit supervisor
 * accesses (GDT, LDT, IDT, TSS; SDM 4.6) whatever the CPL.
 */
void emu_read_lin(struct emu *e, uint64_t la, void *buf, unsigned len, bool sys);
void emu_write_lin(struct emu *e, uint64_t la, const void *buf, unsigned len, bool sys);

/*
 * The stack: SS with the stack size (64-bit mode: 8-byte RSP; else SS.B gives
 * ESP or SP). emu_push writes at RSP - size and then moves RSP; emu_pop reads
 * and then moves RSP. emu_stack_* work at an offset from RSP without moving it.
 */
unsigned emu_stack_asz(const struct emu *e);
void emu_push(struct emu *e, unsigned size, uint64_t v);
uint64_t emu_pop(struct emu *e, unsigned size);
uint64_t emu_stack_read(struct emu *e, int64_t delta, unsigned size);
void emu_stack_write(struct emu *e, int64_t delta, unsigned size, uint64_t v);
void emu_stack_add(struct emu *e, int64_t delta); /* RSP += delta at the stack size */

/* A TLB tag: the 4 KiB linear page and the privilege class (user, unless `sys`). */
static inline uint64_t emu_tlb_tag(const struct emu *e, uint64_t la, bool sys)
{
	return (la >> 12) << 1 | (e->cpl == 3 && !sys);
}

/*
 * Translate la for an access of `kind` (a #PF unwinds) and fill *t when the
 * page is RAM (for writes: and dirty). Returns the host page, or NULL when the
 * page is not RAM; *pa_page is the guest-physical page either way.
 */
uint8_t *emu_tlb_fill(struct emu *e, struct emu_tlb_entry *t, uint64_t la, enum mmu_kind kind,
		      bool sys, uint64_t *pa_page);

/* Flush the software TLB (MOV CR3, CR0/CR4/EFER paging bits) or one page (INVLPG). */
void emu_tlb_flush(struct emu *e);
void emu_tlb_flush_page(struct emu *e, uint64_t la);
/*
 * A write reached RAM in a page holding cached instructions: drop them if it
 * touched their lines (fetch.c).
 */
void emu_code_written(struct emu *e, struct emu_page *p, uint64_t pa, unsigned len);

/* ---- fetch.c: instruction fetch ------------------------------------------ */

/*
 * The decoded block starting at CS:RIP (cached); raises #GP/#PF/#UD for its
 * first instruction, and #UD for one without a handler (said once on the
 * log). A later instruction that would fault ends the block before it.
 */
const struct emu_block *emu_fetch_block(struct emu *e);
/*
 * Give a freshly decoded block's instructions the specialised handlers of
 * their forms, with flags skipped where no one can see them (fastpath.c).
 */
void emu_block_optimise(struct emu *e, struct emu_block *b);
/* The instruction at CS:RIP: the first of its block. */
static inline const struct insn *emu_fetch(struct emu *e)
{
	return &emu_fetch_block(e)->insn[0].in;
}
/* Drop every cached instruction. */
void emu_bcache_flush(struct emu *e);

/* Set up and free the TLB, page table and block cache. */
int emu_mem_init(struct emu *e, const struct engine_config *cfg);
void emu_mem_free(struct emu *e);

/* ---- exec_seg.c: segments, far transfers, exceptions -------------------- */

/*
 * Deliver an exception or interrupt through the IVT (real mode) or IDT
 * (protected and long mode), with privilege and stack switches (TSS, IST).
 * The frame holds return_rip (the faulting instruction, or the one after INT n);
 * `soft` is INT n/INT3/INTO: the gate's DPL must be >= CPL (#GP(vector*8+2));
 * INT n's own handler checks IOPL in virtual-8086 mode. On success RIP is the
 * handler's; a fault on the way raises it (emu_raise) with the state as it
 * was, e->delivering still holding the vector, and emu.c's loop turns it into
 * #DF or a triple fault (SDM Vol. 3A Table 6-5).
 * Sets e->delivering = vector on entry (-1 for soft ones, which Table 6-5
 * does not combine) and -1 when done.
 */
void emu_deliver(struct emu *e, unsigned vector, bool has_error, uint32_t error_code, bool soft,
		 uint64_t return_rip);
/* An external interrupt at the current RIP, an instruction boundary (INTR, SDM 6.3.1). */
void emu_deliver_intr(struct emu *e, unsigned vector);
/* A fault the executor raised (RIP on the instruction): as emu_deliver, with RF in the frame. */
void emu_deliver_fault(struct emu *e, unsigned vector, bool has_error, uint32_t error_code);

/* Load a data or stack segment register (MOV, POP, LDS...) with SDM's checks. */
void emu_load_seg(struct emu *e, unsigned seg, uint16_t selector);

/* ---- handler table -------------------------------------------------------- */

/* Each exec_*.c fills the entries of the operations it implements. */
void emu_exec_int_init(emu_handler *table);
void emu_exec_seg_init(emu_handler *table);
void emu_exec_sys_init(emu_handler *table);

/* Complete an IN/INS exit (data in e->exit->io) and move past the instruction. */
void emu_complete_io(struct emu *e, const struct vcpu_exit *x);

#endif
