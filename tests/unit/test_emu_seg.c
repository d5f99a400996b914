/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's segment half (exec_seg.c, exec_desc.c, exec_far.c,
 * exec_exc.c, exec_fast.c) on the engine in real, protected and long mode:
 * segment loads and their faults, far transfers and call gates, exception and
 * interrupt delivery (IVT, IDT, TSS stacks, IST, #DF, triple fault), IRET,
 * the descriptor-table instructions and the fast system calls.
 */
#include "emu_test.h"
#include "tap.h"

enum {
	V_DB = 1,
	V_UD = 6,
	V_DF = 8,
	V_TS = 10,
	V_NP = 11,
	V_SS = 12,
	V_GP = 13,
};

#define F_CF   0x001u
#define F_ZF   0x040u
#define F_IF   0x200u
#define F_DF   0x400u
#define F_IOPL 0x3000u
#define F_VM   0x20000u

#define R(t, r) ((t)->st.gpr[GPR_##r])

/* Code bytes as (pointer, length) arguments. */
#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

/* Free GDT slots beyond the harness's descriptors. */
#define SEL_A 0x60
#define SEL_B 0x68
#define SEL_C 0x70
#define SEL_D 0x78

/*
 * Each snippet gets fresh code bytes: the engine caches decoded instructions
 * by guest-physical address, and the test writes RAM behind its back.
 */
static uint32_t code_cur;

static uint64_t rd(const struct et *t, uint64_t pa, unsigned n)
{
	uint64_t v = 0;

	memcpy(&v, t->ram + pa, n);
	return v;
}

static void wr(struct et *t, uint64_t pa, unsigned n, uint64_t v)
{
	memcpy(t->ram + pa, &v, n);
}

/* Code somewhere fresh (64-byte aligned, so also a real-mode paragraph); its address. */
static uint32_t put(struct et *t, const uint8_t *code, size_t n)
{
	uint32_t pa = ET_CODE + code_cur;

	code_cur += ((uint32_t)n + 63) & ~63u;
	memcpy(t->ram + pa, code, n);
	return pa;
}

/*
 * Put code and start there (real mode: CS.base = the code, IP = 0) with no exit
 * pending. After a HLT exit RIP stays on the HLT; a further run moves past it.
 */
static uint32_t start(struct et *t, const uint8_t *code, size_t n)
{
	uint32_t pa = put(t, code, n);

	memset(&t->exit, 0, sizeof(t->exit)); /* no exit to complete: RIP stays where set */
	if (t->mode == ET_REAL) {
		t->st.seg[SEG_CS].base = pa;
		t->st.seg[SEG_CS].selector = (uint16_t)(pa >> 4);
		t->st.rip = 0;
	} else {
		t->st.rip = pa;
	}
	return pa;
}

/* Run: the vector whose stub halted, -1 for another HLT, -2 for another exit. */
static int go(struct et *t)
{
	if (et_run(t) != EXIT_REASON_HLT)
		return -2;
	return et_vector(t);
}

static int run(struct et *t, const uint8_t *code, size_t n)
{
	start(t, code, n);
	return go(t);
}

static void reset(struct et *t, enum et_mode mode)
{
	et_state(t, mode);
	memset(t->ram + ET_DATA, 0, 0x1000);
	if (mode == ET_REAL) {
		t->st.seg[SEG_DS].base = ET_DATA;
		t->st.seg[SEG_DS].selector = ET_DATA >> 4;
	}
}

static void gdt_set(struct et *t, unsigned sel, uint64_t d)
{
	et_put64(t->ram + ET_GDT + (sel & ~7u), d);
}

static uint8_t gdt_access(const struct et *t, unsigned sel)
{
	return t->ram[ET_GDT + (sel & ~7u) + 5];
}

/* A system descriptor or gate: type, DPL, present. */
static uint64_t sys_desc(uint32_t base, uint32_t limit, unsigned type, unsigned dpl)
{
	return et_desc(base, limit, type, dpl, false, false, false) & ~(1ull << 44);
}

/* A call gate (8 bytes): 16-bit (type 4) or 32/64-bit (type 0xc). */
static uint64_t call_gate(uint16_t sel, uint32_t off, unsigned type, unsigned dpl, unsigned params)
{
	return (off & 0xffff) | (uint64_t)sel << 16 | (uint64_t)(params & 0x1f) << 32 |
	       (uint64_t)(type | dpl << 5 | 0x80) << 40 | (uint64_t)(off >> 16) << 48;
}

/* Ring 3 in the harness's protected or long mode: CS3, and DS3 everywhere else. */
static void ring3(struct et *t)
{
	bool l = t->mode == ET_LONG64;

	for (unsigned s = SEG_ES; s <= SEG_GS; s++)
		t->st.seg[s] = et_seg(ET_SEL_DS3, 0x3, 3, false, true, 0xffffffff);
	t->st.seg[SEG_CS] = et_seg(ET_SEL_CS3, 0xb, 3, l, !l, 0xffffffff);
}

/* The 32-bit stub's IDT gate for vector v (protected mode), to change its attributes. */
static uint8_t *idt_gate(struct et *t, unsigned v)
{
	return t->ram + ET_IDT + (t->mode == ET_LONG64 ? 16 : 8) * v;
}

/* ---- segment loads ----------------------------------------------------------- */

static void test_real_loads(struct et *t)
{
	reset(t, ET_REAL);
	t->st.seg[SEG_ES].limit = 0xffffffff; /* unreal mode */
	t->st.seg[SEG_ES].unusable = true;
	R(t, RAX) = 0xdeadbeefcafe0000ull;
	ok(run(t, BYTES(0xb8, 0x34, 0x12, 0x8e, 0xc0, 0xf4)) == -1, "real: mov es, ax runs");
	is_u64(t->st.seg[SEG_ES].selector, 0x1234, "real: ES selector");
	is_u64(t->st.seg[SEG_ES].base, 0x12340, "real: ES base = selector << 4");
	is_u64(t->st.seg[SEG_ES].limit, 0xffffffff, "real: the unreal-mode limit stays");
	ok(!t->st.seg[SEG_ES].unusable, "real: ES usable after the load");

	/* PUSH DS / POP FS; MOV EAX, DS zero-extends, MOV AX, DS merges. */
	reset(t, ET_REAL);
	R(t, RAX) = 0xdeadbeefcafef00dull;
	R(t, RBX) = 0xdeadbeefcafef00dull;
	ok(run(t, BYTES(0x1e, 0x0f, 0xa1, 0x66, 0x8c, 0xd8, 0x8c, 0xdb, 0xf4)) == -1,
	   "real: push ds; pop fs; mov eax, ds; mov bx, ds");
	is_u64(t->st.seg[SEG_FS].selector, ET_DATA >> 4, "real: POP FS selector");
	is_u64(t->st.seg[SEG_FS].base, ET_DATA, "real: POP FS base");
	is_u64(R(t, RSP), ET_STACK_REAL, "real: push/pop balance");
	is_u64(R(t, RAX), ET_DATA >> 4, "mov eax, ds zero-extends");
	is_u64(R(t, RBX), 0xdeadbeefcafe0000ull | (ET_DATA >> 4), "mov bx, ds merges");

	/* LDS with a far pointer in memory. */
	reset(t, ET_REAL);
	wr(t, ET_DATA + 0x20, 2, 0x5678);
	wr(t, ET_DATA + 0x22, 2, 0x4321);
	ok(run(t, BYTES(0xc5, 0x36, 0x20, 0x00, 0xf4)) == -1, "real: lds si, [0x20]");
	is_u64(R(t, RSI) & 0xffff, 0x5678, "LDS offset");
	is_u64(t->st.seg[SEG_DS].base, 0x43210, "LDS segment");
}

static uint32_t load_at; /* where load_sel's code starts; the MOV is at + 4 */

/* mov ax, sel; mov <sreg>, ax (sreg as ModRM.reg); hlt. */
static int load_sel(struct et *t, unsigned sreg, uint16_t sel)
{
	load_at = start(t, BYTES(0x66, 0xb8, (uint8_t)sel, (uint8_t)(sel >> 8), 0x8e,
				 (uint8_t)(0xc0 | sreg << 3), 0xf4));
	return go(t);
}

static void test_prot_loads(struct et *t)
{
	reset(t, ET_PROT32);
	gdt_set(t, SEL_A, et_desc(0x12000, 0xfff, 0x2, 0, false, true, false)); /* not accessed */
	ok(load_sel(t, SEG_DS, SEL_A) == -1, "prot: mov ds, data");
	is_u64(t->st.seg[SEG_DS].base, 0x12000, "prot: DS base from the descriptor");
	is_u64(t->st.seg[SEG_DS].limit, 0xfff, "prot: DS limit");
	is_u64(t->st.seg[SEG_DS].type, 0x3, "prot: DS type accessed");
	ok(gdt_access(t, SEL_A) & 1, "prot: the accessed bit set in the GDT");

	/* G scales the limit. */
	reset(t, ET_PROT32);
	gdt_set(t, SEL_A, et_desc(0, 0x12, 0x3, 0, false, true, true));
	load_sel(t, SEG_ES, SEL_A);
	is_u64(t->st.seg[SEG_ES].limit, 0x12fff, "prot: G=1 limit (limit << 12) | 0xfff");

	/* Faults: the error code is the selector. */
	static const struct {
		uint64_t desc;
		unsigned sreg;
		uint16_t sel;
		int vector;
		const char *what;
	} bad[] = {
		{0, SEG_DS, 0x100, V_GP, "beyond the GDT limit"},
		{0, SEG_DS, SEL_A | 4, V_GP, "TI=1 with no LDT"},
		{0x8, SEG_DS, SEL_A, V_GP, "execute-only code into DS"},
		{0x3 | 0x100, SEG_DS, SEL_A | 3, V_GP, "RPL 3 > DPL 0"},
		{0x3 | 0x200, SEG_DS, SEL_A, V_NP, "not present into DS"},
		{0x3 | 0x200, SEG_SS, SEL_A, V_SS, "not present into SS"},
		{0x1, SEG_SS, SEL_A, V_GP, "read-only data into SS"},
		{0xb, SEG_SS, SEL_A, V_GP, "code into SS"},
		{0x3, SEG_SS, SEL_A | 1, V_GP, "SS with RPL != CPL"},
		{0x3 | 0x400, SEG_SS, SEL_A, V_GP, "SS with DPL != CPL"},
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned type = bad[i].desc & 0xf;
		uint64_t d =
			et_desc(0, 0xfffff, type, (bad[i].desc & 0x400) ? 3 : 0, false, true, true);

		reset(t, ET_PROT32);
		if (bad[i].desc & 0x200)
			d &= ~(1ull << 47);
		gdt_set(t, SEL_A, d);
		is_u64(load_sel(t, bad[i].sreg, bad[i].sel), bad[i].vector, "prot: %s: vector",
		       bad[i].what);
		is_u64(et_stack(t, 0, 4), bad[i].sel & 0xfffc, "prot: %s: error code", bad[i].what);
	}
}

/* Null selectors: DS unusable; SS #GP(0) outside 64-bit mode. */
static void test_null_loads(struct et *t)
{
	reset(t, ET_PROT32);
	ok(load_sel(t, SEG_DS, 0) == -1, "prot: null into DS");
	ok(t->st.seg[SEG_DS].unusable, "prot: DS unusable");
	ok(t->st.seg[SEG_DS].limit == 0 && t->st.seg[SEG_DS].base == 0,
	   "prot: Intel clears a null DS's base and limit");
	reset(t, ET_PROT32);
	ok(load_sel(t, SEG_SS, 0) == V_GP && et_stack(t, 0, 4) == 0, "prot: null into SS: #GP(0)");

	reset(t, ET_LONG64);
	ok(load_sel(t, SEG_SS, 0) == -1, "long: null into SS at CPL 0");
	ok(t->st.seg[SEG_SS].unusable && t->st.seg[SEG_SS].dpl == 0, "long: SS unusable, DPL 0");
	reset(t, ET_LONG64);
	ok(load_sel(t, SEG_SS, 1) == V_GP && et_stack(t, 0, 8) == 0 &&
		   et_stack(t, 8, 8) == load_at + 4,
	   "long: null SS with RPL != CPL: #GP(0) at the MOV");
	reset(t, ET_LONG64);
	ok(load_sel(t, SEG_GS, 3) == -1 && t->st.seg[SEG_GS].unusable,
	   "long: null into GS (any RPL)");
}

/* ---- far transfers ------------------------------------------------------------- */

static void test_far_real(struct et *t)
{
	uint32_t target;

	reset(t, ET_REAL);
	target = put(t, BYTES(0xf4, 0xcb)); /* hlt; retf */
	uint16_t seg = (uint16_t)(target >> 4);
	uint32_t from = start(t, BYTES(0x9a, 0x00, 0x00, (uint8_t)seg, (uint8_t)(seg >> 8), 0xf4));
	ok(go(t) == -1 && t->st.seg[SEG_CS].base == target && t->st.rip == 0,
	   "real: call far lands at seg:0");
	is_u64(t->st.seg[SEG_CS].selector, seg, "real: CS selector");
	is_u64(et_stack(t, 0, 2), 5, "real: return IP pushed");
	is_u64(et_stack(t, 2, 2), from >> 4, "real: return CS pushed");
	ok(go(t) == -1 && t->st.seg[SEG_CS].base == from && t->st.rip == 5,
	   "real: retf returns after the call");
	is_u64(R(t, RSP), ET_STACK_REAL, "real: stack balanced");
}

static void test_far_prot(struct et *t)
{
	uint32_t target, from;

	/* 32-bit: call far to CS32 and back with RETF 8 (pops two pushed dwords). */
	reset(t, ET_PROT32);
	target = put(t, BYTES(0xf4, 0xca, 0x08, 0x00));
	from = start(t, BYTES(0x6a, 0x01, 0x6a, 0x02, 0x9a, (uint8_t)target, (uint8_t)(target >> 8),
			      (uint8_t)(target >> 16), 0, ET_SEL_CS32, 0, 0xf4));
	ok(go(t) == -1 && t->st.rip == target, "prot32: call far");
	is_u64(et_stack(t, 0, 4), from + 11, "prot32: return EIP");
	is_u64(et_stack(t, 4, 4), ET_SEL_CS32, "prot32: return CS");
	ok(go(t) == -1 && t->st.rip == from + 11, "prot32: retf 8 returns");
	is_u64(R(t, RSP), ET_STACK, "prot32: retf 8 released the arguments");

	/* 32-bit: jmp far to 16-bit code (based at the target). */
	reset(t, ET_PROT32);
	target = put(t, BYTES(0xf4));
	gdt_set(t, SEL_A, et_desc(target, 0xffff, 0xb, 0, false, false, false));
	ok(run(t, BYTES(0xea, 0, 0, 0, 0, SEL_A, 0)) == -1 && t->st.rip == 0,
	   "prot32: jmp far to 16-bit code");
	ok(t->st.seg[SEG_CS].base == target && !t->st.seg[SEG_CS].db,
	   "prot32: CS is the 16-bit segment");

	/* Privilege: a DPL 3 non-conforming target from CPL 0; a data selector. */
	reset(t, ET_PROT32);
	ok(run(t, BYTES(0xea, 0, 0, 0, 0, ET_SEL_CS3, 0)) == V_GP &&
		   et_stack(t, 0, 4) == (ET_SEL_CS3 & ~3),
	   "prot32: jmp far to DPL 3 code: #GP(sel)");
	reset(t, ET_PROT32);
	ok(run(t, BYTES(0xea, 0, 0, 0, 0, ET_SEL_DS32, 0)) == V_GP &&
		   et_stack(t, 0, 4) == ET_SEL_DS32,
	   "prot32: jmp far to data: #GP(sel)");
	reset(t, ET_PROT32);
	gdt_set(t, SEL_A, et_desc(0, 0xfffff, 0xb, 0, false, true, true) & ~(1ull << 47));
	ok(run(t, BYTES(0xea, 0, 0, 0, 0, SEL_A, 0)) == V_NP && et_stack(t, 0, 4) == SEL_A,
	   "prot32: jmp far to a not-present segment: #NP(sel)");
}

static void test_far_long(struct et *t)
{
	uint32_t target, from;

	/* call far m16:64 (REX.W) to 64-bit code, RETFQ back. */
	reset(t, ET_LONG64);
	target = put(t, BYTES(0xf4, 0x48, 0xcb));
	wr(t, ET_DATA, 8, target);
	wr(t, ET_DATA + 8, 2, ET_SEL_CS64);
	from = start(t, BYTES(0x48, 0xff, 0x1c, 0x25, (uint8_t)ET_DATA, (uint8_t)(ET_DATA >> 8),
			      (uint8_t)(ET_DATA >> 16), 0, 0xf4));
	ok(go(t) == -1 && t->st.rip == target, "long: call far m16:64");
	is_u64(et_stack(t, 0, 8), from + 8, "long: return RIP (8 bytes)");
	is_u64(et_stack(t, 8, 8), ET_SEL_CS64, "long: return CS (8 bytes)");
	ok(go(t) == -1 && t->st.rip == from + 8 && R(t, RSP) == ET_STACK, "long: retfq returns");

	/* jmp far m16:32 to 32-bit code: compatibility mode. */
	reset(t, ET_LONG64);
	target = put(t, BYTES(0xf4));
	wr(t, ET_DATA, 4, target);
	wr(t, ET_DATA + 4, 2, ET_SEL_CS32);
	ok(run(t, BYTES(0xff, 0x2c, 0x25, (uint8_t)ET_DATA, (uint8_t)(ET_DATA >> 8),
			(uint8_t)(ET_DATA >> 16), 0)) == -1 &&
		   t->st.rip == target,
	   "long: jmp far m16:32 into compatibility mode");
	ok(!t->st.seg[SEG_CS].l && t->st.seg[SEG_CS].db, "long: CS is 32-bit code");

	/* A 32-bit call gate (8 bytes) in IA-32e mode: #GP(sel). */
	reset(t, ET_LONG64);
	gdt_set(t, SEL_A, call_gate(ET_SEL_CS64, 0x1000, 0xc, 0, 0));
	gdt_set(t, SEL_B, 0x1f00ull << 32); /* upper half with a nonzero type field */
	wr(t, ET_DATA, 4, 0);
	wr(t, ET_DATA + 4, 2, SEL_A);
	ok(run(t, BYTES(0xff, 0x1c, 0x25, (uint8_t)ET_DATA, (uint8_t)(ET_DATA >> 8),
			(uint8_t)(ET_DATA >> 16), 0)) == V_GP &&
		   et_stack(t, 0, 8) == SEL_A,
	   "long: call gate with a bad upper half: #GP(sel)");
}

/* CALL through a call gate from ring 3 to ring 0 (TSS stack), RETF back. */
static void test_call_gate(struct et *t)
{
	uint32_t target, from;

	reset(t, ET_PROT32);
	target = put(t, BYTES(0xf4, 0xca, 0x08, 0x00)); /* hlt; retf 8 */
	gdt_set(t, SEL_A, call_gate(ET_SEL_CS32, target, 0xc, 3, 2));
	ring3(t);
	t->st.seg[SEG_ES] = et_seg(ET_SEL_DS32, 0x3, 0, false, true, 0xffffffff);
	from = start(t, BYTES(0x68, 0x11, 0, 0, 0, 0x68, 0x22, 0, 0, 0, 0x9a, 0, 0, 0, 0, SEL_A | 3,
			      0, 0xf4));
	ok(go(t) == -1 && t->st.rip == target, "gate: call reaches ring 0");
	is_u64(t->st.seg[SEG_CS].selector, ET_SEL_CS32, "gate: CS RPL 0");
	is_u64(t->st.seg[SEG_SS].selector, ET_SEL_DS32, "gate: SS0 from the TSS");
	is_u64(R(t, RSP), ET_STACK0 - 24, "gate: ESP0 from the TSS, minus the frame");
	is_u64(et_stack(t, 0, 4), from + 17, "gate: return EIP");
	is_u64(et_stack(t, 4, 4), ET_SEL_CS3, "gate: return CS");
	is_u64(et_stack(t, 8, 4), 0x22, "gate: parameter 0 copied");
	is_u64(et_stack(t, 12, 4), 0x11, "gate: parameter 1 copied");
	is_u64(et_stack(t, 16, 4), ET_STACK - 8, "gate: old ESP");
	is_u64(et_stack(t, 20, 4), ET_SEL_DS3, "gate: old SS");
	/* RETF 8 to ring 3; its HLT faults (#GP from CPL 3) and the #GP frame shows ring 3. */
	is_u64(go(t), V_GP, "gate: retf to ring 3, HLT there is #GP");
	is_u64(et_stack(t, 4, 4), from + 17, "gate: back at the instruction after the call");
	is_u64(et_stack(t, 8, 4), ET_SEL_CS3, "gate: CS 3 again");
	is_u64(et_stack(t, 16, 4), ET_STACK, "gate: ESP restored and the parameters released");
	is_u64(et_stack(t, 20, 4), ET_SEL_DS3, "gate: SS 3 again");
	ok(t->st.seg[SEG_ES].unusable && t->st.seg[SEG_ES].selector == 0,
	   "gate: ES with DPL 0 became null on the return to ring 3");
	ok(!t->st.seg[SEG_DS].unusable, "gate: DS with DPL 3 kept");

	/* A gate with DPL 0 from ring 3: #GP(gate). */
	reset(t, ET_PROT32);
	gdt_set(t, SEL_A, call_gate(ET_SEL_CS32, 0, 0xc, 0, 0));
	ring3(t);
	ok(run(t, BYTES(0x9a, 0, 0, 0, 0, SEL_A | 3, 0)) == V_GP && et_stack(t, 0, 4) == SEL_A,
	   "gate: DPL 0 gate from ring 3: #GP(gate selector)");
}

/* ---- delivery ------------------------------------------------------------------- */

static void test_int_real(struct et *t)
{
	uint32_t from;

	reset(t, ET_REAL);
	t->st.rflags |= F_IF | F_CF;
	from = start(t, BYTES(0x90, 0xcd, 0x21));
	ok(go(t) == 0x21, "real: int 0x21 goes through the IVT");
	is_u64(R(t, RSP), ET_STACK_REAL - 6, "real: 6-byte frame");
	is_u64(et_stack(t, 0, 2), 3, "real: frame IP after the INT");
	is_u64(et_stack(t, 2, 2), from >> 4, "real: frame CS");
	is_u64(et_stack(t, 4, 2), 0x203 | 0, "real: frame FLAGS (IF, CF)");
	ok(!(t->st.rflags & F_IF) && (t->st.rflags & F_CF), "real: IF cleared, CF kept");

	/* IRET pops IP, CS, FLAGS. */
	reset(t, ET_REAL);
	uint32_t target = put(t, BYTES(0xf4));
	R(t, RSP) = ET_STACK_REAL - 6;
	wr(t, ET_STACK_REAL - 6, 2, 0);
	wr(t, ET_STACK_REAL - 4, 2, target >> 4);
	wr(t, ET_STACK_REAL - 2, 2, 0x0241);
	ok(run(t, BYTES(0xcf)) == -1 && t->st.seg[SEG_CS].base == target && t->st.rip == 0,
	   "real: iret");
	is_u64(t->st.rflags & 0xffff, 0x0243, "real: iret FLAGS");
	is_u64(R(t, RSP), ET_STACK_REAL, "real: iret pops 6 bytes");

	/* IVT too short: #GP, then #DF, then a triple fault. */
	reset(t, ET_REAL);
	t->st.idt.limit = 0x20;
	ok(run(t, BYTES(0xcd, 0x21)) == -2 && t->exit.reason == EXIT_REASON_TRIPLE_FAULT,
	   "real: INT beyond the IVT limit ends in a triple fault");
}

static void test_int_prot(struct et *t)
{
	uint32_t from;

	/* Same privilege. */
	reset(t, ET_PROT32);
	t->st.rflags |= F_IF;
	from = start(t, BYTES(0xcd, 0x30));
	ok(go(t) == 0x30, "prot32: int 0x30 at CPL 0");
	is_u64(R(t, RSP), ET_STACK - 12, "prot32: 12-byte frame on the same stack");
	is_u64(et_stack(t, 0, 4), from + 2, "prot32: frame EIP");
	is_u64(et_stack(t, 4, 4), ET_SEL_CS32, "prot32: frame CS");
	ok(et_stack(t, 8, 4) & F_IF, "prot32: frame EFLAGS has IF");
	ok(!(t->st.rflags & F_IF), "prot32: interrupt gate cleared IF");

	/* A trap gate keeps IF. */
	reset(t, ET_PROT32);
	t->st.rflags |= F_IF;
	idt_gate(t, 0x31)[5] = 0xef;
	ok(run(t, BYTES(0xcd, 0x31)) == 0x31 && (t->st.rflags & F_IF),
	   "prot32: trap gate keeps IF");

	/* From ring 3: SS0:ESP0 from the TSS. */
	reset(t, ET_PROT32);
	ring3(t);
	from = start(t, BYTES(0xcd, 0x30));
	ok(go(t) == 0x30, "prot32: int 0x30 from ring 3");
	is_u64(t->st.seg[SEG_SS].selector, ET_SEL_DS32, "prot32: SS0");
	is_u64(R(t, RSP), ET_STACK0 - 20, "prot32: ESP0 minus a 20-byte frame");
	is_u64(et_stack(t, 0, 4), from + 2, "prot32: frame EIP");
	is_u64(et_stack(t, 4, 4), ET_SEL_CS3, "prot32: frame CS");
	is_u64(et_stack(t, 12, 4), ET_STACK, "prot32: frame ESP");
	is_u64(et_stack(t, 16, 4), ET_SEL_DS3, "prot32: frame SS");
	is_u64(t->st.seg[SEG_CS].selector, ET_SEL_CS32, "prot32: CS of the handler, RPL 0");

	/* A gate with DPL 0 from ring 3: #GP(vector * 8 + 2). */
	reset(t, ET_PROT32);
	ring3(t);
	idt_gate(t, 0x31)[5] = 0x8e;
	ok(run(t, BYTES(0xcd, 0x31)) == V_GP, "prot32: int through a DPL 0 gate from ring 3: #GP");
	is_u64(et_stack(t, 0, 4), 0x31 * 8 + 2, "prot32: error code vector*8+2 (IDT, EXT=0)");

	/* An exception through a not-present gate: #NP with IDT and EXT set. */
	reset(t, ET_PROT32);
	idt_gate(t, V_UD)[5] = 0x6e;
	ok(run(t, BYTES(0x0f, 0x0b)) == V_NP, "prot32: #UD through a not-present gate: #NP");
	is_u64(et_stack(t, 0, 4), V_UD * 8 + 3, "prot32: #NP error code vector*8+2+EXT");

	/* #GP whose gate is not present: #DF. */
	reset(t, ET_PROT32);
	idt_gate(t, V_GP)[5] = 0x6e;
	ok(load_sel(t, SEG_DS, 0x100) == V_DF, "prot32: #GP with its gate not present: #DF");
	is_u64(et_stack(t, 0, 4), 0, "prot32: #DF error code 0");

	/* An empty IDT: triple fault. */
	reset(t, ET_PROT32);
	t->st.idt.limit = 0;
	ok(run(t, BYTES(0x0f, 0x0b)) == -2 && t->exit.reason == EXIT_REASON_TRIPLE_FAULT,
	   "prot32: #UD with an empty IDT: triple fault");
}

static void test_int_long(struct et *t)
{
	uint32_t from;

	/* Same privilege: RSP aligned down to 16, SS:RSP always pushed. */
	reset(t, ET_LONG64);
	R(t, RSP) = ET_STACK - 8;
	from = start(t, BYTES(0xcd, 0x40));
	ok(go(t) == 0x40, "long: int 0x40 at CPL 0");
	is_u64(R(t, RSP), ET_STACK - 16 - 40, "long: aligned to 16, 40-byte frame");
	is_u64(et_stack(t, 0, 8), from + 2, "long: frame RIP");
	is_u64(et_stack(t, 8, 8), ET_SEL_CS64, "long: frame CS");
	is_u64(et_stack(t, 24, 8), ET_STACK - 8, "long: frame RSP");
	is_u64(et_stack(t, 32, 8), ET_SEL_DS32, "long: frame SS");

	/* IST 1, even without a privilege change. */
	reset(t, ET_LONG64);
	idt_gate(t, 0x40)[4] = 1;
	et_put64(t->ram + ET_TSS + 0x24, 0x1e008);
	from = start(t, BYTES(0xcd, 0x40));
	ok(go(t) == 0x40, "long: int 0x40 through IST 1");
	is_u64(R(t, RSP), 0x1e000 - 40, "long: IST1 aligned down to 16");
	is_u64(et_stack(t, 24, 8), ET_STACK, "long: frame RSP (the old one)");

	/* From ring 3: RSP0, a null SS with RPL 0. */
	reset(t, ET_LONG64);
	ring3(t);
	from = start(t, BYTES(0xcd, 0x40));
	ok(go(t) == 0x40, "long: int 0x40 from ring 3");
	is_u64(R(t, RSP), ET_STACK0 - 40, "long: RSP0 minus the frame");
	is_u64(t->st.seg[SEG_SS].selector, 0, "long: null SS");
	is_u64(t->st.seg[SEG_CS].selector, ET_SEL_CS64, "long: handler CS");
	is_u64(et_stack(t, 8, 8), ET_SEL_CS3, "long: frame CS");
	is_u64(et_stack(t, 32, 8), ET_SEL_DS3, "long: frame SS");

	/* An error code: #GP(sel) on a bad load, 48-byte frame. */
	reset(t, ET_LONG64);
	ok(load_sel(t, SEG_DS, 0x100) == V_GP && et_stack(t, 0, 8) == 0x100 &&
		   R(t, RSP) == ET_STACK - 48,
	   "long: #GP with its error code, 48-byte frame");
}

/* ---- IRET ------------------------------------------------------------------------- */

static void frame32(struct et *t, uint32_t sp, const uint32_t *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		wr(t, sp + 4 * i, 4, v[i]);
}

static void test_iret_prot(struct et *t)
{
	uint32_t user;

	/* To ring 3: SS:ESP popped, ES (DPL 0) nulled. */
	reset(t, ET_PROT32);
	user = put(t, BYTES(0xf4));
	t->st.seg[SEG_DS] = et_seg(ET_SEL_DS3, 0x3, 3, false, true, 0xffffffff);
	R(t, RSP) = ET_STACK0 - 20;
	frame32(t, ET_STACK0 - 20, (uint32_t[]){user, ET_SEL_CS3, 0x202, ET_STACK, ET_SEL_DS3}, 5);
	ok(run(t, BYTES(0xcf)) == V_GP, "prot32: iret to ring 3 (its HLT is #GP)");
	is_u64(et_stack(t, 4, 4), user, "prot32: at the ring-3 EIP");
	is_u64(et_stack(t, 8, 4), ET_SEL_CS3, "prot32: ring-3 CS");
	ok(et_stack(t, 12, 4) & F_IF, "prot32: IF popped at CPL 0");
	is_u64(et_stack(t, 16, 4), ET_STACK, "prot32: ring-3 ESP");
	is_u64(et_stack(t, 20, 4), ET_SEL_DS3, "prot32: ring-3 SS");
	ok(t->st.seg[SEG_ES].unusable, "prot32: ES (DPL 0) nulled");
	ok(!t->st.seg[SEG_DS].unusable, "prot32: DS (DPL 3) kept");

	/* At CPL 3 with IOPL 0: IF and IOPL do not change. */
	reset(t, ET_PROT32);
	ring3(t);
	user = put(t, BYTES(0xf4));
	ok(run(t, BYTES(0x68, 0x00, 0x32, 0, 0, 0x6a, ET_SEL_CS3, 0x68, (uint8_t)user,
			(uint8_t)(user >> 8), (uint8_t)(user >> 16), 0, 0xcf)) == V_GP &&
		   et_stack(t, 4, 4) == user,
	   "prot32: iret at CPL 3");
	is_u64(et_stack(t, 12, 4) & (F_IF | F_IOPL), 0, "prot32: CPL 3 > IOPL: IF, IOPL kept");

	/* At CPL 0: both change. */
	reset(t, ET_PROT32);
	user = put(t, BYTES(0xf4));
	ok(run(t, BYTES(0x68, 0x00, 0x32, 0, 0, 0x6a, ET_SEL_CS32, 0x68, (uint8_t)user,
			(uint8_t)(user >> 8), (uint8_t)(user >> 16), 0, 0xcf)) == -1 &&
		   t->st.rip == user,
	   "prot32: iret at CPL 0");
	is_u64(t->st.rflags & (F_IF | F_IOPL), F_IF | F_IOPL, "prot32: CPL 0: IF and IOPL popped");

	/* NT=1: a task return, not implemented: #GP. */
	reset(t, ET_PROT32);
	t->st.rflags |= 1u << 14;
	ok(run(t, BYTES(0xcf)) == V_GP, "prot32: iret with NT=1: #GP (no task switches)");
}

static void test_v86(struct et *t)
{
	uint32_t v86;

	/* IRET to virtual-8086 mode; INT n there with IOPL 0 is #GP(0) to ring 0. */
	reset(t, ET_PROT32);
	v86 = put(t, BYTES(0xcd, 0x21, 0xf4));
	R(t, RSP) = ET_STACK0 - 36;
	frame32(t, ET_STACK0 - 36,
		(uint32_t[]){0, v86 >> 4, F_VM | 0x202, 0x800, 0x2000, 0x1111, 0x2222, 0x3333,
			     0x4444},
		9);
	ok(run(t, BYTES(0xcf)) == V_GP, "v86: iret to v8086, INT n with IOPL 0: #GP");
	is_u64(et_stack(t, 0, 4), 0, "v86: #GP(0)");
	is_u64(et_stack(t, 4, 4), 0, "v86: frame EIP");
	is_u64(et_stack(t, 8, 4), v86 >> 4, "v86: frame CS");
	ok(et_stack(t, 12, 4) & F_VM, "v86: frame EFLAGS has VM");
	is_u64(et_stack(t, 16, 4), 0x800, "v86: frame ESP");
	is_u64(et_stack(t, 20, 4), 0x2000, "v86: frame SS");
	is_u64(et_stack(t, 24, 4), 0x1111, "v86: frame ES");
	is_u64(et_stack(t, 28, 4), 0x2222, "v86: frame DS");
	is_u64(et_stack(t, 32, 4), 0x3333, "v86: frame FS");
	is_u64(et_stack(t, 36, 4), 0x4444, "v86: frame GS");
	ok(t->st.seg[SEG_DS].unusable && t->st.seg[SEG_DS].selector == 0, "v86: DS nulled");
	ok(!(t->st.rflags & F_VM), "v86: VM cleared in the handler");

	/* IOPL 3: INT n goes through the IDT. */
	reset(t, ET_PROT32);
	v86 = put(t, BYTES(0xcd, 0x21, 0xf4));
	R(t, RSP) = ET_STACK0 - 36;
	frame32(t, ET_STACK0 - 36,
		(uint32_t[]){0, v86 >> 4, F_VM | F_IOPL | 0x2, 0x800, 0x2000, 0, 0, 0, 0}, 9);
	ok(run(t, BYTES(0xcf)) == 0x21 && et_stack(t, 0, 4) == 2,
	   "v86: INT n with IOPL 3 through the IDT");
}

static void test_iret_long(struct et *t)
{
	uint32_t user;

	/* IRETQ at the same level pops SS:RSP too. */
	reset(t, ET_LONG64);
	user = put(t, BYTES(0xf4));
	R(t, RSP) = ET_STACK - 40;
	et_put64(t->ram + ET_STACK - 40, user);
	et_put64(t->ram + ET_STACK - 32, ET_SEL_CS64);
	et_put64(t->ram + ET_STACK - 24, 0x2 | F_CF);
	et_put64(t->ram + ET_STACK - 16, 0x12340);
	et_put64(t->ram + ET_STACK - 8, 0);
	ok(run(t, BYTES(0x48, 0xcf)) == -1 && t->st.rip == user, "long: iretq");
	is_u64(R(t, RSP), 0x12340, "long: RSP popped");
	ok(t->st.seg[SEG_SS].unusable && (t->st.rflags & F_CF), "long: null SS, flags popped");

	/* IRETQ to ring 3 compatibility mode. */
	reset(t, ET_LONG64);
	user = put(t, BYTES(0xf4));
	R(t, RSP) = ET_STACK - 40;
	et_put64(t->ram + ET_STACK - 40, user);
	et_put64(t->ram + ET_STACK - 32, ET_SEL_CS3_32);
	et_put64(t->ram + ET_STACK - 24, 0x202);
	et_put64(t->ram + ET_STACK - 16, ET_STACK - 0x100);
	et_put64(t->ram + ET_STACK - 8, ET_SEL_DS3);
	ok(run(t, BYTES(0x48, 0xcf)) == V_GP, "long: iretq to ring 3 compat (HLT #GP)");
	is_u64(et_stack(t, 8, 8), user, "long: compat RIP");
	is_u64(et_stack(t, 16, 8), ET_SEL_CS3_32, "long: compat CS");
	is_u64(et_stack(t, 32, 8), ET_STACK - 0x100, "long: compat RSP");
	is_u64(et_stack(t, 40, 8), ET_SEL_DS3, "long: compat SS");

	/* A non-canonical RIP: #GP(0). */
	reset(t, ET_LONG64);
	R(t, RSP) = ET_STACK - 40;
	et_put64(t->ram + ET_STACK - 40, 0x0000800000000000ull);
	et_put64(t->ram + ET_STACK - 32, ET_SEL_CS64);
	et_put64(t->ram + ET_STACK - 24, 0x2);
	et_put64(t->ram + ET_STACK - 16, ET_STACK);
	et_put64(t->ram + ET_STACK - 8, ET_SEL_DS32);
	ok(run(t, BYTES(0x48, 0xcf)) == V_GP && et_stack(t, 0, 8) == 0,
	   "long: iretq to a non-canonical RIP: #GP(0)");
}

/* ---- descriptor tables ----------------------------------------------------------- */

static void test_dtables(struct et *t)
{
	/* 32-bit: LGDT then SGDT. */
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 2, 0x1234);
	wr(t, ET_DATA + 2, 4, 0xaabbccdd);
	ok(run(t, BYTES(0x0f, 0x01, 0x15, 0x00, 0x00, 0x03, 0x00, 0x0f, 0x01, 0x05, 0x10, 0x00,
			0x03, 0x00, 0xf4)) == -1,
	   "prot32: lgdt; sgdt");
	ok(t->st.gdt.base == 0xaabbccdd && t->st.gdt.limit == 0x1234, "prot32: GDTR loaded");
	is_u64(rd(t, ET_DATA + 0x10, 6), 0xaabbccdd1234ull, "prot32: SGDT stores 6 bytes");

	/* 16-bit operand size: 24 bits of base. */
	reset(t, ET_PROT32);
	wr(t, ET_DATA, 2, 0x1234);
	wr(t, ET_DATA + 2, 4, 0xaabbccdd);
	ok(run(t, BYTES(0x66, 0x0f, 0x01, 0x1d, 0x00, 0x00, 0x03, 0x00, 0xf4)) == -1 &&
		   t->st.idt.base == 0xbbccdd && t->st.idt.limit == 0x1234,
	   "prot32: o16 lidt loads 24 bits of base");

	/* Real mode. */
	reset(t, ET_REAL);
	wr(t, ET_DATA + 0x40, 2, 0x77);
	wr(t, ET_DATA + 0x42, 4, 0x11223344);
	ok(run(t, BYTES(0x0f, 0x01, 0x16, 0x40, 0x00, 0xf4)) == -1 && t->st.gdt.base == 0x223344 &&
		   t->st.gdt.limit == 0x77,
	   "real: lgdt (16-bit operand size)");

	/* 64-bit: 10 bytes; a non-canonical base is #GP(0). */
	reset(t, ET_LONG64);
	wr(t, ET_DATA, 2, 0x0fff);
	wr(t, ET_DATA + 2, 8, 0xffff800012345678ull);
	ok(run(t, BYTES(0x0f, 0x01, 0x1c, 0x25, 0x00, 0x00, 0x03, 0x00, 0x0f, 0x01, 0x0c, 0x25,
			0x10, 0x00, 0x03, 0x00, 0xf4)) == -1 &&
		   t->st.idt.base == 0xffff800012345678ull && t->st.idt.limit == 0xfff,
	   "long: lidt; sidt");
	is_u64(rd(t, ET_DATA + 0x12, 8), 0xffff800012345678ull, "long: SIDT stores an 8-byte base");
	/*
	 * The base is checked at the CPU's widest linear address (57 bits: the
	 * model has LA57), whatever CR4.LA57 says (5-level paging white paper 2.5).
	 */
	reset(t, ET_LONG64);
	wr(t, ET_DATA + 2, 8, 0x0100000000000000ull);
	ok(run(t, BYTES(0x0f, 0x01, 0x14, 0x25, 0x00, 0x00, 0x03, 0x00)) == V_GP,
	   "long: lgdt with a base non-canonical at 57 bits: #GP");
	is_u64(t->st.gdt.base, ET_GDT, "long: GDTR unchanged");
	reset(t, ET_LONG64);
	wr(t, ET_DATA, 2, 0x0fff);
	wr(t, ET_DATA + 2, 8, 0x0000800000000000ull);
	ok(!(t->st.cr4 & CR4_LA57) &&
		   run(t, BYTES(0x0f, 0x01, 0x1c, 0x25, 0x00, 0x00, 0x03, 0x00, 0xf4)) == -1 &&
		   t->st.idt.base == 0x0000800000000000ull,
	   "long, CR4.LA57=0: lidt of a base canonical at 57 bits only is taken");

	/* Privilege: LGDT at CPL 3; SGDT at CPL 3 only without UMIP. */
	reset(t, ET_PROT32);
	ring3(t);
	ok(run(t, BYTES(0x0f, 0x01, 0x15, 0x00, 0x00, 0x03, 0x00)) == V_GP,
	   "prot32: lgdt at CPL 3: #GP");
	reset(t, ET_PROT32);
	ring3(t);
	ok(run(t, BYTES(0x0f, 0x01, 0x05, 0x00, 0x00, 0x03, 0x00, 0x0f, 0x0b)) == V_UD,
	   "prot32: sgdt at CPL 3 without UMIP runs");
	reset(t, ET_PROT32);
	ring3(t);
	t->st.cr4 |= CR4_UMIP;
	ok(run(t, BYTES(0x0f, 0x01, 0x05, 0x00, 0x00, 0x03, 0x00)) == V_GP,
	   "prot32: sgdt at CPL 3 with UMIP: #GP");
}

static void test_ltr_lldt(struct et *t)
{
	reset(t, ET_PROT32);
	gdt_set(t, SEL_A, sys_desc(0x5000, 0x67, 0x9, 0));
	ok(run(t, BYTES(0x66, 0xb8, SEL_A, 0x00, 0x0f, 0x00, 0xd8, 0x0f, 0x00, 0xc9, 0xf4)) == -1,
	   "prot32: ltr; str ecx");
	ok(t->st.seg[SEG_TR].selector == SEL_A && t->st.seg[SEG_TR].base == 0x5000 &&
		   t->st.seg[SEG_TR].type == 0xb,
	   "prot32: TR loaded, busy");
	is_u64(gdt_access(t, SEL_A) & 0xf, 0xb, "prot32: the descriptor is marked busy");
	is_u64(R(t, RCX), SEL_A, "prot32: STR");
	ok(run(t, BYTES(0x66, 0xb8, SEL_A, 0x00, 0x0f, 0x00, 0xd8)) == V_GP &&
		   et_stack(t, 0, 4) == SEL_A,
	   "prot32: ltr of a busy TSS: #GP(sel)");

	reset(t, ET_PROT32);
	gdt_set(t, SEL_A, sys_desc(0x5000, 0x67, 0x9, 0) & ~(1ull << 47));
	ok(run(t, BYTES(0x66, 0xb8, SEL_A, 0x00, 0x0f, 0x00, 0xd8)) == V_NP,
	   "prot32: ltr of a not-present TSS: #NP");
	reset(t, ET_PROT32);
	ring3(t);
	ok(run(t, BYTES(0x66, 0xb8, SEL_A, 0x00, 0x0f, 0x00, 0xd8)) == V_GP,
	   "prot32: ltr at CPL 3: #GP");
	reset(t, ET_REAL);
	ok(run(t, BYTES(0x0f, 0x00, 0xd8)) == V_UD, "real: ltr: #UD");

	/* LLDT, then a load through the LDT; LLDT 0 makes it unusable. */
	reset(t, ET_PROT32);
	gdt_set(t, SEL_A, sys_desc(ET_DATA, 0xf, 0x2, 0));
	et_put64(t->ram + ET_DATA + 8, et_desc(0x9000, 0xffff, 0x3, 0, false, true, false));
	ok(run(t, BYTES(0x66, 0xb8, SEL_A, 0x00, 0x0f, 0x00, 0xd0, 0x66, 0xb8, 0x0c, 0x00, 0x8e,
			0xe0, 0xf4)) == -1,
	   "prot32: lldt; mov fs, LDT selector");
	ok(t->st.seg[SEG_LDTR].base == ET_DATA && !t->st.seg[SEG_LDTR].unusable,
	   "prot32: LDTR loaded");
	is_u64(t->st.seg[SEG_FS].base, 0x9000, "prot32: FS from the LDT");
	ok(run(t, BYTES(0x31, 0xc0, 0x0f, 0x00, 0xd0, 0xf4)) == -1 && t->st.seg[SEG_LDTR].unusable,
	   "prot32: lldt 0 makes LDTR unusable");
}

static void test_lar_lsl(struct et *t)
{
	/* lar eax, bx; lsl ecx, bx; verr bx; verw bx -- one selector at a time. */
	static const struct {
		uint16_t sel;
		bool ring3;
		bool lar, lsl, verr, verw;
		uint32_t ar, limit;
	} c[] = {
		{ET_SEL_CS32, false, true, true, true, false, 0x00c09b00, 0xffffffff},
		{ET_SEL_DS16, false, true, true, true, true, 0x00009300, 0xffff},
		{ET_SEL_TSS, false, true, true, false, false, 0x00008900, 0x68 + 8192},
		{ET_SEL_DS32, true, false, false, false, false, 0, 0}, /* DPL 0 from CPL 3 */
		{SEL_A, true, true, true, true, false, 0x00c09f00, 0xffffffff}, /* conforming */
		{SEL_B, false, true, false, false, false, 0x0000ec00, 0},	/* call gate */
		{SEL_C, false, false, false, false, false, 0, 0},		/* interrupt gate */
		{SEL_D, false, true, true, false, false, 0x00409800, 0xfff},	/* execute-only */
		{0, false, false, false, false, false, 0, 0},
		{0x100, false, false, false, false, false, 0, 0},
	};

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		reset(t, ET_PROT32);
		gdt_set(t, SEL_A, et_desc(0, 0xfffff, 0xf, 0, false, true, true));
		gdt_set(t, SEL_B, call_gate(ET_SEL_CS32, 0, 0xc, 3, 0));
		gdt_set(t, SEL_C, sys_desc(0, 0, 0xe, 0));
		gdt_set(t, SEL_D, et_desc(0, 0xfff, 0x8, 0, false, true, false));
		if (c[i].ring3)
			ring3(t);
		R(t, RBX) = c[i].sel | (c[i].ring3 ? 3 : 0);
		R(t, RAX) = R(t, RCX) = 0x5555;
		/* lar; pushf; pop edx (ZF); lsl; pushf; pop esi; verr; pushf; pop edi; verw */
		if (run(t, BYTES(0x0f, 0x02, 0xc3, 0x9c, 0x5a, 0x0f, 0x03, 0xcb, 0x9c, 0x5e, 0x0f,
				 0x00, 0xe3, 0x9c, 0x5f, 0x0f, 0x00, 0xeb, 0x0f, 0x0b)) != V_UD) {
			ok(0, "lar/lsl/verr/verw %#x ran", c[i].sel);
			continue;
		}
		is_u64(!!(R(t, RDX) & F_ZF), c[i].lar, "LAR %#x: ZF", c[i].sel);
		is_u64(R(t, RAX), c[i].lar ? c[i].ar : 0x5555, "LAR %#x: access rights", c[i].sel);
		is_u64(!!(R(t, RSI) & F_ZF), c[i].lsl, "LSL %#x: ZF", c[i].sel);
		is_u64(R(t, RCX), c[i].lsl ? c[i].limit : 0x5555, "LSL %#x: limit", c[i].sel);
		is_u64(!!(R(t, RDI) & F_ZF), c[i].verr, "VERR %#x", c[i].sel);
		is_u64(!!(et_stack(t, 8, 4) & F_ZF), c[i].verw, "VERW %#x", c[i].sel);
	}

	/* 16-bit LAR: 0xff00 of the access rights. */
	reset(t, ET_PROT32);
	R(t, RBX) = ET_SEL_CS32;
	R(t, RAX) = 0xffff0000;
	ok(run(t, BYTES(0x66, 0x0f, 0x02, 0xc3, 0xf4)) == -1 && R(t, RAX) == 0xffff9b00,
	   "LAR o16: 0x9b00 merged");

	/* ARPL. */
	reset(t, ET_PROT32);
	R(t, RAX) = 0x10;
	R(t, RBX) = 0x13;
	ok(run(t, BYTES(0x63, 0xd8, 0x9c, 0x5a, 0x63, 0xd8, 0xf4)) == -1, "arpl twice");
	ok(R(t, RAX) == 0x13 && (R(t, RDX) & F_ZF) && !(t->st.rflags & F_ZF),
	   "arpl: RPL raised with ZF=1, then ZF=0");
}

/* ---- fast system calls ------------------------------------------------------------ */

static void test_syscall(struct et *t)
{
	uint32_t kernel, user;

	reset(t, ET_LONG64);
	t->st.efer |= EFER_SCE;
	kernel = put(t, BYTES(0xf4));
	user = put(t, BYTES(0xf8, 0x0f, 0x05)); /* clc; syscall */
	t->st.msr.star = 0x0030001800000000ull;
	t->st.msr.lstar = kernel;
	t->st.msr.sfmask = F_IF | F_DF;
	R(t, RCX) = user;
	R(t, R11) = 0x2 | F_IF | F_DF | F_CF;
	ok(run(t, BYTES(0x48, 0x0f, 0x07)) == -1 && t->st.rip == kernel,
	   "sysretq to ring 3, syscall back");
	is_u64(R(t, RCX), user + 3, "syscall: RCX = the next RIP");
	is_u64(R(t, R11) & 0xfff, 0x2 | F_IF | F_DF, "syscall: R11 = RFLAGS of ring 3 (after CLC)");
	is_u64(t->st.rflags & 0xfff, 0x2, "syscall: SFMASK cleared IF and DF");
	ok(t->st.seg[SEG_CS].selector == 0x18 && t->st.seg[SEG_CS].l &&
		   t->st.seg[SEG_SS].selector == 0x20 && t->st.seg[SEG_SS].dpl == 0,
	   "syscall: CS = STAR[47:32], SS = + 8, CPL 0");

	/* SYSRET lands in ring 3: its HLT is #GP from CS 0x43. */
	reset(t, ET_LONG64);
	t->st.efer |= EFER_SCE;
	t->st.msr.star = 0x0030001800000000ull;
	user = put(t, BYTES(0xf4));
	R(t, RCX) = user;
	R(t, R11) = 0x2;
	ok(run(t, BYTES(0x48, 0x0f, 0x07)) == V_GP && et_stack(t, 8, 8) == user &&
		   et_stack(t, 16, 8) == 0x43 && et_stack(t, 40, 8) == 0x3b,
	   "sysretq: CS = STAR[63:48] + 16 | 3, SS = + 8 | 3");

	reset(t, ET_LONG64);
	ok(run(t, BYTES(0x0f, 0x05)) == V_UD, "syscall without EFER.SCE: #UD");
	reset(t, ET_LONG64);
	t->st.efer |= EFER_SCE;
	R(t, RCX) = 0x0000800000000000ull;
	ok(run(t, BYTES(0x48, 0x0f, 0x07)) == V_GP, "sysretq to a non-canonical RCX (Intel): #GP");
	reset(t, ET_LONG64);
	t->st.efer |= EFER_SCE;
	ring3(t);
	ok(run(t, BYTES(0x48, 0x0f, 0x07)) == V_GP, "sysret at CPL 3: #GP");
	reset(t, ET_PROT32);
	t->st.efer |= EFER_SCE;
	ok(run(t, BYTES(0x0f, 0x05)) == V_UD, "syscall outside 64-bit mode (Intel): #UD");
}

static void test_sysenter(struct et *t)
{
	uint32_t kernel, user;

	reset(t, ET_PROT32);
	kernel = put(t, BYTES(0xf4));
	user = put(t, BYTES(0x0f, 0x34));
	t->st.msr.sysenter_cs = ET_SEL_CS32;
	t->st.msr.sysenter_eip = kernel;
	t->st.msr.sysenter_esp = ET_STACK0;
	t->st.rflags |= F_IF;
	R(t, RDX) = user;
	R(t, RCX) = ET_STACK;
	ok(run(t, BYTES(0x0f, 0x35)) == -1 && t->st.rip == kernel, "sysexit, then sysenter");
	ok(t->st.seg[SEG_CS].selector == ET_SEL_CS32 && t->st.seg[SEG_SS].selector == 0x10 &&
		   R(t, RSP) == ET_STACK0 && !(t->st.rflags & F_IF),
	   "sysenter: CS, SS = CS + 8, ESP, IF cleared");

	reset(t, ET_PROT32);
	t->st.msr.sysenter_cs = ET_SEL_CS32;
	user = put(t, BYTES(0xf4));
	R(t, RDX) = user;
	R(t, RCX) = ET_STACK - 0x40;
	ok(run(t, BYTES(0x0f, 0x35)) == V_GP && et_stack(t, 4, 4) == user &&
		   et_stack(t, 8, 4) == 0x1b && et_stack(t, 16, 4) == ET_STACK - 0x40 &&
		   et_stack(t, 20, 4) == 0x23,
	   "sysexit: CS = + 16 | 3, SS = + 24 | 3, ring 3");

	reset(t, ET_PROT32);
	t->st.msr.sysenter_cs = 0;
	ok(run(t, BYTES(0x0f, 0x34)) == V_GP, "sysenter with SYSENTER_CS = 0: #GP");

	reset(t, ET_LONG64);
	t->st.msr.sysenter_cs = ET_SEL_CS64;
	kernel = put(t, BYTES(0xf4));
	t->st.msr.sysenter_eip = kernel;
	ok(run(t, BYTES(0x0f, 0x34)) == -1 && t->st.rip == kernel && t->st.seg[SEG_CS].l,
	   "long (Intel): sysenter to 64-bit code");
}

static void test_swapgs(struct et *t)
{
	reset(t, ET_LONG64);
	t->st.seg[SEG_GS].base = 0x1111;
	t->st.msr.kernel_gs_base = 0x2222;
	ok(run(t, BYTES(0x0f, 0x01, 0xf8, 0xf4)) == -1 && t->st.seg[SEG_GS].base == 0x2222 &&
		   t->st.msr.kernel_gs_base == 0x1111,
	   "swapgs exchanges GS.base and KERNEL_GS_BASE");
	reset(t, ET_LONG64);
	ring3(t);
	ok(run(t, BYTES(0x0f, 0x01, 0xf8)) == V_GP, "swapgs at CPL 3: #GP");
}

/* AMD: SYSENTER in long mode is #UD; REX.W far pointers are m16:32. */
static void test_amd(void)
{
	struct et a;
	uint32_t target;

	if (et_init(&a, CPU_VENDOR_AMD, ET_LONG64)) {
		ok(0, "amd: engine");
		return;
	}
	a.st.msr.sysenter_cs = ET_SEL_CS64;
	ok(run(&a, BYTES(0x0f, 0x34)) == V_UD, "amd: sysenter in long mode: #UD");
	reset(&a, ET_LONG64);
	ok(load_sel(&a, SEG_FS, 0) == -1 && a.st.seg[SEG_FS].unusable &&
		   a.st.seg[SEG_FS].limit == 0xffffffff,
	   "amd: a null FS keeps its limit");
	reset(&a, ET_LONG64);
	target = put(&a, BYTES(0xf4));
	wr(&a, ET_DATA, 4, target);
	wr(&a, ET_DATA + 4, 2, ET_SEL_CS64);
	ok(run(&a, BYTES(0x48, 0xff, 0x2c, 0x25, (uint8_t)ET_DATA, (uint8_t)(ET_DATA >> 8),
			 (uint8_t)(ET_DATA >> 16), 0)) == -1 &&
		   a.st.rip == target,
	   "amd: rex.w jmp far reads m16:32");
	et_free(&a);
}

int main(void)
{
	struct et t;

	if (et_init(&t, CPU_VENDOR_INTEL, ET_REAL)) {
		printf("Bail out! no engine\n");
		return 1;
	}
	test_real_loads(&t);
	test_prot_loads(&t);
	test_null_loads(&t);
	test_far_real(&t);
	test_far_prot(&t);
	test_far_long(&t);
	test_call_gate(&t);
	test_int_real(&t);
	test_int_prot(&t);
	test_int_long(&t);
	test_iret_prot(&t);
	test_v86(&t);
	test_iret_long(&t);
	test_dtables(&t);
	test_ltr_lldt(&t);
	test_lar_lsl(&t);
	test_syscall(&t);
	test_sysenter(&t);
	test_swapgs(&t);
	test_amd();
	et_free(&t);
	return tap_done();
}
