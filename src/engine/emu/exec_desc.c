/* SPDX-License-Identifier: MIT */
/*
 * Descriptor-table instructions (SDM Vol. 2): LGDT LIDT SGDT SIDT, LLDT SLDT,
 * LTR STR, and the selector probes VERR VERW LAR LSL and ARPL.
 */
#include <string.h>

#include "../../vcpu/cr.h"
#include "exec_seg.h"

/* SDM SGDT/SIDT/SLDT/STR/SMSW: CR4.UMIP makes them CPL-0 only. */
static void umip_check(struct emu *e)
{
	if ((e->st.cr4 & CR4_UMIP) && e->cpl > 0)
		emu_gp(e, 0);
}

/* The LLDT/LTR/SLDT/STR/VERR/VERW/LAR/LSL/ARPL family exists only in protected mode. */
static void protmode_only(struct emu *e)
{
	if (!e->protmode)
		emu_ud(e);
}

/*
 * Intel's 5-level paging white paper (2.5), KVM's X86EMUL_F_DT_LOAD: bases
 * loaded into GDTR, IDTR, LDTR and TR are checked against the widest linear
 * address the CPU supports (57 bits with LA57), whatever CR4.LA57 says; the
 * MSR bases are checked the same way (spec/msr.md §5.1).
 */
static unsigned dt_base_bits(const struct emu *e)
{
	return cpu_has(&e->cpu, FEAT_LA57) ? 57 : 48;
}

/*
 * SDM LGDT/LIDT: limit (2 bytes), then the base: 8 bytes in 64-bit mode (must be
 * canonical), else 4, of which a 16-bit operand size keeps 24 bits.
 */
static void load_dtable(struct emu *e, const struct insn *in, struct dtable *dt)
{
	uint64_t ea, base;
	uint16_t limit;

	if (e->cpl)
		emu_gp(e, 0);
	ea = emu_ea(e, in);
	limit = (uint16_t)emu_read(e, in->seg, ea, 2);
	base = emu_read(e, in->seg, (ea + 2) & emu_mask(in->asz), e->long64 ? 8 : 4);
	if (!e->long64 && in->osz == 2)
		base &= 0xffffff;
	if (e->long64 && !is_canonical(base, dt_base_bits(e)))
		emu_gp(e, 0);
	dt->base = base;
	dt->limit = limit;
}

/* SDM SGDT/SIDT: limit, then the base: 8 bytes in 64-bit mode, else all 32 bits. */
static void store_dtable(struct emu *e, const struct insn *in, const struct dtable *dt)
{
	uint8_t buf[10];
	uint64_t base = e->long64 ? dt->base : (uint32_t)dt->base;

	umip_check(e);
	memcpy(buf, &dt->limit, 2);
	memcpy(buf + 2, &base, 8);
	emu_write_bytes(e, in->seg, emu_ea(e, in), buf, e->long64 ? 10 : 6);
}

static void op_lgdt(struct emu *e, const struct insn *in)
{
	load_dtable(e, in, &e->st.gdt);
}
static void op_lidt(struct emu *e, const struct insn *in)
{
	load_dtable(e, in, &e->st.idt);
}
static void op_sgdt(struct emu *e, const struct insn *in)
{
	store_dtable(e, in, &e->st.gdt);
}
static void op_sidt(struct emu *e, const struct insn *in)
{
	store_dtable(e, in, &e->st.idt);
}

/*
 * The LDT or TSS descriptor sel names for LLDT/LTR: in the GDT (else #GP(sel)),
 * 16 bytes in IA-32e mode with a canonical base, of a type accepted by ok_type
 * (#GP(sel)), present (#NP(sel)).
 */
static void sys_desc(struct emu *e, uint16_t sel, bool (*ok_type)(unsigned, bool), struct desc *d)
{
	bool lma = e->st.efer & EFER_LMA;

	if ((sel & 4) || !emu_desc_read(e, sel, lma, d) || desc_s(d) || !ok_type(desc_type(d), lma))
		emu_seg_fault(e, EXC_GP, sel, 0);
	if (!desc_present(d))
		emu_seg_fault(e, EXC_NP, sel, 0);
	if (lma && !is_canonical(desc_base(d), dt_base_bits(e)))
		emu_seg_fault(e, EXC_GP, sel, 0);
}

static bool ldt_type(unsigned type, bool lma)
{
	(void)lma;
	return type == SYS_LDT;
}

/* An available TSS: 32-bit (64-bit in IA-32e mode), or 16-bit outside IA-32e mode. */
static bool tss_type(unsigned type, bool lma)
{
	return type == SYS_TSS || (!lma && type == SYS_TSS16);
}

/* SDM LLDT: a null selector leaves LDTR unusable. */
static void op_lldt(struct emu *e, const struct insn *in)
{
	struct segment *ldtr = &e->st.seg[SEG_LDTR];
	uint16_t sel;
	struct desc d;

	protmode_only(e);
	if (e->cpl)
		emu_gp(e, 0);
	sel = (uint16_t)emu_read_e(e, in, 2);
	if (sel_null(sel)) {
		ldtr->selector = sel;
		ldtr->unusable = true;
		return;
	}
	sys_desc(e, sel, ldt_type, &d);
	*ldtr = emu_desc_seg(sel, &d);
}

/* SDM LTR: the TSS descriptor is marked busy in memory (type bit 1). */
static void op_ltr(struct emu *e, const struct insn *in)
{
	uint16_t sel;
	struct desc d;
	uint8_t access;

	protmode_only(e);
	if (e->cpl)
		emu_gp(e, 0);
	sel = (uint16_t)emu_read_e(e, in, 2);
	if (sel_null(sel))
		emu_gp(e, 0);
	sys_desc(e, sel, tss_type, &d);
	access = (uint8_t)(d.lo >> 40) | 2;
	emu_write_lin(e, d.la + 5, &access, 1, true);
	d.lo |= 2ull << 40;
	e->st.seg[SEG_TR] = emu_desc_seg(sel, &d);
}

/* SDM SLDT/STR: a register gets the selector zero-extended at osz 4/8; memory 16 bits. */
static void store_sel(struct emu *e, const struct insn *in, unsigned seg)
{
	protmode_only(e);
	umip_check(e);
	emu_write_e(e, in, (in->flags & INSN_F_MEM) ? 2 : in->osz, e->st.seg[seg].selector);
}

static void op_sldt(struct emu *e, const struct insn *in)
{
	store_sel(e, in, SEG_LDTR);
}
static void op_str(struct emu *e, const struct insn *in)
{
	store_sel(e, in, SEG_TR);
}

/* ---- VERR VERW LAR LSL ARPL ------------------------------------------------ */

static void set_zf(struct emu *e, bool zf)
{
	uint64_t f = emu_rflags(e);

	e->st.rflags = zf ? f | RFLAGS_ZF : f & ~RFLAGS_ZF;
}

/*
 * SDM VERR/VERW/LAR/LSL: the descriptor of sel if the instruction may see it:
 * not null, inside its table, and (unless conforming code) DPL >= CPL and RPL.
 * Never faults on a bad selector.
 */
static bool probe_desc(struct emu *e, const struct insn *in, struct desc *d)
{
	uint16_t sel;

	protmode_only(e);
	sel = (uint16_t)emu_read_e(e, in, 2);
	if (sel_null(sel) || !emu_desc_read(e, sel, false, d))
		return false;
	return desc_conforming(d) || (desc_dpl(d) >= e->cpl && desc_dpl(d) >= (sel & 3u));
}

static void op_verr(struct emu *e, const struct insn *in)
{
	struct desc d;
	bool ok = probe_desc(e, in, &d) && desc_s(&d);

	set_zf(e, ok && (!desc_code(&d) || (desc_type(&d) & SEG_TYPE_WR)));
}

static void op_verw(struct emu *e, const struct insn *in)
{
	struct desc d;
	bool ok = probe_desc(e, in, &d) && desc_s(&d);

	set_zf(e, ok && !desc_code(&d) && (desc_type(&d) & SEG_TYPE_WR));
}

/* SDM LAR/LSL tables: the system types each accepts, outside and in IA-32e mode. */
static bool lar_type(const struct emu *e, const struct desc *d, bool lsl)
{
	static const uint16_t legacy[2] = {
		1u << SYS_TSS16 | 1u << SYS_LDT | 1u << SYS_TSS16_BUSY | 1u << SYS_CALL16 |
			1u << SYS_TASK | 1u << SYS_TSS | 1u << SYS_TSS_BUSY | 1u << SYS_CALL,
		1u << SYS_TSS16 | 1u << SYS_LDT | 1u << SYS_TSS16_BUSY | 1u << SYS_TSS |
			1u << SYS_TSS_BUSY,
	};
	static const uint16_t ia32e[2] = {
		1u << SYS_LDT | 1u << SYS_TSS | 1u << SYS_TSS_BUSY | 1u << SYS_CALL,
		1u << SYS_LDT | 1u << SYS_TSS | 1u << SYS_TSS_BUSY,
	};

	if (desc_s(d))
		return true;
	return ((e->st.efer & EFER_LMA) ? ia32e : legacy)[lsl] >> desc_type(d) & 1;
}

/* SDM LAR: the access rights, dword 2 AND 00FxFF00H (0xff00 at 16 bits). */
static void op_lar(struct emu *e, const struct insn *in)
{
	struct desc d;
	bool ok = probe_desc(e, in, &d) && lar_type(e, &d, false);

	if (ok)
		emu_set_reg(e, in, in->reg, in->osz,
			    (d.lo >> 32) & (in->osz == 2 ? 0xff00 : 0x00f0ff00));
	set_zf(e, ok);
}

/* SDM LSL: the byte-granular limit. */
static void op_lsl(struct emu *e, const struct insn *in)
{
	struct desc d;
	bool ok = probe_desc(e, in, &d) && lar_type(e, &d, true);

	if (ok)
		emu_set_reg(e, in, in->reg, in->osz, desc_limit(&d));
	set_zf(e, ok);
}

/* SDM ARPL: raise the destination's RPL to the source's. */
static void op_arpl(struct emu *e, const struct insn *in)
{
	uint16_t dst, src;

	protmode_only(e);
	dst = (uint16_t)emu_read_e(e, in, 2);
	src = (uint16_t)emu_reg(e, in, in->reg, 2);
	if ((dst & 3) < (src & 3)) {
		emu_write_e(e, in, 2, (dst & ~3u) | (src & 3u));
		set_zf(e, true);
	} else {
		set_zf(e, false);
	}
}

void emu_exec_desc_init(emu_handler *table)
{
	table[OP_LGDT] = op_lgdt;
	table[OP_LIDT] = op_lidt;
	table[OP_SGDT] = op_sgdt;
	table[OP_SIDT] = op_sidt;
	table[OP_LLDT] = op_lldt;
	table[OP_SLDT] = op_sldt;
	table[OP_LTR] = op_ltr;
	table[OP_STR] = op_str;
	table[OP_VERR] = op_verr;
	table[OP_VERW] = op_verw;
	table[OP_LAR] = op_lar;
	table[OP_LSL] = op_lsl;
	table[OP_ARPL] = op_arpl;
}
