/* SPDX-License-Identifier: MIT */
/*
 * The stack and near control flow: PUSH, POP, PUSHA, POPA, ENTER, LEAVE, JMP,
 * CALL, RET, Jcc, LOOP/LOOPE/LOOPNE and JrCXZ. A branch target is truncated
 * to the operand size; in 64-bit mode it must be canonical, elsewhere within
 * CS.limit, else #GP(0) with RIP on the branch (SDM JMP, CALL, RET, Jcc).
 */
#include "exec_int.h"
#include "vcpu/cr.h"

/* Is target (already at the operand size) a valid RIP? #GP(0) if not. */
static void check_target(struct emu *e, uint64_t target)
{
	if (e->long64) {
		if (!is_canonical(target, cpu_vaddr_bits(&e->st)))
			emu_gp(e, 0);
	} else if (target > e->st.seg[SEG_CS].limit) {
		emu_gp(e, 0);
	}
}

static void branch(struct emu *e, const struct insn *in, uint64_t target)
{
	target &= emu_mask(in->osz);
	check_target(e, target);
	e->next_rip = target;
}

/* ---- PUSH POP ------------------------------------------------------------ */

/* SDM PUSH: PUSH rSP pushes the value before the push. */
static void h_push(struct emu *e, const struct insn *in)
{
	uint64_t v = in->form == INSN_FORM_I ? emu_imm(in) : emu_read_e(e, in, in->osz);

	emu_push(e, in->osz, v);
}

/*
 * SDM POP: a memory destination that uses rSP is addressed with rSP already
 * incremented; POP rSP loads rSP with the value popped. RSP moves only once
 * the destination is written.
 */
static void h_pop(struct emu *e, const struct insn *in)
{
	unsigned sz = in->osz;
	uint64_t v = emu_stack_read(e, 0, sz), rsp = e->st.gpr[GPR_RSP], ea;

	if (in->flags & INSN_F_MEM) {
		emu_stack_add(e, sz);
		ea = emu_ea(e, in);
		e->st.gpr[GPR_RSP] = rsp;
		emu_write(e, in->seg, ea, sz, v);
		emu_stack_add(e, sz);
		return;
	}
	emu_stack_add(e, sz);
	emu_set_reg(e, in, in->rm, sz, v);
}

/*
 * Probe the n slots of size sz below rSP, one by one: a 16-bit stack pointer
 * wraps from 0 to 0xfffe between pushes (it is not one linear range).
 */
static void probe_pushes(struct emu *e, unsigned n, unsigned sz)
{
	uint64_t smask = emu_mask(emu_stack_asz(e)), sp = e->st.gpr[GPR_RSP];

	for (unsigned i = 1; i <= n; i++)
		emu_probe_write(e, SEG_SS, (sp - (uint64_t)i * sz) & smask, sz);
}

/* SDM PUSHA: AX CX DX BX (the original) SP BP SI DI; nothing is written on a fault. */
static void h_pusha(struct emu *e, const struct insn *in)
{
	unsigned sz = in->osz;

	probe_pushes(e, 8, sz);
	for (unsigned r = GPR_RAX; r <= GPR_RDI; r++)
		emu_stack_write(e, -(int64_t)(sz * (r + 1)), sz, e->st.gpr[r]);
	emu_stack_add(e, -(int64_t)(8 * sz));
}

/* SDM POPA: DI SI BP (SP skipped) BX DX CX AX. */
static void h_popa(struct emu *e, const struct insn *in)
{
	unsigned sz = in->osz;
	uint64_t v[8];

	for (unsigned r = GPR_RAX; r <= GPR_RDI; r++)
		v[r] = emu_stack_read(e, (int64_t)(sz * (7 - r)), sz);
	for (unsigned r = GPR_RAX; r <= GPR_RDI; r++)
		if (r != GPR_RSP)
			emu_set_reg(e, in, r, sz, v[r]);
	emu_stack_add(e, 8 * sz);
}

/* ---- ENTER LEAVE ------------------------------------------------------------ */

/*
 * SDM ENTER imm16, imm8: push rBP; for a nesting level L > 0, push L - 1 frame
 * pointers copied from [rBP - i * osz] and then the new frame pointer; rBP :=
 * the frame pointer (rSP after the first push); rSP -= imm16. Everything is
 * read and checked before anything is written: a fault changes nothing.
 */
static void h_enter(struct emu *e, const struct insn *in)
{
	unsigned sz = in->osz, sasz = emu_stack_asz(e), level = in->imm2 & 31;
	unsigned n = level ? level + 1 : 1;
	uint64_t smask = emu_mask(sasz), rsp = e->st.gpr[GPR_RSP], rbp = e->st.gpr[GPR_RBP];
	uint64_t v[32], frame = (rsp - sz) & smask, size = in->imm & 0xffff;

	v[0] = emu_reg(e, in, GPR_RBP, sz);
	for (unsigned i = 1; i < level; i++)
		v[i] = emu_read(e, SEG_SS, (rbp - (uint64_t)i * sz) & smask, sz);
	if (level)
		v[level] = frame;
	probe_pushes(e, n, sz);
	/* SDM: #SS(0) if the new rSP is outside the stack segment. */
	emu_linear(e, SEG_SS, (rsp - (uint64_t)n * sz - size) & smask, 1, true);
	for (unsigned i = 0; i < n; i++)
		emu_stack_write(e, -(int64_t)(sz * (i + 1)), sz, v[i]);
	emu_set_reg(e, in, GPR_RBP, sz, frame);
	emu_stack_add(e, -(int64_t)(n * sz + size));
}

/* SDM LEAVE: rSP := rBP (at the stack size), then pop rBP (at the operand size). */
static void h_leave(struct emu *e, const struct insn *in)
{
	unsigned sasz = emu_stack_asz(e);
	uint64_t bp = emu_reg_asz(e, GPR_RBP, sasz);
	uint64_t v = emu_read(e, SEG_SS, bp, in->osz);

	emu_set_reg_asz(e, GPR_RSP, sasz, bp + in->osz);
	emu_set_reg(e, in, GPR_RBP, in->osz, v);
}

/* ---- JMP CALL RET ---------------------------------------------------------- */

static void h_jmp(struct emu *e, const struct insn *in)
{
	if (in->op == OP_JMP)
		branch(e, in, e->next_rip + in->imm);
	else
		branch(e, in, emu_read_e(e, in, in->osz));
}

/* SDM CALL (near): the target is checked before the return address is pushed. */
static void h_call(struct emu *e, const struct insn *in)
{
	uint64_t ret = e->next_rip, target;

	if (in->op == OP_CALL)
		target = ret + in->imm;
	else
		target = emu_read_e(e, in, in->osz);
	target &= emu_mask(in->osz);
	check_target(e, target);
	emu_push(e, in->osz, ret);
	e->next_rip = target;
}

/* SDM RET (near): pop the return address, then release imm16 more bytes. */
static void h_ret(struct emu *e, const struct insn *in)
{
	uint64_t target = emu_stack_read(e, 0, in->osz);
	uint64_t release = in->form == INSN_FORM_I ? in->imm & 0xffff : 0;

	branch(e, in, target);
	emu_stack_add(e, (int64_t)(in->osz + release));
}

/* ---- Jcc LOOP JrCXZ -------------------------------------------------------- */

static void h_jcc(struct emu *e, const struct insn *in)
{
	if (emu_cond(e, in->cc))
		branch(e, in, e->next_rip + in->imm);
}

/*
 * SDM LOOP: the count register is CX, ECX or RCX by the address size. It is
 * decremented only once the branch is known to be valid.
 */
static void h_loop(struct emu *e, const struct insn *in)
{
	uint64_t count = (emu_reg_asz(e, GPR_RCX, in->asz) - 1) & emu_mask(in->asz);
	bool take = count != 0;

	if (in->op == OP_LOOPE)
		take = take && (emu_rflags(e) & RFLAGS_ZF);
	else if (in->op == OP_LOOPNE)
		take = take && !(emu_rflags(e) & RFLAGS_ZF);
	if (take)
		branch(e, in, e->next_rip + in->imm);
	emu_set_reg_asz(e, GPR_RCX, in->asz, count);
}

static void h_jrcxz(struct emu *e, const struct insn *in)
{
	if (emu_reg_asz(e, GPR_RCX, in->asz) == 0)
		branch(e, in, e->next_rip + in->imm);
}

void emu_exec_flow_init(emu_handler *t)
{
	t[OP_PUSH] = h_push;
	t[OP_POP] = h_pop;
	t[OP_PUSHA] = h_pusha;
	t[OP_POPA] = h_popa;
	t[OP_ENTER] = h_enter;
	t[OP_LEAVE] = h_leave;
	t[OP_JMP] = t[OP_JMP_IND] = h_jmp;
	t[OP_CALL] = t[OP_CALL_IND] = h_call;
	t[OP_RET] = h_ret;
	t[OP_JCC] = h_jcc;
	t[OP_LOOP] = t[OP_LOOPE] = t[OP_LOOPNE] = h_loop;
	t[OP_JRCXZ] = h_jrcxz;
}
