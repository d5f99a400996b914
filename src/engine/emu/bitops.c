/* SPDX-License-Identifier: MIT */
/*
 * Bit instructions: BT BTS BTR BTC, BSF BSR, TZCNT LZCNT POPCNT, BSWAP, and the
 * sign extensions CBW/CWDE/CDQE and CWD/CDQ/CQO (SDM Vol. 2 chapters 3 and 4).
 */
#include "engine/emu/alu_impl.h"

uint32_t alu_bit_flags(const struct lazy_flags *lf)
{
	unsigned size = lf->size;
	uint64_t a = lf->a, r = lf->res;

	switch (lf->op) {
	case ALU_BSF:
	case ALU_BSR:
		/* ZF := source is 0. Undefined: AMD clears CF OF SF AF, PF from the index (0). */
		return (a ? 0 : ALU_ZF) | (alu_szp(size, r) & ALU_PF);
	case ALU_TZCNT:
	case ALU_LZCNT:
		/* CF := source is 0 (result = width); ZF := result is 0. AMD: SF AF PF := 0. */
		return (a ? 0 : ALU_CF) | (r ? 0 : ALU_ZF);
	case ALU_POPCNT: /* all cleared but ZF := source is 0 */
		return a ? 0 : ALU_ZF;
	default: /* BT BTS BTR BTC: CF := the selected bit */
		return (unsigned)(a >> lf->b) & 1;
	}
}

uint64_t alu_bt_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t a, uint64_t off)
{
	/* SDM BT: a register bit offset is taken modulo the operand size. */
	unsigned bit = (unsigned)off & (alu_width(size) - 1);
	uint64_t m = 1ull << bit, r;

	a &= alu_vmask(size);
	switch (op) {
	case ALU_BTS:
		r = a | m;
		break;
	case ALU_BTR:
		r = a & ~m;
		break;
	case ALU_BTC:
		r = a ^ m;
		break;
	default:
		r = a;
		break;
	}
	alu_record(lf, op, size, a, bit, r, ALU_CF);
	return r;
}

uint64_t alu_bt(enum alu_op op, unsigned size, uint64_t a, uint64_t off, uint64_t *rflags)
{
	struct lazy_flags lf;
	uint64_t r = alu_bt_lazy(&lf, op, size, a, off);

	*rflags = alu_flags_apply(&lf, *rflags);
	return r;
}

bool alu_bitscan_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t src,
		      uint64_t *dst)
{
	unsigned w = alu_width(size);
	uint64_t r = 0;
	uint32_t mask = ALU_STATUS;
	bool wr = true;

	src &= alu_vmask(size);
	switch (op) {
	case ALU_BSF: /* the destination keeps its value when the source is 0 */
		wr = src != 0;
		r = wr ? (uint64_t)__builtin_ctzll(src) : 0;
		break;
	case ALU_BSR:
		wr = src != 0;
		r = wr ? (uint64_t)(63 - __builtin_clzll(src)) : 0;
		break;
	case ALU_TZCNT:
		r = src ? (uint64_t)__builtin_ctzll(src) : w;
		mask = ALU_STATUS & ~ALU_OF; /* AMD leaves the undefined OF alone */
		break;
	case ALU_LZCNT:
		r = src ? (uint64_t)(__builtin_clzll(src) - (64 - (int)w)) : w;
		mask = ALU_STATUS & ~ALU_OF;
		break;
	default: /* POPCNT */
		r = (uint64_t)__builtin_popcountll(src);
		break;
	}
	alu_record(lf, op, size, src, 0, r, mask);
	if (wr)
		*dst = r;
	return wr;
}

bool alu_bitscan(enum alu_op op, unsigned size, uint64_t src, uint64_t *dst, uint64_t *rflags)
{
	struct lazy_flags lf;
	bool wr = alu_bitscan_lazy(&lf, op, size, src, dst);

	*rflags = alu_flags_apply(&lf, *rflags);
	return wr;
}

uint64_t alu_bswap(unsigned size, uint64_t a)
{
	if (size == 8)
		return __builtin_bswap64(a);
	if (size == 4)
		return __builtin_bswap32((uint32_t)a);
	return 0; /* SDM: BSWAP of a 16-bit register is undefined; AMD gives 0 */
}

uint64_t alu_cbw(unsigned size, uint64_t rax)
{
	return (uint64_t)alu_sext(size / 2, rax) & alu_vmask(size);
}

uint64_t alu_cwd(unsigned size, uint64_t rax)
{
	return alu_msb(size, rax) ? alu_vmask(size) : 0;
}
