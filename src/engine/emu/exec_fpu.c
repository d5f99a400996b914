/* SPDX-License-Identifier: MIT */
/*
 * The x87 and SSE state instructions of the emu executor: FNINIT, FNCLEX,
 * FNSTSW, FNSTCW, FLDCW, FWAIT, FXSAVE, FXRSTOR, LDMXCSR, STMXCSR. vx86 runs
 * no x87 or SSE arithmetic, so the state only moves: a guest kernel can save
 * and restore it, and set up its control words.
 *
 * Device-not-available rules: SDM Vol. 3A 2.5 and Table 2-2 (CR0.EM, MP, TS).
 * The FXSAVE image: SDM Vol. 1 10.5.1, Table 10-2 (32-bit format) and
 * Table 10-3/10-5 (64-bit format, FXSAVE64 with REX.W).
 */
#include <string.h>

#include "exec_sys.h"

#define FSW_EXC	   0x003f /* IE DE ZE OE UE PE */
#define FSW_SF	   0x0040
#define FSW_ES	   0x0080
#define FSW_B	   0x8000
#define FCW_RSVD   0xe0c0 /* bits 6, 7, 13-15; bit 6 reads as 1 (Bochs FPU_CW_Reserved_Bits) */
#define MXCSR_MASK 0x0000ffffu

/*
 * MXCSR_MASK in the FXSAVE image: every bit of MXCSR 15:0 writable (DAZ
 * included), as Intel processors since the Pentium 4 report. AMD's MM bit
 * (17, misaligned-SSE mode) is not offered: neither CPU model has it.
 */

/* Table 2-2: an x87 instruction with CR0.EM or CR0.TS raises #NM. */
static void x87_check(struct emu *e)
{
	if (e->st.cr0 & (CR0_EM | CR0_TS))
		emu_raise(e, EXC_NM, false, 0);
}

/*
 * SDM Vol. 1 8.6: a waiting x87 instruction first takes a pending unmasked
 * exception: #MF with CR0.NE. With NE = 0 the PC's FERR#/IRQ 13 path is not
 * modelled and the instruction goes on.
 */
static void x87_pending(struct emu *e)
{
	if ((e->fpu.fsw & ~e->fpu.fcw & FSW_EXC) && (e->st.cr0 & CR0_NE))
		emu_raise(e, EXC_MF, false, 0);
}

/* SDM FNINIT: FCW 0x37F, FSW 0, every register empty, FOP/FIP/FDP 0. */
static void op_fninit(struct emu *e, const struct insn *in)
{
	(void)in;
	x87_check(e);
	e->fpu.fcw = FCW_RESET;
	e->fpu.fsw = 0;
	e->fpu.ftw = 0;
	e->fpu.fop = 0;
	e->fpu.fip = 0;
	e->fpu.fdp = 0;
}

/* SDM FNCLEX: clears the exception flags, SF, ES and B; C0-C3 and TOP stay. */
static void op_fnclex(struct emu *e, const struct insn *in)
{
	(void)in;
	x87_check(e);
	e->fpu.fsw &= (uint16_t) ~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
}

/* FNSTSW m16 or AX (the decoder makes DF E0 a register E that is AX). */
static void op_fnstsw(struct emu *e, const struct insn *in)
{
	x87_check(e);
	emu_write_e(e, in, 2, e->fpu.fsw);
}

static void op_fnstcw(struct emu *e, const struct insn *in)
{
	x87_check(e);
	emu_write_e(e, in, 2, e->fpu.fcw);
}

/*
 * SDM FLDCW: waiting, so a pending exception comes first. ES and B then say
 * whether the new word unmasks a flagged exception, which the next waiting
 * instruction takes (Bochs FLDCW).
 */
static void op_fldcw(struct emu *e, const struct insn *in)
{
	uint16_t cw;

	x87_check(e);
	x87_pending(e);
	cw = (uint16_t)emu_read_e(e, in, 2);
	e->fpu.fcw = (uint16_t)((cw & ~FCW_RSVD) | 0x40);
	if (e->fpu.fsw & ~e->fpu.fcw & FSW_EXC)
		e->fpu.fsw |= FSW_ES | FSW_B;
	else
		e->fpu.fsw &= (uint16_t) ~(FSW_ES | FSW_B);
}

/* Table 2-2: WAIT/FWAIT raises #NM only with both CR0.TS and CR0.MP. */
static void op_fwait(struct emu *e, const struct insn *in)
{
	(void)in;
	if ((e->st.cr0 & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP))
		emu_raise(e, EXC_NM, false, 0);
	x87_pending(e);
}

/* ---- FXSAVE / FXRSTOR --------------------------------------------------------- */

/*
 * SDM FXSAVE/FXRSTOR: #UD without FXSR or with CR0.EM, #NM with CR0.TS, then
 * #GP(0) unless the area is 16-byte aligned (the linear address, as KVM's
 * emulator checks it), after the segment checks for its 512 bytes. Returns
 * the offset of the area in in->seg.
 */
static uint64_t fx_area(struct emu *e, const struct insn *in, bool write)
{
	uint64_t off;

	if (!cpu_has(&e->cpu, FEAT_FXSR) || (e->st.cr0 & CR0_EM))
		emu_ud(e);
	if (e->st.cr0 & CR0_TS)
		emu_raise(e, EXC_NM, false, 0);
	off = emu_ea(e, in);
	if (emu_linear(e, in->seg, off, 512, write) & 15)
		emu_gp(e, 0);
	return off;
}

/*
 * How many XMM registers the image holds: 16 in 64-bit mode, else 8; none
 * with AMD's fast FXSAVE/FXRSTOR (EFER.FFXSR at CPL 0 in 64-bit mode, AMD
 * APM Vol. 4 FXSAVE). XMM and MXCSR are saved whatever CR4.OSFXSR says (the
 * SDM leaves it to the implementation; saving always loses nothing).
 */
static unsigned fx_nxmm(const struct emu *e)
{
	if ((e->st.efer & EFER_FFXSR) && e->long64 && e->cpl == 0)
		return 0;
	return e->long64 ? 16 : 8;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}
static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}
static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}
static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/*
 * FIP and FDP: with REX.W (FXSAVE64) 64-bit offsets at bytes 8 and 16;
 * otherwise FIP[31:0], FCS at 12 and FDP[31:0], FDS at 20. struct emu_fpu
 * keeps the 32-bit format's selector in bits 47:32, so an image comes back
 * as it went in.
 */
static void fx_put_ptr(uint8_t *p, uint64_t v, bool w64)
{
	if (w64) {
		memcpy(p, &v, 8);
		return;
	}
	put32(p, (uint32_t)v);
	put16(p + 4, (uint16_t)(v >> 32));
	put16(p + 6, 0);
}

static uint64_t fx_get_ptr(const uint8_t *p, bool w64)
{
	uint64_t v;

	if (w64) {
		memcpy(&v, p, 8);
		return v;
	}
	return get32(p) | (uint64_t)get16(p + 4) << 32;
}

/*
 * Bytes 0-159 and the XMM registers. The reserved rest of 0-463 and the
 * software bytes 464-511 are left as they are (SDM 10.5.1: the processor
 * does not write bytes 464-511).
 */
static void op_fxsave(struct emu *e, const struct insn *in)
{
	uint64_t off = fx_area(e, in, true);
	bool w64 = in->rex & 8;
	unsigned nxmm = fx_nxmm(e);
	uint8_t img[160 + 16 * 16];

	memset(img, 0, sizeof(img));
	put16(img, e->fpu.fcw);
	put16(img + 2, e->fpu.fsw);
	img[4] = e->fpu.ftw;
	put16(img + 6, e->fpu.fop);
	fx_put_ptr(img + 8, e->fpu.fip, w64);
	fx_put_ptr(img + 16, e->fpu.fdp, w64);
	put32(img + 24, e->fpu.mxcsr);
	put32(img + 28, MXCSR_MASK);
	memcpy(img + 32, e->fpu.st, sizeof(e->fpu.st));
	memcpy(img + 160, e->fpu.xmm, 16 * nxmm);
	emu_probe_write(e, in->seg, off, 512);
	emu_write_bytes(e, in->seg, off, img, 160 + 16 * nxmm);
}

/* SDM FXRSTOR: #GP(0) if the MXCSR image sets a bit outside MXCSR_MASK; nothing loads. */
static void op_fxrstor(struct emu *e, const struct insn *in)
{
	uint64_t off = fx_area(e, in, false);
	bool w64 = in->rex & 8;
	unsigned nxmm = fx_nxmm(e);
	uint8_t img[512];
	uint32_t mxcsr;

	emu_read_bytes(e, in->seg, off, img, sizeof(img));
	mxcsr = get32(img + 24);
	if (mxcsr & ~MXCSR_MASK)
		emu_gp(e, 0);
	e->fpu.fcw = get16(img);
	e->fpu.fsw = get16(img + 2);
	e->fpu.ftw = img[4];
	e->fpu.fop = get16(img + 6);
	e->fpu.fip = fx_get_ptr(img + 8, w64);
	e->fpu.fdp = fx_get_ptr(img + 16, w64);
	e->fpu.mxcsr = mxcsr;
	memcpy(e->fpu.st, img + 32, sizeof(e->fpu.st));
	memcpy(e->fpu.xmm, img + 160, 16 * nxmm);
}

/* ---- MXCSR -------------------------------------------------------------------------- */

/* SDM LDMXCSR/STMXCSR: #UD with CR0.EM or without CR4.OSFXSR, #NM with CR0.TS. */
static void sse_check(struct emu *e)
{
	if ((e->st.cr0 & CR0_EM) || !(e->st.cr4 & CR4_OSFXSR))
		emu_ud(e);
	if (e->st.cr0 & CR0_TS)
		emu_raise(e, EXC_NM, false, 0);
}

/* Reserved bits (outside MXCSR_MASK) are #GP(0). */
static void op_ldmxcsr(struct emu *e, const struct insn *in)
{
	uint32_t v;

	sse_check(e);
	v = (uint32_t)emu_read_e(e, in, 4);
	if (v & ~MXCSR_MASK)
		emu_gp(e, 0);
	e->fpu.mxcsr = v;
}

static void op_stmxcsr(struct emu *e, const struct insn *in)
{
	sse_check(e);
	emu_write_e(e, in, 4, e->fpu.mxcsr);
}

void emu_exec_fpu_init(emu_handler *table)
{
	table[OP_FNINIT] = op_fninit;
	table[OP_FNCLEX] = op_fnclex;
	table[OP_FNSTSW] = op_fnstsw;
	table[OP_FNSTCW] = op_fnstcw;
	table[OP_FLDCW] = op_fldcw;
	table[OP_FWAIT] = op_fwait;
	table[OP_FXSAVE] = op_fxsave;
	table[OP_FXRSTOR] = op_fxrstor;
	table[OP_LDMXCSR] = op_ldmxcsr;
	table[OP_STMXCSR] = op_stmxcsr;
}
