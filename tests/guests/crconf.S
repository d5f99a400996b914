/* SPDX-License-Identifier: MIT */
/*
 * crconf: control-register and CPU-mode conformance, at CPL 0, from 32-bit
 * protected mode (the multiboot entry), real mode, compatibility mode and
 * 64-bit mode. Every expectation is architectural (Intel SDM vol. 2 "MOV--Move
 * to/from Control Registers", "MOV--Move to/from Debug Registers", LMSW, SMSW,
 * CLTS, XSETBV, XGETBV; vol. 3A 2.5, 2.6, 4.1, 4.10.1, 9.8.5, 17.2; AMD APM
 * vol. 2 3.1 and 14.6; spec/cr.md, above all section 14, and spec/msr.md 6.1)
 * and every feature-dependent one is derived from the CPUID this guest sees:
 *
 *   VME, DE, PSE, TSC, PAE, MCE, PGE, FXSR, SSE, VMX, SMX, PCID, XSAVE, UMIP,
 *   LA57, FSGSBASE, SMEP, SMAP, PKU, CET (SS or IBT), KL, PKS, UINTR, LASS,
 *   LAM, FRED, the XCR0 components of CPUID.(0xD,0), XGETBV with ECX = 1
 *   (0xD.1:EAX[2]), LM, NX, SYSCALL, SVM, FXSR_OPT, TCE, AUTOIBRS, AMD's
 *   CR8_LEGACY (0x80000001:ECX[4]) and MAXPHYADDR (0x80000008:EAX[7:0]).
 *
 * Each check's name starts with a bracketed ID, "[cr4-rsvd] ...": run.t
 * matches known host deviations by it. Loop-generated checks share the ID of
 * their rule and carry the bit in the text. A check of a write is one test
 * point: the exception it must raise (or none) and the value the register
 * reads afterwards ("CR4 unchanged", "reads back"). The FAIL lines of the
 * checks of EFER (WRMSR, or a value RDMSR EFER returns) end with
 * " {msr 0xc0000080}" (guest_msr.h); the others carry no tag. The IDs, by
 * test:
 *
 *   CR0      cr0-entry cr0-et cr0-ign cr0-mp cr0-em cr0-ts cr0-ne cr0-wp
 *            cr0-am cr0-nw-nocd cr0-cd cr0-cd-nw cr0-hi cr0-rd64 cr0-pg-64
 *            cr0-wp-ro cr0-wp-cr2 cr0-wp0-ro cr0-pg-nope
 *   MSW      lmsw-pe-keep lmsw-bits lmsw-upper lmsw-mem lmsw-64 clts
 *            clts-noop smsw-r32 smsw-r16 smsw-m16 smsw-r64 smsw-r32-64
 *            smsw-r16-64 rm-smsw rm-lmsw-no-pe rm-lmsw-pe
 *   CR2/CR3  cr2-rw cr2-rw64 cr3-rw cr3-pwt-pcd cr3-maxphy cr3-lam
 *            cr3-pcid cr3-noflush
 *   CR4      cr4-rsvd cr4-rsvd-hi, one ID per defined bit (cr4-vme cr4-pvi
 *            cr4-tsd cr4-de cr4-pse cr4-pae cr4-mce cr4-pge cr4-pce
 *            cr4-osfxsr cr4-osxmmexcpt cr4-umip cr4-la57 cr4-vmxe cr4-smxe
 *            cr4-fsgsbase cr4-osxsave cr4-kl cr4-smep cr4-smap cr4-pke
 *            cr4-cet cr4-pks cr4-uintr cr4-lass cr4-lam-sup cr4-fred),
 *            cr4-pcide-legacy cr4-osxsave-cpuid cr4-ospke-cpuid cr4-cet-wp
 *            cr4-pae-64 cr4-pae-compat cr4-la57-lm cr4-pcide-nocpuid
 *            cr4-pcide-cr3 cr4-pcide-lm cr4-pcide-pg cr4-pcide-clear
 *   CR8      cr8-rw cr8-rsvd cr8-lock
 *   EFER     efer-sce efer-lme efer-lma efer-nx efer-svme efer-ffxsr
 *            efer-tce efer-autoibrs efer-rsvd efer-lme-compat efer-lme-64
 *            efer-lma-64
 *   modes    lm-lma lm-compat lm-64 lm-pg-compat lm-back lm-pae0
 *   XCR0     xsetbv-noxsave xsetbv-ud, then last: xgetbv-noxsave xgetbv-ud
 *            xcr0-reset xsetbv-zero xsetbv-sse-only xsetbv-ymm-nosse
 *            xcr0-bit xcr0-unsup xcr0-all xsetbv-ecx xsetbv-lock
 *            xgetbv-ecx1 xgetbv-ecx2 xsetbv-rcx-hi xsetbv-rax-hi xgetbv-zext
 *   DR       dr-rw dr4-alias dr5-alias dr-de-ud dr6-hi dr7-hi dr-ud-64
 *   encoding cr-ud cr-ud-64 cr-mod-ignored
 *
 * Order: the writes a wrong host cannot survive come late: CR3 at or above
 * MAXPHYADDR (end of the 64-bit part), then CR0.PG=1 with PE=0 and long-mode
 * activation without PAE (test_last), then everything that reads XCR0 with
 * XGETBV, which KVM's instruction emulator cannot run (run.t, kvm_pvm).
 *
 * Not covered: CPL 3 (MOV CR/DR, LMSW, CLTS, XSETBV at CPL > 0 must be
 * #GP(0)), because the guest runtime has no TSS and no ring-3 segments; PAE
 * PDPTE loads (legacy PAE paging, which kvm_pvm refuses); the contrived
 * CS.L = 1 state at long-mode activation. Paging is only ever turned on
 * together with EFER.LME.
 */
#include "guest.h"
#include "guest_msr.h"

/* "No exception" for check_rule (exc_vector after a TRY with none). */
#define NOEXC 0xffffffff
#define VEC_PF 14

#define CR4_VME (1 << 0)
#define CR4_DE (1 << 3)
#define CR4_LA57 (1 << 12)
#define CR4_PCIDE (1 << 17)
#define CR4_OSXSAVE (1 << 18)
#define CR4_PKE (1 << 22)
#define CR4_CET (1 << 23)

/* CPUID bits, by leaf and register. */
#define C1D_VME (1 << 1)
#define C1D_DE (1 << 2)
#define C1D_PSE (1 << 3)
#define C1D_TSC (1 << 4)
#define C1D_PAE (1 << 6)
#define C1D_MCE (1 << 7)
#define C1D_PGE (1 << 13)
#define C1D_FXSR (1 << 24)
#define C1D_SSE (1 << 25)
#define C1C_VMX (1 << 5)
#define C1C_SMX (1 << 6)
#define C1C_PCID (1 << 17)
#define C1C_XSAVE (1 << 26)
#define C1C_OSXSAVE (1 << 27)
#define C7B_FSGSBASE (1 << 0)
#define C7B_SMEP (1 << 7)
#define C7B_SMAP (1 << 20)
#define C7C_UMIP (1 << 2)
#define C7C_PKU (1 << 3)
#define C7C_OSPKE (1 << 4)
#define C7C_CET_SS (1 << 7)
#define C7C_LA57 (1 << 16)
#define C7C_KL (1 << 23)
#define C7C_PKS (1 << 31)
#define C7D_UINTR (1 << 5)
#define C7D_CET_IBT (1 << 20)
#define C71A_LASS (1 << 6)
#define C71A_FRED (1 << 17)
#define C71A_LAM (1 << 26)
#define CD1A_XGETBV1 (1 << 2)
#define E1C_CR8_LEGACY (1 << 4)


/* The 2 MiB page at 4 MiB is made read-only for the CR0.WP checks. */
#define WP_PAGE 0x400000
#define WP_PDE (pd + 2 * 8)

/* DR6/DR7 values that trigger nothing: B0 set; R/W0 = LEN0 = 11b, L0 = G0 = 0. */
#define DR6_INIT 0xffff0ff0
#define DR6_B0 0xffff0ff1
#define DR7_INIT 0x00000400
#define DR7_RWLEN0 0x000f0400

/* ------------------------------------------------------------------- data */

	.bss
	.balign 8
/* CPUID, as read at entry (0 for a leaf the CPU does not have). */
cpuid_max:	.long 0
cpuid_ext_max:	.long 0
is_amd:		.long 0
c1_ecx:		.long 0
c1_edx:		.long 0
c7_ebx:		.long 0
c7_ecx:		.long 0
c7_edx:		.long 0
c7_eax:		.long 0
c71_eax:	.long 0
cd0_eax:	.long 0
cd0_edx:	.long 0
cd1_eax:	.long 0
e1_ecx:		.long 0
e1_edx:		.long 0
e8_eax:		.long 0
e21_eax:	.long 0
maxphyaddr:	.long 0

	.balign 8
/* Rules derived from CPUID (quads). */
cr4_ok:		.quad 0 /* the CR4 bits this CPU defines */
efer_ok:	.quad 0
efer_keep:	.quad 0
xcr0_sup:	.quad 0 /* CPUID.(0xD,0):EDX:EAX */
/* Values at the start of a test, to build on and restore. */
cr0_base:	.quad 0
cr3_base:	.quad 0
cr4_base:	.quad 0
efer_base:	.quad 0
xcr0_base:	.quad 0
cr2_save:	.long 0
pde_save:	.long 0
saved_esp:	.long 0
/* Operands of the checks (64-bit code passes them through memory). */
q_val:		.quad 0
q_want:		.quad 0
q_got:		.quad 0
q_old:		.quad 0
q_cr3:		.quad 0
r_vec:		.long 0
r_name:		.long 0
smsw_buf:	.long 0

/* ----------------------------------------------------------------- macros */

/*
 * One check point (32-bit code): the last TRY raised `vec` with error code 0
 * at its instruction (NOEXC: raised nothing), and the value read afterwards,
 * ghi:glo, is whi:wlo. Operands as for EXPECT_EQ64 (no EAX-free rule here:
 * they are pushed before anything runs).
 */
.macro EXPECT_RULE vec:req, ghi:req, glo:req, whi:req, wlo:req, name:req
	.section .rodata
.Lname\@: .asciz "\name"
	.previous
	pushl \whi
	pushl \wlo
	pushl \ghi
	pushl \glo
	pushl \vec
	pushl $.Lname\@
	call check_rule
.endm

/* EXPECT_RULE with the name's address in `name` (a 32-bit operand). */
.macro EXPECT_RULE_NAMED vec:req, ghi:req, glo:req, whi:req, wlo:req, name:req
	pushl \whi
	pushl \wlo
	pushl \ghi
	pushl \glo
	pushl \vec
	pushl \name
	call check_rule
.endm

/*
 * 32-bit code: MOV CRcr = val under TRY, then CRcr must read `want` (one
 * check point, `vec` as for EXPECT_RULE); then CRcr is written back with
 * `restore`, so a write that should have faulted does not stay. val, want
 * and restore: immediates, memory, or registers other than EAX.
 */
.macro CR32 cr:req, vec:req, val:req, want:req, restore:req, name:req
	movl \val, %eax
	TRY movl %eax, %cr\cr
	movl %cr\cr, %eax
	EXPECT_RULE \vec, $0, %eax, $0, \want, "\name"
	movl \restore, %eax
	TRY movl %eax, %cr\cr
.endm

/* Switch from 64-bit mode to compatibility mode (CS = SEL_CODE32). */
.macro IN32
	pushq $SEL_CODE32
	pushq $0
	movl $.Lin32\@, (%rsp)
	lretq
	.code32
.Lin32\@:
.endm

/*
 * Back from compatibility mode to 64-bit mode. RSP[63:32] is undefined after
 * the round trip (SDM 3.4.1.1): zero it.
 */
.macro IN64
	ljmp $SEL_CODE64, $.Lin64\@
	.code64
.Lin64\@:
	movl %esp, %esp
.endm

/*
 * TRY in compatibility mode. The exception goes through the 64-bit IDT,
 * whose handler resumes at exc_recover in 64-bit mode: resume at a 64-bit
 * stub that returns to compatibility mode.
 */
.macro TRYC insn:vararg
	movl $.Ltry_insn\@, try_ip
	movl $.Lrec64\@, exc_recover
	movl $0xffffffff, exc_vector
	movl $1, exc_armed
.Ltry_insn\@:
	\insn
	jmp .Ltry_resume\@
	.code64
.Lrec64\@:
	pushq $SEL_CODE32
	pushq $0
	movl $.Ltry_resume\@, (%rsp)
	lretq
	.code32
.Ltry_resume\@:
	movl $0, exc_armed
.endm

/* 64-bit code: one check point on the last TRY64, q_got against q_want. */
.macro RULE64 vec:req, name:req
	.section .rodata
.Lname\@: .asciz "\name"
	.previous
	movl $.Lname\@, r_name(%rip)
	movl \vec, r_vec(%rip)
	call rule64
.endm

/*
 * 64-bit code: MOV CRcr (or DRcr with kind=dr) = q_val under TRY64, then it
 * must read q_want (one check point); then it is written back with q_old.
 */
.macro MOV64 kind:req, n:req, vec:req, name:req
	movq q_val(%rip), %rax
	TRY64 movq %rax, %\kind\n
	movq %\kind\n, %rax
	movq %rax, q_got(%rip)
	RULE64 \vec, "\name"
	movq q_old(%rip), %rax
	TRY64 movq %rax, %\kind\n
.endm

/* 64-bit code: q_val = q_old | bit b, q_want = q_old (a write that must fault). */
.macro Q_BIT_FAULT b:req
	movq q_old(%rip), %rax
	btsq $\b, %rax
	movq %rax, q_val(%rip)
	movq q_old(%rip), %rax
	movq %rax, q_want(%rip)
.endm

/* 64-bit code: ZF = !(bit b of the quad at q). */
.macro TEST_BIT64 b:req, q:req
	.if \b < 32
	testl $BIT_LO(\b), \q(%rip)
	.else
	testl $BIT_HI(\b), \q + 4(%rip)
	.endif
.endm

/* ------------------------------------------------------------ helpers */

	TEXT32
/*
 * check_rule(name, vec, got_lo, got_hi, want_lo, want_hi): see EXPECT_RULE.
 * The fault must be at try_ip with error code 0.
 */
check_rule:
	pushal
	movl 40(%esp), %eax
	cmpl $NOEXC, %eax
	je 1f
	cmpl exc_vector, %eax
	jne 8f
	cmpl $0, exc_error
	jne 8f
	movl exc_eip, %eax
	cmpl try_ip, %eax
	jne 8f
	cmpl $0, exc_eip_hi
	jne 8f
	jmp 2f
1:	cmpl $0xffffffff, exc_vector
	jne 8f
2:	movl 44(%esp), %eax
	cmpl 52(%esp), %eax
	jne 8f
	movl 48(%esp), %eax
	cmpl 56(%esp), %eax
	jne 8f
	pushl $0
	pushl 40(%esp)
	call test_point_pass
	popal
	ret $24
8:	incl tests_failed
	movl $str_fail, %esi
	call puts
	movl 36(%esp), %esi
	call puts
	PRINT " (expected "
	movl 40(%esp), %eax
	cmpl $NOEXC, %eax
	jne 3f
	PRINT "no exception"
	jmp 4f
3:	PRINT "vector "
	call putdec
	PRINT " error code 0 at "
	PUTHEX try_ip
4:	PRINT " and the value "
	movl 52(%esp), %eax
	movl 56(%esp), %edx
	call puthex64
	PRINT "; got "
	cmpl $0xffffffff, exc_vector
	jne 5f
	PRINT "no exception"
	jmp 6f
5:	call print_exc
6:	PRINT " and "
	movl 44(%esp), %eax
	movl 48(%esp), %edx
	call puthex64
	PRINT ")"
	call fail_eol /* the MSR tag, if any (guest.h) */
	popal
	ret $24

	.code64
/* rule64: the check of RULE64, run from compatibility mode. */
rule64:
	IN32
	pushl q_want + 4
	pushl q_want
	pushl q_got + 4
	pushl q_got
	pushl r_vec
	pushl r_name
	call check_rule
	IN64
	ret
	.code32

/* ------------------------------------------------------------------ CPUID */

cpu_probe:
	pushal
	xorl %eax, %eax
	cpuid
	movl %eax, cpuid_max
	cmpl $0x68747541, %ebx /* "AuthenticAMD" or "HygonGenuine": AMD's EFER bits */
	je 1f
	cmpl $0x6f677948, %ebx
	jne 2f
1:	movl $1, is_amd
2:	movl $1, %eax
	cpuid
	movl %ecx, c1_ecx
	movl %edx, c1_edx
	cmpl $7, cpuid_max
	jb 3f
	movl $7, %eax
	xorl %ecx, %ecx
	cpuid
	movl %eax, c7_eax
	movl %ebx, c7_ebx
	movl %ecx, c7_ecx
	movl %edx, c7_edx
	cmpl $1, c7_eax
	jb 3f
	movl $7, %eax
	movl $1, %ecx
	cpuid
	movl %eax, c71_eax
3:	cmpl $0xd, cpuid_max
	jb 4f
	testl $C1C_XSAVE, c1_ecx
	jz 4f
	movl $0xd, %eax
	xorl %ecx, %ecx
	cpuid
	movl %eax, cd0_eax
	movl %edx, cd0_edx
	movl $0xd, %eax
	movl $1, %ecx
	cpuid
	movl %eax, cd1_eax
4:	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000000, %eax
	jb 5f
	movl %eax, cpuid_ext_max
	cmpl $0x80000001, %eax
	jb 5f
	movl $0x80000001, %eax
	cpuid
	movl %ecx, e1_ecx
	movl %edx, e1_edx
	cmpl $0x80000008, cpuid_ext_max
	jb 5f
	movl $0x80000008, %eax
	cpuid
	movl %eax, e8_eax
	cmpl $0x80000021, cpuid_ext_max
	jb 5f
	movl $0x80000021, %eax
	xorl %ecx, %ecx
	cpuid
	movl %eax, e21_eax
5:	popal
	ret

/* cr4_ok |= bit if (the word at var) & mask. */
.macro CR4_GATE var:req, mask:req, bit:req
	testl $\mask, \var
	jz .Lno\@
	orl $\bit, cr4_ok
.Lno\@:
.endm

/* Derive the per-bit rules from CPUID. */
cpu_derive:
	pushal
	/* MAXPHYADDR: 0x80000008:EAX[7:0], else 36 with PAE, else 32 (SDM 4.1.4). */
	movl $32, %eax
	testl $C1D_PAE, c1_edx
	jz 1f
	movl $36, %eax
1:	cmpl $0x80000008, cpuid_ext_max
	jb 2f
	movzbl e8_eax, %eax
2:	movl %eax, maxphyaddr

	/*
	 * CR4 (SDM vol. 3A 2.5 and the CPUID feature of each bit, AMD APM 3.1.3):
	 * a bit is defined when CPUID reports its feature, else reserved (#GP).
	 * PCE has no CPUID bit (P6 and later). Bits 15, 26, 29-31 and 33-63 are
	 * always reserved.
	 */
	movl $(1 << 8), cr4_ok /* PCE */
	CR4_GATE c1_edx, C1D_VME, 0x3 /* VME, PVI */
	CR4_GATE c1_edx, C1D_TSC, (1 << 2) /* TSD */
	CR4_GATE c1_edx, C1D_DE, (1 << 3)
	CR4_GATE c1_edx, C1D_PSE, (1 << 4)
	CR4_GATE c1_edx, C1D_PAE, (1 << 5)
	CR4_GATE c1_edx, C1D_MCE, (1 << 6)
	CR4_GATE c1_edx, C1D_PGE, (1 << 7)
	CR4_GATE c1_edx, C1D_FXSR, (1 << 9) /* OSFXSR */
	CR4_GATE c1_edx, C1D_SSE, (1 << 10) /* OSXMMEXCPT */
	CR4_GATE c7_ecx, C7C_UMIP, (1 << 11)
	CR4_GATE c7_ecx, C7C_LA57, (1 << 12)
	CR4_GATE c1_ecx, C1C_VMX, (1 << 13)
	CR4_GATE c1_ecx, C1C_SMX, (1 << 14)
	CR4_GATE c7_ebx, C7B_FSGSBASE, (1 << 16)
	CR4_GATE c1_ecx, C1C_PCID, (1 << 17)
	CR4_GATE c1_ecx, C1C_XSAVE, (1 << 18)
	CR4_GATE c7_ecx, C7C_KL, (1 << 19)
	CR4_GATE c7_ebx, C7B_SMEP, (1 << 20)
	CR4_GATE c7_ebx, C7B_SMAP, (1 << 21)
	CR4_GATE c7_ecx, C7C_PKU, (1 << 22)
	CR4_GATE c7_ecx, C7C_CET_SS, (1 << 23)
	CR4_GATE c7_edx, C7D_CET_IBT, (1 << 23)
	CR4_GATE c7_ecx, C7C_PKS, (1 << 24)
	CR4_GATE c7_edx, C7D_UINTR, (1 << 25)
	CR4_GATE c71_eax, C71A_LASS, (1 << 27)
	CR4_GATE c71_eax, C71A_LAM, (1 << 28)
	testl $C71A_FRED, c71_eax
	jz 3f
	movl $1, cr4_ok + 4 /* FRED, bit 32 */

	/* EFER: the bits CPUID allows (guest_msr.h); LMA is accepted, never written. */
3:	EFER_ALLOWED
	movl %eax, efer_ok
	andl $~EFER_LMA, %eax
	movl %eax, efer_keep

	/* XCR0 (SDM 13.3): the components CPUID.(0xD,0):EDX:EAX reports. */
	movl cd0_eax, %eax
	movl %eax, xcr0_sup
	movl cd0_edx, %eax
	movl %eax, xcr0_sup + 4
	popal
	ret

cpu_report:
	PRINT "crconf: CPUID 1 ECX/EDX "
	PUTHEX c1_ecx
	PRINT " "
	PUTHEX c1_edx
	PRINT ", 7.0 EBX/ECX/EDX "
	PUTHEX c7_ebx
	PRINT " "
	PUTHEX c7_ecx
	PRINT " "
	PUTHEX c7_edx
	PRINT ", 7.1 EAX "
	PUTHEX c71_eax
	PRINTLN ""
	PRINT "crconf: CPUID 0xD.0 EDX:EAX "
	PUTHEX64 xcr0_sup + 4, xcr0_sup
	PRINT ", 0xD.1 EAX "
	PUTHEX cd1_eax
	PRINT ", 0x80000001 ECX/EDX "
	PUTHEX e1_ecx
	PRINT " "
	PUTHEX e1_edx
	PRINT ", MAXPHYADDR "
	PUTDEC maxphyaddr
	PRINTLN ""
	PRINT "crconf: defined bits: CR4 "
	PUTHEX64 cr4_ok + 4, cr4_ok
	PRINT ", EFER "
	PUTHEX efer_ok
	PRINTLN ""
	movl %cr0, %eax
	PRINT "crconf: at entry CR0 "
	PUTHEX %eax
	movl %cr4, %eax
	PRINT ", CR4 "
	PUTHEX %eax
	movl %cr3, %eax
	PRINT ", CR3 "
	PUTHEX %eax
	PRINTLN ""
	ret

/* -------------------------------------------------------------------- CR0 */

/* An undefined CR0 bit (31:0): ignored, no fault, reads back 0 (cr.md 2 step 5). */
.macro CR0_IGN b:req
	.if ((\b >= 6) && (\b <= 15)) || (\b == 17) || ((\b >= 19) && (\b <= 28))
	movl cr0_base, %ebx
	orl $(1 << \b), %ebx
	CR32 0, $NOEXC, %ebx, cr0_base, cr0_base, "[cr0-ign] CR0 bit \b = 1 (undefined): no fault, reads back 0"
	.endif
.endm

/* A defined CR0 bit that may be toggled freely with paging off: toggled, reads back. */
.macro CR0_TOGGLE b:req, id:req
	movl cr0_base, %ebx
	xorl $(1 << \b), %ebx
	CR32 0, $NOEXC, %ebx, %ebx, cr0_base, "[\id] CR0 bit \b toggled: accepted, reads back"
.endm

/*
 * SDM vol. 3A 2.5, MOV CR; spec/cr.md 2, 14.1-14.5: ET reads 1, undefined
 * bits are ignored, NW without CD is #GP(0), the other defined bits are
 * writable with paging off.
 */
test_cr0:
	movl %cr0, %ebx
	movl %ebx, cr0_base
	andl $(CR0_PE | CR0_PG | CR0_ET), %ebx
	EXPECT_EQ %ebx, $(CR0_PE | CR0_ET), "[cr0-entry] CR0 at entry: PE=1, PG=0, ET=1"
	movl cr0_base, %ebx
	andl $~CR0_ET, %ebx
	CR32 0, $NOEXC, %ebx, cr0_base, cr0_base, "[cr0-et] CR0 with ET=0: no fault, ET still reads 1"
	FOR_BITS 6, 28, CR0_IGN
	CR0_TOGGLE 1, "cr0-mp"
	CR0_TOGGLE 2, "cr0-em"
	CR0_TOGGLE 3, "cr0-ts"
	CR0_TOGGLE 5, "cr0-ne"
	CR0_TOGGLE 16, "cr0-wp"
	CR0_TOGGLE 18, "cr0-am"
	movl cr0_base, %ebx
	andl $~(CR0_CD | CR0_NW), %ebx
	movl %ebx, %esi
	orl $CR0_NW, %ebx
	CR32 0, $VEC_GP, %ebx, cr0_base, cr0_base, "[cr0-nw-nocd] CR0 with NW=1, CD=0: #GP(0), CR0 unchanged"
	movl %esi, %ebx
	orl $CR0_CD, %ebx
	CR32 0, $NOEXC, %ebx, %ebx, cr0_base, "[cr0-cd] CR0 with CD=1, NW=0: accepted, reads back"
	movl %esi, %ebx
	orl $(CR0_CD | CR0_NW), %ebx
	CR32 0, $NOEXC, %ebx, %ebx, cr0_base, "[cr0-cd-nw] CR0 with CD=1, NW=1: accepted, reads back"
	ret

/* ------------------------------------------------------ LMSW, SMSW, CLTS */

/*
 * SDM LMSW, SMSW, CLTS; spec/cr.md 3 and 14.11: LMSW loads CR0[3:0] only and
 * can set PE but never clear it; CLTS clears TS only; SMSW stores CR0[15:0]
 * (a 16-bit register or memory operand: nothing else is written).
 */
test_msw:
	movl cr0_base, %edi
	andl $~(CR0_MP | CR0_EM | CR0_TS), %edi /* what LMSW 0 leaves */
	movw $0, %ax
	TRY lmsw %ax
	movl %cr0, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, %edi, "[lmsw-pe-keep] LMSW 0 with PE=1: PE stays 1, MP/EM/TS cleared"
	movl %edi, %ebx
	orl $(CR0_MP | CR0_EM | CR0_TS), %ebx
	movw $0xe, %ax
	TRY lmsw %ax
	movl %cr0, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, %ebx, "[lmsw-bits] LMSW 0xE: MP/EM/TS set"
	/* Bits 15:4 of the operand are ignored: NE (5) and ET (4) keep their values. */
	movl %edi, %ebx
	andl $~CR0_NE, %ebx
	movl %ebx, %cr0
	movw $0xfff0, %ax
	TRY lmsw %ax
	movl %cr0, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, %ebx, "[lmsw-upper] LMSW 0xFFF0 with NE=0: bits 15:4 ignored (NE stays 0), MP/EM/TS cleared"
	movl %edi, %ebx
	orl $CR0_NE, %ebx
	movl %ebx, %cr0
	movw $0x0001, %ax
	TRY lmsw %ax
	movl %cr0, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, %ebx, "[lmsw-upper] LMSW 0x0001 with NE=1: NE stays 1"
	movl %edi, %cr0
	movl %edi, %ebx
	orl $(CR0_MP | CR0_TS), %ebx
	movw $(CR0_MP | CR0_TS), smsw_buf
	TRY lmsw smsw_buf
	movl %cr0, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, %ebx, "[lmsw-mem] LMSW m16 = 0xA: MP/TS set"
	andl $~CR0_TS, %ebx
	TRY clts
	movl %cr0, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, %ebx, "[clts] CLTS clears TS, nothing else"
	TRY clts
	movl %cr0, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, %ebx, "[clts-noop] CLTS with TS=0: CR0 unchanged"

	/* SMSW, with CR0[15:0] = PE|MP|ET(|NE) as left above. */
	movl %cr0, %ebx
	andl $0xffff, %ebx
	movl $0xdeadbeef, %eax
	smsw %eax
	andl $0xffff, %eax /* bits 31:16 of r32 are undefined outside 64-bit mode */
	EXPECT_EQ %eax, %ebx, "[smsw-r32] SMSW r32: bits 15:0 = CR0[15:0]"
	movl %ebx, %esi
	orl $0x12340000, %esi
	movl $0x1234beef, %eax
	smsw %ax
	EXPECT_EQ %eax, %esi, "[smsw-r16] SMSW r16: AX = CR0[15:0], EAX[31:16] unchanged"
	movl %ebx, %esi
	orl $0xa5a50000, %esi
	movl $0xa5a5a5a5, smsw_buf
	smsw smsw_buf
	EXPECT_EQ smsw_buf, %esi, "[smsw-m16] SMSW m16: stores 2 bytes, CR0[15:0]"
	movl cr0_base, %eax
	movl %eax, %cr0
	ret

/* ------------------------------------------------------------ CR2, CR3 */

test_cr2_cr3:
	movl %cr2, %eax
	movl %eax, cr2_save
	CR32 2, $NOEXC, $0xdeadbeef, $0xdeadbeef, cr2_save, "[cr2-rw] CR2 = 0xdeadbeef: reads back"
	movl %cr3, %eax
	movl %eax, cr3_base
	movl $pml4, %ebx
	orl $0x18, %ebx
	CR32 3, $NOEXC, %ebx, %ebx, cr3_base, "[cr3-rw] CR3 = pml4 | PWT | PCD (paging off): reads back"
	ret

/* -------------------------------------------------------------------- CR4 */

/* CR4 bit b from 32-bit code: accepted and reads back if CPUID defines it, else #GP(0). */
.macro CR4_RULE32 b:req, id:req, what:req
	movl cr4_base, %ebx
	orl $(1 << \b), %ebx
	testl $(1 << \b), cr4_ok
	jz .Lrsvd\@
	CR32 4, $NOEXC, %ebx, %ebx, cr4_base, "[\id] CR4 bit \b (\what) = 1, defined here: accepted, reads back"
	jmp .Ldone\@
.Lrsvd\@:
	CR32 4, $VEC_GP, %ebx, cr4_base, cr4_base, "[\id] CR4 bit \b (\what) = 1, reserved here: #GP(0), CR4 unchanged"
.Ldone\@:
.endm

.macro CR4_BIT32 b:req
	.if \b == 0
	CR4_RULE32 \b, "cr4-vme", "VME"
	.elseif \b == 1
	CR4_RULE32 \b, "cr4-pvi", "PVI"
	.elseif \b == 2
	CR4_RULE32 \b, "cr4-tsd", "TSD"
	.elseif \b == 3
	CR4_RULE32 \b, "cr4-de", "DE"
	.elseif \b == 4
	CR4_RULE32 \b, "cr4-pse", "PSE"
	.elseif \b == 5
	CR4_RULE32 \b, "cr4-pae", "PAE"
	.elseif \b == 6
	CR4_RULE32 \b, "cr4-mce", "MCE"
	.elseif \b == 7
	CR4_RULE32 \b, "cr4-pge", "PGE"
	.elseif \b == 8
	CR4_RULE32 \b, "cr4-pce", "PCE"
	.elseif \b == 9
	CR4_RULE32 \b, "cr4-osfxsr", "OSFXSR"
	.elseif \b == 10
	CR4_RULE32 \b, "cr4-osxmmexcpt", "OSXMMEXCPT"
	.elseif \b == 11
	CR4_RULE32 \b, "cr4-umip", "UMIP"
	.elseif \b == 12
	CR4_RULE32 \b, "cr4-la57", "LA57 (paging off: may change)"
	.elseif \b == 13
	CR4_RULE32 \b, "cr4-vmxe", "VMXE"
	.elseif \b == 14
	CR4_RULE32 \b, "cr4-smxe", "SMXE"
	.elseif \b == 16
	CR4_RULE32 \b, "cr4-fsgsbase", "FSGSBASE"
	.elseif \b == 17
	/* SDM MOV CR, 4.10.1; spec/cr.md 4 step 6: PCIDE needs IA-32e mode. */
	movl cr4_base, %ebx
	orl $CR4_PCIDE, %ebx
	CR32 4, $VEC_GP, %ebx, cr4_base, cr4_base, "[cr4-pcide-legacy] CR4 bit 17 (PCIDE) = 1 outside IA-32e mode: #GP(0) (with or without PCID), CR4 unchanged"
	.elseif \b == 18
	CR4_RULE32 \b, "cr4-osxsave", "OSXSAVE"
	.elseif \b == 19
	CR4_RULE32 \b, "cr4-kl", "KL"
	.elseif \b == 20
	CR4_RULE32 \b, "cr4-smep", "SMEP"
	.elseif \b == 21
	CR4_RULE32 \b, "cr4-smap", "SMAP"
	.elseif \b == 22
	CR4_RULE32 \b, "cr4-pke", "PKE"
	.elseif \b == 23
	CR4_RULE32 \b, "cr4-cet", "CET (with CR0.WP=1)"
	.elseif \b == 24
	CR4_RULE32 \b, "cr4-pks", "PKS"
	.elseif \b == 25
	CR4_RULE32 \b, "cr4-uintr", "UINTR"
	.elseif \b == 27
	CR4_RULE32 \b, "cr4-lass", "LASS"
	.elseif \b == 28
	CR4_RULE32 \b, "cr4-lam-sup", "LAM_SUP"
	.else
	movl cr4_base, %ebx
	orl $(1 << \b), %ebx
	CR32 4, $VEC_GP, %ebx, cr4_base, cr4_base, "[cr4-rsvd] CR4 bit \b = 1 (reserved): #GP(0), CR4 unchanged"
	.endif
.endm

/*
 * SDM MOV CR, vol. 3A 2.5; spec/cr.md 4 and 14.8: every CR4 bit in 31:0, each
 * with the rule CPUID gives it; CPUID.1:ECX.OSXSAVE and CPUID.7:ECX.OSPKE
 * follow CR4.OSXSAVE and CR4.PKE; CET needs CR0.WP.
 */
test_cr4:
	movl %cr4, %eax
	movl %eax, cr4_base
	/* CR4.CET can be set only with CR0.WP=1 (SDM MOV CR): WP on for the loop. */
	movl cr0_base, %eax
	orl $CR0_WP, %eax
	movl %eax, %cr0
	FOR_BITS 0, 31, CR4_BIT32
	movl cr0_base, %eax
	movl %eax, %cr0

	testl $(1 << 23), cr4_ok
	jz 1f
	movl cr4_base, %ebx
	orl $CR4_CET, %ebx
	CR32 4, $VEC_GP, %ebx, cr4_base, cr4_base, "[cr4-cet-wp] CR4.CET = 1 with CR0.WP = 0: #GP(0), CR4 unchanged"

1:	testl $C1C_XSAVE, c1_ecx
	jz 2f
	movl cr4_base, %eax
	orl $CR4_OSXSAVE, %eax
	movl %eax, %cr4
	movl $1, %eax
	cpuid
	andl $C1C_OSXSAVE, %ecx
	EXPECT_EQ %ecx, $C1C_OSXSAVE, "[cr4-osxsave-cpuid] CR4.OSXSAVE=1: CPUID.1:ECX.OSXSAVE[27] = 1"
	movl cr4_base, %eax
	andl $~CR4_OSXSAVE, %eax
	movl %eax, %cr4
	movl $1, %eax
	cpuid
	andl $C1C_OSXSAVE, %ecx
	EXPECT_EQ %ecx, $0, "[cr4-osxsave-cpuid] CR4.OSXSAVE=0: CPUID.1:ECX.OSXSAVE[27] = 0"
	movl cr4_base, %eax
	movl %eax, %cr4

2:	testl $C7C_PKU, c7_ecx
	jz 3f
	movl cr4_base, %eax
	orl $CR4_PKE, %eax
	movl %eax, %cr4
	movl $7, %eax
	xorl %ecx, %ecx
	cpuid
	andl $C7C_OSPKE, %ecx
	EXPECT_EQ %ecx, $C7C_OSPKE, "[cr4-ospke-cpuid] CR4.PKE=1: CPUID.7.0:ECX.OSPKE[4] = 1"
	movl cr4_base, %eax
	andl $~CR4_PKE, %eax
	movl %eax, %cr4
	movl $7, %eax
	xorl %ecx, %ecx
	cpuid
	andl $C7C_OSPKE, %ecx
	EXPECT_EQ %ecx, $0, "[cr4-ospke-cpuid] CR4.PKE=0: CPUID.7.0:ECX.OSPKE[4] = 0"
	movl cr4_base, %eax
	movl %eax, %cr4
3:	ret

/* ------------------------------------------------------------------- EFER */

/*
 * efer_check: WRMSR EFER = msr_val under TRY; then EFER must read msr_exp,
 * with the exception r_vec (as for EXPECT_RULE), check named r_name; then
 * EFER = efer_base again.
 */
efer_check:
	pushal
	movl $MSR_EFER, %ecx
	movl msr_val, %eax
	movl msr_val + 4, %edx
	MSR_TAG $MSR_EFER
	TRY wrmsr
	rdmsr
	EXPECT_RULE_NAMED r_vec, %edx, %eax, msr_exp + 4, msr_exp, r_name
	MSR_UNTAG
	movl efer_base, %eax
	movl efer_base + 4, %edx
	TRY wrmsr
	popal
	ret

/*
 * EFER bit b: accepted and reads back (LMA: reads back 0, the written bit is
 * ignored) if CPUID defines it, else #GP(0) and EFER unchanged.
 */
.macro EFER_RULE b:req, id:req, what:req
	.section .rodata
.Lok\@: .asciz "[\id] EFER bit \b (\what) = 1, defined here: accepted, reads back"
.Lrs\@: .asciz "[\id] EFER bit \b (\what) = 1, reserved here: #GP(0), EFER unchanged"
	.previous
	SET_VAL_BIT \b, efer_base
	movl efer_base, %eax
	movl efer_base + 4, %edx
	movl %eax, msr_exp
	movl %edx, msr_exp + 4
	TEST_BIT \b, efer_ok
	jz .Lrsvd\@
	movl efer_keep, %eax
	movl efer_keep + 4, %edx
	andl $BIT_LO(\b), %eax
	andl $BIT_HI(\b), %edx
	orl %eax, msr_exp
	orl %edx, msr_exp + 4
	movl $NOEXC, r_vec
	movl $.Lok\@, r_name
	jmp .Ldone\@
.Lrsvd\@:
	movl $VEC_GP, r_vec
	movl $.Lrs\@, r_name
.Ldone\@:
	call efer_check
.endm

/* EFER, one bit: its ID names the bit's rule (spec/msr.md 6.1, SDM 2.2.1, APM 3.1.7). */
.macro EFER_BIT b:req
	.if \b == 0
	EFER_RULE \b, "efer-sce", "SCE, with SYSCALL or LM"
	.elseif \b == 8
	EFER_RULE \b, "efer-lme", "LME, with LM; paging is off"
	.elseif \b == 10
	EFER_RULE \b, "efer-lma", "LMA, with LM; read-only: the written 1 is ignored"
	.elseif \b == 11
	EFER_RULE \b, "efer-nx", "NXE, with NX"
	.elseif \b == 12
	EFER_RULE \b, "efer-svme", "SVME, AMD with SVM"
	.elseif \b == 14
	EFER_RULE \b, "efer-ffxsr", "FFXSR, AMD with FXSR_OPT"
	.elseif \b == 15
	EFER_RULE \b, "efer-tce", "TCE, AMD with TCE"
	.elseif \b == 21
	EFER_RULE \b, "efer-autoibrs", "AUTOIBRS, AMD with AUTOIBRS"
	.else
	EFER_RULE \b, "efer-rsvd", "reserved"
	.endif
.endm

/* spec/msr.md 6.1 (and 7 of cr.md): every EFER bit from 32-bit mode, paging off. */
test_efer:
	movl $MSR_EFER, %ecx
	rdmsr
	movl %eax, efer_base
	movl %edx, efer_base + 4
	FOR_BITS 0, 63, EFER_BIT
	ret

/* ------------------------------------------------------------------- XCR0 */

/*
 * XSETBV ECX=idx, EDX:EAX = hi:lo under TRY; then XCR0 (XGETBV 0) must read
 * whi:wlo, with `vec` as for EXPECT_RULE; then XCR0 = xcr0_base again.
 * Needs CR4.OSXSAVE=1.
 */
.macro XSET idx:req, hi:req, lo:req, vec:req, whi:req, wlo:req, name:req
	movl \idx, %ecx
	movl \hi, %edx
	movl \lo, %eax
	TRY xsetbv
	xorl %ecx, %ecx
	xgetbv
	EXPECT_RULE \vec, %edx, %eax, \whi, \wlo, "\name"
	xorl %ecx, %ecx
	movl xcr0_base + 4, %edx
	movl xcr0_base, %eax
	TRY xsetbv
.endm

/*
 * XCR0 bit b (SDM 13.3; spec/cr.md 8): a component CPUID.(0xD,0) does not
 * report is #GP(0); one it reports is accepted together with the components
 * it needs (x87 always; YMM with SSE; MPX's two together; AVX-512's three
 * together and with YMM; AMX's two together).
 */
.macro XCR0_BIT b:req
	.if \b == 2
	.set .Ldeps_lo\@, 0x7
	.elseif (\b == 3) || (\b == 4)
	.set .Ldeps_lo\@, 0x1b
	.elseif (\b >= 5) && (\b <= 7)
	.set .Ldeps_lo\@, 0xe7
	.elseif (\b == 17) || (\b == 18)
	.set .Ldeps_lo\@, 0x60003
	.else
	.set .Ldeps_lo\@, 0x3 | BIT_LO(\b)
	.endif
	TEST_BIT \b, xcr0_sup
	jz .Lunsup\@
	movl xcr0_sup, %eax
	andl $.Ldeps_lo\@, %eax
	cmpl $.Ldeps_lo\@, %eax
	jne .Ldone\@ /* a component it needs is missing: nothing to accept */
	XSET $0, $BIT_HI(\b), $.Ldeps_lo\@, $NOEXC, $BIT_HI(\b), $.Ldeps_lo\@, "[xcr0-bit] XSETBV XCR0 bit \b with what it needs (reported): accepted, reads back"
	jmp .Ldone\@
.Lunsup\@:
	XSET $0, $BIT_HI(\b), $(BIT_LO(\b) | 1), $VEC_GP, xcr0_base + 4, xcr0_base, "[xcr0-unsup] XSETBV XCR0 = x87 | bit \b (not reported): #GP(0), XCR0 unchanged"
.Ldone\@:
.endm

/*
 * SDM XSETBV, 13.3; spec/cr.md 8 and 14.12: XSETBV is #UD without XSAVE or
 * with CR4.OSXSAVE=0. The checks that read XCR0 (XGETBV) come last
 * (test_xcr).
 */
test_xcr_ud:
	xorl %ecx, %ecx
	xorl %edx, %edx
	movl $1, %eax
	testl $C1C_XSAVE, c1_ecx
	jnz 1f
	TRY xsetbv
	EXPECT_EXC $VEC_UD, $0, "[xsetbv-noxsave] XSETBV without XSAVE in CPUID: #UD"
	ret
1:	movl cr4_base, %eax
	andl $~CR4_OSXSAVE, %eax
	movl %eax, %cr4
	movl $1, %eax
	TRY xsetbv
	EXPECT_EXC $VEC_UD, $0, "[xsetbv-ud] XSETBV with CR4.OSXSAVE=0: #UD"
	movl cr4_base, %eax
	movl %eax, %cr4
	ret

/*
 * SDM XSETBV, XGETBV, 13.3; spec/cr.md 8 and 14.12: the rules that need XCR0
 * read back, from 32-bit and 64-bit mode. Last: a host that cannot run
 * XGETBV (kvm_pvm, run.t) stops the guest at the first one.
 */
test_xcr:
	testl $C1C_XSAVE, c1_ecx
	jnz 1f
	xorl %ecx, %ecx
	TRY xgetbv
	EXPECT_EXC $VEC_UD, $0, "[xgetbv-noxsave] XGETBV without XSAVE in CPUID: #UD"
	ret
1:	movl cr4_base, %eax
	andl $~CR4_OSXSAVE, %eax
	movl %eax, %cr4
	xorl %ecx, %ecx
	TRY xgetbv
	EXPECT_EXC $VEC_UD, $0, "[xgetbv-ud] XGETBV with CR4.OSXSAVE=0: #UD"
	movl cr4_base, %eax
	orl $CR4_OSXSAVE, %eax
	movl %eax, %cr4
	xorl %ecx, %ecx
	xgetbv
	movl %eax, xcr0_base
	movl %edx, xcr0_base + 4
	EXPECT_EQ64 %edx, %eax, $0, $1, "[xcr0-reset] XCR0 at entry is the RESET value 1 (x87)"

	XSET $0, $0, $0, $VEC_GP, xcr0_base + 4, xcr0_base, "[xsetbv-zero] XSETBV XCR0 = 0 (x87 clear): #GP(0), XCR0 unchanged"
	XSET $0, $0, $2, $VEC_GP, xcr0_base + 4, xcr0_base, "[xsetbv-sse-only] XSETBV XCR0 = 2 (SSE without x87): #GP(0), XCR0 unchanged"
	XSET $0, $0, $5, $VEC_GP, xcr0_base + 4, xcr0_base, "[xsetbv-ymm-nosse] XSETBV XCR0 = 5 (YMM without SSE): #GP(0), XCR0 unchanged"
	FOR_BITS 1, 63, XCR0_BIT
	XSET $0, xcr0_sup + 4, xcr0_sup, $NOEXC, xcr0_sup + 4, xcr0_sup, "[xcr0-all] XSETBV XCR0 = every component CPUID.(0xD,0) reports: accepted, reads back"
	.irp idx, 1, 2, 0x10, 0x80000000
	XSET $\idx, $0, $1, $VEC_GP, xcr0_base + 4, xcr0_base, "[xsetbv-ecx] XSETBV with ECX = \idx: #GP(0), XCR0 unchanged"
	.endr
	xorl %ecx, %ecx
	xorl %edx, %edx
	movl $1, %eax
	TRY .byte 0xf0, 0x0f, 0x01, 0xd1 /* lock xsetbv */
	EXPECT_EXC $VEC_UD, $0, "[xsetbv-lock] LOCK XSETBV: #UD"

	/* XGETBV: ECX = 1 is XINUSE with CPUID.(0xD,1):EAX[2], else #GP(0); ECX = 2 is #GP(0). */
	movl $1, %ecx
	TRY xgetbv
	testl $CD1A_XGETBV1, cd1_eax
	jz 2f
	EXPECT_NOEXC "[xgetbv-ecx1] XGETBV ECX = 1 with CPUID.(0xD,1):EAX[2]: no fault"
	jmp 3f
2:	EXPECT_GP "[xgetbv-ecx1] XGETBV ECX = 1 without CPUID.(0xD,1):EAX[2]: #GP(0)"
3:	movl $2, %ecx
	TRY xgetbv
	EXPECT_GP "[xgetbv-ecx2] XGETBV ECX = 2: #GP(0)"
	testl $E1D_LM, e1_edx
	jz 4f
	movl %esp, saved_esp
	call long_mode_enter
	ljmp $SEL_CODE64, $xcr64
xcr_compat_back:
	movl $SEL_DATA32, %eax
	movw %ax, %ss
	movl saved_esp, %esp
	call long_mode_leave
4:	xorl %ecx, %ecx
	movl xcr0_base + 4, %edx
	movl xcr0_base, %eax
	xsetbv
	movl cr4_base, %eax
	movl %eax, %cr4
	ret


	TEXT64
/* XSETBV and XGETBV in 64-bit mode (SDM XSETBV, XGETBV), CR4.OSXSAVE=1. */
xcr64:
	movl %esp, %esp
	movabsq $0xffffffff00000000, %rcx
	xorl %edx, %edx
	movl $3, %eax
	testl $2, xcr0_sup(%rip)
	jnz 2f
	movl $1, %eax
2:	movq %rax, q_want(%rip)
	TRY64 xsetbv
	xorl %ecx, %ecx
	xgetbv
	movl %eax, q_got(%rip)
	movl %edx, q_got + 4(%rip)
	RULE64 $NOEXC, "[xsetbv-rcx-hi] 64-bit mode: XSETBV with RCX = 0xffffffff_00000000 writes XCR0 (RCX[63:32] ignored)"
	movabsq $0xffffffff00000001, %rax
	movabsq $0xffffffff00000000, %rdx
	xorl %ecx, %ecx
	TRY64 xsetbv
	xorl %ecx, %ecx
	xgetbv
	movl %eax, q_got(%rip)
	movl %edx, q_got + 4(%rip)
	movq $1, q_want(%rip)
	RULE64 $NOEXC, "[xsetbv-rax-hi] 64-bit mode: XSETBV ignores RAX[63:32] and RDX[63:32] (XCR0 = 1)"
	movq $-1, %rax
	movq $-1, %rdx
	xorl %ecx, %ecx
	TRY64 xgetbv
	shrq $32, %rax /* RAX[63:32] in the low half */
	shrq $32, %rdx
	shlq $32, %rdx /* RDX[63:32] in the high half */
	orq %rdx, %rax
	movq %rax, q_got(%rip)
	movq $0, q_want(%rip)
	RULE64 $NOEXC, "[xgetbv-zext] 64-bit mode: XGETBV zeroes RAX[63:32] and RDX[63:32]"
	pushq $SEL_CODE32
	pushq $0
	movl $xcr_compat_back, (%rsp)
	lretq
	TEXT32

/* --------------------------------------------------------------------- DR */

/*
 * SDM MOV DR, vol. 3A 17.2.2: DR0-DR3 hold any value; with CR4.DE=0, DR4 and
 * DR5 are aliases of DR6 and DR7; with CR4.DE=1 they are #UD.
 */
test_dr:
	.irp n, 0, 1, 2, 3
	movl $(0x12345670 + \n), %eax
	TRY movl %eax, %dr\n
	movl %dr\n, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, $(0x12345670 + \n), "[dr-rw] DR\n = 0x1234567\n: reads back"
	xorl %eax, %eax
	movl %eax, %dr\n
	.endr
	movl cr4_base, %eax
	andl $~CR4_DE, %eax
	movl %eax, %cr4
	movl $DR6_B0, %eax
	TRY movl %eax, %dr4
	movl %dr6, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, $DR6_B0, "[dr4-alias] CR4.DE=0: MOV DR4 writes DR6"
	TRY movl %dr4, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, $DR6_B0, "[dr4-alias] CR4.DE=0: MOV from DR4 reads DR6"
	movl $DR7_RWLEN0, %eax
	TRY movl %eax, %dr5
	movl %dr7, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, $DR7_RWLEN0, "[dr5-alias] CR4.DE=0: MOV DR5 writes DR7"
	TRY movl %dr5, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, $DR7_RWLEN0, "[dr5-alias] CR4.DE=0: MOV from DR5 reads DR7"
	movl $DR6_INIT, %eax
	movl %eax, %dr6
	movl $DR7_INIT, %eax
	movl %eax, %dr7
	testl $C1D_DE, c1_edx
	jz 1f
	movl cr4_base, %eax
	orl $CR4_DE, %eax
	movl %eax, %cr4
	movl $DR6_B0, %eax
	TRY movl %eax, %dr4
	EXPECT_EXC $VEC_UD, $0, "[dr-de-ud] CR4.DE=1: MOV to DR4 is #UD"
	TRY movl %dr4, %eax
	EXPECT_EXC $VEC_UD, $0, "[dr-de-ud] CR4.DE=1: MOV from DR4 is #UD"
	movl $DR7_RWLEN0, %eax
	TRY movl %eax, %dr5
	EXPECT_EXC $VEC_UD, $0, "[dr-de-ud] CR4.DE=1: MOV to DR5 is #UD"
	TRY movl %dr5, %eax
	EXPECT_EXC $VEC_UD, $0, "[dr-de-ud] CR4.DE=1: MOV from DR5 is #UD"
	movl %dr6, %eax
	EXPECT_EQ %eax, $DR6_INIT, "[dr-de-ud] DR6 unchanged by the #UD MOV to DR4"
	movl %dr7, %eax
	EXPECT_EQ %eax, $DR7_INIT, "[dr-de-ud] DR7 unchanged by the #UD MOV to DR5"
1:	movl $DR6_INIT, %eax
	movl %eax, %dr6
	movl $DR7_INIT, %eax
	movl %eax, %dr7
	movl cr4_base, %eax
	movl %eax, %cr4
	ret

/* ------------------------------------------------------------- encodings */

/*
 * SDM MOV CR: CR1, CR5-CR7 are #UD (the register does not exist); the mod
 * field of the ModR/M byte is ignored (always a register). AMD APM MOV CRn:
 * with CR8_LEGACY (0x80000001:ECX[4]) LOCK MOV CR0 is CR8; without it LOCK
 * is #UD.
 */
test_encodings:
	.irp n, 1, 5, 6, 7
	movl cr0_base, %eax
	TRY movl %eax, %cr\n
	EXPECT_EXC $VEC_UD, $0, "[cr-ud] MOV to CR\n: #UD"
	TRY movl %cr\n, %eax
	EXPECT_EXC $VEC_UD, $0, "[cr-ud] MOV from CR\n: #UD"
	.endr
	movl $0x5a5a5a5a, %eax
	TRY .byte 0x0f, 0x20, 0x00 /* mov %cr0, %eax with mod = 00 */
	EXPECT_RULE $NOEXC, $0, %eax, $0, cr0_base, "[cr-mod-ignored] MOV from CR0 with ModRM.mod = 00: reads CR0 into EAX"
	movl cr0_base, %eax
	andl $~CR0_TS, %eax
	orl $CR0_MP, %eax
	movl %eax, %ebx
	TRY .byte 0x0f, 0x22, 0x00 /* mov %eax, %cr0 with mod = 00 */
	movl %cr0, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, %ebx, "[cr-mod-ignored] MOV to CR0 with ModRM.mod = 00: writes EAX to CR0"
	movl cr0_base, %eax
	movl %eax, %cr0

	testl $E1C_CR8_LEGACY, e1_ecx
	jnz 1f
	TRY .byte 0xf0, 0x0f, 0x20, 0xc0 /* lock mov %cr0, %eax */
	EXPECT_EXC $VEC_UD, $0, "[cr8-lock] LOCK MOV from CR0 without CR8_LEGACY: #UD"
	movl cr0_base, %eax
	TRY .byte 0xf0, 0x0f, 0x22, 0xc0 /* lock mov %eax, %cr0 */
	EXPECT_EXC $VEC_UD, $0, "[cr8-lock] LOCK MOV to CR0 without CR8_LEGACY: #UD"
	movl cr0_base, %eax
	movl %eax, %cr0
	ret
1:	movl $3, %eax
	TRY .byte 0xf0, 0x0f, 0x22, 0xc0 /* lock mov %eax, %cr0: CR8 = 3 */
	movl $0x5a5a5a5a, %eax
	TRY .byte 0xf0, 0x0f, 0x20, 0xc0 /* lock mov %cr0, %eax: EAX = CR8 */
	EXPECT_RULE $NOEXC, $0, %eax, $0, $3, "[cr8-lock] CR8_LEGACY: LOCK MOV CR0 = 3 writes CR8, LOCK MOV from CR0 reads it"
	movl %cr0, %eax
	EXPECT_EQ %eax, cr0_base, "[cr8-lock] CR8_LEGACY: CR0 itself unchanged"
	movl cr0_base, %eax
	movl %eax, %cr0
	xorl %eax, %eax
	TRY .byte 0xf0, 0x0f, 0x22, 0xc0 /* CR8 = 0 */
	ret

/* -------------------------------------------------------------- real mode */

	LOWTEXT
	.balign 4
r_rm_msw:	.word 0
	.balign 4
r_rm_cr0a:	.long 0xffffffff
r_rm_cr0b:	.long 0xffffffff

/* Entered at SEL_CODE16 (16-bit protected mode): go to real mode. */
rm_pm16:
	movw $SEL_DATA16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $RM_STACK_TOP, %esp
	movl %cr0, %eax
	andl $~CR0_PE, %eax
	movl %eax, %cr0
	ljmp $0, $LOW(rm_real)
rm_real:
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $RM_STACK_TOP, %sp
	lidt LOW(rm_idt_ptr)
	smsw %ax
	movw %ax, LOW(r_rm_msw)
	/* LMSW with PE=0 in the operand, in real mode: MP/EM/TS set, PE stays 0. */
	movw $0xe, %ax
	lmsw %ax
	movl %cr0, %eax
	movl %eax, LOW(r_rm_cr0a)
	/* LMSW 1: PE set (protected mode, CS still the real-mode one), MP/EM/TS cleared. */
	movw $1, %ax
	lmsw %ax
	movl %cr0, %eax
	movl %eax, LOW(r_rm_cr0b)
	ljmp $SEL_CODE16, $LOW(rm_pm16b)
rm_pm16b:
	movw $SEL_DATA16, %ax
	movw %ax, %ds
	ljmpl $SEL_CODE32, $rm_back32

	TEXT32
/* SDM LMSW, spec/cr.md 14.11: LMSW 1 from real mode sets PE. */
test_real_mode:
	call lowtext_install
	movl %esp, saved_esp
	ljmp $SEL_CODE16, $LOW(rm_pm16)
rm_back32:
	movl $SEL_DATA32, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl saved_esp, %esp
	lidt idt32_ptr
	movl cr0_base, %eax
	movl %eax, %cr0
	movzwl LOW(r_rm_msw), %eax
	andl $CR0_PE, %eax
	EXPECT_EQ %eax, $0, "[rm-smsw] real mode: SMSW shows PE=0"
	movl LOW(r_rm_cr0a), %eax
	andl $0xf, %eax
	EXPECT_EQ %eax, $(CR0_MP | CR0_EM | CR0_TS), "[rm-lmsw-no-pe] real mode: LMSW 0xE sets MP/EM/TS, PE stays 0"
	movl LOW(r_rm_cr0b), %eax
	andl $0xf, %eax
	EXPECT_EQ %eax, $CR0_PE, "[rm-lmsw-pe] real mode: LMSW 1 sets PE, clears MP/EM/TS"
	ret

/* -------------------------------------------------------------- long mode */

/* CR0 bit b (32-63) in 64-bit mode: reserved, #GP(0) (SDM MOV CR, cr.md 14.3). */
.macro CR0_HI b:req
	Q_BIT_FAULT \b
	MOV64 cr, 0, $VEC_GP, "[cr0-hi] 64-bit mode: CR0 bit \b = 1 (reserved): #GP(0), CR0 unchanged"
.endm

/* CR4 bit b (32-63) in 64-bit mode: reserved, but FRED (32) with CPUID FRED. */
.macro CR4_HI b:req
	.if \b == 32
	TEST_BIT64 32, cr4_ok
	jz .Lrsvd\@
	/* CR4.FRED changes event delivery: not turned on here. */
	jmp .Ldone\@
.Lrsvd\@:
	Q_BIT_FAULT \b
	MOV64 cr, 4, $VEC_GP, "[cr4-fred] 64-bit mode: CR4 bit 32 (FRED) = 1 without FRED: #GP(0), CR4 unchanged"
.Ldone\@:
	.else
	Q_BIT_FAULT \b
	MOV64 cr, 4, $VEC_GP, "[cr4-rsvd-hi] 64-bit mode: CR4 bit \b = 1 (reserved): #GP(0), CR4 unchanged"
	.endif
.endm

/* CR8 bit b (4-63): reserved, #GP(0) (SDM MOV CR, cr.md 6). */
.macro CR8_RSVD b:req
	Q_BIT_FAULT \b
	MOV64 cr, 8, $VEC_GP, "[cr8-rsvd] CR8 bit \b = 1 (reserved): #GP(0), CR8 unchanged"
.endm

/* DR6/DR7 bit b (32-63) in 64-bit mode: #GP(0) (SDM MOV DR). */
.macro DR6_HI b:req
	Q_BIT_FAULT \b
	MOV64 dr, 6, $VEC_GP, "[dr6-hi] 64-bit mode: DR6 bit \b = 1: #GP(0), DR6 unchanged"
.endm
.macro DR7_HI b:req
	Q_BIT_FAULT \b
	MOV64 dr, 7, $VEC_GP, "[dr7-hi] 64-bit mode: DR7 bit \b = 1: #GP(0), DR7 unchanged"
.endm

/*
 * CR3 bit b (32-63) in 64-bit mode: #GP(0) at or above MAXPHYADDR (SDM MOV
 * CR, 4.5; cr.md 5 step 3), except LAM_U57/LAM_U48 (61, 62) with LAM. Below
 * MAXPHYADDR the bit is an address bit: not tested (no memory there).
 */
.macro CR3_HI b:req
	cmpl $\b, maxphyaddr(%rip)
	ja .Ldone\@
	.if (\b == 61) || (\b == 62)
	testl $C71A_LAM, c71_eax(%rip)
	jnz .Ldone\@
	Q_BIT_FAULT \b
	MOV64 cr, 3, $VEC_GP, "[cr3-lam] 64-bit mode: CR3 bit \b (LAM) = 1 without LAM: #GP(0), CR3 unchanged"
	.else
	Q_BIT_FAULT \b
	MOV64 cr, 3, $VEC_GP, "[cr3-maxphy] 64-bit mode: CR3 bit \b = 1 (at or above MAXPHYADDR): #GP(0), CR3 unchanged"
	.endif
.Ldone\@:
.endm

/* 64-bit code: q_old = %cr<n> (or %dr<n>). */
.macro Q_OLD kind:req, n:req
	movq %\kind\n, %rax
	movq %rax, q_old(%rip)
.endm

	TEXT64
lm64:
	movl %esp, %esp /* zero RSP[63:32]: undefined after the mode switch */
	/* A 64-bit code segment: CS = 0x28, a PUSH is 8 bytes. */
	movq %rsp, %rdx
	pushq %rax
	subq %rsp, %rdx
	popq %rax
	xorl %eax, %eax
	movw %cs, %ax
	shlq $32, %rax
	orq %rdx, %rax
	movq %rax, q_got(%rip)
	movq $SEL_CODE64, %rax
	shlq $32, %rax
	orq $8, %rax
	movq %rax, q_want(%rip)
	movl $0xffffffff, exc_vector(%rip)
	RULE64 $NOEXC, "[lm-64] far jump to a CS with L=1: 64-bit mode (CS = 0x28 in the high half, PUSH size 8)"

	/* ---- CR0 ---- */
	Q_OLD cr, 0
	movq %rax, q_got(%rip)
	movl %eax, %eax
	movq %rax, q_want(%rip)
	movl $0xffffffff, exc_vector(%rip)
	RULE64 $NOEXC, "[cr0-rd64] 64-bit mode: MOV from CR0 has bits 63:32 = 0"
	FOR_BITS 32, 63, CR0_HI
	movq q_old(%rip), %rax
	btrq $31, %rax
	movq %rax, q_val(%rip)
	movq q_old(%rip), %rax
	movq %rax, q_want(%rip)
	MOV64 cr, 0, $VEC_GP, "[cr0-pg-64] 64-bit mode: clearing CR0.PG: #GP(0), CR0 unchanged"

	/* CR0.WP (SDM 4.6.1): supervisor writes to a read-only page fault only with WP=1. */
	movq q_old(%rip), %rax
	btsq $16, %rax
	movq %rax, %cr0
	movq %cr2, %rax
	movq %rax, q_val(%rip)
	TRY64 movb $1, WP_PAGE
	movq %cr2, %rax
	movq %rax, q_got(%rip)
	movq $WP_PAGE, %rax
	movq %rax, q_want(%rip)
	IN32
	EXPECT_EXC $VEC_PF, $3, "[cr0-wp-ro] CR0.WP=1: CPL 0 write to a read-only page is #PF (error code P|W = 3)"
	EXPECT_EQ64 q_got + 4, q_got, q_want + 4, q_want, "[cr0-wp-cr2] that #PF leaves CR2 = the address"
	IN64
	movq q_val(%rip), %rax
	movq %rax, %cr2
	movq q_old(%rip), %rax
	btrq $16, %rax
	movq %rax, %cr0
	TRY64 movb $1, WP_PAGE
	movzbl WP_PAGE, %eax
	movq %rax, q_got(%rip)
	movq $1, q_want(%rip)
	RULE64 $NOEXC, "[cr0-wp0-ro] CR0.WP=0: CPL 0 write to a read-only page succeeds"
	movq q_old(%rip), %rax
	movq %rax, %cr0

	/* LMSW in 64-bit mode: still only bits 3:0 of the (16-bit) operand. */
	movabsq $0xfffffffffffffffe, %rax
	TRY64 lmsw %ax
	movq %cr0, %rax
	movq %rax, q_got(%rip)
	movq q_old(%rip), %rax
	orq $(CR0_MP | CR0_EM | CR0_TS), %rax
	movq %rax, q_want(%rip)
	RULE64 $NOEXC, "[lmsw-64] 64-bit mode: LMSW with RAX = ~1: MP/EM/TS set, PE kept, nothing else"
	movq q_old(%rip), %rax
	movq %rax, %cr0

	/* SMSW in 64-bit mode (SDM SMSW): r16 keeps 63:16, r32 zero-extends, r64 is CR0. */
	movq q_old(%rip), %rax
	movq %rax, q_want(%rip)
	movq $-1, %rax
	TRY64 smsw %rax
	movq %rax, q_got(%rip)
	RULE64 $NOEXC, "[smsw-r64] 64-bit mode: SMSW r64 = CR0"
	movq $-1, %rax
	TRY64 smsw %eax
	movq %rax, q_got(%rip)
	RULE64 $NOEXC, "[smsw-r32-64] 64-bit mode: SMSW r32 = CR0[31:0] zero-extended"
	movabsq $0x123456789abcdef0, %rax
	TRY64 smsw %ax
	movq %rax, q_got(%rip)
	movzwl q_old(%rip), %eax
	movabsq $0x123456789abc0000, %rdx
	orq %rdx, %rax
	movq %rax, q_want(%rip)
	RULE64 $NOEXC, "[smsw-r16-64] 64-bit mode: SMSW r16 = CR0[15:0], RAX[63:16] unchanged"

	/* ---- CR4 ---- */
	Q_OLD cr, 4
	FOR_BITS 32, 63, CR4_HI
	movq q_old(%rip), %rax
	btrq $5, %rax
	movq %rax, q_val(%rip)
	movq q_old(%rip), %rax
	movq %rax, q_want(%rip)
	MOV64 cr, 4, $VEC_GP, "[cr4-pae-64] 64-bit mode: clearing CR4.PAE: #GP(0), CR4 unchanged"
	movq q_old(%rip), %rax
	btcq $12, %rax
	movq %rax, q_val(%rip)
	MOV64 cr, 4, $VEC_GP, "[cr4-la57-lm] 64-bit mode: toggling CR4.LA57: #GP(0), CR4 unchanged"
	call pcid64

	/* ---- CR2, CR3 ---- */
	Q_OLD cr, 2
	movabsq $0xfedcba9876543210, %rax
	movq %rax, q_val(%rip)
	movq %rax, q_want(%rip)
	MOV64 cr, 2, $NOEXC, "[cr2-rw64] 64-bit mode: CR2 = 0xfedcba9876543210: reads back"
	Q_OLD cr, 3
	orq $0x18, %rax
	movq %rax, q_val(%rip)
	movq %rax, q_want(%rip)
	MOV64 cr, 3, $NOEXC, "[cr3-pwt-pcd] 64-bit mode, PCIDE=0: CR3 = pml4 | PWT | PCD: reads back"

	/* ---- CR8 (SDM MOV CR, 10.8.6.1; cr.md 6) ---- */
	.irp v, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0
	movq $0, q_old(%rip)
	movq $\v, q_val(%rip)
	movq $\v, q_want(%rip)
	movq q_val(%rip), %rax
	TRY64 movq %rax, %cr8
	movq %cr8, %rax
	movq %rax, q_got(%rip)
	RULE64 $NOEXC, "[cr8-rw] CR8 = \v: reads back"
	.endr
	movq $5, %rax
	movq %rax, %cr8
	movq %rax, q_old(%rip)
	FOR_BITS 4, 63, CR8_RSVD
	xorl %eax, %eax
	movq %rax, %cr8

	/* ---- CR and DR numbers that do not exist (SDM MOV CR/DR: #UD) ---- */
	.irp n, 1, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15
	movq q_old(%rip), %rax
	TRY64 movq %rax, %cr\n
	movq $0, q_got(%rip)
	movq $0, q_want(%rip)
	RULE64 $VEC_UD, "[cr-ud-64] 64-bit mode: MOV to CR\n: #UD"
	TRY64 movq %cr\n, %rax
	RULE64 $VEC_UD, "[cr-ud-64] 64-bit mode: MOV from CR\n: #UD"
	.endr
	.irp n, 8, 9, 15
	movq $0, q_got(%rip)
	movq $0, q_want(%rip)
	xorl %eax, %eax
	TRY64 movq %rax, %dr\n
	RULE64 $VEC_UD, "[dr-ud-64] 64-bit mode: MOV to DR\n (REX.R): #UD"
	TRY64 movq %dr\n, %rax
	RULE64 $VEC_UD, "[dr-ud-64] 64-bit mode: MOV from DR\n (REX.R): #UD"
	.endr

	/* ---- DR6/DR7 bits 63:32 (SDM MOV DR: #GP(0) in 64-bit mode) ---- */
	Q_OLD dr, 6
	FOR_BITS 32, 63, DR6_HI
	Q_OLD dr, 7
	FOR_BITS 32, 63, DR7_HI

	/* ---- EFER in 64-bit mode (spec/msr.md 6.1, cr.md 7) ---- */
	MSR_TAG64 $MSR_EFER
	movl $MSR_EFER, %ecx
	rdmsr
	movl %eax, q_old(%rip)
	movl %edx, q_old + 4(%rip)
	movq q_old(%rip), %rax
	movq %rax, q_want(%rip)
	andl $~EFER_LME, %eax
	TRY64 wrmsr
	rdmsr
	movl %eax, q_got(%rip)
	movl %edx, q_got + 4(%rip)
	RULE64 $VEC_GP, "[efer-lme-64] 64-bit mode: clearing EFER.LME with CR0.PG=1: #GP(0), EFER unchanged"
	movl $MSR_EFER, %ecx
	movl q_old(%rip), %eax
	movl q_old + 4(%rip), %edx
	TRY64 wrmsr /* a host that took the write: put LME back */
	andl $~EFER_LMA, %eax
	TRY64 wrmsr
	rdmsr
	movl %eax, q_got(%rip)
	movl %edx, q_got + 4(%rip)
	RULE64 $NOEXC, "[efer-lma-64] 64-bit mode: WRMSR EFER with LMA=0: accepted, LMA still 1 (read-only)"
	MSR_UNTAG64

	/* ---- CR3 at and above MAXPHYADDR: last, a host that takes one cannot go on ---- */
	movq %cr3, %rax
	movq %rax, q_old(%rip)
	FOR_BITS 32, 63, CR3_HI

	/* Back to compatibility mode. */
	pushq $SEL_CODE32
	pushq $0
	movl $lm_compat_back, (%rsp)
	lretq

/*
 * PCIDE (SDM 4.10.1, MOV CR; cr.md 4 step 6, 5, 14.8-14.9): with PCID, PCIDE
 * 0->1 needs CR3[11:0] = 0; then CR3[11:0] is the PCID and bit 63 of a
 * written value (NOFLUSH) is not stored; PG cannot be cleared while PCIDE=1.
 * Without PCID, PCIDE is reserved.
 */
pcid64:
	movq %cr4, %rax
	movq %rax, q_old(%rip)
	movq %rax, q_want(%rip)
	btsq $17, %rax
	movq %rax, q_val(%rip)
	testl $C1C_PCID, c1_ecx(%rip)
	jnz 1f
	MOV64 cr, 4, $VEC_GP, "[cr4-pcide-nocpuid] 64-bit mode: CR4.PCIDE = 1 without PCID: #GP(0), CR4 unchanged"
	ret
1:	movq %cr3, %rax
	movq %rax, q_cr3(%rip)
	orq $0x008, %rax /* PWT: CR3[11:0] != 0 */
	movq %rax, %cr3
	MOV64 cr, 4, $VEC_GP, "[cr4-pcide-cr3] CR4.PCIDE = 1 with CR3[11:0] != 0: #GP(0), CR4 unchanged"
	movq q_cr3(%rip), %rax
	movq %rax, %cr3
	movq q_val(%rip), %rax
	TRY64 movq %rax, %cr4
	movq %cr4, %rax
	movq %rax, q_got(%rip)
	movq q_val(%rip), %rax
	movq %rax, q_want(%rip)
	RULE64 $NOEXC, "[cr4-pcide-lm] CR4.PCIDE = 1 in IA-32e mode with CR3[11:0] = 0: accepted, reads back"
	movq %cr4, %rax
	btq $17, %rax
	jnc 9f
	/* PCIDE is on. */
	movq q_cr3(%rip), %rax
	orq $1, %rax /* PCID 1 */
	movq %rax, q_want(%rip)
	movq %rax, q_val(%rip)
	TRY64 movq %rax, %cr3
	movq %cr3, %rax
	movq %rax, q_got(%rip)
	RULE64 $NOEXC, "[cr3-pcid] PCIDE=1: CR3 = pml4 | PCID 1: reads back"
	movq q_cr3(%rip), %rax
	btsq $63, %rax
	TRY64 movq %rax, %cr3
	movq %cr3, %rax
	movq %rax, q_got(%rip)
	movq q_cr3(%rip), %rax
	movq %rax, q_want(%rip)
	RULE64 $NOEXC, "[cr3-noflush] PCIDE=1: CR3 with bit 63 (NOFLUSH): accepted, bit 63 not stored"
	movq q_cr3(%rip), %rax
	movq %rax, %cr3
	/* Clearing PG with PCIDE=1 is #GP(0), in compatibility mode too. */
	movq %cr0, %rax
	movq %rax, q_want(%rip)
	IN32
	movl %cr0, %eax
	andl $~CR0_PG, %eax
	TRYC movl %eax, %cr0
	movl %cr0, %eax
	EXPECT_RULE $VEC_GP, $0, %eax, q_want + 4, q_want, "[cr4-pcide-pg] compatibility mode, PCIDE=1: clearing CR0.PG: #GP(0), CR0 unchanged"
	IN64
	movq q_old(%rip), %rax
	TRY64 movq %rax, %cr4
	movq %cr4, %rax
	movq %rax, q_got(%rip)
	movq q_old(%rip), %rax
	movq %rax, q_want(%rip)
	RULE64 $NOEXC, "[cr4-pcide-clear] CR4.PCIDE 1 -> 0: accepted"
9:	movq q_old(%rip), %rax
	movq %rax, %cr4
	movq q_cr3(%rip), %rax
	movq %rax, %cr3
	ret

	TEXT32
/*
 * Long-mode activation and deactivation (SDM 9.8.5, 9.8.5.4; cr.md 2 steps
 * 6-8, 4 step 4, 7, 14.6-14.7), everything 64-bit in lm64.
 */
test_long_mode:
	testl $E1D_LM, e1_edx
	jnz 1f
	PRINTLN "note: no LM in CPUID: long-mode checks not run"
	ret
1:	movl WP_PDE, %eax
	movl %eax, pde_save
	andl $~2, WP_PDE /* the 2 MiB page at WP_PAGE: read-only */
	movl %esp, saved_esp
	call long_mode_enter
	MSR_TAG $MSR_EFER /* the checks of a value RDMSR EFER returns are about EFER */
	movl $MSR_EFER, %ecx
	rdmsr
	andl $(EFER_LME | EFER_LMA), %eax
	EXPECT_EQ %eax, $(EFER_LME | EFER_LMA), "[lm-lma] CR0.PG=1 with EFER.LME=1, CR4.PAE=1: EFER.LMA=1"
	MSR_UNTAG
	xorl %eax, %eax
	movw %cs, %ax
	EXPECT_EQ %eax, $SEL_CODE32, "[lm-compat] IA-32e mode with CS.L=0: compatibility mode, 32-bit code runs on (CS = 0x08)"

	/* In compatibility mode, too, PAE and LME cannot be cleared. */
	movl %cr4, %ebx
	movl %ebx, %eax
	andl $~CR4_PAE, %eax
	TRYC movl %eax, %cr4
	movl %cr4, %eax
	EXPECT_RULE $VEC_GP, $0, %eax, $0, %ebx, "[cr4-pae-compat] compatibility mode: clearing CR4.PAE: #GP(0), CR4 unchanged"
	movl %ebx, %cr4
	MSR_TAG $MSR_EFER
	movl $MSR_EFER, %ecx
	rdmsr
	movl %eax, %ebx
	andl $~EFER_LME, %eax
	TRYC wrmsr
	rdmsr
	EXPECT_RULE $VEC_GP, %edx, %eax, $0, %ebx, "[efer-lme-compat] compatibility mode: clearing EFER.LME with CR0.PG=1: #GP(0), EFER unchanged"
	MSR_UNTAG
	movl %ebx, %eax
	xorl %edx, %edx
	TRYC wrmsr

	ljmp $SEL_CODE64, $lm64
lm_compat_back:
	movl $SEL_DATA32, %eax
	movw %ax, %ss
	movl saved_esp, %esp
	/* Leaving IA-32e mode: PG can be cleared in compatibility mode; LMA becomes 0. */
	movl %cr0, %ebx
	andl $~CR0_PG, %ebx
	movl %ebx, %eax
	TRYC movl %eax, %cr0
	movl %cr0, %eax
	EXPECT_RULE $NOEXC, $0, %eax, $0, %ebx, "[lm-pg-compat] compatibility mode: clearing CR0.PG is allowed"
	lidt idt32_ptr
	MSR_TAG $MSR_EFER
	movl $MSR_EFER, %ecx
	rdmsr
	andl $(EFER_LME | EFER_LMA), %eax
	EXPECT_EQ %eax, $EFER_LME, "[lm-pg-compat] after that: EFER.LMA=0, LME still 1"
	MSR_UNTAG
	call long_mode_leave
	movl pde_save, %eax
	movl %eax, WP_PDE
	movl %cr0, %eax
	EXPECT_EQ %eax, cr0_base, "[lm-back] back in protected mode: CR0 as at entry"
	MSR_TAG $MSR_EFER
	movl $MSR_EFER, %ecx
	rdmsr
	EXPECT_EQ64 %edx, %eax, efer_base + 4, efer_base, "[lm-back] back in protected mode: EFER as at entry"
	MSR_UNTAG
	ret

/*
 * Last, the two writes that leave a host which takes them with paging on and
 * nothing to run (cr.md 2 steps 3 and 6): PG without PE, and long-mode
 * activation without PAE.
 */
test_last:
	testl $E1D_LM, e1_edx
	jz 1f
	movl $pml4, %eax
	movl %eax, %cr3
	movl cr4_base, %eax
	andl $~CR4_PAE, %eax
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl cr0_base, %ebx
	orl $CR0_PG, %ebx
	CR32 0, $VEC_GP, %ebx, cr0_base, cr0_base, "[lm-pae0] CR0.PG=1 with EFER.LME=1, CR4.PAE=0: #GP(0), CR0 unchanged"
	MSR_TAG $MSR_EFER
	movl $MSR_EFER, %ecx
	rdmsr
	andl $(EFER_LME | EFER_LMA), %eax
	EXPECT_EQ %eax, $EFER_LME, "[lm-pae0] after that: EFER.LMA=0"
	MSR_UNTAG
	movl efer_base, %eax
	movl efer_base + 4, %edx
	wrmsr
	movl cr3_base, %eax
	movl %eax, %cr3
	movl cr4_base, %eax
	movl %eax, %cr4
1:	movl cr0_base, %ebx
	orl $CR0_PG, %ebx
	andl $~CR0_PE, %ebx
	CR32 0, $VEC_GP, %ebx, cr0_base, cr0_base, "[cr0-pg-nope] CR0 with PG=1, PE=0: #GP(0), CR0 unchanged"
	ret

/* ------------------------------------------------------------------- main */

	.globl guest_main
guest_main:
	call cpu_probe
	call cpu_derive
	call cpu_report
	call test_cr0
	call test_msw
	call test_cr2_cr3
	call test_cr4
	call test_efer
	call test_xcr_ud
	call test_dr
	call test_encodings
	call test_real_mode
	call test_long_mode
	call test_last
	call test_xcr
	ret
