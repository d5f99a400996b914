/* SPDX-License-Identifier: MIT */
#include "state.h"

#include <inttypes.h>

struct segment seg_flat32(uint16_t selector, bool code)
{
	/* Multiboot spec 3.2: CS and DS..SS are 32-bit, base 0, limit 0xFFFFFFFF. */
	struct segment s = {
		.selector = selector,
		.base = 0,
		.limit = 0xffffffff,
		.type = code ? 0xb : 0x3, /* execute/read or read/write, accessed */
		.s = true,
		.dpl = 0,
		.present = true,
		.db = true,
		.g = true,
	};
	return s;
}

static const char *const gpr_names[GPR_COUNT] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

static const char *const seg_names[SEG_COUNT] = {
	"es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr",
};

static void dump_segment(const char *name, const struct segment *s, FILE *out)
{
	fprintf(out,
		"  %-4s sel=%04x base=%016" PRIx64
		" limit=%08x type=%x s=%d dpl=%d p=%d l=%d db=%d g=%d%s\n",
		name, s->selector, s->base, s->limit, s->type, s->s, s->dpl, s->present, s->l,
		s->db, s->g, s->unusable ? " unusable" : "");
}

void vcpu_state_dump(const struct vcpu_state *st, FILE *out)
{
	for (int i = 0; i < GPR_COUNT; i += 4)
		fprintf(out,
			"  %-3s=%016" PRIx64 " %-3s=%016" PRIx64 " %-3s=%016" PRIx64
			" %-3s=%016" PRIx64 "\n",
			gpr_names[i], st->gpr[i], gpr_names[i + 1], st->gpr[i + 1],
			gpr_names[i + 2], st->gpr[i + 2], gpr_names[i + 3], st->gpr[i + 3]);
	fprintf(out, "  rip=%016" PRIx64 " rflags=%016" PRIx64 "\n", st->rip, st->rflags);
	for (int i = 0; i < SEG_COUNT; i++)
		dump_segment(seg_names[i], &st->seg[i], out);
	fprintf(out, "  gdt=%016" PRIx64 "/%04x idt=%016" PRIx64 "/%04x\n", st->gdt.base,
		st->gdt.limit, st->idt.base, st->idt.limit);
	fprintf(out, "  cr0=%016" PRIx64 " cr2=%016" PRIx64 " cr3=%016" PRIx64 "\n", st->cr0,
		st->cr2, st->cr3);
	fprintf(out, "  cr4=%016" PRIx64 " cr8=%016" PRIx64 " efer=%016" PRIx64 "\n", st->cr4,
		st->cr8, st->efer);
	fprintf(out, "  dr6=%016" PRIx64 " dr7=%016" PRIx64 "\n", st->dr6, st->dr7);
}
