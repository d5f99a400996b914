/* SPDX-License-Identifier: MIT */
/*
 * pio: port I/O of 1, 2 and 4 bytes, immediate and DX forms, and string I/O.
 *   - COM1's scratch register (0x3FF) keeps a byte: 1-byte round trips;
 *   - a port no device claims reads as all ones at every width, and IN only
 *     writes AL/AX/EAX; 2- and 4-byte OUTs there are dropped;
 *   - REP OUTSB writes a line to COM1 and one to port 0xE9 (the harness looks
 *     for both in the output), also backwards with EFLAGS.DF=1;
 *   - REP INSB/INSW/INSL from an unclaimed port fill a buffer with 0xff,
 *     across a page boundary, and stop exactly at the count.
 * The unclaimed ports are unclaimed in QEMU's default pc machine too.
 */
#include "guest.h"

#define PORT_NONE_IMM 0xec  /* unclaimed, reachable with the imm8 form */
#define PORT_NONE_DX 0x2e0  /* unclaimed, above 0xff: DX form only */
#define BUF_LEN 32

	.section .rodata
line_com1:
	.ascii "pio: this line was written by rep outsb to COM1\n"
line_com1_end:
line_e9:
	.ascii "pio: this line was written by rep outsb to port 0xe9\n"
line_e9_end:
/* "pio: this line was written backwards by std; rep outsb\n", reversed. */
line_back:
	.byte 10
	.ascii "bstuo per ;dts yb sdrawkcab nettirw saw enil siht :oip"
line_back_end:

	.bss
	.balign 4096
iobuf_pages:
	.space 8192
/* BUF_LEN bytes straddling the page boundary, then a sentinel. */
#define IOBUF (iobuf_pages + 4096 - BUF_LEN / 2)

	TEXT32
	.globl guest_main
guest_main:
	/* 1-byte round trip through the UART scratch register. */
	movw $COM1_SCR, %dx
	movb $0x5a, %al
	outb %al, %dx
	movl $0xffffff00, %eax
	inb %dx, %al
	EXPECT_EQ %eax, $0xffffff5a, "COM1 scratch (0x3ff): OUTB 0x5a, INB reads 0x5a"
	movb $0xa5, %al
	outb %al, %dx
	xorl %eax, %eax
	inb %dx, %al
	EXPECT_EQ %eax, $0xa5, "COM1 scratch (0x3ff): OUTB 0xa5, INB reads 0xa5"

	/* Unclaimed port, immediate form: all ones, only AL/AX/EAX written. */
	movl $0x12345678, %eax
	inb $PORT_NONE_IMM, %al
	EXPECT_EQ %eax, $0x123456ff, "INB from unclaimed port 0xec reads 0xff (imm8 form, rest of EAX kept)"
	movl $0x12345678, %eax
	inw $PORT_NONE_IMM, %ax
	EXPECT_EQ %eax, $0x1234ffff, "INW from unclaimed port 0xec reads 0xffff (imm8 form, rest of EAX kept)"
	xorl %eax, %eax
	inl $PORT_NONE_IMM, %eax
	EXPECT_EQ %eax, $0xffffffff, "INL from unclaimed port 0xec reads 0xffffffff (imm8 form)"

	/* Unclaimed port, DX form. */
	movw $PORT_NONE_DX, %dx
	movl $0x12345678, %eax
	inb %dx, %al
	EXPECT_EQ %eax, $0x123456ff, "INB from unclaimed port 0x2e0 reads 0xff (DX form)"
	movl $0x12345678, %eax
	inw %dx, %ax
	EXPECT_EQ %eax, $0x1234ffff, "INW from unclaimed port 0x2e0 reads 0xffff (DX form)"
	xorl %eax, %eax
	inl %dx, %eax
	EXPECT_EQ %eax, $0xffffffff, "INL from unclaimed port 0x2e0 reads 0xffffffff (DX form)"

	/* 2- and 4-byte OUTs to nobody are dropped. */
	movl $0x01020304, %eax
	TRY outw %ax, %dx
	EXPECT_NOEXC "OUTW to unclaimed port 0x2e0: no fault"
	TRY outl %eax, %dx
	EXPECT_NOEXC "OUTL to unclaimed port 0x2e0: no fault"
	TRY outl %eax, $PORT_NONE_IMM
	EXPECT_NOEXC "OUTL to unclaimed port 0xec (imm8 form): no fault"
	xorl %eax, %eax
	inl %dx, %eax
	EXPECT_EQ %eax, $0xffffffff, "unclaimed port 0x2e0 still reads 0xffffffff after the OUTs"

	/* REP OUTSB to COM1 and to 0xE9. */
	movl $line_com1, %esi
	movl $(line_com1_end - line_com1), %ecx
	movw $COM1_THR, %dx
	rep outsb
	EXPECT_EQ %ecx, $0, "REP OUTSB to COM1: ECX counts down to 0"
	EXPECT_EQ %esi, $line_com1_end, "REP OUTSB to COM1: ESI advances by the count"
	movl $line_e9, %esi
	movl $(line_e9_end - line_e9), %ecx
	movw $DEBUGCON_PORT, %dx
	rep outsb
	EXPECT_EQ %esi, $line_e9_end, "REP OUTSB to port 0xe9: ESI advances by the count"
	std
	movl $(line_back_end - 1), %esi
	movl $(line_back_end - line_back), %ecx
	movw $COM1_THR, %dx
	rep outsb
	cld
	EXPECT_EQ %esi, $(line_back - 1), "STD; REP OUTSB to COM1: ESI goes down by the count"

	/* REP INS from an unclaimed port, across a page boundary. */
	movl $IOBUF, %edi
	movl $(BUF_LEN + 4), %ecx
	xorl %eax, %eax
	rep stosb
	movl $IOBUF, %edi
	movl $BUF_LEN, %ecx
	movw $PORT_NONE_DX, %dx
	rep insb
	EXPECT_EQ %edi, $(IOBUF + BUF_LEN), "REP INSB: EDI advances by the count"
	call buf_check
	EXPECT_EQ %eax, $BUF_LEN, "REP INSB from unclaimed port across a page boundary: 32 bytes of 0xff"
	EXPECT_EQ IOBUF + BUF_LEN, $0, "REP INSB: the byte after the buffer is untouched"

	movl $IOBUF, %edi
	movl $(BUF_LEN + 4), %ecx
	xorl %eax, %eax
	rep stosb
	movl $IOBUF, %edi
	movl $(BUF_LEN / 2), %ecx
	rep insw
	call buf_check
	EXPECT_EQ %eax, $BUF_LEN, "REP INSW from unclaimed port: 16 words of 0xffff"
	movl $IOBUF, %edi
	movl $(BUF_LEN + 4), %ecx
	xorl %eax, %eax
	rep stosb
	movl $IOBUF, %edi
	movl $(BUF_LEN / 4), %ecx
	rep insl
	call buf_check
	EXPECT_EQ %eax, $BUF_LEN, "REP INSL from unclaimed port: 8 dwords of 0xffffffff"
	EXPECT_EQ IOBUF + BUF_LEN, $0, "REP INSL: the dword after the buffer is untouched"
	ret

/* EAX = number of leading 0xff bytes in IOBUF (at most BUF_LEN). */
buf_check:
	pushl %ecx
	pushl %esi
	movl $IOBUF, %esi
	xorl %eax, %eax
1:	cmpb $0xff, (%esi, %eax)
	jne 2f
	incl %eax
	cmpl $BUF_LEN, %eax
	jb 1b
2:	popl %esi
	popl %ecx
	ret
