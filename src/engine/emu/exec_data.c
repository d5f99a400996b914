/* SPDX-License-Identifier: MIT */
/*
 * Data movement and the small instructions around it: MOV, MOVZX, MOVSX,
 * MOVSXD, XCHG, XADD, CMPXCHG, CMPXCHG8B/16B, LEA, BSWAP, CBW, CWD, XLAT,
 * SETcc, CMOVcc, LAHF, SAHF, CLC STC CMC CLD STD, BOUND, and the ones that do
 * nothing here (NOP, PAUSE, prefetches, fences, CLFLUSH) or only fault (UD2).
 * Memory is written before any register, so a fault changes nothing.
 */
#include "exec_int.h"

/* ---- MOV MOVZX MOVSX MOVSXD -------------------------------------------------- */

static void h_mov(struct emu *e, const struct insn *in)
{
	unsigned sz = in->osz;

	switch (in->form) {
	case INSN_FORM_GE:
		emu_set_reg(e, in, in->reg, sz, emu_read_e(e, in, sz));
		break;
	case INSN_FORM_EI:
		emu_write_e(e, in, sz, emu_imm(in));
		break;
	default: /* EG: a store does not read its destination */
		emu_write_e(e, in, sz, emu_reg(e, in, in->reg, sz));
		break;
	}
}

static uint64_t sext(uint64_t v, unsigned sz)
{
	unsigned sh = 64 - 8 * sz;

	return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* MOVZX/MOVSX Gv, Eb/Ew; MOVSXD Gv, Ed (with osz 2 or 4 a plain MOV, SDM MOVSXD). */
static void h_movx(struct emu *e, const struct insn *in)
{
	unsigned src = in->op == OP_MOVZX_B || in->op == OP_MOVSX_B ? 1
		       : in->op == OP_MOVSXD			    ? 4
								    : 2;
	uint64_t v;

	if (in->op == OP_MOVSXD && in->osz < 8)
		src = in->osz;
	v = emu_read_e(e, in, src);
	if (in->op == OP_MOVSX_B || in->op == OP_MOVSX_W || in->op == OP_MOVSXD)
		v = sext(v, src);
	emu_set_reg(e, in, in->reg, in->osz, v);
}

/* ---- XCHG XADD CMPXCHG ------------------------------------------------------ */

/* XCHG with memory is locked on hardware; one vCPU sees no difference. */
static void h_xchg(struct emu *e, const struct insn *in)
{
	unsigned sz = in->osz;
	uint64_t a = emu_read_e(e, in, sz), b = emu_reg(e, in, in->reg, sz);

	emu_write_e(e, in, sz, b);
	emu_set_reg(e, in, in->reg, sz, a);
}

/* SDM XADD: TEMP := SRC + DEST; SRC := DEST; DEST := TEMP (so DEST wins if both are one). */
static void h_xadd(struct emu *e, const struct insn *in)
{
	unsigned sz = in->osz;
	uint64_t a = emu_read_e(e, in, sz), b = emu_reg(e, in, in->reg, sz), r;
	struct lazy_flags lf;

	r = alu_binop_lazy(&lf, ALU_ADD, sz, a, b, 0);
	if (in->flags & INSN_F_MEM) {
		emu_write_e(e, in, sz, r);
		emu_set_reg(e, in, in->reg, sz, a);
	} else {
		emu_set_reg(e, in, in->reg, sz, a);
		emu_set_reg(e, in, in->rm, sz, r);
	}
	e->lf = lf;
}

/*
 * SDM CMPXCHG: flags as CMP accumulator, DEST. Equal: DEST := SRC. Else the
 * accumulator := DEST, and a memory DEST is written with its own value (the
 * processor always writes it). Only what is written is zero-extended.
 */
static void h_cmpxchg(struct emu *e, const struct insn *in)
{
	unsigned sz = in->osz;
	uint64_t d = emu_read_e(e, in, sz), acc = emu_reg(e, in, GPR_RAX, sz);
	struct lazy_flags lf;

	alu_binop_lazy(&lf, ALU_CMP, sz, acc, d, 0);
	if (acc == d) {
		emu_write_e(e, in, sz, emu_reg(e, in, in->reg, sz));
	} else {
		if (in->flags & INSN_F_MEM)
			emu_write_e(e, in, sz, d);
		emu_set_reg(e, in, GPR_RAX, sz, d);
	}
	e->lf = lf;
}

static void set_zf(struct emu *e, bool zf)
{
	uint64_t f = emu_rflags(e) & ~RFLAGS_ZF;

	e->st.rflags = f | (zf ? RFLAGS_ZF : 0);
}

/*
 * CMPXCHG8B/16B m64/m128 (SDM CMPXCHG8B/CMPXCHG16B): compare EDX:EAX (RDX:RAX)
 * with the memory; equal: store ECX:EBX (RCX:RBX), ZF = 1; else the memory is
 * written back unchanged and loaded into EDX:EAX, ZF = 0. CMPXCHG16B needs
 * CPUID.1:ECX.CX16[13] and a 16-byte aligned operand, else #GP(0).
 */
static void h_cmpxchg8b(struct emu *e, const struct insn *in)
{
	bool wide = in->op == OP_CMPXCHG16B;
	unsigned half = wide ? 8 : 4;
	uint64_t ea, m[2] = {0, 0}, want[2], put[2];
	bool eq;

	if (!(in->flags & INSN_F_MEM) || (wide && !emu_cpuid_bit(e, 1, 0, CPUID_ECX, 13)))
		emu_ud(e);
	ea = emu_ea(e, in);
	if (wide && (ea & 15))
		emu_gp(e, 0);
	want[0] = emu_reg(e, in, GPR_RAX, half);
	want[1] = emu_reg(e, in, GPR_RDX, half);
	put[0] = emu_reg(e, in, GPR_RBX, half);
	put[1] = emu_reg(e, in, GPR_RCX, half);
	if (wide) {
		emu_read_bytes(e, in->seg, ea, m, 16);
	} else {
		uint64_t v = emu_read(e, in->seg, ea, 8);

		m[0] = (uint32_t)v;
		m[1] = v >> 32;
	}
	eq = m[0] == want[0] && m[1] == want[1];
	if (eq) {
		m[0] = put[0];
		m[1] = put[1];
	}
	if (wide)
		emu_write_bytes(e, in->seg, ea, m, 16);
	else
		emu_write(e, in->seg, ea, 8, m[1] << 32 | m[0]);
	if (!eq) {
		emu_set_reg(e, in, GPR_RAX, half, m[0]);
		emu_set_reg(e, in, GPR_RDX, half, m[1]);
	}
	set_zf(e, eq);
}

/* ---- LEA BSWAP CBW CWD XLAT ----------------------------------------------- */

/* SDM LEA: the address at the address size, truncated or zero-extended to osz. */
static void h_lea(struct emu *e, const struct insn *in)
{
	emu_set_reg(e, in, in->reg, in->osz, emu_ea(e, in));
}

static void h_bswap(struct emu *e, const struct insn *in)
{
	emu_set_reg(e, in, in->rm, in->osz, alu_bswap(in->osz, emu_reg(e, in, in->rm, in->osz)));
}

/* CBW/CWDE/CDQE and CWD/CDQ/CQO by operand size. */
static void h_cbw(struct emu *e, const struct insn *in)
{
	uint64_t rax = e->st.gpr[GPR_RAX];

	if (in->op == OP_CBW)
		emu_set_reg(e, in, GPR_RAX, in->osz, alu_cbw(in->osz, rax));
	else
		emu_set_reg(e, in, GPR_RDX, in->osz, alu_cwd(in->osz, rax));
}

/* SDM XLAT: AL := [seg:rBX + ZeroExtend(AL)] at the address size. */
static void h_xlat(struct emu *e, const struct insn *in)
{
	uint64_t off = (e->st.gpr[GPR_RBX] + (e->st.gpr[GPR_RAX] & 0xff)) & emu_mask(in->asz);

	emu_set_reg(e, in, GPR_RAX, 1, emu_read(e, in->seg, off, 1));
}

/* ---- SETcc CMOVcc -------------------------------------------------------- */

static void h_setcc(struct emu *e, const struct insn *in)
{
	emu_write_e(e, in, 1, emu_cond(e, in->cc));
}

/*
 * SDM CMOVcc: the source is read whatever the condition (a memory operand
 * may fault); with a 32-bit operand in 64-bit mode the destination's upper
 * half is cleared even when the condition is false.
 */
static void h_cmovcc(struct emu *e, const struct insn *in)
{
	unsigned sz = in->osz;
	uint64_t v = emu_read_e(e, in, sz);

	if (!emu_cond(e, in->cc))
		v = emu_reg(e, in, in->reg, sz);
	emu_set_reg(e, in, in->reg, sz, v);
}

/* ---- flags ----------------------------------------------------------------- */

#define LAHF_MASK (RFLAGS_SF | RFLAGS_ZF | RFLAGS_AF | RFLAGS_PF | RFLAGS_CF)

/* SDM LAHF/SAHF: in 64-bit mode valid only with CPUID.80000001H:ECX.LAHF_LM. */
static void lahf_check(struct emu *e)
{
	if (e->long64 && !cpu_has(&e->cpu, FEAT_LAHF_LM))
		emu_ud(e);
}

static void h_lahf(struct emu *e, const struct insn *in)
{
	lahf_check(e);
	/* AH := SF:ZF:0:AF:0:PF:1:CF */
	emu_set_reg(e, in, 4, 1, (emu_rflags(e) & LAHF_MASK) | RFLAGS_FIXED);
}

static void h_sahf(struct emu *e, const struct insn *in)
{
	uint64_t ah = emu_reg(e, in, 4, 1);

	lahf_check(e);
	e->st.rflags = (emu_rflags(e) & ~LAHF_MASK) | (ah & LAHF_MASK);
}

/* CLC STC CMC CLD STD: one bit of RFLAGS, after the pending flags are materialised. */
static void h_flag(struct emu *e, const struct insn *in)
{
	uint64_t f = emu_rflags(e);

	switch (in->op) {
	case OP_CLC:
		f &= ~RFLAGS_CF;
		break;
	case OP_STC:
		f |= RFLAGS_CF;
		break;
	case OP_CMC:
		f ^= RFLAGS_CF;
		break;
	case OP_CLD:
		f &= ~RFLAGS_DF;
		break;
	default:
		f |= RFLAGS_DF;
		break;
	}
	e->st.rflags = f;
}

/* ---- misc -------------------------------------------------------------------- */

/* NOP, PAUSE, PREFETCHh/W, LFENCE, MFENCE, SFENCE: nothing to do (and never fault). */
static void h_nop(struct emu *e, const struct insn *in)
{
	(void)e;
	(void)in;
}

static void h_ud2(struct emu *e, const struct insn *in)
{
	(void)in;
	emu_ud(e);
}

/*
 * CLFLUSH: no cache to flush, but the address must be a valid one (SDM:
 * #GP/#SS for a segment violation); only segmentation is checked, so a flush
 * of an unmapped page does not #PF.
 */
static void h_clflush(struct emu *e, const struct insn *in)
{
	emu_linear(e, in->seg, emu_ea(e, in), 1, false);
}

/* SDM BOUND: #BR unless lower <= G <= upper, signed, both bounds at m. */
static void h_bound(struct emu *e, const struct insn *in)
{
	unsigned sz = in->osz;
	uint64_t ea;
	int64_t idx, lo, hi;

	if (!(in->flags & INSN_F_MEM))
		emu_ud(e);
	ea = emu_ea(e, in);
	lo = (int64_t)sext(emu_read(e, in->seg, ea, sz), sz);
	hi = (int64_t)sext(emu_read(e, in->seg, (ea + sz) & emu_mask(in->asz), sz), sz);
	idx = (int64_t)sext(emu_reg(e, in, in->reg, sz), sz);
	if (idx < lo || idx > hi)
		emu_raise(e, EXC_BR, false, 0);
}

void emu_exec_data_init(emu_handler *t)
{
	t[OP_MOV] = h_mov;
	t[OP_MOVZX_B] = t[OP_MOVZX_W] = t[OP_MOVSX_B] = t[OP_MOVSX_W] = t[OP_MOVSXD] = h_movx;
	t[OP_XCHG] = h_xchg;
	t[OP_XADD] = h_xadd;
	t[OP_CMPXCHG] = h_cmpxchg;
	t[OP_CMPXCHG8B] = t[OP_CMPXCHG16B] = h_cmpxchg8b;
	t[OP_LEA] = h_lea;
	t[OP_BSWAP] = h_bswap;
	t[OP_CBW] = t[OP_CWD] = h_cbw;
	t[OP_XLAT] = h_xlat;
	t[OP_SETCC] = h_setcc;
	t[OP_CMOVCC] = h_cmovcc;
	t[OP_LAHF] = h_lahf;
	t[OP_SAHF] = h_sahf;
	t[OP_CLC] = t[OP_STC] = t[OP_CMC] = t[OP_CLD] = t[OP_STD] = h_flag;
	t[OP_NOP] = t[OP_PAUSE] = t[OP_PREFETCH] = h_nop;
	t[OP_LFENCE] = t[OP_MFENCE] = t[OP_SFENCE] = h_nop;
	t[OP_UD2] = h_ud2;
	t[OP_CLFLUSH] = h_clflush;
	t[OP_BOUND] = h_bound;
}
