/* SPDX-License-Identifier: MIT */
/*
 * Private to the system-instruction files of the emu executor:
 *
 *   exec_sys.c  VM exits into the vCPU model (CR, MSR, CPUID, XSETBV, HLT),
 *               SMSW, XGETBV, debug registers, INVLPG/WBINVD/INVD, the TSC,
 *               RDPID, RDPMC, and the flag instructions under IOPL
 *   exec_io.c   IN, OUT, INS, OUTS, the TSS I/O permission bitmap, and the
 *               completion of an I/O exit (emu_complete_io)
 *   exec_fpu.c  the x87 and SSE state instructions
 */
#ifndef VX86_ENGINE_EMU_EXEC_SYS_H
#define VX86_ENGINE_EMU_EXEC_SYS_H

#include "emu_impl.h"

/* Fill the table entries of exec_io.c and exec_fpu.c (called by emu_exec_sys_init). */
void emu_exec_io_init(emu_handler *table);
void emu_exec_fpu_init(emu_handler *table);

/*
 * Leave for the VMM with the operands already in *e->exit. The record still
 * holds the previous exit, so the fault a handler may have left there is
 * cleared: a fresh exit asks for nothing until the handler says so.
 */
static inline _Noreturn void emu_sys_exit(struct emu *e, enum exit_reason reason)
{
	e->exit->fault = (struct exit_fault){0};
	emu_exit(e, reason);
}

/* RFLAGS.IOPL (SDM Vol. 1 3.4.3.3). Not a status flag: valid while flags are lazy. */
static inline unsigned emu_iopl(const struct emu *e)
{
	return (unsigned)(e->st.rflags >> 12) & 3;
}

#endif
