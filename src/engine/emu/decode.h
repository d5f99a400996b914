/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's x86 instruction decoder (issue #4 item 1): bytes at CS:RIP in,
 * one `struct insn` out, for 16-, 32- and 64-bit code. Table-driven (optable.c,
 * optable0f.c). Each instruction is decoded once: the executor works from the
 * struct alone and never looks at the bytes again, so the struct can be cached
 * per guest page.
 *
 * What is decoded: the general-purpose integer set, the system instructions,
 * string and I/O instructions, the x87/SSE state instructions FNINIT FNCLEX
 * FNSTSW FNSTCW FLDCW FWAIT FXSAVE FXRSTOR LDMXCSR STMXCSR, fences, prefetches
 * and every NOP form.
 *
 * What is not (DECODE_NI, with `op` naming the family): SSE/AVX/MMX arithmetic
 * (VEX, EVEX, 0F 10-7F, 0F C2-C6, 0F D0-FE, the 0F 38 and 0F 3A maps), x87
 * arithmetic, 3DNow!, XSAVE and friends, VMX/SVM/SGX/TSX, MONITOR/MWAIT, CLAC/
 * STAC, RDRAND/RDSEED, RD/WR FS/GS BASE, PKRU. Lengths are still computed for
 * these so traces can show the whole instruction, except VEX/EVEX, where `len`
 * covers only the bytes read to recognise the escape.
 *
 * Vendor choices: where Intel and AMD decode differently the decoder follows
 * Intel: in 64-bit mode 66 does not shrink near branches (Jcc/JMP/CALL rel are
 * always rel8/rel32 and 64-bit), LOCK MOV CR0 is #UD (not AMD's CR8 alias), 8F
 * /1-/7 is #UD (not XOP). F3 0F BC/BD decode as TZCNT/LZCNT; a CPU model
 * without BMI1/LZCNT executes them as BSF/BSR, which the executor decides.
 */
#ifndef VX86_EMU_DECODE_H
#define VX86_EMU_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "vcpu/state.h" /* enum gpr and enum seg give the register numbering */

/* SDM Vol. 2 §2.3.11: an instruction longer than 15 bytes raises #GP(0). */
#define INSN_MAX_LEN 15

/* Result of insn_decode(). */
enum decode_result {
	DECODE_OK = 0,
	DECODE_UD,   /* undefined, or invalid in this mode or with these prefixes: #UD */
	DECODE_NI,   /* defined, but vx86 does not implement it: #UD, and say so */
	DECODE_GP,   /* longer than INSN_MAX_LEN bytes: #GP(0) */
	DECODE_MORE, /* `avail` ended first (and is < 15): fetch the next page and retry */
};

/*
 * Operations. X(id, mnemonic): the enum is OP_<id>. One operation covers every
 * encoding and size of an instruction; `form`, `osz` and the flags say which
 * operands that encoding has. The mnemonic is the base name, without a size
 * suffix (osz gives the size).
 */
/* clang-format off */
#define INSN_OPS(X) \
	X(NONE, "(bad)") \
	/* integer ALU; ADD..CMP are in ModRM.reg order of group 1 */ \
	X(ADD, "add") \
	X(OR, "or") \
	X(ADC, "adc") \
	X(SBB, "sbb") \
	X(AND, "and") \
	X(SUB, "sub") \
	X(XOR, "xor") \
	X(CMP, "cmp") \
	X(TEST, "test") \
	X(NOT, "not") \
	X(NEG, "neg") \
	X(INC, "inc") \
	X(DEC, "dec") \
	X(MUL, "mul") \
	X(IMUL1, "imul") \
	X(IMUL, "imul") \
	X(DIV, "div") \
	X(IDIV, "idiv") \
	/* shifts and rotates; ROL..SAR are in ModRM.reg order of group 2 (/6 = SHL) */ \
	X(ROL, "rol") \
	X(ROR, "ror") \
	X(RCL, "rcl") \
	X(RCR, "rcr") \
	X(SHL, "shl") \
	X(SHR, "shr") \
	X(SAR, "sar") \
	X(SHLD, "shld") \
	X(SHRD, "shrd") \
	/* data movement */ \
	X(MOV, "mov") \
	X(MOVZX_B, "movzx") \
	X(MOVZX_W, "movzx") \
	X(MOVSX_B, "movsx") \
	X(MOVSX_W, "movsx") \
	X(MOVSXD, "movsxd") \
	X(XCHG, "xchg") \
	X(XADD, "xadd") \
	X(CMPXCHG, "cmpxchg") \
	X(CMPXCHG8B, "cmpxchg8b") \
	X(CMPXCHG16B, "cmpxchg16b") \
	X(LEA, "lea") \
	X(BSWAP, "bswap") \
	X(CBW, "cbw") \
	X(CWD, "cwd") \
	X(XLAT, "xlat") \
	X(LAHF, "lahf") \
	X(SAHF, "sahf") \
	/* stack */ \
	X(PUSH, "push") \
	X(POP, "pop") \
	X(PUSH_SEG, "push") \
	X(POP_SEG, "pop") \
	X(PUSHA, "pusha") \
	X(POPA, "popa") \
	X(PUSHF, "pushf") \
	X(POPF, "popf") \
	X(ENTER, "enter") \
	X(LEAVE, "leave") \
	/* control transfer */ \
	X(JMP, "jmp") \
	X(JMP_IND, "jmp") \
	X(JMPF, "ljmp") \
	X(JMPF_IND, "ljmp") \
	X( CALL, "call") \
	X(CALL_IND, "call") \
	X(CALLF, "lcall") \
	X(CALLF_IND, "lcall") \
	X(RET, "ret") \
	X(RETF, "lret") \
	X(JCC, "jcc") \
	X(SETCC, "setcc") \
	X(CMOVCC, "cmovcc") \
	X(LOOP, "loop") \
	X(LOOPE, "loope") \
	X(LOOPNE, "loopne") \
	X(JRCXZ, "jrcxz") \
	X(INT, "int") \
	X( INT3, "int3") \
	X(INT1, "int1") \
	X(INTO, "into") \
	X(IRET, "iret") \
	/* strings (REP/REPE/REPNE from the prefix flags) and I/O */ \
	X(MOVS, "movs") \
	X(CMPS, "cmps") \
	X(STOS, "stos") \
	X(LODS, "lods") \
	X(SCAS, "scas") \
	X(INS, "ins") \
	X(OUTS, "outs") \
	X(IN, "in") \
	X(OUT, "out") \
	/* bits */ \
	X(BT, "bt") \
	X(BTS, "bts") \
	X(BTR, "btr") \
	X(BTC, "btc") \
	X(BSF, "bsf") \
	X(BSR, "bsr") \
	X(TZCNT, "tzcnt") \
	X(LZCNT, "lzcnt") \
	X(POPCNT, "popcnt") \
	/* flags and misc */ \
	X(CLC, "clc") \
	X(STC, "stc") \
	X(CMC, "cmc") \
	X(CLD, "cld") \
	X(STD, "std") \
	X(CLI, "cli") \
	X(STI, "sti") \
	X(NOP, "nop") \
	X(PAUSE, "pause") \
	X(HLT, "hlt") \
	X(VMCALL, "vmcall/vmmcall") \
	X(UD2, "ud2") \
	X(PREFETCH, "prefetch") \
	X(LFENCE, "lfence") \
	X(MFENCE, "mfence") \
	X(SFENCE, "sfence") \
	X( CLFLUSH, "clflush") \
	/* legacy (16/32-bit only) */ \
	X(DAA, "daa") \
	X(DAS, "das") \
	X(AAA, "aaa") \
	X(AAS, "aas") \
	X(AAM, "aam") \
	X(AAD, "aad") \
	X(BOUND, "bound") \
	X(ARPL, "arpl") \
	/* segments and descriptor tables */ \
	X(MOV_TO_SREG, "mov") \
	X(MOV_FROM_SREG, "mov") \
	X(LDS, "lds") \
	X(LES, "les") \
	X(LSS, "lss") \
	X(LFS, "lfs") \
	X(LGS, "lgs") \
	X(LGDT, "lgdt") \
	X(LIDT, "lidt") \
	X(SGDT, "sgdt") \
	X(SIDT, "sidt") \
	X(LLDT, "lldt") \
	X(SLDT, "sldt") \
	X( LTR, "ltr") \
	X(STR, "str") \
	X(VERR, "verr") \
	X(VERW, "verw") \
	X(LAR, "lar") \
	X(LSL, "lsl") \
	/* control and debug registers, MSRs, TLB and caches */ \
	X(MOV_TO_CR, "mov") \
	X(MOV_FROM_CR, "mov") \
	X(MOV_TO_DR, "mov") \
	X( MOV_FROM_DR, "mov") \
	X(LMSW, "lmsw") \
	X(SMSW, "smsw") \
	X(CLTS, "clts") \
	X(RDMSR, "rdmsr") \
	X(WRMSR, "wrmsr") \
	X(INVLPG, "invlpg") \
	X(WBINVD, "wbinvd") \
	X(INVD, "invd") \
	/* identification, time, fast system calls */ \
	X(CPUID, "cpuid") \
	X(RDTSC, "rdtsc") \
	X(RDTSCP, "rdtscp") \
	X(RDPID, "rdpid") \
	X(RDPMC, "rdpmc") \
	X(XGETBV, "xgetbv") \
	X(XSETBV, "xsetbv") \
	X(SYSCALL, "syscall") \
	X(SYSRET, "sysret") \
	X(SYSENTER, "sysenter") \
	X(SYSEXIT, "sysexit") \
	X(SWAPGS, "swapgs") \
	/* x87 and SSE state */ \
	X(FNINIT, "fninit") \
	X(FNCLEX, "fnclex") \
	X(FNSTSW, "fnstsw") \
	X(FNSTCW, "fnstcw") \
	X(FLDCW, "fldcw") \
	X(FWAIT, "fwait") \
	X(FXSAVE, "fxsave") \
	X( FXRSTOR, "fxrstor") \
	X(LDMXCSR, "ldmxcsr") \
	X(STMXCSR, "stmxcsr") \
	/* families decoded only to be refused (DECODE_NI) */ \
	X(NI_SSE, "sse") \
	X(NI_X87, "x87") \
	X(NI_VEX, "vex") \
	X(NI_EVEX, "evex") \
	X( NI_3DNOW, "3dnow") \
	X(NI_0F38, "0f38") \
	X(NI_0F3A, "0f3a") \
	X(NI_XSAVE, "xsave") \
	X(NI_VMX, "vmx") \
	X(NI_SVM, "svm") \
	X(NI_SGX, "sgx") \
	X(NI_TSX, "tsx") \
	X(NI_MONITOR, "monitor/mwait") \
	X( NI_SMAP, "clac/stac") \
	X(NI_RDRAND, "rdrand/rdseed") \
	X(NI_FSGSBASE, "rdfsbase/wrfsbase") \
	X(NI_PKU, "rdpkru/wrpkru") \
	X(NI_GETSEC, "getsec") \
	X(NI_AMD, "amd-only") \
	X(NI_RSM, "rsm")
/* clang-format on */

enum insn_op {
#define INSN_OP_ENUM(id, name) OP_##id,
	INSN_OPS(INSN_OP_ENUM)
#undef INSN_OP_ENUM
	OP_COUNT
};

/*
 * Which explicit operands the encoding has. E is the ModRM r/m operand: memory
 * when INSN_F_MEM is set, else the register `rm`. Encodings with a register in
 * the opcode (50+r, B8+r, 91+r, 0F C8+r, ...) and accumulator forms (04, A8, ...)
 * come out as E with mod 3 and rm = that register (0 for the accumulator), so
 * every ADD is EG, GE or EI. G is the register `reg`.
 */
enum insn_form {
	INSN_FORM_NONE, /* implicit operands only */
	INSN_FORM_E,	/* E (also: reg is a sreg/CR/DR number, or a DR/CR move's peer) */
	INSN_FORM_EG,	/* E <- op(E, G) */
	INSN_FORM_GE,	/* G <- op(G, E) */
	INSN_FORM_EI,	/* E <- op(E, imm); D0/D1 shifts have imm = 1 */
	INSN_FORM_EC,	/* E <- op(E, CL): shift group D2/D3 */
	INSN_FORM_GEI,	/* G <- op(E, imm): IMUL 69/6B */
	INSN_FORM_EGI,	/* E <- op(E, G, imm): SHLD/SHRD Ib */
	INSN_FORM_EGC,	/* E <- op(E, G, CL): SHLD/SHRD CL */
	INSN_FORM_I,	/* imm only: PUSH imm, INT n, RET n, ENTER, branches, IN/OUT port */
	INSN_FORM_DX,	/* IN/OUT with the port in DX */
};

/* struct insn.flags */
#define INSN_F_LOCK	   0x0001 /* F0 */
#define INSN_F_F3	   0x0002 /* F3 seen (REP/REPE) */
#define INSN_F_F2	   0x0004 /* F2 seen (REPNE) */
#define INSN_F_REPNZ	   0x0008 /* the last of F2/F3 was F2: string ops repeat while ZF=0 */
#define INSN_F_OSZ	   0x0010 /* 66 seen */
#define INSN_F_ASZ	   0x0020 /* 67 seen */
#define INSN_F_REX	   0x0040 /* a REX prefix is in effect (byte regs 4-7 are SPL..DIL) */
#define INSN_F_REX_DROPPED 0x0080 /* a REX was ignored: a prefix followed it */
#define INSN_F_MODRM	   0x0100 /* a ModRM byte is present */
#define INSN_F_SIB	   0x0200 /* a SIB byte is present */
#define INSN_F_MEM	   0x0400 /* E is a memory operand */
#define INSN_F_RIPREL	   0x0800 /* base is RIP: add `len` (SDM Vol. 2 §2.2.1.6) */
#define INSN_F_MOFFS	   0x1000 /* A0-A3: the address is `imm`, no ModRM */

#define INSN_F_REP (INSN_F_F2 | INSN_F_F3) /* any repeat prefix */

#define INSN_REG_RIP  16   /* base: RIP-relative */
#define INSN_REG_NONE 0xff /* base or index absent */
#define INSN_SEG_NONE 0xff /* segpfx: no override prefix */

/* struct insn.map: the opcode map of `opcode`. */
enum insn_map {
	INSN_MAP_1B,   /* one-byte */
	INSN_MAP_0F,   /* 0F xx */
	INSN_MAP_0F38, /* 0F 38 xx */
	INSN_MAP_0F3A, /* 0F 3A xx */
};

/*
 * One decoded instruction (40 bytes). Memory operand: the address is
 * base + (index << scale) + disp (+ len when INSN_F_RIPREL, + imm when
 * INSN_F_MOFFS), truncated to `asz` bytes, in segment `seg`. In 16-bit
 * addressing base/index are the classic BX, BP, SI, DI. disp and imm are
 * sign-extended to their field width, except the unsigned immediates (port,
 * vector, shift/bit count, RET/ENTER sizes, moffs, far pointer offset).
 */
struct insn {
	uint64_t imm;	/* immediate (or the moffs address) */
	int32_t disp;	/* displacement */
	uint16_t op;	/* enum insn_op */
	uint16_t flags; /* INSN_F_* */
	uint16_t imm2;	/* far pointer selector (9A/EA), ENTER nesting level */
	uint8_t len;	/* bytes consumed: the length on DECODE_OK/NI */
	uint8_t osz;	/* effective operand size in bytes: 1, 2, 4 or 8 */
	uint8_t asz;	/* address size in bytes: 2, 4 or 8 */
	uint8_t form;	/* enum insn_form */
	uint8_t seg;	/* enum seg of the DS-class memory operand (override or default) */
	uint8_t segpfx; /* last segment-override prefix (enum seg) or INSN_SEG_NONE */
	uint8_t rex;	/* the REX byte in effect, or 0 */
	uint8_t map;	/* enum insn_map */
	uint8_t opcode; /* the last opcode byte */
	uint8_t modrm;	/* raw ModRM (valid with INSN_F_MODRM) */
	uint8_t sib;	/* raw SIB (valid with INSN_F_SIB) */
	uint8_t mod;	/* ModRM.mod; 3 when E is a register or absent */
	uint8_t reg;	/* ModRM.reg + REX.R: G, or the sreg/CR/DR number, or /digit */
	uint8_t rm;	/* ModRM.rm + REX.B, or the opcode's register */
	uint8_t base;	/* 0-15, INSN_REG_RIP or INSN_REG_NONE */
	uint8_t index;	/* 0-15 or INSN_REG_NONE */
	uint8_t scale;	/* index shift, 0-3 */
	uint8_t cc;	/* condition (SDM Vol. 1 App. B) for JCC/SETCC/CMOVCC */
};

/*
 * Decode the instruction at buf[0..avail) as code of `bits` (16, 32 or 64:
 * the caller derives it from CR0.PE, EFLAGS.VM, EFER.LMA and CS.L/CS.D).
 * Always fills `in` as far as it got: len = bytes consumed, op when known (a
 * #UD result still names UD2, LEA with a register, PUSH ES in 64-bit mode...).
 * Operand fields (osz, form, operands) are valid on DECODE_OK and DECODE_NI.
 */
enum decode_result insn_decode(struct insn *in, const uint8_t *buf, size_t avail, unsigned bits);

/* The mnemonic of an operation ("(bad)" for out-of-range values). */
const char *insn_mnemonic(unsigned op);

#endif
