/* SPDX-License-Identifier: MIT */
/*
 * User-return MSRs (spec/user-return-msrs.md): MSRs that matter only once the
 * host thread goes back to its own code (STAR, LSTAR, CSTAR, SFMASK, TSC_AUX).
 * Guest values are loaded at vCPU entry with skip-if-equal and stay loaded
 * across exits the engine handles itself; host values come back only when the
 * engine returns to the VMM loop.
 *
 * In vx86 the "hardware" is whatever a struct uret_hw reaches: for the emu
 * engine, the per-host-thread MSR bank its SYSCALL, SYSRET, RDTSCP and RDPID
 * read; in tests, a fake that counts and can fail writes.
 */
#ifndef VX86_VCPU_URET_H
#define VX86_VCPU_URET_H

#include <stdbool.h>
#include <stdint.h>

#define URET_MAX_SLOTS 16

/* The MSRs behind the slots. read/write return 0, or nonzero for a fault. */
struct uret_hw {
	void *ctx;
	int (*read)(void *ctx, uint32_t index, uint64_t *val);
	int (*write)(void *ctx, uint32_t index, uint64_t val);
};

/* Slots, registered once per process in a fixed order (kvm_uret_msrs_list). */
struct uret_registry {
	uint32_t index[URET_MAX_SLOTS];
	unsigned count;
};

struct uret_counters {
	uint64_t loads;	   /* hardware writes of a guest value */
	uint64_t skips;	   /* loads skipped because the value was already there */
	uint64_t restores; /* hardware writes of a host value on return to the VMM */
	uint64_t faults;   /* writes the hardware refused */
};

/* Per host thread (KVM: per CPU): the host value and what the hardware holds now. */
struct uret_cpu {
	struct {
		uint64_t host, curr;
	} values[URET_MAX_SLOTS];
	bool registered; /* a restore is owed: some slot has curr != host */
	struct uret_counters n;
};

/*
 * Register an MSR: probe it with a read and a write of the same value. Returns
 * the slot, or -1 if the hardware refuses either or the registry is full.
 */
int uret_register(struct uret_registry *reg, const struct uret_hw *hw, uint32_t index);
/* The slot of index, or -1. */
int uret_find(const struct uret_registry *reg, uint32_t index);

/* A host thread starts using the slots: host = curr = the hardware's value. */
void uret_cpu_online(const struct uret_registry *reg, struct uret_cpu *cpu,
		     const struct uret_hw *hw);

/*
 * Load a guest value: bits outside mask keep the host value; if the result is
 * already in the hardware nothing is written (skip-if-equal). Returns 0, or 1
 * if the hardware refused the write (curr unchanged; the guest gets #GP).
 */
int uret_set(const struct uret_registry *reg, struct uret_cpu *cpu, const struct uret_hw *hw,
	     unsigned slot, uint64_t value, uint64_t mask);

/* The value the hardware holds for a slot now (what SYSCALL or RDTSCP would use). */
uint64_t uret_get(const struct uret_cpu *cpu, unsigned slot);

/*
 * Back to the VMM loop (kvm_on_user_return): write the host value into every
 * slot whose curr differs, and clear registered. Free when nothing is owed.
 */
void uret_on_user_return(const struct uret_registry *reg, struct uret_cpu *cpu,
			 const struct uret_hw *hw);

#endif
