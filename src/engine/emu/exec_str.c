/* SPDX-License-Identifier: MIT */
/*
 * String instructions: MOVS CMPS STOS LODS SCAS (SDM Vol. 1 7.3.9, Vol. 2
 * REP/REPE/REPNE). rSI, rDI and rCX are used at the address size; the source
 * is in->seg (overridable), the destination always ES. DF selects the
 * direction.
 *
 * A repeated instruction iterates here, each iteration complete (memory, then
 * rSI/rDI/rCX) before the next, so a fault in the middle leaves a consistent
 * state with RIP on the instruction and the remaining count in rCX, as on
 * hardware. The loop also stops early, with RIP on the instruction, when the
 * run is kicked (checked every 64K iterations) and after an iteration that
 * replayed MMIO accesses, so the MMIO log of a resumed instruction never
 * holds more than one iteration.
 */
#include "exec_int.h"

/* One iteration; returns ZF for CMPS and SCAS (the values were equal). */
typedef bool (*str_fn)(struct emu *e, const struct insn *in, int64_t step);

static uint64_t sreg(const struct emu *e, const struct insn *in, unsigned r)
{
	return emu_reg_asz(e, r, in->asz);
}

static void sadvance(struct emu *e, const struct insn *in, unsigned r, int64_t step)
{
	emu_set_reg_asz(e, r, in->asz, e->st.gpr[r] + (uint64_t)step);
}

static bool str_movs(struct emu *e, const struct insn *in, int64_t step)
{
	uint64_t v = emu_read(e, in->seg, sreg(e, in, GPR_RSI), in->osz);

	emu_write(e, SEG_ES, sreg(e, in, GPR_RDI), in->osz, v);
	sadvance(e, in, GPR_RSI, step);
	sadvance(e, in, GPR_RDI, step);
	return false;
}

static bool str_stos(struct emu *e, const struct insn *in, int64_t step)
{
	emu_write(e, SEG_ES, sreg(e, in, GPR_RDI), in->osz, e->st.gpr[GPR_RAX]);
	sadvance(e, in, GPR_RDI, step);
	return false;
}

static bool str_lods(struct emu *e, const struct insn *in, int64_t step)
{
	uint64_t v = emu_read(e, in->seg, sreg(e, in, GPR_RSI), in->osz);

	emu_set_reg(e, in, GPR_RAX, in->osz, v);
	sadvance(e, in, GPR_RSI, step);
	return false;
}

/* SDM CMPS: flags of [rSI] - [rDI]. */
static bool str_cmps(struct emu *e, const struct insn *in, int64_t step)
{
	uint64_t a = emu_read(e, in->seg, sreg(e, in, GPR_RSI), in->osz);
	uint64_t b = emu_read(e, SEG_ES, sreg(e, in, GPR_RDI), in->osz);

	alu_binop_lazy(&e->lf, ALU_CMP, in->osz, a, b, 0);
	sadvance(e, in, GPR_RSI, step);
	sadvance(e, in, GPR_RDI, step);
	return a == b;
}

/* SDM SCAS: flags of rAX - [rDI]. */
static bool str_scas(struct emu *e, const struct insn *in, int64_t step)
{
	uint64_t a = emu_reg(e, in, GPR_RAX, in->osz);
	uint64_t b = emu_read(e, SEG_ES, sreg(e, in, GPR_RDI), in->osz);

	alu_binop_lazy(&e->lf, ALU_CMP, in->osz, a, b, 0);
	sadvance(e, in, GPR_RDI, step);
	return a == b;
}

/* Leave the instruction unfinished: RIP stays on it and the next run resumes it. */
static void str_suspend(struct emu *e)
{
	e->next_rip = e->st.rip;
}

/*
 * REP/REPE/REPNE (SDM REP): while rCX != 0, one iteration, rCX -= 1; CMPS and
 * SCAS (cond) also stop when ZF = 0 (F3, REPE) or ZF = 1 (F2, REPNE).
 */
static void str_rep(struct emu *e, const struct insn *in, str_fn one, bool cond, int64_t step)
{
	bool until_eq = in->flags & INSN_F_REPNZ;
	uint64_t n = 0, count;

	while ((count = sreg(e, in, GPR_RCX)) != 0) {
		bool zf;

		if ((++n & 0xffff) == 0 && e->kicked) {
			str_suspend(e);
			return;
		}
		zf = one(e, in, step);
		emu_set_reg_asz(e, GPR_RCX, in->asz, count - 1);
		if (cond && zf == until_eq)
			return;
		if (e->mmio_n && e->mmio_pos == e->mmio_n && count > 1) {
			str_suspend(e);
			return;
		}
	}
}

static void str_run(struct emu *e, const struct insn *in, str_fn one, bool cond)
{
	int64_t step = e->st.rflags & RFLAGS_DF ? -(int64_t)in->osz : in->osz;

	if (in->flags & INSN_F_REP)
		str_rep(e, in, one, cond, step);
	else
		one(e, in, step);
}

static void h_movs(struct emu *e, const struct insn *in)
{
	str_run(e, in, str_movs, false);
}

static void h_stos(struct emu *e, const struct insn *in)
{
	str_run(e, in, str_stos, false);
}

static void h_lods(struct emu *e, const struct insn *in)
{
	str_run(e, in, str_lods, false);
}

static void h_cmps(struct emu *e, const struct insn *in)
{
	str_run(e, in, str_cmps, true);
}

static void h_scas(struct emu *e, const struct insn *in)
{
	str_run(e, in, str_scas, true);
}

void emu_exec_str_init(emu_handler *t)
{
	t[OP_MOVS] = h_movs;
	t[OP_STOS] = h_stos;
	t[OP_LODS] = h_lods;
	t[OP_CMPS] = h_cmps;
	t[OP_SCAS] = h_scas;
}
