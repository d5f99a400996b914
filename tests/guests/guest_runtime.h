/* SPDX-License-Identifier: MIT */
/*
 * guest_runtime.h: the part of the guest runtime that every guest runs:
 * the multiboot header, _start, console output and the test-point routines.
 * Included once, by guest.h; see there for the interface.
 */
#ifndef VX86_GUEST_RUNTIME_H
#define VX86_GUEST_RUNTIME_H

/* --------------------------------------------------------- multiboot header */

	.section .multiboot, "a"
	.balign 4
multiboot_header:
	.long MULTIBOOT_MAGIC
	.long MULTIBOOT_FLAGS
	.long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

/* --------------------------------------------------------------------- data */

	.data
	.balign 4
mb_magic:	.long 0 /* EAX at entry */
mb_info:	.long 0 /* EBX at entry */
entry_cr0:	.long 0
entry_eflags:	.long 0
entry_esp:	.long 0
bss_was_zero:	.long 1 /* cleared by _start if .bss was not zero at entry */
out_mask:	.long OUT_COM1
last_char:	.long 10 /* last byte sent to COM1: is the cursor at a line start? */
entry_stack:	.space 32 /* for pushfl before .bss is checked */
entry_stack_top:

	.bss
	.balign 16
stack:		.space STACK_SIZE
stack_top:
tests_passed:	.long 0
tests_failed:	.long 0
/* The MSR the running check is about (MSR_TAG); FAIL lines name it while msr_tagged != 0. */
cur_msr:	.long 0
msr_tagged:	.long 0

	.section .rodata
hexdigits:	.ascii "0123456789abcdef"
str_pass:	.asciz "PASS: "
str_fail:	.asciz "FAIL: "
str_msr_tag:	.asciz " {msr "

/* ------------------------------------------------------------------- _start */

	TEXT32
	.globl _start
_start:
	/* Multiboot gives no stack: save the entry state without one first. */
	movl %eax, mb_magic
	movl %ebx, mb_info
	movl %esp, entry_esp
	movl %cr0, %eax
	movl %eax, entry_cr0
	movl $entry_stack_top, %esp
	pushfl
	popl entry_eflags
	cli
	cld

	/* The loader must zero .bss (ELF p_memsz > p_filesz); hello.S checks it. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	repe scasl
	je 1f
	movl $0, bss_was_zero
1:	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	lgdt gdt_ptr
	ljmp $SEL_CODE32, $1f
1:	movl $SEL_DATA32, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $stack_top, %esp
	movl $str_where32, exc_where

	call idt_init
	call serial_init
	call guest_main
	jmp guest_exit

/* ------------------------------------------------------------ console (32) */

/* Program COM1 for 115200 8N1 (divisor latch 1), FIFOs on, no interrupts. */
serial_init:
	pushl %eax
	pushl %edx
	movw $COM1_IER, %dx
	movb $0x00, %al
	outb %al, %dx
	movw $COM1_LCR, %dx
	movb $0x80, %al /* DLAB: THR/IER become the divisor latch */
	outb %al, %dx
	movw $COM1_THR, %dx
	movb $0x01, %al
	outb %al, %dx
	movw $COM1_IER, %dx
	movb $0x00, %al
	outb %al, %dx
	movw $COM1_LCR, %dx
	movb $0x03, %al /* 8 data bits, no parity, 1 stop bit, DLAB off */
	outb %al, %dx
	movw $COM1_FCR, %dx
	movb $0xc7, %al
	outb %al, %dx
	movw $COM1_MCR, %dx
	movb $0x03, %al /* DTR | RTS */
	outb %al, %dx
	popl %edx
	popl %eax
	ret

/*
 * Output routines shared by 32- and 64-bit code: the same source assembled
 * twice, `r` is "e" or "r" (register width of the pushes), `pcrel` is empty
 * or (%rip): an ELF32 object cannot hold 64-bit absolute (sign-extended)
 * addresses, so 64-bit code addresses data RIP-relative.
 */
.macro PUTC_BODY r, pcrel
	push %\r\()dx
	push %\r\()cx
	push %\r\()ax
	testl $OUT_COM1, out_mask\pcrel
	jz 3f
	/* Wait (boundedly) for THR empty: a good citizen on real UARTs. */
	movw $COM1_LSR, %dx
	movl $0x10000, %ecx
1:	inb %dx, %al
	testb $LSR_THRE, %al
	jnz 2f
	decl %ecx
	jnz 1b
2:	movl (%\r\()sp), %eax
	movw $COM1_THR, %dx
	outb %al, %dx
	movb %al, last_char\pcrel
3:	testl $OUT_E9, out_mask\pcrel
	jz 4f
	movl (%\r\()sp), %eax
	outb %al, $DEBUGCON_PORT
4:	pop %\r\()ax
	pop %\r\()cx
	pop %\r\()dx
	ret
.endm

.macro PUTS_BODY r, putc
	push %\r\()si
	push %\r\()ax
1:	lodsb
	testb %al, %al
	jz 2f
	call \putc
	jmp 1b
2:	pop %\r\()ax
	pop %\r\()si
	ret
.endm

/* putc: print AL. */
putc:
	PUTC_BODY e

/* puts: print the NUL-terminated string at ESI. */
puts:
	PUTS_BODY e, putc

/* Print AL's low nibble as a hex digit. */
putnibble:
	pushl %eax
	andl $0xf, %eax
	movb hexdigits(%eax), %al
	call putc
	popl %eax
	ret

/* Print EAX as 8 hex digits (no prefix). */
puthex32_raw:
	pushl %eax
	pushl %ecx
	movl $8, %ecx
1:	roll $4, %eax
	call putnibble
	decl %ecx
	jnz 1b
	popl %ecx
	popl %eax
	ret

/* puthex32: print EAX as 0x%08x. */
puthex32:
	pushl %eax
	movb $'0', %al
	call putc
	movb $'x', %al
	call putc
	popl %eax
	jmp puthex32_raw

/* puthex_n: print the low ECX (1-8) hex digits of EAX, with 0x. */
puthex_n:
	pushal
	movl %eax, %edx
	movb $'0', %al
	call putc
	movb $'x', %al
	call putc
	/* Rotate the first digit to print into bits 31:28. */
	movl $8, %eax
	subl %ecx, %eax
	pushl %ecx
	leal (,%eax,4), %ecx
	roll %cl, %edx
	popl %ecx
1:	roll $4, %edx
	movl %edx, %eax
	call putnibble
	decl %ecx
	jnz 1b
	popal
	ret

/* puthex64: print EDX:EAX as 0x%016llx. */
puthex64:
	call puthex32_prefix_edx
	jmp puthex32_raw
puthex32_prefix_edx:
	pushl %eax
	movl %edx, %eax
	call puthex32
	popl %eax
	ret

/* putdec: print EAX as an unsigned decimal number. */
putdec:
	pushal
	movl $10, %ebx
	xorl %ecx, %ecx
1:	xorl %edx, %edx
	divl %ebx
	pushl %edx
	incl %ecx
	testl %eax, %eax
	jnz 1b
2:	popl %eax
	addb $'0', %al
	call putc
	decl %ecx
	jnz 2b
	popal
	ret

newline:
	pushl %eax
	movb $10, %al
	call putc
	popl %eax
	ret

/* ------------------------------------------------------------ console (64) */

	.code64
/* putc64: print AL from 64-bit code. */
putc64:
	PUTC_BODY r, (%rip)

/* puts64: print the string at RSI. */
puts64:
	PUTS_BODY r, putc64

/* puthex_qn: print the low ECX (1-16) hex digits of RAX, with 0x. */
puthex_qn:
	pushq %rax
	pushq %rcx
	pushq %rdx
	movq %rax, %rdx
	movb $'0', %al
	call putc64
	movb $'x', %al
	call putc64
	/* Rotate the first digit to print into bits 63:60. */
	pushq %rcx
	negl %ecx
	addl $16, %ecx
	shll $2, %ecx
	rolq %cl, %rdx
	popq %rcx
1:	pushq %rcx
	rolq $4, %rdx
	movl %edx, %eax
	andl $0xf, %eax
	leaq hexdigits(%rip), %rcx
	movb (%rcx,%rax), %al
	call putc64
	popq %rcx
	decl %ecx
	jnz 1b
	popq %rdx
	popq %rcx
	popq %rax
	ret
	.code32

/* ------------------------------------------------------------- test points */

/* test_point_pass(name, unused): count and print "PASS: name". */
test_point_pass:
	pushal
	incl tests_passed
	movl $str_pass, %esi
	call puts
	movl 36(%esp), %esi
	call puts
	call newline
	popal
	ret $8

/* test_point_fail(name, detail): count and print "FAIL: name (detail)" and the MSR tag. */
test_point_fail:
	pushal
	incl tests_failed
	movl $str_fail, %esi
	call puts
	movl 36(%esp), %esi
	call puts
	movl 40(%esp), %esi
	testl %esi, %esi
	jz 1f
	cmpb $0, (%esi)
	je 1f
	PRINT " ("
	call puts
	PRINT ")"
1:	call fail_eol
	popal
	ret $8

/*
 * fail_eol: end a FAIL line: " {msr 0x%08x}" while a check about an MSR
 * runs (MSR_TAG; run.t tells MSR checks from the others by it), then the
 * newline. Every routine that prints a FAIL line ends it here.
 */
fail_eol:
	cmpl $0, msr_tagged
	je 1f
	pushl %esi
	pushl %eax
	movl $str_msr_tag, %esi
	call puts
	movl cur_msr, %eax
	call puthex32
	movb $'}', %al
	call putc
	popl %eax
	popl %esi
1:	jmp newline

/* check_eq32(name, actual, expected) */
check_eq32:
	pushal
	movl 40(%esp), %eax
	cmpl 44(%esp), %eax
	jne 1f
	pushl $0
	pushl 40(%esp) /* name: 36 + 4 for the push above */
	call test_point_pass
	popal
	ret $12
1:	incl tests_failed
	movl $str_fail, %esi
	call puts
	movl 36(%esp), %esi
	call puts
	PRINT " (got "
	movl 40(%esp), %eax
	call puthex32
	PRINT ", expected "
	movl 44(%esp), %eax
	call puthex32
	PRINT ")"
	call fail_eol
	popal
	ret $12

/* check_eq64(name, act_lo, act_hi, exp_lo, exp_hi) */
check_eq64:
	pushal
	movl 40(%esp), %eax
	movl 44(%esp), %edx
	cmpl 48(%esp), %eax
	jne 1f
	cmpl 52(%esp), %edx
	jne 1f
	pushl $0
	pushl 40(%esp)
	call test_point_pass
	popal
	ret $20
1:	incl tests_failed
	movl $str_fail, %esi
	call puts
	movl 36(%esp), %esi
	call puts
	PRINT " (got "
	call puthex64
	PRINT ", expected "
	movl 48(%esp), %eax
	movl 52(%esp), %edx
	call puthex64
	PRINT ")"
	call fail_eol
	popal
	ret $20

/* Print " vector N error 0x.. at CS:EIP" for the last recorded exception. */
print_exc:
	PRINT "vector "
	PUTDEC exc_vector
	PRINT " "
	pushl %esi
	movl exc_vector, %esi
	cmpl $32, %esi
	jae 1f
	leal exc_names(,%esi,4), %esi
	call puts
1:	popl %esi
	PRINT ", error code "
	PUTHEX exc_error
	PRINT ", at "
	PUTHEX exc_cs
	PRINT ":"
	cmpl $0, exc_eip_hi
	je 2f
	PUTHEX exc_eip_hi
	PRINT "_"
2:	PUTHEX exc_eip
	ret

/* check_exc(name, vector, error): the last TRY faulted as expected. */
check_exc:
	pushal
	movl exc_vector, %eax
	cmpl 40(%esp), %eax
	jne 1f
	movl exc_error, %eax
	cmpl 44(%esp), %eax
	jne 1f
	movl exc_eip, %eax
	cmpl try_ip, %eax
	jne 1f
	cmpl $0, exc_eip_hi
	jne 1f
	pushl $0
	pushl 40(%esp)
	call test_point_pass
	popal
	ret $12
1:	incl tests_failed
	movl $str_fail, %esi
	call puts
	movl 36(%esp), %esi
	call puts
	PRINT " (expected vector "
	movl 40(%esp), %eax
	call putdec
	PRINT " error code "
	movl 44(%esp), %eax
	call puthex32
	PRINT " at "
	PUTHEX try_ip
	PRINT "; got "
	cmpl $0xffffffff, exc_vector
	jne 2f
	PRINT "no exception"
	jmp 3f
2:	call print_exc
3:	PRINT ")"
	call fail_eol
	popal
	ret $12

/* check_noexc(name): the last TRY did not fault. */
check_noexc:
	pushal
	cmpl $0xffffffff, exc_vector
	jne 1f
	pushl $0
	pushl 40(%esp)
	call test_point_pass
	popal
	ret $4
1:	incl tests_failed
	movl $str_fail, %esi
	call puts
	movl 36(%esp), %esi
	call puts
	PRINT " (unexpected exception: "
	call print_exc
	PRINT ")"
	call fail_eol
	popal
	ret $4

/* print_summary: "SUMMARY: N passed, M failed". */
print_summary:
	PRINT "SUMMARY: "
	PUTDEC tests_passed
	PRINT " passed, "
	PUTDEC tests_failed
	PRINTLN " failed"
	ret

/* debug_exit: write AL to isa-debug-exit; the VMM exits with (AL << 1) | 1. */
debug_exit:
	outb %al, $DEBUG_EXIT_PORT
	/* No debug-exit device: stop here for good. */
1:	cli
	hlt
	jmp 1b

/* guest_exit: summary, then exit value 0 if all passed, 1 otherwise. */
guest_exit:
	call print_summary
	xorl %eax, %eax
	cmpl $0, tests_failed
	jne 1f
	cmpl $0, tests_passed
	jne 2f
1:	movl $1, %eax
2:	jmp debug_exit

#endif /* VX86_GUEST_RUNTIME_H */
