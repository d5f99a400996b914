/* SPDX-License-Identifier: MIT */
/*
 * The one-byte opcode map and its groups (SDM Vol. 2, Tables ).
 * Prefix bytes (26 2E 36 3E 64-67 F0 F2 F3, and 40-4F as REX in 64-bit mode)
 * never reach this table; 0F is the escape to optable0f.c.
 */
#include "optable.h"

/* The six classic ALU encodings at b_: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  rAX,Iz. */
#define ALU6(b_, op_, lock_)                                                                       \
	[(b_) + 0] = OPD(op_, EG, B, NONE, A_MODRM | (lock_)),                                     \
		[(b_) + 1] = OPD(op_, EG, V, NONE, A_MODRM | (lock_)),                             \
		[(b_) + 2] = OPD(op_, GE, B, NONE, A_MODRM),                                       \
		[(b_) + 3] = OPD(op_, GE, V, NONE, A_MODRM), [(b_) + 4] = OPD(op_, EI, B, B, 0),   \
		[(b_) + 5] = OPD(op_, EI, V, Z, 0)

/* Eight rows b_..b_+7 that differ only in the register in opcode bits 2:0. */
#define REG8(b_, ...)                                                                              \
	[(b_) + 0] = __VA_ARGS__, [(b_) + 1] = __VA_ARGS__, [(b_) + 2] = __VA_ARGS__,              \
		[(b_) + 3] = __VA_ARGS__, [(b_) + 4] = __VA_ARGS__, [(b_) + 5] = __VA_ARGS__,      \
		[(b_) + 6] = __VA_ARGS__, [(b_) + 7] = __VA_ARGS__

/* Sixteen rows b_..b_+15 that differ only in the condition in opcode bits 3:0. */
#define CC16(b_, ...) REG8(b_, __VA_ARGS__), REG8((b_) + 8, __VA_ARGS__)

const struct opdesc optab_1b[256] = {
	ALU6(0x00, ADD, A_LOCK),
	[0x06] = OPX(PUSH_SEG, NONE, V, NONE, A_I64 | A_SREG, SEG_ES), /* PUSH ES */
	[0x07] = OPX(POP_SEG, NONE, V, NONE, A_I64 | A_SREG, SEG_ES),  /* POP ES */
	ALU6(0x08, OR, A_LOCK),
	[0x0e] = OPX(PUSH_SEG, NONE, V, NONE, A_I64 | A_SREG, SEG_CS), /* PUSH CS */
	ALU6(0x10, ADC, A_LOCK),
	[0x16] = OPX(PUSH_SEG, NONE, V, NONE, A_I64 | A_SREG, SEG_SS), /* PUSH SS */
	[0x17] = OPX(POP_SEG, NONE, V, NONE, A_I64 | A_SREG, SEG_SS),  /* POP SS */
	ALU6(0x18, SBB, A_LOCK),
	[0x1e] = OPX(PUSH_SEG, NONE, V, NONE, A_I64 | A_SREG, SEG_DS),	  /* PUSH DS */
	[0x1f] = OPX(POP_SEG, NONE, V, NONE, A_I64 | A_SREG, SEG_DS),	  /* POP DS */
	ALU6(0x20, AND, A_LOCK), [0x27] = OPD(DAA, NONE, B, NONE, A_I64), /* DAA */
	ALU6(0x28, SUB, A_LOCK), [0x2f] = OPD(DAS, NONE, B, NONE, A_I64), /* DAS */
	ALU6(0x30, XOR, A_LOCK), [0x37] = OPD(AAA, NONE, B, NONE, A_I64), /* AAA */
	ALU6(0x38, CMP, 0), [0x3f] = OPD(AAS, NONE, B, NONE, A_I64),	  /* AAS */
	/* 40-4F: REX in 64-bit mode (the prefix scan takes them there). */
	REG8(0x40, OPD(INC, E, V, NONE, A_I64 | A_OPREG)),		   /* INC r16/r32 */
	REG8(0x48, OPD(DEC, E, V, NONE, A_I64 | A_OPREG)),		   /* DEC r16/r32 */
	REG8(0x50, OPD(PUSH, E, D64, NONE, A_OPREG)),			   /* PUSH r */
	REG8(0x58, OPD(POP, E, D64, NONE, A_OPREG)),			   /* POP r */
	[0x60] = OPD(PUSHA, NONE, V, NONE, A_I64),			   /* PUSHA/PUSHAD */
	[0x61] = OPD(POPA, NONE, V, NONE, A_I64),			   /* POPA/POPAD */
	[0x62] = OPD(BOUND, GE, V, NONE, A_MODRM | A_MEM | A_I64 | A_FIX), /* BOUND; EVEX */
	[0x63] = OPD(ARPL, EG, W, NONE, A_MODRM | A_FIX),	  /* ARPL Ew,Gw; MOVSXD in 64-bit */
	[0x68] = OPD(PUSH, I, D64, Z, 0),			  /* PUSH Iz */
	[0x69] = OPD(IMUL, GEI, V, Z, A_MODRM),			  /* IMUL Gv,Ev,Iz */
	[0x6a] = OPD(PUSH, I, D64, B, 0),			  /* PUSH Ib */
	[0x6b] = OPD(IMUL, GEI, V, B, A_MODRM),			  /* IMUL Gv,Ev,Ib */
	[0x6c] = OPD(INS, NONE, B, NONE, 0),			  /* INSB */
	[0x6d] = OPD(INS, NONE, NO64, NONE, 0),			  /* INSW/INSD */
	[0x6e] = OPD(OUTS, NONE, B, NONE, 0),			  /* OUTSB */
	[0x6f] = OPD(OUTS, NONE, NO64, NONE, 0),		  /* OUTSW/OUTSD */
	CC16(0x70, OPD(JCC, I, F64, B, A_CC)),			  /* Jcc Jb */
	[0x80] = GRPD(G1_80, 0),				  /* group 1 Eb,Ib */
	[0x81] = GRPD(G1_81, 0),				  /* group 1 Ev,Iz */
	[0x82] = GRPD(G1_82, 0),				  /* group 1 Eb,Ib (alias of 80) */
	[0x83] = GRPD(G1_83, 0),				  /* group 1 Ev,Ib */
	[0x84] = OPD(TEST, EG, B, NONE, A_MODRM),		  /* TEST Eb,Gb */
	[0x85] = OPD(TEST, EG, V, NONE, A_MODRM),		  /* TEST Ev,Gv */
	[0x86] = OPD(XCHG, EG, B, NONE, A_MODRM | A_LOCK),	  /* XCHG Eb,Gb */
	[0x87] = OPD(XCHG, EG, V, NONE, A_MODRM | A_LOCK),	  /* XCHG Ev,Gv */
	[0x88] = OPD(MOV, EG, B, NONE, A_MODRM),		  /* MOV Eb,Gb */
	[0x89] = OPD(MOV, EG, V, NONE, A_MODRM),		  /* MOV Ev,Gv */
	[0x8a] = OPD(MOV, GE, B, NONE, A_MODRM),		  /* MOV Gb,Eb */
	[0x8b] = OPD(MOV, GE, V, NONE, A_MODRM),		  /* MOV Gv,Ev */
	[0x8c] = OPD(MOV_FROM_SREG, E, V, NONE, A_MODRM | A_FIX), /* MOV Ev,Sw */
	[0x8d] = OPD(LEA, GE, V, NONE, A_MODRM | A_MEM),	  /* LEA Gv,M */
	[0x8e] = OPD(MOV_TO_SREG, E, W, NONE, A_MODRM | A_FIX),	  /* MOV Sw,Ew */
	[0x8f] = GRPD(G1A_8F, 0),				  /* group 1A: POP Ev */
	[0x90] = OPD(NOP, NONE, V, NONE, A_FIX),		  /* NOP; PAUSE; XCHG r8,rAX */
	[0x91] = OPD(XCHG, EG, V, NONE, A_OPREG),		  /* XCHG r,rAX (also 92-97) */
	[0x92] = OPD(XCHG, EG, V, NONE, A_OPREG), [0x93] = OPD(XCHG, EG, V, NONE, A_OPREG),
	[0x94] = OPD(XCHG, EG, V, NONE, A_OPREG), [0x95] = OPD(XCHG, EG, V, NONE, A_OPREG),
	[0x96] = OPD(XCHG, EG, V, NONE, A_OPREG), [0x97] = OPD(XCHG, EG, V, NONE, A_OPREG),
	[0x98] = OPD(CBW, NONE, V, NONE, 0),	 /* CBW/CWDE/CDQE */
	[0x99] = OPD(CWD, NONE, V, NONE, 0),	 /* CWD/CDQ/CQO */
	[0x9a] = OPD(CALLF, I, V, AP, A_I64),	 /* CALL Ap */
	[0x9b] = OPD(FWAIT, NONE, V, NONE, 0),	 /* FWAIT */
	[0x9c] = OPD(PUSHF, NONE, D64, NONE, 0), /* PUSHF/D/Q */
	[0x9d] = OPD(POPF, NONE, D64, NONE, 0),	 /* POPF/D/Q */
	[0x9e] = OPD(SAHF, NONE, B, NONE, 0),	 /* SAHF */
	[0x9f] = OPD(LAHF, NONE, B, NONE, 0),	 /* LAHF */
	[0xa0] = OPD(MOV, GE, B, MOFFS, 0),	 /* MOV AL,Ob */
	[0xa1] = OPD(MOV, GE, V, MOFFS, 0),	 /* MOV rAX,Ov */
	[0xa2] = OPD(MOV, EG, B, MOFFS, 0),	 /* MOV Ob,AL */
	[0xa3] = OPD(MOV, EG, V, MOFFS, 0),	 /* MOV Ov,rAX */
	[0xa4] = OPD(MOVS, NONE, B, NONE, 0),	 /* MOVSB */
	[0xa5] = OPD(MOVS, NONE, V, NONE, 0),	 /* MOVSW/D/Q */
	[0xa6] = OPD(CMPS, NONE, B, NONE, 0),	 /* CMPSB */
	[0xa7] = OPD(CMPS, NONE, V, NONE, 0),	 /* CMPSW/D/Q */
	[0xa8] = OPD(TEST, EI, B, B, 0),	 /* TEST AL,Ib */
	[0xa9] = OPD(TEST, EI, V, Z, 0),	 /* TEST rAX,Iz */
	[0xaa] = OPD(STOS, NONE, B, NONE, 0),	 /* STOSB */
	[0xab] = OPD(STOS, NONE, V, NONE, 0),	 /* STOSW/D/Q */
	[0xac] = OPD(LODS, NONE, B, NONE, 0),	 /* LODSB */
	[0xad] = OPD(LODS, NONE, V, NONE, 0),	 /* LODSW/D/Q */
	[0xae] = OPD(SCAS, NONE, B, NONE, 0),	 /* SCASB */
	[0xaf] = OPD(SCAS, NONE, V, NONE, 0),	 /* SCASW/D/Q */
	REG8(0xb0, OPD(MOV, EI, B, B, A_OPREG)), /* MOV r8,Ib */
	REG8(0xb8, OPD(MOV, EI, V, V, A_OPREG)), /* MOV r,Iv (imm64 with REX.W) */
	[0xc0] = GRPD(G2_C0, 0),		 /* group 2 Eb,Ib */
	[0xc1] = GRPD(G2_C1, 0),		 /* group 2 Ev,Ib */
	[0xc2] = OPD(RET, I, F64, W, 0),	 /* RET Iw */
	[0xc3] = OPD(RET, NONE, F64, NONE, 0),	 /* RET */
	[0xc4] = OPD(LES, GE, V, NONE, A_MODRM | A_MEM | A_I64 | A_FIX), /* LES; VEX3 */
	[0xc5] = OPD(LDS, GE, V, NONE, A_MODRM | A_MEM | A_I64 | A_FIX), /* LDS; VEX2 */
	[0xc6] = GRPD(G11_C6, 0),					 /* group 11 Eb,Ib */
	[0xc7] = GRPD(G11_C7, 0),					 /* group 11 Ev,Iz */
	[0xc8] = OPD(ENTER, I, D64, ENTER, 0),				 /* ENTER Iw,Ib */
	[0xc9] = OPD(LEAVE, NONE, D64, NONE, 0),			 /* LEAVE */
	[0xca] = OPD(RETF, I, V, W, 0),					 /* RETF Iw */
	[0xcb] = OPD(RETF, NONE, V, NONE, 0),				 /* RETF */
	[0xcc] = OPD(INT3, NONE, V, NONE, 0),				 /* INT3 */
	[0xcd] = OPD(INT, I, V, UB, 0),					 /* INT Ib */
	[0xce] = OPD(INTO, NONE, V, NONE, A_I64),			 /* INTO */
	[0xcf] = OPD(IRET, NONE, V, NONE, 0),				 /* IRET/D/Q */
	[0xd0] = GRPD(G2_D0, 0),					 /* group 2 Eb,1 */
	[0xd1] = GRPD(G2_D1, 0),					 /* group 2 Ev,1 */
	[0xd2] = GRPD(G2_D2, 0),					 /* group 2 Eb,CL */
	[0xd3] = GRPD(G2_D3, 0),					 /* group 2 Ev,CL */
	[0xd4] = OPD(AAM, I, B, UB, A_I64),				 /* AAM Ib */
	[0xd5] = OPD(AAD, I, B, UB, A_I64),				 /* AAD Ib */
	/* D6 (SALC) is reserved in the SDM: #UD. */
	[0xd7] = OPD(XLAT, NONE, B, NONE, 0), /* XLAT */
	/* D8-DF: x87 escapes; decode.c picks out the state instructions. */
	REG8(0xd8, OPD(NI_X87, E, V, NONE, A_MODRM | A_NI | A_X87)),
	[0xe0] = OPD(LOOPNE, I, F64, B, 0),   /* LOOPNE Jb */
	[0xe1] = OPD(LOOPE, I, F64, B, 0),    /* LOOPE Jb */
	[0xe2] = OPD(LOOP, I, F64, B, 0),     /* LOOP Jb */
	[0xe3] = OPD(JRCXZ, I, F64, B, 0),    /* JCXZ/JECXZ/JRCXZ Jb */
	[0xe4] = OPD(IN, I, B, UB, 0),	      /* IN AL,Ib */
	[0xe5] = OPD(IN, I, NO64, UB, 0),     /* IN eAX,Ib */
	[0xe6] = OPD(OUT, I, B, UB, 0),	      /* OUT Ib,AL */
	[0xe7] = OPD(OUT, I, NO64, UB, 0),    /* OUT Ib,eAX */
	[0xe8] = OPD(CALL, I, F64, Z, 0),     /* CALL Jz */
	[0xe9] = OPD(JMP, I, F64, Z, 0),      /* JMP Jz */
	[0xea] = OPD(JMPF, I, V, AP, A_I64),  /* JMP Ap */
	[0xeb] = OPD(JMP, I, F64, B, 0),      /* JMP Jb */
	[0xec] = OPD(IN, DX, B, NONE, 0),     /* IN AL,DX */
	[0xed] = OPD(IN, DX, NO64, NONE, 0),  /* IN eAX,DX */
	[0xee] = OPD(OUT, DX, B, NONE, 0),    /* OUT DX,AL */
	[0xef] = OPD(OUT, DX, NO64, NONE, 0), /* OUT DX,eAX */
	[0xf1] = OPD(INT1, NONE, V, NONE, 0), /* INT1 (ICEBP) */
	[0xf4] = OPD(HLT, NONE, V, NONE, 0),  /* HLT */
	[0xf5] = OPD(CMC, NONE, V, NONE, 0),  /* CMC */
	[0xf6] = GRPD(G3_F6, 0),	      /* group 3 Eb */
	[0xf7] = GRPD(G3_F7, 0),	      /* group 3 Ev */
	[0xf8] = OPD(CLC, NONE, V, NONE, 0),  /* CLC */
	[0xf9] = OPD(STC, NONE, V, NONE, 0),  /* STC */
	[0xfa] = OPD(CLI, NONE, V, NONE, 0),  /* CLI */
	[0xfb] = OPD(STI, NONE, V, NONE, 0),  /* STI */
	[0xfc] = OPD(CLD, NONE, V, NONE, 0),  /* CLD */
	[0xfd] = OPD(STD, NONE, V, NONE, 0),  /* STD */
	[0xfe] = GRPD(G4_FE, 0),	      /* group 4: INC/DEC Eb */
	[0xff] = GRPD(G5_FF, 0),	      /* group 5 */
};

/* Group 1 (SDM Table A-6): ADD OR ADC SBB AND SUB XOR CMP; all but CMP may LOCK. */
#define G1(osc_, imm_, x_)                                                                         \
	{                                                                                          \
		OPD(ADD, EI, osc_, imm_, A_LOCK | (x_)), OPD(OR, EI, osc_, imm_, A_LOCK | (x_)),   \
			OPD(ADC, EI, osc_, imm_, A_LOCK | (x_)),                                   \
			OPD(SBB, EI, osc_, imm_, A_LOCK | (x_)),                                   \
			OPD(AND, EI, osc_, imm_, A_LOCK | (x_)),                                   \
			OPD(SUB, EI, osc_, imm_, A_LOCK | (x_)),                                   \
			OPD(XOR, EI, osc_, imm_, A_LOCK | (x_)), OPD(CMP, EI, osc_, imm_, (x_))    \
	}

/* Group 2: ROL ROR RCL RCR SHL SHR SAL SAR; /6 (SAL) is SHL. */
#define G2(osc_, form_, imm_)                                                                      \
	{                                                                                          \
		OPD(ROL, form_, osc_, imm_, 0), OPD(ROR, form_, osc_, imm_, 0),                    \
			OPD(RCL, form_, osc_, imm_, 0), OPD(RCR, form_, osc_, imm_, 0),            \
			OPD(SHL, form_, osc_, imm_, 0), OPD(SHR, form_, osc_, imm_, 0),            \
			OPD(SHL, form_, osc_, imm_, 0), OPD(SAR, form_, osc_, imm_, 0)             \
	}

/* Group 3: TEST (/1 is an alias of /0), NOT, NEG, MUL, IMUL, DIV, IDIV. */
#define G3(osc_, imm_)                                                                             \
	{                                                                                          \
		OPD(TEST, EI, osc_, imm_, 0), OPD(TEST, EI, osc_, imm_, 0),                        \
			OPD(NOT, E, osc_, NONE, A_LOCK), OPD(NEG, E, osc_, NONE, A_LOCK),          \
			OPD(MUL, E, osc_, NONE, 0), OPD(IMUL1, E, osc_, NONE, 0),                  \
			OPD(DIV, E, osc_, NONE, 0), OPD(IDIV, E, osc_, NONE, 0)                    \
	}

const struct opdesc optab_grp1b[G1B_COUNT][8] =
	{
		[G1_80] = G1(B, B, 0),
		[G1_81] = G1(V, Z, 0),
		[G1_82] = G1(B, B, A_I64),
		[G1_83] = G1(V, B, 0),
		[G1A_8F] = {OPD(POP, E, D64, NONE, 0)}, /* /1-/7: XOP on AMD, #UD on Intel */
		[G2_C0] = G2(B, EI, UB),
		[G2_C1] = G2(V, EI, UB),
		[G2_D0] = G2(B, EI, ONE),
		[G2_D1] = G2(V, EI, ONE),
		[G2_D2] = G2(B, EC, NONE),
		[G2_D3] = G2(V, EC, NONE),
		/* Group 11: MOV; /7 is XABORT Ib (C6 F8) / XBEGIN Jz (C7 F8). */
		[G11_C6] = {[0] = OPD(MOV, EI, B, B, 0), [7] = OPD(NI_TSX, I, B, B, A_NI)},
		[G11_C7] = {[0] = OPD(MOV, EI, V, Z, 0), [7] = OPD(NI_TSX, I, V, Z, A_NI)},
		[G3_F6] = G3(B, B),
		[G3_F7] = G3(V, Z),
		[G4_FE] = {OPD(INC, E, B, NONE, A_LOCK), OPD(DEC, E, B, NONE, A_LOCK)},
		[G5_FF] =
			{
				OPD(INC, E, V, NONE, A_LOCK),	   /* /0 INC Ev */
				OPD(DEC, E, V, NONE, A_LOCK),	   /* /1 DEC Ev */
				OPD(CALL_IND, E, F64, NONE, 0),	   /* /2 CALL Ev */
				OPD(CALLF_IND, E, V, NONE, A_MEM), /* /3 CALL Mp */
				OPD(JMP_IND, E, F64, NONE, 0),	   /* /4 JMP Ev */
				OPD(JMPF_IND, E, V, NONE, A_MEM),  /* /5 JMP Mp */
				OPD(PUSH, E, D64, NONE, 0),	   /* /6 PUSH Ev */
			},
};
