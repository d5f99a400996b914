/* SPDX-License-Identifier: MIT */
/*
 * A vCPU state whose register fields all hold distinct, recognisable values,
 * for tests that move or print a state (test_kvm_state, test_state_dump).
 * MSRs are left zero: a test that needs them fills them itself.
 */
#ifndef VX86_TESTS_STATE_SAMPLE_H
#define VX86_TESTS_STATE_SAMPLE_H

#include <string.h>

#include "vcpu/state.h"

static inline struct vcpu_state state_sample(void)
{
	struct vcpu_state st;

	memset(&st, 0, sizeof(st));
	for (int i = 0; i < GPR_COUNT; i++)
		st.gpr[i] = 0x0101010101010101ull * (uint64_t)(i + 1);
	st.rip = 0xfffff00012345678ull;
	st.rflags = 0x246;
	for (int i = 0; i < SEG_COUNT; i++)
		st.seg[i] = (struct segment){.selector = (uint16_t)(0x8 * (i + 1)),
					     .base = 0x1000ull * (i + 1),
					     .limit = 0xfffffu + (uint32_t)i,
					     .type = (uint8_t)(i + 3),
					     .s = i & 1,
					     .dpl = (uint8_t)(i & 3),
					     .present = true,
					     .avl = i == SEG_SS,
					     .l = i == SEG_CS,
					     .db = i != SEG_CS,
					     .g = i & 1,
					     .unusable = i == SEG_LDTR};
	st.gdt = (struct dtable){0x8000, 0x2f};
	st.idt = (struct dtable){0x9000, 0x1ff};
	st.cr0 = 0x80000011;
	st.cr2 = 0xdead000;
	st.cr3 = 0x9018;
	st.cr4 = 0x6a0;
	st.cr8 = 5;
	st.efer = 0xd01;
	st.xcr0 = 7;
	for (int i = 0; i < 4; i++) {
		st.dr[i] = 0x1000ull * (uint64_t)(i + 1);
		st.pdpte[i] = 0x20001ull + 0x1000ull * (uint64_t)i;
	}
	st.dr6 = 0xffff0ff1;
	st.dr7 = 0xdddd0700;
	return st;
}

#endif
