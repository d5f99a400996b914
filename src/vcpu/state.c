/* SPDX-License-Identifier: MIT */
#include "state.h"

#include <errno.h>
#include <inttypes.h>

#include "msr.h"

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

/*
 * The --dump-state format: one "name value" line per field, in a fixed order,
 * values in hexadecimal at the field's full width so that two dumps diff line
 * by line (README, "--dump-state").
 */
static void field(FILE *out, const char *name, const char *sub, unsigned digits, uint64_t v)
{
	fprintf(out, "%s%s%s 0x%0*" PRIx64 "\n", name, sub ? "." : "", sub ? sub : "", (int)digits,
		v);
}

static void fields_segment(FILE *out, const char *name, const struct segment *s)
{
	field(out, name, "sel", 4, s->selector);
	field(out, name, "base", 16, s->base);
	field(out, name, "limit", 8, s->limit);
	field(out, name, "type", 1, s->type);
	field(out, name, "s", 1, s->s);
	field(out, name, "dpl", 1, s->dpl);
	field(out, name, "p", 1, s->present);
	field(out, name, "avl", 1, s->avl);
	field(out, name, "l", 1, s->l);
	field(out, name, "db", 1, s->db);
	field(out, name, "g", 1, s->g);
	field(out, name, "unusable", 1, s->unusable);
}

/*
 * Every MSR index the state keeps a field for, in the MSR table's order. EFER,
 * FS_BASE and GS_BASE are left out: they are the efer, fs.base and gs.base
 * lines already.
 */
static void fields_msrs(FILE *out, const struct vcpu_state *st)
{
	unsigned nrows;
	const struct msr_desc *t = msr_table(&nrows);
	char name[16];
	uint64_t v;

	for (unsigned i = 0; i < nrows; i++) {
		for (uint32_t j = 0; j < t[i].count; j++) {
			uint32_t index = t[i].index + j;

			if (index == MSR_EFER || index == MSR_FS_BASE || index == MSR_GS_BASE ||
			    !msr_state_read(st, index, &v))
				continue;
			snprintf(name, sizeof(name), "msr.0x%08" PRIx32, index);
			field(out, name, NULL, 16, v);
		}
	}
}

int vcpu_state_dump_fields(const struct vcpu_state *st, FILE *out)
{
	char name[8];

	for (int i = 0; i < GPR_COUNT; i++)
		field(out, gpr_names[i], NULL, 16, st->gpr[i]);
	field(out, "rip", NULL, 16, st->rip);
	field(out, "rflags", NULL, 16, st->rflags);
	for (int i = 0; i < SEG_COUNT; i++)
		fields_segment(out, seg_names[i], &st->seg[i]);
	field(out, "gdtr", "base", 16, st->gdt.base);
	field(out, "gdtr", "limit", 4, st->gdt.limit);
	field(out, "idtr", "base", 16, st->idt.base);
	field(out, "idtr", "limit", 4, st->idt.limit);
	field(out, "cr0", NULL, 16, st->cr0);
	field(out, "cr2", NULL, 16, st->cr2);
	field(out, "cr3", NULL, 16, st->cr3);
	field(out, "cr4", NULL, 16, st->cr4);
	field(out, "cr8", NULL, 16, st->cr8);
	field(out, "efer", NULL, 16, st->efer);
	field(out, "xcr0", NULL, 16, st->xcr0);
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "dr%d", i);
		field(out, name, NULL, 16, st->dr[i]);
	}
	field(out, "dr6", NULL, 16, st->dr6);
	field(out, "dr7", NULL, 16, st->dr7);
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "pdpte%d", i);
		field(out, name, NULL, 16, st->pdpte[i]);
	}
	fields_msrs(out, st);
	return ferror(out) ? -EIO : 0;
}
