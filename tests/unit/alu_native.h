/* SPDX-License-Identifier: MIT */
/*
 * The host CPU as the reference for test_alu.c: every integer instruction that
 * engine/emu/alu.h models, run natively with inline assembly. Each runner loads
 * RFLAGS from *fl (POPFQ), executes one instruction on register operands and
 * stores RFLAGS back (PUSHFQ). The stack pointer drops 128 bytes first so the
 * pushes do not clobber the caller's red zone (SysV ABI 3.2.2).
 *
 * DAA DAS AAA AAS AAM AAD are invalid in 64-bit mode (SDM Vol. 2: "Invalid" in
 * the 64-bit column), so they run in compatibility mode: a gate copied below
 * 4 GiB far-returns to Linux's 32-bit user code segment (__USER32_CS, 0x23),
 * runs a 32-bit stub and far-returns to the 64-bit segment (__USER_CS, 0x33).
 */
#ifndef VX86_ALU_NATIVE_H
#define VX86_ALU_NATIVE_H

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define NAT_FL_IN  "sub $128, %%rsp\n\tpush %[f]\n\tpopfq\n\t"
#define NAT_FL_OUT "\n\tpushfq\n\tpop %[f]\n\tadd $128, %%rsp"

typedef uint64_t nat_bin_fn(uint64_t a, uint64_t b, uint64_t *fl);
typedef uint64_t nat_shd_fn(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl);
typedef uint64_t nat_mul_fn(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *fl);
typedef void nat_div_fn(uint64_t *hi, uint64_t *lo, uint64_t d, uint64_t *fl);

/* Two operands: "op src, dst"; also the one-operand forms (b ignored). */
#define NAT_BIN(name, T, c, text)                                                                  \
	static uint64_t name(uint64_t a, uint64_t b, uint64_t *fl)                                 \
	{                                                                                          \
		T d = (T)a, s = (T)b;                                                              \
		uint64_t f = *fl;                                                                  \
		(void)s;                                                                           \
		__asm__ volatile(NAT_FL_IN text NAT_FL_OUT                                         \
				 : [d] "+" c(d), [f] "+r"(f)                                       \
				 : [s] c(s), [n] "c"((uint8_t)b)                                   \
				 : "cc");                                                          \
		*fl = f;                                                                           \
		return d;                                                                          \
	}
#define NAT_BIN4(op, text)                                                                         \
	NAT_BIN(nat_##op##8, uint8_t, "q", #op "b " text)                                          \
	NAT_BIN(nat_##op##16, uint16_t, "r", #op "w " text)                                        \
	NAT_BIN(nat_##op##32, uint32_t, "r", #op "l " text)                                        \
	NAT_BIN(nat_##op##64, uint64_t, "r", #op "q " text)
#define NAT_BIN3(op, text)                                                                         \
	NAT_BIN(nat_##op##16, uint16_t, "r", #op "w " text)                                        \
	NAT_BIN(nat_##op##32, uint32_t, "r", #op "l " text)                                        \
	NAT_BIN(nat_##op##64, uint64_t, "r", #op "q " text)
#define NAT_ROW4(op)                                                                               \
	{                                                                                          \
		nat_##op##8, nat_##op##16, nat_##op##32, nat_##op##64                              \
	}
#define NAT_ROW3(op)                                                                               \
	{                                                                                          \
		NULL, nat_##op##16, nat_##op##32, nat_##op##64                                     \
	}

/* The operand-size-specific "%[s], %[d]" forms; shifts and rotates count in CL. */
#define SRC_DST "%[s], %[d]"
#define CL_DST	"%%cl, %[d]"
NAT_BIN4(add, SRC_DST)
NAT_BIN4(adc, SRC_DST)
NAT_BIN4(sub, SRC_DST)
NAT_BIN4(sbb, SRC_DST)
NAT_BIN4(and, SRC_DST)
NAT_BIN4(or, SRC_DST)
NAT_BIN4(xor, SRC_DST)
NAT_BIN4(cmp, SRC_DST)
NAT_BIN4(test, SRC_DST)
NAT_BIN4(neg, "%[d]")
NAT_BIN4(not, "%[d]")
NAT_BIN4(inc, "%[d]")
NAT_BIN4(dec, "%[d]")
NAT_BIN4(rol, CL_DST)
NAT_BIN4(ror, CL_DST)
NAT_BIN4(rcl, CL_DST)
NAT_BIN4(rcr, CL_DST)
NAT_BIN4(shl, CL_DST)
NAT_BIN4(shr, CL_DST)
NAT_BIN4(sar, CL_DST)
NAT_BIN3(imul, SRC_DST)
NAT_BIN3(bt, SRC_DST)
NAT_BIN3(bts, SRC_DST)
NAT_BIN3(btr, SRC_DST)
NAT_BIN3(btc, SRC_DST)
NAT_BIN3(bsf, SRC_DST)
NAT_BIN3(bsr, SRC_DST)
NAT_BIN3(tzcnt, SRC_DST)
NAT_BIN3(lzcnt, SRC_DST)
NAT_BIN3(popcnt, SRC_DST)
NAT_BIN(nat_bswap32, uint32_t, "r", "bswap %[d]")
NAT_BIN(nat_bswap64, uint64_t, "r", "bswap %[d]")
/* SHLD/SHRD: "op %cl, src, dst". */
#define NAT_SHD(name, T, text)                                                                     \
	static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl)                     \
	{                                                                                          \
		T d = (T)a, s = (T)b;                                                              \
		uint64_t f = *fl;                                                                  \
		__asm__ volatile(NAT_FL_IN text " %%cl, %[s], %[d]" NAT_FL_OUT                     \
				 : [d] "+r"(d), [f] "+r"(f)                                        \
				 : [s] "r"(s), [n] "c"((uint8_t)c)                                 \
				 : "cc");                                                          \
		*fl = f;                                                                           \
		return d;                                                                          \
	}
NAT_SHD(nat_shld16, uint16_t, "shldw")
NAT_SHD(nat_shld32, uint32_t, "shldl")
NAT_SHD(nat_shld64, uint64_t, "shldq")
NAT_SHD(nat_shrd16, uint16_t, "shrdw")
NAT_SHD(nat_shrd32, uint32_t, "shrdl")
NAT_SHD(nat_shrd64, uint64_t, "shrdq")

/* BSWAP of a 16-bit register (66 0F C8: bswap %ax) is undefined in the SDM; gas refuses it. */
static uint64_t nat_bswap16(uint64_t a, uint64_t b, uint64_t *fl)
{
	uint64_t v = a, f = *fl;

	(void)b;
	__asm__ volatile(NAT_FL_IN ".byte 0x66, 0x0f, 0xc8" NAT_FL_OUT
			 : "+a"(v), [f] "+r"(f)
			 :
			 : "cc");
	*fl = f;
	return v;
}

/* SAL is group 2 /6, an alias of SHL (/4) that gas never emits: D2/D3 F0 is "sal %cl, %al/%eax". */
#define NAT_SAL6(name, T, pfx)                                                                     \
	static uint64_t name(uint64_t a, uint64_t b, uint64_t *fl)                                 \
	{                                                                                          \
		uint64_t v = a, f = *fl;                                                           \
		__asm__ volatile(NAT_FL_IN ".byte " pfx "0xf0" NAT_FL_OUT                          \
				 : "+a"(v), [f] "+r"(f)                                            \
				 : "c"((uint8_t)b)                                                 \
				 : "cc");                                                          \
		*fl = f;                                                                           \
		return (T)v;                                                                       \
	}
NAT_SAL6(nat_sal8, uint8_t, "0xd2, ")
NAT_SAL6(nat_sal16, uint16_t, "0x66, 0xd3, ")
NAT_SAL6(nat_sal32, uint32_t, "0xd3, ")
NAT_SAL6(nat_sal64, uint64_t, "0x48, 0xd3, ")

/* MUL and one-operand IMUL: rDX:rAX := rAX * src (AX := AL * src for bytes). */
#define NAT_MUL8(name, text)                                                                       \
	static uint64_t name(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *fl)                   \
	{                                                                                          \
		uint16_t ax = (uint8_t)a;                                                          \
		uint8_t s = (uint8_t)b;                                                            \
		uint64_t f = *fl;                                                                  \
		__asm__ volatile(NAT_FL_IN text " %[s]" NAT_FL_OUT                                 \
				 : "+a"(ax), [f] "+r"(f)                                           \
				 : [s] "q"(s)                                                      \
				 : "cc");                                                          \
		*fl = f;                                                                           \
		*hi = ax >> 8;                                                                     \
		return ax & 0xff;                                                                  \
	}
#define NAT_MUL(name, T, text)                                                                     \
	static uint64_t name(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *fl)                   \
	{                                                                                          \
		T lo = (T)a, h, s = (T)b;                                                          \
		uint64_t f = *fl;                                                                  \
		__asm__ volatile(NAT_FL_IN text " %[s]" NAT_FL_OUT                                 \
				 : "+a"(lo), "=d"(h), [f] "+r"(f)                                  \
				 : [s] "r"(s)                                                      \
				 : "cc");                                                          \
		*fl = f;                                                                           \
		*hi = h;                                                                           \
		return lo;                                                                         \
	}
NAT_MUL8(nat_mul8, "mulb")
NAT_MUL(nat_mul16, uint16_t, "mulw")
NAT_MUL(nat_mul32, uint32_t, "mull")
NAT_MUL(nat_mul64, uint64_t, "mulq")
NAT_MUL8(nat_imul1_8, "imulb")
NAT_MUL(nat_imul1_16, uint16_t, "imulw")
NAT_MUL(nat_imul1_32, uint32_t, "imull")
NAT_MUL(nat_imul1_64, uint64_t, "imulq")

/* DIV and IDIV: rDX:rAX / src (AX / src for bytes); the caller catches #DE (SIGFPE). */
#define NAT_DIV8(name, text)                                                                       \
	static void name(uint64_t *hi, uint64_t *lo, uint64_t d, uint64_t *fl)                     \
	{                                                                                          \
		uint16_t ax = (uint16_t)((*hi << 8) | (uint8_t)*lo);                               \
		uint8_t s = (uint8_t)d;                                                            \
		uint64_t f = *fl;                                                                  \
		__asm__ volatile(NAT_FL_IN text " %[s]" NAT_FL_OUT                                 \
				 : "+a"(ax), [f] "+r"(f)                                           \
				 : [s] "q"(s)                                                      \
				 : "cc");                                                          \
		*fl = f;                                                                           \
		*hi = ax >> 8; /* remainder in AH */                                               \
		*lo = ax & 0xff;                                                                   \
	}
#define NAT_DIV(name, T, text)                                                                     \
	static void name(uint64_t *hi, uint64_t *lo, uint64_t d, uint64_t *fl)                     \
	{                                                                                          \
		T l = (T)*lo, h = (T)*hi, s = (T)d;                                                \
		uint64_t f = *fl;                                                                  \
		__asm__ volatile(NAT_FL_IN text " %[s]" NAT_FL_OUT                                 \
				 : "+a"(l), "+d"(h), [f] "+r"(f)                                   \
				 : [s] "r"(s)                                                      \
				 : "cc");                                                          \
		*fl = f;                                                                           \
		*hi = h; /* remainder */                                                           \
		*lo = l; /* quotient */                                                            \
	}
NAT_DIV8(nat_div8, "divb")
NAT_DIV(nat_div16, uint16_t, "divw")
NAT_DIV(nat_div32, uint32_t, "divl")
NAT_DIV(nat_div64, uint64_t, "divq")
NAT_DIV8(nat_idiv8, "idivb")
NAT_DIV(nat_idiv16, uint16_t, "idivw")
NAT_DIV(nat_idiv32, uint32_t, "idivl")
NAT_DIV(nat_idiv64, uint64_t, "idivq")

/* Three-operand IMUL with an immediate: one runner per (size, immediate). */
#define NAT_IMUL3(name, T, text, imm)                                                              \
	static uint64_t name(uint64_t a, uint64_t b, uint64_t *fl)                                 \
	{                                                                                          \
		T d, s = (T)a;                                                                     \
		uint64_t f = *fl;                                                                  \
		(void)b;                                                                           \
		__asm__ volatile(NAT_FL_IN text " %[i], %[s], %[d]" NAT_FL_OUT                     \
				 : [d] "=&r"(d), [f] "+r"(f)                                       \
				 : [s] "r"(s), [i] "i"(imm)                                        \
				 : "cc");                                                          \
		*fl = f;                                                                           \
		return d;                                                                          \
	}
#define NAT_IMUL3_ALL(n, imm)                                                                      \
	NAT_IMUL3(nat_imul3_16_##n, uint16_t, "imulw", (int16_t)(imm))                             \
	NAT_IMUL3(nat_imul3_32_##n, uint32_t, "imull", (int32_t)(imm))                             \
	NAT_IMUL3(nat_imul3_64_##n, uint64_t, "imulq", (int32_t)(imm))
/* The immediates: imm8 forms (6B /r ib) and imm16/imm32 forms (69 /r iw/id). */
#define NAT_IMM_0 (-1)
#define NAT_IMM_1 3
#define NAT_IMM_2 (-128)
#define NAT_IMM_3 127
#define NAT_IMM_4 0x1235
#define NAT_IMM_5 (-0x7fff)
#define NAT_IMM_6 0x7fffffff
#define NAT_IMM_7 (-0x7ffffffe)
#define NAT_NIMM  8
NAT_IMUL3_ALL(0, NAT_IMM_0)
NAT_IMUL3_ALL(1, NAT_IMM_1)
NAT_IMUL3_ALL(2, NAT_IMM_2)
NAT_IMUL3_ALL(3, NAT_IMM_3)
NAT_IMUL3_ALL(4, NAT_IMM_4)
NAT_IMUL3_ALL(5, NAT_IMM_5)
NAT_IMUL3_ALL(6, NAT_IMM_6)
NAT_IMUL3_ALL(7, NAT_IMM_7)

/*
 * CBW/CWDE/CDQE (rAX := sign-extension of its lower half) and CWD/CDQ/CQO
 * (rDX := the sign of rAX); out[0] = rAX, out[1] = rDX.
 */
#define NAT_EXT(name, text)                                                                        \
	static void name(uint64_t rax, uint64_t out[2])                                            \
	{                                                                                          \
		uint64_t a = rax, d = 0x5a5a5a5a5a5a5a5aull;                                       \
		__asm__ volatile(text : "+a"(a), "+d"(d));                                         \
		out[0] = a;                                                                        \
		out[1] = d;                                                                        \
	}
NAT_EXT(nat_cbw, "cbtw")
NAT_EXT(nat_cwde, "cwtl")
NAT_EXT(nat_cdqe, "cltq")
NAT_EXT(nat_cwd, "cwtd")
NAT_EXT(nat_cdq, "cltd")
NAT_EXT(nat_cqo, "cqto")

/*
 * The compatibility-mode gate, copied below 4 GiB. Called as gate(io) with io
 * (below 4 GiB too) holding EAX and EFLAGS to load, the 32-bit stub and the top
 * of a 32-bit stack; it saves the callee-saved registers on the caller's stack
 * and RSP in io, far-returns (LRETQ) to stub:0x23 with a far-return frame to
 * the 64-bit landing (0x33) on the low stack, and stores EAX and EFLAGS back.
 * The stub only touches EAX, EDX, ESI and the stack (SS stays valid; DS may be
 * the null selector in a 64-bit process).
 */
struct nat_gate_io {
	uint32_t eax, eflags, stub, stack;
	uint64_t saved_rsp;
	uint32_t eax_out, eflags_out;
};
__asm__(".pushsection .rodata\n"
	".globl vx86_nat_gate, vx86_nat_gate_end\n"
	"vx86_nat_gate:\n\t"
	"push %rbx\n\tpush %rbp\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\tpush %r15\n\t"
	"mov %rsp, 16(%rdi)\n\t"
	"movl 12(%rdi), %esp\n\t"
	"lea 1f(%rip), %rax\n\t"
	"sub $8, %rsp\n\tmovl %eax, (%rsp)\n\tmovl $0x33, 4(%rsp)\n\t"
	"movl 0(%rdi), %eax\n\tmovl 4(%rdi), %esi\n\tmovl 8(%rdi), %edx\n\t"
	"push $0x23\n\tpush %rdx\n\tlretq\n"
	"1:\tmov %edi, %edi\n\t"
	"mov 16(%rdi), %rsp\n\t"
	"movl %eax, 24(%rdi)\n\tmovl %edx, 28(%rdi)\n\t"
	"pop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %rbp\n\tpop %rbx\n\t"
	"ret\n"
	"vx86_nat_gate_end:\n"
	".popsection\n");
extern const char vx86_nat_gate[], vx86_nat_gate_end[];

/*
 * Page layout: the gate at 0, the 32-bit stubs from 0x100 (DAA DAS AAA AAS, then
 * AAM and AAD with each base 0..255), the io block at 0x8000, the stack below
 * 0x10000. Each stub: push esi; popfd; <insn>; pushfd; pop edx; lret.
 */
#define NAT_STUB_SIZE 16
#define NAT_NSTUBS    (4 + 2 * 256)
#define NAT_PAGE_SIZE 0x10000

struct nat_bcd {
	uint8_t *page; /* below 4 GiB */
	struct nat_gate_io *io;
};

static int nat_bcd_init(struct nat_bcd *n)
{
	/* DAA 27, DAS 2F, AAA 37, AAS 3F, AAM D4 ib, AAD D5 ib (SDM Vol. 2 opcode map). */
	static const uint8_t opc[] = {0x27, 0x2f, 0x37, 0x3f, 0xd4, 0xd5};
	uint8_t *p = mmap(NULL, NAT_PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	memcpy(p, vx86_nat_gate, (size_t)(vx86_nat_gate_end - vx86_nat_gate));
	for (int i = 0; i < NAT_NSTUBS; i++) {
		uint8_t *q = p + 0x100 + i * NAT_STUB_SIZE;
		int op = i < 4 ? i : 4 + (i - 4) / 256;

		*q++ = 0x56; /* push esi */
		*q++ = 0x9d; /* popfd */
		*q++ = opc[op];
		if (op >= 4)
			*q++ = (uint8_t)((i - 4) % 256); /* the base (imm8) */
		*q++ = 0x9c;				 /* pushfd */
		*q++ = 0x5a;				 /* pop edx */
		*q++ = 0xcb;				 /* lret */
	}
	if (vx86_nat_gate_end - vx86_nat_gate > 0x100 ||
	    mprotect(p, 0x8000, PROT_READ | PROT_EXEC)) {
		munmap(p, NAT_PAGE_SIZE);
		return -1;
	}
	n->page = p;
	n->io = (struct nat_gate_io *)(p + 0x8000);
	return 0;
}

/*
 * Runs one BCD instruction on AX in compatibility mode: op 0..5 is DAA DAS AAA
 * AAS AAM AAD, imm AAM's and AAD's base.
 */
static uint16_t nat_bcd(struct nat_bcd *n, int op, uint16_t ax, uint8_t imm, uint64_t *fl)
{
	int i = op < 4 ? op : 4 + (op - 4) * 256 + imm;
	void (*gate)(struct nat_gate_io *) = (void (*)(struct nat_gate_io *))(void *)n->page;

	n->io->eax = ax;
	n->io->eflags = (uint32_t)*fl;
	n->io->stub = (uint32_t)(uintptr_t)(n->page + 0x100 + i * NAT_STUB_SIZE);
	n->io->stack = (uint32_t)(uintptr_t)(n->page + NAT_PAGE_SIZE);
	gate(n->io);
	*fl = (*fl & ~0xffffffffull) | n->io->eflags_out;
	return (uint16_t)n->io->eax_out;
}

#endif
