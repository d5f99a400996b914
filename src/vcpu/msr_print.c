/* SPDX-License-Identifier: MIT */
/* MSR names (msr_name) and `vx86 msrs` (msr_table_print): the descriptor table as text. */
#include <string.h>

#include "lapic.h"
#include "msr_impl.h"

static const char *const mc_bank_regs[MC_BANK_MSRS] = {"CTL", "STATUS", "ADDR", "MISC"};

/* Range rows format their index's own name into buf; without a buf they give the row's name. */
const char *msr_name(uint32_t index, char *buf, size_t len)
{
	const struct msr_desc *d = msr_lookup(index);
	uint32_t k;

	if (!d)
		return NULL;
	if (d->count == 1 || !buf || !len)
		return d->name;
	k = index - d->index;
	switch (d->index) {
	case MSR_IA32_MTRR_PHYSBASE0:
		snprintf(buf, len, "IA32_MTRR_PHYS%s%u", (k & 1) ? "MASK" : "BASE", k / 2);
		break;
	case MSR_IA32_MTRR_FIX4K_C0000:
		snprintf(buf, len, "IA32_MTRR_FIX4K_%05X", 0xc0000 + k * 0x8000);
		break;
	case MSR_IA32_MC0_CTL2:
		snprintf(buf, len, "IA32_MC%u_CTL2", k);
		break;
	case MSR_IA32_MC0_CTL:
		snprintf(buf, len, "IA32_MC%u_%s", k / MC_BANK_MSRS,
			 mc_bank_regs[k % MC_BANK_MSRS]);
		break;
	default:
		return d->name;
	}
	return buf;
}

static const char *const msr_writer_names[] = {
	[MSR_WRITER_GUEST] = "guest",
	[MSR_WRITER_HOST] = "host",
	[MSR_WRITER_READONLY] = "read-only",
	[MSR_WRITER_NONE_RD] = "write-only",
};

/* "yes", or "no (needs rdtscp or rdpid)". */
static void msr_has_text(const struct msr_desc *d, const struct cpu_model *cpu, char *buf,
			 size_t len)
{
	int feats[MSR_MAX_GATE_FEATS];
	unsigned n = msr_gate_features(d, feats);
	size_t at;

	if (!msr_vendor_has(d, cpu)) {
		snprintf(buf, len, "no (Intel only)");
		return;
	}
	if (msr_cpuid_has(d, cpu)) {
		snprintf(buf, len, "yes");
		return;
	}
	at = (size_t)snprintf(buf, len, "no (needs");
	for (unsigned i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s %s",
				       i == 0	    ? ""
				       : i + 1 == n ? " or"
						    : ",",
				       cpu_feature_name((enum cpu_feature)feats[i]));
	if (at < len)
		snprintf(buf + at, len - at, ")");
}

#define PRINT_WIDTH  100
#define NOTES_INDENT 12
#define ROW_FMT	     "%-11s %-22s %-10s %-8s %s\n"
#define HAS_COLUMN   55 /* where ROW_FMT puts the last column */

/* Words of text, wrapped at PRINT_WIDTH, each line indented by NOTES_INDENT. */
static void print_wrapped(FILE *out, const char *text)
{
	unsigned col = 0;

	while (*text) {
		size_t w = strcspn(text, " ");

		if (col == 0 || col + 1 + w > PRINT_WIDTH) {
			fprintf(out, "%s%*s", col ? "\n" : "", NOTES_INDENT, "");
			col = NOTES_INDENT;
		} else {
			fputc(' ', out);
			col++;
		}
		fwrite(text, 1, w, out);
		col += (unsigned)w;
		text += w;
		text += strspn(text, " ");
	}
	fputc('\n', out);
}

/*
 * The x2APIC range is the local APIC's, not a row of the table (msr.c), but a
 * reader of `vx86 msrs` looks for it in index order.
 */
static void print_x2apic(const struct cpu_model *cpu, FILE *out)
{
	fprintf(out, ROW_FMT, "0x800-0x8ff", "x2APIC registers", "guest", "-",
		cpu_has(cpu, FEAT_X2APIC) ? "yes" : "no (needs x2apic)");
	print_wrapped(out, "The local APIC's registers (SDM 11.12), on engines with vx86's APIC "
			   "(emu). #GP unless APIC_BASE.EXTD; absent, read-only and write-only "
			   "registers fault as such; bits 63:32 reserved except in the ICR "
			   "(0x830). Not in the index lists.");
}

/*
 * `vx86 msrs`: a row line, then the notes wrapped below it. A "no (needs ...)"
 * too wide for the last column becomes "no" with the needs leading the notes.
 */
void msr_table_print(const struct cpu_model *cpu, FILE *out)
{
	unsigned rows;
	const struct msr_desc *table = msr_table(&rows);

	bool x2apic_done = false;

	fprintf(out, ROW_FMT, "INDEX", "NAME", "WRITER", "LIST", "THIS CPU");
	for (size_t i = 0; i < rows; i++) {
		const struct msr_desc *d = &table[i];
		char idx[24], has[128], notes[512];
		bool wide;

		if (!x2apic_done && d->index > X2APIC_MSR_LAST) {
			print_x2apic(cpu, out);
			x2apic_done = true;
		}
		if (d->count > 1)
			snprintf(idx, sizeof(idx), "0x%x-0x%x", d->index, d->index + d->count - 1);
		else
			snprintf(idx, sizeof(idx), "0x%x", d->index);
		msr_has_text(d, cpu, has, sizeof(has));
		wide = HAS_COLUMN + strlen(has) > PRINT_WIDTH;
		fprintf(out, ROW_FMT, idx, d->name, msr_writer_names[d->writer],
			d->save	      ? "save"
			: d->emulated ? "emulated"
				      : "-",
			wide ? "no" : has);
		/* "no (needs x or y)" -> "Needs x or y." */
		if (wide)
			snprintf(notes, sizeof(notes), "N%.*s. %s", (int)strlen(has) - 6, has + 5,
				 d->notes);
		print_wrapped(out, wide ? notes : d->notes);
	}
}
