/* SPDX-License-Identifier: MIT */
/*
 * Fast system calls (SDM Vol. 2 SYSCALL, SYSRET, SYSENTER, SYSEXIT, SWAPGS;
 * AMD APM Vol. 3 for AMD's legacy-mode SYSCALL/SYSRET). They load flat
 * segments from MSRs without reading descriptors. STAR, LSTAR, CSTAR and
 * SFMASK are user-return MSRs: SYSCALL and SYSRET read the values the
 * per-thread bank holds (uret_get), as hardware would after the VMM loaded them.
 */
#include "../../vcpu/cr.h"
#include "exec_seg.h"

/* A user-return MSR's value from the bank, or from the state if it has no slot. */
static uint64_t uret_msr(const struct emu *e, int slot, uint64_t fallback)
{
	return slot >= 0 ? uret_get(&e->uret_cpu, (unsigned)slot) : fallback;
}

/* The flat segments the fast calls load: base 0, 4 GiB, accessed code (L or D) or data (B). */
static struct segment seg_fast(uint16_t sel, bool code, unsigned dpl, bool l)
{
	return (struct segment){.selector = sel,
				.limit = 0xffffffff,
				.type = code ? 0xb : 0x3,
				.s = true,
				.dpl = (uint8_t)dpl,
				.present = true,
				.l = code && l,
				.db = !(code && l),
				.g = true};
}

static bool is_intel(const struct emu *e)
{
	return e->cpu.vendor == CPU_VENDOR_INTEL;
}

/*
 * SDM SYSCALL: Intel runs it in 64-bit mode only. IA-32e mode: RCX = the next
 * RIP, R11 = RFLAGS, RIP = LSTAR (AMD compatibility mode: CSTAR), RFLAGS &=
 * ~SFMASK. AMD legacy mode: ECX = the next EIP, EIP = STAR[31:0], IF, VM, RF
 * cleared. CS = STAR[47:32] (RPL 0), SS = CS + 8, CPL 0.
 */
static void op_syscall(struct emu *e, const struct insn *in)
{
	bool lma = e->st.efer & EFER_LMA;
	uint64_t star = uret_msr(e, e->uret_slot_star, e->st.msr.star), fl;
	uint16_t sel = (uint16_t)(star >> 32);

	(void)in;
	if (!(e->st.efer & EFER_SCE) || (is_intel(e) && !e->long64))
		emu_ud(e);
	fl = emu_rflags(e);
	if (lma) {
		e->st.gpr[GPR_RCX] = e->next_rip;
		e->st.gpr[GPR_R11] = fl & ~RFLAGS_RF;
		fl &= ~uret_msr(e, e->uret_slot_sfmask, e->st.msr.sfmask);
		e->next_rip = e->long64 ? uret_msr(e, e->uret_slot_lstar, e->st.msr.lstar)
					: uret_msr(e, e->uret_slot_cstar, e->st.msr.cstar);
	} else {
		e->st.gpr[GPR_RCX] = (uint32_t)e->next_rip;
		fl &= ~(RFLAGS_IF | RFLAGS_VM);
		e->next_rip = (uint32_t)star;
	}
	emu_set_rflags(e, fl & ~RFLAGS_RF);
	e->st.seg[SEG_CS] = seg_fast(sel & 0xfffc, true, 0, lma);
	e->st.seg[SEG_SS] = seg_fast((uint16_t)(sel + 8), false, 0, false);
	emu_sync_mode(e);
}

/*
 * SDM SYSRET: CPL 0; REX.W returns to 64-bit code at CS = STAR[63:48] + 16 with
 * RIP = RCX (Intel: #GP(0) if not canonical), else to 32-bit code at
 * STAR[63:48] with EIP = ECX; SS = STAR[63:48] + 8; CPL 3. IA-32e mode:
 * RFLAGS = R11 AND 3C7FD7H OR 2; AMD legacy mode: IF set.
 */
static void op_sysret(struct emu *e, const struct insn *in)
{
	bool to64 = in->osz == 8;
	uint16_t sel = (uint16_t)(uret_msr(e, e->uret_slot_star, e->st.msr.star) >> 48);
	uint64_t rip = to64 ? e->st.gpr[GPR_RCX] : (uint32_t)e->st.gpr[GPR_RCX];

	if (!(e->st.efer & EFER_SCE) || (is_intel(e) && !e->long64))
		emu_ud(e);
	if (!e->protmode || e->cpl != 0)
		emu_gp(e, 0);
	if (to64 && is_intel(e) && !is_canonical(rip, cpu_vaddr_bits(&e->st)))
		emu_gp(e, 0);
	if (e->st.efer & EFER_LMA)
		emu_set_rflags(e, e->st.gpr[GPR_R11] & 0x3c7fd7);
	else
		emu_set_rflags(e, emu_rflags(e) | RFLAGS_IF);
	e->st.seg[SEG_CS] = seg_fast((uint16_t)((to64 ? sel + 16 : sel) | 3), true, 3, to64);
	e->st.seg[SEG_SS] = seg_fast((uint16_t)((sel + 8) | 3), false, 3, false);
	e->next_rip = rip;
	emu_sync_mode(e);
}

/*
 * SDM SYSENTER: CS = SYSENTER_CS (RPL 0, #GP(0) when null), SS = CS + 8,
 * RIP/RSP = SYSENTER_EIP/ESP (32 bits outside IA-32e mode), IF, VM, RF cleared,
 * CPL 0; 64-bit code in IA-32e mode. AMD: #UD in long mode.
 */
static void op_sysenter(struct emu *e, const struct insn *in)
{
	bool lma = e->st.efer & EFER_LMA;
	uint16_t sel = (uint16_t)e->st.msr.sysenter_cs & 0xfffc;
	uint64_t mask = lma ? ~0ull : 0xffffffffull;

	(void)in;
	if (lma && !is_intel(e))
		emu_ud(e);
	if (!(e->st.cr0 & CR0_PE) || sel == 0)
		emu_gp(e, 0);
	emu_set_rflags(e, emu_rflags(e) & ~(RFLAGS_IF | RFLAGS_VM | RFLAGS_RF));
	e->st.seg[SEG_CS] = seg_fast(sel, true, 0, lma);
	e->st.seg[SEG_SS] = seg_fast((uint16_t)(sel + 8), false, 0, false);
	e->st.gpr[GPR_RSP] = e->st.msr.sysenter_esp & mask;
	e->next_rip = e->st.msr.sysenter_eip & mask;
	emu_sync_mode(e);
}

/*
 * SDM SYSEXIT: CPL 0 in protected mode, SYSENTER_CS not null (else #GP(0)).
 * REX.W: 64-bit CS = SYSENTER_CS + 32, SS = + 40, RIP = RDX, RSP = RCX (Intel:
 * #GP(0) unless canonical); else 32-bit CS = + 16, SS = + 24, EIP = EDX,
 * ESP = ECX. CPL 3. AMD: #UD in long mode.
 */
static void op_sysexit(struct emu *e, const struct insn *in)
{
	bool to64 = in->osz == 8, lma = e->st.efer & EFER_LMA;
	uint16_t sel = (uint16_t)e->st.msr.sysenter_cs;
	uint64_t rip = e->st.gpr[GPR_RDX], rsp = e->st.gpr[GPR_RCX];
	unsigned bits = cpu_vaddr_bits(&e->st);

	if (lma && !is_intel(e))
		emu_ud(e);
	if (!e->protmode || (sel & 0xfffc) == 0 || e->cpl != 0)
		emu_gp(e, 0);
	if (to64 && (!is_canonical(rip, bits) || !is_canonical(rsp, bits)))
		emu_gp(e, 0);
	if (!to64) {
		rip = (uint32_t)rip;
		rsp = (uint32_t)rsp;
	}
	e->st.seg[SEG_CS] = seg_fast((uint16_t)((sel + (to64 ? 32 : 16)) | 3), true, 3, to64);
	e->st.seg[SEG_SS] = seg_fast((uint16_t)((sel + (to64 ? 40 : 24)) | 3), false, 3, false);
	e->st.gpr[GPR_RSP] = rsp;
	e->next_rip = rip;
	emu_sync_mode(e);
}

/* SDM SWAPGS: 64-bit mode, CPL 0; exchanges GS.base and IA32_KERNEL_GS_BASE. */
static void op_swapgs(struct emu *e, const struct insn *in)
{
	uint64_t base;

	(void)in;
	if (!e->long64)
		emu_ud(e);
	if (e->cpl != 0)
		emu_gp(e, 0);
	base = e->st.seg[SEG_GS].base;
	e->st.seg[SEG_GS].base = e->st.msr.kernel_gs_base;
	e->st.msr.kernel_gs_base = base;
}

void emu_exec_fast_init(emu_handler *table)
{
	table[OP_SYSCALL] = op_syscall;
	table[OP_SYSRET] = op_sysret;
	table[OP_SYSENTER] = op_sysenter;
	table[OP_SYSEXIT] = op_sysexit;
	table[OP_SWAPGS] = op_swapgs;
}
