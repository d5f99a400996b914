/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's specialised handlers and flag-liveness pass (fastpath.c)
 * against its generic handlers: every specialised form runs on random
 * operands twice, once as cached blocks get it and once with the generic
 * handlers only (struct emu.generic_only), and the two runs must leave the
 * same registers, RFLAGS, memory and exception frame. The forms run in
 * 32-bit, 64-bit (also with REX.W) and real mode (with 66 67), each after two
 * accesses that warm the TLB, so memory operands take the fast path.
 *
 * Each form runs in sequences that make its flags live (the instruction ends
 * the run), dead (CMP overwrites them all), partly live (INC keeps CF, ROL
 * keeps SF ZF AF PF) and live because a later instruction faults (the #GP
 * frame holds RFLAGS). The generic handlers are checked against the host CPU
 * in test_alu.c and around the operands in test_emu_int.c.
 */
#include "emu_test.h"
#include "engine/emu/emu_impl.h"
#include "tap.h"

#define TRIALS 300

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Operands that reach the edge cases: 0, all ones, sign bits, small numbers. */
static uint64_t operand(void)
{
	static const uint64_t edge[] = {0,
					1,
					0x7fffffff,
					0x80000000,
					0xffffffff,
					0x7fffffffffffffffull,
					0x8000000000000000ull,
					~0ull,
					0x100000000ull,
					2};
	uint64_t r = rnd();

	switch (r & 3) {
	case 0:
		return edge[(r >> 8) % (sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return r >> 40;
	default:
		return rnd();
	}
}

/* A run's outcome: what the two runs must agree on. */
struct outcome {
	int reason;
	uint64_t gpr[16], rip, rflags;
	uint8_t data[16], frame[40];
};

static struct et et_fast, et_generic;

static void setup(struct et *t, enum et_mode mode, bool generic)
{
	et_state(t, mode);
	memset(&t->exit, 0, sizeof(t->exit)); /* a new run, not the completion of the last exit */
	((struct emu *)t->ctx)->generic_only = generic;
}

static void run_one(struct et *t, enum et_mode mode, bool generic, const uint8_t *code, size_t len,
		    const uint64_t *regs, uint64_t mem, struct outcome *o)
{
	setup(t, mode, generic);
	memcpy(t->st.gpr, regs, 16 * sizeof(uint64_t));
	t->st.gpr[GPR_RSP] = ET_STACK;
	t->st.gpr[GPR_RSI] = ET_DATA;
	t->st.rflags = 0x2 | (regs[GPR_RSP] & 0x8d5); /* random status flags in */
	memset(t->ram + ET_DATA, 0, 16);
	memcpy(t->ram + ET_DATA, &mem, 8);
	memset(t->ram + ET_STACK - 40, 0, 40);
	et_code(t, code, len);
	if (mode == ET_REAL) {
		/* CS:IP = ET_CODE >> 4 : 0, DS = ES = ET_DATA >> 4 with SI = 0, SP below 64 KiB. */
		t->st.seg[SEG_CS].selector = ET_CODE >> 4;
		t->st.seg[SEG_CS].base = ET_CODE;
		t->st.rip = 0;
		t->st.seg[SEG_DS].base = t->st.seg[SEG_ES].base = ET_DATA;
		t->st.gpr[GPR_RSI] = 0;
		t->st.gpr[GPR_RSP] = ET_STACK_REAL;
	}
	memset(o, 0, sizeof(*o));
	o->reason = et_run(t);
	memcpy(o->gpr, t->st.gpr, sizeof(o->gpr));
	o->rip = t->st.rip;
	o->rflags = t->st.rflags;
	memcpy(o->data, t->ram + ET_DATA, sizeof(o->data));
	memcpy(o->frame, t->ram + ET_STACK - 40, sizeof(o->frame));
}

/* Run `code` TRIALS times on random registers (and [RSI]) on both handler sets. */
static void check_form(enum et_mode mode, const char *name, const uint8_t *code, size_t len)
{
	unsigned bad = 0;
	struct outcome f, g;

	for (unsigned i = 0; i < TRIALS; i++) {
		uint64_t regs[16], mem = operand();

		for (unsigned r = 0; r < 16; r++)
			regs[r] = operand();
		if (mode != ET_LONG64)
			for (unsigned r = 0; r < 16; r++)
				regs[r] = (uint32_t)regs[r];
		run_one(&et_fast, mode, false, code, len, regs, mem, &f);
		run_one(&et_generic, mode, true, code, len, regs, mem, &g);
		if (memcmp(&f, &g, sizeof(f))) {
			if (!bad++) {
				printf("#   %s: first mismatch (trial %u): reason %d/%d rflags "
				       "%#llx/%#llx "
				       "rax %#llx/%#llx rbx %#llx/%#llx",
				       name, i, f.reason, g.reason, (unsigned long long)f.rflags,
				       (unsigned long long)g.rflags, (unsigned long long)f.gpr[0],
				       (unsigned long long)g.gpr[0], (unsigned long long)f.gpr[3],
				       (unsigned long long)g.gpr[3]);
				printf("\n");
			}
		}
	}
	ok(bad == 0, "%s %s: specialised = generic (%u of %u runs differ)",
	   mode == ET_LONG64 ? "64-bit"
	   : mode == ET_REAL ? "real-mode"
			     : "32-bit",
	   name, bad, TRIALS);
}

/*
 * The tails a form is followed by: HLT alone (flags live at the exit), CMP
 * or SHL by 3 (all flags dead), INC (CF live), ROL by 3 (SF ZF AF PF live), a store that
 * faults (all live: the #GP frame holds RFLAGS), and Jcc on each condition
 * after it (flags read by the branch).
 */
static const struct tail {
	const char *name;
	uint8_t bytes[16];
	uint8_t len;
	bool long_only;
} tails[] = {
	{"live at hlt", {0xf4}, 1, false},
	{"dead under cmp", {0x39, 0xf7, 0xf4}, 3, false},	      /* cmp %esi,%edi */
	{"CF live across inc", {0xff, 0xc7, 0xf4}, 3, false},	      /* inc %edi */
	{"SZAP live across rol", {0xc1, 0xc7, 0x03, 0xf4}, 4, false}, /* rol $3,%edi */
	{"dead under shl", {0xc1, 0xe7, 0x03, 0xf4}, 4, false},	      /* shl $3,%edi */
	{"CF live across dec+adc",
	 {0xff, 0xcf, 0x11, 0xc9, 0xf4},
	 5,
	 false}, /* dec %edi; adc %ecx,%ecx */
	/*
	 * movabs $2^63,%rdx; mov %eax,(%rdx); cmp %esi,%edi: the store raises #GP
	 * and the frame holds RFLAGS, although CMP would overwrite them all.
	 */
	{"live at a fault",
	 {0x48, 0xba, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x89, 0x02, 0x39, 0xf7, 0xf4},
	 15,
	 true},
};

/* Jcc +2 over "inc %ecx", then HLT: ECX says whether the branch was taken. */
static void check_jcc(enum et_mode mode, const char *name, const uint8_t *form, size_t flen)
{
	for (unsigned cc = 0; cc < 16; cc++) {
		uint8_t code[32];
		char what[96];
		size_t n = flen;

		memcpy(code, form, flen);
		code[n++] = (uint8_t)(0x70 + cc);
		code[n++] = 2;
		code[n++] = 0xff; /* inc %ecx */
		code[n++] = 0xc1;
		code[n++] = 0xf4;
		snprintf(what, sizeof(what), "%s; j%u", name, cc);
		check_form(mode, what, code, n);
	}
}

struct form {
	const char *name;
	uint8_t bytes[8];
	uint8_t len;
	bool narrow_only; /* with REX.W it would be another instruction (B8: MOVABS) */
	bool prot_only;	  /* 32-bit code only (A1/A3: 64-bit code has 8-byte moffs) */
};

/* Every specialised form at 32 bits (a REX.W prefix makes the 64-bit one). */
static const struct form forms[] = {
	{"add %ebx,%eax", {0x01, 0xd8}, 2},
	{"or %ebx,%eax", {0x09, 0xd8}, 2},
	{"and %ebx,%eax", {0x21, 0xd8}, 2},
	{"sub %ebx,%eax", {0x29, 0xd8}, 2},
	{"xor %ebx,%eax", {0x31, 0xd8}, 2},
	{"cmp %ebx,%eax", {0x39, 0xd8}, 2},
	{"test %ebx,%eax", {0x85, 0xd8}, 2},
	{"add %eax,%ebx (GE)", {0x03, 0xd8}, 2},
	{"or %eax,%ebx (GE)", {0x0b, 0xd8}, 2},
	{"and %eax,%ebx (GE)", {0x23, 0xd8}, 2},
	{"sub %eax,%ebx (GE)", {0x2b, 0xd8}, 2},
	{"xor %eax,%ebx (GE)", {0x33, 0xd8}, 2},
	{"cmp %eax,%ebx (GE)", {0x3b, 0xd8}, 2},
	{"add (%esi),%eax", {0x03, 0x06}, 2},
	{"or (%esi),%eax", {0x0b, 0x06}, 2},
	{"and (%esi),%eax", {0x23, 0x06}, 2},
	{"sub (%esi),%eax", {0x2b, 0x06}, 2},
	{"xor (%esi),%eax", {0x33, 0x06}, 2},
	{"cmp (%esi),%eax", {0x3b, 0x06}, 2},
	{"add $imm32,%eax", {0x81, 0xc0, 0x78, 0x56, 0x34, 0x92}, 6},
	{"or $imm8,%ebx", {0x83, 0xcb, 0x81}, 3},
	{"and $imm32,%ecx", {0x81, 0xe1, 0xf0, 0xff, 0x00, 0x80}, 6},
	{"sub $imm8,%edx", {0x83, 0xea, 0x01}, 3},
	{"xor $imm32,%eax (35)", {0x35, 0x01, 0x00, 0x00, 0x80}, 5},
	{"cmp $imm8,%ebx", {0x83, 0xfb, 0xff}, 3},
	{"test $imm32,%eax", {0xf7, 0xc0, 0x00, 0x80, 0x00, 0x80}, 6},
	{"inc %eax", {0xff, 0xc0}, 2},
	{"dec %ebx", {0xff, 0xcb}, 2},
	{"rol $5,%eax", {0xc1, 0xc0, 0x05}, 3},
	{"ror $31,%eax", {0xc1, 0xc8, 0x1f}, 3},
	{"shl $1,%eax (D1)", {0xd1, 0xe0}, 2},
	{"shr $7,%eax", {0xc1, 0xe8, 0x07}, 3},
	{"sar $33,%eax", {0xc1, 0xf8, 0x21}, 3},
	{"shl $0,%eax", {0xc1, 0xe0, 0x00}, 3},
	{"mov %ebx,%eax", {0x89, 0xd8}, 2},
	{"mov %eax,%ebx (GE)", {0x8b, 0xd8}, 2},
	{"mov $imm32,%eax (B8)", {0xb8, 0x78, 0x56, 0x34, 0x92}, 5, true},
	{"mov $imm32,%ecx (C7)", {0xc7, 0xc1, 0x00, 0x00, 0x00, 0x80}, 6},
	{"mov (%esi),%eax", {0x8b, 0x06}, 2},
	{"mov %ebx,4(%esi)", {0x89, 0x5e, 0x04}, 3},
	{"mov $imm32,(%esi)", {0xc7, 0x06, 0x00, 0x00, 0x00, 0x80}, 6},
	{"mov moffs32,%eax (A1)", {0xa1, 0x04, 0x00, 0x03, 0x00}, 5, true, true},
	{"mov %eax,moffs32 (A3)", {0xa3, 0x08, 0x00, 0x03, 0x00}, 5, true, true},
	{"lea 7(%eax,%ebx,2),%eax", {0x8d, 0x44, 0x58, 0x07}, 4},
	{"lea -8(%ebx),%ecx", {0x8d, 0x4b, 0xf8}, 3},
};

/*
 * Every form in `mode`: plain, with REX.W (`wide`, 64-bit operands), or in
 * real mode with 66 67 (32-bit operands and addresses in 16-bit code).
 */
static void check_forms(enum et_mode mode, bool wide)
{
	const char *prefix = wide ? (mode == ET_REAL ? "66 67 " : "REX.W ") : "";

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		for (size_t k = 0; k < sizeof(tails) / sizeof(tails[0]); k++) {
			uint8_t code[32];
			char what[128];
			size_t n = 0;

			if ((tails[k].long_only && mode != ET_LONG64) ||
			    (wide && mode != ET_REAL && forms[i].narrow_only) ||
			    (forms[i].prot_only && mode == ET_LONG64))
				continue;
			/*
			 * Warm the TLB first (every run starts with it flushed), so
			 * the form's own access takes the fast path: mov %ebp,12(%esi);
			 * mov (%esi),%ebp (with 67 in real mode).
			 */
			if (mode == ET_REAL)
				code[n++] = 0x67;
			memcpy(code + n, (const uint8_t[]){0x89, 0x6e, 0x0c}, 3);
			n += 3;
			if (mode == ET_REAL)
				code[n++] = 0x67;
			memcpy(code + n, (const uint8_t[]){0x8b, 0x2e}, 2);
			n += 2;
			if (wide && mode == ET_REAL) {
				code[n++] = 0x66;
				code[n++] = 0x67;
			} else if (wide) {
				code[n++] = 0x48;
			}
			memcpy(code + n, forms[i].bytes, forms[i].len);
			n += forms[i].len;
			memcpy(code + n, tails[k].bytes, tails[k].len);
			n += tails[k].len;
			snprintf(what, sizeof(what), "%s%s, %s", prefix, forms[i].name,
				 tails[k].name);
			check_form(mode, what, code, n);
		}
	}
}

int main(void)
{
	static const uint8_t producers[][3] = {
		{0x01, 0xd8},	    /* add %ebx,%eax */
		{0x29, 0xd8},	    /* sub %ebx,%eax */
		{0x39, 0xd8},	    /* cmp %ebx,%eax */
		{0x85, 0xd8},	    /* test %ebx,%eax */
		{0xff, 0xc8},	    /* dec %eax */
		{0xc1, 0xc0, 0x05}, /* rol $5,%eax */
	};
	static const char *producer_names[] = {"add", "sub", "cmp", "test", "dec", "rol"};

	if (et_init(&et_fast, -1, ET_PROT32) || et_init(&et_generic, -1, ET_PROT32)) {
		ok(0, "emu engine created");
		return tap_done();
	}
	check_forms(ET_PROT32, false);
	check_forms(ET_LONG64, false);
	check_forms(ET_LONG64, true);
	check_forms(ET_REAL, true);
	for (unsigned p = 0; p < 6; p++) {
		check_jcc(ET_PROT32, producer_names[p], producers[p], p == 5 ? 3 : 2);
		check_jcc(ET_LONG64, producer_names[p], producers[p], p == 5 ? 3 : 2);
	}

	/*
	 * The fault tail, checked against known values: ADD 0xffffffff + 1 sets
	 * CF, ZF, AF and PF; the #SS frame's RFLAGS (RSP + 24) must show them
	 * although the ADD ran in a block whose flags were otherwise dead.
	 */
	{
		struct et *t = &et_fast;
		static const uint8_t code[] = {0x01, 0xd8, 0x48, 0xbd, 0,    0,	   0,	 0,   0, 0,
					       0,    0x80, 0x89, 0x45, 0x00, 0x39, 0xf7, 0xf4};

		int reason, vector;

		setup(t, ET_LONG64, false);
		t->st.gpr[GPR_RAX] = 0xffffffff;
		t->st.gpr[GPR_RBX] = 1;
		et_code(t, code, sizeof(code));
		reason = et_run(t);
		vector = et_vector(t);
		/* SDM 6.15: a non-canonical stack-segment (RBP-based) reference is #SS(0). */
		ok(reason == EXIT_REASON_HLT && vector == 12,
		   "add; faulting store: #SS delivered (vector %d)", vector);
		is_u64(et_stack(t, 24, 8) & 0x8d5, 0x55ull,
		       "add; faulting store: the frame's RFLAGS has ADD's CF ZF AF PF");
	}
	et_free(&et_fast);
	et_free(&et_generic);
	return tap_done();
}
