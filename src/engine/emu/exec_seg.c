/* SPDX-License-Identifier: MIT */
/*
 * Descriptors and segment-register loads (SDM Vol. 3A ch. 3 and 5, Vol. 2
 * MOV, POP, PUSH, LDS/LES/LFS/LGS/LSS): the executor's emu_load_seg, the
 * helpers the far transfers share, and the handler table of the segment half.
 */
#include <string.h>

#include "exec_seg.h"

_Noreturn void emu_seg_fault(struct emu *e, unsigned vector, uint16_t sel, unsigned ext)
{
	emu_raise(e, vector, true, (sel & 0xfffcu) | (ext & 1));
}

bool emu_desc_read(struct emu *e, uint16_t sel, bool wide, struct desc *d)
{
	unsigned len = wide ? 16 : 8;
	uint64_t base, limit, off = sel & 0xfff8u;
	uint8_t buf[16];

	if (sel & 4) {
		const struct segment *ldt = &e->st.seg[SEG_LDTR];

		if (ldt->unusable)
			return false;
		base = ldt->base;
		limit = ldt->limit;
	} else {
		base = e->st.gdt.base;
		limit = e->st.gdt.limit;
	}
	if (off + len - 1 > limit)
		return false;
	d->la = base + off;
	if (!(e->st.efer & EFER_LMA))
		d->la = (uint32_t)d->la; /* linear addresses are 32 bits outside IA-32e mode */
	emu_read_lin(e, d->la, buf, len, true);
	memcpy(&d->lo, buf, 8);
	d->hi = 0;
	if (wide)
		memcpy(&d->hi, buf + 8, 8);
	return true;
}

struct segment emu_desc_seg(uint16_t sel, const struct desc *d)
{
	/* Code and data descriptors are loaded with desc_touch: the type is the accessed one. */
	return (struct segment){
		.selector = sel,
		.base = desc_base(d),
		.limit = desc_limit(d),
		.type = (uint8_t)(desc_type(d) | (desc_s(d) ? SEG_TYPE_ACCESSED : 0)),
		.s = desc_s(d),
		.dpl = (uint8_t)desc_dpl(d),
		.present = desc_present(d),
		.avl = (d->lo >> 52) & 1,
		.l = desc_l(d),
		.db = desc_db(d),
		.g = (d->lo >> 55) & 1,
	};
}

struct segment emu_desc_code_seg(uint16_t sel, const struct desc *d, unsigned cpl)
{
	return emu_desc_seg((uint16_t)((sel & 0xfffc) | cpl), d);
}

void emu_desc_touch(struct emu *e, struct desc *d)
{
	uint8_t access;

	if (!desc_s(d) || (desc_type(d) & SEG_TYPE_ACCESSED))
		return;
	access = (uint8_t)(d->lo >> 40) | SEG_TYPE_ACCESSED;
	emu_write_lin(e, d->la + 5, &access, 1, true);
	d->lo |= 1ull << 40;
}

struct segment emu_seg_real(const struct segment *old, uint16_t sel, bool v86)
{
	struct segment s = *old;

	if (v86) {
		/* SDM Vol. 3A 20.1.1: limit 64 KiB, DPL 3, read/write data, accessed. */
		s = (struct segment){
			.limit = 0xffff, .type = 3, .s = true, .dpl = 3, .present = true};
	}
	/* Real mode keeps the limit and attributes (unreal mode); the register is usable. */
	s.selector = sel;
	s.base = (uint64_t)sel << 4;
	s.present = true;
	s.unusable = false;
	return s;
}

struct segment emu_seg_null(const struct emu *e, const struct segment *old, uint16_t sel)
{
	struct segment s = *old;

	/* Intel clears base and limit; AMD keeps them (Linux: X86_BUG_NULL_SEG). */
	if (e->cpu.vendor == CPU_VENDOR_INTEL) {
		s.base = 0;
		s.limit = 0;
	}
	s.selector = sel;
	s.present = false;
	s.unusable = true;
	s.dpl = sel & 3; /* SS.DPL is the CPL: a null SS carries RPL = CPL */
	return s;
}

void emu_seg_check_ss(struct emu *e, uint16_t sel, const struct desc *d, unsigned cpl,
		      unsigned vector, unsigned ext)
{
	unsigned t = desc_type(d);

	if ((sel & 3u) != cpl || !desc_s(d) || (t & (SEG_TYPE_CODE | SEG_TYPE_WR)) != SEG_TYPE_WR ||
	    desc_dpl(d) != cpl)
		emu_seg_fault(e, vector, sel, ext);
	if (!desc_present(d))
		emu_seg_fault(e, EXC_SS, sel, ext);
}

void emu_seg_null_outer(struct emu *e, unsigned cpl)
{
	static const unsigned segs[] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};

	for (unsigned i = 0; i < 4; i++) {
		struct segment *s = &e->st.seg[segs[i]];
		bool conforming =
			(s->type & (SEG_TYPE_CODE | SEG_TYPE_DC)) == (SEG_TYPE_CODE | SEG_TYPE_DC);

		if (s->unusable || !s->s || conforming || s->dpl >= cpl)
			continue;
		*s = emu_seg_null(e, s, 0);
	}
}

/* SDM MOV/POP: the checks for DS, ES, FS and GS, and for SS. */
static void load_prot(struct emu *e, unsigned seg, uint16_t sel)
{
	unsigned cpl = e->cpl, rpl = sel & 3u;
	struct desc d;

	if (sel_null(sel)) {
		/* Null SS: #GP(0), except in 64-bit mode at CPL < 3 with RPL = CPL. */
		if (seg == SEG_SS && !(e->long64 && cpl < 3 && rpl == cpl))
			emu_gp(e, 0);
		e->st.seg[seg] = emu_seg_null(e, &e->st.seg[seg], sel);
		return;
	}
	if (!emu_desc_read(e, sel, false, &d))
		emu_seg_fault(e, EXC_GP, sel, 0);
	if (seg == SEG_SS) {
		emu_seg_check_ss(e, sel, &d, cpl, EXC_GP, 0);
	} else {
		if (!desc_s(&d) || (desc_code(&d) && !(desc_type(&d) & SEG_TYPE_WR)))
			emu_seg_fault(e, EXC_GP, sel, 0);
		if (!desc_conforming(&d) && (rpl > desc_dpl(&d) || cpl > desc_dpl(&d)))
			emu_seg_fault(e, EXC_GP, sel, 0);
		if (!desc_present(&d))
			emu_seg_fault(e, EXC_NP, sel, 0);
	}
	emu_desc_touch(e, &d);
	e->st.seg[seg] = emu_desc_seg(sel, &d);
}

void emu_load_seg(struct emu *e, unsigned seg, uint16_t selector)
{
	if (seg == SEG_CS || seg > SEG_GS)
		emu_ud(e); /* CS changes only by far transfers */
	if (e->protmode)
		load_prot(e, seg, selector);
	else
		e->st.seg[seg] = emu_seg_real(&e->st.seg[seg], selector, e->v8086);
	if (seg == SEG_SS)
		emu_sync_mode(e);
}

void emu_far_pointer(struct emu *e, const struct insn *in, unsigned osz, uint64_t *off,
		     uint16_t *sel)
{
	uint64_t ea = emu_ea(e, in);

	*off = emu_read(e, in->seg, ea, osz);
	*sel = (uint16_t)emu_read(e, in->seg, (ea + osz) & emu_mask(in->asz), 2);
}

/* ---- instructions ---------------------------------------------------------- */

/*
 * SDM PUSH: with a 32- or 64-bit operand size, recent Intel processors write
 * only the 16-bit selector and leave the rest of the slot; AMD zero-extends.
 */
static void op_push_seg(struct emu *e, const struct insn *in)
{
	uint16_t sel = e->st.seg[in->reg].selector;
	unsigned osz = in->osz;
	uint64_t off;

	if (osz == 2 || e->cpu.vendor != CPU_VENDOR_INTEL) {
		emu_push(e, osz, sel);
		return;
	}
	off = (e->st.gpr[GPR_RSP] - osz) & emu_mask(emu_stack_asz(e));
	emu_probe_write(e, SEG_SS, off, osz);
	emu_stack_write(e, -(int64_t)osz, 2, sel);
	emu_stack_add(e, -(int64_t)osz);
}

/* POP Sreg: load, then move RSP at the stack size before the load (SS may change it). */
static void op_pop_seg(struct emu *e, const struct insn *in)
{
	unsigned asz = emu_stack_asz(e);
	uint64_t sp = e->st.gpr[GPR_RSP];
	uint16_t sel = (uint16_t)emu_stack_read(e, 0, in->osz);

	emu_load_seg(e, in->reg, sel);
	emu_set_reg_asz(e, GPR_RSP, asz, sp + in->osz);
	if (in->reg == SEG_SS)
		e->shadow_next = true; /* SDM POP: interrupts wait one instruction */
}

static void op_mov_to_sreg(struct emu *e, const struct insn *in)
{
	uint16_t sel = (uint16_t)emu_read_e(e, in, 2);

	emu_load_seg(e, in->reg, sel);
	if (in->reg == SEG_SS)
		e->shadow_next = true; /* SDM MOV: interrupts wait one instruction */
}

/* SDM MOV: a register gets the selector zero-extended at 32/64 bits; memory 16 bits. */
static void op_mov_from_sreg(struct emu *e, const struct insn *in)
{
	if (in->reg > SEG_GS)
		emu_ud(e);
	emu_write_e(e, in, (in->flags & INSN_F_MEM) ? 2 : in->osz, e->st.seg[in->reg].selector);
}

/* LDS LES LSS LFS LGS: the segment first (it may fault), then the register. */
static void load_far(struct emu *e, const struct insn *in, unsigned seg)
{
	uint64_t off;
	uint16_t sel;

	emu_far_pointer(e, in, in->osz, &off, &sel);
	emu_load_seg(e, seg, sel);
	emu_set_reg(e, in, in->reg, in->osz, off);
}

static void op_lds(struct emu *e, const struct insn *in)
{
	load_far(e, in, SEG_DS);
}
static void op_les(struct emu *e, const struct insn *in)
{
	load_far(e, in, SEG_ES);
}
static void op_lss(struct emu *e, const struct insn *in)
{
	load_far(e, in, SEG_SS);
}
static void op_lfs(struct emu *e, const struct insn *in)
{
	load_far(e, in, SEG_FS);
}
static void op_lgs(struct emu *e, const struct insn *in)
{
	load_far(e, in, SEG_GS);
}

void emu_exec_seg_init(emu_handler *table)
{
	table[OP_PUSH_SEG] = op_push_seg;
	table[OP_POP_SEG] = op_pop_seg;
	table[OP_MOV_TO_SREG] = op_mov_to_sreg;
	table[OP_MOV_FROM_SREG] = op_mov_from_sreg;
	table[OP_LDS] = op_lds;
	table[OP_LES] = op_les;
	table[OP_LSS] = op_lss;
	table[OP_LFS] = op_lfs;
	table[OP_LGS] = op_lgs;
	emu_exec_desc_init(table);
	emu_exec_far_init(table);
	emu_exec_exc_init(table);
	emu_exec_fast_init(table);
}
