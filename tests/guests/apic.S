/* SPDX-License-Identifier: MIT */
/*
 * apic: the local APIC of the BSP (Intel SDM Vol. 3A ch. 11), from 32-bit
 * protected mode with paging off (and two short trips to 64-bit mode for CR8):
 *
 *   apic-xapic     IA32_APIC_BASE at reset (0xfee00900: EN, BSP, base
 *                  0xfee00000); ID, version (0x14, max LVT >= 5), SVR enable,
 *                  TPR read back;
 *   apic-ipi       a fixed self IPI through the ICR (shorthand self) is taken
 *                  once with IF=1, the handler's EOI retires it, the ICR's
 *                  delivery-status bit reads 0;
 *   apic-ipi-if0   with IF=0 the IPI waits in IRR until STI;
 *   apic-tpr       TPR 0x50 holds back vector 0x45 (class 4 <= 5) in IRR; TPR
 *                  0 lets it in; PPR in the handler is the in-service class;
 *   apic-oneshot   the one-shot timer wakes `sti; hlt`; TMCCT is then 0;
 *   apic-masked    a masked one-shot counts down to 0 and does not interrupt;
 *   apic-periodic  three periodic interrupts, then TMICT = 0 stops the timer;
 *   apic-tscdl     (CPUID.1:ECX[24]) TSC-deadline mode wakes `sti; hlt`, and
 *                  IA32_TSC_DEADLINE reads 0 once it fired;
 *   apic-cr8       in 64-bit mode CR8 is TPR[7:4] both ways;
 *   x2apic         (CPUID.1:ECX[21]) EXTD: the x2APIC ID and version MSRs,
 *                  SVR kept, SELF_IPI, #GP on RDMSR EOI, WRMSR ID and a TPR
 *                  value with bit 32, the xAPIC page no longer answers, and
 *                  x2APIC -> xAPIC without disabling first is #GP;
 *   apic-stray     no interrupt arrived on a vector nobody sent, and none
 *                  was taken over and over (the runaway guard in irq_common
 *                  turns such a livelock into FAIL lines instead of a hang).
 *
 * The 8259A PICs are masked first: QEMU's BIOS leaves the PIT's IRQ 0 on
 * vector 8 through LINT0 (ExtINT), which would arrive as soon as IF=1.
 *
 * Each check's name starts with its bracketed ID (run.t tolerates known vx86
 * gaps by it). The interrupt-driven checks need interrupts to be delivered at
 * all: when the first self IPI never arrives, the ones that would HLT are
 * reported failed instead of being run, so the guest cannot halt for good.
 *
 * Interrupt handlers (vectors 32-255, our own IDT: the runtime's covers 0-31)
 * count their vector, note PPR and write EOI (not for the spurious vector,
 * SDM 11.9). They return without IRET, as the runtime's exception handlers
 * do (guest.h: KVM's instruction emulator on some hosts cannot emulate a
 * protected-mode IRET; IRET would work on emu and QEMU TCG, but this keeps the
 * guest runnable wherever the runtime is): the frame is rewritten in place to
 * EFLAGS, EIP, then POPF and RET. An interrupt taken between the POPF (which
 * may set IF) and the RET nests below the return address and returns to the
 * RET, so nothing is lost.
 */
#include "guest.h"

#define APIC_MMIO 0xfee00000
#define APIC_ID (APIC_MMIO + 0x020)
#define APIC_VER (APIC_MMIO + 0x030)
#define APIC_TPR (APIC_MMIO + 0x080)
#define APIC_PPR (APIC_MMIO + 0x0a0)
#define APIC_EOI (APIC_MMIO + 0x0b0)
#define APIC_SVR (APIC_MMIO + 0x0f0)
#define APIC_ISR2 (APIC_MMIO + 0x120) /* ISR bits 64-95 */
#define APIC_IRR2 (APIC_MMIO + 0x220) /* IRR bits 64-95: vector 0x40 is bit 0 */
#define APIC_ICR (APIC_MMIO + 0x300)
#define APIC_LVTT (APIC_MMIO + 0x320)
#define APIC_TMICT (APIC_MMIO + 0x380)
#define APIC_TMCCT (APIC_MMIO + 0x390)
#define APIC_TDCR (APIC_MMIO + 0x3e0)

#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_ID 0x802
#define MSR_X2APIC_VER 0x803
#define MSR_X2APIC_TPR 0x808
#define MSR_X2APIC_PPR 0x80a
#define MSR_X2APIC_EOI 0x80b
#define MSR_X2APIC_SVR 0x80f
#define MSR_X2APIC_SELF_IPI 0x83f

#define APIC_BASE_RESET 0xfee00900 /* SDM 11.4.4: base 0xfee00000, EN, BSP */
#define APIC_BASE_EXTD (1 << 10)
#define APIC_BASE_EN (1 << 11)

#define ICR_SELF (1 << 18)    /* destination shorthand 01: self */
#define ICR_BUSY (1 << 12)    /* delivery status */
#define LVT_MASKED (1 << 16)
#define LVT_PERIODIC (1 << 17)
#define LVT_DEADLINE (2 << 17)
#define TDCR_DIV1 0xb

#define VEC_IPI 0x40
#define VEC_TIMER 0x41
#define VEC_X2IPI 0x42
#define VEC_TPR 0x45
#define VEC_SPURIOUS 0xff

#define PIC1_DATA 0x21 /* 8259A interrupt mask registers */
#define PIC2_DATA 0xa1

#define C1C_X2APIC (1 << 21)
#define C1C_TSC_DEADLINE (1 << 24)

/*
 * Bounded waits (loop iterations) so that a missing interrupt is a FAIL, not a
 * hang. No PAUSE in the loops: some KVM hosts exit on it, which makes a wait
 * of millions of iterations take seconds.
 */
#define WAIT_SPINS 200000 /* an IPI arrives within a few instructions */
#define WAIT_READS 4000000 /* TMCCT reads: enough for 3 ms at any speed */
#define IDLE_SPINS 100000
#define HLT_MAX 1000
#define RUNAWAY 64 /* interrupts on one vector: far more than any test sends */

	.data
	.balign 4
idt_apic_ptr:
	.word 256 * 8 - 1
	.long idt_apic
	.word 0

	.bss
	.balign 8
idt_apic:	.space 256 * 8
irq_count:	.space 256 * 4 /* interrupts taken, by vector */
irq_total:	.long 0
irq_last:	.long 0 /* the last vector taken */
irq_ppr:	.long 0 /* PPR as the last handler saw it */
irq_isr:	.long 0 /* ISR bits 64-95 as the last handler saw them (xAPIC) */
irq_eip_first:	.long 0 /* the return EIP of the first interrupt */
irq_runaway:	.long 0 /* the runaway guard in irq_common tripped */
irq_ok:		.long 0 /* the first self IPI arrived: HLT can be woken */
x2_on:		.long 0 /* the APIC is in x2APIC mode: EOI and PPR are MSRs */
c1_ecx:		.long 0
before:		.long 0
saved_esp:	.long 0
cr8_value:	.long 0
tsc_lo:		.long 0
tsc_hi:		.long 0

/* ------------------------------------------------------- interrupt handlers */

	TEXT32
/* Stubs for vectors 32-255, 16 bytes each: push the vector, go to irq_common. */
	.balign 16
irq_stubs:
	.set .Lvec, 32
	.rept 224
	.balign 16
	pushl $.Lvec
	jmp irq_common
	.set .Lvec, .Lvec + 1
	.endr

/* Frame: vector, EIP, CS, EFLAGS (CPL 0, no stack switch). */
irq_common:
	pushal
	movl 32(%esp), %ebx
	incl irq_count(,%ebx,4)
	incl irq_total
	movl %ebx, irq_last
	/* SDM 11.9: the spurious vector is not put in service: no EOI. */
	cmpl $VEC_SPURIOUS, %ebx
	je 1f
	call apic_ppr
	movl %eax, irq_ppr
	cmpl $0, x2_on
	jne 2f
	movl APIC_ISR2, %eax
	movl %eax, irq_isr
2:	call apic_eoi
	/*
	 * Runaway guard: an engine that takes the interrupt again and again
	 * without the interrupted code getting any further would never end the
	 * run. After RUNAWAY interrupts on one vector, return with IF=0 (the
	 * saved EFLAGS), so the checks see the count and report it.
	 */
	cmpl $RUNAWAY, irq_count(,%ebx,4)
	jb 1f
	movl $1, irq_runaway
	andl $~EFLAGS_IF, 44(%esp) /* pushal, vector, EIP, CS, EFLAGS */
1:	cmpl $1, irq_total
	jne 2f
	movl 36(%esp), %eax
	movl %eax, irq_eip_first
2:	popal
	/* No IRET (see the top): make the frame EFLAGS, EIP; POPF; RET. */
	pushl %eax               /* eax, vector, EIP, CS, EFLAGS */
	movl 8(%esp), %eax
	xchgl %eax, 16(%esp)     /* EFLAGS slot := EIP */
	movl %eax, 12(%esp)      /* CS slot := EFLAGS */
	popl %eax
	addl $8, %esp            /* vector, old EIP */
	popfl
	ret

/* EAX := PPR, through the interface of the APIC's mode. */
apic_ppr:
	cmpl $0, x2_on
	jne 1f
	movl APIC_PPR, %eax
	ret
1:	pushl %ecx
	pushl %edx
	movl $MSR_X2APIC_PPR, %ecx
	rdmsr
	popl %edx
	popl %ecx
	ret

/* EOI (SDM 11.8.5): a write of 0 to the EOI register (MSR 0x80b in x2APIC mode). */
apic_eoi:
	cmpl $0, x2_on
	jne 1f
	movl $0, APIC_EOI
	ret
1:	pushal
	movl $MSR_X2APIC_EOI, %ecx
	xorl %eax, %eax
	xorl %edx, %edx
	wrmsr
	popal
	ret

/* Our IDT: the runtime's gates 0-31, then 32-255 to irq_stubs. Loads it. */
idt_apic_init:
	pushal
	movl $idt32, %esi
	movl $idt_apic, %edi
	movl $64, %ecx
	rep movsl
	movl $32, %ecx
1:	leal -32(%ecx), %eax
	shll $4, %eax
	leal irq_stubs(%eax), %edx
	/* 32-bit interrupt gate: present, DPL 0, type 0xE (IF cleared on entry). */
	movl %edx, %ebx
	andl $0xffff, %ebx
	orl $(SEL_CODE32 << 16), %ebx
	movl %ebx, idt_apic(,%ecx,8)
	andl $0xffff0000, %edx
	orl $0x8e00, %edx
	movl %edx, idt_apic + 4(,%ecx,8)
	incl %ecx
	cmpl $256, %ecx
	jb 1b
	lidt idt_apic_ptr
	popal
	ret

/* ------------------------------------------------------------------ waiting */

/*
 * irq_wait: with IF=1, spin until irq_count[EAX] reaches EDX, at most
 * WAIT_SPINS times; returns with IF=0. Keeps all registers.
 */
irq_wait:
	pushl %ecx
	movl $WAIT_SPINS, %ecx
	sti
1:	cmpl %edx, irq_count(,%eax,4)
	jae 2f
	decl %ecx
	jnz 1b
2:	cli
	popl %ecx
	ret

/* irq_idle: IF=1 for IDLE_SPINS iterations, for any pending interrupt to come in. */
irq_idle:
	pushl %ecx
	movl $IDLE_SPINS, %ecx
	sti
1:	decl %ecx
	jnz 1b
	cli
	popl %ecx
	ret

/*
 * hlt_wait: `sti; hlt` until irq_count[EAX] reaches EDX (at most HLT_MAX
 * wake-ups); returns with IF=0. Only call it with an interrupt on its way.
 */
hlt_wait:
	pushl %ecx
	movl $HLT_MAX, %ecx
1:	cmpl %edx, irq_count(,%eax,4)
	jae 2f
	sti
	hlt
	cli
	decl %ecx
	jnz 1b
2:	popl %ecx
	ret

/*
 * tmcct_wait: with IF=1, spin until TMCCT reads 0 (at most WAIT_READS
 * reads); returns with IF=0 and EAX = the last TMCCT read.
 */
tmcct_wait:
	pushl %ecx
	movl $WAIT_READS, %ecx
	sti
1:	movl APIC_TMCCT, %eax
	testl %eax, %eax
	jz 2f
	decl %ecx
	jnz 1b
2:	cli
	popl %ecx
	ret

/* ---------------------------------------------------------------- the tests */

	.globl guest_main
guest_main:
	PRINTLN "apic: the local APIC (xAPIC, self IPIs, TPR, timer, CR8, x2APIC)"
	movl $1, %eax
	cpuid
	movl %ecx, c1_ecx
	/*
	 * QEMU's BIOS leaves the 8259A's IRQ 0 (the PIT) unmasked, at vector 8,
	 * through LINT0 in ExtINT mode: mask both PICs, so only the APIC's own
	 * interrupts come while IF=1.
	 */
	movb $0xff, %al
	outb %al, $PIC1_DATA
	outb %al, $PIC2_DATA
	call idt_apic_init
	call test_xapic
	call test_ipi
	call test_tpr
	call test_oneshot
	call test_periodic
	call test_tscdl
	call test_cr8
	call test_x2apic
	call test_stray
	lidt idt32_ptr
	ret

/* 1. The xAPIC registers at reset, enabling through SVR, TPR. */
test_xapic:
	MSR_TAG $MSR_APIC_BASE
	movl $MSR_APIC_BASE, %ecx
	TRY rdmsr
	EXPECT_NOEXC "[apic-xapic] RDMSR IA32_APIC_BASE"
	EXPECT_EQ64 %edx, %eax, $0, $APIC_BASE_RESET, "[apic-xapic] IA32_APIC_BASE = 0xfee00900 (base 0xfee00000, EN, BSP; SDM 11.4.4)"
	MSR_UNTAG
	movl APIC_ID, %eax
	andl $0xff000000, %eax
	EXPECT_EQ %eax, $0, "[apic-xapic] ID register bits 31:24 (the BSP's APIC ID) = 0"
	movl APIC_VER, %ebx
	movzbl %bl, %eax
	EXPECT_EQ %eax, $0x14, "[apic-xapic] version register bits 7:0 = 0x14 (integrated APIC)"
	movl %ebx, %eax
	shrl $16, %eax
	andl $0xff, %eax
	cmpl $5, %eax
	CHECK ae, "[apic-xapic] version register max LVT entry (bits 23:16) >= 5"
	movl $0x1ff, APIC_SVR
	movl APIC_SVR, %eax
	andl $0x1ff, %eax
	EXPECT_EQ %eax, $0x1ff, "[apic-xapic] SVR = 0x1ff (APIC software enabled, spurious vector 0xff) reads back"
	movl $0x20, APIC_TPR
	movl APIC_TPR, %eax
	EXPECT_EQ %eax, $0x20, "[apic-xapic] TPR = 0x20 reads back"
	movl $0, APIC_TPR
	movl APIC_TPR, %eax
	EXPECT_EQ %eax, $0, "[apic-xapic] TPR = 0 reads back"
	ret

/* 2. Self IPIs through the ICR, with IF=1 and with IF=0. */
test_ipi:
	movl irq_total, %eax
	movl %eax, before
	sti
	nop /* the ICR write is not in STI's interrupt shadow */
ipi_icr_write:
	movl $(ICR_SELF | VEC_IPI), APIC_ICR
	movl $VEC_IPI, %eax
	movl $1, %edx
	call irq_wait /* returns with IF=0 */
	call irq_idle /* a second delivery would come in here */
	EXPECT_EQ irq_count+4*VEC_IPI, $1, "[apic-ipi] self IPI 0x40 with IF=1: the handler runs exactly once"
	cmpl $0, irq_count+4*VEC_IPI
	je 1f
	movl $1, irq_ok
1:	EXPECT_EQ irq_last, $VEC_IPI, "[apic-ipi] the interrupt came on vector 0x40"
	/* SDM 6.6: interrupts are taken on instruction boundaries, after the write retired. */
	movl irq_eip_first, %eax
	testl %eax, %eax /* 0: no interrupt at all */
	jz 2f
	cmpl $ipi_icr_write, %eax
2:	CHECK ne, "[apic-ipi] the interrupt's return EIP is not the ICR write's (it came after the write retired)"
	movl irq_isr, %eax
	andl $1, %eax
	EXPECT_EQ %eax, $1, "[apic-ipi] in the handler, ISR bit 0x40 is set"
	movl APIC_ISR2, %eax
	andl $1, %eax
	EXPECT_EQ %eax, $0, "[apic-ipi] after the handler's EOI, ISR bit 0x40 is clear"
	movl APIC_ICR, %eax
	andl $ICR_BUSY, %eax
	EXPECT_EQ %eax, $0, "[apic-ipi] ICR delivery status (bit 12) reads 0 (idle) afterwards"
	movl irq_total, %eax
	subl before, %eax
	subl irq_count+4*VEC_IPI, %eax
	EXPECT_EQ %eax, $0, "[apic-ipi] no interrupt came on another vector"

	/* IF=0: the IPI waits in IRR. */
	movl irq_count+4*VEC_IPI, %eax
	movl %eax, before
	movl $(ICR_SELF | VEC_IPI), APIC_ICR
	movl $IDLE_SPINS, %ecx
2:	loop 2b
	movl irq_count+4*VEC_IPI, %eax
	subl before, %eax
	EXPECT_EQ %eax, $0, "[apic-ipi-if0] self IPI with IF=0: not taken"
	movl APIC_IRR2, %eax
	andl $1, %eax
	EXPECT_EQ %eax, $1, "[apic-ipi-if0] self IPI with IF=0: IRR bit 0x40 (0xfee00220 bit 0) is set"
	movl $VEC_IPI, %eax
	movl before, %edx
	incl %edx
	call irq_wait
	call irq_idle
	movl irq_count+4*VEC_IPI, %eax
	subl before, %eax
	EXPECT_EQ %eax, $1, "[apic-ipi-if0] after STI the pending IPI is taken, once"
	movl APIC_IRR2, %eax
	andl $1, %eax
	EXPECT_EQ %eax, $0, "[apic-ipi-if0] after it was taken, IRR bit 0x40 is clear"
	ret

/* 3. TPR holds back a vector of a class at or below it; PPR inside the handler. */
test_tpr:
	movl $0x50, APIC_TPR
	movl $(ICR_SELF | VEC_TPR), APIC_ICR
	call irq_idle
	EXPECT_EQ irq_count+4*VEC_TPR, $0, "[apic-tpr] TPR 0x50: self IPI 0x45 (class 4) with IF=1 is not taken"
	movl APIC_IRR2, %eax
	andl $(1 << 5), %eax
	EXPECT_EQ %eax, $(1 << 5), "[apic-tpr] TPR 0x50: IRR bit 0x45 is set"
	movl APIC_PPR, %eax
	EXPECT_EQ %eax, $0x50, "[apic-tpr] TPR 0x50, nothing in service: PPR = 0x50 (SDM 11.8.3.1)"
	sti
	movl $0, APIC_TPR
	movl $VEC_TPR, %eax
	movl $1, %edx
	call irq_wait
	EXPECT_EQ irq_count+4*VEC_TPR, $1, "[apic-tpr] TPR 0: the held-back vector 0x45 is taken, once"
	EXPECT_EQ irq_ppr, $0x40, "[apic-tpr] in the handler of 0x45 with TPR 0: PPR = 0x40 (the in-service class)"
	movl APIC_PPR, %eax
	EXPECT_EQ %eax, $0, "[apic-tpr] after EOI: PPR = 0"
	ret

/* Report the checks of a test that needs interrupts when none were delivered. */
.macro NEED_IRQ name:req
	cmpl $0, irq_ok
	jne .Lirq_ok\@
	FAIL "\name", "not run: the self IPI never arrived, so nothing may wake HLT"
	ret
.Lirq_ok\@:
.endm

/* 4. The one-shot timer, unmasked (wakes HLT) and masked (counts, no interrupt). */
test_oneshot:
	NEED_IRQ "[apic-oneshot] one-shot timer"
	movl $TDCR_DIV1, APIC_TDCR
	movl $VEC_TIMER, APIC_LVTT
	movl irq_total, %eax
	movl %eax, before
	movl $2000000, APIC_TMICT /* 2 ms at 1 GHz, divide by 1 */
	movl $VEC_TIMER, %eax
	movl $1, %edx
	call hlt_wait
	EXPECT_EQ irq_count+4*VEC_TIMER, $1, "[apic-oneshot] TMICT 2000000, divide by 1: sti; hlt is woken by vector 0x41"
	movl irq_total, %eax
	subl before, %eax
	EXPECT_EQ %eax, $1, "[apic-oneshot] and by no other interrupt"
	movl APIC_TMCCT, %eax
	EXPECT_EQ %eax, $0, "[apic-oneshot] after it fired, TMCCT = 0"
	movl APIC_LVTT, %eax
	andl $0x700ff, %eax
	EXPECT_EQ %eax, $VEC_TIMER, "[apic-oneshot] LVT timer reads back (vector 0x41, one-shot, unmasked)"
	call irq_idle
	EXPECT_EQ irq_count+4*VEC_TIMER, $1, "[apic-oneshot] a one-shot timer fires once"

	movl $(LVT_MASKED | VEC_TIMER), APIC_LVTT
	movl $500000, APIC_TMICT
	call tmcct_wait
	EXPECT_EQ %eax, $0, "[apic-masked] masked one-shot: TMCCT counts down to 0"
	call irq_idle
	EXPECT_EQ irq_count+4*VEC_TIMER, $1, "[apic-masked] masked one-shot with IF=1: no interrupt"
	movl APIC_IRR2, %eax
	andl $(1 << 1), %eax
	EXPECT_EQ %eax, $0, "[apic-masked] masked one-shot: IRR bit 0x41 stays clear"
	ret

/* 5. The periodic timer, and stopping it with TMICT = 0. */
test_periodic:
	NEED_IRQ "[apic-periodic] periodic timer"
	movl $TDCR_DIV1, APIC_TDCR
	movl $(LVT_PERIODIC | VEC_TIMER), APIC_LVTT
	movl irq_count+4*VEC_TIMER, %eax
	movl %eax, before
	movl $1000000, APIC_TMICT /* 1 ms */
	movl before, %edx
	addl $3, %edx
	movl $VEC_TIMER, %eax
	call hlt_wait
	movl irq_count+4*VEC_TIMER, %eax
	subl before, %eax
	cmpl $3, %eax
	CHECK ae, "[apic-periodic] period 1 ms: at least 3 interrupts on vector 0x41 in a sti; hlt loop"
	movl $0, APIC_TMICT
	call irq_idle /* one that was already pending comes in now */
	movl APIC_TMCCT, %eax
	EXPECT_EQ %eax, $0, "[apic-periodic] TMICT = 0 stops it: TMCCT = 0"
	movl irq_count+4*VEC_TIMER, %eax
	movl %eax, before
	/* Time 3 periods with a masked one-shot: no periodic interrupt may come. */
	movl $(LVT_MASKED | VEC_TIMER), APIC_LVTT
	movl $3000000, APIC_TMICT
	call tmcct_wait
	call irq_idle
	movl irq_count+4*VEC_TIMER, %eax
	subl before, %eax
	EXPECT_EQ %eax, $0, "[apic-periodic] after TMICT = 0, no interrupt for 3 periods"
	ret

/* 6. TSC-deadline mode (SDM 11.5.4.1). */
test_tscdl:
	testl $C1C_TSC_DEADLINE, c1_ecx
	jnz 1f
	PRINTLN "note: no TSC-deadline timer in CPUID.1:ECX[24]: apic-tscdl not run"
	ret
1:	NEED_IRQ "[apic-tscdl] TSC-deadline timer"
	movl $(LVT_DEADLINE | VEC_TIMER), APIC_LVTT
	/* SDM 11.5.4.1: MFENCE orders the LVT write (MMIO) before the WRMSR. */
	mfence
	movl irq_count+4*VEC_TIMER, %eax
	movl %eax, before
	rdtsc
	addl $1000000, %eax
	adcl $0, %edx
	MSR_TAG $MSR_TSC_DEADLINE
	movl $MSR_TSC_DEADLINE, %ecx
	TRY wrmsr
	EXPECT_NOEXC "[apic-tscdl] WRMSR IA32_TSC_DEADLINE = TSC + 1000000"
	movl before, %edx
	incl %edx
	movl $VEC_TIMER, %eax
	call hlt_wait
	movl irq_count+4*VEC_TIMER, %eax
	subl before, %eax
	EXPECT_EQ %eax, $1, "[apic-tscdl] sti; hlt is woken by vector 0x41, once"
	movl $MSR_TSC_DEADLINE, %ecx
	TRY rdmsr
	EXPECT_EQ64 %edx, %eax, $0, $0, "[apic-tscdl] after it fired, IA32_TSC_DEADLINE reads 0"
	MSR_UNTAG
	movl APIC_LVTT, %eax
	andl $0x700ff, %eax
	EXPECT_EQ %eax, $(LVT_DEADLINE | VEC_TIMER), "[apic-tscdl] LVT timer reads back mode 10b (TSC-deadline)"
	movl $(LVT_MASKED | VEC_TIMER), APIC_LVTT
	ret

/*
 * cr8_op: in 64-bit mode, MOV CR8 <- EBX (unless EBX = 0xffffffff), then
 * cr8_value := MOV from CR8. From and back to 32-bit mode with paging off
 * (the xAPIC page is outside the identity map) and IF=0.
 */
cr8_op:
	pushal
	movl %esp, saved_esp
	call long_mode_enter
	ljmp $SEL_CODE64, $1f
	.code64
1:	movl %ebx, %ebx /* RBX[63:32] is undefined after the mode switch */
	cmpl $0xffffffff, %ebx
	je 2f
	movq %rbx, %cr8
2:	movq %cr8, %rax
	movl %eax, cr8_value(%rip)
	pushq $SEL_CODE32
	pushq $0
	movl $3f, (%rsp)
	lretq
	.code32
3:	movl $SEL_DATA32, %eax
	movw %ax, %ss
	movl saved_esp, %esp
	call long_mode_leave
	lidt idt_apic_ptr
	popal
	ret

/* 8. CR8 and TPR (SDM 11.8.6.5): CR8[3:0] is TPR[7:4], a CR8 write clears TPR[3:0]. */
test_cr8:
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jnz 1f
	PRINTLN "note: no long mode: apic-cr8 not run"
	ret
1:	movl $0x2f, APIC_TPR
	movl $7, %ebx
	call cr8_op
	movl APIC_TPR, %eax
	EXPECT_EQ %eax, $0x70, "[apic-cr8] 64-bit mode, TPR 0x2f: MOV CR8 <- 7 makes TPR 0x70"
	EXPECT_EQ cr8_value, $7, "[apic-cr8] and MOV from CR8 reads 7"
	movl $0x90, APIC_TPR
	movl $0xffffffff, %ebx
	call cr8_op
	EXPECT_EQ cr8_value, $9, "[apic-cr8] TPR 0x90: MOV from CR8 in 64-bit mode reads 9"
	movl $0, %ebx
	call cr8_op
	movl APIC_TPR, %eax
	EXPECT_EQ %eax, $0, "[apic-cr8] MOV CR8 <- 0 makes TPR 0"
	movl $0, APIC_TPR
	ret

/* 7. x2APIC mode (SDM 11.12). */
test_x2apic:
	testl $C1C_X2APIC, c1_ecx
	jnz 1f
	PRINTLN "note: no x2APIC in CPUID.1:ECX[21]: x2apic not run"
	ret
1:	MSR_TAG $MSR_APIC_BASE
	movl $MSR_APIC_BASE, %ecx
	movl $(APIC_BASE_RESET | APIC_BASE_EXTD), %eax
	xorl %edx, %edx
	TRY wrmsr
	EXPECT_NOEXC "[x2apic] WRMSR IA32_APIC_BASE = 0xfee00d00 (xAPIC -> x2APIC)"
	TRY rdmsr
	EXPECT_EQ64 %edx, %eax, $0, $(APIC_BASE_RESET | APIC_BASE_EXTD), "[x2apic] IA32_APIC_BASE reads 0xfee00d00"
	MSR_UNTAG
	movl $1, x2_on

	MSR_TAG $MSR_X2APIC_ID
	movl $MSR_X2APIC_ID, %ecx
	TRY rdmsr
	EXPECT_NOEXC "[x2apic] RDMSR 0x802 (x2APIC ID)"
	EXPECT_EQ64 %edx, %eax, $0, $0, "[x2apic] x2APIC ID of the BSP = 0"
	xorl %eax, %eax
	xorl %edx, %edx
	TRY wrmsr
	EXPECT_GP "[x2apic] WRMSR 0x802 (the ID is read-only in x2APIC mode)"
	MSR_UNTAG

	MSR_TAG $MSR_X2APIC_VER
	movl $MSR_X2APIC_VER, %ecx
	TRY rdmsr
	EXPECT_NOEXC "[x2apic] RDMSR 0x803 (version)"
	movzbl %al, %eax
	EXPECT_EQ %eax, $0x14, "[x2apic] version bits 7:0 = 0x14"
	MSR_UNTAG

	MSR_TAG $MSR_X2APIC_SVR
	movl $MSR_X2APIC_SVR, %ecx
	TRY rdmsr
	andl $0x1ff, %eax
	EXPECT_EQ %eax, $0x1ff, "[x2apic] SVR keeps 0x1ff across xAPIC -> x2APIC (SDM 11.12.5)"
	MSR_UNTAG

	MSR_TAG $MSR_X2APIC_SELF_IPI
	movl irq_total, %eax
	movl %eax, before
	movl $MSR_X2APIC_SELF_IPI, %ecx
	movl $VEC_X2IPI, %eax
	xorl %edx, %edx
	sti
	TRY wrmsr
	movl $VEC_X2IPI, %eax
	movl $1, %edx
	call irq_wait
	call irq_idle
	EXPECT_NOEXC "[x2apic] WRMSR SELF_IPI (0x83f) = 0x42"
	EXPECT_EQ irq_count+4*VEC_X2IPI, $1, "[x2apic] SELF_IPI 0x42 with IF=1: the handler runs exactly once"
	movl irq_total, %eax
	subl before, %eax
	EXPECT_EQ %eax, $1, "[x2apic] and no other interrupt came"
	MSR_UNTAG

	MSR_TAG $MSR_X2APIC_EOI
	movl $MSR_X2APIC_EOI, %ecx
	TRY rdmsr
	EXPECT_GP "[x2apic] RDMSR 0x80b (EOI is write-only)"
	MSR_UNTAG

	MSR_TAG $MSR_X2APIC_TPR
	movl $MSR_X2APIC_TPR, %ecx
	xorl %eax, %eax
	movl $1, %edx
	TRY wrmsr
	EXPECT_GP "[x2apic] WRMSR 0x808 (TPR) with bit 32 set (reserved)"
	MSR_UNTAG

	/*
	 * SDM 11.12.1.2: in x2APIC mode the xAPIC page behaves as with the APIC
	 * globally disabled; what such a read returns is the platform's, so only
	 * check that the APIC no longer answers it with the version register.
	 */
	movl APIC_VER, %eax
	PRINT "note: x2APIC mode: a read of 0xfee00030 gives "
	PUTHEX %eax
	PRINTLN
	movl $MSR_X2APIC_VER, %ecx
	movl %eax, %ebx
	TRY rdmsr
	cmpl %eax, %ebx
	CHECK ne, "[x2apic] x2APIC mode: the xAPIC page no longer reads the version register"

	/* SDM 11.12.5, Figure 11-27: x2APIC -> xAPIC is not a valid transition. */
	MSR_TAG $MSR_APIC_BASE
	movl $MSR_APIC_BASE, %ecx
	movl $APIC_BASE_RESET, %eax
	xorl %edx, %edx
	TRY wrmsr
	EXPECT_GP "[x2apic] WRMSR IA32_APIC_BASE clearing EXTD alone (x2APIC -> xAPIC)"
	TRY rdmsr
	EXPECT_EQ64 %edx, %eax, $0, $(APIC_BASE_RESET | APIC_BASE_EXTD), "[x2apic] after that #GP the APIC is still in x2APIC mode"
	/* Back to xAPIC the legal way: disabled first (the APIC comes back reset). */
	movl $(APIC_BASE_RESET & ~(APIC_BASE_EN | APIC_BASE_EXTD)), %eax
	xorl %edx, %edx
	TRY wrmsr
	EXPECT_NOEXC "[x2apic] WRMSR IA32_APIC_BASE = 0xfee00100 (x2APIC -> disabled)"
	movl $0, x2_on
	movl $APIC_BASE_RESET, %eax
	TRY wrmsr
	EXPECT_NOEXC "[x2apic] WRMSR IA32_APIC_BASE = 0xfee00900 (disabled -> xAPIC)"
	MSR_UNTAG
	/*
	 * Not checked: the registers after disabled -> xAPIC. SDM 11.4.3: "prior
	 * initialization to the APIC may be lost" (vx86 resets them, KVM keeps SVR).
	 */
	ret

/* Nothing came on a vector nobody sent (32-255 but 0x40-0x42, 0x45). */
test_stray:
	EXPECT_EQ irq_runaway, $0, "[apic-stray] no interrupt was taken over and over (runaway guard)"
	movl irq_total, %eax
	subl irq_count+4*VEC_IPI, %eax
	subl irq_count+4*VEC_TIMER, %eax
	subl irq_count+4*VEC_X2IPI, %eax
	subl irq_count+4*VEC_TPR, %eax
	EXPECT_EQ %eax, $0, "[apic-stray] no interrupt on any other vector (spurious 0xff included)"
	ret
