/* SPDX-License-Identifier: MIT */
/*
 * The engine interface: an ops table chosen once at start (DESIGN.md, "Engines").
 * Shared code never tests which engine it runs on.
 */
#ifndef VX86_ENGINE_H
#define VX86_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../vcpu/cpu_model.h"
#include "../vcpu/exit.h"
#include "../vcpu/state.h"

/* One range of guest-physical RAM backed by host memory. */
struct engine_mem {
	uint64_t gpa;
	uint64_t size;
	void *host;
};

#define ENGINE_MAX_MEM 4

struct engine_config {
	struct engine_mem mem[ENGINE_MAX_MEM];
	unsigned nmem;
	FILE *log;
	int vendor;	       /* enum cpu_vendor the user asked for, or -1: the engine's default */
	bool msr_user;	       /* --msr-emulation=user: every MSR vx86 models exits to it */
	bool unknown_msr_gp;   /* --unknown-msr=gp: unknown MSRs may fault where they are */
	const char *cpu_flags; /* --cpu feature flags (cpu_model_apply_flags), or NULL */
};

struct engine_ops {
	const char *name;
	/* Is this engine usable here? 0, or -errno with `why` filled for the user. */
	int (*probe)(char *why, size_t len);
	/*
	 * Create the VM and fill *cpu with the CPU model the guest will see (the
	 * kvm engine derives it from the CPUID it gives KVM, and takes KVM's values
	 * for the feature MSRs).
	 */
	int (*create)(const struct engine_config *cfg, struct cpu_model *cpu, void **ctx);
	/*
	 * Run until the next exit and describe it in *e. On entry *e is the previous
	 * exit as the handlers left it (zeroed before the first run): the engine
	 * completes it first (IN and MMIO-read data, RDMSR results, a fault to
	 * deliver).
	 * Returns 0, -EINTR after engine_ops.kick, or another -errno (printed).
	 */
	int (*run)(void *ctx, struct vcpu_exit *e);
	/*
	 * The whole state, including the MSR values the engine keeps; MSR fields it
	 * does not keep are left as they are in *st (they are vx86's own).
	 */
	int (*get_state)(void *ctx, struct vcpu_state *st);
	int (*set_state)(void *ctx, const struct vcpu_state *st);
	/* One MSR value the model accepted: 0, -ENOENT if the engine does not keep it, -errno. */
	int (*set_msr)(void *ctx, uint32_t index, uint64_t value);
	/* Read guest memory at a linear address through the guest's translation. */
	int (*read_linear)(void *ctx, uint64_t la, void *buf, size_t len);
	/*
	 * Request an external maskable interrupt (INTR) with this vector, for
	 * the vCPU to take at the first instruction boundary where RFLAGS.IF = 1
	 * and no interrupt shadow (STI, MOV SS, POP SS) is in effect. Call it
	 * between runs. 0, or -EBUSY while an earlier one is still pending. NULL
	 * where the engine cannot inject interrupts yet (kvm: no interrupt
	 * source exists in vx86 to need it; see README).
	 */
	int (*interrupt)(void *ctx, uint8_t vector);
	/*
	 * Interrupt-window exiting (VMX's): while on, the run exits with
	 * EXIT_REASON_INTERRUPT_WINDOW at the first instruction boundary where
	 * an interrupt could be taken, and turns it off. The VMM then takes the
	 * vector from its interrupt controller and calls interrupt(). NULL
	 * together with interrupt.
	 */
	void (*irq_window)(void *ctx, bool on);
	/* Request an NMI, taken at the next boundary without NMI blocking. NULL: none. */
	int (*nmi)(void *ctx);
	/* The guest's TSC now, without a whole get_state (the APIC's TSC-deadline timer). */
	uint64_t (*guest_tsc)(void *ctx);
	/* From any thread: make the current or next run return -EINTR soon. */
	void (*kick)(void *ctx);
	/*
	 * `vx86 host`: what the engine measures about this host (kvm: what its
	 * KVM really does), one fact per line; NULL where there is nothing to
	 * measure. 0, or -errno (printed).
	 */
	int (*report)(FILE *out);
	/* The engine's own lines for --stats, or NULL. */
	void (*print_stats)(void *ctx, FILE *out);
	void (*destroy)(void *ctx);
};

extern const struct engine_ops kvm_engine_ops;
extern const struct engine_ops emu_engine_ops;

#endif
