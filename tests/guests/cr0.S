/* SPDX-License-Identifier: MIT */
/*
 * cr0: control-register rules from 32-bit protected mode, spec/cr.md sections
 * 1-4 and 14:
 *   - CR0.ET reads as 1 and cannot be cleared;
 *   - MOV CR0 with PG=1 and PE=0 is #GP(0); with NW=1 and CD=0 is #GP(0);
 *     CR0 is unchanged after each fault;
 *   - CD=1 alone and CD=1 with NW=1 are accepted (then restored);
 *   - an undefined CR0 bit (bit 6) is ignored: no fault, reads back 0;
 *   - LMSW can set PE but never clear it, and only touches bits 3:0;
 *     CLTS clears TS; SMSW returns the low bits of CR0;
 *   - EFER.LME=1 with CR4.PAE=0 and then CR0.PG=1 is #GP(0);
 *   - MOV CR4 with a reserved bit (bit 15) is #GP(0), CR4 unchanged;
 *     CR4.PCIDE outside long mode is #GP(0).
 */
#include "guest.h"

#define CR4_PCIDE (1 << 17)

/* MOV CR0 of EAX must #GP(0) and leave CR0 = EBX. */
.macro CR0_GP name:req
	TRY movl %eax, %cr0
	EXPECT_GP "\name: #GP(0)"
	movl %cr0, %eax
	EXPECT_EQ %eax, %ebx, "\name: CR0 unchanged"
.endm

	TEXT32
	.globl guest_main
guest_main:
	movl %cr0, %ebx
	PRINT "CR0 = "
	PUTHEX %ebx
	PRINTLN ""
	testl $CR0_ET, %ebx
	CHECK nz, "CR0.ET reads as 1"
	movl %ebx, %eax
	andl $(CR0_PE | CR0_PG), %eax
	EXPECT_EQ %eax, $CR0_PE, "CR0.PE=1, CR0.PG=0 (protected mode, paging off)"

	/* ET is forced to 1 on write (cr.md 2.5). */
	movl %ebx, %eax
	andl $~CR0_ET, %eax
	TRY movl %eax, %cr0
	EXPECT_NOEXC "MOV CR0 with ET=0: no fault"
	movl %cr0, %eax
	EXPECT_EQ %eax, %ebx, "MOV CR0 with ET=0: ET still reads 1"

	/* CD alone, then CD|NW: both legal. */
	movl %ebx, %eax
	orl $CR0_CD, %eax
	TRY movl %eax, %cr0
	EXPECT_NOEXC "MOV CR0 with CD=1, NW=0: no fault"
	movl %cr0, %eax
	andl $(CR0_CD | CR0_NW), %eax
	EXPECT_EQ %eax, $CR0_CD, "MOV CR0 with CD=1, NW=0: reads back CD=1"
	movl %ebx, %eax
	orl $(CR0_CD | CR0_NW), %eax
	TRY movl %eax, %cr0
	EXPECT_NOEXC "MOV CR0 with CD=1, NW=1: no fault"
	movl %cr0, %eax
	andl $(CR0_CD | CR0_NW), %eax
	EXPECT_EQ %eax, $(CR0_CD | CR0_NW), "MOV CR0 with CD=1, NW=1: reads back CD=NW=1"
	movl %ebx, %eax
	movl %eax, %cr0
	movl %cr0, %eax
	EXPECT_EQ %eax, %ebx, "CR0 restored after CD/NW"

	/* An undefined bit is ignored (cr.md 2.5, 14.4). */
	movl %ebx, %eax
	orl $(1 << 6), %eax
	TRY movl %eax, %cr0
	EXPECT_NOEXC "MOV CR0 with undefined bit 6: no fault"
	movl %cr0, %eax
	EXPECT_EQ %eax, %ebx, "MOV CR0 with undefined bit 6: the bit reads back 0"
	movl %ebx, %cr0

	/* LMSW, CLTS, SMSW (cr.md 3). */
	movw $(CR0_MP | CR0_EM | CR0_TS), %ax /* PE=0 in the operand */
	lmsw %ax
	movl %cr0, %eax
	andl $0xf, %eax
	EXPECT_EQ %eax, $(CR0_PE | CR0_MP | CR0_EM | CR0_TS), "LMSW 0xE: sets MP/EM/TS and cannot clear PE"
	clts
	movl %cr0, %eax
	andl $0xf, %eax
	EXPECT_EQ %eax, $(CR0_PE | CR0_MP | CR0_EM), "CLTS clears TS only"
	movw $0xfff0, %ax
	lmsw %ax
	movl %cr0, %eax
	EXPECT_EQ %eax, %ebx, "LMSW 0xFFF0: clears MP/EM/TS, ignores bits 15:4, keeps PE"
	movl $0xffffffff, %eax
	smsw %eax
	movzwl %ax, %eax
	movl %ebx, %ecx
	andl $0xffff, %ecx
	EXPECT_EQ %eax, %ecx, "SMSW returns CR0[15:0]"
	movl %ebx, %cr0

	/* CR4 (cr.md 4, 14.8). */
	movl %cr4, %edi
	PRINT "CR4 = "
	PUTHEX %edi
	PRINTLN ""
	movl %edi, %eax
	orl $(1 << 15), %eax
	TRY movl %eax, %cr4
	EXPECT_GP "MOV CR4 with reserved bit 15: #GP(0)"
	movl %cr4, %eax
	EXPECT_EQ %eax, %edi, "MOV CR4 with reserved bit 15: CR4 unchanged"
	movl %edi, %eax
	orl $CR4_PCIDE, %eax
	TRY movl %eax, %cr4
	EXPECT_GP "MOV CR4 with PCIDE=1 outside long mode: #GP(0)"
	movl %cr4, %eax
	EXPECT_EQ %eax, %edi, "MOV CR4 with PCIDE=1 outside long mode: CR4 unchanged"

	/* NW without CD (cr.md 2.2). */
	movl %ebx, %eax
	orl $CR0_NW, %eax
	andl $~CR0_CD, %eax
	CR0_GP "MOV CR0 with NW=1, CD=0"

	/*
	 * PG without PE (cr.md 2.3). This and the next one leave a VMM that
	 * wrongly accepts them with paging on and no usable page tables, so
	 * they come last.
	 */
	movl %ebx, %eax
	orl $CR0_PG, %eax
	andl $~CR0_PE, %eax
	CR0_GP "MOV CR0 with PG=1, PE=0"

	/* Long-mode activation needs CR4.PAE (cr.md 2.6). */
	movl $pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	movl %eax, %esi
	orl $EFER_LME, %eax
	wrmsr
	movl %ebx, %eax
	orl $CR0_PG, %eax
	CR0_GP "MOV CR0 with PG=1, EFER.LME=1, CR4.PAE=0"
	movl $MSR_EFER, %ecx
	rdmsr
	andl $(EFER_LME | EFER_LMA), %eax
	EXPECT_EQ %eax, $EFER_LME, "after the refused PG=1: EFER.LMA=0"
	movl %esi, %eax
	xorl %edx, %edx
	wrmsr

	ret
