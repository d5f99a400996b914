/* SPDX-License-Identifier: MIT */
/*
 * The local APIC at the exits (lapic.h holds the model): its MMIO page, HLT
 * waiting for an interrupt, and interrupt injection through the engine's
 * interrupt window, in the shape of a VMM with a user-space APIC: when the
 * APIC has a vector above PPR, ask for a window; at the window exit,
 * acknowledge (IRR -> ISR) and inject.
 */
#include <errno.h>
#include <inttypes.h>
#include <time.h>

#include "exit_impl.h"
#include "vx86.h"

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static uint64_t apic_now(void *ctx)
{
	(void)ctx;
	return mono_ns();
}

static uint64_t apic_guest_tsc(void *ctx)
{
	struct vcpu *v = ctx;

	return v->env.guest_tsc(v->env.ctx);
}

void vcpu_apic_init(struct vcpu *v)
{
	struct lapic_ops ops = {.ctx = v, .now_ns = apic_now, .guest_tsc = apic_guest_tsc};

	if (!v->env.interrupt || !v->env.irq_window || !v->env.guest_tsc || !v->env.wait_until)
		return;
	/* One vCPU, the BSP, with APIC ID 0 (CPUID.1:EBX[31:24] says the same). */
	lapic_init(&v->apic, 0, cpu_has(&v->cpu, FEAT_TSC_DEADLINE), &ops);
	v->model.apic = &v->apic;
	v->tsc0 = apic_guest_tsc(v);
	v->tsc0_ns = mono_ns();
}

bool vcpu_apic_mmio(struct vcpu *v, const struct exit_mmio *m, uint64_t *val)
{
	struct lapic *l = v->model.apic;

	if (!l || !lapic_mmio_claims(l, v->st.msr.apic_base, m->gpa))
		return false;
	if (m->write)
		lapic_mmio_write(l, (uint32_t)(m->gpa & (APIC_PAGE_SIZE - 1)), m->size, *val);
	else
		*val = lapic_mmio_read(l, (uint32_t)(m->gpa & (APIC_PAGE_SIZE - 1)), m->size);
	return true;
}

/*
 * When a TSC deadline falls, in CLOCK_MONOTONIC ns, from the guest TSC's rate
 * measured since the vCPU started. The rate is only an estimate (and a guest
 * TSC write upsets it), so a long wait is cut to 10 ms: the caller looks again.
 */
static uint64_t tsc_deadline_ns(struct vcpu *v, uint64_t deadline)
{
	uint64_t now = mono_ns(), tsc = v->env.guest_tsc(v->env.ctx);
	double elapsed = (double)(now - v->tsc0_ns), hz = 0, wait;

	if (tsc >= deadline)
		return now;
	if (elapsed >= 1e6 && tsc > v->tsc0)
		hz = (double)(tsc - v->tsc0) * 1e9 / elapsed;
	if (hz < 1e8 || hz > 1e11) { /* no usable rate yet, or the TSC was written */
		v->tsc0 = tsc;
		v->tsc0_ns = now;
		return now + 1000000;
	}
	wait = (double)(deadline - tsc) / hz * 1e9;
	return now + (wait > 1e7 ? 10000000 : (uint64_t)wait);
}

/* The timer's next event in ns, or 0 when it is idle. */
static uint64_t timer_due(struct vcpu *v)
{
	uint64_t ns, tsc;

	if (!lapic_next_event(&v->apic, &ns, &tsc))
		return 0;
	return tsc ? tsc_deadline_ns(v, tsc) : ns;
}

/* NMIs go to the engine; IPIs it cannot deliver are said once each, then dropped. */
static void deliver_events(struct vcpu *v)
{
	struct lapic *l = &v->apic;

	if (l->nmi_pending && v->env.nmi && v->env.nmi(v->env.ctx) == 0)
		l->nmi_pending = false;
	const bool got[4] = {l->nmi_pending, l->smi_pending, l->init_pending, l->sipi_vector >= 0};
	static const char *const what[4] = {"an NMI", "an SMI", "an INIT", "a start-up (SIPI)"};

	for (unsigned i = 0; i < 4; i++)
		if (got[i] && !v->reported_ipi[i]) {
			v->reported_ipi[i] = true;
			fprintf(v->log,
				"vx86: the guest's local APIC received %s IPI; vx86 does not "
				"deliver those yet, so it is dropped (said once)\n",
				what[i]);
		}
	l->nmi_pending = l->smi_pending = l->init_pending = false;
	l->sipi_vector = -1;
}

void vcpu_before_run(struct vcpu *v)
{
	uint64_t due;

	if (!v->model.apic)
		return;
	deliver_events(v);
	if (lapic_pending(&v->apic) >= 0)
		v->env.irq_window(v->env.ctx, true);
	due = timer_due(v);
	if (v->env.timer_at && due != v->timer_published) {
		v->env.timer_at(v->env.ctx, due);
		v->timer_published = due;
	}
}

/* The window is open: take the vector from the APIC and inject it. */
enum exit_action handle_irq_window(struct vcpu *v, struct vcpu_exit *e)
{
	int vector = v->model.apic ? lapic_ack(&v->apic) : -1;

	(void)e;
	/* The vector may have gone below PPR since the window was asked for. */
	if (vector < 0)
		return EXIT_RESUME;
	if (v->env.interrupt(v->env.ctx, (uint8_t)vector) < 0) {
		fprintf(v->log, "vx86: the engine refused to inject interrupt vector %d\n", vector);
		return vcpu_stop(v, VX86_STATUS_CRASH, "interrupt injection failed");
	}
	return EXIT_RESUME;
}

/*
 * HLT with RFLAGS.IF = 1 (SDM HLT: an enabled interrupt resumes execution
 * after the HLT): sleep until the APIC has a vector to deliver. With the timer
 * idle or masked nothing can wake the guest, so it has halted for good.
 */
enum exit_action vcpu_apic_hlt(struct vcpu *v, uint64_t rip)
{
	for (;;) {
		uint64_t due;

		if (lapic_pending(&v->apic) >= 0)
			return EXIT_RESUME;
		due = timer_due(v);
		if (!due) {
			fprintf(v->log,
				"vx86: guest halted at rip=0x%" PRIx64 " with interrupts enabled, "
				"but nothing can interrupt it (its APIC timer is idle or masked, "
				"and no device raises interrupts yet); stopping\n",
				rip);
			return vcpu_stop(v, VX86_STATUS_HALTED, "hlt");
		}
		/* The machine wants the run loop (--timeout): let it see why. */
		if (v->env.wait_until(v->env.ctx, due) < 0)
			return EXIT_RESUME;
	}
}
