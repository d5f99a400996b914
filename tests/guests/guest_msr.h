/* SPDX-License-Identifier: MIT */
/*
 * guest_msr.h: MSR indexes and test-point macros for MSR guests (msrconf.S).
 * Include after guest.h.
 *
 * Operands. `idx`, `hi`, `lo`, `rhi`, `rlo` are 32-bit source operands as for
 * MOV: an immediate ($MSR_IA32_CR_PAT, $0x10), a memory operand (val_lo,
 * val_lo + 4) or a register other than EAX, ECX and EDX, which the macros use
 * for RDMSR/WRMSR. 64-bit memory values ("quads") are little-endian: the low
 * half at q, the high half at q + 4.
 *
 * Names. `name` is the check's name, "[id] what is written"; each macro
 * appends what it checks (": #GP(0)", ": the MSR keeps its value", ...), so
 * every PASS/FAIL line starts with the ID (run.t matches known host
 * deviations by it).
 *
 * Tags. Every FAIL line of a check macro below ends with the index of the
 * MSR it is about, " {msr 0x%08x}" (guest.h, MSR_TAG):
 *   FAIL: [pat-inval-0x02] PAT byte 0 = 0x02: the MSR keeps its value (got
 *   0x0007040600070402, expected 0x0007040600070406) {msr 0x00000277}
 * run.t tells by it which checks vx86's MSR model answers under KVM's MSR
 * filter. The checks that read or write an MSR (EXPECT_RDMSR_GP,
 * EXPECT_RDMSR_OK, EXPECT_RDMSR, EXPECT_WRMSR_GP, EXPECT_WRMSR_OK) tag
 * themselves from `idx` to their end; EXPECT_WRMSR_READS, EXPECT_ROUNDTRIP,
 * BIT_GP and BIT_RULE are built on them and run no check of their own, so
 * their lines carry the tag too. MSR_READ and MSR_WRITE check nothing and
 * leave the tag alone (they run inside tagged checks). A guest's own MSR
 * checks, outside these macros, go between MSR_TAG idx and MSR_UNTAG.
 *
 * Every RDMSR and WRMSR runs under TRY: a fault nobody expected is a FAIL
 * line, never the end of the run. A write that should have faulted but did
 * not is undone (the old value written back) so the rest of the run starts
 * from a known state.
 */
#ifndef VX86_GUEST_MSR_H
#define VX86_GUEST_MSR_H

/* -------------------------------------------------- EFER and its CPUID bits */

/* AMD's EFER bits (APM 3.1.7); guest.h has SCE, LME, LMA and NXE. */
#define EFER_SVME (1 << 12)
#define EFER_FFXSR (1 << 14)
#define EFER_TCE (1 << 15)
#define EFER_AUTOIBRS (1 << 21)

#define E1C_SVM (1 << 2)	   /* CPUID 0x80000001:ECX */
#define E1C_TCE (1 << 17)
#define E1D_SYSCALL (1 << 11)  /* CPUID 0x80000001:EDX */
#define E1D_NX (1 << 20)
#define E1D_FXSR_OPT (1 << 25)
#define E1D_LM (1 << 29)
#define E21A_AUTOIBRS (1 << 8) /* CPUID 0x80000021:EAX */

/*
 * EFER_ALLOWED: %eax := the EFER bits this CPU lets WRMSR set (spec/msr.md
 * 6.1, SDM 2.2.1, APM 3.1.7): SCE with SYSCALL or LM, LME and LMA with LM, NXE
 * with NX; on AMD also SVME with SVM, FFXSR with FXSR_OPT, TCE with TCE and
 * AUTOIBRS with AUTOIBRS. Reads the guest's saved CPUID words e1_ecx, e1_edx,
 * e21_eax and its is_amd flag; uses the local labels 4-10.
 */
.macro EFER_ALLOWED
	xorl %eax, %eax
	testl $(E1D_LM | E1D_SYSCALL), e1_edx
	jz 4f
	orl $EFER_SCE, %eax
4:	testl $E1D_LM, e1_edx
	jz 5f
	orl $(EFER_LME | EFER_LMA), %eax
5:	testl $E1D_NX, e1_edx
	jz 6f
	orl $EFER_NX, %eax
6:	cmpl $0, is_amd
	je 10f
	testl $E1C_SVM, e1_ecx
	jz 7f
	orl $EFER_SVME, %eax
7:	testl $E1D_FXSR_OPT, e1_edx
	jz 8f
	orl $EFER_FFXSR, %eax
8:	testl $E1C_TCE, e1_ecx
	jz 9f
	orl $EFER_TCE, %eax
9:	testl $E21A_AUTOIBRS, e21_eax
	jz 10f
	orl $EFER_AUTOIBRS, %eax
10:
.endm

/* ------------------------------------------------------------- MSR indexes */

#define MSR_IA32_TSC_ADJUST 0x0000003b
#define MSR_IA32_FEATURE_CONTROL 0x0000003a
#define MSR_IA32_APIC_BASE 0x0000001b
#define MSR_IA32_SPEC_CTRL 0x00000048
#define MSR_IA32_PRED_CMD 0x00000049
#define MSR_IA32_UCODE_REV 0x0000008b
#define MSR_PLATFORM_INFO 0x000000ce
#define MSR_IA32_MTRRCAP 0x000000fe
#define MSR_IA32_ARCH_CAPABILITIES 0x0000010a
#define MSR_IA32_FLUSH_CMD 0x0000010b
#define MSR_MISC_FEATURES_ENABLES 0x00000140
#define MSR_IA32_SYSENTER_ESP 0x00000175
#define MSR_IA32_SYSENTER_EIP 0x00000176
#define MSR_IA32_MCG_CAP 0x00000179
#define MSR_IA32_MCG_STATUS 0x0000017a
#define MSR_IA32_MCG_CTL 0x0000017b
#define MSR_IA32_MISC_ENABLE 0x000001a0
#define MSR_IA32_MTRR_PHYSBASE0 0x00000200
#define MSR_IA32_MTRR_PHYSMASK0 0x00000201
#define MSR_IA32_MTRR_FIX64K_00000 0x00000250
#define MSR_IA32_CR_PAT 0x00000277
#define MSR_IA32_MTRR_DEF_TYPE 0x000002ff
#define MSR_IA32_MC0_CTL 0x00000400
#define MSR_IA32_MC0_STATUS 0x00000401
#define MSR_IA32_TSC_DEADLINE 0x000006e0
#define MSR_X2APIC_VERSION 0x00000803
#define MSR_IA32_XSS 0x00000da0
#define MSR_TSC_AUX 0xc0000103
#define MSR_K7_HWCR 0xc0010015

/* ------------------------------------------------------------- bit helpers */

/* The halves of bit b (0-63) of a 64-bit value, as assemble-time constants. */
#define BIT_LO(b) ((1 << (b)) & 0xffffffff)
#define BIT_HI(b) (((1 << (b)) >> 32) & 0xffffffff)

/* The halves of a 64-bit constant. */
#define Q_LO(q) ((q) & 0xffffffff)
#define Q_HI(q) (((q) >> 32) & 0xffffffff)

/*
 * Expand `mac b, args` for every bit b of a 64-bit MSR with from <= b <= to:
 * one check per bit, with the bit number in the check's text.
 */
.macro FOR_BITS from:req, to:req, mac:req, args:vararg
	.irp b, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	.if (\b >= \from) && (\b <= \to)
	\mac \b, \args
	.endif
	.endr
.endm

/* ZF = !(bit b of the quad at q). */
.macro TEST_BIT b:req, q:req
	.if \b < 32
	testl $BIT_LO(\b), \q
	.else
	testl $BIT_HI(\b), \q + 4
	.endif
.endm

/* ------------------------------------------------------ scratch for macros */

	.bss
	.balign 8
msr_old:	.quad 0 /* the MSR's value before a write that must fault */
msr_old_exc:	.long 0 /* exc_vector of that read: 0xffffffff if it worked */
msr_val:	.quad 0 /* a value computed at run time, for the macros' operands */
msr_exp:	.quad 0 /* the value it must read back as */

/* ------------------------------------------------------- plain accesses */

/* RDMSR idx under TRY: EDX:EAX, or exc_vector != 0xffffffff if it faulted. */
.macro MSR_READ idx:req
	movl \idx, %ecx
	TRY rdmsr
.endm

/* WRMSR idx = hi:lo under TRY, unchecked (setup and restores). */
.macro MSR_WRITE idx:req, hi:req, lo:req
	movl \idx, %ecx
	movl \hi, %edx
	movl \lo, %eax
	TRY wrmsr
.endm

/* Jump to `label` if the last TRY faulted. */
.macro JFAULTED label:req
	cmpl $0xffffffff, exc_vector
	jne \label
.endm

/* --------------------------------------------------------------- checks */

/*
 * RDMSR idx is #GP(0) at the RDMSR (RIP not advanced) and leaves EDX:EAX
 * as they were (a fault writes no register).
 */
.macro EXPECT_RDMSR_GP idx:req, name:req
	MSR_TAG \idx
	movl \idx, %ecx
	movl $0x5a5a5a5a, %edx
	movl $0xa5a5a5a5, %eax
	TRY rdmsr
	EXPECT_GP "\name: RDMSR is #GP(0) at the RDMSR"
	EXPECT_EQ64 %edx, %eax, $0x5a5a5a5a, $0xa5a5a5a5, "\name: RDMSR fault leaves EDX:EAX unchanged"
	MSR_UNTAG
.endm

/* RDMSR idx works; EDX:EAX is the value (registers kept by the check). */
.macro EXPECT_RDMSR_OK idx:req, name:req
	MSR_TAG \idx
	movl \idx, %ecx
	TRY rdmsr
	EXPECT_NOEXC "\name: RDMSR does not fault"
	MSR_UNTAG
.endm

/* RDMSR idx works and returns rhi:rlo: one check point either way. */
.macro EXPECT_RDMSR idx:req, rhi:req, rlo:req, name:req
	MSR_TAG \idx
	movl \idx, %ecx
	TRY rdmsr
	JFAULTED .Lfault\@
	EXPECT_EQ64 %edx, %eax, \rhi, \rlo, "\name"
	jmp .Ldone\@
.Lfault\@:
	EXPECT_NOEXC "\name"
.Ldone\@:
	MSR_UNTAG
.endm

/*
 * WRMSR idx = hi:lo is #GP(0) at the WRMSR, and the MSR keeps the value it
 * had (checked when the MSR can be read; PRED_CMD and FLUSH_CMD cannot).
 * If the write went through anyway, the old value is written back.
 */
.macro EXPECT_WRMSR_GP idx:req, hi:req, lo:req, name:req
	MSR_TAG \idx
	movl \idx, %ecx
	TRY rdmsr
	movl %eax, msr_old
	movl %edx, msr_old + 4
	movl exc_vector, %eax
	movl %eax, msr_old_exc
	movl \hi, %edx
	movl \lo, %eax
	TRY wrmsr
	EXPECT_GP "\name: #GP(0) at the WRMSR"
	cmpl $0xffffffff, msr_old_exc
	jne .Ldone\@
	movl \idx, %ecx
	TRY rdmsr
	EXPECT_EQ64 %edx, %eax, msr_old + 4, msr_old, "\name: the MSR keeps its value"
	cmpl msr_old, %eax
	jne .Lundo\@
	cmpl msr_old + 4, %edx
	je .Ldone\@
.Lundo\@:
	MSR_WRITE \idx, msr_old + 4, msr_old
.Ldone\@:
	MSR_UNTAG
.endm

/* WRMSR idx = hi:lo does not fault. */
.macro EXPECT_WRMSR_OK idx:req, hi:req, lo:req, name:req
	MSR_TAG \idx
	movl \idx, %ecx
	movl \hi, %edx
	movl \lo, %eax
	TRY wrmsr
	EXPECT_NOEXC "\name: accepted (no fault)"
	MSR_UNTAG
.endm

/* WRMSR idx = hi:lo does not fault, and the MSR then reads rhi:rlo. */
.macro EXPECT_WRMSR_READS idx:req, hi:req, lo:req, rhi:req, rlo:req, name:req
	EXPECT_WRMSR_OK \idx, \hi, \lo, "\name"
	EXPECT_RDMSR \idx, \rhi, \rlo, "\name: reads back"
.endm

/* WRMSR idx = hi:lo does not fault and reads back hi:lo. */
.macro EXPECT_ROUNDTRIP idx:req, hi:req, lo:req, name:req
	EXPECT_WRMSR_READS \idx, \hi, \lo, \hi, \lo, "\name"
.endm

/* ----------------------------------------------------------- bit by bit */

/* msr_val = (the quad at base) | bit b. */
.macro SET_VAL_BIT b:req, base:req
	movl \base, %eax
	movl \base + 4, %edx
	orl $BIT_LO(\b), %eax
	orl $BIT_HI(\b), %edx
	movl %eax, msr_val
	movl %edx, msr_val + 4
.endm

/*
 * Bit b of MSR idx is reserved: writing (quad at base) | bit b is #GP(0) and
 * the MSR keeps its value. Use with FOR_BITS.
 */
.macro BIT_GP b:req, idx:req, base:req, name:req
	SET_VAL_BIT \b, \base
	EXPECT_WRMSR_GP \idx, msr_val + 4, msr_val, "\name bit \b = 1 (reserved)"
.endm

/*
 * Bit b of MSR idx, whose rule comes from CPUID at run time: write
 * (quad at base) | bit b.
 *   - bit b set in the quad at `ok`: the bit is defined here, the write is
 *     accepted and (mode rw) reads back base | (bit b & keep): bits in ok but
 *     not in keep are accepted and dropped (EFER.LMA, HWCR bit 3). The MSR is
 *     then written back to base. The checks are named `name`.
 *   - bit b clear in `ok`: reserved here, #GP(0), the MSR keeps its value.
 *     The checks are named `rname` (default: `name`).
 * mode wo: a write-only command MSR, nothing to read back or restore.
 */
.macro BIT_RULE b:req, idx:req, base:req, ok:req, keep:req, name:req, rname, mode=rw
	SET_VAL_BIT \b, \base
	TEST_BIT \b, \ok
	jz .Lrsvd\@
	.ifc \mode, wo
	EXPECT_WRMSR_OK \idx, msr_val + 4, msr_val, "\name bit \b = 1 (defined here)"
	.else
	movl \keep, %eax
	movl \keep + 4, %edx
	andl $BIT_LO(\b), %eax
	andl $BIT_HI(\b), %edx
	orl \base, %eax
	orl \base + 4, %edx
	movl %eax, msr_exp
	movl %edx, msr_exp + 4
	EXPECT_WRMSR_READS \idx, msr_val + 4, msr_val, msr_exp + 4, msr_exp, "\name bit \b = 1 (defined here)"
	MSR_WRITE \idx, \base + 4, \base
	.endif
	jmp .Ldone\@
.Lrsvd\@:
	.ifb \rname
	EXPECT_WRMSR_GP \idx, msr_val + 4, msr_val, "\name bit \b = 1 (reserved here)"
	.else
	EXPECT_WRMSR_GP \idx, msr_val + 4, msr_val, "\rname bit \b = 1 (reserved here)"
	.endif
.Ldone\@:
.endm

/* ------------------------------------------------------------ CPUID tests */

/* Jump to `label` unless (the 32-bit word at var) & mask != 0. */
.macro JNO var:req, mask:req, label:req
	testl $\mask, \var
	jz \label
.endm

/* Jump to `label` if (the 32-bit word at var) & mask != 0. */
.macro JHAS var:req, mask:req, label:req
	testl $\mask, \var
	jnz \label
.endm

#endif /* VX86_GUEST_MSR_H */
