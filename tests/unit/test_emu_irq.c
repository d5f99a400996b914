/* SPDX-License-Identifier: MIT */
/*
 * External interrupts on the emu engine (engine_ops.interrupt): taken at an
 * instruction boundary with RFLAGS.IF = 1 and no interrupt shadow (SDM Vol. 3A
 * 6.8.1, 6.8.3), through the IVT in real mode and the IDT in protected and long
 * mode, with the return address of the next instruction, IF cleared by an
 * interrupt gate, and a fault on the way delivered on its own with EXT set in
 * its error code (Table 6-4: external interrupts are benign); interrupt-window
 * exits (engine_ops.irq_window), which never split an MMIO instruction from
 * its replay, and NMIs (engine_ops.nmi).
 */
#include <errno.h>

#include "emu_test.h"
#include "tap.h"

#define RFL_IF 0x200u

#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static struct et t;

/* A fresh state in `mode` with `code` at ET_CODE; the last exit is not completed. */
static void fresh(enum et_mode mode, const uint8_t *code, size_t n, bool intr_enabled)
{
	et_state(&t, mode);
	memset(&t.exit, 0, sizeof(t.exit));
	if (intr_enabled)
		t.st.rflags |= RFL_IF;
	et_code(&t, code, n);
}

static int irq(uint8_t vector)
{
	return emu_engine_ops.interrupt(t.ctx, vector);
}

int main(void)
{
	int r;

	if (et_init(&t, -1, ET_PROT32)) {
		ok(0, "emu engine created");
		return tap_done();
	}
	ok(emu_engine_ops.interrupt != NULL, "the emu engine takes external interrupts");

	/* IF = 1 from the start: taken at the first boundary, before any instruction. */
	fresh(ET_PROT32, BYTES(0x90, 0xf4), true);
	ok(irq(0x30) == 0, "interrupt 0x30 requested");
	r = et_run(&t);
	ok(r == EXIT_REASON_HLT && et_vector(&t) == 0x30,
	   "IF=1: delivered through IDT vector 0x30");
	is_u64(et_stack(&t, 0, 4), ET_CODE, "frame EIP: the first instruction, not yet run");
	is_u64(et_stack(&t, 4, 4), ET_SEL_CS32, "frame CS");
	ok(et_stack(&t, 8, 4) & RFL_IF, "frame EFLAGS has IF=1");
	ok(!(t.st.rflags & RFL_IF), "the interrupt gate cleared IF");

	/* IF = 0: not taken, still pending; a second request is refused. */
	fresh(ET_PROT32, BYTES(0x90, 0xf4), false);
	ok(irq(0x31) == 0, "interrupt 0x31 requested with IF=0");
	r = et_run(&t);
	ok(r == EXIT_REASON_HLT && t.st.rip == ET_CODE + 1, "IF=0: the code runs to its HLT");
	ok(irq(0x32) == -EBUSY, "a second request while one is pending: -EBUSY");

	/* STI's shadow: the instruction after STI runs first (SDM STI). */
	fresh(ET_PROT32, BYTES(0xfb, 0x90, 0xfa, 0xf4), false); /* sti; nop; cli; hlt */
	r = et_run(&t);
	ok(r == EXIT_REASON_HLT && et_vector(&t) == 0x31,
	   "sti; nop; cli: the pending 0x31 is taken");
	is_u64(et_stack(&t, 0, 4), ET_CODE + 2,
	       "...after the NOP the STI shadow covers, before CLI");

	/* POPF that sets IF makes no shadow: taken right after it. */
	fresh(ET_PROT32, BYTES(0x68, 0x02, 0x02, 0, 0, 0x9d, 0x90, 0xf4),
	      false); /* push $0x202; popf */
	ok(irq(0x33) == 0, "interrupt 0x33 requested");
	r = et_run(&t);
	ok(r == EXIT_REASON_HLT && et_vector(&t) == 0x33, "popf setting IF: 0x33 taken");
	is_u64(et_stack(&t, 0, 4), ET_CODE + 6, "...right after POPF (frame EIP at the NOP)");

	/* An interrupt requested while halted: taken after HLT completes, past it. */
	fresh(ET_PROT32, BYTES(0xf4, 0x90, 0xf4), true);
	r = et_run(&t);
	ok(r == EXIT_REASON_HLT && t.st.rip == ET_CODE, "IF=1, nothing pending: HLT exits");
	ok(irq(0x40) == 0, "interrupt 0x40 requested during HLT");
	r = et_run(&t); /* completes the HLT exit first */
	ok(r == EXIT_REASON_HLT && et_vector(&t) == 0x40, "0x40 taken when the run resumes");
	is_u64(et_stack(&t, 0, 4), ET_CODE + 1, "frame EIP: the instruction after HLT");

	/*
	 * A fault while delivering: vector 0x50 is past the IDT's limit, so #GP
	 * with error code 0x50 * 8 + 2 (IDT) + 1 (EXT), delivered on its own.
	 */
	fresh(ET_PROT32, BYTES(0x90, 0xf4), true);
	t.st.idt.limit = 0x50 * 8 - 1;
	ok(irq(0x50) == 0, "interrupt 0x50 requested past the IDT limit");
	r = et_run(&t);
	ok(r == EXIT_REASON_HLT && et_vector(&t) == 13, "#GP delivered (vector %d), not #DF",
	   et_vector(&t));
	is_u64(et_stack(&t, 0, 4), 0x50 * 8 + 3, "#GP error code: IDT and EXT set");

	/* Real mode: through the IVT; vector 8 is an interrupt here, not #DF. */
	fresh(ET_REAL, BYTES(0x90, 0xf4), true);
	ok(irq(8) == 0, "real mode: interrupt 8 requested");
	r = et_run(&t);
	ok(r == EXIT_REASON_HLT && et_vector(&t) == 8, "real mode: delivered through IVT entry 8");
	is_u64(et_stack(&t, 0, 2), ET_CODE & 0xffff, "real-mode frame IP");
	ok(et_stack(&t, 4, 2) & RFL_IF, "real-mode frame FLAGS has IF=1");
	ok(!(t.st.rflags & RFL_IF), "real mode: IF cleared");

	/* Interrupt-window exiting: an exit where an interrupt could be taken, none injected. */
	fresh(ET_PROT32, BYTES(0xfb, 0x90, 0xf4), false); /* sti; nop; hlt */
	emu_engine_ops.irq_window(t.ctx, true);
	r = et_run(&t);
	ok(r == EXIT_REASON_INTERRUPT_WINDOW && t.st.rip == ET_CODE + 2,
	   "window: the exit comes after STI's shadow, at the HLT (rip 0x%llx)",
	   (unsigned long long)t.st.rip);
	ok(irq(0x34) == 0, "then the VMM injects 0x34");
	r = et_run(&t);
	ok(r == EXIT_REASON_HLT && et_vector(&t) == 0x34 && et_stack(&t, 0, 4) == ET_CODE + 2,
	   "0x34 is taken at once, returning to the HLT");

	/*
	 * An MMIO store is not a boundary until its replay: a window asked for
	 * after its exit opens after the store, which runs once (SDM 6.6).
	 */
	fresh(ET_PROT32, BYTES(0x89, 0x05, 0x00, 0x03, 0xe0, 0xfe, 0xf4), true); /* mov %eax,mem */
	r = et_run(&t);
	ok(r == EXIT_REASON_EPT_VIOLATION && t.exit.mmio.write && t.exit.mmio.gpa == 0xfee00300,
	   "a store to 0xfee00300 exits as MMIO");
	emu_engine_ops.irq_window(t.ctx, true);
	r = et_run(&t);
	ok(r == EXIT_REASON_INTERRUPT_WINDOW && t.st.rip == ET_CODE + 6,
	   "the window opens after the store completes (rip 0x%llx), not before its replay",
	   (unsigned long long)t.st.rip);

	/* NMI: taken with IF = 0, through vector 2 (SDM 6.7). */
	fresh(ET_PROT32, BYTES(0x90, 0xf4), false);
	ok(emu_engine_ops.nmi(t.ctx) == 0, "NMI requested with IF=0");
	r = et_run(&t);
	ok(r == EXIT_REASON_HLT && et_vector(&t) == 2 && et_stack(&t, 0, 4) == ET_CODE,
	   "the NMI is taken at the first boundary whatever IF says");

	/* Long mode: a 64-bit frame. */
	fresh(ET_LONG64, BYTES(0x90, 0xf4), true);
	ok(irq(0xfe) == 0, "long mode: interrupt 0xfe requested");
	r = et_run(&t);
	ok(r == EXIT_REASON_HLT && et_vector(&t) == 0xfe,
	   "long mode: delivered through vector 0xfe");
	is_u64(et_stack(&t, 0, 8), ET_CODE, "64-bit frame RIP");
	is_u64(et_stack(&t, 8, 8), ET_SEL_CS64, "64-bit frame CS");
	is_u64(et_stack(&t, 24, 8), ET_STACK, "64-bit frame RSP");

	et_free(&t);
	return tap_done();
}
