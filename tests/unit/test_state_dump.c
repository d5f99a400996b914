/* SPDX-License-Identifier: MIT */
/*
 * vcpu_state_dump_fields, the --dump-state format: one "name 0xvalue" line per
 * field at the field's full width, in a fixed order, every field of the state
 * and every MSR it keeps, each name once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "state_sample.h"
#include "tap.h"
#include "vcpu/msr.h"
#include "vcpu/state.h"

/* state_sample, and every MSR field a distinct value too. */
static struct vcpu_state sample(void)
{
	struct vcpu_state st = state_sample();
	unsigned nrows;
	const struct msr_desc *t = msr_table(&nrows);

	/* FS/GS_BASE and EFER are state_sample's segment bases and efer. */
	for (unsigned i = 0; i < nrows; i++)
		for (uint32_t j = 0; j < t[i].count; j++) {
			uint32_t index = t[i].index + j;

			if (index != MSR_EFER && index != MSR_FS_BASE && index != MSR_GS_BASE)
				msr_state_write(&st, index, 0x5a00000000000000ull | index);
		}
	return st;
}

/* The dump of st as one string (caller frees). */
static char *dump(const struct vcpu_state *st, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	*ret = vcpu_state_dump_fields(st, f);
	fclose(f);
	return buf;
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p += n)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

static void test_lines(const char *text)
{
	static const char *const want[] = {
		"rax 0x0101010101010101",
		"r15 0x1010101010101010",
		"rip 0xfffff00012345678",
		"rflags 0x0000000000000246",
		"es.sel 0x0008",
		"cs.base 0x0000000000002000",
		"cs.limit 0x00100000",
		"cs.type 0x4",
		"cs.l 0x1",
		"cs.db 0x0",
		"ss.avl 0x1",
		"ldtr.unusable 0x1",
		"tr.sel 0x0040",
		"tr.dpl 0x3",
		"gdtr.base 0x0000000000008000",
		"gdtr.limit 0x002f",
		"idtr.limit 0x01ff",
		"cr0 0x0000000080000011",
		"cr3 0x0000000000009018",
		"cr8 0x0000000000000005",
		"efer 0x0000000000000d01",
		"xcr0 0x0000000000000007",
		"dr3 0x0000000000004000",
		"dr6 0x00000000ffff0ff1",
		"dr7 0x00000000dddd0700",
		"pdpte3 0x0000000000023001",
		"fs.base 0x0000000000005000",
		"msr.0x00000277 0x5a00000000000277",
		"msr.0xc0000081 0x5a000000c0000081",
		"msr.0xc0000102 0x5a000000c0000102",
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ok(has_line(text, want[i]), "the dump has the line '%s'", want[i]);
	/* EFER, FS_BASE and GS_BASE are the efer, fs.base and gs.base lines. */
	ok(!strstr(text, "msr.0xc0000080") && !strstr(text, "msr.0xc0000100") &&
		   !strstr(text, "msr.0xc0000101"),
	   "no msr. line repeats EFER, FS_BASE or GS_BASE");
}

/* Every MSR the state keeps has its line, with its value. */
static unsigned test_every_msr(const struct vcpu_state *st, const char *text)
{
	unsigned nrows, missing = 0, n = 0;
	const struct msr_desc *t = msr_table(&nrows);
	char line[64];
	uint64_t v;

	for (unsigned i = 0; i < nrows; i++)
		for (uint32_t j = 0; j < t[i].count; j++) {
			uint32_t index = t[i].index + j;

			if (index == MSR_EFER || index == MSR_FS_BASE || index == MSR_GS_BASE ||
			    !msr_state_read(st, index, &v))
				continue;
			n++;
			snprintf(line, sizeof(line), "msr.0x%08x 0x%016" PRIx64, index, v);
			if (!has_line(text, line)) {
				if (!missing)
					printf("#   missing: %s\n", line);
				missing++;
			}
		}
	ok(n > 100 && missing == 0, "all %u MSRs the state keeps have their line (%u missing)", n,
	   missing);
	return n;
}

/* Each line is "name 0xhex"; no name twice. */
static void test_shape(const char *text, unsigned nmsrs)
{
	char names[1024][32];
	unsigned n = 0, bad = 0, dup = 0;

	for (const char *p = text; *p && n < 1024;) {
		const char *nl = strchr(p, '\n');
		const char *sp = strchr(p, ' ');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (!nl || !sp || sp > nl || (size_t)(sp - p) >= sizeof(names[0]) ||
		    strncmp(sp + 1, "0x", 2) != 0 ||
		    strspn(sp + 3, "0123456789abcdef") != (size_t)(nl - sp - 3))
			bad++;
		else {
			memcpy(names[n], p, (size_t)(sp - p));
			names[n][sp - p] = '\0';
			for (unsigned i = 0; i < n; i++)
				dup += !strcmp(names[i], names[n]);
			n++;
		}
		p += len + (nl ? 1 : 0);
	}
	ok(bad == 0, "every line is 'name 0xhex' (%u are not)", bad);
	ok(dup == 0, "no name appears twice (%u do)", dup);
	/* 16 GPRs, RIP, RFLAGS, 8 segments of 12 fields, GDTR and IDTR (base, limit), 5 CRs, EFER,
	 * XCR0, 6 DRs, 4 PDPTEs: 135 lines, then the MSRs. */
	ok(n == 135 + nmsrs, "%u lines: 135 for the registers, then %u MSRs", n, nmsrs);
}

int main(void)
{
	struct vcpu_state st = sample();
	int ret, ret2;
	char *text = dump(&st, &ret);
	char *again = dump(&st, &ret2);

	ok(ret == 0 && ret2 == 0, "vcpu_state_dump_fields returns 0");
	ok(!strcmp(text, again), "the same state gives the same text");
	ok(!strncmp(text, "rax 0x0101010101010101\nrcx ", 27),
	   "the dump starts with rax, then rcx");
	test_lines(text);
	test_shape(text, test_every_msr(&st, text));

	/* A field that changes shows in exactly one line. */
	st.seg[SEG_GS].g = !st.seg[SEG_GS].g;
	free(again);
	again = dump(&st, &ret2);
	{
		unsigned diff = 0;
		const char *a = text, *b = again;

		while (*a && *b) {
			const char *na = strchr(a, '\n'), *nb = strchr(b, '\n');

			if (!na || !nb)
				break;
			diff += (na - a != nb - b) || strncmp(a, b, (size_t)(na - a));
			a = na + 1;
			b = nb + 1;
		}
		ok(diff == 1 && has_line(again, "gs.g 0x0"),
		   "flipping GS.G changes one line: gs.g");
	}

	/* A stream that cannot be written: the error is returned. */
	FILE *ro = fopen("/dev/null", "r");

	if (ro) {
		ret = vcpu_state_dump_fields(&st, ro);
		fclose(ro);
		ok(ret == -EIO, "a write error gives -EIO (got %d)", ret);
	}
	free(text);
	free(again);
	return tap_done();
}
