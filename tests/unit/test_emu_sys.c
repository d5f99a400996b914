/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's system instructions (exec_sys.c, exec_io.c, exec_fpu.c):
 * the mode and CPL checks of each, the exits with their operands, the
 * completion of those exits on the next run, the I/O permission bitmap, the
 * IOPL rules of PUSHF/POPF/CLI/STI, the debug registers, the TSC, and the
 * x87/SSE state instructions. Each test places a few instruction bytes at
 * ET_CODE and runs the harness's guest to the first exit; a fault shows as a
 * HLT in the vector's stub.
 */
#include <string.h>

#include "emu_test.h"
#include "tap.h"

#define CODE(t, ...)                                                                               \
	do {                                                                                       \
		static const uint8_t code_[] = {__VA_ARGS__};                                      \
		et_code((t), code_, sizeof(code_));                                                \
	} while (0)

/* Vectors beyond vcpu/exit.h's EXC_UD and EXC_GP (SDM Vol. 3A Table 6-1). */
#define EXC_DB 1
#define EXC_NM 7
#define EXC_PF 14
#define EXC_MF 16

/* Code run at CPL 3 ends with CPUID, an exit at any CPL (HLT is #GP there). */
#define END3 0x0f, 0xa2

#define RF_IOPL3 (3ull << 12)
#define RF_DF	 (1ull << 10)
#define RF_AC	 (1ull << 18)
#define RF_RF	 (1ull << 16)
#define RF_VIF	 (1ull << 19)
#define RF_ZF	 (1ull << 6)

/* A new state in `mode` at ring 0, debug registers and XCR0 at RESET, no exit pending. */
static void fresh(struct et *t, enum et_mode mode)
{
	et_state(t, mode);
	memset(&t->exit, 0, sizeof(t->exit));
	memset(t->st.dr, 0, sizeof(t->st.dr));
	t->st.dr6 = 0xffff0ff0;
	t->st.dr7 = 0x400;
	t->st.xcr0 = 1;
	t->st.msr.tsc_aux = 0;
	t->st.msr.misc_features_enables = 0;
}

/* CPL 3: the harness's ring-3 code and data selectors. */
static void ring3(struct et *t)
{
	bool l = t->mode == ET_LONG64;

	t->st.seg[SEG_CS] = et_seg(ET_SEL_CS3, 0xb, 3, l, !l, 0xffffffff);
	for (unsigned s = SEG_ES; s <= SEG_GS; s++)
		if (s != SEG_CS)
			t->st.seg[s] = et_seg(ET_SEL_DS3, 0x3, 3, false, true, 0xffffffff);
}

/* Virtual-8086 mode over protected mode: CS:IP = ET_CODE, SS:SP = ET_STACK, DS = ET_DATA. */
static void v86(struct et *t, uint64_t iopl)
{
	for (unsigned s = SEG_ES; s <= SEG_GS; s++) {
		uint16_t sel = s == SEG_CS ? ET_CODE >> 4 : s == SEG_SS ? 0x2000 : ET_DATA >> 4;

		t->st.seg[s] = (struct segment){.selector = sel,
						.base = (uint64_t)sel << 4,
						.limit = 0xffff,
						.type = s == SEG_CS ? 0xb : 0x3,
						.s = true,
						.dpl = 3,
						.present = true};
	}
	t->st.rflags |= RFLAGS_VM | iopl << 12;
	t->st.rip = 0;
	t->st.gpr[GPR_RSP] = 0xf000;
}

/* Real mode: CS = ET_CODE >> 4 so that IP (0) is within the 64 KiB limit. */
static void real_cs(struct et *t)
{
	t->st.seg[SEG_CS].selector = ET_CODE >> 4;
	t->st.seg[SEG_CS].base = ET_CODE;
	t->st.rip = 0;
}

/* Where the code starts: IP 0 in real mode (real_cs), else ET_CODE. */
static uint64_t code_rip(const struct et *t)
{
	return t->mode == ET_REAL ? 0 : ET_CODE;
}

static unsigned word(const struct et *t)
{
	return t->mode == ET_LONG64 ? 8 : 4;
}

/*
 * Run; the guest must halt in the stub of `vector`, and the frame must hold
 * the return RIP `rip` (after an error code of 0 for #GP).
 */
static void expect_fault(struct et *t, int vector, uint64_t rip, const char *what)
{
	int r = et_run(t);
	bool err = vector == EXC_GP || vector == EXC_PF;
	unsigned w = word(t);

	if (!ok(r == EXIT_REASON_HLT && et_vector(t) == vector, "%s: vector %d", what, vector)) {
		printf("#   exit %d, vector %d, rip 0x%" PRIx64 "\n", r, et_vector(t), t->st.rip);
		return;
	}
	if (vector == EXC_GP && et_stack(t, 0, w) != 0)
		ok(0, "%s: error code 0 (got 0x%" PRIx64 ")", what, et_stack(t, 0, w));
	if (et_stack(t, err ? w : 0, w) != rip)
		ok(0, "%s: return RIP 0x%" PRIx64 " (got 0x%" PRIx64 ")", what, rip,
		   et_stack(t, err ? w : 0, w));
	/* SDM 18.3.1.1: a fault pushes RFLAGS with RF set (real mode's FLAGS has no RF). */
	if (t->mode != ET_REAL && !(et_stack(t, (err ? w : 0) + 2 * w, w) & (1u << 16)))
		ok(0, "%s: the frame's RFLAGS has RF set (got 0x%" PRIx64 ")", what,
		   et_stack(t, (err ? w : 0) + 2 * w, w));
}

/*
 * Run; the guest must stop at the HLT at `rip` (not in a stub), or, where
 * HLT would fault (CPL 3), at the CPUID that ends the code there.
 */
static void expect_hlt(struct et *t, uint64_t rip, const char *what)
{
	int r = et_run(t);

	if (!ok((r == EXIT_REASON_HLT || r == EXIT_REASON_CPUID) && t->st.rip == rip,
		"%s: runs to the end", what))
		printf("#   exit %d, rip 0x%" PRIx64 ", vector %d\n", r, t->st.rip, et_vector(t));
}

static void expect_exit(struct et *t, enum exit_reason reason, const char *what)
{
	int r = et_run(t);

	if (!ok(r == (int)reason && t->st.rip == code_rip(t), "%s: exit %d on the instruction",
		what, reason))
		printf("#   exit %d, rip 0x%" PRIx64 ", vector %d\n", r, t->st.rip, et_vector(t));
}

/* ---- control registers ------------------------------------------------------- */

static void test_cr_exits(struct et *t)
{
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x22, 0xd8, 0xf4); /* mov cr3, eax */
	t->st.gpr[GPR_RAX] = 0x12345000;
	expect_exit(t, EXIT_REASON_CR_ACCESS, "mov cr3, eax");
	ok(t->exit.cr.cr == 3 && t->exit.cr.type == CR_ACCESS_MOV_TO && t->exit.cr.gpr == 0 &&
		   t->exit.cr.value == 0x12345000 && !t->exit.fault.pending,
	   "mov cr3, eax: cr 3, MOV_TO, gpr 0, the value");

	fresh(t, ET_LONG64);
	CODE(t, 0x41, 0x0f, 0x22, 0xd9, 0xf4); /* mov cr3, r9 */
	t->st.gpr[GPR_R9] = 0x123456789000ull;
	expect_exit(t, EXIT_REASON_CR_ACCESS, "mov cr3, r9");
	ok(t->exit.cr.cr == 3 && t->exit.cr.gpr == 9 && t->exit.cr.value == 0x123456789000ull,
	   "mov cr3, r9: gpr 9 and all 64 bits");

	fresh(t, ET_LONG64);
	CODE(t, 0x44, 0x0f, 0x22, 0xc0, 0xf4); /* mov cr8, rax */
	t->st.gpr[GPR_RAX] = 5;
	expect_exit(t, EXIT_REASON_CR_ACCESS, "mov cr8, rax");
	ok(t->exit.cr.cr == 8 && t->exit.cr.value == 5, "mov cr8, rax: cr 8");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x20, 0xd0, 0xf4); /* mov eax, cr2 */
	t->st.gpr[GPR_RAX] = 0;
	expect_exit(t, EXIT_REASON_CR_ACCESS, "mov eax, cr2");
	ok(t->exit.cr.cr == 2 && t->exit.cr.type == CR_ACCESS_MOV_FROM && t->exit.cr.gpr == 0,
	   "mov eax, cr2: MOV_FROM");
	t->exit.cr.value = 0xdeadbeef;
	expect_hlt(t, ET_CODE + 3, "mov eax, cr2 completed");
	is_u64(t->st.gpr[GPR_RAX], 0xdeadbeef, "mov eax, cr2: EAX from the model");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x01, 0xf0, 0xf4); /* lmsw ax */
	t->st.gpr[GPR_RAX] = 0xabcd0003;
	expect_exit(t, EXIT_REASON_CR_ACCESS, "lmsw ax");
	ok(t->exit.cr.type == CR_ACCESS_LMSW && t->exit.cr.value == 3, "lmsw: the 16-bit source");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x01, 0x33, 0xf4); /* lmsw [ebx] */
	t->st.gpr[GPR_RBX] = ET_DATA;
	memcpy(t->ram + ET_DATA, "\x21\x43\x65\x87", 4);
	expect_exit(t, EXIT_REASON_CR_ACCESS, "lmsw [ebx]");
	ok(t->exit.cr.type == CR_ACCESS_LMSW && t->exit.cr.value == 0x4321,
	   "lmsw [ebx]: a word from memory");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x06, 0xf4); /* clts */
	expect_exit(t, EXIT_REASON_CR_ACCESS, "clts");
	ok(t->exit.cr.type == CR_ACCESS_CLTS, "clts: type CLTS");
}

static void test_cr_faults(struct et *t)
{
	static const struct {
		uint8_t code[5];
		const char *name;
	} priv[] = {
		{{0x0f, 0x22, 0xd8}, "mov cr3, eax"},
		{{0x0f, 0x20, 0xc0}, "mov eax, cr0"},
		{{0x0f, 0x01, 0xf0}, "lmsw ax"},
		{{0x0f, 0x06}, "clts"},
		{{0x0f, 0x32}, "rdmsr"},
		{{0x0f, 0x30}, "wrmsr"},
		{{0xf4}, "hlt"},
		{{0x0f, 0x09}, "wbinvd"},
		{{0x0f, 0x08}, "invd"},
		{{0x0f, 0x01, 0x38}, "invlpg [eax]"},
		{{0x0f, 0x23, 0xc0}, "mov dr0, eax"},
		{{0x0f, 0x21, 0xc0}, "mov eax, dr0"},
		{{0x0f, 0x33}, "rdpmc"},
	};
	char what[64];

	for (unsigned m = 0; m < 2; m++)
		for (unsigned i = 0; i < sizeof(priv) / sizeof(priv[0]); i++) {
			fresh(t, m ? ET_LONG64 : ET_PROT32);
			et_code(t, priv[i].code, sizeof(priv[i].code));
			t->st.gpr[GPR_RAX] = ET_DATA;
			ring3(t);
			snprintf(what, sizeof(what), "%s at CPL 3 (%s)", priv[i].name,
				 m ? "long" : "protected");
			expect_fault(t, EXC_GP, ET_CODE, what);
		}

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x22, 0xc8, 0xf4); /* mov cr1, eax */
	expect_fault(t, EXC_UD, ET_CODE, "mov cr1, eax");
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x20, 0xf8, 0xf4); /* mov eax, cr7 */
	expect_fault(t, EXC_UD, ET_CODE, "mov eax, cr7");
	fresh(t, ET_LONG64);
	CODE(t, 0x44, 0x0f, 0x22, 0xc8, 0xf4); /* mov cr9, rax */
	expect_fault(t, EXC_UD, ET_CODE, "mov cr9, rax");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x20, 0xc0, 0xf4); /* mov eax, cr0 */
	v86(t, 3);
	expect_fault(t, EXC_GP, 0, "mov eax, cr0 in virtual-8086 mode");

	fresh(t, ET_REAL);
	CODE(t, 0x0f, 0x22, 0xd8, 0xf4); /* mov cr3, eax */
	real_cs(t);
	expect_exit(t, EXIT_REASON_CR_ACCESS, "mov cr3, eax in real mode");
}

/* SMSW needs no exit: memory gets CR0[15:0], a register CR0 at the operand size. */
static void test_smsw(struct et *t)
{
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x01, 0xe0, 0x0f, 0x01, 0x23, END3); /* smsw eax; smsw [ebx] */
	t->st.cr0 |= CR0_NE | CR0_WP;
	t->st.gpr[GPR_RBX] = ET_DATA;
	memset(t->ram + ET_DATA, 0xee, 4);
	ring3(t);
	expect_hlt(t, ET_CODE + 6, "smsw at CPL 3 without UMIP");
	is_u64(t->st.gpr[GPR_RAX], CR0_PE | CR0_ET | CR0_NE | CR0_WP, "smsw eax: CR0[31:0]");
	ok(t->ram[ET_DATA] == (uint8_t)(CR0_PE | CR0_ET | CR0_NE) && t->ram[ET_DATA + 1] == 0 &&
		   t->ram[ET_DATA + 2] == 0xee,
	   "smsw [ebx]: a word");
}

/* ---- MSRs, CPUID, XCR0, HLT ---------------------------------------------------- */

static void test_msr(struct et *t)
{
	fresh(t, ET_LONG64);
	CODE(t, 0x0f, 0x32, 0xf4); /* rdmsr */
	t->st.gpr[GPR_RCX] = 0xffffffff00000010ull;
	t->st.gpr[GPR_RAX] = t->st.gpr[GPR_RDX] = ~0ull;
	expect_exit(t, EXIT_REASON_MSR_READ, "rdmsr");
	ok(t->exit.msr.index == 0x10 && !t->exit.fault.pending, "rdmsr: index ECX, no fault");
	t->exit.msr.data = 0x1122334455667788ull;
	expect_hlt(t, ET_CODE + 2, "rdmsr completed");
	ok(t->st.gpr[GPR_RAX] == 0x55667788 && t->st.gpr[GPR_RDX] == 0x11223344,
	   "rdmsr: EDX:EAX, upper halves zero");

	fresh(t, ET_LONG64);
	CODE(t, 0x0f, 0x30, 0xf4); /* wrmsr */
	t->st.gpr[GPR_RCX] = 0xc0000080;
	t->st.gpr[GPR_RAX] = 0xaaaaaaaa00000901ull;
	t->st.gpr[GPR_RDX] = 0xbbbbbbbb00000002ull;
	expect_exit(t, EXIT_REASON_MSR_WRITE, "wrmsr");
	ok(t->exit.msr.index == 0xc0000080 && t->exit.msr.data == 0x200000901ull,
	   "wrmsr: index ECX, data EDX:EAX");
	t->exit.fault = (struct exit_fault){.pending = true, .vector = EXC_GP, .has_error = true};
	expect_fault(t, EXC_GP, ET_CODE, "wrmsr refused by the model");
}

static void test_cpuid_xcr(struct et *t)
{
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0xa2, END3); /* cpuid */
	t->st.gpr[GPR_RAX] = 7;
	t->st.gpr[GPR_RCX] = 1;
	ring3(t);
	expect_exit(t, EXIT_REASON_CPUID, "cpuid at CPL 3");
	ok(t->exit.cpuid.leaf == 7 && t->exit.cpuid.subleaf == 1, "cpuid: leaf EAX, subleaf ECX");
	memcpy(t->exit.cpuid.out, (uint32_t[4]){1, 2, 3, 4}, 16);
	expect_hlt(t, ET_CODE + 2, "cpuid completed");
	ok(t->st.gpr[GPR_RAX] == 1 && t->st.gpr[GPR_RBX] == 2 && t->st.gpr[GPR_RCX] == 3 &&
		   t->st.gpr[GPR_RDX] == 4,
	   "cpuid: EAX..EDX from the model");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0xa2, 0xf4);
	t->st.msr.misc_features_enables = 1; /* CPUID faulting */
	ring3(t);
	expect_fault(t, EXC_GP, ET_CODE, "cpuid at CPL 3 with CPUID faulting");
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0xa2, 0xf4);
	t->st.msr.misc_features_enables = 1;
	expect_exit(t, EXIT_REASON_CPUID, "cpuid at CPL 0 with CPUID faulting");

	fresh(t, ET_LONG64);
	CODE(t, 0x0f, 0x01, 0xd1, 0xf4); /* xsetbv */
	t->st.gpr[GPR_RCX] = 0;
	t->st.gpr[GPR_RAX] = 0xffffffff00000003ull;
	t->st.gpr[GPR_RDX] = 1;
	expect_exit(t, EXIT_REASON_XSETBV, "xsetbv");
	ok(t->exit.xsetbv.index == 0 && t->exit.xsetbv.value == 0x100000003ull,
	   "xsetbv: index ECX, value EDX:EAX");

	fresh(t, ET_LONG64);
	CODE(t, 0x0f, 0x01, 0xd0, END3); /* xgetbv */
	t->st.cr4 |= CR4_OSXSAVE;
	t->st.xcr0 = 3;
	t->st.gpr[GPR_RCX] = 0;
	t->st.gpr[GPR_RAX] = t->st.gpr[GPR_RDX] = ~0ull;
	ring3(t);
	expect_hlt(t, ET_CODE + 3, "xgetbv at CPL 3");
	ok(t->st.gpr[GPR_RAX] == 3 && t->st.gpr[GPR_RDX] == 0, "xgetbv 0: XCR0 in EDX:EAX");
	for (uint64_t ecx = 1; ecx <= 2; ecx++) {
		fresh(t, ET_LONG64);
		CODE(t, 0x0f, 0x01, 0xd0, 0xf4);
		t->st.cr4 |= CR4_OSXSAVE;
		t->st.gpr[GPR_RCX] = ecx;
		expect_fault(t, EXC_GP, ET_CODE,
			     ecx == 1 ? "xgetbv 1 without XGETBV_ECX1" : "xgetbv 2");
	}
	fresh(t, ET_LONG64);
	CODE(t, 0x0f, 0x01, 0xd0, 0xf4);
	expect_fault(t, EXC_UD, ET_CODE, "xgetbv without CR4.OSXSAVE");
}

static void test_hlt(struct et *t)
{
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x09, 0x0f, 0x08, 0xf4); /* wbinvd; invd; hlt */
	expect_hlt(t, ET_CODE + 4, "wbinvd and invd at CPL 0");
	ok(t->exit.insn_len == 1 && !t->exit.fault.pending, "hlt: the exit's insn_len");

	fresh(t, ET_LONG64);
	CODE(t, 0x0f, 0x01, 0x38, 0xf4); /* invlpg [rax] */
	t->st.gpr[GPR_RAX] = 0x8000000000000000ull;
	expect_hlt(t, ET_CODE + 3, "invlpg of a non-canonical address is a no-op");
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x33, 0xf4); /* rdpmc */
	expect_fault(t, EXC_GP, ET_CODE, "rdpmc at CPL 0: no counters");
}

/* ---- port I/O ------------------------------------------------------------------ */

static void test_in_out(struct et *t)
{
	fresh(t, ET_PROT32);
	CODE(t, 0xef, 0xf4); /* out dx, eax */
	t->st.gpr[GPR_RAX] = 0x12345678;
	t->st.gpr[GPR_RDX] = 0xabcd03f8;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "out dx, eax");
	ok(t->exit.io.port == 0x3f8 && t->exit.io.size == 4 && !t->exit.io.in &&
		   !t->exit.io.string && t->exit.io.count == 1 &&
		   !memcmp(t->exit.io.data, "\x78\x56\x34\x12", 4),
	   "out dx, eax: port DX, size 4, the data");
	expect_hlt(t, ET_CODE + 1, "out dx, eax completed");

	fresh(t, ET_PROT32);
	CODE(t, 0x66, 0xe7, 0x80, 0xf4); /* out 0x80, ax */
	t->st.gpr[GPR_RAX] = 0x12345678;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "out 0x80, ax");
	ok(t->exit.io.port == 0x80 && t->exit.io.size == 2 && t->exit.io.data[0] == 0x78 &&
		   t->exit.io.data[1] == 0x56,
	   "out 0x80, ax: port imm8, size 2");

	fresh(t, ET_LONG64);
	CODE(t, 0xe4, 0x60, 0xf4); /* in al, 0x60 */
	t->st.gpr[GPR_RAX] = 0x1122334455667788ull;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "in al, 0x60");
	ok(t->exit.io.port == 0x60 && t->exit.io.size == 1 && t->exit.io.in &&
		   t->exit.io.count == 1,
	   "in al, 0x60: port, size 1, in");
	t->exit.io.data[0] = 0xab;
	expect_hlt(t, ET_CODE + 2, "in al completed");
	is_u64(t->st.gpr[GPR_RAX], 0x11223344556677abull, "in al: AL merges");

	fresh(t, ET_LONG64);
	CODE(t, 0x66, 0xed, 0xf4); /* in ax, dx */
	t->st.gpr[GPR_RAX] = 0x1122334455667788ull;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "in ax, dx");
	memcpy(t->exit.io.data, "\xcd\xab", 2);
	expect_hlt(t, ET_CODE + 2, "in ax completed");
	is_u64(t->st.gpr[GPR_RAX], 0x112233445566abcdull, "in ax: AX merges");

	fresh(t, ET_LONG64);
	CODE(t, 0xed, 0xf4); /* in eax, dx */
	t->st.gpr[GPR_RAX] = 0x1122334455667788ull;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "in eax, dx");
	ok(t->exit.io.size == 4, "in eax, dx: size 4");
	memcpy(t->exit.io.data, "\x04\x03\x02\x01", 4);
	expect_hlt(t, ET_CODE + 1, "in eax completed");
	is_u64(t->st.gpr[GPR_RAX], 0x01020304, "in eax: zero-extends into RAX");
}

static void test_outs(struct et *t)
{
	fresh(t, ET_LONG64);
	CODE(t, 0xf3, 0x6e, 0xf4); /* rep outsb */
	memcpy(t->ram + ET_DATA, "0123456789", 10);
	t->st.gpr[GPR_RSI] = ET_DATA;
	t->st.gpr[GPR_RCX] = 10;
	t->st.gpr[GPR_RDX] = 0xe9;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "rep outsb");
	ok(t->exit.io.string && !t->exit.io.in && t->exit.io.count == 10 &&
		   t->exit.io.port == 0xe9 && !memcmp(t->exit.io.data, "0123456789", 10),
	   "rep outsb: one exit with the 10 bytes");
	expect_hlt(t, ET_CODE + 2, "rep outsb completed");
	ok(t->st.gpr[GPR_RSI] == ET_DATA + 10 && t->st.gpr[GPR_RCX] == 0, "rep outsb: RSI, RCX");

	/* The batch stops at the end of the source page, and goes on in the next run. */
	fresh(t, ET_LONG64);
	CODE(t, 0xf3, 0x6e, 0xf4);
	memcpy(t->ram + ET_DATA + 4096 - 4, "abcdefghij", 10);
	t->st.gpr[GPR_RSI] = ET_DATA + 4096 - 4;
	t->st.gpr[GPR_RCX] = 10;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "rep outsb across a page");
	ok(t->exit.io.count == 4 && !memcmp(t->exit.io.data, "abcd", 4),
	   "rep outsb: the first batch ends at the page");
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "rep outsb, second batch");
	ok(t->exit.io.count == 6 && !memcmp(t->exit.io.data, "efghij", 6) &&
		   t->st.gpr[GPR_RCX] == 6 && t->st.gpr[GPR_RSI] == ET_DATA + 4096,
	   "rep outsb: the rest from the next page");
	expect_hlt(t, ET_CODE + 2, "rep outsb across a page completed");

	/* Backwards, words: items at +8, +6, +4. */
	fresh(t, ET_LONG64);
	CODE(t, 0xf3, 0x66, 0x6f, 0xf4); /* rep outsw */
	memcpy(t->ram + ET_DATA + 4, "\x11\x11\x22\x22\x33\x33", 6);
	t->st.rflags |= RF_DF;
	t->st.gpr[GPR_RSI] = ET_DATA + 8;
	t->st.gpr[GPR_RCX] = 3;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "rep outsw with DF");
	ok(t->exit.io.count == 3 && t->exit.io.size == 2 &&
		   !memcmp(t->exit.io.data, "\x33\x33\x22\x22\x11\x11", 6),
	   "rep outsw with DF: items in order, downwards");
	expect_hlt(t, ET_CODE + 3, "rep outsw with DF completed");
	is_u64(t->st.gpr[GPR_RSI], ET_DATA + 2, "rep outsw with DF: RSI moved down");

	fresh(t, ET_LONG64);
	CODE(t, 0xf3, 0x6e, 0xf4);
	t->st.gpr[GPR_RCX] = 0;
	expect_hlt(t, ET_CODE + 2, "rep outsb with RCX = 0 makes no exit");

	fresh(t, ET_LONG64);
	CODE(t, 0xf3, 0x6e, 0xf4);
	t->st.gpr[GPR_RSI] = ET_DATA;
	t->st.gpr[GPR_RCX] = 5000;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "rep outsb of 5000 bytes");
	is_u64(t->exit.io.count, 4096, "rep outsb: a batch is at most a page");

	/* A limit violation in the middle: the items before it go out, then #GP. */
	fresh(t, ET_PROT32);
	CODE(t, 0xf3, 0x6e, 0xf4);
	t->st.seg[SEG_DS] = et_seg(ET_SEL_DS16, 0x3, 0, false, false, 0xffff);
	t->st.seg[SEG_DS].base = ET_DATA - 0xfff8;
	t->st.gpr[GPR_RSI] = 0xfff8;
	t->st.gpr[GPR_RCX] = 16;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "rep outsb to the DS limit");
	is_u64(t->exit.io.count, 8, "rep outsb: the batch ends at the limit");
	expect_fault(t, EXC_GP, ET_CODE, "rep outsb past the DS limit");
	ok(t->st.gpr[GPR_RSI] == 0x10000 && t->st.gpr[GPR_RCX] == 8,
	   "rep outsb: the fault leaves RSI/RCX after the items done");
}

static void test_ins(struct et *t)
{
	fresh(t, ET_LONG64);
	CODE(t, 0xf3, 0x6c, 0xf4); /* rep insb */
	t->st.gpr[GPR_RDI] = ET_DATA + 0x100;
	t->st.gpr[GPR_RCX] = 3;
	t->st.gpr[GPR_RDX] = 0x60;
	memset(t->ram + ET_DATA + 0x100, 0, 4);
	for (unsigned i = 0; i < 3; i++) {
		expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "rep insb");
		ok(t->exit.io.in && t->exit.io.string && t->exit.io.count == 1 &&
			   t->exit.io.port == 0x60 && t->st.gpr[GPR_RCX] == 3 - i &&
			   t->st.gpr[GPR_RDI] == ET_DATA + 0x100 + i,
		   "rep insb: item %u, one per exit", i);
		t->exit.io.data[0] = (uint8_t)(0xa0 + i);
	}
	expect_hlt(t, ET_CODE + 2, "rep insb completed");
	ok(!memcmp(t->ram + ET_DATA + 0x100, "\xa0\xa1\xa2\x00", 4) &&
		   t->st.gpr[GPR_RDI] == ET_DATA + 0x103 && t->st.gpr[GPR_RCX] == 0,
	   "rep insb: the bytes at ES:RDI, RDI and RCX");

	fresh(t, ET_PROT32);
	CODE(t, 0x6d, 0xf4); /* insd */
	t->st.gpr[GPR_RDI] = ET_DATA;
	t->st.rflags |= RF_DF;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "insd");
	memcpy(t->exit.io.data, "\x01\x02\x03\x04", 4);
	expect_hlt(t, ET_CODE + 1, "insd completed");
	ok(!memcmp(t->ram + ET_DATA, "\x01\x02\x03\x04", 4) && t->st.gpr[GPR_RDI] == ET_DATA - 4,
	   "insd with DF: the dword, EDI down by 4");

	fresh(t, ET_PROT32);
	CODE(t, 0x6c, 0xf4);
	t->st.seg[SEG_ES].type = 0x1; /* read-only data */
	expect_fault(t, EXC_GP, ET_CODE, "insb into a read-only ES faults before the port");

	/* The 2 MiB page after RAM not present: #PF (a write) before the port is read. */
	fresh(t, ET_LONG64);
	CODE(t, 0x6c, 0xf4);
	et_put64(t->ram + ET_PT + 0x2000 + 8, 0);
	t->st.gpr[GPR_RDI] = ET_RAM;
	expect_fault(t, EXC_PF, ET_CODE, "insb into a page not present");
	ok(t->st.cr2 == ET_RAM && et_stack(t, 0, 8) == 2, "insb: #PF for a write, CR2");

	/* The page after RAM is MMIO: vx86 stops rather than read the port twice. */
	fresh(t, ET_LONG64);
	CODE(t, 0x6c, 0xf4);
	t->st.gpr[GPR_RDI] = ET_RAM;
	ok(et_run(t) == EXIT_REASON_VX86_INTERNAL && t->st.rip == ET_CODE,
	   "insb into MMIO: an internal exit");
}

/* REP OUTSB from MMIO: each item's read is an MMIO exit, then one item goes out. */
static void test_outs_mmio(struct et *t)
{
	fresh(t, ET_LONG64);
	CODE(t, 0xf3, 0x6e, 0xf4);
	t->st.gpr[GPR_RSI] = ET_RAM;
	t->st.gpr[GPR_RCX] = 2;
	for (unsigned i = 0; i < 2; i++) {
		ok(et_run(t) == EXIT_REASON_EPT_VIOLATION && t->exit.mmio.gpa == ET_RAM + i &&
			   !t->exit.mmio.write && t->exit.mmio.size == 1,
		   "rep outsb from MMIO: item %u is read through an MMIO exit", i);
		t->exit.mmio.data[0] = (uint8_t)(0x40 + i);
		expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "rep outsb from MMIO: the port");
		ok(t->exit.io.count == 1 && t->exit.io.data[0] == 0x40 + i,
		   "rep outsb from MMIO: item %u alone, with the MMIO data", i);
	}
	expect_hlt(t, ET_CODE + 2, "rep outsb from MMIO completed");
	ok(t->st.gpr[GPR_RSI] == ET_RAM + 2 && t->st.gpr[GPR_RCX] == 0,
	   "rep outsb from MMIO: RSI, RCX");

	/* The MMIO read belonged to the OUTS: a later read of the address exits again. */
	fresh(t, ET_LONG64);
	CODE(t, 0x6e, 0x8a, 0x03, 0xf4); /* outsb; mov al, [rbx] */
	t->st.gpr[GPR_RSI] = t->st.gpr[GPR_RBX] = ET_RAM;
	ok(et_run(t) == EXIT_REASON_EPT_VIOLATION, "outsb from MMIO: the read exits");
	t->exit.mmio.data[0] = 0x41;
	expect_exit(t, EXIT_REASON_IO_INSTRUCTION, "outsb from MMIO: the port");
	ok(et_run(t) == EXIT_REASON_EPT_VIOLATION && t->st.rip == ET_CODE + 1 &&
		   t->exit.mmio.gpa == ET_RAM,
	   "mov al, [rbx] after it reads the device again");
}

/* Set or clear the bitmap bit of a port in the harness's TSS (map at 0x68). */
static void iobit(struct et *t, unsigned port, bool deny)
{
	uint8_t *b = t->ram + ET_TSS + 0x68 + port / 8;

	*b = (uint8_t)(deny ? *b | 1u << (port & 7) : *b & ~(1u << (port & 7)));
}

static void io_case(struct et *t, const uint8_t *code, size_t n, unsigned dx, bool allowed,
		    const char *what)
{
	et_code(t, code, n);
	if (t->mode == ET_REAL)
		real_cs(t);
	t->st.gpr[GPR_RDX] = dx;
	if (allowed)
		expect_exit(t, EXIT_REASON_IO_INSTRUCTION, what);
	else
		expect_fault(t, EXC_GP, t->st.rip, what);
}

static void test_io_bitmap(struct et *t)
{
	static const uint8_t out80[] = {0xe6, 0x80, 0xf4}, out81[] = {0xe6, 0x81, 0xf4};
	static const uint8_t outw7f[] = {0x66, 0xe7, 0x7f, 0xf4}, outd7c[] = {0xe7, 0x7c, 0xf4};
	static const uint8_t outd7d[] = {0xe7, 0x7d, 0xf4}, outdx[] = {0xef, 0xf4};

	for (unsigned m = 0; m < 2; m++) {
		enum et_mode mode = m ? ET_LONG64 : ET_PROT32;

		fresh(t, mode);
		ring3(t);
		io_case(t, out80, sizeof(out80), 0, true, "CPL 3, IOPL 0, bit clear");
		fresh(t, mode);
		ring3(t);
		iobit(t, 0x80, true);
		io_case(t, out80, sizeof(out80), 0, false, "CPL 3, IOPL 0, bit set");
		fresh(t, mode);
		ring3(t);
		iobit(t, 0x80, true);
		io_case(t, out81, sizeof(out81), 0, true, "the next port's bit is clear");
		fresh(t, mode);
		ring3(t);
		iobit(t, 0x80, true);
		io_case(t, outw7f, sizeof(outw7f), 0, false, "a word over the set bit");
		fresh(t, mode);
		ring3(t);
		iobit(t, 0x80, true);
		io_case(t, outd7c, sizeof(outd7c), 0, true, "a dword just below it");
		fresh(t, mode);
		ring3(t);
		iobit(t, 0x80, true);
		io_case(t, outd7d, sizeof(outd7d), 0, false, "a dword reaching it");
		fresh(t, mode);
		ring3(t);
		iobit(t, 0x88, true);
		io_case(t, outdx, sizeof(outdx), 0x86, false, "a dword over a byte boundary");
		fresh(t, mode);
		ring3(t);
		iobit(t, 0x80, true);
		t->st.rflags |= RF_IOPL3;
		io_case(t, out80, sizeof(out80), 0, true, "CPL 3 with IOPL 3 ignores the map");
		fresh(t, mode);
		iobit(t, 0x80, true);
		io_case(t, out80, sizeof(out80), 0, true, "CPL 0 ignores the map");
	}
}

/* The TSS itself, real mode, and virtual-8086 mode. */
static void test_io_tss(struct et *t)
{
	static const uint8_t out80[] = {0xe6, 0x80, 0xf4}, out70[] = {0xe6, 0x70, 0xf4};

	fresh(t, ET_PROT32);
	ring3(t);
	t->st.seg[SEG_TR].limit = 0x68 + 0x10;
	io_case(t, out80, sizeof(out80), 0, false, "map bytes beyond the TSS limit");
	fresh(t, ET_PROT32);
	ring3(t);
	t->st.seg[SEG_TR].limit = 0x68 + 0x10;
	io_case(t, out70, sizeof(out70), 0, true, "map bytes within the TSS limit");
	fresh(t, ET_PROT32);
	ring3(t);
	t->st.seg[SEG_TR].limit = 0x66;
	io_case(t, out70, sizeof(out70), 0, false, "a TSS limit below 0x67");
	fresh(t, ET_REAL);
	iobit(t, 0x80, true);
	io_case(t, out80, sizeof(out80), 0, true, "real mode has no checks");

	fresh(t, ET_PROT32);
	et_code(t, out80, sizeof(out80));
	v86(t, 3);
	iobit(t, 0x80, true);
	expect_fault(t, EXC_GP, 0, "virtual-8086 mode with IOPL 3 still reads the map");
	fresh(t, ET_PROT32);
	et_code(t, out80, sizeof(out80));
	v86(t, 0);
	t->st.gpr[GPR_RAX] = 0x5a;
	ok(et_run(t) == EXIT_REASON_IO_INSTRUCTION && t->st.rip == 0 && t->exit.io.data[0] == 0x5a,
	   "virtual-8086 mode, bit clear: the exit");
}

/* ---- flags under IOPL ---------------------------------------------------------- */

static void test_pushf_popf(struct et *t)
{
	fresh(t, ET_PROT32);
	CODE(t, 0x9c, 0xf4); /* pushf */
	t->st.rflags |= RFLAGS_CF | RF_ZF | RFLAGS_IF | RF_AC | RF_RF;
	expect_hlt(t, ET_CODE + 1, "pushfd");
	is_u64(et_stack(t, 0, 4), RFLAGS_FIXED | RFLAGS_CF | RF_ZF | RFLAGS_IF | RF_AC,
	       "pushfd: the flags without RF");

	fresh(t, ET_PROT32);
	CODE(t, 0x9d, 0xf4); /* popf */
	t->st.rflags |= RF_RF;
	t->st.gpr[GPR_RSP] = ET_STACK - 4;
	*(uint32_t *)(t->ram + ET_STACK - 4) =
		(uint32_t)(RF_IOPL3 | RFLAGS_IF | RFLAGS_CF | RFLAGS_VM | RF_VIF | RF_AC | 0x8028);
	expect_hlt(t, ET_CODE + 1, "popfd at CPL 0");
	is_u64(t->st.rflags, RFLAGS_FIXED | RF_IOPL3 | RFLAGS_IF | RFLAGS_CF | RF_AC,
	       "popfd at CPL 0: IOPL and IF change; RF clears; VM, VIF and reserved bits do not");
	is_u64(t->st.gpr[GPR_RSP], ET_STACK, "popfd: ESP");

	fresh(t, ET_PROT32);
	CODE(t, 0x9d, END3);
	ring3(t);
	t->st.gpr[GPR_RSP] = ET_STACK - 4;
	*(uint32_t *)(t->ram + ET_STACK - 4) = (uint32_t)(RF_IOPL3 | RFLAGS_IF | RFLAGS_CF);
	expect_hlt(t, ET_CODE + 1, "popfd at CPL 3, IOPL 0");
	is_u64(t->st.rflags, RFLAGS_FIXED | RFLAGS_CF, "popfd at CPL 3: IOPL and IF keep silently");

	fresh(t, ET_PROT32);
	CODE(t, 0x9d, END3);
	ring3(t);
	t->st.rflags |= RF_IOPL3;
	t->st.gpr[GPR_RSP] = ET_STACK - 4;
	*(uint32_t *)(t->ram + ET_STACK - 4) = (uint32_t)RFLAGS_IF;
	expect_hlt(t, ET_CODE + 1, "popfd at CPL 3, IOPL 3");
	is_u64(t->st.rflags, RFLAGS_FIXED | RF_IOPL3 | RFLAGS_IF,
	       "popfd at CPL 3 = IOPL: IF changes");

	fresh(t, ET_PROT32);
	CODE(t, 0x66, 0x9d, 0xf4); /* popf (16 bits) */
	t->st.rflags |= RF_AC | RFLAGS_IF;
	t->st.gpr[GPR_RSP] = ET_STACK - 2;
	*(uint16_t *)(t->ram + ET_STACK - 2) = 0x0001;
	expect_hlt(t, ET_CODE + 2, "popf (16-bit)");
	is_u64(t->st.rflags, RFLAGS_FIXED | RF_AC | RFLAGS_CF, "popf: only FLAGS 15:0 change");

	fresh(t, ET_LONG64);
	CODE(t, 0x9d, 0xf4); /* popfq */
	t->st.gpr[GPR_RSP] = ET_STACK - 8;
	et_put64(t->ram + ET_STACK - 8, 0xffffffff00000000ull | RF_DF | RFLAGS_IF);
	expect_hlt(t, ET_CODE + 1, "popfq");
	ok(t->st.rflags == (RFLAGS_FIXED | RF_DF | RFLAGS_IF) && t->st.gpr[GPR_RSP] == ET_STACK,
	   "popfq: 8 bytes, bits 63:22 reserved");

	fresh(t, ET_PROT32);
	CODE(t, 0x9c, 0xf4);
	v86(t, 0);
	expect_fault(t, EXC_GP, 0, "pushf in virtual-8086 mode with IOPL 0");
	fresh(t, ET_PROT32);
	CODE(t, 0x9d, 0xf4);
	v86(t, 0);
	expect_fault(t, EXC_GP, 0, "popf in virtual-8086 mode with IOPL 0");
	fresh(t, ET_PROT32);
	CODE(t, 0x9c, END3);
	v86(t, 3);
	t->st.rflags |= RFLAGS_CF;
	expect_hlt(t, 1, "pushf in virtual-8086 mode with IOPL 3");
	is_u64(et_stack(t, 0, 2), RFLAGS_FIXED | RF_IOPL3 | RFLAGS_CF, "pushf in v8086: FLAGS");
}

static void test_cli_sti(struct et *t)
{
	for (unsigned m = 0; m < 2; m++) {
		enum et_mode mode = m ? ET_LONG64 : ET_PROT32;

		fresh(t, mode);
		CODE(t, 0xfa, 0xf4); /* cli */
		ring3(t);
		expect_fault(t, EXC_GP, ET_CODE, "cli at CPL 3 > IOPL");
		fresh(t, mode);
		CODE(t, 0xfb, 0xf4); /* sti */
		ring3(t);
		expect_fault(t, EXC_GP, ET_CODE, "sti at CPL 3 > IOPL");
		fresh(t, mode);
		CODE(t, 0xfa, END3);
		ring3(t);
		t->st.rflags |= RF_IOPL3 | RFLAGS_IF;
		expect_hlt(t, ET_CODE + 1, "cli at CPL 3 = IOPL");
		ok(!(t->st.rflags & RFLAGS_IF), "cli: IF clear");
		fresh(t, mode);
		CODE(t, 0xfb, END3);
		ring3(t);
		t->st.rflags |= RF_IOPL3;
		expect_hlt(t, ET_CODE + 1, "sti at CPL 3 = IOPL");
		ok(t->st.rflags & RFLAGS_IF, "sti: IF set");
	}
	fresh(t, ET_REAL);
	CODE(t, 0xfb, 0xf4);
	real_cs(t);
	expect_hlt(t, 1, "sti in real mode");
	ok(t->st.rflags & RFLAGS_IF, "sti in real mode: IF set");
	fresh(t, ET_PROT32);
	CODE(t, 0xfa, 0xf4);
	v86(t, 0);
	expect_fault(t, EXC_GP, 0, "cli in virtual-8086 mode with IOPL 0");
	fresh(t, ET_PROT32);
	CODE(t, 0xfa, END3);
	v86(t, 3);
	t->st.rflags |= RFLAGS_IF;
	expect_hlt(t, 1, "cli in virtual-8086 mode with IOPL 3");
	ok(!(t->st.rflags & RFLAGS_IF), "cli in v8086 with IOPL 3: IF clear");
}

/* ---- debug registers ---------------------------------------------------------------- */

static void test_dr(struct et *t)
{
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x23, 0xc8, 0x0f, 0x21, 0xcb, 0xf4); /* mov dr1, eax; mov ebx, dr1 */
	t->st.gpr[GPR_RAX] = 0x12345678;
	expect_hlt(t, ET_CODE + 6, "mov dr1, eax; mov ebx, dr1");
	ok(t->st.dr[1] == 0x12345678 && t->st.gpr[GPR_RBX] == 0x12345678, "DR1 written and read");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x23, 0xf0, 0x0f, 0x21, 0xf3, 0xf4); /* mov dr6, eax; mov ebx, dr6 */
	t->st.gpr[GPR_RAX] = 0;
	expect_hlt(t, ET_CODE + 6, "mov dr6, 0");
	is_u64(t->st.gpr[GPR_RBX], 0xffff0ff0, "DR6: fixed bits read as 1");
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x23, 0xf0, 0xf4);
	t->st.gpr[GPR_RAX] = 0xffffffff;
	expect_hlt(t, ET_CODE + 3, "mov dr6, ~0");
	is_u64(t->st.dr6, 0xffffefff, "DR6: bit 12 reads as 0");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x23, 0xf8, 0xf4); /* mov dr7, eax */
	t->st.gpr[GPR_RAX] = 0xffffffff & ~(1u << 13);
	expect_hlt(t, ET_CODE + 3, "mov dr7, eax");
	is_u64(t->st.dr7, 0xffff07ff, "DR7: bit 10 is 1; 11, 12, 14, 15 are 0");
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x23, 0xf8, 0xf4);
	t->st.gpr[GPR_RAX] = 0;
	expect_hlt(t, ET_CODE + 3, "mov dr7, 0");
	is_u64(t->st.dr7, 0x400, "DR7: bit 10 stays 1");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x23, 0xe0, 0x0f, 0x21, 0xeb, 0xf4); /* mov dr4, eax; mov ebx, dr5 */
	t->st.gpr[GPR_RAX] = 1;
	expect_hlt(t, ET_CODE + 6, "mov dr4, eax; mov ebx, dr5 without CR4.DE");
	ok(t->st.dr6 == 0xffff0ff1 && t->st.gpr[GPR_RBX] == 0x400, "DR4/DR5 are DR6/DR7");
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x23, 0xe0, 0xf4);
	t->st.cr4 |= CR4_DE;
	expect_fault(t, EXC_UD, ET_CODE, "mov dr4, eax with CR4.DE");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x21, 0xc0, 0xf4); /* mov eax, dr0 */
	t->st.dr7 = 0x400 | (1u << 13);
	expect_fault(t, EXC_DB, ET_CODE, "mov eax, dr0 with DR7.GD");
	ok((t->st.dr6 & (1u << 13)) && !(t->st.dr7 & (1u << 13)), "DR7.GD: DR6.BD set, GD cleared");
}

/* 64-bit mode: bits 63:32 of DR6/DR7, 64-bit DR0-DR3, DR8; and virtual-8086 mode. */
static void test_dr64(struct et *t)
{

	fresh(t, ET_LONG64);
	CODE(t, 0x0f, 0x23, 0xf8, 0xf4); /* mov dr7, rax */
	t->st.gpr[GPR_RAX] = 1ull << 32;
	expect_fault(t, EXC_GP, ET_CODE, "mov dr7, rax with bit 32");
	fresh(t, ET_LONG64);
	CODE(t, 0x0f, 0x23, 0xf0, 0xf4); /* mov dr6, rax */
	t->st.gpr[GPR_RAX] = 1ull << 63;
	expect_fault(t, EXC_GP, ET_CODE, "mov dr6, rax with bit 63");
	fresh(t, ET_LONG64);
	CODE(t, 0x0f, 0x23, 0xd8, 0xf4); /* mov dr3, rax */
	t->st.gpr[GPR_RAX] = 0xffff800000001000ull;
	expect_hlt(t, ET_CODE + 3, "mov dr3, rax");
	is_u64(t->st.dr[3], 0xffff800000001000ull, "DR3: 64 bits in 64-bit mode");
	fresh(t, ET_LONG64);
	CODE(t, 0x44, 0x0f, 0x23, 0xc0, 0xf4); /* mov dr8, rax */
	expect_fault(t, EXC_UD, ET_CODE, "mov dr8, rax");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x21, 0xc0, 0xf4);
	v86(t, 3);
	expect_fault(t, EXC_GP, 0, "mov eax, dr0 in virtual-8086 mode");
}

/* ---- TSC and TSC_AUX ------------------------------------------------------------------ */

static uint64_t edx_eax(const struct et *t)
{
	return (t->st.gpr[GPR_RDX] << 32) | (uint32_t)t->st.gpr[GPR_RAX];
}

static void test_tsc(struct et *t)
{
	uint64_t t1;

	fresh(t, ET_LONG64);
	CODE(t, 0x0f, 0x31, 0xf4); /* rdtsc */
	t->st.gpr[GPR_RAX] = t->st.gpr[GPR_RDX] = ~0ull;
	expect_hlt(t, ET_CODE + 2, "rdtsc");
	ok(t->st.gpr[GPR_RDX] >> 32 == 0 && t->st.gpr[GPR_RAX] >> 32 == 0,
	   "rdtsc: upper halves zero");
	t1 = edx_eax(t);
	t->st.rip = ET_CODE;
	memset(&t->exit, 0, sizeof(t->exit)); /* start over: no HLT to complete */
	expect_hlt(t, ET_CODE + 2, "rdtsc again");
	ok(edx_eax(t) > t1, "rdtsc: the TSC moves on");

	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x31, END3);
	ring3(t);
	expect_hlt(t, ET_CODE + 2, "rdtsc at CPL 3 without CR4.TSD");
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x31, 0xf4);
	t->st.cr4 |= CR4_TSD;
	ring3(t);
	expect_fault(t, EXC_GP, ET_CODE, "rdtsc at CPL 3 with CR4.TSD");
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x01, 0xf9, 0xf4); /* rdtscp */
	t->st.cr4 |= CR4_TSD;
	ring3(t);
	expect_fault(t, EXC_GP, ET_CODE, "rdtscp at CPL 3 with CR4.TSD");
	fresh(t, ET_PROT32);
	CODE(t, 0x0f, 0x31, 0xf4);
	t->st.cr4 |= CR4_TSD;
	expect_hlt(t, ET_CODE + 2, "rdtsc at CPL 0 with CR4.TSD");

	fresh(t, ET_LONG64);
	CODE(t, 0x0f, 0x01, 0xf9, END3); /* rdtscp */
	t->st.msr.tsc_aux = 0x1234;
	t->st.gpr[GPR_RCX] = ~0ull;
	ring3(t);
	expect_hlt(t, ET_CODE + 3, "rdtscp");
	is_u64(t->st.gpr[GPR_RCX], 0x1234, "rdtscp: ECX = TSC_AUX");
	ok(edx_eax(t) > t1, "rdtscp: the TSC");

	fresh(t, ET_LONG64);
	CODE(t, 0xf3, 0x0f, 0xc7, 0xf8, END3); /* rdpid rax */
	t->st.msr.tsc_aux = 0x5678;
	t->st.gpr[GPR_RAX] = ~0ull;
	ring3(t);
	expect_hlt(t, ET_CODE + 4, "rdpid rax");
	is_u64(t->st.gpr[GPR_RAX], 0x5678, "rdpid: TSC_AUX");
	fresh(t, ET_PROT32);
	CODE(t, 0xf3, 0x0f, 0xc7, 0xfb, 0xf4); /* rdpid ebx */
	t->st.msr.tsc_aux = 0x9abc;
	expect_hlt(t, ET_CODE + 4, "rdpid ebx");
	is_u64(t->st.gpr[GPR_RBX], 0x9abc, "rdpid ebx: TSC_AUX");
}

/* ---- x87 and SSE state ------------------------------------------------------------------ */

#define FX  (ET_DATA + 0x1000) /* a 16-byte aligned FXSAVE area, and its neighbours */
#define FX2 (ET_DATA + 0x1400)
#define FX3 (ET_DATA + 0x1800)

static void put32(struct et *t, uint64_t addr, uint32_t v)
{
	memcpy(t->ram + addr, &v, 4);
}
static uint32_t get32(const struct et *t, uint64_t addr)
{
	uint32_t v;

	memcpy(&v, t->ram + addr, 4);
	return v;
}
static uint16_t get16(const struct et *t, uint64_t addr)
{
	uint16_t v;

	memcpy(&v, t->ram + addr, 2);
	return v;
}

/* Protected mode, CPL 0, CR4.OSFXSR, EBX = FX; `mxcsr` at FX + 0x300. */
static void fpu_fresh(struct et *t, enum et_mode mode, uint32_t mxcsr)
{
	fresh(t, mode);
	t->st.cr4 |= CR4_OSFXSR;
	t->st.gpr[GPR_RBX] = FX;
	put32(t, FX + 0x300, mxcsr);
}

static void test_fxsave_layout(struct et *t)
{
	bool ok_img = true;

	/* fninit; ldmxcsr [ebx+0x300]; fxsave [ebx] */
	fpu_fresh(t, ET_PROT32, 0x9fc0);
	CODE(t, 0xdb, 0xe3, 0x0f, 0xae, 0x93, 0x00, 0x03, 0x00, 0x00, 0x0f, 0xae, 0x03, 0xf4);
	memset(t->ram + FX, 0xaa, 512);
	expect_hlt(t, ET_CODE + 12, "fninit; ldmxcsr; fxsave");
	is_u64(get16(t, FX), 0x037f, "fxsave: FCW after FNINIT");
	is_u64(get16(t, FX + 2), 0, "fxsave: FSW after FNINIT");
	is_u64(t->ram[FX + 4], 0, "fxsave: abridged FTW all empty");
	for (unsigned i = 5; i < 24; i++)
		ok_img &= t->ram[FX + i] == 0;
	ok(ok_img, "fxsave: FOP, FIP/FCS, FDP/FDS zero");
	is_u64(get32(t, FX + 24), 0x9fc0, "fxsave: MXCSR");
	is_u64(get32(t, FX + 28), 0xffff, "fxsave: MXCSR_MASK");
	ok_img = true;
	for (unsigned i = 288; i < 512; i++)
		ok_img &= t->ram[FX + i] == 0xaa;
	ok(ok_img, "fxsave outside 64-bit mode: bytes 288-511 untouched");

	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0x0f, 0xae, 0x43, 0x08, 0xf4); /* fxsave [ebx+8] */
	expect_fault(t, EXC_GP, ET_CODE, "fxsave to an area not 16-byte aligned");
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0x0f, 0xae, 0x03, 0xf4);
	t->st.cr0 |= CR0_TS;
	expect_fault(t, EXC_NM, ET_CODE, "fxsave with CR0.TS");
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0x0f, 0xae, 0x0b, 0xf4);
	t->st.cr0 |= CR0_EM | CR0_TS;
	expect_fault(t, EXC_UD, ET_CODE, "fxrstor with CR0.EM (before TS)");
}

/* A recognisable FXSAVE image at addr: the fields as 32-bit format (or 64-bit). */
static void fx_image(struct et *t, uint64_t addr, bool w64)
{
	uint8_t *p = t->ram + addr;

	for (unsigned i = 0; i < 512; i++)
		p[i] = (uint8_t)(i * 7 + 1);
	memcpy(p, "\x7f\x02\x20\x00\x81\x00\x23\x01", 8); /* FCW, FSW (PE), FTW, 0, FOP */
	if (!w64) {
		memcpy(p + 8, "\x44\x33\x22\x11\x08\x00\x00\x00", 8);
		memcpy(p + 16, "\x88\x77\x66\x55\x10\x00\x00\x00", 8);
	}
	memcpy(p + 24, "\x80\x1f\x00\x00\xff\xff\x00\x00", 8); /* MXCSR, MXCSR_MASK */
}

static void test_fxrstor_roundtrip(struct et *t)
{
	/* fxrstor [ebx]; fxsave [ebx+0x400] */
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0x0f, 0xae, 0x0b, 0x0f, 0xae, 0x83, 0x00, 0x04, 0x00, 0x00, 0xf4);
	fx_image(t, FX, false);
	memset(t->ram + FX2, 0, 512);
	expect_hlt(t, ET_CODE + 10, "fxrstor; fxsave");
	ok(!memcmp(t->ram + FX, t->ram + FX2, 288), "fxrstor/fxsave: bytes 0-287 round-trip");

	/* 64-bit format with REX.W, XMM0-15: fxrstor64 [rbx]; fxsave64 [rbx+0x400] */
	fpu_fresh(t, ET_LONG64, 0);
	CODE(t, 0x48, 0x0f, 0xae, 0x0b, 0x48, 0x0f, 0xae, 0x83, 0x00, 0x04, 0x00, 0x00, 0xf4);
	fx_image(t, FX, true);
	memset(t->ram + FX2, 0, 512);
	expect_hlt(t, ET_CODE + 12, "fxrstor64; fxsave64");
	ok(!memcmp(t->ram + FX, t->ram + FX2, 416),
	   "fxrstor64/fxsave64: bytes 0-415 (64-bit FIP/FDP, XMM0-15) round-trip");

	/* A reserved MXCSR bit: #GP and nothing loaded. fninit; ldmxcsr; fxrstor */
	fpu_fresh(t, ET_PROT32, 0x1fc0);
	CODE(t, 0xdb, 0xe3, 0x0f, 0xae, 0x93, 0x00, 0x03, 0x00, 0x00, 0x0f, 0xae, 0x0b, 0xf4);
	fx_image(t, FX, false);
	put32(t, FX + 24, 0x10000);
	expect_fault(t, EXC_GP, ET_CODE + 9, "fxrstor with a reserved MXCSR bit");
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0x0f, 0xae, 0x83, 0x00, 0x04, 0x00, 0x00, 0xf4); /* fxsave [ebx+0x400] */
	expect_hlt(t, ET_CODE + 7, "fxsave after the refused fxrstor");
	ok(get32(t, FX2 + 24) == 0x1fc0 && get16(t, FX2) == 0x037f,
	   "the refused fxrstor loaded nothing");
}

static void test_mxcsr(struct et *t)
{
	/* ldmxcsr [ebx+0x300]; stmxcsr [ebx+0x304] */
	fpu_fresh(t, ET_PROT32, 0x7f80);
	CODE(t, 0x0f, 0xae, 0x93, 0x00, 0x03, 0x00, 0x00, 0x0f, 0xae, 0x9b, 0x04, 0x03, 0x00, 0x00,
	     END3);
	ring3(t);
	expect_hlt(t, ET_CODE + 14, "ldmxcsr; stmxcsr at CPL 3");
	is_u64(get32(t, FX + 0x304), 0x7f80, "stmxcsr: what ldmxcsr loaded");

	fpu_fresh(t, ET_PROT32, 0x10000);
	CODE(t, 0x0f, 0xae, 0x93, 0x00, 0x03, 0x00, 0x00, 0xf4);
	expect_fault(t, EXC_GP, ET_CODE, "ldmxcsr with a reserved bit");
	fpu_fresh(t, ET_PROT32, 0x1f80);
	CODE(t, 0x0f, 0xae, 0x93, 0x00, 0x03, 0x00, 0x00, 0xf4);
	t->st.cr4 &= ~CR4_OSFXSR;
	expect_fault(t, EXC_UD, ET_CODE, "ldmxcsr without CR4.OSFXSR");
	fpu_fresh(t, ET_PROT32, 0x1f80);
	CODE(t, 0x0f, 0xae, 0x93, 0x00, 0x03, 0x00, 0x00, 0xf4);
	t->st.cr0 |= CR0_TS;
	expect_fault(t, EXC_NM, ET_CODE, "ldmxcsr with CR0.TS");
	fpu_fresh(t, ET_PROT32, 0x1f80);
	CODE(t, 0x0f, 0xae, 0x9b, 0x04, 0x03, 0x00, 0x00, 0xf4);
	t->st.cr0 |= CR0_EM;
	expect_fault(t, EXC_UD, ET_CODE, "stmxcsr with CR0.EM");
}

static void test_x87(struct et *t)
{
	/* fninit; fnstsw ax; fnstcw [ebx] */
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0xdb, 0xe3, 0xdf, 0xe0, 0xd9, 0x3b, 0xf4);
	t->st.gpr[GPR_RAX] = 0xffffffff;
	expect_hlt(t, ET_CODE + 6, "fninit; fnstsw ax; fnstcw");
	ok(t->st.gpr[GPR_RAX] == 0xffff0000 && get16(t, FX) == 0x037f,
	   "fnstsw ax: 0 into AX only; fnstcw: 0x37F");

	/* fldcw [ebx]; fnstcw [ebx+2] */
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0xd9, 0x2b, 0xd9, 0x7b, 0x02, 0xf4);
	memcpy(t->ram + FX, "\x00\x00", 2);
	expect_hlt(t, ET_CODE + 5, "fldcw 0; fnstcw");
	is_u64(get16(t, FX + 2), 0x0040, "fldcw 0: bit 6 reads as 1");
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0xd9, 0x2b, 0xd9, 0x7b, 0x02, 0xf4);
	memcpy(t->ram + FX, "\xff\xff", 2);
	expect_hlt(t, ET_CODE + 5, "fldcw 0xffff; fnstcw");
	is_u64(get16(t, FX + 2), 0x1f7f, "fldcw 0xffff: reserved bits 7, 13-15 read as 0");

	/* fxrstor an FSW with every bit set; fnclex; fnstsw [ebx+0x400] */
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0x0f, 0xae, 0x0b, 0xdb, 0xe2, 0xdd, 0xbb, 0x00, 0x04, 0x00, 0x00, 0xf4);
	fx_image(t, FX, false);
	memcpy(t->ram + FX + 2, "\xff\xff", 2);
	expect_hlt(t, ET_CODE + 11, "fxrstor; fnclex; fnstsw");
	is_u64(get16(t, FX2), 0x7f00, "fnclex: exception flags, SF, ES and B clear");

	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0xdb, 0xe3, 0xf4);
	t->st.cr0 |= CR0_EM;
	expect_fault(t, EXC_NM, ET_CODE, "fninit with CR0.EM");
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0xd9, 0x3b, 0xf4);
	t->st.cr0 |= CR0_TS;
	expect_fault(t, EXC_NM, ET_CODE, "fnstcw with CR0.TS");

	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0x9b, 0xdb, 0xe3, 0x9b, 0xf4); /* fwait; fninit; fwait */
	expect_hlt(t, ET_CODE + 4, "fwait at CR0.TS = 0");
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0x9b, 0xf4);
	t->st.cr0 |= CR0_TS;
	expect_hlt(t, ET_CODE + 1, "fwait with TS and MP = 0");
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0x9b, 0xf4);
	t->st.cr0 |= CR0_TS | CR0_MP;
	expect_fault(t, EXC_NM, ET_CODE, "fwait with TS and MP");

	/* fxrstor an unmasked, flagged invalid-operation; fwait: #MF with CR0.NE. */
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0x0f, 0xae, 0x0b, 0x9b, 0xf4);
	t->st.cr0 |= CR0_NE;
	fx_image(t, FX, false);
	memcpy(t->ram + FX, "\x7e\x03\x81\x00", 4); /* FCW IM = 0, FSW IE | ES */
	expect_fault(t, EXC_MF, ET_CODE + 3, "fwait with a pending unmasked exception");
	fpu_fresh(t, ET_PROT32, 0);
	CODE(t, 0xdb, 0xe3, 0xf4); /* fninit clears it for the tests after */
	expect_hlt(t, ET_CODE + 2, "fninit");
}

int main(void)
{
	struct et t;

	if (et_init(&t, CPU_VENDOR_INTEL, ET_PROT32)) {
		printf("Bail out! the emu engine did not start\n");
		return 1;
	}
	test_cr_exits(&t);
	test_cr_faults(&t);
	test_smsw(&t);
	test_msr(&t);
	test_cpuid_xcr(&t);
	test_hlt(&t);
	test_in_out(&t);
	test_outs(&t);
	test_ins(&t);
	test_outs_mmio(&t);
	test_io_bitmap(&t);
	test_io_tss(&t);
	test_pushf_popf(&t);
	test_cli_sti(&t);
	test_dr(&t);
	test_dr64(&t);
	test_tsc(&t);
	test_fxsave_layout(&t);
	test_fxrstor_roundtrip(&t);
	test_mxcsr(&t);
	test_x87(&t);
	et_free(&t);
	return tap_done();
}
