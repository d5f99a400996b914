/* SPDX-License-Identifier: MIT */
/*
 * Shared by the segment half of the executor (private to it):
 *
 *   exec_seg.c   descriptors, segment-register loads, PUSH/POP/MOV Sreg, LxS
 *   exec_desc.c  LGDT LIDT SGDT SIDT LLDT SLDT LTR STR VERR VERW LAR LSL ARPL
 *   exec_far.c   far JMP, CALL (call gates) and RET
 *   exec_exc.c   emu_deliver (IVT, IDT, TSS stacks, IST), INT n, INT3, INTO, INT1, IRET
 *   exec_fast.c  SYSCALL SYSRET SYSENTER SYSEXIT SWAPGS
 *
 * Transfers that change privilege write their frame on a new stack through
 * linear addresses (struct stack_ref) before any register changes, so a fault
 * on the way leaves the state as it was. The new privilege level is always
 * more privileged than 3 there, so those writes are supervisor accesses
 * (emu_write_lin with sys = true); writes at an unchanged CPL use e->cpl.
 * Task switches (task gates, TSS selectors, IRET with NT=1) are not
 * implemented: they raise #GP (see the call sites).
 */
#ifndef VX86_ENGINE_EMU_EXEC_SEG_H
#define VX86_ENGINE_EMU_EXEC_SEG_H

#include "emu_impl.h"

/* Code/data segment type bits (SDM Vol. 3A Table 3-1). */
#define SEG_TYPE_ACCESSED 0x1
#define SEG_TYPE_WR	  0x2 /* data: writable; code: readable */
#define SEG_TYPE_DC	  0x4 /* data: expand-down; code: conforming */
#define SEG_TYPE_CODE	  0x8

/* System descriptor types (SDM Vol. 3A Table 3-2; 9, B, C, E, F are 64-bit in IA-32e mode). */
enum {
	SYS_TSS16 = 0x1,
	SYS_LDT = 0x2,
	SYS_TSS16_BUSY = 0x3,
	SYS_CALL16 = 0x4,
	SYS_TASK = 0x5,
	SYS_INT16 = 0x6,
	SYS_TRAP16 = 0x7,
	SYS_TSS = 0x9,
	SYS_TSS_BUSY = 0xb,
	SYS_CALL = 0xc,
	SYS_INT = 0xe,
	SYS_TRAP = 0xf,
};

/* RFLAGS bits that exist (SDM Vol. 1 3.4.3): the rest read as 0, bit 1 as 1. */
#define RFLAGS_VALID 0x3f7fd5ull

/*
 * A descriptor (SDM Vol. 3A 3.4.5, 5.8.3.1, 6.14.1): lo holds bytes 0-7, hi
 * bytes 8-15 of a 16-byte system descriptor of IA-32e mode (else 0), la the
 * descriptor's linear address.
 */
struct desc {
	uint64_t lo, hi;
	uint64_t la;
};

static inline unsigned desc_type(const struct desc *d)
{
	return (d->lo >> 40) & 0xf;
}
static inline bool desc_s(const struct desc *d)
{
	return (d->lo >> 44) & 1;
}
static inline unsigned desc_dpl(const struct desc *d)
{
	return (d->lo >> 45) & 3;
}
static inline bool desc_present(const struct desc *d)
{
	return (d->lo >> 47) & 1;
}
static inline bool desc_l(const struct desc *d)
{
	return (d->lo >> 53) & 1;
}
static inline bool desc_db(const struct desc *d)
{
	return (d->lo >> 54) & 1;
}
static inline bool desc_code(const struct desc *d)
{
	return desc_s(d) && (desc_type(d) & SEG_TYPE_CODE);
}
static inline bool desc_conforming(const struct desc *d)
{
	return desc_code(d) && (desc_type(d) & SEG_TYPE_DC);
}
/* The byte-granular limit (G scales by 4 KiB). */
static inline uint32_t desc_limit(const struct desc *d)
{
	uint32_t limit = (uint32_t)((d->lo & 0xffff) | ((d->lo >> 32) & 0xf0000));

	return (d->lo >> 55) & 1 ? limit << 12 | 0xfff : limit;
}
static inline uint64_t desc_base(const struct desc *d)
{
	return ((d->lo >> 16) & 0xffffff) | (d->lo >> 56) << 24 | (d->hi & 0xffffffff) << 32;
}

/* A null selector: index 0 in the GDT, any RPL (SDM Vol. 3A 3.4.2). */
static inline bool sel_null(uint16_t sel)
{
	return (sel & 0xfffc) == 0;
}

/* Is the segment register a 64-bit code segment in IA-32e mode? */
static inline bool emu_code64(const struct emu *e, const struct segment *cs)
{
	return (e->st.efer & EFER_LMA) && cs->l;
}

/* ---- exec_seg.c ---------------------------------------------------------- */

/* Raise vector with a selector error code (SDM Vol. 3A 6.13): index, TI, and EXT in bit 0. */
_Noreturn void emu_seg_fault(struct emu *e, unsigned vector, uint16_t sel, unsigned ext);

/*
 * Read the descriptor sel names from the GDT or LDT: 8 bytes, or 16 with
 * wide. Returns false, reading nothing, when it lies beyond the table's limit
 * or the LDT is unusable; page faults are raised.
 */
bool emu_desc_read(struct emu *e, uint16_t sel, bool wide, struct desc *d);

/* The hidden part a segment register gets from d. */
struct segment emu_desc_seg(uint16_t sel, const struct desc *d);

/* Set the accessed bit of a code or data descriptor in memory (SDM Vol. 3A 3.4.5.1). */
void emu_desc_touch(struct emu *e, struct desc *d);

/* A code segment's selector with RPL = cpl and the hidden part from d. */
struct segment emu_desc_code_seg(uint16_t sel, const struct desc *d, unsigned cpl);

/* The real-mode (base = sel << 4, attributes kept) or virtual-8086 value of a segment. */
struct segment emu_seg_real(const struct segment *old, uint16_t sel, bool v86);

/* A segment register after a null selector load: unusable; SS keeps DPL = RPL (the CPL). */
struct segment emu_seg_null(const struct emu *e, const struct segment *old, uint16_t sel);

/*
 * SDM Vol. 3A 5.6 and MOV SS: a stack segment for cpl needs RPL = DPL = cpl
 * and a writable data descriptor (else vector(sel, ext)), and must be present
 * (else #SS(sel, ext)).
 */
void emu_seg_check_ss(struct emu *e, uint16_t sel, const struct desc *d, unsigned cpl,
		      unsigned vector, unsigned ext);

/*
 * After a return to an outer level (RET far, IRET): DS, ES, FS and GS holding
 * data or non-conforming code with DPL < the new CPL become null (SDM RET, IRET).
 */
void emu_seg_null_outer(struct emu *e, unsigned cpl);

/* The far pointer of a memory operand: offset (osz bytes), then the selector. */
void emu_far_pointer(struct emu *e, const struct insn *in, unsigned osz, uint64_t *off,
		     uint16_t *sel);

/* ---- frames on a stack (exec_far.c) ---------------------------------------- */

struct stack_ref {
	struct segment ss; /* the stack segment (limit checks outside 64-bit stacks) */
	uint64_t sp;	   /* the stack pointer's full register value */
	unsigned asz;	   /* 2 or 4 (SS.B), or 8 for a 64-bit stack (no limit, canonical) */
	uint32_t err;	   /* the #SS error code when the frame does not fit */
	bool sys;	   /* supervisor writes (a more privileged stack) */
};

/* The current stack. */
struct stack_ref emu_stack_current(struct emu *e, uint32_t err);

/* Raise #SS(err) unless n bytes fit below sp (SDM Vol. 3A 5.3, 6.12.1). */
void emu_stack_check(struct emu *e, const struct stack_ref *s, unsigned n);

/*
 * Write v[0..n), size bytes each, below sp (v[0] at the highest address) and
 * return the new stack pointer register value. Check first with stack_check.
 */
uint64_t emu_stack_put(struct emu *e, const struct stack_ref *s, const uint64_t *v, unsigned n,
		       unsigned size);

/* Read len (2, 4 or 8) bytes at offset off of the current TSS; beyond TR.limit: #TS(TR, ext). */
uint64_t emu_tss_read(struct emu *e, unsigned off, unsigned len, unsigned ext);

/*
 * The stack of privilege level dpl from the current TSS (SDM Vol. 3A 5.8.5,
 * 6.12.1): SS and ESP of a 32- or 16-bit TSS; in IA-32e mode RSPn and a null
 * SS with RPL = dpl.
 */
void emu_tss_stack(struct emu *e, unsigned dpl, unsigned ext, uint16_t *ss, uint64_t *sp);

/*
 * The stack of a call or interrupt to the inner level dpl (SDM CALL, INT n):
 * from the TSS, its SS checked (#TS, #SS) and marked accessed; in IA-32e mode
 * RSPn with a null SS. Frame writes on it are supervisor writes.
 */
void emu_stack_inner(struct emu *e, unsigned dpl, unsigned ext, struct stack_ref *ns);

/* RIP limit (or canonical, for 64-bit code) check of a far transfer's target: #GP(ext). */
void emu_check_target_rip(struct emu *e, const struct segment *cs, uint64_t rip, unsigned ext);

/* SDM RET (far) and IRET: the checks on the CS popped, at the current CPL. */
void emu_ret_check_cs(struct emu *e, uint16_t sel, struct desc *d);

/*
 * SDM RET (far) and IRET, return to an outer level (or IRET in 64-bit mode):
 * the SS popped, for CPL rpl; to64 when the return is to 64-bit code, where a
 * null SS is allowed below CPL 3. Marks it accessed and returns the register.
 */
struct segment emu_ret_check_ss(struct emu *e, uint16_t sel, unsigned rpl, bool to64);

/* RSP after a return that loaded SS: whole in 64-bit mode, else ESP or SP by SS.B. */
void emu_ret_set_sp(struct emu *e, bool to64, uint64_t sp);

/* ---- handler registration ---------------------------------------------------- */

void emu_exec_desc_init(emu_handler *table);
void emu_exec_far_init(emu_handler *table);
void emu_exec_exc_init(emu_handler *table);
void emu_exec_fast_init(emu_handler *table);

#endif
