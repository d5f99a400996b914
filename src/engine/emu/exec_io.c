/* SPDX-License-Identifier: MIT */
/*
 * Port I/O in the emu executor: IN, OUT, INS, OUTS (SDM Vol. 2 instruction
 * pages; Vol. 1 chapter 19 "Input/Output" for the protection rules).
 *
 * Every port access is an IO_INSTRUCTION exit. The handler checks the I/O
 * permission, puts OUT/OUTS data in e->io_buf and leaves with RIP on the
 * instruction; the VMM performs the accesses; the next run calls
 * emu_complete_io, which stores IN/INS data, moves rSI/rDI/rCX and RIP.
 * A REP INS exits once per item. A REP OUTS batches the items that lie in one
 * 4 KiB page of RAM within the segment (at most rCX, at most io_buf), so a
 * page fault or a limit violation comes at the item that causes it, after
 * the items before it went out, as on hardware. An item in MMIO goes alone
 * (its read is an MMIO exit of its own, replayed when the OUTS runs again).
 */
#include <string.h>

#include "exec_sys.h"

static uint16_t io_port(const struct emu *e, const struct insn *in)
{
	if (in->form == INSN_FORM_I)
		return (uint8_t)in->imm;
	return (uint16_t)e->st.gpr[GPR_RDX];
}

/* A linear address of an implicit supervisor access: 32 bits outside IA-32e mode. */
static uint64_t sys_lin(const struct emu *e, uint64_t la)
{
	return (e->st.efer & EFER_LMA) ? la : (uint32_t)la;
}

/*
 * SDM Vol. 1 19.5.2: the I/O permission bit map of the current TSS. TR must
 * be a 32- or 64-bit TSS (type 9 or 0xB: a 16-bit TSS has no map) with a limit
 * of at least 0x67; the map starts at the 16-bit offset at 0x66. The processor
 * reads the two bytes holding the first port's bit, both within the limit,
 * and every bit of port..port+size-1 must be 0 (Bochs allow_io; the SDM's
 * note on the extra 0xFF byte at the end of the map). Else #GP(0).
 */
static void io_bitmap_check(struct emu *e, uint16_t port, unsigned size)
{
	const struct segment *tr = &e->st.seg[SEG_TR];
	uint16_t base, perm;

	if (tr->unusable || !tr->present || tr->s || (tr->type != 9 && tr->type != 0xb) ||
	    tr->limit < 0x67)
		emu_gp(e, 0);
	emu_read_lin(e, sys_lin(e, tr->base + 0x66), &base, 2, true);
	if ((uint32_t)base + port / 8 + 1 > tr->limit)
		emu_gp(e, 0);
	emu_read_lin(e, sys_lin(e, tr->base + base + port / 8), &perm, 2, true);
	if ((perm >> (port & 7)) & ((1u << size) - 1))
		emu_gp(e, 0);
}

/*
 * SDM Vol. 1 19.5: in protected mode with CPL > IOPL, and always in
 * virtual-8086 mode, the bit map decides; real mode has no checks.
 */
static void io_permit(struct emu *e, uint16_t port, unsigned size)
{
	if (e->v8086 || (e->protmode && e->cpl > emu_iopl(e)))
		io_bitmap_check(e, port, size);
}

static _Noreturn void io_exit(struct emu *e, uint16_t port, unsigned size, bool in, bool string,
			      uint32_t count)
{
	e->exit->io = (struct exit_io){.port = port,
				       .size = (uint8_t)size,
				       .in = in,
				       .string = string,
				       .count = count,
				       .data = e->io_buf};
	emu_sys_exit(e, EXIT_REASON_IO_INSTRUCTION);
}

/* IN AL/AX/EAX, imm8 or DX (the decoder never gives osz 8 here). */
static void op_in(struct emu *e, const struct insn *in)
{
	uint16_t port = io_port(e, in);

	io_permit(e, port, in->osz);
	io_exit(e, port, in->osz, true, false, 1);
}

static void op_out(struct emu *e, const struct insn *in)
{
	uint16_t port = io_port(e, in);
	uint32_t val = (uint32_t)(e->st.gpr[GPR_RAX] & emu_mask(in->osz));

	io_permit(e, port, in->osz);
	memcpy(e->io_buf, &val, in->osz);
	io_exit(e, port, in->osz, false, false, 1);
}

/*
 * Is linear page `la` RAM for this access? A translation that would fault
 * answers false: the caller's own access then raises the fault.
 */
static bool lin_is_ram(struct emu *e, uint64_t la, enum mmu_kind kind)
{
	struct mmu_access a = {.la = la, .kind = kind, .cpl = e->cpl};
	struct mmu_walk w;
	struct mmu_fault f;

	if (mmu_translate(&e->st, &e->mem, &e->mmu_cpu, &a, &w, &f) != MMU_OK)
		return false;
	return mmu_mem_host(&e->mem, w.pa & ~0xfffull, 4096) != NULL;
}

/* The REP prefix with rCX = 0 at the address size: the instruction does nothing. */
static bool rep_done(const struct emu *e, const struct insn *in)
{
	return (in->flags & INSN_F_REP) && !emu_reg_asz(e, GPR_RCX, in->asz);
}

/*
 * SDM INS: the permission check, then ES:rDI (no override) must take the
 * write: it is probed now so that a fault comes before the port is read. One
 * item per exit. An INS into MMIO would read the port a second time when the
 * instruction runs again after the MMIO exit, so vx86 stops instead.
 */
static void op_ins(struct emu *e, const struct insn *in)
{
	uint16_t port = (uint16_t)e->st.gpr[GPR_RDX];
	uint64_t rdi = emu_reg_asz(e, GPR_RDI, in->asz);
	uint64_t la;

	if (rep_done(e, in))
		return;
	io_permit(e, port, in->osz);
	emu_probe_write(e, SEG_ES, rdi, in->osz);
	la = emu_linear(e, SEG_ES, rdi, in->osz, true);
	if (!lin_is_ram(e, la, MMU_WRITE) ||
	    !lin_is_ram(e, sys_lin(e, la + in->osz - 1), MMU_WRITE)) {
		e->exit->internal = (struct exit_internal){
			.what = "emu: INS into a guest-physical address that is not RAM",
			.ndata = 1};
		e->exit->internal.data[0] = la;
		emu_sys_exit(e, EXIT_REASON_VX86_INTERNAL);
	}
	io_exit(e, port, in->osz, true, true, 1);
}

/* SDM 5.3 without a fault: may seg:off..off+size-1 be read (type checked by item 0)? */
static bool seg_offset_ok(const struct emu *e, unsigned seg, uint64_t off, unsigned size)
{
	const struct segment *s = &e->st.seg[seg];
	uint64_t last = off + size - 1;

	if (e->long64)
		return true;		     /* canonical: the caller stays in item 0's page */
	if (!(s->type & 8) && (s->type & 4)) /* expand-down data */
		return off > s->limit && last <= (s->db ? 0xffffffffull : 0xffff);
	return last <= s->limit;
}

/*
 * How many items of a REP OUTS go in this exit: item 0 (already read, so its
 * faults are raised) and the next ones while they stay in item 0's page of
 * RAM, within the segment and the address size without wrapping.
 */
static uint32_t outs_batch(struct emu *e, const struct insn *in, uint64_t rsi, uint64_t la0)
{
	unsigned size = in->osz;
	uint64_t max = emu_reg_asz(e, GPR_RCX, in->asz), n;
	bool down = emu_rflags(e) & RFLAGS_DF;

	if (max > sizeof(e->io_buf) / size)
		max = sizeof(e->io_buf) / size;
	if ((la0 & 0xfff) + size > 4096 || !lin_is_ram(e, la0, MMU_READ))
		return 1;
	for (n = 1; n < max; n++) {
		uint64_t d = n * size, off = down ? rsi - d : rsi + d;
		uint64_t la = down ? la0 - d : la0 + d;

		if ((off & emu_mask(in->asz)) != off ||
		    ((off + size - 1) & emu_mask(in->asz)) != off + size - 1)
			break;
		if ((la >> 12) != (la0 >> 12) || ((la + size - 1) >> 12) != (la0 >> 12))
			break;
		if (!seg_offset_ok(e, in->seg, off, size))
			break;
	}
	return (uint32_t)n;
}

/* SDM OUTS: the permission check, then the items from seg:rSI (DS, or the override). */
static void op_outs(struct emu *e, const struct insn *in)
{
	uint16_t port = (uint16_t)e->st.gpr[GPR_RDX];
	unsigned size = in->osz;
	uint64_t rsi = emu_reg_asz(e, GPR_RSI, in->asz);
	int64_t step = (emu_rflags(e) & RFLAGS_DF) ? -(int64_t)size : (int64_t)size;
	uint32_t n = 1;
	uint64_t v;

	if (rep_done(e, in))
		return;
	io_permit(e, port, size);
	v = emu_read(e, in->seg, rsi, size);
	memcpy(e->io_buf, &v, size);
	if (in->flags & INSN_F_REP)
		n = outs_batch(e, in, rsi, emu_linear(e, in->seg, rsi, size, false));
	for (uint32_t i = 1; i < n; i++) {
		v = emu_read(e, in->seg, rsi + (uint64_t)(step * i), size);
		memcpy(e->io_buf + i * size, &v, size);
	}
	io_exit(e, port, size, false, true, n);
}

/* RIP past the instruction, wrapping at the code size as the run loop's next RIP. */
static void io_retire(struct emu *e, unsigned len)
{
	uint64_t rip = e->st.rip + len;

	e->st.rip = e->code_bits == 64 ? rip : e->code_bits == 32 ? (uint32_t)rip : (uint16_t)rip;
}

/* IN: AL and AX merge, EAX zero-extends into RAX. */
static void io_set_acc(struct emu *e, unsigned size, const uint8_t *data)
{
	static const struct insn acc; /* emu_set_reg looks at REX only for AH..BH */
	uint32_t v = 0;

	memcpy(&v, data, size);
	emu_set_reg(e, &acc, GPR_RAX, size, v);
}

/*
 * The string part of the completion: INS stores its item at ES:rDI first (the
 * write was probed before the exit), then rDI or rSI move by the items done
 * and REP counts them off. Returns true when the instruction is complete; a
 * REP with rCX left stays on the instruction and runs again.
 */
static bool io_complete_string(struct emu *e, const struct insn *in, const struct vcpu_exit *x)
{
	unsigned size = x->io.size, reg = x->io.in ? GPR_RDI : GPR_RSI;
	uint64_t count = x->io.count, ptr = emu_reg_asz(e, reg, in->asz);
	int64_t step = (emu_rflags(e) & RFLAGS_DF) ? -(int64_t)size : (int64_t)size;
	uint64_t rcx;

	if (x->io.in)
		for (uint64_t i = 0; i < count; i++) {
			uint32_t v = 0;

			memcpy(&v, x->io.data + i * size, size);
			emu_write(e, SEG_ES, (ptr + (uint64_t)step * i) & emu_mask(in->asz), size,
				  v);
		}
	emu_set_reg_asz(e, reg, in->asz, ptr + (uint64_t)step * count);
	if (!(in->flags & INSN_F_REP))
		return true;
	rcx = emu_reg_asz(e, GPR_RCX, in->asz) - count;
	emu_set_reg_asz(e, GPR_RCX, in->asz, rcx);
	return (rcx & emu_mask(in->asz)) == 0;
}

/*
 * The run after an I/O exit. The state may have been replaced (set_state)
 * since the exit, so nothing of the instruction in flight is trusted: a string
 * instruction is fetched again from CS:RIP for its prefixes and address size.
 * Its accesses may unwind like a handler's.
 */
void emu_complete_io(struct emu *e, const struct vcpu_exit *x)
{
	const struct insn *in;

	/*
	 * The MMIO reads an OUTS replayed (its source in MMIO) belong to this
	 * execution: the next one, or the next REP iteration, reads afresh.
	 */
	e->mmio_n = 0;
	if (!x->io.string) {
		if (x->io.in)
			io_set_acc(e, x->io.size, x->io.data);
		io_retire(e, x->insn_len);
		return;
	}
	in = emu_fetch(e);
	if (in->op != (x->io.in ? OP_INS : OP_OUTS)) {
		/* Not the instruction that exited: the VMM moved RIP. Leave it be. */
		return;
	}
	if (io_complete_string(e, in, x))
		io_retire(e, in->len);
}

void emu_exec_io_init(emu_handler *table)
{
	table[OP_IN] = op_in;
	table[OP_OUT] = op_out;
	table[OP_INS] = op_ins;
	table[OP_OUTS] = op_outs;
}
