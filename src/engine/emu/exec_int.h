/* SPDX-License-Identifier: MIT */
/*
 * The integer instruction set, in four files that each fill their part of the
 * handler table (emu_exec_int_init, declared in emu_impl.h, calls the others):
 *
 *   exec_int.c   arithmetic and logic, shifts, multiply and divide, bits, BCD
 *   exec_data.c  data movement, exchanges, conversions, flag instructions, misc
 *   exec_flow.c  the stack, near branches, calls and returns, Jcc, LOOP
 *   exec_str.c   MOVS CMPS STOS LODS SCAS with their repeat prefixes
 */
#ifndef VX86_ENGINE_EMU_EXEC_INT_H
#define VX86_ENGINE_EMU_EXEC_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "emu_impl.h"

void emu_exec_data_init(emu_handler *table);
void emu_exec_flow_init(emu_handler *table);
void emu_exec_str_init(emu_handler *table);

/* CPUID register indexes for emu_cpuid_bit. */
enum {
	CPUID_EAX,
	CPUID_EBX,
	CPUID_ECX,
	CPUID_EDX
};

/*
 * A CPUID feature bit of the model that enum cpu_feature does not name (BMI1,
 * ABM, POPCNT, CX16): leaf.subleaf, register reg, bit.
 */
static inline bool emu_cpuid_bit(const struct emu *e, uint32_t leaf, uint32_t subleaf, unsigned reg,
				 unsigned bit)
{
	const struct cpuid_entry *c = cpu_model_leaf(&e->cpu, leaf, subleaf);
	uint32_t v;

	if (!c)
		return false;
	v = reg == CPUID_EAX   ? c->eax
	    : reg == CPUID_EBX ? c->ebx
	    : reg == CPUID_ECX ? c->ecx
			       : c->edx;
	return (v >> bit) & 1;
}

/* The immediate at the operand size (in->imm is sign-extended to 64 bits). */
static inline uint64_t emu_imm(const struct insn *in)
{
	return in->imm & emu_mask(in->osz);
}

#endif
