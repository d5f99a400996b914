/* SPDX-License-Identifier: MIT */
/*
 * bench/emu-mips for Bochs, which has no multiboot loader: a boot sector that
 * enters 32-bit protected mode with flat segments, runs MIPS_LOOP, prints the
 * checksum on port 0xE9 and asks Bochs to quit by writing "Shutdown" to its
 * shutdown port 0x8900.
 */
#include "mips_loop.inc"

	.code16
	.text
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %ss
	movw $0x7c00, %sp
	lgdtl gdtr
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $8, $pm

	.code32
pm:
	movw $16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $0x7000, %esp
	movl $0x9000, %esi
	MIPS_LOOP
	PRINT_HEX_E9
	movl $shutdown, %esi
	movw $0x8900, %dx
4:	lodsb
	testb %al, %al
	jz 5f
	outb %al, %dx
	jmp 4b
5:	cli
	hlt
	jmp 5b

shutdown:
	.asciz "Shutdown"
	.align 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* flat 32-bit code */
	.quad 0x00cf92000000ffff /* flat 32-bit data */
gdtr:
	.word gdtr - gdt - 1
	.long gdt

	.org 510
	.word 0xaa55
