/* SPDX-License-Identifier: MIT */
/*
 * User-return MSRs (spec/user-return-msrs.md §3-§4): guest values of MSRs that only
 * the host thread's own code uses stay in the "hardware" across exits the engine
 * handles itself, and the host values come back once, when the engine returns to
 * the VMM loop. The registry (which MSR is in which slot) is shared; the per-thread
 * struct uret_cpu holds what the hardware has now. Both are passed in: no globals.
 *
 * Invariant kept by every function here (spec §8.7): cpu->registered is true iff
 * some slot has curr != host, i.e. iff a restore is owed.
 */
#include "uret.h"

#include <stdio.h>

/* Never trust count past the array, whatever a caller left in the struct. */
static unsigned uret_nslots(const struct uret_registry *reg)
{
	return reg->count < URET_MAX_SLOTS ? reg->count : URET_MAX_SLOTS;
}

int uret_find(const struct uret_registry *reg, uint32_t index)
{
	unsigned n = uret_nslots(reg);

	for (unsigned i = 0; i < n; i++)
		if (reg->index[i] == index)
			return (int)i;
	return -1;
}

int uret_register(struct uret_registry *reg, const struct uret_hw *hw, uint32_t index)
{
	uint64_t val;
	int slot = uret_find(reg, index);

	/*
	 * A second slot for the same MSR would cache it twice: a restore through one
	 * slot would silently undo a guest load through the other. Hand back the
	 * slot it already has.
	 */
	if (slot >= 0)
		return slot;
	if (reg->count >= URET_MAX_SLOTS) {
		fprintf(stderr, "uret: no free slot for MSR 0x%x (all %d in use)\n",
			(unsigned)index, URET_MAX_SLOTS);
		return -1;
	}
	/*
	 * §3: probe with a read, then a write of the same value; both must succeed.
	 * A refusal is normal (e.g. TSX_CTRL on a host without it), so it is the
	 * caller's to report or not; nothing is registered.
	 */
	if (hw->read(hw->ctx, index, &val) || hw->write(hw->ctx, index, val))
		return -1;
	reg->index[reg->count] = index;
	return (int)reg->count++;
}

void uret_cpu_online(const struct uret_registry *reg, struct uret_cpu *cpu,
		     const struct uret_hw *hw)
{
	unsigned n = uret_nslots(reg);

	/*
	 * §3 kvm_user_return_msr_cpu_online: whatever the hardware holds now is the
	 * host value. The probe in uret_register proved the read works; should it
	 * fail here anyway, 0 is recorded rather than leaving stale data.
	 */
	for (unsigned i = 0; i < n; i++) {
		uint64_t val = 0;

		if (hw->read(hw->ctx, reg->index[i], &val))
			val = 0;
		cpu->values[i].host = val;
		cpu->values[i].curr = val;
	}
	/* host == curr everywhere now, so no restore is owed (§8.7). */
	cpu->registered = false;
}

/* §8.7: recompute the flag when a slot may have gone back to its host value. */
static bool uret_owed(const struct uret_registry *reg, const struct uret_cpu *cpu)
{
	unsigned n = uret_nslots(reg);

	for (unsigned i = 0; i < n; i++)
		if (cpu->values[i].curr != cpu->values[i].host)
			return true;
	return false;
}

int uret_set(const struct uret_registry *reg, struct uret_cpu *cpu, const struct uret_hw *hw,
	     unsigned slot, uint64_t value, uint64_t mask)
{
	/* An unregistered slot (e.g. SVM's -1 passed as unsigned) is refused, not indexed. */
	if (slot >= uret_nslots(reg))
		return 1;

	/* §4 step 1: bits outside mask always keep the host value (EFER, TSX_CTRL). */
	value = (value & mask) | (cpu->values[slot].host & ~mask);

	/* §4 step 2, skip-if-equal: the value is already there, no write. */
	if (value == cpu->values[slot].curr) {
		cpu->n.skips++;
		return 0;
	}

	/* §4 step 3: a refused write leaves curr as it was; the caller injects #GP. */
	if (hw->write(hw->ctx, reg->index[slot], value)) {
		cpu->n.faults++;
		return 1;
	}
	cpu->values[slot].curr = value;
	cpu->n.loads++;

	/*
	 * §4 step 5 arms the restore on a real write. KVM leaves it armed even when
	 * the write put the host value back; here the flag stays exact (§8.7), so a
	 * guest that returns every slot to the host value owes no restore.
	 */
	if (value != cpu->values[slot].host)
		cpu->registered = true;
	else if (cpu->registered)
		cpu->registered = uret_owed(reg, cpu);
	return 0;
}

uint64_t uret_get(const struct uret_cpu *cpu, unsigned slot)
{
	/* No registry here: bound by the array; an unknown slot reads as 0. */
	if (slot >= URET_MAX_SLOTS)
		return 0;
	return cpu->values[slot].curr;
}

void uret_on_user_return(const struct uret_registry *reg, struct uret_cpu *cpu,
			 const struct uret_hw *hw)
{
	unsigned n = uret_nslots(reg);

	/* §4 kvm_on_user_return: only an armed notifier does any work. */
	if (!cpu->registered)
		return;
	cpu->registered = false;
	for (unsigned i = 0; i < n; i++) {
		if (cpu->values[i].curr == cpu->values[i].host)
			continue;
		/*
		 * KVM's restore cannot fail. A fake or a bank that refuses keeps the
		 * guest value in curr, so the flag stays true and the next return
		 * tries again rather than claiming the host value is back.
		 */
		if (hw->write(hw->ctx, reg->index[i], cpu->values[i].host)) {
			cpu->n.faults++;
			cpu->registered = true;
			continue;
		}
		cpu->values[i].curr = cpu->values[i].host;
		cpu->n.restores++;
	}
}
