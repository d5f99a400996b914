/* SPDX-License-Identifier: MIT */
/* Internal helpers shared by the emu engine's arithmetic files (alu.h). */
#ifndef VX86_EMU_ALU_IMPL_H
#define VX86_EMU_ALU_IMPL_H

#include "engine/emu/alu.h"

/* The operand width in bits, its value mask and its sign bit. */
static inline unsigned alu_width(unsigned size)
{
	return size * 8;
}

static inline uint64_t alu_vmask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static inline uint64_t alu_sign(unsigned size)
{
	return 1ull << (size * 8 - 1);
}

static inline unsigned alu_msb(unsigned size, uint64_t v)
{
	return (v & alu_sign(size)) != 0;
}

/* v sign-extended from `size` bytes to 64 bits. */
static inline int64_t alu_sext(unsigned size, uint64_t v)
{
	uint64_t s = alu_sign(size);

	return (int64_t)(((v & alu_vmask(size)) ^ s) - s);
}

/* ZF, SF and PF of a result (SDM Vol. 1 3.4.3.1: PF is the even parity of its low byte). */
static inline uint32_t alu_szp(unsigned size, uint64_t res)
{
	uint32_t f = 0;

	res &= alu_vmask(size);
	if (res == 0)
		f |= ALU_ZF;
	if (res & alu_sign(size))
		f |= ALU_SF;
	if (!__builtin_parityll(res & 0xff))
		f |= ALU_PF;
	return f;
}

/* Fills the fields every record has. */
static inline void alu_record(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t a,
			      uint64_t b, uint64_t res, uint32_t mask)
{
	lf->op = (uint16_t)op;
	lf->size = (uint8_t)size;
	lf->a = a;
	lf->b = b;
	lf->res = res;
	lf->c = 0;
	lf->fin = 0;
	lf->extra = 0;
	lf->mask = (uint16_t)mask;
}

/* The flag computers of each family, for alu_flags()'s table. */
uint32_t alu_arith_flags(const struct lazy_flags *lf);
uint32_t alu_shift_flags(const struct lazy_flags *lf);
uint32_t alu_shd_flags(const struct lazy_flags *lf);
uint32_t alu_mul_flags(const struct lazy_flags *lf);
uint32_t alu_div_flags(const struct lazy_flags *lf);
uint32_t alu_bit_flags(const struct lazy_flags *lf);
uint32_t alu_bcd_flags(const struct lazy_flags *lf);

#endif
