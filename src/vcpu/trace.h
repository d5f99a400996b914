/* SPDX-License-Identifier: MIT */
/*
 * Trace events (DESIGN.md, "Trace and statistics"): msr_read, msr_write,
 * msr_read_ex, msr_write_ex, cr_write, mode_change and exit, as text lines
 * (--trace=...) and JSON lines (--trace-file). Off by default; a disabled class
 * costs one test of a bit.
 */
#ifndef VX86_VCPU_TRACE_H
#define VX86_VCPU_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cr.h"

/* Event classes; the same bits as VX86_TRACE_* in vx86.h. */
#define TRACE_EXIT (1u << 0)
#define TRACE_IO   (1u << 1) /* printed by the buses, not here */
#define TRACE_MSR  (1u << 2)
#define TRACE_CR   (1u << 3)
#define TRACE_MODE (1u << 4)

struct trace {
	unsigned classes; /* TRACE_* */
	FILE *text;	  /* text lines, or NULL */
	FILE *json;	  /* JSON lines, or NULL */
};

static inline bool trace_on(const struct trace *t, unsigned cls)
{
	return (t->classes & cls) && (t->text || t->json);
}

/* msr_read / msr_write, or msr_read_ex / msr_write_ex when the access faulted. */
void trace_msr(const struct trace *t, uint64_t rip, bool write, uint32_t index, uint64_t data,
	       bool fault);
/* cr_write: name is "cr0", "cr3", "cr4", "cr8", "efer", "xcr0"; fault when refused. */
void trace_cr(const struct trace *t, uint64_t rip, const char *name, uint64_t old, uint64_t val,
	      bool fault);
void trace_mode(const struct trace *t, uint64_t rip, enum cpu_mode from, enum cpu_mode to);
/* exit: the reason's name and optional details ("port=0x3f8 size=1 out count=1"). */
void trace_exit(const struct trace *t, uint64_t rip, const char *reason, const char *detail);

#endif
