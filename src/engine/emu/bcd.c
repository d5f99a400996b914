/* SPDX-License-Identifier: MIT */
/* The BCD adjustments DAA DAS AAA AAS AAM AAD (SDM Vol. 2 chapter 3, "Operation"). */
#include "engine/emu/alu_impl.h"

/* Signed overflow of the 8- or 16-bit a + b = r (sub: a - b = r). */
static uint32_t overflow(unsigned size, bool sub, unsigned a, unsigned b, unsigned r)
{
	unsigned x = sub ? (a ^ b) & (a ^ r) : (a ^ r) & (b ^ r);

	return (x >> (size * 8 - 1)) & 1 ? ALU_OF : 0;
}

/*
 * DAA and DAS: AL adjusted to two packed BCD digits after an ADD or SUB. OF is
 * undefined (SDM); AMD sets it as the overflow of AL +/- the whole correction.
 */
static uint32_t daa_das(bool sub, uint16_t ax, uint32_t fin, uint16_t *out)
{
	unsigned al = ax & 0xff, old_al = al, old_cf = fin & ALU_CF, corr = 0;
	uint32_t f = 0;

	if ((al & 0x0f) > 9 || (fin & ALU_AF)) {
		/* CF := old_CF or the carry (borrow) of AL +/- 6 */
		if (sub ? al < 6 : al + 6 > 0xff)
			f |= ALU_CF;
		corr = 6;
		f |= ALU_AF;
	}
	if (old_al > 0x99 || old_cf) {
		corr += 0x60;
		f |= ALU_CF;
	} else if (!sub) {
		f &= ~ALU_CF; /* DAA only: DAS keeps the borrow of AL - 6 */
	}
	al = (sub ? old_al - corr : old_al + corr) & 0xff;
	*out = (uint16_t)((ax & 0xff00) | al);
	return f | alu_szp(1, al) | overflow(1, sub, old_al, corr, al);
}

/*
 * AAA and AAS: unpacked BCD adjustment, AX +/- 106H (SDM; the carry or borrow
 * of AL +/- 6 reaches AH) when AL's low digit is above 9 or AF is set, then AL
 * keeps its low digit. SF ZF PF OF are undefined: AMD sets them from the
 * 16-bit AX +/- 106H (or AX +/- 0).
 */
static uint32_t aaa_aas(bool sub, uint16_t ax, uint32_t fin, uint16_t *out)
{
	unsigned corr = 0, r;
	uint32_t f = 0;

	if ((ax & 0x0f) > 9 || (fin & ALU_AF)) {
		corr = 0x106;
		f = ALU_AF | ALU_CF;
	}
	r = (sub ? ax - corr : ax + corr) & 0xffff;
	*out = (uint16_t)(r & 0xff0f);
	return f | alu_szp(2, r) | overflow(2, sub, ax, corr, r);
}

/*
 * AAD: AL := (AL + AH * imm8) AND FFH; AH := 0. OF AF CF are undefined (SDM):
 * AMD sets all six as for the byte ADD of AL and (AH * imm8) AND FFH.
 */
static uint32_t aad(uint16_t ax, uint8_t imm, uint16_t *out)
{
	unsigned al = ax & 0xff, p = ((ax >> 8) * imm) & 0xff, sum = al + p, r = sum & 0xff;

	*out = (uint16_t)r;
	return alu_szp(1, r) | overflow(1, false, al, p, r) | ((al ^ p ^ r) & ALU_AF) |
	       (sum > 0xff ? ALU_CF : 0);
}

/* The result and flags of one BCD operation; ALU_DE for AAM 0. */
static enum alu_status bcd_core(enum alu_op op, uint16_t ax, uint8_t imm, uint32_t fin,
				uint16_t *out, uint32_t *flags)
{
	unsigned al = ax & 0xff;

	switch (op) {
	case ALU_DAA:
		*flags = daa_das(false, ax, fin, out);
		break;
	case ALU_DAS:
		*flags = daa_das(true, ax, fin, out);
		break;
	case ALU_AAA:
		*flags = aaa_aas(false, ax, fin, out);
		break;
	case ALU_AAS:
		*flags = aaa_aas(true, ax, fin, out);
		break;
	case ALU_AAM:
		/* SDM AAM: AH := AL / imm8; AL := AL MOD imm8; #DE if imm8 is 0. */
		if (imm == 0)
			return ALU_DE;
		*out = (uint16_t)((al / imm) << 8 | (al % imm));
		*flags = alu_szp(1, al % imm);
		break;
	default:
		*flags = aad(ax, imm, out);
		break;
	}
	return ALU_OK;
}

uint32_t alu_bcd_flags(const struct lazy_flags *lf)
{
	uint16_t out;
	uint32_t f = 0;

	bcd_core(lf->op, (uint16_t)lf->a, (uint8_t)lf->b, lf->fin, &out, &f);
	return f;
}

enum alu_status alu_bcd_lazy(struct lazy_flags *lf, enum alu_op op, uint16_t ax, uint8_t imm,
			     uint32_t fin, uint16_t *ax_out)
{
	uint32_t f;

	if (bcd_core(op, ax, imm, fin, ax_out, &f) != ALU_OK)
		return ALU_DE;
	alu_record(lf, op, 2, ax, imm, *ax_out, ALU_STATUS);
	lf->fin = (uint8_t)(fin & (ALU_CF | ALU_AF));
	return ALU_OK;
}

enum alu_status alu_bcd(enum alu_op op, uint16_t ax, uint8_t imm, uint16_t *ax_out,
			uint64_t *rflags)
{
	struct lazy_flags lf;

	if (alu_bcd_lazy(&lf, op, ax, imm, (uint32_t)*rflags, ax_out) != ALU_OK)
		return ALU_DE;
	*rflags = alu_flags_apply(&lf, *rflags);
	return ALU_OK;
}
