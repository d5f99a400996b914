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

#include "cpu_model.h"
#include "lapic.h"
#include "model.h"
#include "state.h"
#include "trace.h"

/* Exit reasons are VMX basic exit reasons (SDM Vol. 3C, Appendix C). */
enum exit_reason {
	EXIT_REASON_EXCEPTION_NMI = 0,
	EXIT_REASON_EXTERNAL_INTERRUPT = 1,
	EXIT_REASON_TRIPLE_FAULT = 2,
	EXIT_REASON_INTERRUPT_WINDOW = 7,
	EXIT_REASON_CPUID = 10,
	EXIT_REASON_HLT = 12,
	EXIT_REASON_VMCALL = 18,
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

/* RDMSR/WRMSR: the index is ECX (RCX[31:0]); WRMSR data is EDX:EAX. */
struct exit_msr {
	uint32_t index;
	uint64_t data; /* WRMSR: the value; RDMSR: the result, filled by the handler */
};

/* Access types as in the VMX exit qualification, bits 5:4 (spec/cr.md §11). */
enum cr_access_type {
	CR_ACCESS_MOV_TO = 0,
	CR_ACCESS_MOV_FROM = 1,
	CR_ACCESS_CLTS = 2,
	CR_ACCESS_LMSW = 3,
};

struct exit_cr {
	uint8_t cr;   /* 0, 2, 3, 4 or 8 */
	uint8_t type; /* enum cr_access_type */
	uint8_t gpr;  /* MOV: the general register, enum gpr */
	/*
	 * MOV to CR: the register's value, already truncated to 32 bits outside
	 * 64-bit mode; LMSW: the 16-bit source; MOV from CR: the result, filled by
	 * the handler.
	 */
	uint64_t value;
};

struct exit_cpuid {
	uint32_t leaf, subleaf; /* EAX, ECX */
	uint32_t out[4];	/* EAX, EBX, ECX, EDX, filled by the handler */
};

/* VMCALL/VMMCALL: KVM's hypercall ABI (nr in RAX, arguments in RBX, RCX, RDX, RSI). */
struct exit_hypercall {
	uint64_t ret; /* RAX after the call, filled by the handler */
};

struct exit_xsetbv {
	uint32_t index; /* ECX */
	uint64_t value; /* EDX:EAX */
};

/* An exception the handler wants delivered instead of completing the instruction. */
struct exit_fault {
	bool pending;
	uint8_t vector; /* 13 = #GP, 6 = #UD */
	bool has_error;
	uint32_t error_code;
};

#define EXC_UD 6
#define EXC_GP 13

struct exit_internal {
	const char *what;  /* engine's words for the failure */
	uint32_t suberror; /* engine-specific code */
	uint32_t ndata;
	uint64_t data[16];
	uint8_t insn[15]; /* instruction bytes at RIP, if known */
	uint8_t insn_len;
};

/*
 * The exit record. The engine fills the reason and the decoded operands; the
 * handler fills results (RDMSR data, MOV-from-CR value, CPUID leaves) or a
 * fault, and the engine completes the instruction from them on its next run:
 * on a fault it delivers the exception with RIP unchanged, otherwise it writes
 * the results and skips insn_len bytes (vcpu_complete does this on a state).
 */
struct vcpu_exit {
	enum exit_reason reason;
	uint32_t engine_code; /* the engine's own exit code, for messages */
	uint8_t insn_len;     /* length of the exiting instruction, when known */
	struct exit_fault fault;
	union {
		struct exit_io io;
		struct exit_mmio mmio;
		struct exit_msr msr;
		struct exit_cr cr;
		struct exit_cpuid cpuid;
		struct exit_xsetbv xsetbv;
		struct exit_hypercall hypercall;
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
	/* Read guest-physical memory (PAE PDPTEs); 0 or -errno. */
	int (*read_phys)(void *ctx, uint64_t gpa, void *buf, size_t len);
	/*
	 * Install the state a handler changed (CR writes on engines that exit for
	 * them). NULL if the engine never needs it.
	 */
	int (*set_state)(void *ctx, const struct vcpu_state *st);
	/*
	 * After the model accepted a WRMSR: give the engine the stored value if it
	 * keeps that MSR too (kvm: KVM_SET_MSRS). 0, -ENOENT if the engine does not
	 * keep it, or another -errno after printing a message naming the MSR.
	 */
	int (*set_msr)(void *ctx, uint32_t index, uint64_t value);
	/*
	 * Interrupt delivery (engine_ops.interrupt, irq_window and guest_tsc).
	 * With all three the vCPU has a local APIC; NULL: the engine cannot
	 * inject interrupts and the vCPU has none.
	 */
	int (*interrupt)(void *ctx, uint8_t vector);
	void (*irq_window)(void *ctx, bool on);
	uint64_t (*guest_tsc)(void *ctx);
	int (*nmi)(void *ctx); /* NULL: NMIs the APIC receives are dropped (and said so) */
	/*
	 * The APIC timer's next event, as a CLOCK_MONOTONIC time in ns (0: none):
	 * the machine kicks the run then. NULL: nobody kicks.
	 */
	void (*timer_at)(void *ctx, uint64_t ns);
	/*
	 * HLT with interrupts enabled: sleep until CLOCK_MONOTONIC `ns` or until
	 * the machine wants the run loop (a kick): 0, or -EINTR for the latter.
	 */
	int (*wait_until)(void *ctx, uint64_t ns);
};

struct exit_stats {
	uint64_t count[EXIT_REASON_MAX];
	uint64_t rdmsr, wrmsr;		       /* accesses vx86's model decided */
	uint64_t rdmsr_fault, wrmsr_fault;     /* ... of which the guest got #GP */
	uint64_t rdmsr_unknown, wrmsr_unknown; /* ... to MSRs vx86 does not model */
};

/* --unknown-msr: what a guest access to an MSR vx86 does not model gets. */
enum unknown_msr_policy {
	UNKNOWN_MSR_GP,	    /* #GP(0), as hardware (default) */
	UNKNOWN_MSR_IGNORE, /* reads return 0, writes are dropped */
	UNKNOWN_MSR_LOG,    /* as ignore, and say so once per index */
};

#define VCPU_MAX_LOGGED_MSRS 256

struct vcpu {
	struct vcpu_env env;
	FILE *log;
	struct trace trace;
	struct exit_stats stats;
	int stop_status;	/* valid after EXIT_STOP */
	const char *stop_cause; /* short words for the trace and stats */
	/* The model: its copy of the state, refreshed from the engine at each exit that needs it.
	 */
	struct vcpu_state st;
	struct cpu_model cpu;
	struct vcpu_model model;
	enum unknown_msr_policy unknown_msr;
	uint32_t logged_msrs[VCPU_MAX_LOGGED_MSRS]; /* UNKNOWN_MSR_LOG: indices already reported */
	unsigned nlogged_msrs;
	bool mode_known; /* TRACE_MODE: the mode at the previous exit */
	enum cpu_mode mode;
	/* The local APIC; model.apic points here when the engine can inject interrupts. */
	struct lapic apic;
	uint64_t timer_published; /* the last env.timer_at value */
	uint64_t tsc0, tsc0_ns;	  /* for the guest TSC rate (TSC-deadline waits) */
	bool reported_ipi[4];	  /* NMI, SMI, INIT, SIPI: said once that they are dropped */
};

/*
 * Before each run: bring the APIC up to date, ask for an interrupt window
 * when it has a vector to deliver, and tell the machine when its timer is due.
 */
void vcpu_before_run(struct vcpu *v);

/* Set up a vCPU around a CPU model (copied); the state starts at RESET. */
void vcpu_init(struct vcpu *v, const struct vcpu_env *env, const struct cpu_model *cpu, FILE *log);

/*
 * Complete an exit on a state, as an engine that keeps its state in a struct
 * vcpu_state does: write the handler's results (RDMSR: EAX and EDX with the upper
 * halves zeroed; MOV from CR: the register; CPUID: EAX..EDX) and skip insn_len
 * bytes. Returns false, with the state untouched, when e->fault is pending: the
 * engine delivers it and RIP stays on the instruction.
 */
bool vcpu_complete(struct vcpu_state *st, const struct vcpu_exit *e);

/* Dispatch one exit through the handler table. */
enum exit_action vcpu_handle_exit(struct vcpu *v, struct vcpu_exit *e);

/* "IO_INSTRUCTION", "HLT", ... ; "reason N" for unnamed reasons. */
const char *exit_reason_name(unsigned reason);

/* The --stats table: exit reason, count. */
void exit_stats_print(const struct exit_stats *s, FILE *out);

#endif
