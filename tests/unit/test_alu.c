/* SPDX-License-Identifier: MIT */
/*
 * engine/emu/alu.c against the host CPU: every integer ALU, shift, rotate,
 * multiply, divide, bit and BCD instruction, for every operand size, run both
 * natively (alu_native.h) and through vx86's model, eager and lazy, over edge-
 * biased random operands (exhaustively where cheap: 8-bit ALU operations,
 * MUL and shifts, DAA..AAS over all of AX) with random input status flags.
 * One TAP point per (operation, size), the first mismatches as diagnostics.
 *
 * The rule, on every host: a point fails when vx86 (eager or lazy) differs
 * from the host in a result or an RFLAGS bit the SDM defines for that
 * operation and those inputs; the flags and results it leaves undefined
 * (alu_undefined_flags()) are masked. Those vary from CPU to CPU, even within
 * one family (a Zen 3, family 19h model 01h, keeps BSF's undefined flags; the
 * Zen 4, model 11h, that vx86's model follows writes them; alu.h), so a case
 * that differs only there is counted, not failed. A point with none says
 * every flag matched the host; one with some still passes (unless something
 * defined differs too) and prints a "# host-undefined-flags:" diagnostic with
 * the count, the flags, the host's CPUID family and model and the first such
 * case. The difference is measured here, never looked up by CPU model.
 *
 * VX86_ALU_ITERS sets the random cases per (operation, size) (default 50000),
 * VX86_ALU_SEED the seed; VX86_ALU_STRICT_UNDEFINED=1 fails undefined-only
 * differences too, to check vx86's undefined-flag model on a host that is the
 * CPU it follows.
 */
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

#include "alu_native.h"
#include "engine/emu/alu.h"
#include "tap.h"

static uint64_t iters = 50000, seed = 0x5eed0f7ea1c0ffeeull, rng;
static uint64_t rflags_base;  /* the host's RFLAGS with the status bits cleared */
static bool strict_undef;     /* VX86_ALU_STRICT_UNDEFINED=1: undefined-only differences fail */
static char host_cpu[64];     /* "vendor family 0x.. model 0x..", for the diagnostics */
static unsigned undef_points; /* points with host-undefined-flags */
static const unsigned sizes[4] = {1, 2, 4, 8};

/* splitmix64 */
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t vmask(unsigned size)
{
	return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* An operand biased toward the edges: 0, 1, -1, INT_MIN, INT_MAX, powers of two, near them. */
static uint64_t operand(unsigned size)
{
	unsigned w = 8 * size;
	uint64_t m = vmask(size), s = 1ull << (w - 1), p = 1ull << (rnd() % w), k = rnd() % 4;

	switch (rnd() % 16) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return m;
	case 3:
		return s;
	case 4:
		return s - 1;
	case 5:
		return p;
	case 6:
		return (p - 1) & m;
	case 7:
		return (0 - p) & m;
	case 8:
		return (s + k) & m;
	case 9:
		return (s - 1 - k) & m;
	case 10:
		return (m - k) & m;
	case 11:
		return rnd() % 64;
	default:
		return rnd() & m;
	}
}

/* Shift counts: the edges of every width and of the masks, and anything in 0..255. */
static uint64_t count_operand(unsigned size)
{
	static const uint8_t edge[] = {0,  1,  2,  7,  8,  9,  15, 16, 17,
				       18, 31, 32, 33, 63, 64, 65, 255};
	unsigned w = 8 * size;

	switch (rnd() % 4) {
	case 0:
		return edge[rnd() % sizeof(edge)];
	case 1:
		return w - 1 + rnd() % 3;
	case 2:
		return rnd() & 0xff;
	default:
		return rnd() % 66;
	}
}

static uint64_t flags_in(void)
{
	return rflags_base | (rnd() & ALU_STATUS);
}

#define DIAG_LEN 320 /* one case's diagnostic line */

/*
 * One TAP point's tally: cases run, mismatches (the first few shown), and the
 * cases that differ from the host only where the SDM leaves things undefined.
 */
struct tally {
	const char *name;
	unsigned size;
	uint64_t n, bad, de;	   /* cases, mismatches, #DE cases (model and host agreeing) */
	char diag[4][DIAG_LEN];	   /* the first mismatches, shown after the test point */
	uint64_t undef;		   /* undefined-only cases */
	uint64_t undef_fl;	   /* the status flags they differ in */
	bool undef_result;	   /* whether an undefined result differed too */
	char undef_diag[DIAG_LEN]; /* the first of them */
};

/* What one side produced: results (value, high half or remainder) and RFLAGS. */
struct out {
	uint64_t r[2];
	uint64_t fl;
};

#define DE_MARK 0xde00000000000000ull /* out.fl of a #DE: no RFLAGS has these bits */

static uint64_t total_cases;

static void flag_names(uint64_t f, char *buf)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} fl[] = {{ALU_CF, "CF"}, {ALU_PF, "PF"}, {ALU_AF, "AF"},
		  {ALU_ZF, "ZF"}, {ALU_SF, "SF"}, {ALU_OF, "OF"}};

	buf[0] = 0;
	for (unsigned i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (f & fl[i].bit)
			strcat(strcat(buf, " "), fl[i].name);
	if (f & ~(uint64_t)ALU_STATUS)
		strcat(buf, " other");
}

/* A difference: none, only in what the SDM leaves undefined, or in something it defines. */
enum diff {
	DIFF_NONE,
	DIFF_UNDEFINED,
	DIFF_DEFINED
};

/* How m differs from h, `undef` (alu_undefined_flags) saying what the SDM leaves undefined. */
static enum diff differ(const struct out *m, const struct out *h, uint32_t undef)
{
	uint64_t dfl = m->fl ^ h->fl;
	bool dres = m->r[0] != h->r[0] || m->r[1] != h->r[1];

	if ((dfl & ~(uint64_t)(undef & ALU_STATUS)) || (dres && !(undef & ALU_UNDEF_RESULT)))
		return DIFF_DEFINED;
	return dfl || dres ? DIFF_UNDEFINED : DIFF_NONE;
}

/* One case: its inputs, and what the SDM leaves undefined for them (alu_undefined_flags). */
struct tcase {
	const uint64_t *in; /* a, b, c */
	uint64_t fin;	    /* the input RFLAGS */
	uint32_t undef;
};

/*
 * One case as a diagnostic line: the inputs, the host's and vx86's (m's)
 * outputs, and the flags that differ, the SDM-undefined ones apart.
 */
static void show_case(char buf[DIAG_LEN], const struct tally *t, const struct tcase *c,
		      const struct out *m, bool lazy, const struct out *h)
{
	uint64_t dfl = m->fl ^ h->fl, uf = c->undef & ALU_STATUS;
	char def[64], undef[64];

	flag_names(dfl & ~uf, def);
	flag_names(dfl & uf, undef);
	snprintf(buf, DIAG_LEN,
		 "#   %s%s/%u a=%#" PRIx64 " b=%#" PRIx64 " c=%#" PRIx64 " flags=%#" PRIx64
		 ": host %#" PRIx64 ",%#" PRIx64 " flags %#" PRIx64 "; vx86 %#" PRIx64 ",%#" PRIx64
		 " flags %#" PRIx64 "%s%s%s%s\n",
		 lazy ? "lazy " : "", t->name, 8 * t->size, c->in[0], c->in[1], c->in[2], c->fin,
		 h->r[0], h->r[1], h->fl, m->r[0], m->r[1], m->fl, def[0] ? "; differ:" : "", def,
		 undef[0] ? "; differ, SDM-undefined:" : "", undef);
}

/* Adds what one side (eager or lazy) differs in to an undefined-only case's tally. */
static void note_undefined(struct tally *t, const struct out *m, const struct out *h)
{
	t->undef_fl |= (m->fl ^ h->fl) & ALU_STATUS;
	t->undef_result |= m->r[0] != h->r[0] || m->r[1] != h->r[1];
}

/*
 * Compares vx86's eager (e) and lazy (l) outputs with the host's (h) under
 * `undef` (alu_undefined_flags): a difference in anything the SDM defines is a
 * mismatch; one only in what it leaves undefined is counted (a mismatch too
 * under VX86_ALU_STRICT_UNDEFINED=1). Keeps the first of each to show.
 */
static void check(struct tally *t, const uint64_t in[3], uint64_t fin, const struct out *e,
		  const struct out *l, const struct out *h, uint32_t undef)
{
	const struct tcase c = {in, fin, undef};
	enum diff deager = differ(e, h, undef), dlazy = differ(l, h, undef);
	enum diff d = deager > dlazy ? deager : dlazy;
	const struct out *m = dlazy > deager ? l : e; /* the side to show: the worse one */
	bool lazy = m == l && l != e; /* test_misc, without a lazy form, passes e twice */

	t->n++;
	if (d == DIFF_UNDEFINED && strict_undef)
		d = DIFF_DEFINED;
	if (d == DIFF_UNDEFINED) {
		note_undefined(t, e, h);
		note_undefined(t, l, h);
		if (t->undef++ == 0)
			show_case(t->undef_diag, t, &c, m, lazy, h);
	}
	if (d != DIFF_DEFINED) {
		t->de += h->fl == DE_MARK;
		return;
	}
	if (t->bad++ < 4)
		show_case(t->diag[t->bad - 1], t, &c, m, lazy, h);
}

/* What a point's undefined-only cases differ in: flags, results or both. */
static void undefined_what(const struct tally *t, char *buf, size_t n)
{
	char names[64];

	flag_names(t->undef_fl, names);
	if (!t->undef_result)
		snprintf(buf, n, "flags the SDM leaves undefined (%s)", names + 1);
	else if (!names[0])
		snprintf(buf, n, "the result, which the SDM leaves undefined");
	else
		snprintf(buf, n, "flags (%s) and results the SDM leaves undefined", names + 1);
}

/* The host-undefined-flags diagnostic: what differed, how often, on which CPU, the first case. */
static void report_undefined(const struct tally *t)
{
	char what[128];

	undefined_what(t, what, sizeof(what));
	printf("# host-undefined-flags: %" PRIu64 " of %" PRIu64 " cases differ only in %s; this "
	       "host (%s) is not the CPU vx86's undefined-flag model follows; the first:\n%s",
	       t->undef, t->n, what, host_cpu, t->undef_diag);
}

static void report(struct tally *t)
{
	char de[48] = "";

	total_cases += t->n;
	if (t->de)
		snprintf(de, sizeof(de), " (%" PRIu64 " of them #DE)", t->de);
	if (!ok(t->bad == 0, "%s/%u: %" PRIu64 " cases%s, %s as on the host", t->name, 8 * t->size,
		t->n, de, t->undef ? "what the SDM defines" : "results and every flag")) {
		printf("#   %" PRIu64 " mismatches, the first:\n", t->bad);
		for (unsigned i = 0; i < 4 && i < t->bad; i++)
			printf("%s", t->diag[i]);
	}
	if (t->undef) {
		undef_points++;
		report_undefined(t);
	}
}

static unsigned size_index(unsigned size)
{
	return (unsigned)__builtin_ctz(size);
}

/* ---- ADD OR ADC SBB AND SUB XOR CMP TEST NEG NOT INC DEC, and the shifts ---- */

struct bin_case {
	enum alu_op op;
	const char *name;
	nat_bin_fn *nat[4];
};

static const struct bin_case bin_cases[] = {
	{ALU_ADD, "add", NAT_ROW4(add)},
	{ALU_OR, "or", NAT_ROW4(or)},
	{ALU_ADC, "adc", NAT_ROW4(adc)},
	{ALU_SBB, "sbb", NAT_ROW4(sbb)},
	{ALU_AND, "and", NAT_ROW4(and)},
	{ALU_SUB, "sub", NAT_ROW4(sub)},
	{ALU_XOR, "xor", NAT_ROW4(xor)},
	{ALU_CMP, "cmp", NAT_ROW4(cmp)},
	{ALU_TEST, "test", NAT_ROW4(test)},
	{ALU_NEG, "neg", NAT_ROW4(neg)},
	{ALU_NOT, "not", {nat_not8, nat_not16, nat_not32, nat_not64}},
	{ALU_INC, "inc", NAT_ROW4(inc)},
	{ALU_DEC, "dec", NAT_ROW4(dec)},
};

static const struct bin_case shift_cases[] = {
	{ALU_ROL, "rol", NAT_ROW4(rol)}, {ALU_ROR, "ror", NAT_ROW4(ror)},
	{ALU_RCL, "rcl", NAT_ROW4(rcl)}, {ALU_RCR, "rcr", NAT_ROW4(rcr)},
	{ALU_SHL, "shl", NAT_ROW4(shl)}, {ALU_SHR, "shr", NAT_ROW4(shr)},
	{ALU_SAL, "sal", NAT_ROW4(sal)}, {ALU_SAR, "sar", NAT_ROW4(sar)},
};

static void bin_one(struct tally *t, const struct bin_case *bc, bool shift, uint64_t a, uint64_t b)
{
	unsigned size = t->size;
	uint64_t fin = flags_in(), in[3] = {a, b, 0};
	struct out e = {{0, 0}, fin}, l = {{0, 0}, 0}, h = {{0, 0}, fin};
	struct lazy_flags lf;

	if (shift) {
		e.r[0] = alu_shift(bc->op, size, a, b, &e.fl);
		l.r[0] = alu_shift_lazy(&lf, bc->op, size, a, b, (uint32_t)fin);
	} else {
		e.r[0] = alu_binop(bc->op, size, a, b, &e.fl);
		l.r[0] = alu_binop_lazy(&lf, bc->op, size, a, b, (uint32_t)fin);
	}
	l.fl = alu_flags_apply(&lf, fin);
	h.r[0] = bc->nat[size_index(size)](a, b, &h.fl);
	check(t, in, fin, &e, &l, &h, alu_undefined_flags(bc->op, size, a, b, 0));
}

/* 8-bit operands exhaustively (with counts 0..127 for shifts), wider ones at random. */
static void run_bin_cases(const struct bin_case *cases, size_t n, bool shift)
{
	for (size_t i = 0; i < n; i++) {
		for (unsigned s = 0; s < 4; s++) {
			struct tally t = {.name = cases[i].name, .size = sizes[s]};

			if (sizes[s] == 1) {
				for (unsigned v = 0; v < (shift ? 0x8000u : 0x10000u); v++)
					bin_one(&t, &cases[i], shift, v & 0xff, v >> 8);
			}
			for (uint64_t k = 0; k < iters; k++)
				bin_one(&t, &cases[i], shift, operand(sizes[s]),
					shift ? count_operand(sizes[s]) : operand(sizes[s]));
			report(&t);
		}
	}
}

static void test_binops(void)
{
	run_bin_cases(bin_cases, sizeof(bin_cases) / sizeof(bin_cases[0]), false);
}

static void test_shifts(void)
{
	run_bin_cases(shift_cases, sizeof(shift_cases) / sizeof(shift_cases[0]), true);
}

/* ---- SHLD SHRD ---- */

static void test_shd(void)
{
	static nat_shd_fn *const nat[2][4] = {{NULL, nat_shld16, nat_shld32, nat_shld64},
					      {NULL, nat_shrd16, nat_shrd32, nat_shrd64}};
	static const enum alu_op ops[2] = {ALU_SHLD, ALU_SHRD};

	for (unsigned o = 0; o < 2; o++) {
		for (unsigned s = 1; s < 4; s++) {
			struct tally t = {.name = o ? "shrd" : "shld", .size = sizes[s]};

			for (uint64_t k = 0; k < 2 * iters; k++) {
				uint64_t d = operand(sizes[s]), src = operand(sizes[s]);
				uint64_t c = count_operand(sizes[s]), fin = flags_in();
				uint64_t in[3] = {d, src, c};
				struct out e = {{0, 0}, fin}, l = {{0, 0}, 0}, h = {{0, 0}, fin};
				struct lazy_flags lf;

				e.r[0] = alu_shd(ops[o], sizes[s], d, src, c, &e.fl);
				l.r[0] = alu_shd_lazy(&lf, ops[o], sizes[s], d, src, c);
				l.fl = alu_flags_apply(&lf, fin);
				h.r[0] = nat[o][s](d, src, c, &h.fl);
				check(&t, in, fin, &e, &l, &h,
				      alu_undefined_flags(ops[o], sizes[s], d, src, c));
			}
			report(&t);
		}
	}
}

/* ---- MUL IMUL ---- */

static void mul_one(struct tally *t, enum alu_op op, nat_mul_fn *nat, nat_bin_fn *nat2, uint64_t a,
		    uint64_t b)
{
	unsigned size = t->size;
	uint64_t fin = flags_in(), in[3] = {a, b, 0}, hi = 0;
	struct out e = {{0, 0}, fin}, l = {{0, 0}, 0}, h = {{0, 0}, fin};
	struct lazy_flags lf;

	e.r[0] = alu_mul(op, size, a, b, op == ALU_IMUL ? NULL : &e.r[1], &e.fl);
	l.r[0] = alu_mul_lazy(&lf, op, size, a, b, &hi);
	l.r[1] = op == ALU_IMUL ? 0 : hi;
	l.fl = alu_flags_apply(&lf, fin);
	if (nat)
		h.r[0] = nat(a, b, &h.r[1], &h.fl);
	else
		h.r[0] = nat2(a, b, &h.fl);
	check(t, in, fin, &e, &l, &h, alu_undefined_flags(op, size, a, b, 0));
}

static void test_mul(void)
{
	static nat_mul_fn *const nat[2][4] = {
		{nat_mul8, nat_mul16, nat_mul32, nat_mul64},
		{nat_imul1_8, nat_imul1_16, nat_imul1_32, nat_imul1_64}};
	static nat_bin_fn *const nat2[4] = NAT_ROW3(imul);
	static const enum alu_op ops[3] = {ALU_MUL, ALU_IMUL1, ALU_IMUL};
	static const char *const name[3] = {"mul", "imul1", "imul2"};

	for (unsigned o = 0; o < 3; o++) {
		enum alu_op op = ops[o];

		for (unsigned s = o == 2; s < 4; s++) { /* no 8-bit two-operand IMUL */
			struct tally t = {.name = name[o], .size = sizes[s]};

			for (unsigned v = 0; sizes[s] == 1 && v < 0x10000; v++)
				mul_one(&t, op, nat[o][s], NULL, v & 0xff, v >> 8);
			for (uint64_t k = 0; k < iters; k++)
				mul_one(&t, op, o < 2 ? nat[o][s] : NULL, nat2[s],
					operand(sizes[s]), operand(sizes[s]));
			report(&t);
		}
	}
}

#define IMUL3_ROW(n)                                                                               \
	{                                                                                          \
		nat_imul3_16_##n, nat_imul3_32_##n, nat_imul3_64_##n                               \
	}

/* Three-operand IMUL: dst := src * imm, the immediate sign-extended (SDM IMUL). */
static void test_imul3(void)
{
	static nat_bin_fn *const nat[NAT_NIMM][3] = {IMUL3_ROW(0), IMUL3_ROW(1), IMUL3_ROW(2),
						     IMUL3_ROW(3), IMUL3_ROW(4), IMUL3_ROW(5),
						     IMUL3_ROW(6), IMUL3_ROW(7)};
	static const int32_t imm[NAT_NIMM] = {NAT_IMM_0, NAT_IMM_1, NAT_IMM_2, NAT_IMM_3,
					      NAT_IMM_4, NAT_IMM_5, NAT_IMM_6, NAT_IMM_7};

	for (unsigned s = 1; s < 4; s++) {
		struct tally t = {.name = "imul3", .size = sizes[s]};

		for (uint64_t k = 0; k < iters; k++) {
			unsigned i = (unsigned)(k % NAT_NIMM);
			/* imm16 for 16-bit operands, imm32 sign-extended otherwise */
			uint64_t b = sizes[s] == 2 ? (uint64_t)(int64_t)(int16_t)imm[i]
						   : (uint64_t)(int64_t)imm[i];
			mul_one(&t, ALU_IMUL, NULL, nat[i][s - 1], operand(sizes[s]), b);
		}
		report(&t);
	}
}

/* ---- DIV IDIV ---- */

static sigjmp_buf fpe_env;

/* #DE (SIGFPE), or SIGSEGV from a missing 32-bit code segment: back to the sigsetjmp. */
static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(fpe_env, 1);
}

/* The host's DIV/IDIV, with #DE (SIGFPE) as DE_MARK. */
static void host_div(nat_div_fn *fn, uint64_t hi, uint64_t lo, uint64_t d, struct out *h)
{
	static volatile uint64_t vhi, vlo;

	vhi = hi;
	vlo = lo;
	if (sigsetjmp(fpe_env, 0)) {
		h->r[0] = h->r[1] = 0;
		h->fl = DE_MARK;
		return;
	}
	hi = vhi;
	lo = vlo;
	fn(&hi, &lo, d, &h->fl);
	h->r[0] = lo;
	h->r[1] = hi;
}

/* A dividend: random, zero-/sign-extended, or below the divisor so the quotient fits. */
static void dividend(unsigned size, uint64_t d, uint64_t *hi, uint64_t *lo)
{
	uint64_t m = vmask(size);

	*lo = operand(size);
	switch (rnd() % 4) {
	case 0:
		*hi = operand(size);
		break;
	case 1:
		*hi = (*lo >> (8 * size - 1)) & 1 ? m : 0;
		break;
	case 2:
		*hi = d ? rnd() % d : 0;
		break;
	default:
		*hi = 0;
		break;
	}
}

static void div_one(struct tally *t, enum alu_op op, nat_div_fn *nat)
{
	unsigned size = t->size;
	uint64_t d = operand(size), hi, lo, fin = flags_in(), in[3];
	struct out e = {{0, 0}, fin}, l = {{0, 0}, 0}, h = {{0, 0}, fin};
	struct lazy_flags lf;

	dividend(size, d, &hi, &lo);
	in[0] = hi, in[1] = lo, in[2] = d;
	if (alu_div(op, size, hi, lo, d, &e.r[0], &e.r[1], &e.fl) != ALU_OK)
		e.fl = DE_MARK;
	l.fl = DE_MARK;
	if (alu_div_lazy(&lf, op, size, hi, lo, d, &l.r[0], &l.r[1]) == ALU_OK)
		l.fl = alu_flags_apply(&lf, fin);
	host_div(nat, hi, lo, d, &h);
	check(t, in, fin, &e, &l, &h, h.fl == DE_MARK ? 0 : alu_undefined_flags(op, size, 0, 0, 0));
}

static void test_div(void)
{
	static nat_div_fn *const nat[2][4] = {{nat_div8, nat_div16, nat_div32, nat_div64},
					      {nat_idiv8, nat_idiv16, nat_idiv32, nat_idiv64}};
	struct sigaction sa = {.sa_handler = on_fault, .sa_flags = SA_NODEFER}, old;

	sigaction(SIGFPE, &sa, &old);
	for (unsigned o = 0; o < 2; o++) {
		for (unsigned s = 0; s < 4; s++) {
			struct tally t = {.name = o ? "idiv" : "div", .size = sizes[s]};

			for (uint64_t k = 0; k < iters; k++)
				div_one(&t, o ? ALU_IDIV : ALU_DIV, nat[o][s]);
			report(&t);
		}
	}
	sigaction(SIGFPE, &old, NULL);
}

/* ---- BT BTS BTR BTC, BSF BSR TZCNT LZCNT POPCNT ---- */

static const struct bin_case bit_cases[] = {
	{ALU_BT, "bt", NAT_ROW3(bt)},
	{ALU_BTS, "bts", NAT_ROW3(bts)},
	{ALU_BTR, "btr", NAT_ROW3(btr)},
	{ALU_BTC, "btc", NAT_ROW3(btc)},
	{ALU_BSF, "bsf", NAT_ROW3(bsf)},
	{ALU_BSR, "bsr", NAT_ROW3(bsr)},
	{ALU_TZCNT, "tzcnt", NAT_ROW3(tzcnt)},
	{ALU_LZCNT, "lzcnt", NAT_ROW3(lzcnt)},
	{ALU_POPCNT, "popcnt", NAT_ROW3(popcnt)},
};

/* a: the value (BT*) or the destination's old value (scans); b: the offset or the source. */
static void bit_one(struct tally *t, const struct bin_case *bc, uint64_t a, uint64_t b)
{
	unsigned size = t->size;
	uint64_t fin = flags_in(), in[3] = {a, b, 0}, m = vmask(size);
	struct out e = {{a & m, 0}, fin}, l = {{a & m, 0}, 0}, h = {{0, 0}, fin};
	struct lazy_flags lf;

	if (bc->op <= ALU_BTC) {
		e.r[0] = alu_bt(bc->op, size, a, b, &e.fl);
		l.r[0] = alu_bt_lazy(&lf, bc->op, size, a, b);
	} else {
		alu_bitscan(bc->op, size, b, &e.r[0], &e.fl);
		alu_bitscan_lazy(&lf, bc->op, size, b, &l.r[0]);
	}
	l.fl = alu_flags_apply(&lf, fin);
	h.r[0] = bc->nat[size_index(size)](a, b, &h.fl);
	check(t, in, fin, &e, &l, &h, alu_undefined_flags(bc->op, size, a, b, 0));
}

static void test_bits(void)
{
	for (size_t i = 0; i < sizeof(bit_cases) / sizeof(bit_cases[0]); i++) {
		for (unsigned s = 1; s < 4; s++) {
			struct tally t = {.name = bit_cases[i].name, .size = sizes[s]};

			for (uint64_t k = 0; k < iters; k++)
				bit_one(&t, &bit_cases[i], operand(sizes[s]),
					bit_cases[i].op <= ALU_BTC ? count_operand(sizes[s])
								   : operand(sizes[s]));
			report(&t);
		}
	}
}

/* ---- BSWAP, CBW..CDQE, CWD..CQO: no flags ---- */

static void test_misc(void)
{
	static nat_bin_fn *const bswap[4] = {NULL, nat_bswap16, nat_bswap32, nat_bswap64};
	static void (*const ext[2][4])(uint64_t, uint64_t[2]) = {
		{NULL, nat_cbw, nat_cwde, nat_cdqe}, {NULL, nat_cwd, nat_cdq, nat_cqo}};
	static const char *const ext_name[2][4] = {{NULL, "cbw", "cwde", "cdqe"},
						   {NULL, "cwd", "cdq", "cqo"}};

	for (unsigned s = 1; s < 4; s++) {
		struct tally t = {.name = "bswap", .size = sizes[s]};

		for (uint64_t k = 0; k < iters; k++) {
			uint64_t a = operand(sizes[s]), fin = flags_in(), in[3] = {a, 0, 0};
			struct out e = {{alu_bswap(sizes[s], a), 0}, fin}, h = {{0, 0}, fin};

			h.r[0] = bswap[s](a, 0, &h.fl) & vmask(sizes[s]);
			check(&t, in, fin, &e, &e, &h, sizes[s] == 2 ? ALU_UNDEF_RESULT : 0);
		}
		report(&t);
	}
	for (unsigned x = 0; x < 2; x++) {
		for (unsigned s = 1; s < 4; s++) {
			struct tally t = {.name = ext_name[x][s], .size = sizes[s]};

			for (uint64_t k = 0; k < iters; k++) {
				uint64_t a = rnd() & 1 ? operand(8) : operand(sizes[s] / 2);
				uint64_t hr[2], in[3] = {a, 0, 0}, m = vmask(sizes[s]);
				struct out e = {{x ? a & m : alu_cbw(sizes[s], a), 0}, 0}, h;

				if (x)
					e.r[1] = alu_cwd(sizes[s], a);
				ext[x][s](a, hr);
				h = (struct out){{hr[0] & m, x ? hr[1] & m : 0}, 0};
				check(&t, in, 0, &e, &e, &h, 0);
			}
			report(&t);
		}
	}
}

/* ---- DAA DAS AAA AAS AAM AAD, natively in compatibility mode ---- */

/* The host's BCD instruction; AAM 0 raises #DE (SIGFPE) in compatibility mode. */
static void host_bcd(struct nat_bcd *nb, enum alu_op op, uint16_t ax, uint8_t imm, struct out *h)
{
	if (sigsetjmp(fpe_env, 0)) {
		h->r[0] = 0;
		h->fl = DE_MARK;
		return;
	}
	h->r[0] = nat_bcd(nb, (int)(op - ALU_DAA), ax, imm, &h->fl);
}

static void bcd_one(struct tally *t, struct nat_bcd *nb, enum alu_op op, uint16_t ax, uint8_t imm,
		    uint64_t fin)
{
	uint64_t in[3] = {ax, imm, 0};
	uint16_t eo = 0, lo = 0;
	struct out e = {{0, 0}, fin}, l = {{0, 0}, DE_MARK}, h = {{0, 0}, fin};
	struct lazy_flags lf;

	if (alu_bcd(op, ax, imm, &eo, &e.fl) != ALU_OK)
		e.fl = DE_MARK;
	if (alu_bcd_lazy(&lf, op, ax, imm, (uint32_t)fin, &lo) == ALU_OK)
		l.fl = alu_flags_apply(&lf, fin);
	e.r[0] = eo;
	l.r[0] = lo;
	host_bcd(nb, op, ax, imm, &h);
	check(t, in, fin, &e, &l, &h, h.fl == DE_MARK ? 0 : alu_undefined_flags(op, 2, ax, imm, 0));
}

/* Whether DAA runs in compatibility mode here (a kernel without IA-32 emulation faults). */
static bool bcd_host_works(struct nat_bcd *nb)
{
	static char altstack[64 * 1024];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)}, old_ss;
	struct sigaction sa = {.sa_handler = on_fault, .sa_flags = SA_NODEFER | SA_ONSTACK}, old;
	volatile bool works = false;
	uint64_t fl = rflags_base;

	if (nat_bcd_init(nb))
		return false;
	sigaltstack(&ss, &old_ss);
	sigaction(SIGSEGV, &sa, &old);
	if (!sigsetjmp(fpe_env, 0))
		works = nat_bcd(nb, 0, 0x9a, 0, &fl) == 0x00 && (fl & ALU_CF);
	sigaction(SIGSEGV, &old, NULL);
	sigaltstack(&old_ss, NULL);
	return works;
}

/* The six status flags from a 6-bit number, bit i to the i-th of CF PF AF ZF SF OF. */
static uint64_t status_bits(unsigned st)
{
	static const uint32_t bit[6] = {ALU_CF, ALU_PF, ALU_AF, ALU_ZF, ALU_SF, ALU_OF};
	uint64_t f = 0;

	for (unsigned i = 0; i < 6; i++)
		if (st & (1u << i))
			f |= bit[i];
	return f;
}

/*
 * DAA DAS AAA AAS: every AX with every CF/AF input, the other flags at random,
 * and every AL with all 64 flag combinations; AAM AAD: every AL and base (AAM
 * 0 is #DE on both sides), AH and the flags at random.
 */
static void test_bcd(void)
{
	static const char *const name[] = {"daa", "das", "aaa", "aas", "aam", "aad"};
	static struct nat_bcd nb;
	/* #DE arrives on the 32-bit stub's stack: handle it on a stack of our own */
	static char altstack[64 * 1024];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)}, old_ss;
	struct sigaction sa = {.sa_handler = on_fault, .sa_flags = SA_NODEFER | SA_ONSTACK}, old;

	if (!bcd_host_works(&nb)) {
		ok(1,
		   "# SKIP DAA..AAD: no 32-bit user code segment on this host (SDM vectors only)");
		return;
	}
	sigaltstack(&ss, &old_ss);
	sigaction(SIGFPE, &sa, &old);
	for (unsigned o = 0; o < 6; o++) {
		struct tally t = {.name = name[o], .size = 1};
		enum alu_op op = (enum alu_op)(ALU_DAA + o);

		for (unsigned v = 0; o < 4 && v < 0x40000; v++)
			bcd_one(&t, &nb, op, (uint16_t)v, 0,
				(flags_in() & ~(uint64_t)(ALU_CF | ALU_AF)) |
					(v & 0x10000 ? ALU_CF : 0) | (v & 0x20000 ? ALU_AF : 0));
		for (unsigned v = 0; o < 4 && v < 0x4000; v++)
			bcd_one(&t, &nb, op, (uint16_t)((rnd() & 0xff00) | (v & 0xff)), 0,
				rflags_base | status_bits(v >> 8));
		for (unsigned v = 0; o >= 4 && v < 0x10000; v++)
			bcd_one(&t, &nb, op, (uint16_t)((rnd() & 0xff00) | (v & 0xff)),
				(uint8_t)(v >> 8), flags_in());
		report(&t);
	}
	sigaction(SIGFPE, &old, NULL);
	sigaltstack(&old_ss, NULL);
}

/* ---- Fixed vectors: SDM examples and the defined flags, on any host ---- */

#define CF  ALU_CF
#define PF  ALU_PF
#define AF  ALU_AF
#define ZF  ALU_ZF
#define SF  ALU_SF
#define OF  ALU_OF
#define ALL ALU_STATUS

struct vec {
	const char *what;
	enum alu_op op;
	unsigned size;
	uint64_t a, b, c; /* operands; for shifts b is the count, for SHLD/SHRD c */
	uint32_t fin;	  /* input status flags */
	uint64_t want;	  /* result */
	uint32_t flags;	  /* expected status flags, compared under `mask` */
	uint32_t mask;	  /* the flags the SDM defines for this case */
};

static const struct vec vecs[] = {
	{"add 7f+1 overflows", ALU_ADD, 1, 0x7f, 1, 0, 0, 0x80, OF | SF | AF, ALL},
	{"add ff+1 carries", ALU_ADD, 1, 0xff, 1, 0, 0, 0, CF | ZF | AF | PF, ALL},
	{"adc adds CF", ALU_ADC, 4, 0xffffffff, 0, 0, CF, 0, CF | ZF | AF | PF, ALL},
	{"sbb subtracts CF", ALU_SBB, 2, 0, 0, 0, CF, 0xffff, CF | SF | AF | PF, ALL},
	{"sbb without CF", ALU_SBB, 2, 5, 5, 0, 0, 0, ZF | PF, ALL},
	{"sub INT_MIN-1 overflows", ALU_SUB, 8, 1ull << 63, 1, 0, 0, ~0ull >> 1, OF | AF | PF, ALL},
	{"cmp writes nothing", ALU_CMP, 4, 3, 5, 0, 0, 3, CF | SF | AF, ALL},
	{"and clears CF OF", ALU_AND, 1, 0xf0, 0x80, 0, CF | OF, 0x80, SF, ALL & ~AF},
	{"neg 80 overflows", ALU_NEG, 1, 0x80, 0, 0, 0, 0x80, CF | OF | SF, ALL},
	{"neg 0 clears CF", ALU_NEG, 4, 0, 0, 0, CF, 0, ZF | PF, ALL},
	{"not writes no flag", ALU_NOT, 2, 0x00ff, 0, 0, ALL, 0xff00, ALL, ALL},
	/* INC and DEC keep CF, also where ADD/SUB 1 would carry or borrow the other way */
	{"inc keeps CF=1", ALU_INC, 1, 0, 0, 0, CF, 1, CF, ALL},
	{"inc ff keeps CF=0", ALU_INC, 1, 0xff, 0, 0, 0, 0, ZF | AF | PF, ALL},
	{"dec keeps CF=0", ALU_DEC, 2, 0, 0, 0, 0, 0xffff, SF | AF | PF, ALL},
	{"dec 8000 keeps CF=1", ALU_DEC, 2, 0x8000, 0, 0, CF, 0x7fff, CF | OF | AF | PF, ALL},
	{"shl 1: OF = MSB ^ CF", ALU_SHL, 1, 0x40, 1, 0, 0, 0x80, OF | SF, ALL & ~AF},
	{"shr 1: OF = MSB(src)", ALU_SHR, 1, 0x80, 1, 0, 0, 0x40, OF, ALL & ~AF},
	{"sar 1: OF = 0", ALU_SAR, 1, 0x81, 1, 0, OF, 0xc0, CF | SF | PF, ALL & ~AF},
	{"sar 4 keeps the sign", ALU_SAR, 2, 0x8000, 4, 0, 0, 0xf800, SF | PF, ALL & ~AF & ~OF},
	{"shl count 0: no flag", ALU_SHL, 4, 1, 0, 0, ALL, 1, ALL, ALL},
	{"shl 64-bit count 64 masks to 0", ALU_SHL, 8, 1, 64, 0, ZF, 1, ZF, ALL},
	{"shr 32-bit count 33 masks to 1", ALU_SHR, 4, 3, 33, 0, 0, 1, CF, ALL & ~AF & ~OF},
	{"rol 1", ALU_ROL, 1, 0x80, 1, 0, 0, 0x01, CF | OF, CF | OF},
	{"rol keeps SF ZF AF PF", ALU_ROL, 1, 0x80, 1, 0, ZF | SF | AF | PF, 0x01,
	 ZF | SF | AF | PF, ZF | SF | AF | PF},
	{"ror 1: OF = MSB ^ MSB-1", ALU_ROR, 2, 1, 1, 0, 0, 0x8000, CF | OF, CF | OF},
	{"rcl 1 with CF", ALU_RCL, 1, 0x80, 1, 0, CF, 0x01, CF | OF, CF | OF},
	{"rcr 1: OF = MSB ^ CF before", ALU_RCR, 1, 0x01, 1, 0, CF, 0x80, CF | OF, CF | OF},
	{"rcl 8-bit count 9 = no rotation", ALU_RCL, 1, 0x5a, 9, 0, CF, 0x5a, CF, CF},
	{"rcr 16-bit count 17 = no rotation", ALU_RCR, 2, 0x1234, 17, 0, 0, 0x1234, 0, CF},
	{"rcr 32-bit count 33 is 1", ALU_RCR, 4, 1, 33, 0, OF, 0, CF, CF | OF},
	{"shld 4", ALU_SHLD, 4, 0x12345678, 0x9abcdef0, 4, 0, 0x23456789, CF, CF | ZF | SF | PF},
	{"shrd 8", ALU_SHRD, 8, 0x1122334455667788, 0xaa, 8, 0, 0xaa11223344556677, SF | CF | PF,
	 CF | ZF | SF | PF},
	{"shld count 0: no flag", ALU_SHLD, 2, 0x1234, 0xffff, 32, ALL, 0x1234, ALL, ALL},
	{"mul 10*10 sets CF OF", ALU_MUL, 1, 0x10, 0x10, 0, 0, 0x100, CF | OF, CF | OF},
	{"imul 100h*80h truncates", ALU_IMUL, 2, 0x100, 0x80, 0, 0, 0x8000, CF | OF, CF | OF},
	{"imul -1*-1 fits", ALU_IMUL, 8, ~0ull, ~0ull, 0, CF | OF, 1, 0, CF | OF},
	{"bt 35 is bit 3", ALU_BT, 4, 0x8, 35, 0, 0, 0x8, CF, CF | ZF},
	{"btr clears", ALU_BTR, 8, ~0ull, 63, 0, 0, ~0ull >> 1, CF, CF},
	{"bts sets", ALU_BTS, 2, 0, 15, 0, CF, 0x8000, 0, CF},
	{"bsf 0: ZF, destination kept", ALU_BSF, 4, 0x77, 0, 0, 0, 0x77, ZF, ZF},
	{"bsr", ALU_BSR, 8, 0, 0x8000000000000001, 0, ZF, 63, 0, ZF},
	{"tzcnt 0 = width, CF", ALU_TZCNT, 2, 0, 0, 0, ZF, 16, CF, CF | ZF},
	{"lzcnt 1 = 63", ALU_LZCNT, 8, 0, 1, 0, CF | ZF, 63, 0, CF | ZF},
	{"lzcnt top bit: ZF", ALU_LZCNT, 4, 0, 0x80000000, 0, 0, 0, ZF, CF | ZF},
	{"popcnt 0: ZF only", ALU_POPCNT, 4, 0, 0, 0, ALL, 0, ZF, ALL},
	{"popcnt", ALU_POPCNT, 8, 0, ~0ull, 0, ALL, 64, 0, ALL},
	/* SDM DAA/DAS examples: 79H + 35H = AEH, DAA = 14H CF AF; 35H - 47H = EEH, DAS = 88H */
	{"daa SDM example", ALU_DAA, 2, 0xae, 0, 0, SF, 0x14, CF | AF | PF, ALL & ~OF},
	{"das SDM example", ALU_DAS, 2, 0xee, 0, 0, CF | AF | PF | SF, 0x88, CF | AF | PF | SF,
	 ALL & ~OF},
	{"aaa carries into AH", ALU_AAA, 2, 0x000b, 0, 0, 0, 0x0101, CF | AF, CF | AF},
	/* SDM AAS: AX := AX - 6 (AL < 6 borrows from AH) and AH := AH - 1 */
	{"aas AX-6 then AH-1", ALU_AAS, 2, 0x0205, 0, 0, AF, 0x000f, CF | AF, CF | AF},
	{"aas without a borrow", ALU_AAS, 2, 0x0207, 0, 0, 0, 0x0207, 0, CF | AF},
	{"aam 10", ALU_AAM, 2, 0x003f, 10, 0, 0, 0x0603, PF, ZF | SF | PF},
	{"aad 10", ALU_AAD, 2, 0x0603, 10, 0, 0, 0x003f, PF, ZF | SF | PF},
	{"aad 0: AL kept, AH cleared", ALU_AAD, 2, 0x0642, 0, 0, 0, 0x0042, PF, ZF | SF | PF},
};

/* Runs one operation through the eager API, whatever its family. */
static uint64_t run_model(const struct vec *v, uint64_t *fl)
{
	uint64_t hi = 0, r = v->a;
	uint16_t ax = 0;

	switch (v->op) {
	case ALU_ROL:
	case ALU_ROR:
	case ALU_RCL:
	case ALU_RCR:
	case ALU_SHL:
	case ALU_SHR:
	case ALU_SAL:
	case ALU_SAR:
		return alu_shift(v->op, v->size, v->a, v->b, fl);
	case ALU_SHLD:
	case ALU_SHRD:
		return alu_shd(v->op, v->size, v->a, v->b, v->c, fl);
	case ALU_MUL:
	case ALU_IMUL1:
	case ALU_IMUL:
		r = alu_mul(v->op, v->size, v->a, v->b, &hi, fl);
		return v->op == ALU_IMUL || v->size == 8 ? r : r | hi << (8 * v->size);
	case ALU_BT:
	case ALU_BTS:
	case ALU_BTR:
	case ALU_BTC:
		return alu_bt(v->op, v->size, v->a, v->b, fl);
	case ALU_BSF:
	case ALU_BSR:
	case ALU_TZCNT:
	case ALU_LZCNT:
	case ALU_POPCNT:
		alu_bitscan(v->op, v->size, v->b, &r, fl);
		return r;
	case ALU_DAA:
	case ALU_DAS:
	case ALU_AAA:
	case ALU_AAS:
	case ALU_AAM:
	case ALU_AAD:
		alu_bcd(v->op, (uint16_t)v->a, (uint8_t)v->b, &ax, fl);
		return ax;
	default:
		return alu_binop(v->op, v->size, v->a, v->b, fl);
	}
}

static void test_vectors(void)
{
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		uint64_t fl = rflags_base | v->fin, r = run_model(v, &fl);

		if (!ok(r == v->want && ((fl ^ v->flags) & v->mask) == 0 &&
				(fl & ~(uint64_t)ALU_STATUS) == rflags_base,
			"%s (%u-bit)", v->what, 8 * v->size))
			printf("#   got %#" PRIx64 " flags %#" PRIx64 ", want %#" PRIx64
			       " flags %#x under %#x\n",
			       r, fl & ALU_STATUS, v->want, v->flags, v->mask);
	}
}

/* ---- #DE: deterministic cases, and "nothing written" ---- */

static void test_de_cases(void)
{
	for (unsigned s = 0; s < 4; s++) {
		unsigned size = sizes[s], w = 8 * size;
		uint64_t m = vmask(size), sign = 1ull << (w - 1), q = 0x1111, r = 0x2222;
		uint64_t fl = rflags_base | ALU_STATUS;

		ok(alu_div(ALU_DIV, size, 0, 5, 0, &q, &r, &fl) == ALU_DE, "div/%u by 0 is #DE", w);
		ok(alu_div(ALU_IDIV, size, 0, 5, 0, &q, &r, &fl) == ALU_DE, "idiv/%u by 0 is #DE",
		   w);
		ok(alu_div(ALU_DIV, size, 1, 0, 1, &q, &r, &fl) == ALU_DE,
		   "div/%u: quotient 2^%u is #DE", w, w);
		ok(alu_div(ALU_DIV, size, 4, 0, 4, &q, &r, &fl) == ALU_DE,
		   "div/%u: high half == divisor is #DE", w);
		ok(alu_div(ALU_IDIV, size, m, sign, m, &q, &r, &fl) == ALU_DE,
		   "idiv/%u: INT_MIN / -1 is #DE", w);
		ok(alu_div(ALU_IDIV, size, 0, sign, 1, &q, &r, &fl) == ALU_DE,
		   "idiv/%u: +2^%u / 1 is #DE", w, w - 1);
		ok(q == 0x1111 && r == 0x2222 && fl == (rflags_base | ALU_STATUS),
		   "div/%u: a #DE writes no result and no flag", w);
		ok(alu_div(ALU_IDIV, size, m, sign, 1, &q, &r, &fl) == ALU_OK && q == sign &&
			   r == 0,
		   "idiv/%u: INT_MIN / 1 = INT_MIN", w);
		/* -(2^w - 1) / -2 = 2^(w-1) - 1 rem -1: the largest positive quotient */
		ok(alu_div(ALU_IDIV, size, m, 1, m - 1, &q, &r, &fl) == ALU_OK && q == sign - 1 &&
			   r == m,
		   "idiv/%u: -(2^%u - 1) / -2 = INT_MAX rem -1", w, w);
		ok(alu_div(ALU_IDIV, size, m, 0, m, &q, &r, &fl) == ALU_DE,
		   "idiv/%u: -2^%u / -1 is #DE", w, w);
	}
	for (unsigned st = 0; st < 64; st += 63) {
		uint16_t ax = 0x1234;
		uint64_t fl = rflags_base | status_bits(st);

		ok(alu_bcd(ALU_AAM, 0x0042, 0, &ax, &fl) == ALU_DE && ax == 0x1234 &&
			   fl == (rflags_base | status_bits(st)),
		   "aam 0 is #DE and writes nothing (flags %#x)", st ? ALU_STATUS : 0);
	}
}

/*
 * The host's CPUID vendor and display family and model (SDM Vol. 2A, CPUID
 * leaf 01H: the extended family counts when the family is 0FH, the extended
 * model when it is 06H or 0FH; the AMD APM computes them the same way).
 */
static void host_describe(char *buf, size_t n)
{
	unsigned eax = 0, ebx = 0, ecx = 0, edx = 0, family, model;
	char vendor[13] = "";

	__get_cpuid(0, &eax, &ebx, &ecx, &edx);
	memcpy(vendor, &ebx, 4);
	memcpy(vendor + 4, &edx, 4);
	memcpy(vendor + 8, &ecx, 4);
	__get_cpuid(1, &eax, &ebx, &ecx, &edx);
	family = (eax >> 8) & 0xf;
	model = (eax >> 4) & 0xf;
	if (family == 0x6 || family == 0xf)
		model |= ((eax >> 16) & 0xf) << 4;
	if (family == 0xf)
		family += (eax >> 20) & 0xff;
	snprintf(buf, n, "%s family 0x%x model 0x%x", vendor, family, model);
}

static void setup(void)
{
	const char *env;
	uint64_t fl;

	if ((env = getenv("VX86_ALU_ITERS")) && *env)
		iters = strtoull(env, NULL, 0);
	if ((env = getenv("VX86_ALU_SEED")) && *env)
		seed = strtoull(env, NULL, 0);
	rng = seed;
	strict_undef = (env = getenv("VX86_ALU_STRICT_UNDEFINED")) && *env == '1';
	host_describe(host_cpu, sizeof(host_cpu));
	__asm__ volatile("pushfq\n\tpop %0" : "=r"(fl));
	rflags_base = fl & ~(uint64_t)ALU_STATUS;
	printf("# seed %#" PRIx64 ", %" PRIu64 " random cases per (op, size); host %s; %s\n", seed,
	       iters, host_cpu,
	       strict_undef ? "SDM-undefined flags compared too (VX86_ALU_STRICT_UNDEFINED=1)"
			    : "SDM-undefined flags counted, not compared");
}

int main(void)
{
	setup();
	test_binops();
	test_shifts();
	test_shd();
	test_mul();
	test_imul3();
	test_div();
	test_bits();
	test_misc();
	test_bcd();
	test_vectors();
	test_de_cases();
	printf("# %" PRIu64 " operations compared with the host; %u points with "
	       "host-undefined-flags\n",
	       total_cases, undef_points);
	return tap_done();
}
