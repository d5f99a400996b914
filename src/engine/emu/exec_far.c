/* SPDX-License-Identifier: MIT */
/*
 * Far JMP, CALL and RET (SDM Vol. 2 JMP, CALL, RET; Vol. 3A 5.8): real and
 * virtual-8086 mode, code segments at the same privilege, call gates with the
 * stack switch from the TSS, and returns to an outer level. The frame helpers
 * here are shared with exception delivery (exec_exc.c).
 */
#include "../../vcpu/cr.h"
#include "exec_seg.h"

/* ---- stacks --------------------------------------------------------------- */

struct stack_ref emu_stack_current(struct emu *e, uint32_t err)
{
	return (struct stack_ref){.ss = e->st.seg[SEG_SS],
				  .sp = e->st.gpr[GPR_RSP],
				  .asz = emu_stack_asz(e),
				  .err = err};
}

void emu_stack_check(struct emu *e, const struct stack_ref *s, unsigned n)
{
	uint64_t mask = emu_mask(s->asz), lo = (s->sp - n) & mask, hi = lo + n - 1;
	uint64_t top = hi > mask ? mask : hi, bottom = hi > mask ? 0 : lo; /* a wrapping frame */
	unsigned bits = cpu_vaddr_bits(&e->st);
	bool fits;

	if (s->asz == 8)
		fits = is_canonical(lo, bits) && is_canonical(hi, bits);
	else if (s->ss.type & SEG_TYPE_DC) /* expand-down: (limit, 64 KiB or 4 GiB) */
		fits = bottom > s->ss.limit && top <= (s->ss.db ? 0xffffffffull : 0xffffull);
	else
		fits = top <= s->ss.limit;
	if (!fits)
		emu_raise(e, EXC_SS, true, s->err);
}

uint64_t emu_stack_put(struct emu *e, const struct stack_ref *s, const uint64_t *v, unsigned n,
		       unsigned size)
{
	uint64_t mask = emu_mask(s->asz);

	for (unsigned i = 0; i < n; i++) {
		uint64_t off = (s->sp - (uint64_t)(i + 1) * size) & mask;
		uint64_t la = s->asz == 8 ? off : (uint32_t)(s->ss.base + off);

		emu_write_lin(e, la, &v[i], size, s->sys); /* the low `size` bytes (x86 host) */
	}
	return (s->sp & ~mask) | ((s->sp - (uint64_t)n * size) & mask);
}

uint64_t emu_tss_read(struct emu *e, unsigned off, unsigned len, unsigned ext)
{
	const struct segment *tr = &e->st.seg[SEG_TR];
	uint64_t v = 0, la = tr->base + off;

	if (off + len - 1 > tr->limit)
		emu_seg_fault(e, EXC_TS, tr->selector, ext);
	if (!(e->st.efer & EFER_LMA))
		la = (uint32_t)la;
	emu_read_lin(e, la, &v, len, true);
	return v;
}

/* SDM Vol. 3A Figures 8-2, 8-11 and 8-12: the stack fields of the three TSS formats. */
void emu_tss_stack(struct emu *e, unsigned dpl, unsigned ext, uint16_t *ss, uint64_t *sp)
{
	if (e->st.efer & EFER_LMA) {
		*sp = emu_tss_read(e, 4 + 8 * dpl, 8, ext); /* RSPn */
		*ss = (uint16_t)dpl;
	} else if (e->st.seg[SEG_TR].type & 8) { /* 32-bit TSS: ESPn at 4 + 8n, SSn after it */
		*ss = (uint16_t)emu_tss_read(e, 8 + 8 * dpl, 2, ext);
		*sp = emu_tss_read(e, 4 + 8 * dpl, 4, ext);
	} else { /* 16-bit TSS: SPn at 2 + 4n, SSn after it */
		*ss = (uint16_t)emu_tss_read(e, 4 + 4 * dpl, 2, ext);
		*sp = emu_tss_read(e, 2 + 4 * dpl, 2, ext);
	}
}

void emu_stack_inner(struct emu *e, unsigned dpl, unsigned ext, struct stack_ref *ns)
{
	uint16_t ss_sel;
	uint64_t sp;
	struct desc d;

	emu_tss_stack(e, dpl, ext, &ss_sel, &sp);
	if (e->st.efer & EFER_LMA) {
		*ns = (struct stack_ref){.ss = emu_seg_null(e, &e->st.seg[SEG_SS], ss_sel),
					 .sp = sp,
					 .asz = 8,
					 .err = ext,
					 .sys = true};
		return;
	}
	if (sel_null(ss_sel))
		emu_raise(e, EXC_TS, true, ext);
	if (!emu_desc_read(e, ss_sel, false, &d))
		emu_seg_fault(e, EXC_TS, ss_sel, ext);
	emu_seg_check_ss(e, ss_sel, &d, dpl, EXC_TS, ext);
	emu_desc_touch(e, &d);
	*ns = (struct stack_ref){.ss = emu_desc_seg(ss_sel, &d),
				 .sp = sp,
				 .asz = desc_db(&d) ? 4 : 2,
				 .err = (ss_sel & 0xfffcu) | ext,
				 .sys = true};
}

void emu_check_target_rip(struct emu *e, const struct segment *cs, uint64_t rip, unsigned ext)
{
	bool ok = emu_code64(e, cs) ? is_canonical(rip, cpu_vaddr_bits(&e->st)) : rip <= cs->limit;

	if (!ok)
		emu_raise(e, EXC_GP, true, ext);
}

/* ---- far JMP and CALL ------------------------------------------------------- */

/* Real and virtual-8086 mode: CS as in real mode, the return CS:IP at osz. */
static void far_real(struct emu *e, unsigned osz, uint16_t sel, uint64_t off, bool call)
{
	struct segment cs = emu_seg_real(&e->st.seg[SEG_CS], sel, e->v8086);
	int64_t n = (int64_t)osz;

	if (call) {
		emu_stack_write(e, -n, osz, e->st.seg[SEG_CS].selector);
		emu_stack_write(e, -2 * n, osz, e->next_rip & emu_mask(osz));
	}
	emu_check_target_rip(e, &cs, off, 0);
	if (call)
		emu_stack_add(e, -2 * n);
	e->st.seg[SEG_CS] = cs;
	e->next_rip = off;
	emu_sync_mode(e);
}

/* The CPL stays: push the return CS:RIP at size (CALL), check the target, switch. */
static void far_same(struct emu *e, unsigned size, uint16_t sel, struct desc *d, uint64_t rip,
		     bool call)
{
	struct segment cs = emu_desc_code_seg(sel, d, e->cpl);
	int64_t n = (int64_t)size;

	if (call) {
		emu_stack_write(e, -n, size, e->st.seg[SEG_CS].selector);
		emu_stack_write(e, -2 * n, size, e->next_rip & emu_mask(size));
	}
	emu_check_target_rip(e, &cs, rip, 0);
	emu_desc_touch(e, d);
	if (call)
		emu_stack_add(e, -2 * n);
	e->st.seg[SEG_CS] = cs;
	e->next_rip = rip;
	emu_sync_mode(e);
}

/* SDM JMP/CALL: to a code segment (conforming: DPL <= CPL; else RPL <= CPL = DPL). */
static void far_code(struct emu *e, unsigned osz, uint16_t sel, struct desc *d, uint64_t off,
		     bool call)
{
	unsigned cpl = e->cpl;

	if (desc_conforming(d) ? desc_dpl(d) > cpl : ((sel & 3u) > cpl || desc_dpl(d) != cpl))
		emu_seg_fault(e, EXC_GP, sel, 0);
	if (!desc_present(d))
		emu_seg_fault(e, EXC_NP, sel, 0);
	if ((e->st.efer & EFER_LMA) && desc_l(d) && desc_db(d))
		emu_seg_fault(e, EXC_GP, sel, 0); /* L=1 with D=1 is reserved */
	far_same(e, osz, sel, d, off, call);
}

/*
 * SDM CALL, MORE-PRIVILEGE: the stack of the new level from the TSS; on it the
 * old SS:ESP, the gate's parameters copied from the old stack, the return CS:EIP.
 */
static void call_inner(struct emu *e, const struct desc *g, struct desc *d, uint16_t cs_sel,
		       uint64_t off, unsigned gsz)
{
	unsigned dpl = desc_dpl(d), count = gsz == 8 ? 0 : (g->lo >> 32) & 0x1f, n = 0;
	uint64_t v[4 + 31], mask = emu_mask(gsz), sp;
	struct stack_ref ns;
	struct segment cs;

	emu_stack_inner(e, dpl, 0, &ns);
	v[n++] = e->st.seg[SEG_SS].selector;
	v[n++] = e->st.gpr[GPR_RSP] & mask;
	for (unsigned i = count; i-- > 0;)
		v[n++] = emu_stack_read(e, (int64_t)i * gsz, gsz);
	v[n++] = e->st.seg[SEG_CS].selector;
	v[n++] = e->next_rip & mask;
	emu_stack_check(e, &ns, n * gsz);
	cs = emu_desc_code_seg(cs_sel, d, dpl);
	emu_check_target_rip(e, &cs, off, 0);
	emu_desc_touch(e, d);
	sp = emu_stack_put(e, &ns, v, n, gsz);
	e->st.seg[SEG_SS] = ns.ss;
	e->st.gpr[GPR_RSP] = sp;
	e->st.seg[SEG_CS] = cs;
	e->next_rip = off;
	emu_sync_mode(e);
}

/* The gate's target code segment (SDM JMP/CALL through a call gate). */
static void gate_target(struct emu *e, uint16_t cs_sel, struct desc *d, bool call)
{
	unsigned cpl = e->cpl;

	if (sel_null(cs_sel))
		emu_gp(e, 0);
	if (!emu_desc_read(e, cs_sel, false, d))
		emu_seg_fault(e, EXC_GP, cs_sel, 0);
	if (!desc_code(d) || desc_dpl(d) > cpl)
		emu_seg_fault(e, EXC_GP, cs_sel, 0);
	/* JMP never changes the CPL: non-conforming code must have DPL = CPL. */
	if (!call && !desc_conforming(d) && desc_dpl(d) != cpl)
		emu_seg_fault(e, EXC_GP, cs_sel, 0);
	if (!desc_present(d))
		emu_seg_fault(e, EXC_NP, cs_sel, 0);
	/* SDM Vol. 3A 5.8.3.1: a 64-bit call gate leads to 64-bit code (L=1, D=0). */
	if ((e->st.efer & EFER_LMA) && (!desc_l(d) || desc_db(d)))
		emu_seg_fault(e, EXC_GP, cs_sel, 0);
}

static void far_gate(struct emu *e, uint16_t sel, struct desc *g, bool call)
{
	bool lma = e->st.efer & EFER_LMA;
	unsigned type = desc_type(g), gsz = lma ? 8 : type == SYS_CALL16 ? 2 : 4;
	uint16_t cs_sel = (uint16_t)(g->lo >> 16);
	uint64_t off = g->lo & 0xffff;
	struct desc d;

	/* IA-32e mode has only 16-byte 64-bit call gates; the upper type field must be 0. */
	if (lma && (type != SYS_CALL || !emu_desc_read(e, sel, true, g) || ((g->hi >> 40) & 0x1f)))
		emu_seg_fault(e, EXC_GP, sel, 0);
	if (desc_dpl(g) < e->cpl || (sel & 3u) > desc_dpl(g))
		emu_seg_fault(e, EXC_GP, sel, 0);
	if (!desc_present(g))
		emu_seg_fault(e, EXC_NP, sel, 0);
	gate_target(e, cs_sel, &d, call);
	if (gsz > 2)
		off |= (g->lo >> 48) << 16 | (g->hi & 0xffffffff) << 32;
	if (call && !desc_conforming(&d) && desc_dpl(&d) < e->cpl)
		call_inner(e, g, &d, cs_sel, off, gsz);
	else
		far_same(e, gsz, cs_sel, &d, off, call);
}

static void far_transfer(struct emu *e, unsigned osz, uint16_t sel, uint64_t off, bool call)
{
	struct desc d;
	unsigned type;

	if (!e->protmode) {
		far_real(e, osz, sel, off, call);
		return;
	}
	if (sel_null(sel))
		emu_gp(e, 0);
	if (!emu_desc_read(e, sel, false, &d))
		emu_seg_fault(e, EXC_GP, sel, 0);
	type = desc_type(&d);
	if (desc_code(&d)) {
		far_code(e, osz, sel, &d, off, call);
	} else if (!desc_s(&d) && (type == SYS_CALL || type == SYS_CALL16)) {
		far_gate(e, sel, &d, call);
	} else {
		/*
		 * Data segments and the other system types; task gates and TSS
		 * descriptors would switch tasks (SDM Vol. 3A 8.3), which vx86
		 * does not implement: #GP(selector) as for an invalid type.
		 */
		emu_seg_fault(e, EXC_GP, sel, 0);
	}
}

/* AMD has no m16:64 far pointer: REX.W still reads m16:32 (APM Vol. 3 CALL/JMP (Far)). */
static unsigned far_osz(const struct emu *e, const struct insn *in)
{
	return in->osz == 8 && e->cpu.vendor == CPU_VENDOR_AMD ? 4 : in->osz;
}

static void op_jmpf(struct emu *e, const struct insn *in)
{
	far_transfer(e, in->osz, in->imm2, in->imm, false);
}

static void op_callf(struct emu *e, const struct insn *in)
{
	far_transfer(e, in->osz, in->imm2, in->imm, true);
}

static void op_jmpf_ind(struct emu *e, const struct insn *in)
{
	unsigned osz = far_osz(e, in);
	uint64_t off;
	uint16_t sel;

	emu_far_pointer(e, in, osz, &off, &sel);
	far_transfer(e, osz, sel, off, false);
}

static void op_callf_ind(struct emu *e, const struct insn *in)
{
	unsigned osz = far_osz(e, in);
	uint64_t off;
	uint16_t sel;

	emu_far_pointer(e, in, osz, &off, &sel);
	far_transfer(e, osz, sel, off, true);
}

/* ---- far RET ------------------------------------------------------------------ */

void emu_ret_check_cs(struct emu *e, uint16_t sel, struct desc *d)
{
	unsigned rpl = sel & 3u;

	if (sel_null(sel))
		emu_gp(e, 0);
	if (!emu_desc_read(e, sel, false, d) || !desc_code(d) || rpl < e->cpl)
		emu_seg_fault(e, EXC_GP, sel, 0);
	if (desc_conforming(d) ? desc_dpl(d) > rpl : desc_dpl(d) != rpl)
		emu_seg_fault(e, EXC_GP, sel, 0);
	if (!desc_present(d))
		emu_seg_fault(e, EXC_NP, sel, 0);
	if ((e->st.efer & EFER_LMA) && desc_l(d) && desc_db(d))
		emu_seg_fault(e, EXC_GP, sel, 0);
}

struct segment emu_ret_check_ss(struct emu *e, uint16_t sel, unsigned rpl, bool to64)
{
	struct desc d;

	if (sel_null(sel)) {
		if (!to64 || rpl == 3 || (sel & 3u) != rpl)
			emu_gp(e, 0);
		return emu_seg_null(e, &e->st.seg[SEG_SS], sel);
	}
	if (!emu_desc_read(e, sel, false, &d))
		emu_seg_fault(e, EXC_GP, sel, 0);
	emu_seg_check_ss(e, sel, &d, rpl, EXC_GP, 0);
	emu_desc_touch(e, &d);
	return emu_desc_seg(sel, &d);
}

void emu_ret_set_sp(struct emu *e, bool to64, uint64_t sp)
{
	if (to64)
		e->st.gpr[GPR_RSP] = sp;
	else
		emu_set_reg_asz(e, GPR_RSP, e->st.seg[SEG_SS].db ? 4 : 2, sp);
}

/* SDM RET: to an outer level, SS:RSP come from the stack above the return address. */
static void retf_prot(struct emu *e, unsigned osz, uint64_t rip, uint16_t sel, uint16_t imm)
{
	unsigned rpl = sel & 3u;
	int64_t n = (int64_t)osz;
	struct segment cs, ss;
	uint16_t ss_sel;
	uint64_t sp;
	struct desc d;
	bool to64;

	emu_ret_check_cs(e, sel, &d);
	cs = emu_desc_seg(sel, &d);
	to64 = emu_code64(e, &cs);
	if (rpl == e->cpl) {
		emu_check_target_rip(e, &cs, rip, 0);
		emu_desc_touch(e, &d);
		emu_stack_add(e, 2 * n + imm);
	} else {
		sp = emu_stack_read(e, 2 * n + imm, osz);
		ss_sel = (uint16_t)emu_stack_read(e, 3 * n + imm, osz);
		ss = emu_ret_check_ss(e, ss_sel, rpl, to64);
		emu_check_target_rip(e, &cs, rip, 0);
		emu_desc_touch(e, &d);
		e->st.seg[SEG_SS] = ss;
		emu_ret_set_sp(e, to64, sp + imm);
		emu_seg_null_outer(e, rpl);
	}
	e->st.seg[SEG_CS] = cs;
	e->next_rip = rip;
	emu_sync_mode(e);
}

static void op_retf(struct emu *e, const struct insn *in)
{
	unsigned osz = in->osz;
	uint16_t imm = in->form == INSN_FORM_I ? (uint16_t)in->imm : 0;
	uint64_t rip = emu_stack_read(e, 0, osz);
	uint16_t sel = (uint16_t)emu_stack_read(e, (int64_t)osz, osz);
	struct segment cs;

	if (e->protmode) {
		retf_prot(e, osz, rip, sel, imm);
		return;
	}
	cs = emu_seg_real(&e->st.seg[SEG_CS], sel, e->v8086);
	emu_check_target_rip(e, &cs, rip, 0);
	emu_stack_add(e, 2 * (int64_t)osz + imm);
	e->st.seg[SEG_CS] = cs;
	e->next_rip = rip;
	emu_sync_mode(e);
}

void emu_exec_far_init(emu_handler *table)
{
	table[OP_JMPF] = op_jmpf;
	table[OP_JMPF_IND] = op_jmpf_ind;
	table[OP_CALLF] = op_callf;
	table[OP_CALLF_IND] = op_callf_ind;
	table[OP_RETF] = op_retf;
}
