/* SPDX-License-Identifier: MIT */
/*
 * Trace events as text lines (in the words of KVM's tracepoints, spec/msr.md
 * §13) and as JSON lines, one object per event. Values are hex strings in JSON:
 * a 64-bit MSR value does not fit a JSON number exactly.
 */
#include "trace.h"

#include <inttypes.h>

#include "msr.h"

static const char *msr_event(bool write, bool fault)
{
	if (write)
		return fault ? "msr_write_ex" : "msr_write";
	return fault ? "msr_read_ex" : "msr_read";
}

void trace_msr(const struct trace *t, uint64_t rip, bool write, uint32_t index, uint64_t data,
	       bool fault)
{
	char buf[48];
	const char *name = msr_name(index, buf, sizeof(buf));
	const char *ev = msr_event(write, fault);

	if (t->text)
		fprintf(t->text, "%s 0x%x (%s) = 0x%" PRIx64 "%s rip=0x%" PRIx64 "\n", ev, index,
			name ? name : "unknown", data, fault ? " (#GP)" : "", rip);
	if (t->json)
		fprintf(t->json,
			"{\"event\":\"%s\",\"rip\":\"0x%" PRIx64
			"\",\"index\":\"0x%x\",\"name\":\"%s\",\"data\":\"0x%" PRIx64 "\"}\n",
			ev, rip, index, name ? name : "unknown", data);
}

void trace_cr(const struct trace *t, uint64_t rip, const char *name, uint64_t old, uint64_t val,
	      bool fault)
{
	if (t->text)
		fprintf(t->text, "cr_write %s 0x%" PRIx64 " -> 0x%" PRIx64 "%s rip=0x%" PRIx64 "\n",
			name, old, val, fault ? " (#GP)" : "", rip);
	if (t->json)
		fprintf(t->json,
			"{\"event\":\"cr_write\",\"rip\":\"0x%" PRIx64
			"\",\"reg\":\"%s\",\"old\":\"0x%" PRIx64 "\",\"value\":\"0x%" PRIx64
			"\",\"fault\":%s}\n",
			rip, name, old, val, fault ? "true" : "false");
}

void trace_mode(const struct trace *t, uint64_t rip, enum cpu_mode from, enum cpu_mode to)
{
	if (t->text)
		fprintf(t->text, "mode_change %s -> %s rip=0x%" PRIx64 "\n", cpu_mode_name(from),
			cpu_mode_name(to), rip);
	if (t->json)
		fprintf(t->json,
			"{\"event\":\"mode_change\",\"rip\":\"0x%" PRIx64
			"\",\"from\":\"%s\",\"to\":\"%s\"}\n",
			rip, cpu_mode_name(from), cpu_mode_name(to));
}

void trace_exit(const struct trace *t, uint64_t rip, const char *reason, const char *detail)
{
	if (t->text)
		fprintf(t->text, "exit: %s rip=0x%" PRIx64 "%s%s\n", reason, rip,
			detail && *detail ? " " : "", detail ? detail : "");
	if (t->json)
		fprintf(t->json,
			"{\"event\":\"exit\",\"rip\":\"0x%" PRIx64
			"\",\"reason\":\"%s\",\"detail\":\"%s\"}\n",
			rip, reason, detail ? detail : "");
}
