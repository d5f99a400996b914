/* SPDX-License-Identifier: MIT */
/*
 * msrconf: MSR conformance from 32-bit protected mode at CPL 0 (and a short
 * trip to 64-bit mode). Every expectation is architectural (Intel SDM, AMD
 * APM, and the rules of spec/msr.md sections 5, 6 and 15) and derived from
 * what CPUID says about this CPU, never from what one host happens to do:
 *
 *   vendor (Intel rules, or AMD's for AuthenticAMD/HygonGenuine), NX, LM,
 *   x2APIC, RDTSCP, RDPID, TSC_ADJUST, TSC_DEADLINE, the speculation-control
 *   bits (7.0:EDX 26/27/28/29/31, 7.2:EDX, 0x80000008:EBX 12/14/15/24/28,
 *   0x80000021:EAX 27), XSAVES and the XSS bits (0xD.1), SVM, FXSR_OPT, TCE,
 *   AUTOIBRS, MAXPHYADDR (0x80000008:EAX[7:0]), LA57 (canonical width 57 or
 *   48 bits), MCA and MCG_CAP (bank count, MCG_CTL_P).
 *
 * Each check's name starts with a bracketed ID, "[pat-inval-0x02] ...": run.t
 * matches known host deviations by it. Loop-generated checks share the ID of
 * their rule and carry the bit or byte in the text. A FAIL line ends with
 * " {msr 0x%08x}", the MSR the check is about (guest_msr.h): checks that
 * judge what a WRMSR did (RDTSC after WRMSR TSC, RDTSCP after WRMSR
 * TSC_AUX, CPUID after WRMSR MISC_FEATURES_ENABLES) carry the MSR written.
 * The IDs, by test:
 *
 *   entry      pat-reset apic-base-reset
 *   unknown    unknown-rd unknown-wr
 *   canonical  {fsbase,gsbase,kgsbase,lstar,cstar}-{canon,aaaa,noncanon}
 *   SYSENTER   sysenter-cs sysenter-{eip,esp}-canon (Intel)
 *              sysenter-{eip,esp}-hi (AMD)
 *   EFER       efer-rd efer-entry efer-restore efer-rsvd efer-sce efer-lme
 *              efer-lma efer-nx efer-svme efer-ffxsr efer-tce efer-autoibrs
 *   PAT        pat-valid-{0,1,4,5,6,7} pat-inval-{0x02,0x03,0x08,0x10,0x40,
 *              0x80,0xff} pat-restore
 *   MTRR       mtrrcap-rd mtrrcap-wr mtrrdef-rd mtrrdef-rsvd mtrrdef-type-{2,3,7}
 *              mtrrdef-valid mtrr-var-valid mtrr-base-type-{2,3,7}
 *              mtrr-base-rsvd mtrr-mask-rsvd mtrr-base-maxphy mtrr-mask-maxphy
 *              mtrr-fix-valid mtrr-fix-type
 *   MISC_EN    misc-en-rd misc-en-bit11 misc-en-bit12 misc-en-bit7
 *   FEAT_CTL   featctl-rd featctl-lock featctl-locked (Intel) featctl-amd
 *   TSC_AUX    tsc-aux-nocpuid tsc-aux-rd tsc-aux-rt rdtscp-aux rdpid-aux
 *              tsc-aux-hi
 *   TSC        tsc-write tsc-write-rdmsr tsc-write-rdtsc tsc-adjust-rd
 *              tsc-adjust-follows tsc-adjust-moves-tsc tsc-adjust-moves-rdtsc
 *              tsc-adjust-rt tsc-adjust-nocpuid tscdl-ignored tscdl-nocpuid
 *   spec       spec-ctrl-nocpuid spec-ctrl-rd spec-ctrl-bit spec-ctrl-rsvd
 *              pred-cmd-rd pred-cmd-nocpuid pred-cmd-zero pred-cmd-bit
 *              pred-cmd-rsvd flush-cmd-rd flush-cmd-nocpuid flush-cmd-zero
 *              flush-cmd-bit flush-cmd-rsvd arch-cap-rd arch-cap-wr
 *              arch-cap-nocpuid
 *   misc       ucode-rev-wr ucode-rev-rd platinfo-wr mfe-rsvd mfe-cpuid-fault
 *   MCE        mcg-cap-rd mcg-cap-wr mcg-ctl-absent mcg-ctl-rd mcg-ctl
 *              mcg-ctl-inval mc-ctl mc-ctl-aaaa mc-status-zero mc-status-nz
 *              mc-status-hwcr mc-bank-oob
 *   XSS        xss-nocpuid xss-rd xss-bit xss-rsvd
 *   HWCR       hwcr-rd hwcr-ignored hwcr-bit hwcr-rsvd
 *   APIC       apic-base-rd apic-base-rsvd apic-base-maxphy apic-extd-no-en
 *              apic-extd-nocpuid apic-xapic-to-x2apic apic-x2apic-to-xapic
 *              apic-x2apic-to-off apic-off-to-x2apic apic-off-to-xapic
 *              apic-restore x2apic-msr-xapic x2apic-msr
 *   64-bit     rdmsr-zext wrmsr-hi-ignored rcx-hi-ignored efer-lme-pg
 *
 * The MSRs a later check or the runtime depends on (PAT, APIC base, TSC_AUX,
 * EFER, the FS/GS bases, the MTRRs, ...) are put back as they were.
 */
#include "guest.h"
#include "guest_msr.h"

/* An index outside every architectural and paravirtual MSR range. */
#define MSR_BOGUS 0x12345678

/* CPUID bits, by leaf and register. */
#define C1D_PAE (1 << 6)
#define C1D_APIC (1 << 9)
#define C1D_MTRR (1 << 12)
#define C1D_MCA (1 << 14)
#define C1C_X2APIC (1 << 21)
#define C1C_TSC_DEADLINE (1 << 24)
#define C7B_TSC_ADJUST (1 << 1)
#define C7C_LA57 (1 << 16)
#define C7C_RDPID (1 << 22)
#define C7D_SPEC_CTRL (1 << 26) /* IBRS and IBPB */
#define C7D_STIBP (1 << 27)
#define C7D_FLUSH_L1D (1 << 28)
#define C7D_ARCH_CAP (1 << 29)
#define C7D_SSBD (1 << 31)
#define C72D_PSFD (1 << 0)
#define C72D_IPRED_CTRL (1 << 1)
#define C72D_RRSBA_CTRL (1 << 2)
#define C72D_DDPD_U (1 << 3)
#define C72D_BHI_CTRL (1 << 4)
#define CD1A_XSAVES (1 << 3)
#define E1D_RDTSCP (1 << 27)
#define E8B_IBPB (1 << 12)
#define E8B_IBRS (1 << 14)
#define E8B_STIBP (1 << 15)
#define E8B_SSBD (1 << 24)
#define E8B_PSFD (1 << 28)
#define E21A_GP_ON_USER_CPUID (1 << 17)
#define E21A_SBPB (1 << 27)


#define APIC_BASE_BSP (1 << 8)
#define APIC_BASE_EXTD (1 << 10)
#define APIC_BASE_EN (1 << 11)
/* RESET value of IA32_APIC_BASE on the BSP: 0xFEE00000 | EN | BSP (SDM 10.4.4). */
#define APIC_BASE_RESET 0xfee00900

#define PAT_RESET 0x0007040600070406 /* SDM 11.12.4 */
/* q with byte `pos` replaced by v. */
#define Q_BYTE_SET(q, pos, v) (((q) & ~(0xff << (8 * (pos)))) | ((v) << (8 * (pos))))

#define MTRRCAP_FIX (1 << 8)
#define MTRR_DEF_E (1 << 11)
#define MTRR_DEF_FE (1 << 10)
#define MTRR_WB 6
#define MTRR_ALL_WB 0x0606060606060606

#define MCG_CTL_P (1 << 8)
#define HWCR_MCSTATUSWREN (1 << 18)
#define FEAT_CTL_LOCKED 1
#define PLATFORM_INFO_CPUID_FAULT (1 << 31)

/* TSC tests: move the TSC by 2^32 cycles, allow 2^30 cycles of slack. */
#define TSC_STEP_HI 1
#define TSC_SLACK 0x40000000

/* ------------------------------------------------------------------- data */

	.bss
	.balign 8
/* CPUID, as read at entry (0 for a leaf the CPU does not have). */
cpu_vendor:	.space 16 /* the 12-character vendor string, NUL-terminated */
is_amd:		.long 0
cpuid_max:	.long 0
cpuid_ext_max:	.long 0
c1_ecx:		.long 0
c1_edx:		.long 0
c7_eax:		.long 0
c7_ebx:		.long 0
c7_ecx:		.long 0
c7_edx:		.long 0
c72_edx:	.long 0
cd1_eax:	.long 0
cd1_ecx:	.long 0
cd1_edx:	.long 0
e1_ecx:		.long 0
e1_edx:		.long 0
e8_eax:		.long 0
e8_ebx:		.long 0
e21_eax:	.long 0
maxphyaddr:	.long 0
maxphy_m1:	.long 0 /* MAXPHYADDR - 1: the highest legal address bit */
va_bits:	.long 0 /* canonical width of MSR addresses: 57 with LA57, else 48 */
mc_banks:	.long 0
oob_bank_msr:	.long 0

	.balign 8
/* Per-bit rules derived from CPUID (quads: which bits are defined / kept). */
zero_q:		.quad 0
efer_ok:	.quad 0
efer_keep:	.quad 0
spec_ok:	.quad 0
pred_ok:	.quad 0
flush_ok:	.quad 0
xss_ok:		.quad 0
hwcr_ok:	.quad 0
hwcr_keep:	.quad 0
/* Values read at the start of a test, to build on and restore. */
apic_cur:	.quad 0
efer_base:	.quad 0
mtrrcap:	.quad 0
mtrr_def_base:	.quad 0
mtrr_base_val:	.quad 0
mtrr_mask_val:	.quad 0
mtrr_save:	.quad 0, 0, 0 /* PHYSBASE0, PHYSMASK0, FIX64K_00000 */
misc_base:	.quad 0
tsc_aux_old:	.quad 0
spec_base:	.quad 0
xss_base:	.quad 0
hwcr_base:	.quad 0
mc_save:	.quad 0, 0, 0 /* MCG_CTL, MC0_CTL, MC0_STATUS */
platinfo:	.quad 0
platinfo_ok:	.long 0
tsc_t0:		.quad 0
tsc_t1:		.quad 0
tsc_adj0:	.quad 0
tsc_adj1:	.quad 0
tsc_t2:		.quad 0
tsc_t3:		.quad 0
/* 64-bit mode results, checked from 32-bit code. */
r64_try:	.space 4 * 20 /* four saved TRY64 outcomes, 5 words each */
r64_rax:	.quad 0
r64_rdx:	.quad 0
r64_star:	.quad 0
r64_rcx_val:	.quad 0
r64_efer:	.quad 0
saved_esp:	.long 0

/* ----------------------------------------------------------------- macros */

/* msr_val = (the quad at base) | bit (the run-time bit number in `bitvar`). */
.macro SET_VAL_RTBIT base:req, bitvar:req
	movl \bitvar, %ecx
	call bit_quad
	orl \base, %eax
	orl \base + 4, %edx
	movl %eax, msr_val
	movl %edx, msr_val + 4
.endm

/* Run `insn` under TRY; then `reg` must equal `expected` (one check point). */
.macro TRY_EXPECT_EQ insn:req, reg:req, expected:req, name:req
	TRY \insn
	JFAULTED .Lf\@
	EXPECT_EQ \reg, \expected, "\name"
	jmp .Ld\@
.Lf\@:
	EXPECT_NOEXC "\name"
.Ld\@:
.endm

/*
 * |EDX:EAX| < TSC_SLACK, as a signed 64-bit difference: PASS, else a note
 * line with the difference and FAIL. Clobbers EAX, EDX.
 */
.macro EXPECT_NEAR name:req
	pushl %eax
	pushl %edx
	addl $TSC_SLACK, %eax
	adcl $0, %edx
	jnz .Lfar\@
	cmpl $(2 * TSC_SLACK), %eax
	jae .Lfar\@
	addl $8, %esp
	PASS "\name"
	jmp .Ld\@
.Lfar\@:
	popl %edx
	popl %eax
	PRINT "note: \name: off by "
	call puthex64
	PRINTLN " cycles"
	FAIL "\name", "off by 2^30 cycles or more"
.Ld\@:
.endm

/* EDX:EAX = the quad at a - the quad at b. */
.macro Q_SUB a:req, b:req
	movl \a, %eax
	movl \a + 4, %edx
	subl \b, %eax
	sbbl \b + 4, %edx
.endm

/* The quad at q = EDX:EAX. */
.macro Q_STORE q:req
	movl %eax, \q
	movl %edx, \q + 4
.endm

/*
 * Canonical-address MSRs (spec/msr.md 5.1, SDM WRMSR): a non-canonical value
 * is #GP(0) and the MSR keeps its value. The width is 57 bits with CPUID
 * LA57, else 48, whatever CR4.LA57 says; checked exactly at the boundary on
 * both halves of the address space.
 */
.macro CANON_TESTS idx:req, id:req, label:req
	EXPECT_ROUNDTRIP $\idx, $0x00001234, $0x56789000, "[\id-canon] \label = 0x0000123456789000"
	EXPECT_WRMSR_GP $\idx, $0xaaaaaaaa, $0xaaaaaaaa, "[\id-aaaa] \label = 0xaaaaaaaaaaaaaaaa"
	cmpl $57, va_bits
	je .L57\@
	EXPECT_ROUNDTRIP $\idx, $0xffff8000, $0x00000000, "[\id-canon] \label = 0xffff800000000000 (48-bit: lowest canonical upper-half address)"
	EXPECT_WRMSR_GP $\idx, $0xffff7fff, $0xffffffff, "[\id-noncanon] \label = 0xffff7fffffffffff (48-bit: just below the upper half)"
	EXPECT_ROUNDTRIP $\idx, $0x00007fff, $0xffffffff, "[\id-canon] \label = 0x00007fffffffffff (48-bit: highest canonical lower-half address)"
	EXPECT_WRMSR_GP $\idx, $0x00008000, $0x00000000, "[\id-noncanon] \label = 0x0000800000000000 (48-bit: just above the lower half)"
	jmp .Ldone\@
.L57\@:
	EXPECT_ROUNDTRIP $\idx, $0xff000000, $0x00000000, "[\id-canon] \label = 0xff00000000000000 (57-bit: lowest canonical upper-half address)"
	EXPECT_WRMSR_GP $\idx, $0xfeffffff, $0xffffffff, "[\id-noncanon] \label = 0xfeffffffffffffff (57-bit: just below the upper half)"
	EXPECT_ROUNDTRIP $\idx, $0x00ffffff, $0xffffffff, "[\id-canon] \label = 0x00ffffffffffffff (57-bit: highest canonical lower-half address)"
	EXPECT_WRMSR_GP $\idx, $0x01000000, $0x00000000, "[\id-noncanon] \label = 0x0100000000000000 (57-bit: just above the lower half)"
.Ldone\@:
	MSR_WRITE $\idx, $0, $0
.endm

/* EFER, one bit: its ID names the bit's rule (spec/msr.md 6.1, SDM 2.2.1, APM 3.1.7). */
.macro EFER_BIT b:req
	.if \b == 0
	BIT_RULE \b, $MSR_EFER, efer_base, efer_ok, efer_keep, "[efer-sce] EFER.SCE (with LM or SYSCALL):"
	.elseif \b == 8
	BIT_RULE \b, $MSR_EFER, efer_base, efer_ok, efer_keep, "[efer-lme] EFER.LME (with LM; paging is off):"
	.elseif \b == 10
	BIT_RULE \b, $MSR_EFER, efer_base, efer_ok, efer_keep, "[efer-lma] EFER.LMA (with LM; the written bit is ignored, reads 0):"
	.elseif \b == 11
	BIT_RULE \b, $MSR_EFER, efer_base, efer_ok, efer_keep, "[efer-nx] EFER.NXE (with NX):"
	.elseif \b == 12
	BIT_RULE \b, $MSR_EFER, efer_base, efer_ok, efer_keep, "[efer-svme] EFER.SVME (AMD with SVM):"
	.elseif \b == 14
	BIT_RULE \b, $MSR_EFER, efer_base, efer_ok, efer_keep, "[efer-ffxsr] EFER.FFXSR (AMD with FXSR_OPT):"
	.elseif \b == 15
	BIT_RULE \b, $MSR_EFER, efer_base, efer_ok, efer_keep, "[efer-tce] EFER.TCE (AMD with TCE):"
	.elseif \b == 21
	BIT_RULE \b, $MSR_EFER, efer_base, efer_ok, efer_keep, "[efer-autoibrs] EFER.AUTOIBRS (AMD with AUTOIBRS):"
	.else
	BIT_RULE \b, $MSR_EFER, efer_base, efer_ok, efer_keep, "[efer-rsvd] EFER"
	.endif
.endm

/* HWCR, one bit (spec/msr.md 6.10). */
.macro HWCR_BIT b:req
	.if (\b == 3) || (\b == 6) || (\b == 8)
	BIT_RULE \b, $MSR_K7_HWCR, hwcr_base, hwcr_ok, hwcr_keep, "[hwcr-ignored] HWCR (accepted, reads back 0):"
	.elseif (\b == 18) || (\b == 24) || (\b == 35)
	BIT_RULE \b, $MSR_K7_HWCR, hwcr_base, hwcr_ok, hwcr_keep, "[hwcr-bit] HWCR (18 McStatusWrEn, 24 TscFreqSel, 35 CpuidUserDis with GP_ON_USER_CPUID):"
	.else
	BIT_RULE \b, $MSR_K7_HWCR, hwcr_base, hwcr_ok, hwcr_keep, "[hwcr-rsvd] HWCR"
	.endif
.endm

/* PAT with byte `pos` of the RESET value replaced by the invalid type v. */
.macro PAT_BAD pos:req, v:req
	EXPECT_WRMSR_GP $MSR_IA32_CR_PAT, $Q_HI(Q_BYTE_SET(PAT_RESET, \pos, \v)), $Q_LO(Q_BYTE_SET(PAT_RESET, \pos, \v)), "[pat-inval-\v] PAT byte \pos = \v"
.endm

/* 64-bit code: copy the outcome of the last TRY64 to slot n of r64_try. */
.macro SAVE_TRY64 n:req
	pushq %rax
	movl exc_vector(%rip), %eax
	movl %eax, r64_try + 20 * \n(%rip)
	movl exc_error(%rip), %eax
	movl %eax, r64_try + 20 * \n + 4(%rip)
	movl exc_eip(%rip), %eax
	movl %eax, r64_try + 20 * \n + 8(%rip)
	movl exc_eip_hi(%rip), %eax
	movl %eax, r64_try + 20 * \n + 12(%rip)
	movl try_ip(%rip), %eax
	movl %eax, r64_try + 20 * \n + 16(%rip)
	popq %rax
.endm

/* 32-bit code: make slot n the "last TRY" again, for EXPECT_GP/EXPECT_NOEXC. */
.macro LOAD_TRY n:req
	pushl %eax
	movl r64_try + 20 * \n, %eax
	movl %eax, exc_vector
	movl r64_try + 20 * \n + 4, %eax
	movl %eax, exc_error
	movl r64_try + 20 * \n + 8, %eax
	movl %eax, exc_eip
	movl r64_try + 20 * \n + 12, %eax
	movl %eax, exc_eip_hi
	movl r64_try + 20 * \n + 16, %eax
	movl %eax, try_ip
	popl %eax
.endm

/* ------------------------------------------------------------ helpers */

	TEXT32
/* bit_quad: EDX:EAX = 1 << ECX (ECX in 0-63). */
bit_quad:
	xorl %eax, %eax
	xorl %edx, %edx
	cmpl $32, %ecx
	jae 1f
	btsl %ecx, %eax
	ret
1:	pushl %ecx
	subl $32, %ecx
	btsl %ecx, %edx
	popl %ecx
	ret

/* ------------------------------------------------------------------ CPUID */

/* Read the CPUID leaves the rules depend on into c*_* / e*_*. */
cpu_probe:
	pushal
	xorl %eax, %eax
	cpuid
	movl %eax, cpuid_max
	movl %ebx, cpu_vendor
	movl %edx, cpu_vendor + 4
	movl %ecx, cpu_vendor + 8
	/* "AuthenticAMD", or Hygon's "HygonGenuine" (an AMD design): AMD rules. */
	cmpl $0x68747541, %ebx /* "Auth" */
	jne 1f
	cmpl $0x69746e65, %edx /* "enti" */
	jne 1f
	cmpl $0x444d4163, %ecx /* "cAMD" */
	je 2f
1:	cmpl $0x6f677948, %ebx /* "Hygo" */
	jne 3f
	cmpl $0x6e65476e, %edx /* "nGen" */
	jne 3f
	cmpl $0x656e6975, %ecx /* "uine" */
	jne 3f
2:	movl $1, is_amd
3:	movl $1, %eax
	cpuid
	movl %ecx, c1_ecx
	movl %edx, c1_edx
	cmpl $7, cpuid_max
	jb 4f
	movl $7, %eax
	xorl %ecx, %ecx
	cpuid
	movl %eax, c7_eax
	movl %ebx, c7_ebx
	movl %ecx, c7_ecx
	movl %edx, c7_edx
	cmpl $2, c7_eax
	jb 4f
	movl $7, %eax
	movl $2, %ecx
	cpuid
	movl %edx, c72_edx
4:	cmpl $0xd, cpuid_max
	jb 5f
	movl $0xd, %eax
	movl $1, %ecx
	cpuid
	movl %eax, cd1_eax
	movl %ecx, cd1_ecx
	movl %edx, cd1_edx
5:	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000000, %eax
	jb 6f
	movl %eax, cpuid_ext_max
	cmpl $0x80000001, %eax
	jb 6f
	movl $0x80000001, %eax
	cpuid
	movl %ecx, e1_ecx
	movl %edx, e1_edx
	cmpl $0x80000008, cpuid_ext_max
	jb 6f
	movl $0x80000008, %eax
	cpuid
	movl %eax, e8_eax
	movl %ebx, e8_ebx
	cmpl $0x80000021, cpuid_ext_max
	jb 6f
	movl $0x80000021, %eax
	xorl %ecx, %ecx
	cpuid
	movl %eax, e21_eax
6:	popal
	ret

/* Derive the per-bit rules and sizes from CPUID. */
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
	decl %eax
	movl %eax, maxphy_m1
	movl $48, va_bits
	testl $C7C_LA57, c7_ecx
	jz 3f
	movl $57, va_bits

	/* EFER: the bits CPUID allows (guest_msr.h); LMA is accepted, never written. */
3:	EFER_ALLOWED
	movl %eax, efer_ok
	andl $~EFER_LMA, %eax
	movl %eax, efer_keep

	/*
	 * SPEC_CTRL (SDM vol. 4 table 2-2, APM 3.2.9; spec/msr.md 6.6): IBRS
	 * with 7.0:EDX[26] or AMD IBRS, STIBP with 7.0:EDX[27] or AMD STIBP,
	 * SSBD with 7.0:EDX[31] or AMD SSBD; IPRED_DIS_U/S (3, 4), RRSBA_DIS_U/S
	 * (5, 6), PSFD (7), DDPD_U (8), BHI_DIS_S (10) with their 7.2:EDX bits
	 * (PSFD also with AMD PSFD). The MSR exists with any of the first three.
	 */
	xorl %eax, %eax
	testl $C7D_SPEC_CTRL, c7_edx
	jnz 11f
	testl $E8B_IBRS, e8_ebx
	jz 12f
11:	orl $(1 << 0), %eax
12:	testl $C7D_STIBP, c7_edx
	jnz 13f
	testl $E8B_STIBP, e8_ebx
	jz 14f
13:	orl $(1 << 1), %eax
14:	testl $C7D_SSBD, c7_edx
	jnz 15f
	testl $E8B_SSBD, e8_ebx
	jz 16f
15:	orl $(1 << 2), %eax
16:	testl %eax, %eax
	jz 22f /* no SPEC_CTRL at all: every bit is reserved (the MSR is absent) */
	testl $C72D_IPRED_CTRL, c72_edx
	jz 17f
	orl $((1 << 3) | (1 << 4)), %eax
17:	testl $C72D_RRSBA_CTRL, c72_edx
	jz 18f
	orl $((1 << 5) | (1 << 6)), %eax
18:	testl $C72D_PSFD, c72_edx
	jnz 19f
	testl $E8B_PSFD, e8_ebx
	jz 20f
19:	orl $(1 << 7), %eax
20:	testl $C72D_DDPD_U, c72_edx
	jz 21f
	orl $(1 << 8), %eax
21:	testl $C72D_BHI_CTRL, c72_edx
	jz 22f
	orl $(1 << 10), %eax
22:	movl %eax, spec_ok

	/*
	 * PRED_CMD: IBPB (bit 0) with 7.0:EDX[26] or AMD IBPB, SBPB (bit 7) with
	 * 0x80000021:EAX[27]. FLUSH_CMD: L1D_FLUSH (bit 0) with 7.0:EDX[28].
	 */
	xorl %eax, %eax
	testl $C7D_SPEC_CTRL, c7_edx
	jnz 23f
	testl $E8B_IBPB, e8_ebx
	jz 24f
23:	orl $1, %eax
24:	testl $E21A_SBPB, e21_eax
	jz 25f
	orl $(1 << 7), %eax
25:	movl %eax, pred_ok
	xorl %eax, %eax
	testl $C7D_FLUSH_L1D, c7_edx
	jz 26f
	orl $1, %eax
26:	movl %eax, flush_ok

	/* XSS: the bits CPUID.(0xD,1):EDX:ECX reports, with XSAVES (SDM 13.3). */
	testl $CD1A_XSAVES, cd1_eax
	jz 27f
	movl cd1_ecx, %eax
	movl %eax, xss_ok
	movl cd1_edx, %eax
	movl %eax, xss_ok + 4

	/*
	 * HWCR (spec/msr.md 6.10): 3, 6, 8 accepted and dropped; 18, 24 kept;
	 * 35 (CpuidUserDis) kept with 0x80000021:EAX[17].
	 */
27:	movl $((1 << 3) | (1 << 6) | (1 << 8) | (1 << 18) | (1 << 24)), hwcr_ok
	movl $((1 << 18) | (1 << 24)), hwcr_keep
	testl $E21A_GP_ON_USER_CPUID, e21_eax
	jz 28f
	movl $(1 << 3), hwcr_ok + 4
	movl $(1 << 3), hwcr_keep + 4
28:	popal
	ret

/* One line per fact the rules use. */
cpu_report:
	PRINT "msrconf: CPU vendor "
	pushl %esi
	movl $cpu_vendor, %esi
	call puts
	popl %esi
	cmpl $0, is_amd
	je 1f
	PRINTLN " (AMD rules)"
	jmp 2f
1:	PRINTLN " (Intel rules)"
2:	PRINT "msrconf: MAXPHYADDR "
	PUTDEC maxphyaddr
	PRINT ", canonical MSR addresses "
	PUTDEC va_bits
	PRINTLN " bits"
	PRINT "msrconf: CPUID 1 ECX/EDX "
	PUTHEX c1_ecx
	PRINT " "
	PUTHEX c1_edx
	PRINT ", 7.0 EBX/ECX/EDX "
	PUTHEX c7_ebx
	PRINT " "
	PUTHEX c7_ecx
	PRINT " "
	PUTHEX c7_edx
	PRINT ", 7.2 EDX "
	PUTHEX c72_edx
	PRINTLN ""
	PRINT "msrconf: CPUID 0xD.1 EAX/ECX/EDX "
	PUTHEX cd1_eax
	PRINT " "
	PUTHEX cd1_ecx
	PRINT " "
	PUTHEX cd1_edx
	PRINT ", 0x80000001 ECX/EDX "
	PUTHEX e1_ecx
	PRINT " "
	PUTHEX e1_edx
	PRINT ", 0x80000008 EAX/EBX "
	PUTHEX e8_eax
	PRINT " "
	PUTHEX e8_ebx
	PRINT ", 0x80000021 EAX "
	PUTHEX e21_eax
	PRINTLN ""
	PRINT "msrconf: defined bits: EFER "
	PUTHEX efer_ok
	PRINT ", SPEC_CTRL "
	PUTHEX spec_ok
	PRINT ", PRED_CMD "
	PUTHEX pred_ok
	PRINT ", FLUSH_CMD "
	PUTHEX flush_ok
	PRINT ", XSS "
	PUTHEX64 xss_ok + 4, xss_ok
	PRINTLN ""
	ret

/* ------------------------------------------------------------------ tests */

/* spec/msr.md 15.2: an index nobody implements. */
test_unknown:
	EXPECT_RDMSR_GP $MSR_BOGUS, "[unknown-rd] RDMSR 0x12345678 (no such MSR)"
	MSR_TAG $MSR_BOGUS
	movl $MSR_BOGUS, %ecx
	movl $0x11111111, %edx
	movl $0x22222222, %eax
	TRY wrmsr
	EXPECT_GP "[unknown-wr] WRMSR 0x12345678 (no such MSR): #GP(0) at the WRMSR"
	EXPECT_EQ64 %edx, %eax, $0x11111111, $0x22222222, "[unknown-wr] WRMSR 0x12345678 fault leaves EDX:EAX unchanged"
	MSR_UNTAG
	ret

/* spec/msr.md 5.1: the five canonical-address MSRs (they exist with LM). */
test_canonical:
	JNO e1_edx, E1D_LM, 1f
	CANON_TESTS MSR_FS_BASE, fsbase, FS_BASE
	CANON_TESTS MSR_GS_BASE, gsbase, GS_BASE
	CANON_TESTS MSR_KERNEL_GS_BASE, kgsbase, KERNEL_GS_BASE
	CANON_TESTS MSR_LSTAR, lstar, LSTAR
	CANON_TESTS MSR_CSTAR, cstar, CSTAR
	/* FS_BASE/GS_BASE are the hidden FS/GS bases: reload the selectors. */
	movl $SEL_DATA32, %eax
	movw %ax, %fs
	movw %ax, %gs
	ret
1:	PRINTLN "note: no LM in CPUID: FS_BASE, GS_BASE, KERNEL_GS_BASE, LSTAR, CSTAR not tested"
	ret

/*
 * spec/msr.md 5.2: SYSENTER_ESP/EIP never fault. Intel: a non-canonical value
 * is stored canonicalized (sign-extended from bit 47, or 56 with LA57). AMD
 * has no 64-bit SYSENTER: bits 63:32 are dropped.
 */
test_sysenter:
	EXPECT_ROUNDTRIP $MSR_IA32_SYSENTER_CS, $0, $SEL_CODE32, "[sysenter-cs] SYSENTER_CS = 0x08"
	cmpl $0, is_amd
	jne 2f
	cmpl $57, va_bits
	je 1f
	EXPECT_WRMSR_READS $MSR_IA32_SYSENTER_EIP, $0x00008000, $0, $0xffff8000, $0, "[sysenter-eip-canon] Intel: SYSENTER_EIP = 0x0000800000000000 is stored as 0xffff800000000000"
	EXPECT_WRMSR_READS $MSR_IA32_SYSENTER_ESP, $0x00008000, $0, $0xffff8000, $0, "[sysenter-esp-canon] Intel: SYSENTER_ESP = 0x0000800000000000 is stored as 0xffff800000000000"
	EXPECT_ROUNDTRIP $MSR_IA32_SYSENTER_EIP, $0xffffffff, $0x81000000, "[sysenter-eip-canon] Intel: SYSENTER_EIP = 0xffffffff81000000 (canonical)"
	jmp 3f
1:	EXPECT_WRMSR_READS $MSR_IA32_SYSENTER_EIP, $0x01000000, $0, $0xff000000, $0, "[sysenter-eip-canon] Intel, LA57: SYSENTER_EIP = 0x0100000000000000 is stored as 0xff00000000000000"
	EXPECT_WRMSR_READS $MSR_IA32_SYSENTER_ESP, $0x01000000, $0, $0xff000000, $0, "[sysenter-esp-canon] Intel, LA57: SYSENTER_ESP = 0x0100000000000000 is stored as 0xff00000000000000"
	jmp 3f
2:	EXPECT_WRMSR_READS $MSR_IA32_SYSENTER_EIP, $0x12345678, $0x9abcdef0, $0, $0x9abcdef0, "[sysenter-eip-hi] AMD: SYSENTER_EIP = 0x123456789abcdef0 keeps bits 31:0 only"
	EXPECT_WRMSR_READS $MSR_IA32_SYSENTER_ESP, $0xaaaaaaaa, $0x00c0ffee, $0, $0x00c0ffee, "[sysenter-esp-hi] AMD: SYSENTER_ESP = 0xaaaaaaaa00c0ffee keeps bits 31:0 only"
3:	MSR_WRITE $MSR_IA32_SYSENTER_EIP, $0, $0
	MSR_WRITE $MSR_IA32_SYSENTER_ESP, $0, $0
	MSR_WRITE $MSR_IA32_SYSENTER_CS, $0, $0
	ret

/*
 * spec/msr.md 6.1: every EFER bit, set on top of the current EFER. Defined
 * bits are accepted and read back (LMA: accepted and ignored); reserved ones
 * (per vendor and CPUID) are #GP(0) with EFER unchanged.
 */
test_efer:
	EXPECT_RDMSR_OK $MSR_EFER, "[efer-rd] EFER"
	Q_STORE efer_base
	PRINT "note: EFER at entry "
	PUTHEX64 efer_base + 4, efer_base
	PRINTLN ""
	MSR_TAG $MSR_EFER
	movl efer_base, %eax
	andl $(EFER_LME | EFER_LMA), %eax
	EXPECT_EQ %eax, $0, "[efer-entry] EFER.LME = EFER.LMA = 0 at entry (paging off)"
	MSR_UNTAG
	FOR_BITS 0, 63, EFER_BIT
	EXPECT_RDMSR $MSR_EFER, efer_base + 4, efer_base, "[efer-restore] EFER is back to its entry value"
	ret

/* spec/msr.md 6.3, SDM 11.12.2: PAT memory types 0, 1, 4, 5, 6, 7 only. */
test_pat:
	.irp t, 0, 1, 4, 5, 6, 7
	EXPECT_ROUNDTRIP $MSR_IA32_CR_PAT, $(0x01010101 * \t), $(0x01010101 * \t), "[pat-valid-\t] PAT = type \t in every byte"
	.endr
	MSR_WRITE $MSR_IA32_CR_PAT, $Q_HI(PAT_RESET), $Q_LO(PAT_RESET)
	/* Types 2 and 3 are reserved, and so is any of bits 7:3 of a byte. */
	.irp pos, 0, 1, 2, 3, 4, 5, 6, 7
	.irp v, 0x02, 0x03, 0x08, 0x10, 0x40, 0x80, 0xff
	PAT_BAD \pos, \v
	.endr
	.endr
	MSR_WRITE $MSR_IA32_CR_PAT, $Q_HI(PAT_RESET), $Q_LO(PAT_RESET)
	EXPECT_RDMSR $MSR_IA32_CR_PAT, $Q_HI(PAT_RESET), $Q_LO(PAT_RESET), "[pat-restore] PAT is back to 0x0007040600070406"
	ret

/*
 * spec/msr.md 6.4, SDM 11.11: MTRRcap is read-only; MTRRdefType has the
 * type in 7:0, FE 10, E 11, nothing else, and UC- (7) is no MTRR type;
 * PHYSBASEn has the type in 7:0 with 11:8 reserved, PHYSMASKn has 10:0
 * reserved; bits at or above MAXPHYADDR are reserved in both; every byte of
 * a fixed-range MTRR is a type.
 */
test_mtrr:
	JNO c1_edx, C1D_MTRR, 9f
	EXPECT_RDMSR_OK $MSR_IA32_MTRRCAP, "[mtrrcap-rd] MTRRcap"
	Q_STORE mtrrcap
	EXPECT_WRMSR_GP $MSR_IA32_MTRRCAP, mtrrcap + 4, mtrrcap, "[mtrrcap-wr] MTRRcap = its own value (read-only)"

	EXPECT_RDMSR_OK $MSR_IA32_MTRR_DEF_TYPE, "[mtrrdef-rd] MTRRdefType"
	Q_STORE mtrr_def_base
	FOR_BITS 8, 9, BIT_GP, $MSR_IA32_MTRR_DEF_TYPE, mtrr_def_base, "[mtrrdef-rsvd] MTRRdefType"
	FOR_BITS 12, 63, BIT_GP, $MSR_IA32_MTRR_DEF_TYPE, mtrr_def_base, "[mtrrdef-rsvd] MTRRdefType"
	.irp t, 2, 3, 7
	movl mtrr_def_base, %eax
	andl $~0xff, %eax
	orl $\t, %eax
	movl %eax, msr_val
	movl mtrr_def_base + 4, %eax
	movl %eax, msr_val + 4
	EXPECT_WRMSR_GP $MSR_IA32_MTRR_DEF_TYPE, msr_val + 4, msr_val, "[mtrrdef-type-\t] MTRRdefType type \t"
	.endr
	.irp t, 0, 1, 4, 5, 6
	EXPECT_ROUNDTRIP $MSR_IA32_MTRR_DEF_TYPE, $0, $\t, "[mtrrdef-valid] MTRRdefType = type \t, E = FE = 0"
	.endr
	EXPECT_ROUNDTRIP $MSR_IA32_MTRR_DEF_TYPE, $0, $(MTRR_DEF_E | MTRR_WB), "[mtrrdef-valid] MTRRdefType = E | WB"
	testl $MTRRCAP_FIX, mtrrcap
	jz 1f
	EXPECT_ROUNDTRIP $MSR_IA32_MTRR_DEF_TYPE, $0, $(MTRR_DEF_E | MTRR_DEF_FE | MTRR_WB), "[mtrrdef-valid] MTRRdefType = E | FE | WB (MTRRcap.FIX = 1)"
1:	MSR_WRITE $MSR_IA32_MTRR_DEF_TYPE, mtrr_def_base + 4, mtrr_def_base

	/* Variable-range pair 0, if MTRRcap.VCNT > 0. */
	testl $0xff, mtrrcap
	jz 5f
	MSR_READ $MSR_IA32_MTRR_PHYSBASE0
	Q_STORE mtrr_save
	MSR_READ $MSR_IA32_MTRR_PHYSMASK0
	Q_STORE mtrr_save + 8
	/* A legal pair: WB at 2 GiB; the mask has every address bit, V = 0. */
	movl $0x80000000 | MTRR_WB, mtrr_base_val
	movl $0, mtrr_base_val + 4
	movl maxphyaddr, %ecx
	call bit_quad
	subl $1, %eax
	sbbl $0, %edx
	andl $~0xfff, %eax
	Q_STORE mtrr_mask_val
	EXPECT_ROUNDTRIP $MSR_IA32_MTRR_PHYSBASE0, mtrr_base_val + 4, mtrr_base_val, "[mtrr-var-valid] PHYSBASE0 = 0x80000006 (WB at 2 GiB)"
	EXPECT_ROUNDTRIP $MSR_IA32_MTRR_PHYSMASK0, mtrr_mask_val + 4, mtrr_mask_val, "[mtrr-var-valid] PHYSMASK0 = every address bit below MAXPHYADDR, V = 0"
	.irp t, 2, 3, 7
	EXPECT_WRMSR_GP $MSR_IA32_MTRR_PHYSBASE0, $0, $(0x80000000 | \t), "[mtrr-base-type-\t] PHYSBASE0 type \t"
	.endr
	FOR_BITS 8, 11, BIT_GP, $MSR_IA32_MTRR_PHYSBASE0, mtrr_base_val, "[mtrr-base-rsvd] PHYSBASE0"
	FOR_BITS 0, 10, BIT_GP, $MSR_IA32_MTRR_PHYSMASK0, mtrr_mask_val, "[mtrr-mask-rsvd] PHYSMASK0"
	SET_VAL_RTBIT mtrr_base_val, maxphy_m1
	EXPECT_ROUNDTRIP $MSR_IA32_MTRR_PHYSBASE0, msr_val + 4, msr_val, "[mtrr-base-maxphy] PHYSBASE0 with bit MAXPHYADDR-1 (the top address bit)"
	MSR_WRITE $MSR_IA32_MTRR_PHYSBASE0, mtrr_base_val + 4, mtrr_base_val
	cmpl $64, maxphyaddr
	jae 4f
	SET_VAL_RTBIT mtrr_base_val, maxphyaddr
	EXPECT_WRMSR_GP $MSR_IA32_MTRR_PHYSBASE0, msr_val + 4, msr_val, "[mtrr-base-maxphy] PHYSBASE0 with bit MAXPHYADDR (reserved)"
	BIT_GP 63, $MSR_IA32_MTRR_PHYSBASE0, mtrr_base_val, "[mtrr-base-maxphy] PHYSBASE0"
	SET_VAL_RTBIT mtrr_mask_val, maxphyaddr
	EXPECT_WRMSR_GP $MSR_IA32_MTRR_PHYSMASK0, msr_val + 4, msr_val, "[mtrr-mask-maxphy] PHYSMASK0 with bit MAXPHYADDR (reserved)"
	BIT_GP 63, $MSR_IA32_MTRR_PHYSMASK0, mtrr_mask_val, "[mtrr-mask-maxphy] PHYSMASK0"
4:	MSR_WRITE $MSR_IA32_MTRR_PHYSMASK0, mtrr_save + 12, mtrr_save + 8
	MSR_WRITE $MSR_IA32_MTRR_PHYSBASE0, mtrr_save + 4, mtrr_save

	/* A fixed-range MTRR, if MTRRcap.FIX. */
5:	testl $MTRRCAP_FIX, mtrrcap
	jz 6f
	MSR_READ $MSR_IA32_MTRR_FIX64K_00000
	Q_STORE mtrr_save + 16
	EXPECT_ROUNDTRIP $MSR_IA32_MTRR_FIX64K_00000, $Q_HI(MTRR_ALL_WB), $Q_LO(MTRR_ALL_WB), "[mtrr-fix-valid] FIX64K_00000 = WB in every byte"
	EXPECT_WRMSR_GP $MSR_IA32_MTRR_FIX64K_00000, $Q_HI(Q_BYTE_SET(MTRR_ALL_WB, 0, 2)), $Q_LO(Q_BYTE_SET(MTRR_ALL_WB, 0, 2)), "[mtrr-fix-type] FIX64K_00000 byte 0 = type 2"
	EXPECT_WRMSR_GP $MSR_IA32_MTRR_FIX64K_00000, $Q_HI(Q_BYTE_SET(MTRR_ALL_WB, 3, 3)), $Q_LO(Q_BYTE_SET(MTRR_ALL_WB, 3, 3)), "[mtrr-fix-type] FIX64K_00000 byte 3 = type 3"
	EXPECT_WRMSR_GP $MSR_IA32_MTRR_FIX64K_00000, $Q_HI(Q_BYTE_SET(MTRR_ALL_WB, 7, 7)), $Q_LO(Q_BYTE_SET(MTRR_ALL_WB, 7, 7)), "[mtrr-fix-type] FIX64K_00000 byte 7 = type 7 (UC- is no MTRR type)"
	MSR_WRITE $MSR_IA32_MTRR_FIX64K_00000, mtrr_save + 20, mtrr_save + 16
6:	ret
9:	PRINTLN "note: no MTRR in CPUID: MTRRs not tested"
	ret

/*
 * spec/msr.md 6.5: MISC_ENABLE bits 11 (BTS unavailable) and 12 (PEBS
 * unavailable) cannot change; writes to bit 7 (perfmon available) are
 * ignored. Intel's MSR; on AMD it is checked only if it exists.
 */
test_misc_enable:
	cmpl $0, is_amd
	jne 1f
	EXPECT_RDMSR_OK $MSR_IA32_MISC_ENABLE, "[misc-en-rd] Intel: MISC_ENABLE"
	jmp 2f
1:	MSR_READ $MSR_IA32_MISC_ENABLE
	JFAULTED 3f
2:	Q_STORE misc_base
	PRINT "note: MISC_ENABLE "
	PUTHEX64 misc_base + 4, misc_base
	PRINTLN ""
	.irp b, 11, 12
	movl misc_base, %eax
	xorl $(1 << \b), %eax
	movl %eax, msr_val
	movl misc_base + 4, %eax
	movl %eax, msr_val + 4
	EXPECT_WRMSR_GP $MSR_IA32_MISC_ENABLE, msr_val + 4, msr_val, "[misc-en-bit\b] MISC_ENABLE with bit \b flipped (read-only)"
	.endr
	movl misc_base, %eax
	xorl $(1 << 7), %eax
	movl %eax, msr_val
	EXPECT_WRMSR_READS $MSR_IA32_MISC_ENABLE, msr_val + 4, msr_val, misc_base + 4, misc_base, "[misc-en-bit7] MISC_ENABLE with bit 7 flipped: the write is accepted, bit 7 keeps its value"
	MSR_WRITE $MSR_IA32_MISC_ENABLE, misc_base + 4, misc_base
	ret
3:	PRINTLN "note: AMD: no MISC_ENABLE (RDMSR 0x1a0 faults): not tested"
	ret

/*
 * spec/msr.md 6.8: Intel FEATURE_CONTROL: once LOCKED, every WRMSR is
 * #GP(0). AMD has no such MSR.
 */
test_feature_control:
	cmpl $0, is_amd
	jne 3f
	EXPECT_RDMSR_OK $MSR_IA32_FEATURE_CONTROL, "[featctl-rd] Intel: FEATURE_CONTROL"
	JFAULTED 4f
	movl %eax, %ebx
	testl $FEAT_CTL_LOCKED, %eax
	jnz 1f
	orl $FEAT_CTL_LOCKED, %ebx
	EXPECT_WRMSR_READS $MSR_IA32_FEATURE_CONTROL, $0, %ebx, $0, %ebx, "[featctl-lock] FEATURE_CONTROL: setting LOCKED while unlocked"
1:	EXPECT_WRMSR_GP $MSR_IA32_FEATURE_CONTROL, $0, %ebx, "[featctl-locked] FEATURE_CONTROL locked: a write of the same value"
	EXPECT_WRMSR_GP $MSR_IA32_FEATURE_CONTROL, $0, $0, "[featctl-locked] FEATURE_CONTROL locked: a write of 0"
4:	ret
3:	EXPECT_RDMSR_GP $MSR_IA32_FEATURE_CONTROL, "[featctl-amd] AMD: no FEATURE_CONTROL (0x3a)"
	EXPECT_WRMSR_GP $MSR_IA32_FEATURE_CONTROL, $0, $0, "[featctl-amd] AMD: no FEATURE_CONTROL (0x3a), write 0"
	ret

/*
 * spec/msr.md 5.3: TSC_AUX exists with RDTSCP or RDPID; RDTSCP returns it in
 * ECX, RDPID in its register. Intel: bits 63:32 must be 0 (#GP); AMD: they
 * are dropped.
 */
test_tsc_aux:
	JHAS e1_edx, E1D_RDTSCP, 1f
	JHAS c7_ecx, C7C_RDPID, 1f
	EXPECT_RDMSR_GP $MSR_TSC_AUX, "[tsc-aux-nocpuid] TSC_AUX without RDTSCP and RDPID"
	EXPECT_WRMSR_GP $MSR_TSC_AUX, $0, $0, "[tsc-aux-nocpuid] TSC_AUX = 0 without RDTSCP and RDPID"
	ret
1:	EXPECT_RDMSR_OK $MSR_TSC_AUX, "[tsc-aux-rd] TSC_AUX"
	Q_STORE tsc_aux_old
	.irp v, 0, 10, 0x100
	EXPECT_ROUNDTRIP $MSR_TSC_AUX, $0, $\v, "[tsc-aux-rt] TSC_AUX = \v"
	/* What the WRMSR TSC_AUX above stored, read back by other instructions. */
	MSR_TAG $MSR_TSC_AUX
	JNO e1_edx, E1D_RDTSCP, 2f
	movl $0xffffffff, %ecx
	TRY_EXPECT_EQ rdtscp, %ecx, $\v, "[rdtscp-aux] RDTSCP returns TSC_AUX = \v in ECX"
2:	JNO c7_ecx, C7C_RDPID, 3f
	movl $0xffffffff, %eax
	TRY_EXPECT_EQ "rdpid %eax", %eax, $\v, "[rdpid-aux] RDPID returns TSC_AUX = \v"
3:	MSR_UNTAG
	.endr
	cmpl $0, is_amd
	jne 4f
	EXPECT_WRMSR_GP $MSR_TSC_AUX, $1, $5, "[tsc-aux-hi] Intel: TSC_AUX = 0x100000005 (bits 63:32 reserved)"
	jmp 5f
4:	EXPECT_WRMSR_READS $MSR_TSC_AUX, $1, $5, $0, $5, "[tsc-aux-hi] AMD: TSC_AUX = 0x100000005 keeps bits 31:0 only"
5:	MSR_WRITE $MSR_TSC_AUX, tsc_aux_old + 4, tsc_aux_old
	ret

/*
 * SDM 17.17: a WRMSR to the TSC sets the counter RDTSC and RDMSR 0x10 read,
 * and (17.17.3, with CPUID TSC_ADJUST) moves TSC_ADJUST by the same amount;
 * writing TSC_ADJUST moves the TSC. Without CPUID TSC_ADJUST there is no
 * such MSR. Each move is 2^32 cycles, checked to within 2^30.
 */
test_tsc:
	JNO c7_ebx, C7B_TSC_ADJUST, 1f
	EXPECT_RDMSR_OK $MSR_IA32_TSC_ADJUST, "[tsc-adjust-rd] TSC_ADJUST"
	Q_STORE tsc_adj0
1:	MSR_READ $MSR_IA32_TSC
	addl $TSC_STEP_HI, %edx
	Q_STORE msr_val
	EXPECT_WRMSR_OK $MSR_IA32_TSC, msr_val + 4, msr_val, "[tsc-write] TSC = TSC + 2^32"
	MSR_READ $MSR_IA32_TSC
	Q_STORE tsc_t0
	rdtsc
	Q_STORE tsc_t1
	/* The effects of the WRMSR 0x10 are checks about that MSR (tagged 0x10). */
	MSR_TAG $MSR_IA32_TSC
	Q_SUB tsc_t0, msr_val
	EXPECT_NEAR "[tsc-write-rdmsr] RDMSR 0x10 after the write: the written value plus a little"
	Q_SUB tsc_t1, msr_val
	EXPECT_NEAR "[tsc-write-rdtsc] RDTSC after the write: the written value plus a little"
	MSR_UNTAG
	JNO c7_ebx, C7B_TSC_ADJUST, 2f
	EXPECT_RDMSR_OK $MSR_IA32_TSC_ADJUST, "[tsc-adjust-rd] TSC_ADJUST"
	Q_STORE tsc_adj1
	MSR_TAG $MSR_IA32_TSC
	Q_SUB tsc_adj1, tsc_adj0
	subl $TSC_STEP_HI, %edx
	EXPECT_NEAR "[tsc-adjust-follows] the TSC write moved TSC_ADJUST by 2^32 too"
	MSR_UNTAG

	/* Now TSC_ADJUST -= 2^32: the TSC goes back by as much. */
	movl tsc_adj1, %eax
	movl tsc_adj1 + 4, %edx
	subl $TSC_STEP_HI, %edx
	Q_STORE msr_val
	MSR_READ $MSR_IA32_TSC
	Q_STORE tsc_t0
	rdtsc
	Q_STORE tsc_t1
	EXPECT_WRMSR_OK $MSR_IA32_TSC_ADJUST, msr_val + 4, msr_val, "[tsc-adjust-moves-tsc] TSC_ADJUST -= 2^32"
	MSR_READ $MSR_IA32_TSC
	Q_STORE tsc_t2
	rdtsc
	Q_STORE tsc_t3
	/* The effects of the WRMSR 0x3b (tagged 0x3b). */
	MSR_TAG $MSR_IA32_TSC_ADJUST
	Q_SUB tsc_t2, tsc_t0
	addl $TSC_STEP_HI, %edx
	EXPECT_NEAR "[tsc-adjust-moves-tsc] RDMSR 0x10 went back by 2^32 too"
	Q_SUB tsc_t3, tsc_t1
	addl $TSC_STEP_HI, %edx
	EXPECT_NEAR "[tsc-adjust-moves-rdtsc] RDTSC went back by 2^32 too"
	MSR_UNTAG
	EXPECT_RDMSR $MSR_IA32_TSC_ADJUST, msr_val + 4, msr_val, "[tsc-adjust-rt] TSC_ADJUST reads back the written value"
	ret
2:	EXPECT_RDMSR_GP $MSR_IA32_TSC_ADJUST, "[tsc-adjust-nocpuid] TSC_ADJUST without CPUID TSC_ADJUST"
	EXPECT_WRMSR_GP $MSR_IA32_TSC_ADJUST, $0, $0, "[tsc-adjust-nocpuid] TSC_ADJUST = 0 without CPUID TSC_ADJUST"
	/* Take the step back. */
	MSR_READ $MSR_IA32_TSC
	subl $TSC_STEP_HI, %edx
	Q_STORE msr_val
	MSR_WRITE $MSR_IA32_TSC, msr_val + 4, msr_val
	ret

/*
 * SDM 10.5.4.1: with the LVT timer not in TSC-deadline mode (it is masked
 * one-shot after RESET and nobody changed it), TSC_DEADLINE writes are
 * ignored and reads return 0. Without CPUID TSC_DEADLINE there is no MSR.
 */
test_tsc_deadline:
	JNO c1_ecx, C1C_TSC_DEADLINE, 1f
	rdtsc
	addl $TSC_STEP_HI, %edx
	Q_STORE msr_val
	EXPECT_WRMSR_OK $MSR_IA32_TSC_DEADLINE, msr_val + 4, msr_val, "[tscdl-ignored] TSC_DEADLINE = TSC + 2^32, LVT timer not in TSC-deadline mode"
	EXPECT_RDMSR $MSR_IA32_TSC_DEADLINE, $0, $0, "[tscdl-ignored] TSC_DEADLINE reads 0 after that write"
	EXPECT_WRMSR_OK $MSR_IA32_TSC_DEADLINE, $0, $0, "[tscdl-ignored] TSC_DEADLINE = 0"
	ret
1:	EXPECT_RDMSR_GP $MSR_IA32_TSC_DEADLINE, "[tscdl-nocpuid] TSC_DEADLINE without CPUID TSC_DEADLINE"
	EXPECT_WRMSR_GP $MSR_IA32_TSC_DEADLINE, $0, $0, "[tscdl-nocpuid] TSC_DEADLINE = 0 without CPUID TSC_DEADLINE"
	ret

/*
 * spec/msr.md 6.6: SPEC_CTRL bits per CPUID (no SPEC_CTRL bit at all: no MSR);
 * PRED_CMD and FLUSH_CMD are write-only commands with one bit each (PRED_CMD
 * also SBPB), present per CPUID; ARCH_CAPABILITIES is read-only, present
 * with 7.0:EDX[29].
 */
test_spec:
	cmpl $0, spec_ok
	jne 1f
	EXPECT_RDMSR_GP $MSR_IA32_SPEC_CTRL, "[spec-ctrl-nocpuid] SPEC_CTRL without IBRS, STIBP or SSBD in CPUID"
	EXPECT_WRMSR_GP $MSR_IA32_SPEC_CTRL, $0, $0, "[spec-ctrl-nocpuid] SPEC_CTRL = 0 without IBRS, STIBP or SSBD in CPUID"
	jmp 2f
1:	EXPECT_RDMSR_OK $MSR_IA32_SPEC_CTRL, "[spec-ctrl-rd] SPEC_CTRL"
	Q_STORE spec_base
	FOR_BITS 0, 63, BIT_RULE, $MSR_IA32_SPEC_CTRL, spec_base, spec_ok, spec_ok, "[spec-ctrl-bit] SPEC_CTRL", "[spec-ctrl-rsvd] SPEC_CTRL"
	MSR_WRITE $MSR_IA32_SPEC_CTRL, spec_base + 4, spec_base

2:	EXPECT_RDMSR_GP $MSR_IA32_PRED_CMD, "[pred-cmd-rd] PRED_CMD (write-only)"
	cmpl $0, pred_ok
	jne 3f
	EXPECT_WRMSR_GP $MSR_IA32_PRED_CMD, $0, $0, "[pred-cmd-nocpuid] PRED_CMD = 0 without IBPB or SBPB in CPUID"
	jmp 4f
3:	EXPECT_WRMSR_OK $MSR_IA32_PRED_CMD, $0, $0, "[pred-cmd-zero] PRED_CMD = 0"
	FOR_BITS 0, 63, BIT_RULE, $MSR_IA32_PRED_CMD, zero_q, pred_ok, zero_q, "[pred-cmd-bit] PRED_CMD", "[pred-cmd-rsvd] PRED_CMD", wo

4:	EXPECT_RDMSR_GP $MSR_IA32_FLUSH_CMD, "[flush-cmd-rd] FLUSH_CMD (write-only)"
	cmpl $0, flush_ok
	jne 5f
	EXPECT_WRMSR_GP $MSR_IA32_FLUSH_CMD, $0, $0, "[flush-cmd-nocpuid] FLUSH_CMD = 0 without FLUSH_L1D in CPUID"
	EXPECT_WRMSR_GP $MSR_IA32_FLUSH_CMD, $0, $1, "[flush-cmd-nocpuid] FLUSH_CMD = 1 without FLUSH_L1D in CPUID"
	jmp 6f
5:	EXPECT_WRMSR_OK $MSR_IA32_FLUSH_CMD, $0, $0, "[flush-cmd-zero] FLUSH_CMD = 0"
	FOR_BITS 0, 63, BIT_RULE, $MSR_IA32_FLUSH_CMD, zero_q, flush_ok, zero_q, "[flush-cmd-bit] FLUSH_CMD", "[flush-cmd-rsvd] FLUSH_CMD", wo

6:	JNO c7_edx, C7D_ARCH_CAP, 7f
	EXPECT_RDMSR_OK $MSR_IA32_ARCH_CAPABILITIES, "[arch-cap-rd] ARCH_CAPABILITIES with CPUID ARCH_CAPABILITIES"
	Q_STORE msr_val
	EXPECT_WRMSR_GP $MSR_IA32_ARCH_CAPABILITIES, msr_val + 4, msr_val, "[arch-cap-wr] ARCH_CAPABILITIES = its own value (read-only)"
	ret
7:	EXPECT_RDMSR_GP $MSR_IA32_ARCH_CAPABILITIES, "[arch-cap-nocpuid] ARCH_CAPABILITIES without CPUID ARCH_CAPABILITIES"
	EXPECT_WRMSR_GP $MSR_IA32_ARCH_CAPABILITIES, $0, $0, "[arch-cap-wr] ARCH_CAPABILITIES = 0 without CPUID ARCH_CAPABILITIES"
	ret

/*
 * spec/msr.md 4.1, 6.11, 6.14: UCODE_REV takes the guest's write of 0 (the
 * SDM 9.11.7.1 way to read the revision: write 0, CPUID(1), read);
 * PLATFORM_INFO is read-only; MISC_FEATURES_ENABLES has bit 0 (CPUID
 * faulting, with PLATFORM_INFO bit 31) and nothing else.
 */
test_misc_msrs:
	EXPECT_WRMSR_OK $MSR_IA32_UCODE_REV, $0, $0, "[ucode-rev-wr] UCODE_REV = 0"
	pushal
	movl $1, %eax
	cpuid
	popal
	EXPECT_RDMSR_OK $MSR_IA32_UCODE_REV, "[ucode-rev-rd] UCODE_REV after CPUID(1)"

	MSR_READ $MSR_PLATFORM_INFO
	Q_STORE platinfo
	movl $0, platinfo_ok
	JFAULTED 1f
	movl $1, platinfo_ok
	PRINT "note: PLATFORM_INFO "
	PUTHEX64 platinfo + 4, platinfo
	PRINTLN ""
	jmp 2f
1:	movl $0, platinfo
	movl $0, platinfo + 4
2:	EXPECT_WRMSR_GP $MSR_PLATFORM_INFO, platinfo + 4, platinfo, "[platinfo-wr] PLATFORM_INFO = its own value (read-only)"

	FOR_BITS 1, 63, BIT_GP, $MSR_MISC_FEATURES_ENABLES, zero_q, "[mfe-rsvd] MISC_FEATURES_ENABLES"
	cmpl $0, platinfo_ok
	je 3f
	testl $PLATFORM_INFO_CPUID_FAULT, platinfo
	jz 3f
	EXPECT_ROUNDTRIP $MSR_MISC_FEATURES_ENABLES, $0, $1, "[mfe-cpuid-fault] MISC_FEATURES_ENABLES = 1 (CPUID faulting, PLATFORM_INFO bit 31 = 1)"
	MSR_TAG $MSR_MISC_FEATURES_ENABLES
	pushal
	movl $1, %eax
	TRY cpuid
	popal
	EXPECT_NOEXC "[mfe-cpuid-fault] CPUID at CPL 0 with CPUID faulting on"
	MSR_UNTAG
	MSR_WRITE $MSR_MISC_FEATURES_ENABLES, $0, $0
	ret
3:	EXPECT_WRMSR_GP $MSR_MISC_FEATURES_ENABLES, $0, $1, "[mfe-cpuid-fault] MISC_FEATURES_ENABLES = 1 without PLATFORM_INFO bit 31"
	ret

/*
 * spec/msr.md 6.9, SDM 15.3: MCG_CAP is read-only; MCG_CTL exists with
 * MCG_CTL_P and is 0 or all ones; MCi_CTL is 0 or all ones (0xaaaa... is
 * refused); a guest may only clear MCi_STATUS (AMD: unless HWCR.McStatusWrEn);
 * banks at or beyond MCG_CAP.Count do not exist.
 */
test_mce:
	JNO c1_edx, C1D_MCA, 9f
	EXPECT_RDMSR_OK $MSR_IA32_MCG_CAP, "[mcg-cap-rd] MCG_CAP with CPUID MCA"
	JFAULTED 8f
	Q_STORE msr_val
	movzbl %al, %ecx
	movl %ecx, mc_banks
	PRINT "note: MCG_CAP "
	PUTHEX64 msr_val + 4, msr_val
	PRINT ", "
	PUTDEC mc_banks
	PRINTLN " banks"
	EXPECT_WRMSR_GP $MSR_IA32_MCG_CAP, msr_val + 4, msr_val, "[mcg-cap-wr] MCG_CAP = its own value (read-only)"

	testl $MCG_CTL_P, msr_val
	jnz 1f
	EXPECT_RDMSR_GP $MSR_IA32_MCG_CTL, "[mcg-ctl-absent] MCG_CTL without MCG_CAP.MCG_CTL_P"
	jmp 2f
1:	EXPECT_RDMSR_OK $MSR_IA32_MCG_CTL, "[mcg-ctl-rd] MCG_CTL with MCG_CAP.MCG_CTL_P"
	Q_STORE mc_save
	EXPECT_ROUNDTRIP $MSR_IA32_MCG_CTL, $0, $0, "[mcg-ctl] MCG_CTL = 0"
	EXPECT_ROUNDTRIP $MSR_IA32_MCG_CTL, $0xffffffff, $0xffffffff, "[mcg-ctl] MCG_CTL = all ones"
	EXPECT_WRMSR_GP $MSR_IA32_MCG_CTL, $0, $1, "[mcg-ctl-inval] MCG_CTL = 1 (neither 0 nor all ones)"
	MSR_WRITE $MSR_IA32_MCG_CTL, mc_save + 4, mc_save

2:	cmpl $0, mc_banks
	je 5f
	MSR_READ $MSR_IA32_MC0_CTL
	Q_STORE mc_save + 8
	MSR_READ $MSR_IA32_MC0_STATUS
	Q_STORE mc_save + 16
	EXPECT_ROUNDTRIP $MSR_IA32_MC0_CTL, $0xffffffff, $0xffffffff, "[mc-ctl] MC0_CTL = all ones"
	EXPECT_ROUNDTRIP $MSR_IA32_MC0_CTL, $0, $0, "[mc-ctl] MC0_CTL = 0"
	EXPECT_WRMSR_GP $MSR_IA32_MC0_CTL, $0xaaaaaaaa, $0xaaaaaaaa, "[mc-ctl-aaaa] MC0_CTL = 0xaaaaaaaaaaaaaaaa"
	MSR_WRITE $MSR_IA32_MC0_CTL, mc_save + 12, mc_save + 8
	EXPECT_ROUNDTRIP $MSR_IA32_MC0_STATUS, $0, $0, "[mc-status-zero] MC0_STATUS = 0"
	cmpl $0, is_amd
	jne 3f
	EXPECT_WRMSR_GP $MSR_IA32_MC0_STATUS, $0, $1, "[mc-status-nz] Intel: MC0_STATUS = 1"
	jmp 4f
3:	MSR_READ $MSR_K7_HWCR
	JFAULTED 4f
	Q_STORE hwcr_base
	andl $~HWCR_MCSTATUSWREN, %eax
	Q_STORE msr_val
	MSR_WRITE $MSR_K7_HWCR, msr_val + 4, msr_val
	EXPECT_WRMSR_GP $MSR_IA32_MC0_STATUS, $0, $1, "[mc-status-nz] AMD, HWCR.McStatusWrEn = 0: MC0_STATUS = 1"
	orl $HWCR_MCSTATUSWREN, msr_val
	MSR_WRITE $MSR_K7_HWCR, msr_val + 4, msr_val
	EXPECT_ROUNDTRIP $MSR_IA32_MC0_STATUS, $0, $1, "[mc-status-hwcr] AMD, HWCR.McStatusWrEn = 1: MC0_STATUS = 1"
	MSR_WRITE $MSR_IA32_MC0_STATUS, $0, $0
	MSR_WRITE $MSR_K7_HWCR, hwcr_base + 4, hwcr_base
4:	MSR_WRITE $MSR_IA32_MC0_STATUS, mc_save + 20, mc_save + 16

	/* The first bank that does not exist (MCi_* go up to 0x47f). */
5:	cmpl $32, mc_banks
	jae 6f
	movl mc_banks, %eax
	leal MSR_IA32_MC0_CTL(,%eax,4), %eax
	movl %eax, oob_bank_msr
	EXPECT_RDMSR_GP oob_bank_msr, "[mc-bank-oob] MCi_CTL of bank MCG_CAP.Count"
	EXPECT_WRMSR_GP oob_bank_msr, $0, $0, "[mc-bank-oob] MCi_CTL = 0 of bank MCG_CAP.Count"
	incl oob_bank_msr
	EXPECT_RDMSR_GP oob_bank_msr, "[mc-bank-oob] MCi_STATUS of bank MCG_CAP.Count"
6:	ret
8:	PRINTLN "note: MCG_CAP unreadable: machine-check banks not tested"
	ret
9:	PRINTLN "note: no MCA in CPUID: machine-check MSRs not tested"
	ret

/* SDM 13.3: with XSAVES, XSS takes the bits CPUID.(0xD,1):EDX:ECX report. */
test_xss:
	JHAS cd1_eax, CD1A_XSAVES, 1f
	EXPECT_RDMSR_GP $MSR_IA32_XSS, "[xss-nocpuid] XSS without XSAVES"
	EXPECT_WRMSR_GP $MSR_IA32_XSS, $0, $0, "[xss-nocpuid] XSS = 0 without XSAVES"
	ret
1:	EXPECT_RDMSR_OK $MSR_IA32_XSS, "[xss-rd] XSS"
	Q_STORE xss_base
	FOR_BITS 0, 63, BIT_RULE, $MSR_IA32_XSS, xss_base, xss_ok, xss_ok, "[xss-bit] XSS", "[xss-rsvd] XSS"
	MSR_WRITE $MSR_IA32_XSS, xss_base + 4, xss_base
	ret

/* spec/msr.md 6.10: AMD's HWCR; on Intel checked only if it exists. */
test_hwcr:
	MSR_READ $MSR_K7_HWCR
	JFAULTED 1f
	Q_STORE hwcr_base
	PRINT "note: HWCR "
	PUTHEX64 hwcr_base + 4, hwcr_base
	PRINTLN ""
	FOR_BITS 0, 63, HWCR_BIT
	MSR_WRITE $MSR_K7_HWCR, hwcr_base + 4, hwcr_base
	ret
1:	cmpl $0, is_amd
	je 2f
	EXPECT_RDMSR_OK $MSR_K7_HWCR, "[hwcr-rd] AMD: HWCR (0xc0010015)"
	ret
2:	PRINTLN "note: Intel: no HWCR (RDMSR 0xc0010015 faults): not tested"
	ret

/*
 * spec/msr.md 6.2, SDM 10.12.5: APIC_BASE reserved bits (0-7, 9, and from
 * MAXPHYADDR up; 10 without x2APIC), the invalid EXTD-without-EN state, and
 * the mode transitions disabled -> xAPIC -> x2APIC -> disabled. The x2APIC
 * MSRs exist only in x2APIC mode (SDM 10.12.1.2).
 */
test_apic:
	JNO c1_edx, C1D_APIC, 9f
	EXPECT_RDMSR_OK $MSR_IA32_APIC_BASE, "[apic-base-rd] APIC_BASE"
	Q_STORE apic_cur
	FOR_BITS 0, 7, BIT_GP, $MSR_IA32_APIC_BASE, apic_cur, "[apic-base-rsvd] APIC_BASE"
	BIT_GP 9, $MSR_IA32_APIC_BASE, apic_cur, "[apic-base-rsvd] APIC_BASE"
	cmpl $64, maxphyaddr
	jae 1f
	SET_VAL_RTBIT apic_cur, maxphyaddr
	EXPECT_WRMSR_GP $MSR_IA32_APIC_BASE, msr_val + 4, msr_val, "[apic-base-maxphy] APIC_BASE with bit MAXPHYADDR (reserved)"
	BIT_GP 63, $MSR_IA32_APIC_BASE, apic_cur, "[apic-base-maxphy] APIC_BASE"
1:	movl apic_cur, %ebx
	andl $~(APIC_BASE_EN | APIC_BASE_EXTD), %ebx /* disabled */
	movl %ebx, %esi
	orl $APIC_BASE_EXTD, %esi
	EXPECT_WRMSR_GP $MSR_IA32_APIC_BASE, apic_cur + 4, %esi, "[apic-extd-no-en] APIC_BASE with EXTD = 1, EN = 0 (invalid)"
	movl apic_cur, %esi
	orl $(APIC_BASE_EN | APIC_BASE_EXTD), %esi /* x2APIC */
	movl apic_cur, %edi
	andl $~APIC_BASE_EXTD, %edi
	orl $APIC_BASE_EN, %edi /* xAPIC */
	JHAS c1_ecx, C1C_X2APIC, 2f
	EXPECT_WRMSR_GP $MSR_IA32_APIC_BASE, apic_cur + 4, %esi, "[apic-extd-nocpuid] APIC_BASE with EXTD = 1 without x2APIC in CPUID"
	jmp 3f
2:	EXPECT_RDMSR_GP $MSR_X2APIC_VERSION, "[x2apic-msr-xapic] x2APIC version MSR 0x803 in xAPIC mode"
	EXPECT_WRMSR_READS $MSR_IA32_APIC_BASE, apic_cur + 4, %esi, apic_cur + 4, %esi, "[apic-xapic-to-x2apic] APIC_BASE xAPIC -> x2APIC"
	EXPECT_RDMSR_OK $MSR_X2APIC_VERSION, "[x2apic-msr] x2APIC version MSR 0x803 in x2APIC mode"
	EXPECT_WRMSR_GP $MSR_IA32_APIC_BASE, apic_cur + 4, %edi, "[apic-x2apic-to-xapic] APIC_BASE x2APIC -> xAPIC"
	EXPECT_WRMSR_READS $MSR_IA32_APIC_BASE, apic_cur + 4, %ebx, apic_cur + 4, %ebx, "[apic-x2apic-to-off] APIC_BASE x2APIC -> disabled"
	EXPECT_WRMSR_GP $MSR_IA32_APIC_BASE, apic_cur + 4, %esi, "[apic-off-to-x2apic] APIC_BASE disabled -> x2APIC"
	EXPECT_WRMSR_READS $MSR_IA32_APIC_BASE, apic_cur + 4, %edi, apic_cur + 4, %edi, "[apic-off-to-xapic] APIC_BASE disabled -> xAPIC"
3:	MSR_WRITE $MSR_IA32_APIC_BASE, $0, $APIC_BASE_RESET
	EXPECT_RDMSR $MSR_IA32_APIC_BASE, $0, $APIC_BASE_RESET, "[apic-restore] APIC_BASE is back to 0xfee00900"
	ret
9:	PRINTLN "note: no APIC in CPUID: APIC_BASE not tested"
	ret

/*
 * 64-bit mode (spec/msr.md 1, 15.3, 15.5): RDMSR zeroes RAX[63:32] and
 * RDX[63:32]; WRMSR ignores them, and RCX[63:32] selects nothing; changing
 * EFER.LME with CR0.PG = 1 is #GP(0).
 */
test_long_mode:
	JNO e1_edx, E1D_LM, 9f
	MSR_WRITE $MSR_STAR, $0x00230010, $0x12345678
	movl %esp, saved_esp
	call long_mode_enter
	ljmp $SEL_CODE64, $msr64

lm_back:
	call long_mode_leave
	movl $SEL_DATA32, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl saved_esp, %esp
	MSR_TAG $MSR_STAR
	LOAD_TRY 0
	EXPECT_NOEXC "[rdmsr-zext] 64-bit RDMSR of STAR"
	EXPECT_EQ64 r64_rax + 4, r64_rax, $0, $0x12345678, "[rdmsr-zext] 64-bit RDMSR: RAX = 0x12345678, bits 63:32 zeroed"
	EXPECT_EQ64 r64_rdx + 4, r64_rdx, $0, $0x00230010, "[rdmsr-zext] 64-bit RDMSR: RDX = 0x00230010, bits 63:32 zeroed"
	LOAD_TRY 1
	EXPECT_NOEXC "[wrmsr-hi-ignored] 64-bit WRMSR STAR with RAX = 0xffffffff11111111, RDX = 0xffffffff00002222"
	EXPECT_EQ64 r64_star + 4, r64_star, $0x00002222, $0x11111111, "[wrmsr-hi-ignored] STAR = EDX:EAX, RAX[63:32] and RDX[63:32] ignored"
	LOAD_TRY 2
	EXPECT_NOEXC "[rcx-hi-ignored] 64-bit RDMSR with RCX = 0xffffffff_c0000081"
	EXPECT_EQ64 r64_rcx_val + 4, r64_rcx_val, $0x00002222, $0x11111111, "[rcx-hi-ignored] RDMSR with RCX[63:32] set reads STAR"
	MSR_TAG $MSR_EFER
	LOAD_TRY 3
	EXPECT_GP "[efer-lme-pg] 64-bit mode: clearing EFER.LME with CR0.PG = 1"
	movl r64_efer, %eax
	andl $(EFER_LME | EFER_LMA), %eax
	EXPECT_EQ %eax, $(EFER_LME | EFER_LMA), "[efer-lme-pg] EFER.LME and LMA still 1 after that"
	MSR_UNTAG
	MSR_WRITE $MSR_STAR, $0, $0
	ret
9:	PRINTLN "note: no LM in CPUID: 64-bit checks not run"
	ret

	TEXT64
msr64:
	movl %esp, %esp /* zero RSP[63:32]: undefined after the mode switch */
	movabsq $0xdeadbeefdeadbeef, %rax
	movq %rax, %rdx
	movl $MSR_STAR, %ecx
	TRY64 rdmsr
	movq %rax, r64_rax(%rip)
	movq %rdx, r64_rdx(%rip)
	SAVE_TRY64 0

	movabsq $0xffffffff11111111, %rax
	movabsq $0xffffffff00002222, %rdx
	movl $MSR_STAR, %ecx
	TRY64 wrmsr
	SAVE_TRY64 1
	movl $MSR_STAR, %ecx
	TRY64 rdmsr
	movl %eax, r64_star(%rip)
	movl %edx, r64_star + 4(%rip)

	movabsq $0xffffffff00000000 | MSR_STAR, %rcx
	xorl %eax, %eax
	xorl %edx, %edx
	TRY64 rdmsr
	movl %eax, r64_rcx_val(%rip)
	movl %edx, r64_rcx_val + 4(%rip)
	SAVE_TRY64 2

	movl $MSR_EFER, %ecx
	rdmsr
	movl %eax, %ebx
	andl $~EFER_LME, %eax
	TRY64 wrmsr
	SAVE_TRY64 3
	movl $MSR_EFER, %ecx
	TRY64 rdmsr
	movl %eax, r64_efer(%rip)
	movl %edx, r64_efer + 4(%rip)
	/* A host that took the write: put LME back before leaving. */
	testl $EFER_LME, %eax
	jnz 1f
	movl %ebx, %eax
	TRY64 wrmsr
1:	pushq $SEL_CODE32
	movl $lm_back, %eax
	pushq %rax
	lretq

/* ------------------------------------------------------------------- main */

	TEXT32
	.globl guest_main
guest_main:
	/* RESET values, before anything touches them (SDM 11.12.4, 10.4.4). */
	EXPECT_RDMSR $MSR_IA32_CR_PAT, $Q_HI(PAT_RESET), $Q_LO(PAT_RESET), "[pat-reset] PAT at entry is the RESET value 0x0007040600070406"
	EXPECT_RDMSR $MSR_IA32_APIC_BASE, $0, $APIC_BASE_RESET, "[apic-base-reset] APIC_BASE at entry is 0xfee00900 (base, EN, BSP)"

	call cpu_probe
	call cpu_derive
	call cpu_report

	call test_unknown
	call test_canonical
	call test_sysenter
	call test_efer
	call test_pat
	call test_mtrr
	call test_misc_enable
	call test_feature_control
	call test_tsc_aux
	call test_tsc
	call test_tsc_deadline
	call test_spec
	call test_misc_msrs
	call test_mce
	call test_xss
	call test_hwcr
	call test_apic
	call test_long_mode
	ret
