/* SPDX-License-Identifier: MIT */
/*
 * The two-byte (0F) opcode map, its groups, the 0F 01 register forms and the
 * substitute rows decode.c picks by prefix, mode or ModRM (SDM Vol. 2, Tables
 * SSE/MMX rows are kept only so that their length is known.
 */
#include "optable.h"

#define SSE    OPD(NI_SSE, E, V, NONE, A_MODRM | A_NI)
#define SSE_IB OPD(NI_SSE, E, V, UB, A_MODRM | A_NI)
#define NOP_EV OPD(NOP, E, V, NONE, A_MODRM)
#define CMOV   OPD(CMOVCC, GE, V, NONE, A_MODRM | A_CC)
#define JCC_JZ OPD(JCC, I, F64, Z, A_CC)
#define SETCC  OPD(SETCC, E, B, NONE, A_MODRM | A_CC)
#define BSWAP  OPD(BSWAP, E, V, NONE, A_OPREG)
#define REG8(b_, ...)                                                                              \
	[(b_) + 0] = __VA_ARGS__, [(b_) + 1] = __VA_ARGS__, [(b_) + 2] = __VA_ARGS__,              \
		[(b_) + 3] = __VA_ARGS__, [(b_) + 4] = __VA_ARGS__, [(b_) + 5] = __VA_ARGS__,      \
		[(b_) + 6] = __VA_ARGS__, [(b_) + 7] = __VA_ARGS__
#define ROW16(b_, ...) REG8(b_, __VA_ARGS__), REG8((b_) + 8, __VA_ARGS__)

const struct opdesc optab_0f[256] = {
	[0x00] = GRPD(G6_0F00, 0),			     /* group 6 */
	[0x01] = GRPD(G7_0F01, A_RMTAB),		     /* group 7 */
	[0x02] = OPD(LAR, GE, V, NONE, A_MODRM),	     /* LAR Gv,Ew */
	[0x03] = OPD(LSL, GE, V, NONE, A_MODRM),	     /* LSL Gv,Ew */
	[0x05] = OPD(SYSCALL, NONE, V, NONE, 0),	     /* SYSCALL */
	[0x06] = OPD(CLTS, NONE, V, NONE, 0),		     /* CLTS */
	[0x07] = OPD(SYSRET, NONE, V, NONE, 0),		     /* SYSRET (REX.W: to 64-bit) */
	[0x08] = OPD(INVD, NONE, V, NONE, 0),		     /* INVD */
	[0x09] = OPD(WBINVD, NONE, V, NONE, 0),		     /* WBINVD */
	[0x0b] = OPD(UD2, NONE, V, NONE, A_UD),		     /* UD2 */
	[0x0d] = OPD(PREFETCH, E, V, NONE, A_MODRM | A_MEM), /* PREFETCHW */
	[0x0e] = OPD(NI_3DNOW, NONE, V, NONE, A_NI),	     /* FEMMS */
	[0x0f] = OPD(NI_3DNOW, E, V, UB, A_MODRM | A_NI),    /* 3DNow!: suffix byte */
	REG8(0x10, SSE),				     /* MOVUPS .. MOVHPS */
	[0x18] = OPD(PREFETCH, E, V, NONE, A_MODRM),	     /* PREFETCHh; reserved NOP */
	[0x19] = NOP_EV,				     /* 19-1F: NOP Ev (0F 1F /0 is */
	[0x1a] = NOP_EV,				     /* the recommended long NOP; */
	[0x1b] = NOP_EV,				     /* 1E FA/FB with F3 is ENDBR) */
	[0x1c] = NOP_EV,
	[0x1d] = NOP_EV,
	[0x1e] = NOP_EV,
	[0x1f] = NOP_EV,
	/* MOV CR/DR: "the 2 bits in the mod field are ignored" (SDM MOV CR/DR). */
	[0x20] = OPD(MOV_FROM_CR, E, CR, NONE, A_MODRM | A_MODREG),	    /* MOV Rd,Cd */
	[0x21] = OPD(MOV_FROM_DR, E, CR, NONE, A_MODRM | A_MODREG | A_FIX), /* MOV Rd,Dd */
	[0x22] = OPD(MOV_TO_CR, E, CR, NONE, A_MODRM | A_MODREG),	    /* MOV Cd,Rd */
	[0x23] = OPD(MOV_TO_DR, E, CR, NONE, A_MODRM | A_MODREG | A_FIX),   /* MOV Dd,Rd */
	REG8(0x28, SSE),						    /* MOVAPS .. COMISS */
	[0x30] = OPD(WRMSR, NONE, V, NONE, 0),				    /* WRMSR */
	[0x31] = OPD(RDTSC, NONE, V, NONE, 0),				    /* RDTSC */
	[0x32] = OPD(RDMSR, NONE, V, NONE, 0),				    /* RDMSR */
	[0x33] = OPD(RDPMC, NONE, V, NONE, 0),				    /* RDPMC */
	[0x34] = OPD(SYSENTER, NONE, V, NONE, 0),			    /* SYSENTER */
	[0x35] = OPD(SYSEXIT, NONE, V, NONE, 0),		 /* SYSEXIT (REX.W: to 64-bit) */
	[0x37] = OPD(NI_GETSEC, NONE, V, NONE, A_NI),		 /* GETSEC */
	ROW16(0x40, CMOV),					 /* CMOVcc Gv,Ev */
	ROW16(0x50, SSE),					 /* MOVMSKPS .. MAXPS */
	ROW16(0x60, SSE),					 /* PUNPCKLBW .. MOVQ/MOVDQA */
	[0x70] = SSE_IB,					 /* PSHUFW/PSHUFD Ib */
	[0x71] = SSE_IB,					 /* group 12: shifts Ib */
	[0x72] = SSE_IB,					 /* group 13 */
	[0x73] = SSE_IB,					 /* group 14 */
	[0x74] = SSE,						 /* PCMPEQB */
	[0x75] = SSE,						 /* PCMPEQW */
	[0x76] = SSE,						 /* PCMPEQD */
	[0x77] = OPD(NI_SSE, NONE, V, NONE, A_NI),		 /* EMMS: no ModRM */
	[0x78] = OPD(NI_VMX, E, V, NONE, A_MODRM | A_NI),	 /* VMREAD */
	[0x79] = OPD(NI_VMX, E, V, NONE, A_MODRM | A_NI),	 /* VMWRITE */
	[0x7c] = SSE,						 /* HADDPD */
	[0x7d] = SSE,						 /* HSUBPD */
	[0x7e] = SSE,						 /* MOVD/MOVQ Ey,Pd */
	[0x7f] = SSE,						 /* MOVQ/MOVDQA W,V */
	ROW16(0x80, JCC_JZ),					 /* Jcc Jz */
	ROW16(0x90, SETCC),					 /* SETcc Eb */
	[0xa0] = OPX(PUSH_SEG, NONE, D64, NONE, A_SREG, SEG_FS), /* PUSH FS */
	[0xa1] = OPX(POP_SEG, NONE, D64, NONE, A_SREG, SEG_FS),	 /* POP FS */
	[0xa2] = OPD(CPUID, NONE, V, NONE, 0),			 /* CPUID */
	[0xa3] = OPD(BT, EG, V, NONE, A_MODRM),			 /* BT Ev,Gv */
	[0xa4] = OPD(SHLD, EGI, V, UB, A_MODRM),		 /* SHLD Ev,Gv,Ib */
	[0xa5] = OPD(SHLD, EGC, V, NONE, A_MODRM),		 /* SHLD Ev,Gv,CL */
	[0xa8] = OPX(PUSH_SEG, NONE, D64, NONE, A_SREG, SEG_GS), /* PUSH GS */
	[0xa9] = OPX(POP_SEG, NONE, D64, NONE, A_SREG, SEG_GS),	 /* POP GS */
	[0xaa] = OPD(NI_RSM, NONE, V, NONE, A_UD),		 /* RSM: #UD outside SMM */
	[0xab] = OPD(BTS, EG, V, NONE, A_MODRM | A_LOCK),	 /* BTS Ev,Gv */
	[0xac] = OPD(SHRD, EGI, V, UB, A_MODRM),		 /* SHRD Ev,Gv,Ib */
	[0xad] = OPD(SHRD, EGC, V, NONE, A_MODRM),		 /* SHRD Ev,Gv,CL */
	[0xae] = GRPD(G15_0FAE, A_SPLIT),			 /* group 15 */
	[0xaf] = OPD(IMUL, GE, V, NONE, A_MODRM),		 /* IMUL Gv,Ev */
	[0xb0] = OPD(CMPXCHG, EG, B, NONE, A_MODRM | A_LOCK),	 /* CMPXCHG Eb,Gb */
	[0xb1] = OPD(CMPXCHG, EG, V, NONE, A_MODRM | A_LOCK),	 /* CMPXCHG Ev,Gv */
	[0xb2] = OPD(LSS, GE, V, NONE, A_MODRM | A_MEM),	 /* LSS Gv,Mp */
	[0xb3] = OPD(BTR, EG, V, NONE, A_MODRM | A_LOCK),	 /* BTR Ev,Gv */
	[0xb4] = OPD(LFS, GE, V, NONE, A_MODRM | A_MEM),	 /* LFS Gv,Mp */
	[0xb5] = OPD(LGS, GE, V, NONE, A_MODRM | A_MEM),	 /* LGS Gv,Mp */
	[0xb6] = OPD(MOVZX_B, GE, V, NONE, A_MODRM),		 /* MOVZX Gv,Eb */
	[0xb7] = OPD(MOVZX_W, GE, V, NONE, A_MODRM),		 /* MOVZX Gv,Ew */
	[0xb8] = OPD(POPCNT, GE, V, NONE, A_MODRM | A_FIX),	 /* F3: POPCNT; else #UD */
	/* B9 is UD1 and FF is UD0: #UD. */
	[0xba] = GRPD(G8_0FBA, 0),			   /* group 8 Ev,Ib */
	[0xbb] = OPD(BTC, EG, V, NONE, A_MODRM | A_LOCK),  /* BTC Ev,Gv */
	[0xbc] = OPD(BSF, GE, V, NONE, A_MODRM | A_FIX),   /* BSF; F3: TZCNT */
	[0xbd] = OPD(BSR, GE, V, NONE, A_MODRM | A_FIX),   /* BSR; F3: LZCNT */
	[0xbe] = OPD(MOVSX_B, GE, V, NONE, A_MODRM),	   /* MOVSX Gv,Eb */
	[0xbf] = OPD(MOVSX_W, GE, V, NONE, A_MODRM),	   /* MOVSX Gv,Ew */
	[0xc0] = OPD(XADD, EG, B, NONE, A_MODRM | A_LOCK), /* XADD Eb,Gb */
	[0xc1] = OPD(XADD, EG, V, NONE, A_MODRM | A_LOCK), /* XADD Ev,Gv */
	[0xc2] = SSE_IB,				   /* CMPPS Ib */
	[0xc3] = SSE,					   /* MOVNTI */
	[0xc4] = SSE_IB,				   /* PINSRW Ib */
	[0xc5] = SSE_IB,				   /* PEXTRW Ib */
	[0xc6] = SSE_IB,				   /* SHUFPS Ib */
	[0xc7] = GRPD(G9_0FC7, A_SPLIT),		   /* group 9 */
	REG8(0xc8, BSWAP),				   /* BSWAP r */
	ROW16(0xd0, SSE),				   /* D0-FE: MMX/SSE */
	ROW16(0xe0, SSE),
	REG8(0xf0, SSE),
	[0xf8] = SSE,
	[0xf9] = SSE,
	[0xfa] = SSE,
	[0xfb] = SSE,
	[0xfc] = SSE,
	[0xfd] = SSE,
	[0xfe] = SSE,
};

const struct opdesc optab_grp0f[G0F_COUNT][8] =
	{
		[G6_0F00] =
			{
				OPD(SLDT, E, V, NONE, 0), /* /0 SLDT Ev */
				OPD(STR, E, V, NONE, 0),  /* /1 STR Ev */
				OPD(LLDT, E, W, NONE, 0), /* /2 LLDT Ew */
				OPD(LTR, E, W, NONE, 0),  /* /3 LTR Ew */
				OPD(VERR, E, W, NONE, 0), /* /4 VERR Ew */
				OPD(VERW, E, W, NONE, 0), /* /5 VERW Ew */
			},
		/* Memory forms; in 64-bit mode the table registers are 8+2 bytes. */
		[G7_0F01] =
			{
				OPD(SGDT, E, F64, NONE, A_MEM), /* /0 SGDT Ms */
				OPD(SIDT, E, F64, NONE, A_MEM), /* /1 SIDT Ms */
				OPD(LGDT, E, F64, NONE, A_MEM), /* /2 LGDT Ms */
				OPD(LIDT, E, F64, NONE, A_MEM), /* /3 LIDT Ms */
				OPD(SMSW, E, V, NONE, 0),	/* /4 SMSW Mw */
				{0},				/* /5 */
				OPD(LMSW, E, W, NONE, 0),	/* /6 LMSW Ew */
				OPD(INVLPG, E, V, NONE, A_MEM), /* /7 INVLPG M */
			},
		[G15_0FAE] =
			{
				OPD(FXSAVE, E, V, NONE, A_MEM),	 /* /0 FXSAVE (REX.W: FXSAVE64) */
				OPD(FXRSTOR, E, V, NONE, A_MEM), /* /1 FXRSTOR */
				OPD(LDMXCSR, E, V, NONE, A_MEM), /* /2 LDMXCSR Md */
				OPD(STMXCSR, E, V, NONE, A_MEM), /* /3 STMXCSR Md */
				OPD(NI_XSAVE, E, V, NONE, A_NI), /* /4 XSAVE */
				OPD(NI_XSAVE, E, V, NONE, A_NI), /* /5 XRSTOR */
				OPD(NI_XSAVE, E, V, NONE, A_NI), /* /6 XSAVEOPT */
				OPD(CLFLUSH, E, V, NONE, A_MEM), /* /7 CLFLUSH (66: CLFLUSHOPT) */
			},
		/* /0-/3 are RDFSBASE.. WRGSBASE with F3 only (decode.c). */
		[G15_0FAE_REG] =
			{
				OPD(NI_FSGSBASE, E, V, NONE, A_NI | A_FIX),
				OPD(NI_FSGSBASE, E, V, NONE, A_NI | A_FIX),
				OPD(NI_FSGSBASE, E, V, NONE, A_NI | A_FIX),
				OPD(NI_FSGSBASE, E, V, NONE, A_NI | A_FIX),
				{0},
				OPD(LFENCE, NONE, V, NONE, 0), /* /5 LFENCE */
				OPD(MFENCE, NONE, V, NONE, 0), /* /6 MFENCE */
				OPD(SFENCE, NONE, V, NONE, 0), /* /7 SFENCE */
			},
		[G8_0FBA] =
			{
				[4] = OPD(BT, EI, V, UB, 0),	   /* /4 BT Ev,Ib */
				[5] = OPD(BTS, EI, V, UB, A_LOCK), /* /5 BTS Ev,Ib */
				[6] = OPD(BTR, EI, V, UB, A_LOCK), /* /6 BTR Ev,Ib */
				[7] = OPD(BTC, EI, V, UB, A_LOCK), /* /7 BTC Ev,Ib */
			},
		[G9_0FC7] =
			{
				[1] = OPD(CMPXCHG8B, E,
					  V, NONE, A_MEM | A_LOCK | A_FIX), /* REX.W: 16B */
				[3] = OPD(NI_XSAVE, E, V, NONE, A_NI),	    /* XRSTORS */
				[4] = OPD(NI_XSAVE, E, V, NONE, A_NI),	    /* XSAVEC */
				[5] = OPD(NI_XSAVE, E, V, NONE, A_NI),	    /* XSAVES */
				[6] = OPD(NI_VMX, E, V, NONE, A_NI), /* VMPTRLD, VMCLEAR, VMXON */
				[7] = OPD(NI_VMX, E, V, NONE, A_NI), /* VMPTRST */
			},
		[G9_0FC7_REG] =
			{
				[6] = OPD(NI_RDRAND, E, V, NONE, A_NI), /* RDRAND */
				[7] = OPD(NI_RDRAND, E,
					  V, NONE, A_NI | A_FIX), /* RDSEED; F3: RDPID */
			},
};

#define ALL8(b_, ...) REG8(b_, __VA_ARGS__)

/* 0F 01 with mod == 3, indexed by ModRM.reg * 8 + ModRM.rm (SDM Table A-6 note). */
const struct opdesc optab_0f01_reg[64] = {
	[000] = OPD(NI_SGX, NONE, V, NONE, A_NI),     /* ENCLV */
	[001] = OPD(VMCALL, NONE, V, NONE, 0),	      /* VMCALL: a hypercall */
	[002] = OPD(NI_VMX, NONE, V, NONE, A_NI),     /* VMLAUNCH */
	[003] = OPD(NI_VMX, NONE, V, NONE, A_NI),     /* VMRESUME */
	[004] = OPD(NI_VMX, NONE, V, NONE, A_NI),     /* VMXOFF */
	[010] = OPD(NI_MONITOR, NONE, V, NONE, A_NI), /* MONITOR */
	[011] = OPD(NI_MONITOR, NONE, V, NONE, A_NI), /* MWAIT */
	[012] = OPD(NI_SMAP, NONE, V, NONE, A_NI),    /* CLAC */
	[013] = OPD(NI_SMAP, NONE, V, NONE, A_NI),    /* STAC */
	[017] = OPD(NI_SGX, NONE, V, NONE, A_NI),     /* ENCLS */
	[020] = OPD(XGETBV, NONE, V, NONE, 0),	      /* XGETBV */
	[021] = OPD(XSETBV, NONE, V, NONE, 0),	      /* XSETBV */
	[024] = OPD(NI_VMX, NONE, V, NONE, A_NI),     /* VMFUNC */
	[025] = OPD(NI_TSX, NONE, V, NONE, A_NI),     /* XEND */
	[026] = OPD(NI_TSX, NONE, V, NONE, A_NI),     /* XTEST */
	[027] = OPD(NI_SGX, NONE, V, NONE, A_NI),     /* ENCLU */
	[030] = OPD(NI_SVM, NONE, V, NONE, A_NI),     /* VMRUN */
	[031] = OPD(VMCALL, NONE, V, NONE, 0),	      /* VMMCALL: a hypercall */
	[032] = OPD(NI_SVM, NONE, V, NONE, A_NI),     /* VMLOAD */
	[033] = OPD(NI_SVM, NONE, V, NONE, A_NI),     /* VMSAVE */
	[034] = OPD(NI_SVM, NONE, V, NONE, A_NI),     /* STGI */
	[035] = OPD(NI_SVM, NONE, V, NONE, A_NI),     /* CLGI */
	[036] = OPD(NI_SVM, NONE, V, NONE, A_NI),     /* SKINIT */
	[037] = OPD(NI_SVM, NONE, V, NONE, A_NI),     /* INVLPGA */
	ALL8(040, OPD(SMSW, E, V, NONE, 0)),	      /* SMSW Rv */
	[056] = OPD(NI_PKU, NONE, V, NONE, A_NI),     /* RDPKRU */
	[057] = OPD(NI_PKU, NONE, V, NONE, A_NI),     /* WRPKRU */
	ALL8(060, OPD(LMSW, E, W, NONE, 0)),	      /* LMSW Rw */
	[070] = OPD(SWAPGS, NONE, V, NONE, A_O64),    /* SWAPGS: 64-bit mode only */
	[071] = OPD(RDTSCP, NONE, V, NONE, 0),	      /* RDTSCP */
	[072] = OPD(NI_AMD, NONE, V, NONE, A_NI),     /* MONITORX */
	[073] = OPD(NI_AMD, NONE, V, NONE, A_NI),     /* MWAITX */
	[074] = OPD(NI_AMD, NONE, V, NONE, A_NI),     /* CLZERO */
	[075] = OPD(NI_AMD, NONE, V, NONE, A_NI),     /* RDPRU */
};

const struct opdesc optab_alt[ALT_COUNT] = {
	[ALT_PAUSE] = OPD(PAUSE, NONE, V, NONE, 0),
	[ALT_MOVSXD] = OPD(MOVSXD, GE, V, NONE, A_MODRM),
	[ALT_VEX] = OPD(NI_VEX, NONE, V, NONE, A_NI),
	[ALT_EVEX] = OPD(NI_EVEX, NONE, V, NONE, A_NI),
	[ALT_0F38] = OPD(NI_0F38, E, V, NONE, A_MODRM | A_NI),
	[ALT_0F3A] = OPD(NI_0F3A, E, V, UB, A_MODRM | A_NI),
	[ALT_TZCNT] = OPD(TZCNT, GE, V, NONE, A_MODRM),
	[ALT_LZCNT] = OPD(LZCNT, GE, V, NONE, A_MODRM),
	[ALT_CMPXCHG16B] = OPD(CMPXCHG16B, E, V, NONE, A_MEM | A_LOCK),
	[ALT_RDPID] = OPD(RDPID, E, CR, NONE, 0),
	[ALT_FLDCW] = OPD(FLDCW, E, W, NONE, 0),
	[ALT_FNSTCW] = OPD(FNSTCW, E, W, NONE, 0),
	[ALT_FNCLEX] = OPD(FNCLEX, NONE, V, NONE, 0),
	[ALT_FNINIT] = OPD(FNINIT, NONE, V, NONE, 0),
	[ALT_FNSTSW] = OPD(FNSTSW, E, W, NONE, 0),
};
