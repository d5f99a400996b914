/* SPDX-License-Identifier: MIT */
/* MUL, IMUL (one, two and three operands), DIV and IDIV (SDM Vol. 2 3.3 and 4.3). */
#include "engine/emu/alu_impl.h"

typedef unsigned __int128 u128;

/* The 2w-bit product of two w-bit operands, unsigned or signed. */
static u128 product(enum alu_op op, unsigned size, uint64_t a, uint64_t b)
{
	if (op == ALU_MUL)
		return (u128)(a & alu_vmask(size)) * (b & alu_vmask(size));
	return (u128)((__int128)alu_sext(size, a) * alu_sext(size, b));
}

uint32_t alu_mul_flags(const struct lazy_flags *lf)
{
	unsigned size = lf->size;
	uint64_t lo = lf->res, hi = lf->c;
	bool wide;

	/* SDM: CF = OF = 0 when the upper half is zero (MUL) or the sign-extension of the lower. */
	if (lf->op == ALU_MUL)
		wide = hi != 0;
	else
		wide = hi != (alu_msb(size, lo) ? alu_vmask(size) : 0);
	return wide ? ALU_CF | ALU_OF : 0;
}

uint64_t alu_mul_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t a, uint64_t b,
		      uint64_t *hi)
{
	u128 p = product(op, size, a, b);
	unsigned w = alu_width(size);
	uint64_t lo = (uint64_t)p & alu_vmask(size);
	uint64_t h = (uint64_t)(p >> w) & alu_vmask(size);

	/* SF ZF AF PF are undefined (SDM); AMD leaves them unchanged. */
	alu_record(lf, op, size, a & alu_vmask(size), b & alu_vmask(size), lo, ALU_CF | ALU_OF);
	lf->c = h;
	if (hi)
		*hi = h;
	return lo;
}

uint64_t alu_mul(enum alu_op op, unsigned size, uint64_t a, uint64_t b, uint64_t *hi,
		 uint64_t *rflags)
{
	struct lazy_flags lf;
	uint64_t lo = alu_mul_lazy(&lf, op, size, a, b, hi);

	*rflags = alu_flags_apply(&lf, *rflags);
	return lo;
}

/* DIV/IDIV flags are all undefined (SDM); AMD keeps CF and OF, sets AF, clears SF ZF PF. */
uint32_t alu_div_flags(const struct lazy_flags *lf)
{
	(void)lf;
	return ALU_AF;
}

/*
 * SDM DIV/IDIV "Operation": #DE if the divisor is 0 or the quotient is too large
 * for the destination. IDIV truncates toward zero and the remainder takes the
 * dividend's sign; done on magnitudes so that no C division can overflow.
 */
static enum alu_status divide(enum alu_op op, unsigned size, u128 n, uint64_t d, uint64_t *q,
			      uint64_t *r)
{
	unsigned w = alu_width(size);
	bool nneg = false, dneg = false;
	u128 qq, lim;

	if (op == ALU_IDIV) {
		nneg = (n >> (2 * w - 1)) & 1;
		dneg = alu_msb(size, d);
		if (nneg) /* |n| as a 2w-bit value */
			n = (w == 64 ? 0 : ((u128)1 << (2 * w))) - n;
		if (dneg)
			d = (0 - d) & alu_vmask(size);
	}
	if (w < 64)
		n &= ((u128)1 << (2 * w)) - 1;
	if (d == 0)
		return ALU_DE;
	qq = n / d;
	lim = op == ALU_DIV ? alu_vmask(size) : alu_sign(size) - (nneg == dneg);
	if (qq > lim)
		return ALU_DE;
	*q = (uint64_t)(nneg != dneg ? 0 - qq : qq) & alu_vmask(size);
	*r = (uint64_t)(nneg ? 0 - n % d : n % d) & alu_vmask(size);
	return ALU_OK;
}

enum alu_status alu_div_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t hi,
			     uint64_t lo, uint64_t d, uint64_t *quot, uint64_t *rem)
{
	unsigned w = alu_width(size);
	uint64_t m = alu_vmask(size), q = 0, r = 0;
	u128 n = ((u128)(hi & m) << w) | (lo & m);

	if (divide(op, size, n, d & m, &q, &r) != ALU_OK)
		return ALU_DE;
	alu_record(lf, op, size, lo & m, d & m, q, ALU_SF | ALU_ZF | ALU_AF | ALU_PF);
	lf->c = hi & m;
	*quot = q;
	*rem = r;
	return ALU_OK;
}

enum alu_status alu_div(enum alu_op op, unsigned size, uint64_t hi, uint64_t lo, uint64_t d,
			uint64_t *quot, uint64_t *rem, uint64_t *rflags)
{
	struct lazy_flags lf;

	if (alu_div_lazy(&lf, op, size, hi, lo, d, quot, rem) != ALU_OK)
		return ALU_DE;
	*rflags = alu_flags_apply(&lf, *rflags);
	return ALU_OK;
}
