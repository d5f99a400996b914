/* SPDX-License-Identifier: MIT */
/*
 * The local APIC model (vcpu/lapic.c; SDM Vol. 3A ch. 11, spec/msr.md §6.2):
 * power-on state, the x2APIC MSR rules for all 256 MSRs, priorities and EOI,
 * CR8, the xAPIC page, the timer in its three modes on a hand-driven clock,
 * and the APIC through the MSR model (APIC_BASE, TSC_DEADLINE).
 */
#include "msr_test.h"
#include "vcpu/cr.h"
#include "vcpu/lapic.h"

#define BASE_XAPIC  0xfee00900ull /* EN | BSP */
#define BASE_X2APIC 0xfee00d00ull /* EN | EXTD | BSP */
#define BASE_OFF    0xfee00000ull
#define T0	    1000000ull /* the fake clock's start, ns */
#define TSC0	    5000000ull /* ... and the guest TSC's */

/* The fake clock: the tests move it by hand. */
struct clock {
	uint64_t ns, tsc;
};

static uint64_t clk_ns(void *ctx)
{
	return ((struct clock *)ctx)->ns;
}

static uint64_t clk_tsc(void *ctx)
{
	return ((struct clock *)ctx)->tsc;
}

struct rig {
	struct clock clk;
	struct lapic l;
};

static void rig_init(struct rig *r, uint32_t id, bool tsc_deadline_ok)
{
	struct lapic_ops ops = {&r->clk, clk_ns, clk_tsc, NULL};

	r->clk = (struct clock){T0, TSC0};
	lapic_init(&r->l, id, tsc_deadline_ok, &ops);
}

static uint32_t mmio_rd(struct lapic *l, uint32_t off)
{
	return (uint32_t)lapic_mmio_read(l, off, 4);
}

static void mmio_wr(struct lapic *l, uint32_t off, uint32_t val)
{
	lapic_mmio_write(l, off, 4, val);
}

/* SDM 11.5.3: a write to the ESR latches the errors seen since the last write. */
static uint32_t esr_latch(struct lapic *l)
{
	mmio_wr(l, APIC_REG_ESR, 0);
	return mmio_rd(l, APIC_REG_ESR);
}

/* SDM 11.4.7.2: SVR bit 8 set, spurious vector 0xFF. */
static void sw_enable(struct lapic *l)
{
	mmio_wr(l, APIC_REG_SVR, 0x1ff);
}

static void to_x2apic(struct lapic *l)
{
	lapic_set_base(l, BASE_XAPIC, BASE_X2APIC);
}

/* IRR/ISR/TMR bit of a vector, read through the xAPIC page (SDM Figure 11-20). */
static bool vec_bit(struct lapic *l, uint32_t reg, unsigned v)
{
	return mmio_rd(l, reg + (v / 32) * 0x10) & (1u << (v % 32));
}

/* ---- 1. power-on (SDM 11.4.7.1) ------------------------------------------------------- */

static void check_power_on(struct lapic *l, uint32_t id, const char *when)
{
	unsigned bad = 0;

	is_u64(mmio_rd(l, APIC_REG_ID), id << 24, "%s: ID holds the APIC ID in bits 31:24", when);
	is_u64(mmio_rd(l, APIC_REG_VER), 0x00050014, "%s: version 0x14, max LVT 5", when);
	is_u64(mmio_rd(l, APIC_REG_SVR), 0xff, "%s: SVR 0xFF (software-disabled)", when);
	is_u64(mmio_rd(l, APIC_REG_DFR), 0xffffffff, "%s: DFR all ones", when);
	for (unsigned i = 0; i < APIC_LVT_COUNT; i++)
		bad += mmio_rd(l, APIC_REG_LVTT + 0x10 * i) != APIC_LVT_MASKED;
	ok(bad == 0, "%s: all six LVT entries read 0x10000 (%u wrong)", when, bad);
	bad = 0;
	for (unsigned i = 0; i < 8; i++)
		bad += mmio_rd(l, APIC_REG_ISR + 0x10 * i) || mmio_rd(l, APIC_REG_TMR + 0x10 * i) ||
		       mmio_rd(l, APIC_REG_IRR + 0x10 * i);
	ok(bad == 0 && mmio_rd(l, APIC_REG_TPR) == 0 && lapic_ppr(l) == 0 &&
		   mmio_rd(l, APIC_REG_PPR) == 0 && mmio_rd(l, APIC_REG_LDR) == 0 &&
		   mmio_rd(l, APIC_REG_TMICT) == 0 && mmio_rd(l, APIC_REG_TMCCT) == 0 &&
		   mmio_rd(l, APIC_REG_TDCR) == 0 && mmio_rd(l, APIC_REG_ICR) == 0,
	   "%s: TPR, PPR, LDR, ICR, timer, IRR/ISR/TMR all 0", when);
}

static void test_power_on(void)
{
	struct rig r;
	uint64_t ns, tsc;

	rig_init(&r, 5, false);
	ok(r.l.mode == LAPIC_XAPIC && lapic_pending(&r.l) == -1 &&
		   !lapic_next_event(&r.l, &ns, &tsc),
	   "power-on: xAPIC mode, nothing pending, timer idle");
	check_power_on(&r.l, 5, "power-on");
	/* Dirty every group of registers, then RESET brings back the power-on values. */
	sw_enable(&r.l);
	mmio_wr(&r.l, APIC_REG_TPR, 0x20);
	mmio_wr(&r.l, APIC_REG_LVT0, 0x700);
	mmio_wr(&r.l, APIC_REG_TDCR, 0xb);
	mmio_wr(&r.l, APIC_REG_TMICT, 50);
	mmio_wr(&r.l, APIC_REG_LDR, 0x01000000);
	mmio_wr(&r.l, APIC_REG_ID, 0x09000000);
	lapic_raise(&r.l, 0x80, true);
	lapic_raise(&r.l, 0x90, false);
	lapic_ack(&r.l);
	lapic_reset(&r.l, false);
	check_power_on(&r.l, 5, "after lapic_reset");
}

/* ---- 2. x2APIC MSR rules (SDM 11.12.1.2, Table 11-6; spec/msr.md §6.2) --------------------- */

enum x2_access {
	X2_ABSENT,
	X2_RW,
	X2_RO,
	X2_WO,
};

/* SDM Table 11-6: the x2APIC MSRs vx86 has (version 0x14: no CMCI LVT). */
static enum x2_access x2_class(uint32_t msr)
{
	switch (msr) {
	case 0x802: /* ID */
	case 0x803: /* version */
	case 0x80a: /* PPR */
	case 0x80d: /* LDR */
	case 0x839: /* TMCCT */
		return X2_RO;
	case 0x808: /* TPR */
	case 0x80f: /* SVR */
	case 0x828: /* ESR */
	case 0x830: /* ICR, 64 bits */
	case 0x838: /* TMICT */
	case 0x83e: /* TDCR */
		return X2_RW;
	case 0x80b: /* EOI */
	case 0x83f: /* SELF_IPI */
		return X2_WO;
	}
	if (msr >= 0x832 && msr <= 0x837) /* LVT timer .. LVT error */
		return X2_RW;
	if (msr >= 0x810 && msr <= 0x827) /* ISR, TMR, IRR */
		return X2_RO;
	return X2_ABSENT; /* APR 0x809, RRD 0x80C, DFR 0x80E, CMCI 0x82F, ICR2 0x831, ... */
}

static void test_x2apic_rules(void)
{
	static const char *const names[] = {"absent", "RW", "RO", "WO"};
	unsigned bad_x = 0, bad_rd = 0, bad_wr = 0, bad_hi = 0;
	struct rig r;
	uint64_t v;

	/* SDM 11.12.1.2: outside x2APIC mode every x2APIC MSR access is #GP. */
	rig_init(&r, 0x23, true);
	for (uint32_t i = X2APIC_MSR_FIRST; i <= X2APIC_MSR_LAST; i++) {
		v = 0x1234;
		bad_x += lapic_msr_read(&r.l, i, &v) != -1 || v != 0;
		bad_x += lapic_msr_write(&r.l, i, 0) != -1;
	}
	ok(bad_x == 0, "xAPIC mode: all 256 x2APIC MSRs fault on read and write (%u wrong)", bad_x);

	/* In x2APIC mode: read iff RW/RO, write 0 iff RW/WO, bits 63:32 only in the ICR. */
	for (uint32_t i = X2APIC_MSR_FIRST; i <= X2APIC_MSR_LAST; i++) {
		enum x2_access a = x2_class(i);
		bool rd_ok = a == X2_RW || a == X2_RO, wr_ok = a == X2_RW || a == X2_WO;
		int got;

		rig_init(&r, 0x23, true);
		to_x2apic(&r.l);
		got = lapic_msr_read(&r.l, i, &v);
		if (got != (rd_ok ? 0 : -1) && ++bad_rd)
			printf("#   RDMSR 0x%x (%s): %d\n", i, names[a], got);
		got = lapic_msr_write(&r.l, i, 0);
		if (got != (wr_ok ? 0 : -1) && ++bad_wr)
			printf("#   WRMSR 0x%x = 0 (%s): %d\n", i, names[a], got);
		rig_init(&r, 0x23, true);
		to_x2apic(&r.l);
		got = lapic_msr_write(&r.l, i, BIT(32));
		if (got != (i == 0x830 ? 0 : -1) && ++bad_hi)
			printf("#   WRMSR 0x%x = 1 << 32: %d\n", i, got);
	}
	ok(bad_rd == 0, "x2APIC: RDMSR works on RW/RO registers only (%u wrong)", bad_rd);
	ok(bad_wr == 0, "x2APIC: WRMSR 0 works on RW/WO registers only (%u wrong)", bad_wr);
	ok(bad_hi == 0, "x2APIC: bits 63:32 set fault except in the ICR (%u wrong)", bad_hi);

	rig_init(&r, 0x23, true);
	ok(lapic_msr_read(&r.l, 0x7ff, &v) == -1 && lapic_msr_write(&r.l, 0x900, 0) == -1,
	   "indexes outside 0x800-0x8FF are not the APIC's");
	to_x2apic(&r.l);
	ok(lapic_msr_read(&r.l, 0x80f, &v) == 0 && v == 0xff, "x2APIC: SVR 0x80F reads 0xFF");
	ok(lapic_msr_write(&r.l, 0x80f, 0x1ff) == 0 && lapic_msr_read(&r.l, 0x80f, &v) == 0 &&
		   v == 0x1ff,
	   "x2APIC: SVR 0x80F is read-write");
	/* SDM Table 11-6 notes: EOI and ESR take only 0; SELF_IPI bits 31:8 are reserved. */
	ok(lapic_msr_write(&r.l, 0x80b, 1) == -1 && lapic_msr_write(&r.l, 0x828, 1) == -1 &&
		   lapic_msr_write(&r.l, 0x80b, 0) == 0 && lapic_msr_write(&r.l, 0x828, 0) == 0,
	   "x2APIC: EOI and ESR fault on a non-zero write, take 0");
	ok(lapic_msr_write(&r.l, 0x83f, 0x100) == -1 && lapic_pending(&r.l) == -1 &&
		   lapic_msr_write(&r.l, 0x83f, 0x41) == 0 && lapic_pending(&r.l) == 0x41,
	   "x2APIC: SELF_IPI faults with bits 31:8 set, vector 0x41 becomes pending");
	/* SDM 11.12.5.1, 11.12.10.2: 32-bit ID; LDR = cluster (id[19:4]) << 16 | 1 << id[3:0]. */
	ok(lapic_msr_read(&r.l, 0x802, &v) == 0 && v == 0x23, "x2APIC ID 0x802 reads 0x23");
	ok(lapic_msr_read(&r.l, 0x80d, &v) == 0 && v == 0x20008, "x2APIC LDR of 0x23 is 0x20008");
	rig_init(&r, 0x12345, true);
	to_x2apic(&r.l);
	ok(lapic_msr_read(&r.l, 0x802, &v) == 0 && v == 0x12345 &&
		   lapic_msr_read(&r.l, 0x80d, &v) == 0 && v == 0x12340020,
	   "x2APIC ID 0x12345: ID reads all 32 bits, LDR 0x12340020");
	/* SDM 11.12.9: the x2APIC ICR is one 64-bit register, destination in bits 63:32. */
	lapic_msr_write(&r.l, 0x80f, 0x1ff);
	ok(lapic_msr_write(&r.l, 0x830, 0x12345ull << 32 | 0x4051) == 0 &&
		   lapic_msr_read(&r.l, 0x830, &v) == 0 && v == (0x12345ull << 32 | 0x4051) &&
		   lapic_pending(&r.l) == 0x51,
	   "x2APIC ICR: 64 bits read back, a fixed IPI to its own ID is taken");
}

/* ---- 3. priorities, IRR/ISR, EOI, errors (SDM 11.5.3, 11.8) ----------------------------- */

static void test_priorities(void)
{
	struct rig r;

	rig_init(&r, 0, false);
	sw_enable(&r.l);
	/* SDM 11.8.4: only a vector whose class is above PPR[7:4] is delivered. */
	lapic_raise(&r.l, 0x55, false);
	lapic_set_tpr(&r.l, 0x50);
	ok(lapic_pending(&r.l) == -1 && vec_bit(&r.l, APIC_REG_IRR, 0x55),
	   "TPR 0x50 holds back 0x55 (same class); it stays in IRR");
	lapic_raise(&r.l, 0x61, false);
	is_u64(lapic_pending(&r.l), 0x61, "TPR 0x50 lets 0x61 through");
	lapic_set_tpr(&r.l, 0x40);
	is_u64(lapic_pending(&r.l), 0x61, "the highest IRR vector wins over 0x55");
	/* INTA: IRR -> ISR; SDM 11.8.3.1: PPR = ISRV[7:4]:0 when that is above TPR[7:4]. */
	ok(lapic_ack(&r.l) == 0x61 && !vec_bit(&r.l, APIC_REG_IRR, 0x61) &&
		   vec_bit(&r.l, APIC_REG_ISR, 0x61),
	   "ack moves 0x61 from IRR to ISR");
	is_u64(mmio_rd(&r.l, APIC_REG_PPR), 0x60, "PPR follows ISR: 0x60 over TPR 0x40");
	ok(lapic_pending(&r.l) == -1, "0x55 is below the in-service class");
	lapic_set_tpr(&r.l, 0x7a);
	is_u64(lapic_ppr(&r.l), 0x7a, "PPR is all of TPR when TPR[7:4] >= ISRV[7:4]");
	lapic_set_tpr(&r.l, 0x40);
	lapic_raise(&r.l, 0x70, false);
	ok(lapic_ack(&r.l) == 0x70 && lapic_ppr(&r.l) == 0x70, "0x70 nests over 0x61");
	/* SDM 11.8.5: EOI retires the highest ISR bit. */
	mmio_wr(&r.l, APIC_REG_EOI, 0);
	ok(!vec_bit(&r.l, APIC_REG_ISR, 0x70) && vec_bit(&r.l, APIC_REG_ISR, 0x61) &&
		   lapic_ppr(&r.l) == 0x60,
	   "EOI clears 0x70 and leaves 0x61 in service");
	mmio_wr(&r.l, APIC_REG_EOI, 0);
	ok(mmio_rd(&r.l, APIC_REG_ISR + 0x30) == 0 && lapic_ppr(&r.l) == 0x40 &&
		   lapic_pending(&r.l) == 0x55,
	   "second EOI: ISR empty, PPR = TPR 0x40, 0x55 now deliverable");
	ok(lapic_ack(&r.l) == 0x55 && lapic_ack(&r.l) == -1, "ack with nothing left gives -1");

	/* SDM 11.8.4: a level-triggered acceptance sets TMR, an edge one clears it. */
	lapic_raise(&r.l, 0x90, true);
	lapic_raise(&r.l, 0x91, false);
	ok(vec_bit(&r.l, APIC_REG_TMR, 0x90) && !vec_bit(&r.l, APIC_REG_TMR, 0x91),
	   "level-triggered 0x90 sets TMR, edge 0x91 does not");
	{
		/* SDM 11.8.4: TMR changes when an interrupt is accepted, not at its EOI. */
		lapic_ack(&r.l); /* 0x91 */
		mmio_wr(&r.l, APIC_REG_EOI, 0);
		ok(lapic_ack(&r.l) == 0x90, "level-triggered 0x90 taken");
		mmio_wr(&r.l, APIC_REG_EOI, 0);
		ok(vec_bit(&r.l, APIC_REG_TMR, 0x90), "TMR bit of 0x90 survives its EOI");
	}
}

static void test_errors_and_disable(void)
{
	struct rig r;

	rig_init(&r, 0, false);
	sw_enable(&r.l);
	/* SDM 11.5.3: vectors 0-15 are illegal; ESR shows it after the next ESR write. */
	lapic_raise(&r.l, 5, false);
	ok(mmio_rd(&r.l, APIC_REG_IRR) == 0 && lapic_pending(&r.l) == -1,
	   "vector 5 never reaches the IRR");
	is_u64(mmio_rd(&r.l, APIC_REG_ESR), 0, "ESR reads 0 before it is written");
	is_u64(esr_latch(&r.l), APIC_ESR_RECV_ILLEGAL, "ESR write latches receive-illegal (bit 6)");
	is_u64(esr_latch(&r.l), 0, "a second ESR write clears it");
	/* SDM 11.5.3: an error interrupts through LVT error when it is unmasked. */
	mmio_wr(&r.l, APIC_REG_LVTERR, 0xe0);
	lapic_raise(&r.l, 3, false);
	is_u64(lapic_pending(&r.l), 0xe0, "an illegal vector raises LVT error's vector 0xE0");

	/* SDM 11.4.7.2: software-disabled: no fixed interrupts, every LVT masked. */
	rig_init(&r, 0, false);
	lapic_raise(&r.l, 0x40, false);
	ok(lapic_pending(&r.l) == -1 && !vec_bit(&r.l, APIC_REG_IRR, 0x40),
	   "software-disabled (SVR 0xFF) drops fixed interrupt 0x40");
	mmio_wr(&r.l, APIC_REG_LVT0, 0x30);
	is_u64(mmio_rd(&r.l, APIC_REG_LVT0), 0x10030, "software-disabled: LVT0 write stays masked");
	sw_enable(&r.l);
	mmio_wr(&r.l, APIC_REG_LVTT, 0x30);
	mmio_wr(&r.l, APIC_REG_LVT1, 0x31);
	ok(mmio_rd(&r.l, APIC_REG_LVTT) == 0x30 && mmio_rd(&r.l, APIC_REG_LVT1) == 0x31,
	   "enabled: LVT entries unmask");
	mmio_wr(&r.l, APIC_REG_SVR, 0xff);
	ok(mmio_rd(&r.l, APIC_REG_LVTT) == 0x10030 && mmio_rd(&r.l, APIC_REG_LVT1) == 0x10031,
	   "clearing SVR bit 8 masks every LVT entry");
	lapic_raise(&r.l, 0x40, false);
	is_u64(lapic_pending(&r.l), -1, "and fixed interrupts are dropped again");
}

/* ---- 4. CR8 is TPR[7:4] (SDM 10.8.6.5 / 11.8.6.5) ----------------------------------------- */

static void test_cr8(void)
{
	struct fixture f;
	struct rig r;

	fx_init(&f, CPU_VENDOR_INTEL);
	rig_init(&r, 0, false);
	f.m.apic = &r.l;
	ok(cr_set_cr8(&f.m, 7) == CR_OK, "MOV CR8 = 7 is accepted");
	is_u64(lapic_tpr(&r.l), 0x70, "CR8 7 writes TPR 0x70");
	lapic_set_tpr(&r.l, 0x9f);
	is_u64(cr_get_cr8(&f.m), 9, "TPR 0x9F reads as CR8 9");
	mmio_wr(&r.l, APIC_REG_TPR, 0x35);
	is_u64(cr_get_cr8(&f.m), 3, "an MMIO TPR write shows in CR8");
	ok(cr_set_cr8(&f.m, 0x10) == CR_GP && lapic_tpr(&r.l) == 0x35,
	   "CR8 0x10 is #GP, TPR unchanged");
	ok(cr_set_cr8(&f.m, 9) == CR_OK && lapic_tpr(&r.l) == 0x90, "a CR8 write clears TPR[3:0]");
}

/* ---- 5. the xAPIC page (SDM 11.4.1, Table 11-1) ------------------------------------------ */

static void test_mmio(void)
{
	struct rig r;

	rig_init(&r, 0x5a, false);
	mmio_wr(&r.l, APIC_REG_TPR, 0x12345678);
	is_u64(mmio_rd(&r.l, APIC_REG_TPR), 0x78, "TPR keeps bits 7:0");
	mmio_wr(&r.l, APIC_REG_ID, 0x0a123456);
	is_u64(mmio_rd(&r.l, APIC_REG_ID), 0x0a000000, "ID write changes bits 31:24 only");
	mmio_wr(&r.l, APIC_REG_ID, 0x5a000000);
	mmio_wr(&r.l, APIC_REG_VER, 0);
	is_u64(mmio_rd(&r.l, APIC_REG_VER), 0x00050014, "version is read-only");
	mmio_wr(&r.l, APIC_REG_LDR, 0xffffffff);
	is_u64(mmio_rd(&r.l, APIC_REG_LDR), 0xff000000, "LDR keeps bits 31:24");
	mmio_wr(&r.l, APIC_REG_DFR, 0);
	is_u64(mmio_rd(&r.l, APIC_REG_DFR), 0x0fffffff, "DFR: bits 27:0 read 1 (cluster model 0)");
	mmio_wr(&r.l, APIC_REG_SVR, 0xffffffff);
	is_u64(mmio_rd(&r.l, APIC_REG_SVR), 0x3ff, "SVR keeps vector, enable, focus (no bit 12)");
	mmio_wr(&r.l, APIC_REG_ICR2, 0xffffffff);
	is_u64(mmio_rd(&r.l, APIC_REG_ICR2), 0xff000000, "ICR2 keeps the destination, 31:24");
	is_u64(esr_latch(&r.l), 0, "no error from accesses to existing registers");

	/* SDM 11.6.1: fixed, vector 0x40, shorthand self (TPR 0 lets it through). */
	mmio_wr(&r.l, APIC_REG_TPR, 0);
	mmio_wr(&r.l, APIC_REG_ICR, 0x40040);
	ok(lapic_pending(&r.l) == 0x40 && mmio_rd(&r.l, APIC_REG_ICR) == 0x40040,
	   "ICR 0x40040 (self, fixed 0x40): 0x40 pending, ICR reads back, idle");
	mmio_wr(&r.l, APIC_REG_ICR, 0x40005);
	is_u64(esr_latch(&r.l), APIC_ESR_SEND_ILLEGAL, "ICR with vector 5: send-illegal (bit 5)");
	{
		/* SDM 11.6.1: delivery status (bit 12) is read-only. */
		mmio_wr(&r.l, APIC_REG_ICR, 0x40041 | APIC_ICR_BUSY);
		is_u64(mmio_rd(&r.l, APIC_REG_ICR) & APIC_ICR_BUSY, 0,
		       "ICR bit 12 (delivery status) reads 0 even when written as 1");
	}

	/* SDM 11.5.3: a reserved register sets ESR bit 7 and reads 0. */
	is_u64(mmio_rd(&r.l, 0x040), 0, "reserved offset 0x040 reads 0");
	is_u64(esr_latch(&r.l), APIC_ESR_ILLEGAL_REG, "... and sets illegal-register (bit 7)");
	is_u64(mmio_rd(&r.l, APIC_REG_SELF_IPI), 0, "SELF_IPI offset 0x3F0 reads 0 in xAPIC");
	is_u64(esr_latch(&r.l), APIC_ESR_ILLEGAL_REG, "... it does not exist there");
	/* SDM 11.4.1: each register is the first 4 bytes of its 16-byte line. */
	ok(mmio_rd(&r.l, APIC_REG_VER + 4) == 0 && mmio_rd(&r.l, APIC_REG_VER + 8) == 0 &&
		   mmio_rd(&r.l, APIC_REG_VER + 12) == 0 && esr_latch(&r.l) == 0,
	   "bytes 4..15 of the version line read 0, no error");
	ok(lapic_mmio_read(&r.l, 0x21, 1) == 0 && lapic_mmio_read(&r.l, 0x23, 1) == 0x5a,
	   "1-byte ID reads: byte 1 is 0, byte 3 is the ID 0x5A");
	ok(lapic_mmio_read(&r.l, 0x30, 1) == 0x14 && lapic_mmio_read(&r.l, 0x32, 2) == 0x0005,
	   "narrow version reads: byte 0 is 0x14, bytes 2-3 are 0x0005");
	lapic_mmio_write(&r.l, APIC_REG_TPR, 1, 0x2c);
	is_u64(mmio_rd(&r.l, APIC_REG_TPR), 0x2c, "a 1-byte TPR write");

	/* The page is decoded in xAPIC mode only (SDM 11.4.4, 11.12.2). */
	ok(lapic_mmio_claims(&r.l, BASE_XAPIC, 0xfee00080) &&
		   !lapic_mmio_claims(&r.l, BASE_XAPIC, 0xfee01000) &&
		   !lapic_mmio_claims(&r.l, BASE_XAPIC, 0xfedff000),
	   "xAPIC: the page at APIC_BASE, and only it, is the APIC's");
	to_x2apic(&r.l);
	ok(!lapic_mmio_claims(&r.l, BASE_X2APIC, 0xfee00080), "x2APIC: the page is not decoded");
}

/* ---- 6. the timer (SDM 11.5.4, 11.5.4.1) -------------------------------------------------- */

/* Enabled, divide by 1, LVT timer `lvtt`, initial count `count` at the present time. */
static void timer_arm(struct rig *r, uint32_t lvtt, uint32_t tdcr, uint32_t count)
{
	sw_enable(&r->l);
	mmio_wr(&r->l, APIC_REG_TDCR, tdcr);
	mmio_wr(&r->l, APIC_REG_LVTT, lvtt);
	mmio_wr(&r->l, APIC_REG_TMICT, count);
}

/* Take the pending vector and EOI it; returns the vector or -1. */
static int service(struct lapic *l)
{
	int v = lapic_ack(l);

	if (v >= 0)
		mmio_wr(l, APIC_REG_EOI, 0);
	return v;
}

static void test_timer_count(void)
{
	/* SDM Figure 11-10: TDCR bits 3,1:0 -> divisor. */
	static const struct {
		uint32_t tdcr, div;
	} divs[] = {{0x0, 2},  {0x1, 4},  {0x2, 8},   {0x3, 16},
		    {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1}};
	struct rig r;
	uint64_t ns, tsc;
	unsigned bad = 0;

	rig_init(&r, 0, false);
	timer_arm(&r, 0x30, 0xb, 1000);
	is_u64(mmio_rd(&r.l, APIC_REG_TMCCT), 1000, "one-shot: TMCCT starts at TMICT");
	ok(lapic_next_event(&r.l, &ns, &tsc) && ns == T0 + 1000 && tsc == 0,
	   "lapic_next_event: the count ends at T0 + 1000 ns");
	r.clk.ns += 400;
	is_u64(mmio_rd(&r.l, APIC_REG_TMCCT), 600, "TMCCT 600 after 400 ns (divide by 1)");
	r.clk.ns += 599;
	ok(lapic_pending(&r.l) == -1 && r.l.timer_fires == 0, "not fired at 999 ns");
	r.clk.ns += 1;
	ok(lapic_pending(&r.l) == 0x30 && r.l.timer_fires == 1, "fires vector 0x30 at 1000 ns");
	is_u64(mmio_rd(&r.l, APIC_REG_TMCCT), 0, "one-shot: TMCCT stays 0 after firing");
	service(&r.l);
	r.clk.ns += 5000;
	ok(lapic_pending(&r.l) == -1 && r.l.timer_fires == 1 && !lapic_next_event(&r.l, &ns, &tsc),
	   "one-shot: no second fire, timer idle");
	mmio_wr(&r.l, APIC_REG_TMICT, 0);
	ok(!lapic_next_event(&r.l, &ns, &tsc), "TMICT 0 leaves the timer stopped");

	/* Divide by 2 doubles the period. */
	rig_init(&r, 0, false);
	timer_arm(&r, 0x30, 0x0, 1000);
	r.clk.ns += 1000;
	is_u64(mmio_rd(&r.l, APIC_REG_TMCCT), 500, "divide by 2: TMCCT 500 after 1000 ns");
	r.clk.ns += 999;
	is_u64(lapic_pending(&r.l), -1, "divide by 2: not fired at 1999 ns");
	r.clk.ns += 1;
	is_u64(lapic_pending(&r.l), 0x30, "divide by 2: fires at 2000 ns");

	for (unsigned i = 0; i < sizeof(divs) / sizeof(divs[0]); i++) {
		rig_init(&r, 0, false);
		timer_arm(&r, 0x30, divs[i].tdcr, 10);
		if (!lapic_next_event(&r.l, &ns, &tsc) || ns != T0 + 10ull * divs[i].div) {
			printf("#   TDCR 0x%x: deadline %" PRIu64 ", want %u\n", divs[i].tdcr,
			       (uint64_t)(ns - T0), 10 * divs[i].div);
			bad++;
		}
	}
	ok(bad == 0, "each of the 8 TDCR encodings gives its divisor (%u wrong)", bad);
	mmio_wr(&r.l, APIC_REG_TDCR, 0xffffffff);
	is_u64(mmio_rd(&r.l, APIC_REG_TDCR), 0xb, "TDCR keeps bits 3, 1:0");

	/* Periodic: reloads from TMICT and fires again each period. */
	rig_init(&r, 0, false);
	timer_arm(&r, 0x20030, 0xb, 100);
	r.clk.ns += 100;
	ok(service(&r.l) == 0x30 && r.l.timer_fires == 1, "periodic: first fire at 100 ns");
	r.clk.ns += 50;
	is_u64(mmio_rd(&r.l, APIC_REG_TMCCT), 50, "periodic: reloaded, TMCCT 50 halfway");
	ok(lapic_next_event(&r.l, &ns, &tsc) && ns == T0 + 200, "periodic: next event at 200 ns");
	r.clk.ns += 50;
	ok(service(&r.l) == 0x30 && r.l.timer_fires == 2, "periodic: fires again at 200 ns");
	r.clk.ns += 100;
	ok(service(&r.l) == 0x30 && r.l.timer_fires == 3, "periodic: and at 300 ns");

	/* Masked: the count runs out but nothing is raised. */
	rig_init(&r, 0, false);
	timer_arm(&r, 0x10030, 0xb, 100);
	ok(!lapic_next_event(&r.l, &ns, &tsc), "masked timer: nothing to wake for");
	r.clk.ns += 100;
	ok(lapic_pending(&r.l) == -1 && r.l.timer_fires == 1 &&
		   mmio_rd(&r.l, APIC_REG_IRR + 0x10) == 0,
	   "masked timer: expires (timer_fires 1), no IRR bit");
}

static void test_timer_deadline(void)
{
	struct rig r;
	uint64_t ns, tsc;

	rig_init(&r, 0, true);
	timer_arm(&r, 0x40030, 0xb, 0);
	is_u64(mmio_rd(&r.l, APIC_REG_LVTT), 0x40030, "TSC-deadline mode bits 18:17 = 10b kept");
	lapic_set_tsc_deadline(&r.l, TSC0 + 500);
	is_u64(lapic_tsc_deadline(&r.l), TSC0 + 500, "IA32_TSC_DEADLINE reads back");
	ok(lapic_next_event(&r.l, &ns, &tsc) && tsc == TSC0 + 500 && ns == 0,
	   "lapic_next_event reports the TSC deadline");
	/* SDM 11.5.4.1: TMICT writes are ignored, TMCCT reads 0. */
	mmio_wr(&r.l, APIC_REG_TMICT, 1000);
	ok(mmio_rd(&r.l, APIC_REG_TMICT) == 0 && mmio_rd(&r.l, APIC_REG_TMCCT) == 0,
	   "deadline mode: TMICT write ignored, TMCCT 0");
	r.clk.tsc += 499;
	r.clk.ns += 100000;
	ok(lapic_pending(&r.l) == -1 && r.l.timer_fires == 0, "not fired 1 cycle early");
	r.clk.tsc += 1;
	ok(lapic_pending(&r.l) == 0x30 && r.l.timer_fires == 1, "fires when TSC >= deadline");
	is_u64(lapic_tsc_deadline(&r.l), 0, "the deadline MSR reads 0 once it fired");
	service(&r.l);
	lapic_set_tsc_deadline(&r.l, r.clk.tsc - 1);
	ok(lapic_pending(&r.l) == 0x30 && r.l.timer_fires == 2,
	   "a deadline in the past fires at once");
	service(&r.l);
	lapic_set_tsc_deadline(&r.l, r.clk.tsc + 10);
	lapic_set_tsc_deadline(&r.l, 0);
	r.clk.tsc += 100;
	ok(lapic_pending(&r.l) == -1 && r.l.timer_fires == 2, "writing 0 disarms");

	/* Switching out of deadline mode disarms; the deadline does not come back. */
	lapic_set_tsc_deadline(&r.l, r.clk.tsc + 100);
	mmio_wr(&r.l, APIC_REG_LVTT, 0x30);
	is_u64(lapic_tsc_deadline(&r.l), 0, "one-shot mode: TSC_DEADLINE reads 0");
	r.clk.tsc += 200;
	mmio_wr(&r.l, APIC_REG_LVTT, 0x40030);
	ok(lapic_pending(&r.l) == -1 && r.l.timer_fires == 2 && lapic_tsc_deadline(&r.l) == 0,
	   "leaving deadline mode disarmed it");
	/* ... and switching into it stops a running count. */
	mmio_wr(&r.l, APIC_REG_LVTT, 0x30);
	mmio_wr(&r.l, APIC_REG_TMICT, 1000);
	mmio_wr(&r.l, APIC_REG_LVTT, 0x40030);
	r.clk.ns += 2000;
	ok(lapic_pending(&r.l) == -1 && mmio_rd(&r.l, APIC_REG_TMICT) == 0,
	   "entering deadline mode disarms a running count");
	/* Outside deadline mode writes to the MSR are dropped. */
	mmio_wr(&r.l, APIC_REG_LVTT, 0x30);
	lapic_set_tsc_deadline(&r.l, r.clk.tsc + 5);
	is_u64(lapic_tsc_deadline(&r.l), 0, "one-shot mode: a deadline write is ignored");
	mmio_wr(&r.l, APIC_REG_LVTT, 0x40030);
	r.clk.tsc += 10;
	ok(lapic_tsc_deadline(&r.l) == 0 && lapic_pending(&r.l) == -1,
	   "... and was not kept for later");

	/* Without CPUID.1:ECX.TSC_DEADLINE, bit 18 is reserved. */
	rig_init(&r, 0, false);
	timer_arm(&r, 0x40030, 0xb, 0);
	is_u64(mmio_rd(&r.l, APIC_REG_LVTT), 0x30, "no tsc_deadline: LVTT bit 18 dropped");
	lapic_set_tsc_deadline(&r.l, TSC0 + 5);
	is_u64(lapic_tsc_deadline(&r.l), 0, "no tsc_deadline: deadline MSR stays 0");
}

/* ---- 7. through the MSR model (spec/msr.md §6.2, §6.12) ---------------------------------- */

static void test_msr_model(void)
{
	struct fixture f;
	struct rig r;
	uint64_t v;
	unsigned bad = 0;

	fx_init(&f, CPU_VENDOR_INTEL);
	rig_init(&r, 0x23, true);
	f.m.apic = &r.l;
	is_u64(f.st.msr.apic_base, BASE_XAPIC, "RESET: APIC_BASE 0xFEE00900 (BSP, EN)");
	ok(rd(&f, 0x802, GUEST, &v) == MSR_FAULT, "xAPIC: RDMSR 0x802 is #GP");
	ok(wr(&f, MSR_IA32_APIC_BASE, BASE_X2APIC, GUEST) == MSR_OK && r.l.mode == LAPIC_X2APIC,
	   "guest APIC_BASE 0xFEE00D00 enters x2APIC mode");
	ok(rd(&f, 0x802, GUEST, &v) == MSR_OK && v == 0x23, "x2APIC: RDMSR 0x802 reads ID 0x23");
	ok(wr(&f, 0x808, 0x40, GUEST) == MSR_OK && cr_get_cr8(&f.m) == 4,
	   "x2APIC TPR 0x808 = 0x40 reads as CR8 4");
	ok(wr(&f, 0x808, BIT(32), GUEST) == MSR_FAULT, "x2APIC TPR with bit 32 is #GP");
	/* §6.2: x2APIC -> xAPIC is the guest's illegal transition. */
	ok(wr(&f, MSR_IA32_APIC_BASE, BASE_XAPIC, GUEST) == MSR_FAULT && r.l.mode == LAPIC_X2APIC &&
		   f.st.msr.apic_base == BASE_X2APIC,
	   "guest x2APIC -> xAPIC: #GP, still x2APIC");
	/* SDM 11.4.3: EN=0 is the power-up state again. */
	wr(&f, 0x80f, 0x1ff, GUEST);
	ok(wr(&f, MSR_IA32_APIC_BASE, BASE_OFF, GUEST) == MSR_OK && r.l.mode == LAPIC_DISABLED,
	   "guest x2APIC -> disabled (0xFEE00000)");
	ok(lapic_tpr(&r.l) == 0 && r.l.svr == 0xff && rd(&f, 0x808, GUEST, &v) == MSR_FAULT,
	   "disabled: TPR 0, SVR 0xFF, x2APIC MSRs #GP");
	lapic_raise(&r.l, 0x40, false);
	ok(lapic_pending(&r.l) == -1, "disabled: takes no interrupts");
	ok(wr(&f, MSR_IA32_APIC_BASE, BASE_XAPIC, GUEST) == MSR_OK && r.l.mode == LAPIC_XAPIC &&
		   mmio_rd(&r.l, APIC_REG_ID) == 0x23000000 && mmio_rd(&r.l, APIC_REG_SVR) == 0xff,
	   "disabled -> xAPIC: power-up registers, ID 0x23 in bits 31:24");
	/* The host may go x2APIC -> xAPIC directly (KVM_SET_SREGS, migration). */
	wr(&f, MSR_IA32_APIC_BASE, BASE_X2APIC, GUEST);
	ok(wr(&f, MSR_IA32_APIC_BASE, BASE_XAPIC, HOST) == MSR_OK && r.l.mode == LAPIC_XAPIC &&
		   mmio_rd(&r.l, APIC_REG_ID) == 0x23000000 && mmio_rd(&r.l, APIC_REG_LDR) == 0,
	   "host x2APIC -> xAPIC: xAPIC ID back in bits 31:24, LDR 0");

	/* §6.12: IA32_TSC_DEADLINE is the APIC's; 0 outside deadline mode. */
	sw_enable(&r.l);
	ok(wr(&f, MSR_IA32_TSC_DEADLINE, TSC0 + 7, GUEST) == MSR_OK &&
		   rd(&f, MSR_IA32_TSC_DEADLINE, GUEST, &v) == MSR_OK && v == 0,
	   "TSC_DEADLINE outside deadline mode: write dropped, reads 0");
	mmio_wr(&r.l, APIC_REG_LVTT, 0x40030);
	ok(wr(&f, MSR_IA32_TSC_DEADLINE, TSC0 + 7, GUEST) == MSR_OK &&
		   rd(&f, MSR_IA32_TSC_DEADLINE, GUEST, &v) == MSR_OK && v == TSC0 + 7,
	   "TSC_DEADLINE in deadline mode reads back");

	/* RESET (SDM 11.4.7.1): xAPIC mode, power-on registers. */
	wr(&f, MSR_IA32_APIC_BASE, BASE_X2APIC, GUEST);
	wr(&f, 0x808, 0x30, GUEST);
	vcpu_reset(&f.m, false, true);
	ok(r.l.mode == LAPIC_XAPIC && f.st.msr.apic_base == BASE_XAPIC && lapic_tpr(&r.l) == 0,
	   "vcpu_reset (RESET) from x2APIC: xAPIC, TPR 0");
	{
		/* SDM 11.4.7.3: INIT leaves the APIC ID register alone. */
		mmio_wr(&r.l, APIC_REG_ID, 0x07000000);
		vcpu_reset(&f.m, true, true);
		is_u64(mmio_rd(&r.l, APIC_REG_ID), 0x07000000, "INIT keeps a written xAPIC ID");
		/*
		 * spec/cr.md §10.1 (KVM): INIT rewrites APIC_BASE, so x2APIC mode ends
		 * (SDM 11.12.5.1 would keep it; lapic.h says vx86 follows the spec).
		 */
		wr(&f, MSR_IA32_APIC_BASE, BASE_X2APIC, GUEST);
		vcpu_reset(&f.m, true, true);
		ok(r.l.mode == LAPIC_XAPIC && f.st.msr.apic_base == BASE_XAPIC,
		   "INIT in x2APIC mode: APIC_BASE and the APIC back to xAPIC (spec/cr.md §10.1)");
	}

	/* Without an APIC the x2APIC MSRs do not exist. */
	fx_init(&f, CPU_VENDOR_INTEL);
	wr(&f, MSR_IA32_APIC_BASE, BASE_X2APIC, GUEST);
	for (uint32_t i = X2APIC_MSR_FIRST; i <= X2APIC_MSR_LAST; i++)
		bad += rd(&f, i, GUEST, &v) != MSR_UNSUPPORTED || v != 0 ||
		       wr(&f, i, 0, GUEST) != MSR_UNSUPPORTED ||
		       rd(&f, i, HOST, &v) != MSR_UNSUPPORTED;
	ok(bad == 0, "model.apic NULL: 0x800-0x8FF are MSR_UNSUPPORTED (%u wrong)", bad);
	ok(cr_set_cr8(&f.m, 5) == CR_OK && cr_get_cr8(&f.m) == 5,
	   "model.apic NULL: CR8 is a plain register");
}

int main(void)
{
	test_power_on();
	test_x2apic_rules();
	test_priorities();
	test_errors_and_disable();
	test_cr8();
	test_mmio();
	test_timer_count();
	test_timer_deadline();
	test_msr_model();
	return tap_done();
}
