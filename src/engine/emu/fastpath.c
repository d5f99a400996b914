/* SPDX-License-Identifier: MIT */
/*
 * Specialised handlers for the most common instruction forms, chosen once per
 * cached block (issue #4 item 7), and the flag-liveness pass that lets some of
 * them skip their flags.
 *
 * The generic handlers (exec_int.c, exec_data.c, exec_flow.c) work for every
 * size, form and mode; they ask the insn at run time which operands it has.
 * When a block is decoded, emu_block_optimise() gives the 32- and 64-bit
 * register and simple memory forms of ADD OR AND SUB XOR CMP TEST, INC, DEC,
 * MOV and LEA, the immediate shifts, and Jcc a handler written for exactly that
 * form. Each one computes what the generic handler computes, so the choice is
 * invisible to the guest: test_emu_fast.c runs every one of them, on random
 * operands and in sequences that make its flags live or dead, against the
 * generic handlers.
 *
 * Flag liveness. Within a block, an instruction's status flags are dead when
 * every one of them is overwritten by later instructions of the block before
 * anything can read them. Anything that can fault or leave the loop reads them
 * all (an exception handler sees RFLAGS), and so does the end of the block.
 * Only instructions that cannot fault count as writers (register operands, no
 * LOCK), so a dead instruction's flags are never observable, and its handler
 * leaves e->lf alone. The register forms of the ALU operations and immediate
 * shifts have such flagless handlers.
 *
 * Memory: a fast path for accesses that need no check beyond the TLB's (an
 * expand-up data segment within its limit, or a canonical address in 64-bit
 * mode, and a TLB hit within one page); anything else takes the generic
 * emu_read/emu_write, which checks, faults and handles MMIO.
 */
#include <string.h>

#include "emu_impl.h"
#include "vcpu/cr.h"

/* ---- memory fast path ------------------------------------------------------ */

/*
 * The linear address of seg:off when an access of len bytes needs no segment
 * check beyond this one (the generic path does all the others).
 */
static inline __attribute__((always_inline)) bool
fp_linear(const struct emu *e, unsigned seg, uint64_t off, unsigned len, bool write, uint64_t *la)
{
	const struct segment *s = &e->st.seg[seg];

	if (e->long64) {
		uint64_t a = off + (seg == SEG_FS || seg == SEG_GS ? s->base : 0);

		/* Canonical at 48 bits is canonical at every width (SDM 3.3.7.1). */
		if ((a + (1ull << 47)) >> 48)
			return false;
		*la = a;
		return true;
	}
	if (e->protmode && (s->unusable || !s->s || (s->type & 8) || (write && !(s->type & 2))))
		return false;
	if ((s->type & 0xc) == 4 || off + len - 1 > s->limit) /* expand-down, or past the limit */
		return false;
	*la = (uint32_t)(s->base + off);
	return true;
}

/* The host bytes of seg:off for len bytes, or NULL: then the generic path must run. */
static inline __attribute__((always_inline)) uint8_t *
fp_host(struct emu *e, unsigned seg, uint64_t off, unsigned len, bool write)
{
	struct emu_tlb_entry *t;
	uint64_t la;

	if (!fp_linear(e, seg, off, len, write, &la) || (la & 0xfff) > 4096 - len)
		return NULL;
	t = &(write ? e->tlb_write : e->tlb_read)[(la >> 12) & (EMU_TLB_SIZE - 1)];
	if (t->tag != emu_tlb_tag(e, la, false))
		return NULL;
	if (write && t->page->code_lines)
		emu_code_written(e, t->page, t->pa_page | (la & 0xfff), len);
	return t->host + (la & 0xfff);
}

static inline __attribute__((always_inline)) uint64_t fp_read(struct emu *e, unsigned seg,
							      uint64_t off, unsigned len)
{
	uint8_t *p = fp_host(e, seg, off, len, false);
	uint64_t v = 0;

	if (!p)
		return emu_read(e, seg, off, len);
	memcpy(&v, p, len);
	return v;
}

static inline __attribute__((always_inline)) void fp_write(struct emu *e, unsigned seg,
							   uint64_t off, unsigned len, uint64_t v)
{
	uint8_t *p = fp_host(e, seg, off, len, true);

	if (!p) {
		emu_write(e, seg, off, len, v);
		return;
	}
	memcpy(p, &v, len);
}

/* ---- flags ------------------------------------------------------------------- */

/* A full record for an ADD..TEST result (alu_binop_lazy's, for these ops). */
static inline void fp_record(struct emu *e, enum alu_op op, unsigned size, uint64_t a, uint64_t b,
			     uint64_t r, uint32_t mask)
{
	e->lf = (struct lazy_flags){.res = r,
				    .a = a,
				    .b = b,
				    .op = (uint16_t)op,
				    .size = (uint8_t)size,
				    .mask = (uint16_t)mask};
}

/* CF as the pending record or RFLAGS has it, without materialising the others. */
static inline uint64_t fp_cf(const struct emu *e)
{
	const struct lazy_flags *lf = &e->lf;

	if (!(lf->mask & ALU_CF))
		return e->st.rflags & RFLAGS_CF;
	switch (lf->op) {
	case ALU_ADD:
		return lf->res < lf->a; /* a carry wraps the sum below an addend */
	case ALU_SUB:
	case ALU_CMP:
		return lf->a < lf->b; /* a borrow */
	case ALU_AND:
	case ALU_OR:
	case ALU_XOR:
	case ALU_TEST:
		return 0;
	default:
		return alu_flags(lf) & ALU_CF;
	}
}

/* ---- ADD OR AND SUB XOR CMP TEST --------------------------------------------- */

/*
 * One handler per (operation, operand source, size, flags live or dead). The
 * source is G for EG, E for GE (register or memory), or the immediate; the
 * destination is E for EG and EI, G for GE. CMP and TEST write nothing.
 */
#define FP_BINOP(name, alu, expr, writes)                                                          \
	FP_BINOP_SZ(name, alu, expr, writes, 4, uint32_t)                                          \
	FP_BINOP_SZ(name, alu, expr, writes, 8, uint64_t)

#define FP_BINOP_SZ(name, alu, expr, writes, W, T)                                                 \
	FP_BINOP_ONE(name##_eg_##W, alu, expr, writes, W, T, in->rm, e->st.gpr[in->reg])           \
	FP_BINOP_ONE(name##_ge_##W, alu, expr, writes, W, T, in->reg, e->st.gpr[in->rm])           \
	FP_BINOP_ONE(name##_ei_##W, alu, expr, writes, W, T, in->rm, in->imm)                      \
	FP_BINOP_ONE(name##_gm_##W, alu, expr, writes, W, T, in->reg,                              \
		     fp_read(e, in->seg, emu_ea(e, in), W))

#define FP_BINOP_ONE(fn, alu, expr, writes, W, T, dst, src)                                        \
	static void fp_##fn(struct emu *e, const struct insn *in)                                  \
	{                                                                                          \
		T a = (T)e->st.gpr[dst], b = (T)(src), r = (T)(expr);                              \
		fp_record(e, alu, W, a, b, r, ALU_STATUS);                                         \
		if (writes)                                                                        \
			e->st.gpr[dst] = r;                                                        \
	}                                                                                          \
	static void fp_##fn##_nf(struct emu *e, const struct insn *in)                             \
	{                                                                                          \
		T a = (T)e->st.gpr[dst], b = (T)(src);                                             \
		if (writes)                                                                        \
			e->st.gpr[dst] = (T)(expr);                                                \
		else                                                                               \
			(void)a, (void)b;                                                          \
	}

FP_BINOP(add, ALU_ADD, a + b, 1)
FP_BINOP(or, ALU_OR, a | b, 1)
FP_BINOP(and, ALU_AND, a &b, 1)
FP_BINOP(sub, ALU_SUB, a - b, 1)
FP_BINOP(xor, ALU_XOR, a ^ b, 1)
FP_BINOP(cmp, ALU_CMP, a - b, 0)
FP_BINOP(test, ALU_TEST, a &b, 0)

/* [op][source: eg ge ei gm][size 4, 8][flags live, dead] */
#define FP_BINOP_ROW(name)                                                                         \
	{                                                                                          \
		{{fp_##name##_eg_4, fp_##name##_eg_4_nf},                                          \
		 {fp_##name##_eg_8, fp_##name##_eg_8_nf}},                                         \
			{{fp_##name##_ge_4, fp_##name##_ge_4_nf},                                  \
			 {fp_##name##_ge_8, fp_##name##_ge_8_nf}},                                 \
			{{fp_##name##_ei_4, fp_##name##_ei_4_nf},                                  \
			 {fp_##name##_ei_8, fp_##name##_ei_8_nf}},                                 \
			{{fp_##name##_gm_4, fp_##name##_gm_4_nf},                                  \
			 {fp_##name##_gm_8, fp_##name##_gm_8_nf}},                                 \
	}

enum {
	SRC_EG,
	SRC_GE,
	SRC_EI,
	SRC_GM
};

static const emu_handler fp_binops[7][4][2][2] = {
	FP_BINOP_ROW(add), FP_BINOP_ROW(or),  FP_BINOP_ROW(and),  FP_BINOP_ROW(sub),
	FP_BINOP_ROW(xor), FP_BINOP_ROW(cmp), FP_BINOP_ROW(test),
};

static int binop_row(unsigned op)
{
	switch (op) {
	case OP_ADD:
		return 0;
	case OP_OR:
		return 1;
	case OP_AND:
		return 2;
	case OP_SUB:
		return 3;
	case OP_XOR:
		return 4;
	case OP_CMP:
		return 5;
	case OP_TEST:
		return 6;
	default:
		return -1;
	}
}

/* ---- INC DEC ----------------------------------------------------------------- */

/* SDM INC/DEC: CF is kept, so it is taken from the pending record first. */
#define FP_INCDEC(name, alu, delta, W, T)                                                          \
	static void fp_##name##_##W(struct emu *e, const struct insn *in)                          \
	{                                                                                          \
		T a = (T)e->st.gpr[in->rm], r = (T)(a + (delta));                                  \
		e->st.rflags = (e->st.rflags & ~RFLAGS_CF) | fp_cf(e);                             \
		fp_record(e, alu, W, a, 1, r, ALU_STATUS & ~ALU_CF);                               \
		e->st.gpr[in->rm] = r;                                                             \
	}                                                                                          \
	static void fp_##name##_##W##_nf(struct emu *e, const struct insn *in)                     \
	{                                                                                          \
		e->st.gpr[in->rm] = (T)(e->st.gpr[in->rm] + (delta));                              \
	}

FP_INCDEC(inc, ALU_INC, 1, 4, uint32_t)
FP_INCDEC(inc, ALU_INC, 1, 8, uint64_t)
FP_INCDEC(dec, ALU_DEC, -1, 4, uint32_t)
FP_INCDEC(dec, ALU_DEC, -1, 8, uint64_t)

/* ---- shifts and rotates by an immediate, flags dead ---------------------------- */

/* The count is masked and not 0 (emu_block_optimise checks): c is 1..bits-1. */
#define FP_SHIFT(name, expr, W, T)                                                                 \
	static void fp_##name##_##W##_nf(struct emu *e, const struct insn *in)                     \
	{                                                                                          \
		T a = (T)e->st.gpr[in->rm];                                                        \
		unsigned c = (unsigned)in->imm & (W == 8 ? 63 : 31);                               \
		e->st.gpr[in->rm] = (T)(expr);                                                     \
	}

FP_SHIFT(rol, (a << c) | (a >> (32 - c)), 4, uint32_t)
FP_SHIFT(ror, (a >> c) | (a << (32 - c)), 4, uint32_t)
FP_SHIFT(shl, a << c, 4, uint32_t)
FP_SHIFT(shr, a >> c, 4, uint32_t)
FP_SHIFT(sar, (uint32_t)((int32_t)a >> c), 4, uint32_t)
FP_SHIFT(rol, (a << c) | (a >> (64 - c)), 8, uint64_t)
FP_SHIFT(ror, (a >> c) | (a << (64 - c)), 8, uint64_t)
FP_SHIFT(shl, a << c, 8, uint64_t)
FP_SHIFT(shr, a >> c, 8, uint64_t)
FP_SHIFT(sar, (uint64_t)((int64_t)a >> c), 8, uint64_t)

/* ---- MOV LEA ----------------------------------------------------------------- */

#define FP_MOV(W, T)                                                                               \
	static void fp_mov_eg_##W(struct emu *e, const struct insn *in)                            \
	{                                                                                          \
		e->st.gpr[in->rm] = (T)e->st.gpr[in->reg];                                         \
	}                                                                                          \
	static void fp_mov_ge_##W(struct emu *e, const struct insn *in)                            \
	{                                                                                          \
		e->st.gpr[in->reg] = (T)e->st.gpr[in->rm];                                         \
	}                                                                                          \
	static void fp_mov_ei_##W(struct emu *e, const struct insn *in)                            \
	{                                                                                          \
		e->st.gpr[in->rm] = (T)in->imm;                                                    \
	}                                                                                          \
	static void fp_load_##W(struct emu *e, const struct insn *in)                              \
	{                                                                                          \
		e->st.gpr[in->reg] = (T)fp_read(e, in->seg, emu_ea(e, in), W);                     \
	}                                                                                          \
	static void fp_store_##W(struct emu *e, const struct insn *in)                             \
	{                                                                                          \
		fp_write(e, in->seg, emu_ea(e, in), W, e->st.gpr[in->reg]);                        \
	}                                                                                          \
	static void fp_store_imm_##W(struct emu *e, const struct insn *in)                         \
	{                                                                                          \
		fp_write(e, in->seg, emu_ea(e, in), W, in->imm);                                   \
	}                                                                                          \
	static void fp_lea_##W(struct emu *e, const struct insn *in)                               \
	{                                                                                          \
		e->st.gpr[in->reg] = (T)emu_ea(e, in);                                             \
	}

FP_MOV(4, uint32_t)
FP_MOV(8, uint64_t)

/* ---- Jcc ------------------------------------------------------------------- */

/* As exec_flow.c's h_jcc: the target at the operand size, within CS or canonical. */
static void fp_jcc(struct emu *e, const struct insn *in)
{
	uint64_t target;

	if (!emu_cond(e, in->cc))
		return;
	target = (e->next_rip + in->imm) & emu_mask(in->osz);
	if (e->long64 ? !is_canonical(target, cpu_vaddr_bits(&e->st))
		      : target > e->st.seg[SEG_CS].limit)
		emu_gp(e, 0);
	e->next_rip = target;
}

/* ---- flag liveness ----------------------------------------------------------- */

struct flag_use {
	uint16_t writes; /* status flags the instruction always writes */
	uint16_t reads;	 /* status flags it may read (all: it may fault or exit) */
};

static struct flag_use flag_use(const struct insn *in)
{
	const struct flag_use all = {0, ALU_STATUS}, none = {0, 0};
	unsigned count = (unsigned)in->imm & (in->osz == 8 ? 63 : 31);
	/*
	 * Shifts and rotates write flags only for a non-zero masked count; only
	 * 32- and 64-bit ones are counted as writers (the 8- and 16-bit rotates
	 * reduce their count further).
	 */
	bool imm_count = in->form == INSN_FORM_EI && count != 0 && in->osz >= 4;

	/* A memory operand can fault; LOCK without one is #UD. */
	if (in->flags & (INSN_F_MEM | INSN_F_LOCK))
		return all;
	switch (in->op) {
	case OP_ADD:
	case OP_OR:
	case OP_AND:
	case OP_SUB:
	case OP_XOR:
	case OP_CMP:
	case OP_TEST:
	case OP_NEG:
		return (struct flag_use){ALU_STATUS, 0};
	case OP_ADC:
	case OP_SBB:
		return (struct flag_use){ALU_STATUS, ALU_CF};
	case OP_INC:
	case OP_DEC:
		return (struct flag_use){ALU_STATUS & ~ALU_CF, 0};
	case OP_ROL:
	case OP_ROR:
		return (struct flag_use){imm_count ? ALU_CF | ALU_OF : 0, 0};
	case OP_RCL:
	case OP_RCR:
		return (struct flag_use){imm_count ? ALU_CF | ALU_OF : 0, ALU_CF};
	case OP_SHL:
	case OP_SHR:
	case OP_SAR:
		return (struct flag_use){imm_count ? ALU_STATUS : 0, 0};
	case OP_NOT:
	case OP_MOV:
	case OP_MOVZX_B:
	case OP_MOVZX_W:
	case OP_MOVSX_B:
	case OP_MOVSX_W:
	case OP_MOVSXD:
	case OP_LEA:
	case OP_BSWAP:
	case OP_CBW:
	case OP_CWD:
	case OP_XCHG:
	case OP_NOP:
		return none;
	default:
		return all;
	}
}

/* The specialised handler for an instruction, or NULL to keep the generic one. */
static emu_handler fp_select(const struct insn *in, bool dead)
{
	unsigned w = in->osz == 8, mem = in->flags & INSN_F_MEM;
	int row = binop_row(in->op);

	if ((in->osz != 4 && in->osz != 8) || (in->flags & INSN_F_LOCK))
		return in->op == OP_JCC ? fp_jcc : NULL;
	if (row >= 0) {
		if (!mem && in->form == INSN_FORM_EG)
			return fp_binops[row][SRC_EG][w][dead];
		if (!mem && in->form == INSN_FORM_EI)
			return fp_binops[row][SRC_EI][w][dead];
		if (in->form == INSN_FORM_GE)
			return fp_binops[row][mem ? SRC_GM : SRC_GE][w][dead];
		return NULL;
	}
	switch (in->op) {
	case OP_INC:
		if (!mem)
			return w ? (dead ? fp_inc_8_nf : fp_inc_8)
				 : (dead ? fp_inc_4_nf : fp_inc_4);
		return NULL;
	case OP_DEC:
		if (!mem)
			return w ? (dead ? fp_dec_8_nf : fp_dec_8)
				 : (dead ? fp_dec_4_nf : fp_dec_4);
		return NULL;
	case OP_ROL:
	case OP_ROR:
	case OP_SHL:
	case OP_SHR:
	case OP_SAR: {
		static const emu_handler shifts[5][2] = {
			{fp_rol_4_nf, fp_rol_8_nf}, {fp_ror_4_nf, fp_ror_8_nf},
			{fp_shl_4_nf, fp_shl_8_nf}, {fp_shr_4_nf, fp_shr_8_nf},
			{fp_sar_4_nf, fp_sar_8_nf},
		};
		unsigned i = in->op == OP_ROL	? 0
			     : in->op == OP_ROR ? 1
			     : in->op == OP_SHL ? 2
			     : in->op == OP_SHR ? 3
						: 4;

		/* flag_use: only a non-zero immediate count writes the flags. */
		if (!mem && dead && in->form == INSN_FORM_EI && (in->imm & (w ? 63 : 31)))
			return shifts[i][w];
		return NULL;
	}
	case OP_MOV:
		switch (in->form) {
		case INSN_FORM_EG:
			return mem ? (w ? fp_store_8 : fp_store_4)
				   : (w ? fp_mov_eg_8 : fp_mov_eg_4);
		case INSN_FORM_GE:
			return mem ? (w ? fp_load_8 : fp_load_4) : (w ? fp_mov_ge_8 : fp_mov_ge_4);
		case INSN_FORM_EI:
			return mem ? (w ? fp_store_imm_8 : fp_store_imm_4)
				   : (w ? fp_mov_ei_8 : fp_mov_ei_4);
		default:
			return NULL;
		}
	case OP_LEA:
		return w ? fp_lea_8 : fp_lea_4;
	case OP_JCC:
		return fp_jcc;
	default:
		return NULL;
	}
}

void emu_block_optimise(struct emu *e, struct emu_block *b)
{
	uint32_t live = ALU_STATUS; /* after the block, everything may read the flags */

	if (e->generic_only)
		return;
	for (unsigned i = b->n; i-- > 0;) {
		const struct insn *in = &b->insn[i].in;
		struct flag_use u = flag_use(in);
		bool dead = u.writes && !(u.writes & live);
		emu_handler fn = fp_select(in, dead);

		if (fn)
			b->insn[i].fn = fn;
		live = (live & ~u.writes) | u.reads;
	}
}
