/* SPDX-License-Identifier: MIT */
/*
 * The decoder's opcode tables (internal to decode.c): one row per opcode of the
 * one-byte and 0F maps, one row per ModRM.reg of each group, and the 0F 01
 * register forms by ModRM.reg and .rm. Rows left out are zero: OP_NONE, #UD.
 * Sources: SDM Vol. 2, Appendix A (opcode maps) and the instruction pages.
 */
#ifndef VX86_EMU_OPTABLE_H
#define VX86_EMU_OPTABLE_H

#include <stdint.h>

#include "decode.h"

/* Row attributes. */
#define A_MODRM	 0x0001 /* a ModRM byte follows the opcode */
#define A_GROUP	 0x0002 /* ModRM.reg selects the row in group `ext` */
#define A_SPLIT	 0x0004 /* ... and mod == 3 selects group `ext + 1` instead */
#define A_RMTAB	 0x0008 /* ... and mod == 3 selects optab_0f01_reg[reg * 8 + rm] */
#define A_LOCK	 0x0010 /* LOCK allowed (with a memory E) */
#define A_I64	 0x0020 /* #UD in 64-bit mode */
#define A_O64	 0x0040 /* #UD outside 64-bit mode */
#define A_MEM	 0x0080 /* E must be memory: mod == 3 is #UD */
#define A_MODREG 0x0100 /* mod is ignored, E is always a register (MOV CR/DR) */
#define A_OPREG	 0x0200 /* the register is opcode bits 2:0 + REX.B, put in rm */
#define A_SREG	 0x0400 /* reg = ext, an implicit segment register */
#define A_CC	 0x0800 /* cc = opcode bits 3:0 */
#define A_UD	 0x1000 /* defined to raise #UD (UD2) */
#define A_NI	 0x2000 /* vx86 does not implement it */
#define A_FIX	 0x4000 /* resolved further by decode.c (prefix- or mode-selected) */
#define A_X87	 0x8000 /* x87 escape D8-DF: decode.c picks the few it decodes */

/* Operand-size classes (SDM Vol. 1 §3.6, Vol. 2 §2.2.1.2 and Table 2-4). */
enum {
	OSC_V,	  /* 16/32 by mode and 66; 64 with REX.W */
	OSC_B,	  /* byte */
	OSC_W,	  /* always 16 */
	OSC_D64,  /* defaults to 64 in 64-bit mode; 66 makes it 16 */
	OSC_F64,  /* forced to 64 in 64-bit mode (Intel: 66 ignored); V elsewhere */
	OSC_NO64, /* 16/32 only: REX.W ignored (IN, OUT, INS, OUTS) */
	OSC_CR,	  /* 64 in 64-bit mode, 32 elsewhere; prefixes ignored (MOV CR/DR) */
};

/* Immediate kinds (SDM Vol. 2 Appendix A.2.2 operand codes). */
enum {
	IMM_NONE,
	IMM_B,	   /* Ib/Jb, sign-extended */
	IMM_UB,	   /* Ib, zero-extended: port, vector, count, level */
	IMM_W,	   /* Iw, zero-extended: RET n, ENTER size */
	IMM_Z,	   /* Iz/Jz: 16 or 32 bits by osz, sign-extended */
	IMM_V,	   /* Iv: 16, 32 or 64 bits by osz (MOV r, imm) */
	IMM_AP,	   /* Ap: offset (16/32 by osz) then a 16-bit selector in imm2 */
	IMM_ENTER, /* Iw then Ib (in imm2) */
	IMM_MOFFS, /* Ob/Ov: an address of asz bytes */
	IMM_ONE,   /* no bytes: imm = 1 (shift by one) */
};

/* One row: 8 bytes. */
struct opdesc {
	uint16_t op;   /* enum insn_op */
	uint16_t attr; /* A_* */
	uint8_t form;  /* enum insn_form */
	uint8_t osc;   /* OSC_* */
	uint8_t imm;   /* IMM_* */
	uint8_t ext;   /* the group (A_GROUP) or the segment register (A_SREG) */
};

#define OPD(op_, form_, osc_, imm_, attr_)                                                         \
	{                                                                                          \
		OP_##op_, (attr_), INSN_FORM_##form_, OSC_##osc_, IMM_##imm_, 0                    \
	}
#define OPX(op_, form_, osc_, imm_, attr_, ext_)                                                   \
	{                                                                                          \
		OP_##op_, (attr_), INSN_FORM_##form_, OSC_##osc_, IMM_##imm_, (ext_)               \
	}
#define GRPD(grp_, attr_)                                                                          \
	{                                                                                          \
		OP_NONE, A_MODRM | A_GROUP | (attr_), 0, 0, 0, (grp_)                              \
	}

/* Groups of the one-byte map (optab_grp1b) and of the 0F map (optab_grp0f). */
enum {
	G1_80,
	G1_81,
	G1_82,
	G1_83,
	G1A_8F,
	G2_C0,
	G2_C1,
	G2_D0,
	G2_D1,
	G2_D2,
	G2_D3,
	G11_C6,
	G11_C7,
	G3_F6,
	G3_F7,
	G4_FE,
	G5_FF,
	G1B_COUNT
};
enum {
	G6_0F00,
	G7_0F01, /* memory forms; register forms in optab_0f01_reg */
	G15_0FAE,
	G15_0FAE_REG,
	G8_0FBA,
	G9_0FC7,
	G9_0FC7_REG,
	G0F_COUNT
};

/* Rows decode.c substitutes for prefix-, mode- or ModRM-selected forms. */
enum {
	ALT_UD,		/* an undefined encoding */
	ALT_PAUSE,	/* F3 90 */
	ALT_MOVSXD,	/* 63 in 64-bit mode */
	ALT_VEX,	/* C4/C5 in 64-bit mode, or with ModRM.mod == 3 */
	ALT_EVEX,	/* 62 likewise */
	ALT_0F38,	/* any 0F 38 xx */
	ALT_0F3A,	/* any 0F 3A xx */
	ALT_TZCNT,	/* F3 0F BC */
	ALT_LZCNT,	/* F3 0F BD */
	ALT_CMPXCHG16B, /* REX.W 0F C7 /1 */
	ALT_RDPID,	/* F3 0F C7 /7, mod == 3 */
	ALT_FLDCW,	/* D9 /5 */
	ALT_FNSTCW,	/* D9 /7 */
	ALT_FNCLEX,	/* DB E2 */
	ALT_FNINIT,	/* DB E3 */
	ALT_FNSTSW,	/* DD /7 (memory) and DF E0 (AX) */
	ALT_COUNT
};

extern const struct opdesc optab_alt[ALT_COUNT];
extern const struct opdesc optab_1b[256];
extern const struct opdesc optab_grp1b[G1B_COUNT][8];
extern const struct opdesc optab_0f[256];
extern const struct opdesc optab_grp0f[G0F_COUNT][8];
extern const struct opdesc optab_0f01_reg[64];

#endif
