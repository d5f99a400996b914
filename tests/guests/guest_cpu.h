/* SPDX-License-Identifier: MIT */
/*
 * guest_cpu.h: descriptor tables, exception handling, page tables and the
 * low-memory trampoline of the guest runtime. Included once, by guest.h; see
 * there for the interface.
 */
#ifndef VX86_GUEST_CPU_H
#define VX86_GUEST_CPU_H

/* ------------------------------------------------------------------- tables */

	.data
	.balign 8
/*
 * Flat GDT. Access bytes are preset to "accessed" so loading a selector never
 * has to write the descriptor.
 */
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff /* 0x08: 32-bit code, base 0, 4 GiB */
	.quad 0x00cf93000000ffff /* 0x10: 32-bit data, base 0, 4 GiB */
	.quad 0x00009b000000ffff /* 0x18: 16-bit code, base 0, 64 KiB */
	.quad 0x000093000000ffff /* 0x20: 16-bit data, base 0, 64 KiB */
	.quad 0x00af9b000000ffff /* 0x28: 64-bit code (L=1, D=0) */
gdt_end:
	.balign 4
	.word 0
gdt_ptr:
	.word gdt_end - gdt - 1
	.long gdt
	.word 0
idt32_ptr:
	.word 32 * 8 - 1
	.long idt32
	.word 0
idt64_ptr:
	.word 32 * 16 - 1
	.long idt64, 0

	.bss
exc_vector:	.long 0 /* last exception: vector, 0xffffffff after TRY with none */
exc_error:	.long 0
exc_eip:	.long 0 /* faulting (or next, for traps) EIP/RIP low half */
exc_eip_hi:	.long 0
exc_cs:		.long 0
exc_count:	.long 0
exc_armed:	.long 0 /* set by TRY: resume at exc_recover */
exc_recover:	.long 0, 0 /* also a 64-bit jump target: high half stays 0 */
exc_rflags:	.quad 0
exc_rsp:	.quad 0
try_ip:		.long 0
in_unexpected:	.long 0
exc_where:	.long 0 /* string: the kind of code that faulted */
	.balign 16
idt32:		.space 32 * 8
idt64:		.space 32 * 16

/*
 * Identity map of the first 1 GiB with 2 MiB pages, for long mode only
 * (PML4[0] -> PDPT[0] -> PD). Present | writable, PS in the PDEs.
 */
	.section .data.pagetables, "aw"
	.balign 4096
pml4:
	.long pdpt + 0x3, 0
	.fill 511, 8, 0
pdpt:
	.long pd + 0x3, 0
	.fill 511, 8, 0
pd:
	.set .Lpde, 0
	.rept 512
	.long (.Lpde << 21) | 0x83, 0
	.set .Lpde, .Lpde + 1
	.endr

	.section .rodata
str_where32:	.asciz "32-bit code"
str_where16:	.asciz "16-bit protected mode"
str_where64:	.asciz "64-bit mode"
str_where_rm:	.asciz "real mode"
/* Exception mnemonics, 4 bytes each, by vector. */
exc_names:
	.ascii "#DE\0#DB\0NMI\0#BP\0#OF\0#BR\0#UD\0#NM\0"
	.ascii "#DF\0CSO\0#TS\0#NP\0#SS\0#GP\0#PF\0r15\0"
	.ascii "#MF\0#AC\0#MC\0#XM\0#VE\0#CP\0r22\0r23\0"
	.ascii "r24\0r25\0r26\0r27\0#HV\0#VC\0#SX\0r31\0"

/* ------------------------------------------------------ exceptions (32-bit) */

	TEXT32
/*
 * Vectors that push an error code (SDM vol. 3A, table 6-1): 8, 10-14, 17, 21,
 * 29, 30.
 * Each stub is 16 bytes: push a zero error code where the CPU does not, push
 * the vector, go to the common handler.
 */
.macro EXC_STUBS push, jmp, target
	.balign 16
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign 16
	.if (\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
	.else
	\push $0
	.endif
	\push $\v
	\jmp \target
	.endr
.endm

	.balign 16
exc32_stubs:
	EXC_STUBS pushl, jmp, exc32_common

/* Frame: vector, error, EIP, CS, EFLAGS (same privilege: no SS:ESP). */
exc32_common:
	pushl %eax
	pushl %ds
	movl $SEL_DATA32, %eax
	movw %ax, %ds /* the fault may come from 16-bit code with another DS */
	movl 8(%esp), %eax
	movl %eax, exc_vector
	movl 12(%esp), %eax
	movl %eax, exc_error
	movl 16(%esp), %eax
	movl %eax, exc_eip
	movl 20(%esp), %eax
	movzwl %ax, %eax
	movl %eax, exc_cs
	movl $0, exc_eip_hi
	incl exc_count
	cmpl $0, exc_armed
	je 1f
	movl $0, exc_armed
	/*
	 * Resume at exc_recover without IRET: the fault came from our own CPL 0
	 * 32-bit code (TRY), so dropping the frame restores ESP, POPF restores
	 * EFLAGS and a near jump does the rest. KVM's instruction emulator, which
	 * some hosts use for all guest kernel code, cannot emulate a
	 * protected-mode IRET.
	 */
	popl %ds
	popl %eax
	addl $16, %esp /* vector, error, EIP, CS */
	popfl
	jmp *exc_recover
1:	movl $str_where32, exc_where
	cmpl $SEL_CODE16, exc_cs
	jne exc_unexpected
	movl $str_where16, exc_where
	jmp exc_unexpected

/*
 * An exception nobody asked for: report it as a failed test point, print the
 * summary and exit with a failure status. Entered with exc_* recorded.
 */
exc_unexpected:
	movl $SEL_DATA32, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $stack_top, %esp
	cld
	cmpl $0, in_unexpected
	jne 1f
	movl $1, in_unexpected
	incl tests_failed
	cmpb $10, last_char
	je 2f
	call newline
2:	PRINT "FAIL: unexpected exception in "
	pushl %esi
	movl exc_where, %esi
	call puts
	popl %esi
	PRINT " ("
	call print_exc
	PRINTLN ")"
	call print_summary
1:	movb $1, %al
	jmp debug_exit

/* Build both IDTs (gates to the stubs) and load the 32-bit one. */
idt_init:
	pushal
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $4, %eax
	leal exc32_stubs(%eax), %edx
	/* 32-bit interrupt gate: present, DPL 0, type 0xE. */
	movl %edx, %ebx
	andl $0xffff, %ebx
	orl $(SEL_CODE32 << 16), %ebx
	movl %ebx, idt32(,%ecx,8)
	andl $0xffff0000, %edx
	orl $0x8e00, %edx
	movl %edx, idt32 + 4(,%ecx,8)
	/* 64-bit interrupt gate: offset 63:32 = 0, IST 0. */
	leal exc64_stubs(%eax), %edx
	leal idt64(%eax), %edi
	movl %edx, %ebx
	andl $0xffff, %ebx
	orl $(SEL_CODE64 << 16), %ebx
	movl %ebx, 0(%edi)
	andl $0xffff0000, %edx
	orl $0x8e00, %edx
	movl %edx, 4(%edi)
	movl $0, 8(%edi)
	movl $0, 12(%edi)
	incl %ecx
	cmpl $32, %ecx
	jb 1b
	lidt idt32_ptr
	popal
	ret

/* ------------------------------------------------------ exceptions (64-bit) */

	.code64
	.balign 16
exc64_stubs:
	EXC_STUBS pushq, jmp, exc64_common

/* Frame: vector, error, RIP, CS, RFLAGS, RSP, SS. */
exc64_common:
	pushq %rax
	movq 8(%rsp), %rax
	movl %eax, exc_vector(%rip)
	movq 16(%rsp), %rax
	movl %eax, exc_error(%rip)
	movq 24(%rsp), %rax
	movl %eax, exc_eip(%rip)
	shrq $32, %rax
	movl %eax, exc_eip_hi(%rip)
	movq 32(%rsp), %rax
	movzwl %ax, %eax
	movl %eax, exc_cs(%rip)
	incl exc_count(%rip)
	cmpl $0, exc_armed(%rip)
	je 1f
	movl $0, exc_armed(%rip)
	/* Resume at exc_recover without IRETQ (see exc32_common). */
	movq 40(%rsp), %rax
	movq %rax, exc_rflags(%rip)
	movq 48(%rsp), %rax /* RSP before the exception (the CPU aligned it) */
	movq %rax, exc_rsp(%rip)
	popq %rax
	movq exc_rsp(%rip), %rsp
	pushq exc_rflags(%rip)
	popfq
	jmp *exc_recover(%rip)
	/*
	 * Unexpected: leave long mode (through compatibility mode, clearing
	 * CR0.PG, then EFER.LME) and report from 32-bit code.
	 */
1:	movl $str_where64, exc_where(%rip)
	movl $stack_top, %esp
	pushq $SEL_CODE32
	movl $exc64_leave, %eax
	pushq %rax
	lretq
	.code32
exc64_leave:
	call long_mode_leave
	jmp exc_unexpected

/* ----------------------------------------------------------------- long mode */

/*
 * long_mode_enter: from 32-bit protected mode with paging off into long mode
 * (SDM vol. 3A, "Initializing IA-32e Mode"): CR4.PAE, CR3 = the identity map,
 * EFER.LME, the 64-bit IDT, then CR0.PG, which makes EFER.LMA 1. Returns in
 * compatibility mode; far-jump to SEL_CODE64 for 64-bit code.
 * long_mode_leave: back from compatibility mode to 32-bit protected mode:
 * CR0.PG (LMA becomes 0), the 32-bit IDT, EFER.LME, CR4.PAE.
 */
long_mode_enter:
	pushal
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	lidt idt64_ptr
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0
	popal
	ret

long_mode_leave:
	pushal
	movl %cr0, %eax
	andl $~CR0_PG, %eax
	movl %eax, %cr0
	lidt idt32_ptr
	movl $MSR_EFER, %ecx
	rdmsr
	andl $~EFER_LME, %eax
	wrmsr
	movl %cr4, %eax
	andl $~CR4_PAE, %eax
	movl %eax, %cr4
	popal
	ret

/*
 * An exception in real mode ends up here through rm_exc_common, back in 32-bit
 * protected mode: EAX = vector, EBX = IP, ECX = CS.
 */
rm_exc32:
	movl $SEL_DATA32, %edx
	movw %dx, %ds
	movl %eax, exc_vector
	movl $0, exc_error
	movl %ebx, exc_eip
	movl $0, exc_eip_hi
	movl %ecx, exc_cs
	movl $str_where_rm, exc_where
	lidt idt32_ptr
	jmp exc_unexpected

/* ---------------------------------------------------- low-memory trampoline */

/*
 * lowtext_install: copy the LOWTEXT code to LOW_BASE and point the real-mode
 * IVT's vectors 0-31 at rm_exc_stubs. Call from 32-bit code before jumping
 * to any LOW() address. Keeps other IVT entries (a guest may set its own).
 */
lowtext_install:
	pushal
	movl $lowtext_start, %esi
	movl $LOW_BASE, %edi
	movl $__lowtext_end, %ecx
	subl %esi, %ecx
	rep movsb
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $3, %eax
	addl $LOW(rm_exc_stubs), %eax /* segment 0, offset LOW_BASE + ... */
	movl %eax, RM_IVT_BASE(,%ecx,4)
	incl %ecx
	cmpl $32, %ecx
	jb 1b
	popal
	ret

	LOWTEXT
	.balign 16
lowtext_start:

/* rm_putc: print AL (16-bit code, COM1 only). */
rm_putc:
	pushw %dx
	pushw %cx
	pushw %ax
	movw $COM1_LSR, %dx
	movw $0xffff, %cx
1:	inb %dx, %al
	testb $LSR_THRE, %al
	jnz 2f
	decw %cx
	jnz 1b
2:	popw %ax
	movw $COM1_THR, %dx
	outb %al, %dx
	popw %cx
	popw %dx
	ret

/* rm_puts: print the string at DS:SI. */
rm_puts:
	pushw %si
	pushw %ax
1:	lodsb
	testb %al, %al
	jz 2f
	call rm_putc
	jmp 1b
2:	popw %ax
	popw %si
	ret

/* rm_puthex16: print AX as 0x%04x. rm_puthex32: print EAX as 0x%08x. */
rm_puthex16:
	pushl %eax
	pushw %cx
	rorl $16, %eax
	movw $4, %cx
	jmp rm_puthex_common
rm_puthex32:
	pushl %eax
	pushw %cx
	movw $8, %cx
rm_puthex_common:
	pushl %eax
	movb $'0', %al
	call rm_putc
	movb $'x', %al
	call rm_putc
	popl %eax
1:	roll $4, %eax
	pushl %eax
	andl $0xf, %eax
	addb $'0', %al
	cmpb $'9', %al
	jbe 2f
	addb $('a' - '0' - 10), %al
2:	call rm_putc
	popl %eax
	decw %cx
	jnz 1b
	popw %cx
	popl %eax
	ret

/* IDTR value for real mode: lidt LOW(rm_idt_ptr) with DS = 0. */
	.balign 4
	.word 0
rm_idt_ptr:
	.word 0x3ff
	.long RM_IVT_BASE

/* Real-mode exception stubs, 8 bytes each; the IVT points here. */
	.balign 8
rm_exc_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign 8
	pushw $\v
	jmp rm_exc_common
	.endr

/*
 * Frame: vector, IP, CS, FLAGS. Go back to 32-bit protected mode (GDTR still
 * holds our GDT) and report from there.
 */
rm_exc_common:
	cli
	xorl %eax, %eax
	popw %ax
	xorl %ebx, %ebx
	popw %bx
	xorl %ecx, %ecx
	popw %cx
	movl %cr0, %edx
	orl $CR0_PE, %edx
	movl %edx, %cr0
	ljmpl $SEL_CODE32, $rm_exc32

	TEXT32

#endif /* VX86_GUEST_CPU_H */
