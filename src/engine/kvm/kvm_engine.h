/* SPDX-License-Identifier: MIT */
/* The kvm engine's private state, shared by kvm.c (VM, vCPU, run loop) and kvm_msr.c. */
#ifndef VX86_KVM_ENGINE_H
#define VX86_KVM_ENGINE_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/engine.h"

#define KVM_DEVICE "/dev/kvm"

/* At most this many MSRs are kept in step between KVM and vx86's state. */
#define KVM_MAX_HELD_MSRS 128

struct kvm_engine {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread; /* the thread that last called run, for kicks */
	struct engine_mem mem[ENGINE_MAX_MEM];
	unsigned nmem;
	FILE *log;
	bool has_xcrs;
	bool has_tsc_offset; /* the vCPU's KVM_VCPU_TSC_OFFSET attribute */
	/* An RDMSR/WRMSR exit KVM waits for us to complete (KVM_EXIT_X86_*), or 0. */
	uint32_t pending_msr_exit;
	/* MSRs both KVM and vx86's model keep: read and written with KVM_GET/SET_MSRS. */
	uint32_t held[KVM_MAX_HELD_MSRS];
	unsigned nheld;
};

/* Print "vx86: kvm: what: strerror(errno)" and return -errno. */
int kvm_fail(FILE *log, const char *what);

/* kvm_msr.c */
int kvm_msr_setup(struct kvm_engine *k, const struct engine_config *cfg, struct cpu_model *cpu);
int kvm_msr_get_state(struct kvm_engine *k, struct vcpu_state *st);
int kvm_msr_set_state(struct kvm_engine *k, const struct vcpu_state *st);
int kvm_msr_set_one(struct kvm_engine *k, uint32_t index, uint64_t value);

#endif
