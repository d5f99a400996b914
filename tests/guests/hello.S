/* SPDX-License-Identifier: MIT */
/*
 * hello: the smallest useful guest. Greets on COM1 and on port 0xE9, then
 * checks the Multiboot v1 entry contract: EAX = 0x2BADB002, EBX -> an info
 * structure with memory sizes (flags bit 0) and a non-empty command line
 * (flags bit 2), protected mode with paging off, IF and VM clear, and a
 * zeroed .bss. Exits with value 0 (status 1).
 */
#include "guest.h"

/* Multiboot information structure offsets (Multiboot 0.6.96, section 3.3). */
#define MBI_FLAGS 0
#define MBI_MEM_LOWER 4
#define MBI_MEM_UPPER 8
#define MBI_CMDLINE 16
#define MBI_FLAG_MEM (1 << 0)
#define MBI_FLAG_CMDLINE (1 << 2)

	TEXT32
	.globl guest_main
guest_main:
	/*
	 * The greeting, on COM1 and then on the 0xE9 debug console: one after
	 * the other, since a VMM may send both to the same stream.
	 */
	PRINTLN "Hello from vx86 guest"
	movl $OUT_E9, out_mask
	PRINTLN "Hello from vx86 guest"
	movl $OUT_COM1, out_mask

	EXPECT_EQ mb_magic, $MULTIBOOT_BOOTLOADER_MAGIC, "entry: EAX holds the multiboot magic 0x2BADB002"

	movl bss_was_zero, %eax
	cmpl $1, %eax
	CHECK e, "entry: .bss is zero (the loader cleared p_memsz beyond p_filesz)"

	movl entry_cr0, %eax
	andl $(CR0_PE | CR0_PG), %eax
	EXPECT_EQ %eax, $CR0_PE, "entry: CR0.PE=1 and CR0.PG=0 (protected mode, paging off)"

	movl entry_eflags, %eax
	andl $(EFLAGS_IF | EFLAGS_VM), %eax
	EXPECT_EQ %eax, $0, "entry: EFLAGS.IF=0 and EFLAGS.VM=0"

	/* The information structure. */
	movl mb_info, %ebx
	testl %ebx, %ebx
	CHECK nz, "entry: EBX points at the multiboot information", "EBX is 0"
	testl %ebx, %ebx
	jz 9f

	/*
	 * Print nothing loader-specific (addresses, sizes) on success: the same
	 * image must give the same console output under QEMU and vx86.
	 */
	movl MBI_FLAGS(%ebx), %eax
	andl $MBI_FLAG_MEM, %eax
	EXPECT_EQ %eax, $MBI_FLAG_MEM, "multiboot info: flags bit 0 (mem_lower/mem_upper valid)"
	cmpl $0, MBI_MEM_UPPER(%ebx)
	CHECK a, "multiboot info: mem_upper > 0", "mem_upper is 0"

	movl MBI_FLAGS(%ebx), %eax
	andl $MBI_FLAG_CMDLINE, %eax
	EXPECT_EQ %eax, $MBI_FLAG_CMDLINE, "multiboot info: flags bit 2 (cmdline valid)"
	movl MBI_CMDLINE(%ebx), %esi
	testl %esi, %esi
	jz 1f
	cmpb $0, (%esi)
	je 1f
	PRINT "command line: '"
	call puts
	PRINTLN "'"
	PASS "multiboot info: command line is a non-empty string"
	jmp 9f
1:	FAIL "multiboot info: command line is a non-empty string", "cmdline is NULL or empty"
9:	ret
