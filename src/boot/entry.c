/* SPDX-License-Identifier: MIT */
/*
 * The vCPU state at an image's first instruction: segment registers with their
 * hidden parts, the descriptors vx86 writes for them, and what all modes share.
 * SDM section numbers are those of Vol. 3 before the 2023 renumbering.
 */
#include "loader.h"

#include <string.h>

struct segment seg_real(uint16_t selector, bool code)
{
	/* SDM Vol. 3 20.1.1: in real mode the base is selector * 16, 64 KiB limit. */
	struct segment s = {
		.selector = selector,
		.base = (uint64_t)selector << 4,
		.limit = 0xffff,
		.type = code ? 0xb : 0x3, /* execute/read or read/write, accessed */
		.s = true,
		.present = true,
	};
	return s;
}

struct segment seg_busy_tss(uint8_t type)
{
	/*
	 * VMX (SDM Vol. 3 26.3.1.2) and KVM want a usable TR in every mode: a busy
	 * TSS, 16-bit (type 3) or 32/64-bit (type 0xb). Nothing reads it until the
	 * guest switches tasks or takes a ring transition, by which time it has its own.
	 */
	struct segment s = {
		.limit = 0xffff,
		.type = type,
		.present = true,
	};
	return s;
}

uint64_t gdt_descriptor(const struct segment *s)
{
	/* SDM Vol. 3 3.4.5, Figure 3-8: the fields scattered over the 8 bytes. */
	uint32_t limit = s->g ? s->limit >> 12 : s->limit;
	uint64_t d = limit & 0xffff;

	d |= (s->base & 0xffffff) << 16;
	d |= (uint64_t)(s->type & 0xf) << 40;
	d |= (uint64_t)s->s << 44;
	d |= (uint64_t)(s->dpl & 3) << 45;
	d |= (uint64_t)s->present << 47;
	d |= (uint64_t)((limit >> 16) & 0xf) << 48;
	d |= (uint64_t)s->avl << 52;
	d |= (uint64_t)s->l << 53;
	d |= (uint64_t)s->db << 54;
	d |= (uint64_t)s->g << 55;
	d |= ((s->base >> 24) & 0xff) << 56;
	return d;
}

void gdt_write(struct guest_ram *ram, const struct vcpu_state *st)
{
	uint8_t *p = ram->host + st->gdt.base;

	put_le64(p, 0); /* SDM Vol. 3 3.5.1: entry 0 is the null descriptor */
	put_le64(p + BOOT_SEL_CODE, gdt_descriptor(&st->seg[SEG_CS]));
	put_le64(p + BOOT_SEL_DATA, gdt_descriptor(&st->seg[SEG_DS]));
}

void boot_state_reset(struct vcpu_state *st, uint8_t tss_type)
{
	/* The entry state is registers on top of a RESET vCPU: MSRs keep their power-on values. */
	struct msr_state msr = st->msr;

	memset(st, 0, sizeof(*st));
	st->msr = msr;
	st->rflags = RFLAGS_FIXED; /* IF = 0, VM = 0 (Multiboot 3.2) */
	/* A real-mode IVT at 0, the reset value (SDM Vol. 3 9.1.1, Table 9-1). */
	st->idt.limit = 0x3ff;
	st->seg[SEG_LDTR].unusable = true;
	st->seg[SEG_TR] = seg_busy_tss(tss_type);
	/*
	 * Bits that read as fixed values on every CPU: DR6 and DR7 reserved bits
	 * (SDM Vol. 3 17.2.3, 17.2.4) and XCR0.x87, which is always 1 (SDM Vol. 1 13.3).
	 */
	st->dr6 = 0xffff0ff0;
	st->dr7 = 0x400;
	st->xcr0 = 1;
}

void boot_state_prot32(struct vcpu_state *st, uint64_t eip, uint64_t gdt_base)
{
	/* Multiboot 0.6.96 3.2: PE = 1, PG = 0; flat 32-bit CS and DS..SS. */
	boot_state_reset(st, 0xb);
	st->cr0 = CR0_PE | CR0_ET;
	st->seg[SEG_CS] = seg_flat32(BOOT_SEL_CODE, true);
	st->seg[SEG_DS] = seg_flat32(BOOT_SEL_DATA, false);
	st->seg[SEG_ES] = st->seg[SEG_DS];
	st->seg[SEG_FS] = st->seg[SEG_DS];
	st->seg[SEG_GS] = st->seg[SEG_DS];
	st->seg[SEG_SS] = st->seg[SEG_DS];
	/*
	 * The spec lets GDTR be invalid, but vx86 points it at a GDT matching the
	 * loaded segments, so a guest that reloads them early still works.
	 */
	st->gdt.base = gdt_base;
	st->gdt.limit = BOOT_GDT_SIZE - 1;
	st->rip = eip;
	/* The spec leaves ESP undefined; see BOOT_STACK_TOP. */
	st->gpr[GPR_RSP] = BOOT_STACK_TOP;
}
