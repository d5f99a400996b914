/* SPDX-License-Identifier: MIT */
/*
 * platform: the QEMU platform devices kvm-unit-tests relies on.
 *   - fw_cfg (ports 0x510/0x511, QEMU docs/specs/fw_cfg.rst): the "QEMU"
 *     signature, the ID's traditional-interface bit, reads past an item's end
 *     and of an unknown key give 0, a select rewinds, RAM size (64-bit LE)
 *     within 1 MiB above the end of multiboot's upper memory, CPU counts (16-bit LE), the file
 *     directory (big-endian) holds "etc/e820", and etc/e820 (LE entries of 20
 *     bytes) has RAM from 0 covering mem_lower and its RAM ends at the RAM
 *     size;
 *   - pc-testdev: the scratch port 0xe0 at widths 1, 2 and 4, imm8 and DX
 *     forms, byte lanes, REP OUTSB then INB;
 *     the flush-page port 0xe4 keeps a page's data;
 *     the IRQ line port reads 0; the MMIO window at 0xff000000 reads back
 *     bytes, words, dwords and a word across a 4 KiB boundary.
 * Only what holds both under vx86 and under QEMU (-device pc-testdev) is
 * checked: QEMU's e820 has one RAM entry from 0 and its directory many files.
 */
#include "guest.h"

#define FW_CFG_SEL 0x510
#define FW_CFG_DATA 0x511
#define TESTDEV 0xe0
#define TESTDEV_FLUSH 0xe4
#define TESTDEV_IRQ 0x2000
#define IOMEM 0xff000000
#define E820_MAX 32
#define DIR_ENTRY 64

	.section .rodata
e820_name:	.asciz "etc/e820"
e820_name_end:
st1:		.ascii "abcdefghijklmnop"
st1_end:

	.bss
	.balign 4096
flush_page:	.space 4096
dir_entry:	.space DIR_ENTRY
e820_buf:	.space E820_MAX * 20
e820_key:	.long 0
e820_size:	.long 0
ram_hi:		.long 0
ram_lo:		.long 0
upper_end:	.long 0

	TEXT32
/* Select fw_cfg item AX (16-bit write to the selector). */
fw_select:
	pushl %edx
	movw $FW_CFG_SEL, %dx
	outw %ax, %dx
	popl %edx
	ret

/* Read ECX bytes of the current item to EDI. */
fw_read:
	pushl %ecx
	pushl %edx
	pushl %edi
	movw $FW_CFG_DATA, %dx
	rep insb
	popl %edi
	popl %edx
	popl %ecx
	ret

/* EAX = the next 4 bytes of the current item, little-endian. */
fw_le32:
	pushl %ecx
	pushl %edx
	movw $FW_CFG_DATA, %dx
	movl $4, %ecx
1:	inb %dx, %al
	rorl $8, %eax
	loop 1b
	popl %edx
	popl %ecx
	ret

/* EAX = the next 2 bytes of the current item, little-endian. */
fw_le16:
	pushl %edx
	movw $FW_CFG_DATA, %dx
	xorl %eax, %eax
	inb %dx, %al
	xchgb %al, %ah
	inb %dx, %al
	xchgb %al, %ah
	popl %edx
	ret

	.globl guest_main
guest_main:
	call test_fw_cfg_items
	call test_fw_cfg_dir
	call test_e820
	call test_scratch
	call test_iomem
	ret

test_fw_cfg_items:
	movw $0x0000, %ax
	call fw_select
	call fw_le32
	EXPECT_EQ %eax, $0x554d4551, "fw_cfg key 0x0000: signature \"QEMU\""
	xorl %eax, %eax
	movw $FW_CFG_DATA, %dx
	inb %dx, %al
	EXPECT_EQ %eax, $0, "fw_cfg: reading past the signature's end gives 0"
	movw $0x0000, %ax
	call fw_select
	inb %dx, %al
	inb %dx, %al
	movw $0x0000, %ax
	call fw_select
	xorl %eax, %eax
	inb %dx, %al
	EXPECT_EQ %eax, $'Q', "fw_cfg: selecting again rewinds the item to offset 0"
	movw $0x0001, %ax
	call fw_select
	call fw_le32
	testl $1, %eax
	CHECK nz, "fw_cfg key 0x0001: ID has bit 0 (traditional interface)"
	movw $0x3fff, %ax
	call fw_select
	call fw_le32
	EXPECT_EQ %eax, $0, "fw_cfg key 0x3fff (no item) reads 0"

	/*
	 * RAM size vs multiboot 3.3 mem_upper (flags bit 0): upper memory ends
	 * at or below the RAM size, within 1 MiB of it (vx86: exactly at it;
	 * QEMU's BIOS keeps the top 128 KiB for itself).
	 */
	movl mb_info, %ebx
	testl $1, (%ebx)
	CHECK nz, "multiboot info has mem_lower/mem_upper (flags bit 0)"
	movl 8(%ebx), %eax
	addl $1024, %eax
	shll $10, %eax
	movl %eax, upper_end
	movw $0x0003, %ax
	call fw_select
	call fw_le32
	movl %eax, ram_lo
	call fw_le32
	movl %eax, ram_hi
	EXPECT_EQ ram_hi, $0, "fw_cfg key 0x0003: RAM size below 4 GiB (high dword of 64-bit LE)"
	movl ram_lo, %eax
	cmpl upper_end, %eax
	CHECK ae, "fw_cfg key 0x0003: RAM size >= 1 MiB + mem_upper KiB"
	subl upper_end, %eax
	cmpl $0x100000, %eax
	CHECK b, "fw_cfg key 0x0003: RAM size < 2 MiB + mem_upper KiB"

	movw $0x0005, %ax
	call fw_select
	call fw_le16
	movl %eax, %ecx
	EXPECT_EQ %eax, $1, "fw_cfg key 0x0005: NB_CPUS = 1 (16-bit LE)"
	movw $0x000f, %ax
	call fw_select
	call fw_le16
	cmpl %ecx, %eax
	CHECK ae, "fw_cfg key 0x000f: MAX_CPUS >= NB_CPUS"
	ret

/* Walk the directory for "etc/e820": e820_key, e820_size. */
test_fw_cfg_dir:
	movw $0x0019, %ax
	call fw_select
	call fw_le32
	bswapl %eax
	movl %eax, %ebx
	cmpl $0, %ebx
	CHECK a, "fw_cfg key 0x0019: the directory has files (count big-endian)"
	cmpl $256, %ebx
	CHECK be, "fw_cfg directory: a plausible count (at most 256)"
1:	testl %ebx, %ebx
	jz 2f
	decl %ebx
	movl $dir_entry, %edi
	movl $DIR_ENTRY, %ecx
	call fw_read
	movl $e820_name, %esi
	leal 8(%edi), %edi
	movl $(e820_name_end - e820_name), %ecx
	repe cmpsb
	jne 1b
	movl dir_entry, %eax
	bswapl %eax
	movl %eax, e820_size
	movzwl dir_entry + 4, %eax
	xchgb %al, %ah
	movl %eax, e820_key
2:	cmpl $0, e820_key
	CHECK ne, "fw_cfg directory lists \"etc/e820\""
	movl e820_key, %eax
	cmpl $0x20, %eax
	CHECK ae, "etc/e820: its select key is a file key (0x20 or above, BE16)"
	ret

test_e820:
	cmpl $0, e820_key
	je 9f
	movl e820_size, %eax
	xorl %edx, %edx
	movl $20, %ecx
	divl %ecx
	EXPECT_EQ %edx, $0, "etc/e820: size is a whole number of 20-byte entries"
	movl %eax, %ebx
	cmpl $0, %ebx
	CHECK a, "etc/e820: at least one entry"
	cmpl $E820_MAX, %ebx
	jbe 1f
	movl $E820_MAX, %ebx
1:	movl e820_key, %eax
	call fw_select
	imull $20, %ebx, %ecx
	movl $e820_buf, %edi
	call fw_read
	/*
	 * QEMU's entries are in no particular order: look for RAM from 0, and
	 * for the highest end of a RAM entry below 4 GiB.
	 */
	movl mb_info, %eax
	movl 4(%eax), %edi
	shll $10, %edi /* mem_lower in bytes */
	xorl %ecx, %ecx /* 1: found RAM at 0 that covers mem_lower */
	xorl %edx, %edx /* highest RAM end */
	movl $e820_buf, %esi
2:	cmpl $1, 16(%esi)
	jne 3f
	cmpl $0, 4(%esi)
	jne 3f
	cmpl $0, (%esi)
	jne 4f
	cmpl %edi, 8(%esi)
	jb 4f
	movl $1, %ecx
4:	movl (%esi), %eax
	addl 8(%esi), %eax
	cmpl %edx, %eax
	jbe 3f
	movl %eax, %edx
3:	addl $20, %esi
	decl %ebx
	jnz 2b
	EXPECT_EQ %ecx, $1, "etc/e820: a RAM entry (type 1, LE) from 0 covers mem_lower KiB"
	EXPECT_EQ %edx, ram_lo, "etc/e820: RAM ends at the fw_cfg RAM size"
9:	ret

test_scratch:
	movb $0xff, %al
	outb %al, $TESTDEV
	movl $0x12345600, %eax
	inb $TESTDEV, %al
	EXPECT_EQ %eax, $0x123456ff, "testdev 0xe0: OUTB 0xff, INB reads 0xff (imm8)"
	movw $0xffff, %ax
	outw %ax, $TESTDEV
	movl $0x12340000, %eax
	inw $TESTDEV, %ax
	EXPECT_EQ %eax, $0x1234ffff, "testdev 0xe0: OUTW 0xffff, INW reads 0xffff"
	movl $0xffffffff, %eax
	outl %eax, $TESTDEV
	xorl %eax, %eax
	inl $TESTDEV, %eax
	EXPECT_EQ %eax, $0xffffffff, "testdev 0xe0: OUTL 0xffffffff, INL reads it"
	movw $TESTDEV, %dx
	movl $0x44332211, %eax
	outl %eax, %dx
	xorl %eax, %eax
	movw $(TESTDEV + 1), %dx
	inb %dx, %al
	EXPECT_EQ %eax, $0x22, "testdev: INB 0xe1 reads byte 1 (DX form)"
	movw $(TESTDEV + 2), %dx
	inw %dx, %ax
	EXPECT_EQ %eax, $0x4433, "testdev: INW 0xe2 reads bytes 2-3"
	movb $0xaa, %al
	outb %al, $(TESTDEV + 1)
	inl $TESTDEV, %eax
	EXPECT_EQ %eax, $0x4433aa11, "testdev: OUTB 0xe1 changes byte 1 only"

	movl $st1, %esi
	movl $(st1_end - st1), %ecx
	movw $TESTDEV, %dx
	rep outsb
	xorl %eax, %eax
	inb $TESTDEV, %al
	EXPECT_EQ %eax, $'p', "testdev: REP OUTSB, then INB reads the last byte"

	/* The flush port must leave the page's contents alone. */
	movl $0x5a5aa5a5, flush_page + 128
	movl $flush_page, %eax
	outl %eax, $TESTDEV_FLUSH
	EXPECT_EQ flush_page + 128, $0x5a5aa5a5, "testdev 0xe4: a flushed page keeps its data"
	movl $0x11223344, flush_page + 132
	EXPECT_EQ flush_page + 132, $0x11223344, "testdev 0xe4: the flushed page is writable"
	movl $0xffffffff, %eax
	movw $TESTDEV_IRQ, %dx
	inb %dx, %al
	EXPECT_EQ %eax, $0xffffff00, "testdev 0x2000 (IRQ line port) reads 0"
	ret

test_iomem:
	movl $0xdeadbeef, IOMEM
	EXPECT_EQ IOMEM, $0xdeadbeef, "testdev MMIO 0xff000000: dword reads back"
	movzbl IOMEM + 1, %eax
	EXPECT_EQ %eax, $0xbe, "testdev MMIO: byte 1 of it is 0xbe (little-endian)"
	movw $0x1234, IOMEM + 0x100
	movzwl IOMEM + 0x100, %eax
	EXPECT_EQ %eax, $0x1234, "testdev MMIO: word reads back"
	movb $0x5c, IOMEM + 0xffff
	movzbl IOMEM + 0xffff, %eax
	EXPECT_EQ %eax, $0x5c, "testdev MMIO: the window's last byte (0xff00ffff)"
	movw $0x88aa, IOMEM + 0xfff
	movzbl IOMEM + 0xfff, %eax
	movzbl IOMEM + 0x1000, %ecx
	shll $8, %ecx
	orl %ecx, %eax
	EXPECT_EQ %eax, $0x88aa, "testdev MMIO: a word across a 4 KiB boundary"
	/*
	 * Not here: emulator.c's REP INSB from 0xe0 into the window; the emu
	 * engine stops on string I/O to non-RAM addresses (issue #11).
	 */
	ret
