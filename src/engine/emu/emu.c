/* SPDX-License-Identifier: MIT */
/*
 * The emu engine: vx86's own x86 CPU behind the engine interface. The run loop
 * fetches a decoded block (fetch.c), runs its instructions' handlers one by
 * one and retires each; faults unwind here and are delivered through the guest's IVT or
 * IDT, combined into #DF and triple fault as SDM Vol. 3A Table 6-5 says; exits
 * return to the VMM, which completes them on the next run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

#include "emu_impl.h"
#include "vcpu/cr.h"
#include "vcpu/msr.h"

/* ---- unwinding ------------------------------------------------------------ */

_Noreturn void emu_raise(struct emu *e, unsigned vector, bool has_error, uint32_t error_code)
{
	e->fault = (struct emu_fault){
		.vector = (uint8_t)vector, .has_error = has_error, .error_code = error_code};
	longjmp(e->unwind, EMU_UNWIND_FAULT);
}

/* SDM 4.7: CR2 takes the linear address when the #PF is recognised. */
_Noreturn void emu_page_fault(struct emu *e, uint64_t cr2, uint32_t error_code)
{
	e->st.cr2 = cr2;
	emu_raise(e, EXC_PF, true, error_code);
}

_Noreturn void emu_exit(struct emu *e, enum exit_reason reason)
{
	struct vcpu_exit *x = e->exit;

	x->reason = reason;
	x->engine_code = 0;
	x->insn_len = e->in ? e->in->len : 0;
	x->fault = (struct exit_fault){0};
	e->exit_pending = true;
	longjmp(e->unwind, EMU_UNWIND_EXIT);
}

/* SDM Vol. 3A 6.3.1, Table 6-4: the contributory exceptions. */
static bool contributory(unsigned v)
{
	return v == EXC_DE || (v >= EXC_TS && v <= EXC_GP);
}

/*
 * Deliver the fault in e->fault. A fault while delivering another is combined
 * as SDM Table 6-5 says: contributory after contributory, or #PF or a
 * contributory one after #PF, is #DF; anything while delivering #DF is a
 * shutdown (triple fault); other pairs are delivered one after the other.
 */
static void deliver_fault(struct emu *e)
{
	struct emu_fault f = e->fault;
	int first = e->delivering;

	e->in = NULL;
	e->mmio_n = 0;
	e->shadow = false;
	if (first >= 0) {
		if (first == EXC_DF) {
			e->delivering = -1;
			emu_exit(e, EXIT_REASON_TRIPLE_FAULT);
		}
		if ((contributory((unsigned)first) && contributory(f.vector)) ||
		    (first == EXC_PF && (f.vector == EXC_PF || contributory(f.vector))))
			f = (struct emu_fault){.vector = EXC_DF, .has_error = true};
	}
	emu_deliver_fault(e, f.vector, f.has_error, f.error_code);
}

/* ---- mode ------------------------------------------------------------------ */

void emu_sync_mode(struct emu *e)
{
	const struct vcpu_state *st = &e->st;
	bool pe = st->cr0 & CR0_PE;

	e->v8086 = pe && (st->rflags & RFLAGS_VM) && !(st->efer & EFER_LMA);
	e->protmode = pe && !e->v8086;
	e->long64 = (st->efer & EFER_LMA) && st->seg[SEG_CS].l;
	/* Real mode uses the cached CS.D too (SDM 20.1: "big real" code). */
	e->code_bits = e->long64 ? 64 : (!e->v8086 && st->seg[SEG_CS].db) ? 32 : 16;
	e->cpl = cpu_cpl(st);
	e->block_stop = true; /* the block in flight was decoded for the old mode */
}

/* ---- completing the previous exit ----------------------------------------- */

static void complete_mmio(struct emu *e, const struct vcpu_exit *x)
{
	struct emu_mmio_rec *r = &e->mmio_log[e->mmio_n++];
	uint64_t v = 0;

	memcpy(&v, x->mmio.data, x->mmio.size);
	*r = (struct emu_mmio_rec){
		.gpa = x->mmio.gpa, .data = v, .size = x->mmio.size, .write = x->mmio.write};
	/* RIP stays: the instruction runs again and replays its MMIO accesses. */
}

/*
 * The VMM handled the exit in *x: deliver the fault it asked for, or write the
 * results and move past the instruction.
 */
static void complete_exit(struct emu *e)
{
	struct vcpu_exit *x = e->exit;

	if (!e->exit_pending)
		return;
	e->exit_pending = false;
	if (x->reason != EXIT_REASON_EPT_VIOLATION)
		e->mmio_n = 0; /* the MMIO log belongs to an instruction that is done or redone */
	if (x->fault.pending)
		emu_raise(e, x->fault.vector, x->fault.has_error, x->fault.error_code);
	/*
	 * The exiting instruction retires now: a shadow that covered it ends (SDM
	 * 6.8.3). An MMIO access does not retire it: the instruction runs again.
	 */
	if (x->reason != EXIT_REASON_EPT_VIOLATION)
		e->shadow = false;
	switch (x->reason) {
	case EXIT_REASON_IO_INSTRUCTION:
		emu_complete_io(e, x);
		break;
	case EXIT_REASON_EPT_VIOLATION:
		complete_mmio(e, x);
		break;
	case EXIT_REASON_TRIPLE_FAULT:
	case EXIT_REASON_INTERRUPT_WINDOW:
	case EXIT_REASON_VX86_INTERNAL:
		break;
	default:
		vcpu_complete(&e->st, x);
		if (e->code_bits == 16)
			e->st.rip &= 0xffff;
		break;
	}
}

/* ---- the run loop ---------------------------------------------------------- */

static inline uint64_t next_rip(const struct emu *e, unsigned len)
{
	uint64_t rip = e->st.rip + len;

	if (e->code_bits == 64)
		return rip;
	return e->code_bits == 32 ? (uint32_t)rip : (uint16_t)rip;
}

static int run_loop(struct emu *e)
{
	switch (setjmp(e->unwind)) {
	case EMU_UNWIND_NONE:
		complete_exit(e);
		break;
	case EMU_UNWIND_FAULT:
		deliver_fault(e);
		break;
	default:
		return 0;
	}
	for (;;) {
		const struct emu_block *b;
		const struct emu_block_insn *bi, *end;

		if (e->kicked) {
			e->kicked = 0;
			return -EINTR;
		}
		/*
		 * SDM 6.8.1, 6.8.3: a pending external interrupt is taken at an
		 * instruction boundary with IF = 1 and no interrupt shadow. While
		 * one is pending, every instruction is such a boundary: blocks run
		 * one instruction at a time (block_stop). SDM 6.7.1: an NMI is
		 * taken at the next boundary unless an NMI handler runs (blocking
		 * until the next IRET) or a MOV SS shadow covers it; it comes
		 * before a maskable interrupt (6.9). An instruction being replayed
		 * after an MMIO exit (mmio_n) is not at a boundary: taking an event
		 * there would run it again after the handler, repeating its side
		 * effects (SDM 6.6).
		 */
		bool boundary = e->mmio_n == 0;

		if (boundary && e->nmi_pending && !e->nmi_blocked && !e->shadow) {
			e->nmi_pending = false;
			e->nmi_blocked = true;
			e->in = NULL;
			emu_deliver_intr(e, EXC_NMI);
		}
		if (boundary && (e->irq_pending >= 0 || e->irq_window) &&
		    (e->st.rflags & RFLAGS_IF) && !e->shadow) {
			unsigned v = (unsigned)e->irq_pending;

			e->in = NULL;
			/* VMX's interrupt-window exiting: the VMM may inject now. */
			if (e->irq_pending < 0) {
				e->irq_window = false;
				emu_exit(e, EXIT_REASON_INTERRUPT_WINDOW);
			}
			e->irq_pending = -1;
			emu_deliver_intr(e, v);
		}
		b = emu_fetch_block(e);
		e->block_stop =
			e->irq_pending >= 0 || e->irq_window || (e->nmi_pending && !e->nmi_blocked);
		for (bi = b->insn, end = bi + b->n;;) {
			const struct insn *in = &bi->in;
			uint64_t fall = next_rip(e, in->len);

			e->in = in;
			e->mmio_pos = 0;
			e->next_rip = fall;
			e->shadow_next = false;
			bi->fn(e, in);
			e->st.rip = e->next_rip;
			e->shadow = e->shadow_next;
			e->mmio_n = 0;
			e->insns++;
			/* A taken branch or a changed machine: fetch afresh. */
			if (++bi == end || e->next_rip != fall || e->block_stop)
				break;
		}
	}
}

/* ---- user-return MSRs -------------------------------------------------------- */

/*
 * The "hardware" of the user-return bank: the MSRs SYSCALL, SYSRET, RDTSCP and
 * RDPID read. Guest values are loaded at each entry with skip-if-equal and the
 * host's (the thread's own: zero) are restored when run() returns to the VMM.
 */
static const uint32_t uret_msrs[] = {MSR_SFMASK, MSR_LSTAR, MSR_CSTAR, MSR_TSC_AUX, MSR_STAR};

static int bank_pos(uint32_t index)
{
	for (unsigned i = 0; i < sizeof(uret_msrs) / sizeof(uret_msrs[0]); i++)
		if (uret_msrs[i] == index)
			return (int)i;
	return -1;
}

static int bank_read(void *ctx, uint32_t index, uint64_t *val)
{
	struct emu *e = ctx;
	int p = bank_pos(index);

	if (p < 0)
		return 1;
	*val = e->uret_bank[p];
	return 0;
}

static int bank_write(void *ctx, uint32_t index, uint64_t val)
{
	struct emu *e = ctx;
	int p = bank_pos(index);

	if (p < 0)
		return 1;
	e->uret_bank[p] = val;
	return 0;
}

static void uret_setup(struct emu *e)
{
	e->uret_hw = (struct uret_hw){.ctx = e, .read = bank_read, .write = bank_write};
	for (unsigned i = 0; i < sizeof(uret_msrs) / sizeof(uret_msrs[0]); i++)
		uret_register(&e->uret_reg, &e->uret_hw, uret_msrs[i]);
	uret_cpu_online(&e->uret_reg, &e->uret_cpu, &e->uret_hw);
	e->uret_slot_star = uret_find(&e->uret_reg, MSR_STAR);
	e->uret_slot_lstar = uret_find(&e->uret_reg, MSR_LSTAR);
	e->uret_slot_cstar = uret_find(&e->uret_reg, MSR_CSTAR);
	e->uret_slot_sfmask = uret_find(&e->uret_reg, MSR_SFMASK);
	e->uret_slot_tsc_aux = uret_find(&e->uret_reg, MSR_TSC_AUX);
}

/* vCPU entry: the guest's values into the bank, skipping those already there. */
static void uret_enter(struct emu *e)
{
	const struct msr_state *m = &e->st.msr;
	const struct {
		int slot;
		uint64_t value;
	} load[] = {
		{e->uret_slot_star, m->star},	    {e->uret_slot_lstar, m->lstar},
		{e->uret_slot_cstar, m->cstar},	    {e->uret_slot_sfmask, m->sfmask},
		{e->uret_slot_tsc_aux, m->tsc_aux},
	};

	for (unsigned i = 0; i < sizeof(load) / sizeof(load[0]); i++)
		if (load[i].slot >= 0)
			uret_set(&e->uret_reg, &e->uret_cpu, &e->uret_hw, (unsigned)load[i].slot,
				 load[i].value, ~0ull);
}

/* ---- engine_ops -------------------------------------------------------------- */

static int emu_probe(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;
}

static uint64_t guest_tsc(const struct emu *e)
{
	return __rdtsc() + (uint64_t)e->tsc_offset;
}

static int emu_create(const struct engine_config *cfg, struct cpu_model *cpu, void **ctx)
{
	struct emu *e = calloc(1, sizeof(*e));
	char why[160];

	if (!e) {
		fprintf(cfg->log, "vx86: emu: out of memory\n");
		return -ENOMEM;
	}
	e->log = cfg->log;
	e->unknown_msr_gp = cfg->unknown_msr_gp;
	e->delivering = -1;
	e->irq_pending = -1;
	/* The decoder follows Intel where vendors differ, so Intel is the default. */
	cpu_model_init(&e->cpu, cfg->vendor == CPU_VENDOR_AMD ? CPU_VENDOR_AMD : CPU_VENDOR_INTEL);
	if (cpu_model_apply_flags(&e->cpu, cfg->cpu_flags, why, sizeof(why))) {
		fprintf(cfg->log, "vx86: --cpu: %s\n", why);
		free(e);
		return -EINVAL;
	}
	mmu_cpu_init(&e->mmu_cpu, &e->cpu);
	e->model = (struct vcpu_model){.st = &e->st, .cpu = &e->cpu};
	if (emu_mem_init(e, cfg)) {
		fprintf(cfg->log, "vx86: emu: out of memory for the TLB and block cache\n");
		free(e);
		return -ENOMEM;
	}
	emu_exec_int_init(e->handlers);
	emu_exec_seg_init(e->handlers);
	emu_exec_sys_init(e->handlers);
	uret_setup(e);
	e->fpu.fcw = FCW_RESET;
	e->fpu.mxcsr = MXCSR_RESET;
	*cpu = e->cpu;
	*ctx = e;
	return 0;
}

static int emu_run(void *ctx, struct vcpu_exit *x)
{
	struct emu *e = ctx;
	int ret;

	e->exit = x;
	uret_enter(e);
	ret = run_loop(e);
	uret_on_user_return(&e->uret_reg, &e->uret_cpu, &e->uret_hw);
	return ret;
}

static int emu_get_state(void *ctx, struct vcpu_state *st)
{
	struct emu *e = ctx;

	emu_rflags(e);
	*st = e->st;
	st->msr.tsc = e->tsc_reported = guest_tsc(e);
	return 0;
}

/*
 * A new state: every cached translation may be stale, and the VMM may have
 * written guest RAM behind the block cache (tests do; a snapshot would).
 */
static int emu_set_state(void *ctx, const struct vcpu_state *st)
{
	struct emu *e = ctx;

	e->st = *st;
	e->st.rflags |= RFLAGS_FIXED;
	e->lf.mask = 0;
	/* Only a TSC the VMM changed moves the guest's clock. */
	if (st->msr.tsc != e->tsc_reported)
		e->tsc_offset = (int64_t)(st->msr.tsc - __rdtsc());
	emu_sync_mode(e);
	emu_tlb_flush(e);
	emu_bcache_flush(e);
	return 0;
}

static int emu_set_msr(void *ctx, uint32_t index, uint64_t value)
{
	struct emu *e = ctx;

	if (index == MSR_IA32_TSC) {
		e->tsc_offset = (int64_t)(value - __rdtsc());
		return 0;
	}
	if (!msr_state_write(&e->st, index, value))
		return -ENOENT;
	if (index == MSR_EFER) {
		emu_sync_mode(e);
		emu_tlb_flush(e); /* NXE changes what a translation allows */
	}
	return 0;
}

static int emu_read_linear(void *ctx, uint64_t la, void *buf, size_t len)
{
	struct emu *e = ctx;
	struct mmu_walk w;
	struct mmu_fault f;
	uint8_t *out = buf;

	while (len) {
		struct mmu_access a = {.la = la, .kind = MMU_READ, .implicit_supervisor = true};
		size_t n = 4096 - (la & 0xfff);
		const uint8_t *host;

		if (n > len)
			n = len;
		if (mmu_translate(&e->st, &e->mem, &e->mmu_cpu, &a, &w, &f) != MMU_OK)
			return -EFAULT;
		host = mmu_mem_host(&e->mem, w.pa, n);
		if (!host)
			return -EFAULT;
		memcpy(out, host, n);
		out += n;
		la += n;
		len -= n;
	}
	return 0;
}

static int emu_interrupt(void *ctx, uint8_t vector)
{
	struct emu *e = ctx;

	if (e->irq_pending >= 0)
		return -EBUSY;
	e->irq_pending = vector;
	return 0;
}

static int emu_nmi(void *ctx)
{
	struct emu *e = ctx;

	/* One NMI can be pending; a second one while it is merges with it (SDM 6.7.1). */
	e->nmi_pending = true;
	return 0;
}

static void emu_irq_window(void *ctx, bool on)
{
	struct emu *e = ctx;

	e->irq_window = on;
}

static uint64_t emu_guest_tsc(void *ctx)
{
	return guest_tsc(ctx);
}

static void emu_kick(void *ctx)
{
	struct emu *e = ctx;

	__atomic_store_n(&e->kicked, 1, __ATOMIC_SEQ_CST);
}

static void emu_print_stats(void *ctx, FILE *out)
{
	struct emu *e = ctx;
	const struct uret_counters *n = &e->uret_cpu.n;

	fprintf(out, "%-20s %12llu\n", "emu instructions", (unsigned long long)e->insns);
	fprintf(out, "%-20s %12s %8s %8s\n", "user-return MSRs", "loads", "skips", "restores");
	fprintf(out, "%-20s %12llu %8llu %8llu\n", "", (unsigned long long)n->loads,
		(unsigned long long)n->skips, (unsigned long long)n->restores);
}

static void emu_destroy(void *ctx)
{
	struct emu *e = ctx;

	emu_mem_free(e);
	free(e);
}

const struct engine_ops emu_engine_ops = {
	.name = "emu",
	.probe = emu_probe,
	.create = emu_create,
	.run = emu_run,
	.get_state = emu_get_state,
	.set_state = emu_set_state,
	.set_msr = emu_set_msr,
	.read_linear = emu_read_linear,
	.interrupt = emu_interrupt,
	.irq_window = emu_irq_window,
	.nmi = emu_nmi,
	.guest_tsc = emu_guest_tsc,
	.kick = emu_kick,
	.print_stats = emu_print_stats,
	.destroy = emu_destroy,
};
