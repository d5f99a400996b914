/* SPDX-License-Identifier: MIT */
/*
 * iret: returning with IRET, which the rest of the runtime avoids (guest.h):
 *   - a 64-bit IRETQ to the same privilege level pops RIP, CS, RFLAGS, RSP
 *     and SS;
 *   - a 32-bit IRET to the same privilege level pops EIP, CS and EFLAGS;
 *   - a #UD handler that returns with IRET resumes the interrupted code.
 * (Real-mode IRET is in modes.S.) A host whose KVM cannot emulate a 32-bit
 * protected-mode IRET (kvm_pvm) stops the run at the first one, so those
 * come last.
 */
#include "guest.h"

#define EFLAGS_CF 1

	.data
	.balign 8
saved_gate:	.long 0, 0
ud_count:	.long 0
iretq_rip_ok:	.long 0
iretq_rsp:	.quad 0
iretq_rsp_after: .quad 0

	TEXT64
iretq_test:
	movl %esp, %esp
	movq %rsp, %rax
	movq %rax, iretq_rsp(%rip)
	pushq $SEL_DATA32 /* SS */
	pushq %rax        /* RSP */
	pushfq
	orq $EFLAGS_CF, (%rsp)
	pushq $SEL_CODE64
	leaq 1f(%rip), %rax
	pushq %rax
	clc
	iretq
1:	jnc 2f
	movl $1, iretq_rip_ok(%rip)
2:	movq %rsp, iretq_rsp_after(%rip)
	pushq $SEL_CODE32
	movl $iretq_back, %eax
	pushq %rax
	lretq

	TEXT32
/* #UD handler for the second test: skip the 2-byte UD2, return with IRET. */
ud_iret_handler:
	incl ud_count
	addl $2, (%esp)
	iret

	.globl guest_main
guest_main:
	PRINTLN "iret: IRET and IRETQ to the same privilege level"

	/* 64-bit IRETQ. */
	call long_mode_enter
	ljmp $SEL_CODE64, $iretq_test
iretq_back:
	call long_mode_leave
	EXPECT_EQ iretq_rip_ok, $1, "64-bit IRETQ: RIP and RFLAGS popped (CF=1)"
	EXPECT_EQ64 iretq_rsp_after + 4, iretq_rsp_after, iretq_rsp + 4, iretq_rsp, "64-bit IRETQ: RSP popped"

	/* 32-bit IRET: a frame with CF set in EFLAGS, returning just below. */
	movl %esp, %ebx
	pushfl
	orl $EFLAGS_CF, (%esp)
	pushl $SEL_CODE32
	pushl $1f
	clc
	iret
1:	setc %al
	movzbl %al, %eax
	EXPECT_EQ %eax, $1, "32-bit IRET: EFLAGS popped (CF=1)"
	movl %esp, %eax
	EXPECT_EQ %eax, %ebx, "32-bit IRET: ESP back where it was (3 dwords popped)"

	/* An exception handler that returns with IRET. */
	movl idt32 + VEC_UD * 8, %eax
	movl %eax, saved_gate
	movl idt32 + VEC_UD * 8 + 4, %eax
	movl %eax, saved_gate + 4
	movl $ud_iret_handler, %eax
	movl %eax, %edx
	andl $0xffff, %eax
	orl $(SEL_CODE32 << 16), %eax
	movl %eax, idt32 + VEC_UD * 8
	andl $0xffff0000, %edx
	orl $0x8e00, %edx
	movl %edx, idt32 + VEC_UD * 8 + 4
	ud2
	movl saved_gate, %eax
	movl %eax, idt32 + VEC_UD * 8
	movl saved_gate + 4, %eax
	movl %eax, idt32 + VEC_UD * 8 + 4
	EXPECT_EQ ud_count, $1, "#UD handler returning with IRET resumes after the UD2"

	ret
