/* SPDX-License-Identifier: MIT */
/*
 * Integer arithmetic and logic: ADD..CMP, TEST, NOT, NEG, INC, DEC, MUL, IMUL,
 * DIV, IDIV, the shifts and rotates, SHLD/SHRD, BT*, BSF/BSR/TZCNT/LZCNT/
 * POPCNT and the BCD adjustments; the condition codes (emu_cond). The values
 * and flags come from alu.h; this file moves operands in and out.
 *
 * Flags are recorded in a local struct lazy_flags and committed to e->lf only
 * after the destination is written, so a write that faults (a read-only page
 * under a read-modify-write operand) leaves RFLAGS as it was. A record whose
 * mask is not all six status flags keeps the others, so the previous record
 * is materialised first (emu_flags_prepare).
 */
#include "exec_int.h"

/*
 * A condition straight from the pending record of the common flag producers,
 * without materialising RFLAGS: ZF and SF from the result, CF and OF by the
 * same rules alu.c applies. Returns -1 when the record is another kind, or the
 * condition needs PF.
 */
static int cond_lazy(const struct emu *e, unsigned cc)
{
	const struct lazy_flags *lf = &e->lf;
	unsigned msb = lf->size * 8 - 1;
	bool cf, of, zf, sf, r;

	switch (lf->op) {
	case ALU_SUB:
	case ALU_CMP:
		cf = lf->a < lf->b;
		of = (((lf->a ^ lf->b) & (lf->a ^ lf->res)) >> msb) & 1;
		break;
	case ALU_ADD:
		cf = lf->res < lf->a;
		of = (((lf->a ^ lf->res) & (lf->b ^ lf->res)) >> msb) & 1;
		break;
	case ALU_AND:
	case ALU_OR:
	case ALU_XOR:
	case ALU_TEST:
		cf = of = false;
		break;
	case ALU_INC:
	case ALU_DEC:
		/* CF is the materialised one (INC and DEC keep it). */
		cf = e->st.rflags & RFLAGS_CF;
		of = lf->res == (lf->op == ALU_INC ? 1ull << msb : (1ull << msb) - 1);
		break;
	default:
		return -1;
	}
	zf = lf->res == 0;
	sf = (lf->res >> msb) & 1;
	switch (cc >> 1) {
	case 0:
		r = of;
		break;
	case 1:
		r = cf;
		break;
	case 2:
		r = zf;
		break;
	case 3:
		r = cf || zf;
		break;
	case 4:
		r = sf;
		break;
	case 5:
		return -1;
	case 6:
		r = sf != of;
		break;
	default:
		r = zf || sf != of;
		break;
	}
	return r ^ (cc & 1);
}

bool emu_cond(struct emu *e, unsigned cc)
{
	if (e->lf.mask) {
		int r = cond_lazy(e, cc);

		if (r >= 0)
			return r;
	}
	uint64_t f = emu_rflags(e);
	bool sf = f & RFLAGS_SF, of = f & RFLAGS_OF, zf = f & RFLAGS_ZF;
	bool r;

	/* SDM Vol. 1 Appendix B, Table B-1: cc bit 0 negates the condition. */
	switch (cc >> 1) {
	case 0: /* O */
		r = of;
		break;
	case 1: /* B/C */
		r = f & RFLAGS_CF;
		break;
	case 2: /* E/Z */
		r = zf;
		break;
	case 3: /* BE */
		r = (f & RFLAGS_CF) || zf;
		break;
	case 4: /* S */
		r = sf;
		break;
	case 5: /* P */
		r = f & RFLAGS_PF;
		break;
	case 6: /* L */
		r = sf != of;
		break;
	default: /* LE */
		r = zf || sf != of;
		break;
	}
	return r != (cc & 1);
}

/* Write E, then take the flags: a faulting write changes nothing. */
static void put_e(struct emu *e, const struct insn *in, uint64_t v, const struct lazy_flags *lf)
{
	emu_write_e(e, in, in->osz, v);
	if (lf != &e->lf)
		e->lf = *lf;
}

/*
 * Where an op builds its flags record: in place when E is a register (the
 * write cannot fault), else in *local until the write is done. In place also
 * spares a copy the CPU cannot forward from its store buffer.
 */
static inline struct lazy_flags *lf_for(struct emu *e, const struct insn *in,
					struct lazy_flags *local)
{
	return (in->flags & INSN_F_MEM) ? local : &e->lf;
}

/* ---- ADD OR ADC SBB AND SUB XOR CMP TEST ------------------------------------ */

/* Group 1 order: OP_ADD..OP_CMP are ALU_ADD..ALU_CMP; TEST is ALU_TEST. */
static enum alu_op binop_alu(unsigned op)
{
	return op == OP_TEST ? ALU_TEST : (enum alu_op)(ALU_ADD + (op - OP_ADD));
}

static void h_binop(struct emu *e, const struct insn *in)
{
	enum alu_op op = binop_alu(in->op);
	unsigned sz = in->osz;
	uint32_t fin = op == ALU_ADC || op == ALU_SBB ? emu_status(e) : 0;
	struct lazy_flags lf;
	uint64_t a, b, r;

	if (in->form == INSN_FORM_GE) {
		a = emu_reg(e, in, in->reg, sz);
		b = emu_read_e(e, in, sz);
	} else {
		a = emu_read_e(e, in, sz);
		b = in->form == INSN_FORM_EI ? emu_imm(in) : emu_reg(e, in, in->reg, sz);
	}
	if (op == ALU_CMP || op == ALU_TEST) {
		alu_binop_lazy(&e->lf, op, sz, a, b, fin);
		return;
	}
	if (in->form == INSN_FORM_GE) {
		r = alu_binop_lazy(&e->lf, op, sz, a, b, fin);
		emu_set_reg(e, in, in->reg, sz, r);
		return;
	}
	struct lazy_flags *f = lf_for(e, in, &lf);

	r = alu_binop_lazy(f, op, sz, a, b, fin);
	put_e(e, in, r, f);
}

/* ---- NOT NEG INC DEC ------------------------------------------------------- */

static void h_not(struct emu *e, const struct insn *in)
{
	/* SDM NOT: no flags are affected. */
	emu_write_e(e, in, in->osz, ~emu_read_e(e, in, in->osz));
}

static void h_unary(struct emu *e, const struct insn *in)
{
	enum alu_op op = in->op == OP_NEG ? ALU_NEG : in->op == OP_INC ? ALU_INC : ALU_DEC;
	struct lazy_flags lf;
	uint64_t r;

	r = emu_read_e(e, in, in->osz);
	if (op != ALU_NEG)
		emu_flags_prepare(e); /* INC and DEC keep CF */
	r = alu_binop_lazy(lf_for(e, in, &lf), op, in->osz, r, 0, 0);
	put_e(e, in, r, lf_for(e, in, &lf));
}

/* ---- MUL IMUL DIV IDIV ------------------------------------------------------ */

/* MUL and one-operand IMUL: rDX:rAX (AX for bytes) := rAX * E (SDM MUL, IMUL). */
static void h_mul1(struct emu *e, const struct insn *in)
{
	enum alu_op op = in->op == OP_MUL ? ALU_MUL : ALU_IMUL1;
	unsigned sz = in->osz;
	uint64_t b = emu_read_e(e, in, sz), lo, hi;

	emu_flags_prepare(e);
	lo = alu_mul_lazy(&e->lf, op, sz, e->st.gpr[GPR_RAX], b, &hi);
	if (sz == 1) {
		emu_set_reg(e, in, GPR_RAX, 2, hi << 8 | lo);
		return;
	}
	emu_set_reg(e, in, GPR_RAX, sz, lo);
	emu_set_reg(e, in, GPR_RDX, sz, hi);
}

/* IMUL Gv,Ev and IMUL Gv,Ev,imm: the truncated product into G. */
static void h_imul(struct emu *e, const struct insn *in)
{
	unsigned sz = in->osz;
	uint64_t a = emu_read_e(e, in, sz);
	uint64_t b = in->form == INSN_FORM_GEI ? emu_imm(in) : emu_reg(e, in, in->reg, sz);
	uint64_t r;

	emu_flags_prepare(e);
	r = alu_mul_lazy(&e->lf, ALU_IMUL, sz, a, b, NULL);
	emu_set_reg(e, in, in->reg, sz, r);
}

/* DIV and IDIV: rAX := quotient, rDX := remainder (AL and AH for bytes); #DE. */
static void h_div(struct emu *e, const struct insn *in)
{
	enum alu_op op = in->op == OP_DIV ? ALU_DIV : ALU_IDIV;
	unsigned sz = in->osz;
	uint64_t d = emu_read_e(e, in, sz), hi, lo, q, r;
	struct lazy_flags lf;

	if (sz == 1) {
		hi = emu_reg(e, in, 4, 1); /* AH */
		lo = emu_reg(e, in, GPR_RAX, 1);
	} else {
		hi = emu_reg(e, in, GPR_RDX, sz);
		lo = emu_reg(e, in, GPR_RAX, sz);
	}
	if (alu_div_lazy(&lf, op, sz, hi, lo, d, &q, &r) != ALU_OK)
		emu_raise(e, EXC_DE, false, 0); /* SDM DIV: #DE, nothing written */
	emu_flags_prepare(e);
	e->lf = lf;
	if (sz == 1) {
		emu_set_reg(e, in, GPR_RAX, 2, r << 8 | (q & 0xff));
		return;
	}
	emu_set_reg(e, in, GPR_RAX, sz, q);
	emu_set_reg(e, in, GPR_RDX, sz, r);
}

/* ---- shifts and rotates ---------------------------------------------------- */

static enum alu_op shift_alu(unsigned op)
{
	static const uint8_t map[] = {
		[OP_ROL - OP_ROL] = ALU_ROL, [OP_ROR - OP_ROL] = ALU_ROR,
		[OP_RCL - OP_ROL] = ALU_RCL, [OP_RCR - OP_ROL] = ALU_RCR,
		[OP_SHL - OP_ROL] = ALU_SHL, [OP_SHR - OP_ROL] = ALU_SHR,
		[OP_SAR - OP_ROL] = ALU_SAR,
	};

	return (enum alu_op)map[op - OP_ROL];
}

/*
 * Group 2 by imm8, 1 or CL. The destination is written even for a count of 0
 * (which writes no flag): a 32-bit register still has its upper half cleared.
 */
static void h_shift(struct emu *e, const struct insn *in)
{
	enum alu_op op = shift_alu(in->op);
	uint64_t count = in->form == INSN_FORM_EC ? e->st.gpr[GPR_RCX] & 0xff : in->imm;
	uint64_t a = emu_read_e(e, in, in->osz), r;
	struct lazy_flags lf;

	emu_flags_prepare(e);
	r = alu_shift_lazy(lf_for(e, in, &lf), op, in->osz, a, count, emu_status(e));
	put_e(e, in, r, lf_for(e, in, &lf));
}

/* SHLD/SHRD E, G, imm8 or CL. */
static void h_shd(struct emu *e, const struct insn *in)
{
	enum alu_op op = in->op == OP_SHLD ? ALU_SHLD : ALU_SHRD;
	uint64_t count = in->form == INSN_FORM_EGC ? e->st.gpr[GPR_RCX] & 0xff : in->imm;
	uint64_t a = emu_read_e(e, in, in->osz), r;
	struct lazy_flags lf;

	emu_flags_prepare(e);
	r = alu_shd_lazy(&lf, op, in->osz, a, emu_reg(e, in, in->reg, in->osz), count);
	put_e(e, in, r, &lf);
}

/* ---- BT BTS BTR BTC ---------------------------------------------------------- */

static unsigned log2_bits(unsigned sz)
{
	return sz == 2 ? 4 : sz == 4 ? 5 : 6;
}

/*
 * BT* with a register offset on memory: the offset is signed and may select a
 * bit anywhere from the address (SDM BT, "bit base"): the operand read is the
 * osz-sized unit holding the bit. An immediate offset is taken modulo the
 * operand width; so is any offset on a register.
 */
static void h_bt(struct emu *e, const struct insn *in)
{
	static const uint8_t map[] = {[OP_BT - OP_BT] = ALU_BT,
				      [OP_BTS - OP_BT] = ALU_BTS,
				      [OP_BTR - OP_BT] = ALU_BTR,
				      [OP_BTC - OP_BT] = ALU_BTC};
	enum alu_op op = (enum alu_op)map[in->op - OP_BT];
	unsigned sz = in->osz, lg = log2_bits(sz);
	uint64_t off = in->form == INSN_FORM_EI ? in->imm : emu_reg(e, in, in->reg, sz);
	uint64_t addr = 0, a, r;
	struct lazy_flags lf;

	if (in->flags & INSN_F_MEM) {
		addr = emu_ea(e, in);
		if (in->form != INSN_FORM_EI) {
			int64_t soff = (int64_t)(off << (64 - 8 * sz)) >> (64 - 8 * sz);

			addr = (addr + (uint64_t)((soff >> lg) * (int64_t)sz)) & emu_mask(in->asz);
		}
		a = emu_read(e, in->seg, addr, sz);
	} else {
		a = emu_reg(e, in, in->rm, sz);
	}
	off &= (1u << lg) - 1;
	emu_flags_prepare(e);
	r = alu_bt_lazy(&lf, op, sz, a, off);
	if (op != ALU_BT) {
		if (in->flags & INSN_F_MEM)
			emu_write(e, in->seg, addr, sz, r);
		else
			emu_set_reg(e, in, in->rm, sz, r);
	}
	e->lf = lf;
}

/* ---- BSF BSR TZCNT LZCNT POPCNT ---------------------------------------------- */

/*
 * TZCNT and LZCNT are F3-prefixed BSF and BSR: a CPU without BMI1 (CPUID
 * 7.0:EBX[3]) or LZCNT (ABM, 80000001H:ECX[5]) runs them as BSF and BSR (SDM
 * TZCNT, LZCNT). POPCNT needs CPUID 1:ECX[23], else #UD.
 */
static enum alu_op scan_alu(struct emu *e, unsigned op)
{
	switch (op) {
	case OP_BSF:
		return ALU_BSF;
	case OP_BSR:
		return ALU_BSR;
	case OP_TZCNT:
		return emu_cpuid_bit(e, 7, 0, CPUID_EBX, 3) ? ALU_TZCNT : ALU_BSF;
	case OP_LZCNT:
		return emu_cpuid_bit(e, 0x80000001, 0, CPUID_ECX, 5) ? ALU_LZCNT : ALU_BSR;
	default:
		if (!emu_cpuid_bit(e, 1, 0, CPUID_ECX, 23))
			emu_ud(e);
		return ALU_POPCNT;
	}
}

static void h_scan(struct emu *e, const struct insn *in)
{
	enum alu_op op = scan_alu(e, in->op);
	unsigned sz = in->osz;
	uint64_t src = emu_read_e(e, in, sz), d = emu_reg(e, in, in->reg, sz);

	emu_flags_prepare(e);
	/* BSF/BSR of 0 leave the destination as it was, upper half included. */
	if (alu_bitscan_lazy(&e->lf, op, sz, src, &d))
		emu_set_reg(e, in, in->reg, sz, d);
}

/* ---- DAA DAS AAA AAS AAM AAD ---------------------------------------------- */

static void h_bcd(struct emu *e, const struct insn *in)
{
	static const uint8_t map[] = {[OP_DAA - OP_DAA] = ALU_DAA, [OP_DAS - OP_DAA] = ALU_DAS,
				      [OP_AAA - OP_DAA] = ALU_AAA, [OP_AAS - OP_DAA] = ALU_AAS,
				      [OP_AAM - OP_DAA] = ALU_AAM, [OP_AAD - OP_DAA] = ALU_AAD};
	enum alu_op op = (enum alu_op)map[in->op - OP_DAA];
	uint16_t ax = (uint16_t)e->st.gpr[GPR_RAX], out;
	uint32_t fin = emu_status(e); /* materialises: the records are partial */
	struct lazy_flags lf;

	if (alu_bcd_lazy(&lf, op, ax, (uint8_t)in->imm, fin, &out) != ALU_OK)
		emu_raise(e, EXC_DE, false, 0); /* SDM AAM: imm8 = 0 is #DE */
	e->lf = lf;
	emu_set_reg(e, in, GPR_RAX, 2, out);
}

void emu_exec_int_init(emu_handler *t)
{
	static const uint16_t binops[] = {OP_ADD, OP_OR,  OP_ADC, OP_SBB, OP_AND,
					  OP_SUB, OP_XOR, OP_CMP, OP_TEST};
	static const uint16_t shifts[] = {OP_ROL, OP_ROR, OP_RCL, OP_RCR, OP_SHL, OP_SHR, OP_SAR};
	static const uint16_t scans[] = {OP_BSF, OP_BSR, OP_TZCNT, OP_LZCNT, OP_POPCNT};
	static const uint16_t bcd[] = {OP_DAA, OP_DAS, OP_AAA, OP_AAS, OP_AAM, OP_AAD};

	for (unsigned i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
		t[binops[i]] = h_binop;
	for (unsigned i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++)
		t[shifts[i]] = h_shift;
	for (unsigned i = 0; i < sizeof(scans) / sizeof(scans[0]); i++)
		t[scans[i]] = h_scan;
	for (unsigned i = 0; i < sizeof(bcd) / sizeof(bcd[0]); i++)
		t[bcd[i]] = h_bcd;
	t[OP_NOT] = h_not;
	t[OP_NEG] = t[OP_INC] = t[OP_DEC] = h_unary;
	t[OP_MUL] = t[OP_IMUL1] = h_mul1;
	t[OP_IMUL] = h_imul;
	t[OP_DIV] = t[OP_IDIV] = h_div;
	t[OP_SHLD] = t[OP_SHRD] = h_shd;
	t[OP_BT] = t[OP_BTS] = t[OP_BTR] = t[OP_BTC] = h_bt;
	emu_exec_data_init(t);
	emu_exec_flow_init(t);
	emu_exec_str_init(t);
}
