/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's integer instructions (exec_int.c, exec_data.c,
 * exec_flow.c, exec_str.c) run on the engine in real (16-bit), protected
 * (32-bit) and long (64-bit) mode. The arithmetic itself is checked against
 * the host CPU in test_alu.c; these tests check the executor around it:
 * operand sizes, byte registers, zero-extension, memory and RIP-relative
 * operands, the stack, branches, strings and the faults.
 */
#include "emu_test.h"
#include "tap.h"

#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_DF 0x400u
#define F_OF 0x800u

enum {
	V_DE = 0,
	V_BR = 5,
	V_UD = 6,
	V_SS = 12,
	V_GP = 13
};

#define R(t, r) ((t)->st.gpr[GPR_##r])

/* Code bytes as (pointer, length) arguments. */
#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

/*
 * Each snippet gets fresh code bytes: the engine caches decoded instructions
 * by guest-physical address, and the test writes RAM behind its back.
 */
static uint32_t code_cur;

static uint64_t rd(const struct et *t, uint64_t pa, unsigned n)
{
	uint64_t v = 0;

	memcpy(&v, t->ram + pa, n);
	return v;
}

static void wr(struct et *t, uint64_t pa, unsigned n, uint64_t v)
{
	memcpy(t->ram + pa, &v, n);
}

/* A fresh state; in real mode DS = ES = ET_DATA (paragraphs), so data offsets start at 0. */
static void reset(struct et *t, enum et_mode mode)
{
	et_state(t, mode);
	memset(t->ram + ET_DATA, 0, 0x4000);
	if (mode == ET_REAL) {
		t->st.seg[SEG_DS].base = t->st.seg[SEG_ES].base = ET_DATA;
		t->st.seg[SEG_DS].selector = t->st.seg[SEG_ES].selector = ET_DATA >> 4;
	}
}

/*
 * Put code in a fresh slot (real mode: CS.base there, IP = 0) with no exit
 * pending; returns the start RIP.
 */
static uint64_t place(struct et *t, const uint8_t *code, size_t n, uint32_t slot)
{
	uint32_t pa = ET_CODE + code_cur;

	code_cur += (slot + 63) & ~63u;
	memcpy(t->ram + pa, code, n);
	memset(&t->exit, 0, sizeof(t->exit)); /* no exit to complete: RIP stays where set */
	if (t->mode == ET_REAL) {
		t->st.seg[SEG_CS].base = pa;
		t->st.seg[SEG_CS].selector = (uint16_t)(pa >> 4);
		t->st.rip = 0;
	} else {
		t->st.rip = pa;
	}
	return t->st.rip;
}

/* Run code with a HLT after it: true when it stopped on that HLT. */
static bool run(struct et *t, const uint8_t *code, size_t n)
{
	uint8_t buf[128];
	uint64_t start;

	memcpy(buf, code, n);
	buf[n] = 0xf4;
	start = place(t, buf, n + 1, (uint32_t)n + 1);
	return et_run(t) == EXIT_REASON_HLT && t->st.rip == start + n;
}

/* Run code as it is: the offset of the HLT it stopped on from the start, or -1. */
static int64_t run_at(struct et *t, const uint8_t *code, size_t n)
{
	uint64_t start = place(t, code, n, (uint32_t)n);

	if (et_run(t) != EXIT_REASON_HLT || et_vector(t) >= 0)
		return -1;
	return (int64_t)(t->st.rip - start);
}

/* Run code expecting an exception: its vector, or -1 (none), -2 (no HLT exit). */
static int fault(struct et *t, const uint8_t *code, size_t n)
{
	uint8_t buf[128];

	memcpy(buf, code, n);
	buf[n] = 0xf4;
	place(t, buf, n + 1, (uint32_t)n + 1);
	if (et_run(t) != EXIT_REASON_HLT)
		return -2;
	return et_vector(t);
}

static uint64_t flags(const struct et *t)
{
	return t->st.rflags & (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF);
}

/* ---- ALU plumbing ----------------------------------------------------------- */

static void test_alu_sizes(struct et *t)
{
	reset(t, ET_PROT32);
	R(t, RAX) = 0xffffffff;
	R(t, RBX) = 1;
	ok(run(t, BYTES(0x01, 0xd8)), "add eax, ebx runs"); /* add eax, ebx */
	is_u64(R(t, RAX), 0, "add eax, ebx: result");
	is_u64(flags(t) & (F_CF | F_ZF | F_SF), F_CF | F_ZF, "add eax, ebx: CF and ZF");

	reset(t, ET_LONG64);
	R(t, RAX) = 0x1234567800000001ull;
	R(t, RBX) = 1;
	ok(run(t, BYTES(0x01, 0xd8)), "64-bit add eax, ebx runs");
	is_u64(R(t, RAX), 2, "64-bit: a 32-bit result zero-extends");

	reset(t, ET_LONG64);
	R(t, RAX) = 0x111122223333ffffull;
	R(t, RBX) = 1;
	ok(run(t, BYTES(0x66, 0x01, 0xd8)), "add ax, bx runs"); /* add ax, bx */
	is_u64(R(t, RAX), 0x1111222233330000ull, "add ax, bx: 16-bit result merges");
	ok(t->st.rflags & F_CF, "add ax, bx: CF from bit 15");

	reset(t, ET_LONG64);
	R(t, RAX) = 0x8000000000000000ull;
	R(t, RBX) = 0x8000000000000000ull;
	ok(run(t, BYTES(0x48, 0x01, 0xd8)), "add rax, rbx runs"); /* add rax, rbx */
	is_u64(R(t, RAX), 0, "add rax, rbx: 64-bit");
	is_u64(flags(t) & (F_CF | F_OF | F_ZF), F_CF | F_OF | F_ZF, "add rax, rbx: CF OF ZF");

	reset(t, ET_REAL);
	R(t, RAX) = 0xffff0005;
	ok(run(t, BYTES(0x83, 0xc0, 0xff)), "real mode add ax, -1 runs"); /* add ax, -1 */
	is_u64(R(t, RAX), 0xffff0004, "16-bit code: osz 2 and sign-extended imm8");
	reset(t, ET_REAL);
	R(t, RAX) = 0x10;
	ok(run(t, BYTES(0x66, 0x83, 0xc0, 0xff)), "real mode add eax, -1 runs"); /* add eax, -1 */
	is_u64(R(t, RAX), 0xf, "16-bit code with 66: 32-bit operand");
}

static void test_alu_bytes(struct et *t)
{
	reset(t, ET_LONG64);
	R(t, RAX) = 0x1002;
	ok(run(t, BYTES(0x00, 0xe0)), "add al, ah runs"); /* add al, ah */
	is_u64(R(t, RAX), 0x1012, "add al, ah: register 4 without REX is AH");

	reset(t, ET_LONG64);
	R(t, RDX) = 0x6600;
	R(t, RSI) = 0x55;
	ok(run(t, BYTES(0x88, 0xf0)), "mov al, dh runs"); /* mov al, dh */
	is_u64(R(t, RAX), 0x66, "mov al, dh");
	reset(t, ET_LONG64);
	R(t, RDX) = 0x6600;
	R(t, RSI) = 0x55;
	ok(run(t, BYTES(0x40, 0x88, 0xf0)), "mov al, sil runs"); /* mov al, sil */
	is_u64(R(t, RAX), 0x55, "with REX register 6 is SIL");

	reset(t, ET_LONG64);
	R(t, RAX) = 0x12345677;
	ok(run(t, BYTES(0x88, 0xc4)), "mov ah, al runs"); /* mov ah, al */
	is_u64(R(t, RAX), 0x12347777, "mov ah, al writes bits 15:8");
	reset(t, ET_LONG64);
	R(t, RAX) = 0x77;
	R(t, RDI) = 0xffffffffffffff00ull;
	ok(run(t, BYTES(0x40, 0x88, 0xc7)), "mov dil, al runs"); /* mov dil, al */
	is_u64(R(t, RDI), 0xffffffffffffff77ull, "mov dil, al merges the low byte");

	reset(t, ET_LONG64);
	R(t, R9) = 0x1ff;
	ok(run(t, BYTES(0x41, 0xfe, 0xc1)), "inc r9b runs"); /* inc r9b */
	is_u64(R(t, R9), 0x100, "inc r9b: byte register of r9, no carry out");
}

static void test_alu_memory(struct et *t)
{
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 4, 5);
	R(t, RBX) = ET_DATA;
	R(t, RAX) = 7;
	ok(run(t, BYTES(0x01, 0x03)), "add [ebx], eax runs"); /* add [ebx], eax */
	is_u64(rd(t, ET_DATA, 4), 12, "add [ebx], eax writes memory");
	is_u64(R(t, RAX), 7, "add [ebx], eax leaves eax");

	reset(t, ET_PROT32);
	wr(t, ET_DATA + 8, 4, 0x100);
	R(t, RBX) = ET_DATA;
	R(t, RAX) = 1;
	ok(run(t, BYTES(0x03, 0x43, 0x08)), "add eax, [ebx+8] runs"); /* add eax, [ebx+8] */
	is_u64(R(t, RAX), 0x101, "add eax, [ebx+8]");

	reset(t, ET_PROT32);
	wr(t, ET_DATA, 4, 9);
	R(t, RBX) = ET_DATA;
	R(t, RAX) = 9;
	ok(run(t, BYTES(0x39, 0x03)), "cmp [ebx], eax runs"); /* cmp [ebx], eax */
	ok(t->st.rflags & F_ZF, "cmp [ebx], eax: ZF");
	is_u64(rd(t, ET_DATA, 4), 9, "cmp does not write");

	reset(t, ET_PROT32);
	wr(t, ET_DATA, 4, 0xf0);
	R(t, RBX) = ET_DATA;
	R(t, RAX) = 0x0f;
	ok(run(t, BYTES(0xf0, 0x09, 0x03)), "lock or [ebx], eax runs"); /* lock or [ebx], eax */
	is_u64(rd(t, ET_DATA, 4), 0xff, "lock or [ebx], eax");
	reset(t, ET_PROT32);
	is_u64(fault(t, BYTES(0xf0, 0x01, 0xd8)), V_UD, "lock add eax, ebx: #UD");

	/* RIP-relative: the displacement counts from the end of the instruction. */
	reset(t, ET_LONG64);
	wr(t, ET_CODE + code_cur + 0x100, 4, 0xcafef00d);
	R(t, RAX) = ~0ull;
	ok(run(t, BYTES(0x8b, 0x05, 0xfa, 0x00, 0x00, 0x00)), "mov eax, [rip+0xfa] runs");
	is_u64(R(t, RAX), 0xcafef00d, "mov eax, [rip+disp32]");
	reset(t, ET_LONG64);
	ok(run(t, BYTES(0xc7, 0x05, 0xf6, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12)),
	   "mov dword [rip+0xf6], imm32 runs");
	is_u64(rd(t, ET_CODE + code_cur - 64 + 0x100, 4), 0x12345678,
	       "RIP-relative with an immediate after the displacement");

	reset(t, ET_REAL);
	wr(t, ET_DATA + 0x10, 2, 0x1234);
	R(t, RBX) = 0x8;
	R(t, RSI) = 0x8;
	ok(run(t, BYTES(0x8b, 0x00)), "real mode mov ax, [bx+si] runs"); /* mov ax, [bx+si] */
	is_u64(R(t, RAX), 0x1234, "16-bit addressing, DS base");
}

static void test_alu_ops(struct et *t)
{
	reset(t, ET_PROT32);
	R(t, RAX) = 1;
	R(t, RBX) = 2;
	ok(run(t, BYTES(0xf9, 0x11, 0xd8)), "stc; adc eax, ebx runs"); /* stc; adc eax, ebx */
	is_u64(R(t, RAX), 4, "adc adds CF");
	reset(t, ET_PROT32);
	R(t, RAX) = 5;
	R(t, RBX) = 2;
	ok(run(t, BYTES(0xf9, 0x19, 0xd8)), "stc; sbb eax, ebx runs"); /* stc; sbb eax, ebx */
	is_u64(R(t, RAX), 2, "sbb subtracts CF");
	reset(t, ET_PROT32);
	R(t, RAX) = 3;
	R(t, RBX) = 5;
	ok(run(t, BYTES(0x39, 0xd8)), "cmp eax, ebx runs"); /* cmp eax, ebx */
	is_u64(flags(t) & (F_CF | F_SF | F_ZF), F_CF | F_SF, "cmp 3, 5: CF SF");
	is_u64(R(t, RAX), 3, "cmp leaves eax");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x80;
	ok(run(t, BYTES(0xa8, 0x80)), "test al, 0x80 runs"); /* test al, 0x80 */
	is_u64(flags(t) & (F_SF | F_ZF), F_SF, "test al, 0x80: SF");
	reset(t, ET_LONG64);
	R(t, RAX) = ~0ull;
	ok(run(t, BYTES(0x48, 0x25, 0x00, 0x00, 0x00, 0x80)), "and rax, imm32 runs");
	is_u64(R(t, RAX), 0xffffffff80000000ull, "and rax, imm32 sign-extends the immediate");

	reset(t, ET_PROT32);
	R(t, RAX) = 0x0f0f0f0f;
	ok(run(t, BYTES(0xf7, 0xd0)), "not eax runs"); /* not eax */
	is_u64(R(t, RAX), 0xf0f0f0f0, "not eax");
	reset(t, ET_PROT32);
	R(t, RAX) = 1;
	ok(run(t, BYTES(0xf7, 0xd8)), "neg eax runs"); /* neg eax */
	is_u64(R(t, RAX), 0xffffffff, "neg eax");
	ok(t->st.rflags & F_CF, "neg of nonzero sets CF");

	reset(t, ET_PROT32);
	R(t, RAX) = 0xffffffff;
	ok(run(t, BYTES(0xf9, 0x40)), "stc; inc eax runs"); /* stc; inc eax */
	is_u64(R(t, RAX), 0, "inc eax wraps");
	is_u64(flags(t) & (F_CF | F_ZF), F_CF | F_ZF, "inc keeps CF, sets ZF");
	reset(t, ET_LONG64);
	R(t, RAX) = 0x100000000ull;
	ok(run(t, BYTES(0xf8, 0xff, 0xc8)), "clc; dec eax runs"); /* clc; dec eax */
	is_u64(R(t, RAX), 0xffffffff, "dec eax in 64-bit mode zero-extends");
	is_u64(flags(t) & (F_CF | F_SF), F_SF, "dec keeps CF clear");
}

static void test_muldiv(struct et *t)
{
	reset(t, ET_PROT32);
	R(t, RAX) = 0x80000000;
	R(t, RBX) = 4;
	ok(run(t, BYTES(0xf7, 0xe3)), "mul ebx runs"); /* mul ebx */
	is_u64(R(t, RAX), 0, "mul ebx: EAX low half");
	is_u64(R(t, RDX), 2, "mul ebx: EDX high half");
	is_u64(flags(t) & (F_CF | F_OF), F_CF | F_OF, "mul: CF OF");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x10;
	R(t, RBX) = 0x10;
	R(t, RDX) = 0x5555;
	ok(run(t, BYTES(0xf6, 0xe3)), "mul bl runs"); /* mul bl */
	is_u64(R(t, RAX), 0x100, "mul bl: AX");
	is_u64(R(t, RDX), 0x5555, "mul bl leaves EDX");
	reset(t, ET_PROT32);
	R(t, RBX) = 5;
	ok(run(t, BYTES(0x6b, 0xc3, 0xfd)), "imul eax, ebx, -3 runs"); /* imul eax, ebx, -3 */
	is_u64(R(t, RAX), 0xfffffff1, "imul eax, ebx, -3");
	reset(t, ET_LONG64);
	R(t, RAX) = 3;
	R(t, RBX) = (uint64_t)-7;
	ok(run(t, BYTES(0x48, 0x0f, 0xaf, 0xc3)), "imul rax, rbx runs"); /* imul rax, rbx */
	is_u64(R(t, RAX), (uint64_t)-21, "imul rax, rbx");
	reset(t, ET_PROT32);
	R(t, RAX) = (uint32_t)-2;
	R(t, RBX) = 3;
	ok(run(t, BYTES(0xf7, 0xeb)), "imul ebx runs"); /* imul ebx */
	is_u64(R(t, RAX), (uint32_t)-6, "imul ebx: EAX");
	is_u64(R(t, RDX), 0xffffffff, "imul ebx: EDX sign");

	reset(t, ET_PROT32);
	R(t, RAX) = 100;
	R(t, RBX) = 7;
	ok(run(t, BYTES(0xf7, 0xf3)), "div ebx runs"); /* div ebx */
	is_u64(R(t, RAX), 14, "div: quotient");
	is_u64(R(t, RDX), 2, "div: remainder");
	reset(t, ET_PROT32);
	R(t, RAX) = 100;
	R(t, RBX) = 7;
	ok(run(t, BYTES(0xf6, 0xf3)), "div bl runs"); /* div bl */
	is_u64(R(t, RAX), 0x020e, "div bl: AH remainder, AL quotient");
	reset(t, ET_PROT32);
	R(t, RAX) = (uint32_t)-100;
	R(t, RDX) = 0xffffffff;
	R(t, RBX) = 7;
	ok(run(t, BYTES(0xf7, 0xfb)), "idiv ebx runs"); /* idiv ebx */
	is_u64(R(t, RAX), (uint32_t)-14, "idiv: quotient truncates toward zero");
	is_u64(R(t, RDX), (uint32_t)-2, "idiv: remainder has the dividend's sign");
	reset(t, ET_LONG64);
	R(t, RAX) = 0;
	R(t, RDX) = 1;
	R(t, RBX) = 4;
	ok(run(t, BYTES(0x48, 0xf7, 0xf3)), "div rbx runs"); /* div rbx */
	is_u64(R(t, RAX), 0x4000000000000000ull, "div rbx: 128-bit dividend");

	reset(t, ET_PROT32);
	R(t, RAX) = 100;
	R(t, RBX) = 0;
	is_u64(fault(t, BYTES(0xf7, 0xf3)), V_DE, "div by 0: #DE");
	is_u64(R(t, RAX), 100, "#DE leaves EAX");
	reset(t, ET_PROT32);
	R(t, RDX) = 1;
	R(t, RBX) = 1;
	is_u64(fault(t, BYTES(0xf7, 0xf3)), V_DE, "div: quotient too large: #DE");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x8000;
	R(t, RBX) = 0xff;
	is_u64(fault(t, BYTES(0xf6, 0xfb)), V_DE, "idiv bl: -32768 / -1: #DE");
}

static void test_shifts(struct et *t)
{
	reset(t, ET_PROT32);
	R(t, RAX) = 0x10000001;
	ok(run(t, BYTES(0xc1, 0xe0, 0x04)), "shl eax, 4 runs"); /* shl eax, 4 */
	is_u64(R(t, RAX), 0x10, "shl eax, 4");
	ok(t->st.rflags & F_CF, "shl: CF is the last bit out");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x80;
	R(t, RCX) = 0x23;				   /* masked to 3 */
	ok(run(t, BYTES(0xd3, 0xe8)), "shr eax, cl runs"); /* shr eax, cl */
	is_u64(R(t, RAX), 0x10, "shr eax, cl: count masked to 5 bits");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x80000000;
	ok(run(t, BYTES(0xd1, 0xf8)), "sar eax, 1 runs"); /* sar eax, 1 */
	is_u64(R(t, RAX), 0xc0000000, "sar eax, 1");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x12345678;
	ok(run(t, BYTES(0xc1, 0xc0, 0x08)), "rol eax, 8 runs"); /* rol eax, 8 */
	is_u64(R(t, RAX), 0x34567812, "rol eax, 8");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x80000000;
	ok(run(t, BYTES(0xf9, 0xd1, 0xd0)), "stc; rcl eax, 1 runs"); /* stc; rcl eax, 1 */
	is_u64(R(t, RAX), 1, "rcl: CF in at the bottom");
	ok(t->st.rflags & F_CF, "rcl: the top bit out to CF");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x0300;
	ok(run(t, BYTES(0xc0, 0xe4, 0x04)), "shl ah, 4 runs"); /* shl ah, 4 */
	is_u64(R(t, RAX), 0x3000, "shl ah, 4");
	reset(t, ET_LONG64);
	R(t, RAX) = 0xffffffff00000001ull;
	R(t, RCX) = 0;
	ok(run(t, BYTES(0xf9, 0xd3, 0xe0)), "stc; shl eax, cl (0) runs"); /* stc; shl eax, cl */
	is_u64(R(t, RAX), 1, "shift by 0 still writes the 32-bit register");
	ok(t->st.rflags & F_CF, "shift by 0 keeps the flags");
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 2, 0x8001);
	R(t, RBX) = ET_DATA;
	ok(run(t, BYTES(0x66, 0xd1, 0x0b)), "ror word [ebx], 1 runs"); /* ror word [ebx], 1 */
	is_u64(rd(t, ET_DATA, 4), 0xc000, "ror word [ebx], 1");

	reset(t, ET_PROT32);
	R(t, RAX) = 0x12345678;
	R(t, RBX) = 0x9abcdef0;
	ok(run(t, BYTES(0x0f, 0xa4, 0xd8, 0x04)), "shld eax, ebx, 4 runs"); /* shld eax, ebx, 4 */
	is_u64(R(t, RAX), 0x23456789, "shld eax, ebx, 4");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x12345678;
	R(t, RBX) = 0x9abcdef0;
	R(t, RCX) = 8;
	ok(run(t, BYTES(0x0f, 0xad, 0xd8)), "shrd eax, ebx, cl runs"); /* shrd eax, ebx, cl */
	is_u64(R(t, RAX), 0xf0123456, "shrd eax, ebx, cl");
}

/* ---- data movement ---------------------------------------------------------- */

static void test_movx(struct et *t)
{
	reset(t, ET_PROT32);
	R(t, RAX) = ~0ull;
	R(t, RBX) = 0x1280;
	ok(run(t, BYTES(0x0f, 0xb6, 0xc3)), "movzx eax, bl runs"); /* movzx eax, bl */
	is_u64(R(t, RAX), 0x80, "movzx eax, bl");
	reset(t, ET_PROT32);
	R(t, RBX) = 0x1280;
	ok(run(t, BYTES(0x0f, 0xbe, 0xc3)), "movsx eax, bl runs"); /* movsx eax, bl */
	is_u64(R(t, RAX), 0xffffff80, "movsx eax, bl");
	reset(t, ET_PROT32);
	R(t, RAX) = 0xaaaa0000;
	R(t, RBX) = 0x80;
	ok(run(t, BYTES(0x66, 0x0f, 0xbe, 0xc3)), "movsx ax, bl runs"); /* movsx ax, bl */
	is_u64(R(t, RAX), 0xaaaaff80, "movsx ax, bl merges 16 bits");
	reset(t, ET_PROT32);
	R(t, RBX) = 0x8000;
	ok(run(t, BYTES(0x0f, 0xbf, 0xc3)), "movsx eax, bx runs"); /* movsx eax, bx */
	is_u64(R(t, RAX), 0xffff8000, "movsx eax, bx");
	reset(t, ET_LONG64);
	R(t, RBX) = 0x80000000;
	ok(run(t, BYTES(0x48, 0x63, 0xc3)), "movsxd rax, ebx runs"); /* movsxd rax, ebx */
	is_u64(R(t, RAX), 0xffffffff80000000ull, "movsxd rax, ebx");
	reset(t, ET_LONG64);
	R(t, RAX) = ~0ull;
	R(t, RBX) = 0x80000000;
	ok(run(t, BYTES(0x63, 0xc3)), "movsxd eax, ebx runs"); /* movsxd eax, ebx */
	is_u64(R(t, RAX), 0x80000000, "movsxd with osz 4 is a 32-bit mov");
	reset(t, ET_LONG64);
	ok(run(t, BYTES(0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8)), "mov rax, imm64 runs");
	is_u64(R(t, RAX), 0x0807060504030201ull, "mov rax, imm64");
	reset(t, ET_LONG64);
	R(t, RAX) = ~0ull;
	ok(run(t, BYTES(0x48, 0xc7, 0xc0, 0xfe, 0xff, 0xff, 0xff)), "mov rax, -2 runs");
	is_u64(R(t, RAX), (uint64_t)-2, "mov r/m64, imm32 sign-extends");
	reset(t, ET_PROT32);
	wr(t, ET_DATA + 0x40, 4, 0x11223344);
	ok(run(t, BYTES(0xa1, 0x40, 0x00, 0x03, 0x00)), "mov eax, [moffs] runs");
	is_u64(R(t, RAX), 0x11223344, "mov eax, moffs32");
}

static void test_xchg(struct et *t)
{
	reset(t, ET_PROT32);
	R(t, RAX) = 1;
	R(t, RBX) = 2;
	ok(run(t, BYTES(0x87, 0xd8)), "xchg eax, ebx runs"); /* xchg eax, ebx */
	ok(R(t, RAX) == 2 && R(t, RBX) == 1, "xchg eax, ebx swaps");
	reset(t, ET_PROT32);
	R(t, RAX) = 1;
	R(t, RBX) = 2;
	ok(run(t, BYTES(0x93)), "xchg ebx, eax (93) runs"); /* xchg ebx, eax */
	ok(R(t, RAX) == 2 && R(t, RBX) == 1, "xchg ebx, eax (opcode register)");
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 4, 0x77);
	R(t, RBX) = ET_DATA;
	R(t, RAX) = 0x66;
	ok(run(t, BYTES(0x87, 0x03)), "xchg [ebx], eax runs"); /* xchg [ebx], eax */
	ok(R(t, RAX) == 0x77 && rd(t, ET_DATA, 4) == 0x66, "xchg with memory");
	reset(t, ET_LONG64);
	R(t, RAX) = 0xffffffff00000001ull;
	R(t, R8) = 2;
	ok(run(t, BYTES(0x41, 0x90)), "xchg r8d, eax runs"); /* xchg r8d, eax */
	ok(R(t, RAX) == 2 && R(t, R8) == 1, "41 90 is xchg r8d, eax (32-bit, zero-extended)");
	reset(t, ET_LONG64);
	R(t, RAX) = 0xffffffff00000001ull;
	ok(run(t, BYTES(0x90)), "nop runs");
	is_u64(R(t, RAX), 0xffffffff00000001ull, "90 is NOP: no zero-extension of eax");

	reset(t, ET_PROT32);
	R(t, RAX) = 3;
	R(t, RBX) = 4;
	ok(run(t, BYTES(0x0f, 0xc1, 0xd8)), "xadd eax, ebx runs"); /* xadd eax, ebx */
	ok(R(t, RAX) == 7 && R(t, RBX) == 3, "xadd: sum to dest, old dest to src");
	reset(t, ET_PROT32);
	R(t, RAX) = 3;
	ok(run(t, BYTES(0x0f, 0xc1, 0xc0)), "xadd eax, eax runs"); /* xadd eax, eax */
	is_u64(R(t, RAX), 6, "xadd eax, eax: the destination wins");
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 4, 10);
	R(t, RBX) = ET_DATA;
	R(t, RAX) = 5;
	ok(run(t, BYTES(0xf0, 0x0f, 0xc1, 0x03)), "lock xadd [ebx], eax runs");
	ok(R(t, RAX) == 10 && rd(t, ET_DATA, 4) == 15, "lock xadd [ebx], eax");
}

static void test_cmpxchg(struct et *t)
{
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 4, 5);
	R(t, RBX) = ET_DATA;
	R(t, RAX) = 5;
	R(t, RCX) = 9;
	ok(run(t, BYTES(0x0f, 0xb1, 0x0b)), "cmpxchg [ebx], ecx (equal) runs");
	ok(rd(t, ET_DATA, 4) == 9 && (t->st.rflags & F_ZF), "cmpxchg equal: stores, ZF=1");
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 4, 6);
	R(t, RBX) = ET_DATA;
	R(t, RAX) = 5;
	R(t, RCX) = 9;
	ok(run(t, BYTES(0x0f, 0xb1, 0x0b)), "cmpxchg [ebx], ecx (different) runs");
	ok(rd(t, ET_DATA, 4) == 6 && R(t, RAX) == 6 && !(t->st.rflags & F_ZF),
	   "cmpxchg different: loads EAX, ZF=0");
	reset(t, ET_LONG64);
	R(t, RAX) = 0xffffffff00000005ull;
	R(t, RBX) = 0xffffffff00000006ull;
	R(t, RCX) = 7;
	ok(run(t, BYTES(0x0f, 0xb1, 0xcb)), "cmpxchg ebx, ecx runs"); /* cmpxchg ebx, ecx */
	ok(R(t, RAX) == 6 && R(t, RBX) == 0xffffffff00000006ull,
	   "cmpxchg r32 different: EAX loaded and zero-extended, dest untouched");

	/* cmpxchg8b [esi] */
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 8, 0x1111111122222222ull);
	R(t, RSI) = ET_DATA;
	R(t, RDX) = 0x11111111;
	R(t, RAX) = 0x22222222;
	R(t, RCX) = 0x33333333;
	R(t, RBX) = 0x44444444;
	ok(run(t, BYTES(0x0f, 0xc7, 0x0e)), "cmpxchg8b (equal) runs");
	ok(rd(t, ET_DATA, 8) == 0x3333333344444444ull && (t->st.rflags & F_ZF),
	   "cmpxchg8b equal: stores ECX:EBX, ZF=1");
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 8, 0x5555555566666666ull);
	R(t, RSI) = ET_DATA;
	R(t, RDX) = 0x11111111;
	R(t, RAX) = 0x22222222;
	ok(run(t, BYTES(0x0f, 0xc7, 0x0e)), "cmpxchg8b (different) runs");
	ok(R(t, RDX) == 0x55555555 && R(t, RAX) == 0x66666666 && !(t->st.rflags & F_ZF),
	   "cmpxchg8b different: loads EDX:EAX, ZF=0");

	/* cmpxchg16b [rsi] */
	reset(t, ET_LONG64);
	wr(t, ET_DATA, 8, 1);
	wr(t, ET_DATA + 8, 8, 2);
	R(t, RSI) = ET_DATA;
	R(t, RAX) = 1;
	R(t, RDX) = 2;
	R(t, RBX) = 0xaaaaaaaaaaaaaaaaull;
	R(t, RCX) = 0xbbbbbbbbbbbbbbbbull;
	ok(run(t, BYTES(0x48, 0x0f, 0xc7, 0x0e)), "cmpxchg16b (equal) runs");
	ok(rd(t, ET_DATA, 8) == R(t, RBX) && rd(t, ET_DATA + 8, 8) == R(t, RCX) &&
		   (t->st.rflags & F_ZF),
	   "cmpxchg16b equal: stores RCX:RBX");
	reset(t, ET_LONG64);
	wr(t, ET_DATA + 8, 8, 7);
	R(t, RSI) = ET_DATA;
	ok(run(t, BYTES(0x48, 0x0f, 0xc7, 0x0e)), "cmpxchg16b (different) runs");
	ok(R(t, RDX) == 7 && R(t, RAX) == 0 && !(t->st.rflags & F_ZF),
	   "cmpxchg16b different: loads RDX:RAX");
	reset(t, ET_LONG64);
	R(t, RSI) = ET_DATA + 8;
	is_u64(fault(t, BYTES(0x48, 0x0f, 0xc7, 0x0e)), V_GP, "cmpxchg16b unaligned: #GP");
}

static void test_misc_data(struct et *t)
{
	reset(t, ET_PROT32);
	R(t, RAX) = 0x100;
	R(t, RBX) = 0x20;
	ok(run(t, BYTES(0x8d, 0x44, 0x58, 0x10)), "lea eax, [eax+ebx*2+0x10] runs");
	is_u64(R(t, RAX), 0x150, "lea with SIB");
	reset(t, ET_PROT32);
	R(t, RBX) = 0xffff;
	R(t, RSI) = 2;
	ok(run(t, BYTES(0x67, 0x8d, 0x40, 0x10)), "lea eax, [bx+si+0x10] runs");
	is_u64(R(t, RAX), 0x11, "lea with 16-bit addressing wraps at 64K");
	reset(t, ET_LONG64);
	R(t, RAX) = 0xffffffffffffffffull;
	R(t, RBX) = 0x123456789ull;
	ok(run(t, BYTES(0x66, 0x8d, 0x03)), "lea ax, [rbx] runs"); /* lea ax, [rbx] */
	is_u64(R(t, RAX), 0xffffffffffff6789ull, "lea ax: truncated to osz");

	reset(t, ET_PROT32);
	R(t, RAX) = 0x11223344;
	ok(run(t, BYTES(0x0f, 0xc8)), "bswap eax runs"); /* bswap eax */
	is_u64(R(t, RAX), 0x44332211, "bswap eax");
	reset(t, ET_LONG64);
	R(t, R9) = 0x0102030405060708ull;
	ok(run(t, BYTES(0x49, 0x0f, 0xc9)), "bswap r9 runs"); /* bswap r9 */
	is_u64(R(t, R9), 0x0807060504030201ull, "bswap r9");

	reset(t, ET_PROT32);
	R(t, RAX) = 0x8000;
	ok(run(t, BYTES(0x98)), "cwde runs");
	is_u64(R(t, RAX), 0xffff8000, "cwde");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x12340080;
	ok(run(t, BYTES(0x66, 0x98)), "cbw runs");
	is_u64(R(t, RAX), 0x1234ff80, "cbw");
	reset(t, ET_LONG64);
	R(t, RAX) = 0x80000000;
	ok(run(t, BYTES(0x48, 0x98)), "cdqe runs");
	is_u64(R(t, RAX), 0xffffffff80000000ull, "cdqe");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x80000000;
	ok(run(t, BYTES(0x99)), "cdq runs");
	is_u64(R(t, RDX), 0xffffffff, "cdq");
	reset(t, ET_REAL);
	R(t, RAX) = 0x8000;
	R(t, RDX) = 0x12340000;
	ok(run(t, BYTES(0x99)), "cwd runs");
	is_u64(R(t, RDX), 0x1234ffff, "cwd writes DX only");

	reset(t, ET_PROT32);
	wr(t, ET_DATA + 3, 1, 0x42);
	R(t, RBX) = ET_DATA;
	R(t, RAX) = 0x1203;
	ok(run(t, BYTES(0xd7)), "xlat runs");
	is_u64(R(t, RAX), 0x1242, "xlat");
	reset(t, ET_REAL);
	wr(t, ET_DATA + 0x105, 1, 0x99);
	R(t, RBX) = 0x100;
	R(t, RAX) = 5;
	ok(run(t, BYTES(0xd7)), "real mode xlat runs");
	is_u64(R(t, RAX), 0x99, "xlat with DS base");
}

static void test_flags_ops(struct et *t)
{
	reset(t, ET_PROT32);
	R(t, RAX) = 0xd500;
	ok(run(t, BYTES(0x9e)), "sahf runs");
	is_u64(flags(t), F_SF | F_ZF | F_AF | F_PF | F_CF, "sahf loads SF ZF AF PF CF");
	reset(t, ET_LONG64);
	t->st.rflags |= F_ZF | F_CF | F_OF;
	ok(run(t, BYTES(0x9f)), "lahf runs");
	is_u64(R(t, RAX), 0x4300, "lahf: AH = SF:ZF:0:AF:0:PF:1:CF");
	reset(t, ET_PROT32);
	R(t, RAX) = 1;
	ok(run(t, BYTES(0x83, 0xe8, 0x02, 0x9f)), "sub eax, 2; lahf runs");
	is_u64(R(t, RAX) >> 8 & 0xff, 0x97, "lahf after sub: the pending flags");

	reset(t, ET_PROT32);
	ok(run(t, BYTES(0xf9)), "stc runs");
	ok(t->st.rflags & F_CF, "stc");
	reset(t, ET_PROT32);
	t->st.rflags |= F_CF;
	ok(run(t, BYTES(0xf8)), "clc runs");
	ok(!(t->st.rflags & F_CF), "clc");
	reset(t, ET_PROT32);
	ok(run(t, BYTES(0xf9, 0xf5)), "stc; cmc runs");
	ok(!(t->st.rflags & F_CF), "cmc");
	reset(t, ET_PROT32);
	ok(run(t, BYTES(0xfd)), "std runs");
	ok(t->st.rflags & F_DF, "std");
	reset(t, ET_PROT32);
	t->st.rflags |= F_DF;
	ok(run(t, BYTES(0xfc)), "cld runs");
	ok(!(t->st.rflags & F_DF), "cld");
	reset(t, ET_PROT32);
	R(t, RAX) = 0xffffffff;
	ok(run(t, BYTES(0x40, 0xf9)), "inc eax; stc runs"); /* inc eax; stc */
	is_u64(flags(t) & (F_CF | F_ZF), F_CF | F_ZF, "stc keeps the pending ZF");

	reset(t, ET_LONG64);
	R(t, RAX) = 0xffffffff00000000ull;
	ok(run(t, BYTES(0x31, 0xdb, 0x0f, 0x94, 0xc0)), "xor ebx, ebx; sete al runs");
	is_u64(R(t, RAX), 0xffffffff00000001ull, "sete al");
	reset(t, ET_LONG64);
	R(t, RAX) = 0xffffffff00000000ull;
	R(t, RBX) = 0x1234;
	ok(run(t, BYTES(0xf8, 0x0f, 0x42, 0xc3)), "clc; cmovc eax, ebx runs");
	is_u64(R(t, RAX), 0, "cmov false, 32-bit: the upper half is cleared");
	reset(t, ET_LONG64);
	R(t, RBX) = 0x1234;
	ok(run(t, BYTES(0xf9, 0x48, 0x0f, 0x42, 0xc3)), "stc; cmovc rax, rbx runs");
	is_u64(R(t, RAX), 0x1234, "cmov true moves");
	reset(t, ET_LONG64);
	R(t, RBX) = 0x0000800000000000ull;
	is_u64(fault(t, BYTES(0xf8, 0x0f, 0x42, 0x03)), V_GP,
	       "cmov false still reads its memory operand");
}

/* ---- bits ------------------------------------------------------------------ */

static void test_bits(struct et *t)
{
	reset(t, ET_PROT32);
	R(t, RAX) = 0x10;
	R(t, RBX) = 36;						 /* mod 32 = 4 */
	ok(run(t, BYTES(0x0f, 0xa3, 0xd8)), "bt eax, ebx runs"); /* bt eax, ebx */
	ok(t->st.rflags & F_CF, "bt register: offset mod 32");
	reset(t, ET_PROT32);
	ok(run(t, BYTES(0x0f, 0xba, 0xe8, 0x25)), "bts eax, 0x25 runs"); /* bts eax, 0x25 */
	is_u64(R(t, RAX), 0x20, "bts eax, imm8: masked to 5 bits");
	ok(!(t->st.rflags & F_CF), "bts: old bit to CF");
	reset(t, ET_PROT32);
	R(t, RAX) = 0xff;
	ok(run(t, BYTES(0x0f, 0xba, 0xf8, 0x01)), "btc eax, 1 runs"); /* btc eax, 1 */
	is_u64(R(t, RAX), 0xfd, "btc eax, 1");
	ok(t->st.rflags & F_CF, "btc: CF");

	reset(t, ET_PROT32);
	R(t, RBX) = ET_DATA + 0x100;
	R(t, RAX) = (uint32_t)-1;
	ok(run(t, BYTES(0x0f, 0xab, 0x03)), "bts [ebx], eax (-1) runs"); /* bts [ebx], eax */
	is_u64(rd(t, ET_DATA + 0xfc, 4), 0x80000000, "bts mem, -1: bit 31 of the dword below");
	reset(t, ET_PROT32);
	wr(t, ET_DATA + 0x104, 4, 0xff);
	R(t, RBX) = ET_DATA + 0x100;
	R(t, RAX) = 35;
	ok(run(t, BYTES(0x0f, 0xb3, 0x03)), "btr [ebx], eax (35) runs"); /* btr [ebx], eax */
	is_u64(rd(t, ET_DATA + 0x104, 4), 0xf7, "btr mem, 35: bit 3 of the next dword");
	ok(t->st.rflags & F_CF, "btr: the old bit");
	reset(t, ET_PROT32);
	wr(t, ET_DATA + 0x100, 4, 0);
	R(t, RBX) = ET_DATA + 0x100;
	ok(run(t, BYTES(0x0f, 0xba, 0x2b, 0x23)), "bts dword [ebx], 0x23 runs");
	is_u64(rd(t, ET_DATA + 0x100, 4), 8, "bts mem, imm: masked, no address offset");
	reset(t, ET_LONG64);
	R(t, RBX) = ET_DATA + 0x100;
	R(t, RAX) = (uint64_t)-65;
	ok(run(t, BYTES(0x48, 0x0f, 0xab, 0x03)), "bts [rbx], rax (-65) runs");
	is_u64(rd(t, ET_DATA + 0xf0, 8), 1ull << 63, "bts qword mem, -65: two qwords down");

	reset(t, ET_PROT32);
	R(t, RBX) = 0x10;
	ok(run(t, BYTES(0x0f, 0xbc, 0xc3)), "bsf eax, ebx runs"); /* bsf eax, ebx */
	is_u64(R(t, RAX), 4, "bsf");
	reset(t, ET_LONG64);
	R(t, RAX) = 0xffffffff12345678ull;
	ok(run(t, BYTES(0x0f, 0xbc, 0xc3)), "bsf eax, ebx (0) runs");
	is_u64(R(t, RAX), 0xffffffff12345678ull, "bsf of 0 leaves the whole destination");
	ok(t->st.rflags & F_ZF, "bsf of 0: ZF");
	reset(t, ET_PROT32);
	R(t, RBX) = 0x10001;
	ok(run(t, BYTES(0x0f, 0xbd, 0xc3)), "bsr eax, ebx runs"); /* bsr eax, ebx */
	is_u64(R(t, RAX), 16, "bsr");
	reset(t, ET_PROT32);
	R(t, RBX) = 1;
	ok(run(t, BYTES(0xf3, 0x0f, 0xbd, 0xc3)), "lzcnt eax, ebx runs"); /* lzcnt eax, ebx */
	is_u64(R(t, RAX), 31, "lzcnt (the CPU model has LZCNT)");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x77;
	ok(run(t, BYTES(0xf3, 0x0f, 0xbc, 0xc3)), "tzcnt eax, ebx (0) runs"); /* tzcnt eax, ebx */
	is_u64(R(t, RAX), 0x77, "tzcnt without BMI1 is bsf: 0 leaves the destination");
	reset(t, ET_PROT32);
	R(t, RBX) = 0xf0f1;
	ok(run(t, BYTES(0xf3, 0x0f, 0xb8, 0xc3)), "popcnt eax, ebx runs"); /* popcnt eax, ebx */
	is_u64(R(t, RAX), 9, "popcnt");
}

static void test_bcd(struct et *t)
{
	reset(t, ET_PROT32);
	R(t, RAX) = 0x15;
	ok(run(t, BYTES(0x04, 0x27, 0x27)), "add al, 0x27; daa runs"); /* add al, 0x27; daa */
	is_u64(R(t, RAX), 0x42, "daa");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x2a;
	ok(run(t, BYTES(0xd4, 0x0a)), "aam runs"); /* aam */
	is_u64(R(t, RAX), 0x0402, "aam");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x0402;
	ok(run(t, BYTES(0xd5, 0x0a)), "aad runs"); /* aad */
	is_u64(R(t, RAX), 0x2a, "aad");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x000b;
	ok(run(t, BYTES(0x37)), "aaa runs"); /* aaa */
	is_u64(R(t, RAX), 0x0101, "aaa");
	reset(t, ET_PROT32);
	R(t, RAX) = 0x2a;
	is_u64(fault(t, BYTES(0xd4, 0x00)), V_DE, "aam 0: #DE");
	is_u64(R(t, RAX), 0x2a, "aam 0 writes nothing");
	reset(t, ET_LONG64);
	is_u64(fault(t, BYTES(0x27)), V_UD, "daa in 64-bit mode: #UD");
}

static void test_bound(struct et *t)
{
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 4, (uint32_t)-2);
	wr(t, ET_DATA + 4, 4, 10);
	R(t, RBX) = ET_DATA;
	R(t, RAX) = (uint32_t)-1;
	ok(run(t, BYTES(0x62, 0x03)), "bound eax, [ebx] within runs"); /* bound eax, [ebx] */
	R(t, RAX) = 11;
	is_u64(fault(t, BYTES(0x62, 0x03)), V_BR, "bound above: #BR");
	R(t, RAX) = (uint32_t)-3;
	is_u64(fault(t, BYTES(0x62, 0x03)), V_BR, "bound below (signed): #BR");
	reset(t, ET_REAL);
	wr(t, ET_DATA, 2, 1);
	wr(t, ET_DATA + 2, 2, 3);
	R(t, RAX) = 4;
	R(t, RBX) = 0;
	is_u64(fault(t, BYTES(0x62, 0x07)), V_BR, "16-bit bound: #BR"); /* bound ax, [bx] */
}

/* ---- faults ------------------------------------------------------------------ */

static void test_faults(struct et *t)
{
	reset(t, ET_PROT32);
	is_u64(fault(t, BYTES(0x0f, 0x0b)), V_UD, "ud2: #UD");
	reset(t, ET_LONG64);
	R(t, RBX) = 0x0000800000000000ull;
	R(t, RAX) = 5;
	is_u64(fault(t, BYTES(0x8b, 0x03)), V_GP, "mov eax, [non-canonical]: #GP");
	is_u64(R(t, RAX), 5, "the faulting mov writes nothing");
	is_u64(et_stack(t, 0, 8), 0, "#GP error code 0");
	reset(t, ET_LONG64);
	R(t, RBX) = 0x0000800000000000ull;
	is_u64(fault(t, BYTES(0x0f, 0xae, 0x3b)), V_GP, "clflush [non-canonical]: #GP");
	reset(t, ET_LONG64);
	R(t, RBX) = ET_DATA;
	ok(run(t, BYTES(0x90, 0xf3, 0x90, 0x0f, 0xae, 0xe8, 0x0f, 0xae, 0xf0, 0x0f, 0xae, 0xf8,
			0x0f, 0x18, 0x0b, 0x0f, 0xae, 0x3b, 0x0f, 0x1f, 0x00)),
	   "nop, pause, fences, prefetch, clflush, nop Ev run");

	/* SS of 64 KiB: a pop at SP = 0xffff reads past the limit. */
	reset(t, ET_REAL);
	R(t, RSP) = 0xffff;
	R(t, RAX) = 0x1234;
	is_u64(fault(t, BYTES(0x58)), V_SS, "pop ax past SS.limit: #SS"); /* pop ax */
	is_u64(R(t, RAX), 0x1234, "the faulting pop writes nothing");
	reset(t, ET_PROT32);
	t->st.seg[SEG_SS] = et_seg(ET_SEL_DS16, 0x3, 0, false, false, 0xffff);
	R(t, RSP) = 0xf000;
	R(t, RBP) = 0x10000;
	is_u64(fault(t, BYTES(0x8b, 0x45, 0x00)), V_SS, "mov eax, [ebp] past SS.limit: #SS");
}

/* ---- stack ------------------------------------------------------------------ */

static void test_push_pop(struct et *t)
{
	reset(t, ET_REAL);
	R(t, RAX) = 0x1234;
	R(t, RSP) = 0x1000;
	ok(run(t, BYTES(0x50, 0x5b)), "push ax; pop bx runs"); /* push ax; pop bx */
	ok(R(t, RBX) == 0x1234 && R(t, RSP) == 0x1000, "16-bit push/pop");
	reset(t, ET_REAL);
	R(t, RSP) = 0x1000;
	ok(run(t, BYTES(0x66, 0x6a, 0xff)), "push dword -1 runs"); /* push dword -1 */
	ok(R(t, RSP) == 0xffc && rd(t, 0xffc, 4) == 0xffffffff, "66 push imm8: 4 bytes");
	reset(t, ET_REAL);
	R(t, RSP) = 0x10000; /* SP = 0: the push wraps to 0xfffe */
	R(t, RAX) = 0xbeef;
	ok(run(t, BYTES(0x50)), "push ax at SP=0 runs");
	ok(R(t, RSP) == 0x1fffe && rd(t, 0xfffe, 2) == 0xbeef, "16-bit SP wraps, ESP upper kept");

	reset(t, ET_PROT32);
	R(t, RAX) = 0x11223344;
	ok(run(t, BYTES(0x50, 0x66, 0x50)), "push eax; push ax runs");
	ok(R(t, RSP) == ET_STACK - 6 && rd(t, ET_STACK - 4, 4) == 0x11223344 &&
		   rd(t, ET_STACK - 6, 2) == 0x3344,
	   "32-bit push eax and 66 push ax");

	reset(t, ET_LONG64);
	ok(run(t, BYTES(0x6a, 0xff, 0x66, 0x6a, 0x01)), "push -1; push word 1 runs");
	ok(R(t, RSP) == ET_STACK - 10 && rd(t, ET_STACK - 8, 8) == ~0ull &&
		   rd(t, ET_STACK - 10, 2) == 1,
	   "64-bit push imm8 is 8 bytes; 66 makes it 2");
	reset(t, ET_LONG64);
	ok(run(t, BYTES(0x54, 0x41, 0x5b)), "push rsp; pop r11 runs"); /* push rsp; pop r11 */
	is_u64(R(t, R11), ET_STACK, "push rsp pushes the old value");
	reset(t, ET_LONG64);
	wr(t, ET_STACK - 8, 8, 0x1234);
	R(t, RSP) = ET_STACK - 8;
	ok(run(t, BYTES(0x5c)), "pop rsp runs"); /* pop rsp */
	is_u64(R(t, RSP), 0x1234, "pop rsp loads the popped value");
	reset(t, ET_LONG64);
	wr(t, ET_STACK - 16, 8, 0xabcd);
	R(t, RSP) = ET_STACK - 16;
	ok(run(t, BYTES(0x8f, 0x04, 0x24)), "pop [rsp] runs"); /* pop qword [rsp] */
	ok(R(t, RSP) == ET_STACK - 8 && rd(t, ET_STACK - 8, 8) == 0xabcd,
	   "pop [rsp] addresses with the incremented rsp");
	reset(t, ET_LONG64);
	wr(t, ET_STACK - 8, 8, 0x5a5a);
	R(t, RSP) = ET_STACK - 8;
	ok(run(t, BYTES(0xff, 0x34, 0x24)), "push [rsp] runs"); /* push qword [rsp] */
	is_u64(rd(t, ET_STACK - 16, 8), 0x5a5a, "push [rsp]");
	reset(t, ET_LONG64);
	R(t, RSP) = ET_STACK - 8;
	R(t, RBX) = 0x0000800000000000ull;
	is_u64(fault(t, BYTES(0x8f, 0x03)), V_GP, "pop [non-canonical]: #GP");
	is_u64(et_stack(t, 32, 8), ET_STACK - 8, "the faulting pop leaves rsp (frame's RSP)");
}

static void test_pusha(struct et *t)
{
	reset(t, ET_PROT32);
	for (unsigned r = 0; r < 8; r++)
		if (r != GPR_RSP)
			t->st.gpr[r] = 0x1000 + r;
	ok(run(t, BYTES(0x60)), "pushad runs");
	ok(rd(t, ET_STACK - 4, 4) == 0x1000 && rd(t, ET_STACK - 20, 4) == ET_STACK &&
		   rd(t, ET_STACK - 32, 4) == 0x1007 && R(t, RSP) == ET_STACK - 32,
	   "pushad: EAX first, the original ESP, EDI last");
	reset(t, ET_PROT32);
	for (unsigned r = 0; r < 8; r++)
		wr(t, ET_STACK - 32 + 4 * r, 4, 0x2000 + r);
	R(t, RSP) = ET_STACK - 32;
	ok(run(t, BYTES(0x61)), "popad runs");
	ok(R(t, RDI) == 0x2000 && R(t, RAX) == 0x2007 && R(t, RSP) == ET_STACK,
	   "popad: EDI first, EAX last, ESP skipped");
	reset(t, ET_REAL);
	R(t, RAX) = 0xaaaa;
	R(t, RSP) = 0x800;
	ok(run(t, BYTES(0x60, 0x31, 0xc0, 0x61)), "pusha; xor ax, ax; popa runs");
	ok(R(t, RAX) == 0xaaaa && R(t, RSP) == 0x800, "16-bit pusha/popa round trip");
	/*
	 * SP = 7: the fourth push would write 0xffff-0x10000, past SS.limit; an
	 * SS limit violation is #SS (as Bochs; the SDM's real-mode #GP for SP =
	 * 7..15 is the 8086's wrap rule). The exception frame goes to 5, 3 and 1.
	 */
	reset(t, ET_REAL);
	R(t, RSP) = 7;
	is_u64(fault(t, BYTES(0x60)), V_SS, "pusha with SP = 7: #SS");
	is_u64(R(t, RSP), 1, "the faulting pusha did not move SP (only the frame did)");
	reset(t, ET_REAL);
	R(t, RSP) = 0x8;
	ok(run(t, BYTES(0x60)), "pusha with SP = 8 wraps without a fault");
	is_u64(R(t, RSP), 0xfff8, "pusha: SP wrapped");
}

static void test_enter_leave(struct et *t)
{
	reset(t, ET_PROT32);
	R(t, RBP) = 0x1234;
	ok(run(t, BYTES(0xc8, 0x10, 0x00, 0x00)), "enter 16, 0 runs"); /* enter 16, 0 */
	ok(R(t, RBP) == ET_STACK - 4 && R(t, RSP) == ET_STACK - 20 &&
		   rd(t, ET_STACK - 4, 4) == 0x1234,
	   "enter 16, 0: push ebp, ebp = esp, esp -= 16");
	ok(run(t, BYTES(0xc9)), "leave runs");
	ok(R(t, RBP) == 0x1234 && R(t, RSP) == ET_STACK, "leave undoes enter");

	reset(t, ET_PROT32);
	R(t, RBP) = ET_DATA + 0x100;
	wr(t, ET_DATA + 0xfc, 4, 0xaaaa);
	wr(t, ET_DATA + 0xf8, 4, 0xbbbb);
	ok(run(t, BYTES(0xc8, 0x08, 0x00, 0x03)), "enter 8, 3 runs"); /* enter 8, 3 */
	ok(rd(t, ET_STACK - 4, 4) == ET_DATA + 0x100 && rd(t, ET_STACK - 8, 4) == 0xaaaa &&
		   rd(t, ET_STACK - 12, 4) == 0xbbbb && rd(t, ET_STACK - 16, 4) == ET_STACK - 4,
	   "enter 8, 3: old ebp, two display entries, the frame pointer");
	ok(R(t, RBP) == ET_STACK - 4 && R(t, RSP) == ET_STACK - 24, "enter 8, 3: ebp and esp");
	reset(t, ET_PROT32);
	R(t, RBP) = ET_DATA;
	ok(run(t, BYTES(0xc8, 0x00, 0x00, 0x21)), "enter 0, 33 (level 1) runs");
	ok(R(t, RSP) == ET_STACK - 8 && rd(t, ET_STACK - 8, 4) == ET_STACK - 4,
	   "enter level is taken mod 32");

	reset(t, ET_REAL);
	R(t, RSP) = 0x800;
	R(t, RBP) = 0x900;
	wr(t, 0x8fe, 2, 0x7777);
	ok(run(t, BYTES(0xc8, 0x04, 0x00, 0x02)), "16-bit enter 4, 2 runs");
	ok(rd(t, 0x7fe, 2) == 0x900 && rd(t, 0x7fc, 2) == 0x7777 && rd(t, 0x7fa, 2) == 0x7fe &&
		   R(t, RBP) == 0x7fe && R(t, RSP) == 0x7f6,
	   "16-bit enter 4, 2");

	reset(t, ET_LONG64);
	R(t, RBP) = 0x1111222233334444ull;
	ok(run(t, BYTES(0xc8, 0x08, 0x00, 0x01)), "64-bit enter 8, 1 runs");
	ok(rd(t, ET_STACK - 8, 8) == 0x1111222233334444ull &&
		   rd(t, ET_STACK - 16, 8) == ET_STACK - 8 && R(t, RSP) == ET_STACK - 24,
	   "64-bit enter 8, 1");
	reset(t, ET_REAL);
	R(t, RSP) = 7;
	R(t, RBP) = 0x100;
	is_u64(fault(t, BYTES(0xc8, 0x00, 0x00, 0x03)), V_SS,
	       "enter with a push past SS.limit: #SS");
	ok(R(t, RBP) == 0x100 && R(t, RSP) == 1, "the faulting enter changes no register");
}

/* ---- branches ------------------------------------------------------------- */

/* 66 jmp/call rel16 in 32-bit code: the target is truncated to 16 bits (here 0x6000). */
static void test_branch16(struct et *t)
{
	uint32_t pa = ET_CODE + code_cur;
	uint16_t rel = (uint16_t)(0x6000 - (pa + 4));
	uint8_t jmp[] = {0x66, 0xe9, (uint8_t)rel, (uint8_t)(rel >> 8)};
	uint8_t call[] = {0x66, 0xe8, (uint8_t)(rel - 64), (uint8_t)((rel - 64) >> 8)};

	reset(t, ET_PROT32);
	t->ram[0x6000] = 0xf4;
	place(t, jmp, sizeof(jmp), sizeof(jmp));
	ok(et_run(t) == EXIT_REASON_HLT && t->st.rip == 0x6000,
	   "66 jmp rel16: EIP = target & 0xffff");
	reset(t, ET_PROT32);
	t->ram[0x6000] = 0xf4;
	place(t, call, sizeof(call), sizeof(call));
	ok(et_run(t) == EXIT_REASON_HLT && t->st.rip == 0x6000 && R(t, RSP) == ET_STACK - 2 &&
		   rd(t, ET_STACK - 2, 2) == ((pa + 64 + 4) & 0xffff),
	   "66 call rel16: 2-byte return address");
}

static void test_jmp_call(struct et *t)
{
	reset(t, ET_PROT32);
	is_u64(run_at(t, BYTES(0xeb, 0x01, 0xf4, 0xf4)), 3, "jmp rel8");
	reset(t, ET_PROT32);
	is_u64(run_at(t, BYTES(0xe9, 0x01, 0x00, 0x00, 0x00, 0xf4, 0xf4)), 6, "jmp rel32");
	reset(t, ET_PROT32);
	is_u64(run_at(t, BYTES(0xeb, 0x03, 0xf4, 0xf4, 0xf4, 0xeb, 0xfc)), 3, "jmp rel8 backwards");

	test_branch16(t);

	/* 16-bit IP wraps. */
	reset(t, ET_REAL);
	place(t, BYTES(0xf4), 0x10000);
	memcpy(t->ram + t->st.seg[SEG_CS].base + 0xfff0, (uint8_t[]){0xe9, 0x20, 0x00}, 3);
	t->ram[t->st.seg[SEG_CS].base + 0x13] = 0xf4;
	t->st.rip = 0xfff0;
	ok(et_run(t) == EXIT_REASON_HLT && t->st.rip == 0x13, "16-bit jmp wraps IP at 64K");
	reset(t, ET_REAL);
	is_u64(fault(t, BYTES(0x66, 0xe9, 0x00, 0x00, 0x01, 0x00)), V_GP,
	       "jmp beyond CS.limit: #GP");

	reset(t, ET_PROT32);
	is_u64(run_at(t, BYTES(0xe8, 0x01, 0x00, 0x00, 0x00, 0xf4, 0xc3)), 5, "call rel32; ret");
	is_u64(R(t, RSP), ET_STACK, "call/ret balance the stack");
	reset(t, ET_PROT32);
	is_u64(run_at(t, BYTES(0xe8, 0x01, 0x00, 0x00, 0x00, 0xf4, 0xc2, 0x08, 0x00)), 5,
	       "call; ret 8");
	is_u64(R(t, RSP), ET_STACK + 8, "ret 8 releases 8 more bytes");
	reset(t, ET_LONG64);
	R(t, RAX) = ET_CODE + code_cur + 3;
	is_u64(run_at(t, BYTES(0xff, 0xd0, 0xf4, 0xf4)), 3, "call rax"); /* call rax */
	ok(R(t, RSP) == ET_STACK - 8 && rd(t, ET_STACK - 8, 8) == ET_CODE + code_cur - 64 + 2,
	   "call rax pushes the 8-byte return address");
	reset(t, ET_LONG64);
	R(t, RAX) = ET_CODE + code_cur + 3;
	is_u64(run_at(t, BYTES(0xff, 0xe0, 0xf4, 0xf4)), 3, "jmp rax"); /* jmp rax */
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 4, ET_CODE + code_cur + 3);
	R(t, RBX) = ET_DATA;
	is_u64(run_at(t, BYTES(0xff, 0x23, 0xf4, 0xf4)), 3, "jmp [ebx]"); /* jmp dword [ebx] */

	reset(t, ET_LONG64);
	R(t, RAX) = 0x0000800000000000ull;
	is_u64(fault(t, BYTES(0xff, 0xe0)), V_GP, "jmp to a non-canonical address: #GP");
	is_u64(et_stack(t, 8, 8), ET_CODE + code_cur - 64, "#GP with RIP on the jmp");
	reset(t, ET_LONG64);
	R(t, RAX) = 0x0000800000000000ull;
	is_u64(fault(t, BYTES(0xff, 0xd0)), V_GP, "call to a non-canonical address: #GP");
	is_u64(R(t, RSP) + 48, ET_STACK, "the faulting call pushed nothing");
}

static bool cond_ref(unsigned cc, uint64_t f)
{
	bool cf = f & F_CF, zf = f & F_ZF, sf = f & F_SF, of = f & F_OF, pf = f & F_PF;
	bool r[8] = {of, cf, zf, cf || zf, sf, pf, sf != of, zf || sf != of};

	return r[cc >> 1] != (cc & 1);
}

static void test_jcc(struct et *t)
{
	static const uint64_t fl[] = {F_CF, F_ZF, F_SF, F_OF, F_PF};

	for (unsigned cc = 0; cc < 16; cc++) {
		bool pass = true;

		for (unsigned m = 0; m < 32; m++) {
			uint64_t f = 0;
			int64_t at;

			for (unsigned b = 0; b < 5; b++)
				if (m >> b & 1)
					f |= fl[b];
			reset(t, ET_PROT32);
			t->st.rflags |= f;
			at = run_at(t, BYTES((uint8_t)(0x70 | cc), 0x01, 0xf4, 0xf4));
			if (at != (cond_ref(cc, f) ? 3 : 2))
				pass = false;
		}
		ok(pass, "jcc cc=%u on all 32 combinations of CF ZF SF OF PF", cc);
	}
	reset(t, ET_LONG64);
	R(t, RAX) = 1;
	is_u64(run_at(t, BYTES(0x48, 0x83, 0xf8, 0x02, 0x0f, 0x8c, 0x01, 0x00, 0x00, 0x00, 0xf4,
			       0xf4)),
	       11, "cmp rax, 2; jl rel32");
	reset(t, ET_REAL);
	R(t, RAX) = 2;
	is_u64(run_at(t, BYTES(0x3c, 0x02, 0x74, 0x01, 0xf4, 0xf4)), 5, "16-bit cmp al, 2; je");
}

static void test_loop(struct et *t)
{
	reset(t, ET_PROT32);
	is_u64(run_at(t, BYTES(0xb9, 0x05, 0x00, 0x00, 0x00, 0x31, 0xc0, 0x40, 0xe2, 0xfd, 0xf4)),
	       10, "mov ecx, 5; xor eax, eax; l: inc eax; loop l");
	ok(R(t, RAX) == 5 && R(t, RCX) == 0, "loop runs 5 times");
	reset(t, ET_PROT32);
	R(t, RCX) = 0x10001;
	is_u64(run_at(t, BYTES(0x67, 0xe2, 0x01, 0xf4, 0xf4)), 3,
	       "67 loop: CX 1 -> 0, falls through");
	is_u64(R(t, RCX), 0x10000, "67 loop decrements CX only");
	reset(t, ET_PROT32);
	R(t, RCX) = 0x10001;
	is_u64(run_at(t, BYTES(0xe2, 0x01, 0xf4, 0xf4)), 3, "loop: ECX 0x10001 -> 0x10000, taken");
	reset(t, ET_PROT32);
	R(t, RCX) = 3;
	t->st.rflags |= F_ZF;
	is_u64(run_at(t, BYTES(0xe1, 0x01, 0xf4, 0xf4)), 3, "loope with ZF=1: taken");
	reset(t, ET_PROT32);
	R(t, RCX) = 3;
	is_u64(run_at(t, BYTES(0xe1, 0x01, 0xf4, 0xf4)), 2, "loope with ZF=0: not taken");
	is_u64(R(t, RCX), 2, "loope decrements even when not taken");
	reset(t, ET_PROT32);
	R(t, RCX) = 3;
	is_u64(run_at(t, BYTES(0xe0, 0x01, 0xf4, 0xf4)), 3, "loopne with ZF=0: taken");
	reset(t, ET_LONG64);
	R(t, RCX) = 0x100000000ull;
	is_u64(run_at(t, BYTES(0x67, 0xe3, 0x01, 0xf4, 0xf4)), 4, "jecxz (67) on ECX = 0: taken");
	reset(t, ET_LONG64);
	R(t, RCX) = 0x100000000ull;
	is_u64(run_at(t, BYTES(0xe3, 0x01, 0xf4, 0xf4)), 2, "jrcxz on RCX != 0: not taken");
	reset(t, ET_REAL);
	R(t, RCX) = 0x10000;
	is_u64(run_at(t, BYTES(0xe3, 0x01, 0xf4, 0xf4)), 3, "16-bit jcxz on CX = 0: taken");
	reset(t, ET_LONG64);
	R(t, RCX) = 0x100000001ull;
	is_u64(run_at(t, BYTES(0x67, 0xe2, 0x01, 0xf4, 0xf4)), 3, "64-bit 67 loop uses ECX");
	is_u64(R(t, RCX), 0, "64-bit 67 loop: ECX written zero-extends");
}

/* ---- strings ---------------------------------------------------------------- */

static void test_movs_stos(struct et *t)
{
	reset(t, ET_PROT32);
	memcpy(t->ram + ET_DATA, "hello", 5);
	R(t, RSI) = ET_DATA;
	R(t, RDI) = ET_DATA + 0x100;
	R(t, RCX) = 5;
	ok(run(t, BYTES(0xf3, 0xa4)), "rep movsb runs"); /* rep movsb */
	ok(!memcmp(t->ram + ET_DATA + 0x100, "hello", 5) && R(t, RCX) == 0 &&
		   R(t, RSI) == ET_DATA + 5 && R(t, RDI) == ET_DATA + 0x105,
	   "rep movsb DF=0");
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 4, 0x11111111);
	wr(t, ET_DATA + 4, 4, 0x22222222);
	t->st.rflags |= F_DF;
	R(t, RSI) = ET_DATA + 4;
	R(t, RDI) = ET_DATA + 0x104;
	R(t, RCX) = 2;
	ok(run(t, BYTES(0xf3, 0xa5)), "std rep movsd runs"); /* rep movsd */
	ok(rd(t, ET_DATA + 0x100, 8) == 0x2222222211111111ull && R(t, RSI) == ET_DATA - 4 &&
		   R(t, RDI) == ET_DATA + 0xfc,
	   "rep movsd DF=1 goes down");
	reset(t, ET_PROT32);
	R(t, RDI) = ET_DATA;
	R(t, RCX) = 0;
	R(t, RAX) = 0x41;
	ok(run(t, BYTES(0xf3, 0xaa)), "rep stosb with ECX=0 runs");
	ok(t->ram[ET_DATA] == 0 && R(t, RDI) == ET_DATA, "rep with count 0 does nothing");

	reset(t, ET_REAL);
	R(t, RDI) = 0x10;
	R(t, RCX) = 3;
	R(t, RAX) = 0xabcd;
	ok(run(t, BYTES(0xf3, 0xab)), "16-bit rep stosw runs"); /* rep stosw */
	ok(rd(t, ET_DATA + 0x10, 6) == 0xabcdabcdabcdull && R(t, RDI) == 0x16 && R(t, RCX) == 0,
	   "16-bit rep stosw at ES:DI");
	reset(t, ET_PROT32);
	R(t, RDI) = 0xffff6000;
	R(t, RCX) = 0xffff0002;
	R(t, RAX) = 0x99;
	ok(run(t, BYTES(0x67, 0xf3, 0xaa)), "67 rep stosb runs"); /* a16 rep stosb */
	ok(R(t, RCX) == 0xffff0000 && R(t, RDI) == 0xffff6002 && t->ram[0x6001] == 0x99,
	   "67 rep stosb counts with CX and stores at DI");
	reset(t, ET_LONG64);
	R(t, RDI) = ET_DATA;
	R(t, RCX) = 2;
	R(t, RAX) = 0x0102030405060708ull;
	ok(run(t, BYTES(0xf3, 0x48, 0xab)), "rep stosq runs"); /* rep stosq */
	ok(rd(t, ET_DATA + 8, 8) == 0x0102030405060708ull && R(t, RDI) == ET_DATA + 16,
	   "rep stosq");

	/* Real mode, DS and ES apart: the source segment can be overridden, ES cannot. */
	reset(t, ET_REAL);
	t->st.seg[SEG_ES].base = ET_DATA + 0x1000;
	t->ram[ET_DATA + 0x20] = 0x11;
	t->ram[ET_DATA + 0x1020] = 0x22;
	R(t, RSI) = 0x20;
	R(t, RDI) = 0x30;
	ok(run(t, BYTES(0xa4, 0x4e, 0x4f, 0x26, 0xa4)), "movsb; dec si; dec di; es movsb runs");
	ok(t->ram[ET_DATA + 0x1030] == 0x22, "es: movsb reads ES:SI, writes ES:DI");
	reset(t, ET_REAL);
	t->st.seg[SEG_ES].base = ET_DATA + 0x1000;
	t->ram[ET_DATA + 0x20] = 0x11;
	R(t, RSI) = 0x20;
	R(t, RDI) = 0x30;
	ok(run(t, BYTES(0xa4)), "movsb runs");
	ok(t->ram[ET_DATA + 0x1030] == 0x11, "movsb: DS:SI to ES:DI");

	reset(t, ET_LONG64);
	memcpy(t->ram + ET_DATA, "xyz", 3);
	R(t, RSI) = ET_DATA;
	ok(run(t, BYTES(0xac, 0xac)), "lodsb; lodsb runs");
	ok((R(t, RAX) & 0xff) == 'y' && R(t, RSI) == ET_DATA + 2, "lodsb");
}

static void test_cmps_scas(struct et *t)
{
	reset(t, ET_PROT32);
	memcpy(t->ram + ET_DATA, "abcXefgh", 8);
	memcpy(t->ram + ET_DATA + 0x100, "abcYefgh", 8);
	R(t, RSI) = ET_DATA;
	R(t, RDI) = ET_DATA + 0x100;
	R(t, RCX) = 8;
	ok(run(t, BYTES(0xf3, 0xa6)), "repe cmpsb runs"); /* repe cmpsb */
	ok(R(t, RCX) == 4 && R(t, RSI) == ET_DATA + 4 && !(t->st.rflags & F_ZF),
	   "repe cmpsb stops after the first difference");
	ok(t->st.rflags & F_CF, "cmpsb flags: 'X' - 'Y' borrows");
	reset(t, ET_PROT32);
	memcpy(t->ram + ET_DATA, "same", 4);
	memcpy(t->ram + ET_DATA + 0x100, "same", 4);
	R(t, RSI) = ET_DATA;
	R(t, RDI) = ET_DATA + 0x100;
	R(t, RCX) = 4;
	ok(run(t, BYTES(0xf3, 0xa6)), "repe cmpsb (equal) runs");
	ok(R(t, RCX) == 0 && (t->st.rflags & F_ZF), "repe cmpsb runs out with ZF=1");
	reset(t, ET_PROT32);
	memcpy(t->ram + ET_DATA, "hello", 6);
	R(t, RDI) = ET_DATA;
	R(t, RCX) = 100;
	R(t, RAX) = 0;
	ok(run(t, BYTES(0xf2, 0xae)), "repne scasb runs"); /* repne scasb */
	ok(R(t, RCX) == 94 && R(t, RDI) == ET_DATA + 6 && (t->st.rflags & F_ZF),
	   "repne scasb stops on the match");
	reset(t, ET_PROT32);
	memcpy(t->ram + ET_DATA + 0x10, "aaab", 4);
	t->st.rflags |= F_DF;
	R(t, RDI) = ET_DATA + 0x13;
	R(t, RCX) = 10;
	R(t, RAX) = 'b';
	ok(run(t, BYTES(0xf3, 0xae)), "std; repe scasb runs");
	ok(R(t, RCX) == 8 && R(t, RDI) == ET_DATA + 0x11 && !(t->st.rflags & F_ZF),
	   "repe scasb DF=1 stops on the first mismatch");
	reset(t, ET_LONG64);
	wr(t, ET_DATA, 4, 7);
	R(t, RDI) = ET_DATA;
	R(t, RAX) = 0xffffffff00000007ull;
	ok(run(t, BYTES(0xaf)), "scasd runs");
	ok((t->st.rflags & F_ZF) && R(t, RDI) == ET_DATA + 4, "scasd compares eax");
}

static void test_string_fault(struct et *t)
{
	/* ES ends 3 bytes into the store: 3 iterations complete, then #GP. */
	reset(t, ET_PROT32);
	t->st.seg[SEG_ES].limit = ET_DATA + 0x102;
	t->st.seg[SEG_ES].g = false;
	R(t, RDI) = ET_DATA + 0x100;
	R(t, RCX) = 10;
	R(t, RAX) = 0x5a;
	is_u64(fault(t, BYTES(0xf3, 0xaa)), V_GP, "rep stosb past ES.limit: #GP");
	ok(R(t, RCX) == 7 && R(t, RDI) == ET_DATA + 0x103, "the completed iterations stay");
	is_u64(rd(t, ET_DATA + 0x100, 4), 0x5a5a5a, "three bytes stored");
	is_u64(et_stack(t, 4, 4), ET_CODE + code_cur - 64, "EIP on the rep instruction");
}

int main(void)
{
	struct et t;

	if (et_init(&t, CPU_VENDOR_INTEL, ET_PROT32)) {
		printf("Bail out! cannot create the emu engine\n");
		return 1;
	}
	test_alu_sizes(&t);
	test_alu_bytes(&t);
	test_alu_memory(&t);
	test_alu_ops(&t);
	test_muldiv(&t);
	test_shifts(&t);
	test_movx(&t);
	test_xchg(&t);
	test_cmpxchg(&t);
	test_misc_data(&t);
	test_flags_ops(&t);
	test_bits(&t);
	test_bcd(&t);
	test_bound(&t);
	test_faults(&t);
	test_push_pop(&t);
	test_pusha(&t);
	test_enter_leave(&t);
	test_jmp_call(&t);
	test_jcc(&t);
	test_loop(&t);
	test_movs_stos(&t);
	test_cmps_scas(&t);
	test_string_fault(&t);
	et_free(&t);
	return tap_done();
}
