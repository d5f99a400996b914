/* SPDX-License-Identifier: MIT */
/*
 * msr: RDMSR/WRMSR from 32-bit protected mode (CPL 0), spec/msr.md sections 1,
 * 5 and 15:
 *   - LSTAR, STAR, SFMASK, KERNEL_GS_BASE, FS_BASE, GS_BASE, CSTAR take
 *     canonical values and read them back;
 *   - EFER reads with LME = LMA = 0 before long mode; SCE can be set and
 *     cleared; a reserved bit (bit 1) and LMA (read-only) behave;
 *   - a non-canonical value in LSTAR (and the other address MSRs) is a #GP(0)
 *     fault: EIP stays on the WRMSR, no register changes, the MSR keeps its
 *     old value;
 *   - RDMSR and WRMSR of an index no CPU implements fault with #GP(0);
 *   - two reads of the TSC (MSR 0x10) increase.
 */
#include "guest.h"

/* An index outside every architectural and paravirtual MSR range. */
#define MSR_BOGUS 0x12345678

/* Write hi:lo to MSR `idx`, read it back, expect exactly hi:lo. */
.macro WR_RD idx:req, hi:req, lo:req, name:req
	MSR_TAG $\idx
	movl $\idx, %ecx
	movl $\hi, %edx
	movl $\lo, %eax
	wrmsr
	xorl %eax, %eax
	xorl %edx, %edx
	rdmsr
	EXPECT_EQ64 %edx, %eax, $\hi, $\lo, "\name"
	MSR_UNTAG
.endm

/*
 * WRMSR of non-canonical hi:lo to `idx` must #GP(0) without changing the MSR
 * or EDX:EAX. The MSR holds old_hi:old_lo beforehand.
 */
.macro WR_NONCANON idx:req, hi:req, lo:req, old_hi:req, old_lo:req, name:req
	MSR_TAG $\idx
	movl $\idx, %ecx
	movl $\hi, %edx
	movl $\lo, %eax
	TRY wrmsr
	EXPECT_GP "\name: #GP(0) at the WRMSR"
	EXPECT_EQ64 %edx, %eax, $\hi, $\lo, "\name: EDX:EAX unchanged by the fault"
	movl $\idx, %ecx
	rdmsr
	EXPECT_EQ64 %edx, %eax, $\old_hi, $\old_lo, "\name: the MSR keeps its old value"
	MSR_UNTAG
.endm

	TEXT32
	.globl guest_main
guest_main:
	/* Address MSRs: canonical values round-trip (msr.md 5.1). */
	WR_RD MSR_LSTAR, 0xffffffff, 0x81000000, "LSTAR = 0xffffffff81000000 reads back"
	WR_RD MSR_LSTAR, 0x00007fff, 0xfffff000, "LSTAR = 0x00007ffffffff000 reads back"
	WR_RD MSR_STAR, 0x00230010, 0x12345678, "STAR = 0x0023001012345678 reads back"
	WR_RD MSR_SYSCALL_MASK, 0x00000000, 0x00047700, "SFMASK = 0x47700 reads back"
	WR_RD MSR_KERNEL_GS_BASE, 0xffff8000, 0x00001000, "KERNEL_GS_BASE = 0xffff800000001000 reads back"
	WR_RD MSR_FS_BASE, 0x00000000, 0x00200000, "FS_BASE = 0x200000 reads back"
	WR_RD MSR_GS_BASE, 0x00007fff, 0x00000000, "GS_BASE = 0x00007fff00000000 reads back"
	WR_RD MSR_CSTAR, 0xffffffff, 0x81000040, "CSTAR = 0xffffffff81000040 reads back"

	/* EFER (msr.md 6.1) before long mode. */
	MSR_TAG $MSR_EFER
	movl $MSR_EFER, %ecx
	rdmsr
	PRINT "EFER at entry: "
	PUTHEX64 %edx, %eax
	PRINTLN ""
	andl $(EFER_LME | EFER_LMA), %eax
	EXPECT_EQ %eax, $0, "EFER.LME = EFER.LMA = 0 in protected mode without paging"
	movl $MSR_EFER, %ecx
	rdmsr
	movl %eax, %ebx /* original EFER (low half) */
	orl $EFER_SCE, %eax
	wrmsr
	rdmsr
	andl $EFER_SCE, %eax
	EXPECT_EQ %eax, $EFER_SCE, "EFER.SCE can be set"
	movl %ebx, %eax
	orl $EFER_LMA, %eax
	TRY wrmsr
	EXPECT_NOEXC "EFER write with LMA set does not fault"
	rdmsr
	andl $EFER_LMA, %eax
	EXPECT_EQ %eax, $0, "EFER.LMA is not writable (still 0)"
	movl %ebx, %eax
	orl $(1 << 1), %eax
	TRY wrmsr
	EXPECT_GP "EFER reserved bit 1: #GP(0)"
	movl %ebx, %eax
	wrmsr
	rdmsr
	EXPECT_EQ %eax, %ebx, "EFER restored"
	MSR_UNTAG

	/*
	 * Non-canonical addresses fault (msr.md 5.1, 15.4). The values are
	 * non-canonical for 48-bit and for 57-bit (LA57) linear addresses alike:
	 * the check uses the widest width the CPU supports, whatever CR4.LA57.
	 */
	MSR_TAG $MSR_LSTAR
	movl $MSR_LSTAR, %ecx
	movl $0xffffffff, %edx
	movl $0x81000000, %eax
	wrmsr
	movl $0x01000000, %edx
	movl $0x00000000, %eax
	TRY wrmsr
	EXPECT_GP "WRMSR LSTAR = 0x0100000000000000: #GP(0), EIP on the WRMSR"
	EXPECT_EQ64 %edx, %eax, $0x01000000, $0, "WRMSR LSTAR fault: EDX:EAX unchanged"
	movl $MSR_LSTAR, %ecx
	rdmsr
	EXPECT_EQ64 %edx, %eax, $0xffffffff, $0x81000000, "WRMSR LSTAR fault: LSTAR keeps 0xffffffff81000000"
	MSR_UNTAG

	WR_NONCANON MSR_LSTAR, 0xaaaaaaaa, 0xaaaaaaaa, 0xffffffff, 0x81000000, "LSTAR = 0xaaaaaaaaaaaaaaaa"
	WR_NONCANON MSR_CSTAR, 0xaaaaaaaa, 0xaaaaaaaa, 0xffffffff, 0x81000040, "CSTAR = 0xaaaaaaaaaaaaaaaa"
	WR_NONCANON MSR_KERNEL_GS_BASE, 0xaaaaaaaa, 0xaaaaaaaa, 0xffff8000, 0x00001000, "KERNEL_GS_BASE = 0xaaaaaaaaaaaaaaaa"
	WR_NONCANON MSR_FS_BASE, 0xaaaaaaaa, 0xaaaaaaaa, 0x00000000, 0x00200000, "FS_BASE = 0xaaaaaaaaaaaaaaaa"
	WR_NONCANON MSR_GS_BASE, 0xfeffffff, 0xffffffff, 0x00007fff, 0x00000000, "GS_BASE = 0xfeffffffffffffff"
	/*
	 * FS_BASE/GS_BASE are the hidden FS/GS bases: reload the selectors so
	 * nothing later uses the test values.
	 */
	movl $SEL_DATA32, %eax
	movw %ax, %fs
	movw %ax, %gs

	/* Unknown index (msr.md 15.2): #GP(0), RIP unchanged, EDX:EAX untouched. */
	MSR_TAG $MSR_BOGUS
	movl $MSR_BOGUS, %ecx
	movl $0x11111111, %edx
	movl $0x22222222, %eax
	TRY rdmsr
	EXPECT_GP "RDMSR 0x12345678 (no such MSR): #GP(0), EIP on the RDMSR"
	EXPECT_EQ64 %edx, %eax, $0x11111111, $0x22222222, "RDMSR 0x12345678 fault: EDX:EAX unchanged"
	movl $MSR_BOGUS, %ecx
	xorl %edx, %edx
	xorl %eax, %eax
	TRY wrmsr
	EXPECT_GP "WRMSR 0x12345678 (no such MSR): #GP(0), EIP on the WRMSR"
	MSR_UNTAG

	/* TSC through RDMSR: two reads increase. */
	MSR_TAG $MSR_IA32_TSC
	movl $MSR_IA32_TSC, %ecx
	rdmsr
	movl %eax, %esi
	movl %edx, %edi
	movl $MSR_IA32_TSC, %ecx
	rdmsr
	subl %esi, %eax
	sbbl %edi, %edx
	/* EDX:EAX = second - first, must be > 0 as a signed 64-bit value. */
	testl %edx, %edx
	js 1f
	jnz 2f
	testl %eax, %eax
	jz 1f
2:	PASS "RDMSR TSC (0x10) twice: the second read is larger"
	jmp 3f
1:	FAIL "RDMSR TSC (0x10) twice: the second read is larger", "difference <= 0"
3:	MSR_UNTAG
	ret
