/* SPDX-License-Identifier: MIT */
/*
 * The x86 instruction decoder (decode.h): prefixes, opcode maps, ModRM/SIB,
 * displacement and immediate, operand and address size, all from the tables in
 * optable.c and optable0f.c. Written from the Intel SDM Vol. 2, chapter 2 and
 * Appendix A. No allocation; one pass over at most 15 bytes.
 */
#include <stdbool.h>
#include <string.h>

#include "decode.h"
#include "optable.h"

static const char *const insn_names[OP_COUNT] = {
#define INSN_OP_NAME(id, name) [OP_##id] = name,
	INSN_OPS(INSN_OP_NAME)
#undef INSN_OP_NAME
};

const char *insn_mnemonic(unsigned op)
{
	return op < OP_COUNT ? insn_names[op] : "(bad)";
}

/* The bytes being decoded and how far we are. */
struct cursor {
	const uint8_t *buf;
	size_t avail;
	unsigned pos;
	unsigned bits; /* code size: 16, 32 or 64 */
};

/*
 * May n more bytes be read? Past 15 bytes the instruction is too long whatever
 * the bytes are (SDM Vol. 2 §2.3.11: #GP(0)); short of that, running out of
 * bytes means the caller must fetch the next page.
 */
static enum decode_result need(const struct cursor *c, unsigned n)
{
	if (c->pos + n > INSN_MAX_LEN)
		return DECODE_GP;
	if (c->pos + n > c->avail)
		return DECODE_MORE;
	return DECODE_OK;
}

/* n bytes, little-endian, after need() said yes. */
static uint64_t take(struct cursor *c, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->buf[c->pos + i] << (8 * i);
	c->pos += n;
	return v;
}

static enum decode_result take_byte(struct cursor *c, uint8_t *b)
{
	enum decode_result r = need(c, 1);

	if (r == DECODE_OK)
		*b = (uint8_t)take(c, 1);
	return r;
}

/* Sign-extend the low n bytes of v. */
static uint64_t sext(uint64_t v, unsigned n)
{
	unsigned sh = 64 - 8 * n;

	return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* A prefix after a REX makes the processor ignore the REX (SDM Vol. 2 §2.2.1). */
static void drop_rex(struct insn *in)
{
	if (in->rex) {
		in->rex = 0;
		in->flags |= INSN_F_REX_DROPPED;
	}
}

/*
 * Legacy prefixes in any order and number (SDM Vol. 2 §2.1.1; the last segment
 * override wins), REX in 64-bit mode. Leaves the first opcode byte in *opc.
 */
static enum decode_result scan_prefixes(struct cursor *c, struct insn *in, uint8_t *opc)
{
	for (;;) {
		uint8_t b;
		enum decode_result r = take_byte(c, &b);

		if (r != DECODE_OK)
			return r;
		switch (b) {
		case 0x26: /* ES */
		case 0x2e: /* CS */
		case 0x36: /* SS */
		case 0x3e: /* DS */
			in->segpfx = (b >> 3) & 3;
			break;
		case 0x64: /* FS */
		case 0x65: /* GS */
			in->segpfx = SEG_FS + (b & 1);
			break;
		case 0x66:
			in->flags |= INSN_F_OSZ;
			break;
		case 0x67:
			in->flags |= INSN_F_ASZ;
			break;
		case 0xf0:
			in->flags |= INSN_F_LOCK;
			break;
		case 0xf2:
			in->flags |= INSN_F_F2 | INSN_F_REPNZ;
			break;
		case 0xf3:
			in->flags = (uint16_t)((in->flags | INSN_F_F3) & ~INSN_F_REPNZ);
			break;
		default:
			if (c->bits == 64 && (b & 0xf0) == 0x40) {
				drop_rex(in); /* REX REX: only the last one counts */
				in->rex = b;
				continue;
			}
			*opc = b;
			return DECODE_OK;
		}
		drop_rex(in);
	}
}

/* The opcode map escapes 0F, 0F 38 and 0F 3A (SDM Vol. 2 §2.1.2). */
static enum decode_result read_opcode(struct cursor *c, struct insn *in, uint8_t b,
				      const struct opdesc **dp)
{
	enum decode_result r;

	in->opcode = b;
	if (b != 0x0f) {
		in->map = INSN_MAP_1B;
		*dp = &optab_1b[b];
		/* In 64-bit mode C4, C5 and 62 are always VEX/EVEX (SDM Vol. 2 §2.3.5). */
		if (c->bits == 64 && (b == 0xc4 || b == 0xc5 || b == 0x62))
			*dp = &optab_alt[b == 0x62 ? ALT_EVEX : ALT_VEX];
		return DECODE_OK;
	}
	if ((r = take_byte(c, &b)) != DECODE_OK)
		return r;
	in->map = INSN_MAP_0F;
	*dp = &optab_0f[b];
	if (b == 0x38 || b == 0x3a) {
		in->map = b == 0x38 ? INSN_MAP_0F38 : INSN_MAP_0F3A;
		*dp = &optab_alt[b == 0x38 ? ALT_0F38 : ALT_0F3A];
		if ((r = take_byte(c, &b)) != DECODE_OK)
			return r;
	}
	in->opcode = b;
	return DECODE_OK;
}

/* ModRM, extended by REX.R and REX.B (SDM Vol. 2 §2.2.1.2), and the group row. */
static enum decode_result read_modrm(struct cursor *c, struct insn *in, const struct opdesc **dp)
{
	const struct opdesc *d = *dp;
	enum decode_result r;
	uint8_t m;

	if (!(d->attr & A_MODRM))
		return DECODE_OK;
	if ((r = take_byte(c, &m)) != DECODE_OK)
		return r;
	in->flags |= INSN_F_MODRM;
	in->modrm = m;
	in->mod = m >> 6;
	in->reg = (uint8_t)(((m >> 3) & 7) | (in->rex & 4) << 1);
	in->rm = (uint8_t)((m & 7) | (in->rex & 1) << 3);
	if (!(d->attr & A_GROUP))
		return DECODE_OK;
	if (in->mod == 3 && (d->attr & A_RMTAB))
		*dp = &optab_0f01_reg[m & 0x3f];
	else if (in->map == INSN_MAP_1B)
		*dp = &optab_grp1b[d->ext][(m >> 3) & 7];
	else
		*dp = &optab_grp0f[d->ext + (in->mod == 3 && (d->attr & A_SPLIT))][(m >> 3) & 7];
	return DECODE_OK;
}

/* x87 escapes: the few state instructions vx86 runs; the rest stay NI_X87. */
static const struct opdesc *x87_row(struct insn *in, const struct opdesc *d)
{
	unsigned r3 = (in->modrm >> 3) & 7;

	if (in->mod != 3) {
		if (in->opcode == 0xd9 && r3 == 5)
			return &optab_alt[ALT_FLDCW];
		if (in->opcode == 0xd9 && r3 == 7)
			return &optab_alt[ALT_FNSTCW];
		if (in->opcode == 0xdd && r3 == 7)
			return &optab_alt[ALT_FNSTSW];
		return d;
	}
	if (in->opcode == 0xdb && in->modrm == 0xe2)
		return &optab_alt[ALT_FNCLEX];
	if (in->opcode == 0xdb && in->modrm == 0xe3)
		return &optab_alt[ALT_FNINIT];
	if (in->opcode == 0xdf && in->modrm == 0xe0) {
		in->rm = GPR_RAX; /* FNSTSW AX: E is AX whatever REX.B says */
		return &optab_alt[ALT_FNSTSW];
	}
	return d;
}

/* Is F3 the last of F2/F3? Then it is the mandatory prefix (SDM Vol. 2 §2.1.2). */
static bool f3_last(const struct insn *in)
{
	return (in->flags & (INSN_F_F3 | INSN_F_REPNZ)) == INSN_F_F3;
}

/* Rows whose meaning depends on a prefix, the mode or the ModRM byte. */
static const struct opdesc *fixup(struct insn *in, const struct opdesc *d, unsigned bits)
{
	const struct opdesc *ud = &optab_alt[ALT_UD];

	switch (d->op) {
	case OP_NOP: /* 90: REX.B makes it XCHG r8,rAX; F3 90 is PAUSE */
		if (in->rex & 1)
			return &optab_1b[0x91];
		return f3_last(in) ? &optab_alt[ALT_PAUSE] : d;
	case OP_ARPL:
		return bits == 64 ? &optab_alt[ALT_MOVSXD] : d;
	case OP_LES: /* C4/C5/62 with mod == 3 outside 64-bit mode: VEX/EVEX */
	case OP_LDS:
	case OP_BOUND:
		if (in->mod != 3)
			return d;
		return &optab_alt[d->op == OP_BOUND ? ALT_EVEX : ALT_VEX];
	case OP_MOV_FROM_SREG: /* SDM MOV: Sreg 6 and 7 are reserved; MOV CS is #UD */
	case OP_MOV_TO_SREG:
		in->reg &= 7;
		if (in->reg > SEG_GS || (d->op == OP_MOV_TO_SREG && in->reg == SEG_CS))
			return ud;
		return d;
	case OP_MOV_FROM_DR: /* SDM MOV DR: DR8-DR15 (REX.R) are #UD */
	case OP_MOV_TO_DR:
		return in->reg > 7 ? ud : d;
	case OP_POPCNT:
		return f3_last(in) ? d : ud;
	case OP_BSF:
		return f3_last(in) ? &optab_alt[ALT_TZCNT] : d;
	case OP_BSR:
		return f3_last(in) ? &optab_alt[ALT_LZCNT] : d;
	case OP_CMPXCHG8B:
		return in->rex & 8 ? &optab_alt[ALT_CMPXCHG16B] : d;
	case OP_NI_RDRAND: /* 0F C7 /7 mod 3 */
		return f3_last(in) ? &optab_alt[ALT_RDPID] : d;
	case OP_NI_FSGSBASE: /* 0F AE /0-/3 mod 3 */
		return f3_last(in) ? d : ud;
	default:
		return d;
	}
}

/* May this instruction run here with these prefixes? */
static enum decode_result check(const struct insn *in, const struct opdesc *d, unsigned bits)
{
	if (d->op == OP_NONE || (d->attr & A_UD))
		return DECODE_UD;
	if (d->attr & (bits == 64 ? A_I64 : A_O64))
		return DECODE_UD;
	if ((d->attr & A_MEM) && in->mod == 3)
		return DECODE_UD;
	/* SDM Vol. 2 LOCK: only the listed read-modify-write forms with a memory destination. */
	if ((in->flags & INSN_F_LOCK) && (!(d->attr & A_LOCK) || in->mod == 3))
		return DECODE_UD;
	return d->attr & A_NI ? DECODE_NI : DECODE_OK;
}

/* SDM Vol. 2 §2.2.1.2 and Table 2-4 (REX.W over 66), §2.2.1.7 (default 64). */
static uint8_t operand_size(const struct opdesc *d, const struct insn *in, unsigned bits)
{
	bool o16 = in->flags & INSN_F_OSZ;

	if (d->osc == OSC_B)
		return 1;
	if (d->osc == OSC_W)
		return 2;
	if (d->osc == OSC_CR)
		return bits == 64 ? 8 : 4;
	if (bits != 64)
		return (bits == 16) != o16 ? 2 : 4;
	if ((in->rex & 8) && d->osc != OSC_NO64)
		return 8;
	if (d->osc == OSC_F64)
		return 8;
	if (o16)
		return 2;
	return d->osc == OSC_D64 ? 8 : 4;
}

/* 16-bit addressing forms (SDM Vol. 2 Table 2-1). */
static const uint8_t base16[8] = {GPR_RBX, GPR_RBX, GPR_RBP, GPR_RBP,
				  GPR_RSI, GPR_RDI, GPR_RBP, GPR_RBX};
static const uint8_t index16[8] = {GPR_RSI,	  GPR_RDI,	 GPR_RSI,	GPR_RDI,
				   INSN_REG_NONE, INSN_REG_NONE, INSN_REG_NONE, INSN_REG_NONE};

static enum decode_result mem16(struct cursor *c, struct insn *in)
{
	unsigned rm = in->modrm & 7, n = in->mod; /* mod 1: disp8, mod 2: disp16 */
	enum decode_result r;

	in->base = base16[rm];
	in->index = index16[rm];
	if (in->mod == 0 && rm == 6) { /* [disp16] */
		in->base = INSN_REG_NONE;
		n = 2;
	}
	if ((r = need(c, n)) != DECODE_OK)
		return r;
	if (n)
		in->disp = (int32_t)sext(take(c, n), n);
	return DECODE_OK;
}

/* 32/64-bit addressing forms (SDM Vol. 2 Tables 2-2, 2-3, 2-5 and §2.2.1.6). */
static enum decode_result mem32(struct cursor *c, struct insn *in)
{
	unsigned rm = in->modrm & 7, n = in->mod == 1 ? 1 : in->mod == 2 ? 4 : 0;
	enum decode_result r;
	uint8_t sib, idx;

	in->base = in->rm;
	if (rm == 4) {
		/* SIB and displacement together, so a too-long form is #GP at once. */
		if ((r = need(c, 1 + n)) != DECODE_OK || (r = take_byte(c, &sib)) != DECODE_OK)
			return r;
		in->flags |= INSN_F_SIB;
		in->sib = sib;
		in->scale = sib >> 6;
		idx = (uint8_t)(((sib >> 3) & 7) | (in->rex & 2) << 2);
		in->index = idx == GPR_RSP ? INSN_REG_NONE : idx; /* 100 without REX.X: none */
		in->base = (uint8_t)((sib & 7) | (in->rex & 1) << 3);
		if ((sib & 7) == 5 && in->mod == 0) { /* base 101 (RBP or R13), mod 00 */
			in->base = INSN_REG_NONE;
			n = 4;
		}
	} else if (rm == 5 && in->mod == 0) { /* rm 101 (RBP or R13), mod 00 */
		n = 4;
		in->base = INSN_REG_NONE;
		if (c->bits == 64) {
			in->base = INSN_REG_RIP;
			in->flags |= INSN_F_RIPREL;
		}
	}
	if ((r = need(c, n)) != DECODE_OK)
		return r;
	if (n)
		in->disp = (int32_t)sext(take(c, n), n);
	return DECODE_OK;
}

/* Immediates by kind (SDM Vol. 2 Appendix A.2.2). */
static enum decode_result read_imm(struct cursor *c, struct insn *in, unsigned kind)
{
	static const uint8_t signed_kind[] = {[IMM_B] = 1, [IMM_Z] = 1, [IMM_V] = 1, [IMM_ONE] = 0};
	unsigned n = 0, n2 = 0;
	enum decode_result r;

	switch (kind) {
	case IMM_ONE:
		in->imm = 1;
		return DECODE_OK;
	case IMM_B:
	case IMM_UB:
		n = 1;
		break;
	case IMM_W:
		n = 2;
		break;
	case IMM_Z:
		n = in->osz == 2 ? 2 : 4;
		break;
	case IMM_V:
		n = in->osz;
		break;
	case IMM_AP:
		n = in->osz == 2 ? 2 : 4;
		n2 = 2;
		break;
	case IMM_ENTER:
		n = 2;
		n2 = 1;
		break;
	case IMM_MOFFS:
		n = in->asz;
		break;
	default:
		return DECODE_OK;
	}
	if ((r = need(c, n + n2)) != DECODE_OK)
		return r;
	in->imm = take(c, n);
	if (kind < sizeof(signed_kind) && signed_kind[kind])
		in->imm = sext(in->imm, n);
	in->imm2 = (uint16_t)take(c, n2);
	return DECODE_OK;
}

/*
 * The segment of the DS-class memory operand: SS when the base is rSP or rBP
 * (SDM Vol. 1 §3.7.4), DS otherwise, unless overridden; in 64-bit mode only FS
 * and GS overrides take effect (SDM Vol. 1 §3.3.7.1).
 */
static uint8_t operand_seg(const struct insn *in, unsigned bits)
{
	if (in->segpfx != INSN_SEG_NONE && (bits != 64 || in->segpfx >= SEG_FS))
		return in->segpfx;
	return in->base == GPR_RSP || in->base == GPR_RBP ? SEG_SS : SEG_DS;
}

/* Everything after the opcode and ModRM: implicit registers, SIB, disp, imm. */
static enum decode_result operands(struct cursor *c, struct insn *in, const struct opdesc *d,
				   unsigned bits)
{
	enum decode_result r = DECODE_OK;

	in->form = d->form;
	in->osz = operand_size(d, in, bits);
	if (d->attr & A_OPREG)
		in->rm = (uint8_t)((in->opcode & 7) | (in->rex & 1) << 3);
	if (d->attr & A_SREG)
		in->reg = d->ext;
	if (d->attr & A_CC)
		in->cc = in->opcode & 15;
	if (d->attr & A_MODREG)
		in->mod = 3;
	else if ((in->flags & INSN_F_MODRM) && in->mod != 3) {
		in->flags |= INSN_F_MEM;
		r = in->asz == 2 ? mem16(c, in) : mem32(c, in);
	}
	if (d->imm == IMM_MOFFS) {
		in->flags |= INSN_F_MEM | INSN_F_MOFFS;
		in->mod = 0;
	}
	if (r == DECODE_OK)
		r = read_imm(c, in, d->imm);
	in->seg = operand_seg(in, bits);
	return r;
}

static void insn_clear(struct insn *in, unsigned bits)
{
	memset(in, 0, sizeof(*in));
	in->segpfx = INSN_SEG_NONE;
	in->base = INSN_REG_NONE;
	in->index = INSN_REG_NONE;
	in->mod = 3;
	in->seg = SEG_DS;
	in->osz = bits == 16 ? 2 : 4;
}

enum decode_result insn_decode(struct insn *in, const uint8_t *buf, size_t avail, unsigned bits)
{
	struct cursor c = {buf, avail, 0, bits};
	const struct opdesc *d = &optab_alt[ALT_UD];
	enum decode_result r, ro;
	uint8_t b = 0;
	bool a16;

	insn_clear(in, bits);
	r = scan_prefixes(&c, in, &b);
	if (in->rex)
		in->flags |= INSN_F_REX;
	/* Address size: 67 toggles 16/32, or selects 32 in 64-bit mode (SDM Vol. 2 §2.2.1.3). */
	a16 = in->flags & INSN_F_ASZ;
	in->asz = bits == 64 ? (a16 ? 4 : 8) : ((bits == 16) != a16 ? 2 : 4);
	if (r == DECODE_OK)
		r = read_opcode(&c, in, b, &d);
	if (r == DECODE_OK)
		r = read_modrm(&c, in, &d);
	if (r == DECODE_OK) {
		if (d->attr & A_X87)
			d = x87_row(in, d);
		if (d->attr & A_FIX)
			d = fixup(in, d, bits);
		in->op = d->op;
		r = check(in, d, bits);
	}
	if (r == DECODE_OK || r == DECODE_NI) {
		ro = operands(&c, in, d, bits);
		if (ro != DECODE_OK)
			r = ro;
	}
	in->len = (uint8_t)c.pos;
	return r;
}
