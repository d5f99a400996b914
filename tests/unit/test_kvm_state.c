/* SPDX-License-Identifier: MIT */
/* The kvm engine's register conversions: every field survives a round trip. */
#include <string.h>

#include "engine/kvm/kvm_state.h"
#include "state_sample.h"
#include "tap.h"

static int seg_equal(const struct segment *a, const struct segment *b)
{
	return a->selector == b->selector && a->base == b->base && a->limit == b->limit &&
	       a->type == b->type && a->s == b->s && a->dpl == b->dpl && a->present == b->present &&
	       a->avl == b->avl && a->l == b->l && a->db == b->db && a->g == b->g &&
	       a->unusable == b->unusable;
}

int main(void)
{
	struct vcpu_state in = state_sample(), out;
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	memset(&sregs, 0xa5, sizeof(sregs));
	sregs.apic_base = 0xfee00900;
	kvm_state_to_regs(&in, &regs);
	kvm_state_to_sregs(&in, &sregs);
	is_u64(regs.rax, in.gpr[GPR_RAX], "rax goes to kvm_regs.rax");
	is_u64(regs.rsp, in.gpr[GPR_RSP], "rsp goes to kvm_regs.rsp");
	is_u64(regs.r15, in.gpr[GPR_R15], "r15 goes to kvm_regs.r15");
	is_u64(sregs.cs.selector, in.seg[SEG_CS].selector, "CS goes to sregs.cs");
	is_u64(sregs.tr.base, in.seg[SEG_TR].base, "TR goes to sregs.tr");
	is_u64(sregs.ldt.unusable, 1, "LDTR goes to sregs.ldt");
	is_u64(sregs.apic_base, 0xfee00900, "apic_base is left to KVM");

	memset(&out, 0, sizeof(out));
	kvm_regs_to_state(&regs, &out);
	kvm_sregs_to_state(&sregs, &out);
	for (int i = 0; i < GPR_COUNT; i++)
		is_u64(out.gpr[i], in.gpr[i], "gpr %d round-trips", i);
	is_u64(out.rip, in.rip, "rip round-trips");
	is_u64(out.rflags, in.rflags, "rflags round-trips");
	for (int i = 0; i < SEG_COUNT; i++)
		ok(seg_equal(&out.seg[i], &in.seg[i]),
		   "segment %d round-trips with every hidden field", i);
	ok(out.gdt.base == in.gdt.base && out.gdt.limit == in.gdt.limit, "GDTR round-trips");
	ok(out.idt.base == in.idt.base && out.idt.limit == in.idt.limit, "IDTR round-trips");
	is_u64(out.cr0, in.cr0, "cr0 round-trips");
	is_u64(out.cr2, in.cr2, "cr2 round-trips");
	is_u64(out.cr3, in.cr3, "cr3 round-trips");
	is_u64(out.cr4, in.cr4, "cr4 round-trips");
	is_u64(out.cr8, in.cr8, "cr8 round-trips");
	is_u64(out.efer, in.efer, "efer round-trips");

	struct kvm_debugregs dregs;

	kvm_state_to_debugregs(&in, &dregs);
	kvm_debugregs_to_state(&dregs, &out);
	for (int i = 0; i < 4; i++)
		is_u64(out.dr[i], in.dr[i], "dr%d round-trips", i);
	is_u64(out.dr6, in.dr6, "dr6 round-trips");
	is_u64(out.dr7, in.dr7, "dr7 round-trips");
	return tap_done();
}
