/* SPDX-License-Identifier: MIT */
/*
 * ADD OR ADC SBB AND SUB XOR CMP TEST NEG NOT INC DEC (SDM Vol. 2 chapter 3 and
 * 4, each instruction's "Operation" and "Flags Affected"), and the lazy-flags
 * dispatch shared by every family (alu.h).
 */
#include "engine/emu/alu_impl.h"

static uint32_t no_flags(const struct lazy_flags *lf)
{
	(void)lf;
	return 0;
}

/* Who computes the flags of each operation's record. */
static uint32_t (*const flag_fn[ALU_OP_COUNT])(const struct lazy_flags *) = {
	[ALU_ADD] = alu_arith_flags,  [ALU_OR] = alu_arith_flags,  [ALU_ADC] = alu_arith_flags,
	[ALU_SBB] = alu_arith_flags,  [ALU_AND] = alu_arith_flags, [ALU_SUB] = alu_arith_flags,
	[ALU_XOR] = alu_arith_flags,  [ALU_CMP] = alu_arith_flags, [ALU_TEST] = alu_arith_flags,
	[ALU_NEG] = alu_arith_flags,  [ALU_NOT] = no_flags,	   [ALU_INC] = alu_arith_flags,
	[ALU_DEC] = alu_arith_flags,  [ALU_ROL] = alu_shift_flags, [ALU_ROR] = alu_shift_flags,
	[ALU_RCL] = alu_shift_flags,  [ALU_RCR] = alu_shift_flags, [ALU_SHL] = alu_shift_flags,
	[ALU_SHR] = alu_shift_flags,  [ALU_SAL] = alu_shift_flags, [ALU_SAR] = alu_shift_flags,
	[ALU_SHLD] = alu_shd_flags,   [ALU_SHRD] = alu_shd_flags,  [ALU_MUL] = alu_mul_flags,
	[ALU_IMUL1] = alu_mul_flags,  [ALU_IMUL] = alu_mul_flags,  [ALU_DIV] = alu_div_flags,
	[ALU_IDIV] = alu_div_flags,   [ALU_BT] = alu_bit_flags,	   [ALU_BTS] = alu_bit_flags,
	[ALU_BTR] = alu_bit_flags,    [ALU_BTC] = alu_bit_flags,   [ALU_BSF] = alu_bit_flags,
	[ALU_BSR] = alu_bit_flags,    [ALU_TZCNT] = alu_bit_flags, [ALU_LZCNT] = alu_bit_flags,
	[ALU_POPCNT] = alu_bit_flags, [ALU_DAA] = alu_bcd_flags,   [ALU_DAS] = alu_bcd_flags,
	[ALU_AAA] = alu_bcd_flags,    [ALU_AAS] = alu_bcd_flags,   [ALU_AAM] = alu_bcd_flags,
	[ALU_AAD] = alu_bcd_flags,
};

uint32_t alu_flags(const struct lazy_flags *lf)
{
	if (lf->mask == 0)
		return 0;
	return flag_fn[lf->op](lf) & lf->mask;
}

uint64_t alu_flags_apply(const struct lazy_flags *lf, uint64_t rflags)
{
	return (rflags & ~(uint64_t)lf->mask) | alu_flags(lf);
}

/*
 * Carry and overflow out of the top bit. For a + b (+ carry) with result r the
 * carry into bit i is a^b^r, so the carry out is (a & b) | ((a ^ b) & ~r); for
 * a - b (- borrow) the borrow out is (~a & b) | (~(a ^ b) & r). Signed overflow:
 * both addends share a sign that r lacks; for a - b, a and b differ in sign
 * and r's sign differs from a's. AF is the carry (borrow) into bit 4.
 */
static uint32_t add_flags(unsigned size, uint64_t a, uint64_t b, uint64_t r)
{
	uint32_t f = alu_szp(size, r) | ((a ^ b ^ r) & ALU_AF);

	if (alu_msb(size, (a & b) | ((a ^ b) & ~r)))
		f |= ALU_CF;
	if (alu_msb(size, (a ^ r) & (b ^ r)))
		f |= ALU_OF;
	return f;
}

static uint32_t sub_flags(unsigned size, uint64_t a, uint64_t b, uint64_t r)
{
	uint32_t f = alu_szp(size, r) | ((a ^ b ^ r) & ALU_AF);

	if (alu_msb(size, (~a & b) | (~(a ^ b) & r)))
		f |= ALU_CF;
	if (alu_msb(size, (a ^ b) & (a ^ r)))
		f |= ALU_OF;
	return f;
}

uint32_t alu_arith_flags(const struct lazy_flags *lf)
{
	switch (lf->op) {
	case ALU_ADD:
	case ALU_ADC:
	case ALU_INC:
		return add_flags(lf->size, lf->a, lf->b, lf->res);
	case ALU_SUB:
	case ALU_SBB:
	case ALU_CMP:
	case ALU_NEG:
	case ALU_DEC:
		return sub_flags(lf->size, lf->a, lf->b, lf->res);
	default:
		/* AND OR XOR TEST: CF = OF = 0; AF undefined, AMD clears it. */
		return alu_szp(lf->size, lf->res);
	}
}

uint64_t alu_binop_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t a,
			uint64_t b, uint32_t fin)
{
	uint64_t m = alu_vmask(size), cf = fin & ALU_CF, r;
	uint32_t mask = ALU_STATUS;

	a &= m;
	b &= m;
	switch (op) {
	case ALU_ADD:
		r = a + b;
		break;
	case ALU_ADC:
		r = a + b + cf;
		break;
	case ALU_SUB:
	case ALU_CMP:
		r = a - b;
		break;
	case ALU_SBB:
		r = a - b - cf;
		break;
	case ALU_AND:
	case ALU_TEST:
		r = a & b;
		break;
	case ALU_OR:
		r = a | b;
		break;
	case ALU_XOR:
		r = a ^ b;
		break;
	/* NEG is 0 - a (SDM: CF = 0 exactly when the source is 0). */
	case ALU_NEG:
		b = a, a = 0, r = 0 - b;
		break;
	case ALU_NOT:
		r = ~a, mask = 0;
		break;
	/* INC and DEC preserve CF (SDM "Flags Affected"). */
	case ALU_INC:
		b = 1, r = a + 1, mask &= ~ALU_CF;
		break;
	case ALU_DEC:
		b = 1, r = a - 1, mask &= ~ALU_CF;
		break;
	default:
		r = a, mask = 0;
		break;
	}
	r &= m;
	alu_record(lf, op, size, a, b, r, mask);
	if (op == ALU_CMP || op == ALU_TEST)
		return a;
	return r;
}

uint64_t alu_binop(enum alu_op op, unsigned size, uint64_t a, uint64_t b, uint64_t *rflags)
{
	struct lazy_flags lf;
	uint64_t r = alu_binop_lazy(&lf, op, size, a, b, (uint32_t)*rflags);

	*rflags = alu_flags_apply(&lf, *rflags);
	return r;
}

/*
 * The SDM-undefined flags of each operation ("Flags Affected"), where they do
 * not depend on the inputs; shifts and BSF/BSR are refined below.
 */
#define UNDEF_SZAP (ALU_SF | ALU_ZF | ALU_AF | ALU_PF)
static const uint32_t undef_flags[ALU_OP_COUNT] = {
	[ALU_AND] = ALU_AF,
	[ALU_OR] = ALU_AF,
	[ALU_XOR] = ALU_AF,
	[ALU_TEST] = ALU_AF,
	[ALU_MUL] = UNDEF_SZAP,
	[ALU_IMUL1] = UNDEF_SZAP,
	[ALU_IMUL] = UNDEF_SZAP,
	[ALU_DIV] = ALU_STATUS,
	[ALU_IDIV] = ALU_STATUS,
	[ALU_BT] = ALU_OF | ALU_SF | ALU_AF | ALU_PF,
	[ALU_BTS] = ALU_OF | ALU_SF | ALU_AF | ALU_PF,
	[ALU_BTR] = ALU_OF | ALU_SF | ALU_AF | ALU_PF,
	[ALU_BTC] = ALU_OF | ALU_SF | ALU_AF | ALU_PF,
	[ALU_BSF] = ALU_CF | ALU_OF | ALU_SF | ALU_AF | ALU_PF,
	[ALU_BSR] = ALU_CF | ALU_OF | ALU_SF | ALU_AF | ALU_PF,
	[ALU_TZCNT] = ALU_OF | ALU_SF | ALU_AF | ALU_PF,
	[ALU_LZCNT] = ALU_OF | ALU_SF | ALU_AF | ALU_PF,
	[ALU_DAA] = ALU_OF,
	[ALU_DAS] = ALU_OF,
	[ALU_AAA] = ALU_OF | ALU_SF | ALU_ZF | ALU_PF,
	[ALU_AAS] = ALU_OF | ALU_SF | ALU_ZF | ALU_PF,
	[ALU_AAM] = ALU_OF | ALU_AF | ALU_CF,
	[ALU_AAD] = ALU_OF | ALU_AF | ALU_CF,
};

/* Shifts and rotates (SDM "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD"). */
static uint32_t shift_undefined(enum alu_op op, unsigned size, uint64_t count)
{
	unsigned w = alu_width(size), c = (unsigned)count & (size == 8 ? 0x3f : 0x1f);
	uint32_t u = c > 1 ? ALU_OF : 0; /* OF is defined for a count of 1 only */

	if (c == 0)
		return 0; /* "If the count is 0, the flags are not affected." */
	if (op >= ALU_ROL && op <= ALU_RCR)
		return u; /* "The SF, ZF, AF, and PF flags are always unaffected." */
	if ((op == ALU_SHLD || op == ALU_SHRD) && c > w)
		return ALU_STATUS | ALU_UNDEF_RESULT; /* count > operand size (16-bit) */
	/* "CF ... is undefined for SHL and SHR ... where the count is >= the size" */
	if ((op == ALU_SHL || op == ALU_SAL || op == ALU_SHR) && c >= w)
		u |= ALU_CF;
	return u | ALU_AF; /* "For a non-zero count, the AF flag is undefined." */
}

uint32_t alu_undefined_flags(enum alu_op op, unsigned size, uint64_t a, uint64_t b, uint64_t c)
{
	(void)a;
	if (op >= ALU_ROL && op <= ALU_SAR)
		return shift_undefined(op, size, b);
	if (op == ALU_SHLD || op == ALU_SHRD)
		return shift_undefined(op, size, c);
	if ((op == ALU_BSF || op == ALU_BSR) && (b & alu_vmask(size)) == 0)
		return undef_flags[op] | ALU_UNDEF_RESULT; /* the destination, too */
	return (unsigned)op < ALU_OP_COUNT ? undef_flags[op] : 0;
}
