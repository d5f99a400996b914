/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's decoded-block cache (fetch.c): what runs is always what is
 * in memory now, and faults come at the instruction that causes them, wherever
 * it lies in a block.
 *
 *   - a store into the next instruction of the same block (self-modifying
 *     code; SDM Vol. 3A 11.6: the new bytes are the ones executed);
 *   - a store into a block that ran before, then a branch back to it;
 *   - REP STOSB overwriting code ahead of it;
 *   - a store through a second linear alias of the code's page (the cache is
 *     keyed by physical address);
 *   - a block that runs into CS's limit: the instructions before it run, the
 *     one that crosses it gets #GP(0) at its own RIP;
 *   - an undefined opcode after valid ones: #UD at its RIP;
 *   - an instruction that crosses a page boundary in the middle of a block.
 */
#include "emu_test.h"
#include "tap.h"

#define LE32(v) (uint8_t)(v), (uint8_t)((v) >> 8), (uint8_t)((v) >> 16), (uint8_t)((v) >> 24)

static struct et t;

static void fresh(enum et_mode mode, uint32_t at, const uint8_t *code, size_t n)
{
	et_state(&t, mode);
	memset(&t.exit, 0, sizeof(t.exit));
	memcpy(t.ram + at, code, n);
	t.st.rip = at;
}

static int run(void)
{
	return et_run(&t);
}

int main(void)
{
	int r;

	if (et_init(&t, -1, ET_PROT32)) {
		ok(0, "emu engine created");
		return tap_done();
	}

	{
		/* movb $0x42, ET_CODE+8; mov $1,%eax (imm at +8); hlt */
		static const uint8_t c[] = {
			0xc6, 0x05, LE32(ET_CODE + 8), 0x42, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xf4};

		fresh(ET_PROT32, ET_CODE, c, sizeof(c));
		r = run();
		ok(r == EXIT_REASON_HLT && t.st.gpr[GPR_RAX] == 0x42,
		   "a store into the next instruction of the block: the new one runs (eax %#llx)",
		   (unsigned long long)t.st.gpr[GPR_RAX]);
	}
	{
		/*
		 *  0: mov $2,%ecx
		 *  5: jmp L                (so that a block starts at L)
		 *  7: L: mov $1,%eax       (imm at 8)
		 * 12: dec %ecx
		 * 13: jz out
		 * 15: movb $7, L+1
		 * 22: jmp L
		 * 24: out: hlt
		 */
		static const uint8_t c[] = {0xb9, 0x02, 0,    0,    0,	  0xeb,
					    0x00, 0xb8, 0x01, 0,    0,	  0,
					    0x49, 0x74, 0x09, 0xc6, 0x05, LE32(ET_CODE + 8),
					    0x07, 0xeb, 0xef, 0xf4};

		fresh(ET_PROT32, ET_CODE, c, sizeof(c));
		r = run();
		ok(r == EXIT_REASON_HLT && t.st.gpr[GPR_RAX] == 7 && t.st.rip == ET_CODE + 24,
		   "a store into a block that ran, then a branch back: it runs as rewritten (eax "
		   "%#llx)",
		   (unsigned long long)t.st.gpr[GPR_RAX]);
	}
	{
		/*
		 *  0: mov $ET_CODE+14,%edi; mov $0x90,%al; mov $1,%ecx; rep stosb
		 * 14: hlt (becomes NOP)
		 * 15: mov $5,%ebx; hlt
		 */
		static const uint8_t c[] = {0xbf, LE32(ET_CODE + 14),
					    0xb0, 0x90,
					    0xb9, 1,
					    0,	  0,
					    0,	  0xf3,
					    0xaa, 0xf4,
					    0xbb, 5,
					    0,	  0,
					    0,	  0xf4};

		fresh(ET_PROT32, ET_CODE, c, sizeof(c));
		r = run();
		ok(r == EXIT_REASON_HLT && t.st.rip == ET_CODE + 20 && t.st.gpr[GPR_RBX] == 5,
		   "REP STOSB turns the HLT ahead into a NOP: it is not executed (rip %#llx)",
		   (unsigned long long)t.st.rip);
	}
	{
		/*
		 * Long mode: linear 0x200000 is a second mapping of physical 0.
		 * movb $0x42, 0x200000+ET_CODE+9 (absolute); mov $1,%eax (imm at +9); hlt
		 */
		static const uint8_t c[] = {0xc6, 0x04, 0x25, LE32(0x200000 + ET_CODE + 9),
					    0x42, 0xb8, 0x01, 0x00,
					    0x00, 0x00, 0xf4};

		fresh(ET_LONG64, ET_CODE, c, sizeof(c));
		et_put64(t.ram + ET_PT + 0x2000 + 8, 0x87); /* PD[1]: 2 MiB page at physical 0 */
		r = run();
		ok(r == EXIT_REASON_HLT && t.st.gpr[GPR_RAX] == 0x42,
		   "a store through another linear alias of the code page: seen (eax %#llx)",
		   (unsigned long long)t.st.gpr[GPR_RAX]);
		et_put64(t.ram + ET_PT + 0x2000 + 8, (1ull << 21) | 0x87);
	}
	{
		/* CS limit ET_CODE+5: nop; nop; mov $1,%eax (bytes 2..6) crosses it. */
		static const uint8_t c[] = {0x90, 0x90, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xf4};

		fresh(ET_PROT32, ET_CODE, c, sizeof(c));
		t.st.seg[SEG_CS].limit = ET_CODE + 5;
		t.st.seg[SEG_CS].g = false;
		r = run();
		ok(r == EXIT_REASON_HLT && et_vector(&t) == 13,
		   "an instruction crossing CS's limit in a block: #GP (vector %d)", et_vector(&t));
		is_u64(et_stack(&t, 4, 4), ET_CODE + 2, "...at its own EIP, after the NOPs ran");
		is_u64(et_stack(&t, 0, 4), 0, "...error code 0");
	}
	{
		/* 64-bit: nop; nop; push %es (invalid in 64-bit mode) */
		static const uint8_t c[] = {0x90, 0x90, 0x06, 0xf4};

		fresh(ET_LONG64, ET_CODE, c, sizeof(c));
		r = run();
		ok(r == EXIT_REASON_HLT && et_vector(&t) == 6,
		   "an undefined opcode after valid ones: #UD (vector %d)", et_vector(&t));
		is_u64(et_stack(&t, 0, 8), ET_CODE + 2, "...at its own RIP");
	}
	{
		/* nop; nop; mov $0x12345678,%eax across a page boundary; hlt */
		static const uint8_t c[] = {0x90, 0x90, 0xb8, 0x78, 0x56, 0x34, 0x12, 0xf4};
		uint32_t at = ET_CODE + 0xffc;

		fresh(ET_PROT32, at, c, sizeof(c));
		r = run();
		ok(r == EXIT_REASON_HLT && t.st.gpr[GPR_RAX] == 0x12345678 && t.st.rip == at + 7,
		   "an instruction crossing a page in mid-block runs whole (eax %#llx)",
		   (unsigned long long)t.st.gpr[GPR_RAX]);
	}

	et_free(&t);
	return tap_done();
}
