/* SPDX-License-Identifier: MIT */
/*
 * The local APIC of one vCPU (SDM Vol. 3A ch. 11; spec/msr.md §6.2): the
 * xAPIC registers at APIC_BASE, the same registers as x2APIC MSRs
 * 0x800-0x8FF, the interrupt state (IRR, ISR, TMR, TPR, PPR), EOI, the LVT
 * entries and the timer in one-shot, periodic and TSC-deadline modes.
 *
 * The model is pure: time comes from the clock callbacks, and an IPI for
 * another APIC goes to the send callback (NULL: there is no other APIC).
 * The vCPU layer (exit.c) feeds it MMIO and MSR exits and asks it for the
 * interrupt to inject (lapic_pending, lapic_ack).
 *
 * What vx86 chose where the SDM leaves a choice (README, "Local APIC"):
 * - the timer runs at a 1 GHz bus clock (1 ns per count before the divider),
 *   like KVM's and QEMU's APICs;
 * - an IPI is delivered at once: ICR's delivery-status bit always reads 0;
 * - version 0x14 with six LVT entries (no CMCI) and no directed EOI;
 * - lowest-priority delivery goes to the first APIC that matches.
 */
#ifndef VX86_VCPU_LAPIC_H
#define VX86_VCPU_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets in the xAPIC page; x2APIC MSR = 0x800 + (offset >> 4). */
#define APIC_REG_ID	  0x020
#define APIC_REG_VER	  0x030
#define APIC_REG_TPR	  0x080
#define APIC_REG_APR	  0x090
#define APIC_REG_PPR	  0x0a0
#define APIC_REG_EOI	  0x0b0
#define APIC_REG_RRD	  0x0c0
#define APIC_REG_LDR	  0x0d0
#define APIC_REG_DFR	  0x0e0
#define APIC_REG_SVR	  0x0f0
#define APIC_REG_ISR	  0x100 /* 8 registers, 0x100-0x170 */
#define APIC_REG_TMR	  0x180
#define APIC_REG_IRR	  0x200
#define APIC_REG_ESR	  0x280
#define APIC_REG_CMCI	  0x2f0
#define APIC_REG_ICR	  0x300
#define APIC_REG_ICR2	  0x310
#define APIC_REG_LVTT	  0x320
#define APIC_REG_LVTTHMR  0x330
#define APIC_REG_LVTPC	  0x340
#define APIC_REG_LVT0	  0x350
#define APIC_REG_LVT1	  0x360
#define APIC_REG_LVTERR	  0x370
#define APIC_REG_TMICT	  0x380
#define APIC_REG_TMCCT	  0x390
#define APIC_REG_TDCR	  0x3e0
#define APIC_REG_SELF_IPI 0x3f0 /* x2APIC only */

#define APIC_PAGE_SIZE	 0x1000
#define X2APIC_MSR_FIRST 0x800
#define X2APIC_MSR_LAST	 0x8ff
#define APIC_VERSION	 0x14
#define APIC_LVT_COUNT	 6 /* timer, thermal, perf, LINT0, LINT1, error */
#define APIC_TIMER_NS	 1 /* one bus clock, in ns */

/* SVR */
#define APIC_SVR_ENABLE (1u << 8)
/* LVT and ICR fields */
#define APIC_VECTOR_MASK    0xffu
#define APIC_DM_MASK	    (7u << 8)
#define APIC_DM_FIXED	    (0u << 8)
#define APIC_DM_LOWEST	    (1u << 8)
#define APIC_DM_SMI	    (2u << 8)
#define APIC_DM_NMI	    (4u << 8)
#define APIC_DM_INIT	    (5u << 8)
#define APIC_DM_STARTUP	    (6u << 8)
#define APIC_DM_EXTINT	    (7u << 8)
#define APIC_DEST_LOGICAL   (1u << 11)
#define APIC_ICR_BUSY	    (1u << 12)
#define APIC_ICR_LEVEL	    (1u << 14) /* assert */
#define APIC_ICR_TRIGGER    (1u << 15) /* level triggered */
#define APIC_SHORT_MASK	    (3u << 18)
#define APIC_SHORT_NONE	    (0u << 18)
#define APIC_SHORT_SELF	    (1u << 18)
#define APIC_SHORT_ALL	    (2u << 18)
#define APIC_SHORT_ALLBUT   (3u << 18)
#define APIC_LVT_MASKED	    (1u << 16)
#define APIC_LVT_TIMER_MODE (3u << 17)
#define APIC_TIMER_ONESHOT  (0u << 17)
#define APIC_TIMER_PERIODIC (1u << 17)
#define APIC_TIMER_DEADLINE (2u << 17)
/* ESR bits (SDM Figure 11-9, "Error Status Register") */
#define APIC_ESR_SEND_ILLEGAL (1u << 5)
#define APIC_ESR_RECV_ILLEGAL (1u << 6)
#define APIC_ESR_ILLEGAL_REG  (1u << 7)

enum lapic_mode {
	LAPIC_DISABLED, /* APIC_BASE.EN = 0: the APIC is off, its page is not decoded */
	LAPIC_XAPIC,
	LAPIC_X2APIC,
};

struct lapic;

struct lapic_ops {
	void *ctx;
	uint64_t (*now_ns)(void *ctx);	  /* a monotonic clock */
	uint64_t (*guest_tsc)(void *ctx); /* the guest's TSC, for TSC-deadline mode */
	/*
	 * An IPI the source APIC does not take itself: every other APIC checks
	 * `dest` (x2APIC: 32 bits; xAPIC: ICR2[31:24]) with lapic_accept_ipi.
	 * NULL: there are no other APICs.
	 */
	void (*send)(void *ctx, struct lapic *from, uint32_t icr, uint32_t dest);
};

struct lapic {
	struct lapic_ops ops;
	bool tsc_deadline_ok; /* CPUID.1:ECX.TSC_DEADLINE: timer mode 2 exists */
	enum lapic_mode mode;
	uint32_t id; /* the initial APIC ID; xAPIC shows it in bits 31:24 */
	uint32_t xapic_id;
	uint32_t tpr, svr, ldr, dfr, esr, esr_pending;
	uint32_t icr, icr2;
	uint32_t irr[8], isr[8], tmr[8];
	uint32_t lvt[APIC_LVT_COUNT]; /* LVTT, LVTTHMR, LVTPC, LVT0, LVT1, LVTERR */
	/* Timer */
	uint32_t tmict, tdcr;
	uint64_t timer_start; /* ns at the TMICT write (or the last period) */
	uint64_t timer_end;   /* ns when the count reaches 0; 0 = not running */
	uint64_t tsc_deadline;
	/* Events the vCPU layer takes (set by IPIs; no engine delivers them yet). */
	bool nmi_pending, init_pending, smi_pending;
	int sipi_vector;      /* -1: none */
	uint64_t timer_fires; /* for tests and --stats */
};

/* Power-on (SDM 11.4.7.1): xAPIC enabled by APIC_BASE, software-disabled by SVR. */
void lapic_init(struct lapic *l, uint32_t apic_id, bool tsc_deadline_ok,
		const struct lapic_ops *ops);

/*
 * RESET or INIT (init): xAPIC mode, registers at their power-on values; INIT
 * keeps the APIC ID (SDM 11.4.7.3). vx86 follows spec/cr.md §10.1 (KVM), where
 * INIT also rewrites APIC_BASE, so INIT from x2APIC mode comes back in xAPIC
 * mode, where SDM 11.12.5.1 keeps x2APIC mode.
 */
void lapic_reset(struct lapic *l, bool init);

/* APIC_BASE changed (already validated by msr_set_apic_base): enter the new mode. */
void lapic_set_base(struct lapic *l, uint64_t old_base, uint64_t new_base);

/* The page the xAPIC decodes, or false when it decodes none (disabled or x2APIC). */
bool lapic_mmio_claims(const struct lapic *l, uint64_t apic_base, uint64_t gpa);

/* An access at `offset` in the xAPIC page (SDM 11.4.1: 32-bit registers on 16-byte lines). */
uint64_t lapic_mmio_read(struct lapic *l, uint32_t offset, unsigned size);
void lapic_mmio_write(struct lapic *l, uint32_t offset, unsigned size, uint64_t value);

/* x2APIC MSRs (SDM 11.12.1.2): 0, or -1 where the access is #GP(0). */
int lapic_msr_read(struct lapic *l, uint32_t index, uint64_t *value);
int lapic_msr_write(struct lapic *l, uint32_t index, uint64_t value);

/* IA32_TSC_DEADLINE: reads 0 and ignores writes outside TSC-deadline mode. */
uint64_t lapic_tsc_deadline(const struct lapic *l);
void lapic_set_tsc_deadline(struct lapic *l, uint64_t value);

/* CR8 is TPR[7:4] (SDM 10.8.6.5). */
uint32_t lapic_tpr(const struct lapic *l);
void lapic_set_tpr(struct lapic *l, uint32_t tpr);

/* A fixed interrupt arrives (an IOAPIC message, an LVT, an IPI); `level`: trigger mode. */
void lapic_raise(struct lapic *l, uint8_t vector, bool level);

/* Does this APIC take an IPI for `dest` (physical or logical, SDM 11.6.2)? Then take it. */
bool lapic_accept_ipi(struct lapic *l, uint32_t icr, uint32_t dest);

/*
 * Bring the timer up to `now` (raising its LVT vector when it expired), then
 * give the highest IRR vector above PPR, or -1 (SDM 11.8.4).
 */
int lapic_pending(struct lapic *l);

/* INTA: the pending vector moves from IRR to ISR; returns it, or -1 if none is pending. */
int lapic_ack(struct lapic *l);

/*
 * When the timer next needs looking at: true with *ns (a now_ns time) for a
 * count, or with *tsc (a guest TSC) for a deadline; false when it is idle.
 */
bool lapic_next_event(const struct lapic *l, uint64_t *ns, uint64_t *tsc);

/* PPR (SDM 11.8.3.1). */
uint32_t lapic_ppr(const struct lapic *l);

#endif
