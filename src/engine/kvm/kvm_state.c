/* SPDX-License-Identifier: MIT */
#include "kvm_state.h"

#include <string.h>

void kvm_regs_to_state(const struct kvm_regs *r, struct vcpu_state *st)
{
	const uint64_t g[GPR_COUNT] = {
		r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
		r->r8,	r->r9,	r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
	};

	memcpy(st->gpr, g, sizeof(g));
	st->rip = r->rip;
	st->rflags = r->rflags;
}

void kvm_state_to_regs(const struct vcpu_state *st, struct kvm_regs *r)
{
	const uint64_t *g = st->gpr;

	*r = (struct kvm_regs){
		.rax = g[GPR_RAX],
		.rcx = g[GPR_RCX],
		.rdx = g[GPR_RDX],
		.rbx = g[GPR_RBX],
		.rsp = g[GPR_RSP],
		.rbp = g[GPR_RBP],
		.rsi = g[GPR_RSI],
		.rdi = g[GPR_RDI],
		.r8 = g[GPR_R8],
		.r9 = g[GPR_R9],
		.r10 = g[GPR_R10],
		.r11 = g[GPR_R11],
		.r12 = g[GPR_R12],
		.r13 = g[GPR_R13],
		.r14 = g[GPR_R14],
		.r15 = g[GPR_R15],
		.rip = st->rip,
		.rflags = st->rflags,
	};
}

static struct segment from_kvm_segment(const struct kvm_segment *k)
{
	return (struct segment){
		.selector = k->selector,
		.base = k->base,
		.limit = k->limit,
		.type = k->type,
		.s = k->s,
		.dpl = k->dpl,
		.present = k->present,
		.avl = k->avl,
		.l = k->l,
		.db = k->db,
		.g = k->g,
		.unusable = k->unusable,
	};
}

static struct kvm_segment to_kvm_segment(const struct segment *s)
{
	return (struct kvm_segment){
		.selector = s->selector,
		.base = s->base,
		.limit = s->limit,
		.type = s->type,
		.s = s->s,
		.dpl = s->dpl,
		.present = s->present,
		.avl = s->avl,
		.l = s->l,
		.db = s->db,
		.g = s->g,
		.unusable = s->unusable,
	};
}

/* KVM's kvm_sregs names the segments; vx86 indexes them in SDM order. */
/* clang-format off */
#define KVM_SEGMENTS(X) \
	X(SEG_ES, es)   \
	X(SEG_CS, cs)   \
	X(SEG_SS, ss)   \
	X(SEG_DS, ds)   \
	X(SEG_FS, fs)   \
	X(SEG_GS, gs)   \
	X(SEG_LDTR, ldt) \
	X(SEG_TR, tr)
/* clang-format on */

void kvm_sregs_to_state(const struct kvm_sregs *s, struct vcpu_state *st)
{
#define FROM(idx, field) st->seg[idx] = from_kvm_segment(&s->field);
	KVM_SEGMENTS(FROM)
#undef FROM
	st->gdt = (struct dtable){.base = s->gdt.base, .limit = s->gdt.limit};
	st->idt = (struct dtable){.base = s->idt.base, .limit = s->idt.limit};
	st->cr0 = s->cr0;
	st->cr2 = s->cr2;
	st->cr3 = s->cr3;
	st->cr4 = s->cr4;
	st->cr8 = s->cr8;
	st->efer = s->efer;
}

void kvm_state_to_sregs(const struct vcpu_state *st, struct kvm_sregs *s)
{
#define TO(idx, field) s->field = to_kvm_segment(&st->seg[idx]);
	KVM_SEGMENTS(TO)
#undef TO
	s->gdt = (struct kvm_dtable){.base = st->gdt.base, .limit = st->gdt.limit};
	s->idt = (struct kvm_dtable){.base = st->idt.base, .limit = st->idt.limit};
	s->cr0 = st->cr0;
	s->cr2 = st->cr2;
	s->cr3 = st->cr3;
	s->cr4 = st->cr4;
	s->cr8 = st->cr8;
	s->efer = st->efer;
}

void kvm_debugregs_to_state(const struct kvm_debugregs *d, struct vcpu_state *st)
{
	memcpy(st->dr, d->db, sizeof(st->dr));
	st->dr6 = d->dr6;
	st->dr7 = d->dr7;
}

void kvm_state_to_debugregs(const struct vcpu_state *st, struct kvm_debugregs *d)
{
	memset(d, 0, sizeof(*d));
	memcpy(d->db, st->dr, sizeof(d->db));
	d->dr6 = st->dr6;
	d->dr7 = st->dr7;
}
