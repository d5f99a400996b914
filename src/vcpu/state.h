/* SPDX-License-Identifier: MIT */
/*
 * The architectural state of one vCPU, engine-independent (DESIGN.md, "State").
 * Both engines copy to and from this struct; it is also the shape of a snapshot.
 */
#ifndef VX86_VCPU_STATE_H
#define VX86_VCPU_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum gpr {
	GPR_RAX,
	GPR_RCX,
	GPR_RDX,
	GPR_RBX,
	GPR_RSP,
	GPR_RBP,
	GPR_RSI,
	GPR_RDI,
	GPR_R8,
	GPR_R9,
	GPR_R10,
	GPR_R11,
	GPR_R12,
	GPR_R13,
	GPR_R14,
	GPR_R15,
	GPR_COUNT
};

/* Segment registers in the SDM's encoding order, then LDTR and TR. */
enum seg {
	SEG_ES,
	SEG_CS,
	SEG_SS,
	SEG_DS,
	SEG_FS,
	SEG_GS,
	SEG_LDTR,
	SEG_TR,
	SEG_COUNT
};

/* A segment register with its hidden (descriptor cache) part. */
struct segment {
	uint16_t selector;
	uint64_t base;
	uint32_t limit; /* byte granular: the limit after G scaling */
	uint8_t type;	/* descriptor type, 4 bits */
	bool s;		/* code/data (1) or system (0) */
	uint8_t dpl;
	bool present;
	bool avl;
	bool l;	 /* 64-bit code segment */
	bool db; /* default operand size / big */
	bool g;
	bool unusable;
};

struct dtable {
	uint64_t base;
	uint16_t limit;
};

#define RFLAGS_CF    (1ull << 0)
#define RFLAGS_FIXED (1ull << 1) /* SDM 3.4.3: bit 1 always reads 1 */
#define RFLAGS_IF    (1ull << 9)
#define RFLAGS_VM    (1ull << 17)

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)

#define CR4_PSE	   (1ull << 4)
#define CR4_PAE	   (1ull << 5)
#define CR4_PGE	   (1ull << 7)
#define CR4_OSFXSR (1ull << 9)
#define CR4_LA57   (1ull << 12)

#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NX	 (1ull << 11)

struct vcpu_state {
	uint64_t gpr[GPR_COUNT];
	uint64_t rip;
	uint64_t rflags;
	struct segment seg[SEG_COUNT];
	struct dtable gdt, idt;
	uint64_t cr0, cr2, cr3, cr4, cr8;
	uint64_t efer;
	uint64_t xcr0;
	uint64_t dr[4], dr6, dr7;
};

/* Flat 32-bit code/data segments as the Multiboot spec describes them. */
struct segment seg_flat32(uint16_t selector, bool code);

/* Print every register in a fixed layout, one block, for crash reports. */
void vcpu_state_dump(const struct vcpu_state *st, FILE *out);

#endif
