/* SPDX-License-Identifier: MIT */
/*
 * Exception and interrupt delivery (SDM Vol. 3A ch. 6, Vol. 2 INT n/INTO/
 * INT3/INT1 and IRET): the IVT in real mode, IDT gates in protected and
 * IA-32e mode with the stack switch from the TSS or an IST, and the returns.
 * Everything that can fault (the gate, descriptors, the TSS, the frame) is
 * read and written before any register changes.
 */
#include "exec_seg.h"

/* One event being delivered. */
struct event {
	unsigned vector;
	bool has_error;
	uint32_t error;
	bool soft;	  /* INT n, INT3, INTO */
	bool fault;	  /* a fault-class exception: the frame's RFLAGS image has RF set */
	unsigned ext;	  /* SDM 6.13: EXT, error-code bit 0: set unless soft */
	uint32_t idt_err; /* the error code naming the IDT entry (IDT bit 1) */
	uint64_t rip;	  /* the return address the frame holds */
};

/* An interrupt or trap gate. */
struct gate {
	uint16_t sel;
	uint64_t off;
	unsigned size; /* 2, 4 or 8: the size of each frame item */
	unsigned ist;
	bool trap; /* trap gates keep IF */
};

/* SDM Vol. 3A 20.1.4: the IVT's 4-byte entries; FLAGS, CS, IP on the stack. */
static void deliver_real(struct emu *e, const struct event *ev)
{
	uint64_t fl = emu_rflags(e);
	uint16_t ent[2];
	struct segment cs;

	if (ev->vector * 4 + 3 > e->st.idt.limit)
		emu_gp(e, 0);
	emu_read_lin(e, (uint32_t)(e->st.idt.base + ev->vector * 4), ent, 4, true);
	emu_stack_write(e, -2, 2, fl);
	emu_stack_write(e, -4, 2, e->st.seg[SEG_CS].selector);
	emu_stack_write(e, -6, 2, ev->rip);
	emu_stack_add(e, -6);
	cs = emu_seg_real(&e->st.seg[SEG_CS], ent[1], false);
	e->st.seg[SEG_CS] = cs;
	e->st.rip = ent[0];
	emu_set_rflags(e, fl & ~(RFLAGS_IF | RFLAGS_TF | RFLAGS_AC | RFLAGS_RF));
	emu_sync_mode(e);
}

static bool gate_type_ok(unsigned type, bool lma)
{
	if (lma)
		return type == SYS_INT || type == SYS_TRAP;
	return type == SYS_TASK || type == SYS_INT16 || type == SYS_TRAP16 || type == SYS_INT ||
	       type == SYS_TRAP;
}

/* SDM INT n, PROTECTED-MODE: the IDT entry (8 bytes, 16 in IA-32e mode). */
static void gate_read(struct emu *e, const struct event *ev, struct gate *g)
{
	bool lma = e->st.efer & EFER_LMA;
	unsigned esz = lma ? 16 : 8, type;
	uint64_t la = e->st.idt.base + (uint64_t)ev->vector * esz;
	struct desc d = {0};

	if ((uint64_t)ev->vector * esz + esz - 1 > e->st.idt.limit)
		emu_gp(e, ev->idt_err);
	emu_read_lin(e, lma ? la : (uint32_t)la, &d.lo, 8, true);
	if (lma)
		emu_read_lin(e, la + 8, &d.hi, 8, true);
	type = desc_type(&d);
	if (desc_s(&d) || !gate_type_ok(type, lma))
		emu_gp(e, ev->idt_err);
	if (ev->soft && desc_dpl(&d) < e->cpl)
		emu_gp(e, ev->vector * 8 + 2);
	if (!desc_present(&d))
		emu_raise(e, EXC_NP, true, ev->idt_err);
	/* A task gate switches tasks (SDM Vol. 3A 6.12.2): not implemented in vx86. */
	if (type == SYS_TASK)
		emu_gp(e, ev->idt_err);
	g->sel = (uint16_t)(d.lo >> 16);
	g->size = lma ? 8 : (type & 8) ? 4 : 2;
	g->off = d.lo & 0xffff;
	if (g->size > 2)
		g->off |= (d.lo >> 48) << 16 | (d.hi & 0xffffffff) << 32;
	g->ist = lma ? (d.lo >> 32) & 7 : 0;
	g->trap = type & 1;
}

/* SDM INT n, TRAP-OR-INTERRUPT-GATE: the handler's code segment. */
static void gate_code(struct emu *e, const struct event *ev, const struct gate *g, struct desc *d)
{
	if (sel_null(g->sel))
		emu_raise(e, EXC_GP, true, ev->ext);
	if (!emu_desc_read(e, g->sel, false, d) || !desc_code(d) || desc_dpl(d) > e->cpl)
		emu_seg_fault(e, EXC_GP, g->sel, ev->ext);
	if (!desc_present(d))
		emu_seg_fault(e, EXC_NP, g->sel, ev->ext);
	if ((e->st.efer & EFER_LMA) && (!desc_l(d) || desc_db(d)))
		emu_seg_fault(e, EXC_GP, g->sel, ev->ext); /* IA-32e: 64-bit code only */
}

/* The handler's CPL: non-conforming code with DPL < CPL changes privilege. */
static unsigned gate_cpl(struct emu *e, const struct event *ev, const struct gate *g,
			 const struct desc *d)
{
	unsigned dpl = desc_dpl(d);

	if (!desc_conforming(d) && dpl < e->cpl) {
		if (e->v8086 && dpl != 0) /* from virtual-8086 mode: ring 0 only */
			emu_seg_fault(e, EXC_GP, g->sel, ev->ext);
		return dpl;
	}
	if (e->v8086) /* same level from virtual-8086 mode: never */
		emu_seg_fault(e, EXC_GP, g->sel, ev->ext);
	return e->cpl;
}

/*
 * The stack the frame goes on. IA-32e mode: an IST stack when the gate names
 * one, else RSPn on a privilege change, else RSP; aligned to 16 bytes, with a
 * null SS on a privilege change (SDM Vol. 3A 6.14.2-6.14.5). Protected mode:
 * SSn:ESPn of the TSS on a privilege change, else the current stack.
 */
static void deliver_stack(struct emu *e, const struct event *ev, const struct gate *g,
			  unsigned new_cpl, struct stack_ref *ns)
{
	bool inner = new_cpl < e->cpl;

	if (!(e->st.efer & EFER_LMA)) {
		if (inner)
			emu_stack_inner(e, new_cpl, ev->ext, ns);
		else
			*ns = emu_stack_current(e, ev->ext);
		return;
	}
	*ns = (struct stack_ref){.ss = e->st.seg[SEG_SS],
				 .sp = e->st.gpr[GPR_RSP],
				 .asz = 8,
				 .err = ev->ext,
				 .sys = inner};
	if (inner) {
		ns->ss = emu_seg_null(e, &e->st.seg[SEG_SS], (uint16_t)new_cpl);
		if (!g->ist)
			ns->sp = emu_tss_read(e, 4 + 8 * new_cpl, 8, ev->ext);
	}
	if (g->ist)
		ns->sp = emu_tss_read(e, 0x24 + 8 * (g->ist - 1), 8, ev->ext);
	ns->sp &= ~0xfull;
}

/* The frame, first push first: [GS FS DS ES] [SS SP] FLAGS CS IP [error]. */
static unsigned deliver_frame(struct emu *e, const struct event *ev, unsigned size, bool with_ss,
			      uint64_t *v)
{
	uint64_t mask = emu_mask(size);
	unsigned n = 0;

	if (e->v8086) {
		v[n++] = e->st.seg[SEG_GS].selector;
		v[n++] = e->st.seg[SEG_FS].selector;
		v[n++] = e->st.seg[SEG_DS].selector;
		v[n++] = e->st.seg[SEG_ES].selector;
	}
	if (with_ss) {
		v[n++] = e->st.seg[SEG_SS].selector;
		v[n++] = e->st.gpr[GPR_RSP] & mask;
	}
	v[n++] = (emu_rflags(e) | (ev->fault ? RFLAGS_RF : 0)) & mask;
	v[n++] = e->st.seg[SEG_CS].selector;
	v[n++] = ev->rip & mask;
	if (ev->has_error)
		v[n++] = ev->error;
	return n;
}

static void deliver_gate(struct emu *e, const struct event *ev, const struct gate *g)
{
	bool lma = e->st.efer & EFER_LMA, from_v86 = e->v8086;
	uint64_t v[10], fl, sp;
	struct stack_ref ns;
	struct segment cs;
	unsigned new_cpl, n;
	struct desc d;

	gate_code(e, ev, g, &d);
	new_cpl = gate_cpl(e, ev, g, &d);
	deliver_stack(e, ev, g, new_cpl, &ns);
	n = deliver_frame(e, ev, g->size, lma || new_cpl < e->cpl, v);
	emu_stack_check(e, &ns, n * g->size);
	cs = emu_desc_code_seg(g->sel, &d, new_cpl);
	emu_check_target_rip(e, &cs, g->off, ev->ext);
	emu_desc_touch(e, &d);
	sp = emu_stack_put(e, &ns, v, n, g->size);

	fl = emu_rflags(e) & ~(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM);
	if (!g->trap)
		fl &= ~RFLAGS_IF;
	if (from_v86) { /* the data segments become null for protected mode */
		for (unsigned s = SEG_ES; s <= SEG_GS; s++)
			if (s != SEG_CS && s != SEG_SS)
				e->st.seg[s] = emu_seg_null(e, &e->st.seg[s], 0);
	}
	e->st.seg[SEG_SS] = ns.ss;
	e->st.gpr[GPR_RSP] = sp;
	e->st.seg[SEG_CS] = cs;
	e->st.rip = g->off;
	emu_set_rflags(e, fl);
	emu_sync_mode(e);
}

/* Through the IVT or the IDT; `combine`: a fault on the way makes #DF (Table 6-5). */
static void deliver_event(struct emu *e, struct event *ev, bool combine)
{
	struct gate g;

	ev->idt_err = ev->vector * 8 + 2 + ev->ext;
	e->delivering = combine ? (int)ev->vector : -1;
	if (!(e->st.cr0 & CR0_PE)) {
		deliver_real(e, ev);
	} else {
		gate_read(e, ev, &g);
		deliver_gate(e, ev, &g);
	}
	e->delivering = -1;
}

void emu_deliver(struct emu *e, unsigned vector, bool has_error, uint32_t error_code, bool soft,
		 uint64_t return_rip)
{
	struct event ev = {.vector = vector & 0xff,
			   .has_error = has_error,
			   .error = error_code,
			   .soft = soft,
			   .ext = !soft,
			   .rip = return_rip};

	/*
	 * SDM Table 6-5 combines exceptions only: a fault while delivering INT n
	 * (INT3, INTO) is delivered on its own, as the first event.
	 */
	deliver_event(e, &ev, !soft);
}

/*
 * An exception the executor raised, returning to the faulting instruction.
 * SDM 18.3.1.1: a fault (every class but the aborts #DF and #MC) pushes
 * RFLAGS with RF set, so that IRET back to an instruction with a breakpoint
 * does not fault again; the frame's RF does not exist in real mode's FLAGS.
 */
void emu_deliver_fault(struct emu *e, unsigned vector, bool has_error, uint32_t error_code)
{
	struct event ev = {.vector = vector & 0xff,
			   .has_error = has_error,
			   .error = error_code,
			   .fault = vector != EXC_DF && vector != EXC_MC,
			   .ext = 1,
			   .rip = e->st.rip};

	deliver_event(e, &ev, true);
}

/*
 * An external interrupt (INTR): no DPL check and no error code, EXT set in
 * the error code of a fault on the way, and such a fault is delivered on its
 * own (SDM Table 6-4: external interrupts are benign), whatever the vector.
 */
void emu_deliver_intr(struct emu *e, unsigned vector)
{
	struct event ev = {.vector = vector & 0xff, .ext = 1, .rip = e->st.rip};

	deliver_event(e, &ev, false);
}

/* ---- INT n, INT3, INTO, INT1 ------------------------------------------------ */

/* Deliver with the return address after the instruction; RIP is the handler's. */
static void raise_int(struct emu *e, unsigned vector, bool soft)
{
	emu_deliver(e, vector, false, 0, soft, e->next_rip);
	e->next_rip = e->st.rip;
}

static unsigned iopl(struct emu *e)
{
	return (emu_rflags(e) >> 12) & 3;
}

static void op_int(struct emu *e, const struct insn *in)
{
	/* SDM INT n: IOPL-sensitive in virtual-8086 mode (no VME); INT3 and INTO are not. */
	if (e->v8086 && iopl(e) < 3)
		emu_gp(e, 0);
	raise_int(e, in->imm & 0xff, true);
}

static void op_int3(struct emu *e, const struct insn *in)
{
	(void)in;
	raise_int(e, EXC_BP, true);
}

static void op_into(struct emu *e, const struct insn *in)
{
	(void)in;
	if (emu_rflags(e) & RFLAGS_OF)
		raise_int(e, EXC_OF, true);
}

/* INT1 (ICEBP): a #DB trap without the software-interrupt DPL check (SDM Vol. 3A 18.2.1 note). */
static void op_int1(struct emu *e, const struct insn *in)
{
	(void)in;
	raise_int(e, EXC_DB, false);
}

/* ---- IRET ------------------------------------------------------------------ */

/* Real mode and virtual-8086 mode (IOPL 3): IP, CS, FLAGS at osz. */
static void iret_real(struct emu *e, unsigned osz)
{
	uint64_t ip = emu_stack_read(e, 0, osz), fl = emu_stack_read(e, 2 * (int64_t)osz, osz);
	uint16_t sel = (uint16_t)emu_stack_read(e, (int64_t)osz, osz);
	struct segment cs = emu_seg_real(&e->st.seg[SEG_CS], sel, e->v8086);
	uint64_t old = emu_rflags(e), keep;

	emu_check_target_rip(e, &cs, ip, 0);
	/* SDM IRET: real mode keeps VM, VIF, VIP (AND 257FD5H, OR EFLAGS AND 1A0000H);
	 * virtual-8086 mode also IOPL. A 16-bit IRET loads FLAGS[15:0] only. */
	keep = RFLAGS_VM | RFLAGS_VIF | RFLAGS_VIP | (e->v8086 ? RFLAGS_IOPL : 0);
	if (osz == 2)
		keep |= ~0xffffull;
	fl = (fl & RFLAGS_VALID & ~keep) | (old & keep);
	emu_stack_add(e, 3 * (int64_t)osz);
	e->st.seg[SEG_CS] = cs;
	e->next_rip = ip;
	emu_set_rflags(e, fl);
	emu_sync_mode(e);
}

/* SDM IRET: what a protected-mode IRET may change at cpl (IF: CPL <= IOPL; IOPL: CPL 0). */
static uint64_t iret_flags(uint64_t old, uint64_t popped, unsigned osz, unsigned cpl)
{
	uint64_t mask = RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_TF |
			RFLAGS_DF | RFLAGS_OF | RFLAGS_NT;

	if (osz > 2)
		mask |= RFLAGS_RF | RFLAGS_AC | RFLAGS_ID;
	if (cpl <= ((old >> 12) & 3))
		mask |= RFLAGS_IF;
	if (cpl == 0) {
		mask |= RFLAGS_IOPL;
		if (osz > 2)
			mask |= RFLAGS_VIF | RFLAGS_VIP;
	}
	return (old & ~mask) | (popped & mask);
}

/* SDM IRET, RETURN-TO-VIRTUAL-8086-MODE: ESP, SS, ES, DS, FS, GS follow the flags. */
static void iret_v86(struct emu *e, uint64_t eip, uint16_t sel, uint64_t fl)
{
	static const unsigned segs[] = {SEG_SS, SEG_ES, SEG_DS, SEG_FS, SEG_GS};
	struct segment cs = emu_seg_real(&e->st.seg[SEG_CS], sel, true);
	uint64_t v[6];

	for (unsigned i = 0; i < 6; i++)
		v[i] = emu_stack_read(e, 12 + 4 * (int64_t)i, 4);
	emu_check_target_rip(e, &cs, eip, 0);
	for (unsigned i = 0; i < 5; i++)
		e->st.seg[segs[i]] = emu_seg_real(&e->st.seg[segs[i]], (uint16_t)v[i + 1], true);
	e->st.seg[SEG_CS] = cs;
	e->st.gpr[GPR_RSP] = (uint32_t)v[0];
	e->next_rip = eip;
	emu_set_rflags(e, fl & RFLAGS_VALID);
	emu_sync_mode(e);
}

/*
 * SDM IRET, PROTECTED-MODE-RETURN: same level, or an outer level with SS:RSP
 * from the frame; 64-bit mode always pops SS:RSP.
 */
static void iret_prot(struct emu *e, unsigned osz)
{
	int64_t n = (int64_t)osz;
	uint64_t old = emu_rflags(e), rip, fl, sp = 0;
	unsigned cpl = e->cpl, rpl;
	struct segment cs, ss = {0};
	struct desc d;
	uint16_t sel;
	bool outer, to64;

	/* NT=1 is a task return (SDM Vol. 3A 8.3), not implemented; IA-32e mode: #GP(0). */
	if (old & RFLAGS_NT)
		emu_gp(e, 0);
	rip = emu_stack_read(e, 0, osz);
	sel = (uint16_t)emu_stack_read(e, n, osz);
	fl = emu_stack_read(e, 2 * n, osz);
	if (!(e->st.efer & EFER_LMA) && osz == 4 && (fl & RFLAGS_VM) && cpl == 0) {
		iret_v86(e, rip, sel, fl);
		return;
	}
	rpl = sel & 3u;
	emu_ret_check_cs(e, sel, &d);
	cs = emu_desc_seg(sel, &d);
	to64 = emu_code64(e, &cs);
	outer = rpl > cpl || e->long64;
	if (outer) {
		sp = emu_stack_read(e, 3 * n, osz);
		ss = emu_ret_check_ss(e, (uint16_t)emu_stack_read(e, 4 * n, osz), rpl, to64);
	}
	emu_check_target_rip(e, &cs, rip, 0);
	emu_desc_touch(e, &d);
	if (outer) {
		e->st.seg[SEG_SS] = ss;
		emu_ret_set_sp(e, to64, sp);
		emu_seg_null_outer(e, rpl);
	} else {
		emu_stack_add(e, 3 * n);
	}
	e->st.seg[SEG_CS] = cs;
	e->next_rip = rip;
	emu_set_rflags(e, iret_flags(old, fl, osz, cpl));
	emu_sync_mode(e);
}

/* SDM 6.7.1: IRET ends NMI blocking; a pending NMI is then taken after it. */
static void iret_unblock_nmi(struct emu *e)
{
	if (!e->nmi_blocked)
		return;
	e->nmi_blocked = false;
	if (e->nmi_pending)
		e->block_stop = true;
}

static void op_iret(struct emu *e, const struct insn *in)
{
	if (!(e->st.cr0 & CR0_PE)) {
		iret_real(e, in->osz);
	} else if (e->v8086) {
		if (iopl(e) < 3) /* SDM IRET: IOPL-sensitive in virtual-8086 mode */
			emu_gp(e, 0);
		iret_real(e, in->osz);
	} else {
		iret_prot(e, in->osz);
	}
	iret_unblock_nmi(e);
}

void emu_exec_exc_init(emu_handler *table)
{
	table[OP_INT] = op_int;
	table[OP_INT3] = op_int3;
	table[OP_INTO] = op_into;
	table[OP_INT1] = op_int1;
	table[OP_IRET] = op_iret;
}
