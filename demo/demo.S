/* SPDX-License-Identifier: MIT */
/*
 * The `make run` demo: a guest that walks from real mode to protected mode to
 * long mode and explains each step on COM1, then plays with a few MSRs and
 * ends through isa-debug-exit with value 0 (vx86 exit status 1).
 *
 * Multiboot enters in 32-bit protected mode, so the demo first drops back to
 * real mode through a 16-bit trampoline copied below 1 MiB, and says so.
 * It uses the runtime of the test guests (tests/guests/guest.h): console
 * output, our GDT and IDTs, identity page tables, TRY for the one WRMSR that
 * is meant to fault.
 */
#include "guest.h"

#define DEMO_LSTAR_HI 0xffffffff
#define DEMO_LSTAR_LO 0x81000000

/* --------------------------------------------------------------- real mode */

	LOWTEXT
/* Entered from 32-bit code by a far jump to the 16-bit code segment. */
demo_pm16:
	movw $SEL_DATA16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $RM_STACK_TOP, %esp
	movl %cr0, %eax
	andl $~CR0_PE, %eax
	movl %eax, %cr0
	ljmp $0, $LOW(demo_rm)

demo_rm:
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $RM_STACK_TOP, %sp
	lidt LOW(rm_idt_ptr)
	call 1f
1:	popw %bx /* our own IP */
	RM_PRINTLN ""
	RM_PRINT "[real mode] we are in real mode: CS="
	movw %cs, %ax
	call rm_puthex16
	RM_PRINT " IP="
	movw %bx, %ax
	call rm_puthex16
	RM_PRINT ", CR0="
	movl %cr0, %eax
	call rm_puthex32
	RM_PRINTLN " (PE=0)"
	RM_PRINTLN "[real mode] 16-bit registers; an address is segment * 16 + offset, so only the first MiB is in reach"
	movw $0x0500, %ax
	movw %ax, %es
	movw $0x1234, %es:0x0100
	movw $0x0510, %ax
	movw %ax, %es
	RM_PRINT "[real mode] wrote 0x1234 at 0500:0100, read back at 0510:0000 (same linear address 0x5100): "
	movw %es:0x0000, %ax
	call rm_puthex16
	RM_PRINTLN ""
	int $0x30
	RM_PRINTLN "[real mode] entering protected mode: the GDT is loaded (LGDT), set CR0.PE=1, far jump to CS=0x08"
	cli
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $demo_pm32

/* INT 0x30 lands here through the interrupt vector table. */
demo_rm_int30:
	RM_PRINTLN "[real mode] INT 0x30 went through the interrupt vector table at address 0 and came back with IRET"
	iret

/* ----------------------------------------------------------- 64-bit mode */

	TEXT64
demo_lm64:
	movl %esp, %esp
	PRINTLN64 ""
	PRINT64 "[long mode] 64-bit mode: CS="
	xorl %eax, %eax
	movw %cs, %ax
	PUTHEXQ %rax, 4
	PRINT64 " RIP="
	leaq demo_lm64(%rip), %rax
	PUTHEXQ %rax
	PRINT64 " RSP="
	movq %rsp, %rax
	PUTHEXQ %rax
	PRINTLN64 ""
	PRINT64 "[long mode] registers are 64 bits wide: RAX="
	movabsq $0x0123456789abcdef, %rax
	PUTHEXQ %rax
	PRINTLN64 ""

	PRINTLN64 "[long mode] model-specific registers (RDMSR/WRMSR, ECX = index, EDX:EAX = value):"
	PRINT64 "    RDMSR EFER (0xc0000080) = "
	movl $MSR_EFER, %ecx
	call rdmsr_rax
	PUTHEXQ %rax
	PRINTLN64 " (SCE=bit 0, LME=bit 8, LMA=bit 10)"

	PRINT64 "    WRMSR LSTAR (0xc0000082) = 0xffffffff81000000, the SYSCALL entry point; RDMSR reads back "
	movl $MSR_LSTAR, %ecx
	movl $DEMO_LSTAR_HI, %edx
	movl $DEMO_LSTAR_LO, %eax
	wrmsr
	call rdmsr_rax
	PUTHEXQ %rax
	PRINTLN64 ""

	/* No TSC values on the console: they differ from run to run. */
	PRINT64 "    RDMSR TSC (0x10) twice: "
	movl $MSR_IA32_TSC, %ecx
	call rdmsr_rax
	movq %rax, %rbx
	call rdmsr_rax
	cmpq %rbx, %rax
	jbe 4f
	PRINTLN64 "the second value is larger, the time-stamp counter runs"
	jmp 5f
4:	PRINTLN64 "the second value is not larger! (the time-stamp counter should run)"
5:

	PRINT64 "    WRMSR LSTAR = 0x0100000000000000, canonical neither for 48- nor for 57-bit addresses: "
	movl $MSR_LSTAR, %ecx
	movl $0x01000000, %edx
	xorl %eax, %eax
	TRY64 wrmsr
	cmpl $VEC_GP, exc_vector(%rip)
	jne 1f
	PRINT64 "#GP, error code "
	movl exc_error(%rip), %eax
	PUTHEXQ %rax, 1
	PRINT64 ", caught by our IDT at RIP="
	movl exc_eip(%rip), %eax
	PUTHEXQ %rax
	PRINTLN64 " (the WRMSR itself)"
	PRINT64 "    LSTAR is unchanged: "
	jmp 2f
1:	PRINTLN64 "no #GP! (the architecture says WRMSR must fault here)"
	PRINT64 "    LSTAR now holds: "
2:	movl $MSR_LSTAR, %ecx
	call rdmsr_rax
	PUTHEXQ %rax
	PRINTLN64 ""

	PRINTLN64 ""
	PRINTLN64 "vx86 demo: done. Writing 0 to the isa-debug-exit port 0xf4, so vx86 exits with status (0 << 1) | 1 = 1."
	xorl %eax, %eax
	outb %al, $DEBUG_EXIT_PORT
3:	cli
	hlt
	jmp 3b

/* RAX = MSR[ECX], as one 64-bit value. */
rdmsr_rax:
	pushq %rdx
	rdmsr
	shlq $32, %rdx
	orq %rdx, %rax
	popq %rdx
	ret

/* ---------------------------------------------------------- 32-bit code */

	TEXT32
	.globl guest_main
guest_main:
	PRINTLN "vx86 demo: a guest that walks through the x86 operating modes, explaining each step."
	PRINTLN ""
	PRINT "[protected mode] the multiboot loader entered us in 32-bit protected mode: CR0="
	PUTHEX entry_cr0
	PRINT " (PE=1, PG=0), EAX="
	PUTHEX mb_magic
	PRINTLN " (the multiboot magic)"
	PRINTLN "[protected mode] an x86 CPU starts in real mode, so to start from the beginning we drop back to it:"
	PRINTLN "    copy a 16-bit trampoline to 0x8000 (real mode only reaches the first MiB), far jump to a"
	PRINTLN "    16-bit code segment, clear CR0.PE, far jump to a real-mode CS."
	call lowtext_install
	movl $LOW(demo_rm_int30), RM_IVT_BASE + 0x30 * 4
	ljmp $SEL_CODE16, $LOW(demo_pm16)

demo_pm32:
	movl $SEL_DATA32, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $stack_top, %esp
	lidt idt32_ptr
	PRINTLN ""
	PRINT "[protected mode] back in 32-bit protected mode: CS="
	xorl %eax, %eax
	movw %cs, %ax
	PUTHEX %eax, 4
	PRINT ", CR0="
	movl %cr0, %eax
	PUTHEX %eax
	PRINTLN " (PE=1): flat 4 GiB segments, paging off, our own IDT for exceptions"
	PRINTLN "[protected mode] on the way to long mode:"

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	PRINT "    CR4.PAE=1, CR4="
	PUTHEX %eax
	PRINTLN " (long mode uses the PAE page-table format)"

	movl $pml4, %eax
	movl %eax, %cr3
	PRINT "    CR3="
	PUTHEX %eax
	PRINTLN ": page tables mapping the first GiB onto itself with 2 MiB pages"

	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	rdmsr
	PRINT "    EFER.LME=1, EFER="
	PUTHEX64 %edx, %eax
	PRINTLN " (long mode enabled, not active yet: paging is off)"

	lidt idt64_ptr
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0
	movl $MSR_EFER, %ecx
	rdmsr
	PRINT "    CR0.PG=1: long mode active, EFER="
	PUTHEX64 %edx, %eax
	PRINTLN " (LME|LMA); still running 32-bit code, in compatibility mode"
	PRINTLN "    far jump to CS=0x28, a code segment with the L (64-bit) bit set"
	ljmp $SEL_CODE64, $demo_lm64
