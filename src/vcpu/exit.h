/* SPDX-License-Identifier: MIT */
/*
 * VM exits: the record an engine hands up, and the handler table that decides
 * what happens next (DESIGN.md, "Exits"; spec/exits.md).
 */
#ifndef VX86_VCPU_EXIT_H
#define VX86_VCPU_EXIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "state.h"

/* Exit reasons are VMX basic exit reasons (SDM Vol. 3C, Appendix C). */
enum exit_reason {
	EXIT_REASON_EXCEPTION_NMI = 0,
	EXIT_REASON_EXTERNAL_INTERRUPT = 1,
	EXIT_REASON_TRIPLE_FAULT = 2,
	EXIT_REASON_CPUID = 10,
	EXIT_REASON_HLT = 12,
	EXIT_REASON_CR_ACCESS = 28,
	EXIT_REASON_IO_INSTRUCTION = 30,
	EXIT_REASON_MSR_READ = 31,
	EXIT_REASON_MSR_WRITE = 32,
	EXIT_REASON_INVALID_STATE = 33,
	EXIT_REASON_EPT_VIOLATION = 48, /* vx86: an access to guest-physical MMIO */
	EXIT_REASON_XSETBV = 55,
	/* vx86's own reasons, above the VMX range. */
	EXIT_REASON_VX86_INTERNAL = 96,	  /* the engine could not go on */
	EXIT_REASON_VX86_POWEROFF = 97,	  /* the platform asked to power off */
	EXIT_REASON_VX86_RESET = 98,	  /* the platform asked to reset */
	EXIT_REASON_VX86_UNEXPECTED = 99, /* an engine exit vx86 does not model */
	EXIT_REASON_MAX = 100
};

/* Port I/O: IN/OUT/INS/OUTS, including REP forms the engine batched. */
struct exit_io {
	uint16_t port;
	uint8_t size; /* 1, 2 or 4 */
	bool in;
	bool string;
	uint32_t count; /* number of size-byte items in data */
	uint8_t *data;	/* engine-owned: count * size bytes, little endian */
};

/* A guest-physical access that is not RAM. */
struct exit_mmio {
	uint64_t gpa;
	uint8_t size; /* 1..8 */
	bool write;
	uint8_t *data; /* engine-owned, size bytes */
};

struct exit_internal {
	const char *what;  /* engine's words for the failure */
	uint32_t suberror; /* engine-specific code */
	uint32_t ndata;
	uint64_t data[16];
	uint8_t insn[15]; /* instruction bytes at RIP, if known */
	uint8_t insn_len;
};

struct vcpu_exit {
	enum exit_reason reason;
	uint32_t engine_code; /* the engine's own exit code, for messages */
	union {
		struct exit_io io;
		struct exit_mmio mmio;
		struct exit_internal internal;
	};
};

/* What a handler decides. */
enum exit_action {
	EXIT_RESUME, /* run the guest again */
	EXIT_STOP,   /* stop; the status is in the vcpu's stop record */
};

/*
 * What the vCPU model needs from the machine around it, supplied by the machine
 * layer so that vcpu/ never calls upward.
 */
struct vcpu_env {
	void *ctx;
	/* Port and MMIO buses: unclaimed reads return all ones, writes are dropped. */
	void (*pio)(void *ctx, uint16_t port, unsigned size, bool in, uint32_t *val);
	void (*mmio)(void *ctx, uint64_t gpa, unsigned size, bool write, uint64_t *val);
	/* A device asked the machine to stop (debug-exit); returns the status or -1. */
	int (*stop_requested)(void *ctx);
	/* Current register state from the engine, for HLT decisions and dumps. */
	int (*get_state)(void *ctx, struct vcpu_state *st);
	/* Read guest memory at a linear address (for instruction bytes); 0 or -errno. */
	int (*read_linear)(void *ctx, uint64_t la, void *buf, size_t len);
};

struct exit_stats {
	uint64_t count[EXIT_REASON_MAX];
};

struct vcpu {
	struct vcpu_env env;
	FILE *log;
	bool trace_exit;
	struct exit_stats stats;
	int stop_status;	/* valid after EXIT_STOP */
	const char *stop_cause; /* short words for the trace and stats */
};

void vcpu_init(struct vcpu *v, const struct vcpu_env *env, FILE *log);

/* Dispatch one exit through the handler table. */
enum exit_action vcpu_handle_exit(struct vcpu *v, struct vcpu_exit *e);

/* "IO_INSTRUCTION", "HLT", ... ; "reason N" for unnamed reasons. */
const char *exit_reason_name(unsigned reason);

/* The --stats table: exit reason, count. */
void exit_stats_print(const struct exit_stats *s, FILE *out);

#endif
