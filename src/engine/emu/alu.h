/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's integer arithmetic: pure functions that compute the result
 * and the six status flags (CF PF AF ZF SF OF, SDM Vol. 1 3.4.3.1) of every
 * integer ALU, shift, rotate, multiply, divide, bit and BCD instruction, for
 * operand sizes of 1, 2, 4 and 8 bytes. Nothing here knows about registers,
 * memory or the CPU state: the executor reads the operands, calls one of these
 * and writes the results back (8- and 16-bit results merge into the register,
 * 32-bit ones zero-extend; that is the executor's business, not this file's).
 *
 * Two interfaces, one implementation:
 *  - eager: each operation takes `uint64_t *rflags`, reads the input flags it
 *    needs (CF for ADC SBB RCL RCR, CF and AF for DAA DAS AAA AAS) and rewrites
 *    exactly the status flags the instruction writes; every other RFLAGS bit
 *    and every flag the instruction leaves alone keeps its value.
 *  - lazy: the `_lazy` variants return the same result but only record the
 *    operation in a `struct lazy_flags`; `alu_flags()` computes the recorded
 *    flags on demand and `alu_flags_apply()` merges them into an RFLAGS value.
 *    The eager functions are the lazy ones followed by alu_flags_apply(), so
 *    both agree by construction (and test_alu.c checks both against the CPU).
 *    A record owns the flags in its `mask` only: an executor that keeps lazy
 *    records must materialise the previous record before recording one whose
 *    mask is partial (INC, DEC, rotates, BT, ...) or zero (a count of 0), and
 *    before an operation that reads flags (pass the materialised value as fin).
 *
 * Undefined flags. Where the SDM (Vol. 2, each instruction's "Flags Affected")
 * leaves a flag or a result undefined, vx86 produces what the AMD EPYC it was
 * developed on produces (Zen 4, CPUID family 19h model 11h), measured with
 * tests/unit/test_alu.c against that CPU over millions of operands, with no
 * mismatch. The notes on enum alu_op list, per operation, the SDM-undefined
 * flags and the value vx86 gives them. Other CPUs differ on several of these
 * (Intel after MUL, BSF, DIV, shifts by more than 1, AAA/DAA; Zen 3 leaves
 * BSF/BSR's undefined flags alone), so test_alu.c judges under
 * alu_undefined_flags(), which masks exactly the SDM-undefined flags of that
 * operation for those inputs (and an undefined result: 16-bit SHLD/SHRD by
 * more than 16, BSF/BSR of 0, 16-bit BSWAP) and nothing else, on every host;
 * where the host's undefined flags differ from vx86's it says so
 * (host-undefined-flags), and VX86_ALU_STRICT_UNDEFINED=1 makes that a failure.
 */
#ifndef VX86_EMU_ALU_H
#define VX86_EMU_ALU_H

#include <stdbool.h>
#include <stdint.h>

/* The status flags (SDM Vol. 1 Figure 3-8); the same bits as RFLAGS_CF etc. */
#define ALU_CF	   (1u << 0)
#define ALU_PF	   (1u << 2)
#define ALU_AF	   (1u << 4)
#define ALU_ZF	   (1u << 6)
#define ALU_SF	   (1u << 7)
#define ALU_OF	   (1u << 11)
#define ALU_STATUS (ALU_CF | ALU_PF | ALU_AF | ALU_ZF | ALU_SF | ALU_OF)

/*
 * Operations. The first eight are in the order of the reg field of opcodes
 * 80-83 (group 1), the rotates and shifts in the order of group 2 (C0 C1 D0-D3),
 * SDM Vol. 2 Table A-6, so a decoder can add the reg field to ALU_ADD or ALU_ROL.
 * "undef: X -> v" is an SDM-undefined flag X and the value vx86 (AMD) gives it;
 * "kept" means the flag keeps its value. Counts below are masked counts.
 */
enum alu_op {
	ALU_ADD, /* all six defined */
	ALU_OR,	 /* CF = OF = 0; undef: AF -> 0 */
	ALU_ADC, /* reads CF */
	ALU_SBB, /* reads CF */
	ALU_AND, /* as OR */
	ALU_SUB,
	ALU_XOR, /* as OR */
	ALU_CMP, /* SUB without a result */
	/*
	 * Rotates write CF and OF only (count 0: nothing). undef, count > 1: OF ->
	 * the count-1 formula on the result: ROL/RCL MSB(r) ^ CF, ROR/RCR MSB(r) ^
	 * MSB-1(r). RCL/RCR (read CF) of 8/16 bits rotate by count mod 9/17; a
	 * count that reduces to 0 still writes CF (unchanged) and OF.
	 */
	ALU_ROL,
	ALU_ROR,
	ALU_RCL,
	ALU_RCR,
	/*
	 * SHL/SAL SHR SAR (count 0: nothing). undef: AF -> 1; OF for count > 1 ->
	 * SHL MSB(r) ^ CF, SHR and SAR 0; SHL/SHR CF for count >= width (8 and 16
	 * bits) -> the last bit shifted out one at a time, 0 past the operand.
	 */
	ALU_SHL,
	ALU_SHR,
	ALU_SAL, /* group 2 /6: the same as SHL */
	ALU_SAR,
	ALU_TEST, /* AND without a result */
	ALU_NEG,  /* CF = (src != 0) */
	ALU_NOT,  /* no flags */
	ALU_INC,  /* CF kept (SDM) */
	ALU_DEC,  /* CF kept (SDM) */
	/*
	 * SHLD SHRD (count 0: nothing). undef: AF -> 1; OF for count > 1 -> SHLD
	 * MSB(r) ^ CF (16-bit count 16: CF), SHRD MSB(r) ^ MSB-1(r); 16-bit count
	 * 17..31 (result and all flags undefined) -> src rotated left/right by
	 * count - 16, CF = 0, SHLD OF = 0, the rest as above.
	 */
	ALU_SHLD,
	ALU_SHRD,
	ALU_MUL,   /* CF = OF = (high half != 0); undef: SF ZF AF PF -> kept */
	ALU_IMUL1, /* one operand, as MUL with a signed fit test */
	ALU_IMUL,  /* two and three operands: truncated product; as IMUL1 */
	ALU_DIV,   /* undef: all six -> CF OF kept, AF = 1, SF = ZF = PF = 0 */
	ALU_IDIV,  /* as DIV */
	ALU_BT,	   /* CF = the bit; ZF kept (SDM); undef: OF SF AF PF -> kept */
	ALU_BTS,   /* as BT */
	ALU_BTR,   /* as BT */
	ALU_BTC,   /* as BT */
	/*
	 * BSF BSR: ZF = (src == 0); undef: CF OF SF AF -> 0, PF -> parity of the
	 * index (of 0 when src is 0); the destination is kept when src is 0.
	 */
	ALU_BSF,
	ALU_BSR,
	ALU_TZCNT,  /* CF = (src == 0), ZF = (r == 0); undef: OF -> kept, SF AF PF -> 0 */
	ALU_LZCNT,  /* as TZCNT */
	ALU_POPCNT, /* ZF = (src == 0), the others 0 */
	ALU_DAA,    /* reads CF AF; undef: OF -> overflow of AL + the correction */
	ALU_DAS,    /* reads CF AF; undef: OF -> overflow of AL - the correction */
	/*
	 * AAA AAS: AX +/- 106H when AL's low digit > 9 or AF (SDM: the carry or
	 * borrow of AL +/- 6 reaches AH), CF = AF = that condition. undef: OF SF ZF
	 * PF -> those of the 16-bit AX +/- 106H (or AX +/- 0).
	 */
	ALU_AAA,
	ALU_AAS,
	ALU_AAM, /* SF ZF PF of AL; undef: OF AF CF -> 0. Base 0: #DE */
	ALU_AAD, /* SF ZF PF of AL; undef: OF AF CF -> as for ADD AL, AH * base */
	ALU_OP_COUNT
};

enum alu_status {
	ALU_OK,
	ALU_DE, /* divide error: the executor raises #DE; nothing was written */
};

/*
 * One recorded operation; alu_flags() recomputes its flags from these. The
 * producers fill it; an executor only stores it and hands it back.
 */
struct lazy_flags {
	uint64_t res;	/* the result, truncated to the operand size */
	uint64_t a;	/* first operand (dst; DIV: the dividend's low half; BCD: AX) */
	uint64_t b;	/* second: src, masked count, bit index, divisor, AAM/AAD base */
	uint64_t c;	/* SHLD/SHRD: masked count; MUL: high half; DIV: dividend high */
	uint16_t op;	/* enum alu_op */
	uint8_t size;	/* bytes: 1, 2, 4, 8 */
	uint8_t fin;	/* DAA..AAS: the input CF and AF */
	uint16_t mask;	/* the status flags this record writes; the others are kept */
	uint16_t extra; /* RCL/RCR: the carry out */
};

/* The flags in lf->mask, computed; and rflags with them merged in. */
uint32_t alu_flags(const struct lazy_flags *lf);
uint64_t alu_flags_apply(const struct lazy_flags *lf, uint64_t rflags);

/*
 * The flags the SDM leaves undefined for this operation and these inputs, for
 * tests on a host of another vendor: a and b as for the eager call (shifts: b
 * the count; BSF/BSR: b the source), c SHLD/SHRD's count. ALU_UNDEF_RESULT
 * means the result is undefined too.
 */
#define ALU_UNDEF_RESULT (1u << 31)
uint32_t alu_undefined_flags(enum alu_op op, unsigned size, uint64_t a, uint64_t b, uint64_t c);

/*
 * ADD OR ADC SBB AND SUB XOR CMP TEST: dst op src. CMP and TEST return `a`
 * (they write no destination), so writing the result back is harmless.
 * NEG NOT INC DEC: `b` is ignored. The lazy variants take the current status
 * flags as `fin` where the operation reads them (ADC SBB RCL RCR DAA..AAS).
 */
uint64_t alu_binop(enum alu_op op, unsigned size, uint64_t a, uint64_t b, uint64_t *rflags);
uint64_t alu_binop_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t a,
			uint64_t b, uint32_t fin);

/*
 * ROL ROR RCL RCR SHL SHR SAL SAR by `count` as the instruction gives it (CL or
 * imm8): masked to 5 bits (6 for 64-bit operands), then RCL/RCR of 8- and
 * 16-bit operands rotate by count mod 9 / mod 17. A masked count of 0 writes
 * no flag.
 */
uint64_t alu_shift(enum alu_op op, unsigned size, uint64_t a, uint64_t count, uint64_t *rflags);
uint64_t alu_shift_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t a,
			uint64_t count, uint32_t fin);

/* SHLD/SHRD dst, src, count (16, 32 and 64 bits). */
uint64_t alu_shd(enum alu_op op, unsigned size, uint64_t dst, uint64_t src, uint64_t count,
		 uint64_t *rflags);
uint64_t alu_shd_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t dst,
		      uint64_t src, uint64_t count);

/*
 * MUL and IMUL1: a * b, the low half returned and the high half in *hi (for
 * bytes the executor writes AX := hi << 8 | lo). IMUL (2 and 3 operands):
 * returns the truncated product; *hi may be NULL. CF = OF = "the product does
 * not fit the destination".
 */
uint64_t alu_mul(enum alu_op op, unsigned size, uint64_t a, uint64_t b, uint64_t *hi,
		 uint64_t *rflags);
uint64_t alu_mul_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t a, uint64_t b,
		      uint64_t *hi);

/*
 * DIV and IDIV of the double-width dividend hi:lo (AH:AL, DX:AX, EDX:EAX,
 * RDX:RAX) by d: quotient and remainder (IDIV truncates toward zero, the
 * remainder has the dividend's sign), or ALU_DE when d is 0 or the quotient does
 * not fit (SDM: for IDIV also -2^(n-1) / -1); then nothing is written.
 */
enum alu_status alu_div(enum alu_op op, unsigned size, uint64_t hi, uint64_t lo, uint64_t d,
			uint64_t *quot, uint64_t *rem, uint64_t *rflags);
enum alu_status alu_div_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t hi,
			     uint64_t lo, uint64_t d, uint64_t *quot, uint64_t *rem);

/* BT BTS BTR BTC: bit (off mod width) of a into CF; returns the new value. */
uint64_t alu_bt(enum alu_op op, unsigned size, uint64_t a, uint64_t off, uint64_t *rflags);
uint64_t alu_bt_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t a,
		     uint64_t off);

/*
 * BSF BSR TZCNT LZCNT POPCNT of src. Returns whether *dst is written: BSF and
 * BSR leave the destination unchanged when src is 0 (the AMD APM says so; the
 * SDM says "undefined").
 */
bool alu_bitscan(enum alu_op op, unsigned size, uint64_t src, uint64_t *dst, uint64_t *rflags);
bool alu_bitscan_lazy(struct lazy_flags *lf, enum alu_op op, unsigned size, uint64_t src,
		      uint64_t *dst);

/* BSWAP; no flags. Size 2 is undefined in the SDM: AMD gives 0. */
uint64_t alu_bswap(unsigned size, uint64_t a);
/* CBW CWDE CDQE (size = the destination): rAX := sign-extended lower half. */
uint64_t alu_cbw(unsigned size, uint64_t rax);
/* CWD CDQ CQO: the rDX value, all ones or zero; no flags. */
uint64_t alu_cwd(unsigned size, uint64_t rax);

/*
 * DAA DAS AAA AAS AAM AAD on AX (invalid in 64-bit mode: the decoder's #UD);
 * imm is AAM's and AAD's base. AAM with base 0 is ALU_DE.
 */
enum alu_status alu_bcd(enum alu_op op, uint16_t ax, uint8_t imm, uint16_t *ax_out,
			uint64_t *rflags);
enum alu_status alu_bcd_lazy(struct lazy_flags *lf, enum alu_op op, uint16_t ax, uint8_t imm,
			     uint32_t fin, uint16_t *ax_out);

#endif
