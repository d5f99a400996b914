/* SPDX-License-Identifier: MIT */
/*
 * The loop bench/emu-mips measures, shared by the multiboot image (vx86, QEMU)
 * and the boot sector (Bochs) so that every tool runs the same instructions in
 * 32-bit protected mode with paging off. ITERS comes from the command line.
 *
 * MIPS_LOOP runs LOOP_INSNS * ITERS + LOOP_SETUP instructions: integer ALU,
 * a rotate, LEA, one store and one load through %esi (a scratch area), and a
 * counted branch. It leaves a checksum in %eax.
 */
#define LOOP_INSNS 8
#define LOOP_SETUP 6

.macro MIPS_LOOP
	movl $7, 4(%esi)
	movl $ITERS, %ecx
	movl $0x12345678, %eax
	movl $0x9e3779b9, %ebx
	xorl %edx, %edx
1:	addl %ebx, %eax
	roll $5, %eax
	xorl %ecx, %eax
	movl %eax, (%esi)
	addl 4(%esi), %edx
	leal 1(%edx,%eax,2), %ebx
	decl %ecx
	jnz 1b
	xorl %edx, %eax
.endm

/* Print %eax as 8 hex digits and a newline on port 0xE9; clobbers %ecx, %edx, %ebx. */
.macro PRINT_HEX_E9
	movl %eax, %ebx
	movl $8, %ecx
2:	roll $4, %ebx
	movl %ebx, %eax
	andl $15, %eax
	addb $'0', %al
	cmpb $'9', %al
	jbe 3f
	addb $('a' - '0' - 10), %al
3:	outb %al, $0xe9
	decl %ecx
	jnz 2b
	movb $'\n', %al
	outb %al, $0xe9
.endm
