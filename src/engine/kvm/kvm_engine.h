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

/* Real-mode support on VMX without unrestricted guest needs 3 pages for a TSS. */
#define KVM_TSS_ADDR 0xfffbd000u

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
	/*
	 * MSRs KVM reads but refused a value for (at setup, the value it read
	 * itself; later, a value vx86's model accepted): vx86 keeps them in its
	 * own state from then on, and says so once.
	 */
	uint32_t refused[KVM_MAX_HELD_MSRS];
	uint64_t refused_value[KVM_MAX_HELD_MSRS];
	unsigned nrefused;
	/* VX86_KVM_REFUSE_MSR=INDEX=VALUE (tests): act as if KVM refused that write. */
	bool test_refuse;
	uint32_t test_refuse_index;
	uint64_t test_refuse_value;
	/* What the probes found (kvm_probe.c), for `vx86 host` and the model. */
	struct kvm_cpuid2 *cpuid; /* the table given to KVM_SET_CPUID2 */
	unsigned cpuid_differs;	  /* leaves the guest sees otherwise than that table says */
};

/* Who answers a guest RDMSR once vx86's filter is installed (kvm_probe.c). */
enum kvm_msr_route {
	KVM_MSR_ROUTE_VX86,	/* exits to user space: vx86's model decides */
	KVM_MSR_ROUTE_KVM_READ, /* KVM answered without an exit */
	KVM_MSR_ROUTE_KVM_GP,	/* KVM injected #GP without an exit */
	KVM_MSR_ROUTE_UNKNOWN,	/* the probe VM did not get to its HLT */
};

/* Print "vx86: kvm: what: strerror(errno)" and return -errno. */
int kvm_fail(FILE *log, const char *what);

/* kvm.c */
struct kvm_cpuid2 *kvm_supported_cpuid(const struct kvm_engine *k);

/* kvm_msr.c */
int kvm_msr_setup(struct kvm_engine *k, const struct engine_config *cfg, struct cpu_model *cpu);
int kvm_msr_get_state(struct kvm_engine *k, struct vcpu_state *st);
int kvm_msr_set_state(struct kvm_engine *k, const struct vcpu_state *st);
int kvm_msr_set_one(struct kvm_engine *k, uint32_t index, uint64_t value);
int kvm_msr_enable_exits(struct kvm_engine *k, const struct engine_config *cfg);
bool kvm_msr_read(struct kvm_engine *k, uint32_t index, uint64_t *val);
/* Every index vx86's MSR table covers, in table order; how many. */
unsigned kvm_msr_model_indices(uint32_t *out, unsigned max);
#define KVM_MAX_MODEL_MSRS 1024

/* kvm_probe.c */
int kvm_probe_cpuid(const struct kvm_engine *k, const struct kvm_cpuid2 *given,
		    struct kvm_cpuid2 *seen);
void kvm_cpuid_dynamic_mask(uint32_t leaf, uint32_t subleaf, uint32_t mask[4]);
unsigned kvm_cpuid_differences(const struct kvm_cpuid2 *given, const struct kvm_cpuid2 *seen);
int kvm_probe_msr_routes(const struct kvm_engine *k, const struct kvm_cpuid2 *c,
			 const uint32_t *idx, unsigned n, enum kvm_msr_route *route);
const char *kvm_msr_route_name(enum kvm_msr_route r);
int kvm_probe_tsc(const struct kvm_engine *k, const struct kvm_cpuid2 *c, bool *rdtsc_moves,
		  bool *rdmsr_moves);

/* kvm_host.c: `vx86 host` */
int kvm_host_report(FILE *out);

#endif
