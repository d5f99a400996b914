/* SPDX-License-Identifier: MIT */
/*
 * guest.h: the runtime every vx86 test guest (and the demo) is built on.
 *
 * A guest is one GNU assembler file that includes this header first and
 * defines `guest_main` (32-bit code, called with a stack, our GDT and our IDT
 * loaded, COM1 initialised). When guest_main returns, guest_exit prints
 * "SUMMARY: N passed, M failed" and writes 0 (all passed) or 1 (a failure, or
 * no test point at all) to the isa-debug-exit port, so the VMM exits with
 * status 1 or 3.
 *
 * The image is a Multiboot v1 ELF32 kernel linked at 1 MiB by guest.ld; QEMU
 * (-kernel) and vx86 enter it in 32-bit protected mode, paging off,
 * EAX = 0x2BADB002, EBX = the multiboot information.
 *
 * What is here:
 *   - constants (ports, selectors, CR/EFER bits, MSR indexes);
 *   - the multiboot header, _start, a flat GDT with 16-, 32- and 64-bit code;
 *   - console output: putc/puts/puthex32/puthex64/putdec (32-bit), the
 *     putc64/puts64/puthex_qn versions for 64-bit code, and rm_putc/rm_puts/
 *     rm_puthex for 16-bit code (real mode and 16-bit protected mode);
 *   - test points: PASS, FAIL, CHECK, EXPECT_EQ, EXPECT_EQ64, EXPECT_EXC,
 *     EXPECT_GP, EXPECT_NOEXC, and TRY to run one instruction that may fault;
 *     MSR_TAG/MSR_UNTAG (and MSR_TAG64/MSR_UNTAG64) around the checks that
 *     are about one MSR;
 *   - exception handling: a 32-bit IDT and a 64-bit IDT for vectors 0-31 and a
 *     real-mode IVT; every handler records vector, error code and faulting
 *     instruction. Inside TRY the handler resumes after the instruction; any
 *     other exception prints a FAIL line with the vector and ends the run with
 *     a failure status instead of hanging or triple-faulting;
 *   - identity page tables for long mode (1 GiB of 2 MiB pages) and
 *     long_mode_enter/long_mode_leave;
 *   - the low-memory trampoline area: code placed in `LOWTEXT` sections is
 *     copied to LOW_BASE (below 1 MiB) by lowtext_install, so it can run in
 *     real mode. Refer to its labels with LOW(label).
 *
 * The interface (constants and macros) is this file; the code and data it
 * emits are in guest_runtime.h (multiboot header, _start, console, test
 * points) and guest_cpu.h (GDT, IDTs, exception handlers, page tables,
 * long_mode_enter/long_mode_leave, the low-memory trampoline).
 *
 * Exception handlers never return with IRET: a TRY fault resumes by dropping
 * the frame, POPF and a jump. KVM's instruction emulator, which some hosts
 * (kvm_pvm) use for all guest kernel code, cannot emulate a protected-mode
 * IRET; iret.S tests IRET on its own.
 *
 * Output lines. A test point prints "PASS: name" or "FAIL: name (detail)";
 * between MSR_TAG idx and MSR_UNTAG, a FAIL line also ends with the MSR's
 * index, " {msr 0x%08x}" (8 lower-case hex digits), e.g.
 *   FAIL: [pat-inval-0x02] PAT byte 0 = 0x02: #GP(0) at the WRMSR (expected
 *   vector 13 ...; got no exception) {msr 0x00000277}
 * so run.t can tell checks of an MSR (which vx86's MSR model may answer)
 * from checks of what the CPU or KVM decides. PASS lines carry no tag. The
 * check macros of guest_msr.h tag themselves; other MSR checks use MSR_TAG.
 *
 * Register conventions of the 32-bit routines: arguments in registers as
 * documented, every register (but not EFLAGS) preserved. Test-point macros
 * keep all registers too. Do not pass %esp-relative operands to them.
 */
#ifndef VX86_GUEST_H
#define VX86_GUEST_H

/* ---------------------------------------------------------------- constants */

#define COM1 0x3f8
#define COM1_THR (COM1 + 0)
#define COM1_IER (COM1 + 1)
#define COM1_FCR (COM1 + 2)
#define COM1_LCR (COM1 + 3)
#define COM1_MCR (COM1 + 4)
#define COM1_LSR (COM1 + 5)
#define COM1_SCR (COM1 + 7)
#define LSR_THRE 0x20
#define DEBUGCON_PORT 0xe9
#define DEBUG_EXIT_PORT 0xf4

/* Where console output goes (out_mask). */
#define OUT_COM1 1
#define OUT_E9 2

#define MULTIBOOT_MAGIC 0x1badb002
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002
#define MULTIBOOT_FLAGS 0x00000003 /* page-align modules, memory info; no a.out kludge */

/* Our GDT. 0x08/0x10 are the selectors multiboot loaders conventionally use. */
#define SEL_CODE32 0x08
#define SEL_DATA32 0x10
#define SEL_CODE16 0x18
#define SEL_DATA16 0x20
#define SEL_CODE64 0x28

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_ET (1 << 4)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_AM (1 << 18)
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
#define CR0_PG (1 << 31)

#define CR4_PAE (1 << 5)

#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_LMA (1 << 10)
#define EFER_NX (1 << 11)

#define MSR_IA32_TSC 0x00000010
#define MSR_IA32_SYSENTER_CS 0x00000174
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#define EFLAGS_IF (1 << 9)
#define EFLAGS_VM (1 << 17)

#define VEC_UD 6
#define VEC_GP 13

/* Low-memory trampoline area (RAM below 0x9fc00 is free for the guest). */
#define LOW_BASE 0x8000
#define LOW(sym) ((sym) - lowtext_start + LOW_BASE)
#define RM_STACK_TOP 0x7c00 /* real-mode stack, SS = 0 */
#define RM_IVT_BASE 0x0000  /* the architectural real-mode IVT */

#define STACK_SIZE 16384

/* ------------------------------------------------------------ section macros */

/* 32-bit code in the image at 1 MiB. */
.macro TEXT32
	.text
	.code32
.endm

/* 64-bit code in the image at 1 MiB (only reachable with our page tables). */
.macro TEXT64
	.text
	.code64
.endm

/* 16-bit code and its data, run from LOW_BASE after lowtext_install. */
.macro LOWTEXT
	.section .lowtext, "awx"
	.code16
.endm

/* ------------------------------------------------------- console macros (32) */

/* Print a string literal on the console. */
.macro PRINT text:req
	.section .rodata
.Lprint_str\@: .asciz "\text"
	.previous
	pushl %esi
	movl $.Lprint_str\@, %esi
	call puts
	popl %esi
.endm

/* Same, followed by a newline. */
.macro PRINTLN text=""
	.section .rodata
.Lprint_str\@: .ascii "\text"
	.byte 10, 0
	.previous
	pushl %esi
	movl $.Lprint_str\@, %esi
	call puts
	popl %esi
.endm

/* Print a 32-bit operand (register, memory, immediate) as 0x + `digits` hex digits. */
.macro PUTHEX val:req, digits=8
	pushl %eax
	pushl %ecx
	movl \val, %eax
	movl $\digits, %ecx
	call puthex_n
	popl %ecx
	popl %eax
.endm

/* Print a 32-bit operand in decimal. */
.macro PUTDEC val:req
	pushl %eax
	movl \val, %eax
	call putdec
	popl %eax
.endm

/* Print EDX:EAX-style pair of operands as 0x%016llx. */
.macro PUTHEX64 hi:req, lo:req
	pushl %eax
	pushl %edx
	pushl \lo
	pushl \hi
	popl %edx
	popl %eax
	call puthex64
	popl %edx
	popl %eax
.endm

/* ------------------------------------------------------- console macros (64) */

.macro PRINT64 text:req
	.section .rodata
.Lprint_str\@: .asciz "\text"
	.previous
	pushq %rsi
	movl $.Lprint_str\@, %esi /* zero-extends: the image is below 4 GiB */
	call puts64
	popq %rsi
.endm

.macro PRINTLN64 text=""
	.section .rodata
.Lprint_str\@: .ascii "\text"
	.byte 10, 0
	.previous
	pushq %rsi
	movl $.Lprint_str\@, %esi
	call puts64
	popq %rsi
.endm

/* Print a 64-bit operand as 0x + `digits` hex digits from 64-bit code. */
.macro PUTHEXQ val:req, digits=16
	pushq %rax
	pushq %rcx
	movq \val, %rax
	movl $\digits, %ecx
	call puthex_qn
	popq %rcx
	popq %rax
.endm

/* ------------------------------------------------------- console macros (16) */

/*
 * Print a string literal from 16-bit code in LOWTEXT (real mode or 16-bit
 * protected mode with DS base 0). The string is kept inline, in low memory.
 */
.macro RM_PRINT text:req
	jmp .Lrm_after\@
.Lrm_str\@: .asciz "\text"
.Lrm_after\@:
	pushw %si
	movw $LOW(.Lrm_str\@), %si
	call rm_puts
	popw %si
.endm

.macro RM_PRINTLN text=""
	jmp .Lrm_after\@
.Lrm_str\@: .ascii "\text"
	.byte 10, 0
.Lrm_after\@:
	pushw %si
	movw $LOW(.Lrm_str\@), %si
	call rm_puts
	popw %si
.endm

/* ------------------------------------------------------------- test points */

/* Count and print "PASS: name". */
.macro PASS name:req
	.section .rodata
.Lname\@: .asciz "\name"
	.previous
	pushl $0
	pushl $.Lname\@
	call test_point_pass
.endm

/* Count and print "FAIL: name (detail)" (and the MSR tag under MSR_TAG). */
.macro FAIL name:req, detail=""
	.section .rodata
.Lname\@: .asciz "\name"
.Ldetail\@: .asciz "\detail"
	.previous
	pushl $.Ldetail\@
	pushl $.Lname\@
	call test_point_fail
.endm

/*
 * PASS if condition code `cc` holds (after a cmp/test), FAIL with `detail`
 * otherwise: `cmpl $1, %eax; CHECK e, "eax is one"`.
 */
.macro CHECK cc:req, name:req, detail=""
	.section .rodata
.Lname\@: .asciz "\name"
.Ldetail\@: .asciz "\detail"
	.previous
	pushl $.Ldetail\@
	pushl $.Lname\@
	j\cc .Lok\@
	call test_point_fail
	jmp .Ldone\@
.Lok\@:
	call test_point_pass
.Ldone\@:
.endm

/* 32-bit equality; FAIL says what was read and what was expected. */
.macro EXPECT_EQ actual:req, expected:req, name:req
	.section .rodata
.Lname\@: .asciz "\name"
	.previous
	pushl \expected
	pushl \actual
	pushl $.Lname\@
	call check_eq32
.endm

/* 64-bit equality of two hi:lo operand pairs. */
.macro EXPECT_EQ64 act_hi:req, act_lo:req, exp_hi:req, exp_lo:req, name:req
	.section .rodata
.Lname\@: .asciz "\name"
	.previous
	pushl \exp_hi
	pushl \exp_lo
	pushl \act_hi
	pushl \act_lo
	pushl $.Lname\@
	call check_eq64
.endm

/*
 * Run one instruction that may fault (32-bit code; TRY64 in 64-bit code). The exception
 * handler records vector, error code and faulting EIP, then resumes at the
 * instruction after it; registers other than what the instruction itself
 * writes are preserved. try_ip holds the instruction's address so
 * EXPECT_EXC can check the fault was reported there (RIP not advanced).
 * exc_vector is 0xffffffff if nothing was raised.
 */
.macro TRY insn:vararg
	movl $.Ltry_insn\@, try_ip
	movl $.Ltry_resume\@, exc_recover
	movl $0xffffffff, exc_vector
	movl $1, exc_armed
.Ltry_insn\@:
	\insn
.Ltry_resume\@:
	movl $0, exc_armed
.endm

/* TRY for 64-bit code. */
.macro TRY64 insn:vararg
	movl $.Ltry_insn\@, try_ip(%rip)
	movl $.Ltry_resume\@, exc_recover(%rip)
	movl $0xffffffff, exc_vector(%rip)
	movl $1, exc_armed(%rip)
.Ltry_insn\@:
	\insn
.Ltry_resume\@:
	movl $0, exc_armed(%rip)
.endm

/* The last TRY raised vector `vec` with error code `err` at its instruction. */
.macro EXPECT_EXC vec:req, err:req, name:req
	.section .rodata
.Lname\@: .asciz "\name"
	.previous
	pushl \err
	pushl \vec
	pushl $.Lname\@
	call check_exc
.endm

/* The last TRY raised #GP(0) at its instruction. */
.macro EXPECT_GP name:req
	EXPECT_EXC $VEC_GP, $0, "\name"
.endm

/* The last TRY raised nothing. */
.macro EXPECT_NOEXC name:req
	.section .rodata
.Lname\@: .asciz "\name"
	.previous
	pushl $.Lname\@
	call check_noexc
.endm

/*
 * The checks up to MSR_UNTAG are about MSR `idx` (32-bit operand: immediate,
 * memory or register, not %esp-relative): their FAIL lines end with
 * " {msr 0x%08x}". Keeps every register and EFLAGS. Does not nest: the
 * innermost MSR_UNTAG ends the tag.
 */
.macro MSR_TAG idx:req
	pushl \idx
	popl cur_msr
	movl $1, msr_tagged
.endm

/* End of the checks about the MSR of the last MSR_TAG. Keeps EFLAGS. */
.macro MSR_UNTAG
	movl $0, msr_tagged
.endm

/* MSR_TAG and MSR_UNTAG for 64-bit code: `idx` an immediate or a 32-bit register. */
.macro MSR_TAG64 idx:req
	movl \idx, cur_msr(%rip)
	movl $1, msr_tagged(%rip)
.endm

.macro MSR_UNTAG64
	movl $0, msr_tagged(%rip)
.endm
/* ------------------------------------------------------------ the runtime */

#include "guest_runtime.h"
#include "guest_cpu.h"

#endif /* VX86_GUEST_H */
