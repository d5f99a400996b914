/* SPDX-License-Identifier: MIT */
/*
 * The emu decoder (src/engine/emu/decode.h) against a table of encodings: length,
 * operation, operand and address size and result for 16-, 32- and 64-bit code;
 * then ModRM/SIB/displacement forms, immediates, operand forms and registers,
 * prefixes and REX placement, the 15-byte limit and truncated input.
 *
 * The bytes and lengths of the main table were produced with the GNU assembler
 * (as --64 with .code16/.code32, objdump -d -M intel64) when the table was
 * written; the expectations are architectural (SDM Vol. 2) and the test needs
 * no toolchain. Rows written as raw bytes say so in their comment.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "engine/emu/decode.h"

#define OK   DECODE_OK
#define UD   DECODE_UD
#define NI   DECODE_NI
#define GP   DECODE_GP
#define MORE DECODE_MORE

/* Parse "48 01 c0" into buf; returns the byte count. */
static size_t hex(const char *s, uint8_t *buf, size_t max)
{
	size_t n = 0;
	unsigned v;
	int k;

	while (n < max && sscanf(s, " %x%n", &v, &k) == 1) {
		buf[n++] = (uint8_t)v;
		s += k;
	}
	return n;
}

static const char *res_name(int r)
{
	static const char *const names[] = {"OK", "UD", "NI", "GP", "MORE"};

	return r >= 0 && r <= MORE ? names[r] : "?";
}

/* ---- the main table: result, length, operation, operand and address size ---- */

struct row {
	uint8_t bits;
	const char *hex;
	uint8_t res;
	uint8_t len;
	const char *mn;
	uint8_t osz; /* bytes; 0 = not checked (#UD rows) */
	uint8_t asz;
};

static const struct row rows[] = {
	/* bits|asm or x:hex|res|mnemonic|osz|asz|len (len only for x: rows) */
	/* ---- 64-bit: ALU, all encodings of group 1 and the classic six */
	{64, "01 c3", OK, 2, "add", 4, 8},		       /* add %eax,%ebx */
	{64, "48 01 c3", OK, 3, "add", 8, 8},		       /* add %rax,%rbx */
	{64, "66 01 c3", OK, 3, "add", 2, 8},		       /* add %ax,%bx */
	{64, "00 c3", OK, 2, "add", 1, 8},		       /* add %al,%bl */
	{64, "03 08", OK, 2, "add", 4, 8},		       /* add (%rax),%ecx */
	{64, "01 08", OK, 2, "add", 4, 8},		       /* add %ecx,(%rax) */
	{64, "4d 01 c1", OK, 3, "add", 8, 8},		       /* add %r8,%r9 */
	{64, "04 01", OK, 2, "add", 1, 8},		       /* add $1,%al */
	{64, "66 05 34 12", OK, 4, "add", 2, 8},	       /* add $0x1234,%ax */
	{64, "05 78 56 34 12", OK, 5, "add", 4, 8},	       /* add $0x12345678,%eax */
	{64, "48 05 78 56 34 12", OK, 6, "add", 8, 8},	       /* add $0x12345678,%rax */
	{64, "80 00 01", OK, 3, "add", 1, 8},		       /* addb $1,(%rax) */
	{64, "81 00 78 56 34 12", OK, 6, "add", 4, 8},	       /* addl $0x12345678,(%rax) */
	{64, "48 83 c0 ff", OK, 4, "add", 8, 8},	       /* addq $-1,%rax */
	{64, "66 83 03 ff", OK, 4, "add", 2, 8},	       /* addw $-1,(%rbx) */
	{64, "09 c3", OK, 2, "or", 4, 8},		       /* or %eax,%ebx */
	{64, "80 0f 80", OK, 3, "or", 1, 8},		       /* orb $0x80,(%rdi) */
	{64, "48 81 4c 24 08 00 01 00 00", OK, 9, "or", 8, 8}, /* orq $0x100,8(%rsp) */
	{64, "45 11 d3", OK, 3, "adc", 4, 8},		       /* adc %r10d,%r11d */
	{64, "83 d1 05", OK, 3, "adc", 4, 8},		       /* adc $5,%ecx */
	{64, "48 19 04 cb", OK, 4, "sbb", 8, 8},	       /* sbb %rax,(%rbx,%rcx,8) */
	{64, "80 db 7f", OK, 3, "sbb", 1, 8},		       /* sbb $0x7f,%bl */
	{64, "48 83 e4 f0", OK, 4, "and", 8, 8},	       /* and $-16,%rsp */
	{64, "44 20 f8", OK, 3, "and", 1, 8},		       /* and %r15b,%al */
	{64, "48 83 ec 28", OK, 4, "sub", 8, 8},	       /* sub $0x28,%rsp */
	{64, "2b 45 10", OK, 3, "sub", 4, 8},		       /* sub 0x10(%rbp),%eax */
	{64, "31 c0", OK, 2, "xor", 4, 8},		       /* xor %eax,%eax */
	{64, "34 55", OK, 2, "xor", 1, 8},		       /* xor $0x55,%al */
	{64, "48 39 c2", OK, 3, "cmp", 8, 8},		       /* cmp %rax,%rdx */
	{64, "80 38 00", OK, 3, "cmp", 1, 8},		       /* cmpb $0,(%rax) */
	{64, "81 38 00 10 00 00", OK, 6, "cmp", 4, 8},	       /* cmpl $0x1000,(%rax) */
	{64, "48 3d ff ff ff 7f", OK, 6, "cmp", 8, 8},	       /* cmp $0x7fffffff,%rax */
	{64, "85 c0", OK, 2, "test", 4, 8},		       /* test %eax,%eax */
	{64, "a8 01", OK, 2, "test", 1, 8},		       /* test $1,%al */
	{64, "a9 00 00 01 00", OK, 5, "test", 4, 8},	       /* test $0x10000,%eax */
	{64, "f7 07 01 00 00 00", OK, 6, "test", 4, 8},	       /* testl $1,(%rdi) */
	{64, "48 a9 ff ff ff ff", OK, 6, "test", 8, 8},	       /* testq $-1,%rax */
	{64, "f6 07 01", OK, 3, "test", 1, 8},		       /* testb $1,(%rdi) */
	{64, "f6 c8 01", OK, 3, "test", 1, 8},		       /* raw; objdump: test   $0x1,%al */
	{64, "f7 10", OK, 2, "not", 4, 8},		       /* notl (%rax) */
	{64, "48 f7 d8", OK, 3, "neg", 8, 8},		       /* neg %rax */
	{64, "f6 d8", OK, 2, "neg", 1, 8},		       /* negb %al */
	{64, "f7 e1", OK, 2, "mul", 4, 8},		       /* mul %ecx */
	{64, "f6 e1", OK, 2, "mul", 1, 8},		       /* mulb %cl */
	{64, "48 f7 e9", OK, 3, "imul", 8, 8},		       /* imul %rcx */
	{64, "48 0f af d1", OK, 4, "imul", 8, 8},	       /* imul %rcx,%rdx */
	{64, "48 6b d1 0a", OK, 4, "imul", 8, 8},	       /* imul $10,%rcx,%rdx */
	{64, "69 d1 e8 03 00 00", OK, 6, "imul", 4, 8},	       /* imul $1000,%ecx,%edx */
	{64, "66 69 d1 e8 03", OK, 5, "imul", 2, 8},	       /* imulw $1000,%cx,%dx */
	{64, "48 f7 f1", OK, 3, "div", 8, 8},		       /* div %rcx */
	{64, "66 f7 30", OK, 3, "div", 2, 8},		       /* divw (%rax) */
	{64, "f7 38", OK, 2, "idiv", 4, 8},		       /* idivl (%rax) */
	{64, "f6 ff", OK, 2, "idiv", 1, 8},		       /* idivb %bh */
	{64, "ff c0", OK, 2, "inc", 4, 8},		       /* inc %eax */
	{64, "fe 00", OK, 2, "inc", 1, 8},		       /* incb (%rax) */
	{64, "48 ff c8", OK, 3, "dec", 8, 8},		       /* dec %rax */
	{64, "66 ff c8", OK, 3, "dec", 2, 8},		       /* decw %ax */
	{64, "48 ff 44 24 08", OK, 5, "inc", 8, 8},	       /* incq 8(%rsp) */
	/* shifts and rotates */
	{64, "c0 c0 03", OK, 3, "rol", 1, 8},	     /* rolb $3,%al */
	{64, "d3 c8", OK, 2, "ror", 4, 8},	     /* ror %cl,%eax */
	{64, "d1 d0", OK, 2, "rcl", 4, 8},	     /* rcl %eax */
	{64, "48 c1 d8 05", OK, 4, "rcr", 8, 8},     /* rcr $5,%rax */
	{64, "48 d3 e2", OK, 3, "shl", 8, 8},	     /* shl %cl,%rdx */
	{64, "d0 e2", OK, 2, "shl", 1, 8},	     /* shlb %dl */
	{64, "d1 f0", OK, 2, "shl", 4, 8},	     /* raw; objdump: shl    %eax */
	{64, "48 d1 e8", OK, 3, "shr", 8, 8},	     /* shr $1,%rax */
	{64, "66 c1 2b 04", OK, 4, "shr", 2, 8},     /* shrw $4,(%rbx) */
	{64, "d2 fb", OK, 2, "sar", 1, 8},	     /* sar %cl,%bl */
	{64, "c1 38 1f", OK, 3, "sar", 4, 8},	     /* sarl $31,(%rax) */
	{64, "0f a4 c3 04", OK, 4, "shld", 4, 8},    /* shld $4,%eax,%ebx */
	{64, "48 0f a5 c3", OK, 4, "shld", 8, 8},    /* shld %cl,%rax,%rbx */
	{64, "66 0f ac 06 08", OK, 5, "shrd", 2, 8}, /* shrd $8,%ax,(%rsi) */
	{64, "0f ad d0", OK, 3, "shrd", 4, 8},	     /* shrd %cl,%edx,%eax */
	/* data movement */
	{64, "89 c3", OK, 2, "mov", 4, 8},	 /* mov %eax,%ebx */
	{64, "48 89 e5", OK, 3, "mov", 8, 8},	 /* mov %rsp,%rbp */
	{64, "4c 8b 24 24", OK, 4, "mov", 8, 8}, /* mov (%rsp),%r12 */
	{64, "88 07", OK, 2, "mov", 1, 8},	 /* mov %al,(%rdi) */
	{64, "88 e0", OK, 2, "mov", 1, 8},	 /* mov %ah,%al */
	{64, "40 88 f7", OK, 3, "mov", 1, 8},	 /* mov %sil,%dil */
	{64, "48 b8 88 77 66 55 44 33 22 11", OK, 10, "mov", 8,
	 8},						  /* movabs $0x1122334455667788,%rax */
	{64, "b8 78 56 34 12", OK, 5, "mov", 4, 8},	  /* mov $0x12345678,%eax */
	{64, "66 41 b9 34 12", OK, 5, "mov", 2, 8},	  /* mov $0x1234,%r9w */
	{64, "48 c7 c0 ff ff ff ff", OK, 7, "mov", 8, 8}, /* movq $-1,%rax */
	{64, "b4 01", OK, 2, "mov", 1, 8},		  /* movb $1,%ah */
	{64, "40 b6 01", OK, 3, "mov", 1, 8},		  /* movb $1,%sil */
	{64, "c6 00 42", OK, 3, "mov", 1, 8},		  /* movb $0x42,(%rax) */
	{64, "66 c7 00 42 42", OK, 5, "mov", 2, 8},	  /* movw $0x4242,(%rax) */
	{64, "c7 40 10 42 42 42 42", OK, 7, "mov", 4, 8}, /* movl $0x42424242,0x10(%rax) */
	{64, "8c e0", OK, 2, "mov", 4, 8},		  /* mov %fs,%eax */
	{64, "8c 18", OK, 2, "mov", 4, 8},		  /* mov %ds,(%rax) */
	{64, "8e d8", OK, 2, "mov", 2, 8},		  /* mov %eax,%ds */
	{64, "8e 10", OK, 2, "mov", 2, 8},		  /* mov (%rax),%ss */
	{64, "a0 88 77 66 55 44 33 22 11", OK, 9, "mov", 1, 8}, /* movabs 0x1122334455667788,%al */
	{64, "a3 88 77 66 55 44 33 22 11", OK, 9, "mov", 4, 8}, /* movabs %eax,0x1122334455667788 */
	{64, "48 a1 88 77 66 55 44 33 22 11", OK, 10, "mov", 8,
	 8},						  /* movabs 0x1122334455667788,%rax */
	{64, "8b 05 34 12 00 00", OK, 6, "mov", 4, 8},	  /* mov 0x1234(%rip),%eax */
	{64, "48 8d 4c 98 10", OK, 5, "lea", 8, 8},	  /* lea 0x10(%rax,%rbx,4),%rcx */
	{64, "48 8d 35 00 00 00 00", OK, 7, "lea", 8, 8}, /* lea (%rip),%rsi */
	{64, "67 8d 00", OK, 3, "lea", 4, 4},		  /* lea (%eax),%eax */
	{64, "0f b6 c0", OK, 3, "movzx", 4, 8},		  /* movzbl %al,%eax */
	{64, "48 0f b7 08", OK, 4, "movzx", 8, 8},	  /* movzwq (%rax),%rcx */
	{64, "66 0f b6 c0", OK, 4, "movzx", 2, 8},	  /* movzbw %al,%ax */
	{64, "66 0f be c0", OK, 4, "movsx", 2, 8},	  /* movsbw %al,%ax */
	{64, "0f bf 16", OK, 3, "movsx", 4, 8},		  /* movswl (%rsi),%edx */
	{64, "4d 0f be c8", OK, 4, "movsx", 8, 8},	  /* movsbq %r8b,%r9 */
	{64, "48 63 c0", OK, 3, "movsxd", 8, 8},	  /* movslq %eax,%rax */
	{64, "4c 63 17", OK, 3, "movsxd", 8, 8},	  /* movslq (%rdi),%r10 */
	{64, "63 c0", OK, 2, "movsxd", 4, 8},		  /* raw; objdump: movsxd %eax,%eax */
	{64, "93", OK, 1, "xchg", 4, 8},		  /* xchg %ebx,%eax */
	{64, "0f 01 c1", OK, 3, "vmcall/vmmcall", 4, 8},  /* vmcall: a hypercall */
	{64, "0f 01 d9", OK, 3, "vmcall/vmmcall", 4, 8},  /* vmmcall: a hypercall */
	{64, "49 90", OK, 2, "xchg", 8, 8},		  /* xchg %rax,%r8 */
	{64, "87 07", OK, 2, "xchg", 4, 8},		  /* xchg %eax,(%rdi) */
	{64, "86 c3", OK, 2, "xchg", 1, 8},		  /* xchg %al,%bl */
	{64, "0f c1 07", OK, 3, "xadd", 4, 8},		  /* xadd %eax,(%rdi) */
	{64, "0f c0 c3", OK, 3, "xadd", 1, 8},		  /* xadd %al,%bl */
	{64, "0f b1 0f", OK, 3, "cmpxchg", 4, 8},	  /* cmpxchg %ecx,(%rdi) */
	{64, "0f b0 0f", OK, 3, "cmpxchg", 1, 8},	  /* cmpxchg %cl,(%rdi) */
	{64, "0f c7 0f", OK, 3, "cmpxchg8b", 4, 8},	  /* cmpxchg8b (%rdi) */
	{64, "48 0f c7 0f", OK, 4, "cmpxchg16b", 8, 8},	  /* cmpxchg16b (%rdi) */
	{64, "0f c8", OK, 2, "bswap", 4, 8},		  /* bswap %eax */
	{64, "49 0f cc", OK, 3, "bswap", 8, 8},		  /* bswap %r12 */
	{64, "66 98", OK, 2, "cbw", 2, 8},		  /* cbtw */
	{64, "98", OK, 1, "cbw", 4, 8},			  /* cwtl */
	{64, "48 98", OK, 2, "cbw", 8, 8},		  /* cltq */
	{64, "66 99", OK, 2, "cwd", 2, 8},		  /* cwtd */
	{64, "99", OK, 1, "cwd", 4, 8},			  /* cltd */
	{64, "48 99", OK, 2, "cwd", 8, 8},		  /* cqto */
	{64, "d7", OK, 1, "xlat", 1, 8},		  /* xlat */
	{64, "9f", OK, 1, "lahf", 1, 8},		  /* lahf */
	{64, "9e", OK, 1, "sahf", 1, 8},		  /* sahf */
	/* stack: default 64 */
	{64, "50", OK, 1, "push", 8, 8},	     /* push %rax */
	{64, "41 54", OK, 2, "push", 8, 8},	     /* push %r12 */
	{64, "66 50", OK, 2, "push", 2, 8},	     /* push %ax */
	{64, "5b", OK, 1, "pop", 8, 8},		     /* pop %rbx */
	{64, "41 5f", OK, 2, "pop", 8, 8},	     /* pop %r15 */
	{64, "66 5b", OK, 2, "pop", 2, 8},	     /* pop %bx */
	{64, "6a 01", OK, 2, "push", 8, 8},	     /* push $1 */
	{64, "68 00 10 00 00", OK, 5, "push", 8, 8}, /* push $0x1000 */
	{64, "66 68 00 10", OK, 4, "push", 2, 8},    /* pushw $0x1000 */
	{64, "ff 30", OK, 2, "push", 8, 8},	     /* pushq (%rax) */
	{64, "66 ff 30", OK, 3, "push", 2, 8},	     /* pushw (%rax) */
	{64, "8f 00", OK, 2, "pop", 8, 8},	     /* popq (%rax) */
	{64, "0f a0", OK, 2, "push", 8, 8},	     /* push %fs */
	{64, "0f a9", OK, 2, "pop", 8, 8},	     /* pop %gs */
	{64, "66 0f a0", OK, 3, "push", 2, 8},	     /* pushw %fs */
	{64, "9c", OK, 1, "pushf", 8, 8},	     /* pushf */
	{64, "66 9c", OK, 2, "pushf", 2, 8},	     /* pushfw */
	{64, "9d", OK, 1, "popf", 8, 8},	     /* popf */
	{64, "c8 10 00 00", OK, 4, "enter", 8, 8},   /* enter $16,$0 */
	{64, "c8 00 10 03", OK, 4, "enter", 8, 8},   /* enter $0x1000,$3 */
	{64, "c9", OK, 1, "leave", 8, 8},	     /* leave */
	{64, "66 c9", OK, 2, "leave", 2, 8},	     /* leavew */
	{64, "48 50", OK, 2, "push", 8, 8},	     /* raw; objdump: rex.W push %rax */
	{64, "48 6a 01", OK, 3, "push", 8, 8},	     /* raw; objdump: rex.W push $0x1 */
	/* branches: forced 64 (Intel) */
	{64, "eb 00", OK, 2, "jmp", 8, 8},		  /* jmp .+2 */
	{64, "e9 fb 0f 00 00", OK, 5, "jmp", 8, 8},	  /* jmp .+0x1000 */
	{64, "e8 fb 0f 00 00", OK, 5, "call", 8, 8},	  /* call .+0x1000 */
	{64, "ff d0", OK, 2, "call", 8, 8},		  /* call *%rax */
	{64, "ff 10", OK, 2, "call", 8, 8},		  /* call *(%rax) */
	{64, "ff 15 10 00 00 00", OK, 6, "call", 8, 8},	  /* call *0x10(%rip) */
	{64, "41 ff e3", OK, 3, "jmp", 8, 8},		  /* jmp *%r11 */
	{64, "ff 24 c8", OK, 3, "jmp", 8, 8},		  /* jmp *(%rax,%rcx,8) */
	{64, "ff 28", OK, 2, "ljmp", 4, 8},		  /* ljmp *(%rax) */
	{64, "48 ff 28", OK, 3, "ljmp", 8, 8},		  /* rex.W ljmp *(%rax) */
	{64, "ff 18", OK, 2, "lcall", 4, 8},		  /* lcall *(%rax) */
	{64, "66 ff 18", OK, 3, "lcall", 2, 8},		  /* lcallw *(%rax) */
	{64, "c3", OK, 1, "ret", 8, 8},			  /* ret */
	{64, "c2 08 00", OK, 3, "ret", 8, 8},		  /* ret $8 */
	{64, "cb", OK, 1, "lret", 4, 8},		  /* lret */
	{64, "48 cb", OK, 2, "lret", 8, 8},		  /* lretq */
	{64, "ca 10 00", OK, 3, "lret", 4, 8},		  /* lret $16 */
	{64, "74 00", OK, 2, "jcc", 8, 8},		  /* je .+2 */
	{64, "0f 85 fa 0f 00 00", OK, 6, "jcc", 8, 8},	  /* jne .+0x1000 */
	{64, "0f 8f 7a ff ff ff", OK, 6, "jcc", 8, 8},	  /* jg .-0x80 */
	{64, "e3 00", OK, 2, "jrcxz", 8, 8},		  /* jrcxz .+2 */
	{64, "67 e3 ff", OK, 3, "jrcxz", 8, 4},		  /* jecxz .+2 */
	{64, "e2 00", OK, 2, "loop", 8, 8},		  /* loop .+2 */
	{64, "e1 00", OK, 2, "loope", 8, 8},		  /* loope .+2 */
	{64, "e0 00", OK, 2, "loopne", 8, 8},		  /* loopne .+2 */
	{64, "66 e8 00 00 00 00", OK, 6, "call", 8, 8},	  /* raw; objdump: data16 call 0x6 */
	{64, "66 e9 00 00 00 00", OK, 6, "jmp", 8, 8},	  /* raw; objdump: data16 jmp 0x6 */
	{64, "66 0f 84 00 00 00 00", OK, 7, "jcc", 8, 8}, /* raw; objdump: data16 je 0x7 */
	{64, "66 eb 00", OK, 3, "jmp", 8, 8},		  /* raw; objdump: data16 jmp 0x3 */
	{64, "66 c3", OK, 2, "ret", 8, 8},		  /* raw; objdump: data16 ret */
	{64, "66 ff d0", OK, 3, "call", 8, 8},		  /* raw; objdump: data16 call *%rax */
	{64, "0f 94 c0", OK, 3, "setcc", 1, 8},		  /* sete %al */
	{64, "0f 9f 00", OK, 3, "setcc", 1, 8},		  /* setg (%rax) */
	{64, "0f 44 d8", OK, 3, "cmovcc", 4, 8},	  /* cmove %eax,%ebx */
	{64, "4c 0f 48 00", OK, 4, "cmovcc", 8, 8},	  /* cmovs (%rax),%r8 */
	{64, "66 0f 41 d8", OK, 4, "cmovcc", 2, 8},	  /* cmovnow %ax,%bx */
	{64, "cd 80", OK, 2, "int", 4, 8},		  /* int $0x80 */
	{64, "cc", OK, 1, "int3", 4, 8},		  /* int3 */
	{64, "f1", OK, 1, "int1", 4, 8},		  /* int1 */
	{64, "cf", OK, 1, "iret", 4, 8},		  /* iret */
	{64, "48 cf", OK, 2, "iret", 8, 8},		  /* iretq */
	{64, "66 cf", OK, 2, "iret", 2, 8},		  /* iretw */
	/* strings and I/O */
	{64, "a4", OK, 1, "movs", 1, 8},       /* movsb */
	{64, "a5", OK, 1, "movs", 4, 8},       /* movsl */
	{64, "48 a5", OK, 2, "movs", 8, 8},    /* movsq */
	{64, "66 a5", OK, 2, "movs", 2, 8},    /* movsw */
	{64, "f3 a4", OK, 2, "movs", 1, 8},    /* rep movsb */
	{64, "f3 48 a5", OK, 3, "movs", 8, 8}, /* rep movsq */
	{64, "f2 ae", OK, 2, "scas", 1, 8},    /* repne scasb */
	{64, "f3 a6", OK, 2, "cmps", 1, 8},    /* repe cmpsb */
	{64, "f3 48 ab", OK, 3, "stos", 8, 8}, /* rep stosq */
	{64, "ab", OK, 1, "stos", 4, 8},       /* stosl */
	{64, "66 ad", OK, 2, "lods", 2, 8},    /* lodsw */
	{64, "ac", OK, 1, "lods", 1, 8},       /* lodsb */
	{64, "48 a7", OK, 2, "cmps", 8, 8},    /* cmpsq */
	{64, "af", OK, 1, "scas", 4, 8},       /* scasl */
	{64, "6c", OK, 1, "ins", 1, 8},	       /* insb */
	{64, "6d", OK, 1, "ins", 4, 8},	       /* insl */
	{64, "66 6d", OK, 2, "ins", 2, 8},     /* insw */
	{64, "6e", OK, 1, "outs", 1, 8},       /* outsb */
	{64, "66 6f", OK, 2, "outs", 2, 8},    /* outsw */
	{64, "f3 6c", OK, 2, "ins", 1, 8},     /* rep insb */
	{64, "f3 6f", OK, 2, "outs", 4, 8},    /* rep outsl */
	{64, "67 a4", OK, 2, "movs", 1, 4},    /* addr32 movsb */
	{64, "48 6d", OK, 2, "ins", 4, 8},     /* raw; objdump: rex.W insl (%dx),%es:(%rdi) */
	{64, "e4 60", OK, 2, "in", 1, 8},      /* in $0x60,%al */
	{64, "e5 60", OK, 2, "in", 4, 8},      /* in $0x60,%eax */
	{64, "ed", OK, 1, "in", 4, 8},	       /* in %dx,%eax */
	{64, "66 ed", OK, 2, "in", 2, 8},      /* in %dx,%ax */
	{64, "ec", OK, 1, "in", 1, 8},	       /* in %dx,%al */
	{64, "e6 80", OK, 2, "out", 1, 8},     /* out %al,$0x80 */
	{64, "66 ef", OK, 2, "out", 2, 8},     /* out %ax,(%dx) */
	{64, "ef", OK, 1, "out", 4, 8},	       /* out %eax,(%dx) */
	{64, "48 ed", OK, 2, "in", 4, 8},      /* raw; objdump: rex.W in (%dx),%eax */
	{64, "48 e7 80", OK, 3, "out", 4, 8},  /* raw; objdump: rex.W out %eax,$0x80 */
	/* bits */
	{64, "0f a3 c3", OK, 3, "bt", 4, 8},	       /* bt %eax,%ebx */
	{64, "48 0f a3 07", OK, 4, "bt", 8, 8},	       /* bt %rax,(%rdi) */
	{64, "0f ba 20 05", OK, 4, "bt", 4, 8},	       /* btl $5,(%rax) */
	{64, "0f ab 07", OK, 3, "bts", 4, 8},	       /* bts %eax,(%rdi) */
	{64, "48 0f ba e8 3f", OK, 5, "bts", 8, 8},    /* btsq $63,%rax */
	{64, "0f b3 ca", OK, 3, "btr", 4, 8},	       /* btr %ecx,%edx */
	{64, "66 0f ba 36 03", OK, 5, "btr", 2, 8},    /* btrw $3,(%rsi) */
	{64, "48 0f bb c3", OK, 4, "btc", 8, 8},       /* btc %rax,%rbx */
	{64, "0f ba 38 01", OK, 4, "btc", 4, 8},       /* btcl $1,(%rax) */
	{64, "0f bc d8", OK, 3, "bsf", 4, 8},	       /* bsf %eax,%ebx */
	{64, "48 0f bd 08", OK, 4, "bsr", 8, 8},       /* bsr (%rax),%rcx */
	{64, "f3 0f bc d8", OK, 4, "tzcnt", 4, 8},     /* tzcnt %eax,%ebx */
	{64, "f3 48 0f bc d8", OK, 5, "tzcnt", 8, 8},  /* tzcnt %rax,%rbx */
	{64, "66 f3 0f bd d8", OK, 5, "lzcnt", 2, 8},  /* lzcnt %ax,%bx */
	{64, "f3 0f b8 d8", OK, 4, "popcnt", 4, 8},    /* popcnt %eax,%ebx */
	{64, "f3 4c 0f b8 00", OK, 5, "popcnt", 8, 8}, /* popcnt (%rax),%r8 */
	/* flags, misc, NOPs */
	{64, "f8", OK, 1, "clc", 4, 8},		       /* clc */
	{64, "f9", OK, 1, "stc", 4, 8},		       /* stc */
	{64, "f5", OK, 1, "cmc", 4, 8},		       /* cmc */
	{64, "fc", OK, 1, "cld", 4, 8},		       /* cld */
	{64, "fd", OK, 1, "std", 4, 8},		       /* std */
	{64, "fa", OK, 1, "cli", 4, 8},		       /* cli */
	{64, "fb", OK, 1, "sti", 4, 8},		       /* sti */
	{64, "90", OK, 1, "nop", 4, 8},		       /* nop */
	{64, "66 90", OK, 2, "nop", 2, 8},	       /* xchg %ax,%ax */
	{64, "f3 90", OK, 2, "pause", 4, 8},	       /* pause */
	{64, "f4", OK, 1, "hlt", 4, 8},		       /* hlt */
	{64, "0f 1f 00", OK, 3, "nop", 4, 8},	       /* nopl (%rax) */
	{64, "66 0f 1f 04 00", OK, 5, "nop", 2, 8},    /* nopw 0x0(%rax,%rax,1) */
	{64, "0f 1f 04 00", OK, 4, "nop", 4, 8},       /* nopl 0x0(%rax,%rax,1) */
	{64, "2e 66 0f 1f 04 00", OK, 6, "nop", 2, 8}, /* nopw %cs:0x0(%rax,%rax,1) */
	{64, "66 66 66 66 66 66 2e 0f 1f 84 00 00 00 00 00", OK, 15, "nop", 2,
	 8}, /* raw; objdump: data16 data16 data16 data16 data16 cs nopw 0x0(%rax,%rax,1) */
	{64, "f3 0f 1e fa", OK, 4, "nop", 4, 8},      /* endbr64 */
	{64, "0f 19 c0", OK, 3, "nop", 4, 8},	      /* raw; objdump: nop    %eax */
	{64, "0f ae e8", OK, 3, "lfence", 4, 8},      /* lfence */
	{64, "0f ae f0", OK, 3, "mfence", 4, 8},      /* mfence */
	{64, "0f ae f8", OK, 3, "sfence", 4, 8},      /* sfence */
	{64, "0f ae 38", OK, 3, "clflush", 4, 8},     /* clflush (%rax) */
	{64, "66 0f ae 38", OK, 4, "clflush", 2, 8},  /* clflushopt (%rax) */
	{64, "0f 18 08", OK, 3, "prefetch", 4, 8},    /* prefetcht0 (%rax) */
	{64, "0f 18 46 40", OK, 4, "prefetch", 4, 8}, /* prefetchnta 0x40(%rsi) */
	{64, "0f 0d 08", OK, 3, "prefetch", 4, 8},    /* prefetchw (%rax) */
	/* system */
	{64, "0f 01 10", OK, 3, "lgdt", 8, 8},		   /* lgdt (%rax) */
	{64, "0f 01 1d 10 00 00 00", OK, 7, "lidt", 8, 8}, /* lidt 0x10(%rip) */
	{64, "0f 01 00", OK, 3, "sgdt", 8, 8},		   /* sgdt (%rax) */
	{64, "0f 01 08", OK, 3, "sidt", 8, 8},		   /* sidt (%rax) */
	{64, "66 0f 01 10", OK, 4, "lgdt", 8, 8},	   /* raw; objdump: data16 lgdt (%rax) */
	{64, "0f 00 d0", OK, 3, "lldt", 2, 8},		   /* lldt %ax */
	{64, "0f 00 10", OK, 3, "lldt", 2, 8},		   /* lldt (%rax) */
	{64, "0f 00 c0", OK, 3, "sldt", 4, 8},		   /* sldt %eax */
	{64, "0f 00 00", OK, 3, "sldt", 4, 8},		   /* sldt (%rax) */
	{64, "0f 00 d8", OK, 3, "ltr", 2, 8},		   /* ltr %ax */
	{64, "0f 00 c8", OK, 3, "str", 4, 8},		   /* str %eax */
	{64, "0f 00 e0", OK, 3, "verr", 2, 8},		   /* verr %ax */
	{64, "0f 00 28", OK, 3, "verw", 2, 8},		   /* verw (%rax) */
	{64, "0f 02 d8", OK, 3, "lar", 4, 8},		   /* lar %eax,%ebx */
	{64, "0f 03 08", OK, 3, "lsl", 4, 8},		   /* lsl (%rax),%ecx */
	{64, "0f 20 c0", OK, 3, "mov", 8, 8},		   /* mov %cr0,%rax */
	{64, "0f 22 d8", OK, 3, "mov", 8, 8},		   /* mov %rax,%cr3 */
	{64, "44 0f 22 c0", OK, 4, "mov", 8, 8},	   /* mov %rax,%cr8 */
	{64, "41 0f 20 e4", OK, 4, "mov", 8, 8},	   /* mov %cr4,%r12 */
	{64, "0f 21 f8", OK, 3, "mov", 8, 8},		   /* mov %db7,%rax */
	{64, "0f 23 c0", OK, 3, "mov", 8, 8},		   /* mov %rax,%db0 */
	{64, "66 0f 20 c0", OK, 4, "mov", 8, 8},	   /* raw; objdump: data16 mov %cr0,%rax */
	{64, "0f 01 f0", OK, 3, "lmsw", 2, 8},		   /* lmsw %ax */
	{64, "0f 01 30", OK, 3, "lmsw", 2, 8},		   /* lmsw (%rax) */
	{64, "0f 01 e0", OK, 3, "smsw", 4, 8},		   /* smsw %eax */
	{64, "0f 01 20", OK, 3, "smsw", 4, 8},		   /* smsw (%rax) */
	{64, "0f 06", OK, 2, "clts", 4, 8},		   /* clts */
	{64, "0f 32", OK, 2, "rdmsr", 4, 8},		   /* rdmsr */
	{64, "0f 30", OK, 2, "wrmsr", 4, 8},		   /* wrmsr */
	{64, "0f 01 38", OK, 3, "invlpg", 4, 8},	   /* invlpg (%rax) */
	{64, "0f 01 3d 00 10 00 00", OK, 7, "invlpg", 4, 8}, /* invlpg 0x1000(%rip) */
	{64, "0f 09", OK, 2, "wbinvd", 4, 8},		     /* wbinvd */
	{64, "0f 08", OK, 2, "invd", 4, 8},		     /* invd */
	{64, "0f a2", OK, 2, "cpuid", 4, 8},		     /* cpuid */
	{64, "0f 31", OK, 2, "rdtsc", 4, 8},		     /* rdtsc */
	{64, "0f 01 f9", OK, 3, "rdtscp", 4, 8},	     /* rdtscp */
	{64, "f3 0f c7 f8", OK, 4, "rdpid", 8, 8},	     /* rdpid %rax */
	{64, "0f 33", OK, 2, "rdpmc", 4, 8},		     /* rdpmc */
	{64, "0f 01 d0", OK, 3, "xgetbv", 4, 8},	     /* xgetbv */
	{64, "0f 01 d1", OK, 3, "xsetbv", 4, 8},	     /* xsetbv */
	{64, "0f 05", OK, 2, "syscall", 4, 8},		     /* syscall */
	{64, "0f 07", OK, 2, "sysret", 4, 8},		     /* sysret */
	{64, "48 0f 07", OK, 3, "sysret", 8, 8},	     /* sysretq */
	{64, "0f 34", OK, 2, "sysenter", 4, 8},		     /* sysenter */
	{64, "0f 35", OK, 2, "sysexit", 4, 8},		     /* sysexit */
	{64, "48 0f 35", OK, 3, "sysexit", 8, 8},	     /* sysexitq */
	{64, "0f 01 f8", OK, 3, "swapgs", 4, 8},	     /* swapgs */
	/* x87 and SSE state */
	{64, "db e3", OK, 2, "fninit", 4, 8},		/* fninit */
	{64, "db e2", OK, 2, "fnclex", 4, 8},		/* fnclex */
	{64, "df e0", OK, 2, "fnstsw", 2, 8},		/* fnstsw %ax */
	{64, "dd 38", OK, 2, "fnstsw", 2, 8},		/* fnstsw (%rax) */
	{64, "d9 38", OK, 2, "fnstcw", 2, 8},		/* fnstcw (%rax) */
	{64, "d9 28", OK, 2, "fldcw", 2, 8},		/* fldcw (%rax) */
	{64, "9b", OK, 1, "fwait", 4, 8},		/* fwait */
	{64, "0f ae 00", OK, 3, "fxsave", 4, 8},	/* fxsave (%rax) */
	{64, "48 0f ae 00", OK, 4, "fxsave", 8, 8},	/* fxsave64 (%rax) */
	{64, "0f ae 08", OK, 3, "fxrstor", 4, 8},	/* fxrstor (%rax) */
	{64, "48 0f ae 0c 24", OK, 5, "fxrstor", 8, 8}, /* fxrstor64 (%rsp) */
	{64, "0f ae 10", OK, 3, "ldmxcsr", 4, 8},	/* ldmxcsr (%rax) */
	{64, "0f ae 5c 24 04", OK, 5, "stmxcsr", 4, 8}, /* stmxcsr 4(%rsp) */
	/* 64-bit: invalid opcodes (#UD) and VEX/EVEX (NI) */
	{64, "06", UD, 1, "push", 0, 8},		    /* raw; objdump: (bad) */
	{64, "07", UD, 1, "pop", 0, 8},			    /* raw; objdump: (bad) */
	{64, "0e", UD, 1, "push", 0, 8},		    /* raw; objdump: (bad) */
	{64, "16", UD, 1, "push", 0, 8},		    /* raw; objdump: (bad) */
	{64, "17", UD, 1, "pop", 0, 8},			    /* raw; objdump: (bad) */
	{64, "1e", UD, 1, "push", 0, 8},		    /* raw; objdump: (bad) */
	{64, "1f", UD, 1, "pop", 0, 8},			    /* raw; objdump: (bad) */
	{64, "27", UD, 1, "daa", 0, 8},			    /* raw; objdump: (bad) */
	{64, "2f", UD, 1, "das", 0, 8},			    /* raw; objdump: (bad) */
	{64, "37", UD, 1, "aaa", 0, 8},			    /* raw; objdump: (bad) */
	{64, "3f", UD, 1, "aas", 0, 8},			    /* raw; objdump: (bad) */
	{64, "60", UD, 1, "pusha", 0, 8},		    /* raw; objdump: (bad) */
	{64, "61", UD, 1, "popa", 0, 8},		    /* raw; objdump: (bad) */
	{64, "82 c0 01", UD, 2, "add", 0, 8},		    /* raw; objdump: (bad) */
	{64, "9a 00 00 00 00 08 00", UD, 1, "lcall", 0, 8}, /* raw; objdump: (bad) */
	{64, "ce", UD, 1, "into", 0, 8},		    /* raw; objdump: (bad) */
	{64, "d4 0a", UD, 1, "aam", 0, 8},		    /* raw; objdump: (bad) */
	{64, "d5 0a", UD, 1, "aad", 0, 8},		    /* raw; objdump: (bad) */
	{64, "d6", UD, 1, "(bad)", 0, 8},		    /* raw; objdump: (bad) */
	{64, "ea 00 00 00 00 08 00", UD, 1, "ljmp", 0, 8},  /* raw; objdump: (bad) */
	{64, "c4 e2 79 18 00", NI, 1, "vex", 0, 8}, /* raw; objdump: vbroadcastss (%rax),%xmm0 */
	{64, "c5 f8 77", NI, 1, "vex", 0, 8},	    /* raw; objdump: vzeroupper */
	{64, "62 f1 7c 48 58 c0", NI, 1, "evex", 0, 8}, /* raw; objdump: vaddps %zmm0,%zmm0,%zmm0 */
	/* undefined encodings and bad group rows */
	{64, "0f 0b", UD, 2, "ud2", 0, 8},		/* raw; objdump: ud2 */
	{64, "0f b9 c0", UD, 2, "(bad)", 0, 8},		/* raw; objdump: ud1    %eax,%eax */
	{64, "0f ff c0", UD, 2, "(bad)", 0, 8},		/* raw; objdump: ud0    %eax,%eax */
	{64, "0f 04", UD, 2, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "0f 0a", UD, 2, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "0f 24 c0", UD, 2, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "0f a6", UD, 2, "(bad)", 0, 8},		/* raw; objdump: .byte 0xf */
	{64, "0f aa", UD, 2, "rsm", 0, 8},		/* raw; objdump: rsm */
	{64, "ff f8", UD, 2, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "ff 38", UD, 2, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "fe d0", UD, 2, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "8f c8", UD, 2, "(bad)", 0, 8},		/* raw; objdump: .byte 0x8f */
	{64, "0f ba c0 01", UD, 3, "(bad)", 0, 8},	/* raw; objdump: (bad) */
	{64, "0f 00 f0", UD, 3, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "0f 01 28", UD, 3, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "0f 01 ff", UD, 3, "(bad)", 0, 8},		/* raw; objdump: tlbsync */
	{64, "0f c7 c8", UD, 3, "(bad)", 0, 8},		/* raw; objdump: cmpxchg8b (bad) */
	{64, "0f c7 00", UD, 3, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "0f b8 c0", UD, 3, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "f2 0f b8 c0", UD, 4, "(bad)", 0, 8},	/* raw; objdump: (bad) */
	{64, "0f ae c0", UD, 3, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "c6 08 00", UD, 2, "(bad)", 0, 8},		/* raw; objdump: (bad) */
	{64, "8d c0", UD, 2, "lea", 0, 8},		/* raw; objdump: (bad) */
	{64, "ff d8", UD, 2, "lcall", 0, 8},		/* raw; objdump: (bad) */
	{64, "ff e8", UD, 2, "ljmp", 0, 8},		/* raw; objdump: (bad) */
	{64, "0f b2 c0", UD, 3, "lss", 0, 8},		/* raw; objdump: (bad) */
	{64, "0f 01 d0 00", OK, 3, "xgetbv", 4, 8},	/* raw; objdump: xgetbv */
	{64, "0f 01 c8", NI, 3, "monitor/mwait", 4, 8}, /* raw; objdump: monitor %rax,%ecx,%edx */
	/* mode-dependent: the same bytes in another mode */
	{64, "0f 21 f8", OK, 3, "mov", 8, 8},	   /* raw; objdump: mov    %db7,%rax */
	{64, "44 0f 21 c0", UD, 4, "(bad)", 0, 8}, /* raw; objdump: mov    %db8,%rax */
	{64, "44 0f 23 c0", UD, 4, "(bad)", 0, 8}, /* raw; objdump: mov    %rax,%db8 */
	{64, "8e c8", UD, 2, "(bad)", 0, 8},	   /* raw; objdump: mov    %eax,%cs */
	{64, "8e f0", UD, 2, "(bad)", 0, 8},	   /* raw; objdump: mov    %eax,%? */
	{64, "8c f8", UD, 2, "(bad)", 0, 8},	   /* raw; objdump: mov    %?,%eax */
	{64, "8c c8", OK, 2, "mov", 4, 8},	   /* raw; objdump: mov    %cs,%eax */
	{64, "44 8c c8", OK, 3, "mov", 4, 8},	   /* raw; objdump: rex.R mov %cs,%eax */
	/* LOCK validity */
	{64, "f0 83 00 01", OK, 4, "add", 4, 8},	   /* lock addl $1,(%rax) */
	{64, "f0 87 07", OK, 3, "xchg", 4, 8},		   /* lock xchg %eax,(%rdi) */
	{64, "f0 48 0f c7 0f", OK, 5, "cmpxchg16b", 8, 8}, /* lock cmpxchg16b (%rdi) */
	{64, "f0 0f c7 0f", OK, 4, "cmpxchg8b", 4, 8},	   /* lock cmpxchg8b (%rdi) */
	{64, "f0 0f b1 0f", OK, 4, "cmpxchg", 4, 8},	   /* lock cmpxchg %ecx,(%rdi) */
	{64, "f0 48 0f c1 07", OK, 5, "xadd", 8, 8},	   /* lock xadd %rax,(%rdi) */
	{64, "f0 fe 00", OK, 3, "inc", 1, 8},		   /* lock incb (%rax) */
	{64, "f0 48 ff 08", OK, 4, "dec", 8, 8},	   /* lock decq (%rax) */
	{64, "f0 f7 10", OK, 3, "not", 4, 8},		   /* lock notl (%rax) */
	{64, "66 f0 f7 18", OK, 4, "neg", 2, 8},	   /* lock negw (%rax) */
	{64, "f0 0f ba 28 03", OK, 5, "bts", 4, 8},	   /* lock btsl $3,(%rax) */
	{64, "f0 0f b3 00", OK, 4, "btr", 4, 8},	   /* lock btr %eax,(%rax) */
	{64, "f0 48 0f bb 00", OK, 5, "btc", 8, 8},	   /* lock btc %rax,(%rax) */
	{64, "f0 80 08 01", OK, 4, "or", 1, 8},		   /* lock orb $1,(%rax) */
	{64, "f0 19 00", OK, 3, "sbb", 4, 8},		   /* lock sbb %eax,(%rax) */
	{64, "f0 01 c0", UD, 3, "add", 0, 8},		   /* raw; objdump: lock add %eax,%eax */
	{64, "f0 03 00", UD, 3, "add", 0, 8},		   /* raw; objdump: lock add (%rax),%eax */
	{64, "f0 8b 00", UD, 3, "mov", 0, 8},		   /* raw; objdump: lock mov (%rax),%eax */
	{64, "f0 90", UD, 2, "nop", 0, 8},		   /* raw; objdump: lock nop */
	{64, "f0 87 c0", UD, 3, "xchg", 0, 8},		   /* raw; objdump: lock xchg %eax,%eax */
	{64, "f0 93", UD, 2, "xchg", 0, 8},		   /* raw; objdump: lock xchg %eax,%ebx */
	{64, "f0 f6 00 01", UD, 3, "test", 0, 8},    /* raw; objdump: lock testb $0x1,(%rax) */
	{64, "f0 80 38 00", UD, 3, "cmp", 0, 8},     /* raw; objdump: lock cmpb $0x0,(%rax) */
	{64, "f0 39 00", UD, 3, "cmp", 0, 8},	     /* raw; objdump: lock cmp %eax,(%rax) */
	{64, "f0 0f a3 00", UD, 4, "bt", 0, 8},	     /* raw; objdump: lock bt %eax,(%rax) */
	{64, "f0 0f ba 20 01", UD, 4, "bt", 0, 8},   /* raw; objdump: lock btl $0x1,(%rax) */
	{64, "f0 0f 22 c0", UD, 4, "mov", 0, 8},     /* raw; objdump: lock mov %rax,%cr0 */
	{64, "f0 f7 20", UD, 3, "mul", 0, 8},	     /* raw; objdump: lock mull (%rax) */
	{64, "f0 0f c7 c8", UD, 4, "(bad)", 0, 8},   /* raw; objdump: lock cmpxchg8b (bad) */
	{64, "f0 0f b0 c1", UD, 4, "cmpxchg", 0, 8}, /* raw; objdump: lock cmpxchg %al,%cl */
	{64, "f0 0f 05", UD, 3, "syscall", 0, 8},    /* raw; objdump: lock syscall */
	/* not implemented (lengths still known) */
	{64, "0f 58 c1", NI, 3, "sse", 4, 8},			  /* addps %xmm1,%xmm0 */
	{64, "66 0f 6f 00", NI, 4, "sse", 2, 8},		  /* movdqa (%rax),%xmm0 */
	{64, "66 0f 70 c8 01", NI, 5, "sse", 2, 8},		  /* pshufd $1,%xmm0,%xmm1 */
	{64, "0f 73 d0 04", NI, 4, "sse", 4, 8},		  /* psrlq $4,%mm0 */
	{64, "0f 77", NI, 2, "sse", 4, 8},			  /* emms */
	{64, "d9 e8", NI, 2, "x87", 4, 8},			  /* fld1 */
	{64, "dd 44 24 08", NI, 4, "x87", 4, 8},		  /* fldl 8(%rsp) */
	{64, "de c1", NI, 2, "x87", 4, 8},			  /* faddp */
	{64, "66 0f 38 00 00", NI, 5, "0f38", 2, 8},		  /* pshufb (%rax),%xmm0 */
	{64, "66 0f 3a 0f c1 04", NI, 6, "0f3a", 2, 8},		  /* palignr $4,%xmm1,%xmm0 */
	{64, "0f 38 f0 00", NI, 4, "0f38", 4, 8},		  /* movbe (%rax),%eax */
	{64, "0f 01 c2", NI, 3, "vmx", 4, 8},			  /* vmlaunch */
	{64, "0f 78 c3", NI, 3, "vmx", 4, 8},			  /* vmread %rax,%rbx */
	{64, "0f 01 d8", NI, 3, "svm", 4, 8},			  /* vmrun */
	{64, "0f 01 ca", NI, 3, "clac/stac", 4, 8},		  /* clac */
	{64, "0f 01 cb", NI, 3, "clac/stac", 4, 8},		  /* stac */
	{64, "0f 01 c8", NI, 3, "monitor/mwait", 4, 8},		  /* monitor */
	{64, "0f c7 f0", NI, 3, "rdrand/rdseed", 4, 8},		  /* rdrand %eax */
	{64, "48 0f c7 f8", NI, 4, "rdrand/rdseed", 8, 8},	  /* rdseed %rax */
	{64, "f3 48 0f ae c0", NI, 5, "rdfsbase/wrfsbase", 8, 8}, /* rdfsbase %rax */
	{64, "f3 48 0f ae d8", NI, 5, "rdfsbase/wrfsbase", 8, 8}, /* wrgsbase %rax */
	{64, "0f ae 20", NI, 3, "xsave", 4, 8},			  /* xsave (%rax) */
	{64, "0f ae 28", NI, 3, "xsave", 4, 8},			  /* xrstor (%rax) */
	{64, "0f ae 30", NI, 3, "xsave", 4, 8},			  /* xsaveopt (%rax) */
	{64, "0f c7 20", NI, 3, "xsave", 4, 8},			  /* xsavec (%rax) */
	{64, "0f 01 d5", NI, 3, "tsx", 4, 8},			  /* xend */
	{64, "c6 f8 01", NI, 3, "tsx", 1, 8},			  /* xabort $1 */
	{64, "0f 01 ee", NI, 3, "rdpkru/wrpkru", 4, 8},		  /* rdpkru */
	{64, "0f 37", NI, 2, "getsec", 4, 8},			  /* getsec */
	{64, "0f 0e", NI, 2, "3dnow", 4, 8},			  /* femms */
	{64, "0f 01 fc", NI, 3, "amd-only", 4, 8},		  /* clzero */
	{64, "0f c3 00", NI, 3, "sse", 4, 8},			  /* movnti %eax,(%rax) */
	{64, "0f c2 c1 01", NI, 4, "sse", 4, 8},		  /* cmpps $1,%xmm1,%xmm0 */
	/* ---- 32-bit */
	{32, "01 c3", OK, 2, "add", 4, 4},	    /* add %eax,%ebx */
	{32, "66 01 c3", OK, 3, "add", 2, 4},	    /* add %ax,%bx */
	{32, "05 78 56 34 12", OK, 5, "add", 4, 4}, /* add $0x12345678,%eax */
	{32, "66 05 34 12", OK, 4, "add", 2, 4},    /* add $0x1234,%ax */
	{32, "66 81 00 34 12", OK, 5, "add", 2, 4}, /* addw $0x1234,(%eax) */
	{32, "81 84 73 00 10 00 00 78 56 34 12", OK, 11, "add", 4,
	 4},					     /* addl $0x12345678,0x1000(%ebx,%esi,2) */
	{32, "67 83 00 01", OK, 4, "add", 4, 2},     /* addl $1,(%bx,%si) */
	{32, "82 c0 01", OK, 3, "add", 1, 4},	     /* raw; objdump: add    $0x1,%al */
	{32, "40", OK, 1, "inc", 4, 4},		     /* inc %eax */
	{32, "66 47", OK, 2, "inc", 2, 4},	     /* inc %di */
	{32, "49", OK, 1, "dec", 4, 4},		     /* dec %ecx */
	{32, "4f", OK, 1, "dec", 4, 4},		     /* dec %edi */
	{32, "50", OK, 1, "push", 4, 4},	     /* push %eax */
	{32, "66 50", OK, 2, "push", 2, 4},	     /* push %ax */
	{32, "68 78 56 34 12", OK, 5, "push", 4, 4}, /* push $0x12345678 */
	{32, "66 68 34 12", OK, 4, "push", 2, 4},    /* pushw $0x1234 */
	{32, "6a 01", OK, 2, "push", 4, 4},	     /* push $1 */
	{32, "5d", OK, 1, "pop", 4, 4},		     /* pop %ebp */
	{32, "06", OK, 1, "push", 4, 4},	     /* push %es */
	{32, "0e", OK, 1, "push", 4, 4},	     /* push %cs */
	{32, "16", OK, 1, "push", 4, 4},	     /* push %ss */
	{32, "1e", OK, 1, "push", 4, 4},	     /* push %ds */
	{32, "07", OK, 1, "pop", 4, 4},		     /* pop %es */
	{32, "17", OK, 1, "pop", 4, 4},		     /* pop %ss */
	{32, "1f", OK, 1, "pop", 4, 4},		     /* pop %ds */
	{32, "66 1e", OK, 2, "push", 2, 4},	     /* pushw %ds */
	{32, "0f a0", OK, 2, "push", 4, 4},	     /* push %fs */
	{32, "0f a9", OK, 2, "pop", 4, 4},	     /* pop %gs */
	{32, "60", OK, 1, "pusha", 4, 4},	     /* pusha */
	{32, "66 60", OK, 2, "pusha", 2, 4},	     /* pushaw */
	{32, "61", OK, 1, "popa", 4, 4},	     /* popa */
	{32, "9c", OK, 1, "pushf", 4, 4},	     /* pushf */
	{32, "66 9c", OK, 2, "pushf", 2, 4},	     /* pushfw */
	{32, "9d", OK, 1, "popf", 4, 4},	     /* popf */
	{32, "c8 08 00 01", OK, 4, "enter", 4, 4},   /* enter $8,$1 */
	{32, "c9", OK, 1, "leave", 4, 4},	     /* leave */
	{32, "27", OK, 1, "daa", 1, 4},		     /* daa */
	{32, "2f", OK, 1, "das", 1, 4},		     /* das */
	{32, "37", OK, 1, "aaa", 1, 4},		     /* aaa */
	{32, "3f", OK, 1, "aas", 1, 4},		     /* aas */
	{32, "d4 0a", OK, 2, "aam", 1, 4},	     /* aam */
	{32, "d5 10", OK, 2, "aad", 1, 4},	     /* aad $16 */
	{32, "62 03", OK, 2, "bound", 4, 4},	     /* bound %eax,(%ebx) */
	{32, "c5 18", OK, 2, "lds", 4, 4},	     /* lds (%eax),%ebx */
	{32, "66 c4 18", OK, 3, "les", 2, 4},	     /* les (%eax),%bx */
	{32, "0f b2 20", OK, 3, "lss", 4, 4},	     /* lss (%eax),%esp */
	{32, "0f b4 30", OK, 3, "lfs", 4, 4},	     /* lfs (%eax),%esi */
	{32, "0f b5 38", OK, 3, "lgs", 4, 4},	     /* lgs (%eax),%edi */
	{32, "ce", OK, 1, "into", 4, 4},	     /* into */
	{32, "63 c3", OK, 2, "arpl", 2, 4},	     /* arpl %ax,%bx */
	{32, "63 03", OK, 2, "arpl", 2, 4},	     /* arpl %ax,(%ebx) */
	{32, "d7", OK, 1, "xlat", 1, 4},	     /* xlat */
	{32, "ea 78 56 34 12 08 00", OK, 7, "ljmp", 4, 4},  /* ljmp $0x8,$0x12345678 */
	{32, "66 ea 34 12 08 00", OK, 6, "ljmp", 2, 4},	    /* ljmpw $0x8,$0x1234 */
	{32, "9a 78 56 34 12 10 00", OK, 7, "lcall", 4, 4}, /* lcall $0x10,$0x12345678 */
	{32, "ff 28", OK, 2, "ljmp", 4, 4},		    /* ljmp *(%eax) */
	{32, "66 ff 28", OK, 3, "ljmp", 2, 4},		    /* ljmpw *(%eax) */
	{32, "e9 fb 0f 00 00", OK, 5, "jmp", 4, 4},	    /* jmp .+0x1000 */
	{32, "eb 00", OK, 2, "jmp", 4, 4},		    /* jmp .+2 */
	{32, "e8 fb 0f 00 00", OK, 5, "call", 4, 4},	    /* call .+0x1000 */
	{32, "66 e8 00 00", OK, 4, "call", 2, 4},	    /* raw; objdump: callw  0x4 */
	{32, "66 e9 00 00", OK, 4, "jmp", 2, 4},	    /* raw; objdump: jmpw   0x4 */
	{32, "66 0f 84 00 00", OK, 5, "jcc", 2, 4},	    /* raw; objdump: je     0x5 */
	{32, "ff d0", OK, 2, "call", 4, 4},		    /* call *%eax */
	{32, "66 ff d0", OK, 3, "call", 2, 4},		    /* callw *%ax */
	{32, "0f 84 fa 0f 00 00", OK, 6, "jcc", 4, 4},	    /* jz .+0x1000 */
	{32, "e3 00", OK, 2, "jrcxz", 4, 4},		    /* jecxz .+2 */
	{32, "67 e3 ff", OK, 3, "jrcxz", 4, 2},		    /* jcxz .+2 */
	{32, "e2 00", OK, 2, "loop", 4, 4},		    /* loop .+2 */
	{32, "c3", OK, 1, "ret", 4, 4},			    /* ret */
	{32, "66 c3", OK, 2, "ret", 2, 4},		    /* retw */
	{32, "c2 04 00", OK, 3, "ret", 4, 4},		    /* ret $4 */
	{32, "cb", OK, 1, "lret", 4, 4},		    /* lret */
	{32, "cf", OK, 1, "iret", 4, 4},		    /* iret */
	{32, "66 cf", OK, 2, "iret", 2, 4},		    /* iretw */
	{32, "cd 21", OK, 2, "int", 4, 4},		    /* int $0x21 */
	{32, "a1 78 56 34 12", OK, 5, "mov", 4, 4},	    /* mov 0x12345678,%eax */
	{32, "a2 78 56 34 12", OK, 5, "mov", 1, 4},	    /* mov %al,0x12345678 */
	{32, "67 a1 34 12", OK, 4, "mov", 4, 2},	    /* addr16 mov 0x1234,%eax */
	{32, "8b 1d 78 56 34 12", OK, 6, "mov", 4, 4},	    /* mov 0x12345678,%ebx */
	{32, "8b 1c 85 00 00 00 00", OK, 7, "mov", 4, 4},   /* mov (,%eax,4),%ebx */
	{32, "8b 44 24 10", OK, 4, "mov", 4, 4},	    /* mov 0x10(%esp),%eax */
	{32, "8b 45 08", OK, 3, "mov", 4, 4},		    /* mov 0x8(%ebp),%eax */
	{32, "b8 78 56 34 12", OK, 5, "mov", 4, 4},	    /* mov $0x12345678,%eax */
	{32, "66 b8 34 12", OK, 4, "mov", 2, 4},	    /* mov $0x1234,%ax */
	{32, "0f 20 c0", OK, 3, "mov", 4, 4},		    /* mov %cr0,%eax */
	{32, "0f 22 c0", OK, 3, "mov", 4, 4},		    /* mov %eax,%cr0 */
	{32, "0f 22 e0", OK, 3, "mov", 4, 4},		    /* mov %eax,%cr4 */
	{32, "0f 21 f1", OK, 3, "mov", 4, 4},		    /* mov %db6,%ecx */
	{32, "66 0f 22 d8", OK, 4, "mov", 4, 4},	    /* raw; objdump: data16 mov %eax,%cr3 */
	{32, "0f 20 00", OK, 3, "mov", 4, 4},		    /* raw; objdump: mov    %cr0,%eax */
	{32, "0f 01 10", OK, 3, "lgdt", 4, 4},		    /* lgdt (%eax) */
	{32, "66 0f 01 10", OK, 4, "lgdt", 2, 4},	    /* lgdtw (%eax) */
	{32, "0f 01 1d 78 56 34 12", OK, 7, "lidt", 4, 4},  /* lidt 0x12345678 */
	{32, "0f 01 00", OK, 3, "sgdt", 4, 4},		    /* sgdt (%eax) */
	{32, "0f 00 d8", OK, 3, "ltr", 2, 4},		    /* ltr %ax */
	{32, "0f 00 d0", OK, 3, "lldt", 2, 4},		    /* lldt %ax */
	{32, "e4 71", OK, 2, "in", 1, 4},		    /* in $0x71,%al */
	{32, "66 ed", OK, 2, "in", 2, 4},		    /* in (%dx),%ax */
	{32, "ef", OK, 1, "out", 4, 4},			    /* out %eax,(%dx) */
	{32, "6d", OK, 1, "ins", 4, 4},			    /* insl */
	{32, "f3 6e", OK, 2, "outs", 1, 4},		    /* rep outsb */
	{32, "f3 a5", OK, 2, "movs", 4, 4},		    /* rep movsl */
	{32, "66 f3 a5", OK, 3, "movs", 2, 4},		    /* rep movsw */
	{32, "67 f3 aa", OK, 3, "stos", 1, 2},		    /* addr16 rep stosb */
	{32, "0f c7 0e", OK, 3, "cmpxchg8b", 4, 4},	    /* cmpxchg8b (%esi) */
	{32, "f0 0f c7 0e", OK, 4, "cmpxchg8b", 4, 4},	    /* lock cmpxchg8b (%esi) */
	{32, "0f 34", OK, 2, "sysenter", 4, 4},		    /* sysenter */
	{32, "0f 35", OK, 2, "sysexit", 4, 4},		    /* sysexit */
	{32, "0f 05", OK, 2, "syscall", 4, 4},		    /* syscall */
	{32, "0f a2", OK, 2, "cpuid", 4, 4},		    /* cpuid */
	{32, "0f 01 f9", OK, 3, "rdtscp", 4, 4},	    /* rdtscp */
	{32, "f3 0f c7 f8", OK, 4, "rdpid", 4, 4},	    /* rdpid %eax */
	{32, "0f ae 00", OK, 3, "fxsave", 4, 4},	    /* fxsave (%eax) */
	{32, "df e0", OK, 2, "fnstsw", 2, 4},		    /* fnstsw %ax */
	{32, "f4", OK, 1, "hlt", 4, 4},			    /* hlt */
	{32, "fa", OK, 1, "cli", 4, 4},			    /* cli */
	{32, "90", OK, 1, "nop", 4, 4},			    /* nop */
	{32, "f3 90", OK, 2, "pause", 4, 4},		    /* pause */
	{32, "0f be 08", OK, 3, "movsx", 4, 4},		    /* movsbl (%eax),%ecx */
	{32, "0f b7 c0", OK, 3, "movzx", 4, 4},		    /* movzwl %ax,%eax */
	{32, "0f ce", OK, 2, "bswap", 4, 4},		    /* bswap %esi */
	{32, "98", OK, 1, "cbw", 4, 4},			    /* cwtl */
	{32, "66 98", OK, 2, "cbw", 2, 4},		    /* cbtw */
	{32, "99", OK, 1, "cwd", 4, 4},			    /* cltd */
	{32, "6b c0 ff", OK, 3, "imul", 4, 4},		    /* imul $-1,%eax,%eax */
	{32, "c1 e0 04", OK, 3, "shl", 4, 4},		    /* shl $4,%eax */
	{32, "c4 00", OK, 2, "les", 4, 4},		    /* raw; objdump: les    (%eax),%eax */
	{32, "c5 00", OK, 2, "lds", 4, 4},		    /* raw; objdump: lds    (%eax),%eax */
	{32, "62 00", OK, 2, "bound", 4, 4},		    /* raw; objdump: bound  %eax,(%eax) */
	{32, "c5 f8 77", NI, 2, "vex", 4, 4},		    /* raw; objdump: vzeroupper */
	{32, "c4 e2 79 18 00", NI, 2, "vex", 4, 4}, /* raw; objdump: vbroadcastss (%eax),%xmm0 */
	{32, "62 f1 7c 48 58 c0", NI, 2, "evex", 4, 4}, /* raw; objdump: vaddps %zmm0,%zmm0,%zmm0 */
	{32, "0f 01 f8", UD, 3, "swapgs", 0, 4},	/* raw; objdump: swapgs */
	{32, "40", OK, 1, "inc", 4, 4},			/* raw; objdump: inc    %eax */
	{32, "4f", OK, 1, "dec", 4, 4},			/* raw; objdump: dec    %edi */
	{32, "48 01 c0", OK, 1, "dec", 4, 4},		/* raw; objdump: dec    %eax */
	{32, "63 c0", OK, 2, "arpl", 2, 4},		/* raw; objdump: arpl   %ax,%ax */
	{32, "8d c0", UD, 2, "lea", 0, 4},		/* raw; objdump: (bad) */
	{32, "c4 c0", NI, 2, "vex", 4, 4},		/* raw; objdump: .byte 0xc4 */
	/* ---- 16-bit */
	{16, "01 c3", OK, 2, "add", 2, 2},		      /* add %ax,%bx */
	{16, "66 01 c3", OK, 3, "add", 4, 2},		      /* add %eax,%ebx */
	{16, "05 34 12", OK, 3, "add", 2, 2},		      /* add $0x1234,%ax */
	{16, "66 05 78 56 34 12", OK, 6, "add", 4, 2},	      /* add $0x12345678,%eax */
	{16, "83 00 01", OK, 3, "add", 2, 2},		      /* addw $1,(%bx,%si) */
	{16, "80 06 34 12 01", OK, 5, "add", 1, 2},	      /* addb $1,0x1234 */
	{16, "67 03 00", OK, 3, "add", 2, 4},		      /* add (%eax),%ax */
	{16, "8b 00", OK, 2, "mov", 2, 2},		      /* mov (%bx,%si),%ax */
	{16, "8b 46 10", OK, 3, "mov", 2, 2},		      /* mov 0x10(%bp),%ax */
	{16, "8b 93 34 12", OK, 4, "mov", 2, 2},	      /* mov 0x1234(%bp,%di),%dx */
	{16, "a1 34 12", OK, 3, "mov", 2, 2},		      /* mov 0x1234,%ax */
	{16, "66 a1 34 12", OK, 4, "mov", 4, 2},	      /* mov 0x1234,%eax */
	{16, "8e d8", OK, 2, "mov", 2, 2},		      /* mov %ax,%ds */
	{16, "8c c8", OK, 2, "mov", 2, 2},		      /* mov %cs,%ax */
	{16, "b8 34 12", OK, 3, "mov", 2, 2},		      /* mov $0x1234,%ax */
	{16, "66 b8 78 56 34 12", OK, 6, "mov", 4, 2},	      /* mov $0x12345678,%eax */
	{16, "67 66 8b 04 24", OK, 5, "mov", 4, 4},	      /* mov (%esp),%eax */
	{16, "0f 20 c0", OK, 3, "mov", 4, 2},		      /* mov %cr0,%eax */
	{16, "0f 22 c0", OK, 3, "mov", 4, 2},		      /* mov %eax,%cr0 */
	{16, "8d 7c 02", OK, 3, "lea", 2, 2},		      /* lea 2(%si),%di */
	{16, "50", OK, 1, "push", 2, 2},		      /* push %ax */
	{16, "66 50", OK, 2, "push", 4, 2},		      /* push %eax */
	{16, "68 34 12", OK, 3, "push", 2, 2},		      /* push $0x1234 */
	{16, "66 68 78 56 34 12", OK, 6, "push", 4, 2},	      /* pushl $0x12345678 */
	{16, "6a 01", OK, 2, "push", 2, 2},		      /* push $1 */
	{16, "0e", OK, 1, "push", 2, 2},		      /* push %cs */
	{16, "1f", OK, 1, "pop", 2, 2},			      /* pop %ds */
	{16, "60", OK, 1, "pusha", 2, 2},		      /* pusha */
	{16, "66 60", OK, 2, "pusha", 4, 2},		      /* pushal */
	{16, "9c", OK, 1, "pushf", 2, 2},		      /* pushf */
	{16, "66 9c", OK, 2, "pushf", 4, 2},		      /* pushfl */
	{16, "9d", OK, 1, "popf", 2, 2},		      /* popf */
	{16, "c8 04 00 00", OK, 4, "enter", 2, 2},	      /* enter $4,$0 */
	{16, "c9", OK, 1, "leave", 2, 2},		      /* leave */
	{16, "e9 fd 0f", OK, 3, "jmp", 2, 2},		      /* jmp .+0x1000 */
	{16, "eb 00", OK, 2, "jmp", 2, 2},		      /* jmp .+2 */
	{16, "e8 fd 0f", OK, 3, "call", 2, 2},		      /* call .+0x1000 */
	{16, "66 e8 00 00 00 00", OK, 6, "call", 4, 2},	      /* raw; objdump: calll  0x6 */
	{16, "0f 84 fc 00", OK, 4, "jcc", 2, 2},	      /* jz .+0x100 */
	{16, "ea f0 ff 00 f0", OK, 5, "ljmp", 2, 2},	      /* ljmp $0xf000,$0xfff0 */
	{16, "66 ea 78 56 34 12 08 00", OK, 8, "ljmp", 4, 2}, /* ljmpl $0x8,$0x12345678 */
	{16, "9a 00 7c 00 00", OK, 5, "lcall", 2, 2},	      /* lcall $0x0,$0x7c00 */
	{16, "ff 2f", OK, 2, "ljmp", 2, 2},		      /* ljmp *(%bx) */
	{16, "ff 1f", OK, 2, "lcall", 2, 2},		      /* lcall *(%bx) */
	{16, "c3", OK, 1, "ret", 2, 2},			      /* ret */
	{16, "c2 02 00", OK, 3, "ret", 2, 2},		      /* ret $2 */
	{16, "cb", OK, 1, "lret", 2, 2},		      /* lret */
	{16, "66 cb", OK, 2, "lret", 4, 2},		      /* lretl */
	{16, "cf", OK, 1, "iret", 2, 2},		      /* iret */
	{16, "66 cf", OK, 2, "iret", 4, 2},		      /* iretl */
	{16, "cd 10", OK, 2, "int", 2, 2},		      /* int $0x10 */
	{16, "cc", OK, 1, "int3", 2, 2},		      /* int3 */
	{16, "ce", OK, 1, "into", 2, 2},		      /* into */
	{16, "e4 60", OK, 2, "in", 1, 2},		      /* in $0x60,%al */
	{16, "ed", OK, 1, "in", 2, 2},			      /* in (%dx),%ax */
	{16, "66 ed", OK, 2, "in", 4, 2},		      /* in (%dx),%eax */
	{16, "e6 80", OK, 2, "out", 1, 2},		      /* out %al,$0x80 */
	{16, "6c", OK, 1, "ins", 1, 2},			      /* insb */
	{16, "6f", OK, 1, "outs", 2, 2},		      /* outsw */
	{16, "f3 a4", OK, 2, "movs", 1, 2},		      /* rep movsb */
	{16, "f3 a5", OK, 2, "movs", 2, 2},		      /* rep movsw */
	{16, "66 f3 a5", OK, 3, "movs", 4, 2},		      /* rep movsl */
	{16, "67 f3 a4", OK, 3, "movs", 1, 4},		      /* addr32 rep movsb */
	{16, "ac", OK, 1, "lods", 1, 2},		      /* lodsb */
	{16, "ab", OK, 1, "stos", 2, 2},		      /* stosw */
	{16, "d7", OK, 1, "xlat", 1, 2},		      /* xlat */
	{16, "e2 00", OK, 2, "loop", 2, 2},		      /* loop .+2 */
	{16, "e3 00", OK, 2, "jrcxz", 2, 2},		      /* jcxz .+2 */
	{16, "67 e3 ff", OK, 3, "jrcxz", 2, 4},		      /* jecxz .+2 */
	{16, "0f 01 17", OK, 3, "lgdt", 2, 2},		      /* lgdt (%bx) */
	{16, "66 0f 01 17", OK, 4, "lgdt", 4, 2},	      /* lgdtl (%bx) */
	{16, "0f 01 1e 34 12", OK, 5, "lidt", 2, 2},	      /* lidt 0x1234 */
	{16, "0f 01 f0", OK, 3, "lmsw", 2, 2},		      /* lmsw %ax */
	{16, "0f 01 e0", OK, 3, "smsw", 2, 2},		      /* smsw %ax */
	{16, "fa", OK, 1, "cli", 2, 2},			      /* cli */
	{16, "fb", OK, 1, "sti", 2, 2},			      /* sti */
	{16, "f4", OK, 1, "hlt", 2, 2},			      /* hlt */
	{16, "fc", OK, 1, "cld", 2, 2},			      /* cld */
	{16, "90", OK, 1, "nop", 2, 2},			      /* nop */
	{16, "40", OK, 1, "inc", 2, 2},			      /* inc %ax */
	{16, "4e", OK, 1, "dec", 2, 2},			      /* dec %si */
	{16, "66 40", OK, 2, "inc", 4, 2},		      /* inc %eax */
	{16, "27", OK, 1, "daa", 1, 2},			      /* daa */
	{16, "d4 0a", OK, 2, "aam", 1, 2},		      /* aam */
	{16, "c5 37", OK, 2, "lds", 2, 2},		      /* lds (%bx),%si */
	{16, "c4 3f", OK, 2, "les", 2, 2},		      /* les (%bx),%di */
	{16, "0f b2 27", OK, 3, "lss", 2, 2},		      /* lss (%bx),%sp */
	{16, "93", OK, 1, "xchg", 2, 2},		      /* xchg %bx,%ax */
	{16, "87 d9", OK, 2, "xchg", 2, 2},		      /* xchg %bx,%cx */
	{16, "98", OK, 1, "cbw", 2, 2},			      /* cbtw */
	{16, "66 98", OK, 2, "cbw", 4, 2},		      /* cwtl */
	{16, "99", OK, 1, "cwd", 2, 2},			      /* cwtd */
	{16, "0f b6 07", OK, 3, "movzx", 2, 2},		      /* movzbw (%bx),%ax */
	{16, "66 0f b6 c0", OK, 4, "movzx", 4, 2},	      /* movzbl %al,%eax */
	{16, "6b c0 03", OK, 3, "imul", 2, 2},		      /* imul $3,%ax,%ax */
	{16, "69 c0 34 12", OK, 4, "imul", 2, 2},	      /* imul $0x1234,%ax,%ax */
	{16, "d3 e0", OK, 2, "shl", 2, 2},		      /* shl %cl,%ax */
	{16, "a9 34 12", OK, 3, "test", 2, 2},		      /* test $0x1234,%ax */
	{16, "f6 04 01", OK, 3, "test", 1, 2},		      /* testb $1,(%si) */
	{16, "81 3d 34 12", OK, 4, "cmp", 2, 2},	      /* cmpw $0x1234,(%di) */
	{16, "0f c7 0f", OK, 3, "cmpxchg8b", 2, 2},	      /* cmpxchg8b (%bx) */
	{16, "0f 09", OK, 2, "wbinvd", 2, 2},		      /* wbinvd */
	{16, "db e3", OK, 2, "fninit", 2, 2},		      /* fninit */
	{16, "dd 3f", OK, 2, "fnstsw", 2, 2},		      /* fnstsw (%bx) */
	{16, "0f 01 f8", UD, 3, "swapgs", 0, 2},	      /* raw; objdump: swapgs */
	{16, "8e c8", UD, 2, "(bad)", 0, 2},		      /* raw; objdump: mov    %ax,%cs */
	{16, "f0 01 00", OK, 3, "add", 2, 2}, /* raw; objdump: lock add %ax,(%bx,%si) */
	{16, "f0 01 c0", UD, 3, "add", 0, 2}, /* raw; objdump: lock add %ax,%ax */
};

static void decode_row(const struct row *r, struct insn *in, int *res, size_t avail_cut)
{
	uint8_t buf[32];
	size_t n = hex(r->hex, buf, sizeof(buf));

	*res = insn_decode(in, buf, avail_cut < n ? avail_cut : n, r->bits);
}

static void test_rows(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct insn in;
		int res;
		bool osz_ok, good;

		decode_row(r, &in, &res, SIZE_MAX);
		osz_ok = !r->osz || in.osz == r->osz;
		good = res == r->res && in.len == r->len && !strcmp(insn_mnemonic(in.op), r->mn) &&
		       osz_ok && in.asz == r->asz;
		if (!ok(good, "%u-bit %-24s %s len %u %s osz %u asz %u", r->bits, r->hex,
			res_name(r->res), r->len, r->mn, r->osz, r->asz))
			printf("#   got %s len %u %s osz %u asz %u\n", res_name(res), in.len,
			       insn_mnemonic(in.op), in.osz, in.asz);
	}
}

/*
 * Every decodable row cut short at each byte says "need more"; with junk
 * after it, it decodes the same.
 */
static void test_truncation(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		uint8_t buf[32];
		size_t n = hex(r->hex, buf, sizeof(buf));
		struct insn in;
		unsigned bad = 0, cut;
		int res;

		if (r->res != OK && r->res != NI)
			continue;
		for (cut = 0; cut < r->len; cut++)
			if ((res = insn_decode(&in, buf, cut, r->bits)) != MORE && !bad++)
				printf("#   %u bytes: %s\n", cut, res_name(res));
		memset(buf + n, 0x0f, sizeof(buf) - n);
		res = insn_decode(&in, buf, sizeof(buf), r->bits);
		if (res != r->res || in.len != r->len)
			bad++;
		ok(!bad, "%u-bit %s: every shorter prefix needs more, junk after it is ignored",
		   r->bits, r->hex);
	}
}

/* ---- memory operands: ModRM, SIB, displacement, RIP-relative, moffs, segment ---- */

#define NOREG INSN_REG_NONE
#define RIP   INSN_REG_RIP
#define MEM   INSN_F_MEM
#define SIB   INSN_F_SIB
#define RIPR  INSN_F_RIPREL
#define MOFFS INSN_F_MOFFS
#define R(x)  GPR_##x

struct mem_row {
	uint8_t bits;
	const char *hex;
	uint8_t len, asz, base, index, scale;
	int32_t disp;
	uint8_t seg;
	uint16_t flags; /* MEM, SIB, RIPR, MOFFS */
	const char *what;
};

static const struct mem_row mem_rows[] = {
	/* 64-bit: SIB corner cases (SDM Vol. 2 Tables 2-2, 2-3) */
	{64, "8b 00", 2, 8, R(RAX), NOREG, 0, 0, SEG_DS, MEM, "[rax]"},
	{64, "8b 04 24", 3, 8, R(RSP), NOREG, 0, 0, SEG_SS, MEM | SIB, "[rsp]: SIB, no index"},
	{64, "8b 04 64", 3, 8, R(RSP), NOREG, 1, 0, SEG_SS, MEM | SIB, "index 100 = none"},
	{64, "4a 8b 04 64", 4, 8, R(RSP), R(R12), 1, 0, SEG_SS, MEM | SIB, "REX.X: index r12"},
	{64, "8b 04 25 78 56 34 12", 7, 8, NOREG, NOREG, 0, 0x12345678, SEG_DS, MEM | SIB,
	 "SIB base 101 mod 00: disp32, no base, no index"},
	{64, "41 8b 04 25 78 56 34 12", 8, 8, NOREG, NOREG, 0, 0x12345678, SEG_DS, MEM | SIB,
	 "... also with REX.B (not r13)"},
	{64, "8b 04 cd 00 01 00 00", 7, 8, NOREG, R(RCX), 3, 0x100, SEG_DS, MEM | SIB,
	 "[rcx*8+disp32]"},
	{64, "8b 1c 9d 00 00 00 00", 7, 8, NOREG, R(RBX), 2, 0, SEG_DS, MEM | SIB, "[rbx*4+0]"},
	{64, "8b 44 8d f0", 4, 8, R(RBP), R(RCX), 2, -16, SEG_SS, MEM | SIB, "[rbp+rcx*4-16]"},
	{64, "8b 45 f8", 3, 8, R(RBP), NOREG, 0, -8, SEG_SS, MEM, "[rbp-8]: SS"},
	{64, "41 8b 45 00", 4, 8, R(R13), NOREG, 0, 0, SEG_DS, MEM, "[r13+0]: needs disp8, DS"},
	{64, "41 8b 44 24 08", 5, 8, R(R12), NOREG, 0, 8, SEG_DS, MEM | SIB, "[r12+8]: SIB"},
	{64, "41 8b 04 24", 4, 8, R(R12), NOREG, 0, 0, SEG_DS, MEM | SIB, "[r12]"},
	{64, "42 8b 04 20", 4, 8, R(RAX), R(R12), 0, 0, SEG_DS, MEM | SIB, "[rax+r12]"},
	{64, "43 8b 04 2c", 4, 8, R(R12), R(R13), 0, 0, SEG_DS, MEM | SIB, "[r12+r13]"},
	{64, "8b 84 24 00 01 00 00", 7, 8, R(RSP), NOREG, 0, 0x100, SEG_SS, MEM | SIB,
	 "[rsp+disp32]"},
	{64, "8b 80 00 00 00 80", 6, 8, R(RAX), NOREG, 0, INT32_MIN, SEG_DS, MEM,
	 "disp32 sign-extended"},
	{64, "8b 40 80", 3, 8, R(RAX), NOREG, 0, -128, SEG_DS, MEM, "disp8 sign-extended"},
	{64, "67 8b 00", 3, 4, R(RAX), NOREG, 0, 0, SEG_DS, MEM, "67: [eax]"},
	/* RIP-relative (SDM Vol. 2 §2.2.1.6): relative to the end, so the executor adds len */
	{64, "8b 05 10 00 00 00", 6, 8, RIP, NOREG, 0, 0x10, SEG_DS, MEM | RIPR, "[rip+0x10]"},
	{64, "41 8b 05 f0 ff ff ff", 7, 8, RIP, NOREG, 0, -16, SEG_DS, MEM | RIPR,
	 "REX.B does not make it r13"},
	{64, "67 8b 05 10 00 00 00", 7, 4, RIP, NOREG, 0, 0x10, SEG_DS, MEM | RIPR, "[eip+0x10]"},
	{64, "c7 05 f0 ff ff ff 01 00 00 00", 10, 8, RIP, NOREG, 0, -16, SEG_DS, MEM | RIPR,
	 "RIP-relative with an immediate after it"},
	/* segments in 64-bit mode: only FS and GS overrides count (SDM Vol. 1 §3.3.7.1) */
	{64, "64 8b 04 25 28 00 00 00", 8, 8, NOREG, NOREG, 0, 0x28, SEG_FS, MEM | SIB, "fs:0x28"},
	{64, "65 48 8b 04 25 00 00 00 00", 9, 8, NOREG, NOREG, 0, 0, SEG_GS, MEM | SIB, "gs:0"},
	{64, "2e 8b 00", 3, 8, R(RAX), NOREG, 0, 0, SEG_DS, MEM, "CS override ignored"},
	{64, "36 8b 00", 3, 8, R(RAX), NOREG, 0, 0, SEG_DS, MEM, "SS override ignored"},
	{64, "26 8b 45 00", 4, 8, R(RBP), NOREG, 0, 0, SEG_SS, MEM, "ES override ignored: SS"},
	{64, "64 2e 8b 00", 4, 8, R(RAX), NOREG, 0, 0, SEG_DS, MEM, "last override (CS) wins"},
	{64, "2e 64 8b 00", 4, 8, R(RAX), NOREG, 0, 0, SEG_FS, MEM, "last override (FS) wins"},
	{64, "a1 88 77 66 55 44 33 22 11", 9, 8, NOREG, NOREG, 0, 0, SEG_DS, MEM | MOFFS,
	 "moffs64"},
	{64, "64 a1 88 77 66 55 44 33 22 11", 10, 8, NOREG, NOREG, 0, 0, SEG_FS, MEM | MOFFS,
	 "fs:moffs64"},
	{64, "67 a1 78 56 34 12", 6, 4, NOREG, NOREG, 0, 0, SEG_DS, MEM | MOFFS, "67: moffs32"},
	{64, "2e a4", 2, 8, NOREG, NOREG, 0, 0, SEG_DS, 0, "movsb: CS ignored"},
	{64, "65 a4", 2, 8, NOREG, NOREG, 0, 0, SEG_GS, 0, "movsb: gs source"},
	{64, "01 c0", 2, 8, NOREG, NOREG, 0, 0, SEG_DS, 0, "register form: no memory"},
	{64, "0f 20 00", 3, 8, NOREG, NOREG, 0, 0, SEG_DS, 0, "MOV CR: mod ignored, no disp"},
	{64, "0f 22 80", 3, 8, NOREG, NOREG, 0, 0, SEG_DS, 0, "MOV CR: mod 2, still no disp"},
	/* 32-bit */
	{32, "8b 05 78 56 34 12", 6, 4, NOREG, NOREG, 0, 0x12345678, SEG_DS, MEM,
	 "rm 101 mod 00: disp32, not RIP-relative"},
	{32, "8b 04 24", 3, 4, R(RSP), NOREG, 0, 0, SEG_SS, MEM | SIB, "[esp]"},
	{32, "8b 44 24 fc", 4, 4, R(RSP), NOREG, 0, -4, SEG_SS, MEM | SIB, "[esp-4]"},
	{32, "8b 45 08", 3, 4, R(RBP), NOREG, 0, 8, SEG_SS, MEM, "[ebp+8]"},
	{32, "8b 44 b5 00", 4, 4, R(RBP), R(RSI), 2, 0, SEG_SS, MEM | SIB, "[ebp+esi*4]"},
	{32, "3e 8b 45 08", 4, 4, R(RBP), NOREG, 0, 8, SEG_DS, MEM, "DS override of an EBP base"},
	{32, "2e 8b 00", 3, 4, R(RAX), NOREG, 0, 0, SEG_CS, MEM, "CS override"},
	{32, "26 36 8b 00", 4, 4, R(RAX), NOREG, 0, 0, SEG_SS, MEM, "last of ES, SS"},
	{32, "64 65 8b 00", 4, 4, R(RAX), NOREG, 0, 0, SEG_GS, MEM, "last of FS, GS"},
	{32, "26 8b 00", 3, 4, R(RAX), NOREG, 0, 0, SEG_ES, MEM, "ES override"},
	{32, "67 8b 46 02", 4, 2, R(RBP), NOREG, 0, 2, SEG_SS, MEM, "67: [bp+2]"},
	{32, "67 8b 00", 3, 2, R(RBX), R(RSI), 0, 0, SEG_DS, MEM, "67: [bx+si]"},
	{32, "a1 78 56 34 12", 5, 4, NOREG, NOREG, 0, 0, SEG_DS, MEM | MOFFS, "moffs32"},
	{32, "67 a1 34 12", 4, 2, NOREG, NOREG, 0, 0, SEG_DS, MEM | MOFFS, "67: moffs16"},
	{32, "2e a4", 2, 4, NOREG, NOREG, 0, 0, SEG_CS, 0, "movsb: cs source"},
	{32, "26 d7", 2, 4, NOREG, NOREG, 0, 0, SEG_ES, 0, "xlat: es"},
	/* 16-bit addressing: the eight classic forms (SDM Vol. 2 Table 2-1) */
	{16, "8b 00", 2, 2, R(RBX), R(RSI), 0, 0, SEG_DS, MEM, "[bx+si]"},
	{16, "8b 01", 2, 2, R(RBX), R(RDI), 0, 0, SEG_DS, MEM, "[bx+di]"},
	{16, "8b 02", 2, 2, R(RBP), R(RSI), 0, 0, SEG_SS, MEM, "[bp+si]"},
	{16, "8b 03", 2, 2, R(RBP), R(RDI), 0, 0, SEG_SS, MEM, "[bp+di]"},
	{16, "8b 04", 2, 2, R(RSI), NOREG, 0, 0, SEG_DS, MEM, "[si]"},
	{16, "8b 05", 2, 2, R(RDI), NOREG, 0, 0, SEG_DS, MEM, "[di]"},
	{16, "8b 06 34 12", 4, 2, NOREG, NOREG, 0, 0x1234, SEG_DS, MEM, "[disp16]"},
	{16, "8b 07", 2, 2, R(RBX), NOREG, 0, 0, SEG_DS, MEM, "[bx]"},
	{16, "8b 46 fe", 3, 2, R(RBP), NOREG, 0, -2, SEG_SS, MEM, "[bp-2]"},
	{16, "8b 46 00", 3, 2, R(RBP), NOREG, 0, 0, SEG_SS, MEM, "[bp+0]"},
	{16, "8b 40 7f", 3, 2, R(RBX), R(RSI), 0, 127, SEG_DS, MEM, "[bx+si+127]"},
	{16, "8b 86 00 80", 4, 2, R(RBP), NOREG, 0, -32768, SEG_SS, MEM, "[bp+disp16]"},
	{16, "8b 87 ff 7f", 4, 2, R(RBX), NOREG, 0, 0x7fff, SEG_DS, MEM, "[bx+0x7fff]"},
	{16, "8b 83 34 12", 4, 2, R(RBP), R(RDI), 0, 0x1234, SEG_SS, MEM, "[bp+di+disp16]"},
	{16, "26 8b 46 00", 4, 2, R(RBP), NOREG, 0, 0, SEG_ES, MEM, "es:[bp]"},
	{16, "66 67 8b 04 24", 5, 4, R(RSP), NOREG, 0, 0, SEG_SS, MEM | SIB, "67: [esp]"},
	{16, "67 8b 05 78 56 34 12", 7, 4, NOREG, NOREG, 0, 0x12345678, SEG_DS, MEM,
	 "67: [disp32]"},
	{16, "a1 34 12", 3, 2, NOREG, NOREG, 0, 0, SEG_DS, MEM | MOFFS, "moffs16"},
	{16, "67 a1 78 56 34 12", 6, 4, NOREG, NOREG, 0, 0, SEG_DS, MEM | MOFFS, "67: moffs32"},
	{16, "c7 06 34 12 78 56", 6, 2, NOREG, NOREG, 0, 0x1234, SEG_DS, MEM, "[disp16], Iw"},
};

static void test_mem(void)
{
	const uint16_t mask = MEM | SIB | RIPR | MOFFS;

	for (size_t i = 0; i < sizeof(mem_rows) / sizeof(mem_rows[0]); i++) {
		const struct mem_row *m = &mem_rows[i];
		uint8_t buf[32];
		size_t n = hex(m->hex, buf, sizeof(buf));
		struct insn in;
		int res = insn_decode(&in, buf, n, m->bits);
		bool good = res == OK && in.len == m->len && in.asz == m->asz &&
			    in.base == m->base && in.index == m->index && in.scale == m->scale &&
			    in.disp == m->disp && in.seg == m->seg && (in.flags & mask) == m->flags;

		if (!ok(good, "%u-bit %s: %s", m->bits, m->hex, m->what))
			printf("#   got %s len %u asz %u base %u index %u scale %u disp %d seg %u "
			       "flags %#x\n",
			       res_name(res), in.len, in.asz, in.base, in.index, in.scale, in.disp,
			       in.seg, in.flags & mask);
	}
}

/* ---- immediates and operand forms ---- */

#define F(x) INSN_FORM_##x

struct imm_row {
	uint8_t bits;
	const char *hex;
	uint8_t len, form;
	uint64_t imm;
	uint16_t imm2;
	const char *what;
};

static const struct imm_row imm_rows[] = {
	{64, "48 b8 88 77 66 55 44 33 22 11", 10, F(EI), 0x1122334455667788, 0, "Iv: imm64"},
	{64, "b8 21 43 65 87", 5, F(EI), 0xffffffff87654321, 0, "Iv: imm32 sign-extended"},
	{64, "66 b8 34 12", 4, F(EI), 0x1234, 0, "Iv: imm16"},
	{64, "48 c7 c0 ff ff ff ff", 7, F(EI), UINT64_MAX, 0, "Iz with REX.W: imm32 sext"},
	{64, "48 c7 00 00 00 00 80", 7, F(EI), 0xffffffff80000000, 0, "C7 Iz into memory"},
	{64, "66 c7 00 34 12", 5, F(EI), 0x1234, 0, "C7 with 66: imm16"},
	{64, "c6 00 ff", 3, F(EI), UINT64_MAX, 0, "Ib sign-extended"},
	{64, "48 83 c0 80", 4, F(EI), (uint64_t)-128, 0, "83: Ib sign-extended"},
	{64, "81 c1 00 00 00 80", 6, F(EI), 0xffffffff80000000, 0, "81: Iz"},
	{64, "48 05 ff ff ff ff", 6, F(EI), UINT64_MAX, 0, "rAX, Iz"},
	{64, "48 a9 00 00 00 80", 6, F(EI), 0xffffffff80000000, 0, "TEST rAX, Iz"},
	{64, "a8 01", 2, F(EI), 1, 0, "TEST AL, Ib"},
	{64, "f6 c1 80", 3, F(EI), (uint64_t)-128, 0, "F6 /0 Ib"},
	{64, "f7 c1 00 00 00 80", 6, F(EI), 0xffffffff80000000, 0, "F7 /0 Iz"},
	{64, "66 f7 c1 34 12", 5, F(EI), 0x1234, 0, "F7 /0 Iw"},
	{64, "f7 d1", 2, F(E), 0, 0, "F7 /2 has no immediate"},
	{64, "6a ff", 2, F(I), UINT64_MAX, 0, "PUSH Ib"},
	{64, "68 00 00 00 80", 5, F(I), 0xffffffff80000000, 0, "PUSH Iz"},
	{64, "66 68 34 12", 4, F(I), 0x1234, 0, "PUSH Iw"},
	{64, "a1 88 77 66 55 44 33 22 11", 9, F(GE), 0x1122334455667788, 0, "moffs64"},
	{64, "67 a1 f0 ff ff ff", 6, F(GE), 0xfffffff0, 0, "moffs32 zero-extended"},
	{64, "a3 00 00 00 00 00 00 00 80", 9, F(EG), 0x8000000000000000, 0, "MOV moffs, rAX"},
	{64, "c2 08 00", 3, F(I), 8, 0, "RET Iw"},
	{64, "c2 00 80", 3, F(I), 0x8000, 0, "RET Iw is unsigned"},
	{64, "c3", 1, F(NONE), 0, 0, "RET"},
	{64, "ca 10 00", 3, F(I), 0x10, 0, "RETF Iw"},
	{64, "c8 10 00 01", 4, F(I), 0x10, 1, "ENTER Iw, Ib"},
	{64, "c8 00 80 ff", 4, F(I), 0x8000, 0xff, "ENTER: both unsigned"},
	{64, "cd 80", 2, F(I), 0x80, 0, "INT Ib unsigned"},
	{64, "e4 f0", 2, F(I), 0xf0, 0, "IN AL, Ib: unsigned port"},
	{64, "e7 80", 2, F(I), 0x80, 0, "OUT Ib, eAX"},
	{64, "ec", 1, F(DX), 0, 0, "IN AL, DX"},
	{64, "ef", 1, F(DX), 0, 0, "OUT DX, eAX"},
	{64, "c1 e0 ff", 3, F(EI), 0xff, 0, "shift count Ib unsigned"},
	{64, "d1 e0", 2, F(EI), 1, 0, "D1: shift by 1"},
	{64, "d0 c8", 2, F(EI), 1, 0, "D0: rotate by 1"},
	{64, "d3 e0", 2, F(EC), 0, 0, "D3: by CL"},
	{64, "0f ba e0 ff", 4, F(EI), 0xff, 0, "BT Ib unsigned"},
	{64, "0f a3 c3", 3, F(EG), 0, 0, "BT Ev, Gv"},
	{64, "0f a4 c3 04", 4, F(EGI), 4, 0, "SHLD Ib"},
	{64, "0f ad c3", 3, F(EGC), 0, 0, "SHRD CL"},
	{64, "6b c0 ff", 3, F(GEI), UINT64_MAX, 0, "IMUL Ib"},
	{64, "69 c0 78 56 34 12", 6, F(GEI), 0x12345678, 0, "IMUL Iz"},
	{64, "0f af c0", 3, F(GE), 0, 0, "IMUL Gv, Ev"},
	{64, "f7 e8", 2, F(E), 0, 0, "IMUL Ev (one operand)"},
	{64, "e8 fb ff ff ff", 5, F(I), (uint64_t)-5, 0, "CALL rel32"},
	{64, "66 e8 fa ff ff ff", 6, F(I), (uint64_t)-6, 0, "66 CALL: still rel32 (Intel)"},
	{64, "eb fe", 2, F(I), (uint64_t)-2, 0, "JMP rel8"},
	{64, "0f 84 00 01 00 00", 6, F(I), 0x100, 0, "Jcc rel32"},
	{64, "e3 fe", 2, F(I), (uint64_t)-2, 0, "JRCXZ rel8"},
	{64, "e2 fe", 2, F(I), (uint64_t)-2, 0, "LOOP rel8"},
	{64, "c6 f8 01", 3, F(I), 1, 0, "XABORT Ib (NI)"},
	{64, "c7 f8 00 01 00 00", 6, F(I), 0x100, 0, "XBEGIN rel32 (NI)"},
	{32, "68 00 00 00 80", 5, F(I), 0xffffffff80000000, 0, "PUSH Iz"},
	{32, "ea 78 56 34 12 08 00", 7, F(I), 0x12345678, 8, "JMP ptr16:32"},
	{32, "9a 00 00 00 80 10 00", 7, F(I), 0x80000000, 0x10, "CALL ptr16:32 unsigned"},
	{32, "66 9a 34 12 08 00", 6, F(I), 0x1234, 8, "CALL ptr16:16"},
	{32, "66 e8 fc ff", 4, F(I), (uint64_t)-4, 0, "CALL rel16"},
	{32, "d4 0a", 2, F(I), 10, 0, "AAM Ib"},
	{32, "d5 10", 2, F(I), 16, 0, "AAD Ib"},
	{16, "ea f0 ff 00 f0", 5, F(I), 0xfff0, 0xf000, "JMP ptr16:16"},
	{16, "66 ea 78 56 34 12 08 00", 8, F(I), 0x12345678, 8, "JMP ptr16:32"},
	{16, "68 34 12", 3, F(I), 0x1234, 0, "PUSH Iw"},
	{16, "68 00 80", 3, F(I), 0xffffffffffff8000, 0, "PUSH Iw sign-extended"},
	{16, "66 68 78 56 34 12", 6, F(I), 0x12345678, 0, "PUSH Id"},
	{16, "e8 fd ff", 3, F(I), (uint64_t)-3, 0, "CALL rel16"},
	{16, "05 34 12", 3, F(EI), 0x1234, 0, "ADD AX, Iw"},
	{16, "66 05 78 56 34 12", 6, F(EI), 0x12345678, 0, "ADD EAX, Id"},
	{16, "69 c0 34 12", 4, F(GEI), 0x1234, 0, "IMUL Iw"},
	{16, "b8 34 12", 3, F(EI), 0x1234, 0, "MOV AX, Iw"},
};

static void test_imm(void)
{
	for (size_t i = 0; i < sizeof(imm_rows) / sizeof(imm_rows[0]); i++) {
		const struct imm_row *m = &imm_rows[i];
		uint8_t buf[32];
		size_t n = hex(m->hex, buf, sizeof(buf));
		struct insn in;
		int res = insn_decode(&in, buf, n, m->bits);
		bool good = (res == OK || res == NI) && in.len == m->len && in.form == m->form &&
			    in.imm == m->imm && in.imm2 == m->imm2;

		if (!ok(good, "%u-bit %s: %s", m->bits, m->hex, m->what))
			printf("#   got %s len %u form %u imm %#" PRIx64 " imm2 %#x\n",
			       res_name(res), in.len, in.form, in.imm, in.imm2);
	}
}

/* ---- registers: ModRM reg/rm with REX, opcode registers, sreg/CR/DR numbers, cc ---- */

struct reg_row {
	uint8_t bits;
	const char *hex;
	uint8_t form, mod, reg, rm, cc;
	bool rex;
	const char *what;
};

static const struct reg_row reg_rows[] = {
	{64, "01 d8", F(EG), 3, 0x3, 0x0, 0, false, "add eax, ebx"},
	{64, "03 c3", F(GE), 3, 0x0, 0x3, 0, false, "add eax, ebx (GE)"},
	{64, "4d 01 c1", F(EG), 3, 0x8, 0x9, 0, true, "REX.R and REX.B"},
	{64, "44 01 c1", F(EG), 3, 0x8, 0x1, 0, true, "REX.R only"},
	{64, "05 01 00 00 00", F(EI), 3, 0x0, 0x0, 0, false, "accumulator form: rm 0"},
	{64, "41 05 01 00 00 00", F(EI), 3, 0x0, 0x0, 0, true, "accumulator: REX.B ignored"},
	{64, "50", F(E), 3, 0x0, 0x0, 0, false, "push rax"},
	{64, "41 57", F(E), 3, 0x0, 0xf, 0, true, "push r15"},
	{64, "93", F(EG), 3, 0x0, 0x3, 0, false, "xchg ebx, eax"},
	{64, "41 90", F(EG), 3, 0x0, 0x8, 0, true, "xchg r8, rax (not NOP)"},
	{64, "b4 01", F(EI), 3, 0x0, 0x4, 0, false, "mov ah, 1: no REX"},
	{64, "40 b4 01", F(EI), 3, 0x0, 0x4, 0, true, "mov spl, 1: REX present"},
	{64, "41 b4 01", F(EI), 3, 0x0, 0xc, 0, true, "mov r12b, 1"},
	{64, "40 88 e0", F(EG), 3, 0x4, 0x0, 0, true, "mov al, spl"},
	{64, "0f cc", F(E), 3, 0x0, 0x4, 0, false, "bswap esp"},
	{64, "49 0f cc", F(E), 3, 0x0, 0xc, 0, true, "bswap r12"},
	{64, "0f 20 c0", F(E), 3, 0x0, 0x0, 0, false, "mov rax, cr0"},
	{64, "44 0f 20 c0", F(E), 3, 0x8, 0x0, 0, true, "mov rax, cr8"},
	{64, "0f 20 e8", F(E), 3, 0x5, 0x0, 0, false, "mov rax, cr5: executor's #UD"},
	{64, "0f 22 d8", F(E), 3, 0x3, 0x0, 0, false, "mov cr3, rax"},
	{64, "41 0f 22 d8", F(E), 3, 0x3, 0x8, 0, true, "mov cr3, r8"},
	{64, "0f 23 f8", F(E), 3, 0x7, 0x0, 0, false, "mov dr7, rax"},
	{64, "0f 20 00", F(E), 3, 0x0, 0x0, 0, false, "mov cr: mod 0 is a register"},
	{64, "8e d8", F(E), 3, SEG_DS, 0x0, 0, false, "mov ds, ax"},
	{64, "8c e0", F(E), 3, SEG_FS, 0x0, 0, false, "mov eax, fs"},
	{64, "0f a8", F(NONE), 3, SEG_GS, 0x0, 0, false, "push gs"},
	{64, "0f a1", F(NONE), 3, SEG_FS, 0x0, 0, false, "pop fs"},
	{32, "06", F(NONE), 3, SEG_ES, 0x0, 0, false, "push es"},
	{32, "0e", F(NONE), 3, SEG_CS, 0x0, 0, false, "push cs"},
	{32, "17", F(NONE), 3, SEG_SS, 0x0, 0, false, "pop ss"},
	{32, "1e", F(NONE), 3, SEG_DS, 0x0, 0, false, "push ds"},
	{32, "47", F(E), 3, 0x0, 0x7, 0, false, "inc edi"},
	{32, "4a", F(E), 3, 0x0, 0x2, 0, false, "dec edx"},
	{64, "70 00", F(I), 3, 0x0, 0x0, 0x0, false, "jo"},
	{64, "74 00", F(I), 3, 0x0, 0x0, 0x4, false, "je"},
	{64, "7f 00", F(I), 3, 0x0, 0x0, 0xf, false, "jg"},
	{64, "0f 8c 00 00 00 00", F(I), 3, 0x0, 0x0, 0xc, false, "jl rel32"},
	{64, "0f 4f c1", F(GE), 3, 0x0, 0x1, 0xf, false, "cmovg eax, ecx"},
	{64, "0f 42 c1", F(GE), 3, 0x0, 0x1, 0x2, false, "cmovb"},
	{64, "0f 90 c0", F(E), 3, 0x0, 0x0, 0x0, false, "seto al"},
	{64, "0f 95 c3", F(E), 3, 0x0, 0x3, 0x5, false, "setne bl"},
	{64, "df e0", F(E), 3, 0x4, 0x0, 0, false, "fnstsw ax"},
	{64, "41 df e0", F(E), 3, 0x4, 0x0, 0, true, "fnstsw ax: REX.B ignored"},
	{64, "c1 e0 04", F(EI), 3, 0x4, 0x0, 0, false, "shl: /4"},
	{64, "f7 d8", F(E), 3, 0x3, 0x0, 0, false, "neg: /3"},
	{64, "ff d0", F(E), 3, 0x2, 0x0, 0, false, "call rax: /2"},
	{64, "0f 01 f9", F(NONE), 3, 0x7, 0x1, 0, false, "rdtscp: /7 rm 1"},
	{64, "f3 0f c7 f8", F(E), 3, 0x7, 0x0, 0, false, "rdpid rax"},
	{64, "f3 41 0f c7 f8", F(E), 3, 0x7, 0x8, 0, true, "rdpid r8"},
	{64, "0f 01 e0", F(E), 3, 0x4, 0x0, 0, false, "smsw eax"},
	{64, "0f 00 d8", F(E), 3, 0x3, 0x0, 0, false, "ltr ax"},
	{64, "8b 00", F(GE), 0, 0x0, 0x0, 0, false, "mov eax, [rax]: mod 0"},
	{64, "8b 40 00", F(GE), 1, 0x0, 0x0, 0, false, "mod 1"},
	{64, "8b 80 00 00 00 00", F(GE), 2, 0x0, 0x0, 0, false, "mod 2"},
	{64, "a1 00 00 00 00 00 00 00 00", F(GE), 0, 0x0, 0x0, 0, false, "moffs: mod 0"},
};

static void test_regs(void)
{
	for (size_t i = 0; i < sizeof(reg_rows) / sizeof(reg_rows[0]); i++) {
		const struct reg_row *m = &reg_rows[i];
		uint8_t buf[32];
		size_t n = hex(m->hex, buf, sizeof(buf));
		struct insn in;
		int res = insn_decode(&in, buf, n, m->bits);
		bool good = res == OK && in.form == m->form && in.mod == m->mod &&
			    in.reg == m->reg && in.rm == m->rm && in.cc == m->cc &&
			    !!(in.flags & INSN_F_REX) == m->rex;

		if (!ok(good, "%u-bit %s: %s", m->bits, m->hex, m->what))
			printf("#   got %s form %u mod %u reg %u rm %u cc %u rex %d\n",
			       res_name(res), in.form, in.mod, in.reg, in.rm, in.cc,
			       !!(in.flags & INSN_F_REX));
	}
}

/* ---- prefixes: every kind, repeated and reordered; REX placement ---- */

#define LOCK  INSN_F_LOCK
#define PF3   INSN_F_F3
#define PF2   INSN_F_F2
#define REPNZ INSN_F_REPNZ
#define OSZ   INSN_F_OSZ
#define ASZ   INSN_F_ASZ
#define REX   INSN_F_REX
#define DROP  INSN_F_REX_DROPPED
#define NOSEG INSN_SEG_NONE

struct pfx_row {
	uint8_t bits;
	const char *hex;
	uint8_t len;
	const char *mn;
	uint16_t flags; /* LOCK F3 F2 REPNZ OSZ ASZ REX DROP */
	uint8_t rex, segpfx, osz;
	const char *what;
};

static const struct pfx_row pfx_rows[] = {
	{32, "a4", 1, "movs", 0, 0, NOSEG, 1, "no prefix"},
	{32, "f3 a4", 2, "movs", PF3, 0, NOSEG, 1, "REP"},
	{32, "f2 a4", 2, "movs", PF2 | REPNZ, 0, NOSEG, 1, "REPNE"},
	{32, "f3 f2 a6", 3, "cmps", PF3 | PF2 | REPNZ, 0, NOSEG, 1, "F3 F2: F2 last wins"},
	{32, "f2 f3 a6", 3, "cmps", PF3 | PF2, 0, NOSEG, 1, "F2 F3: F3 last wins"},
	{32, "f2 f3 f2 ae", 4, "scas", PF3 | PF2 | REPNZ, 0, NOSEG, 1, "F2 F3 F2"},
	{32, "f3 f3 f3 a5", 4, "movs", PF3, 0, NOSEG, 4, "F3 three times"},
	{32, "66 f3 a5", 3, "movs", OSZ | PF3, 0, NOSEG, 2, "66 F3"},
	{32, "f3 66 a5", 3, "movs", OSZ | PF3, 0, NOSEG, 2, "F3 66"},
	{32, "67 f3 aa", 3, "stos", ASZ | PF3, 0, NOSEG, 1, "67 F3"},
	{32, "66 66 66 01 c0", 5, "add", OSZ, 0, NOSEG, 2, "66 three times"},
	{32, "67 67 8b 00", 4, "mov", ASZ, 0, NOSEG, 4, "67 twice: still 16-bit addressing"},
	{32, "f0 66 2e 67 81 00 34 12", 8, "add", LOCK | OSZ | ASZ, 0, SEG_CS, 2, "four kinds"},
	{32, "2e 67 f0 66 81 00 34 12", 8, "add", LOCK | OSZ | ASZ, 0, SEG_CS, 2, "reordered"},
	{32, "f0 f0 01 00", 4, "add", LOCK, 0, NOSEG, 4, "LOCK twice"},
	{32, "26 01 00", 3, "add", 0, 0, SEG_ES, 4, "ES"},
	{32, "2e 01 00", 3, "add", 0, 0, SEG_CS, 4, "CS"},
	{32, "36 01 00", 3, "add", 0, 0, SEG_SS, 4, "SS"},
	{32, "3e 01 00", 3, "add", 0, 0, SEG_DS, 4, "DS"},
	{32, "64 01 00", 3, "add", 0, 0, SEG_FS, 4, "FS"},
	{32, "65 01 00", 3, "add", 0, 0, SEG_GS, 4, "GS"},
	{32, "26 2e 36 3e 64 65 8b 00", 8, "mov", 0, 0, SEG_GS, 4, "six overrides: last"},
	{32, "65 64 3e 36 2e 26 8b 00", 8, "mov", 0, 0, SEG_ES, 4, "reversed"},
	{32, "2e 90", 2, "nop", 0, 0, SEG_CS, 4, "override on a NOP"},
	{32, "48", 1, "dec", 0, 0, NOSEG, 4, "48 is DEC outside 64-bit mode"},
	{32, "f3 90", 2, "pause", PF3, 0, NOSEG, 4, "F3 90: PAUSE"},
	{64, "48 01 c0", 3, "add", REX, 0x48, NOSEG, 8, "REX.W"},
	{64, "66 48 01 c0", 4, "add", OSZ | REX, 0x48, NOSEG, 8, "REX.W beats 66"},
	{64, "48 66 01 c0", 4, "add", OSZ | DROP, 0, NOSEG, 2, "REX then 66: REX ignored"},
	{64, "48 f3 a5", 3, "movs", PF3 | DROP, 0, NOSEG, 4, "REX then F3: REX ignored"},
	{64, "f3 48 a5", 3, "movs", PF3 | REX, 0x48, NOSEG, 8, "F3 then REX"},
	{64, "4f 2e 01 c0", 4, "add", DROP, 0, SEG_CS, 4, "REX then CS: ignored"},
	{64, "48 67 8b 00", 4, "mov", ASZ | DROP, 0, NOSEG, 4, "REX then 67: ignored"},
	{64, "67 48 8b 00", 4, "mov", ASZ | REX, 0x48, NOSEG, 8, "67 then REX"},
	{64, "48 41 01 c0", 4, "add", REX | DROP, 0x41, NOSEG, 4, "two REX: the last"},
	{64, "41 48 01 c0", 4, "add", REX | DROP, 0x48, NOSEG, 8, "two REX: the last (W)"},
	{64, "40 40 40 90", 4, "nop", REX | DROP, 0x40, NOSEG, 4, "REX x3"},
	{64, "48 f0 0f c7 0f", 5, "cmpxchg8b", LOCK | DROP, 0, NOSEG, 4, "REX then LOCK"},
	{64, "f0 48 0f c7 0f", 5, "cmpxchg16b", LOCK | REX, 0x48, NOSEG, 8, "LOCK then REX"},
	{64, "66 66 48 90", 4, "nop", OSZ | REX, 0x48, NOSEG, 8, "66 66 REX.W NOP"},
	{64, "40 88 e0", 3, "mov", REX, 0x40, NOSEG, 1, "empty REX"},
	{64, "88 e0", 2, "mov", 0, 0, NOSEG, 1, "no REX"},
	{64, "48 0f b6 c0", 4, "movzx", REX, 0x48, NOSEG, 8, "REX before 0F"},
	{64, "f2 f3 48 a5", 4, "movs", PF2 | PF3 | REX, 0x48, NOSEG, 8, "F2 F3 REX"},
	{64, "f3 90", 2, "pause", PF3, 0, NOSEG, 4, "PAUSE"},
	{64, "f2 90", 2, "nop", PF2 | REPNZ, 0, NOSEG, 4, "F2 90 is a NOP"},
	{64, "f2 f3 90", 3, "pause", PF2 | PF3, 0, NOSEG, 4, "F3 last: PAUSE"},
	{64, "f3 f2 90", 3, "nop", PF2 | PF3 | REPNZ, 0, NOSEG, 4, "F2 last: NOP"},
	{64, "f3 41 90", 3, "xchg", PF3 | REX, 0x41, NOSEG, 4, "F3 REX.B 90: XCHG r8"},
	{64, "49 90", 2, "xchg", REX, 0x49, NOSEG, 8, "REX.WB 90: XCHG r8, rax"},
	{64, "f3 0f bc c0", 4, "tzcnt", PF3, 0, NOSEG, 4, "F3 0F BC: TZCNT"},
	{64, "f2 0f bc c0", 4, "bsf", PF2 | REPNZ, 0, NOSEG, 4, "F2 0F BC: BSF"},
	{64, "f2 f3 0f bc c0", 5, "tzcnt", PF2 | PF3, 0, NOSEG, 4, "F3 last: TZCNT"},
	{64, "f3 f2 0f bd c0", 5, "bsr", PF2 | PF3 | REPNZ, 0, NOSEG, 4, "F2 last: BSR"},
	{64, "66 f3 0f b8 c0", 5, "popcnt", OSZ | PF3, 0, NOSEG, 2, "66 F3 POPCNT"},
	{64, "f3 48 0f b8 c0", 5, "popcnt", PF3 | REX, 0x48, NOSEG, 8, "F3 REX.W POPCNT"},
	{64, "2e 64 01 00", 4, "add", 0, 0, SEG_FS, 4, "64-bit: FS"},
	{64, "64 2e 01 00", 4, "add", 0, 0, SEG_CS, 4, "64-bit: CS recorded (ignored)"},
	{16, "66 67 f3 a5", 4, "movs", OSZ | ASZ | PF3, 0, NOSEG, 4, "16-bit: 66 67"},
};

static void test_prefixes(void)
{
	const uint16_t mask = LOCK | PF3 | PF2 | REPNZ | OSZ | ASZ | REX | DROP;

	for (size_t i = 0; i < sizeof(pfx_rows) / sizeof(pfx_rows[0]); i++) {
		const struct pfx_row *m = &pfx_rows[i];
		uint8_t buf[32];
		size_t n = hex(m->hex, buf, sizeof(buf));
		struct insn in;
		int res = insn_decode(&in, buf, n, m->bits);
		bool good = res == OK && in.len == m->len && !strcmp(insn_mnemonic(in.op), m->mn) &&
			    (in.flags & mask) == m->flags && in.rex == m->rex &&
			    in.segpfx == m->segpfx && in.osz == m->osz;

		if (!ok(good, "%u-bit %s: %s", m->bits, m->hex, m->what))
			printf("#   got %s len %u %s flags %#x rex %#x segpfx %u osz %u\n",
			       res_name(res), in.len, insn_mnemonic(in.op), in.flags & mask, in.rex,
			       in.segpfx, in.osz);
	}
}

/* ---- the 15-byte limit (SDM Vol. 2 §2.3.11) ---- */

/* Decode `npfx` prefixes (cycling through `pfx`) followed by `tail`. */
static int with_prefixes(unsigned bits, const uint8_t *pfx, size_t npfx_kinds, unsigned npfx,
			 const char *tail, size_t avail, struct insn *in)
{
	uint8_t buf[48];
	size_t n;

	for (unsigned i = 0; i < npfx; i++)
		buf[i] = pfx[i % npfx_kinds];
	n = npfx + hex(tail, buf + npfx, sizeof(buf) - npfx);
	memset(buf + n, 0x90, sizeof(buf) - n);
	return insn_decode(in, buf, avail ? avail : n, bits);
}

static void test_limit(void)
{
	static const uint8_t legacy[] = {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x67, 0x66};
	static const uint8_t rex[] = {0x40};
	static const unsigned modes[] = {16, 32, 64};
	struct insn in;
	int res;

	for (unsigned m = 0; m < 3; m++) {
		unsigned bits = modes[m], bad = 0;

		for (unsigned n = 0; n <= 16; n++) {
			res = with_prefixes(bits, legacy, sizeof(legacy), n, "90", 0, &in);
			if (n <= 14 ? res != OK || in.len != n + 1 : res != GP)
				bad++;
		}
		ok(!bad, "%u-bit: 0-14 prefixes + NOP decode (len n+1); 15 and 16 give #GP", bits);
		res = with_prefixes(bits, legacy, sizeof(legacy), 14, "90", 15, &in);
		ok(res == OK && in.len == 15, "%u-bit: 14 prefixes + opcode, avail 15: OK", bits);
		res = with_prefixes(bits, legacy, sizeof(legacy), 15, "90", 15, &in);
		ok(res == GP, "%u-bit: 15 prefixes, avail 15: #GP (no room for an opcode)", bits);
		res = with_prefixes(bits, legacy, sizeof(legacy), 14, "", 14, &in);
		ok(res == MORE, "%u-bit: 14 prefixes, avail 14: need more", bits);
		res = with_prefixes(bits, legacy, sizeof(legacy), 15, "90", 16, &in);
		is_u64(res, GP, "%u-bit: 15 prefixes + opcode: #GP", bits);
	}
	res = with_prefixes(64, rex, 1, 14, "90", 0, &in);
	ok(res == OK && in.len == 15, "64-bit: 14 REX + NOP: 15 bytes, OK");
	res = with_prefixes(64, rex, 1, 15, "90", 0, &in);
	is_u64(res, GP, "64-bit: 15 REX + NOP: #GP");
	/* The limit counts ModRM, SIB, displacement and immediate bytes too. */
	res = with_prefixes(64, legacy, 6, 8, "8b 84 98 78 56 34 12", 0, &in);
	ok(res == OK && in.len == 15, "8 prefixes + 7-byte MOV [base+index*4+disp32]: 15, OK");
	res = with_prefixes(64, legacy, 6, 9, "8b 84 98 78 56 34 12", 0, &in);
	is_u64(res, GP, "9 prefixes + the same MOV: 16 bytes, #GP in the displacement");
	res = with_prefixes(64, legacy, 7, 5, "48 b8 88 77 66 55 44 33 22 11", 0, &in);
	ok(res == OK && in.len == 15, "5 prefixes + MOV r64, imm64: 15, OK");
	res = with_prefixes(64, legacy, 7, 6, "48 b8 88 77 66 55 44 33 22 11", 0, &in);
	is_u64(res, GP, "6 prefixes + MOV r64, imm64: 16, #GP in the immediate");
	res = with_prefixes(32, legacy, 6, 3, "f0 81 84 98 78 56 34 12 01 00 00 00", 0, &in);
	ok(res == OK && in.len == 15, "LOCK ADD [sib+disp32], imm32 with 3 prefixes: 15, OK");
	res = with_prefixes(32, legacy, 6, 4, "f0 81 84 98 78 56 34 12 01 00 00 00", 0, &in);
	is_u64(res, GP, "... with 4 prefixes: 16, #GP");
	res = with_prefixes(64, legacy, 8, 7, "2e 0f 1f 84 00 00 00 00 00", 0, &in);
	is_u64(res, GP, "7 x 66 + CS NOPW [rax+rax+disp32]: 16 bytes, #GP");
	res = with_prefixes(64, legacy, 6, 10, "48 c7 c0 01 00 00 00", 20, &in);
	is_u64(res, GP, "10 prefixes + 7-byte MOV: #GP although 20 bytes are available");
	res = with_prefixes(64, legacy, 6, 12, "8b 84", 14, &in);
	is_u64(res, GP, "#GP wins over need-more once the length is known to pass 15");
}

/* ---- truncated input ---- */

struct short_row {
	uint8_t bits;
	const char *hex;
	const char *what;
};

static const struct short_row short_rows[] = {
	{64, "", "nothing"},
	{64, "66", "a prefix"},
	{64, "48", "a REX"},
	{64, "f0 48", "LOCK REX"},
	{64, "0f", "the 0F escape"},
	{64, "0f 38", "the 0F 38 escape"},
	{64, "0f 3a 0f c1", "0F 3A without its Ib"},
	{64, "8b", "a ModRM"},
	{64, "8b 84", "a SIB"},
	{64, "8b 84 24 00", "3 bytes of disp32"},
	{64, "8b 05 00 00", "a RIP-relative disp32"},
	{64, "e8 00 00", "a rel32"},
	{64, "c8 00 00", "ENTER's Ib"},
	{64, "48 b8 00 00 00 00 00 00 00", "1 byte of an imm64"},
	{64, "a1 00 00 00 00", "moffs64"},
	{64, "f7 00", "F7 /0's Iz"},
	{64, "0f 01", "the 0F 01 ModRM"},
	{32, "ea 00 00 00 00 08", "the far pointer's selector"},
	{32, "9a 00 00 00 00", "the far pointer"},
	{32, "c4", "LES/VEX ModRM"},
	{16, "8b 06 00", "a disp16"},
	{16, "8b 86", "a disp16 after [bp]"},
	{16, "66 68 00 00", "PUSH Id"},
	{16, "ea 00 00 00", "ptr16:16"},
	{16, "dd", "an x87 ModRM"},
};

static void test_short(void)
{
	for (size_t i = 0; i < sizeof(short_rows) / sizeof(short_rows[0]); i++) {
		const struct short_row *m = &short_rows[i];
		uint8_t buf[32];
		size_t n = hex(m->hex, buf, sizeof(buf));
		struct insn in;
		int res = insn_decode(&in, buf, n, m->bits);

		if (!ok(res == MORE && in.len <= n, "%u-bit \"%s\": %s missing: need more", m->bits,
			m->hex, m->what))
			printf("#   got %s len %u\n", res_name(res), in.len);
	}
}

/* ---- every opcode, every mode: no crash, sane result, len within limits ---- */

static void test_sweep(void)
{
	static const unsigned modes[] = {16, 32, 64};

	for (unsigned m = 0; m < 3; m++)
		for (unsigned map = 0; map < 4; map++) {
			unsigned bad = 0, ok_count = 0;

			for (unsigned op = 0; op < 256; op++)
				for (unsigned modrm = 0; modrm < 256; modrm += 7) {
					static const uint8_t esc[4][2] = {
						{0}, {0x0f}, {0x0f, 0x38}, {0x0f, 0x3a}};
					uint8_t buf[24];
					struct insn in;
					size_t k = map ? (map == 1 ? 1 : 2) : 0;
					int res;

					memcpy(buf, esc[map], k);
					buf[k] = (uint8_t)op;
					buf[k + 1] = (uint8_t)modrm;
					memset(buf + k + 2, 0x24, sizeof(buf) - k - 2);
					res = insn_decode(&in, buf, sizeof(buf), modes[m]);
					if (res < OK || res > GP || in.len > INSN_MAX_LEN ||
					    in.op >= OP_COUNT || (res == OK && in.len < k + 1))
						bad++;
					ok_count += res == OK;
				}
			ok(!bad,
			   "%u-bit map %u: every opcode x 37 ModRM bytes decodes sanely (%u OK)",
			   modes[m], map, ok_count);
		}
}

static void test_names(void)
{
	unsigned bad = 0;

	for (unsigned op = 0; op < OP_COUNT; op++)
		if (!insn_mnemonic(op) || !insn_mnemonic(op)[0])
			bad++;
	ok(!bad, "every operation has a mnemonic");
	ok(!strcmp(insn_mnemonic(OP_COUNT), "(bad)") && !strcmp(insn_mnemonic(~0u), "(bad)"),
	   "out-of-range operations are \"(bad)\"");
	ok(sizeof(struct insn) <= 40, "struct insn is %zu bytes (<= 40: cacheable per page)",
	   sizeof(struct insn));
}

int main(void)
{
	test_rows();
	test_truncation();
	test_mem();
	test_imm();
	test_regs();
	test_prefixes();
	test_limit();
	test_short();
	test_sweep();
	test_names();
	return tap_done();
}
