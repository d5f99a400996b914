/* SPDX-License-Identifier: MIT */
/*
 * diffstate: a guest whose final state is known in every field vx86 run
 * --dump-state writes, for tests/e2e/diff.t, which runs it on each engine and
 * compares the dumps field by field. It also checks itself like every guest.
 *
 *   1. 32-bit protected mode: CR0 = PE MP ET NE WP AM, CR4 = DE PSE MCE PGE
 *      PCE OSFXSR OSXMMEXCPT (+ OSXSAVE with XCR0 = x87|SSE when CPUID has
 *      XSAVE), EFER = SCE (+ NXE with CPUID NX), then long mode with CR3 =
 *      the identity map with PWT|PCD.
 *   2. 64-bit mode: its own GDT (the runtime's six descriptors, two data
 *      segments with odd bases, limits and attributes, an LDT and a 64-bit
 *      TSS), LLDT, LTR, FS and GS with their base MSRs, KERNEL_GS_BASE, STAR,
 *      LSTAR, CSTAR, SFMASK, SYSENTER_CS/ESP/EIP, PAT, TSC_AUX (with RDTSCP),
 *      CR2, CR8, DR0-DR3, DR6 and DR7 (no breakpoint enabled); everything is
 *      read back and kept. XCR0 is not read back: kvm_pvm's instruction
 *      emulator, which runs guest kernel code there, cannot emulate XGETBV
 *      (KVM_RUN stops with an emulation failure; LSL and LAR too), and the
 *      dumps compare XCR0 and the hidden segment parts anyway.
 *   3. Compatibility mode: the read-back values are checked (PASS/FAIL lines)
 *      and the summary printed.
 *   4. 64-bit mode again: DS = the odd data segment, ES = null, RFLAGS, and
 *      every general register set to a known value, then debug-exit 0 (or 1
 *      after a failure) with OUT, which touches none of them.
 */
#include "guest.h"

#define CR4_DE (1 << 3)
#define CR4_PSE (1 << 4)
#define CR4_MCE (1 << 6)
#define CR4_PGE (1 << 7)
#define CR4_PCE (1 << 8)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define CR4_OSXSAVE (1 << 18)
#define CR4_BASE (CR4_DE | CR4_PSE | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT)
#define CR0_BASE (CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM)

#define C1C_XSAVE (1 << 26)
#define E1D_NX (1 << 20)
#define E1D_RDTSCP (1 << 27)

#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_PAT 0x277
#define MSR_TSC_AUX 0xc0000103

/* Selectors of diffstate's own GDT, after the runtime's six. */
#define SEL_ODD 0x30	/* data, base 0x12345000, limit 0xabcde, AVL, not accessed */
#define SEL_USER 0x3b	/* data, DPL 3, base 0x00abc000, 4 GiB, RPL 3 */
#define SEL_LDT 0x40
#define SEL_TSS 0x50

/* The RFLAGS of the final state: CF PF AF ZF SF DF OF AC ID and bit 1; IF = 0. */
#define FINAL_RFLAGS 0x240ed7

	.data
	.balign 16
diff_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff /* 0x08..0x28: as the runtime's GDT */
	.quad 0x00cf93000000ffff
	.quad 0x00009b000000ffff
	.quad 0x000093000000ffff
	.quad 0x00af9b000000ffff
	.quad 0x125a92345000bcde /* 0x30: P DPL0 RW type 2, D/B AVL, G=0 */
	.quad 0x00cff3abc000ffff /* 0x38: P DPL3 RW accessed, G D/B */
	.quad 0, 0		 /* 0x40: LDT, filled by sys_desc */
	.quad 0, 0		 /* 0x50: 64-bit TSS, filled by sys_desc */
diff_gdt_end:
	.balign 4
	.word 0, 0, 0
diff_gdt_ptr:
	.word diff_gdt_end - diff_gdt - 1
	.long diff_gdt, 0

	.balign 8
diff_ldt:
	.quad 0
	.quad 0x00cf93000000ffff
	.quad 0x00cf9b000000ffff
diff_ldt_end:

	.balign 16
diff_tss:
	.long 0
	.quad 0x0000000000108000 /* RSP0 */
	.fill 0x66 - 12, 1, 0
	.word 0x68 /* no I/O bitmap */
diff_tss_end:

/* CPUID results the guest adapts to (the same image runs on every engine). */
has_xsave:	.long 0
has_nx:		.long 0
has_rdtscp:	.long 0
saved_esp:	.long 0

/* Read back in 64-bit mode, checked in compatibility mode. */
	.balign 8
r_cr0:		.quad 0
r_cr2:		.quad 0
r_cr3:		.quad 0
r_cr4:		.quad 0
r_cr8:		.quad 0
r_efer:		.quad 0
r_dr0:		.quad 0
r_dr3:		.quad 0
r_dr6:		.quad 0
r_dr7:		.quad 0
r_star:		.quad 0
r_lstar:	.quad 0
r_cstar:	.quad 0
r_sfmask:	.quad 0
r_kgs:		.quad 0
r_fsbase:	.quad 0
r_gsbase:	.quad 0
r_sys_cs:	.quad 0
r_sys_esp:	.quad 0
r_sys_eip:	.quad 0
r_pat:		.quad 0
r_tsc_aux:	.quad 0
r_ldtr:		.long 0
r_tr:		.long 0
r_fs:		.long 0
r_gs:		.long 0
r_acc:		.long 0 /* diff_gdt's 0x30 access byte after the load */
r_tss_acc:	.long 0
r_sgdt:		.word 0
		.quad 0

/* ---------------------------------------------------------- 32-bit code */

	TEXT32
/*
 * Fill the system descriptor at EDI (16 bytes, the 64-bit form): base EAX,
 * limit ECX (< 1 MiB, G = 0), access byte DL.
 */
sys_desc:
	pushal
	movl %ecx, %ebx
	andl $0xffff, %ebx
	movl %eax, %esi
	shll $16, %esi
	orl %esi, %ebx
	movl %ebx, 0(%edi)
	movl %eax, %ebx
	andl $0xff000000, %ebx
	andl $0x000f0000, %ecx
	orl %ecx, %ebx
	movzbl %dl, %edx
	shll $8, %edx
	orl %edx, %ebx
	shrl $16, %eax
	movzbl %al, %eax
	orl %eax, %ebx
	movl %ebx, 4(%edi)
	movl $0, 8(%edi)
	movl $0, 12(%edi)
	popal
	ret

	.globl guest_main
guest_main:
	movl $1, %eax
	cpuid
	andl $C1C_XSAVE, %ecx
	movl %ecx, has_xsave
	movl $0x80000001, %eax
	cpuid
	movl %edx, %eax
	andl $E1D_NX, %eax
	movl %eax, has_nx
	andl $E1D_RDTSCP, %edx
	movl %edx, has_rdtscp

	movl $diff_ldt, %eax
	movl $(diff_ldt_end - diff_ldt - 1), %ecx
	movb $0x82, %dl /* present, LDT */
	leal diff_gdt + SEL_LDT, %edi
	call sys_desc
	movl $diff_tss, %eax
	movl $(diff_tss_end - diff_tss - 1), %ecx
	movb $0x89, %dl /* present, available 64-bit TSS */
	leal diff_gdt + SEL_TSS, %edi
	call sys_desc

	movl %cr0, %eax
	orl $CR0_BASE, %eax
	movl %eax, %cr0
	movl %cr4, %eax
	orl $CR4_BASE, %eax
	cmpl $0, has_xsave
	je 1f
	orl $CR4_OSXSAVE, %eax
	movl %eax, %cr4
	xorl %ecx, %ecx
	xorl %edx, %edx
	movl $3, %eax /* x87 | SSE */
	xsetbv
	jmp 2f
1:	movl %eax, %cr4
	PRINTLN "note: no XSAVE in CPUID: XCR0 stays at its reset value"
2:	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_SCE, %eax
	cmpl $0, has_nx
	je 3f
	orl $EFER_NX, %eax
3:	wrmsr

	movl %esp, saved_esp
	call long_mode_enter
	movl %cr3, %eax
	orl $0x18, %eax /* PWT | PCD */
	movl %eax, %cr3
	ljmp $SEL_CODE64, $phase1

/* Read MSR idx into the quad at dst (64-bit code). */
.macro RD64 idx:req, dst:req
	movl $\idx, %ecx
	rdmsr
	movl %eax, \dst(%rip)
	movl %edx, \dst + 4(%rip)
.endm

/* Write the 64-bit immediate val to MSR idx (64-bit code). */
.macro WR64 idx:req, val:req
	movl $\idx, %ecx
	movabsq $\val, %rax
	movq %rax, %rdx
	shrq $32, %rdx
	wrmsr
.endm

/* ---------------------------------------------------------- 64-bit code */

	TEXT64
phase1:
	movl %esp, %esp /* zero RSP[63:32]: undefined after the mode switch */
	lgdt diff_gdt_ptr(%rip)
	movl $SEL_DATA32, %eax
	movw %ax, %ss
	movl $SEL_LDT, %eax
	lldt %ax
	movl $SEL_TSS, %eax
	ltr %ax
	movl $SEL_ODD, %eax
	movw %ax, %fs
	movl $SEL_USER, %eax
	movw %ax, %gs
	WR64 MSR_FS_BASE, 0x00007f0000001000
	WR64 MSR_GS_BASE, 0xffff800012340000
	WR64 MSR_KERNEL_GS_BASE, 0xffff900000005000
	WR64 MSR_STAR, 0x0023001012345678
	WR64 MSR_LSTAR, 0xffffffff81000000
	WR64 MSR_CSTAR, 0xffffffff81000040
	WR64 MSR_SYSCALL_MASK, 0x0000000000047700
	WR64 MSR_IA32_SYSENTER_CS, 0x0000000000000010
	WR64 MSR_SYSENTER_ESP, 0x000000000009f000
	WR64 MSR_SYSENTER_EIP, 0x0000000000100000
	WR64 MSR_PAT, 0x0007010600070106
	cmpl $0, has_rdtscp(%rip)
	je 1f
	WR64 MSR_TSC_AUX, 0x0000000000000042
	RD64 MSR_TSC_AUX, r_tsc_aux
1:	movabsq $0x00000deadbeef000, %rax
	movq %rax, %cr2
	movl $5, %eax
	movq %rax, %cr8
	movl $0x1000, %eax
	movq %rax, %dr0
	movl $0x2000, %eax
	movq %rax, %dr1
	movl $0x3000, %eax
	movq %rax, %dr2
	movl $0x4000, %eax
	movq %rax, %dr3
	movl $0xffff0ff1, %eax /* B0 set; the reserved bits as they read */
	movq %rax, %dr6
	movl $0xdddd0700, %eax /* R/W = 01, LEN = 11 for all four, LE GE, no L/G bit */
	movq %rax, %dr7

	/* Read everything back. */
	.irp r, cr0, cr2, cr3, cr4, cr8, dr0, dr3, dr6, dr7
	movq %\r, %rax
	movq %rax, r_\r(%rip)
	.endr
	RD64 MSR_EFER, r_efer
	RD64 MSR_STAR, r_star
	RD64 MSR_LSTAR, r_lstar
	RD64 MSR_CSTAR, r_cstar
	RD64 MSR_SYSCALL_MASK, r_sfmask
	RD64 MSR_KERNEL_GS_BASE, r_kgs
	RD64 MSR_FS_BASE, r_fsbase
	RD64 MSR_GS_BASE, r_gsbase
	RD64 MSR_IA32_SYSENTER_CS, r_sys_cs
	RD64 MSR_SYSENTER_ESP, r_sys_esp
	RD64 MSR_SYSENTER_EIP, r_sys_eip
	RD64 MSR_PAT, r_pat
	sldt %ax
	movzwl %ax, %eax
	movl %eax, r_ldtr(%rip)
	str %ax
	movzwl %ax, %eax
	movl %eax, r_tr(%rip)
	movw %fs, %ax
	movzwl %ax, %eax
	movl %eax, r_fs(%rip)
	movw %gs, %ax
	movzwl %ax, %eax
	movl %eax, r_gs(%rip)
	movzbl diff_gdt + SEL_ODD + 5(%rip), %eax
	movl %eax, r_acc(%rip)
	movzbl diff_gdt + SEL_TSS + 5(%rip), %eax
	movl %eax, r_tss_acc(%rip)
	sgdt r_sgdt(%rip)

	/* To compatibility mode for the checks. */
	pushq $SEL_CODE32
	movl $phase_check, %eax
	pushq %rax
	lretq

/* The final state: nothing after the register loads but the OUT. */
phase_final:
	movl $SEL_ODD, %eax
	movw %ax, %ds
	xorl %eax, %eax
	movw %ax, %es
	pushq $FINAL_RFLAGS
	popfq
	movabsq $0x0123456789abcd00, %rax /* AL = 0: debug-exit 0, status 1 */
	movabsq $0x1111111111111111, %rbx
	movabsq $0x2222222222222222, %rcx
	movabsq $0x3333333333333333, %rdx
	movabsq $0x4444444444444444, %rsi
	movabsq $0x5555555555555555, %rdi
	movabsq $0x6666666666666666, %rbp
	movabsq $0x00000000000f0ff8, %rsp
	movabsq $0x8888888888888888, %r8
	movabsq $0x9999999999999999, %r9
	movabsq $0xaaaaaaaaaaaaaaaa, %r10
	movabsq $0xbbbbbbbbbbbbbbbb, %r11
	movabsq $0xcccccccccccccccc, %r12
	movabsq $0xdddddddddddddddd, %r13
	movabsq $0xeeeeeeeeeeeeeeee, %r14
	movabsq $0xffffffffffffffff, %r15
	outb %al, $DEBUG_EXIT_PORT
1:	hlt
	jmp 1b

/* ----------------------------------------------- compatibility mode code */

	TEXT32
phase_check:
	movl saved_esp, %esp
	EXPECT_EQ r_cr0, $(CR0_BASE | CR0_PG), "CR0 = PG AM WP NE ET MP PE"
	movl $(CR4_BASE | CR4_PAE), %eax
	cmpl $0, has_xsave
	je 1f
	orl $CR4_OSXSAVE, %eax
1:	EXPECT_EQ r_cr4, %eax, "CR4 = the bits set (with OSXSAVE when CPUID has XSAVE)"
	movl $pml4 + 0x18, %eax
	EXPECT_EQ64 r_cr3 + 4, r_cr3, $0, %eax, "CR3 = the identity map | PWT | PCD"
	EXPECT_EQ64 r_cr2 + 4, r_cr2, $0x00000dea, $0xdbeef000, "CR2 = 0xdeadbeef000"
	EXPECT_EQ64 r_cr8 + 4, r_cr8, $0, $5, "CR8 = 5"
	movl $(EFER_SCE | EFER_LME | EFER_LMA), %eax
	cmpl $0, has_nx
	je 2f
	orl $EFER_NX, %eax
2:	EXPECT_EQ64 r_efer + 4, r_efer, $0, %eax, "EFER = SCE LME LMA (with NXE when CPUID has NX)"
	EXPECT_EQ64 r_dr0 + 4, r_dr0, $0, $0x1000, "DR0 = 0x1000"
	EXPECT_EQ64 r_dr3 + 4, r_dr3, $0, $0x4000, "DR3 = 0x4000"
	EXPECT_EQ64 r_dr6 + 4, r_dr6, $0, $0xffff0ff1, "DR6 = 0xffff0ff1"
	EXPECT_EQ64 r_dr7 + 4, r_dr7, $0, $0xdddd0700, "DR7 = 0xdddd0700"
	EXPECT_EQ64 r_star + 4, r_star, $0x00230010, $0x12345678, "STAR reads back"
	EXPECT_EQ64 r_lstar + 4, r_lstar, $0xffffffff, $0x81000000, "LSTAR reads back"
	EXPECT_EQ64 r_cstar + 4, r_cstar, $0xffffffff, $0x81000040, "CSTAR reads back"
	EXPECT_EQ64 r_sfmask + 4, r_sfmask, $0, $0x47700, "SFMASK reads back"
	EXPECT_EQ64 r_kgs + 4, r_kgs, $0xffff9000, $0x00005000, "KERNEL_GS_BASE reads back"
	EXPECT_EQ64 r_fsbase + 4, r_fsbase, $0x00007f00, $0x00001000, "FS_BASE reads back"
	EXPECT_EQ64 r_gsbase + 4, r_gsbase, $0xffff8000, $0x12340000, "GS_BASE reads back"
	EXPECT_EQ64 r_sys_cs + 4, r_sys_cs, $0, $0x10, "SYSENTER_CS reads back"
	EXPECT_EQ64 r_sys_esp + 4, r_sys_esp, $0, $0x9f000, "SYSENTER_ESP reads back"
	EXPECT_EQ64 r_sys_eip + 4, r_sys_eip, $0, $0x100000, "SYSENTER_EIP reads back"
	EXPECT_EQ64 r_pat + 4, r_pat, $0x00070106, $0x00070106, "PAT reads back"
	cmpl $0, has_rdtscp
	je 4f
	EXPECT_EQ64 r_tsc_aux + 4, r_tsc_aux, $0, $0x42, "TSC_AUX reads back"
4:	EXPECT_EQ r_ldtr, $SEL_LDT, "SLDT gives the LDT selector"
	EXPECT_EQ r_tr, $SEL_TSS, "STR gives the TSS selector"
	EXPECT_EQ r_fs, $SEL_ODD, "FS holds its selector"
	EXPECT_EQ r_gs, $SEL_USER, "GS holds its selector (RPL 3)"
	/* SDM 3.4.5.1: loading a segment register sets the descriptor's accessed bit. */
	EXPECT_EQ r_acc, $0x93, "loading FS set the descriptor's accessed bit"
	/* SDM 7.2.2: LTR marks the TSS descriptor busy. */
	EXPECT_EQ r_tss_acc, $0x8b, "LTR marked the TSS descriptor busy"
	movzwl r_sgdt, %eax
	EXPECT_EQ %eax, $(diff_gdt_end - diff_gdt - 1), "SGDT gives the GDT limit"
	EXPECT_EQ r_sgdt + 2, $diff_gdt, "SGDT gives the GDT base"

	cmpl $0, tests_failed
	jne 5f
	call print_summary
	ljmp $SEL_CODE64, $phase_final
	/* A failure: the runtime's summary and debug-exit 1 (status 3). */
5:	jmp guest_exit
