/* SPDX-License-Identifier: MIT */
/*
 * modes: the round trip through every x86 operating mode and back:
 *
 *   32-bit protected (multiboot entry)
 *   -> 16-bit protected   far jump to a 16-bit code segment (D=0)
 *   -> real mode          clear CR0.PE, far jump to a real-mode CS
 *                         (prints a line with OUT, segment arithmetic,
 *                          INT 0x30 through the IVT, a 16-bit MUL)
 *   -> 16-bit protected   set CR0.PE, far jump to the 16-bit code segment
 *   -> 32-bit protected   far jump to the 32-bit code segment
 *   -> long mode          CR4.PAE, CR3, EFER.LME, CR0.PG: EFER.LMA=1
 *                         (compatibility mode), far jump to a 64-bit CS,
 *                         64-bit arithmetic, RIP-relative addressing, and
 *                         clearing CR0.PG in 64-bit mode is #GP(0)
 *   -> compatibility      far return to the 32-bit CS, EFER.LMA still 1
 *   -> 32-bit protected   clear CR0.PG (LMA=0), clear EFER.LME, CR4.PAE
 *
 * Code below 1 MiB: the 16-bit steps run from a copy at LOW_BASE (guest.h).
 * Paging is only ever enabled together with EFER.LME (spec/cr.md 2.6-2.8).
 * Each step leaves a record; the checks run from 32-bit code.
 */
#include "guest.h"

#define RM_SEG_TEST_SEG 0x0500 /* 0500:0100 and 0510:0000 are both 0x5100 */
#define RM_INT_VECTOR 0x30
#define RM_INT_MAGIC 0x4b1d

/* ------------------------------------------------------------ 16-bit code */

	LOWTEXT
	.balign 4
r_pm16_cr0:	.long 0
r_pm16_cs:	.word 0
r_pm16_call:	.word 0 /* bytes pushed by a near CALL */
r_rm_cr0:	.long 0xffffffff
r_rm_cs:	.word 0xffff
r_rm_mul:	.long 0
r_rm_seg:	.word 0
r_rm_int:	.word 0
r_pm16b_cr0:	.long 0
r_pm16b_cs:	.word 0

/* Entered from 32-bit code by a far jump to SEL_CODE16 (base 0, D=0). */
pm16_entry:
	movw $SEL_DATA16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $RM_STACK_TOP, %esp
	movl %cr0, %eax
	movl %eax, LOW(r_pm16_cr0)
	movw %cs, LOW(r_pm16_cs)
	/* A near CALL pushes 2 bytes with a 16-bit default operand size. */
	movw %sp, %bx
	call 1f
1:	movw %sp, %cx
	subw %cx, %bx
	movw %bx, LOW(r_pm16_call)
	addw %bx, %sp

	/* Protected -> real: clear PE, then reload CS with a real-mode value. */
	movl %cr0, %eax
	andl $~CR0_PE, %eax
	movl %eax, %cr0
	ljmp $0, $LOW(rm_entry)

rm_entry:
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movw $RM_STACK_TOP, %sp
	lidt LOW(rm_idt_ptr)
	RM_PRINTLN "modes: hello from real mode (16-bit code at 0x8000, printed with OUT to COM1)"
	movl %cr0, %eax
	movl %eax, LOW(r_rm_cr0)
	movw %cs, LOW(r_rm_cs)

	/* Something to compute: 1234 * 5678 = 7006652 = 0x006ae9bc in DX:AX. */
	movw $1234, %ax
	movw $5678, %bx
	mulw %bx
	movw %ax, LOW(r_rm_mul)
	movw %dx, LOW(r_rm_mul) + 2

	/* Segment base = selector * 16: write at 0500:0100, read at 0510:0000. */
	movw $RM_SEG_TEST_SEG, %ax
	movw %ax, %es
	movw $0xbeef, %es:0x0100
	movw $(RM_SEG_TEST_SEG + 0x10), %ax
	movw %ax, %fs
	movw %fs:0x0000, %ax
	movw %ax, LOW(r_rm_seg)

	/* A software interrupt through the IVT (vector 0x30 -> rm_int30). */
	int $RM_INT_VECTOR

	/* Real -> protected: set PE, far jump to the 16-bit code segment. */
	cli
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmp $SEL_CODE16, $LOW(pm16b_entry)

pm16b_entry:
	movw $SEL_DATA16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr0, %eax
	movl %eax, LOW(r_pm16b_cr0)
	movw %cs, LOW(r_pm16b_cs)
	/* 16-bit -> 32-bit protected: a far jump with a 32-bit offset. */
	ljmpl $SEL_CODE32, $pm32_back

rm_int30:
	movw $RM_INT_MAGIC, LOW(r_rm_int)
	iret

/* ------------------------------------------------------------ 64-bit code */

	.data
	.balign 8
saved_esp:	.long 0
r64_val:	.quad 0
r64_carry:	.quad 0
r64_push:	.quad 0
r64_riprel:	.quad 0
r64_cr0_after:	.quad 0

	TEXT64
lm64:
	movl %esp, %esp /* zero RSP[63:32]: undefined after the mode switch */
	PRINTLN64 "modes: hello from 64-bit mode"
	movabsq $0x123456789abcdef0, %rax
	movq %rax, r64_val(%rip)
	movl $0xffffffff, %ecx /* zero-extends into RCX */
	incq %rcx
	movq %rcx, r64_carry(%rip)
	movq %rsp, %rdx
	pushq %rax
	subq %rsp, %rdx
	popq %rax
	movq %rdx, r64_push(%rip)
	leaq lm64(%rip), %rax
	movq %rax, r64_riprel(%rip)

	/* Clearing CR0.PG in 64-bit mode (CS.L=1) is #GP(0) (cr.md 2.8). */
	movq %cr0, %rax
	btrq $31, %rax
	TRY64 movq %rax, %cr0 /* checked by EXPECT_GP in compat32 */
	movq %cr0, %rax
	movq %rax, r64_cr0_after(%rip)

	/* 64-bit -> compatibility mode: far return to the 32-bit code segment. */
	pushq $SEL_CODE32
	movl $compat32, %eax
	pushq %rax
	lretq

/* ------------------------------------------------------------ 32-bit code */

	TEXT32
	.globl guest_main
guest_main:
	PRINTLN "modes: 32-bit protected mode (the multiboot entry)"
	movl %cr0, %eax
	andl $(CR0_PE | CR0_PG), %eax
	EXPECT_EQ %eax, $CR0_PE, "32-bit protected mode: CR0.PE=1, PG=0"
	xorl %eax, %eax
	movw %cs, %ax
	EXPECT_EQ %eax, $SEL_CODE32, "32-bit protected mode: CS=0x08 (our GDT)"

	call lowtext_install
	movl $LOW(rm_int30), RM_IVT_BASE + RM_INT_VECTOR * 4 /* 0000:rm_int30 */
	movl %esp, saved_esp
	ljmp $SEL_CODE16, $LOW(pm16_entry)

pm32_back:
	movl $SEL_DATA32, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl saved_esp, %esp
	lidt idt32_ptr
	PRINTLN "modes: back in 32-bit protected mode; what the 16-bit code saw:"

	movl LOW(r_pm16_cr0), %eax
	andl $(CR0_PE | CR0_PG), %eax
	EXPECT_EQ %eax, $CR0_PE, "16-bit protected mode: CR0.PE=1"
	movzwl LOW(r_pm16_cs), %eax
	EXPECT_EQ %eax, $SEL_CODE16, "16-bit protected mode: CS=0x18"
	movzwl LOW(r_pm16_call), %eax
	EXPECT_EQ %eax, $2, "16-bit protected mode: near CALL pushes 2 bytes (D=0)"
	movl LOW(r_rm_cr0), %eax
	andl $(CR0_PE | CR0_PG), %eax
	EXPECT_EQ %eax, $0, "real mode: CR0.PE=0"
	movzwl LOW(r_rm_cs), %eax
	EXPECT_EQ %eax, $0, "real mode: CS=0x0000"
	EXPECT_EQ LOW(r_rm_mul), $7006652, "real mode: MUL 1234 * 5678 = 7006652 in DX:AX"
	movzwl LOW(r_rm_seg), %eax
	EXPECT_EQ %eax, $0xbeef, "real mode: 0500:0100 and 0510:0000 are the same byte (base = selector * 16)"
	movzwl 0x5100, %eax
	EXPECT_EQ %eax, $0xbeef, "real mode: the write landed at linear 0x5100"
	movzwl LOW(r_rm_int), %eax
	EXPECT_EQ %eax, $RM_INT_MAGIC, "real mode: INT 0x30 through the IVT ran the handler and IRET returned"
	movl LOW(r_pm16b_cr0), %eax
	andl $(CR0_PE | CR0_PG), %eax
	EXPECT_EQ %eax, $CR0_PE, "real -> 16-bit protected mode: CR0.PE=1"
	movzwl LOW(r_pm16b_cs), %eax
	EXPECT_EQ %eax, $SEL_CODE16, "real -> 16-bit protected mode: CS=0x18"
	PASS "16-bit -> 32-bit protected mode: far jump to CS=0x08 arrived"

	/*
	 * Long mode, step by step (SDM vol. 3A, "Initializing IA-32e Mode"):
	 * PAE, page tables, LME, then PG.
	 */
	PRINTLN "modes: entering long mode: CR4.PAE=1, CR3=identity map, EFER.LME=1, CR0.PG=1"
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	rdmsr
	andl $(EFER_LME | EFER_LMA), %eax
	EXPECT_EQ %eax, $EFER_LME, "EFER.LME=1 with paging off: LMA=0"
	lidt idt64_ptr
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0
	movl $MSR_EFER, %ecx
	rdmsr
	andl $(EFER_LME | EFER_LMA), %eax
	EXPECT_EQ %eax, $(EFER_LME | EFER_LMA), "CR0.PG=1 with EFER.LME=1: EFER.LMA=1 (compatibility mode)"
	ljmp $SEL_CODE64, $lm64

compat32:
	/* The TRY64 results are still in exc_* and try_ip: no TRY since. */
	PRINTLN "modes: back from 64-bit mode in compatibility mode"
	EXPECT_EQ64 r64_val + 4, r64_val, $0x12345678, $0x9abcdef0, "64-bit mode: MOVABS of 0x123456789abcdef0"
	EXPECT_EQ64 r64_carry + 4, r64_carry, $1, $0, "64-bit mode: 0xffffffff + 1 carries into bit 32"
	EXPECT_EQ64 r64_push + 4, r64_push, $0, $8, "64-bit mode: PUSH is 8 bytes"
	EXPECT_EQ64 r64_riprel + 4, r64_riprel, $0, $lm64, "64-bit mode: RIP-relative LEA"
	EXPECT_GP "64-bit mode: clearing CR0.PG is #GP(0), RIP on the MOV CR0"
	movl r64_cr0_after, %eax
	andl $CR0_PG, %eax
	EXPECT_EQ %eax, $CR0_PG, "64-bit mode: CR0.PG still 1 after the #GP"
	xorl %eax, %eax
	movw %cs, %ax
	EXPECT_EQ %eax, $SEL_CODE32, "compatibility mode: CS=0x08"
	movl $MSR_EFER, %ecx
	rdmsr
	andl $EFER_LMA, %eax
	EXPECT_EQ %eax, $EFER_LMA, "compatibility mode: EFER.LMA still 1"

	/* Leave long mode: PG off in compatibility mode is allowed (cr.md 2.8). */
	movl %cr0, %eax
	andl $~CR0_PG, %eax
	movl %eax, %cr0
	lidt idt32_ptr
	movl $MSR_EFER, %ecx
	rdmsr
	andl $(EFER_LME | EFER_LMA), %eax
	EXPECT_EQ %eax, $EFER_LME, "CR0.PG=0 from compatibility mode: EFER.LMA=0, LME still 1"
	rdmsr
	andl $~EFER_LME, %eax
	wrmsr
	rdmsr
	andl $(EFER_LME | EFER_LMA), %eax
	EXPECT_EQ %eax, $0, "EFER.LME cleared"
	movl %cr4, %eax
	andl $~CR4_PAE, %eax
	movl %eax, %cr4
	movl %cr0, %eax
	andl $(CR0_PE | CR0_PG), %eax
	EXPECT_EQ %eax, $CR0_PE, "back in 32-bit protected mode: CR0.PE=1, PG=0"
	PRINTLN "modes: round trip complete"
	ret
