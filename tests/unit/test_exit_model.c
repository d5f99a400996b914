/* SPDX-License-Identifier: MIT */
/*
 * The exit handlers that reach the vCPU model: RDMSR, WRMSR, CR access, CPUID,
 * XSETBV and VMCALL (KVM's hypercalls), fed synthetic exits the way an engine produces them,
 * against a fake engine that keeps the registers (and no MSR) and records what it is given.
 * vcpu_complete then plays the engine's part of finishing the instruction (spec/msr.md §1,
 * spec/cr.md §11).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vcpu/cr.h"
#include "vcpu/exit.h"
#include "vcpu/msr.h"
#include "vx86.h"

struct fake {
	struct vcpu_state regs; /* the engine's registers; its MSR fields are unused */
	unsigned nset_state;
	unsigned npush;
	uint32_t push_index[8];
	uint64_t push_value[8];
	int push_ret; /* what set_msr returns */
};

static struct fake fake;
static char *logbuf;
static size_t loglen;
static FILE *logfile;

static void f_pio(void *ctx, uint16_t port, unsigned size, bool in, uint32_t *val)
{
	(void)ctx, (void)port, (void)size, (void)in, (void)val;
}

static void f_mmio(void *ctx, uint64_t gpa, unsigned size, bool write, uint64_t *val)
{
	(void)ctx, (void)gpa, (void)size, (void)write, (void)val;
}

static int f_stop(void *ctx)
{
	(void)ctx;
	return -1;
}

/* Like an engine that keeps no MSR: the model's MSR fields survive a refresh. */
static int f_get_state(void *ctx, struct vcpu_state *st)
{
	struct fake *f = ctx;
	struct msr_state msr = st->msr;

	*st = f->regs;
	st->msr = msr;
	return 0;
}

static int f_set_state(void *ctx, const struct vcpu_state *st)
{
	struct fake *f = ctx;

	f->regs = *st;
	f->nset_state++;
	return 0;
}

static int f_set_msr(void *ctx, uint32_t index, uint64_t value)
{
	struct fake *f = ctx;

	if (f->npush < 8) {
		f->push_index[f->npush] = index;
		f->push_value[f->npush] = value;
	}
	f->npush++;
	return f->push_ret;
}

static int f_read_linear(void *ctx, uint64_t la, void *buf, size_t len)
{
	(void)ctx, (void)la, (void)buf, (void)len;
	return -1;
}

static const char *logtext(void)
{
	fflush(logfile);
	return logbuf ? logbuf : "";
}

static unsigned count_in_log(const char *needle)
{
	unsigned n = 0;

	for (const char *p = logtext(); (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* A vCPU in 32-bit protected mode at CPL 0, as the multiboot loader leaves it. */
static void setup(struct vcpu *v, enum cpu_vendor vendor)
{
	struct vcpu_env env = {
		.ctx = &fake,
		.pio = f_pio,
		.mmio = f_mmio,
		.stop_requested = f_stop,
		.get_state = f_get_state,
		.read_linear = f_read_linear,
		.set_state = f_set_state,
		.set_msr = f_set_msr,
	};
	struct cpu_model cpu;

	memset(&fake, 0, sizeof(fake));
	fake.push_ret = -ENOENT;
	if (logfile)
		fclose(logfile);
	free(logbuf);
	logbuf = NULL;
	logfile = open_memstream(&logbuf, &loglen);
	cpu_model_init(&cpu, vendor);
	vcpu_init(v, &env, &cpu, logfile);
	fake.regs = v->st;
	fake.regs.cr0 = CR0_PE | CR0_ET;
	fake.regs.seg[SEG_CS] = seg_flat32(8, true);
	fake.regs.seg[SEG_SS] = seg_flat32(16, false);
	fake.regs.rip = 0x100000;
}

static struct vcpu_exit rdmsr(uint32_t index)
{
	return (struct vcpu_exit){
		.reason = EXIT_REASON_MSR_READ, .insn_len = 2, .msr = {.index = index}};
}

static struct vcpu_exit wrmsr(uint32_t index, uint64_t data)
{
	return (struct vcpu_exit){.reason = EXIT_REASON_MSR_WRITE,
				  .insn_len = 2,
				  .msr = {.index = index, .data = data}};
}

static void test_rdmsr_wrmsr(void)
{
	struct vcpu v;
	struct vcpu_exit e;
	struct vcpu_state st;

	setup(&v, CPU_VENDOR_INTEL);
	e = wrmsr(MSR_LSTAR, 0xffffffff81000000ull);
	ok(vcpu_handle_exit(&v, &e) == EXIT_RESUME && !e.fault.pending,
	   "WRMSR LSTAR with a canonical value succeeds");
	st = fake.regs;
	ok(vcpu_complete(&st, &e) && st.rip == 0x100002, "success skips the 2-byte WRMSR");

	e = rdmsr(MSR_LSTAR);
	vcpu_handle_exit(&v, &e);
	is_u64(e.msr.data, 0xffffffff81000000ull, "RDMSR LSTAR returns the value written");
	st = fake.regs;
	st.gpr[GPR_RAX] = 0xdeadbeef00000000ull;
	st.gpr[GPR_RDX] = 0xdeadbeef00000000ull;
	vcpu_complete(&st, &e);
	ok(st.gpr[GPR_RAX] == 0x81000000 && st.gpr[GPR_RDX] == 0xffffffff,
	   "RDMSR: EDX:EAX hold the value, upper halves of RAX and RDX zeroed");

	e = wrmsr(MSR_LSTAR, 0xaaaaaaaaaaaaaaaaull);
	vcpu_handle_exit(&v, &e);
	ok(e.fault.pending && e.fault.vector == EXC_GP && e.fault.has_error &&
		   e.fault.error_code == 0,
	   "WRMSR of a non-canonical LSTAR is #GP(0)");
	st = fake.regs;
	st.gpr[GPR_RAX] = 0x1234;
	ok(!vcpu_complete(&st, &e) && st.rip == 0x100000 && st.gpr[GPR_RAX] == 0x1234,
	   "a faulting WRMSR leaves RIP and the registers alone");
	is_u64(v.st.msr.lstar, 0xffffffff81000000ull, "and LSTAR keeps its old value");
	e = rdmsr(MSR_IA32_PRED_CMD);
	vcpu_handle_exit(&v, &e);
	ok(e.fault.pending && e.msr.data == 0, "RDMSR of write-only PRED_CMD is #GP(0)");
	ok(v.stats.rdmsr == 2 && v.stats.wrmsr == 2 && v.stats.wrmsr_fault == 1 &&
		   v.stats.rdmsr_fault == 1,
	   "--stats counts the RDMSR and WRMSR accesses and their faults");
	ok(v.stats.count[EXIT_REASON_MSR_READ] == 2 && v.stats.count[EXIT_REASON_MSR_WRITE] == 2,
	   "and the exits by reason");
}

static void test_engine_push(void)
{
	struct vcpu v;
	struct vcpu_exit e;

	setup(&v, CPU_VENDOR_INTEL);
	/* The intel model has LA57: canonical means sign-extended from bit 56. */
	e = wrmsr(MSR_IA32_SYSENTER_EIP, 0x0100000000000000ull);
	vcpu_handle_exit(&v, &e);
	ok(fake.npush == 1 && fake.push_index[0] == MSR_IA32_SYSENTER_EIP &&
		   fake.push_value[0] == 0xff00000000000000ull,
	   "an accepted WRMSR gives the engine the value the model stored (canonicalized)");
	fake.npush = 0;
	e = wrmsr(MSR_IA32_CR_PAT, 0x0007040600070402ull);
	vcpu_handle_exit(&v, &e);
	ok(e.fault.pending && fake.npush == 0,
	   "a refused WRMSR (PAT type 2) never reaches the engine");
	e = wrmsr(MSR_IA32_TSC, 1000);
	vcpu_handle_exit(&v, &e);
	ok(fake.npush == 2 && fake.push_index[0] == MSR_IA32_TSC &&
		   fake.push_index[1] == MSR_IA32_TSC_ADJUST,
	   "a TSC write also gives the engine TSC_ADJUST, which it moved");
	fake.push_ret = -EIO;
	e = wrmsr(MSR_STAR, 1);
	ok(vcpu_handle_exit(&v, &e) == EXIT_STOP && v.stop_status == VX86_STATUS_CRASH,
	   "an engine that refuses a value the model accepted stops the guest (status 4)");
}

static void test_unknown_policy(void)
{
	struct vcpu v;
	struct vcpu_exit e;

	setup(&v, CPU_VENDOR_INTEL);
	e = rdmsr(0x12345678);
	vcpu_handle_exit(&v, &e);
	ok(e.fault.pending && v.stats.rdmsr_unknown == 1,
	   "--unknown-msr=gp: RDMSR of an unmodelled index is #GP(0)");

	setup(&v, CPU_VENDOR_INTEL);
	v.unknown_msr = UNKNOWN_MSR_IGNORE;
	e = rdmsr(0x12345678);
	e.msr.data = 77;
	vcpu_handle_exit(&v, &e);
	ok(!e.fault.pending && e.msr.data == 0 && !*logtext(),
	   "--unknown-msr=ignore: it reads 0, silently");
	e = wrmsr(0x12345678, 5);
	vcpu_handle_exit(&v, &e);
	ok(!e.fault.pending && fake.npush == 0, "and a write is dropped");

	setup(&v, CPU_VENDOR_INTEL);
	v.unknown_msr = UNKNOWN_MSR_LOG;
	for (int i = 0; i < 3; i++) {
		e = rdmsr(0x12345678);
		vcpu_handle_exit(&v, &e);
	}
	e = wrmsr(0x4b564dff, 9);
	vcpu_handle_exit(&v, &e);
	ok(!e.fault.pending && count_in_log("0x12345678") == 1 && count_in_log("0x4b564dff") == 1,
	   "--unknown-msr=log: reads 0, and each index is reported once: %s", logtext());
}

static void test_msr_trace(void)
{
	struct vcpu v;
	struct vcpu_exit e;
	char *json = NULL;
	size_t jlen;
	FILE *jf = open_memstream(&json, &jlen);

	setup(&v, CPU_VENDOR_INTEL);
	v.trace = (struct trace){.classes = TRACE_MSR, .text = logfile};
	e = wrmsr(MSR_LSTAR, 0xaaaaaaaaaaaaaaaaull);
	vcpu_handle_exit(&v, &e);
	e = rdmsr(MSR_STAR);
	vcpu_handle_exit(&v, &e);
	ok(strstr(logtext(), "msr_write_ex 0xc0000082 (") &&
		   strstr(logtext(), "= 0xaaaaaaaaaaaaaaaa (#GP) rip=0x100000"),
	   "--trace=msr: a refused write is msr_write_ex with (#GP): %s", logtext());
	ok(strstr(logtext(), "msr_read 0xc0000081 (") != NULL, "a read is msr_read");

	v.trace = (struct trace){.classes = TRACE_MSR, .json = jf};
	e = wrmsr(MSR_STAR, 0x23001000000000ull);
	vcpu_handle_exit(&v, &e);
	fclose(jf);
	ok(json &&
		   strstr(json, "{\"event\":\"msr_write\",\"rip\":\"0x100000\",\"index\":"
				"\"0xc0000081\",\"name\":\"") &&
		   strstr(json, "\"data\":\"0x23001000000000\"}\n"),
	   "--trace-file: the same event as a JSON line: %s", json ? json : "");
	free(json);

	char *buf = NULL;
	size_t len;
	FILE *out = open_memstream(&buf, &len);

	exit_stats_print(&v.stats, out);
	fclose(out);
	ok(strstr(buf, "RDMSR") && strstr(buf, "WRMSR"), "--stats has RDMSR and WRMSR rows");
	free(buf);
}

static struct vcpu_exit mov_cr(unsigned type, unsigned cr, unsigned gpr, uint64_t value)
{
	return (struct vcpu_exit){.reason = EXIT_REASON_CR_ACCESS,
				  .insn_len = 3,
				  .cr = {.cr = cr, .type = type, .gpr = gpr, .value = value}};
}

static void test_cr_access(void)
{
	struct vcpu v;
	struct vcpu_exit e;
	struct vcpu_state st;

	setup(&v, CPU_VENDOR_INTEL);
	v.trace = (struct trace){.classes = TRACE_CR | TRACE_MODE, .text = logfile};
	e = mov_cr(CR_ACCESS_MOV_TO, 0, GPR_RAX, CR0_PG | CR0_ET);
	vcpu_handle_exit(&v, &e);
	ok(e.fault.pending && e.fault.vector == EXC_GP && fake.nset_state == 0 &&
		   fake.regs.cr0 == (CR0_PE | CR0_ET),
	   "MOV to CR0 with PG=1, PE=0 is #GP(0) and changes nothing");
	ok(strstr(logtext(), "cr_write cr0 0x11 -> 0x80000010 (#GP)") != NULL,
	   "--trace=cr shows the refused write: %s", logtext());

	e = mov_cr(CR_ACCESS_MOV_TO, 0, GPR_RAX, CR0_ET);
	vcpu_handle_exit(&v, &e);
	ok(!e.fault.pending && fake.nset_state == 1 && fake.regs.cr0 == CR0_ET,
	   "MOV to CR0 clearing PE reaches the engine through set_state");
	ok(strstr(logtext(), "mode_change protected32 -> real") != NULL,
	   "--trace=mode reports the switch to real mode: %s", logtext());

	fake.regs.cr3 = 0x12345000;
	e = mov_cr(CR_ACCESS_MOV_FROM, 3, GPR_RBX, 0);
	vcpu_handle_exit(&v, &e);
	st = fake.regs;
	st.gpr[GPR_RBX] = 0xffffffff00000000ull;
	ok(vcpu_complete(&st, &e) && st.gpr[GPR_RBX] == 0x12345000 && st.rip == 0x100003,
	   "MOV from CR3 writes the register and skips the instruction");

	fake.regs.cr0 = CR0_ET | CR0_TS;
	e = mov_cr(CR_ACCESS_CLTS, 0, 0, 0);
	vcpu_handle_exit(&v, &e);
	ok(!(fake.regs.cr0 & CR0_TS), "CLTS clears CR0.TS");
	e = mov_cr(CR_ACCESS_LMSW, 0, 0, 0xfff1);
	vcpu_handle_exit(&v, &e);
	ok(fake.regs.cr0 == (CR0_ET | CR0_PE), "LMSW 0xfff1 sets PE only (upper bits ignored)");
	e = mov_cr(CR_ACCESS_MOV_TO, 5, GPR_RAX, 0);
	vcpu_handle_exit(&v, &e);
	ok(e.fault.pending && e.fault.vector == EXC_UD && !e.fault.has_error, "MOV to CR5 is #UD");
	e = mov_cr(CR_ACCESS_MOV_TO, 8, GPR_RAX, 0x10);
	vcpu_handle_exit(&v, &e);
	ok(e.fault.pending && e.fault.vector == EXC_GP, "MOV to CR8 of 0x10 is #GP(0)");
}

static void test_cpuid_xsetbv(void)
{
	struct vcpu v;
	struct vcpu_exit e = {.reason = EXIT_REASON_CPUID, .insn_len = 2};
	struct vcpu_state st;

	setup(&v, CPU_VENDOR_AMD);
	vcpu_handle_exit(&v, &e);
	ok(!memcmp(&e.cpuid.out[1], "Auth", 4) && !memcmp(&e.cpuid.out[3], "enti", 4) &&
		   !memcmp(&e.cpuid.out[2], "cAMD", 4),
	   "CPUID 0 gives the CPU model's vendor string");
	st = fake.regs;
	st.gpr[GPR_RAX] = ~0ull;
	vcpu_complete(&st, &e);
	ok(st.gpr[GPR_RAX] == e.cpuid.out[0] && st.rip == 0x100002,
	   "CPUID results are zero-extended into RAX..RDX and the instruction skipped");

	e = (struct vcpu_exit){.reason = EXIT_REASON_XSETBV, .insn_len = 3, .xsetbv = {0, 3}};
	vcpu_handle_exit(&v, &e);
	ok(e.fault.pending && e.fault.vector == EXC_UD, "XSETBV with CR4.OSXSAVE=0 is #UD");
	fake.regs.cr4 = CR4_OSXSAVE;
	e = (struct vcpu_exit){.reason = EXIT_REASON_XSETBV, .insn_len = 3, .xsetbv = {0, 3}};
	vcpu_handle_exit(&v, &e);
	ok(!e.fault.pending && fake.regs.xcr0 == 3, "XSETBV XCR0=FP|SSE is accepted");
	e = (struct vcpu_exit){.reason = EXIT_REASON_XSETBV, .insn_len = 3, .xsetbv = {0, 0}};
	vcpu_handle_exit(&v, &e);
	ok(e.fault.pending && e.fault.vector == EXC_GP && fake.regs.xcr0 == 3,
	   "XSETBV XCR0=0 is #GP(0) and XCR0 stays");
	e = (struct vcpu_exit){.reason = EXIT_REASON_CPUID, .cpuid = {.leaf = 1}};
	vcpu_handle_exit(&v, &e);
	ok(e.cpuid.out[2] & (1u << 27), "CPUID.1:ECX.OSXSAVE follows CR4.OSXSAVE");
}

/* KVM's hypercall ABI: -KVM_ENOSYS for unknown numbers, -KVM_EPERM above CPL 0, 32-bit outside
 * 64-bit mode. */
static void test_vmcall(void)
{
	struct vcpu v;
	struct vcpu_exit e;
	struct vcpu_state st;

	setup(&v, CPU_VENDOR_INTEL);
	fake.regs.gpr[GPR_RAX] = 0xffffffff00000077ull; /* nr 0x77 in 32-bit mode */
	e = (struct vcpu_exit){.reason = EXIT_REASON_VMCALL, .insn_len = 3};
	ok(vcpu_handle_exit(&v, &e) == EXIT_RESUME && !e.fault.pending, "VMCALL: no #UD");
	st = fake.regs;
	ok(vcpu_complete(&st, &e) && st.gpr[GPR_RAX] == (uint32_t)-1000 && st.rip == 0x100003,
	   "unknown hypercall: EAX = -KVM_ENOSYS (32 bits), RIP past the 3 bytes");
	fake.regs.gpr[GPR_RAX] = 0xffffffff00000001ull; /* KVM_HC_VAPIC_POLL_IRQ */
	e = (struct vcpu_exit){.reason = EXIT_REASON_VMCALL, .insn_len = 3};
	vcpu_handle_exit(&v, &e);
	st = fake.regs;
	ok(vcpu_complete(&st, &e) && st.gpr[GPR_RAX] == 0,
	   "KVM_HC_VAPIC_POLL_IRQ returns 0 (the number is 32 bits outside 64-bit mode)");
	fake.regs.seg[SEG_CS].dpl = 3;
	fake.regs.seg[SEG_SS].dpl = 3;
	fake.regs.seg[SEG_CS].selector |= 3;
	fake.regs.seg[SEG_SS].selector |= 3;
	e = (struct vcpu_exit){.reason = EXIT_REASON_VMCALL, .insn_len = 3};
	vcpu_handle_exit(&v, &e);
	st = fake.regs;
	ok(vcpu_complete(&st, &e) && st.gpr[GPR_RAX] == (uint32_t)-1,
	   "a hypercall from CPL 3: -KVM_EPERM, no fault");
}

int main(void)
{
	test_rdmsr_wrmsr();
	test_engine_push();
	test_unknown_policy();
	test_msr_trace();
	test_cr_access();
	test_cpuid_xsetbv();
	test_vmcall();
	fclose(logfile);
	free(logbuf);
	return tap_done();
}
