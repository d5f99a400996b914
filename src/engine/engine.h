/* SPDX-License-Identifier: MIT */
/*
 * The engine interface: an ops table chosen once at start (DESIGN.md, "Engines").
 * Shared code never tests which engine it runs on.
 */
#ifndef VX86_ENGINE_H
#define VX86_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
};

struct engine_ops {
	const char *name;
	/* Is this engine usable here? 0, or -errno with `why` filled for the user. */
	int (*probe)(char *why, size_t len);
	int (*create)(const struct engine_config *cfg, void **ctx);
	/*
	 * Run until the next exit and describe it in *e. Before running, completes
	 * the previous exit (data the handler produced for an IN or MMIO read).
	 * Returns 0, -EINTR after engine_ops.kick, or another -errno (printed).
	 */
	int (*run)(void *ctx, struct vcpu_exit *e);
	int (*get_state)(void *ctx, struct vcpu_state *st);
	int (*set_state)(void *ctx, const struct vcpu_state *st);
	/* Read guest memory at a linear address through the guest's translation. */
	int (*read_linear)(void *ctx, uint64_t la, void *buf, size_t len);
	/* From any thread: make the current or next run return -EINTR soon. */
	void (*kick)(void *ctx);
	void (*destroy)(void *ctx);
};

extern const struct engine_ops kvm_engine_ops;

#endif
