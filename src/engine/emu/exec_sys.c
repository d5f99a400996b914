/* SPDX-License-Identifier: MIT */
/*
 * System instructions of the emu executor (SDM Vol. 2 instruction pages;
 * Vol. 3A 2.5-2.8 for the control and debug registers).
 *
 * The privileged or sensitive ones exit where a hypervisor would see an exit:
 * MOV CR, LMSW and CLTS (CR_ACCESS), RDMSR/WRMSR, CPUID, XSETBV and HLT. The
 * handler does what the processor does before a VM exit (the mode and CPL
 * checks, which come before any intercept: SDM Vol. 3C 25.1.1), fills
 * *e->exit and leaves with RIP on the instruction; the vCPU model decides the
 * rest and the next run completes it (vcpu_complete). The others run here:
 * SMSW, XGETBV, MOV DR, INVLPG, WBINVD/INVD, RDTSC/RDTSCP/RDPID, RDPMC, and
 * PUSHF/POPF/CLI/STI with their IOPL rules.
 *
 * Not modelled: virtual-8086 mode extensions and protected-mode virtual
 * interrupts (CR4.VME/PVI: CLI, STI, PUSHF and POPF take the IOPL rules
 * alone), breakpoint matching on DR0-DR3 (the registers hold their values;
 * DR7.GD does fault), and performance counters (RDPMC).
 */
#include <x86intrin.h>

#include "exec_sys.h"

/* ---- control registers ---------------------------------------------------- */

/*
 * Leave with a CR access. vx86 exits for every MOV to and from a CR, although
 * VMX lets CR0/CR4 reads hit the read shadows and usually keeps CR8 in the TPR
 * shadow: one path for every CR is simpler, and each access shows in a trace.
 */
static _Noreturn void cr_exit(struct emu *e, unsigned cr, enum cr_access_type type, unsigned gpr,
			      uint64_t value)
{
	e->exit->cr = (struct exit_cr){
		.cr = (uint8_t)cr, .type = (uint8_t)type, .gpr = (uint8_t)gpr, .value = value};
	emu_sys_exit(e, EXIT_REASON_CR_ACCESS);
}

/*
 * SDM MOV—Move to/from Control Registers: #GP(0) in virtual-8086 mode; #UD
 * for CR1, CR5-CR7 and CR9-CR15 (an opcode fault, so before the privilege
 * check: SDM Vol. 3A Table 6-2); #GP(0) at CPL > 0. CR8 is encodable only in
 * 64-bit mode (REX.R), which the decoder sees to.
 */
static unsigned cr_check(struct emu *e, const struct insn *in)
{
	unsigned cr = in->reg;

	if (e->v8086)
		emu_gp(e, 0);
	if (cr != 0 && cr != 2 && cr != 3 && cr != 4 && cr != 8)
		emu_ud(e);
	if (e->cpl)
		emu_gp(e, 0);
	return cr;
}

/* The register operand is 64 bits in 64-bit mode, else 32 (in->osz says which). */
static void op_mov_to_cr(struct emu *e, const struct insn *in)
{
	unsigned cr = cr_check(e, in);

	cr_exit(e, cr, CR_ACCESS_MOV_TO, in->rm, emu_reg(e, in, in->rm, in->osz));
}

static void op_mov_from_cr(struct emu *e, const struct insn *in)
{
	unsigned cr = cr_check(e, in);

	cr_exit(e, cr, CR_ACCESS_MOV_FROM, in->rm, 0);
}

/* SDM LMSW: CPL 0 (virtual-8086 mode is CPL 3); the source is a word, register or memory. */
static void op_lmsw(struct emu *e, const struct insn *in)
{
	uint64_t msw;

	if (e->cpl)
		emu_gp(e, 0);
	msw = emu_read_e(e, in, 2);
	cr_exit(e, 0, CR_ACCESS_LMSW, 0, msw);
}

/* SDM CLTS: CPL 0. */
static void op_clts(struct emu *e, const struct insn *in)
{
	(void)in;
	if (e->cpl)
		emu_gp(e, 0);
	cr_exit(e, 0, CR_ACCESS_CLTS, 0, 0);
}

/*
 * SDM SMSW: with CR4.UMIP, CPL > 0 gets #GP(0). A memory destination takes
 * CR0[15:0]; a register takes CR0 at the operand size (the SDM leaves bits
 * 31:16 of r32 undefined outside 64-bit mode; processors store CR0[31:0], and
 * so does KVM's em_smsw).
 */
static void op_smsw(struct emu *e, const struct insn *in)
{
	if ((e->st.cr4 & CR4_UMIP) && e->cpl > 0)
		emu_gp(e, 0);
	emu_write_e(e, in, (in->flags & INSN_F_MEM) ? 2 : in->osz, e->st.cr0);
}

/* ---- debug registers (SDM Vol. 3A 18.2) ----------------------------------- */

#define DR6_BD	       (1ull << 13)
#define DR6_RTM	       (1ull << 16)
#define DR6_ACTIVE_LOW 0xffff0ff0ull /* reads as 1 unless an event clears it; the RESET value */
#define DR6_VOLATILE   0x0001e80full /* B0-B3, BLD (11), BD, BS, BT, RTM (16) */
#define DR6_BLD	       (1ull << 11)
#define DR7_RTM	       (1ull << 11)
#define DR7_GD	       (1ull << 13)
#define DR7_FIXED_1    (1ull << 10)
#define DR7_VOLATILE   0xffff23ffull /* L0-G3, LE, GE, GD, R/W0-LEN3 (RTM: see dr7_writable) */

/*
 * SDM 18.2.3: DR6 bits without a modelled event are fixed: the reserved ones,
 * RTM (16) without RTM and BLD (11) without bus-lock detection (which the CPU
 * model never reports), as KVM's kvm_dr6_fixed.
 */
static uint64_t dr6_fixed(const struct emu *e)
{
	uint64_t fixed = DR6_ACTIVE_LOW & ~DR6_VOLATILE;

	if (!cpu_has(&e->cpu, FEAT_RTM))
		fixed |= DR6_RTM;
	return fixed | DR6_BLD;
}

/* SDM 18.2.4: bit 10 is 1; 12, 14, 15 are 0; RTM (11) exists with RTM. */
static uint64_t dr7_writable(const struct emu *e)
{
	return DR7_VOLATILE | (cpu_has(&e->cpu, FEAT_RTM) ? DR7_RTM : 0);
}

/*
 * SDM MOV—Move to/from Debug Registers, in KVM's order (emulate.c
 * check_dr_write/check_dr_read): #GP(0) in virtual-8086 mode or at CPL > 0;
 * for a write in 64-bit mode, #GP(0) for bits 63:32 of DR6/DR7; DR4/DR5 are
 * #UD with CR4.DE and otherwise DR6/DR7; with DR7.GD a #DB fault, DR6.BD set
 * and GD cleared for the handler (SDM 18.2.4). DR8-DR15 are the decoder's #UD.
 * Returns the register number after aliasing.
 */
static unsigned dr_check(struct emu *e, const struct insn *in, bool write, uint64_t val)
{
	unsigned dr = in->reg;

	if (e->cpl) /* virtual-8086 mode runs at CPL 3 */
		emu_gp(e, 0);
	if (dr == 4 || dr == 5) {
		if (e->st.cr4 & CR4_DE)
			emu_ud(e);
		dr += 2;
	}
	if (write && dr >= 6 && (val >> 32))
		emu_gp(e, 0);
	if (e->st.dr7 & DR7_GD) {
		e->st.dr6 = (e->st.dr6 & ~0xfull) | DR6_BD | DR6_ACTIVE_LOW;
		e->st.dr7 &= ~DR7_GD;
		emu_raise(e, EXC_DB, false, 0);
	}
	return dr;
}

/*
 * DR0-DR3 take the whole register; a non-canonical address is accepted (the
 * SDM lists no fault for it; KVM does the same), it just never matches.
 */
static void op_mov_to_dr(struct emu *e, const struct insn *in)
{
	uint64_t val = emu_reg(e, in, in->rm, in->osz);
	unsigned dr = dr_check(e, in, true, val);

	if (dr < 4)
		e->st.dr[dr] = val;
	else if (dr == 6)
		e->st.dr6 = (val & DR6_VOLATILE) | dr6_fixed(e);
	else
		e->st.dr7 = (val & dr7_writable(e)) | DR7_FIXED_1;
}

static void op_mov_from_dr(struct emu *e, const struct insn *in)
{
	unsigned dr = dr_check(e, in, false, 0);
	uint64_t val = dr < 4 ? e->st.dr[dr] : dr == 6 ? e->st.dr6 : e->st.dr7;

	emu_set_reg(e, in, in->rm, in->osz, val);
}

/* ---- MSRs, CPUID, XCRs, HLT ------------------------------------------------ */

static uint64_t edx_eax(const struct emu *e)
{
	return (uint32_t)e->st.gpr[GPR_RAX] | (uint64_t)(uint32_t)e->st.gpr[GPR_RDX] << 32;
}

/* EDX:EAX <- v, the upper halves of RAX and RDX zeroed (as every EDX:EAX result). */
static void set_edx_eax(struct emu *e, uint64_t v)
{
	e->st.gpr[GPR_RAX] = (uint32_t)v;
	e->st.gpr[GPR_RDX] = v >> 32;
}

/* SDM RDMSR/WRMSR: #GP(0) at CPL > 0 (and in virtual-8086 mode); ECX is the index. */
static void msr_check(struct emu *e)
{
	if (!cpu_has(&e->cpu, FEAT_MSR))
		emu_ud(e);
	if (e->cpl)
		emu_gp(e, 0);
}

static void op_rdmsr(struct emu *e, const struct insn *in)
{
	(void)in;
	msr_check(e);
	e->exit->msr = (struct exit_msr){.index = (uint32_t)e->st.gpr[GPR_RCX]};
	emu_sys_exit(e, EXIT_REASON_MSR_READ);
}

static void op_wrmsr(struct emu *e, const struct insn *in)
{
	(void)in;
	msr_check(e);
	e->exit->msr = (struct exit_msr){.index = (uint32_t)e->st.gpr[GPR_RCX], .data = edx_eax(e)};
	emu_sys_exit(e, EXIT_REASON_MSR_WRITE);
}

/* MSR_MISC_FEATURES_ENABLES (0x140) bit 0: CPUID faulting (Intel's "Virtualizing CPUID"). */
#define MISC_FEATURES_CPUID_FAULT (1ull << 0)

/* CPUID faulting makes CPUID at CPL > 0 a #GP(0), before the exit (KVM: kvm_emulate_cpuid). */
static void op_cpuid(struct emu *e, const struct insn *in)
{
	(void)in;
	if ((e->st.msr.misc_features_enables & MISC_FEATURES_CPUID_FAULT) && e->cpl > 0)
		emu_gp(e, 0);
	e->exit->cpuid = (struct exit_cpuid){.leaf = (uint32_t)e->st.gpr[GPR_RAX],
					     .subleaf = (uint32_t)e->st.gpr[GPR_RCX]};
	emu_sys_exit(e, EXIT_REASON_CPUID);
}

/*
 * SDM XSETBV: #UD without XSAVE. The CPL, CR4.OSXSAVE and value rules are the
 * model's (cr_set_xcr), which answers with a fault in the exit.
 */
static void op_xsetbv(struct emu *e, const struct insn *in)
{
	(void)in;
	if (!cpu_has(&e->cpu, FEAT_XSAVE))
		emu_ud(e);
	e->exit->xsetbv =
		(struct exit_xsetbv){.index = (uint32_t)e->st.gpr[GPR_RCX], .value = edx_eax(e)};
	emu_sys_exit(e, EXIT_REASON_XSETBV);
}

/*
 * SDM XGETBV: #UD without CR4.OSXSAVE; ECX = 0 reads XCR0; ECX = 1 (with
 * CPUID.(EAX=0DH,ECX=1):EAX[2]) reads XCR0 AND XINUSE, where vx86 reports
 * every enabled component in use (SDM 13.6 allows XINUSE[i] = 1 for a
 * component in its initial configuration); any other ECX is #GP(0).
 * Any CPL. No exit: neither VMX nor SVM intercepts XGETBV.
 */
static void op_xgetbv(struct emu *e, const struct insn *in)
{
	const struct cpuid_entry *d1 = cpu_model_leaf(&e->cpu, 0xd, 1);
	uint32_t ecx = (uint32_t)e->st.gpr[GPR_RCX];

	(void)in;
	if (!(e->st.cr4 & CR4_OSXSAVE))
		emu_ud(e);
	if (ecx > 1 || (ecx == 1 && !(d1 && (d1->eax & (1u << 2)))))
		emu_gp(e, 0);
	set_edx_eax(e, e->st.xcr0);
}

/*
 * VMCALL (Intel) and VMMCALL (AMD): in a guest, both leave to the hypervisor
 * at any CPL and in any mode (SDM Vol. 3C 26.1.2; APM VMMCALL intercept),
 * which answers them as KVM's hypercalls. Like KVM, vx86 takes either on
 * either vendor.
 */
static void op_vmcall(struct emu *e, const struct insn *in)
{
	(void)in;
	emu_sys_exit(e, EXIT_REASON_VMCALL);
}

/* SDM HLT: CPL 0. */
static void op_hlt(struct emu *e, const struct insn *in)
{
	(void)in;
	if (e->cpl)
		emu_gp(e, 0);
	emu_sys_exit(e, EXIT_REASON_HLT);
}

/* ---- TLB and caches --------------------------------------------------------- */

/*
 * SDM INVLPG: CPL 0; the register form is the decoder's #UD. The address is
 * the segment base plus the offset with no checks: a non-canonical address
 * just invalidates nothing (SDM: "INVLPG ... is a NOP").
 */
static void op_invlpg(struct emu *e, const struct insn *in)
{
	uint64_t la = emu_ea(e, in);

	if (e->cpl)
		emu_gp(e, 0);
	if (!e->long64)
		la = (uint32_t)(la + e->st.seg[in->seg].base);
	else if (in->seg == SEG_FS || in->seg == SEG_GS)
		la += e->st.seg[in->seg].base;
	emu_tlb_flush_page(e, la);
}

/*
 * SDM WBINVD/INVD: CPL 0. Guest memory is host memory, coherent already: both
 * are no-ops, as KVM (which emulates WBINVD in the kernel and treats INVD as
 * WBINVD) makes them without non-coherent DMA.
 */
static void op_wbinvd(struct emu *e, const struct insn *in)
{
	(void)in;
	if (e->cpl)
		emu_gp(e, 0);
}

/* ---- time, TSC_AUX, performance counters ------------------------------------ */

/* Guest TSC = host TSC + offset (SDM Vol. 3C 26.3 "TSC offsetting"). */
static uint64_t guest_tsc(const struct emu *e)
{
	return __rdtsc() + (uint64_t)e->tsc_offset;
}

/* IA32_TSC_AUX as the user-return bank holds it for this thread (what RDTSCP reads). */
static uint64_t tsc_aux(const struct emu *e)
{
	if (e->uret_slot_tsc_aux < 0)
		return e->st.msr.tsc_aux;
	return uret_get(&e->uret_cpu, (unsigned)e->uret_slot_tsc_aux);
}

/* SDM RDTSC: #GP(0) with CR4.TSD at CPL > 0. */
static void op_rdtsc(struct emu *e, const struct insn *in)
{
	(void)in;
	if ((e->st.cr4 & CR4_TSD) && e->cpl > 0)
		emu_gp(e, 0);
	set_edx_eax(e, guest_tsc(e));
}

/* SDM RDTSCP: #UD without CPUID.80000001H:EDX.RDTSCP; then RDTSC's rule; ECX = TSC_AUX. */
static void op_rdtscp(struct emu *e, const struct insn *in)
{
	if (!cpu_has(&e->cpu, FEAT_RDTSCP))
		emu_ud(e);
	op_rdtsc(e, in);
	e->st.gpr[GPR_RCX] = (uint32_t)tsc_aux(e);
}

/* SDM RDPID: #UD without CPUID.(EAX=07H,ECX=0):ECX.RDPID; r64 in 64-bit mode, else r32. */
static void op_rdpid(struct emu *e, const struct insn *in)
{
	if (!cpu_has(&e->cpu, FEAT_RDPID))
		emu_ud(e);
	emu_set_reg(e, in, in->rm, in->osz, tsc_aux(e));
}

/*
 * SDM RDPMC: #GP(0) at CPL > 0 with CR4.PCE = 0, and #GP(0) when ECX names
 * no counter. vx86 models no PMU (CPUID leaf 0AH reports none), so no ECX
 * names a counter: #GP(0) whatever the CPL.
 */
static void op_rdpmc(struct emu *e, const struct insn *in)
{
	(void)in;
	emu_gp(e, 0);
}

/* ---- flags under IOPL (SDM PUSHF, POPF, CLI, STI) --------------------------- */

/* What POPF may change at CPL 0 (SDM POPF: never VM, RF, VIF, VIP or reserved bits). */
#define POPF_BITS                                                                                  \
	(RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_TF | RFLAGS_IF |       \
	 RFLAGS_DF | RFLAGS_OF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_AC | RFLAGS_ID)

/* Without CR4.VME, PUSHF and POPF in virtual-8086 mode need IOPL 3. */
static void flags_v86_check(struct emu *e)
{
	if (e->v8086 && emu_iopl(e) < 3)
		emu_gp(e, 0);
}

/* The image has VM and RF clear (SDM PUSHF); 16 bits push FLAGS. */
static void op_pushf(struct emu *e, const struct insn *in)
{
	flags_v86_check(e);
	emu_push(e, in->osz, emu_rflags(e) & ~(RFLAGS_VM | RFLAGS_RF));
}

/*
 * SDM POPF: IOPL changes only at CPL 0, IF only at CPL <= IOPL; otherwise they
 * keep their values without a fault. A 16-bit POPF changes bits 15:0 only; a
 * wider one clears RF. AC and ID are writable (both CPU models have them).
 */
static void op_popf(struct emu *e, const struct insn *in)
{
	uint64_t old, val, mask = POPF_BITS;

	flags_v86_check(e);
	val = emu_pop(e, in->osz);
	old = emu_rflags(e);
	if (e->cpl > 0)
		mask &= ~RFLAGS_IOPL;
	if (e->cpl > emu_iopl(e))
		mask &= ~RFLAGS_IF;
	if (in->osz == 2)
		mask &= 0xffff;
	else
		old &= ~RFLAGS_RF;
	emu_set_rflags(e, (old & ~mask) | (val & mask));
}

/*
 * SDM CLI/STI without VME/PVI: IF changes when CPL <= IOPL (real mode is CPL 0,
 * virtual-8086 mode CPL 3, so IOPL 3 there), else #GP(0).
 */
static void op_cli(struct emu *e, const struct insn *in)
{
	(void)in;
	if (e->cpl > emu_iopl(e))
		emu_gp(e, 0);
	e->st.rflags &= ~RFLAGS_IF;
}

/* An STI that sets IF blocks interrupts until after the next instruction (SDM STI). */
static void op_sti(struct emu *e, const struct insn *in)
{
	(void)in;
	if (e->cpl > emu_iopl(e))
		emu_gp(e, 0);
	if (!(e->st.rflags & RFLAGS_IF))
		e->shadow_next = true;
	e->st.rflags |= RFLAGS_IF;
}

void emu_exec_sys_init(emu_handler *table)
{
	table[OP_MOV_TO_CR] = op_mov_to_cr;
	table[OP_MOV_FROM_CR] = op_mov_from_cr;
	table[OP_LMSW] = op_lmsw;
	table[OP_SMSW] = op_smsw;
	table[OP_CLTS] = op_clts;
	table[OP_MOV_TO_DR] = op_mov_to_dr;
	table[OP_MOV_FROM_DR] = op_mov_from_dr;
	table[OP_RDMSR] = op_rdmsr;
	table[OP_WRMSR] = op_wrmsr;
	table[OP_CPUID] = op_cpuid;
	table[OP_XSETBV] = op_xsetbv;
	table[OP_XGETBV] = op_xgetbv;
	table[OP_HLT] = op_hlt;
	table[OP_VMCALL] = op_vmcall;
	table[OP_INVLPG] = op_invlpg;
	table[OP_WBINVD] = op_wbinvd;
	table[OP_INVD] = op_wbinvd;
	table[OP_RDTSC] = op_rdtsc;
	table[OP_RDTSCP] = op_rdtscp;
	table[OP_RDPID] = op_rdpid;
	table[OP_RDPMC] = op_rdpmc;
	table[OP_PUSHF] = op_pushf;
	table[OP_POPF] = op_popf;
	table[OP_CLI] = op_cli;
	table[OP_STI] = op_sti;
	emu_exec_io_init(table);
	emu_exec_fpu_init(table);
}
