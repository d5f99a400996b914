/* SPDX-License-Identifier: MIT */
/*
 * vx86: a small x86 virtual machine monitor.
 *
 * This is the public interface of libvx86. The vx86 command is a thin user of it;
 * tests, benchmarks and other programs drive the same machine through it.
 */
#ifndef VX86_H
#define VX86_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Exit statuses of a run (DESIGN.md, "Guest ABI"). vx86's own statuses are even;
 * a guest's isa-debug-exit write of v gives (v << 1) | 1, truncated to 8 bits
 * as every process exit status is.
 */
enum vx86_status {
	VX86_STATUS_HALTED = 0,	 /* powered off, or halted for good */
	VX86_STATUS_USAGE = 2,	 /* usage or configuration error */
	VX86_STATUS_CRASH = 4,	 /* triple fault, internal error, unexpected exit */
	VX86_STATUS_TIMEOUT = 6, /* --timeout expired */
};

enum vx86_engine_kind {
	VX86_ENGINE_AUTO,
	VX86_ENGINE_KVM,
	VX86_ENGINE_EMU,
};

/* How a flat binary is entered; multiboot images are recognised by themselves. */
enum vx86_entry {
	VX86_ENTRY_NONE,      /* the image must be a multiboot kernel */
	VX86_ENTRY_REAL,      /* 16-bit real mode */
	VX86_ENTRY_PROTECTED, /* 32-bit protected mode, flat segments, paging off */
	VX86_ENTRY_LONG,      /* 64-bit mode, vx86's GDT and identity page tables */
};

/* --cpu: the CPU model (vendor, CPUID, which vendor's MSR rules apply). */
enum vx86_cpu {
	VX86_CPU_DEFAULT, /* emu: intel; kvm: the host's vendor */
	VX86_CPU_INTEL,
	VX86_CPU_AMD,
};

/* --msr-emulation (kvm engine): who decides guest MSR accesses. */
enum vx86_msr_emulation {
	VX86_MSR_KERNEL, /* KVM; only MSRs KVM does not know reach vx86 */
	VX86_MSR_USER,	 /* vx86's model, for every MSR in its table */
};

/* --unknown-msr: a guest access to an MSR vx86 does not model. */
enum vx86_unknown_msr {
	VX86_UNKNOWN_MSR_GP,	 /* #GP(0) (default) */
	VX86_UNKNOWN_MSR_IGNORE, /* reads return 0, writes are dropped */
	VX86_UNKNOWN_MSR_LOG,	 /* as ignore, and report each index once */
};

/* Trace event classes (--trace=...). */
#define VX86_TRACE_EXIT (1u << 0)
#define VX86_TRACE_IO	(1u << 1)
#define VX86_TRACE_MSR	(1u << 2)
#define VX86_TRACE_CR	(1u << 3)
#define VX86_TRACE_MODE (1u << 4)
#define VX86_TRACE_ALL	0x1fu

#define VX86_DEFAULT_RAM (128ull << 20)
#define VX86_MIN_RAM	 (2ull << 20)
#define VX86_MAX_RAM	 (3ull << 30) /* below the 32-bit MMIO window */

struct vx86_config {
	enum vx86_engine_kind engine;
	uint64_t ram_size;   /* bytes; 0 means VX86_DEFAULT_RAM */
	const char *image;   /* kernel or flat binary */
	const char *cmdline; /* NULL: no --cmdline */
	const char *initrd;  /* NULL: no module */
	enum vx86_entry entry;
	uint64_t load_addr; /* flat binaries only */
	bool load_addr_set;
	double timeout_sec; /* 0: none */
	bool stats;
	enum vx86_cpu cpu;
	const char *cpu_flags; /* --cpu=MODEL,+f,-f: CPUID feature changes (emu), or NULL */
	enum vx86_msr_emulation msr_emulation;
	enum vx86_unknown_msr unknown_msr;
	unsigned trace;	  /* VX86_TRACE_* */
	FILE *trace_json; /* trace events as JSON lines here instead of text; NULL: text */
	FILE *console;	  /* guest output (COM1, port 0xE9); NULL: stdout */
	int console_in;	  /* guest input for COM1; -1: none */
	FILE *log;	  /* vx86's messages, traces, stats; NULL: stderr */
};

struct vx86_machine;

/* Fill *cfg with the defaults (auto engine, 128 MiB, stdin/stdout/stderr). */
void vx86_config_init(struct vx86_config *cfg);

/*
 * Build a machine: RAM, devices, the engine and the loaded image. Returns 0, or a
 * negative errno after printing one message naming the file, engine or value.
 */
int vx86_machine_create(const struct vx86_config *cfg, struct vx86_machine **out);

/* Run the guest to its end; returns an enum vx86_status or a debug-exit status. */
int vx86_machine_run(struct vx86_machine *m);

/*
 * Write the vCPU's state as the engine has it now (after vx86_machine_run: the
 * final state, whatever stopped the guest) to out, one "name value" line per
 * field: registers, segments, descriptor tables, control and debug registers,
 * EFER, XCR0 and every MSR the state keeps (README, "--dump-state"). Returns 0,
 * or a negative errno after printing a message.
 */
int vx86_machine_dump_state(struct vx86_machine *m, FILE *out);

/* The engine the machine runs on ("kvm" or "emu"). */
const char *vx86_machine_engine(const struct vx86_machine *m);

void vx86_machine_destroy(struct vx86_machine *m);

/*
 * `vx86 msrs`: print the MSR model's table for a CPU model (VX86_CPU_DEFAULT is
 * intel): index, name, who may write it, save-list membership, notes.
 */
void vx86_msrs_print(enum vx86_cpu cpu, FILE *out);

/* Are these --cpu feature flags ("+umip,-pcid") valid? 0, or -EINVAL with `why` filled. */
int vx86_cpu_flags_check(const char *flags, char *why, size_t len);

/*
 * `vx86 host`: what this host gives each engine, measured now (the kvm
 * engine's probes of what its KVM really does: the CPUID the guest sees, the
 * MSRs KVM holds and refuses, the MSRs the filter routes, the TSC), one fact
 * per line, deviations as "deviation NAME: ..." lines. 0, or a negative errno
 * after a message on stderr.
 */
int vx86_host_print(FILE *out);

#endif
