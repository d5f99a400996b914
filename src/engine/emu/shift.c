/* SPDX-License-Identifier: MIT */
/*
 * Shifts and rotates: SAL/SAR/SHL/SHR, ROL/ROR/RCL/RCR (SDM Vol. 2 4.3 "SAL/SAR/
 * SHL/SHR" and 4.3 "RCL/RCR/ROL/ROR"), SHLD and SHRD (4.3 "SHLD", "SHRD").
 */
#include "engine/emu/alu_impl.h"

/* SDM: the count is masked to 5 bits, or 6 with REX.W (64-bit operands). */
static unsigned count_mask(unsigned size)
{
	return size == 8 ? 0x3f : 0x1f;
}

/*
 * RCL/RCR rotate w+1 bits (CF included). SDM: tempCOUNT := (COUNT AND 1FH) MOD 9
 * (MOD 17 for 16 bits); 32- and 64-bit masked counts are below w+1 already.
 */
static unsigned rc_count(unsigned size, unsigned c)
{
	return size <= 2 ? c % (alu_width(size) + 1) : c;
}

/* Rotate through carry: {CF, a} as a (w+1)-bit value, 1 <= t <= w. */
static uint64_t rcl(unsigned size, uint64_t a, unsigned cf, unsigned t)
{
	unsigned w = alu_width(size);
	uint64_t r = (a << t) | ((uint64_t)cf << (t - 1));

	if (t > 1)
		r |= a >> (w + 1 - t);
	return r & alu_vmask(size);
}

static uint64_t rcr(unsigned size, uint64_t a, unsigned cf, unsigned t)
{
	unsigned w = alu_width(size);
	uint64_t r = (a >> t) | ((uint64_t)cf << (w - t));

	if (t > 1)
		r |= a << (w + 1 - t);
	return r & alu_vmask(size);
}

static uint64_t rotl(unsigned size, uint64_t a, unsigned t)
{
	unsigned w = alu_width(size);

	return t ? ((a << t) | (a >> (w - t))) & alu_vmask(size) : a;
}

static uint64_t rotr(unsigned size, uint64_t a, unsigned t)
{
	unsigned w = alu_width(size);

	return t ? ((a >> t) | (a << (w - t))) & alu_vmask(size) : a;
}

/* The last bit shifted out of a by SHL/SHR/SAR of c (1 <= c <= 63). */
static unsigned shift_cf(enum alu_op op, unsigned size, uint64_t a, unsigned c)
{
	unsigned w = alu_width(size);

	switch (op) {
	case ALU_SAR:
		return (unsigned)((uint64_t)alu_sext(size, a) >> (c - 1 < 63 ? c - 1 : 63)) & 1;
	case ALU_SHR:
		return c <= w ? (unsigned)(a >> (c - 1)) & 1 : 0;
	default: /* SHL, SAL */
		return c <= w ? (unsigned)(a >> (w - c)) & 1 : 0;
	}
}

/*
 * SHL SHR SAR. Defined (SDM): CF = the last bit shifted out, SF ZF PF of the
 * result, OF for a count of 1 (SHL: MSB(r) ^ CF; SHR: MSB(original); SAR: 0).
 * AMD for the undefined ones: AF = 1; OF for counts > 1 follows the count-1
 * rule of the last 1-bit step (SHL: MSB(r) ^ CF; SHR: MSB of a value already
 * shifted, so 0; SAR: 0); SHL/SHR CF for 8- and 16-bit counts >= the width:
 * as if shifted one bit at a time (bit 0 or bit w-1 for a count equal to the
 * width, 0 beyond).
 */
static uint32_t shift_flags(enum alu_op op, unsigned size, uint64_t a, uint64_t r, unsigned c)
{
	unsigned cf = shift_cf(op, size, a, c), of;

	if (op == ALU_SHR)
		of = c == 1 ? alu_msb(size, a) : 0;
	else if (op == ALU_SAR)
		of = 0;
	else
		of = alu_msb(size, r) ^ cf;
	return alu_szp(size, r) | ALU_AF | cf | (of ? ALU_OF : 0);
}

/*
 * Rotates write CF and OF only. ROL: CF = LSB(r), OF = MSB(r) ^ CF; ROR:
 * CF = MSB(r), OF = MSB(r) ^ MSB-1(r) (SDM, count 1); AMD applies the same
 * formulas to the final result for counts > 1 (SDM: OF undefined). RCL/RCR
 * likewise with the carry out (kept in lf->extra): RCL OF = MSB(r) ^ CF, RCR
 * OF = MSB(r) ^ MSB-1(r), which is the SDM's pre-rotation MSB(DEST) ^ CF for a
 * count of 1.
 */
uint32_t alu_shift_flags(const struct lazy_flags *lf)
{
	unsigned size = lf->size, cf;
	uint64_t r = lf->res;

	switch (lf->op) {
	case ALU_ROL:
	case ALU_RCL:
		cf = lf->op == ALU_ROL ? (unsigned)(r & 1) : (unsigned)(lf->extra & 1);
		return cf | ((alu_msb(size, r) ^ cf) ? ALU_OF : 0);
	case ALU_ROR:
	case ALU_RCR:
		cf = lf->op == ALU_ROR ? alu_msb(size, r) : (unsigned)(lf->extra & 1);
		return cf | ((alu_msb(size, r) ^ alu_msb(size, r << 1)) ? ALU_OF : 0);
	default:
		return shift_flags(lf->op, size, lf->a, r, (unsigned)lf->b);
	}
}

uint64_t alu_shift_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t a,
			uint64_t count, uint32_t fin)
{
	unsigned w = alu_width(size), c = (unsigned)count & count_mask(size), t;
	unsigned cf = fin & ALU_CF;
	uint64_t r;
	uint32_t mask = ALU_STATUS;

	a &= alu_vmask(size);
	switch (op) {
	case ALU_ROL:
		r = rotl(size, a, c % w), mask = ALU_CF | ALU_OF;
		break;
	case ALU_ROR:
		r = rotr(size, a, c % w), mask = ALU_CF | ALU_OF;
		break;
	case ALU_RCL:
		t = rc_count(size, c);
		r = t ? rcl(size, a, cf, t) : a;
		cf = t ? (unsigned)(a >> (w - t)) & 1 : cf; /* the carry out */
		mask = ALU_CF | ALU_OF;
		break;
	case ALU_RCR:
		t = rc_count(size, c);
		r = t ? rcr(size, a, cf, t) : a;
		cf = t ? (unsigned)(a >> (t - 1)) & 1 : cf;
		mask = ALU_CF | ALU_OF;
		break;
	case ALU_SHR:
		r = c < 64 ? a >> c : 0;
		break;
	case ALU_SAR:
		r = (uint64_t)(alu_sext(size, a) >> (c < 63 ? c : 63));
		break;
	default: /* SHL, SAL */
		r = c < 64 ? a << c : 0;
		break;
	}
	r &= alu_vmask(size);
	/* SDM: "If the count is 0, the flags are not affected." */
	alu_record(lf, op, size, a, c, r, c ? mask : 0);
	lf->extra = (uint16_t)cf;
	return r;
}

uint64_t alu_shift(enum alu_op op, unsigned size, uint64_t a, uint64_t count, uint64_t *rflags)
{
	struct lazy_flags lf;
	uint64_t r = alu_shift_lazy(&lf, op, size, a, count, (uint32_t)*rflags);

	*rflags = alu_flags_apply(&lf, *rflags);
	return r;
}

/*
 * SHLD: dst shifted left by c, filled from the top of src; SHRD: right, filled
 * from the bottom (SDM "SHLD", "SHRD"). With 16-bit operands the masked count
 * can exceed 16 (result undefined): AMD then rotates src by c - 16.
 */
static uint64_t shd_result(enum alu_op op, unsigned size, uint64_t d, uint64_t s, unsigned c)
{
	unsigned w = alu_width(size);

	if (c > w)
		return op == ALU_SHLD ? rotl(size, s, c - w) : rotr(size, s, c - w);
	if (op == ALU_SHLD)
		return ((d << c) | (s >> (w - c))) & alu_vmask(size);
	return ((d >> c) | (s << (w - c))) & alu_vmask(size);
}

/*
 * CF is the last bit shifted out of dst, SF ZF PF from the result; OF for a
 * count of 1 is set on a sign change, which is MSB(r) ^ CF for SHLD and
 * MSB(r) ^ MSB-1(r) for SHRD: AMD keeps these formulas for larger counts (SDM:
 * OF undefined) and sets AF. 16-bit SHLD by 16 gives OF = CF; past 16 bits
 * (undefined) AMD gives CF = 0 and, for SHLD, OF = 0.
 */
uint32_t alu_shd_flags(const struct lazy_flags *lf)
{
	unsigned size = lf->size, w = alu_width(size), c = (unsigned)lf->c, cf = 0, of;
	uint64_t d = lf->a, r = lf->res;

	if (lf->op == ALU_SHLD) {
		if (c <= w)
			cf = (unsigned)(d >> (w - c)) & 1;
		of = c < w ? alu_msb(size, r) ^ cf : cf;
	} else {
		if (c <= w)
			cf = (unsigned)(d >> (c - 1)) & 1;
		of = alu_msb(size, r) ^ alu_msb(size, r << 1);
	}
	return alu_szp(size, r) | ALU_AF | cf | (of ? ALU_OF : 0);
}

uint64_t alu_shd_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t dst,
		      uint64_t src, uint64_t count)
{
	unsigned c = (unsigned)count & count_mask(size);
	uint64_t r;

	dst &= alu_vmask(size);
	src &= alu_vmask(size);
	r = c ? shd_result(op, size, dst, src, c) : dst;
	/* SDM: "If the count operand is 0, the flags are not affected." */
	alu_record(lf, op, size, dst, src, r, c ? ALU_STATUS : 0);
	lf->c = c;
	return r;
}

uint64_t alu_shd(enum alu_op op, unsigned size, uint64_t dst, uint64_t src, uint64_t count,
		 uint64_t *rflags)
{
	struct lazy_flags lf;
	uint64_t r = alu_shd_lazy(&lf, op, size, dst, src, count);

	*rflags = alu_flags_apply(&lf, *rflags);
	return r;
}
