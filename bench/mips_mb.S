/* SPDX-License-Identifier: MIT */
/*
 * bench/emu-mips for vx86 and QEMU: a multiboot v1 image (entered in 32-bit
 * protected mode, paging off) that runs MIPS_LOOP, prints the checksum on
 * port 0xE9 and exits through isa-debug-exit (port 0xF4) with value 0.
 */
#include "mips_loop.inc"

	.section .multiboot, "a"
	.align 4
	.long 0x1badb002, 0, -0x1badb002

	.text
	.code32
	.globl _start
_start:
	movl $scratch, %esi
	MIPS_LOOP
	PRINT_HEX_E9
	movb $0, %al
	outb %al, $0xf4
	cli
	hlt

	/*
	 * A page of its own, as in the boot sector (0x9000, code at 0x7c00): a
	 * store into a page holding code would make every tool check for
	 * self-modifying code, which is not what this loop measures.
	 */
	.bss
	.align 4096
scratch:
	.space 64
