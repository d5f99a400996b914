/* SPDX-License-Identifier: MIT */
/*
 * The local APIC (lapic.h; SDM Vol. 3A ch. 11). One register file serves both
 * interfaces: reg_read/reg_write take an xAPIC offset and say whether the
 * register exists in the current mode; the MMIO and MSR entry points turn
 * "does not exist" into what each interface does with it (xAPIC: ESR's
 * illegal-register bit; x2APIC: #GP).
 */
#include "lapic.h"

#include <string.h>

#define LVT_TIMER 0
#define LVT_ERROR 5

/* The writable bits of each LVT entry (SDM Figure 11-8); delivery status is read-only. */
static const uint32_t lvt_writable[APIC_LVT_COUNT] = {
	APIC_LVT_MASKED | APIC_LVT_TIMER_MODE | APIC_VECTOR_MASK, /* timer */
	APIC_LVT_MASKED | APIC_DM_MASK | APIC_VECTOR_MASK,	  /* thermal */
	APIC_LVT_MASKED | APIC_DM_MASK | APIC_VECTOR_MASK,	  /* performance counters */
	APIC_LVT_MASKED | (1u << 15) | (1u << 13) | APIC_DM_MASK | APIC_VECTOR_MASK, /* LINT0 */
	APIC_LVT_MASKED | (1u << 15) | (1u << 13) | APIC_DM_MASK | APIC_VECTOR_MASK, /* LINT1 */
	APIC_LVT_MASKED | APIC_VECTOR_MASK,					     /* error */
};

/* SVR: vector, APIC enable, focus-processor checking; no EOI-broadcast suppression. */
#define SVR_WRITABLE 0x3ffu
/* ICR low: everything but delivery status and the reserved bits 13, 16-17 and 20-31. */
#define ICR_WRITABLE 0x000ccfffu

/* ---- bit vectors ------------------------------------------------------------ */

static void vec_set(uint32_t *v, unsigned n)
{
	v[n / 32] |= 1u << (n % 32);
}

static void vec_clear(uint32_t *v, unsigned n)
{
	v[n / 32] &= ~(1u << (n % 32));
}

/* The highest set bit, or -1. */
static int vec_highest(const uint32_t *v)
{
	for (int i = 7; i >= 0; i--)
		if (v[i])
			return i * 32 + 31 - __builtin_clz(v[i]);
	return -1;
}

/* ---- state ---------------------------------------------------------------- */

static bool sw_enabled(const struct lapic *l)
{
	return l->svr & APIC_SVR_ENABLE;
}

/* x2APIC's logical ID is derived from the x2APIC ID (SDM 11.12.10.2). */
static uint32_t x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* SDM 11.4.7.1: the state after power-up or RESET; INIT (11.4.7.3) keeps the ID. */
static void lapic_reset_regs(struct lapic *l, bool init)
{
	if (!init)
		l->xapic_id = l->id << 24;
	l->tpr = l->ldr = l->esr = l->esr_pending = l->icr = l->icr2 = 0;
	l->svr = 0xff;
	l->dfr = 0xffffffffu;
	memset(l->irr, 0, sizeof(l->irr));
	memset(l->isr, 0, sizeof(l->isr));
	memset(l->tmr, 0, sizeof(l->tmr));
	for (unsigned i = 0; i < APIC_LVT_COUNT; i++)
		l->lvt[i] = APIC_LVT_MASKED;
	l->tmict = l->tdcr = 0;
	l->timer_start = l->timer_end = l->tsc_deadline = 0;
}

void lapic_init(struct lapic *l, uint32_t apic_id, bool tsc_deadline_ok,
		const struct lapic_ops *ops)
{
	memset(l, 0, sizeof(*l));
	l->ops = *ops;
	l->id = apic_id;
	l->tsc_deadline_ok = tsc_deadline_ok;
	l->mode = LAPIC_XAPIC;
	l->sipi_vector = -1;
	lapic_reset_regs(l, false);
}

void lapic_reset(struct lapic *l, bool init)
{
	l->mode = LAPIC_XAPIC;
	l->nmi_pending = l->init_pending = l->smi_pending = false;
	l->sipi_vector = -1;
	lapic_reset_regs(l, init);
}

static enum lapic_mode base_mode(uint64_t base)
{
	if (!(base & (1ull << 11)))
		return LAPIC_DISABLED;
	return (base & (1ull << 10)) ? LAPIC_X2APIC : LAPIC_XAPIC;
}

/*
 * SDM 11.4.3: a hardware-disabled APIC comes back in its power-up state.
 * SDM 11.12.5: xAPIC -> x2APIC keeps the register state, except that the ID
 * becomes the 32-bit x2APIC ID and the LDR is derived from it.
 */
void lapic_set_base(struct lapic *l, uint64_t old_base, uint64_t new_base)
{
	enum lapic_mode to = base_mode(new_base);

	(void)old_base;
	if (to == l->mode)
		return;
	if (to == LAPIC_DISABLED)
		lapic_reset_regs(l, false);
	else if (to == LAPIC_X2APIC)
		l->ldr = x2apic_ldr(l->id);
	else if (l->mode == LAPIC_X2APIC) { /* x2APIC -> xAPIC: only the host may (§6.2) */
		l->xapic_id = l->id << 24;
		l->ldr = 0;
	}
	l->mode = to;
}

bool lapic_mmio_claims(const struct lapic *l, uint64_t apic_base, uint64_t gpa)
{
	uint64_t page = apic_base & ~(uint64_t)(APIC_PAGE_SIZE - 1) & ((1ull << 52) - 1);

	return l->mode == LAPIC_XAPIC && (gpa & ~(uint64_t)(APIC_PAGE_SIZE - 1)) == page;
}

/* ---- priorities and interrupts ---------------------------------------------- */

uint32_t lapic_ppr(const struct lapic *l)
{
	int isrv = vec_highest(l->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	/* SDM 11.8.3.1: PPR is TPR when TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0. */
	return (l->tpr & 0xf0) >= isr_class ? l->tpr : isr_class;
}

static void set_error(struct lapic *l, uint32_t bits);

static void accept_fixed(struct lapic *l, uint8_t vector, bool level)
{
	/* SDM 11.4.7.2: a software-disabled APIC takes no fixed interrupts. */
	if (l->mode == LAPIC_DISABLED || !sw_enabled(l))
		return;
	/* SDM 11.5.3: vectors 0-15 are illegal: the ESR says so and the interrupt is lost. */
	if (vector < 16) {
		set_error(l, APIC_ESR_RECV_ILLEGAL);
		return;
	}
	vec_set(l->irr, vector);
	if (level)
		vec_set(l->tmr, vector);
	else
		vec_clear(l->tmr, vector);
}

void lapic_raise(struct lapic *l, uint8_t vector, bool level)
{
	accept_fixed(l, vector, level);
}

/* SDM 11.5.3: an error sets its ESR bit and, through LVT error, interrupts. */
static void set_error(struct lapic *l, uint32_t bits)
{
	uint32_t lvt = l->lvt[LVT_ERROR];

	l->esr_pending |= bits;
	/* An illegal vector in LVT error itself would only report itself again. */
	if (!(lvt & APIC_LVT_MASKED) && (lvt & APIC_VECTOR_MASK) >= 16)
		accept_fixed(l, (uint8_t)(lvt & APIC_VECTOR_MASK), false);
}

/* SDM 11.8.5: EOI retires the highest-priority in-service interrupt. */
static void eoi(struct lapic *l)
{
	int v = vec_highest(l->isr);

	if (v < 0)
		return;
	vec_clear(l->isr, (unsigned)v);
	/*
	 * A level-triggered one (TMR set; TMR changes only when an interrupt is
	 * accepted) would now send an EOI message to the IOAPICs; vx86 has none yet.
	 */
}

/* ---- timer (SDM 11.5.4) ------------------------------------------------------ */

static uint32_t timer_mode(const struct lapic *l)
{
	return l->lvt[LVT_TIMER] & APIC_LVT_TIMER_MODE;
}

/* TDCR bits 0, 1 and 3: 0b111 is divide by 1, else 2 << value. */
static uint64_t timer_divisor(uint32_t tdcr)
{
	uint32_t v = (tdcr & 3) | ((tdcr & 8) >> 1);

	return v == 7 ? 1 : 2ull << v;
}

static uint64_t timer_period(const struct lapic *l)
{
	return (uint64_t)l->tmict * timer_divisor(l->tdcr) * APIC_TIMER_NS;
}

static uint64_t now_ns(const struct lapic *l)
{
	return l->ops.now_ns(l->ops.ctx);
}

static void timer_fire(struct lapic *l)
{
	uint32_t lvt = l->lvt[LVT_TIMER];

	l->timer_fires++;
	if (!(lvt & APIC_LVT_MASKED))
		accept_fixed(l, (uint8_t)(lvt & APIC_VECTOR_MASK), false);
}

/* Bring the timer up to now; a periodic timer that missed periods fires once for them. */
static void timer_update(struct lapic *l)
{
	if (timer_mode(l) == APIC_TIMER_DEADLINE) {
		if (l->tsc_deadline && l->ops.guest_tsc(l->ops.ctx) >= l->tsc_deadline) {
			l->tsc_deadline = 0; /* SDM 11.5.4.1: the MSR clears when it fires */
			timer_fire(l);
		}
		return;
	}
	if (!l->timer_end)
		return;
	uint64_t now = now_ns(l);

	if (now < l->timer_end)
		return;
	if (timer_mode(l) == APIC_TIMER_PERIODIC) {
		uint64_t period = timer_period(l);
		uint64_t n = (now - l->timer_end) / period + 1;

		l->timer_end += n * period;
		l->timer_start = l->timer_end - period;
	} else {
		l->timer_end = 0;
	}
	timer_fire(l);
}

static void timer_start(struct lapic *l, uint64_t now)
{
	l->timer_start = now;
	l->timer_end = l->tmict ? now + timer_period(l) : 0;
}

static uint32_t timer_current(struct lapic *l)
{
	uint64_t now, div;

	timer_update(l);
	if (timer_mode(l) == APIC_TIMER_DEADLINE || !l->timer_end)
		return 0;
	now = now_ns(l);
	div = timer_divisor(l->tdcr) * APIC_TIMER_NS;
	return (uint32_t)((l->timer_end - now + div - 1) / div);
}

/* A new divider keeps the current count and counts on at the new rate. */
static void timer_set_divide(struct lapic *l, uint32_t tdcr)
{
	uint32_t count = timer_current(l);
	uint64_t now = now_ns(l);

	l->tdcr = tdcr;
	if (!l->timer_end)
		return;
	l->timer_end = now + (uint64_t)count * timer_divisor(tdcr) * APIC_TIMER_NS;
	l->timer_start = l->timer_end - timer_period(l);
}

/* SDM 11.5.4.1: switching into or out of TSC-deadline mode disarms the timer. */
static void set_lvtt(struct lapic *l, uint32_t val)
{
	uint32_t old_mode = timer_mode(l), new_mode;

	if (!l->tsc_deadline_ok)
		val &= ~(2u << 17);
	l->lvt[LVT_TIMER] = val;
	new_mode = timer_mode(l);
	if ((old_mode == APIC_TIMER_DEADLINE) != (new_mode == APIC_TIMER_DEADLINE)) {
		l->tmict = 0;
		l->timer_end = 0;
		l->tsc_deadline = 0;
	}
}

uint64_t lapic_tsc_deadline(const struct lapic *l)
{
	return timer_mode(l) == APIC_TIMER_DEADLINE ? l->tsc_deadline : 0;
}

void lapic_set_tsc_deadline(struct lapic *l, uint64_t value)
{
	if (timer_mode(l) != APIC_TIMER_DEADLINE)
		return;
	l->tsc_deadline = value;
	timer_update(l);
}

bool lapic_next_event(const struct lapic *l, uint64_t *ns, uint64_t *tsc)
{
	*ns = *tsc = 0;
	if (l->mode == LAPIC_DISABLED)
		return false;
	/* A masked timer cannot interrupt: nothing to wake up for. */
	if (l->lvt[LVT_TIMER] & APIC_LVT_MASKED)
		return false;
	if (timer_mode(l) == APIC_TIMER_DEADLINE) {
		*tsc = l->tsc_deadline;
		return l->tsc_deadline != 0;
	}
	*ns = l->timer_end;
	return l->timer_end != 0;
}

/* ---- IPIs (SDM 11.6) ------------------------------------------------------------ */

/* SDM 11.6.2.2: logical destinations, flat or cluster (xAPIC), cluster (x2APIC). */
static bool logical_match(const struct lapic *l, uint32_t dest)
{
	if (l->mode == LAPIC_X2APIC) {
		if (dest == 0xffffffffu)
			return true;
		return (dest >> 16) == (l->ldr >> 16) && (dest & l->ldr & 0xffff);
	}
	uint32_t mine = l->ldr >> 24;

	dest &= 0xff;
	if (dest == 0xff)
		return true;
	if ((l->dfr >> 28) == 0xf) /* flat */
		return dest & mine;
	return (dest >> 4) == (mine >> 4) && (dest & mine & 0xf); /* cluster */
}

static bool dest_match(const struct lapic *l, uint32_t icr, uint32_t dest)
{
	if (icr & APIC_DEST_LOGICAL)
		return logical_match(l, dest);
	if (l->mode == LAPIC_X2APIC)
		return dest == 0xffffffffu || dest == l->id;
	dest &= 0xff;
	return dest == 0xff || dest == l->xapic_id >> 24;
}

/* This APIC takes the message (SDM 11.6.1: the ICR's delivery modes). */
static void deliver(struct lapic *l, uint32_t icr)
{
	uint8_t vector = (uint8_t)(icr & APIC_VECTOR_MASK);

	switch (icr & APIC_DM_MASK) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		accept_fixed(l, vector, icr & APIC_ICR_TRIGGER);
		break;
	case APIC_DM_NMI:
		l->nmi_pending = true;
		break;
	case APIC_DM_SMI:
		l->smi_pending = true;
		break;
	case APIC_DM_INIT:
		/* INIT level de-assert (level 0, level triggered) only resyncs arbitration IDs. */
		if ((icr & (APIC_ICR_LEVEL | APIC_ICR_TRIGGER)) != APIC_ICR_TRIGGER)
			l->init_pending = true;
		break;
	case APIC_DM_STARTUP:
		l->sipi_vector = vector;
		break;
	default: /* ExtINT is for the 8259A's INTA cycle: never sent as an IPI */
		break;
	}
}

bool lapic_accept_ipi(struct lapic *l, uint32_t icr, uint32_t dest)
{
	if (l->mode == LAPIC_DISABLED || !dest_match(l, icr, dest))
		return false;
	deliver(l, icr);
	return true;
}

static void send_ipi(struct lapic *l, uint32_t icr, uint32_t dest)
{
	uint32_t dm = icr & APIC_DM_MASK, shorthand = icr & APIC_SHORT_MASK;

	/* SDM 11.5.3: a fixed or lowest-priority IPI with a vector below 16 is not sent. */
	if ((dm == APIC_DM_FIXED || dm == APIC_DM_LOWEST) && (icr & APIC_VECTOR_MASK) < 16) {
		set_error(l, APIC_ESR_SEND_ILLEGAL);
		return;
	}
	switch (shorthand) {
	case APIC_SHORT_SELF:
		deliver(l, icr);
		return;
	case APIC_SHORT_ALL:
		deliver(l, icr);
		break;
	case APIC_SHORT_ALLBUT:
		break;
	default:
		if (lapic_accept_ipi(l, icr, dest) && dm == APIC_DM_LOWEST)
			return;
		break;
	}
	if (l->ops.send)
		l->ops.send(l->ops.ctx, l, icr, shorthand == APIC_SHORT_NONE ? dest : 0xffffffffu);
}

/* ---- the register file ---------------------------------------------------------- */

/* Read a register as the current mode has it; false where it does not exist. */
static bool reg_read(struct lapic *l, uint32_t reg, uint64_t *val)
{
	bool x2 = l->mode == LAPIC_X2APIC;
	unsigned i;

	switch (reg) {
	case APIC_REG_ID:
		*val = x2 ? l->id : l->xapic_id;
		return true;
	case APIC_REG_VER:
		*val = APIC_VERSION | ((APIC_LVT_COUNT - 1u) << 16);
		return true;
	case APIC_REG_TPR:
		*val = l->tpr;
		return true;
	case APIC_REG_APR: /* arbitration priority: xAPIC only; vx86 arbitrates nothing */
		*val = 0;
		return !x2;
	case APIC_REG_PPR:
		*val = lapic_ppr(l);
		return true;
	case APIC_REG_EOI: /* write-only: xAPIC reads 0, x2APIC faults */
		*val = 0;
		return !x2;
	case APIC_REG_LDR:
		*val = l->ldr;
		return true;
	case APIC_REG_DFR:
		*val = l->dfr;
		return !x2;
	case APIC_REG_SVR:
		*val = l->svr;
		return true;
	case APIC_REG_ESR:
		*val = l->esr;
		return true;
	case APIC_REG_ICR:
		*val = x2 ? l->icr | (uint64_t)l->icr2 << 32 : l->icr;
		return true;
	case APIC_REG_ICR2:
		*val = l->icr2;
		return !x2;
	case APIC_REG_TMICT:
		*val = l->tmict;
		return true;
	case APIC_REG_TMCCT:
		*val = timer_current(l);
		return true;
	case APIC_REG_TDCR:
		*val = l->tdcr;
		return true;
	}
	if (reg >= APIC_REG_LVTT && reg <= APIC_REG_LVTERR) {
		*val = l->lvt[(reg - APIC_REG_LVTT) >> 4];
		return true;
	}
	i = (reg >> 4) & 7;
	if (reg >= APIC_REG_ISR && reg < APIC_REG_ISR + 0x80) {
		*val = l->isr[i];
		return true;
	}
	if (reg >= APIC_REG_TMR && reg < APIC_REG_TMR + 0x80) {
		*val = l->tmr[i];
		return true;
	}
	if (reg >= APIC_REG_IRR && reg < APIC_REG_IRR + 0x80) {
		*val = l->irr[i];
		return true;
	}
	return false;
}

enum reg_write {
	REG_DONE,
	REG_ABSENT,   /* no such register in this mode */
	REG_READONLY, /* xAPIC ignores the write; x2APIC faults */
	REG_BAD,      /* x2APIC: a value the register refuses (#GP) */
};

static enum reg_write reg_write_lvt(struct lapic *l, unsigned i, uint32_t val)
{
	val &= lvt_writable[i];
	/* SDM 11.4.7.2: while software-disabled, every LVT stays masked. */
	if (!sw_enabled(l))
		val |= APIC_LVT_MASKED;
	if (i == LVT_TIMER)
		set_lvtt(l, val);
	else
		l->lvt[i] = val;
	return REG_DONE;
}

static void set_svr(struct lapic *l, uint32_t val)
{
	l->svr = val & SVR_WRITABLE;
	if (!sw_enabled(l))
		for (unsigned i = 0; i < APIC_LVT_COUNT; i++)
			l->lvt[i] |= APIC_LVT_MASKED;
}

/* A write in the current mode; x2APIC values come whole (ICR: 64 bits). */
static enum reg_write reg_write(struct lapic *l, uint32_t reg, uint64_t val64)
{
	bool x2 = l->mode == LAPIC_X2APIC;
	uint32_t val = (uint32_t)val64;

	switch (reg) {
	case APIC_REG_ID: /* xAPIC: software may change it (SDM 11.4.6); x2APIC: read-only */
		if (x2)
			return REG_READONLY;
		l->xapic_id = val & 0xff000000u;
		return REG_DONE;
	case APIC_REG_TPR:
		l->tpr = val & 0xff;
		return REG_DONE;
	case APIC_REG_EOI: /* SDM 11.12.1.2: x2APIC faults on a non-zero value */
		if (x2 && val)
			return REG_BAD;
		eoi(l);
		return REG_DONE;
	case APIC_REG_LDR:
		if (x2)
			return REG_READONLY;
		l->ldr = val & 0xff000000u;
		return REG_DONE;
	case APIC_REG_DFR:
		if (x2)
			return REG_ABSENT;
		l->dfr = (val & 0xf0000000u) | 0x0fffffffu;
		return REG_DONE;
	case APIC_REG_SVR:
		set_svr(l, val);
		return REG_DONE;
	case APIC_REG_ESR: /* the write latches the errors seen since the last one */
		if (x2 && val)
			return REG_BAD;
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		return REG_DONE;
	case APIC_REG_ICR:
		l->icr = val & ICR_WRITABLE;
		if (x2)
			l->icr2 = (uint32_t)(val64 >> 32);
		send_ipi(l, l->icr, x2 ? l->icr2 : l->icr2 >> 24);
		return REG_DONE;
	case APIC_REG_ICR2:
		if (x2)
			return REG_ABSENT;
		l->icr2 = val & 0xff000000u;
		return REG_DONE;
	case APIC_REG_TMICT:
		/* SDM 11.5.4.1: TSC-deadline mode ignores the initial count. */
		if (timer_mode(l) != APIC_TIMER_DEADLINE) {
			l->tmict = val;
			timer_start(l, now_ns(l));
		}
		return REG_DONE;
	case APIC_REG_TDCR:
		timer_set_divide(l, val & 0xb);
		return REG_DONE;
	case APIC_REG_SELF_IPI: /* x2APIC only; bits 31:8 reserved */
		if (!x2)
			return REG_ABSENT;
		if (val & ~APIC_VECTOR_MASK)
			return REG_BAD;
		send_ipi(l, APIC_SHORT_SELF | val, 0);
		return REG_DONE;
	}
	if (reg >= APIC_REG_LVTT && reg <= APIC_REG_LVTERR)
		return reg_write_lvt(l, (reg - APIC_REG_LVTT) >> 4, val);
	uint64_t dummy;

	return reg_read(l, reg, &dummy) ? REG_READONLY : REG_ABSENT;
}

/* ---- the two interfaces -------------------------------------------------------------- */

/*
 * SDM 11.4.1: registers are 32 bits wide at the start of each 16-byte line;
 * the rest of the line reads 0. An access to a reserved register sets ESR's
 * illegal-register bit.
 */
uint64_t lapic_mmio_read(struct lapic *l, uint32_t offset, unsigned size)
{
	uint32_t reg = offset & 0xff0, byte = offset & 0xf;
	uint64_t val = 0;

	if (offset >= APIC_PAGE_SIZE || !reg_read(l, reg, &val)) {
		set_error(l, APIC_ESR_ILLEGAL_REG);
		return 0;
	}
	val &= 0xffffffffu;
	if (byte >= 4)
		return 0;
	val >>= 8 * byte;
	return size >= 8 ? val : val & ((1ull << (8 * size)) - 1);
}

/*
 * Writes narrower than 32 bits or off the start of the line are undefined
 * (SDM 11.4.1); vx86 merges them into the register, as a read-modify-write
 * of the 32-bit value.
 */
void lapic_mmio_write(struct lapic *l, uint32_t offset, unsigned size, uint64_t value)
{
	uint32_t reg = offset & 0xff0, byte = offset & 0xf;
	uint64_t cur = 0;

	if (offset >= APIC_PAGE_SIZE || byte >= 4) {
		set_error(l, APIC_ESR_ILLEGAL_REG);
		return;
	}
	if (size < 4 || byte) {
		uint64_t mask = (size >= 8 ? ~0ull : (1ull << (8 * size)) - 1) << (8 * byte);

		/* A write-only register (EOI) reads 0: merging into 0 is right. */
		reg_read(l, reg, &cur);
		value = (cur & ~mask) | ((value << (8 * byte)) & mask);
	}
	if (reg_write(l, reg, value & 0xffffffffu) == REG_ABSENT)
		set_error(l, APIC_ESR_ILLEGAL_REG);
}

/* SDM 11.12.1.2, spec/msr.md §6.2: every fault is #GP(0). */
int lapic_msr_read(struct lapic *l, uint32_t index, uint64_t *value)
{
	*value = 0;
	if (l->mode != LAPIC_X2APIC || index < X2APIC_MSR_FIRST || index > X2APIC_MSR_LAST)
		return -1;
	return reg_read(l, (index - X2APIC_MSR_FIRST) << 4, value) ? 0 : -1;
}

int lapic_msr_write(struct lapic *l, uint32_t index, uint64_t value)
{
	uint32_t reg = (index - X2APIC_MSR_FIRST) << 4;

	if (l->mode != LAPIC_X2APIC || index < X2APIC_MSR_FIRST || index > X2APIC_MSR_LAST)
		return -1;
	/* Bits 63:32 are reserved everywhere but in the ICR. */
	if (reg != APIC_REG_ICR && (value >> 32))
		return -1;
	return reg_write(l, reg, value) == REG_DONE ? 0 : -1;
}

uint32_t lapic_tpr(const struct lapic *l)
{
	return l->tpr;
}

void lapic_set_tpr(struct lapic *l, uint32_t tpr)
{
	l->tpr = tpr & 0xff;
}

int lapic_pending(struct lapic *l)
{
	int irrv;

	if (l->mode == LAPIC_DISABLED)
		return -1;
	timer_update(l);
	irrv = vec_highest(l->irr);
	/* SDM 11.8.4: only a priority class above PPR's is delivered. */
	if (irrv < 0 || ((uint32_t)irrv & 0xf0) <= (lapic_ppr(l) & 0xf0))
		return -1;
	return irrv;
}

int lapic_ack(struct lapic *l)
{
	int v = lapic_pending(l);

	if (v < 0)
		return -1;
	vec_clear(l->irr, (unsigned)v);
	vec_set(l->isr, (unsigned)v);
	return v;
}
