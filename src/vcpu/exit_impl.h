/* SPDX-License-Identifier: MIT */
/* What exit.c (the dispatch table) and exit_model.c (the model's handlers) share. */
#ifndef VX86_VCPU_EXIT_IMPL_H
#define VX86_VCPU_EXIT_IMPL_H

#include "exit.h"

/* Record why the guest stops and with which status; returns EXIT_STOP. */
enum exit_action vcpu_stop(struct vcpu *v, int status, const char *cause);

/*
 * The model's handlers below find v->st fresh: vcpu_handle_exit reads it from
 * the engine once per exit before calling them.
 */
enum exit_action handle_rdmsr(struct vcpu *v, struct vcpu_exit *e);
enum exit_action handle_wrmsr(struct vcpu *v, struct vcpu_exit *e);
enum exit_action handle_cr_access(struct vcpu *v, struct vcpu_exit *e);
enum exit_action handle_xsetbv(struct vcpu *v, struct vcpu_exit *e);
enum exit_action handle_cpuid(struct vcpu *v, struct vcpu_exit *e);
enum exit_action handle_vmcall(struct vcpu *v, struct vcpu_exit *e);

/* exit_apic.c: the local APIC at the exits. */
void vcpu_apic_init(struct vcpu *v); /* gives the vCPU an APIC if the engine can inject */
/* An access in the xAPIC page: done (true), or not the APIC's (false). */
bool vcpu_apic_mmio(struct vcpu *v, const struct exit_mmio *m, uint64_t *val);
enum exit_action vcpu_apic_hlt(struct vcpu *v, uint64_t rip);
enum exit_action handle_irq_window(struct vcpu *v, struct vcpu_exit *e);

#endif
