/* SPDX-License-Identifier: MIT */
/*
 * Exit dispatch with synthetic exits: the handler table is fed exit records the
 * way an engine produces them, against a fake machine that records every call.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vcpu/exit.h"
#include "vx86.h"

struct fake {
	unsigned npio;
	struct pio_call {
		uint16_t port;
		unsigned size;
		bool in;
		uint32_t val;
	} pio[16];
	uint32_t in_value;  /* what every IN returns */
	int stop_after_pio; /* status requested once npio reaches stop_at, else -1 */
	unsigned stop_at;
	uint64_t mmio_gpa, mmio_val;
	bool mmio_write;
	struct vcpu_state st;
	int state_fails;
	uint8_t mem[16]; /* what read_linear returns */
};

static void f_pio(void *ctx, uint16_t port, unsigned size, bool in, uint32_t *val)
{
	struct fake *f = ctx;

	if (in)
		*val = f->in_value;
	if (f->npio < 16)
		f->pio[f->npio] = (struct pio_call){port, size, in, *val};
	f->npio++;
}

static void f_mmio(void *ctx, uint64_t gpa, unsigned size, bool write, uint64_t *val)
{
	struct fake *f = ctx;

	(void)size;
	f->mmio_gpa = gpa;
	f->mmio_write = write;
	if (write)
		f->mmio_val = *val;
	else
		*val = 0x1122334455667788ull;
}

static int f_stop(void *ctx)
{
	struct fake *f = ctx;

	return f->npio >= f->stop_at ? f->stop_after_pio : -1;
}

static int f_get_state(void *ctx, struct vcpu_state *st)
{
	struct fake *f = ctx;

	if (f->state_fails)
		return -1;
	*st = f->st;
	return 0;
}

static int f_read_linear(void *ctx, uint64_t la, void *buf, size_t len)
{
	struct fake *f = ctx;

	(void)la;
	memcpy(buf, f->mem, len < sizeof(f->mem) ? len : sizeof(f->mem));
	return len <= sizeof(f->mem) ? 0 : -1;
}

static struct fake fake;
static char *logbuf;
static size_t loglen;
static FILE *logfile;

static void setup(struct vcpu *v)
{
	struct vcpu_env env = {&fake, f_pio, f_mmio, f_stop, f_get_state, f_read_linear};

	memset(&fake, 0, sizeof(fake));
	fake.stop_after_pio = -1;
	if (logfile)
		fclose(logfile);
	free(logbuf);
	logbuf = NULL;
	logfile = open_memstream(&logbuf, &loglen);
	struct cpu_model cpu;

	cpu_model_init(&cpu, CPU_VENDOR_INTEL);
	vcpu_init(v, &env, &cpu, logfile);
}

static const char *logtext(void)
{
	fflush(logfile);
	return logbuf ? logbuf : "";
}

static void test_io(void)
{
	struct vcpu v;
	uint8_t data[8] = {0x41};
	struct vcpu_exit e = {
		.reason = EXIT_REASON_IO_INSTRUCTION,
		.io = {.port = 0x3f8, .size = 1, .in = false, .count = 1, .data = data}};

	setup(&v);
	ok(vcpu_handle_exit(&v, &e) == EXIT_RESUME, "OUT resumes the guest");
	ok(fake.npio == 1 && fake.pio[0].port == 0x3f8 && fake.pio[0].size == 1 &&
		   !fake.pio[0].in && fake.pio[0].val == 0x41,
	   "OUT reaches the port bus with port, size and value");
	is_u64(v.stats.count[EXIT_REASON_IO_INSTRUCTION], 1, "the exit is counted");

	/* rep insw: three 2-byte items, each one bus access, results in place. */
	setup(&v);
	fake.in_value = 0xbeef;
	memset(data, 0, sizeof(data));
	e.io = (struct exit_io){
		.port = 0x60, .size = 2, .in = true, .string = true, .count = 3, .data = data};
	ok(vcpu_handle_exit(&v, &e) == EXIT_RESUME, "rep insw resumes");
	ok(fake.npio == 3, "rep insw makes one bus access per item (%u)", fake.npio);
	ok(data[0] == 0xef && data[1] == 0xbe && data[4] == 0xef && data[5] == 0xbe && data[6] == 0,
	   "rep insw stores each item little-endian and no more");

	/* out dword */
	setup(&v);
	memcpy(data, "\x78\x56\x34\x12", 4);
	e.io = (struct exit_io){.port = 0xf4, .size = 4, .in = false, .count = 1, .data = data};
	vcpu_handle_exit(&v, &e);
	is_u64(fake.pio[0].val, 0x12345678, "a 4-byte OUT carries the whole dword");
}

static void test_io_stop(void)
{
	struct vcpu v;
	uint8_t data[4] = {1, 2, 3, 4};
	struct vcpu_exit e = {
		.reason = EXIT_REASON_IO_INSTRUCTION,
		.io = {.port = 0xf4, .size = 1, .count = 4, .string = true, .data = data}};

	setup(&v);
	fake.stop_after_pio = 5;
	fake.stop_at = 2;
	ok(vcpu_handle_exit(&v, &e) == EXIT_STOP, "a debug-exit request stops the guest");
	is_u64(v.stop_status, 5, "with the status the device asked for");
	is_u64(fake.npio, 2, "rep outsb stops at the item that asked to stop");
	ok(v.stop_cause && !strcmp(v.stop_cause, "debug-exit"), "the cause is named");
}

static void test_mmio(void)
{
	struct vcpu v;
	uint8_t data[8] = {0xaa, 0xbb, 0xcc, 0xdd};
	struct vcpu_exit e = {.reason = EXIT_REASON_EPT_VIOLATION,
			      .mmio = {.gpa = 0xa0000, .size = 4, .write = true, .data = data}};

	setup(&v);
	ok(vcpu_handle_exit(&v, &e) == EXIT_RESUME, "MMIO write resumes");
	ok(fake.mmio_write && fake.mmio_gpa == 0xa0000 && fake.mmio_val == 0xddccbbaa,
	   "MMIO write reaches the bus with address and value");
	memset(data, 0, sizeof(data));
	e.mmio.write = false;
	e.mmio.size = 2;
	vcpu_handle_exit(&v, &e);
	ok(data[0] == 0x88 && data[1] == 0x77 && data[2] == 0,
	   "MMIO read returns exactly size bytes");
	e.mmio.size = 9;
	ok(vcpu_handle_exit(&v, &e) == EXIT_STOP && v.stop_status == VX86_STATUS_CRASH,
	   "an impossible MMIO size stops with status 4 instead of overflowing");
}

static void test_hlt(void)
{
	struct vcpu v;
	struct vcpu_exit e = {.reason = EXIT_REASON_HLT};

	setup(&v);
	fake.st.rflags = RFLAGS_FIXED;
	ok(vcpu_handle_exit(&v, &e) == EXIT_STOP, "HLT with IF=0 stops");
	is_u64(v.stop_status, VX86_STATUS_HALTED, "HLT with IF=0 gives status 0");
	ok(strlen(logtext()) == 0, "quietly: %s", logtext());

	setup(&v);
	fake.st.rflags = RFLAGS_FIXED | RFLAGS_IF;
	fake.st.rip = 0x1234;
	ok(vcpu_handle_exit(&v, &e) == EXIT_STOP && v.stop_status == VX86_STATUS_HALTED,
	   "HLT with IF=1 and no interrupt source stops with status 0");
	ok(strstr(logtext(), "interrupts enabled") && strstr(logtext(), "rip=0x1234"),
	   "and says why, with RIP");
}

static void test_crashes(void)
{
	struct vcpu v;
	struct vcpu_exit e = {.reason = EXIT_REASON_TRIPLE_FAULT};

	setup(&v);
	fake.st.rip = 0xdeadbeef;
	ok(vcpu_handle_exit(&v, &e) == EXIT_STOP && v.stop_status == VX86_STATUS_CRASH,
	   "triple fault stops with status 4");
	ok(strstr(logtext(), "triple fault") && strstr(logtext(), "rip=00000000deadbeef"),
	   "triple fault prints a register dump");

	setup(&v);
	memcpy(fake.mem, "\x0f\x0b\x90", 3);
	e = (struct vcpu_exit){
		.reason = EXIT_REASON_VX86_INTERNAL,
		.internal = {
			.what = "emulation failed", .suberror = 1, .ndata = 1, .data = {0x42}}};
	ok(vcpu_handle_exit(&v, &e) == EXIT_STOP && v.stop_status == VX86_STATUS_CRASH,
	   "internal error stops with status 4");
	ok(strstr(logtext(), "emulation failed") && strstr(logtext(), "suberror 1") &&
		   strstr(logtext(), "data[0]=0x42"),
	   "internal error names the failure, suberror and data");
	ok(strstr(logtext(), "instruction bytes at rip: 0f 0b 90") != NULL,
	   "internal error shows the instruction bytes at RIP");

	setup(&v);
	e = (struct vcpu_exit){.reason = EXIT_REASON_VX86_INTERNAL,
			       .internal = {.what = "x", .insn_len = 2, .insn = {0xf4, 0xcc}}};
	vcpu_handle_exit(&v, &e);
	ok(strstr(logtext(), "instruction bytes at rip: f4 cc\n") != NULL,
	   "bytes the engine supplied are preferred");
}

static void test_unexpected(void)
{
	struct vcpu v;
	unsigned reasons[] = {14 /* INVLPG: no handler */, EXIT_REASON_VX86_UNEXPECTED, 77,
			      EXIT_REASON_MAX, 100000};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		struct vcpu_exit e = {.reason = reasons[i], .engine_code = 123};

		setup(&v);
		ok(vcpu_handle_exit(&v, &e) == EXIT_STOP && v.stop_status == VX86_STATUS_CRASH,
		   "exit reason %u without a handler stops with status 4", reasons[i]);
		ok(strstr(logtext(), "unexpected exit") && strstr(logtext(), "engine code 123") &&
			   strstr(logtext(), "rip="),
		   "and names the exit and dumps registers");
	}
	setup(&v);
	fake.state_fails = 1;
	struct vcpu_exit e = {.reason = 77};
	vcpu_handle_exit(&v, &e);
	ok(strstr(logtext(), "registers unavailable") != NULL, "a failing register read is said");
}

static void test_names_and_stats(void)
{
	struct vcpu v;
	char *buf = NULL;
	size_t len;
	FILE *out = open_memstream(&buf, &len);

	ok(!strcmp(exit_reason_name(EXIT_REASON_HLT), "HLT"), "reason 12 is HLT");
	ok(!strcmp(exit_reason_name(EXIT_REASON_IO_INSTRUCTION), "IO_INSTRUCTION"),
	   "reason 30 is IO_INSTRUCTION");
	ok(!strcmp(exit_reason_name(31), "MSR_READ") && !strcmp(exit_reason_name(32), "MSR_WRITE"),
	   "reasons 31/32 are the MSR exits, as VMX numbers them");
	ok(!strcmp(exit_reason_name(9999), "UNKNOWN"), "out of range is UNKNOWN");

	setup(&v);
	v.stats.count[EXIT_REASON_IO_INSTRUCTION] = 41;
	v.stats.count[EXIT_REASON_HLT] = 1;
	exit_stats_print(&v.stats, out);
	fclose(out);
	ok(strstr(buf, "IO_INSTRUCTION") && strstr(buf, " 41\n") && strstr(buf, "HLT") &&
		   strstr(buf, "total") && strstr(buf, " 42\n"),
	   "the stats table lists each reason and the total");
	ok(!strstr(buf, "TRIPLE_FAULT"), "reasons that never happened are left out");
	free(buf);

	setup(&v);
	v.trace = (struct trace){.classes = TRACE_EXIT, .text = logfile};
	fake.st.rip = 0x100010;
	uint8_t d = 'x';
	struct vcpu_exit e = {.reason = EXIT_REASON_IO_INSTRUCTION,
			      .io = {.port = 0xe9, .size = 1, .count = 1, .data = &d}};
	vcpu_handle_exit(&v, &e);
	ok(strstr(logtext(), "exit: IO_INSTRUCTION rip=0x100010 port=0x00e9 size=1 out count=1") !=
		   NULL,
	   "--trace=exit prints one line per exit: %s", logtext());
}

int main(void)
{
	test_io();
	test_io_stop();
	test_mmio();
	test_hlt();
	test_crashes();
	test_unexpected();
	test_names_and_stats();
	fclose(logfile);
	free(logbuf);
	return tap_done();
}
