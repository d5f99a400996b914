/* SPDX-License-Identifier: MIT */
/* Conversions between vx86's vcpu_state and KVM's register structs (pure, unit-tested). */
#ifndef VX86_KVM_STATE_H
#define VX86_KVM_STATE_H

#include <linux/kvm.h>

#include "vcpu/state.h"

void kvm_regs_to_state(const struct kvm_regs *r, struct vcpu_state *st);
void kvm_sregs_to_state(const struct kvm_sregs *s, struct vcpu_state *st);
void kvm_state_to_regs(const struct vcpu_state *st, struct kvm_regs *r);
/* Overwrites the fields vx86 models; leaves apic_base and interrupt_bitmap alone. */
void kvm_state_to_sregs(const struct vcpu_state *st, struct kvm_sregs *s);

void kvm_debugregs_to_state(const struct kvm_debugregs *d, struct vcpu_state *st);
void kvm_state_to_debugregs(const struct vcpu_state *st, struct kvm_debugregs *d);

#endif
